//! The process engine over HTTP (issue #16), on SQLite and PostgreSQL: an employee reports a
//! security event, the security lead walks it as an incident to its archive; a definition that
//! cannot work is refused with every problem named; the ministry's notification; the case
//! fixture of the route × caller matrix.
//!
//! Why one file past ~800 lines: the shipped processes walked over HTTP (incident, change, the
//! ministry's register) share the walk helpers and the case fixture (`ensure_case`, used by the
//! route matrix).

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
    import_and_start(server, definition, server.fx.ana, "Preskusna zadeva").await;
}

/// Keeps `definition` (by the console) and starts a case of it as `by`; the case's id.
async fn import_and_start(
    server: &TestServer,
    definition: adam_core::process::Definition,
    by: UserId,
    title: &str,
) -> CaseId {
    let key = definition.key.clone();
    crate::inventory_fixture::run(server, Actor::System, Command::ImportProcess { definition }).await;
    let created = crate::inventory_fixture::run(
        server,
        Actor::user(by),
        Command::StartCase {
            process: key,
            title: Text::parse("title", title).unwrap(),
            fields: Default::default(),
            attachments: vec![],
        },
    )
    .await;
    match created {
        Some(Created::Case(case)) => case,
        other => panic!("{other:?}"),
    }
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
    // An incident is not closed before its sixth response step (Art. 21(2)).
    server
        .post(
            Who::UserAdminHere,
            &decisions,
            &json!({"step": "close", "outcome": "archive", "fields": {"resolution": "Rešeno.", "final_assessment": "Brez škode."}}),
        )
        .await
        .problem(409, "not-at-step");
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
    // The system administrator keeps the registers and reads the case, but not who is
    // suspected: only the security lead and the people the case is handed to.
    let admin = server.get(Who::SysAdmin, &path).await.expect(200);
    assert!(!admin.text.contains("Neznan obiskovalec"), "{}", admin.text);
    let lead = server.get(Who::UserAdminHere, &path).await.expect(200);
    assert!(lead.text.contains("Neznan obiskovalec"), "{}", lead.text);
    // Nor does the audit trail show it to the system administrator, who reviews the whole
    // trail: the case's records are there, with what else was decided, without who.
    let trail = format!("/api/v1/audit?object_kind=ADAM_ENTITY_PROCESS_CASE&object_id={id}");
    let admin = server.get(Who::SysAdmin, &trail).await.expect(200);
    assert!(admin.text.contains("affected_components"), "{}", admin.text);
    assert!(!admin.text.contains("Neznan obiskovalec"), "{}", admin.text);
    // The records themselves keep no perpetrators, so the lead reads that they changed there
    // too, and who they are on the case (`process_history`).
    let lead = server.get(Who::UserAdminHere, &trail).await.expect(200);
    assert!(lead.text.contains("\"restricted\":\"changed\""), "{}", lead.text);
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

/// A case "as of" an earlier instant: the step, history and fields it had then; nothing to
/// decide on a past picture; who may ask, and who reads the perpetrators, by today's rules; a
/// case that did not exist yet is not found.
async fn a_case_is_shown_as_it_stood_at_an_earlier_instant(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let before_it = adam_core::Timestamp(server.state.now().0 - 60);
    let started = server
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "USB", "fields": {"what": "Neznan ključ."}}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    let path = format!("/api/v1/cases/{id}");
    server.advance(3_600);
    let then = server.state.now();
    server.advance(3_600);
    let decisions = format!("{path}/decisions");
    server
        .post(Who::UserAdminHere,
            &decisions,
            &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "2026-03-01T08:00:00Z", "ministry_notified_at": "2026-03-01T10:00:00Z", "ministry_notified_to": "SIGOV-CERT"}}),
        )
        .await
        .expect(200);
    for step in ["limit", "evidence", "remedy"] {
        server
            .post(
                Who::UserAdminHere,
                &decisions,
                &json!({"step": step, "outcome": "done"}),
            )
            .await
            .expect(200);
    }
    server
        .patch(
            Who::UserAdminHere,
            &path,
            &json!({"fields": {"perpetrators": "Neznan obiskovalec."}}),
        )
        .await
        .expect(200);
    server.advance(3_600);
    let later = server.state.now();
    server.advance(3_600);
    server
        .post(
            Who::UserAdminHere,
            &decisions,
            &json!({"step": "record", "outcome": "done", "fields": {"activities_done": "Odstranjeno."}}),
        )
        .await
        .expect(200);

    // Then: at triage, nothing decided, no perpetrators, nothing to decide on a picture.
    let old = server
        .get(Who::UserAdminHere, &format!("{path}?at={then}"))
        .await
        .expect(200);
    assert_eq!(old.json["step"], "triage", "{}", old.text);
    assert_eq!(old.json["history"], json!([]));
    assert_eq!(old.json["may_decide"], false);
    assert_eq!(old.json["outcomes"], json!([]));
    assert!(!old.text.contains("Neznan obiskovalec"));
    // Later: at "record", the perpetrators recorded — shown to the lead, hidden from the
    // system administrator and the reporter as they are today.
    let lead = server
        .get(Who::UserAdminHere, &format!("{path}?at={later}"))
        .await
        .expect(200);
    assert_eq!(lead.json["step"], "record", "{}", lead.text);
    assert_eq!(lead.json["history"].as_array().unwrap().len(), 4);
    assert!(lead.text.contains("Neznan obiskovalec"), "{}", lead.text);
    let now = server.get(Who::UserAdminHere, &path).await.expect(200);
    assert_eq!(now.json["step"], "communicate");
    for who in [Who::SysAdmin, Who::Plain] {
        let view = server.get(who, &format!("{path}?at={later}")).await.expect(200);
        assert!(!view.text.contains("Neznan obiskovalec"), "{who:?}: {}", view.text);
        let field = view.json["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == "perpetrators")
            .unwrap()
            .clone();
        assert_eq!(field["hidden"], true, "{who:?}");
    }
    // Who may ask is today's question; before the case it is not found; a bad instant is said.
    server
        .get(Who::UserAdminOther, &format!("{path}?at={then}"))
        .await
        .problem(403, "not-a-case-reader");
    server
        .get(Who::UserAdminHere, &format!("{path}?at={before_it}"))
        .await
        .expect(404);
    server
        .get(Who::UserAdminHere, &format!("{path}?at=yesterday"))
        .await
        .problem(422, "invalid-query");
}
on_both_backends!(a_case_is_shown_as_it_stood_at_an_earlier_instant);

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
    assert_eq!(
        list.json.as_array().unwrap().len(),
        adam_core::process::SHIPPED.len(),
        "the shipped processes, nothing of the broken one"
    );
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

/// A step past its due time reminds its performer by e-mail once per visit, recorded on the
/// case (the scheduler of `serve` calls the same function); a person cannot record it.
/// Uploads `bytes` as `who` for `case` (`None`: for no case).
async fn upload_for(server: &TestServer, who: Who, case: Option<CaseId>, bytes: &[u8]) -> Reply {
    let case = case.map(|c| format!("&case={}", c.0)).unwrap_or_default();
    let response = server
        .client
        .post(format!(
            "{}/api/v1/attachments?name=ocena.pdf&doc_type=report{case}",
            server.url
        ))
        .bearer_auth(server.token(who).unwrap())
        .header("content-type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    crate::inventory_fixture::reply(response).await
}

/// A step may ask for a document from someone who keeps no record that carries files (an
/// independent assessor's report, Art. 23): whoever performs a case's current step uploads a
/// file for that case and attaches it, and nobody else gains the right by it.
async fn a_performer_uploads_the_document_their_step_asks_for(backend: Backend) {
    let server = TestServer::start(backend).await;
    let definition = |key: &str| -> adam_core::process::Definition {
        serde_json::from_value(json!({
            "key": key,
            "version": 1,
            "name": {"sl": "Ocena", "en": "Assessment"},
            "roles": [{"key": "doer", "name": {"sl": "ocenjevalec", "en": "assessor"}, "binding": "starter"}],
            "documents": [{"key": "report", "name": {"sl": "poročilo", "en": "report"}}],
            "start": "assess",
            "steps": [
                {"key": "assess", "name": {"sl": "Oceni", "en": "Assess"}, "kind": "task", "performer": "doer",
                 "outcomes": [{"key": "done", "name": {"sl": "Ocenjeno", "en": "Assessed"}, "to": "end",
                               "guards": [{"document": "report"}]}]},
                {"key": "end", "name": {"sl": "Konec", "en": "End"}, "kind": "end"}
            ]
        }))
        .unwrap()
    };
    let mine = import_and_start(&server, definition("assessment"), server.fx.ana, "Ocena spremembe").await;
    let theirs = import_and_start(&server, definition("assessment-b"), server.fx.bojan, "Tuja ocena").await;
    let bytes = b"%PDF-1.4 ocena";
    // Ana keeps no record that carries files: for no case, and for a case whose step is not
    // hers, she uploads nothing.
    upload_for(&server, Who::Plain, None, bytes)
        .await
        .problem(403, "not-an-attachment-writer");
    upload_for(&server, Who::Plain, Some(theirs), bytes)
        .await
        .problem(403, "not-an-attachment-writer");
    // For her own step she does, and the file meets the step's guard.
    let reference = upload_for(&server, Who::Plain, Some(mine), bytes)
        .await
        .expect(201)
        .json;
    let path = format!("/api/v1/cases/{}", mine.0);
    server
        .post(
            Who::Plain,
            &format!("{path}/decisions"),
            &json!({"step": "assess", "outcome": "done", "attachments": [reference]}),
        )
        .await
        .expect(200);
    let case = server.get(Who::Plain, &path).await.expect(200);
    assert_eq!(case.json["state"], "closed", "{}", case.text);
    // Her step done, the case gives her no more uploads.
    upload_for(&server, Who::Plain, Some(mine), bytes)
        .await
        .problem(403, "not-an-attachment-writer");
}

on_both_backends!(a_performer_uploads_the_document_their_step_asks_for);

async fn an_overdue_step_reminds_its_performer_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let sink = server.mail.as_ref().unwrap();
    let definition: adam_core::process::Definition = serde_json::from_value(json!({
        "key": "overdue",
        "version": 1,
        "name": {"sl": "Z rokom", "en": "With a due time"},
        "roles": [{"key": "doer", "name": {"sl": "izvajalec", "en": "doer"}, "binding": "starter"}],
        "start": "do",
        "steps": [
            {"key": "do", "name": {"sl": "Opravi", "en": "Do"}, "kind": "task", "performer": "doer", "due_days": 1,
             "outcomes": [{"key": "again", "name": {"sl": "Še enkrat", "en": "Again"}, "to": "do"},
                          {"key": "done", "name": {"sl": "Opravljeno", "en": "Done"}, "to": "end"}]},
            {"key": "end", "name": {"sl": "Konec", "en": "End"}, "kind": "end"}
        ]
    }))
    .unwrap();
    let case = import_and_start(&server, definition, server.fx.ana, "Zadeva z rokom").await;
    // Not due yet: nothing is sent.
    assert!(
        adam_server::service::process::remind_overdue(&server.state)
            .await
            .is_empty()
    );
    server.advance(2 * 86_400);
    assert_eq!(
        adam_server::service::process::remind_overdue(&server.state).await,
        vec![case]
    );
    // The work lists show it overdue with its age, over the API and on the page.
    let work = server.get(Who::Plain, "/api/v1/work").await.expect(200);
    let row = work.json["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == case.0)
        .cloned()
        .unwrap_or_else(|| panic!("not in the overdue list: {}", work.text));
    assert_eq!(
        (row["overdue"].clone(), row["age_days"].clone()),
        (json!(true), json!(2)),
        "{row}"
    );
    assert_eq!(work.json["my_steps"][0]["overdue"], true, "{}", work.text);
    let page = server.ui(Who::Plain).get("/ui/cases").await;
    let line = page
        .body
        .split(&format!("data-case=\"{}\"", case.0))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row on the page: {}", page.body))
        .to_owned();
    assert!(line.contains(">2</td>") && line.contains("badge bad"), "{line}");
    let mail = sink.next().await;
    assert_eq!(mail.to, vec!["ana@test.si".to_owned()]);
    assert!(
        mail.text.contains("overdue") && mail.text.contains("zamudi"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&format!("/ui/cases/{}", case.0)), "{}", mail.text);
    // Once per visit, also after a restart (it is recorded on the case).
    assert!(
        adam_server::service::process::remind_overdue(&server.state)
            .await
            .is_empty()
    );
    assert!(sink.any_within(300).await.is_none());
    assert_eq!(server.state.world().case(case).unwrap().reminded, Some(0));
    let ctx = server.state.context(Actor::user(server.fx.ana), None);
    let refused = server
        .state
        .execute_as(Actor::user(server.fx.ana), ctx, Command::RemindOverdue { case })
        .await
        .unwrap_err();
    assert_eq!(refused.code, "only-adam-reminds");
    // A new visit of the step has a new due time and gets its own reminder.
    crate::inventory_fixture::run(
        &server,
        Actor::user(server.fx.ana),
        Command::DecideStep {
            case,
            step: Code::parse("s", "do").unwrap(),
            outcome: Code::parse("o", "again").unwrap(),
            comment: None,
            fields: Default::default(),
            attachments: vec![],
        },
    )
    .await;
    assert!(
        adam_server::service::process::remind_overdue(&server.state)
            .await
            .is_empty()
    );
    server.advance(2 * 86_400);
    // The work lists show it overdue with its age, over the API and on the page.
    let work = server.get(Who::Plain, "/api/v1/work").await.expect(200);
    let row = work.json["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == case.0)
        .cloned()
        .unwrap_or_else(|| panic!("not in the overdue list: {}", work.text));
    assert_eq!(
        (row["overdue"].clone(), row["age_days"].clone()),
        (json!(true), json!(2)),
        "{row}"
    );
    assert_eq!(work.json["my_steps"][0]["overdue"], true, "{}", work.text);
    let page = server.ui(Who::Plain).get("/ui/cases").await;
    let line = page
        .body
        .split(&format!("data-case=\"{}\"", case.0))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row on the page: {}", page.body))
        .to_owned();
    assert!(line.contains(">2</td>") && line.contains("badge bad"), "{line}");
    assert_eq!(
        adam_server::service::process::remind_overdue(&server.state).await,
        vec![case]
    );
    assert!(sink.next().await.text.contains("overdue"));
    let audit = server
        .get(Who::SysAdmin, "/api/v1/audit?action=case.remind")
        .await
        .expect(200);
    assert!(audit.json.to_string().contains("case.remind"), "{}", audit.json);
}
on_both_backends!(an_overdue_step_reminds_its_performer_once);

/// A verification of the audit trail that finds it altered opens a security event for the
/// lead, once while it is open (asking again opens no second one).
#[tokio::test]
async fn a_broken_audit_trail_opens_a_security_event_once() {
    let server = TestServer::start(Backend::Sqlite).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let path = server.location.trim_start_matches("sqlite:").to_owned();
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "DROP TRIGGER IF EXISTS audit_append_only_update; \
         UPDATE audit SET payload = replace(payload, '\"outcome\":\"ok\"', '\"outcome\":\"OK\"') WHERE seq = 3;",
    )
    .unwrap();
    drop(db);
    let events = |s: &TestServer| {
        s.state
            .world()
            .cases()
            .iter()
            .filter(|c| c.process.as_str() == "security-event")
            .count()
    };
    assert_eq!(events(&server), 0);
    let verdict = server.get(Who::SysAdmin, "/api/v1/audit/verify").await.expect(200);
    assert_ne!(verdict.json["problems"], json!([]), "{}", verdict.text);
    assert_eq!(events(&server), 1, "the broken trail opened an event");
    server.get(Who::SysAdmin, "/api/v1/audit/verify").await.expect(200);
    assert_eq!(events(&server), 1, "no second event while the first is open");
    let work = server.get(Who::UserAdminHere, "/api/v1/work").await.expect(200);
    assert!(
        work.json["my_steps"]
            .to_string()
            .contains("the audit trail is not intact"),
        "{}",
        work.json
    );
}

/// A change request (Art. 22–23) walked over HTTP by the people it names, with the refusals
/// on the way: no consent without a rollback plan; no implementation before the consents;
/// consent only in one's own role, once; a major change not closed without the independent
/// assessment, whose assessor is neither the custodian nor the system's developer (the
/// development contact of a solution registered for it); then assessed and closed.
async fn a_change_request_is_walked_to_its_independent_assessment_over_http(backend: Backend) {
    use crate::inventory_fixture::{fields, run};
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    // Ana keeps the system and Gregor operates it, the GLPI administrator is the security lead,
    // Bojan develops it (a solution of the hosting registry), the other user administrator may
    // assess it.
    s.make_security_lead(fx.glpi_admin).await;
    let mut system_fields = fields("VOPI-SYS", "VOPI", fx.ana);
    system_fields.operators = vec![adam_core::register::inventory::Operator::User(fx.gregor)];
    let Some(Created::Item(system)) = run(
        &s,
        Actor::System,
        Command::CreateItem {
            kind: adam_core::register::inventory::ItemKind::System,
            fields: system_fields,
        },
    )
    .await
    else {
        panic!("no system")
    };
    let solution: adam_core::register::solution::SolutionFields = serde_json::from_value(json!({
        "codename": "vopi", "name": "VOPI", "customer_body": "Občina", "entry_route": "order",
        "system": system.0, "people": {"developer": fx.bojan.0}
    }))
    .unwrap();
    run(
        &s,
        Actor::user(fx.glpi_admin),
        Command::RegisterSolution { fields: solution },
    )
    .await;
    let (custodian, lead, assessor) = (Who::Plain, Who::UserAdminHere, Who::UserAdminOther);

    let started = s
        .post(
            custodian,
            "/api/v1/cases",
            &json!({"process": "change-request", "title": "Nadgradnja baze VOPI",
                    "fields": {"system": system.0, "description": "Nadgradnja baze.", "affects_security": true, "major": true}}),
        )
        .await
        .expect(201);
    let shipped = adam_core::process::shipped("change-request").unwrap().version;
    assert_eq!(started.json["version"], shipped, "{}", started.text);
    let id = started.json["id"].as_u64().unwrap();
    let decisions = format!("/api/v1/cases/{id}/decisions");
    let consents = format!("/api/v1/cases/{id}/consents");
    let prepare = |rollback: bool| {
        let mut f = json!({"security_impact": "Nizek.", "production_conditions": "Po dogovoru.", "notified_at": "2026-03-01", "notified_entities": "Uporabniki sistema."});
        if rollback {
            f["rollback_plan"] = json!("Obnova iz varnostne kopije.");
        }
        json!({"step": "prepare", "outcome": "submit", "fields": f})
    };
    let no_plan = s
        .post(custodian, &decisions, &prepare(false))
        .await
        .problem(409, "guards-unmet");
    assert!(no_plan.text.contains("rollback_plan"), "{}", no_plan.text);
    s.post(custodian, &decisions, &prepare(true)).await.expect(200);
    s.post(
        custodian,
        &decisions,
        &json!({"step": "implement", "outcome": "done", "fields": {"implementation_record": "Izvedeno."}}),
    )
    .await
    .problem(409, "not-at-step");
    s.post(lead, &consents, &json!({"role": "custodian"}))
        .await
        .problem(403, "not-role-holder");
    s.post(custodian, &consents, &json!({"role": "custodian"}))
        .await
        .expect(200);
    s.post(custodian, &consents, &json!({"role": "custodian"}))
        .await
        .problem(409, "already-consented");
    // The custodian who is also a security lead still cannot give the second consent: two
    // different people (22(3)).
    s.make_security_lead(fx.ana).await;
    let r = s
        .post(custodian, &consents, &json!({"role": "security_lead"}))
        .await
        .problem(409, "same-person-consents");
    assert!(r.text.contains("custodian"), "{}", r.text);
    s.post(lead, &consents, &json!({"role": "security_lead"}))
        .await
        .expect(200);
    // What the consents were given for is settled: approving while declaring the change
    // harmless is refused (the custodian's consent would no longer be asked).
    let r = s
        .post(
            lead,
            &decisions,
            &json!({"step": "consent", "outcome": "approve", "fields": {"affects_security": false}}),
        )
        .await
        .problem(409, "settled-case-field");
    assert!(r.text.contains("affects_security"), "{}", r.text);
    s.post(
        lead,
        &decisions,
        &json!({"step": "consent", "outcome": "approve", "fields": {}}),
    )
    .await
    .expect(200);
    s.post(
        custodian,
        &decisions,
        &json!({"step": "implement", "outcome": "done", "fields": {"implementation_record": "Izvedeno."}}),
    )
    .await
    .expect(200);
    let verify = |outcome: &str, assessor: Option<u32>| {
        let mut f = json!({"verification": "Preverjeno.", "cia_not_lowered": true});
        if let Some(a) = assessor {
            f["assessor"] = json!(a);
        }
        json!({"step": "verify", "outcome": outcome, "fields": f})
    };
    // A major change does not close without the assessment (23(1)) …
    s.post(custodian, &decisions, &verify("close", None))
        .await
        .problem(409, "guards-unmet");
    // … by someone other than its custodian, its operator or its developer (23(2)).
    for (who, role) in [(fx.ana, "custodian"), (fx.gregor, "operator"), (fx.bojan, "developer")] {
        let r = s
            .post(custodian, &decisions, &verify("assess", Some(who.0)))
            .await
            .problem(409, "guards-unmet");
        assert!(r.text.contains(role), "{role}: {}", r.text);
    }
    s.post(custodian, &decisions, &verify("assess", Some(fx.un_admin.0)))
        .await
        .expect(200);
    // The assessor hears of the step that is now theirs, by e-mail in both languages, with
    // the link to the case (the step's performer changed: SMTP, through the real sink).
    let sink = s.mail.as_ref().unwrap();
    let address = s.state.world().user(fx.un_admin).unwrap().email.to_string();
    let mut to_assessor = None;
    while let Some(mail) = sink.any_within(3_000).await {
        if mail.to == vec![address.clone()] {
            to_assessor = Some(mail);
            break;
        }
    }
    let mail = to_assessor.expect("the assessor was told by e-mail");
    assert!(
        mail.text.contains("čaka na vaš korak") && mail.text.contains("is waiting for your step"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&format!("/ui/cases/{id}")), "{}", mail.text);
    // The assessor does the assessment; nobody else may.
    let assess = json!({"step": "assessment", "outcome": "done", "fields": {"assessment_report": "Ustrezno."}});
    s.post(custodian, &decisions, &assess)
        .await
        .problem(403, "not-performer");
    s.post(assessor, &decisions, &assess).await.expect(200);
    let closed = s.get(custodian, &format!("/api/v1/cases/{id}")).await.expect(200);
    assert_eq!(closed.json["state"], "closed", "{}", closed.text);
}
on_both_backends!(a_change_request_is_walked_to_its_independent_assessment_over_http);

/// Both shapes of Art. 19–20: a body's installation keeps its event and notifies the ministry
/// with the file of Art. 19(5); an installation run by the ministry registers that file in its
/// register of incidents, decides whether it is an incident (19(6)), enters the Art. 20(2)
/// data and keeps the entry up to date until it is resolved (20(3)). The same notification is
/// registered once; a file of another format, or registered by someone who does not keep the
/// register, is refused.
async fn a_bodys_notification_is_registered_by_the_ministrys_installation(backend: Backend) {
    // The body.
    let body = TestServer::start(backend).await;
    body.make_security_lead(body.fx.glpi_admin).await;
    let started = body
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "Izpad", "fields": {"what": "Strežnik VOPI ni dosegljiv.", "how": "Napaka diska."}}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    body.post(
        Who::UserAdminHere,
        &format!("/api/v1/cases/{id}/decisions"),
        &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "2026-03-01T08:00:00Z", "ministry_notified_at": "2026-03-01T10:00:00Z", "ministry_notified_to": "SIGOV-CERT"}}),
    )
    .await
    .expect(200);
    let file = body
        .get(Who::UserAdminHere, &format!("/api/v1/cases/{id}/notification"))
        .await
        .expect(200)
        .json;
    assert_eq!(file["format"], "adam.security-event-notification/1", "{file}");

    // The ministry: its own security lead keeps the register.
    let ministry = TestServer::start(backend).await;
    ministry.make_security_lead(ministry.fx.un_admin).await;
    let (keeper, clerk) = (Who::UserAdminOther, Who::Plain);
    ministry
        .post(clerk, "/api/v1/notifications", &file)
        .await
        .problem(403, "not-starter");
    let mut other = file.clone();
    other["format"] = json!("csv");
    let r = ministry
        .post(keeper, "/api/v1/notifications", &other)
        .await
        .problem(422, "unknown-notification-format");
    assert_eq!(r.json["pointer"], "/format");
    // Each member is held to what it becomes, and a refusal names the member.
    let mut long = file.clone();
    long["body"] = json!("O".repeat(600));
    let r = ministry
        .post(keeper, "/api/v1/notifications", &long)
        .await
        .problem(422, "notification-value-invalid");
    assert_eq!(r.json["pointer"], "/body");
    let mut long = file.clone();
    long["description"]["what"] = json!("w".repeat(15_000));
    let r = ministry
        .post(keeper, "/api/v1/notifications", &long)
        .await
        .problem(422, "notification-value-too-long");
    assert_eq!(r.json["pointer"], "/description/what");
    let mut unknown = file.clone();
    unknown["priority"] = json!("high");
    ministry
        .post(keeper, "/api/v1/notifications", &unknown)
        .await
        .problem(422, "invalid-body");
    assert!(
        ministry.state.world().cases().is_empty(),
        "nothing registered on a refusal"
    );
    let registered = ministry.post(keeper, "/api/v1/notifications", &file).await.expect(201);
    assert_eq!(registered.json["process"], "incident-register", "{}", registered.text);
    assert_eq!(registered.json["step"], "decide");
    let value = |view: &serde_json::Value, key: &str| {
        view["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["value"].clone())
            .unwrap_or(serde_json::Value::Null)
    };
    assert_eq!(value(&registered.json, "reporting_body"), file["body"]);
    assert_eq!(value(&registered.json, "notification_id"), file["identification"]);
    assert_eq!(value(&registered.json, "what"), json!("Strežnik VOPI ni dosegljiv."));
    assert!(
        value(&registered.json, "details")
            .as_str()
            .unwrap()
            .contains("SIGOV-CERT"),
        "{}",
        registered.text
    );
    ministry
        .post(keeper, "/api/v1/notifications", &file)
        .await
        .problem(409, "notification-already-registered");
    // The ministry decides (19(6)), enters the Art. 20(2) data, keeps it current, closes it.
    let case = registered.json["id"].as_u64().unwrap();
    let decisions = format!("/api/v1/cases/{case}/decisions");
    let decide = |step: &str, outcome: &str, fields: serde_json::Value| json!({"step": step, "outcome": outcome, "fields": fields});
    ministry
        .post(keeper, &decisions, &decide("decide", "incident", json!({})))
        .await
        .problem(409, "guards-unmet");
    ministry
        .post(
            keeper,
            &decisions,
            &decide(
                "decide",
                "incident",
                json!({"decision_reason": "Vpliva na več organov."}),
            ),
        )
        .await
        .expect(200);
    ministry
        .post(
            keeper,
            &decisions,
            &decide("register", "done", json!({"threat_types": ["infrastructure_failure"]})),
        )
        .await
        .problem(409, "guards-unmet");
    ministry
        .post(
            keeper,
            &decisions,
            &decide(
                "register",
                "done",
                json!({"threat_types": ["infrastructure_failure"], "negative_effects": ["unavailability"], "affected_components": "Strežnik VOPI"}),
            ),
        )
        .await
        .expect(200);
    ministry
        .post(
            keeper,
            &decisions,
            &decide("follow", "update", json!({"activities_done": "Zamenjan disk."})),
        )
        .await
        .expect(200);
    ministry
        .post(
            keeper,
            &decisions,
            &decide(
                "follow",
                "resolved",
                json!({"resolution": "Delovanje obnovljeno.", "final_assessment": "Brez izgube podatkov."}),
            ),
        )
        .await
        .expect(200);
    let closed = ministry.get(keeper, &format!("/api/v1/cases/{case}")).await.expect(200);
    assert_eq!(closed.json["state"], "closed", "{}", closed.text);
    let steps: Vec<&str> = closed.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "Deciding whether it is an incident",
            "Entering the incident in the register",
            "Keeping it up to date until resolved",
            "Keeping it up to date until resolved"
        ]
    );
}
on_both_backends!(a_bodys_notification_is_registered_by_the_ministrys_installation);
