//! `adam init`: a new organisation with its system administrator. Prints what a person needs to
//! start in the browser — the address, the username and a temporary password — and the
//! administrator's API token, each shown only now.

use crate::cli::Cli;
use crate::support::{off, open_state, open_store, web};
use adam_core::{Actor, Email, Text, Username};
use adam_server::Scope;
use anyhow::{Result, bail};

/// Initialises an empty database: the organisation, its system roles and the administrator.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn init(
    cli: &Cli,
    organisation: &str,
    admin: &str,
    email: &str,
    first: &str,
    last: &str,
    url: &str,
) -> Result<()> {
    let organisation = Text::parse("organisation", organisation)?;
    let username = Username::parse("admin", admin)?;
    let email = Email::parse("admin-email", email)?;
    let first_name = Text::parse("first-name", first)?;
    let last_name = Text::parse("last-name", last)?;
    let store = open_store(cli).await?;
    let writer = store.clone();
    let name = organisation.clone();
    if !off(move || writer.initialise(&name)).await?? {
        bail!("the database already holds an organisation; nothing was changed");
    }
    let state = open_state(store, "adam-cli").await?;
    let ctx = state.context(Actor::System, None);
    state
        .execute_as(Actor::System, ctx, adam_core::Command::Initialise)
        .await
        .map_err(web)?;
    let first_run = adam_server::service::setup::create_system_administrator(
        &state,
        username.clone(),
        email,
        first_name,
        last_name,
    )
    .await
    .map_err(web)?;
    let issued = adam_server::api::system::issue(
        &state,
        Actor::System,
        None,
        first_run.admin,
        "created by adam init",
        &[Scope::Read, Scope::Write, Scope::Check],
        None,
    )
    .await
    .map_err(web)?;
    let url = url.trim_end_matches('/');
    println!("Initialised \"{organisation}\" in {}.", state.store.backend());
    println!();
    println!("  Address:            {url}/ui   (start the server with: adam serve)");
    println!("  Username:           {username}");
    println!("  Temporary password: {}", first_run.password);
    println!("  API token:          {}", issued.secret);
    println!();
    println!("Sign in with the username and the temporary password: ADAM asks for a new password,");
    println!("then for a second factor (scan the QR code with an authenticator app; keep the backup");
    println!("codes). Then, on the page \"Uporabniki\" (Users), create the first office under");
    println!("Company.main; under \"Vloge\" (Roles), the applications and their roles. The password and");
    println!("the token are shown only now; an operator can set a new temporary password with");
    println!("`adam user password --user {username}`.");
    Ok(())
}
