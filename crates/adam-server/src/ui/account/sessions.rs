//! My sessions: the list, and ending one.

use super::super::chrome::UiPath;
use super::*;

// ---- sessions -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_sessions.html")]
pub(super) struct SessionsPage {
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
