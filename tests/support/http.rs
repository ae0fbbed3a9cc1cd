//! A blocking HTTP/1.1 client over loopback sockets and a server runner, for the serving
//! tests: no client library, so a test can also send what no library would (a body that
//! lies about its length, a content type with a stray parameter).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a test waits for an answer before failing: far above any expected latency.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// A server's answer.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// `error_code` of an MLflow error body.
    pub fn error_code(&self) -> String {
        self.json()["error_code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error_code: {}", self.body))
            .to_owned()
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Answer {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    send_raw(address, &raw)
}

/// `POST /invocations` with a JSON body.
pub fn invoke_json(address: SocketAddr, body: &str) -> Answer {
    request(
        address,
        "POST",
        "/invocations",
        Some("application/json"),
        body.as_bytes(),
    )
}

/// `GET path`.
pub fn get(address: SocketAddr, path: &str) -> Answer {
    request(address, "GET", path, None, b"")
}

/// Writes `raw` bytes as they are and reads the answer until the server closes.
pub fn send_raw(address: SocketAddr, raw: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).unwrap();
    // A server may answer (413) and close before reading a whole body: a failed write is
    // not the test's failure, the answer is what counts.
    let _ = stream.write_all(raw);
    read_answer(&mut stream)
}

/// Reads one answer from a stream the server closes after it.
pub fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    if let Err(error) = stream.read_to_end(&mut bytes)
        && bytes.is_empty()
    {
        panic!("no answer: {error}");
    }
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// A server on a loopback port of its own, on a runtime of its own thread; stopped (and its
/// in-flight requests finished) by [`Running::stop`] or on drop.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Serves `router` on `127.0.0.1:0`.
    pub fn start(router: axum::Router) -> Running {
        Running::start_with(router, &signature_runtime::serve::ServeOptions::default())
    }

    /// Serves `router` on `127.0.0.1:0` with the connection limits of `options`.
    pub fn start_with(
        router: axum::Router,
        options: &signature_runtime::serve::ServeOptions,
    ) -> Running {
        let options = options.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(signature_runtime::serve::serve_with(
                listener,
                router,
                &options,
                async {
                    let _ = stopped.await;
                },
            ))
        });
        Running {
            address,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Asks for a graceful shutdown without waiting for it.
    pub fn begin_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stops the server and waits until it has finished.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.begin_stop();
        self.thread
            .take()
            .expect("not stopped yet")
            .join()
            .expect("the server thread does not panic")
    }

    /// Whether the server has returned.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.begin_stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Opens `count` connections to `address` that send nothing, for as long as they are held.
pub fn idle_connections(address: SocketAddr, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|index| {
            TcpStream::connect(address).unwrap_or_else(|error| {
                panic!("idle connection {index} of {count} was refused: {error}")
            })
        })
        .collect()
}

/// The resident memory of process `pid`, in KiB (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|error| panic!("/proc/{pid}/status: {error}"));
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in /proc/{pid}/status"))
}

/// Makes sure this process may hold `needed` more file descriptors than it does: raises its
/// soft limit up to the hard one with `prlimit` (the crate forbids `unsafe`, so no
/// `setrlimit` here). `Err` says why it cannot.
pub fn allow_open_files(needed: u64) -> Result<(), String> {
    let open = std::fs::read_dir("/proc/self/fd").map_or(0, |fds| fds.count() as u64);
    let want = open + needed;
    let (soft, hard) = open_file_limits()?;
    if soft >= want {
        return Ok(());
    }
    if hard < want {
        return Err(format!(
            "the hard limit of open files is {hard}; {want} are needed"
        ));
    }
    let raised = std::process::Command::new("prlimit")
        .arg(format!("--pid={}", std::process::id()))
        .arg(format!("--nofile={hard}:{hard}"))
        .status()
        .map_err(|error| format!("prlimit could not run: {error}"))?;
    let (soft, _) = open_file_limits()?;
    if raised.success() && soft >= want {
        Ok(())
    } else {
        Err(format!(
            "the soft limit of open files stayed at {soft} ({want} needed)"
        ))
    }
}

/// The soft and hard limits of open files of this process, from `/proc/self/limits`.
fn open_file_limits() -> Result<(u64, u64), String> {
    let limits = std::fs::read_to_string("/proc/self/limits")
        .map_err(|error| format!("/proc/self/limits: {error}"))?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .ok_or("no \"Max open files\" in /proc/self/limits")?;
    let mut numbers = line.split_whitespace().filter_map(|word| match word {
        "unlimited" => Some(u64::MAX),
        word => word.parse().ok(),
    });
    match (numbers.next(), numbers.next()) {
        (Some(soft), Some(hard)) => Ok((soft, hard)),
        _ => Err(format!("cannot read the limits in {line:?}")),
    }
}
