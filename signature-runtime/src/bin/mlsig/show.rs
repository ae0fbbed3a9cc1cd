use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use signature_runtime::{ParamSchema, Schema, SchemaInputs};

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A signature dict JSON, a bare inputs list JSON, an MLmodel file, or a model directory.
    file: PathBuf,
}

pub(crate) fn run(args: &ShowArgs) -> ExitCode {
    match crate::load_signature(&args.file) {
        Ok(signature) => {
            let mut out = String::new();
            for (title, schema) in [
                ("inputs", signature.inputs()),
                ("outputs", signature.outputs()),
            ] {
                match schema {
                    Some(schema) => render_schema(&mut out, title, schema),
                    None => {
                        let _ = writeln!(out, "{title}: none\n");
                    }
                }
            }
            match signature.params() {
                Some(params) => render_params(&mut out, params),
                None => out.push_str("params: none\n"),
            }
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(error) => crate::cannot_read(&error),
    }
}

fn render_schema(out: &mut String, title: &str, schema: &Schema) {
    let rows: Vec<[String; 4]> = match schema.inputs() {
        SchemaInputs::Columns(columns) => columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                [
                    i.to_string(),
                    c.name()
                        .map_or_else(|| "(by position)".to_owned(), ToString::to_string),
                    c.ty().to_string(),
                    if c.required() { "required" } else { "optional" }.to_owned(),
                ]
            })
            .collect(),
        SchemaInputs::Tensors(tensors) => tensors
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let dims: Vec<String> = t.shape().iter().map(ToString::to_string).collect();
                [
                    i.to_string(),
                    t.name()
                        .map_or_else(|| "(unnamed)".to_owned(), ToString::to_string),
                    format!("tensor {} [{}]", t.dtype(), dims.join(", ")),
                    "required".to_owned(),
                ]
            })
            .collect(),
    };
    let kind = if schema.is_tensor_spec() {
        "tensor"
    } else {
        "column"
    };
    let plural = if rows.len() == 1 { "" } else { "s" };
    let _ = writeln!(out, "{title} ({} {kind}{plural}):", rows.len());
    render_table(out, ["#", "name", "type", "presence"], &rows);
    out.push('\n');
}

fn render_params(out: &mut String, params: &ParamSchema) {
    let rows: Vec<[String; 4]> = params
        .params()
        .iter()
        .map(|p| {
            [
                p.name().to_owned(),
                p.dtype().to_string(),
                p.shape().to_string(),
                p.default().to_json(),
            ]
        })
        .collect();
    let plural = if rows.len() == 1 { "" } else { "s" };
    let _ = writeln!(out, "params ({} param{plural}):", rows.len());
    render_table(out, ["name", "type", "shape", "default"], &rows);
}

fn render_table<const N: usize>(out: &mut String, header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::from(" ");
        for (cell, width) in cells.zip(widths) {
            let _ = write!(
                text,
                " {cell}{}",
                " ".repeat(width - cell.chars().count() + 1)
            );
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}
