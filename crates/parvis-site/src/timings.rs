//! How long each stage of a build took, what processor time it used and how high it took the
//! memory: what `parvis build --timings` prints, to read off where a build spends itself.

use std::time::{Duration, Instant};

/// One stage's time, for `--timings`.
#[derive(Debug, Clone)]
pub struct Lap {
    pub stage: &'static str,
    pub wall: Duration,
    /// Processor time of every thread of the process during the stage, where the system tells
    /// it (Linux): well above `wall` when the stage keeps several cores busy.
    pub cpu: Option<Duration>,
    /// The process's peak resident memory so far, in bytes, at the end of the stage (Linux):
    /// the stage that raises it is the one that sets the build's peak.
    pub peak: Option<u64>,
}

/// Records how long each stage took.
pub(crate) struct Stopwatch {
    last: Instant,
    last_cpu: Option<Duration>,
    pub(crate) laps: Vec<Lap>,
}

impl Stopwatch {
    pub(crate) fn new() -> Stopwatch {
        Stopwatch {
            last: Instant::now(),
            last_cpu: process_cpu_time(),
            laps: Vec::new(),
        }
    }

    /// Ends the stage named `stage`, started where the previous one ended.
    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let cpu = process_cpu_time();
        self.laps.push(Lap {
            stage,
            wall: now - self.last,
            cpu: cpu.zip(self.last_cpu).map(|(c, l)| c.saturating_sub(l)),
            peak: peak_memory(),
        });
        self.last = now;
        self.last_cpu = cpu;
    }
}

/// The processor time used so far by all the threads of this process (user and system), read
/// from `/proc/self/stat`: `None` elsewhere than on Linux.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    // Fields 14 and 15 of proc(5), utime and stime, in clock ticks: 100 a second in Linux's
    // interface to programs on every architecture it supports.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The peak resident memory of this process so far, in bytes (`VmHWM` of
/// `/proc/self/status`, in kB there): `None` elsewhere than on Linux.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kb: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resident memory now, in bytes (`VmRSS`).
    fn resident() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .unwrap();
        line.trim()
            .strip_suffix("kB")
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
            * 1024
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_lap_tells_processor_time_and_a_peak_at_least_what_the_stage_holds() {
        let mut watch = Stopwatch::new();
        // 64 MiB written to, so that every page of it is resident.
        let held = vec![1u8; 64 << 20];
        let sum: u64 = held.iter().step_by(4096).map(|&b| b as u64).sum();
        let now = resident();
        watch.lap("hold");
        let lap = &watch.laps[0];
        assert_eq!(sum, (64 << 20) / 4096);
        assert!(now >= 64 << 20, "{now}");
        assert!(lap.cpu.is_some());
        // At least what the stage holds. Not compared with `now` itself: the kernel counts
        // resident pages per thread in batches (proc(5) calls both figures inaccurate), and
        // the other tests' threads of this process move them meanwhile, so the peak read
        // last can trail the resident size read first by a few hundred kilobytes.
        assert!(lap.peak.unwrap() >= 64 << 20, "{lap:?}, resident {now}");
        drop(held);
    }
}
