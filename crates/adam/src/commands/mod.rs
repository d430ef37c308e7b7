//! What each command of `adam` does, one file per command; [`run`] picks the one the command
//! line names.
//!
//! The operator's commands open the store directly and act as the console (`Actor::System`);
//! what they share is in [`crate::support`].

mod audit;
pub(crate) mod backup;
mod demo;
mod init;
pub(crate) mod integrity;
mod keys;
mod query;
pub(crate) mod raci;
mod serve;
pub(crate) mod site;
mod token;
mod transfer;
mod user;

use crate::cli::{Cli, Command, KeysCommand, UserCommand};
use anyhow::Result;

/// Runs the command `cli` names.
pub(crate) async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Serve(args) => serve::serve(&cli, args).await,
        Command::User(UserCommand::Password { user }) => user::password(&cli, user).await,
        Command::Keys(KeysCommand::RotateTotp) => keys::rotate_totp(&cli).await,
        Command::Init {
            organisation,
            admin,
            admin_email,
            first_name,
            last_name,
            public_url,
        } => {
            init::init(
                &cli,
                organisation,
                admin,
                admin_email,
                first_name,
                last_name,
                public_url,
            )
            .await
        }
        Command::Token(t) => token::token(&cli, t).await,
        Command::Audit(a) => audit::audit(&cli, a).await,
        Command::Check(q) => query::check(&cli, q).await,
        Command::Explain { question: q, json } => query::explain(&cli, q, *json).await,
        Command::Lookup {
            user,
            kind,
            level,
            at,
            mfa,
        } => query::lookup(&cli, user, *kind, *level, at, *mfa).await,
        Command::Import { dir, dry_run, operator } => transfer::import(&cli, dir, *dry_run, operator.as_deref()).await,
        Command::Export { dir } => transfer::export(&cli, dir).await,
        Command::Integrity(i) => integrity::integrity(i).await,
        Command::Raci(r) => raci::raci(&cli, r).await,
        Command::Backup(b) => backup::backup(&cli, b).await,
        Command::Tls(t) => site::tls(t),
        Command::Promote { server } => site::promote(&cli, server.as_deref()).await,
        Command::Drill(d) => site::drill(d).await,
    }
}
