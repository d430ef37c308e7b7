//! Property tests of the engine's invariants over random worlds (issue #2).

use crate::common::*;
use crate::oracle::Oracle;
use crate::worlds::{self, TIMES, objects, spec, users};
use adam_core::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn instants() -> impl Iterator<Item = Timestamp> {
    TIMES.iter().flat_map(|t| [Timestamp(*t - 1), Timestamp(*t)])
}

const SESSIONS: [Session; 2] = [Session::MFA, Session::PASSWORD];

/// Everything observable about a world, to prove a refused command changed nothing.
pub use adam_testkit::fingerprint;

proptest! {
    #![proptest_config(config(300))]

    /// The engine's decision equals the brute-force reading of SPEC §3.4, for every user,
    /// object, instant (on and just before every window bound) and session.
    #[test]
    fn check_agrees_with_the_oracle(s in spec()) {
        let w = s.build();
        let oracle = Oracle { w: &w };
        for u in users(&w) {
            for o in objects(&w) {
                for at in instants() {
                    for session in SESSIONS {
                        let got = w.check(u, o, at, session).unwrap();
                        let want = oracle.level(u, o, at, session);
                        prop_assert_eq!(got, want, "user {} object {} at {} mfa {}\n{:#?}", u, o, at, session.mfa,
                            w.explain(u, o, at, session).unwrap());
                    }
                }
            }
        }
    }

    /// `lookup(u, L)` is exactly `{o : check(u, o) ≥ L}`, for both kinds, every level, and
    /// whatever the page size (pages follow the cursor to the end).
    #[test]
    fn lookup_is_the_set_of_checks(s in spec(), page in 1usize..4) {
        let w = s.build();
        for u in users(&w) {
            for at in [Timestamp(TIMES[1]), Timestamp(TIMES[3])] {
                for min in &Level::ALL[1..] {
                    for kind in [ObjectKind::Folder, ObjectKind::Document] {
                        let mut got = Vec::new();
                        let mut after = None;
                        loop {
                            let p = w.lookup(u, kind, *min, at, Session::MFA, after, page).unwrap();
                            prop_assert!(p.items.len() <= page);
                            got.extend(p.items);
                            match p.next { Some(n) => after = Some(n), None => break }
                        }
                        let want: Vec<ObjectRef> = objects(&w).into_iter()
                            .filter(|o| matches!((o, kind), (ObjectRef::Folder(_), ObjectKind::Folder) | (ObjectRef::Document(_), ObjectKind::Document)))
                            .filter(|o| w.check(u, *o, at, Session::MFA).unwrap() >= *min)
                            .collect();
                        prop_assert_eq!(got, want, "user {} level {} kind {:?}", u, min, kind);
                    }
                }
            }
        }
    }

    /// `who(o, L)` is exactly `{u : check(u, o) ≥ L}`.
    #[test]
    fn who_is_the_set_of_checks(s in spec()) {
        let w = s.build();
        for o in objects(&w) {
            for min in &Level::ALL[1..] {
                for at in [Timestamp(TIMES[0]), Timestamp(TIMES[2])] {
                    let mut got = Vec::new();
                    let mut after = None;
                    loop {
                        let p = w.who(o, *min, at, Session::PASSWORD, after, 2).unwrap();
                        got.extend(p.items);
                        match p.next { Some(n) => after = Some(n), None => break }
                    }
                    let want: Vec<UserId> = users(&w).into_iter()
                        .filter(|u| w.check(*u, o, at, Session::PASSWORD).unwrap() >= *min).collect();
                    prop_assert_eq!(got, want, "object {} level {}", o, min);
                }
            }
        }
    }

    /// The effective level never exceeds a ceiling that applies, and equals min(allowed, ceiling)
    /// unless a mandatory rule answered 0.
    #[test]
    fn effective_is_below_every_applicable_ceiling(s in spec()) {
        let w = s.build();
        for u in users(&w) {
            for o in objects(&w) {
                let d = w.explain(u, o, Timestamp(TIMES[2]), Session::MFA).unwrap();
                for tier in &d.ceilings {
                    prop_assert!(d.level <= tier.ceiling);
                    prop_assert!(tier.entries.iter().all(|c| c.level <= tier.ceiling));
                }
                match d.rule {
                    Some(_) => prop_assert_eq!(d.level, Level::None),
                    None => prop_assert_eq!(d.level, d.ceiling.map_or(d.allowed, |c| d.allowed.min(c))),
                }
                let best = d.grants.iter().map(|c| c.level).max().unwrap_or(Level::None);
                prop_assert_eq!(best, d.allowed);
            }
        }
    }

    /// An empty ACL (and no application-wide role) gives 0 to everyone: default deny.
    #[test]
    fn empty_acl_denies_everyone(s in spec()) {
        let w = s.without_acl().build();
        prop_assert_eq!(w.entry_count(), 0);
        for u in users(&w) {
            for o in objects(&w) {
                for at in instants() {
                    prop_assert_eq!(w.check(u, o, at, Session::MFA).unwrap(), Level::None);
                }
            }
        }
    }

    /// An admin account never reaches a folder or a document, whatever it is granted.
    #[test]
    fn admin_never_reaches_a_record(s in spec()) {
        let mut w = s.build();
        let admin = UserId(w.users().len() as u32);
        let mut record = w.user(UserId(0)).unwrap().clone();
        record.id = admin;
        record.kind = AccountKind::Admin;
        record.active = true;
        record.username = Username::parse("u", "the-admin").unwrap();
        w.apply(Event::User(record)).unwrap();
        let id = w.entries().count() as u32 + 1000;
        let _ = id;
        for o in objects(&w) {
            for at in instants() {
                prop_assert_eq!(w.check(admin, o, at, Session::MFA).unwrap(), Level::None);
                let d = w.explain(admin, o, at, Session::MFA).unwrap();
                prop_assert!(d.rule == Some(Rule::AdminAccount));
            }
            let kind = match o { ObjectRef::Folder(_) => ObjectKind::Folder, ObjectRef::Document(_) => ObjectKind::Document };
            prop_assert!(w.lookup(admin, kind, Level::View11, Timestamp(TIMES[2]), Session::MFA, None, 100).unwrap().items.is_empty());
        }
    }

    /// `check_role` holds exactly when some grant of the role (or a role containing it) that
    /// reaches the user is inside its window.
    #[test]
    fn a_grant_counts_exactly_inside_its_window(s in spec()) {
        let w = s.build();
        let oracle = Oracle { w: &w };
        for u in users(&w) {
            for r in w.roles() {
                for at in instants() {
                    let engine = w.check_role(u, r.id, at).unwrap().is_some();
                    let active = w.user(u).unwrap().active;
                    prop_assert_eq!(engine, active && oracle.holds(u, r.id, at), "user {} role {} at {}", u, r.code, at);
                }
            }
        }
    }

    /// Adding an `allowed` entry, or raising a `maxAllowed`, never lowers anyone's level.
    #[test]
    fn more_allowed_or_higher_ceilings_never_lower_a_level(s in spec(), pick in 0usize..64, raw in (0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255)) {
        let w = s.build();
        let before: Vec<Level> = users(&w).iter().flat_map(|u| objects(&w).into_iter().map(move |o| (*u, o)))
            .map(|(u, o)| w.check(u, o, Timestamp(TIMES[2]), Session::MFA).unwrap()).collect();
        // Add an allowed entry on a random object.
        let mut more = w.clone();
        let objs = objects(&w);
        let carrier: Carrier = objs[pick % objs.len()].into();
        let entity = [Entity::Company, Entity::Job(JobId(u32::from(raw.0) % w.jobs().len() as u32)), Entity::Responsible, Entity::DistMain, Entity::User(UserId(u32::from(raw.0) % w.users().len() as u32))][usize::from(raw.1) % 5];
        let value = worlds::level(raw.2);
        let group_value = if entity.has_group() { worlds::level(raw.3).min(value) } else { value };
        let next = (0..).find(|i| more.entry(EntryId(*i)).is_err() && *i as usize >= more.entries().map(|e| e.id.index() + 1).max().unwrap_or(0)).unwrap();
        more.apply(Event::Entry(AclEntry { id: EntryId(next), carrier, kind: AclKind::Allowed, entity, value, group_value, window: Window::ALWAYS, rev: Revision(2) })).unwrap();
        // Raise every maxAllowed entry by one step.
        let mut raised = w.clone();
        let ceilings: Vec<AclEntry> = w.entries().filter(|e| e.kind == AclKind::MaxAllowed).copied().collect();
        for mut e in ceilings {
            let up = |l: Level| Level::ALL[(Level::ALL.iter().position(|x| *x == l).unwrap() + 1).min(6)];
            e.value = up(e.value);
            if e.entity.has_group() { e.group_value = up(e.group_value).min(e.value); } else { e.group_value = e.value; }
            raised.apply(Event::Entry(e)).unwrap();
        }
        let pairs: Vec<(UserId, ObjectRef)> = users(&w).iter().flat_map(|u| objects(&w).into_iter().map(move |o| (*u, o))).collect();
        for ((u, o), b) in pairs.iter().zip(&before) {
            prop_assert!(more.check(*u, *o, Timestamp(TIMES[2]), Session::MFA).unwrap() >= *b, "adding an entry lowered {} on {}", u, o);
            prop_assert!(raised.check(*u, *o, Timestamp(TIMES[2]), Session::MFA).unwrap() >= *b, "raising ceilings lowered {} on {}", u, o);
        }
    }

    /// An explanation names only entries that exist on the object's tiers, count at that
    /// instant and match the user as it says (value or group value).
    #[test]
    fn explanations_name_only_entries_that_exist_and_match(s in spec()) {
        let w = s.build();
        let oracle = Oracle { w: &w };
        for u in users(&w) {
            for o in objects(&w) {
                for at in [Timestamp(TIMES[0]), Timestamp(TIMES[2])] {
                    let d = w.explain(u, o, at, Session::MFA).unwrap();
                    let tiers = oracle.tiers(o);
                    let contributions = d.grants.iter().chain(d.ceilings.iter().flat_map(|t| t.entries.iter()));
                    for c in contributions {
                        if let Source::Entry { entry, carrier, kind, entity, .. } = c.source {
                            let e = w.entry(entry).unwrap();
                            prop_assert_eq!(e.carrier, carrier);
                            prop_assert_eq!((e.kind, e.entity), (kind, entity));
                            prop_assert!(tiers.contains(&carrier));
                            prop_assert!(e.window.contains(at));
                            let is = oracle.matches(u, e, at);
                            prop_assert_eq!(is, Some(c.matched == Matched::Value), "entry {} user {}", e, u);
                            prop_assert_eq!(c.level, if c.matched == Matched::Value { e.value } else { e.group_value });
                        }
                    }
                }
            }
        }
    }
}

/// A workflow step chosen at random: who acts and what they try.
#[derive(Clone, Debug)]
struct Step {
    actor: usize,
    kind: u8,
    object: usize,
    target: usize,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (0usize..9, 0u8..10, 0usize..8, 0usize..9).prop_map(|(actor, kind, object, target)| Step {
            actor,
            kind,
            object,
            target,
        }),
        1..40,
    )
}

proptest! {
    #![proptest_config(config(150))]

    /// Random workflows in the town: every refused step leaves the world byte for byte as it
    /// was; after every accept the object's own edit-level entries belong to `[responsible]`;
    /// and replaying the change log rebuilds a world that decides the same.
    #[test]
    fn random_workflows_keep_the_invariants(steps in steps()) {
        let mut town = town();
        let people = [town.ana, town.bojan, town.gregor, town.helena, town.cene, town.dora, town.leon, town.uros, town.admin];
        let jobs: Vec<JobId> = town.w.jobs().iter().map(|j| j.id).collect();
        let mut log: Vec<ChangeSet> = Vec::new();
        let base = town.w.clone();
        for step in steps {
            let mut objects: Vec<ObjectRef> = (0..town.w.folder_count() as u32).map(|i| ObjectRef::Folder(FolderId(i))).collect();
            objects.extend((0..town.w.document_count() as u32).map(|i| ObjectRef::Document(DocumentId(i))));
            let object = objects.get(step.object % objects.len().max(1)).copied();
            let folder = (town.w.folder_count() > 0).then(|| FolderId((step.object % town.w.folder_count()) as u32));
            let command = match (step.kind, object, folder) {
                (0, _, _) => Command::NewFolder { app: town.vpp, class: town.class, title: text("F"), classification: Classification::PUBLIC },
                (1, _, Some(f)) => Command::NewDocument { folder: f, title: text("D"), classification: Classification::PUBLIC },
                (2, Some(o), _) => Command::HandOver { object: o, to: jobs[step.target % jobs.len()] },
                (3, Some(o), _) => Command::Accept { object: o },
                (4, Some(o), _) => Command::Reject { object: o },
                (5, Some(o), _) => Command::Close { object: o },
                (6, Some(o), _) => Command::Reopen { object: o },
                (7, Some(o), _) => Command::Notify { object: o, jobs: vec![jobs[step.target % jobs.len()]], users: vec![] },
                (8, Some(o), _) => Command::AddEntry { carrier: o.into(), kind: AclKind::Allowed, entity: Entity::Job(jobs[step.target % jobs.len()]), value: Level::Edit21, group_value: None, window: Window::ALWAYS },
                (_, Some(o), _) => Command::Reclassify { object: o, classification: Classification::confidential(SecurityClass::ONE), reason: text("review") },
                _ => Command::NewFolder { app: town.vpp, class: town.class, title: text("F"), classification: Classification::PUBLIC },
            };
            let before = fingerprint(&town.w);
            let actor = Actor::user(people[step.actor % people.len()]);
            match town.w.plan(&actor, command.clone(), t(NOW)) {
                Err(_) => prop_assert_eq!(fingerprint(&town.w), before.clone(), "a refused {:?} changed the world", command),
                Ok(plan) => {
                    prop_assert_eq!(fingerprint(&town.w), before.clone(), "planning changed the world");
                    log.push(plan.change_set());
                    town.w.commit(plan).unwrap();
                    if let Command::Accept { object } = command {
                        for e in town.w.acl(object.into()).unwrap() {
                            prop_assert!(!e.is_edit_level() || e.entity == Entity::Responsible, "after accept {} remains on {}", e, object);
                        }
                    }
                }
            }
        }
        let mut replayed = base;
        for change in log {
            replayed.apply_change_set(change).unwrap();
        }
        prop_assert_eq!(fingerprint(&replayed), fingerprint(&town.w));
        for u in people {
            for kind in [ObjectKind::Folder, ObjectKind::Document] {
                let a = replayed.lookup(u, kind, Level::View11, t(NOW), Session::MFA, None, 1000).unwrap();
                let b = town.w.lookup(u, kind, Level::View11, t(NOW), Session::MFA, None, 1000).unwrap();
                prop_assert_eq!(a, b);
            }
        }
        let distinct: BTreeSet<String> = BTreeSet::new();
        let _ = distinct;
    }
}
