//! API integration tests: a real server on its own port and a fresh database per test, run
//! against SQLite and against PostgreSQL (`ADAM_TEST_PG_URL`, started by `.ci/run`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access_reviews;
mod account_rules;
mod administration;
mod as_of;
mod attachments_api;
mod attachments_ui;
mod audit;
mod audit_bounds;
mod audit_search;
mod authn;
mod authn_timing;
mod bad_input;
mod conformance;
mod continuity;
mod continuity_ui;
mod dormant_accounts;
mod governance;
mod grants_ui;
mod hardening;
mod hosting_api;
mod hosting_jobs;
mod hosting_ui;
mod integrity;
mod integrity_box;
mod inventory_api;
mod inventory_fixture;
mod inventory_matrix;
mod inventory_ui;
mod languages;
mod languages_more;
mod matrix;
mod matrix_scoped;
mod metrics;
mod openapi;
mod persistence;
mod process_api;
mod process_ui;
mod raci_api;
mod raci_process;
mod raci_ui;
mod read_rules;
mod register_attacks;
mod register_matrix;
mod registers_ui;
mod replication;
mod settings_ui;
mod setup;
mod ui;
mod ui_account;
mod ui_matrix;
mod workflow;
