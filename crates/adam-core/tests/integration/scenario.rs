//! Diagram 1 of the ADAM manual, step by step.
//!
//! A clerk of the real-estate office (UN) opens a case file; the main office (GLPI) registers
//! an incoming document into it, notifies the mayor's cabinet (KZUP) and hands the document
//! over to a KZUP clerk, who accepts it, works on it and closes it; the main office reopens
//! it. After every step we look at the level of the seven people the issue names.

use crate::common::*;
use adam_core::*;

/// The people whose levels we watch, in the order of the tables below.
fn cast(town: &Town) -> [(&'static str, UserId); 8] {
    [
        ("creator (Ana, UN)", town.ana),
        ("creator's colleague (Bojan, UN)", town.bojan),
        ("main office clerk (Gregor, dist.main)", town.gregor),
        ("main office staff (Helena, GLPI)", town.helena),
        ("recipient (Cene, KZUP)", town.cene),
        ("recipient's colleague (Dora, KZUP)", town.dora),
        ("leader with leader.main (Leon)", town.leon),
        ("unrelated employee (Uroš, TOK)", town.uros),
    ]
}

fn expect(town: &Town, object: ObjectRef, step: &str, expected: [u8; 8]) {
    let now = t(NOW);
    let mut problems = Vec::new();
    for ((who, user), want) in cast(town).iter().zip(expected) {
        let got = town.w.check(*user, object, now, Session::MFA).unwrap().value();
        if got != want {
            let why = town.w.explain(*user, object, now, Session::MFA).unwrap();
            problems.push(format!("  {who}: expected {want}, got {got} — {}", why.summary()));
        }
    }
    let admin = town.w.check(town.admin, object, now, Session::MFA).unwrap();
    if admin != Level::None {
        problems.push(format!("  admin account: expected 0, got {admin}"));
    }
    assert!(
        problems.is_empty(),
        "after {step} on {object}:\n{}",
        problems.join("\n")
    );
}

fn run(w: &mut World, who: UserId, command: Command) -> Plan {
    w.execute(&Actor::user(who), command, t(NOW)).unwrap()
}

#[test]
fn diagram_1_walk_through() {
    let mut town = town();
    let (ana, gregor, cene) = (town.ana, town.gregor, town.cene);

    // 1. New folder (Nova mapa): Ana opens an internal (Z1) case file in VPP.
    //    allowed [dist.main] 22/14, allowed Company.main 13/13 (Z1's default view), allowed [creator] 22/14.
    let plan = run(
        &mut town.w,
        ana,
        Command::NewFolder {
            app: town.vpp,
            class: town.class,
            title: text("Odmera parcele 1234/5"),
            classification: Classification::confidential(SecurityClass::ONE),
        },
    );
    let Some(Created::Folder(f)) = plan.created else {
        panic!()
    };
    let folder = ObjectRef::Folder(f);
    assert_eq!(town.w.folder(f).unwrap().workflow.responsible, Some(town.ana_job));
    //                                    Ana Boj Gre Hel Cen Dor Leo Uro
    expect(&town, folder, "new folder", [22, 14, 22, 14, 13, 13, 14, 13]);

    // 2. New document by the main office (Nov dokument, creator = [dist.main]): a registered
    //    incoming document is read-only for all but the main office.
    //    allowed [creator] 22/14; maxAllowed Company.main 14/14; maxAllowed [dist.main] 22/14.
    let plan = run(
        &mut town.w,
        gregor,
        Command::NewDocument {
            folder: f,
            title: text("Vloga za odmero"),
            classification: Classification::PUBLIC,
        },
    );
    let Some(Created::Document(d)) = plan.created else {
        panic!()
    };
    let doc = ObjectRef::Document(d);
    expect(&town, doc, "new document", [14, 14, 22, 14, 13, 13, 14, 13]);

    // 3. Notify (Obveščeni o prispelih dok.): KZUP's clerk gets 14 on the folder.
    run(
        &mut town.w,
        gregor,
        Command::Notify {
            object: doc,
            jobs: vec![town.cene_job],
            users: vec![],
        },
    );
    expect(&town, folder, "notify (folder)", [22, 14, 22, 14, 14, 14, 14, 13]);
    expect(&town, doc, "notify (document)", [14, 14, 22, 14, 14, 14, 14, 13]);

    // 4. Hand over (Predaja dokumenta) to Cene: allowed [recipient] 21/14. The document's
    //    ceiling still holds, so Cene can look (14) but not yet edit.
    run(
        &mut town.w,
        gregor,
        Command::HandOver {
            object: doc,
            to: town.cene_job,
        },
    );
    assert_eq!(town.w.document(d).unwrap().workflow.state, ObjectState::HandedOver);
    expect(&town, doc, "hand over", [14, 14, 22, 14, 14, 14, 14, 13]);
    let cene_before = town.w.explain(cene, doc, t(NOW), Session::MFA).unwrap();
    assert_eq!(
        (cene_before.allowed, cene_before.ceiling),
        (Level::Edit21, Some(Level::View14))
    );

    // 5. Accept (Sprejem dokumenta): Cene becomes responsible, Gregor's job the sender; every
    //    other edit-level entry goes; Cene is the one editor.
    run(&mut town.w, cene, Command::Accept { object: doc });
    let wf = town.w.document(d).unwrap().workflow;
    assert_eq!(
        (wf.responsible, wf.sender, wf.recipient),
        (Some(town.cene_job), Some(town.gregor_job), None)
    );
    expect(&town, doc, "accept", [14, 14, 14, 14, 22, 14, 14, 13]);
    let edit_entities: Vec<Entity> = town
        .w
        .acl(Carrier::Document(d))
        .unwrap()
        .iter()
        .filter(|e| e.is_edit_level())
        .map(|e| e.entity)
        .collect();
    assert!(
        edit_entities.iter().all(|e| *e == Entity::Responsible),
        "{edit_entities:?}"
    );

    // 6. Close (Zaključitev dokumenta): read-only for everyone, Cene included.
    run(&mut town.w, cene, Command::Close { object: doc });
    expect(&town, doc, "close", [14, 14, 14, 14, 14, 14, 14, 13]);
    // Only the main office may reopen.
    let refused = town.w.plan(&Actor::user(cene), Command::Reopen { object: doc }, t(NOW));
    assert_eq!(refused.err(), Some(Error::Filing(FilingError::NotDistMain)));

    // 7. Reopen by the main office: the responsible edits again.
    run(&mut town.w, gregor, Command::Reopen { object: doc });
    expect(&town, doc, "reopen", [14, 14, 14, 14, 22, 14, 14, 13]);
    assert_eq!(town.w.document(d).unwrap().workflow.state, ObjectState::Open);
}

#[test]
fn the_folder_itself_travels_the_same_way() {
    let mut town = town();
    let (ana, cene, gregor) = (town.ana, town.cene, town.gregor);
    let plan = run(
        &mut town.w,
        ana,
        Command::NewFolder {
            app: town.vpp,
            class: town.class,
            title: text("Zadeva"),
            classification: Classification::PUBLIC,
        },
    );
    let Some(Created::Folder(f)) = plan.created else {
        panic!()
    };
    let folder = ObjectRef::Folder(f);
    expect(&town, folder, "new folder", [22, 14, 22, 14, 14, 14, 14, 14]);
    run(
        &mut town.w,
        ana,
        Command::HandOver {
            object: folder,
            to: town.cene_job,
        },
    );
    // No ceiling on this folder: the recipient can already work on it.
    expect(&town, folder, "hand over", [22, 14, 22, 14, 21, 14, 14, 14]);
    run(&mut town.w, cene, Command::Accept { object: folder });
    // On a folder the responsible gets 21 (documents: 22); the creator keeps only 14 as the
    // sender's entry does not apply (the sender is Ana's job: 14).
    expect(&town, folder, "accept", [14, 14, 14, 14, 21, 14, 14, 14]);
    run(&mut town.w, cene, Command::Close { object: folder });
    expect(&town, folder, "close", [14, 14, 14, 14, 14, 14, 14, 14]);
    run(&mut town.w, gregor, Command::Reopen { object: folder });
    expect(&town, folder, "reopen", [14, 14, 14, 14, 21, 14, 14, 14]);
}

#[test]
fn closing_a_folder_freezes_its_documents() {
    let mut town = town();
    let (ana, bojan) = (town.ana, town.bojan);
    let Some(Created::Folder(f)) = run(
        &mut town.w,
        ana,
        Command::NewFolder {
            app: town.vpp,
            class: town.class,
            title: text("Zadeva"),
            classification: Classification::PUBLIC,
        },
    )
    .created
    else {
        panic!()
    };
    let Some(Created::Document(d)) = run(
        &mut town.w,
        ana,
        Command::NewDocument {
            folder: f,
            title: text("Zapisnik"),
            classification: Classification::PUBLIC,
        },
    )
    .created
    else {
        panic!()
    };
    let doc = ObjectRef::Document(d);
    assert_eq!(town.w.check(ana, doc, t(NOW), Session::MFA).unwrap(), Level::Edit22);
    run(
        &mut town.w,
        ana,
        Command::Close {
            object: ObjectRef::Folder(f),
        },
    );
    // The folder's ceiling applies to the document below it: lowest across tiers.
    assert_eq!(town.w.check(ana, doc, t(NOW), Session::MFA).unwrap(), Level::View14);
    let why = town.w.explain(ana, doc, t(NOW), Session::MFA).unwrap();
    assert_eq!(why.ceiling, Some(Level::View14));
    assert_eq!(why.ceilings.len(), 1);
    assert_eq!(why.ceilings[0].carrier, Carrier::Folder(f));
    // And no new documents go into a closed folder.
    let refused = town.w.plan(
        &Actor::user(bojan),
        Command::NewDocument {
            folder: f,
            title: text("x"),
            classification: Classification::PUBLIC,
        },
        t(NOW),
    );
    assert_eq!(refused.err(), Some(Error::Filing(FilingError::ObjectClosed)));
}

/// The explanation of the recipient's level just after the hand-over: granted 21 by
/// `[recipient]`, capped at 14 by the registered-incoming ceiling on the document.
#[test]
fn explanation_of_the_recipient_before_accepting() {
    let mut town = town();
    let (ana, gregor, cene) = (town.ana, town.gregor, town.cene);
    let Some(Created::Folder(f)) = run(
        &mut town.w,
        ana,
        Command::NewFolder {
            app: town.vpp,
            class: town.class,
            title: text("Odmera parcele 1234/5"),
            classification: Classification::PUBLIC,
        },
    )
    .created
    else {
        panic!()
    };
    let Some(Created::Document(d)) = run(
        &mut town.w,
        gregor,
        Command::NewDocument {
            folder: f,
            title: text("Vloga za odmero"),
            classification: Classification::PUBLIC,
        },
    )
    .created
    else {
        panic!()
    };
    let plan = run(
        &mut town.w,
        gregor,
        Command::HandOver {
            object: ObjectRef::Document(d),
            to: town.cene_job,
        },
    );
    // The before/after images are JSON maps whose key order depends on whether some other
    // crate in the build enabled serde_json's `preserve_order`; sorting makes the snapshot
    // the same however the test is built.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("hand_over_plan", plan);
    });
    let why = town
        .w
        .explain(cene, ObjectRef::Document(d), t(NOW), Session::MFA)
        .unwrap();
    assert_eq!(why.summary(), "level 14: granted 21 but capped by a ceiling of 14");
    insta::assert_json_snapshot!("recipient_explanation", why);
}
