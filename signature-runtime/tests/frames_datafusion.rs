//! Datasets through DataFusion: a multi-file, multi-partition check gives the report of one
//! sequential check of the same data; conform as a projection; the SQL row-errors function.
#![cfg(feature = "datafusion")]

mod support;

use std::path::Path;
use std::sync::Arc;

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::arrow_array::cast::AsArray;
use signature_runtime::frame::arrow_array::types::{Float64Type, Int64Type};
use signature_runtime::frame::arrow_array::{
    ArrayRef, Float32Array, RecordBatch, StringArray, UInt64Array,
};
use signature_runtime::frame::datafusion::{
    check_dataframe, check_dataframes, check_table, conform_dataframe, infer_dataframe,
    row_errors_udf,
};
use signature_runtime::frame::datafusion_crate::arrow::compute::concat_batches;
use signature_runtime::frame::datafusion_crate::dataframe::DataFrame;
use signature_runtime::frame::datafusion_crate::datasource::MemTable;
use signature_runtime::frame::datafusion_crate::prelude::{
    ParquetReadOptions, Partitioning, SessionConfig, SessionContext,
};
use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;
use signature_runtime::{CheckOptions, ColSpec, DataType, Mode, Report, Schema};

fn signature() -> Schema {
    Schema::from_columns(vec![
        ColSpec::new("id", DataType::Long),
        ColSpec::new("city", DataType::String),
        ColSpec::new("price", DataType::Double).with_required(false),
    ])
    .unwrap()
}

/// File `index` of `rows` rows: ids from `index * rows`, every city named, prices in float32.
fn batch(index: u64, rows: u64) -> (Vec<u64>, Vec<Option<String>>, Vec<Option<f32>>) {
    let ids = (index * rows..(index + 1) * rows).collect();
    let cities = (0..rows).map(|i| Some(format!("city{i}"))).collect();
    let prices = (0..rows).map(|i| Some(i as f32 / 2.0)).collect();
    (ids, cities, prices)
}

fn record_batch(
    ids: Vec<u64>,
    cities: Vec<Option<String>>,
    prices: Vec<Option<f32>>,
) -> RecordBatch {
    // Every field nullable, as pyarrow and Polars write them, so the files' schemas agree.
    RecordBatch::try_from_iter_with_nullable([
        ("id", Arc::new(UInt64Array::from(ids)) as ArrayRef, true),
        (
            "city",
            Arc::new(StringArray::from(cities)) as ArrayRef,
            true,
        ),
        (
            "price",
            Arc::new(Float32Array::from(prices)) as ArrayRef,
            true,
        ),
    ])
    .unwrap()
}

/// Writes `files` Parquet files of `rows` rows each into `dir`, with the problems `spoil`
/// puts in; returns the batches in file order.
fn write_dataset(
    dir: &Path,
    files: u64,
    rows: u64,
    spoil: impl Fn(u64, &mut [u64], &mut [Option<String>]),
) -> Vec<RecordBatch> {
    (0..files)
        .map(|index| {
            let (mut ids, mut cities, prices) = batch(index, rows);
            spoil(index, &mut ids[..], &mut cities[..]);
            let batch = record_batch(ids, cities, prices);
            // Zero-padded, so the names sort in data order.
            let path = dir.join(format!("part-{index:03}.parquet"));
            let mut writer =
                ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None)
                    .unwrap();
            writer.write(&batch).unwrap();
            writer.close().unwrap();
            batch
        })
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    // Timers and sockets for Ballista's scheduler and executor.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A session of `partitions` partitions whose file scans keep their files: without work
/// stealing, partition 0 reads the first files in path order, so the data order is the files'.
/// The check of every Parquet file in `dir` through DataFusion on `partitions` partitions.
fn check_dir(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    partitions: usize,
    checker: &ArrowChecker,
) -> Report {
    let ctx = context(partitions);
    rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap();
        check_dataframe(checker, frame).await.unwrap()
    })
}

fn context(partitions: usize) -> SessionContext {
    let mut config = SessionConfig::new().with_target_partitions(partitions);
    config
        .options_mut()
        .execution
        .enable_file_stream_work_stealing = false;
    SessionContext::new_with_config(config)
}

/// The report as JSON, for comparisons that show every difference.
fn json(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap()
}

/// An id past `i64::MAX` in file 1, a null city in file 3: each column's problems lie in one
/// file, and in the signature's column order, so a check of all the data as one batch reports
/// exactly the same problems in the same order.
fn spoil_two(index: u64, ids: &mut [u64], cities: &mut [Option<String>]) {
    if index == 1 {
        ids[2] = u64::MAX;
    }
    if index == 3 {
        cities[7] = None;
    }
}

/// A null city in row 7 of file 1.
fn spoil_city(index: u64, _: &mut [u64], cities: &mut [Option<String>]) {
    if index == 1 {
        cities[7] = None;
    }
}

#[test]
fn several_files_on_several_partitions_give_the_report_of_one_batch() {
    let dir = support::scratch("one_batch");
    let batches = write_dataset(&dir, 6, 1_000, spoil_two);
    let checker = ArrowChecker::for_schema(&signature());
    let whole = concat_batches(&batches[0].schema(), &batches).unwrap();
    let expected = checker.check(&whole);
    assert_eq!(expected.error_count(), 2, "{expected}");
    let rt = runtime();
    for partitions in [1, 2, 3, 8] {
        let report = check_dir(&rt, &dir, partitions, &checker);
        assert_eq!(
            json(&report),
            json(&expected),
            "{partitions} partitions:\n{report}"
        );
    }
    // The id is row 2 of file 1, so row 1,002 of the data; the null row 3,007.
    assert_eq!(expected.problems()[0].row(), Some(1_002), "{expected}");
    assert_eq!(expected.problems()[1].row(), Some(3_007), "{expected}");
}

#[test]
fn every_file_spoiled_gives_the_sequential_report_and_exact_counts() {
    let dir = support::scratch("sequential");
    // A null city in every file: one problem per batch, more than the report lists.
    let batches = write_dataset(&dir, 12, 500, |index, _, cities| {
        cities[(index as usize * 7) % 500] = None;
    });
    let options = CheckOptions::new().with_max_problems(5);
    let checker = ArrowChecker::for_schema(&signature()).with_options(options);
    let mut sequential = checker.batches(batches[0].schema_ref());
    for batch in &batches {
        sequential.check(batch);
    }
    let expected = sequential.finish();
    assert_eq!(expected.error_count(), 12, "{expected}");
    assert_eq!(expected.problems().len(), 5, "{expected}");
    let rt = runtime();
    for partitions in [1, 4] {
        let report = check_dir(&rt, &dir, partitions, &checker);
        assert_eq!(
            json(&report),
            json(&expected),
            "{partitions} partitions:\n{report}"
        );
    }
}

/// The Parquet files of `dir`, one frame each, in path order.
async fn frame_per_file(ctx: &SessionContext, dir: &Path) -> Vec<DataFrame> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let mut frames = Vec::new();
    for file in files {
        let file = file.to_str().unwrap();
        frames.push(
            ctx.read_parquet(file, ParquetReadOptions::default())
                .await
                .unwrap(),
        );
    }
    frames
}

#[test]
fn frames_checked_as_one_dataset_follow_each_other() {
    let dir = support::scratch("frames");
    write_dataset(&dir, 6, 1_000, spoil_two);
    let checker = ArrowChecker::for_schema(&signature());
    let rt = runtime();
    let expected = check_dir(&rt, &dir, 1, &checker);
    assert_eq!(expected.error_count(), 2, "{expected}");
    let ctx = context(2);
    let (report, refused) = rt.block_on(async {
        let report = check_dataframes(&checker, frame_per_file(&ctx, &dir).await)
            .await
            .unwrap();
        // Frames of other columns cannot be one dataset.
        let mut frames = frame_per_file(&ctx, &dir).await;
        frames[1] = frames[1].clone().select_columns(&["id", "city"]).unwrap();
        (
            report,
            check_dataframes(&checker, frames).await.unwrap_err(),
        )
    });
    assert_eq!(json(&report), json(&expected), "{report}");
    assert_eq!(report.problems()[1].row(), Some(3_007), "{report}");
    assert!(
        refused.to_string().contains("different columns"),
        "{refused}"
    );
}

#[test]
fn a_repartitioned_frame_counts_every_problem_once() {
    let dir = support::scratch("repartition");
    let batches = write_dataset(&dir, 5, 800, |index, ids, cities| {
        cities[index as usize] = None;
        ids[3] = u64::MAX - index;
    });
    let checker = ArrowChecker::for_schema(&signature());
    let mut sequential = checker.batches(batches[0].schema_ref());
    for batch in &batches {
        sequential.check(batch);
    }
    let expected = sequential.finish();
    let rt = runtime();
    let ctx = context(2);
    let report = rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap()
            .repartition(Partitioning::RoundRobinBatch(4))
            .unwrap();
        check_dataframe(&checker, frame).await.unwrap()
    });
    // Round robin deals whole batches to partitions in no fixed order: the same problems,
    // counted the same, each found once; only the rows they sit at depend on the order.
    assert_eq!(report.rows(), Some(4_000));
    assert_eq!(report.error_count(), expected.error_count(), "{report}");
    assert_eq!(report.error_count(), 10, "{report}");
    let kinds = |report: &Report| {
        let mut kinds: Vec<String> = report
            .problems()
            .iter()
            .map(|p| format!("{} {}", p.kind(), p.column().unwrap_or("")))
            .collect();
        kinds.sort();
        kinds
    };
    assert_eq!(kinds(&report), kinds(&expected));
}

#[test]
fn a_registered_table_is_checked_in_any_mode() {
    let ctx = context(2);
    let batches: Vec<RecordBatch> = (0..4)
        .map(|index| {
            let (ids, cities, prices) = batch(index, 100);
            let mut prices = prices;
            prices[5] = None;
            record_batch(ids, cities, prices)
        })
        .collect();
    let table = MemTable::try_new(
        batches[0].schema(),
        vec![batches[..2].to_vec(), batches[2..].to_vec()],
    )
    .unwrap();
    ctx.register_table("houses", Arc::new(table)).unwrap();
    let rt = runtime();
    for mode in [Mode::Strict, Mode::MlflowServing, Mode::MlflowPredict] {
        let checker = ArrowChecker::for_schema(&signature())
            .with_options(CheckOptions::new().with_mode(mode));
        // The MLflow modes decide a column per batch (whether it holds nulls changes the
        // pandas dtype), so the reference is the batches checked one after the other.
        let mut sequential = checker.batches(batches[0].schema_ref());
        for batch in &batches {
            sequential.check(batch);
        }
        let expected = sequential.finish();
        let report = rt.block_on(check_table(&checker, &ctx, "houses")).unwrap();
        assert_eq!(json(&report), json(&expected), "{mode:?}:\n{report}");
    }
}

/// The SQL of the row-errors tests: each failing row's id and errors.
const BAD_ROWS: &str = "SELECT CAST(id AS BIGINT) AS id, row_errors(id, city, price) AS errors \
                        FROM houses WHERE row_errors(id, city, price) IS NOT NULL ORDER BY id";

/// The `(id, errors)` pairs of [`BAD_ROWS`]' result.
fn ids_and_errors(rows: &[RecordBatch]) -> Vec<(i64, String)> {
    rows.iter()
        .flat_map(|batch| {
            let ids = batch.column(0).as_primitive::<Int64Type>().clone();
            let errors = batch.column(1).as_string_view_opt().map_or_else(
                || {
                    batch
                        .column(1)
                        .as_string::<i32>()
                        .iter()
                        .map(|e| e.unwrap().to_owned())
                        .collect::<Vec<_>>()
                },
                |view| view.iter().map(|e| e.unwrap().to_owned()).collect(),
            );
            ids.values().iter().copied().zip(errors).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_sql_function_names_each_bad_rows_errors() {
    let dir = support::scratch("udf");
    write_dataset(&dir, 3, 200, spoil_city);
    let checker = ArrowChecker::for_schema(&signature());
    let ctx = context(2);
    ctx.register_udf(row_errors_udf(&checker, "row_errors").unwrap());
    let rt = runtime();
    let rows = rt.block_on(async {
        ctx.register_parquet(
            "houses",
            dir.to_str().unwrap(),
            ParquetReadOptions::default(),
        )
        .await
        .unwrap();
        ctx.sql(BAD_ROWS).await.unwrap().collect().await.unwrap()
    });
    let found = ids_and_errors(&rows);
    assert_eq!(found, vec![(207, "null_not_allowed: city".to_owned())]);

    // The valid rows: all but the one.
    let valid = rt.block_on(async {
        ctx.sql("SELECT count(*) FROM houses WHERE row_errors(id, city, price) IS NULL")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap()
    });
    assert_eq!(valid[0].column(0).as_primitive::<Int64Type>().value(0), 599);

    // The wrong number of arguments is refused when the query is planned.
    let wrong = rt.block_on(async { ctx.sql("SELECT row_errors(id) FROM houses").await });
    assert!(wrong.is_err());
}

/// Checks that `collected`, a conformed frame's batches over the 1,200 rows of 4 files of
/// 300, holds what the batch conformer gave (`expected`) in any row order.
fn assert_conformed(collected: &[RecordBatch], expected: &RecordBatch) {
    let got = concat_batches(&collected[0].schema(), collected).unwrap();
    let types = |batch: &RecordBatch| {
        batch
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().to_string()))
            .collect::<Vec<_>>()
    };
    // Strings may come back as views (DataFusion reads Parquet strings so); the numbers are
    // the conformer's: UInt64 ids as Int64, float32 prices as Float64.
    let expected_types = types(expected);
    let got_types = types(&got);
    assert_eq!(got_types[0], expected_types[0]);
    assert_eq!(got_types[2], expected_types[2]);
    let mut ids: Vec<i64> = got.column(0).as_primitive::<Int64Type>().values().to_vec();
    ids.sort_unstable();
    assert_eq!(ids, (0..1_200).collect::<Vec<i64>>());
    let prices: f64 = got
        .column(2)
        .as_primitive::<Float64Type>()
        .values()
        .iter()
        .sum();
    let expected_prices: f64 = expected
        .column(2)
        .as_primitive::<Float64Type>()
        .values()
        .iter()
        .sum();
    assert_eq!(prices, expected_prices);
}

#[test]
fn conform_is_a_projection_with_the_batch_conformers_result() {
    let dir = support::scratch("conform");
    let batches = write_dataset(&dir, 4, 300, |_, _, _| {});
    let checker = ArrowChecker::for_schema(&signature());
    let whole = concat_batches(&batches[0].schema(), &batches).unwrap();
    let expected = checker.conform(&whole).unwrap();
    let rt = runtime();
    let ctx = context(3);
    let collected = rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap();
        let conformed = conform_dataframe(&checker, frame).unwrap();
        assert!(conformed.report.is_valid(), "{}", conformed.report);
        conformed.frame.collect().await.unwrap()
    });
    assert_conformed(&collected, &expected.batch);
}

#[test]
fn conform_fails_on_the_batch_whose_values_do_not_conform() {
    let dir = support::scratch("conform_bad");
    write_dataset(&dir, 3, 100, spoil_city);
    let checker = ArrowChecker::for_schema(&signature());
    let rt = runtime();
    let ctx = context(2);
    let error = rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap();
        let conformed = conform_dataframe(&checker, frame).unwrap();
        conformed.frame.collect().await.unwrap_err()
    });
    let message = error.to_string();
    assert!(
        message.contains("column `city` does not conform"),
        "{message}"
    );
    assert!(message.contains("null_not_allowed"), "{message}");

    // A schema that does not match is refused before anything runs.
    let narrow = Schema::from_columns(vec![ColSpec::new("zip", DataType::Long)]).unwrap();
    let refused = rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap();
        conform_dataframe(&ArrowChecker::for_schema(&narrow), frame).unwrap_err()
    });
    assert!(
        refused
            .to_string()
            .contains("missing required column `zip`"),
        "{refused}"
    );
}

#[test]
fn a_dataset_infers_the_schema_of_all_its_data() {
    let dir = support::scratch("infer");
    let batches = write_dataset(&dir, 4, 100, spoil_city);
    // Without the UInt64 ids, which MLflow infers no type for.
    let whole = concat_batches(&batches[0].schema(), &batches)
        .unwrap()
        .project(&[1, 2])
        .unwrap();
    let expected = Schema::infer(&whole).unwrap();
    let rt = runtime();
    let ctx = context(3);
    let inferred = rt.block_on(async {
        let frame = ctx
            .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap()
            .select_columns(&["city", "price"])
            .unwrap();
        infer_dataframe(frame).await.unwrap()
    });
    assert_eq!(inferred, expected);
    // The null city (in one file of four) makes the column optional.
    assert!(!inferred.columns().unwrap()[0].required());
}

/// The same checks on a Ballista cluster: a scheduler and an executor started in this process
/// (Ballista's standalone mode, loopback ports), the plans sent to them as protobuf.
#[cfg(feature = "ballista")]
mod ballista {
    use super::*;

    use signature_runtime::frame::ballista::with_signature_codecs;
    use signature_runtime::frame::ballista_crate::prelude::{SessionConfigExt, SessionContextExt};
    use signature_runtime::frame::datafusion_crate::execution::SessionStateBuilder;

    /// A Ballista session on a new standalone cluster: `partitions` partitions, file scans
    /// without work stealing (as [`context`]) and a file never split into several partitions,
    /// and our codecs when `codecs`.
    async fn standalone(partitions: usize, codecs: bool) -> SessionContext {
        let mut config = SessionConfig::new_with_ballista().with_target_partitions(partitions);
        config
            .options_mut()
            .execution
            .enable_file_stream_work_stealing = false;
        config.options_mut().optimizer.repartition_file_scans = false;
        let config = if codecs {
            with_signature_codecs(config)
        } else {
            config
        };
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .build();
        SessionContext::standalone_with_state(state).await.unwrap()
    }

    #[test]
    fn a_standalone_cluster_gives_the_local_report() {
        let dir = support::scratch("ballista_check");
        // A null city in every one of 8 files and an id past i64::MAX in file 2: more
        // problems than the report lists, in several files.
        write_dataset(&dir, 8, 1_000, |index, ids, cities| {
            cities[(index as usize * 37) % 1_000] = None;
            if index == 2 {
                ids[500] = u64::MAX;
            }
        });
        let options = CheckOptions::new().with_max_problems(4);
        let checker = ArrowChecker::for_schema(&signature()).with_options(options);
        let rt = runtime();
        let local = check_dir(&rt, &dir, 2, &checker);
        assert_eq!(local.error_count(), 9, "{local}");
        let (whole, remote, inferred) = rt.block_on(async {
            let ctx = standalone(2, false).await;
            let path = dir.to_str().unwrap();
            let frame = ctx
                .read_parquet(path, ParquetReadOptions::default())
                .await
                .unwrap();
            // The dataset as one frame: one job, whose two partitions come back in the order
            // the cluster finishes them.
            let whole = check_dataframe(&checker, frame.clone()).await.unwrap();
            // A frame per file, in path order: a job each, all at once.
            let frames = frame_per_file(&ctx, &dir).await;
            let remote = check_dataframes(&checker, frames).await.unwrap();
            // MLflow has no unsigned type, so the ids are left out of the inference.
            let inferable = frame.select_columns(&["city", "price"]).unwrap();
            (whole, remote, infer_dataframe(inferable).await.unwrap())
        });
        // Exact counts either way; the same problems listed when the order is the files'.
        assert_eq!(
            (whole.error_count(), whole.warning_count()),
            (local.error_count(), local.warning_count()),
            "{whole}"
        );
        assert_eq!(json(&remote), json(&local), "{remote}");
        // The first problems in data order, so in the first files (within a batch they are
        // listed column by column): each row named from the start of the data, so its file is
        // known from the files' 1,000 rows each.
        let mut rows: Vec<u64> = remote.problems().iter().filter_map(|p| p.row()).collect();
        rows.sort_unstable();
        assert_eq!(rows, vec![0, 1_037, 2_074, 2_500], "{remote}");
        let files: Vec<String> = rows
            .iter()
            .map(|row| format!("part-{:03}.parquet row {}", row / 1_000, row % 1_000))
            .collect();
        assert_eq!(
            files,
            [
                "part-000.parquet row 0",
                "part-001.parquet row 37",
                "part-002.parquet row 74",
                "part-002.parquet row 500"
            ]
        );
        // The schema inferred from all the data, as locally: the nulls make `city` optional.
        let local_inferred = rt.block_on(async {
            let frame = context(2)
                .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
                .await
                .unwrap();
            infer_dataframe(frame.select_columns(&["city", "price"]).unwrap())
                .await
                .unwrap()
        });
        assert_eq!(inferred, local_inferred);
    }

    #[test]
    fn row_errors_and_conform_run_on_the_executors_with_our_codecs() {
        let dir = support::scratch("ballista_udf");
        write_dataset(&dir, 3, 200, spoil_city);
        let checker = ArrowChecker::for_schema(&signature());
        let rt = runtime();
        let found = rt.block_on(async {
            let ctx = standalone(2, true).await;
            // Registered after the cluster started, so its scheduler and executor do not have
            // it by name: only the codec's bytes can bring it there.
            ctx.register_udf(row_errors_udf(&checker, "row_errors").unwrap());
            let path = dir.to_str().unwrap();
            ctx.register_parquet("houses", path, ParquetReadOptions::default())
                .await
                .unwrap();
            ctx.sql(BAD_ROWS).await.unwrap().collect().await.unwrap()
        });
        assert_eq!(
            ids_and_errors(&found),
            vec![(207, "null_not_allowed: city".to_owned())]
        );

        let dir = support::scratch("ballista_conform");
        let batches = write_dataset(&dir, 4, 300, |_, _, _| {});
        let whole = concat_batches(&batches[0].schema(), &batches).unwrap();
        let expected = checker.conform(&whole).unwrap();
        let collected = rt.block_on(async {
            let ctx = standalone(2, true).await;
            let frame = ctx
                .read_parquet(dir.to_str().unwrap(), ParquetReadOptions::default())
                .await
                .unwrap();
            let conformed = conform_dataframe(&checker, frame).unwrap();
            conformed.frame.collect().await.unwrap()
        });
        assert_conformed(&collected, &expected.batch);
    }

    /// Why the codecs are needed: Ballista's own send a function by name alone, and the
    /// scheduler's registry does not have ours.
    #[test]
    fn without_our_codecs_the_cluster_cannot_find_row_errors() {
        let dir = support::scratch("ballista_no_codec");
        write_dataset(&dir, 2, 100, spoil_city);
        let checker = ArrowChecker::for_schema(&signature());
        let error = runtime().block_on(async {
            let ctx = standalone(1, false).await;
            ctx.register_udf(row_errors_udf(&checker, "row_errors").unwrap());
            let path = dir.to_str().unwrap();
            ctx.register_parquet("houses", path, ParquetReadOptions::default())
                .await
                .unwrap();
            ctx.sql(BAD_ROWS)
                .await
                .unwrap()
                .collect()
                .await
                .unwrap_err()
        });
        // The scheduler cannot read the plan: `... LogicalExtensionCodec is not provided for
        // scalar function row_errors`.
        assert!(
            error.to_string().contains("scalar function row_errors"),
            "{error}"
        );
    }
}
