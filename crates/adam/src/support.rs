//! What the operator's commands share: opening the store and the server state, running the
//! store's blocking clients off the async threads, the console's audit context, writing a
//! file only the operator reads, and turning the server's problems and the command line's
//! dates into `anyhow` errors.

use crate::cli::Cli;
use adam_core::{Actor, Timestamp};
use adam_server::{AppState, Clock, Config};
use adam_store::Store;
use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) fn location(cli: &Cli) -> Result<String> {
    match &cli.database {
        Some(url) => Ok(url.clone()),
        None => {
            std::fs::create_dir_all(&cli.data)
                .with_context(|| format!("cannot create the data directory {}", cli.data.display()))?;
            Ok(format!("sqlite:{}", cli.data.join("adam.db").display()))
        }
    }
}

/// Runs blocking work (the store's clients) on a blocking thread.
pub(crate) async fn off<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| anyhow!("a worker thread failed: {e}"))
}

pub(crate) fn keys_dir(cli: &Cli) -> PathBuf {
    cli.audit_keys.clone().unwrap_or_else(|| cli.data.join("audit-keys"))
}

pub(crate) async fn open_store(cli: &Cli) -> Result<Arc<dyn Store>> {
    let location = location(cli)?;
    let target = location.clone();
    let dir = keys_dir(cli);
    let keys = Arc::new(
        adam_store::Keyring::open(&dir)
            .with_context(|| format!("cannot open the audit key directory {}", dir.display()))?,
    );
    let owner = cli.pg_owner_url.clone();
    let store = off(move || match owner {
        Some(owner) => adam_store::open_with_owner(&target, &owner, keys),
        None => adam_store::open(&target, keys),
    })
    .await?
    .with_context(|| format!("cannot open the database {location}"))?;
    Ok(Arc::from(store))
}

pub(crate) async fn open_state(store: Arc<dyn Store>, application: &str) -> Result<AppState> {
    let config = Config {
        application: application.to_owned(),
        ..Config::default()
    };
    AppState::load(store, Clock::System, config).await.map_err(|e| match e {
        adam_store::StoreError::NotInitialised => {
            anyhow!("the data directory holds no organisation yet: run `adam init` (or `adam serve --demo`)")
        }
        other => anyhow!(other),
    })
}

pub(crate) fn web(e: adam_server::WebError) -> anyhow::Error {
    anyhow!("{}", e.detail)
}

pub(crate) fn timestamp(text: &Option<String>) -> Result<Option<Timestamp>> {
    text.as_deref()
        .map(Timestamp::parse)
        .transpose()
        .map_err(|e| anyhow!(e))
}

/// Who acts in the audit trail when the operator runs a command at the console: the system,
/// now, from `adam-cli`.
pub(crate) fn console(at: Timestamp) -> adam_store::AuditContext {
    adam_store::AuditContext {
        at,
        actor: Actor::System,
        source_ip: None,
        application: Some("adam-cli".to_owned()),
    }
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
