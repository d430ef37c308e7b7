//! The audit trail's integrity, run against each backend: every record verifies; tampering
//! through SQL (a changed byte, a deleted row, a reordering, a cut tail, a rewritten chain, a
//! swapped key) is caught by `verify`; any sequence of writes verifies. The retention tests
//! are in `retention.rs`, the searches in `trail_search.rs`; both use the helpers here.

use crate::backends::Backend;
use crate::town::*;
use adam_core::*;
use adam_store::audit::{Retention, canonical_json, chain_next, commitment, hex};
use adam_store::{Hold, Keyring, NewAudit, Store};

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
