//! The person's own pages (SPEC §4, §6; issue 6): sign in, the second-factor step, "I forgot
//! my password", setting a new password (after a temporary one, or from a reset e-mail), the
//! second factor (enrolment with a QR code, backup codes, reporting it lost), my sessions and
//! signing out.
//!
//! Every page calls the same functions as the API (`api/authn.rs`), so a rule — attempt
//! limits, the password policy, the audit records, "the same answer whether or not the account
//! exists" — holds in both. Forms are plain HTML and work without script; every state-changing
//! form of a signed-in person carries the session's CSRF token (see [`super::UiForm`]). The
//! sign-in forms themselves need none: they authenticate nobody yet, and the session cookie is
//! `SameSite=Strict`.

use super::{Chrome, Lang, UiError, UiForm, UiResult, chrome, page};
use crate::api::authn::{
    self, ACCEPTED, Client, LoginRequest, Opened, PasswordChangeRequest, Person, ResetRequest, SecondFactor,
    SessionView,
};
use crate::body::MAX_PUBLIC_BODY;
use crate::error::WebError;
use crate::login::{self, set_cookie};
use crate::state::{AppState, blocking};
use adam_store::SessionState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The routes of the person's own pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ui/login",
            get(login_page)
                .post(login)
                .layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
        .route(
            "/ui/login/mfa",
            get(to("/ui/login"))
                .post(login_mfa)
                .layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
        .route("/ui/logout", get(to("/ui/login")).post(logout))
        .route("/ui/password", get(password_page).post(change_password))
        .route("/ui/mfa", get(mfa_page))
        .route("/ui/mfa/enrol", get(to("/ui/mfa")).post(mfa_enrol))
        .route("/ui/mfa/confirm", get(to("/ui/mfa")).post(mfa_confirm))
        .route("/ui/mfa/lost", get(to("/ui/mfa")).post(mfa_lost))
        .route("/ui/step-up", get(to("/ui")).post(step_up))
        .route("/ui/sessions", get(sessions_page))
        .route("/ui/sessions/{id}/revoke", get(to("/ui/sessions")).post(revoke_session))
        .route(
            "/ui/forgot",
            get(forgot_page)
                .post(forgot)
                .layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
        .route(
            "/ui/reset",
            get(reset_page)
                .post(reset)
                .layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
        // The link in the reset e-mail (`<public URL>/reset?token=…`).
        .route("/reset", get(reset_link))
}

/// A GET of a form's address (the language switch of a page answering a POST links there):
/// the page the form belongs to, with the query kept.
pub(super) fn to(
    target: &'static str,
) -> impl Fn(axum::extract::RawQuery) -> std::future::Ready<Redirect> + Clone + Send + Sync + 'static {
    move |axum::extract::RawQuery(q)| {
        std::future::ready(match q {
            Some(q) => Redirect::to(&format!("{target}?{q}")),
            None => Redirect::to(target),
        })
    }
}

/// A page for someone not signed in (yet).
fn anonymous(lang: Lang) -> Chrome {
    Chrome {
        t: lang.tr,
        user_name: String::new(),
        csrf: None,
        reviewer: false,
        restricted: false,
    }
}

/// The frame of a page of a person who may still be finishing the sign-in.
fn person_chrome(s: &AppState, person: &Person, lang: Lang) -> Chrome {
    let mut c = chrome(s, &person.caller, lang.tr);
    c.restricted = person.session.as_ref().is_some_and(|x| x.state != SessionState::Active);
    c
}

/// The address to go to after signing in: only a page of the UI, never another site, and
/// only of characters that are safe in a `Location` header (a CR, LF or NUL would have made the
/// redirect fail after the session was opened). Anything else goes to `/ui`.
pub(super) fn safe_next(next: Option<&str>) -> String {
    let safe = |n: &str| {
        n.len() <= 2048
            && (n == "/ui" || n.starts_with("/ui/") || n.starts_with("/ui?"))
            && !n.starts_with("/ui/login")
            && !n.contains("//")
            && !n.contains("/../")
            && !n.ends_with("/..")
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-._~?=&%+,:;@!*'()".contains(&b))
    };
    match next {
        Some(n) if safe(n) => n.to_owned(),
        _ => "/ui".to_owned(),
    }
}

/// The client of a page, with the page's language for messages.
fn client_in(mut client: Client, lang: Lang) -> Client {
    client.lang = match lang.tr {
        super::Tr::Sl => adam_auth::password::Lang::Sl,
        super::Tr::En => adam_auth::password::Lang::En,
    };
    client
}

/// A 303 to `to`, setting `cookie` if given.
fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut r = Redirect::to(to).into_response();
    if let Some(c) = cookie
        && let Ok(v) = HeaderValue::from_str(&c)
    {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// A page with a status other than 200.
fn page_with(lang: Lang, status: StatusCode, t: &impl Template) -> UiResult<Response> {
    let mut r = page(lang, t)?;
    *r.status_mut() = status;
    Ok(r)
}

/// The message for a refusal shown on a sign-in page: too many attempts says when to retry.
fn refusal(e: &WebError) -> String {
    e.detail.clone()
}

/// The password rules a new password broke, one per line (the page shows them as lines).
fn broken_rules(e: &WebError) -> String {
    let lines: Vec<&str> = e
        .extra
        .get("problems")
        .and_then(|p| p.as_array())
        .map(|list| list.iter().filter_map(|p| p.get("message")?.as_str()).collect())
        .unwrap_or_default();
    if lines.is_empty() {
        e.detail.clone()
    } else {
        lines.join("\n")
    }
}

// ---- sign in ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    /// The login challenge: set on the second-factor step.
    challenge: Option<String>,
    error: Option<String>,
    notice: Option<&'static str>,
}

/// `?next=` and an optional notice to show.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

async fn login_page(lang: Lang, Query(q): Query<LoginQuery>) -> UiResult<Response> {
    let notice = match q.done.as_deref() {
        Some("password") => Some("notice_password_changed"),
        Some("logout") => Some("notice_signed_out"),
        _ => None,
    };
    page(
        lang,
        &LoginPage {
            c: anonymous(lang),
            next: safe_next(q.next.as_deref()),
            username: String::new(),
            challenge: None,
            error: None,
            notice,
        },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Where a finished sign-in step leads: the second-factor form, or a page with the cookie set.
fn after_sign_in(lang: Lang, opened: Opened, username: String, next: &str) -> UiResult<Response> {
    let a = &opened.answer;
    if a.mfa_required {
        return page(
            lang,
            &LoginPage {
                c: anonymous(lang),
                next: next.to_owned(),
                username,
                challenge: a.challenge.clone(),
                error: None,
                notice: None,
            },
        );
    }
    let to = if a.password_change_required {
        "/ui/password".to_owned()
    } else if a.mfa_enrolment_required {
        "/ui/mfa".to_owned()
    } else {
        next.to_owned()
    };
    Ok(see_other(&to, opened.cookie))
}

async fn login(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> UiResult<Response> {
    super::same_site(&headers, lang.tr)?;
    let next = safe_next(Some(&f.next));
    let client = client_in(client, lang);
    let request = LoginRequest {
        username: f.username.trim().to_owned(),
        password: f.password,
    };
    match authn::password_step(&s, &client, request).await {
        Ok(opened) => after_sign_in(lang, opened, f.username.trim().to_owned(), &next),
        Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::TOO_MANY_REQUESTS => {
            let error = if e.status == StatusCode::UNAUTHORIZED {
                lang.tr.s("bad_credentials").to_owned()
            } else {
                refusal(&e)
            };
            page_with(
                lang,
                e.status,
                &LoginPage {
                    c: anonymous(lang),
                    next,
                    username: f.username,
                    challenge: None,
                    error: Some(error),
                    notice: None,
                },
            )
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

/// The second-factor form.
#[derive(Debug, Deserialize)]
pub struct MfaForm {
    challenge: String,
    code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    next: String,
}

async fn login_mfa(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<MfaForm>,
) -> UiResult<Response> {
    super::same_site(&headers, lang.tr)?;
    let next = safe_next(Some(&f.next));
    let client = client_in(client, lang);
    let step = SecondFactor {
        challenge: f.challenge.clone(),
        code: f.code.trim().to_owned(),
    };
    match authn::second_factor_step(&s, &client, step).await {
        Ok(opened) => after_sign_in(lang, opened, f.username, &next),
        Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::TOO_MANY_REQUESTS => {
            // A wrong code may be tried again with the same challenge; an expired challenge
            // means starting over.
            let expired = e.detail.contains("challenge");
            page_with(
                lang,
                e.status,
                &LoginPage {
                    c: anonymous(lang),
                    next,
                    username: f.username,
                    challenge: (!expired).then_some(f.challenge),
                    error: Some(if e.status == StatusCode::UNAUTHORIZED && !expired {
                        lang.tr.s("bad_code").to_owned()
                    } else {
                        refusal(&e)
                    }),
                    notice: None,
                },
            )
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct Nothing {}

async fn logout(State(s): State<AppState>, f: UiForm<Nothing, true>) -> UiResult<Response> {
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    if person.session.is_some() {
        authn::end_session(&s, &person)
            .await
            .map_err(|e| UiError::new(f.lang.tr, e))?;
    }
    Ok(see_other(
        "/ui/login?done=logout",
        Some(set_cookie(&s.config.auth, "", 0)),
    ))
}

// ---- password -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    c: Chrome,
    /// Signed in with a temporary password: nothing else is allowed until it is changed.
    temporary: bool,
    errors: BTreeMap<&'static str, String>,
    done: bool,
}

async fn password_page(State(s): State<AppState>, lang: Lang, person: UiPerson) -> UiResult<Response> {
    let temporary = person.restricted_to(SessionState::PasswordChange);
    page(
        lang,
        &PasswordPage {
            c: person_chrome(&s, &person.0, lang),
            temporary,
            errors: BTreeMap::new(),
            done: false,
        },
    )
}

/// The password-change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(s): State<AppState>,
    client: Client,
    f: UiForm<PasswordForm, true>,
) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let temporary = person
        .session
        .as_ref()
        .is_some_and(|x| x.state == SessionState::PasswordChange);
    let mut errors = BTreeMap::new();
    if f.form.new != f.form.confirm {
        errors.insert("confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        let request = PasswordChangeRequest {
            current: f.form.current,
            new: f.form.new,
        };
        match authn::change_own_password(&s, &person, &client_in(client, lang), request).await {
            Ok(changed) if changed.sign_in_again => {
                return Ok(see_other(
                    "/ui/login?done=password",
                    Some(set_cookie(&s.config.auth, "", 0)),
                ));
            }
            Ok(_) => {
                return page(
                    lang,
                    &PasswordPage {
                        c: person_chrome(&s, &person, lang),
                        temporary: false,
                        errors,
                        done: true,
                    },
                );
            }
            Err(e) if e.code == "wrong-password" => {
                errors.insert("current", lang.tr.s("wrong_password").to_owned());
            }
            Err(e) if e.code == "weak-password" => {
                errors.insert("new", broken_rules(&e));
            }
            Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => {
                errors.insert("current", e.detail);
            }
            Err(e) => return Err(UiError::new(lang.tr, e)),
        }
    }
    page_with(
        lang,
        StatusCode::UNPROCESSABLE_ENTITY,
        &PasswordPage {
            c: person_chrome(&s, &person, lang),
            temporary,
            errors,
            done: false,
        },
    )
}

// ---- second factor ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_mfa.html")]
struct MfaPage {
    c: Chrome,
    /// A second factor is required and none is enrolled yet.
    required: bool,
    /// A confirmed factor exists.
    enrolled: bool,
    /// Enrolment started and not confirmed.
    pending: bool,
    /// Just started: what the person must see once.
    fresh: Option<Fresh>,
    error: Option<String>,
    done: Option<&'static str>,
}

/// A just-started enrolment, shown once.
pub struct Fresh {
    /// The QR code of the otpauth URI, as inline SVG.
    qr_svg: String,
    secret: String,
    backup_codes: Vec<String>,
}

async fn mfa_state(s: &AppState, user: adam_core::UserId) -> Result<(bool, bool), WebError> {
    let store = s.store.clone();
    let totp = blocking(move || store.totp(user)).await??;
    Ok((
        totp.as_ref().is_some_and(|t| t.confirmed),
        totp.as_ref().is_some_and(|t| !t.confirmed),
    ))
}

async fn mfa_view(
    s: &AppState,
    person: &Person,
    lang: Lang,
    fresh: Option<Fresh>,
    error: Option<String>,
    done: Option<&'static str>,
) -> UiResult<MfaPage> {
    let (enrolled, pending) = mfa_state(s, person.caller.user)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    Ok(MfaPage {
        c: person_chrome(s, person, lang),
        required: person
            .session
            .as_ref()
            .is_some_and(|x| x.state == SessionState::MfaEnrolment),
        enrolled,
        pending,
        fresh,
        error,
        done,
    })
}

/// `?done=1` after a confirmed enrolment.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

async fn mfa_page(
    State(s): State<AppState>,
    lang: Lang,
    Query(q): Query<DoneQuery>,
    person: UiPerson,
) -> UiResult<Response> {
    let done = q.done.is_some().then_some("factor_enrolled");
    let p = mfa_view(&s, &person.0, lang, None, None, done).await?;
    page(lang, &p)
}

/// The QR code of an otpauth URI as an SVG element.
fn qr_svg(uri: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| WebError::internal(&e))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

async fn mfa_enrol(State(s): State<AppState>, f: UiForm<Nothing, true>) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    match authn::start_enrolment(&s, &person).await {
        Ok(enrolled) => {
            let fresh = Fresh {
                qr_svg: qr_svg(&enrolled.otpauth_uri).map_err(|e| UiError::new(lang.tr, e))?,
                secret: enrolled.secret,
                backup_codes: enrolled.backup_codes,
            };
            let p = mfa_view(&s, &person, lang, Some(fresh), None, None).await?;
            page(lang, &p)
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            let p = mfa_view(&s, &person, lang, None, Some(e.detail), None).await?;
            page_with(lang, StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

/// A code from the authenticator app.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    code: String,
}

async fn mfa_confirm(State(s): State<AppState>, client: Client, f: UiForm<CodeForm, true>) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let view_person = Person {
        caller: person.caller.clone(),
        session: person.session.clone(),
    };
    match authn::confirm_enrolment(&s, person, &client_in(client, lang), f.form.code.trim()).await {
        // The session that showed the factor is replaced by one that counts it.
        Ok(opened) => Ok(see_other("/ui/mfa?done=1", opened.cookie)),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT => {
            let message = if e.code == "bad-code" {
                lang.tr.s("bad_code").to_owned()
            } else {
                e.detail
            };
            let p = mfa_view(&s, &view_person, lang, None, Some(message), None).await?;
            page_with(lang, StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

async fn mfa_lost(State(s): State<AppState>, client: Client, f: UiForm<Nothing>) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    match authn::report_lost_factor(&s, &person, &client_in(client, lang)).await {
        Ok(()) => {
            let p = mfa_view(&s, &person, lang, None, None, Some("factor_disabled")).await?;
            page(lang, &p)
        }
        Err(e) if e.code == "factor-not-shown" => {
            let message = lang.tr.s("factor_not_shown").to_owned();
            let p = mfa_view(&s, &person, lang, None, Some(message), None).await?;
            page_with(lang, StatusCode::FORBIDDEN, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

// ---- step-up ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_stepup.html")]
struct StepUpPage {
    c: Chrome,
    /// The page to return to.
    next: String,
    /// Signed in by cookie (an API token cannot step up).
    session: bool,
    error: Option<String>,
}

/// The page shown instead of a Z3 or C3 record to a session that has not shown a second
/// factor (Art. 53): a code steps the session up and the record opens.
pub(super) fn step_up_page(
    s: &AppState,
    caller: &crate::auth::Caller,
    lang: Lang,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> UiResult<Response> {
    page_with(
        lang,
        status,
        &StepUpPage {
            c: chrome(s, caller, lang.tr),
            next: safe_next(Some(next)),
            session: caller.session.is_some(),
            error,
        },
    )
}

/// The step-up form.
#[derive(Debug, Deserialize)]
pub struct StepUpForm {
    code: String,
    #[serde(default)]
    next: String,
}

async fn step_up(State(s): State<AppState>, client: Client, f: UiForm<StepUpForm>) -> UiResult<Response> {
    let lang = f.lang;
    let caller = f.caller.clone();
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let next = safe_next(Some(&f.form.next));
    match authn::step_up_session(&s, person, &client_in(client, lang), f.form.code.trim()).await {
        Ok(opened) => Ok(see_other(&next, opened.cookie)),
        Err(e) if e.code == "bad-code" => step_up_page(
            &s,
            &caller,
            lang,
            &next,
            Some(lang.tr.s("bad_code").to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::UNAUTHORIZED => {
            step_up_page(&s, &caller, lang, &next, Some(e.detail), e.status)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

// ---- sessions -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_sessions.html")]
struct SessionsPage {
    c: Chrome,
    sessions: Vec<SessionRow>,
}

/// A session as listed.
pub struct SessionRow {
    id: i64,
    created: String,
    last_seen: String,
    expires: String,
    mfa: bool,
    from: String,
    browser: String,
    current: bool,
}

fn row(v: SessionView) -> SessionRow {
    SessionRow {
        id: v.id,
        created: super::local(v.created),
        last_seen: super::local(v.last_seen),
        expires: super::local(v.expires),
        mfa: v.mfa,
        from: v.source_ip.unwrap_or_default(),
        browser: v.user_agent.unwrap_or_default(),
        current: v.current,
    }
}

async fn sessions_page(
    State(s): State<AppState>,
    lang: Lang,
    super::UiCaller(caller): super::UiCaller,
) -> UiResult<Response> {
    let sessions = authn::sessions_of(&s, &caller)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    page(
        lang,
        &SessionsPage {
            c: chrome(&s, &caller, lang.tr),
            sessions: sessions.into_iter().map(row).collect(),
        },
    )
}

async fn revoke_session(State(s): State<AppState>, Path(id): Path<i64>, f: UiForm<Nothing>) -> UiResult<Response> {
    authn::end_own_session(&s, &f.caller, id)
        .await
        .map_err(|e| UiError::new(f.lang.tr, e))?;
    if f.caller.session == Some(id) {
        return Ok(see_other(
            "/ui/login?done=logout",
            Some(set_cookie(&s.config.auth, "", 0)),
        ));
    }
    Ok(see_other("/ui/sessions", None))
}

// ---- forgot password and reset ------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_forgot.html")]
struct ForgotPage {
    c: Chrome,
    email: String,
    error: Option<String>,
    /// The request was taken: the same words whether or not the address is known.
    accepted: Option<&'static str>,
}

async fn forgot_page(lang: Lang) -> UiResult<Response> {
    page(
        lang,
        &ForgotPage {
            c: anonymous(lang),
            email: String::new(),
            error: None,
            accepted: None,
        },
    )
}

/// The "forgot password" form.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    email: String,
}

async fn forgot(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<ForgotForm>,
) -> UiResult<Response> {
    super::same_site(&headers, lang.tr)?;
    match authn::request_reset(&s, &client_in(client, lang), &f.email).await {
        Ok(()) => page(
            lang,
            &ForgotPage {
                c: anonymous(lang),
                email: String::new(),
                error: None,
                accepted: Some(match lang.tr {
                    super::Tr::Sl => ACCEPTED.message_sl,
                    super::Tr::En => ACCEPTED.message_en,
                }),
            },
        ),
        Err(e) if e.status.is_client_error() => page_with(
            lang,
            e.status,
            &ForgotPage {
                c: anonymous(lang),
                email: f.email,
                error: Some(refusal(&e)),
                accepted: None,
            },
        ),
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

#[derive(Template)]
#[template(path = "account_reset.html")]
struct ResetPage {
    c: Chrome,
    token: String,
    username: String,
    errors: BTreeMap<&'static str, String>,
}

/// The code of a reset link.
#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

async fn reset_link(Query(q): Query<ResetQuery>) -> Response {
    let mut to = "/ui/reset".to_owned();
    if let Some(t) = q.token {
        let encoded: String = url_escape(&t);
        to = format!("/ui/reset?token={encoded}");
    }
    Redirect::to(&to).into_response()
}

/// Percent-encodes a query value (a reset code is hex and dashes, but a hand-edited link may
/// hold anything).
pub(super) fn url_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn reset_page(lang: Lang, Query(q): Query<ResetQuery>) -> UiResult<Response> {
    page(
        lang,
        &ResetPage {
            c: anonymous(lang),
            token: q.token.unwrap_or_default(),
            username: String::new(),
            errors: BTreeMap::new(),
        },
    )
}

/// The reset form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    token: String,
    username: String,
    new: String,
    confirm: String,
}

async fn reset(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<ResetForm>,
) -> UiResult<Response> {
    super::same_site(&headers, lang.tr)?;
    let mut errors = BTreeMap::new();
    if f.new != f.confirm {
        errors.insert("confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        let request = ResetRequest {
            token: f.token.trim().to_owned(),
            username: f.username.trim().to_owned(),
            new_password: f.new,
        };
        match authn::complete_reset(&s, &client_in(client, lang), request).await {
            Ok(_) => return Ok(see_other("/ui/login?done=password", None)),
            Err(e) if e.code == "weak-password" => {
                errors.insert("new", broken_rules(&e));
            }
            Err(e) if e.code == "invalid-reset" => {
                errors.insert("token", lang.tr.s("invalid_reset").to_owned());
            }
            Err(e) if e.status.is_client_error() => {
                errors.insert("token", e.detail);
            }
            Err(e) => return Err(UiError::new(lang.tr, e)),
        }
    }
    page_with(
        lang,
        StatusCode::UNPROCESSABLE_ENTITY,
        &ResetPage {
            c: anonymous(lang),
            token: f.token,
            username: f.username,
            errors,
        },
    )
}

// ---- the signed-in person, in any state of sign-in -----------------------------------------

/// A person signed in, possibly in a restricted state (a temporary password to change, a
/// second factor to enrol): the pages of those steps take this instead of [`super::UiCaller`].
pub struct UiPerson(pub Person);

impl UiPerson {
    fn restricted_to(&self, state: SessionState) -> bool {
        self.0.session.as_ref().is_some_and(|x| x.state == state)
    }
}

impl axum::extract::FromRequestParts<AppState> for UiPerson {
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(lang) = <Lang as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state).await;
        match login::authenticate(parts, state, true).await {
            Ok((caller, session)) => Ok(UiPerson(Person { caller, session })),
            Err(e) => Err(UiError::new(lang.tr, e).at(parts)),
        }
    }
}
