//! Issue 12's administration holes, through the API on both backends: a user administrator
//! scoped to one office (UN's, `Who::UserAdminOther`) cannot give themselves a role through
//! their own office, take a colleague's job, deactivate themselves, or take over an account
//! stronger than theirs or with a job outside their scope; the operator's system administrator
//! cannot set the password or e-mail of a person with rights.

use crate::on_both_backends;
use crate::support::*;
use serde_json::json;

const STRONG: &str = "Rumena-Hruska-Pod-Mostom-3";

/// Whether `user` holds `role` now, asked by the service account.
async fn holds(server: &TestServer, user: adam_core::UserId, role: adam_core::RoleId) -> bool {
    let answer = server
        .get(
            Who::Service,
            &format!("/api/v1/check-role?user={}&role={}", user.0, role.0),
        )
        .await
        .expect(200);
    answer.json["holds"].as_bool().expect("holds")
}

async fn a_grant_to_ones_own_office_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    let grant = |grantee: serde_json::Value| json!({"role": fx.referent, "grantee": grantee});
    // UN is the office un-admin works in: a grant to it is a grant to herself.
    server
        .post(
            Who::UserAdminOther,
            "/api/v1/grants",
            &grant(json!({"type": "office", "id": fx.un})),
        )
        .await
        .problem(403, "self-grant");
    assert!(!holds(&server, fx.un_admin, fx.referent).await);
    // To her own job, likewise; to a colleague's job in her office: hers to give.
    server
        .post(
            Who::UserAdminOther,
            "/api/v1/grants",
            &grant(json!({"type": "job", "id": fx.leader_un})),
        )
        .await
        .problem(403, "self-grant");
    server
        .post(
            Who::UserAdminOther,
            "/api/v1/grants",
            &grant(json!({"type": "job", "id": fx.job_un_1})),
        )
        .await
        .expect(201);
    assert!(holds(&server, fx.ana, fx.referent).await);
    assert!(!holds(&server, fx.un_admin, fx.referent).await);
}
on_both_backends!(a_grant_to_ones_own_office_is_refused);

async fn nobody_assigns_themselves_a_job_or_deactivates_themselves(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    let before = server.revision().await;
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/jobs", fx.un_admin.0),
            &json!({"job": fx.job_un_1}),
        )
        .await
        .problem(403, "self-administration");
    server
        .call(
            Who::UserAdminOther,
            reqwest::Method::DELETE,
            &format!("/api/v1/users/{}", fx.un_admin.0),
            None,
        )
        .await
        .problem(403, "self-administration");
    assert_eq!(server.revision().await, before, "a refused request changed nothing");
    let me = server
        .get(Who::SysAdmin, &format!("/api/v1/users/{}", fx.un_admin.0))
        .await
        .expect(200);
    assert_eq!(me.json["jobs"], json!([fx.leader_un]));
    assert_eq!(me.json["active"], json!(true));
}
on_both_backends!(nobody_assigns_themselves_a_job_or_deactivates_themselves);

async fn a_stronger_account_cannot_be_taken_over(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    // The system administrator makes an organisation-wide user administrator working in UN.
    let strong = server.create_user("mocna", &[fx.job_un_2]).await;
    server
        .post(
            Who::SysAdmin,
            "/api/v1/grants",
            &json!({"role": fx.user_admin, "grantee": {"type": "user", "id": strong}}),
        )
        .await
        .expect(201);
    // UN's user administrator may neither set her password nor change her e-mail.
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{strong}/password"),
            &json!({"password": STRONG}),
        )
        .await
        .problem(403, "beyond-own-power");
    server
        .patch(
            Who::UserAdminOther,
            &format!("/api/v1/users/{strong}"),
            &json!({"email": "un-admin@test.si"}),
        )
        .await
        .problem(403, "beyond-own-power");

    // Ana works in UN: hers to manage — until she also takes a job in GLPI (the mayor's case).
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.ana.0),
            &json!({"password": STRONG}),
        )
        .await
        .expect(200);
    server
        .post(
            Who::SysAdmin,
            &format!("/api/v1/users/{}/jobs", fx.ana.0),
            &json!({"job": fx.job_glpi_free}),
        )
        .await
        .expect(200);
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.ana.0),
            &json!({"password": STRONG}),
        )
        .await
        .problem(403, "outside-scope");
}
on_both_backends!(a_stronger_account_cannot_be_taken_over);

async fn the_system_administrator_does_not_set_a_persons_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server
        .post(
            Who::SysAdmin,
            &format!("/api/v1/users/{}/password", fx.gregor.0),
            &json!({"password": STRONG}),
        )
        .await
        .problem(403, "not-as-another-person");
    server
        .patch(
            Who::SysAdmin,
            &format!("/api/v1/users/{}", fx.gregor.0),
            &json!({"email": "operator@test.si"}),
        )
        .await
        .problem(403, "not-as-another-person");
    // GLPI's user administrator does it (and the sign-in works with it).
    server
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/users/{}/password", fx.gregor.0),
            &json!({"password": STRONG}),
        )
        .await
        .expect(200);
    server.login("gregor", STRONG).await.expect(200);
    // A blank account being set up gets its first password from the system administrator.
    let blank = server.create_user("nova", &[]).await;
    server
        .post(
            Who::SysAdmin,
            &format!("/api/v1/users/{blank}/password"),
            &json!({"password": STRONG}),
        )
        .await
        .expect(200);
}
on_both_backends!(the_system_administrator_does_not_set_a_persons_password);

async fn has_factor(server: &TestServer, user: adam_core::UserId) -> bool {
    let store = server.state.store.clone();
    tokio::task::spawn_blocking(move || store.totp(user))
        .await
        .unwrap()
        .unwrap()
        .is_some_and(|t| t.confirmed)
}

/// Issue 12, item 6: a person who lost their phone and backup codes gets their factor removed
/// by their user administrator — an audited act with its reason — never by a token, the
/// operator's administrator or an administrator of another office.
async fn a_user_administrator_removes_a_lost_factor_with_a_reason(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.enrol_totp(fx.gregor).await;
    let path = format!("/api/v1/users/{}/totp/reset", fx.gregor.0);
    let reason = json!({"reason": "telefon izgubljen, identiteta preverjena osebno"});
    server
        .post(Who::SysAdmin, &path, &reason)
        .await
        .problem(403, "not-as-another-person");
    server
        .post(Who::UserAdminOther, &path, &reason)
        .await
        .problem(403, "outside-scope");
    server.post(Who::UserAdminHere, &path, &json!({})).await.expect(422);
    assert!(has_factor(&server, fx.gregor).await, "nothing removed by a refusal");
    server.post(Who::UserAdminHere, &path, &reason).await.expect(200);
    assert!(!has_factor(&server, fx.gregor).await);
    server
        .post(Who::UserAdminHere, &path, &reason)
        .await
        .problem(409, "no-factor");
    // Recorded as a security event with its reason, by whom.
    server.state.flush_access().await;
    let store = server.state.store.clone();
    let records = tokio::task::spawn_blocking(move || store.audit_since(0, 100_000))
        .await
        .unwrap()
        .unwrap();
    let event = records
        .iter()
        .find(|r| r.action == "security.factor_reset")
        .expect("the removal is in the trail");
    assert_eq!(event.context.actor.user_id(), Some(fx.glpi_admin));
    assert_eq!(event.object.id, fx.gregor.0);
    assert!(
        serde_json::to_string(&event.after)
            .unwrap()
            .contains("identiteta preverjena osebno"),
        "{:?}",
        event.after
    );
}
on_both_backends!(a_user_administrator_removes_a_lost_factor_with_a_reason);

/// The same on the person's page: the form is there for their user administrator only, a
/// missing reason is shown at the field in the page's language, and the removal is confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_page_removes_a_lost_factor() {
    let server = TestServer::start(Backend::Sqlite).await;
    let fx = server.fx.clone();
    let client = reqwest::Client::new();
    let page = format!("{}/ui/users/{}", server.url, fx.gregor.0);
    let html = |who: Who| {
        let r = client.get(&page).bearer_auth(server.token(who).unwrap());
        async move { r.send().await.unwrap().text().await.unwrap() }
    };
    // Nothing to remove yet: no form.
    assert!(!html(Who::UserAdminHere).await.contains("id=\"factor-form\""));
    server.enrol_totp(fx.gregor).await;
    assert!(html(Who::UserAdminHere).await.contains("id=\"factor-form\""));
    assert!(!html(Who::SysAdmin).await.contains("id=\"factor-form\""));
    assert!(!html(Who::UserAdminOther).await.contains("id=\"factor-form\""));
    let post = |reason: &str, lang: &str| {
        client
            .post(format!("{page}/factor?lang={lang}"))
            .bearer_auth(server.token(Who::UserAdminHere).unwrap())
            .form(&[("reason", reason.to_owned())])
            .send()
    };
    let refused = post("  ", "sl").await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Obvezen podatek."));
    let refused = post("  ", "en").await.unwrap();
    assert!(refused.text().await.unwrap().contains("Required."));
    assert!(has_factor(&server, fx.gregor).await);
    let done = post("izgubljen telefon", "en").await.unwrap();
    assert_eq!(done.status(), reqwest::StatusCode::OK);
    assert!(done.text().await.unwrap().contains("The second factor is removed"));
    assert!(!has_factor(&server, fx.gregor).await);
    // A forged post by the operator's administrator is refused all the same.
    server.enrol_totp(fx.gregor).await;
    let forged = client
        .post(format!("{page}/factor"))
        .bearer_auth(server.token(Who::SysAdmin).unwrap())
        .form(&[("reason", "x".to_owned())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::FORBIDDEN);
    assert!(has_factor(&server, fx.gregor).await);
}

/// The job page offers no "remove from the job" beside one's own name (the one click that
/// locked a user administrator out), and a forged removal is refused; a colleague's is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_administrator_is_not_offered_to_remove_herself_from_her_job() {
    let server = TestServer::start(Backend::Sqlite).await;
    let fx = server.fx.clone();
    let client = reqwest::Client::new();
    let token = server.token(Who::UserAdminOther).unwrap().to_owned();
    let get = |job: adam_core::JobId| {
        client
            .get(format!("{}/ui/jobs/{}", server.url, job.0))
            .bearer_auth(&token)
            .send()
    };
    let own = get(fx.leader_un).await.unwrap().text().await.unwrap();
    assert!(own.contains("id=\"occupants\""), "{own}");
    assert!(!own.contains(&format!("/occupants/{}/remove", fx.un_admin.0)), "{own}");
    let colleague = get(fx.job_un_1).await.unwrap().text().await.unwrap();
    assert!(
        colleague.contains(&format!("/occupants/{}/remove", fx.ana.0)),
        "{colleague}"
    );
    let forged = client
        .post(format!(
            "{}/ui/jobs/{}/occupants/{}/remove",
            server.url, fx.leader_un.0, fx.un_admin.0
        ))
        .bearer_auth(&token)
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::FORBIDDEN);
    assert_eq!(server.state.world().user(fx.un_admin).unwrap().jobs, vec![fx.leader_un]);
}
