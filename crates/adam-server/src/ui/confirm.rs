//! The confirmation step of a destructive action (revoke, remove from a job, invalidate,
//! deactivate), rendered by the server so that it works without script.
//!
//! A destructive form posts without `confirm=1` first: the handler answers with a page saying
//! what would happen — and, when the change would take the caller's own right to administer
//! users, a warning — whose button posts the same form again with `confirm=1`. A change the
//! engine would refuse anyway is not asked about: the handler goes on and shows the refusal.
//! An important step that is not an engine command (the head confirming a retention hold) asks
//! the same way through [`ask`].

use super::chrome::*;
use super::i18n::Tr;
use crate::authn::Caller;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::response::Response;

#[derive(Template)]
#[template(path = "confirm.html")]
pub(super) struct ConfirmPage {
    pub(super) c: Chrome,
    /// The heading (a key of the words).
    pub(super) title: &'static str,
    /// What would happen, one line each.
    pub(super) lines: Vec<String>,
    /// The change would take the caller's own right to administer users.
    pub(super) loses_own_power: bool,
    /// Where the confirmed form is posted, with its fields (`confirm=1` is added).
    pub(super) action: String,
    pub(super) fields: Vec<(String, String)>,
    /// The confirming button (a key of the words).
    pub(super) button: &'static str,
    /// Where "cancel" leads.
    pub(super) back: String,
}

/// What a destructive form is about to do.
pub(super) struct Confirmation {
    pub(super) title: &'static str,
    pub(super) button: &'static str,
    pub(super) lines: Vec<String>,
    pub(super) action: String,
    pub(super) fields: Vec<(String, String)>,
    pub(super) back: String,
}

/// Whether a form's `confirm` field says yes.
pub(super) fn confirmed(value: &str) -> bool {
    value == "1"
}

/// The confirmation page for `command`, unless it was confirmed or the engine would refuse it
/// (then `None`: the handler goes on).
pub(super) fn confirm_first(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    command: &Command,
    is_confirmed: bool,
    what: impl FnOnce(&World, Tr) -> Confirmation,
) -> UiResult<Option<Response>> {
    if is_confirmed {
        return Ok(None);
    }
    let (loses, confirmation) = {
        let w = s.world();
        match w.would_disempower_actor(&caller.actor(None), command, s.now()) {
            Err(_) => return Ok(None),
            Ok(loses) => (loses, what(&w, lang.tr)),
        }
    };
    let p = ConfirmPage {
        c: chrome(s, caller, lang.tr),
        title: confirmation.title,
        lines: confirmation.lines,
        loses_own_power: loses,
        action: confirmation.action,
        fields: confirmation.fields,
        button: confirmation.button,
        back: confirmation.back,
    };
    page(lang, &p).map(Some)
}

/// The confirmation page for a step that is not an engine command; the handler has checked
/// that the step would be allowed.
pub(super) fn ask(s: &AppState, caller: &Caller, lang: Lang, confirmation: Confirmation) -> UiResult<Response> {
    let p = ConfirmPage {
        c: chrome(s, caller, lang.tr),
        title: confirmation.title,
        lines: confirmation.lines,
        loses_own_power: false,
        action: confirmation.action,
        fields: confirmation.fields,
        button: confirmation.button,
        back: confirmation.back,
    };
    page(lang, &p)
}

/// A form with nothing but its CSRF token and the confirmation.
#[derive(Debug, serde::Deserialize)]
pub struct ConfirmForm {
    /// `1` once the person confirmed.
    #[serde(default)]
    pub(super) confirm: String,
}
