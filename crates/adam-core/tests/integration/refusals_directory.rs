//! Refusals of the directory and its administration: a user administrator toggles roles but
//! not what they contain and stays inside their offices; deletion is in two steps; a new
//! office comes with its head and secretariat; system roles go to people and jobs only; an
//! office does not move under an invalid one. The other refusals are in `refusals.rs`.

use crate::common::*;
use crate::refusals::folder_of;
use adam_core::*;

/// The town with Helena as user administrator of the main office (GLPI).
fn with_user_admin() -> Town {
    let mut town = town();
    let ua = town.w.role_by_code("adam.user_admin").unwrap();
    sys(
        &mut town.w,
        Command::Grant {
            role: ua,
            grantee: Grantee::User(town.helena),
            window: Window::ALWAYS,
            scope: Some(town.glpi),
            reference: Some(text("Sklep 100-1/2026")),
        },
    );
    town
}

#[test]
fn a_user_administrator_toggles_roles_but_cannot_change_what_they_contain() {
    let mut town = with_user_admin();
    let helena = Actor::user(town.helena);
    let glpi_job = town.gregor_job;
    // Switching a whole user role on for a job of her office: allowed.
    let plan = town
        .w
        .execute(
            &helena,
            Command::Grant {
                role: town.leader_main,
                grantee: Grantee::Job(glpi_job),
                window: Window::new(Some(t("2026-04-01")), Some(t("2026-05-01"))).unwrap(),
                scope: None,
                reference: None,
            },
            t(NOW),
        )
        .unwrap();
    let Some(Created::Grant(g)) = plan.created else {
        panic!()
    };
    assert_eq!(town.w.grant(g).unwrap().window.status(t(NOW)), WindowStatus::Waiting);
    // ... and off again.
    town.w.execute(&helena, Command::Revoke { grant: g }, t(NOW)).unwrap();
    // Changing the application roles inside a user role: refused.
    let err = refused(
        &town.w,
        helena,
        Command::UpdateRole {
            role: town.leader_main,
            description: text("Vodstvo"),
            object_level: None,
            members: vec![town.view_all, town.clearance_a],
            change: None,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SystemAdministratorOnly(
            "define roles and what they contain"
        ))
    );
    assert_eq!(err.category(), Category::Forbidden);
}

#[test]
fn a_user_administrator_stays_inside_their_offices() {
    let town = with_user_admin();
    let helena = Actor::user(town.helena);
    let err = refused(
        &town.w,
        helena,
        Command::CreateJob {
            code: JobCode::parse("c", "JOB.UN.99").unwrap(),
            signing_code: None,
            name: text("Referent"),
            office: town.un,
        },
    );
    assert_eq!(err, Error::Authority(AuthorityError::OutsideScope("office UN".into())));
    let err = refused(
        &town.w,
        helena,
        Command::Grant {
            role: town.view_all,
            grantee: Grantee::User(town.ana),
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        },
    );
    assert_eq!(err, Error::Authority(AuthorityError::OutsideScope("user ana".into())));
    let err = refused(
        &town.w,
        helena,
        Command::Grant {
            role: town.view_all,
            grantee: Grantee::User(town.helena),
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        },
    );
    assert_eq!(err, Error::Authority(AuthorityError::SelfGrant));
    let ua = town.w.role_by_code("adam.user_admin").unwrap();
    let err = refused(
        &town.w,
        helena,
        Command::Grant {
            role: ua,
            grantee: Grantee::User(town.gregor),
            window: Window::ALWAYS,
            scope: Some(town.glpi),
            reference: None,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SystemAdministratorOnly("grant or revoke system roles"))
    );
    let err = refused(
        &town.w,
        helena,
        Command::Grant {
            role: town.view_all,
            grantee: Grantee::Everyone,
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SystemAdministratorOnly("grant a role to everyone"))
    );
    let err = refused(
        &town.w,
        Actor::System,
        Command::Grant {
            role: town.view_all,
            grantee: Grantee::User(town.gregor),
            window: Window::ALWAYS,
            scope: Some(town.glpi),
            reference: None,
        },
    );
    assert_eq!(err, Error::Roles(RoleError::ScopeNotApplicable));
    let err = refused(
        &town.w,
        helena,
        Command::CreateUser {
            username: Username::parse("u", "svc").unwrap(),
            kind: AccountKind::SystemUser,
            title: None,
            first_name: text("S"),
            last_name: text("Vc"),
            gender: Gender::Unspecified,
            email: Email::parse("e", "svc@koper.si").unwrap(),
            phone: None,
            jobs: vec![],
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SystemAdministratorOnly(
            "create admin and service accounts"
        ))
    );
    let err = refused(
        &town.w,
        Actor::user(town.uros),
        Command::CreateOffice {
            code: Code::parse("c", "NEW").unwrap(),
            name: text("New"),
            parent: None,
            signing_code: None,
        },
    );
    assert_eq!(err, Error::Authority(AuthorityError::NotAnAdministrator));
    // Inside her office she may create a job, which shows up with the office.
    let mut town = town;
    town.w
        .execute(
            &helena,
            Command::CreateJob {
                code: JobCode::parse("c", "JOB.GLPI.02").unwrap(),
                signing_code: Some(SigningCode::parse("s", "1002").unwrap()),
                name: text("Referent"),
                office: town.glpi,
            },
            t(NOW),
        )
        .unwrap();
    assert_eq!(town.w.office_jobs(town.glpi).len(), 4);
}

#[test]
fn deletion_is_in_two_steps() {
    let mut town = town();
    let job = town.ana_job;
    let err = refused(&town.w, Actor::System, Command::SetJobValid { job, valid: false });
    assert_eq!(
        err,
        Error::Directory(DirectoryError::JobOccupied {
            job,
            users: vec![town.ana]
        })
    );
    sys(
        &mut town.w,
        Command::SetUserActive {
            user: town.ana,
            active: false,
        },
    );
    sys(&mut town.w, Command::SetJobValid { job, valid: false });
    assert!(!town.w.job(job).unwrap().valid);
    // The user and the job are still there for the audit trail.
    assert_eq!(town.w.user(town.ana).unwrap().jobs, vec![job]);
    let err = refused(
        &town.w,
        Actor::System,
        Command::SetOfficeValid {
            office: town.un,
            valid: false,
        },
    );
    assert_eq!(
        err,
        Error::Directory(DirectoryError::OfficeNotEmpty {
            office: town.un,
            jobs: 3,
            offices: 0
        })
    );
    // An inactive account decides nothing.
    let who = town.bojan;
    let f = folder_of(&mut town, who, SecurityClass::NONE);
    assert_eq!(
        town.w
            .check(town.ana, ObjectRef::Folder(f), t(NOW), Session::MFA)
            .unwrap(),
        Level::None
    );
    assert_eq!(
        refused(
            &town.w,
            Actor::user(town.ana),
            Command::Close {
                object: ObjectRef::Folder(f)
            }
        ),
        Error::Authority(AuthorityError::ActorInactive)
    );
}

#[test]
fn creating_an_office_creates_its_head_and_secretariat() {
    let mut town = town();
    let o = office(&mut town.w, "JSS_MOK", "Javni stanovanjski sklad MOK", Some(town.un));
    let jobs: Vec<(String, JobKind)> = town
        .w
        .office_jobs(o)
        .iter()
        .map(|j| {
            let job = town.w.job(*j).unwrap();
            (job.code.to_string(), job.kind)
        })
        .collect();
    assert_eq!(
        jobs,
        vec![
            ("LEADER.JSS_MOK".into(), JobKind::Head),
            ("TAJNISTVO.JSS_MOK".into(), JobKind::Secretariat)
        ]
    );
    assert_eq!(
        town.w
            .job(town.w.job_by_code("TAJNISTVO.JSS_MOK").unwrap())
            .unwrap()
            .name
            .as_str(),
        "Tajništvo – Javni stanovanjski sklad MOK"
    );
    let err = refused(
        &town.w,
        Actor::System,
        Command::CreateOffice {
            code: Code::parse("c", "JSS_MOK").unwrap(),
            name: text("again"),
            parent: None,
            signing_code: None,
        },
    );
    assert_eq!(
        err,
        Error::Directory(DirectoryError::DuplicateCode {
            kind: "office",
            code: "JSS_MOK".into()
        })
    );
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateOffice {
            office: town.un,
            name: text("UN"),
            parent: Some(o),
            signing_code: None,
        },
    );
    assert_eq!(
        err,
        Error::Directory(DirectoryError::OfficeCycle {
            office: town.un,
            parent: o
        })
    );
}

#[test]
fn system_roles_go_to_people_and_jobs_only() {
    let town = town();
    let ua = town.w.role_by_code("adam.user_admin").unwrap();
    for grantee in [Grantee::Office(town.tok), Grantee::Everyone] {
        let err = refused(
            &town.w,
            Actor::System,
            Command::Grant {
                role: ua,
                grantee,
                window: Window::ALWAYS,
                scope: None,
                reference: None,
            },
        );
        assert_eq!(err.code(), "role-shape", "{grantee:?}");
    }
    let mut settings = town.w.settings().clone();
    settings.dist_main_role = Some(ua);
    assert_eq!(
        refused(&town.w, Actor::System, Command::SetSettings { settings, change: None }).code(),
        "role-shape"
    );
}

#[test]
fn an_office_cannot_move_under_an_invalid_one() {
    let mut town = town();
    let empty = office(&mut town.w, "OLD", "Ukinjen urad", None);
    for j in town.w.office_jobs(empty).to_vec() {
        sys(&mut town.w, Command::SetJobValid { job: j, valid: false });
    }
    sys(
        &mut town.w,
        Command::SetOfficeValid {
            office: empty,
            valid: false,
        },
    );
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateOffice {
            office: town.tok,
            name: text("TOK"),
            parent: Some(empty),
            signing_code: None,
        },
    );
    assert_eq!(err, Error::Directory(DirectoryError::OfficeInvalid(empty)));
}
