//! The inventory register (issue #15), its property: for random inventories and link changes
//! the floor, computed incrementally, equals a brute-force oracle, and the second-factor rule
//! follows the application's system exactly — for every object of two applications, each bound
//! to a random system or to none, a password-only session is refused if and only if the
//! oracle says that application's system is Z3 or C3. The rules one by one are in `inventory.rs`.

use crate::common::*;
use crate::inventory::{class, fields, item_id};
use crate::properties::fingerprint;
use adam_core::register::inventory::{ItemKind, Relation, TransferConsent};
use adam_core::*;
use proptest::prelude::*;

// ---- the floor against a brute-force oracle -------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Classify {
        item: usize,
        z: u8,
        c: u8,
        r: u8,
    },
    Link {
        system: usize,
        asset: usize,
    },
    Unlink {
        link: usize,
    },
    /// Binds an application to a system, or (`None`) leaves it unbound.
    Bind {
        app: usize,
        system: Option<usize>,
    },
    /// A new public folder, or a document in the application's first folder, so objects are
    /// made while the system is already Z3/C3 as well as before.
    NewObject {
        app: usize,
        document: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..8usize, 0..4u8, 0..4u8, 0..4u8).prop_map(|(item, z, c, r)| Op::Classify { item, z, c, r }),
        (0..3usize, 0..5usize).prop_map(|(system, asset)| Op::Link { system, asset }),
        (0..20usize).prop_map(|link| Op::Unlink { link }),
        (0..2usize, prop::option::of(0..3usize)).prop_map(|(app, system)| Op::Bind { app, system }),
        (0..2usize, any::<bool>()).prop_map(|(app, document)| Op::NewObject { app, document }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// For random inventories and link changes, every system's floor is the maximum of its
    /// live linked assets per dimension (computed from scratch), a system's class never falls
    /// below its floor through classification, and — for every folder and document of two
    /// applications — a password-only session is refused, with the second-factor rule naming
    /// the system, if and only if the application's system is Z3 or C3 by its class or its
    /// floor; an application with no system, or a lower one, needs no second factor.
    #[test]
    fn floors_and_the_second_factor_rule_match_a_brute_force_oracle(ops in prop::collection::vec(op(), 1..40)) {
        let mut town = town();
        let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
        grant(&mut town.w, lead_role, Grantee::User(town.leon));
        // A second application anyone may write in, so objects of an application whose system
        // is not Z3/C3 stand beside those of one whose system is.
        let ext = app(&mut town.w, "EXT");
        let ext_write = role(&mut town.w, "EXT.write", RoleKind::Application, Some(ext), None, vec![]);
        sys(&mut town.w, Command::UpdateApplication { app: ext, name: text("EXT"), writer_role: Some(ext_write) });
        grant(&mut town.w, ext_write, Grantee::Everyone);
        let apps = [town.vpp, ext];
        let lead = Actor::user(town.leon);
        let custodian = town.ana;
        let mut systems = Vec::new();
        let mut assets = Vec::new();
        for i in 0..3 {
            let plan = town.w.execute(&lead, Command::CreateItem { kind: ItemKind::System, fields: fields(&format!("S{i}"), custodian) }, t(NOW)).unwrap();
            systems.push(item_id(plan.created.unwrap()));
        }
        for i in 0..5 {
            let plan = town.w.execute(&lead, Command::CreateItem { kind: ItemKind::Asset, fields: fields(&format!("A{i}"), custodian) }, t(NOW)).unwrap();
            assets.push(item_id(plan.created.unwrap()));
        }
        // Each application starts with a folder and a document in it; more come from the ops.
        let mut first_folder = Vec::new();
        let mut objects: Vec<(AppId, ObjectRef)> = Vec::new();
        for a in apps {
            let f = match town.w.execute(&Actor::user(town.ana), Command::NewFolder { app: a, class: town.class, title: text("F"), classification: Classification::PUBLIC }, t(NOW)).unwrap().created {
                Some(Created::Folder(f)) => f,
                other => panic!("{other:?}"),
            };
            let d = match town.w.execute(&Actor::user(town.ana), Command::NewDocument { folder: f, title: text("D"), classification: Classification::PUBLIC }, t(NOW)).unwrap().created {
                Some(Created::Document(d)) => d,
                other => panic!("{other:?}"),
            };
            first_folder.push(f);
            objects.push((a, ObjectRef::Folder(f)));
            objects.push((a, ObjectRef::Document(d)));
        }
        let base = town.w.clone();
        let mut log = Vec::new();
        let as_custodian = Actor::user(custodian);
        for op in ops {
            let items: Vec<ItemId> = systems.iter().chain(&assets).copied().collect();
            let command = match op {
                Op::Classify { item, z, c, r } => Some(Command::ClassifyItem { item: items[item], class: class(z, c, r), protection_level: None }),
                Op::Link { system, asset } => Some(Command::LinkAsset { system: systems[system], asset: assets[asset], relation: Relation::Handles, consent: Some(TransferConsent { by: custodian, reference: text("S"), date: LocalDate::new(2026, 1, 1).unwrap() }) }),
                Op::Unlink { link } => Some(Command::UnlinkAsset { link: LinkId(link as u32) }),
                Op::Bind { app, system } => {
                    let app = apps[app];
                    let target = system.map(|s| systems[s]);
                    // Free the application from whichever other system holds it; binding the
                    // target then may take it from the other application (one per system).
                    let holder = town.w.system_of_application(app).filter(|h| Some(*h) != target);
                    let unbind = holder.map(|h| {
                        let mut g = town.w.item(h).unwrap().fields.clone();
                        g.application = None;
                        Command::UpdateItem { item: h, fields: g }
                    });
                    match target {
                        None => unbind,
                        Some(s) => {
                            if let Some(u) = unbind && let Ok(plan) = town.w.plan(&as_custodian, u, t(NOW)) {
                                log.push(plan.change_set());
                                town.w.commit(plan).unwrap();
                            }
                            let mut f = town.w.item(s).unwrap().fields.clone();
                            f.application = Some(app);
                            Some(Command::UpdateItem { item: s, fields: f })
                        }
                    }
                }
                Op::NewObject { app, document: false } => Some(Command::NewFolder { app: apps[app], class: town.class, title: text("F"), classification: Classification::PUBLIC }),
                Op::NewObject { app, document: true } => Some(Command::NewDocument { folder: first_folder[app], title: text("D"), classification: Classification::PUBLIC }),
            };
            let mut applied = false;
            if let Some(command) = &command {
                let before = fingerprint(&town.w);
                // Whether the command was applied: a classification to the class an item already
                // has is refused as unchanged, and must not count as "classified below its floor".
                match town.w.plan(&Actor::user(custodian), command.clone(), t(NOW)) {
                    Err(_) => prop_assert_eq!(fingerprint(&town.w), before, "a refused {:?} changed the world", command),
                    Ok(plan) => {
                        log.push(plan.change_set());
                        let created = plan.created;
                        town.w.commit(plan).unwrap();
                        applied = true;
                        if let (Command::NewFolder { app, .. }, Some(Created::Folder(f))) = (command.clone(), created) {
                            objects.push((app, ObjectRef::Folder(f)));
                        }
                        if let (Command::NewDocument { folder, .. }, Some(Created::Document(d))) = (command.clone(), created) {
                            let app = apps[first_folder.iter().position(|f| *f == folder).unwrap()];
                            objects.push((app, ObjectRef::Document(d)));
                        }
                    }
                }
            }
            let w = &town.w;
            // The oracle, from scratch: a system's floor is the maximum of its linked assets'
            // classes; it is Z3/C3 when its class or that floor reaches three in Z or C.
            let floor_of = |s: ItemId| w.links().filter(|l| l.system == s).fold(Classification::PUBLIC, |acc, l| acc.max(w.item(l.asset).unwrap().class()));
            for s in &systems {
                let oracle = floor_of(*s);
                prop_assert_eq!(w.floor(*s).class, oracle, "floor of {}", s);
                if let Some(Command::ClassifyItem { item, class, .. }) = &command && applied && item == s {
                    prop_assert_eq!(class.max(oracle), *class, "{} classified below its floor", s);
                }
            }
            for app in apps {
                let system = systems.iter().copied().find(|s| w.item(*s).unwrap().fields.application == Some(app));
                prop_assert_eq!(w.system_of_application(app), system, "system of {}", app);
                let demanding = system.filter(|s| {
                    let held = w.item(*s).unwrap().class().max(floor_of(*s));
                    held.z == SecurityClass::THREE || held.c == SecurityClass::THREE
                });
                prop_assert_eq!(w.mfa_system_of(app), demanding, "second-factor system of {}", app);
                for (_, object) in objects.iter().filter(|(a, _)| *a == app) {
                    let with_mfa = w.check(town.ana, *object, t(NOW), Session::MFA).unwrap();
                    prop_assert!(with_mfa > Level::None, "{:?} closed to its creator", object);
                    let d = w.explain(town.ana, *object, t(NOW), Session::PASSWORD).unwrap();
                    let expected = match demanding {
                        Some(s) => (Level::None, Some(Rule::MfaRequired { level_with_mfa: with_mfa, system: Some(s) })),
                        None => (with_mfa, None),
                    };
                    prop_assert_eq!((d.level, d.rule), expected, "{:?} of {} with a password only", object, app);
                    prop_assert_eq!(w.check(town.ana, *object, t(NOW), Session::PASSWORD).unwrap(), d.level);
                }
            }
        }
        let mut replayed = base;
        for change in log {
            replayed.apply_change_set(change).unwrap();
        }
        prop_assert_eq!(fingerprint(&replayed), fingerprint(&town.w));
    }
}
