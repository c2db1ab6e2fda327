//! The learning rates and weight penalties a lab command trains its runs at: every combination
//! is a member of the same population, as each member has its own rate and penalty.

use hinge_train::TrainingConfig;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// Lists of learning rates, L2 and L1 penalties; a run per combination, rate first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateGrid {
    pub rates: Vec<f64>,
    pub l2s: Vec<f64>,
    pub l1s: Vec<f64>,
}

/// One combination of a [`RateGrid`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePoint {
    pub learning_rate: f64,
    pub l2: f64,
    pub l1: f64,
}

impl RatePoint {
    /// `config` trained at this point's rate and penalties.
    pub fn apply(self, mut config: TrainingConfig) -> TrainingConfig {
        config.learning_rate = self.learning_rate;
        config.model.l2 = self.l2;
        config.model.l1 = self.l1;
        config
    }

    /// The point a config trains at.
    pub fn of(config: &TrainingConfig) -> Self {
        Self {
            learning_rate: config.learning_rate,
            l2: config.model.l2,
            l1: config.model.l1,
        }
    }
}

impl RateGrid {
    /// `config`'s own rate and penalties, each a list of one.
    pub fn single(config: &TrainingConfig) -> Self {
        Self {
            rates: vec![config.learning_rate],
            l2s: vec![config.model.l2],
            l1s: vec![config.model.l1],
        }
    }

    /// Every list has a value, every rate is > 0 and every penalty >= 0, each finite.
    pub fn check(&self) -> Result<(), AppError> {
        let lists: [(&'static str, &Vec<f64>, bool, &str); 3] = [
            ("--lr", &self.rates, true, "a finite number > 0"),
            ("--l2", &self.l2s, false, "a finite number >= 0"),
            ("--l1", &self.l1s, false, "a finite number >= 0"),
        ];
        for (flag, values, positive, allowed) in lists {
            if values.is_empty() {
                return Err(AppError::LabSetting {
                    flag,
                    value: "(none)".into(),
                    allowed: "give at least one value, e.g. 0.01,0.03".into(),
                });
            }
            let fine = |v: f64| v.is_finite() && if positive { v > 0.0 } else { v >= 0.0 };
            if let Some(&bad) = values.iter().find(|&&v| !fine(v)) {
                return Err(AppError::LabSetting {
                    flag,
                    value: bad.to_string(),
                    allowed: format!("each value must be {allowed}"),
                });
            }
        }
        Ok(())
    }

    /// Every combination: rate-major, then L2, then L1.
    pub fn points(&self) -> Vec<RatePoint> {
        let mut points = Vec::with_capacity(self.len());
        for &learning_rate in &self.rates {
            for &l2 in &self.l2s {
                for &l1 in &self.l1s {
                    points.push(RatePoint {
                        learning_rate,
                        l2,
                        l1,
                    });
                }
            }
        }
        points
    }

    pub fn len(&self) -> usize {
        self.rates.len() * self.l2s.len() * self.l1s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `name=value`, comma-joined, of each list with more than one value: how a sweep names
    /// what it varies.
    pub fn describe(&self) -> Vec<String> {
        [
            ("learning rates", &self.rates),
            ("L2", &self.l2s),
            ("L1", &self.l1s),
        ]
        .into_iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(name, values)| format!("{} {name}", values.len()))
        .collect()
    }
}
