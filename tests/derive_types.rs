//! `#[derive(Signature)]` on one type per row of the type mapping, each checked against a
//! committed snapshot of the MLflow JSON it gives (`snapshots/derive/<name>.json`: the
//! signature dict, inputs from the deserialize view, outputs from the serialize view).
//!
//! Rewrite the snapshots with `SNAPSHOTS=overwrite cargo test -p signature-tests --test
//! derive_types`, then review the diff.
#![allow(dead_code)] // The structs exist for their schemas; nothing reads their fields.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::num::NonZero;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};
use serde::{Deserialize, Serialize};
use signature_runtime::derived::{Description, View};
use signature_runtime::{ModelSignature, Params, Signature, SignatureType};

/// The signature dict of `T` as input and output, compared with (or written to) its snapshot.
fn snapshot<T: Signature>(name: &str) {
    let signature = ModelSignature::new(Some(T::input_schema()), Some(T::output_schema()), None)
        .expect("a signature with inputs");
    compare_snapshot(name, &signature.to_dict().to_json());
}

fn compare_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots/derive")
        .join(format!("{name}.json"));
    if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
        std::fs::write(&path, format!("{actual}\n")).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with SNAPSHOTS=overwrite to create it",
            path.display()
        )
    });
    assert_eq!(
        expected.trim_end(),
        actual,
        "{name}: the derived signature changed; if on purpose, rerun with SNAPSHOTS=overwrite"
    );
}

// ---------------------------------------------------------------------------------------------
// The house-price walkthrough.

#[derive(Serialize, Deserialize, Signature)]
struct HouseFeatures {
    sqft: f64,
    bedrooms: i64,
}

#[derive(Serialize, Deserialize, Signature)]
struct Prediction {
    price: f64,
}

#[test]
fn house_price_is_mlflows_exact_json() {
    assert_eq!(
        HouseFeatures::schema().to_json(),
        r#"[{"type": "double", "name": "sqft", "required": true}, {"type": "long", "name": "bedrooms", "required": true}]"#
    );
    assert_eq!(
        Prediction::output_schema().to_json(),
        r#"[{"type": "double", "name": "price", "required": true}]"#
    );
    let signature = ModelSignature::of::<HouseFeatures, Prediction>();
    assert_eq!(
        signature.to_dict().to_json(),
        r#"{"inputs": "[{\"type\": \"double\", \"name\": \"sqft\", \"required\": true}, {\"type\": \"long\", \"name\": \"bedrooms\", \"required\": true}]", "outputs": "[{\"type\": \"double\", \"name\": \"price\", \"required\": true}]", "params": null}"#
    );
    snapshot::<HouseFeatures>("house_features");
    snapshot::<Prediction>("prediction");
}

/// The description is a constant: usable in const contexts, free at run time.
const HOUSE: Description = HouseFeatures::DESCRIPTION;
const HOUSE_COLUMNS: usize = HOUSE.entries(View::Input).len();

#[test]
fn the_description_is_a_const() {
    assert_eq!(HOUSE_COLUMNS, 2);
    assert_eq!(HOUSE.type_name, "HouseFeatures");
}

// ---------------------------------------------------------------------------------------------
// Scalars.

#[derive(Signature)]
struct Integers {
    a: i8,
    b: i16,
    c: i32,
    d: u8,
    e: u16,
    f: i64,
    g: isize,
    h: u32,
    nonzero: NonZero<u32>,
}

#[derive(Signature)]
struct FloatsAndBooleans {
    single: f32,
    double: f64,
    flag: bool,
}

#[derive(Signature)]
struct Strings<'a> {
    owned: String,
    borrowed: &'a str,
    cow: Cow<'a, str>,
    boxed: Box<str>,
    shared: Arc<str>,
    letter: char,
}

#[derive(Signature)]
struct Binary {
    buf: serde_bytes::ByteBuf,
    bytes: bytes::Bytes,
    #[signature(dtype = "binary")]
    raw: Vec<u8>,
    /// `Vec<u8>` is a list of numbers to serde_json, so it stays `array<integer>`.
    numbers: Vec<u8>,
}

#[derive(Signature)]
struct Datetimes {
    naive: chrono::NaiveDateTime,
    utc: chrono::DateTime<chrono::Utc>,
    fixed: chrono::DateTime<chrono::FixedOffset>,
    date: chrono::NaiveDate,
    time_offset: time::OffsetDateTime,
    time_primitive: time::PrimitiveDateTime,
    time_date: time::Date,
}

#[derive(Signature)]
struct Overrides {
    #[signature(dtype = "long")]
    id: u64,
    #[signature(dtype = "long")]
    count: usize,
    #[signature(dtype = "string")]
    big: i128,
    #[signature(dtype = "array<long>")]
    ids: Vec<u64>,
    #[signature(dtype = "map<double>")]
    weights: BTreeMap<u64, f64>,
    #[signature(dtype = "long")]
    maybe: Option<u64>,
    #[signature(dtype = "any")]
    anything: (i32, String),
}

#[test]
fn scalars() {
    snapshot::<Integers>("integers");
    snapshot::<FloatsAndBooleans>("floats_and_booleans");
    snapshot::<Strings<'_>>("strings");
    snapshot::<Binary>("binary");
    snapshot::<Datetimes>("datetimes");
    snapshot::<Overrides>("dtype_overrides");
}

// ---------------------------------------------------------------------------------------------
// Optional columns.

#[derive(Serialize, Deserialize, Signature)]
struct Optionals {
    maybe: Option<i64>,
    #[serde(default)]
    defaulted: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted_when_none: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    omitted_when_empty: String,
    #[signature(required)]
    forced_required: Option<String>,
    #[signature(optional)]
    forced_optional: f64,
}

#[derive(Serialize, Deserialize, Signature)]
#[serde(default)]
struct ContainerDefault {
    a: i64,
    b: String,
}

impl Default for ContainerDefault {
    fn default() -> Self {
        ContainerDefault {
            a: 1,
            b: String::new(),
        }
    }
}

#[test]
fn optional_columns() {
    snapshot::<Optionals>("optionals");
    snapshot::<ContainerDefault>("container_default");
}

// ---------------------------------------------------------------------------------------------
// Arrays, maps, objects, any.

#[derive(Signature)]
struct Collections {
    vec: Vec<f64>,
    array: [i32; 3],
    deque: VecDeque<String>,
    hash_set: HashSet<i64>,
    btree_set: BTreeSet<String>,
    index_set: IndexSet<bool>,
    boxed_slice: Box<[f32]>,
    nested: Vec<Vec<i64>>,
    of_options: Vec<Option<i64>>,
}

#[derive(Signature)]
struct Maps {
    hash: HashMap<String, f64>,
    btree: BTreeMap<String, Vec<i64>>,
    index: IndexMap<String, bool>,
    boxed_keys: BTreeMap<Box<str>, String>,
    nested: HashMap<String, HashMap<String, i32>>,
}

#[derive(Serialize, Deserialize, Signature)]
struct Customer {
    name: String,
    zip: Option<String>,
    age: i32,
}

#[derive(Serialize, Deserialize, Signature)]
struct LineItem {
    sku: String,
    quantity: i32,
    tags: Vec<String>,
}

#[derive(Serialize, Deserialize, Signature)]
struct Order {
    id: i64,
    customer: Customer,
    items: Vec<LineItem>,
    by_sku: BTreeMap<String, LineItem>,
    note: Option<Customer>,
}

#[derive(Signature)]
struct Anything {
    value: serde_json::Value,
    values: Vec<serde_json::Value>,
    object: serde_json::Map<String, serde_json::Value>,
}

#[derive(Signature)]
struct SmartPointers {
    boxed: Box<f64>,
    shared: Arc<i32>,
    counted: Rc<String>,
    boxed_struct: Box<Customer>,
    reference: &'static bool,
}

#[test]
fn composite_columns() {
    snapshot::<Collections>("collections");
    snapshot::<Maps>("maps");
    snapshot::<Order>("nested_objects");
    snapshot::<Anything>("any");
    snapshot::<SmartPointers>("smart_pointers");
}

// ---------------------------------------------------------------------------------------------
// Struct shapes: generics, tuples, newtypes, enums, transparent.

#[derive(Signature)]
struct Wrapper<T> {
    value: T,
    values: Vec<T>,
    #[serde(skip)]
    unrelated: std::marker::PhantomData<fn() -> T>,
}

#[derive(Signature)]
struct Positional(f64, i64, String);

#[derive(Serialize, Deserialize, Signature)]
struct Meters(f64);

#[derive(Serialize, Deserialize, Signature)]
#[serde(rename_all = "snake_case")]
enum Color {
    Red,
    DarkGreen,
}

#[derive(Serialize, Deserialize, Signature)]
#[serde(transparent)]
struct UserId {
    id: i64,
}

#[derive(Serialize, Deserialize, Signature)]
struct Shapes {
    distance: Meters,
    color: Color,
    user: UserId,
    optional_distance: Option<Meters>,
}

#[test]
fn struct_shapes() {
    snapshot::<Wrapper<f64>>("generic");
    snapshot::<Positional>("positional");
    snapshot::<Meters>("newtype");
    snapshot::<Shapes>("newtypes_enums_transparent");
    assert_eq!(
        Color::TYPE,
        signature_runtime::derived::TypeDescription::Data(signature_runtime::DataType::String)
    );
}

// ---------------------------------------------------------------------------------------------
// serde attributes.

#[derive(Serialize, Deserialize, Signature)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    first_name: String,
    #[serde(rename = "SURNAME")]
    last_name: String,
    #[serde(rename(deserialize = "in_only", serialize = "out_only"))]
    direction: i32,
    #[signature(rename = "ours_wins")]
    #[serde(rename = "serde_loses")]
    both: bool,
    r#type: String,
}

#[derive(Serialize, Deserialize, Signature)]
#[serde(rename_all(deserialize = "SCREAMING_SNAKE_CASE", serialize = "kebab-case"))]
struct RenamedByDirection {
    some_field: i64,
}

#[derive(Serialize, Deserialize, Signature, Default)]
struct Skips {
    kept: i64,
    #[serde(skip)]
    skipped: i64,
    #[serde(skip_serializing)]
    input_only: String,
    #[serde(skip_deserializing)]
    output_only: String,
    #[signature(skip)]
    ours: HashMap<u64, u64>,
}

#[derive(Serialize, Deserialize, Signature)]
struct Innermost {
    z: bool,
}

#[derive(Serialize, Deserialize, Signature)]
struct Middle {
    y: f32,
    #[serde(flatten)]
    innermost: Innermost,
}

#[derive(Serialize, Deserialize, Signature)]
struct Flattened {
    a: i64,
    #[serde(flatten)]
    middle: Middle,
    b: String,
}

#[derive(Serialize, Deserialize, Signature)]
struct HoldsFlattened {
    nested: Flattened,
}

#[test]
fn serde_attributes() {
    snapshot::<Renamed>("renamed");
    snapshot::<RenamedByDirection>("renamed_by_direction");
    snapshot::<Skips>("skips");
    snapshot::<Flattened>("flattened");
    snapshot::<HoldsFlattened>("object_with_flattened_properties");
}

// ---------------------------------------------------------------------------------------------
// Tensors.

#[derive(Signature)]
struct Digits {
    #[signature(tensor(shape = [-1, 28, 28]))]
    image: Vec<[[f32; 28]; 28]>,
    #[signature(tensor(shape = [-1]))]
    label: Vec<u8>,
    #[signature(tensor(shape = [-1, 3]))]
    embedding: Vec<Vec<f64>>,
}

#[derive(Signature)]
struct Batch(#[signature(tensor(shape = [-1, 4]))] Vec<[u64; 4]>);

#[derive(Signature)]
struct NdTensors {
    #[signature(tensor(shape = [-1, 3]))]
    matrix: ndarray::Array2<f64>,
    #[signature(tensor(shape = [-1, 2, 2]))]
    any_rank: ndarray::ArrayD<i16>,
    #[signature(tensor(shape = [5]))]
    strings: Vec<String>,
}

#[test]
fn tensors() {
    snapshot::<Digits>("tensors");
    snapshot::<Batch>("positional_tensor");
    snapshot::<NdTensors>("ndarray_tensors");
}

// ---------------------------------------------------------------------------------------------
// Params and whole signatures.

#[derive(Params, Default)]
struct Generation {
    #[param(default = 0.7)]
    temperature: f64,
    #[param(default = 0.5f32)]
    top_p: f32,
    max_tokens: i64,
    #[param(default = 3)]
    beams: i32,
    #[param(default = "greedy")]
    strategy: String,
    #[param(default = vec!["\n".to_owned()])]
    stop: Vec<String>,
    seed: Option<i64>,
    #[param(default = true)]
    stream: bool,
    #[param(default = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())]
    as_of: chrono::NaiveDate,
    #[serde(rename = "renamedBySerde")]
    renamed: i64,
    #[param(skip)]
    skipped: Vec<Vec<u64>>,
}

#[test]
fn params() {
    compare_snapshot("params", &Generation::param_schema().to_json());
    let signature = ModelSignature::with_params::<HouseFeatures, Prediction, Generation>();
    compare_snapshot("with_params", &signature.to_dict().to_json());
}
