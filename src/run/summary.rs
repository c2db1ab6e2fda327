//! The network as Keras's `model.summary()` prints it.

use hinge_model::{LayerKind, ValidMlpConfig};

/// The network's layers as Keras's `model.summary()` prints them: each layer, its output shape
/// and its parameter count, then the total (25 for the tutorial's network).
pub(super) fn model_summary(model: &ValidMlpConfig) -> String {
    let layers = model.summary();
    let rows: Vec<[String; 3]> = layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let name = match &layer.kind {
                // A table's features are read as they are, not computed from (x, y).
                LayerKind::Inputs(features) if features.len() != layer.width => {
                    "inputs (features)".to_string()
                }
                LayerKind::Inputs(features) => format!(
                    "inputs ({})",
                    features
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                LayerKind::Hidden(activation) => format!("dense_{index} (Dense, {activation})"),
                LayerKind::Output(output) => format!("dense_{index} (Dense, {output})"),
            };
            [
                name,
                format!("(None, {})", layer.width),
                layer.parameters.to_string(),
            ]
        })
        .collect();
    let header = [
        "Layer (type)".to_string(),
        "Output Shape".to_string(),
        "Param #".to_string(),
    ];
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            rows.iter()
                .chain([&header])
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String; 3]| {
        format!(
            " {:<a$}  {:<b$}  {:>c$}\n",
            row[0],
            row[1],
            row[2],
            a = widths[0],
            b = widths[1],
            c = widths[2]
        )
    };
    let rule = format!(" {}\n", "-".repeat(widths.iter().sum::<usize>() + 4));
    let total: usize = layers.iter().map(|layer| layer.parameters).sum();
    let mut text = String::from("Model:\n");
    text += &line(&header);
    text += &rule;
    for row in &rows {
        text += &line(row);
    }
    text += &rule;
    text += &format!(" Total params: {total}\n");
    text
}
