//! Setting an organisation up (issue 14): the first run from `adam init`'s code path to a
//! person who signs in, through the UI's forms with CSRF; the marks of inactive people; the
//! people picker; the parent list of an office; duplicate signing codes; the overview.

use crate::on_both_backends;
use crate::support::*;
use adam_auth::totp::{TotpSecret, TotpStep};
use adam_core::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn code(secret: &str, at: Timestamp) -> String {
    let step = TotpStep::at(at).0;
    format!(
        "{:06}",
        TotpSecret::from_base32(secret).unwrap().code_at(TotpStep(step))
    )
}

/// An empty organisation, initialised as `adam init` does it, served on a free port.
async fn fresh(backend: Backend) -> (TestServer, adam_server::service::setup::FirstRun) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let location = tokio::task::spawn_blocking(move || fresh_database(backend, &path))
        .await
        .unwrap();
    let store = open(&location).await;
    let writer = store.clone();
    tokio::task::spawn_blocking(move || writer.initialise(&Text::parse("o", "Občina Nova").unwrap()))
        .await
        .unwrap()
        .unwrap();
    let state = state_on(store).await;
    let ctx = state.context(Actor::System, None);
    state.execute_as(Actor::System, ctx, Command::Initialise).await.unwrap();
    let first = adam_server::service::setup::create_system_administrator(
        &state,
        Username::parse("u", "admin").unwrap(),
        Email::parse("e", "it@nova.si").unwrap(),
        Text::parse("f", "System").unwrap(),
        Text::parse("l", "Administrator").unwrap(),
    )
    .await
    .unwrap_or_else(|e| panic!("init: {}", e.detail));
    let (_, fx) = fixture_commands();
    (
        TestServer::serve(backend, location, state, fx, Vec::new(), dir).await,
        first,
    )
}

async fn first_run_reaches_a_person_who_signs_in(backend: Backend) {
    let (s, first) = fresh(backend).await;
    // What init printed signs in, and must be changed first.
    let signed = s.login("admin", &first.password).await.expect(200);
    assert_eq!(signed.json["password_change_required"], true, "{}", signed.json);
    let temp = Browser::from(&signed);
    let changed = s
        .browse(
            &temp,
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": first.password, "new": STRONG})),
            true,
        )
        .await
        .expect(200);
    s.advance(2);
    let again = if changed.json["sign_in_again"] == true || changed.header("set-cookie").is_none() {
        s.login("admin", STRONG).await.expect(200)
    } else {
        changed
    };
    // The system administrator then enrols a second factor, as every administrator does.
    let enrolling = Browser::from(&again);
    let enrolled = s
        .browse(&enrolling, Method::POST, "/api/v1/auth/totp", Some(&json!({})), true)
        .await
        .expect(201);
    let secret = enrolled.json["secret"].as_str().unwrap().to_owned();
    let confirmed = s
        .browse(
            &enrolling,
            Method::POST,
            "/api/v1/auth/totp/confirm",
            Some(&json!({"code": code(&secret, s.state.now())})),
            true,
        )
        .await
        .expect(200);
    let admin = Browser::from(&confirmed);

    // The tree of a new organisation offers the first office.
    let Answer { status, body: html, .. } = s.ui_session(&admin).get("/ui").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"top-office-form\"") && html.contains("id=\"no-offices\""),
        "{html}"
    );
    // Without the CSRF token the form is refused and nothing is created.
    let Answer { status, .. } = s
        .ui_session(&admin)
        .without_csrf()
        .post(
            "/ui/offices",
            &[("parent", ""), ("code", "GLPI"), ("name", "Glavna pisarna")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(s.state.world().offices().is_empty());
    // A bad code: the message at the field, and what was typed kept.
    let Answer { status, body: html, .. } = s
        .ui_session(&admin)
        .post(
            "/ui/offices",
            &[("parent", ""), ("code", "bad code!"), ("name", "Glavna pisarna")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("field-error")
            && html.contains("value=\"bad code!\"")
            && html.contains("value=\"Glavna pisarna\""),
        "{html}"
    );
    let Answer { status, location, .. } = s
        .ui_session(&admin)
        .post(
            "/ui/offices",
            &[("parent", ""), ("code", "GLPI"), ("name", "Glavna pisarna")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let glpi = s.state.world().office_by_code("GLPI").unwrap();
    assert_eq!(location, format!("/ui/offices/{}", glpi.0));
    assert_eq!(s.state.world().office(glpi).unwrap().parent, None);

    // An application, an application role and a user role that contains it.
    let Answer { status, .. } = s
        .ui_session(&admin)
        .post("/ui/applications", &[("code", "VOPI"), ("name", "Vodenje postopkov")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let vopi = s.state.world().applications()[0].id;
    let Answer { status, body: html, .. } = s
        .ui_session(&admin)
        .post(
            "/ui/roles",
            &[
                ("code", "VOPI.read"),
                ("kind", "application"),
                ("app", ""),
                ("description", "Branje"),
                ("level", ""),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an application role needs its application"
    );
    assert!(
        html.contains("value=\"VOPI.read\"") && html.contains("field-error"),
        "{html}"
    );
    let app = vopi.0.to_string();
    let Answer { status, location, .. } = s
        .ui_session(&admin)
        .post(
            "/ui/roles",
            &[
                ("code", "VOPI.read"),
                ("kind", "application"),
                ("app", &app),
                ("description", "Branje"),
                ("level", "13"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let read = s.state.world().role_by_code("VOPI.read").unwrap();
    assert_eq!(location, format!("/ui/roles/{}", read.0));
    let Answer { status, location, .. } = s
        .ui_session(&admin)
        .post(
            "/ui/roles",
            &[("code", "Referent"), ("kind", "user"), ("description", "Referent VOPI")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let referent = s.state.world().role_by_code("Referent").unwrap();
    let rev = s.state.world().role(referent).unwrap().rev.0.to_string();
    let member = read.0.to_string();
    let Answer { status, .. } = s
        .ui_session(&admin)
        .post(
            &location,
            &[("rev", &rev), ("description", "Referent VOPI"), ("member", &member)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.state.world().role(referent).unwrap().members, vec![read]);
    // The tree shows the application role inside the user role, one level down.
    let Answer { body: html, .. } = s.ui_session(&admin).get("/ui/roles").await;
    let at = html.find("id=\"user-roles\"").unwrap();
    assert!(
        html[at..].contains("class=\"d1\"") && html[at..].contains("VOPI.read"),
        "{html}"
    );
    assert!(html.contains("id=\"role-form\""));

    // A job, and a person in it with a temporary password.
    let Answer { status, location, .. } = s
        .ui_session(&admin)
        .post(
            &format!("/ui/offices/{}/jobs", glpi.0),
            &[("code", "JOB.0101"), ("name", "Referent"), ("signing_code", "1002")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let job = s.state.world().job_by_code("JOB.0101").unwrap();
    assert_eq!(location, format!("/ui/jobs/{}", job.0));
    let Answer { status, body: html, .. } = s
        .ui_session(&admin)
        .post(
            &format!("/ui/jobs/{}/users", job.0),
            &[
                ("username", "ana"),
                ("first_name", "Ana"),
                ("last_name", "Novak"),
                ("email", "ana@nova.si"),
                ("temporary", "ana12345"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a weak temporary password creates nobody"
    );
    assert!(html.contains("field-error"), "{html}");
    assert!(s.state.world().user_by_username("ana").is_err());
    let Answer { status, .. } = s
        .ui_session(&admin)
        .post(
            &format!("/ui/jobs/{}/users", job.0),
            &[
                ("username", "ana"),
                ("first_name", "Ana"),
                ("last_name", "Novak"),
                ("email", "ana@nova.si"),
                ("temporary", STRONG_2),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ana = s.state.world().user_by_username("ana").unwrap();
    assert_eq!(s.state.world().user(ana).unwrap().jobs, vec![job]);
    // The person signs in with it, and is asked for a new one.
    let signed = s.login("ana", STRONG_2).await.expect(200);
    assert_eq!(signed.json["password_change_required"], true, "{}", signed.json);
}
on_both_backends!(first_run_reaches_a_person_who_signs_in);

async fn the_role_tree_is_read_only_for_others(backend: Backend) {
    let s = TestServer::start(backend).await;
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/roles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"roles-read-only\"") && !html.contains("id=\"role-form\""),
        "{html}"
    );
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/roles").await;
    assert!(html.contains("id=\"role-form\"") && html.contains("id=\"application-form\""));
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/roles/{}", s.fx.glpi_role.0)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"role-edit-form\""), "{html}");
    // A forged form is refused by the engine.
    let resp = s
        .ui(Who::UserAdminHere)
        .post("/ui/applications", &[("code", "X"), ("name", "X")])
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert!(s.state.world().application_by_code("X").is_err());
}
on_both_backends!(the_role_tree_is_read_only_for_others);

async fn inactive_people_are_marked_in_the_tree_and_the_search(backend: Backend) {
    let s = TestServer::start(backend).await;
    let ctx = s.state.context(Actor::System, None);
    let bojan = s.fx.bojan;
    s.state
        .execute_as(
            Actor::System,
            ctx,
            Command::SetUserActive {
                user: bojan,
                active: false,
            },
        )
        .await
        .unwrap();
    for (lang, word) in [("sl", "neaktiven račun"), ("en", "inactive account")] {
        let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui?q=bojan&lang={lang}")).await;
        let hits = &html[html.find("id=\"hits\"").unwrap()..];
        assert!(hits.contains(word), "{lang}: {hits}");
        let Answer { body: html, .. } = s
            .ui(Who::SysAdmin)
            .get_htmx(&format!("/ui/tree/offices/{}?lang={lang}", s.fx.un.0))
            .await;
        let at = html.find("bojan").unwrap();
        assert!(html[at..].contains(word), "{lang}: {html}");
        // An active person carries no mark.
        let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui?q=ana&lang={lang}")).await;
        let hits = &html[html.find("id=\"hits\"").unwrap()..];
        assert!(!hits.contains(word), "{lang}: {hits}");
    }
}
on_both_backends!(inactive_people_are_marked_in_the_tree_and_the_search);

async fn the_picker_offers_whom_the_caller_may_assign(backend: Backend) {
    let s = TestServer::start(backend).await;
    let job = s.fx.job_glpi_free.0;
    // The GLPI user administrator finds gregor (GLPI) but not bojan (UN).
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/jobs/{job}/candidates?q=GREG"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"username\" value=\"gregor\""), "{html}");
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/jobs/{job}/candidates?q=bojan"))
        .await;
    assert!(!html.contains("name=\"username\" value=\"bojan\""), "{html}");
    // The system administrator finds bojan; htmx gets only the list.
    let Answer { body: html, .. } = s
        .ui(Who::SysAdmin)
        .get_htmx(&format!("/ui/jobs/{job}/candidates?q=bojan"))
        .await;
    assert!(
        html.contains("name=\"username\" value=\"bojan\"") && !html.contains("<html"),
        "{html}"
    );
    // Someone who administers nobody is offered nobody.
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/jobs/{job}/candidates?q=a")).await;
    assert!(!html.contains("name=\"username\""), "{html}");
    // The job page links the picker.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/jobs/{job}")).await;
    assert!(
        html.contains(&format!("action=\"/ui/jobs/{job}/candidates\"")),
        "{html}"
    );
}
on_both_backends!(the_picker_offers_whom_the_caller_may_assign);

async fn an_office_is_offered_only_valid_parents(backend: Backend) {
    let s = TestServer::start(backend).await;
    let glpi = s.fx.glpi;
    // A sub-office of GLPI.
    let body = json!({"code": "GLPI_SUB", "name": "Pod", "parent": glpi.0});
    let sub = s.post(Who::SysAdmin, "/api/v1/offices", &body).await.expect(201).json["id"]
        .as_u64()
        .unwrap();
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/offices/{}", glpi.0)).await;
    let select = &html[html.find("id=\"edit_parent\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(!select.contains(&format!("value=\"{}\"", glpi.0)), "itself: {select}");
    assert!(
        !select.contains(&format!("value=\"{sub}\"")),
        "its sub-office: {select}"
    );
    assert!(select.contains(&format!("value=\"{}\"", s.fx.un.0)), "{select}");
    // Office 0 is a parent like any other (it once meant "the top").
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/offices/{sub}")).await;
    assert!(
        html.contains(&format!("<option value=\"{}\" selected>", glpi.0)),
        "{html}"
    );
    // The engine still refuses a cycle sent by hand.
    let rev = s.state.world().office(glpi).unwrap().rev.0.to_string();
    let resp = s
        .ui(Who::SysAdmin)
        .post(
            &format!("/ui/offices/{}", glpi.0),
            &[("rev", rev.as_str()), ("name", "GLPI"), ("parent", &sub.to_string())],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.state.world().office(glpi).unwrap().parent, None);
}
on_both_backends!(an_office_is_offered_only_valid_parents);

async fn a_duplicate_signing_code_is_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let body = json!({"code": "JOB.SC1", "name": "Prvi", "office": s.fx.glpi.0, "signing_code": "7001"});
    s.post(Who::SysAdmin, "/api/v1/jobs", &body).await.expect(201);
    let body = json!({"code": "JOB.SC2", "name": "Drugi", "office": s.fx.glpi.0, "signing_code": "7001"});
    let refused = s
        .post(Who::SysAdmin, "/api/v1/jobs", &body)
        .await
        .problem(409, "duplicate-signing-code");
    assert!(
        refused.json["detail"].as_str().unwrap().contains("JOB.SC1"),
        "{}",
        refused.json
    );
    let body = json!({"code": "SCO", "name": "Urad", "parent": s.fx.glpi.0, "signing_code": "7001"});
    s.post(Who::SysAdmin, "/api/v1/offices", &body)
        .await
        .problem(409, "duplicate-signing-code");
    // In the UI the message stands at the signing code, with what was typed.
    let un = s.fx.un.0;
    let rev = s.state.world().office(s.fx.un).unwrap().rev.0.to_string();
    let resp = s
        .ui(Who::SysAdmin)
        .post(
            &format!("/ui/offices/{un}"),
            &[
                ("rev", rev.as_str()),
                ("name", "UN nov"),
                ("signing_code", "7001"),
                ("parent", ""),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.body;
    let at = html.find("id=\"edit_signing_code\"").unwrap();
    assert!(
        html[at..].contains("value=\"7001\"") && html[at..].contains("field-error"),
        "{html}"
    );
    assert!(html.contains("value=\"UN nov\""), "{html}");
}
on_both_backends!(a_duplicate_signing_code_is_refused);

async fn the_overview_is_for_administrators(backend: Backend) {
    let s = TestServer::start(backend).await;
    // A grant ending in a week, to someone in GLPI.
    let to = Timestamp(s.state.now().0 + 7 * 86_400);
    let body =
        json!({"role": s.fx.referent.0, "grantee": {"type": "user", "id": s.fx.gregor.0}, "valid_to": to.to_string()});
    s.post(Who::SysAdmin, "/api/v1/grants", &body).await.expect(201);
    for who in [Who::SysAdmin, Who::UserAdminHere] {
        let Answer { status, body: html, .. } = s.ui(who).get("/ui/overview").await;
        assert_eq!(status, StatusCode::OK, "{who:?}");
        let expiring = &html[html.find("id=\"expiring\"").unwrap()..html.find("id=\"reviews\"").unwrap()];
        assert!(expiring.contains("gregor"), "{who:?}: {expiring}");
        let Answer { body: menu, .. } = s.ui(who).get("/ui").await;
        assert!(menu.contains("href=\"/ui/overview\""), "{who:?}");
    }
    // The UN user administrator does not administer gregor: not shown to them.
    let Answer { body: html, .. } = s.ui(Who::UserAdminOther).get("/ui/overview").await;
    assert!(!html.contains("gregor"), "{html}");
    // Default deny: a person without administration and a service account are refused.
    for who in [Who::Plain, Who::Service] {
        let Answer { status, .. } = s.ui(who).get("/ui/overview").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
    }
    let Answer { body: menu, .. } = s.ui(Who::Plain).get("/ui").await;
    assert!(!menu.contains("href=\"/ui/overview\""));
}
on_both_backends!(the_overview_is_for_administrators);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_favicon_is_served_and_linked() {
    let s = TestServer::start(Backend::Sqlite).await;
    // Its bytes, not text: the server's own client, not the pages' one.
    let resp = s.client.get(format!("{}/favicon.ico", s.url)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/x-icon");
    assert_eq!(&resp.bytes().await.unwrap()[..4], &[0, 0, 1, 0]);
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui").await;
    assert!(html.contains("rel=\"icon\" href=\"/favicon.ico\""));
}

/// The set-up pages × the six kinds of caller (`Y` allowed, `N` refused with 403; anonymous
/// callers are sent to the sign-in page): the rows of the route × caller matrix for the UI
/// routes this file adds. Forms run on a fresh server each, so no cell depends on another.
async fn setup_routes_by_caller(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let system_role = s.state.world().role_by_code("adam.user_admin").unwrap();
    let free = fx.job_glpi_free.0;
    let reads: Vec<(String, &str)> = vec![
        ("/ui/roles".to_owned(), "YYYYY"),
        (format!("/ui/roles/{}", fx.glpi_role.0), "YYYYY"),
        (format!("/ui/roles/{}", system_role.0), "YNNNN"),
        ("/ui/overview".to_owned(), "YYYNN"),
        (format!("/ui/jobs/{free}/candidates?q=a"), "YYYYY"),
    ];
    for (path, expect) in &reads {
        for (who, e) in Who::ALL.iter().zip(expect.chars()) {
            let Answer { status, .. } = s.ui(*who).get(path).await;
            let want = if e == 'Y' {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, want, "GET {path} as {who:?}");
        }
        let Answer { status, .. } = s.ui(Who::Anonymous).get(path).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "GET {path} anonymous");
    }
    let rev = s.state.world().role(fx.glpi_role).unwrap().rev.0.to_string();
    type Form<'a> = (String, Vec<(&'a str, String)>, &'a str);
    let forms: Vec<Form> = vec![
        (
            "/ui/applications".to_owned(),
            vec![("code", "NOVA".to_owned()), ("name", "Nova".to_owned())],
            "YNNNN",
        ),
        (
            "/ui/roles".to_owned(),
            vec![
                ("code", "Nova".to_owned()),
                ("kind", "user".to_owned()),
                ("description", "Nova".to_owned()),
            ],
            "YNNNN",
        ),
        (
            format!("/ui/roles/{}", fx.glpi_role.0),
            vec![("rev", rev), ("description", "Nov opis".to_owned())],
            "YNNNN",
        ),
        (
            "/ui/offices".to_owned(),
            vec![
                ("parent", String::new()),
                ("code", "NOV".to_owned()),
                ("name", "Nov".to_owned()),
            ],
            "YNNNN",
        ),
        (
            "/ui/offices".to_owned(),
            vec![
                ("parent", fx.glpi.0.to_string()),
                ("code", "NOV".to_owned()),
                ("name", "Nov".to_owned()),
            ],
            "YYNNN",
        ),
    ];
    for (path, fields, expect) in &forms {
        for (who, e) in Who::ALL.iter().zip(expect.chars()) {
            // A refusal changes nothing, so refusals share the server; each success gets its own.
            let fresh = if e == 'Y' {
                Some(TestServer::start(backend).await)
            } else {
                None
            };
            let s = fresh.as_ref().unwrap_or(&s);
            let status = s.ui(*who).post_owned(path, fields).await.status;
            let want = if e == 'Y' {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, want, "POST {path} {fields:?} as {who:?}");
        }
    }
}
on_both_backends!(setup_routes_by_caller);

async fn case_files_and_documents_are_found_by_those_who_may_open_them(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (f1, d1) = (s.fx.f1.0, s.fx.d1.0);
    // Ana, who opened them, finds her case file and document by title, linked to their pages.
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui?q=zadeva%201").await;
    assert!(html.contains(&format!("href=\"/ui/folders/{f1}\"")), "{html}");
    let Answer { body: html, .. } = s.ui(Who::Plain).get("/ui?q=dokument%201&lang=en").await;
    assert!(
        html.contains(&format!("href=\"/ui/documents/{d1}\"")) && html.contains(">Document<"),
        "{html}"
    );
    let Answer { status, .. } = s.ui(Who::Plain).get(&format!("/ui/folders/{f1}")).await;
    assert_eq!(status, StatusCode::OK);
    // Someone who may not open them does not learn that they exist: the system administrator
    // never reads a record.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui?q=zadeva%201").await;
    assert!(!html.contains("/ui/folders/"), "{html}");
}
on_both_backends!(case_files_and_documents_are_found_by_those_who_may_open_them);
