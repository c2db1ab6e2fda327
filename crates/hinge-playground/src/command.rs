//! The shell command that trains what the page trains: its flags come from the table the
//! CLI's help takes its defaults from ([`hinge_cli::run_flags`]), so a knob the CLI gains shows
//! here with no edit.

use hinge_cli::{DatasetChoice, changed_flags};
use hinge_data::DatasetKind;
use hinge_model::{LossChoice, Named};
use hinge_train::TrainingConfig;

use crate::grid::GridPoint;
use crate::settings::Settings;

/// Where the commands of a setting that takes several write their runs when they would share
/// a folder (labs of several losses, or of several grid points), one folder each.
const OWN_FOLDERS: &str = "artifacts/playground";

impl Settings {
    /// `circles` for one seed, `lab seeds` for a population (the lab varies the seed from
    /// `--first-seed` on); losses that no `--loss` value names together are one command each.
    /// A grid of rates and penalties on make_circles is one `lab sweep`; on other data, one
    /// command a point.
    pub fn command(&self) -> String {
        let sweep = self.spread()
            && !self.uploaded
            && self.dataset == DatasetChoice::Points(DatasetKind::Circles);
        let choices = self.choices();
        let points: Vec<Option<GridPoint>> = if self.spread() && !sweep {
            self.grid().into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        let several = choices.len() * points.len() > 1;
        // `circles` keeps each loss in a folder of its own; a lab writes one folder.
        let lab = sweep || self.seeds > 1;
        let mut commands = Vec::new();
        for point in &points {
            for &choice in &choices {
                let mut words = if sweep {
                    self.sweep(choice)
                } else {
                    self.program(choice)
                };
                let mut folder = Vec::new();
                if lab && choices.len() > 1 {
                    folder.push(choice.to_string());
                }
                if let Some(GridPoint { learning_rate, l2 }) = point {
                    words.push(format!("--lr {learning_rate} --l2 {l2}"));
                    folder.push(format!("lr-{learning_rate}-l2-{l2}"));
                }
                if several && !folder.is_empty() {
                    words.push(format!("--artifacts {OWN_FOLDERS}/{}", folder.join("-")));
                }
                let skip: &[&str] = match (sweep, point) {
                    (true, _) => &["seed", "noise", "factor", "lr", "l2"],
                    (false, Some(_)) => &["seed", "lr", "l2"],
                    (false, None) => &["seed"],
                };
                words.extend(self.flags(skip));
                commands.push(words.join(" "));
            }
        }
        commands.join(" && ")
    }

    /// The flags these settings change from the CLI's defaults, but those in `skip`.
    fn flags(&self, skip: &[&str]) -> Vec<String> {
        changed_flags(
            &self.config(self.rows(None).unwrap_or(self.samples)),
            &TrainingConfig::new(),
            skip,
        )
    }

    /// `--loss` names one loss or a set (`both`, `all`); any other set is one command a loss.
    fn choices(&self) -> Vec<LossChoice> {
        match LossChoice::ALL
            .iter()
            .find(|choice| choice.kinds() == self.losses)
        {
            Some(&choice) => vec![choice],
            None => self.losses.iter().map(|&l| LossChoice::One(l)).collect(),
        }
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
            self.lab("seeds", choice)
        }
    }

    /// The lab command `name` over the page's seeds and losses (`lab` trains all by default).
    fn lab(&self, name: &str, choice: LossChoice) -> Vec<String> {
        let mut words = vec![
            format!("lab {name}"),
            format!("--seeds {}", self.seeds),
            format!("--first-seed {}", self.seed),
        ];
        if choice != LossChoice::All {
            words.push(format!("--loss {choice}"));
        }
        words
    }

    /// The grid on make_circles as `lab sweep`, at the page's one noise and factor (the
    /// sweep's own defaults are lists of them).
    fn sweep(&self, choice: LossChoice) -> Vec<String> {
        let list = |values: &[f64]| {
            let words: Vec<String> = values.iter().map(f64::to_string).collect();
            words.join(",")
        };
        let mut words = self.lab("sweep", choice);
        words.push(format!("--noise {} --factor {}", self.noise, self.factor));
        words.push(format!("--lr {} --l2 {}", list(&self.lr), list(&self.l2)));
        words
    }
}
