//! Records: the filing plan, folders and documents, and their workflow attributes (SPEC §3.1).

use crate::ids::{AppId, ClassId, DocumentId, FolderId, JobId, Revision, UserId};
use crate::level::Classification;
use crate::text::{Code, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A class of the filing plan (načrt razvrščanja gradiva). ACL entries on a class apply to
/// every folder and document filed under it or under its sub-classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FilingClass {
    /// Id.
    pub id: ClassId,
    /// Classification code (`350-05`), unique.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Parent class, `None` at the top of the plan.
    pub parent: Option<ClassId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// Where a folder or document is in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectState {
    /// Being worked on by its responsible job.
    Open,
    /// Handed over to a recipient who has not yet accepted or rejected it.
    HandedOver,
    /// Closed: read-only for all but holders of a higher ceiling; reopened by the main office.
    Closed,
}

/// Who created a record: the user and the job they acted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Creator {
    /// The person.
    pub user: UserId,
    /// The job they acted in; the `[creator]` ACL entity resolves to this job, so the right
    /// follows the desk, not a person who has since moved on.
    pub job: JobId,
}

/// The workflow attributes shared by folders and documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Workflow {
    /// State.
    pub state: ObjectState,
    /// Creator (user and job).
    pub creator: Creator,
    /// The job that holds the edit right (`[responsible]`, odgovoren).
    pub responsible: Option<JobId>,
    /// The previous responsible (`[sender]`, pošiljatelj).
    pub sender: Option<JobId>,
    /// The next responsible, while handed over (`[recipient]`, prejemnik).
    pub recipient: Option<JobId>,
}

/// A folder (case file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Folder {
    /// Id.
    pub id: FolderId,
    /// The application owning it.
    pub app: AppId,
    /// Its class in the filing plan.
    pub class: ClassId,
    /// Title.
    pub title: Text,
    /// Security classification; `z` is its secrecy level.
    pub classification: Classification,
    /// Workflow attributes.
    pub workflow: Workflow,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// A document inside a folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Document {
    /// Id.
    pub id: DocumentId,
    /// The folder it belongs to.
    pub folder: FolderId,
    /// Title.
    pub title: Text,
    /// Its own classification. A document is held to the higher of its own and its folder's.
    pub classification: Classification,
    /// Workflow attributes.
    pub workflow: Workflow,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// A folder or a document: the objects decisions are made on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum ObjectRef {
    /// A folder.
    Folder(FolderId),
    /// A document.
    Document(DocumentId),
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Folder(id) => id.fmt(f),
            ObjectRef::Document(id) => id.fmt(f),
        }
    }
}

/// Which kind of object a listing asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Folders.
    Folder,
    /// Documents.
    Document,
}

/// What carries an ACL entry: a filing class, a folder or a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Carrier {
    /// A class of the filing plan (applies to everything filed under it).
    Class(ClassId),
    /// A folder (applies to the folder and its documents).
    Folder(FolderId),
    /// A document.
    Document(DocumentId),
}

impl From<ObjectRef> for Carrier {
    fn from(o: ObjectRef) -> Carrier {
        match o {
            ObjectRef::Folder(f) => Carrier::Folder(f),
            ObjectRef::Document(d) => Carrier::Document(d),
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Carrier::Class(id) => id.fmt(f),
            Carrier::Folder(id) => id.fmt(f),
            Carrier::Document(id) => id.fmt(f),
        }
    }
}
