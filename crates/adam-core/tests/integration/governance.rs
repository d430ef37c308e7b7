//! ADAM governs its own changes (Art. 22, issue #16): once the organisation switches it on, a
//! change to the contents of a role whose application lives in a Z3 or C3 system, and every
//! later settings change, names an approved change request about that system that is being
//! implemented, or is refused with a specific error; the world stays untouched.

use crate::common::*;
use crate::inventory::{class, classify, inventory};
use adam_core::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

fn decide(case: CaseId, step: &str, outcome: &str, fields: Value) -> Command {
    Command::DecideStep {
        case,
        step: code(step),
        outcome: code(outcome),
        comment: None,
        fields: map(fields),
        attachments: vec![],
    }
}

fn consent(case: CaseId, role: &str) -> Command {
    Command::ConsentCase {
        case,
        role: code(role),
        comment: None,
    }
}

/// A change request about `system`, walked by its custodian and the security lead to the
/// step `implement` (approved).
fn approved_change(w: &mut World, system: ItemId, custodian: UserId, lead: UserId) -> CaseId {
    let custodian = Actor::user(custodian);
    let lead = Actor::user(lead);
    let case = match run_as(
        w,
        &custodian,
        Command::StartCase {
            process: code("change-request"),
            title: text("Nova vloga"),
            fields: map(json!({"system": system.0, "description": "Sprememba vloge."})),
            attachments: vec![],
        },
    )
    .created
    {
        Some(Created::Case(c)) => c,
        other => panic!("{other:?}"),
    };
    run_as(
        w,
        &custodian,
        decide(
            case,
            "prepare",
            "submit",
            json!({"security_impact": "Nizek.", "production_conditions": "Takoj.", "rollback_plan": "Vrnitev vloge."}),
        ),
    );
    run_as(w, &custodian, consent(case, "custodian"));
    run_as(w, &lead, consent(case, "security_lead"));
    run_as(w, &lead, decide(case, "consent", "approve", json!({})));
    assert_eq!(w.case(case).unwrap().current.as_str(), "implement");
    case
}

fn update_role(w: &World, role: RoleId, members: Vec<RoleId>, change: Option<CaseId>) -> Command {
    let r = w.role(role).unwrap();
    Command::UpdateRole {
        role,
        description: r.description.clone(),
        object_level: r.object_level,
        members,
        change,
    }
}

fn settings(w: &World, governed: bool, change: Option<CaseId>) -> Command {
    let mut settings = w.settings().clone();
    settings.governed_changes = governed;
    Command::SetSettings { settings, change }
}

#[test]
fn a_governed_change_names_an_approved_change_request_about_its_system() {
    let mut inv = inventory();
    classify(inv.vpp_sys, class(3, 1, 1), &mut inv);
    let (lead, ana, cene) = (inv.lead, inv.town.ana, inv.town.cene);
    let (vpp_sys, archive_sys) = (inv.vpp_sys, inv.archive_sys);
    let w = &mut inv.town.w;
    let write = w.role_by_code("VPP.write").unwrap();
    let view_all = w.role_by_code("VPP.view_all_documents").unwrap();
    let glpi = w.role_by_code("VOPI/GLPI").unwrap();

    // Off (the default): nothing is asked.
    assert!(!w.settings().governed_changes);
    run_as(w, &Actor::System, update_role(w, write, vec![view_all], None));
    // Switching it on needs no request: nothing governs yet.
    run_as(w, &Actor::System, settings(w, true, None));

    // The VPP application lives in a Z3 system: its role's contents need a request ...
    let e = refused(w, Actor::System, update_role(w, write, vec![], None));
    assert_eq!(e.code(), "change-request-required");
    assert!(e.to_string().contains("VPP.write"), "{e}");
    assert!(e.message(lang::Lang::Sl).contains("zahtevo za spremembo"), "{e}");
    // ... its description alone does not, and a role of an application in no system does not.
    let r = w.role(write).unwrap().clone();
    run_as(
        w,
        &Actor::System,
        Command::UpdateRole {
            role: write,
            description: text("Pisanje v VPP"),
            object_level: r.object_level,
            members: r.members.clone(),
            change: None,
        },
    );
    run_as(w, &Actor::System, update_role(w, glpi, vec![], None));

    // A request still being prepared authorises nothing.
    let early = match run_as(
        w,
        &Actor::user(ana),
        Command::StartCase {
            process: code("change-request"),
            title: text("Prezgodaj"),
            fields: map(json!({"system": vpp_sys.0})),
            attachments: vec![],
        },
    )
    .created
    {
        Some(Created::Case(c)) => c,
        other => panic!("{other:?}"),
    };
    let e = refused(w, Actor::System, update_role(w, write, vec![], Some(early)));
    assert_eq!(e.code(), "change-not-approved");
    // An approved request about another system does not authorise this one.
    let other = approved_change(w, archive_sys, cene, lead);
    let e = refused(w, Actor::System, update_role(w, write, vec![], Some(other)));
    assert_eq!(e.code(), "change-for-other-system");
    assert!(e.to_string().contains("VPP-SYS"), "{e}");
    // An approved request about the VPP system does.
    let change = approved_change(w, vpp_sys, ana, lead);
    run_as(w, &Actor::System, update_role(w, write, vec![], Some(change)));
    assert!(w.role(write).unwrap().members.is_empty());

    // Every settings change now names a request, switching it off included.
    let e = refused(w, Actor::System, settings(w, false, None));
    assert_eq!(e.code(), "change-request-required");
    assert!(e.to_string().contains("settings"), "{e}");
    let e = refused(w, Actor::System, settings(w, false, Some(early)));
    assert_eq!(e.code(), "change-not-approved");
    // Once its implementation is recorded, the request authorises nothing more.
    run_as(
        w,
        &Actor::user(ana),
        decide(change, "implement", "done", json!({"implementation_record": "Izvedeno."})),
    );
    let e = refused(w, Actor::System, update_role(w, write, vec![view_all], Some(change)));
    assert_eq!(e.code(), "change-not-approved");
    run_as(w, &Actor::System, settings(w, false, Some(other)));
    assert!(!w.settings().governed_changes);
    run_as(w, &Actor::System, update_role(w, write, vec![view_all], None));
}
