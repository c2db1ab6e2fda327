//! A CSV of the user's own points: `x,y,label` a line, labels 0/1 or -1/+1, an optional header.

use hinge_data::LabeledPoints;

use crate::settings::MAX_POINTS;

/// The most bytes an upload may have.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024;

/// The points of `text`, or the first bad line and why.
pub fn parse_points(text: &str) -> Result<LabeledPoints, String> {
    let mut points = Vec::new();
    let mut labels = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if index == 0 && fields.iter().any(|f| f.parse::<f64>().is_err()) && fields.len() == 3 {
            // A header such as x,y,label.
            if fields
                .iter()
                .all(|f| f.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                continue;
            }
        }
        let [x, y, label] = fields[..] else {
            return Err(format!(
                "line {number}: '{line}' has {} fields: give x,y,label",
                fields.len()
            ));
        };
        let coordinate = |text: &str, name: &str| -> Result<f64, String> {
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() && value.abs() <= 1e6 => Ok(value),
                _ => Err(format!(
                    "line {number}: {name} '{text}' is not a number between -1e6 and 1e6"
                )),
            }
        };
        let point = [coordinate(x, "x")?, coordinate(y, "y")?];
        let class = match label {
            "0" | "-1" => 0,
            "1" | "+1" => 1,
            other => {
                return Err(format!(
                    "line {number}: label '{other}' is not a class: use 0 and 1, or -1 and +1"
                ));
            }
        };
        if points.len() == MAX_POINTS {
            return Err(format!(
                "line {number}: more than {MAX_POINTS} points: upload at most {MAX_POINTS}"
            ));
        }
        points.push(point);
        labels.push(class);
    }
    if points.len() < 4 {
        return Err(format!(
            "{} points is too few: upload at least 4",
            points.len()
        ));
    }
    if !labels.contains(&0) || !labels.contains(&1) {
        return Err("every point has the same label: upload points of both classes".into());
    }
    Ok(LabeledPoints::from_xy(&points, labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_with_a_header_and_signed_labels_parse() {
        let data = parse_points("x,y,label\n0,0,-1\n1,1,+1\n0.5,0,0\n2,2,1\n").unwrap();
        assert_eq!(data.labels, vec![0, 1, 0, 1]);
        assert_eq!(data.point(1), [1.0, 1.0]);
    }

    #[test]
    fn the_first_bad_line_is_named() {
        let err = parse_points("0,0,0\n1,1,1\n0.5,zero,1\n").unwrap_err();
        assert_eq!(err, "line 3: y 'zero' is not a number between -1e6 and 1e6");
        let err = parse_points("0,0,0\n1,1,2\n").unwrap_err();
        assert!(err.starts_with("line 2: label '2'"), "{err}");
        let err = parse_points("0,0\n").unwrap_err();
        assert!(err.starts_with("line 1: '0,0' has 2 fields"), "{err}");
    }
}
