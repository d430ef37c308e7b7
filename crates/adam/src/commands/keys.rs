//! `adam keys`: rotate the key that seals TOTP seeds at rest.

use crate::cli::Cli;
use crate::support::{console, off, open_store};
use adam_server::Clock;
use anyhow::Result;

/// Re-seals every TOTP seed under a new key.
pub(crate) async fn rotate_totp(cli: &Cli) -> Result<()> {
    let store = open_store(cli).await?;
    let context = console(Clock::System.now());
    let seeds = off(move || store.rotate_totp_key(&context)).await??;
    println!(
        "re-sealed {seeds} TOTP seed(s) under a new {}; copy it to every key directory that is a copy of this one",
        adam_store::audit::TOTP_KEY_FILE
    );
    Ok(())
}
