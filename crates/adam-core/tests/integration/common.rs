//! A small municipality built through the public command API, shared by the tests.

#![allow(dead_code)]

use adam_core::*;
use std::cell::RefCell;

thread_local! {
    /// The change sets of the commands run through [`sys`] and [`run_as`] while [`recording`]
    /// runs (the change-log golden test needs the log of a world built by the shared builders).
    static RECORDED: RefCell<Option<Vec<ChangeSet>>> = const { RefCell::new(None) };
}

/// Runs `build` and returns what it made with the change sets it committed, in order.
pub fn recording<T>(build: impl FnOnce() -> T) -> (T, Vec<ChangeSet>) {
    RECORDED.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let made = build();
    let log = RECORDED.with(|r| r.borrow_mut().take()).unwrap_or_default();
    (made, log)
}

/// Runs a command as `actor`, keeping its change set when [`recording`].
pub fn run_as(w: &mut World, actor: &Actor, command: Command) -> Plan {
    let plan = w.execute(actor, command, t(NOW)).expect("command");
    RECORDED.with(|r| {
        if let Some(log) = r.borrow_mut().as_mut() {
            log.push(plan.change_set());
        }
    });
    plan
}

pub use adam_testkit::{t, text};

pub const NOW: &str = "2026-03-02T09:00:00Z";

/// Plans `command` as `actor`, expects a refusal, and checks the world is untouched.
pub fn refused(w: &World, actor: Actor, command: Command) -> Error {
    let before = crate::properties::fingerprint(w);
    let err = w
        .plan(&actor, command, t(NOW))
        .expect_err("the command should be refused");
    assert_eq!(
        crate::properties::fingerprint(w),
        before,
        "a refused command changed the world"
    );
    err
}

/// Runs a command as the console and returns what it created.
pub fn sys(w: &mut World, command: Command) -> Option<Created> {
    run_as(w, &Actor::System, command).created
}

pub fn office(w: &mut World, code: &str, name: &str, parent: Option<OfficeId>) -> OfficeId {
    match sys(
        w,
        Command::CreateOffice {
            code: Code::parse("code", code).unwrap(),
            name: text(name),
            parent,
            signing_code: None,
        },
    ) {
        Some(Created::Office(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn job(w: &mut World, code: &str, office: OfficeId) -> JobId {
    match sys(
        w,
        Command::CreateJob {
            code: JobCode::parse("code", code).unwrap(),
            signing_code: None,
            name: text(code),
            office,
        },
    ) {
        Some(Created::Job(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn user(w: &mut World, username: &str, kind: AccountKind, jobs: Vec<JobId>) -> UserId {
    match sys(
        w,
        Command::CreateUser {
            username: Username::parse("username", username).unwrap(),
            kind,
            title: None,
            first_name: text(username),
            last_name: text("Test"),
            gender: Gender::Unspecified,
            email: Email::parse("email", &format!("{username}@koper.si")).unwrap(),
            phone: None,
            jobs,
        },
    ) {
        Some(Created::User(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn app(w: &mut World, code: &str) -> AppId {
    match sys(
        w,
        Command::CreateApplication {
            code: Code::parse("code", code).unwrap(),
            name: text(code),
        },
    ) {
        Some(Created::Application(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn role(
    w: &mut World,
    code: &str,
    kind: RoleKind,
    app: Option<AppId>,
    object_level: Option<Level>,
    members: Vec<RoleId>,
) -> RoleId {
    match sys(
        w,
        Command::CreateRole {
            code: RoleCode::parse("code", code).unwrap(),
            kind,
            app,
            description: text(&format!("Description of {code}")),
            object_level,
            members,
        },
    ) {
        Some(Created::Role(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn grant(w: &mut World, role: RoleId, grantee: Grantee) -> GrantId {
    grant_window(w, role, grantee, Window::ALWAYS)
}

pub fn grant_window(w: &mut World, role: RoleId, grantee: Grantee, window: Window) -> GrantId {
    match sys(
        w,
        Command::Grant {
            role,
            grantee,
            window,
            scope: None,
            reference: None,
        },
    ) {
        Some(Created::Grant(id)) => id,
        other => panic!("{other:?}"),
    }
}

pub fn class(w: &mut World, code: &str, parent: Option<ClassId>) -> ClassId {
    match sys(
        w,
        Command::CreateClass {
            code: Code::parse("code", code).unwrap(),
            name: text(code),
            parent,
        },
    ) {
        Some(Created::Class(id)) => id,
        other => panic!("{other:?}"),
    }
}

/// The municipality of the scenario: the main office GLPI, the office for real estate UN, the
/// mayor's cabinet KZUP and the tourist office TOK, with one person per role in Diagram 1.
pub struct Town {
    pub w: World,
    pub vpp: AppId,
    pub class: ClassId,
    pub glpi: OfficeId,
    pub un: OfficeId,
    pub kzup: OfficeId,
    pub tok: OfficeId,
    /// Registry clerk of the main office; holds the distribution role GLPI (`[dist.main]`).
    pub gregor: UserId,
    pub gregor_job: JobId,
    /// Another member of the main office.
    pub helena: UserId,
    /// The clerk in UN who opens the case file (the creator).
    pub ana: UserId,
    pub ana_job: JobId,
    /// Ana's office colleague.
    pub bojan: UserId,
    /// The clerk in KZUP who receives the document (the recipient).
    pub cene: UserId,
    pub cene_job: JobId,
    /// Cene's office colleague.
    pub dora: UserId,
    /// The head of KZUP, with the role leader.main.
    pub leon: UserId,
    /// Someone in the tourist office with nothing to do with the case.
    pub uros: UserId,
    /// The operator's system administrator.
    pub admin: UserId,
    pub role_glpi: RoleId,
    pub clearance_b: RoleId,
    pub clearance_a: RoleId,
    pub view_all: RoleId,
    pub leader_main: RoleId,
}

pub fn town() -> Town {
    let mut w = World::new(text("Mestna občina Koper"));
    sys(&mut w, Command::Initialise);
    let vopi = app(&mut w, "VOPI");
    let vpp = app(&mut w, "VPP");
    let vpp_write = role(&mut w, "VPP.write", RoleKind::Application, Some(vpp), None, vec![]);
    let view_all = role(
        &mut w,
        "VPP.view_all_documents",
        RoleKind::Application,
        Some(vpp),
        Some(Level::View14),
        vec![],
    );
    let vopi_glpi = role(&mut w, "VOPI/GLPI", RoleKind::Application, Some(vopi), None, vec![]);
    let clearance_b = role(&mut w, "DAPA_LEVEL_B", RoleKind::Application, Some(vopi), None, vec![]);
    let clearance_a = role(&mut w, "DAPA_LEVEL_A", RoleKind::Application, Some(vopi), None, vec![]);
    let role_glpi = role(&mut w, "GLPI", RoleKind::User, None, None, vec![vopi_glpi]);
    let leader_main = role(&mut w, "leader.main", RoleKind::User, None, None, vec![view_all]);
    sys(
        &mut w,
        Command::UpdateApplication {
            app: vpp,
            name: text("VPP"),
            writer_role: Some(vpp_write),
        },
    );
    let mut settings = w.settings().clone();
    settings.dist_main_role = Some(role_glpi);
    settings.clearance_roles = [Some(clearance_b), Some(clearance_a), None];
    sys(&mut w, Command::SetSettings { settings, change: None });

    let glpi = office(&mut w, "GLPI", "Glavna pisarna – sprejemno informacijska služba", None);
    let un = office(&mut w, "UN", "Urad za nepremičnine", None);
    let kzup = office(&mut w, "KZUP", "Kabinet župana", None);
    let tok = office(&mut w, "TOK", "Turistična organizacija Koper", None);
    let gregor_job = job(&mut w, "JOB.GLPI.01", glpi);
    let ana_job = job(&mut w, "JOB.UN.01", un);
    let bojan_job = job(&mut w, "JOB.UN.02", un);
    let cene_job = job(&mut w, "JOB.KZUP.01", kzup);
    let dora_job = job(&mut w, "JOB.KZUP.02", kzup);
    let uros_job = job(&mut w, "JOB.TOK.01", tok);
    let leader_kzup = w.job_by_code("LEADER.KZUP").unwrap();
    let tajnistvo_glpi = w.job_by_code("TAJNISTVO.GLPI").unwrap();

    let gregor = user(&mut w, "gregor", AccountKind::User, vec![gregor_job]);
    let helena = user(&mut w, "helena", AccountKind::User, vec![tajnistvo_glpi]);
    let ana = user(&mut w, "ana", AccountKind::User, vec![ana_job]);
    let bojan = user(&mut w, "bojan", AccountKind::User, vec![bojan_job]);
    let cene = user(&mut w, "cene", AccountKind::User, vec![cene_job]);
    let dora = user(&mut w, "dora", AccountKind::User, vec![dora_job]);
    let leon = user(&mut w, "leon", AccountKind::User, vec![leader_kzup]);
    let uros = user(&mut w, "uros", AccountKind::User, vec![uros_job]);
    let admin = user(&mut w, "admin", AccountKind::Admin, vec![]);

    // Everyone may write in VPP and is cleared for internal (Z1) material; the registry clerk's
    // job holds the distribution role; the head of KZUP is in the leadership.
    grant(&mut w, vpp_write, Grantee::Everyone);
    grant(&mut w, clearance_b, Grantee::Everyone);
    grant(&mut w, role_glpi, Grantee::Job(gregor_job));
    grant(&mut w, leader_main, Grantee::Job(leader_kzup));
    let class = class(&mut w, "350-05", None);

    Town {
        w,
        vpp,
        class,
        glpi,
        un,
        kzup,
        tok,
        gregor,
        gregor_job,
        helena,
        ana,
        ana_job,
        bojan,
        cene,
        cene_job,
        dora,
        leon,
        uros,
        admin,
        role_glpi,
        clearance_b,
        clearance_a,
        view_all,
        leader_main,
    }
}
