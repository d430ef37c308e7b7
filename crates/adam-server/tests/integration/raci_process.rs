//! RACI in the process engine and the monthly report over HTTP (issue #17, seed 003), on both
//! backends: a case whose steps are assigned by OPSI's matrix (R performs, A consents), the
//! folder handed to the performing job, and re-binding the provider moving the next step to
//! another job; the monthly report of OPSI — availability from the outages its security
//! events record, overlaps counted once, other systems and months left out — as JSON and CSV,
//! a bad month refused at `/month` in both languages, outsiders refused.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::Method;
use serde_json::{Value, json};

fn words(s: &str) -> Value {
    json!({"sl": s, "en": s})
}

/// Task 4 "Maintenance responsibility – overall" at the middleware layer: the customer (Ana's
/// job) is A, the provider (GLPI's head) R.
fn definition() -> Value {
    let raci =
        |letter: &str| json!({"raci": {"solution": "solution", "task": "4", "layer": "middleware", "letter": letter}});
    json!({
        "key": "raci-maintenance", "version": 1, "name": words("Vzdrževanje po RACI"),
        "roles": [
            {"key": "maintainer", "name": words("izvajalec (R)"), "binding": raci("R")},
            {"key": "owner", "name": words("odgovorni (A)"), "binding": raci("A")}
        ],
        "fields": [{"key": "solution", "name": words("rešitev"), "type": "text", "fixed": true}],
        "start": "maintain",
        "steps": [
            {"key": "maintain", "name": words("vzdrževanje"), "kind": "task", "performer": "maintainer",
             "guards": [{"consent": ["owner"]}],
             "outcomes": [{"key": "done", "name": words("opravljeno"), "to": "check"}]},
            {"key": "check", "name": words("pregled"), "kind": "decision", "performer": "owner",
             "outcomes": [{"key": "ok", "name": words("v redu"), "to": "end"},
                          {"key": "again", "name": words("ponovno"), "to": "maintain"}]},
            {"key": "end", "name": words("konec"), "kind": "end"}
        ]
    })
}

fn usernames(view: &Value) -> Vec<String> {
    view["performers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["username"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_case_walks_by_the_raci_matrix(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::raci_api::ensure(&s).await;
    // A task or layer the template does not have is an import problem naming it.
    let mut broken = definition();
    broken["roles"][0]["binding"]["raci"]["layer"] = json!("kernel");
    let r = s
        .post(Who::SysAdmin, "/api/v1/processes", &broken)
        .await
        .problem(422, "invalid-definition");
    assert!(r.text.contains("kernel"), "{}", r.text);
    s.post(Who::SysAdmin, "/api/v1/processes", &definition())
        .await
        .expect(201);

    let started = s
        .post(
            Who::UserAdminOther,
            "/api/v1/cases",
            &json!({"process": "raci-maintenance", "title": "Posodobitev vmesne opreme", "fields": {"solution": "OPSI"}}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    let path = format!("/api/v1/cases/{id}");
    let decisions = format!("{path}/decisions");
    let view = s.get(Who::UserAdminHere, &path).await.expect(200).json;
    assert_eq!(usernames(&view), vec!["glpi-admin"]);
    let case = CaseId(u32::try_from(id).unwrap());
    assert_eq!(s.state.world().case(case).unwrap().responsible, Some(s.fx.leader_glpi));

    // The customer is not R; the provider needs the customer's (A's) consent first.
    s.post(Who::Plain, &decisions, &json!({"step": "maintain", "outcome": "done"}))
        .await
        .problem(403, "not-performer");
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "maintain", "outcome": "done"}),
    )
    .await
    .problem(409, "guards-unmet");
    s.post(
        Who::UserAdminHere,
        &format!("{path}/consents"),
        &json!({"role": "owner"}),
    )
    .await
    .problem(403, "not-role-holder");
    s.post(Who::Plain, &format!("{path}/consents"), &json!({"role": "owner"}))
        .await
        .expect(200);
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "maintain", "outcome": "done"}),
    )
    .await
    .expect(200);
    // The accountable customer's job holds the file now; the provider's head still reads it.
    let view = s.get(Who::Plain, &path).await.expect(200).json;
    assert_eq!(view["step"], "check");
    assert_eq!(usernames(&view), vec!["ana"]);
    {
        let w = s.state.world();
        let c = w.case(case).unwrap();
        assert_eq!(c.responsible, Some(s.fx.job_un_1));
        let f = w.folder(c.folder).unwrap();
        assert_eq!(f.workflow.responsible, Some(s.fx.job_un_1));
        assert_eq!(f.workflow.sender, Some(s.fx.leader_glpi));
    }
    s.get(Who::UserAdminHere, &path).await.expect(200);

    // The provider re-bound to GLPI's clerk's job: the next visit is Gregor's.
    s.post(
        Who::SysAdmin,
        "/api/v1/raci/matrices/OPSI/parties",
        &json!({"key": "provider", "bound": {"type": "job", "id": s.fx.job_glpi}}),
    )
    .await
    .expect(200);
    s.post(Who::Plain, &decisions, &json!({"step": "check", "outcome": "again"}))
        .await
        .expect(200);
    let view = s.get(Who::Plain, &path).await.expect(200).json;
    assert_eq!(view["step"], "maintain");
    assert_eq!(usernames(&view), vec!["gregor"]);
    assert_eq!(s.state.world().case(case).unwrap().responsible, Some(s.fx.job_glpi));
    // GLPI's head performs nothing now and the file has moved on twice: not even a reader.
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "maintain", "outcome": "done"}),
    )
    .await
    .problem(403, "not-a-case-reader");
}

on_both_backends!(a_case_walks_by_the_raci_matrix);

/// Reports a security event about `system` with these fields, as Bojan would.
async fn event(s: &TestServer, fields: Value) -> u64 {
    let r = s
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "Izpad", "fields": fields}),
        )
        .await
        .expect(201);
    r.json["id"].as_u64().unwrap()
}

async fn the_monthly_report_over_http(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    crate::hosting_api::ensure_solution(&s, s.fx.ana).await;
    crate::raci_api::ensure(&s).await;
    let system = s.state.world().solutions()[0].fields.system.unwrap().0;
    // Two overlapping outages in February (10:00–11:30 and 11:00–12:00 UTC: two hours once),
    // one in March, and one in February about another system.
    let first = event(
        &s,
        json!({"what": "Strežnik ne odgovarja.", "affected_system": system, "situation": "malfunction",
               "occurred_at": "2026-02-10T10:00:00Z",
               "outage_from": "2026-02-10T10:00:00Z", "outage_until": "2026-02-10T11:30:00Z"}),
    )
    .await;
    event(
        &s,
        json!({"what": "Podatkovna baza ne odgovarja.", "affected_system": system,
               "occurred_at": "2026-02-10T11:00:00Z",
               "outage_from": "2026-02-10T11:00:00Z", "outage_until": "2026-02-10T12:00:00Z"}),
    )
    .await;
    event(
        &s,
        json!({"what": "Marčni izpad.", "affected_system": system, "occurred_at": "2026-03-01T10:00:00Z",
               "outage_from": "2026-03-01T10:00:00Z", "outage_until": "2026-03-01T10:30:00Z"}),
    )
    .await;
    s.post(
        Who::UserAdminHere,
        &format!("/api/v1/cases/{first}/decisions"),
        &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "2026-02-10T10:05:00Z"}}),
    )
    .await
    .expect(200);

    let r = s
        .get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?month=2026-02")
        .await
        .expect(200)
        .json;
    assert_eq!(r["month"], "2026-02");
    assert_eq!(r["system"]["code"], "OPSI-SYS");
    assert_eq!(r["minutes"], 28 * 1440);
    assert_eq!(r["outage_minutes"], 120);
    // (40320 − 120) / 40320 = 99.702…%
    assert_eq!(r["availability"], "99.702");
    assert_eq!(r["incidents"], 1);
    let events = r["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{r}");
    assert_eq!(events[0]["incident"], true);
    assert_eq!(events[0]["outage_minutes"], 90);
    assert_eq!(events[1]["incident"], Value::Null);
    // Descriptions stay in the cases.
    assert!(!r.to_string().contains("ne odgovarja"), "{r}");
    let march = s
        .get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?month=2026-03")
        .await
        .expect(200)
        .json;
    assert_eq!(march["outage_minutes"], 30);

    // CSV, its header in the asked language.
    let csv = s
        .call_with(
            Who::Plain,
            Method::GET,
            "/api/v1/raci/matrices/OPSI/report?month=2026-02&format=csv",
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("vrstica,rešitev,mesec"), "{}", csv.text);
    assert!(
        lines[1].starts_with("month,OPSI,2026-02,OPSI-SYS,99.702,120"),
        "{}",
        csv.text
    );
    assert_eq!(lines.len(), 4, "{}", csv.text);
    let en = s
        .get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?month=2026-02&format=csv")
        .await
        .expect(200);
    assert!(en.text.starts_with("row,solution,month"), "{}", en.text);

    // A month that is not one: 422 at /month, in both languages.
    let bad = s
        .get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?month=2026-13")
        .await
        .problem(422, "invalid-month");
    assert_eq!(bad.json["pointer"], "/month");
    assert!(bad.json["detail"].as_str().unwrap().contains("YYYY-MM"));
    let bad = s
        .call_with(
            Who::Plain,
            Method::GET,
            "/api/v1/raci/matrices/OPSI/report?month=februar",
            None,
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "invalid-month");
    assert!(bad.json["detail"].as_str().unwrap().contains("LLLL-MM"), "{}", bad.text);
    s.get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?format=xml")
        .await
        .problem(422, "invalid-query");
    // Whoever does not read the matrix reads no report.
    s.get(Who::Service, "/api/v1/raci/matrices/OPSI/report?month=2026-02")
        .await
        .problem(403, "not-a-raci-reader");
}

on_both_backends!(the_monthly_report_over_http);

/// A recorded outage of a hosted solution's system that would end before it starts is refused
/// (`end-before-start`, 422 with the fields named, in both languages) — at the report and at a
/// later decision — and the monthly report counts only what was accepted.
async fn an_outage_ending_before_it_starts_is_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    crate::hosting_api::ensure_solution(&s, s.fx.ana).await;
    crate::raci_api::ensure(&s).await;
    let system = s.state.world().solutions()[0].fields.system.unwrap().0;
    let before = s.revision().await;
    let backwards = json!({"process": "security-event", "title": "Izpad", "fields": {
        "what": "Strežnik ne odgovarja.", "affected_system": system,
        "outage_from": "2026-02-10T11:00:00Z", "outage_until": "2026-02-10T10:00:00Z"}});
    let r = s
        .post(Who::Plain, "/api/v1/cases", &backwards)
        .await
        .problem(422, "end-before-start");
    assert_eq!(r.json["field"], "outage_until");
    assert_eq!(r.json["start"], "outage_from");
    assert!(
        r.json["detail"].as_str().unwrap().contains("before its start"),
        "{}",
        r.text
    );
    let r = s
        .call_with(
            Who::Plain,
            Method::POST,
            "/api/v1/cases",
            Some(&backwards),
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "end-before-start");
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap()
            .contains("konec ne more biti pred začetkom"),
        "{}",
        r.text
    );
    assert_eq!(s.revision().await, before, "nothing was recorded");
    // Reported with its start only; the security lead's end before it is refused at triage.
    let id = event(
        &s,
        json!({"what": "Strežnik ne odgovarja.", "affected_system": system, "occurred_at": "2026-02-10T11:00:00Z",
               "outage_from": "2026-02-10T11:00:00Z"}),
    )
    .await;
    let decisions = format!("/api/v1/cases/{id}/decisions");
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "triage", "outcome": "not_incident", "fields": {"outage_until": "2026-02-09T12:00:00Z"}}),
    )
    .await
    .problem(422, "end-before-start");
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "triage", "outcome": "not_incident", "fields": {"outage_until": "2026-02-10T11:45:00Z"}}),
    )
    .await
    .expect(200);
    let r = s
        .get(Who::Plain, "/api/v1/raci/matrices/OPSI/report?month=2026-02")
        .await
        .expect(200)
        .json;
    assert_eq!(r["outage_minutes"], 45, "{r}");
}

on_both_backends!(an_outage_ending_before_it_starts_is_refused);
