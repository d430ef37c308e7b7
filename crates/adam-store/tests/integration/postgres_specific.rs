//! What only the PostgreSQL backend does: run from tokio's blocking threads, and report
//! connection problems without leaking the password.

use crate::backends::{Backend, Postgres, admin_url, with_database};
use crate::town::*;
use adam_core::*;
use adam_store::{AuditTrail, Keyring, PgStore, Store, StoreError, WorldStore};
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

/// A login role created for one test and dropped after it (roles belong to the cluster, not
/// to the test's database).
struct Role {
    admin: String,
    name: String,
}

impl Role {
    fn new() -> Role {
        let admin = admin_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("adam_runtime_{}_{nanos}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client.batch_execute(&format!("CREATE ROLE {name} LOGIN")).unwrap();
        Role { admin, name }
    }

    /// `url` with this role as its user.
    fn url(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        format!("{scheme}://{}@{host}", self.name)
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {}", self.name));
        }
    }
}

/// The two-role setup (issue #4: "the server's role has no UPDATE/DELETE on them"): the
/// owner migrates and grants; the store then works as a runtime role — changes, access
/// records, holds, the purge (through the owner's function), checkpoints, verify — and that
/// role, connected directly, can neither change nor delete the trail, nor switch off what
/// guards it.
#[test]
fn a_runtime_role_reads_and_appends_the_trail_but_cannot_change_it() {
    // Dropped after the database (locals drop in reverse order), which holds its grants.
    let role = Role::new();
    let db = Postgres::new();
    let runtime_url = role.url(&db.url);
    let s = PgStore::connect_with_owner(&runtime_url, &db.url, db.keys()).unwrap();
    let mut d = Driver::new(&s);
    let town = build(&mut d);
    let old = Timestamp(t(NOW).0 - 100 * 86_400);
    let access = |at: Timestamp, what: &str| adam_store::NewAudit {
        retention: adam_store::Retention::Access,
        context: context(Actor::user(town.ana), at),
        action: "document.open".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: 1,
            label: what.to_owned(),
        },
        before: None,
        after: None,
        outcome: "ok".to_owned(),
    };
    s.append_audit(&[access(old, "old"), access(t(NOW), "new")]).unwrap();
    let hold = s
        .audit_hold(
            &adam_store::Hold {
                id: 0,
                from_period: 1,
                through_period: 2,
                justification: "inspection".to_owned(),
                approved_by: town.ana,
                at: t(NOW),
                released: None,
                risk_assessment: None,
                grace_until: None,
                confirmed_by: None,
                confirmed_at: None,
            },
            &context(Actor::System, t(NOW)),
        )
        .unwrap();
    // The runtime role records the head's confirmation (migration 0012's grant).
    let confirmed = s
        .audit_confirm_hold(hold.id, town.bojan, &context(Actor::System, t(NOW)))
        .unwrap();
    assert_eq!(confirmed.confirmed_by, Some(town.bojan));
    s.audit_release_hold(hold.id, &context(Actor::System, t(NOW))).unwrap();
    let report = s.audit_purge(&context(Actor::System, t(NOW)), 90).unwrap();
    assert_eq!(report.records, 1);
    s.audit_checkpoint(t(NOW)).unwrap();
    let v = s.audit_verify().unwrap();
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.purged, 1);
    assert_eq!(s.load().unwrap().revision(), d.world.revision());

    let mut client = postgres::Client::connect(&runtime_url, postgres::NoTls).unwrap();
    for sql in [
        "UPDATE audit SET outcome = 'refused'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "UPDATE audit_chain SET chain = 'x'",
        "DELETE FROM audit_chain",
        "DELETE FROM audit_checkpoints",
        "DELETE FROM audit_purges",
        "UPDATE audit_holds SET justification = 'x'",
        "UPDATE audit_holds SET grace_until = 0",
        "UPDATE audit_holds SET risk_assessment = 7",
        "DELETE FROM audit_holds",
        "UPDATE changes SET action = 'x'",
        "DELETE FROM changes",
        "DELETE FROM audit_by_object",
        "DELETE FROM audit_by_actor",
        "DELETE FROM schema_migrations",
        "INSERT INTO schema_migrations VALUES (99, 'x', 0)",
        "ALTER TABLE audit DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_append_only ON audit",
        "DROP TABLE audit CASCADE",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION adam_audit_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END; $$",
    ] {
        let err = client
            .batch_execute(sql)
            .err()
            .unwrap_or_else(|| panic!("the runtime role could run {sql}"));
        let message = err.as_db_error().map(|e| e.message().to_owned()).unwrap_or_default();
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{sql}: {message}"
        );
    }
    // What the owner sees is untouched.
    assert!(s.audit_verify().unwrap().intact());
}
