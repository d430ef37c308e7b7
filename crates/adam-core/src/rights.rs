//! The access-rights register of Decree Art. 51(5): for one user, every right they hold or
//! held — which role, through what (themselves, a job they occupied, an office they worked in,
//! everyone), when it was granted, changed and revoked, by whom, and on which request.
//!
//! It is computed from the change log, not from the current state: a revoked grant is gone
//! from the world but not from the log. The log is read as a sequence of [`LoggedChange`]s
//! (the store adds the instant and the actor of each revision to the events); the computation
//! is pure, so the register is tested against logs built in memory.
//!
//! What "held" means: a grant to the user; a grant to a job while the user occupied it; a grant
//! to an office (and its sub-offices) while the user occupied a job in that office; a grant to
//! everyone while the user's account existed. Each entry says through what, and the periods in
//! which the user was connected to the grantee.
//!
//! A revocation decided in an access review or a follow-up (Art. 51(4)) removes the grant in
//! the same change that records the decision, so that change carries both the grant's removal
//! and the campaign's (or follow-up's) record with the line revoked: the register names it on
//! the revocation (`access-review#3`, `follow-up#2`) without any field in the change log.

use crate::admin::Actor;
use crate::event::Event;
use crate::ids::{GrantId, JobId, OfficeId, Revision, RoleId, UserId};
use crate::register::review::{Outcome, ReviewLine};
use crate::roles::{Grant, Grantee};
use crate::time::{Timestamp, Window};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// One revision of the change log with its instant and actor.
#[derive(Clone, Debug)]
pub struct LoggedChange {
    /// The revision.
    pub revision: Revision,
    /// When it was committed.
    pub at: Timestamp,
    /// Who made it.
    pub actor: Actor,
    /// What it did.
    pub events: Vec<Event>,
}

/// When and by whom something happened to a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Stamp {
    /// The revision.
    pub revision: Revision,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
    /// On a revocation, the access review or follow-up that decided it (`access-review#3`,
    /// `follow-up#2`); absent otherwise, and then not serialised, so a register without one
    /// reads as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A change to a grant after it was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GrantChange {
    /// When and by whom.
    pub stamp: Stamp,
    /// The window before.
    pub window_before: Window,
    /// The window after.
    pub window_after: Window,
    /// The reference after (a new request may have changed it).
    pub reference: Option<String>,
}

/// A period in which the user was connected to a grantee (held the job, worked in the office).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Period {
    /// From.
    pub from: Timestamp,
    /// Until (absent: still).
    pub until: Option<Timestamp>,
}

/// Through what the user holds a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Via {
    /// Granted to the user.
    User,
    /// Granted to a job the user occupied.
    Job(JobId),
    /// Granted to an office the user worked in (or one above it).
    Office(OfficeId),
    /// Granted to everyone.
    Everyone,
}

/// One right in the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RightEntry {
    /// The grant.
    pub grant: GrantId,
    /// The role granted.
    pub role: RoleId,
    /// To whom it was granted.
    pub grantee: Grantee,
    /// Through what this user holds it.
    pub via: Via,
    /// The grant's validity window (its latest).
    pub window: Window,
    /// The request reference it was made on.
    pub reference: Option<String>,
    /// When and by whom it was granted.
    pub granted: Stamp,
    /// Later changes.
    pub changes: Vec<GrantChange>,
    /// When and by whom it was revoked (absent: still in force).
    pub revoked: Option<Stamp>,
    /// The periods in which the user was connected to the grantee while the grant existed.
    pub periods: Vec<Period>,
}

#[derive(Default)]
struct GrantLife {
    grant: Option<Grant>,
    granted: Option<Stamp>,
    changes: Vec<GrantChange>,
    revoked: Option<Stamp>,
}

/// Periods of a relation (user ↔ job), opened and closed as the log goes.
#[derive(Default)]
struct Intervals {
    open: Option<Timestamp>,
    closed: Vec<Period>,
}

impl Intervals {
    fn set(&mut self, on: bool, at: Timestamp) {
        match (on, self.open) {
            (true, None) => self.open = Some(at),
            (false, Some(from)) => {
                self.closed.push(Period { from, until: Some(at) });
                self.open = None;
            }
            _ => {}
        }
    }

    fn all(&self) -> Vec<Period> {
        let mut v = self.closed.clone();
        if let Some(from) = self.open {
            v.push(Period { from, until: None });
        }
        v
    }
}

/// The intersection of two period lists (both sorted, each without overlaps).
fn intersect(a: &[Period], b: &[Period]) -> Vec<Period> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let from = x.from.max(y.from);
            let until = match (x.until, y.until) {
                (Some(p), Some(q)) => Some(p.min(q)),
                (Some(p), None) | (None, Some(p)) => Some(p),
                (None, None) => None,
            };
            if until.is_none_or(|u| u > from) {
                out.push(Period { from, until });
            }
        }
    }
    out.sort_by_key(|p| p.from);
    out
}

/// The grants a change's access reviews and follow-ups revoke, each with the reference of the
/// record that decided it. A line revoked earlier is still in the record the change rewrites,
/// but its grant is gone by then and no later change removes it again, so only the decision
/// that removed a grant in this change meets its removal.
fn revoked_by_decision(events: &[Event]) -> FxHashMap<GrantId, String> {
    let revoked = |lines: &[ReviewLine]| -> Vec<GrantId> {
        lines
            .iter()
            .filter(|l| l.decision.as_ref().is_some_and(|d| d.outcome == Outcome::Revoked))
            .map(|l| l.grant)
            .collect()
    };
    let mut out = FxHashMap::default();
    for event in events {
        let (grants, reference) = match event {
            Event::Review(r) => (revoked(&r.lines), r.reference()),
            Event::FollowUp(f) => (revoked(&f.lines), f.id.to_string()),
            _ => continue,
        };
        for g in grants {
            out.entry(g).or_insert_with(|| reference.clone());
        }
    }
    out
}

/// The register of `user`, from the whole change log in order. `parent_of` gives the office
/// tree (today's): an office grant reaches the users of its sub-offices too.
pub fn rights_of(
    user: UserId,
    log: &[LoggedChange],
    parent_of: &dyn Fn(OfficeId) -> Option<OfficeId>,
) -> Vec<RightEntry> {
    let mut grants: FxHashMap<GrantId, GrantLife> = FxHashMap::default();
    let mut jobs: FxHashMap<JobId, Intervals> = FxHashMap::default();
    let mut job_office: FxHashMap<JobId, OfficeId> = FxHashMap::default();
    let mut account = Intervals::default();
    for change in log {
        let stamp = Stamp {
            revision: change.revision,
            at: change.at,
            by: change.actor,
            reference: None,
        };
        let decided = revoked_by_decision(&change.events);
        for event in &change.events {
            match event {
                Event::User(u) if u.id == user => {
                    account.set(true, change.at);
                    for (j, iv) in jobs.iter_mut() {
                        iv.set(u.jobs.contains(j), change.at);
                    }
                    for j in &u.jobs {
                        jobs.entry(*j).or_default().set(true, change.at);
                    }
                }
                Event::Job(j) => {
                    job_office.insert(j.id, j.office);
                }
                Event::Grant(g) => {
                    let life = grants.entry(g.id).or_default();
                    match &life.grant {
                        None => life.granted = Some(stamp.clone()),
                        Some(before) => life.changes.push(GrantChange {
                            stamp: stamp.clone(),
                            window_before: before.window,
                            window_after: g.window,
                            reference: g.reference.as_ref().map(ToString::to_string),
                        }),
                    }
                    life.grant = Some(g.clone());
                }
                Event::GrantRemoved(id) => {
                    if let Some(life) = grants.get_mut(id) {
                        life.revoked = Some(Stamp {
                            reference: decided.get(id).cloned(),
                            ..stamp.clone()
                        });
                    }
                }
                _ => {}
            }
        }
    }
    let in_office = |job: JobId, office: OfficeId| -> bool {
        let mut at = job_office.get(&job).copied();
        let mut guard = 0;
        while let Some(o) = at {
            if o == office {
                return true;
            }
            guard += 1;
            if guard > 10_000 {
                return false;
            }
            at = parent_of(o);
        }
        false
    };
    let mut out = Vec::new();
    let mut ids: Vec<&GrantId> = grants.keys().collect();
    ids.sort();
    for id in ids {
        let Some(life) = grants.get(id) else { continue };
        let (Some(grant), Some(granted)) = (&life.grant, &life.granted) else {
            continue;
        };
        let existed = [Period {
            from: granted.at,
            until: life.revoked.as_ref().map(|r| r.at),
        }];
        let mut candidates: Vec<(Via, Vec<Period>)> = Vec::new();
        match grant.grantee {
            Grantee::User(u) if u == user => candidates.push((Via::User, account.all())),
            Grantee::User(_) => {}
            Grantee::Job(j) => {
                if let Some(iv) = jobs.get(&j) {
                    candidates.push((Via::Job(j), iv.all()));
                }
            }
            Grantee::Office(o) => {
                let mut periods = Vec::new();
                for (j, iv) in &jobs {
                    if in_office(*j, o) {
                        periods.extend(iv.all());
                    }
                }
                periods.sort_by_key(|p| p.from);
                if !periods.is_empty() {
                    candidates.push((Via::Office(o), periods));
                }
            }
            Grantee::Everyone => candidates.push((Via::Everyone, account.all())),
        }
        for (via, periods) in candidates {
            let periods = intersect(&periods, &existed);
            if periods.is_empty() {
                continue;
            }
            out.push(RightEntry {
                grant: grant.id,
                role: grant.role,
                grantee: grant.grantee,
                via,
                window: grant.window,
                reference: grant.reference.as_ref().map(ToString::to_string),
                granted: granted.clone(),
                changes: life.changes.clone(),
                revoked: life.revoked.clone(),
                periods,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp(s)
    }

    #[test]
    fn periods_intersect() {
        let a = [
            Period {
                from: t(0),
                until: Some(t(10)),
            },
            Period {
                from: t(20),
                until: None,
            },
        ];
        let b = [Period {
            from: t(5),
            until: Some(t(25)),
        }];
        assert_eq!(
            intersect(&a, &b),
            vec![
                Period {
                    from: t(5),
                    until: Some(t(10))
                },
                Period {
                    from: t(20),
                    until: Some(t(25))
                }
            ]
        );
        assert!(
            intersect(
                &a,
                &[Period {
                    from: t(10),
                    until: Some(t(20))
                }]
            )
            .is_empty()
        );
    }
}
