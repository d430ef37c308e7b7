//! Checking a definition before it is kept: one that cannot work is refused with **every**
//! problem named, so an administrator fixes the file once rather than once per problem.
//!
//! What "cannot work" means: a key used twice; a start, an outcome or a role that names
//! nothing; a step nobody can reach, or from which the case can never end; a step with
//! nobody to perform it, or with no way out; a guard naming a field, document or role the
//! definition does not declare, or asking for nothing; a role bound to a field of the wrong
//! kind (a `job` binding to a field that is not a `job`); a condition comparing a closed list with a value it does not offer; a role bound by
//! RACI to a template, task or layer ADAM does not know. Checks that need
//! the world (an ADAM role that does not exist) are made by the planner on import.
//!
//! [`Problem`] is defined in `error/findings.rs` beside the refusal that carries it
//! (re-exported here); what it says is here.

use super::definition::{Binding, Condition, Definition, FieldKind, FieldValue, Guard, RaciBinding, StepKind};
pub use crate::error::Problem;
use crate::lang::Lang;
use crate::text::Code;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// The most steps, roles or fields a definition may have: the hosting onboarding has about 50
/// steps; ten times that is a mistake, not a process.
pub const MAX_ITEMS: usize = 500;

impl Problem {
    /// The problem in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Sl => self.sl(),
        }
    }

    fn sl(&self) -> String {
        match self {
            Problem::NoSteps => "definicija nima korakov".to_owned(),
            Problem::TooMany(what) => format!("preveč elementov vrste {} (največ {MAX_ITEMS})", what_sl(what)),
            Problem::Duplicate { what, key } => format!("{} {key:?} je naveden dvakrat", what_sl(what)),
            Problem::DuplicateOutcome { step, outcome } => format!("korak {step:?} ima izid {outcome:?} dvakrat"),
            Problem::UnknownStart(s) => format!("začetni korak {s:?} ne obstaja"),
            Problem::StartIsEnd(s) => format!("začetni korak {s:?} je končni korak"),
            Problem::LeadsNowhere { step, outcome, to } => {
                format!("izid {outcome:?} koraka {step:?} vodi v korak {to:?}, ki ne obstaja")
            }
            Problem::Unreachable(s) => format!("do koraka {s:?} ne vodi nobena pot od začetka"),
            Problem::NeverEnds(s) => format!("iz koraka {s:?} ni poti do konca: zadeva se ne bi mogla zaključiti"),
            Problem::NoEnd => "definicija nima končnega koraka".to_owned(),
            Problem::NoPerformer(s) => format!("korak {s:?} nima izvajalca: nihče ga ne more opraviti"),
            Problem::NoWayOut(s) => format!("korak {s:?} nima izidov: iz njega ni izhoda"),
            Problem::EndGoesOn(s) => format!("končni korak {s:?} ima izide ali izvajalca"),
            Problem::OptionalNotSkippable(s) => format!(
                "korak {s:?} je označen kot neobvezen, a ga nobena zadeva ne more preskočiti: noben korak pred njim nima izida, ki vodi drugam"
            ),
            Problem::Unknown { what, key, place } => {
                format!(
                    "{place} navaja {} {key:?}, ki v definiciji ni opredeljen",
                    what_sl(what)
                )
            }
            Problem::BindingField { role, field, expected } => {
                format!("vloga {role:?} je vezana na polje {field:?}, ki bi moralo biti vrste {expected}")
            }
            Problem::GuardShape(p) => format!("{p}: pogoj mora zahtevati natanko eno stvar"),
            Problem::ConditionShape(p) => format!("{p}: pravilo mora preverjati natanko eno stvar"),
            Problem::ConsentRoles(p) => format!("{p}: soglasje mora navesti vloge, vsako enkrat"),
            Problem::UnknownChoice { field, value, place } => {
                format!("{place}: polje {field:?} nima možnosti {value:?}")
            }
            Problem::BeforeNeedsDates(p) => format!("{p}: primerjava »pred« zahteva polji z datumom ali časom"),
            Problem::BadOptions(f) => format!("polje {f:?} mora imeti možnosti, vsako enkrat"),
            Problem::UnknownAdamRole { role, code } => {
                format!("vloga {role:?} je vezana na vlogo ADAM {code:?}, ki ne obstaja")
            }
            Problem::RaciTemplate { role, template } => {
                format!("vloga {role:?} je vezana na matriko RACI po predlogi {template:?}, ki je ADAM nima")
            }
            Problem::RaciTask { role, task } => {
                format!("vloga {role:?} je vezana na nalogo RACI {task:?}, ki je predloga nima")
            }
            Problem::RaciLayer { role, layer } => {
                format!("vloga {role:?} je vezana na plast RACI {layer:?}, ki je predloga nima")
            }
            Problem::RaciFallback { role, otherwise } => {
                format!("vloga {role:?} ima za nadomestno vlogo {otherwise:?}, ki je prav tako vezana na matriko RACI")
            }
        }
    }
}

fn what_sl(what: &str) -> &'static str {
    match what {
        "step" => "korak",
        "role" => "vloga",
        "field" => "polje",
        "document" => "vrsta dokumenta",
        "outcome" => "izid",
        _ => "element",
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoSteps => write!(f, "the definition has no steps"),
            Problem::TooMany(what) => write!(f, "too many {what}s (at most {MAX_ITEMS})"),
            Problem::Duplicate { what, key } => write!(f, "{what} {key:?} is declared twice"),
            Problem::DuplicateOutcome { step, outcome } => write!(f, "step {step:?} has outcome {outcome:?} twice"),
            Problem::UnknownStart(s) => write!(f, "the start step {s:?} does not exist"),
            Problem::StartIsEnd(s) => write!(f, "the start step {s:?} is an end"),
            Problem::LeadsNowhere { step, outcome, to } => {
                write!(
                    f,
                    "outcome {outcome:?} of step {step:?} leads to {to:?}, which does not exist"
                )
            }
            Problem::Unreachable(s) => write!(f, "step {s:?} cannot be reached from the start"),
            Problem::NeverEnds(s) => write!(
                f,
                "no path leads from step {s:?} to an end: a case there could never close"
            ),
            Problem::NoEnd => write!(f, "the definition has no end step"),
            Problem::NoPerformer(s) => write!(f, "step {s:?} has no performer: nobody can perform it"),
            Problem::NoWayOut(s) => write!(f, "step {s:?} has no outcomes: there is no way out of it"),
            Problem::EndGoesOn(s) => write!(f, "end step {s:?} has outcomes or a performer"),
            Problem::OptionalNotSkippable(s) => write!(
                f,
                "step {s:?} is marked optional but no case can skip it: no step leading into it has an outcome leading elsewhere"
            ),
            Problem::Unknown { what, key, place } => {
                write!(f, "{place} names {what} {key:?}, which the definition does not declare")
            }
            Problem::BindingField { role, field, expected } => {
                write!(
                    f,
                    "role {role:?} is bound to field {field:?}, which must be a {expected} field"
                )
            }
            Problem::GuardShape(p) => write!(f, "{p}: a guard must ask for exactly one thing"),
            Problem::ConditionShape(p) => write!(f, "{p}: a condition must test exactly one thing"),
            Problem::ConsentRoles(p) => write!(f, "{p}: a consent must name roles, each once"),
            Problem::UnknownChoice { field, value, place } => write!(f, "{place}: field {field:?} offers no {value:?}"),
            Problem::BeforeNeedsDates(p) => write!(f, "{p}: \"before\" compares two date or instant fields"),
            Problem::BadOptions(field) => write!(f, "field {field:?} must offer options, each once"),
            Problem::UnknownAdamRole { role, code } => {
                write!(f, "role {role:?} is bound to ADAM role {code:?}, which does not exist")
            }
            Problem::RaciTemplate { role, template } => write!(
                f,
                "role {role:?} is bound to a RACI matrix of template {template:?}, which ADAM does not ship"
            ),
            Problem::RaciTask { role, task } => {
                write!(
                    f,
                    "role {role:?} is bound to RACI task {task:?}, which the template does not have"
                )
            }
            Problem::RaciLayer { role, layer } => {
                write!(
                    f,
                    "role {role:?} is bound to RACI layer {layer:?}, which the template does not have"
                )
            }
            Problem::RaciFallback { role, otherwise } => write!(
                f,
                "role {role:?} falls back to role {otherwise:?}, which is itself bound by RACI"
            ),
        }
    }
}

/// Every problem of a definition, in a stable order; empty when it can work.
pub fn problems(d: &Definition) -> Vec<Problem> {
    let mut out = Vec::new();
    if d.steps.is_empty() {
        out.push(Problem::NoSteps);
        return out;
    }
    for (what, n) in [
        ("step", d.steps.len()),
        ("role", d.roles.len()),
        ("field", d.fields.len()),
        ("document", d.documents.len()),
    ] {
        if n > MAX_ITEMS {
            out.push(Problem::TooMany(what));
        }
    }
    if !out.is_empty() {
        return out;
    }
    duplicates("step", d.steps.iter().map(|s| s.key.as_str()), &mut out);
    duplicates("role", d.roles.iter().map(|r| r.key.as_str()), &mut out);
    duplicates("field", d.fields.iter().map(|f| f.key.as_str()), &mut out);
    duplicates("document", d.documents.iter().map(|x| x.key.as_str()), &mut out);
    for f in &d.fields {
        if let Some(start) = &f.not_before {
            let place = format!("field {:?}", f.key.as_str());
            let dated = |k: &FieldKind| matches!(k, FieldKind::Date | FieldKind::DateTime);
            match d.field(start.as_str()) {
                None => out.push(Problem::Unknown {
                    what: "field",
                    key: start.to_string(),
                    place,
                }),
                Some(s) if !dated(&s.kind) || !dated(&f.kind) || s.key == f.key => {
                    out.push(Problem::BeforeNeedsDates(place));
                }
                Some(_) => {}
            }
        }
        for step in &f.settled_at {
            if d.step(step.as_str()).is_none() {
                out.push(Problem::Unknown {
                    what: "step",
                    key: step.to_string(),
                    place: format!("field {:?}", f.key.as_str()),
                });
            }
        }
        if let FieldKind::Choice { options } | FieldKind::Choices { options } = &f.kind {
            let keys: BTreeSet<&str> = options.iter().map(|o| o.key.as_str()).collect();
            if options.is_empty() || keys.len() != options.len() {
                out.push(Problem::BadOptions(f.key.to_string()));
            }
        }
    }
    for r in &d.roles {
        if let Binding::Raci(b) = &r.binding {
            raci_problems(d, r.key.as_str(), b, &mut out);
        }
        let fields: Vec<(&Code, &'static str)> = match &r.binding {
            Binding::CustodianOf(f) | Binding::OperatorOf(f) | Binding::DeveloperOf(f) => vec![(f, "system")],
            Binding::Person(f) => vec![(f, "person")],
            Binding::Job(f) => vec![(f, "job")],
            Binding::PersonOrJob(b) => vec![(&b.person, "person"), (&b.job, "job")],
            Binding::Raci(b) => vec![(&b.solution, "text")],
            _ => continue,
        };
        for (field, expected) in fields {
            match d.field(field.as_str()) {
                None => out.push(Problem::Unknown {
                    what: "field",
                    key: field.to_string(),
                    place: format!("role {:?}", r.key.as_str()),
                }),
                Some(decl) if decl.kind.as_str() != expected => out.push(Problem::BindingField {
                    role: r.key.to_string(),
                    field: field.to_string(),
                    expected,
                }),
                Some(_) => {}
            }
        }
    }
    for s in &d.starters {
        if d.role(s.as_str()).is_none() {
            out.push(unknown("role", s.as_str(), "the starters".to_owned()));
        }
    }
    match d.step(d.start.as_str()) {
        None => out.push(Problem::UnknownStart(d.start.to_string())),
        Some(s) if s.kind == StepKind::End => out.push(Problem::StartIsEnd(d.start.to_string())),
        Some(_) => {}
    }
    if !d.steps.iter().any(|s| s.kind == StepKind::End) {
        out.push(Problem::NoEnd);
    }
    for s in &d.steps {
        let place = format!("step {:?}", s.key.as_str());
        for f in &s.fields {
            if d.field(f.as_str()).is_none() {
                out.push(unknown("field", f.as_str(), place.clone()));
            }
        }
        if s.kind == StepKind::End {
            if !s.outcomes.is_empty() || s.performer.is_some() {
                out.push(Problem::EndGoesOn(s.key.to_string()));
            }
            continue;
        }
        match &s.performer {
            None => out.push(Problem::NoPerformer(s.key.to_string())),
            Some(p) if d.role(p.as_str()).is_none() => out.push(unknown("role", p.as_str(), place.clone())),
            Some(_) => {}
        }
        if s.outcomes.is_empty() {
            out.push(Problem::NoWayOut(s.key.to_string()));
        }
        // `optional` says a case may pass the step by: some step leading into it must offer
        // another way on, or the mark promises what the definition cannot do.
        if s.optional && s.key != d.start {
            let skippable = d.steps.iter().any(|p| {
                p.outcomes.iter().any(|o| o.to == s.key) && p.outcomes.iter().any(|o| o.to != s.key && o.to != p.key)
            });
            if !skippable {
                out.push(Problem::OptionalNotSkippable(s.key.to_string()));
            }
        }
        let mut seen = BTreeSet::new();
        for o in &s.outcomes {
            if !seen.insert(o.key.as_str()) {
                out.push(Problem::DuplicateOutcome {
                    step: s.key.to_string(),
                    outcome: o.key.to_string(),
                });
            }
            if d.step(o.to.as_str()).is_none() {
                out.push(Problem::LeadsNowhere {
                    step: s.key.to_string(),
                    outcome: o.key.to_string(),
                    to: o.to.to_string(),
                });
            }
            let oplace = format!("outcome {:?} of step {:?}", o.key.as_str(), s.key.as_str());
            for g in &o.guards {
                check_guard(d, g, &oplace, &mut out);
            }
        }
        for g in &s.guards {
            check_guard(d, g, &place, &mut out);
        }
    }
    reachability(d, &mut out);
    out
}

/// A RACI binding's template, task, layer and fallback (its solution field is checked with
/// the other bindings' fields).
fn raci_problems(d: &Definition, role: &str, b: &RaciBinding, out: &mut Vec<Problem>) {
    match super::raci_binding::binding_template(b) {
        None => out.push(Problem::RaciTemplate {
            role: role.to_owned(),
            template: b
                .template
                .as_ref()
                .map_or(crate::raci::template::MODEL_2A_CODE, |k| k.as_str())
                .to_owned(),
        }),
        Some(t) => {
            if super::raci_binding::binding_task(t, b).is_none() {
                out.push(Problem::RaciTask {
                    role: role.to_owned(),
                    task: b.task.to_string(),
                });
            }
            if super::raci_binding::binding_layer(t, b).is_none() {
                out.push(Problem::RaciLayer {
                    role: role.to_owned(),
                    layer: b.layer.to_string(),
                });
            }
        }
    }
    if let Some(o) = &b.otherwise {
        match d.role(o.as_str()) {
            None => out.push(unknown("role", o.as_str(), format!("role {role:?}"))),
            Some(other) if matches!(other.binding, Binding::Raci(_)) => out.push(Problem::RaciFallback {
                role: role.to_owned(),
                otherwise: o.to_string(),
            }),
            Some(_) => {}
        }
    }
}

fn unknown(what: &'static str, key: &str, place: String) -> Problem {
    Problem::Unknown {
        what,
        key: key.to_owned(),
        place,
    }
}

fn duplicates<'a>(what: &'static str, keys: impl Iterator<Item = &'a str>, out: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    let mut reported = BTreeSet::new();
    for k in keys {
        if !seen.insert(k) && reported.insert(k) {
            out.push(Problem::Duplicate {
                what,
                key: k.to_owned(),
            });
        }
    }
}

fn check_guard(d: &Definition, g: &Guard, place: &str, out: &mut Vec<Problem>) {
    let asks = [
        g.field.is_some(),
        g.document.is_some(),
        g.consent.is_some(),
        g.distinct.is_some(),
        g.holds.is_some(),
        g.before.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if asks != 1 {
        out.push(Problem::GuardShape(place.to_owned()));
    }
    if let Some(f) = &g.field
        && d.field(f.as_str()).is_none()
    {
        out.push(unknown("field", f.as_str(), place.to_owned()));
    }
    if let Some(doc) = &g.document
        && d.document(doc.as_str()).is_none()
    {
        out.push(unknown("document", doc.as_str(), place.to_owned()));
    }
    for roles in [&g.consent, &g.distinct].into_iter().flatten() {
        let keys: BTreeSet<&str> = roles.iter().map(|r| r.as_str()).collect();
        if roles.is_empty() || keys.len() != roles.len() || (g.distinct.is_some() && roles.len() < 2) {
            out.push(Problem::ConsentRoles(place.to_owned()));
        }
        for r in roles {
            if d.role(r.as_str()).is_none() {
                out.push(unknown("role", r.as_str(), place.to_owned()));
            }
        }
    }
    if let Some(pair) = &g.before {
        for f in pair {
            match d.field(f.as_str()) {
                None => out.push(unknown("field", f.as_str(), place.to_owned())),
                Some(decl) if !matches!(decl.kind, FieldKind::Date | FieldKind::DateTime) => {
                    out.push(Problem::BeforeNeedsDates(place.to_owned()));
                }
                Some(_) => {}
            }
        }
    }
    for c in [&g.holds, &g.when].into_iter().flatten() {
        check_condition(d, c, place, out);
    }
}

fn check_condition(d: &Definition, c: &Condition, place: &str, out: &mut Vec<Problem>) {
    let shapes = [
        c.field.is_some() && (c.is.is_some() != c.set.is_some()),
        c.any.is_some(),
        c.all.is_some(),
        c.not.is_some(),
    ];
    let loose = c.field.is_none() && (c.is.is_some() || c.set.is_some());
    if shapes.iter().filter(|b| **b).count() != 1 || loose {
        out.push(Problem::ConditionShape(place.to_owned()));
    }
    if let Some(f) = &c.field {
        match d.field(f.as_str()) {
            None => out.push(unknown("field", f.as_str(), place.to_owned())),
            Some(decl) => {
                if let (Some(FieldValue::Text(v)), FieldKind::Choice { options } | FieldKind::Choices { options }) =
                    (&c.is, &decl.kind)
                    && !options.iter().any(|o| o.key.as_str() == v)
                {
                    out.push(Problem::UnknownChoice {
                        field: f.to_string(),
                        value: v.clone(),
                        place: place.to_owned(),
                    });
                }
            }
        }
    }
    for sub in c.any.iter().chain(c.all.iter()).flatten() {
        check_condition(d, sub, place, out);
    }
    if let Some(n) = &c.not {
        check_condition(d, n, place, out);
    }
}

/// Unreachable steps (forward from the start) and steps that never end (backward from the
/// ends).
fn reachability(d: &Definition, out: &mut Vec<Problem>) {
    // A duplicated key counts as its first step (the duplicate is reported on its own).
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in d.steps.iter().enumerate() {
        index.entry(s.key.as_str()).or_insert(i);
    }
    let Some(&start) = index.get(d.start.as_str()) else {
        return;
    };
    let next = |i: usize| -> Vec<usize> {
        d.steps[i]
            .outcomes
            .iter()
            .filter_map(|o| index.get(o.to.as_str()).copied())
            .collect()
    };
    let mut reached = vec![false; d.steps.len()];
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(next(i));
    }
    // Backward: which steps can reach an end.
    let mut ends = vec![false; d.steps.len()];
    let mut changed = true;
    for (i, s) in d.steps.iter().enumerate() {
        ends[i] = s.kind == StepKind::End;
    }
    while changed {
        changed = false;
        for i in 0..d.steps.len() {
            if !ends[i] && next(i).iter().any(|j| ends[*j]) {
                ends[i] = true;
                changed = true;
            }
        }
    }
    for (i, s) in d.steps.iter().enumerate() {
        if index.get(s.key.as_str()) != Some(&i) {
            continue;
        }
        if !reached[i] {
            out.push(Problem::Unreachable(s.key.to_string()));
        } else if !ends[i] && !d.steps.iter().all(|s| s.kind != StepKind::End) {
            out.push(Problem::NeverEnds(s.key.to_string()));
        }
    }
}
