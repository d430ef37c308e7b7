//! The shipped `dro-hosting` process (seed 000, issue #17), its guards: the Decree's rules
//! for production (Art. 7, 14(3), 23, 29(5), 47(3)) refused with the world unchanged, an
//! assessor who is neither a developer nor an operator, and no role rebound on a running
//! case. The walks through the seed are in `hosting.rs`, whose town this uses.

use crate::common::*;
use crate::hosting::{code, hosting, map};
use adam_core::process;
use adam_core::*;
use serde_json::json;

#[test]
fn the_decree_guards_production_in_the_hosting_process() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.onboard(case);
    h.develop(case);
    h.go(case, "1.1.1.24", "done", json!({}), &[]);
    h.environment(case, "1.2.1");
    h.go(case, "1.1.1.27", "done", json!({}), &["test_plan"]);
    h.go(case, "1.1.1.28", "pass", json!({}), &[]);
    h.go(case, "1.1.1.29", "done", json!({}), &["production_request"]);
    // Art. 47(3): test and production separate.
    let e = h.refuse(
        case,
        "1.1.1.31",
        "done",
        json!({"production_address": "opsi.gov.si", "environments_separate": false}),
        &["physical_plan_production"],
    );
    assert_eq!(e.code(), "guards-unmet");
    // A staging environment only when the PZI foresees it.
    let e = h.refuse(
        case,
        "1.1.1.31",
        "done",
        json!({"production_address": "opsi.gov.si", "environments_separate": true, "staging_address": "opsi-uv"}),
        &["physical_plan_production"],
    );
    assert_eq!(e.code(), "guards-unmet");
    h.go(
        case,
        "1.1.1.31",
        "done",
        json!({"production_address": "opsi.gov.si", "environments_separate": true}),
        &["physical_plan_production"],
    );
    h.environment(case, "1.3.1");
    h.go(case, "1.1.1.33", "done", json!({}), &[]);
    // The penetration test needs the documentation and the functional-test report first.
    h.go(case, "1.1.1.34", "pass", json!({}), &[]);
    let e = h.refuse(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    assert!(e.to_string().contains("functional_test_report"), "{e}");
    h.go(
        case,
        "1.1.1.35",
        "pass",
        json!({}),
        &["pen_test_report", "user_manuals", "functional_test_report"],
    );
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    // Art. 14(3), 29(5): operating and backup instructions before production.
    let e = h.refuse(case, "1.1.1.43", "done", json!({}), &["ovsp_form"]);
    assert_eq!(e.code(), "instructions-missing");
    assert!(e.to_string().contains("14(3)"), "{e}");
    let e = h.refuse(
        case,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions"],
    );
    assert_eq!(e.code(), "instructions-missing");
    assert!(e.to_string().contains("29(5)"), "{e}");
    // EKC support chosen (the customer's decision may change until here): the agreement must
    // be signed before the transition (1.1.1.43, 1.1.1.16).
    let docs = ["ovsp_form", "operating_instructions", "backup_instructions"];
    let e = h.refuse(case, "1.1.1.43", "done", json!({"ekc_support": "technical"}), &docs);
    assert!(e.to_string().contains("ekc_agreement"), "{e}");
    h.go(
        case,
        "1.1.1.43",
        "done",
        json!({"ekc_support": "technical", "ekc_agreement_signed": "1. 4. 2026"}),
        &[
            "ovsp_form",
            "operating_instructions",
            "backup_instructions",
            "ekc_agreement",
        ],
    );
    // Art. 7: the custodian approves the transfer; Art. 23: an independent assessment before
    // the first transfer.
    let (uros, bojan) = (h.town.uros, h.town.bojan);
    h.consent(case, "system_support", uros);
    h.consent(case, "support_head", bojan);
    let fields = json!({"rollback_plan": "Vrnitev.", "transition_date": "15. 4. 2026"});
    let e = h.refuse(
        case,
        "1.1.1.45",
        "done",
        fields.clone(),
        &["micro_plan", "security_assessment"],
    );
    assert_eq!(e.code(), "no-custodian-approval");
    let ana = h.town.ana;
    h.consent(case, "custodian", ana);
    let e = h.refuse(case, "1.1.1.45", "done", fields.clone(), &["micro_plan"]);
    assert_eq!(e.code(), "no-independent-assessment");
    // Art. 22(3): each version is a change — a case with no change request of its own goes
    // on only with the security lead's written consent at the step before the transition.
    let e = h.refuse(
        case,
        "1.1.1.45",
        "done",
        fields.clone(),
        &["micro_plan", "security_assessment"],
    );
    assert_eq!(e.code(), "guards-unmet");
    assert!(e.to_string().contains("security_lead"), "{e}");
    h.lead_consents_45(case);
    h.go(case, "1.1.1.45", "done", fields, &["micro_plan", "security_assessment"]);
    assert_eq!(h.at(case), "1.1.1.46");
}

#[test]
fn the_assessor_must_not_be_a_developer_or_an_operator() {
    let mut h = hosting();
    // SOC bound to the developer herself: the assessment is not independent (Art. 23(2)).
    let mut fields = h.roles(true, "1.0");
    fields["soc"] = json!(h.town.dora.0);
    let cene = Actor::user(h.town.cene);
    let case = match run_as(
        &mut h.town.w,
        &cene,
        Command::StartCase {
            process: code(process::DRO_HOSTING),
            title: text("OPSI 1.0"),
            fields: map(fields),
            attachments: vec![],
        },
    )
    .created
    {
        Some(Created::Case(c)) => c,
        other => panic!("{other:?}"),
    };
    h.walk_to_pen_test(case, true);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    h.go(
        case,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    );
    h.consents_45(case);
    let e = h.refuse(
        case,
        "1.1.1.45",
        "done",
        json!({"rollback_plan": "Vrnitev.", "transition_date": "15. 4. 2026"}),
        &["micro_plan", "security_assessment"],
    );
    assert_eq!(e.code(), "guards-unmet");
    assert!(e.to_string().contains("different"), "{e}");
}

#[test]
fn nobody_rebinds_a_role_on_a_running_case() {
    let mut h = hosting();
    let v1 = h.start(true, "1.0");
    h.walk_to_pen_test(v1, true);
    // SOC performs the pen test; making herself SIV to waive it is refused.
    let helena = h.town.helena.0;
    let e = h.refuse(v1, "1.1.1.35", "waived", json!({"siv": helena}), &[]);
    assert_eq!(e.code(), "fixed-case-field");
    let e = h.refuse(
        v1,
        "1.1.1.35",
        "pass",
        json!({"first_installation": false}),
        &["pen_test_report"],
    );
    assert_eq!(e.code(), "fixed-case-field");
    // Giving the same value again is no change and is accepted.
    h.go(
        v1,
        "1.1.1.35",
        "pass",
        json!({"siv": h.town.leon.0}),
        &["pen_test_report"],
    );
}

/// Art. 22(3): each version is a change the system's custodian and the information-security
/// lead consent to — two different people. A custodian who is also the lead cannot carry both:
/// the transfer is refused at 1.1.1.45, naming the person and both roles.
#[test]
fn a_version_needs_the_lead_and_the_custodian_as_two_different_people() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.walk_to_pen_test(case, true);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    // The custodian (Ana) becomes a security lead too.
    let lead_role = h.town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    let ana = h.town.ana;
    grant(&mut h.town.w, lead_role, Grantee::User(ana));
    h.go(
        case,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    );
    h.consents_45(case);
    let e = h.refuse(
        case,
        "1.1.1.45",
        "done",
        json!({"rollback_plan": "Vrnitev.", "transition_date": "15. 4. 2026"}),
        &["micro_plan", "security_assessment"],
    );
    assert_eq!(e.code(), "guards-unmet", "{e}");
    assert!(
        e.to_string().contains("custodian") && e.to_string().contains("security_lead"),
        "{e}"
    );
}

/// Art. 23(2): the assessment before the first transfer is SOC's, so SOC must be connected with
/// neither the system's custody nor its operation: bound to the system's custodian (Ana) or to
/// one of its operators in the inventory (Bojan), the micro plan is refused naming the person,
/// the role and the system, in both languages; the independent SOC passes.
#[test]
fn soc_may_be_neither_the_custodian_nor_an_operator_of_the_system() {
    let (ana, bojan) = {
        let h = hosting();
        (h.town.ana, h.town.bojan)
    };
    for (soc, role) in [(ana, "custodian"), (bojan, "operator")] {
        let mut h = hosting();
        let mut fields = h.roles(true, "1.0");
        fields["soc"] = json!(soc.0);
        let cene = Actor::user(h.town.cene);
        let case = match run_as(
            &mut h.town.w,
            &cene,
            Command::StartCase {
                process: code(process::DRO_HOSTING),
                title: text("OPSI 1.0"),
                fields: map(fields),
                attachments: vec![],
            },
        )
        .created
        {
            Some(Created::Case(c)) => c,
            other => panic!("{other:?}"),
        };
        h.walk_to_pen_test(case, true);
        h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
        h.go(case, "1.1.1.37", "no", json!({}), &[]);
        h.go(
            case,
            "1.1.1.43",
            "done",
            json!({}),
            &["ovsp_form", "operating_instructions", "backup_instructions"],
        );
        h.consents_45(case);
        let plan = json!({"rollback_plan": "Vrnitev.", "transition_date": "15. 4. 2026"});
        let docs = ["micro_plan", "security_assessment"];
        let rev = h.town.w.revision();
        let e = h.refuse(case, "1.1.1.45", "done", plan.clone(), &docs);
        assert_eq!(e.code(), "assessor-not-independent", "{e}");
        assert!(e.to_string().contains(role) && e.to_string().contains("23(2)"), "{e}");
        let sl = e.message(adam_core::lang::Lang::Sl);
        assert!(sl.contains("23. člen (2)"), "{sl}");
        assert_eq!(h.town.w.revision(), rev);
    }
    // The town's own SOC (Helena) is neither: the first installation goes on.
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.walk_to_pen_test(case, true);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    h.transition(case, true);
    assert_eq!(h.at(case), "1.1.1.48");
}
