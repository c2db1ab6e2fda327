//! The real data sets that ship with hinge-lab, read from the files scikit-learn's package
//! carries (`crates/hinge-data/data/`, with their source, citation and licence in its
//! `README.md`): compiled in, so they load offline.

use std::sync::{Arc, OnceLock};

use crate::csv_table::{Header, LabelColumn, read_table};
use crate::table::Table;

crate::named_enum! {
    /// A real data set shipped with the project.
    pub enum RealDataset("data set") {
        /// Breast cancer Wisconsin (diagnostic): 569 x 30, malignant or benign.
        BreastCancer = "breast-cancer",
        /// Fisher's iris: 150 x 4, three species.
        Iris = "iris",
        /// Wine recognition: 178 x 13, three cultivars.
        Wine = "wine",
        /// Hand-written digits: 1,797 x 64 pixels of 8 x 8, ten digits.
        Digits = "digits",
    }
}

const BREAST_CANCER_FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];
const IRIS_FEATURES: [&str; 4] = [
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
];
const WINE_FEATURES: [&str; 13] = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
];

impl RealDataset {
    /// The file's text, as scikit-learn ships it.
    fn file(self) -> &'static str {
        match self {
            RealDataset::BreastCancer => include_str!("../data/breast_cancer.csv"),
            RealDataset::Iris => include_str!("../data/iris.csv"),
            RealDataset::Wine => include_str!("../data/wine_data.csv"),
            RealDataset::Digits => include_str!("../data/digits.csv"),
        }
    }

    /// scikit-learn's description (`DESCR`): the source, the creators, the references.
    pub fn description(self) -> &'static str {
        match self {
            RealDataset::BreastCancer => include_str!("../data/descr/breast_cancer.rst"),
            RealDataset::Iris => include_str!("../data/descr/iris.rst"),
            RealDataset::Wine => include_str!("../data/descr/wine_data.rst"),
            RealDataset::Digits => include_str!("../data/descr/digits.rst"),
        }
    }

    fn feature_names(self) -> Vec<String> {
        let names: Vec<String> = match self {
            RealDataset::BreastCancer => BREAST_CANCER_FEATURES.map(String::from).to_vec(),
            RealDataset::Iris => IRIS_FEATURES.map(String::from).to_vec(),
            RealDataset::Wine => WINE_FEATURES.map(String::from).to_vec(),
            RealDataset::Digits => (0..64)
                .map(|i| format!("pixel_{}_{}", i / 8, i % 8))
                .collect(),
        };
        names
    }

    /// [`RealDataset::load`], parsed once a process and shared: a population's members each
    /// check their data, and digits takes milliseconds to parse.
    pub fn shared(self) -> Arc<Table> {
        static TABLES: [OnceLock<Arc<Table>>; 4] = [const { OnceLock::new() }; 4];
        let slot = RealDataset::ALL
            .iter()
            .position(|&set| set == self)
            .expect("every set is in ALL");
        TABLES[slot].get_or_init(|| Arc::new(self.load())).clone()
    }

    /// The table: scikit-learn's `load_*` data, target, feature and class names.
    pub fn load(self) -> Table {
        let text = self.file();
        // scikit-learn's first line: rows, features, then the class names (digits has none).
        let (header, body) = match self {
            RealDataset::Digits => (None, text),
            _ => {
                let (first, rest) = text.split_once('\n').expect("the shipped files have rows");
                (Some(first), rest)
            }
        };
        let mut table = read_table(body, Header::Absent, &LabelColumn::Last)
            .unwrap_or_else(|err| panic!("the shipped {self} file reads: {err}"));
        table.feature_names = self.feature_names();
        table.class_names = match header {
            Some(first) => first.split(',').skip(2).map(String::from).collect(),
            None => (0..10).map(|d| d.to_string()).collect(),
        };
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_set_has_scikit_learns_shape_and_classes() {
        let shapes = [
            (RealDataset::BreastCancer, 569, 30, vec![212, 357]),
            (RealDataset::Iris, 150, 4, vec![50, 50, 50]),
            (RealDataset::Wine, 178, 13, vec![59, 71, 48]),
            (
                RealDataset::Digits,
                1797,
                64,
                vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
            ),
        ];
        for (set, rows, width, counts) in shapes {
            let table = set.load();
            assert_eq!((table.rows(), table.points.width), (rows, width), "{set}");
            assert_eq!(table.feature_names.len(), width, "{set}");
            assert_eq!(table.class_counts(), counts, "{set}");
            assert!(table.points.features.iter().all(|v| v.is_finite()), "{set}");
            assert!(
                set.description().contains("References") || set.description().contains("Citation"),
                "{set}"
            );
        }
        let cancer = RealDataset::BreastCancer.load();
        assert_eq!(cancer.class_names, ["malignant", "benign"]);
        // scikit-learn's first row: mean radius 17.99 ... worst fractal dimension 0.1189.
        assert_eq!(cancer.row(0)[0], 17.99);
        assert_eq!(cancer.row(0)[29], 0.1189);
        assert_eq!(
            "breast-cancer".parse::<RealDataset>(),
            Ok(RealDataset::BreastCancer)
        );
    }
}
