//! The pictures of a run on data of many features, where the plane has no decision surface to
//! shade: `pca.png`, the test points on their first two principal components coloured by the
//! class the network predicts with its errors ringed, and `confusion.png`, the test set's
//! confusion matrix.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    MARGIN, PLOT_SIZE, X_LABEL_AREA, Y_LABEL_AREA, bounds, class_colour, draw_legend, plot_error,
    render, tick,
};
use crate::AppError;

/// `pca.png`: `projected` (each test point on its first two principal components) coloured by
/// its `predicted` class, a black ring round each point whose true class (`labels`) differs.
pub fn pca_plot(
    path: &Path,
    title: &str,
    projected: &[[f64; 2]],
    labels: &[u8],
    predicted: &[usize],
    names: &[String],
) -> Result<(), AppError> {
    // The points' span with 8% room each side, at least 0.1.
    let padded = |(lo, hi): (f64, f64)| {
        let pad = ((hi - lo) * 0.08).max(0.1);
        (lo - pad, hi + pad)
    };
    let (x, y) = bounds(projected, 0.0);
    let ((x0, x1), (y0, y1)) = (padded(x), padded(y));
    let errors = labels
        .iter()
        .zip(predicted)
        .filter(|&(&l, &p)| usize::from(l) != p)
        .count();
    render(path, PLOT_SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("first principal component (training split)")
            .y_desc("second principal component")
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(plot_error)?;
        for (class, name) in names.iter().enumerate() {
            let colour = class_colour(class);
            chart
                .draw_series(
                    projected
                        .iter()
                        .zip(predicted)
                        .filter(|&(_, &p)| p == class)
                        .map(|(p, _)| Circle::new((p[0], p[1]), 4, colour.filled())),
                )
                .map_err(plot_error)?
                .label(format!("predicted {name}"))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
        }
        chart
            .draw_series(
                projected
                    .iter()
                    .zip(labels.iter().zip(predicted))
                    .filter(|(_, (l, p))| usize::from(**l) != **p)
                    .map(|(p, _)| Circle::new((p[0], p[1]), 8, BLACK.stroke_width(2))),
            )
            .map_err(plot_error)?
            .label(format!("misclassified ({errors} of {})", labels.len()))
            .legend(|(x, y)| Circle::new((x + 8, y), 7, BLACK.stroke_width(2)));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
    })
}

/// `confusion.png`: a cell per (true, predicted) class pair holding its count of test points,
/// shaded by its share of the true class's points.
pub fn confusion_plot(
    path: &Path,
    title: &str,
    labels: &[u8],
    predicted: &[usize],
    names: &[String],
) -> Result<(), AppError> {
    let k = names.len();
    let mut counts = vec![vec![0usize; k]; k];
    for (&truth, &guess) in labels.iter().zip(predicted) {
        counts[usize::from(truth)][guess.min(k - 1)] += 1;
    }
    let side = (k as u32 * 56).clamp(360, 720);
    render(path, (side + 220, side + 160), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 18))
            .margin(MARGIN)
            .x_label_area_size(60)
            .y_label_area_size(150)
            // A segmented range of 0..n has n + 1 segments, one per value of 0..=n.
            .build_cartesian_2d((0..k - 1).into_segmented(), (0..k - 1).into_segmented())
            .map_err(plot_error)?;
        // Rows top to bottom in class order: row `truth` sits at y = k - 1 - truth.
        let name = |v: &SegmentValue<usize>, flip: bool| match v {
            SegmentValue::CenterOf(i) if *i < k => names[if flip { k - 1 - i } else { *i }].clone(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(k)
            .y_labels(k)
            .x_label_formatter(&|v| name(v, false))
            .y_label_formatter(&|v| name(v, true))
            .x_desc("predicted class")
            .y_desc("true class")
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(plot_error)?;
        let centred = Pos::new(HPos::Center, VPos::Center);
        for (truth, row) in counts.iter().enumerate() {
            let total = row.iter().sum::<usize>().max(1) as f64;
            for (guess, &count) in row.iter().enumerate() {
                let share = count as f64 / total;
                let y = k - 1 - truth;
                let shade = RGBColor(
                    (255.0 - 224.0 * share) as u8,
                    (255.0 - 136.0 * share) as u8,
                    (255.0 - 75.0 * share) as u8,
                );
                let corner = |a: usize, b: usize| (SegmentValue::Exact(a), SegmentValue::Exact(b));
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [corner(guess, y), corner(guess + 1, y + 1)],
                        shade.filled(),
                    )))
                    .map_err(plot_error)?;
                let ink = if share > 0.5 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        count.to_string(),
                        (SegmentValue::CenterOf(guess), SegmentValue::CenterOf(y)),
                        ("sans-serif", 16).into_font().color(&ink).pos(centred),
                    )))
                    .map_err(plot_error)?;
            }
        }
        Ok(())
    })
}
