//! A data set as a table: N numeric features a row and a class a row, with the names of both,
//! as scikit-learn's `load_*` functions return them (`data`, `target`, `feature_names`,
//! `target_names`).

/// Rows of `width` features, each with a class index into `class_names`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Row-major: row i is `features[i * width..(i + 1) * width]`.
    pub features: Vec<f64>,
    pub width: usize,
    /// Each row's class, an index into `class_names`.
    pub labels: Vec<u8>,
    pub feature_names: Vec<String>,
    pub class_names: Vec<String>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    /// Row `index`'s features.
    pub fn row(&self, index: usize) -> &[f64] {
        &self.features[index * self.width..(index + 1) * self.width]
    }

    pub fn classes(&self) -> usize {
        self.class_names.len()
    }

    /// How many rows each class has, by class index.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes()];
        for &label in &self.labels {
            counts[usize::from(label)] += 1;
        }
        counts
    }
}
