//! The read side (issue #12, items 8–11): who may ask decision questions about others, who
//! may read the history of a record, what a refusal or an explanation discloses of a record
//! the caller may not read, and that direct reads and their refusals are in the audit trail.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use adam_server::Scope;
use reqwest::Method;
use serde_json::{Value, json};

/// A Z3 folder (and a document in it) that only gregor is cleared for, and a security lead.
struct Secret {
    folder: u32,
    document: u32,
    /// An ACL entry on the folder.
    entry: u32,
    lead_token: String,
}

const SECRET_TITLE: &str = "Tajna preiskava";
const SECRET_DOC: &str = "Zaupni dokument";

async fn run(s: &TestServer, actor: Actor, command: Command) -> Option<Created> {
    let ctx = s.state.context(actor, None);
    s.state
        .execute_as(actor, ctx, command)
        .await
        .unwrap_or_else(|e| panic!("setup: {}", e.detail))
        .created
}

async fn secret(s: &TestServer) -> Secret {
    let fx = &s.fx;
    let sys = Actor::System;
    let Some(Created::Role(z3)) = run(
        s,
        sys,
        Command::CreateRole {
            code: RoleCode::parse("c", "ZAUPNO_Z3").unwrap(),
            kind: RoleKind::Application,
            app: Some(fx.vopi),
            description: Text::parse("d", "Z3").unwrap(),
            object_level: None,
            members: vec![],
        },
    )
    .await
    else {
        panic!("role")
    };
    let mut settings = s.state.world().settings().clone();
    settings.clearance_roles = [Some(fx.clearance_b), None, Some(z3)];
    run(s, sys, Command::SetSettings { settings, change: None }).await;
    let grant = |role: RoleId, user: UserId| Command::Grant {
        role,
        grantee: Grantee::User(user),
        window: Window::ALWAYS,
        scope: None,
        reference: None,
    };
    run(s, sys, grant(z3, fx.gregor)).await;
    let gregor = Actor::User {
        user: fx.gregor,
        job: None,
        session: Session::MFA,
    };
    let Some(Created::Folder(folder)) = run(
        s,
        gregor,
        Command::NewFolder {
            app: fx.vopi,
            class: fx.class,
            title: Text::parse("t", SECRET_TITLE).unwrap(),
            classification: Classification::confidential(SecurityClass::THREE),
        },
    )
    .await
    else {
        panic!("folder")
    };
    let Some(Created::Document(document)) = run(
        s,
        gregor,
        Command::NewDocument {
            folder,
            title: Text::parse("t", SECRET_DOC).unwrap(),
            classification: Classification::PUBLIC,
        },
    )
    .await
    else {
        panic!("document")
    };
    let entry = s.state.world().acl(Carrier::Folder(folder)).unwrap()[0].id.0;
    let (lead, lead_role) = {
        let w = s.state.world();
        (
            w.user_by_username("uros").unwrap(),
            w.role_by_code("adam.security_lead").unwrap(),
        )
    };
    run(s, sys, grant(lead_role, lead)).await;
    let lead_token = token(s, lead, &[Scope::Read, Scope::Check]).await;
    Secret {
        folder: folder.0,
        document: document.0,
        entry,
        lead_token,
    }
}

async fn token(s: &TestServer, user: UserId, scopes: &[Scope]) -> String {
    adam_server::api::system::issue(&s.state, Actor::System, None, user, "read-rules", scopes, None)
        .await
        .unwrap_or_else(|e| panic!("token: {}", e.detail))
        .secret
}

/// A request with a bearer token of one's own: status, JSON (or null) and text.
async fn with_token(
    s: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value, String) {
    let mut r = s.client.request(method, format!("{}{path}", s.url)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), text)
}

fn ids(v: &Value) -> Vec<u64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_u64)
        .collect()
}

// ---- item 8: decision questions about others ---------------------------------------------

async fn decision_questions_about_others_follow_scope(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let sec = secret(&s).await;
    let f1 = fx.f1.0;
    let about = |u: UserId| json!({"user": u, "object": {"type": "folder", "id": f1}});
    let lookup = |u: UserId| format!("/api/v1/lookup?user={}&kind=folder&level=11", u.0);
    let role = |u: UserId| format!("/api/v1/check-role?user={}&role={}", u.0, fx.writer.0);

    // The user administrator of GLPI asks about bojan (UN): outside their scope.
    for path in ["/api/v1/check", "/api/v1/explain"] {
        s.post(Who::UserAdminHere, path, &about(fx.bojan))
            .await
            .problem(403, "not-allowed-to-ask");
    }
    s.post(
        Who::UserAdminHere,
        "/api/v1/check/batch",
        &json!({"checks": [about(fx.gregor), about(fx.bojan)]}),
    )
    .await
    .problem(403, "not-allowed-to-ask");
    s.get(Who::UserAdminHere, &lookup(fx.bojan))
        .await
        .problem(403, "not-allowed-to-ask");
    s.get(Who::UserAdminHere, &role(fx.bojan))
        .await
        .problem(403, "not-allowed-to-ask");
    // ...and about gregor (GLPI), inside it.
    s.post(Who::UserAdminHere, "/api/v1/check", &about(fx.gregor))
        .await
        .expect(200);
    s.post(Who::UserAdminHere, "/api/v1/explain", &about(fx.gregor))
        .await
        .expect(200);
    s.post(
        Who::UserAdminHere,
        "/api/v1/check/batch",
        &json!({"checks": [about(fx.gregor), about(fx.glpi_admin)]}),
    )
    .await
    .expect(200);
    s.get(Who::UserAdminHere, &lookup(fx.gregor)).await.expect(200);
    // The user administrator of UN about bojan: inside.
    s.post(Who::UserAdminOther, "/api/v1/check", &about(fx.bojan))
        .await
        .expect(200);
    s.get(Who::UserAdminOther, &lookup(fx.bojan)).await.expect(200);

    // The system administrator manages roles, not the business's access to documents.
    for path in ["/api/v1/check", "/api/v1/explain"] {
        s.post(Who::SysAdmin, path, &about(fx.bojan))
            .await
            .problem(403, "not-allowed-to-ask");
    }
    s.post(
        Who::SysAdmin,
        "/api/v1/check/batch",
        &json!({"checks": [about(fx.bojan)]}),
    )
    .await
    .problem(403, "not-allowed-to-ask");
    s.get(Who::SysAdmin, &lookup(fx.bojan))
        .await
        .problem(403, "not-allowed-to-ask");
    s.get(Who::SysAdmin, &role(fx.bojan)).await.expect(200);

    // Service accounts with the check scope and reviewers (a security lead) ask about anyone.
    s.post(Who::Service, "/api/v1/check", &about(fx.bojan))
        .await
        .expect(200);
    let (status, _, text) = with_token(
        &s,
        &sec.lead_token,
        Method::POST,
        "/api/v1/check",
        Some(&about(fx.bojan)),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let (status, _, text) = with_token(&s, &sec.lead_token, Method::GET, &lookup(fx.bojan), None).await;
    assert_eq!(status, 200, "{text}");
    // A plain user only about themself.
    s.post(Who::Plain, "/api/v1/check", &about(fx.bojan)).await.expect(403);
    let plain_check = token(&s, fx.ana, &[Scope::Read, Scope::Check]).await;
    let (status, v, text) = with_token(&s, &plain_check, Method::POST, "/api/v1/check", Some(&about(fx.bojan))).await;
    assert_eq!(
        (status, v["type"].as_str()),
        (403, Some("/problems/not-allowed-to-ask")),
        "{text}"
    );
    s.post(Who::Plain, "/api/v1/check", &about(fx.ana)).await.expect(200);
}
on_both_backends!(decision_questions_about_others_follow_scope);

async fn who_reaches_an_object_is_answered_within_the_askers_rights(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let sec = secret(&s).await;
    let who_f1 = format!("/api/v1/who?kind=folder&id={}&level=11", fx.f1.0);
    // Level 22 on the object (GLPI's administrator holds [dist.main]): the whole answer.
    let all = s.get(Who::UserAdminHere, &who_f1).await.expect(200);
    let everyone = ids(&all.json);
    assert!(everyone.contains(&u64::from(fx.gregor.0)) && everyone.contains(&u64::from(fx.bojan.0)));
    // Service accounts and reviewers: the whole answer.
    assert_eq!(ids(&s.get(Who::Service, &who_f1).await.expect(200).json), everyone);
    let (status, v, text) = with_token(&s, &sec.lead_token, Method::GET, &who_f1, None).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(ids(&v), everyone);
    // A user administrator below 22: only the people they administer (UN).
    let scoped = ids(&s.get(Who::UserAdminOther, &who_f1).await.expect(200).json);
    let un: Vec<u64> = [fx.un_admin, fx.ana, fx.bojan].iter().map(|u| u64::from(u.0)).collect();
    assert!(
        !scoped.is_empty() && scoped.iter().all(|u| un.contains(u)),
        "{scoped:?}"
    );
    assert!(!scoped.contains(&u64::from(fx.gregor.0)));
    // The system administrator: not the operator's question.
    s.get(Who::SysAdmin, &who_f1).await.problem(403, "not-allowed-to-ask");
    // A plain user below 22 on bojan's folder.
    s.get(Who::Plain, &format!("/api/v1/who?kind=folder&id={}&level=11", fx.f2.0))
        .await
        .problem(403, "not-allowed-to-ask");
    // The secret folder: even its existence is not confirmed to the UN administrator.
    let r = s
        .get(
            Who::UserAdminOther,
            &format!("/api/v1/who?kind=folder&id={}&level=11", sec.folder),
        )
        .await
        .expect(200);
    assert_eq!(ids(&r.json), Vec::<u64>::new());
}
on_both_backends!(who_reaches_an_object_is_answered_within_the_askers_rights);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_uis_why_follows_the_same_rule() {
    let s = TestServer::start(Backend::Sqlite).await;
    let f1 = s.fx.f1.0;
    let page = |who: Who, q: &str| {
        let path = format!("/ui/folders/{f1}?who={q}&lang=en");
        let s = &s;
        async move {
            let r = s.get(who, &path).await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.text);
            r.text
        }
    };
    // GLPI's administrator reaches f1 at 22 and administers gregor, not bojan.
    let html = page(Who::UserAdminHere, "gregor").await;
    assert!(html.contains("<pre"), "no explanation for gregor: {html}");
    let html = page(Who::UserAdminHere, "bojan").await;
    assert!(!html.contains("<pre"), "an explanation about bojan: {html}");
    assert!(html.contains("field-error"), "{html}");
}

// ---- item 9: history --------------------------------------------------------------------

async fn history_reads_as_the_record_reads(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let sec = secret(&s).await;
    // A grant the clerk may not read is not readable through its history either.
    let grant = fx.grant_gregor.0;
    s.get(Who::Plain, &format!("/api/v1/grants/{grant}")).await.expect(403);
    s.get(
        Who::Plain,
        &format!("/api/v1/history?kind=ADAM_ENTITY_GRANT&id={grant}"),
    )
    .await
    .expect(403);
    s.get(
        Who::Service,
        &format!("/api/v1/history?kind=ADAM_ENTITY_GRANT&id={grant}"),
    )
    .await
    .expect(200);
    // A folder, a document and an ACL entry the clerk may not read.
    for (kind, id) in [
        ("ADAM_ENTITY_FOLDER", sec.folder),
        ("ADAM_ENTITY_DOCUMENT", sec.document),
        ("ADAM_ENTITY_ACL_ENTRY", sec.entry),
    ] {
        let r = s
            .get(Who::Plain, &format!("/api/v1/history?kind={kind}&id={id}"))
            .await
            .expect(403);
        assert!(
            !r.text.contains(SECRET_TITLE) && !r.text.contains(SECRET_DOC),
            "{}",
            r.text
        );
    }
    // ...and the entry of a folder the clerk reads.
    s.get(
        Who::Plain,
        &format!("/api/v1/history?kind=ADAM_ENTITY_ACL_ENTRY&id={}", fx.entry.0),
    )
    .await
    .expect(200);

    // Bojan signs in: his sign-in (with its address) is his, his administrators' and reviewers'.
    s.set_password(fx.bojan, STRONG).await;
    s.login("bojan", STRONG).await.expect(200);
    s.state.flush_access().await;
    let path = format!("/api/v1/history?kind=ADAM_ENTITY_USER&id={}", fx.bojan.0);
    let signs_in = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"].as_str().is_some_and(|a| a.starts_with("auth.")))
    };
    let by_plain = s.get(Who::Plain, &path).await.expect(200);
    assert!(
        !signs_in(&by_plain.json),
        "a clerk sees bojan's sign-ins: {}",
        by_plain.text
    );
    assert!(!by_plain.text.contains("127.0.0.1"), "{}", by_plain.text);
    assert!(
        !by_plain.json["items"].as_array().unwrap().is_empty(),
        "the directory's changes to bojan stay visible"
    );
    assert!(
        by_plain.json["last_change"]["action"]
            .as_str()
            .is_some_and(|a| !a.starts_with("auth.")),
        "{}",
        by_plain.text
    );
    let by_other_admin = s.get(Who::UserAdminHere, &path).await.expect(200);
    assert!(!signs_in(&by_other_admin.json), "{}", by_other_admin.text);
    let by_his_admin = s.get(Who::UserAdminOther, &path).await.expect(200);
    assert!(signs_in(&by_his_admin.json), "{}", by_his_admin.text);
    let (status, v, text) = with_token(&s, &sec.lead_token, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{text}");
    assert!(signs_in(&v), "{text}");
    let own = token(&s, fx.bojan, &[Scope::Read]).await;
    let (status, v, text) = with_token(&s, &own, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{text}");
    assert!(signs_in(&v), "{text}");

    // The UI's user page shows the same.
    let page = s.get(Who::Plain, &format!("/ui/users/{}?lang=en", fx.bojan.0)).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.text);
    assert!(!page.text.contains("auth.login"), "{}", page.text);
    let page = s
        .get(Who::UserAdminOther, &format!("/ui/users/{}?lang=en", fx.bojan.0))
        .await;
    assert!(page.text.contains("auth.login"), "{}", page.text);
}
on_both_backends!(history_reads_as_the_record_reads);

// ---- item 10: refusals and explanations ---------------------------------------------------

async fn refusals_name_only_what_was_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let sec = secret(&s).await;
    let (f, d) = (sec.folder, sec.document);
    for path in [
        format!("/api/v1/folders/{f}"),
        format!("/api/v1/folders/{f}/documents"),
        format!("/api/v1/acl/folders/{f}"),
        format!("/api/v1/documents/{d}"),
        format!("/api/v1/acl/documents/{d}"),
        format!("/api/v1/history?kind=ADAM_ENTITY_FOLDER&id={f}"),
    ] {
        let r = s.get(Who::Plain, &path).await.problem(403, "insufficient-level");
        let detail = r.json["detail"].as_str().unwrap();
        assert!(
            !detail.contains(SECRET_TITLE) && !detail.contains(SECRET_DOC) && !detail.contains("Z3"),
            "{path}: {detail}"
        );
        assert!(
            detail.contains(&format!("{f}")) || detail.contains(&format!("{d}")),
            "{detail}"
        );
    }
    // Workflow commands and ACL changes on it.
    for (path, body) in [
        (format!("/api/v1/folders/{f}/close"), json!({})),
        (format!("/api/v1/documents/{d}/hand-over"), json!({"to": s.fx.job_un_1})),
        (format!("/api/v1/folders/{f}/documents"), json!({"title": "x"})),
        (
            format!("/api/v1/acl/folders/{f}"),
            json!({"kind": "allowed", "entity": {"type": "company"}, "value": 14}),
        ),
    ] {
        let r = s
            .post(Who::Plain, &path, &body)
            .await
            .problem(403, "insufficient-level");
        assert!(
            !r.text.contains(SECRET_TITLE) && !r.text.contains("Z3") && !r.text.contains("JOB.GLPI"),
            "{path}: {}",
            r.text
        );
    }
    let r = s
        .call(
            Who::Plain,
            Method::DELETE,
            &format!("/api/v1/acl-entries/{}", sec.entry),
            None,
        )
        .await
        .problem(403, "insufficient-level");
    assert!(!r.text.contains(SECRET_TITLE) && !r.text.contains("Z3"), "{}", r.text);
    let r = s.get(Who::Plain, &format!("/ui/folders/{f}?lang=en")).await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(!r.text.contains(SECRET_TITLE) && !r.text.contains("Z3"), "{}", r.text);

    // Explaining one's own access to it: the level and the reason in general terms.
    let mine = json!({"user": s.fx.ana, "object": {"type": "folder", "id": f}});
    let r = s.post(Who::Plain, "/api/v1/explain", &mine).await.expect(200);
    assert_eq!(r.json["level"], 0);
    assert_eq!(r.json["reason"], "clearance");
    assert_eq!(r.json["grants"], json!([]), "{}", r.text);
    assert_eq!(r.json["ceilings"], json!([]), "{}", r.text);
    assert!(r.json.get("classification").is_none(), "{}", r.text);
    assert!(r.json.get("rule").is_none(), "{}", r.text);
    assert_eq!(r.json["withheld"], true);
    assert!(!r.text.contains("Z3") && !r.text.contains(SECRET_TITLE), "{}", r.text);
    // An application diagnosing the same question gets everything.
    let r = s.post(Who::Service, "/api/v1/explain", &mine).await.expect(200);
    assert!(!r.json["grants"].as_array().unwrap().is_empty(), "{}", r.text);
    assert_eq!(r.json["classification"]["z"], 3);
    assert_eq!(r.json["rule"]["rule"], "clearance");
    assert_eq!(r.json["withheld"], false);
    // One's own access to a folder one reads: everything.
    let r = s
        .post(
            Who::Plain,
            "/api/v1/explain",
            &json!({"user": s.fx.ana, "object": {"type": "folder", "id": s.fx.f1}}),
        )
        .await
        .expect(200);
    assert!(!r.json["grants"].as_array().unwrap().is_empty(), "{}", r.text);
    assert_eq!(r.json["withheld"], false);
}
on_both_backends!(refusals_name_only_what_was_refused);

// ---- item 11: direct reads in the audit trail --------------------------------------------

async fn direct_reads_and_refusals_are_recorded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let sec = secret(&s).await;
    let (f1, d1, f) = (fx.f1.0, fx.d1.0, sec.folder);
    // Allowed reads at 13 and more.
    for path in [
        format!("/api/v1/folders/{f1}"),
        format!("/api/v1/folders/{f1}/documents"),
        format!("/api/v1/acl/folders/{f1}"),
        format!("/ui/folders/{f1}"),
    ] {
        assert_eq!(s.get(Who::Plain, &path).await.status.as_u16(), 200, "{path}");
    }
    for path in [format!("/api/v1/documents/{d1}"), format!("/api/v1/acl/documents/{d1}")] {
        s.get(Who::Plain, &path).await.expect(200);
    }
    // Six refused reads of the secret folder.
    for path in [
        format!("/api/v1/folders/{f}"),
        format!("/api/v1/folders/{f}"),
        format!("/api/v1/folders/{f}/documents"),
        format!("/api/v1/acl/folders/{f}"),
        format!("/ui/folders/{f}"),
        format!("/api/v1/history?kind=ADAM_ENTITY_FOLDER&id={f}"),
    ] {
        assert_eq!(s.get(Who::Plain, &path).await.status.as_u16(), 403, "{path}");
    }
    s.state.flush_access().await;
    let search =
        |kind: &str, id: u32| format!("/api/v1/audit?object_kind={kind}&object_id={id}&action=access&limit=1000");
    let (status, v, text) = with_token(&s, &sec.lead_token, Method::GET, &search("ADAM_ENTITY_FOLDER", f), None).await;
    assert_eq!(status, 200, "{text}");
    let refused: Vec<&Value> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "refused" && r["context"]["actor"]["user"] == json!(fx.ana))
        .collect();
    assert_eq!(refused.len(), 6, "{text}");
    assert!(refused.iter().all(|r| r["retention"] == "access"));

    let (_, v, text) = with_token(
        &s,
        &sec.lead_token,
        Method::GET,
        &search("ADAM_ENTITY_FOLDER", f1),
        None,
    )
    .await;
    let actions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "ok" && r["context"]["actor"]["user"] == json!(fx.ana))
        .filter_map(|r| r["action"].as_str())
        .collect();
    for a in [
        "access.read.folder",
        "access.read.documents",
        "access.read.acl",
        "access.read.page",
    ] {
        assert!(actions.contains(&a), "{a} missing: {text}");
    }
    let (_, v, text) = with_token(
        &s,
        &sec.lead_token,
        Method::GET,
        &search("ADAM_ENTITY_DOCUMENT", d1),
        None,
    )
    .await;
    let reads = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "ok" && r["action"].as_str().is_some_and(|a| a.starts_with("access.read")))
        .count();
    assert_eq!(reads, 2, "{text}");
}
on_both_backends!(direct_reads_and_refusals_are_recorded);
