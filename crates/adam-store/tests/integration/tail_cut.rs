//! Cutting the newest records of the trail (issue #14, item 8), run against each backend:
//! records committed after the last checkpoint are vouched for by the chain head kept outside
//! the database (`head.json`, rewritten after every commit), so deleting one of them or a few
//! is found by `verify` and by the check at start, with a finding that names the records cut.

use crate::backends::Backend;
use crate::town::*;
use crate::trail::{access, tamper, verified};
use adam_core::*;
use adam_store::{NewAudit, Store};

/// The town, a checkpoint at its end, then `extra` access records in separate commits (fewer
/// than a checkpoint's interval: no checkpoint covers them). Returns the store, the last record
/// the checkpoint covers and the last record.
fn with_unchecked_tail(b: &dyn Backend, extra: u64) -> (Box<dyn Store>, u64, u64) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let checkpoint = s.audit_checkpoint(t(NOW)).unwrap().unwrap();
    for i in 0..extra {
        let record: NewAudit = access(town.ana, t(NOW), &format!("after the checkpoint {i}"));
        s.append_audit(&[record]).unwrap();
    }
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    let last = checkpoint.seq + extra;
    assert_eq!(v.records, last);
    assert_eq!(
        v.last_external_seq,
        Some(checkpoint.seq),
        "no checkpoint covers the tail"
    );
    assert_eq!(
        v.outside_head,
        Some(last),
        "the head outside the database follows every commit"
    );
    assert!(s.audit_quick_check().unwrap().intact());
    (s, checkpoint.seq, last)
}

fn cut_after(b: &dyn Backend, keep: u64) {
    tamper(
        b,
        &format!(
            "DELETE FROM audit_tail WHERE seq > {keep}; DELETE FROM audit WHERE seq > {keep}; DELETE FROM audit_chain WHERE seq > {keep};"
        ),
    );
}

fn assert_cut(s: &dyn Store, first_missing: u64, last: u64) {
    let v = verified(s);
    assert!(!v.intact(), "a cut tail went unnoticed");
    assert_eq!(v.records, first_missing - 1);
    let p = &v.problems[0];
    assert_eq!(p.seq, first_missing, "{:?}", v.problems);
    assert!(p.what.contains("tail was cut"), "{}", p.what);
    assert!(
        p.what.contains(&format!("records {first_missing}–{last} are missing")),
        "the finding names the records cut: {}",
        p.what
    );
    let quick = s.audit_quick_check().unwrap();
    assert!(!quick.intact(), "the check at start finds it too");
    assert!(
        quick.problems.iter().any(|p| p.what.contains("tail was cut")),
        "{quick:?}"
    );
}

pub fn cutting_the_last_record_is_detected(b: &dyn Backend) {
    let (s, _, last) = with_unchecked_tail(b, 4);
    cut_after(b, last - 1);
    assert_cut(&*s, last, last);
}

pub fn cutting_a_few_records_after_the_last_checkpoint_is_detected(b: &dyn Backend) {
    let (s, checkpointed, last) = with_unchecked_tail(b, 5);
    // Everything after the checkpoint goes: the checkpoints alone would still verify.
    cut_after(b, checkpointed);
    assert_cut(&*s, checkpointed + 1, last);
}

pub fn a_head_that_lags_the_database_is_consistent(b: &dyn Backend) {
    let (s, _, last) = with_unchecked_tail(b, 3);
    // A crash between a commit and the head's write, or a write torn by it, leaves the head a
    // commit behind: the head file keeps the previous head in its other slot. Damage the
    // newest slot: the head read is the one before, which the database holds — consistent,
    // not a finding.
    let path = b.keys_dir().join("head.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let newest = bytes
        .chunks(256)
        .position(|s| String::from_utf8_lossy(s).contains(&format!("\"seq\":{last},")))
        .unwrap();
    bytes[newest * 256 + 10] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();
    let v = verified(&*s);
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.outside_head, Some(last - 1));
    // The next commit moves it forward again.
    s.append_audit(&[access(UserId(0), t(NOW), "later")]).unwrap();
    assert_eq!(verified(&*s).outside_head, Some(last + 1));
}
