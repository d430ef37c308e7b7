//! Integrity baselines (issue #15; Decree Art. 50(4)–(5)): a baseline only for a key or
//! high-risk server, submitted by those who run it, approved by the keeper with the change's
//! reference; a comparison needs an approved baseline and a mismatch is recorded as the
//! security event `security.integrity_mismatch`. Every refusal leaves the world untouched, and
//! the records replay from the change log and from the register rows.

use crate::common::*;
use crate::properties::fingerprint;
use adam_core::register::integrity::{Aspect, FileEntry, Manifest, Outcome};
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;

fn fields(code: &str, custodian: UserId, key_server: bool, high_risk: bool) -> ItemFields {
    ItemFields {
        code: Code::parse("code", code).unwrap(),
        name: text(&format!("{code} name")),
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: true,
        key_server,
        high_risk,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    }
}

/// The town with a security lead (Leon), a key server kept by Ana and operated by Bojan, a
/// high-risk server, and a system that is neither.
struct Servers {
    town: Town,
    lead: UserId,
    key: ItemId,
    risky: ItemId,
    plain: ItemId,
    asset: ItemId,
}

fn item(w: &mut World, actor: &Actor, kind: ItemKind, fields: ItemFields) -> ItemId {
    match run_as(w, actor, Command::CreateItem { kind, fields }).created {
        Some(Created::Item(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn servers() -> Servers {
    let mut town = town();
    let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    let lead = town.leon;
    grant(&mut town.w, lead_role, Grantee::User(lead));
    let as_lead = Actor::user(lead);
    let mut key = fields("MAIL-SRV", town.ana, true, false);
    key.operators = vec![Operator::User(town.bojan), Operator::Organisation(text("DRO"))];
    let key = item(&mut town.w, &as_lead, ItemKind::System, key);
    let risky = item(
        &mut town.w,
        &as_lead,
        ItemKind::System,
        fields("WEB-SRV", town.cene, false, true),
    );
    let plain = item(
        &mut town.w,
        &as_lead,
        ItemKind::System,
        fields("PRINT-SRV", town.ana, false, false),
    );
    let asset = item(
        &mut town.w,
        &as_lead,
        ItemKind::Asset,
        fields("MAIL", town.ana, true, false),
    );
    Servers {
        town,
        lead,
        key,
        risky,
        plain,
        asset,
    }
}

fn file(path: &str, n: u8, mode: u32) -> FileEntry {
    FileEntry::new(
        path.to_owned(),
        &format!("{n:02x}").repeat(32),
        100 + u64::from(n),
        mode,
        "0:0".to_owned(),
    )
    .unwrap()
}

fn manifest(files: &[(&str, u8, u32)]) -> Manifest {
    Manifest::new(files.iter().map(|(p, n, m)| file(p, *n, *m)).collect()).unwrap()
}

fn etc() -> Manifest {
    manifest(&[("etc/hosts", 1, 0o644), ("etc/passwd", 2, 0o644), ("bin/sh", 3, 0o755)])
}

fn submit(server: ItemId, manifest: Manifest) -> Command {
    Command::SubmitBaseline {
        server,
        manifest,
        taken_at: None,
    }
}

fn compare(server: ItemId, manifest: Manifest) -> Command {
    Command::CompareScan {
        server,
        manifest,
        taken_at: None,
    }
}

fn approve(baseline: BaselineId, change: Option<&str>) -> Command {
    Command::ApproveBaseline {
        baseline,
        change: change.map(text),
    }
}

fn baseline_id(plan: &Plan) -> BaselineId {
    match plan.created {
        Some(Created::Baseline(id)) => id,
        ref other => panic!("{other:?}"),
    }
}

/// Ana submits a baseline of the key server and Leon approves it.
fn approved(s: &mut Servers) -> BaselineId {
    let id = baseline_id(&run_as(&mut s.town.w, &Actor::user(s.town.ana), submit(s.key, etc())));
    run_as(&mut s.town.w, &Actor::user(s.lead), approve(id, Some("CHG-2026-014")));
    id
}

#[test]
fn a_baseline_is_kept_only_for_a_key_or_high_risk_server() {
    let mut s = servers();
    let ana = Actor::user(s.town.ana);
    assert_eq!(
        refused(&s.town.w, ana, submit(s.plain, etc())),
        Error::Register(RegisterError::NotIntegrityServer(s.plain))
    );
    assert_eq!(
        refused(&s.town.w, ana, submit(s.asset, etc())),
        Error::Register(RegisterError::NotASystem(s.asset))
    );
    assert_eq!(
        refused(&s.town.w, ana, submit(s.key, Manifest::default())),
        Error::Register(RegisterError::EmptyManifest)
    );
    // A key server and a high-risk server both take one.
    run_as(&mut s.town.w, &ana, submit(s.key, etc()));
    run_as(&mut s.town.w, &Actor::user(s.town.cene), submit(s.risky, etc()));
    assert_eq!(s.town.w.baselines_of(s.key).count(), 1);
    assert_eq!(s.town.w.baselines_of(s.risky).count(), 1);
}

#[test]
fn only_a_keeper_the_custodian_or_an_operator_submits_scans() {
    let mut s = servers();
    // Uroš keeps nothing; Cene keeps another server; Dora is not named.
    for who in [s.town.uros, s.town.cene, s.town.dora] {
        assert_eq!(
            refused(&s.town.w, Actor::user(who), submit(s.key, etc())),
            Error::Register(RegisterError::NotScanSubmitter {
                server: s.key,
                custodian: s.town.ana
            }),
            "{who}"
        );
    }
    // The custodian, an operator named as a person, the security lead and the console may.
    for actor in [
        Actor::user(s.town.ana),
        Actor::user(s.town.bojan),
        Actor::user(s.lead),
        Actor::System,
    ] {
        run_as(&mut s.town.w, &actor, submit(s.key, etc()));
    }
    assert_eq!(s.town.w.baselines_of(s.key).count(), 4);
    let first = s.town.w.baselines_of(s.key).next().unwrap();
    assert_eq!(first.taken_by, Some(s.town.ana));
    assert!(!first.approved());
    // The same rule holds for comparisons.
    approved(&mut s);
    assert!(matches!(
        refused(&s.town.w, Actor::user(s.town.uros), compare(s.key, etc())),
        Error::Register(RegisterError::NotScanSubmitter { .. })
    ));
}

#[test]
fn approving_needs_the_keeper_and_the_change_reference() {
    let mut s = servers();
    let id = baseline_id(&run_as(&mut s.town.w, &Actor::user(s.town.ana), submit(s.key, etc())));
    // The custodian (who submitted it) does not approve it.
    assert_eq!(
        refused(&s.town.w, Actor::user(s.town.ana), approve(id, Some("CHG-1"))),
        Error::Register(RegisterError::NotRegisterKeeper("approve integrity baselines"))
    );
    assert_eq!(
        refused(&s.town.w, Actor::user(s.lead), approve(id, None)),
        Error::Register(RegisterError::ChangeReferenceMissing)
    );
    assert_eq!(
        refused(&s.town.w, Actor::user(s.lead), approve(BaselineId(9), Some("CHG-1"))),
        Error::Register(RegisterError::UnknownBaseline(BaselineId(9)))
    );
    let plan = run_as(&mut s.town.w, &Actor::user(s.lead), approve(id, Some("CHG-2026-014")));
    assert_eq!(plan.action, "integrity.approve_baseline");
    let b = s.town.w.baseline(id).unwrap();
    assert!(matches!(
        &b.state,
        register::integrity::BaselineState::Approved { by, change, .. }
            if *by == Some(s.lead) && change.as_str() == "CHG-2026-014"
    ));
    assert_eq!(s.town.w.current_baseline(s.key).map(|b| b.id), Some(id));
    assert_eq!(
        refused(&s.town.w, Actor::user(s.lead), approve(id, Some("CHG-2"))),
        Error::Register(RegisterError::BaselineAlreadyApproved(id))
    );
}

#[test]
fn a_comparison_needs_an_approved_baseline() {
    let mut s = servers();
    let ana = Actor::user(s.town.ana);
    assert_eq!(
        refused(&s.town.w, ana, compare(s.key, etc())),
        Error::Register(RegisterError::NoApprovedBaseline(s.key))
    );
    // A submitted baseline is not enough.
    run_as(&mut s.town.w, &ana, submit(s.key, etc()));
    assert_eq!(
        refused(&s.town.w, ana, compare(s.key, etc())),
        Error::Register(RegisterError::NoApprovedBaseline(s.key))
    );
    assert_eq!(
        refused(&s.town.w, ana, compare(s.plain, etc())),
        Error::Register(RegisterError::NotIntegrityServer(s.plain))
    );
}

#[test]
fn a_mismatch_is_recorded_as_a_security_event_with_its_difference_and_warns_until_a_scan_matches() {
    let mut s = servers();
    let base = approved(&mut s);
    let bojan = Actor::user(s.town.bojan);
    let same = run_as(&mut s.town.w, &bojan, compare(s.key, etc()));
    assert_eq!(same.action, "integrity.compare");
    assert!(s.town.w.integrity_warning(s.key).is_none());

    let tampered = manifest(&[("etc/hosts", 1, 0o644), ("etc/passwd", 9, 0o644), ("tmp/.x", 4, 0o777)]);
    let plan = run_as(&mut s.town.w, &bojan, compare(s.key, tampered));
    assert_eq!(plan.action, "security.integrity_mismatch");
    let Some(Created::Comparison(id)) = plan.created else {
        panic!("{:?}", plan.created)
    };
    let c = s.town.w.comparison(id).unwrap();
    assert_eq!((c.baseline, c.by, c.files), (base, Some(s.town.bojan), 3));
    let Outcome::Mismatch { diff } = &c.outcome else {
        panic!("{:?}", c.outcome)
    };
    assert_eq!(diff.added, vec!["tmp/.x"]);
    assert_eq!(diff.removed, vec!["bin/sh"]);
    assert_eq!(diff.changed.len(), 1);
    assert_eq!(diff.changed[0].path, "etc/passwd");
    assert_eq!(diff.changed[0].what, vec![Aspect::Content, Aspect::Size]);
    // The audit record names the comparison.
    assert_eq!(plan.changes[0].object.kind, EntityKind::IntegrityComparison);
    assert_eq!(s.town.w.integrity_warning(s.key).map(|c| c.id), Some(id));
    // A later matching scan clears the warning; the mismatch stays in the register.
    run_as(&mut s.town.w, &bojan, compare(s.key, etc()));
    assert!(s.town.w.integrity_warning(s.key).is_none());
    assert_eq!(s.town.w.comparisons_of(s.key).count(), 3);
}

#[test]
fn a_newer_approved_baseline_is_the_one_compared_with() {
    let mut s = servers();
    approved(&mut s);
    let changed = manifest(&[("etc/hosts", 1, 0o644), ("etc/passwd", 5, 0o644), ("bin/sh", 3, 0o755)]);
    let ana = Actor::user(s.town.ana);
    let next = baseline_id(&run_as(&mut s.town.w, &ana, submit(s.key, changed.clone())));
    run_as(&mut s.town.w, &Actor::user(s.lead), approve(next, Some("CHG-2026-015")));
    let plan = run_as(&mut s.town.w, &ana, compare(s.key, changed));
    assert_eq!(plan.action, "integrity.compare");
}

#[test]
fn integrity_records_replay_from_the_log_and_from_register_rows() {
    let (world, log) = recording(|| {
        let mut s = servers();
        approved(&mut s);
        run_as(
            &mut s.town.w,
            &Actor::user(s.town.bojan),
            compare(s.key, manifest(&[("etc/hosts", 7, 0o600)])),
        );
        s.town.w
    });
    let mut replayed = World::new(text("Mestna občina Koper"));
    for change in &log {
        replayed.apply_change_set(change.clone()).unwrap();
    }
    assert_eq!(fingerprint(&replayed), fingerprint(&world));

    let mut rows: std::collections::BTreeMap<(usize, u32), Option<serde_json::Value>> = Default::default();
    let mut rest = Vec::new();
    for e in log.into_iter().flat_map(|c| c.events) {
        match e.register_row() {
            Some(r) => {
                let rank = adam_core::REGISTER_KINDS.iter().position(|k| *k == r.kind).unwrap();
                rows.insert((rank, r.id), r.body);
            }
            None => rest.push(e),
        }
    }
    let mut events = rest;
    for ((rank, id), body) in rows {
        events.push(Event::from_register_row(adam_core::REGISTER_KINDS[rank].as_str(), id, body).unwrap());
    }
    let restored = World::restore(text("Mestna občina Koper"), world.revision(), events).unwrap();
    assert_eq!(fingerprint(&restored), fingerprint(&world));
    assert!(restored.integrity_warning(ItemId(0)).is_some());
}
