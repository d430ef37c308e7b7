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
