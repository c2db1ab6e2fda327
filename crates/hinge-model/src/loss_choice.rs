//! What `--loss` names: one loss, or a set of them in the tutorial's order.

use crate::{LossKind, Named};

/// Which losses a run trains, in the tutorial's order: one by its name, or a set by the set's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossChoice {
    One(LossKind),
    /// The tutorial's two: hinge, then squared hinge.
    Both,
    /// The tutorial's two, then the logistic baseline.
    All,
}

impl LossChoice {
    pub fn kinds(self) -> Vec<LossKind> {
        match self {
            LossChoice::One(loss) => vec![loss],
            LossChoice::Both => LossKind::TUTORIAL.to_vec(),
            LossChoice::All => LossKind::TWO_CLASS.to_vec(),
        }
    }

    /// Whether every loss it trains is a two-class one, as the lab's margins need.
    pub fn two_class(self) -> bool {
        self.kinds()
            .iter()
            .all(|loss| LossKind::TWO_CLASS.contains(loss))
    }
}

impl Named for LossChoice {
    /// Every loss, then the sets.
    const ALL: &'static [Self] = &{
        const LOSSES: usize = LossKind::ALL.len();
        let mut all = [LossChoice::Both; LOSSES + 2];
        let mut index = 0;
        while index < LOSSES {
            all[index] = LossChoice::One(LossKind::ALL[index]);
            index += 1;
        }
        all[LOSSES + 1] = LossChoice::All;
        all
    };

    fn name(self) -> &'static str {
        match self {
            LossChoice::One(loss) => loss.name(),
            LossChoice::Both => "both",
            LossChoice::All => "all",
        }
    }
}

impl std::fmt::Display for LossChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for LossChoice {
    type Err = String;

    fn from_str(given: &str) -> Result<Self, String> {
        Self::from_name(given, "loss")
    }
}
