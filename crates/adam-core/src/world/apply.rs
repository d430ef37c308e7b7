//! Applying one event to the world, keeping every index in step.
//!
//! Each `put_*` first checks everything it needs (references exist, codes are free, no cycle),
//! and only then mutates, so an event that does not fit leaves the world untouched and
//! reports [`Error::State(StateError::Corrupt)`]. The planner in `command.rs` has already checked the business
//! rules; these checks guard the change log itself.

use super::{Node, Record, World};
use crate::acl::AclEntry;
use crate::directory::{Group, Job, Office, User};
use crate::error::{AclError, DirectoryError, Error, FilingError, RoleError, StateError};
use crate::event::{Event, Payload};
use crate::ids::*;
use crate::records::{Carrier, Document, FilingClass, Folder, Workflow};
use crate::roles::{Application, Grant, Grantee, Role, RoleKind};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

fn corrupt(what: impl Into<String>) -> Error {
    Error::State(StateError::Corrupt(what.into()))
}

fn claim_code<T: Copy + PartialEq>(
    map: &FxHashMap<String, T>,
    code: &str,
    id: T,
    kind: &'static str,
) -> Result<(), Error> {
    match map.get(code) {
        Some(owner) if *owner != id => Err(Error::Directory(DirectoryError::DuplicateCode {
            kind,
            code: code.to_owned(),
        })),
        _ => Ok(()),
    }
}

fn rekey<T: Copy>(map: &mut FxHashMap<String, T>, old: &str, new: &str, id: T) {
    if old != new {
        map.remove(old);
    }
    map.insert(new.to_owned(), id);
}

fn remove_item<T: PartialEq>(list: &mut Vec<T>, item: &T) {
    if let Some(pos) = list.iter().position(|x| x == item) {
        list.remove(pos);
    }
}

/// Where a new record goes: appended (`None`) or replacing the one at the index.
fn slot(index: usize, len: usize, what: &str) -> Result<Option<usize>, Error> {
    match index.cmp(&len) {
        std::cmp::Ordering::Less => Ok(Some(index)),
        std::cmp::Ordering::Equal => Ok(None),
        std::cmp::Ordering::Greater => Err(corrupt(format!("{what} id {index} skips ahead of {len}"))),
    }
}

/// How a record of a register kind enters the world: the records it names checked, its
/// indexes kept in step. On error nothing has changed. Each register kind implements it beside
/// its table (`world/registers.rs`, `integrity.rs`, `processes.rs`, `matrices.rs`,
/// `continuity.rs`).
pub(crate) trait Put: Record {
    /// Puts the record (new or changed) into `world`.
    fn put(self, world: &mut World) -> Result<(), Error>;
}

/// `World::apply`, its register arms from the register list (`event::register_kinds!`), so
/// the match stays exhaustive and a new register kind needs no line here.
macro_rules! apply {
    ($( $(#[$doc:meta])* $var:ident($payload:ty): $rec:ty = $kind:ident, )*) => {
        impl World {
            /// Applies one event. On error nothing has changed.
            pub fn apply(&mut self, event: Event) -> Result<(), Error> {
                match event {
                    Event::Settings(s) => {
                        for role in s
                            .clearance_roles
                            .iter()
                            .chain([&s.dist_main_role, &s.reopen_role])
                            .flatten()
                        {
                            self.role(*role)?;
                        }
                        self.settings = s;
                        Ok(())
                    }
                    Event::Office(o) => self.put_office(o),
                    Event::Job(j) => self.put_job(j),
                    Event::User(u) => self.put_user(u),
                    Event::Group(g) => self.put_group(g),
                    Event::Application(a) => self.put_application(a),
                    Event::Role(r) => self.put_role(r),
                    Event::Grant(g) => self.put_grant(g),
                    Event::GrantRemoved(id) => self.remove_grant(id),
                    Event::Class(c) => self.put_class(c),
                    Event::Folder(f) => self.put_folder(f),
                    Event::Document(d) => self.put_document(d),
                    Event::Entry(e) => self.put_entry(e),
                    Event::EntryRemoved(id) => self.remove_entry(id),
                    Event::LinkRemoved(id) => self.remove_link(id),
                    $( Event::$var(r) => Put::put(Payload::<$rec>::into_record(r), self), )*
                }
            }
        }
    };
}
crate::event::register_kinds!(apply);

impl World {
    fn put_office(&mut self, o: Office) -> Result<(), Error> {
        let existing = slot(o.id.index(), self.offices.len(), "office")?;
        claim_code(&self.idx.office_code, o.code.as_str(), o.id, "office")?;
        if let Some(p) = o.parent {
            self.office(p)?;
            if existing.is_some() && self.office_within(p, o.id) {
                return Err(Error::Directory(DirectoryError::OfficeCycle {
                    office: o.id,
                    parent: p,
                }));
            }
        }
        let idx = &mut self.idx;
        match existing {
            None => {
                idx.office_code.insert(o.code.as_str().to_owned(), o.id);
                idx.office_children.push(Vec::new());
                idx.office_jobs.push(Vec::new());
                idx.grants_of_office.push(Vec::new());
                match o.parent {
                    Some(p) => idx.office_children[p.index()].push(o.id),
                    None => idx.top_offices.push(o.id),
                }
                self.offices.push(o);
            }
            Some(i) => {
                let old = &self.offices[i];
                rekey(&mut idx.office_code, old.code.as_str(), o.code.as_str(), o.id);
                if old.parent != o.parent {
                    match old.parent {
                        Some(p) => remove_item(&mut idx.office_children[p.index()], &o.id),
                        None => remove_item(&mut idx.top_offices, &o.id),
                    }
                    match o.parent {
                        Some(p) => idx.office_children[p.index()].push(o.id),
                        None => idx.top_offices.push(o.id),
                    }
                }
                self.offices[i] = o;
            }
        }
        Ok(())
    }

    fn put_job(&mut self, j: Job) -> Result<(), Error> {
        let existing = slot(j.id.index(), self.jobs.len(), "job")?;
        claim_code(&self.idx.job_code, j.code.as_str(), j.id, "job")?;
        self.office(j.office)?;
        let idx = &mut self.idx;
        match existing {
            None => {
                idx.job_code.insert(j.code.as_str().to_owned(), j.id);
                idx.office_jobs[j.office.index()].push(j.id);
                idx.job_occupants.push(Vec::new());
                idx.grants_of_job.push(Vec::new());
                self.jobs.push(j);
            }
            Some(i) => {
                let old = &self.jobs[i];
                rekey(&mut idx.job_code, old.code.as_str(), j.code.as_str(), j.id);
                if old.office != j.office {
                    remove_item(&mut idx.office_jobs[old.office.index()], &j.id);
                    idx.office_jobs[j.office.index()].push(j.id);
                }
                self.jobs[i] = j;
            }
        }
        Ok(())
    }

    fn put_user(&mut self, u: User) -> Result<(), Error> {
        let existing = slot(u.id.index(), self.users.len(), "user")?;
        claim_code(&self.idx.username, u.username.as_str(), u.id, "username")?;
        let mut seen = BTreeSet::new();
        for j in &u.jobs {
            self.job(*j)?;
            if !seen.insert(*j) {
                return Err(Error::Directory(DirectoryError::AlreadyAssigned {
                    user: u.id,
                    job: *j,
                }));
            }
        }
        let idx = &mut self.idx;
        let (old_jobs, old_email) = match existing {
            None => (Vec::new(), None),
            Some(i) => (self.users[i].jobs.clone(), Some(self.users[i].email.key())),
        };
        for j in old_jobs.iter().filter(|j| !u.jobs.contains(j)) {
            remove_item(&mut idx.job_occupants[j.index()], &u.id);
        }
        for j in u.jobs.iter().filter(|j| !old_jobs.contains(j)) {
            idx.job_occupants[j.index()].push(u.id);
        }
        let new_email = u.email.key();
        if old_email.as_deref() != Some(new_email.as_str()) {
            if let Some(old) = old_email
                && let Some(list) = idx.email.get_mut(&old)
            {
                remove_item(list, &u.id);
                if list.is_empty() {
                    idx.email.remove(&old);
                }
            }
            let list = idx.email.entry(new_email).or_default();
            let at = list.partition_point(|x| *x < u.id);
            list.insert(at, u.id);
        }
        match existing {
            None => {
                idx.username.insert(u.username.as_str().to_owned(), u.id);
                idx.grants_of_user.push(Vec::new());
                self.users.push(u);
            }
            Some(i) => {
                rekey(
                    &mut idx.username,
                    self.users[i].username.as_str(),
                    u.username.as_str(),
                    u.id,
                );
                self.users[i] = u;
            }
        }
        Ok(())
    }

    fn put_group(&mut self, g: Group) -> Result<(), Error> {
        let existing = slot(g.id.index(), self.groups.len(), "group")?;
        claim_code(&self.idx.group_code, g.code.as_str(), g.id, "group")?;
        for u in &g.users {
            self.user(*u)?;
        }
        for j in &g.jobs {
            self.job(*j)?;
        }
        let idx = &mut self.idx;
        let (old_users, old_jobs) = match existing {
            None => (Vec::new(), Vec::new()),
            Some(i) => (self.groups[i].users.clone(), self.groups[i].jobs.clone()),
        };
        for u in old_users.iter().filter(|u| !g.users.contains(u)) {
            if let Some(list) = idx.groups_of_user.get_mut(u) {
                remove_item(list, &g.id);
            }
        }
        for u in g.users.iter().filter(|u| !old_users.contains(u)) {
            idx.groups_of_user.entry(*u).or_default().push(g.id);
        }
        for j in old_jobs.iter().filter(|j| !g.jobs.contains(j)) {
            if let Some(list) = idx.groups_of_job.get_mut(j) {
                remove_item(list, &g.id);
            }
        }
        for j in g.jobs.iter().filter(|j| !old_jobs.contains(j)) {
            idx.groups_of_job.entry(*j).or_default().push(g.id);
        }
        match existing {
            None => {
                idx.group_code.insert(g.code.as_str().to_owned(), g.id);
                self.groups.push(g);
            }
            Some(i) => {
                rekey(&mut idx.group_code, self.groups[i].code.as_str(), g.code.as_str(), g.id);
                self.groups[i] = g;
            }
        }
        Ok(())
    }

    fn put_application(&mut self, a: Application) -> Result<(), Error> {
        let existing = slot(a.id.index(), self.apps.len(), "application")?;
        claim_code(&self.idx.app_code, a.code.as_str(), a.id, "application")?;
        if let Some(r) = a.writer_role {
            self.role(r)?;
        }
        let idx = &mut self.idx;
        match existing {
            None => {
                idx.app_code.insert(a.code.as_str().to_owned(), a.id);
                idx.app_wide.push(Vec::new());
                idx.app_folders.push(Vec::new());
                self.apps.push(a);
            }
            Some(i) => {
                rekey(&mut idx.app_code, self.apps[i].code.as_str(), a.code.as_str(), a.id);
                self.apps[i] = a;
            }
        }
        Ok(())
    }

    fn put_role(&mut self, r: Role) -> Result<(), Error> {
        let existing = slot(r.id.index(), self.roles.len(), "role")?;
        claim_code(&self.idx.role_code, r.code.as_str(), r.id, "role")?;
        if let Some(a) = r.app {
            self.application(a)?;
        }
        let old_members: Vec<RoleId> = existing.map(|i| self.roles[i].members.clone()).unwrap_or_default();
        for m in &r.members {
            self.role(*m)?;
            // A new edge r → m closes a cycle when r is already inside m.
            if existing.is_some() && !old_members.contains(m) && self.role_closure(*m).binary_search(&r.id).is_ok() {
                return Err(Error::Roles(RoleError::RoleCycle {
                    path: vec![
                        r.code.to_string(),
                        self.roles[m.index()].code.to_string(),
                        r.code.to_string(),
                    ],
                }));
            }
            if *m == r.id {
                return Err(Error::Roles(RoleError::RoleCycle {
                    path: vec![r.code.to_string(), r.code.to_string()],
                }));
            }
        }
        let old_wide = existing.and_then(|i| app_wide_of(&self.roles[i]));
        let new_wide = app_wide_of(&r);
        let idx = &mut self.idx;
        if let Some((app, _)) = old_wide {
            idx.app_wide[app.index()].retain(|(role, _)| *role != r.id);
        }
        if let Some((app, level)) = new_wide {
            idx.app_wide[app.index()].push((r.id, level));
        }
        let id = r.id;
        let new_members = r.members.clone();
        match existing {
            None => {
                idx.role_code.insert(r.code.as_str().to_owned(), r.id);
                idx.role_parents.push(Vec::new());
                idx.role_down.push(vec![r.id]);
                idx.role_up.push(vec![r.id]);
                idx.grants_of_role.push(Vec::new());
                self.roles.push(r);
            }
            Some(i) => {
                rekey(&mut idx.role_code, self.roles[i].code.as_str(), r.code.as_str(), r.id);
                self.roles[i] = r;
            }
        }
        if old_members != new_members {
            for m in old_members.iter().filter(|m| !new_members.contains(m)) {
                remove_item(&mut self.idx.role_parents[m.index()], &id);
            }
            for m in new_members.iter().filter(|m| !old_members.contains(m)) {
                self.idx.role_parents[m.index()].push(id);
            }
            self.recompute_role_closures(id, &old_members, &new_members);
        }
        Ok(())
    }

    /// Recomputes the closures touched by a change of `role`'s members: the "down" sets of
    /// the role and everything containing it, and the "up" sets of everything inside it
    /// before or after. The rest of the role graph is untouched.
    fn recompute_role_closures(&mut self, role: RoleId, old: &[RoleId], new: &[RoleId]) {
        let ups = self.walk_roles(role, |w, r| &w.idx.role_parents[r.index()]);
        for r in ups {
            let down = self.walk_roles(r, |w, x| &w.roles[x.index()].members);
            self.idx.role_down[r.index()] = down;
        }
        let mut downs: BTreeSet<RoleId> = BTreeSet::new();
        for m in old.iter().chain(new) {
            downs.extend(self.walk_roles(*m, |w, x| &w.roles[x.index()].members));
        }
        for r in downs {
            let up = self.walk_roles(r, |w, x| &w.idx.role_parents[x.index()]);
            self.idx.role_up[r.index()] = up;
        }
    }

    /// Every role reachable from `start` along `next`, including `start`, sorted.
    fn walk_roles<'a>(&'a self, start: RoleId, next: impl Fn(&'a World, RoleId) -> &'a Vec<RoleId>) -> Vec<RoleId> {
        let mut seen = BTreeSet::from([start]);
        let mut stack = vec![start];
        while let Some(r) = stack.pop() {
            for n in next(self, r) {
                if seen.insert(*n) {
                    stack.push(*n);
                }
            }
        }
        seen.into_iter().collect()
    }

    fn put_grant(&mut self, g: Grant) -> Result<(), Error> {
        // Revoked grants leave empty slots, so a world restored from tables may skip ids.
        let existing = (g.id.index() < self.grants.len()).then_some(g.id.index());
        self.role(g.role)?;
        match g.grantee {
            Grantee::User(u) => self.user(u).map(drop)?,
            Grantee::Job(j) => self.job(j).map(drop)?,
            Grantee::Office(o) => self.office(o).map(drop)?,
            Grantee::Everyone => {}
        }
        if let Some(o) = g.scope {
            self.office(o)?;
        }
        if let Some(i) = existing {
            let old = self.grants[i]
                .take()
                .ok_or_else(|| corrupt(format!("grant {} was revoked", g.id)))?;
            self.unindex_grant(&old);
        } else {
            self.grants.resize(g.id.index() + 1, None);
        }
        self.index_grant(&g);
        let i = g.id.index();
        self.grants[i] = Some(g);
        Ok(())
    }

    fn remove_grant(&mut self, id: GrantId) -> Result<(), Error> {
        let old = self
            .grants
            .get_mut(id.index())
            .and_then(Option::take)
            .ok_or(Error::Roles(RoleError::UnknownGrant(id)))?;
        self.unindex_grant(&old);
        Ok(())
    }

    fn grant_list(&mut self, grantee: Grantee) -> &mut Vec<GrantId> {
        match grantee {
            Grantee::User(u) => &mut self.idx.grants_of_user[u.index()],
            Grantee::Job(j) => &mut self.idx.grants_of_job[j.index()],
            Grantee::Office(o) => &mut self.idx.grants_of_office[o.index()],
            Grantee::Everyone => &mut self.idx.grants_of_everyone,
        }
    }

    fn index_grant(&mut self, g: &Grant) {
        self.grant_list(g.grantee).push(g.id);
        self.idx.grants_of_role[g.role.index()].push(g.id);
    }

    fn unindex_grant(&mut self, g: &Grant) {
        remove_item(self.grant_list(g.grantee), &g.id);
        remove_item(&mut self.idx.grants_of_role[g.role.index()], &g.id);
    }

    fn put_class(&mut self, c: FilingClass) -> Result<(), Error> {
        let existing = slot(c.id.index(), self.classes.len(), "filing class")?;
        claim_code(&self.idx.class_code, c.code.as_str(), c.id, "filing class")?;
        if let Some(p) = c.parent {
            self.class(p)?;
            if existing.is_some() && self.class_within(p, c.id) {
                return Err(Error::Filing(FilingError::ClassCycle { class: c.id, parent: p }));
            }
        }
        let idx = &mut self.idx;
        match existing {
            None => {
                idx.class_code.insert(c.code.as_str().to_owned(), c.id);
                idx.class_children.push(Vec::new());
                idx.class_folders.push(Vec::new());
                match c.parent {
                    Some(p) => idx.class_children[p.index()].push(c.id),
                    None => idx.top_classes.push(c.id),
                }
                self.classes.push(Node {
                    rec: c,
                    acl: Vec::new(),
                });
            }
            Some(i) => {
                let old = &self.classes[i].rec;
                rekey(&mut idx.class_code, old.code.as_str(), c.code.as_str(), c.id);
                if old.parent != c.parent {
                    match old.parent {
                        Some(p) => remove_item(&mut idx.class_children[p.index()], &c.id),
                        None => remove_item(&mut idx.top_classes, &c.id),
                    }
                    match c.parent {
                        Some(p) => idx.class_children[p.index()].push(c.id),
                        None => idx.top_classes.push(c.id),
                    }
                }
                self.classes[i].rec = c;
            }
        }
        Ok(())
    }

    fn check_workflow(&self, w: &Workflow) -> Result<(), Error> {
        self.user(w.creator.user)?;
        for j in [Some(w.creator.job), w.responsible, w.sender, w.recipient]
            .into_iter()
            .flatten()
        {
            self.job(j)?;
        }
        Ok(())
    }

    fn put_folder(&mut self, f: Folder) -> Result<(), Error> {
        let existing = slot(f.id.index(), self.folders.len(), "folder")?;
        self.application(f.app)?;
        self.class(f.class)?;
        self.check_workflow(&f.workflow)?;
        match existing {
            None => {
                self.idx.class_folders[f.class.index()].push(f.id);
                self.idx.app_folders[f.app.index()].push(f.id);
                self.idx.folder_docs.push(Vec::new());
                self.folders.push(Node {
                    rec: f,
                    acl: Vec::new(),
                });
            }
            Some(i) => {
                let node = &mut self.folders[i];
                if node.rec.class != f.class {
                    remove_item(&mut self.idx.class_folders[node.rec.class.index()], &f.id);
                    self.idx.class_folders[f.class.index()].push(f.id);
                }
                if node.rec.app != f.app {
                    remove_item(&mut self.idx.app_folders[node.rec.app.index()], &f.id);
                    self.idx.app_folders[f.app.index()].push(f.id);
                }
                repost(&mut self.idx.postings, &node.acl, &node.rec.workflow, &f.workflow);
                node.rec = f;
            }
        }
        Ok(())
    }

    fn put_document(&mut self, d: Document) -> Result<(), Error> {
        let existing = slot(d.id.index(), self.documents.len(), "document")?;
        self.folder(d.folder)?;
        self.check_workflow(&d.workflow)?;
        match existing {
            None => {
                let docs = &mut self.idx.folder_docs[d.folder.index()];
                let at = docs.partition_point(|x| *x < d.id);
                docs.insert(at, d.id);
                self.documents.push(Node {
                    rec: d,
                    acl: Vec::new(),
                });
            }
            Some(i) => {
                let node = &mut self.documents[i];
                if node.rec.folder != d.folder {
                    remove_item(&mut self.idx.folder_docs[node.rec.folder.index()], &d.id);
                    let docs = &mut self.idx.folder_docs[d.folder.index()];
                    let at = docs.partition_point(|x| *x < d.id);
                    docs.insert(at, d.id);
                }
                repost(&mut self.idx.postings, &node.acl, &node.rec.workflow, &d.workflow);
                node.rec = d;
            }
        }
        Ok(())
    }

    fn put_entry(&mut self, e: AclEntry) -> Result<(), Error> {
        // Removed entries leave empty slots; a world restored from tables skips over them.
        if e.id.index() > self.entry_carrier.len() {
            self.acl(e.carrier)?;
            self.check_entity(e)?;
            self.entry_carrier.resize(e.id.index(), None);
        }
        let existing = slot(e.id.index(), self.entry_carrier.len(), "ACL entry")?;
        self.acl(e.carrier)?;
        self.check_entity(e)?;
        if let Some(i) = existing {
            let carrier = self.entry_carrier[i].ok_or_else(|| corrupt(format!("entry {} was removed", e.id)))?;
            if carrier != e.carrier {
                return Err(corrupt(format!(
                    "entry {} cannot move from {carrier} to {}",
                    e.id, e.carrier
                )));
            }
        }
        let workflow = self.workflow_of(e.carrier);
        let acl = acl_mut(&mut self.classes, &mut self.folders, &mut self.documents, e.carrier)?;
        match existing {
            None => {
                acl.push(e);
                self.idx.postings.post(&e, workflow.as_ref());
                self.entry_carrier.push(Some(e.carrier));
            }
            Some(_) => {
                let pos = acl
                    .iter()
                    .position(|x| x.id == e.id)
                    .ok_or_else(|| corrupt(format!("entry {} missing from {}", e.id, e.carrier)))?;
                self.idx.postings.unpost(&acl[pos], workflow.as_ref());
                acl[pos] = e;
                self.idx.postings.post(&e, workflow.as_ref());
            }
        }
        Ok(())
    }

    fn check_entity(&self, e: AclEntry) -> Result<(), Error> {
        use crate::acl::Entity;
        match e.entity {
            Entity::Office(o) => self.office(o).map(drop),
            Entity::Job(j) => self.job(j).map(drop),
            Entity::User(u) => self.user(u).map(drop),
            Entity::Role(r) => self.role(r).map(drop),
            Entity::Group(g) => self.group(g).map(drop),
            other if other.is_object_relative() && matches!(e.carrier, Carrier::Class(_)) => {
                Err(Error::Acl(AclError::DynamicEntityOnClass {
                    entity: other.to_string(),
                }))
            }
            _ => Ok(()),
        }
    }

    fn remove_entry(&mut self, id: EntryId) -> Result<(), Error> {
        let carrier = self
            .entry_carrier
            .get(id.index())
            .copied()
            .flatten()
            .ok_or(Error::Acl(AclError::UnknownEntry(id)))?;
        let workflow = self.workflow_of(carrier);
        let acl = acl_mut(&mut self.classes, &mut self.folders, &mut self.documents, carrier)?;
        let pos = acl
            .iter()
            .position(|x| x.id == id)
            .ok_or_else(|| corrupt(format!("entry {id} missing from {carrier}")))?;
        let old = acl.remove(pos);
        self.idx.postings.unpost(&old, workflow.as_ref());
        self.entry_carrier[id.index()] = None;
        Ok(())
    }

    /// A copy of a carrier's workflow attributes (classes have none).
    fn workflow_of(&self, carrier: Carrier) -> Option<Workflow> {
        match carrier {
            Carrier::Class(_) => None,
            Carrier::Folder(id) => self.folders.get(id.index()).map(|n| n.rec.workflow),
            Carrier::Document(id) => self.documents.get(id.index()).map(|n| n.rec.workflow),
        }
    }
}

/// The entry list of a carrier, borrowed from the record vectors alone so the postings can be
/// updated at the same time.
fn acl_mut<'a>(
    classes: &'a mut [Node<FilingClass>],
    folders: &'a mut [Node<Folder>],
    documents: &'a mut [Node<Document>],
    carrier: Carrier,
) -> Result<&'a mut Vec<AclEntry>, Error> {
    match carrier {
        Carrier::Class(id) => classes
            .get_mut(id.index())
            .map(|n| &mut n.acl)
            .ok_or(Error::Filing(FilingError::UnknownClass(id))),
        Carrier::Folder(id) => folders
            .get_mut(id.index())
            .map(|n| &mut n.acl)
            .ok_or(Error::Filing(FilingError::UnknownFolder(id))),
        Carrier::Document(id) => documents
            .get_mut(id.index())
            .map(|n| &mut n.acl)
            .ok_or(Error::Filing(FilingError::UnknownDocument(id))),
    }
}

/// The application-wide level a role carries, if it is an application role with one.
fn app_wide_of(r: &Role) -> Option<(AppId, crate::level::Level)> {
    match (r.kind, r.app, r.object_level) {
        (RoleKind::Application, Some(app), Some(level)) if level > crate::level::Level::None => Some((app, level)),
        _ => None,
    }
}

/// Re-posts the dynamic entries of a carrier whose workflow attributes changed.
fn repost(postings: &mut super::Postings, acl: &[AclEntry], old: &Workflow, new: &Workflow) {
    if old == new {
        return;
    }
    for e in acl.iter().filter(|e| e.entity.is_object_relative()) {
        postings.unpost(e, Some(old));
        postings.post(e, Some(new));
    }
}
