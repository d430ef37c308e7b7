//! The audit trail's retention, run against each backend (Art. 57(6)): the purge deletes the
//! access records of days past the retention period and the trail still verifies; holds keep
//! days past it only while confirmed by the head or within their grace; a purged record's
//! plaintext is in no file of the database afterwards. (Split from `trail.rs`, which keeps
//! the integrity tests.)

use crate::backends::Backend;
use crate::town::*;
use crate::trail::*;
use adam_core::*;
use adam_store::audit::Retention;
use adam_store::{AuditQuery, Hold};

const DAY: i64 = 86_400;

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
