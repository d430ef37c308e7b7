//! Integration tests of adam-store: the same suite against SQLite and PostgreSQL, plus what is
//! particular to each. One binary keeps link time down.
//!
//! The PostgreSQL half needs a server: export `ADAM_TEST_PG_URL` (an administrator's URL such
//! as `postgres://postgres@127.0.0.1:5433/postgres`); each test creates and drops its own
//! database. Without the variable those tests fail with a message saying so. The failover
//! drill (`pg_failover`) also makes a streaming replica of that server, and promotes it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attachments;
mod authn;
mod backends;
mod backup;
mod pg_failover;
mod postgres_specific;
mod properties;
mod replication;
mod retention;
mod sqlite_specific;
mod suite;
mod tail_cut;
mod tokens_used;
mod town;
mod trail;
mod trail_search;

/// Instantiates each test of the suite once per backend: `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    crate::$test(&crate::backends::Sqlite::new());
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    crate::$test(&crate::backends::Postgres::new());
                }
            )+
        }
    };
}

use attachments::*;
use authn::*;
use backup::*;
use replication::*;
use retention::*;
use suite::*;
use tail_cut::*;
use tokens_used::*;
use trail::*;
use trail_search::*;

on_both_backends!(
    a_standby_follows_to_the_same_world_trail_and_credentials,
    a_standby_purges_what_its_primary_purged_and_keeps_what_a_hold_keeps,
    a_standby_refuses_altered_batches_and_a_divergent_primary,
    large_commits_ship_in_bounded_batches,
    promotion_starts_a_generation_and_a_fence_survives_a_reopen,
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
    a_tokens_last_use_is_recorded_and_never_moves_back,
    a_trail_verifies_and_checkpoints_are_external,
    a_changed_byte_is_detected,
    a_deleted_record_is_detected,
    payload_rows_outside_the_chain_are_detected,
    appends_of_any_size_are_written_whole,
    reordered_records_are_detected,
    a_cut_tail_is_detected,
    cutting_the_last_record_is_detected,
    cutting_a_few_records_after_the_last_checkpoint_is_detected,
    a_head_that_lags_the_database_is_consistent,
    a_rewritten_chain_is_caught_by_the_signatures,
    a_swapped_key_is_detected,
    the_purge_deletes_old_access_records_and_the_trail_still_verifies,
    a_hold_keeps_days_past_retention,
    a_proposed_hold_lapses_unless_the_head_confirms_it,
    the_trail_can_be_searched,
    the_purged_plaintext_is_gone_from_every_file,
    any_sequence_of_writes_verifies,
    searches_by_object_and_actor_agree_with_the_trail,
    keys_moved_a_chunk_at_a_time_are_found_once_at_every_step,
    a_changed_search_column_is_detected,
    authn_passwords_and_rehash,
    authn_sessions,
    authn_attempt_states_are_shared,
    authn_totp_and_backup_codes,
    authn_resets_are_used_once,
    authn_totp_seeds_are_sealed_at_rest,
    authn_the_totp_key_is_rotated,
    attachments_round_trip_chunked_sealed_and_stored_once,
    a_file_becomes_part_of_a_record_in_the_records_transaction,
    a_backup_under_writes_verifies_and_restores_the_same_world,
    a_corrupted_backup_fails_naming_what_is_wrong,
    a_backup_never_holds_the_keys,
);
