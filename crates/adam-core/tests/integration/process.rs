//! The process engine (issue #16): definitions that cannot work are refused with every problem
//! named; the shipped security-event and change-request processes walked end to end with
//! their refusals; a recorded outage cannot end before it starts. The property (random walks
//! through random valid definitions against a brute-force oracle) is in `process_walks.rs`,
//! a module of its own because its shapes, strategies and oracle are a third of the tests.

use crate::common::*;
use adam_core::process::{self, Binding, Definition, Problem};
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(crate) fn code(s: &str) -> Code {
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

pub(crate) fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

pub(crate) fn start(w: &mut World, actor: &Actor, process: &str, fields: Value) -> CaseId {
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

pub(crate) fn consent(case: CaseId, role: &str) -> Command {
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
            json!({"security_impact": "Nizek.", "production_conditions": "Po dogovoru.", "rollback_plan": "Obnova iz varnostne kopije.", "notified_at": "2026-03-01", "notified_entities": "Uporabniki sistema."}),
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
    // What the consents were given for is settled at the preparation: the security lead
    // cannot approve while declaring the change harmless (the custodian's consent would no
    // longer be asked), nor move it to another system (Art. 22(3)).
    let e = refused(
        w,
        lead,
        decide(case, "consent", "approve", json!({"affects_security": false})),
    );
    assert_eq!(code_of(&e), "settled-case-field");
    assert!(e.to_string().contains("affects_security"), "{e}");
    assert!(e.message(adam_core::lang::Lang::Sl).contains("soglasje"), "{e}");
    let e = refused(
        w,
        lead,
        Command::UpdateCase {
            case,
            fields: map(json!({"system": 999_999})),
            attachments: vec![],
        },
    );
    assert_eq!(code_of(&e), "fixed-case-field");
    // The same value given back is no change.
    run_as(
        w,
        &lead,
        decide(case, "consent", "approve", json!({"affects_security": true})),
    );
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
    // Announced in time, but to whom is not said: still refused (22(5)).
    let e = refused(
        w,
        ana,
        decide(
            case,
            "implement",
            "done",
            json!({"implementation_record": "Izvedeno.", "announced_at": "2026-03-04T08:00:00Z"}),
        ),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    assert!(e.to_string().contains("announcement_audience"), "{e}");
    // An interruption cannot end before it starts.
    let e = refused(
        w,
        ana,
        Command::UpdateCase {
            case,
            fields: map(json!({"window_end": "2026-03-05T17:00:00Z"})),
            attachments: vec![],
        },
    );
    assert_eq!(code_of(&e), "end-before-start");
    run_as(
        w,
        &ana,
        decide(
            case,
            "implement",
            "done",
            json!({"implementation_record": "Izvedeno.", "announced_at": "2026-03-04T08:00:00Z", "announcement_audience": "Uporabniki sistema, na intranetu."}),
        ),
    );
    // The custodian cannot close it as a minor one after the consents (Art. 23(1)).
    let e = refused(
        w,
        ana,
        decide(
            case,
            "verify",
            "close",
            json!({"verification": "Preverjeno.", "cia_not_lowered": true, "major": false}),
        ),
    );
    assert_eq!(code_of(&e), "settled-case-field");
    assert!(e.to_string().contains("major"), "{e}");
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
    // ... nor its developer: the development contact of a solution the hosting registry holds
    // for the system (REQUIREMENTS-WAVE2 §1.6.2; role `developer_of`).
    let solution: adam_core::register::solution::SolutionFields = serde_json::from_value(json!({
        "codename": "vpp", "name": "Sistem VPP", "customer_body": "Občina", "entry_route": "order",
        "system": system.0, "people": {"developer": town.dora.0}
    }))
    .unwrap();
    run_as(w, &lead, Command::RegisterSolution { fields: solution });
    let e = refused(
        w,
        ana,
        decide(
            case,
            "verify",
            "assess",
            json!({"verification": "Preverjeno.", "cia_not_lowered": true, "assessor": town.dora.0}),
        ),
    );
    assert_eq!(code_of(&e), "guards-unmet");
    assert!(e.to_string().contains("developer"), "{e}");
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
    let shipped = v2.version;
    v2.version = shipped + 1;
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
    assert_eq!(w.case(old).unwrap().version, shipped, "the shipped version");
    assert_eq!(w.case(new).unwrap().version, shipped + 1, "the imported one");
    // Overdue: the new version's first step is due in a day.
    let later = t("2026-03-04T09:00:00Z");
    let overdue: Vec<CaseId> = w.overdue_steps(later).iter().map(|(c, _)| c.id).collect();
    assert!(overdue.contains(&new));
    // A broken definition names its problems on import, in both languages.
    let mut broken = change_request();
    broken.version = 4;
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

/// The validator's remaining kinds of problem, each made on purpose in the shipped change
/// request and found, with a message in both languages: no steps; too many items; an outcome
/// twice; the start an end; an end that goes on; a consent naming no role or one twice; a
/// condition on a closed list with a value it does not offer; a closed list without options.
#[test]
fn every_other_kind_of_broken_definition_is_named() {
    let choice = |options: Value| json!({"key": "urgency", "name": {"sl": "Nujnost", "en": "Urgency"}, "type": "choice", "options": options});
    let low = json!([{"key": "low", "name": {"sl": "nizka", "en": "low"}}]);
    type Breakage = (&'static str, Box<dyn FnOnce(&mut Value)>, fn(&Problem) -> bool);
    let cases: Vec<Breakage> = vec![
        ("no steps", Box::new(|v| v["steps"] = json!([])), |p| {
            matches!(p, Problem::NoSteps)
        }),
        (
            "too many fields",
            Box::new(|v| {
                let many: Vec<Value> = (0..=process::MAX_ITEMS)
                    .map(|i| json!({"key": format!("f{i}"), "name": {"sl": "p", "en": "f"}, "type": "text"}))
                    .collect();
                v["fields"] = json!(many);
            }),
            |p| matches!(p, Problem::TooMany(_)),
        ),
        (
            "an outcome twice",
            Box::new(|v| {
                let step = step_mut(v, "prepare");
                let first = step["outcomes"][0].clone();
                step["outcomes"].as_array_mut().unwrap().push(first);
            }),
            |p| matches!(p, Problem::DuplicateOutcome { .. }),
        ),
        ("the start is an end", Box::new(|v| v["start"] = json!("closed")), |p| {
            matches!(p, Problem::StartIsEnd(_))
        }),
        (
            "an optional step nobody can skip",
            Box::new(|v| {
                step_mut(v, "consent")["optional"] = json!(true);
                let prepare = step_mut(v, "prepare");
                let only_submit: Vec<Value> = prepare["outcomes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| o["to"] == "consent")
                    .cloned()
                    .collect();
                prepare["outcomes"] = json!(only_submit);
            }),
            |p| matches!(p, Problem::OptionalNotSkippable(s) if s == "consent"),
        ),
        (
            "a field settled at a step that does not exist",
            Box::new(|v| {
                let fields = v["fields"].as_array_mut().unwrap();
                let major = fields.iter_mut().find(|f| f["key"] == "major").unwrap();
                major["settled_at"] = json!(["nowhere"]);
            }),
            |p| matches!(p, Problem::Unknown { what: "step", key, .. } if key == "nowhere"),
        ),
        (
            "an end goes on",
            Box::new(|v| step_mut(v, "closed")["performer"] = json!("requester")),
            |p| matches!(p, Problem::EndGoesOn(_)),
        ),
        (
            "a consent naming a role twice",
            Box::new(|v| {
                step_mut(v, "consent")["outcomes"][0]["guards"][0]["consent"] = json!(["custodian", "custodian"])
            }),
            |p| matches!(p, Problem::ConsentRoles(_)),
        ),
        (
            "a value a closed list does not offer",
            Box::new(move |v| {
                v["fields"].as_array_mut().unwrap().push(choice(low));
                step_mut(v, "prepare")["outcomes"][0]["guards"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"holds": {"field": "urgency", "is": "extreme"}}));
            }),
            |p| matches!(p, Problem::UnknownChoice { value, .. } if value == "extreme"),
        ),
        (
            "a closed list without options",
            Box::new(move |v| v["fields"].as_array_mut().unwrap().push(choice(json!([])))),
            |p| matches!(p, Problem::BadOptions(key) if key == "urgency"),
        ),
        (
            "no end step",
            Box::new(|v| {
                for step in v["steps"].as_array_mut().unwrap() {
                    if step["kind"] == "end" {
                        step["kind"] = json!("task");
                        step["performer"] = json!("requester");
                        step["outcomes"] =
                            json!([{"key": "again", "name": {"sl": "znova", "en": "again"}, "to": "prepare"}]);
                    }
                }
            }),
            |p| matches!(p, Problem::NoEnd),
        ),
    ];
    for (what, mutate, expected) in cases {
        let problems = problems_of(mutate);
        let found = problems.iter().find(|p| expected(p));
        let Some(p) = found else {
            panic!("{what}: not named among {problems:?}");
        };
        let (sl, en) = (
            p.message(adam_core::lang::Lang::Sl),
            p.message(adam_core::lang::Lang::En),
        );
        assert!(!sl.is_empty() && !en.is_empty(), "{what}: {p:?}");
        assert_ne!(sl, en, "{what}: both languages");
    }
    // An ADAM role the world does not have: named when the world checks it, and the import
    // is refused with it.
    let mut v = serde_json::to_value(change_request()).unwrap();
    v["roles"].as_array_mut().unwrap().push(
        json!({"key": "auditor", "name": {"sl": "revizor", "en": "auditor"}, "binding": {"adam_role": "NO.SUCH.ROLE"}}),
    );
    let d: Definition = serde_json::from_value(v).unwrap();
    assert!(process::problems(&d).is_empty(), "only the world knows its roles");
    let w = town().w;
    let problems = w.definition_problems(&d);
    let p = problems
        .iter()
        .find(|p| matches!(p, Problem::UnknownAdamRole { role, code } if role == "auditor" && code == "NO.SUCH.ROLE"))
        .unwrap_or_else(|| panic!("not named among {problems:?}"));
    assert!(p.message(adam_core::lang::Lang::Sl).contains("NO.SUCH.ROLE"));
    assert!(p.message(adam_core::lang::Lang::En).contains("NO.SUCH.ROLE"));
    let e = refused(&w, Actor::System, Command::ImportProcess { definition: d });
    assert!(e.to_string().contains("NO.SUCH.ROLE"), "{e}");
}

/// The security lead's role in `security-event` is bound to the Decree's appointments (the
/// security lead or the coordinator, Art. 19(2)): a person appointed coordinator — who holds
/// no ADAM power of the lead — performs the triage.
#[test]
fn a_decree_appointed_coordinator_triages_a_security_event() {
    let Office { mut town, .. } = office_with_system();
    let w = &mut town.w;
    let uros = Actor::user(town.uros);
    let dora = Actor::user(town.dora);
    let case = start(w, &uros, "security-event", json!({"what": "Sumljivo sporočilo."}));
    // Before her appointment the coordinator-to-be is not a performer.
    let e = refused(w, dora, decide(case, "triage", "not_incident", json!({})));
    assert_eq!(code_of(&e), "not-performer");
    run_as(
        w,
        &Actor::user(town.leon),
        Command::AppointDecreeRole {
            role: register::decree_roles::DecreeRole::Coordinator,
            user: town.dora,
            contact: None,
            appointment: Some(text("Sklep 1/2026")),
            since: LocalDate::new(2026, 1, 1).unwrap(),
        },
    );
    assert!(
        w.performers(w.case(case).unwrap(), t(NOW)).contains(&town.dora),
        "the appointed coordinator performs the lead's steps"
    );
    run_as(w, &dora, decide(case, "triage", "not_incident", json!({})));
    let c = w.case(case).unwrap();
    assert_eq!(c.current.as_str(), "closed_event");
    assert_eq!(c.history.last().unwrap().by, Some(town.dora));
}
