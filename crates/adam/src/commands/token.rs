//! `adam token`: issue, list and revoke API tokens at the console.

use crate::cli::{Cli, TokenCommand};
use crate::support::{off, open_state, open_store, timestamp, web};
use adam_core::{AccountKind, Actor};
use adam_server::Scope;
use anyhow::{Result, anyhow, bail};

/// Issues, lists or revokes a token.
pub(crate) async fn token(cli: &Cli, command: &TokenCommand) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    match command {
        TokenCommand::Issue {
            user,
            name,
            scopes: names,
            expires,
        } => {
            let user = state.world().user_by_username(user)?;
            // Nobody mints a credential that acts as another person: tokens are for service
            // accounts and the system administrator; a person signs in with their password.
            if state.world().user(user)?.kind == AccountKind::User {
                bail!(
                    "tokens are issued for service accounts (system_user) and the system administrator, \
                     not for a person: they sign in with their own password"
                );
            }
            let scopes = scopes(names)?;
            let expires = timestamp(expires)?;
            if expires.is_some_and(|e| e <= state.now()) {
                bail!("--expires must be in the future");
            }
            let issued = adam_server::api::system::issue(&state, Actor::System, None, user, name, &scopes, expires)
                .await
                .map_err(web)?;
            println!("{}", issued.secret);
            eprintln!(
                "token {} issued; the line above is its secret, shown only now",
                issued.token.id
            );
        }
        TokenCommand::List { user } => {
            let user = state.world().user_by_username(user)?;
            let store = state.store.clone();
            for t in off(move || store.tokens_of(user)).await?? {
                let status = match (t.revoked, t.expires) {
                    (Some(r), _) => format!("revoked {r}"),
                    (None, Some(e)) if e <= state.now() => format!("expired {e}"),
                    (None, Some(e)) => format!("valid until {e}"),
                    (None, None) => "valid".to_owned(),
                };
                let last_used = t
                    .last_used
                    .map_or_else(|| "never used".to_owned(), |at| format!("last used {}", minute(at)));
                println!(
                    "{}\t{}\t{}…\t{}\tcreated {}\t{}\t{}",
                    t.id,
                    t.name,
                    t.prefix,
                    t.scopes.join(","),
                    minute(t.created),
                    last_used,
                    status
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let ctx = state.context(Actor::System, None);
            let (store, id) = (state.store.clone(), *id);
            off(move || store.revoke_token(id, &ctx)).await??;
            eprintln!("token {id} revoked");
        }
    }
    Ok(())
}

/// An instant to the minute, in UTC and saying so (`2026-03-02 09:00 UTC`): the last use is
/// recorded to the minute.
fn minute(at: adam_core::Timestamp) -> String {
    let text = at.to_string();
    match (text.get(..10), text.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => text,
    }
}

fn scopes(names: &[String]) -> Result<Vec<Scope>> {
    names
        .iter()
        .map(|n| {
            Scope::parse(n.trim()).ok_or_else(|| anyhow!("unknown scope {n:?}: use read, write, check or changes"))
        })
        .collect()
}
