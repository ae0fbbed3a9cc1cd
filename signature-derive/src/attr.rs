//! Our own `#[signature(...)]` and `#[param(...)]` keys. serde's keys are read by
//! `serde_derive_internals`; these are the few it cannot know.
//!
//! Every problem is reported to the shared [`Ctxt`] with the span of the offending token, and
//! parsing goes on, so that all mistakes of a derive are reported at once.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use serde_derive_internals::Ctxt;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Attribute, LitStr, Token};

use crate::dtype::Dtype;

pub(crate) const CONTAINER_KEYS: &[&str] = &["crate", "bound", "check", "compat"];
pub(crate) const FIELD_KEYS: &[&str] =
    &["rename", "dtype", "optional", "required", "skip", "tensor"];
pub(crate) const TENSOR_KEYS: &[&str] = &["shape"];
pub(crate) const CHECK_KEYS: &[&str] = &["inputs", "outputs"];

/// The values of `compat = "..."`.
pub(crate) const COMPAT_VALUES: &[&str] = &["backward", "forward", "full"];
pub(crate) const PARAM_KEYS: &[&str] = &["default", "rename", "skip"];

/// Which way a type crosses the model boundary: serde's deserialize or serialize view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum View {
    Input,
    Output,
}

impl View {
    pub(crate) const BOTH: [View; 2] = [View::Input, View::Output];

    // The drift check's reader (feature `check`) is its only user.
    #[cfg_attr(not(feature = "check"), allow(dead_code))]
    pub(crate) fn plural(self) -> &'static str {
        match self {
            View::Input => "inputs",
            View::Output => "outputs",
        }
    }
}

/// `check = "..."` or one half of `check(inputs = "...", outputs = "...")`.
pub(crate) struct Check {
    // Read by the drift check (feature `check`); without it the attribute is only refused.
    #[cfg_attr(not(feature = "check"), allow(dead_code))]
    pub(crate) view: View,
    pub(crate) path: LitStr,
}

#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) crate_path: Option<syn::Path>,
    pub(crate) bound: Option<Vec<syn::WherePredicate>>,
    pub(crate) checks: Vec<Check>,
    /// `compat = "backward" | "forward" | "full"`: the checks fail only on breaking changes.
    pub(crate) compat: Option<Compat>,
}

/// `compat = "..."`, with its literal for errors.
pub(crate) struct Compat {
    pub(crate) direction: String,
    pub(crate) lit: LitStr,
}

/// `#[signature(tensor(shape = [...]))]`.
pub(crate) struct Tensor {
    pub(crate) shape: Vec<i64>,
    pub(crate) span: Span,
}

#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) dtype: Option<(Dtype, LitStr)>,
    /// `Some(true)` for `optional`, `Some(false)` for `required`, with the key's span.
    pub(crate) optional: Option<(bool, Span)>,
    pub(crate) skip: Option<Span>,
    pub(crate) tensor: Option<Tensor>,
}

/// `#[param(...)]` on a `#[derive(Params)]` field.
#[derive(Default)]
pub(crate) struct ParamAttrs {
    pub(crate) default: Option<TokenStream>,
    pub(crate) rename: Option<LitStr>,
    pub(crate) skip: bool,
}

/// Keys seen so far in one item's attributes, to report repeats.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    /// Records `key`; reports it at `path` if it was already given.
    fn first(&mut self, cx: &Ctxt, path: &syn::Path, key: &str, namespace: &str) -> bool {
        if self.0.iter().any(|k| k == key) {
            cx.error_spanned_by(path, format!("duplicate `{key}` in #[{namespace}(...)]"));
            return false;
        }
        self.0.push(key.to_owned());
        true
    }
}

fn key_name(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// `` `a`, `b`, `c` ``
pub(crate) fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    quoted.join(", ")
}

fn unknown(cx: &Ctxt, meta: &ParseNestedMeta<'_>, what: &str, keys: &[&str]) {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown {what} `{}`, expected one of {}",
            key_name(&meta.path),
            list(keys)
        ),
    );
    skip_value(meta.input);
}

/// Skips whatever follows an unknown key (`= value` or `(...)`) up to the next comma, so that
/// the keys after it are still read.
fn skip_value(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        if input.parse::<proc_macro2::TokenTree>().is_err() {
            break;
        }
    }
}

/// Runs `each` on every key of every `#[namespace(...)]` attribute, reporting parse errors and
/// carrying on with the next attribute.
fn for_each_key(
    cx: &Ctxt,
    attrs: &[Attribute],
    namespace: &str,
    mut each: impl FnMut(&ParseNestedMeta<'_>, &str) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(namespace)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_name(&meta.path);
            each(&meta, &key)
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

fn lit_str(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

pub(crate) fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let mut seen = Seen::default();
    for_each_key(cx, attrs, "signature", |meta, key| {
        match key {
            "crate" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "signature") {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => out.crate_path = Some(path),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            format!("`crate` must be a path, found {:?}", lit.value()),
                        ),
                    }
                }
            }
            "bound" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "signature") {
                    match lit
                        .parse_with(Punctuated::<syn::WherePredicate, Token![,]>::parse_terminated)
                    {
                        Ok(bounds) => out.bound = Some(bounds.into_iter().collect()),
                        Err(error) => cx.error_spanned_by(
                            &lit,
                            format!("`bound` must be where-clause predicates: {error}"),
                        ),
                    }
                }
            }
            "check" => {
                if meta.input.peek(Token![=]) {
                    let path = lit_str(meta)?;
                    if seen.first(cx, &meta.path, "check(inputs)", "signature") {
                        out.checks.push(Check {
                            view: View::Input,
                            path,
                        });
                    }
                } else {
                    let mut inner_seen = Seen::default();
                    meta.parse_nested_meta(|inner| {
                        let inner_key = key_name(&inner.path);
                        let view = match inner_key.as_str() {
                            "inputs" => View::Input,
                            "outputs" => View::Output,
                            _ => {
                                unknown(cx, &inner, "`check` key", CHECK_KEYS);
                                return Ok(());
                            }
                        };
                        let path = lit_str(&inner)?;
                        let first = inner_seen.first(cx, &inner.path, &inner_key, "signature")
                            && seen.first(
                                cx,
                                &inner.path,
                                &format!("check({inner_key})"),
                                "signature",
                            );
                        if first {
                            out.checks.push(Check { view, path });
                        }
                        Ok(())
                    })?;
                }
            }
            "compat" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "signature") {
                    let direction = lit.value();
                    if COMPAT_VALUES.contains(&direction.as_str()) {
                        out.compat = Some(Compat { direction, lit });
                    } else {
                        cx.error_spanned_by(
                            &lit,
                            format!(
                                "unknown `compat` direction `{direction}`, expected one of {}",
                                COMPAT_VALUES
                                    .iter()
                                    .map(|v| format!("`{v}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
            _ => unknown(cx, meta, "signature container attribute", CONTAINER_KEYS),
        }
        Ok(())
    });
    out
}

pub(crate) fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut seen = Seen::default();
    for_each_key(cx, attrs, "signature", |meta, key| {
        match key {
            "rename" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "signature") {
                    out.rename = Some(lit);
                }
            }
            "dtype" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "signature") {
                    match Dtype::parse(&lit.value()) {
                        Ok(dtype) => out.dtype = Some((dtype, lit)),
                        Err(message) => cx.error_spanned_by(&lit, message),
                    }
                }
            }
            "optional" | "required" => {
                let optional = key == "optional";
                if !seen.first(cx, &meta.path, key, "signature") {
                    return Ok(());
                }
                if let Some((earlier, _)) = out.optional {
                    if earlier != optional {
                        cx.error_spanned_by(
                            &meta.path,
                            "`optional` and `required` contradict each other: give one",
                        );
                    }
                } else {
                    out.optional = Some((optional, span_of(&meta.path)));
                }
            }
            "skip" => {
                if seen.first(cx, &meta.path, key, "signature") {
                    out.skip = Some(span_of(&meta.path));
                }
            }
            "tensor" => {
                let span = span_of(&meta.path);
                let mut shape = None;
                let mut inner_seen = Seen::default();
                meta.parse_nested_meta(|inner| {
                    if !inner.path.is_ident("shape") {
                        unknown(cx, &inner, "`tensor` key", TENSOR_KEYS);
                        return Ok(());
                    }
                    let dims = parse_shape(inner.value()?)?;
                    if inner_seen.first(cx, &inner.path, "shape", "signature") {
                        shape = Some(dims);
                    }
                    Ok(())
                })?;
                if !seen.first(cx, &meta.path, key, "signature") {
                    return Ok(());
                }
                match shape {
                    Some((shape, span)) => out.tensor = Some(Tensor { shape, span }),
                    None => cx.syn_error(syn::Error::new(
                        span,
                        "`tensor` needs a shape, e.g. `tensor(shape = [-1, 28, 28])`",
                    )),
                }
            }
            _ => unknown(cx, meta, "signature field attribute", FIELD_KEYS),
        }
        Ok(())
    });
    out
}

/// `[-1, 28, 28]`; each dimension is `-1` (variable) or a size.
fn parse_shape(input: ParseStream<'_>) -> syn::Result<(Vec<i64>, Span)> {
    let content;
    let bracket = syn::bracketed!(content in input);
    let mut dims = Vec::new();
    while !content.is_empty() {
        let negative = content.parse::<Option<Token![-]>>()?.is_some();
        let lit: syn::LitInt = content.parse()?;
        let value: i64 = lit.base10_parse()?;
        let value = if negative { -value } else { value };
        if value < -1 {
            return Err(syn::Error::new(
                lit.span(),
                "a tensor dimension is `-1` (variable) or a size of at least 0",
            ));
        }
        dims.push(value);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok((dims, bracket.span.join()))
}

pub(crate) fn param(cx: &Ctxt, attrs: &[Attribute]) -> ParamAttrs {
    let mut out = ParamAttrs::default();
    let mut seen = Seen::default();
    for_each_key(cx, attrs, "param", |meta, key| {
        match key {
            "default" => {
                let value = meta.value()?;
                let mut tokens = TokenStream::new();
                while !value.is_empty() && !value.peek(Token![,]) {
                    tokens.extend([value.parse::<proc_macro2::TokenTree>()?]);
                }
                if tokens.is_empty() {
                    cx.error_spanned_by(&meta.path, "`default` needs a value: `default = ...`");
                } else if seen.first(cx, &meta.path, key, "param") {
                    out.default = Some(tokens);
                }
            }
            "rename" => {
                let lit = lit_str(meta)?;
                if seen.first(cx, &meta.path, key, "param") {
                    out.rename = Some(lit);
                }
            }
            "skip" => {
                if seen.first(cx, &meta.path, key, "param") {
                    out.skip = true;
                }
            }
            _ => unknown(cx, meta, "param attribute", PARAM_KEYS),
        }
        Ok(())
    });
    out
}

/// Reports every `#[signature]` attribute in `attrs` as misplaced (on an enum variant, say).
pub(crate) fn reject(cx: &Ctxt, attrs: &[Attribute], namespace: &str, place: &str) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(namespace)) {
        cx.error_spanned_by(
            attr,
            format!("#[{namespace}(...)] is not allowed on {place}"),
        );
    }
}

pub(crate) fn span_of(tokens: &impl ToTokens) -> Span {
    tokens
        .to_token_stream()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}
