//! The responsibility matrices' pages (issue #17) over HTTP, on both backends: the override
//! form — the accountable customer overrides a cell with a reason and the cell is marked;
//! a missing reason or bad letters come back at their fields with everything typed kept; the
//! provider, not accountable there, is told so above the form; a session's form without its
//! CSRF token is refused — the party picker binds the provider to a job found by its code;
//! the monthly report page, and a month that is not one said at the field, kept as typed; the
//! new-matrix form — a codename the registry lacks said at the solution's field, kept as typed,
//! in both languages; a registered one gets its matrix.

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
