//! Tests of the column checks and of the verifier's stretches.

use super::batch::{columns_by_walk, columns_in_place};
use super::*;
use crate::audit::chain::{Retention, canonical_json};
use crate::audit::tail::Payload;
use adam_core::{Actor, AuditObject, JobId, Revision, Session, UserId};
use serde_json::Value;

/// A record's searchable columns, owned.
#[derive(Clone, Debug)]
struct Cols {
    revision: Option<i64>,
    at: String,
    actor_user: Option<i64>,
    actor_job: Option<i64>,
    action: String,
    object_kind: String,
    object_id: Option<i64>,
    outcome: String,
}

impl Cols {
    fn wanted(&self) -> Wanted<'_> {
        Wanted {
            revision: self.revision,
            at: Some(self.at.as_bytes()),
            actor_user: self.actor_user,
            actor_job: self.actor_job,
            action: Some(self.action.as_bytes()),
            object_kind: Some(self.object_kind.as_bytes()),
            object_id: self.object_id,
            outcome: Some(self.outcome.as_bytes()),
        }
    }
}

/// A payload exactly as [`crate::audit::tail::Tail::append`] writes it, and the columns it
/// copies into.
fn record(actor: Actor, job: Option<JobId>, label: &str, after: Option<Value>) -> (Vec<u8>, Cols) {
    let at = Timestamp(1_764_505_680);
    let payload = Payload {
        seq: 7,
        period: 20_000,
        retention: Retention::Access,
        revision: Some(Revision(3)),
        at,
        actor,
        actor_job: job,
        source_ip: Some("127.0.0.1".to_owned()),
        application: Some("svc-dms".to_owned()),
        action: "document.open".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: 4711,
            label: label.to_owned(),
        },
        before: None,
        after,
        outcome: "ok".to_owned(),
    };
    let text = canonical_json(&serde_json::to_value(&payload).unwrap());
    let cols = Cols {
        revision: Some(3),
        at: at.to_string(),
        actor_user: match actor {
            Actor::User { user, .. } => Some(i64::from(user.0)),
            Actor::System => None,
        },
        actor_job: job.map(|j| i64::from(j.0)),
        action: "document.open".to_owned(),
        object_kind: adam_core::EntityKind::Document.as_str().to_owned(),
        object_id: Some(4711),
        outcome: "ok".to_owned(),
    };
    (text.into_bytes(), cols)
}

fn actors() -> Vec<(Actor, Option<JobId>)> {
    vec![
        (Actor::System, None),
        (
            Actor::User {
                user: UserId(12),
                job: None,
                session: Session::MFA,
            },
            None,
        ),
        (
            Actor::User {
                user: UserId(12),
                job: Some(JobId(5)),
                session: Session::PASSWORD,
            },
            Some(JobId(5)),
        ),
    ]
}

/// What ADAM writes is checked in place, whoever the actor; the general walk agrees.
#[test]
fn the_columns_of_written_payloads_are_checked_in_place() {
    for (actor, job) in actors() {
        for after in [
            None,
            Some(serde_json::json!({ "level": 14, "note": "a \"quoted\" {word}" })),
        ] {
            let (payload, cols) = record(actor, job, "document 4711", after);
            let w = cols.wanted();
            assert_eq!(
                columns_in_place(&w, &payload),
                Some(()),
                "{}",
                String::from_utf8_lossy(&payload)
            );
            assert!(columns_by_walk(&w, &payload));
            assert!(columns_match(&w, &payload));
        }
    }
}

/// A label JSON must escape is skipped, not compared; an escape the writer never makes
/// leaves the fast path, and the walk decides.
#[test]
fn escaped_text_is_left_to_the_walk() {
    let (actor, job) = actors()[1];
    let (payload, cols) = record(actor, job, "\"Odlo\u{10d}ba\" \\ 5", None);
    assert_eq!(columns_in_place(&cols.wanted(), &payload), Some(()));
    let payload = String::from_utf8(payload)
        .unwrap()
        .replace(r#""action":"document.open""#, r#""action":"document\u002eopen""#);
    assert_eq!(columns_in_place(&cols.wanted(), payload.as_bytes()), None);
    assert!(columns_by_walk(&cols.wanted(), payload.as_bytes()), "the same text");
    assert!(columns_match(&cols.wanted(), payload.as_bytes()));
}

/// A worker whose snapshot counts a retention purge that `verify`'s own transaction does
/// not see gives up its stretch, and the whole trail is checked again in that one
/// transaction (SQLite's workers read later snapshots than their caller's).
#[test]
fn a_purge_while_the_workers_start_leaves_the_check_to_one_transaction() {
    use crate::{AuditContext, AuditTrail, NewAudit, SqliteStore, WorldStore};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let keys = std::sync::Arc::new(Keyring::open(dir.path().join("keys")).unwrap());
    let path = dir.path().join("adam.db");
    let store = SqliteStore::open(&path, keys.clone()).unwrap();
    store
        .initialise(&adam_core::Text::parse("organisation", "Občina").unwrap())
        .unwrap();
    let record = |i: u32| NewAudit {
        retention: Retention::Access,
        context: AuditContext {
            at: Timestamp(1_764_505_680),
            actor: Actor::System,
            source_ip: None,
            application: None,
        },
        action: "document.open".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: i,
            label: format!("document {i}"),
        },
        before: None,
        after: None,
        outcome: "ok".to_owned(),
    };
    store.append_audit(&(0..300).map(record).collect::<Vec<_>>()).unwrap();
    let opened = AtomicUsize::new(0);
    let verdict = store
        .read(|tx| {
            verify(tx, &keys, &Ok(None), 3, &|f| {
                if opened.fetch_add(1, Ordering::SeqCst) == 0 {
                    // A purge commits: its record, then a payload of a day it covers
                    // deleted (the triggers let exactly this through).
                    let other = rusqlite::Connection::open(&path).unwrap();
                    other
                        .execute_batch(
                            "INSERT INTO audit_purges (at, through_period, records, audit_seq) VALUES (0, 99999, 1, 1); \
                             DELETE FROM audit WHERE seq = 250;",
                        )
                        .unwrap();
                }
                store.read_beside(None, f)
            })
        })
        .unwrap();
    assert_eq!(opened.load(Ordering::SeqCst), 2, "two workers beside this thread");
    // Mixing the snapshots would find record 250's payload gone with no purge to cover it.
    assert!(verdict.intact(), "{}", verdict.summary());
    assert_eq!((verdict.records, verdict.purged), (300, 0), "the caller's snapshot");
    let now = store.audit_verify_in(3).unwrap();
    assert!(now.intact(), "{}", now.summary());
    assert_eq!((now.records, now.purged), (300, 1));
}

/// Every column that differs from its payload fails both checks, whoever the actor.
#[test]
fn a_column_that_differs_fails_both_checks() {
    for (actor, job) in actors() {
        let (payload, c) = record(actor, job, "document 4711", None);
        let changed = [
            (
                "revision",
                Cols {
                    revision: None,
                    ..c.clone()
                },
            ),
            (
                "at",
                Cols {
                    at: Timestamp(1_764_505_681).to_string(),
                    ..c.clone()
                },
            ),
            (
                "actor_user",
                Cols {
                    actor_user: Some(c.actor_user.map_or(1, |u| u + 1)),
                    ..c.clone()
                },
            ),
            (
                "actor_job",
                Cols {
                    actor_job: Some(99),
                    ..c.clone()
                },
            ),
            (
                "action",
                Cols {
                    action: "document.close".to_owned(),
                    ..c.clone()
                },
            ),
            (
                "object_kind",
                Cols {
                    object_kind: "ADAM_ENTITY_JOB".to_owned(),
                    ..c.clone()
                },
            ),
            (
                "object_id",
                Cols {
                    object_id: Some(4712),
                    ..c.clone()
                },
            ),
            (
                "object_id null",
                Cols {
                    object_id: None,
                    ..c.clone()
                },
            ),
            (
                "outcome",
                Cols {
                    outcome: "refused".to_owned(),
                    ..c.clone()
                },
            ),
        ];
        for (what, c) in changed {
            assert_eq!(columns_in_place(&c.wanted(), &payload), None, "{what} of {actor:?}");
            assert!(!columns_by_walk(&c.wanted(), &payload), "{what} of {actor:?}");
        }
    }
    // A repeated member (the writer never makes one) is left to the walk, which refuses it.
    let (actor, job) = actors()[0];
    let (payload, c) = record(actor, job, "document 4711", None);
    let mut doubled = payload.clone();
    doubled.pop();
    doubled.extend_from_slice(br#","outcome":"refused"}"#);
    assert_eq!(columns_in_place(&c.wanted(), &doubled), None);
    assert!(!columns_match(&c.wanted(), &doubled));
}
