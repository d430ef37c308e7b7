//! The rule sets in force: one file per regulation, each turning an item's classes into the
//! obligations that regulation attaches to them (`../obligations.rs` gathers them).
//!
//! - `decree_2018.rs` — the 2018 Decree (Uredba o informacijski varnosti v državni upravi,
//!   Uradni list RS, št. 29/2018), table 1.2.3 of the requirements extract.
//!
//! **Adding a regulation** (a later one, such as ZInfV-1, stands beside the 2018 Decree rather
//! than replacing it, so the obligations of records classified under the Decree stay
//! explainable):
//!
//! 1. a new file here, say `zinfv_1.rs`, with its [`Regulation`](super::obligations::Regulation)
//!    (a new stable `code`, matching its ``## Rule set `code` `` section in
//!    `docs/conformance.md`; short name, title and citation in Slovenian and English), a
//!    function from an item and its class to its obligations, each naming that regulation and
//!    its article, and a `RULE_SET` pairing the two — `decree_2018.rs` is the model;
//! 2. one line: `mod zinfv_1;` below and `zinfv_1::RULE_SET` in [`IN_FORCE`].
//!
//! Nothing else changes: the API's item view and the item page show each obligation with its
//! regulation's short name and article, grouped by regulation.

pub mod decree_2018;

use super::obligations::RuleSet;

/// The rule sets whose obligations every item is shown, in the order they are shown.
pub const IN_FORCE: &[RuleSet] = &[decree_2018::RULE_SET];
