//! The rules proved against the checker, over random signature pairs: a pair called compatible
//! never makes the new schema refuse a body (or prediction) the old side accepts, and every
//! breaking finding's witness is accepted by the writer's schema and refused by the reader's.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Value, json};
use signature_runtime::evolution::{Direction, Section, Verdict};
use signature_runtime::{
    CheckOptions, ColSpec, ColumnType, DataType, ExtraColumns, JsonChecker, Mode, ModelSignature,
    NumpyDtype, Schema, TensorSpec,
};
use signature_tests::arbitrary::{column_type, numpy_dtype};

use super::assert_witness;

/// Values MLflow's lenient modes cast, mixed into generated bodies.
fn wild() -> impl Strategy<Value = Value> {
    proptest::sample::select(vec![
        Value::Null,
        json!(""),
        json!("abc"),
        json!("12"),
        json!("1.5"),
        json!("false"),
        json!(0),
        json!(1),
        json!(2.5),
        json!(-7),
        json!(true),
        json!(false),
        json!(1e20),
        json!(4_294_967_296_i64),
        json!([]),
        json!([1]),
        json!({}),
        json!("2021-03-04T05:06:07"),
    ])
}

/// A value of `ty` (almost always; the lenient modes also get values to cast).
fn value_of(ty: &ColumnType) -> BoxedStrategy<Value> {
    let typed: BoxedStrategy<Value> = match ty {
        ColumnType::DataType(t) => match t {
            DataType::Boolean => any::<bool>().prop_map(Value::from).boxed(),
            DataType::Integer => prop_oneof![any::<i32>(), -3i32..3]
                .prop_map(Value::from)
                .boxed(),
            DataType::Long => prop_oneof![any::<i64>(), -3i64..3]
                .prop_map(Value::from)
                .boxed(),
            DataType::Float | DataType::Double => prop_oneof![
                (-1e6f64..1e6).prop_map(Value::from),
                (-3i64..3).prop_map(Value::from),
                Just(json!(16_777_217)),
                Just(json!(9_007_199_254_740_993_i64)),
            ]
            .boxed(),
            DataType::String => prop_oneof!["[a-z0-9 ]{0,4}", "[0-9]{1,3}"]
                .prop_map(Value::from)
                .boxed(),
            DataType::Binary => proptest::sample::select(vec!["AAEC", "", "aGVsbG8=", "AA=="])
                .prop_map(Value::from)
                .boxed(),
            DataType::Datetime => (2000u32..2030, 1u32..13, 1u32..29, 0u32..3)
                .prop_map(|(y, m, d, form)| {
                    Value::from(match form {
                        0 => format!("{y}-{m:02}-{d:02}"),
                        1 => format!("{y}-{m:02}-{d:02}T01:02:03"),
                        _ => format!("{y}-{m:02}-{d:02} 01:02"),
                    })
                })
                .boxed(),
        },
        ColumnType::Array(array) => vec(value_of(array.items()), 0..3)
            .prop_map(Value::from)
            .boxed(),
        ColumnType::Map(map) => btree_map("[a-z]{1,2}", value_of(map.values()), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        ColumnType::Object(object) => {
            let properties: Vec<_> = object
                .properties()
                .iter()
                .map(|p| {
                    let name = p.name().to_owned();
                    let present = if p.required() {
                        Just(true).boxed()
                    } else {
                        any::<bool>().boxed()
                    };
                    (Just(name), present, value_of(p.dtype()))
                })
                .collect();
            properties
                .prop_map(|properties| {
                    Value::Object(
                        properties
                            .into_iter()
                            .filter(|(_, present, _)| *present)
                            .map(|(name, _, value)| (name, value))
                            .collect(),
                    )
                })
                .boxed()
        }
        ColumnType::AnyType => wild().boxed(),
        ColumnType::SparkMLVector => vec(-10f64..10.0, 0..3).prop_map(Value::from).boxed(),
    };
    prop_oneof![6 => typed, 1 => wild()].boxed()
}

const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

#[derive(Clone, Debug)]
enum Edit {
    Keep,
    Retype(ColumnType),
    FlipRequired,
    Remove,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => Just(Edit::Keep),
        3 => column_type(2).prop_map(Edit::Retype),
        1 => Just(Edit::FlipRequired),
        1 => Just(Edit::Remove),
    ]
}

/// An old column schema and a new one derived from it by random edits and additions.
fn column_pair() -> impl Strategy<Value = (Schema, Schema)> {
    (
        vec((column_type(2), any::<bool>(), edit()), 1..4),
        vec((column_type(2), any::<bool>()), 0..2),
    )
        .prop_filter_map("the new schema keeps a column", |(old, added)| {
            let old_columns: Vec<ColSpec> = old
                .iter()
                .zip(NAMES)
                .map(|((ty, required, _), name)| {
                    ColSpec::new(name, ty.clone()).with_required(*required)
                })
                .collect();
            let mut new_columns: Vec<ColSpec> = Vec::new();
            for (column, (_, _, edit)) in old_columns.iter().zip(&old) {
                match edit {
                    Edit::Keep => new_columns.push(column.clone()),
                    Edit::Retype(ty) => new_columns.push(
                        ColSpec::new(column.name().unwrap().clone(), ty.clone())
                            .with_required(column.required()),
                    ),
                    Edit::FlipRequired => {
                        new_columns.push(column.clone().with_required(!column.required()))
                    }
                    Edit::Remove => {}
                }
            }
            for ((ty, required), name) in added.into_iter().zip(&NAMES[4..]) {
                new_columns.push(ColSpec::new(*name, ty).with_required(required));
            }
            let old = Schema::from_columns(old_columns).ok()?;
            let new = Schema::from_columns(new_columns).ok()?;
            Some((old, new))
        })
}

/// Rows for `schema`: each column present (always if required) with a value of its type.
fn rows_for(schema: &Schema) -> BoxedStrategy<Rows> {
    let columns: Vec<ColSpec> = schema.columns().unwrap().to_vec();
    let row = columns
        .into_iter()
        .map(|c| {
            let present = if c.required() {
                Just(true).boxed()
            } else {
                any::<bool>().boxed()
            };
            (
                Just(c.name().unwrap().to_string()),
                present,
                value_of(c.ty()),
            )
        })
        .collect::<Vec<_>>()
        .prop_map(|cells| {
            cells
                .into_iter()
                .filter(|(_, present, _)| *present)
                .map(|(name, _, value)| (name, value))
                .collect::<Vec<_>>()
        });
    vec(row, 1..4).boxed()
}

/// The rows as a body in one of MLflow's layouts (0: records, 1: split, 2: inputs columns,
/// 3: instances); `None` when the layout cannot hold them (split and columns need every row to
/// have the same columns).
fn body(rows: &[Vec<(String, Value)>], layout: u8) -> Option<Value> {
    let record = |row: &Vec<(String, Value)>| Value::Object(row.iter().cloned().collect());
    let same_columns = rows
        .windows(2)
        .all(|w| w[0].iter().map(|(n, _)| n).eq(w[1].iter().map(|(n, _)| n)));
    Some(match layout {
        0 => json!({"dataframe_records": rows.iter().map(record).collect::<Vec<_>>()}),
        1 if same_columns => json!({"dataframe_split": {
            "columns": rows[0].iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            "data": rows.iter().map(|r| r.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        }}),
        2 if same_columns => {
            let columns: serde_json::Map<String, Value> = rows[0]
                .iter()
                .enumerate()
                .map(|(i, (name, _))| {
                    (
                        name.clone(),
                        Value::Array(rows.iter().map(|r| r[i].1.clone()).collect()),
                    )
                })
                .collect();
            json!({"inputs": columns})
        }
        3 => json!({"instances": rows.iter().map(record).collect::<Vec<_>>()}),
        _ => return None,
    })
}

fn mode() -> impl Strategy<Value = Mode> {
    proptest::sample::select(vec![Mode::Strict, Mode::MlflowServing, Mode::MlflowPredict])
}

fn extra() -> impl Strategy<Value = ExtraColumns> {
    proptest::sample::select(vec![ExtraColumns::Ignore, ExtraColumns::Reject])
}

fn accepts(schema: &Schema, options: &CheckOptions, body: &Value) -> bool {
    JsonChecker::for_schema(schema)
        .with_options(options.clone())
        .check(body.to_string().as_bytes())
        .is_valid()
}

/// Rows of `(column, value)` cells.
type Rows = Vec<Vec<(String, Value)>>;

/// Rows, each set with the layout to send them in (see [`body`]).
type Bodies = Vec<(Rows, u8)>;

/// A case: the pair, the options, and bodies generated from the writer's schema (the old
/// inputs, or the new outputs).
fn case(inputs: bool) -> impl Strategy<Value = (Schema, Schema, Mode, ExtraColumns, Bodies)> {
    (column_pair(), mode(), extra()).prop_flat_map(move |((old, new), mode, extra)| {
        let writer = if inputs { old.clone() } else { new.clone() };
        (
            Just(old),
            Just(new),
            Just(mode),
            Just(extra),
            vec((rows_for(&writer), 0u8..4), 8),
        )
    })
}

fn run(
    section: Section,
    old: Schema,
    new: Schema,
    mode: Mode,
    extra: ExtraColumns,
    bodies: &[(Rows, u8)],
) -> Result<(), TestCaseError> {
    let options = CheckOptions::new()
        .with_mode(mode)
        .with_extra_columns(extra);
    let (old_sig, new_sig, direction) = if section == Section::Inputs {
        (
            ModelSignature::new(Some(old.clone()), None, None).unwrap(),
            ModelSignature::new(Some(new.clone()), None, None).unwrap(),
            Direction::Backward,
        )
    } else {
        (
            ModelSignature::new(None, Some(old.clone()), None).unwrap(),
            ModelSignature::new(None, Some(new.clone()), None).unwrap(),
            Direction::Forward,
        )
    };
    let report = new_sig.compatibility(&old_sig, direction, &options);
    for finding in report.breaking() {
        // Strict accepts an ordinary value of every type, so every break has a body to show.
        if mode == Mode::Strict {
            prop_assert!(
                finding.witness().is_some(),
                "no witness for {}\n{report}",
                finding.rule()
            );
        }
        assert_witness(finding, &old_sig, &new_sig, &options, finding.rule().id());
    }
    let (writer, reader) = if section == Section::Inputs {
        (&old, &new)
    } else {
        (&new, &old)
    };
    if report.is_compatible() {
        for (rows, layout) in bodies {
            let Some(body) = body(rows, *layout) else {
                continue;
            };
            if accepts(writer, &options, &body) {
                prop_assert!(
                    accepts(reader, &options, &body),
                    "called compatible, but {body} is accepted by the writer's schema and refused by the reader's ({mode:?}, {extra:?})\n{report}\nold: {}\nnew: {}",
                    old.to_json(),
                    new.to_json()
                );
            }
        }
    }
    prop_assert_eq!(
        report.is_compatible(),
        report
            .findings()
            .iter()
            .all(|f| f.verdict() != Verdict::Breaking)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Inputs: bodies old clients send (accepted by the old schema) pass the new schema
    /// whenever the diff calls the pair compatible.
    #[test]
    fn compatible_inputs_accept_old_bodies((old, new, mode, extra, bodies) in case(true)) {
        run(Section::Inputs, old, new, mode, extra, &bodies)?;
    }

    /// Outputs: predictions of the new model (accepted by the new output schema, checked as a
    /// body) pass the old output schema whenever the diff calls the pair compatible.
    #[test]
    fn compatible_outputs_keep_old_consumers((old, new, mode, extra, bodies) in case(false)) {
        run(Section::Outputs, old, new, mode, extra, &bodies)?;
    }

    /// Tensors: a changed dtype or dimension is breaking exactly when a tensor the old schema
    /// accepts is refused by the new one, and the witness shows it.
    #[test]
    fn tensor_changes(
        old_dtype in numpy_dtype(),
        new_dtype in numpy_dtype(),
        old_shape in vec(prop_oneof![Just(-1i64), 1i64..4], 1..3),
        new_dim in prop_oneof![Just(-1i64), 1i64..4],
        which in 0usize..3,
        mode in mode(),
        elements in vec(wild(), 1..4),
    ) {
        let mut new_shape = old_shape.clone();
        if which < new_shape.len() {
            new_shape[which] = new_dim;
        }
        let schema = |dtype: &NumpyDtype, shape: &[i64]| {
            Schema::from_tensors(vec![TensorSpec::new("t", dtype.clone(), shape.to_vec())]).unwrap()
        };
        let (old, new) = (schema(&old_dtype, &old_shape), schema(&new_dtype, &new_shape));
        let options = CheckOptions::new().with_mode(mode);
        let old_sig = ModelSignature::new(Some(old.clone()), None, None).unwrap();
        let new_sig = ModelSignature::new(Some(new.clone()), None, None).unwrap();
        let report = new_sig.compatibility(&old_sig, Direction::Backward, &options);
        for finding in report.breaking() {
            assert_witness(finding, &old_sig, &new_sig, &options, finding.rule().id());
        }
        if report.is_compatible() {
            // Tensors of the old shape (-1 as 1 or 2 long) filled with each element.
            for element in &elements {
                for variable in [1usize, 2] {
                    let tensor = old_shape.iter().rev().fold(element.clone(), |inner, &size| {
                        let size = if size < 0 { variable } else { size as usize };
                        Value::Array(vec![inner; size])
                    });
                    let body = json!({"inputs": {"t": tensor}});
                    if accepts(&old, &options, &body) {
                        prop_assert!(
                            accepts(&new, &options, &body),
                            "called compatible, but {body} is accepted by old and refused by new ({mode:?})\n{report}"
                        );
                    }
                }
            }
        }
    }
}
