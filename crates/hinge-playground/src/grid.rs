//! The page's grid of learning rates and L2 penalties: a population may spread over them as
//! well as over seeds, each point one cell of members, as `lab sweep --lr --l2` spreads a
//! sweep.

use hinge_model::MlpConfig;
use hinge_train::TrainingConfig;

use crate::settings::Settings;

impl Settings {
    /// The grid of rates and penalties, L2-major as the page lays it out: each point's row
    /// holds its rates.
    pub fn grid(&self) -> Vec<GridPoint> {
        self.l2
            .iter()
            .flat_map(|&l2| {
                self.lr
                    .iter()
                    .map(move |&learning_rate| GridPoint { learning_rate, l2 })
            })
            .collect()
    }

    /// Whether the population spreads over rates or penalties, not only losses and seeds.
    pub fn spread(&self) -> bool {
        self.lr.len() > 1 || self.l2.len() > 1
    }
}

/// One learning rate and L2 penalty of the page's grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridPoint {
    pub learning_rate: f64,
    pub l2: f64,
}

impl GridPoint {
    pub fn apply(self, config: TrainingConfig) -> TrainingConfig {
        let model = MlpConfig {
            l2: self.l2,
            ..config.model.clone()
        };
        config
            .with_learning_rate(self.learning_rate)
            .with_model(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinge_cli::DatasetChoice;
    use hinge_data::DatasetKind;
    use hinge_model::LossKind;

    fn grid(lr: &[f64], l2: &[f64], seeds: usize) -> Settings {
        Settings {
            lr: lr.to_vec(),
            l2: l2.to_vec(),
            seeds,
            losses: vec![LossKind::Hinge],
            ..Settings::default()
        }
    }

    #[test]
    fn a_grid_is_every_rate_and_penalty_by_seed_l2_major() {
        let members = grid(&[0.01, 0.03], &[0.0, 0.001], 3).members(None).unwrap();
        let shown: Vec<(f64, f64, u64)> = members
            .iter()
            .map(|m| {
                let c = m.config.config();
                (c.learning_rate, c.model.l2, c.seed)
            })
            .collect();
        let mut expected = Vec::new();
        for l2 in [0.0, 0.001] {
            for lr in [0.01, 0.03] {
                expected.extend((42..45).map(|seed| (lr, l2, seed)));
            }
        }
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_grid_on_circles_is_one_lab_sweep_and_elsewhere_a_command_a_point() {
        let circles = grid(&[0.01, 0.03], &[0.0, 0.001], 3);
        assert_eq!(
            circles.command(),
            "lab sweep --seeds 3 --first-seed 42 --loss hinge --noise 0 --factor 0.1 \
             --lr 0.01,0.03 --l2 0,0.001 --validation-split 0"
        );
        let moons = Settings {
            dataset: DatasetChoice::Points(DatasetKind::Moons),
            ..grid(&[0.01, 0.03], &[0.0], 1)
        };
        assert_eq!(
            moons.command(),
            "circles --loss hinge --lr 0.01 --l2 0 --artifacts artifacts/playground/lr-0.01-l2-0 \
             --dataset moons --validation-split 0 && \
             circles --loss hinge --lr 0.03 --l2 0 --artifacts artifacts/playground/lr-0.03-l2-0 \
             --dataset moons --validation-split 0"
        );
    }

    #[test]
    fn labs_of_losses_no_flag_names_together_write_a_folder_each() {
        let settings = Settings {
            losses: vec![LossKind::Hinge, LossKind::Logistic],
            seeds: 5,
            ..Settings::default()
        };
        let command = settings.command();
        assert!(
            command.contains("--loss hinge --artifacts artifacts/playground/hinge ")
                && command.contains("--loss logistic --artifacts artifacts/playground/logistic "),
            "{command}"
        );
    }

    #[test]
    fn a_bad_grid_is_one_line_naming_it() {
        let bad = |settings: Settings| settings.members(None).unwrap_err();
        assert_eq!(
            bad(grid(&[], &[0.0], 1)),
            "choose at least one learning rate"
        );
        assert_eq!(
            bad(grid(&[0.03, 0.01, 0.03], &[0.0], 1)),
            "learning rate 0.03 is chosen twice"
        );
        assert_eq!(bad(grid(&[0.03], &[0.1, 0.1], 1)), "L2 0.1 is chosen twice");
        assert!(bad(grid(&[0.03], &[-1.0], 1)).contains("-1"));
        let too_many = bad(Settings {
            losses: LossKind::TWO_CLASS.to_vec(),
            ..grid(&[0.01, 0.03], &[0.0], 100)
        });
        assert_eq!(
            too_many,
            "3 losses x 2 learning rates x 1 L2 x 100 seeds is 600 members, too many: at most 300"
        );
    }

    #[test]
    fn a_rate_reads_as_one_number_or_a_list_and_nothing_else() {
        let mut json = serde_json::to_value(Settings::default()).unwrap();
        json["lr"] = serde_json::json!(0.1);
        let settings: Settings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(settings.lr, vec![0.1]);
        json["l2"] = serde_json::json!([0, 0.01]);
        let settings: Settings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(settings.l2, vec![0.0, 0.01]);
        json["lr"] = serde_json::json!("fast");
        let err = serde_json::from_value::<Settings>(json).unwrap_err();
        assert!(
            err.to_string().contains("a number or a list of numbers"),
            "{err}"
        );
    }
}
