//! The shell command that trains what the page trains: its flags come from the table the
//! CLI's help takes its defaults from ([`hinge_cli::run_flags`]), so a knob the CLI gains shows
//! here with no edit.

use hinge_cli::changed_flags;
use hinge_model::{LossChoice, Named};
use hinge_train::TrainingConfig;

use crate::settings::Settings;

impl Settings {
    /// `circles` for one seed, `lab seeds` for a population (the lab varies the seed from
    /// `--first-seed` on); losses that no `--loss` value names together are one command each.
    pub fn command(&self) -> String {
        let flags = changed_flags(
            &self.config(self.rows(None).unwrap_or(self.samples)),
            &TrainingConfig::new(),
            &["seed"],
        );
        // `--loss` names one loss or a set (`both`, `all`); any other set is one command a loss.
        let choices: Vec<LossChoice> = match LossChoice::ALL
            .iter()
            .find(|choice| choice.kinds() == self.losses)
        {
            Some(&choice) => vec![choice],
            None => self.losses.iter().map(|&l| LossChoice::One(l)).collect(),
        };
        choices
            .into_iter()
            .map(|choice| {
                let mut words = self.program(choice);
                words.extend(flags.iter().cloned());
                words.join(" ")
            })
            .collect::<Vec<_>>()
            .join(" && ")
    }

    /// The program and the flags that say which losses and seeds it trains.
    fn program(&self, choice: LossChoice) -> Vec<String> {
        let default_seed = TrainingConfig::new().seed;
        if self.seeds == 1 {
            let mut words = vec!["circles".to_string()];
            if choice != LossChoice::Both {
                words.push(format!("--loss {choice}"));
            }
            if self.seed != default_seed {
                words.push(format!("--seed {}", self.seed));
            }
            words
        } else {
            let mut words = vec![
                "lab seeds".to_string(),
                format!("--seeds {}", self.seeds),
                format!("--first-seed {}", self.seed),
            ];
            if choice != LossChoice::All {
                words.push(format!("--loss {choice}"));
            }
            words
        }
    }
}
