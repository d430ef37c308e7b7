//! The production backend: PostgreSQL, shared by several ADAM servers.
//!
//! Uses the synchronous `postgres` client, which runs its own small tokio runtime per
//! connection. That is why the store is called from `spawn_blocking` threads (never directly on
//! an async worker, where starting that runtime would panic), and why a connection is always
//! dropped on a thread of its own: dropping a runtime inside an async context panics too, and
//! the last handle to the store may well be dropped there (a server shutting down).
//!
//! Several servers may write to one database. Every write transaction first takes a
//! transaction-scoped advisory lock, so commits, audit appends and token changes of all servers
//! are serialised: the audit sequence (`max(seq) + 1`) has no gaps and no duplicates, and a
//! second server committing the same revision waits for the first and then fails cleanly on the
//! change log's primary key ([`StoreError::RevisionTaken`]).
//!
//! TLS to the database is not supported yet (`NoTls`): run PostgreSQL on the same host or a
//! trusted network link.

use crate::StoreError;
use crate::keys::Keyring;
use crate::migrate;
use crate::pool::{Connection, Pool};
use crate::sql::{Backend, DbError, DbErrorKind, Row, RowFn, Tx, Val, Writes};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{IsolationLevel, NoTls, Statement};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections per server: one for the (single) writer, the rest for concurrent reads (a
/// follower's change-log reads, audit pages, token look-ups). Kept small because several
/// servers share the database's connection limit (100 by default).
const CONNECTIONS: usize = 4;
/// The advisory lock every write transaction takes ("ADAM" and 1).
const WRITE_LOCK: i64 = 0x4144_414D_0000_0001;
/// The advisory lock migrations take, so two servers starting together migrate once.
const MIGRATE_LOCK: i64 = 0x4144_414D_0000_0002;

/// The PostgreSQL store.
pub struct PgStore {
    location: String,
    pool: Pool<Conn>,
    /// The failpoint armed for the next write transaction (feature `failpoints`).
    fail_after: Mutex<Option<usize>>,
    /// The audit trail's keys, outside the database.
    pub(crate) keys: Arc<Keyring>,
    /// Audit records collected before their search keys are indexed (`audit::tail::INDEX_BATCH`).
    index_batch: std::sync::atomic::AtomicU64,
    /// Moves the search keys into the lookup tables a chunk per transaction (`audit/index.rs`).
    mover: Arc<crate::audit::index::Mover>,
    /// Records per epoch of the lookup tables (`audit::tail::EPOCH`).
    epoch: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("location", &self.location).finish()
    }
}

/// A connection and the statements prepared on it (the write path runs the same few
/// statements over and over; preparing each once saves a round trip per statement).
struct Conn {
    client: Option<postgres::Client>,
    statements: HashMap<&'static str, Statement>,
}

impl Connection for Conn {
    fn is_broken(&self) -> bool {
        self.client.as_ref().is_none_or(postgres::Client::is_closed)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // The client owns a tokio runtime; dropping one inside an async context panics, so
        // it is dropped on a thread of its own.
        if let Some(client) = self.client.take() {
            let dropper = std::thread::Builder::new()
                .name("adam-store-pg-drop".to_owned())
                .spawn(move || drop(client));
            if let Ok(handle) = dropper {
                let _ = handle.join();
            }
        }
    }
}

/// The URL with any password replaced, fit for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) if query.contains("password") => format!("{path}?***"),
        _ => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) and applies
    /// pending migrations. `keys` is the audit trail's key directory (outside the database).
    pub fn connect(url: &str, keys: Arc<Keyring>) -> Result<PgStore, StoreError> {
        let (config, location) = config_of(url)?;
        let mut first = connect(&config, &location)?;
        migrate(&mut first, &location)?;
        PgStore::with_pool(config, location, first, keys)
    }

    /// Connects as a runtime role that does not own ADAM's tables (two-role setup, see
    /// ARCHITECTURE.md "PostgreSQL roles"). First, as the owner at `owner_url`, applies pending
    /// migrations and grants the role of `url` what the server needs: every table but the
    /// trail's for reading and writing; the trail (`changes`, `audit*`) for reading and
    /// appending only, its retention purge through the owner's `adam_audit_purge`. The owner
    /// connection is then closed; the store works as the runtime role, which can neither
    /// change nor delete audit rows nor drop or disable the triggers that guard them.
    pub fn connect_with_owner(url: &str, owner_url: &str, keys: Arc<Keyring>) -> Result<PgStore, StoreError> {
        let (config, location) = config_of(url)?;
        let runtime = config.get_user().map(str::to_owned).ok_or_else(|| StoreError::Open {
            location: location.clone(),
            reason: "the URL names no user (the runtime role)".to_owned(),
        })?;
        {
            let (owner_config, owner_location) = config_of(owner_url)?;
            let mut owner = connect(&owner_config, &owner_location)?;
            migrate(&mut owner, &owner_location)?;
            let client = owner.client.as_mut().ok_or_else(closed)?;
            client
                .execute("SELECT adam_grant_runtime($1::text::name)", &[&runtime])
                .map_err(|e| StoreError::from(db_error(&e)))?;
        }
        let mut first = connect(&config, &location)?;
        check_schema(&mut first)?;
        PgStore::with_pool(config, location, first, keys)
    }

    /// The store on its first connection; seals TOTP seeds still stored in clear.
    fn with_pool(
        config: postgres::Config,
        location: String,
        first: Conn,
        keys: Arc<Keyring>,
    ) -> Result<PgStore, StoreError> {
        let for_pool = location.clone();
        let store = PgStore {
            pool: Pool::new(CONNECTIONS, first, Box::new(move || connect(&config, &for_pool))),
            location,
            fail_after: Mutex::new(None),
            keys,
            index_batch: std::sync::atomic::AtomicU64::new(crate::audit::tail::INDEX_BATCH),
            epoch: std::sync::atomic::AtomicU64::new(crate::audit::tail::EPOCH),
            mover: Arc::new(crate::audit::index::Mover::default()),
        };
        store.read(|tx| crate::authn::resolve_staged_totp(tx, &store.keys))?;
        if store.read(crate::authn::clear_totp)? > 0 {
            store.write(|tx, writes| crate::authn::seal_clear_totp(tx, &store.keys, writes))?;
        }
        Ok(store)
    }

    /// The database URL, without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Sets how many audit records collect in the unindexed tail before their search keys are
    /// moved into the lookup tables (default `65,536`). Searches give the same answers for
    /// any value; tests use small ones to cross the boundary often.
    pub fn set_audit_index_batch(&self, records: u64) {
        self.index_batch
            .store(records.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// Sets how many search keys a write transaction moves into the lookup tables and where a
    /// batch's plan is read (see [`crate::SqliteStore::set_audit_index_chunk`]).
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

    /// After a retention purge: `VACUUM` the payload table so the deleted rows' space is
    /// reclaimed now rather than whenever autovacuum comes by. (PostgreSQL's WAL segments and
    /// any WAL archive still hold the payloads until they are recycled: see ARCHITECTURE.md.)
    pub(crate) fn after_purge(&self) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            let client = conn.client.as_mut().ok_or_else(closed)?;
            client
                .batch_execute("VACUUM audit")
                .map_err(|e| StoreError::from(db_error(&e)))
        })
    }

    /// Runs `f` in a read-only repeatable-read transaction: one consistent snapshot.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.pool.with(|conn| read_on(conn, f))
    }

    /// Runs `f` in a read-only transaction on a connection outside the pool that reads the
    /// exported `snapshot` of another transaction (a worker of `verify`).
    pub(crate) fn read_beside(
        &self,
        snapshot: Option<&str>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.open_extra()?;
        let Conn { client, statements } = &mut conn;
        let client = client.as_mut().ok_or_else(closed)?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| StoreError::from(db_error(&e)))?;
        if let Some(id) = snapshot {
            // The identifier comes from the server (hex digits and dashes); checked all the same
            // before it is written into the statement, which takes no parameters.
            if !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
                return Err(StoreError::Database(format!(
                    "an unexpected snapshot identifier {id:?}"
                )));
            }
            tx.batch_execute(&format!("SET TRANSACTION SNAPSHOT '{id}'"))
                .map_err(|e| StoreError::from(db_error(&e)))?;
        }
        f(&mut PgTx {
            tx: &mut tx,
            statements,
        })?;
        tx.commit().map_err(|e| StoreError::from(db_error(&e)))
    }

    /// Runs `f` in a read-committed transaction holding the store's advisory lock; commits only
    /// on `Ok`. Read committed, so each statement after the lock sees what the previous holder
    /// committed.
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
            let Conn { client, statements } = conn;
            let client = client.as_mut().ok_or_else(closed)?;
            let mut tx = client.transaction().map_err(|e| StoreError::from(db_error(&e)))?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                .map_err(|e| StoreError::from(db_error(&e)))?;
            let mut writes = Writes::new(
                fail_after,
                self.index_batch.load(std::sync::atomic::Ordering::Relaxed),
                self.epoch.load(std::sync::atomic::Ordering::Relaxed),
            );
            writes.mover = Some(Arc::clone(&self.mover));
            // On error the transaction is dropped, which rolls it back.
            let out = f(
                &mut PgTx {
                    tx: &mut tx,
                    statements,
                },
                &mut writes,
            )?;
            tx.commit().map_err(|e| StoreError::from(db_error(&e)))?;
            if let Some(batch) = writes.plan_wanted {
                self.plan_index_move(batch, conn);
            }
            // See the SQLite backend: the next `audit_checkpoint` copies what this misses.
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

/// Runs `f` in a read-only repeatable-read transaction on `conn`: one consistent snapshot.
fn read_on<T>(conn: &mut Conn, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
    let Conn { client, statements } = conn;
    let client = client.as_mut().ok_or_else(closed)?;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| StoreError::from(db_error(&e)))?;
    let out = f(&mut PgTx {
        tx: &mut tx,
        statements,
    })?;
    tx.commit().map_err(|e| StoreError::from(db_error(&e)))?;
    Ok(out)
}

/// The client configuration of `url` (with ADAM's defaults) and the URL without password.
pub(crate) fn config_of(url: &str) -> Result<(postgres::Config, String), StoreError> {
    let location = redact(url);
    let mut config = postgres::Config::from_str(url).map_err(|e| StoreError::Open {
        location: location.clone(),
        reason: e.to_string(),
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("adam");
    }
    Ok((config, location))
}

/// A runtime role does not migrate: it checks that the owner has brought the schema to the
/// version this build knows.
fn check_schema(conn: &mut Conn) -> Result<(), StoreError> {
    let client = conn.client.as_mut().ok_or_else(closed)?;
    let applied: Option<i64> = client
        .query_one("SELECT max(version) FROM schema_migrations", &[])
        .map_err(|e| StoreError::from(db_error(&e)))?
        .get(0);
    let known = migrate::POSTGRES.last().map_or(0, |m| m.version);
    match applied.unwrap_or(0) {
        v if v > known => Err(StoreError::SchemaTooNew { found: v, known }),
        v if v < known => Err(StoreError::Database(format!(
            "the schema is at version {v}, this build needs {known}: run the migrations as the owner"
        ))),
        _ => Ok(()),
    }
}

fn closed() -> StoreError {
    StoreError::Database("the connection is closed".to_owned())
}

fn connect(config: &postgres::Config, location: &str) -> Result<Conn, StoreError> {
    let client = config.connect(NoTls).map_err(|e| StoreError::Open {
        location: location.to_owned(),
        reason: db_error(&e).message,
    })?;
    Ok(Conn {
        client: Some(client),
        statements: HashMap::new(),
    })
}

/// Applies pending migrations under the migration lock, refusing a database that holds ADAM's
/// tables without ADAM's bookkeeping.
fn migrate(conn: &mut Conn, location: &str) -> Result<(), StoreError> {
    let Conn { client, statements } = conn;
    let client = client.as_mut().ok_or_else(closed)?;
    for migration in migrate::POSTGRES {
        let mut tx = client.transaction().map_err(|e| StoreError::from(db_error(&e)))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(|e| StoreError::from(db_error(&e)))?;
        let row = tx
            .query_one(
                "SELECT count(*) FILTER (WHERE table_name = 'schema_migrations'), \
                 count(*) FILTER (WHERE table_name IN ('meta', 'changes', 'audit')) \
                 FROM information_schema.tables WHERE table_schema = current_schema()",
                &[],
            )
            .map_err(|e| StoreError::from(db_error(&e)))?;
        let (bookkeeping, tables): (i64, i64) = (row.get(0), row.get(1));
        if bookkeeping == 0 && tables > 0 {
            return Err(StoreError::NotAStore {
                location: location.to_owned(),
                reason: "it holds tables named like ADAM's but no ADAM schema".to_owned(),
            });
        }
        migrate::step(
            &mut PgTx {
                tx: &mut tx,
                statements,
            },
            migrate::POSTGRES_TABLE,
            migrate::POSTGRES,
            migration,
        )?;
        tx.commit().map_err(|e| StoreError::from(db_error(&e)))?;
    }
    // Migrations may have changed what cached statements refer to.
    statements.clear();
    Ok(())
}

pub(crate) fn db_error(e: &postgres::Error) -> DbError {
    let kind = match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => DbErrorKind::Unique,
        Some(c) if *c == SqlState::FOREIGN_KEY_VIOLATION => DbErrorKind::ForeignKey,
        _ => DbErrorKind::Other,
    };
    let message = match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => e.to_string(),
    };
    DbError { kind, message }
}

fn pg_param<'v>(v: &'v Val<'_>) -> &'v (dyn ToSql + Sync) {
    match v {
        Val::Int(i) => i,
        Val::Text(t) => t,
        Val::Bool(b) => b,
        Val::Json(j) => j,
        Val::Bytes(b) => b,
    }
}

struct PgTx<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl PgTx<'_, '_> {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(|e| db_error(&e))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

impl Tx for PgTx<'_, '_> {
    fn exec(&mut self, sql: &'static str, params: &[Val<'_>]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(pg_param).collect();
        self.tx.execute(&stmt, &params).map_err(|e| db_error(&e))
    }

    fn each(&mut self, sql: &'static str, params: &[Val<'_>], f: &mut RowFn<'_>) -> Result<(), StoreError> {
        let stmt = self.statement(sql)?;
        let mut rows = self
            .tx
            .query_raw(&stmt, params.iter().map(pg_param))
            .map_err(|e| db_error(&e))?;
        while let Some(row) = rows.next().map_err(|e| db_error(&e))? {
            f(&PgRow(&row))?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.tx.batch_execute(sql).map_err(|e| db_error(&e))
    }

    fn purges_through_function(&self) -> bool {
        true
    }

    fn export_snapshot(&mut self) -> Result<Option<String>, StoreError> {
        let row = self
            .tx
            .query_one("SELECT pg_export_snapshot()", &[])
            .map_err(|e| db_error(&e))?;
        Ok(Some(row.try_get(0).map_err(|e| column_error(0, e))?))
    }
}

struct PgRow<'r>(&'r postgres::Row);

fn column_error(i: usize, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {i}: {e}"))
}

impl Row for PgRow<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.0.try_get(i).map_err(|e| column_error(i, e))
    }

    fn text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        self.0.try_get(i).map_err(|e| column_error(i, e))
    }

    fn blob(&self, i: usize) -> Result<Option<&[u8]>, StoreError> {
        self.0.try_get(i).map_err(|e| column_error(i, e))
    }

    fn boolean(&self, i: usize) -> Result<bool, StoreError> {
        self.0.try_get(i).map_err(|e| column_error(i, e))
    }

    fn json(&self, i: usize) -> Result<Option<serde_json::Value>, StoreError> {
        self.0.try_get(i).map_err(|e| column_error(i, e))
    }
}

/// The shared logic's view of this backend (the inherent methods above do the work).
impl Backend for PgStore {
    const NAME: &'static str = "postgres";

    fn keyring(&self) -> &Keyring {
        &self.keys
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        PgStore::read(self, f)
    }

    fn read_beside(
        &self,
        snapshot: Option<&str>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        PgStore::read_beside(self, snapshot, f)
    }

    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx, &mut Writes) -> Result<T, StoreError>) -> Result<T, StoreError> {
        PgStore::write(self, f)
    }

    fn after_purge(&self) -> Result<(), StoreError> {
        PgStore::after_purge(self)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact("postgres://adam:s3cret@db.example:5432/adam"),
            "postgres://adam:***@db.example:5432/adam"
        );
        assert_eq!(redact("postgres://adam@db/adam"), "postgres://adam@db/adam");
        assert_eq!(
            redact("postgresql://db/adam?user=adam&password=s3cret"),
            "postgresql://db/adam?***"
        );
        assert_eq!(redact("postgres://db"), "postgres://db");
    }
}
