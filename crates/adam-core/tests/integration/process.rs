//! The process engine (issue #16): definitions that cannot work are refused with every problem
//! named; the shipped security-event and change-request processes walked end to end with
//! their refusals; random walks through random valid definitions never pass a guard that does
//! not hold (against a brute-force oracle), and a case's folder always belongs to the job
//! performing its current step.

use crate::common::*;
use adam_core::process::{self, Binding, Definition, Problem, StepKind};
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

fn change_request() -> Definition {
    process::shipped("change-request").unwrap()
}

fn problems_of(mutate: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut v = serde_json::to_value(change_request()).unwrap();
    mutate(&mut v);
    let d: Definition = serde_json::from_value(v).unwrap();
    process::problems(&d)
}

fn step_mut<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    v["steps"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["key"] == key)
        .unwrap()
}

#[test]
fn a_definition_that_cannot_work_is_refused_with_every_problem_named() {
    assert_eq!(process::problems(&change_request()), vec![]);
    // An outcome leading nowhere, and the step it stranded now unreachable.
    let p = problems_of(|v| step_mut(v, "verify")["outcomes"][1]["to"] = json!("nowhere"));
    assert!(p.contains(&Problem::LeadsNowhere {
        step: "verify".into(),
        outcome: "assess".into(),
        to: "nowhere".into()
    }));
    assert!(p.contains(&Problem::Unreachable("assessment".into())), "{p:?}");
    // A step nobody can perform; a performer naming an unknown role.
    let p = problems_of(|v| {
        step_mut(v, "implement").as_object_mut().unwrap().remove("performer");
        step_mut(v, "verify")["performer"] = json!("ghost");
    });
    assert!(p.contains(&Problem::NoPerformer("implement".into())), "{p:?}");
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::Unknown { what: "role", key, .. } if key == "ghost"))
    );
    // Guards naming unknown fields, documents and roles, and a guard asking for two things.
    let p = problems_of(|v| {
        step_mut(v, "prepare")["outcomes"][0]["guards"] = json!([
            {"field": "no_such_field"},
            {"document": "no_such_doc"},
            {"consent": ["custodian", "nobody"]},
            {"field": "description", "document": "rollback_plan"},
            {"holds": {"field": "interruption", "is": true, "set": true}}
        ]);
    });
    for (what, key) in [
        ("field", "no_such_field"),
        ("document", "no_such_doc"),
        ("role", "nobody"),
    ] {
        assert!(
            p.iter()
                .any(|p| matches!(p, Problem::Unknown { what: w, key: k, .. } if *w == what && k == key)),
            "{what} {key}: {p:?}"
        );
    }
    assert!(p.iter().any(|p| matches!(p, Problem::GuardShape(_))), "{p:?}");
    assert!(p.iter().any(|p| matches!(p, Problem::ConditionShape(_))), "{p:?}");
    // A loop with no way out to an end; a step without outcomes; a duplicate key.
    let p = problems_of(|v| {
        step_mut(v, "assessment")["outcomes"] = json!([
            {"key": "again", "name": {"sl": "znova", "en": "again"}, "to": "assessment"}
        ]);
        let steps = v["steps"].as_array_mut().unwrap();
        let dup = steps[0].clone();
        steps.push(dup);
    });
    assert!(p.contains(&Problem::NeverEnds("assessment".into())), "{p:?}");
    let p = problems_of(|v| step_mut(v, "implement")["outcomes"] = json!([]));
    assert!(p.contains(&Problem::NoWayOut("implement".into())), "{p:?}");
    assert!(p.contains(&Problem::Unreachable("verify".into())), "{p:?}");
    let p = problems_of(|v| {
        let steps = v["steps"].as_array_mut().unwrap();
        let dup = steps[0].clone();
        steps.push(dup);
    });
    assert_eq!(
        p,
        vec![Problem::Duplicate {
            what: "step",
            key: "prepare".into()
        }]
    );
    // A role bound to a field of the wrong kind; a start that does not exist; no end.
    let p = problems_of(|v| {
        v["roles"][1]["binding"] = json!({"custodian_of": "description"});
        v["start"] = json!("begin");
    });
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::BindingField { role, .. } if role == "custodian"))
    );
    assert!(p.contains(&Problem::UnknownStart("begin".into())));
    // Every problem in both languages.
    for p in &p {
        assert_ne!(
            p.message(adam_core::lang::Lang::Sl),
            p.message(adam_core::lang::Lang::En)
        );
    }
}

/// The town with an information system (VPP-SYS, custodian Ana, operator Bojan), Leon as the
/// security lead, and Cene as a possible assessor.
struct Office {
    town: Town,
    system: ItemId,
}

fn office_with_system() -> Office {
    let mut town = town();
    let lead_role = town.w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    grant(&mut town.w, lead_role, Grantee::User(town.leon));
    let fields = ItemFields {
        code: code("VPP-SYS"),
        name: text("Sistem VPP"),
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
    Office { town, system }
}

fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

fn start(w: &mut World, actor: &Actor, process: &str, fields: Value) -> CaseId {
    match run_as(
        w,
        actor,
        Command::StartCase {
            process: code(process),
            title: text("Primer"),
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
        comment: Some(text("Soglašam.")),
    }
}

fn code_of(e: &Error) -> &'static str {
    e.code()
}

#[test]
fn an_employee_reports_an_event_and_the_security_lead_walks_the_incident_to_its_archive() {
    let Office { mut town, .. } = office_with_system();
    let w = &mut town.w;
    let uros = Actor::user(town.uros);
    let lead = Actor::user(town.leon);
    let case = start(
        w,
        &uros,
        "security-event",
        json!({"what": "Neznan USB ključ v sejni sobi."}),
    );
    let c = w.case(case).unwrap().clone();
    assert_eq!(c.current.as_str(), "triage");
    assert_eq!(c.started_by, Some(town.uros));
    // The folder belongs to the security lead's job; the reporter reads it, others nothing.
    let leon_job = w.job_by_code("LEADER.KZUP").unwrap();
    assert_eq!(c.responsible, Some(leon_job));
    let folder = ObjectRef::Folder(c.folder);
    assert!(w.check(town.leon, folder, t(NOW), Session::MFA).unwrap() >= Level::Edit21);
    assert_eq!(w.check(town.uros, folder, t(NOW), Session::MFA).unwrap(), Level::View14);
    assert!(w.check(town.dora, folder, t(NOW), Session::MFA).unwrap() < Level::View13);
    // Only the security lead triages.
    let e = refused(w, uros, decide(case, "triage", "incident", json!({})));
    assert_eq!(code_of(&e), "not-performer");
    // Triage needs the time of discovery (19(5) 4) before it can become an incident.
    let e = refused(w, lead, decide(case, "triage", "incident", json!({})));
    assert_eq!(code_of(&e), "guards-unmet");
    assert!(e.to_string().contains("discovered_at"), "{e}");
    // Bad values are refused at the field.
    let e = refused(
        w,
        lead,
        decide(case, "triage", "incident", json!({"discovered_at": "včeraj"})),
    );
    assert_eq!(code_of(&e), "bad-field-value");
    let e = refused(
        w,
        lead,
        decide(case, "triage", "incident", json!({"threat_types": ["aliens"]})),
    );
    assert_eq!(code_of(&e), "bad-field-value");
    run_as(
        w,
        &lead,
        decide(
            case,
            "triage",
            "incident",
            json!({"discovered_at": "2026-03-01T08:00:00Z", "situation": "physical_breach"}),
        ),
    );
    // Steps 1–5 in order; closing is not possible before step 6.
    for step in ["limit", "evidence", "remedy"] {
        let e = refused(w, lead, decide(case, "close", "archive", json!({})));
        assert_eq!(code_of(&e), "not-at-step");
        run_as(w, &lead, decide(case, step, "done", json!({})));
    }
    let e = refused(w, lead, decide(case, "record", "done", json!({})));
    assert_eq!(code_of(&e), "guards-unmet");
    run_as(
        w,
        &lead,
        decide(case, "record", "done", json!({"activities_done": "Ključ odstranjen."})),
    );
    run_as(
        w,
        &lead,
        decide(case, "communicate", "done", json!({"notified_entities": "Vodstvo."})),
    );
    // Step 6 can loop back to step 3.
    run_as(w, &lead, decide(case, "examine", "more_remedy", json!({})));
    assert_eq!(w.case(case).unwrap().current.as_str(), "remedy");
    for (step, fields) in [
        ("remedy", json!({"recovery_cost": "120,50"})),
        ("record", json!({})),
        ("communicate", json!({})),
    ] {
        run_as(w, &lead, decide(case, step, "done", fields));
    }
    run_as(
        w,
        &lead,
        decide(
            case,
            "examine",
            "resolved",
            json!({"threat_types": ["rule_breach"], "negative_effects": ["other"], "affected_components": "Delovna postaja.", "perpetrators": "Neznan."}),
        ),
    );
    assert_eq!(
        w.case(case).unwrap().fields[&code("recovery_cost")],
        process::FieldValue::Int(12050)
    );
    let e = refused(
        w,
        lead,
        decide(case, "close", "archive", json!({"resolution": "Rešeno."})),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    run_as(
        w,
        &lead,
        decide(
            case,
            "close",
            "archive",
            json!({"final_assessment": "Brez škode.", "resolution": "Rešeno."}),
        ),
    );
    let c = w.case(case).unwrap().clone();
    assert_eq!(c.state, process::CaseState::Closed);
    assert_eq!(c.current.as_str(), "archived");
    // Twelve decisions, each with who and when; the path shows the loop.
    assert_eq!(c.history.len(), 12);
    assert!(c.history.iter().skip(1).all(|t| t.by == Some(town.leon)));
    assert_eq!(
        c.path(),
        [
            "triage",
            "limit",
            "evidence",
            "remedy",
            "record",
            "communicate",
            "examine",
            "remedy",
            "record",
            "communicate",
            "examine",
            "close",
            "archived"
        ]
    );
    // Archived = read-only: no decision, no field, no consent.
    let e = refused(
        w,
        lead,
        Command::UpdateCase {
            case,
            fields: map(json!({"further_activities": "x"})),
            attachments: vec![],
        },
    );
    assert_eq!(code_of(&e), "case-closed");
    assert_eq!(
        w.folder(c.folder).unwrap().workflow.state,
        ObjectState::Closed,
        "the case's folder is closed too"
    );
}

#[test]
fn a_change_needs_two_consents_from_two_different_people_and_an_independent_assessor() {
    let Office { mut town, system } = office_with_system();
    let w = &mut town.w;
    let ana = Actor::user(town.ana);
    let lead = Actor::user(town.leon);
    let case = start(
        w,
        &ana,
        "change-request",
        json!({"system": system.0, "description": "Nadgradnja baze.", "affects_security": true, "major": true}),
    );
    // The custodian prepares; without a rollback plan the change cannot go to consent (22(7)).
    let e = refused(
        w,
        ana,
        decide(
            case,
            "prepare",
            "submit",
            json!({"security_impact": "Nizek.", "production_conditions": "Po dogovoru."}),
        ),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    assert!(e.to_string().contains("rollback_plan"), "{e}");
    run_as(
        w,
        &ana,
        decide(
            case,
            "prepare",
            "submit",
            json!({"security_impact": "Nizek.", "production_conditions": "Po dogovoru.", "rollback_plan": "Obnova iz varnostne kopije.", "notified_at": "2026-03-01"}),
        ),
    );
    // Implementation before consent: the case is not there.
    let e = refused(w, ana, decide(case, "implement", "done", json!({})));
    assert_eq!(code_of(&e), "not-at-step");
    // Approval needs both consents.
    let e = refused(w, lead, decide(case, "consent", "approve", json!({})));
    assert_eq!(code_of(&e), "guards-unmet");
    // Only the custodian consents as custodian.
    let e = refused(w, lead, consent(case, "custodian"));
    assert_eq!(code_of(&e), "not-role-holder");
    run_as(w, &ana, consent(case, "custodian"));
    let e = refused(w, ana, consent(case, "custodian"));
    assert_eq!(code_of(&e), "already-consented");
    // Ana also becomes a security lead: she still cannot give the second consent.
    let lead_role = w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    grant(w, lead_role, Grantee::User(town.ana));
    let e = refused(w, ana, consent(case, "security_lead"));
    assert_eq!(code_of(&e), "same-person-consents");
    assert!(e.message(adam_core::lang::Lang::Sl).contains("različni osebi"));
    let e = refused(w, lead, consent(case, "requester"));
    assert_eq!(code_of(&e), "consent-not-asked");
    run_as(w, &lead, consent(case, "security_lead"));
    run_as(w, &lead, decide(case, "consent", "approve", json!({})));
    // The folder moved to the custodian's job; the security lead's job keeps reading.
    let c = w.case(case).unwrap().clone();
    assert_eq!(c.responsible, Some(town.ana_job));
    assert_eq!(w.folder(c.folder).unwrap().workflow.responsible, Some(town.ana_job));
    assert_eq!(
        w.check(town.leon, ObjectRef::Folder(c.folder), t(NOW), Session::MFA)
            .unwrap(),
        Level::View14
    );
    // An interruption needs its announcement before the window (22(5)).
    run_as(
        w,
        &ana,
        Command::UpdateCase {
            case,
            fields: map(
                json!({"interruption": true, "window_start": "2026-03-05T18:00:00Z", "announced_at": "2026-03-06T08:00:00Z"}),
            ),
            attachments: vec![],
        },
    );
    let e = refused(
        w,
        ana,
        decide(case, "implement", "done", json!({"implementation_record": "Izvedeno."})),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    run_as(
        w,
        &ana,
        decide(
            case,
            "implement",
            "done",
            json!({"implementation_record": "Izvedeno.", "announced_at": "2026-03-04T08:00:00Z"}),
        ),
    );
    // A major change is not closed without an independent assessment (23(1)) ...
    let e = refused(
        w,
        ana,
        decide(
            case,
            "verify",
            "close",
            json!({"verification": "Preverjeno.", "cia_not_lowered": true}),
        ),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    // ... whose assessor is not the system's operator (23(2)).
    let e = refused(
        w,
        ana,
        decide(
            case,
            "verify",
            "assess",
            json!({"verification": "Preverjeno.", "cia_not_lowered": true, "assessor": town.bojan.0}),
        ),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    assert!(e.to_string().contains("different people"), "{e}");
    run_as(
        w,
        &ana,
        decide(
            case,
            "verify",
            "assess",
            json!({"verification": "Preverjeno.", "cia_not_lowered": true, "assessor": town.cene.0}),
        ),
    );
    assert_eq!(w.case(case).unwrap().responsible, Some(town.cene_job));
    assert_eq!(w.my_steps(town.cene, t(NOW)).len(), 1);
    assert!(w.my_steps(town.ana, t(NOW)).is_empty());
    run_as(
        &mut town.w,
        &Actor::user(town.cene),
        decide(case, "assessment", "done", json!({"assessment_report": "Ustrezno."})),
    );
    assert_eq!(town.w.case(case).unwrap().state, process::CaseState::Closed);
}

#[test]
fn a_kept_version_is_what_running_cases_keep_and_versions_are_never_kept_twice() {
    let Office { mut town, system } = office_with_system();
    let lead = Actor::user(town.leon);
    let w = &mut town.w;
    let old = start(w, &Actor::user(town.ana), "change-request", json!({"system": system.0}));
    let mut v2 = change_request();
    v2.version = 2;
    v2.steps[0].due_days = Some(1);
    // Only the register keepers import.
    let e = refused(
        w,
        Actor::user(town.ana),
        Command::ImportProcess { definition: v2.clone() },
    );
    assert_eq!(code_of(&e), "not-register-keeper");
    run_as(w, &lead, Command::ImportProcess { definition: v2.clone() });
    let e = refused(w, lead, Command::ImportProcess { definition: v2.clone() });
    assert_eq!(code_of(&e), "definition-exists");
    let new = start(w, &Actor::user(town.ana), "change-request", json!({"system": system.0}));
    assert_eq!(w.case(old).unwrap().version, 1);
    assert_eq!(w.case(new).unwrap().version, 2);
    // Overdue: the new version's first step is due in a day.
    let later = t("2026-03-04T09:00:00Z");
    let overdue: Vec<CaseId> = w.overdue_steps(later).iter().map(|(c, _)| c.id).collect();
    assert!(overdue.contains(&new));
    // A broken definition names its problems on import, in both languages.
    let mut broken = change_request();
    broken.version = 3;
    broken.roles[0].binding = Binding::AdamRole(RoleCode::parse("r", "NO.SUCH.ROLE").unwrap());
    broken.steps[0].outcomes.clear();
    let e = refused(w, lead, Command::ImportProcess { definition: broken });
    assert_eq!(code_of(&e), "invalid-definition");
    assert!(
        e.to_string().contains("NO.SUCH.ROLE") && e.to_string().contains("no outcomes"),
        "{e}"
    );
    assert!(e.message(adam_core::lang::Lang::Sl).contains("nima izidov"));
}

// ---- random walks through random valid definitions --------------------------------------

/// The people of the town who hold the roles the random definitions use: the starter (Ana),
/// the holder of GLPI (Gregor) and the holder of leader.main (Leon).
const ROLES: [&str; 3] = ["starter", "glpi", "leader"];

#[derive(Clone, Debug)]
struct Shape {
    /// Per step: its performer (index into ROLES), the back-edges (to earlier steps), whether
    /// it has an outcome straight to the end, its guards.
    steps: Vec<(usize, Vec<usize>, bool, Vec<GuardShape>)>,
}

#[derive(Clone, Debug)]
enum GuardShape {
    Field(usize),
    IsTrue(usize),
    Consent(Vec<usize>),
}

fn guard_shape() -> impl Strategy<Value = GuardShape> {
    prop_oneof![
        (0..4usize).prop_map(GuardShape::Field),
        (0..4usize).prop_map(GuardShape::IsTrue),
        proptest::sample::subsequence(vec![0usize, 1, 2], 1..=2).prop_map(GuardShape::Consent),
    ]
}

fn shape() -> impl Strategy<Value = Shape> {
    proptest::collection::vec(
        (
            0..3usize,
            proptest::collection::vec(0..8usize, 0..2),
            any::<bool>(),
            proptest::collection::vec(guard_shape(), 0..3),
        ),
        1..7,
    )
    .prop_map(|raw| Shape {
        steps: raw
            .into_iter()
            .enumerate()
            .map(|(i, (p, back, skip, g))| (p, back.into_iter().filter(|b| *b <= i).collect(), skip, g))
            .collect(),
    })
}

fn words(s: &str) -> Value {
    json!({"sl": s, "en": s})
}

fn definition_of(shape: &Shape) -> Definition {
    let n = shape.steps.len();
    let guard = |g: &GuardShape| match g {
        GuardShape::Field(f) => json!({"field": format!("f{f}")}),
        GuardShape::IsTrue(f) => json!({"holds": {"field": format!("b{f}"), "is": true}}),
        GuardShape::Consent(roles) => json!({"consent": roles.iter().map(|r| ROLES[*r]).collect::<Vec<_>>()}),
    };
    let mut steps: Vec<Value> = shape
        .steps
        .iter()
        .enumerate()
        .map(|(i, (p, back, skip, guards))| {
            let next = if i + 1 == n { "end".to_owned() } else { format!("s{}", i + 1) };
            let mut outcomes = vec![json!({"key": "next", "name": words("next"), "to": next, "guards": guards.iter().map(guard).collect::<Vec<_>>()})];
            for b in back {
                outcomes.push(json!({"key": format!("back{b}"), "name": words("back"), "to": format!("s{b}")}));
            }
            if *skip {
                outcomes.push(json!({"key": "skip", "name": words("skip"), "to": "end", "guards": [{"field": "f0"}]}));
            }
            json!({"key": format!("s{i}"), "name": words("step"), "kind": "decision", "performer": ROLES[*p], "outcomes": outcomes})
        })
        .collect();
    steps.push(json!({"key": "end", "name": words("end"), "kind": "end"}));
    let mut fields: Vec<Value> = (0..4)
        .map(|i| json!({"key": format!("f{i}"), "name": words("f"), "type": "text"}))
        .collect();
    fields.extend((0..4).map(|i| json!({"key": format!("b{i}"), "name": words("b"), "type": "bool"})));
    serde_json::from_value(json!({
        "key": "random",
        "version": 1,
        "name": words("random"),
        "roles": [
            {"key": "starter", "name": words("starter"), "binding": "starter"},
            {"key": "glpi", "name": words("glpi"), "binding": {"adam_role": "GLPI"}},
            {"key": "leader", "name": words("leader"), "binding": {"adam_role": "leader.main"}},
        ],
        "fields": fields,
        "start": "s0",
        "steps": steps,
    }))
    .unwrap()
}

#[derive(Clone, Debug)]
enum Act {
    Decide {
        by: usize,
        outcome: usize,
        fill: Vec<(usize, bool)>,
    },
    Consent {
        by: usize,
        role: usize,
    },
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (
            0..4usize,
            0..4usize,
            proptest::collection::vec((0..8usize, any::<bool>()), 0..3)
        )
            .prop_map(|(by, outcome, fill)| Act::Decide { by, outcome, fill }),
        (0..4usize, 0..3usize).prop_map(|(by, role)| Act::Consent { by, role }),
    ]
}

/// The brute-force oracle: whether `outcome` of the case's current step may be taken with
/// `fill` by `by`, read straight from the shape and the case as it stands.
fn oracle_allows(
    shape: &Shape,
    case: &process::Case,
    outcome: &str,
    by: usize,
    fill: &BTreeMap<String, Value>,
) -> bool {
    let Some(i) = case
        .current
        .as_str()
        .strip_prefix('s')
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return false;
    };
    let (performer, back, skip, guards) = &shape.steps[i];
    // Person `by` (0 Ana, 1 Gregor, 2 Leon, 3 Uroš) holds exactly role `by` of ROLES.
    if by != *performer {
        return false;
    }
    let filled = |key: &str| case.fields.contains_key(&code(key)) || fill.contains_key(key);
    let value = |key: &str| {
        fill.get(key).cloned().or_else(|| match case.fields.get(&code(key)) {
            Some(process::FieldValue::Bool(b)) => Some(json!(*b)),
            Some(_) => Some(json!("x")),
            None => None,
        })
    };
    let consented = |role: usize| {
        case.consents
            .iter()
            .any(|c| c.visit == case.visit && c.step == case.current && c.role.as_str() == ROLES[role])
    };
    match outcome {
        "next" => guards.iter().all(|g| match g {
            GuardShape::Field(f) => filled(&format!("f{f}")),
            GuardShape::IsTrue(f) => value(&format!("b{f}")) == Some(json!(true)),
            GuardShape::Consent(roles) => roles.iter().all(|r| consented(*r)),
        }),
        "skip" => *skip && filled("f0"),
        o => o
            .strip_prefix("back")
            .and_then(|b| b.parse::<usize>().ok())
            .is_some_and(|b| back.contains(&b)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_walks_never_pass_a_guard_that_does_not_hold(shape in shape(), acts in proptest::collection::vec(act(), 1..40)) {
        let mut town = town();
        let d = definition_of(&shape);
        prop_assert_eq!(town.w.definition_problems(&d), vec![]);
        run_as(&mut town.w, &Actor::System, Command::ImportProcess { definition: d.clone() });
        let people = [town.ana, town.gregor, town.leon, town.uros];
        let desks = [Some(town.ana_job), Some(town.gregor_job), town.w.job_by_code("LEADER.KZUP").ok(), None];
        let case = start(&mut town.w, &Actor::user(town.ana), "random", json!({}));
        for a in acts {
            let before = town.w.case(case).unwrap().clone();
            if before.state == process::CaseState::Closed {
                break;
            }
            match a {
                Act::Decide { by, outcome, fill } => {
                    let i: usize = before.current.as_str()[1..].parse().unwrap();
                    let step = &d.steps[i];
                    let outcome = step.outcomes[outcome % step.outcomes.len()].key.clone();
                    let fill: BTreeMap<String, Value> = fill
                        .into_iter()
                        .map(|(f, b)| if f < 4 { (format!("f{f}"), json!("x")) } else { (format!("b{}", f - 4), json!(b)) })
                        .collect();
                    let cmd = Command::DecideStep {
                        case,
                        step: before.current.clone(),
                        outcome: outcome.clone(),
                        comment: None,
                        fields: fill.clone(),
                        attachments: vec![],
                    };
                    let allowed = oracle_allows(&shape, &before, outcome.as_str(), by, &fill);
                    let got = town.w.execute(&Actor::user(people[by]), cmd, t(NOW));
                    prop_assert_eq!(got.is_ok(), allowed, "{:?} by {} at {}: {:?}", outcome, by, before.current, got.err());
                }
                Act::Consent { by, role } => {
                    let i: usize = before.current.as_str()[1..].parse().unwrap();
                    let asked = shape.steps[i].3.iter().any(|g| matches!(g, GuardShape::Consent(r) if r.contains(&role)));
                    let given = before.current_consents().any(|c| c.role.as_str() == ROLES[role] || c.by == people[by]);
                    let allowed = asked && by == role && !given;
                    let got = town.w.execute(&Actor::user(people[by]), consent(case, ROLES[role]), t(NOW));
                    prop_assert_eq!(got.is_ok(), allowed, "consent {} by {}: {:?}", ROLES[role], by, got.err());
                }
            }
            // "My steps" asks one person at a time; it agrees with the performers listed whole.
            let c = town.w.case(case).unwrap();
            for p in people {
                let mine = town.w.my_steps(p, t(NOW)).iter().any(|x| x.id == case);
                prop_assert_eq!(mine, town.w.performers(c, t(NOW)).contains(&p));
            }
            // The folder belongs to the job performing the current step.
            let folder = town.w.folder(c.folder).unwrap();
            if c.state == process::CaseState::Open {
                let i: usize = c.current.as_str()[1..].parse().unwrap();
                let desk = desks[shape.steps[i].0];
                prop_assert_eq!(c.responsible, desk);
                prop_assert_eq!(folder.workflow.responsible, desk);
            } else {
                prop_assert_eq!(c.current.as_str(), "end");
                prop_assert_eq!(folder.workflow.state, ObjectState::Closed);
                prop_assert!(d.step("end").is_some_and(|s| s.kind == StepKind::End));
            }
        }
    }
}

#[test]
fn a_recorded_outage_cannot_end_before_it_starts() {
    let Office { mut town, .. } = office_with_system();
    let w = &mut town.w;
    let uros = Actor::user(town.uros);
    let lead = Actor::user(town.leon);
    // Reported with an end before the start: refused, the end's field named, in both languages.
    let e = refused(
        w,
        uros,
        Command::StartCase {
            process: code("security-event"),
            title: text("Izpad"),
            fields: map(json!({
                "what": "Portal ni dosegljiv.",
                "outage_from": "2026-02-10T11:00:00Z",
                "outage_until": "2026-02-10T10:00:00Z"
            })),
            attachments: vec![],
        },
    );
    assert_eq!(code_of(&e), "end-before-start");
    assert_eq!(e.category(), Category::Invalid);
    assert!(
        matches!(&e, Error::Process(ProcessError::EndBeforeStart { field, start })
            if field == "outage_until" && start == "outage_from"),
        "{e:?}"
    );
    assert!(e.to_string().contains("outage_until"), "{e}");
    assert!(
        e.message(adam_core::lang::Lang::Sl)
            .contains("konec ne more biti pred začetkom"),
        "{}",
        e.message(adam_core::lang::Lang::Sl)
    );
    // A start alone is fine, and an end at the very instant of the start too.
    let case = start(
        w,
        &uros,
        "security-event",
        json!({"what": "Portal ni dosegljiv.", "outage_from": "2026-02-10T11:00:00Z"}),
    );
    run_as(
        w,
        &lead,
        Command::UpdateCase {
            case,
            fields: map(json!({"outage_until": "2026-02-10T11:00:00Z"})),
            attachments: vec![],
        },
    );
    // Moving the start past the kept end, or the end before the kept start, is refused.
    for fields in [
        json!({"outage_from": "2026-02-10T12:00:00Z"}),
        json!({"outage_until": "2026-02-10T10:59:00Z"}),
    ] {
        let e = refused(w, lead, decide(case, "triage", "not_incident", fields));
        assert_eq!(code_of(&e), "end-before-start");
    }
    // Emptying the end and moving the start is fine; so is the decision with a later end.
    run_as(
        w,
        &lead,
        decide(
            case,
            "triage",
            "not_incident",
            json!({"outage_from": "2026-02-10T12:00:00Z", "outage_until": "2026-02-10T13:30:00Z"}),
        ),
    );
    assert_eq!(w.case(case).unwrap().state, process::CaseState::Closed);

    // A definition whose `not_before` names an unknown field, or a field that is no date.
    let p = problems_of(|v| {
        let fields = v["fields"].as_array_mut().unwrap();
        let end = fields.iter_mut().find(|f| f["key"] == "window_end").unwrap();
        end["not_before"] = json!("window_opens");
    });
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::Unknown { what: "field", key, .. } if key == "window_opens")),
        "{p:?}"
    );
    let p = problems_of(|v| {
        let fields = v["fields"].as_array_mut().unwrap();
        let end = fields.iter_mut().find(|f| f["key"] == "window_end").unwrap();
        end["not_before"] = json!("description");
    });
    assert_eq!(p, vec![Problem::BeforeNeedsDates("field \"window_end\"".into())]);
    // The shipped security-event definition declares it, and still works.
    let d = process::shipped("security-event").unwrap();
    assert_eq!(
        d.field("outage_until")
            .and_then(|f| f.not_before.as_ref())
            .map(Code::as_str),
        Some("outage_from")
    );
    assert_eq!(process::problems(&d), vec![]);
}
