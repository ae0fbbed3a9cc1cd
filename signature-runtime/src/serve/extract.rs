//! The [`Rows`] extractor: MLflow's request bodies, checked and decoded, in a handler of the
//! user's own axum server.

use std::any::TypeId;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::{BodyFormat, ServeError, ServeOptions, json_body, predict_error, read_body};
use crate::check::{CheckOptions, JsonChecker};
use crate::derived::{Params, Signature};
use crate::model::{NoParams, PredictError};
use crate::report::Report;
use crate::types::ModelSignature;

/// A handler argument: the body of an MLflow scoring request (`application/json` in any
/// format the checker takes, or `text/csv`), checked against `T`'s signature and `P`'s
/// params and decoded into typed rows, or the request answered with MLflow's error body
/// ([`ServeError`], the rejection).
///
/// The check knows `T`, not only its schema ([`JsonChecker::for_type`]): an unknown enum
/// variant, an integer beyond a narrower field (`u8`), a `[T; N]` of another length are in the
/// 400's report with every other problem.
///
/// The check's options, the body limit and whether reports quote values come from a
/// [`ServeOptions`] in the request's extensions (`.layer(Extension(options))`), or its
/// defaults. The checker for `T`, `P` and those options is built once and reused.
///
/// ```
/// use axum::{Extension, Router, routing::post};
/// use signature_runtime::serve::{Rows, ServeOptions};
/// use signature_runtime::{Mode, Signature};
///
/// #[derive(Signature, serde::Deserialize)]
/// struct House {
///     sqft: f64,
///     bedrooms: i64,
/// }
///
/// async fn price(houses: Rows<House>) -> String {
///     let prices: Vec<f64> = houses.rows.iter().map(|h| 50_000.0 + 150.0 * h.sqft).collect();
///     serde_json::to_string(&prices).unwrap()
/// }
///
/// let app: Router = Router::new()
///     .route("/price", post(price))
///     .layer(Extension(ServeOptions::new().with_mode(Mode::MlflowServing)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Rows<T, P = NoParams> {
    /// One value per row, in the body's order.
    pub rows: Vec<T>,
    /// The params: each declared one as sent, or its default.
    pub params: P,
    /// The check's report: valid, possibly with warnings (extra columns, unknown params, and
    /// in an MLflow mode each value MLflow casts, `value_changed`, which `rows` hold cast).
    pub report: Report,
}

/// One checker per (row type, params type, options), built on first use.
type CheckerKey = (TypeId, TypeId, CheckOptions);
type Checkers = Vec<(CheckerKey, Arc<JsonChecker>)>;

fn checker<T: Signature + 'static, P: Params + 'static>(
    options: &CheckOptions,
) -> Arc<JsonChecker> {
    static CHECKERS: OnceLock<Mutex<Checkers>> = OnceLock::new();
    let key = (TypeId::of::<T>(), TypeId::of::<P>(), options.clone());
    let mut checkers = CHECKERS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, found)) = checkers.iter().find(|(k, _)| *k == key) {
        return found.clone();
    }
    let signature = ModelSignature::new(Some(T::input_schema()), None, Some(P::param_schema()))
        .expect("the inputs are given");
    // `T`'s limits too: every value `T` cannot hold is in the 400's report.
    let built = Arc::new(
        JsonChecker::for_signature(&signature)
            .with_limits_of::<T>()
            .with_options(options.clone()),
    );
    checkers.push((key, built.clone()));
    built
}

impl<S, T, P> FromRequest<S> for Rows<T, P>
where
    S: Send + Sync,
    T: Signature + DeserializeOwned + Send + 'static,
    P: Params + DeserializeOwned + Send + 'static,
{
    type Rejection = ServeError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ServeError> {
        let options = request
            .extensions()
            .get::<ServeOptions>()
            .cloned()
            .unwrap_or_default();
        let (parts, body) = request.into_parts();
        let format = BodyFormat::of(&parts.headers)?;
        let bytes = read_body(&parts.headers, body, options.max_body_bytes()).await?;
        let inputs = T::input_schema();
        let checker = checker::<T, P>(options.check_options());
        let body = json_body(format, &bytes, Some(&inputs), &checker)?;
        let refused = |error: PredictError<Infallible>| {
            predict_error(error, format, Some(&inputs), options.full_reports()).0
        };
        let decoded = checker
            .decode_typed::<T>(&body)
            .map_err(|failure| match failure {
                (report, None) => refused(PredictError::InvalidInput(report)),
                (_, Some(reason)) => refused(PredictError::Undecodable(reason)),
            })?;
        let params = crate::model::decode::typed_params::<P>(
            Some(&decoded.params),
            Some(&P::param_schema()),
        )
        .map_err(|reason| refused(PredictError::Undecodable(reason)))?;
        super::warn_of_casts(&decoded.report);
        Ok(Rows {
            rows: decoded.rows,
            params,
            report: decoded.report,
        })
    }
}
