//! The responsibility matrices' pages (issue #17) over HTTP, on both backends: the override
//! form — the accountable customer overrides a cell with a reason and the cell is marked;
//! a missing reason or bad letters come back at their fields with everything typed kept; the
//! provider, not accountable there, is told so above the form; a session's form without its
//! CSRF token is refused — the party picker binds the provider to a job found by its code;
//! the monthly report page, and a month that is not one said at the field, kept as typed; the
//! new-matrix form — a codename the registry lacks said at the solution's field, kept as typed,
//! in both languages; a registered one gets its matrix — the matrix as of an earlier instant
//! (`?at=`) and its history panel.

use crate::on_both_backends;
use crate::support::*;

const OVERRIDE: &str = "/ui/raci/OPSI/override";

async fn the_override_form_and_the_party_picker(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::raci_api::ensure(&s).await;

    // Ana (the customer) sees the form; a person bound to no party and keeping nothing does not.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci?solution=OPSI").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"raci-override-form\""), "{html}");
    assert!(!html.contains("id=\"raci-bind-form\""), "only keepers bind");
    let Answer { body: html, .. } = s.ui(Who::UserAdminOther).get("/ui/raci?solution=OPSI").await;
    assert!(!html.contains("id=\"raci-override-form\""));

    // No reason, bad letters: at their fields, everything typed kept, nothing changed.
    let rev = s.revision().await;
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .post(
            OVERRIDE,
            &[
                ("task", "10"),
                ("layer", "applications"),
                ("party", "customer"),
                ("letters", "AXR"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"letters-error\""), "{html}");
    assert!(html.contains("id=\"reason-error\""), "{html}");
    assert!(html.contains("value=\"AXR\""), "the letters are kept");
    assert!(html.contains("<option value=\"10\" selected>"), "the task is kept");
    assert!(
        html.contains("<option value=\"applications\" selected>"),
        "the layer is kept"
    );
    assert_eq!(s.revision().await, rev);

    // The provider is not accountable for Backup / Applications: said above the form (403).
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            OVERRIDE,
            &[
                ("task", "10"),
                ("layer", "applications"),
                ("party", "customer"),
                ("letters", "AR"),
                ("reason", "Hočemo."),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(html.contains("id=\"override-error\""), "{html}");
    assert!(html.contains("value=\"Hočemo.\""), "the reason is kept");
    // Two A's at a task and layer: the rule's words above the form, in English when asked.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("{OVERRIDE}?lang=en"),
            &[
                ("task", "11"),
                ("layer", "middleware"),
                ("party", "customer"),
                ("letters", "AI"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("exactly one A"), "{html}");
    assert_eq!(s.revision().await, rev);

    // A session's form without its CSRF token is refused.
    s.set_password(s.fx.ana, STRONG).await;
    let login = s.login("ana", STRONG).await.expect(200);
    let browser = Browser::from(&login);
    let r = s
        .ui_session(&browser)
        .without_csrf()
        .post(
            OVERRIDE,
            &[
                ("task", "10"),
                ("layer", "applications"),
                ("party", "customer"),
                ("letters", "AR"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(s.revision().await, rev);

    // Ana overrides with a reason: back to the page, the cell marked, the override listed.
    let Answer { status, location, .. } = s
        .ui(Who::Plain)
        .post(
            OVERRIDE,
            &[
                ("task", "10"),
                ("layer", "applications"),
                ("party", "customer"),
                ("letters", "ar"),
                ("reason", "Aplikacijo kopiramo sami."),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/ui/raci?solution=OPSI"), "{location}");
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/raci?solution=OPSI").await;
    let row = html
        .split("<tr data-task=\"10\">")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    assert!(row.contains("class=\"cell overridden\">AR"), "{row}");
    assert!(html.contains("Aplikacijo kopiramo sami."));
    // The template's one warning is settled.
    assert!(!html.contains("raci-warning"), "{html}");

    // The picker: the security lead finds GLPI's clerk's job and binds the provider to it.
    s.make_security_lead(s.fx.bojan).await;
    let Answer { status, .. } = s.ui(Who::Plain).get("/ui/raci/OPSI/bind?party=provider&q=GLPI").await;
    assert_eq!(status, 403);
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .get("/ui/raci/OPSI/bind?party=provider&q=JOB.GLPI.01")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("JOB.GLPI.01"), "{html}");
    assert!(html.contains("name=\"kind\" value=\"job\""), "{html}");
    let id = s.fx.job_glpi.0.to_string();
    let Answer { status, location, .. } = s
        .ui(Who::SysAdmin)
        .post(
            "/ui/raci/OPSI/bind",
            &[
                ("party", "provider"),
                ("kind", "job"),
                ("id", id.as_str()),
                ("q", "JOB.GLPI.01"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{location}");
    let who = s
        .get(
            Who::SysAdmin,
            "/api/v1/raci/matrices/OPSI/who?task=Restore&layer=middleware",
        )
        .await
        .expect(200)
        .json;
    assert_eq!(who["accountable"]["job"]["code"], "JOB.GLPI.01");
    assert_eq!(who["accountable"]["people"][0]["username"], "gregor");
    // A job that does not exist: said on the picker, the question kept.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            "/ui/raci/OPSI/bind",
            &[
                ("party", "provider"),
                ("kind", "job"),
                ("id", "99999"),
                ("q", "JOB.GLPI"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"bind-error\""), "{html}");
    assert!(html.contains("value=\"JOB.GLPI\""), "{html}");
}

on_both_backends!(the_override_form_and_the_party_picker);

async fn the_monthly_report_page(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::hosting_api::ensure_solution(&s, s.fx.ana).await;
    crate::raci_api::ensure(&s).await;
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci?solution=OPSI").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/ui/raci/OPSI/report\""));
    // A solution the registry links to no system: the page says there is none to measure.
    crate::raci_api::ensure_registered(&s, "E2").await;
    s.post(
        Who::SysAdmin,
        "/api/v1/raci/matrices",
        &serde_json::json!({"solution": "E2", "template": {"code": "dk-sit-2a", "version": 1}}),
    )
    .await
    .expect(201);
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci/E2/report?month=2026-02&lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Monthly report"), "{html}");
    assert!(html.contains("links the solution to no system"), "{html}");
    assert!(html.contains("format=csv"), "{html}");
    // With its system: the availability of the month.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci/OPSI/report?month=2026-02").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"raci-availability\">100.000 %"), "{html}");
    assert!(html.contains("Mesečno poročilo"), "{html}");
    // A month that is not one: at the field, kept as typed, in both languages.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci/OPSI/report?month=2026-13").await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"month-error\""), "{html}");
    assert!(html.contains("LLLL-MM"), "{html}");
    assert!(html.contains("value=\"2026-13\""), "{html}");
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/raci/OPSI/report?month=nov&lang=en").await;
    assert_eq!(status, 422);
    assert!(html.contains("YYYY-MM"), "{html}");
    // Outsiders read no report.
    let Answer { status, .. } = s.ui(Who::Service).get("/ui/raci/OPSI/report?month=2026-02").await;
    assert_eq!(status, 403);
}

on_both_backends!(the_monthly_report_page);

async fn the_new_matrix_form(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::raci_api::ensure_registered(&s, "E2").await;
    // A keeper sees the form, with the registered solution offered; a plain user does not.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/raci").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"raci-new-form\""), "{html}");
    assert!(html.contains("<option value=\"E2\">"), "{html}");
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/raci").await;
    assert!(!html.contains("id=\"raci-new-form\""));

    // NOVA is not in the registry: said at the solution's field, typed input kept, nothing written.
    let rev = s.revision().await;
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post("/ui/raci/new", &[("solution", "nova"), ("template", "dk-sit-2a:1")])
        .await;
    assert_eq!(status, 404);
    assert!(html.contains("id=\"new-solution-error\""), "{html}");
    assert!(
        html.contains("register informacijskih rešitev nima rešitve NOVA"),
        "Slovenian by default: {html}"
    );
    assert!(html.contains("value=\"nova\""), "the codename is kept");
    assert!(
        html.contains("<option value=\"dk-sit-2a:1\" selected>"),
        "the template is kept"
    );
    let Answer { body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            "/ui/raci/new?lang=en",
            &[("solution", "nova"), ("template", "dk-sit-2a:1")],
        )
        .await;
    assert!(
        html.contains("the registry of information solutions has no solution NOVA"),
        "{html}"
    );
    // No codename, no template: both at their fields.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post("/ui/raci/new", &[("solution", ""), ("template", "")])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"new-solution-error\""), "{html}");
    assert!(html.contains("id=\"new-template-error\""), "{html}");
    assert_eq!(s.revision().await, rev);

    // A plain user is refused above the form; the registered E2 gets its matrix.
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .post("/ui/raci/new", &[("solution", "E2"), ("template", "dk-sit-2a:1")])
        .await;
    assert_eq!(status, 403);
    assert!(html.contains("id=\"new-error\""), "{html}");
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post("/ui/raci/new", &[("solution", "E2"), ("template", "dk-sit-2a:1")])
        .await;
    assert_eq!(status, 303);
    assert!(
        s.state
            .world()
            .raci_matrices()
            .iter()
            .any(|m| m.solution.as_str() == "E2")
    );
}
on_both_backends!(the_new_matrix_form);

/// The cells of task 10's row on a matrix page.
fn row_10(html: &str) -> String {
    html.split("<tr data-task=\"10\">")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_default()
        .to_owned()
}

/// The matrix page as of an instant and its history: between two overrides of one cell the
/// page shows the earlier one, with a banner and a way back to now and nothing to change; the
/// history lists both overrides with who made them; an instant that is not one is said at the
/// field (422), kept as typed, in both languages; who may not read the matrix gets what they
/// got before.
async fn the_matrix_as_of_and_its_history(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::raci_api::ensure(&s).await;
    let cell = |letters: &'static str, reason: &'static str| {
        [
            ("task", "10"),
            ("layer", "applications"),
            ("party", "customer"),
            ("letters", letters),
            ("reason", reason),
        ]
    };
    s.advance(60);
    let r = s.ui(Who::Plain).post(OVERRIDE, &cell("AR", "Kopiramo sami.")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    s.advance(3600);
    let between = s.state.now();
    s.advance(3600);
    let r = s.ui(Who::SysAdmin).post(OVERRIDE, &cell("ARI", "Obveščeni smo.")).await;
    assert_eq!(r.status, 303, "{}", r.body);

    let Answer { body: now, .. } = s.ui(Who::Plain).get("/ui/raci?solution=OPSI").await;
    assert!(row_10(&now).contains("overridden\">ARI"), "{}", row_10(&now));
    assert!(!now.contains("id=\"as-of-banner\""));
    // The history: both overrides, each with who made it, newest first.
    let history = now.split("id=\"history\"").nth(1).unwrap_or_default();
    assert_eq!(history.matches("title=\"raci.override\"").count(), 2, "{history}");
    let (ana, admin) = {
        let w = s.state.world();
        (
            w.user(s.fx.ana).unwrap().username.to_string(),
            w.user(s.fx.admin).unwrap().username.to_string(),
        )
    };
    let (newer, older) = (history.find(&format!(">{admin}<")), history.find(&format!(">{ana}<")));
    assert!(newer.is_some() && older.is_some() && newer < older, "{history}");
    assert!(now.contains("id=\"last-change\""));

    // As of between the two: the earlier cell, the banner and the way back, no forms.
    let at = between.to_string();
    let asked = format!("/ui/raci?solution=OPSI&task=10&layer=applications&at={at}");
    let Answer { status, body: then, .. } = s.ui(Who::Plain).get(&asked).await;
    assert_eq!(status, 200, "{then}");
    let row = row_10(&then);
    assert!(row.contains("overridden\">AR<"), "{row}");
    assert!(!row.contains("ARI"), "{row}");
    assert!(then.contains("id=\"as-of-banner\""), "{then}");
    assert!(then.contains("href=\"/ui/raci?solution=OPSI\" id=\"as-of-now\""));
    assert!(
        !then.contains("id=\"raci-override-form\""),
        "nothing to change as of then"
    );
    assert!(!then.contains("id=\"raci-new-form\""));
    assert!(then.contains("Kopiramo sami.") && !then.contains("Obveščeni smo."));
    assert!(then.contains("id=\"raci-accountable-party\""), "{then}");
    // Its history then: only the first override.
    let history = then.split("id=\"history\"").nth(1).unwrap_or_default();
    assert_eq!(history.matches("title=\"raci.override\"").count(), 1, "{history}");

    // Not an instant: at the field, kept as typed, the matrix now; in both languages.
    for (lang, words) in [("sl", "Vnesite datum in uro"), ("en", "Enter a date and time")] {
        let Answer { status, body, .. } = s
            .ui(Who::Plain)
            .get(&format!("/ui/raci?solution=OPSI&at=yesterday-ish&lang={lang}"))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("id=\"as-of-error\""), "{body}");
        assert!(body.contains(words), "{body}");
        assert!(body.contains("value=\"yesterday-ish\""), "{body}");
        assert!(row_10(&body).contains("overridden\">ARI"));
    }

    // Who may not read the matrix gets, as of then, just what they get now.
    let now = s.ui(Who::Service).get("/ui/raci?solution=OPSI").await;
    let then = s.ui(Who::Service).get(&format!("/ui/raci?solution=OPSI&at={at}")).await;
    assert_eq!(now.status, then.status);
    assert_ne!(then.status, 200);
    assert!(!then.body.contains("Kopiramo sami.") && !then.body.contains("raci-table"));
}

on_both_backends!(the_matrix_as_of_and_its_history);
