//! The person's own pages (SPEC §4, §6; issue 6): sign in, the second-factor step, "I forgot
//! my password", setting a new password (after a temporary one, or from a reset e-mail), the
//! second factor (enrolment with a QR code, backup codes, reporting it lost), my sessions, my
//! API tokens (reporting one lost) and signing out.
//!
//! Every page calls the same functions as the API (`crate::authn`), so a rule — attempt
//! limits, the password policy, the audit records, "the same answer whether or not the account
//! exists" — holds in both. Forms are plain HTML and work without script; every state-changing
//! form of a signed-in person carries the session's CSRF token (see [`crate::ui::chrome::UiForm`]). The
//! sign-in forms themselves need none: they authenticate nobody yet, and the session cookie is
//! `SameSite=Strict`.

use crate::authn::set_cookie;
use crate::authn::{
    self, ACCEPTED, Client, LoginRequest, Opened, PasswordChangeRequest, Person, ResetRequest, SecondFactor,
    SessionView,
};
use crate::body::MAX_PUBLIC_BODY;
use crate::error::WebError;
use crate::state::{AppState, blocking};
use crate::ui::chrome::{Chrome, Lang, Nothing, UiError, UiForm, UiResult, chrome, page, to, url_escape};
use adam_store::SessionState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::BTreeMap;

mod factor;
mod password;
mod reset;
mod sessions;
mod signin;

use factor::*;
use password::*;
use reset::*;
use sessions::*;
use signin::*;

pub(super) use factor::step_up_page;

/// The routes of the person's own pages.
pub(super) fn routes() -> crate::ui::Routes {
    crate::ui::Routes::new()
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
        .route("/ui/tokens/{id}/lost", get(to("/ui/sessions")).post(report_token_lost))
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

/// A page for someone not signed in (yet).
fn anonymous(lang: Lang) -> Chrome {
    Chrome {
        t: lang.tr,
        user_name: String::new(),
        csrf: None,
        reviewer: false,
        head: false,
        restricted: false,
        overview: false,
        access_reviews: false,
        inventory: false,
        site: None,
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
        crate::ui::i18n::Tr::Sl => adam_auth::password::Lang::Sl,
        crate::ui::i18n::Tr::En => adam_auth::password::Lang::En,
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

// ---- the signed-in person, in any state of sign-in -----------------------------------------

/// A person signed in, possibly in a restricted state (a temporary password to change, a
/// second factor to enrol): the pages of those steps take this instead of [`crate::ui::chrome::UiCaller`].
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
        match crate::authn::authenticate(parts, state, true).await {
            Ok((caller, session)) => Ok(UiPerson(Person { caller, session })),
            Err(e) => Err(UiError::new(lang.tr, e).at(parts)),
        }
    }
}
