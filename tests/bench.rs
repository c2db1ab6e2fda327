//! The benchmark runs end to end and writes what the README says it writes. Its figures are
//! not checked here: speed is reported, never asserted in a test.

mod common;

use common::{assert_one_line_error, binary};

#[test]
fn the_benchmark_writes_one_result_per_case_and_backend() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench");
    let output = std::process::Command::new(binary("bench"))
        .args([
            "--backend",
            "flex",
            "--scaling",
            "2000,4000",
            "--population",
            "1,3",
            "--rates",
            "4",
            "--grid",
            "20",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let table = String::from_utf8(output.stdout).unwrap();
    for case in [
        "tutorial",
        "scaling-2000",
        "scaling-4000",
        "population-1",
        "population-3",
        "rates-4",
        "grid",
    ] {
        assert!(table.lines().any(|l| l.starts_with(case)), "{table}");
    }

    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let cases = results["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        assert_eq!(case["backend"], "flex");
        assert!(case["process_s"].as_f64().unwrap() > 0.0, "{case}");
        assert!(case["peak_mib"].as_f64().unwrap() > 1.0, "{case}");
    }
    let tutorial = &cases[0];
    assert_eq!(
        (tutorial["samples"].as_u64(), tutorial["epochs"].as_u64()),
        (Some(1000), Some(30))
    );
    assert!(tutorial["training_s"].as_f64().unwrap() > 0.0);
    assert!(cases[1]["samples_per_s"].as_f64().unwrap() > 0.0);
    for (case, members) in [(&cases[3], 1), (&cases[4], 3), (&cases[5], 4)] {
        assert_eq!(case["members"].as_u64(), Some(members), "{case}");
        assert_eq!(case["epochs"].as_u64(), Some(30), "{case}");
        assert!(case["runs_per_s"].as_f64().unwrap() > 0.0, "{case}");
    }
    assert_eq!(cases[6]["samples"].as_u64(), Some(400));
    assert!(cases[6]["predict_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_benchmark_sizes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (args, words) in [
        (["--scaling", "1000"], "scaling size 1000 is too small"),
        (["--population", "0"], "population 0 is too small"),
        (["--grid", "0"], "grid 0 is too small"),
    ] {
        let output = std::process::Command::new(binary("bench"))
            .args(args)
            .arg("--out")
            .arg(dir.path().join("bench"))
            .output()
            .unwrap();
        let line = assert_one_line_error(&output, 1);
        assert!(line.contains(words), "{line}");
    }
    assert!(!dir.path().join("bench").exists());
}
