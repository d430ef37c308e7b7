//! The command line of ADAM at two sites (issue 18): `serve`'s TLS and replication flags,
//! `adam tls …` and `adam drill`. What they do is `commands/site.rs`.

use std::net::SocketAddr;
use std::path::PathBuf;

/// `serve`'s flags for TLS and for a standby at another site.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct SiteArgs {
    /// Serve the API and the UI over HTTPS with this certificate chain (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Listen for the other site on this address (mutual TLS only; e.g. 0.0.0.0:8443).
    #[arg(long, value_name = "ADDR")]
    pub(crate) replication_listen: Option<SocketAddr>,
    /// This site's certificate for the link between the sites (PEM, from `adam tls init`).
    #[arg(long, value_name = "PEM")]
    pub(crate) site_cert: Option<PathBuf>,
    /// Its private key (PEM).
    #[arg(long, value_name = "PEM")]
    pub(crate) site_key: Option<PathBuf>,
    /// The installation's authority: the other site's certificate must be issued by it (PEM).
    #[arg(long, value_name = "PEM")]
    pub(crate) site_ca: Option<PathBuf>,
    /// Run as a standby following the primary's replication listener at this address
    /// (https://host:port). An empty data directory is filled from the primary first.
    #[arg(long, value_name = "URL")]
    pub(crate) standby_of: Option<String>,
    /// The other site's replication listener: a primary watches it and refuses changes once
    /// the other site was promoted in its place.
    #[arg(long, value_name = "URL")]
    pub(crate) replication_peer: Option<String>,
    /// Synchronous mode: answer a change only once the standby holds it, waiting at most this
    /// many milliseconds (then the change is refused as not acknowledged).
    #[arg(long, value_name = "MS")]
    pub(crate) synchronous_ms: Option<u64>,
}

/// `adam tls …`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum TlsCommand {
    /// Create the installation's authority and a certificate for each site (for the mutual TLS
    /// between a primary and its standby, Art. 60(2)).
    #[command(long_about = "Create, in DIR, the installation's own certificate authority \
        (ca.crt, ca.key — keep ca.key offline) and for each --site NAME=HOST[,HOST…] a \
        certificate and key (NAME.crt, NAME.key) valid for those host names and addresses, \
        usable both to serve the replication listener and to follow the other site. Refuses \
        to overwrite an existing authority.")]
    Init {
        /// Where to write the files.
        #[arg(long)]
        dir: PathBuf,
        /// A site: its name and the host names or addresses it is reached at.
        #[arg(long = "site", value_name = "NAME=HOST[,HOST…]", required = true)]
        sites: Vec<String>,
    },
}

/// `adam drill`'s options: ADAM's own standby (`--primary` and `--standby`), or on PostgreSQL
/// the database's streaming replica (`--server`, `--postgres-replica` and `--postgres-primary`
/// or `--kill-pid`).
#[derive(clap::Args, Debug)]
pub(crate) struct DrillArgs {
    /// The primary's API (http[s]://host:port).
    #[arg(long, value_name = "URL", required_unless_present = "server", requires = "standby")]
    pub(crate) primary: Option<String>,
    /// The standby's API.
    #[arg(long, value_name = "URL", requires = "primary")]
    pub(crate) standby: Option<String>,
    /// On PostgreSQL: the API of an ADAM server whose database URL lists both nodes with
    /// `target_session_attrs=read-write`; it takes the first write after the failover.
    #[arg(long, value_name = "URL", conflicts_with_all = ["primary", "standby"], requires = "postgres_replica")]
    pub(crate) server: Option<String>,
    /// On PostgreSQL: the old primary, an administrator's URL of ADAM's database there; the
    /// drill fences that database (connections refused, sessions ended) unless --kill-pid.
    #[arg(long, value_name = "URL", requires = "server")]
    pub(crate) postgres_primary: Option<String>,
    /// On PostgreSQL: the streaming replica to promote (pg_promote), an administrator's URL.
    #[arg(long, value_name = "URL", requires = "server")]
    pub(crate) postgres_replica: Option<String>,
    /// Lose the primary by killing this process (kill -9) instead of isolating it: ADAM's
    /// primary, or on PostgreSQL the primary's postmaster.
    #[arg(long, value_name = "PID")]
    pub(crate) kill_pid: Option<u32>,
    /// The recovery time the drill must meet, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub(crate) rto_goal: u64,
    /// The revisions the drill may lose (0 for a synchronous standby).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) rpo_goal_revisions: u64,
}
