//! The process engine over HTTP (issue #16), on SQLite and PostgreSQL: an employee reports a
//! security event, the security lead walks it as an incident to its archive; a definition that
//! cannot work is refused with every problem named; the ministry's notification; the case
//! fixture of the route × caller matrix.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use serde_json::json;

/// Case 0 for the matrix: a one-step process performed by whoever started it, started by the
/// plain clerk (Ana).
pub async fn ensure_case(server: &TestServer) {
    if !server.state.world().cases().is_empty() {
        return;
    }
    let definition: adam_core::process::Definition = serde_json::from_value(json!({
        "key": "matrix",
        "version": 1,
        "name": {"sl": "Preskus", "en": "Test"},
        "roles": [{"key": "doer", "name": {"sl": "izvajalec", "en": "doer"}, "binding": "starter"}],
        "fields": [{"key": "note", "name": {"sl": "opomba", "en": "note"}, "type": "text"}],
        "start": "do",
        "steps": [
            {"key": "do", "name": {"sl": "Opravi", "en": "Do"}, "kind": "task", "performer": "doer",
             "outcomes": [{"key": "done", "name": {"sl": "Opravljeno", "en": "Done"}, "to": "end"}]},
            {"key": "end", "name": {"sl": "Konec", "en": "End"}, "kind": "end"}
        ]
    }))
    .unwrap();
    crate::inventory_fixture::run(server, Actor::System, Command::ImportProcess { definition }).await;
    crate::inventory_fixture::run(
        server,
        Actor::user(server.fx.ana),
        Command::StartCase {
            process: Code::parse("p", "matrix").unwrap(),
            title: Text::parse("title", "Preskusna zadeva").unwrap(),
            fields: Default::default(),
            attachments: vec![],
        },
    )
    .await;
}

async fn an_event_becomes_an_incident_and_is_archived_over_http(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Without a security lead nobody can take the report: said, not lost silently.
    server
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "USB", "fields": {"what": "Neznan ključ."}}),
        )
        .await
        .problem(409, "nobody-to-perform");
    server.make_security_lead(server.fx.glpi_admin).await;
    let started = server
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "USB ključ", "fields": {"what": "Neznan ključ v sejni sobi."}}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    assert_eq!(started.json["step"], "triage");
    let path = format!("/api/v1/cases/{id}");
    // The reporter reads it; another user administrator does not.
    server.get(Who::Plain, &path).await.expect(200);
    server
        .get(Who::UserAdminOther, &path)
        .await
        .problem(403, "not-a-case-reader");
    // The security lead's work list has it; bad values are refused at the field.
    let work = server.get(Who::UserAdminHere, "/api/v1/work").await.expect(200);
    assert_eq!(work.json["my_steps"][0]["id"], id);
    let decisions = format!("{path}/decisions");
    let r = server
        .post(
            Who::UserAdminHere,
            &decisions,
            &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "včeraj"}}),
        )
        .await
        .problem(422, "bad-field-value");
    assert_eq!(r.json["field"], "discovered_at");
    let r = server
        .post(
            Who::UserAdminHere,
            &decisions,
            &json!({"step": "triage", "outcome": "incident"}),
        )
        .await
        .problem(409, "guards-unmet");
    assert!(r.json["unmet"].as_array().unwrap().len() == 1, "{}", r.text);
    // The view says what is missing before each outcome.
    let view = server.get(Who::UserAdminHere, &path).await.expect(200);
    assert!(view.json["may_decide"].as_bool().unwrap());
    let incident = view.json["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == "incident")
        .unwrap()
        .clone();
    assert_eq!(incident["unmet"].as_array().unwrap().len(), 1);
    server
        .post(Who::UserAdminHere,
            &decisions,
            &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "2026-03-01T08:00:00Z", "ministry_notified_at": "2026-03-01T10:00:00Z", "ministry_notified_to": "SIGOV-CERT"}}),
        )
        .await
        .expect(200);
    for (step, fields) in [
        ("limit", json!({})),
        ("evidence", json!({})),
        ("remedy", json!({})),
        ("record", json!({"activities_done": "Odstranjeno."})),
        ("communicate", json!({"notified_entities": "Vodstvo."})),
        (
            "examine",
            json!({"threat_types": ["rule_breach"], "negative_effects": ["other"], "affected_components": "PC", "perpetrators": "Neznan obiskovalec."}),
        ),
    ] {
        let outcome = if step == "examine" { "resolved" } else { "done" };
        server
            .post(
                Who::UserAdminHere,
                &decisions,
                &json!({"step": step, "outcome": outcome, "fields": fields}),
            )
            .await
            .expect(200);
    }
    // Perpetrators are personal data: the reporter does not see them, the lead does.
    let mine = server.get(Who::Plain, &path).await.expect(200);
    let hidden = mine.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "perpetrators")
        .unwrap()
        .clone();
    assert_eq!(hidden["hidden"], true);
    assert!(!mine.text.contains("Neznan obiskovalec"));
    // The ministry's notification, with when and to whom it was sent.
    let n = server
        .get(Who::UserAdminHere, &format!("{path}/notification"))
        .await
        .expect(200);
    assert_eq!(n.json["format"], "adam.security-event-notification/1");
    assert_eq!(n.json["description"]["what"], "Neznan ključ v sejni sobi.");
    assert!(n.json["sent"].as_str().unwrap().contains("SIGOV-CERT"));
    server
        .post(Who::UserAdminHere,
            &decisions,
            &json!({"step": "close", "outcome": "archive", "fields": {"resolution": "Rešeno.", "final_assessment": "Brez škode."}}),
        )
        .await
        .expect(200);
    let closed = server.get(Who::UserAdminHere, &path).await.expect(200);
    assert_eq!(closed.json["state"], "closed");
    assert_eq!(closed.json["history"].as_array().unwrap().len(), 8);
    server
        .patch(
            Who::UserAdminHere,
            &path,
            &json!({"fields": {"further_activities": "x"}}),
        )
        .await
        .problem(409, "case-closed");
    // The diagram marks where it ended.
    let svg = server
        .get(Who::UserAdminHere, &format!("{path}/diagram.svg"))
        .await
        .expect(200);
    assert!(
        svg.text.contains("data-step=\"archived\""),
        "{}",
        &svg.text[..200.min(svg.text.len())]
    );
}
on_both_backends!(an_event_becomes_an_incident_and_is_archived_over_http);

async fn a_definition_that_cannot_work_is_refused_with_every_problem_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut broken: serde_json::Value = server
        .get(Who::SysAdmin, "/api/v1/processes/change-request")
        .await
        .expect(200)
        .json;
    broken["version"] = json!(2);
    broken["steps"][0]["performer"] = json!("ghost");
    broken["steps"][1]["outcomes"][0]["to"] = json!("nowhere");
    let r = server
        .post(Who::SysAdmin, "/api/v1/processes", &broken)
        .await
        .problem(422, "invalid-definition");
    let problems = r.json["problems"].as_array().unwrap();
    assert!(problems.len() >= 2, "{}", r.text);
    assert!(r.text.contains("ghost") && r.text.contains("nowhere"), "{}", r.text);
    server
        .post(Who::Plain, "/api/v1/processes", &broken)
        .await
        .problem(403, "not-register-keeper");
    let list = server.get(Who::Plain, "/api/v1/processes").await.expect(200);
    assert_eq!(list.json.as_array().unwrap().len(), 3, "the three shipped processes");
}
on_both_backends!(a_definition_that_cannot_work_is_refused_with_every_problem_named);

async fn a_lock_out_opens_a_security_event_for_the_lead(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    server.set_password(server.fx.bojan, STRONG).await;
    for _ in 0..10 {
        server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
        server.advance(61);
    }
    let case = server
        .state
        .world()
        .cases()
        .iter()
        .find(|c| c.process.as_str() == "security-event")
        .expect("the lock-out opened an event")
        .clone();
    assert_eq!(case.started_by, None, "ADAM raised it itself");
    let work = server.get(Who::UserAdminHere, "/api/v1/work").await.expect(200);
    assert_eq!(work.json["my_steps"][0]["id"], case.id.0);
    let view = server
        .get(Who::UserAdminHere, &format!("/api/v1/cases/{}", case.id.0))
        .await
        .expect(200);
    let source = view.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "source")
        .unwrap()
        .clone();
    assert_eq!(source["shown"], "ADAM: security.login_locked");
}
on_both_backends!(a_lock_out_opens_a_security_event_for_the_lead);
