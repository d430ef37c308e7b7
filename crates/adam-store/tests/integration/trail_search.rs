//! Searching the audit trail, run against each backend: by object and by actor, page by page,
//! each equal to a brute-force filter of the whole trail while the search keys move from the
//! tail into the lookup tables a chunk at a time; a changed search column is detected. (Split
//! from `trail.rs`, which keeps the integrity tests.)

use crate::backends::Backend;
use crate::town::*;
use crate::trail::*;
use adam_core::*;
use adam_store::{AuditQuery, NewAudit, Store};

const DAY: i64 = 86_400;

pub fn the_trail_can_be_searched(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let all = s
        .audit_search(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let ana = s
        .audit_search(&AuditQuery {
            actor: Some(town.ana),
            limit: 1000,
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(!ana.is_empty());
    assert!(ana.iter().all(|r| r.context.actor.user_id() == Some(town.ana)));
    let opened = s
        .audit_search(&AuditQuery {
            action: Some("document".to_owned()),
            limit: 1000,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(opened.len(), 5, "document.open matches the prefix 'document'");
    let changes = s
        .audit_search(&AuditQuery {
            changes_only: true,
            limit: 1000,
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(changes.iter().all(|r| r.revision.is_some()));
    // Pages by cursor join up.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = s
            .audit_search(&AuditQuery {
                before,
                limit: 7,
                ..AuditQuery::default()
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.seq);
        paged.extend(page);
    }
    assert_eq!(paged, all);
}

/// Every search by object and by actor equals a brute-force filter of the whole trail, page
/// by page, and every record's keys are found in exactly one place: the tail above the
/// watermark or the lookup table at or below it (`audit/index.rs`).
fn searches_agree(b: &dyn Backend, s: &dyn Store, users: [UserId; 3]) {
    let mut all = s.audit_since(0, usize::MAX).unwrap();
    all.reverse();
    let mut keys: Vec<(String, u32)> = all
        .iter()
        .map(|r| (r.object.kind.as_str().to_owned(), r.object.id))
        .collect();
    keys.sort();
    keys.dedup();
    assert!(keys.len() > 5, "{keys:?}");
    for (kind, id) in keys {
        let want: Vec<_> = all
            .iter()
            .filter(|r| r.object.kind.as_str() == kind && r.object.id == id)
            .cloned()
            .collect();
        assert_eq!(s.object_history(&kind, id, usize::MAX).unwrap(), want, "{kind} {id}");
        assert_eq!(
            s.object_history(&kind, id, 2).unwrap(),
            want[..want.len().min(2)].to_vec()
        );
        // Pages of 3 by cursor, with an action filter on top.
        let mut paged = Vec::new();
        let mut before = None;
        loop {
            let page = s
                .audit_search(&AuditQuery {
                    object_kind: Some(kind.clone()),
                    object_id: Some(id),
                    action: Some("document".to_owned()),
                    before,
                    limit: 3,
                    ..AuditQuery::default()
                })
                .unwrap();
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            paged.extend(page);
        }
        let opened: Vec<_> = want.iter().filter(|r| r.action == "document.open").cloned().collect();
        assert_eq!(paged, opened, "{kind} {id}");
    }
    for user in users {
        let want: Vec<_> = all
            .iter()
            .filter(|r| r.context.actor.user_id() == Some(user))
            .cloned()
            .collect();
        let got = s
            .audit_search(&AuditQuery {
                actor: Some(user),
                limit: usize::MAX,
                ..AuditQuery::default()
            })
            .unwrap();
        assert_eq!(got, want, "{user:?}");
        let mut paged = Vec::new();
        let mut before = None;
        loop {
            let page = s
                .audit_search(&AuditQuery {
                    actor: Some(user),
                    before,
                    limit: 4,
                    ..AuditQuery::default()
                })
                .unwrap();
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            paged.extend(page);
        }
        assert_eq!(paged, want, "{user:?}");
    }
    let w = b.count("SELECT indexed_through FROM audit_index_mark");
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM audit_tail WHERE seq > {w}"))
            + b.count(&format!("SELECT count(*) FROM audit_by_object WHERE seq <= {w}")),
        b.count("SELECT count(*) FROM audit")
    );
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM audit_tail t JOIN audit_by_object o ON o.seq = t.seq WHERE t.seq > {w} AND o.seq <= {w}"
        )),
        0
    );
}

/// Searches by object and by actor read the unindexed tail and the lookup tables (migration
/// 0003); with a batch of 7 records the trail crosses that boundary many times, and every
/// answer must equal a brute-force filter of the whole trail, page by page. The purge takes
/// the purged records' keys out of every lookup table.
pub fn searches_by_object_and_actor_agree_with_the_trail(b: &dyn Backend) {
    let s = b.open_indexing_every(7);
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let users = [town.ana, UserId(0), UserId(1)];
    let now = t(NOW).0;
    for round in 0..6u32 {
        let notes: Vec<NewAudit> = (0..(3 + round * 2))
            .map(|i| {
                let mut n = access(
                    users[(i % 3) as usize],
                    Timestamp(now - i64::from(round) * 30 * DAY),
                    "x",
                );
                n.object.id = i % 4;
                n
            })
            .collect();
        s.append_audit(&notes).unwrap();
    }
    searches_agree(b, &*s, users);
    assert!(
        b.count("SELECT count(*) FROM audit_by_object") > 0,
        "the batches were indexed"
    );
    assert!(b.count("SELECT count(*) FROM audit_tail") < 7);
    let report = s.audit_purge(&context(Actor::System, t(NOW)), 90).unwrap();
    assert!(report.records > 0);
    searches_agree(b, &*s, users);
    // No key of a purged record is left anywhere.
    for table in ["audit_tail", "audit_by_object", "audit_by_actor"] {
        assert_eq!(
            b.count(&format!(
                "SELECT count(*) FROM {table} x WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.seq = x.seq)"
            )),
            0,
            "{table}"
        );
    }
    // The lookup tables refuse changes, as the trail does.
    let err = b.raw("UPDATE audit_by_actor SET actor_user = 99").unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let err = b.raw("DELETE FROM audit_by_object WHERE seq = 1").unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    assert!(verified(&*s).intact());
}

/// A batch larger than a chunk is moved a chunk per write transaction behind the watermark
/// (`audit/index.rs`). After every transaction — a batch marked, planned, half moved, the
/// watermark passed, the tail cut — every search equals the brute-force answer and every
/// record is found once; a store reopened in the middle of a move (its plan lost with the
/// old handle) finishes it; the keys of records purged while their batch was moving are not
/// brought back.
pub fn keys_moved_a_chunk_at_a_time_are_found_once_at_every_step(b: &dyn Backend) {
    let mut s = b.open_indexing_in_chunks(12, 5);
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    drop(d);
    let users = [town.ana, UserId(0), UserId(1)];
    let now = t(NOW).0;
    let half_moved = |b: &dyn Backend| {
        b.count("SELECT count(*) FROM audit_index_mark WHERE moving_through IS NOT NULL AND objects_done > 0") > 0
    };
    let (mut reopened, mut purged, mut cut_seen) = (false, false, false);
    let w0 = b.count("SELECT indexed_through FROM audit_index_mark");
    for i in 0..90u32 {
        // Every fourth record is 120 days old: the purge takes those.
        let age = if i % 4 == 3 && !purged {
            120 * DAY
        } else {
            i64::from(i % 3) * DAY
        };
        let mut n = access(users[(i % 3) as usize], Timestamp(now - age), "x");
        n.object.id = i % 5;
        s.append_audit(&[n]).unwrap();
        searches_agree(b, &*s, users);
        let w = b.count("SELECT indexed_through FROM audit_index_mark");
        cut_seen |= b.count(&format!("SELECT count(*) FROM audit_tail WHERE seq <= {w}")) > 0;
        if !reopened && half_moved(b) {
            s = b.open_indexing_in_chunks(12, 5);
            reopened = true;
        } else if reopened && !purged && half_moved(b) {
            let report = s.audit_purge(&context(Actor::System, t(NOW)), 90).unwrap();
            assert!(report.records > 0);
            purged = true;
            searches_agree(b, &*s, users);
        }
    }
    assert!(reopened && purged, "a move was seen half done twice");
    assert!(cut_seen, "the tail was seen below the watermark before its cut");
    assert!(b.count("SELECT indexed_through FROM audit_index_mark") > w0 + 24);
    for table in ["audit_tail", "audit_by_object", "audit_by_actor"] {
        assert_eq!(
            b.count(&format!(
                "SELECT count(*) FROM {table} x WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.seq = x.seq)"
            )),
            0,
            "{table}: a purged record's key"
        );
    }
    assert!(verified(&*s).intact());
}

/// A searchable column changed without its payload (to hide a record from searches, or to
/// pin it on someone else) is caught, column by column: `verify` compares each column with
/// the payload it copies.
pub fn a_changed_search_column_is_detected(b: &dyn Backend) {
    let (s, _town, n) = built(b);
    // The last records are the town's five access records of user ana; record 2 is a change.
    for (i, change) in [
        "actor_user = actor_user + 1",
        "actor_user = NULL",
        "actor_job = 4242",
        "action = 'document.close'",
        "object_kind = 'ADAM_ENTITY_JOB'",
        "object_id = object_id + 1",
        "at = at + 1",
        "outcome = 'refused'",
        "revision = NULL",
    ]
    .into_iter()
    .enumerate()
    {
        // A record of its own for each change (the newest five are ana's access records).
        let seq = if change.starts_with("revision") {
            2
        } else {
            n - i as u64
        };
        tamper(b, &format!("UPDATE audit SET {change} WHERE seq = {seq};"));
        let v = verified(&*s);
        assert!(
            v.problems
                .iter()
                .any(|p| p.seq == seq && p.what.contains("searchable columns")),
            "{change}: {:?}",
            v.problems
        );
    }
}
