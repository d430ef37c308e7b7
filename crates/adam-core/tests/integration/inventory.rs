//! The inventory register (issue #15; Decree Art. 7, 10–11, 38, 41, 53): every rule is a
//! specific refusal that leaves the world untouched, the second-factor rule follows the
//! application's system, and the registers' change log replays (with its own golden file).
//! The floor against a brute-force oracle, a property test, is in `inventory_floor.rs`.
//!
//! Why one file past ~800 lines: every rule of the register as a refusal that leaves the world
//! untouched, one after another over the same town, so that the table of rules reads in one
//! place.

use crate::common::*;
use crate::properties::fingerprint;
use adam_core::register::decree_roles::DecreeRole;
use adam_core::register::inventory::{ItemFields, ItemKind, Operator, PublicCloud, Relation, TransferConsent};
use adam_core::register::scheme::{SchemeCode, SchemeEntry};
use adam_core::*;
use serde_json::Value;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/register-log-v1.jsonl");

pub(crate) fn class(z: u8, c: u8, r: u8) -> Classification {
    Classification {
        z: SecurityClass::new(z).unwrap(),
        c: SecurityClass::new(c).unwrap(),
        r: SecurityClass::new(r).unwrap(),
    }
}

pub(crate) fn fields(code: &str, custodian: UserId) -> ItemFields {
    ItemFields {
        code: Code::parse("code", code).unwrap(),
        name: text(&format!("{code} name")),
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: true,
        key_server: false,
        high_risk: false,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    }
}

/// The town with a security lead (Leon), two custodians (Ana of the VPP system, Cene of the
/// archive system) and Uroš, who keeps nothing.
pub(crate) struct Inv {
    pub(crate) town: Town,
    pub(crate) lead: UserId,
    pub(crate) vpp_sys: ItemId,
    pub(crate) archive_sys: ItemId,
    pub(crate) parcels: ItemId,
}

pub(crate) fn created(plan: Plan) -> Created {
    plan.created.unwrap()
}

pub(crate) fn item_id(c: Created) -> ItemId {
    match c {
        Created::Item(id) => id,
        other => panic!("{other:?}"),
    }
}

pub(crate) fn inventory() -> Inv {
    let mut town = town();
    let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    let lead = town.leon;
    grant(&mut town.w, lead_role, Grantee::User(lead));
    let as_lead = Actor::user(lead);
    let w = &mut town.w;
    let mut vpp = fields("VPP-SYS", town.ana);
    vpp.application = Some(town.vpp);
    vpp.operators = vec![Operator::Office(town.glpi), Operator::Organisation(text("DRO"))];
    let vpp_sys = item_id(created(run_as(
        w,
        &as_lead,
        Command::CreateItem {
            kind: ItemKind::System,
            fields: vpp,
        },
    )));
    let archive_sys = item_id(created(run_as(
        w,
        &as_lead,
        Command::CreateItem {
            kind: ItemKind::System,
            fields: fields("ARCHIVE-SYS", town.cene),
        },
    )));
    let parcels = item_id(created(run_as(
        w,
        &as_lead,
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("PARCELS", town.ana),
        },
    )));
    Inv {
        town,
        lead,
        vpp_sys,
        archive_sys,
        parcels,
    }
}

pub(crate) fn classify(item: ItemId, c: Classification, inv: &mut Inv) {
    let custodian = inv.town.w.item(item).unwrap().fields.custodian;
    run_as(
        &mut inv.town.w,
        &Actor::user(custodian),
        Command::ClassifyItem {
            item,
            class: c,
            protection_level: None,
        },
    );
}

pub(crate) fn link(system: ItemId, asset: ItemId, inv: &mut Inv) -> LinkId {
    match created(run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::LinkAsset {
            system,
            asset,
            relation: Relation::Stores,
            consent: None,
        },
    )) {
        Created::Link(l) => l,
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_keepers_add_items_and_every_item_has_an_active_custodian() {
    let mut inv = inventory();
    let (ana, uros) = (inv.town.ana, inv.town.uros);
    let e = refused(
        &inv.town.w,
        Actor::user(uros),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("X", uros),
        },
    );
    assert_eq!(e, RegisterError::NotRegisterKeeper("add items to the inventory").into());
    // A custodian may not add items either: she keeps hers.
    let e = refused(
        &inv.town.w,
        Actor::user(ana),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("X", ana),
        },
    );
    assert_eq!(e.code(), "not-register-keeper");
    sys(
        &mut inv.town.w,
        Command::SetUserActive {
            user: uros,
            active: false,
        },
    );
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("X", uros),
        },
    );
    assert_eq!(e, RegisterError::CustodianInactive(uros).into());
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("PARCELS", ana),
        },
    );
    assert_eq!(e, RegisterError::DuplicateItemCode("PARCELS".into()).into());
    let mut asset = fields("Y", ana);
    asset.operators = vec![Operator::User(ana)];
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: asset,
        },
    );
    assert_eq!(e, RegisterError::SystemOnlyField("operators").into());
    // A second system cannot claim VPP.
    let mut other = fields("VPP-2", ana);
    other.application = Some(inv.town.vpp);
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: other,
        },
    );
    assert_eq!(
        e,
        RegisterError::ApplicationInAnotherSystem {
            app: inv.town.vpp,
            system: inv.vpp_sys
        }
        .into()
    );
    // The custodian edits her item's fields, but appointing another custodian is the keeper's.
    let mut changed = inv.town.w.item(inv.parcels).unwrap().fields.clone();
    changed.description = Some(text("Zemljiške parcele"));
    run_as(
        &mut inv.town.w,
        &Actor::user(ana),
        Command::UpdateItem {
            item: inv.parcels,
            fields: changed.clone(),
        },
    );
    changed.custodian = inv.town.cene;
    let e = refused(
        &inv.town.w,
        Actor::user(ana),
        Command::UpdateItem {
            item: inv.parcels,
            fields: changed,
        },
    );
    assert_eq!(e, RegisterError::NotRegisterKeeper("appoint a custodian").into());
    let e = refused(
        &inv.town.w,
        Actor::user(inv.town.cene),
        Command::UpdateItem {
            item: inv.parcels,
            fields: fields("PARCELS", ana),
        },
    );
    assert_eq!(e.code(), "not-item-keeper");
}

#[test]
fn only_the_custodian_classifies_and_who_and_when_are_kept() {
    let mut inv = inventory();
    let cmd = |item| Command::ClassifyItem {
        item,
        class: class(2, 1, 1),
        protection_level: Some(text("visoka")),
    };
    for someone in [inv.lead, inv.town.admin, inv.town.cene] {
        let e = refused(&inv.town.w, Actor::user(someone), cmd(inv.parcels));
        assert_eq!(
            e,
            RegisterError::NotCustodian {
                item: inv.parcels,
                custodian: inv.town.ana
            }
            .into(),
            "{someone}"
        );
    }
    run_as(&mut inv.town.w, &Actor::user(inv.town.ana), cmd(inv.parcels));
    let c = inv.town.w.item(inv.parcels).unwrap().classified.clone().unwrap();
    assert_eq!((c.class, c.by, c.at), (class(2, 1, 1), inv.town.ana, t(NOW)));
    assert_eq!(c.protection_level, Some(text("visoka")));
    let e = refused(&inv.town.w, Actor::user(inv.town.ana), cmd(inv.parcels));
    assert_eq!(e, Error::NoChange("the item already has this class"));
}

#[test]
fn a_system_is_never_classified_below_its_assets_and_the_floor_names_the_asset() {
    let mut inv = inventory();
    classify(inv.parcels, class(2, 3, 1), &mut inv);
    link(inv.vpp_sys, inv.parcels, &mut inv);
    let floor = inv.town.w.floor(inv.vpp_sys);
    assert_eq!(floor.class, class(2, 3, 1));
    assert_eq!(floor.forced_by, [Some(inv.parcels); 3]);
    let e = refused(
        &inv.town.w,
        Actor::user(inv.town.ana),
        Command::ClassifyItem {
            item: inv.vpp_sys,
            class: class(2, 2, 3),
            protection_level: None,
        },
    );
    assert_eq!(
        e,
        RegisterError::BelowFloor {
            system: inv.vpp_sys,
            dimension: 'C',
            class: SecurityClass::new(2).unwrap(),
            floor: SecurityClass::THREE,
            asset: inv.parcels
        }
        .into()
    );
    assert!(inv.town.w.name_ids(&e.to_string()).contains("asset PARCELS"), "{e}");
    // Raising is allowed; an asset raised later leaves the system below its floor, listed.
    classify(inv.vpp_sys, class(3, 3, 3), &mut inv);
    assert_eq!(inv.town.w.below_floor(inv.town.w.item(inv.vpp_sys).unwrap()), None);
    let secret = item_id(created(run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("SECRET", inv.town.cene),
        },
    )));
    link(inv.archive_sys, secret, &mut inv);
    classify(secret, class(3, 1, 1), &mut inv);
    let archive = inv.town.w.item(inv.archive_sys).unwrap();
    let below = inv.town.w.below_floor(archive).unwrap();
    assert_eq!((below.dimension.letter(), below.asset), ('Z', secret));
    assert_eq!(inv.town.w.effective_class(archive).z, SecurityClass::THREE);
    // Unlinking lowers the floor again.
    let l = inv.town.w.links_of(inv.archive_sys).next().unwrap().id;
    run_as(
        &mut inv.town.w,
        &Actor::user(inv.town.cene),
        Command::UnlinkAsset { link: l },
    );
    assert_eq!(inv.town.w.floor(inv.archive_sys).class, Classification::PUBLIC);
}

#[test]
fn a_public_cloud_takes_only_z1_c1_r1_and_needs_the_ministrys_approval() {
    let mut inv = inventory();
    let mut cloud = fields("CLOUD", inv.town.cene);
    cloud.public_cloud = Some(PublicCloud {
        service: text("Microsoft 365"),
        ministry_approval: None,
        terms_approval: None,
    });
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: cloud.clone(),
        },
    );
    assert_eq!(e, RegisterError::PublicCloudApprovalMissing.into());
    assert!(e.to_string().contains("Art. 41(2)"));
    cloud.public_cloud = Some(PublicCloud {
        service: text("Microsoft 365"),
        ministry_approval: Some(text("MJU 007-12/2026")),
        terms_approval: None,
    });
    let cloud = item_id(created(run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: cloud,
        },
    )));
    let e = refused(
        &inv.town.w,
        Actor::user(inv.town.cene),
        Command::ClassifyItem {
            item: cloud,
            class: class(2, 1, 1),
            protection_level: None,
        },
    );
    assert_eq!(e.code(), "public-cloud-class");
    assert!(e.to_string().contains("Art. 41(1)"));
    classify(inv.parcels, class(1, 2, 1), &mut inv);
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::LinkAsset {
            system: cloud,
            asset: inv.parcels,
            relation: Relation::Processes,
            consent: None,
        },
    );
    assert_eq!(e.code(), "public-cloud-class");
    // A Z1/C1/R1 asset in the cloud cannot then be raised above it.
    let ok = item_id(created(run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::Asset,
            fields: fields("NEWSLETTER", inv.town.cene),
        },
    )));
    link(cloud, ok, &mut inv);
    let e = refused(
        &inv.town.w,
        Actor::user(inv.town.cene),
        Command::ClassifyItem {
            item: ok,
            class: class(1, 1, 2),
            protection_level: None,
        },
    );
    assert_eq!(
        e,
        RegisterError::PublicCloudClass {
            item: cloud,
            class: "Z1 C1 R2".into()
        }
        .into()
    );
}

#[test]
fn moving_an_asset_into_another_system_needs_the_source_custodians_consent_and_equal_protection() {
    let mut inv = inventory();
    classify(inv.parcels, class(2, 2, 1), &mut inv);
    link(inv.vpp_sys, inv.parcels, &mut inv);
    let (archive_sys, parcels) = (inv.archive_sys, inv.parcels);
    let to_archive = |consent: Option<TransferConsent>| Command::LinkAsset {
        system: archive_sys,
        asset: parcels,
        relation: Relation::Stores,
        consent,
    };
    let consent = |by: UserId| TransferConsent {
        by,
        reference: text("SOGLASJE-1"),
        date: LocalDate::new(2026, 3, 1).unwrap(),
    };
    let cene = Actor::user(inv.town.cene);
    let e = refused(&inv.town.w, cene, to_archive(None));
    assert_eq!(
        e,
        RegisterError::TransferConsentRequired {
            asset: inv.parcels,
            from: inv.vpp_sys
        }
        .into()
    );
    let e = refused(&inv.town.w, cene, to_archive(Some(consent(inv.town.cene))));
    assert_eq!(e.code(), "consent-not-by-source-custodian");
    let e = refused(&inv.town.w, cene, to_archive(Some(consent(inv.town.ana))));
    assert_eq!(
        e,
        RegisterError::TransferBelowAsset {
            asset: inv.parcels,
            system: inv.archive_sys,
            dimension: 'Z',
            asset_class: SecurityClass::TWO,
            system_class: SecurityClass::NONE
        }
        .into()
    );
    classify(inv.archive_sys, class(2, 2, 0), &mut inv);
    run_as(&mut inv.town.w, &cene, to_archive(Some(consent(inv.town.ana))));
    let kept = inv
        .town
        .w
        .links_of(inv.archive_sys)
        .next()
        .unwrap()
        .consent
        .clone()
        .unwrap();
    assert_eq!(kept.by, inv.town.ana);
    let e = refused(&inv.town.w, cene, to_archive(Some(consent(inv.town.ana))));
    assert_eq!(e.code(), "already-linked");
}

#[test]
fn a_z3_system_makes_every_object_of_its_application_need_a_second_factor() {
    let mut inv = inventory();
    let ana = inv.town.ana;
    classify(inv.vpp_sys, class(2, 1, 1), &mut inv);
    let folder = match created(run_as(
        &mut inv.town.w,
        &Actor::user(ana),
        Command::NewFolder {
            app: inv.town.vpp,
            class: inv.town.class,
            title: text("Odmera"),
            classification: Classification::PUBLIC,
        },
    )) {
        Created::Folder(f) => ObjectRef::Folder(f),
        other => panic!("{other:?}"),
    };
    let password = Session::PASSWORD;
    assert_eq!(inv.town.w.check(ana, folder, t(NOW), password).unwrap(), Level::Edit22);
    // A Z3 asset in the system: local access needs the second factor too (Art. 53(1)).
    classify(inv.parcels, class(3, 1, 1), &mut inv);
    link(inv.vpp_sys, inv.parcels, &mut inv);
    let d = inv.town.w.explain(ana, folder, t(NOW), password).unwrap();
    assert_eq!(
        (d.level, d.rule),
        (
            Level::None,
            Some(Rule::MfaRequired {
                level_with_mfa: Level::Edit22,
                system: Some(inv.vpp_sys)
            })
        )
    );
    assert_eq!(
        inv.town.w.check(ana, folder, t(NOW), Session::MFA).unwrap(),
        Level::Edit22
    );
    let password_only = Actor::User {
        user: ana,
        job: None,
        session: Session::PASSWORD,
    };
    assert_eq!(
        refused(&inv.town.w, password_only, Command::Close { object: folder }),
        Error::Authority(AuthorityError::MfaRequired)
    );
    // Unlinking the asset lifts it again.
    let l = inv.town.w.links_of(inv.parcels).next().unwrap().id;
    run_as(&mut inv.town.w, &Actor::user(ana), Command::UnlinkAsset { link: l });
    assert_eq!(inv.town.w.mfa_system_of(inv.town.vpp), None);
    assert_eq!(inv.town.w.check(ana, folder, t(NOW), password).unwrap(), Level::Edit22);
}

#[test]
fn an_object_is_not_classified_above_its_applications_system() {
    let mut inv = inventory();
    let ana = Actor::user(inv.town.ana);
    // Ana is cleared for Z2, so what stops her is the system, not her clearance.
    grant(&mut inv.town.w, inv.town.clearance_a, Grantee::User(inv.town.ana));
    classify(inv.vpp_sys, class(1, 1, 1), &mut inv);
    let new_folder = |z: u8| Command::NewFolder {
        app: inv.town.vpp,
        class: inv.town.class,
        title: text("Odmera"),
        classification: class(z, 0, 0),
    };
    let e = refused(&inv.town.w, ana, new_folder(2));
    assert_eq!(
        e,
        RegisterError::ObjectAboveSystem {
            system: inv.vpp_sys,
            object: "Z2 C0 R0".into(),
            held: "Z1 C1 R1".into()
        }
        .into()
    );
    assert!(e.to_string().contains("Art. 11(2)"));
    let folder = match created(run_as(&mut inv.town.w, &ana, new_folder(1))) {
        Created::Folder(f) => f,
        c => panic!("{c:?}"),
    };
    // Nor may the system's class then fall below what its application holds.
    let e = refused(
        &inv.town.w,
        ana,
        Command::ClassifyItem {
            item: inv.vpp_sys,
            class: class(0, 1, 1),
            protection_level: None,
        },
    );
    assert_eq!(e.code(), "object-above-system");

    // A Z2 asset raises the system's floor, and a Z2 document can be filed in the folder ...
    classify(inv.parcels, class(2, 1, 1), &mut inv);
    let l = link(inv.vpp_sys, inv.parcels, &mut inv);
    run_as(
        &mut inv.town.w,
        &ana,
        Command::NewDocument {
            folder,
            title: text("Odločba"),
            classification: class(2, 0, 0),
        },
    );
    // ... then neither removing the link nor lowering the asset may leave it above its system
    // (the document, not only folders, is counted).
    let lead = Actor::user(inv.lead);
    let e = refused(&inv.town.w, lead, Command::UnlinkAsset { link: l });
    assert_eq!(e.code(), "object-above-system", "{e}");
    let e = refused(
        &inv.town.w,
        ana,
        Command::ClassifyItem {
            item: inv.parcels,
            class: class(1, 1, 1),
            protection_level: None,
        },
    );
    assert_eq!(e.code(), "object-above-system", "{e}");
    assert!(e.to_string().contains("Z2 C0 R0"), "{e}");
    // Nor may the application, once freed from its system, be bound to a classified system
    // held lower; a new, unclassified system takes it and awaits its custodian, who may then
    // not classify it below the records.
    let mut freed = inv.town.w.item(inv.vpp_sys).unwrap().fields.clone();
    freed.application = None;
    run_as(
        &mut inv.town.w,
        &lead,
        Command::UpdateItem {
            item: inv.vpp_sys,
            fields: freed,
        },
    );
    let mut other = crate::inventory::fields("OTHER-SYS", inv.town.ana);
    let sys = match created(run_as(
        &mut inv.town.w,
        &lead,
        Command::CreateItem {
            kind: ItemKind::System,
            fields: other.clone(),
        },
    )) {
        Created::Item(i) => i,
        c => panic!("{c:?}"),
    };
    classify(sys, class(1, 1, 1), &mut inv);
    other.application = Some(inv.town.vpp);
    let e = refused(
        &inv.town.w,
        lead,
        Command::UpdateItem {
            item: sys,
            fields: other.clone(),
        },
    );
    assert_eq!(e.code(), "object-above-system", "{e}");
    let mut fresh = crate::inventory::fields("NEW-SYS", inv.town.ana);
    fresh.application = Some(inv.town.vpp);
    let fresh = match created(run_as(
        &mut inv.town.w,
        &lead,
        Command::CreateItem {
            kind: ItemKind::System,
            fields: fresh,
        },
    )) {
        Created::Item(i) => i,
        c => panic!("{c:?}"),
    };
    let e = refused(
        &inv.town.w,
        ana,
        Command::ClassifyItem {
            item: fresh,
            class: class(1, 1, 1),
            protection_level: None,
        },
    );
    assert_eq!(e.code(), "object-above-system", "{e}");
    classify(fresh, class(2, 1, 1), &mut inv);
    // Freed again, the application goes to the other system once that is held high enough.
    let mut unbound = inv.town.w.item(fresh).unwrap().fields.clone();
    unbound.application = None;
    run_as(
        &mut inv.town.w,
        &lead,
        Command::UpdateItem {
            item: fresh,
            fields: unbound,
        },
    );
    classify(sys, class(2, 1, 1), &mut inv);
    run_as(
        &mut inv.town.w,
        &lead,
        Command::UpdateItem {
            item: sys,
            fields: other,
        },
    );
}

#[test]
fn decree_roles_are_appointed_and_ended_by_keepers() {
    let mut inv = inventory();
    let since = LocalDate::new(2026, 1, 1).unwrap();
    let appoint = Command::AppointDecreeRole {
        role: DecreeRole::Head,
        user: inv.town.leon,
        contact: Some(text("zupan@koper.si")),
        appointment: None,
        since,
    };
    let e = refused(&inv.town.w, Actor::user(inv.town.ana), appoint.clone());
    assert_eq!(e.code(), "not-register-keeper");
    let holder = match created(run_as(&mut inv.town.w, &Actor::user(inv.lead), appoint)) {
        Created::Holder(h) => h,
        other => panic!("{other:?}"),
    };
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::EndDecreeRole {
            holder,
            until: LocalDate::new(2025, 12, 31).unwrap(),
        },
    );
    assert_eq!(e.code(), "appointment-reversed");
    run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::EndDecreeRole {
            holder,
            until: LocalDate::new(2026, 6, 30).unwrap(),
        },
    );
    let h = inv.town.w.role_holder(holder).unwrap();
    assert!(h.holds_on(LocalDate::new(2026, 6, 30).unwrap()));
    assert!(!h.holds_on(LocalDate::new(2026, 7, 1).unwrap()));
}

#[test]
fn the_scheme_is_data_and_every_change_is_a_new_version() {
    let mut inv = inventory();
    assert_eq!(inv.town.w.class_scheme().version, 0);
    let set = |criteria: &str| Command::SetClassScheme {
        regulation: inv.town.w.class_scheme().regulation.clone(),
        entries: vec![SchemeEntry {
            code: SchemeCode::Z3,
            name: Some(text("Strogo zaupno")),
            criteria: Some(text(criteria)),
            labelling: Some(text("Oznaka ZS")),
        }],
    };
    let e = refused(&inv.town.w, Actor::user(inv.town.ana), set("x"));
    assert_eq!(e.code(), "not-register-keeper");
    let cmd = set("Razkritje bi povzročilo izjemno škodo.");
    run_as(&mut inv.town.w, &Actor::user(inv.lead), cmd.clone());
    let s = inv.town.w.class_scheme();
    assert_eq!(s.version, 1);
    assert_eq!(
        s.entry(SchemeCode::Z3).unwrap().name.as_ref().map(Text::as_str),
        Some("Strogo zaupno")
    );
    assert_eq!(s.entries.len(), SchemeCode::ALL.len());
    assert_eq!(
        refused(&inv.town.w, Actor::user(inv.lead), cmd),
        Error::NoChange("the scheme already says this")
    );
}

// ---- the change log ---------------------------------------------------------------------

/// A world with every register event kind, recorded.
fn register_world() -> (World, Vec<ChangeSet>) {
    recording(|| {
        let mut inv = inventory();
        classify(inv.parcels, class(2, 1, 1), &mut inv);
        let l = link(inv.vpp_sys, inv.parcels, &mut inv);
        run_as(
            &mut inv.town.w,
            &Actor::user(inv.lead),
            Command::UnlinkAsset { link: l },
        );
        link(inv.archive_sys, inv.parcels, &mut inv);
        run_as(
            &mut inv.town.w,
            &Actor::user(inv.lead),
            Command::AppointDecreeRole {
                role: DecreeRole::SecurityLead,
                user: inv.lead,
                contact: None,
                appointment: Some(text("Sklep 100-1/2026")),
                since: LocalDate::new(2026, 1, 15).unwrap(),
            },
        );
        run_as(
            &mut inv.town.w,
            &Actor::user(inv.lead),
            Command::SetClassScheme {
                regulation: text("Uredba o informacijski varnosti v državni upravi"),
                entries: vec![],
            },
        );
        inv.town.w
    })
}

#[test]
fn the_registers_change_log_replays_and_its_golden_file_still_decodes() {
    let (world, log) = register_world();
    let kinds: std::collections::BTreeSet<String> = log
        .iter()
        .flat_map(|c| c.events.iter())
        .filter_map(|e| e.register_row().map(|r| format!("{}/{}", r.kind, r.body.is_some())))
        .collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    let register_lines: Vec<String> = log
        .iter()
        .filter(|c| c.events.iter().any(|e| e.register_row().is_some()))
        .map(|c| serde_json::json!({ "revision": c.revision, "events": c.events }).to_string())
        .collect();
    if std::env::var("ADAM_WRITE_GOLDEN").as_deref() == Ok("1") {
        std::fs::write(GOLDEN, register_lines.join("\n") + "\n").unwrap();
    }
    // The golden file holds the register change sets as format 1 wrote them: they decode,
    // and they are what today's code writes.
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    assert_eq!(golden.lines().count(), register_lines.len());
    for (line, now) in golden.lines().zip(&register_lines) {
        let mut stored: Value = serde_json::from_str(line).unwrap();
        let events = decode_events(stored["events"].take()).unwrap();
        let written: Value = serde_json::from_str(now).unwrap();
        assert_eq!(serde_json::to_value(&events).unwrap(), written["events"]);
    }
    // The whole log replays into the same world, floors included.
    let mut replayed = World::new(text("Mestna občina Koper"));
    for change in log {
        replayed.apply_change_set(change).unwrap();
    }
    assert_eq!(fingerprint(&replayed), fingerprint(&world));
}

#[test]
fn a_cold_start_from_register_rows_rebuilds_the_same_registers() {
    let (world, log) = register_world();
    // What the store keeps: the last row of each (kind, id), tombstones included.
    let mut rows: std::collections::BTreeMap<(usize, u32), Option<Value>> = Default::default();
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
}

#[test]
fn a_risk_assessment_is_recorded_by_a_keeper_and_due_again_within_a_year() {
    use adam_core::register::risk::RiskFields;
    let mut inv = inventory();
    let date = LocalDate::new(2026, 2, 10).unwrap();
    let fields = |next_due: Option<LocalDate>| RiskFields {
        date,
        scope: text("Mestna občina Koper"),
        methodology: Some(text("Enotna metodologija MJU")),
        findings: text("GIS obdeluje osebne podatke lastnikov"),
        treatment: text("Dvig razreda GIS na Z2"),
        accepted_residual: None,
        approver: Some(inv.town.leon),
        trigger: None,
        next_due,
    };
    assert_eq!(inv.town.w.risk_status(date), (None, true), "none at all is overdue");
    let e = refused(
        &inv.town.w,
        Actor::user(inv.town.ana),
        Command::RecordRiskAssessment { fields: fields(None) },
    );
    assert_eq!(e, RegisterError::NotRegisterKeeper("record risk assessments").into());
    let e = refused(
        &inv.town.w,
        Actor::user(inv.lead),
        Command::RecordRiskAssessment {
            fields: fields(LocalDate::new(2027, 2, 11)),
        },
    );
    assert_eq!(e.code(), "risk-due-too-late");
    assert!(e.to_string().contains("Art. 9(2)"));
    run_as(
        &mut inv.town.w,
        &Actor::user(inv.lead),
        Command::RecordRiskAssessment { fields: fields(None) },
    );
    let (latest, overdue) = inv.town.w.risk_status(LocalDate::new(2027, 2, 10).unwrap());
    assert_eq!(latest.unwrap().due(), LocalDate::new(2027, 2, 10).unwrap());
    assert!(!overdue, "due on its day, not before");
    assert!(inv.town.w.risk_status(LocalDate::new(2027, 2, 11).unwrap()).1);
}
