//! The registers of cases over HTTP, on SQLite and PostgreSQL (REQUIREMENTS-WAVE2 §1.18): the
//! security events with the data of Art. 19(5), the incident file with the data of Art. 20(2)
//! (perpetrators and motives only to whom the case page shows them), the change log with its
//! consents (Art. 22–23); the cases the caller reads; the days filtered as Slovenian calendar
//! dates, inclusive; JSON and CSV; a bad filter refused at its parameter; the page in the UI.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const EVENTS: &str = "/api/v1/reports/cases?kind=events";
const INCIDENTS: &str = "/api/v1/reports/cases?kind=incidents";

fn references(r: &Value) -> Vec<String> {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn cell<'a>(row: &'a Value, key: &str) -> &'a Value {
    row["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap()
}

/// Two events: Ana's at 23:30 on 2 March in Ljubljana (22:30 UTC), walked as an incident with
/// its perpetrators, and the lead's at 00:30 on 3 March (23:30 UTC, still 2 March in UTC).
async fn two_events(s: &TestServer) -> (String, String) {
    s.make_security_lead(s.fx.glpi_admin).await;
    s.advance(13 * 3_600 + 1_800);
    let a = s
        .post(
            Who::Plain,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "USB ključ", "fields": {"what": "Neznan ključ v sejni sobi."}}),
        )
        .await
        .expect(201);
    s.advance(3_600);
    let b = s
        .post(
            Who::UserAdminHere,
            "/api/v1/cases",
            &json!({"process": "security-event", "title": "Lažno sporočilo", "fields": {"what": "Phishing."}}),
        )
        .await
        .expect(201);
    let id = a.json["id"].as_u64().unwrap();
    let decisions = format!("/api/v1/cases/{id}/decisions");
    s.post(
        Who::UserAdminHere,
        &decisions,
        &json!({"step": "triage", "outcome": "incident", "fields": {"discovered_at": "2026-03-02T22:00:00Z", "ministry_notified_at": "2026-03-02T23:00:00Z", "ministry_notified_to": "SIGOV-CERT"}}),
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
        s.post(
            Who::UserAdminHere,
            &decisions,
            &json!({"step": step, "outcome": outcome, "fields": fields}),
        )
        .await
        .expect(200);
    }
    (
        a.json["reference"].as_str().unwrap().to_owned(),
        b.json["reference"].as_str().unwrap().to_owned(),
    )
}

async fn the_registers_of_events_and_incidents_over_http(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (a, b) = two_events(&s).await;
    // The keepers read both events; the reporter her own; a user administrator of another
    // office, who reads neither case, none.
    let admin = s.get(Who::SysAdmin, EVENTS).await.expect(200);
    assert_eq!(references(&admin.json), vec![a.clone(), b.clone()], "{}", admin.text);
    assert_eq!(admin.json["kind"], "events");
    let first = &admin.json["rows"][0];
    assert_eq!(cell(first, "what")["value"], "Neznan ključ v sejni sobi.");
    assert_eq!(cell(first, "ministry_notified_to")["value"], "SIGOV-CERT");
    assert_eq!(first["reported_by"]["username"], "ana");
    assert!(
        admin.json["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"] == "business_effects"),
        "{}",
        admin.text
    );
    let ana = s.get(Who::Plain, EVENTS).await.expect(200);
    assert_eq!(references(&ana.json), vec![a.clone()]);
    let other = s.get(Who::UserAdminOther, EVENTS).await.expect(200);
    assert!(references(&other.json).is_empty(), "{}", other.text);
    // The incident file holds the event assessed as an incident, with the data of Art. 20(2);
    // the perpetrators are hidden from the system administrator, shown to the security lead.
    let admin = s.get(Who::SysAdmin, INCIDENTS).await.expect(200);
    assert_eq!(references(&admin.json), vec![a.clone()]);
    let row = &admin.json["rows"][0];
    assert_eq!(cell(row, "affected_components")["value"], "PC");
    assert_eq!(cell(row, "perpetrators")["hidden"], true);
    assert!(cell(row, "perpetrators").get("value").is_none());
    assert!(!admin.text.contains("Neznan obiskovalec"), "{}", admin.text);
    let lead = s.get(Who::UserAdminHere, INCIDENTS).await.expect(200);
    let row = &lead.json["rows"][0];
    assert_eq!(cell(row, "perpetrators")["value"], "Neznan obiskovalec.");
    assert_eq!(cell(row, "perpetrators")["hidden"], false);
    // The admin's CSV has no perpetrators either.
    let csv = s
        .get(Who::SysAdmin, &format!("{INCIDENTS}&format=csv"))
        .await
        .expect(200);
    assert!(!csv.text.contains("Neznan obiskovalec"), "{}", csv.text);
    // Days are Slovenian calendar days, both ends inclusive: B was reported on 3 March in
    // Ljubljana though still on 2 March in UTC.
    let upto = s
        .get(Who::SysAdmin, &format!("{EVENTS}&to=2.%203.%202026"))
        .await
        .expect(200);
    assert_eq!(references(&upto.json), vec![a.clone()], "{}", upto.text);
    let on = s
        .get(Who::SysAdmin, &format!("{EVENTS}&from=2026-03-03&to=2026-03-03"))
        .await
        .expect(200);
    assert_eq!(references(&on.json), vec![b.clone()], "{}", on.text);
    let both = s
        .get(Who::SysAdmin, &format!("{EVENTS}&from=2026-03-02&to=2026-03-03"))
        .await
        .expect(200);
    assert_eq!(references(&both.json).len(), 2);
    // Open and closed: A is at "close" (open) until archived.
    let closed = s
        .get(Who::SysAdmin, &format!("{EVENTS}&state=closed"))
        .await
        .expect(200);
    assert!(references(&closed.json).is_empty(), "{}", closed.text);
    let open = s.get(Who::SysAdmin, &format!("{EVENTS}&state=open")).await.expect(200);
    assert_eq!(references(&open.json).len(), 2);
    // CSV by `Accept: text/csv`: the header in the request's language, one line per case.
    let csv = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::GET,
            &format!("{EVENTS}&to=2026-03-02"),
            None,
            &[("accept", "text/csv"), ("accept-language", "en")],
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let mut lines = csv.text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("reference,title,reported at,reported by,state,step,Situation"),
        "{header}"
    );
    assert!(header.contains("Negative business effects"), "{header}");
    let line = lines.next().unwrap();
    assert!(
        line.starts_with(&format!("{a},USB ključ,2026-03-02T22:30:00Z,ana,open,")),
        "{line}"
    );
    assert!(
        line.contains("Neznan ključ v sejni sobi.") && line.contains("SIGOV-CERT"),
        "{line}"
    );
    assert!(lines.next().is_none(), "{}", csv.text);
    let sl = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::GET,
            &format!("{EVENTS}&format=csv"),
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert!(
        sl.text.starts_with("oznaka,naslov,prijavljeno,prijavil,stanje,korak,"),
        "{}",
        sl.text
    );
    // A filter that cannot be read is refused at its parameter.
    let r = s
        .get(Who::SysAdmin, &format!("{EVENTS}&from=32.13.2026"))
        .await
        .problem(422, "invalid-query");
    assert_eq!(r.json["pointer"], "/from", "{}", r.text);
    let r = s
        .get(Who::SysAdmin, &format!("{EVENTS}&from=2026-03-03&to=2026-03-02"))
        .await
        .problem(422, "invalid-query");
    assert_eq!(r.json["pointer"], "/to", "{}", r.text);
    let r = s
        .get(Who::SysAdmin, "/api/v1/reports/cases?kind=minutes")
        .await
        .problem(422, "invalid-query");
    assert_eq!(r.json["pointer"], "/kind", "{}", r.text);
    let r = s
        .get(Who::SysAdmin, &format!("{EVENTS}&state=half"))
        .await
        .problem(422, "invalid-query");
    assert_eq!(r.json["pointer"], "/state", "{}", r.text);
}
on_both_backends!(the_registers_of_events_and_incidents_over_http);

/// The change log: a change request's system, its effect on function and security, and the
/// written consents of the custodian and the security lead (Art. 22(3)), who and when.
async fn the_change_log_lists_the_consents(backend: Backend) {
    use crate::inventory_fixture::{fields, run};
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    s.make_security_lead(fx.glpi_admin).await;
    let Some(Created::Item(system)) = run(
        &s,
        Actor::System,
        Command::CreateItem {
            kind: adam_core::register::inventory::ItemKind::System,
            fields: fields("VOPI-SYS", "VOPI", fx.ana),
        },
    )
    .await
    else {
        panic!("no system")
    };
    let (custodian, lead) = (Who::Plain, Who::UserAdminHere);
    let started = s
        .post(
            custodian,
            "/api/v1/cases",
            &json!({"process": "change-request", "title": "Nadgradnja baze VOPI",
                    "fields": {"system": system.0, "description": "Nadgradnja baze.", "affects_security": true, "affects_function": false}}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    let decisions = format!("/api/v1/cases/{id}/decisions");
    let consents = format!("/api/v1/cases/{id}/consents");
    s.post(
        custodian,
        &decisions,
        &json!({"step": "prepare", "outcome": "submit", "fields": {"security_impact": "Nizek.", "production_conditions": "Po dogovoru.", "notified_at": "2026-03-01", "rollback_plan": "Obnova."}}),
    )
    .await
    .expect(200);
    s.post(custodian, &consents, &json!({"role": "custodian"}))
        .await
        .expect(200);
    s.post(lead, &consents, &json!({"role": "security_lead"}))
        .await
        .expect(200);
    let log = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::GET,
            "/api/v1/reports/cases?kind=changes",
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200);
    let rows = log.json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", log.text);
    let row = &rows[0];
    assert_eq!(cell(row, "system")["value"], "VOPI-SYS – VOPI");
    assert_eq!(cell(row, "affects_security")["value"], "yes");
    assert_eq!(cell(row, "affects_function")["value"], "no");
    let given: Vec<(String, String)> = row["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["role"].as_str().unwrap().to_owned(),
                c["by"]["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let lead_name = s.state.world().user(fx.glpi_admin).unwrap().username.to_string();
    assert_eq!(
        given,
        vec![
            ("custodian".to_owned(), "ana".to_owned()),
            ("security_lead".to_owned(), lead_name.clone())
        ]
    );
    assert!(row["consents"][0]["at"].is_string());
    // The events register does not hold it; the CSV names the consents.
    let events = s.get(Who::SysAdmin, EVENTS).await.expect(200);
    assert!(references(&events.json).is_empty());
    let csv = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::GET,
            "/api/v1/reports/cases?kind=changes&format=csv",
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200);
    let mut lines = csv.text.lines();
    assert!(lines.next().unwrap().ends_with(",consents"), "{}", csv.text);
    let line = lines.next().unwrap();
    assert!(
        line.contains("custodian: ana ") && line.contains(&format!("security_lead: {lead_name} ")),
        "{line}"
    );
    // A reader of no change request sees an empty log.
    let other = s
        .get(Who::UserAdminOther, "/api/v1/reports/cases?kind=changes")
        .await
        .expect(200);
    assert!(references(&other.json).is_empty(), "{}", other.text);
}
on_both_backends!(the_change_log_lists_the_consents);

/// The register page: the filters as a form, the table, the CSV link; a date that cannot be
/// read comes back at its field with what was typed, in both languages; the perpetrators
/// hidden from the system administrator.
async fn the_register_page_filters_and_keeps_what_was_typed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (a, b) = two_events(&s).await;
    let r = s
        .ui(Who::SysAdmin)
        .get("/ui/reports/cases?kind=events&to=2.3.2026")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&a) && !r.body.contains(&b), "{}", r.body);
    assert!(r.body.contains("value=\"2.3.2026\""), "{}", r.body);
    assert!(
        r.body
            .replace("&#38;", "&")
            .contains("href=\"/api/v1/reports/cases?kind=events&state=&from=&to=2026-03-02&format=csv\""),
        "{}",
        r.body
    );
    let r = s.ui(Who::SysAdmin).get("/ui/reports/cases?kind=incidents").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&a) && !r.body.contains("Neznan obiskovalec"),
        "{}",
        r.body
    );
    let r = s.ui(Who::UserAdminHere).get("/ui/reports/cases?kind=incidents").await;
    assert!(r.body.contains("Neznan obiskovalec"), "{}", r.body);
    // A bad date: the page again (422), the message at the field, what was typed kept.
    for (lang, words) in [("sl", "ni datum"), ("en", "is not a date")] {
        let r = s
            .ui(Who::SysAdmin)
            .get(&format!(
                "/ui/reports/cases?kind=events&state=open&from=32.13.2026&lang={lang}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f_from-error\""), "{}", r.body);
        assert!(r.body.contains(words), "{lang}: {}", r.body);
        assert!(r.body.contains("value=\"32.13.2026\""), "{}", r.body);
        assert!(r.body.contains("<option value=\"open\" selected>"), "{}", r.body);
        assert!(!r.body.contains("id=\"register-csv\""), "{}", r.body);
    }
    // The work lists link to the registers.
    let r = s.ui(Who::Plain).get("/ui/cases").await;
    assert!(r.body.contains("href=\"/ui/reports/cases\""), "{}", r.body);
}
on_both_backends!(the_register_page_filters_and_keeps_what_was_typed);
