//! Authentication and the sign-in flows: who is calling ([`Caller`], from an API token or a
//! session) and everything a person does to prove it — the password, the second factor,
//! sessions, password changes and resets — as functions over typed requests that the API
//! (`api/authn.rs`) and the UI (`ui/account.rs`) both call.
//!
//! The leaves ([`scope`], [`caller`], [`config`]) import nothing of the server's state, so
//! `state.rs` can hold them without an import circle.

pub mod caller;
pub mod client;
pub mod config;
pub mod factor;
pub mod limits;
pub mod password;
pub mod reset;
pub mod scope;
pub mod session;
pub mod signin;
pub mod token;
pub mod trail;
pub mod types;

pub use caller::*;
pub use client::*;
pub use config::*;
pub(crate) use factor::*;
pub use password::*;
pub(crate) use reset::*;
pub use scope::*;
pub use session::*;
pub(crate) use signin::*;
pub use token::*;
pub use types::*;
