//! Random small worlds for property tests.
//!
//! A [`Spec`] is a bag of small numbers that proptest can shrink; [`Spec::build`] turns it
//! into change-log events (references taken modulo the counts, parents always earlier so the
//! trees and the role graph stay acyclic) and restores a world from them. The worlds are tiny
//! but dense in the combinations that matter: several jobs per office, nested roles, grants to
//! every kind of grantee with validity windows, colleagues, dynamic entities, ceilings on
//! several tiers, clearance and Z3/C3 objects.

use adam_core::*;
use proptest::prelude::*;

/// The instants decisions are asked at; windows are built from the same grid.
pub const TIMES: [i64; 5] = [50, 100, 150, 200, 250];

pub fn window(raw: u8) -> Window {
    let ts = |i: usize| Some(Timestamp(TIMES[i]));
    match raw % 6 {
        0 | 1 => Window::ALWAYS,
        2 => Window { from: ts(1), to: ts(3) },
        3 => Window { from: ts(2), to: None },
        4 => Window { from: None, to: ts(1) },
        _ => Window { from: ts(1), to: ts(2) },
    }
}

pub fn level(raw: u8) -> Level {
    Level::ALL[usize::from(raw) % Level::ALL.len()]
}

fn class_of(z: u8, c: u8) -> Classification {
    let pick = |x: u8| SecurityClass::new([0, 0, 0, 1, 2, 3][usize::from(x) % 6]).unwrap();
    Classification {
        z: pick(z),
        c: pick(c),
        r: SecurityClass::NONE,
    }
}

/// carrier kind, carrier, kind, entity kind, entity, value, group value, window.
type RawEntry = (u8, u8, u8, u8, u8, u8, u8, u8);

#[derive(Clone, Debug)]
pub struct Spec {
    offices: Vec<u8>,
    jobs: Vec<(u8, u8)>,
    users: Vec<(u8, u8, Vec<u8>)>,
    roles: Vec<(u8, u8, u8, Vec<u8>)>,
    grants: Vec<(u8, u8, u8, u8)>,
    groups: Vec<(Vec<u8>, Vec<u8>)>,
    classes: Vec<u8>,
    folders: Vec<(u8, u8, u8, u8, [u8; 5])>,
    documents: Vec<(u8, u8, u8, [u8; 5])>,
    entries: Vec<RawEntry>,
    settings: (u8, [u8; 3]),
}

pub fn spec() -> impl Strategy<Value = Spec> {
    let n = || 0u8..=255;
    (
        prop::collection::vec(n(), 1..5),
        prop::collection::vec((n(), n()), 1..8),
        prop::collection::vec((n(), n(), prop::collection::vec(n(), 0..3)), 1..8),
        prop::collection::vec((n(), n(), n(), prop::collection::vec(n(), 0..3)), 1..7),
        prop::collection::vec((n(), n(), n(), n()), 0..10),
        prop::collection::vec(
            (prop::collection::vec(n(), 0..3), prop::collection::vec(n(), 0..2)),
            0..2,
        ),
        prop::collection::vec(n(), 1..4),
        prop::collection::vec((n(), n(), n(), n(), [n(), n(), n(), n(), n()]), 1..4),
        prop::collection::vec((n(), n(), n(), [n(), n(), n(), n(), n()]), 0..6),
        prop::collection::vec((n(), n(), n(), n(), n(), n(), n(), n()), 0..24),
        (n(), [n(), n(), n()]),
    )
        .prop_map(
            |(offices, jobs, users, roles, grants, groups, classes, folders, documents, entries, settings)| Spec {
                offices,
                jobs,
                users,
                roles,
                grants,
                groups,
                classes,
                folders,
                documents,
                entries,
                settings,
            },
        )
}

fn text(s: &str) -> Text {
    Text::parse("t", s).unwrap()
}

impl Spec {
    /// Without any ACL entry and without application-wide roles.
    pub fn without_acl(mut self) -> Spec {
        self.entries.clear();
        for r in &mut self.roles {
            r.2 = 0;
        }
        self
    }

    pub fn build(&self) -> World {
        let rev = Revision(1);
        let mut ev = Vec::new();
        let n_off = self.offices.len();
        for (i, raw) in self.offices.iter().enumerate() {
            let parent = if i == 0 || raw % 3 == 0 {
                None
            } else {
                Some(OfficeId(u32::from(*raw) % i as u32))
            };
            ev.push(Event::Office(Office {
                id: OfficeId(i as u32),
                code: Code::parse("c", &format!("O{i}")).unwrap(),
                name: text(&format!("Office {i}")),
                parent,
                signing_code: None,
                valid: true,
                rev,
            }));
        }
        let n_jobs = self.jobs.len();
        for (i, (office, valid)) in self.jobs.iter().enumerate() {
            ev.push(Event::Job(Job {
                id: JobId(i as u32),
                code: JobCode::parse("c", &format!("J{i}")).unwrap(),
                signing_code: None,
                name: text(&format!("Job {i}")),
                office: OfficeId(u32::from(*office) % n_off as u32),
                kind: JobKind::Regular,
                valid: valid % 5 != 0,
                rev,
            }));
        }
        let n_users = self.users.len();
        for (i, (kind, active, jobs)) in self.users.iter().enumerate() {
            let mut js: Vec<JobId> = jobs.iter().map(|j| JobId(u32::from(*j) % n_jobs as u32)).collect();
            js.sort_unstable();
            js.dedup();
            ev.push(Event::User(User {
                id: UserId(i as u32),
                username: Username::parse("u", &format!("u{i}")).unwrap(),
                kind: match kind % 10 {
                    8 => AccountKind::Admin,
                    9 => AccountKind::SystemUser,
                    _ => AccountKind::User,
                },
                active: active % 6 != 0,
                title: None,
                first_name: text("U"),
                last_name: text(&format!("{i}")),
                gender: Gender::Unspecified,
                email: Email::parse("e", &format!("u{i}@x.si")).unwrap(),
                phone: None,
                jobs: js,
                rev,
            }));
        }
        for a in 0..2u32 {
            ev.push(Event::Application(Application {
                id: AppId(a),
                code: Code::parse("c", &format!("A{a}")).unwrap(),
                name: text("App"),
                writer_role: None,
                rev,
            }));
        }
        let n_roles = self.roles.len();
        for (i, (kind, app, object_level, members)) in self.roles.iter().enumerate() {
            let is_app = kind % 2 == 0 || i == 0;
            let mut ms: Vec<RoleId> = if is_app {
                Vec::new()
            } else {
                members.iter().map(|m| RoleId(u32::from(*m) % i as u32)).collect()
            };
            ms.sort_unstable();
            ms.dedup();
            let object_level = (is_app && object_level % 4 == 1)
                .then(|| level(object_level / 4))
                .filter(|l| *l > Level::None);
            ev.push(Event::Role(Role {
                id: RoleId(i as u32),
                code: RoleCode::parse("c", &format!("R{i}")).unwrap(),
                kind: if is_app { RoleKind::Application } else { RoleKind::User },
                app: Some(AppId(u32::from(*app) % 2)),
                description: text("Role"),
                object_level,
                power: None,
                members: ms,
                rev,
            }));
        }
        for (i, (role, kind, idx, win)) in self.grants.iter().enumerate() {
            let grantee = match kind % 5 {
                0 | 1 => Grantee::User(UserId(u32::from(*idx) % n_users as u32)),
                2 => Grantee::Job(JobId(u32::from(*idx) % n_jobs as u32)),
                3 => Grantee::Office(OfficeId(u32::from(*idx) % n_off as u32)),
                _ => Grantee::Everyone,
            };
            ev.push(Event::Grant(Grant {
                id: GrantId(i as u32),
                role: RoleId(u32::from(*role) % n_roles as u32),
                grantee,
                window: window(*win),
                scope: None,
                reference: None,
                rev,
            }));
        }
        for (i, (users, jobs)) in self.groups.iter().enumerate() {
            let mut us: Vec<UserId> = users.iter().map(|u| UserId(u32::from(*u) % n_users as u32)).collect();
            let mut js: Vec<JobId> = jobs.iter().map(|j| JobId(u32::from(*j) % n_jobs as u32)).collect();
            us.sort_unstable();
            us.dedup();
            js.sort_unstable();
            js.dedup();
            ev.push(Event::Group(Group {
                id: GroupId(i as u32),
                code: Code::parse("c", &format!("G{i}")).unwrap(),
                name: text("Group"),
                users: us,
                jobs: js,
                rev,
            }));
        }
        let n_classes = self.classes.len();
        for (i, raw) in self.classes.iter().enumerate() {
            let parent = if i == 0 || raw % 2 == 0 {
                None
            } else {
                Some(ClassId(u32::from(*raw) % i as u32))
            };
            ev.push(Event::Class(FilingClass {
                id: ClassId(i as u32),
                code: Code::parse("c", &format!("C{i}")).unwrap(),
                name: text("Class"),
                parent,
                rev,
            }));
        }
        let workflow = |raw: &[u8; 5]| {
            let job = |x: u8| JobId(u32::from(x) % n_jobs as u32);
            let opt = |x: u8| (!x.is_multiple_of(3)).then(|| job(x / 3));
            Workflow {
                state: [ObjectState::Open, ObjectState::HandedOver, ObjectState::Closed][usize::from(raw[0]) % 3],
                creator: Creator {
                    user: UserId(u32::from(raw[1]) % n_users as u32),
                    job: job(raw[1] / 7),
                },
                responsible: opt(raw[2]),
                sender: opt(raw[3]),
                recipient: opt(raw[4]),
            }
        };
        let n_folders = self.folders.len();
        for (i, (app, class, z, c, wf)) in self.folders.iter().enumerate() {
            ev.push(Event::Folder(Folder {
                id: FolderId(i as u32),
                app: AppId(u32::from(*app) % 2),
                class: ClassId(u32::from(*class) % n_classes as u32),
                title: text("Folder"),
                classification: class_of(*z, *c),
                workflow: workflow(wf),
                rev,
            }));
        }
        let n_docs = self.documents.len();
        for (i, (folder, z, c, wf)) in self.documents.iter().enumerate() {
            ev.push(Event::Document(Document {
                id: DocumentId(i as u32),
                folder: FolderId(u32::from(*folder) % n_folders as u32),
                title: text("Document"),
                classification: class_of(*z, *c),
                workflow: workflow(wf),
                rev,
            }));
        }
        let n_groups = self.groups.len();
        for (next_entry, (carrier_kind, idx, kind, entity_kind, entity_idx, value, group, win)) in
            self.entries.iter().enumerate()
        {
            let carrier = match carrier_kind % 3 {
                0 => Carrier::Class(ClassId(u32::from(*idx) % n_classes as u32)),
                1 => Carrier::Folder(FolderId(u32::from(*idx) % n_folders as u32)),
                _ if n_docs > 0 => Carrier::Document(DocumentId(u32::from(*idx) % n_docs as u32)),
                _ => Carrier::Folder(FolderId(u32::from(*idx) % n_folders as u32)),
            };
            let e = u32::from(*entity_idx);
            let mut entity = match entity_kind % 12 {
                0 => Entity::Company,
                1 => Entity::Office(OfficeId(e % n_off as u32)),
                2 => Entity::Job(JobId(e % n_jobs as u32)),
                3 => Entity::User(UserId(e % n_users as u32)),
                4 => Entity::Role(RoleId(e % n_roles as u32)),
                5 if n_groups > 0 => Entity::Group(GroupId(e % n_groups as u32)),
                6 => Entity::Creator,
                7 => Entity::Responsible,
                8 => Entity::Sender,
                9 => Entity::Recipient,
                10 => Entity::DistMain,
                _ => Entity::Job(JobId(e % n_jobs as u32)),
            };
            if entity.is_object_relative() && matches!(carrier, Carrier::Class(_)) {
                entity = Entity::DistMain;
            }
            let value_index = usize::from(*value) % Level::ALL.len();
            let value = Level::ALL[value_index];
            let group_value = if entity.has_group() {
                Level::ALL[usize::from(*group) % (value_index + 1)]
            } else {
                value
            };
            ev.push(Event::Entry(AclEntry {
                id: EntryId(next_entry as u32),
                carrier,
                kind: if kind % 3 == 0 {
                    AclKind::MaxAllowed
                } else {
                    AclKind::Allowed
                },
                entity,
                value,
                group_value,
                window: window(*win),
                rev,
            }));
        }
        let (dist, clearance) = self.settings;
        let pick = |x: u8| (!x.is_multiple_of(3)).then(|| RoleId(u32::from(x) % n_roles as u32));
        let mut settings = Settings::new(text("Org"));
        settings.dist_main_role = pick(dist);
        settings.clearance_roles = [pick(clearance[0]), pick(clearance[1]), pick(clearance[2])];
        ev.push(Event::Settings(settings));
        World::restore(text("Org"), rev, ev).expect("generated world is consistent")
    }
}

/// Every object of a world.
pub fn objects(w: &World) -> Vec<ObjectRef> {
    let mut out: Vec<ObjectRef> = (0..w.folder_count() as u32)
        .map(|i| ObjectRef::Folder(FolderId(i)))
        .collect();
    out.extend((0..w.document_count() as u32).map(|i| ObjectRef::Document(DocumentId(i))));
    out
}

/// Every user id of a world.
pub fn users(w: &World) -> Vec<UserId> {
    (0..w.users().len() as u32).map(UserId).collect()
}
