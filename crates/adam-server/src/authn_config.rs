//! The settings of authentication and its runtime pieces, one per server: the hasher, the
//! attempt limiters, the backup-code key, the password policy and the language of messages.
//!
//! A leaf beside `authn/` rather than inside it (it is re-exported there, `authn::AuthConfig`):
//! the server's state holds these, and `authn/` builds on the state, so keeping them here lets
//! `state.rs` depend on them without naming `authn` (ARCHITECTURE.md: "`state` does not import
//! `authn`").

use crate::error::{ApiResult, WebError};
use crate::mail::MailConfig;
use adam_auth::hash::{HashParams, PasswordHasher};
use adam_auth::limiter::{AttemptLimiter, GlobalBudget, LimitPolicy};
use adam_auth::password::{Lang, PasswordPolicy};
use adam_auth::totp::BackupCodeKey;
use adam_core::*;
use axum::http::{HeaderMap, header};
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock, PoisonError};

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
