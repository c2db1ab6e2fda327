//! Points of any width with their labels, and how labels become a loss's targets.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::DataError;

/// Most classes a set may have: labels are bytes.
pub const MAX_CLASSES: usize = 255;

/// Points of `width` features each, and their class labels: 0, 1, ... (for circles: 0 = outer,
/// 1 = inner; blobs have one label per centre; a table's classes are its class names' order).
/// The generated sets are 2-D (x, y); a table has any width.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledPoints {
    /// Features a point.
    pub width: usize,
    /// Row-major: point i is `features[i * width..(i + 1) * width]`.
    pub features: Vec<f64>,
    pub labels: Vec<u8>,
}

impl LabeledPoints {
    /// Points of `width` features from their row-major values, one label a point.
    pub fn new(width: usize, features: Vec<f64>, labels: Vec<u8>) -> Self {
        assert_eq!(
            features.len(),
            width * labels.len(),
            "one row of {width} features a label"
        );
        Self {
            width,
            features,
            labels,
        }
    }

    /// 2-D points from their (x, y) pairs.
    pub fn from_xy(points: &[[f64; 2]], labels: Vec<u8>) -> Self {
        Self::new(2, points.iter().flatten().copied().collect(), labels)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Point `index`'s features.
    pub fn point(&self, index: usize) -> &[f64] {
        &self.features[index * self.width..(index + 1) * self.width]
    }

    /// Every point's features, in order.
    pub fn points(&self) -> std::slice::ChunksExact<'_, f64> {
        self.features.chunks_exact(self.width.max(1))
    }

    /// Every point as (x, y): its first two features, for the pictures of the plane, which
    /// only 2-D sets get.
    pub fn xy(&self) -> impl ExactSizeIterator<Item = [f64; 2]> + '_ {
        debug_assert_eq!(self.width, 2, "only 2-D points lie in the plane");
        self.points().map(|p| [p[0], p[1]])
    }

    /// The same points in an order drawn from `seed`: a split of data that came sorted (a
    /// file of one class, then the other) then takes its test points from everywhere.
    pub fn shuffled(&self, seed: u64) -> Self {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed));
        self.select(&order)
    }

    /// The points `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Self {
        let mut features = Vec::with_capacity(rows.len() * self.width);
        for &row in rows {
            features.extend_from_slice(self.point(row));
        }
        Self::new(
            self.width,
            features,
            rows.iter().map(|&r| self.labels[r]).collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Samples `range` of this set, in order.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Self {
        Self::new(
            self.width,
            self.features[range.start * self.width..range.end * self.width].to_vec(),
            self.labels[range].to_vec(),
        )
    }

    /// How many points each of `classes` classes has.
    pub fn class_counts(&self, classes: usize) -> Vec<usize> {
        count_labels(&self.labels, classes)
    }
}

/// How many of `labels` are each of `classes` classes (at least the labels' own).
pub(crate) fn count_labels(labels: &[u8], classes: usize) -> Vec<usize> {
    let classes = labels
        .iter()
        .map(|&l| usize::from(l) + 1)
        .fold(classes, usize::max);
    let mut counts = vec![0; classes];
    for &label in labels {
        counts[usize::from(label)] += 1;
    }
    counts
}

/// Maps a class label to the target a margin loss needs: 0 -> -1, 1 -> +1, as the tutorial
/// does with `targets[np.where(targets == 0)] = -1`.
pub fn signed_target(label: u8) -> Result<f32, DataError> {
    match label {
        0 => Ok(-1.0),
        1 => Ok(1.0),
        other => Err(DataError::Label(other)),
    }
}

/// How class labels become the targets of a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetEncoding {
    /// One output per point, target -1 or +1 (labels 0 and 1): the margin losses.
    Signed,
    /// One output per class, target one-hot (Keras's `to_categorical`): the categorical hinge.
    OneHot { classes: usize },
}

impl TargetEncoding {
    /// Outputs per point, and targets per point.
    pub fn width(self) -> usize {
        match self {
            TargetEncoding::Signed => 1,
            TargetEncoding::OneHot { classes } => classes,
        }
    }

    pub fn check(self, label: u8) -> Result<(), DataError> {
        match self {
            TargetEncoding::Signed => signed_target(label).map(|_| ()),
            TargetEncoding::OneHot { classes } if usize::from(label) < classes => Ok(()),
            TargetEncoding::OneHot { .. } => Err(DataError::Label(label)),
        }
    }

    /// Appends the targets of a label already checked by [`TargetEncoding::check`].
    pub fn extend(self, label: u8, targets: &mut Vec<f32>) {
        match self {
            TargetEncoding::Signed => targets.push(if label == 0 { -1.0 } else { 1.0 }),
            TargetEncoding::OneHot { classes } => {
                targets.extend((0..classes).map(|class| f32::from(class == usize::from(label))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_signed_targets_and_others_are_rejected() {
        assert_eq!(signed_target(0), Ok(-1.0));
        assert_eq!(signed_target(1), Ok(1.0));
        assert_eq!(signed_target(2), Err(DataError::Label(2)));
        let data = LabeledPoints::new(1, vec![0.5; 4], vec![0, 1, 1, 0]);
        for label in &data.labels {
            assert_eq!(TargetEncoding::Signed.check(*label), Ok(()));
            let mut target = Vec::new();
            TargetEncoding::Signed.extend(*label, &mut target);
            assert_eq!(target, vec![if *label == 0 { -1.0 } else { 1.0 }]);
        }
        assert_eq!(TargetEncoding::Signed.check(3), Err(DataError::Label(3)));
        let three = TargetEncoding::OneHot { classes: 3 };
        assert_eq!(three.check(3), Err(DataError::Label(3)));
        assert_eq!(three.check(2), Ok(()));
        let mut one_hot = Vec::new();
        three.extend(1, &mut one_hot);
        assert_eq!(one_hot, vec![0.0, 1.0, 0.0]);
    }
}
