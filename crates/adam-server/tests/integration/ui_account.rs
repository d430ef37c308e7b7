//! The person's own pages in the UI over HTTP, as a browser without script uses them: sign in
//! (with the second factor), the restricted steps (temporary password, enrolment), "forgot
//! password" through the real SMTP sink, sessions, sign out; and the CSRF token every form of
//! a cookie session must carry.

use crate::on_both_backends;
use crate::support::*;
use adam_auth::totp::{TotpSecret, TotpStep};
use adam_core::{Actor, Timestamp};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

fn totp(secret: &str, at: Timestamp, offset: i64) -> String {
    let step = TotpStep::at(at).0 as i64 + offset;
    format!(
        "{:06}",
        TotpSecret::from_base32(secret).unwrap().code_at(TotpStep(step as u64))
    )
}

/// A page as the [`Visitor`] saw it.
struct Page {
    status: StatusCode,
    html: String,
    headers: HeaderMap,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("a redirect, got {}: {}", self.status, self.html))
    }

    /// The session cookie this answer sets (`None` when it sets none; `Some("")` when it clears it).
    fn cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|c| c.starts_with("adam_session="))
            .map(|c| c.split(';').next().unwrap()["adam_session=".len()..].to_owned())
    }

    /// The value of a hidden field (or any input) named `name`.
    fn field(&self, name: &str) -> Option<String> {
        let at = self.html.find(&format!("name=\"{name}\" value=\""))?;
        let rest = &self.html[at + name.len() + 15..];
        Some(rest[..rest.find('"')?].to_owned())
    }

    /// The text of the element with `id`.
    fn text_of(&self, id: &str) -> String {
        let at = self
            .html
            .find(&format!("id=\"{id}\">"))
            .unwrap_or_else(|| panic!("#{id} in {}", self.html));
        let rest = &self.html[at + id.len() + 6..];
        rest[..rest.find('<').unwrap()].to_owned()
    }
}

/// A browser that does not follow redirects and keeps one session cookie. Not the shared
/// [`Ui`] client: that one is signed in once, by a token or a fixed session, while these tests
/// follow a session as the server sets, replaces and clears its cookie (sign in, the second
/// factor, sign out) — so the visitor takes the cookie of every answer.
struct Visitor<'a> {
    s: &'a TestServer,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl<'a> Visitor<'a> {
    fn new(s: &'a TestServer) -> Visitor<'a> {
        Visitor {
            s,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    async fn send(&mut self, r: reqwest::RequestBuilder) -> Page {
        let r = match &self.cookie {
            Some(c) => r.header("cookie", format!("adam_session={c}")),
            None => r,
        };
        let resp = r.send().await.unwrap();
        let page = Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            html: resp.text().await.unwrap(),
        };
        if let Some(c) = page.cookie() {
            self.cookie = (!c.is_empty()).then_some(c);
        }
        page
    }

    async fn get(&mut self, path: &str) -> Page {
        let r = self.client.get(format!("{}{path}", self.s.url));
        self.send(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self.client.post(format!("{}{path}", self.s.url)).form(form);
        self.send(r).await
    }

    async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        self.post(
            "/ui/login",
            &[("username", username), ("password", password), ("next", "/ui")],
        )
        .await
    }
}

async fn signing_in_through_the_form_and_the_csrf_token_of_every_form(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.set_password(s.fx.ana, STRONG).await;
    let mut v = Visitor::new(&s);

    // Someone not signed in is sent to the sign-in page, and back to the page afterwards.
    let job = format!("/ui/jobs/{}", s.fx.job_glpi.0);
    let first = v.get(&job).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(
        first.location(),
        format!("/ui/login?next=%2Fui%2Fjobs%2F{}", s.fx.job_glpi.0)
    );
    let form = v.get(first.location()).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("id=\"login-form\"") && form.html.contains("Prijava"));
    assert_eq!(form.field("next").as_deref(), Some(job.as_str()));

    // A wrong password and an unknown account get the same message; nothing is signed in.
    let wrong = v.sign_in("ana", "not the password").await;
    // (Past the growing delay after a failure from this address.)
    s.advance(5);
    let unknown = v.sign_in("nobody-here", "not the password").await;
    s.advance(5);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.text_of("login-error"), unknown.text_of("login-error"));
    assert!(wrong.html.contains("Uporabniško ime ali geslo ni pravilno."));
    assert!(v.cookie.is_none());

    // The right password: a session cookie and back to the page asked for.
    let ok = v
        .post(
            "/ui/login",
            &[("username", "ana"), ("password", STRONG), ("next", &job)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html);
    assert_eq!(ok.location(), job);
    let set = ok.headers["set-cookie"].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    // Only pages of ADAM are followed after sign-in.
    let mut other = Visitor::new(&s);
    let evil = other
        .post(
            "/ui/login",
            &[("username", "ana"), ("password", STRONG), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(evil.location(), "/ui");

    let page = v.get(&job).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("ana") && page.html.contains("id=\"logout\""));
    let csrf = page.field("_csrf").expect("the page carries the CSRF token");

    // A form post without the token (as a cross-site form would send it) is refused and
    // changes nothing; with it, it works.
    let forged = v.post("/ui/mfa/enrol", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.html);
    let store = s.state.store.clone();
    let ana = s.fx.ana;
    let enrolled = tokio::task::spawn_blocking(move || store.totp(ana))
        .await
        .unwrap()
        .unwrap();
    assert!(enrolled.is_none(), "nothing was enrolled by the forged post");
    let wrong_token = v.post("/ui/logout", &[("_csrf", &"0".repeat(64))]).await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);
    assert_eq!(v.get(&job).await.status, StatusCode::OK, "still signed in");
    let started = v.post("/ui/mfa/enrol", &[("_csrf", &csrf)]).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.html);
    assert!(started.html.contains("<svg") && started.html.contains("id=\"backup-codes\""));

    // My sessions lists this one; signing out ends it.
    let mut second = Visitor::new(&s);
    assert_eq!(second.sign_in("ana", STRONG).await.status, StatusCode::SEE_OTHER);
    let sessions = v.get("/ui/sessions").await;
    assert_eq!(sessions.status, StatusCode::OK);
    assert_eq!(
        sessions.html.matches("/revoke\"").count(),
        3,
        "this one, the second browser's and the one signed in with a bad `next`"
    );
    assert!(sessions.html.contains("ta seja"));
    // End the other browsers' sessions from this one.
    // The sessions' table, not the API tokens' below it.
    let table = sessions.html.split("id=\"tokens\"").next().unwrap_or_default();
    let others: Vec<String> = table
        .split("<tr>")
        .skip(2) // the table head's row, and what precedes it
        .map(|row| {
            let from = row.find("/ui/sessions/").unwrap() + "/ui/sessions/".len();
            row[from..from + row[from..].find('/').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(others.len(), 2, "{}", sessions.html);
    for id in others {
        let ended = v.post(&format!("/ui/sessions/{id}/revoke"), &[("_csrf", &csrf)]).await;
        assert_eq!(ended.location(), "/ui/sessions");
    }
    assert_eq!(
        second.get("/ui").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        other.get("/ui").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(v.get("/ui").await.status, StatusCode::OK, "this one goes on");
    let out = v.post("/ui/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(out.location(), "/ui/login?done=logout");
    assert!(v.cookie.is_none(), "the cookie is cleared");
    let mut replay = Visitor::new(&s);
    replay.cookie = Some(ok.cookie().unwrap());
    assert_eq!(
        replay.get("/ui").await.status,
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
}
on_both_backends!(signing_in_through_the_form_and_the_csrf_token_of_every_form);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_enrols_a_second_factor_and_signs_in_with_it() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.set_password(s.fx.glpi_admin, STRONG).await;
    let mut v = Visitor::new(&s);

    // A user administrator without a factor is sent to enrol one, and nowhere else.
    let first = v.sign_in("glpi-admin", STRONG).await;
    assert_eq!(first.location(), "/ui/mfa");
    assert_eq!(v.get("/ui").await.location(), "/ui/mfa");
    let page = v.get("/ui/mfa").await;
    assert!(page.html.contains("id=\"mfa-enrol\"") && page.html.contains("53. člen"));
    let csrf = page.field("_csrf").unwrap();
    let started = v.post("/ui/mfa/enrol", &[("_csrf", &csrf)]).await;
    let secret = started.text_of("totp-secret");
    assert!(started.html.contains("<svg"), "a QR code");
    let backup = {
        let at = started.html.find("id=\"backup-codes\"").unwrap();
        let rest = &started.html[at..];
        let from = rest.find("<code>").unwrap() + 6;
        rest[from..from + rest[from..].find('<').unwrap()].to_owned()
    };
    let now = s.state.now();
    let bad = v.post("/ui/mfa/confirm", &[("_csrf", &csrf), ("code", "000000")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("Koda ni pravilna."));
    s.advance(5);
    let confirmed = v
        .post("/ui/mfa/confirm", &[("_csrf", &csrf), ("code", &totp(&secret, now, 0))])
        .await;
    assert_eq!(confirmed.location(), "/ui/mfa?done=1");
    assert!(confirmed.cookie().is_some(), "a new session that counts the factor");
    let tree = v.get("/ui").await;
    assert_eq!(tree.status, StatusCode::OK, "{}", tree.html);
    let csrf = tree.field("_csrf").unwrap();
    assert_eq!(
        v.post("/ui/logout", &[("_csrf", &csrf)]).await.status,
        StatusCode::SEE_OTHER
    );

    // The language switch of a page that answered a POST leads back to its form's page.
    let switch = v.get("/ui/login/mfa?lang=en").await;
    assert_eq!(switch.location(), "/ui/login?lang=en");
    let switch = v.get(&format!("/ui/jobs/{}/roles?lang=en", s.fx.job_glpi.0)).await;
    assert_eq!(switch.location(), format!("/ui/jobs/{}?lang=en", s.fx.job_glpi.0));

    // Next time: the password, then the code.
    let step = v.sign_in("glpi-admin", STRONG).await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(step.html.contains("id=\"mfa-form\""));
    assert!(v.cookie.is_none(), "no session before the second factor");
    let challenge = step.field("challenge").unwrap();
    let wrong = v
        .post(
            "/ui/login/mfa",
            &[("challenge", &challenge), ("code", "123456"), ("next", "/ui/roles")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("Koda ni pravilna."));
    assert_eq!(wrong.field("challenge"), Some(challenge.clone()), "may try again");
    s.advance(5);
    // The code of the next step (clock skew of one step is allowed; the enrolment used this one).
    let done = v
        .post(
            "/ui/login/mfa",
            &[
                ("challenge", &challenge),
                ("code", &totp(&secret, now, 1)),
                ("next", "/ui/roles"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/ui/roles");
    assert_eq!(v.get("/ui/roles").await.status, StatusCode::OK);
    let csrf = v.get("/ui/mfa").await.field("_csrf").unwrap();
    v.post("/ui/logout", &[("_csrf", &csrf)]).await;

    // A backup code works once.
    let step = v.sign_in("glpi-admin", STRONG).await;
    let challenge = step.field("challenge").unwrap();
    let done = v
        .post("/ui/login/mfa", &[("challenge", &challenge), ("code", &backup)])
        .await;
    assert_eq!(done.location(), "/ui");

    // Reporting the factor lost disables it at once and is a security event.
    let mfa = v.get("/ui/mfa").await;
    assert!(mfa.html.contains("/ui/mfa/lost"));
    let csrf = mfa.field("_csrf").unwrap();
    let lost = v.post("/ui/mfa/lost", &[("_csrf", &csrf)]).await;
    assert_eq!(lost.status, StatusCode::OK);
    assert!(lost.html.contains("Drugi faktor je onemogočen."));
    s.state.flush_access().await;
    let store = s.state.store.clone();
    let records = tokio::task::spawn_blocking(move || store.audit_since(0, 100_000))
        .await
        .unwrap()
        .unwrap();
    assert!(records.iter().any(|r| r.action == "security.factor_lost"));
    assert!(records.iter().any(|r| r.action == "auth.login.mfa"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_password_is_changed_first_and_a_forgotten_one_is_reset_by_email() {
    let s = TestServer::start(Backend::Sqlite).await;
    let sink = s.mail.as_ref().unwrap();
    adam_server::api::authn::set_password_as(&s.state, Actor::System, s.fx.ana, STRONG, true)
        .await
        .unwrap();
    let mut v = Visitor::new(&s);

    // A temporary password leads to the change, and nowhere else.
    assert_eq!(v.sign_in("ana", STRONG).await.location(), "/ui/password");
    assert_eq!(
        v.get(&format!("/ui/users/{}", s.fx.ana.0)).await.location(),
        "/ui/password"
    );
    let page = v.get("/ui/password").await;
    assert!(page.html.contains("začasnim geslom"));
    assert!(
        !page.html.contains("href=\"/ui/roles\"") && page.html.contains("id=\"logout\""),
        "only the way out in the menu while the sign-in is unfinished"
    );
    let csrf = page.field("_csrf").unwrap();
    let differ = v
        .post(
            "/ui/password",
            &[
                ("_csrf", &csrf),
                ("current", STRONG),
                ("new", STRONG_2),
                ("confirm", STRONG_3),
            ],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.html.contains("Gesli se ne ujemata."));
    let weak = v
        .post(
            "/ui/password",
            &[
                ("_csrf", &csrf),
                ("current", STRONG),
                ("new", "password123"),
                ("confirm", "password123"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.html.contains("field-error"), "{}", weak.html);
    let wrong = v
        .post(
            "/ui/password",
            &[
                ("_csrf", &csrf),
                ("current", STRONG_3),
                ("new", STRONG_2),
                ("confirm", STRONG_2),
            ],
        )
        .await;
    assert!(wrong.html.contains("Trenutno geslo ni pravilno."));
    s.advance(5);
    let changed = v
        .post(
            "/ui/password",
            &[
                ("_csrf", &csrf),
                ("current", STRONG),
                ("new", STRONG_2),
                ("confirm", STRONG_2),
            ],
        )
        .await;
    assert_eq!(changed.location(), "/ui/login?done=password");
    assert!(v.cookie.is_none(), "the change-only session ended");
    assert_eq!(v.sign_in("ana", STRONG).await.status, StatusCode::UNAUTHORIZED);
    s.advance(5);
    assert_eq!(v.sign_in("ana", STRONG_2).await.location(), "/ui");

    // Forgot password: the same words whether or not the address is known; the e-mail goes
    // through the real SMTP sink and its link opens the reset form.
    let mut anon = Visitor::new(&s);
    let known = anon.post("/ui/forgot", &[("email", "ana@test.si")]).await;
    assert_eq!(known.status, StatusCode::OK);
    let mail = sink.next().await;
    assert_eq!(mail.to, vec!["ana@test.si".to_owned()]);
    s.advance(2);
    let unknown = anon.post("/ui/forgot", &[("email", "nobody@test.si")]).await;
    assert_eq!(known.text_of("forgot-accepted"), unknown.text_of("forgot-accepted"));
    assert!(known.text_of("forgot-accepted").contains("skrbnika uporabnikov"));
    let at = mail.text.find("/reset?token=").expect("a link in the e-mail");
    let link = &mail.text[at..];
    let link = &link[..link.find(char::is_whitespace).unwrap_or(link.len())];
    let code = link["/reset?token=".len()..].to_owned();
    let opened = anon.get(link).await;
    assert_eq!(opened.location(), format!("/ui/reset?token={code}"));
    let form = anon.get(opened.location()).await;
    assert_eq!(form.field("token").as_deref(), Some(code.as_str()));
    let someone_else = anon
        .post(
            "/ui/reset",
            &[
                ("token", &code),
                ("username", "glpi-admin"),
                ("new", STRONG_3),
                ("confirm", STRONG_3),
            ],
        )
        .await;
    assert_eq!(someone_else.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(someone_else.html.contains("je potekla"), "{}", someone_else.html);
    s.advance(5);
    let reset = anon
        .post(
            "/ui/reset",
            &[
                ("token", &code),
                ("username", "ana"),
                ("new", STRONG_3),
                ("confirm", STRONG_3),
            ],
        )
        .await;
    assert_eq!(reset.location(), "/ui/login?done=password");
    assert_eq!(
        v.get("/ui").await.status,
        StatusCode::SEE_OTHER,
        "the reset ended every session"
    );
    assert_eq!(anon.sign_in("ana", STRONG_3).await.location(), "/ui");
    let used = Visitor::new(&s)
        .post(
            "/ui/reset",
            &[
                ("token", &code),
                ("username", "ana"),
                ("new", STRONG),
                ("confirm", STRONG),
            ],
        )
        .await;
    assert_eq!(used.status, StatusCode::UNPROCESSABLE_ENTITY, "a used code is refused");
}

/// A Z3/C3 record asks a password-only session for the second factor, and opens after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_c3_record_asks_for_the_second_factor_and_opens_after_it() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.set_password(s.fx.ana, STRONG).await;
    let c3 = adam_core::Classification {
        c: adam_core::SecurityClass::THREE,
        ..adam_core::Classification::PUBLIC
    };
    let ana = Actor::User {
        user: s.fx.ana,
        job: None,
        session: adam_core::Session::MFA,
    };
    let ctx = s.state.context(ana, None);
    let created = s
        .state
        .execute_as(
            ana,
            ctx,
            adam_core::Command::NewDocument {
                folder: s.fx.f1,
                title: adam_core::Text::parse("t", "Gesla strežnikov").unwrap(),
                classification: c3,
            },
        )
        .await
        .unwrap()
        .created;
    let Some(adam_core::Created::Document(document)) = created else {
        panic!("no document")
    };
    let path = format!("/ui/documents/{}", document.0);
    let mut v = Visitor::new(&s);
    assert_eq!(v.sign_in("ana", STRONG).await.location(), "/ui");
    let asked = v.get(&path).await;
    assert_eq!(asked.status, StatusCode::FORBIDDEN);
    assert!(
        asked.html.contains("id=\"step-up-form\"") && asked.html.contains("53. člen"),
        "{}",
        asked.html
    );
    assert_eq!(asked.field("next").as_deref(), Some(path.as_str()));
    let csrf = asked.field("_csrf").unwrap();
    // No factor yet: the page says so.
    let none = v
        .post("/ui/step-up", &[("_csrf", &csrf), ("code", "000000"), ("next", &path)])
        .await;
    assert_eq!(none.status, StatusCode::CONFLICT, "{}", none.html);
    // Ana enrols one in another session (a token may not: issue 12); the page's session stays
    // password-only.
    let other = Browser::from(&s.login("ana", STRONG).await.expect(200));
    let enrolled = s
        .browse(
            &other,
            reqwest::Method::POST,
            "/api/v1/auth/totp",
            Some(&serde_json::json!({})),
            true,
        )
        .await
        .expect(201);
    let secret = enrolled.json["secret"].as_str().unwrap().to_owned();
    let now = s.state.now();
    s.browse(
        &other,
        reqwest::Method::POST,
        "/api/v1/auth/totp/confirm",
        Some(&serde_json::json!({"code": totp(&secret, now, 0)})),
        true,
    )
    .await
    .expect(200);
    s.advance(5);
    let wrong = v
        .post("/ui/step-up", &[("_csrf", &csrf), ("code", "000000"), ("next", &path)])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("Koda ni pravilna."));
    s.advance(5);
    let done = v
        .post(
            "/ui/step-up",
            &[
                ("_csrf", &csrf),
                ("code", &totp(&secret, s.state.now(), 1)),
                ("next", &path),
            ],
        )
        .await;
    assert_eq!(done.location(), path);
    assert!(done.cookie().is_some(), "a session that counts the factor");
    let opened = v.get(&path).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.html);
    assert!(opened.html.contains("Gesla strežnikov"));
}

/// A form another site makes a browser send is refused, signed in or not (login CSRF too);
/// ADAM's own pages post same-origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_sent_from_another_site_are_refused() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.set_password(s.fx.ana, STRONG).await;
    let mut v = Visitor::new(&s);
    let form = [("username", "ana"), ("password", STRONG), ("next", "/ui")];
    for site in ["cross-site", "same-site"] {
        let r = v
            .send(
                v.client
                    .post(format!("{}/ui/login", s.url))
                    .header("sec-fetch-site", site)
                    .form(&form),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{site}");
        assert!(v.cookie.is_none(), "nobody was signed in by another site");
    }
    let r = v
        .send(
            v.client
                .post(format!("{}/ui/login", s.url))
                .header("sec-fetch-site", "same-origin")
                .form(&form),
        )
        .await;
    assert_eq!(r.location(), "/ui");
    // Signed in, a cross-site post is refused even with the right token.
    let csrf = v.get("/ui/mfa").await.field("_csrf").unwrap();
    let r = v
        .send(
            v.client
                .post(format!("{}/ui/mfa/enrol", s.url))
                .header("sec-fetch-site", "cross-site")
                .form(&[("_csrf", csrf.as_str())]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let store = s.state.store.clone();
    let ana = s.fx.ana;
    assert!(
        tokio::task::spawn_blocking(move || store.totp(ana))
            .await
            .unwrap()
            .unwrap()
            .is_none()
    );
    let r = v
        .send(
            v.client
                .post(format!("{}/ui/forgot", s.url))
                .header("sec-fetch-site", "cross-site")
                .form(&[("email", "ana@test.si")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
