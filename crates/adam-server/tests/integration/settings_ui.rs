//! The organisation's settings page (`/ui/settings`): everyone who may read sees the settings;
//! the system administrator changes them in a form that keeps what was typed on a refusal,
//! puts the message at the field, refuses a stale page, and — while ADAM governs its own
//! changes (Art. 22) — asks for the approved change request at its own field.

use crate::support::*;
use adam_server::service::settings::seal;
use reqwest::StatusCode;

/// The form as the page fills it from the current settings, with `changes` applied.
fn form(s: &TestServer, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let w = s.state.world();
    let set = w.settings();
    let role = |r: Option<adam_core::RoleId>| r.map(|r| r.0.to_string()).unwrap_or_default();
    let mut f = vec![
        ("seal", seal(set)),
        ("organisation", set.organisation.to_string()),
        ("dist_main_role", role(set.dist_main_role)),
        ("reopen_role", role(set.reopen_role)),
        ("clearance_1", role(set.clearance_roles[0])),
        ("clearance_2", role(set.clearance_roles[1])),
        ("clearance_3", role(set.clearance_roles[2])),
        ("view_0", set.default_view[0].to_string()),
        ("view_1", set.default_view[1].to_string()),
        ("view_2", set.default_view[2].to_string()),
        ("view_3", set.default_view[3].to_string()),
    ];
    if set.governed_changes {
        f.push(("governed", "1".to_owned()));
    }
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, (*v).to_owned()));
    }
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_page_saves_keeps_what_was_typed_and_asks_for_the_change_request() {
    let s = TestServer::start(Backend::Sqlite).await;

    // A plain user reads the settings; there is no form for them, and a forged POST is refused.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"settings-view\"") && !html.contains("settings-form"),
        "{html}"
    );
    let before = s.state.revision();
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post_owned("/ui/settings", &form(&s, &[("organisation", "Vzeto")]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A user administrator is not the system administrator either.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned("/ui/settings", &form(&s, &[("organisation", "Vzeto")]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(s.state.revision(), before);

    // The system administrator has the form, in both languages.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/settings").await;
    assert!(
        html.contains("id=\"settings-form\"") && html.contains("Nastavitve organizacije"),
        "{html}"
    );
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/settings?lang=en").await;
    assert!(
        html.contains("Organisation settings") && html.contains("governs its own changes"),
        "{html}"
    );

    // Bad input: the message at the field, what was typed kept, nothing saved.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/settings",
            &form(&s, &[("organisation", "Občina Tipkano"), ("view_2", "21")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Izberite raven vpogleda od 11 do 14."), "{html}");
    assert!(html.contains("value=\"Občina Tipkano\""), "kept: {html}");
    assert_eq!(s.state.revision(), before);

    // A good save: the new name and default view, in the last change.
    let stale = form(&s, &[("organisation", "Prepozno")]);
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/settings",
            &form(&s, &[("organisation", "Občina Preizkus"), ("view_1", "12")]),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    {
        let w = s.state.world();
        assert_eq!(w.settings().organisation.as_str(), "Občina Preizkus");
        assert_eq!(w.settings().default_view[1], adam_core::Level::View12);
    }
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/settings").await;
    assert!(
        html.contains("settings.set") || html.contains("Občina Preizkus"),
        "{html}"
    );

    // A page opened before that save is stale: refused, the message on the form.
    let at = s.state.revision();
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post_owned("/ui/settings", &stale).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("nekdo drug"), "{html}");
    assert_eq!(s.state.revision(), at);

    // ADAM governs its own changes: switched on without a request (it was off) …
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/settings", &form(&s, &[("governed", "1")]))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(s.state.world().settings().governed_changes);
    // … and now a change names an approved change request, asked at its own field.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/settings").await;
    assert!(html.contains("id=\"change\""), "{html}");
    let at = s.state.revision();
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/settings", &form(&s, &[("organisation", "Brez zahteve")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let field = html.split("id=\"change\"").nth(1).unwrap_or_default();
    assert!(field.contains("field-error"), "the message at the change field: {html}");
    assert!(html.contains("value=\"Brez zahteve\""), "kept: {html}");
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/settings",
            &form(&s, &[("organisation", "Brez zahteve"), ("change", "nič")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"nič\""), "kept: {html}");
    assert_eq!(s.state.revision(), at);
}
