//! Every command the README and `docs/` show is run here, as shown, in the order a reader meets
//! them (the README, then the pages by name), in one working folder, so that none of them rots:
//! a command in a shell block must succeed, and a `$ command` in a text block must print the
//! lines shown under it. The few commands that are not this project's programs, or that need a
//! build this test is not, are listed in `NOT_RUN_HERE` with where they are checked instead; a
//! shown command in neither list fails the test, and so does a listed one no page shows.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::binary;

/// Commands shown but not run by this test, each with the reason and where it is checked.
const NOT_RUN_HERE: [(&str, &str); 11] = [
    (
        "cargo test --release --workspace",
        "the test command itself: CI runs it",
    ),
    (
        "cargo run --release -p hinge-playground",
        "a server that runs until stopped: the playground's own tests start it and drive it",
    ),
    (
        "cargo test --features wgpu,ndarray --test backends",
        "CI's backend stage runs it",
    ),
    (
        "cargo run --release --example circles --features wgpu",
        "needs the wgpu build: CI's backend stage runs the wgpu example",
    ),
    (
        "cargo run --release --example circles --features ndarray -- --backend ndarray",
        "needs the ndarray build: tests/backends.rs trains on ndarray",
    ),
    (
        "cargo build --release --features cuda",
        "cannot link here (its build downloads LLVM): CI type-checks it with DOCS_RS=1",
    ),
    (
        "cargo run --release --example bench --features wgpu",
        "the whole benchmark on a software Vulkan driver takes longer than CI allows; its flex \
         twin runs here",
    ),
    (
        "bash bench/compare.sh",
        "installs JAX and TensorFlow from PyPI to compare against them: a measurement, not a test",
    ),
    (
        "python bench/linear_svc.py --l2 0.001",
        "needs scikit-learn from PyPI: a measurement, not a test",
    ),
    (
        "python bench/real_data.py",
        "needs scikit-learn from PyPI and a few minutes: a measurement, not a test",
    ),
    (
        "lab sweep / lab merge recipes of docs/lab.md",
        "tests/recipes.rs checks them against deploy/, and .ci/sweep-recipes runs them",
    ),
];

/// A command as a page shows it.
#[derive(Debug)]
struct Shown {
    place: String,
    command: String,
    /// The lines shown under a `$ command` in a text block; `None` for a shell block.
    output: Option<Vec<String>>,
}

/// The commands of one page: each line of a `sh` block (comments dropped), and each `$ ` line
/// of a `text` block with the lines under it.
fn commands_of(page: &Path) -> Vec<Shown> {
    let text = std::fs::read_to_string(page).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = Vec::new();
    let mut block: Option<&str> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let place = format!("{}:{}", page.display(), index + 1);
        if let Some(language) = line.strip_prefix("```") {
            block = if block.is_some() {
                None
            } else {
                Some(language)
            };
        } else if block == Some("sh") {
            let command = line.split(" #").next().unwrap().trim();
            if !command.is_empty() && !command.starts_with('#') {
                shown.push(Shown {
                    place,
                    command: command.to_string(),
                    output: None,
                });
            }
        } else if let (Some("text"), Some(command)) = (block, line.strip_prefix("$ ")) {
            let output: Vec<String> = lines[index + 1..]
                .iter()
                .take_while(|l| !l.starts_with("```") && !l.starts_with("$ "))
                .map(|l| l.to_string())
                .collect();
            shown.push(Shown {
                place,
                command: command.to_string(),
                output: Some(output),
            });
        }
        index += 1;
    }
    shown
}

/// The README, then every page of `docs/` by name.
fn every_shown_command() -> Vec<Shown> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.insert(0, root.join("README.md"));
    pages.iter().flat_map(|page| commands_of(page)).collect()
}

/// The words of a shell command: split at spaces, with '...' and "..." kept whole.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in command.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// How to run a shown `cargo run --release --example NAME -- ARGS`, fed by an optional
/// `printf '...' |`: the program's binary, its arguments and its input. `None` for any other
/// command.
fn as_program(command: &str) -> Option<(String, Vec<String>, Option<String>)> {
    let (input, command) = match command.split_once(" | ") {
        Some((feed, rest)) => {
            let printf = words(feed);
            assert_eq!(
                printf[0], "printf",
                "only printf feeds a shown command: {feed}"
            );
            (Some(printf[1].replace("\\n", "\n")), rest)
        }
        None => (None, command),
    };
    let words = words(command);
    let rest = words.strip_prefix(&["cargo", "run", "--release", "--example"].map(String::from))?;
    let (name, rest) = rest.split_first()?;
    if rest.first().is_some_and(|w| w == "--features") {
        return None;
    }
    let args = match rest {
        [] => Vec::new(),
        [dashes, args @ ..] if dashes == "--" => args.to_vec(),
        _ => panic!("unexpected words after the example's name: {command}"),
    };
    Some((name.clone(), args, input))
}

#[test]
fn every_command_the_readme_and_docs_show_runs_as_shown() {
    let shown = every_shown_command();
    let folder = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for item in &shown {
        let Some((name, args, input)) = as_program(&item.command) else {
            let listed = NOT_RUN_HERE
                .iter()
                .any(|(command, _)| *command == item.command || is_recipe(&item.command));
            assert!(
                listed,
                "{}: `{}` is neither run nor listed",
                item.place, item.command
            );
            continue;
        };
        let mut child = Command::new(binary(&name))
            .args(&args)
            .current_dir(folder.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", item.place));
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(input.as_deref().unwrap_or("").as_bytes())
            .unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        match &item.output {
            None => assert!(
                output.status.success(),
                "{}: `{}` failed:\n{printed}",
                item.place,
                item.command
            ),
            Some(lines) => {
                for line in lines {
                    assert!(
                        printed.lines().any(|printed| printed == line),
                        "{}: `{}` did not print\n{line}\nbut:\n{printed}",
                        item.place,
                        item.command
                    );
                }
            }
        }
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} commands ran: {shown:?}");
    // Every listed exception is still shown somewhere.
    for (command, reason) in NOT_RUN_HERE {
        assert!(
            shown.iter().any(|item| item.command == command
                || (is_recipe(&item.command) && command.starts_with("lab sweep"))),
            "`{command}` ({reason}) is listed but no page shows it"
        );
    }
}

/// A line of the deployment recipes docs/lab.md quotes from deploy/.
fn is_recipe(command: &str) -> bool {
    [
        "exec lab sweep",
        "--shard \"",
        "parallel lab sweep",
        "lab merge runs/",
    ]
    .iter()
    .any(|start| command.starts_with(start))
}
