use thiserror::Error;

/// Everything that can be wrong with the data parameters.
///
/// Each message names the rejected value and what is allowed, so a CLI can print it as is.
#[derive(Debug, Error, PartialEq)]
pub enum DataError {
    #[error("factor {0} is out of range: it must lie strictly between 0 and 1")]
    Factor(f64),
    #[error("samples {samples} is too few: at least {classes} are needed, one per class")]
    Samples { samples: usize, classes: usize },
    #[error("noise {0} is invalid: it must be a finite number >= 0")]
    Noise(f64),
    #[error(
        "test samples {test} is out of range: it must be at least 1 and below the {samples} samples"
    )]
    TestSamples { test: usize, samples: usize },
    #[error(
        "fold {fold} of {folds} is out of range: give 2 to {samples} folds (one per row at most) and a fold below their number"
    )]
    Fold {
        fold: usize,
        folds: usize,
        samples: usize,
    },
    #[error("validation split {0} is out of range: it must be in [0, 1)")]
    ValidationSplit(f64),
    #[error(
        "the split leaves no training samples: {train_and_valid} samples after the test set, validation split {validation_split}"
    )]
    EmptyTraining {
        train_and_valid: usize,
        validation_split: f64,
    },
    #[error("cluster std {0} is invalid: it must be a finite number >= 0")]
    ClusterStd(f64),
    #[error(
        "{setting} {value:?} puts points beyond f32's range (about 3.4e38), where the network computes: use a smaller {setting}"
    )]
    BeyondF32 { setting: &'static str, value: f64 },
    #[error("centers {0} is out of range: blobs need 2 to 255 centres")]
    Centers(usize),
    #[error(
        "label {0} is not a class: labels are 0 or 1 (for circles 0 = outer, 1 = inner), or below the number of blobs"
    )]
    Label(u8),
    #[error("the file has no rows")]
    CsvEmpty,
    #[error("line {line}, column {column}: the value is missing")]
    CsvMissing { line: usize, column: String },
    #[error("line {line}, column {column}: '{value}' is not a number")]
    CsvNotNumber {
        line: usize,
        column: String,
        value: String,
    },
    #[error("line {line}, column {column}: '{value}' is not a finite number")]
    CsvNotFinite {
        line: usize,
        column: String,
        value: String,
    },
    #[error("line {line} has {fields} fields where the first line has {expected}")]
    CsvRagged {
        line: usize,
        fields: usize,
        expected: usize,
    },
    #[error("every row has label '{label}': give rows of two classes at least")]
    CsvOneClass { label: String },
    #[error("the label column has {0} distinct values: at most 255 classes")]
    CsvTooManyClasses(usize),
    #[error("label column '{given}' does not exist: the columns are {columns}")]
    CsvNoLabelColumn { given: String, columns: String },
    #[error("{path}: {reason}")]
    CsvIn {
        path: String,
        reason: Box<DataError>,
    },
    #[error("cannot read {path}: {reason}")]
    CsvRead { path: String, reason: String },
    #[error(
        "{path} changed since the run started (its SHA-256 was {recorded}, now {now}): restore the file or start a new run"
    )]
    CsvChanged {
        path: String,
        recorded: String,
        now: String,
    },
    #[error(
        "{path} is too large: its {size} bytes need about {needed} bytes as a table, and {available} are available"
    )]
    CsvTooLarge {
        path: String,
        size: u64,
        needed: u64,
        available: u64,
    },
}
