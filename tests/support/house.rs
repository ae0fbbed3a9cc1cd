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
