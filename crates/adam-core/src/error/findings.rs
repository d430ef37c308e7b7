//! What a refusal lists, every one: the problems of a process definition that cannot work
//! ([`Problem`]), the guards of an outcome that do not hold ([`Unmet`]) and what the rules find
//! in a responsibility matrix ([`Finding`]).
//!
//! The types are here, with the errors that carry them, so the error module needs nothing
//! above the values; what they say (their messages, in either language) and the checks that
//! find them are with the process engine (`process/validate.rs`, `process/guards.rs`) and the
//! matrices (`raci/validate.rs`), which re-export them under their old paths.

use crate::ids::UserId;
use crate::text::{Code, Key};
use serde::Serialize;

/// One thing wrong with a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No steps at all.
    NoSteps,
    /// More items than [`MAX_ITEMS`](crate::process::MAX_ITEMS).
    TooMany(&'static str),
    /// A key used twice (`what` is "step", "role", "field", "document").
    Duplicate {
        /// What kind of key.
        what: &'static str,
        /// The key.
        key: String,
    },
    /// Two outcomes of one step with the same key.
    DuplicateOutcome {
        /// The step.
        step: String,
        /// The outcome.
        outcome: String,
    },
    /// The start names no step.
    UnknownStart(String),
    /// The start is an end.
    StartIsEnd(String),
    /// An outcome leading to a step that does not exist.
    LeadsNowhere {
        /// The step.
        step: String,
        /// The outcome.
        outcome: String,
        /// Where it says it leads.
        to: String,
    },
    /// A step no path from the start reaches.
    Unreachable(String),
    /// A step from which no end can be reached: a case entering it can never close.
    NeverEnds(String),
    /// No end step.
    NoEnd,
    /// A step (not an end) without a performer.
    NoPerformer(String),
    /// A step (not an end) without outcomes.
    NoWayOut(String),
    /// An end with outcomes or a performer.
    EndGoesOn(String),
    /// A step marked optional that no case can skip: no step leading into it also has an
    /// outcome leading elsewhere (and it is not the start).
    OptionalNotSkippable(String),
    /// A name of something the definition does not declare, at a place.
    Unknown {
        /// What kind of thing ("role", "field", "document").
        what: &'static str,
        /// Its key.
        key: String,
        /// Where it is named.
        place: String,
    },
    /// A role bound to a field of the wrong kind.
    BindingField {
        /// The role.
        role: String,
        /// The field.
        field: String,
        /// The kind it must be.
        expected: &'static str,
    },
    /// A guard asking for nothing or for several things.
    GuardShape(String),
    /// A condition asking for nothing or for several things.
    ConditionShape(String),
    /// A consent guard naming no role, or a role twice.
    ConsentRoles(String),
    /// A closed list compared with a value it does not offer.
    UnknownChoice {
        /// The field.
        field: String,
        /// The value.
        value: String,
        /// Where.
        place: String,
    },
    /// A `before` guard on fields that are not dates or instants.
    BeforeNeedsDates(String),
    /// A closed list with no options, or an option twice.
    BadOptions(String),
    /// A role bound by RACI names a template ADAM does not ship.
    RaciTemplate {
        /// The definition's role.
        role: String,
        /// The template's code.
        template: String,
    },
    /// A role bound by RACI names a task the template does not have.
    RaciTask {
        /// The definition's role.
        role: String,
        /// The task as named.
        task: String,
    },
    /// A role bound by RACI names a layer the template does not have.
    RaciLayer {
        /// The definition's role.
        role: String,
        /// The layer as named.
        layer: String,
    },
    /// A role bound by RACI falls back to a role that is itself bound by RACI.
    RaciFallback {
        /// The definition's role.
        role: String,
        /// The fallback.
        otherwise: String,
    },
    /// An ADAM role the binding names does not exist (checked on import).
    UnknownAdamRole {
        /// The definition's role.
        role: String,
        /// The ADAM role code.
        code: String,
    },
}

/// A guard that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unmet {
    /// A field that must be filled.
    Field(Code),
    /// A document of this type must be attached.
    Document(Code),
    /// A consent by a holder of this role is missing.
    Consent(Code),
    /// One person is bound to two roles that must be held by different people.
    SamePerson {
        /// The person.
        user: UserId,
        /// One role.
        first: Code,
        /// The other.
        second: Code,
    },
    /// A condition on the fields does not hold.
    Condition,
    /// The first date is not before the second.
    NotBefore(Code, Code),
}

/// What the rules find at one task and layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Finding {
    /// No party is accountable.
    NoAccountable {
        /// The task's number.
        task: u16,
        /// The layer.
        layer: Key,
    },
    /// More than one party is accountable.
    SeveralAccountable {
        /// The task's number.
        task: u16,
        /// The layer.
        layer: Key,
        /// The parties holding an A.
        parties: Vec<Key>,
    },
    /// Nobody performs the task (a warning).
    NoResponsible {
        /// The task's number.
        task: u16,
        /// The layer.
        layer: Key,
        /// The footnotes on that task and layer's cells, which may explain it.
        footnotes: Vec<u8>,
    },
}
