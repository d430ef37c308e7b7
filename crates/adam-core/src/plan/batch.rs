//! Planning a batch: several commands as one change (an import).

use super::Draft;
use crate::admin::Actor;
use crate::command::Command;
use crate::error::{Error, RoleError};
use crate::event::Event;
use crate::ids::*;
use crate::time::Timestamp;
use crate::world::World;

impl World {
    /// Plans each command on a scratch copy of the world, in order, and gathers their events.
    /// The copy costs one clone of the world: batches are for imports, not hot paths.
    pub(super) fn plan_batch(&self, actor: &Actor, commands: Vec<Command>, at: Timestamp) -> Result<Draft, Error> {
        if commands.is_empty() {
            return Err(Error::NoChange("the batch is empty"));
        }
        let mut scratch = self.clone();
        let mut events = Vec::new();
        let mut changes = Vec::new();
        for (index, command) in commands.into_iter().enumerate() {
            if matches!(command, Command::Batch { .. }) {
                return Err(Error::BatchItem {
                    index,
                    error: Box::new(Error::Roles(RoleError::RoleShape(
                        "a batch cannot contain another batch",
                    ))),
                });
            }
            let plan = scratch.plan(actor, command, at).map_err(|error| Error::BatchItem {
                index,
                error: Box::new(error),
            })?;
            events.extend(plan.events.iter().cloned());
            changes.extend(plan.changes.iter().cloned());
            scratch.commit(plan).map_err(|error| Error::BatchItem {
                index,
                error: Box::new(error),
            })?;
        }
        // Every record of the batch carries the batch's revision.
        let rev = self.revision.next();
        for event in &mut events {
            set_rev(event, rev);
        }
        let mut draft = Draft::new(events);
        // Each step is described against the state the steps before it left, so a record
        // touched twice shows both changes.
        draft.changes = Some(changes);
        Ok(draft)
    }
}

/// `set_rev`, its register arms from the register list (`event::register_kinds!`).
macro_rules! set_rev {
    ($( $(#[$doc:meta])* $var:ident($payload:ty): $rec:ty = $kind:ident, )*) => {
        /// Stamps a record with the revision that writes it.
        fn set_rev(event: &mut Event, rev: Revision) {
            match event {
                Event::Settings(_) | Event::GrantRemoved(_) | Event::EntryRemoved(_) | Event::LinkRemoved(_) => {}
                Event::Office(r) => r.rev = rev,
                Event::Job(r) => r.rev = rev,
                Event::User(r) => r.rev = rev,
                Event::Group(r) => r.rev = rev,
                Event::Application(r) => r.rev = rev,
                Event::Role(r) => r.rev = rev,
                Event::Grant(r) => r.rev = rev,
                Event::Class(r) => r.rev = rev,
                Event::Folder(r) => r.rev = rev,
                Event::Document(r) => r.rev = rev,
                Event::Entry(r) => r.rev = rev,
                $( Event::$var(r) => r.rev = rev, )*
            }
        }
    };
}
crate::event::register_kinds!(set_rev);
