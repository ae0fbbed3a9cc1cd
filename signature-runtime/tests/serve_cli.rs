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
    let signature = fixture("house_price.signature.json");
    // Port 1 on loopback: nothing listens there, so a forwarded body is a 502.
    let mut gateway = Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .args(["serve", "--signature"])
        .arg(&signature)
        .args(["--upstream", "http://127.0.0.1:1", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mlsig serve starts");
    let mut first = String::new();
    BufReader::new(gateway.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address: SocketAddr = first
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .unwrap();

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
