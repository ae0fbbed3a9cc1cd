//! Load on loopback, bounded in count and time: requests per second and p50/p99 latency of
//! our scoring server and of `mlflow models serve` (the equivalent pyfunc model,
//! `tests/interop/serve_model.py`) for 1-, 10- and 100-row `dataframe_split` bodies, with the
//! same client (a hyper HTTP/1.1 client, one keep-alive connection per concurrent client) at
//! the same concurrency; and the peak RSS of our server, which runs in a process of its own
//! (this binary, started again in the server role).
//!
//! `cargo bench -p signature-tests --bench serve_load [-- CONNECTIONS OURS_REQUESTS MLFLOW_REQUESTS]`
//! (defaults 8, 20000, 1000). Without MLflow (see `tests/support/mlflow.rs`) only our server
//! is measured, and the output says so. With `SERVE_LOAD_AXUM=1`, the same router is also
//! measured behind `axum::serve` (no timeouts, no connection cap), the baseline of our
//! connection loop's cost; with `SERVE_LOAD_BLOCKING=1`, our server with every request's
//! check and model handed to the blocking pool (`with_inline_budget(Duration::ZERO)`), the
//! baseline of running cheap work on the async worker (baselines and ours take turns, in
//! four rounds, so that each sees the same share of the machine's other load). Each row
//! also gives the CPU time per request of our server and of the client (Linux's
//! schedstat). `SERVE_LOAD_SKIP_MLFLOW=1` leaves
//! MLflow out. `SERVE_LOAD_WORKERS=N` gives our servers N tokio worker threads (default:
//! tokio's, one per core); `SERVE_LOAD_ROWS=1,10` measures only those body sizes.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use signature_runtime::Mode;
use signature_runtime::model::SignedModel;
use signature_runtime::serve::{self, ServeOptions};
use signature_tests::house::LinearHousePrice;
use signature_tests::mlflow::interop_python;
use signature_tests::mlflow_server::MlflowServer;

/// No run of one server and size takes longer than this, whatever the request count.
const TIME_LIMIT: Duration = Duration::from_secs(60);
const WARM_UP: usize = 200;
/// How many turns ours and its baselines take, when baselines are measured.
const ROUNDS: usize = 4;
const ROLE: &str = "SERVE_LOAD_ROLE";

fn main() {
    if std::env::var_os(ROLE).is_some() {
        return serve_until_terminated();
    }
    // `cargo bench` passes `--bench`; the numbers are ours.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let connections = numbers.first().copied().unwrap_or(8);
    let ours_requests = numbers.get(1).copied().unwrap_or(20_000);
    let mlflow_requests = numbers.get(2).copied().unwrap_or(1_000);

    let signature = SignedModel::new(LinearHousePrice)
        .signature()
        .to_dict()
        .to_json();
    let mlflow = match interop_python() {
        _ if std::env::var_os("SERVE_LOAD_SKIP_MLFLOW").is_some() => {
            println!("MLflow NOT measured: SERVE_LOAD_SKIP_MLFLOW is set");
            None
        }
        Ok(python) => match MlflowServer::start(&python, &signature, 1) {
            Ok(server) => Some(server),
            Err(why) => {
                println!("MLflow NOT measured: {why}");
                None
            }
        },
        Err(why) => {
            println!("MLflow NOT measured: {why}");
            None
        }
    };
    let ours = OurServer::start("serve_with");
    // Ours in another configuration, each measured in the same run as a baseline.
    let baselines: Vec<(&str, OurServer)> = [
        ("SERVE_LOAD_AXUM", "axum::serve"),
        ("SERVE_LOAD_BLOCKING", "blocking pool"),
    ]
    .into_iter()
    .filter(|(variable, _)| std::env::var_os(variable).is_some())
    .map(|(_, role)| (role, OurServer::start(role)))
    .collect();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    println!(
        "{connections} connections, one client thread; {ours_requests} requests to ours, \
         {mlflow_requests} to MLflow per size (at most {TIME_LIMIT:?} each)"
    );
    // The server's CPU time per request (all its threads, user and kernel, from Linux's
    // schedstat): what a request costs, less disturbed by other load on the machine than
    // requests per second are.
    println!(
        "| rows | server | requests | req/s | p50 | p99 | server CPU per request | client CPU per request |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    let sizes: Vec<usize> = std::env::var("SERVE_LOAD_ROWS").map_or(vec![1, 10, 100], |sizes| {
        sizes
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    });
    for rows in sizes {
        let body = Bytes::from(dataframe_split(rows));
        // Ours and its baselines take turns, a quarter of the requests at a time: on a
        // machine whose other load comes and goes, each then sees the same mix of it.
        let rounds = if baselines.is_empty() { 1 } else { ROUNDS };
        let ours_and_baselines: Vec<(String, &OurServer)> =
            std::iter::once(("ours".to_owned(), &ours))
                .chain(
                    baselines
                        .iter()
                        .map(|(role, server)| (format!("ours, {role}"), server)),
                )
                .collect();
        let mut results: Vec<(String, LoadResult)> = ours_and_baselines
            .iter()
            .map(|(name, _)| (name.clone(), LoadResult::default()))
            .collect();
        for _ in 0..rounds {
            for ((_, server), (_, total)) in ours_and_baselines.iter().zip(&mut results) {
                let round = client.block_on(load(
                    server.address,
                    &body,
                    connections,
                    ours_requests / rounds,
                    Some(server.child.id()),
                ));
                total.add(round);
            }
        }
        if let Some(mlflow) = &mlflow {
            let theirs = client.block_on(load(
                mlflow.address,
                &body,
                connections,
                mlflow_requests,
                None,
            ));
            results.push(("mlflow".to_owned(), theirs));
        }
        for (server, result) in &results {
            let per_request = |cpu: Option<Duration>| {
                cpu.map_or_else(
                    || "-".to_owned(),
                    |cpu| {
                        format!(
                            "{:.1} µs",
                            cpu.as_secs_f64() * 1e6 / result.requests.max(1) as f64
                        )
                    },
                )
            };
            let (cpu, client_cpu) = (per_request(result.cpu), per_request(result.client_cpu));
            println!(
                "| {rows} | {server} | {} | {:.0} | {:.3} ms | {:.3} ms | {cpu} | {client_cpu} |",
                result.requests,
                result.per_second(),
                ms(result.percentile(50.0)),
                ms(result.percentile(99.0))
            );
        }
        let ours = &results[0].1;
        for ((role, _), (_, baseline)) in baselines.iter().zip(&results[1..]) {
            let cpu = match (ours.cpu, baseline.cpu) {
                (Some(ours), Some(baseline)) => format!(
                    "{:.2}",
                    (ours.as_secs_f64() / ours_requests as f64)
                        / (baseline.as_secs_f64() / ours_requests as f64)
                ),
                _ => "-".to_owned(),
            };
            println!(
                "|  | ours / {role} | | {:.2} | {:.2} | {:.2} | {cpu} | |",
                ours.per_second() / baseline.per_second(),
                ms(ours.percentile(50.0)) / ms(baseline.percentile(50.0)),
                ms(ours.percentile(99.0)) / ms(baseline.percentile(99.0))
            );
        }
        if let Some((_, theirs)) = results.iter().find(|(server, _)| server == "mlflow") {
            println!(
                "|  | ratio | | {:.0}x | {:.0}x lower | {:.0}x lower | | |",
                ours.per_second() / theirs.per_second(),
                ms(theirs.percentile(50.0)) / ms(ours.percentile(50.0)),
                ms(theirs.percentile(99.0)) / ms(ours.percentile(99.0))
            );
        }
    }
    println!(
        "our server's peak RSS (VmHWM) after the load: {}",
        ours.peak_rss()
    );
    ours.stop();
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// A `dataframe_split` body of `rows` houses.
fn dataframe_split(rows: usize) -> String {
    let data: Vec<String> = (0..rows)
        .map(|k| format!("[{}.5, {}]", 800 + k, 1 + k % 5))
        .collect();
    format!(
        r#"{{"dataframe_split": {{"columns": ["sqft", "bedrooms"], "data": [{}]}}}}"#,
        data.join(", ")
    )
}

#[derive(Default)]
struct LoadResult {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// The server's CPU time over the measured requests, when known.
    cpu: Option<Duration>,
    /// The client's (this process's).
    client_cpu: Option<Duration>,
}

impl LoadResult {
    /// Adds the requests of another round.
    fn add(&mut self, round: LoadResult) {
        self.requests += round.requests;
        self.elapsed += round.elapsed;
        self.latencies.extend(round.latencies);
        let sum = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (None, b) => b,
            (a, None) => a,
            (Some(a), Some(b)) => Some(a + b),
        };
        self.cpu = sum(self.cpu, round.cpu);
        self.client_cpu = sum(self.client_cpu, round.client_cpu);
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let index = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

/// `requests` POSTs of `body` over `connections` keep-alive connections (after a warm-up
/// that is not counted), stopping early at [`TIME_LIMIT`]. Every answer must be 200. The CPU
/// time of process `server`, when given, is measured over the counted requests.
async fn load(
    address: SocketAddr,
    body: &Bytes,
    connections: usize,
    requests: usize,
    server: Option<u32>,
) -> LoadResult {
    let warm = Arc::new(AtomicUsize::new(0));
    run_clients(
        address,
        body,
        connections,
        WARM_UP,
        &warm,
        Instant::now() + TIME_LIMIT,
    )
    .await;
    let issued = Arc::new(AtomicUsize::new(0));
    let cpu_before = server.and_then(cpu_time);
    let client_cpu_before = cpu_time(std::process::id());
    let started = Instant::now();
    let latencies = run_clients(
        address,
        body,
        connections,
        requests,
        &issued,
        started + TIME_LIMIT,
    )
    .await;
    let elapsed = started.elapsed();
    let client_cpu = client_cpu_before
        .zip(cpu_time(std::process::id()))
        .map(|(before, after)| after.saturating_sub(before));
    let cpu = cpu_before
        .zip(server.and_then(cpu_time))
        .map(|(before, after)| after.saturating_sub(before));
    LoadResult {
        requests: latencies.len(),
        elapsed,
        latencies,
        cpu,
        client_cpu,
    }
}

/// The CPU time process `pid` has run for so far, all its threads (the first field of
/// `/proc/PID/task/TID/schedstat`, in nanoseconds; Linux only).
fn cpu_time(pid: u32) -> Option<Duration> {
    let mut nanos = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        nanos += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(nanos))
}

async fn run_clients(
    address: SocketAddr,
    body: &Bytes,
    connections: usize,
    requests: usize,
    issued: &Arc<AtomicUsize>,
    deadline: Instant,
) -> Vec<Duration> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (body, issued) = (body.clone(), issued.clone());
        tasks.spawn(async move {
            let stream = tokio::net::TcpStream::connect(address).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .unwrap();
            tokio::spawn(connection);
            let mut latencies = Vec::new();
            while issued.fetch_add(1, Ordering::Relaxed) < requests && Instant::now() < deadline {
                let request = Request::post("/invocations")
                    .header("host", address.to_string())
                    .header("content-type", "application/json")
                    .body(Full::new(body.clone()))
                    .unwrap();
                let sent = Instant::now();
                let answer = sender.send_request(request).await.unwrap();
                let status = answer.status();
                let answer_body = answer.into_body().collect().await.unwrap().to_bytes();
                latencies.push(sent.elapsed());
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer_body));
            }
            latencies
        });
    }
    let mut all = Vec::new();
    while let Some(latencies) = tasks.join_next().await {
        all.extend(latencies.unwrap());
    }
    all
}

/// Our server in a process of its own: this binary in the server role.
struct OurServer {
    child: Child,
    address: SocketAddr,
}

impl OurServer {
    /// `role` is `serve_with` (our connection loop), `axum::serve`, or `blocking pool`.
    fn start(role: &str) -> OurServer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(ROLE, role)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server role starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line.trim().parse().expect("the server prints its address");
        OurServer { child, address }
    }

    /// `VmHWM` of `/proc/PID/status` (Linux), the process's peak resident set.
    fn peak_rss(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
            })
            .unwrap_or_else(|| "unknown (no /proc)".to_owned())
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for OurServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server role: serves the model on a loopback port until SIGTERM.
fn serve_until_terminated() {
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = std::env::var("SERVE_LOAD_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        runtime.worker_threads(workers);
    }
    let runtime = runtime.enable_all().build().unwrap();
    let role = std::env::var(ROLE).unwrap_or_default();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap());
        let mut options = ServeOptions::new().with_mode(Mode::MlflowServing);
        if role == "blocking pool" {
            options = options.with_inline_budget(Duration::ZERO);
        }
        let router = serve::router(SignedModel::new(LinearHousePrice), options);
        if role == "axum::serve" {
            axum::serve(listener, router)
                .with_graceful_shutdown(serve::shutdown_signal())
                .await
                .unwrap();
        } else {
            serve::serve(listener, router, serve::shutdown_signal())
                .await
                .unwrap();
        }
    });
}
