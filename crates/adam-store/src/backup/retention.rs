//! Names of backups in a backup directory, and the retention that keeps the newest N.
//!
//! A backup taken into a directory is named `adam-YYYYMMDD-HHMMSS-mmm.adambackup` (UTC, to the
//! millisecond), so names sort as the backups were taken. The retention deletes only files
//! named so: whatever else an operator keeps in the directory is never touched.

use super::{BackupError, io_error};
use std::path::{Path, PathBuf};

const PREFIX: &str = "adam-";
const SUFFIX: &str = ".adambackup";

/// The name of a backup taken at `millis` milliseconds since 1970 (UTC).
pub fn file_name(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let text = adam_core::Timestamp(seconds).to_string();
    // `2026-12-04T10:30:00Z` → `20261204-103000`.
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (date, time) = digits.split_at(digits.len().min(8));
    format!("{PREFIX}{date}-{time}-{:03}{SUFFIX}", millis.rem_euclid(1000))
}

/// Whether `name` is the name of a backup [`file_name`] gives.
pub fn is_backup_name(name: &str) -> bool {
    let Some(middle) = name.strip_prefix(PREFIX).and_then(|n| n.strip_suffix(SUFFIX)) else {
        return false;
    };
    let b = middle.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 15 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The backups in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && entry.file_name().to_str().is_some_and(is_backup_name) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// Keeps the newest `keep` backups in `dir` (at least one) and deletes the older ones; returns
/// what was deleted. Files not named as backups are never touched.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let all = list(dir)?;
    let excess = all.len().saturating_sub(keep.max(1));
    let mut deleted = Vec::new();
    for old in all.into_iter().take(excess) {
        std::fs::remove_file(&old).map_err(|e| io_error(&old, e))?;
        deleted.push(old);
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_taken_and_only_they_are_backups() {
        let a = file_name(1_780_000_000_007);
        assert_eq!(a, "adam-20260528-202640-007.adambackup");
        assert!(is_backup_name(&a));
        assert!(file_name(1_780_000_000_999) < file_name(1_780_000_001_000));
        for other in [
            "adam-2026.adambackup",
            "notes.txt",
            "adam-20260528-203320-007.adambackup.partial",
        ] {
            assert!(!is_backup_name(other), "{other}");
        }
    }

    #[test]
    fn the_retention_keeps_the_newest_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(file_name(1_780_000_000_000 + i * 1000)), b"x").unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"keep me").unwrap();
        let deleted = prune(dir.path(), 2).unwrap();
        assert_eq!(deleted.len(), 3);
        let left = list(dir.path()).unwrap();
        assert_eq!(
            left.iter()
                .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
            vec![file_name(1_780_000_003_000), file_name(1_780_000_004_000)]
        );
        assert!(dir.path().join("notes.txt").exists());
    }
}
