//! Integration tests of adam-store: the same suite against SQLite and PostgreSQL, plus what is
//! particular to each. One binary keeps link time down.
//!
//! The PostgreSQL half needs a server: export `ADAM_TEST_PG_URL` (an administrator's URL such
//! as `postgres://postgres@127.0.0.1:5433/postgres`); each test creates and drops its own
//! database. Without the variable those tests fail with a message saying so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backends;
mod postgres_specific;
mod sqlite_specific;
mod suite;
mod town;

/// Instantiates each test of the suite once per backend: `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    crate::suite::$test(&crate::backends::Sqlite::new());
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    crate::suite::$test(&crate::backends::Postgres::new());
                }
            )+
        }
    };
}

on_both_backends!(
    initialise_twice,
    commits_need_an_initialised_store,
    commits_rebuild_the_same_world,
    reopening_keeps_everything,
    a_revision_is_committed_once,
    concurrent_commits_one_wins,
    out_of_order_plans_are_refused,
    a_failed_commit_leaves_nothing,
    failed_token_and_audit_writes_leave_nothing,
    followers_replay_the_change_log,
    the_audit_trail_holds_every_change,
    the_trail_and_the_log_are_append_only,
    tokens,
);
