//! The bridge to the real MLflow: a long-lived Python child running
//! `tests/interop/mlflow_oracle.py`, spoken to in JSON lines.
//!
//! Interop tests never mock MLflow: they ask this oracle for MLflow's own bytes and verdicts.
//! One child serves every test of a test binary (importing MLflow costs seconds); access is
//! serialised through [`oracle`].
//!
//! Availability policy, decided once per test binary:
//! * `SIGNATURE_INTEROP=skip`, a missing interpreter or a failed ping → under `CI=true` the test
//!   panics (interop must run in CI); elsewhere a loud banner goes to stderr and [`oracle`]
//!   returns `None`, so the calling test returns early.
//! * The interpreter is `$SIGNATURE_MLFLOW_PYTHON`, else `<workspace>/.venv-interop/bin/python`
//!   (made by `bash scripts/setup-interop.sh`, which `bash scripts/test.sh` runs).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How much of the child's stderr is kept for panic messages.
const STDERR_TAIL_BYTES: usize = 16 * 1024;

/// How often [`Oracle`] checks on a dying child.
const POLL: Duration = Duration::from_millis(20);

/// A running `mlflow_oracle.py` child process.
///
/// Obtain the shared instance with [`oracle`]. Every method blocks until MLflow answers.
pub struct Oracle {
    python: PathBuf,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr_tail: Arc<Mutex<VecDeque<u8>>>,
    stderr_thread: Option<JoinHandle<()>>,
    /// Set while a request is unanswered: if the request panicked half-way, the next user
    /// restarts the child instead of reading a stale answer.
    in_flight: bool,
}

static ORACLE: OnceLock<Option<Mutex<Oracle>>> = OnceLock::new();

/// The shared MLflow oracle, or `None` when interop tests are skipped outside CI.
///
/// Use as `let Some(mut mlflow) = oracle() else { return };`. Panics when the oracle is
/// unavailable and `CI=true`. A test that panicked while holding the oracle does not poison it
/// for the others; a child that died is restarted.
pub fn oracle() -> Option<MutexGuard<'static, Oracle>> {
    let slot = ORACLE.get_or_init(|| match start_from_env() {
        Ok(oracle) => Some(Mutex::new(oracle)),
        Err(why) => {
            if super::skip::required() {
                panic!(
                    "MLflow interop is unavailable but CI=true requires it: {why}\n\
                     Run `bash scripts/test.sh` (it builds .venv-interop) and check its output."
                );
            }
            loud(&format!(
                "\n=================================================================\n\
                 === MLflow interop tests SKIPPED: {why}\n\
                 === They compare our output with the REAL MLflow; nothing was checked.\n\
                 === Run `bash scripts/test.sh` to set up .venv-interop and run them.\n\
                 =================================================================\n"
            ));
            None
        }
    });
    match slot {
        Some(mutex) => {
            let mut guard = mutex.lock().unwrap_or_else(PoisonError::into_inner);
            guard.ensure_alive();
            Some(guard)
        }
        None => {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            super::skip::record("MLflow interop", &test, "no MLflow oracle");
            None
        }
    }
}

/// Writes straight to the process's stderr: `eprintln!` is captured by the test harness, and a
/// skip must be visible even when the test passes.
fn loud(message: &str) {
    let _ = std::io::stderr().lock().write_all(message.as_bytes());
}

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn start_from_env() -> Result<Oracle, String> {
    let python = interop_python()?;
    let mut oracle = Oracle::spawn(python)?;
    let pong = oracle.try_request(&json!({"op": "ping"}))?;
    match pong.get("ok") {
        Some(Value::Bool(true)) => Ok(oracle),
        _ => Err(format!("the MLflow oracle answered the ping with {pong}")),
    }
}

/// The interpreter of the pinned MLflow (`$SIGNATURE_MLFLOW_PYTHON`, else
/// `<workspace>/.venv-interop`), or why interop tests cannot run here. Callers apply the
/// availability policy of [`oracle`] (skip loudly, or fail under `CI=true`).
pub fn interop_python() -> Result<PathBuf, String> {
    if std::env::var("SIGNATURE_INTEROP").is_ok_and(|v| v == "skip") {
        return Err(
            "SIGNATURE_INTEROP=skip is set (scripts/test.sh could not set up MLflow)".into(),
        );
    }
    let python = match std::env::var_os("SIGNATURE_MLFLOW_PYTHON") {
        Some(python) => PathBuf::from(python),
        None => {
            let venv = workspace_root().join(".venv-interop");
            if cfg!(windows) {
                venv.join("Scripts").join("python.exe")
            } else {
                venv.join("bin").join("python")
            }
        }
    };
    if !python.exists() {
        return Err(format!("no Python interpreter at {}", python.display()));
    }
    Ok(python)
}

impl Oracle {
    fn spawn(python: PathBuf) -> Result<Self, String> {
        let script = workspace_root()
            .join("tests")
            .join("interop")
            .join("mlflow_oracle.py");
        let mut child = Command::new(&python)
            .arg(&script)
            // Python prints sets in some MLflow messages; their order is hash-seeded.
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {} {}: {e}",
                    python.display(),
                    script.display()
                )
            })?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL_BYTES)));
        let tail = Arc::clone(&stderr_tail);
        // Draining stderr continuously also keeps a chatty MLflow from blocking on a full pipe.
        let stderr_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
                tail.extend(&buf[..n]);
                let excess = tail.len().saturating_sub(STDERR_TAIL_BYTES);
                tail.drain(..excess);
            }
        });
        Ok(Self {
            python,
            child,
            stdin,
            stdout,
            stderr_tail,
            stderr_thread: Some(stderr_thread),
            in_flight: false,
        })
    }

    /// Restarts the child if it exited or a previous request was interrupted mid-way.
    fn ensure_alive(&mut self) {
        let exited = !matches!(self.child.try_wait(), Ok(None));
        if exited || self.in_flight {
            let _ = self.child.kill();
            let _ = self.child.wait();
            match Self::spawn(self.python.clone()) {
                Ok(fresh) => *self = fresh,
                Err(why) => panic!("cannot restart the MLflow oracle: {why}"),
            }
        }
    }

    /// The last part of what the child wrote to stderr (MLflow warnings, tracebacks).
    pub fn stderr_tail(&self) -> String {
        let tail = self
            .stderr_tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&tail.iter().copied().collect::<Vec<u8>>()).into_owned()
    }

    fn try_request(&mut self, request: &Value) -> Result<Value, String> {
        self.in_flight = true;
        let mut line = serde_json::to_string(request).expect("a JSON value serialises");
        line.push('\n');
        let sent = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush());
        let mut answer = String::new();
        let received = sent.and_then(|()| self.stdout.read_line(&mut answer));
        match received {
            Ok(0) | Err(_) => Err(self.death_report(request, received.err())),
            Ok(_) => {
                self.in_flight = false;
                serde_json::from_str(&answer).map_err(|e| {
                    format!("the MLflow oracle sent a line that is not JSON ({e}): {answer:?}")
                })
            }
        }
    }

    fn death_report(&mut self, request: &Value, error: Option<std::io::Error>) -> String {
        // Give the child a moment to finish dying so its exit status and last words are in;
        // never wait forever (a child that merely closed stdout is killed).
        let deadline = Instant::now() + Duration::from_secs(3);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status.to_string(),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                Ok(None) => {
                    let _ = self.child.kill();
                    break "still running (killed)".to_owned();
                }
                Err(e) => break format!("unknown status ({e})"),
            }
        };
        if let Some(thread) = self.stderr_thread.take() {
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(POLL);
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
        let io = error.map(|e| format!(" ({e})")).unwrap_or_default();
        format!(
            "the MLflow oracle died{io}, {status}, while answering {request}\n\
             --- oracle stderr (tail) ---\n{}",
            self.stderr_tail()
        )
    }

    /// Sends one request object and returns MLflow's response object (`{"ok": true, ...}` or
    /// `{"ok": false, "error": "<ExceptionType>: <message>"}`).
    ///
    /// # Panics
    /// If the child died or answered with something that is not JSON; the message includes the
    /// tail of its stderr.
    pub fn request(&mut self, request: &Value) -> Value {
        self.try_request(request)
            .unwrap_or_else(|why| panic!("{why}"))
    }

    /// Like [`Oracle::request`], turned into `Ok(response)` / `Err(error text)`.
    fn call(&mut self, request: &Value) -> Result<Value, String> {
        let response = self.request(request);
        match response.get("ok") {
            Some(Value::Bool(true)) => Ok(response),
            Some(Value::Bool(false)) => Err(match response.get("error") {
                Some(Value::String(error)) => error.clone(),
                _ => response.to_string(),
            }),
            _ => panic!("malformed oracle response to {request}: {response}"),
        }
    }

    /// Like [`Oracle::call`] for requests MLflow must accept: panics with its error otherwise.
    fn call_ok(&mut self, request: &Value) -> Value {
        self.call(request).unwrap_or_else(|error| {
            panic!("MLflow refused {request}: {error}\n{}", self.stderr_tail())
        })
    }

    /// `json.dumps(ModelSignature.from_dict(d).to_dict())`: the exact text MLflow writes for a
    /// signature dict (`{"inputs": <str|null>, "outputs": <str|null>, "params": <str|null>}`),
    /// or MLflow's error.
    ///
    /// # Panics
    /// If `dict_json` is not JSON (a bug in the test, not an MLflow verdict).
    pub fn signature_roundtrip(&mut self, dict_json: &str) -> Result<String, String> {
        let dict = parse_test_json(dict_json);
        self.call(&json!({"op": "signature_roundtrip", "dict": dict}))
            .map(|r| string_field(&r, "json"))
    }

    /// `Schema.from_json(s).to_json()`, or MLflow's error.
    pub fn schema_roundtrip(&mut self, schema_json: &str) -> Result<String, String> {
        self.call(&json!({"op": "schema_roundtrip", "json": schema_json}))
            .map(|r| string_field(&r, "json"))
    }

    /// `ParamSchema.from_json(s).to_json()`, or MLflow's error.
    pub fn param_schema_roundtrip(&mut self, schema_json: &str) -> Result<String, String> {
        self.call(&json!({"op": "param_schema_roundtrip", "json": schema_json}))
            .map(|r| string_field(&r, "json"))
    }

    /// `count` distinct signatures built with MLflow's Python API, as MLflow writes them
    /// (`json.dumps(sig.to_dict())`); the same `seed` always gives the same list.
    pub fn generated_signatures(&mut self, seed: u64, count: usize) -> Vec<String> {
        let response =
            self.call_ok(&json!({"op": "generated_signatures", "seed": seed, "count": count}));
        match response.get("signatures") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|s| {
                    s.as_str()
                        .expect("each generated signature is a string")
                        .to_owned()
                })
                .collect(),
            _ => panic!("malformed generated_signatures response: {response}"),
        }
    }

    /// numpy's canonical name for a dtype string as MLflow accepts it in a TensorSpec
    /// (`"float"` → `"float64"`), or the error (unknown to numpy, or a sized flexible type such
    /// as `"<U10"`, which MLflow refuses).
    pub fn numpy_dtype(&mut self, name: &str) -> Result<String, String> {
        self.call(&json!({"op": "numpy_dtype", "name": name}))
            .map(|r| string_field(&r, "name"))
    }

    /// Saves an identity pyfunc model at `path` (which must not exist yet) with the signature
    /// dict `sig_dict_json` and optionally an input example, via `mlflow.pyfunc.save_model`.
    ///
    /// `example` is passed to MLflow as is, except `{"dataframe": {"columns": [...], "data":
    /// [...]}}` (that single key), which becomes a pandas DataFrame.
    pub fn save_pyfunc_model(
        &mut self,
        path: &Path,
        sig_dict_json: &str,
        example: Option<Value>,
    ) -> Result<(), String> {
        let request = json!({
            "op": "save_pyfunc_model",
            "path": path_str(path),
            "signature": parse_test_json(sig_dict_json),
            "input_example": example.unwrap_or(Value::Null),
        });
        self.call(&request).map(|_| ())
    }

    /// What MLflow reads back from a model directory: the signature as MLflow writes it
    /// (`json.dumps(signature.to_dict())`) and the input example as plain JSON (a DataFrame as
    /// `{"columns": [...], "data": [...]}`, arrays as nested lists, NaN as null), or the error.
    pub fn try_load_model_signature(
        &mut self,
        path: &Path,
    ) -> Result<(Option<String>, Option<Value>), String> {
        let response = self.call(&json!({"op": "load_model_signature", "path": path_str(path)}))?;
        let signature = match response.get("signature") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let example = response
            .get("input_example")
            .filter(|v| !v.is_null())
            .cloned();
        Ok((signature, example))
    }

    /// The params of the model's input example, as `Model.load_input_example_params` reads
    /// them (`None` when there are none).
    ///
    /// # Panics
    /// With MLflow's error if it cannot load the model.
    pub fn load_input_example_params(&mut self, path: &Path) -> Option<Value> {
        let response = self
            .call(&json!({"op": "load_model_signature", "path": path_str(path)}))
            .unwrap_or_else(|error| {
                panic!(
                    "MLflow cannot load the model at {}: {error}",
                    path.display()
                )
            });
        response
            .get("input_example_params")
            .filter(|v| !v.is_null())
            .cloned()
    }

    /// [`Oracle::try_load_model_signature`] for models MLflow must be able to load.
    ///
    /// # Panics
    /// With MLflow's error if it cannot load the model.
    pub fn load_model_signature(&mut self, path: &Path) -> (Option<String>, Option<Value>) {
        self.try_load_model_signature(path).unwrap_or_else(|error| {
            panic!(
                "MLflow cannot load the model at {}: {error}",
                path.display()
            )
        })
    }
}

/// PyYAML, as MLflow uses it for MLmodel files.
impl Oracle {
    /// `yaml.safe_dump(doc, default_flow_style=False)` for each document.
    pub fn yaml_safe_dump_many(&mut self, docs: &[Value]) -> Vec<String> {
        let response = self.call_ok(&json!({"op": "yaml_safe_dump_many", "docs": docs}));
        match response.get("texts") {
            Some(Value::Array(texts)) => texts
                .iter()
                .map(|t| t.as_str().unwrap_or_default().to_owned())
                .collect(),
            _ => panic!("malformed yaml_safe_dump_many response: {response}"),
        }
    }

    /// `yaml.safe_load(text)` for each text: the value, or PyYAML's error.
    pub fn yaml_safe_load_many(&mut self, texts: &[String]) -> Vec<Result<Value, String>> {
        let response = self.call_ok(&json!({"op": "yaml_safe_load_many", "texts": texts}));
        match response.get("results") {
            Some(Value::Array(results)) => results
                .iter()
                .map(|r| match r.get("ok") {
                    Some(Value::Bool(true)) => Ok(r.get("value").cloned().unwrap_or(Value::Null)),
                    _ => Err(r.get("error").map(ToString::to_string).unwrap_or_default()),
                })
                .collect(),
            _ => panic!("malformed yaml_safe_load_many response: {response}"),
        }
    }
}

/// Signature inference, to compare with schemas derived from Rust types.
impl Oracle {
    /// `mlflow.models.infer_signature(pd.DataFrame(records)).inputs.to_json()`, or MLflow's
    /// error. `records` are JSON objects as serde writes them; `datetime_columns` are parsed
    /// with `pd.to_datetime` and `binary_columns` base64-decoded first, as a Python caller
    /// would hold such values.
    pub fn infer_input_schema(
        &mut self,
        records: &Value,
        datetime_columns: &[&str],
        binary_columns: &[&str],
    ) -> Result<String, String> {
        self.call(&json!({
            "op": "infer_signature",
            "records": records,
            "datetime_columns": datetime_columns,
            "binary_columns": binary_columns,
        }))
        .map(|r| string_field(&r, "inputs"))
    }
}

/// Data frames written to Parquet by pyarrow (tests/interop_frames.rs).
impl Oracle {
    /// For each case `{"frame": {"columns": [...]}, "path": "...", "signatures": [dict, ...]}`:
    /// builds the pandas frame (see `_frame_from_json` in the oracle), writes it to `path` with
    /// `df.to_parquet`, and answers `{"inferred": <inputs JSON or null>, "infer_error": ...,
    /// "verdicts": [{"ok": bool, "error"?: "..."}, ...]}`: MLflow's `infer_signature` and, per
    /// signature dict, whether `predict` on the frame passes schema enforcement.
    pub fn frame_cases(&mut self, cases: &[Value]) -> Vec<Value> {
        let response = self.call_ok(&json!({"op": "frame_cases", "cases": cases}));
        match response.get("results") {
            Some(Value::Array(results)) => results.clone(),
            _ => panic!("malformed frame_cases response: {response}"),
        }
    }
}

fn parse_test_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("test bug: not JSON ({e}): {text}"))
}

fn string_field(response: &Value, key: &str) -> String {
    match response.get(key) {
        Some(Value::String(s)) => s.clone(),
        _ => panic!("oracle response lacks string field {key:?}: {response}"),
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", path.display()))
}

/// Scoring decisions (tests/interop_modes.rs).
impl Oracle {
    /// For each case `{"signature": dict, "body": "<request body>"}`: MLflow's decisions,
    /// `{"serving": "accept"|"reject"|"error", "predict": ..., "serving_message": "...",
    /// "predict_message": "..."}`. Serving is `scoring_server.invocations(body,
    /// "application/json", model, input_schema)`; predict the same with `input_schema=None`,
    /// so only `_enforce_schema` decides. One saved model per distinct signature dict, whose
    /// `predict` returns a constant: the decision is on the input, never on writing the answer.
    pub fn decide_many(&mut self, cases: &[Value]) -> Vec<Value> {
        let response = self.call_ok(&json!({"op": "decide_many", "cases": cases}));
        match response.get("results") {
            Some(Value::Array(results)) => results.clone(),
            _ => panic!("malformed decide_many response: {response}"),
        }
    }
}
