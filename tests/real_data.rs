//! Real tables through the real binaries: a shipped set and a user's CSV train and write the
//! pictures of N dimensions, `predict` takes raw rows, bad files are refused in one line with
//! nothing written, and a changed file is not resumed.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{assert_one_line_error, binary, circles, succeed, write_breast_cancer_csv};
use hinge_lab::hinge_data::Scaler;
use hinge_lab::hinge_train::TestResult;

fn read_test(run: &Path) -> TestResult {
    serde_json::from_str(&std::fs::read_to_string(run.join("test.json")).unwrap()).unwrap()
}

#[test]
fn breast_cancer_trains_both_losses_and_draws_the_pictures_of_n_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    let out = succeed(
        circles(&["--dataset", "breast-cancer"])
            .arg("--artifacts")
            .arg(&artifacts),
    );
    assert!(
        out.contains("Data: breast-cancer, 569 rows of 30 features; -1 = malignant, +1 = benign, features standardised on the training split"),
        "{out}"
    );
    assert!(out.contains("inputs (features)      (None, 30)"), "{out}");
    for loss in ["hinge", "squared-hinge"] {
        let run = artifacts.join(loss);
        for file in [
            "scaler.json",
            "margins.png",
            "pca.png",
            "loss.png",
            "data.csv",
        ] {
            assert!(run.join(file).is_file(), "{loss}: no {file}");
        }
        for plane in [
            "data.png",
            "decision_boundary.png",
            "neurons.png",
            "confusion.png",
        ] {
            assert!(
                !run.join(plane).exists(),
                "{loss}: {plane} of a 30-feature run"
            );
        }
        let test = read_test(&run);
        // A quarter of the rows, rounded up, test: stratified, as train_test_split does.
        assert_eq!(test.samples, 143);
        assert!(test.accuracy > 0.9, "{loss}: {}", test.accuracy);
    }
    assert!(!artifacts.join("comparison.png").exists());
}

/// `data.csv`'s test rows of `run`, turned back into raw values with its `scaler.json`, and
/// their labels.
fn raw_test_rows(run: &Path) -> (Vec<Vec<f64>>, Vec<u8>) {
    let scaler: Scaler =
        serde_json::from_str(&std::fs::read_to_string(run.join("scaler.json")).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(run.join("data.csv")).unwrap();
    let (mut rows, mut labels) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        if &record[0] != "test" {
            continue;
        }
        let fields: Vec<f64> = record.iter().skip(1).map(|f| f.parse().unwrap()).collect();
        let (features, label) = fields.split_at(fields.len() - 1);
        let raw = features
            .iter()
            .zip(scaler.mean.iter().zip(&scaler.scale))
            .map(|(x, (m, s))| x * s + m)
            .collect();
        rows.push(raw);
        labels.push(label[0] as u8);
    }
    (rows, labels)
}

/// What `predict --run run --data file` prints.
fn predict_file(run: &Path, file: &Path) -> String {
    succeed(
        Command::new(binary("predict"))
            .arg("--run")
            .arg(run)
            .arg("--data")
            .arg(file)
            .stdin(Stdio::null()),
    )
}

#[test]
fn a_csv_run_predicts_its_raw_rows_as_it_scored_them() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cancer.csv");
    write_breast_cancer_csv(&csv);
    let artifacts = dir.path().join("runs");
    let out = succeed(
        circles(&["--loss", "hinge", "--data", csv.to_str().unwrap()])
            .arg("--artifacts")
            .arg(&artifacts),
    );
    // The labels are words, sorted: benign -1, malignant +1.
    assert!(out.contains("-1 = benign, +1 = malignant"), "{out}");
    let run = artifacts.join("hinge");
    let config = std::fs::read_to_string(run.join("config.json")).unwrap();
    assert!(config.contains("\"sha256\""), "{config}");
    // The run folder alone predicts: the training file may move away.
    let moved = dir.path().join("moved.csv");
    std::fs::rename(&csv, &moved).unwrap();
    let csv = moved;
    let (rows, labels) = raw_test_rows(&run);
    let raw = dir.path().join("raw.csv");
    let text: Vec<String> = rows
        .iter()
        .map(|r| r.iter().map(f64::to_string).collect::<Vec<_>>().join(","))
        .collect();
    std::fs::write(&raw, text.join("\n")).unwrap();
    let predicted = predict_file(&run, &raw);
    let mut lines = predicted.lines();
    assert!(lines.next().unwrap().ends_with(",output,class,name"));
    let right = lines
        .zip(&labels)
        .filter(|(line, label)| {
            let name = line.rsplit(',').next().unwrap();
            name == ["benign", "malignant"][usize::from(**label)]
        })
        .count();
    let test = read_test(&run);
    assert_eq!(
        right,
        (test.accuracy * labels.len() as f64).round() as usize
    );
    // The training file itself, label column and all, predicts too: one line a row.
    let whole = predict_file(&run, &csv);
    assert_eq!(whole.lines().count(), 570);
}

#[test]
fn no_scale_keeps_the_raw_features_and_writes_no_scaler() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    succeed(
        circles(&[
            "--dataset",
            "iris",
            "--loss",
            "categorical-hinge",
            "--no-scale",
        ])
        .arg("--artifacts")
        .arg(&artifacts),
    );
    let run = artifacts.join("categorical-hinge");
    assert!(!run.join("scaler.json").exists());
    assert!(run.join("confusion.png").is_file());
    let data = std::fs::read_to_string(run.join("data.csv")).unwrap();
    assert!(data.starts_with("split,sepal length (cm),"), "{data}");
    // Raw iris lengths are all positive; standardised, half would be negative.
    let first: f64 = data
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(first > 4.0, "{first}");
}

#[test]
fn each_bad_file_is_one_line_naming_it_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let huge = dir.path().join("huge.csv");
    // Sparse: its size says 1 TiB, which no memory here holds as a table.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    // Each bad file: its name, what it holds, and words its error must say.
    let bad: [(&str, &[u8], &str); 8] = [
        (
            "missing.csv",
            b"a,b,y\n1,,0\n2,3,1\n",
            "line 2, column b: the value is missing",
        ),
        (
            "word.csv",
            b"a,b,y\n1,x,0\n2,3,1\n",
            "line 2, column b: 'x' is not a number",
        ),
        (
            "nan.csv",
            b"a,b,y\n1,NaN,0\n2,3,1\n",
            "line 2, column b: 'NaN' is not a finite number",
        ),
        (
            "inf.csv",
            b"a,b,y\n1,2,0\n2,-inf,1\n",
            "line 3, column b: '-inf' is not a finite number",
        ),
        (
            "ragged.csv",
            b"a,b,y\n1,2,0\n2,3\n",
            "line 3 has 2 fields where the first line has 3",
        ),
        (
            "one.csv",
            b"a,b,y\n1,2,0\n2,3,0\n",
            "every row has label '0'",
        ),
        ("empty.csv", b"", "the file has no rows"),
        ("binary.csv", b"\xff\xfe,1\n", "it is not UTF-8 text"),
    ];
    let mut cases: Vec<_> = bad
        .iter()
        .map(|(name, text, words)| (file(name, text), *words))
        .collect();
    cases.push((huge.clone(), "is too large"));
    cases.push((dir.path().join("absent.csv"), "cannot read"));
    for (path, words) in &cases {
        let artifacts = dir.path().join("runs");
        let output = circles(&["--data", path.to_str().unwrap()])
            .arg("--artifacts")
            .arg(&artifacts)
            .output()
            .unwrap();
        let line = assert_one_line_error(&output, 1);
        assert!(line.contains(words), "{}: {line}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(line.contains(name), "{line}");
        assert!(
            !artifacts.exists(),
            "{}: wrote {}",
            path.display(),
            artifacts.display()
        );
    }
    let good = file("good.csv", b"a,b,y\n1,2,0\n2,3,1\n3,3,1\n0,1,0\n");
    let given = |label: &str| {
        refused(
            &["--data", good.to_str().unwrap(), "--label", label],
            dir.path(),
        )
    };
    let line = given("kind");
    assert!(
        line.contains("label column 'kind' does not exist: the columns are a, b, y"),
        "{line}"
    );
    let line = given("7");
    assert!(line.contains("label column '7' does not exist"), "{line}");
}

/// The one-line error of `circles` with `args`, which must write nothing into `dir`.
fn refused(args: &[&str], dir: &Path) -> String {
    let artifacts = dir.join("runs");
    let mut command = circles(args);
    let output = command.arg("--artifacts").arg(&artifacts).output().unwrap();
    assert!(
        !artifacts.exists(),
        "{args:?} wrote {}",
        artifacts.display()
    );
    assert_one_line_error(&output, 1)
}

#[test]
fn computed_features_of_a_table_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let wine = ["--dataset", "wine", "--loss", "categorical-hinge"];
    let line = refused(&[&wine[..], &["--features", "x,y,x2"]].concat(), dir.path());
    assert!(
        line.contains("features x,y,x2 are computed from a point's x and y"),
        "{line}"
    );
    assert!(line.contains("13 features"), "{line}");
    let line = refused(&["--dataset", "iris"], dir.path());
    assert!(
        line.ends_with("iris has 3: use --loss categorical-hinge"),
        "{line}"
    );
}

#[test]
fn a_csv_that_changed_is_not_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cancer.csv");
    write_breast_cancer_csv(&csv);
    let artifacts = dir.path().join("runs");
    let mut first = circles(&["--data", csv.to_str().unwrap()]);
    first.arg("--artifacts").arg(&artifacts);
    succeed(&mut first);
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text = text.replacen("17.99", "18.99", 1);
    std::fs::write(&csv, text).unwrap();
    let output = circles(&["--resume", "--artifacts"])
        .arg(&artifacts)
        .output()
        .unwrap();
    let line = assert_one_line_error(&output, 1);
    assert!(line.contains("changed since the run started"), "{line}");
    assert!(line.contains("cancer.csv"), "{line}");
}
