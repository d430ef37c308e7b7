//! Questions beyond a single check: `lookup`, `who`, `check_role` and a user's effective roles.
//!
//! `lookup` and `who` first gather *candidates* from the indexes — a superset of the answer —
//! and then decide every candidate with the same evaluation `check` uses, in id order. The
//! answer is therefore exactly `{o : check(u, o) ≥ L}` (resp. `{u : …}`), whatever the
//! candidates; the indexes only make it fast. Pages are cut by a cursor (the last id
//! returned), never by a cap: a caller who follows the cursors gets everything.

use crate::decision::{Quiet, Session};
use crate::directory::AccountKind;
use crate::error::{DirectoryError, Error, ValueError};
use crate::ids::{FolderId, GrantId, JobId, OfficeId, RoleId, UserId};
use crate::level::Level;
use crate::membership::{Principal, Target};
use crate::records::{Carrier, ObjectKind, ObjectRef};
use crate::roles::Grantee;
use crate::time::Timestamp;
use crate::world::{Key, World};
use serde::{Deserialize, Serialize};

/// The largest page `lookup` and `who` return.
pub const MAX_PAGE: usize = 10_000;

/// One page of an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page<T> {
    /// The items, in ascending id order.
    pub items: Vec<T>,
    /// Pass this as `after` to get the next page; `None` when there is nothing more.
    pub next: Option<u32>,
}

/// A set of dense ids.
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }
    #[inline]
    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    /// Sets and reports whether it was already set.
    #[inline]
    fn test_and_set(&mut self, i: usize) -> bool {
        match self.0.get_mut(i / 64) {
            Some(w) => {
                let was = *w & (1 << (i % 64)) != 0;
                *w |= 1 << (i % 64);
                was
            }
            None => true,
        }
    }
    fn fill(&mut self, len: usize) {
        for i in 0..len {
            self.set(i);
        }
    }
    /// Set positions from `start` on, ascending.
    fn iter_from(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        let first_word = start / 64;
        self.0.iter().enumerate().skip(first_word).flat_map(move |(wi, word)| {
            let mut w = *word;
            if wi == first_word {
                w &= u64::MAX.checked_shl((start % 64) as u32).unwrap_or(0);
            }
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }
}

fn check_page(min: Level, limit: usize) -> Result<(), Error> {
    if min == Level::None {
        return Err(Error::Value(ValueError::LookupLevelZero));
    }
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::Value(ValueError::PageSize {
            requested: limit,
            max: MAX_PAGE,
        }));
    }
    Ok(())
}

/// Expands carriers into the objects of one kind they apply to.
struct Expander<'w> {
    world: &'w World,
    kind: ObjectKind,
    out: Bits,
    folders_done: Bits,
    classes_done: Bits,
}

impl<'w> Expander<'w> {
    fn new(world: &'w World, kind: ObjectKind) -> Expander<'w> {
        let len = match kind {
            ObjectKind::Folder => world.folders.len(),
            ObjectKind::Document => world.documents.len(),
        };
        Expander {
            world,
            kind,
            out: Bits::new(len),
            folders_done: Bits::new(world.folders.len()),
            classes_done: Bits::new(world.classes.len()),
        }
    }

    fn folder(&mut self, f: FolderId) {
        if self.folders_done.test_and_set(f.index()) {
            return;
        }
        match self.kind {
            ObjectKind::Folder => self.out.set(f.index()),
            ObjectKind::Document => {
                for d in self.world.folder_documents(f) {
                    self.out.set(d.index());
                }
            }
        }
    }

    fn carrier(&mut self, carrier: Carrier) {
        match carrier {
            Carrier::Document(d) => {
                if self.kind == ObjectKind::Document {
                    self.out.set(d.index());
                }
            }
            Carrier::Folder(f) => self.folder(f),
            Carrier::Class(c) => {
                let mut stack = vec![c];
                while let Some(c) = stack.pop() {
                    if self.classes_done.test_and_set(c.index()) {
                        continue;
                    }
                    for f in self.world.class_folders(c) {
                        self.folder(*f);
                    }
                    stack.extend_from_slice(self.world.class_children(c));
                }
            }
        }
    }
}

impl World {
    /// Every object of `kind` on which `user` has at least `min` at `at`, one page at a time,
    /// in id order, starting after the id `after`.
    #[allow(clippy::too_many_arguments)]
    pub fn lookup(
        &self,
        user: UserId,
        kind: ObjectKind,
        min: Level,
        at: Timestamp,
        session: Session,
        after: Option<u32>,
        limit: usize,
    ) -> Result<Page<ObjectRef>, Error> {
        check_page(min, limit)?;
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        if !p.user.active || p.user.kind == AccountKind::Admin {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        let mut expander = Expander::new(self, kind);
        for key in self.keys_of(&p, at) {
            for posting in self.idx.postings.get(key) {
                if posting.level >= min {
                    expander.carrier(posting.carrier);
                }
            }
        }
        for (app, wide) in self.idx.app_wide.iter().enumerate() {
            if wide
                .iter()
                .any(|(role, level)| *level >= min && self.holds_role(&p, *role, at).is_some())
            {
                for f in &self.idx.app_folders[app] {
                    expander.folder(*f);
                }
            }
        }
        let make = |i: usize| match kind {
            ObjectKind::Folder => ObjectRef::Folder(FolderId(i as u32)),
            ObjectKind::Document => ObjectRef::Document(crate::ids::DocumentId(i as u32)),
        };
        let start = after.map_or(0, |a| a as usize + 1);
        let hits = expander.out.iter_from(start).filter_map(|i| {
            let object = make(i);
            let facts = self.facts(object).ok()?;
            (self.evaluate(&p, &facts, at, session, &mut Quiet).level >= min).then_some(object)
        });
        Ok(paginate(hits, limit, |o| match o {
            ObjectRef::Folder(f) => f.0,
            ObjectRef::Document(d) => d.0,
        }))
    }

    /// The keys under which entries that can match the principal are posted.
    fn keys_of(&self, p: &Principal<'_>, at: Timestamp) -> Vec<Key> {
        let mut keys = vec![Key::Everyone, Key::User(p.id)];
        keys.extend(p.jobs.iter().map(|j| Key::Job(*j)));
        let mut offices: Vec<OfficeId> = Vec::new();
        for o in &p.offices {
            let mut cursor = Some(*o);
            while let Some(office) = cursor {
                if offices.contains(&office) || offices.len() > self.offices.len() {
                    break;
                }
                offices.push(office);
                cursor = self.offices[office.index()].parent;
            }
        }
        keys.extend(offices.iter().map(|o| Key::Office(*o)));
        for r in self.idx.postings.roles() {
            if self.holds_role(p, r, at).is_some() {
                keys.push(Key::Role(r));
            }
            if self.role_colleague(p, r, at).is_some() {
                keys.push(Key::RoleMates(r));
            }
        }
        for g in self.idx.postings.groups() {
            if self.in_group(p, g) {
                keys.push(Key::Group(g));
            }
            if self.group_colleague(p, g).is_some() {
                keys.push(Key::GroupMates(g));
            }
        }
        if let Some(dist) = self.settings.dist_main_role {
            if self.holds_role(p, dist, at).is_some() {
                keys.push(Key::DistMain);
            }
            if self.role_colleague(p, dist, at).is_some() {
                keys.push(Key::DistMainMates);
            }
        }
        let mut own_offices: Vec<OfficeId> = p.offices.to_vec();
        own_offices.sort_unstable();
        own_offices.dedup();
        for o in own_offices {
            for j in self.office_jobs(o) {
                keys.push(Key::JobMates(*j));
                if self.jobs[j.index()].valid {
                    keys.extend(self.job_occupants(*j).iter().map(|u| Key::UserMates(*u)));
                }
            }
        }
        keys
    }

    /// Every user with at least `min` on `object` at `at` (assuming `session` for each), one
    /// page at a time, in id order, starting after the user id `after`.
    pub fn who(
        &self,
        object: ObjectRef,
        min: Level,
        at: Timestamp,
        session: Session,
        after: Option<u32>,
        limit: usize,
    ) -> Result<Page<UserId>, Error> {
        check_page(min, limit)?;
        let facts = self.facts(object)?;
        let mut users = Bits::new(self.users.len());
        let mut all = false;
        let mut tiers: Vec<(&[crate::acl::AclEntry], Option<&crate::records::Workflow>)> =
            vec![(facts.own.1, facts.own.2)];
        if let Some((_, acl, wf)) = facts.folder {
            tiers.push((acl, wf));
        }
        for c in self.class_chain(facts.class) {
            tiers.push((&self.classes[c.index()].acl, None));
        }
        for (acl, wf) in tiers {
            for e in acl.iter().filter(|e| e.kind == crate::acl::AclKind::Allowed) {
                let target = self.resolve(e.entity, wf);
                if e.value >= min {
                    all |= self.members(target, &mut users);
                }
                if e.group_value >= min && e.entity.has_group() {
                    self.colleagues(target, &mut users);
                }
            }
        }
        if let Some(wide) = self.idx.app_wide.get(facts.app.index()) {
            for (role, level) in wide {
                if *level >= min {
                    all |= self.members(Target::Role(*role), &mut users);
                }
            }
        }
        if all {
            users.fill(self.users.len());
        }
        let start = after.map_or(0, |a| a as usize + 1);
        let hits = users.iter_from(start).filter_map(|i| {
            let p = self.principal(UserId(i as u32))?;
            (self.evaluate(&p, &facts, at, session, &mut Quiet).level >= min).then_some(p.id)
        });
        Ok(paginate(hits, limit, |u| u.0))
    }

    /// Marks the users who are the target; reports whether that is everyone.
    fn members(&self, target: Target, users: &mut Bits) -> bool {
        match target {
            Target::Nobody => false,
            Target::Everyone => true,
            Target::User(u) => {
                users.set(u.index());
                false
            }
            Target::Job(j) => {
                self.mark_job(j, users);
                false
            }
            Target::Office(o) => {
                for office in self.office_subtree(o) {
                    self.mark_office(office, users);
                }
                false
            }
            Target::Group(g) => {
                if let Ok(group) = self.group(g) {
                    for u in &group.users {
                        users.set(u.index());
                    }
                    for j in &group.jobs {
                        self.mark_job(*j, users);
                    }
                }
                false
            }
            Target::Role(r) => {
                let mut everyone = false;
                for container in self.role_containers(r) {
                    for g in self.grants_of_role(*container) {
                        let Ok(grant) = self.grant(*g) else { continue };
                        everyone |= match grant.grantee {
                            Grantee::Everyone => true,
                            Grantee::User(u) => self.members(Target::User(u), users),
                            Grantee::Job(j) => self.members(Target::Job(j), users),
                            Grantee::Office(o) => self.members(Target::Office(o), users),
                        };
                    }
                }
                everyone
            }
        }
    }

    /// Marks the users who work in the office of one of the target's jobs.
    fn colleagues(&self, target: Target, users: &mut Bits) {
        let mut offices: Vec<OfficeId> = Vec::new();
        let job_office = |j: JobId, offices: &mut Vec<OfficeId>| {
            if let Ok(job) = self.job(j) {
                offices.push(job.office);
            }
        };
        let user_offices = |u: UserId, offices: &mut Vec<OfficeId>| {
            if let Ok(user) = self.user(u) {
                offices.extend(
                    user.jobs
                        .iter()
                        .filter_map(|j| self.job(*j).ok().filter(|j| j.valid).map(|j| j.office)),
                );
            }
        };
        match target {
            Target::Job(j) => job_office(j, &mut offices),
            Target::User(u) => user_offices(u, &mut offices),
            Target::Group(g) => {
                if let Ok(group) = self.group(g) {
                    for j in &group.jobs {
                        job_office(*j, &mut offices);
                    }
                    for u in &group.users {
                        user_offices(*u, &mut offices);
                    }
                }
            }
            Target::Role(r) => {
                for container in self.role_containers(r) {
                    for g in self.grants_of_role(*container) {
                        match self.grant(*g).map(|g| g.grantee) {
                            Ok(Grantee::Job(j)) => job_office(j, &mut offices),
                            Ok(Grantee::User(u)) => user_offices(u, &mut offices),
                            _ => {}
                        }
                    }
                }
            }
            Target::Everyone | Target::Office(_) | Target::Nobody => {}
        }
        offices.sort_unstable();
        offices.dedup();
        for o in offices {
            self.mark_office(o, users);
        }
    }

    fn mark_job(&self, j: JobId, users: &mut Bits) {
        for u in self.job_occupants(j) {
            users.set(u.index());
        }
    }

    fn mark_office(&self, o: OfficeId, users: &mut Bits) {
        for j in self.office_jobs(o) {
            self.mark_job(*j, users);
        }
    }

    /// Whether `user` holds the role (an application function, 004 §2.8) at `at`, and the
    /// grant that gives it. An inactive account holds nothing.
    pub fn check_role(&self, user: UserId, role: RoleId, at: Timestamp) -> Result<Option<GrantId>, Error> {
        self.role(role)?;
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        if !p.user.active {
            return Ok(None);
        }
        Ok(self.holds_role(&p, role, at))
    }

    /// Every role the user holds at `at`, each with one grant that gives it, sorted by role.
    pub fn effective_roles(&self, user: UserId, at: Timestamp) -> Result<Vec<(RoleId, GrantId)>, Error> {
        let p = self
            .principal(user)
            .ok_or(Error::Directory(DirectoryError::UnknownUser(user)))?;
        if !p.user.active {
            return Ok(Vec::new());
        }
        let mut out: Vec<(RoleId, GrantId)> = Vec::new();
        let consider = |list: &[GrantId], out: &mut Vec<(RoleId, GrantId)>| {
            for g in list {
                let Ok(grant) = self.grant(*g) else { continue };
                if grant.window.contains(at) {
                    out.extend(self.role_closure(grant.role).iter().map(|r| (*r, *g)));
                }
            }
        };
        consider(self.grants_of_user(user), &mut out);
        for j in &p.jobs {
            consider(self.grants_of_job(*j), &mut out);
        }
        let mut seen_offices: Vec<OfficeId> = Vec::new();
        for o in &p.offices {
            let mut cursor = Some(*o);
            while let Some(office) = cursor {
                if seen_offices.contains(&office) {
                    break;
                }
                seen_offices.push(office);
                consider(self.grants_of_office(office), &mut out);
                cursor = self.offices[office.index()].parent;
            }
        }
        consider(self.grants_of_everyone(), &mut out);
        out.sort_unstable();
        out.dedup_by_key(|(r, _)| *r);
        Ok(out)
    }
}

/// Takes up to `limit` items and looks one further to know whether there is a next page.
fn paginate<T: Copy>(mut hits: impl Iterator<Item = T>, limit: usize, id: impl Fn(T) -> u32) -> Page<T> {
    let items: Vec<T> = hits.by_ref().take(limit).collect();
    let next = if items.len() == limit && hits.next().is_some() {
        items.last().map(|x| id(*x))
    } else {
        None
    };
    Page { items, next }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn bits_iterate_from_any_start() {
        let mut b = Bits::new(200);
        for i in [0, 1, 63, 64, 65, 127, 128, 199] {
            b.set(i);
        }
        assert_eq!(
            b.iter_from(0).collect::<Vec<_>>(),
            vec![0, 1, 63, 64, 65, 127, 128, 199]
        );
        assert_eq!(b.iter_from(2).collect::<Vec<_>>(), vec![63, 64, 65, 127, 128, 199]);
        assert_eq!(b.iter_from(64).collect::<Vec<_>>(), vec![64, 65, 127, 128, 199]);
        assert_eq!(b.iter_from(129).collect::<Vec<_>>(), vec![199]);
        assert_eq!(b.iter_from(200).count(), 0);
        assert!(b.test_and_set(63));
        assert!(!b.test_and_set(62));
    }
}
