//! proptest strategies for MLflow signatures: every type, nesting up to depth 4, unicode names.

use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use signature_runtime::{
    Array, ColSpec, ColumnType, DataType, Datetime, Map, ModelSignature, NumpyDtype, Object,
    ParamSchema, ParamShape, ParamSpec, ParamType, ParamValue, Property, Schema, TensorSpec,
};

/// Names with quotes, backslashes, control characters, non-ASCII and astral characters.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,7}",
        "(?s).{1,8}",
        Just("prix €".to_owned()),
        Just("日本".to_owned()),
        Just("😀x".to_owned()),
        Just("it's \"quoted\" \\".to_owned()),
    ]
}

fn unique_names(min: usize, max: usize) -> impl Strategy<Value = Vec<String>> {
    btree_set(name(), min..=max).prop_map(|names| names.into_iter().collect())
}

/// Any of MLflow's scalar data types.
pub fn data_type() -> impl Strategy<Value = DataType> {
    proptest::sample::select(DataType::ALL.to_vec())
}

/// A column's or property's `required`: true, false, or left unset (MLflow's `None`, written
/// `null`).
fn requirement() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![4 => Just(Some(true)), 2 => Just(Some(false)), 1 => Just(None)]
}

/// A column type nested at most `depth` levels deep.
pub fn column_type(depth: u32) -> impl Strategy<Value = ColumnType> {
    let leaf = prop_oneof![
        6 => data_type().prop_map(ColumnType::DataType),
        1 => Just(ColumnType::AnyType),
        1 => Just(ColumnType::SparkMLVector),
    ];
    // MLflow reads a map of `sparkml_vector` as a bare vector and cannot read a property of
    // that type at all, so neither is generated: a vector sits there inside an array.
    let vector_in_array = |t: ColumnType| match t {
        ColumnType::SparkMLVector => ColumnType::Array(Array::new(t)),
        other => other,
    };
    leaf.prop_recursive(depth, 24, 4, move |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| ColumnType::Array(Array::new(t))),
            inner
                .clone()
                .prop_map(move |t| ColumnType::Map(Map::new(vector_in_array(t)))),
            (unique_names(1, 4), vec((inner, requirement()), 4)).prop_map(move |(names, types)| {
                let properties = names
                    .into_iter()
                    .zip(types)
                    .map(|(n, (t, required))| {
                        let property = Property::new(n, vector_in_array(t));
                        match required {
                            Some(required) => property.with_required(required),
                            None => property.with_required_unset(),
                        }
                    })
                    .collect();
                ColumnType::Object(Object::new(properties).expect("names are unique"))
            }),
        ]
    })
}

fn column_schema() -> impl Strategy<Value = Schema> {
    prop_oneof![
        (unique_names(1, 5), vec((column_type(4), requirement()), 5)).prop_map(|(names, specs)| {
            let columns = names
                .into_iter()
                .zip(specs)
                .map(|(n, (t, required))| {
                    let column = ColSpec::new(n, t);
                    match required {
                        Some(required) => column.with_required(required),
                        None => column.with_required_unset(),
                    }
                })
                .collect();
            Schema::from_columns(columns).expect("named columns")
        }),
        vec(column_type(4), 1..4).prop_map(|types| {
            Schema::from_columns(types.into_iter().map(ColSpec::unnamed).collect())
                .expect("required unnamed columns")
        }),
    ]
}

/// A tensor dtype among those MLflow models use.
pub fn numpy_dtype() -> impl Strategy<Value = NumpyDtype> {
    proptest::sample::select(vec![
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "object",
        "str",
        "bytes",
        "datetime64[ns]",
        "datetime64[s]",
    ])
    .prop_map(|name| NumpyDtype::parse(name).expect("known dtype"))
}

fn shape() -> impl Strategy<Value = Vec<i64>> {
    vec(prop_oneof![Just(-1i64), 1i64..64], 0..4)
}

fn tensor_schema() -> impl Strategy<Value = Schema> {
    prop_oneof![
        (numpy_dtype(), shape())
            .prop_map(|(d, s)| Schema::from_tensors(vec![TensorSpec::unnamed(d, s)]).unwrap()),
        (unique_names(1, 4), vec((numpy_dtype(), shape()), 4)).prop_map(|(names, specs)| {
            let tensors = names
                .into_iter()
                .zip(specs)
                .map(|(n, (d, s))| TensorSpec::new(n, d, s))
                .collect();
            Schema::from_tensors(tensors).unwrap()
        }),
    ]
}

/// Any valid schema, column- or tensor-based.
pub fn schema() -> impl Strategy<Value = Schema> {
    prop_oneof![3 => column_schema(), 1 => tensor_schema()]
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        proptest::sample::select(vec![0.1, 1e-7, 1e16, 1.5, -0.0, 0.7, 1e300]),
    ]
}

fn datetime() -> impl Strategy<Value = Datetime> {
    (
        1i32..=9999,
        1u32..=12,
        1u32..=28,
        proptest::option::of((0u32..24, 0u32..60, 0u32..60, 0u32..1_000_000)),
    )
        .prop_map(|(y, m, d, time)| {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            match time {
                None => Datetime::Date(date),
                Some((h, mi, s, us)) => {
                    Datetime::DateTime(date.and_hms_micro_opt(h, mi, s, us).unwrap())
                }
            }
        })
}

fn scalar_value(t: DataType) -> BoxedStrategy<ParamValue> {
    match t {
        DataType::Boolean => any::<bool>().prop_map(ParamValue::Bool).boxed(),
        DataType::Integer | DataType::Long => any::<i64>().prop_map(ParamValue::Int).boxed(),
        DataType::Float | DataType::Double => finite_f64().prop_map(ParamValue::Float).boxed(),
        DataType::String | DataType::Binary => name().prop_map(ParamValue::String).boxed(),
        DataType::Datetime => datetime().prop_map(ParamValue::Datetime).boxed(),
    }
}

fn object_param() -> impl Strategy<Value = (ParamType, ParamValue)> {
    // Property types whose plain JSON values MLflow accepts in an object default.
    let property_type = proptest::sample::select(vec![
        DataType::Long,
        DataType::Double,
        DataType::String,
        DataType::Boolean,
    ]);
    unique_names(1, 3)
        .prop_flat_map(move |names| {
            let n = names.len();
            (Just(names), vec(property_type.clone(), n))
        })
        .prop_flat_map(|(names, types)| {
            let values: Vec<_> = types.iter().map(|t| scalar_value(*t)).collect();
            (Just(names), Just(types), values)
        })
        .prop_map(|(names, types, values)| {
            let properties = names
                .iter()
                .zip(&types)
                .map(|(n, t)| Property::new(n.clone(), *t))
                .collect();
            let default = ParamValue::Object(names.into_iter().zip(values).collect());
            (ParamType::Object(Object::new(properties).unwrap()), default)
        })
}

fn param_spec(name: String) -> impl Strategy<Value = ParamSpec> {
    let scalar_type = || {
        proptest::sample::select(
            DataType::ALL
                .iter()
                .copied()
                .filter(|t| *t != DataType::Binary)
                .collect::<Vec<_>>(),
        )
    };
    prop_oneof![
        3 => scalar_type().prop_flat_map(|t| (Just(t), scalar_value(t)))
            .prop_map(|(t, v)| (ParamType::DataType(t), v, ParamShape::Scalar)),
        1 => scalar_type().prop_flat_map(|t| (Just(t), vec(scalar_value(t), 0..3)))
            .prop_map(|(t, v)| (ParamType::DataType(t), ParamValue::List(v), ParamShape::List)),
        1 => object_param().prop_map(|(t, v)| (t, v, ParamShape::Scalar)),
    ]
    .prop_map(move |(t, default, shape)| {
        ParamSpec::new(name.clone(), t, default, shape).expect("defaults fit their types")
    })
}

/// A non-empty parameter schema.
pub fn param_schema() -> impl Strategy<Value = ParamSchema> {
    unique_names(1, 4)
        .prop_flat_map(|names| names.into_iter().map(param_spec).collect::<Vec<_>>())
        .prop_map(|specs| ParamSchema::new(specs).expect("names are unique"))
}

/// A signature with at least one of inputs, outputs and params.
pub fn signature() -> impl Strategy<Value = ModelSignature> {
    (
        proptest::option::of(schema()),
        proptest::option::of(schema()),
        proptest::option::of(param_schema()),
    )
        .prop_filter("at least one part", |(i, o, p)| {
            i.is_some() || o.is_some() || p.is_some()
        })
        .prop_map(|(i, o, p)| ModelSignature::new(i, o, p).expect("one part is present"))
}
