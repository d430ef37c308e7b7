//! What the UI's forms share: reading a typed field into its type with the message at the
//! field (so the form can come back with what was typed), the optional fields that may stay
//! empty, the refusal of a save over someone else's, and the switches (valid, active) that ask
//! before switching off.

use super::chrome::{Lang, SwitchForm, UiError, UiForm, UiResult, saved, switch_errors, too_long};
use super::confirm::{Confirmation, confirm_first, confirmed};
use super::grants::{grantee_page, grantee_words};
use super::i18n::Tr;
use crate::error::{ApiResult, WebError};
use crate::service::directory as dir;
use crate::state::AppState;
use adam_core::{Error, Grantee, Revision, Text, World};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// A form's messages, by the field they stand at.
pub(super) type Errors = BTreeMap<&'static str, String>;

/// A parsed field, or `None` with its refusal said at `key` in the request's language.
pub(super) fn checked<T>(parsed: Result<T, Error>, key: &'static str, errors: &mut Errors) -> Option<T> {
    parsed.map_err(|e| errors.insert(key, crate::error::said(&e))).ok()
}

/// A required text field: over [`Text::MAX`] characters it is refused with the limit and the
/// count (rather than the bare rule), otherwise by [`Text`]'s own rule; the message at `key`.
pub(super) fn text(value: &str, field: &'static str, key: &'static str, errors: &mut Errors, lang: Tr) -> Option<Text> {
    if too_long(value.trim(), Text::MAX, key, errors, lang) {
        return None;
    }
    checked(Text::parse(field, value), key, errors)
}

/// An optional field: empty is `Some(None)`; otherwise what `parse` makes of it, or `None` with
/// the refusal at `key`.
pub(super) fn optional<T>(
    value: &str,
    key: &'static str,
    errors: &mut Errors,
    parse: impl FnOnce(&str) -> Result<T, Error>,
) -> Option<Option<T>> {
    match value.trim() {
        "" => Some(None),
        v => checked(parse(v), key, errors).map(Some),
    }
}

/// Two administrators editing the same record: the second save is refused (412 `stale`), not
/// silently written over the first. `current` is the record's revision now, `seen` the one the
/// page showed; `en` and `sl` say which record.
pub(super) fn unchanged_since(
    current: Result<Revision, Error>,
    seen: Revision,
    en: &'static str,
    sl: &'static str,
) -> ApiResult<()> {
    match current {
        Ok(rev) if rev != seen => Err(WebError::new(StatusCode::PRECONDITION_FAILED, "stale", en).sl(sl)),
        _ => Ok(()),
    }
}

/// Switches a person active or not, or a job or an office valid or not (`what`): switching off
/// asks first (the confirmation step of `ui/confirm.rs`), then the command — the API's, made by
/// `service::directory` — runs and the page is shown again; a refusal comes back on that page,
/// its message at the switch (422).
pub(super) async fn switch(
    s: AppState,
    lang: Lang,
    what: Grantee,
    UiForm { caller, form: f, .. }: UiForm<SwitchForm>,
) -> UiResult<Response> {
    let on = f.to == 1;
    let (command, page, anchor, field) = match what {
        Grantee::User(user) => (
            dir::activation(user, on),
            format!("/ui/users/{}", user.0),
            "#account",
            "active",
        ),
        Grantee::Job(job) => (
            dir::job_validity(job, on),
            format!("/ui/jobs/{}", job.0),
            "#job-admin",
            "valid",
        ),
        Grantee::Office(office) => (
            dir::office_validity(office, on),
            format!("/ui/offices/{}", office.0),
            "",
            "valid",
        ),
        Grantee::Everyone => {
            return Err(UiError::new(lang.tr, WebError::not_found("nothing to switch")));
        }
    };
    let (title, button) = match what {
        Grantee::User(_) => ("confirm_deactivate", "deactivate"),
        _ => ("confirm_invalidate", "invalidate"),
    };
    let ask = |w: &World, tr| Confirmation {
        title,
        button,
        lines: vec![grantee_words(w, what, tr)],
        action: format!("{page}/{field}"),
        fields: vec![("to".to_owned(), "0".to_owned())],
        back: format!("{page}{anchor}"),
    };
    if let Some(asked) = confirm_first(&s, &caller, lang, &command, on || confirmed(&f.confirm), ask)? {
        return Ok(asked);
    }
    match saved(lang, s.execute(&caller, None, command).await)? {
        None => Ok(Redirect::to(&page).into_response()),
        Some(detail) => grantee_page(&s, &caller, lang, what, switch_errors(detail), |_| {}, false).await,
    }
}
