//! The test databases: a fresh one per test on either backend, its audit keys, the store and
//! the state a test server runs on, and the tampering a test plays against it.

use super::{Backend, NOW};
use adam_server::{AppState, Clock, Config};
use adam_store::Store;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

/// A fresh, empty database for the backend; returns its location.
pub fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite:{}", dir.join("adam.db").display()),
        Backend::Postgres => {
            let admin = std::env::var("ADAM_TEST_PG_URL").expect(
                "ADAM_TEST_PG_URL is not set: PostgreSQL tests need a server (the CI script starts one and sets it)",
            );
            let name = format!("adam_api_{}", unique());
            let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to ADAM_TEST_PG_URL");
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the test database");
            with_database(&admin, &name)
        }
    }
}

/// The URL of another database on the same server.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..path_start])
}

fn unique() -> String {
    let mut bytes = [0u8; 6];
    getrandom_fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn getrandom_fill(bytes: &mut [u8]) {
    use std::time::{SystemTime, UNIX_EPOCH};
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() ^ (std::process::id() as u128) << 64;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as u128;
    let mut x = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in bytes.iter_mut() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *b = (x >> 64) as u8;
    }
}

/// The audit key directory of a test database: one per location, so that servers sharing a
/// database share its keys (as a deployment must).
pub fn keys_dir(location: &str) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    location.hash(&mut h);
    std::env::temp_dir()
        .join("adam-test-keys")
        .join(format!("{}-{:016x}", std::process::id(), h.finish()))
}

/// Opens a store (on a blocking thread: the PostgreSQL client blocks).
pub async fn open(location: &str) -> Arc<dyn Store> {
    let location = location.to_owned();
    tokio::task::spawn_blocking(move || {
        let keys = Arc::new(adam_store::Keyring::open(keys_dir(&location)).unwrap());
        Arc::from(adam_store::open(&location, keys).unwrap())
    })
    .await
    .unwrap()
}

/// Sign-in settings for tests: plain-HTTP cookies on loopback, cheap Argon2 (the tests check
/// behaviour, not cost), e-mail to `mail` if given.
pub fn test_auth(mail: Option<adam_server::mail::MailConfig>) -> adam_server::login::AuthConfig {
    adam_server::login::AuthConfig {
        secure_cookies: false,
        hash_params: adam_auth::hash::HashParams::new(1024, 1, 1).unwrap(),
        mail,
        ..adam_server::login::AuthConfig::default()
    }
}

/// The state of a test server: a manual clock at [`NOW`] and a quick follower.
pub async fn state_on(store: Arc<dyn Store>) -> AppState {
    state_with(store, test_auth(None)).await
}

/// [`state_on`] with given sign-in settings.
pub async fn state_with(store: Arc<dyn Store>, auth: adam_server::login::AuthConfig) -> AppState {
    let config = Config {
        follow_every: std::time::Duration::from_millis(50),
        revision_wait: std::time::Duration::from_millis(400),
        auth,
        ..Config::default()
    };
    AppState::load(store, Clock::Manual(AtomicI64::new(NOW)), config)
        .await
        .unwrap()
}

/// Deletes the audit records after `keep` and every checkpoint in the database, bypassing the
/// triggers as a database superuser could: what someone hiding their tracks would do.
pub fn cut_tail(backend: Backend, location: &str, keep: u64) {
    let sql = format!(
        "DELETE FROM audit WHERE seq > {keep}; DELETE FROM audit_chain WHERE seq > {keep}; DELETE FROM audit_checkpoints;"
    );
    match backend {
        Backend::Sqlite => {
            let path = location.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA foreign_keys = OFF; DROP TRIGGER audit_delete_only_by_purge; \
                 DROP TRIGGER audit_chain_append_only_delete; DROP TRIGGER audit_checkpoints_append_only_delete; {sql}"
            ))
            .unwrap();
        }
        Backend::Postgres => {
            let mut client = postgres::Client::connect(location, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!("SET session_replication_role = replica; {sql}"))
                .unwrap();
        }
    }
}
