//! Which loss each member of a population trains with, as runs of consecutive members.

use std::ops::Range;

use crate::LossKind;

/// Consecutive members that train with the same loss.
#[derive(Debug, Clone, PartialEq)]
pub struct LossGroup {
    pub loss: LossKind,
    pub members: Range<usize>,
}

/// Groups `losses`, one per member, into runs of the same loss, in member order.
pub fn loss_groups(losses: &[LossKind]) -> Vec<LossGroup> {
    let mut groups: Vec<LossGroup> = Vec::new();
    for (member, &loss) in losses.iter().enumerate() {
        match groups.last_mut() {
            Some(group) if group.loss == loss => group.members.end = member + 1,
            _ => groups.push(LossGroup {
                loss,
                members: member..member + 1,
            }),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_member_order() {
        use LossKind::*;
        let groups = loss_groups(&[Hinge, Hinge, Logistic, Hinge]);
        assert_eq!(
            groups,
            vec![
                LossGroup {
                    loss: Hinge,
                    members: 0..2
                },
                LossGroup {
                    loss: Logistic,
                    members: 2..3
                },
                LossGroup {
                    loss: Hinge,
                    members: 3..4
                },
            ]
        );
    }
}
