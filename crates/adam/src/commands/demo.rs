//! `adam serve --demo`: loading the demo organisation into an empty database, and writing what
//! a newcomer signs in with — API tokens and temporary passwords of the demo accounts, in files
//! only the operator reads.

use crate::cli::Cli;
use crate::support::{off, open_state, web, write_private};
use adam_core::{AccountKind, Actor, Text};
use adam_server::AppState;
use adam_store::Store;
use anyhow::{Context, Result, anyhow};
use std::path::Path;
use std::sync::Arc;

/// Loads the demo organisation when the database holds none yet, and writes the demo accounts'
/// tokens and temporary passwords into the data directory; says so when there is one already.
pub(crate) async fn load(cli: &Cli, store: &Arc<dyn Store>) -> Result<()> {
    let organisation = Text::parse("organisation", adam_server::demo::ORGANISATION)?;
    let writer = store.clone();
    if off(move || writer.initialise(&organisation)).await?? {
        let state = open_state(store.clone(), "adam-demo").await?;
        let ctx = state.context(Actor::System, None);
        state
            .execute_as(Actor::System, ctx, adam_core::Command::Initialise)
            .await
            .map_err(web)?;
        let demo = adam_server::demo::load(&state).await.map_err(web)?;
        let path = cli.data.join("demo-tokens.txt");
        write_demo_tokens(&state, &demo, &path).await?;
        let passwords = cli.data.join("demo-passwords.txt");
        write_demo_passwords(&state, &demo, &passwords).await?;
        eprintln!(
            "Loaded the demo organisation. API tokens for its accounts: {}; temporary passwords for \
             signing in: {}",
            path.display(),
            passwords.display()
        );
    } else {
        eprintln!("The database already holds an organisation; --demo loads nothing.");
    }
    Ok(())
}

/// Issues an API token for each demo account and writes them to `path`: label, username, token.
async fn write_demo_tokens(state: &AppState, demo: &adam_server::demo::Demo, path: &Path) -> Result<()> {
    let mut lines =
        String::from("# API tokens of the demo accounts. Use: curl -H \"Authorization: Bearer <token>\" …\n");
    for (label, user, scopes) in demo.token_holders() {
        let issued = adam_server::api::system::issue(state, Actor::System, None, user, label, &scopes, None)
            .await
            .map_err(web)?;
        let username = state.world().user(user)?.username.to_string();
        lines.push_str(&format!("{label}\t{username}\t{}\n", issued.secret));
    }
    write_private(path, &lines).with_context(|| format!("cannot write {}", path.display()))
}

/// Gives each person among the demo accounts a random temporary password (to be changed at the
/// first sign-in) and writes them to `path`: label, username, password.
async fn write_demo_passwords(state: &AppState, demo: &adam_server::demo::Demo, path: &Path) -> Result<()> {
    let mut lines = String::from(
        "# Temporary passwords of the demo accounts (change them at the first sign-in):\n\
         # POST /api/v1/auth/login {\"username\": …, \"password\": …}\n",
    );
    for (label, user, _) in demo.token_holders() {
        let (username, kind) = {
            let w = state.world();
            let u = w.user(user)?;
            (u.username.to_string(), u.kind)
        };
        if kind == AccountKind::SystemUser {
            continue;
        }
        // A random password can, rarely, contain a word or a run the policy refuses: draw again.
        let mut set = None;
        for _ in 0..20 {
            // 16 symbols of 55 (about 92 bits) in four groups: 19 characters, over the 15 a
            // password needs without a second factor.
            let bytes = adam_auth::random::bytes::<16>().map_err(|e| anyhow!("no randomness: {e}"))?;
            const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            let chars: String = bytes
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
                .collect();
            let password = format!("{}-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12], &chars[12..16]);
            match adam_server::api::authn::set_password_as(state, Actor::System, user, &password, true).await {
                Ok(()) => {
                    set = Some(password);
                    break;
                }
                Err(e) if e.code == "weak-password" => continue,
                Err(e) => return Err(web(e)),
            }
        }
        let password = set.ok_or_else(|| anyhow!("no acceptable password could be drawn for {username}"))?;
        lines.push_str(&format!("{label}\t{username}\t{password}\n"));
    }
    write_private(path, &lines).with_context(|| format!("cannot write {}", path.display()))
}
