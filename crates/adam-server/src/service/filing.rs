//! The records' changes: filing classes created and changed, folders and documents created,
//! moved along their workflow (notified, handed over, accepted, rejected, closed, reopened,
//! reclassified), and ACL entries added and removed.
//!
//! The API (`api/records.rs`) reads its JSON bodies and the acting job (`X-Acting-Job`) into
//! the plain values below and calls these functions, so what a change to a record *is* (which
//! `Command`, with which fields) is written once, for whichever door comes next. Who may make
//! it is the engine's question, asked by `AppState::execute`; hiding what a refusal would tell
//! a stranger (`records::conceal`) stays the adapter's, as does the order of its refusals.

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::*;

// ---- filing classes --------------------------------------------------------------------

/// A new filing class.
#[derive(Debug, Clone)]
pub struct NewClass {
    /// Code.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Parent (`None`: top of the plan).
    pub parent: Option<ClassId>,
}

/// Creates a filing class; its id.
pub async fn create_class(s: &AppState, caller: &Caller, input: NewClass) -> ApiResult<ClassId> {
    let command = Command::CreateClass {
        code: input.code,
        name: input.name,
        parent: input.parent,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// A filing class as it is to be, as a patch merged with what is stored.
#[derive(Debug, Clone)]
pub struct ClassChange {
    /// Name.
    pub name: Text,
    /// Parent (`None`: top of the plan).
    pub parent: Option<ClassId>,
}

impl ClassChange {
    /// The command that makes `class` so (the API's `http::update` runs it under If-Match).
    pub fn command(self, class: ClassId) -> Command {
        Command::UpdateClass {
            class,
            name: self.name,
            parent: self.parent,
        }
    }
}

// ---- folders and documents -------------------------------------------------------------

/// A new folder.
#[derive(Debug, Clone)]
pub struct NewFolder {
    /// Application.
    pub app: AppId,
    /// Filing class.
    pub class: ClassId,
    /// Title.
    pub title: Text,
    /// Classification.
    pub classification: Classification,
}

/// Creates a folder, acting through `job` when one is named; its id.
pub async fn create_folder(s: &AppState, caller: &Caller, job: Option<JobId>, input: NewFolder) -> ApiResult<FolderId> {
    let command = Command::NewFolder {
        app: input.app,
        class: input.class,
        title: input.title,
        classification: input.classification,
    };
    let plan = s.execute(caller, job, command).await?;
    crate::service::created(&plan)
}

/// Creates a document in `folder`, acting through `job` when one is named; its id.
pub async fn create_document(
    s: &AppState,
    caller: &Caller,
    job: Option<JobId>,
    folder: FolderId,
    title: Text,
    classification: Classification,
) -> ApiResult<DocumentId> {
    let command = Command::NewDocument {
        folder,
        title,
        classification,
    };
    let plan = s.execute(caller, job, command).await?;
    crate::service::created(&plan)
}

/// A step of a folder's or a document's workflow.
#[derive(Debug, Clone)]
pub enum Transition {
    /// Notifies jobs and people.
    Notify {
        /// Jobs.
        jobs: Vec<JobId>,
        /// People.
        users: Vec<UserId>,
    },
    /// Hands it over to another job.
    HandOver {
        /// The job that is to become responsible.
        to: JobId,
    },
    /// Accepts a hand-over.
    Accept,
    /// Rejects a hand-over.
    Reject,
    /// Closes it.
    Close,
    /// Reopens it.
    Reopen,
    /// Classifies it anew.
    Reclassify {
        /// The classification.
        classification: Classification,
        /// Why (recorded in the audit trail).
        reason: Text,
    },
}

impl Transition {
    /// The command that moves `object` so.
    pub fn command(self, object: ObjectRef) -> Command {
        match self {
            Transition::Notify { jobs, users } => Command::Notify { object, jobs, users },
            Transition::HandOver { to } => Command::HandOver { object, to },
            Transition::Accept => Command::Accept { object },
            Transition::Reject => Command::Reject { object },
            Transition::Close => Command::Close { object },
            Transition::Reopen => Command::Reopen { object },
            Transition::Reclassify { classification, reason } => Command::Reclassify {
                object,
                classification,
                reason,
            },
        }
    }
}

/// Moves a folder or a document along its workflow, acting through `job` when one is named.
pub async fn transition(
    s: &AppState,
    caller: &Caller,
    job: Option<JobId>,
    object: ObjectRef,
    step: Transition,
) -> ApiResult<Plan> {
    s.execute(caller, job, step.command(object)).await
}

// ---- ACL entries -----------------------------------------------------------------------

/// A new ACL entry on a carrier.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The class, folder or document carrying it.
    pub carrier: Carrier,
    /// `allowed` or `maxAllowed`.
    pub kind: AclKind,
    /// About whom.
    pub entity: Entity,
    /// The level for those who are the entity.
    pub value: Level,
    /// The level for the entity's office colleagues.
    pub group_value: Option<Level>,
    /// When it holds.
    pub window: Window,
}

/// Adds an ACL entry, acting through `job` when one is named; its id.
pub async fn add_entry(s: &AppState, caller: &Caller, job: Option<JobId>, input: NewEntry) -> ApiResult<EntryId> {
    let command = Command::AddEntry {
        carrier: input.carrier,
        kind: input.kind,
        entity: input.entity,
        value: input.value,
        group_value: input.group_value,
        window: input.window,
    };
    let plan = s.execute(caller, job, command).await?;
    crate::service::created(&plan)
}

/// Removes an ACL entry, acting through `job` when one is named.
pub async fn remove_entry(s: &AppState, caller: &Caller, job: Option<JobId>, entry: EntryId) -> ApiResult<Plan> {
    s.execute(caller, job, Command::RemoveEntry { entry }).await
}
