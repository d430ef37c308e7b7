//! `adam init`: a new organisation with its system administrator, whose API token is printed
//! once.

use crate::cli::Cli;
use crate::support::{off, open_state, open_store, web};
use adam_core::{AccountKind, Actor, Created, Email, Gender, Text, Username};
use adam_server::Scope;
use anyhow::{Result, bail};

/// Initialises an empty database: the organisation, its system roles and the administrator.
pub(crate) async fn init(
    cli: &Cli,
    organisation: &str,
    admin: &str,
    email: &str,
    first: &str,
    last: &str,
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
        .execute_as(Actor::System, ctx.clone(), adam_core::Command::Initialise)
        .await
        .map_err(web)?;
    let plan = state
        .execute_as(
            Actor::System,
            ctx,
            adam_core::Command::CreateUser {
                username,
                kind: AccountKind::Admin,
                title: None,
                first_name,
                last_name,
                gender: Gender::Unspecified,
                email,
                phone: None,
                jobs: Vec::new(),
            },
        )
        .await
        .map_err(web)?;
    let Some(Created::User(admin)) = plan.created else {
        bail!("the administrator was not created");
    };
    let issued = adam_server::api::system::issue(
        &state,
        Actor::System,
        None,
        admin,
        "created by adam init",
        &[Scope::Read, Scope::Write, Scope::Check],
        None,
    )
    .await
    .map_err(web)?;
    println!("{}", issued.secret);
    eprintln!(
        "Initialised \"{organisation}\" in {}. The line above is the administrator's API token; it is shown only now.",
        state.store.backend()
    );
    Ok(())
}
