//! Art. 57(6) through the API: access records are kept past the retention period only on a
//! written risk analysis and a justification confirmed by the head of the body. A security lead
//! proposes a hold naming a record of the risk register; the person holding the head's
//! appointment today confirms it (not the proposer); unconfirmed, it keeps its days for a
//! grace of 7 days and then lapses, and the purge takes them; confirmed, it keeps them.

use crate::on_both_backends;
use crate::support::*;
use adam_core::register::decree_roles::DecreeRole;
use adam_core::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

const DAY: i64 = 86_400;

/// `user` becomes a security lead (the support's grant of the power).
pub async fn make_security_lead(s: &TestServer, user: UserId) {
    s.make_security_lead(user).await;
}

/// `user` is appointed head of the body from today.
pub async fn appoint_head(s: &TestServer, user: UserId) {
    let ctx = s.state.context(Actor::System, None);
    s.state
        .execute_as(
            Actor::System,
            ctx,
            Command::AppointDecreeRole {
                role: DecreeRole::Head,
                user,
                contact: None,
                appointment: None,
                since: LocalDate::of(s.state.now()),
            },
        )
        .await
        .unwrap();
}

/// A risk assessment in the register; its id.
pub async fn record_risk(s: &TestServer) -> u64 {
    let made = s
        .post(
            Who::SysAdmin,
            "/api/v1/risk-assessments",
            &json!({
                "date": "2026-02-10",
                "scope": "Občina: dostopi do dokumentov",
                "findings": "Incident INC-7 zahteva dokaze dlje od 90 dni",
                "treatment": "Hramba dni incidenta do zaključka preiskave",
            }),
        )
        .await
        .expect(201);
    made.json["id"].as_u64().unwrap()
}

/// An application reports that Ana did `action` on d1 now.
async fn report(s: &TestServer, action: &str) {
    s.post(
        Who::Service,
        "/api/v1/audit/events",
        &json!({"events": [{"user": s.fx.ana, "object": {"type": "document", "id": s.fx.d1}, "action": action}]}),
    )
    .await
    .expect(201);
    s.state.flush_access().await;
}

/// The actions of the trail's records, with who acted.
async fn trail(s: &TestServer) -> Vec<(String, Option<UserId>)> {
    let store = s.state.store.clone();
    tokio::task::spawn_blocking(move || store.audit_since(0, usize::MAX).unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.action, r.context.actor.user_id()))
        .collect()
}

/// The holds as stored (read off the async threads: PostgreSQL's client blocks).
pub async fn stored_holds(s: &TestServer) -> Vec<adam_store::Hold> {
    let store = s.state.store.clone();
    tokio::task::spawn_blocking(move || store.audit_holds().unwrap())
        .await
        .unwrap()
}

fn hold_of<'a>(list: &'a serde_json::Value, id: &serde_json::Value) -> &'a serde_json::Value {
    list.as_array().unwrap().iter().find(|h| h["id"] == *id).unwrap()
}

async fn a_hold_rests_on_a_risk_assessment_and_the_heads_confirmation(backend: Backend) {
    let s = TestServer::start(backend).await;
    make_security_lead(&s, s.fx.ana).await;
    let risk = record_risk(&s).await;
    let first_day = LocalDate::of(s.state.now()).to_string();
    report(&s, "document.print").await;

    // The written risk analysis must be a record of the risk register: a specific problem at
    // the field, in both languages, and nothing recorded.
    let unknown =
        json!({"from": first_day, "until": first_day, "justification": "Incident INC-7", "risk_assessment": 99});
    let refused = s
        .post(Who::Plain, "/api/v1/audit/holds", &unknown)
        .await
        .problem(422, "unknown-risk-assessment");
    assert_eq!(refused.json["pointer"], "/risk_assessment", "{}", refused.text);
    assert!(
        refused.json["detail"].as_str().unwrap().contains("risk register"),
        "{}",
        refused.text
    );
    let sl = s
        .call_with(
            Who::Plain,
            Method::POST,
            "/api/v1/audit/holds",
            Some(&unknown),
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "unknown-risk-assessment");
    assert!(
        sl.json["detail"].as_str().unwrap().contains("registru tveganj"),
        "{}",
        sl.text
    );
    // Without one at all, the body is refused.
    s.post(
        Who::Plain,
        "/api/v1/audit/holds",
        &json!({"from": first_day, "until": first_day, "justification": "Incident INC-7"}),
    )
    .await
    .problem(422, "invalid-body");
    assert!(stored_holds(&s).await.is_empty(), "nothing recorded");

    // Proposed while nobody holds the head's appointment: pending, nobody to confirm it.
    let proposal = json!({"from": first_day, "until": first_day, "justification": "Incident INC-7: court order", "risk_assessment": risk});
    let a = s.post(Who::Plain, "/api/v1/audit/holds", &proposal).await.expect(201);
    assert_eq!(a.json["state"], "proposed", "{}", a.text);
    assert_eq!(a.json["confirmable_by"], json!([]), "{}", a.text);
    assert_eq!(a.json["risk_assessment"], risk);
    assert_eq!(a.json["approved_by"], s.fx.ana.0);
    assert_eq!(a.json["grace_until"], s.state.now().plus_seconds(7 * DAY).to_string());
    let a_id = a.json["id"].clone();
    let confirm_a = format!("/api/v1/audit/holds/{a_id}/confirm");

    // Only the head confirms: not the security lead, not the system administrator, not a user
    // administrator who is not the head.
    for who in [Who::Plain, Who::SysAdmin, Who::UserAdminHere] {
        s.call(who, Method::POST, &confirm_a, None)
            .await
            .problem(403, "not-the-head");
    }
    s.call_with(
        Who::SysAdmin,
        Method::POST,
        &confirm_a,
        None,
        &[("accept-language", "sl")],
    )
    .await
    .problem(403, "not-the-head");

    // GLPI's user administrator is appointed head: she sees the holds and who may confirm.
    appoint_head(&s, s.fx.glpi_admin).await;
    let list = s.get(Who::UserAdminHere, "/api/v1/audit/holds").await.expect(200);
    assert_eq!(hold_of(&list.json, &a_id)["confirmable_by"], json!([s.fx.glpi_admin.0]));
    let confirmed = s
        .call(Who::UserAdminHere, Method::POST, &confirm_a, None)
        .await
        .expect(200);
    assert_eq!(confirmed.json["state"], "confirmed", "{}", confirmed.text);
    assert_eq!(confirmed.json["confirmed_by"], s.fx.glpi_admin.0);
    assert_eq!(confirmed.json["confirmed_at"], s.state.now().to_string());
    s.call(Who::UserAdminHere, Method::POST, &confirm_a, None)
        .await
        .problem(409, "hold-confirmed");

    // The next day another hold is proposed, by a lead who is the head too: she may not
    // confirm her own proposal; the other head may, but does not.
    s.advance(DAY);
    report(&s, "document.image.view").await;
    appoint_head(&s, s.fx.ana).await;
    let second_day = LocalDate::of(s.state.now()).to_string();
    let b = s
        .post(
            Who::Plain,
            "/api/v1/audit/holds",
            &json!({"from": second_day, "until": second_day, "justification": "Incident INC-8", "risk_assessment": risk}),
        )
        .await
        .expect(201);
    assert_eq!(b.json["confirmable_by"], json!([s.fx.glpi_admin.0]), "{}", b.text);
    let b_id = b.json["id"].clone();
    let confirm_b = format!("/api/v1/audit/holds/{b_id}/confirm");
    s.call(Who::Plain, Method::POST, &confirm_b, None)
        .await
        .problem(403, "own-hold");

    // Past the grace it lapses: it can no longer be confirmed.
    s.advance(8 * DAY);
    let list = s.get(Who::SysAdmin, "/api/v1/audit/holds").await.expect(200);
    assert_eq!(hold_of(&list.json, &b_id)["state"], "lapsed", "{}", list.text);
    assert_eq!(hold_of(&list.json, &a_id)["state"], "confirmed", "{}", list.text);
    s.call(Who::UserAdminHere, Method::POST, &confirm_b, None)
        .await
        .problem(409, "hold-lapsed");

    // Past the retention period the purge keeps the confirmed hold's day and takes the lapsed
    // one's.
    s.advance(92 * DAY);
    let purge = s
        .call(Who::SysAdmin, Method::POST, "/api/v1/audit/purge", None)
        .await
        .expect(200);
    let held: Vec<i64> = purge.json["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_i64().unwrap())
        .collect();
    assert_eq!(held, vec![adam_store::audit::period_of(NOW)], "{}", purge.text);
    let actions = trail(&s).await;
    assert!(
        actions.iter().any(|(a, _)| a == "document.print"),
        "the confirmed hold's day is kept"
    );
    assert!(
        !actions.iter().any(|(a, _)| a == "document.image.view"),
        "the lapsed hold's day is purged"
    );

    // The trail holds the proposals and the confirmation, with who made them.
    let holds: Vec<(String, Option<UserId>)> = actions
        .into_iter()
        .filter(|(a, _)| a.starts_with("audit.hold"))
        .collect();
    assert_eq!(
        holds,
        vec![
            ("audit.hold".to_owned(), Some(s.fx.ana)),
            ("audit.hold.confirm".to_owned(), Some(s.fx.glpi_admin)),
            ("audit.hold".to_owned(), Some(s.fx.ana)),
        ]
    );
    let v = s.get(Who::SysAdmin, "/api/v1/audit/verify").await.expect(200);
    assert_eq!(v.json["problems"], json!([]), "{}", v.text);
}
on_both_backends!(a_hold_rests_on_a_risk_assessment_and_the_heads_confirmation);

/// The head of the body confirms holds in the UI though she reviews no audit trail (a mayor):
/// the menu shows the holds, `/ui/audit` leads her to them, the page has her "Confirm" and no
/// search of the trail; a plain clerk is refused the page.
async fn the_head_confirms_in_the_ui_without_reviewing_the_trail(backend: Backend) {
    let s = TestServer::start(backend).await;
    make_security_lead(&s, s.fx.ana).await;
    let risk = record_risk(&s).await.to_string();
    // Gregor is no reviewer of the trail; he is appointed head of the body.
    appoint_head(&s, s.fx.gregor).await;
    let issued = adam_server::api::system::issue(
        &s.state,
        Actor::System,
        None,
        s.fx.gregor,
        "head",
        &[adam_server::Scope::Read, adam_server::Scope::Write],
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("token: {}", e.detail));
    let head = s.ui_token(Some(&issued.secret));
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post_owned(
            "/ui/audit/holds",
            &[
                ("from", "2026-03-01".to_owned()),
                ("until", "2026-03-02".to_owned()),
                ("justification", "Incident INC-9".to_owned()),
                ("risk_assessment", risk),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = stored_holds(&s).await[0].id;
    let Answer { status, headers, .. } = head.get("/ui/audit").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/ui/audit/holds");
    let Answer { status, body: html, .. } = head.get("/ui/audit/holds?lang=en").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"nav-holds\""), "the menu shows the holds: {html}");
    assert!(html.contains(&format!("id=\"hold-{id}-confirm\"")), "{html}");
    assert!(!html.contains("id=\"audit-form\""), "no search of the trail: {html}");
    let Answer { status, .. } = head
        .post(&format!("/ui/audit/holds/{id}/confirm"), &[("confirm", "1")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(stored_holds(&s).await[0].confirmed_by, Some(s.fx.gregor));
    // A reviewer is sent to the trail's page; someone who sees no holds is refused.
    let Answer { status, headers, .. } = s.ui(Who::SysAdmin).get("/ui/audit/holds").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/ui/audit#holds");
    let Answer { status, .. } = s.ui(Who::Service).get("/ui/audit/holds").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
on_both_backends!(the_head_confirms_in_the_ui_without_reviewing_the_trail);
