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
    let (location, fx, tokens, dir) = s.stop();
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
}
on_both_backends!(a_tampered_trail_makes_the_server_read_only);
