//! Predictions of a trained run for points given on the command line, on standard input, or in
//! a CSV file (`--data`): raw rows, standardised as the run's data was (its `scaler.json`).

use std::io::{BufRead, Write};

use hinge_data::{Header, LabelColumn, read_features};
use hinge_model::{Feature, predicted_class, signed_class};
use hinge_train::{BackendKind, CONFIG_FILE, RunDir, TrainingConfig, predict};

use crate::AppError;
use crate::cli::PredictCli;

/// One point as the user wrote it: `width` finite numbers, comma-separated.
pub fn parse_point(text: &str, width: usize) -> Result<Vec<f64>, AppError> {
    let invalid = || AppError::Point {
        text: text.to_string(),
        width,
    };
    let values: Vec<f64> = text
        .trim()
        .split(',')
        .map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(invalid)?;
    if values.len() != width {
        return Err(invalid());
    }
    Ok(values)
}

/// The points to predict: every one read and checked before anything is printed.
fn read_points(
    cli: &PredictCli,
    input: impl BufRead,
    width: usize,
    label: Option<&str>,
) -> Result<Vec<Vec<f64>>, AppError> {
    if let Some(path) = &cli.data {
        return read_file(path, width, label);
    }
    if !cli.points.is_empty() {
        return cli.points.iter().map(|p| parse_point(p, width)).collect();
    }
    let mut points = Vec::new();
    for line in input.lines() {
        let line = line.map_err(|err| AppError::Input(err.to_string()))?;
        if !line.trim().is_empty() {
            points.push(parse_point(&line, width)?);
        }
    }
    Ok(points)
}

/// The rows of a CSV file of `width` features a row, with or without the label column the run
/// was trained with (`label`, or the last), which is then left out.
fn read_file(
    path: &std::path::Path,
    width: usize,
    label: Option<&str>,
) -> Result<Vec<Vec<f64>>, AppError> {
    let failed = |reason: String| AppError::Input(format!("{}: {reason}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|err| failed(err.to_string()))?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let label = label.map_or(LabelColumn::Last, |l| {
        l.parse().expect("any text names one")
    });
    let drop = (first.split(',').count() != width).then_some(&label);
    let (_, points) =
        read_features(&text, Header::Detect, drop).map_err(|err| failed(err.to_string()))?;
    if points.width != width {
        return Err(failed(format!(
            "its rows have {} features and the run's have {width}",
            points.width
        )));
    }
    Ok(points.points().map(<[f64]>::to_vec).collect())
}

/// Loads the run, reads every point first (a bad line fails before anything is printed), then
/// writes one line a point: its features as given, the output(s), and the class (-1 or +1 by
/// the output's sign, or the index of the largest output), with the class's name for a run on
/// a table.
pub fn predict_points(
    cli: &PredictCli,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<(), AppError> {
    let backend = BackendKind::chosen(cli.backend);
    let device = backend.device()?;
    let run = RunDir::new(&cli.run);
    let model = run.load_model(&device)?;
    let width = model.point_width();
    // The run's own files say everything needed: a table's file may have moved since.
    let table = run.load_table_names()?;
    let settings = TrainingConfig::from_file(&run.file(CONFIG_FILE))?;
    let label = match &settings.data.table {
        Some(hinge_data::TableSource::Csv(file)) => file.label.clone(),
        _ => None,
    };
    let points = read_points(cli, input, width, label.as_deref())?;
    let scaler = run.load_scaler()?;
    let inputs: Vec<f32> = points
        .iter()
        .flat_map(|point| {
            let mut row = point.clone();
            if let Some(scaler) = &scaler {
                scaler.transform(&mut row);
            }
            row.into_iter().map(|x| x as f32)
        })
        .collect();
    let outputs = predict(&model, &inputs, &device)?;
    let outputs_each = outputs.len() / points.len().max(1);
    let names: Vec<String> = match &table {
        Some(table) => table.feature_names.clone(),
        None if width == 2 => Feature::COORDINATES.map(|f| f.name().to_string()).to_vec(),
        None => (1..=width).map(|c| format!("feature_{c}")).collect(),
    };
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        let outputs_header = if outputs_each == 1 {
            "output".to_string()
        } else {
            let columns: Vec<String> = (0..outputs_each).map(|k| format!("output_{k}")).collect();
            columns.join(",")
        };
        let name_header = if table.is_some() { ",name" } else { "" };
        let features: Vec<String> = names.iter().map(|n| csv_field(n)).collect();
        writeln!(
            out,
            "{},{outputs_header},class{name_header}",
            features.join(",")
        )?;
        for (point, outputs) in points.iter().zip(outputs.chunks(outputs_each.max(1))) {
            let values: Vec<String> = outputs.iter().map(f32::to_string).collect();
            let label = predicted_class(outputs);
            let class = match outputs {
                [single] => signed_class(*single).to_string(),
                _ => label.to_string(),
            };
            let given: Vec<String> = point.iter().map(|v| (*v as f32).to_string()).collect();
            let name = match &table {
                Some(table) => format!(",{}", csv_field(&table.class_names[label])),
                None => String::new(),
            };
            writeln!(
                out,
                "{},{},{class}{name}",
                given.join(","),
                values.join(",")
            )?;
        }
        out.flush()
    };
    write(&mut out).map_err(|err| AppError::Input(err.to_string()))
}

/// `text` as one CSV field: quoted where it holds a comma or a quote.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_as_many_finite_numbers_as_the_run_has_features() {
        assert_eq!(parse_point("0.5,-0.25", 2).unwrap(), [0.5, -0.25]);
        assert_eq!(parse_point(" 1 , 2 ", 2).unwrap(), [1.0, 2.0]);
        assert_eq!(parse_point("1,2,3", 3).unwrap(), [1.0, 2.0, 3.0]);
        for bad in ["", "1", "1,", "a,b", "1,2,3", "nan,0", "0,inf"] {
            let err = parse_point(bad, 2).unwrap_err().to_string();
            assert!(err.contains(&format!("'{bad}'")), "{err}");
            assert!(err.contains("2 finite numbers"), "{err}");
        }
    }

    #[test]
    fn the_class_is_the_sign() {
        assert_eq!(signed_class(0.7), 1);
        assert_eq!(signed_class(-0.1), -1);
        assert_eq!(signed_class(0.0), -1);
    }
}
