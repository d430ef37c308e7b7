//! Resident memory of this process, read from `/proc/self/status` (Linux).
//!
//! The memory goal (≤ 1 GiB resident for the full-size world) is about what the server keeps
//! resident, so the benchmark reads the kernel's own figures rather than estimating sizes:
//! `VmRSS` (resident now) and `VmHWM` (peak resident). Writing `5` to `/proc/self/clear_refs`
//! resets the peak, so a phase's peak can be measured on its own.

use serde::Serialize;

/// Resident memory in bytes, as the kernel reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resident {
    /// Resident now (`VmRSS`).
    pub rss: u64,
    /// Peak resident since start or the last reset (`VmHWM`).
    pub hwm: u64,
}

/// The current figures; `None` where `/proc` is not available.
pub fn resident() -> Option<Resident> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line
            .trim_start_matches(name)
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    };
    Some(Resident {
        rss: field("VmRSS:")?,
        hwm: field("VmHWM:")?,
    })
}

/// Resets the peak (`VmHWM`) to the current resident size; false if the kernel refused.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Bytes as MiB, for reports.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Resident memory now, in MiB (0 where it cannot be read).
pub fn rss_mib() -> f64 {
    resident().map_or(0.0, |r| mib(r.rss))
}

/// CPU time of this process so far (user and system), in seconds, from `/proc/self/stat`.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime: fields 14 and 15 of the line, indexes 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// The machine's load averages over 1, 5 and 15 minutes, as `/proc/loadavg` says them.
pub fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn resident_memory_grows_with_a_touched_allocation() {
        let Some(before) = super::resident() else {
            return; // not Linux
        };
        let block = vec![1u8; 64 << 20];
        let after = super::resident().unwrap_or_default();
        assert!(after.rss >= before.rss + (48 << 20), "{before:?} {after:?}");
        assert!(after.hwm >= after.rss);
        drop(block);
    }
}
