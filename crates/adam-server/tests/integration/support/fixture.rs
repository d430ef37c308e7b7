//! The fixture organisation: its commands, applied to a world to learn the ids, which every
//! test server then replays through its write path.

use super::NOW;
use adam_core::*;

/// The ids of the fixture.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub vopi: AppId,
    pub writer: RoleId,
    pub referent: RoleId,
    pub glpi_role: RoleId,
    pub clearance_b: RoleId,
    pub user_admin: RoleId,
    pub glpi: OfficeId,
    pub un: OfficeId,
    pub tok: OfficeId,
    pub leader_glpi: JobId,
    pub leader_un: JobId,
    pub job_glpi: JobId,
    pub job_glpi_free: JobId,
    pub job_un_1: JobId,
    pub job_un_2: JobId,
    pub job_tok: JobId,
    pub admin: UserId,
    pub glpi_admin: UserId,
    pub un_admin: UserId,
    pub ana: UserId,
    pub bojan: UserId,
    pub gregor: UserId,
    pub svc: UserId,
    pub class: ClassId,
    pub group: GroupId,
    pub grant_gregor: GrantId,
    /// Ana's open folder.
    pub f1: FolderId,
    /// Bojan's folder, handed over to Ana's job.
    pub f2: FolderId,
    /// Ana's closed folder.
    pub f3: FolderId,
    /// Ana's open document in f1.
    pub d1: DocumentId,
    /// Bojan's document in f2, handed over to Ana's job.
    pub d2: DocumentId,
    /// Ana's closed document in f1.
    pub d3: DocumentId,
    /// An entry on f1 that can be removed.
    pub entry: EntryId,
}

fn text(s: &str) -> Text {
    Text::parse("t", s).unwrap()
}

fn run(w: &mut World, actor: Actor, command: Command) -> Option<Created> {
    w.execute(&actor, command, Timestamp(NOW))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
        .created
}

/// The fixture's commands, applied to a world (to learn the ids) — the same sequence is then
/// replayed through the server's write path.
pub fn fixture_commands() -> (Vec<(Actor, Command)>, Fixture) {
    let mut w = World::new(text("Občina Test"));
    let mut log: Vec<(Actor, Command)> = Vec::new();
    let mut exec = |w: &mut World, actor: Actor, command: Command| {
        log.push((actor, command.clone()));
        run(w, actor, command)
    };
    let sys = Actor::System;
    exec(&mut w, sys, Command::Initialise);
    let user_admin = w.role_by_code("adam.user_admin").unwrap();
    let Some(Created::Application(vopi)) = exec(
        &mut w,
        sys,
        Command::CreateApplication {
            code: Code::parse("c", "VOPI").unwrap(),
            name: text("VOPI"),
        },
    ) else {
        panic!()
    };
    let role = |w: &mut World,
                exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                code: &str,
                kind: RoleKind,
                members: Vec<RoleId>| {
        let Some(Created::Role(r)) = exec(
            w,
            sys,
            Command::CreateRole {
                code: RoleCode::parse("c", code).unwrap(),
                kind,
                app: Some(vopi),
                description: text(code),
                object_level: None,
                members,
            },
        ) else {
            panic!()
        };
        r
    };
    let writer = role(&mut w, &mut exec, "VOPI.write", RoleKind::Application, vec![]);
    let clearance_b = role(&mut w, &mut exec, "DAPA_LEVEL_B", RoleKind::Application, vec![]);
    let referent = role(&mut w, &mut exec, "VOPI/Referenti", RoleKind::User, vec![writer]);
    let glpi_role = role(&mut w, &mut exec, "GLPI", RoleKind::User, vec![referent]);
    exec(
        &mut w,
        sys,
        Command::UpdateApplication {
            app: vopi,
            name: text("VOPI"),
            writer_role: Some(writer),
        },
    );
    let mut settings = w.settings().clone();
    settings.dist_main_role = Some(glpi_role);
    settings.clearance_roles = [Some(clearance_b), None, None];
    exec(&mut w, sys, Command::SetSettings { settings, change: None });
    let office = |w: &mut World, exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>, code: &str| {
        let Some(Created::Office(o)) = exec(
            w,
            sys,
            Command::CreateOffice {
                code: Code::parse("c", code).unwrap(),
                name: text(code),
                parent: None,
                signing_code: None,
            },
        ) else {
            panic!()
        };
        o
    };
    let glpi = office(&mut w, &mut exec, "GLPI");
    let un = office(&mut w, &mut exec, "UN");
    let tok = office(&mut w, &mut exec, "TOK");
    let job = |w: &mut World,
               exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
               code: &str,
               office: OfficeId| {
        let Some(Created::Job(j)) = exec(
            w,
            sys,
            Command::CreateJob {
                code: JobCode::parse("c", code).unwrap(),
                signing_code: None,
                name: text(code),
                office,
            },
        ) else {
            panic!()
        };
        j
    };
    let job_glpi = job(&mut w, &mut exec, "JOB.GLPI.01", glpi);
    let job_glpi_free = job(&mut w, &mut exec, "JOB.GLPI.02", glpi);
    let job_un_1 = job(&mut w, &mut exec, "JOB.UN.01", un);
    let job_un_2 = job(&mut w, &mut exec, "JOB.UN.02", un);
    let job_tok = job(&mut w, &mut exec, "JOB.TOK.01", tok);
    let leader_glpi = w.job_by_code("LEADER.GLPI").unwrap();
    let leader_un = w.job_by_code("LEADER.UN").unwrap();
    let user = |w: &mut World,
                exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                name: &str,
                kind: AccountKind,
                jobs: Vec<JobId>| {
        let Some(Created::User(u)) = exec(
            w,
            sys,
            Command::CreateUser {
                username: Username::parse("u", name).unwrap(),
                kind,
                title: None,
                first_name: text(name),
                last_name: text("Test"),
                gender: Gender::Unspecified,
                email: Email::parse("e", &format!("{name}@test.si")).unwrap(),
                phone: None,
                jobs,
            },
        ) else {
            panic!()
        };
        u
    };
    let admin = user(&mut w, &mut exec, "admin", AccountKind::Admin, vec![]);
    let glpi_admin = user(&mut w, &mut exec, "glpi-admin", AccountKind::User, vec![leader_glpi]);
    let un_admin = user(&mut w, &mut exec, "un-admin", AccountKind::User, vec![leader_un]);
    let ana = user(&mut w, &mut exec, "ana", AccountKind::User, vec![job_un_1]);
    let bojan = user(&mut w, &mut exec, "bojan", AccountKind::User, vec![job_un_2]);
    let gregor = user(&mut w, &mut exec, "gregor", AccountKind::User, vec![job_glpi]);
    let uros = user(&mut w, &mut exec, "uros", AccountKind::User, vec![job_tok]);
    let _ = uros;
    let svc = user(&mut w, &mut exec, "svc", AccountKind::SystemUser, vec![]);
    let grant = |w: &mut World,
                 exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                 role: RoleId,
                 grantee: Grantee,
                 scope: Option<OfficeId>| {
        let Some(Created::Grant(g)) = exec(
            w,
            sys,
            Command::Grant {
                role,
                grantee,
                window: Window::ALWAYS,
                scope,
                reference: None,
            },
        ) else {
            panic!()
        };
        g
    };
    grant(&mut w, &mut exec, writer, Grantee::Everyone, None);
    grant(&mut w, &mut exec, clearance_b, Grantee::Everyone, None);
    grant(&mut w, &mut exec, glpi_role, Grantee::Job(job_glpi), None);
    grant(&mut w, &mut exec, glpi_role, Grantee::Job(leader_glpi), None);
    grant(&mut w, &mut exec, user_admin, Grantee::User(glpi_admin), Some(glpi));
    grant(&mut w, &mut exec, user_admin, Grantee::User(un_admin), Some(un));
    let grant_gregor = grant(&mut w, &mut exec, referent, Grantee::User(gregor), None);
    let Some(Created::Group(group)) = exec(
        &mut w,
        sys,
        Command::CreateGroup {
            code: Code::parse("c", "G1").unwrap(),
            name: text("Komisija"),
            users: vec![ana],
            jobs: vec![],
        },
    ) else {
        panic!()
    };
    let Some(Created::Class(class)) = exec(
        &mut w,
        sys,
        Command::CreateClass {
            code: Code::parse("c", "100").unwrap(),
            name: text("Splošno"),
            parent: None,
        },
    ) else {
        panic!()
    };
    let folder = |w: &mut World,
                  exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                  who: UserId,
                  title: &str| {
        let Some(Created::Folder(f)) = exec(
            w,
            Actor::user(who),
            Command::NewFolder {
                app: vopi,
                class,
                title: text(title),
                classification: Classification::PUBLIC,
            },
        ) else {
            panic!()
        };
        f
    };
    let document = |w: &mut World,
                    exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                    who: UserId,
                    folder: FolderId,
                    title: &str| {
        let Some(Created::Document(d)) = exec(
            w,
            Actor::user(who),
            Command::NewDocument {
                folder,
                title: text(title),
                classification: Classification::PUBLIC,
            },
        ) else {
            panic!()
        };
        d
    };
    let f1 = folder(&mut w, &mut exec, ana, "Zadeva 1");
    let f2 = folder(&mut w, &mut exec, bojan, "Zadeva 2");
    let f3 = folder(&mut w, &mut exec, ana, "Zadeva 3");
    let d1 = document(&mut w, &mut exec, ana, f1, "Dokument 1");
    let d2 = document(&mut w, &mut exec, bojan, f2, "Dokument 2");
    let d3 = document(&mut w, &mut exec, ana, f1, "Dokument 3");
    exec(
        &mut w,
        Actor::user(bojan),
        Command::HandOver {
            object: ObjectRef::Folder(f2),
            to: job_un_1,
        },
    );
    exec(
        &mut w,
        Actor::user(bojan),
        Command::HandOver {
            object: ObjectRef::Document(d2),
            to: job_un_1,
        },
    );
    exec(
        &mut w,
        Actor::user(ana),
        Command::Close {
            object: ObjectRef::Folder(f3),
        },
    );
    exec(
        &mut w,
        Actor::user(ana),
        Command::Close {
            object: ObjectRef::Document(d3),
        },
    );
    let Some(Created::Entry(entry)) = exec(
        &mut w,
        Actor::user(ana),
        Command::AddEntry {
            carrier: Carrier::Folder(f1),
            kind: AclKind::Allowed,
            entity: Entity::Group(group),
            value: Level::View14,
            group_value: None,
            window: Window::ALWAYS,
        },
    ) else {
        panic!()
    };
    let fx = Fixture {
        vopi,
        writer,
        referent,
        glpi_role,
        clearance_b,
        user_admin,
        glpi,
        un,
        tok,
        leader_glpi,
        leader_un,
        job_glpi,
        job_glpi_free,
        job_un_1,
        job_un_2,
        job_tok,
        admin,
        glpi_admin,
        un_admin,
        ana,
        bojan,
        gregor,
        svc,
        class,
        group,
        grant_gregor,
        f1,
        f2,
        f3,
        d1,
        d2,
        d3,
        entry,
    };
    (log, fx)
}
