//! The audit trail's integrity, run against each backend: every record verifies; tampering
//! through SQL (a changed byte, a deleted row, a reordering, a cut tail, a rewritten chain, a
//! swapped key) is caught by `verify`; the retention purge deletes what it must and the trail
//! still verifies; holds keep days past the retention period.

use crate::backends::Backend;
use crate::town::*;
use adam_core::*;
use adam_store::audit::{Retention, canonical_json, chain_next, commitment, hex};
use adam_store::{AuditQuery, Hold, Keyring, NewAudit, Store};

const DAY: i64 = 86_400;

/// Statements that let a database superuser bypass the trail's triggers and foreign keys:
/// what an attacker with the database's keys would do.
fn bypass(b: &dyn Backend) -> &'static str {
    if b.name() == "sqlite" {
        "PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_delete_only_by_purge; \
         DROP TRIGGER IF EXISTS audit_chain_append_only_update; DROP TRIGGER IF EXISTS audit_chain_append_only_delete; \
         DROP TRIGGER IF EXISTS audit_checkpoints_append_only_delete;"
    } else {
        "SET session_replication_role = replica;"
    }
}

pub(crate) fn tamper(b: &dyn Backend, sql: &str) {
    b.raw(&format!("{} {sql}", bypass(b))).unwrap();
}

pub(crate) fn access(user: UserId, at: Timestamp, what: &str) -> NewAudit {
    NewAudit {
        retention: Retention::Access,
        context: context(Actor::user(user), at),
        action: "document.open".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: 0,
            label: what.to_owned(),
        },
        before: None,
        after: Some(serde_json::json!({ "note": what })),
        outcome: "ok".to_owned(),
    }
}

/// A store with the town built, some access records, and a checkpoint at its end.
pub(crate) fn built(b: &dyn Backend) -> (Box<dyn Store>, Town, u64) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let notes: Vec<NewAudit> = (0..5).map(|i| access(town.ana, t(NOW), &format!("page {i}"))).collect();
    s.append_audit(&notes).unwrap();
    s.audit_checkpoint(t(NOW)).unwrap().unwrap();
    let verdict = verified(&*s);
    assert!(verdict.intact(), "{}", verdict.summary());
    let n = verdict.records;
    assert!(n > 20, "the town writes a trail ({n} records)");
    assert_eq!(verdict.last_external_seq, Some(n));
    (s, town, n)
}

/// `verify` in one pass and cut into stretches checked side by side (2, 3 and 7 workers,
/// each on a connection of its own): the verdicts agree. A stretch reports what one pass
/// reports and may add a chain break of its own after an earlier one.
pub(crate) fn verified(s: &dyn Store) -> adam_store::audit::Verdict {
    let one = s.audit_verify_in(1).unwrap();
    for workers in [2, 3, 7] {
        let v = s.audit_verify_in(workers).unwrap();
        let context = format!("{workers} workers: {:?}\none pass: {:?}", v.problems, one.problems);
        assert_eq!(v.intact(), one.intact(), "{context}");
        assert_eq!((v.records, v.purged), (one.records, one.purged), "{context}");
        assert_eq!(v.head, one.head, "{context}");
        assert_eq!(
            v.problems.first().map(|p| p.seq),
            one.problems.first().map(|p| p.seq),
            "{context}"
        );
        for p in &one.problems {
            assert!(v.problems.iter().any(|q| q.seq == p.seq), "{p:?} {context}");
        }
    }
    one
}

fn first_problem(s: &dyn Store) -> (u64, String) {
    let v = verified(s);
    assert!(!v.intact(), "tampering went unnoticed");
    assert!(v.summary().starts_with("AUDIT TRAIL TAMPERED"), "{}", v.summary());
    let p = &v.problems[0];
    (p.seq, p.what.clone())
}

pub fn a_trail_verifies_and_checkpoints_are_external(b: &dyn Backend) {
    let (s, _town, n) = built(b);
    let v = verified(&*s);
    assert_eq!(v.records, n);
    assert_eq!(v.purged, 0);
    assert!(v.checkpoints >= 1);
    assert_eq!(v.checkpoints, v.external_checkpoints);
    assert!(v.summary().starts_with("audit trail intact"), "{}", v.summary());
    // The start-up check agrees.
    assert!(s.audit_quick_check().unwrap().intact());
    // A checkpoint when nothing is new adds nothing.
    assert_eq!(s.audit_checkpoint(t(NOW)).unwrap(), None);
    // Every CHECKPOINT_EVERY records a checkpoint is signed by itself.
    let mut town_user = None;
    for r in s.audit_since(0, 1).unwrap() {
        town_user = r.context.actor.user_id();
    }
    let user = town_user.unwrap_or(UserId(0));
    let many: Vec<NewAudit> = (0..600).map(|i| access(user, t(NOW), &format!("bulk {i}"))).collect();
    s.append_audit(&many).unwrap();
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    assert!(v.checkpoints >= 2, "{v:?}");
    assert_eq!(v.external_checkpoints, v.checkpoints);
}

pub fn a_changed_byte_is_detected(b: &dyn Backend) {
    let (s, _town, _) = built(b);
    tamper(
        b,
        "UPDATE audit SET payload = replace(payload, '\"outcome\":\"ok\"', '\"outcome\":\"OK\"') WHERE seq = 3;",
    );
    let (seq, what) = first_problem(&*s);
    assert_eq!(seq, 3, "{what}");
    assert!(what.contains("commitment") || what.contains("columns"), "{what}");
}

pub fn a_deleted_record_is_detected(b: &dyn Backend) {
    let (s, _town, _) = built(b);
    tamper(
        b,
        "DELETE FROM audit WHERE seq = 4; DELETE FROM audit_chain WHERE seq = 4;",
    );
    let (seq, what) = first_problem(&*s);
    assert_eq!(seq, 4, "{what}");
    assert!(what.contains("missing"), "{what}");
}

/// A payload row without its chain row, inserted past the trail's end or before its start, is
/// reported; `verify` reads the trail in batches of 8,192 and checks the rows of every
/// stretch, so the trail here spans two batches and a row goes missing where the first ends.
pub fn payload_rows_outside_the_chain_are_detected(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let more: Vec<NewAudit> = (0..9_000).map(|i| access(town.ana, t(NOW), &format!("p{i}"))).collect();
    s.append_audit(&more).unwrap();
    let n = verified(&*s).records;
    assert!(n > 9_000, "{n}");
    let copy = |seq: i64| {
        format!(
            "INSERT INTO audit (seq, revision, at, actor_user, actor_job, action, object_kind, object_id, outcome, payload) \
             SELECT {seq}, revision, at, actor_user, actor_job, action, object_kind, object_id, outcome, payload FROM audit WHERE seq = {n};"
        )
    };
    tamper(
        b,
        &format!(
            "DELETE FROM audit_chain WHERE seq = 8192; {} {}",
            copy(i64::try_from(n).unwrap() + 3),
            copy(-1)
        ),
    );
    let v = verified(&*s);
    let outside: Vec<(u64, &str)> = v
        .problems
        .iter()
        .filter(|p| p.what.contains("outside the chain"))
        .map(|p| (p.seq, p.what.as_str()))
        .collect();
    assert_eq!(outside.len(), 3, "{:?}", v.problems);
    assert_eq!(outside[0], (0, "a payload row numbered -1 exists outside the chain"));
    assert_eq!(outside[1].0, 8192);
    assert_eq!(outside[2].0, n + 3);
    assert!(
        v.problems.iter().any(|p| p.seq == 8192 && p.what.contains("missing")),
        "{:?}",
        v.problems
    );
}

/// A transaction's records are written together in multi-row statements of 64, 32, … 1
/// rows, and in parts of 1,024 when there are more: every count comes out whole, in order.
pub fn appends_of_any_size_are_written_whole(b: &dyn Backend) {
    let (s, town, n) = built(b);
    let mut total = n;
    for count in [1usize, 2, 3, 63, 64, 65, 127, 129, 1023, 1024, 1025, 2500] {
        let records: Vec<NewAudit> = (0..count)
            .map(|i| access(town.ana, t(NOW), &format!("batch {count} record {i}")))
            .collect();
        s.append_audit(&records).unwrap();
        let written = s.audit_since(total, usize::MAX).unwrap();
        assert_eq!(written.len(), count, "a batch of {count}");
        for (i, r) in written.iter().enumerate() {
            assert_eq!(r.seq, total + 1 + i as u64);
            assert_eq!(r.object.label, format!("batch {count} record {i}"));
        }
        total += count as u64;
    }
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.records, total);
}

pub fn reordered_records_are_detected(b: &dyn Backend) {
    let (s, _town, _) = built(b);
    tamper(
        b,
        "UPDATE audit SET seq = -5 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6; \
         UPDATE audit SET seq = 6 WHERE seq = -5; \
         UPDATE audit_chain SET seq = -5 WHERE seq = 5; UPDATE audit_chain SET seq = 5 WHERE seq = 6; \
         UPDATE audit_chain SET seq = 6 WHERE seq = -5;",
    );
    let (seq, what) = first_problem(&*s);
    assert_eq!(seq, 5, "{what}");
}

pub fn a_cut_tail_is_detected(b: &dyn Backend) {
    let (s, _town, n) = built(b);
    // The attacker removes the last three records and every checkpoint in the database; the
    // external checkpoint still vouches for them.
    tamper(
        b,
        &format!(
            "DELETE FROM audit WHERE seq > {k}; DELETE FROM audit_chain WHERE seq > {k}; DELETE FROM audit_checkpoints;",
            k = n - 3
        ),
    );
    let (seq, what) = first_problem(&*s);
    assert_eq!(seq, n - 2, "{what}");
    assert!(what.contains("tail was cut"), "{what}");
    assert!(!s.audit_quick_check().unwrap().intact());
}

pub fn a_rewritten_chain_is_caught_by_the_signatures(b: &dyn Backend) {
    let (s, _town, n) = built(b);
    // The attacker changes record 2 and recomputes its commitment and every chain value after
    // it, as anyone can for change records (their commitment is a plain hash).
    let old = s.audit_since(1, 1).unwrap().remove(0);
    assert_eq!(old.retention, Retention::Change);
    let mut stmts = String::new();
    let mut chain = {
        let first = s.audit_since(0, 1).unwrap();
        assert_eq!(first.len(), 1);
        // chain(1) as stored: read it back through verify's head on a one-record prefix is not
        // exposed, so recompute from genesis with record 1 unchanged.
        let r1 = &first[0];
        let v = payload_of(r1);
        let c = commitment(Retention::Change, None, canonical_json(&v).as_bytes()).unwrap();
        chain_next(&[0; 32], 1, r1.context.at.0.div_euclid(DAY), Retention::Change, &c)
    };
    let keys = b.keys();
    for r in s.audit_since(1, usize::MAX).unwrap() {
        let mut v = payload_of(&r);
        if r.seq == 2 {
            v["object"]["label"] = serde_json::json!("nothing to see here");
        }
        let text = canonical_json(&v);
        let period = r.context.at.0.div_euclid(DAY);
        let key = keys.day_key(period);
        let c = commitment(r.retention, key.as_ref(), text.as_bytes()).unwrap();
        chain = chain_next(&chain, r.seq, period, r.retention, &c);
        stmts.push_str(&format!(
            "UPDATE audit_chain SET commitment = '{}', chain = '{}' WHERE seq = {};",
            hex(&c),
            hex(&chain),
            r.seq
        ));
        if r.seq == 2 {
            stmts.push_str(&format!(
                "UPDATE audit SET payload = '{}' WHERE seq = 2;",
                text.replace('\'', "''")
            ));
        }
    }
    tamper(b, &stmts);
    let v = verified(&*s);
    assert!(!v.intact());
    assert!(
        v.problems
            .iter()
            .all(|p| p.what.contains("checkpoint") || p.what.contains("chain head kept outside")),
        "only the signatures and the head kept outside the database can tell: {:?}",
        v.problems
    );
    assert!(v.problems.iter().any(|p| p.seq == n), "{:?}", v.problems);
}

fn payload_of(r: &adam_store::AuditRecord) -> serde_json::Value {
    serde_json::json!({
        "seq": r.seq,
        "period": r.context.at.0.div_euclid(DAY),
        "retention": r.retention,
        "revision": r.revision,
        "at": r.context.at,
        "actor": r.context.actor,
        "actor_job": r.actor_job,
        "source_ip": r.context.source_ip,
        "application": r.context.application,
        "action": r.action,
        "object": r.object,
        "before": r.before,
        "after": r.after,
        "outcome": r.outcome,
    })
}

pub fn a_swapped_key_is_detected(b: &dyn Backend) {
    let (s, _town, _) = built(b);
    drop(s);
    // Someone replaces the signing key (to sign checkpoints of a forged trail).
    std::fs::write(b.keys_dir().join("signing.key"), hex(&[7u8; 32])).unwrap();
    let s = b.open();
    let v = verified(&*s);
    assert!(!v.intact());
    assert!(
        v.problems.iter().any(|p| p.what.contains("swapped key")),
        "{:?}",
        v.problems
    );
    assert!(!s.audit_quick_check().unwrap().intact());
}

pub fn the_purge_deletes_old_access_records_and_the_trail_still_verifies(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let now = t(NOW);
    let old = Timestamp(now.0 - 100 * DAY);
    let recent = Timestamp(now.0 - 10 * DAY);
    s.append_audit(&[
        access(town.ana, old, "old access, personal"),
        access(town.ana, recent, "recent access"),
    ])
    .unwrap();
    let before = s
        .audit_search(&AuditQuery {
            limit: usize::MAX,
            ..AuditQuery::default()
        })
        .unwrap();
    let changes_before = before.iter().filter(|r| r.retention == Retention::Change).count();
    let report = s.audit_purge(&context(Actor::System, now), 90).unwrap();
    assert_eq!(report.records, 1);
    assert_eq!(report.through_period, now.0.div_euclid(DAY) - 90);
    let after = s.audit_since(0, usize::MAX).unwrap();
    assert!(!after.iter().any(|r| r.object.label == "old access, personal"));
    assert!(after.iter().any(|r| r.object.label == "recent access"));
    // Every change record stays, and the purge itself is one more.
    assert_eq!(
        after.iter().filter(|r| r.retention == Retention::Change).count(),
        changes_before + 1
    );
    assert!(after.iter().any(|r| r.action == "audit.purge"));
    // The day's key is gone; the trail verifies with the payload and its key both gone.
    assert_eq!(s.keys().day_key(old.0.div_euclid(DAY)), None);
    assert!(s.keys().day_key(recent.0.div_euclid(DAY)).is_some());
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.purged, 1);
    // A record of a purged day can no longer be written.
    assert!(s.append_audit(&[access(town.ana, old, "late")]).is_err());
    // The database refuses to delete a change record, even now that a purge is recorded.
    let err = b.raw("DELETE FROM audit WHERE seq = 1").unwrap_err();
    assert!(err.contains("append-only"), "{err}");
}

pub fn a_hold_keeps_days_past_retention(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let now = t(NOW);
    let held_day = now.0 - 120 * DAY;
    let other_day = now.0 - 110 * DAY;
    s.append_audit(&[
        access(town.ana, Timestamp(held_day), "held"),
        access(town.ana, Timestamp(other_day), "not held"),
    ])
    .unwrap();
    let hold = s
        .audit_hold(
            &Hold {
                id: 0,
                from_period: held_day.div_euclid(DAY),
                through_period: held_day.div_euclid(DAY),
                justification: "Incident 2025-17: evidence for the inspector".to_owned(),
                approved_by: town.ana,
                at: now,
                released: None,
                risk_assessment: None,
                grace_until: None,
                confirmed_by: None,
                confirmed_at: None,
            },
            &context(Actor::System, now),
        )
        .unwrap();
    let report = s.audit_purge(&context(Actor::System, now), 90).unwrap();
    assert_eq!(report.records, 1);
    assert!(report.held.contains(&held_day.div_euclid(DAY)));
    let labels: Vec<String> = s
        .audit_since(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|r| r.object.label)
        .collect();
    assert!(labels.contains(&"held".to_owned()));
    assert!(!labels.contains(&"not held".to_owned()));
    assert!(verified(&*s).intact());
    // Released, the next purge takes it.
    s.audit_release_hold(hold.id, &context(Actor::System, now)).unwrap();
    let report = s.audit_purge(&context(Actor::System, now), 90).unwrap();
    assert_eq!(report.records, 1);
    assert_eq!(s.keys().day_key(held_day.div_euclid(DAY)), None);
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.purged, 2);
    assert_eq!(s.audit_holds().unwrap()[0].released, Some(now));
}

/// Art. 57(6): a proposed hold keeps its days only while its grace runs; confirmed by the head,
/// it keeps them until released; confirming is recorded, once, and not after the grace.
pub fn a_proposed_hold_lapses_unless_the_head_confirms_it(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let now = t(NOW);
    let confirmed_day = now.0 - 120 * DAY;
    let lapsing_day = now.0 - 110 * DAY;
    s.append_audit(&[
        access(town.ana, Timestamp(confirmed_day), "confirmed"),
        access(town.ana, Timestamp(lapsing_day), "lapsing"),
    ])
    .unwrap();
    let propose = |day: i64| {
        s.audit_hold(
            &Hold {
                id: 0,
                from_period: day.div_euclid(DAY),
                through_period: day.div_euclid(DAY),
                justification: "Incident 2026-3: evidence for the inspector".to_owned(),
                approved_by: town.ana,
                at: now,
                released: None,
                risk_assessment: Some(RiskId(0)),
                grace_until: None,
                confirmed_by: None,
                confirmed_at: None,
            },
            &context(Actor::user(town.ana), now),
        )
        .unwrap()
    };
    let to_confirm = propose(confirmed_day);
    let to_lapse = propose(lapsing_day);
    assert_eq!(
        to_lapse.grace_until,
        Some(now.plus_seconds(adam_store::HOLD_GRACE_SECONDS))
    );
    assert_eq!(to_lapse.risk_assessment, Some(RiskId(0)));
    assert_eq!(to_lapse.state(now), adam_store::HoldState::Proposed);
    // Within the grace both keep their days.
    let report = s.audit_purge(&context(Actor::System, now), 90).unwrap();
    assert_eq!(report.records, 0);
    let day = Timestamp(now.0 + DAY);
    let confirmed = s
        .audit_confirm_hold(to_confirm.id, town.bojan, &context(Actor::user(town.bojan), day))
        .unwrap();
    assert_eq!(
        (confirmed.confirmed_by, confirmed.confirmed_at),
        (Some(town.bojan), Some(day))
    );
    // Once only.
    assert!(
        s.audit_confirm_hold(to_confirm.id, town.bojan, &context(Actor::user(town.bojan), day))
            .is_err()
    );
    // Past the grace the unconfirmed one keeps nothing and cannot be confirmed any more.
    let later = now.plus_seconds(adam_store::HOLD_GRACE_SECONDS);
    let holds = s.audit_holds().unwrap();
    assert_eq!(holds[1].state(later), adam_store::HoldState::Lapsed);
    assert_eq!(holds[0].state(later), adam_store::HoldState::Confirmed);
    assert!(
        s.audit_confirm_hold(to_lapse.id, town.bojan, &context(Actor::user(town.bojan), later))
            .is_err()
    );
    let report = s.audit_purge(&context(Actor::System, later), 90).unwrap();
    assert_eq!(report.records, 1);
    assert!(report.held.contains(&confirmed_day.div_euclid(DAY)));
    assert!(!report.held.contains(&lapsing_day.div_euclid(DAY)));
    let labels: Vec<String> = s
        .audit_since(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|r| r.object.label)
        .collect();
    assert!(labels.contains(&"confirmed".to_owned()), "{labels:?}");
    assert!(!labels.contains(&"lapsing".to_owned()), "{labels:?}");
    assert_eq!(s.keys().day_key(lapsing_day.div_euclid(DAY)), None);
    assert!(s.keys().day_key(confirmed_day.div_euclid(DAY)).is_some());
    // The trail holds the proposal and the confirmation, with who and when.
    let actions: Vec<(String, Option<UserId>)> = s
        .audit_since(0, usize::MAX)
        .unwrap()
        .into_iter()
        .filter(|r| r.action.starts_with("audit.hold"))
        .map(|r| (r.action, r.context.actor.user_id()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("audit.hold".to_owned(), Some(town.ana)),
            ("audit.hold".to_owned(), Some(town.ana)),
            ("audit.hold.confirm".to_owned(), Some(town.bojan)),
        ]
    );
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
}

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

/// Plants a unique string in an access record, purges it, and proves the plaintext is in no
/// file of the database afterwards (SQLite: the database, its WAL and shared memory).
pub fn the_purged_plaintext_is_gone_from_every_file(b: &dyn Backend) {
    if b.name() != "sqlite" {
        // PostgreSQL keeps deleted rows in WAL segments until they are recycled: see
        // ARCHITECTURE.md ("Retention"). The SQLite test is the one that proves erasure.
        let (s, town, _) = built(b);
        let old = Timestamp(t(NOW).0 - 100 * DAY);
        s.append_audit(&[access(town.ana, old, "canary-pg")]).unwrap();
        s.audit_purge(&context(Actor::System, t(NOW)), 90).unwrap();
        assert!(b.count("SELECT count(*) FROM audit WHERE payload LIKE '%canary-pg%'") == 0);
        return;
    }
    let (s, town, _) = built(b);
    let canary = format!("canary-{:x}-zz", std::process::id() as u64 * 7919 + 13);
    let old = Timestamp(t(NOW).0 - 100 * DAY);
    s.append_audit(&[access(town.ana, old, &canary)]).unwrap();
    let dir = b.keys_dir().parent().unwrap().to_owned();
    let found = |dir: &std::path::Path| -> Vec<String> {
        let mut hits = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(canary.len()).any(|w| w == canary.as_bytes()) {
                    hits.push(path.display().to_string());
                }
            }
        }
        hits
    };
    assert!(!found(&dir).is_empty(), "the canary is on disk before the purge");
    s.audit_purge(&context(Actor::System, t(NOW)), 90).unwrap();
    assert_eq!(found(&dir), Vec::<String>::new(), "the canary survived the purge");
    assert!(verified(&*s).intact());
}

/// A random mix of changes, access records, checkpoints, holds and purges always leaves a
/// trail that verifies and a world that the log rebuilds.
pub fn any_sequence_of_writes_verifies(b: &dyn Backend) {
    let (s, town, _) = built(b);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let base = t(NOW).0;
    for step in 0..60 {
        let at = Timestamp(base + step * DAY / 3);
        match next() % 5 {
            0 | 1 => {
                let n = 1 + (next() % 20) as usize;
                let age = (next() % 200) as i64 * DAY;
                let notes: Vec<NewAudit> = (0..n)
                    .map(|i| access(town.ana, Timestamp(at.0 - age), &format!("r{step}-{i}")))
                    .collect();
                // Writing into a purged day is refused, and then nothing was written.
                let before = s.audit_since(0, usize::MAX).unwrap().len();
                if s.append_audit(&notes).is_err() {
                    assert_eq!(s.audit_since(0, usize::MAX).unwrap().len(), before);
                }
            }
            2 => {
                s.audit_checkpoint(at).unwrap();
            }
            3 => {
                s.audit_purge(&context(Actor::System, at), 30 + (next() % 90) as u32)
                    .unwrap();
            }
            _ => {
                let from = at.0.div_euclid(DAY) - (next() % 100) as i64;
                let _ = s.audit_hold(
                    &Hold {
                        id: 0,
                        from_period: from,
                        through_period: from + (next() % 3) as i64,
                        justification: "legal hold".to_owned(),
                        approved_by: town.ana,
                        at,
                        released: None,
                        risk_assessment: None,
                        grace_until: None,
                        confirmed_by: None,
                        confirmed_at: None,
                    },
                    &context(Actor::System, at),
                );
            }
        }
        let v = verified(&*s);
        assert!(v.intact(), "step {step}: {}", v.summary());
    }
    // The keys on disk agree with the store's: a reopened keyring derives the same day keys.
    let reopened = Keyring::open(b.keys_dir()).unwrap();
    let today = base.div_euclid(DAY) + 20;
    assert_eq!(reopened.day_key(today), s.keys().day_key(today));
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
