//! The table of a run's flags: each flag's name and its value in a configuration.

use hinge_train::TrainingConfig;

use crate::DatasetChoice;

/// Each run-setting flag of the programs that train (by its clap id: `batch_size` is
/// `--batch-size`) with its value in `config`, as the flag takes it. Help shows the tutorial's
/// as the defaults, and the playground writes the flags a page's settings change from it: one
/// table of the run's knobs for both.
pub fn run_flags(config: &TrainingConfig) -> Vec<(&'static str, String)> {
    let list = |names: Vec<String>| names.join(",");
    let hidden = match config.model.hidden.as_slice() {
        [] => "none".to_string(),
        widths => list(widths.iter().map(usize::to_string).collect()),
    };
    vec![
        ("seed", config.seed.to_string()),
        ("factor", config.data.factor.to_string()),
        ("noise", config.data.noise.to_string()),
        ("epochs", config.epochs.to_string()),
        ("batch_size", config.batch_size.to_string()),
        ("lr", config.learning_rate.to_string()),
        (
            "dataset",
            DatasetChoice::of(&config.data).map_or_else(String::new, |d| d.to_string()),
        ),
        ("samples", config.data.samples.to_string()),
        ("cluster_std", config.data.cluster_std.to_string()),
        ("centers", config.data.centers.to_string()),
        ("hidden", hidden),
        ("activation", config.model.activation.to_string()),
        ("output", config.model.output.to_string()),
        (
            "features",
            list(
                config
                    .model
                    .features
                    .iter()
                    .map(|f| f.to_string())
                    .collect(),
            ),
        ),
        ("l1", config.model.l1.to_string()),
        ("l2", config.model.l2.to_string()),
        ("test_samples", config.split.test_samples.to_string()),
        (
            "validation_split",
            config.split.validation_split.to_string(),
        ),
    ]
}

/// The flags, as typed on a command line (`--batch-size 10`), whose values in `config` differ
/// from those in `base`, in the table's order; `skip` names flags (by id) the caller writes
/// itself.
pub fn changed_flags(config: &TrainingConfig, base: &TrainingConfig, skip: &[&str]) -> Vec<String> {
    run_flags(config)
        .into_iter()
        .zip(run_flags(base))
        .filter(|((id, value), (_, default))| value != default && !skip.contains(id))
        .map(|((id, value), _)| format!("--{} {value}", id.replace('_', "-")))
        .collect()
}
