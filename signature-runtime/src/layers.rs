//! The crate's layers, checked: every module imports only from its own layer and the layers
//! below it, and the two checkers (JSON bodies in `check`, frames in `frame`) are peers that
//! never import each other.
//!
//! | layer | modules | may import |
//! |---|---|---|
//! | vocabulary | `options` (modes, options, the extra-column policy) | nothing |
//! | types | `types` | nothing |
//! | MLflow's Python behaviour | `pandas_rules` (what pandas and numpy do with values, MLflow's enforcement on them) | types |
//! | MLflow formats and the report | `mlflow`, `report` | types, each other |
//! | checkers | `check`, `frame` | the layers above, `derived` (the traits a checked type has); never each other |
//!
//! The typed models, serving, evolution and the CLI sit on top and may import anything.
//!
//! The test reads the sources: each `crate::` path in code (comments are left out: a doc link is
//! not an import), with names the crate root re-exports resolved to the module that defines
//! them (`crate::Mode` is `options`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The modules each checked module may import (besides itself).
const ALLOWED: &[(&str, &[&str])] = &[
    ("options", &[]),
    ("types", &[]),
    ("pandas_rules", &["types"]),
    ("mlflow", &["types", "report"]),
    ("report", &["types", "mlflow"]),
    (
        "check",
        &[
            "options",
            "types",
            "pandas_rules",
            "mlflow",
            "report",
            "derived",
        ],
    ),
    (
        "frame",
        &[
            "options",
            "types",
            "pandas_rules",
            "mlflow",
            "report",
            "derived",
        ],
    ),
];

/// `text` without its comments: `//` to the end of the line, outside string literals.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut in_string = false;
        let mut end = bytes.len();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if in_string => i += 1,
                b'"' => in_string = !in_string,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                    end = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

/// The first segment of every `crate::` path in `code`, with its line (1-based); a group
/// `crate::{a::b, C}` gives each of its items.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (start, _) in code.match_indices("crate::") {
        // `signature_runtime_crate::` and the like are not this crate.
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let line = code[..start].matches('\n').count() + 1;
        let rest = &code[start + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                if depth >= 1 && c != ',' {
                    item.push(c);
                }
            }
            items.push(item);
            for item in items {
                let name = first_segment(item.trim());
                if !name.is_empty() {
                    found.push((line, name));
                }
            }
        } else {
            found.push((line, first_segment(rest)));
        }
    }
    found
}

fn first_segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The names `lib.rs` re-exports (`pub use module::{A, B}`), each with its module.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let code = code_only(lib);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub use ") {
        rest = &rest[at + "pub use ".len()..];
        let statement = &rest[..rest.find(';').unwrap_or(rest.len())];
        let module = first_segment(statement);
        let items = match statement.find('{') {
            Some(open) => statement[open + 1..].trim_end_matches('}'),
            None => statement,
        };
        {
            for item in items.split(',') {
                let name = item.split(" as ").last().unwrap_or("").trim();
                let name = name.rsplit("::").next().unwrap_or("");
                if !name.is_empty() {
                    names.insert(name.to_owned(), module.clone());
                }
            }
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every import that breaks [`ALLOWED`], as `file:line: module imports other`.
fn violations(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let reexports = root_reexports(&lib);
    let mut problems = Vec::new();
    for (module, allowed) in ALLOWED {
        let mut files = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = src.join(format!("{module}.rs"));
        if file.is_file() {
            files.push(file);
        }
        assert!(!files.is_empty(), "no sources for module `{module}`");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for (line, name) in crate_paths(&code_only(&text)) {
                let target = reexports.get(&name).unwrap_or(&name);
                let known = ALLOWED.iter().any(|(m, _)| m == target)
                    || ["derived", "evolution", "model", "__private", "serve"]
                        .contains(&target.as_str());
                if target == module || !known || allowed.contains(&target.as_str()) {
                    continue;
                }
                problems.push(format!(
                    "{}:{line}: `{module}` imports `{target}` (through `crate::{name}`)",
                    file.strip_prefix(src).unwrap_or(&file).display()
                ));
            }
        }
    }
    problems
}

#[test]
fn the_scanner_sees_paths_groups_and_reexports() {
    let code = code_only(
        "use crate::{check::Mode, Schema};\n\
         // crate::model in a comment\n\
         let t = crate::frame::arrow_type(&ty); let s = \"// not a comment\"; crate::report::x();\n\
         use my_crate::types;\n",
    );
    let paths: Vec<_> = crate_paths(&code)
        .into_iter()
        .map(|(line, name)| format!("{line}:{name}"))
        .collect();
    assert_eq!(paths, ["1:check", "1:Schema", "3:frame", "3:report"]);
    let reexports = root_reexports("pub use check::JsonChecker;\npub use options::{Mode, X as Y};");
    assert_eq!(reexports["JsonChecker"], "check");
    assert_eq!(reexports["Mode"], "options");
    assert_eq!(reexports["Y"], "options");
}

#[test]
fn layers_import_only_downward_and_the_checkers_never_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&src);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
