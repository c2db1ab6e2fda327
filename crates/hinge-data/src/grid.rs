//! A square grid over the plane of a 2-D data set: the points a decision surface, a unit's map
//! or an animation frame is computed at.

/// The centres of a `resolution` x `resolution` grid over the rectangle `x` by `y`, row by
/// row from the bottom, left to right in a row: the order the figures and the page read
/// outputs in.
pub fn cell_centres(x: (f64, f64), y: (f64, f64), resolution: usize) -> Vec<[f32; 2]> {
    let step =
        |(lo, hi): (f64, f64), i: usize| lo + (i as f64 + 0.5) * (hi - lo) / resolution as f64;
    (0..resolution)
        .flat_map(|row| (0..resolution).map(move |col| [step(x, col) as f32, step(y, row) as f32]))
        .collect()
}
