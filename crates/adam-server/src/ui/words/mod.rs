//! The UI's words by area, in Slovenian and English: each table is one area's keys (looked up
//! together with the shared table in `i18n.rs`; a key is unique across all tables).

pub(crate) mod account;
pub(crate) mod attachments;
pub(crate) mod audit;
pub(crate) mod continuity;
pub(crate) mod dormant;
pub(crate) mod engine;
pub(crate) mod grants;
pub(crate) mod hosting;
pub(crate) mod inventory;
pub(crate) mod process;
pub(crate) mod raci;
pub(crate) mod registers;
pub(crate) mod reviews;
pub(crate) mod settings;
pub(crate) mod setup;
pub(crate) mod site;
