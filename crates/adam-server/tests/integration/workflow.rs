//! Diagram 1 through the API: a clerk opens a case file, the main office registers an
//! incoming document, hands it to the head of UN, who accepts, closes; the main office
//! reopens. After each step a service account asks the engine what everyone's level is.

use crate::on_both_backends;
use crate::support::*;
use adam_core::UserId;
use serde_json::{Value, json};

async fn level(s: &TestServer, user: UserId, document: u64) -> u64 {
    let answer = s
        .post(
            Who::Service,
            "/api/v1/check",
            &json!({"user": user, "object": {"type": "document", "id": document}}),
        )
        .await
        .expect(200);
    answer.json["level"].as_u64().unwrap()
}

async fn levels(s: &TestServer, document: u64) -> [u64; 5] {
    let fx = &s.fx;
    [
        level(s, fx.ana, document).await,
        level(s, fx.bojan, document).await,
        level(s, fx.glpi_admin, document).await,
        level(s, fx.un_admin, document).await,
        level(s, fx.admin, document).await,
    ]
}

async fn diagram_1_over_http(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let folder = s
        .post(
            Who::Plain,
            "/api/v1/folders",
            &json!({"app": fx.vopi, "class": fx.class, "title": "Odmera parcele 1234/5"}),
        )
        .await
        .expect(201);
    let f = folder.json["id"].as_u64().unwrap();
    assert_eq!(folder.json["workflow"]["responsible"], json!(fx.job_un_1));
    let doc = s
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/folders/{f}/documents"),
            &json!({"title": "Vloga"}),
        )
        .await
        .expect(201);
    let d = doc.json["id"].as_u64().unwrap();
    //                                   ana bojan glpi-admin un-admin admin
    assert_eq!(levels(&s, d).await, [14, 14, 22, 14, 0], "registered incoming document");

    let r = s
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/documents/{d}/hand-over"),
            &json!({"to": fx.leader_un}),
        )
        .await
        .expect(200);
    assert_eq!(r.json["type"], "document");
    assert_eq!(r.json["workflow"]["state"], "handed_over");
    assert_eq!(
        levels(&s, d).await,
        [14, 14, 22, 14, 0],
        "handed over: the recipient may look, not edit"
    );
    let why = s
        .post(
            Who::Service,
            "/api/v1/explain",
            &json!({"user": fx.un_admin, "object": {"type": "document", "id": d}}),
        )
        .await
        .expect(200);
    assert_eq!(
        why.json["summary"],
        "level 14: granted 21 but capped by a ceiling of 14"
    );
    assert_eq!(why.json["allowed"], 21);

    // Only the recipient accepts.
    s.post(Who::Plain, &format!("/api/v1/documents/{d}/accept"), &json!({}))
        .await
        .problem(403, "not-recipient");
    s.post(
        Who::UserAdminOther,
        &format!("/api/v1/documents/{d}/accept"),
        &json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        levels(&s, d).await,
        [14, 14, 14, 22, 0],
        "accepted: the recipient is the one editor"
    );
    let lookup = s
        .get(
            Who::Service,
            &format!("/api/v1/lookup?user={}&kind=document&level=21", fx.un_admin.0),
        )
        .await
        .expect(200);
    assert_eq!(lookup.json["items"], json!([d]));
    let who = s
        .get(Who::Service, &format!("/api/v1/who?kind=document&id={d}&level=21"))
        .await
        .expect(200);
    assert_eq!(who.json["items"], json!([fx.un_admin]));

    s.post(Who::UserAdminOther, &format!("/api/v1/documents/{d}/close"), &json!({}))
        .await
        .expect(200);
    assert_eq!(
        levels(&s, d).await,
        [14, 14, 14, 14, 0],
        "closed: read-only for everyone"
    );
    s.post(
        Who::UserAdminOther,
        &format!("/api/v1/documents/{d}/reopen"),
        &json!({}),
    )
    .await
    .problem(403, "not-dist-main");
    s.post(Who::UserAdminHere, &format!("/api/v1/documents/{d}/reopen"), &json!({}))
        .await
        .expect(200);
    assert_eq!(levels(&s, d).await, [14, 14, 14, 22, 0], "reopened by the main office");

    // Each step is in the audit trail, with its before and after.
    let store = s.state.store.clone();
    let history = tokio::task::spawn_blocking(move || store.object_history("ADAM_ENTITY_DOCUMENT", d as u32, 50))
        .await
        .unwrap()
        .unwrap();
    // The checks made along the way are in it too, as access records (kept 90 days).
    assert!(
        history
            .iter()
            .any(|r| r.action == "access.check" && r.retention == adam_store::Retention::Access)
    );
    let actions: Vec<&str> = history
        .iter()
        .map(|r| r.action.as_str())
        .filter(|a| a.starts_with("workflow."))
        .collect();
    assert_eq!(
        actions,
        vec![
            "workflow.reopen",
            "workflow.close",
            "workflow.accept",
            "workflow.hand_over",
            "workflow.new_document"
        ]
    );
    let accept = history.iter().find(|r| r.action == "workflow.accept").unwrap();
    assert_eq!(accept.before.as_ref().unwrap()["workflow"]["state"], "handed_over");
    assert_eq!(
        accept.after.as_ref().unwrap()["workflow"]["responsible"],
        json!(fx.leader_un)
    );
    assert_eq!(accept.context.application.as_deref(), Some("adam-api"));
    assert!(accept.context.source_ip.as_deref().is_some_and(|ip| ip == "127.0.0.1"));
    let _ = Value::Null;
}
on_both_backends!(diagram_1_over_http);
