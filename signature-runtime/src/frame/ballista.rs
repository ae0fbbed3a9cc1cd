//! Datasets on a Ballista cluster (feature `ballista`): the checks of
//! [`frame::datafusion`](super::datafusion) on a session whose plans run on Ballista's
//! executors, with no other change to the calling code.
//!
//! # What runs where
//!
//! - [`check_dataframe`](super::datafusion::check_dataframe), [`check_table`](super::datafusion::check_table)
//!   and [`infer_dataframe`](super::datafusion::infer_dataframe) take a Ballista session as they
//!   take a local one. The plan they execute (the scan, any filter or projection of the user's)
//!   runs on the executors; the checker runs in the calling process on the rows the job sends
//!   back. The counts are exact. A job's partitions come back one after another in the order
//!   their tasks *finished* (Ballista's scheduler lists a job's output as tasks complete), so
//!   for a frame of several partitions the problems listed, and the rows they name, may change
//!   from run to run. For the local report exactly, check a frame per file (or per group of
//!   files read as one partition, with `datafusion.optimizer.repartition_file_scans` off, so a
//!   file is not split into byte ranges) with
//!   [`check_dataframes`](super::datafusion::check_dataframes): a job each, all running at once,
//!   merged in the order given. `mlsig` does so on Ballista.
//! - [`row_errors_udf`] and
//!   [`conform_dataframe`](super::datafusion::conform_dataframe) put our functions into the
//!   plan, so they run on the executors: Ballista sends the plan there as protobuf, and a
//!   function travels by name, with whatever bytes the session's codec writes for it. Ballista's
//!   own codecs write nothing for a function they do not know, so the scheduler then looks the
//!   name up in its registry, then asks its codec, and fails to read the plan (`Could not parse
//!   plan: ... LogicalExtensionCodec is not provided for scalar function row_errors`) unless it
//!   was built with the same function, same signature and options. The codecs of
//!   this module write the function's signature (MLflow's JSON) and check options, and rebuild
//!   the same function on the scheduler and each executor: [`with_signature_codecs`] sets them
//!   on a session's config, wrapping the codecs it had, so everything else is encoded as
//!   before.
//!
//! The check itself is not split across executors: the rows a [`check_dataframe`] reads cross
//! the network to the caller. Filtering with `row_errors` on the executors first sends only the
//! failing rows, when their list is what is wanted.
//!
//! [`check_dataframe`]: super::datafusion::check_dataframe
//!
//! # In-process: standalone mode
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use signature_runtime::frame::ArrowChecker;
//! use signature_runtime::frame::ballista::with_signature_codecs;
//! use signature_runtime::frame::ballista_crate::prelude::*;
//! use signature_runtime::frame::datafusion::{check_dataframe, row_errors_udf};
//! use signature_runtime::frame::datafusion_crate::execution::SessionStateBuilder;
//! use signature_runtime::frame::datafusion_crate::prelude::*;
//! # let schema = signature_runtime::Schema::from_columns(vec![
//! #     signature_runtime::ColSpec::new("sqft", signature_runtime::DataType::Long)])?;
//!
//! let checker = ArrowChecker::for_schema(&schema);
//! let state = SessionStateBuilder::new()
//!     .with_config(with_signature_codecs(SessionConfig::new_with_ballista()))
//!     .with_default_features()
//!     .build();
//! // A scheduler and an executor in this process, on loopback ports.
//! let ctx = SessionContext::standalone_with_state(state).await?;
//! ctx.register_udf(row_errors_udf(&checker, "row_errors")?);
//! let frame = ctx.read_parquet("data/", ParquetReadOptions::default()).await?;
//! // Exact counts; see above for the order of the problems listed.
//! let report = check_dataframe(&checker, frame).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # On a cluster
//!
//! The client makes its session with `SessionContext::remote_with_state("df://scheduler:50050",
//! state)` and the same state as above. The files must be at the same path on every executor
//! (a shared file system) or in an object store the executors are configured for.
//!
//! - [`check_dataframe`] and [`infer_dataframe`](super::datafusion::infer_dataframe) need
//!   nothing more: Ballista's stock `ballista-scheduler` and `ballista-executor` binaries run
//!   their plans.
//! - `row_errors` and conform need the scheduler and every executor to decode our functions:
//!   build them as small binaries of your own, with this crate (feature `ballista`) and
//!   `ballista-scheduler`/`ballista-executor` 55, whose configs take the codecs:
//!   `SchedulerConfig { override_logical_codec: Some(logical_codec()), override_physical_codec:
//!   Some(physical_codec()), .. }` for the scheduler, the same two fields of
//!   `ExecutorProcessConfig` for each executor ([`logical_codec`], [`physical_codec`]).

use std::any::Any;
use std::sync::Arc;

use ::ballista::extension::SessionConfigExt as _;
use ::datafusion::arrow::datatypes::SchemaRef;
use ::datafusion::common::{TableReference, exec_err};
use ::datafusion::datasource::TableProvider;
use ::datafusion::datasource::file_format::FileFormatFactory;
use ::datafusion::error::DataFusionError;
use ::datafusion::execution::TaskContext;
use ::datafusion::logical_expr::{
    AggregateUDF, Extension, HigherOrderUDF, LogicalPlan, ScalarUDF, WindowUDF,
};
use ::datafusion::physical_expr_common::physical_expr::PhysicalExpr;
use ::datafusion::physical_expr_common::physical_expr::proto_decode::PhysicalExprDecodeCtx;
use ::datafusion::physical_expr_common::physical_expr::proto_encode::PhysicalExprEncodeCtx;
use ::datafusion::physical_plan::ExecutionPlan;
use ::datafusion::prelude::SessionConfig;
use ::datafusion_proto::logical_plan::LogicalExtensionCodec;
use ::datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use serde::{Deserialize, Serialize};

use crate::frame::ArrowChecker;
use crate::frame::datafusion::{ConformColumn, RowErrors, row_errors_udf};
use crate::mlflow::ReadLimits;
use crate::options::{CheckOptions, ExtraColumns, Mode};
use crate::types::Schema;

/// `config` with codecs that carry our SQL functions to Ballista's scheduler and executors,
/// wrapping the codecs `config` had (Ballista's own unless set), which still encode the rest.
pub fn with_signature_codecs(config: SessionConfig) -> SessionConfig {
    let logical = config.ballista_logical_extension_codec();
    let physical = config.ballista_physical_extension_codec();
    config
        .with_ballista_logical_extension_codec(Arc::new(SignatureLogicalCodec { inner: logical }))
        .with_ballista_physical_extension_codec(Arc::new(SignaturePhysicalCodec {
            inner: physical,
        }))
}

/// The logical-plan codec for a scheduler of your own: ours around Ballista's default.
pub fn logical_codec() -> Arc<dyn LogicalExtensionCodec> {
    Arc::new(SignatureLogicalCodec {
        inner: SessionConfig::new_with_ballista().ballista_logical_extension_codec(),
    })
}

/// The physical-plan codec for a scheduler or executor of your own: ours around Ballista's
/// default.
pub fn physical_codec() -> Arc<dyn PhysicalExtensionCodec> {
    Arc::new(SignaturePhysicalCodec {
        inner: SessionConfig::new_with_ballista().ballista_physical_extension_codec(),
    })
}

/// Our bytes start with this, so bytes of the wrapped codec's are told apart and passed on.
const MAGIC: &[u8] = b"signature-runtime/udf/1\n";

/// What travels for one of our functions: which one, and its checker.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    function: Function,
    /// `row_errors`: the SQL name; conform: the column.
    name: String,
    /// The signature's inputs, as MLflow writes them (`Schema::to_json`). Both functions have
    /// some: `row_errors_udf` refuses a signature without inputs, and conform's checker is
    /// made for one column.
    inputs: String,
    mode: WireMode,
    extra_columns: WireExtraColumns,
    max_problems: usize,
    max_depth: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Function {
    RowErrors,
    Conform,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireMode {
    Strict,
    MlflowServing,
    MlflowPredict,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireExtraColumns {
    Ignore,
    Reject,
}

impl Payload {
    fn new(
        function: Function,
        name: &str,
        checker: &ArrowChecker,
    ) -> Result<Payload, DataFusionError> {
        let options = checker.options();
        let Some(inputs) = checker.input_schema() else {
            return exec_err!("function {name}: its signature has no inputs to send");
        };
        Ok(Payload {
            function,
            name: name.to_owned(),
            inputs: inputs.to_json(),
            mode: match options.mode() {
                Mode::Strict => WireMode::Strict,
                Mode::MlflowServing => WireMode::MlflowServing,
                Mode::MlflowPredict => WireMode::MlflowPredict,
            },
            extra_columns: match options.extra_columns() {
                ExtraColumns::Ignore => WireExtraColumns::Ignore,
                ExtraColumns::Reject => WireExtraColumns::Reject,
            },
            max_problems: options.max_problems(),
            max_depth: options.max_depth(),
        })
    }

    fn checker(&self) -> Result<ArrowChecker, DataFusionError> {
        let options = CheckOptions::new()
            .with_mode(match self.mode {
                WireMode::Strict => Mode::Strict,
                WireMode::MlflowServing => Mode::MlflowServing,
                WireMode::MlflowPredict => Mode::MlflowPredict,
            })
            .with_extra_columns(match self.extra_columns {
                WireExtraColumns::Ignore => ExtraColumns::Ignore,
                WireExtraColumns::Reject => ExtraColumns::Reject,
            })
            .with_max_problems(self.max_problems)
            .with_max_depth(self.max_depth);
        // The reader's default budgets: the bytes come from the cluster, not from a file we
        // chose, and a signature past them could not have been read by the client either.
        let schema = Schema::from_json_with(&self.inputs, &ReadLimits::default())
            .map_err(|error| DataFusionError::External(Box::new(error)))?;
        Ok(ArrowChecker::for_schema(&schema).with_options(options))
    }
}

/// Writes our function's bytes into `buf`, or returns `false` for a function that is not ours.
fn encode_udf(node: &ScalarUDF, buf: &mut Vec<u8>) -> Result<bool, DataFusionError> {
    let function: &dyn Any = node.inner().as_ref();
    let payload = if let Some(row_errors) = function.downcast_ref::<RowErrors>() {
        Payload::new(Function::RowErrors, &row_errors.name, &row_errors.checker)?
    } else if let Some(conform) = function.downcast_ref::<ConformColumn>() {
        Payload::new(Function::Conform, &conform.column, &conform.checker)?
    } else {
        return Ok(false);
    };
    buf.extend_from_slice(MAGIC);
    serde_json::to_writer(&mut *buf, &payload)
        .map_err(|error| DataFusionError::External(Box::new(error)))?;
    Ok(true)
}

/// Our function from bytes [`encode_udf`] wrote; `None` for bytes that are not ours.
fn decode_udf(name: &str, buf: &[u8]) -> Option<Result<Arc<ScalarUDF>, DataFusionError>> {
    let json = buf.strip_prefix(MAGIC)?;
    let decoded = serde_json::from_slice::<Payload>(json)
        .map_err(|error| {
            DataFusionError::Execution(format!(
                "function {name}: its signature-runtime encoding is unreadable: {error}"
            ))
        })
        .and_then(|payload| {
            let checker = payload.checker()?;
            match payload.function {
                Function::RowErrors => row_errors_udf(&checker, &payload.name),
                Function::Conform => Ok(ScalarUDF::new_from_impl(ConformColumn::new(
                    checker,
                    &payload.name,
                ))),
            }
        });
    if let Ok(function) = &decoded
        && function.name() != name
    {
        return Some(exec_err!(
            "function {name}: its signature-runtime encoding names {}",
            function.name()
        ));
    }
    Some(decoded.map(Arc::new))
}

/// The function methods both codec traits have, alike: our scalar functions through
/// [`encode_udf`]/[`decode_udf`], every other function through the wrapped codec.
macro_rules! functions_through_ours {
    () => {
        fn try_decode_udf(
            &self,
            name: &str,
            buf: &[u8],
        ) -> Result<Arc<ScalarUDF>, DataFusionError> {
            decode_udf(name, buf).unwrap_or_else(|| self.inner.try_decode_udf(name, buf))
        }

        fn try_encode_udf(
            &self,
            node: &ScalarUDF,
            buf: &mut Vec<u8>,
        ) -> Result<(), DataFusionError> {
            if encode_udf(node, buf)? {
                return Ok(());
            }
            self.inner.try_encode_udf(node, buf)
        }

        fn try_decode_higher_order_function(
            &self,
            name: &str,
            buf: &[u8],
        ) -> Result<Arc<HigherOrderUDF>, DataFusionError> {
            self.inner.try_decode_higher_order_function(name, buf)
        }

        fn try_encode_higher_order_function(
            &self,
            node: &HigherOrderUDF,
            buf: &mut Vec<u8>,
        ) -> Result<(), DataFusionError> {
            self.inner.try_encode_higher_order_function(node, buf)
        }

        fn try_decode_udaf(
            &self,
            name: &str,
            buf: &[u8],
        ) -> Result<Arc<AggregateUDF>, DataFusionError> {
            self.inner.try_decode_udaf(name, buf)
        }

        fn try_encode_udaf(
            &self,
            node: &AggregateUDF,
            buf: &mut Vec<u8>,
        ) -> Result<(), DataFusionError> {
            self.inner.try_encode_udaf(node, buf)
        }

        fn try_decode_udwf(
            &self,
            name: &str,
            buf: &[u8],
        ) -> Result<Arc<WindowUDF>, DataFusionError> {
            self.inner.try_decode_udwf(name, buf)
        }

        fn try_encode_udwf(
            &self,
            node: &WindowUDF,
            buf: &mut Vec<u8>,
        ) -> Result<(), DataFusionError> {
            self.inner.try_encode_udwf(node, buf)
        }
    };
}

/// Ballista's logical-plan codec with our functions: see the [module docs](self).
#[derive(Debug)]
pub struct SignatureLogicalCodec {
    inner: Arc<dyn LogicalExtensionCodec>,
}

impl SignatureLogicalCodec {
    /// Ours around `inner`, which encodes everything that is not one of our functions.
    pub fn new(inner: Arc<dyn LogicalExtensionCodec>) -> Self {
        SignatureLogicalCodec { inner }
    }
}

impl LogicalExtensionCodec for SignatureLogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> Result<Extension, DataFusionError> {
        self.inner.try_decode(buf, inputs, ctx)
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<(), DataFusionError> {
        self.inner.try_encode(node, buf)
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>, DataFusionError> {
        self.inner
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<(), DataFusionError> {
        self.inner.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> Result<Arc<dyn FileFormatFactory>, DataFusionError> {
        self.inner.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> Result<(), DataFusionError> {
        self.inner.try_encode_file_format(buf, node)
    }

    functions_through_ours!();
}

/// Ballista's physical-plan codec with our functions: see the [module docs](self).
#[derive(Debug)]
pub struct SignaturePhysicalCodec {
    inner: Arc<dyn PhysicalExtensionCodec>,
}

impl SignaturePhysicalCodec {
    /// Ours around `inner`, which encodes everything that is not one of our functions.
    pub fn new(inner: Arc<dyn PhysicalExtensionCodec>) -> Self {
        SignaturePhysicalCodec { inner }
    }
}

impl PhysicalExtensionCodec for SignaturePhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        self.inner.try_decode(buf, inputs, ctx, proto_converter)
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<(), DataFusionError> {
        self.inner.try_encode(node, buf, proto_converter)
    }

    functions_through_ours!();

    fn try_decode_expr(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn PhysicalExpr>],
        ctx: &PhysicalExprDecodeCtx<'_>,
    ) -> Result<Arc<dyn PhysicalExpr>, DataFusionError> {
        self.inner.try_decode_expr(buf, inputs, ctx)
    }

    fn try_encode_expr(
        &self,
        node: &Arc<dyn PhysicalExpr>,
        buf: &mut Vec<u8>,
        ctx: &PhysicalExprEncodeCtx<'_>,
    ) -> Result<(), DataFusionError> {
        self.inner.try_encode_expr(node, buf, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ColSpec, DataType};

    fn checker() -> ArrowChecker {
        let schema = Schema::from_columns(vec![
            ColSpec::new("id", DataType::Long),
            ColSpec::new("city", DataType::String).with_required(false),
        ])
        .unwrap();
        ArrowChecker::for_schema(&schema).with_options(
            CheckOptions::new()
                .with_mode(Mode::MlflowServing)
                .with_extra_columns(ExtraColumns::Reject)
                .with_max_problems(7)
                .with_max_depth(9),
        )
    }

    #[test]
    fn row_errors_comes_back_with_its_signature_and_options() {
        let function = row_errors_udf(&checker(), "bad_rows").unwrap();
        let codec = logical_codec();
        let mut buf = Vec::new();
        codec.try_encode_udf(&function, &mut buf).unwrap();
        assert!(buf.starts_with(MAGIC));
        let decoded = codec.try_decode_udf("bad_rows", &buf).unwrap();
        // Equal by their checkers' schema and options (the functions' identity).
        assert_eq!(*decoded, function);
        let physical = physical_codec();
        let mut buf = Vec::new();
        physical.try_encode_udf(&function, &mut buf).unwrap();
        assert_eq!(
            *physical.try_decode_udf("bad_rows", &buf).unwrap(),
            function
        );
        // Another checker gives another function.
        let other = row_errors_udf(
            &ArrowChecker::for_schema(
                &Schema::from_columns(vec![ColSpec::new("id", DataType::Long)]).unwrap(),
            ),
            "bad_rows",
        )
        .unwrap();
        assert_ne!(*decoded, other);
    }

    #[test]
    fn conform_comes_back_for_its_column() {
        let function = ScalarUDF::new_from_impl(ConformColumn::new(checker(), "city"));
        let mut buf = Vec::new();
        physical_codec()
            .try_encode_udf(&function, &mut buf)
            .unwrap();
        let decoded = physical_codec()
            .try_decode_udf(ConformColumn::NAME, &buf)
            .unwrap();
        assert_eq!(*decoded, function);
    }

    #[test]
    fn other_functions_are_left_to_the_wrapped_codec() {
        let upper = ::datafusion::functions::string::upper();
        let mut buf = Vec::new();
        logical_codec().try_encode_udf(&upper, &mut buf).unwrap();
        assert!(!buf.starts_with(MAGIC));
        // Bytes that are not ours reach Ballista's codec, which names the function it lacks.
        let error = logical_codec().try_decode_udf("upper", b"x").unwrap_err();
        assert!(error.to_string().contains("upper"), "{error}");
    }

    #[test]
    fn unreadable_bytes_are_an_error_naming_the_function() {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(b"{\"function\": \"row_errors\"");
        let error = logical_codec()
            .try_decode_udf("bad_rows", &buf)
            .unwrap_err();
        assert!(error.to_string().contains("function bad_rows"), "{error}");
        // A name other than the one the plan calls is refused.
        let mut buf = Vec::new();
        encode_udf(&row_errors_udf(&checker(), "bad_rows").unwrap(), &mut buf).unwrap();
        let error = logical_codec().try_decode_udf("other", &buf).unwrap_err();
        assert!(error.to_string().contains("names bad_rows"), "{error}");
    }
}
