//! A data set as a table: N numeric features a row and a class a row, with the names of both,
//! as scikit-learn's `load_*` functions return them (`data`, `target`, `feature_names`,
//! `target_names`).

use crate::LabeledPoints;

/// Rows of features, each with a class index into `class_names`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One point a row, its label the row's class index.
    pub points: LabeledPoints,
    pub feature_names: Vec<String>,
    pub class_names: Vec<String>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.points.len()
    }

    /// Row `index`'s features.
    pub fn row(&self, index: usize) -> &[f64] {
        self.points.point(index)
    }

    pub fn classes(&self) -> usize {
        self.class_names.len()
    }

    /// How many rows each class has, by class index.
    pub fn class_counts(&self) -> Vec<usize> {
        self.points.class_counts(self.classes())
    }
}
