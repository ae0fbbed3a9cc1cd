//! The house-price model of the serving interop test and load bench: the same formula and
//! signature as the pyfunc model of `tests/interop/serve_model.py`.

use serde::{Deserialize, Serialize};
use signature_runtime::Signature;
use signature_runtime::model::{Model, NoParams};

/// One house.
#[derive(Debug, Signature, Serialize, Deserialize)]
pub struct House {
    /// Floor area.
    pub sqft: f64,
    /// Bedrooms.
    pub bedrooms: i64,
}

/// Its price.
#[derive(Debug, Signature, Serialize)]
pub struct Price {
    /// The predicted price.
    pub price: f64,
}

/// `50,000 + 150 × sqft + 10,000 × bedrooms`, as the pyfunc model computes it.
pub struct LinearHousePrice;

impl Model for LinearHousePrice {
    type Input = House;
    type Output = Price;
    type Params = NoParams;
    type Error = std::convert::Infallible;

    fn predict(&self, houses: Vec<House>, _: &NoParams) -> Result<Vec<Price>, Self::Error> {
        Ok(houses
            .iter()
            .map(|h| Price {
                price: 50_000.0 + 150.0 * h.sqft + 10_000.0 * h.bedrooms as f64,
            })
            .collect())
    }
}

/// One value of each scalar type but `binary`, for the interop test of MLflow's casts.
#[derive(Debug, Signature, Serialize, Deserialize)]
pub struct Scalars {
    /// A `boolean`.
    pub boolean: bool,
    /// An `integer`.
    pub integer: i32,
    /// A `long`.
    pub long: i64,
    /// A `float`.
    pub float: f32,
    /// A `double`.
    pub double: f64,
    /// A `string`.
    pub string: String,
    /// A `datetime`.
    pub datetime: chrono::NaiveDateTime,
}

/// What [`ScalarsEcho`] answers: what it received, as the pyfunc twin computes it.
#[derive(Debug, Signature, Serialize)]
pub struct Received {
    /// `double + float + long + integer`.
    pub total: f64,
    /// The boolean as 0 or 1.
    pub flag: i64,
    /// The length of the string, in characters.
    pub text_len: i64,
}

/// The Rust twin of `Scalars` in `tests/interop/serve_model.py`.
pub struct ScalarsEcho;

impl Model for ScalarsEcho {
    type Input = Scalars;
    type Output = Received;
    type Params = NoParams;
    type Error = std::convert::Infallible;

    fn predict(&self, rows: Vec<Scalars>, _: &NoParams) -> Result<Vec<Received>, Self::Error> {
        Ok(rows
            .iter()
            .map(|row| Received {
                total: row.double + f64::from(row.float) + row.long as f64 + f64::from(row.integer),
                flag: i64::from(row.boolean),
                text_len: row.string.chars().count() as i64,
            })
            .collect())
    }
}
