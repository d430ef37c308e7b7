//! ADAM's own backups (issue #18): `adam backup create` and `adam backup verify`.
//!
//! A backup is **one file**, a small container of our own (no archive crate for three
//! lines of framing):
//!
//! ```text
//! ADAM-BACKUP/1\n
//! manifest <length> <sha256 of the manifest>\n
//! <the manifest: one JSON object>\n
//! member <name> <length>\n
//! <the member's bytes>\n
//! …
//! end\n
//! ```
//!
//! The manifest ([`Manifest`]) names every member with its size and SHA-256, and says what the
//! backup holds: the backend, the schema version, the revision it ends at, the audit trail's
//! last record and chain value, the rows of every table and the attachments. A SQLite backup
//! has one member, `adam.db` (SQLite's `VACUUM INTO`: an online, consistent copy taken in one
//! read transaction while the server keeps writing); a PostgreSQL backup has `adam.pgdump`
//! (`pg_dump --format=custom` on a snapshot exported by the transaction that counted the
//! rows). The attachments live in the database (`attachments.rs`), so they are in the member.
//!
//! **The key directory is never in a backup**: it holds the keys that seal the attachments and
//! TOTP seeds and the day keys of the audit trail, and a backup that outlives the retention
//! period must not carry the day keys destroyed since. [`verify`] therefore needs the
//! installation's key directory, and reads it into a scratch copy: a verification restores into
//! a scratch directory and never touches the live store or the live keys.
//!
//! `sqlite.rs` and `pg.rs` take the backups, `verify.rs` restores and proves them,
//! `retention.rs` names them in a backup directory and keeps the newest N.

mod container;
mod pg;
pub mod retention;
mod sqlite;
mod verify;

pub use container::{MAGIC, read_manifest};
pub use verify::{Scratches, VerifyReport, verify, verify_report};

use crate::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The container format this build writes and reads.
pub const FORMAT: u32 = 1;

/// The member of a SQLite backup.
pub const SQLITE_MEMBER: &str = "adam.db";
/// The member of a PostgreSQL backup.
pub const PG_MEMBER: &str = "adam.pgdump";

/// One member of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its name in the container.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, hex.
    pub sha256: String,
}

/// The audit trail's end as the backup holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEnd {
    /// The last record's sequence number (0: no record).
    pub records: u64,
    /// The chain value after it, hex (empty: no record).
    pub chain: String,
}

/// What a backup holds: written first in the container, checked against the restore.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The container's format ([`FORMAT`]).
    pub format: u32,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// When the backup was taken (seconds since 1970, UTC).
    pub created_at: i64,
    /// The version of the ADAM that took it.
    pub adam_version: String,
    /// The database's schema version (the last migration applied).
    pub schema_version: i64,
    /// The revision of the world it ends at.
    pub revision: u64,
    /// The audit trail's last record and chain value.
    pub audit: AuditEnd,
    /// The rows of every table, by table.
    pub tables: BTreeMap<String, u64>,
    /// Stored attachments (files), and their bytes of plaintext.
    pub attachments: u64,
    /// The attachments' bytes of plaintext.
    pub attachment_bytes: u64,
    /// The members, in the order they follow.
    pub members: Vec<Member>,
}

impl Manifest {
    /// Every row of every table.
    pub fn total_records(&self) -> u64 {
        self.tables.values().sum()
    }
}

/// Why a backup could not be taken or does not verify. Each variant is one specific failure,
/// said in one line (the command line prints it as it is).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Reading or writing a file failed.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        reason: String,
    },
    /// The file is not an ADAM backup at all.
    #[error("{0} is not an ADAM backup (it does not start with {MAGIC:?})")]
    NotABackup(PathBuf),
    /// A container of another format.
    #[error("the backup is of format {0}; this ADAM reads format {FORMAT}")]
    UnknownFormat(String),
    /// The container's framing is broken (a header line that is not one).
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    /// The manifest's bytes do not have the checksum the header gives.
    #[error("the backup's manifest is corrupt: its SHA-256 is not the one recorded")]
    ManifestChecksum,
    /// The manifest does not parse.
    #[error("the backup's manifest is corrupt: {0}")]
    ManifestUnreadable(String),
    /// The file ends before the container does.
    #[error("the backup is truncated: {0}")]
    Truncated(String),
    /// A member's bytes do not have the checksum the manifest gives.
    #[error("member {0} is corrupt: its SHA-256 is not the one in the manifest")]
    MemberChecksum(String),
    /// A member the manifest lists is not in the file.
    #[error("member {0} is missing from the backup")]
    MissingMember(String),
    /// A member the manifest does not list.
    #[error("member {0} is in the backup but not in its manifest")]
    UnexpectedMember(String),
    /// Bytes after the end of the container.
    #[error("the backup has {0} byte(s) after its end")]
    TrailingBytes(u64),
    /// The restored database's schema is not the manifest's.
    #[error("schema version: the manifest says {expected}, the restored database has {found}")]
    SchemaVersion {
        /// The manifest's.
        expected: i64,
        /// The database's.
        found: i64,
    },
    /// A backup of a schema this ADAM does not know.
    #[error("the backup has schema version {0}, newer than this ADAM knows ({1}): verify it with a newer ADAM")]
    NewerSchema(i64, i64),
    /// A table's rows differ from the manifest.
    #[error("table {table}: the manifest says {expected} row(s), the restored database has {found}")]
    RecordCount {
        /// The table.
        table: String,
        /// The manifest's count.
        expected: u64,
        /// The restored database's.
        found: u64,
    },
    /// The restored audit trail does not verify.
    #[error("the restored audit trail does not verify: {0}")]
    AuditTrail(String),
    /// The restored trail ends elsewhere than the manifest says.
    #[error(
        "the restored audit trail ends at record {found} ({found_chain}), the manifest says {expected} ({expected_chain})"
    )]
    AuditEnd {
        /// The manifest's last record.
        expected: u64,
        /// Its chain value.
        expected_chain: String,
        /// The restore's last record.
        found: u64,
        /// Its chain value.
        found_chain: String,
    },
    /// The world loaded from the restore is at another revision.
    #[error("the restored world is at revision {found}, the manifest says {expected}")]
    Revision {
        /// The manifest's.
        expected: u64,
        /// The restore's.
        found: u64,
    },
    /// An attachment does not read back whole.
    #[error("attachment {digest} does not read back: {reason}")]
    Attachment {
        /// Its digest.
        digest: String,
        /// Why.
        reason: String,
    },
    /// The store refused (opening the restore, loading the world, reading the live database).
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A PostgreSQL tool is missing or failed.
    #[error("{0}")]
    Tool(String),
    /// The store's location is not one a backup can be taken of.
    #[error("{0}")]
    Location(String),
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// What [`create`] wrote.
#[derive(Clone, Debug)]
pub struct Created {
    /// The backup file.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The file's size in bytes.
    pub bytes: u64,
    /// How long taking it took, in milliseconds.
    pub duration_ms: u64,
}

/// Takes a backup of the store at `location` (the form [`crate::open`] takes) into the file
/// `out` (written beside it under another name and renamed when whole, mode 0600: it holds the
/// organisation's data). The store may be serving and writing meanwhile. `now` is the
/// creation time recorded in the manifest.
pub fn create(location: &str, out: &Path, now: i64) -> Result<Created, BackupError> {
    let started = std::time::Instant::now();
    let location = location.trim();
    let scratch = scratch_dir(out.parent())?;
    let manifest = if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        pg::take(location, scratch.path(), now)?
    } else {
        let path = location
            .strip_prefix("sqlite://")
            .or_else(|| location.strip_prefix("sqlite:"))
            .unwrap_or(location);
        if path.is_empty() || path.contains("://") {
            return Err(BackupError::Location(format!(
                "{} is not a store location",
                crate::pg::redact(location)
            )));
        }
        sqlite::take(Path::new(path), scratch.path(), now)?
    };
    let bytes = container::write(out, &manifest, scratch.path())?;
    Ok(Created {
        path: out.to_path_buf(),
        manifest,
        bytes,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// Restores the members of the backup at `file` into the directory `dir` (created if missing),
/// each checked against the manifest's size and SHA-256: `adam.db` is then a SQLite store,
/// `adam.pgdump` is for `pg_restore`. Nothing else is checked here; see [`verify`].
pub fn extract(file: &Path, dir: &Path) -> Result<Manifest, BackupError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    container::extract(file, dir, true).map(|(m, _)| m)
}

/// A scratch directory removed when dropped (with everything in it).
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh private directory under `parent` (the system's temporary directory when none).
pub(crate) fn scratch_dir(parent: Option<&Path>) -> Result<Scratch, BackupError> {
    let parent = match parent {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::temp_dir(),
    };
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| BackupError::Tool(format!("no randomness: {e}")))?;
    let dir = parent.join(format!(".adam-backup-scratch-{}", crate::hex::hex(&random)));
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(Scratch(dir))
}

/// The SHA-256 and size of a file, read in blocks.
pub(crate) fn digest_file(path: &Path) -> Result<(String, u64), BackupError> {
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((crate::hex::hex(&hasher.finalize()), size))
}

/// The newest schema version this build knows for `backend`.
pub(crate) fn known_schema(backend: &str) -> i64 {
    let list = if backend == "sqlite" {
        crate::migrate::SQLITE
    } else {
        crate::migrate::POSTGRES
    };
    list.iter().map(|m| m.version).max().unwrap_or(0)
}
