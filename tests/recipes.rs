//! The sweep recipes that `docs/lab.md` shows are the files in `deploy/` that CI runs
//! (`.ci/sweep-recipes`): every command line shown is in one of them, so what a user copies is
//! what ran.

use std::path::Path;

#[test]
fn every_recipe_line_shown_is_in_a_deploy_file_that_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let page = read("docs/lab.md");
    let files: Vec<String> = ["slurm-sweep.sh", "k8s-sweep.yaml", "parallel-sweep.sh"]
        .iter()
        .map(|name| read(&format!("deploy/{name}")))
        .collect();
    let start = page
        .find("# deploy/slurm-sweep.sh")
        .expect("docs/lab.md shows the recipes");
    let block = &page[start..page[start..].find("```").unwrap() + start];
    let mut checked = 0;
    for line in block.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("# ") || line == "#" {
            continue;
        }
        assert!(
            files.iter().any(|file| file.contains(line)),
            "docs/lab.md's line `{line}` is in no deploy/ file"
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} lines checked");
    let ci = read(".ci/run");
    assert!(ci.contains(".ci/sweep-recipes"), ".ci/run runs the recipes");
}
