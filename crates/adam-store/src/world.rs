//! The world and its change log, as the rest of ADAM asks for them ([`WorldStore`]): the
//! role of the store that `load.rs` (the cold start) and `write.rs` (the write path, the change
//! log's reads) implement for both backends.

use crate::audit::AuditContext;
use crate::sql::Backend;
use crate::{StoreError, load, write};
use adam_core::{ChangeSet, LoggedChange, Plan, Revision, Text, Timestamp, World};

/// The world and its history: the organisation's records as they are now, the change log
/// they were built by, and the world as it was at an instant. Every change is one
/// [`commit`](WorldStore::commit) of a planned change, in one transaction with its audit records.
pub trait WorldStore {
    /// Records the organisation's name in an empty store; returns `false` (and changes
    /// nothing) when the store is already initialised.
    fn initialise(&self, organisation: &Text) -> Result<bool, StoreError>;

    /// Loads the whole world at the latest revision ([`StoreError::NotInitialised`] when empty).
    fn load(&self) -> Result<World, StoreError>;

    /// Persists a planned change in one transaction: the revision, the tables, the change log
    /// and one audit record per [`adam_core::ObjectChange`].
    fn commit(&self, plan: &Plan, context: &AuditContext) -> Result<(), StoreError>;

    /// The latest committed revision (0 when nothing has been committed).
    fn latest_revision(&self) -> Result<Revision, StoreError>;

    /// Change sets after `after`, in order, at most `limit` of them.
    fn changes_since(&self, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError>;

    /// The change log with each revision's instant and actor (for the access-rights register).
    fn change_log(&self, after: Revision, limit: usize) -> Result<Vec<LoggedChange>, StoreError>;

    /// The world as it stood at an instant, rebuilt from the change log.
    fn world_at(&self, at: Timestamp) -> Result<World, StoreError>;
}

impl<B: Backend> WorldStore for B {
    fn initialise(&self, organisation: &Text) -> Result<bool, StoreError> {
        self.write(|tx, _| write::initialise(tx, organisation))
    }

    fn load(&self) -> Result<World, StoreError> {
        self.read(load::load)
    }

    fn commit(&self, plan: &Plan, context: &AuditContext) -> Result<(), StoreError> {
        self.write(|tx, writes| write::commit(tx, self.keyring(), plan, context, writes))
    }

    fn latest_revision(&self) -> Result<Revision, StoreError> {
        self.read(write::latest_revision)
    }

    fn changes_since(&self, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError> {
        self.read(|tx| write::changes_since(tx, after, limit))
    }

    fn change_log(&self, after: Revision, limit: usize) -> Result<Vec<LoggedChange>, StoreError> {
        self.read(|tx| write::change_log(tx, after, limit))
    }

    fn world_at(&self, at: Timestamp) -> Result<World, StoreError> {
        self.read(|tx| write::world_at(tx, at))
    }
}
