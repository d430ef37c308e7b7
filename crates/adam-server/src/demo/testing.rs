//! Helpers shared by the tests of this crate's modules: a fingerprint of a world and a real
//! SQLite store in a temporary directory.
//!
//! `fingerprint` is the test kit's (`adam-testkit`, a dev-dependency).

use adam_core::{Text, World};
use adam_store::{AuditRecord, Keyring, SqliteStore, Store, StoreError};

/// The fingerprint of a world, from the dev-only test kit (the same one every crate's tests use).
pub(crate) use adam_testkit::fingerprint;

/// A real SQLite store in a temporary directory, kept alive as long as the tests use it.
pub(crate) struct TestStore {
    store: std::sync::Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

impl TestStore {
    /// Loads the world as a cold start would.
    pub(crate) fn load(&self) -> Result<World, StoreError> {
        self.store.load()
    }

    /// The latest committed revision.
    pub(crate) fn latest_revision(&self) -> Result<adam_core::Revision, StoreError> {
        self.store.latest_revision()
    }

    /// The whole audit trail.
    pub(crate) fn audit(&self) -> Vec<AuditRecord> {
        self.store.audit_since(0, usize::MAX).unwrap()
    }
}

/// A server state over a fresh SQLite store, its clock set to `at`.
pub(crate) fn state(at: adam_core::Timestamp) -> (crate::AppState, std::sync::Arc<TestStore>) {
    let dir = tempfile::tempdir().unwrap();
    let keys = std::sync::Arc::new(Keyring::open(dir.path().join("audit-keys")).unwrap());
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(SqliteStore::open(dir.path().join("adam.db"), keys).unwrap());
    store
        .initialise(&Text::parse("organisation", super::data::ORGANISATION).unwrap())
        .unwrap();
    let state = crate::AppState::open(
        store.clone(),
        crate::Clock::Manual(std::sync::atomic::AtomicI64::new(at.0)),
        crate::Config::default(),
    )
    .unwrap();
    (state, std::sync::Arc::new(TestStore { store, _dir: dir }))
}
