//! The two backends as the tests see them: a fresh, empty database per test.
//!
//! SQLite gets a new file in a temporary directory. PostgreSQL gets a new database on the
//! server named by `ADAM_TEST_PG_URL` (an administrator's URL such as
//! `postgres://postgres@127.0.0.1:5433/postgres`), dropped when the test ends. Without that
//! variable the PostgreSQL tests fail, loudly: a silent skip would let CI pass without ever
//! touching the backend production runs on.

use adam_store::{Keyring, PgStore, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh database and ways to open stores on it.
pub trait Backend {
    /// `sqlite` or `postgres`.
    fn name(&self) -> &'static str;
    /// A new store handle on the test's database (its own connections).
    fn open(&self) -> Box<dyn Store>;
    /// A new store handle that indexes audit search keys every `n` records (instead of
    /// every 65,536) into epochs of `3 n` records (instead of 262,144), so that tests cross
    /// the boundaries between tail and index and between epochs often.
    fn open_indexing_every(&self, n: u64) -> Box<dyn Store>;
    /// As [`Backend::open_indexing_every`], moving `chunk` keys per write transaction (a batch
    /// larger than a chunk then moves in steps behind the watermark, `audit/index.rs`), each
    /// batch's plan read right after the commit that asks for it.
    fn open_indexing_in_chunks(&self, n: u64, chunk: u64) -> Box<dyn Store>;
    /// A new store handle on the test's database with another key directory.
    fn open_with(&self, keys: Arc<Keyring>) -> Result<Box<dyn Store>, adam_store::StoreError>;
    /// A new store handle whose next write transaction fails after `n` table writes.
    fn open_failing(&self, n: usize) -> Box<dyn Store>;
    /// Runs one SQL statement directly on the database, bypassing the store.
    fn raw(&self, sql: &str) -> Result<(), String>;
    /// Runs a query returning one integer.
    fn count(&self, sql: &str) -> i64;
    /// The audit key directory the stores of this test use.
    fn keys_dir(&self) -> &Path;
    /// The store's location, as `adam_store::open` takes it.
    fn location(&self) -> String;
    /// A keyring on that directory.
    fn keys(&self) -> Arc<Keyring> {
        Arc::new(Keyring::open(self.keys_dir()).unwrap())
    }
}

pub struct Sqlite {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub keys: PathBuf,
}

impl Sqlite {
    pub fn new() -> Sqlite {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("adam.db");
        let keys = dir.path().join("audit-keys");
        Sqlite { _dir: dir, path, keys }
    }
}

impl Backend for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn open(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(&self.path, self.keys()).unwrap())
    }

    fn keys_dir(&self) -> &Path {
        &self.keys
    }

    fn location(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn open_indexing_every(&self, n: u64) -> Box<dyn Store> {
        let store = SqliteStore::open(&self.path, self.keys()).unwrap();
        store.set_audit_index_batch(n);
        store.set_audit_epoch(3 * n);
        Box::new(store)
    }

    fn open_indexing_in_chunks(&self, n: u64, chunk: u64) -> Box<dyn Store> {
        let store = SqliteStore::open(&self.path, self.keys()).unwrap();
        store.set_audit_index_batch(n);
        store.set_audit_epoch(3 * n);
        store.set_audit_index_chunk(chunk, false);
        Box::new(store)
    }

    fn open_with(&self, keys: Arc<Keyring>) -> Result<Box<dyn Store>, adam_store::StoreError> {
        Ok(Box::new(SqliteStore::open(&self.path, keys)?))
    }

    fn open_failing(&self, n: usize) -> Box<dyn Store> {
        let store = SqliteStore::open(&self.path, self.keys()).unwrap();
        store.fail_after(n);
        Box::new(store)
    }

    fn raw(&self, sql: &str) -> Result<(), String> {
        let conn = rusqlite::Connection::open(&self.path).map_err(|e| e.to_string())?;
        conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }
}

/// The administrator's URL from the environment, or a failure that says what to do.
pub fn admin_url() -> String {
    match std::env::var("ADAM_TEST_PG_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "ADAM_TEST_PG_URL is not set: the PostgreSQL half of adam-store's tests needs a server. \
             Start PostgreSQL and export an administrator's URL, e.g. \
             ADAM_TEST_PG_URL=postgres://postgres@127.0.0.1:5433/postgres"
        ),
    }
}

/// `url` pointing at database `db` instead.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

pub struct Postgres {
    admin: String,
    pub db: String,
    pub url: String,
    keys_dir: tempfile::TempDir,
}

impl Postgres {
    pub fn new() -> Postgres {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let admin = admin_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let db = format!(
            "adam_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach the server at ADAM_TEST_PG_URL: {e}"));
        client.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
        let url = with_database(&admin, &db);
        Postgres {
            admin,
            db,
            url,
            keys_dir: tempfile::tempdir().unwrap(),
        }
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db));
        }
    }
}

impl Backend for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn open(&self) -> Box<dyn Store> {
        Box::new(PgStore::connect(&self.url, self.keys()).unwrap())
    }

    fn keys_dir(&self) -> &Path {
        self.keys_dir.path()
    }

    fn location(&self) -> String {
        self.url.clone()
    }

    fn open_indexing_every(&self, n: u64) -> Box<dyn Store> {
        let store = PgStore::connect(&self.url, self.keys()).unwrap();
        store.set_audit_index_batch(n);
        store.set_audit_epoch(3 * n);
        Box::new(store)
    }

    fn open_indexing_in_chunks(&self, n: u64, chunk: u64) -> Box<dyn Store> {
        let store = PgStore::connect(&self.url, self.keys()).unwrap();
        store.set_audit_index_batch(n);
        store.set_audit_epoch(3 * n);
        store.set_audit_index_chunk(chunk, false);
        Box::new(store)
    }

    fn open_with(&self, keys: Arc<Keyring>) -> Result<Box<dyn Store>, adam_store::StoreError> {
        Ok(Box::new(PgStore::connect(&self.url, keys)?))
    }

    fn open_failing(&self, n: usize) -> Box<dyn Store> {
        let store = PgStore::connect(&self.url, self.keys()).unwrap();
        store.fail_after(n);
        Box::new(store)
    }

    fn raw(&self, sql: &str) -> Result<(), String> {
        self.client().batch_execute(sql).map_err(|e| {
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned())
        })
    }

    fn count(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }
}

#[test]
fn test_urls_point_at_the_fresh_database() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5433/postgres", "x"),
        "postgres://postgres@127.0.0.1:5433/x"
    );
    assert_eq!(
        with_database("postgresql://u:p@h/db?sslmode=disable", "x"),
        "postgresql://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h:5432", "x"), "postgres://h:5432/x");
}
