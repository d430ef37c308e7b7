//! The continuity register over HTTP (issue #18; Decree Art. 15, 29): each rule is a problem
//! with its own type and writes nothing; a system's operator records its BIA and tests; the
//! overview and the per-system JSON show targets, measured RTO/RPO met or not and "restore
//! overdue"; a failed restore test of ADAM itself opens a security event; history and "as of";
//! the tests as CSV. On SQLite and PostgreSQL.

use crate::integrity::{SERVER, key_server};
use crate::on_both_backends;
use crate::support::*;
use serde_json::{Value, json};

fn bia(criticality: &str, rto: Option<&str>, rpo: Option<&str>, mtd: Option<&str>) -> Value {
    json!({
        "criticality": criticality,
        "rto": rto,
        "rpo": rpo,
        "mtd": mtd,
        "costs": [{"after": "4h", "cost": "2.000 EUR"}, {"after": "1d", "cost": "20.000 EUR in ugled"}],
        "dependencies": [1],
        "backup": {
            "scope": "Pošta in nastavitve",
            "frequency": "Vsako noč",
            "locations": "Rezervna lokacija Kranj",
            "retention": "30 dni",
            "procedure": "Navodilo NV-7: izdelava, hramba in obnova.",
            "protected_like_original": true,
            "restore_test_days": 90
        }
    })
}

fn drill(held: &str, rto: &str, rpo: &str) -> Value {
    json!({
        "subject": {"system": 0},
        "kind": "drill",
        "scenario": "total_loss",
        "announced": "2026-02-20",
        "held_at": held,
        "participants": [
            {"name": "Gregor", "role": "custodian"},
            {"name": "Servis", "role": "operator"},
            {"name": "Ana", "role": "user"}
        ],
        "measured_rto": rto,
        "measured_rpo": rpo,
        "duration": "3h",
        "passed": true,
        "findings": "Klicna veriga je zastarela.",
        "tasks": [{"task": "Posodobiti klicno verigo v načrtu."}]
    })
}

/// A plan with the six contents, adopted 2026-01-15.
pub fn plan(approver: u64) -> Value {
    json!({
        "roles": "Vodja krize: vodja IT.",
        "functions": "Elektronska pošta, dokumentni sistem.",
        "risk": "Glej oceno tveganj 2026.",
        "measures": "Nočne kopije, rezervna lokacija.",
        "emergency": "Klicna veriga, zbirno mesto.",
        "recovery": "Obnova iz kopij po navodilu NV-7.",
        "adopted": "2026-01-15",
        "approver": approver
    })
}

async fn put(s: &TestServer, who: Who, path: &str, body: &Value) -> Reply {
    s.call(who, reqwest::Method::PUT, path, Some(body)).await
}

async fn each_continuity_rule_is_a_specific_refusal_that_writes_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, true).await;
    let path = "/api/v1/continuity/systems/0/bia";
    let before = s.revision().await;
    put(&s, Who::SysAdmin, path, &bia("vital", None, Some("1h"), None))
        .await
        .problem(422, "continuity-targets-missing");
    put(
        &s,
        Who::SysAdmin,
        path,
        &bia("critical", Some("8h"), Some("1h"), Some("4h")),
    )
    .await
    .problem(422, "rto-over-mtd");
    put(
        &s,
        Who::SysAdmin,
        "/api/v1/continuity/systems/99/bia",
        &bia("sensitive", None, None, None),
    )
    .await
    .problem(404, "unknown-item");
    put(&s, Who::SysAdmin, path, &bia("sensitive", Some("soon"), None, None))
        .await
        .problem(422, "invalid-body");
    let mut own = bia("sensitive", None, None, None);
    own["dependencies"] = json!([0]);
    put(&s, Who::SysAdmin, path, &own)
        .await
        .problem(422, "bia-self-dependency");
    put(&s, Who::Plain, path, &bia("sensitive", None, None, None))
        .await
        .problem(403, "not-continuity-writer");
    // Slovenian too.
    let sl = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::PUT,
            path,
            Some(&bia("critical", Some("8h"), Some("1h"), Some("4h"))),
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "rto-over-mtd");
    assert!(
        sl.json["detail"].as_str().unwrap().contains("ciljni čas obnovitve"),
        "{}",
        sl.text
    );
    // Tests: a partial loss names its component; a failed test its findings; ADAM's own tests
    // are the keepers'.
    let mut partial = drill("2026-03-01T08:00:00Z", "2h", "5min");
    partial["scenario"] = json!("partial_loss");
    s.post(Who::SysAdmin, "/api/v1/continuity/tests", &partial)
        .await
        .problem(422, "component-missing");
    let mut early = drill("2026-03-01T08:00:00Z", "2h", "5min");
    early["announced"] = json!("2026-03-05");
    s.post(Who::SysAdmin, "/api/v1/continuity/tests", &early)
        .await
        .problem(422, "announced-after-held");
    let mut adam = drill("2026-03-01T08:00:00Z", "2h", "5min");
    adam["subject"] = json!("adam");
    s.post(Who::Service, "/api/v1/continuity/tests", &adam)
        .await
        .problem(403, "not-continuity-keeper");
    // The plan and its review.
    s.post(Who::Service, "/api/v1/continuity/plans", &plan(s.fx.admin.0.into()))
        .await
        .problem(403, "not-continuity-keeper");
    let mut late = plan(s.fx.admin.0.into());
    late["next_review"] = json!("2027-06-01");
    s.post(Who::SysAdmin, "/api/v1/continuity/plans", &late)
        .await
        .problem(422, "plan-review-due-too-late");
    let review =
        json!({"date": "2026-03-01", "trigger": "annual", "reviewer": s.fx.admin.0, "outcome": "Brez sprememb."});
    s.post(Who::SysAdmin, "/api/v1/continuity/plan-reviews", &review)
        .await
        .problem(409, "no-continuity-plan");
    assert_eq!(s.revision().await, before, "a refusal wrote something");
    assert!(s.state.world().bias().is_empty() && s.state.world().continuity_tests().is_empty());
}
on_both_backends!(each_continuity_rule_is_a_specific_refusal_that_writes_nothing);

async fn the_operator_records_a_bia_and_a_drill_and_the_overview_measures_them(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, true).await;
    let before_bia = s.state.now();
    s.advance(3600);
    // The system's operator (the service account) sets its BIA.
    let path = "/api/v1/continuity/systems/0/bia";
    let made = s
        .call(
            Who::Service,
            reqwest::Method::PUT,
            path,
            Some(&bia("vital", Some("4h"), Some("15min"), Some("1d"))),
        )
        .await
        .expect(201);
    assert_eq!(made.json["rto"], "4h");
    assert_eq!(made.json["rpo"], "15min");
    let etag = made.header("etag").unwrap().to_owned();
    // A change needs If-Match.
    let again = bia("vital", Some("2h"), Some("15min"), Some("1d"));
    s.call(Who::Service, reqwest::Method::PUT, path, Some(&again))
        .await
        .problem(428, "if-match-required");
    let changed = s
        .call_with(
            Who::Service,
            reqwest::Method::PUT,
            path,
            Some(&again),
            &[("if-match", &etag)],
        )
        .await
        .expect(200);
    assert_eq!(changed.json["rto"], "2h");
    s.call_with(
        Who::Service,
        reqwest::Method::PUT,
        path,
        Some(&again),
        &[("if-match", &etag)],
    )
    .await
    .problem(412, "stale-revision");

    // A drill: RTO 1h 30min against 2h is met, RPO 30min against 15min is not.
    let t = s
        .post(
            Who::Service,
            "/api/v1/continuity/tests",
            &drill("2026-03-02T06:00:00Z", "90min", "30min"),
        )
        .await
        .expect(201);
    assert_eq!(
        t.json["rto"],
        json!({"measured": "1h 30min", "target": "2h", "met": true})
    );
    assert_eq!(
        t.json["rpo"],
        json!({"measured": "30min", "target": "15min", "met": false})
    );
    assert_eq!(t.json["incomplete"], false);
    assert_eq!(t.json["open_tasks"], 1);

    // The keeper accepts the RPO risk and records the plan.
    s.post(
        Who::SysAdmin,
        "/api/v1/continuity/risk-acceptances",
        &json!({"system": 0, "target": "RPO 15min", "approver": s.fx.admin.0, "date": "2026-03-02", "reason": "Sinhrona replikacija je predraga."}),
    )
    .await
    .expect(201);
    let p = s
        .post(Who::SysAdmin, "/api/v1/continuity/plans", &plan(s.fx.admin.0.into()))
        .await
        .expect(201);
    assert_eq!(p.json["id"], 0);

    // The overview: plan not overdue, the system with its targets, its last drill measured,
    // and its restore test overdue (it has a backup plan and no passed restore test).
    let o = s.get(Who::UserAdminHere, "/api/v1/continuity").await.expect(200);
    assert_eq!(o.json["status"]["review_overdue"], false, "{}", o.text);
    assert_eq!(o.json["status"]["review_due"], "2027-01-15");
    let row = &o.json["systems"][0];
    assert_eq!(row["code"], SERVER);
    assert_eq!(row["criticality"], "vital");
    assert_eq!(row["last_test"]["rto"]["met"], true);
    assert_eq!(row["last_test"]["rpo"]["met"], false);
    assert_eq!(row["restore"]["overdue"], true);
    assert_eq!(row["acceptances"], 1);
    let one = s.get(Who::SysAdmin, "/api/v1/continuity/systems/0").await.expect(200);
    assert_eq!(one.json["bia"]["backup"]["restore_test_days"], 90);
    assert_eq!(one.json["tests"].as_array().unwrap().len(), 1);
    assert_eq!(one.json["acceptances"][0]["target"], "RPO 15min");
    assert_eq!(one.json["may_write"], true);
    s.get(Who::Plain, "/api/v1/continuity")
        .await
        .problem(403, "not-an-inventory-reader");

    // A passed restore test clears "overdue".
    let mut restore = drill("2026-03-02T07:00:00Z", "1h", "0");
    restore["kind"] = json!("restore_test");
    restore["participants"] = json!([]);
    s.post(Who::Service, "/api/v1/continuity/tests", &restore)
        .await
        .expect(201);
    let one = s.get(Who::SysAdmin, "/api/v1/continuity/systems/0").await.expect(200);
    assert_eq!(one.json["restore"]["overdue"], false);
    assert_eq!(one.json["restore"]["due"], "2026-05-31");

    // "As of" before the BIA: no criticality yet.
    let at = before_bia.to_string();
    let past = s
        .get(Who::SysAdmin, &format!("/api/v1/continuity/systems/0?at={at}"))
        .await
        .expect(200);
    assert_eq!(past.json["criticality"], Value::Null, "{}", past.text);
    assert_eq!(past.json["tests"], json!([]));
    // History of the BIA: created, then changed.
    let h = s
        .get(
            Who::UserAdminHere,
            "/api/v1/history?kind=ADAM_ENTITY_CONTINUITY_BIA&id=0",
        )
        .await
        .expect(200);
    let actions: Vec<&str> = h.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["continuity.set_bia", "continuity.set_bia"], "{}", h.text);
    // The tests as CSV, header in the asked language.
    let csv = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::GET,
            "/api/v1/continuity/tests.csv",
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert!(csv.text.starts_with("id,predmet,vrsta,scenarij"), "{}", csv.text);
    assert!(csv.text.contains("MAIL-SRV,drill,total_loss"), "{}", csv.text);

    // The records survive a restart.
    let (location, fx, tokens, dir) = s.stop().await;
    let state = state_on(open(&location).await).await;
    let s = TestServer::serve(backend, location, state, fx, tokens, dir).await;
    let after = s.get(Who::SysAdmin, "/api/v1/continuity/systems/0").await.expect(200);
    assert_eq!(after.json["bia"], one.json["bia"]);
    assert_eq!(after.json["tests"], one.json["tests"]);
}
on_both_backends!(the_operator_records_a_bia_and_a_drill_and_the_overview_measures_them);

async fn a_failed_restore_test_of_adam_opens_a_security_event(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let passed = json!({
        "subject": "adam",
        "kind": "restore_test",
        "scenario": "total_loss",
        "held_at": "2026-03-02T08:00:00Z",
        "duration": "42s",
        "revisions_lost": 0,
        "passed": true
    });
    s.post(Who::SysAdmin, "/api/v1/continuity/tests", &passed)
        .await
        .expect(201);
    assert!(s.state.world().cases().is_empty(), "a passed test raises nothing");
    let mut failed = passed.clone();
    failed["passed"] = json!(false);
    failed["findings"] = json!("The audit chain of the backup does not verify at record 1042.");
    let t = s
        .post(Who::SysAdmin, "/api/v1/continuity/tests", &failed)
        .await
        .expect(201);
    assert_eq!(t.json["subject"], "adam");
    let cases = s.state.world().cases().to_vec();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].process.as_str(), "security-event");
    assert!(cases[0].title.as_str().contains("ADAM"), "{}", cases[0].title);
    let o = s.get(Who::SysAdmin, "/api/v1/continuity").await.expect(200);
    assert_eq!(o.json["adam"].as_array().unwrap().len(), 2);
    assert_eq!(o.json["adam"][0]["passed"], false);
}
on_both_backends!(a_failed_restore_test_of_adam_opens_a_security_event);

/// The matrix's fixture: the key server `MAIL-SRV` (operated by the service account) with a
/// BIA, a drill and a risk acceptance, and a plan. Idempotent.
pub async fn ensure(server: &TestServer) {
    key_server(server, false).await;
    let w = server.state.world().clone();
    if !w.continuity_plans().is_empty() {
        return;
    }
    let system = w.item_by_code(SERVER).unwrap().0;
    let admin = server.fx.admin.0;
    drop(w);
    let mut fields = bia("vital", Some("4h"), Some("15min"), Some("1d"));
    fields["dependencies"] = json!([]);
    let commands = [
        json!({"command": "record_continuity_plan", "fields": plan(admin.into())}),
        json!({"command": "set_bia", "system": system, "fields": fields}),
        json!({"command": "record_continuity_test", "fields": system_drill(system)}),
        json!({"command": "accept_continuity_risk", "fields": {"system": system, "target": "RPO", "approver": admin, "date": "2026-03-01", "reason": "Predrago."}}),
    ];
    for c in commands {
        let command: adam_core::Command = serde_json::from_value(c).unwrap();
        let ctx = server.state.context(adam_core::Actor::System, None);
        server
            .state
            .execute_as(adam_core::Actor::System, ctx, command)
            .await
            .unwrap_or_else(|e| panic!("{}", e.detail));
    }
}

/// A drill of `system`.
pub fn system_drill(system: u32) -> Value {
    let mut d = drill("2026-03-01T08:00:00Z", "2h", "5min");
    d["subject"] = json!({"system": system});
    d
}
