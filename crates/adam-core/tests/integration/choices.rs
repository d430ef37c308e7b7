//! The choices ARCHITECTURE.md records where the seed is silent, each pinned by a test.

use crate::common::*;
use crate::properties::fingerprint;
use adam_core::*;

fn new_folder(town: &mut Town, who: UserId, z: SecurityClass) -> FolderId {
    let command = Command::NewFolder {
        app: town.vpp,
        class: town.class,
        title: text("Zadeva"),
        classification: Classification::confidential(z),
    };
    match town.w.execute(&Actor::user(who), command, t(NOW)).unwrap().created {
        Some(Created::Folder(f)) => f,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_creator_entry_follows_the_desk_not_the_person() {
    let mut town = town();
    let ana = town.ana;
    let f = new_folder(&mut town, ana, SecurityClass::NONE);
    let folder = ObjectRef::Folder(f);
    // Ana moves to TOK; her successor Bojan takes over her job.
    let tok_job = job(&mut town.w, "JOB.TOK.02", town.tok);
    sys(
        &mut town.w,
        Command::AssignJob {
            user: ana,
            job: tok_job,
        },
    );
    sys(
        &mut town.w,
        Command::UnassignJob {
            user: ana,
            job: town.ana_job,
        },
    );
    sys(
        &mut town.w,
        Command::AssignJob {
            user: town.bojan,
            job: town.ana_job,
        },
    );
    assert_eq!(
        town.w.check(town.bojan, folder, t(NOW), Session::MFA).unwrap(),
        Level::Edit22
    );
    assert_eq!(town.w.check(ana, folder, t(NOW), Session::MFA).unwrap(), Level::View14);
    // The record still says who created it.
    assert_eq!(town.w.folder(f).unwrap().workflow.creator.user, ana);
}

#[test]
fn a_second_hand_over_redirects_the_pending_one() {
    let mut town = town();
    let ana = town.ana;
    let f = new_folder(&mut town, ana, SecurityClass::NONE);
    let folder = ObjectRef::Folder(f);
    town.w
        .execute(
            &Actor::user(ana),
            Command::HandOver {
                object: folder,
                to: town.cene_job,
            },
            t(NOW),
        )
        .unwrap();
    let gregor_job = town.gregor_job;
    town.w
        .execute(
            &Actor::user(ana),
            Command::HandOver {
                object: folder,
                to: gregor_job,
            },
            t(NOW),
        )
        .unwrap();
    assert_eq!(town.w.folder(f).unwrap().workflow.recipient, Some(gregor_job));
    let recipients = town
        .w
        .acl(Carrier::Folder(f))
        .unwrap()
        .iter()
        .filter(|e| e.entity == Entity::Recipient)
        .count();
    assert_eq!(recipients, 1, "one [recipient] entry, resolving to the new recipient");
    assert_eq!(
        town.w
            .plan(&Actor::user(town.cene), Command::Accept { object: folder }, t(NOW))
            .err(),
        Some(Error::Filing(FilingError::NotRecipient {
            recipient: Some(gregor_job)
        }))
    );
    town.w
        .execute(&Actor::user(town.gregor), Command::Accept { object: folder }, t(NOW))
        .unwrap();
}

#[test]
fn notifying_someone_twice_adds_nothing() {
    let mut town = town();
    let ana = town.ana;
    let f = new_folder(&mut town, ana, SecurityClass::ONE);
    let notify = Command::Notify {
        object: ObjectRef::Folder(f),
        jobs: vec![town.cene_job],
        users: vec![town.uros],
    };
    town.w.execute(&Actor::user(ana), notify.clone(), t(NOW)).unwrap();
    let before = fingerprint(&town.w);
    let err = town.w.plan(&Actor::user(ana), notify, t(NOW)).unwrap_err();
    assert_eq!(err.code(), "no-change");
    assert_eq!(fingerprint(&town.w), before);
    // Uroš, notified by name, reads the internal folder at 14 though the default view is 13.
    assert_eq!(
        town.w
            .check(town.uros, ObjectRef::Folder(f), t(NOW), Session::MFA)
            .unwrap(),
        Level::View14
    );
}

#[test]
fn a_time_limited_grant_changes_a_decision_exactly_at_its_bounds() {
    let mut town = town();
    let ana = town.ana;
    let f = new_folder(&mut town, ana, SecurityClass::NONE);
    let doc = match town
        .w
        .execute(
            &Actor::user(ana),
            Command::NewDocument {
                folder: f,
                title: text("D"),
                classification: Classification::PUBLIC,
            },
            t(NOW),
        )
        .unwrap()
        .created
    {
        Some(Created::Document(d)) => ObjectRef::Document(d),
        other => panic!("{other:?}"),
    };
    // Restrict the document so only an explicit grant gives more than 14 …
    let from = t("2026-04-01");
    let to = t("2026-05-01");
    // … and give Uroš the application-wide role leader.main (VPP.view_all_documents = 14) only in April.
    grant_window(
        &mut town.w,
        town.leader_main,
        Grantee::User(town.uros),
        Window::new(Some(from), Some(to)).unwrap(),
    );
    let role_grant = |at: Timestamp| town.w.check_role(town.uros, town.view_all, at).unwrap().is_some();
    assert!(!role_grant(from.plus_seconds(-1)));
    assert!(role_grant(from));
    assert!(role_grant(to.plus_seconds(-1)));
    assert!(!role_grant(to));
    let status: Vec<WindowStatus> = [from.plus_seconds(-1), from, to]
        .iter()
        .map(|at| town.w.grants().last().unwrap().window.status(*at))
        .collect();
    assert_eq!(
        status,
        vec![WindowStatus::Waiting, WindowStatus::Active, WindowStatus::Expired]
    );
    // Everyone sees this public document at 14 anyway; the explanation shows the role only in April.
    let explain = |at| town.w.explain(town.uros, doc, at, Session::MFA).unwrap();
    let via_role = |d: &Decision| {
        d.grants
            .iter()
            .any(|c| matches!(c.source, Source::ApplicationRole { .. }))
    };
    assert!(!via_role(&explain(from.plus_seconds(-1))));
    assert!(via_role(&explain(from)));
    assert!(!via_role(&explain(to)));
}

#[test]
fn clearance_is_cumulative_and_a_class_without_a_clearance_role_is_seen_by_nobody() {
    let mut town = town();
    let ana = town.ana;
    // DAPA_LEVEL_A (Z2) held by Ana's job clears Z2 and Z1.
    grant(&mut town.w, town.clearance_a, Grantee::Job(town.ana_job));
    let f2 = new_folder(&mut town, ana, SecurityClass::TWO);
    assert_eq!(
        town.w.check(ana, ObjectRef::Folder(f2), t(NOW), Session::MFA).unwrap(),
        Level::Edit22
    );
    let f1 = new_folder(&mut town, ana, SecurityClass::ONE);
    assert_eq!(
        town.w.check(ana, ObjectRef::Folder(f1), t(NOW), Session::MFA).unwrap(),
        Level::Edit22
    );
    // Z3 has no clearance role in the town: nobody may create or see Z3 material.
    let err = town
        .w
        .plan(
            &Actor::user(ana),
            Command::NewFolder {
                app: town.vpp,
                class: town.class,
                title: text("x"),
                classification: Classification::confidential(SecurityClass::THREE),
            },
            t(NOW),
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::Authority(AuthorityError::ClassifyAboveClearance {
            requested: SecurityClass::THREE,
            held: SecurityClass::TWO
        })
    );
}

#[test]
fn a_document_is_held_to_its_folders_classification() {
    let mut town = town();
    let ana = town.ana;
    grant(&mut town.w, town.clearance_a, Grantee::Job(town.ana_job));
    let f = new_folder(&mut town, ana, SecurityClass::TWO);
    let d = match town
        .w
        .execute(
            &Actor::user(ana),
            Command::NewDocument {
                folder: f,
                title: text("D"),
                classification: Classification::PUBLIC,
            },
            t(NOW),
        )
        .unwrap()
        .created
    {
        Some(Created::Document(d)) => ObjectRef::Document(d),
        other => panic!("{other:?}"),
    };
    // Bojan (Z1) gets nothing from the document although it is itself unclassified.
    let why = town.w.explain(town.bojan, d, t(NOW), Session::MFA).unwrap();
    assert_eq!(
        why.rule,
        Some(Rule::Clearance {
            required: SecurityClass::TWO,
            held: SecurityClass::ONE
        })
    );
    assert_eq!(why.classification.z, SecurityClass::TWO);
}

#[test]
fn view_levels_below_13_on_a_document_are_reported_as_computed() {
    let mut town = town();
    let ana = town.ana;
    // A secret-ish (Z2) folder's default view for everyone is 12: lists, no content.
    grant(&mut town.w, town.clearance_a, Grantee::Everyone);
    let f = new_folder(&mut town, ana, SecurityClass::TWO);
    let d = match town
        .w
        .execute(
            &Actor::user(ana),
            Command::NewDocument {
                folder: f,
                title: text("D"),
                classification: Classification::PUBLIC,
            },
            t(NOW),
        )
        .unwrap()
        .created
    {
        Some(Created::Document(d)) => ObjectRef::Document(d),
        other => panic!("{other:?}"),
    };
    assert_eq!(town.w.check(town.uros, d, t(NOW), Session::MFA).unwrap(), Level::View12);
    // A listing of documents readable at 13 does not include it.
    let readable = town
        .w
        .lookup(
            town.uros,
            ObjectKind::Document,
            Level::View13,
            t(NOW),
            Session::MFA,
            None,
            100,
        )
        .unwrap();
    assert!(readable.items.is_empty());
}

#[test]
fn an_application_without_a_writing_role_accepts_no_records() {
    let mut town = town();
    let gis = app(&mut town.w, "GIS");
    let err = town
        .w
        .plan(
            &Actor::user(town.ana),
            Command::NewFolder {
                app: gis,
                class: town.class,
                title: text("x"),
                classification: Classification::PUBLIC,
            },
            t(NOW),
        )
        .unwrap_err();
    assert_eq!(err, Error::Authority(AuthorityError::ApplicationNotWritable(gis)));
}
