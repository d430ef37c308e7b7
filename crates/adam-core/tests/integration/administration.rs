//! Who may administer whom (issue 12, `docs/SECURITY.md`): a user administrator never gives
//! themselves anything — through their own office, a job they take, a job or office they move —
//! and never takes over an account stronger than theirs or with rights outside their scope; the
//! operator's system administrator never sets the credentials of a person with rights.
//!
//! The scenario tests here reproduce each hole found from outside; the property test
//! (`administration_property.rs`) runs random sequences of administrative commands by a scoped
//! administrator over random worlds and checks them against a brute-force oracle of "who may
//! manage whom" written from the rules alone.

use crate::common::*;
use adam_core::*;

pub(crate) fn grant_to(role: RoleId, grantee: Grantee, scope: Option<OfficeId>) -> Command {
    Command::Grant {
        role,
        grantee,
        window: Window::ALWAYS,
        scope,
        reference: None,
    }
}

/// The town, with Helena (secretariat of GLPI) user administrator of the GLPI subtree, and a
/// sub-office of GLPI (`GLPI.SUB`) with one job.
struct Scoped {
    town: Town,
    sub: OfficeId,
    sub_job: JobId,
    user_admin: RoleId,
    security_lead: RoleId,
}

fn scoped() -> Scoped {
    let mut town = town();
    let user_admin = town.w.role_by_code("adam.user_admin").unwrap();
    let security_lead = town.w.role_by_code("adam.security_lead").unwrap();
    sys(
        &mut town.w,
        grant_to(user_admin, Grantee::User(town.helena), Some(town.glpi)),
    );
    let sub = office(&mut town.w, "SUB", "Podurad", Some(town.glpi));
    let sub_job = job(&mut town.w, "JOB.SUB.01", sub);
    Scoped {
        town,
        sub,
        sub_job,
        user_admin,
        security_lead,
    }
}

fn helena(s: &Scoped) -> Actor {
    Actor::user(s.town.helena)
}

#[test]
fn a_grant_to_the_office_one_works_in_is_a_grant_to_oneself() {
    let s = scoped();
    // Her own office: she would hold the role.
    let err = refused(
        &s.town.w,
        helena(&s),
        grant_to(s.town.view_all, Grantee::Office(s.town.glpi), None),
    );
    assert_eq!(err, Error::Authority(AuthorityError::SelfGrant));
    assert_eq!(err.code(), "self-grant");
    // A sub-office she does not work in: allowed, and she gains nothing.
    let mut w = s.town.w.clone();
    w.execute(
        &helena(&s),
        grant_to(s.town.view_all, Grantee::Office(s.sub), None),
        t(NOW),
    )
    .unwrap();
    assert_eq!(w.check_role(s.town.helena, s.town.view_all, t(NOW)).unwrap(), None);
}

#[test]
fn a_grant_to_an_office_above_ones_own_is_a_grant_to_oneself() {
    let mut s = scoped();
    // Helena administers the whole organisation and works in SUB: a grant to GLPI (above SUB)
    // reaches her.
    sys(
        &mut s.town.w,
        grant_to(s.user_admin, Grantee::User(s.town.helena), None),
    );
    sys(
        &mut s.town.w,
        Command::AssignJob {
            user: s.town.helena,
            job: s.sub_job,
        },
    );
    let err = refused(
        &s.town.w,
        helena(&s),
        grant_to(s.town.view_all, Grantee::Office(s.town.glpi), None),
    );
    assert_eq!(err, Error::Authority(AuthorityError::SelfGrant));
}

#[test]
fn nobody_assigns_themselves_a_job() {
    let s = scoped();
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::AssignJob {
            user: s.town.helena,
            job: s.town.gregor_job,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SelfAdministration("administer your own account"))
    );
    assert_eq!(err.code(), "self-administration");
    // Nor deactivates, edits or removes themselves from a job.
    for command in [
        Command::SetUserActive {
            user: s.town.helena,
            active: false,
        },
        Command::UnassignJob {
            user: s.town.helena,
            job: s.town.w.job_by_code("TAJNISTVO.GLPI").unwrap(),
        },
    ] {
        assert_eq!(
            refused(&s.town.w, helena(&s), command),
            Error::Authority(AuthorityError::SelfAdministration("administer your own account"))
        );
    }
}

#[test]
fn moving_ones_own_job_or_office_is_refused() {
    let s = scoped();
    let own_job = s.town.w.job_by_code("TAJNISTVO.GLPI").unwrap();
    let job = s.town.w.job(own_job).unwrap().clone();
    // Into SUB, where office grants of SUB would reach her.
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::UpdateJob {
            job: own_job,
            signing_code: job.signing_code.clone(),
            name: job.name.clone(),
            office: s.sub,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SelfAdministration(
            "move a job you hold to another office"
        ))
    );
    // Renaming it stays hers to do.
    let mut w = s.town.w.clone();
    w.execute(
        &helena(&s),
        Command::UpdateJob {
            job: own_job,
            signing_code: job.signing_code.clone(),
            name: text("Tajništvo GLPI"),
            office: job.office,
        },
        t(NOW),
    )
    .unwrap();
    // Moving the office she works in under another one (whose grants would then reach her):
    // she would need authority above GLPI anyway; with the whole organisation she still may not.
    let mut s = scoped();
    sys(
        &mut s.town.w,
        grant_to(s.user_admin, Grantee::User(s.town.helena), None),
    );
    let office = s.town.w.office(s.town.glpi).unwrap().clone();
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::UpdateOffice {
            office: s.town.glpi,
            name: office.name.clone(),
            parent: Some(s.town.un),
            signing_code: office.signing_code.clone(),
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::SelfAdministration("move the office you work in"))
    );
}

#[test]
fn a_stronger_account_cannot_be_taken_over() {
    let mut s = scoped();
    // An organisation-wide user administrator working in GLPI.
    let strong = user(&mut s.town.w, "mocna", AccountKind::User, vec![s.sub_job]);
    sys(&mut s.town.w, grant_to(s.user_admin, Grantee::User(strong), None));
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::SetUserActive {
            user: strong,
            active: false,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::BeyondOwnPower("user mocna".into()))
    );
    assert_eq!(err.code(), "beyond-own-power");
    assert!(s.town.w.require_credentials(&helena(&s), strong, t(NOW)).is_err());
    // The same without a job (the take-over found from outside): outside her scope.
    let jobless = user(&mut s.town.w, "brez", AccountKind::User, vec![]);
    sys(&mut s.town.w, grant_to(s.user_admin, Grantee::User(jobless), None));
    assert_eq!(
        s.town.w.require_credentials(&helena(&s), jobless, t(NOW)),
        Err(Error::Authority(AuthorityError::OutsideScope("user brez".into())))
    );
    // A security lead in her office: she is not one.
    let lead = user(&mut s.town.w, "vodja", AccountKind::User, vec![s.sub_job]);
    sys(&mut s.town.w, grant_to(s.security_lead, Grantee::User(lead), None));
    assert_eq!(
        s.town.w.require_user(&helena(&s), lead, t(NOW)),
        Err(Error::Authority(AuthorityError::BeyondOwnPower("user vodja".into())))
    );
    // Power that only starts next month counts already.
    let later = user(&mut s.town.w, "kasneje", AccountKind::User, vec![s.sub_job]);
    sys(
        &mut s.town.w,
        Command::Grant {
            role: s.user_admin,
            grantee: Grantee::User(later),
            window: Window::new(Some(t("2026-04-01")), None).unwrap(),
            scope: None,
            reference: None,
        },
    );
    assert_eq!(
        s.town.w.require_user(&helena(&s), later, t(NOW)),
        Err(Error::Authority(AuthorityError::BeyondOwnPower("user kasneje".into())))
    );
    // A user administrator of a part of her scope: hers to manage.
    let weaker = user(&mut s.town.w, "sibkejsa", AccountKind::User, vec![s.sub_job]);
    sys(
        &mut s.town.w,
        grant_to(s.user_admin, Grantee::User(weaker), Some(s.sub)),
    );
    assert_eq!(s.town.w.require_user(&helena(&s), weaker, t(NOW)), Ok(()));
}

#[test]
fn an_account_with_a_job_outside_the_scope_cannot_be_managed() {
    let mut s = scoped();
    // The head of KZUP (the mayor's case) also takes a job in GLPI.
    sys(
        &mut s.town.w,
        Command::AssignJob {
            user: s.town.leon,
            job: s.sub_job,
        },
    );
    let leon = s.town.w.user(s.town.leon).unwrap().clone();
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::UpdateUser {
            user: s.town.leon,
            title: leon.title.clone(),
            first_name: leon.first_name.clone(),
            last_name: leon.last_name.clone(),
            gender: leon.gender,
            email: Email::parse("e", "helena@evil.example").unwrap(),
            phone: leon.phone.clone(),
        },
    );
    assert_eq!(err, Error::Authority(AuthorityError::OutsideScope("user leon".into())));
    assert!(s.town.w.require_credentials(&helena(&s), s.town.leon, t(NOW)).is_err());
}

#[test]
fn a_job_carrying_power_is_filled_only_by_someone_holding_it() {
    let mut s = scoped();
    // The system administrator made SUB's job an organisation-wide user administrator.
    sys(&mut s.town.w, grant_to(s.user_admin, Grantee::Job(s.sub_job), None));
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::AssignJob {
            user: s.town.gregor,
            job: s.sub_job,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::BeyondOwnPower("job JOB.SUB.01".into()))
    );
    let err = refused(
        &s.town.w,
        helena(&s),
        Command::CreateUser {
            username: Username::parse("u", "lutka").unwrap(),
            kind: AccountKind::User,
            title: None,
            first_name: text("L"),
            last_name: text("Utka"),
            gender: Gender::Unspecified,
            email: Email::parse("e", "lutka@koper.si").unwrap(),
            phone: None,
            jobs: vec![s.sub_job],
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::BeyondOwnPower("job JOB.SUB.01".into()))
    );
}

#[test]
fn the_system_administrator_never_sets_a_persons_credentials() {
    let s = scoped();
    let admin = Actor::user(s.town.admin);
    let gregor = s.town.w.user(s.town.gregor).unwrap().clone();
    // Gregor holds a job: his password and e-mail are his user administrator's to set.
    assert_eq!(
        s.town.w.require_credentials(&admin, s.town.gregor, t(NOW)),
        Err(Error::Authority(AuthorityError::NotAsAnotherPerson(
            "user gregor".into()
        )))
    );
    let err = refused(
        &s.town.w,
        admin,
        Command::UpdateUser {
            user: s.town.gregor,
            title: gregor.title.clone(),
            first_name: gregor.first_name.clone(),
            last_name: gregor.last_name.clone(),
            gender: gregor.gender,
            email: Email::parse("e", "operator@evil.example").unwrap(),
            phone: gregor.phone.clone(),
        },
    );
    assert_eq!(err.code(), "not-as-another-person");
    // His name is the system administrator's to correct; the console may do everything.
    let mut w = s.town.w.clone();
    w.execute(
        &admin,
        Command::UpdateUser {
            user: s.town.gregor,
            title: gregor.title.clone(),
            first_name: text("Gregor"),
            last_name: gregor.last_name.clone(),
            gender: gregor.gender,
            email: gregor.email.clone(),
            phone: gregor.phone.clone(),
        },
        t(NOW),
    )
    .unwrap();
    assert_eq!(
        s.town.w.require_credentials(&Actor::System, s.town.gregor, t(NOW)),
        Ok(())
    );
    // A blank account being set up: the system administrator gives it its first password.
    let mut w = s.town.w.clone();
    let blank = user(&mut w, "nova", AccountKind::User, vec![]);
    assert_eq!(w.require_credentials(&admin, blank, t(NOW)), Ok(()));
}
