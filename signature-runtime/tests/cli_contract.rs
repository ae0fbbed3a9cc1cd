//! The contract every `mlsig` subcommand keeps: exit 0 when done, 1 when the data does not
//! match the signature, 2 when a file cannot be read or the command line is wrong; a file of
//! a kind the build does not read is named as such.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{mlsig, scratch, stderr, stdout};

fn signature() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/house_price.signature.json")
        .display()
        .to_string()
}

fn parquet_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codecs/rows.zstd.parquet")
}

/// The exit code, with stderr when it is not the expected one.
#[track_caller]
fn assert_exit(output: &Output, code: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: stdout {} stderr {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An MLmodel file of ten lines of aliases, each list repeating the previous anchor nine
/// times: tens of gigabytes copied out, refused by the expansion budget.
fn alias_bomb_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=8 {
        let items = vec![format!("*a{}", level - 1); 9].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    yaml.push_str("signature: *a8\n");
    std::fs::write(dir.join("MLmodel"), yaml).unwrap();
    dir
}

#[test]
fn help_documents_the_exit_codes() {
    let output = mlsig(&["--help"]);
    assert_exit(&output, 0, "--help");
    let help = String::from_utf8(output.stdout).unwrap();
    for line in [
        "Exit status (every subcommand):",
        "  0  done",
        "  1  the data does not match the signature",
        "  2  cannot read a file",
    ] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn show_and_export_keep_the_contract() {
    let dir = scratch("show-export");
    let malformed = dir.join("broken.json");
    std::fs::write(&malformed, r#"{"inputs": "[{"#).unwrap();
    let bomb = alias_bomb_dir("show-export-bomb");
    for command in ["show", "export"] {
        assert_exit(&mlsig(&[command, &signature()]), 0, command);

        let missing = mlsig(&[command, "/definitely/not/here.json"]);
        assert_exit(&missing, 2, "missing file");
        assert!(stderr(&missing).starts_with("error: /definitely/not/here.json"));

        let broken = mlsig(&[command, malformed.to_str().unwrap()]);
        assert_exit(&broken, 2, "malformed file");
        assert!(
            stderr(&broken).contains("malformed JSON"),
            "{}",
            stderr(&broken)
        );

        let refused = mlsig(&[command, bomb.to_str().unwrap()]);
        assert_exit(&refused, 2, "alias bomb");
        let message = stderr(&refused);
        assert!(
            message.contains("MLmodel: line ")
                && message.contains("`yaml_expanded_bytes` budget (67108864 bytes"),
            "{message}"
        );

        let data = mlsig(&[command, parquet_fixture().to_str().unwrap()]);
        assert_exit(&data, 2, "a Parquet file");
        let message = stderr(&data);
        assert!(
            message.contains("this is a Parquet file, not a signature"),
            "{message}"
        );
        if cfg!(feature = "parquet") {
            assert!(message.contains("hint: `mlsig infer FILE`"), "{message}");
        } else {
            assert!(message.contains("`--features cli,parquet`"), "{message}");
        }

        assert_exit(&mlsig(&[command]), 2, "no file");
        assert_exit(
            &mlsig(&[command, "--bogus", &signature()]),
            2,
            "unknown flag",
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&bomb);
}

#[test]
fn check_keeps_the_contract() {
    let dir = scratch("check");
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"dataframe_records": [{"sqft": 1200.0, "bedrooms": 3}]}"#,
    )
    .unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"dataframe_records": [{"sqft": "big", "bedrooms": 3}]}"#,
    )
    .unwrap();
    let check = |signature: &str, body: &Path| {
        mlsig(&["check", "--signature", signature, body.to_str().unwrap()])
    };

    assert_exit(&check(&signature(), &good), 0, "matching body");
    let mismatch = check(&signature(), &bad);
    assert_exit(&mismatch, 1, "mismatching body");
    assert!(String::from_utf8_lossy(&mismatch.stdout).contains("error[wrong_type]"));

    assert_exit(
        &check(&signature(), Path::new("/definitely/not/body.json")),
        2,
        "missing body",
    );
    assert_exit(
        &check("/definitely/not/signature.json", &good),
        2,
        "missing signature",
    );
    let bomb = alias_bomb_dir("check-bomb");
    let refused = check(bomb.to_str().unwrap(), &good);
    assert_exit(&refused, 2, "alias bomb signature");
    assert!(stderr(&refused).contains("`yaml_expanded_bytes` budget"));

    let zipped = dir.join("body.json");
    std::fs::write(&zipped, b"PK\x03\x04 a zip archive").unwrap();
    let refused = check(&signature(), &zipped);
    assert_exit(&refused, 2, "a zip archive as the body");
    assert!(
        stderr(&refused).contains("this is a zip archive, not a request body"),
        "{}",
        stderr(&refused)
    );

    // A Parquet file, whatever its name, is named as one.
    let disguised = dir.join("rows.json");
    std::fs::copy(parquet_fixture(), &disguised).unwrap();
    let rows = dir.join("rows.signature.json");
    let inferred = r#"[{"type": "long", "name": "id", "required": true}]"#;
    std::fs::write(&rows, inferred).unwrap();
    let output = check(rows.to_str().unwrap(), &disguised);
    if cfg!(feature = "parquet") {
        assert_exit(&output, 0, "a Parquet body read with the parquet feature");
    } else {
        assert_exit(&output, 2, "a Parquet body without the parquet feature");
        let message = stderr(&output);
        assert!(
            message.contains("this is a Parquet file; build mlsig with the `parquet` feature"),
            "{message}"
        );
        assert!(!message.contains("malformed JSON"), "{message}");
    }

    assert_exit(
        &mlsig(&["check", good.to_str().unwrap()]),
        2,
        "no --signature",
    );
    assert_exit(
        &mlsig(&[
            "check",
            "--signature",
            &signature(),
            "--mode",
            "lenient",
            "-",
        ]),
        2,
        "unknown mode",
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&bomb);
}

#[test]
fn infer_keeps_the_contract() {
    let output = mlsig(&["infer", parquet_fixture().to_str().unwrap()]);
    if !cfg!(feature = "parquet") {
        // No such subcommand: a usage error.
        assert_exit(&output, 2, "infer without the parquet feature");
        return;
    }
    assert_exit(&output, 0, "infer");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .starts_with(r#"{"inputs": "[{\"type\": \"long\", \"name\": \"id\""#)
    );

    assert_exit(
        &mlsig(&["infer", "/definitely/not/here.parquet"]),
        2,
        "missing file",
    );
    let dir = scratch("infer");
    let text = dir.join("notes.parquet");
    std::fs::write(&text, "not parquet, only text that is long enough").unwrap();
    let refused = mlsig(&["infer", text.to_str().unwrap()]);
    assert_exit(&refused, 2, "not a Parquet file");
    assert!(
        stderr(&refused).contains("cannot read Parquet file"),
        "{}",
        stderr(&refused)
    );
    let unknown = dir.join("notes.txt");
    std::fs::write(&unknown, "plain text").unwrap();
    assert_exit(
        &mlsig(&["infer", unknown.to_str().unwrap()]),
        2,
        "unknown kind",
    );
    assert_exit(&mlsig(&["infer"]), 2, "no file");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `mlsig` with `input` on its standard input.
fn mlsig_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlsig"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlsig runs");
    let mut stdin = child.stdin.take().unwrap();
    // mlsig may hang up once it has read past its budget: a broken pipe is expected then.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Every subcommand's input is read under a budget, and going past one is exit 2 with the
/// budget named: `check`'s body under `--max-body-bytes` (from a file or standard input,
/// held at the limit and refused one byte past it), the signatures of `show`, `export`,
/// `diff` and `check` under the reader budgets, and the data files of `infer`, `check` and
/// `diff` under the frame budgets.
#[test]
fn every_subcommand_refuses_input_over_a_budget() {
    let dir = scratch("budgets");
    let body = br#"{"dataframe_records": [{"sqft": 1200.0, "bedrooms": 3}]}"#;
    let file = dir.join("body.json");
    std::fs::write(&file, body).unwrap();
    let size = body.len().to_string();
    let smaller = (body.len() - 1).to_string();
    let signature = signature();
    fn check<'a>(signature: &'a str, max: &'a str, body: &'a str) -> [&'a str; 6] {
        [
            "check",
            "--signature",
            signature,
            "--max-body-bytes",
            max,
            body,
        ]
    }
    let file_arg = file.to_str().unwrap();
    assert_exit(
        &mlsig(&check(&signature, &size, file_arg)),
        0,
        "a body at the limit",
    );
    let refused = mlsig(&check(&signature, &smaller, file_arg));
    assert_exit(&refused, 2, "a body past the limit");
    assert_eq!(
        stderr(&refused),
        format!(
            "error: {file_arg}: over the `--max-body-bytes` budget ({smaller} bytes); raise \
             `--max-body-bytes` if the body is trusted\n"
        )
    );
    assert_exit(
        &mlsig_with_stdin(&check(&signature, &size, "-"), body),
        0,
        "standard input at the limit",
    );
    let refused = mlsig_with_stdin(&check(&signature, &smaller, "-"), body);
    assert_exit(&refused, 2, "standard input past the limit");
    assert!(
        stderr(&refused).starts_with("error: standard input: over the `--max-body-bytes` budget"),
        "{}",
        stderr(&refused)
    );
    // Far more than the budget on a pipe: mlsig stops reading one byte past it.
    let flood = vec![b' '; 4 << 20];
    let refused = mlsig_with_stdin(&check(&signature, "1000", "-"), &flood);
    assert_exit(&refused, 2, "a flood on standard input");
    let help = stdout(&mlsig(&["check", "--help"]));
    assert!(
        help.contains("--max-body-bytes <BYTES>") && help.contains("[default: 1073741824]"),
        "{help}"
    );

    // The signature readers, in every subcommand that reads a signature.
    let bomb = alias_bomb_dir("budgets-bomb");
    let bomb = bomb.to_str().unwrap();
    for command in [
        vec!["show", bomb],
        vec!["export", bomb],
        vec!["diff", bomb, &signature],
        vec!["diff", &signature, bomb],
        vec!["check", "--signature", bomb, file_arg],
    ] {
        let refused = mlsig(&command);
        assert_exit(&refused, 2, &command.join(" "));
        assert!(
            stderr(&refused).contains("`yaml_expanded_bytes` budget"),
            "{command:?}: {}",
            stderr(&refused)
        );
    }

    // The data readers: a Parquet page claiming a gigabyte once decompressed.
    #[cfg(feature = "parquet")]
    {
        let huge_page = support::parquet::parquet_with_page(
            &dir,
            "huge_page.parquet",
            Some(&support::parquet::Page {
                uncompressed: 1 << 30,
                values: 1_000,
                boolean_lists: vec![],
            }),
        );
        let huge_page = huge_page.to_str().unwrap();
        let inferred = dir.join("inferred.json");
        std::fs::write(
            &inferred,
            r#"[{"type": "long", "name": "x", "required": true}]"#,
        )
        .unwrap();
        for command in [
            vec!["infer", huge_page],
            vec![
                "check",
                "--signature",
                inferred.to_str().unwrap(),
                huge_page,
            ],
            vec!["diff", inferred.to_str().unwrap(), huge_page],
        ] {
            let refused = mlsig(&command);
            assert_exit(&refused, 2, &command.join(" "));
            assert!(
                stderr(&refused).contains("page 0: over the `frame_page_bytes` budget"),
                "{command:?}: {}",
                stderr(&refused)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(bomb);
}

/// Files the Parquet and Arrow readers panic on (the panics caught and reported as
/// `malformed data`): standard error holds our one-line error, not the panic hook's message
/// as well.
#[cfg(feature = "parquet")]
#[test]
fn a_reader_panic_prints_only_our_error() {
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for name in [
        "ipc_stream_buffer_past_body.arrows",
        "parquet_definition_levels_out_of_bounds.parquet",
    ] {
        let file = hostile.join(name);
        let file = file.to_str().unwrap();
        let dir = scratch("reader-panic");
        let signature_file = dir.join("signature.json");
        std::fs::write(&signature_file, r#"[{"type": "long", "name": "x"}]"#).unwrap();
        for command in [
            vec!["infer", file],
            vec![
                "check",
                "--signature",
                signature_file.to_str().unwrap(),
                file,
            ],
        ] {
            let output = mlsig(&command);
            assert_exit(&output, 2, &command.join(" "));
            let message = stderr(&output);
            assert!(
                message.starts_with(&format!("error: cannot read {file}: malformed data (")),
                "{command:?}: {message}"
            );
            assert_eq!(message.lines().count(), 1, "{command:?}: {message}");
            assert!(!message.contains("panicked"), "{command:?}: {message}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
