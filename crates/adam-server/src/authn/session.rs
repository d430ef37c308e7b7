//! Sessions for people, next to the API tokens of applications (SPEC §4, issue 5).
//!
//! A person signs in with username and password (`signin.rs`); the answer sets a cookie
//! holding a 256-bit session secret, of which the store keeps only the SHA-256, and returns a
//! CSRF token (also stored hashed) that every state-changing request authenticated by the
//! cookie must echo in `X-CSRF-Token` (the synchronizer-token pattern; a cross-site form
//! cannot read it). A session ends at logout, after [`AuthConfig::idle_timeout`] without a
//! request, at [`AuthConfig::absolute_timeout`] after sign-in, or when the account's password
//! changes. Half-finished sign-ins are sessions too, in a restricted state (see
//! [`SessionState`]): they authenticate nothing but the one step they are for.
//!
//! [`authenticate`] is the one place a request's credentials are turned into a [`Caller`].

use super::caller::*;
use super::scope::*;
use super::token::*;
use crate::authn_config::*;
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::{AuthSession, SessionState, TotpEnrolment};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The header carrying the minimum revision.
pub const MIN_REVISION: &str = "x-adam-min-revision";

/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address (loopback when the server was not told: a test calling the router).
pub fn client_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip())
}

/// The session cookie's name.
pub fn cookie_name(config: &AuthConfig) -> &'static str {
    if config.secure_cookies {
        "__Host-adam_session"
    } else {
        "adam_session"
    }
}

/// A `Set-Cookie` value carrying `secret` for `max_age` seconds (0 clears it).
pub fn set_cookie(config: &AuthConfig, secret: &str, max_age: i64) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        cookie_name(config)
    )
}

/// The value of the session cookie in a request, if any.
pub fn session_cookie(headers: &HeaderMap, config: &AuthConfig) -> Option<String> {
    let name = cookie_name(config);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// A new random secret: 64 hex digits.
pub fn session_secret() -> ApiResult<String> {
    adam_auth::random::bytes::<32>()
        .map(hex::encode)
        .map_err(|e| WebError::internal(&e))
}

/// The CSRF token of a session: derived from the session's secret, so that a page rendered for
/// a cookie-authenticated request can carry it in its forms without the server keeping it in
/// clear (the store holds only its SHA-256). It is a different value from the secret, so a page
/// never shows the cookie, and a cross-site attacker can compute it no more than the secret.
pub fn csrf_of(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"adam-csrf-v1\0");
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// A fresh session for `user`: the record to store, its secret and its CSRF token.
pub fn new_session(
    s: &AppState,
    user: UserId,
    state: SessionState,
    mfa: bool,
    source_ip: Option<String>,
    user_agent: Option<String>,
) -> ApiResult<(AuthSession, String, String)> {
    let now = s.now();
    let secret = session_secret()?;
    let csrf = csrf_of(&secret);
    let lifetime = if state == SessionState::Mfa {
        s.config.auth.challenge_timeout
    } else {
        s.config.auth.absolute_timeout
    };
    let session = AuthSession {
        id: 0,
        hash: hash_secret(&secret),
        csrf_hash: hash_secret(&csrf),
        user,
        state,
        mfa,
        created: now,
        last_seen: now,
        expires: now.plus_seconds(lifetime),
        revoked_at: None,
        source_ip,
        user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
    };
    Ok((session, secret, csrf))
}

/// Whether a session is still alive at `now`: not ended, before its absolute end and not idle
/// for longer than the idle timeout.
pub fn alive(session: &AuthSession, config: &AuthConfig, now: Timestamp) -> bool {
    session.revoked_at.is_none() && now < session.expires && now.0 - session.last_seen.0 < config.idle_timeout
}

/// Whether sign-in needs a second factor for this account from this address: user and system
/// administrators always (SPEC §4, Art. 53), everyone from outside the trusted networks, and
/// everyone on an installation that holds Z3/C3 information ([`AuthConfig::mfa_for_everyone`]).
pub fn mfa_required(s: &AppState, user: UserId, ip: IpAddr) -> bool {
    let remote = !s.config.auth.trusted_networks.iter().any(|n| n.contains(ip));
    if remote || s.config.auth.mfa_for_everyone {
        return true;
    }
    let world = s.world();
    let Ok(u) = world.user(user) else { return true };
    if u.kind == AccountKind::Admin {
        return true;
    }
    !matches!(
        world.authority(&adam_core::Actor::user(user), s.now()),
        Ok(Authority::Browse)
    )
}

/// What a person is allowed to use a session for.
pub(crate) const SESSION_SCOPES: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Check];

/// Turns a request's credentials into a caller: an API token (`Authorization: Bearer`) or a
/// session cookie. With `restricted`, a session in a restricted state (password change or
/// second-factor enrolment) is accepted too and returned, for the handlers of those steps;
/// otherwise only an active session is. A cookie-authenticated request with an unsafe method
/// must carry the session's CSRF token.
pub async fn authenticate(parts: &Parts, s: &AppState, restricted: bool) -> ApiResult<(Caller, Option<AuthSession>)> {
    let (user, scopes, mfa, session, csrf) = if parts.headers.contains_key(header::AUTHORIZATION) {
        let token = crate::authn::bearer(parts, s).await?;
        let scopes = token.scopes.iter().filter_map(|n| Scope::parse(n)).collect();
        (token.user, scopes, false, None, None)
    } else if let Some(secret) = session_cookie(&parts.headers, &s.config.auth) {
        let session = session_of(parts, s, &secret, restricted).await?;
        (
            session.user,
            SESSION_SCOPES.to_vec(),
            session.mfa,
            Some(session),
            Some(csrf_of(&secret)),
        )
    } else {
        return Err(WebError::unauthenticated(
            "sign in (POST /api/v1/auth/login) or send an API token: Authorization: Bearer adam_…",
        )
        .sl("prijavite se (POST /api/v1/auth/login) ali pošljite žeton API: Authorization: Bearer adam_…"));
    };
    let kind = {
        let world = s.world();
        let account = world
            .user(user)
            .map_err(|_| WebError::unauthenticated("the account does not exist").sl("račun ne obstaja"))?;
        if !account.active {
            return Err(WebError::unauthenticated("the account is inactive").sl("račun ni aktiven"));
        }
        account.kind
    };
    let min_revision = match parts.headers.get(MIN_REVISION) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(Revision)
                .ok_or_else(|| {
                    WebError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid-header",
                        "X-Adam-Min-Revision must be a revision number",
                    )
                    .sl("X-Adam-Min-Revision mora biti številka revizije")
                })?,
        ),
    };
    if let Some(rev) = min_revision {
        s.wait_for(rev).await?;
    }
    let source_ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    Ok((
        Caller {
            user,
            kind,
            scopes,
            source_ip,
            min_revision,
            mfa,
            session: session.as_ref().map(|x| x.id),
            csrf,
        },
        session,
    ))
}

/// The live session a cookie names, with the CSRF check and the idle clock moved on.
pub(crate) async fn session_of(parts: &Parts, s: &AppState, secret: &str, restricted: bool) -> ApiResult<AuthSession> {
    let store = s.store.clone();
    let hash = hash_secret(secret);
    let session = blocking(move || store.session_by_hash(&hash)).await??.ok_or_else(|| {
        WebError::unauthenticated("the session is not known; sign in again").sl("seja ni znana; prijavite se znova")
    })?;
    let now = s.now();
    if !alive(&session, &s.config.auth, now) {
        return Err(
            WebError::unauthenticated("the session has ended; sign in again").sl("seja je končana; prijavite se znova")
        );
    }
    match session.state {
        SessionState::Active => {}
        SessionState::Mfa => {
            return Err(
                WebError::unauthenticated("the sign-in is not finished: send the second factor")
                    .sl("prijava ni končana: pošljite drugi faktor"),
            );
        }
        SessionState::PasswordChange if !restricted => {
            return Err(WebError::forbidden(
                "password-change-required",
                "change the temporary password first (POST /api/v1/auth/password)",
            )
            .sl("najprej zamenjajte začasno geslo (POST /api/v1/auth/password)"));
        }
        SessionState::MfaEnrolment if !restricted => {
            return Err(WebError::forbidden(
                "mfa-enrolment-required",
                "this account needs a second factor: enrol one first (POST /api/v1/auth/totp)",
            )
            .sl("ta račun potrebuje drugi faktor: najprej ga nastavite (POST /api/v1/auth/totp)"));
        }
        SessionState::PasswordChange | SessionState::MfaEnrolment => {}
    }
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let given = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(hash_secret);
        let ok = given.is_some_and(|g| {
            use subtle_compare::eq;
            eq(g.as_bytes(), session.csrf_hash.as_bytes())
        });
        if !ok {
            return Err(WebError::forbidden(
                "csrf",
                "a request signed in by cookie must carry the session's X-CSRF-Token",
            )
            .sl("zahteva, prijavljena s piškotkom, mora nositi X-CSRF-Token seje"));
        }
    }
    // Moving "last seen" costs a write; once a minute is precise enough for a 30-minute clock.
    if now.0 - session.last_seen.0 >= 60 {
        let store = s.store.clone();
        let id = session.id;
        blocking(move || store.touch_session(id, now)).await??;
    }
    Ok(session)
}

/// Comparison that takes the same time wherever the inputs differ.
mod subtle_compare {
    /// Whether `a` and `b` are equal, looking at every byte.
    pub fn eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

pub(crate) fn clear_cookie(s: &AppState) -> String {
    set_cookie(&s.config.auth, "", 0)
}

/// A handler's [`Caller`]: the request's credentials, authenticated.
impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        authenticate(parts, &state, false).await.map(|(caller, _)| caller)
    }
}

/// Whether an account has a confirmed second factor.
pub(crate) fn confirmed_totp(t: &Option<TotpEnrolment>) -> bool {
    t.as_ref().is_some_and(|t| t.confirmed)
}
