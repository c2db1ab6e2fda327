//! Work spread over the machine's cores, for the host-side loops that measure or draw many
//! independent things (members' margins, animation frames).

/// `work` of every index in `0..count`, spread over the cores in contiguous chunks; the results
/// in index order.
pub(crate) fn on_every_core<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = count.div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .step_by(chunk)
            .map(|start| {
                let work = &work;
                scope.spawn(move || {
                    (start..(start + chunk).min(count))
                        .map(work)
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("the work threads do not panic"))
            .collect()
    })
}
