//! How a run trains, beside what it trains: the layout its layers multiply in, where its epochs
//! are shown, who watches the network, and whether its files are kept as it goes.

use std::sync::Arc;

use hinge_model::{Layout, StepObserver};

use crate::renderer::Dashboard;

/// The layout a solo run trains in: members first, where a population of one multiplies as a
/// lone network does, with one matmul per layer and no reshaping. Members last, each layer
/// costs three more of burn's operations, and at one network burn's fixed cost per operation is
/// most of a step (figures: `docs/speed.md`).
pub const SOLO_LAYOUT: Layout = Layout::MembersFirst;

/// The layout populations train in: members last, the fastest for many members, and one
/// layout for every size, so that a member's numbers do not depend on its population's.
pub const POPULATION_LAYOUT: Layout = Layout::MembersLast;

/// The options of a run through burn's `Learner`.
pub struct LearnerOptions {
    pub layout: Layout,
    pub dashboard: Dashboard,
    pub watch: Option<Arc<dyn StepObserver>>,
    /// Keep the run folder's files as training goes (checkpoints, `metrics.csv`), so the run
    /// can be resumed; off for callers that keep the results themselves.
    pub saved: bool,
}
