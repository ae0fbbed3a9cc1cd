//! How a check runs: the mode (whose decisions it makes), the policy for columns the signature
//! does not declare, and its limits.
//!
//! The vocabulary both checkers share, the JSON body checker ([`crate::check`]) and the frame
//! checkers (`crate::frame`), so neither imports the other: they are peers above this module.
//! The types are re-exported at the crate root and from [`crate::check`], where users find them.

/// Which decisions a check makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// No lossy conversion: what passes decodes exactly into the signature's Rust types
    /// (see the table in the [`check` module docs](crate::check)).
    #[default]
    Strict,
    /// The accept/reject decisions of MLflow's scoring server (`/invocations`) for the same
    /// body: its lenient pandas/numpy casts first, then `pyfunc`'s schema enforcement. Where
    /// MLflow would change a value (truncating `5.5` to 5, reading `"false"` as true), the
    /// value is accepted with a `value_changed` warning saying what MLflow will do.
    MlflowServing,
    /// The decisions of `pyfunc.predict` on the DataFrame (or arrays) built from the body
    /// without casting: MLflow's dtype-based schema enforcement alone.
    MlflowPredict,
}

/// What to do with columns the signature does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExtraColumns {
    /// Report them as warnings and accept the input: MLflow's behaviour (it drops them).
    #[default]
    Ignore,
    /// Report them as errors.
    Reject,
}

/// How a check runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    // Read directly by the JSON checker's hot loops, as before the type moved here.
    pub(crate) mode: Mode,
    pub(crate) extra_columns: ExtraColumns,
    pub(crate) max_problems: usize,
    pub(crate) max_depth: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            mode: Mode::Strict,
            extra_columns: ExtraColumns::Ignore,
            max_problems: 100,
            // serde_json refuses the 128th level when building values: agree with it.
            max_depth: 127,
        }
    }
}

impl CheckOptions {
    /// The defaults: strict, extra columns ignored with a warning, 100 problems listed,
    /// nesting up to 127 levels (as serde_json).
    pub fn new() -> Self {
        CheckOptions::default()
    }

    /// With another mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// With another extra-column policy.
    #[must_use]
    pub fn with_extra_columns(mut self, policy: ExtraColumns) -> Self {
        self.extra_columns = policy;
        self
    }

    /// Listing at most `max` problems (all are still counted).
    #[must_use]
    pub fn with_max_problems(mut self, max: usize) -> Self {
        self.max_problems = max;
        self
    }

    /// Accepting JSON nested at most `max` levels deep.
    #[must_use]
    pub fn with_max_depth(mut self, max: usize) -> Self {
        self.max_depth = max;
        self
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The extra-column policy.
    pub fn extra_columns(&self) -> ExtraColumns {
        self.extra_columns
    }

    /// How many problems are listed at most.
    pub fn max_problems(&self) -> usize {
        self.max_problems
    }

    /// How deep JSON may nest.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }
}
