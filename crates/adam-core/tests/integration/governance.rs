//! ADAM governs its own changes (Art. 22, issue #16): once the organisation switches it on, a
//! change to the contents of a role whose application lives in a Z3 or C3 system, and every
//! later settings change, names an approved change request about that system that is being
//! implemented, or is refused with a specific error; the world stays untouched. And the
//! knock-on duties of a change (50(4), 9(2), 15(2)): derived from the request and the
//! registers, the baseline refresh of a key server enforced before the request closes.

use crate::common::*;
use crate::inventory::{class, classify, inventory};
use adam_core::process::{Duty, DutyKind};
use adam_core::register::integrity::{FileEntry, Manifest};
use adam_core::register::inventory::ItemKind;
use adam_core::register::risk::RiskFields;
use adam_core::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

pub(crate) fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

pub(crate) fn decide(case: CaseId, step: &str, outcome: &str, fields: Value) -> Command {
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
pub(crate) fn approved_change(w: &mut World, system: ItemId, custodian: UserId, lead: UserId) -> CaseId {
    approved_change_with(w, system, custodian, lead, json!({}))
}

/// [`approved_change`], with `settled` (what the consents rely on: "major", "substantial",
/// …) given at its preparation.
pub(crate) fn approved_change_with(
    w: &mut World,
    system: ItemId,
    custodian: UserId,
    lead: UserId,
    settled: serde_json::Value,
) -> CaseId {
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
        decide(case, "prepare", "submit", {
            let mut fields = json!({"security_impact": "Nizek.", "production_conditions": "Takoj.", "rollback_plan": "Vrnitev vloge.", "notified_at": "2026-03-01", "notified_entities": "Uporabniki aplikacije."});
            if let (Some(f), Some(extra)) = (fields.as_object_mut(), settled.as_object()) {
                f.extend(extra.clone());
            }
            fields
        }),
    );
    run_as(w, &custodian, consent(case, "custodian"));
    run_as(w, &lead, consent(case, "security_lead"));
    run_as(w, &lead, decide(case, "consent", "approve", json!({})));
    assert_eq!(w.case(case).unwrap().current.as_str(), "implement");
    case
}

/// The application role's level on every object of its application (its contents).
fn update_role(w: &World, role: RoleId, level: Option<Level>, change: Option<CaseId>) -> Command {
    let r = w.role(role).unwrap();
    Command::UpdateRole {
        role,
        description: r.description.clone(),
        object_level: level,
        members: r.members.clone(),
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
    let glpi = w.role_by_code("VOPI/GLPI").unwrap();

    // Off (the default): nothing is asked.
    assert!(!w.settings().governed_changes);
    run_as(w, &Actor::System, update_role(w, write, Some(Level::View12), None));
    // Switching it on needs no request: nothing governs yet.
    run_as(w, &Actor::System, settings(w, true, None));

    // The VPP application lives in a Z3 system: its role's contents need a request ...
    let e = refused(w, Actor::System, update_role(w, write, None, None));
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
    run_as(w, &Actor::System, update_role(w, glpi, Some(Level::View12), None));

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
    let e = refused(w, Actor::System, update_role(w, write, None, Some(early)));
    assert_eq!(e.code(), "change-not-approved");
    // An approved request about another system does not authorise this one.
    let other = approved_change(w, archive_sys, cene, lead);
    let e = refused(w, Actor::System, update_role(w, write, None, Some(other)));
    assert_eq!(e.code(), "change-for-other-system");
    assert!(e.to_string().contains("VPP-SYS"), "{e}");
    // An approved request about the VPP system does.
    let change = approved_change(w, vpp_sys, ana, lead);
    run_as(w, &Actor::System, update_role(w, write, None, Some(change)));
    assert_eq!(w.role(write).unwrap().object_level, None);

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
        decide(
            change,
            "implement",
            "done",
            json!({"implementation_record": "Izvedeno."}),
        ),
    );
    let e = refused(
        w,
        Actor::System,
        update_role(w, write, Some(Level::View12), Some(change)),
    );
    assert_eq!(e.code(), "change-not-approved");
    run_as(w, &Actor::System, settings(w, false, Some(other)));
    assert!(!w.settings().governed_changes);
    run_as(w, &Actor::System, update_role(w, write, Some(Level::View12), None));
}

fn manifest(content: u8) -> Manifest {
    let entry = FileEntry::new(
        "etc/hosts".to_owned(),
        &format!("{content:02x}").repeat(32),
        10,
        0o644,
        "0:0".to_owned(),
    )
    .unwrap();
    Manifest::new(vec![entry]).unwrap()
}

fn baseline(w: &mut World, lead: UserId, server: ItemId, taken_at: Option<Timestamp>, content: u8) {
    let plan = run_as(
        w,
        &Actor::user(lead),
        Command::SubmitBaseline {
            server,
            manifest: manifest(content),
            taken_at,
        },
    );
    let Some(Created::Baseline(id)) = plan.created else {
        panic!("no baseline")
    };
    run_as(
        w,
        &Actor::user(lead),
        Command::ApproveBaseline {
            baseline: id,
            change: Some(text("CR")),
        },
    );
}

fn kinds(duties: &[Duty]) -> Vec<(DutyKind, bool)> {
    duties.iter().map(|d| (d.duty, d.met)).collect()
}

#[test]
fn a_change_on_a_key_server_closes_only_after_its_baseline_is_refreshed() {
    let mut inv = inventory();
    let (lead, ana) = (inv.lead, inv.town.ana);
    let w = &mut inv.town.w;
    let mut f = crate::inventory::fields("MAIL-SRV", ana);
    f.key_server = true;
    let Some(Created::Item(server)) = run_as(
        w,
        &Actor::user(lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: f,
        },
    )
    .created
    else {
        panic!("no server")
    };
    // The baseline from before the change.
    baseline(w, lead, server, Some(t("2026-02-01T08:00:00Z")), 1);
    let case = approved_change_with(w, server, ana, lead, json!({"substantial": true}));
    // Before the implementation nothing is met.
    let c = w.case(case).unwrap().clone();
    assert_eq!(
        kinds(&w.change_duties(&c)),
        vec![(DutyKind::BaselineRefresh, false), (DutyKind::RiskReassessment, false)]
    );
    run_as(
        w,
        &Actor::user(ana),
        decide(
            case,
            "implement",
            "done",
            json!({"implementation_record": "Nameščen popravek."}),
        ),
    );
    // The old baseline does not refresh anything: the request is not closed.
    let close = decide(
        case,
        "verify",
        "close",
        json!({"verification": "Preverjeno.", "cia_not_lowered": true}),
    );
    let e = refused(w, Actor::user(ana), close.clone());
    assert_eq!(e.code(), "baseline-not-refreshed");
    assert!(
        e.to_string().contains("MAIL-SRV") && e.to_string().contains("50(4)"),
        "{e}"
    );
    assert!(e.message(lang::Lang::Sl).contains("izhodišče celovitosti"), "{e}");
    // A new baseline, approved, taken after the implementation: met.
    baseline(w, lead, server, None, 2);
    let c = w.case(case).unwrap().clone();
    assert_eq!(
        kinds(&w.change_duties(&c)),
        vec![(DutyKind::BaselineRefresh, true), (DutyKind::RiskReassessment, false)]
    );
    // The risk reassessment asked by a substantial change is met by an assessment of that day.
    run_as(
        w,
        &Actor::user(lead),
        Command::RecordRiskAssessment {
            fields: RiskFields {
                date: calendar::LocalDate::of(t(NOW)),
                scope: text("MAIL-SRV"),
                methodology: None,
                findings: text("Ni novih tveganj."),
                treatment: text("Brez."),
                accepted_residual: None,
                approver: None,
                trigger: Some(text("Sprememba")),
                next_due: None,
            },
        },
    );
    let c = w.case(case).unwrap().clone();
    assert!(w.change_duties(&c).iter().all(|d| d.met));
    run_as(w, &Actor::user(ana), close);
    assert_eq!(w.case(case).unwrap().state, process::CaseState::Closed);

    // A major change asks for a continuity review, which stays open until the continuity
    // register records one; a change to an ordinary system asks no baseline.
    let plain = inv.vpp_sys;
    let w = &mut inv.town.w;
    let major = approved_change_with(w, plain, ana, lead, json!({"major": true}));
    let c = w.case(major).unwrap().clone();
    assert_eq!(kinds(&w.change_duties(&c)), vec![(DutyKind::ContinuityReview, false)]);
}

/// Art. 51(1), when the organisation requires it (`custodian_requests`): a right to a system's
/// application is granted by its custodian or on her written request — a grant (or a change of
/// its window) by anyone else names the request's reference, or is refused naming the system;
/// a revocation never waits for one, and a role of an application in no system is not held.
#[test]
fn a_right_to_a_systems_application_is_granted_by_its_custodian_or_on_her_request() {
    let mut inv = inventory();
    let (ana, cene) = (inv.town.ana, inv.town.cene);
    let w = &mut inv.town.w;
    let write = w.role_by_code("VPP.write").unwrap();
    let glpi = w.role_by_code("VOPI/GLPI").unwrap();
    let grant = |role: RoleId, reference: Option<&str>| Command::Grant {
        role,
        grantee: Grantee::User(cene),
        window: Window::ALWAYS,
        scope: None,
        reference: reference.map(text),
    };
    // Off (the default): nothing asked.
    assert!(!w.settings().custodian_requests);
    let first = match run_as(w, &Actor::System, grant(write, None)).created {
        Some(Created::Grant(g)) => g,
        other => panic!("{other:?}"),
    };
    let mut settings = w.settings().clone();
    settings.custodian_requests = true;
    run_as(w, &Actor::System, Command::SetSettings { settings, change: None });

    // On: someone other than the custodian names her request ...
    let e = refused(w, Actor::System, grant(write, None));
    assert_eq!(e.code(), "custodian-request-missing");
    assert!(
        e.to_string().contains("VPP-SYS") && e.to_string().contains("51(1)"),
        "{e}"
    );
    assert!(e.message(lang::Lang::Sl).contains("pisno zahtevo"), "{e}");
    let e = refused(
        w,
        Actor::System,
        Command::UpdateGrant {
            grant: first,
            window: Window::ALWAYS,
            reference: None,
        },
    );
    assert_eq!(e.code(), "custodian-request-missing");
    run_as(
        w,
        &Actor::System,
        Command::Grant {
            role: write,
            grantee: Grantee::User(inv.town.dora),
            window: Window::ALWAYS,
            scope: None,
            reference: Some(text("ZAH-2026-14")),
        },
    );
    // ... the custodian herself (a user administrator too) does not need to ...
    let user_admin = w.role_by_code("adam.user_admin").unwrap();
    crate::common::grant(w, user_admin, Grantee::User(ana));
    let mine = Command::Grant {
        role: write,
        grantee: Grantee::Job(inv.town.cene_job),
        window: Window::ALWAYS,
        scope: None,
        reference: None,
    };
    run_as(w, &Actor::user(ana), mine);
    // ... nor does a role of an application in no system, nor a revocation.
    run_as(w, &Actor::System, grant(glpi, None));
    run_as(w, &Actor::System, Command::Revoke { grant: first });
}
