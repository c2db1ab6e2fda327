//! A population's losses: each member's mean loss with its own loss function, plus its own
//! weight penalty, and what a step hands to the metrics.

use burn::tensor::Tensor;
use hinge_data::{Layout, PopulationBatch};

use super::Population;
use crate::train_step::PopulationOutput;

impl Population {
    /// Each member's weight penalty, laid out as [`Population::member_losses_in`]'s result;
    /// `None` without one.
    fn penalty_terms(&self) -> Option<Tensor<3>> {
        self.penalties
            .of(self.hidden.iter().chain([&self.output]), self.layout)
    }

    /// Each member's mean loss over its points, with its own loss function, plus its weight
    /// penalty, as Keras reports a loss.
    ///
    /// # Shapes
    /// - output, targets: `[members, points, outputs]` or `[outputs, points, members]`, as
    ///   `layout` says
    /// - result: `[members]`
    pub fn member_losses(
        &self,
        output: Tensor<3>,
        targets: Tensor<3>,
        layout: Layout,
    ) -> Tensor<1> {
        let n = self.len();
        self.member_losses_in(output, targets, layout).reshape([n])
    }

    /// [`Population::member_losses`] left in the step's layout: `[members, 1, 1]` or
    /// `[1, 1, members]`. A training step differentiates its loss from here, as a reshape to
    /// `[members]` would be one more operation recorded and run backwards on every step, and a
    /// lone network's step pays for each.
    pub fn member_losses_in(
        &self,
        output: Tensor<3>,
        targets: Tensor<3>,
        layout: Layout,
    ) -> Tensor<3> {
        let n = self.len();
        let (members_at, units_at) = (layout.member_axis(), layout.unit_axis());
        let mut parts: Vec<Tensor<3>> = self
            .groups
            .iter()
            .map(|group| {
                let members = group.members.clone();
                let (output, targets) = if members.len() == n {
                    (output.clone(), targets.clone())
                } else {
                    (
                        output
                            .clone()
                            .narrow(members_at, members.start, members.len()),
                        targets
                            .clone()
                            .narrow(members_at, members.start, members.len()),
                    )
                };
                let per_unit = group.loss.forward_encoded_along(output, targets, units_at);
                // Keras averages over the outputs, then the points. Over one output the first
                // mean is the identity (it only turns -0 into +0, which the mean over points
                // does anyway), and a lone network's step pays for every operation it runs.
                let per_point = if per_unit.dims()[units_at] == 1 {
                    per_unit
                } else {
                    per_unit.mean_dim(units_at)
                };
                per_point.mean_dim(1)
            })
            .collect();
        let losses = match parts.len() {
            1 => parts.pop().expect("one part"),
            _ => Tensor::cat(parts, members_at),
        };
        match self.penalty_terms() {
            // The penalties lie along the population's member axis; a measure in the other
            // layout (the test sets, members first) takes them along its own.
            Some(penalty) if layout != self.layout => {
                losses.add(penalty.reshape(layout.shape(n, 1, 1)))
            }
            Some(penalty) => losses.add(penalty),
            None => losses,
        }
    }

    /// One training or validation step's results.
    pub fn forward_members(&self, batch: PopulationBatch) -> PopulationOutput {
        assert_eq!(
            batch.layout, self.layout,
            "a population takes batches in its own layout"
        );
        let output = self.forward_in_layout(batch.inputs);
        self.outcome(output, batch.targets, self.layout)
    }

    /// What a step hands to the metrics for `output` against `targets`, both in `layout`:
    /// each member's loss, and what the hits are counted from.
    pub fn outcome(
        &self,
        output: Tensor<3>,
        targets: Tensor<3>,
        layout: Layout,
    ) -> PopulationOutput {
        PopulationOutput {
            loss: self.member_losses_in(output.clone(), targets.clone(), layout),
            output,
            targets,
            layout,
        }
    }
}
