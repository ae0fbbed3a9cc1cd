//! The scoring server over real loopback sockets: every endpoint, both content types and
//! their refusals, each error status, the limits, a panicking model, graceful shutdown,
//! concurrent clients, and the `Rows` extractor in a router of the user's own.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use signature_runtime::model::{Model, SignedModel};
use signature_runtime::serve::{self, Rows, ServeOptions};
use signature_runtime::{ExtraColumns, Mode, Params, Signature};
use signature_tests::house::{House, Price};
use signature_tests::http::{Running, get, invoke_json, request, send_raw};

#[derive(Debug, Params, Deserialize)]
struct Knobs {
    #[param(default = 1.0)]
    scale: f64,
}

/// A linear model with trapdoors keyed by `sqft`: 13 panics, 666 fails, 993 to 999 take 1.5 s
/// (and say they started, each in its own flag: tests running at once each have their own).
struct Linear;

impl Model for Linear {
    type Input = House;
    type Output = Price;
    type Params = Knobs;
    type Error = std::io::Error;

    fn predict(&self, houses: Vec<House>, knobs: &Knobs) -> Result<Vec<Price>, Self::Error> {
        for house in &houses {
            match house.sqft {
                13.0 => panic!("unlucky house"),
                666.0 => return Err(std::io::Error::other("the model refuses this house")),
                slow @ 993.0..=999.0 => {
                    SLOW_STARTED[(slow - 993.0) as usize].store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(1500));
                }
                _ => {}
            }
        }
        Ok(houses
            .iter()
            .map(|h| Price {
                price: knobs.scale * (50_000.0 + 150.0 * h.sqft + 10_000.0 * h.bedrooms as f64),
            })
            .collect())
    }
}

static SLOW_STARTED: [AtomicBool; 7] = [const { AtomicBool::new(false) }; 7];

/// Waits until the slow request with `sqft` is running in the model.
fn wait_until_running(sqft: f64) {
    let flag = &SLOW_STARTED[(sqft - 993.0) as usize];
    let deadline = Instant::now() + Duration::from_secs(30);
    while !flag.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the slow request never reached the model"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn start(options: ServeOptions) -> Running {
    Running::start(serve::router(SignedModel::new(Linear), options))
}

const GOOD: &str =
    r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}}"#;
const GOOD_ANSWER: &str = r#"{"predictions": [{"price": 305000.0}]}"#;

fn house(sqft: f64) -> String {
    format!(r#"{{"dataframe_records": [{{"sqft": {sqft:?}, "bedrooms": 1}}]}}"#)
}

#[test]
fn every_json_body_format_is_answered_with_predictions() {
    let server = start(ServeOptions::new());
    let bodies = [
        GOOD,
        r#"{"dataframe_records": [{"bedrooms": 3, "sqft": 1500.0}]}"#,
        r#"{"inputs": {"sqft": [1500.0], "bedrooms": [3]}}"#,
        r#"{"inputs": [{"sqft": 1500.0, "bedrooms": 3}]}"#,
        r#"{"instances": [{"sqft": 1500.0, "bedrooms": 3}]}"#,
    ];
    for body in bodies {
        let answer = invoke_json(server.address, body);
        assert_eq!(answer.status, 200, "{body}: {}", answer.body);
        assert_eq!(answer.body, GOOD_ANSWER, "{body}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
    }
    let with_params = r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [1000.0, 2]]}, "params": {"scale": 2.0}}"#;
    let answer = invoke_json(server.address, with_params);
    assert_eq!(
        answer.json(),
        json!({"predictions": [{"price": 610000.0}, {"price": 440000.0}]})
    );
}

#[test]
fn csv_bodies_are_read_as_pandas_reads_them() {
    let server = start(ServeOptions::new());
    let csv = |content_type: &str, body: &str| {
        request(
            server.address,
            "POST",
            "/invocations",
            Some(content_type),
            body.as_bytes(),
        )
    };
    for content_type in [
        "text/csv",
        "text/csv; charset=utf-8",
        "text/csv;charset=UTF-8",
    ] {
        let answer = csv(content_type, "bedrooms,sqft\r\n3,1500\n2,1000\n");
        assert_eq!(answer.status, 200, "{content_type}: {}", answer.body);
        assert_eq!(
            answer.json(),
            json!({"predictions": [{"price": 305000.0}, {"price": 220000.0}]})
        );
    }
    // A cell the column's dtype cannot read: pandas refuses it first, BAD_REQUEST.
    let answer = csv("text/csv", "sqft,bedrooms\n1500,three\n");
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    assert!(
        answer.body.contains("/dataframe_split/data/0/1"),
        "{}",
        answer.body
    );
    // A column missing: schema enforcement, INVALID_PARAMETER_VALUE.
    let answer = csv("text/csv", "sqft\n1500\n");
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "INVALID_PARAMETER_VALUE")
    );
    assert!(answer.body.contains("missing_column"), "{}", answer.body);
    let answer = csv("text/csv", "sqft,bedrooms\n\"1500,3\n");
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("quoted field"), "{}", answer.body);
}

#[test]
fn other_content_types_and_charsets_are_415_as_text() {
    let server = start(ServeOptions::new());
    for content_type in [
        Some("text/plain"),
        Some("application/json; charset=latin-1"),
        Some("application/json; format=pandas-split"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let answer = request(
            server.address,
            "POST",
            "/invocations",
            content_type,
            GOOD.as_bytes(),
        );
        assert_eq!(answer.status, 415, "{content_type:?}: {}", answer.body);
        assert!(
            answer
                .header("content-type")
                .unwrap()
                .starts_with("text/plain"),
            "{content_type:?}"
        );
    }
    let answer = request(
        server.address,
        "POST",
        "/invocations",
        Some("application/json; charset=utf-8"),
        GOOD.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn bad_bodies_are_400_with_every_problem_and_the_model_never_runs() {
    let server = start(ServeOptions::new());
    let answer = invoke_json(server.address, "{\"dataframe_split\": ");
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    let answer = invoke_json(server.address, r#"{"rows": [1]}"#);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    // Two problems in one body, both reported; the string's value is hidden by default.
    // (sqft 13 would panic the model: it never runs.)
    let body = r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["1500-secret", 3], [13.0, "x"]]}}"#;
    let answer = invoke_json(server.address, body);
    // A value of a scalar column that is no number: MLflow's cast fails, BAD_REQUEST.
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    let message = answer.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("/dataframe_split/data/0/0"), "{message}");
    assert!(message.contains("/dataframe_split/data/1/1"), "{message}");
    assert!(message.contains("2 errors"), "{message}");
    assert!(
        !message.contains("secret"),
        "values must be redacted: {message}"
    );
    let missing = r#"{"dataframe_records": [{"sqft": 1500.0}]}"#;
    let answer = invoke_json(server.address, missing);
    assert_eq!(answer.error_code(), "INVALID_PARAMETER_VALUE");
    assert!(answer.body.contains("missing_column"), "{}", answer.body);
}

#[test]
fn full_reports_quote_values_when_configured() {
    let server = start(ServeOptions::new().with_full_reports(true));
    let body =
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["1500-secret", 3]]}}"#;
    let answer = invoke_json(server.address, body);
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("1500-secret"), "{}", answer.body);
}

#[test]
fn check_mode_and_extra_column_policy_are_options() {
    // A bare list of records: Strict reads it as records; MLflow's server refuses it
    // (BAD_REQUEST, "Received a list"), and so does the MlflowServing mode.
    let body = r#"[{"sqft": 1500.0, "bedrooms": 3}]"#;
    let strict = start(ServeOptions::new());
    let answer = invoke_json(strict.address, body);
    assert_eq!((answer.status, answer.body.as_str()), (200, GOOD_ANSWER));
    let serving = start(ServeOptions::new().with_mode(Mode::MlflowServing));
    let answer = invoke_json(serving.address, body);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    assert!(answer.body.contains("bad_envelope"), "{}", answer.body);

    let extra = r#"{"dataframe_records": [{"sqft": 1500.0, "bedrooms": 3, "garage": true}]}"#;
    assert_eq!(invoke_json(strict.address, extra).status, 200);
    let rejecting = start(ServeOptions::new().with_extra_columns(ExtraColumns::Reject));
    let answer = invoke_json(rejecting.address, extra);
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("extra_column"), "{}", answer.body);
}

#[test]
fn a_string_mlflow_casts_is_predicted_in_the_serving_mode_and_refused_in_strict() {
    // MLflow's scoring server casts "1500" to 1500.0 for a `double` (and 3.9 to 3 for a
    // `long`): the model receives the cast values, and the prediction is MLflow's.
    let body = r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["1500", 3.9]]}}"#;
    let serving = start(ServeOptions::new().with_mode(Mode::MlflowServing));
    let answer = invoke_json(serving.address, body);
    assert_eq!((answer.status, answer.body.as_str()), (200, GOOD_ANSWER));
    // The casts are counted as `value_changed` warnings by the metrics.
    let metrics = get(serving.address, "/metrics");
    assert!(
        metrics
            .body
            .lines()
            .any(|l| l.contains("value_changed") && l.ends_with(" 2")),
        "{}",
        metrics.body
    );
    let strict = start(ServeOptions::new());
    let answer = invoke_json(strict.address, body);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    assert!(answer.body.contains("wrong_type"), "{}", answer.body);
}

#[test]
fn a_panicking_or_failing_model_is_500_and_the_server_keeps_serving() {
    let server = start(ServeOptions::new());
    let answer = invoke_json(server.address, &house(13.0));
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (500, "INTERNAL_ERROR")
    );
    assert!(answer.body.contains("unlucky house"), "{}", answer.body);
    let answer = invoke_json(server.address, &house(666.0));
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (500, "INTERNAL_ERROR")
    );
    assert!(
        answer.body.contains("refuses this house"),
        "{}",
        answer.body
    );
    for _ in 0..3 {
        assert_eq!(invoke_json(server.address, GOOD).body, GOOD_ANSWER);
    }
}

#[test]
fn bodies_over_the_limit_are_413_declared_or_not() {
    let server = start(ServeOptions::new().with_max_body_bytes(1024));
    let big = format!(
        r#"{{"dataframe_records": [{}]}}"#,
        [r#"{"sqft": 1.0, "bedrooms": 1}"#; 100].join(",")
    );
    let answer = invoke_json(server.address, &big);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (413, "RESOURCE_EXHAUSTED")
    );
    // No Content-Length: chunks past the limit are refused as they arrive.
    let mut raw = b"POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
        Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    for chunk in big.as_bytes().chunks(200) {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let answer = send_raw(server.address, &raw);
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(invoke_json(server.address, GOOD).status, 200);
}

#[test]
fn a_request_past_the_timeout_is_504() {
    let server = start(ServeOptions::new().with_timeout(Duration::from_millis(200)));
    slow_house_is_504_on_time(server.address);
}

/// Enough fast requests for the server to learn that its model is cheap, and to run the
/// next ones on the async worker (`ServeOptions::with_inline_budget`).
fn teach_that_the_model_is_cheap(address: SocketAddr) {
    for _ in 0..100 {
        assert_eq!(invoke_json(address, GOOD).status, 200);
    }
}

/// A cheap model runs on the async worker; a panic there is still 500, and the server keeps
/// serving. A model that turns slow there cannot be interrupted by the timeout: its request
/// is answered 504 when it returns, and the next request runs on the blocking pool, where
/// the timeout answers on time.
#[test]
fn a_model_that_turns_slow_on_the_worker_is_504_then_leaves_the_worker() {
    // A budget far above a debug build's check and model, on a busy machine too.
    let inline = ServeOptions::new().with_inline_budget(Duration::from_millis(100));
    // The default timeout here: a panic's backtrace can take longer than 200 ms to print.
    let panicking = start(inline.clone());
    teach_that_the_model_is_cheap(panicking.address);
    let answer = invoke_json(panicking.address, &house(13.0));
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (500, "INTERNAL_ERROR")
    );
    assert!(answer.body.contains("unlucky house"), "{}", answer.body);
    assert_eq!(invoke_json(panicking.address, GOOD).body, GOOD_ANSWER);
    let server = start(inline.with_timeout(Duration::from_millis(200)));
    teach_that_the_model_is_cheap(server.address);
    let started = Instant::now();
    let answer = invoke_json(server.address, &house(999.0));
    let on_the_worker = started.elapsed();
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (504, "DEADLINE_EXCEEDED")
    );
    assert!(
        on_the_worker >= Duration::from_millis(1400),
        "answered after {on_the_worker:?}: the slow run was not on the worker"
    );
    // The next one went to the blocking pool.
    slow_house_is_504_on_time(server.address);
    assert_eq!(invoke_json(server.address, GOOD).body, GOOD_ANSWER);
}

/// With no inline budget every request goes to the blocking pool: a model that turns slow
/// after many fast requests is still answered 504 on time.
#[test]
fn without_an_inline_budget_the_timeout_always_answers_on_time() {
    let server = start(
        ServeOptions::new()
            .with_timeout(Duration::from_millis(200))
            .with_inline_budget(Duration::ZERO),
    );
    teach_that_the_model_is_cheap(server.address);
    slow_house_is_504_on_time(server.address);
}

/// A request the model takes 1.5 s over is answered 504 by a server with a 200 ms timeout,
/// before the model returns.
fn slow_house_is_504_on_time(address: SocketAddr) {
    let started = Instant::now();
    let answer = invoke_json(address, &house(999.0));
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (504, "DEADLINE_EXCEEDED")
    );
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "answered after {:?}, once the model returned",
        started.elapsed()
    );
}

#[test]
fn requests_past_the_concurrency_limit_are_503() {
    let server = start(ServeOptions::new().with_max_concurrent(1));
    let address = server.address;
    let slow = std::thread::spawn(move || invoke_json(address, &house(998.0)));
    wait_until_running(998.0);
    let answer = invoke_json(server.address, GOOD);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (503, "TEMPORARILY_UNAVAILABLE")
    );
    assert_eq!(slow.join().unwrap().status, 200);
    assert_eq!(invoke_json(server.address, GOOD).status, 200);
}

/// Clients sending their bodies slowly hold no concurrency slot: with two slots and four
/// bodies still arriving, a normal client is answered 200 at once, and each slow body is
/// predicted once it is in. The limit still refuses a request while two are running.
#[test]
fn slow_bodies_hold_no_concurrency_slot_while_running_requests_do() {
    let server = start(ServeOptions::new().with_max_concurrent(2));
    slow_bodies_hold_no_slot_at(server.address, [995.0, 996.0]);
}

#[test]
fn slow_bodies_hold_no_concurrency_slot_of_the_gateway() {
    let upstream = start(ServeOptions::new());
    let gateway = gateway_in_front_of(&upstream, ServeOptions::new().with_max_concurrent(2));
    slow_bodies_hold_no_slot_at(gateway.address, [993.0, 994.0]);
}

/// The server at `address` has two concurrency slots: four slow bodies leave a normal
/// client answered at once; two requests running (houses `slow`, which the model takes
/// 1.5 s over) fill them.
fn slow_bodies_hold_no_slot_at(address: SocketAddr, slow: [f64; 2]) {
    // The last 8, 10, 12 and 14 bytes of each body a byte every 200 ms: the bodies take
    // 1.6 to 2.8 s to arrive, and arrive apart, so that their predictions (the gateway's
    // forwarding takes milliseconds) do not need more than the two slots at once.
    let trickling: Vec<_> = (0..4)
        .map(|client| {
            let (sent, dripped) = GOOD.split_at(GOOD.len() - 8 - 2 * client);
            let head = format!(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{sent}",
                GOOD.len()
            );
            hostile_client(address, head.as_bytes(), dripped.as_bytes().to_vec())
        })
        .collect();
    // Give the server time to start reading the four bodies before the normal client comes.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let answer = invoke_json(address, GOOD);
    let waited = started.elapsed();
    assert_eq!(
        answer.status, 200,
        "beside four slow bodies: {}",
        answer.body
    );
    assert!(
        waited < Duration::from_millis(1000),
        "the normal client waited {waited:?} for the slow bodies"
    );
    for client in trickling {
        let (status, elapsed) = client.outcome();
        assert_eq!(status, Some(200), "a slow body, once in, is predicted");
        assert!(elapsed >= Duration::from_millis(1400), "{elapsed:?}");
    }
    // Two requests running in the model fill both slots: the next one is refused.
    let running: Vec<_> = slow
        .into_iter()
        .map(|sqft| std::thread::spawn(move || invoke_json(address, &house(sqft))))
        .collect();
    for sqft in slow {
        wait_until_running(sqft);
    }
    let answer = invoke_json(address, GOOD);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (503, "TEMPORARILY_UNAVAILABLE")
    );
    for slow in running {
        assert_eq!(slow.join().unwrap().status, 200);
    }
    assert_eq!(invoke_json(address, GOOD).status, 200);
}

#[test]
fn graceful_shutdown_finishes_requests_in_flight_then_stops() {
    let mut server = start(ServeOptions::new());
    let address = server.address;
    let slow = std::thread::spawn(move || invoke_json(address, &house(997.0)));
    wait_until_running(997.0);
    server.begin_stop();
    let answer = slow.join().unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.is_finished(), "the server did not stop");
    server.stop().expect("a clean stop");
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "still listening"
    );
}

#[test]
fn concurrent_clients_each_get_their_own_answer() {
    let server = start(ServeOptions::new());
    let address = server.address;
    let clients: Vec<_> = (0..16)
        .map(|client| {
            std::thread::spawn(move || {
                for k in 0..25 {
                    let sqft = f64::from(1_000 + client * 100 + k);
                    let answer = invoke_json(address, &house(sqft));
                    let expected = 60_000.0 + 150.0 * sqft;
                    // (sqft 1,000 and up: none of the model's trapdoors.)
                    assert_eq!(answer.status, 200, "{}", answer.body);
                    assert_eq!(answer.json()["predictions"][0]["price"], json!(expected));
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client thread");
    }
}

#[test]
fn the_other_endpoints_answer_as_mlflow_and_more() {
    let server = start(ServeOptions::new());
    for path in ["/ping", "/health"] {
        let answer = get(server.address, path);
        assert_eq!((answer.status, answer.body.as_str()), (200, "\n"), "{path}");
    }
    let answer = get(server.address, "/version");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, env!("CARGO_PKG_VERSION"));
    let answer = get(server.address, "/signature");
    assert_eq!(
        answer.body,
        SignedModel::new(Linear).signature().to_dict().to_json()
    );
    let inputs: Value = serde_json::from_str(answer.json()["inputs"].as_str().unwrap()).unwrap();
    assert_eq!(inputs[0]["name"], "sqft");
    let answer = get(server.address, "/openapi.json");
    let document = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    let record = &document["components"]["schemas"]["Record"];
    assert_eq!(record["properties"]["bedrooms"]["type"], "integer");
    assert_eq!(record["required"], json!(["sqft", "bedrooms"]));
    assert_eq!(
        document["components"]["schemas"]["Params"]["properties"]["scale"]["default"],
        json!(1.0)
    );
    assert_eq!(get(server.address, "/nowhere").status, 404);
    assert_eq!(
        request(server.address, "GET", "/invocations", None, b"").status,
        405
    );
}

#[test]
fn metrics_count_statuses_problems_and_latency() {
    let server = start(ServeOptions::new());
    invoke_json(server.address, GOOD);
    invoke_json(server.address, GOOD);
    invoke_json(server.address, r#"{"dataframe_records": [{"sqft": "x"}]}"#);
    assert_metrics(
        server.address,
        &[
            "signature_requests_total{endpoint=\"/invocations\",status=\"200\"} 2",
            "signature_requests_total{endpoint=\"/invocations\",status=\"400\"} 1",
            "signature_problems_total{code=\"wrong_type\",severity=\"error\"} 1",
            "signature_problems_total{code=\"missing_column\",severity=\"error\"} 1",
            "signature_invocation_seconds_bucket{stage=\"request\",le=\"+Inf\"} 3",
            "signature_invocation_seconds_count{stage=\"predict\"} 2",
        ],
    );
}

/// Scrapes `/metrics` (Prometheus text) and checks it has each of `lines`; returns the text.
fn assert_metrics(address: SocketAddr, lines: &[&str]) -> String {
    let metrics = get(address, "/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.body;
    for line in lines {
        assert!(
            text.lines().any(|l| l == *line),
            "{line} missing from\n{text}"
        );
    }
    text
}

/// The extractor, in a router of the user's own.
async fn price(houses: Rows<House, Knobs>) -> String {
    let prices: Vec<f64> = houses
        .rows
        .iter()
        .map(|h| houses.params.scale * h.sqft)
        .collect();
    serde_json::to_string(&prices).unwrap()
}

fn own_router(options: Option<ServeOptions>) -> Router {
    let router = Router::new().route("/price", post(price));
    match options {
        Some(options) => router.layer(Extension(options)),
        None => router,
    }
}

#[test]
fn the_rows_extractor_decodes_or_answers_with_mlflows_error_body() {
    let server = Running::start(own_router(None));
    let post_json = |address: SocketAddr, body: &str| {
        request(
            address,
            "POST",
            "/price",
            Some("application/json"),
            body.as_bytes(),
        )
    };
    let answer = post_json(
        server.address,
        r#"{"dataframe_records": [{"sqft": 10.0, "bedrooms": 1}], "params": {"scale": 3.0}}"#,
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "[30.0]"));
    let answer = request(
        server.address,
        "POST",
        "/price",
        Some("text/csv"),
        b"sqft,bedrooms\n10,1\n",
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "[10.0]"));
    let answer = post_json(
        server.address,
        r#"{"dataframe_records": [{"sqft": "1500"}]}"#,
    );
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    assert!(answer.body.contains("missing_column") && answer.body.contains("wrong_type"));
    let answer = request(server.address, "POST", "/price", Some("text/xml"), b"<a/>");
    assert_eq!(answer.status, 415);

    // Options from an extension: the serving mode refuses a bare list, as MLflow does.
    let serving = Running::start(own_router(Some(
        ServeOptions::new()
            .with_mode(Mode::MlflowServing)
            .with_max_body_bytes(64),
    )));
    let answer = post_json(serving.address, r#"[{"sqft": 10.0, "bedrooms": 1}]"#);
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    let answer = post_json(
        serving.address,
        r#"{"inputs": [{"sqft": 10.0, "bedrooms": 1}]}"#,
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "[10.0]"));
    // A value MLflow casts reaches the handler cast.
    let answer = post_json(
        serving.address,
        r#"{"inputs": [{"sqft": "10", "bedrooms": 1}]}"#,
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "[10.0]"));
    let answer = post_json(
        serving.address,
        &format!(
            r#"{{"inputs": [{}]}}"#,
            [r#"{"sqft": 1, "bedrooms": 1}"#; 10].join(",")
        ),
    );
    assert_eq!(answer.status, 413);
}

/// A type whose fields take less than their MLflow types: an enum, a `u8`, a `[f64; 3]`
/// (decoded only: the handler counts the rows).
#[derive(Debug, Signature, Deserialize)]
#[allow(dead_code)]
struct Listing {
    heating: Heating,
    floor: u8,
    position: [f64; 3],
    sqft: f64,
}

#[derive(Debug, Signature, Deserialize)]
enum Heating {
    Gas,
    Wood,
}

async fn list(listings: Rows<Listing>) -> String {
    listings.rows.len().to_string()
}

#[test]
fn the_rows_extractor_reports_what_the_rust_type_refuses_with_every_other_problem() {
    let server = Running::start(Router::new().route("/list", post(list)));
    let post_json = |body: &str| {
        request(
            server.address,
            "POST",
            "/list",
            Some("application/json"),
            body.as_bytes(),
        )
    };
    let answer = post_json(
        r#"{"dataframe_records": [{"heating": "Coal", "floor": 300, "position": [1.0, 2.0]}]}"#,
    );
    // A scalar value refused: `BAD_REQUEST`, as for a value MLflow's casts refuse.
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    let message = serde_json::from_str::<Value>(&answer.body).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    for expected in [
        "error[unknown_variant]",
        "--> /dataframe_records/0/heating",
        "error[out_of_range]",
        "--> /dataframe_records/0/floor",
        "error[wrong_length]",
        "--> /dataframe_records/0/position",
        "error[missing_column]",
        "4 errors",
    ] {
        assert!(message.contains(expected), "{expected} in {message}");
    }
    // Values are hidden by default.
    assert!(
        !message.contains("Coal") && !message.contains("300"),
        "{message}"
    );
    let answer = post_json(
        r#"{"dataframe_records": [{"heating": "Wood", "floor": 2, "position": [1.0, 2.0, 3.0], "sqft": 9.5}]}"#,
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "1"));
}

/// Every kind of column, optional ones, and params of each shape.
#[derive(Debug, Signature, Serialize, Deserialize)]
struct Rich {
    id: i32,
    name: Option<String>,
    tags: Vec<String>,
    scores: std::collections::HashMap<String, f64>,
    location: Location,
    photo: Option<Vec<u8>>,
    seen: chrono::NaiveDateTime,
    flag: bool,
}

#[derive(Debug, Signature, Serialize, Deserialize)]
struct Location {
    lat: f64,
    lon: f64,
}

#[derive(Debug, Params, Deserialize)]
struct RichParams {
    #[param(default = 5)]
    top_k: i64,
    #[param(default = "full")]
    style: String,
    #[param(default = [1.0, 2.0])]
    weights: Vec<f64>,
}

struct RichModel;

impl Model for RichModel {
    type Input = Rich;
    type Output = Location;
    type Params = RichParams;
    type Error = std::convert::Infallible;

    fn predict(&self, rows: Vec<Rich>, params: &RichParams) -> Result<Vec<Location>, Self::Error> {
        let keep = usize::try_from(params.top_k).unwrap_or(0) + params.style.len();
        let _ = &params.weights;
        Ok(rows.into_iter().take(keep).map(|r| r.location).collect())
    }
}

#[derive(Debug, Signature, Serialize, Deserialize)]
struct Images {
    #[signature(tensor(shape = [-1, 28, 28]))]
    images: Vec<Vec<Vec<f32>>>,
}

struct Blank;

impl Model for Blank {
    type Input = Images;
    type Output = Price;
    type Params = signature_runtime::model::NoParams;
    type Error = std::convert::Infallible;

    fn predict(
        &self,
        batches: Vec<Images>,
        _: &signature_runtime::model::NoParams,
    ) -> Result<Vec<Price>, Self::Error> {
        Ok(batches.iter().map(|_| Price { price: 0.0 }).collect())
    }
}

/// The OpenAPI documents of three servers (columns with params, every column type, a tensor)
/// pass `openapi-spec-validator`, the reference validator of OpenAPI 3.1, pinned in
/// `tests/interop/requirements.txt`. It runs from the interop venv, as the MLflow interop tests
/// do, or from the Python in `SIGNATURE_OPENAPI_PYTHON`; without one the test is skipped,
/// loudly and counted, and fails under `CI=true`.
#[test]
fn openapi_documents_pass_a_standard_validator() {
    let documents: Vec<(&str, String)> = [
        (
            "house",
            Running::start(serve::router(SignedModel::new(Linear), ServeOptions::new())),
        ),
        (
            "rich",
            Running::start(serve::router(
                SignedModel::new(RichModel),
                ServeOptions::new(),
            )),
        ),
        (
            "tensor",
            Running::start(serve::router(SignedModel::new(Blank), ServeOptions::new())),
        ),
    ]
    .into_iter()
    .map(|(name, server)| (name, get(server.address, "/openapi.json").body))
    .collect();
    // What the generator writes for each, whatever the validator.
    let rich: Value = serde_json::from_str(&documents[1].1).unwrap();
    let record = &rich["components"]["schemas"]["Record"]["properties"];
    assert_eq!(
        record["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(record["scores"]["additionalProperties"]["type"], "number");
    assert_eq!(record["location"]["required"], json!(["lat", "lon"]));
    assert_eq!(record["name"]["anyOf"][1], json!({"type": "null"}));
    let tensor: Value = serde_json::from_str(&documents[2].1).unwrap();
    let inputs = &tensor["components"]["schemas"]["InputsRequest"]["properties"]["inputs"];
    assert_eq!(inputs["properties"]["images"]["items"]["maxItems"], 28);

    let python = match openapi_validator_python() {
        Ok(python) => python,
        Err(reason) => {
            assert!(
                !signature_tests::skip::required(),
                "CI=true: the OpenAPI validator must run: {reason}"
            );
            signature_tests::skip::record(
                "OpenAPI validator",
                "openapi_documents_pass_a_standard_validator",
                &reason,
            );
            return;
        }
    };
    for (name, document) in documents {
        let path = std::env::temp_dir().join(format!(
            "signature-openapi-{}-{name}.json",
            std::process::id()
        ));
        std::fs::write(&path, &document).unwrap();
        let validated = std::process::Command::new(&python)
            .args([
                "-c",
                "import json, sys\n\
                 from openapi_spec_validator import validate\n\
                 validate(json.load(open(sys.argv[1])))\n\
                 print('valid')",
            ])
            .arg(&path)
            .output()
            .expect("the validator's Python runs");
        let _ = std::fs::remove_file(&path);
        assert!(
            validated.status.success(),
            "{name}: {}\n{document}",
            String::from_utf8_lossy(&validated.stderr)
        );
    }
}

/// The Python that runs the OpenAPI validator: `SIGNATURE_OPENAPI_PYTHON`, else the interop
/// venv's (found as the MLflow interop tests find it); `Err` says why there is none.
fn openapi_validator_python() -> Result<std::ffi::OsString, String> {
    let python = match std::env::var_os("SIGNATURE_OPENAPI_PYTHON") {
        Some(python) => python,
        None => signature_tests::mlflow::interop_python()?.into_os_string(),
    };
    let probe = std::process::Command::new(&python)
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .map_err(|error| format!("{} does not run: {error}", python.to_string_lossy()))?;
    if !probe.status.success() {
        return Err(format!(
            "{} cannot import openapi_spec_validator (bash scripts/setup-interop.sh installs it): {}",
            python.to_string_lossy(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(python)
}

/// The gateway for [`Linear`]'s signature in front of `upstream`, served with `options`'
/// connection limits.
fn gateway_in_front_of(upstream: &Running, options: ServeOptions) -> Running {
    let signature = SignedModel::new(Linear).signature().clone();
    let upstream = format!("http://{}", upstream.address);
    let router = serve::gateway(&signature, &upstream, options.clone()).unwrap();
    Running::start_with(router, &options)
}

/// The gateway in front of one of our servers standing in for MLflow's: good bodies are
/// forwarded and answered byte for byte as the upstream answers, bad ones never reach it.
#[test]
fn the_gateway_forwards_good_bodies_unchanged_and_answers_bad_ones_itself() {
    let upstream = start(ServeOptions::new());
    let gateway = gateway_in_front_of(&upstream, ServeOptions::new());
    let signature = SignedModel::new(Linear).signature().clone();
    let direct = invoke_json(upstream.address, GOOD);
    let through = invoke_json(gateway.address, GOOD);
    assert_eq!(
        (through.status, &through.body),
        (direct.status, &direct.body)
    );
    assert_eq!(through.header("content-type"), Some("application/json"));
    let csv = request(
        gateway.address,
        "POST",
        "/invocations",
        Some("text/csv"),
        b"sqft,bedrooms\n1500,3\n",
    );
    assert_eq!((csv.status, csv.body.as_str()), (200, GOOD_ANSWER));
    // The model's own failure comes back from upstream as it was.
    let failed = invoke_json(gateway.address, &house(666.0));
    assert_eq!(
        (failed.status, failed.error_code().as_str()),
        (500, "INTERNAL_ERROR")
    );

    let bad = invoke_json(gateway.address, r#"{"dataframe_records": [{"sqft": "x"}]}"#);
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (400, "BAD_REQUEST")
    );
    assert!(bad.body.contains("missing_column"), "{}", bad.body);
    let refused = request(
        gateway.address,
        "POST",
        "/invocations",
        Some("text/xml"),
        b"<a/>",
    );
    assert_eq!(refused.status, 415);
    // Upstream saw the good body, the CSV and the failing one: not the bad ones.
    let metrics = get(upstream.address, "/metrics").body;
    let invocations: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("signature_requests_total{endpoint=\"/invocations\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(invocations, 4, "{metrics}");

    for path in ["/ping", "/health", "/version"] {
        let answer = get(gateway.address, path);
        assert_eq!(answer.body, get(upstream.address, path).body, "{path}");
    }
    assert_eq!(
        get(gateway.address, "/signature").body,
        signature.to_dict().to_json()
    );

    drop(upstream);
    let down = invoke_json(gateway.address, GOOD);
    assert_eq!(down.status, 502, "{}", down.body);
    assert!(serve::gateway(&signature, "https://example.org/x", ServeOptions::new()).is_err());
    assert!(serve::gateway(&signature, "not a url", ServeOptions::new()).is_err());
}

/// The connection limits the hostile-client tests configure: short, so each test ends in
/// seconds, and far above what a well-behaved loopback client needs.
fn hostile_limits() -> ServeOptions {
    ServeOptions::new()
        .with_header_timeout(Duration::from_millis(1500))
        .with_body_timeout(Duration::from_millis(1500))
        .with_max_header_bytes(16 * 1024)
}

/// A client that sends `head`, then `drip` one byte every 200 ms (a byte a second would only
/// make the test slower: the limit is on the whole, not on a rate), until the server
/// answers or closes. Returns what the server answered (`None`: it closed without a word)
/// and when.
fn hostile_client(address: SocketAddr, head: &[u8], drip: Vec<u8>) -> HostileClient {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    std::io::Write::write_all(&mut stream, head).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let started = Instant::now();
    let dripping = std::thread::spawn(move || {
        for byte in drip {
            std::thread::sleep(Duration::from_millis(200));
            if std::io::Write::write_all(&mut writer, &[byte]).is_err() {
                return;
            }
        }
    });
    HostileClient {
        stream,
        started,
        dripping,
    }
}

struct HostileClient {
    stream: std::net::TcpStream,
    started: Instant,
    dripping: std::thread::JoinHandle<()>,
}

impl HostileClient {
    /// The status the server answered with (`None` when it closed the connection without
    /// one), and how long after connecting.
    fn outcome(mut self) -> (Option<u16>, Duration) {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut self.stream, &mut bytes);
        let elapsed = self.started.elapsed();
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
        let _ = self.dripping.join();
        let status = String::from_utf8_lossy(&bytes)
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok());
        (status, elapsed)
    }
}

/// A hostile client: what it does, the head it sends, what it drips after, and the status it
/// must be answered (`None`: the connection closed without one).
type Hostile = (&'static str, Vec<u8>, Vec<u8>, Option<u16>);

/// Every kind of hostile client against the server at `address` (configured with
/// [`hostile_limits`]): while each is connected, `normal` is answered 200; the hostile one is
/// answered `expected` (or cut off, `None`) once its limit passes, not before and not never.
fn hostile_clients_are_cut_off_while_others_are_served(
    address: SocketAddr,
    normal: &dyn Fn() -> signature_tests::http::Answer,
) {
    let post = |extra: &str| {
        format!(
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{extra}\r\n"
        )
        .into_bytes()
    };
    let ever = |body: &str| body.bytes().cycle().take(1000).collect::<Vec<u8>>();
    let chunks = b"1\r\n{\r\n".repeat(200);
    // (what the client does, its head, what it drips, the answer it must get).
    let timed: [Hostile; 5] = [
        (
            "a body sent a byte at a time",
            post(&format!("Content-Length: {}\r\n", GOOD.len())),
            GOOD.as_bytes().to_vec(),
            Some(408),
        ),
        (
            "a Content-Length larger than the body sent",
            [post("Content-Length: 100000\r\n"), GOOD.as_bytes().to_vec()].concat(),
            Vec::new(),
            Some(408),
        ),
        (
            "a chunked body that never ends",
            post("Transfer-Encoding: chunked\r\n"),
            chunks,
            Some(408),
        ),
        (
            "a head sent a byte at a time",
            b"POST /invocations HTTP/1.1\r\n".to_vec(),
            ever("X-Slow: aaaa\r\n"),
            None,
        ),
        ("an idle connection", Vec::new(), Vec::new(), None),
    ];
    for (client, head, drip, expected) in timed {
        let hostile = hostile_client(address, &head, drip);
        let answer = normal();
        assert_eq!(answer.status, 200, "beside {client}: {}", answer.body);
        let (status, elapsed) = hostile.outcome();
        assert_eq!(status, expected, "{client}");
        assert!(
            (Duration::from_millis(1400)..Duration::from_secs(10)).contains(&elapsed),
            "{client}: cut off after {elapsed:?}, the limit is 1.5 s"
        );
    }
    let big_header = post(&format!("X-Big: {}\r\n", "a".repeat(20_000)));
    let many_headers = post(
        &(0..150)
            .map(|index| format!("X-Header-{index}: 1\r\n"))
            .collect::<String>(),
    );
    for (client, head) in [
        ("a header over the size limit", big_header),
        ("more headers than the limit", many_headers),
    ] {
        let hostile = hostile_client(address, &head, Vec::new());
        assert_eq!(normal().status, 200, "beside {client}");
        let (status, elapsed) = hostile.outcome();
        assert_eq!(status, Some(431), "{client}");
        assert!(elapsed < Duration::from_secs(1), "{client}: {elapsed:?}");
    }
}

#[test]
fn hostile_clients_are_cut_off_and_the_server_keeps_answering() {
    let server = Running::start_with(
        serve::router(SignedModel::new(Linear), hostile_limits()),
        &hostile_limits(),
    );
    hostile_clients_are_cut_off_while_others_are_served(server.address, &|| {
        invoke_json(server.address, GOOD)
    });
}

#[test]
fn hostile_clients_are_cut_off_by_the_gateway_too() {
    let upstream = start(ServeOptions::new());
    let gateway = gateway_in_front_of(&upstream, hostile_limits());
    hostile_clients_are_cut_off_while_others_are_served(gateway.address, &|| {
        invoke_json(gateway.address, GOOD)
    });
}

/// Set in the server process that
/// [`ten_thousand_idle_connections_leave_the_server_answering_in_bounded_memory`] starts (this
/// test binary again): that process serves instead of testing.
const IDLE_SERVER: &str = "SIGNATURE_TEST_IDLE_SERVER";

/// How many idle connections the test holds open.
const IDLE_CONNECTIONS: usize = 10_000;

/// The bound on what 10,000 idle connections may add to the server's memory: 4 KiB each.
/// Measured: about 1.4 KiB each; 10.8 KiB each when hyper took every connection at once (its
/// read buffer reserved for each), as `axum::serve` does.
const IDLE_GROWTH_BOUND_KIB: u64 = 40_000;

/// 10,000 connections that send nothing: a normal client is still answered at once, and the
/// server's resident memory grows by less than [`IDLE_GROWTH_BOUND_KIB`]. The server runs in
/// a process of its own (this binary again, told by [`IDLE_SERVER`]), so that its memory
/// and file descriptors are its alone.
#[test]
fn ten_thousand_idle_connections_leave_the_server_answering_in_bounded_memory() {
    if std::env::var_os(IDLE_SERVER).is_some() {
        return serve_until_stdin_closes();
    }
    if let Err(reason) = signature_tests::http::allow_open_files(IDLE_CONNECTIONS as u64 + 100) {
        assert!(!signature_tests::skip::required(), "{reason}");
        signature_tests::skip::record(
            "file descriptor limit",
            "ten_thousand_idle_connections_leave_the_server_answering_in_bounded_memory",
            &reason,
        );
        return;
    }
    let mut server = std::process::Command::new("sh")
        .args([
            "-c",
            // The server holds as many descriptors as the test: let it raise its own limit.
            "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$@\"",
        ])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ten_thousand_idle_connections_leave_the_server_answering_in_bounded_memory",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(IDLE_SERVER, "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the test binary starts again as a server");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(server.stdout.take().unwrap()));
    let address: SocketAddr = lines
        .by_ref()
        .map_while(Result::ok)
        // The harness may have started the line with the test's name.
        .find_map(|line| line.split_once("idle-server listening on ")?.1.parse().ok())
        .expect("the server process says where it listens");
    assert_eq!(invoke_json(address, GOOD).status, 200);
    let before = signature_tests::http::rss_kib(server.id());
    let idle = signature_tests::http::idle_connections(address, IDLE_CONNECTIONS);
    // Every connection accepted and served (its read buffer reserved) before measuring.
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let answer = invoke_json(address, GOOD);
    let waited = started.elapsed();
    let after = signature_tests::http::rss_kib(server.id());
    eprintln!(
        "{IDLE_CONNECTIONS} idle connections: server RSS {before} KiB -> {after} KiB; \
         a normal request answered in {waited:?}"
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, GOOD_ANSWER));
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(
        after.saturating_sub(before) < IDLE_GROWTH_BOUND_KIB,
        "{IDLE_CONNECTIONS} idle connections grew the server from {before} KiB to {after} KiB"
    );
    drop(idle);
    drop(server.stdin.take());
    let status = server.wait().unwrap();
    assert!(status.success(), "the server process failed: {status}");
}

/// The server side of the idle-connections test: serves until the test closes its stdin.
fn serve_until_stdin_closes() {
    let options = ServeOptions::new().with_header_timeout(Duration::from_secs(120));
    let server = Running::start_with(
        serve::router(SignedModel::new(Linear), options.clone()),
        &options,
    );
    // Past the harness's capture of `println!`: the test reads this line.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "idle-server listening on {}", server.address).unwrap();
    stdout.flush().unwrap();
    drop(stdout);
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut rest);
}

/// The gateway's `/metrics`: the typed server's counts by endpoint, status and problem code,
/// the check's and the upstream's times, and the requests the upstream did not answer.
#[test]
fn the_gateway_counts_statuses_problems_and_upstream_errors_in_metrics() {
    let upstream = start(ServeOptions::new());
    let gateway = gateway_in_front_of(&upstream, ServeOptions::new());
    assert_eq!(invoke_json(gateway.address, GOOD).status, 200);
    assert_eq!(invoke_json(gateway.address, GOOD).status, 200);
    let bad = invoke_json(gateway.address, r#"{"dataframe_records": [{"sqft": "x"}]}"#);
    assert_eq!(bad.status, 400);
    let refused = request(
        gateway.address,
        "POST",
        "/invocations",
        Some("text/xml"),
        b"<a/>",
    );
    assert_eq!(refused.status, 415);
    assert_eq!(get(gateway.address, "/ping").status, 200);
    drop(upstream);
    assert_eq!(invoke_json(gateway.address, GOOD).status, 502);

    let text = assert_metrics(
        gateway.address,
        &[
            "signature_requests_total{endpoint=\"/invocations\",status=\"200\"} 2",
            "signature_requests_total{endpoint=\"/invocations\",status=\"400\"} 1",
            "signature_requests_total{endpoint=\"/invocations\",status=\"415\"} 1",
            "signature_requests_total{endpoint=\"/invocations\",status=\"502\"} 1",
            "signature_requests_total{endpoint=\"/ping\",status=\"200\"} 1",
            "signature_problems_total{code=\"wrong_type\",severity=\"error\"} 1",
            "signature_problems_total{code=\"missing_column\",severity=\"error\"} 1",
            "signature_upstream_errors_total 1",
            "signature_invocation_seconds_bucket{stage=\"request\",le=\"+Inf\"} 5",
            // Checked: the two good bodies, the bad one and the one upstream never answered.
            "signature_invocation_seconds_count{stage=\"check\"} 4",
            "signature_invocation_seconds_count{stage=\"upstream\"} 3",
        ],
    );
    assert!(!text.contains("stage=\"predict\""), "{text}");
}
