//! Where a table comes from: a real set shipped with hinge-lab, or a user's CSV file, recorded
//! in a run's `config.json` with the file's SHA-256, so a run resumed on a changed file is
//! refused rather than silently trained on other data.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::csv_table::{Header, LabelColumn, read_table};
use crate::{DataError, RealDataset, Table};

/// The table a run trains on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum TableSource {
    /// A real set shipped with hinge-lab.
    Real(RealDataset),
    /// A CSV file of numeric features and a label column.
    Csv(CsvFile),
}

/// A CSV file as a run recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvFile {
    pub path: PathBuf,
    /// The label column, by its header's name or its 0-based index; unset, the last column.
    #[serde(default)]
    pub label: Option<String>,
    /// The file's SHA-256, in hex, when the run started.
    pub sha256: String,
}

/// Bytes of memory a table read from a file of `size` bytes may take, at most: the text, and
/// one f64 for each field of at least two bytes (a digit and a comma).
fn table_bytes(size: u64) -> u64 {
    size.saturating_add(size.saturating_mul(4))
}

impl CsvFile {
    /// The file at `path`, read and checked as a run will read it, with its checksum.
    pub fn open(path: &Path, label: Option<String>) -> Result<Self, DataError> {
        let bytes = read(path)?;
        let file = Self {
            path: path.to_path_buf(),
            label,
            sha256: sha256_hex(&bytes),
        };
        file.parse(&bytes)?;
        Ok(file)
    }

    fn label_column(&self) -> LabelColumn {
        match &self.label {
            Some(given) => given.parse().expect("any text names a label column"),
            None => LabelColumn::Last,
        }
    }

    /// The table, read once per process while any config holds it: a grid of a thousand
    /// members of one file holds one copy of it, not a thousand. The first read checks the
    /// checksum, so a run resumed after the file changed is refused.
    fn shared(&self) -> Result<Arc<Table>, DataError> {
        type Loaded = Vec<(CsvFile, Weak<Table>)>;
        static LOADED: Mutex<Loaded> = Mutex::new(Vec::new());
        let mut loaded = LOADED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loaded.retain(|(_, table)| table.strong_count() > 0);
        if let Some(table) = loaded
            .iter()
            .find(|(file, _)| file == self)
            .and_then(|(_, table)| table.upgrade())
        {
            return Ok(table);
        }
        let table = Arc::new(self.load()?);
        loaded.push((self.clone(), Arc::downgrade(&table)));
        Ok(table)
    }

    /// The table the file holds now, refused when its checksum is not the recorded one.
    fn load(&self) -> Result<Table, DataError> {
        let bytes = read(&self.path)?;
        let now = sha256_hex(&bytes);
        if now != self.sha256 {
            return Err(DataError::CsvChanged {
                path: self.path.display().to_string(),
                recorded: self.sha256.clone(),
                now,
            });
        }
        self.parse(&bytes)
    }

    fn parse(&self, bytes: &[u8]) -> Result<Table, DataError> {
        let text = std::str::from_utf8(bytes).map_err(|err| DataError::CsvRead {
            path: self.path.display().to_string(),
            reason: format!("it is not UTF-8 text ({err})"),
        })?;
        read_table(text, Header::Detect, &self.label_column()).map_err(|err| DataError::CsvIn {
            path: self.path.display().to_string(),
            reason: Box::new(err),
        })
    }
}

impl TableSource {
    /// The table, read (a real set once a process).
    pub fn load(&self) -> Result<Arc<Table>, DataError> {
        match self {
            TableSource::Real(set) => Ok(set.shared()),
            TableSource::Csv(file) => file.shared(),
        }
    }
}

impl std::fmt::Display for TableSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableSource::Real(set) => write!(f, "{set}"),
            TableSource::Csv(file) => match file.path.file_name() {
                Some(name) => write!(f, "{}", name.to_string_lossy()),
                None => write!(f, "{}", file.path.display()),
            },
        }
    }
}

/// The file's bytes, refused when its table would not fit in the memory available now.
fn read(path: &Path) -> Result<Vec<u8>, DataError> {
    let failed = |err: std::io::Error| DataError::CsvRead {
        path: path.display().to_string(),
        reason: err.to_string(),
    };
    let size = std::fs::metadata(path).map_err(failed)?.len();
    if let Some(available) = available_memory()
        && table_bytes(size) > available
    {
        return Err(DataError::CsvTooLarge {
            path: path.display().to_string(),
            size,
            needed: table_bytes(size),
            available,
        });
    }
    std::fs::read(path).map_err(failed)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `MemAvailable` from `/proc/meminfo`: what the kernel says can be allocated without swapping;
/// `None` where it cannot be read.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A table's rows in an order drawn from `seed` in which every prefix, and every run of
/// consecutive rows, holds each class in its share of the whole to within a row or two: each
/// class's rows shuffled, then dealt out one at a time to the class furthest below its share.
/// The test set (the first rows) is then stratified, as scikit-learn's `train_test_split(...,
/// stratify=y)` makes it, and so is the validation tail.
pub fn stratified_order(labels: &[u8], seed: u64) -> Vec<usize> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let classes = labels
        .iter()
        .map(|&l| usize::from(l) + 1)
        .max()
        .unwrap_or(0);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); classes];
    for (row, &label) in labels.iter().enumerate() {
        rows[usize::from(label)].push(row);
    }
    for class in &mut rows {
        class.shuffle(&mut rng);
    }
    let total = labels.len() as f64;
    let mut dealt = vec![0usize; classes];
    let mut order = Vec::with_capacity(labels.len());
    for position in 1..=labels.len() {
        // The class whose dealt count is furthest below its share of `position` rows.
        let class = (0..classes)
            .filter(|&c| dealt[c] < rows[c].len())
            .max_by(|&a, &b| {
                let behind =
                    |c: usize| position as f64 * rows[c].len() as f64 / total - dealt[c] as f64;
                behind(a).total_cmp(&behind(b)).then(b.cmp(&a))
            })
            .expect("rows remain while positions do");
        order.push(rows[class][dealt[class]]);
        dealt[class] += 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_of_the_stratified_order_keeps_each_class_share_within_a_row() {
        let table = RealDataset::Wine.load();
        let labels = &table.points.labels;
        let order = stratified_order(labels, 7);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..labels.len()).collect::<Vec<_>>(),
            "a permutation"
        );
        let counts = table.class_counts();
        let mut seen = vec![0usize; counts.len()];
        for (i, &row) in order.iter().enumerate() {
            seen[usize::from(labels[row])] += 1;
            for (c, &count) in counts.iter().enumerate() {
                let share = (i + 1) as f64 * count as f64 / labels.len() as f64;
                assert!((seen[c] as f64 - share).abs() <= 1.0, "class {c} at {i}");
            }
        }
        assert_ne!(order, stratified_order(labels, 8));
        assert_eq!(order, stratified_order(labels, 7));
    }

    #[test]
    fn a_changed_file_is_refused_naming_both_checksums() {
        let dir = std::env::temp_dir().join(format!("hinge-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("two.csv");
        std::fs::write(&path, "a,b,y\n1,2,0\n3,4,1\n").unwrap();
        let file = CsvFile::open(&path, None).unwrap();
        let source = TableSource::Csv(file.clone());
        let held = source.load().unwrap();
        assert_eq!(held.rows(), 2);
        // While a config holds the table, the configs of a grid share it.
        assert!(Arc::ptr_eq(&held, &source.load().unwrap()));
        drop(held);
        std::fs::write(&path, "a,b,y\n1,2,0\n3,5,1\n").unwrap();
        let err = source.load().unwrap_err().to_string();
        assert!(
            err.contains(&file.sha256) && err.contains("changed"),
            "{err}"
        );
        let missing = CsvFile::open(&dir.join("none.csv"), None).unwrap_err();
        assert!(missing.to_string().contains("none.csv"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
