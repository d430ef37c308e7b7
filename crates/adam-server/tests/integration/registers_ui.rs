//! The Decree's registers kept beside the inventory, in the UI (issue #15): risk assessments
//! (`/ui/risk`, Art. 9), integrity baselines (`/ui/integrity`, Art. 50(4)–(5)) and the
//! classification scheme (`/ui/classification-scheme`, Art. 11(3)), on both backends. The pages
//! render for the security lead in both languages and are refused to a plain user (the scheme
//! excepted: everyone reads it); a form comes back (422) with what was typed and the message at
//! its field; the keepers' forms are not shown to others and a forged post is refused (403)
//! without writing anything; the CSV exports have a header in the page's language and write a
//! formula as text.

use crate::integrity::{SERVER, files, key_server};
use crate::on_both_backends;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

/// The message at `field` (its `…-error` element), or a panic showing the page.
fn message_at<'a>(html: &'a str, field: &str) -> &'a str {
    let marker = format!("id=\"{field}-error\">");
    let Some(rest) = html.split(&marker).nth(1) else {
        panic!("no message at {field}: {html}");
    };
    rest.split('<').next().unwrap_or_default()
}

/// The risk form as a keeper types it, with `changes` applied.
fn risk_form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = [
        ("date", "2026-02-20"),
        ("scope", "Organ kot celota"),
        ("methodology", "Enotna metodologija MJU 2024"),
        ("findings", "Zastarel strežnik pošte; ni druge lokacije za kopije."),
        ("treatment", "Nadgradnja do junija; kopije na drugo lokacijo."),
        ("residual", ""),
        ("approver", "admin"),
        ("trigger", ""),
        ("next_due", ""),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect();
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, (*v).to_owned()));
    }
    f
}

/// Bojan made the security lead, signed in with a browser session.
async fn lead(s: &TestServer) -> Browser {
    s.make_security_lead(s.fx.bojan).await;
    s.set_password(s.fx.bojan, STRONG).await;
    Browser::from(&s.login("bojan", STRONG).await.expect(200))
}

async fn the_pages_render_for_the_lead_and_are_refused_to_a_plain_user(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, false).await;
    let server = s.state.world().item_by_code(SERVER).unwrap().0;
    let lead = lead(&s).await;
    let ui = s.ui_session(&lead);

    // The inventory links the three pages.
    let Answer { body: html, .. } = ui.get("/ui/inventory").await;
    for link in [
        "href=\"/ui/risk\"",
        "href=\"/ui/integrity\"",
        "href=\"/ui/classification-scheme\"",
    ] {
        assert!(html.contains(link), "{link}: {html}");
    }
    // Every page in both languages.
    let server_page = format!("/ui/integrity/{server}");
    let pages = [
        ("/ui/risk", "Ocene tveganj", "Risk assessments"),
        ("/ui/risk/print", "Ocene tveganj", "Risk assessments"),
        ("/ui/integrity", "Celovitost strežnikov", "Server integrity"),
        ("/ui/integrity/print", "Celovitost strežnikov", "Server integrity"),
        (server_page.as_str(), "Izhodišča", "Baselines"),
        (
            "/ui/classification-scheme",
            "Shema razvrščanja",
            "Classification scheme",
        ),
    ];
    for (path, sl, en) in pages {
        let Answer { status, body: html, .. } = ui.get(&format!("{path}?lang=sl")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(sl), "{path}: {html}");
        let Answer { status, body: html, .. } = ui.get(&format!("{path}?lang=en")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(en), "{path}: {html}");
    }
    // No assessment yet: the register is overdue (Art. 9(2): at least yearly).
    let Answer { body: html, .. } = ui.get("/ui/risk?lang=sl").await;
    assert!(
        html.contains("Ocena tveganj še ni vpisana") && html.contains("zamujeno"),
        "{html}"
    );
    assert!(html.contains("id=\"risk-form\""), "the lead records: {html}");
    // The list of servers: MAIL-SRV with its current baseline and one waiting; PRINT-SRV is
    // neither key nor high-risk.
    let Answer { body: html, .. } = ui.get("/ui/integrity?lang=en").await;
    assert!(html.contains("MAIL-SRV") && !html.contains("PRINT-SRV"), "{html}");
    assert!(
        html.contains("#0") && html.contains("Baseline approved; no scan since."),
        "{html}"
    );
    // The lead may approve the waiting baseline; the scheme's form is the lead's too.
    let Answer { body: html, .. } = ui.get(&format!("/ui/integrity/{server}?lang=en")).await;
    assert!(
        html.contains("id=\"approve-1\"") && !html.contains("id=\"approve-0\""),
        "{html}"
    );
    let Answer { body: html, .. } = ui.get("/ui/classification-scheme").await;
    assert!(
        html.contains("id=\"scheme-form\"") && html.contains("Uredba o informacijski varnosti"),
        "{html}"
    );

    // A plain user reads none of the first two registers (the 403 page), nor their exports.
    let plain = s.ui(Who::Plain);
    for path in [
        "/ui/risk".to_owned(),
        "/ui/risk/print".to_owned(),
        "/ui/risk.csv".to_owned(),
        "/ui/integrity".to_owned(),
        "/ui/integrity.csv".to_owned(),
        "/ui/integrity/print".to_owned(),
        format!("/ui/integrity/{server}"),
    ] {
        let Answer { status, body: html, .. } = plain.get(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("Nimate pravice"), "{path}: {html}");
    }
    // The scheme is read by everyone, changed by the keepers only: no form.
    let Answer { status, body: html, .. } = plain.get("/ui/classification-scheme").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("scheme-form") && html.contains("id=\"scheme-keepers\""),
        "{html}"
    );
    // The inventory's custodian reads the risk register but does not keep it: no form.
    s.set_password(s.fx.gregor, STRONG).await;
    let gregor = Browser::from(&s.login("gregor", STRONG).await.expect(200));
    let Answer { status, body: html, .. } = s.ui_session(&gregor).get("/ui/risk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("risk-form") && html.contains("id=\"risk-keepers\""),
        "{html}"
    );
}
on_both_backends!(the_pages_render_for_the_lead_and_are_refused_to_a_plain_user);

async fn a_risk_assessment_is_recorded_and_corrected_through_its_form(backend: Backend) {
    let s = TestServer::start(backend).await;
    let keeper = s.ui(Who::SysAdmin);
    let before = s.state.revision();

    // A date that is not one: the message at the field, everything typed kept, nothing saved.
    let Answer { status, body: html, .. } = keeper
        .post_owned(
            "/ui/risk?lang=sl",
            &risk_form(&[("date", "kmalu"), ("approver", "nihče")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "rk_date").contains("»kmalu« ni datum"), "{html}");
    message_at(&html, "rk_approver");
    assert!(
        html.contains("value=\"kmalu\"") && html.contains("value=\"nihče\""),
        "kept: {html}"
    );
    assert!(
        html.contains(">Nadgradnja do junija; kopije na drugo lokacijo.</textarea>"),
        "kept: {html}"
    );
    // Required texts left empty, in English.
    let Answer { status, body: html, .. } = keeper
        .post_owned("/ui/risk?lang=en", &risk_form(&[("scope", " "), ("findings", "")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "rk_scope");
    message_at(&html, "rk_findings");
    // The engine's rule (Art. 9(2)): the next one at most a year later, said at its field.
    let Answer { status, body: html, .. } = keeper
        .post_owned("/ui/risk?lang=en", &risk_form(&[("next_due", "2027-06-01")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "rk_next_due").contains("2027-02-20"), "{html}");
    assert!(html.contains("value=\"2027-06-01\""), "kept: {html}");
    assert_eq!(s.state.revision(), before);

    // An old assessment: recorded, and the register overdue since its year ran out.
    let Answer { status, location, .. } = keeper
        .post_owned(
            "/ui/risk",
            &risk_form(&[("date", "10. 1. 2024"), ("scope", "Stara ocena")]),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/ui/risk"), "{location}");
    let Answer { body: html, .. } = keeper.get("/ui/risk?lang=en").await;
    assert!(html.contains("id=\"risk-overdue\""), "{html}");
    assert!(html.contains("id=\"risk-next-due\">2025-01-10<"), "{html}");

    // This year's: the next is due a year later, not overdue; the list has the latest first.
    let Answer { status, .. } = keeper.post_owned("/ui/risk", &risk_form(&[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = {
        let w = s.state.world();
        let r = w
            .risk_assessments()
            .iter()
            .find(|r| r.fields.scope.as_str() == "Organ kot celota")
            .unwrap();
        assert_eq!(r.fields.approver, Some(s.fx.admin));
        r.id.0
    };
    let Answer { body: html, .. } = keeper.get("/ui/risk?lang=sl").await;
    assert!(
        html.contains("id=\"risk-next-due\">2027-02-20<") && !html.contains("id=\"risk-overdue\""),
        "{html}"
    );
    let newer = html.find("Organ kot celota").unwrap();
    let older = html.find("Stara ocena").unwrap();
    assert!(newer < older, "latest first: {html}");

    // Its page: the fields, the correction form filled, the last change and history.
    let Answer { status, body: html, .. } = keeper.get(&format!("/ui/risk/{id}?lang=sl")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Zastarel strežnik pošte; ni druge lokacije za kopije."),
        "{html}"
    );
    assert!(
        html.contains("id=\"risk-form\"") && html.contains("value=\"2026-02-20\""),
        "{html}"
    );
    assert!(html.contains("zabeležil oceno tveganj"), "history: {html}");
    let rev = s
        .state
        .world()
        .risk_assessment(adam_core::RiskId(id))
        .unwrap()
        .rev
        .0
        .to_string();
    let mut correction = risk_form(&[("trigger", "Selitev v oblak")]);
    correction.push(("rev", rev.clone()));
    let Answer { status, location, .. } = keeper.post_owned(&format!("/ui/risk/{id}"), &correction).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, format!("/ui/risk/{id}#basic").as_str())
    );
    let Answer { body: html, .. } = keeper.get(&format!("/ui/risk/{id}?lang=en")).await;
    assert!(
        html.contains("Selitev v oblak") && html.contains("corrected a risk assessment"),
        "{html}"
    );
    // The same page sent again is stale: refused on the form, what was typed kept.
    let at = s.state.revision();
    let mut stale = risk_form(&[("trigger", "Prepozno")]);
    stale.push(("rev", rev));
    let Answer { status, body: html, .. } = keeper.post_owned(&format!("/ui/risk/{id}"), &stale).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "rk_form").contains("nekdo drug"), "{html}");
    assert!(html.contains("value=\"Prepozno\""), "kept: {html}");
    assert_eq!(s.state.revision(), at);

    // A reader who does not keep the register (a user administrator), and a plain user, are
    // refused, typed nonsense or not, and nothing is written.
    for who in [Who::UserAdminHere, Who::Plain] {
        for form in [risk_form(&[]), risk_form(&[("date", "kmalu")])] {
            let Answer { status, body: html, .. } = s.ui(who).post_owned("/ui/risk", &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
            assert!(!html.contains("rk_date-error"), "{html}");
        }
        let Answer { status, .. } = s.ui(who).post_owned(&format!("/ui/risk/{id}"), &correction).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
    }
    assert_eq!(s.state.revision(), at);
    // An assessment that does not exist.
    let Answer { status, .. } = keeper.get("/ui/risk/99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(a_risk_assessment_is_recorded_and_corrected_through_its_form);

async fn the_exports_have_a_localised_header_and_write_a_formula_as_text(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, false).await;
    s.post(
        Who::SysAdmin,
        "/api/v1/risk-assessments",
        &json!({
            "date": "2026-02-20",
            "scope": "=HYPERLINK(\"http://x\")",
            "findings": "@SUM(A1)",
            "treatment": "Nadgradnja",
        }),
    )
    .await
    .expect(201);
    let keeper = s.ui(Who::SysAdmin);
    let Answer {
        status, body, headers, ..
    } = keeper.get("/ui/risk.csv?lang=sl").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(headers["vary"].to_str().unwrap().contains("Accept-Language"));
    let mut lines = body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,datum,obseg,metodologija,ugotovitve,obravnava tveganj,sprejeto preostalo tveganje,odobril,povod,naslednja ocena do,revizija"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("0,2026-02-20,\"'=HYPERLINK(\"\"http://x\"\")\",,'@SUM(A1),Nadgradnja,"),
        "{row}"
    );
    assert!(row.contains(",2027-02-20,"), "{row}");
    let Answer { body, .. } = keeper.get("/ui/risk.csv?lang=en").await;
    assert!(
        body.starts_with("id,date,scope,methodology,findings,treatment,"),
        "{body}"
    );

    let Answer {
        status, body, headers, ..
    } = keeper.get("/ui/integrity.csv?lang=sl").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["vary"].to_str().unwrap().contains("Accept-Language"));
    let mut lines = body.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,koda,naziv,ključni strežnik,visoko tveganje,veljavno izhodišče"),
        "{body}"
    );
    assert_eq!(
        lines.next().unwrap(),
        "0,MAIL-SRV,MAIL-SRV strežnik,true,false,0,1,,false,"
    );
    assert!(lines.next().is_none(), "only the key server: {body}");
    let Answer { body, .. } = keeper.get("/ui/integrity.csv?lang=en").await;
    assert!(
        body.starts_with("id,code,name,key server,high risk,current baseline"),
        "{body}"
    );
}
on_both_backends!(the_exports_have_a_localised_header_and_write_a_formula_as_text);

async fn a_baseline_is_approved_with_its_change_reference_at_the_field(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, false).await;
    let server = s.state.world().item_by_code(SERVER).unwrap().0;
    let keeper = s.ui(Who::SysAdmin);
    let approve = "/ui/integrity/baselines/1/approve";
    let before = s.state.revision();

    // Without the change's reference: refused at the field (Art. 50(4)), in the page's language.
    let Answer { status, body: html, .. } = keeper.post(&format!("{approve}?lang=en"), &[("change", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "ap_change").contains("give the change"), "{html}");
    assert!(html.contains("aria-describedby=\"ap_change-error\""), "{html}");
    // Too long: the message with the limit, and what was typed kept.
    let long = "X".repeat(501);
    let Answer { status, body: html, .. } = keeper.post(approve, &[("change", long.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "ap_change");
    assert!(html.contains(&format!("value=\"{long}\"")), "kept: {html}");
    assert_eq!(s.state.revision(), before);

    // The server's custodian reads its records but does not approve: no form, and a forged
    // post is refused; so is a plain user's.
    s.set_password(s.fx.gregor, STRONG).await;
    let gregor = Browser::from(&s.login("gregor", STRONG).await.expect(200));
    let custodian = s.ui_session(&gregor);
    let Answer { status, body: html, .. } = custodian.get(&format!("/ui/integrity/{server}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("baseline-1") && !html.contains("approve-form"), "{html}");
    let Answer { status, .. } = custodian.post(approve, &[("change", "CHG-9")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { status, .. } = s.ui(Who::Plain).post(approve, &[("change", "CHG-9")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(s.state.revision(), before);

    // With it: approved, in force, and the page says by whom and with which change.
    let Answer { status, location, .. } = keeper.post(approve, &[("change", "CHG-2026-014")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/ui/integrity/{server}#baselines"));
    assert!(s.state.world().baseline(adam_core::BaselineId(1)).unwrap().approved());
    let Answer { body: html, .. } = keeper.get(&format!("/ui/integrity/{server}?lang=en")).await;
    assert!(
        html.contains("CHG-2026-014") && !html.contains("approve-form"),
        "{html}"
    );
    // Approved twice: refused at the field.
    let Answer { status, body: html, .. } = keeper.post(approve, &[("change", "CHG-2")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "ap_change");

    // A scan that differs: the list warns, the server's page says what differs.
    let scan = json!({"server": SERVER, "baseline": false, "taken_at": "2026-03-05T08:00:00Z", "files": files("44")});
    s.post(Who::Service, "/api/v1/integrity/scans", &scan).await.expect(201);
    let Answer { body: html, .. } = keeper.get("/ui/integrity?lang=sl").await;
    assert!(
        html.contains("integrity-mismatch") && html.contains("neujemanje"),
        "{html}"
    );
    let Answer { body: html, .. } = keeper.get(&format!("/ui/integrity/{server}?lang=en")).await;
    assert!(html.contains("id=\"integrity-warning\""), "{html}");
    assert!(html.contains("0 added, 0 removed, 1 changed files"), "{html}");
    assert!(
        html.contains("<code>etc/passwd</code> <span class=\"muted small-inline\">(content)</span>"),
        "{html}"
    );
    // An unknown baseline or server.
    let Answer { status, .. } = keeper
        .post("/ui/integrity/baselines/77/approve", &[("change", "X")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let Answer { status, .. } = keeper.get("/ui/integrity/77").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(a_baseline_is_approved_with_its_change_reference_at_the_field);

async fn the_scheme_is_changed_by_a_keeper_and_refused_to_others(backend: Backend) {
    let s = TestServer::start(backend).await;
    let rev = || s.state.world().class_scheme().rev.0.to_string();
    let form = |rev: String, changes: &[(&'static str, &str)]| {
        let mut f: Vec<(&'static str, String)> = vec![
            ("rev", rev),
            (
                "regulation",
                "Uredba o informacijski varnosti v državni upravi (Uradni list RS, št. 29/2018)".to_owned(),
            ),
            ("name_Z1", "Interno".to_owned()),
            (
                "criteria_Z1",
                "Podatki, katerih razkritje bi škodilo delu organa.".to_owned(),
            ),
            ("labelling_Z1", "INTERNO v glavi dokumenta".to_owned()),
        ];
        for (k, v) in changes {
            f.retain(|(key, _)| key != k);
            f.push((k, (*v).to_owned()));
        }
        f
    };
    let before = s.state.revision();
    // Not a keeper: refused, whatever was typed, and nothing written.
    for who in [Who::Plain, Who::UserAdminHere] {
        for f in [form(rev(), &[]), form(rev(), &[("regulation", "")])] {
            let Answer { status, body: html, .. } = s.ui(who).post_owned("/ui/classification-scheme", &f).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
            assert!(!html.contains("regulation-error"), "{html}");
        }
    }
    assert_eq!(s.state.revision(), before);

    // The keeper's form: a bad field at its place, what was typed kept.
    let keeper = s.ui(Who::SysAdmin);
    let long = "y".repeat(501);
    let Answer { status, body: html, .. } = keeper
        .post_owned(
            "/ui/classification-scheme?lang=en",
            &form(rev(), &[("regulation", " "), ("name_Z2", long.as_str())]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "regulation");
    assert!(message_at(&html, "name_Z2").contains("500"), "{html}");
    assert!(
        html.contains("value=\"Interno\"") && html.contains(&format!("value=\"{long}\"")),
        "kept: {html}"
    );
    assert_eq!(s.state.revision(), before);

    // Saved: a new version, shown to everyone, with its history.
    let Answer { status, .. } = keeper.post_owned("/ui/classification-scheme", &form(rev(), &[])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let opened = {
        let w = s.state.world();
        let scheme = w.class_scheme();
        assert_eq!(scheme.version, 1);
        let z1 = scheme.entry(adam_core::register::scheme::SchemeCode::Z1).unwrap();
        assert_eq!(z1.name.as_ref().unwrap().as_str(), "Interno");
        scheme.rev.0.to_string()
    };
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/classification-scheme?lang=sl").await;
    assert!(
        html.contains("Interno") && html.contains("INTERNO v glavi dokumenta"),
        "{html}"
    );
    assert!(html.contains("id=\"scheme-version\">1<"), "{html}");
    assert!(html.contains("spremenil shemo razvrščanja"), "history: {html}");
    // Exported as every register is: CSV with the header in the page's language, and a
    // printable page; every account reads them.
    let Answer { status, body: csv, .. } = s.ui(Who::Plain).get("/ui/classification-scheme.csv?lang=sl").await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("predpis,različica,oznaka,ime"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.contains(",Z1,Interno,")), "{csv}");
    let Answer { body: csv, .. } = s.ui(Who::Plain).get("/ui/classification-scheme.csv?lang=en").await;
    assert!(csv.starts_with("regulation,version,code,name"), "{csv}");
    let Answer {
        status, body: print, ..
    } = s.ui(Who::Plain).get("/ui/classification-scheme/print?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        print.contains("class=\"print\"") && print.contains("Interno"),
        "{print}"
    );
    // A page opened before that change is stale: refused on the form, what was typed kept.
    let Answer { status, body: html, .. } = keeper
        .post_owned(
            "/ui/classification-scheme",
            &form("0".to_owned(), &[("name_Z3", "Strogo zaupno")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "scheme_form").contains("nekdo drug"), "{html}");
    assert!(html.contains("value=\"Strogo zaupno\""), "kept: {html}");
    // The same texts again change nothing: said on the form.
    let Answer { status, body: html, .. } = keeper.post_owned("/ui/classification-scheme", &form(opened, &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "scheme_form").contains("shema to že pravi"), "{html}");
}
on_both_backends!(the_scheme_is_changed_by_a_keeper_and_refused_to_others);
