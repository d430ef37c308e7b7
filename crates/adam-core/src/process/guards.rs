//! Whether an outcome's guards hold on a case: the one place that answers it, for the planner
//! (which refuses an outcome whose guards do not hold) and for the pages (which show what is
//! still missing before a step can be decided).
//!
//! The people bound to a role come from the caller (`bound`), so the rule reads no world and
//! the property tests can drive it with any binding.
//!
//! [`Unmet`] is defined in `error/findings.rs` beside the refusal that carries it
//! (re-exported here); what it says is here.

use super::case::Case;
use super::definition::{Definition, FieldValue, Guard, OutcomeDecl, Step};
use crate::calendar::LocalDate;
pub use crate::error::Unmet;
use crate::ids::UserId;
use crate::lang::Lang;
use crate::text::Code;
use crate::time::Timestamp;
use std::collections::BTreeSet;
use std::fmt;

impl Unmet {
    /// What is missing, in `lang`, naming fields, documents and roles by their names.
    pub fn message(&self, def: &Definition, lang: Lang) -> String {
        let field = |k: &Code| {
            def.field(k.as_str())
                .map_or(k.to_string(), |f| f.name.pick(lang).to_owned())
        };
        let role = |k: &Code| {
            def.role(k.as_str())
                .map_or(k.to_string(), |r| r.name.pick(lang).to_owned())
        };
        let doc = |k: &Code| {
            def.document(k.as_str())
                .map_or(k.to_string(), |d| d.name.pick(lang).to_owned())
        };
        match (self, lang) {
            (Unmet::Field(k), Lang::En) => format!("\"{}\" must be filled", field(k)),
            (Unmet::Field(k), Lang::Sl) => format!("izpolniti je treba »{}«", field(k)),
            (Unmet::Document(k), Lang::En) => format!("a document \"{}\" must be attached", doc(k)),
            (Unmet::Document(k), Lang::Sl) => format!("priložiti je treba dokument »{}«", doc(k)),
            (Unmet::Consent(k), Lang::En) => format!("the consent of the {} is missing", role(k)),
            (Unmet::Consent(k), Lang::Sl) => format!("manjka soglasje (vloga: {})", role(k)),
            (Unmet::SamePerson { user, first, second }, Lang::En) => format!(
                "{user} is both {} and {}; these must be two different people",
                role(first),
                role(second)
            ),
            (Unmet::SamePerson { user, first, second }, Lang::Sl) => format!(
                "{user} je hkrati {} in {}; to morata biti dve različni osebi",
                role(first),
                role(second)
            ),
            (Unmet::Condition, Lang::En) => "a condition on the case's fields does not hold".to_owned(),
            (Unmet::Condition, Lang::Sl) => "pogoj glede polj zadeve ni izpolnjen".to_owned(),
            (Unmet::NotBefore(a, b), Lang::En) => format!("\"{}\" must be before \"{}\"", field(a), field(b)),
            (Unmet::NotBefore(a, b), Lang::Sl) => format!("»{}« mora biti pred »{}«", field(a), field(b)),
        }
    }
}

impl Unmet {
    /// What is missing in Slovenian, naming fields, documents and roles by their keys (the
    /// refusal's text, where no definition is at hand).
    pub fn sl(&self) -> String {
        match self {
            Unmet::Field(k) => format!("izpolniti je treba polje »{k}«"),
            Unmet::Document(k) => format!("priložiti je treba dokument vrste »{k}«"),
            Unmet::Consent(k) => format!("manjka soglasje vloge »{k}«"),
            Unmet::SamePerson { user, first, second } => {
                format!("{user} je hkrati »{first}« in »{second}«; to morata biti različni osebi")
            }
            Unmet::Condition => "pogoj glede polj zadeve ni izpolnjen".to_owned(),
            Unmet::NotBefore(a, b) => format!("»{a}« mora biti pred »{b}«"),
        }
    }
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmet::Field(k) => write!(f, "field \"{k}\" must be filled"),
            Unmet::Document(k) => write!(f, "a document of type \"{k}\" must be attached"),
            Unmet::Consent(k) => write!(f, "the consent of role \"{k}\" is missing"),
            Unmet::SamePerson { user, first, second } => {
                write!(
                    f,
                    "{user} is bound to both \"{first}\" and \"{second}\"; they must be different people"
                )
            }
            Unmet::Condition => write!(f, "a condition on the case's fields does not hold"),
            Unmet::NotBefore(a, b) => write!(f, "\"{a}\" must be before \"{b}\""),
        }
    }
}

/// Every guard of `step` and `outcome` that does not hold on `case`.
pub fn unmet(step: &Step, outcome: &OutcomeDecl, case: &Case, bound: &dyn Fn(&str) -> Vec<UserId>) -> Vec<Unmet> {
    let mut out = Vec::new();
    for g in step.guards.iter().chain(&outcome.guards) {
        if g.when.as_ref().is_some_and(|w| !w.holds(&case.fields)) {
            continue;
        }
        check(g, case, bound, &mut out);
    }
    out
}

fn check(g: &Guard, case: &Case, bound: &dyn Fn(&str) -> Vec<UserId>, out: &mut Vec<Unmet>) {
    if let Some(f) = &g.field
        && !case.fields.contains_key(f)
    {
        out.push(Unmet::Field(f.clone()));
    }
    if let Some(d) = &g.document
        && !case.attachments.iter().any(|a| a.doc_type.as_ref() == Some(d))
    {
        out.push(Unmet::Document(d.clone()));
    }
    if let Some(roles) = &g.consent {
        let given: Vec<_> = case.current_consents().collect();
        for r in roles {
            if !given.iter().any(|c| &c.role == r) {
                out.push(Unmet::Consent(r.clone()));
            }
        }
    }
    if let Some(roles) = &g.distinct {
        let mut seen: Vec<(UserId, &Code)> = Vec::new();
        'roles: for r in roles {
            let people: BTreeSet<UserId> = bound(r.as_str()).into_iter().collect();
            for u in people {
                if let Some((_, first)) = seen.iter().find(|(v, _)| *v == u) {
                    out.push(Unmet::SamePerson {
                        user: u,
                        first: (*first).clone(),
                        second: r.clone(),
                    });
                    break 'roles;
                }
                seen.push((u, r));
            }
        }
    }
    if let Some(c) = &g.holds
        && !c.holds(&case.fields)
    {
        out.push(Unmet::Condition);
    }
    if let Some([a, b]) = &g.before {
        let when = |k: &Code| moment(case.fields.get(k));
        match (when(a), when(b)) {
            (Some(x), Some(y)) if x < y => {}
            (None, _) => out.push(Unmet::Field(a.clone())),
            (_, None) => out.push(Unmet::Field(b.clone())),
            _ => out.push(Unmet::NotBefore(a.clone(), b.clone())),
        }
    }
}

/// The instant a date or instant field holds (a date: its first moment), if it holds one.
pub fn moment(value: Option<&FieldValue>) -> Option<Timestamp> {
    match value {
        Some(FieldValue::Text(s)) => LocalDate::parse("value", s)
            .map(LocalDate::start)
            .or_else(|_| Timestamp::parse(s))
            .ok(),
        _ => None,
    }
}
