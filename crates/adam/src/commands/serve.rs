//! `adam serve`: the HTTP server (the API and the web UI), its sign-in settings from the
//! command line, and a clean stop on Ctrl-C or SIGTERM (which signs an audit checkpoint).

use super::demo;
use crate::cli::{AuthArgs, Cli, LogFormat, ServeArgs, SmtpSecurity};
use crate::support::{open_store, write_private};
use adam_server::{AppState, Clock, Config};
use anyhow::{Context, Result, anyhow, bail};

/// Listens on `listen` (first, so a port in use fails before anything is written), loads the
/// demo when asked, and serves until stopped.
pub(crate) async fn serve(cli: &Cli, args: &ServeArgs) -> Result<()> {
    let ServeArgs {
        listen,
        demo,
        log_format,
        attachment_max_mib,
        auth,
        backup,
        site,
    } = args;
    let (listen, demo, attachment_max_mib) = (*listen, *demo, *attachment_max_mib);
    // Colour only for a person at a terminal: a file or a pipe gets plain text (escape codes
    // made the log unreadable there), and NO_COLOR is honoured.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    match log_format {
        LogFormat::Plain => tracing_subscriber::fmt().with_target(false).with_ansi(colour).init(),
        LogFormat::Json => tracing_subscriber::fmt().json().with_ansi(false).init(),
    }
    // The address first: a port in use fails before anything is written (no demo files, no
    // demo organisation in the database).
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let schedule = super::backup::schedule(cli, backup)?;
    site.check(demo)?;
    let api_tls = site.api_tls()?;
    let store = open_store(cli).await?;
    // A standby's store is filled from its primary before it is loaded.
    site.seed(&store).await?;
    if demo {
        demo::load(cli, &store).await?;
    }
    let config = Config {
        application: "adam-api".to_owned(),
        auth: auth_config(cli, auth)?,
        attachment_max_bytes: attachment_max_mib.saturating_mul(1024 * 1024),
        ..Config::default()
    };
    let state = AppState::load(store, Clock::System, config).await?;
    let replication = adam_server::replication::start(&state, site.site().await?).await?;
    eprintln!(
        "ADAM is listening on {}://{listen} ({}, revision {}, {}). Press Ctrl-C to stop.",
        if api_tls.is_some() { "https" } else { "http" },
        state.store.backend(),
        state.revision().0,
        adam_server::replication::role_name(&state.replica.mode()),
    );
    if let Some(addr) = site.replication_listen {
        eprintln!("the other site reaches this one on {addr} (mutual TLS)");
    }
    // Scheduled backups, each verified right after it was taken (`service::backup`).
    let backups = schedule.map(|s| {
        eprintln!(
            "a backup is taken into {} every {} s and verified; the newest {} are kept",
            s.dir.display(),
            s.every.as_secs(),
            s.keep
        );
        adam_server::service::backup::spawn_schedule(state.clone(), s)
    });
    adam_server::serve_with(listener, api_tls, state.clone(), shutdown_signal()).await?;
    if let Some(task) = backups {
        task.abort();
    }
    for task in replication {
        task.abort();
    }
    // A clean stop signs the end of the trail (the access records queued before it are written
    // by now): the newest records are covered by a checkpoint, not only by the head kept
    // outside the database.
    let store = state.store.clone();
    let now = state.now();
    if !state.replica.writes_upkeep() {
        // A standby's trail is its primary's; a fenced server writes nothing.
        return Ok(());
    }
    match tokio::task::spawn_blocking(move || store.audit_checkpoint(now)).await {
        Ok(Ok(Some(c))) => eprintln!("audit trail signed at record {}", c.seq),
        Ok(Ok(None)) => {}
        Ok(Err(e)) => bail!("the audit checkpoint at shutdown failed: {e}"),
        Err(e) => bail!("the audit checkpoint at shutdown failed: {e}"),
    }
    Ok(())
}

/// The key of backup-code hashes, kept in a file outside the database (created at first use).
fn backup_code_key(cli: &Cli) -> Result<adam_auth::totp::BackupCodeKey> {
    let dir = cli.data.join("auth-keys");
    let path = dir.join("backup-codes.key");
    let hex_text = match std::fs::read_to_string(&path) {
        Ok(text) => text.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let bytes = adam_auth::random::bytes::<32>().map_err(|e| anyhow!("no randomness: {e}"))?;
            let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            write_private(&path, &format!("{text}\n")).with_context(|| format!("cannot write {}", path.display()))?;
            text
        }
        Err(e) => return Err(anyhow!(e).context(format!("cannot read {}", path.display()))),
    };
    let mut key = [0u8; 32];
    if hex_text.len() != 64 {
        bail!("{} does not hold 64 hex digits", path.display());
    }
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex_text[2 * i..2 * i + 2], 16)
            .map_err(|_| anyhow!("{} does not hold 64 hex digits", path.display()))?;
    }
    Ok(adam_auth::totp::BackupCodeKey::from_bytes(key))
}

fn auth_config(cli: &Cli, args: &AuthArgs) -> Result<adam_server::login::AuthConfig> {
    use adam_server::login::{AuthConfig, Cidr};
    use adam_server::mail::{MailConfig, MailSecurity};
    let mut config = AuthConfig {
        secure_cookies: !args.insecure_cookies,
        mfa_for_everyone: args.mfa_for_everyone,
        public_url: args.public_url.clone(),
        backup_code_key: Some(backup_code_key(cli)?),
        ..AuthConfig::default()
    };
    if !args.trusted_networks.is_empty() {
        config.trusted_networks = args
            .trusted_networks
            .iter()
            .map(|t| Cidr::parse(t).ok_or_else(|| anyhow!("{t:?} is not a network such as 10.0.0.0/8")))
            .collect::<Result<_>>()?;
    }
    if let Some(host) = &args.smtp_host {
        let (security, port) = match args.smtp_security {
            SmtpSecurity::Tls => (MailSecurity::Tls, 465),
            SmtpSecurity::Starttls => (MailSecurity::StartTls, 587),
            SmtpSecurity::Plain => (MailSecurity::Plain, 25),
        };
        let credentials = match &args.smtp_user {
            Some(user) => Some((
                user.clone(),
                std::env::var("ADAM_SMTP_PASSWORD").context("--smtp-user needs ADAM_SMTP_PASSWORD")?,
            )),
            None => None,
        };
        config.mail = Some(MailConfig {
            host: host.clone(),
            port: args.smtp_port.unwrap_or(port),
            security,
            from: args.smtp_from.clone(),
            credentials,
        });
    }
    Ok(config)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    eprintln!("stopping");
}
