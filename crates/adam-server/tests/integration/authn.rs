//! Sign-in, sessions, the second factor, attempt limits, password changes and the reset by
//! e-mail, end to end over HTTP (and SMTP) on both backends.
//!
//! The file stays whole: each test walks one sign-in story end to end on its own server, and
//! they share the code and audit helpers at the top; no group stands apart but the timing
//! comparisons, which are in `authn_timing.rs`.
//!
//! Why one file past ~800 lines: each test is a flow across sign-in, sessions, the second factor
//! and the limits, on the same accounts and one SMTP sink; split by feature, each flow would
//! cross files.

use crate::on_both_backends;
use crate::support::*;
use adam_auth::totp::{TotpSecret, TotpStep};
use adam_core::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

fn code(secret: &str, at: Timestamp, offset: i64) -> String {
    let step = TotpStep::at(at).0 as i64 + offset;
    let code = TotpSecret::from_base32(secret).unwrap().code_at(TotpStep(step as u64));
    format!("{code:06}")
}

async fn audit_actions(server: &TestServer) -> Vec<(String, String)> {
    server.state.flush_access().await;
    let store = server.state.store.clone();
    let records = tokio::task::spawn_blocking(move || store.audit_since(0, 100_000))
        .await
        .unwrap()
        .unwrap();
    records.into_iter().map(|r| (r.action, r.outcome)).collect()
}

async fn login_ok_and_refusals_look_the_same(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.set_password(server.fx.bojan, STRONG).await;

    let ok = server.login("bojan", STRONG).await.expect(200);
    assert_eq!(ok.json["mfa_required"], false);
    assert_eq!(ok.json["user"], server.fx.bojan.0);
    let cookie = ok.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("adam_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(
        !cookie.contains("Secure"),
        "the test server runs without Secure: {cookie}"
    );
    let browser = Browser::from(&ok);
    let sessions = server
        .browse(&browser, Method::GET, "/api/v1/auth/sessions", None, false)
        .await
        .expect(200);
    assert_eq!(sessions.json.as_array().unwrap().len(), 1);
    assert_eq!(sessions.json[0]["current"], true);
    // The session works for the rest of the API like a token.
    server
        .browse(&browser, Method::GET, "/api/v1/offices", None, false)
        .await
        .expect(200);

    let wrong = server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
    // (Each failure delays the next attempt from the address by a growing pause.)
    server.advance(2);
    let unknown = server
        .login("nobody-at-all", STRONG_2)
        .await
        .problem(401, "unauthenticated");
    assert_eq!(wrong.json, unknown.json, "no account enumeration");
    // A service account has no password: the same answer again.
    server.advance(4);
    let service = server.login("svc", STRONG).await.problem(401, "unauthenticated");
    assert_eq!(service.json, wrong.json);

    let actions = audit_actions(&server).await;
    assert!(actions.contains(&("auth.login".into(), "ok".into())));
    assert!(actions.contains(&("auth.login".into(), "refused: bad-credentials".into())));
}
on_both_backends!(login_ok_and_refusals_look_the_same);

async fn cookie_requests_need_the_csrf_token(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.set_password(server.fx.bojan, STRONG).await;
    let browser = Browser::from(&server.login("bojan", STRONG).await.expect(200));

    server
        .browse(&browser, Method::POST, "/api/v1/auth/logout", Some(&json!({})), false)
        .await
        .problem(403, "csrf");
    let forged = Browser {
        csrf: "0".repeat(64),
        ..browser.clone()
    };
    server
        .browse(&forged, Method::POST, "/api/v1/auth/logout", Some(&json!({})), true)
        .await
        .problem(403, "csrf");
    // A state-changing API call, too.
    server
        .browse(
            &browser,
            Method::POST,
            "/api/v1/auth/totp/lost",
            Some(&json!({})),
            false,
        )
        .await
        .problem(403, "csrf");

    let out = server
        .browse(&browser, Method::POST, "/api/v1/auth/logout", Some(&json!({})), true)
        .await
        .expect(200);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    server
        .browse(&browser, Method::GET, "/api/v1/auth/sessions", None, false)
        .await
        .problem(401, "unauthenticated");
    // Bearer tokens need no CSRF token (but may not touch the second factor: a token is one
    // factor, and only a session that showed the second removes it).
    server
        .post(
            Who::Plain,
            "/api/v1/auth/password",
            &json!({"current": STRONG_2, "new": STRONG_3}),
        )
        .await
        .problem(409, "no-password");
    server
        .post(Who::Plain, "/api/v1/auth/totp/lost", &json!({}))
        .await
        .problem(403, "session-only");
}
on_both_backends!(cookie_requests_need_the_csrf_token);

async fn sessions_end_when_idle_and_at_the_absolute_limit(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.set_password(server.fx.bojan, STRONG).await;
    let idle = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    server.advance(31 * 60);
    server
        .browse(&idle, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");

    let busy = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    // A request every 20 minutes keeps it alive — until 12 hours after sign-in.
    for _ in 0..35 {
        server.advance(20 * 60);
        server
            .browse(&busy, Method::GET, "/api/v1/offices", None, false)
            .await
            .expect(200);
    }
    server.advance(20 * 60);
    server
        .browse(&busy, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");

    // Ending one's own session from another.
    let a = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    let b = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    let list = server
        .browse(&a, Method::GET, "/api/v1/auth/sessions", None, false)
        .await
        .expect(200);
    let other = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    server
        .browse(
            &a,
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{other}"),
            None,
            true,
        )
        .await
        .expect(200);
    server
        .browse(&b, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");
    // Someone else's session is not found.
    server
        .call(
            Who::Plain,
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{other}"),
            None,
        )
        .await
        .problem(404, "not-found");
}
on_both_backends!(sessions_end_when_idle_and_at_the_absolute_limit);

async fn administrators_sign_in_with_a_second_factor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.glpi_admin, STRONG).await;

    // A user administrator without a factor may only enrol one.
    let first = server.login("glpi-admin", STRONG).await.expect(200);
    assert_eq!(first.json["mfa_enrolment_required"], true);
    let enrolling = Browser::from(&first);
    server
        .browse(&enrolling, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(403, "mfa-enrolment-required");
    let enrolled = server
        .browse(&enrolling, Method::POST, "/api/v1/auth/totp", Some(&json!({})), true)
        .await
        .expect(201);
    let secret = enrolled.json["secret"].as_str().unwrap().to_owned();
    assert!(
        enrolled.json["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/ADAM:glpi-admin?")
    );
    let backups: Vec<String> = enrolled.json["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(backups.len(), 10);
    let now = server.state.now();
    let confirmed = server
        .browse(
            &enrolling,
            Method::POST,
            "/api/v1/auth/totp/confirm",
            Some(&json!({"code": code(&secret, now, 0)})),
            true,
        )
        .await
        .expect(200);
    assert_eq!(confirmed.json["mfa"], true);
    let full = Browser::from(&confirmed);
    server
        .browse(&full, Method::GET, "/api/v1/offices", None, false)
        .await
        .expect(200);
    // The enrolment session was replaced.
    server
        .browse(&enrolling, Method::GET, "/api/v1/auth/sessions", None, false)
        .await
        .problem(401, "unauthenticated");

    // Next sign-in: password, then a code one step behind (clock skew) — accepted.
    server.advance(120);
    let step1 = server.login("glpi-admin", STRONG).await.expect(200);
    assert_eq!(step1.json["mfa_required"], true);
    assert!(
        step1.header("set-cookie").is_none(),
        "no cookie before the second factor"
    );
    let challenge = step1.json["challenge"].as_str().unwrap().to_owned();
    let now = server.state.now();
    let behind = code(&secret, now, -1);
    let done = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge, "code": behind})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(done.json["mfa"], true);
    // The challenge is spent.
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge, "code": code(&secret, now, 0)})),
            &[],
        )
        .await
        .problem(401, "unauthenticated");

    // The same step again is a replay.
    let again = server.login("glpi-admin", STRONG).await.expect(200);
    let replay = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": again.json["challenge"], "code": behind})),
            &[],
        )
        .await
        .problem(401, "unauthenticated");
    assert_eq!(replay.json["reason"], "replayed");
    // (A failure delays the next attempt by a second; still the same 30-second step.)
    server.advance(2);
    // One step ahead (later than the last used) is fine.
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": again.json["challenge"], "code": code(&secret, now, 1)})),
            &[],
        )
        .await
        .expect(200);
    // Two steps away is not.
    server.advance(600);
    let now = server.state.now();
    let far = server.login("glpi-admin", STRONG).await.expect(200);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": far.json["challenge"], "code": code(&secret, now, 2)})),
            &[],
        )
        .await
        .problem(401, "unauthenticated");
    // A backup code works once.
    server.advance(5);
    let b1 = server.login("glpi-admin", STRONG).await.expect(200);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": b1.json["challenge"], "code": backups[3]})),
            &[],
        )
        .await
        .expect(200);
    server.advance(5);
    let b2 = server.login("glpi-admin", STRONG).await.expect(200);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": b2.json["challenge"], "code": backups[3]})),
            &[],
        )
        .await
        .problem(401, "unauthenticated");

    // Reporting the factor lost disables it at once and is a security event.
    server
        .browse(&full, Method::POST, "/api/v1/auth/totp/lost", Some(&json!({})), true)
        .await
        .expect(200);
    // Every session signed in with the factor ended with it.
    server
        .browse(&full, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");
    server.advance(5);
    let after = server.login("glpi-admin", STRONG).await.expect(200);
    assert_eq!(after.json["mfa_enrolment_required"], true);
    let actions = audit_actions(&server).await;
    assert!(actions.contains(&("security.factor_lost".into(), "disabled".into())));
    assert!(actions.contains(&("auth.login.mfa".into(), "ok".into())));
}
on_both_backends!(administrators_sign_in_with_a_second_factor);

async fn failures_lock_the_account_until_an_administrator_unlocks_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.bojan, STRONG).await;
    // Growing delays: an immediate retry is refused.
    server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
    let early = server.login("bojan", STRONG).await.problem(429, "too-many-attempts");
    assert!(early.json["retry_after"].as_i64().unwrap() >= 1);
    for _ in 1..10 {
        server.advance(61);
        server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
    }
    // Ten failures: locked, even with the right password and after the longest delay.
    server.advance(61);
    let locked = server.login("bojan", STRONG).await.problem(429, "too-many-attempts");
    assert!(locked.json["retry_after"].as_i64().unwrap() > 61, "{}", locked.text);
    let actions = audit_actions(&server).await;
    assert!(actions.contains(&("security.login_locked".into(), "locked".into())));
    // The owner was told by e-mail.
    let notice = server.mail.as_ref().unwrap().next().await;
    assert_eq!(notice.to, vec!["bojan@test.si".to_owned()]);
    assert!(notice.text.contains("bojan"), "{}", notice.text);

    // Another office's user administrator may not unlock; the UN one may.
    server
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/users/{}/unlock", fx.bojan.0),
            &json!({}),
        )
        .await
        .problem(403, "outside-scope");
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/unlock", fx.bojan.0),
            &json!({}),
        )
        .await
        .expect(200);
    server.login("bojan", STRONG).await.expect(200);
    let actions = audit_actions(&server).await;
    assert!(actions.contains(&("security.unlock".into(), "ok".into())));
}
on_both_backends!(failures_lock_the_account_until_an_administrator_unlocks_it);

/// Two servers on one database count one run of failures: guesses spread over servers meet the
/// same delays and the same lock, and an unlock on one frees the account on the other.
async fn attempt_limits_are_shared_by_servers_on_one_database(backend: Backend) {
    let a = TestServer::start(backend).await;
    let fx = a.fx.clone();
    a.set_password(fx.bojan, STRONG).await;
    let b_state = state_with(open(&a.location).await, test_auth(None)).await;
    let b = TestServer::serve(
        backend,
        a.location.clone(),
        b_state,
        fx.clone(),
        a.tokens.clone(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    let both = |seconds: i64| {
        a.advance(seconds);
        b.advance(seconds);
    };
    // A failure on A delays the next attempt on B.
    a.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
    b.login("bojan", STRONG).await.problem(429, "too-many-attempts");
    // Ten failures spread over both servers lock the account on both.
    for i in 1..10 {
        both(61);
        let server = if i % 2 == 0 { &a } else { &b };
        server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
    }
    both(61);
    let locked = b.login("bojan", STRONG).await.problem(429, "too-many-attempts");
    assert!(locked.json["retry_after"].as_i64().unwrap() > 61, "{}", locked.text);
    a.login("bojan", STRONG).await.problem(429, "too-many-attempts");
    // The unlock on A frees the account on B.
    a.post(
        Who::UserAdminOther,
        &format!("/api/v1/users/{}/unlock", fx.bojan.0),
        &json!({}),
    )
    .await
    .expect(200);
    b.login("bojan", STRONG).await.expect(200);
}
on_both_backends!(attempt_limits_are_shared_by_servers_on_one_database);

/// On an installation that holds Z3/C3 information every sign-in needs a second factor, a plain
/// clerk's from the office network too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_z3_installation_asks_everyone_for_a_second_factor() {
    let plain = TestServer::start(Backend::Sqlite).await;
    plain.set_password(plain.fx.ana, STRONG).await;
    let signed = plain.login("ana", STRONG).await.expect(200);
    assert_eq!(
        signed.json["mfa_enrolment_required"], false,
        "by default a clerk on the office network does not"
    );
    let server = TestServer::start_with(Backend::Sqlite, |auth| auth.mfa_for_everyone = true).await;
    server.set_password(server.fx.ana, STRONG).await;
    let signed = server.login("ana", STRONG).await.expect(200);
    assert_eq!(signed.json["mfa_enrolment_required"], true, "{}", signed.json);
    let b = Browser::from(&signed);
    server
        .browse(&b, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(403, "mfa-enrolment-required");
}

async fn temporary_passwords_must_be_changed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.bojan, STRONG).await;
    let before = Browser::from(&server.login("bojan", STRONG).await.expect(200));

    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": STRONG_2}),
        )
        .await
        .expect(200);
    // Setting it ended the sessions; the old password no longer works.
    server
        .browse(&before, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");
    server.advance(2);
    server.login("bojan", STRONG).await.problem(401, "unauthenticated");
    server.advance(2);
    let temp = server.login("bojan", STRONG_2).await.expect(200);
    assert_eq!(temp.json["password_change_required"], true);
    let temp = Browser::from(&temp);
    server
        .browse(&temp, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(403, "password-change-required");

    // A weak new password: one entry per broken rule, in the language asked for.
    let weak = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": STRONG_2, "new": "bojan123"})),
            &[
                ("cookie", temp.cookie.as_str()),
                ("x-csrf-token", temp.csrf.as_str()),
                ("accept-language", "sl-SI, en;q=0.5"),
            ],
        )
        .await
        .problem(422, "weak-password");
    let problems = weak.json["problems"].as_array().unwrap();
    let rules: Vec<&str> = problems.iter().map(|p| p["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"too_short"), "{rules:?}");
    assert!(rules.len() >= 2, "{rules:?}");
    let english = server
        .browse(
            &temp,
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": STRONG_2, "new": "bojan123"})),
            true,
        )
        .await
        .problem(422, "weak-password");
    assert_ne!(
        problems[0]["message"], english.json["problems"][0]["message"],
        "Slovenian and English messages differ"
    );

    let changed = server
        .browse(
            &temp,
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": STRONG_2, "new": STRONG_3})),
            true,
        )
        .await
        .expect(200);
    assert_eq!(changed.json["sign_in_again"], true);
    let fresh = Browser::from(&server.login("bojan", STRONG_3).await.expect(200));
    // A change from an active session keeps it and ends the others.
    let other = Browser::from(&server.login("bojan", STRONG_3).await.expect(200));
    server
        .browse(
            &fresh,
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": STRONG_3, "new": STRONG})),
            true,
        )
        .await
        .expect(200);
    server
        .browse(&fresh, Method::GET, "/api/v1/offices", None, false)
        .await
        .expect(200);
    server
        .browse(&other, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");
    // Outside one's offices, no temporary passwords.
    server
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": STRONG_2}),
        )
        .await
        .problem(403, "outside-scope");
}
on_both_backends!(temporary_passwords_must_be_changed);

/// A password that today's rules refuse (stored before a rule or a list changed) signs in, but
/// only to change it — when no second factor is in play.
async fn a_password_the_rules_now_refuse_is_changed_at_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    // Stored directly, as if set under older rules: a common password.
    let phc = adam_auth::hash::PasswordHasher::new(adam_auth::hash::HashParams::new(1024, 1, 1).unwrap())
        .hash("password1")
        .unwrap()
        .as_str()
        .to_owned();
    let change = adam_store::PasswordChange {
        credential: adam_store::PasswordCredential {
            user: fx.ana,
            phc,
            must_change: false,
            set_at: server.state.now(),
        },
        revoke_sessions: true,
        keep_session: None,
        reset: None,
    };
    let store = server.state.store.clone();
    tokio::task::spawn_blocking(move || store.set_password(&change, &[]))
        .await
        .unwrap()
        .unwrap();
    let signed = server.login("ana", "password1").await.expect(200);
    assert_eq!(signed.json["password_change_required"], true, "{}", signed.json);
    let b = Browser::from(&signed);
    server
        .browse(&b, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(403, "password-change-required");
    server
        .browse(
            &b,
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": "password1", "new": STRONG})),
            true,
        )
        .await
        .expect(200);
    let again = server.login("ana", STRONG).await.expect(200);
    assert_eq!(again.json["password_change_required"], false);
}
on_both_backends!(a_password_the_rules_now_refuse_is_changed_at_sign_in);

fn reset_code(text: &str) -> String {
    let at = text.find("adam_reset_").expect("a reset code in the e-mail");
    text[at..at + "adam_reset_".len() + 52].to_owned()
}

async fn a_forgotten_password_is_reset_by_email(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    let sink = server.mail.as_ref().unwrap();
    server.set_password(fx.ana, STRONG).await;
    let old = Browser::from(&server.login("ana", STRONG).await.expect(200));

    let known = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/forgot",
            Some(&json!({"email": "Ana@test.si"})),
            &[],
        )
        .await
        .expect(202);
    let mail = sink.next().await;
    assert_eq!(mail.to, vec!["ana@test.si".to_owned()]);
    assert!(
        mail.text.contains("ana (UN)"),
        "lists the account and its office: {}",
        mail.text
    );
    assert!(mail.text.contains("Pozdravljeni") && mail.text.contains("Hello"));
    let code = reset_code(&mail.text);
    assert!(mail.text.contains(&format!("/reset?token={code}")));

    // An unknown address gets the same answer, and no e-mail goes out.
    server.advance(2);
    let unknown = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/forgot",
            Some(&json!({"email": "nobody@test.si"})),
            &[],
        )
        .await
        .expect(202);
    assert_eq!(known.json, unknown.json);
    server.advance(2);
    assert!(
        unknown.json["message_en"]
            .as_str()
            .unwrap()
            .contains("user administrator")
    );
    // Requests are limited per address.
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/forgot",
            Some(&json!({"email": "ana@test.si"})),
            &[],
        )
        .await
        .problem(429, "too-many-attempts");
    assert!(
        sink.any_within(300).await.is_none(),
        "no e-mail for an unknown address or a refused request"
    );

    // The old password stays valid until the reset is used.
    server.login("ana", STRONG).await.expect(200);
    server.advance(5);
    // The code is for the accounts listed only.
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": code, "username": "bojan", "new_password": STRONG_2})),
            &[],
        )
        .await
        .problem(410, "invalid-reset");
    server.advance(5);
    let done = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": code, "username": "ana", "new_password": STRONG_2})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(done.json["changed"], true);
    // Every session ended; the new password works, the old one does not.
    server
        .browse(&old, Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(401, "unauthenticated");
    server.login("ana", STRONG).await.problem(401, "unauthenticated");
    server.advance(5);
    server.login("ana", STRONG_2).await.expect(200);
    // Used once.
    let used = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": code, "username": "ana", "new_password": STRONG_3})),
            &[],
        )
        .await
        .problem(410, "invalid-reset");
    assert_eq!(used.json["reason"], "used");

    // A link older than 30 minutes is refused.
    server.advance(3600);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/forgot",
            Some(&json!({"email": "ana@test.si"})),
            &[],
        )
        .await
        .expect(202);
    let late = reset_code(&sink.next().await.text);
    server.advance(31 * 60);
    let expired = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": late, "username": "ana", "new_password": STRONG_3})),
            &[],
        )
        .await
        .problem(410, "invalid-reset");
    assert_eq!(expired.json["reason"], "expired");

    // The requester's address is in the audit trail.
    server.state.flush_access().await;
    let store = server.state.store.clone();
    let records = tokio::task::spawn_blocking(move || store.audit_since(0, 100_000))
        .await
        .unwrap()
        .unwrap();
    let request = records
        .iter()
        .find(|r| r.action == "auth.reset.request" && r.outcome == "ok")
        .unwrap();
    assert_eq!(request.context.source_ip.as_deref(), Some("127.0.0.1"));
    assert!(records.iter().any(|r| r.action == "password.reset"));
}
on_both_backends!(a_forgotten_password_is_reset_by_email);

async fn a_token_outside_its_scope_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let issued = adam_server::api::system::issue(
        &server.state,
        adam_core::Actor::System,
        None,
        server.fx.bojan,
        "read only",
        &[adam_server::Scope::Read],
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("{}", e.detail));
    let bearer = format!("Bearer {}", issued.secret);
    let headers = [("authorization", bearer.as_str())];
    for (method, path, body) in [
        (Method::POST, "/api/v1/auth/totp", Some(json!({}))),
        (Method::POST, "/api/v1/auth/totp/lost", Some(json!({}))),
        (
            Method::POST,
            "/api/v1/offices",
            Some(json!({"code": "NEW", "name": "Novi urad", "parent": server.fx.glpi})),
        ),
    ] {
        server
            .anonymous(method, path, body.as_ref(), &headers)
            .await
            .problem(403, "missing-scope");
    }
    let listed: Value = server
        .anonymous(Method::GET, "/api/v1/auth/sessions", None, &headers)
        .await
        .expect(200)
        .json;
    assert_eq!(listed, json!([]));
}
on_both_backends!(a_token_outside_its_scope_is_refused);

async fn a_remote_sign_in_needs_a_second_factor(backend: Backend) {
    // Only 10.0.0.0/8 is the office network: the test client on loopback is remote access.
    let server = TestServer::start_with(backend, |auth| {
        auth.trusted_networks = vec![adam_server::login::Cidr::parse("10.0.0.0/8").unwrap()];
    })
    .await;
    server.set_password(server.fx.bojan, STRONG).await;
    let remote = server.login("bojan", STRONG).await.expect(200);
    assert_eq!(remote.json["mfa_enrolment_required"], true, "{}", remote.text);
    server
        .browse(&Browser::from(&remote), Method::GET, "/api/v1/offices", None, false)
        .await
        .problem(403, "mfa-enrolment-required");
}
on_both_backends!(a_remote_sign_in_needs_a_second_factor);

async fn a_password_is_rehashed_at_sign_in_when_the_parameters_changed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let bojan = server.fx.bojan;
    let set_at = server.state.now();
    // A hash made with weaker parameters than the server's (1 MiB, 1 pass), stored directly.
    let weak = adam_auth::hash::PasswordHasher::new(adam_auth::hash::HashParams::new(256, 1, 1).unwrap());
    let phc = weak.hash(STRONG).unwrap().as_str().to_owned();
    assert!(phc.contains("m=256,t=1,p=1"), "{phc}");
    let change = adam_store::PasswordChange {
        credential: adam_store::PasswordCredential {
            user: bojan,
            phc: phc.clone(),
            must_change: false,
            set_at,
        },
        revoke_sessions: false,
        keep_session: None,
        reset: None,
    };
    let store = server.state.store.clone();
    tokio::task::spawn_blocking(move || store.set_password(&change, &[]))
        .await
        .unwrap()
        .unwrap();

    server.login("bojan", STRONG).await.expect(200);
    let stored = |server: &TestServer| {
        let store = server.state.store.clone();
        async move {
            tokio::task::spawn_blocking(move || store.password(bojan))
                .await
                .unwrap()
                .unwrap()
                .unwrap()
        }
    };
    let after = stored(&server).await;
    assert_ne!(after.phc, phc, "the hash was replaced");
    assert!(
        after.phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"),
        "the server's parameters: {}",
        after.phc
    );
    assert_eq!(after.set_at, set_at, "a rehash is not a password change");
    // The same password still signs in, and nothing is rehashed again.
    server.advance(5);
    server.login("bojan", STRONG).await.expect(200);
    assert_eq!(stored(&server).await.phc, after.phc);
    server.advance(5);
    server.login("bojan", STRONG_2).await.problem(401, "unauthenticated");
}
on_both_backends!(a_password_is_rehashed_at_sign_in_when_the_parameters_changed);

async fn z3_and_c3_records_need_a_stepped_up_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.ana, STRONG).await;
    // A C3 folder, and a C3 document in an open folder, made by Ana in a session that showed a
    // second factor (classifying C3 needs one too).
    let c3 = adam_core::Classification {
        c: adam_core::SecurityClass::THREE,
        ..adam_core::Classification::PUBLIC
    };
    let ana = adam_core::Actor::User {
        user: fx.ana,
        job: None,
        session: adam_core::Session::MFA,
    };
    let make = |command| {
        let state = server.state.clone();
        async move {
            let ctx = state.context(ana, None);
            state
                .execute_as(ana, ctx, command)
                .await
                .unwrap_or_else(|e| panic!("{}", e.detail))
                .created
        }
    };
    let Some(adam_core::Created::Folder(folder)) = make(adam_core::Command::NewFolder {
        app: fx.vopi,
        class: fx.class,
        title: adam_core::Text::parse("t", "Varnostni načrt").unwrap(),
        classification: c3,
    })
    .await
    else {
        panic!("no folder")
    };
    let Some(adam_core::Created::Document(document)) = make(adam_core::Command::NewDocument {
        folder: fx.f1,
        title: adam_core::Text::parse("t", "Gesla strežnikov").unwrap(),
        classification: c3,
    })
    .await
    else {
        panic!("no document")
    };
    let folder = format!("/api/v1/folders/{}", folder.0);
    let document = format!("/api/v1/documents/{}", document.0);

    // Signed in with the password alone (from the office network, no factor enrolled).
    let signed_in = server.login("ana", STRONG).await.expect(200);
    assert_eq!(signed_in.json["mfa"], false);
    let password_only = Browser::from(&signed_in);
    // A second one, stepped up later with a backup code.
    let other = Browser::from(&server.login("ana", STRONG).await.expect(200));
    for path in [&folder, &document] {
        let refused = server
            .browse(&password_only, Method::GET, path, None, false)
            .await
            .problem(403, "mfa-required");
        assert!(
            refused.json["detail"]
                .as_str()
                .unwrap()
                .contains("/api/v1/auth/step-up"),
            "{}",
            refused.text
        );
    }
    // Asking who else reaches it is a decision on it too.
    let who = format!(
        "/api/v1/who?kind=folder&id={}&level=11",
        folder.rsplit('/').next().unwrap()
    );
    server
        .browse(&password_only, Method::GET, &who, None, false)
        .await
        .problem(403, "mfa-required");
    // Unclassified records are read as before.
    server
        .browse(
            &password_only,
            Method::GET,
            &format!("/api/v1/documents/{}", fx.d1.0),
            None,
            false,
        )
        .await
        .expect(200);
    // Without a factor there is nothing to step up with.
    server
        .browse(
            &password_only,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": "000000"})),
            true,
        )
        .await
        .problem(409, "no-second-factor");

    // Ana enrols a factor in a third session (a token may not: issue 12); the first two stay
    // password-only.
    let enrolling = Browser::from(&server.login("ana", STRONG).await.expect(200));
    let enrolled = server
        .browse(&enrolling, Method::POST, "/api/v1/auth/totp", Some(&json!({})), true)
        .await
        .expect(201);
    let secret = enrolled.json["secret"].as_str().unwrap().to_owned();
    let now = server.state.now();
    let used = code(&secret, now, 0);
    let confirmed = server
        .browse(
            &enrolling,
            Method::POST,
            "/api/v1/auth/totp/confirm",
            Some(&json!({"code": used})),
            true,
        )
        .await
        .expect(200);
    // (That session, now counting the factor, is not part of what follows.)
    server
        .browse(
            &Browser::from(&confirmed),
            Method::POST,
            "/api/v1/auth/logout",
            Some(&json!({})),
            true,
        )
        .await
        .expect(200);
    // A token is one factor: it cannot step up, and it cannot read the records either.
    server
        .post(
            Who::Plain,
            "/api/v1/auth/step-up",
            &json!({"code": code(&secret, now, 1)}),
        )
        .await
        .problem(403, "session-only");
    server.get(Who::Plain, &document).await.problem(403, "mfa-required");
    // A wrong code, and the code already used to confirm, are refused.
    let wrong = server
        .browse(
            &password_only,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": "12345"})),
            true,
        )
        .await
        .problem(422, "bad-code");
    assert_eq!(wrong.json["reason"], "bad-code");
    server.advance(2);
    let replayed = server
        .browse(
            &password_only,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": used})),
            true,
        )
        .await
        .problem(422, "bad-code");
    assert_eq!(replayed.json["reason"], "replayed");
    // Without the CSRF token, no step-up.
    server
        .browse(
            &password_only,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": code(&secret, now, 1)})),
            false,
        )
        .await
        .problem(403, "csrf");

    server.advance(30);
    let now = server.state.now();
    let stepped = server
        .browse(
            &password_only,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": code(&secret, now, 0)})),
            true,
        )
        .await
        .expect(200);
    assert_eq!(stepped.json["mfa"], true);
    assert_eq!(
        stepped.json["expires"], signed_in.json["expires"],
        "a step-up does not extend the sign-in"
    );
    let strong = Browser::from(&stepped);
    assert_ne!(strong.cookie, password_only.cookie, "a new session secret");
    for path in [&folder, &document] {
        server.browse(&strong, Method::GET, path, None, false).await.expect(200);
    }
    let listed = server.browse(&strong, Method::GET, &who, None, false).await.expect(200);
    assert!(
        listed.json["items"].as_array().unwrap().contains(&json!(fx.ana.0)),
        "{}",
        listed.text
    );
    // The password-only session was replaced.
    server
        .browse(&password_only, Method::GET, &document, None, false)
        .await
        .problem(401, "unauthenticated");
    // A backup code steps up too.
    let backup = enrolled.json["backup_codes"][0].as_str().unwrap().to_owned();
    let by_backup = server
        .browse(
            &other,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": backup})),
            true,
        )
        .await
        .expect(200);
    assert_eq!(by_backup.json["mfa"], true);
    let other = Browser::from(&by_backup);
    server
        .browse(&other, Method::GET, &document, None, false)
        .await
        .expect(200);
    let sessions = server
        .browse(&strong, Method::GET, "/api/v1/auth/sessions", None, false)
        .await
        .expect(200);
    let sessions = sessions.json.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|x| x["mfa"] == true), "{sessions:?}");
    // Already stepped up: nothing to do, the session stays.
    let again = server
        .browse(
            &other,
            Method::POST,
            "/api/v1/auth/step-up",
            Some(&json!({"code": backup})),
            true,
        )
        .await
        .expect(200);
    assert_eq!(again.json["mfa"], true);
    assert!(again.header("set-cookie").is_none());
    let actions = audit_actions(&server).await;
    assert!(actions.contains(&("auth.step_up".into(), "ok".into())));
    assert!(actions.contains(&("auth.step_up".into(), "refused: bad-credentials".into())));
}
on_both_backends!(z3_and_c3_records_need_a_stepped_up_session);
