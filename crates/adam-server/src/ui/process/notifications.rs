//! The ministry's register of incidents in the UI (Art. 20): the keepers of an installation the
//! ministry runs register a body's notification file (`adam.security-event-notification/1`,
//! Art. 19(4)–(5)) pasted or uploaded (`multipart/form-data`, the CSRF token first). The rules
//! are the service's (`service::process::register_notification`): once per body and
//! identification mark, started by the register's keepers only; a refusal comes back at the
//! form with the text kept.

use super::super::chrome::*;
use crate::authn::Scope;
use crate::error::WebError;
use crate::service::process as svc;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
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
        may_register: svc::keeper(&w, caller, s.now()) && caller.has(Scope::Write),
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
    let (caller, text) = super::pasted_or_uploaded(&s, t, request, "notification", MAX_NOTIFICATION).await?;
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
