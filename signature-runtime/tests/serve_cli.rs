//! `mlsig serve`, the checking gateway, as a user starts it: bad bodies answered by the
//! gateway itself, good ones sent upstream (here, nowhere: 502), SIGTERM a clean exit 0, and
//! exit 2 for a bad upstream or signature.
#![cfg(all(feature = "cli", feature = "serve"))]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::{fixture, mlsig, stderr};

#[path = "../../tests/support/http.rs"]
#[allow(dead_code, unreachable_pub)]
mod http;

#[test]
fn a_bad_upstream_or_signature_is_exit_2() {
    let signature = fixture("house_price.signature.json");
    let signature = signature.to_str().unwrap();
    let output = mlsig(&["serve", "--signature", signature, "--upstream", "ftp://x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("http://HOST:PORT"),
        "{}",
        stderr(&output)
    );
    let output = mlsig(&[
        "serve",
        "--signature",
        "missing.json",
        "--upstream",
        "http://127.0.0.1:1",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_gateway_checks_before_forwarding_and_stops_on_sigterm() {
    // Port 1 on loopback: nothing listens there, so a forwarded body is a 502.
    let (mut gateway, address) = start_gateway(&[]);

    let bad = http::invoke_json(address, r#"{"dataframe_records": [{"sqft": 1500.0}]}"#);
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (400, "INVALID_PARAMETER_VALUE")
    );
    let good = r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}}"#;
    let forwarded = http::invoke_json(address, good);
    assert_eq!(forwarded.status, 502, "{}", forwarded.body);
    assert_eq!(http::get(address, "/signature").status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &gateway.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = gateway.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "SIGTERM did not stop mlsig serve"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

/// Starts `mlsig serve` in front of nothing (port 1) with `extra` arguments; returns it and
/// where it listens.
fn start_gateway(extra: &[&str]) -> (std::process::Child, SocketAddr) {
    let signature = fixture("house_price.signature.json");
    let mut gateway = Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .args(["serve", "--signature"])
        .arg(&signature)
        .args(["--upstream", "http://127.0.0.1:1", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("mlsig serve starts");
    let mut first = String::new();
    BufReader::new(gateway.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .unwrap();
    (gateway, address)
}

/// The gateway process under hostile clients: 10,000 idle connections and a body that never
/// arrives in full leave it answering others, its memory bounded; the slow body is 408 after
/// `--body-timeout`. (The header timeout is long here, so the idle connections stay; the
/// gateway's router under every hostile client is `tests/serve.rs`'.)
#[test]
fn the_gateway_process_stays_answering_under_idle_and_slow_clients() {
    const IDLE: usize = 10_000;
    if let Err(reason) = http::allow_open_files(IDLE as u64 + 100) {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "{reason}");
        eprintln!(
            "=== SKIPPED: the_gateway_process_stays_answering_under_idle_and_slow_clients ({reason})"
        );
        return;
    }
    let (mut gateway, address) =
        start_gateway(&["--header-timeout", "600", "--body-timeout", "1.5"]);
    let refused = || http::invoke_json(address, r#"{"dataframe_records": [{"sqft": 1.0}]}"#);
    assert_eq!(refused().status, 400);
    let before = http::rss_kib(gateway.id());
    let idle = http::idle_connections(address, IDLE);
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    assert_eq!(refused().status, 400);
    assert_eq!(http::get(address, "/signature").status, 200);
    let waited = started.elapsed();
    let after = http::rss_kib(gateway.id());
    eprintln!("{IDLE} idle connections: mlsig serve RSS {before} KiB -> {after} KiB");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(
        after.saturating_sub(before) < 40_000,
        "{IDLE} idle connections grew mlsig serve from {before} KiB to {after} KiB"
    );
    drop(idle);

    // A Content-Length the client never makes good: 408 after the body timeout.
    let mut slow = std::net::TcpStream::connect(address).unwrap();
    std::io::Write::write_all(
        &mut slow,
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"inputs\"",
    )
    .unwrap();
    let started = Instant::now();
    assert_eq!(refused().status, 400);
    let answer = http::read_answer(&mut slow);
    assert_eq!(answer.status, 408, "{}", answer.body);
    assert!(started.elapsed() >= Duration::from_millis(1400));

    let _ = Command::new("kill")
        .args(["-TERM", &gateway.id().to_string()])
        .status();
    let _ = gateway.wait();
}
