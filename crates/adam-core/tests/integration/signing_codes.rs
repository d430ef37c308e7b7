//! A signing code names one office or job: a second office or job with the same code is
//! refused with `duplicate-signing-code`, while a record may keep (or re-save) its own.

use crate::common::*;
use adam_core::*;

fn sc(code: &str) -> Option<SigningCode> {
    Some(SigningCode::parse("signing_code", code).unwrap())
}

fn duplicate(err: &Error, code: &str, holder: &str) {
    assert_eq!(err.code(), "duplicate-signing-code", "{err}");
    assert_eq!(
        *err,
        Error::Directory(DirectoryError::DuplicateSigningCode {
            code: code.to_owned(),
            kind: if holder.starts_with("office ") { "office" } else { "job" },
            holder: holder.split_once(' ').map(|(_, c)| c.to_owned()).unwrap_or_default(),
        })
    );
}

#[test]
fn a_duplicate_signing_code_is_refused_for_offices_and_jobs() {
    let mut town = town();
    let glpi = town.glpi;
    sys(
        &mut town.w,
        Command::CreateJob {
            code: JobCode::parse("code", "JOB.SC1").unwrap(),
            signing_code: sc("1001"),
            name: text("Referent"),
            office: glpi,
        },
    );
    let office = town.w.office(glpi).unwrap().clone();
    run_as(
        &mut town.w,
        &Actor::System,
        Command::UpdateOffice {
            office: glpi,
            name: office.name.clone(),
            parent: office.parent,
            signing_code: sc("1000"),
        },
    );
    // A new job with a job's code, and with an office's code.
    let new_job = |code: &str| Command::CreateJob {
        code: JobCode::parse("code", "JOB.SC2").unwrap(),
        signing_code: sc(code),
        name: text("Drugi"),
        office: glpi,
    };
    duplicate(&refused(&town.w, Actor::System, new_job("1001")), "1001", "job JOB.SC1");
    duplicate(&refused(&town.w, Actor::System, new_job("1000")), "1000", "office GLPI");
    // A new office with a job's code.
    let err = refused(
        &town.w,
        Actor::System,
        Command::CreateOffice {
            code: Code::parse("code", "NOV").unwrap(),
            name: text("Nov urad"),
            parent: Some(glpi),
            signing_code: sc("1001"),
        },
    );
    duplicate(&err, "1001", "job JOB.SC1");
    // Changing another office or job to a taken code.
    let un = town.w.office(town.un).unwrap().clone();
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateOffice {
            office: un.id,
            name: un.name.clone(),
            parent: un.parent,
            signing_code: sc("1000"),
        },
    );
    duplicate(&err, "1000", "office GLPI");
    let ana_job = town.w.job(town.ana_job).unwrap().clone();
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateJob {
            job: ana_job.id,
            signing_code: sc("1001"),
            name: ana_job.name.clone(),
            office: ana_job.office,
        },
    );
    duplicate(&err, "1001", "job JOB.SC1");
    // The office keeps its own code while its name changes; a free code is accepted.
    run_as(
        &mut town.w,
        &Actor::System,
        Command::UpdateOffice {
            office: glpi,
            name: text("Glavna pisarna (nova)"),
            parent: office.parent,
            signing_code: sc("1000"),
        },
    );
    sys(&mut town.w, new_job("1002"));
}
