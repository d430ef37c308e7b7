//! The directory: offices, jobs, users and groups (SPEC §1).
//!
//! The organisation root `Company.main` is not an office record: it is the implicit parent of
//! every top-level office and, as an ACL entity, stands for everyone in the organisation.
//! Records are never deleted. A user is deactivated and a job or office invalidated instead,
//! in that order (the two-step deletion rule), so the audit trail can always name them.

use crate::ids::{GroupId, JobId, OfficeId, Revision, UserId};
use crate::text::{Code, Email, JobCode, Phone, SigningCode, Text, Username};
use serde::{Deserialize, Serialize};

/// An office (urad, oddelek): a node of the organisation tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Office {
    /// Id.
    pub id: OfficeId,
    /// Short code from the signing plan (`GLPI`, `UN`).
    pub code: Code,
    /// Full name ("Glavna pisarna – sprejemno informacijska služba").
    pub name: Text,
    /// The parent office; `None` for a top-level office under `Company.main`.
    pub parent: Option<OfficeId>,
    /// The office's signing code (`1000`), when the signing plan gives one.
    pub signing_code: Option<SigningCode>,
    /// Whether the office is valid. An office is invalidated, never deleted.
    pub valid: bool,
    /// The revision that last changed this record (its ETag).
    pub rev: Revision,
}

/// What a job is for. Creating an office creates its head and secretariat jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// The head of the office (`LEADER.<code>`, predstojnik).
    Head,
    /// The office's secretariat (`TAJNISTVO.<code>`, tajništvo).
    Secretariat,
    /// Any other job from the signing plan.
    Regular,
}

/// A job (delovno mesto): a position in an office. Permissions given to a job pass to whoever
/// occupies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// Job id from the signing plan (`LEADER.GLPI`), unique in the organisation.
    pub code: JobCode,
    /// Signing code (signirni znak, `1001`).
    pub signing_code: Option<SigningCode>,
    /// Name of the job.
    pub name: Text,
    /// The office the job belongs to.
    pub office: OfficeId,
    /// Head, secretariat or regular.
    pub kind: JobKind,
    /// Whether the job is valid. Invalidating is the second step of deletion.
    pub valid: bool,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// The kind of an account (004 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// The operator's system administrator: every power over the system, no view of any
    /// document or folder.
    Admin,
    /// A service account for back-end processing and bulk work; authenticates with a token.
    SystemUser,
    /// A person using the applications.
    User,
}

/// Gender as recorded in the directory (Spol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female (ženski).
    Female,
    /// Male (moški).
    Male,
    /// Another gender.
    Other,
    /// Not recorded.
    #[default]
    Unspecified,
}

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Username (`vopiglpi01`), unique, lower case.
    pub username: Username,
    /// Admin, system user or user.
    pub kind: AccountKind,
    /// Active, or inactive (logically deleted: decides nothing, kept for history).
    pub active: bool,
    /// Title (`doc.dr.`).
    pub title: Option<Text>,
    /// First name.
    pub first_name: Text,
    /// Last name.
    pub last_name: Text,
    /// Gender.
    pub gender: Gender,
    /// E-mail address, mandatory: password links are sent there.
    pub email: Email,
    /// Telephone number.
    pub phone: Option<Phone>,
    /// The jobs the user holds, in the order they were assigned.
    pub jobs: Vec<JobId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl User {
    /// "doc.dr. Aleksan Applet-Dolzinarjevic".
    pub fn display_name(&self) -> String {
        match &self.title {
            Some(t) => format!("{} {} {}", t, self.first_name, self.last_name),
            None => format!("{} {}", self.first_name, self.last_name),
        }
    }
}

/// A named group of users and jobs (skupina uporabnikov), usable as an ACL entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Group {
    /// Id.
    pub id: GroupId,
    /// Code, unique.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Users in the group, sorted.
    pub users: Vec<UserId>,
    /// Jobs in the group (their occupants are members), sorted.
    pub jobs: Vec<JobId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}
