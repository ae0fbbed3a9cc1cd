//! `ModelSignature::compatibility`: one case per rule and direction, with both verdicts where
//! the mode or the extra-column policy decides; every breaking witness is checked here again
//! with the checker against the whole old and new schemas.

use std::collections::BTreeSet;

use signature_runtime::evolution::{Direction, Finding, Rule, Section, Verdict};
use signature_runtime::{
    CheckOptions, ExtraColumns, JsonChecker, Mode, ModelSignature, ParamSchema, Schema,
};

mod evolution_props;

fn schema(json: &str) -> Option<Schema> {
    (!json.is_empty()).then(|| Schema::from_json(json).expect("test schema"))
}

fn sig(inputs: &str, outputs: &str, params: &str) -> ModelSignature {
    let params = (!params.is_empty()).then(|| ParamSchema::from_json(params).expect("params"));
    ModelSignature::new(schema(inputs), schema(outputs), params).expect("test signature")
}

fn inputs(json: &str) -> ModelSignature {
    sig(json, "", "")
}

fn outputs(json: &str) -> ModelSignature {
    sig("", json, "")
}

fn params(json: &str) -> ModelSignature {
    sig("", "", json)
}

/// Columns from `(name, type fields, required)`.
fn cols(columns: &[(&str, &str, bool)]) -> String {
    let specs: Vec<String> = columns
        .iter()
        .map(|(name, ty, required)| {
            format!(r#"{{{ty}, "name": "{name}", "required": {required}}}"#)
        })
        .collect();
    format!("[{}]", specs.join(", "))
}

/// Tensors from `(name, dtype, shape)`.
fn tensors(specs: &[(&str, &str, &str)]) -> String {
    let specs: Vec<String> = specs
        .iter()
        .map(|(name, dtype, shape)| {
            format!(r#"{{"name": "{name}", "type": "tensor", "tensor-spec": {{"dtype": "{dtype}", "shape": {shape}}}}}"#)
        })
        .collect();
    format!("[{}]", specs.join(", "))
}

const LONG: &str = r#""type": "long""#;
const INTEGER: &str = r#""type": "integer""#;
const DOUBLE: &str = r#""type": "double""#;
const STRING: &str = r#""type": "string""#;

fn object(properties: &[(&str, &str, bool)]) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, ty, required)| format!(r#""{name}": {{{ty}, "required": {required}}}"#))
        .collect();
    format!(
        r#""type": "object", "properties": {{{}}}"#,
        properties.join(", ")
    )
}

struct Case {
    label: &'static str,
    old: ModelSignature,
    new: ModelSignature,
    mode: Mode,
    extra: ExtraColumns,
    rule: Rule,
    place: &'static str,
    verdict: Verdict,
}

fn case(
    label: &'static str,
    old: ModelSignature,
    new: ModelSignature,
    rule: Rule,
    place: &'static str,
    verdict: Verdict,
) -> Case {
    Case {
        label,
        old,
        new,
        mode: Mode::Strict,
        extra: ExtraColumns::Ignore,
        rule,
        place,
        verdict,
    }
}

impl Case {
    fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    fn reject(mut self) -> Self {
        self.extra = ExtraColumns::Reject;
        self
    }
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Rule::*;
    use Verdict::*;
    let obj = |props: &[(&str, &str, bool)]| inputs(&cols(&[("m", &object(props), true)]));
    let out_obj = |props: &[(&str, &str, bool)]| outputs(&cols(&[("m", &object(props), true)]));
    let role = ("role", STRING, true);
    let a = |ty: &str, required: bool| inputs(&cols(&[("a", ty, required)]));
    let p = |ty: &str, required: bool| outputs(&cols(&[("p", ty, required)]));
    let t = |dtype: &str, shape: &str| inputs(&tensors(&[("t", dtype, shape)]));
    let ot = |dtype: &str, shape: &str| outputs(&tensors(&[("t", dtype, shape)]));
    let ab = inputs(&cols(&[("a", LONG, true), ("b", STRING, true)]));
    let pq = outputs(&cols(&[("p", LONG, true), ("q", STRING, true)]));
    let two_tensors = inputs(&tensors(&[("t", "int64", "[-1]"), ("u", "int64", "[-1]")]));
    let two_out_tensors = outputs(&tensors(&[("t", "int64", "[-1]"), ("u", "int64", "[-1]")]));
    let positional = |types: &[&str]| {
        let specs: Vec<String> = types
            .iter()
            .map(|ty| format!("{{{ty}, \"required\": true}}"))
            .collect();
        format!("[{}]", specs.join(", "))
    };
    let param = |ty: &str, default: &str, shape: &str| {
        params(&format!(
            r#"[{{"name": "k", "default": {default}, "shape": {shape}, "type": "{ty}"}}]"#
        ))
    };
    let no_param = params(r#"[{"name": "other", "default": 1, "shape": null, "type": "long"}]"#);
    let with_param = params(
        r#"[{"name": "other", "default": 1, "shape": null, "type": "long"}, {"name": "k", "default": 1, "shape": null, "type": "long"}]"#,
    );
    let with_null_param = params(
        r#"[{"name": "other", "default": 1, "shape": null, "type": "long"}, {"name": "k", "default": null, "shape": null, "type": "long"}]"#,
    );
    vec![
        // Inputs: columns.
        case(
            "required column added",
            a(LONG, true),
            ab.clone(),
            InputRequiredColumnAdded,
            "/inputs/b",
            Breaking,
        ),
        case(
            "optional column added",
            a(LONG, true),
            inputs(&cols(&[("a", LONG, true), ("b", STRING, false)])),
            InputOptionalColumnAdded,
            "/inputs/b",
            Compatible,
        ),
        case(
            "column removed, extras ignored",
            ab.clone(),
            a(LONG, true),
            InputColumnRemoved,
            "/inputs/b",
            Warning,
        ),
        case(
            "column removed, extras refused",
            ab.clone(),
            a(LONG, true),
            InputColumnRemoved,
            "/inputs/b",
            Breaking,
        )
        .reject(),
        case(
            "column made required",
            a(LONG, false),
            a(LONG, true),
            InputColumnMadeRequired,
            "/inputs/a",
            Breaking,
        ),
        case(
            "column made optional",
            a(LONG, true),
            a(LONG, false),
            InputColumnMadeOptional,
            "/inputs/a",
            Compatible,
        ),
        case(
            "long to integer, strict",
            a(LONG, true),
            a(INTEGER, true),
            InputTypeNarrowed,
            "/inputs/a",
            Breaking,
        ),
        case(
            "integer to long, strict",
            a(INTEGER, true),
            a(LONG, true),
            InputTypeWidened,
            "/inputs/a",
            Compatible,
        ),
        case(
            "long to double, strict (2^53 + 1)",
            a(LONG, true),
            a(DOUBLE, true),
            InputTypeNarrowed,
            "/inputs/a",
            Breaking,
        ),
        case(
            "long to double, serving (rounded)",
            a(LONG, true),
            a(DOUBLE, true),
            InputTypeCast,
            "/inputs/a",
            Warning,
        )
        .mode(Mode::MlflowServing),
        case(
            "long to double, predict (int64 refused)",
            a(LONG, true),
            a(DOUBLE, true),
            InputTypeNarrowed,
            "/inputs/a",
            Breaking,
        )
        .mode(Mode::MlflowPredict),
        case(
            "long to any",
            a(LONG, true),
            a(r#""type": "any""#, true),
            InputTypeWidened,
            "/inputs/a",
            Compatible,
        ),
        case(
            "array items narrowed",
            a(r#""type": "array", "items": {"type": "long"}"#, true),
            a(r#""type": "array", "items": {"type": "integer"}"#, true),
            InputTypeNarrowed,
            "/inputs/a/items",
            Breaking,
        ),
        case(
            "map values widened",
            a(r#""type": "map", "values": {"type": "integer"}"#, true),
            a(r#""type": "map", "values": {"type": "long"}"#, true),
            InputTypeWidened,
            "/inputs/a/values",
            Compatible,
        ),
        case(
            "long to array of long",
            a(LONG, true),
            a(r#""type": "array", "items": {"type": "long"}"#, true),
            InputTypeNarrowed,
            "/inputs/a",
            Breaking,
        ),
        // Inputs: object properties.
        case(
            "required property added",
            obj(&[role]),
            obj(&[role, ("x", LONG, true)]),
            InputRequiredPropertyAdded,
            "/inputs/m/properties/x",
            Breaking,
        ),
        case(
            "optional property added",
            obj(&[role]),
            obj(&[role, ("x", LONG, false)]),
            InputOptionalPropertyAdded,
            "/inputs/m/properties/x",
            Compatible,
        ),
        case(
            "property removed",
            obj(&[role, ("x", LONG, false)]),
            obj(&[role]),
            InputPropertyRemoved,
            "/inputs/m/properties/x",
            Breaking,
        ),
        case(
            "property made required",
            obj(&[role, ("x", LONG, false)]),
            obj(&[role, ("x", LONG, true)]),
            InputPropertyMadeRequired,
            "/inputs/m/properties/x",
            Breaking,
        ),
        case(
            "property made optional",
            obj(&[role, ("x", LONG, true)]),
            obj(&[role, ("x", LONG, false)]),
            InputPropertyMadeOptional,
            "/inputs/m/properties/x",
            Compatible,
        ),
        case(
            "property type narrowed",
            obj(&[role]),
            obj(&[("role", LONG, true)]),
            InputTypeNarrowed,
            "/inputs/m/properties/role",
            Breaking,
        ),
        // Inputs: tensors.
        case(
            "tensor added",
            t("int64", "[-1]"),
            two_tensors.clone(),
            InputTensorAdded,
            "/inputs/u",
            Breaking,
        ),
        case(
            "tensor removed, extras ignored",
            two_tensors.clone(),
            t("int64", "[-1]"),
            InputTensorRemoved,
            "/inputs/u",
            Warning,
        ),
        case(
            "tensor removed, extras refused",
            two_tensors.clone(),
            t("int64", "[-1]"),
            InputTensorRemoved,
            "/inputs/u",
            Breaking,
        )
        .reject(),
        case(
            "dtype int64 to int32, strict",
            t("int64", "[-1]"),
            t("int32", "[-1]"),
            InputTensorDtypeNarrowed,
            "/inputs/t/dtype",
            Breaking,
        ),
        case(
            "dtype int32 to int64, strict",
            t("int32", "[-1]"),
            t("int64", "[-1]"),
            InputTensorDtypeWidened,
            "/inputs/t/dtype",
            Compatible,
        ),
        case(
            "dtype int64 to float64, serving (rounded)",
            t("int64", "[-1]"),
            t("float64", "[-1]"),
            InputTensorDtypeCast,
            "/inputs/t/dtype",
            Warning,
        )
        .mode(Mode::MlflowServing),
        case(
            "rank changed",
            t("int64", "[-1, 2]"),
            t("int64", "[-1]"),
            InputTensorRankChanged,
            "/inputs/t/shape",
            Breaking,
        ),
        case(
            "dimension changed",
            t("int64", "[-1, 2]"),
            t("int64", "[-1, 3]"),
            InputTensorDimensionChanged,
            "/inputs/t/shape/1",
            Breaking,
        ),
        case(
            "dimension made fixed",
            t("int64", "[-1, -1]"),
            t("int64", "[-1, 3]"),
            InputTensorDimensionMadeFixed,
            "/inputs/t/shape/1",
            Breaking,
        ),
        case(
            "dimension made variable",
            t("int64", "[-1, 3]"),
            t("int64", "[-1, -1]"),
            InputTensorDimensionMadeVariable,
            "/inputs/t/shape/1",
            Compatible,
        ),
        // Inputs: whole schemas.
        case(
            "input schema added",
            outputs(&cols(&[("p", LONG, true)])),
            sig(&cols(&[("a", LONG, true)]), &cols(&[("p", LONG, true)]), ""),
            InputSchemaAdded,
            "/inputs",
            Breaking,
        ),
        case(
            "input schema removed",
            sig(&cols(&[("a", LONG, true)]), &cols(&[("p", LONG, true)]), ""),
            outputs(&cols(&[("p", LONG, true)])),
            InputSchemaRemoved,
            "/inputs",
            Compatible,
        ),
        case(
            "columns to tensors",
            a(LONG, true),
            t("int64", "[-1]"),
            InputSchemaKindChanged,
            "/inputs",
            Breaking,
        ),
        case(
            "named to positional",
            a(LONG, true),
            inputs(&positional(&[LONG])),
            InputSchemaNamingChanged,
            "/inputs",
            Warning,
        ),
        case(
            "positional to named",
            inputs(&positional(&[LONG])),
            a(LONG, true),
            InputSchemaNamingChanged,
            "/inputs",
            Breaking,
        ),
        case(
            "positional column appended",
            inputs(&positional(&[LONG])),
            inputs(&positional(&[LONG, STRING])),
            InputRequiredColumnAdded,
            "/inputs/1",
            Breaking,
        ),
        case(
            "positional column dropped",
            inputs(&positional(&[LONG, STRING])),
            inputs(&positional(&[LONG])),
            InputColumnRemoved,
            "/inputs/1",
            Warning,
        ),
        case(
            "positional column dropped, extras refused",
            inputs(&positional(&[LONG, STRING])),
            inputs(&positional(&[LONG])),
            InputColumnRemoved,
            "/inputs/1",
            Breaking,
        )
        .reject(),
        case(
            "positional type narrowed",
            inputs(&positional(&[LONG])),
            inputs(&positional(&[INTEGER])),
            InputTypeNarrowed,
            "/inputs/0",
            Breaking,
        ),
        case(
            "optional array column added: an inputs object becomes one row",
            a(r#""type": "boolean""#, false),
            inputs(&cols(&[
                ("a", r#""type": "boolean""#, false),
                ("b", r#""type": "array", "items": {"type": "long"}"#, false),
            ])),
            InputBodyLayoutChanged,
            "/inputs",
            Breaking,
        ),
        // Outputs.
        case(
            "output column added, extras ignored",
            p(LONG, true),
            pq.clone(),
            OutputColumnAdded,
            "/outputs/q",
            Compatible,
        ),
        case(
            "output column added, extras refused",
            p(LONG, true),
            pq.clone(),
            OutputColumnAdded,
            "/outputs/q",
            Breaking,
        )
        .reject(),
        case(
            "required output column removed",
            pq.clone(),
            p(LONG, true),
            OutputRequiredColumnRemoved,
            "/outputs/q",
            Breaking,
        ),
        case(
            "optional output column removed",
            outputs(&cols(&[("p", LONG, true), ("q", STRING, false)])),
            p(LONG, true),
            OutputOptionalColumnRemoved,
            "/outputs/q",
            Warning,
        ),
        case(
            "output column made optional",
            p(LONG, true),
            p(LONG, false),
            OutputColumnMadeOptional,
            "/outputs/p",
            Breaking,
        ),
        case(
            "output column made required",
            p(LONG, false),
            p(LONG, true),
            OutputColumnMadeRequired,
            "/outputs/p",
            Compatible,
        ),
        case(
            "output integer to long",
            p(INTEGER, true),
            p(LONG, true),
            OutputTypeWidened,
            "/outputs/p",
            Breaking,
        ),
        case(
            "output long to integer",
            p(LONG, true),
            p(INTEGER, true),
            OutputTypeNarrowed,
            "/outputs/p",
            Compatible,
        ),
        case(
            "output double to long, serving",
            p(DOUBLE, true),
            p(LONG, true),
            OutputTypeCast,
            "/outputs/p",
            Warning,
        )
        .mode(Mode::MlflowServing),
        case(
            "output property added",
            out_obj(&[role]),
            out_obj(&[role, ("x", LONG, false)]),
            OutputPropertyAdded,
            "/outputs/m/properties/x",
            Breaking,
        ),
        case(
            "required output property removed",
            out_obj(&[role, ("x", LONG, true)]),
            out_obj(&[role]),
            OutputRequiredPropertyRemoved,
            "/outputs/m/properties/x",
            Breaking,
        ),
        case(
            "optional output property removed",
            out_obj(&[role, ("x", LONG, false)]),
            out_obj(&[role]),
            OutputOptionalPropertyRemoved,
            "/outputs/m/properties/x",
            Warning,
        ),
        case(
            "output property made optional",
            out_obj(&[role, ("x", LONG, true)]),
            out_obj(&[role, ("x", LONG, false)]),
            OutputPropertyMadeOptional,
            "/outputs/m/properties/x",
            Breaking,
        ),
        case(
            "output property made required",
            out_obj(&[role, ("x", LONG, false)]),
            out_obj(&[role, ("x", LONG, true)]),
            OutputPropertyMadeRequired,
            "/outputs/m/properties/x",
            Compatible,
        ),
        case(
            "output tensor added, extras ignored",
            ot("int64", "[-1]"),
            two_out_tensors.clone(),
            OutputTensorAdded,
            "/outputs/u",
            Compatible,
        ),
        case(
            "output tensor added, extras refused",
            ot("int64", "[-1]"),
            two_out_tensors.clone(),
            OutputTensorAdded,
            "/outputs/u",
            Breaking,
        )
        .reject(),
        case(
            "output tensor removed",
            two_out_tensors.clone(),
            ot("int64", "[-1]"),
            OutputTensorRemoved,
            "/outputs/u",
            Breaking,
        ),
        case(
            "output dtype int32 to int64",
            ot("int32", "[-1]"),
            ot("int64", "[-1]"),
            OutputTensorDtypeWidened,
            "/outputs/t/dtype",
            Breaking,
        ),
        case(
            "output dtype int64 to int32",
            ot("int64", "[-1]"),
            ot("int32", "[-1]"),
            OutputTensorDtypeNarrowed,
            "/outputs/t/dtype",
            Compatible,
        ),
        case(
            "output dtype float64 to int64, serving",
            ot("float64", "[-1]"),
            ot("int64", "[-1]"),
            OutputTensorDtypeCast,
            "/outputs/t/dtype",
            Warning,
        )
        .mode(Mode::MlflowServing),
        case(
            "output rank changed",
            ot("int64", "[-1]"),
            ot("int64", "[-1, 2]"),
            OutputTensorRankChanged,
            "/outputs/t/shape",
            Breaking,
        ),
        case(
            "output dimension changed",
            ot("int64", "[-1, 2]"),
            ot("int64", "[-1, 3]"),
            OutputTensorDimensionChanged,
            "/outputs/t/shape/1",
            Breaking,
        ),
        case(
            "output dimension made fixed",
            ot("int64", "[-1, -1]"),
            ot("int64", "[-1, 3]"),
            OutputTensorDimensionMadeFixed,
            "/outputs/t/shape/1",
            Compatible,
        ),
        case(
            "output dimension made variable",
            ot("int64", "[-1, 3]"),
            ot("int64", "[-1, -1]"),
            OutputTensorDimensionMadeVariable,
            "/outputs/t/shape/1",
            Breaking,
        ),
        case(
            "output schema added",
            a(LONG, true),
            sig(&cols(&[("a", LONG, true)]), &cols(&[("p", LONG, true)]), ""),
            OutputSchemaAdded,
            "/outputs",
            Compatible,
        ),
        case(
            "output schema removed",
            sig(&cols(&[("a", LONG, true)]), &cols(&[("p", LONG, true)]), ""),
            a(LONG, true),
            OutputSchemaRemoved,
            "/outputs",
            Warning,
        ),
        case(
            "output columns to tensors",
            p(LONG, true),
            ot("int64", "[-1]"),
            OutputSchemaKindChanged,
            "/outputs",
            Breaking,
        ),
        case(
            "output named to positional",
            p(LONG, true),
            outputs(&positional(&[LONG])),
            OutputSchemaNamingChanged,
            "/outputs",
            Breaking,
        ),
        case(
            "output positional to named",
            outputs(&positional(&[LONG])),
            p(LONG, true),
            OutputSchemaNamingChanged,
            "/outputs",
            Warning,
        ),
        case(
            "output array column removed: an inputs object is no longer one row",
            outputs(&cols(&[
                ("p", r#""type": "boolean""#, false),
                ("q", r#""type": "array", "items": {"type": "long"}"#, false),
            ])),
            p(r#""type": "boolean""#, false),
            OutputBodyLayoutChanged,
            "/outputs",
            Breaking,
        ),
        // Params.
        case(
            "param removed",
            with_param.clone(),
            no_param.clone(),
            ParamRemoved,
            "/params/k",
            Breaking,
        ),
        case(
            "param added",
            no_param.clone(),
            with_param.clone(),
            ParamAdded,
            "/params/k",
            Compatible,
        ),
        case(
            "param added without a default",
            no_param.clone(),
            with_null_param,
            ParamAddedWithoutDefault,
            "/params/k",
            Warning,
        ),
        case(
            "param type changed",
            param("long", "1", "null"),
            param("double", "1.0", "null"),
            ParamTypeChanged,
            "/params/k",
            Breaking,
        ),
        case(
            "param shape changed",
            param("long", "1", "null"),
            param("long", "[1]", "[-1]"),
            ParamShapeChanged,
            "/params/k",
            Breaking,
        ),
        case(
            "param default changed",
            param("long", "1", "null"),
            param("long", "2", "null"),
            ParamDefaultChanged,
            "/params/k",
            Warning,
        ),
    ]
}

/// The section a rule's finding is in, and the direction that reads it.
fn covered_by(section: Section) -> Direction {
    match section {
        Section::Inputs | Section::Params => Direction::Backward,
        Section::Outputs => Direction::Forward,
    }
}

/// Checks a breaking finding's witness body with the checker: the writer's schema accepts
/// it, the reader's refuses it (inputs: old writes, new reads; outputs the other way).
pub(crate) fn assert_witness(
    finding: &Finding,
    old: &ModelSignature,
    new: &ModelSignature,
    options: &CheckOptions,
    label: &str,
) {
    let Some(witness) = finding.witness() else {
        return;
    };
    let (old_schema, new_schema) = match finding.section() {
        Section::Inputs => (old.inputs(), new.inputs()),
        Section::Outputs => (old.outputs(), new.outputs()),
        Section::Params => panic!("{label}: a params finding with a witness"),
    };
    let (writer, reader) = match finding.section() {
        Section::Inputs => (old_schema, new_schema),
        _ => (new_schema, old_schema),
    };
    let check = |schema: Option<&Schema>| {
        JsonChecker::for_schema(schema.expect("both sides have the section"))
            .with_options(options.clone())
            .check(witness.as_bytes())
    };
    let written = check(writer);
    assert!(
        written.is_valid(),
        "{label}: the writer refuses the witness {witness}:\n{written}"
    );
    let read = check(reader);
    assert!(
        !read.is_valid(),
        "{label}: the reader accepts the witness {witness}"
    );
}

#[test]
fn every_rule_and_direction() {
    let cases = cases();
    let mut seen = BTreeSet::new();
    for case in &cases {
        let options = CheckOptions::new()
            .with_mode(case.mode)
            .with_extra_columns(case.extra);
        let section = match case.rule.id() {
            id if id.starts_with("input_") => Section::Inputs,
            id if id.starts_with("output_") => Section::Outputs,
            _ => Section::Params,
        };
        let reading = covered_by(section);
        for direction in [reading, Direction::Full] {
            let report = case.new.compatibility(&case.old, direction, &options);
            let finding = report
                .findings()
                .iter()
                .find(|f| f.rule() == case.rule && f.place() == case.place)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: no {} at {} in\n{report}",
                        case.label, case.rule, case.place
                    )
                });
            assert_eq!(finding.verdict(), case.verdict, "{}:\n{report}", case.label);
            assert_eq!(finding.section(), section, "{}", case.label);
            assert_eq!(
                report.is_compatible(),
                report
                    .findings()
                    .iter()
                    .all(|f| f.verdict() != Verdict::Breaking),
                "{}",
                case.label
            );
            if case.verdict == Verdict::Breaking {
                assert!(!report.is_compatible(), "{}", case.label);
                // Params have no body to show; everything else here has one.
                assert_eq!(
                    finding.witness().is_some(),
                    section != Section::Params && !case.rule.id().ends_with("_schema_added"),
                    "{}: witness {:?}\n{report}",
                    case.label,
                    finding.witness()
                );
                assert_witness(finding, &case.old, &case.new, &options, case.label);
            } else {
                assert_eq!(finding.witness(), None, "{}", case.label);
            }
        }
        // The other direction does not read this section.
        let other = if reading == Direction::Backward {
            Direction::Forward
        } else {
            Direction::Backward
        };
        let report = case.new.compatibility(&case.old, other, &options);
        assert!(
            report.findings().iter().all(|f| f.section() != section),
            "{}: {other:?} reports {section:?}:\n{report}",
            case.label
        );
        seen.insert(case.rule);
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|rule| !seen.contains(rule))
        .map(|rule| rule.id())
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn every_rule_is_documented() {
    let doc = include_str!("../signature-runtime/docs/compatibility.md");
    for rule in Rule::ALL {
        assert!(
            doc.contains(&format!("| `{}` |", rule.id())),
            "{} is not in signature-runtime/docs/compatibility.md",
            rule.id()
        );
    }
}

#[test]
fn identical_signatures_have_no_findings() {
    for case in cases() {
        let report = case
            .old
            .compatibility(&case.old, Direction::Full, &CheckOptions::new());
        assert!(report.findings().is_empty(), "{}:\n{report}", case.label);
        assert!(report.is_compatible());
    }
}

#[test]
fn findings_are_grouped_by_section_breaking_first() {
    let old = sig(
        &cols(&[("a", LONG, true), ("b", STRING, true)]),
        &cols(&[("p", LONG, true)]),
        r#"[{"name": "k", "default": 1, "shape": null, "type": "long"}]"#,
    );
    let new = sig(
        &cols(&[("a", INTEGER, false), ("c", STRING, false)]),
        &cols(&[("p", LONG, false), ("q", LONG, true)]),
        r#"[{"name": "k", "default": 2, "shape": null, "type": "long"}]"#,
    );
    let report = new.compatibility(&old, Direction::Full, &CheckOptions::new());
    let order: Vec<(Section, Verdict)> = report
        .findings()
        .iter()
        .map(|f| (f.section(), f.verdict()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "{report}");
    assert_eq!(
        order.first(),
        Some(&(Section::Inputs, Verdict::Breaking)),
        "{report}"
    );
    let text = report.to_string();
    assert!(text.starts_with("inputs:\n  breaking"), "{text}");
    assert!(
        text.ends_with("incompatible (full): 2 breaking, 2 warning(s), 3 compatible change(s)"),
        "{text}"
    );
}

#[test]
fn json_shape() {
    let report = inputs(&cols(&[("a", LONG, true), ("b", STRING, true)])).compatibility(
        &inputs(&cols(&[("a", LONG, true)])),
        Direction::Backward,
        &CheckOptions::new(),
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["direction"], "backward");
    assert_eq!(json["compatible"], false);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "input_required_column_added");
    assert_eq!(finding["verdict"], "breaking");
    assert_eq!(finding["section"], "inputs");
    assert_eq!(finding["place"], "/inputs/b");
    assert_eq!(finding["old"], serde_json::Value::Null);
    assert_eq!(finding["new"]["type"], "string");
    assert_eq!(finding["witness"]["dataframe_records"][0]["a"], 1);
}

#[test]
fn many_columns_in_any_order() {
    // 1,200 columns, the new schema with every column in reverse order and one narrowed.
    let names: Vec<String> = (0..1200).map(|i| format!("c{i}")).collect();
    let old_columns: Vec<(&str, &str, bool)> =
        names.iter().map(|n| (n.as_str(), LONG, true)).collect();
    let mut new_columns = old_columns.clone();
    new_columns.reverse();
    new_columns[0].1 = INTEGER;
    let report = inputs(&cols(&new_columns)).compatibility(
        &inputs(&cols(&old_columns)),
        Direction::Backward,
        &CheckOptions::new(),
    );
    assert_eq!(report.findings().len(), 1, "{report}");
    let finding = &report.findings()[0];
    assert_eq!(finding.place(), "/inputs/c1199");
    assert_eq!(finding.rule(), Rule::InputTypeNarrowed);
    let witness = finding.witness().expect("a witness body");
    assert!(
        witness.contains("\"c0\":1"),
        "other required columns are filled in"
    );
}

#[test]
fn witnesses_stop_at_their_budget_on_very_wide_schemas() {
    // 2,000 columns all narrowed: a witness holds every required column, so witnesses for all
    // of them would check 4 million cells; the budget (a million) stops them, the findings
    // are all made.
    let names: Vec<String> = (0..2000).map(|i| format!("c{i}")).collect();
    let old_columns: Vec<(&str, &str, bool)> =
        names.iter().map(|n| (n.as_str(), LONG, true)).collect();
    let new_columns: Vec<(&str, &str, bool)> =
        names.iter().map(|n| (n.as_str(), INTEGER, true)).collect();
    let report = inputs(&cols(&new_columns)).compatibility(
        &inputs(&cols(&old_columns)),
        Direction::Backward,
        &CheckOptions::new(),
    );
    assert_eq!(report.breaking().count(), 2000);
    let with_witness = report
        .findings()
        .iter()
        .filter(|f| f.witness().is_some())
        .count();
    // One body of 2,000 cells per witness: 500 fit in the budget.
    assert_eq!(with_witness, 1_000_000 / 2000);
}

/// Found by the `compatibility` fuzz target: MLflow's schemas may repeat a column or tensor
/// name, and each entry was compared with the first of its name, so a signature with a
/// repeated name was breaking against itself. Entries now pair by name and occurrence.
#[test]
fn repeated_names_pair_by_occurrence() {
    let repeated_tensors = inputs(&tensors(&[
        ("t", "bool", "[-1]"),
        ("t", "uint8", "[-1]"),
        ("u", "float64", "[-1, 2]"),
    ]));
    let repeated_columns = inputs(&cols(&[("x", LONG, true), ("x", STRING, false)]));
    for signature in [&repeated_tensors, &repeated_columns] {
        for direction in [Direction::Backward, Direction::Forward, Direction::Full] {
            let report = signature.compatibility(signature, direction, &CheckOptions::new());
            assert!(report.findings().is_empty(), "{report:?}");
        }
    }
    // The second `t` still changes on its own.
    let changed = inputs(&tensors(&[
        ("t", "bool", "[-1]"),
        ("t", "float64", "[-1]"),
        ("u", "float64", "[-1, 2]"),
    ]));
    let report =
        changed.compatibility(&repeated_tensors, Direction::Backward, &CheckOptions::new());
    let places: Vec<&str> = report.findings().iter().map(Finding::place).collect();
    assert_eq!(places, ["/inputs/t/dtype"], "{report:?}");
    assert!(
        report.findings()[0].message().contains("uint8"),
        "{report:?}"
    );
}
