//! # adam-core
//!
//! ADAM's domain and decision engine, with no I/O: the directory (offices, jobs, users,
//! groups), applications, roles and time-limited grants, the filing plan, folders and
//! documents with their ACL entries, the workflow transitions of the seed's Diagram 1, and the
//! questions asked of them — `check`, `explain`, `lookup`, `who`, `check_role`.
//!
//! The whole state is a [`World`]. It changes only by committing a [`Plan`] made from a
//! [`Command`] (or by applying [`Event`]s from a change log); every commit is a new
//! [`Revision`]. Decisions never read a clock: the caller passes the instant (`at`), which is
//! what makes "as of" questions and deterministic tests possible.
//!
//! ```
//! use adam_core::*;
//! let mut w = World::new(Text::parse("organisation", "Mestna občina").unwrap());
//! let now = Timestamp::parse("2026-01-05").unwrap();
//! w.execute(&Actor::System, Command::Initialise, now).unwrap();
//! assert_eq!(w.revision(), Revision(1));
//! ```

pub mod acl;
pub mod admin;
pub mod attachment;
pub mod calendar;
pub mod change;
pub mod command;
pub mod decision;
pub mod directory;
pub mod error;
pub mod error_words;
pub mod event;
pub mod ids;
pub mod kind;
pub mod lang;
pub mod level;
pub mod membership;
mod parse;
mod plan;
pub mod process;
pub mod query;
pub mod raci;
pub mod records;
pub mod register;
pub mod rights;
pub mod roles;
#[cfg(feature = "schema")]
mod schema;
pub mod settings;
pub mod text;
pub mod time;
pub mod world;

pub use acl::{AclEntry, AclKind, Entity};
pub use admin::{Actor, Authority};
pub use calendar::{LocalDate, LocalTime};
pub use change::{AuditObject, ObjectChange};
pub use command::{Command, Created, CreatedId};
pub use decision::{Contribution, Decision, Rule, Session, Source, SystemName, TierCeiling};
pub use directory::{AccountKind, Gender, Group, Job, JobKind, Office, User};
pub use error::{
    AclError, AuthorityError, Category, ContinuityError, DirectoryError, Error, FilingError, ProcessError, RaciError,
    RegisterError, RoleError, StateError, ValueError, ValueProblem,
};

pub use event::{CHANGE_LOG_FORMAT, ChangeSet, Event, REGISTER_KINDS, decode_events};
pub use ids::*;
pub use kind::{EntityKind, UnknownEntityKind};
pub use level::{Classification, Level, SecurityClass};
pub use membership::{Matched, Membership};
pub use plan::Plan;
pub use query::{MAX_PAGE, Page};
pub use records::{Carrier, Creator, Document, FilingClass, Folder, ObjectKind, ObjectRef, ObjectState, Workflow};
pub use rights::{LoggedChange, RightEntry, Via};
pub use roles::{Application, Grant, Grantee, Role, RoleKind, SystemPower};
pub use settings::Settings;
pub use text::{Code, Email, JobCode, Phone, RoleCode, SigningCode, Text, Username};
pub use time::{Timestamp, Window, WindowStatus};
pub use world::{Record, World};
