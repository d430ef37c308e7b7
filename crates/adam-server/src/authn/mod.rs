//! Authentication and the sign-in flows: who is calling ([`Caller`], from an API token or a
//! session) and everything a person does to prove it — the password, the second factor,
//! sessions, password changes and resets — as functions over typed requests that the API
//! (`api/authn.rs`) and the UI (`ui/account.rs`) both call.
//!
//! The settings and runtime pieces of authentication (`AuthConfig`, `Authn`) live below this
//! module, in `authn_config.rs`, and are re-exported here: the state holds them, and `state.rs`
//! names nothing of `authn` (which builds on the state), so the two do not import each other.
//! For the same reason the write path on a caller's behalf (`AppState::execute`) is defined in
//! [`caller`].
//!
//! A sign-in on a standby asks the primary to mark its TOTP step used first ([`totp_step`],
//! over `replica/`'s client), and a detection — a lock-out, a lost factor — raises a security
//! event through `security_event.rs`: both below this module, so that neither `replication/`
//! nor `service/`, which build on it, is imported here.

pub mod caller;
pub mod client;
pub mod factor;
pub mod limits;
pub mod password;
pub mod reset;
pub mod scope;
pub mod session;
pub mod signin;
pub mod token;
pub mod totp_step;
pub mod trail;
pub mod types;

pub use crate::authn_config::*;
pub use caller::*;
pub use client::*;
pub(crate) use factor::*;
pub use password::*;
pub(crate) use reset::*;
pub use scope::*;
pub use session::*;
pub(crate) use signin::*;
pub use token::*;
pub use types::*;
