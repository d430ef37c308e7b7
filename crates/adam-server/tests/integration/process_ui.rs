//! Processes in the admin UI (issue #16), over HTTP on both backends: an employee reports a
//! security event in the short form (refusals keep what was typed), the security lead finds it
//! in "my steps" and decides it on the case page — a bad value at its field, an unmet guard
//! said in words, the form keeping what was typed — and the diagram marks where it stands;
//! restricted fields are hidden from the reporter; a definition that cannot work is refused
//! at import with every problem named and the pasted text kept; the security event of the
//! route × caller matrix.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::StatusCode;

/// A security event reported by Ana for the matrix (case 1, after `process_api::ensure_case`),
/// once a security lead is appointed.
pub async fn ensure_event(s: &TestServer) {
    crate::process_api::ensure_case(s).await;
    if s.state.world().cases().len() > 1 {
        return;
    }
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("what".to_owned(), serde_json::json!("Neznan USB ključ."));
    crate::inventory_fixture::run(
        s,
        Actor::user(s.fx.ana),
        Command::StartCase {
            process: Code::parse("p", "security-event").unwrap(),
            title: Text::parse("t", "USB ključ").unwrap(),
            fields,
            attachments: vec![],
        },
    )
    .await;
}

async fn an_event_reported_in_the_ui_is_triaged_on_its_page(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let lead = Who::UserAdminHere;
    let before = s.revision().await;
    // No situation chosen: the form again, what was typed kept, the message at the choice.
    let r = s
        .ui(Who::Plain)
        .post(
            "/ui/cases/report",
            &[("situation", ""), ("title", "Neznan ključ"), ("what", "V sejni sobi.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"situation-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"Neznan ključ\"") && r.body.contains("V sejni sobi."));
    assert_eq!(s.revision().await, before, "nothing changed");
    let r = s
        .ui(Who::Plain)
        .post(
            "/ui/cases/report",
            &[
                ("situation", "physical_breach"),
                ("title", "Neznan ključ"),
                ("what", "V sejni sobi."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location.clone();
    assert!(page.starts_with("/ui/cases/"), "{page}");
    let id = page.trim_start_matches("/ui/cases/").to_owned();
    // The reporter reads it; the security lead finds it among "my steps".
    let mine = s.ui(Who::Plain).get(&page).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("id=\"not-performer\""));
    let work = s.ui(lead).get("/ui/cases").await;
    let my_steps = work.body.split("id=\"my-steps-table\"").nth(1).unwrap_or_default();
    assert!(my_steps.contains(&format!("href=\"/ui/cases/{id}\"")), "{}", work.body);
    // The case page: one button per outcome, what is missing in words, the diagram at triage.
    let view = s.ui(lead).get(&page).await;
    assert!(view.body.contains("id=\"outcome-incident\"") && view.body.contains("id=\"outcome-not_incident\""));
    assert!(view.body.contains("data-step=\"triage\""));
    assert!(
        view.body.contains("class=\"unmet small\""),
        "the unmet guard of an outcome is said"
    );
    assert!(view.body.contains("id=\"notification-link\""));
    // The step's due time is said to be the organisation's policy, not the Decree's (which
    // says "immediately").
    assert!(view.body.contains("(pravilo organizacije)"), "{}", view.body);
    // A value that cannot be read: at its field, kept as typed.
    let decide = format!("{page}/decide");
    let r = s
        .ui(lead)
        .post(
            &decide,
            &[
                ("_outcome", "incident"),
                ("f_discovered_at", "včeraj"),
                ("f_how", "Najden na mizi."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f_discovered_at-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"včeraj\"") && r.body.contains("Najden na mizi."));
    // A guard not met: said in words at the decision, the form kept.
    let r = s
        .ui(lead)
        .post(
            &decide,
            &[
                ("_outcome", "incident"),
                ("f_what", "V sejni sobi."),
                ("f_how", "Najden na mizi."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = r.body.split("id=\"decide-error\"").nth(1).unwrap_or_default();
    assert!(said.contains("<li>") && !said.contains("Code("), "{said}");
    assert!(r.body.contains("Najden na mizi."));
    assert_eq!(s.revision().await, before + 1, "only the report changed anything");
    // Decided: the case moves on, the diagram marks the new step, the history has it.
    let r = s
        .ui(lead)
        .post(
            &decide,
            &[
                ("_outcome", "incident"),
                ("f_what", "V sejni sobi."),
                ("f_discovered_at", "2026-03-01T08:00"),
                ("_comment", "Incident."),
            ],
        )
        .await;
    let said = r
        .body
        .split("role=\"alert\"")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect::<String>();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{said}");
    let view = s.ui(lead).get(&page).await;
    assert!(
        view.body.contains("id=\"current-step\" data-step=\"limit\""),
        "{}",
        view.body
    );
    assert!(view.body.contains("Incident."));
    let case = s.state.world().cases().last().unwrap().clone();
    assert_eq!(case.current.as_str(), "limit");
    assert_eq!(
        case.fields
            .get(&Code::parse("k", "discovered_at").unwrap())
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        "Text(\"2026-03-01T07:00:00Z\")",
        "the local time typed is Ljubljana's"
    );
    // The printable notification and its JSON.
    let n = s.ui(lead).get(&format!("{page}/notification")).await;
    assert_eq!(n.status, StatusCode::OK);
    assert!(n.body.contains("V sejni sobi."));
    let j = s.ui(lead).get(&format!("{page}/notification.json")).await;
    assert!(j.body.contains("adam.security-event-notification/1"));
    // Another user administrator reads nothing of it.
    assert_eq!(s.ui(Who::UserAdminOther).get(&page).await.status, StatusCode::FORBIDDEN);
}
on_both_backends!(an_event_reported_in_the_ui_is_triaged_on_its_page);

/// An outage whose end is before its start: the message at the end's field naming the start,
/// in both languages, the form keeping what was typed, nothing recorded; then accepted.
async fn an_outage_ending_before_it_starts_is_refused_at_its_field(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let lead = Who::UserAdminHere;
    let r = s
        .ui(Who::Plain)
        .post(
            "/ui/cases/report",
            &[
                ("situation", "malfunction"),
                ("title", "Izpad portala"),
                ("what", "Portal ni odgovarjal."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location.clone();
    let before = s.revision().await;
    let typed = [
        ("f_what", "Portal ni odgovarjal."),
        ("f_outage_from", "2026-03-01T10:00"),
        ("f_outage_until", "2026-03-01T09:15"),
    ];
    for (path, outcome) in [(page.clone(), None), (format!("{page}/decide"), Some("not_incident"))] {
        let mut form = typed.to_vec();
        if let Some(o) = outcome {
            form.push(("_outcome", o));
        }
        let r = s.ui(lead).post(&path, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let said = r.body.split("id=\"f_outage_until-error\"").nth(1).unwrap_or_default();
        let said: String = said.chars().take(300).collect();
        assert!(said.contains("Konec ne more biti pred začetkom"), "{}", r.body);
        assert!(said.contains("»Storitev nedosegljiva od (izpad)«"), "{said}");
        assert!(
            r.body.contains("value=\"2026-03-01T09:15\"") && r.body.contains("value=\"2026-03-01T10:00\""),
            "what was typed is kept"
        );
    }
    let en = s.ui(lead).post(&format!("{page}?lang=en"), &typed).await;
    assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = en.body.split("id=\"f_outage_until-error\"").nth(1).unwrap_or_default();
    let said: String = said.chars().take(300).collect();
    assert!(
        said.contains("An end cannot come before its start") && said.contains("Service unavailable from"),
        "{said}"
    );
    assert_eq!(s.revision().await, before, "nothing was recorded");
    let r = s
        .ui(lead)
        .post(
            &page,
            &[
                ("f_what", "Portal ni odgovarjal."),
                ("f_outage_from", "2026-03-01T10:00"),
                ("f_outage_until", "2026-03-01T11:15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = s.state.world().cases().last().unwrap().clone();
    assert_eq!(
        case.fields
            .get(&Code::parse("k", "outage_until").unwrap())
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        "Text(\"2026-03-01T10:15:00Z\")"
    );
}

on_both_backends!(an_outage_ending_before_it_starts_is_refused_at_its_field);

async fn restricted_fields_are_hidden_from_the_reporter_on_the_page(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    ensure_event(&s).await;
    let case = s.state.world().cases().last().unwrap().id;
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("perpetrators".to_owned(), serde_json::json!("Obiskovalec X."));
    crate::inventory_fixture::run(
        &s,
        Actor::user(s.fx.glpi_admin),
        Command::UpdateCase {
            case,
            fields,
            attachments: vec![],
        },
    )
    .await;
    let page = format!("/ui/cases/{}", case.0);
    let lead = s.ui(Who::UserAdminHere).get(&page).await;
    assert!(lead.body.contains("Obiskovalec X."));
    let reporter = s.ui(Who::Plain).get(&page).await;
    assert_eq!(reporter.status, StatusCode::OK);
    assert!(!reporter.body.contains("Obiskovalec X."));
    assert!(reporter.body.contains("skrito (osebni podatki)"));
}
on_both_backends!(restricted_fields_are_hidden_from_the_reporter_on_the_page);

const BOUNDARY: &str = "----adamProcessBoundary";

fn multipart(definition: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"definition\"\r\n\r\n{definition}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

async fn a_broken_definition_is_refused_in_the_ui_with_every_problem_named(backend: Backend) {
    let s = TestServer::start(backend).await;
    let mut broken: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&adam_core::process::shipped("change-request").unwrap()).unwrap())
            .unwrap();
    broken["version"] = serde_json::json!(2);
    broken["steps"][0]["performer"] = serde_json::json!("ghost");
    broken["steps"][1]["outcomes"][0]["to"] = serde_json::json!("nowhere");
    let text = serde_json::to_string_pretty(&broken).unwrap();
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let import = async |who: Who, body: Vec<u8>| {
        s.ui(who)
            .post_body("/ui/processes?lang=en", &multipart_type, body)
            .await
    };
    // A plain clerk does not import.
    assert_eq!(import(Who::Plain, multipart(&text)).await.status, StatusCode::FORBIDDEN);
    let r = import(Who::SysAdmin, multipart(&text)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = r.body.split("id=\"import-problems\"").nth(1).unwrap_or_default();
    assert!(problems.matches("<li>").count() >= 2, "{}", r.body);
    assert!(problems.contains("ghost") && problems.contains("nowhere"), "{problems}");
    assert!(
        r.body.contains("&quot;ghost&quot;") || r.body.contains("&#34;ghost&#34;"),
        "the text is kept"
    );
    // Not JSON at all: said, kept.
    let r = import(Who::SysAdmin, multipart("{ ni json")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("{ ni json") && r.body.contains("id=\"import-error\""));
    // A good one is kept, and its page draws it.
    broken["steps"][0]["performer"] = serde_json::json!("custodian");
    broken["steps"][1]["outcomes"][0]["to"] = serde_json::json!("implement");
    let r = import(Who::SysAdmin, multipart(&broken.to_string())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, "/ui/processes/change-request");
    let page = s.ui(Who::Plain).get("/ui/processes/change-request").await;
    assert!(page.body.contains("<svg") && page.body.contains("data-step=\"prepare\""));
    let list = s.ui(Who::Plain).get("/ui/processes").await;
    assert!(
        !list.body.contains("id=\"import-form\""),
        "only the keepers see the import form"
    );
}
on_both_backends!(a_broken_definition_is_refused_in_the_ui_with_every_problem_named);

async fn the_performer_attaches_a_file_to_the_case_on_its_page(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    ensure_event(&s).await;
    let case = s.state.world().cases().last().unwrap().id;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\nzapisnik\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"z.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nZapisnik.\r\n--{BOUNDARY}--\r\n"
    );
    let path = format!("/ui/cases/{}/files", case.0);
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let send = async |who: Who| {
        s.ui(who)
            .post_body(&path, &multipart_type, body.clone().into_bytes())
            .await
    };
    // The reporter reads the case but does not perform its step.
    assert_eq!(send(Who::Plain).await.status, StatusCode::FORBIDDEN);
    let r = send(Who::UserAdminHere).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let files = s.state.world().case(case).unwrap().attachments.clone();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name.as_str(), "z.txt");
    let page = s.ui(Who::Plain).get(&format!("/ui/cases/{}", case.0)).await;
    assert!(page.body.contains(&format!("/ui/attachments/{}", files[0].sha256)));
}
on_both_backends!(the_performer_attaches_a_file_to_the_case_on_its_page);

fn notification_form(text: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"notification\"\r\n\r\n{text}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

/// The ministry's register in the UI: its keeper pastes a body's notification file and lands
/// on the new case; the same file again is refused at the form with the text kept; a clerk
/// sees no form and is refused; a file that is no notification is said to be none.
async fn a_keeper_registers_a_bodys_notification_in_the_ui(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let file = serde_json::json!({
        "format": "adam.security-event-notification/1", "body": "Občina Koper", "identification": "security-event/7",
        "reporter": {"username": "ana", "name": "Ana Novak"},
        "description": {"what": "Neznan ključ USB v sejni sobi.", "situation": "Kršitve dostopa"},
        "details": {"discovered_at": "2026-03-01 08:00"}, "sent": "2026-03-01 10:00 – SIGOV-CERT"
    })
    .to_string();
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let send = async |who: Who, text: &str| {
        s.ui(who)
            .post_body("/ui/notifications?lang=en", &multipart_type, notification_form(text))
            .await
    };
    let page = s.ui(Who::Plain).get("/ui/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"notification-not-keeper\"") && !page.body.contains("id=\"notification-form\""));
    assert_eq!(send(Who::Plain, &file).await.status, StatusCode::FORBIDDEN);
    let page = s.ui(Who::UserAdminHere).get("/ui/notifications").await;
    assert!(page.body.contains("id=\"notification-form\""), "{}", page.body);
    let r = send(Who::UserAdminHere, &file).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.starts_with("/ui/cases/"), "{}", r.location);
    let case = s.ui(Who::UserAdminHere).get(&r.location).await;
    assert!(
        case.body.contains("Občina Koper") && case.body.contains("Neznan ključ USB"),
        "{}",
        case.body
    );
    // Again: refused at the form, in the page's language, the text kept.
    let again = send(Who::UserAdminHere, &file).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("id=\"notification-error\"") && again.body.contains("already in the register"),
        "{}",
        again.body
    );
    assert!(again.body.contains("security-event/7"), "the text is kept");
    let junk = send(Who::UserAdminHere, "{ ni json").await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(junk.body.contains("This is not a notification file") && junk.body.contains("{ ni json"));
}
on_both_backends!(a_keeper_registers_a_bodys_notification_in_the_ui);
