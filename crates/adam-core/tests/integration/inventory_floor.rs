//! The inventory register (issue #15), its property: for random inventories and link changes
//! the floor, computed incrementally, equals a brute-force oracle, and the second-factor rule
//! follows the application's system. The rules one by one are in `inventory.rs`.

use crate::common::*;
use crate::inventory::{class, fields, item_id};
use crate::properties::fingerprint;
use adam_core::register::inventory::{ItemKind, Relation, TransferConsent};
use adam_core::*;
use proptest::prelude::*;

// ---- the floor against a brute-force oracle -------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Classify { item: usize, z: u8, c: u8, r: u8 },
    Link { system: usize, asset: usize },
    Unlink { link: usize },
    Bind { system: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..8usize, 0..4u8, 0..4u8, 0..4u8).prop_map(|(item, z, c, r)| Op::Classify { item, z, c, r }),
        (0..3usize, 0..5usize).prop_map(|(system, asset)| Op::Link { system, asset }),
        (0..20usize).prop_map(|link| Op::Unlink { link }),
        (0..3usize).prop_map(|system| Op::Bind { system }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// For random inventories and link changes, every system's floor is the maximum of its
    /// live linked assets per dimension (computed from scratch), a system's class never falls
    /// below its floor through classification, and a password-only session is refused on an
    /// object exactly when its application's system is Z3 or C3 by its class or its floor.
    #[test]
    fn floors_and_the_second_factor_rule_match_a_brute_force_oracle(ops in prop::collection::vec(op(), 1..40)) {
        let mut town = town();
        let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
        grant(&mut town.w, lead_role, Grantee::User(town.leon));
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
        let folder = match town.w.execute(&Actor::user(town.ana), Command::NewFolder { app: town.vpp, class: town.class, title: text("F"), classification: Classification::PUBLIC }, t(NOW)).unwrap().created {
            Some(Created::Folder(f)) => ObjectRef::Folder(f),
            other => panic!("{other:?}"),
        };
        let base = town.w.clone();
        let mut log = Vec::new();
        let as_custodian = Actor::user(custodian);
        for op in ops {
            let items: Vec<ItemId> = systems.iter().chain(&assets).copied().collect();
            let command = match op {
                Op::Classify { item, z, c, r } => Command::ClassifyItem { item: items[item], class: class(z, c, r), protection_level: None },
                Op::Link { system, asset } => Command::LinkAsset { system: systems[system], asset: assets[asset], relation: Relation::Handles, consent: Some(TransferConsent { by: custodian, reference: text("S"), date: LocalDate::new(2026, 1, 1).unwrap() }) },
                Op::Unlink { link } => Command::UnlinkAsset { link: LinkId(link as u32) },
                Op::Bind { system } => {
                    let mut f = town.w.item(systems[system]).unwrap().fields.clone();
                    f.application = Some(town.vpp);
                    // Free the application from whichever system holds it.
                    if let Some(holder) = town.w.system_of_application(town.vpp) {
                        let mut g = town.w.item(holder).unwrap().fields.clone();
                        g.application = None;
                        if let Ok(plan) = town.w.plan(&as_custodian, Command::UpdateItem { item: holder, fields: g }, t(NOW)) {
                            log.push(plan.change_set());
                            town.w.commit(plan).unwrap();
                        }
                    }
                    Command::UpdateItem { item: systems[system], fields: f }
                }
            };
            let before = fingerprint(&town.w);
            // Whether the command was applied: a classification to the class an item already
            // has is refused as unchanged, and must not count as "classified below its floor".
            let applied = match town.w.plan(&as_custodian, command.clone(), t(NOW)) {
                Err(_) => {
                    prop_assert_eq!(fingerprint(&town.w), before, "a refused {:?} changed the world", command);
                    false
                }
                Ok(plan) => {
                    log.push(plan.change_set());
                    town.w.commit(plan).unwrap();
                    true
                }
            };
            let w = &town.w;
            for s in &systems {
                let oracle = w.links().filter(|l| l.system == *s).fold(Classification::PUBLIC, |acc, l| acc.max(w.item(l.asset).unwrap().class()));
                prop_assert_eq!(w.floor(*s).class, oracle, "floor of {}", s);
                if let Command::ClassifyItem { item, class, .. } = &command && applied && item == s {
                    prop_assert_eq!(class.max(oracle), *class, "{} classified below its floor", s);
                }
            }
            let needs = w.system_of_application(town.vpp).is_some_and(|s| {
                let sys = w.item(s).unwrap();
                sys.class().max(w.floor(s).class).requires_mfa()
            });
            let refused_without = w.check(town.ana, folder, t(NOW), Session::PASSWORD).unwrap() == Level::None;
            prop_assert_eq!(refused_without, needs);
            prop_assert_eq!(w.check(town.ana, folder, t(NOW), Session::MFA).unwrap(), Level::Edit22);
        }
        let mut replayed = base;
        for change in log {
            replayed.apply_change_set(change).unwrap();
        }
        prop_assert_eq!(fingerprint(&replayed), fingerprint(&town.w));
    }
}
