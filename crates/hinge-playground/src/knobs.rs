//! The page's knobs, one table: each setting's name (its field in [`Settings`] and in the URL),
//! its label, where the page shows it, and the values it may take, read from the Rust types
//! (an enum's names, a limit's constant). The page builds its controls from this table, so a
//! value added to an enum shows on the page with no edit to the page.

use hinge_cli::DatasetChoice;
use hinge_model::{Activation, Feature, LossKind, Named, OutputActivation};
use serde::Serialize;

use crate::settings::{MAX_LAYERS, MAX_SEEDS, MAX_UNITS, PACE_RANGE};

/// Learning rates, penalties and paces offered in the page's lists; the server takes any valid
/// value (a link may carry one), the lists are the steps a click offers.
const LEARNING_RATES: [f64; 11] = [
    0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
];
const PENALTIES: [f64; 9] = [0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0];
const PACES: [f64; 8] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0];

/// One knob of the page.
#[derive(Debug, Clone, Serialize)]
pub struct Knob {
    /// The field of [`Settings`](crate::settings::Settings) it sets.
    pub name: &'static str,
    pub label: &'static str,
    /// Where the page shows it: `header`, `data` or `network`.
    pub section: &'static str,
    #[serde(flatten)]
    pub control: Control,
}

/// How a knob is set, with what it allows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    /// One of these names, as buttons.
    Buttons { values: Vec<&'static str> },
    /// One of these, from a list.
    Choice { values: Vec<serde_json::Value> },
    /// Any of these names, each a check box; the setting lists them in this order.
    Checks { values: Vec<&'static str> },
    /// At least one of these numbers, each a check box in a drop-down list; more than one
    /// spreads the population over them.
    Several { values: Vec<serde_json::Value> },
    /// A number on a slider.
    Range { min: f64, max: f64, step: f64 },
    /// A whole number typed in.
    Number { min: u64, max: Option<u64> },
    /// The hidden layers' widths, each added, removed, widened or narrowed by a click.
    Layers { max_layers: usize, max_units: usize },
}

fn names<T: Named + Copy>(values: &[T]) -> Vec<&'static str> {
    values.iter().map(|v| v.name()).collect()
}

fn knob(name: &'static str, label: &'static str, section: &'static str, control: Control) -> Knob {
    Knob {
        name,
        label,
        section,
        control,
    }
}

/// Every knob, in the order the page shows them in each section.
pub fn knobs() -> Vec<Knob> {
    let mut all = header_knobs();
    all.extend(data_knobs());
    all.extend(network_knobs());
    all
}

fn header_knobs() -> Vec<Knob> {
    let (slowest, fastest) = PACE_RANGE;
    let paces: Vec<f64> = PACES
        .into_iter()
        .filter(|p| (slowest..=fastest).contains(p))
        .collect();
    let seeds = Control::Number {
        min: 1,
        max: Some(MAX_SEEDS as u64),
    };
    vec![
        knob("lr", "Learning rate", "header", several(&LEARNING_RATES)),
        knob("losses", "Loss", "header", checks(&LossKind::TWO_CLASS)),
        knob("seeds", "Seeds each", "header", seeds),
        knob(
            "epochs_per_second",
            "Pace (epochs/s)",
            "header",
            choice(&paces),
        ),
    ]
}

fn data_knobs() -> Vec<Knob> {
    let range = |min, max, step| Control::Range { min, max, step };
    let buttons = Control::Buttons {
        values: DatasetChoice::names(),
    };
    vec![
        knob("dataset", "Data set", "data", buttons),
        knob("noise", "Noise", "data", range(0.0, 0.5, 0.01)),
        knob("factor", "Ring factor", "data", range(0.05, 0.95, 0.05)),
        knob("test_ratio", "Test share", "data", range(0.1, 0.9, 0.05)),
        knob("batch_size", "Batch size", "data", range(1.0, 30.0, 1.0)),
        knob(
            "seed",
            "Seed",
            "data",
            Control::Number { min: 0, max: None },
        ),
    ]
}

fn network_knobs() -> Vec<Knob> {
    let layers = Control::Layers {
        max_layers: MAX_LAYERS,
        max_units: MAX_UNITS,
    };
    vec![
        knob("features", "Features", "network", checks(Feature::ALL)),
        knob("hidden", "Hidden layers", "network", layers),
        knob(
            "activation",
            "Activation",
            "network",
            named_choice(Activation::ALL),
        ),
        knob(
            "output",
            "Output",
            "network",
            named_choice(OutputActivation::ALL),
        ),
        knob("l1", "L1", "network", choice(&PENALTIES)),
        knob("l2", "L2", "network", several(&PENALTIES)),
    ]
}

fn choice(values: &[f64]) -> Control {
    Control::Choice {
        values: values.iter().map(|&v| serde_json::json!(v)).collect(),
    }
}

fn several(values: &[f64]) -> Control {
    Control::Several {
        values: values.iter().map(|&v| serde_json::json!(v)).collect(),
    }
}

fn named_choice<T: Named + Copy>(values: &[T]) -> Control {
    Control::Choice {
        values: names(values)
            .into_iter()
            .map(serde_json::Value::from)
            .collect(),
    }
}

fn checks<T: Named + Copy>(values: &[T]) -> Control {
    Control::Checks {
        values: names(values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn every_setting_has_one_knob_and_every_knob_a_setting() {
        let defaults = serde_json::to_value(Settings::default()).unwrap();
        let mut fields: Vec<&str> = defaults
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            // The upload sets `uploaded`; `samples` is the generated sets' size, fixed here.
            .filter(|name| !["uploaded", "samples"].contains(name))
            .collect();
        let mut named: Vec<&str> = knobs().iter().map(|k| k.name).collect();
        fields.sort();
        named.sort();
        assert_eq!(named, fields);
    }

    #[test]
    fn a_knobs_values_are_its_types_names() {
        let table = serde_json::to_value(knobs()).unwrap();
        let activation = table
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == "activation")
            .unwrap();
        assert_eq!(activation["kind"], "choice");
        assert_eq!(activation["values"], serde_json::json!(Activation::names()));
    }
}
