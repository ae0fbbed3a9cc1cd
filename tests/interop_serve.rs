//! Our scoring server against MLflow's own (`mlflow models serve --env-manager local` of the
//! equivalent pyfunc model): for the same bodies, good and bad, in every format and both
//! content types, the same status code and the same `error_code`. Our server checks in the
//! `MlflowServing` mode, the decisions of MLflow's server.

use signature_runtime::Mode;
use signature_runtime::model::SignedModel;
use signature_runtime::serve::{self, ServeOptions};
use signature_tests::house::{LinearHousePrice, ScalarsEcho};
use signature_tests::http::{Answer, Running, request};
use signature_tests::mlflow::interop_python;
use signature_tests::mlflow_server::MlflowServer;
use signature_tests::skip;

const JSON: &str = "application/json";
const CSV: &str = "text/csv";

/// (content type, body): every format, good and bad.
const BODIES: &[(&str, &str)] = &[
    // Good, in every format.
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3], [800.5, 1]]}}"#,
    ),
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["bedrooms", "sqft"], "data": [[3, 1500.0]], "index": [7]}}"#,
    ),
    (
        JSON,
        r#"{"dataframe_records": [{"sqft": 1500.0, "bedrooms": 3}, {"bedrooms": 1, "sqft": 2}]}"#,
    ),
    (
        JSON,
        r#"{"inputs": {"sqft": [1500.0, 900.0], "bedrooms": [3, 2]}}"#,
    ),
    (JSON, r#"{"inputs": [{"sqft": 1500.0, "bedrooms": 3}]}"#),
    (JSON, r#"{"instances": [{"sqft": 1500.0, "bedrooms": 3}]}"#),
    (
        JSON,
        r#"{"dataframe_records": [{"sqft": 1500.0, "bedrooms": 3, "garage": true}]}"#,
    ),
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, 3]]}, "params": {"unknown": 1}}"#,
    ),
    (
        "application/json; charset=utf-8",
        r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 1}]}"#,
    ),
    (CSV, "sqft,bedrooms\n1500.0,3\n800,1\n"),
    ("text/csv; charset=utf-8", "bedrooms,sqft\n3,1500\n"),
    // Not a request MLflow reads.
    (JSON, r#"{"dataframe_split": "#),
    (JSON, "not json"),
    (JSON, r#"[{"sqft": 1500.0, "bedrooms": 3}]"#),
    (JSON, r#"{"rows": [[1500.0, 3]]}"#),
    (
        JSON,
        r#"{"inputs": [{"sqft": 1.0, "bedrooms": 1}], "instances": [{"sqft": 1.0, "bedrooms": 1}]}"#,
    ),
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0]]}}"#,
    ),
    // Values the casts refuse.
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [["abc", 3]]}}"#,
    ),
    (
        JSON,
        r#"{"dataframe_records": [{"sqft": "abc", "bedrooms": 1}]}"#,
    ),
    (
        JSON,
        r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": "three"}]}"#,
    ),
    (JSON, r#"{"inputs": [{"sqft": "abc", "bedrooms": 1}]}"#),
    (
        JSON,
        r#"{"instances": [{"sqft": 1.0, "bedrooms": "three"}]}"#,
    ),
    (JSON, r#"{"inputs": {"sqft": ["abc"], "bedrooms": [1]}}"#),
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft", "bedrooms"], "data": [[1500.0, null]]}}"#,
    ),
    (CSV, "sqft,bedrooms\n1500,three\n"),
    (CSV, "sqft,bedrooms\nbig,3\n"),
    // Schema enforcement refuses it.
    (
        JSON,
        r#"{"dataframe_split": {"columns": ["sqft"], "data": [[1500.0]]}}"#,
    ),
    (JSON, r#"{"dataframe_records": [{"sqft": 1500.0}]}"#),
    (JSON, r#"{"inputs": {"sqft": [1500.0]}}"#),
    (JSON, r#"{"instances": [{"bedrooms": 2}]}"#),
    (CSV, "sqft\n1500\n"),
    // Content types MLflow does not take.
    ("text/plain", "sqft,bedrooms\n1500,3\n"),
    (
        "application/json; charset=latin-1",
        r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 1}]}"#,
    ),
    (
        "application/json; format=pandas-split",
        r#"{"dataframe_records": [{"sqft": 1.0, "bedrooms": 1}]}"#,
    ),
];

fn invoke(address: std::net::SocketAddr, content_type: &str, body: &str) -> Answer {
    request(
        address,
        "POST",
        "/invocations",
        Some(content_type),
        body.as_bytes(),
    )
}

/// The status and, for JSON error bodies, the `error_code`.
fn verdict(answer: &Answer) -> (u16, Option<String>) {
    let code = serde_json::from_str::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("error_code")?.as_str().map(str::to_owned));
    (answer.status, code)
}

/// MLflow's scoring server of the pyfunc twin of `model` and ours in the `MlflowServing` mode;
/// `None` (recorded as skipped) when MLflow is not set up here.
fn both_servers<M>(model: M) -> Option<(MlflowServer, Running)>
where
    M: signature_runtime::model::Model + Send + Sync + 'static,
{
    let python = match interop_python() {
        Ok(python) => python,
        Err(why) if skip::required() => panic!("MLflow interop is required under CI=true: {why}"),
        Err(why) => {
            skip::record("MLflow interop", "interop_serve", &why);
            return None;
        }
    };
    let model = SignedModel::new(model);
    let signature = model.signature().to_dict().to_json();
    let mlflow = MlflowServer::start(&python, &signature, 1)
        .unwrap_or_else(|why| panic!("MLflow's scoring server did not start: {why}"));
    let ours = Running::start(serve::router(
        model,
        ServeOptions::new().with_mode(Mode::MlflowServing),
    ));
    Some((mlflow, ours))
}

#[test]
fn status_and_error_code_match_mlflows_scoring_server() {
    let Some((mlflow, ours)) = both_servers(LinearHousePrice) else {
        return;
    };

    let mut differences = Vec::new();
    for (content_type, body) in BODIES {
        let theirs = invoke(mlflow.address, content_type, body);
        let mine = invoke(ours.address, content_type, body);
        if verdict(&theirs) != verdict(&mine) {
            differences.push(format!(
                "{content_type} {body}\n  MLflow: {:?} {}\n  ours:   {:?} {}",
                verdict(&theirs),
                theirs.body.chars().take(300).collect::<String>(),
                verdict(&mine),
                mine.body.chars().take(300).collect::<String>()
            ));
        }
        // Good bodies: the same predictions too.
        if theirs.status == 200 && mine.status == 200 {
            assert_eq!(mine.json(), theirs.json(), "{body}");
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} bodies answered differently:\n{}",
        differences.len(),
        BODIES.len(),
        differences.join("\n")
    );
    // The gateway in front of MLflow's server: good bodies come back byte for byte as MLflow
    // answers them; bad ones are answered by the gateway with MLflow's status and code.
    let signature = SignedModel::new(LinearHousePrice).signature().clone();
    let gateway = Running::start(
        serve::gateway(
            &signature,
            &format!("http://{}", mlflow.address),
            ServeOptions::new().with_mode(Mode::MlflowServing),
        )
        .unwrap(),
    );
    for (content_type, body) in BODIES {
        let theirs = invoke(mlflow.address, content_type, body);
        let through = invoke(gateway.address, content_type, body);
        if theirs.status == 200 {
            assert_eq!(
                (through.status, &through.body),
                (200, &theirs.body),
                "{body}"
            );
        } else {
            assert_eq!(verdict(&through), verdict(&theirs), "{content_type} {body}");
        }
    }
    // The other endpoints MLflow has.
    for path in ["/ping", "/health"] {
        let theirs = signature_tests::http::get(mlflow.address, path);
        let mine = signature_tests::http::get(ours.address, path);
        assert_eq!(
            (mine.status, mine.body),
            (theirs.status, theirs.body),
            "{path}"
        );
    }
}

/// The row of the scalar-casts model with one column's value replaced (`None`: as is).
fn scalar_row(column: Option<(&str, &str)>) -> Vec<(&'static str, String)> {
    [
        ("boolean", "true"),
        ("integer", "2"),
        ("long", "3"),
        ("float", "0.5"),
        ("double", "1500.0"),
        ("string", r#""house""#),
        ("datetime", r#""2024-05-01T10:00:00""#),
    ]
    .into_iter()
    .map(|(name, value)| match column {
        Some((cast, given)) if cast == name => (name, given.to_owned()),
        _ => (name, value.to_owned()),
    })
    .collect()
}

/// Each value MLflow's server casts (and a few it refuses), one per body, for each scalar type
/// but `binary`: (column, JSON value).
const CASTS: &[(&str, &str)] = &[
    ("boolean", "1"),
    ("boolean", "0"),
    ("boolean", r#""yes""#),
    ("boolean", "null"),
    ("integer", r#""7""#),
    ("integer", "2.9"),
    ("integer", "true"),
    ("integer", r#""x""#),
    ("long", r#""-12""#),
    ("long", "3.0"),
    ("long", "-3.7"),
    ("long", "false"),
    ("long", "null"),
    ("float", r#""0.25""#),
    ("float", "2"),
    ("float", "true"),
    ("double", r#""1500""#),
    ("double", r#"" 1e3 ""#),
    ("double", "7"),
    ("double", "false"),
    ("double", r#""abc""#),
    ("string", "7"),
    ("string", "1.5"),
    ("string", "true"),
    ("string", "null"),
    ("datetime", "0"),
    ("datetime", r#""""#),
    ("datetime", r#""2024""#),
    ("datetime", r#""2024-05""#),
    ("datetime", r#""2024-05-01T10:00:00+02:00""#),
];

/// Where our answer differs, on purpose or as a known gap (docs/mlflow-differences.md): the
/// cast, the formats (indices into [`scalar_bodies`]), MLflow's verdict and ours.
type Known = (
    (&'static str, &'static str),
    &'static [usize],
    (u16, Option<&'static str>),
    (u16, Option<&'static str>),
);
const KNOWN: &[Known] = &[
    // MLflow hands the model `None` (a null in a `string` column) or `NaT` (an empty datetime
    // string); a Rust `String` or `NaiveDateTime` cannot hold it: `Option<_>` fields can.
    (
        ("string", "null"),
        &[0, 1],
        (200, None),
        (400, Some("INVALID_PARAMETER_VALUE")),
    ),
    (
        ("datetime", r#""""#),
        &[0, 1, 2, 3],
        (200, None),
        (400, Some("INVALID_PARAMETER_VALUE")),
    ),
    // pandas reads the offset, and MLflow's enforcement refuses the timezone-aware column;
    // our check refuses the value itself, as a value pandas cannot cast.
    (
        ("datetime", r#""2024-05-01T10:00:00+02:00""#),
        &[0, 1],
        (400, Some("INVALID_PARAMETER_VALUE")),
        (400, Some("BAD_REQUEST")),
    ),
];

/// The scalar-casts row in each JSON format.
fn scalar_bodies(row: &[(&str, String)]) -> [String; 4] {
    let names: Vec<String> = row.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let values: Vec<&str> = row.iter().map(|(_, v)| v.as_str()).collect();
    let record: Vec<String> = row.iter().map(|(n, v)| format!("\"{n}\": {v}")).collect();
    let columns: Vec<String> = row.iter().map(|(n, v)| format!("\"{n}\": [{v}]")).collect();
    [
        format!(
            r#"{{"dataframe_split": {{"columns": [{}], "data": [[{}]]}}}}"#,
            names.join(", "),
            values.join(", ")
        ),
        format!(r#"{{"dataframe_records": [{{{}}}]}}"#, record.join(", ")),
        format!(r#"{{"inputs": [{{{}}}]}}"#, record.join(", ")),
        format!(r#"{{"inputs": {{{}}}}}"#, columns.join(", ")),
    ]
}

#[test]
fn typed_rows_receive_mlflows_casts_of_every_scalar_type() {
    let Some((mlflow, ours)) = both_servers(ScalarsEcho) else {
        return;
    };
    let mut differences = Vec::new();
    let mut served = 0;
    for cast in std::iter::once(None).chain(CASTS.iter().copied().map(Some)) {
        for (format, body) in scalar_bodies(&scalar_row(cast)).into_iter().enumerate() {
            let theirs = invoke(mlflow.address, JSON, &body);
            let mine = invoke(ours.address, JSON, &body);
            let known = KNOWN
                .iter()
                .find(|(known, formats, ..)| Some(*known) == cast && formats.contains(&format));
            if let Some((_, _, expected_theirs, expected_mine)) = known {
                let as_known =
                    |(status, code): &(u16, Option<&str>)| (*status, code.map(str::to_owned));
                assert_eq!(
                    (verdict(&theirs), verdict(&mine)),
                    (as_known(expected_theirs), as_known(expected_mine)),
                    "a known difference changed: {body}"
                );
                continue;
            }
            let same_status = verdict(&theirs) == verdict(&mine);
            // Both answered: the model received the same values.
            let same_values =
                !(theirs.status == 200 && mine.status == 200) || mine.json() == theirs.json();
            served += usize::from(mine.status == 200);
            if !same_status || !same_values {
                differences.push(format!(
                    "{body}\n  MLflow: {:?} {}\n  ours:   {:?} {}",
                    verdict(&theirs),
                    theirs.body.chars().take(300).collect::<String>(),
                    verdict(&mine),
                    mine.body.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} bodies answered differently:\n{}",
        differences.len(),
        differences.join("\n")
    );
    // Most casts are served: the comparison is not one of refusals alone.
    assert!(served > 2 * CASTS.len(), "{served} bodies served");
}
