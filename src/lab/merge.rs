//! `lab merge`: the folders of a sharded sweep or search, each written by `--shard K/N`,
//! combined into the tables and figures the unsharded command writes.

use std::path::{Path, PathBuf};

use hinge_train::{BackendKind, ensure_writable};
use serde::de::DeserializeOwned;

use super::LabSettings;
use super::record::{RUNS_FILE, RunRow, read_rows};
use super::search::{
    SEARCH_PLAN_FILE, SEARCH_RUNS_FILE, SearchOutcome, SearchPlan, SearchRequest,
    write_results as write_search,
};
use super::search_table::SearchRow;
use super::sweep::{PLAN_FILE, Shard, SweepCell, SweepPlan, SweepRequest, write_results};
use crate::AppError;

/// What a merge combined: a sweep, or a search with its best point trained again.
pub enum Merged {
    Sweep(SweepRequest, Vec<SweepCell>),
    Search(SearchRequest, SearchOutcome),
}

/// The plan of a lab command that shards, as its shards save it.
trait ShardedPlan: Clone + PartialEq + DeserializeOwned {
    /// The plan's file in a shard's folder.
    const FILE: &'static str;
    /// The runs' table in a shard's folder.
    const RUNS: &'static str;
    /// The command, as an error names it.
    const WHAT: &'static str;
    fn shard(&self) -> Option<Shard>;
    fn whole(&self) -> Self;
    fn runs(&self) -> usize;
}

impl ShardedPlan for SweepPlan {
    const FILE: &'static str = PLAN_FILE;
    const RUNS: &'static str = RUNS_FILE;
    const WHAT: &'static str = "sweep";
    fn shard(&self) -> Option<Shard> {
        self.shard
    }
    fn whole(&self) -> Self {
        Self {
            shard: None,
            ..self.clone()
        }
    }
    fn runs(&self) -> usize {
        SweepPlan::runs(self)
    }
}

impl ShardedPlan for SearchPlan {
    const FILE: &'static str = SEARCH_PLAN_FILE;
    const RUNS: &'static str = SEARCH_RUNS_FILE;
    const WHAT: &'static str = "search";
    fn shard(&self) -> Option<Shard> {
        self.shard
    }
    fn whole(&self) -> Self {
        Self {
            shard: None,
            ..self.clone()
        }
    }
    fn runs(&self) -> usize {
        SearchPlan::runs(self)
    }
}

/// The settings a merged lab writes its tables with (it trains only a search's refit, on the
/// default backend).
fn merged_batch(
    losses: Vec<hinge_model::LossKind>,
    seeds: usize,
    first_seed: u64,
    artifacts: &Path,
) -> LabSettings {
    let backend = BackendKind::chosen(None);
    LabSettings {
        losses,
        seeds,
        first_seed,
        backend,
        jobs: super::default_jobs(backend),
        artifacts: artifacts.to_path_buf(),
        show_progress: false,
        dashboard: hinge_train::Dashboard::Silent,
        max_population: super::MAX_POPULATION,
        resume: false,
    }
}

/// Combines the folders of a sharded sweep or search, whichever the first folder holds.
pub fn merge_any(shards: &[PathBuf], artifacts: &Path) -> Result<Merged, AppError> {
    match shards.first() {
        Some(first) if first.join(SEARCH_PLAN_FILE).exists() => {
            merge_search_shards(shards, artifacts).map(|(r, o)| Merged::Search(r, o))
        }
        _ => merge_shards(shards, artifacts).map(|(r, c)| Merged::Sweep(r, c)),
    }
}

/// Combines the folders of a sharded sweep (each written by `lab sweep --shard K/N`) into the
/// tables and figures the unsharded sweep writes, in `artifacts`. The folders must hold every
/// shard of one sweep exactly once, whole.
pub fn merge_shards(
    shards: &[PathBuf],
    artifacts: &Path,
) -> Result<(SweepRequest, Vec<SweepCell>), AppError> {
    let (whole, ordered) = shards_in_order::<SweepPlan>(shards, artifacts)?;
    let rows: Vec<RunRow> = merged_rows(&ordered, &whole)?;
    ensure_writable(artifacts)?;
    let request = SweepRequest {
        config: whole.config,
        noises: whole.noises,
        factors: whole.factors,
        grid: whole.grid,
        batch: merged_batch(whole.losses, whole.seeds, whole.first_seed, artifacts),
        shard: None,
    };
    let cells = write_results(&request, &rows)?;
    Ok((request, cells))
}

/// Combines the folders of a sharded search (`lab search --shard K/N`) into the search's
/// tables, picks the best point and trains it again, as the unsharded search does.
pub fn merge_search_shards(
    shards: &[PathBuf],
    artifacts: &Path,
) -> Result<(SearchRequest, SearchOutcome), AppError> {
    let (whole, ordered) = shards_in_order::<SearchPlan>(shards, artifacts)?;
    let rows: Vec<SearchRow> = merged_rows(&ordered, &whole)?;
    ensure_writable(artifacts)?;
    let request = SearchRequest {
        config: whole.config,
        grid: whole.grid,
        folds: whole.folds,
        repeats: whole.repeats,
        batch: merged_batch(whole.losses, whole.seeds, whole.first_seed, artifacts),
        shard: None,
    };
    let outcome = write_search(&request, rows)?;
    Ok((request, outcome))
}

fn load_plan<P: ShardedPlan>(dir: &Path) -> Result<P, AppError> {
    let path = dir.join(P::FILE);
    let text = std::fs::read_to_string(&path).map_err(|err| AppError::Merge {
        path: dir.to_path_buf(),
        reason: format!(
            "it has no readable {} ({err}): is it a {}'s folder?",
            P::FILE,
            P::WHAT
        ),
    })?;
    serde_json::from_str(&text).map_err(|err| AppError::LabFile {
        path,
        reason: err.to_string(),
    })
}

/// The lab the shard folders `shards` are parts of, and the folders in shard order: each
/// shard of one sweep or search, exactly once.
fn shards_in_order<P: ShardedPlan>(
    shards: &[PathBuf],
    artifacts: &Path,
) -> Result<(P, Vec<PathBuf>), AppError> {
    let Some(first_dir) = shards.first() else {
        return Err(AppError::LabSetting {
            flag: "merge",
            value: "(no folders)".into(),
            allowed: "name the shard folders, e.g. lab merge runs/shard-1 runs/shard-2".into(),
        });
    };
    let plans = shards
        .iter()
        .map(|dir| load_plan::<P>(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let whole = plans[0].whole();
    let Some(count) = plans[0].shard().map(|s| s.count) else {
        return Err(AppError::Merge {
            path: first_dir.clone(),
            reason: format!("it holds a whole {}, not a shard of one", P::WHAT),
        });
    };
    let mut by_index: Vec<Option<&PathBuf>> = vec![None; count];
    for (dir, plan) in shards.iter().zip(&plans) {
        let same = plan.whole() == whole;
        let Some(shard) = plan.shard().filter(|s| same && s.count == count) else {
            return Err(AppError::Merge {
                path: dir.clone(),
                reason: format!(
                    "it is not a shard of the same {} as {} (its {} differs)",
                    P::WHAT,
                    first_dir.display(),
                    P::FILE
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
                "shard {}/{count} is missing: every shard of the {} is needed",
                missing + 1,
                P::WHAT
            ),
        });
    }
    Ok((whole, by_index.into_iter().flatten().cloned().collect()))
}

/// Every shard's rows, in shard order, each shard checked to be finished.
fn merged_rows<P: ShardedPlan, T: DeserializeOwned>(
    ordered: &[PathBuf],
    whole: &P,
) -> Result<Vec<T>, AppError> {
    let count = ordered.len();
    let mut rows = Vec::with_capacity(whole.runs());
    for (index, dir) in ordered.iter().enumerate() {
        let shard: Vec<T> = read_rows(&dir.join(P::RUNS))?;
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
                    "its {} has {} runs where shard {}/{count} has {expected}: did it finish?",
                    P::RUNS,
                    shard.len(),
                    index + 1
                ),
            });
        }
        rows.extend(shard);
    }
    Ok(rows)
}
