//! MLflow's own scoring server, `mlflow models serve --env-manager local`, of the house-price
//! pyfunc model (`tests/interop/serve_model.py`), on a free loopback port: what the serving
//! interop test and the load bench compare our server with.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long MLflow may take to import, load the model and answer `/ping`.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `mlflow models serve`; stopped, with the uvicorn it started, on drop.
pub struct MlflowServer {
    /// Where it listens.
    pub address: SocketAddr,
    child: Child,
    dir: PathBuf,
}

impl MlflowServer {
    /// Saves the house-price pyfunc model with the signature dict `signature_json` and serves
    /// it with `python`'s MLflow, `workers` uvicorn workers; returns once `/ping` answers 200.
    pub fn start(python: &Path, signature_json: &str, workers: u32) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "signature-mlflow-serve-{}-{:?}",
            std::process::id(),
            Instant::now()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let model = dir.join("model");
        let script = super::mlflow::workspace_root().join("tests/interop/serve_model.py");
        let saved = Command::new(python)
            .arg(&script)
            .arg(&model)
            .arg(signature_json)
            .env("PYTHONHASHSEED", "0")
            .output()
            .map_err(|e| format!("{}: {e}", python.display()))?;
        if !saved.status.success() {
            return Err(format!(
                "saving the pyfunc model failed: {}",
                String::from_utf8_lossy(&saved.stderr)
            ));
        }
        // A free port: bound, read, released; MLflow binds it a moment later.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let bin = python.parent().unwrap_or(Path::new("."));
        let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .map_err(|e| e.to_string())?;
        let log = std::fs::File::create(dir.join("serve.log")).map_err(|e| e.to_string())?;
        let mut command = Command::new(python);
        command
            .args(["-m", "mlflow", "models", "serve", "--env-manager", "local"])
            .arg("-m")
            .arg(&model)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["--workers", &workers.to_string()])
            // uvicorn is found on PATH, beside the interpreter.
            .env("PATH", path)
            .env("PYTHONHASHSEED", "0")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        // A process group of its own: stopping it stops the uvicorn it spawns too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .map_err(|e| format!("mlflow models serve: {e}"))?;
        let mut server = MlflowServer {
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            child,
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "mlflow models serve exited with {status}: {}",
                    server.log()
                ));
            }
            if std::net::TcpStream::connect(server.address).is_ok()
                && super::http::get(server.address, "/ping").status == 200
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "mlflow models serve did not answer /ping within {START_TIMEOUT:?}: {}",
                    server.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("serve.log")).unwrap_or_default()
    }

    /// The server's process id (the leader of its process group).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for MlflowServer {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
