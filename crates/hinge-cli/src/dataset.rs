//! `--dataset`: one of the generated point sets or one of the real sets shipped with
//! hinge-lab, by the names their enums give them.

use hinge_data::{DataConfig, DatasetKind, RealDataset, TableSource};

/// The data set `--dataset` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetChoice {
    /// A 2-D set generated from the seed.
    Points(DatasetKind),
    /// A real table.
    Real(RealDataset),
}

impl DatasetChoice {
    /// Every name `--dataset` takes: the generated sets, then the real ones.
    pub fn names() -> Vec<&'static str> {
        let mut names = DatasetKind::names();
        names.extend(RealDataset::names());
        names
    }

    /// `data` set to train on this set.
    pub fn apply(self, data: DataConfig) -> DataConfig {
        match self {
            DatasetChoice::Points(dataset) => DataConfig {
                dataset,
                table: None,
                ..data
            },
            DatasetChoice::Real(set) => DataConfig {
                table: Some(TableSource::Real(set)),
                ..data
            },
        }
    }

    /// The set `data` trains on, where `--dataset` can name it (a CSV file it cannot).
    pub fn of(data: &DataConfig) -> Option<Self> {
        match &data.table {
            None => Some(DatasetChoice::Points(data.dataset)),
            Some(TableSource::Real(set)) => Some(DatasetChoice::Real(*set)),
            Some(TableSource::Csv(_)) => None,
        }
    }
}

impl std::fmt::Display for DatasetChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatasetChoice::Points(dataset) => write!(f, "{dataset}"),
            DatasetChoice::Real(set) => write!(f, "{set}"),
        }
    }
}

impl std::str::FromStr for DatasetChoice {
    type Err = String;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        if let Ok(dataset) = given.parse::<DatasetKind>() {
            return Ok(DatasetChoice::Points(dataset));
        }
        given
            .parse::<RealDataset>()
            .map(DatasetChoice::Real)
            .map_err(|_| {
                format!(
                    "unknown dataset '{given}': expected one of {}",
                    DatasetChoice::names().join(", ")
                )
            })
    }
}

/// By name, as `--dataset` takes it, so the page's settings carry it as its flag does.
impl serde::Serialize for DatasetChoice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DatasetChoice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses `--dataset`; help and errors list every name.
pub fn dataset_choice() -> impl clap::builder::TypedValueParser<Value = DatasetChoice> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(DatasetChoice::names()).map(|name| {
        name.parse()
            .expect("the parser lets through only the listed names")
    })
}
