//! darling-style unit tests: `parse_quote!` input, then the expansion or the error messages.

use syn::parse_quote;

use crate::{derive, expand, params};

/// `#[derive(Signature)]` as the macro runs it: the expansion, or every error.
fn derive_signature(input: &syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    derive(input, expand::derive_signature).result
}

/// `#[derive(Params)]` as the macro runs it.
fn derive_params(input: &syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    derive(input, params::derive_params).result
}

fn errors(input: &syn::DeriveInput) -> Vec<String> {
    match derive_signature(input) {
        Ok(_) => Vec::new(),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn a_plain_struct_expands() {
    let input: syn::DeriveInput = parse_quote! {
        struct HouseFeatures { sqft: f64, bedrooms: i64 }
    };
    let code = derive_signature(&input).unwrap().to_string();
    assert!(code.contains("type_name : \"HouseFeatures\""), "{code}");
    assert!(code.contains("Some (\"sqft\")"), "{code}");
    assert!(
        code.contains("< f64 as _signature :: SignatureType > :: TYPE"),
        "{code}"
    );
}

#[test]
fn all_attribute_errors_are_reported_at_once() {
    let input: syn::DeriveInput = parse_quote! {
        struct S {
            #[signature(renam = "a", dtype = "lnog")]
            a: i64,
            #[signature(optional, required)]
            b: i64,
            #[signature(skip, skip)]
            c: i64,
        }
    };
    let errors = errors(&input);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(errors[0].starts_with(
        "unknown signature field attribute `renam`, expected one of `rename`, `dtype`"
    ));
    assert!(errors[1].starts_with("unknown dtype `lnog`"));
    assert!(errors[2].contains("`optional` and `required` contradict each other"));
    assert_eq!(errors[3], "duplicate `skip` in #[signature(...)]");
}

#[test]
fn duplicate_names_after_serde_renames() {
    let input: syn::DeriveInput = parse_quote! {
        #[serde(rename_all = "UPPERCASE")]
        struct S {
            a: i64,
            #[serde(rename = "A")]
            b: i64,
        }
    };
    assert_eq!(
        errors(&input),
        ["duplicate column name `A`: field `a` has it too"]
    );
}

#[test]
fn enums_with_data_and_unions_are_refused() {
    let input: syn::DeriveInput = parse_quote! {
        enum E { A, B(i64) }
    };
    assert!(errors(&input)[0].contains("does not support enum variants with data"));
    let input: syn::DeriveInput = parse_quote! {
        union U { a: i64 }
    };
    assert!(errors(&input)[0].contains("does not support unions"));
    let input: syn::DeriveInput = parse_quote! {
        enum Color { Red, Green }
    };
    let code = derive_signature(&input).unwrap().to_string();
    assert!(code.contains("DataType :: String"), "{code}");
}

#[test]
fn tensors_and_columns_do_not_mix() {
    let input: syn::DeriveInput = parse_quote! {
        struct S {
            #[signature(tensor(shape = [-1, 3]))]
            image: Vec<[f32; 3]>,
            label: i64,
        }
    };
    assert_eq!(
        errors(&input),
        [
            "`label` is a column but `image` is a tensor: an MLflow schema is all columns or all tensors"
        ]
    );
}

#[test]
fn crate_and_bound_are_used() {
    let input: syn::DeriveInput = parse_quote! {
        #[signature(crate = "my::reexport", bound = "T: Copy")]
        struct S<T> { a: T }
    };
    let code = derive_signature(&input).unwrap().to_string();
    assert!(code.contains("use my :: reexport as _signature"), "{code}");
    assert!(code.contains("where T : Copy"), "{code}");
}

#[test]
fn inferred_bounds_cover_used_type_parameters_only() {
    let input: syn::DeriveInput = parse_quote! {
        struct S<T, U> { a: Vec<T>, #[serde(skip)] b: U }
    };
    let code = derive_signature(&input).unwrap().to_string();
    assert!(
        code.contains("where Vec < T > : _signature :: SignatureType"),
        "{code}"
    );
    assert!(!code.contains("U : _signature"), "{code}");
}

#[cfg(feature = "check")]
#[test]
fn a_missing_check_file_is_an_error_at_the_path() {
    let input: syn::DeriveInput = parse_quote! {
        #[signature(check = "no/such/file.json")]
        struct S { a: i64 }
    };
    let errors = errors(&input);
    assert!(
        errors[0].starts_with("cannot read `no/such/file.json`"),
        "{errors:?}"
    );
}

#[test]
fn params_need_unique_names() {
    let input: syn::DeriveInput = parse_quote! {
        struct P { a: i64, #[param(rename = "a")] b: i64, #[param(defualt = 1)] c: i64 }
    };
    let errors: Vec<String> = derive_params(&input)
        .unwrap_err()
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "unknown param attribute `defualt`, expected one of `default`, `rename`, `skip`",
            "duplicate parameter name `a`: field `a` has it too",
        ]
    );
}

#[test]
fn params_read_the_container_once_and_report_misplaced_keys() {
    let input: syn::DeriveInput = parse_quote! {
        #[signature(crate = "my_runtime", check = "model/MLmodel")]
        #[param(default = 1)]
        struct P {
            #[signature(rename = "t")]
            temperature: f64,
        }
    };
    let errors: Vec<String> = derive_params(&input)
        .unwrap_err()
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "#[derive(Params)] takes only `#[signature(crate = \"...\")]` on the struct",
            "#[param(...)] is not allowed on the struct (they go on its fields)",
            "#[signature(...)] is not allowed on a parameter (use #[param(...)])",
        ]
    );
    // The fallback impls use the crate path read with the rest, not a second parse.
    let derived = derive(&input, params::derive_params);
    assert_eq!(
        derived
            .crate_path
            .map(|path| quote::quote!(#path).to_string()),
        Some("my_runtime".to_owned())
    );
}

/// The drift check reads an MLmodel file with the runtime's reader: where YAML 1.1 (PyYAML,
/// MLflow, the runtime) and YAML 1.2 readers disagree, it agrees with the runtime: a repeated
/// key takes its last value, an alias stands for its anchor, a YAML 1.1 boolean is no
/// schema.
#[cfg(feature = "check")]
#[test]
fn the_drift_check_reads_mlmodel_yaml_as_the_runtime_does() {
    use signature_runtime::mlflow::MlModel;

    let inputs = r#"'[{"type": "long", "name": "x", "required": true}, {"type": "string", "name": "y", "required": false}]'"#;
    let old = r#"'[{"type": "long", "name": "old", "required": true}]'"#;
    for yaml in [
        format!("signature:\n  inputs: {old}\nsignature:\n  inputs: {inputs}\n"),
        format!("defs: &s\n  inputs: {inputs}\nsignature: *s\n"),
        format!("signature:\n  inputs: {old}\n  inputs: {inputs}\n"),
    ] {
        let runtime = MlModel::from_yaml(&yaml)
            .unwrap()
            .signature()
            .unwrap()
            .unwrap();
        let columns = runtime.inputs().unwrap().columns().unwrap().len();
        let derive = crate::drift::read::entries(&yaml, true, "inputs", "MLmodel")
            .unwrap_or_else(|e| panic!("{yaml}: {e}"));
        assert_eq!(derive.len(), columns, "{yaml}");
        assert!(derive[0].to_string().contains("\"x\""), "{yaml}");
    }
    // `yes` is a boolean to PyYAML (a string to YAML 1.2): no schema for either reader.
    let yaml = "signature:\n  inputs: yes\n";
    assert!(MlModel::from_yaml(yaml).unwrap().signature().is_err());
    let error = crate::drift::read::entries(yaml, true, "inputs", "MLmodel").unwrap_err();
    assert!(error.contains("has no inputs schema"), "{error}");
}

/// Without the `check` feature (the runtime's default `derive` alone), the drift check is
/// a compile error at the path naming the feature, never a check silently skipped.
#[cfg(not(feature = "check"))]
#[test]
fn check_without_the_feature_is_an_error_naming_it() {
    let input: syn::DeriveInput = parse_quote! {
        #[signature(check = "model/MLmodel")]
        struct S { a: i64 }
    };
    let errors = errors(&input);
    assert_eq!(
        errors,
        [
            "`check = \"model/MLmodel\"` reads the file while compiling, which needs the `check` \
             feature of signature-runtime: `signature-runtime = { version = \"0.1\", features = \
             [\"check\"] }`"
        ]
    );
}

#[test]
fn a_dtype_fields_type_is_read_as_integers_only_in_the_shapes_the_runtime_covers() {
    let integers: [syn::Type; 9] = [
        parse_quote!(u64),
        parse_quote!(core::primitive::usize),
        parse_quote!(Option<i128>),
        parse_quote!(std::vec::Vec<Option<u64>>),
        parse_quote!(VecDeque<u8>),
        parse_quote!(Box<u32>),
        parse_quote!([u16; 4]),
        parse_quote!(BTreeMap<String, u64>),
        parse_quote!(HashMap<String, Vec<u64>, RandomState>),
    ];
    for ty in &integers {
        assert!(expand::integer_shaped(ty), "{}", quote::quote!(#ty));
    }
    let others: [syn::Type; 9] = [
        parse_quote!(Id),
        parse_quote!(String),
        parse_quote!(Option<String>),
        parse_quote!(Result<u64, String>),
        parse_quote!(Vec<u64, Global>),
        parse_quote!(BTreeMap<u64>),
        parse_quote!(&'static [u64]),
        parse_quote!(<Wrapper as Trait>::u64),
        parse_quote!(Box<dyn Fn(u64) -> u64>),
    ];
    for ty in &others {
        assert!(!expand::integer_shaped(ty), "{}", quote::quote!(#ty));
    }
}
