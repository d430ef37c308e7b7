//! The embedded backend: one SQLite file in the data directory.
//!
//! Connection settings, and why:
//! - `journal_mode=WAL`: readers (a cold load, an audit page) never block the writer and the
//!   writer never blocks them; a read transaction sees a consistent snapshot.
//! - `synchronous=FULL`: every commit is on disk when `commit` returns. With WAL, `NORMAL`
//!   would be faster but may lose the last commits on a power cut; the audit trail and the
//!   change log are what ADAM must never lose, and changes are rare enough (people editing the
//!   directory and running workflows) that an fsync per commit costs nothing visible.
//! - `foreign_keys=ON`: the tables refer to each other as the engine's records do.
//! - `secure_delete=ON`: deleted rows (revoked tokens later, audit rows past retention) are
//!   overwritten, not left readable in free pages (SPEC §5 retention: irreversibly deleted).
//! - `cache_size` 32 MiB, `wal_autocheckpoint` 4,096 pages, `mmap_size` 1 GiB: for the audit
//!   trail's batches and `verify` (see the constants). The store's own connections hand their
//!   checkpoints to a thread instead (`wal.rs`), so no commit waits for one.
//! - `busy_timeout`: a second writer (another connection, another process on the same file)
//!   waits for the first instead of failing at once.
//!
//! Every write transaction starts with `BEGIN IMMEDIATE`, taking SQLite's single write lock
//! before reading anything; that is what serialises commits and audit sequence numbers.

use crate::StoreError;
use crate::audit::index::Mover;
use crate::keys::Keyring;
use crate::migrate;
use crate::pool::{Connection, Pool};
use crate::sql::{Backend, DbError, DbErrorKind, Row, RowFn, Tx, Val, Writes};
use crate::wal::{Checkpointer, Reporter};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{ErrorCode, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections kept open: one writer at a time plus concurrent readers (a load, audit pages,
/// token look-ups). SQLite serialises the writers itself.
const CONNECTIONS: usize = 4;
/// The page cache of each connection, in KiB (SQLite's negative form): 32 MiB instead of the
/// default 2 MiB, so that moving a batch of audit search keys into their lookup tables
/// (`trail::index_tail`) finds the index pages in memory instead of reading each from the file.
/// Allocated as used, at most 4 × 32 MiB.
const CACHE_SIZE: &str = "-32768";
/// Pages of WAL after which a commit copies it back into the database: 4,096 (16 MiB) instead
/// of 1,000, so a page written by several commits in a row is copied once.
const WAL_AUTOCHECKPOINT: &str = "4096";
/// Bytes of the database file read through a memory map instead of `pread` (1 GiB of
/// address space, not of memory): `verify` reads the whole trail, and copying every page out
/// of the kernel's cache was a tenth of its time. Writes still go through the WAL. The known
/// cost: an I/O error while reading a mapped page kills the process (SIGBUS) instead of
/// failing the statement.
const MMAP_SIZE: &str = "1073741824";
/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    pool: Pool<Conn>,
    /// The failpoint armed for the next write transaction (feature `failpoints`).
    fail_after: Mutex<Option<usize>>,
    /// The audit trail's keys, outside the database.
    pub(crate) keys: Arc<Keyring>,
    /// Audit records collected before their search keys are indexed (`audit::tail::INDEX_BATCH`).
    index_batch: std::sync::atomic::AtomicU64,
    /// Records per epoch of the lookup tables (`audit::tail::EPOCH`).
    epoch: std::sync::atomic::AtomicU64,
    /// Moves the search keys into the lookup tables a chunk per transaction (`audit/index.rs`).
    mover: Arc<Mover>,
    /// Copies the WAL back into the file, off the commit path (`wal.rs`). Declared after the
    /// pool: dropped (its thread joined) once the pooled connections are closed.
    checkpointer: Checkpointer,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish()
    }
}

struct Conn(rusqlite::Connection);

impl Connection for Conn {
    fn is_broken(&self) -> bool {
        false
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store file at `path` and applies pending migrations.
    /// `keys` is the audit trail's key directory (outside the database).
    pub fn open(path: impl AsRef<Path>, keys: Arc<Keyring>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut first = connect(&path)?;
        migrate(&mut first, &path)?;
        let checkpointer = Checkpointer::start(connect(&path)?.0);
        let reporter = checkpointer.reporter();
        report_commits(&mut first, reporter.as_ref(), &path)?;
        let for_pool = path.clone();
        let store = SqliteStore {
            pool: Pool::new(
                CONNECTIONS,
                first,
                Box::new(move || {
                    let mut conn = connect(&for_pool)?;
                    report_commits(&mut conn, reporter.as_ref(), &for_pool)?;
                    Ok(conn)
                }),
            ),
            path,
            fail_after: Mutex::new(None),
            keys,
            index_batch: std::sync::atomic::AtomicU64::new(crate::audit::tail::INDEX_BATCH),
            epoch: std::sync::atomic::AtomicU64::new(crate::audit::tail::EPOCH),
            mover: Arc::new(Mover::default()),
            checkpointer,
        };
        store.read(|tx| crate::authn::resolve_staged_totp(tx, &store.keys))?;
        if store.read(crate::authn::clear_totp)? > 0 {
            store.write(|tx, writes| crate::authn::seal_clear_totp(tx, &store.keys, writes))?;
            // The clear seeds must not survive in old WAL frames either.
            store.after_purge()?;
        }
        Ok(store)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets how many audit records collect in the unindexed tail before their search keys are
    /// moved into the lookup tables (default `65,536`). Searches give the same answers for
    /// any value; tests use small ones to cross the boundary often.
    pub fn set_audit_index_batch(&self, records: u64) {
        self.index_batch
            .store(records.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// How many audit records collect in the unindexed tail before they are moved.
    pub fn audit_index_batch(&self) -> u64 {
        self.index_batch.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets how many search keys a write transaction moves into the lookup tables (default
    /// 2,048; a batch no larger is moved whole) and whether a batch's plan is read on a thread
    /// of its own (`true`, the default) or right after the commit that asks for it (tests:
    /// every step deterministic). Searches give the same answers for any values.
    pub fn set_audit_index_chunk(&self, records: u64, beside: bool) {
        self.mover.configure(records, beside);
    }

    /// Reads and sorts the keys of the batch `(from, through]` (`audit/index.rs`) outside the
    /// write lock.
    fn plan_index_move(&self, batch: (u64, u64), conn: &mut Conn) {
        crate::audit::index::plan_after_commit(
            &self.mover,
            batch,
            self.epoch.load(std::sync::atomic::Ordering::Relaxed),
            conn,
            || self.pool.open_extra(),
            |conn, mover, (from, through, epoch)| read_on(conn, |tx| mover.prepare(tx, from, through, epoch)),
        );
    }

    /// For benchmarks: makes every commit that finds the WAL past its threshold copy it back
    /// itself (`true`), as SQLite's automatic checkpoint does, instead of the store's
    /// checkpoint thread (`false`, the default; `wal.rs`).
    pub fn set_inline_checkpoints(&self, inline: bool) {
        self.checkpointer.set_inline(inline);
    }

    /// Sets the epoch of the audit lookup tables (default 262,144 records). For tests of a
    /// fresh store only: the purge finds a record's keys by the epoch its writes used, so a
    /// store must keep one value for its lifetime (searches are right for any value).
    pub fn set_audit_epoch(&self, records: u64) {
        self.epoch.store(records.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// Makes the next write transaction fail after `n` table writes, then roll back (tests of
    /// the all-or-nothing write path).
    #[cfg(feature = "failpoints")]
    pub fn fail_after(&self, n: usize) {
        *self
            .fail_after
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(n);
    }

    /// After a retention purge: copies the WAL into the database and truncates it, so the
    /// deleted payloads (already zeroed in their pages by `secure_delete`) do not survive in
    /// old WAL frames.
    pub(crate) fn after_purge(&self) -> Result<(), StoreError> {
        // A reader in the middle of a snapshot keeps the WAL busy; it finishes within
        // milliseconds. If the WAL is still busy after the retries, the frames stay until the
        // next checkpoint that succeeds (the daily purge tries again); the payloads themselves
        // are already deleted and their pages zeroed.
        for attempt in 0..20 {
            let busy = self.pool.with(|conn| {
                Ok(conn
                    .0
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0))
                    .unwrap_or(1))
            })?;
            if busy == 0 {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10 * (attempt + 1)));
        }
        Ok(())
    }

    /// Runs `f` in a read transaction: one consistent snapshot of the file.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.pool.with(|conn| read_on(conn, f))
    }

    /// Runs `f` in a read transaction on a connection outside the pool (a worker of `verify`;
    /// SQLite has no snapshot to share, see `verify::Beside`).
    pub(crate) fn read_beside(
        &self,
        _snapshot: Option<&str>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.open_extra()?;
        read_on(&mut conn, f)
    }

    /// Runs `f` in a write transaction holding SQLite's write lock; commits only on `Ok`.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Tx, &mut Writes) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let fail_after = self
            .fail_after
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        self.pool.with(|conn| {
            let tx = conn
                .0
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| StoreError::from(db_error(e)))?;
            let mut writes = Writes::new(
                fail_after,
                self.index_batch.load(std::sync::atomic::Ordering::Relaxed),
                self.epoch.load(std::sync::atomic::Ordering::Relaxed),
            );
            writes.mover = Some(Arc::clone(&self.mover));
            // On error the transaction is dropped, which rolls it back.
            let out = f(&mut SqliteTx { conn: &tx }, &mut writes)?;
            tx.commit().map_err(|e| StoreError::from(db_error(e)))?;
            if let Some(batch) = writes.plan_wanted {
                self.plan_index_move(batch, conn);
            }
            // The database holds the checkpoints already; a failure to copy them to the
            // external file is made good by the next `audit_checkpoint`, which copies every
            // checkpoint the file lacks.
            let _ = self.keys.append_checkpoints(&writes.checkpoints);
            // The head kept outside the database (`keys/head.rs`): written after the commit, so it
            // never names a record that was not committed; a failure leaves it lagging, which
            // `verify` accepts.
            if let Some((seq, chain, at)) = writes.head {
                let _ = self.keys.record_head(seq, &chain, at);
            }
            Ok(out)
        })
    }
}

/// Runs `f` in a read transaction on `conn`: one consistent snapshot of the file.
fn read_on<T>(conn: &mut Conn, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
    let tx = conn
        .0
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .map_err(|e| StoreError::from(db_error(e)))?;
    let out = f(&mut SqliteTx { conn: &tx })?;
    tx.commit().map_err(|e| StoreError::from(db_error(e)))?;
    Ok(out)
}

fn open_error(path: &Path, e: &rusqlite::Error) -> StoreError {
    let location = path.display().to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotAStore {
            location,
            reason: "the file is not a SQLite database".to_owned(),
        },
        _ => StoreError::Open {
            location,
            reason: e.to_string(),
        },
    }
}

/// Opens one connection with the settings described in the module documentation.
fn connect(path: &Path) -> Result<Conn, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| open_error(path, &e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open_error(path, &e))?;
    // The first statement reads the file header: a file that is not a database fails here.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(|e| open_error(path, &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Open {
            location: path.display().to_string(),
            reason: format!("the file cannot use write-ahead logging (journal mode {mode})"),
        });
    }
    for (pragma, value) in [
        ("synchronous", "FULL"),
        ("foreign_keys", "ON"),
        ("secure_delete", "ON"),
        ("cache_size", CACHE_SIZE),
        ("wal_autocheckpoint", WAL_AUTOCHECKPOINT),
        ("mmap_size", MMAP_SIZE),
    ] {
        conn.pragma_update(None, pragma, value)
            .map_err(|e| open_error(path, &e))?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(Conn(conn))
}

/// Hands a pooled connection's checkpoints to the store's thread (`wal.rs`); without a
/// thread the connection keeps SQLite's automatic checkpoint.
fn report_commits(conn: &mut Conn, reporter: Option<&Reporter>, path: &Path) -> Result<(), StoreError> {
    match reporter {
        Some(reporter) => reporter.install(&mut conn.0).map_err(|e| open_error(path, &e)),
        None => Ok(()),
    }
}

/// Applies pending migrations, refusing a file that holds someone else's tables.
fn migrate(conn: &mut Conn, path: &Path) -> Result<(), StoreError> {
    let count = |sql: &str| -> Result<i64, StoreError> {
        conn.0
            .query_row(sql, [], |row| row.get(0))
            .map_err(|e| open_error(path, &e))
    };
    let tables = count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
    let ours = count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")?;
    if tables > 0 && ours == 0 {
        return Err(StoreError::NotAStore {
            location: path.display().to_string(),
            reason: "the database holds tables but no ADAM schema".to_owned(),
        });
    }
    for migration in migrate::SQLITE {
        let tx = conn
            .0
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from(db_error(e)))?;
        migrate::step(
            &mut SqliteTx { conn: &tx },
            migrate::SQLITE_TABLE,
            migrate::SQLITE,
            migration,
        )?;
        tx.commit().map_err(|e| StoreError::from(db_error(e)))?;
    }
    Ok(())
}

fn db_error(e: rusqlite::Error) -> DbError {
    let kind = match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => match f.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                DbErrorKind::Unique
            }
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => DbErrorKind::ForeignKey,
            _ => DbErrorKind::Other,
        },
        _ => DbErrorKind::Other,
    };
    DbError {
        kind,
        message: e.to_string(),
    }
}

impl rusqlite::ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Int(v) => v.map_or(ToSqlOutput::from(rusqlite::types::Null), ToSqlOutput::from),
            Val::Text(v) => v.map_or(ToSqlOutput::from(rusqlite::types::Null), ToSqlOutput::from),
            Val::Bool(v) => ToSqlOutput::from(*v),
            Val::Bytes(v) => ToSqlOutput::from(*v),
            Val::Json(v) => match v {
                Some(json) => ToSqlOutput::from(json.to_string()),
                None => ToSqlOutput::from(rusqlite::types::Null),
            },
        })
    }
}

/// The shared SQL uses PostgreSQL's `$n`; SQLite reads the same numbered parameter as `?n`.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

struct SqliteTx<'c> {
    conn: &'c rusqlite::Connection,
}

impl Tx for SqliteTx<'_> {
    fn exec(&mut self, sql: &'static str, params: &[Val<'_>]) -> Result<u64, DbError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_error)?;
        let n = stmt.execute(rusqlite::params_from_iter(params)).map_err(db_error)?;
        Ok(n as u64)
    }

    fn each(&mut self, sql: &'static str, params: &[Val<'_>], f: &mut RowFn<'_>) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_error)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(db_error)?;
        while let Some(row) = rows.next().map_err(db_error)? {
            f(&SqliteRow(row))?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(db_error)
    }
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>);

fn column_error(i: usize, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {i}: {e}"))
}

impl Row for SqliteRow<'_, '_> {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        // `get_ref` reads the value once; `get` would also ask for its type and convert.
        match self.0.get_ref(i).map_err(|e| column_error(i, e))? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(v) => Ok(Some(v)),
            other => Err(column_error(
                i,
                format!("expected an integer, found {:?}", other.data_type()),
            )),
        }
    }

    fn text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        match self.0.get_ref(i).map_err(|e| column_error(i, e))? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => std::str::from_utf8(bytes).map(Some).map_err(|e| column_error(i, e)),
            other => Err(column_error(i, format!("expected text, found {:?}", other.data_type()))),
        }
    }

    fn bytes(&self, i: usize) -> Result<Option<&[u8]>, StoreError> {
        match self.0.get_ref(i).map_err(|e| column_error(i, e))? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => Ok(Some(bytes)),
            other => Err(column_error(i, format!("expected text, found {:?}", other.data_type()))),
        }
    }

    fn blob(&self, i: usize) -> Result<Option<&[u8]>, StoreError> {
        match self.0.get_ref(i).map_err(|e| column_error(i, e))? {
            ValueRef::Null => Ok(None),
            ValueRef::Blob(bytes) => Ok(Some(bytes)),
            other => Err(column_error(
                i,
                format!("expected a blob, found {:?}", other.data_type()),
            )),
        }
    }

    fn boolean(&self, i: usize) -> Result<bool, StoreError> {
        self.0.get(i).map_err(|e| column_error(i, e))
    }

    fn json(&self, i: usize) -> Result<Option<serde_json::Value>, StoreError> {
        self.text(i)?
            .map(|s| serde_json::from_str(s).map_err(|e| column_error(i, e)))
            .transpose()
    }
}

/// The shared logic's view of this backend (the inherent methods above do the work).
impl Backend for SqliteStore {
    const NAME: &'static str = "sqlite";

    fn keyring(&self) -> &Keyring {
        &self.keys
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        SqliteStore::read(self, f)
    }

    fn read_beside(
        &self,
        snapshot: Option<&str>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        SqliteStore::read_beside(self, snapshot, f)
    }

    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx, &mut Writes) -> Result<T, StoreError>) -> Result<T, StoreError> {
        SqliteStore::write(self, f)
    }

    fn after_purge(&self) -> Result<(), StoreError> {
        SqliteStore::after_purge(self)
    }
}
