//! The structural comparison: sections, columns, nested types, tensors and params, each change
//! turned into a finding. Inputs are written by the old side and read by the new one; outputs
//! the other way round, so one walk over (writer, reader) serves both.

use serde_json::Value;

use super::probe::{self, Fragment, Key, Prober, Step, TypeOutcome};
use super::{Direction, Finding, Rule, Section, Verdict};
use crate::check::{CheckOptions, ExtraColumns};
use crate::mlflow::{col_spec_json, column_type_json, param_spec_json, tensor_spec_json};
use crate::types::{
    ColSpec, ColumnName, ColumnType, ModelSignature, Object, ParamSchema, ParamValue, Schema,
    SchemaInputs, TensorSpec,
};

pub(super) fn compare(
    old: &ModelSignature,
    new: &ModelSignature,
    direction: Direction,
    options: &CheckOptions,
) -> Vec<Finding> {
    let mut prober = Prober::new(options);
    let mut findings = Vec::new();
    if direction.covers_inputs() {
        compare_schemas(
            Section::Inputs,
            old.inputs(),
            new.inputs(),
            options,
            &mut prober,
            &mut findings,
        );
        compare_params(old.params(), new.params(), &mut findings);
    }
    if direction.covers_outputs() {
        compare_schemas(
            Section::Outputs,
            old.outputs(),
            new.outputs(),
            options,
            &mut prober,
            &mut findings,
        );
    }
    findings
}

/// A JSON pointer token (RFC 6901).
fn token(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

fn compare_schemas(
    section: Section,
    old: Option<&Schema>,
    new: Option<&Schema>,
    options: &CheckOptions,
    prober: &mut Prober,
    findings: &mut Vec<Finding>,
) {
    let inputs = section == Section::Inputs;
    let place = format!("/{}", section.name());
    let whole =
        |rule, verdict, old: Option<&Schema>, new: Option<&Schema>, message: &str| Finding {
            rule,
            verdict,
            section,
            place: place.clone(),
            old: old.map(Schema::to_json),
            new: new.map(Schema::to_json),
            message: message.to_owned(),
            witness: None,
        };
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(_)) => {
            findings.push(if inputs {
                whole(
                    Rule::InputSchemaAdded,
                    Verdict::Breaking,
                    old,
                    new,
                    "the model now checks its inputs; old clients' bodies were never checked",
                )
            } else {
                whole(
                    Rule::OutputSchemaAdded,
                    Verdict::Compatible,
                    old,
                    new,
                    "the outputs are now declared",
                )
            });
            return;
        }
        (Some(_), None) => {
            findings.push(if inputs {
                whole(
                    Rule::InputSchemaRemoved,
                    Verdict::Compatible,
                    old,
                    new,
                    "the model no longer checks its inputs",
                )
            } else {
                whole(
                    Rule::OutputSchemaRemoved,
                    Verdict::Warning,
                    old,
                    new,
                    "the outputs are no longer declared: nothing promises old consumers theirs",
                )
            });
            return;
        }
        (Some(old), Some(new)) => (old, new),
    };
    let (writer, reader) = if inputs { (old, new) } else { (new, old) };
    let mut walk = SchemaWalk {
        section,
        writer,
        reader,
        extra: options.extra_columns(),
        prober,
        findings,
    };
    walk.schemas(old, new);
}

struct SchemaWalk<'a> {
    section: Section,
    writer: &'a Schema,
    reader: &'a Schema,
    extra: ExtraColumns,
    prober: &'a mut Prober,
    findings: &'a mut Vec<Finding>,
}

/// One finding before it is placed: the entries are the writer's and the reader's.
struct Change {
    rule: Rule,
    verdict: Verdict,
    place: String,
    writer: Option<String>,
    reader: Option<String>,
    message: String,
    witness: Option<String>,
}

impl SchemaWalk<'_> {
    fn inputs(&self) -> bool {
        self.section == Section::Inputs
    }

    /// The rule for this section: the same change is named from the old side's point of view.
    fn pick(&self, input: Rule, output: Rule) -> Rule {
        if self.inputs() { input } else { output }
    }

    fn push(&mut self, change: Change) {
        let (old, new) = if self.inputs() {
            (change.writer, change.reader)
        } else {
            (change.reader, change.writer)
        };
        self.findings.push(Finding {
            rule: change.rule,
            verdict: change.verdict,
            section: self.section,
            place: change.place,
            old,
            new,
            message: change.message,
            witness: change.witness,
        });
    }

    fn place(&self, entry: &str) -> String {
        format!("/{}/{}", self.section.name(), token(entry))
    }

    /// A body the writer's schema accepts as it is, shown when the reader refuses it.
    fn any_witness(&mut self) -> Option<String> {
        match self.writer.inputs() {
            SchemaInputs::Columns(_) => self.prober.column_witness(
                self.writer,
                self.reader,
                &Key::Index(usize::MAX),
                &[(None, None)],
            ),
            SchemaInputs::Tensors(_) => self.prober.tensor_witness(self.writer, self.reader, &[]),
        }
    }

    fn schemas(&mut self, old: &Schema, new: &Schema) {
        let place = format!("/{}", self.section.name());
        if old.is_tensor_spec() != new.is_tensor_spec() {
            let kinds = |s: &Schema| {
                if s.is_tensor_spec() {
                    "tensors"
                } else {
                    "columns"
                }
            };
            let change = Change {
                rule: self.pick(Rule::InputSchemaKindChanged, Rule::OutputSchemaKindChanged),
                verdict: Verdict::Breaking,
                place,
                writer: Some(self.writer.to_json()),
                reader: Some(self.reader.to_json()),
                message: format!("{} became {}", kinds(old), kinds(new)),
                witness: self.any_witness(),
            };
            self.push(change);
            return;
        }
        if old.has_input_names() != new.has_input_names() {
            let naming = |s: &Schema| {
                if s.has_input_names() {
                    "named"
                } else {
                    "positional"
                }
            };
            // A positional reader takes a named writer's columns in order, so the checker
            // decides: breaking only when one of the writer's own bodies is refused.
            let witness = self.any_witness();
            let (verdict, consequence) = if witness.is_some() {
                (Verdict::Breaking, "a body that was accepted is refused")
            } else {
                (
                    Verdict::Warning,
                    "the probed bodies are still accepted, now matched by position",
                )
            };
            let change = Change {
                rule: self.pick(
                    Rule::InputSchemaNamingChanged,
                    Rule::OutputSchemaNamingChanged,
                ),
                verdict,
                place,
                writer: Some(self.writer.to_json()),
                reader: Some(self.reader.to_json()),
                message: format!(
                    "{} entries became {}: {consequence}",
                    naming(old),
                    naming(new)
                ),
                witness,
            };
            self.push(change);
            return;
        }
        let (writer, reader) = (self.writer, self.reader);
        match (writer.inputs(), reader.inputs()) {
            (SchemaInputs::Columns(w), SchemaInputs::Columns(r))
                if probe::is_named_columns(writer) =>
            {
                let before = self.findings.len();
                self.named_columns(w, r);
                let broken = self.findings[before..]
                    .iter()
                    .any(|f| f.verdict == Verdict::Breaking);
                if !broken {
                    self.layout();
                }
            }
            (SchemaInputs::Columns(w), SchemaInputs::Columns(r)) => self.positional_columns(w, r),
            (SchemaInputs::Tensors(w), SchemaInputs::Tensors(r)) => self.tensors(w, r),
            _ => {}
        }
    }

    /// The last word for a section whose columns all passed: whole bodies of the writer's
    /// ordinary values, every layout, one and two rows, all columns or the required ones, must
    /// still pass. This catches what no column explains, such as an `inputs` object read as
    /// one row once the schema has an array or object column.
    fn layout(&mut self) {
        let Some(witness) = self.prober.layout_witness(self.writer, self.reader) else {
            return;
        };
        let message = if self.inputs() {
            "a body of the old columns' ordinary values is refused by the new schema as a whole (an `inputs` object is one row when the schema has an array or object column)"
        } else {
            "a prediction of the new columns' ordinary values is refused by the old schema as a whole (an `inputs` object is one row when the schema has an array or object column)"
        };
        let change = Change {
            rule: self.pick(Rule::InputBodyLayoutChanged, Rule::OutputBodyLayoutChanged),
            verdict: Verdict::Breaking,
            place: format!("/{}", self.section.name()),
            writer: Some(self.writer.to_json()),
            reader: Some(self.reader.to_json()),
            message: message.to_owned(),
            witness: Some(witness),
        };
        self.push(change);
    }

    fn named_columns(&mut self, writer: &[ColSpec], reader: &[ColSpec]) {
        for (index, r) in reader.iter().enumerate() {
            let Some(name) = r.name() else { continue };
            let place = self.place(&name.to_string());
            let key = Key::Name(name.clone());
            match counterpart(reader, index, writer, ColSpec::name) {
                None if r.required() => {
                    let witness =
                        self.prober
                            .column_witness(self.writer, self.reader, &key, &[(None, None)]);
                    let message = if self.inputs() {
                        format!("new required column `{name}`: old clients do not send it")
                    } else {
                        format!("column `{name}` is gone: old consumers require it")
                    };
                    self.push(Change {
                        rule: self.pick(
                            Rule::InputRequiredColumnAdded,
                            Rule::OutputRequiredColumnRemoved,
                        ),
                        verdict: Verdict::Breaking,
                        place,
                        writer: None,
                        reader: Some(col_spec_json(r)),
                        message,
                        witness,
                    });
                }
                None => {
                    let (rule, verdict, message) = if self.inputs() {
                        (
                            Rule::InputOptionalColumnAdded,
                            Verdict::Compatible,
                            format!("new optional column `{name}`"),
                        )
                    } else {
                        (
                            Rule::OutputOptionalColumnRemoved,
                            Verdict::Warning,
                            format!("optional column `{name}` is gone: old consumers never get it"),
                        )
                    };
                    self.push(Change {
                        rule,
                        verdict,
                        place,
                        writer: None,
                        reader: Some(col_spec_json(r)),
                        message,
                        witness: None,
                    });
                }
                Some(w) => {
                    self.presence(w, r, &key, &place, name);
                    self.column_type(&key, w, &[], w.ty(), r.ty(), &place);
                }
            }
        }
        for (index, w) in writer.iter().enumerate() {
            let Some(name) = w.name() else { continue };
            if counterpart(writer, index, reader, ColSpec::name).is_some() {
                continue;
            }
            let place = self.place(&name.to_string());
            let rule = self.pick(Rule::InputColumnRemoved, Rule::OutputColumnAdded);
            let (verdict, witness, message) = match self.extra {
                ExtraColumns::Reject => {
                    let cells = probe::samples(w.ty())
                        .into_iter()
                        .map(|v| (None, Some(vec![v])))
                        .collect::<Vec<_>>();
                    let witness = self.prober.column_witness(
                        self.writer,
                        self.reader,
                        &Key::Name(name.clone()),
                        &cells,
                    );
                    let message = if self.inputs() {
                        format!(
                            "column `{name}` is gone and extra columns are refused: old clients send it"
                        )
                    } else {
                        format!("new column `{name}`, and old consumers refuse extra columns")
                    };
                    (Verdict::Breaking, witness, message)
                }
                ExtraColumns::Ignore if self.inputs() => (
                    Verdict::Warning,
                    None,
                    format!("column `{name}` is gone: what old clients send in it is dropped"),
                ),
                ExtraColumns::Ignore => (
                    Verdict::Compatible,
                    None,
                    format!("new column `{name}` (old consumers ignore it)"),
                ),
            };
            self.push(Change {
                rule,
                verdict,
                place,
                writer: Some(col_spec_json(w)),
                reader: None,
                message,
                witness,
            });
        }
    }

    /// Optional ↔ required for a column both sides have.
    fn presence(&mut self, w: &ColSpec, r: &ColSpec, key: &Key, place: &str, name: &ColumnName) {
        if w.required() == r.required() {
            return;
        }
        let (rule, verdict, witness, message) = if r.required() {
            let witness =
                self.prober
                    .column_witness(self.writer, self.reader, key, &[(None, None)]);
            let message = if self.inputs() {
                format!("column `{name}` became required: old clients may leave it out")
            } else {
                format!("column `{name}` became optional: old consumers require it")
            };
            (
                self.pick(
                    Rule::InputColumnMadeRequired,
                    Rule::OutputColumnMadeOptional,
                ),
                Verdict::Breaking,
                witness,
                message,
            )
        } else {
            let message = if self.inputs() {
                format!("column `{name}` became optional")
            } else {
                format!("column `{name}` became required")
            };
            (
                self.pick(
                    Rule::InputColumnMadeOptional,
                    Rule::OutputColumnMadeRequired,
                ),
                Verdict::Compatible,
                None,
                message,
            )
        };
        self.push(Change {
            rule,
            verdict,
            place: place.to_owned(),
            writer: Some(col_spec_json(w)),
            reader: Some(col_spec_json(r)),
            message,
            witness,
        });
    }

    /// Compares the types at `steps` inside the column `column` (the writer's).
    fn column_type(
        &mut self,
        key: &Key,
        column: &ColSpec,
        steps: &[Step],
        w: &ColumnType,
        r: &ColumnType,
        place: &str,
    ) {
        if w == r {
            return;
        }
        let deeper = |step: Step| {
            let mut steps = steps.to_vec();
            steps.push(step);
            steps
        };
        match (w, r) {
            (ColumnType::Array(wa), ColumnType::Array(ra)) => self.column_type(
                key,
                column,
                &deeper(Step::Items),
                wa.items(),
                ra.items(),
                &format!("{place}/items"),
            ),
            (ColumnType::Map(wm), ColumnType::Map(rm)) => self.column_type(
                key,
                column,
                &deeper(Step::Values),
                wm.values(),
                rm.values(),
                &format!("{place}/values"),
            ),
            (ColumnType::Object(wo), ColumnType::Object(ro)) => {
                self.objects(key, column, steps, wo, ro, place);
            }
            _ => {
                let outcome = self.prober.compare_types(steps, w, r, column.required());
                self.type_finding(key, column, steps, w, r, place, outcome);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn type_finding(
        &mut self,
        key: &Key,
        column: &ColSpec,
        steps: &[Step],
        w: &ColumnType,
        r: &ColumnType,
        place: &str,
        outcome: TypeOutcome,
    ) {
        let (old, new) = if self.inputs() { (w, r) } else { (r, w) };
        let (rule, verdict, witness, message) = if let Some(first) = outcome.refused.first() {
            // The first refused probe that fits a whole body is the witness, and the message
            // names it.
            let (fragment, witness) = outcome
                .refused
                .iter()
                .find_map(|fragment| {
                    let witness = self.fragment_witness(key, column, steps, fragment)?;
                    Some((fragment, Some(witness)))
                })
                .unwrap_or((first, None));
            let message = if self.inputs() {
                format!(
                    "{old} became {new}, which refuses {} (in {} bodies)",
                    show(&fragment.values),
                    fragment.format.name()
                )
            } else {
                format!(
                    "{old} became {new}, which allows {} that old consumers refuse",
                    show(&fragment.values)
                )
            };
            (
                self.pick(Rule::InputTypeNarrowed, Rule::OutputTypeWidened),
                Verdict::Breaking,
                witness,
                message,
            )
        } else if let Some(fragment) = outcome.cast {
            let message = format!(
                "{old} became {new}: still accepted, but MLflow changes {} (in {} bodies)",
                show(&fragment.values),
                fragment.format.name()
            );
            (
                self.pick(Rule::InputTypeCast, Rule::OutputTypeCast),
                Verdict::Warning,
                None,
                message,
            )
        } else {
            let message = if self.inputs() {
                format!("{old} became {new}, which accepts every probed value {old} accepts")
            } else {
                format!("{old} became {new}, whose every probed value {old} accepts")
            };
            (
                self.pick(Rule::InputTypeWidened, Rule::OutputTypeNarrowed),
                Verdict::Compatible,
                None,
                message,
            )
        };
        self.push(Change {
            rule,
            verdict,
            place: place.to_owned(),
            writer: Some(column_type_json(w)),
            reader: Some(column_type_json(r)),
            message,
            witness,
        });
    }

    /// The probe's values put into the writer's whole column, then into a whole body.
    fn fragment_witness(
        &mut self,
        key: &Key,
        column: &ColSpec,
        steps: &[Step],
        fragment: &Fragment,
    ) -> Option<String> {
        let cells: Option<Vec<Value>> = fragment
            .values
            .iter()
            .map(|value| {
                probe::fill(column.ty(), steps, &|_| vec![value.clone()])
                    .into_iter()
                    .next()
            })
            .collect();
        let cells = cells?;
        self.prober.column_witness(
            self.writer,
            self.reader,
            key,
            &[(Some(fragment.format), Some(cells))],
        )
    }

    /// Witness candidates: the writer's column holding each object `objects` gives at `steps`.
    fn object_witness(
        &mut self,
        key: &Key,
        column: &ColSpec,
        steps: &[Step],
        objects: &dyn Fn(&Object) -> Vec<Value>,
    ) -> Option<String> {
        let cells = probe::fill(column.ty(), steps, &|ty| match ty {
            ColumnType::Object(object) => objects(object),
            _ => Vec::new(),
        });
        let candidates: Vec<_> = cells.into_iter().map(|c| (None, Some(vec![c]))).collect();
        self.prober
            .column_witness(self.writer, self.reader, key, &candidates)
    }

    fn objects(
        &mut self,
        key: &Key,
        column: &ColSpec,
        steps: &[Step],
        wo: &Object,
        ro: &Object,
        place: &str,
    ) {
        for rp in ro.properties() {
            let name = rp.name();
            let pplace = format!("{place}/properties/{}", token(name));
            match wo.property(name) {
                None => {
                    let (rule, verdict, witness, message) = if rp.required() {
                        let witness = self.object_witness(key, column, steps, &|o| {
                            vec![
                                Value::Object(probe::object_sample(o, None, false)),
                                Value::Object(probe::object_sample(o, None, true)),
                            ]
                        });
                        let message = if self.inputs() {
                            format!("new required property `{name}`: old clients do not send it")
                        } else {
                            format!("property `{name}` is gone: old consumers require it")
                        };
                        (
                            self.pick(
                                Rule::InputRequiredPropertyAdded,
                                Rule::OutputRequiredPropertyRemoved,
                            ),
                            Verdict::Breaking,
                            witness,
                            message,
                        )
                    } else if self.inputs() {
                        (
                            Rule::InputOptionalPropertyAdded,
                            Verdict::Compatible,
                            None,
                            format!("new optional property `{name}`"),
                        )
                    } else {
                        (
                            Rule::OutputOptionalPropertyRemoved,
                            Verdict::Warning,
                            None,
                            format!(
                                "optional property `{name}` is gone: old consumers never get it"
                            ),
                        )
                    };
                    self.push(Change {
                        rule,
                        verdict,
                        place: pplace,
                        writer: None,
                        reader: Some(column_type_json(rp.dtype())),
                        message,
                        witness,
                    });
                }
                Some(wp) => {
                    if wp.required() != rp.required() {
                        let (rule, verdict, witness, message) = if rp.required() {
                            let witness = self.object_witness(key, column, steps, &|o| {
                                vec![Value::Object(probe::object_sample(o, Some(name), true))]
                            });
                            let message = if self.inputs() {
                                format!(
                                    "property `{name}` became required: old clients may leave it out"
                                )
                            } else {
                                format!(
                                    "property `{name}` became optional: old consumers require it"
                                )
                            };
                            (
                                self.pick(
                                    Rule::InputPropertyMadeRequired,
                                    Rule::OutputPropertyMadeOptional,
                                ),
                                Verdict::Breaking,
                                witness,
                                message,
                            )
                        } else {
                            (
                                self.pick(
                                    Rule::InputPropertyMadeOptional,
                                    Rule::OutputPropertyMadeRequired,
                                ),
                                Verdict::Compatible,
                                None,
                                format!(
                                    "property `{name}` became {}",
                                    if self.inputs() {
                                        "optional"
                                    } else {
                                        "required"
                                    }
                                ),
                            )
                        };
                        self.push(Change {
                            rule,
                            verdict,
                            place: pplace.clone(),
                            writer: Some(column_type_json(wp.dtype())),
                            reader: Some(column_type_json(rp.dtype())),
                            message,
                            witness,
                        });
                    }
                    let mut inner = steps.to_vec();
                    inner.push(Step::Property {
                        name: name.to_owned(),
                        required: wp.required(),
                    });
                    self.column_type(key, column, &inner, wp.dtype(), rp.dtype(), &pplace);
                }
            }
        }
        for wp in wo.properties() {
            let name = wp.name();
            if ro.property(name).is_some() {
                continue;
            }
            let witness = self.object_witness(key, column, steps, &|o| {
                let mut with = probe::object_sample(o, None, false);
                if let Some(value) = probe::samples(wp.dtype()).into_iter().next() {
                    with.insert(name.to_owned(), value);
                }
                vec![Value::Object(with)]
            });
            let message = if self.inputs() {
                format!(
                    "property `{name}` is gone: objects refuse keys they do not declare, and old clients send it"
                )
            } else {
                format!(
                    "new property `{name}`: old consumers' objects refuse keys they do not declare"
                )
            };
            self.push(Change {
                rule: self.pick(Rule::InputPropertyRemoved, Rule::OutputPropertyAdded),
                verdict: Verdict::Breaking,
                place: format!("{place}/properties/{}", token(name)),
                writer: Some(column_type_json(wp.dtype())),
                reader: None,
                message,
                witness,
            });
        }
    }

    fn positional_columns(&mut self, writer: &[ColSpec], reader: &[ColSpec]) {
        for index in 0..writer.len().max(reader.len()) {
            let place = self.place(&index.to_string());
            match (writer.get(index), reader.get(index)) {
                (Some(w), Some(r)) => {
                    self.column_type(&Key::Index(index), w, &[], w.ty(), r.ty(), &place);
                }
                (None, Some(r)) => {
                    let witness = self.any_witness();
                    let message = if self.inputs() {
                        format!("new column at position {index}: old clients' rows are too short")
                    } else {
                        format!("column {index} is gone: old consumers read it")
                    };
                    self.push(Change {
                        rule: self.pick(
                            Rule::InputRequiredColumnAdded,
                            Rule::OutputRequiredColumnRemoved,
                        ),
                        verdict: Verdict::Breaking,
                        place,
                        writer: None,
                        reader: Some(col_spec_json(r)),
                        message,
                        witness,
                    });
                }
                (Some(w), None) => {
                    // Whether rows longer than the schema are refused is the checker's call
                    // (per mode and extra-column policy): breaking only with a refused body.
                    let witness = self.any_witness();
                    let verdict = if witness.is_some() {
                        Verdict::Breaking
                    } else {
                        Verdict::Warning
                    };
                    let message = match (self.inputs(), witness.is_some()) {
                        (true, true) => format!(
                            "column at position {index} is gone: old clients' rows are refused as too long"
                        ),
                        (true, false) => format!(
                            "column at position {index} is gone: what old clients send there is dropped"
                        ),
                        (false, true) => format!(
                            "new column at position {index}: old consumers refuse the longer rows"
                        ),
                        (false, false) => {
                            format!("new column at position {index}: old consumers drop it")
                        }
                    };
                    self.push(Change {
                        rule: self.pick(Rule::InputColumnRemoved, Rule::OutputColumnAdded),
                        verdict,
                        place,
                        writer: Some(col_spec_json(w)),
                        reader: None,
                        message,
                        witness,
                    });
                }
                (None, None) => {}
            }
        }
    }

    fn tensors(&mut self, writer: &[TensorSpec], reader: &[TensorSpec]) {
        let label = |t: &TensorSpec, index: usize| {
            t.name()
                .map_or_else(|| index.to_string(), ToString::to_string)
        };
        for (index, r) in reader.iter().enumerate() {
            let place = self.place(&label(r, index));
            match counterpart(reader, index, writer, TensorSpec::name) {
                None => {
                    let witness = self.any_witness();
                    self.push(Change {
                        rule: self.pick(Rule::InputTensorAdded, Rule::OutputTensorRemoved),
                        verdict: Verdict::Breaking,
                        place,
                        writer: None,
                        reader: Some(tensor_spec_json(r)),
                        message: if self.inputs() {
                            format!(
                                "new tensor `{}`: old clients do not send it",
                                label(r, index)
                            )
                        } else {
                            format!(
                                "tensor `{}` is gone: old consumers read it",
                                label(r, index)
                            )
                        },
                        witness,
                    });
                }
                Some(w) => {
                    self.dtype(w, r, &place);
                    self.shape(w, r, &place);
                }
            }
        }
        for (index, w) in writer.iter().enumerate() {
            if counterpart(writer, index, reader, TensorSpec::name).is_some() {
                continue;
            }
            let name = label(w, index);
            let (verdict, witness, message) = match self.extra {
                ExtraColumns::Reject => (
                    Verdict::Breaking,
                    self.any_witness(),
                    if self.inputs() {
                        format!("tensor `{name}` is gone and extra inputs are refused")
                    } else {
                        format!("new tensor `{name}`, and old consumers refuse extra ones")
                    },
                ),
                ExtraColumns::Ignore if self.inputs() => (
                    Verdict::Warning,
                    None,
                    format!("tensor `{name}` is gone: what old clients send in it is dropped"),
                ),
                ExtraColumns::Ignore => (
                    Verdict::Compatible,
                    None,
                    format!("new tensor `{name}` (old consumers ignore it)"),
                ),
            };
            self.push(Change {
                rule: self.pick(Rule::InputTensorRemoved, Rule::OutputTensorAdded),
                verdict,
                place: self.place(&name),
                writer: Some(tensor_spec_json(w)),
                reader: None,
                message,
                witness,
            });
        }
    }

    fn dtype(&mut self, w: &TensorSpec, r: &TensorSpec, place: &str) {
        if w.dtype() == r.dtype() {
            return;
        }
        let (old, new) = if self.inputs() {
            (w.dtype(), r.dtype())
        } else {
            (r.dtype(), w.dtype())
        };
        let outcome = self.prober.compare_dtypes(w.dtype(), r.dtype());
        let (rule, verdict, witness, message) = if let Some(first) = outcome.refused.first() {
            let (fragment, witness) = outcome
                .refused
                .iter()
                .find_map(|fragment| {
                    let element = fragment.values.first()?;
                    let tensor = probe::tensor_value(w.shape(), None, element)?;
                    let witness = self.prober.tensor_witness(
                        self.writer,
                        self.reader,
                        &[(w.name().cloned(), Some(tensor))],
                    )?;
                    Some((fragment, Some(witness)))
                })
                .unwrap_or((first, None));
            (
                self.pick(
                    Rule::InputTensorDtypeNarrowed,
                    Rule::OutputTensorDtypeWidened,
                ),
                Verdict::Breaking,
                witness,
                format!(
                    "dtype {old} became {new}: {} is accepted by the {} and refused by the {}",
                    show(&fragment.values),
                    if self.inputs() { "old" } else { "new" },
                    if self.inputs() { "new" } else { "old" },
                ),
            )
        } else if let Some(fragment) = outcome.cast {
            (
                self.pick(Rule::InputTensorDtypeCast, Rule::OutputTensorDtypeCast),
                Verdict::Warning,
                None,
                format!(
                    "dtype {old} became {new}: still accepted, but MLflow changes {}",
                    show(&fragment.values)
                ),
            )
        } else {
            (
                self.pick(
                    Rule::InputTensorDtypeWidened,
                    Rule::OutputTensorDtypeNarrowed,
                ),
                Verdict::Compatible,
                None,
                format!("dtype {old} became {new}, with no probed element lost"),
            )
        };
        self.push(Change {
            rule,
            verdict,
            place: format!("{place}/dtype"),
            writer: Some(tensor_spec_json(w)),
            reader: Some(tensor_spec_json(r)),
            message,
            witness,
        });
    }

    fn shape(&mut self, w: &TensorSpec, r: &TensorSpec, place: &str) {
        let (ws, rs) = (w.shape(), r.shape());
        if ws == rs {
            return;
        }
        let (old, new) = if self.inputs() { (ws, rs) } else { (rs, ws) };
        let element = self.prober.element_sample(w.dtype());
        let witness_with = |this: &mut Self, dimension: Option<(usize, i64)>| {
            let tensor = probe::tensor_value(ws, dimension, element.as_ref()?)?;
            this.prober.tensor_witness(
                this.writer,
                this.reader,
                &[(w.name().cloned(), Some(tensor))],
            )
        };
        if ws.len() != rs.len() {
            let witness = witness_with(self, None);
            self.push(Change {
                rule: self.pick(Rule::InputTensorRankChanged, Rule::OutputTensorRankChanged),
                verdict: Verdict::Breaking,
                place: format!("{place}/shape"),
                writer: Some(tensor_spec_json(w)),
                reader: Some(tensor_spec_json(r)),
                message: format!("shape {old:?} became {new:?}"),
                witness,
            });
            return;
        }
        for (index, (&wd, &rd)) in ws.iter().zip(rs).enumerate() {
            if wd == rd {
                continue;
            }
            let (od, nd) = if self.inputs() { (wd, rd) } else { (rd, wd) };
            let (rule, verdict, witness) = match (od < 0, nd < 0) {
                (false, false) => (
                    self.pick(
                        Rule::InputTensorDimensionChanged,
                        Rule::OutputTensorDimensionChanged,
                    ),
                    Verdict::Breaking,
                    witness_with(self, None),
                ),
                (true, _) if self.inputs() => (
                    Rule::InputTensorDimensionMadeFixed,
                    Verdict::Breaking,
                    witness_with(self, Some((index, rd + 1))),
                ),
                (true, _) => (
                    Rule::OutputTensorDimensionMadeFixed,
                    Verdict::Compatible,
                    None,
                ),
                (false, true) if self.inputs() => (
                    Rule::InputTensorDimensionMadeVariable,
                    Verdict::Compatible,
                    None,
                ),
                (false, true) => (
                    Rule::OutputTensorDimensionMadeVariable,
                    Verdict::Breaking,
                    witness_with(self, Some((index, rd + 1))),
                ),
            };
            self.push(Change {
                rule,
                verdict,
                place: format!("{place}/shape/{index}"),
                writer: Some(tensor_spec_json(w)),
                reader: Some(tensor_spec_json(r)),
                message: format!("dimension {index} went from {od} to {nd}"),
                witness,
            });
        }
    }
}

/// Probe values for a message: `1.5`, or `[1, null]` for a column of two.
/// The entry of `other` that `side[index]` is compared with: the one of the same name, and
/// with repeated names (MLflow's schemas allow them) the same occurrence of that name, so
/// that a signature compared with itself pairs every entry with itself.
fn counterpart<'a, T>(
    side: &[T],
    index: usize,
    other: &'a [T],
    name: impl for<'x> Fn(&'x T) -> Option<&'x ColumnName>,
) -> Option<&'a T> {
    let wanted = name(&side[index]);
    let occurrence = side[..index].iter().filter(|e| name(e) == wanted).count();
    other.iter().filter(|e| name(e) == wanted).nth(occurrence)
}

fn show(values: &[Value]) -> String {
    match values {
        [one] => one.to_string(),
        many => Value::Array(many.to_vec()).to_string(),
    }
}

fn compare_params(
    old: Option<&ParamSchema>,
    new: Option<&ParamSchema>,
    findings: &mut Vec<Finding>,
) {
    let empty = ParamSchema::default();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut push = |rule, verdict, name: &str, old, new, message: String| {
        findings.push(Finding {
            rule,
            verdict,
            section: Section::Params,
            place: format!("/params/{}", token(name)),
            old,
            new,
            message,
            witness: None,
        });
    };
    for np in new.params() {
        let name = np.name();
        let Some(op) = old.param(name) else {
            let (rule, verdict, message) = if *np.default() == ParamValue::Null {
                (
                    Rule::ParamAddedWithoutDefault,
                    Verdict::Warning,
                    format!("new param `{name}` defaults to null: old clients' calls get None"),
                )
            } else {
                (
                    Rule::ParamAdded,
                    Verdict::Compatible,
                    format!("new param `{name}`, default {}", np.default().to_json()),
                )
            };
            push(
                rule,
                verdict,
                name,
                None,
                Some(param_spec_json(np)),
                message,
            );
            continue;
        };
        let (old_json, new_json) = (Some(param_spec_json(op)), Some(param_spec_json(np)));
        if op.dtype() != np.dtype() {
            let message = format!("param `{name}` went from {} to {}", op.dtype(), np.dtype());
            push(
                Rule::ParamTypeChanged,
                Verdict::Breaking,
                name,
                old_json.clone(),
                new_json.clone(),
                message,
            );
        }
        if op.shape() != np.shape() {
            let message = format!(
                "param `{name}` went from shape {} to {}",
                op.shape(),
                np.shape()
            );
            push(
                Rule::ParamShapeChanged,
                Verdict::Breaking,
                name,
                old_json.clone(),
                new_json.clone(),
                message,
            );
        }
        if op.dtype() == np.dtype() && op.shape() == np.shape() && op.default() != np.default() {
            let message = format!(
                "param `{name}`'s default went from {} to {}: old clients that omit it get the new one",
                op.default().to_json(),
                np.default().to_json()
            );
            push(
                Rule::ParamDefaultChanged,
                Verdict::Warning,
                name,
                old_json,
                new_json,
                message,
            );
        }
    }
    for op in old.params() {
        if new.param(op.name()).is_none() {
            let message = format!(
                "param `{}` is gone: old clients that send it are ignored silently",
                op.name()
            );
            push(
                Rule::ParamRemoved,
                Verdict::Breaking,
                op.name(),
                Some(param_spec_json(op)),
                None,
                message,
            );
        }
    }
}
