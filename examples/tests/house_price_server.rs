//! The README's serving lines, run as a test so they cannot rot: the example server is started
//! on a free port, asked the three requests the README shows, and must answer exactly as the
//! README says (the `"1500"` one also with `--mode mlflow-serving`); then SIGTERM stops it
//! cleanly.

#[path = "../house_price_server.rs"]
#[allow(dead_code)]
mod house_price_server;

#[path = "../../tests/support/http.rs"]
#[allow(dead_code, unreachable_pub)]
mod http;

use std::time::Duration;

/// The three requests of the README and the answers it shows, status and body.
const README: [(&str, u16, &str); 3] = [
    (
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}}"#,
        200,
        r#"{"predictions": [{"price": 305000.0}]}"#,
    ),
    (
        r#"{"dataframe_split": {"columns": ["sqft"], "data": [[1500.0]]}}"#,
        400,
        r#"{"error_code": "INVALID_PARAMETER_VALUE", "message": "error[missing_column]: missing required column `bedrooms`\n  --> /dataframe_split/columns (column `bedrooms`)\n\nerror: the input does not match the signature (1 row): 1 error"}"#,
    ),
    (
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["1500", 3]]}}"#,
        400,
        r#"{"error_code": "BAD_REQUEST", "message": "error[wrong_type]: expected double, found string\n  --> /dataframe_split/data/0/0 (row 0, column `sqft`)\n   = expected: double (a number)\n   = found: string\n\nerror: the input does not match the signature (1 row): 1 error"}"#,
    ),
];

/// The only test of this binary: SIGTERM goes to the whole test process, whose handler the
/// server installed.
#[test]
fn the_example_server_answers_the_readme_requests_then_stops_on_sigterm() {
    let (address, mode) =
        house_price_server::parse(["--port", "0"].map(String::from).into_iter()).unwrap();
    let (bound, listening) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        house_price_server::run(address, mode, |address| bound.send(address).unwrap())
    });
    let address = listening
        .recv_timeout(Duration::from_secs(30))
        .expect("the server listens");

    for (body, status, answer) in README {
        let got = http::invoke_json(address, body);
        assert_eq!((got.status, got.body.as_str()), (status, answer), "{body}");
    }
    // `--mode mlflow-serving` casts the string as MLflow's server does.
    let (_, serving_mode) = house_price_server::parse(
        ["--port", "0", "--mode", "mlflow-serving"]
            .map(String::from)
            .into_iter(),
    )
    .unwrap();
    let serving = http::Running::start(house_price_server::router(serving_mode));
    let got = http::invoke_json(serving.address, README[2].0);
    assert_eq!(
        (got.status, got.body.as_str()),
        (200, README[0].2),
        "the README's \"1500\" line with --mode mlflow-serving"
    );

    #[cfg(unix)]
    {
        let pid = std::process::id().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !server.is_finished() {
            assert!(
                std::time::Instant::now() < deadline,
                "SIGTERM did not stop the server"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server.join().unwrap().expect("a clean stop");
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "still listening"
        );
    }
}
