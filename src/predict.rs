//! Predictions of a trained run for points given on the command line or standard input.

use std::io::{BufRead, Write};

use hinge_model::{predicted_class, signed_class};
use hinge_train::{BackendKind, RunDir, predict};

use crate::AppError;
use crate::cli::PredictCli;

/// One point as the user wrote it, `x,y`, both finite.
pub fn parse_point(text: &str) -> Result<[f32; 2], AppError> {
    let invalid = || AppError::Point(text.to_string());
    let (x, y) = text.trim().split_once(',').ok_or_else(invalid)?;
    let parse = |v: &str| {
        v.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(invalid)
    };
    Ok([parse(x)?, parse(y)?])
}

/// Loads the run, reads every point first (a bad line fails before anything is printed), then
/// writes `x,y,output,class` lines to `out`: class -1 or +1 by the output's sign, or, for a
/// categorical run, `x,y,output_0,...,class` with the class of the largest output.
pub fn predict_points(
    cli: &PredictCli,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<(), AppError> {
    let points = if cli.points.is_empty() {
        let mut points = Vec::new();
        for line in input.lines() {
            let line = line.map_err(|err| AppError::Input(err.to_string()))?;
            if !line.trim().is_empty() {
                points.push(parse_point(&line)?);
            }
        }
        points
    } else {
        cli.points
            .iter()
            .map(|p| parse_point(p))
            .collect::<Result<_, _>>()?
    };
    let backend = BackendKind::chosen(cli.backend);
    let device = backend.device()?;
    let model = RunDir::new(&cli.run).load_model(&device)?;
    let outputs = predict(&model, &points, &device)?;
    let width = outputs.len() / points.len().max(1);
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        if width == 1 {
            writeln!(out, "x,y,output,class")?;
        } else {
            let columns: Vec<String> = (0..width).map(|k| format!("output_{k}")).collect();
            writeln!(out, "x,y,{},class", columns.join(","))?;
        }
        for (point, outputs) in points.iter().zip(outputs.chunks(width.max(1))) {
            let values: Vec<String> = outputs.iter().map(f32::to_string).collect();
            let class = match outputs {
                [single] => signed_class(*single).to_string(),
                _ => predicted_class(outputs).to_string(),
            };
            writeln!(
                out,
                "{},{},{},{class}",
                point[0],
                point[1],
                values.join(",")
            )?;
        }
        out.flush()
    };
    write(&mut out).map_err(|err| AppError::Input(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_two_finite_numbers() {
        assert_eq!(parse_point("0.5,-0.25").unwrap(), [0.5, -0.25]);
        assert_eq!(parse_point(" 1 , 2 ").unwrap(), [1.0, 2.0]);
        for bad in ["", "1", "1,", "a,b", "1,2,3", "nan,0", "0,inf"] {
            let err = parse_point(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("'{bad}'")), "{err}");
        }
    }

    #[test]
    fn the_class_is_the_sign() {
        assert_eq!(signed_class(0.7), 1);
        assert_eq!(signed_class(-0.1), -1);
        assert_eq!(signed_class(0.0), -1);
    }
}
