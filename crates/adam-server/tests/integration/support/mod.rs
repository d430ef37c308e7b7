//! Test servers, the fixture organisation, and clients acting as each kind of caller: the
//! shared support of the integration tests, one file a concern — the fixture (`fixture`), the
//! databases (`database`), the server and its API client (`server`), signed-in browsers
//! (`browser`), accounts (`accounts`), the pages' client (`ui`), the SMTP sink (`mail`) and the
//! OpenAPI shape check (`schema`). Everything is re-exported here: `use crate::support::*`.

#![allow(dead_code)]

mod accounts;
mod browser;
mod database;
mod fixture;
mod mail;
mod schema;
mod server;
mod ui;

pub use accounts::*;
pub use browser::*;
pub use database::*;
pub use fixture::*;
pub use mail::*;
pub use schema::*;
pub use server::*;
pub use ui::*;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend, as two test functions.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await;
            }
        }
    };
}

/// The instant the fixture is built at and the servers' clocks show.
pub const NOW: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// The `admin` account (system administrator).
    SysAdmin,
    /// The user administrator of the main office GLPI (also holds [dist.main]).
    UserAdminHere,
    /// The user administrator of UN, another office.
    UserAdminOther,
    /// A clerk of UN with no administrative rights.
    Plain,
    /// A `system_user` service account.
    Service,
    /// No token.
    Anonymous,
}

impl Who {
    pub const ALL: [Who; 6] = [
        Who::SysAdmin,
        Who::UserAdminHere,
        Who::UserAdminOther,
        Who::Plain,
        Who::Service,
        Who::Anonymous,
    ];
}
