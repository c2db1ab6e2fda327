//! Where the boundary lies around the origin: its distance along rays in every direction, for
//! data centred there such as make_circles.

use burn::tensor::Device;
use hinge_model::{Mlp, Population, predicts_positive};
use hinge_train::predict_population_sums;

use super::BISECTIONS;
use crate::AppError;

/// Rays from the origin along which [`boundary_radii`] looks for the boundary.
pub const RAYS: usize = 360;
/// Steps along each ray before bisecting: the scan only has to land past the first crossing,
/// which bisection then locates to 2^-30 of a step. A step of 1/60 of the reach (0.025 for
/// the lab's 1.5) misses only a sliver of the other class narrower than that along the ray;
/// the boundaries of the tutorial's data lie between the rings, 0.1 and 1 from the origin.
pub(super) const RAY_STEPS: usize = 60;
/// Points, over all members, scanned per pass along the rays.
const SCAN_POINTS: usize = 1 << 18;

/// The distance from the origin to the decision boundary along [`RAYS`] evenly spaced
/// directions, looking out to `reach`: the first place the output changes sign from its sign
/// at the origin. `None` for a direction where it never does.
pub fn boundary_radii(
    model: &Mlp,
    reach: f64,
    device: &Device,
) -> Result<Vec<Option<f64>>, AppError> {
    let population = Population::stack(std::slice::from_ref(model));
    Ok(boundary_radii_all(&population, reach, device)?.remove(0))
}

/// [`boundary_radii`] of every member, all members in each forward pass.
pub fn boundary_radii_all(
    model: &Population,
    reach: f64,
    device: &Device,
) -> Result<Vec<Vec<Option<f64>>>, AppError> {
    let members = model.len();
    // Each ray's direction once: the scan and the bisections place millions of points.
    let directions: Vec<(f64, f64)> = (0..RAYS)
        .map(|ray| {
            let angle = std::f64::consts::TAU * ray as f64 / RAYS as f64;
            (angle.cos(), angle.sin())
        })
        .collect();
    let at = |ray: usize, radius: f64| {
        let (c, s) = directions[ray];
        [(radius * c) as f32, (radius * s) as f32]
    };
    let same_for_all = |points: &[[f32; 2]]| -> Vec<f32> {
        (0..members)
            .flat_map(|_| points.as_flattened().iter().copied())
            .collect()
    };
    // Only the output's sign matters here, and the sums before the output activation have
    // the output's sign everywhere.
    let origin = predict_population_sums(model, &same_for_all(&[[0.0, 0.0]]), 1, device)?;
    let origin_positive: Vec<bool> = origin.iter().map(|&y| predicts_positive(y)).collect();
    let step = reach / RAY_STEPS as f64;
    // Per member and ray, the step interval holding the first crossing; a ray that never
    // crosses bisects nothing and is dropped at the end. The scan goes a few rays at a time,
    // so its points and outputs stay within one pass's memory for any population.
    let mut brackets: Vec<(Option<usize>, f64, f64)> = vec![(None, 0.0, 0.0); members * RAYS];
    let rays_per_pass = (SCAN_POINTS / (members.max(1) * RAY_STEPS)).clamp(1, RAYS);
    for first in (0..RAYS).step_by(rays_per_pass) {
        let rays = first..(first + rays_per_pass).min(RAYS);
        let scan: Vec<[f32; 2]> = rays
            .clone()
            .flat_map(|ray| (1..=RAY_STEPS).map(move |k| at(ray, k as f64 * step)))
            .collect();
        let scanned = predict_population_sums(model, &same_for_all(&scan), scan.len(), device)?;
        for (m, outputs) in scanned.chunks(scan.len()).enumerate() {
            for (ray, along) in rays.clone().zip(outputs.chunks(RAY_STEPS)) {
                if let Some(j) = along
                    .iter()
                    .position(|&y| predicts_positive(y) != origin_positive[m])
                {
                    brackets[m * RAYS + ray] = (Some(ray), j as f64 * step, (j + 1) as f64 * step);
                }
            }
        }
    }
    for _ in 0..BISECTIONS {
        let midpoints: Vec<[f32; 2]> = brackets
            .iter()
            .enumerate()
            .map(|(k, &(_, lo, hi))| at(k % RAYS, (lo + hi) / 2.0))
            .collect();
        let outputs = predict_population_sums(model, midpoints.as_flattened(), RAYS, device)?;
        for (k, (bracket, y)) in brackets.iter_mut().zip(outputs).enumerate() {
            let mid = (bracket.1 + bracket.2) / 2.0;
            if predicts_positive(y) == origin_positive[k / RAYS] {
                bracket.1 = mid;
            } else {
                bracket.2 = mid;
            }
        }
    }
    Ok(brackets
        .chunks(RAYS)
        .map(|rays| {
            rays.iter()
                .map(|&(ray, lo, hi)| ray.map(|_| (lo + hi) / 2.0))
                .collect()
        })
        .collect())
}
