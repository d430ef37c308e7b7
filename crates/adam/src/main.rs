//! `adam` — the one binary: the server, and the operator's commands beside it.
//!
//! The operator's commands (`init`, `token`, `check`, `lookup`, `explain`, `import`,
//! `export`) open the store directly, act as the console (`Actor::System`) and are recorded in
//! the audit trail with the application `adam-cli`. Whoever can run them can read the
//! database anyway; they are the tools of the system administrator on the server host.

use adam_core::*;
use adam_server::{AppState, Clock, Config, Scope};
use adam_store::Store;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ABOUT: &str = "ADAM — the directory, roles, document ACLs and audit trail of a public administration";

const LONG_ABOUT: &str = "\
ADAM keeps an organisation's directory (offices, jobs, users), decides who may do what in every \
application and on every case file and document, and records every change in an audit trail.

The quickest start is a demo organisation on embedded SQLite:

    adam serve --demo

which listens on http://127.0.0.1:8080 and writes API tokens for the demo accounts to \
./adam-data/demo-tokens.txt. For a real installation, initialise the data first:

    adam init --organisation \"Mestna občina Koper\" --admin-email it@koper.si
    adam serve

Data lives in ./adam-data (change with --data or ADAM_DATA); use --database postgres://… (or \
ADAM_DATABASE) to keep it in PostgreSQL, where several ADAM servers can share it.";

#[derive(Parser)]
#[command(name = "adam", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    /// Directory for ADAM's data: the SQLite database and the demo tokens.
    #[arg(
        long,
        global = true,
        env = "ADAM_DATA",
        default_value = "./adam-data",
        value_name = "DIR"
    )]
    data: PathBuf,

    /// Database to use: `sqlite:<file>` or `postgres://user@host/db`. Default: the SQLite file
    /// adam.db in the data directory.
    #[arg(long, global = true, env = "ADAM_DATABASE", value_name = "URL")]
    database: Option<String>,

    /// PostgreSQL only: the URL of the role that owns ADAM's tables. Migrations run as it, and
    /// it grants the --database role only what the server needs (the audit trail and the
    /// change log: read and append, no UPDATE, DELETE or TRUNCATE); the server then works as
    /// the --database role. Without it, the --database role owns the tables.
    #[arg(long, global = true, env = "ADAM_PG_OWNER_URL", value_name = "URL")]
    pg_owner_url: Option<String>,

    /// Directory of the audit trail's keys and external checkpoints. Keep it out of database
    /// backups; servers sharing one database share a copy of it. Default: <data>/audit-keys.
    #[arg(long, global = true, env = "ADAM_AUDIT_KEYS", value_name = "DIR")]
    audit_keys: Option<PathBuf>,

    #[command(subcommand)]
    command: Command_,
}

#[derive(Subcommand)]
enum Command_ {
    /// Run the API server.
    #[command(long_about = "Run the HTTP API server (and, later, the web UI).\n\n\
        With --demo on an empty data directory, first loads the demo organisation (the \
        municipality of the ADAM manual, with offices, jobs, staff, roles and folders in \
        mid-workflow) and writes API tokens for its accounts to <data>/demo-tokens.txt.")]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: SocketAddr,
        /// Load the demo organisation into an empty data directory first.
        #[arg(long)]
        demo: bool,
        /// Log format.
        #[arg(long, value_enum, default_value = "plain")]
        log_format: LogFormat,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Manage an account's sign-in: set a temporary password.
    #[command(subcommand)]
    User(UserCommand),
    /// Rotate the key that seals TOTP seeds at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Create a new organisation with its system administrator, and print their API token.
    #[command(
        long_about = "Create a new organisation in an empty data directory: ADAM's built-in \
        system roles and an `admin` account (the operator's system administrator, who manages \
        everything but never sees a document). Prints the administrator's API token once."
    )]
    Init {
        /// The organisation's name.
        #[arg(long)]
        organisation: String,
        /// Username of the system administrator.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The administrator's e-mail address.
        #[arg(long)]
        admin_email: String,
        /// The administrator's first name.
        #[arg(long, default_value = "System")]
        first_name: String,
        /// The administrator's last name.
        #[arg(long, default_value = "Administrator")]
        last_name: String,
    },
    /// Issue, list or revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Verify the audit trail, sign a checkpoint, or run the retention purge.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The level a user has on a folder or document.
    Check(Question),
    /// Why a user has the level they have: every entry, role and rule that decided it.
    Explain {
        #[command(flatten)]
        question: Question,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every folder or document a user reaches at a level or more.
    Lookup {
        /// The user's username.
        #[arg(long)]
        user: String,
        /// Folders or documents.
        #[arg(long, value_enum, default_value = "document")]
        kind: Kind,
        /// The least level: 11, 12, 13, 14, 21 or 22.
        #[arg(long, default_value = "14")]
        level: u8,
        /// As of this date or instant (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Assume a session with a second factor.
        #[arg(long)]
        mfa: bool,
    },
    /// Import offices, jobs, users and assignments from CSV files (all or nothing).
    #[command(long_about = "Import the organisation from a directory holding offices.csv, \
        jobs.csv, users.csv and assignments.csv (see `adam export` for the columns). Existing \
        codes are updated, new ones created; nothing is deleted. Every rejected row is \
        reported with its file and line, and then nothing at all is imported.")]
    Import {
        /// The directory with the CSV files.
        dir: PathBuf,
        /// Only check the files and report what would change.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export offices, jobs, users and assignments as CSV files.
    Export {
        /// The directory to write offices.csv, jobs.csv, users.csv and assignments.csv into.
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every record, the chain and every checkpoint (in the database and in the
    /// external file); exits with 1 and names the first bad record if anything was tampered with.
    Verify {
        /// Print the whole verdict as JSON.
        #[arg(long)]
        json: bool,
        /// Stretches of the trail checked side by side, each on a connection of its own (0:
        /// one per core for a long trail, one for a short one).
        #[arg(long, default_value = "0", value_parser = clap::value_parser!(u16).range(0..=64))]
        workers: u16,
    },
    /// Sign the end of the trail now and copy the checkpoints to the external file.
    Checkpoint,
    /// Delete the access records older than the retention period (except held days) and
    /// destroy their day keys; the trail stays verifiable.
    Purge {
        /// Retention period in days (Art. 57(6): at most 90 unless a hold is recorded).
        #[arg(long, default_value = "90")]
        days: u32,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Replace `totp.key` in the key directory by a new key and re-seal every TOTP seed under
    /// it, in one transaction (after a suspected leak of the key directory, or on schedule).
    /// Enrolled authenticators keep working; the old key opens nothing any more. Servers using
    /// this key directory follow; a copy of the directory elsewhere needs the new key copied.
    RotateTotp,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Set a temporary password for an account (read from standard input, one line; typed at a
    /// terminal it is echoed). The person must change it at the next sign-in; the account's
    /// sessions end.
    Password {
        /// The account's username.
        #[arg(long)]
        user: String,
    },
}

/// Sign-in settings of `serve`.
#[derive(Args)]
struct AuthArgs {
    /// Cookies without `Secure` and the `__Host-` prefix, for plain HTTP on loopback (the demo).
    /// Never on a network: the session cookie would travel in clear.
    #[arg(long)]
    insecure_cookies: bool,
    /// A network that is not remote access (CIDR; repeatable). From anywhere else a second
    /// factor is required. Default: loopback only.
    #[arg(long = "trusted-network", value_name = "CIDR")]
    trusted_networks: Vec<String>,
    /// This installation holds Z3 or C3 information (Decree Art. 53): every sign-in needs a
    /// second factor, from any network, not only administrators' and remote ones.
    #[arg(long, env = "ADAM_MFA_FOR_EVERYONE")]
    mfa_for_everyone: bool,
    /// The address people reach ADAM at, for links in e-mail.
    #[arg(long, env = "ADAM_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    public_url: String,
    /// SMTP relay for password-reset e-mail (none: reset requests are recorded, no e-mail).
    #[arg(long, env = "ADAM_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port (default: 465 for tls, 587 for starttls, 25 for plain).
    #[arg(long, env = "ADAM_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// SMTP transport security.
    #[arg(long, value_enum, env = "ADAM_SMTP_SECURITY", default_value = "starttls")]
    smtp_security: SmtpSecurity,
    /// Sender of ADAM's e-mail.
    #[arg(long, env = "ADAM_SMTP_FROM", default_value = "ADAM <adam@localhost>")]
    smtp_from: String,
    /// SMTP user (the password comes from ADAM_SMTP_PASSWORD).
    #[arg(long, env = "ADAM_SMTP_USER")]
    smtp_user: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SmtpSecurity {
    Tls,
    Starttls,
    /// Only for a relay on loopback.
    Plain,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token for an account; its secret is printed once.
    Issue {
        /// The account's username.
        #[arg(long)]
        user: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated scopes: read, write, check, changes.
        #[arg(long, default_value = "read", value_delimiter = ',')]
        scopes: Vec<String>,
        /// Expiry date or instant.
        #[arg(long)]
        expires: Option<String>,
    },
    /// List an account's tokens (never their secrets).
    List {
        /// The account's username.
        #[arg(long)]
        user: String,
    },
    /// Revoke a token by its id.
    Revoke {
        /// The token's id.
        id: i64,
    },
}

#[derive(Args)]
struct Question {
    /// The user's username.
    #[arg(long)]
    user: String,
    /// A folder id.
    #[arg(long, conflicts_with = "document")]
    folder: Option<u32>,
    /// A document id.
    #[arg(long)]
    document: Option<u32>,
    /// As of this date or instant (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Assume a session with a second factor.
    #[arg(long)]
    mfa: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Folder,
    Document,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn location(cli: &Cli) -> Result<String> {
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
async fn off<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| anyhow!("a worker thread failed: {e}"))
}

fn keys_dir(cli: &Cli) -> PathBuf {
    cli.audit_keys.clone().unwrap_or_else(|| cli.data.join("audit-keys"))
}

async fn open_store(cli: &Cli) -> Result<Arc<dyn Store>> {
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

async fn open_state(store: Arc<dyn Store>, application: &str) -> Result<AppState> {
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

fn web(e: adam_server::WebError) -> anyhow::Error {
    anyhow!("{}", e.detail)
}

fn timestamp(text: &Option<String>) -> Result<Option<Timestamp>> {
    text.as_deref()
        .map(Timestamp::parse)
        .transpose()
        .map_err(|e| anyhow!(e))
}

fn scopes(names: &[String]) -> Result<Vec<Scope>> {
    names
        .iter()
        .map(|n| {
            Scope::parse(n.trim()).ok_or_else(|| anyhow!("unknown scope {n:?}: use read, write, check or changes"))
        })
        .collect()
}

async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command_::Serve {
            listen,
            demo,
            log_format,
            auth,
        } => serve(&cli, *listen, *demo, *log_format, auth).await,
        Command_::User(UserCommand::Password { user }) => user_password(&cli, user).await,
        Command_::Keys(KeysCommand::RotateTotp) => rotate_totp(&cli).await,
        Command_::Init {
            organisation,
            admin,
            admin_email,
            first_name,
            last_name,
        } => init(&cli, organisation, admin, admin_email, first_name, last_name).await,
        Command_::Token(t) => token(&cli, t).await,
        Command_::Audit(a) => audit(&cli, a).await,
        Command_::Check(q) => {
            let state = open_state(open_store(&cli).await?, "adam-cli").await?;
            let (user, object, at, session) = question(&state, q)?;
            let w = state.world();
            let d = w.explain(user, object, at, session)?;
            println!("{}", d.level);
            eprintln!("{}", d.summary());
            Ok(())
        }
        Command_::Explain { question: q, json } => {
            let state = open_state(open_store(&cli).await?, "adam-cli").await?;
            let (user, object, at, session) = question(&state, q)?;
            let w = state.world();
            let d = w.explain(user, object, at, session)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                print!("{}", adam_server::explain::render(&w, &d));
            }
            Ok(())
        }
        Command_::Lookup {
            user,
            kind,
            level,
            at,
            mfa,
        } => {
            let state = open_state(open_store(&cli).await?, "adam-cli").await?;
            let w = state.world();
            let user = w.user_by_username(user)?;
            let level = Level::from_value(*level)?;
            let at = timestamp(at)?.unwrap_or_else(|| state.now());
            let kind = match kind {
                Kind::Folder => ObjectKind::Folder,
                Kind::Document => ObjectKind::Document,
            };
            let mut after = None;
            let mut count = 0usize;
            loop {
                let page = w.lookup(user, kind, level, at, Session { mfa: *mfa }, after, MAX_PAGE)?;
                for item in &page.items {
                    println!("{item}");
                }
                count += page.items.len();
                match page.next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            eprintln!("{count} object(s) at level {level} or more");
            Ok(())
        }
        Command_::Import { dir, dry_run } => import(&cli, dir, *dry_run).await,
        Command_::Export { dir } => {
            let state = open_state(open_store(&cli).await?, "adam-cli").await?;
            let summary = adam_server::transfer::export(&state.world(), dir)?;
            eprintln!(
                "exported to {}: {} offices, {} jobs, {} users, {} assignments",
                summary.dir.display(),
                summary.offices,
                summary.jobs,
                summary.users,
                summary.assignments
            );
            Ok(())
        }
    }
}

fn question(state: &AppState, q: &Question) -> Result<(UserId, ObjectRef, Timestamp, Session)> {
    let w = state.world();
    let user = w.user_by_username(&q.user)?;
    let object = match (q.folder, q.document) {
        (Some(f), None) => ObjectRef::Folder(FolderId(f)),
        (None, Some(d)) => ObjectRef::Document(DocumentId(d)),
        _ => bail!("name exactly one of --folder or --document"),
    };
    let at = timestamp(&q.at)?.unwrap_or_else(|| state.now());
    Ok((user, object, at, Session { mfa: q.mfa }))
}

async fn init(cli: &Cli, organisation: &str, admin: &str, email: &str, first: &str, last: &str) -> Result<()> {
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

/// Who acts in the audit trail when the operator runs a command at the console: the system,
/// now, from `adam-cli`.
fn console(at: Timestamp) -> adam_store::AuditContext {
    adam_store::AuditContext {
        at,
        actor: Actor::System,
        source_ip: None,
        application: Some("adam-cli".to_owned()),
    }
}

async fn rotate_totp(cli: &Cli) -> Result<()> {
    let store = open_store(cli).await?;
    let context = console(Clock::System.now());
    let seeds = off(move || store.rotate_totp_key(&context)).await??;
    println!(
        "re-sealed {seeds} TOTP seed(s) under a new {}; copy it to every key directory that is a copy of this one",
        adam_store::audit::TOTP_KEY_FILE
    );
    Ok(())
}

async fn audit(cli: &Cli, command: &AuditCommand) -> Result<()> {
    let store = open_store(cli).await?;
    let now = Clock::System.now();
    match command {
        AuditCommand::Verify { json, workers } => {
            let workers = usize::from(*workers);
            let verdict = off(move || store.audit_verify_in(workers)).await??;
            if *json {
                println!("{}", serde_json::to_string_pretty(&verdict)?);
            } else {
                println!("{}", verdict.summary());
                for p in verdict.problems.iter().take(20) {
                    println!("  record {}: {}", p.seq, p.what);
                }
            }
            if !verdict.intact() {
                std::process::exit(1);
            }
        }
        AuditCommand::Checkpoint => match off(move || store.audit_checkpoint(now)).await?? {
            Some(c) => println!("checkpoint signed at record {} ({})", c.seq, c.chain),
            None => println!("nothing new since the last checkpoint"),
        },
        AuditCommand::Purge { days } => {
            let days = *days;
            let context = console(now);
            let report = off(move || store.audit_purge(&context, days)).await??;
            println!(
                "purged {} access record(s) of days up to {} (retention {} days; {} day(s) held)",
                report.records,
                report.through_period,
                report.retention_days,
                report.held.len()
            );
        }
    }
    Ok(())
}

async fn token(cli: &Cli, command: &TokenCommand) -> Result<()> {
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
                println!(
                    "{}\t{}\t{}…\t{}\t{}",
                    t.id,
                    t.name,
                    t.prefix,
                    t.scopes.join(","),
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

async fn import(cli: &Cli, dir: &Path, dry_run: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    if dry_run {
        let plan = {
            let w = state.world();
            adam_server::transfer::plan_import(&w, dir, &Actor::System, state.now())
        };
        return match plan {
            Ok(plan) => {
                eprintln!("the files are valid; importing would do: {}", plan.summary);
                Ok(())
            }
            Err(report) => {
                eprintln!("{report}");
                bail!("{} problem(s) found; nothing would be imported", report.problems.len())
            }
        };
    }
    let mut last = 0usize;
    let outcome = adam_server::transfer::import(&state, dir, Actor::System, |done, total| {
        if done == total || done >= last + 1000 {
            last = done;
            eprint!("\rchecked {done}/{total} rows");
        }
    })
    .await;
    eprintln!();
    match outcome {
        Ok(outcome) => {
            eprintln!("imported: {outcome}");
            Ok(())
        }
        Err(e) => Err(anyhow!(e)),
    }
}

/// Sets a temporary password read from standard input.
async fn user_password(cli: &Cli, username: &str) -> Result<()> {
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

async fn serve(cli: &Cli, listen: SocketAddr, demo: bool, log_format: LogFormat, auth: &AuthArgs) -> Result<()> {
    match log_format {
        LogFormat::Plain => tracing_subscriber::fmt().with_target(false).init(),
        LogFormat::Json => tracing_subscriber::fmt().json().init(),
    }
    // The address first: a port in use fails before anything is written (no demo files, no
    // demo organisation in the database).
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let store = open_store(cli).await?;
    if demo {
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
    }
    let config = Config {
        application: "adam-api".to_owned(),
        auth: auth_config(cli, auth)?,
        ..Config::default()
    };
    let state = AppState::load(store, Clock::System, config).await?;
    eprintln!(
        "ADAM is listening on http://{listen} ({}, revision {}). Press Ctrl-C to stop.",
        state.store.backend(),
        state.revision().0
    );
    adam_server::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

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

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
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
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
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
