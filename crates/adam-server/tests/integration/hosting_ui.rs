//! The registry of information solutions in the admin UI (issue #17), over HTTP on both
//! backends: the dashboard's board by phase (and its htmx partial, snapshotted), registering a
//! solution with refusals at their fields (a bad codename, Art. 47(3), Art. 41) keeping what
//! was typed, correcting it (a stale form refused), opening a version (refused without a
//! system, Art. 10), the solution's page with its timeline, the Decree's blocks said on the
//! page when a version waits at the step that checks them (Art. 14(3), 29(5), 7), and the
//! notices of 1.1.1.47 arriving at the SMTP sink and recorded on the solution.

use crate::hosting_api::{Walk, ensure_solution};
use crate::on_both_backends;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

/// E2's entry as the form sends it, on system `system`.
fn e2(system: &str) -> Vec<(&'static str, String)> {
    vec![
        ("codename", "E2".into()),
        ("name", "Enotni e-vpis".into()),
        ("customer_body", "Ministrstvo za notranje zadeve".into()),
        ("entry_route", "pzi".into()),
        ("contractor", "Razvoj d.o.o.".into()),
        ("test_address", "e2-test.dro.gov.si".into()),
        ("test_certificates", "*.dro.gov.si".into()),
        ("production_address", "e2.gov.si".into()),
        ("system", system.into()),
        ("ekc", "technical".into()),
        ("p_customer", "ana".into()),
        ("p_coordinator", "glpi-admin".into()),
        ("p_deployment_engineer", "glpi-admin".into()),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn with(form: &[(&'static str, String)], key: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = form.iter().filter(|(k, _)| *k != key).cloned().collect();
    f.push((key, value.to_owned()));
    f
}

async fn a_solution_is_registered_corrected_and_opened_in_the_ui(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let keeper = Who::UserAdminHere;
    let opsi = ensure_solution(&s, s.fx.ana).await;
    let system = s.state.world().solutions()[opsi as usize]
        .fields
        .system
        .unwrap()
        .0
        .to_string();
    let glpi = s.state.world().user(s.fx.glpi_admin).unwrap().username.to_string();
    // The dashboard: OPSI registered, the keeper may register more; a service account may not read.
    let board = s.ui(keeper).get("/ui/solutions").await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert!(board.body.contains("id=\"new-solution\""));
    assert!(board.body.contains("id=\"nav-solutions\""));
    let registered = board.body.split("id=\"col-registered\"").nth(1).unwrap();
    let registered = registered.split("</section>").next().unwrap();
    assert!(registered.contains("data-solution=\"OPSI\""), "{registered}");
    assert_eq!(
        s.ui(Who::Service).get("/ui/solutions").await.status,
        StatusCode::FORBIDDEN
    );
    // The board alone for htmx.
    let partial = s.ui(keeper).get_htmx("/ui/solutions").await;
    assert!(!partial.body.contains("<html") && partial.body.contains("id=\"board\""));
    insta::assert_snapshot!("solutions_board_partial", partial.body);
    // The form for a new one: refused at the fields, what was typed kept.
    assert_eq!(s.ui(keeper).get("/ui/solutions/new").await.status, StatusCode::OK);
    let form = e2(&system);
    let before = s.revision().await;
    let bad = with(&with(&form, "codename", "e 2!"), "name", "");
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f_codename-error\"") && r.body.contains("id=\"f_name-error\""));
    assert!(r.body.contains("value=\"e 2!\"") && r.body.contains("value=\"Ministrstvo za notranje zadeve\""));
    // Art. 47(3): production at the test address, said at the production address.
    let same = with(&form, "production_address", "https://E2-test.dro.gov.si/");
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&same)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.body.split("id=\"f_production_address-error\">").nth(1).unwrap();
    assert!(msg.starts_with(|c: char| c != '<') && msg.contains("47"), "{msg}");
    // Art. 41: a public cloud for a system the custodian classified Z2.
    s.post(
        Who::Plain,
        &format!("/api/v1/inventory/{system}/classification"),
        &json!({"z": 2, "c": 1, "r": 1}),
    )
    .await
    .expect(200);
    let before = before.max(s.revision().await);
    let cloud = with(&form, "public_cloud", "1");
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&cloud)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.body.split("id=\"f_public_cloud-error\">").nth(1).unwrap();
    assert!(msg.contains("41"), "{msg}");
    assert!(r.body.contains("name=\"public_cloud\" value=\"1\" checked"));
    assert_eq!(s.revision().await, before, "nothing was written");
    // A plain reader (Ana, a custodian) reads but does not register.
    assert_eq!(s.ui(Who::Plain).get("/ui/solutions/OPSI").await.status, StatusCode::OK);
    let r = s.ui(Who::Plain).post("/ui/solutions", &pairs(&form)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Registered.
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, "/ui/solutions/E2");
    let page = s.ui(keeper).get("/ui/solutions/E2").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "Enotni e-vpis",
        "Ministrstvo za notranje zadeve",
        "e2-test.dro.gov.si",
        "*.dro.gov.si",
        "OPSI-SYS",
        "id=\"no-versions\"",
        "id=\"version-form\"",
        "data-article=\"41\"",
    ] {
        assert!(page.body.contains(shown), "{shown} missing");
    }
    assert!(!page.body.contains("role=\"alert\" id=\"blocks-"), "nothing blocks E2");
    assert!(page.body.contains(&format!("({glpi})")), "the coordinator is named");
    // Corrected: a stale form is refused, a fresh one saved; the last change names the keeper.
    let edit = s.ui(keeper).get("/ui/solutions/E2/edit").await;
    assert!(edit.body.contains("value=\"Enotni e-vpis\"") && edit.body.contains("value=\"ana\""));
    let rev = edit
        .body
        .split("name=\"rev\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let stale = with(&with(&form, "rev", "1"), "name", "Enotni e-vpis 2");
    let r = s.ui(keeper).post("/ui/solutions/E2/edit", &pairs(&stale)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f_form-error\"") && r.body.contains("value=\"Enotni e-vpis 2\""));
    let fresh = with(&with(&form, "rev", &rev), "name", "Enotni e-vpis 2");
    let r = s.ui(keeper).post("/ui/solutions/E2/edit", &pairs(&fresh)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.ui(keeper).get("/ui/solutions/E2?lang=en").await;
    assert!(page.body.contains("Enotni e-vpis 2"));
    let last = page.body.split("id=\"last-change\"").nth(1).unwrap();
    assert!(last.contains(&glpi), "{last}");
    assert!(
        page.body.contains("changed a solution"),
        "the correction is in the history"
    );
    // A version: none typed is refused at the field; 1.0 opens its case.
    let r = s
        .ui(keeper)
        .post("/ui/solutions/E2/versions", &[("version", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"v_version-error\""));
    let r = s
        .ui(keeper)
        .post("/ui/solutions/E2/versions", &[("version", "1.0")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.starts_with("/ui/cases/"), "{}", r.location);
    let page = s.ui(keeper).get("/ui/solutions/E2").await;
    assert!(page.body.contains("data-version=\"1.0\" data-step=\"entry\""));
    assert!(page.body.contains("id=\"version-in-flight\""));
    assert!(page.body.contains(&format!("href=\"{}\"", r.location)));
    let board = s.ui(keeper).get("/ui/solutions").await;
    let onboarding = board.body.split("id=\"col-onboarding\"").nth(1).unwrap();
    let onboarding = onboarding.split("</section>").next().unwrap();
    assert!(onboarding.contains("data-solution=\"E2\""), "{onboarding}");
    assert!(board.body.contains("id=\"in-flight-table\""));
    // Art. 10: a solution without a system is said to block, and its version is refused.
    let evem = with(
        &with(&with(&form, "codename", "EVEM"), "system", ""),
        "production_address",
        "evem.gov.si",
    );
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&evem)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.ui(keeper).get("/ui/solutions/EVEM").await;
    assert!(page.body.contains("id=\"blocks-10\""), "the missing system is said");
    let r = s
        .ui(keeper)
        .post("/ui/solutions/EVEM/versions", &[("version", "1.0")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"v_version-error\"") && r.body.contains("value=\"1.0\""));
    assert_eq!(
        s.ui(keeper).get("/ui/solutions/NIC").await.status,
        StatusCode::NOT_FOUND
    );
    // Overdue: E2's order (1.1.1.10, due in 10 days) left for 15 days is marked with its age
    // on the board and listed among the overdue steps.
    let case: u64 = s.state.world().solutions()[1].versions[0].case.0.into();
    Walk { server: &s, case }
        .go(keeper, "entry", "order", json!({}), &[])
        .await;
    s.advance(15 * 86_400);
    let board = s.ui(keeper).get("/ui/solutions").await;
    let card = board.body.split("data-solution=\"E2\"").nth(1).unwrap();
    let card = card.split("</article>").next().unwrap();
    assert!(card.contains("5 dni v zamudi"), "{card}");
    let overdue = board.body.split("id=\"overdue-table\"").nth(1).unwrap();
    assert!(
        overdue.contains("1.1.1.10") && overdue.contains("dro-hosting/"),
        "{overdue}"
    );
}
on_both_backends!(a_solution_is_registered_corrected_and_opened_in_the_ui);

/// Up to the transition request (1.1.1.43) of OPSI's first version, as `hosting_api.rs` walks it.
async fn to_transition_request(w: &Walk<'_>) {
    use Who::{Plain as Ana, UserAdminOther as Un};
    w.onboard_to_development().await;
    w.review_to_acceptance().await;
    w.go(Un, "1.1.1.35", "pass", json!({}), &["pen_test_report"]).await;
    w.go(Ana, "1.1.1.37", "no", json!({}), &[]).await;
}

async fn the_notices_of_1_1_1_47_reach_the_people_and_are_recorded(backend: Backend) {
    use Who::{Plain as Ana, UserAdminHere as Glpi, UserAdminOther as Un};
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    ensure_solution(&s, s.fx.ana).await;
    let r = s
        .ui(Glpi)
        .post("/ui/solutions/OPSI/versions", &[("version", "1.0")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case: u64 = r.location.trim_start_matches("/ui/cases/").parse().unwrap();
    let w = Walk { server: &s, case };
    to_transition_request(&w).await;
    // Art. 14(3), 29(5): waiting at 1.1.1.43 without the instructions, the page says so.
    let page = s.ui(Glpi).get("/ui/solutions/OPSI").await;
    assert!(page.body.contains("id=\"blocks-14-3\"") && page.body.contains("id=\"blocks-29-5\""));
    let board = s.ui(Glpi).get("/ui/solutions").await;
    let col = board.body.split("id=\"col-transition\"").nth(1).unwrap();
    assert!(
        col.split("</section>")
            .next()
            .unwrap()
            .contains("data-solution=\"OPSI\"")
    );
    w.go(
        Ana,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    )
    .await;
    // Art. 7: at the micro plan without the custodian's approval, the page says so.
    let page = s.ui(Glpi).get("/ui/solutions/OPSI").await;
    assert!(page.body.contains("id=\"blocks-7\""), "the missing approval is said");
    assert!(!page.body.contains("id=\"blocks-14-3\""));
    w.consent(Glpi, "system_support").await;
    w.consent(Un, "support_head").await;
    w.consent(Ana, "custodian").await;
    // Art. 22(3): until the version's change request is approved, the page says it stops it,
    // and the version's row links its change request and says how it stands.
    let page = s.ui(Glpi).get("/ui/solutions/OPSI").await;
    assert!(
        page.body.contains("id=\"blocks-22-3\""),
        "the change not approved is said"
    );
    let change = s
        .state
        .world()
        .version_change_of(adam_core::CaseId(case as u32))
        .unwrap();
    assert!(
        page.body.contains(&format!("href=\"/ui/cases/{}\"", change.0)),
        "{}",
        page.body
    );
    assert!(page.body.contains("še ni odobren"), "{}", page.body);
    w.approve_change(Ana, Glpi).await;
    let page = s.ui(Glpi).get("/ui/solutions/OPSI?lang=en").await;
    assert!(page.body.contains("Change request (Art. 22)") && page.body.contains(">approved<"));
    assert!(
        !s.ui(Glpi)
            .get("/ui/solutions/OPSI")
            .await
            .body
            .contains("id=\"blocks-7\"")
    );
    let plan = json!({"rollback_plan": "Vrnitev prejšnjega stanja.", "transition_date": "15. 4. 2026"});
    w.go(Glpi, "1.1.1.45", "done", plan, &["micro_plan", "security_assessment"])
        .await;
    // Drain what the steps sent so far, then the transition.
    while s.mail.as_ref().unwrap().any_within(300).await.is_some() {}
    w.go(Glpi, "1.1.1.46", "success", json!({}), &["ovsp_completed"]).await;
    let sink = s.mail.as_ref().unwrap();
    let mut notices = Vec::new();
    while let Some(m) = sink.any_within(5000).await {
        if m.text.contains("is in production") {
            notices.push(m);
        }
        if notices.len() == 2 {
            break;
        }
    }
    let glpi_mail = s.state.world().user(s.fx.glpi_admin).unwrap().email.to_string();
    let mut to: Vec<String> = notices.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let mut want = vec!["ana@test.si".to_owned(), glpi_mail];
    want.sort();
    assert_eq!(
        to, want,
        "customer and developer (Ana), system support and registry custodian"
    );
    let ana = notices.iter().find(|m| m.to == vec!["ana@test.si".to_owned()]).unwrap();
    for said in [
        "naročnik",
        "razvojna skupina",
        "customer",
        "development team",
        "/ui/solutions/OPSI",
        "1.0",
    ] {
        assert!(ana.text.contains(said), "{said}: {}", ana.text);
    }
    // Recorded on the solution, one record per person, and shown on its timeline.
    let mut records = Vec::new();
    for _ in 0..50 {
        let store = s.state.store.clone();
        records = tokio::task::spawn_blocking(move || {
            store
                .audit_search(&adam_store::AuditQuery {
                    action: Some("hosting.notice_sent".to_owned()),
                    limit: 10,
                    ..adam_store::AuditQuery::default()
                })
                .unwrap()
        })
        .await
        .unwrap();
        if records.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.outcome == "sent"));
    assert!(records.iter().all(|r| r.object.label == "OPSI"));
    let page = s.ui(Glpi).get("/ui/solutions/OPSI?lang=en").await;
    let notes = page.body.split("class=\"notices\"").nth(1).unwrap();
    assert!(
        notes.contains("ana (Customer, Development team (contractor))"),
        "{notes}"
    );
    assert!(page.body.contains("sent the notice of the transition into production"));
    // The deployment engineer closes 1.1.1.47; OPSI is in production.
    w.go(Glpi, "1.1.1.47", "done", json!({"notified_at": "15. 4. 2026"}), &[])
        .await;
    let board = s.ui(Glpi).get("/ui/solutions").await;
    let live = board.body.split("id=\"col-live\"").nth(1).unwrap();
    assert!(
        live.split("</section>")
            .next()
            .unwrap()
            .contains("data-solution=\"OPSI\"")
    );
}
on_both_backends!(the_notices_of_1_1_1_47_reach_the_people_and_are_recorded);

/// The people fields of a solution's form ask the people picker as one types (htmx): each its
/// own list, filled from the server with the people whose name or username holds what was
/// typed; choosing one puts the username in the field. Read like the registry: a service
/// account gets nothing.
async fn the_people_fields_of_the_form_use_the_people_picker(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let keeper = Who::UserAdminHere;
    let form = s.ui(keeper).get("/ui/solutions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    for role in ["customer", "siv", "registry_custodian"] {
        let input = form
            .body
            .split(&format!("id=\"f_p_{role}\""))
            .nth(1)
            .and_then(|r| r.split('>').next())
            .unwrap_or_default();
        assert!(
            input.contains(&format!("hx-get=\"/ui/inventory/people/p_{role}\""))
                && input.contains(&format!("list=\"dl-p_{role}\""))
                && input.contains(&format!("hx-target=\"#dl-p_{role}\"")),
            "{input}"
        );
        assert!(form.body.contains(&format!("<datalist id=\"dl-p_{role}\"></datalist>")));
    }
    assert!(
        !form.body.contains("id=\"dl-people\""),
        "no whole directory in the page"
    );
    assert!(form.body.contains("začnite tipkati ime ali uporabniško ime"));
    let en = s.ui(keeper).get("/ui/solutions/new?lang=en").await;
    assert!(en.body.contains("start typing a name or username"));
    // The list for what was typed: Ana found by her username, a service account never.
    let ana = s.state.world().user(s.fx.ana).unwrap().clone();
    let list = s
        .ui(keeper)
        .get_htmx("/ui/inventory/people/p_customer?p_customer=AN")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.starts_with("<datalist id=\"dl-p_customer\">"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains(&format!(
            "<option value=\"{}\">{}</option>",
            ana.username,
            ana.display_name()
        )),
        "{}",
        list.body
    );
    let svc = s.state.world().user(s.fx.svc).unwrap().username.to_string();
    let typed = &svc[..3];
    let list = s
        .ui(keeper)
        .get(&format!("/ui/inventory/people/p_siv?p_siv={typed}"))
        .await;
    assert!(!list.body.contains(&format!("value=\"{svc}\"")), "{}", list.body);
    // Nothing typed: an empty list; a field the picker does not serve: the custodian's.
    let list = s.ui(keeper).get("/ui/inventory/people/p_soc?p_soc=").await;
    assert_eq!(list.body.trim(), "<datalist id=\"dl-p_soc\"></datalist>");
    let list = s
        .ui(keeper)
        .get("/ui/inventory/people/p_nobody%22%3E?custodian=an")
        .await;
    assert!(list.body.starts_with("<datalist id=\"dl-custodian\">"), "{}", list.body);
    assert_eq!(
        s.ui(Who::Service)
            .get("/ui/inventory/people/p_customer?p_customer=an")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The username a choice puts in the field registers the person in the role.
    let system = crate::hosting_api::ensure_solution(&s, s.fx.ana).await;
    let system = s.state.world().solutions()[system as usize]
        .fields
        .system
        .unwrap()
        .0
        .to_string();
    let r = s.ui(keeper).post("/ui/solutions", &pairs(&e2(&system))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let w = s.state.world();
    let e2 = w
        .solutions()
        .iter()
        .find(|x| x.fields.codename.as_str() == "E2")
        .unwrap();
    assert_eq!(e2.fields.people.customer, Some(s.fx.ana));
}

on_both_backends!(the_people_fields_of_the_form_use_the_people_picker);
