//! CSV files of typed rows: the header is the row type's field names, each row one value of
//! it, written with the `csv` crate and read back by name, so a file's columns are defined once,
//! by the struct.
//!
//! A row may carry key columns before its struct (a population's `member`, a sweep cell's
//! `noise,factor`): the csv crate writes no struct inside another with a header, so keyed files
//! are written without one, after a header made of the key names and the struct's own.

use std::path::Path;

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::TrainError;

/// Rows with their header, as CSV.
pub fn csv_text<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .serialize(row)
            .expect("a row of numbers and names always serialises");
    }
    writer
        .into_inner()
        .expect("writing into memory does not fail")
}

/// The header line of `T`: its field names, comma-separated, as its `Deserialize` reads
/// them (see [`FieldNames`]), so the header needs no value of `T`.
fn header_of<T: DeserializeOwned>() -> String {
    let mut fields: &'static [&'static str] = &[];
    // The derive asks for a struct and names its fields; the error that follows is ours.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields.join(",")
}

/// A deserializer that answers nothing and keeps the field names a struct asks for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only a struct's field names are read"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("only a struct's field names are read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Rows of `(key, T)` under the header `keys, T's fields`.
pub fn keyed_csv_text<K: Serialize, T: Serialize + DeserializeOwned>(
    keys: &[&str],
    rows: impl IntoIterator<Item = (K, T)>,
) -> Vec<u8> {
    let mut text = format!("{},{}\n", keys.join(","), header_of::<T>()).into_bytes();
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        writer
            .serialize(row)
            .expect("a row of numbers and names always serialises");
    }
    text.extend(
        writer
            .into_inner()
            .expect("writing into memory does not fail"),
    );
    text
}

fn read_text(path: &Path) -> Result<String, TrainError> {
    std::fs::read_to_string(path).map_err(TrainError::io("read", path))
}

fn format_error(path: &Path, what: &'static str) -> impl Fn(String) -> TrainError {
    move |reason| TrainError::Format {
        what,
        path: path.to_path_buf(),
        reason,
    }
}

/// Every row of a CSV file of `T`s (`what` names the file in errors), matched to the fields by
/// the header; a missing file, a missing column or a bad field is an error naming the file and
/// the line.
pub fn read_csv<T: DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<Vec<T>, TrainError> {
    let text = read_text(path)?;
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|err| format_error(path, what)(err.to_string()))
}

/// Every row of a file [`keyed_csv_text`] wrote, after checking its header.
pub fn read_keyed_csv<K, T>(
    path: &Path,
    keys: &[&str],
    what: &'static str,
) -> Result<Vec<(K, T)>, TrainError>
where
    K: DeserializeOwned,
    T: DeserializeOwned,
{
    let text = read_text(path)?;
    let invalid = format_error(path, what);
    let header = format!("{},{}", keys.join(","), header_of::<T>());
    let mut lines = text.splitn(2, '\n');
    if lines.next().map(str::trim_end) != Some(header.as_str()) {
        return Err(invalid(format!("the first line must be '{header}'")));
    }
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines.next().unwrap_or_default().as_bytes())
        .deserialize()
        .collect::<Result<Vec<(K, T)>, _>>()
        .map_err(|err| invalid(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Row {
        epoch: usize,
        loss: f64,
    }

    #[test]
    fn keyed_rows_round_trip_under_one_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        let rows = vec![
            (
                (0.5, 2usize),
                Row {
                    epoch: 1,
                    loss: 0.25,
                },
            ),
            (
                (0.5, 3usize),
                Row {
                    epoch: 2,
                    loss: f64::INFINITY,
                },
            ),
        ];
        std::fs::write(&path, keyed_csv_text(&["noise", "member"], rows.clone())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("noise,member,epoch,loss\n0.5,2,1,0.25\n"),
            "{text}"
        );
        let back: Vec<((f64, usize), Row)> =
            read_keyed_csv(&path, &["noise", "member"], "rows").unwrap();
        assert_eq!(back, rows);
        let err = read_keyed_csv::<(f64, usize), Row>(&path, &["member"], "rows").unwrap_err();
        assert!(err.to_string().contains("'member,epoch,loss'"), "{err}");
    }

    #[test]
    fn a_bad_field_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, "epoch,loss\n1,0.5\n2,lots\n").unwrap();
        let err = read_csv::<Row>(&path, "rows").unwrap_err().to_string();
        assert!(err.contains("rows.csv") && err.contains("line: 3"), "{err}");
    }
}
