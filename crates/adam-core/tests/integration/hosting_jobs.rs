//! Roles bound to jobs (issue #17: "the roles are bound to ADAM's directory (offices, jobs) per
//! solution; the case file moves between the responsible jobs"). A solution binds each seed
//! role to a person or to a job; `dro-hosting` (since version 2) binds its roles `person_or_job`, so a
//! step of a role with no person is performed by whoever holds the job **now**: after the
//! occupant changes through the ordinary directory commands the step is the new holder's and
//! no longer the old one's. Also: a job that does not exist or is invalidated is refused with
//! its own problem; a solution stored before the jobs existed reads back; the definition
//! validator refuses a `job` binding to a missing field or a field of another kind; a newer
//! shipped definition is what new cases run on.

use crate::common::*;
use crate::hosting::{Hosting, hosting};
use crate::hosting_registry::{fields, register};
use adam_core::process::{self, Binding, Definition, Problem};
use adam_core::register::solution::*;
use adam_core::*;
use serde_json::json;

/// OPSI with the coordinator and the customer bound to jobs only (Cene's and Ana's), SIV to a
/// person and a job (Leon named, Bojan's job beside him).
fn by_jobs(h: &Hosting) -> SolutionFields {
    let t = &h.town;
    let mut f = fields(h);
    f.people.coordinator = None;
    f.people.customer = None;
    f.jobs.coordinator = Some(t.cene_job);
    f.jobs.customer = Some(t.ana_job);
    f.jobs.siv = Some(t.w.user(t.bojan).unwrap().jobs[0]);
    f
}

fn open(h: &mut Hosting, s: SolutionId, by: UserId, version: &str) -> CaseId {
    match run_as(
        &mut h.town.w,
        &Actor::user(by),
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

fn decide(case: CaseId, step: &str, outcome: &str) -> Command {
    Command::DecideStep {
        case,
        step: Code::parse("step", step).unwrap(),
        outcome: Code::parse("outcome", outcome).unwrap(),
        comment: None,
        fields: Default::default(),
        attachments: vec![],
    }
}

fn mine(h: &Hosting, user: UserId) -> Vec<CaseId> {
    h.town.w.my_steps(user, t(NOW)).iter().map(|c| c.id).collect()
}

#[test]
fn a_step_of_a_role_bound_to_a_job_is_performed_by_whoever_holds_the_job_now() {
    let mut h = hosting();
    let f = by_jobs(&h);
    let s = register(&mut h, f);
    let (cene, dora, cene_job) = (h.town.cene, h.town.dora, h.town.cene_job);
    // Cene keeps the entry as the coordinator through his job: he opens the version.
    let case = open(&mut h, s, cene, "1.0");
    let c = h.town.w.case(case).unwrap();
    let shipped = process::shipped(process::DRO_HOSTING).unwrap().version;
    assert_eq!(c.version, shipped, "a new case runs on the shipped version");
    // Both the person and the job of each role are copied into the case's fields.
    let int = |k: &str| c.fields.iter().find(|(f, _)| f.as_str() == k).map(|(_, v)| v.clone());
    assert_eq!(
        int("coordinator_job"),
        Some(process::FieldValue::Int(cene_job.0.into()))
    );
    assert_eq!(int("coordinator"), None);
    assert_eq!(int("siv"), Some(process::FieldValue::Int(h.town.leon.0.into())));
    assert!(int("siv_job").is_some());
    // The first step is the coordinator's: Cene's, performed at his job.
    assert_eq!(h.town.w.performers(c, t(NOW)), vec![cene]);
    assert_eq!(c.responsible, Some(cene_job));
    assert_eq!(mine(&h, cene), vec![case]);
    assert!(mine(&h, dora).is_empty());
    // A role with a person named is that person's alone, whoever holds the job beside it.
    let def = &h.town.w.process_definition(c.definition).unwrap().definition;
    assert_eq!(
        h.town.w.bound_people(def, &c.fields, c.started_by, "siv", t(NOW)),
        vec![h.town.leon]
    );

    // The job changes hands through the directory's own commands: Cene leaves, Dora comes.
    sys(
        &mut h.town.w,
        Command::AssignJob {
            user: dora,
            job: cene_job,
        },
    );
    sys(
        &mut h.town.w,
        Command::UnassignJob {
            user: cene,
            job: cene_job,
        },
    );
    let c = h.town.w.case(case).unwrap();
    assert_eq!(h.town.w.performers(c, t(NOW)), vec![dora]);
    assert_eq!(mine(&h, dora), vec![case]);
    assert!(mine(&h, cene).is_empty(), "the step is no longer Cene's");
    let e = refused(&h.town.w, Actor::user(cene), decide(case, "entry", "order"));
    assert_eq!(e.code(), "not-performer");
    // Nobody rebinds a role on the way: the job fields are fixed like the people's.
    let mut rebind = decide(case, "entry", "order");
    if let Command::DecideStep { fields, .. } = &mut rebind {
        *fields = serde_json::from_value(json!({"coordinator_job": h.town.ana_job.0})).unwrap();
    }
    assert_eq!(refused(&h.town.w, Actor::user(dora), rebind).code(), "fixed-case-field");
    // Dora decides; the file moves to the customer's job, which Ana holds.
    run_as(&mut h.town.w, &Actor::user(dora), decide(case, "entry", "order"));
    let c = h.town.w.case(case).unwrap();
    assert_eq!(c.current.as_str(), "1.1.1.10");
    assert_eq!(c.responsible, Some(h.town.ana_job));
    assert_eq!(h.town.w.performers(c, t(NOW)), vec![h.town.ana]);
    // The entry is kept by the coordinator's job too: Dora may correct it now, Cene not.
    let e = refused(
        &h.town.w,
        Actor::user(cene),
        Command::UpdateSolution {
            solution: s,
            fields: {
                let mut f = by_jobs(&h);
                f.technologies = Some(text("Rust"));
                f
            },
        },
    );
    assert_eq!(e.code(), "not-register-keeper");
    let mut f = by_jobs(&h);
    f.technologies = Some(text("Rust"));
    run_as(
        &mut h.town.w,
        &Actor::user(dora),
        Command::UpdateSolution { solution: s, fields: f },
    );
}

#[test]
fn a_job_that_does_not_exist_or_is_no_longer_valid_is_refused_with_its_problem() {
    let mut h = hosting();
    let lead = Actor::user(h.town.leon);
    let mut f = by_jobs(&h);
    f.jobs.soc = Some(JobId(9_999));
    let e = refused(&h.town.w, lead, Command::RegisterSolution { fields: f });
    assert_eq!(e.code(), "unknown-solution-job");
    assert!(e.to_string().contains("SOC") && e.to_string().contains("9999"), "{e}");
    assert!(
        e.message(lang::Lang::Sl).contains("ne obstaja"),
        "{}",
        e.message(lang::Lang::Sl)
    );
    // An invalidated job: nobody would ever hold it.
    let spare = job(&mut h.town.w, "JOB.TOK.09", h.town.tok);
    sys(
        &mut h.town.w,
        Command::SetJobValid {
            job: spare,
            valid: false,
        },
    );
    let mut f = by_jobs(&h);
    f.jobs.ekc = Some(spare);
    let e = refused(&h.town.w, lead, Command::RegisterSolution { fields: f });
    assert_eq!(e.code(), "invalid-solution-job");
    assert!(e.to_string().contains("JOB.TOK.09"), "{e}");
    assert!(e.message(lang::Lang::Sl).contains("ni več veljavno"));
    // The same on a correction of an existing entry.
    let mut f = by_jobs(&h);
    f.jobs.support_head = Some(h.town.w.user(h.town.uros).unwrap().jobs[0]);
    let s = register(&mut h, f);
    let mut f = by_jobs(&h);
    f.jobs.developer = Some(JobId(9_999));
    let e = refused(&h.town.w, lead, Command::UpdateSolution { solution: s, fields: f });
    assert_eq!(e.code(), "unknown-solution-job");
    // A job invalidated after the entry was saved stops the next version, naming the role,
    // rather than leaving its step to nobody.
    let uros = h.town.uros;
    let uros_job = h.town.w.user(uros).unwrap().jobs[0];
    sys(
        &mut h.town.w,
        Command::UnassignJob {
            user: uros,
            job: uros_job,
        },
    );
    sys(
        &mut h.town.w,
        Command::SetJobValid {
            job: uros_job,
            valid: false,
        },
    );
    let open = Command::OpenSolutionVersion {
        solution: s,
        version: text("1.0"),
    };
    let e = refused(&h.town.w, lead, open);
    assert_eq!(e.code(), "invalid-solution-job");
    assert!(e.to_string().contains("head of the system-support unit"), "{e}");
}

#[test]
fn a_solution_stored_before_jobs_existed_still_reads_back() {
    let mut h = hosting();
    let f = fields(&h);
    let s = register(&mut h, f);
    let stored = h.town.w.solution(s).unwrap().clone();
    // The record as the change log holds it from before the jobs: no `jobs` member at all.
    let mut old = serde_json::to_value(&stored).unwrap();
    assert!(old.as_object_mut().unwrap().remove("jobs").is_some());
    let read: Solution = serde_json::from_value(old).unwrap();
    assert_eq!(read.fields.jobs, SolutionJobs::default());
    assert_eq!(read, stored);
    // And a literal entry of the old shape, people only.
    let literal = json!({
        "id": 3, "codename": "EKT", "name": "Evidenca", "customer_body": "MKGP",
        "entry_route": "as_is", "people": {"customer": 2, "siv": 4}, "rev": 7
    });
    let read: Solution = serde_json::from_value(literal).unwrap();
    assert_eq!(read.fields.people.customer, Some(UserId(2)));
    assert_eq!(read.fields.jobs.customer, None);
}

/// Change-request with one role rebound, the problems of it.
fn problems_with(binding: serde_json::Value, extra_field: Option<serde_json::Value>) -> Vec<Problem> {
    let mut v = serde_json::to_value(process::shipped("change-request").unwrap()).unwrap();
    v["roles"][1]["binding"] = binding;
    if let Some(f) = extra_field {
        v["fields"].as_array_mut().unwrap().push(f);
    }
    let d: Definition = serde_json::from_value(v).unwrap();
    process::problems(&d)
}

#[test]
fn the_validator_refuses_a_job_binding_to_a_missing_field_or_a_field_of_another_kind() {
    let words = |k: &str| json!({"sl": k, "en": k});
    let job_field = json!({"key": "desk", "name": words("desk"), "type": "job", "fixed": true});
    let person_field = json!({"key": "who", "name": words("who"), "type": "person"});
    // A job field bound by `job`: no problem.
    assert_eq!(problems_with(json!({"job": "desk"}), Some(job_field.clone())), vec![]);
    // A field that does not exist.
    let p = problems_with(json!({"job": "nowhere"}), None);
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::Unknown { what: "field", key, .. } if key == "nowhere")),
        "{p:?}"
    );
    // A field of another kind (`description` is text).
    let p = problems_with(json!({"job": "description"}), None);
    assert!(
        p.contains(&Problem::BindingField {
            role: p_role(),
            field: "description".into(),
            expected: "job"
        }),
        "{p:?}"
    );
    // `person_or_job`: each half of its kind.
    let p = problems_with(
        json!({"person_or_job": {"person": "desk", "job": "who"}}),
        Some(job_field.clone()),
    );
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::BindingField { field, expected: "person", .. } if field == "desk")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| matches!(p, Problem::Unknown { what: "field", key, .. } if key == "who")),
        "{p:?}"
    );
    let mut v = serde_json::to_value(process::shipped("change-request").unwrap()).unwrap();
    v["fields"].as_array_mut().unwrap().extend([job_field, person_field]);
    v["roles"][1]["binding"] = json!({"person_or_job": {"person": "who", "job": "desk"}});
    let d: Definition = serde_json::from_value(v).unwrap();
    assert_eq!(process::problems(&d), vec![]);
    assert!(matches!(d.roles[1].binding, Binding::PersonOrJob(_)));
    // The problem in words, both languages.
    let wrong = Problem::BindingField {
        role: "r".into(),
        field: "description".into(),
        expected: "job",
    };
    assert!(wrong.to_string().contains("job field"));
    assert!(wrong.message(lang::Lang::Sl).contains("vrste job"));
    // On import the keeper is refused, every problem named.
    let mut h = hosting();
    let mut d = process::shipped("change-request").unwrap();
    d.version += 1;
    d.roles[1].binding = Binding::Job(Code::parse("f", "description").unwrap());
    let e = refused(
        &h.town.w,
        Actor::user(h.town.leon),
        Command::ImportProcess { definition: d },
    );
    assert_eq!(e.code(), "invalid-definition");
    assert!(e.to_string().contains("\"description\""), "{e}");
    // A job field of a case takes a job's id, refused for one that does not exist.
    let mut d = process::shipped("change-request").unwrap();
    d.version += 1;
    let mut v = serde_json::to_value(&d).unwrap();
    v["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "desk", "name": words("desk"), "type": "job"}));
    let d: Definition = serde_json::from_value(v).unwrap();
    run_as(
        &mut h.town.w,
        &Actor::user(h.town.leon),
        Command::ImportProcess { definition: d },
    );
    let start = |desk: u32| Command::StartCase {
        process: Code::parse("p", "change-request").unwrap(),
        title: text("Sprememba"),
        fields: serde_json::from_value(json!({"system": h.system.0, "desk": desk})).unwrap(),
        attachments: vec![],
    };
    let e = refused(&h.town.w, Actor::user(h.town.ana), start(9_999));
    assert_eq!(e.code(), "bad-field-value");
    run_as(&mut h.town.w, &Actor::user(h.town.ana), start(h.town.cene_job.0));
}

fn p_role() -> String {
    process::shipped("change-request").unwrap().roles[1].key.to_string()
}

#[test]
fn a_newer_shipped_definition_is_what_new_cases_run_on_and_a_keepers_higher_version_wins() {
    let mut h = hosting();
    let lead = Actor::user(h.town.leon);
    // A world that kept version 1 before the upgrade (a keeper's import stands in for it).
    let mut v1 = process::shipped(process::DRO_HOSTING).unwrap();
    v1.version = 1;
    run_as(&mut h.town.w, &lead, Command::ImportProcess { definition: v1 });
    assert_eq!(
        h.town
            .w
            .latest_process(process::DRO_HOSTING)
            .unwrap()
            .definition
            .version,
        1
    );
    let shipped = process::shipped(process::DRO_HOSTING).unwrap().version;
    assert!(shipped >= 2, "version {shipped}");
    assert_eq!(
        h.town.w.shipped_newer(process::DRO_HOSTING).map(|d| d.version),
        Some(shipped)
    );
    let f = by_jobs(&h);
    let s = register(&mut h, f);
    let leon = h.town.leon;
    let case = open(&mut h, s, leon, "1.0");
    assert_eq!(h.town.w.case(case).unwrap().version, shipped);
    // The shipped version is kept in that change; nothing newer is shipped now.
    assert!(
        h.town
            .w
            .process_version(process::DRO_HOSTING, shipped)
            .is_some_and(|d| d.shipped)
    );
    assert!(h.town.w.shipped_newer(process::DRO_HOSTING).is_none());
    // A keeper's higher version is what the next case runs on.
    let mut higher = process::shipped(process::DRO_HOSTING).unwrap();
    higher.version = shipped + 1;
    run_as(&mut h.town.w, &lead, Command::ImportProcess { definition: higher });
    assert_eq!(
        h.town
            .w
            .definition_for_new_case(process::DRO_HOSTING)
            .map(|d| d.version),
        Some(shipped + 1)
    );
    assert_eq!(
        h.town.w.case(case).unwrap().version,
        shipped,
        "the running case keeps its version"
    );
}

#[test]
fn a_raci_step_falling_back_to_a_role_bound_to_a_job_is_performed_at_that_job() {
    let mut h = hosting();
    // System support bound to Uroš's job alone; OPSI has no responsibility matrix, so the
    // production installer (RACI, task 22) falls back to system support.
    let uros_job = h.town.w.user(h.town.uros).unwrap().jobs[0];
    let mut f = by_jobs(&h);
    f.people.system_support = None;
    f.jobs.system_support = Some(uros_job);
    let s = register(&mut h, f);
    let leon = h.town.leon;
    let case = open(&mut h, s, leon, "1.0");
    let w = &h.town.w;
    let c = w.case(case).unwrap();
    let def = &w.process_definition(c.definition).unwrap().definition;
    assert_eq!(
        w.role_jobs(def, &c.fields, "production_installer"),
        Some(vec![uros_job])
    );
    assert_eq!(w.role_jobs(def, &c.fields, "system_support"), Some(vec![uros_job]));
    assert_eq!(
        w.bound_people(def, &c.fields, c.started_by, "production_installer", t(NOW)),
        vec![h.town.uros]
    );
    // A role with its person named is bound to the person, not performed at the job.
    assert_eq!(w.role_jobs(def, &c.fields, "siv"), None);
}
