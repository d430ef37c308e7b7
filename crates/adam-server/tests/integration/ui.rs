//! The administration UI over HTTP: the same authorisation as the API (controls a person may
//! not use are absent, and a forged POST is refused anyway), messages at the field, nothing
//! written on bad input, Slovenian by default and English on a switch.
//!
//! The file stays whole: each test is one administrator's task through the pages, with the
//! shared [`Ui`](crate::support::Ui) client; no group of them has helpers of its own to split
//! along.
//!
//! Why one file past ~800 lines: the pages' shared rules (the same authorisation as the API,
//! messages at the field, nothing written on bad input, both languages) are tested page by page
//! against one fixture; the registers' pages have files of their own.

use crate::support::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_browses_and_only_administrators_edit() {
    let s = TestServer::start(Backend::Sqlite).await;
    // Anyone signed in browses the tree; the tree expands lazily.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Company.main") && html.contains("Uporabniki"), "{html}");
    let Answer { status, body: part, .. } = s
        .ui(Who::Plain)
        .get_htmx(&format!("/ui/tree/offices/{}", s.fx.glpi.0))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        part.contains("JOB.GLPI.01") && !part.contains("<html"),
        "a partial: {part}"
    );
    let Answer { status, headers, .. } = s.ui(Who::Plain).get(&format!("/ui/tree/offices/{}", s.fx.glpi.0)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], format!("/ui/offices/{}", s.fx.glpi.0));
    // Search by name, username or signing code.
    let Answer { body: found, .. } = s.ui(Who::Plain).get("/ui?q=gregor").await;
    assert!(found.contains(&format!("/ui/users/{}", s.fx.gregor.0)), "{found}");
    // Nobody anonymous.
    let Answer { status, headers, .. } = s.ui(Who::Anonymous).get("/ui").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/ui/login?next=%2Fui");

    // A plain user sees the job but no edit controls, and a forged POST changes nothing.
    let job = s.fx.job_glpi.0;
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/jobs/{job}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Osnovni podatki") && html.contains("Dodatne omejitve dovoljenj"));
    assert!(!html.contains("grant-form"), "no grant form for a plain user");
    let before = s.state.revision();
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .post_owned(
            &format!("/ui/jobs/{job}/grants"),
            &[("role", s.fx.referent.0.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert_eq!(s.state.revision(), before);

    // The user administrator of the office grants a role for a window, sees its status, and
    // revokes it; the last-change panel follows.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&format!("/ui/jobs/{job}")).await;
    assert!(html.contains("grant-form"), "the user administrator may grant");
    let Answer { status, headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("/ui/jobs/{job}/grants"),
            &[
                ("role", s.fx.referent.0.to_string()),
                ("valid_from", "2026-04-01".to_owned()),
                ("valid_to", "2026-06-30".to_owned()),
                ("reference", "ZAH-2026-17".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .starts_with(&format!("/ui/jobs/{job}"))
    );
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&format!("/ui/jobs/{job}?lang=en")).await;
    assert!(html.contains("status-WAITING"), "the grant waits for April: {html}");
    // Shown as typed: valid to (the whole of) 30 June, not the instant it ends (issue 14).
    assert!(
        html.contains("2026-04-01") && html.contains("2026-06-30") && !html.contains("2026-07-01"),
        "valid to the end of 30 June"
    );
    let grant = s
        .state
        .world()
        .grants_of_job(s.fx.job_glpi)
        .iter()
        .copied()
        .find(|g| s.state.world().grant(*g).unwrap().role == s.fx.referent)
        .unwrap();
    let Answer { status, headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("/ui/grants/{}/revoke", grant.0),
            &[("back", format!("/ui/jobs/{job}")), ("confirm", "1".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], format!("/ui/jobs/{job}#restrictions"));
    assert!(s.state.world().grant(grant).is_err(), "revoked");
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/users/{}", s.fx.gregor.0)).await;
    assert!(html.contains("Zadnja sprememba") && html.contains("Zgodovina aktivnosti"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_message_at_the_field_and_saves_nothing() {
    let s = TestServer::start(Backend::Sqlite).await;
    let job = s.fx.job_glpi.0;
    let before = s.state.revision();
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("/ui/jobs/{job}/grants"),
            &[
                ("role", s.fx.referent.0.to_string()),
                ("valid_from", "2026-06-01".to_owned()),
                ("valid_to", "2026-05-01".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("/ui/jobs/{job}/grants"),
            &[
                ("role", s.fx.referent.0.to_string()),
                ("valid_from", "1. 13. 2026".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            "/ui/offices",
            &[
                ("parent", s.fx.glpi.0.to_string()),
                ("code", "BAD CODE".to_owned()),
                ("name", "x".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    assert_eq!(s.state.revision(), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slovenian_by_default_english_on_a_switch() {
    let s = TestServer::start(Backend::Sqlite).await;
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/roles").await;
    assert!(html.contains("lang=\"sl\"") && html.contains("Vloge"));
    let Answer {
        body: html, headers, ..
    } = s.ui(Who::Plain).get("/ui/roles?lang=en").await;
    assert!(html.contains("lang=\"en\"") && html.contains("Roles"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["set-cookie"].to_str().unwrap().starts_with("adam_lang=en"));
    // System roles are the system administrator's to see.
    assert!(!html.contains("adam.user_admin"));
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/roles").await;
    assert!(html.contains("adam.user_admin"));
    // Assets are embedded.
    let Answer { status, body: js, .. } = s.ui(Who::Anonymous).get("/ui/assets/htmx.min.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(js.len() > 40_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_that_names_no_page_gets_the_not_found_page_in_the_persons_language() {
    let s = TestServer::start(Backend::Sqlite).await;
    for path in [
        "/ui/jobs/abc",
        "/ui/offices/-1",
        "/ui/processes/%FF%FE",
        "/ui/solutions/%C3%28",
    ] {
        let Answer {
            status,
            body: html,
            headers,
            ..
        } = s.ui(Who::SysAdmin).get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {html}");
        assert!(
            headers["content-type"].to_str().unwrap().starts_with("text/html"),
            "{path}: a page, not the framework's plain text"
        );
        assert!(
            html.contains("lang=\"sl\"") && html.contains("nobena stran nima tega naslova"),
            "{path}: {html}"
        );
    }
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/jobs/abc?lang=en").await;
    assert!(html.contains("no page has this address"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_shows_its_entries_and_why_someone_may_see_it() {
    let s = TestServer::start(Backend::Sqlite).await;
    let f1 = s.fx.f1.0;
    // Ana, responsible for the folder, sees its entries and why she has her level.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/folders/{f1}?who=ana&lang=en")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Access control entries") && html.contains("allowed"),
        "{html}"
    );
    assert!(html.contains("Level 22: granted"), "the explanation: {html}");
    // Asking about someone else is for administrators.
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/folders/{f1}?who=gregor")).await;
    assert!(html.contains("field-error"), "{html}");
    // The system administrator's account never sees a folder.
    let Answer { status, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/folders/{f1}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_administrator_edits_a_person_and_a_stale_form_is_refused() {
    let s = TestServer::start(Backend::Sqlite).await;
    let g = s.fx.gregor;
    let rev = s.state.world().user(g).unwrap().rev.0;
    let form = |rev: u64, email: &str, phone: &str| {
        vec![
            ("rev", rev.to_string()),
            ("first_name", "Gregor".to_owned()),
            ("last_name", "Novak".to_owned()),
            ("email", email.to_owned()),
            ("phone", phone.to_owned()),
        ]
    };
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/users/{}", g.0)).await;
    assert!(!html.contains("user-form"), "a plain user gets no form");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("/ui/users/{}", g.0), &form(rev, "not-an-address", ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("/ui/users/{}", g.0),
            &form(rev, "gregor@koper.si", "05 611 7000"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        s.state.world().user(g).unwrap().phone.as_ref().unwrap().as_str(),
        "05 611 7000"
    );
    // A second administrator who opened the page before that save is refused.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("/ui/users/{}", g.0), &form(rev, "other@koper.si", ""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("osebo je medtem spremenil nekdo drug"), "{html}");
    assert_eq!(s.state.world().user(g).unwrap().email.as_str(), "gregor@koper.si");
    // A forged save by a plain user changes nothing.
    let rev = s.state.world().user(g).unwrap().rev.0;
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post_owned(&format!("/ui/users/{}", g.0), &form(rev, "forged@koper.si", ""))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(s.state.world().user(g).unwrap().email.as_str(), "gregor@koper.si");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_checkboxes_grant_and_revoke_in_one_change() {
    let s = TestServer::start(Backend::Sqlite).await;
    let job = s.fx.job_glpi_free;
    let path = format!("/ui/jobs/{}/roles", job.0);
    let referent = s.fx.referent.0.to_string();
    let grants_of = |role: adam_core::RoleId| {
        let w = s.state.world();
        w.grants_of_job(job)
            .iter()
            .filter_map(|g| w.grant(*g).ok())
            .filter(|g| g.role == role)
            .map(|g| g.window)
            .collect::<Vec<_>>()
    };
    // The boxes are live for the user administrator, and read-only for a plain user.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&format!("/ui/jobs/{}", job.0)).await;
    assert!(html.contains("id=\"roles-form\"") && html.contains(&format!("name=\"role\" value=\"{referent}\"")));
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/jobs/{}", job.0)).await;
    assert!(!html.contains("roles-form") && html.contains("disabled"));

    // Two boxes at once, one of which (a system role, not shown to them) the administrator
    // may not give: refused, and nothing changes.
    let before = s.state.revision();
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &path,
            &[("role", referent.clone()), ("role", s.fx.user_admin.0.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert_eq!(s.state.revision(), before, "all or nothing");
    assert!(grants_of(s.fx.referent).is_empty());

    // Ticking one: granted without a time limit.
    let Answer { status, headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&path, &[("role", referent.clone())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], format!("/ui/jobs/{}#permissions", job.0));
    assert_eq!(grants_of(s.fx.referent), vec![adam_core::Window::ALWAYS]);
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&format!("/ui/jobs/{}", job.0)).await;
    assert!(
        html.contains(&format!("name=\"shown\" value=\"{referent}\"")),
        "shown as held"
    );

    // Submitting the same state again changes nothing.
    let before = s.state.revision();
    s.ui(Who::UserAdminHere)
        .post_owned(&path, &[("role", referent.clone()), ("shown", referent.clone())])
        .await;
    assert_eq!(s.state.revision(), before);

    // Unticking it revokes it; a plain user's forged post is refused.
    let Answer { status, .. } = s.ui(Who::Plain).post_owned(&path, &[("shown", referent.clone())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(grants_of(s.fx.referent).len(), 1);
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&path, &[("shown", referent.clone())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let w = s.state.world();
    assert!(
        w.grants_of_job(job)
            .iter()
            .filter_map(|g| w.grant(*g).ok())
            .all(|g| g.role != s.fx.referent),
        "revoked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_administrator_edits_an_office() {
    let s = TestServer::start(Backend::Sqlite).await;
    let office = s.fx.glpi;
    let path = format!("/ui/offices/{}", office.0);
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert!(html.contains("id=\"office-form\""));
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&path).await;
    assert!(!html.contains("office-form"), "no edit form for a plain user");
    let rev = s.state.world().office(office).unwrap().rev.0.to_string();

    // Bad input: a message at the field, nothing saved.
    let before = s.state.revision();
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &path,
            &[
                ("rev", rev.clone()),
                ("name", "  ".to_owned()),
                ("signing_code", String::new()),
                ("parent", String::new()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    assert_eq!(s.state.revision(), before);

    // A good one is saved and shows in the last change.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &path,
            &[
                ("rev", rev.clone()),
                ("name", "Glavna pisarna".to_owned()),
                ("signing_code", "1000".to_owned()),
                ("parent", String::new()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert!(html.contains("Glavna pisarna") && html.contains("1000"));
    assert!(html.contains("office.update"), "in the history: {html}");

    // The page the first save was made from is stale now.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &path,
            &[
                ("rev", rev),
                ("name", "Stale".to_owned()),
                ("signing_code", String::new()),
                ("parent", String::new()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("urad je medtem spremenil nekdo drug"), "{html}");
    assert_eq!(s.state.world().office(office).unwrap().name.as_str(), "Glavna pisarna");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_own_roles_are_boxes_too() {
    let s = TestServer::start(Backend::Sqlite).await;
    let user = s.fx.gregor;
    let path = format!("/ui/users/{}", user.0);
    let direct = |role: adam_core::RoleId| {
        let w = s.state.world();
        w.grants_of_user(user)
            .iter()
            .filter_map(|g| w.grant(*g).ok())
            .any(|g| g.role == role)
    };
    // A role Gregor does not hold directly yet.
    let role = [s.fx.writer, s.fx.referent, s.fx.glpi_role]
        .into_iter()
        .find(|r| !direct(*r))
        .unwrap();
    let referent = role.0.to_string();
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert!(
        html.contains(&format!("action=\"/ui/users/{}/roles\"", user.0)),
        "{html}"
    );
    assert!(html.contains("id=\"effective-roles\""));
    let Answer {
        status,
        body: html,
        headers,
        ..
    } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{path}/roles"), &[("role", referent.clone())])
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        html.split("roles-error").nth(1).unwrap_or("")
    );
    assert_eq!(headers["location"], format!("{path}#permissions"));
    assert!(direct(role));
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert!(html.contains(&format!("name=\"shown\" value=\"{referent}\"")));
    assert!(html.contains("status-ACTIVE"), "the grant is listed with its status");
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{path}/roles"), &[("shown", referent)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!direct(role));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewers_search_the_trail_at_the_depth_of_their_role() {
    let s = TestServer::start(Backend::Sqlite).await;
    // The system administrator searches everything and verifies the trail.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/ui/audit\""), "the menu offers the trail");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?action=grant").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("id=\"audit-results\"") && html.contains("grant.create"),
        "{html}"
    );
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post("/ui/audit/verify", NO_FORM).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sled je cela."), "{html}");
    // A name that is nobody: a message at the field.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?actor=nobody-at-all").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Uporabnika s tem uporabniškim imenom ni."));

    // A user administrator: only about the people they administer, and no verification.
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/audit?action=grant").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"audit-error\""), "{html}");
    assert!(!html.contains("/ui/audit/verify"));
    let gregor = s.state.world().user(s.fx.gregor).unwrap().username.to_string();
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!(
            "/ui/audit?object_kind=ADAM_ENTITY_USER&object_id={}",
            s.fx.gregor.0
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&gregor));
    let Answer { status, .. } = s.ui(Who::UserAdminHere).post("/ui/audit/verify", NO_FORM).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A plain user reviews nothing.
    let Answer { status, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui").await;
    assert!(!html.contains("href=\"/ui/audit\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_rights_register_of_a_user() {
    let s = TestServer::start(Backend::Sqlite).await;
    let path = format!("/ui/users/{}/register", s.fx.gregor.0);
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"rights\""), "{html}");
    let code = {
        let w = s.state.world();
        let g = w.grant(s.fx.grant_gregor).unwrap();
        w.role(g.role).unwrap().code.to_string()
    };
    assert!(html.contains(&code), "the grant of the fixture is listed: {html}");
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/users/{}", s.fx.gregor.0))
        .await;
    assert!(html.contains("id=\"register-link\""));
    // A person sees their own register, not another's.
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .get(&format!("/ui/users/{}/register", s.fx.ana.0))
        .await;
    assert_eq!(status, StatusCode::OK);
    let Answer { status, .. } = s.ui(Who::Plain).get(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/users/{}", s.fx.gregor.0)).await;
    assert!(!html.contains("id=\"register-link\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_administrator_adds_a_job_and_a_person_and_sets_a_temporary_password() {
    let s = TestServer::start(Backend::Sqlite).await;
    let office = format!("/ui/offices/{}", s.fx.glpi.0);
    // A new job in the office: a bad id gets a message at the field.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{office}/jobs"),
            &[
                ("code", "no spaces allowed".to_owned()),
                ("name", "Vložišče".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    let Answer { status, headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{office}/jobs"),
            &[("code", "JOB.GLPI.77".to_owned()), ("name", "Vložišče".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let job_page = headers["location"].to_str().unwrap().to_owned();
    assert!(job_page.starts_with("/ui/jobs/"));
    // A plain user gets no such forms.
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&office).await;
    assert!(!html.contains("job-create-form"));

    // A new person in the job.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&job_page).await;
    assert!(html.contains("id=\"user-create-form\""), "{html}");
    let person = |email: &str| {
        vec![
            ("username", "mnovak".to_owned()),
            ("first_name", "Maja".to_owned()),
            ("last_name", "Novak".to_owned()),
            ("email", email.to_owned()),
            ("gender", "female".to_owned()),
        ]
    };
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{job_page}/users"), &person("not an address"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"));
    let Answer { status, headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{job_page}/users"), &person("maja.novak@test.si"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let user_page = headers["location"].to_str().unwrap().to_owned();
    let uid = adam_core::UserId(user_page.rsplit('/').next().unwrap().parse().unwrap());
    let job_id = adam_core::JobId(job_page.rsplit('/').next().unwrap().parse().unwrap());
    assert_eq!(
        s.state.world().user(uid).unwrap().jobs,
        vec![job_id],
        "she holds the job"
    );
    assert_eq!(s.state.world().user(uid).unwrap().gender, adam_core::Gender::Female);
    // The edit form changes the gender too.
    let rev = s.state.world().user(uid).unwrap().rev.0.to_string();
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &user_page,
            &[
                ("rev", rev),
                ("first_name", "Maja".to_owned()),
                ("last_name", "Novak".to_owned()),
                ("email", "maja.novak@test.si".to_owned()),
                ("gender", "other".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.state.world().user(uid).unwrap().gender, adam_core::Gender::Other);

    // A temporary password: typed twice, checked against the rules, to be changed at sign-in.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&user_page).await;
    assert!(html.contains("id=\"temporary-form\"") && html.contains("id=\"unlock-form\""));
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{user_page}/password"),
            &[("password", STRONG.to_owned()), ("confirm", STRONG_2.to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Gesli se ne ujemata."));
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{user_page}/password"),
            &[("password", "novak123".to_owned()), ("confirm", "novak123".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "the rules refuse it: {html}");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{user_page}/password"),
            &[("password", STRONG.to_owned()), ("confirm", STRONG.to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Začasno geslo je nastavljeno."));
    assert_eq!(
        s.login("mnovak", STRONG).await.expect(200).json["password_change_required"],
        true
    );
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(&format!("{user_page}/unlock"), NO_FORM)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Prijava je odklenjena."));
    // Not for oneself, and not for someone outside one's offices.
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/users/{}", s.fx.glpi_admin.0))
        .await;
    assert!(!html.contains("temporary-form"));
    let Answer { status, .. } = s
        .ui(Who::UserAdminOther)
        .post_owned(
            &format!("{user_page}/password"),
            &[("password", STRONG_3.to_owned()), ("confirm", STRONG_3.to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn occupants_job_edit_and_deletion_in_two_steps() {
    let s = TestServer::start(Backend::Sqlite).await;
    let office = format!("/ui/offices/{}", s.fx.glpi.0);
    let Answer { headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{office}/jobs"),
            &[("code", "JOB.GLPI.66".to_owned()), ("name", "Arhiv".to_owned())],
        )
        .await;
    let job_page = headers["location"].to_str().unwrap().to_owned();
    let job = adam_core::JobId(job_page.rsplit('/').next().unwrap().parse().unwrap());
    let Answer { headers, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/users"),
            &[
                ("username", "pkos".to_owned()),
                ("first_name", "Peter".to_owned()),
                ("last_name", "Kos".to_owned()),
                ("email", "peter.kos@test.si".to_owned()),
            ],
        )
        .await;
    let user_page = headers["location"].to_str().unwrap().to_owned();
    let user = adam_core::UserId(user_page.rsplit('/').next().unwrap().parse().unwrap());
    let jobs_of = || s.state.world().user(user).unwrap().jobs.clone();

    // Occupants: out of the job, back in by username; an unknown name is a message.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/occupants/{}/remove", user.0),
            &[("confirm", "1".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(jobs_of().is_empty());
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/occupants"),
            &[("username", "nobody-here".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Uporabnika s tem uporabniškim imenom ni."));
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{job_page}/occupants"), &[("username", "pkos".to_owned())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(jobs_of(), vec![job]);

    // The job's name and signing code.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/edit"),
            &[
                ("name", "Arhiv in vložišče".to_owned()),
                ("signing_code", "1066".to_owned()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.state.world().job(job).unwrap().name.as_str(), "Arhiv in vložišče");

    // Deletion in two steps: invalidating the job first is refused with the reason on the page;
    // the user is deactivated, then the job can be invalidated.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/valid"),
            &[("to", "0".to_owned()), ("confirm", "1".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"switch-error\"") && html.contains("brisanje je v dveh korakih"),
        "{html}"
    );
    assert!(s.state.world().job(job).unwrap().valid, "nothing changed");
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{user_page}/active"),
            &[("to", "0".to_owned()), ("confirm", "1".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!s.state.world().user(user).unwrap().active);
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &format!("{job_page}/valid"),
            &[("to", "0".to_owned()), ("confirm", "1".to_owned())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!s.state.world().job(job).unwrap().valid);
    // Both stay, with their history; a plain user cannot do any of it.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&user_page).await;
    assert!(
        html.contains("user.deactivate") || html.contains("user.set_active") || html.contains("neaktiven"),
        "{html}"
    );
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post_owned(&format!("{user_page}/active"), &[("to", "1".to_owned())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{user_page}/active"), &[("to", "1".to_owned())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(s.state.world().user(user).unwrap().active);
}

/// Art. 57(6) on the page: a security lead proposes a hold on a risk assessment of the register
/// (refused at the field without one, keeping what was typed), the page says the confirmation
/// waits for a head, the head confirms it after a confirmation page, and a lead releases it.
async fn a_security_lead_holds_days_past_retention_with_a_justification(backend: Backend) {
    let s = TestServer::start(backend).await;
    crate::audit_holds::make_security_lead(&s, s.fx.ana).await;
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"hold-form\""), "{html}");
    assert!(
        html.contains("id=\"hold-no-risks\""),
        "the empty register is said: {html}"
    );
    // The system administrator sees the holds but does not decide them.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit").await;
    assert!(html.contains("id=\"holds\"") && !html.contains("id=\"hold-form\""));
    let risk = crate::audit_holds::record_risk(&s).await.to_string();

    let hold = |from: &str, until: &str, why: &str, risk: &str| {
        vec![
            ("from", from.to_owned()),
            ("until", until.to_owned()),
            ("justification", why.to_owned()),
            ("risk_assessment", risk.to_owned()),
        ]
    };
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .post_owned(
            "/ui/audit/holds",
            &hold("2026-03-10", "2026-03-01", "Incident INC-7", &risk),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field-error"), "{html}");
    assert!(
        crate::audit_holds::stored_holds(&s).await.is_empty(),
        "nothing recorded"
    );
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .post_owned("/ui/audit/holds", &hold("2026-03-01", "2026-03-10", "  ", &risk))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a justification is required: {html}"
    );
    // No risk assessment, or one the register does not hold: refused at the field, the rest
    // of the form kept as typed.
    for typed in ["", "99"] {
        let Answer { status, body: html, .. } = s
            .ui(Who::Plain)
            .post_owned(
                "/ui/audit/holds",
                &hold("2026-03-01", "2026-03-10", "Incident INC-7: court order", typed),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("id=\"hold-risk-error\""), "{html}");
        assert!(html.contains("value=\"Incident INC-7: court order\""), "{html}");
        assert!(html.contains("value=\"2026-03-10\""), "{html}");
    }
    let Answer { body: html, .. } = s
        .ui(Who::Plain)
        .post_owned(
            "/ui/audit/holds",
            &hold("2026-03-01", "2026-03-10", "Incident INC-7", "99"),
        )
        .await;
    assert!(html.contains("ni v registru tveganj"), "{html}");
    let Answer { body: html, .. } = s
        .ui(Who::Plain)
        .post_owned(
            "/ui/audit/holds?lang=en",
            &hold("2026-03-01", "2026-03-10", "Incident INC-7", "99"),
        )
        .await;
    assert!(html.contains("is not in the risk register"), "{html}");
    assert!(
        crate::audit_holds::stored_holds(&s).await.is_empty(),
        "nothing recorded"
    );

    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post_owned(
            "/ui/audit/holds",
            &hold("2026-03-01", "2026-03-10", "Incident INC-7: court order", &risk),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let holds = crate::audit_holds::stored_holds(&s).await;
    assert_eq!(holds.len(), 1);
    assert_eq!(holds[0].approved_by, s.fx.ana);
    assert_eq!(holds[0].risk_assessment.map(|r| r.0.to_string()), Some(risk.clone()));
    assert_eq!(holds[0].confirmed_by, None);
    let id = holds[0].id;
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert!(
        html.contains("Incident INC-7: court order") && html.contains("2026-03-01 – 2026-03-10"),
        "{html}"
    );
    assert!(html.contains("predlagano, čaka potrditev predstojnika"), "{html}");
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/audit?lang=en").await;
    assert!(html.contains("proposed, awaiting the head"), "{html}");
    assert!(
        html.contains(&format!("id=\"hold-{id}-no-head\"")),
        "nobody to confirm it: {html}"
    );
    assert!(!html.contains(&format!("id=\"hold-{id}-confirm\"")), "{html}");

    // The head of the body confirms: a confirmation page first, then the hold is confirmed.
    crate::audit_holds::appoint_head(&s, s.fx.glpi_admin).await;
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert!(html.contains("Potrdi lahko: glpi-admin"), "{html}");
    // The security lead may not confirm.
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post(&format!("/ui/audit/holds/{id}/confirm"), &[("confirm", "1")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let head = s.ui(Who::UserAdminHere);
    let Answer { status, body: html, .. } = head.get("/ui/audit").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("id=\"hold-{id}-confirm\"")), "{html}");
    assert!(!html.contains("id=\"hold-form\""), "the head does not propose: {html}");
    let Answer { status, body: html, .. } = head.post(&format!("/ui/audit/holds/{id}/confirm"), NO_FORM).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("id=\"confirm-form\"") && html.contains("Incident INC-7: court order"),
        "{html}"
    );
    assert_eq!(
        crate::audit_holds::stored_holds(&s).await[0].confirmed_by,
        None,
        "asked, not done"
    );
    let Answer { status, .. } = head
        .post(&format!("/ui/audit/holds/{id}/confirm"), &[("confirm", "1")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let confirmed = crate::audit_holds::stored_holds(&s).await;
    assert_eq!(confirmed[0].confirmed_by, Some(s.fx.glpi_admin));
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert!(html.contains("potrdil glpi-admin"), "{html}");

    // Only a security lead releases: the system administrator's post is refused.
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post(&format!("/ui/audit/holds/{id}/release"), NO_FORM)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { status, .. } = s
        .ui(Who::Plain)
        .post(&format!("/ui/audit/holds/{id}/release"), NO_FORM)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(crate::audit_holds::stored_holds(&s).await[0].released.is_some());
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui/audit").await;
    assert!(html.contains("sproščeno"), "{html}");
}
crate::on_both_backends!(a_security_lead_holds_days_past_retention_with_a_justification);
