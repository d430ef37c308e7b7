//! Sessions for people, next to the API tokens of applications (SPEC §4, issue 5).
//!
//! A person signs in with username and password (`api/authn.rs`); the answer sets a cookie
//! holding a 256-bit session secret, of which the store keeps only the SHA-256, and returns a
//! CSRF token (also stored hashed) that every state-changing request authenticated by the
//! cookie must echo in `X-CSRF-Token` (the synchronizer-token pattern; a cross-site form
//! cannot read it). A session ends at logout, after [`AuthConfig::idle_timeout`] without a
//! request, at [`AuthConfig::absolute_timeout`] after sign-in, or when the account's password
//! changes. Half-finished sign-ins are sessions too, in a restricted state (see
//! [`SessionState`]): they authenticate nothing but the one step they are for.
//!
//! This module holds the settings, the runtime pieces (hasher, attempt limits, the backup-code
//! key) and [`authenticate`], the one place a request's credentials are turned into a
//! [`Caller`].

use crate::auth::{Caller, MIN_REVISION, Scope, hash_secret};
use crate::error::{ApiResult, WebError};
use crate::mail::MailConfig;
use crate::state::{AppState, blocking};
use adam_auth::hash::{HashParams, PasswordHasher};
use adam_auth::limiter::{AttemptLimiter, GlobalBudget, LimitPolicy};
use adam_auth::password::{Lang, PasswordPolicy};
use adam_auth::totp::BackupCodeKey;
use adam_core::{AccountKind, Authority, Revision, Timestamp, UserId};
use adam_store::{AuthSession, SessionState};
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Mutex, OnceLock, PoisonError};

/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The network address.
    pub addr: IpAddr,
    /// The prefix length.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `::1/128` or a bare address.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, p.parse::<u8>().ok()?),
            None => {
                let a = text.trim().parse::<IpAddr>().ok()?;
                (a, if a.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Settings of sign-in and sessions.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Mark the cookie `Secure` and name it `__Host-adam_session` (default). Only a test or a
    /// demo over plain HTTP on loopback turns this off; the cookie is then `adam_session`.
    pub secure_cookies: bool,
    /// A session without a request for this long ends (seconds).
    pub idle_timeout: i64,
    /// A session ends this long after sign-in whatever happens (seconds).
    pub absolute_timeout: i64,
    /// How long a login challenge (password right, second factor outstanding) lasts (seconds).
    pub challenge_timeout: i64,
    /// Networks that are not remote access: from elsewhere a second factor is required.
    pub trusted_networks: Vec<Cidr>,
    /// The installation itself holds Z3 or C3 information (SPEC §4, Art. 53: a second factor
    /// "whenever the object or system is Z3 or C3"): every sign-in needs a second factor,
    /// from any network.
    pub mfa_for_everyone: bool,
    /// Argon2id parameters for new hashes (stored hashes keep theirs until the next sign-in).
    pub hash_params: HashParams,
    /// Attempt limits per account from one source address (delays, then a lock for that
    /// source that grows with each repetition).
    pub account_limit: LimitPolicy,
    /// Attempt limits per account from every source: consecutive failures until a lock for
    /// everyone (NIST SP 800-63B: at most 100, until a user administrator unlocks).
    pub account_total_limit: LimitPolicy,
    /// Attempt limits per source address.
    pub address_limit: LimitPolicy,
    /// The global budget of failures: capacity and refill per minute.
    pub global_limit: (u32, u32),
    /// Limits of "forgot password" requests, per e-mail address and per source address.
    pub forgot_limit: LimitPolicy,
    /// How long a reset link is valid (seconds).
    pub reset_lifetime: i64,
    /// The address people reach ADAM at, for links in e-mail.
    pub public_url: String,
    /// Outgoing e-mail; without it reset requests are recorded but no e-mail goes out.
    pub mail: Option<MailConfig>,
    /// The key of backup-code hashes, kept outside the database. Without it the server makes
    /// one per process (codes then stop working at a restart): `serve` keeps it in a file.
    pub backup_code_key: Option<BackupCodeKey>,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            secure_cookies: true,
            idle_timeout: 30 * 60,
            absolute_timeout: 12 * 3600,
            challenge_timeout: 5 * 60,
            trusted_networks: ["127.0.0.0/8", "::1/128"]
                .iter()
                .filter_map(|c| Cidr::parse(c))
                .collect(),
            mfa_for_everyone: false,
            hash_params: HashParams::STANDARD,
            account_limit: LimitPolicy::ACCOUNT,
            account_total_limit: LimitPolicy::ACCOUNT_TOTAL,
            address_limit: LimitPolicy::ADDRESS,
            global_limit: GlobalBudget::STANDARD,
            // One request, then 60 s doubling to 10 minutes between requests, locked for an
            // hour after 5: enough for a person who mistyped, useless for flooding a mailbox.
            forgot_limit: LimitPolicy::new(60, 600, Some(5), 3600, 3600, 100_000).unwrap_or(LimitPolicy::ADDRESS),
            reset_lifetime: 30 * 60,
            public_url: "http://127.0.0.1:8080".to_owned(),
            mail: None,
            backup_code_key: None,
        }
    }
}

/// The runtime side of authentication, one per server.
pub struct Authn {
    /// Hashes with the configured parameters.
    pub hasher: PasswordHasher,
    /// Failed sign-ins (and TOTP codes, password checks, reset codes).
    pub limiter: Mutex<AttemptLimiter>,
    /// "Forgot password" requests.
    pub forgot: Mutex<AttemptLimiter>,
    /// The backup-code key.
    pub backup_key: BackupCodeKey,
    /// A hash of nothing anyone knows, verified when the username is unknown so that an
    /// unknown account costs the same time as a wrong password.
    pub dummy_phc: String,
    /// Bounds concurrent Argon2 computations (each holds its memory cost).
    pub hashing: tokio::sync::Semaphore,
}

/// Why the authentication runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum AuthnError {
    /// The operating system gave no randomness.
    #[error("no randomness: {0}")]
    Random(String),
    /// The hash parameters were refused.
    #[error("password hashing: {0}")]
    Hash(#[from] adam_auth::hash::HashError),
}

impl Authn {
    /// The runtime for `config`, at `now`.
    pub fn new(config: &AuthConfig, now: Timestamp) -> Result<Authn, AuthnError> {
        let hasher = PasswordHasher::new(config.hash_params);
        let backup_key = match &config.backup_code_key {
            Some(k) => k.clone(),
            None => BackupCodeKey::generate().map_err(|e| AuthnError::Random(e.to_string()))?,
        };
        let noise = adam_auth::random::bytes::<32>().map_err(|e| AuthnError::Random(e.to_string()))?;
        let dummy_phc = hasher.hash(&hex::encode(noise))?.as_str().to_owned();
        let global = |(capacity, per_minute): (u32, u32)| {
            GlobalBudget::new(capacity, per_minute, now).ok_or_else(|| AuthnError::Random("bad global budget".into()))
        };
        Ok(Authn {
            hasher,
            limiter: Mutex::new(AttemptLimiter::per_source(
                config.account_limit,
                config.account_total_limit,
                config.address_limit,
                global(config.global_limit)?,
            )),
            // Per e-mail address the reset policy; per source address the sign-in one (an
            // office behind one address may have several people who forgot).
            forgot: Mutex::new(AttemptLimiter::new(
                config.forgot_limit,
                config.address_limit,
                global(GlobalBudget::STANDARD)?,
            )),
            backup_key,
            dummy_phc,
            hashing: tokio::sync::Semaphore::new(2),
        })
    }

    /// The attempt limiter, locked.
    pub fn limiter(&self) -> std::sync::MutexGuard<'_, AttemptLimiter> {
        self.limiter.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The reset-request limiter, locked.
    pub fn forgot(&self) -> std::sync::MutexGuard<'_, AttemptLimiter> {
        self.forgot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The password policy with its bundled lists, loaded at first use.
pub fn policy() -> ApiResult<PasswordPolicy> {
    static POLICY: OnceLock<Result<PasswordPolicy, String>> = OnceLock::new();
    POLICY
        .get_or_init(|| PasswordPolicy::standard().map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| WebError::internal(&e))
}

/// The language of messages, from `Accept-Language` (Slovenian or English, English by default).
pub fn language(headers: &HeaderMap) -> Lang {
    let header = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        let lang = if tag == "sl" || tag.starts_with("sl-") {
            Lang::Sl
        } else if tag == "en" || tag.starts_with("en-") {
            Lang::En
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::En, |(_, l)| l)
}

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
pub fn new_secret() -> ApiResult<String> {
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
    let secret = new_secret()?;
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
const SESSION_SCOPES: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Check];

/// Turns a request's credentials into a caller: an API token (`Authorization: Bearer`) or a
/// session cookie. With `restricted`, a session in a restricted state (password change or
/// second-factor enrolment) is accepted too and returned, for the handlers of those steps;
/// otherwise only an active session is. A cookie-authenticated request with an unsafe method
/// must carry the session's CSRF token.
pub async fn authenticate(parts: &Parts, s: &AppState, restricted: bool) -> ApiResult<(Caller, Option<AuthSession>)> {
    let (user, scopes, mfa, session, csrf) = if parts.headers.contains_key(header::AUTHORIZATION) {
        let token = crate::auth::bearer(parts, s).await?;
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
        ));
    };
    let kind = {
        let world = s.world();
        let account = world
            .user(user)
            .map_err(|_| WebError::unauthenticated("the account does not exist"))?;
        if !account.active {
            return Err(WebError::unauthenticated("the account is inactive"));
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
async fn session_of(parts: &Parts, s: &AppState, secret: &str, restricted: bool) -> ApiResult<AuthSession> {
    let store = s.store.clone();
    let hash = hash_secret(secret);
    let session = blocking(move || store.session_by_hash(&hash))
        .await??
        .ok_or_else(|| WebError::unauthenticated("the session is not known; sign in again"))?;
    let now = s.now();
    if !alive(&session, &s.config.auth, now) {
        return Err(WebError::unauthenticated("the session has ended; sign in again"));
    }
    match session.state {
        SessionState::Active => {}
        SessionState::Mfa => {
            return Err(WebError::unauthenticated(
                "the sign-in is not finished: send the second factor",
            ));
        }
        SessionState::PasswordChange if !restricted => {
            return Err(WebError::forbidden(
                "password-change-required",
                "change the temporary password first (POST /api/v1/auth/password)",
            ));
        }
        SessionState::MfaEnrolment if !restricted => {
            return Err(WebError::forbidden(
                "mfa-enrolment-required",
                "this account needs a second factor: enrol one first (POST /api/v1/auth/totp)",
            ));
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
            ));
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
