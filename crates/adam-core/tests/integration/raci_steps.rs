//! Process steps assigned by RACI (issue #17: "R performs, A consents"): a role bound to a cell
//! of the case's solution's responsibility matrix. A definition naming a task, layer or
//! template that does not exist is refused at import with the name; a case walks with the
//! responsible party's job performing and the accountable party consenting, the folder handed
//! over to that job like any step's; re-binding the party changes who performs; a solution
//! without a matrix falls back to the `otherwise` role; and `bound_people` agrees with a
//! brute-force reading of the matrix over random bindings and overrides.

use crate::common::*;
use adam_core::process::{self, Definition, Problem};
use adam_core::raci::{Bound, Cell, Key, Letter, Party, SolutionCode, TemplateRef, template};
use adam_core::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn key(s: &str) -> Key {
    Key::parse(s).unwrap()
}

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

fn words(s: &str) -> Value {
    json!({"sl": s, "en": s})
}

/// Task 4 "Maintenance responsibility – overall" at the middleware layer: in model 2A the
/// customer is A and the provider R — the split the prose calls "on the customer's
/// instruction".
fn definition_json(task: &str, layer: &str) -> Value {
    json!({
        "key": "raci-maintenance",
        "version": 1,
        "name": words("Maintenance by RACI"),
        "roles": [
            {"key": "starter", "name": words("starter"), "binding": "starter"},
            {"key": "maintainer", "name": words("maintainer"),
             "binding": {"raci": {"solution": "solution", "task": task, "layer": layer, "otherwise": "starter"}}},
            {"key": "owner", "name": words("owner"),
             "binding": {"raci": {"solution": "solution", "task": task, "layer": layer, "letter": "A"}}}
        ],
        "fields": [{"key": "solution", "name": words("solution"), "type": "text", "fixed": true}],
        "start": "maintain",
        "steps": [
            {"key": "maintain", "name": words("maintain"), "kind": "task", "performer": "maintainer",
             "guards": [{"consent": ["owner"]}],
             "outcomes": [{"key": "done", "name": words("done"), "to": "check"}]},
            {"key": "check", "name": words("check"), "kind": "decision", "performer": "owner",
             "outcomes": [{"key": "ok", "name": words("ok"), "to": "end"},
                          {"key": "again", "name": words("again"), "to": "maintain"}]},
            {"key": "end", "name": words("end"), "kind": "end"}
        ]
    })
}

fn definition() -> Definition {
    serde_json::from_value(definition_json("Maintenance responsibility – overall", "Middleware")).unwrap()
}

fn create_matrix(w: &mut World, solution: &str, customer: Option<Bound>, provider: Option<Bound>) -> RaciMatrixId {
    sys(
        w,
        Command::RegisterSolution {
            fields: adam_testkit::bare_solution(solution),
        },
    );
    let created = sys(
        w,
        Command::CreateRaciMatrix {
            solution: SolutionCode::parse(solution).unwrap(),
            template: TemplateRef {
                code: key(template::MODEL_2A_CODE),
                version: 1,
            },
            parties: vec![
                Party {
                    key: key("customer"),
                    name: None,
                    bound: customer,
                },
                Party {
                    key: key("provider"),
                    name: None,
                    bound: provider,
                },
            ],
        },
    );
    match created {
        Some(Created::RaciMatrix(m)) => m,
        other => panic!("{other:?}"),
    }
}

fn start(w: &mut World, by: UserId, solution: &str) -> CaseId {
    let fields: BTreeMap<String, Value> = [("solution".to_owned(), json!(solution))].into();
    match run_as(
        w,
        &Actor::user(by),
        Command::StartCase {
            process: code("raci-maintenance"),
            title: text("Vzdrževanje"),
            fields,
            attachments: vec![],
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
        step: code(step),
        outcome: code(outcome),
        comment: None,
        fields: BTreeMap::new(),
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

#[test]
fn a_raci_binding_naming_what_the_template_does_not_have_is_refused_at_import_by_name() {
    let town = town();
    assert_eq!(town.w.definition_problems(&definition()), vec![]);
    // The task by number and the layer by key read too.
    let by_number: Definition = serde_json::from_value(definition_json("4", "middleware")).unwrap();
    assert_eq!(town.w.definition_problems(&by_number), vec![]);

    let mut v = definition_json("Kernel tuning", "kernel");
    v["roles"][2]["binding"]["raci"]["template"] = json!("dk-sit-9z");
    v["roles"][1]["binding"]["raci"]["otherwise"] = json!("owner");
    v["fields"][0]["type"] = json!("bool");
    let d: Definition = serde_json::from_value(v).unwrap();
    let problems = town.w.definition_problems(&d);
    assert!(
        problems.contains(&Problem::RaciTask {
            role: "maintainer".into(),
            task: "Kernel tuning".into()
        }),
        "{problems:?}"
    );
    assert!(problems.contains(&Problem::RaciLayer {
        role: "maintainer".into(),
        layer: "kernel".into()
    }));
    assert!(problems.contains(&Problem::RaciTemplate {
        role: "owner".into(),
        template: "dk-sit-9z".into()
    }));
    assert!(problems.contains(&Problem::RaciFallback {
        role: "maintainer".into(),
        otherwise: "owner".into()
    }));
    assert!(problems.contains(&Problem::BindingField {
        role: "maintainer".into(),
        field: "solution".into(),
        expected: "text"
    }));
    let sl = Problem::RaciTask {
        role: "maintainer".into(),
        task: "Kernel tuning".into(),
    }
    .message(lang::Lang::Sl);
    assert!(sl.contains("Kernel tuning") && sl.contains("nalogo RACI"), "{sl}");
    // The import itself is refused with the problems named.
    let err = refused(&town.w, Actor::System, Command::ImportProcess { definition: d });
    assert_eq!(err.code(), "invalid-definition");
    assert!(err.to_string().contains("Kernel tuning"), "{err}");
}

#[test]
fn the_responsible_party_performs_the_accountable_consents_and_rebinding_moves_the_step() {
    let mut town = town();
    let w = &mut town.w;
    sys(
        w,
        Command::ImportProcess {
            definition: definition(),
        },
    );
    // OPSI: the customer answers through Ana's job, the provider through KZUP's head (Leon).
    let m = create_matrix(
        w,
        "OPSI",
        Some(Bound::Job(town.ana_job)),
        Some(Bound::Office(town.kzup)),
    );
    let leader_kzup = w.job_by_code("LEADER.KZUP").unwrap();
    let case = start(w, town.bojan, "opsi");
    let c = w.case(case).unwrap().clone();
    assert_eq!(w.performers(&c, t(NOW)), vec![town.leon]);
    // The provider's job holds the file, not the starter's.
    assert_eq!(c.responsible, Some(leader_kzup));
    let folder = ObjectRef::Folder(c.folder);
    assert!(w.check(town.leon, folder, t(NOW), Session::MFA).unwrap() >= Level::Edit21);
    assert!(w.check(town.cene, folder, t(NOW), Session::MFA).unwrap() < Level::View13);

    // Only R performs; only A consents; the step needs A's consent.
    assert_eq!(
        refused(w, Actor::user(town.bojan), decide(case, "maintain", "done")).code(),
        "not-performer"
    );
    assert_eq!(
        refused(w, Actor::user(town.leon), decide(case, "maintain", "done")).code(),
        "guards-unmet"
    );
    assert_eq!(
        refused(w, Actor::user(town.leon), consent(case, "owner")).code(),
        "not-role-holder"
    );
    run_as(w, &Actor::user(town.ana), consent(case, "owner"));
    run_as(w, &Actor::user(town.leon), decide(case, "maintain", "done"));

    // The accountable customer's job takes the file over; the provider keeps reading.
    let c = w.case(case).unwrap().clone();
    assert_eq!(c.current.as_str(), "check");
    assert_eq!(c.responsible, Some(town.ana_job));
    let f = w.folder(c.folder).unwrap();
    assert_eq!(f.workflow.responsible, Some(town.ana_job));
    assert_eq!(f.workflow.sender, Some(leader_kzup));
    assert!(w.check(town.ana, folder, t(NOW), Session::MFA).unwrap() >= Level::Edit21);
    assert_eq!(w.check(town.leon, folder, t(NOW), Session::MFA).unwrap(), Level::View14);

    // The provider is re-bound to Cene's job: the next visit of the step is Cene's.
    sys(
        w,
        Command::SetRaciParty {
            matrix: m,
            party: Party {
                key: key("provider"),
                name: None,
                bound: Some(Bound::Job(town.cene_job)),
            },
        },
    );
    run_as(w, &Actor::user(town.ana), decide(case, "check", "again"));
    let c = w.case(case).unwrap().clone();
    assert_eq!(c.current.as_str(), "maintain");
    assert_eq!(w.performers(&c, t(NOW)), vec![town.cene]);
    assert_eq!(c.responsible, Some(town.cene_job));
    assert!(w.check(town.cene, folder, t(NOW), Session::MFA).unwrap() >= Level::Edit21);
    assert_eq!(
        refused(w, Actor::user(town.leon), decide(case, "maintain", "done")).code(),
        "not-performer"
    );

    // An override that makes the customer R too: both parties' people perform.
    sys(
        w,
        Command::OverrideRaciCell {
            matrix: m,
            task: 4,
            layer: key("middleware"),
            party: key("customer"),
            letters: Cell::parse("AR").unwrap(),
            reason: Some(text("Stranka vmesno opremo vzdržuje tudi sama.")),
        },
    );
    let c = w.case(case).unwrap().clone();
    let mut both = vec![town.ana, town.cene];
    both.sort();
    assert_eq!(w.performers(&c, t(NOW)), both);
}

#[test]
fn a_solution_without_a_matrix_falls_back_and_a_vacant_job_binds_nobody() {
    let mut town = town();
    let w = &mut town.w;
    sys(
        w,
        Command::ImportProcess {
            definition: definition(),
        },
    );
    // No matrix for EKT: the starter performs (`otherwise`); nobody is accountable, so the
    // consent cannot be given by anyone.
    let case = start(w, town.bojan, "EKT");
    let c = w.case(case).unwrap().clone();
    assert_eq!(w.performers(&c, t(NOW)), vec![town.bojan]);
    assert_eq!(
        refused(w, Actor::user(town.ana), consent(case, "owner")).code(),
        "not-role-holder"
    );
    // The provider not bound to the directory: the matrix says nothing either.
    create_matrix(w, "E2", Some(Bound::Job(town.ana_job)), None);
    let case = start(w, town.bojan, "E2");
    assert_eq!(w.performers(w.case(case).unwrap(), t(NOW)), vec![town.bojan]);
    // The provider bound to an office whose head's job nobody holds (UN): nobody performs,
    // so the case cannot start.
    create_matrix(w, "EVEM", Some(Bound::Job(town.ana_job)), Some(Bound::Office(town.un)));
    let fields: BTreeMap<String, Value> = [("solution".to_owned(), json!("EVEM"))].into();
    let err = refused(
        w,
        Actor::user(town.bojan),
        Command::StartCase {
            process: code("raci-maintenance"),
            title: text("Vzdrževanje"),
            fields,
            attachments: vec![],
        },
    );
    assert_eq!(err.code(), "nobody-to-perform");
}

// ---------------------------------------------------------------------------------------------
// bound_people of a RACI role against a brute-force reading of the matrix.

#[derive(Clone, Debug)]
enum Act {
    /// Bind party 0/1 to target `t` (0 none, 1 Ana's job, 2 Cene's job, 3 KZUP, 4 UN, 5 GLPI's
    /// clerk's job).
    Bind(usize, usize),
    /// Override (task, layer, party) with these letter bits.
    Override(u16, usize, usize, u8),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (0..2usize, 0..6usize).prop_map(|(p, t)| Act::Bind(p, t)),
        (1..=25u16, 0..4usize, 0..2usize, 0..16u8).prop_map(|(t, l, p, b)| Act::Override(t, l, p, b)),
    ]
}

const LAYERS: [&str; 4] = [
    "applications",
    "middleware",
    "operating_system",
    "server_storage_network",
];
const PARTIES: [&str; 2] = ["customer", "provider"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn bound_people_of_a_raci_role_is_the_matrix_read_by_hand(
        acts in proptest::collection::vec(act(), 0..12),
        task in 1..=25u16,
        layer in 0..4usize,
        accountable in any::<bool>(),
    ) {
        let mut town = town();
        let leader_kzup = town.w.job_by_code("LEADER.KZUP").unwrap();
        let m = create_matrix(&mut town.w, "OPSI", None, None);
        let target = |i: usize| match i {
            1 => Some(Bound::Job(town.ana_job)),
            2 => Some(Bound::Job(town.cene_job)),
            3 => Some(Bound::Office(town.kzup)),
            4 => Some(Bound::Office(town.un)),
            5 => Some(Bound::Job(town.gregor_job)),
            _ => None,
        };
        for a in &acts {
            let command = match a {
                Act::Bind(p, t) => Command::SetRaciParty {
                    matrix: m,
                    party: Party { key: key(PARTIES[*p]), name: None, bound: target(*t) },
                },
                Act::Override(t, l, p, bits) => Command::OverrideRaciCell {
                    matrix: m,
                    task: *t,
                    layer: key(LAYERS[*l]),
                    party: key(PARTIES[*p]),
                    letters: Cell::from_bits(*bits),
                    reason: Some(text("naključno")),
                },
            };
            // Refused changes (two A's, nothing changed) leave the matrix as it was.
            let _ = town.w.execute(&Actor::System, command, t(NOW));
        }
        let mut v = definition_json(&task.to_string(), LAYERS[layer]);
        if accountable {
            v["roles"][1]["binding"]["raci"]["letter"] = json!("A");
        }
        let def: Definition = serde_json::from_value(v).unwrap();
        let fields = [(code("solution"), process::FieldValue::Text("OPSI".into()))].into();
        let got = town.w.bound_people(&def, &fields, Some(town.uros), "maintainer", t(NOW));

        // By hand: each party with the letter in the effective cell, through its job (an
        // office through its head: only KZUP's is held), to the people holding it.
        let w = &town.w;
        let mx = w.raci_matrix(m).unwrap();
        let tpl = mx.template().unwrap();
        let letter = if accountable { Letter::A } else { Letter::R };
        let holders = |b: Bound| -> Option<Vec<UserId>> {
            match b {
                Bound::Job(j) if j == town.ana_job => Some(vec![town.ana]),
                Bound::Job(j) if j == town.cene_job => Some(vec![town.cene]),
                Bound::Job(j) if j == town.gregor_job => Some(vec![town.gregor]),
                Bound::Office(o) if o == town.kzup => Some(vec![town.leon]),
                Bound::Office(o) if o == town.un => Some(vec![]),
                other => panic!("{other:?} {leader_kzup:?}"),
            }
        };
        let mut bound_any = false;
        let mut want: Vec<UserId> = Vec::new();
        for p in &mx.parties {
            if mx.cell(tpl, task, &key(LAYERS[layer]), &p.key).has(letter)
                && let Some(b) = p.bound
                && let Some(people) = holders(b)
            {
                bound_any = true;
                want.extend(people);
            }
        }
        if !bound_any {
            want = vec![town.uros];
        }
        want.sort();
        want.dedup();
        prop_assert_eq!(got, want);
    }
}
