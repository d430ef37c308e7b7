//! A case's past (issue #16), on SQLite and PostgreSQL: its page "as of" an earlier instant
//! shows the step, fields and decisions it had then, and the audit trail's rows of the case up
//! to then (the API's `?at=` is in `process_api`);
//! and the audit trail's record of a case keeps no perpetrators — the record written holds a
//! marker in their place, so whoever searches the trail (the system administrator) reads that
//! they changed, and when and by whom, but not who is suspected (Art. 20(2)).

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::StatusCode;
use serde_json::json;

/// A security event reported by the clerk and made an incident by the lead; its id.
async fn an_incident(server: &TestServer) -> u64 {
    server.make_security_lead(server.fx.glpi_admin).await;
    let started = server
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "USB", "fields": {"what": "Neznan ključ."}}),
        )
        .await
        .expect(201);
    started.json["id"].as_u64().unwrap()
}

async fn decide(server: &TestServer, id: u64, step: &str, outcome: &str, fields: serde_json::Value) {
    server
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/cases/{id}/decisions"),
            &json!({"step": step, "outcome": outcome, "fields": fields}),
        )
        .await
        .expect(200);
}

/// A case walked two steps, its page asked as of an instant between them: the earlier step,
/// its history then, nothing to decide; a bad instant said at the field with the case now; a
/// caller who may not read the case today refused.
async fn a_case_page_shows_the_case_as_it_stood_at_an_earlier_instant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = an_incident(&server).await;
    server.advance(3_600);
    decide(
        &server,
        id,
        "triage",
        "incident",
        json!({"discovered_at": "2026-03-01T08:00:00Z", "ministry_notified_at": "2026-03-01T10:00:00Z", "ministry_notified_to": "SIGOV-CERT"}),
    )
    .await;
    server.advance(3_600);
    let between = server.state.now();
    server.advance(3_600);
    decide(&server, id, "limit", "done", json!({})).await;
    let page = format!("/ui/cases/{id}");
    let lead = server.ui(Who::UserAdminHere);

    // Now: at the third step, with two decisions, the lead deciding it.
    let now = lead.get(&page).await;
    assert_eq!(now.status, StatusCode::OK);
    assert!(now.body.contains("data-step=\"evidence\""), "{}", now.body);
    assert!(now.body.contains("id=\"as-of-form\""));
    assert!(!now.body.contains("id=\"as-of-banner\""));
    assert!(now.body.contains("id=\"step-form\""));
    // Between the two decisions: at "limit", one decision, SIGOV-CERT recorded, nothing to
    // decide; the banner says when, with the way back to now.
    let shown = LocalTime::of(between).to_string();
    let at = shown.chars().take(16).collect::<String>().replacen(' ', "T", 1);
    let then = lead.get(&format!("{page}?at={at}")).await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.body);
    assert!(then.body.contains("data-step=\"limit\""), "{}", then.body);
    assert!(then.body.contains("id=\"as-of-banner\""));
    assert!(
        then.body.contains(&format!("value=\"{at}\"")),
        "the instant asked kept in its field"
    );
    assert!(
        !then.body.contains("id=\"step-form\""),
        "nothing to decide on a past picture"
    );
    assert!(then.body.contains("SIGOV-CERT"));
    let decisions = |body: &str| {
        body.split("id=\"history-table\"")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .unwrap_or_default()
            .matches("<tr><td>")
            .count()
    };
    assert_eq!(decisions(&now.body), 2, "{}", now.body);
    assert_eq!(decisions(&then.body), 1, "{}", then.body);
    // The audit trail's rows of the case, as every record's page has them: up to then only.
    let decided = |body: &str| body.matches("odločil o koraku zadeve").count();
    assert!(now.body.contains("id=\"last-change\"") && then.body.contains("id=\"last-change\""));
    assert_eq!(decided(&now.body), 2, "{}", now.body);
    assert_eq!(decided(&then.body), 1, "{}", then.body);
    assert!(then.body.contains("začel zadevo"));
    // Before the decisions (an RFC 3339 instant works too): at triage, no decision.
    let first = lead
        .get(&format!("{page}?at={}", Timestamp(between.0 - 2 * 3_600)))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("data-step=\"triage\""), "{}", first.body);
    assert!(first.body.contains("id=\"as-of-banner\""));
    // In both languages.
    assert!(then.body.contains("Zadeva je prikazana, kot je bila"), "{}", then.body);
    let en = server
        .ui(Who::UserAdminHere)
        .get(&format!("{page}?at={at}&lang=en"))
        .await;
    assert!(en.body.contains("The case is shown as it stood at"), "{}", en.body);
    assert!(en.body.contains("decided a step of a case"), "{}", en.body);
    // A bad instant: the case now, the message at the field, what was typed kept.
    let bad = lead.get(&format!("{page}?at=včeraj")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"as-of-error\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"včeraj\""));
    assert!(bad.body.contains("data-step=\"evidence\""));
    // Who may ask is today's question.
    let other = server.ui(Who::UserAdminOther).get(&format!("{page}?at={at}")).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}
on_both_backends!(a_case_page_shows_the_case_as_it_stood_at_an_earlier_instant);

/// The perpetrators of an incident, written and then changed with an update of the case: the
/// audit trail's records of those changes (read from the store itself, below every reader's
/// redaction) hold a marker, not the text; the system administrator searching the trail finds
/// the records, reads that the field changed, and never the text.
async fn the_audit_trail_shows_that_perpetrators_changed_but_not_who(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = an_incident(&server).await;
    decide(
        &server,
        id,
        "triage",
        "incident",
        json!({"discovered_at": "2026-03-01T08:00:00Z", "ministry_notified_at": "2026-03-01T10:00:00Z", "ministry_notified_to": "SIGOV-CERT"}),
    )
    .await;
    let path = format!("/api/v1/cases/{id}");
    for text in ["Neznan obiskovalec.", "Zunanji serviser Janez."] {
        server
            .patch(Who::UserAdminHere, &path, &json!({"fields": {"perpetrators": text}}))
            .await
            .expect(200);
    }
    // The case itself shows them to the lead.
    let lead = server.get(Who::UserAdminHere, &path).await.expect(200);
    assert!(lead.text.contains("Zunanji serviser Janez."), "{}", lead.text);

    // What the store keeps: no record of the case holds the text.
    let store = server.state.store.clone();
    let records = tokio::task::spawn_blocking(move || {
        store
            .audit_search(&adam_store::AuditQuery {
                object_kind: Some(EntityKind::ProcessCase.as_str().to_owned()),
                object_id: Some(u32::try_from(id).unwrap()),
                limit: 100,
                ..adam_store::AuditQuery::default()
            })
            .unwrap()
    })
    .await
    .unwrap();
    let stored = serde_json::to_string(&records).unwrap();
    assert!(!stored.contains("Neznan obiskovalec"), "{stored}");
    assert!(!stored.contains("Janez"), "{stored}");
    // Each of the two updates shows the field changed; the second's before shows it was set.
    let changed: Vec<_> = records
        .iter()
        .filter(|r| {
            r.after.as_ref().and_then(|a| a["fields"].get("perpetrators")) == Some(&json!({"restricted": "changed"}))
        })
        .collect();
    assert_eq!(changed.len(), 2, "{stored}");
    assert!(
        changed
            .iter()
            .any(|r| r.before.as_ref().and_then(|b| b["fields"].get("perpetrators"))
                == Some(&json!({"restricted": "set"}))),
        "{stored}"
    );
    // What else the case holds is kept as it was.
    assert!(stored.contains("SIGOV-CERT"), "{stored}");

    // The system administrator searching the trail: the records, the marker, never the text.
    let trail = format!("/api/v1/audit?object_kind=ADAM_ENTITY_PROCESS_CASE&object_id={id}");
    let admin = server.get(Who::SysAdmin, &trail).await.expect(200);
    assert!(
        !admin.text.contains("Neznan obiskovalec") && !admin.text.contains("Janez"),
        "{}",
        admin.text
    );
    assert!(admin.text.contains("\"restricted\":\"changed\""), "{}", admin.text);
    assert!(admin.text.contains("SIGOV-CERT"), "{}", admin.text);
    // The case's history over the API: for whoever reads the case (the reporter too), with the
    // marker; not for someone who does not read it.
    let history = format!("/api/v1/history?kind=ADAM_ENTITY_PROCESS_CASE&id={id}");
    let reporter = server.get(Who::Plain, &history).await.expect(200);
    assert!(
        reporter.text.contains("\"restricted\":\"changed\""),
        "{}",
        reporter.text
    );
    assert!(!reporter.text.contains("Janez"), "{}", reporter.text);
    assert_eq!(
        reporter.json["last_change"]["action"], "case.update",
        "{}",
        reporter.text
    );
    server
        .get(Who::UserAdminOther, &history)
        .await
        .problem(403, "not-a-case-reader");
    // Nor on the audit search page of the UI.
    let page = server
        .ui(Who::SysAdmin)
        .get(&format!(
            "/ui/audit?object_kind=ADAM_ENTITY_PROCESS_CASE&object_id={id}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Neznan obiskovalec") && !page.body.contains("Janez"));
}
on_both_backends!(the_audit_trail_shows_that_perpetrators_changed_but_not_who);
