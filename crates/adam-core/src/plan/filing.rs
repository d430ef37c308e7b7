//! Planning the filing plan: its classes. (Folders and documents are opened by the workflow,
//! `workflow.rs`.)

use super::Draft;
use crate::admin::Actor;
use crate::command::Created;
use crate::error::{Error, FilingError};
use crate::event::Event;
use crate::ids::*;
use crate::records::FilingClass;
use crate::text::{Code, Text};
use crate::time::Timestamp;
use crate::world::{World, unchanged_refused};

impl World {
    /// Adds a class to the filing plan.
    pub(super) fn plan_create_class(
        &self,
        actor: &Actor,
        code: Code,
        name: Text,
        parent: Option<ClassId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_full(actor, at, "edit the filing plan")?;
        self.code_free(&self.idx.class_code, code.as_str(), "filing class")?;
        if let Some(p) = parent {
            self.class(p)?;
        }
        let id = ClassId(self.classes.len() as u32);
        Ok(Draft::new(vec![Event::Class(FilingClass {
            id,
            code,
            name,
            parent,
            rev,
        })])
        .created(Created::Class(id)))
    }

    /// Renames or moves a filing class.
    pub(super) fn plan_update_class(
        &self,
        actor: &Actor,
        class: ClassId,
        name: Text,
        parent: Option<ClassId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.class(class)?;
        self.require_full(actor, at, "edit the filing plan")?;
        if let Some(p) = parent {
            self.class(p)?;
            if self.class_within(p, class) {
                return Err(Error::Filing(FilingError::ClassCycle { class, parent: p }));
            }
        }
        let new = FilingClass {
            name,
            parent,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the class already has these data")?;
        Ok(Draft::new(vec![Event::Class(new)]))
    }
}
