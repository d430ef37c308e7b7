//! The shipped `dro-hosting` process (seed 000, issue #17) walked deterministically: a first
//! installation from the order to production; a new version entering again at the
//! development order (1.1.1.18); every failure loop of the seed; the penetration-test waiver
//! by SIV, valid for its version only; an exceptional system escalated to the technical board;
//! a transition rolled back. The Decree's guards (Art. 7, 14(3), 23, 29(5), 47(3)) and the
//! role rules, refused with the world unchanged, are in `hosting_guards.rs` (on this town).

use crate::common::*;
use adam_core::attachment::{AttachmentRef, Digest};
use adam_core::process::{self, CaseState};
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(crate) fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

pub(crate) fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

pub(crate) fn doc(kind: &str) -> AttachmentRef {
    AttachmentRef {
        sha256: Digest::parse("sha256", &format!("{:0>64}", kind.len())).unwrap(),
        name: text(&format!("{kind}.pdf")),
        size: 1000,
        media_type: Some(text("application/pdf")),
        doc_type: Some(code(kind)),
    }
}

/// The town with the information system the solution runs on (custodian Ana, operator Bojan)
/// and one person bound to every role of the seed.
pub(crate) struct Hosting {
    pub(crate) town: Town,
    pub(crate) system: ItemId,
}

pub(crate) fn hosting() -> Hosting {
    let mut town = town();
    let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    grant(&mut town.w, lead_role, Grantee::User(town.leon));
    let fields = ItemFields {
        code: code("OPSI-SYS"),
        name: text("Sistem OPSI"),
        description: None,
        custodian: town.ana,
        operators: vec![Operator::User(town.bojan)],
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
    };
    let system = match run_as(
        &mut town.w,
        &Actor::user(town.leon),
        Command::CreateItem {
            kind: ItemKind::System,
            fields,
        },
    )
    .created
    {
        Some(Created::Item(i)) => i,
        other => panic!("{other:?}"),
    };
    Hosting { town, system }
}

impl Hosting {
    /// The case's fields binding the seed's roles to the town's people: customer Ana (also the
    /// system's custodian), developer Dora, SIV and the board Leon, SOC Helena, coordination and
    /// the working group Cene, lead deployment engineer Gregor, infrastructure manager and EKC
    /// Bojan, system support Uroš, its unit head Leon.
    pub(crate) fn roles(&self, first: bool, version: &str) -> Value {
        let t = &self.town;
        json!({
            "solution": "OPSI", "solution_version": version, "system": self.system.0,
            "first_installation": first,
            "customer": t.ana.0, "developer": t.dora.0, "siv": t.leon.0, "soc": t.helena.0,
            "coordinator": t.cene.0, "deployment_engineer": t.gregor.0,
            "infrastructure_manager": t.bojan.0, "system_support": t.uros.0,
            "support_head": t.bojan.0, "operational_wg": t.cene.0, "technical_board": t.leon.0,
            "ekc": t.bojan.0, "registry_custodian": t.gregor.0
        })
    }

    pub(crate) fn start(&mut self, first: bool, version: &str) -> CaseId {
        let fields = self.roles(first, version);
        let cene = Actor::user(self.town.cene);
        match run_as(
            &mut self.town.w,
            &cene,
            Command::StartCase {
                process: code(process::DRO_HOSTING),
                title: text(&format!("OPSI {version}")),
                fields: map(fields),
                attachments: vec![],
            },
        )
        .created
        {
            Some(Created::Case(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn performer(&self, case: CaseId) -> Actor {
        let c = self.town.w.case(case).unwrap();
        let people = self.town.w.performers(c, t(NOW));
        Actor::user(
            *people
                .first()
                .unwrap_or_else(|| panic!("nobody performs {}", c.current)),
        )
    }

    fn command(case: CaseId, step: &str, outcome: &str, fields: Value, docs: &[&str]) -> Command {
        Command::DecideStep {
            case,
            step: code(step),
            outcome: code(outcome),
            comment: None,
            fields: map(fields),
            attachments: docs.iter().map(|d| doc(d)).collect(),
        }
    }

    /// Decides the current step as its performer.
    pub(crate) fn go(&mut self, case: CaseId, step: &str, outcome: &str, fields: Value, docs: &[&str]) {
        let at = self.town.w.case(case).unwrap().current.to_string();
        assert_eq!(at, step, "the case is at {at}, not {step}");
        let actor = self.performer(case);
        run_as(
            &mut self.town.w,
            &actor,
            Self::command(case, step, outcome, fields, docs),
        );
    }

    /// The refusal's code of deciding the current step as its performer.
    pub(crate) fn refuse(&self, case: CaseId, step: &str, outcome: &str, fields: Value, docs: &[&str]) -> Error {
        let actor = self.performer(case);
        refused(&self.town.w, actor, Self::command(case, step, outcome, fields, docs))
    }

    pub(crate) fn consent(&mut self, case: CaseId, role: &str, who: UserId) {
        run_as(
            &mut self.town.w,
            &Actor::user(who),
            Command::ConsentCase {
                case,
                role: code(role),
                comment: Some(text("Soglašam.")),
            },
        );
    }

    pub(crate) fn at(&self, case: CaseId) -> String {
        self.town.w.case(case).unwrap().current.to_string()
    }

    /// From the order (1.1.1.10) to the development order (1.1.1.18) of a first installation
    /// without a PZI.
    pub(crate) fn onboard(&mut self, case: CaseId) {
        self.go(case, "entry", "order", json!({}), &[]);
        self.go(case, "1.1.1.10", "done", json!({}), &["order"]);
        self.go(
            case,
            "1.1.1.11",
            "done",
            json!({"has_pzi": false}),
            &["application_profile", "address_table", "minimum_documentation"],
        );
        self.go(case, "1.1.1.12", "adequate", json!({}), &[]);
        let bojan = self.town.bojan;
        self.consent(case, "infrastructure_manager", bojan);
        self.go(
            case,
            "1.1.1.14",
            "done",
            json!({"codename": "OPSI"}),
            &["physical_plan_test"],
        );
        self.go(
            case,
            "1.1.1.15",
            "done",
            json!({"svn_repository": "svn://dro/opsi"}),
            &["repository_application"],
        );
        self.go(case, "1.1.1.16", "decided", json!({"ekc_support": "none"}), &[]);
        self.consent(case, "infrastructure_manager", bojan);
        self.go(
            case,
            "1.1.1.23",
            "done",
            json!({"test_address": "opsi-test.dro.gov.si"}),
            &[],
        );
    }

    /// From the development order (1.1.1.18) to a passed code review (1.1.1.24).
    pub(crate) fn develop(&mut self, case: CaseId) {
        self.go(case, "1.1.1.18", "done", json!({}), &[]);
        self.go(
            case,
            "1.1.1.19",
            "done",
            json!({"request_kind": "initial"}),
            &["development_request"],
        );
        self.build_and_review(case);
    }

    pub(crate) fn build_and_review(&mut self, case: CaseId) {
        self.go(case, "1.1.1.20", "done", json!({}), &[]);
        self.go(case, "1.1.1.21", "done", json!({}), &["installation_instructions"]);
        self.go(case, "1.1.1.22", "done", json!({}), &["code_review_report"]);
        self.go(case, "1.1.1.25", "pass", json!({}), &[]);
    }

    /// A sub-process §1.2 or §1.3 passed at the first try.
    pub(crate) fn environment(&mut self, case: CaseId, p: &str) {
        for (s, o) in [
            ("1", "done"),
            ("2", "done"),
            ("3", "done"),
            ("4", "ok"),
            ("5", "done"),
            ("6", "ok"),
            ("8", "done"),
        ] {
            self.go(case, &format!("{p}.{s}"), o, json!({}), &[]);
        }
    }

    /// From the test installation (1.1.1.24) to the penetration test (1.1.1.35).
    pub(crate) fn test_and_install(&mut self, case: CaseId) {
        self.go(case, "1.1.1.24", "done", json!({}), &[]);
        self.environment(case, "1.2.1");
        self.go(case, "1.1.1.27", "done", json!({}), &["test_plan"]);
        self.go(case, "1.1.1.28", "pass", json!({}), &[]);
        self.go(case, "1.1.1.29", "done", json!({}), &["production_request"]);
        self.go(
            case,
            "1.1.1.31",
            "done",
            json!({"production_address": "opsi.gov.si", "environments_separate": true}),
            &["physical_plan_production"],
        );
        self.environment(case, "1.3.1");
        self.go(case, "1.1.1.33", "done", json!({}), &[]);
        self.go(
            case,
            "1.1.1.34",
            "pass",
            json!({}),
            &["user_manuals", "functional_test_report"],
        );
    }

    /// The information-security lead's written consent at the micro plan (1.1.1.45): each
    /// version is a change under Art. 22(3); a case opened outside the registry has no change
    /// request of its own, so the lead consents on the case (definition version 4).
    pub(crate) fn lead_consents_45(&mut self, case: CaseId) {
        let leon = self.town.leon;
        self.consent(case, "security_lead", leon);
    }

    /// From the transition request (1.1.1.43) to production.
    pub(crate) fn transition(&mut self, case: CaseId, first: bool) {
        self.go(
            case,
            "1.1.1.43",
            "done",
            json!({}),
            &["ovsp_form", "operating_instructions", "backup_instructions"],
        );
        self.consents_45(case);
        let docs: &[&str] = if first {
            &["micro_plan", "security_assessment"]
        } else {
            &["micro_plan"]
        };
        self.go(
            case,
            "1.1.1.45",
            "done",
            json!({"rollback_plan": "Vrnitev prejšnje različice iz SVN.", "transition_date": "15. 4. 2026"}),
            docs,
        );
        self.go(case, "1.1.1.46", "success", json!({}), &["ovsp_completed"]);
        self.go(case, "1.1.1.47", "done", json!({"notified_at": "16. 4. 2026"}), &[]);
    }

    /// The version's Art. 22 change request (opened with it by the registry) prepared by the
    /// custodian and approved with the custodian's and the security lead's written consents;
    /// nothing for a case opened outside the registry or a change approved already.
    pub(crate) fn approve_change(&mut self, case: CaseId) {
        let Some(change) = self.town.w.version_change_of(case) else {
            return;
        };
        if self.town.w.change_approved(change) {
            return;
        }
        self.go(
            change,
            "prepare",
            "submit",
            json!({"security_impact": "Nova različica; varnostne kontrole ostanejo.",
                   "production_conditions": "Ob oknu vzdrževanja, dogovor s sistemsko podporo."}),
            &[],
        );
        let (ana, leon) = (self.town.ana, self.town.leon);
        self.consent(change, "custodian", ana);
        self.consent(change, "security_lead", leon);
        self.go(change, "consent", "approve", json!({}), &[]);
    }

    pub(crate) fn consents_45(&mut self, case: CaseId) {
        self.approve_change(case);
        let (uros, bojan, ana) = (self.town.uros, self.town.bojan, self.town.ana);
        self.consent(case, "system_support", uros);
        self.consent(case, "support_head", bojan);
        self.consent(case, "custodian", ana);
        self.lead_consents_45(case);
    }
}

#[test]
fn a_first_installation_walks_from_the_order_to_production() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    assert_eq!(h.at(case), "entry");
    // A first installation cannot enter as a new version.
    let e = h.refuse(case, "entry", "new_version", json!({}), &[]);
    assert_eq!(e.code(), "guards-unmet");
    h.onboard(case);
    h.develop(case);
    h.test_and_install(case);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    h.transition(case, true);
    let c = h.town.w.case(case).unwrap();
    assert_eq!(c.state, CaseState::Closed);
    assert_eq!(c.current.as_str(), "1.1.1.48");
    // Every decision is kept with who took it; the path is the seed's order of steps.
    let path = c.path();
    let pos = |s: &str| path.iter().position(|p| *p == s).unwrap();
    assert!(pos("1.1.1.23") < pos("1.1.1.18"));
    assert!(pos("1.1.1.25") < pos("1.1.1.24"));
    assert!(pos("1.2.1.8") < pos("1.1.1.27"));
    assert!(pos("1.3.1.8") < pos("1.1.1.33"));
    assert!(pos("1.1.1.35") < pos("1.1.1.43"));
    assert!(c.history.iter().all(|t| t.by.is_some()));
    assert_eq!(
        c.history.iter().find(|t| t.step.as_str() == "1.1.1.35").unwrap().by,
        Some(h.town.helena),
        "SOC performs the penetration test"
    );
}

#[test]
fn a_new_version_enters_again_at_the_development_order() {
    let mut h = hosting();
    let case = h.start(false, "1.1");
    // A new version skips the onboarding: the tender, the order and the repository are refused.
    for entry in ["tender", "pzi", "order"] {
        let e = h.refuse(case, "entry", entry, json!({}), &[]);
        assert_eq!(e.code(), "guards-unmet", "{entry}");
    }
    h.go(case, "entry", "new_version", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.18");
    h.go(case, "1.1.1.18", "done", json!({}), &[]);
    h.go(
        case,
        "1.1.1.19",
        "done",
        json!({"request_kind": "new_functionality"}),
        &["development_request"],
    );
    h.build_and_review(case);
    h.test_and_install(case);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    // Not a first production transfer: no independent assessment is asked for (Art. 23(1)).
    h.transition(case, false);
    let c = h.town.w.case(case).unwrap();
    assert_eq!(c.state, CaseState::Closed);
    assert!(!c.path().contains(&"1.1.1.10") && !c.path().contains(&"1.1.1.23"));
}

#[test]
fn every_failure_loops_back_where_the_seed_says() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    // Documentation inadequate → the customer completes it → reviewed again.
    h.go(case, "entry", "order", json!({}), &[]);
    h.go(case, "1.1.1.10", "done", json!({}), &["order"]);
    // No PZI: the minimum documentation of GTZ is required.
    let e = h.refuse(
        case,
        "1.1.1.11",
        "done",
        json!({"has_pzi": false}),
        &["application_profile", "address_table"],
    );
    assert_eq!(e.code(), "guards-unmet");
    assert!(e.to_string().contains("minimum_documentation"), "{e}");
    h.go(
        case,
        "1.1.1.11",
        "done",
        json!({"has_pzi": false}),
        &["application_profile", "address_table", "minimum_documentation"],
    );
    h.go(case, "1.1.1.12", "inadequate", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.13");
    h.go(case, "1.1.1.13", "done", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.12");
    h.go(case, "1.1.1.12", "adequate", json!({}), &[]);
    let bojan = h.town.bojan;
    h.consent(case, "infrastructure_manager", bojan);
    h.go(
        case,
        "1.1.1.14",
        "done",
        json!({"codename": "OPSI"}),
        &["physical_plan_test"],
    );
    h.go(
        case,
        "1.1.1.15",
        "done",
        json!({"svn_repository": "svn://dro/opsi"}),
        &["repository_application"],
    );
    h.go(case, "1.1.1.16", "decided", json!({"ekc_support": "none"}), &[]);
    h.consent(case, "infrastructure_manager", bojan);
    h.go(case, "1.1.1.23", "done", json!({"test_address": "opsi-test"}), &[]);
    // SOC review failed → notice → development.
    h.go(case, "1.1.1.18", "done", json!({}), &[]);
    h.go(
        case,
        "1.1.1.19",
        "done",
        json!({"request_kind": "initial"}),
        &["development_request"],
    );
    h.go(case, "1.1.1.20", "done", json!({}), &[]);
    h.go(case, "1.1.1.21", "done", json!({}), &["installation_instructions"]);
    h.go(case, "1.1.1.22", "done", json!({}), &["code_review_report"]);
    h.go(case, "1.1.1.25", "fail", json!({}), &[]);
    h.go(case, "1.1.1.26", "done", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.20");
    h.build_and_review(case);
    // System test failed → diagnosis → the installation again; the developers' test failed →
    // diagnosis → the code again (new deposit, new SOC review).
    h.go(case, "1.1.1.24", "done", json!({}), &[]);
    h.go(case, "1.2.1.1", "done", json!({}), &[]);
    h.go(case, "1.2.1.2", "done", json!({}), &[]);
    h.go(case, "1.2.1.3", "done", json!({}), &[]);
    h.go(case, "1.2.1.4", "fail", json!({}), &[]);
    h.go(case, "1.2.1.7", "fix_installation", json!({}), &[]);
    assert_eq!(h.at(case), "1.2.1.2");
    h.go(case, "1.2.1.2", "done", json!({}), &[]);
    h.go(case, "1.2.1.3", "done", json!({}), &[]);
    h.go(case, "1.2.1.4", "ok", json!({}), &[]);
    h.go(case, "1.2.1.5", "done", json!({}), &[]);
    h.go(case, "1.2.1.6", "fail", json!({}), &[]);
    h.go(case, "1.2.1.7", "fix_code", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.21");
    h.go(case, "1.1.1.21", "done", json!({}), &[]);
    h.go(case, "1.1.1.22", "done", json!({}), &[]);
    h.go(case, "1.1.1.25", "pass", json!({}), &[]);
    h.go(case, "1.1.1.24", "done", json!({}), &[]);
    h.environment(case, "1.2.1");
    // Acceptance test (T) failed → a fix request with the results → 1.1.1.19.
    h.go(case, "1.1.1.27", "done", json!({}), &["test_plan"]);
    let e = h.refuse(case, "1.1.1.28", "fail", json!({}), &[]);
    assert!(e.to_string().contains("test_results"), "{e}");
    h.go(case, "1.1.1.28", "fail", json!({}), &["test_results"]);
    assert_eq!(h.at(case), "1.1.1.19");
    h.go(case, "1.1.1.19", "done", json!({"request_kind": "failed_test"}), &[]);
    h.build_and_review(case);
    // Acceptance test (P) failed → fix order (P) → development.
    h.test_and_install_from_24(case);
    h.go(case, "1.1.1.34", "fail", json!({}), &[]);
    h.go(case, "1.1.1.36", "done", json!({}), &["fix_request"]);
    assert_eq!(h.at(case), "1.1.1.20");
    h.build_and_review(case);
    h.test_and_install_from_24(case);
    h.go(
        case,
        "1.1.1.34",
        "pass",
        json!({}),
        &["user_manuals", "functional_test_report"],
    );
    // Penetration test failed → fix order.
    h.go(case, "1.1.1.35", "fail", json!({}), &["pen_test_report"]);
    assert_eq!(h.at(case), "1.1.1.36");
    h.go(case, "1.1.1.36", "done", json!({}), &[]);
    h.build_and_review(case);
    h.test_and_install_from_24(case);
    h.go(case, "1.1.1.34", "pass", json!({}), &[]);
    h.go(case, "1.1.1.35", "pass", json!({}), &[]);
    // Load tests failed → the customer is told → a new development request.
    h.go(case, "1.1.1.37", "yes", json!({}), &[]);
    h.go(case, "1.1.1.39", "done", json!({}), &["load_test_request"]);
    h.go(case, "1.1.1.40", "done", json!({}), &["load_test_plan"]);
    h.go(case, "1.1.1.41", "fail", json!({}), &["system_test_results"]);
    h.go(case, "1.1.1.42", "done", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.19");
    h.go(
        case,
        "1.1.1.19",
        "done",
        json!({"request_kind": "failed_load_test"}),
        &[],
    );
    h.build_and_review(case);
    h.test_and_install_from_24(case);
    h.go(case, "1.1.1.34", "pass", json!({}), &[]);
    h.go(case, "1.1.1.35", "pass", json!({}), &[]);
    h.go(case, "1.1.1.37", "yes", json!({}), &[]);
    h.go(case, "1.1.1.39", "done", json!({}), &[]);
    h.go(case, "1.1.1.40", "done", json!({}), &[]);
    h.go(case, "1.1.1.41", "pass", json!({}), &[]);
    h.transition(case, true);
    assert_eq!(h.town.w.case(case).unwrap().state, CaseState::Closed);
}

impl Hosting {
    /// 1.1.1.24 to the production acceptance decision 1.1.1.34 (documents already attached).
    pub(crate) fn test_and_install_from_24(&mut self, case: CaseId) {
        self.go(case, "1.1.1.24", "done", json!({}), &[]);
        self.environment(case, "1.2.1");
        self.go(case, "1.1.1.27", "done", json!({}), &[]);
        self.go(case, "1.1.1.28", "pass", json!({}), &[]);
        self.go(case, "1.1.1.29", "done", json!({}), &["production_request"]);
        self.go(
            case,
            "1.1.1.31",
            "done",
            json!({"production_address": "opsi.gov.si", "environments_separate": true}),
            &["physical_plan_production"],
        );
        self.environment(case, "1.3.1");
        self.go(case, "1.1.1.33", "done", json!({}), &[]);
    }

    pub(crate) fn walk_to_pen_test(&mut self, case: CaseId, first: bool) {
        if first {
            self.onboard(case);
            self.develop(case);
        } else {
            self.go(case, "entry", "new_version", json!({}), &[]);
            self.develop(case);
        }
        self.test_and_install(case);
        assert_eq!(self.at(case), "1.1.1.35");
    }
}

#[test]
fn siv_waives_the_penetration_test_for_one_version_only() {
    let mut h = hosting();
    let v1 = h.start(true, "1.0");
    h.walk_to_pen_test(v1, true);
    // SOC alone cannot waive; SIV's decision and consent are both needed.
    let e = h.refuse(
        v1,
        "1.1.1.35",
        "waived",
        json!({"pen_test_waiver": "Manjša sprememba."}),
        &[],
    );
    assert_eq!(e.code(), "guards-unmet");
    assert!(e.to_string().contains("siv"), "{e}");
    // Only SIV consents as SIV.
    let e = refused(
        &h.town.w,
        Actor::user(h.town.helena),
        Command::ConsentCase {
            case: v1,
            role: code("siv"),
            comment: None,
        },
    );
    assert_eq!(e.code(), "not-role-holder");
    let leon = h.town.leon;
    h.consent(v1, "siv", leon);
    h.go(
        v1,
        "1.1.1.35",
        "waived",
        json!({"pen_test_waiver": "Statična vsebina, brez obrazcev."}),
        &[],
    );
    let c = h.town.w.case(v1).unwrap();
    let waiver = c.consents.iter().find(|c| c.role.as_str() == "siv").unwrap();
    assert_eq!(
        (waiver.by, waiver.step.as_str()),
        (leon, "1.1.1.35"),
        "who decided is kept"
    );
    assert_eq!(c.current.as_str(), "1.1.1.37");
    // The next version is a new case: the waiver does not carry over.
    let v2 = h.start(false, "1.1");
    h.walk_to_pen_test(v2, false);
    let e = h.refuse(v2, "1.1.1.35", "waived", json!({"pen_test_waiver": "Kot prej."}), &[]);
    assert_eq!(e.code(), "guards-unmet");
    let e = h.refuse(v2, "1.1.1.35", "pass", json!({}), &[]);
    assert_eq!(e.code(), "guards-unmet", "v2 has no pen-test report yet");
    h.go(v2, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
}

#[test]
fn an_exceptional_system_is_escalated_to_the_technical_board() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.go(case, "entry", "tender", json!({}), &[]);
    h.go(case, "1.1.1.6", "done", json!({}), &[]);
    let criteria = json!({"exceptional_criteria": ["peaks", "media"]});
    // Exceptional criteria flagged: the tender cannot go on before the working group judges.
    let e = h.refuse(case, "1.1.1.7", "to_pzi", criteria.clone(), &["tender_documentation"]);
    assert_eq!(e.code(), "guards-unmet");
    h.go(case, "1.1.1.7", "exceptional", criteria, &["tender_documentation"]);
    assert_eq!(h.at(case), "owg");
    h.go(case, "owg", "critical", json!({"owg_judgement": "critical"}), &[]);
    // Back at 1.1.1.7 only after the board's resolution.
    let e = h.refuse(case, "board", "resolved", json!({}), &[]);
    assert_eq!(e.code(), "guards-unmet");
    h.go(
        case,
        "board",
        "resolved",
        json!({"board_decision": "Dodatni strokovnjak za vse faze razpisa.", "board_measure": "extra_expert"}),
        &[],
    );
    assert_eq!(h.at(case), "1.1.1.7");
    // Not escalated twice.
    let e = h.refuse(case, "1.1.1.7", "exceptional", json!({}), &[]);
    assert_eq!(e.code(), "guards-unmet");
    h.go(case, "1.1.1.7", "to_pzi", json!({}), &[]);
    h.go(case, "1.1.1.8", "done", json!({}), &[]);
    // The PZI step needs the infrastructure manager's confirmation of the logical scheme.
    let e = h.refuse(
        case,
        "1.1.1.9",
        "done",
        json!({"has_pzi": true}),
        &["pzi", "logical_scheme"],
    );
    assert!(e.to_string().contains("infrastructure_manager"), "{e}");
    let bojan = h.town.bojan;
    h.consent(case, "infrastructure_manager", bojan);
    h.go(
        case,
        "1.1.1.9",
        "done",
        json!({"has_pzi": true, "staging_in_pzi": false}),
        &["pzi", "logical_scheme"],
    );
    assert_eq!(h.at(case), "1.1.1.10");
    let c = h.town.w.case(case).unwrap();
    assert!(
        c.path()
            .starts_with(&["entry", "1.1.1.6", "1.1.1.7", "owg", "board", "1.1.1.7"])
    );
}

#[test]
fn a_failed_transition_is_rolled_back_and_planned_again() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.walk_to_pen_test(case, true);
    h.go(case, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(case, "1.1.1.37", "no", json!({}), &[]);
    h.transition_until_46(case);
    let e = h.refuse(case, "1.1.1.46", "rolled_back_replan", json!({}), &[]);
    assert!(e.to_string().contains("rollback_record"), "{e}");
    h.go(
        case,
        "1.1.1.46",
        "rolled_back_replan",
        json!({"rollback_record": "Baza se ni zagnala; vrnjena različica 0.9."}),
        &[],
    );
    assert_eq!(h.at(case), "1.1.1.45");
    // A new visit: the consents of the failed plan do not count again.
    let e = h.refuse(case, "1.1.1.45", "done", json!({}), &[]);
    assert_eq!(e.code(), "no-custodian-approval");
    h.consents_45(case);
    h.go(case, "1.1.1.45", "done", json!({"transition_date": "22. 4. 2026"}), &[]);
    h.go(case, "1.1.1.46", "success", json!({}), &["ovsp_completed"]);
    h.go(case, "1.1.1.47", "done", json!({"notified_at": "22. 4. 2026"}), &[]);
    assert_eq!(h.town.w.case(case).unwrap().state, CaseState::Closed);
}

impl Hosting {
    pub(crate) fn transition_until_46(&mut self, case: CaseId) {
        self.go(
            case,
            "1.1.1.43",
            "done",
            json!({}),
            &["ovsp_form", "operating_instructions", "backup_instructions"],
        );
        self.consents_45(case);
        self.go(
            case,
            "1.1.1.45",
            "done",
            json!({"rollback_plan": "Vrnitev prejšnje različice.", "transition_date": "15. 4. 2026"}),
            &["micro_plan", "security_assessment"],
        );
    }
}
