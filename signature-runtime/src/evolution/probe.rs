//! Asking the checker: probe values in every body format, checked against one-column schemas
//! of the old and the new type, and whole witness bodies checked against the real schemas.

use std::collections::HashMap;

use serde_json::{Map as JsonMap, Value, json};

use crate::check::{CheckOptions, JsonChecker};
use crate::types::{
    Array, ColSpec, ColumnName, ColumnType, DataType, Map, NumpyDtype, Object, Property, Schema,
    SchemaInputs, TensorSpec,
};

/// How many tensor elements a witness may hold: a `[-1, 224, 224, 3]` image is reported
/// without a witness rather than as a 150,000-element body.
const MAX_TENSOR_ELEMENTS: usize = 4096;

/// How many sample values an object type gives at most (they grow with its optional
/// properties).
const MAX_OBJECT_SAMPLES: usize = 32;

/// How many cells of whole witness bodies one comparison checks at most: a witness is a body
/// of every required column, so witnesses for every column of a wide schema cost the square of
/// its width. Past the budget, findings are still made, without a witness.
const WITNESS_CELL_BUDGET: usize = 1_000_000;

/// How many refused probes a type change keeps as witness candidates.
const MAX_REFUSED: usize = 12;

/// The body layouts a column can arrive in; each casts differently in the MLflow modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Format {
    Split,
    Records,
    InputsColumns,
    InputsRecords,
    Instances,
    /// `{"inputs": {"x": value}}`: one row of single values.
    InputsSingle,
}

impl Format {
    /// How messages name the layout.
    pub(super) fn name(self) -> &'static str {
        match self {
            Format::Split => "dataframe_split",
            Format::Records => "dataframe_records",
            Format::InputsColumns => "inputs (columns)",
            Format::InputsRecords => "inputs (records)",
            Format::Instances => "instances",
            Format::InputsSingle => "inputs (single values)",
        }
    }
}

const FORMATS: [Format; 6] = [
    Format::Records,
    Format::Split,
    Format::InputsColumns,
    Format::InputsRecords,
    Format::Instances,
    Format::InputsSingle,
];

/// One step from a column's type into a nested type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Items,
    Values,
    /// An object property, with whether the writer's object requires it.
    Property {
        name: String,
        required: bool,
    },
}

/// A column's values (one per row) in one body format: what a probe found.
#[derive(Clone, Debug)]
pub(super) struct Fragment {
    pub(super) format: Format,
    pub(super) values: Vec<Value>,
}

/// What probing a type change found.
#[derive(Clone, Debug, Default)]
pub(super) struct TypeOutcome {
    /// Values the writer's type accepts and the reader's refuses: a few, ordinary values
    /// first, since a witness needs one that also fits a whole body.
    pub(super) refused: Vec<Fragment>,
    /// Values the writer's type accepts cleanly and the reader's accepts with a warning.
    pub(super) cast: Option<Fragment>,
}

/// Where a witness puts a value: a named column or a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Key {
    Name(ColumnName),
    Index(usize),
}

/// The checker, with caches: a signature pair asks about the same type change many times.
pub(super) struct Prober {
    options: CheckOptions,
    types: HashMap<String, TypeOutcome>,
    dtypes: HashMap<String, TypeOutcome>,
    column_samples: HashMap<String, Option<Value>>,
    elements: HashMap<String, Option<Value>>,
    /// What is left of [`WITNESS_CELL_BUDGET`].
    witness_cells: usize,
}

impl Prober {
    pub(super) fn new(options: &CheckOptions) -> Self {
        Prober {
            // Probes need a verdict, not a full list of problems.
            options: options.clone().with_max_problems(1),
            types: HashMap::new(),
            dtypes: HashMap::new(),
            column_samples: HashMap::new(),
            elements: HashMap::new(),
            witness_cells: WITNESS_CELL_BUDGET,
        }
    }

    /// `Some(warnings)` when the schema accepts the body, `None` when it refuses it.
    fn accepts(&self, schema: &Schema, body: &Value) -> Option<u64> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let report = JsonChecker::for_schema(schema)
            .with_options(self.options.clone())
            .check(&bytes);
        report.is_valid().then(|| report.warning_count())
    }

    /// Whether the writer accepts the whole `body` and the reader refuses it; false once the
    /// witness budget is spent.
    pub(super) fn shows_break(&mut self, writer: &Schema, reader: &Schema, body: &Value) -> bool {
        let cells = writer.len().max(1) * body_rows(body);
        if cells > self.witness_cells {
            self.witness_cells = 0;
            return false;
        }
        self.witness_cells -= cells;
        self.accepts(writer, body).is_some() && self.accepts(reader, body).is_none()
    }

    /// Probes a type change at `steps` inside a column: the writer's and reader's leaf types,
    /// each wrapped in the nesting `steps` describe (other properties left out).
    pub(super) fn compare_types(
        &mut self,
        steps: &[Step],
        writer: &ColumnType,
        reader: &ColumnType,
        required: bool,
    ) -> TypeOutcome {
        let key = format!("{steps:?}|{writer:?}|{reader:?}|{required}");
        if let Some(outcome) = self.types.get(&key) {
            return outcome.clone();
        }
        let column = |leaf: &ColumnType| {
            let ty = wrap_type(steps, leaf.clone());
            let spec = ColSpec::new("x", ty).with_required(required);
            Schema::from_columns(vec![spec]).expect("one named column")
        };
        let (writer_schema, reader_schema) = (column(writer), column(reader));
        let mut probes: Vec<Vec<Value>> = samples(writer).into_iter().map(|v| vec![v]).collect();
        probes.extend(samples(reader).into_iter().map(|v| vec![v]));
        probes.extend(scalar_probes());
        let cases = probes.into_iter().flat_map(|leaf_values| {
            let values: Vec<Value> = leaf_values.iter().map(|v| wrap_value(steps, v)).collect();
            FORMATS.into_iter().filter_map(move |format| {
                let name = ColumnName::from("x");
                let body = column_body(format, values.len(), &[(&name, &values)])?;
                Some((format, leaf_values.clone(), body))
            })
        });
        let outcome = self.run_probes(&writer_schema, &reader_schema, cases);
        self.types.insert(key, outcome.clone());
        outcome
    }

    /// Checks each probe body against both schemas: refused by the reader after the writer
    /// accepted it (a few kept), or accepted by both but with a warning only the reader gives.
    fn run_probes(
        &self,
        writer: &Schema,
        reader: &Schema,
        cases: impl IntoIterator<Item = (Format, Vec<Value>, Value)>,
    ) -> TypeOutcome {
        let mut outcome = TypeOutcome::default();
        for (format, values, body) in cases {
            let Some(writer_warnings) = self.accepts(writer, &body) else {
                continue;
            };
            match self.accepts(reader, &body) {
                None => {
                    outcome.refused.push(Fragment { format, values });
                    if outcome.refused.len() == MAX_REFUSED {
                        break;
                    }
                }
                Some(reader_warnings) if writer_warnings == 0 && reader_warnings > 0 => {
                    outcome.cast.get_or_insert(Fragment { format, values });
                }
                Some(_) => {}
            }
        }
        outcome
    }

    /// Probes a tensor dtype change with one-dimensional tensors of each dtype.
    pub(super) fn compare_dtypes(
        &mut self,
        writer: &NumpyDtype,
        reader: &NumpyDtype,
    ) -> TypeOutcome {
        let key = format!("{writer:?}|{reader:?}");
        if let Some(outcome) = self.dtypes.get(&key) {
            return outcome.clone();
        }
        // Shape (-1, 1), one element a row: MLflow lets anything through a tensor of dtype
        // `object` and shape (-1,) in particular (`pandas_rules::numpy::tensor_takes_anything`),
        // which would make every change to `object` look harmless; a tensor of any other shape
        // wants the dtype.
        let tensor = |dtype: &NumpyDtype| {
            Schema::from_tensors(vec![TensorSpec::unnamed(dtype.clone(), [-1, 1])])
                .expect("one unnamed tensor")
        };
        let (writer_schema, reader_schema) = (tensor(writer), tensor(reader));
        let cases = scalar_probes().into_iter().flat_map(|values| {
            let rows: Vec<Value> = values
                .iter()
                .map(|v| Value::Array(vec![v.clone()]))
                .collect();
            [Format::InputsColumns, Format::Instances].map(move |format| {
                let body = tensor_body(format, &[(None, Value::Array(rows.clone()))]);
                (format, values.clone(), body)
            })
        });
        let outcome = self.run_probes(&writer_schema, &reader_schema, cases);
        self.dtypes.insert(key, outcome.clone());
        outcome
    }

    /// A whole body in which the writer's column `key` holds `values` (one per row; `None`:
    /// the column is left out) and every other required column a value the writer accepts;
    /// returned when the writer's schema accepts it and the reader's refuses it.
    pub(super) fn column_witness(
        &mut self,
        writer: &Schema,
        reader: &Schema,
        key: &Key,
        candidates: &[(Option<Format>, Option<Vec<Value>>)],
    ) -> Option<String> {
        let columns = writer.columns()?;
        if self.witness_cells < columns.len() {
            return None;
        }
        let positional = !writer.has_input_names();
        for (preferred, values) in candidates {
            let rows = values.as_ref().map_or(1, Vec::len).max(1);
            let formats: Vec<Format> = if positional {
                vec![Format::Split]
            } else {
                preferred.iter().copied().chain(FORMATS).collect()
            };
            for format in formats {
                let mut filled: Vec<(ColumnName, Vec<Value>)> = Vec::new();
                let mut complete = true;
                for (index, column) in columns.iter().enumerate() {
                    let this = match (key, column.name()) {
                        (Key::Name(name), Some(column_name)) => name == column_name,
                        (Key::Index(at), _) => *at == index,
                        (Key::Name(_), None) => false,
                    };
                    let name = column
                        .name()
                        .cloned()
                        .unwrap_or(ColumnName::Int(index as i64));
                    if this {
                        if let Some(values) = values {
                            filled.push((name, values.clone()));
                        }
                    } else if column.required() || positional {
                        match self.column_sample(column, format, rows) {
                            Some(value) => filled.push((name, vec![value; rows])),
                            None => complete = false,
                        }
                    }
                }
                if !complete {
                    continue;
                }
                let body = if positional {
                    positional_body(rows, &filled)
                } else {
                    let refs: Vec<(&ColumnName, &Vec<Value>)> =
                        filled.iter().map(|(n, v)| (n, v)).collect();
                    column_body(format, rows, &refs)
                };
                if let Some(body) = body
                    && self.shows_break(writer, reader, &body)
                {
                    return Some(body.to_string());
                }
            }
        }
        None
    }

    /// A whole body of the writer's named columns with values each accepts alone, in every
    /// layout, one or two rows, with every column or the required ones only, that the writer's
    /// schema accepts and the reader's refuses.
    pub(super) fn layout_witness(&mut self, writer: &Schema, reader: &Schema) -> Option<String> {
        let columns = writer.columns()?;
        if self.witness_cells < columns.len() {
            return None;
        }
        for rows in [2, 1] {
            for format in FORMATS {
                for all in [true, false] {
                    let mut filled: Vec<(ColumnName, Vec<Value>)> = Vec::new();
                    for column in columns.iter().filter(|c| all || c.required()) {
                        let name = column.name()?.clone();
                        if let Some(value) = self.column_sample(column, format, rows) {
                            filled.push((name, vec![value; rows]));
                        }
                    }
                    let refs: Vec<(&ColumnName, &Vec<Value>)> =
                        filled.iter().map(|(n, v)| (n, v)).collect();
                    if let Some(body) = column_body(format, rows, &refs)
                        && self.shows_break(writer, reader, &body)
                    {
                        return Some(body.to_string());
                    }
                }
            }
        }
        None
    }

    /// A value of `column`'s type that a schema of that column alone accepts in `format`.
    fn column_sample(&mut self, column: &ColSpec, format: Format, rows: usize) -> Option<Value> {
        let key = format!("{:?}|{}|{format:?}|{rows}", column.ty(), column.required());
        if let Some(sample) = self.column_samples.get(&key) {
            return sample.clone();
        }
        let positional = column.name().is_none();
        let name = ColumnName::from("x");
        let alone = if positional {
            ColSpec::unnamed(column.ty().clone())
        } else {
            ColSpec::new(name.clone(), column.ty().clone()).with_required(column.required())
        };
        let schema = Schema::from_columns(vec![alone]).expect("one column");
        let found = samples(column.ty()).into_iter().find(|value| {
            let values = vec![value.clone(); rows];
            let body = if positional {
                positional_body(rows, &[(name.clone(), values)])
            } else {
                column_body(format, rows, &[(&name, &values)])
            };
            body.is_some_and(|body| self.accepts(&schema, &body).is_some())
        });
        self.column_samples.insert(key, found.clone());
        found
    }

    /// A whole tensor body from the writer's tensors, with `overrides` replacing (or, with
    /// `None`, leaving out) some; returned when it shows the break.
    pub(super) fn tensor_witness(
        &mut self,
        writer: &Schema,
        reader: &Schema,
        overrides: &[(Option<ColumnName>, Option<Value>)],
    ) -> Option<String> {
        let tensors = writer.tensors()?;
        if self.witness_cells < tensors.len() {
            return None;
        }
        let mut entries: Vec<(Option<&ColumnName>, Value)> = Vec::new();
        for tensor in tensors {
            let overridden = overrides
                .iter()
                .find(|(name, _)| name.as_ref() == tensor.name());
            match overridden {
                Some((_, Some(value))) => entries.push((tensor.name(), value.clone())),
                Some((_, None)) => {}
                None => {
                    let element = self.element_sample(tensor.dtype())?;
                    entries.push((tensor.name(), tensor_value(tensor.shape(), None, &element)?));
                }
            }
        }
        [Format::InputsColumns, Format::Instances]
            .into_iter()
            .map(|format| tensor_body(format, &entries))
            .find(|body| self.shows_break(writer, reader, body))
            .map(|body| body.to_string())
    }

    /// An element a one-dimensional tensor of `dtype` accepts.
    pub(super) fn element_sample(&mut self, dtype: &NumpyDtype) -> Option<Value> {
        let key = format!("{dtype:?}");
        if let Some(sample) = self.elements.get(&key) {
            return sample.clone();
        }
        let schema = Schema::from_tensors(vec![TensorSpec::unnamed(dtype.clone(), [-1])])
            .expect("one unnamed tensor");
        let candidates = [
            json!(1),
            json!(1.5),
            json!(true),
            json!("a"),
            json!("2020-01-02T03:04:05"),
            json!(0),
        ];
        let found = candidates.into_iter().find(|element| {
            let body = tensor_body(Format::InputsColumns, &[(None, json!([element]))]);
            self.accepts(&schema, &body).is_some()
        });
        self.elements.insert(key, found.clone());
        found
    }
}

/// A column type with `leaf` nested as `steps` describe; objects along the way hold only the
/// property on the path.
fn wrap_type(steps: &[Step], leaf: ColumnType) -> ColumnType {
    steps.iter().rev().fold(leaf, |inner, step| match step {
        Step::Items => ColumnType::Array(Array::new(inner)),
        Step::Values => ColumnType::Map(Map::new(inner)),
        Step::Property { name, required } => ColumnType::Object(
            Object::new(vec![
                Property::new(name.clone(), inner).with_required(*required),
            ])
            .expect("one property"),
        ),
    })
}

/// A value nested as `steps` describe, matching [`wrap_type`].
fn wrap_value(steps: &[Step], leaf: &Value) -> Value {
    steps
        .iter()
        .rev()
        .fold(leaf.clone(), |inner, step| match step {
            Step::Items => json!([inner]),
            Step::Values => json!({ "k": inner }),
            Step::Property { name, .. } => {
                let mut object = JsonMap::new();
                object.insert(name.clone(), inner);
                Value::Object(object)
            }
        })
}

/// Values of the column type `ty` (whole cells) that hold, at `steps`, each value `leaf`
/// gives for the nested type there; other required object properties get sample values.
pub(super) fn fill(
    ty: &ColumnType,
    steps: &[Step],
    leaf: &dyn Fn(&ColumnType) -> Vec<Value>,
) -> Vec<Value> {
    let Some((step, rest)) = steps.split_first() else {
        return leaf(ty);
    };
    match (step, ty) {
        (Step::Items, ColumnType::Array(array)) => fill(array.items(), rest, leaf)
            .into_iter()
            .map(|v| json!([v]))
            .collect(),
        (Step::Values, ColumnType::Map(map)) => fill(map.values(), rest, leaf)
            .into_iter()
            .map(|v| json!({ "k": v }))
            .collect(),
        (Step::Property { name, .. }, ColumnType::Object(object)) => {
            let Some(property) = object.property(name) else {
                return Vec::new();
            };
            let base = object_sample(object, Some(name), false);
            fill(property.dtype(), rest, leaf)
                .into_iter()
                .map(|v| {
                    let mut with = base.clone();
                    with.insert(name.clone(), v);
                    Value::Object(with)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// An object value with a sample for every required property (and every optional one, with
/// `all`), leaving out `except`.
pub(super) fn object_sample(
    object: &Object,
    except: Option<&str>,
    all: bool,
) -> JsonMap<String, Value> {
    object
        .properties()
        .iter()
        .filter(|p| (all || p.required()) && Some(p.name()) != except)
        .filter_map(|p| Some((p.name().to_owned(), samples(p.dtype()).into_iter().next()?)))
        .collect()
}

/// Typical values of a type, the most ordinary first.
pub(super) fn samples(ty: &ColumnType) -> Vec<Value> {
    match ty {
        ColumnType::DataType(t) => match t {
            DataType::Boolean => vec![json!(true), json!(false)],
            DataType::Integer | DataType::Long => vec![json!(1), json!(0)],
            DataType::Float | DataType::Double => vec![json!(1.5), json!(0), json!(1)],
            DataType::String => vec![json!("a")],
            // The bytes 0, 1, 2 in standard base64.
            DataType::Binary => vec![json!("AAEC")],
            DataType::Datetime => vec![json!("2020-01-02T03:04:05"), json!("2020-01-02")],
        },
        ColumnType::Array(array) => {
            let mut values: Vec<Value> = samples(array.items())
                .into_iter()
                .take(2)
                .map(|v| json!([v]))
                .collect();
            values.push(json!([]));
            values
        }
        ColumnType::Map(map) => {
            let mut values: Vec<Value> = samples(map.values())
                .into_iter()
                .take(2)
                .map(|v| json!({ "k": v }))
                .collect();
            values.push(json!({}));
            values
        }
        ColumnType::Object(object) => {
            // Bases: each required property's first, second or last sample (the last of an
            // array or map is the empty one); then each base with all optional properties, and
            // with each optional property alone, as each of its samples or null.
            let properties = object.properties();
            let options: Vec<Vec<Value>> = properties.iter().map(|p| samples(p.dtype())).collect();
            let pick = |at: usize, index: usize| {
                let options = &options[index];
                options
                    .get(at.min(options.len().saturating_sub(1)))
                    .cloned()
            };
            let mut values: Vec<Value> = Vec::new();
            let mut push = |value: JsonMap<String, Value>| {
                let value = Value::Object(value);
                if values.len() < MAX_OBJECT_SAMPLES && !values.contains(&value) {
                    values.push(value);
                }
            };
            for at in [0, 1, usize::MAX] {
                let base: JsonMap<String, Value> = properties
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.required())
                    .filter_map(|(index, p)| Some((p.name().to_owned(), pick(at, index)?)))
                    .collect();
                push(base.clone());
                let mut all = base.clone();
                for (index, p) in properties.iter().enumerate() {
                    if let Some(value) = pick(at, index) {
                        all.insert(p.name().to_owned(), value);
                    }
                }
                push(all);
                for (index, p) in properties.iter().enumerate() {
                    if p.required() {
                        continue;
                    }
                    for value in options[index].iter().cloned().chain([Value::Null]) {
                        let mut with = base.clone();
                        with.insert(p.name().to_owned(), value);
                        push(with);
                    }
                }
            }
            values
        }
        ColumnType::AnyType => vec![json!("a"), json!(1)],
        ColumnType::SparkMLVector => vec![json!([1.5])],
    }
}

/// The probe columns: single values at the edges of every type's casts, and a few pairs,
/// since the predict mode decides by the dtype pandas infers for the whole column.
fn scalar_probes() -> Vec<Vec<Value>> {
    let singles = [
        json!(0),
        json!(1),
        json!(-1),
        json!(2),
        json!(2_147_483_647),
        json!(2_147_483_648_i64),
        json!(-2_147_483_649_i64),
        json!(16_777_217),
        json!(9_007_199_254_740_993_i64),
        json!(i64::MAX),
        json!(0.0),
        json!(1.5),
        json!(-2.5),
        json!(2.0),
        json!(3.4e38),
        json!(1e39),
        json!(1e300),
        json!(""),
        json!("abc"),
        json!("5638"),
        json!("1.5"),
        json!("true"),
        json!("AAEC"),
        json!("!!!!"),
        json!("2020-01-02"),
        json!("2020-01-02T03:04:05"),
        json!("2020-01-02 03:04"),
        json!("2020-01-02T03:04:05.123456789"),
        json!("2020-01-02T03:04:05Z"),
        json!("2020"),
        json!("1+2j"),
        json!(true),
        json!(false),
        Value::Null,
        json!([]),
        json!([1, 2]),
        json!([1.5]),
        json!(["a"]),
        json!([true]),
        json!({}),
        json!({ "k": 1 }),
        json!({ "k": "a" }),
    ];
    let mut probes: Vec<Vec<Value>> = singles.into_iter().map(|v| vec![v]).collect();
    probes.extend([
        vec![json!(1), json!(2.5)],
        vec![json!(1), Value::Null],
        vec![json!(0), json!(1)],
        vec![json!("a"), json!(1)],
        vec![json!(true), json!(1)],
    ]);
    probes
}

fn name_value(name: &ColumnName) -> Value {
    match name {
        ColumnName::Str(name) => json!(name),
        ColumnName::Int(index) => json!(index),
    }
}

fn name_key(name: &ColumnName) -> String {
    name.to_string()
}

/// A body of `rows` rows in `format` holding the given columns (each with one value per row).
pub(super) fn column_body(
    format: Format,
    rows: usize,
    columns: &[(&ColumnName, &Vec<Value>)],
) -> Option<Value> {
    let record = |row: usize| -> Value {
        Value::Object(
            columns
                .iter()
                .map(|(name, values)| (name_key(name), values[row].clone()))
                .collect(),
        )
    };
    let records = || Value::Array((0..rows).map(record).collect());
    Some(match format {
        Format::Split => json!({"dataframe_split": {
            "columns": columns.iter().map(|(n, _)| name_value(n)).collect::<Vec<_>>(),
            "data": (0..rows)
                .map(|row| columns.iter().map(|(_, v)| v[row].clone()).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
        }}),
        Format::Records => json!({ "dataframe_records": records() }),
        Format::InputsRecords => json!({ "inputs": records() }),
        Format::Instances => json!({ "instances": records() }),
        Format::InputsColumns => json!({ "inputs": Value::Object(
            columns
                .iter()
                .map(|(name, values)| (name_key(name), Value::Array(values.to_vec())))
                .collect(),
        )}),
        Format::InputsSingle if rows == 1 => json!({ "inputs": record(0) }),
        Format::InputsSingle => return None,
    })
}

/// A `dataframe_split` body without `columns`, for a positional schema.
fn positional_body(rows: usize, columns: &[(ColumnName, Vec<Value>)]) -> Option<Value> {
    let data: Vec<Vec<Value>> = (0..rows)
        .map(|row| columns.iter().map(|(_, v)| v[row].clone()).collect())
        .collect();
    Some(json!({ "dataframe_split": { "data": data } }))
}

/// A tensor body: `{"inputs": T}` for one unnamed tensor, `{"inputs": {"name": T, ...}}` for
/// named ones (or `instances`).
pub(super) fn tensor_body(format: Format, tensors: &[(Option<&ColumnName>, Value)]) -> Value {
    let key = if format == Format::Instances {
        "instances"
    } else {
        "inputs"
    };
    let value = match tensors {
        [(None, value)] => value.clone(),
        _ => Value::Object(
            tensors
                .iter()
                .map(|(name, value)| (name.map(name_key).unwrap_or_default(), value.clone()))
                .collect(),
        ),
    };
    let mut body = JsonMap::new();
    body.insert(key.to_owned(), value);
    Value::Object(body)
}

/// Nested lists of `shape` (a `-1` dimension one long, or as `dimension` overrides) filled
/// with `element`; `None` beyond [`MAX_TENSOR_ELEMENTS`].
pub(super) fn tensor_value(
    shape: &[i64],
    dimension: Option<(usize, i64)>,
    element: &Value,
) -> Option<Value> {
    let sizes: Vec<usize> = shape
        .iter()
        .enumerate()
        .map(|(at, &size)| match dimension {
            Some((which, forced)) if which == at => forced.max(0) as usize,
            _ if size < 0 => 1,
            _ => size as usize,
        })
        .collect();
    let total = sizes
        .iter()
        .try_fold(1usize, |total, &size| total.checked_mul(size))?;
    if total > MAX_TENSOR_ELEMENTS {
        return None;
    }
    Some(
        sizes
            .iter()
            .rev()
            .fold(element.clone(), |inner, &size| json!(vec![inner; size])),
    )
}

/// How many rows a witness body holds (1 for a tensor body), for the budget.
fn body_rows(body: &Value) -> usize {
    let rows = match body {
        Value::Object(envelope) => envelope.values().next().and_then(|inner| match inner {
            Value::Array(rows) => Some(rows.len()),
            Value::Object(split) => split.get("data").and_then(Value::as_array).map(Vec::len),
            _ => None,
        }),
        _ => None,
    };
    rows.unwrap_or(1).max(1)
}

/// Whether a schema is one of named columns.
pub(super) fn is_named_columns(schema: &Schema) -> bool {
    matches!(schema.inputs(), SchemaInputs::Columns(_)) && schema.has_input_names()
}
