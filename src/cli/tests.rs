use super::*;
use hinge_cli::{command, run_flags};
use hinge_model::{LossKind, Named};

#[test]
fn help_shows_the_tutorials_values_as_defaults() {
    let help = command::<Cli>().render_long_help().to_string();
    for text in [
        "[default: 30]",
        "[default: 0.03]",
        "[default: 4,2]",
        "[default: x,y]",
        "[default: circles]",
        "[default: 42]",
    ] {
        assert!(help.contains(text), "{text} is missing from:\n{help}");
    }
    // Each shown value is one a flag of circles takes, named by its id.
    let ids: Vec<String> = command::<Cli>()
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    for (id, _) in run_flags(&TrainingConfig::new()) {
        assert!(ids.iter().any(|known| known == id), "no flag {id}");
    }
}

#[test]
fn resume_refuses_every_flag_that_sets_the_run() {
    let command = command::<Cli>();
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        let Some(long) = arg.get_long() else { continue };
        if RESUMABLE_WITH.contains(&id) || id == "version" {
            continue;
        }
        let mut args = vec![
            "circles".to_string(),
            "--resume".to_string(),
            format!("--{long}"),
        ];
        if arg.get_action().takes_values() {
            let value = arg
                .get_possible_values()
                .first()
                .map_or("1".to_string(), |v| v.get_name().to_string());
            args.push(value);
        }
        let err = try_parse_from::<Cli, _, _>(&args).unwrap_err();
        assert_eq!(
            err.kind(),
            clap::error::ErrorKind::ArgumentConflict,
            "{args:?}: {err}"
        );
    }
    let fine = [
        "circles",
        "--resume",
        "--backend",
        "flex",
        "--no-tui",
        "--artifacts",
        "a",
    ];
    assert!(try_parse_from::<Cli, _, _>(fine).is_ok());
}

#[test]
fn every_loss_choice_reads_back_from_its_name() {
    for &choice in LossChoice::ALL {
        assert_eq!(choice.name().parse::<LossChoice>(), Ok(choice));
    }
    assert_eq!(LossChoice::ALL.len(), LossKind::ALL.len() + 2);
}

#[test]
fn no_flags_is_the_tutorials_run() {
    let run = Cli::parse_from(["circles"]).to_run().unwrap();
    assert_eq!(run.config, TrainingConfig::new());
    assert_eq!(run.losses, LossChoice::Both);
    assert_eq!(run.artifacts, PathBuf::from("artifacts/circles"));
}

#[test]
fn flags_reach_the_config() {
    let cli = Cli::parse_from([
        "circles",
        "--loss",
        "squared-hinge",
        "--epochs",
        "3",
        "--batch-size",
        "8",
        "--lr",
        "0.01",
        "--samples",
        "400",
        "--test-samples",
        "100",
        "--validation-split",
        "0.5",
        "--factor",
        "0.4",
        "--noise",
        "0.05",
        "--seed",
        "9",
        "--backend",
        "flex",
        "--artifacts",
        "out",
        "--no-tui",
    ]);
    let run = cli.to_run().unwrap();
    let c = &run.config;
    assert_eq!(run.losses, LossChoice::One(LossKind::SquaredHinge));
    assert_eq!(
        (c.epochs, c.batch_size, c.learning_rate, c.seed),
        (3, 8, 0.01, 9)
    );
    assert_eq!(
        (c.data.samples, c.data.factor, c.data.noise),
        (400, 0.4, 0.05)
    );
    assert_eq!((c.split.test_samples, c.split.validation_split), (100, 0.5));
    assert_eq!(run.backend, Some(BackendKind::Flex));
    assert_eq!(run.dashboard, Dashboard::Plain);
    assert_eq!(run.artifacts, PathBuf::from("out"));
}

#[test]
fn unknown_names_are_rejected_by_the_parser() {
    let err = Cli::try_parse_from(["circles", "--loss", "crossentropy"]).unwrap_err();
    assert!(err.to_string().contains("crossentropy"), "{err}");
    let err = Cli::try_parse_from(["circles", "--backend", "tpu"]).unwrap_err();
    assert!(err.to_string().contains("tpu"), "{err}");
}

#[test]
fn the_labs_subcommands_show_the_tutorials_values_too() {
    let mut lab = command::<crate::lab::cli::LabCli>();
    let seeds = lab.find_subcommand_mut("seeds").unwrap();
    let help = seeds.render_long_help().to_string();
    assert!(help.contains("[default: 30]"), "{help}");
    assert!(help.contains("[default: 0.03]"), "{help}");
}
