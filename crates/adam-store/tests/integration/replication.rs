//! A standby fed by the change log and the audit trail (issue #18): it follows a primary on
//! either backend to the same world, the same trail (verified) and the same credentials, in
//! batches that never split a transaction; it refuses a primary whose history diverges, a
//! change or a record altered on the way, and a checkpoint not signed by the installation;
//! promotion starts a new generation and appends the access records the standby kept aside;
//! a fence survives a reopen.

use crate::backends::Backend;
use crate::town::*;
use crate::trail::access;
use adam_core::*;
use adam_store::attachments::{CHUNK, read_attachment, write_attachment};
use adam_store::audit::hex;
use adam_store::replication::{BATCH_EVENTS, Fence, Position, Refusal, Role};
use adam_store::{ApiToken, AuditQuery, Hold, Keyring, NewUpload, SqliteStore, Store, StoreError};
use adam_testkit::fingerprint;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A SQLite standby with a copy of the primary's key directory (copied once, at set-up).
struct Standby {
    _dir: tempfile::TempDir,
    path: PathBuf,
    keys: PathBuf,
}

impl Standby {
    fn new(primary_keys: &Path) -> Standby {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("audit-keys");
        std::fs::create_dir_all(&keys).unwrap();
        for entry in std::fs::read_dir(primary_keys).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            // The external copies of the head and checkpoints are the standby's own.
            if name != "head.json" && name != "checkpoints.jsonl" {
                std::fs::copy(entry.path(), keys.join(&name)).unwrap();
            }
        }
        let path = dir.path().join("standby.db");
        Standby { _dir: dir, path, keys }
    }

    fn open(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(&self.path, Arc::new(Keyring::open(&self.keys).unwrap())).unwrap())
    }
}

/// Ships and applies until the standby holds everything; returns the number of batches.
fn catch_up(primary: &dyn Store, standby: &dyn Store, limit: usize) -> usize {
    let mut batches = 0;
    loop {
        let at = standby.position().unwrap();
        let digest = standby.credentials_digest().unwrap();
        let mark = standby.attachments_mark().unwrap();
        let batch = primary.ship(at, limit, Some(&digest), mark).unwrap();
        if batch.is_empty() {
            return batches;
        }
        // Never inside a transaction's records: every record of a shipped revision is shipped.
        for change in &batch.changes {
            assert!(
                batch.audit.iter().any(|a| a.revision == Some(change.revision.0 as i64))
                    || batch.audit.is_empty()
                    || change.revision <= at.revision,
                "revision {} arrived without its audit records",
                change.revision
            );
        }
        let applied = standby.apply_batch(&batch).unwrap();
        assert_eq!(applied.position, batch.end());
        batches += 1;
        assert!(batches < 10_000, "the standby never caught up");
    }
}

/// A change log written in a few large commits — an import of a whole administration, whose
/// records are few — ships in batches of about [`BATCH_EVENTS`] events, each still ending at a
/// transaction's end, and the standby arrives at the same world.
pub fn large_commits_ship_in_bounded_batches(b: &dyn Backend) {
    use adam_testkit::synth::{Config, generate};
    let s = b.open();
    let synth = generate(&Config {
        users: 200,
        offices: 10,
        folders: 300,
        documents: 12_000,
        ..Config::default()
    })
    .unwrap();
    s.initialise(&synth.organisation).unwrap();
    let per_commit = BATCH_EVENTS * 3 / 5;
    let commits = synth.events.len().div_ceil(per_commit);
    assert!(commits >= 3, "{} events", synth.events.len());
    for plan in synth.import_plans(per_commit) {
        s.commit(&plan, &context(Actor::System, synth.at)).unwrap();
    }
    // An API token of a person the last commits create: the credentials may only come with
    // the batch that holds those people.
    let admin = *synth.notable.admins.last().unwrap();
    s.create_token(&token(admin, "imported"), &context(Actor::System, synth.at))
        .unwrap();
    let standby = Standby::new(b.keys_dir());
    let st = standby.open();
    st.follow("https://primary.example:8443").unwrap();
    let mut batches = 0;
    loop {
        let at = st.position().unwrap();
        let digest = st.credentials_digest().unwrap();
        let batch = s
            .ship(at, 2_000, Some(&digest), st.attachments_mark().unwrap())
            .unwrap();
        if batch.is_empty() {
            break;
        }
        // Every record fits in 2,000: only the events bound the batch.
        let events: Vec<usize> = batch
            .changes
            .iter()
            .map(|c| c.events.as_array().map_or(0, Vec::len))
            .collect();
        let before_last: usize = events.iter().rev().skip(1).sum();
        assert!(
            before_last < BATCH_EVENTS,
            "a batch went on past {BATCH_EVENTS} events: {events:?}"
        );
        st.apply_batch(&batch).unwrap();
        batches += 1;
        assert!(batches <= commits, "more batches than commits");
    }
    assert!(batches >= 2, "{commits} large commits came in {batches} batch(es)");
    assert_eq!(st.position().unwrap(), s.position().unwrap());
    assert_eq!(fingerprint(&st.load().unwrap()), fingerprint(&s.load().unwrap()));
    assert!(st.audit_verify().unwrap().intact());
    assert_eq!(
        st.tokens_of(admin).unwrap().len(),
        1,
        "the token came with the last batch"
    );
}

fn token(user: UserId, hash: &str) -> ApiToken {
    ApiToken {
        id: 0,
        user,
        name: "replication test".to_owned(),
        prefix: "adam_r".to_owned(),
        hash: hash.repeat(32),
        scopes: vec!["read".to_owned()],
        created: t(NOW),
        expires: None,
        revoked: None,
        last_used: None,
    }
}

pub fn a_standby_follows_to_the_same_world_trail_and_credentials(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    s.create_token(&token(town.ana, "a1"), &context(Actor::System, t(NOW)))
        .unwrap();
    let notes: Vec<_> = (0..40).map(|i| access(town.ana, t(NOW), &format!("n{i}"))).collect();
    s.append_audit(&notes).unwrap();
    // Two finished files, and an upload still under way between them (it holds the mark back).
    let upload = |name: &'static str| NewUpload {
        name,
        media_type: Some("text/plain"),
        uploaded_by: Some(town.ana),
        at: t(NOW),
    };
    let big: Vec<u8> = b"replicated ".iter().copied().cycle().take(2 * CHUNK + 17).collect();
    let first = write_attachment(&*s, &upload("first.txt"), &mut big.as_slice()).unwrap();
    let pending = s.begin_attachment(&upload("late.txt")).unwrap();
    let third = write_attachment(&*s, &upload("third.txt"), &mut &b"third"[..]).unwrap();

    let standby = Standby::new(b.keys_dir());
    let st = standby.open();
    st.follow("https://primary.example:8443").unwrap();
    // Small batches: many boundaries, none inside a transaction.
    let batches = catch_up(&*s, &*st, 7);
    assert!(batches > 3, "{batches} batches");
    assert_eq!(st.position().unwrap(), s.position().unwrap());
    assert_eq!(fingerprint(&st.load().unwrap()), fingerprint(&d.world));
    let verdict = st.audit_verify().unwrap();
    assert!(verdict.intact(), "{}", verdict.summary());
    assert_eq!(
        st.audit_since(0, 1_000_000).unwrap(),
        s.audit_since(0, 1_000_000).unwrap()
    );
    assert_eq!(st.tokens_of(town.ana).unwrap().len(), 1, "the API token came along");
    let mut back = Vec::new();
    read_attachment(&*st, &first.digest, &mut back).unwrap().unwrap();
    assert!(
        back == big,
        "the file came along, chunk by chunk, and opens on the standby"
    );
    assert!(
        st.attachment(&third.digest).unwrap().is_none(),
        "the upload under way holds the mark back"
    );
    // Finished late, the upload is shipped, and the files after it too.
    s.put_attachment_chunk(pending, 0, b"late").unwrap();
    let late = s
        .finish_attachment(
            pending,
            &adam_core::attachment::Digest::parse(
                "sha256",
                &hex(<sha2::Sha256 as sha2::Digest>::digest(b"late").as_slice()),
            )
            .unwrap(),
            4,
            1,
        )
        .unwrap();
    catch_up(&*s, &*st, 1000);
    assert!(st.attachment(&late.digest).unwrap().is_some());
    assert!(st.attachment(&third.digest).unwrap().is_some());
    // The standby adopted the primary's generation.
    let (ps, ss) = (s.replication_state().unwrap(), st.replication_state().unwrap());
    assert_eq!((ss.role, &ss.generation), (Role::Standby, &ps.generation));

    // More work on the primary: the standby follows from where it was, credentials included.
    d.sys(office_cmd("LATER", None));
    s.create_token(&token(town.bojan, "b2"), &context(Actor::System, t(NOW)))
        .unwrap();
    assert!(catch_up(&*s, &*st, 1000) >= 1);
    assert_eq!(fingerprint(&st.load().unwrap()), fingerprint(&d.world));
    assert_eq!(st.tokens_of(town.bojan).unwrap().len(), 1);
    // Nothing new: an empty batch.
    assert!(
        s.ship(
            st.position().unwrap(),
            100,
            Some(&s.credentials_digest().unwrap()),
            st.attachments_mark().unwrap()
        )
        .unwrap()
        .is_empty()
    );
}

fn refused(r: Result<adam_store::replication::Applied, StoreError>) -> Refusal {
    match r {
        Err(StoreError::Replication(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn a_standby_refuses_altered_batches_and_a_divergent_primary(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    let standby = Standby::new(b.keys_dir());
    let st = standby.open();
    st.follow("https://primary.example:8443").unwrap();
    let batch = s.ship(Position::default(), 1_000_000, None, 0).unwrap();

    // A change altered on the way.
    let mut bad = batch.clone();
    bad.changes[2].events = serde_json::json!([]);
    assert_eq!(refused(st.apply_batch(&bad)), Refusal::Checksum { revision: 3 });
    // A record's payload altered.
    let mut bad = batch.clone();
    let p = bad.audit[4].payload.clone().unwrap();
    bad.audit[4].payload = Some(p.replacen("\"ok\"", "\"no\"", 1));
    assert_eq!(refused(st.apply_batch(&bad)), Refusal::Commitment { seq: 5 });
    // A record left out.
    let mut bad = batch.clone();
    bad.audit.remove(3);
    assert!(matches!(
        refused(st.apply_batch(&bad)),
        Refusal::Gap {
            expected: 4,
            got: 5,
            ..
        }
    ));
    // A checkpoint not signed by the installation.
    let mut bad = batch.clone();
    if let Some(c) = bad.checkpoints.first_mut() {
        c.signature = "00".repeat(64);
        assert!(matches!(refused(st.apply_batch(&bad)), Refusal::Checkpoint { .. }));
    }
    // Nothing of the refused batches was written.
    assert_eq!(st.position().unwrap(), Position::default());
    st.apply_batch(&batch).unwrap();
    assert_eq!(st.position().unwrap(), s.position().unwrap());

    // Another installation's primary with the same keys and a different history.
    let elsewhere = crate::backends::Sqlite::new();
    let other = elsewhere.open();
    let mut d2 = Driver::new(&*other);
    d2.sys(Command::Initialise);
    d2.sys(office_cmd("ELSEWHERE", None));
    let here = st.position().unwrap();
    let shipped = other.ship(Position::default(), 1000, None, 0).unwrap();
    assert!(matches!(refused(st.apply_batch(&shipped)), Refusal::Generation { .. }));
    // Same generation name forged: the chain at the standby's end differs.
    let mut forged = shipped.clone();
    forged.state = batch.state.clone();
    forged.after = here;
    assert!(matches!(
        refused(st.apply_batch(&forged)),
        Refusal::Diverged { .. } | Refusal::DivergedChange { .. }
    ));
    // A primary behind the standby (restored from an older backup) says so.
    match other.ship(here, 10, None, 0) {
        Err(StoreError::Replication(Refusal::Ahead { .. })) => {}
        other => panic!("expected the standby to be ahead, got {other:?}"),
    }
    // A primary never applies batches.
    assert_eq!(refused(s.apply_batch(&batch)), Refusal::NotStandby);
}

pub fn promotion_starts_a_generation_and_a_fence_survives_a_reopen(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let standby = Standby::new(b.keys_dir());
    let st = standby.open();
    st.follow("https://primary.example:8443").unwrap();
    catch_up(&*s, &*st, 1000);
    let before = st.replication_state().unwrap();
    let end = st.position().unwrap();
    // Reads served on the standby were recorded aside, not in its trail (which is the primary's).
    st.keep_aside(&[access(town.ana, t(NOW), "read on the standby")])
        .unwrap();
    assert_eq!(st.position().unwrap(), end);

    let promoted = st.promote(t(NOW)).unwrap();
    assert_eq!(promoted.role, Role::Primary);
    assert_eq!(promoted.number, before.number + 1);
    assert_ne!(promoted.generation, before.generation);
    assert_eq!(promoted.lineage.last().unwrap().generation, before.generation);
    assert_eq!(promoted.lineage.last().unwrap().until_revision, end.revision);
    assert_eq!(
        st.position().unwrap().seq,
        end.seq + 1,
        "the kept access record joined the trail"
    );
    let verdict = st.audit_verify().unwrap();
    assert!(verdict.intact(), "{}", verdict.summary());
    // The promoted store takes changes on top of the same history.
    let mut d3 = Driver {
        world: st.load().unwrap(),
        store: &*st,
        at: t(NOW),
        plans: Vec::new(),
    };
    d3.sys(office_cmd("AFTER", None));
    // A standby of the old generation may follow the new primary: its generation descends.
    assert!(st.replication_state().unwrap().descends_from(&before.generation));

    // The old primary is fenced, and stays fenced when reopened.
    let fence = Fence {
        generation: promoted.generation.clone(),
        number: promoted.number,
        until_revision: end.revision,
        until_seq: end.seq,
        promoted_at: t(NOW),
        from: "https://standby.example:8443".to_owned(),
    };
    s.fence(&fence).unwrap();
    drop(s);
    let reopened = b.open();
    assert_eq!(reopened.replication_state().unwrap().fenced, Some(fence));
    assert_eq!(reopened.unfence().unwrap().fenced, None);
}

/// A standby keeps personal data no longer than its primary (Art. 57(6)): the primary's hold,
/// its release and its retention purge are replayed in order, so the standby deletes the same
/// access records (and its copy of their day keys), keeps what a hold kept, and its trail still
/// verifies; once the hold is released, the next purge deletes the held day there too.
pub fn a_standby_purges_what_its_primary_purged_and_keeps_what_a_hold_keeps(b: &dyn Backend) {
    const DAY: i64 = 86_400;
    let (s, town, _) = crate::trail::built(b);
    let now = t(NOW);
    let held_day = now.0 - 120 * DAY;
    let old_day = now.0 - 110 * DAY;
    let recent = now.0 - 10 * DAY;
    s.append_audit(&[
        access(town.ana, Timestamp(held_day), "held"),
        access(town.ana, Timestamp(old_day), "old, personal"),
        access(town.ana, Timestamp(recent), "recent"),
    ])
    .unwrap();
    let standby = Standby::new(b.keys_dir());
    let st = standby.open();
    st.follow("https://primary.example:8443").unwrap();
    catch_up(&*s, &*st, 1000);
    let labels = |store: &dyn Store| -> Vec<String> {
        store
            .audit_since(0, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|r| r.object.label)
            .collect()
    };
    assert!(labels(&*st).contains(&"old, personal".to_owned()), "the standby had it");

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
    // Small batches: the purge and the records before it may arrive apart.
    catch_up(&*s, &*st, 2);
    let on_standby = labels(&*st);
    assert!(!on_standby.contains(&"old, personal".to_owned()), "{on_standby:?}");
    assert!(on_standby.contains(&"held".to_owned()) && on_standby.contains(&"recent".to_owned()));
    assert_eq!(
        st.audit_since(0, usize::MAX).unwrap(),
        s.audit_since(0, usize::MAX).unwrap()
    );
    // A search by object finds nothing of the purged record either (its search keys went too).
    let by_object = |store: &dyn Store| {
        store
            .audit_search(&AuditQuery {
                actor: Some(town.ana),
                limit: usize::MAX,
                ..AuditQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|r| r.object.label)
            .collect::<Vec<_>>()
    };
    assert_eq!(by_object(&*st), by_object(&*s));
    assert_eq!(
        st.keys().day_key(old_day.div_euclid(DAY)),
        None,
        "the day's key is gone"
    );
    assert!(
        st.keys().day_key(held_day.div_euclid(DAY)).is_some(),
        "the held day's key stays"
    );
    assert_eq!(st.audit_holds().unwrap(), s.audit_holds().unwrap());
    let v = st.audit_verify().unwrap();
    assert!(v.intact(), "{}", v.summary());
    assert_eq!(v.purged, s.audit_verify().unwrap().purged);

    // The head's confirmation is replayed too.
    s.audit_confirm_hold(
        hold.id,
        town.bojan,
        &context(Actor::user(town.bojan), Timestamp(now.0 + 30)),
    )
    .unwrap();
    catch_up(&*s, &*st, 1000);
    assert_eq!(st.audit_holds().unwrap()[0].confirmed_by, Some(town.bojan));
    assert_eq!(st.audit_holds().unwrap(), s.audit_holds().unwrap());

    // Released and purged again on the primary: gone on the standby too.
    s.audit_release_hold(hold.id, &context(Actor::System, Timestamp(now.0 + 60)))
        .unwrap();
    s.audit_purge(&context(Actor::System, Timestamp(now.0 + DAY)), 90)
        .unwrap();
    catch_up(&*s, &*st, 1000);
    assert!(!labels(&*st).contains(&"held".to_owned()));
    assert_eq!(st.keys().day_key(held_day.div_euclid(DAY)), None);
    assert_eq!(st.audit_holds().unwrap(), s.audit_holds().unwrap());
    let v = st.audit_verify().unwrap();
    assert!(v.intact(), "{}", v.summary());
}
