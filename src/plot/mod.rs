//! The run's figures, drawn with plotters into memory and written as PNG files.
//!
//! Text uses a font compiled into the binary (DejaVu Sans, through ab_glyph), so the plots
//! render the same on a machine with no fonts and no fontconfig.
//!
//! One file a figure (`data`, `boundary` for the decision boundary and the comparison, `loss`,
//! `table` for the pictures of data of many features),
//! the prediction grid they shade in `surface`, and the look they share in `style`.

mod boundary;
mod data;
mod loss;
mod style;
mod surface;
mod table;

pub use boundary::{LabelledSet, comparison_plot, decision_boundary_plot};
pub use data::data_plot;
pub use loss::loss_plot;
pub use style::{COMPARISON_SIZE, PLOT_SIZE};
pub(crate) use style::{
    class_colour, draw_legend, draw_plane_axes, plot_error, register_embedded_font, render, shade,
    wash,
};
pub use surface::{GRID_RESOLUTION, OutputGrid, confidence_of_outputs};
pub use table::{confusion_plot, pca_plot};
