//! "Forgot password": the request by e-mail and the reset with the code it carries.

use super::client::*;
use super::limits::*;
use super::password::*;
use super::trail::*;
use super::types::*;
use crate::error::{ApiResult, WebError};
use crate::mail;
use crate::state::{AppState, blocking};
use adam_auth::token::{TokenHash, TokenKind, TokenRecord};
use adam_core::*;
use adam_store::{PasswordChange, PasswordCredential, PasswordReset, Retention, StoreError};
use axum::http::StatusCode;

/// "I forgot my password": one e-mail listing every account with the address, with a code
/// valid a few minutes. Succeeds the same way whether or not the address is known.
pub(crate) async fn request_reset(s: &AppState, client: &Client, email: &str) -> ApiResult<()> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let now = s.now();
    bounded("/email", email.trim(), MAX_EMAIL, false)?;
    let email = email.trim().to_lowercase();
    // Per e-mail address for everyone (the mailbox is what is protected), keyed by a hash.
    check_limits(&s, Limits::Reset, &email, true, client.ip, now).await?;
    s.authn.forgot().record_failure(&email, client.ip, now);
    share_limits(&s, Limits::Reset, &email, true, client.ip, Vec::new()).await?;
    let (accounts, organisation) = {
        let w = s.world();
        let accounts: Vec<(UserId, mail::ListedAccount)> = w
            .users()
            .iter()
            .filter(|u| u.active && u.kind != AccountKind::SystemUser && u.email.as_str().to_lowercase() == email)
            .map(|u| {
                let offices: Vec<String> = u
                    .jobs
                    .iter()
                    .filter_map(|j| w.job(*j).ok())
                    .filter_map(|j| w.office(j.office).ok())
                    .map(|o| o.name.as_str().to_owned())
                    .collect();
                let offices = if offices.is_empty() {
                    "—".to_owned()
                } else {
                    offices.join(", ")
                };
                (
                    u.id,
                    mail::ListedAccount {
                        username: u.username.as_str().to_owned(),
                        offices,
                    },
                )
            })
            .collect();
        (accounts, w.settings().organisation.as_str().to_owned())
    };
    let object = AuditObject {
        kind: adam_core::EntityKind::User,
        id: accounts.first().map_or(0, |(u, _)| u.0),
        label: accounts
            .iter()
            .map(|(_, a)| a.username.clone())
            .collect::<Vec<_>>()
            .join(", "),
    };
    if accounts.is_empty() {
        let audit = record(
            &s,
            Retention::Access,
            Actor::System,
            Some(client.ip),
            "auth.reset.request",
            object,
            None,
            "refused: unknown-address",
        );
        let store = s.store.clone();
        blocking(move || store.append_audit(&[audit])).await??;
        return Ok(());
    }
    let (secret, token) = TokenRecord::issue(TokenKind::Reset, now, Some(s.config.auth.reset_lifetime))
        .map_err(|e| WebError::internal(&e))?;
    let reset = PasswordReset {
        id: 0,
        hash: hex::encode(token.hash.as_bytes()),
        email: email.clone(),
        users: accounts.iter().map(|(u, _)| *u).collect(),
        created: now,
        expires: now.plus_seconds(s.config.auth.reset_lifetime),
        used_at: None,
        source_ip: Some(client.ip.to_string()),
    };
    let audit = record(
        &s,
        Retention::Change,
        Actor::System,
        Some(client.ip),
        "auth.reset.request",
        object,
        Some(serde_json::json!({"accounts": reset.users, "expires": reset.expires})),
        "ok",
    );
    let store = s.store.clone();
    blocking(move || store.create_reset(&reset, &[audit])).await??;
    if let Some(config) = s.config.auth.mail.clone() {
        let listed: Vec<mail::ListedAccount> = accounts.into_iter().map(|(_, a)| a).collect();
        let link = format!(
            "{}/reset?token={}",
            s.config.auth.public_url.trim_end_matches('/'),
            secret.as_str()
        );
        let message = mail::reset_message(
            &email,
            &organisation,
            &listed,
            &link,
            secret.as_str(),
            s.config.auth.reset_lifetime / 60,
        );
        // Sent in the background: the answer must not take longer for a known address.
        tokio::task::spawn_blocking(move || {
            if let Err(e) = mail::send(&config, &message) {
                tracing::error!(error = %e, "the reset e-mail was not sent");
            }
        });
    } else {
        tracing::warn!("a reset link was requested but no mail server is configured");
    }
    Ok(())
}

/// Sets a new password with the code of a reset e-mail; ends every session of the account.
pub(crate) async fn complete_reset(s: &AppState, client: &Client, b: ResetRequest) -> ApiResult<PasswordChanged> {
    // Credentials are copied from the primary: a change here would be overwritten.
    s.replica.refuse_writes()?;
    let s = s.clone();
    let now = s.now();
    bounded("/token", b.token.trim(), MAX_SECRET, false)?;
    bounded("/username", b.username.trim(), MAX_USERNAME, false)?;
    bounded("/new_password", &b.new_password, MAX_PASSWORD, true)?;
    let known = s.world().user_by_username(&b.username).is_ok();
    check_limits(&s, Limits::SignIn, &b.username, known, client.ip, now).await?;
    let refused = |why: &str| {
        WebError::new(
            StatusCode::GONE,
            "invalid-reset",
            "the reset code is wrong, used or expired; ask for a new e-mail",
        )
        .sl("koda za ponastavitev je napačna, porabljena ali potekla; zahtevajte novo e-pošto")
        .with("reason", why)
    };
    let user = s.world().user_by_username(&b.username).ok();
    let found = match TokenHash::of(b.token.trim()) {
        Ok(hash) => {
            let store = s.store.clone();
            let hex = hex::encode(hash.as_bytes());
            blocking(move || store.reset_by_hash(&hex)).await??
        }
        Err(_) => None,
    };
    let Some(reset) = found.filter(|r| user.is_some_and(|u| r.users.contains(&u))) else {
        failed_attempt(&s, &b.username, user, client.ip, "auth.reset").await?;
        return Err(refused("unknown"));
    };
    let Some(user) = user else {
        return Err(refused("unknown"));
    };
    if reset.used_at.is_some() {
        return Err(refused("used"));
    }
    if now >= reset.expires {
        return Err(refused("expired"));
    }
    if !s.world().user(user).is_ok_and(|u| u.active) {
        return Err(refused("inactive"));
    }
    check_policy(&s, user, &b.new_password, client.lang).await?;
    let store = s.store.clone();
    let current = blocking(move || store.password(user)).await??;
    refuse_reuse(&s, current.as_ref(), &b.new_password, "/new_password", client.lang).await?;
    let phc = hash_password(&s, b.new_password).await?;
    let change = PasswordChange {
        credential: PasswordCredential {
            user,
            phc,
            must_change: false,
            set_at: now,
        },
        revoke_sessions: true,
        keep_session: None,
        reset: Some(reset.id),
    };
    let audit = record(
        &s,
        Retention::Change,
        person_actor(user, false),
        Some(client.ip),
        "password.reset",
        user_object(&s, user),
        Some(serde_json::json!({"reset": reset.id})),
        "ok",
    );
    let store = s.store.clone();
    match blocking(move || store.set_password(&change, &[audit])).await? {
        Ok(()) => {}
        Err(StoreError::Spent(_)) => return Err(refused("used")),
        Err(e) => return Err(e.into()),
    }
    succeeded(&s, &b.username, client.ip).await?;
    Ok(PasswordChanged {
        changed: true,
        other_sessions_ended: true,
        sign_in_again: true,
    })
}
