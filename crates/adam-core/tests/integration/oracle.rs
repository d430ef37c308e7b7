//! A brute-force reference implementation of the decision (SPEC §3.4), written from the spec
//! over the public records only — no index, no postings, no closure tables — so that the
//! engine's fast paths can be checked against it on random worlds (the lesson of ANCHORS.md:
//! combination logic is where the leading engines shipped wrong answers).

use adam_core::*;
use std::collections::BTreeSet;

pub struct Oracle<'w> {
    pub w: &'w World,
}

impl<'w> Oracle<'w> {
    fn valid_jobs(&self, u: UserId) -> Vec<JobId> {
        self.w
            .user(u)
            .unwrap()
            .jobs
            .iter()
            .copied()
            .filter(|j| self.w.job(*j).unwrap().valid)
            .collect()
    }

    fn offices_of(&self, u: UserId) -> Vec<OfficeId> {
        self.valid_jobs(u)
            .iter()
            .map(|j| self.w.job(*j).unwrap().office)
            .collect()
    }

    fn ancestor_or_self(&self, ancestor: OfficeId, mut office: OfficeId) -> bool {
        loop {
            if office == ancestor {
                return true;
            }
            match self.w.office(office).unwrap().parent {
                Some(p) => office = p,
                None => return false,
            }
        }
    }

    /// Every role inside `role` (and itself), by walking `members`.
    pub fn closure(&self, role: RoleId) -> BTreeSet<RoleId> {
        let mut seen = BTreeSet::from([role]);
        let mut stack = vec![role];
        while let Some(r) = stack.pop() {
            for m in &self.w.role(r).unwrap().members {
                if seen.insert(*m) {
                    stack.push(*m);
                }
            }
        }
        seen
    }

    fn grant_reaches(&self, u: UserId, grantee: Grantee) -> bool {
        match grantee {
            Grantee::User(x) => x == u,
            Grantee::Job(j) => self.valid_jobs(u).contains(&j),
            Grantee::Office(o) => self.offices_of(u).iter().any(|mine| self.ancestor_or_self(o, *mine)),
            Grantee::Everyone => true,
        }
    }

    pub fn holds(&self, u: UserId, role: RoleId, t: Timestamp) -> bool {
        self.w
            .grants()
            .any(|g| g.window.contains(t) && self.closure(g.role).contains(&role) && self.grant_reaches(u, g.grantee))
    }

    /// Offices whose members are colleagues of the holders of `role` (job and user grants).
    fn role_offices(&self, role: RoleId, t: Timestamp) -> BTreeSet<OfficeId> {
        let mut out = BTreeSet::new();
        for g in self.w.grants() {
            if !g.window.contains(t) || !self.closure(g.role).contains(&role) {
                continue;
            }
            match g.grantee {
                Grantee::Job(j) => {
                    let job = self.w.job(j).unwrap();
                    if job.valid {
                        out.insert(job.office);
                    }
                }
                Grantee::User(v) if self.w.user(v).unwrap().active => out.extend(self.offices_of(v)),
                _ => {}
            }
        }
        out
    }

    fn resolve(&self, entity: Entity, carrier: Carrier) -> Option<Entity> {
        let wf = match carrier {
            Carrier::Class(_) => None,
            Carrier::Folder(f) => Some(self.w.folder(f).unwrap().workflow),
            Carrier::Document(d) => Some(self.w.document(d).unwrap().workflow),
        };
        let job = |j: Option<JobId>| j.map(Entity::Job);
        match entity {
            Entity::Creator => job(wf.map(|w| w.creator.job)),
            Entity::Responsible => job(wf.and_then(|w| w.responsible)),
            Entity::Sender => job(wf.and_then(|w| w.sender)),
            Entity::Recipient => job(wf.and_then(|w| w.recipient)),
            Entity::DistMain => self.w.settings().dist_main_role.map(Entity::Role),
            other => Some(other),
        }
    }

    /// `Some(true)` if the user is the entity, `Some(false)` if a colleague, `None` otherwise.
    pub fn matches(&self, u: UserId, entry: &AclEntry, t: Timestamp) -> Option<bool> {
        let entity = self.resolve(entry.entity, entry.carrier)?;
        let mine = self.offices_of(u);
        let is = match entity {
            Entity::Company => true,
            Entity::Office(o) => mine.iter().any(|m| self.ancestor_or_self(o, *m)),
            Entity::Job(j) => self.valid_jobs(u).contains(&j),
            Entity::User(v) => v == u,
            Entity::Role(r) => self.holds(u, r, t),
            Entity::Group(g) => {
                let group = self.w.group(g).unwrap();
                group.users.contains(&u) || self.valid_jobs(u).iter().any(|j| group.jobs.contains(j))
            }
            _ => unreachable!("dynamic entities are resolved"),
        };
        if is {
            return Some(true);
        }
        let gives_nothing = entry.kind == AclKind::Allowed && entry.group_value == Level::None;
        if gives_nothing || matches!(entity, Entity::Company | Entity::Office(_)) {
            return None;
        }
        let their_offices: BTreeSet<OfficeId> = match entity {
            Entity::Job(j) => BTreeSet::from([self.w.job(j).unwrap().office]),
            Entity::User(v) => self.offices_of(v).into_iter().collect(),
            Entity::Role(r) => self.role_offices(r, t),
            Entity::Group(g) => {
                let group = self.w.group(g).unwrap();
                let mut s: BTreeSet<OfficeId> = group
                    .jobs
                    .iter()
                    .map(|j| self.w.job(*j).unwrap())
                    .filter(|j| j.valid)
                    .map(|j| j.office)
                    .collect();
                for v in &group.users {
                    s.extend(self.offices_of(*v));
                }
                s
            }
            _ => BTreeSet::new(),
        };
        mine.iter().any(|m| their_offices.contains(m)).then_some(false)
    }

    pub fn tiers(&self, object: ObjectRef) -> Vec<Carrier> {
        let (mut tiers, class) = match object {
            ObjectRef::Folder(f) => (vec![Carrier::Folder(f)], self.w.folder(f).unwrap().class),
            ObjectRef::Document(d) => {
                let folder = self.w.document(d).unwrap().folder;
                (
                    vec![Carrier::Document(d), Carrier::Folder(folder)],
                    self.w.folder(folder).unwrap().class,
                )
            }
        };
        let mut c = Some(class);
        while let Some(id) = c {
            tiers.push(Carrier::Class(id));
            c = self.w.class(id).unwrap().parent;
        }
        tiers
    }

    pub fn classification(&self, object: ObjectRef) -> Classification {
        match object {
            ObjectRef::Folder(f) => self.w.folder(f).unwrap().classification,
            ObjectRef::Document(d) => {
                let doc = self.w.document(d).unwrap();
                let folder = self.w.folder(doc.folder).unwrap();
                Classification {
                    z: doc.classification.z.max(folder.classification.z),
                    c: doc.classification.c.max(folder.classification.c),
                    r: doc.classification.r.max(folder.classification.r),
                }
            }
        }
    }

    fn app_of(&self, object: ObjectRef) -> AppId {
        match object {
            ObjectRef::Folder(f) => self.w.folder(f).unwrap().app,
            ObjectRef::Document(d) => self.w.folder(self.w.document(d).unwrap().folder).unwrap().app,
        }
    }

    /// The effective level, from the spec's five steps.
    pub fn level(&self, u: UserId, object: ObjectRef, t: Timestamp, session: Session) -> Level {
        let user = self.w.user(u).unwrap();
        if !user.active || user.kind == AccountKind::Admin {
            return Level::None;
        }
        let class = self.classification(object);
        let clearance_roles = self.w.settings().clearance_roles;
        let clearance = (1..=3u8)
            .rev()
            .find(|k| clearance_roles[usize::from(k - 1)].is_some_and(|r| self.holds(u, r, t)))
            .unwrap_or(0);
        if class.z.value() > clearance {
            return Level::None;
        }
        let mut allowed = Level::None;
        let mut ceiling: Option<Level> = None;
        for carrier in self.tiers(object) {
            let mut tier: Option<Level> = None;
            for e in self.w.acl(carrier).unwrap() {
                if !e.window.contains(t) {
                    continue;
                }
                let Some(is) = self.matches(u, e, t) else { continue };
                let level = if is { e.value } else { e.group_value };
                match e.kind {
                    AclKind::Allowed => allowed = allowed.max(level),
                    AclKind::MaxAllowed => tier = Some(tier.map_or(level, |c| c.max(level))),
                }
            }
            if let Some(c) = tier {
                ceiling = Some(ceiling.map_or(c, |x| x.min(c)));
            }
        }
        let app = self.app_of(object);
        for role in self.w.roles() {
            if role.kind == RoleKind::Application
                && role.app == Some(app)
                && let Some(level) = role.object_level
                && self.holds(u, role.id, t)
            {
                allowed = allowed.max(level);
            }
        }
        let effective = ceiling.map_or(allowed, |c| allowed.min(c));
        if effective > Level::None && class.requires_mfa() && !session.mfa {
            return Level::None;
        }
        effective
    }
}
