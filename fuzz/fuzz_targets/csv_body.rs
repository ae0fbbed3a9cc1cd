//! Fuzzes the scoring server's `text/csv` bodies through its public router, in process: the
//! first byte picks the model's input type, the mode, the extra-column policy, the
//! `Content-Type`, the body limit and the report's detail; the rest is the body, POSTed to
//! `/invocations`. Any panic, hang or runaway allocation is a bug; so is an answer other than
//! 200, 400, 413 or 415 and where it belongs, a 400 that is not MLflow's error JSON, or an
//! accepted body whose rows reach the model other than as the CSV says.
//!
//! Selector bits: 0–1 the input type (two columns; every scalar type, optional; every scalar
//! type, required: typed models; 1,000 columns: the gateway, whose accepted bodies are
//! answered 502 by the missing upstream), 2 the mode (Strict, MlflowServing), 3 extra columns
//! (ignored, rejected), 4–5 the `Content-Type` (three spellings of CSV in UTF-8, and latin-1,
//! which is 415), 6 the body limit (16 MiB, 256 bytes), 7 full reports.
#![no_main]

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use signature_runtime::derived::TypeDescription;
use signature_runtime::model::{Model, NoParams, SignedModel};
use signature_runtime::serve::{self, ServeOptions};
use signature_runtime::{
    ColSpec, DataType, ExtraColumns, Mode, ModelSignature, Schema, Signature, SignatureType,
};
use tower::ServiceExt;

#[derive(Serialize, Deserialize, Signature)]
struct House {
    sqft: f64,
    bedrooms: i64,
}

/// A `datetime` column's text as sent. Not chrono's `NaiveDateTime`: its serde reads only the
/// `T`-separated form, while MLflow's datetimes (and so the check) also take `2024-01-02
/// 03:04:05` (a known difference, listed by `tests/check_serde_equivalence.rs`), so the first
/// run stopped at once on a seed's decode failure, which would hide any other.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct DatetimeText(String);

impl SignatureType for DatetimeText {
    const TYPE: TypeDescription = TypeDescription::Data(DataType::Datetime);
}

#[derive(Serialize, Deserialize, Signature)]
struct EveryScalarOptional {
    string: Option<String>,
    double: Option<f64>,
    float: Option<f32>,
    long: Option<i64>,
    integer: Option<i32>,
    boolean: Option<bool>,
    datetime: Option<DatetimeText>,
    binary: Option<serde_bytes::ByteBuf>,
}

#[derive(Serialize, Deserialize, Signature)]
struct EveryScalar {
    string: String,
    double: f64,
    float: f32,
    long: i64,
    integer: i32,
    boolean: bool,
    datetime: DatetimeText,
    binary: serde_bytes::ByteBuf,
}

/// 1,000 scalar columns `c000`..`c999`, typed in turn `double`, `long`, `string`, optional
/// `integer`, optional `boolean`: CSV can carry every one of them. Served by the gateway, as a
/// derived struct of 1,000 fields took rustc over a quarter of an hour in the fuzz build.
fn wide_signature() -> ModelSignature {
    let types = [
        DataType::Double,
        DataType::Long,
        DataType::String,
        DataType::Integer,
        DataType::Boolean,
    ];
    let columns = (0..1000)
        .map(|k| {
            let column = ColSpec::new(format!("c{k:03}"), types[k % 5]);
            if k % 5 >= 3 {
                column.optional()
            } else {
                column
            }
        })
        .collect();
    ModelSignature::new(Some(Schema::from_columns(columns).unwrap()), None, None).unwrap()
}

/// Where the gateway forwards what it accepts: nothing listens there, so an accepted body is
/// answered 502 at once.
const NO_UPSTREAM: &str = "http://127.0.0.1:1";

#[derive(Serialize, Signature)]
struct Seen {
    row: i64,
}

/// The rows of the last request the model ran on, as serde writes them back.
static SEEN: Mutex<Option<Vec<Value>>> = Mutex::new(None);

/// A model that keeps the rows it is given and answers one output row per input row.
struct Recorder<I>(PhantomData<fn() -> I>);

impl<I: Signature + DeserializeOwned + Serialize> Model for Recorder<I> {
    type Input = I;
    type Output = Seen;
    type Params = NoParams;
    type Error = std::convert::Infallible;

    fn predict(&self, rows: Vec<I>, _: &NoParams) -> Result<Vec<Seen>, Self::Error> {
        let seen: Vec<Value> = rows
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        *SEEN.lock().unwrap() = Some(seen);
        Ok((0..rows.len() as i64).map(|row| Seen { row }).collect())
    }
}

const CONTENT_TYPES: [&str; 4] = [
    "text/csv",
    "text/csv; charset=utf-8",
    "text/csv;charset=UTF-8",
    "text/csv; charset=latin-1",
];
const SMALL_LIMIT: usize = 256;

/// A router for the selector's model and options, with each input column's name and scalar
/// type (for the oracle below).
struct Server {
    router: Router,
    columns: Vec<(String, Option<DataType>)>,
    /// A gateway, which forwards what it accepts (to [`NO_UPSTREAM`]) instead of running a
    /// model.
    gateway: bool,
}

fn columns_of(signature: &ModelSignature) -> Vec<(String, Option<DataType>)> {
    signature
        .inputs()
        .and_then(|s| s.columns())
        .unwrap()
        .iter()
        .map(|c| {
            let name = c.name().and_then(|n| n.as_str()).unwrap().to_owned();
            (name, c.ty().as_data_type())
        })
        .collect()
}

fn server_for<I>(options: ServeOptions) -> Server
where
    I: Signature + DeserializeOwned + Serialize + 'static,
{
    let model = SignedModel::new(Recorder::<I>(PhantomData));
    Server {
        columns: columns_of(model.signature()),
        router: serve::router(model, options),
        gateway: false,
    }
}

fn server(selector: u8) -> &'static Server {
    static SERVERS: OnceLock<Mutex<HashMap<u8, &'static Server>>> = OnceLock::new();
    // The content type is per request; the rest of the selector decides the server.
    let key = selector & !0b11_0000;
    let mut servers = SERVERS.get_or_init(Default::default).lock().unwrap();
    let built = *servers.entry(key).or_insert_with(|| {
        let mode = if selector & 4 == 0 {
            Mode::Strict
        } else {
            Mode::MlflowServing
        };
        let extra = if selector & 8 == 0 {
            ExtraColumns::Ignore
        } else {
            ExtraColumns::Reject
        };
        let mut options = ServeOptions::new()
            .with_mode(mode)
            .with_extra_columns(extra)
            .with_full_reports(selector & 0x80 != 0);
        if selector & 0x40 != 0 {
            options = options.with_max_body_bytes(SMALL_LIMIT);
        }
        Box::leak(Box::new(match selector & 3 {
            0 => server_for::<House>(options),
            1 => server_for::<EveryScalarOptional>(options),
            2 => server_for::<EveryScalar>(options),
            _ => {
                let signature = wide_signature();
                Server {
                    columns: columns_of(&signature),
                    router: serve::gateway(&signature, NO_UPSTREAM, options).unwrap(),
                    gateway: true,
                }
            }
        }))
    });
    built
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The records of a CSV text as the reader documents them (RFC 4180: `,` between fields,
/// `\n` or `\r\n` between records, a field opening with `"` quoted until a lone `"`, `""` a
/// quote inside it; records with nothing in them skipped), or `None` when a quoted field is
/// never closed. Written apart from the reader, as the oracle it is checked against.
fn records(text: &str) -> Option<Vec<Vec<String>>> {
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    let mut in_quotes = false;
    let mut i = 0;
    let finish = |record: &mut Vec<String>, field: &mut Vec<u8>, records: &mut Vec<_>| {
        let last = String::from_utf8(std::mem::take(field)).unwrap();
        if !(record.is_empty() && last.is_empty()) {
            record.push(last);
            records.push(std::mem::take(record));
        }
    };
    while i < bytes.len() {
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        i += 1;
        if in_quotes {
            match (byte, next) {
                (b'"', Some(b'"')) => {
                    field.push(b'"');
                    i += 1;
                }
                (b'"', _) => in_quotes = false,
                _ => field.push(byte),
            }
            continue;
        }
        match (byte, next) {
            (b'"', _) if field.is_empty() => in_quotes = true,
            (b',', _) => record.push(String::from_utf8(std::mem::take(&mut field)).unwrap()),
            (b'\n', _) => finish(&mut record, &mut field, &mut records),
            (b'\r', Some(b'\n')) => {}
            _ => field.push(byte),
        }
    }
    if in_quotes {
        return None;
    }
    finish(&mut record, &mut field, &mut records);
    Some(records)
}

/// What a Strict server's model must see for `cell` of a column of type `ty`: `Some(value)`,
/// or `None` when Strict must refuse the cell (or the type is one the oracle leaves alone).
fn strict_value(cell: &str, ty: DataType) -> Option<Value> {
    if cell.is_empty() {
        return Some(Value::Null);
    }
    let trimmed = cell.trim();
    match ty {
        DataType::String => Some(Value::String(cell.to_owned())),
        DataType::Long | DataType::Integer => trimmed.parse::<i64>().ok().map(Value::from),
        DataType::Double | DataType::Float => match trimmed.parse::<f64>() {
            Ok(value) if value.is_nan() => Some(Value::Null),
            Ok(value) if value.is_finite() => Some(if ty == DataType::Float {
                Value::from(value as f32)
            } else {
                Value::from(value)
            }),
            _ => None,
        },
        DataType::Boolean => match trimmed {
            "True" | "TRUE" | "true" => Some(Value::Bool(true)),
            "False" | "FALSE" | "false" => Some(Value::Bool(false)),
            _ => None,
        },
        DataType::Datetime | DataType::Binary => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let server = server(selector);
    let router = server.router.clone();
    let strict = selector & 4 == 0;
    let limit = if selector & 0x40 != 0 {
        SMALL_LIMIT
    } else {
        16 * 1024 * 1024
    };
    let content_type = CONTENT_TYPES[usize::from(selector >> 4 & 3)];
    *SEEN.lock().unwrap() = None;
    let request = Request::post("/invocations")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_vec()))
        .unwrap();
    let (status, answer) = runtime().block_on(async move {
        let response = router.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let answer = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, answer)
    });
    let seen = SEEN.lock().unwrap().take();

    if content_type.ends_with("latin-1") {
        assert_eq!(status, 415);
        assert!(seen.is_none());
        return;
    }
    if body.len() > limit {
        assert_eq!(status, 413);
        assert!(seen.is_none());
        return;
    }
    let text = std::str::from_utf8(body).ok();
    let text = text.map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
    let parsed = text.and_then(records).filter(|r| !r.is_empty());
    let answer: Value = serde_json::from_slice(&answer)
        .unwrap_or_else(|e| panic!("a {status} answer that is not JSON ({e})"));
    match status {
        400 => {
            assert!(seen.is_none(), "the model ran on a refused body");
            let code = answer["error_code"].as_str().unwrap();
            assert!(
                ["BAD_REQUEST", "INVALID_PARAMETER_VALUE"].contains(&code),
                "{answer}"
            );
            assert!(!answer["message"].as_str().unwrap().is_empty());
            if parsed.is_none() {
                assert_eq!(code, "BAD_REQUEST", "{answer}");
            }
            if strict {
                // The Strict check is made for the input type: what it accepts decodes.
                assert!(
                    !answer["message"]
                        .as_str()
                        .unwrap()
                        .contains("does not decode"),
                    "{answer}"
                );
            }
        }
        200 if !server.gateway => {
            let records = parsed.expect("a body that is not CSV was accepted");
            let seen = seen.expect("a 200 without the model");
            let predictions = answer["predictions"].as_array().unwrap();
            let (header, rows) = records.split_first().unwrap();
            assert_eq!(seen.len(), rows.len());
            assert_eq!(predictions.len(), rows.len());
            if !strict {
                // The MLflow modes cast as MLflow casts: the rows are the casts' business.
                return;
            }
            for (name, ty) in &server.columns {
                let Some(ty) = *ty else { continue };
                let mut places = header.iter().enumerate().filter(|(_, h)| *h == name);
                let (Some((place, _)), None) = (places.next(), places.next()) else {
                    continue;
                };
                for (row, (record, value)) in rows.iter().zip(&seen).enumerate() {
                    let cell = record.get(place).map_or("", String::as_str);
                    let Some(expected) = strict_value(cell, ty) else {
                        assert!(
                            matches!(ty, DataType::Datetime | DataType::Binary),
                            "Strict accepted {cell:?} for {name} ({ty:?}) in row {row}"
                        );
                        continue;
                    };
                    assert_eq!(
                        value[name.as_str()],
                        expected,
                        "{name} in row {row}: {cell:?}"
                    );
                }
            }
        }
        502 if server.gateway => {
            // Accepted, and forwarded to no one.
            assert_eq!(answer["error_code"], "TEMPORARILY_UNAVAILABLE", "{answer}");
            assert!(parsed.is_some_and(|records| !records.is_empty()));
        }
        _ => panic!("status {status}: {answer}"),
    }
});
