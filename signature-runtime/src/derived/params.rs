//! [`Params`]: inference parameters from a struct, with [`ParamFieldType`] mapping the fields.

use std::borrow::Cow;

use crate::types::{DataType, ParamSchema, ParamShape, ParamValue};

/// A Rust type whose fields are a model's inference parameters: implemented by
/// `#[derive(Params)]`.
///
/// ```
/// use signature_runtime::Params;
///
/// #[derive(Params)]
/// struct Generation {
///     #[param(default = 0.7)]
///     temperature: f64,
///     #[param(default = vec!["\n".to_owned()])]
///     stop: Vec<String>,
/// }
///
/// assert_eq!(
///     Generation::param_schema().to_json(),
///     r#"[{"name": "temperature", "default": 0.7, "shape": null, "type": "double"}, {"name": "stop", "default": ["\n"], "shape": [-1], "type": "string"}]"#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Params`",
    label = "not a `#[derive(Params)]` struct",
    note = "model parameters need a struct with `#[derive(Params)]`"
)]
pub trait Params {
    /// The parameters, with their defaults.
    fn param_schema() -> ParamSchema;
}

/// A Rust type that is one MLflow parameter type: a scalar, or a `Vec` of one (shape `[-1]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an MLflow parameter type",
    label = "no MLflow parameter type for this field",
    note = "parameters are `bool`, `i32` (`integer`), `i64` (`long`), `f32`, `f64`, `String`, \
            chrono dates and times, an `Option` of one, or a `Vec` of one (shape `[-1]`)"
)]
pub trait ParamFieldType {
    /// The parameter's type.
    const TYPE: DataType;
    /// The parameter's shape.
    const SHAPE: ParamShape;
    /// A value of this type as a parameter value (the default written in the schema).
    fn to_param_value(&self) -> ParamValue;
}

macro_rules! scalar {
    ($data_type:ident: $($ty:ty => |$v:ident| $value:expr),* $(,)?) => {
        $(
            impl ParamFieldType for $ty {
                const TYPE: DataType = DataType::$data_type;
                const SHAPE: ParamShape = ParamShape::Scalar;
                fn to_param_value(&self) -> ParamValue {
                    let $v = self;
                    $value
                }
            }
        )*
    };
}

scalar!(Boolean: bool => |v| ParamValue::Bool(*v));
scalar!(
    Integer: i8 => |v| ParamValue::Int((*v).into()),
    i16 => |v| ParamValue::Int((*v).into()),
    i32 => |v| ParamValue::Int((*v).into()),
    u8 => |v| ParamValue::Int((*v).into()),
    u16 => |v| ParamValue::Int((*v).into()),
);
scalar!(
    Long: i64 => |v| ParamValue::Int(*v),
    u32 => |v| ParamValue::Int((*v).into()),
);
scalar!(Float: f32 => |v| ParamValue::from(*v));
scalar!(Double: f64 => |v| ParamValue::Float(*v));
scalar!(
    String: String => |v| ParamValue::String(v.clone()),
    &str => |v| ParamValue::String((*v).to_owned()),
    Box<str> => |v| ParamValue::String(v.to_string()),
    Cow<'_, str> => |v| ParamValue::String(v.to_string()),
);

scalar!(
    Datetime: chrono::NaiveDateTime => |v| ParamValue::Datetime(crate::Datetime::DateTime(*v)),
    chrono::NaiveDate => |v| ParamValue::Datetime(crate::Datetime::Date(*v)),
);

impl<T: ParamFieldType> ParamFieldType for Option<T> {
    const TYPE: DataType = T::TYPE;
    const SHAPE: ParamShape = T::SHAPE;
    fn to_param_value(&self) -> ParamValue {
        self.as_ref()
            .map_or(ParamValue::Null, ParamFieldType::to_param_value)
    }
}

impl<T: ParamFieldType> ParamFieldType for Vec<T> {
    const TYPE: DataType = T::TYPE;
    const SHAPE: ParamShape = match T::SHAPE {
        ParamShape::Scalar => ParamShape::List,
        ParamShape::List => panic!("MLflow parameters are scalars or 1-D lists, not nested lists"),
    };
    fn to_param_value(&self) -> ParamValue {
        ParamValue::List(self.iter().map(ParamFieldType::to_param_value).collect())
    }
}
