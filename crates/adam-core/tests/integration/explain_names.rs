//! The explanation of the Art. 53(1) second-factor rule names the information system by its
//! code and name (`VPP-SYS – VPP-SYS name`), never by its internal id (`item#1`).

use crate::common::*;
use crate::inventory::{class, classify, created, inventory, link};
use adam_core::lang::Lang;
use adam_core::*;

#[test]
fn the_second_factor_rule_names_the_system_by_code_and_name() {
    let mut inv = inventory();
    let ana = inv.town.ana;
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
    classify(inv.parcels, class(3, 1, 1), &mut inv);
    link(inv.vpp_sys, inv.parcels, &mut inv);
    let d = inv.town.w.explain(ana, folder, t(NOW), Session::PASSWORD).unwrap();
    let en = d.summary_in(Lang::En);
    let sl = d.summary_in(Lang::Sl);
    for s in [&en, &sl] {
        assert!(s.contains("VPP-SYS – VPP-SYS name"), "{s}");
        assert!(!s.contains("item#"), "{s}");
    }
    assert!(en.contains("Art. 53(1)"), "{en}");
    assert!(sl.contains("53. člen (1)"), "{sl}");
    // A decision with the rule but no system (a Z3 object itself) names none.
    assert_eq!(d.mfa_system.as_ref().map(|n| n.id), Some(inv.vpp_sys));
}
