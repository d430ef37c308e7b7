//! The record seam: what every kind of record the world keeps has in common, and the table
//! that stores one kind.
//!
//! A [`Record`] knows its object type ([`EntityKind`]), its id, its revision and the label the
//! audit trail and the "last change" panel show. A [`Table`] keeps the records of one kind in
//! a vector addressed by id — the storage the decision engine's hot paths read — and answers
//! "the record with this id, or the refusal naming the unknown id" once for every kind. What
//! is written once over these: the before/after of a change (`World::describe`), "unchanged →
//! refused" ([`unchanged_refused`]) and the look-ups by id.

use super::{Node, World};
use crate::acl::AclEntry;
use crate::directory::{Group, Job, Office, User};
use crate::error::{
    AclError, ContinuityError, DirectoryError, Error, FilingError, ProcessError, RaciError, RegisterError, RoleError,
};
use crate::ids::*;
use crate::kind::EntityKind;
use crate::process::{Case, ProcessDefinition};
use crate::raci::RaciMatrix;
use crate::records::{Carrier, Document, FilingClass, Folder};
use crate::register::continuity::{Bia, ContinuityPlan, ContinuityTest, PlanReview, RiskAcceptance, Subject};
use crate::register::decree_roles::RoleHolder;
use crate::register::integrity::{Baseline, Comparison};
use crate::register::inventory::{InventoryItem, ItemLink};
use crate::register::review::{AccessReview, FollowUp};
use crate::register::risk::RiskAssessment;
use crate::register::scheme::ClassScheme;
use crate::register::solution::Solution;
use crate::roles::{Application, Grant, Grantee, Role};
use serde::Serialize;
use std::ops::{Deref, DerefMut};

/// A kind of record the world keeps and the change log carries.
pub trait Record: Clone + PartialEq + Serialize {
    /// Its object type, as the audit trail names it.
    const KIND: EntityKind;
    /// Its id type.
    type Id: RecordId;
    /// Its id.
    fn id(&self) -> Self::Id;
    /// The revision that last changed it.
    fn rev(&self) -> Revision;
    /// The same record stamped with another revision.
    fn with_rev(self, rev: Revision) -> Self;
    /// The refusal for an id that names no such record (`UnknownOffice`).
    fn unknown(id: Self::Id) -> Error;
    /// What the audit trail and the "last change" panel call it (`1001 - LEADER.GLPI`); the
    /// world names the records it refers to.
    fn label(&self, world: &World) -> String;
    /// The record with this id in `world`.
    fn find(world: &World, id: Self::Id) -> Result<&Self, Error>;
}

/// `new`, unless it equals `old` but for its revision: then the command changes nothing and
/// is refused with `unchanged` ("the office already has these data").
pub(crate) fn unchanged_refused<R: Record>(old: &R, new: R, unchanged: &'static str) -> Result<R, Error> {
    if new.clone().with_rev(old.rev()) == *old {
        Err(Error::NoChange(unchanged))
    } else {
        Ok(new)
    }
}

/// What one slot of a [`Table`] holds: the record itself, a record with the ACL it carries,
/// or a removable record (`None` once removed).
pub(crate) trait Slot {
    /// The record kind.
    type Rec: Record;
    /// The record, unless removed.
    fn rec(&self) -> Option<&Self::Rec>;
}

/// The records of one kind, addressed by id. It dereferences to its vector so the indexes'
/// code reads and writes it as before; the look-up by id is written once here.
#[derive(Clone, Debug)]
pub(crate) struct Table<S>(Vec<S>);

impl<S> Default for Table<S> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<S: Slot> Table<S> {
    /// The record with this id, or the refusal naming the unknown id.
    #[inline]
    pub(crate) fn find(&self, id: <S::Rec as Record>::Id) -> Result<&S::Rec, Error> {
        match self.0.get(RecordId::index(id)).and_then(Slot::rec) {
            Some(r) => Ok(r),
            None => Err(S::Rec::unknown(id)),
        }
    }
}

impl<S> Deref for Table<S> {
    type Target = Vec<S>;
    fn deref(&self) -> &Vec<S> {
        &self.0
    }
}

impl<S> DerefMut for Table<S> {
    fn deref_mut(&mut self) -> &mut Vec<S> {
        &mut self.0
    }
}

impl<R: Record> Slot for Node<R> {
    type Rec = R;
    #[inline]
    fn rec(&self) -> Option<&R> {
        Some(&self.rec)
    }
}

impl Slot for Option<Grant> {
    type Rec = Grant;
    #[inline]
    fn rec(&self) -> Option<&Grant> {
        self.as_ref()
    }
}

/// Implements [`Record`] (and [`Slot`] for records stored bare) for one kind.
macro_rules! record {
    ($rec:ty, $kind:ident, $id:ty, $unknown:path, $table:ident, bare, |$r:ident, $w:ident| $label:expr) => {
        impl Slot for $rec {
            type Rec = $rec;
            #[inline]
            fn rec(&self) -> Option<&$rec> {
                Some(self)
            }
        }
        record!($rec, $kind, $id, $unknown, |w, id| w.$table.find(id), |$r, $w| {
            $label
        });
    };
    ($rec:ty, $kind:ident, $id:ty, $unknown:path, bare, |$fw:ident, $fid:ident| $find:expr, |$r:ident, $w:ident| $label:expr) => {
        impl Slot for $rec {
            type Rec = $rec;
            #[inline]
            fn rec(&self) -> Option<&$rec> {
                Some(self)
            }
        }
        record!($rec, $kind, $id, $unknown, |$fw, $fid| $find, |$r, $w| $label);
    };
    ($rec:ty, $kind:ident, $id:ty, $unknown:path, $table:ident, |$r:ident, $w:ident| $label:expr) => {
        record!($rec, $kind, $id, $unknown, |w, id| w.$table.find(id), |$r, $w| {
            $label
        });
    };
    ($rec:ty, $kind:ident, $id:ty, $unknown:path, |$fw:ident, $fid:ident| $find:expr, |$r:ident, $w:ident| $label:expr) => {
        impl Record for $rec {
            const KIND: EntityKind = EntityKind::$kind;
            type Id = $id;
            #[inline]
            fn id(&self) -> $id {
                self.id
            }
            fn rev(&self) -> Revision {
                self.rev
            }
            fn with_rev(self, rev: Revision) -> Self {
                Self { rev, ..self }
            }
            fn unknown(id: $id) -> Error {
                Error::from($unknown(id))
            }
            fn label(&self, world: &World) -> String {
                let ($r, $w) = (self, world);
                $label
            }
            #[inline]
            fn find($fw: &World, $fid: $id) -> Result<&Self, Error> {
                $find
            }
        }
    };
}

record!(
    Office,
    Office,
    OfficeId,
    DirectoryError::UnknownOffice,
    offices,
    bare,
    |o, _w| format!("{} – {}", o.code, o.name)
);
record!(
    Job,
    Job,
    JobId,
    DirectoryError::UnknownJob,
    jobs,
    bare,
    |j, _w| match &j.signing_code {
        Some(s) => format!("{s} - {}", j.code),
        None => j.code.to_string(),
    }
);
record!(User, User, UserId, DirectoryError::UnknownUser, users, bare, |u, w| {
    let offices: Vec<String> = u
        .jobs
        .iter()
        .filter_map(|j| w.job(*j).ok())
        .filter_map(|j| w.office(j.office).ok())
        .map(|o| o.code.to_string())
        .collect();
    if offices.is_empty() {
        u.display_name()
    } else {
        format!("{} ({})", u.display_name(), offices.join(", "))
    }
});
record!(
    Group,
    Group,
    GroupId,
    DirectoryError::UnknownGroup,
    groups,
    bare,
    |g, _w| format!("{} – {}", g.code, g.name)
);
record!(
    Application,
    Application,
    AppId,
    RoleError::UnknownApplication,
    apps,
    bare,
    |a, _w| format!("{} – {}", a.code, a.name)
);
record!(Role, Role, RoleId, RoleError::UnknownRole, roles, bare, |r, _w| r
    .code
    .to_string());
record!(Grant, Grant, GrantId, RoleError::UnknownGrant, grants, |g, w| {
    let role = w
        .role(g.role)
        .map_or_else(|_| g.role.to_string(), |r| r.code.to_string());
    let to = match g.grantee {
        Grantee::User(u) => w.user(u).map_or_else(|_| u.to_string(), |r| r.username.to_string()),
        Grantee::Job(j) => w.job(j).map_or_else(|_| j.to_string(), |r| r.code.to_string()),
        Grantee::Office(o) => w
            .office(o)
            .map_or_else(|_| o.to_string(), |r| format!("office {}", r.code)),
        Grantee::Everyone => "everyone".to_owned(),
    };
    format!("{role} → {to}")
});
record!(
    FilingClass,
    Class,
    ClassId,
    FilingError::UnknownClass,
    classes,
    |c, _w| format!("{} – {}", c.code, c.name)
);
record!(
    Folder,
    Folder,
    FolderId,
    FilingError::UnknownFolder,
    folders,
    |f, _w| f.title.to_string()
);
record!(
    Document,
    Document,
    DocumentId,
    FilingError::UnknownDocument,
    documents,
    |d, _w| d.title.to_string()
);
record!(
    AclEntry,
    AclEntry,
    EntryId,
    AclError::UnknownEntry,
    |w, id| w.entry(id),
    |e, w| format!("{e} on {}", carrier_label(w, e.carrier))
);

record!(
    InventoryItem,
    InventoryItem,
    ItemId,
    RegisterError::UnknownItem,
    bare,
    |w, id| w.reg.items.find(id),
    |i, _w| format!("{} – {}", i.fields.code, i.fields.name)
);
record!(
    ItemLink,
    InventoryLink,
    LinkId,
    RegisterError::UnknownLink,
    |w, id| w.reg.links.find(id),
    |l, w| {
        let code = |id: ItemId| {
            w.item(id)
                .map_or_else(|_| id.to_string(), |i| i.fields.code.to_string())
        };
        format!("{} {} {}", code(l.system), l.relation.as_str(), code(l.asset))
    }
);
record!(
    RoleHolder,
    DecreeRole,
    HolderId,
    RegisterError::UnknownHolder,
    bare,
    |w, id| w.reg.holders.find(id),
    |h, w| {
        let who = w
            .user(h.user)
            .map_or_else(|_| h.user.to_string(), |u| u.username.to_string());
        format!("{} – {who}", h.role.as_str())
    }
);
record!(
    ClassScheme,
    ClassScheme,
    SchemeId,
    RegisterError::UnknownScheme,
    |w, id| if id == SchemeId(0) {
        Ok(&w.reg.scheme)
    } else {
        Err(Error::from(RegisterError::UnknownScheme(id)))
    },
    |s, _w| format!("{} v{}", s.regulation, s.version)
);

record!(
    AccessReview,
    AccessReview,
    ReviewId,
    RegisterError::UnknownReview,
    bare,
    |w, id| w.reg.reviews.find(id),
    |r, w| {
        let system = w
            .item(r.system)
            .map_or_else(|_| r.system.to_string(), |i| i.fields.code.to_string());
        format!("{} ({system}, {})", r.reference(), r.due)
    }
);
record!(
    FollowUp,
    RightsFollowUp,
    FollowUpId,
    RegisterError::UnknownFollowUp,
    bare,
    |w, id| w.reg.follow_ups.find(id),
    |f, w| {
        let who = w
            .user(f.user)
            .map_or_else(|_| f.user.to_string(), |u| u.username.to_string());
        format!("follow-up#{} – {who}", f.id.0)
    }
);

record!(
    RiskAssessment,
    RiskAssessment,
    RiskId,
    RegisterError::UnknownRisk,
    bare,
    |w, id| w.reg.risks.find(id),
    |r, _w| format!("{} – {}", r.fields.date, r.fields.scope)
);
record!(
    Baseline,
    IntegrityBaseline,
    BaselineId,
    RegisterError::UnknownBaseline,
    bare,
    |w, id| w.reg.integrity.baselines.find(id),
    |b, w| {
        let server = w
            .item(b.server)
            .map_or_else(|_| b.server.to_string(), |i| i.fields.code.to_string());
        format!("{server} baseline {}", b.id.0)
    }
);
record!(
    Comparison,
    IntegrityComparison,
    ComparisonId,
    RegisterError::UnknownComparison,
    bare,
    |w, id| w.reg.integrity.comparisons.find(id),
    |c, w| {
        let server = w
            .item(c.server)
            .map_or_else(|_| c.server.to_string(), |i| i.fields.code.to_string());
        format!("{server} scan {}", c.id.0)
    }
);

record!(
    ProcessDefinition,
    ProcessDefinition,
    DefinitionId,
    ProcessError::UnknownDefinition,
    bare,
    |w, id| w.reg.process.definitions.find(id),
    |d, _w| format!("{} v{}", d.definition.key, d.definition.version)
);
record!(
    Solution,
    Solution,
    SolutionId,
    RegisterError::UnknownSolution,
    bare,
    |w, id| w.reg.solutions.find(id),
    |s, _w| format!("{} – {}", s.fields.codename, s.fields.name)
);
record!(
    Case,
    ProcessCase,
    CaseId,
    ProcessError::UnknownCase,
    bare,
    |w, id| w.reg.process.cases.find(id),
    |c, _w| format!("{} – {}", c.reference(), c.title)
);

record!(
    RaciMatrix,
    RaciMatrix,
    RaciMatrixId,
    RaciError::UnknownMatrix,
    bare,
    |w, id| w.reg.raci.matrices.find(id),
    |m, _w| format!("RACI {} ({})", m.solution, m.template)
);

record!(
    ContinuityPlan,
    ContinuityPlan,
    ContinuityPlanId,
    ContinuityError::UnknownPlan,
    bare,
    |w, id| w.reg.continuity.plans.find(id),
    |p, _w| format!("continuity plan {} ({})", p.id.0, p.fields.adopted)
);
record!(
    PlanReview,
    PlanReview,
    PlanReviewId,
    ContinuityError::UnknownPlanReview,
    bare,
    |w, id| w.reg.continuity.reviews.find(id),
    |r, _w| format!(
        "plan review {} ({}, {})",
        r.id.0,
        r.fields.date,
        r.fields.trigger.as_str()
    )
);
record!(
    Bia,
    Bia,
    BiaId,
    ContinuityError::UnknownBia,
    bare,
    |w, id| w.reg.continuity.bias.find(id),
    |b, w| {
        let system = w
            .item(b.system)
            .map_or_else(|_| b.system.to_string(), |i| i.fields.code.to_string());
        format!("{system} BIA")
    }
);
record!(
    ContinuityTest,
    ContinuityTest,
    ContinuityTestId,
    ContinuityError::UnknownTest,
    bare,
    |w, id| w.reg.continuity.tests.find(id),
    |t, w| {
        let subject = match t.fields.subject {
            Subject::System(s) => w.item(s).map_or_else(|_| s.to_string(), |i| i.fields.code.to_string()),
            Subject::Adam => "ADAM".to_owned(),
        };
        format!("{subject} {} {}", t.fields.kind.as_str(), t.id.0)
    }
);
record!(
    RiskAcceptance,
    RiskAcceptance,
    AcceptanceId,
    ContinuityError::UnknownAcceptance,
    bare,
    |w, id| w.reg.continuity.acceptances.find(id),
    |a, w| {
        let system = w
            .item(a.fields.system)
            .map_or_else(|_| a.fields.system.to_string(), |i| i.fields.code.to_string());
        format!("{system} risk acceptance {}", a.id.0)
    }
);

impl Slot for Option<ItemLink> {
    type Rec = ItemLink;
    #[inline]
    fn rec(&self) -> Option<&ItemLink> {
        self.as_ref()
    }
}

/// How an ACL entry's carrier is named in the entry's label.
fn carrier_label(w: &World, carrier: Carrier) -> String {
    match carrier {
        Carrier::Class(c) => w
            .class(c)
            .map_or_else(|_| c.to_string(), |r| format!("class {}", r.code)),
        Carrier::Folder(f) => w
            .folder(f)
            .map_or_else(|_| f.to_string(), |r| format!("folder \"{}\"", r.title)),
        Carrier::Document(d) => w
            .document(d)
            .map_or_else(|_| d.to_string(), |r| format!("document \"{}\"", r.title)),
    }
}
