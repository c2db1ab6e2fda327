//! `lab merge`: the folders of a sharded sweep, each written by `lab sweep --shard K/N`,
//! combined into the tables and figures the unsharded sweep writes.

use std::path::{Path, PathBuf};

use hinge_train::{BackendKind, ensure_writable};

use super::LabSettings;
use super::record::{RUNS_FILE, RunRow, read_rows};
use super::sweep::{PLAN_FILE, Shard, SweepCell, SweepPlan, SweepRequest, write_results};
use crate::AppError;

/// Combines the folders of a sharded sweep (each written by `lab sweep --shard K/N`) into the
/// tables and figures the unsharded sweep writes, in `artifacts`. The folders must hold every
/// shard of one sweep exactly once, whole.
pub fn merge_shards(
    shards: &[PathBuf],
    artifacts: &Path,
) -> Result<(SweepRequest, Vec<SweepCell>), AppError> {
    let (whole, ordered) = shards_in_order(shards, artifacts)?;
    let rows = merged_rows(&ordered, &whole)?;
    ensure_writable(artifacts)?;
    let request = SweepRequest {
        config: whole.config,
        noises: whole.noises,
        factors: whole.factors,
        grid: whole.grid,
        batch: LabSettings {
            losses: whole.losses,
            seeds: whole.seeds,
            first_seed: whole.first_seed,
            backend: BackendKind::Flex,
            jobs: 1,
            artifacts: artifacts.to_path_buf(),
            show_progress: false,
            dashboard: hinge_train::Dashboard::Silent,
            max_population: super::MAX_POPULATION,
            resume: false,
        },
        shard: None,
    };
    let cells = write_results(&request, &rows)?;
    Ok((request, cells))
}

/// The sweep the shard folders `shards` are parts of, and the folders in shard order: each
/// shard of one sweep, exactly once.
fn shards_in_order(
    shards: &[PathBuf],
    artifacts: &Path,
) -> Result<(SweepPlan, Vec<PathBuf>), AppError> {
    let Some(first_dir) = shards.first() else {
        return Err(AppError::LabSetting {
            flag: "merge",
            value: "(no folders)".into(),
            allowed: "name the shard folders, e.g. lab merge runs/shard-1 runs/shard-2".into(),
        });
    };
    let plans = shards
        .iter()
        .map(|dir| SweepPlan::load(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let whole = SweepPlan {
        shard: None,
        ..plans[0].clone()
    };
    let Some(count) = plans[0].shard.map(|s| s.count) else {
        return Err(AppError::Merge {
            path: first_dir.clone(),
            reason: "it holds a whole sweep, not a shard of one".into(),
        });
    };
    let mut by_index: Vec<Option<&PathBuf>> = vec![None; count];
    for (dir, plan) in shards.iter().zip(&plans) {
        let same_sweep = SweepPlan {
            shard: None,
            ..plan.clone()
        } == whole;
        let Some(shard) = plan.shard.filter(|s| same_sweep && s.count == count) else {
            return Err(AppError::Merge {
                path: dir.clone(),
                reason: format!(
                    "it is not a shard of the same sweep as {} (its {PLAN_FILE} differs)",
                    first_dir.display()
                ),
            });
        };
        if let Some(other) = by_index[shard.index - 1].replace(dir) {
            return Err(AppError::Merge {
                path: dir.clone(),
                reason: format!(
                    "it holds shard {}/{count}, as {} does",
                    shard.index,
                    other.display()
                ),
            });
        }
    }
    if let Some(missing) = by_index.iter().position(Option::is_none) {
        return Err(AppError::Merge {
            path: artifacts.to_path_buf(),
            reason: format!(
                "shard {}/{count} is missing: every shard of the sweep is needed",
                missing + 1
            ),
        });
    }
    Ok((whole, by_index.into_iter().flatten().cloned().collect()))
}

/// Every shard's rows, in shard order, each shard checked to be finished.
fn merged_rows(ordered: &[PathBuf], whole: &SweepPlan) -> Result<Vec<RunRow>, AppError> {
    let count = ordered.len();
    let mut rows = Vec::with_capacity(whole.runs());
    for (index, dir) in ordered.iter().enumerate() {
        let shard: Vec<RunRow> = read_rows(&dir.join(RUNS_FILE))?;
        let expected = Shard {
            index: index + 1,
            count,
        }
        .range(whole.runs())
        .len();
        if shard.len() != expected {
            return Err(AppError::Merge {
                path: dir.clone(),
                reason: format!(
                    "its {RUNS_FILE} has {} runs where shard {}/{count} has {expected}: did it finish?",
                    shard.len(),
                    index + 1
                ),
            });
        }
        rows.extend(shard);
    }
    Ok(rows)
}
