//! `adam` — the one binary: the server, and the operator's commands beside it.
//!
//! The operator's commands (`init`, `token`, `check`, `lookup`, `explain`, `import`,
//! `export`) open the store directly, act as the console (`Actor::System`) and are recorded in
//! the audit trail with the application `adam-cli`. Whoever can run them can read the
//! database anyway; they are the tools of the system administrator on the server host.
//!
//! [`cli`] defines the command line, [`commands`] holds one file per command, and [`support`]
//! what they share; this file only starts the runtime and reports a failure.

mod cli;
mod commands;
mod support;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(commands::run(cli)) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
