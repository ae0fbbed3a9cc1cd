//! Datasets on the command line (feature `datafusion`): `mlsig check --signature SIG DIR` and
//! `mlsig infer DIR`, where DIR is a directory or a glob (`data/part-*.parquet`) of Parquet or
//! Arrow IPC files, read through DataFusion with one partition per core.
//!
//! `MLSIG_THREADS` sets the number of threads (and partitions) instead of one per core; memory
//! grows with it (about one batch of each file being read per thread, plus the batches whose
//! problems the report lists).
//!
//! With the `ballista` feature, `MLSIG_BALLISTA=df://HOST:PORT` reads the dataset on that
//! Ballista cluster instead (its executors must see the files at the same paths), and
//! `MLSIG_BALLISTA=standalone` on a scheduler and executor started in this process. The report
//! is the same; see `frame::ballista`.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use signature_runtime::frame::ArrowChecker;
use signature_runtime::frame::datafusion::{check_dataframes_with_progress, infer_dataframe};
use signature_runtime::frame::datafusion_crate::dataframe::DataFrame;
use signature_runtime::frame::datafusion_crate::error::DataFusionError;
use signature_runtime::frame::datafusion_crate::execution::options::ArrowReadOptions;
use signature_runtime::frame::datafusion_crate::prelude::{
    ParquetReadOptions, SessionConfig, SessionContext,
};
use signature_runtime::frame::parquet::{FileFormat, open_with};
use signature_runtime::frame::parquet_crate::file::reader::{
    FileReader as _, SerializedFileReader,
};
use signature_runtime::mlflow::ReadLimits;
use signature_runtime::{CheckOptions, ModelSignature, Report, Schema};

/// Whether `mlsig` should read `path` as a dataset: a directory, or a glob (`*` or `?` in its
/// file name).
pub(crate) fn is_dataset(path: &Path) -> bool {
    path.is_dir()
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_glob)
}

fn is_glob(name: &str) -> bool {
    name.contains(['*', '?'])
}

/// Why a dataset cannot be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DatasetError {
    #[error("{path}: {why}")]
    Listing { path: String, why: String },
    #[error(transparent)]
    File(#[from] signature_runtime::frame::parquet::FileError),
    // The message includes DataFusion's, so it is not returned again as a source (nor is
    // DataFusion's own chain, whose messages already repeat their causes).
    #[error("cannot read the dataset {path}: {error}")]
    DataFusion {
        path: String,
        error: DataFusionError,
    },
}

/// The files of a dataset, sorted by path, and how they are read.
struct Dataset {
    shown: String,
    files: Vec<PathBuf>,
    format: FileFormat,
    /// Rows of each file, when their metadata says (Parquet).
    file_rows: Option<Vec<u64>>,
    bytes: u64,
}

impl Dataset {
    /// Lists the files and checks each one's metadata against the reader budgets before
    /// DataFusion reads any data.
    fn open(path: &Path) -> Result<Dataset, DatasetError> {
        let shown = path.display().to_string();
        let listing = |why: String| DatasetError::Listing {
            path: shown.clone(),
            why,
        };
        let (dir, pattern) = if path.is_dir() {
            (path.to_path_buf(), None)
        } else {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")).to_path_buf(),
                Some(name.to_owned()),
            )
        };
        let entries = std::fs::read_dir(&dir)
            .map_err(|error| listing(format!("cannot list {}: {error}", dir.display())))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| listing(format!("cannot list: {error}")))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Spark's and Hadoop's markers (`_SUCCESS`) and hidden files are not data.
            if name.starts_with(['.', '_']) || !entry.path().is_file() {
                continue;
            }
            let matches = match &pattern {
                Some(pattern) => glob_match(pattern, &name),
                None => FileFormat::from_path(Path::new(&name)).is_some(),
            };
            if matches {
                files.push(entry.path());
            }
        }
        files.sort();
        let Some(first) = files.first() else {
            return Err(listing(
                "no Parquet or Arrow IPC files (.parquet, .pq, .arrow, .feather, .ipc)".to_owned(),
            ));
        };
        let format = match FileFormat::from_path(first) {
            Some(FileFormat::Parquet) => FileFormat::Parquet,
            Some(FileFormat::ArrowFile) => FileFormat::ArrowFile,
            _ => {
                return Err(listing(format!(
                    "{}: a dataset holds Parquet (.parquet, .pq) or Arrow IPC files (.arrow, \
                     .feather, .ipc)",
                    first.display()
                )));
            }
        };
        let limits = ReadLimits::default();
        let mut file_rows = Some(Vec::with_capacity(files.len()));
        let mut bytes = 0;
        for file in &files {
            if FileFormat::from_path(file) != Some(format) {
                return Err(listing(format!(
                    "{} is not of the same format as {}: a dataset is all Parquet or all Arrow \
                     IPC files",
                    file.display(),
                    first.display()
                )));
            }
            // The footer and the columns within the budgets, as for one file.
            open_with(file, &limits)?;
            bytes += std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            file_rows = match (file_rows, format) {
                (Some(mut so_far), FileFormat::Parquet) => std::fs::File::open(file)
                    .ok()
                    .and_then(|f| SerializedFileReader::new(f).ok())
                    .and_then(|r| u64::try_from(r.metadata().file_metadata().num_rows()).ok())
                    .map(|rows| {
                        so_far.push(rows);
                        so_far
                    }),
                _ => None,
            };
        }
        Ok(Dataset {
            shown,
            files,
            format,
            file_rows,
            bytes,
        })
    }

    fn paths(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|file| file.display().to_string())
            .collect()
    }

    /// The dataset as one frame, or (`per_file`) as a frame per file in path order.
    async fn frames(
        &self,
        ctx: &SessionContext,
        per_file: bool,
    ) -> Result<Vec<DataFrame>, DataFusionError> {
        let paths = self.paths();
        if !per_file {
            return Ok(vec![self.frame(ctx, paths).await?]);
        }
        let mut frames = Vec::with_capacity(paths.len());
        for path in paths {
            frames.push(self.frame(ctx, vec![path]).await?);
        }
        Ok(frames)
    }

    async fn frame(
        &self,
        ctx: &SessionContext,
        paths: Vec<String>,
    ) -> Result<DataFrame, DataFusionError> {
        // DataFusion refuses a file whose extension is not the one its options name.
        let extension = self.files[0]
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        match self.format {
            FileFormat::Parquet => {
                let options = ParquetReadOptions::default().file_extension(&extension);
                ctx.read_parquet(paths, options).await
            }
            _ => {
                let options = ArrowReadOptions {
                    file_extension: &extension,
                    ..ArrowReadOptions::default()
                };
                ctx.read_arrow(paths, options).await
            }
        }
    }

    /// The file holding row `row` of the dataset, and the row within it: DataFusion reads the
    /// files in path order, partition 0 first, so the dataset's rows are the files' rows end to
    /// end.
    fn locate(&self, row: u64) -> Option<(&Path, u64)> {
        let mut start = 0;
        for (file, &rows) in self.files.iter().zip(self.file_rows.as_ref()?) {
            if row < start + rows {
                return Some((file, row - start));
            }
            start += rows;
        }
        None
    }

    fn error(&self, source: DataFusionError) -> DatasetError {
        DatasetError::DataFusion {
            path: self.shown.clone(),
            error: source,
        }
    }
}

/// `*` any run of characters, `?` any one; everything else itself.
fn glob_match(pattern: &str, name: &str) -> bool {
    let (pattern, name): (Vec<char>, Vec<char>) =
        (pattern.chars().collect(), name.chars().collect());
    // The classic two-pointer match with one backtrack point: linear in practice.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((star_p, star_n)) = star {
            p = star_p + 1;
            n = star_n + 1;
            star = Some((star_p, star_n + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Threads and partitions: `MLSIG_THREADS`, else one per core.
fn threads() -> usize {
    std::env::var("MLSIG_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Where the dataset is read: the runtime, the session, and whether its frames must be one
/// per file to keep the files' order (a Ballista job gives its partitions in the order they
/// finish).
struct Session {
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
    per_file: bool,
}

fn session() -> Result<Session, DataFusionError> {
    let threads = threads();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    let (ctx, per_file) = runtime.block_on(context(threads))?;
    Ok(Session {
        runtime,
        ctx,
        per_file,
    })
}

fn config(threads: usize) -> SessionConfig {
    let mut config = SessionConfig::new().with_target_partitions(threads);
    // Each partition keeps its files (contiguous, in path order) instead of taking files from
    // the others as it goes: the data order is then the files' order, so a row of the report
    // can be named in its file.
    config
        .options_mut()
        .execution
        .enable_file_stream_work_stealing = false;
    config
}

#[cfg(not(feature = "ballista"))]
async fn context(threads: usize) -> Result<(SessionContext, bool), DataFusionError> {
    // A cluster asked for is not quietly replaced by this machine.
    if std::env::var_os("MLSIG_BALLISTA").is_some_and(|url| !url.is_empty()) {
        return Err(DataFusionError::Configuration(
            "MLSIG_BALLISTA is set, but this mlsig was built without the `ballista` feature"
                .to_owned(),
        ));
    }
    Ok((SessionContext::new_with_config(config(threads)), false))
}

/// A local session, or a Ballista one when `MLSIG_BALLISTA` names a scheduler (or
/// `standalone`).
#[cfg(feature = "ballista")]
async fn context(threads: usize) -> Result<(SessionContext, bool), DataFusionError> {
    use signature_runtime::frame::ballista::with_signature_codecs;
    use signature_runtime::frame::ballista_crate::prelude::{SessionConfigExt, SessionContextExt};
    use signature_runtime::frame::datafusion_crate::execution::SessionStateBuilder;

    let Some(url) = std::env::var("MLSIG_BALLISTA")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        return Ok((SessionContext::new_with_config(config(threads)), false));
    };
    let mut config = config(threads).upgrade_for_ballista();
    // A job per file, each file one partition (not split into byte ranges), so the cluster
    // reads the files in parallel and the check still sees them in path order.
    config.options_mut().optimizer.repartition_file_scans = false;
    let state = SessionStateBuilder::new()
        .with_config(with_signature_codecs(config))
        .with_default_features()
        .build();
    let ctx = if url == "standalone" {
        SessionContext::standalone_with_state(state).await?
    } else {
        SessionContext::remote_with_state(&url, state).await?
    };
    Ok((ctx, true))
}

/// Checks every file of the dataset at `path` through DataFusion: one report, rows counted
/// from the start of the first file (files in path order).
pub(crate) fn check(
    signature: &ModelSignature,
    path: &Path,
    options: CheckOptions,
) -> Result<Report, DatasetError> {
    let dataset = Dataset::open(path)?;
    let checker = ArrowChecker::for_signature(signature).with_options(options);
    let session = session().map_err(|e| dataset.error(e))?;
    let total_rows = dataset.file_rows.as_ref().map(|rows| rows.iter().sum());
    let bar = ProgressBar::start(total_rows, dataset.bytes);
    let done = Arc::clone(&bar.rows);
    let result = session.runtime.block_on(async {
        let frames = dataset.frames(&session.ctx, session.per_file).await?;
        check_dataframes_with_progress(
            &checker,
            frames,
            Arc::new(move |rows| {
                done.fetch_add(rows, Ordering::Relaxed);
            }),
        )
        .await
    });
    bar.finish();
    let report = result.map_err(|e| dataset.error(e))?;
    // The report's rows count across the files; say which file each listed row is in.
    for row in report.problems().iter().filter_map(|p| p.row()) {
        if let Some((file, within)) = dataset.locate(row) {
            eprintln!("note: row {row} is row {within} of {}", file.display());
        }
    }
    Ok(report)
}

/// The schema MLflow's `infer_signature` gives for all of the dataset's data.
pub(crate) fn infer(path: &Path) -> Result<Schema, DatasetError> {
    let dataset = Dataset::open(path)?;
    let session = session().map_err(|e| dataset.error(e))?;
    session
        .runtime
        .block_on(async {
            let frame = dataset.frame(&session.ctx, dataset.paths()).await?;
            infer_dataframe(frame).await
        })
        .map_err(|e| dataset.error(e))
}

/// A one-line progress display on standard error, redrawn a few times a second, for a
/// terminal only: nothing is printed when standard error is a file or a pipe.
struct ProgressBar {
    rows: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    painter: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    fn start(total_rows: Option<u64>, total_bytes: u64) -> ProgressBar {
        let rows = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let painter = std::io::stderr().is_terminal().then(|| {
            let (rows, stop) = (Arc::clone(&rows), Arc::clone(&stop));
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                    let line = progress_line(
                        rows.load(Ordering::Relaxed),
                        total_rows,
                        total_bytes,
                        started.elapsed(),
                    );
                    eprint!("\r\x1b[2K{line}");
                }
                eprint!("\r\x1b[2K");
            })
        });
        ProgressBar {
            rows,
            stop,
            painter,
        }
    }

    fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(painter) = self.painter {
            let _ = painter.join();
        }
    }
}

/// `1,200,000 / 5,000,000 rows, 240 MB / 1.0 GB, 310,000 rows/s, 12 s left`.
fn progress_line(
    rows: u64,
    total_rows: Option<u64>,
    total_bytes: u64,
    elapsed: Duration,
) -> String {
    let seconds = elapsed.as_secs_f64().max(1e-3);
    let rate = rows as f64 / seconds;
    let mb = |bytes: f64| bytes / 1e6;
    match total_rows.filter(|&total| total > 0) {
        Some(total) => {
            let fraction = (rows as f64 / total as f64).min(1.0);
            let left = if rate > 0.0 {
                format!("{:.0} s left", (total - rows.min(total)) as f64 / rate)
            } else {
                "time left unknown".to_owned()
            };
            format!(
                "{rows} / {total} rows, {:.0} / {:.0} MB, {rate:.0} rows/s, {left}",
                mb(fraction * total_bytes as f64),
                mb(total_bytes as f64)
            )
        }
        None => format!(
            "{rows} rows of {:.0} MB, {rate:.0} rows/s",
            mb(total_bytes as f64)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_names() {
        assert!(glob_match("part-*.parquet", "part-001.parquet"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(!glob_match("part-*.parquet", "part-001.arrow"));
        assert!(glob_match("*a*b", "xxaxxb"));
        assert!(!glob_match("*a*b", "xxaxxbc"));
    }

    #[test]
    fn progress_says_rate_and_time_left() {
        let line = progress_line(500, Some(1_000), 2_000_000, Duration::from_secs(1));
        assert_eq!(line, "500 / 1000 rows, 1 / 2 MB, 500 rows/s, 1 s left");
        let line = progress_line(500, None, 2_000_000, Duration::from_secs(2));
        assert_eq!(line, "500 rows of 2 MB, 250 rows/s");
    }
}
