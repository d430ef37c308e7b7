//! `adam user`: an account's sign-in at the console (a temporary password).

use crate::cli::Cli;
use crate::support::{open_state, open_store, web};
use adam_core::Actor;
use anyhow::{Context, Result, bail};

/// Sets a temporary password read from standard input.
pub(crate) async fn password(cli: &Cli, username: &str) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let user = state.world().user_by_username(username)?;
    eprint!("Temporary password for {username}: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!("no password given");
    }
    adam_server::api::authn::set_password_as(&state, Actor::System, user, password, true)
        .await
        .map_err(web)?;
    eprintln!("{username} has a temporary password; it must be changed at the next sign-in");
    Ok(())
}
