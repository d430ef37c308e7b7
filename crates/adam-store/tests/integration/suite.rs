//! The contract of [`Store`], written once and run against each backend (see `main.rs`).

use crate::backends::Backend;
use crate::town::*;
use adam_core::*;
use adam_store::{ApiToken, AuditRecord, NewAudit, Store, StoreError};
use std::sync::{Arc, Barrier};

const ALL: usize = 1_000_000;

/// Everything a failed write must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    world: String,
    revision: Revision,
    changes: Vec<ChangeSet>,
    audit: Vec<AuditRecord>,
    tokens: Vec<ApiToken>,
    counters: i64,
    rows: i64,
}

fn snapshot(b: &dyn Backend, store: &dyn Store) -> Snapshot {
    let world = store.load().unwrap();
    let mut tokens = Vec::new();
    for u in world.users() {
        tokens.extend(store.tokens_of(u.id).unwrap());
    }
    Snapshot {
        world: fingerprint(&world),
        revision: store.latest_revision().unwrap(),
        changes: store.changes_since(Revision(0), ALL).unwrap(),
        audit: store.audit_since(0, ALL).unwrap(),
        tokens,
        counters: b.count("SELECT next_grant * 1000000 + next_entry FROM meta"),
        // Child rows are part of the records' fingerprint, but count them all the same.
        rows: b.count(
            "SELECT (SELECT count(*) FROM user_jobs) + (SELECT count(*) FROM group_users) \
             + (SELECT count(*) FROM group_jobs) + (SELECT count(*) FROM role_members) \
             + (SELECT count(*) FROM acl_entries) + (SELECT count(*) FROM grants)",
        ),
    }
}

pub fn initialise_twice(b: &dyn Backend) {
    let s = b.open();
    assert!(matches!(s.load(), Err(StoreError::NotInitialised)));
    assert_eq!(s.latest_revision().unwrap(), Revision(0));
    assert!(
        s.initialise(&org()).unwrap(),
        "the first initialise records the organisation"
    );
    assert!(!s.initialise(&text("Another")).unwrap(), "the second changes nothing");
    let w = b.open().load().unwrap();
    assert_eq!(w.revision(), Revision(0));
    assert_eq!(w.settings().organisation, org());
    assert!(s.changes_since(Revision(0), 10).unwrap().is_empty());
    assert!(s.audit_since(0, 10).unwrap().is_empty());
}

pub fn commits_need_an_initialised_store(b: &dyn Backend) {
    let s = b.open();
    let w = World::new(org());
    let plan = w.plan(&Actor::System, Command::Initialise, t(NOW)).unwrap();
    let err = s.commit(&plan, &context(Actor::System, t(NOW))).unwrap_err();
    assert!(matches!(err, StoreError::NotInitialised), "{err}");
    assert_eq!(s.latest_revision().unwrap(), Revision(0));
}

pub fn commits_rebuild_the_same_world(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    assert_eq!(s.latest_revision().unwrap(), d.world.revision());
    let loaded = s.load().unwrap();
    assert_same(&loaded, &d.world);
}

pub fn reopening_keeps_everything(b: &dyn Backend) {
    let memory = {
        let s = b.open();
        let mut d = Driver::new(&*s);
        build(&mut d);
        d.world
    };
    let again = b.open();
    assert_eq!(again.backend(), b.name());
    assert_same(&again.load().unwrap(), &memory);
    // Every migration once (numbered from 1 without gaps): as many rows as the highest number.
    assert!(b.count("SELECT max(version) FROM schema_migrations") >= 3);
    assert_eq!(
        b.count("SELECT count(*) FROM schema_migrations"),
        b.count("SELECT max(version) FROM schema_migrations"),
        "re-opening applies no migration twice"
    );
    assert_eq!(
        again.changes_since(Revision(0), ALL).unwrap().len() as u64,
        memory.revision().0,
        "one change-log row per revision"
    );
}

pub fn a_revision_is_committed_once(b: &dyn Backend) {
    let first = b.open();
    let second = b.open();
    let mut d = Driver::new(&*first);
    build(&mut d);
    // Both servers loaded the same world and plan different changes against it.
    let w2 = second.load().unwrap();
    let p1 = d.plan(Actor::System, office_cmd("PRVI", None));
    let p2 = w2.plan(&Actor::System, office_cmd("DRUGI", None), t(NOW)).unwrap();
    assert_eq!(p1.revision(), p2.revision());
    first.commit(&p1, &context(Actor::System, t(NOW))).unwrap();
    let before = snapshot(b, &*second);
    let err = second.commit(&p2, &context(Actor::System, t(NOW))).unwrap_err();
    assert!(
        matches!(err, StoreError::RevisionTaken(r) if r == p2.revision()),
        "{err}"
    );
    assert_eq!(snapshot(b, &*second), before, "the refused commit wrote nothing");
    // The loser catches up from the change log and plans again.
    let mut w2 = w2;
    for change in second.changes_since(w2.revision(), ALL).unwrap() {
        w2.apply_change_set(change).unwrap();
    }
    let p2 = w2.plan(&Actor::System, office_cmd("DRUGI", None), t(NOW)).unwrap();
    second.commit(&p2, &context(Actor::System, t(NOW))).unwrap();
    w2.commit(p2).unwrap();
    assert_same(&first.load().unwrap(), &w2);
}

pub fn concurrent_commits_one_wins(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    d.sys(Command::Initialise);
    let stores: Vec<Arc<dyn Store>> = (0..2).map(|_| Arc::<dyn Store>::from(b.open())).collect();
    for round in 0..5 {
        let world = stores[0].load().unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = stores
            .iter()
            .enumerate()
            .map(|(i, store)| {
                let plan = world
                    .plan(&Actor::System, office_cmd(&format!("R{round}S{i}"), None), t(NOW))
                    .unwrap();
                let (store, barrier) = (store.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    store.commit(&plan, &context(Actor::System, t(NOW)))
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(
            matches!(lost, StoreError::RevisionTaken(r) if *r == world.revision().next()),
            "{lost}"
        );
    }
    let audit = s.audit_since(0, ALL).unwrap();
    let seqs: Vec<u64> = audit.iter().map(|r| r.seq).collect();
    assert_eq!(
        seqs,
        (1..=audit.len() as u64).collect::<Vec<_>>(),
        "no gaps in the audit trail"
    );
}

pub fn out_of_order_plans_are_refused(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    d.sys(Command::Initialise);
    d.sys(office_cmd("GLPI", None));
    // A plan from a world that is ahead of the store (a revision the store never saw).
    let mut ahead = d.world.clone();
    ahead.execute(&Actor::System, office_cmd("UN", None), t(NOW)).unwrap();
    let plan = ahead.plan(&Actor::System, office_cmd("KZUP", None), t(NOW)).unwrap();
    let before = snapshot(b, &*s);
    let err = s.commit(&plan, &context(Actor::System, t(NOW))).unwrap_err();
    assert!(
        matches!(err, StoreError::OutOfOrder { planned, stored } if planned == Revision(3) && stored == Revision(2)),
        "{err}"
    );
    assert_eq!(snapshot(b, &*s), before);
    // A plan from a world that is behind: its revision is taken.
    let mut behind = World::new(org());
    behind.execute(&Actor::System, Command::Initialise, t(NOW)).unwrap();
    let stale = behind.plan(&Actor::System, office_cmd("UN", None), t(NOW)).unwrap();
    let err = s.commit(&stale, &context(Actor::System, t(NOW))).unwrap_err();
    assert!(matches!(err, StoreError::RevisionTaken(Revision(2))), "{err}");
    assert_eq!(snapshot(b, &*s), before);
}

pub fn a_failed_commit_leaves_nothing(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let revoked = d.world.grants().last().unwrap().id;
    let plan = d.plan(
        Actor::System,
        Command::Batch {
            commands: vec![
                office_cmd("NOVO", Some(town.una)),
                user_cmd("novak", vec![town.ana_job, town.cene_job]),
                grant_cmd(RoleId(2), Grantee::User(town.bojan), Window::ALWAYS),
                Command::Revoke { grant: revoked },
                Command::CreateGroup {
                    code: Code::parse("code", "NOVA").unwrap(),
                    name: text("Nova skupina"),
                    users: vec![town.ana, town.cene],
                    jobs: vec![town.ana_job],
                },
                Command::AddEntry {
                    carrier: Carrier::Class(town.class),
                    kind: AclKind::Allowed,
                    entity: Entity::Job(town.cene_job),
                    value: Level::View12,
                    group_value: None,
                    window: Window::ALWAYS,
                },
            ],
        },
    );
    let before = snapshot(b, &*s);
    let mut failures = 0;
    loop {
        let failing = b.open_failing(failures);
        match failing.commit(&plan, &context(Actor::System, t(NOW))) {
            Err(StoreError::Injected(_)) => {
                assert_eq!(
                    snapshot(b, &*s),
                    before,
                    "a commit broken after {failures} writes left something behind"
                );
                failures += 1;
            }
            Err(e) => panic!("after {failures} writes: {e}"),
            Ok(()) => break,
        }
    }
    // Changes, offices, jobs ×2, user, user jobs ×2, grant, high-water mark, revoke, group,
    // members, entry, high-water mark, audit records…
    assert!(failures > 20, "the plan was broken at only {failures} points");
    d.world.commit(plan).unwrap();
    assert_same(&s.load().unwrap(), &d.world);
}

pub fn failed_token_and_audit_writes_leave_nothing(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let ctx = context(Actor::user(town.ana), t(NOW));
    let id = s.create_token(&token(town.ana, "aa"), &ctx).unwrap();
    let before = snapshot(b, &*s);
    for n in 0..2 {
        let failing = b.open_failing(n);
        let err = failing.create_token(&token(town.ana, "bb"), &ctx).unwrap_err();
        assert!(matches!(err, StoreError::Injected(_)), "{err}");
        assert_eq!(snapshot(b, &*s), before);
        let failing = b.open_failing(n);
        let err = failing.revoke_token(id, &ctx).unwrap_err();
        assert!(matches!(err, StoreError::Injected(_)), "{err}");
        assert_eq!(snapshot(b, &*s), before);
        let failing = b.open_failing(n);
        let err = failing
            .append_audit(&[note(town.ana, 1), note(town.ana, 2)])
            .unwrap_err();
        assert!(matches!(err, StoreError::Injected(_)), "{err}");
        assert_eq!(snapshot(b, &*s), before);
    }
}

/// More changes after the town: a second case file through the workflow, a move, a revoke.
fn more(d: &mut Driver<'_>, town: &Town) {
    let folder = created!(
        d.run(
            Actor::user(town.ana),
            Command::NewFolder {
                app: town.vpp,
                class: town.class,
                title: text("Druga zadeva"),
                classification: Classification::PUBLIC,
            }
        ),
        Folder
    );
    let entry = created!(
        d.run(
            Actor::user(town.ana),
            Command::AddEntry {
                carrier: Carrier::Folder(folder),
                kind: AclKind::Allowed,
                entity: Entity::User(town.bojan),
                value: Level::View14,
                group_value: None,
                window: Window::ALWAYS,
            }
        ),
        Entry
    );
    d.run(Actor::user(town.ana), Command::RemoveEntry { entry });
    d.run(
        Actor::user(town.ana),
        Command::HandOver {
            object: ObjectRef::Folder(folder),
            to: town.cene_job,
        },
    );
    d.run(
        Actor::user(town.cene),
        Command::Accept {
            object: ObjectRef::Folder(folder),
        },
    );
    d.sys(Command::UpdateOffice {
        office: town.una,
        name: text("Urad UNA"),
        parent: None,
        signing_code: None,
    });
    let first = d.world.grants().next().unwrap().id;
    d.sys(Command::Revoke { grant: first });
    d.sys(Command::SetUserActive {
        user: town.bojan,
        active: false,
    });
}

pub fn followers_replay_the_change_log(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    // A second server that loaded the world now, before the changes below.
    let follower_store = b.open();
    let mut follower = follower_store.load().unwrap();
    more(&mut d, &town);
    // It catches up page by page, as the server does.
    loop {
        let page = follower_store.changes_since(follower.revision(), 3).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        for change in page {
            follower.apply_change_set(change).unwrap();
        }
    }
    assert_same(&follower, &d.world);
    // The change log alone rebuilds the same world from nothing.
    let mut replayed = World::new(org());
    for change in s.changes_since(Revision(0), ALL).unwrap() {
        replayed.apply_change_set(change).unwrap();
    }
    assert_same(&replayed, &d.world);
    // And the tables give the same world too.
    assert_same(&s.load().unwrap(), &d.world);
}

pub fn the_audit_trail_holds_every_change(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let audit = s.audit_since(0, ALL).unwrap();
    let expected: usize = d.plans.iter().map(|p| p.changes.len()).sum();
    assert_eq!(audit.len(), expected);
    let seqs: Vec<u64> = audit.iter().map(|r| r.seq).collect();
    assert_eq!(
        seqs,
        (1..=expected as u64).collect::<Vec<_>>(),
        "seq runs from 1 without gaps"
    );
    let mut records = audit.iter();
    for plan in &d.plans {
        for change in &plan.changes {
            let r = records.next().unwrap();
            assert_eq!(r.revision, Some(plan.revision()));
            assert_eq!(r.action, plan.action);
            assert_eq!(r.object, change.object);
            assert_eq!(r.before, change.before);
            assert_eq!(r.after, change.after);
            assert_eq!(r.outcome, "ok");
            assert_eq!(r.context, context(plan.actor, t(NOW)));
        }
    }
    // The actor's user and job are columns of their own, for "my activity" queries.
    let by_ana = b.count(&format!(
        "SELECT count(*) FROM audit WHERE actor_user = {} AND actor_job = {}",
        town.ana.0, town.ana_job.0
    ));
    let expected_ana: usize = d
        .plans
        .iter()
        .filter(|p| p.actor == Actor::user(town.ana))
        .map(|p| p.changes.len())
        .sum();
    assert_eq!(by_ana as usize, expected_ana);

    // Pages join up.
    let mut paged = Vec::new();
    loop {
        let after = paged.last().map_or(0, |r: &AuditRecord| r.seq);
        let page = s.audit_since(after, 7).unwrap();
        if page.is_empty() {
            break;
        }
        paged.extend(page);
    }
    assert_eq!(paged, audit);

    // Records that are not world changes follow on.
    s.append_audit(&[note(town.ana, 1), note(town.ana, 2)]).unwrap();
    let tail = s.audit_since(expected as u64, ALL).unwrap();
    assert_eq!(tail.len(), 2);
    assert_eq!(tail[0].seq, expected as u64 + 1);
    assert_eq!(tail[1].seq, expected as u64 + 2);
    assert_eq!(tail[0].revision, None);
    assert_eq!(tail[0].action, "document.open");
    assert_eq!(tail[0].outcome, "refused: mfa_required");
    assert_eq!(tail[1].after, Some(serde_json::json!({"page": 2})));
    s.append_audit(&[]).unwrap();
    assert_eq!(s.audit_since(0, ALL).unwrap().len(), expected + 2);

    // An object's history, newest first (the notes above are about the same document).
    let audit = s.audit_since(0, ALL).unwrap();
    let history = s.object_history("ADAM_ENTITY_DOCUMENT", town.doc.0, ALL).unwrap();
    let mut want: Vec<&AuditRecord> = audit
        .iter()
        .filter(|r| r.object.kind == adam_core::EntityKind::Document && r.object.id == town.doc.0)
        .collect();
    want.reverse();
    assert!(want.len() >= 5, "the document went through the workflow");
    assert_eq!(history.iter().collect::<Vec<_>>(), want);
    let latest = s.object_history("ADAM_ENTITY_DOCUMENT", town.doc.0, 1).unwrap();
    assert_eq!(latest.as_slice(), &history[..1]);
    assert!(s.object_history("ADAM_ENTITY_DOCUMENT", 999, 10).unwrap().is_empty());
}

pub fn the_trail_and_the_log_are_append_only(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    let before = s.audit_since(0, ALL).unwrap();
    for sql in [
        "UPDATE audit SET outcome = 'ok, honestly' WHERE seq = 1",
        "DELETE FROM audit WHERE seq = 1",
        "UPDATE changes SET action = 'nothing' WHERE revision = 1",
        "DELETE FROM changes",
    ] {
        let err = b.raw(sql).unwrap_err();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(s.audit_since(0, ALL).unwrap(), before);
}

fn token(user: UserId, hash_byte: &str) -> ApiToken {
    ApiToken {
        id: 0,
        user,
        name: "nightly import".to_owned(),
        prefix: format!("adam_{hash_byte}"),
        hash: hash_byte.repeat(32),
        scopes: vec!["read".to_owned(), "check".to_owned()],
        created: t(NOW),
        expires: Some(t("2027-03-02")),
        revoked: None,
        last_used: None,
    }
}

fn note(user: UserId, page: u32) -> NewAudit {
    NewAudit {
        retention: adam_store::Retention::Access,
        context: context(Actor::user(user), t(NOW)),
        action: "document.open".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: 0,
            label: "Vloga za odmero".to_owned(),
        },
        before: None,
        after: Some(serde_json::json!({ "page": page })),
        outcome: "refused: mfa_required".to_owned(),
    }
}

pub fn tokens(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let ctx = context(Actor::user(town.gregor), t("2026-03-02T10:00:00Z"));
    let audit_before = s.audit_since(0, ALL).unwrap().len();

    let first = token(town.ana, "a1");
    let id1 = s.create_token(&first, &ctx).unwrap();
    let second = token(town.ana, "b2");
    let id2 = s.create_token(&second, &ctx).unwrap();
    assert!(id2 > id1);
    let other = token(town.cene, "c3");
    let id3 = s.create_token(&other, &ctx).unwrap();

    let stored = s.token_by_hash(&first.hash).unwrap().unwrap();
    assert_eq!(
        stored,
        ApiToken {
            id: id1,
            ..first.clone()
        }
    );
    assert_eq!(s.token_by_hash(&"00".repeat(32)).unwrap(), None);
    let ana_tokens = s.tokens_of(town.ana).unwrap();
    assert_eq!(
        ana_tokens.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![id2, id1],
        "newest first"
    );
    assert_eq!(s.tokens_of(town.cene).unwrap()[0].id, id3);
    assert!(s.tokens_of(town.bojan).unwrap().is_empty());

    s.revoke_token(id1, &ctx).unwrap();
    let revoked = s.token_by_hash(&first.hash).unwrap().unwrap();
    assert_eq!(revoked.revoked, Some(ctx.at));
    s.revoke_token(id1, &ctx).unwrap();
    assert!(matches!(s.revoke_token(987_654, &ctx), Err(StoreError::NotFound(_))));
    assert!(matches!(
        s.create_token(&token(UserId(9_999), "d4"), &ctx),
        Err(StoreError::NotFound(_))
    ));
    let duplicate = s.create_token(&token(town.bojan, "a1"), &ctx);
    assert!(duplicate.is_err(), "a hash is stored once");

    let audit = s.audit_since(audit_before as u64, ALL).unwrap();
    let actions: Vec<&str> = audit.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["token.issue", "token.issue", "token.issue", "token.revoke"]);
    for r in &audit {
        assert_eq!(r.object.kind, adam_core::EntityKind::Token);
        assert_eq!(r.revision, None);
        assert_eq!(r.context, ctx);
        for json in [&r.before, &r.after].into_iter().flatten() {
            assert!(json.get("hash").is_none(), "the audit trail never holds a token's hash");
        }
    }
    assert_eq!(audit[0].object.id as i64, id1);
    assert_eq!(audit[0].before, None);
    assert_eq!(audit[0].after.as_ref().unwrap()["name"], "nightly import");
    assert_eq!(audit[3].object.id as i64, id1);
    assert_eq!(audit[3].before.as_ref().unwrap()["revoked"], serde_json::Value::Null);
    assert_eq!(audit[3].after.as_ref().unwrap()["revoked"], ctx.at.to_string());
}
