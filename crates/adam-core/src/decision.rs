//! The decision (SPEC §3.4): what level a user has on a folder or document at an instant.
//!
//! 1. Collect the entries valid at `t` on the object, its folder (for a document), its filing
//!    class and that class's ancestors — each of these is a *tier*. Dynamic entities resolve
//!    against the object carrying the entry.
//! 2. `allowed` = the highest level among matching `allowed` entries of every tier and among
//!    application roles with an application-wide level; nothing matching gives 0.
//! 3. Within a tier the ceiling is the highest matching `maxAllowed`; a tier with none sets no
//!    ceiling; across tiers the lowest ceiling applies.
//! 4. `effective = min(allowed, ceiling)`.
//! 5. Mandatory rules override: inactive account, `admin` account, clearance below the
//!    object's confidentiality, and Z3/C3 without a multi-factor session.
//!
//! [`World::check`] and [`World::explain`] run the same function; `check` passes a tracer
//! that records nothing and lets the evaluation skip entries that cannot change the answer.

use crate::acl::{AclEntry, AclKind, Entity};
use crate::directory::AccountKind;
use crate::error::{DirectoryError, Error, FilingError, StateError};
use crate::ids::{AppId, EntryId, ItemId, JobId, Revision, RoleId, UserId};
use crate::lang::Lang;
use crate::level::{Classification, Level, SecurityClass};
use crate::membership::{Matched, Membership, Principal, Target};
use crate::records::{Carrier, ObjectRef, Workflow};
use crate::time::Timestamp;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// What the engine knows about the session asking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Session {
    /// Whether the session was authenticated with a second factor (or stepped up).
    pub mfa: bool,
}

impl Session {
    /// A session authenticated with a second factor.
    pub const MFA: Session = Session { mfa: true };
    /// A session authenticated with a password only.
    pub const PASSWORD: Session = Session { mfa: false };
}

/// A mandatory rule that overrode the ACL (SPEC §3.4 step 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// The account is inactive.
    InactiveAccount,
    /// `admin` accounts never reach folders or documents.
    AdminAccount,
    /// The user's clearance is below the object's confidentiality.
    Clearance {
        /// The object's confidentiality class.
        required: SecurityClass,
        /// The user's clearance.
        held: SecurityClass,
    },
    /// The object is Z3 or C3, or its application's information system handles Z3 or C3 data
    /// (Art. 53(1): local access too), and the session has no second factor.
    MfaRequired {
        /// The level the user will have once they step up.
        level_with_mfa: Level,
        /// The information system that demands it, when the object itself is below Z3/C3.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        system: Option<ItemId>,
    },
}

/// Where a matching source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Source {
    /// An ACL entry.
    Entry {
        /// The entry.
        entry: EntryId,
        /// What carries it.
        carrier: Carrier,
        /// `allowed` or `maxAllowed`.
        kind: AclKind,
        /// Its entity as written.
        entity: Entity,
        /// For a dynamic entity, the job it resolved to on its carrier.
        #[serde(skip_serializing_if = "Option::is_none")]
        resolved: Option<JobId>,
    },
    /// An application role that gives a level on every object of its application.
    ApplicationRole {
        /// The role.
        role: RoleId,
        /// Its application.
        app: AppId,
    },
}

/// One thing that matched, with the level it gives and why the user matched it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contribution {
    /// The entry or role.
    pub source: Source,
    /// The level it gives (value or group value).
    pub level: Level,
    /// As the entity, or as a colleague.
    pub matched: Matched,
    /// Why the user matches.
    pub how: Membership,
}

/// The ceiling one tier sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TierCeiling {
    /// The tier.
    pub carrier: Carrier,
    /// The highest matching `maxAllowed` of the tier.
    pub ceiling: Level,
    /// Every matching `maxAllowed` of the tier.
    pub entries: Vec<Contribution>,
}

/// A decision with everything that decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Who.
    pub user: UserId,
    /// On what.
    pub object: ObjectRef,
    /// As of when.
    pub at: Timestamp,
    /// Against which revision of the state.
    pub revision: Revision,
    /// The effective level.
    pub level: Level,
    /// The highest level granted before ceilings.
    pub allowed: Level,
    /// The ceiling across tiers, if any tier set one.
    pub ceiling: Option<Level>,
    /// The mandatory rule that overrode the ACL, if any.
    pub rule: Option<Rule>,
    /// The classification the object is held to (a document: the higher of its own and its
    /// folder's).
    pub classification: Classification,
    /// Every matching `allowed` entry and application role.
    pub grants: Vec<Contribution>,
    /// The ceilings, tier by tier (only tiers with a matching `maxAllowed`).
    pub ceilings: Vec<TierCeiling>,
    /// The information system named by [`Rule::MfaRequired`], with its code and name as they
    /// were when the decision was made — so the summary names it (`VOPI-SYS – Sistem VOPI`)
    /// without a world to look it up in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_system: Option<SystemName>,
}

/// An information system as a decision names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SystemName {
    /// The inventory item.
    pub id: ItemId,
    /// Its code (`VOPI-SYS`).
    pub code: crate::Code,
    /// Its name.
    pub name: crate::Text,
}

impl std::fmt::Display for SystemName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} – {}", self.code, self.name)
    }
}

impl Decision {
    /// The system `id` as the summary names it: its code and name when the decision recorded
    /// them, else its id (a decision read back from before they were recorded).
    fn system_label(&self, id: ItemId) -> String {
        match &self.mfa_system {
            Some(n) if n.id == id => n.to_string(),
            _ => id.to_string(),
        }
    }

    /// A one-line reason in plain words (English).
    pub fn summary(&self) -> String {
        self.summary_in(Lang::En)
    }

    /// A one-line reason in plain words, in `lang`.
    pub fn summary_in(&self, lang: Lang) -> String {
        let sl = lang == Lang::Sl;
        match self.rule {
            Some(Rule::InactiveAccount) => lang
                .pick("zavrnjeno: račun ni aktiven", "denied: the account is inactive")
                .to_owned(),
            Some(Rule::AdminAccount) => lang
                .pick(
                    "zavrnjeno: računi admin nikoli ne vidijo zadev in dokumentov",
                    "denied: admin accounts never see folders or documents",
                )
                .to_owned(),
            Some(Rule::Clearance { required, held }) if sl => format!(
                "zavrnjeno: objekt je Z{}, varnostno dovoljenje uporabnika pa Z{}",
                required.value(),
                held.value()
            ),
            Some(Rule::Clearance { required, held }) => format!(
                "denied: the object is Z{} and the user's clearance is Z{}",
                required.value(),
                held.value()
            ),
            Some(Rule::MfaRequired {
                level_with_mfa,
                system: None,
            }) if sl => {
                format!("zavrnjeno, dokler se seja ne potrdi z drugim faktorjem (nato nivo {level_with_mfa})")
            }
            Some(Rule::MfaRequired {
                level_with_mfa,
                system: Some(s),
            }) if sl => {
                let s = self.system_label(s);
                format!(
                    "zavrnjeno, dokler se seja ne potrdi z drugim faktorjem (nato nivo {level_with_mfa}): informacijski sistem aplikacije {s} obravnava podatke Z3 ali C3 (53. člen (1))"
                )
            }
            Some(Rule::MfaRequired {
                level_with_mfa,
                system: None,
            }) => {
                format!("denied until the session steps up with a second factor (then level {level_with_mfa})")
            }
            Some(Rule::MfaRequired {
                level_with_mfa,
                system: Some(s),
            }) => {
                let s = self.system_label(s);
                format!(
                    "denied until the session steps up with a second factor (then level {level_with_mfa}): the application's information system {s} handles Z3 or C3 data (Art. 53(1))"
                )
            }
            None if self.allowed == Level::None => lang
                .pick(
                    "zavrnjeno: noben vnos in nobena vloga ne dajeta ničesar (privzeto zavrnjeno)",
                    "denied: no entry or role grants anything (default deny)",
                )
                .to_owned(),
            None => match self.ceiling {
                Some(c) if c < self.allowed && sl => {
                    format!(
                        "nivo {}: dodeljeno {}, a omejeno z zgornjo mejo {}",
                        self.level, self.allowed, c
                    )
                }
                Some(c) if c < self.allowed => {
                    format!(
                        "level {}: granted {} but capped by a ceiling of {}",
                        self.level, self.allowed, c
                    )
                }
                _ if sl => format!("nivo {}: dodeljeno", self.level),
                _ => format!("level {}: granted", self.level),
            },
        }
    }
}

/// Receives what the evaluation finds. `FULL` evaluations look at every entry; others may
/// skip entries that cannot change the level.
pub(crate) trait Tracer {
    const FULL: bool;
    fn grant(&mut self, contribution: Contribution);
    fn ceiling(&mut self, carrier: Carrier, contribution: Contribution);
}

/// Records nothing.
pub(crate) struct Quiet;

impl Tracer for Quiet {
    const FULL: bool = false;
    #[inline(always)]
    fn grant(&mut self, _: Contribution) {}
    #[inline(always)]
    fn ceiling(&mut self, _: Carrier, _: Contribution) {}
}

#[derive(Default)]
struct Recorder {
    grants: Vec<Contribution>,
    ceilings: Vec<TierCeiling>,
}

impl Tracer for Recorder {
    const FULL: bool = true;
    fn grant(&mut self, contribution: Contribution) {
        self.grants.push(contribution);
    }
    fn ceiling(&mut self, carrier: Carrier, contribution: Contribution) {
        match self.ceilings.last_mut() {
            Some(tier) if tier.carrier == carrier => {
                tier.ceiling = tier.ceiling.max(contribution.level);
                tier.entries.push(contribution);
            }
            _ => self.ceilings.push(TierCeiling {
                carrier,
                ceiling: contribution.level,
                entries: vec![contribution],
            }),
        }
    }
}

/// The outcome of an evaluation before it is dressed as a [`Decision`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Outcome {
    pub(crate) level: Level,
    pub(crate) allowed: Level,
    pub(crate) ceiling: Option<Level>,
    pub(crate) rule: Option<Rule>,
    pub(crate) classification: Classification,
}

/// What a decision needs to know about the object: its application, classification and the
/// tiers to read entries from.
#[derive(Clone, Copy)]
pub(crate) struct ObjectFacts<'w> {
    pub(crate) app: AppId,
    pub(crate) classification: Classification,
    pub(crate) own: (Carrier, &'w [AclEntry], Option<&'w Workflow>),
    pub(crate) folder: Option<(Carrier, &'w [AclEntry], Option<&'w Workflow>)>,
    pub(crate) class: crate::ids::ClassId,
}

impl World {
    pub(crate) fn facts(&self, object: ObjectRef) -> Result<ObjectFacts<'_>, Error> {
        match object {
            ObjectRef::Folder(id) => {
                let node = self
                    .folders
                    .get(id.index())
                    .ok_or(Error::Filing(FilingError::UnknownFolder(id)))?;
                Ok(ObjectFacts {
                    app: node.rec.app,
                    classification: node.rec.classification,
                    own: (Carrier::Folder(id), &node.acl, Some(&node.rec.workflow)),
                    folder: None,
                    class: node.rec.class,
                })
            }
            ObjectRef::Document(id) => {
                let node = self
                    .documents
                    .get(id.index())
                    .ok_or(Error::Filing(FilingError::UnknownDocument(id)))?;
                let folder = self
                    .folders
                    .get(node.rec.folder.index())
                    .ok_or_else(|| Error::State(StateError::Corrupt(format!("{id} is in a missing folder"))))?;
                Ok(ObjectFacts {
                    app: folder.rec.app,
                    classification: node.rec.classification.max(folder.rec.classification),
                    own: (Carrier::Document(id), &node.acl, Some(&node.rec.workflow)),
                    folder: Some((
                        Carrier::Folder(node.rec.folder),
                        &folder.acl,
                        Some(&folder.rec.workflow),
                    )),
                    class: folder.rec.class,
                })
            }
        }
    }

    /// The level `user` has on `object` at `at` in `session`.
    pub fn check(&self, user: UserId, object: ObjectRef, at: Timestamp, session: Session) -> Result<Level, Error> {
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        let facts = self.facts(object)?;
        Ok(self.evaluate(&p, &facts, at, session, &mut Quiet).level)
    }

    /// Several checks at once, each answered independently.
    pub fn check_many(
        &self,
        requests: &[(UserId, ObjectRef)],
        at: Timestamp,
        session: Session,
    ) -> Vec<Result<Level, Error>> {
        requests.iter().map(|(u, o)| self.check(*u, *o, at, session)).collect()
    }

    /// The decision with its explanation: every entry, role and rule that decided it.
    pub fn explain(&self, user: UserId, object: ObjectRef, at: Timestamp, session: Session) -> Result<Decision, Error> {
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        let facts = self.facts(object)?;
        let mut recorder = Recorder::default();
        let out = self.evaluate(&p, &facts, at, session, &mut recorder);
        Ok(Decision {
            user,
            object,
            at,
            revision: self.revision,
            level: out.level,
            allowed: out.allowed,
            ceiling: out.ceiling,
            rule: out.rule,
            classification: out.classification,
            grants: recorder.grants,
            ceilings: recorder.ceilings,
            mfa_system: match out.rule {
                Some(Rule::MfaRequired { system: Some(id), .. }) => self.item(id).ok().map(|i| SystemName {
                    id,
                    code: i.fields.code.clone(),
                    name: i.fields.name.clone(),
                }),
                _ => None,
            },
        })
    }

    /// The user's clearance at `at`: the highest class whose clearance role they hold.
    pub(crate) fn clearance(&self, p: &Principal<'_>, at: Timestamp) -> SecurityClass {
        for (i, role) in self.settings.clearance_roles.iter().enumerate().rev() {
            if let Some(role) = role
                && self.holds_role(p, *role, at).is_some()
            {
                return SecurityClass::new(i as u8 + 1).unwrap_or(SecurityClass::THREE);
            }
        }
        SecurityClass::NONE
    }

    /// The rule, among inactive / admin / clearance, that forces 0 before the ACL is read.
    #[inline]
    fn pre_rule(&self, p: &Principal<'_>, classification: Classification, at: Timestamp) -> Option<Rule> {
        if !p.user.active {
            return Some(Rule::InactiveAccount);
        }
        if p.user.kind == AccountKind::Admin {
            return Some(Rule::AdminAccount);
        }
        if classification.z > SecurityClass::NONE {
            let held = self.clearance(p, at);
            if held < classification.z {
                return Some(Rule::Clearance {
                    required: classification.z,
                    held,
                });
            }
        }
        None
    }

    #[inline]
    pub(crate) fn evaluate<T: Tracer>(
        &self,
        p: &Principal<'_>,
        facts: &ObjectFacts<'_>,
        at: Timestamp,
        session: Session,
        tracer: &mut T,
    ) -> Outcome {
        let classification = facts.classification;
        let rule = self.pre_rule(p, classification, at);
        if rule.is_some() && !T::FULL {
            return Outcome {
                level: Level::None,
                allowed: Level::None,
                ceiling: None,
                rule,
                classification,
            };
        }
        let mut allowed = Level::None;
        let mut ceiling: Option<Level> = None;
        let mut tier = |carrier: Carrier, acl: &[AclEntry], workflow: Option<&Workflow>, allowed: &mut Level| {
            let mut tier_ceiling: Option<Level> = None;
            for e in acl {
                let best = e.value.max(e.group_value);
                let useful = T::FULL
                    || match e.kind {
                        AclKind::Allowed => best > *allowed,
                        AclKind::MaxAllowed => tier_ceiling.is_none_or(|c| best > c),
                    };
                if !useful || !e.window.contains(at) {
                    continue;
                }
                let target = self.resolve(e.entity, workflow);
                // A colleague gets the group value. For `allowed` a group value of 0 gives
                // nothing, so colleagues need not be looked for; for `maxAllowed` it caps them.
                let want_group = e.entity.has_group() && (e.kind == AclKind::MaxAllowed || e.group_value > Level::None);
                let Some((matched, how)) = self.match_target(p, target, at, want_group) else {
                    continue;
                };
                let level = match matched {
                    Matched::Value => e.value,
                    Matched::Group => e.group_value,
                };
                let contribution = Contribution {
                    source: Source::Entry {
                        entry: e.id,
                        carrier,
                        kind: e.kind,
                        entity: e.entity,
                        resolved: match target {
                            Target::Job(j) if e.entity.is_object_relative() => Some(j),
                            _ => None,
                        },
                    },
                    level,
                    matched,
                    how,
                };
                match e.kind {
                    AclKind::Allowed => {
                        *allowed = (*allowed).max(level);
                        tracer.grant(contribution);
                    }
                    AclKind::MaxAllowed => {
                        tier_ceiling = Some(tier_ceiling.map_or(level, |c| c.max(level)));
                        tracer.ceiling(carrier, contribution);
                    }
                }
            }
            if let Some(c) = tier_ceiling {
                ceiling = Some(ceiling.map_or(c, |x| x.min(c)));
            }
        };
        let (c, acl, wf) = facts.own;
        tier(c, acl, wf, &mut allowed);
        if let Some((c, acl, wf)) = facts.folder {
            tier(c, acl, wf, &mut allowed);
        }
        let mut class = Some(facts.class);
        let mut steps = 0;
        while let Some(id) = class {
            let Some(node) = self.classes.get(id.index()) else {
                break;
            };
            tier(Carrier::Class(id), &node.acl, None, &mut allowed);
            class = node.rec.parent;
            steps += 1;
            if steps > self.classes.len() {
                break;
            }
        }
        if let Some(wide) = self.idx.app_wide.get(facts.app.index()) {
            for (role, level) in wide {
                if !T::FULL && *level <= allowed {
                    continue;
                }
                if let Some(grant) = self.holds_role(p, *role, at) {
                    allowed = allowed.max(*level);
                    tracer.grant(Contribution {
                        source: Source::ApplicationRole {
                            role: *role,
                            app: facts.app,
                        },
                        level: *level,
                        matched: Matched::Value,
                        how: Membership::HoldsRole { role: *role, grant },
                    });
                }
            }
        }
        let effective = ceiling.map_or(allowed, |c| allowed.min(c));
        let (level, rule) = match rule {
            Some(rule) => (Level::None, Some(rule)),
            None if effective > Level::None && classification.requires_mfa() && !session.mfa => (
                Level::None,
                Some(Rule::MfaRequired {
                    level_with_mfa: effective,
                    system: None,
                }),
            ),
            // Art. 53(1): a system handling Z3 or C3 data needs the second factor for local
            // access too, so every object of its application does.
            None if effective > Level::None && !session.mfa && self.mfa_system_of(facts.app).is_some() => (
                Level::None,
                Some(Rule::MfaRequired {
                    level_with_mfa: effective,
                    system: self.mfa_system_of(facts.app),
                }),
            ),
            None => (effective, None),
        };
        Outcome {
            level,
            allowed,
            ceiling,
            rule,
            classification,
        }
    }
}
