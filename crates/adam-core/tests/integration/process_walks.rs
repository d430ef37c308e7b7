//! The process engine (issue #16), its property: random walks through random valid
//! definitions — with every kind of guard: fields, values, documents, consents, distinct
//! people in roles (one of them bound to a person field), dates in order, conditions with
//! any / all / not, and guards limited by `when`, on an outcome or on the whole step — never
//! pass a guard that does not hold (against a brute-force oracle), "my
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

/// The roles a `distinct` guard may name: [`ROLES`], then `named`, the person in field `p0`
/// (none while it is empty).
const DISTINCT_ROLES: [&str; 4] = ["starter", "glpi", "leader", "named"];

/// A step of a [`Shape`]: performer, back-edges, an outcome to the end, the next outcome's
/// guards, the step's guards.
type StepShape = (usize, Vec<usize>, bool, Vec<GuardShape>, Vec<GuardShape>);

#[derive(Clone, Debug)]
struct Shape {
    /// Per step: its performer (index into ROLES), the back-edges (to earlier steps), whether
    /// it has an outcome straight to the end, the guards of its outcome to the next step, and
    /// the guards of the step itself (every outcome's, the back-edges' too).
    steps: Vec<StepShape>,
}

#[derive(Clone, Debug)]
enum GuardShape {
    Field(usize),
    IsTrue(usize),
    Consent(Vec<usize>),
    /// A document `doc{n}` attached.
    Document(usize),
    /// No person bound to two of these roles (indexes into [`DISTINCT_ROLES`]).
    Distinct(Vec<usize>),
    /// The date `d0` before `d1`.
    Before,
    /// A condition holds.
    Holds(Cond),
    /// The inner guard, only when the condition holds (never a consent: which consents a step
    /// asks for is read from its guards as written).
    When(Cond, Box<GuardShape>),
}

/// A condition on the fields: `b{n}` is the value, field `n` (f0–f3, b0–b3) is set or not, and
/// any / all / not of those.
#[derive(Clone, Debug)]
enum Cond {
    Is(usize, bool),
    Set(usize, bool),
    Any(Vec<Cond>),
    All(Vec<Cond>),
    Not(Box<Cond>),
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        (0..4usize, any::<bool>()).prop_map(|(b, v)| Cond::Is(b, v)),
        (0..8usize, any::<bool>()).prop_map(|(f, v)| Cond::Set(f, v)),
    ];
    leaf.prop_recursive(3, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Cond::Any),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Cond::All),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

fn guard_shape() -> impl Strategy<Value = GuardShape> {
    let plain = prop_oneof![
        (0..4usize).prop_map(GuardShape::Field),
        (0..4usize).prop_map(GuardShape::IsTrue),
        (0..2usize).prop_map(GuardShape::Document),
        proptest::sample::subsequence(vec![0usize, 1, 2, 3], 2..=3).prop_map(GuardShape::Distinct),
        Just(GuardShape::Before),
        cond().prop_map(GuardShape::Holds),
    ];
    prop_oneof![
        3 => plain.clone(),
        1 => proptest::sample::subsequence(vec![0usize, 1, 2], 1..=2).prop_map(GuardShape::Consent),
        1 => (cond(), plain).prop_map(|(c, g)| GuardShape::When(c, Box::new(g))),
    ]
}

/// Field `n` of the eight a condition may ask is set: f0–f3, then b0–b3.
fn field_name(n: usize) -> String {
    if n < 4 { format!("f{n}") } else { format!("b{}", n - 4) }
}

fn cond_json(c: &Cond) -> Value {
    match c {
        Cond::Is(b, v) => json!({"field": format!("b{b}"), "is": v}),
        Cond::Set(f, v) => json!({"field": field_name(*f), "set": v}),
        Cond::Any(cs) => json!({"any": cs.iter().map(cond_json).collect::<Vec<_>>()}),
        Cond::All(cs) => json!({"all": cs.iter().map(cond_json).collect::<Vec<_>>()}),
        Cond::Not(c) => json!({"not": cond_json(c)}),
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    proptest::collection::vec(
        (
            0..3usize,
            proptest::collection::vec(0..8usize, 0..2),
            any::<bool>(),
            proptest::collection::vec(guard_shape(), 0..3),
            proptest::collection::vec(guard_shape(), 0..2),
        ),
        1..7,
    )
    .prop_map(|raw| Shape {
        steps: raw
            .into_iter()
            .enumerate()
            .map(|(i, (p, back, skip, g, sg))| (p, back.into_iter().filter(|b| *b <= i).collect(), skip, g, sg))
            .collect(),
    })
}

fn words(s: &str) -> Value {
    json!({"sl": s, "en": s})
}

fn definition_of(shape: &Shape) -> Definition {
    let n = shape.steps.len();
    fn guard(g: &GuardShape) -> Value {
        match g {
            GuardShape::Field(f) => json!({"field": format!("f{f}")}),
            GuardShape::IsTrue(f) => json!({"holds": {"field": format!("b{f}"), "is": true}}),
            GuardShape::Consent(roles) => json!({"consent": roles.iter().map(|r| ROLES[*r]).collect::<Vec<_>>()}),
            GuardShape::Document(d) => json!({"document": format!("doc{d}")}),
            GuardShape::Distinct(roles) => {
                json!({"distinct": roles.iter().map(|r| DISTINCT_ROLES[*r]).collect::<Vec<_>>()})
            }
            GuardShape::Before => json!({"before": ["d0", "d1"]}),
            GuardShape::Holds(c) => json!({"holds": cond_json(c)}),
            GuardShape::When(c, inner) => {
                let mut g = guard(inner);
                g["when"] = cond_json(c);
                g
            }
        }
    }
    let mut steps: Vec<Value> = shape
        .steps
        .iter()
        .enumerate()
        .map(|(i, (p, back, skip, guards, step_guards))| {
            let next = if i + 1 == n { "end".to_owned() } else { format!("s{}", i + 1) };
            let mut outcomes = vec![json!({"key": "next", "name": words("next"), "to": next, "guards": guards.iter().map(guard).collect::<Vec<_>>()})];
            for b in back {
                outcomes.push(json!({"key": format!("back{b}"), "name": words("back"), "to": format!("s{b}")}));
            }
            if *skip {
                outcomes.push(json!({"key": "skip", "name": words("skip"), "to": "end", "guards": [{"field": "f0"}]}));
            }
            json!({"key": format!("s{i}"), "name": words("step"), "kind": "decision", "performer": ROLES[*p], "guards": step_guards.iter().map(guard).collect::<Vec<_>>(), "outcomes": outcomes})
        })
        .collect();
    steps.push(json!({"key": "end", "name": words("end"), "kind": "end"}));
    let mut fields: Vec<Value> = (0..4)
        .map(|i| json!({"key": format!("f{i}"), "name": words("f"), "type": "text"}))
        .collect();
    fields.extend((0..4).map(|i| json!({"key": format!("b{i}"), "name": words("b"), "type": "bool"})));
    fields.extend((0..2).map(|i| json!({"key": format!("d{i}"), "name": words("d"), "type": "date"})));
    fields.push(json!({"key": "p0", "name": words("p"), "type": "person"}));
    serde_json::from_value(json!({
        "key": "random",
        "version": 1,
        "name": words("random"),
        "roles": [
            {"key": "starter", "name": words("starter"), "binding": "starter"},
            {"key": "glpi", "name": words("glpi"), "binding": {"adam_role": "GLPI"}},
            {"key": "leader", "name": words("leader"), "binding": {"adam_role": "leader.main"}},
            {"key": "named", "name": words("named"), "binding": {"person": "p0"}},
        ],
        "fields": fields,
        "documents": [{"key": "doc0", "name": words("doc0")}, {"key": "doc1", "name": words("doc1")}],
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
        /// Field `n` (f0–f3, b0–b3, d0–d1, p0) with a value from `v` (for p0 the person
        /// `v` of Ana, Gregor, Leon, Uroš).
        fill: Vec<(usize, u8)>,
        /// A document `doc{n}` attached with the decision.
        attach: Option<usize>,
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
            proptest::collection::vec((0..11usize, 0..4u8), 0..3),
            proptest::option::of(0..2usize),
        )
            .prop_map(|(by, outcome, fill, attach)| Act::Decide {
                by,
                outcome,
                fill,
                attach
            }),
        (0..4usize, 0..3usize).prop_map(|(by, role)| Act::Consent { by, role }),
    ]
}

/// The brute-force oracle: whether `outcome` of the case's current step may be taken with
/// `fill` by `by`, read straight from the shape and the case as it stands (`people`: Ana,
/// Gregor, Leon, Uroš).
fn oracle_allows(
    shape: &Shape,
    case: &process::Case,
    outcome: &str,
    by: usize,
    fill: &BTreeMap<String, Value>,
    attach: Option<usize>,
    people: &[UserId; 4],
) -> bool {
    let Some(i) = case
        .current
        .as_str()
        .strip_prefix('s')
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return false;
    };
    let (performer, back, skip, guards, step_guards) = &shape.steps[i];
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
    let date = |key: &str| {
        fill.get(key)
            .and_then(|v| v.as_str().map(str::to_owned))
            .or_else(|| match case.fields.get(&code(key)) {
                Some(process::FieldValue::Text(t)) => Some(t.to_string()),
                _ => None,
            })
    };
    let attached = |d: usize| {
        attach == Some(d)
            || case
                .attachments
                .iter()
                .any(|a| a.doc_type.as_ref().is_some_and(|t| t.as_str() == format!("doc{d}")))
    };
    // Who each of DISTINCT_ROLES binds: person `n` holds role `n` of ROLES; `named` is the
    // person in p0 (as typed now, else as kept).
    let named: Option<usize> = fill
        .get("p0")
        .and_then(Value::as_i64)
        .or_else(|| match case.fields.get(&code("p0")) {
            Some(process::FieldValue::Int(i)) => Some(*i),
            _ => None,
        })
        .and_then(|id| people.iter().position(|p| i64::from(p.0) == id));
    let distinct = |roles: &[usize]| {
        let bound: Vec<usize> = roles
            .iter()
            .filter_map(|r| if *r < 3 { Some(*r) } else { named })
            .collect();
        bound.iter().enumerate().all(|(i, p)| !bound[..i].contains(p))
    };
    fn holds(c: &Cond, filled: &dyn Fn(&str) -> bool, value: &dyn Fn(&str) -> Option<Value>) -> bool {
        match c {
            Cond::Is(b, v) => value(&format!("b{b}")) == Some(json!(*v)),
            Cond::Set(f, v) => filled(&field_name(*f)) == *v,
            Cond::Any(cs) => cs.iter().any(|c| holds(c, filled, value)),
            Cond::All(cs) => cs.iter().all(|c| holds(c, filled, value)),
            Cond::Not(c) => !holds(c, filled, value),
        }
    }
    let passes = |g: &GuardShape| -> bool {
        fn one(
            g: &GuardShape,
            filled: &dyn Fn(&str) -> bool,
            value: &dyn Fn(&str) -> Option<Value>,
            date: &dyn Fn(&str) -> Option<String>,
            attached: &dyn Fn(usize) -> bool,
            consented: &dyn Fn(usize) -> bool,
            distinct: &dyn Fn(&[usize]) -> bool,
        ) -> bool {
            match g {
                GuardShape::Field(f) => filled(&format!("f{f}")),
                GuardShape::IsTrue(f) => value(&format!("b{f}")) == Some(json!(true)),
                GuardShape::Consent(roles) => roles.iter().all(|r| consented(*r)),
                GuardShape::Document(d) => attached(*d),
                GuardShape::Distinct(roles) => distinct(roles),
                // Both dates given (`YYYY-MM-DD` compares as text), the first earlier.
                GuardShape::Before => matches!((date("d0"), date("d1")), (Some(a), Some(b)) if a < b),
                GuardShape::Holds(c) => holds(c, filled, value),
                GuardShape::When(c, inner) => {
                    !holds(c, filled, value) || one(inner, filled, value, date, attached, consented, distinct)
                }
            }
        }
        one(g, &filled, &value, &date, &attached, &consented, &distinct)
    };
    // The step's own guards hold before any of its outcomes is taken.
    if !step_guards.iter().all(passes) {
        return false;
    }
    match outcome {
        "next" => guards.iter().all(passes),
        "skip" => *skip && filled("f0"),
        o => o
            .strip_prefix("back")
            .and_then(|b| b.parse::<usize>().ok())
            .is_some_and(|b| back.contains(&b)),
    }
}

/// A document of type `doc{n}` (each its own file).
fn document(n: usize) -> adam_core::attachment::AttachmentRef {
    adam_core::attachment::AttachmentRef {
        sha256: adam_core::attachment::Digest::parse("sha256", &format!("{n:0>64}")).unwrap(),
        name: text(&format!("doc{n}.pdf")),
        size: 1000,
        media_type: None,
        doc_type: Some(code(&format!("doc{n}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

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
                Act::Decide { by, outcome, fill, attach } => {
                    let i: usize = before.current.as_str()[1..].parse().unwrap();
                    let step = &d.steps[i];
                    let outcome = step.outcomes[outcome % step.outcomes.len()].key.clone();
                    let fill: BTreeMap<String, Value> = fill
                        .into_iter()
                        .map(|(f, v)| match f {
                            0..4 => (format!("f{f}"), json!("x")),
                            4..8 => (format!("b{}", f - 4), json!(v % 2 == 0)),
                            8..10 => (format!("d{}", f - 8), json!(format!("2026-03-0{}", v + 1))),
                            _ => ("p0".to_owned(), json!(people[usize::from(v)].0)),
                        })
                        .collect();
                    let cmd = Command::DecideStep {
                        case,
                        step: before.current.clone(),
                        outcome: outcome.clone(),
                        comment: None,
                        fields: fill.clone(),
                        attachments: attach.map(document).into_iter().collect(),
                    };
                    let allowed = oracle_allows(&shape, &before, outcome.as_str(), by, &fill, attach, &people);
                    let got = town.w.execute(&Actor::user(people[by]), cmd, t(NOW));
                    prop_assert_eq!(got.is_ok(), allowed, "{:?} by {} at {}: {:?}", outcome, by, before.current, got.err());
                }
                Act::Consent { by, role } => {
                    let i: usize = before.current.as_str()[1..].parse().unwrap();
                    let (_, _, _, guards, step_guards) = &shape.steps[i];
                    let asked = guards
                        .iter()
                        .chain(step_guards)
                        .any(|g| matches!(g, GuardShape::Consent(r) if r.contains(&role)));
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
