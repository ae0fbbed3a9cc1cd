//! What the fuzz targets share: the invariants every report keeps, the signatures the frame
//! targets check against, and a scratch directory for the readers that take paths.

use std::path::PathBuf;

use signature_runtime::mlflow::ReadLimits;
use signature_runtime::{
    Array, ColSpec, ColumnType, DataType, Map, Object, Property, Report, Schema, Severity,
};

/// A report that contradicts itself is a bug whatever the input: counts against the list,
/// the cap, pointers, messages, and every rendering of it.
pub fn assert_report_consistent(report: &Report, max_problems: usize) {
    assert!(report.problems().len() <= max_problems);
    assert_eq!(report.is_valid(), report.error_count() == 0);
    assert!(report.errors().count() as u64 <= report.error_count());
    assert_eq!(
        report.problems().len() as u64 + report.omitted(),
        report.error_count() + report.warning_count()
    );
    for problem in report.problems() {
        assert!(problem.pointer().is_empty() || problem.pointer().starts_with('/'));
        if problem.severity() == Severity::Warning {
            assert!(!problem.message().is_empty());
        }
    }
    let _ = report.to_string();
    let _ = report.redacted().to_string();
    let _ = serde_json::to_string(report).unwrap();
    let _ = report.to_mlflow_error().to_json();
}

/// Column signatures for the frame targets: flat scalars, every scalar type optional, and
/// nested types.
pub fn frame_schemas() -> Vec<Schema> {
    let object = Object::new(vec![
        Property::new("x", DataType::Double),
        Property::new("tags", Array::new(DataType::String)).optional(),
    ])
    .unwrap();
    let every_scalar: Vec<ColSpec> = DataType::ALL
        .iter()
        .map(|t| ColSpec::new(t.name(), *t).optional())
        .collect();
    [
        vec![
            ColSpec::new("sqft", DataType::Double),
            ColSpec::new("bedrooms", DataType::Long),
        ],
        every_scalar,
        vec![
            ColSpec::new("a", Array::new(Array::new(DataType::Integer))),
            ColSpec::new("o", object),
            ColSpec::new("m", Map::new(ColumnType::AnyType)).optional(),
            ColSpec::new("v", ColumnType::SparkMLVector).optional(),
        ],
        vec![
            ColSpec::new("x", DataType::Long),
            ColSpec::new("y", DataType::String).optional(),
            ColSpec::new("z", DataType::Datetime).optional(),
        ],
    ]
    .into_iter()
    .map(|columns| Schema::from_columns(columns).unwrap())
    .collect()
}

/// A directory of this process for files the readers open by path: under `$FUZZ_SCRATCH`
/// when set (scripts/fuzz.sh sets it to a directory it removes after the run, as fork mode
/// starts a process per job), else in memory when the machine has `/dev/shm`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let base = match std::env::var_os("FUZZ_SCRATCH") {
        Some(dir) => PathBuf::from(dir),
        None if std::path::Path::new("/dev/shm").is_dir() => PathBuf::from("/dev/shm"),
        None => std::env::temp_dir(),
    };
    let dir = base.join(format!("signature-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Budgets far below the defaults, so that the fuzzer reaches every budget's refusal: a
/// tighter budget may refuse what the defaults read, never read it differently.
pub fn tight_limits() -> ReadLimits {
    let mut limits = ReadLimits::default();
    limits.mlmodel_bytes = 2048;
    limits.yaml_depth = 6;
    limits.yaml_alias_uses = 8;
    limits.yaml_expanded_bytes = 8192;
    limits.signature_json_bytes = 1024;
    limits.json_depth = 6;
    limits.input_example_bytes = 1024;
    limits.columns = 4;
    limits.type_depth = 3;
    limits.frame_metadata_bytes = 4096;
    limits.frame_columns = 6;
    limits
}
