//! Integration tests of the engine: the Diagram 1 walk-through, refusals, property tests
//! against a brute-force oracle. One binary keeps link time down.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod administration;
mod administration_property;
mod change_log;
mod choices;
mod common;
mod continuity;
mod explain_names;
mod governance;
mod hosting;
mod hosting_guards;
mod hosting_jobs;
mod hosting_loops;
mod hosting_registry;
mod integrity;
mod inventory;
mod inventory_floor;
mod lockout;
mod oracle;
mod process;
mod process_walks;
mod properties;
mod raci;
mod raci_steps;
mod refusals;
mod refusals_directory;
mod review;
mod scenario;
mod signing_codes;
mod worlds;
