//! The command line of `adam raci …`: the responsibility matrices. What it does is
//! `commands/raci.rs`.

use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum RaciCommand {
    /// Every solution's responsibility matrix: template, overrides, warnings.
    List,
    /// Who is accountable (and responsible, consulted, informed) for a task at a layer.
    Who {
        /// The solution's codename (`OPSI`).
        #[arg(long)]
        solution: String,
        /// The task: its number or its name in Slovenian, English or Danish (`Restore`).
        #[arg(long)]
        task: String,
        /// The layer: `applications`, `middleware`, `operating_system`,
        /// `server_storage_network`, or its name.
        #[arg(long)]
        layer: String,
        /// As of this date or instant (default: now).
        #[arg(long)]
        at: Option<String>,
        /// The language of the names: `sl` or `en`.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}
