//! A table from a CSV file: numeric features and a label column, with or without a header. Any
//! distinct label values are classes, in sorted order (numerically when every label is a
//! number). A bad file is refused with the line, the column and the value that make it bad.

use crate::LabeledPoints;
use crate::error::DataError;
use crate::table::Table;

/// Whether the first line names the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    Present,
    Absent,
    /// A header when none of the first line's fields is a number.
    Detect,
}

/// Which column holds the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelColumn {
    Last,
    /// 0-based.
    Index(usize),
    /// As the header names it.
    Name(String),
}

impl std::str::FromStr for LabelColumn {
    type Err = std::convert::Infallible;

    /// A number is a 0-based column index, anything else a header's name.
    fn from_str(given: &str) -> Result<Self, Self::Err> {
        Ok(match given.parse::<usize>() {
            Ok(index) => LabelColumn::Index(index),
            Err(_) => LabelColumn::Name(given.to_string()),
        })
    }
}

/// The table `text` holds; lines are numbered from 1 as an editor numbers them.
pub fn read_table(text: &str, header: Header, label: &LabelColumn) -> Result<Table, DataError> {
    let rows = read_rows(text, header, Some(label))?;
    let (labels, class_names) = classes(&rows.labels)?;
    Ok(Table {
        points: LabeledPoints::new(rows.width, rows.features, labels),
        feature_names: rows.feature_names,
        class_names,
    })
}

/// The rows of features `text` holds, for predicting: with the label column `label` left out
/// where one is given, every column a feature where not. Each point's label is 0.
pub fn read_features(
    text: &str,
    header: Header,
    label: Option<&LabelColumn>,
) -> Result<(Vec<String>, LabeledPoints), DataError> {
    let rows = read_rows(text, header, label)?;
    let labels = vec![0; rows.labels.len()];
    Ok((
        rows.feature_names,
        LabeledPoints::new(rows.width, rows.features, labels),
    ))
}

/// A file's rows: features row-major, and each row's label as written (empty without one).
struct Rows {
    feature_names: Vec<String>,
    width: usize,
    features: Vec<f64>,
    labels: Vec<String>,
}

fn read_rows(text: &str, header: Header, label: Option<&LabelColumn>) -> Result<Rows, DataError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty());
    let Some((first_number, first)) = lines.next() else {
        return Err(DataError::CsvEmpty);
    };
    let first_fields: Vec<&str> = first.split(',').map(str::trim).collect();
    let has_header = match header {
        Header::Present => true,
        Header::Absent => false,
        Header::Detect => first_fields.iter().all(|f| f.parse::<f64>().is_err()),
    };
    let columns = first_fields.len();
    let names: Vec<String> = if has_header {
        first_fields.iter().map(|f| f.to_string()).collect()
    } else {
        (1..=columns).map(|c| format!("column {c}")).collect()
    };
    let label_at = label.map(|label| label_index(label, &names)).transpose()?;
    // What an error calls a column: its header's name, else its number from 1.
    let called: Vec<String> = if has_header {
        names.clone()
    } else {
        (1..=columns).map(|c| c.to_string()).collect()
    };
    let rows: Vec<(usize, &str)> = if has_header {
        lines.collect()
    } else {
        std::iter::once((first_number, first))
            .chain(lines)
            .collect()
    };
    if rows.is_empty() {
        return Err(DataError::CsvEmpty);
    }
    let width = columns - usize::from(label_at.is_some());
    let mut features = Vec::with_capacity(rows.len() * width);
    let mut labels = Vec::with_capacity(rows.len());
    for (number, line) in rows {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns {
            return Err(DataError::CsvRagged {
                line: number,
                fields: fields.len(),
                expected: columns,
            });
        }
        labels.push(String::new());
        for (column, field) in fields.iter().enumerate() {
            if Some(column) == label_at {
                if field.is_empty() {
                    return Err(missing(number, &called[column]));
                }
                *labels.last_mut().expect("pushed above") = field.to_string();
            } else {
                features.push(number_at(field, number, &called[column])?);
            }
        }
    }
    Ok(Rows {
        feature_names: names
            .into_iter()
            .enumerate()
            .filter(|&(c, _)| Some(c) != label_at)
            .map(|(_, n)| n)
            .collect(),
        width,
        features,
        labels,
    })
}

fn missing(line: usize, column: &str) -> DataError {
    DataError::CsvMissing {
        line,
        column: column.to_string(),
    }
}

/// `field` as a finite number, or the error naming where it is.
fn number_at(field: &str, line: usize, column: &str) -> Result<f64, DataError> {
    if field.is_empty() {
        return Err(missing(line, column));
    }
    match field.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(DataError::CsvNotFinite {
            line,
            column: column.to_string(),
            value: field.to_string(),
        }),
        Err(_) => Err(DataError::CsvNotNumber {
            line,
            column: column.to_string(),
            value: field.to_string(),
        }),
    }
}

/// The 0-based index of the label column among `names`.
fn label_index(label: &LabelColumn, names: &[String]) -> Result<usize, DataError> {
    let found = match label {
        LabelColumn::Last => names.len().checked_sub(1),
        LabelColumn::Index(index) => Some(*index).filter(|&i| i < names.len()),
        LabelColumn::Name(name) => names.iter().position(|n| n == name),
    };
    match found {
        Some(index) if names.len() >= 2 => Ok(index),
        _ => Err(DataError::CsvNoLabelColumn {
            given: match label {
                LabelColumn::Last => "the last".to_string(),
                LabelColumn::Index(index) => index.to_string(),
                LabelColumn::Name(name) => name.clone(),
            },
            columns: names.join(", "),
        }),
    }
}

/// Each row's class index, and the classes' names: the distinct labels, sorted as numbers when
/// all are numbers, else as text.
fn classes(raw: &[String]) -> Result<(Vec<u8>, Vec<String>), DataError> {
    // Numbers are one class per value ("1", "+1" and "1.0" alike), named as first written.
    let numeric: Option<Vec<f64>> = raw.iter().map(|l| l.parse::<f64>().ok()).collect();
    let same = |a: usize, b: usize| match &numeric {
        Some(values) => values[a] == values[b],
        None => raw[a] == raw[b],
    };
    let mut firsts: Vec<usize> = Vec::new();
    for row in 0..raw.len() {
        if !firsts.iter().any(|&first| same(first, row)) {
            firsts.push(row);
        }
    }
    match &numeric {
        Some(values) => firsts.sort_by(|&a, &b| values[a].total_cmp(&values[b])),
        None => firsts.sort_by(|&a, &b| raw[a].cmp(&raw[b])),
    }
    if firsts.len() < 2 {
        return Err(DataError::CsvOneClass {
            label: firsts.first().map_or_else(String::new, |&r| raw[r].clone()),
        });
    }
    if firsts.len() > 255 {
        return Err(DataError::CsvTooManyClasses(firsts.len()));
    }
    let labels = (0..raw.len())
        .map(|row| {
            firsts
                .iter()
                .position(|&first| same(first, row))
                .expect("every label is a class") as u8
        })
        .collect();
    Ok((labels, firsts.iter().map(|&r| raw[r].clone()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table, DataError> {
        read_table(text, Header::Detect, &LabelColumn::Last)
    }

    #[test]
    fn a_header_names_the_columns_and_any_two_labels_are_classes() {
        let table = read("a,b,kind\n1,2,yes\n3,4,no\n5,6,yes\n").unwrap();
        assert_eq!(table.feature_names, ["a", "b"]);
        assert_eq!(table.class_names, ["no", "yes"]);
        assert_eq!(table.points.labels, [1, 0, 1]);
        assert_eq!(table.row(1), [3.0, 4.0]);
        let table = read("1,2,-1\n3,4,1\n").unwrap();
        assert_eq!(table.feature_names, ["column 1", "column 2"]);
        assert_eq!(table.class_names, ["-1", "1"]);
        let by_name = read_table(
            "y,a\n1,0.5\n0,0.25\n",
            Header::Detect,
            &"y".parse().unwrap(),
        );
        assert_eq!(by_name.unwrap().feature_names, ["a"]);
        // Numeric labels sort as numbers: 2 before 10; a number is one class however written.
        assert_eq!(read("1,10\n2,2\n").unwrap().class_names, ["2", "10"]);
        let signed = read("1,-1\n2,+1\n3,1.0\n4,-1\n").unwrap();
        assert_eq!(signed.class_names, ["-1", "+1"]);
        assert_eq!(signed.points.labels, [0, 1, 1, 0]);
    }

    #[test]
    fn each_bad_file_is_one_error_naming_where() {
        let cases = [
            ("", "the file has no rows"),
            ("a,b,c\n", "the file has no rows"),
            ("a,b,c\n1,,0\n", "line 2, column b: the value is missing"),
            ("a,b,c\n1,x,0\n", "line 2, column b: 'x' is not a number"),
            (
                "a,b,c\n1,NaN,0\n2,3,1\n",
                "line 2, column b: 'NaN' is not a finite number",
            ),
            (
                "a,b,c\n1,inf,0\n",
                "line 2, column b: 'inf' is not a finite number",
            ),
            (
                "a,b,c\n1,2,0\n1,2\n",
                "line 3 has 2 fields where the first line has 3",
            ),
            (
                "a,b,c\n1,2,0\n3,4,0\n",
                "every row has label '0': give rows of two classes at least",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(read(text).unwrap_err().to_string(), message, "{text:?}");
        }
        let err = read_table(
            "a,b\n1,0\n",
            Header::Detect,
            &LabelColumn::Name("kind".into()),
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "label column 'kind' does not exist: the columns are a, b"
        );
    }
}
