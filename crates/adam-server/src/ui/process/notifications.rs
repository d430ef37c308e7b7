//! The ministry's register of incidents in the UI (Art. 20): the keepers of an installation the
//! ministry runs register a body's notification file (`adam.security-event-notification/1`,
//! Art. 19(4)–(5)) pasted or uploaded (`multipart/form-data`, the CSRF token first). The rules
//! are the service's (`service::process::register_notification`): once per body and
//! identification mark, started by the register's keepers only; a refusal comes back at the
//! form with the text kept.

use super::super::chrome::*;
use super::super::multipart::Multipart;
use crate::authn::{CSRF_HEADER, Scope, authenticate};
use crate::error::WebError;
use crate::service::process as svc;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "notifications.html")]
pub(crate) struct NotificationsPage {
    pub(crate) c: Chrome,
    /// Whether the caller may register (the register's keepers, with the write scope).
    pub(crate) may_register: bool,
    /// The pasted file, kept after a refusal.
    pub(crate) text: String,
    pub(crate) error: String,
}

fn view(s: &AppState, caller: &crate::authn::Caller, t: super::super::i18n::Tr) -> UiResult<NotificationsPage> {
    reader(caller, t)?;
    let w = s.world();
    Ok(NotificationsPage {
        c: chrome(s, caller, t),
        may_register: svc::keeper(&w, caller, s.now()) && caller.require(Scope::Write).is_ok(),
        text: String::new(),
        error: String::new(),
    })
}

pub(crate) async fn notifications_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    page(lang, &view(&s, &caller, lang.tr)?)
}

/// The largest notification file the form takes.
const MAX_NOTIFICATION: usize = 256 * 1024;

/// Registers a notification pasted into the form or uploaded as a file.
pub(crate) async fn register(State(s): State<AppState>, lang: Lang, request: Request) -> UiResult<Response> {
    let t = lang.tr;
    let (mut parts, body) = request.into_parts();
    same_site(&parts.headers, t)?;
    let bad = |detail: String| UiError::new(t, WebError::new(StatusCode::BAD_REQUEST, "bad-form", detail));
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut form = Multipart::new(content_type, body).map_err(|e| bad(e.to_string()))?;
    let (mut csrf, mut pasted, mut file) = (None, String::new(), String::new());
    while let Some(head) = form.next_part().await.map_err(|e| bad(e.to_string()))? {
        let value = form.text(MAX_NOTIFICATION).await.map_err(|e| bad(e.to_string()))?;
        match (head.name.as_str(), head.filename.is_some()) {
            ("_csrf", _) => csrf = Some(value),
            ("notification", false) => pasted = value,
            ("file", true) => file = value,
            _ => {}
        }
    }
    if !parts.headers.contains_key(CSRF_HEADER)
        && let Some(v) = csrf.and_then(|t| HeaderValue::from_str(&t).ok())
    {
        parts.headers.insert(CSRF_HEADER, v);
    }
    let (caller, _) = authenticate(&parts, &s, false).await.map_err(|e| UiError::new(t, e))?;
    caller.require(Scope::Write).ui(t)?;
    let mut p = view(&s, &caller, t)?;
    if !p.may_register {
        return Err(UiError::new(
            t,
            WebError::forbidden(
                "not-register-keeper",
                "notifications are registered by the installation's information-security lead or coordinator",
            )
            .sl("priglasitve vpisuje vodja informacijske varnosti ali koordinator namestitve"),
        ));
    }
    // An uploaded file wins over the text box; the page keeps what was sent.
    let text = if file.trim().is_empty() { pasted } else { file };
    if text.trim().is_empty() {
        p.error = t.s("ntf_paste_or_upload").to_owned();
    } else {
        match serde_json::from_str::<svc::IncomingNotification>(&text) {
            Err(e) => {
                p.error = format!("{}: {e}", t.s("ntf_not_a_file"));
            }
            Ok(n) => match svc::register_notification(&s, &caller, n).await {
                Ok(id) => return Ok(Redirect::to(&format!("/ui/cases/{}", id.0)).into_response()),
                Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                    return Err(UiError::new(t, e));
                }
                Err(e) => p.error = e.detail,
            },
        }
    }
    p.text = text;
    refused_page(lang, &p)
}
