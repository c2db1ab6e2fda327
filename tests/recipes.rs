//! The README's sweep recipes are the files in `deploy/` that CI runs (`.ci/sweep-recipes`):
//! every command line the README shows is in one of them, so what a user copies is what ran.

use std::path::Path;

#[test]
fn every_recipe_line_of_the_readme_is_in_a_deploy_file_that_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let readme = read("README.md");
    let files: Vec<String> = ["slurm-sweep.sh", "k8s-sweep.yaml", "parallel-sweep.sh"]
        .iter()
        .map(|name| read(&format!("deploy/{name}")))
        .collect();
    let start = readme
        .find("# deploy/slurm-sweep.sh")
        .expect("the README shows the recipes");
    let block = &readme[start..readme[start..].find("```").unwrap() + start];
    let mut checked = 0;
    for line in block.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("# ") || line == "#" {
            continue;
        }
        assert!(
            files.iter().any(|file| file.contains(line)),
            "the README's line `{line}` is in no deploy/ file"
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} lines checked");
    let ci = read(".ci/run");
    assert!(ci.contains(".ci/sweep-recipes"), ".ci/run runs the recipes");
}
