//! A municipality built through the engine's commands, each plan persisted in a store and
//! committed to an in-memory world, plus the comparisons the tests make between worlds.

use adam_core::register::decree_roles::DecreeRole;
use adam_core::register::inventory::{ItemFields, ItemKind, Relation};
use adam_core::*;
use adam_store::{AuditContext, Store};

pub use adam_testkit::{t, text};

pub const NOW: &str = "2026-03-02T09:00:00Z";

pub fn org() -> Text {
    text("Mestna občina Koper")
}

pub fn context(actor: Actor, at: Timestamp) -> AuditContext {
    AuditContext {
        at,
        actor,
        source_ip: Some("192.0.2.10".to_owned()),
        application: Some("adam-test".to_owned()),
    }
}

/// An in-memory world that follows the store: every plan is committed to the store first,
/// then to the world, as the server does.
pub struct Driver<'s> {
    pub world: World,
    pub store: &'s dyn Store,
    pub at: Timestamp,
    pub plans: Vec<Plan>,
}

impl<'s> Driver<'s> {
    /// Initialises the store and loads the empty world from it.
    pub fn new(store: &'s dyn Store) -> Driver<'s> {
        store.initialise(&org()).unwrap();
        let world = store.load().unwrap();
        Driver {
            world,
            store,
            at: t(NOW),
            plans: Vec::new(),
        }
    }

    pub fn plan(&self, actor: Actor, command: Command) -> Plan {
        self.world
            .plan(&actor, command.clone(), self.at)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"))
    }

    pub fn run(&mut self, actor: Actor, command: Command) -> Option<Created> {
        let plan = self.plan(actor, command);
        self.store.commit(&plan, &context(actor, self.at)).unwrap();
        let created = plan.created;
        self.plans.push(plan.clone());
        self.world.commit(plan).unwrap();
        created
    }

    pub fn sys(&mut self, command: Command) -> Option<Created> {
        self.run(Actor::System, command)
    }
}

macro_rules! created {
    ($e:expr, $variant:ident) => {
        match $e {
            Some(Created::$variant(id)) => id,
            other => panic!("expected {}, got {other:?}", stringify!($variant)),
        }
    };
}

/// The ids of the scenario's records that the tests use afterwards.
#[allow(dead_code)]
pub struct Town {
    pub vpp: AppId,
    pub ana: UserId,
    pub ana_job: JobId,
    pub bojan: UserId,
    pub cene: UserId,
    pub cene_job: JobId,
    pub gregor: UserId,
    pub folder: FolderId,
    pub doc: DocumentId,
    pub class: ClassId,
    pub una: OfficeId,
}

pub fn role_cmd(code: &str, kind: RoleKind, app: Option<AppId>, level: Option<Level>, members: Vec<RoleId>) -> Command {
    Command::CreateRole {
        code: RoleCode::parse("code", code).unwrap(),
        kind,
        app,
        description: text(&format!("Description of {code}")),
        object_level: level,
        members,
    }
}

pub fn office_cmd(code: &str, parent: Option<OfficeId>) -> Command {
    Command::CreateOffice {
        code: Code::parse("code", code).unwrap(),
        name: text(&format!("Urad {code}")),
        parent,
        signing_code: None,
    }
}

pub fn job_cmd(code: &str, office: OfficeId) -> Command {
    Command::CreateJob {
        code: JobCode::parse("code", code).unwrap(),
        // Signing codes are unique across offices and jobs: one derived from the job's code.
        signing_code: Some(SigningCode::parse("signing_code", &signing_code_of(code)).unwrap()),
        name: text(code),
        office,
    }
}

/// A signing code of its own for each job code (FNV-1a of the code, in hex).
fn signing_code_of(code: &str) -> String {
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}", hash as u32)
}

pub fn user_cmd(username: &str, jobs: Vec<JobId>) -> Command {
    Command::CreateUser {
        username: Username::parse("username", username).unwrap(),
        kind: AccountKind::User,
        title: Some(text("mag.")),
        first_name: text(username),
        last_name: text("Test"),
        gender: Gender::Female,
        email: Email::parse("email", &format!("{username}@koper.si")).unwrap(),
        phone: Some(Phone::parse("phone", "05 611 7000").unwrap()),
        jobs,
    }
}

pub fn grant_cmd(role: RoleId, grantee: Grantee, window: Window) -> Command {
    Command::Grant {
        role,
        grantee,
        window,
        scope: None,
        reference: Some(text("req-2026/17")),
    }
}

/// Builds the municipality, exercising every kind of record and the orders the cold load must
/// cope with: an office moved under a later one, a class moved under a later one, a role
/// nesting a later role, an application's writing role, revoked grants and removed entries
/// (including the last of each), users with two jobs, a group, settings naming roles, and a
/// folder and its documents walked through the workflow.
pub fn build(d: &mut Driver<'_>) -> Town {
    d.sys(Command::Initialise);
    let vopi = created!(
        d.sys(Command::CreateApplication {
            code: Code::parse("code", "VOPI").unwrap(),
            name: text("VOPI"),
        }),
        Application
    );
    let vpp = created!(
        d.sys(Command::CreateApplication {
            code: Code::parse("code", "VPP").unwrap(),
            name: text("VPP"),
        }),
        Application
    );
    let vpp_write = created!(
        d.sys(role_cmd("VPP.write", RoleKind::Application, Some(vpp), None, vec![])),
        Role
    );
    let view_all = created!(
        d.sys(role_cmd(
            "VPP.view_all_documents",
            RoleKind::Application,
            Some(vpp),
            Some(Level::View14),
            vec![]
        )),
        Role
    );
    let vopi_glpi = created!(
        d.sys(role_cmd("VOPI/GLPI", RoleKind::Application, Some(vopi), None, vec![])),
        Role
    );
    let clearance_b = created!(
        d.sys(role_cmd(
            "DAPA_LEVEL_B",
            RoleKind::Application,
            Some(vopi),
            None,
            vec![]
        )),
        Role
    );
    let clearance_a = created!(
        d.sys(role_cmd(
            "DAPA_LEVEL_A",
            RoleKind::Application,
            Some(vopi),
            None,
            vec![]
        )),
        Role
    );
    let role_glpi = created!(
        d.sys(role_cmd("GLPI", RoleKind::User, None, None, vec![vopi_glpi])),
        Role
    );
    let leader_main = created!(
        d.sys(role_cmd("leader.main", RoleKind::User, None, None, vec![view_all])),
        Role
    );
    // A role created after GLPI, then nested inside it: the load must put GLPI's members
    // after every role exists.
    let vip_glpi = created!(
        d.sys(role_cmd("VIP/GLPI", RoleKind::User, Some(vopi), None, vec![])),
        Role
    );
    d.sys(Command::UpdateRole {
        role: role_glpi,
        description: text("Main office"),
        object_level: None,
        members: vec![vopi_glpi, vip_glpi],
        change: None,
    });
    d.sys(Command::UpdateApplication {
        app: vpp,
        name: text("VPP – vložišče"),
        writer_role: Some(vpp_write),
    });
    let mut settings = d.world.settings().clone();
    settings.dist_main_role = Some(role_glpi);
    settings.clearance_roles = [Some(clearance_b), Some(clearance_a), None];
    settings.reopen_role = Some(leader_main);
    d.sys(Command::SetSettings { settings, change: None });

    let glpi = created!(d.sys(office_cmd("GLPI", None)), Office);
    let un = created!(d.sys(office_cmd("UN", None)), Office);
    // UNA is created before UNB and then moved under it.
    let una = created!(d.sys(office_cmd("UNA", Some(un))), Office);
    let kzup = created!(d.sys(office_cmd("KZUP", None)), Office);
    let unb = created!(d.sys(office_cmd("UNB", Some(un))), Office);
    d.sys(Command::UpdateOffice {
        office: una,
        name: text("Urad UNA (pod UNB)"),
        parent: Some(unb),
        signing_code: Some(SigningCode::parse("signing_code", "2000").unwrap()),
    });
    let tok = created!(d.sys(office_cmd("TOK", None)), Office);

    let gregor_job = created!(d.sys(job_cmd("JOB.GLPI.01", glpi)), Job);
    let ana_job = created!(d.sys(job_cmd("JOB.UN.01", un)), Job);
    let bojan_job = created!(d.sys(job_cmd("JOB.UNA.01", una)), Job);
    let cene_job = created!(d.sys(job_cmd("JOB.KZUP.01", kzup)), Job);
    let tok_job = created!(d.sys(job_cmd("JOB.TOK.01", tok)), Job);
    let leader_kzup = d.world.job_by_code("LEADER.KZUP").unwrap();

    let gregor = created!(d.sys(user_cmd("gregor", vec![gregor_job])), User);
    let ana = created!(d.sys(user_cmd("ana", vec![ana_job])), User);
    let bojan = created!(d.sys(user_cmd("bojan", vec![bojan_job])), User);
    let cene = created!(d.sys(user_cmd("cene", vec![cene_job])), User);
    let leon = created!(d.sys(user_cmd("leon", vec![leader_kzup])), User);
    let uros = created!(d.sys(user_cmd("uros", vec![tok_job])), User);
    // Leon gets a second job, after his first: the order of a user's jobs is kept.
    d.sys(Command::AssignJob {
        user: leon,
        job: tok_job,
    });
    d.sys(Command::UpdateUser {
        user: uros,
        title: None,
        first_name: text("Uroš"),
        last_name: text("Novak"),
        gender: Gender::Male,
        email: Email::parse("email", "Uros.Novak@Koper.SI").unwrap(),
        phone: None,
    });
    d.sys(Command::SetUserActive {
        user: uros,
        active: false,
    });
    d.sys(Command::CreateGroup {
        code: Code::parse("code", "KOMISIJA").unwrap(),
        name: text("Komisija"),
        users: vec![ana, bojan],
        jobs: vec![cene_job],
    });

    d.sys(grant_cmd(vpp_write, Grantee::Everyone, Window::ALWAYS));
    d.sys(grant_cmd(clearance_b, Grantee::Everyone, Window::ALWAYS));
    d.sys(grant_cmd(role_glpi, Grantee::Job(gregor_job), Window::ALWAYS));
    let temporary = created!(
        d.sys(grant_cmd(
            leader_main,
            Grantee::User(bojan),
            Window::new(Some(t("2026-01-01")), Some(t("2026-06-01"))).unwrap()
        )),
        Grant
    );
    d.sys(grant_cmd(leader_main, Grantee::Job(leader_kzup), Window::ALWAYS));
    d.sys(grant_cmd(clearance_a, Grantee::Office(un), Window::ALWAYS));
    d.sys(Command::UpdateGrant {
        grant: temporary,
        window: Window::new(Some(t("2026-01-01")), Some(t("2026-09-01"))).unwrap(),
        reference: None,
    });
    // A grant revoked in the middle of the id space, and the last one revoked as well.
    let middle = created!(d.sys(grant_cmd(view_all, Grantee::User(uros), Window::ALWAYS)), Grant);
    d.sys(grant_cmd(view_all, Grantee::User(gregor), Window::ALWAYS));
    d.sys(Command::Revoke { grant: middle });
    let last = created!(
        d.sys(grant_cmd(view_all, Grantee::Job(cene_job), Window::ALWAYS)),
        Grant
    );
    d.sys(Command::Revoke { grant: last });

    // The filing plan: class 350 created first, then moved under the later 300.
    let class = created!(
        d.sys(Command::CreateClass {
            code: Code::parse("code", "350-05").unwrap(),
            name: text("Odmere"),
            parent: None,
        }),
        Class
    );
    let parent = created!(
        d.sys(Command::CreateClass {
            code: Code::parse("code", "300").unwrap(),
            name: text("Prostor"),
            parent: None,
        }),
        Class
    );
    d.sys(Command::UpdateClass {
        class,
        name: text("Odmere parcel"),
        parent: Some(parent),
    });
    d.sys(Command::AddEntry {
        carrier: Carrier::Class(parent),
        kind: AclKind::MaxAllowed,
        entity: Entity::Office(tok),
        value: Level::View13,
        group_value: None,
        window: Window::new(None, Some(t("2027-01-01"))).unwrap(),
    });

    // The workflow of Diagram 1 on a folder and two documents.
    let folder = created!(
        d.run(
            Actor::user(ana),
            Command::NewFolder {
                app: vpp,
                class,
                title: text("Odmera parcele 1234/5"),
                classification: Classification::confidential(SecurityClass::ONE),
            }
        ),
        Folder
    );
    let doc = created!(
        d.run(
            Actor::user(gregor),
            Command::NewDocument {
                folder,
                title: text("Vloga za odmero"),
                classification: Classification::PUBLIC,
            }
        ),
        Document
    );
    let own = created!(
        d.run(
            Actor::user(ana),
            Command::NewDocument {
                folder,
                title: text("Zapisnik"),
                classification: Classification {
                    z: SecurityClass::ONE,
                    c: SecurityClass::TWO,
                    r: SecurityClass::ONE,
                },
            }
        ),
        Document
    );
    d.run(
        Actor::user(gregor),
        Command::Notify {
            object: ObjectRef::Document(doc),
            jobs: vec![cene_job],
            users: vec![bojan],
        },
    );
    d.run(
        Actor::user(gregor),
        Command::HandOver {
            object: ObjectRef::Document(doc),
            to: cene_job,
        },
    );
    d.run(
        Actor::user(cene),
        Command::Accept {
            object: ObjectRef::Document(doc),
        },
    );
    d.run(
        Actor::user(cene),
        Command::Close {
            object: ObjectRef::Document(doc),
        },
    );
    d.run(
        Actor::user(gregor),
        Command::Reopen {
            object: ObjectRef::Document(doc),
        },
    );
    d.run(
        Actor::user(ana),
        Command::HandOver {
            object: ObjectRef::Folder(folder),
            to: cene_job,
        },
    );
    d.run(
        Actor::user(cene),
        Command::Reject {
            object: ObjectRef::Folder(folder),
        },
    );
    // ACL entries added by hand: one removed in the middle, then the last one removed.
    let middle = created!(
        d.run(
            Actor::user(ana),
            Command::AddEntry {
                carrier: Carrier::Document(own),
                kind: AclKind::Allowed,
                entity: Entity::User(leon),
                value: Level::View14,
                group_value: None,
                window: Window::ALWAYS,
            }
        ),
        Entry
    );
    d.run(
        Actor::user(ana),
        Command::AddEntry {
            carrier: Carrier::Folder(folder),
            kind: AclKind::Allowed,
            entity: Entity::Group(GroupId(0)),
            value: Level::View13,
            group_value: Some(Level::View11),
            window: Window::new(Some(t("2026-02-01")), None).unwrap(),
        },
    );
    d.run(Actor::user(ana), Command::RemoveEntry { entry: middle });
    let last = created!(
        d.run(
            Actor::user(ana),
            Command::AddEntry {
                carrier: Carrier::Folder(folder),
                kind: AclKind::Allowed,
                entity: Entity::Role(leader_main),
                value: Level::View12,
                group_value: None,
                window: Window::ALWAYS,
            }
        ),
        Entry
    );
    d.run(Actor::user(ana), Command::RemoveEntry { entry: last });
    d.run(
        Actor::user(ana),
        Command::Reclassify {
            object: ObjectRef::Document(own),
            classification: Classification::confidential(SecurityClass::TWO),
            reason: text("Contains personal data"),
        },
    );
    registers(d, vpp, ana);
    Town {
        vpp,
        ana,
        ana_job,
        bojan,
        cene,
        cene_job,
        gregor,
        folder,
        doc,
        class,
        una,
    }
}

pub(crate) use created;

/// The fields of an inventory item of the scenario.
pub fn item_fields(code: &str, custodian: UserId, application: Option<AppId>) -> ItemFields {
    ItemFields {
        code: Code::parse("code", code).unwrap(),
        name: text(code),
        description: Some(text("Iz scenarija")),
        custodian,
        operators: Vec::new(),
        label: None,
        own: true,
        key_server: true,
        high_risk: false,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application,
        last_reviewed: LocalDate::new(2025, 3, 1),
        review_due: None,
        attachments: Vec::new(),
    }
}

/// The registers of the scenario (issue #15), through the generic register rows: a system
/// serving VPP and an asset, a link removed (a tombstone) and made again, the asset classified
/// Z3 (so VPP's objects need a second factor from then on), an appointment and a scheme.
fn registers(d: &mut Driver<'_>, vpp: AppId, ana: UserId) {
    let system = created!(
        d.sys(Command::CreateItem {
            kind: ItemKind::System,
            fields: item_fields("VPP-SYS", ana, Some(vpp)),
        }),
        Item
    );
    let asset = created!(
        d.sys(Command::CreateItem {
            kind: ItemKind::Asset,
            fields: item_fields("PARCELS", ana, None),
        }),
        Item
    );
    let link = Command::LinkAsset {
        system,
        asset,
        relation: Relation::Stores,
        consent: None,
    };
    let first = created!(d.sys(link.clone()), Link);
    d.sys(Command::UnlinkAsset { link: first });
    d.sys(link);
    d.sys(Command::ClassifyItem {
        item: asset,
        class: Classification {
            z: SecurityClass::THREE,
            c: SecurityClass::ONE,
            r: SecurityClass::ONE,
        },
        protection_level: Some(text("visoka")),
    });
    d.sys(Command::AppointDecreeRole {
        role: DecreeRole::Head,
        user: ana,
        contact: None,
        appointment: Some(text("Sklep 1/2026")),
        since: LocalDate::new(2026, 1, 1).unwrap(),
    });
    d.sys(Command::SetClassScheme {
        regulation: text("Uredba o informacijski varnosti v državni upravi"),
        entries: vec![],
    });
}

/// Everything observable about a world's records (as adam-core's own property tests take it).
pub use adam_testkit::fingerprint;

pub fn objects(w: &World) -> Vec<ObjectRef> {
    let folders = w.folders().map(|f| ObjectRef::Folder(f.id));
    let documents = w.documents().map(|d| ObjectRef::Document(d.id));
    folders.chain(documents).collect()
}

fn all_lookup(w: &World, user: UserId, kind: ObjectKind, min: Level, at: Timestamp) -> Vec<ObjectRef> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = w.lookup(user, kind, min, at, Session::MFA, after, 2).unwrap();
        out.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

fn all_who(w: &World, object: ObjectRef, min: Level, at: Timestamp) -> Vec<UserId> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = w.who(object, min, at, Session::PASSWORD, after, 2).unwrap();
        out.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

/// Asserts that two worlds hold the same records and decide everything the same way: `check`
/// for every user, object, session and a few instants; `lookup` and `who` at every level; and
/// the ids the next records would get.
pub fn assert_same(loaded: &World, memory: &World) {
    assert_eq!(fingerprint(loaded), fingerprint(memory), "the records differ");
    let instants = [t("2025-12-31"), t(NOW), t("2026-08-31T23:59:59Z"), t("2026-09-01")];
    for u in memory.users() {
        for o in objects(memory) {
            for at in instants {
                for session in [Session::MFA, Session::PASSWORD] {
                    assert_eq!(
                        loaded.check(u.id, o, at, session).unwrap(),
                        memory.check(u.id, o, at, session).unwrap(),
                        "check({}, {o}, {at}, mfa {})",
                        u.id,
                        session.mfa
                    );
                }
            }
        }
        for min in &Level::ALL[1..] {
            for kind in [ObjectKind::Folder, ObjectKind::Document] {
                assert_eq!(
                    all_lookup(loaded, u.id, kind, *min, t(NOW)),
                    all_lookup(memory, u.id, kind, *min, t(NOW)),
                    "lookup({}, {kind:?}, {min})",
                    u.id
                );
            }
        }
    }
    for o in objects(memory) {
        for min in &Level::ALL[1..] {
            assert_eq!(
                all_who(loaded, o, *min, t(NOW)),
                all_who(memory, o, *min, t(NOW)),
                "who({o}, {min})"
            );
        }
    }
    assert_same_next_ids(loaded, memory);
}

/// The next grant and ACL entry get the same id in both worlds (an id is never reused, even
/// after the last one was revoked or removed).
pub fn assert_same_next_ids(loaded: &World, memory: &World) {
    let role = memory.roles().iter().find(|r| r.kind == RoleKind::Application);
    let (Some(role), Some(class)) = (role, memory.classes().next()) else {
        return;
    };
    let grant = grant_cmd(
        role.id,
        Grantee::Everyone,
        Window::new(Some(t("2030-01-01")), None).unwrap(),
    );
    let entry = Command::AddEntry {
        carrier: Carrier::Class(class.id),
        kind: AclKind::Allowed,
        entity: Entity::Company,
        value: Level::View11,
        group_value: None,
        window: Window::new(Some(t("2030-01-01")), None).unwrap(),
    };
    let commands = [grant, entry];
    // And the next link between a system and an asset (removed links keep their ids).
    let system = memory.items().iter().find(|i| i.kind == ItemKind::System);
    let asset = memory.items().iter().rfind(|i| i.kind == ItemKind::Asset);
    if let (Some(system), Some(_)) = (system, asset) {
        let fresh = memory
            .plan(
                &Actor::System,
                Command::CreateItem {
                    kind: ItemKind::Asset,
                    fields: item_fields("NEXT-ASSET", system.fields.custodian, None),
                },
                t(NOW),
            )
            .unwrap();
        assert_eq!(
            fresh.created,
            loaded
                .plan(
                    &Actor::System,
                    Command::CreateItem {
                        kind: ItemKind::Asset,
                        fields: item_fields("NEXT-ASSET", system.fields.custodian, None),
                    },
                    t(NOW),
                )
                .unwrap()
                .created
        );
        let mut memory_next = memory.clone();
        let mut loaded_next = loaded.clone();
        memory_next.commit(fresh.clone()).unwrap();
        loaded_next
            .commit(loaded.plan(&Actor::System, fresh.command.clone(), t(NOW)).unwrap())
            .unwrap();
        let Some(Created::Item(new_asset)) = fresh.created else {
            panic!("{:?}", fresh.created)
        };
        let link = Command::LinkAsset {
            system: system.id,
            asset: new_asset,
            relation: Relation::Handles,
            consent: None,
        };
        let a = loaded_next.plan(&Actor::System, link.clone(), t(NOW)).unwrap();
        let b = memory_next.plan(&Actor::System, link, t(NOW)).unwrap();
        assert_eq!(a.created, b.created, "the next link id differs");
    }
    for command in commands {
        let a = loaded.plan(&Actor::System, command.clone(), t(NOW)).unwrap();
        let b = memory.plan(&Actor::System, command, t(NOW)).unwrap();
        assert_eq!(a.created, b.created, "the next id differs");
        assert_eq!(a.events, b.events);
    }
}
