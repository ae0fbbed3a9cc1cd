//! `#[signature(crate = "...")]`: the generated code reaches the runtime through the given
//! path, as serde's `test_serde_path.rs` checks for `#[serde(crate)]`: once through a
//! re-export, once through a fake runtime whose `Signature` is a trait of its own, which the
//! derive must implement instead of the real one.

#![allow(dead_code)] // The structs exist for their derived impls.

mod reexport {
    pub(crate) use signature_runtime as runtime;
}

/// A stand-in runtime: the real one, except for `Signature`, which is a different trait.
mod fake {
    pub(crate) use signature_runtime::{__private, SignatureType, derived};

    pub(crate) trait Signature {
        const DESCRIPTION: derived::Description;
        // The derive sets it for types it checked where they are defined.
        const _SIGNATURE_PRIVATE_CHECKED: bool = false;
        // The derive lists the input columns' limits.
        fn _signature_private_limits(limits: &mut Vec<(&'static str, derived::ValueLimit)>) {
            let _ = limits;
        }
        // And the limit of the struct read from an object.
        const _SIGNATURE_PRIVATE_LIMIT: derived::ValueLimit = derived::ValueLimit::None;
    }
}

use signature_runtime::Signature as _;

#[derive(signature_runtime::Signature)]
#[signature(crate = "reexport::runtime")]
struct ThroughReexport {
    a: f64,
}

#[derive(signature_runtime::Signature)]
#[signature(crate = "crate::fake")]
struct ThroughFake {
    b: i64,
}

impl ThroughFake {
    fn check() -> &'static str {
        // `ThroughFake` implements the fake trait, not the real one.
        <Self as fake::Signature>::DESCRIPTION.type_name
    }
}

#[derive(signature_runtime::Params, Default)]
#[signature(crate = "reexport::runtime")]
struct Knobs {
    k: i64,
}

#[test]
fn crate_path_is_honoured() {
    assert_eq!(
        ThroughReexport::schema().to_json(),
        r#"[{"type": "double", "name": "a", "required": true}]"#
    );
    assert_eq!(ThroughFake::check(), "ThroughFake");
    assert_eq!(
        <Knobs as signature_runtime::Params>::param_schema().params()[0].name(),
        "k"
    );
}
