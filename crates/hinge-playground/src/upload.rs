//! A CSV of the user's own data, read as the CLI's `--data` reads a file (the same messages for
//! the same mistakes): numeric features of any width, a label in the last column, a header or
//! none; two classes, as the page trains the two-class losses.

use hinge_data::{Header, LabelColumn, LabeledPoints, read_table};

use crate::settings::MAX_POINTS;

/// The most bytes an upload may have.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024;

/// The points of `text`, or the first mistake, naming its line, column and value.
pub fn parse_points(text: &str) -> Result<LabeledPoints, String> {
    let table =
        read_table(text, Header::Detect, &LabelColumn::Last).map_err(|err| err.to_string())?;
    if table.classes() > 2 {
        return Err(format!(
            "the label column has {} classes ({}): the playground trains the two-class losses, so upload two",
            table.classes(),
            table.class_names.join(", ")
        ));
    }
    if table.rows() > MAX_POINTS {
        return Err(format!(
            "{} points is too many: upload at most {MAX_POINTS}",
            table.rows()
        ));
    }
    if table.rows() < 4 {
        return Err(format!(
            "{} points is too few: upload at least 4",
            table.rows()
        ));
    }
    Ok(table.points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_with_a_header_and_signed_labels_parse() {
        let data = parse_points("x,y,label\n0,0,-1\n1,1,+1\n0.5,0,-1\n2,2,1\n").unwrap();
        assert_eq!(data.labels, vec![0, 1, 0, 1]);
        assert_eq!(data.point(1), [1.0, 1.0]);
    }

    #[test]
    fn the_first_bad_line_is_named_as_the_cli_names_it() {
        let err = parse_points("0,0,0\n1,1,1\n0.5,zero,1\n").unwrap_err();
        assert_eq!(err, "line 3, column 2: 'zero' is not a number");
        let err = parse_points("0,0,0\n1,1,1\n1,1,2\n").unwrap_err();
        assert!(
            err.starts_with("the label column has 3 classes (0, 1, 2)"),
            "{err}"
        );
        let err = parse_points("0,0,0\n1,1\n").unwrap_err();
        assert_eq!(err, "line 2 has 2 fields where the first line has 3");
    }

    #[test]
    fn rows_of_any_width_upload() {
        let data = parse_points("a,b,c,kind\n1,2,3,no\n4,5,6,yes\n7,8,9,no\n1,1,1,yes\n").unwrap();
        assert_eq!(data.width, 3);
        assert_eq!(data.labels, [0, 1, 0, 1]);
    }
}
