//! ADAM at two sites (issue 18): what `serve`'s TLS and replication flags set up, `adam tls
//! init` (the installation's small authority and the sites' certificates), `adam promote` and
//! `adam drill`. The flags themselves are defined in `cli/site.rs`.

use crate::cli::Cli;
use crate::cli::site::{DrillArgs, SiteArgs, TlsCommand};
use crate::commands::integrity::call_json;
use crate::support::{off, open_store, write_private};
use adam_server::replication::drill::{DrillReport, DrillRequest};
use adam_server::replication::tls::Identity;
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;
use std::time::Duration;

impl SiteArgs {
    fn identity(&self) -> Option<Identity> {
        match (&self.site_cert, &self.site_key) {
            (Some(cert), Some(key)) => Some(Identity {
                cert: cert.clone(),
                key: key.clone(),
                ca: self.site_ca.clone(),
            }),
            _ => None,
        }
    }

    /// Whether any replication flag is given.
    fn replicates(&self) -> bool {
        self.replication_listen.is_some() || self.standby_of.is_some() || self.replication_peer.is_some()
    }

    /// The API's TLS configuration, if asked for.
    pub(crate) fn api_tls(&self) -> Result<Option<std::sync::Arc<adam_server::replication::tls::ServerConfig>>> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Ok(Some(adam_server::replication::tls::server_config(&Identity {
                cert: cert.clone(),
                key: key.clone(),
                ca: None,
            })?)),
            _ => Ok(None),
        }
    }

    /// Checks the flags before anything is written.
    pub(crate) fn check(&self, demo: bool) -> Result<()> {
        if self.replicates() && (self.site_cert.is_none() || self.site_key.is_none() || self.site_ca.is_none()) {
            bail!("replication between sites needs --site-cert, --site-key and --site-ca (see `adam tls init`)");
        }
        if demo && self.standby_of.is_some() {
            bail!("--demo and --standby-of cannot go together: a standby holds its primary's organisation");
        }
        if self.synchronous_ms == Some(0) {
            bail!("--synchronous-ms must be at least 1");
        }
        Ok(())
    }

    /// Fills a standby's store from its primary (before the server loads it).
    pub(crate) async fn seed(&self, store: &std::sync::Arc<dyn adam_store::Store>) -> Result<()> {
        let (Some(primary), Some(id)) = (&self.standby_of, self.identity()) else {
            return Ok(());
        };
        let client = adam_server::replication::client::PeerClient::new(&id)?;
        eprintln!("following {primary}: catching up…");
        let mut pause = Duration::from_millis(200);
        for _ in 0..30 {
            match adam_server::replication::standby::seed(store, &client, primary).await {
                Ok(p) => {
                    eprintln!(
                        "caught up with {primary} at revision {} (audit record {})",
                        p.revision.0, p.seq
                    );
                    return Ok(());
                }
                Err(adam_server::replication::standby::Stop::Diverged(why)) => {
                    bail!("this data directory cannot follow {primary}: {why}")
                }
                Err(adam_server::replication::standby::Stop::Retry(why)) => {
                    eprintln!("the primary is not reachable yet ({why}); trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
        bail!("the primary {primary} could not be reached")
    }

    /// What the server starts with.
    pub(crate) async fn site(&self) -> Result<adam_server::replication::Site> {
        let listener = match self.replication_listen {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?,
            ),
            None => None,
        };
        Ok(adam_server::replication::Site {
            identity: self.identity(),
            listener,
            standby_of: self.standby_of.clone(),
            peer: self.replication_peer.clone().or_else(|| self.standby_of.clone()),
            synchronous: self.synchronous_ms.map(Duration::from_millis),
        })
    }
}

/// Runs `adam tls …`.
pub(crate) fn tls(command: &TlsCommand) -> Result<()> {
    match command {
        TlsCommand::Init { dir, sites } => tls_init(dir, sites),
    }
}

fn tls_init(dir: &Path, sites: &[String]) -> Result<()> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
    if dir.join("ca.key").exists() {
        bail!(
            "{} already holds an authority (ca.key); choose another directory",
            dir.display()
        );
    }
    let mut parsed = Vec::new();
    for site in sites {
        let (name, hosts) = site
            .split_once('=')
            .ok_or_else(|| anyhow!("--site {site:?} is not NAME=HOST[,HOST…]"))?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            bail!("the site name {name:?} must be letters, digits, - or _");
        }
        let hosts: Vec<String> = hosts
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect();
        if hosts.is_empty() {
            bail!("--site {site:?} names no host");
        }
        parsed.push((name.to_owned(), hosts));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let ca_key = KeyPair::generate().map_err(|e| anyhow!("cannot make a key: {e}"))?;
    let mut ca_params = CertificateParams::default();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "ADAM installation authority");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca_params
        .self_signed(&ca_key)
        .map_err(|e| anyhow!("cannot make the authority: {e}"))?;
    std::fs::write(dir.join("ca.crt"), ca.pem())?;
    write_private(&dir.join("ca.key"), &ca_key.serialize_pem())?;
    for (name, hosts) in &parsed {
        let key = KeyPair::generate().map_err(|e| anyhow!("cannot make a key: {e}"))?;
        let mut params = CertificateParams::new(hosts.clone()).map_err(|e| anyhow!("the hosts of site {name}: {e}"))?;
        params
            .distinguished_name
            .push(DnType::CommonName, format!("ADAM site {name}"));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let cert = params
            .signed_by(&key, &ca, &ca_key)
            .map_err(|e| anyhow!("cannot sign the certificate of site {name}: {e}"))?;
        std::fs::write(dir.join(format!("{name}.crt")), cert.pem())?;
        write_private(&dir.join(format!("{name}.key")), &key.serialize_pem())?;
        println!(
            "site {name}: {}/{name}.crt and {name}.key for {}",
            dir.display(),
            hosts.join(", ")
        );
    }
    println!(
        "authority: {0}/ca.crt (give it to every site) and {0}/ca.key (keep it offline)",
        dir.display()
    );
    Ok(())
}

fn token() -> Result<String> {
    std::env::var("ADAM_TOKEN")
        .map_err(|_| anyhow!("set ADAM_TOKEN to an API token of the system administrator or a service account"))
}

fn detail(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect())
}

async fn call(method: &'static str, base: &str, path: &'static str, body: Vec<u8>) -> Result<serde_json::Value> {
    let token = token()?;
    let base_owned = base.to_owned();
    let (status, answer) = off(move || call_json(method, &base_owned, path, &token, &body)).await??;
    if !(200..300).contains(&status) {
        bail!("{base}{path} answered {status}: {}", detail(&answer));
    }
    serde_json::from_slice(&answer).map_err(|e| anyhow!("{base}{path} answered something unreadable: {e}"))
}

/// `adam promote`: with --server, promotes the running standby there (which tells its old
/// primary it is fenced); without, promotes the stopped standby in the data directory.
pub(crate) async fn promote(cli: &Cli, server: Option<&str>) -> Result<()> {
    let state = match server {
        Some(base) => call("POST", base, "/api/v1/replication/promote", Vec::new()).await?["state"].clone(),
        None => {
            let store = open_store(cli).await?;
            let now = adam_core::Timestamp(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
            );
            let state = off(move || store.promote(now)).await??;
            serde_json::to_value(state)?
        }
    };
    println!(
        "promoted: primary of generation {} ({}); the old primary is fenced",
        state["number"],
        state["generation"].as_str().unwrap_or("")
    );
    Ok(())
}

fn kill(pid: u32) -> Result<()> {
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .context("cannot run kill")?;
    if !status.success() {
        bail!("kill -9 {pid} failed");
    }
    Ok(())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
}

/// `adam drill`: loses the primary, has the standby promote itself, take the first write,
/// verify its trail and file the drill in the continuity register; prints what it measured
/// and exits 1 when the drill failed.
pub(crate) async fn drill(args: &DrillArgs) -> Result<()> {
    let (Some(primary), Some(standby)) = (&args.primary, &args.standby) else {
        return drill_postgres(args).await;
    };
    let before = call("GET", primary, "/api/v1/replication", Vec::new()).await?;
    if before["role"] != "primary" {
        bail!("{primary} is not a primary (it says {})", before["role"]);
    }
    let standing = call("GET", standby, "/api/v1/replication", Vec::new()).await?;
    if standing["role"] != "standby" {
        bail!("{standby} is not a standby (it says {})", standing["role"]);
    }
    let (how, last) = match args.kill_pid {
        Some(pid) => {
            kill(pid)?;
            ("killed", before)
        }
        None => (
            "isolated",
            call("POST", primary, "/api/v1/replication/isolate", Vec::new()).await?,
        ),
    };
    let report = ask_drill(standby, args, &last, now_ms(), how).await?;
    println!(
        "drill: primary {how}; standby promoted (generation {}) at revision {}; {}",
        report.generation,
        report.promoted_at.revision,
        measured(&report, args)
    );
    verdict(&report)
}

/// What a drill measured, for its line: the RTO against its goal, what was lost, the trail
/// and the record filed.
fn measured(report: &DrillReport, args: &DrillArgs) -> String {
    format!(
        "RTO {} ms (goal {} s); revisions lost {} ({} s); audit trail {} ({} records); recorded as continuity test {}: {}",
        report.rto_ms,
        args.rto_goal,
        report.revisions_lost,
        report.seconds_lost,
        if report.trail_intact { "intact" } else { "NOT intact" },
        report.trail_records,
        report.test.0,
        if report.passed { "passed" } else { "FAILED" }
    )
}

/// Exit 1 when the drill missed a goal or found the trail not intact.
fn verdict(report: &DrillReport) -> Result<()> {
    if !report.passed {
        bail!("the drill failed its goals (see continuity test {})", report.test.0);
    }
    Ok(())
}

/// `adam drill` on PostgreSQL: fences (or kills) the database's primary, promotes its
/// streaming replica with `pg_promote()`, and has an ADAM server — reconnecting on its own —
/// take the first write, verify the trail on the promoted node and file the drill.
async fn drill_postgres(args: &DrillArgs) -> Result<()> {
    let (Some(server), Some(replica)) = (&args.server, &args.postgres_replica) else {
        bail!(
            "a drill needs --primary and --standby (ADAM's own standby), or --server and --postgres-replica (PostgreSQL's)"
        );
    };
    if args.postgres_primary.is_none() && args.kill_pid.is_none() {
        bail!(
            "a PostgreSQL drill loses the primary: give --postgres-primary (to fence ADAM's database there) or --kill-pid (of its postmaster)"
        );
    }
    let before = call("GET", server, "/api/v1/replication", Vec::new()).await?;
    if before["role"] != "primary" {
        bail!("{server} is not a primary (it says {})", before["role"]);
    }
    let url = replica.clone();
    if !off(move || adam_store::failover::is_replica(&url)).await?? {
        bail!(
            "the replica at --postgres-replica is not in recovery: it is a primary already (promoted by an earlier drill?)"
        );
    }
    // The loss is the moment the kill or the fence returned: the replica's catching up and
    // its promotion count in the recovery time.
    let (how, loss_at_ms) = if let Some(pid) = args.kill_pid {
        kill(pid)?;
        ("postgres-killed", now_ms())
    } else if let Some(old) = &args.postgres_primary {
        let url = old.clone();
        let fenced = off(move || adam_store::failover::fence(&url)).await??;
        let loss_at_ms = now_ms();
        println!(
            "fenced database {} on the old primary at WAL {} (lifted on the promoted replica; on the old primary only once it follows the new one)",
            fenced.database, fenced.lsn
        );
        // The fenced primary writes nothing more: the replica replays to the fence first, so
        // the promotion loses nothing that was committed (a killed primary gives no such
        // chance — that drill measures what asynchronous replication loses).
        let url = replica.clone();
        let lsn = fenced.lsn.clone();
        let waited = off(move || adam_store::failover::wait_for_replay(&url, &lsn, Duration::from_secs(30))).await??;
        println!("the replica replayed the WAL to the fence in {} ms", waited.as_millis());
        ("postgres-fenced", loss_at_ms)
    } else {
        bail!("a PostgreSQL drill needs --postgres-primary or --kill-pid");
    };
    let url = replica.clone();
    let wait = Duration::from_secs(args.rto_goal.max(1));
    let promoted = off(move || adam_store::failover::promote(&url, wait)).await??;
    println!("replica promoted by pg_promote in {} ms", promoted.as_millis());
    if how == "postgres-fenced" {
        // The fence is in the catalogue, and the replica replayed it: lift it there.
        let url = replica.clone();
        off(move || adam_store::failover::unfence(&url)).await??;
    }
    let report = ask_drill(server, args, &before, loss_at_ms, how).await?;
    println!(
        "drill: PostgreSQL primary {}; replica promoted; {server} wrote again at revision {}; {}",
        if how == "postgres-killed" { "killed" } else { "fenced" },
        report.promoted_at.revision,
        measured(&report, args)
    );
    verdict(&report)
}

/// Tells the server that takes over when the primary was lost and what it held last
/// (`last`: its `/api/v1/replication`); what the server measured and filed.
async fn ask_drill(
    server: &str,
    args: &DrillArgs,
    last: &serde_json::Value,
    loss_at_ms: i64,
    how: &str,
) -> Result<DrillReport> {
    let request = DrillRequest {
        loss_at_ms,
        primary_revision: last["position"]["revision"].as_u64().unwrap_or(0),
        primary_head_at: last["head_at"].as_i64().unwrap_or(0),
        rto_goal_seconds: args.rto_goal,
        rpo_goal_revisions: args.rpo_goal_revisions,
        how: how.to_owned(),
    };
    let answer = call(
        "POST",
        server,
        "/api/v1/replication/drill",
        serde_json::to_vec(&request)?,
    )
    .await?;
    Ok(serde_json::from_value(answer)?)
}
