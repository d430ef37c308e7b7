//! What the UI's forms share: reading a typed field into its type with the message at the
//! field (so the form can come back with what was typed), the optional fields that may stay
//! empty, the refusal of a save over someone else's, and the switches (valid, active) that ask
//! before switching off.

use super::chrome::{Lang, SwitchForm, UiResult, saved, too_long};
use super::confirm::{Confirmation, confirm_first, confirmed};
use super::i18n::Tr;
use crate::authn::Caller;
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::{Command, Error, Revision, Text, World};
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

/// A switch (valid or not, active or not): switching off asks first (`ask` says what), then
/// the command runs. `Ok(Ok(_))` is the answer to send (the confirmation page, or back to
/// `done`); `Ok(Err(detail))` a refusal, which the caller shows at the switch of its page.
pub(super) async fn switch(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    f: &SwitchForm,
    command: Command,
    ask: impl FnOnce(&World, Tr) -> Confirmation,
    done: String,
) -> UiResult<Result<Response, String>> {
    if let Some(page) = confirm_first(s, caller, lang, &command, f.to == 1 || confirmed(&f.confirm), ask)? {
        return Ok(Ok(page));
    }
    Ok(match saved(lang, s.execute(caller, None, command).await)? {
        None => Ok(Redirect::to(&done).into_response()),
        Some(detail) => Err(detail),
    })
}
