//! A progress bar on stderr for the lab's long batches of runs: redrawn in place on a terminal,
//! a line per tenth in a log, so stdout keeps only the results.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;

pub struct Progress {
    label: String,
    total: usize,
    done: usize,
    started: Instant,
    terminal: bool,
    quiet: bool,
    tenths_shown: usize,
}

impl Progress {
    pub fn new(label: &str, total: usize) -> Self {
        Self {
            label: label.to_string(),
            total,
            done: 0,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            quiet: false,
            tenths_shown: 0,
        }
    }

    /// Shows nothing: for tests and callers with their own reporting.
    pub fn hidden(total: usize) -> Self {
        Self {
            quiet: true,
            ..Self::new("", total)
        }
    }

    pub fn done(&self) -> usize {
        self.done
    }

    pub fn advance(&mut self) {
        self.advance_by(1);
    }

    /// `runs` more are done, e.g. a whole population.
    pub fn advance_by(&mut self, runs: usize) {
        self.done += runs;
        if self.quiet {
            return;
        }
        if self.terminal {
            eprint!("\r{}", self.line());
            let _ = std::io::stderr().flush();
        } else {
            let tenths = self.done * 10 / self.total.max(1);
            if tenths > self.tenths_shown {
                self.tenths_shown = tenths;
                eprintln!("{}", self.line());
            }
        }
    }

    /// Ends the bar's line on a terminal.
    pub fn finish(&mut self) {
        if self.terminal && !self.quiet && self.done > 0 {
            eprintln!();
        }
    }

    /// `sweep [#########.....] 120/525 runs, 0:42 elapsed, ~2:05 left`
    pub fn line(&self) -> String {
        let filled = WIDTH * self.done / self.total.max(1);
        let elapsed = self.started.elapsed();
        let left = if self.done == 0 {
            String::new()
        } else {
            let per_run = elapsed / self.done as u32;
            let remaining = per_run * (self.total.saturating_sub(self.done)) as u32;
            format!(", ~{} left", clock(remaining))
        };
        format!(
            "{} [{}{}] {}/{} runs, {} elapsed{}",
            self.label,
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            self.done,
            self.total,
            clock(elapsed),
            left
        )
    }
}

fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_runs_done() {
        let mut progress = Progress::hidden(4);
        assert!(
            progress
                .line()
                .contains("[..............................] 0/4 runs")
        );
        progress.advance();
        progress.advance();
        let line = progress.line();
        assert!(line.contains(&format!("[{}{}] 2/4", "#".repeat(15), ".".repeat(15))));
        assert!(line.contains("left"), "{line}");
        assert_eq!(clock(Duration::from_secs(125)), "2:05");
    }
}
