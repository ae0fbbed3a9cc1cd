//! `#[signature(check = "...")]`: reads a committed signature at macro time and turns its
//! schema into entries the compiler compares with the derived ones.
//!
//! The file is a signature dict JSON (`{"inputs": "...", "outputs": "...", "params": ...}`, as
//! `json.dumps(signature.to_dict())` writes it), a bare schema list JSON, or an MLmodel file
//! (a model directory, a file named `MLmodel`, or any `.yaml`/`.yml`), relative to the crate's
//! `Cargo.toml`.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use serde_derive_internals::Ctxt;

use crate::ast::Container;
use crate::attr::{Check, View};

// The reading of a file's text, kept free of the file system and the compiler's context so
// that the fuzz target (fuzz/fuzz_targets/drift_read.rs) can include it by path.
#[cfg(feature = "check")]
pub(crate) mod read;

/// One check to emit: the file's schema for `view`, as `Entry` expressions.
pub(crate) struct Expected {
    pub(crate) view: View,
    pub(crate) span: Span,
    pub(crate) shown_path: String,
    pub(crate) absolute_path: String,
    pub(crate) entries: Vec<TokenStream>,
}

pub(crate) fn load(cx: &Ctxt, cont: &Container<'_>) -> Vec<Expected> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    cont.attrs
        .checks
        .iter()
        .filter_map(|check| match read(manifest_dir.as_deref(), check) {
            Ok(expected) => Some(expected),
            Err(message) => {
                cx.error_spanned_by(&check.path, message);
                None
            }
        })
        .collect()
}

/// Without the `check` feature the derive has no reader of signature files: the attribute
/// is refused, naming the feature that brings them.
#[cfg(not(feature = "check"))]
fn read(_manifest_dir: Option<&Path>, check: &Check) -> Result<Expected, String> {
    Err(format!(
        "`check = \"{}\"` reads the file while compiling, which needs the `check` feature of \
         signature-runtime: `signature-runtime = {{ version = \"0.1\", features = [\"check\"] }}`",
        check.path.value()
    ))
}

/// The file's text, or `None` past [`read::budget::FILE_BYTES`]: the size is checked before
/// reading, and the reading stops one byte past the budget (a FIFO has no size).
#[cfg(feature = "check")]
fn read_limited(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read as _;
    let limit = read::budget::FILE_BYTES;
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_file() && metadata.len() > limit {
        return Ok(None);
    }
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    Ok((text.len() as u64 <= limit).then_some(text))
}

#[cfg(feature = "check")]
fn read(manifest_dir: Option<&Path>, check: &Check) -> Result<Expected, String> {
    let shown = check.path.value();
    let mut path = match manifest_dir {
        Some(dir) => dir.join(&shown),
        None => PathBuf::from(&shown),
    };
    if path.is_dir() {
        path = path.join("MLmodel");
    }
    let is_yaml = path.file_name().is_some_and(|n| n == "MLmodel")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let text = read_limited(&path)
        .map_err(|e| format!("cannot read `{shown}` (relative to the crate's Cargo.toml): {e}"))?
        .ok_or_else(|| read::budget::file_too_large(&shown, is_yaml))?;
    let part = check.view.plural();
    let entries = read::entries(&text, is_yaml, part, &shown)?;
    Ok(Expected {
        view: check.view,
        span: check.path.span(),
        shown_path: shown,
        absolute_path: path.to_string_lossy().into_owned(),
        entries,
    })
}
