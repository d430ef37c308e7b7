//! Tests of the generator: determinism, shape, and that the engine accepts what it writes.

use super::*;

fn small(seed: u64) -> Config {
    Config {
        seed,
        users: 2_000,
        offices: 150,
        folders: 1_500,
        documents: 12_000,
        classes: 60,
        public_permille: 20,
    }
}

#[test]
fn the_same_seed_gives_the_same_world_and_another_seed_another() {
    let a = generate(&small(7)).map(|s| s.events);
    let b = generate(&small(7)).map(|s| s.events);
    let c = generate(&small(8)).map(|s| s.events);
    assert!(a.is_ok());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_world_has_the_sizes_asked_for_and_restores() {
    let config = small(3);
    let synth = generate(&config).unwrap();
    let summary = synth.summary.clone();
    let notable = synth.notable.clone();
    let at = synth.at;
    let world = synth.restore().unwrap();
    assert_eq!(world.users().len(), config.users);
    assert_eq!(world.offices().len(), config.offices);
    assert_eq!(world.folder_count(), config.folders);
    assert_eq!(world.document_count(), config.documents);
    assert_eq!(world.classes().len(), summary.classes);
    assert!((config.classes - 5..=config.classes).contains(&summary.classes));
    assert_eq!(world.entry_count(), summary.entries);
    assert_eq!(
        summary.entries,
        summary.entries_on_classes + summary.entries_on_folders + summary.entries_on_documents
    );
    assert_eq!(world.jobs().len(), summary.jobs);
    assert_eq!(world.grants().count(), summary.grants);
    assert!(summary.office_depth >= 3, "{summary:?}");
    assert!(summary.role_depth >= 3, "{summary:?}");
    assert!((2..=3).contains(&summary.class_depth), "{summary:?}");
    // Every office has its head and secretariat.
    for o in world.offices() {
        let jobs = world.office_jobs(o.id);
        assert!(jobs.len() >= 2);
        assert_eq!(world.job(jobs[0]).unwrap().kind, JobKind::Head);
        assert_eq!(world.job(jobs[1]).unwrap().kind, JobKind::Secretariat);
    }
    // People hold one or two jobs; the special accounts none.
    for u in world.users() {
        match u.kind {
            AccountKind::User => assert!((1..=2).contains(&u.jobs.len())),
            _ => assert!(u.jobs.is_empty()),
        }
    }
    // The distribution role's holders edit every folder nobody has accepted or capped;
    // every folder has a Company.main entry.
    let dist_user = world.job_occupants(notable.dist_jobs[0])[0];
    let mut seen = 0;
    for f in world.folders() {
        let acl = world.acl(Carrier::Folder(f.id)).unwrap();
        assert!(
            acl.iter()
                .any(|e| e.entity == Entity::Company && e.kind == AclKind::Allowed)
        );
        let class_caps = world.class_chain(f.class).into_iter().any(|c| {
            world
                .acl(Carrier::Class(c))
                .unwrap()
                .iter()
                .any(|e| e.kind == AclKind::MaxAllowed)
        });
        let uncapped = !class_caps && acl.iter().all(|e| e.kind == AclKind::Allowed);
        if f.workflow.sender.is_none() && uncapped && f.classification.z <= SecurityClass::ONE {
            seen += 1;
            let why = world
                .explain(dist_user, ObjectRef::Folder(f.id), at, Session::MFA)
                .unwrap();
            assert_eq!(why.level, Level::Edit22, "{}: {why:?}", f.id);
        }
    }
    assert!(seen > 100);
    // Accepted objects have exactly one editor entity: [responsible].
    let mut accepted = 0;
    for d in world.documents() {
        if d.workflow.sender.is_some() {
            accepted += 1;
            let acl = world.acl(Carrier::Document(d.id)).unwrap();
            assert!(
                acl.iter()
                    .filter(|e| e.is_edit_level())
                    .all(|e| e.entity == Entity::Responsible)
            );
        }
    }
    assert!(accepted > 100);
}

#[test]
fn workflow_rewrites_follow_the_transitions() {
    let mut acl = AclSim::new_document(true);
    acl.hand_over();
    acl.accept(true);
    let shown: Vec<String> = acl
        .entries
        .iter()
        .map(|d| format!("{} {} {}/{}", d.kind, d.entity, d.value, d.group))
        .collect();
    assert_eq!(
        shown,
        [
            "maxAllowed Company.main 14/14",
            "allowed [responsible] 22/14",
            "maxAllowed [responsible] 22/14",
            "allowed [sender] 14/14"
        ]
    );
    acl.close();
    assert!(acl.entries.contains(&Draft {
        kind: AclKind::Allowed,
        entity: Entity::Responsible,
        value: Level::Edit21,
        group: Level::View14
    }));
    assert!(
        !acl.entries
            .iter()
            .any(|d| d.kind == AclKind::MaxAllowed && d.entity == Entity::Responsible)
    );
}
