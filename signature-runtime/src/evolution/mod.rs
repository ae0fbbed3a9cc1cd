//! Signature evolution: whether a model's new signature still works for the clients and
//! consumers built against an older one.
//!
//! ```
//! use signature_runtime::evolution::{Direction, Verdict};
//! use signature_runtime::{CheckOptions, ColSpec, DataType, ModelSignature, Schema};
//!
//! let inputs = |columns| Some(Schema::from_columns(columns).unwrap());
//! let old = ModelSignature::new(inputs(vec![ColSpec::new("sqft", DataType::Long)]), None, None)?;
//! let new = ModelSignature::new(
//!     inputs(vec![ColSpec::new("sqft", DataType::Long), ColSpec::new("city", DataType::String)]),
//!     None,
//!     None,
//! )?;
//!
//! let report = new.compatibility(&old, Direction::Backward, &CheckOptions::new());
//! assert!(!report.is_compatible());
//! let finding = &report.findings()[0];
//! assert_eq!(finding.rule().id(), "input_required_column_added");
//! assert_eq!(finding.place(), "/inputs/city");
//! assert_eq!(finding.verdict(), Verdict::Breaking);
//! # Ok::<(), signature_runtime::SchemaError>(())
//! ```
//!
//! Scalar type changes are not judged from a hand-written table of casts: the checker is the
//! one home of MLflow's casts, which differ per mode and per body format. A type change is
//! decided by checking a fixed set of probe values (integers at the i32, 2^24, 2^53 and i64
//! edges, floats, numeric and other text, booleans, null, base64, datetimes in each form,
//! lists and objects) in every body format against a one-column schema of each type, in the
//! chosen mode: the change is breaking exactly when the writer's type accepts a probe the
//! reader's type refuses, and that probe, put into a whole body, is the finding's *witness*.
//! Nested types (array items, map values, object properties) are compared structurally, the
//! leaves probed inside their nesting.
//!
//! Who writes and who reads: the inputs are written by old clients and read by the new model
//! (checked by [`Direction::Backward`]), the outputs written by the new model and read by old
//! consumers ([`Direction::Forward`]); [`Direction::Full`] checks both. Params are inputs.
//!
#![doc = include_str!("../../docs/compatibility.md")]

mod probe;
mod rules;
mod walk;

use std::fmt;

use serde::{Serialize, Serializer};

pub use rules::Rule;

use crate::check::CheckOptions;
use crate::types::ModelSignature;

/// Which readers a compatibility check protects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The new model reads what old clients send: inputs and params.
    #[default]
    Backward,
    /// Old consumers read what the new model returns: outputs.
    Forward,
    /// Both.
    Full,
}

impl Direction {
    /// The name used on the command line and in JSON (`backward`).
    pub fn name(self) -> &'static str {
        match self {
            Direction::Backward => "backward",
            Direction::Forward => "forward",
            Direction::Full => "full",
        }
    }

    fn covers_inputs(self) -> bool {
        matches!(self, Direction::Backward | Direction::Full)
    }

    fn covers_outputs(self) -> bool {
        matches!(self, Direction::Forward | Direction::Full)
    }
}

/// How bad a change is. Ordered from worst to mildest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Something the old side sent or expected is refused, lost or changes meaning.
    Breaking,
    /// Still accepted, but data is dropped or changed (or a default changes): worth a look.
    Warning,
    /// Nothing that worked stops working.
    Compatible,
}

impl Verdict {
    /// The name used in reports (`breaking`, `warning`, `compatible`).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Warning => "warning",
            Verdict::Compatible => "compatible",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The part of a signature a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The input schema.
    Inputs,
    /// The output schema.
    Outputs,
    /// The parameter schema.
    Params,
}

impl Section {
    /// The key MLflow uses for the section (`inputs`).
    pub fn name(self) -> &'static str {
        match self {
            Section::Inputs => "inputs",
            Section::Outputs => "outputs",
            Section::Params => "params",
        }
    }
}

/// One change between two signatures, with its verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    rule: Rule,
    verdict: Verdict,
    section: Section,
    place: String,
    #[serde(serialize_with = "as_json")]
    old: Option<String>,
    #[serde(serialize_with = "as_json")]
    new: Option<String>,
    message: String,
    #[serde(serialize_with = "as_json")]
    witness: Option<String>,
}

impl Finding {
    /// The kind of change.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// How bad it is, under the mode and extra-column policy the check ran with.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The section.
    pub fn section(&self) -> Section {
        self.section
    }

    /// A JSON pointer into the signature, shaped as MLflow's JSON nests it:
    /// `/inputs/messages/items/properties/role`, `/inputs/image/shape/1`, `/params/top_k`;
    /// positional columns by index (`/inputs/0`).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// The old entry (column, tensor, nested type or param) as MLflow writes it; `None` when
    /// it was added.
    pub fn old_entry(&self) -> Option<&str> {
        self.old.as_deref()
    }

    /// The new entry as MLflow writes it; `None` when it was removed.
    pub fn new_entry(&self) -> Option<&str> {
        self.new.as_deref()
    }

    /// What changed, in a sentence.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For a breaking change to inputs or outputs, a whole body (a scoring request, or a
    /// prediction checked as one) that the writer's schema accepts and the reader's refuses
    /// in the chosen mode, checked with [`JsonChecker`](crate::check::JsonChecker) before it
    /// is reported. `None` when no such body could be built (a mode that accepts nothing for
    /// some required column, say), for params, and once a comparison has checked a million
    /// cells of witness bodies (a witness holds every required column, so witnesses for every
    /// column of a very wide schema would cost the square of its width).
    pub fn witness(&self) -> Option<&str> {
        self.witness.as_deref()
    }
}

/// Strings holding JSON are written as the JSON they hold.
fn as_json<S: Serializer>(text: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    match text
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        Some(Ok(value)) => value.serialize(serializer),
        Some(Err(_)) => text.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Everything [`ModelSignature::compatibility`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Compatibility {
    direction: Direction,
    compatible: bool,
    findings: Vec<Finding>,
}

impl Compatibility {
    /// The direction checked.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether no finding is breaking.
    pub fn is_compatible(&self) -> bool {
        self.compatible
    }

    /// Whether some finding is a warning.
    pub fn has_warnings(&self) -> bool {
        self.findings.iter().any(|f| f.verdict == Verdict::Warning)
    }

    /// Every finding, grouped by section (inputs, outputs, params), breaking ones first in
    /// each, then in signature order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The breaking findings.
    pub fn breaking(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.verdict == Verdict::Breaking)
    }
}

/// Readable text: one line per finding, grouped by section, breaking first, then a summary.
impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut section = None;
        for finding in &self.findings {
            if section != Some(finding.section) {
                section = Some(finding.section);
                writeln!(f, "{}:", finding.section.name())?;
            }
            writeln!(
                f,
                "  {:<10} {} at {}: {}",
                finding.verdict.name(),
                finding.rule.id(),
                finding.place,
                finding.message
            )?;
            if let Some(old) = &finding.old {
                writeln!(f, "{:13}old: {old}", "")?;
            }
            if let Some(new) = &finding.new {
                writeln!(f, "{:13}new: {new}", "")?;
            }
            if let Some(witness) = &finding.witness {
                writeln!(f, "{:13}e.g.: {witness}", "")?;
            }
        }
        let count = |verdict| {
            self.findings
                .iter()
                .filter(|f| f.verdict == verdict)
                .count()
        };
        write!(
            f,
            "{} ({}): {} breaking, {} warning(s), {} compatible change(s)",
            if self.compatible {
                "compatible"
            } else {
                "incompatible"
            },
            self.direction.name(),
            count(Verdict::Breaking),
            count(Verdict::Warning),
            count(Verdict::Compatible),
        )
    }
}

impl ModelSignature {
    /// Compares this (new) signature with an `old` one: every change, each with a rule, a
    /// place, the old and new entries and a verdict. The mode and extra-column policy of
    /// `options` are those the model is served with: they decide which type changes MLflow's
    /// casts absorb, and whether a column old clients still send is dropped (a warning) or
    /// refused (breaking). See the [module docs](crate::evolution) for the rules.
    pub fn compatibility(
        &self,
        old: &ModelSignature,
        direction: Direction,
        options: &CheckOptions,
    ) -> Compatibility {
        let mut findings = walk::compare(old, self, direction, options);
        // A stable sort keeps signature order within each group.
        findings.sort_by_key(|f| (f.section, f.verdict));
        Compatibility {
            direction,
            compatible: !findings.iter().any(|f| f.verdict == Verdict::Breaking),
            findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::probe::Prober;
    use crate::check::CheckOptions;
    use crate::types::{ColumnType, DataType};

    /// The derive's compile-time compatibility check cannot run the checker, so it reads a
    /// table of strict-mode scalar narrowings; this recomputes the table with the checker's
    /// probes, keeping the checker the one home of the casts.
    #[test]
    fn the_derives_scalar_table_is_the_checkers() {
        let mut prober = Prober::new(&CheckOptions::new());
        for (w, writer) in DataType::ALL.into_iter().enumerate() {
            for (r, reader) in DataType::ALL.into_iter().enumerate() {
                let outcome = prober.compare_types(
                    &[],
                    &ColumnType::DataType(writer),
                    &ColumnType::DataType(reader),
                    true,
                );
                assert_eq!(
                    crate::__private::STRICT_NARROWS[w][r],
                    !outcome.refused.is_empty(),
                    "{writer} -> {reader}"
                );
            }
        }
    }
}
