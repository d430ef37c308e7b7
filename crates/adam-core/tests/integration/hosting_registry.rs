//! The registry of information solutions (issue #17): a solution registered with the fields
//! of §2.8 and its refusals (codename, staging only with a PZI, the board only on an
//! exceptional system, Art. 41 public cloud by the linked system's classes, Art. 47(3)
//! separate environments); a version is a `dro-hosting` case with the solution's people bound
//! to the seed's roles, one in flight at a time, its history read from the case; the next
//! version enters at the development order.

use crate::common::*;
use crate::hosting::{Hosting, hosting};
use adam_core::process::{self, CaseState};
use adam_core::register::solution::*;
use adam_core::*;
use serde_json::json;

pub(crate) fn fields(h: &Hosting) -> SolutionFields {
    let t = &h.town;
    SolutionFields {
        codename: Codename::parse("opsi").unwrap(),
        name: text("Portal odprtih podatkov Slovenije"),
        description: None,
        customer_body: text("Ministrstvo za javno upravo"),
        contractor: Some(text("Razvijalec d.o.o.")),
        contract: Some(text("C-2026-17")),
        entry_route: EntryRoute::Order,
        exceptional: vec![],
        board_decision: None,
        technologies: Some(text("Java, PostgreSQL")),
        modules_hkom: Some(text("administracija")),
        modules_internet: Some(text("portal")),
        staging_in_pzi: false,
        test: Some(Environment {
            address: text("opsi-test.dro.gov.si"),
            certificates: vec![text("*.dro.gov.si")],
        }),
        staging: None,
        production: Some(Environment {
            address: text("podatki.gov.si"),
            certificates: vec![text("podatki.gov.si")],
        }),
        public_cloud: false,
        repository: Some(text("svn://dro/opsi")),
        ekc: EkcSupport::None,
        ekc_agreement_signed: None,
        user_groups: None,
        infrastructure_needs: None,
        gtz_deviations: None,
        building_blocks: None,
        nonstandard_workstations: None,
        logical_scheme: Default::default(),
        physical_plan_test: Default::default(),
        physical_plan_production: Default::default(),
        redmine_project: None,
        repository_access_granted: None,
        ekc_trained: None,
        ekc_help_contacts: None,
        system: Some(h.system),
        people: SolutionPeople {
            customer: Some(t.ana),
            developer: Some(t.dora),
            siv: Some(t.leon),
            soc: Some(t.helena),
            coordinator: Some(t.cene),
            deployment_engineer: Some(t.gregor),
            infrastructure_manager: Some(t.bojan),
            system_support: Some(t.uros),
            support_head: Some(t.bojan),
            operational_wg: Some(t.cene),
            technical_board: Some(t.leon),
            ekc: Some(t.bojan),
            registry_custodian: Some(t.gregor),
        },
        jobs: SolutionJobs::default(),
    }
}

pub(crate) fn register(h: &mut Hosting, f: SolutionFields) -> SolutionId {
    let lead = Actor::user(h.town.leon);
    match run_as(&mut h.town.w, &lead, Command::RegisterSolution { fields: f }).created {
        Some(Created::Solution(s)) => s,
        other => panic!("{other:?}"),
    }
}

fn open(h: &mut Hosting, s: SolutionId, version: &str) -> CaseId {
    let cene = Actor::user(h.town.cene);
    match run_as(
        &mut h.town.w,
        &cene,
        Command::OpenSolutionVersion {
            solution: s,
            version: text(version),
        },
    )
    .created
    {
        Some(Created::Case(c)) => c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_solution_is_registered_with_its_fields_and_refused_where_the_rules_say() {
    let mut h = hosting();
    let lead = Actor::user(h.town.leon);
    let reg = |f: SolutionFields| Command::RegisterSolution { fields: f };
    assert!(Codename::parse("o").is_err() && Codename::parse("1AB").is_err() && Codename::parse("E 2").is_err());
    // Not a register keeper: refused.
    let e = refused(&h.town.w, Actor::user(h.town.uros), reg(fields(&h)));
    assert_eq!(e.code(), "not-register-keeper");
    // A staging environment the PZI does not foresee.
    let mut f = fields(&h);
    f.staging = Some(Environment {
        address: text("opsi-uv.dro.gov.si"),
        certificates: vec![],
    });
    assert_eq!(refused(&h.town.w, lead, reg(f.clone())).code(), "staging-not-in-pzi");
    f.staging_in_pzi = true;
    // Art. 47(3): test and production at one address.
    let mut same = f.clone();
    same.production = Some(Environment {
        address: text("https://OPSI-test.dro.gov.si/"),
        certificates: vec![],
    });
    assert_eq!(refused(&h.town.w, lead, reg(same)).code(), "environments-not-separate");
    // The board decides only on an exceptional system.
    let mut board = f.clone();
    board.board_decision = Some(BoardDecision {
        date: adam_core::calendar::LocalDate::parse("date", "1. 3. 2026").unwrap(),
        decision: text("Dodatni strokovnjak."),
        extra_expert: true,
    });
    assert_eq!(
        refused(&h.town.w, lead, reg(board.clone())).code(),
        "board-without-criteria"
    );
    board.exceptional = vec![Exceptional::Peaks, Exceptional::Media];
    let s = register(&mut h, board);
    let kept = h.town.w.solution(s).unwrap();
    assert_eq!(kept.fields.codename.as_str(), "OPSI");
    assert!(kept.fields.board_decision.as_ref().unwrap().extra_expert);
    // A codename is unique.
    assert_eq!(refused(&h.town.w, lead, reg(fields(&h))).code(), "codename-taken");
}

#[test]
fn a_public_cloud_placement_is_judged_by_the_systems_classes() {
    let mut h = hosting();
    let lead = Actor::user(h.town.leon);
    let mut f = fields(&h);
    f.public_cloud = true;
    f.system = None;
    let cmd = |f: SolutionFields| Command::RegisterSolution { fields: f };
    assert_eq!(
        refused(&h.town.w, lead, cmd(f.clone())).code(),
        "solution-cloud-without-system"
    );
    f.system = Some(h.system);
    // The custodian classifies the system Z2: above Z1/C1/R1, refused (Art. 41(1)).
    let ana = Actor::user(h.town.ana);
    let class = |z, c, r| Classification {
        z: SecurityClass::new(z).unwrap(),
        c: SecurityClass::new(c).unwrap(),
        r: SecurityClass::new(r).unwrap(),
    };
    run_as(
        &mut h.town.w,
        &ana,
        Command::ClassifyItem {
            item: h.system,
            class: class(2, 1, 1),
            protection_level: None,
        },
    );
    let e = refused(&h.town.w, lead, cmd(f.clone()));
    assert_eq!(e.code(), "solution-public-cloud-class");
    assert!(e.to_string().contains("41"), "{e}");
    run_as(
        &mut h.town.w,
        &ana,
        Command::ClassifyItem {
            item: h.system,
            class: class(1, 1, 1),
            protection_level: None,
        },
    );
    register(&mut h, f);
}

#[test]
fn versions_are_hosting_cases_and_the_next_one_enters_at_the_development_order() {
    let mut h = hosting();
    let mut f = fields(&h);
    f.system = None;
    let s = register(&mut h, f);
    // Art. 7: no version before the solution names its system (whose custodian approves).
    let cene = Actor::user(h.town.cene);
    let open_cmd = |v: &str| Command::OpenSolutionVersion {
        solution: s,
        version: text(v),
    };
    assert_eq!(
        refused(&h.town.w, cene, open_cmd("1.0")).code(),
        "solution-without-system"
    );
    let f = fields(&h);
    run_as(&mut h.town.w, &cene, Command::UpdateSolution { solution: s, fields: f });
    let v1 = open(&mut h, s, "1.0");
    let c = h.town.w.case(v1).unwrap();
    assert_eq!(c.current.as_str(), "entry");
    assert_eq!(c.title.as_str(), "OPSI 1.0");
    // The solution's people are bound to the seed's roles on the case.
    assert_eq!(h.town.w.performers(c, t(NOW)), vec![h.town.cene]);
    // Art. 22: the version is a change of its system — a change request opened with it, for
    // the system, affecting functionality, its rollback plan the micro plan's, named on the case.
    let change = h.town.w.solution(s).unwrap().versions[0].change.unwrap();
    assert_eq!(h.town.w.version_change_of(v1), Some(change));
    let ch = h.town.w.case(change).unwrap();
    let field = |c: &process::Case, k: &str| c.fields.iter().find(|(x, _)| x.as_str() == k).map(|(_, v)| v.clone());
    assert_eq!(ch.process.as_str(), "change-request");
    assert_eq!(ch.current.as_str(), "prepare");
    assert_eq!(
        field(ch, "system"),
        Some(process::FieldValue::Int(i64::from(h.system.0)))
    );
    assert_eq!(field(ch, "affects_function"), Some(process::FieldValue::Bool(true)));
    assert!(
        matches!(field(ch, "rollback_plan"), Some(process::FieldValue::Text(t)) if t.contains("1.1.1.45")),
        "{:?}",
        ch.fields
    );
    assert_eq!(
        field(h.town.w.case(v1).unwrap(), "change_request"),
        Some(process::FieldValue::Int(i64::from(change.0)))
    );
    // The system's custodian prepares it.
    assert_eq!(h.town.w.performers(ch, t(NOW)), vec![h.town.ana]);
    // One version in flight at a time.
    assert_eq!(refused(&h.town.w, cene, open_cmd("1.1")).code(), "version-in-flight");
    h.walk_to_pen_test(v1, true);
    let leon = h.town.leon;
    h.consent(v1, "siv", leon);
    h.go(
        v1,
        "1.1.1.35",
        "waived",
        json!({"pen_test_waiver": "Brez obrazcev in prijave."}),
        &[],
    );
    h.go(v1, "1.1.1.37", "no", json!({}), &[]);
    h.transition(v1, true);
    // The version's history, read from its case.
    let facts = VersionFacts::of(h.town.w.case(v1).unwrap());
    assert!(facts.in_production && facts.closed);
    assert_eq!(facts.soc_review, Some(Verdict::Passed));
    assert_eq!(facts.acceptance_test, Some(Verdict::Passed));
    assert_eq!(facts.acceptance_production, Some(Verdict::Passed));
    assert_eq!(facts.pen_test, Some(Verdict::Waived));
    assert_eq!(facts.pen_test_waived_by, Some(leon));
    assert_eq!(facts.pen_test_waiver.as_deref(), Some("Brez obrazcev in prijave."));
    assert_eq!(facts.load_test, Some(Verdict::NotNeeded));
    assert!(facts.ovsp && facts.micro_plan);
    assert_eq!(facts.transition_date.as_deref(), Some("15. 4. 2026"));
    assert_eq!(facts.rollbacks, 0);
    // A label is never reused; the next version is not a first installation.
    assert_eq!(refused(&h.town.w, cene, open_cmd("1.0")).code(), "version-exists");
    let v2 = open(&mut h, s, "1.1");
    let sol = h.town.w.solution(s).unwrap();
    assert_eq!(sol.versions.len(), 2);
    assert!(sol.versions[0].first && !sol.versions[1].first);
    assert_eq!(h.town.w.solution_of_case(v2).map(|s| s.id), Some(s));
    h.walk_to_pen_test(v2, false);
    // The waiver of 1.0 does not hold for 1.1.
    let facts = VersionFacts::of(h.town.w.case(v2).unwrap());
    assert_eq!(facts.pen_test, None);
    assert_eq!(h.town.w.case(v2).unwrap().state, CaseState::Open);
}

#[test]
fn the_production_addresses_must_differ_from_the_test_ones() {
    let mut h = hosting();
    let f = fields(&h);
    let s = register(&mut h, f);
    let v1 = open(&mut h, s, "1.0");
    h.onboard(v1);
    h.develop(v1);
    h.go(v1, "1.1.1.24", "done", json!({}), &[]);
    h.environment(v1, "1.2.1");
    h.go(v1, "1.1.1.27", "done", json!({}), &["test_plan"]);
    h.go(v1, "1.1.1.28", "pass", json!({}), &[]);
    h.go(v1, "1.1.1.29", "done", json!({}), &["production_request"]);
    // The case's test address (1.1.1.23) reused for production: Art. 47(3).
    let e = h.refuse(
        v1,
        "1.1.1.31",
        "done",
        json!({"production_address": "opsi-test.dro.gov.si", "environments_separate": true}),
        &["physical_plan_production"],
    );
    assert_eq!(e.code(), "environments-not-separate");
}

/// Art. 22(3), 22(7): each version is a change. Its transition waits at the micro plan
/// (1.1.1.45, the step before the transition) until the version's change request is approved —
/// the custodian's and the security lead's written consents given on it; sent back for rework,
/// it asks again. Refused with its own type, in both languages, the world unchanged.
#[test]
fn the_transition_waits_for_the_approval_of_the_versions_change() {
    let mut h = hosting();
    let f = fields(&h);
    let s = register(&mut h, f);
    let v1 = open(&mut h, s, "1.0");
    let change = h.town.w.version_change_of(v1).unwrap();
    h.walk_to_pen_test(v1, true);
    h.go(v1, "1.1.1.35", "pass", json!({}), &["pen_test_report"]);
    h.go(v1, "1.1.1.37", "no", json!({}), &[]);
    h.go(
        v1,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    );
    let (uros, bojan, ana) = (h.town.uros, h.town.bojan, h.town.ana);
    h.consent(v1, "system_support", uros);
    h.consent(v1, "support_head", bojan);
    h.consent(v1, "custodian", ana);
    let plan = json!({"rollback_plan": "Vrnitev prejšnje različice iz SVN.", "transition_date": "15. 4. 2026"});
    let docs = ["micro_plan", "security_assessment"];
    let e = h.refuse(v1, "1.1.1.45", "done", plan.clone(), &docs);
    assert_eq!(e.code(), "version-change-not-approved");
    assert!(e.to_string().contains(&format!("case {}", change.0)), "{e}");
    assert!(e.message(adam_core::lang::Lang::Sl).contains("22. člen (3)"), "{e}");
    // Prepared and submitted, but the security lead sends it back: still not approved.
    h.go(
        change,
        "prepare",
        "submit",
        json!({"security_impact": "Nova različica.", "production_conditions": "Okno vzdrževanja."}),
        &[],
    );
    h.go(change, "consent", "rework", json!({}), &[]);
    assert!(!h.town.w.change_approved(change));
    assert_eq!(
        h.refuse(v1, "1.1.1.45", "done", plan.clone(), &docs).code(),
        "version-change-not-approved"
    );
    // Approved with both written consents: the micro plan is done, the transition goes on.
    h.approve_change(v1);
    assert!(h.town.w.change_approved(change));
    h.go(v1, "1.1.1.45", "done", plan, &docs);
    assert_eq!(h.at(v1), "1.1.1.46");
}
