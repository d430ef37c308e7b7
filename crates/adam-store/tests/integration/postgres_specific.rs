//! What only the PostgreSQL backend does: run from tokio's blocking threads, and report
//! connection problems without leaking the password.

use crate::backends::{Backend, Postgres, admin_url, with_database};
use crate::town::*;
use adam_core::*;
use adam_store::{Keyring, PgStore, Store, StoreError};
use std::sync::Arc;

/// The server calls the store from `spawn_blocking` on a multi-thread runtime. The `postgres`
/// client runs a runtime of its own: it must neither panic there ("cannot start a runtime from
/// within a runtime") nor when the last handle is dropped inside an async task.
#[test]
fn works_from_spawn_blocking_on_a_multi_thread_runtime() {
    let db = Postgres::new();
    let url = db.url.clone();
    let keys = db.keys();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store: Arc<dyn Store> =
            tokio::task::spawn_blocking(move || Arc::from(adam_store::open(&url, keys).unwrap()))
                .await
                .unwrap();
        let s = store.clone();
        let revision = tokio::task::spawn_blocking(move || {
            s.initialise(&org()).unwrap();
            let mut world = s.load().unwrap();
            let plan = world.plan(&Actor::System, Command::Initialise, t(NOW)).unwrap();
            s.commit(&plan, &context(Actor::System, t(NOW))).unwrap();
            world.commit(plan).unwrap();
            world.revision()
        })
        .await
        .unwrap();
        assert_eq!(revision, Revision(1));
        // Several blocking calls at once share the pool.
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let s = store.clone();
                tokio::task::spawn_blocking(move || s.load().unwrap().revision())
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), Revision(1));
        }
        // The last handle goes away on an async worker thread.
        drop(store);
    });
    drop(runtime);
    drop(db);
}

#[test]
fn an_unreachable_server_is_an_open_error_without_the_password() {
    // Port 1 on the loopback: nothing listens there.
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(Keyring::open(dir.path()).unwrap());
    let err = PgStore::connect("postgres://adam:s3cret@127.0.0.1:1/adam?connect_timeout=2", keys).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let message = err.to_string();
    assert!(!message.contains("s3cret"), "{message}");
    assert!(message.contains("adam:***@127.0.0.1:1"), "{message}");
}

#[test]
fn a_missing_database_is_an_open_error() {
    let url = with_database(&admin_url(), "adam_no_such_database");
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(Keyring::open(dir.path()).unwrap());
    let err = adam_store::open(&url, keys).err().unwrap();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("adam_no_such_database"), "{err}");
}

#[test]
fn two_servers_starting_together_migrate_once() {
    let db = Postgres::new();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = db.url.clone();
            let keys = db.keys();
            std::thread::spawn(move || PgStore::connect(&url, keys).map(drop))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let row = client
        .query_one("SELECT count(*), max(version) FROM schema_migrations", &[])
        .unwrap();
    let (n, last): (i64, i64) = (row.get(0), row.get(1));
    assert!(last >= 3);
    assert_eq!(n, last, "each migration once");
}
