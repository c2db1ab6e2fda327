//! What a group of runs (one loss over seeds, or one cell of a sweep) adds up to.

use hinge_model::LossKind;
use serde::{Deserialize, Serialize};

use super::record::RunRow;

/// One cell of a sweep (a noise and a factor) for one loss, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepCell {
    pub noise: f64,
    pub factor: f64,
    pub point: super::rate_grid::RatePoint,
    pub summary: Summary,
}

/// Statistics over the runs of one loss, and a row of `summary.csv` or `cells.csv` as it is:
/// each statistic's mean and its spread (the sample standard deviation over runs) are two
/// columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub loss: LossKind,
    pub runs: usize,
    /// Runs with 100% test accuracy.
    pub full_accuracy_runs: usize,
    pub accuracy_mean: f64,
    pub accuracy_spread: f64,
    /// Half the width of the 95% confidence interval of the mean accuracy (Student's t over
    /// the runs); NaN for fewer than 2 runs.
    pub accuracy_ci95: f64,
    pub worst_accuracy: f64,
    pub test_loss_mean: f64,
    pub test_loss_spread: f64,
    /// Of each run's mean t * f(x) on the test set.
    pub mean_margin: f64,
    pub mean_margin_spread: f64,
    /// Of each run's mean boundary radius (over the rays that cross it).
    pub boundary_radius: f64,
    pub boundary_radius_spread: f64,
    /// Of each run's mean distance to the boundary from class-0 (outer) and class-1 (inner)
    /// test points.
    pub distance_outer: f64,
    pub distance_outer_spread: f64,
    pub distance_inner: f64,
    pub distance_inner_spread: f64,
    /// Runs that ended with at least one dead hidden unit, and how many of those reached 100%.
    pub runs_with_dead_units: usize,
    pub runs_with_dead_units_at_full_accuracy: usize,
}

impl Summary {
    /// Summarises `trials`, which must all be of `loss`.
    pub fn of(loss: LossKind, trials: &[&RunRow]) -> Self {
        let stat = |value: &dyn Fn(&RunRow) -> f64| {
            let values: Vec<f64> = trials
                .iter()
                .map(|t| value(t))
                .filter(|v| !v.is_nan())
                .collect();
            mean_and_spread(&values)
        };
        let (accuracy_mean, accuracy_spread) = stat(&|t| t.test_accuracy);
        let (test_loss_mean, test_loss_spread) = stat(&|t| t.test_loss);
        let (mean_margin, mean_margin_spread) = stat(&|t| t.mean_margin);
        let (boundary_radius, boundary_radius_spread) = stat(&|t| t.boundary_radius);
        let (distance_outer, distance_outer_spread) = stat(&|t| t.distance_outer);
        let (distance_inner, distance_inner_spread) = stat(&|t| t.distance_inner);
        let n = trials.len();
        Self {
            loss,
            runs: n,
            full_accuracy_runs: trials.iter().filter(|t| t.reached_full_accuracy()).count(),
            accuracy_mean,
            accuracy_spread,
            accuracy_ci95: if n < 2 {
                f64::NAN
            } else {
                student_t_975(n - 1) * accuracy_spread / (n as f64).sqrt()
            },
            worst_accuracy: trials
                .iter()
                .map(|t| t.test_accuracy)
                .fold(f64::INFINITY, f64::min),
            test_loss_mean,
            test_loss_spread,
            mean_margin,
            mean_margin_spread,
            boundary_radius,
            boundary_radius_spread,
            distance_outer,
            distance_outer_spread,
            distance_inner,
            distance_inner_spread,
            runs_with_dead_units: trials.iter().filter(|t| t.has_dead_units()).count(),
            runs_with_dead_units_at_full_accuracy: trials
                .iter()
                .filter(|t| t.has_dead_units() && t.reached_full_accuracy())
                .count(),
        }
    }

    /// One summary per loss present in `trials`, in `losses`' order.
    pub fn per_loss(losses: &[LossKind], trials: &[RunRow]) -> Vec<Self> {
        losses
            .iter()
            .map(|&loss| {
                let mine: Vec<&RunRow> = trials.iter().filter(|t| t.loss == loss).collect();
                Self::of(loss, &mine)
            })
            .filter(|summary| summary.runs > 0)
            .collect()
    }

    /// A fixed-width table for the terminal, one row per summary.
    pub fn table(summaries: &[Summary]) -> String {
        let mut out = format!(
            "{:<14} {:>9} {:>17} {:>8} {:>21} {:>15} {:>15} {:>15} {:>15} {:>10}\n",
            "loss",
            "100% runs",
            "test accuracy",
            "worst",
            "test loss",
            "mean t*f(x)",
            "boundary r",
            "dist. outer",
            "dist. inner",
            "dead unit"
        );
        let pm = |(mean, spread): (f64, f64), digits: usize| {
            if mean.is_nan() {
                "-".to_string()
            } else {
                format!("{mean:.digits$} ± {spread:.digits$}")
            }
        };
        for s in summaries {
            out += &format!(
                "{:<14} {:>9} {:>17} {:>8} {:>21} {:>15} {:>15} {:>15} {:>15} {:>10}\n",
                s.loss.name(),
                format!("{}/{}", s.full_accuracy_runs, s.runs),
                pm((s.accuracy_mean * 100.0, s.accuracy_spread * 100.0), 1) + "%",
                format!("{:.1}%", s.worst_accuracy * 100.0),
                format!("{:.2e} ± {:.1e}", s.test_loss_mean, s.test_loss_spread),
                pm((s.mean_margin, s.mean_margin_spread), 3),
                pm((s.boundary_radius, s.boundary_radius_spread), 3),
                pm((s.distance_outer, s.distance_outer_spread), 3),
                pm((s.distance_inner, s.distance_inner_spread), 3),
                format!("{} runs", s.runs_with_dead_units),
            );
        }
        out
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom: a 95% two-sided interval of
/// a mean is mean ± t · s / sqrt(n). Exact to three decimals up to 30, then the normal
/// quantile with the first term of its expansion in 1/df.
pub fn student_t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            let z: f64 = 1.959_964;
            z + (z.powi(3) + z) / (4.0 * df as f64)
        }
    }
}

/// Wilson's 95% interval of a success rate, `successes` of `runs`: unlike the normal
/// approximation it stays within [0, 1] and is not empty at 0 or all successes.
pub fn wilson_95(successes: usize, runs: usize) -> (f64, f64) {
    if runs == 0 {
        return (0.0, 1.0);
    }
    let (n, z) = (runs as f64, 1.959_964);
    let p = successes as f64 / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Mean and sample standard deviation; NaN for an empty list, a spread of 0 for one value.
pub fn mean_and_spread(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() == 1 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_the_textbook() {
        // 87 of 100: Wilson's formula, worked by hand in Python, gives (0.7902, 0.9224).
        let (lo, hi) = wilson_95(87, 100);
        assert!(
            (lo - 0.7902).abs() < 1e-4 && (hi - 0.9224).abs() < 1e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson_95(20, 20);
        assert!(lo > 0.8 && lo < 0.85 && hi == 1.0, "{lo} {hi}");
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        assert_eq!(student_t_975(19), 2.093);
        // t(40) = 2.021, t(120) = 1.980 in printed tables.
        assert!((student_t_975(40) - 2.021).abs() < 2e-3);
        assert!((student_t_975(120) - 1.980).abs() < 1e-3);
        assert!(student_t_975(0).is_nan());
    }

    #[test]
    fn spread_is_the_sample_standard_deviation() {
        assert_eq!(
            mean_and_spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).0,
            5.0
        );
        let (_, sd) = mean_and_spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_and_spread(&[3.0]), (3.0, 0.0));
        assert!(mean_and_spread(&[]).0.is_nan());
    }
}
