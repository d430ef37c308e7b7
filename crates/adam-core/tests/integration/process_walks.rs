//! The process engine (issue #16), its property: random walks through random valid
//! definitions never pass a guard that does not hold (against a brute-force oracle), "my
//! steps" agrees with the performers, and a case's folder always belongs to the job
//! performing its current step. The scenario walks are in `process.rs`.

use crate::common::*;
use crate::process::{code, consent, start};
use adam_core::process::{self, Definition, StepKind};
use adam_core::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

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
