//! Budgets for every reader: model directories, signature files and data files come from
//! registries, buckets and colleagues, so no file may make a reader take unbounded time or
//! memory. The defaults are far above anything MLflow, pandas, pyarrow or Polars write; a
//! trusted file beyond one is read by raising that budget.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use super::FormatError;

/// How much each reader may take from its input. Every field is one budget; the defaults
/// ([`ReadLimits::default`]) are far beyond real files, so only hostile or broken input
/// reaches them.
///
/// ```
/// use signature_runtime::mlflow::ReadLimits;
///
/// let mut limits = ReadLimits::default();
/// limits.columns = 1_000_000; // a trusted, very wide signature
/// # let _ = limits;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadLimits {
    /// Bytes of an MLmodel file (16 MiB).
    pub mlmodel_bytes: u64,
    /// Nesting depth of the YAML in an MLmodel file (64; MLflow writes 4 or 5).
    pub yaml_depth: usize,
    /// Alias uses (`*name`) in an MLmodel file (10,000; MLflow writes none).
    pub yaml_alias_uses: u64,
    /// Memory an MLmodel document may take once its aliases are expanded, estimated as
    /// [`YAML_NODE_COST`] bytes per node plus the bytes of every string (64 MiB). PyYAML
    /// shares an aliased node where this reader copies it, so without this a few lines of
    /// aliases would expand to gigabytes.
    pub yaml_expanded_bytes: u64,
    /// Bytes of a signature JSON file, and of each JSON string inside a signature block
    /// (16 MiB, about 250,000 columns).
    pub signature_json_bytes: u64,
    /// Nesting depth of signature JSON and input examples (100; serde_json refuses more than
    /// 128 whatever this says).
    pub json_depth: usize,
    /// Bytes of a saved input example file (64 MiB).
    pub input_example_bytes: u64,
    /// Columns, tensors, params or object properties in one list of a signature (100,000).
    pub columns: usize,
    /// Nesting of `array`, `map` and `object` types in a signature (32).
    pub type_depth: usize,
    /// Bytes of a Parquet footer or of an Arrow IPC footer or schema message (256 MiB).
    pub frame_metadata_bytes: u64,
    /// Columns of a Parquet or Arrow IPC file, nested fields counted one by one (100,000).
    pub frame_columns: usize,
    /// Nesting of a Parquet file's schema, the root's children at depth 1 (128; a list takes
    /// two levels, so a column of lists of lists of structs is 5 deep). The `parquet` crate
    /// builds the schema tree recursively, so a footer nesting tens of thousands of levels
    /// deep would overflow the stack.
    pub frame_depth: usize,
    /// Bytes a Parquet page may declare it holds once decompressed (256 MiB; pyarrow, Polars,
    /// Spark and DuckDB write pages of about 1 MiB, larger only around one very large
    /// value). The reader allocates what a page declares before decompressing it, so a small
    /// file could otherwise claim gigabytes.
    pub frame_page_bytes: u64,
    /// Values a Parquet page may declare (2^28, 268,435,456; pyarrow before 15 wrote row
    /// groups of up to 2^26 rows, all in one page when a column is constant). Run-length
    /// encoding decodes millions of values from a few bytes, so this bounds the work one page
    /// header can ask for.
    pub frame_page_values: u64,
    /// Values the pages of one column chunk (one column of one row group) may declare in all,
    /// and the arrays of one column of an Arrow IPC batch, nested ones counted
    /// (2^31, 2,147,483,648). Each page is under [`ReadLimits::frame_page_values`], but a
    /// chunk of many small pages, each declaring a run of millions of values, would make the
    /// reader decode them all. Writers end a row group at 2^20 rows (pyarrow 15 on, arrow-rs,
    /// Polars) or 2^26 (pyarrow before 15): this leaves 32 list items per row of the largest.
    pub frame_chunk_values: u64,
    /// Values the pages of a whole Parquet file, or the batches of an Arrow IPC file, may
    /// declare in all (2^34, about 17 billion). A file of
    /// a million rows and a thousand columns declares 10^9 values (2^30), one per cell; this
    /// leaves 16 list items per cell, or 16 times the rows.
    pub frame_file_values: u64,
    /// Bytes the pages of one column chunk may declare once decompressed, in all (2^34,
    /// 16 GiB). A row group of 2^26 doubles is 512 MiB per column, of 2^20 strings of a
    /// kilobyte 1 GiB; a small file of highly compressed pages could otherwise make the reader
    /// decompress far more.
    pub frame_chunk_bytes: u64,
    /// Bytes the pages of a whole file may declare once decompressed, in all (2^37,
    /// 128 GiB). A million rows of a thousand doubles are 8 GB (2^33) decompressed; this
    /// leaves 16 times that, for strings and lists.
    pub frame_file_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        // The YAML budgets' one home is the reader the derive shares.
        let yaml = signature_runtime_yaml::YamlLimits::default();
        ReadLimits {
            mlmodel_bytes: 16 * MIB,
            yaml_depth: yaml.depth,
            yaml_alias_uses: yaml.alias_uses,
            yaml_expanded_bytes: yaml.expanded_bytes,
            signature_json_bytes: 16 * MIB,
            json_depth: 100,
            input_example_bytes: 64 * MIB,
            columns: 100_000,
            type_depth: 32,
            frame_metadata_bytes: 256 * MIB,
            frame_columns: 100_000,
            frame_depth: 128,
            frame_page_bytes: 256 * MIB,
            frame_page_values: 1 << 28,
            frame_chunk_values: 1 << 31,
            frame_file_values: 1 << 34,
            frame_chunk_bytes: 1 << 34,
            frame_file_bytes: 1 << 37,
        }
    }
}

/// What one YAML node is counted as toward [`ReadLimits::yaml_expanded_bytes`]: the size of
/// the JSON value it is read into.
pub const YAML_NODE_COST: u64 = signature_runtime_yaml::NODE_COST;

/// One of the budgets of [`ReadLimits`], by the name of its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Budget {
    /// [`ReadLimits::mlmodel_bytes`].
    MlmodelBytes,
    /// [`ReadLimits::yaml_depth`].
    YamlDepth,
    /// [`ReadLimits::yaml_alias_uses`].
    YamlAliasUses,
    /// [`ReadLimits::yaml_expanded_bytes`].
    YamlExpandedBytes,
    /// [`ReadLimits::signature_json_bytes`].
    SignatureJsonBytes,
    /// [`ReadLimits::json_depth`].
    JsonDepth,
    /// [`ReadLimits::input_example_bytes`].
    InputExampleBytes,
    /// [`ReadLimits::columns`].
    Columns,
    /// [`ReadLimits::type_depth`].
    TypeDepth,
    /// [`ReadLimits::frame_metadata_bytes`].
    FrameMetadataBytes,
    /// [`ReadLimits::frame_columns`].
    FrameColumns,
    /// [`ReadLimits::frame_depth`].
    FrameDepth,
    /// [`ReadLimits::frame_page_bytes`].
    FramePageBytes,
    /// [`ReadLimits::frame_page_values`].
    FramePageValues,
    /// [`ReadLimits::frame_chunk_values`].
    FrameChunkValues,
    /// [`ReadLimits::frame_file_values`].
    FrameFileValues,
    /// [`ReadLimits::frame_chunk_bytes`].
    FrameChunkBytes,
    /// [`ReadLimits::frame_file_bytes`].
    FrameFileBytes,
}

impl Budget {
    /// The name of the [`ReadLimits`] field that sets this budget.
    pub fn name(self) -> &'static str {
        match self {
            Budget::MlmodelBytes => "mlmodel_bytes",
            Budget::YamlDepth => "yaml_depth",
            Budget::YamlAliasUses => "yaml_alias_uses",
            Budget::YamlExpandedBytes => "yaml_expanded_bytes",
            Budget::SignatureJsonBytes => "signature_json_bytes",
            Budget::JsonDepth => "json_depth",
            Budget::InputExampleBytes => "input_example_bytes",
            Budget::Columns => "columns",
            Budget::TypeDepth => "type_depth",
            Budget::FrameMetadataBytes => "frame_metadata_bytes",
            Budget::FrameColumns => "frame_columns",
            Budget::FrameDepth => "frame_depth",
            Budget::FramePageBytes => "frame_page_bytes",
            Budget::FramePageValues => "frame_page_values",
            Budget::FrameChunkValues => "frame_chunk_values",
            Budget::FrameFileValues => "frame_file_values",
            Budget::FrameChunkBytes => "frame_chunk_bytes",
            Budget::FrameFileBytes => "frame_file_bytes",
        }
    }

    /// What the budget counts, for messages.
    fn counts(self) -> &'static str {
        match self {
            Budget::MlmodelBytes
            | Budget::SignatureJsonBytes
            | Budget::InputExampleBytes
            | Budget::FrameMetadataBytes => "bytes",
            Budget::YamlExpandedBytes => "bytes once its aliases are expanded",
            Budget::YamlDepth | Budget::JsonDepth => "levels of nesting",
            Budget::YamlAliasUses => "alias uses",
            Budget::Columns => "entries in one list",
            Budget::TypeDepth => "levels of nested types",
            Budget::FrameColumns => "columns",
            Budget::FrameDepth => "levels of nesting in the schema",
            Budget::FramePageBytes => "bytes in one page once decompressed",
            Budget::FramePageValues => "values in one page",
            Budget::FrameChunkValues => "values declared in one column of a row group or batch",
            Budget::FrameFileValues => "values declared in the file",
            Budget::FrameChunkBytes => {
                "bytes declared once decompressed in one column of a row group"
            }
            Budget::FrameFileBytes => "bytes declared once decompressed in the file",
        }
    }
}

/// A reader stopped because its input went past a budget of [`ReadLimits`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetExceeded {
    budget: Budget,
    limit: u64,
    place: String,
}

impl BudgetExceeded {
    pub(crate) fn new(budget: Budget, limit: impl TryInto<u64>, place: impl Into<String>) -> Self {
        BudgetExceeded {
            budget,
            limit: limit.try_into().unwrap_or(u64::MAX),
            place: place.into(),
        }
    }

    /// The budget that was exceeded.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Its value when it was exceeded.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Where: a file, a JSON pointer, or a line and column.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// The same, its place prefixed by the file it is in.
    pub(crate) fn in_file(mut self, path: &Path) -> Self {
        self.place = format!("{}: {}", path.display(), self.place);
        self
    }
}

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: over the `{}` budget ({} {}); raise `ReadLimits::{}` if the file is trusted",
            self.place,
            self.budget.name(),
            self.limit,
            self.budget.counts(),
            self.budget.name(),
        )
    }
}

impl std::error::Error for BudgetExceeded {}

/// Reads a whole UTF-8 file under a byte budget: its size is checked before reading, and the
/// reading stops one byte past the budget, so a file that grows meanwhile, or a FIFO, cannot
/// get past it.
pub(crate) fn read_to_string_limited(
    path: &Path,
    limit: u64,
    budget: Budget,
) -> Result<String, FormatError> {
    let io = |source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    };
    let over = || {
        FormatError::Budget(BudgetExceeded::new(
            budget,
            limit,
            path.display().to_string(),
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if metadata.is_file() && metadata.len() > limit {
        return Err(over());
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(over());
    }
    String::from_utf8(bytes)
        .map_err(|error| io(std::io::Error::new(std::io::ErrorKind::InvalidData, error)))
}

/// The first place where JSON `text` nests deeper than `max_depth`, as a line and column, or
/// `None`. A scan of the brackets outside strings: serde_json would refuse past 128 levels
/// anyway, but with a parser's message, not one naming the budget.
pub(crate) fn json_too_deep(text: &str, max_depth: usize) -> Option<String> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    let before = &text[..offset];
                    let line = before.matches('\n').count() + 1;
                    let column = offset - before.rfind('\n').map_or(0, |newline| newline + 1) + 1;
                    return Some(format!("line {line}, column {column}"));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlflow::{MlModel, SavedInputExample, signature_from_json_with};

    fn with(change: impl FnOnce(&mut ReadLimits)) -> ReadLimits {
        let mut limits = ReadLimits::default();
        change(&mut limits);
        limits
    }

    /// The budget a result was refused for, with the message naming it and its value.
    fn refused<T: fmt::Debug>(result: Result<T, FormatError>) -> BudgetExceeded {
        match result {
            Err(FormatError::Budget(exceeded)) => {
                let message = FormatError::Budget(exceeded.clone()).to_string();
                assert!(
                    message.contains(&format!(
                        "`{}` budget ({} ",
                        exceeded.budget().name(),
                        exceeded.limit()
                    )),
                    "{message}"
                );
                exceeded
            }
            other => panic!("expected a budget error, got {other:?}"),
        }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("limits-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn json_depth_is_measured_outside_strings() {
        assert_eq!(
            json_too_deep(r#"[[["[[[[", {"a": "{{{{"}]]]"#, 3),
            Some("line 1, column 12".into())
        );
        assert_eq!(json_too_deep(r#"[[["[[[[\"[[", "{{"]]]"#, 3), None);
        assert_eq!(
            json_too_deep("[\n [\n  [1]]]", 2),
            Some("line 3, column 3".into())
        );
    }

    #[test]
    fn mlmodel_size_is_checked_before_reading() {
        let yaml = "signature:\n  inputs: '[{\"type\": \"long\", \"name\": \"x\"}]'\n";
        let size = yaml.len() as u64;
        assert!(MlModel::from_yaml_with(yaml, &with(|l| l.mlmodel_bytes = size)).is_ok());
        let exceeded = refused(MlModel::from_yaml_with(
            yaml,
            &with(|l| l.mlmodel_bytes = size - 1),
        ));
        assert_eq!(exceeded.budget(), Budget::MlmodelBytes);

        let dir = scratch("mlmodel");
        std::fs::write(dir.join("MLmodel"), yaml).unwrap();
        let model = MlModel::load_with(&dir, &with(|l| l.mlmodel_bytes = size)).unwrap();
        assert!(model.signature().unwrap().is_some());
        let exceeded = refused(MlModel::load_with(
            &dir,
            &with(|l| l.mlmodel_bytes = size - 1),
        ));
        assert_eq!(exceeded.budget(), Budget::MlmodelBytes);
        assert!(
            exceeded.place().ends_with("MLmodel"),
            "{}",
            exceeded.place()
        );
        // A YAML budget names the file and the line.
        let exceeded = refused(MlModel::load_with(&dir, &with(|l| l.yaml_depth = 1)));
        assert_eq!(exceeded.budget(), Budget::YamlDepth);
        assert!(
            exceeded.place().contains("MLmodel: line 2"),
            "{}",
            exceeded.place()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A FIFO has no size to check first: the reading itself stops one byte past the budget,
    /// however much the writer has to give.
    #[cfg(unix)]
    #[test]
    fn a_fifo_cannot_feed_past_the_budget() {
        let dir = scratch("fifo");
        let fifo = dir.join("signature.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                use std::io::Write as _;
                let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
                let chunk = [b' '; 4096];
                // Far more than the budget; stops when the reader hangs up.
                let mut written = 0u64;
                while written < 64 << 20 && pipe.write_all(&chunk).is_ok() {
                    written += chunk.len() as u64;
                }
                written
            })
        };
        let result = read_to_string_limited(&fifo, 10_000, Budget::SignatureJsonBytes);
        let exceeded = refused(result);
        assert_eq!(exceeded.budget(), Budget::SignatureJsonBytes);
        assert_eq!(exceeded.limit(), 10_000);
        assert!(
            writer.join().unwrap() < 64 << 20,
            "the reader stopped early"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn signature_json_budgets_hold_at_the_limit_and_refuse_past_it() {
        let json = r#"[{"type": "array", "items": {"type": "array", "items": {"type": "long"}}, "name": "a"}, {"type": "long", "name": "b"}, {"type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "long"}}, "name": "c"}]"#;
        let read = |limits: ReadLimits| signature_from_json_with(json, &limits);
        let size = json.len() as u64;
        // Size.
        assert!(read(with(|l| l.signature_json_bytes = size)).is_ok());
        let exceeded = refused(read(with(|l| l.signature_json_bytes = size - 1)));
        assert_eq!(exceeded.budget(), Budget::SignatureJsonBytes);
        // JSON depth: the list, the column, `items`, `items`.
        assert!(read(with(|l| l.json_depth = 4)).is_ok());
        let exceeded = refused(read(with(|l| l.json_depth = 3)));
        assert_eq!(exceeded.budget(), Budget::JsonDepth);
        assert_eq!(exceeded.place(), "`/`, line 1, column 56");
        // Columns: three; the object's two properties count on their own.
        assert!(read(with(|l| l.columns = 3)).is_ok());
        let exceeded = refused(read(with(|l| l.columns = 2)));
        assert_eq!(
            (exceeded.budget(), exceeded.place()),
            (Budget::Columns, "`/`")
        );
        let exceeded = refused(read(with(|l| l.columns = 1)));
        assert_eq!(exceeded.budget(), Budget::Columns);
        // Type nesting: an array of arrays is two deep.
        assert!(read(with(|l| l.type_depth = 2)).is_ok());
        let exceeded = refused(read(with(|l| l.type_depth = 1)));
        assert_eq!(
            (exceeded.budget(), exceeded.place()),
            (Budget::TypeDepth, "`/0/items` (`a`)")
        );
        // Params count as entries of their list, an object param as a nested type.
        let params = r#"{"inputs": null, "outputs": null, "params": "[{\"name\": \"o\", \"type\": \"object\", \"properties\": {\"k\": {\"type\": \"long\"}}, \"default\": {\"k\": 1}, \"shape\": null}, {\"name\": \"n\", \"type\": \"long\", \"default\": 1, \"shape\": null}]"}"#;
        let read = |limits: ReadLimits| signature_from_json_with(params, &limits);
        assert!(read(with(|l| l.columns = 2)).is_ok());
        let exceeded = refused(read(with(|l| l.columns = 1)));
        assert_eq!(
            (exceeded.budget(), exceeded.place()),
            (Budget::Columns, "`/params`")
        );
        let exceeded = refused(read(with(|l| l.type_depth = 0)));
        assert_eq!(exceeded.budget(), Budget::TypeDepth);
    }

    #[test]
    fn signature_blocks_of_mlmodel_files_are_under_the_same_budgets() {
        let yaml = "signature:\n  inputs: '[{\"type\": \"long\", \"name\": \"x\"}, {\"type\": \"long\", \"name\": \"y\"}]'\n";
        let model = MlModel::from_yaml(yaml).unwrap();
        assert!(model.signature_with(&with(|l| l.columns = 2)).is_ok());
        let exceeded = refused(model.signature_with(&with(|l| l.columns = 1)));
        assert_eq!(
            (exceeded.budget(), exceeded.place()),
            (Budget::Columns, "`/signature/inputs`")
        );
    }

    #[test]
    fn a_thousand_columns_read_under_the_defaults() {
        let columns: Vec<String> = (0..1_500)
            .map(|i| format!(r#"{{"type": "double", "name": "c{i}", "required": true}}"#))
            .collect();
        let json = format!("[{}]", columns.join(", "));
        let signature = signature_from_json_with(&json, &ReadLimits::default()).unwrap();
        assert_eq!(signature.inputs().unwrap().to_json(), json);
    }

    #[test]
    fn input_example_size_is_checked_before_reading() {
        let dir = scratch("example");
        let text = r#"{"columns": ["x"], "data": [[1], [2]]}"#;
        std::fs::write(dir.join("input_example.json"), text).unwrap();
        let info: serde_json::Value = serde_json::json!({
            "artifact_path": "input_example.json", "type": "dataframe", "pandas_orient": "split"
        });
        let size = text.len() as u64;
        let read = |limits: ReadLimits| SavedInputExample::read_from_with(&dir, &info, &limits);
        assert!(read(with(|l| l.input_example_bytes = size)).is_ok());
        let exceeded = refused(read(with(|l| l.input_example_bytes = size - 1)));
        assert_eq!(exceeded.budget(), Budget::InputExampleBytes);
        assert!(exceeded.place().ends_with("input_example.json"));
        assert!(read(with(|l| l.json_depth = 3)).is_ok());
        let exceeded = refused(read(with(|l| l.json_depth = 2)));
        assert_eq!(exceeded.budget(), Budget::JsonDepth);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
