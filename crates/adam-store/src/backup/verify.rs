//! `adam backup verify`: restore a backup into a scratch place and prove it.
//!
//! In order, each step failing with its own [`BackupError`]: the container (the manifest's
//! checksum, every member's size and SHA-256, no member missing or added, nothing cut or
//! appended); the schema version; the rows of every table against the manifest; the store
//! opened on the restore with a **scratch copy of the key directory** (the live directory is
//! only read) and the audit trail verified in full; the trail's last record and chain value
//! against the manifest; the world loaded and its revision; every attachment read back whole
//! against its digest. The scratch place is removed afterwards, whatever the outcome: a
//! verification never touches the live store.

use super::{BackupError, Manifest, PG_MEMBER, SQLITE_MEMBER, container, io_error, known_schema, scratch_dir};
use crate::keys::Keyring;
use crate::sql::Backend;
use crate::{Store, StoreError};
use adam_core::attachment::Digest;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// What a verification proved (or the first thing it found wrong), for the operator's report
/// and the continuity register's restore test.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VerifyReport {
    /// The backup file verified.
    pub file: String,
    /// Whether every check passed.
    pub passed: bool,
    /// The first thing wrong, in one line (none when it passed).
    pub failure: Option<String>,
    /// `sqlite` or `postgresql` (none when the manifest could not be read).
    pub backend: Option<String>,
    /// When the backup was taken (seconds since 1970, UTC).
    pub created_at: Option<i64>,
    /// The schema version restored.
    pub schema_version: Option<i64>,
    /// The revision of the world the restore ends at.
    pub revision: Option<u64>,
    /// The audit trail's records, verified.
    pub audit_records: Option<u64>,
    /// The chain value after the last record (hex).
    pub audit_head: Option<String>,
    /// Tables whose rows were counted.
    pub tables: u64,
    /// Rows in all tables.
    pub records: u64,
    /// Attachments read back whole.
    pub attachments: u64,
    /// Bytes of the backup's members read and checked.
    pub bytes: u64,
    /// How long the verification took, in milliseconds.
    pub duration_ms: u64,
    /// The checks passed, in order, one line each.
    pub checks: Vec<String>,
    /// How long each check took, in milliseconds, in the order of `checks` (SQLite's page
    /// check runs beside the others and is listed last).
    #[serde(default)]
    pub check_ms: Vec<u64>,
}

impl VerifyReport {
    /// Records a check passed and how long it took since `started`.
    fn passed(&mut self, check: String, started: Instant) {
        self.checks.push(check);
        self.check_ms
            .push(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    }

    /// The findings in a few lines: the failure, or the checks passed.
    pub fn findings(&self) -> String {
        match &self.failure {
            Some(f) => f.clone(),
            None => self.checks.join("; "),
        }
    }
}

/// Where a PostgreSQL backup is restored for its verification: an administrator's URL of a
/// server on which a scratch database may be created (and is dropped afterwards).
#[derive(Clone, Copy, Debug, Default)]
pub struct Scratches<'a> {
    /// The directory under which the scratch directory is made (the system's temporary
    /// directory when none).
    pub dir: Option<&'a Path>,
    /// The PostgreSQL server for a PostgreSQL backup.
    pub postgres: Option<&'a str>,
}

/// Verifies the backup at `file` with the key directory `keys`, and reports; a failure is in
/// the report (`passed: false`, `failure`), with the duration measured all the same.
pub fn verify_report(file: &Path, keys: &Path, scratch: Scratches<'_>) -> VerifyReport {
    let started = Instant::now();
    let mut report = VerifyReport {
        file: file.display().to_string(),
        ..VerifyReport::default()
    };
    if let Err(e) = run(file, keys, scratch, &mut report) {
        report.passed = false;
        report.failure = Some(e.to_string());
    } else {
        report.passed = true;
    }
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

/// Verifies the backup at `file`: the report when every check passed, else the first failure.
pub fn verify(file: &Path, keys: &Path, scratch: Scratches<'_>) -> Result<VerifyReport, BackupError> {
    let started = Instant::now();
    let mut report = VerifyReport {
        file: file.display().to_string(),
        ..VerifyReport::default()
    };
    run(file, keys, scratch, &mut report)?;
    report.passed = true;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

fn run(file: &Path, keys: &Path, scratch: Scratches<'_>, report: &mut VerifyReport) -> Result<(), BackupError> {
    if !file.is_file() {
        return Err(BackupError::Io {
            path: file.to_path_buf(),
            reason: "no such file".to_owned(),
        });
    }
    let memory = match scratch.dir {
        Some(_) => None,
        None => memory_scratch(std::fs::metadata(file).map(|m| m.len()).unwrap_or(u64::MAX)),
    };
    let dir = scratch_dir(scratch.dir.or(memory.as_deref()))?;
    let started = Instant::now();
    let (manifest, bytes) = container::extract(file, dir.path(), false)?;
    report.backend = Some(manifest.backend.clone());
    report.created_at = Some(manifest.created_at);
    report.bytes = bytes;
    report.passed(
        format!(
            "{} member(s), {bytes} bytes: sizes and SHA-256 as in the manifest (scratch copy under {})",
            manifest.members.len(),
            dir.path().parent().unwrap_or(dir.path()).display()
        ),
        started,
    );
    let known = known_schema(&manifest.backend);
    if manifest.schema_version > known {
        return Err(BackupError::NewerSchema(manifest.schema_version, known));
    }
    let scratch_keys = dir.path().join("keys");
    copy_keys(keys, &scratch_keys, manifest.audit.records)?;
    let keyring = Arc::new(Keyring::open(&scratch_keys)?);
    match manifest.backend.as_str() {
        "sqlite" => {
            let db = dir.path().join(SQLITE_MEMBER);
            // SQLite's page check reads the whole file again and waits mostly on the disk: it
            // runs on a thread of its own beside the rest, and a failure of it is reported
            // first (a damaged page explains whatever else fails).
            std::thread::scope(|threads| {
                let pages = threads.spawn(|| {
                    let started = Instant::now();
                    quick_check(&db).map(|()| started)
                });
                let rest = (|| {
                    let started = Instant::now();
                    let found = super::sqlite::describe(&db, manifest.created_at)?;
                    compare_facts(&manifest, &found, report, started)?;
                    let store = crate::SqliteStore::open(&db, Arc::clone(&keyring))?;
                    prove(&manifest, &store, report)
                })();
                let pages = pages.join().unwrap_or_else(|_| {
                    Err(BackupError::Store(StoreError::Database(
                        "the page check stopped unexpectedly".to_owned(),
                    )))
                })?;
                rest?;
                report.passed("SQLite quick_check: every page and index readable".to_owned(), pages);
                Ok(())
            })
        }
        "postgresql" => {
            let Some(server) = scratch.postgres else {
                return Err(BackupError::Tool(
                    "a PostgreSQL backup is restored into a scratch database: give the URL of a server \
                     where one may be created (--scratch-database)"
                        .to_owned(),
                ));
            };
            let restored = super::pg::restore(server, &dir.path().join(PG_MEMBER))?;
            let started = Instant::now();
            let found = super::pg::describe(restored.url(), manifest.created_at)?;
            compare_facts(&manifest, &found, report, started)?;
            let store = crate::PgStore::connect(restored.url(), keyring)?;
            let proved = prove(&manifest, &store, report);
            drop(store);
            drop(restored);
            proved
        }
        other => Err(BackupError::ManifestUnreadable(format!("unknown backend {other:?}"))),
    }
}

/// Where the scratch copy goes when the caller named no directory and `TMPDIR` is not set:
/// memory (`/dev/shm`) when the copy fits there twice over and in a quarter of the memory
/// available, else the system's temporary directory.
///
/// The copy is deleted after the verification and never needs to reach a disk; on a disk
/// its pages queue behind the backup just written (a 1.7 GB copy took 4.2–4.5 s to write
/// here, 1.2 s in memory — BENCHMARKS.md, issue #18). A container's small `/dev/shm` (64 MB
/// by default under Docker) or a busy machine keeps the disk.
fn memory_scratch(backup_size: u64) -> Option<std::path::PathBuf> {
    if std::env::var_os("TMPDIR").is_some() || !cfg!(target_os = "linux") {
        return None;
    }
    let shm = Path::new("/dev/shm");
    let stat = rustix::fs::statvfs(shm).ok()?;
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    fits_in_memory(backup_size, free, mem_available(&meminfo)?).then(|| shm.to_path_buf())
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// Whether a copy of `size` bytes may go to memory: twice its size free on the tmpfs, and no
/// more than a quarter of the memory available.
fn fits_in_memory(size: u64, tmpfs_free: u64, mem_available: u64) -> bool {
    size.saturating_mul(2) <= tmpfs_free && size.saturating_mul(4) <= mem_available
}

/// SQLite's own check of the restored file's pages and indexes.
fn quick_check(db: &Path) -> Result<(), BackupError> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| BackupError::Store(StoreError::Database(e.to_string())))?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|e| BackupError::Store(StoreError::Database(format!("quick_check: {e}"))))?;
    if verdict != "ok" {
        return Err(BackupError::Store(StoreError::Corrupt(format!(
            "the restored SQLite file fails its quick check: {verdict}"
        ))));
    }
    Ok(())
}

/// The restored database's schema version and table rows against the manifest.
fn compare_facts(
    manifest: &Manifest,
    found: &Manifest,
    report: &mut VerifyReport,
    started: Instant,
) -> Result<(), BackupError> {
    if found.schema_version != manifest.schema_version {
        return Err(BackupError::SchemaVersion {
            expected: manifest.schema_version,
            found: found.schema_version,
        });
    }
    report.schema_version = Some(found.schema_version);
    for (table, expected) in &manifest.tables {
        let found = found.tables.get(table).copied().unwrap_or(0);
        if found != *expected {
            return Err(BackupError::RecordCount {
                table: table.clone(),
                expected: *expected,
                found,
            });
        }
    }
    if let Some((table, n)) = found.tables.iter().find(|(t, _)| !manifest.tables.contains_key(*t)) {
        return Err(BackupError::RecordCount {
            table: table.clone(),
            expected: 0,
            found: *n,
        });
    }
    report.tables = manifest.tables.len() as u64;
    report.records = manifest.total_records();
    report.passed(
        format!(
            "schema version {}; {} rows in {} tables as in the manifest",
            found.schema_version, report.records, report.tables
        ),
        started,
    );
    Ok(())
}

/// The store-level proofs: the trail verified and where it ends, the world loaded and its
/// revision, every attachment read back.
fn prove<S: Store + Backend>(manifest: &Manifest, store: &S, report: &mut VerifyReport) -> Result<(), BackupError> {
    let started = Instant::now();
    let verdict = store.audit_verify()?;
    if !verdict.intact() {
        return Err(BackupError::AuditTrail(verdict.summary()));
    }
    if verdict.records != manifest.audit.records || (verdict.records > 0 && verdict.head != manifest.audit.chain) {
        return Err(BackupError::AuditEnd {
            expected: manifest.audit.records,
            expected_chain: manifest.audit.chain.clone(),
            found: verdict.records,
            found_chain: verdict.head.clone(),
        });
    }
    report.audit_records = Some(verdict.records);
    report.audit_head = Some(verdict.head.clone());
    report.passed(
        format!(
            "audit trail intact: {} records, ending in {}",
            verdict.records,
            verdict.head.get(..16).unwrap_or(&verdict.head)
        ),
        started,
    );
    let started = Instant::now();
    let world = store.load()?;
    let revision = world.revision().0;
    if revision != manifest.revision {
        return Err(BackupError::Revision {
            expected: manifest.revision,
            found: revision,
        });
    }
    report.revision = Some(revision);
    report.passed(format!("world loaded at revision {revision}"), started);
    let started = Instant::now();
    let (files, bytes) = read_attachments(store)?;
    if files != manifest.attachments || bytes != manifest.attachment_bytes {
        return Err(BackupError::Attachment {
            digest: "(all)".to_owned(),
            reason: format!(
                "{files} file(s) of {bytes} bytes read back, the manifest says {} of {}",
                manifest.attachments, manifest.attachment_bytes
            ),
        });
    }
    report.attachments = files;
    report.passed(
        format!("{files} attachment(s), {bytes} bytes, read back whole"),
        started,
    );
    Ok(())
}

/// Reads every stored attachment back through the store (each chunk opened with the key,
/// the whole checked against its digest). Returns the files and their bytes.
fn read_attachments<S: Store + Backend>(store: &S) -> Result<(u64, u64), BackupError> {
    let digests = store.read(|tx| {
        let mut digests = Vec::new();
        tx.each(
            "SELECT digest FROM attachments WHERE digest IS NOT NULL ORDER BY id",
            &[],
            &mut |row| {
                let text = crate::sql::req_text(row, 0, "attachments", "digest")?;
                digests.push(
                    Digest::parse("digest", text)
                        .map_err(|_| StoreError::Corrupt("attachments.digest is not a digest".to_owned()))?,
                );
                Ok(())
            },
        )?;
        Ok(digests)
    })?;
    let mut bytes = 0u64;
    for digest in &digests {
        let mut sink = Counting(0);
        match crate::attachments::read_attachment(store, digest, &mut sink) {
            Ok(Some(_)) => bytes += sink.0,
            Ok(None) => {
                return Err(BackupError::Attachment {
                    digest: digest.as_str().to_owned(),
                    reason: "it is listed but not stored".to_owned(),
                });
            }
            Err(e) => {
                return Err(BackupError::Attachment {
                    digest: digest.as_str().to_owned(),
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok((digests.len() as u64, bytes))
}

/// A sink that counts what is written to it.
struct Counting(u64);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Copies the key directory `from` into `to` for the verification: every file but the chain
/// head (the live head is ahead of any backup; the manifest's end is compared instead), and the
/// external checkpoints only up to the backup's last record (later ones were signed after it).
fn copy_keys(from: &Path, to: &Path, last_record: u64) -> Result<(), BackupError> {
    std::fs::create_dir_all(to).map_err(|e| io_error(to, e))?;
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(BackupError::Io {
                path: from.to_path_buf(),
                reason: format!(
                    "the key directory cannot be read ({e}); a backup is verified with the installation's keys"
                ),
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error(from, e))?;
        let path = entry.path();
        let name = entry.file_name();
        if !path.is_file() || name == crate::keys::head::HEAD_FILE {
            continue;
        }
        let target = to.join(&name);
        if name == "checkpoints.jsonl" {
            let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
            let kept: String = text
                .lines()
                .filter(|l| {
                    serde_json::from_str::<crate::keys::checkpoint::Checkpoint>(l)
                        .map(|c| c.seq <= last_record)
                        // A line that does not read is kept: the trail's verification reports it.
                        .unwrap_or(true)
                })
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&target, kept).map_err(|e| io_error(&target, e))?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| io_error(&path, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_copy_goes_to_memory_only_when_it_fits_with_room_to_spare() {
        let gib = 1u64 << 30;
        // 785 MB on a 12 GiB tmpfs with 20 GiB available: memory.
        assert!(fits_in_memory(785 << 20, 12 * gib, 20 * gib));
        // Docker's 64 MB /dev/shm: the disk.
        assert!(!fits_in_memory(785 << 20, 64 << 20, 20 * gib));
        // Fits the tmpfs but would take more than a quarter of what is available: the disk.
        assert!(!fits_in_memory(6 * gib, 12 * gib, 20 * gib));
        assert!(fits_in_memory(5 * gib, 12 * gib, 20 * gib));
        // A size that cannot be read counts as too large.
        assert!(!fits_in_memory(u64::MAX, u64::MAX, u64::MAX / 2));
    }

    #[test]
    fn memory_available_is_read_from_meminfo() {
        let meminfo = "MemTotal:       24600000 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n";
        assert_eq!(mem_available(meminfo), Some(20_000_000 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots\n"), None);
    }
}
