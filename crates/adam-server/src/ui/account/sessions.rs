//! My sessions: the list, and ending one; my API tokens (for the system administrator also
//! the service accounts'), and reporting one lost or stolen
//! (Art. 33: revoked at once and a security event opened for the lead, the function the API's
//! `POST /api/v1/tokens/{id}/lost` calls).

use super::super::chrome::UiPath;
use super::*;

// ---- sessions -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_sessions.html")]
pub(super) struct SessionsPage {
    c: Chrome,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    /// A token was just reported lost: the page says what happened.
    token_lost: bool,
}

/// An API token as listed: never its secret, only the first characters it begins with.
pub struct TokenRow {
    id: i64,
    /// The account it acts as (a username).
    account: String,
    name: String,
    prefix: String,
    created: String,
    expires: String,
    last_used: String,
    /// When revoked (empty: it works).
    revoked: String,
}

fn token_row((account, t): (String, adam_store::ApiToken)) -> TokenRow {
    let local = crate::ui::chrome::local;
    TokenRow {
        id: t.id,
        account,
        name: t.name,
        prefix: t.prefix,
        created: local(t.created),
        expires: t.expires.map(local).unwrap_or_default(),
        last_used: t.last_used.map(local).unwrap_or_default(),
        revoked: t.revoked.map(local).unwrap_or_default(),
    }
}

/// The query of the sessions page: `done=token-lost` after a token was reported lost.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SessionsQuery {
    #[serde(default)]
    done: String,
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

pub(super) fn row(v: SessionView) -> SessionRow {
    SessionRow {
        id: v.id,
        created: crate::ui::chrome::local(v.created),
        last_seen: crate::ui::chrome::local(v.last_seen),
        expires: crate::ui::chrome::local(v.expires),
        mfa: v.mfa,
        from: v.source_ip.unwrap_or_default(),
        browser: v.user_agent.unwrap_or_default(),
        current: v.current,
    }
}

pub(super) async fn sessions_page(
    State(s): State<AppState>,
    lang: Lang,
    crate::ui::chrome::UiCaller(caller): crate::ui::chrome::UiCaller,
    Query(q): Query<SessionsQuery>,
) -> UiResult<Response> {
    let sessions = authn::sessions_of(&s, &caller)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    let tokens = authn::manageable_tokens(&s, &caller)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    page(
        lang,
        &SessionsPage {
            c: chrome(&s, &caller, lang.tr),
            sessions: sessions.into_iter().map(row).collect(),
            tokens: tokens.into_iter().map(token_row).collect(),
            token_lost: q.done == "token-lost",
        },
    )
}

/// Reports one of the person's API tokens lost or stolen: revoked at once, the loss recorded
/// and a security event opened for the lead.
pub(super) async fn report_token_lost(
    State(s): State<AppState>,
    UiPath(id): UiPath<i64>,
    f: UiForm<Nothing>,
) -> UiResult<Response> {
    authn::report_lost_token(&s, &f.caller, id)
        .await
        .map_err(|e| UiError::new(f.lang.tr, e))?;
    Ok(see_other("/ui/sessions?done=token-lost#tokens", None))
}

pub(super) async fn revoke_session(
    State(s): State<AppState>,
    UiPath(id): UiPath<i64>,
    f: UiForm<Nothing>,
) -> UiResult<Response> {
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
