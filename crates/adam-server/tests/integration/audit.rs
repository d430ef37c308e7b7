//! The audit trail through the API: decisions and reported accesses are recorded and show up
//! in "my activity", the history and "last change" of an object, reviewers' search and
//! verification; a trail tampered with while the server was down puts it in read-only mode.

use crate::on_both_backends;
use crate::support::*;
use serde_json::json;

async fn accesses_and_changes_are_recorded(backend: Backend) {
    let s = TestServer::start(backend).await;
    // A decision at a content level is an access of the subject, through the application.
    s.post(
        Who::Service,
        "/api/v1/check",
        &json!({"user": s.fx.ana, "object": {"type": "folder", "id": s.fx.f1}}),
    )
    .await
    .expect(200);
    // An application reports what its user did.
    s.post(
        Who::Service,
        "/api/v1/audit/events",
        &json!({"events": [{"user": s.fx.ana, "object": {"type": "document", "id": s.fx.d1},
                "action": "document.image.view", "source_ip": "192.0.2.7"}]}),
    )
    .await
    .expect(201);
    s.state.flush_access().await;
    let mine = s.get(Who::Plain, "/api/v1/audit/mine").await.expect(200);
    let actions: Vec<&str> = mine.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(actions.contains(&"access.check"), "{actions:?}");
    assert!(actions.contains(&"document.image.view"), "{actions:?}");
    let viewed = mine.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "document.image.view")
        .unwrap();
    assert_eq!(viewed["context"]["source_ip"], "192.0.2.7");
    assert_eq!(viewed["retention"], "access");

    // A change shows as the object's last change, for anyone browsing the directory.
    let created = s
        .post(
            Who::UserAdminHere,
            "/api/v1/jobs",
            &json!({"code": "JOB.GLPI.55", "name": "Vložišče", "office": s.fx.glpi}),
        )
        .await
        .expect(201);
    let job = created.json["id"].as_u64().unwrap();
    let history = s
        .get(Who::Plain, &format!("/api/v1/history?kind=ADAM_ENTITY_JOB&id={job}"))
        .await
        .expect(200);
    let last = &history.json["last_change"];
    assert_eq!(last["object_type"], "ADAM_ENTITY_JOB");
    assert_eq!(last["changed_by"], json!(s.fx.glpi_admin));
    assert_eq!(history.json["items"][0]["after"]["name"], "Vložišče");

    // The reviewer's search and verification.
    let found = s
        .get(
            Who::SysAdmin,
            &format!("/api/v1/audit?actor={}&action=access", s.fx.ana.0),
        )
        .await
        .expect(200);
    assert!(!found.json["items"].as_array().unwrap().is_empty());
    let verdict = s.get(Who::SysAdmin, "/api/v1/audit/verify").await.expect(200);
    assert_eq!(verdict.json["problems"], json!([]), "{}", verdict.text);
    // A plain user may not search others' activity.
    s.get(Who::Plain, &format!("/api/v1/audit?actor={}", s.fx.gregor.0))
        .await
        .expect(403);
    // Bad input is refused precisely.
    let bad = s
        .post(
            Who::Service,
            "/api/v1/audit/events",
            &json!({"events": [{"user": s.fx.ana, "object": {"type": "document", "id": s.fx.d1}, "action": "open it!"}]}),
        )
        .await
        .expect(422);
    assert_eq!(bad.json["pointer"], "/events/0/action");
}
on_both_backends!(accesses_and_changes_are_recorded);

async fn a_tampered_trail_makes_the_server_read_only(backend: Backend) {
    let s = TestServer::start(backend).await;
    let sys = s.state.store.clone();
    let now = s.state.now();
    tokio::task::spawn_blocking(move || sys.audit_checkpoint(now).unwrap())
        .await
        .unwrap();
    let (location, fx, tokens, dir) = s.stop().await;
    // While the server is down, someone removes the newest records (and the checkpoints in
    // the database) to hide what was done.
    let store = open(&location).await;
    let last = tokio::task::spawn_blocking(move || store.audit_verify().unwrap().records)
        .await
        .unwrap();
    let cut = location.clone();
    tokio::task::spawn_blocking(move || cut_tail(backend, &cut, last - 2))
        .await
        .unwrap();
    let state = state_on(open(&location).await).await;
    assert!(state.read_only().is_some());
    let s = TestServer::serve(backend, location, state, fx, tokens, dir).await;
    let refused = s
        .post(
            Who::SysAdmin,
            "/api/v1/jobs",
            &json!({"code": "JOB.GLPI.77", "name": "x", "office": s.fx.glpi}),
        )
        .await
        .expect(503);
    assert_eq!(refused.json["type"], "/problems/read-only");
    // Reading still works, and the verdict names the cut.
    let verdict = s.get(Who::SysAdmin, "/api/v1/audit/verify").await.expect(200);
    assert!(verdict.text.contains("tail was cut"), "{}", verdict.text);
    // Nor does the keeper sign a checkpoint over what is left, or purge more of it.
    assert!(!s.state.audit_upkeep(true).await, "no purge on a cut trail");
    let (location, _fx, _tokens, _dir) = s.stop().await;
    let store = open(&location).await;
    let after = tokio::task::spawn_blocking(move || store.audit_verify().unwrap())
        .await
        .unwrap();
    assert_eq!(after.checkpoints, 0, "no checkpoint signed over a cut trail");
}
on_both_backends!(a_tampered_trail_makes_the_server_read_only);

async fn the_register_answers_from_history(backend: Backend) {
    let s = TestServer::start(backend).await;
    let t0 = s.state.now();
    let who_path = format!("/api/v1/who?kind=folder&id={}&level=21", s.fx.f1.0);
    let before = s.get(Who::Service, &who_path).await.expect(200).json["items"].clone();
    // Ana (the plain caller) is also a security lead: she asks the register about the past.
    s.make_security_lead(s.fx.ana).await;
    // An hour later the responsible clerk lets the TOK job edit the case.
    s.state.clock.set(adam_core::Timestamp(t0.0 + 3600));
    s.post(
        Who::Plain,
        &format!("/api/v1/acl/folders/{}", s.fx.f1.0),
        &json!({"kind": "allowed", "entity": {"type": "job", "id": s.fx.job_tok}, "value": 21}),
    )
    .await
    .expect(201);
    s.state.clock.set(adam_core::Timestamp(t0.0 + 7200));
    let after = s.get(Who::Service, &who_path).await.expect(200).json["items"].clone();
    assert_ne!(before, after, "the entry changed who can read the folder");
    // The register answers for each moment what was true then.
    let then = |at: i64| {
        let path = format!(
            "/api/v1/register/who?type=folder&id={}&level=21&at={}",
            s.fx.f1.0,
            adam_core::Timestamp(at)
        );
        let s = &s;
        async move { s.get(Who::Plain, &path).await.expect(200).json["users"].clone() }
    };
    assert_eq!(then(t0.0).await, before);
    assert_eq!(then(t0.0 + 3599).await, before);
    assert_eq!(then(t0.0 + 5400).await, after);
    // Only security leads ask about the past: not an administrator, nor the operator's.
    for who in [Who::UserAdminHere, Who::SysAdmin] {
        s.get(
            who,
            &format!(
                "/api/v1/register/who?type=folder&id={}&level=14&at=2026-01-01",
                s.fx.f1.0
            ),
        )
        .await
        .problem(403, "not-a-reviewer");
    }

    // A user's rights: granted, and then revoked, with when and by whom.
    s.call(
        Who::SysAdmin,
        reqwest::Method::DELETE,
        &format!("/api/v1/grants/{}", s.fx.grant_gregor.0),
        None,
    )
    .await
    .expect(200);
    let register = s
        .get(Who::UserAdminHere, &format!("/api/v1/register/users/{}", s.fx.gregor.0))
        .await
        .expect(200);
    let rights = register.json["rights"].as_array().unwrap();
    let revoked = rights
        .iter()
        .find(|r| r["grant"] == json!(s.fx.grant_gregor))
        .unwrap_or_else(|| panic!("{}", register.text));
    assert_eq!(revoked["via"]["type"], "user");
    assert_eq!(revoked["granted"]["at"], json!(t0));
    assert_eq!(revoked["revoked"]["at"], json!(adam_core::Timestamp(t0.0 + 7200)));
    assert_eq!(revoked["revoked"]["by"]["user"], json!(s.fx.admin));
    assert_eq!(revoked["periods"][0]["until"], json!(adam_core::Timestamp(t0.0 + 7200)));
    // Nor may a user administrator who does not manage him (Ana is now a security lead).
    s.get(
        Who::UserAdminOther,
        &format!("/api/v1/register/users/{}", s.fx.gregor.0),
    )
    .await
    .expect(403);
}
on_both_backends!(the_register_answers_from_history);

/// The access queue is bounded in records: when the writer is not keeping up (here: not
/// started), a request that would go past the bound waits for room instead of piling records
/// up in memory, and goes on once the writer has committed what was queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_queue_waits_for_room_in_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let location = tokio::task::spawn_blocking(move || fresh_database(Backend::Sqlite, &path))
        .await
        .unwrap();
    let store = open(&location).await;
    let writer = store.clone();
    tokio::task::spawn_blocking(move || writer.initialise(&adam_core::Text::parse("o", "Občina Test").unwrap()))
        .await
        .unwrap()
        .unwrap();
    let state = state_on(store).await;
    let record = |i: usize| adam_store::NewAudit {
        retention: adam_store::Retention::Access,
        context: state.context(adam_core::Actor::System, None),
        action: "access.check".to_owned(),
        object: adam_core::AuditObject {
            kind: adam_core::EntityKind::Document,
            id: u32::try_from(i % 1000).unwrap(),
            label: format!("document {i}"),
        },
        before: None,
        after: None,
        outcome: "ok".to_owned(),
    };
    // Thousands of one-record requests fit (the bound is in records, not messages)...
    // (Each request waits until its record is committed: the requests run side by side, and
    // all of them wait while the writer is not started.)
    let bound = adam_server::state::ACCESS_QUEUE;
    let queued: Vec<_> = (0..bound)
        .map(|i| {
            let state = state.clone();
            let r = record(i);
            tokio::spawn(async move { state.record_access(vec![r]).await })
        })
        .collect();
    // Every one of them finds room...
    while state.access_room_left() > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // ...and one more waits while nothing is written.
    let more = {
        let state = state.clone();
        let extra = record(bound);
        tokio::spawn(async move { state.record_access(vec![extra]).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!more.is_finished(), "the request past the bound waits for room");
    assert!(
        queued.iter().all(|q| !q.is_finished()),
        "no answer before its record is committed"
    );
    // The writer starts, commits, gives the room back: the request goes on.
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let _tasks = state.spawn_audit_tasks(stopped);
    tokio::time::timeout(std::time::Duration::from_secs(120), more)
        .await
        .expect("room came back")
        .unwrap()
        .unwrap();
    for q in queued {
        q.await.unwrap().unwrap();
    }
    state.flush_access().await;
    let store = state.store.clone();
    let written = tokio::task::spawn_blocking(move || store.audit_since(0, 200_000))
        .await
        .unwrap()
        .unwrap()
        .iter()
        .filter(|r| r.action == "access.check")
        .count();
    assert_eq!(written, bound + 1, "nothing was dropped to keep up");
}

/// The access-record writer is a thread of its own: told to stop, it writes what was queued
/// before and ends, and a record that comes after is refused (503 `audit-unavailable`), never
/// answered unrecorded; a writer whose state is dropped ends too (it keeps nothing alive).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_access_writer_refuses_what_comes_after_and_a_dropped_state_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let location = tokio::task::spawn_blocking(move || fresh_database(Backend::Sqlite, &path))
        .await
        .unwrap();
    let store = open(&location).await;
    let writer = store.clone();
    tokio::task::spawn_blocking(move || writer.initialise(&adam_core::Text::parse("o", "Občina Test").unwrap()))
        .await
        .unwrap()
        .unwrap();
    let record = |state: &adam_server::AppState, label: &str| adam_store::NewAudit {
        retention: adam_store::Retention::Access,
        context: state.context(adam_core::Actor::System, None),
        action: "access.check".to_owned(),
        object: adam_core::AuditObject {
            kind: adam_core::EntityKind::Document,
            id: 1,
            label: label.to_owned(),
        },
        before: None,
        after: None,
        outcome: "ok".to_owned(),
    };
    let count = |store: std::sync::Arc<dyn adam_store::Store>, label: &'static str| async move {
        tokio::task::spawn_blocking(move || store.audit_since(0, 10_000))
            .await
            .unwrap()
            .unwrap()
            .iter()
            .filter(|r| r.object.label == label)
            .count()
    };

    let state = state_on(store.clone()).await;
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let tasks = state.spawn_audit_tasks(stopped);
    state
        .record_access(vec![record(&state, "before the stop")])
        .await
        .unwrap();
    state.stop_access_writer();
    let writer = tasks.writer.expect("the writer's thread started");
    tokio::task::spawn_blocking(move || writer.join())
        .await
        .unwrap()
        .unwrap();
    let refused = state
        .record_access(vec![record(&state, "after the stop")])
        .await
        .expect_err("no answer once nobody writes the record");
    assert_eq!(refused.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.code, "audit-unavailable");
    assert_eq!(
        count(store.clone(), "before the stop").await,
        1,
        "what was queued before is written"
    );
    assert_eq!(count(store.clone(), "after the stop").await, 0);

    // A second state on the same store: dropping it (and every clone) ends its writer.
    let state = state_on(store.clone()).await;
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let tasks = state.spawn_audit_tasks(stopped);
    state.record_access(vec![record(&state, "second state")]).await.unwrap();
    tasks.keeper.abort();
    let _ = tasks.keeper.await;
    drop(state);
    let writer = tasks.writer.expect("the writer's thread started");
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::task::spawn_blocking(move || writer.join()),
    )
    .await
    .expect("the writer ends with its state")
    .unwrap()
    .unwrap();
    assert_eq!(count(store, "second state").await, 1);
}
