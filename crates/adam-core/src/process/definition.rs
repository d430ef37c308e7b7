//! A process definition: versioned data, not code (SPEC §8).
//!
//! The file format is JSON (documented in `docs/processes.md`): the steps, the role that
//! performs each one, the outcomes of each decision and where each leads (loops allowed), the
//! guards an outcome needs (required fields, documents by type, consents of distinct people
//! holding named roles, conditions on the case's fields), and a due time per step. Roles are
//! **bound** rather than named: "the holders of the Decree's security-lead role", "the
//! custodian of the system in the case's field `system`", "whoever started the case" — so one
//! definition serves every body and every system.
//!
//! A definition is checked as a whole before it is kept (`validate.rs`): one that cannot work
//! is refused with every problem named.

use crate::calendar::LocalDate;
use crate::register::decree_roles::DecreeRole;
use crate::text::{Code, RoleCode, Text};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// Slovenian.
    pub sl: Text,
    /// English.
    pub en: Text,
}

impl Words {
    /// The text in `lang`.
    pub fn pick(&self, lang: crate::lang::Lang) -> &str {
        lang.pick(self.sl.as_str(), self.en.as_str())
    }
}

/// Who performs a step or consents: how a role of the definition finds its people.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Binding {
    /// The people appointed to these roles of the Decree (Art. 5); the security lead also
    /// includes the holders of ADAM's `adam.security_lead` power.
    Decree(Vec<DecreeRole>),
    /// The holders of an ADAM role (by its code), through their grants.
    AdamRole(RoleCode),
    /// Whoever started the case.
    Starter,
    /// The custodian of the information system named in this field of the case.
    CustodianOf(Code),
    /// The operators (persons) of the information system named in this field of the case.
    OperatorOf(Code),
    /// The development contacts of the hosting solutions registered for the information
    /// system named in this field of the case (the registry of information solutions): those
    /// the independent assessment of Art. 23 must not be done by.
    DeveloperOf(Code),
    /// The person named in this field of the case.
    Person(Code),
    /// The people holding **now** the job named in this field of the case (a `job` field): a
    /// change of the job's occupants changes who performs, on running cases too.
    Job(Code),
    /// The person named in one field, or — when that field is empty — the people holding now
    /// the job named in another: a role a solution binds to a person or to a job.
    PersonOrJob(PersonOrJob),
    /// The people of the party that holds a letter in one cell of the case's solution's
    /// responsibility matrix (`docs/raci.md`): "R performs, A consents".
    Raci(RaciBinding),
}

/// A role bound to a person field, or when it is empty to the holders of a job field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonOrJob {
    /// The `person` field; when it names someone, that person alone is bound.
    pub person: Code,
    /// The `job` field whose holders are bound when the person field is empty.
    pub job: Code,
}

/// Which letter of a RACI cell a role stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RaciLetter {
    /// Responsible: the parties that perform the task (a step's performer).
    #[default]
    R,
    /// Accountable: the one party that answers for it (a consent).
    A,
}

/// A role bound to a cell of a solution's responsibility matrix: the people holding now the
/// jobs through which the parties with `letter` at `task` and `layer` answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RaciBinding {
    /// The text field of the case holding the solution's codename (`solution` in
    /// `dro-hosting`).
    pub solution: Code,
    /// The task: its number or its name (Slovenian, English or the template's own).
    pub task: Text,
    /// The layer: its key (`middleware`) or name.
    pub layer: Text,
    /// `R` (performs; the default) or `A` (answers for it).
    #[serde(default)]
    pub letter: RaciLetter,
    /// The template the task and layer are named in (default: the shipped model 2A,
    /// `dk-sit-2a`); a solution whose matrix is of another template says nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<crate::raci::Key>,
    /// The role that performs instead when the matrix says nothing: the solution has no
    /// matrix, or no party with the letter is bound to the directory. Without it nobody is
    /// bound then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Code>,
}

/// A role of the definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleDecl {
    /// Its key, used by steps and guards.
    pub key: Code,
    /// Its name.
    pub name: Words,
    /// How it finds its people.
    pub binding: Binding,
}

/// One option of a closed list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Its key, as stored.
    pub key: Code,
    /// Its name.
    pub name: Words,
}

/// What a field holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// One line of text (up to 500 characters).
    Text,
    /// Several paragraphs (up to 20,000 characters).
    LongText,
    /// Yes or no.
    Bool,
    /// A calendar date (Slovenian time, as typed).
    Date,
    /// An instant.
    DateTime,
    /// An amount of euros, kept in cents.
    Money,
    /// A whole number.
    Number,
    /// One of a closed list.
    Choice {
        /// The options.
        options: Vec<Choice>,
    },
    /// Any of a closed list.
    Choices {
        /// The options.
        options: Vec<Choice>,
    },
    /// An information system of the inventory (its id).
    System,
    /// A person (a user's id).
    Person,
    /// A job of the directory (its id): roles bound to it find the people holding it now.
    Job,
}

impl FieldKind {
    /// The name of the kind, as the definition file writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Bool => "bool",
            FieldKind::Date => "date",
            FieldKind::DateTime => "date_time",
            FieldKind::Money => "money",
            FieldKind::Number => "number",
            FieldKind::Choice { .. } => "choice",
            FieldKind::Choices { .. } => "choices",
            FieldKind::System => "system",
            FieldKind::Person => "person",
            FieldKind::Job => "job",
        }
    }

    /// The options of a closed list.
    pub fn options(&self) -> &[Choice] {
        match self {
            FieldKind::Choice { options } | FieldKind::Choices { options } => options,
            _ => &[],
        }
    }

    /// Reads a value given for a field of this kind (`None`: it is not one).
    pub fn read(&self, v: &serde_json::Value) -> Option<FieldValue> {
        use serde_json::Value as J;
        let known = |s: &str| self.options().iter().any(|o| o.key.as_str() == s);
        Some(match (self, v) {
            (FieldKind::Text, J::String(s)) => FieldValue::Text(Text::parse("value", s).ok()?.as_str().to_owned()),
            (FieldKind::LongText, J::String(s)) => {
                let t = s.trim();
                let n = t.chars().count();
                if n == 0 || n > LONG_TEXT_MAX || t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                {
                    return None;
                }
                FieldValue::Text(t.to_owned())
            }
            (FieldKind::Bool, J::Bool(b)) => FieldValue::Bool(*b),
            (FieldKind::Date, J::String(s)) => {
                LocalDate::parse("value", s).ok()?;
                FieldValue::Text(s.trim().to_owned())
            }
            (FieldKind::DateTime, J::String(s)) => FieldValue::Text(Timestamp::parse(s).ok()?.to_string()),
            (FieldKind::Money, J::Number(n)) => FieldValue::Int(cents(n)?),
            (FieldKind::Money, J::String(s)) => FieldValue::Int(cents(&s.trim().replace(',', ".").parse().ok()?)?),
            (FieldKind::Number, J::Number(n)) => FieldValue::Int(n.as_i64()?),
            (FieldKind::Choice { .. }, J::String(s)) if known(s) => FieldValue::Text(s.clone()),
            (FieldKind::Choices { .. }, J::Array(items)) => {
                let mut keys = Vec::new();
                for i in items {
                    let s = i.as_str()?;
                    if !known(s) {
                        return None;
                    }
                    if !keys.iter().any(|k| k == s) {
                        keys.push(s.to_owned());
                    }
                }
                if keys.is_empty() {
                    return None;
                }
                FieldValue::List(keys)
            }
            (FieldKind::System | FieldKind::Person | FieldKind::Job, J::Number(n)) => {
                FieldValue::Int(i64::from(u32::try_from(n.as_u64()?).ok()?))
            }
            _ => return None,
        })
    }
}

fn cents(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return i.checked_mul(100).filter(|c| *c >= 0);
    }
    let f = n.as_f64()?;
    let c = (f * 100.0).round();
    // Euros with at most two decimals, not negative, within what a cost can be.
    ((0.0..1e15).contains(&c) && ((f * 100.0) - c).abs() < 1e-6).then_some(c as i64)
}

/// The longest long text.
pub const LONG_TEXT_MAX: usize = 20_000;

/// A field's value, as the case keeps it: dates and instants as text, money in cents,
/// systems, persons and jobs by id, a multiple choice as its keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum FieldValue {
    /// Yes or no.
    Bool(bool),
    /// A number, an amount in cents, an id.
    Int(i64),
    /// A text, a date, an instant, a choice's key.
    Text(String),
    /// The keys of a multiple choice.
    List(Vec<String>),
}

/// A field of the case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Not `deny_unknown_fields`: serde cannot combine it with the flattened kind.
pub struct FieldDecl {
    /// Its key.
    pub key: Code,
    /// Its name.
    pub name: Words,
    /// What it holds.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// The article that asks for it (`19(5) 3`).
    #[serde(default)]
    pub article: Option<Text>,
    /// Personal data (perpetrators and motives, Art. 20(2) 6): shown only to those who perform
    /// the case's steps and the security lead.
    #[serde(default)]
    pub restricted: bool,
    /// Set only when the case starts, never changed by a step (the people a role is bound to:
    /// a performer must not rebind a role to themselves, e.g. make themselves SIV and waive a
    /// penetration test).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixed: bool,
    /// The steps at which it may be filled or changed (besides when the case starts); none
    /// listed: at any step. What a consent relies on — "affects security", "major", the
    /// rollback plan of a change — is settled at the step before the consent, so that a
    /// performer of a later step cannot, in the same decision, change what the consent was
    /// given for (the security lead approving while setting "affects security" to no, so the
    /// custodian's consent is no longer asked; the custodian closing with "major" unset, so
    /// no independent assessment is due). A value given unchanged is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settled_at: Vec<Code>,
    /// A date or instant that may not be earlier than this other field's (the end of an
    /// outage, not before its start): a start or decision that would set it earlier is refused
    /// with the field named (`end-before-start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Code>,
}

/// A kind of document a step can ask for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DocDecl {
    /// Its key (an attachment's `doc_type`).
    pub key: Code,
    /// Its name.
    pub name: Words,
}

/// A condition on the case's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The field looked at (with `is` or `set`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Code>,
    /// The field equals this (a multiple choice: contains it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<FieldValue>,
    /// The field is filled (`true`) or empty (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<bool>,
    /// Any of these holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    /// All of these hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    /// This does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
}

impl Condition {
    /// Whether it holds on these fields.
    pub fn holds(&self, fields: &BTreeMap<Code, FieldValue>) -> bool {
        if let Some(any) = &self.any {
            return any.iter().any(|c| c.holds(fields));
        }
        if let Some(all) = &self.all {
            return all.iter().all(|c| c.holds(fields));
        }
        if let Some(not) = &self.not {
            return !not.holds(fields);
        }
        let Some(field) = &self.field else { return false };
        let value = fields.get(field);
        if let Some(set) = self.set {
            return value.is_some() == set;
        }
        match (&self.is, value) {
            (Some(FieldValue::Text(want)), Some(FieldValue::List(have))) => have.contains(want),
            (Some(want), Some(have)) => want == have,
            _ => false,
        }
    }
}

/// What an outcome needs: exactly one of its "need" fields is given; `when` limits it to cases
/// where a condition holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Guard {
    /// This field is filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Code>,
    /// A document of this type is attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Code>,
    /// One consent from a holder of each of these roles, given at this step, each by a
    /// different person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Vec<Code>>,
    /// No person is bound to more than one of these roles (an independent assessor is
    /// neither the custodian nor an operator, Art. 23(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct: Option<Vec<Code>>,
    /// This condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holds: Option<Condition>,
    /// The first field's date or instant is before the second's (an announcement before the
    /// interruption it announces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<[Code; 2]>,
    /// The guard applies only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

/// What a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Work to do, done with its outcome (usually one).
    Task,
    /// A choice among outcomes.
    Decision,
    /// The case is closed here: archived, read-only.
    End,
}

/// An outcome of a step and where it leads.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OutcomeDecl {
    /// Its key.
    pub key: Code,
    /// Its name.
    pub name: Words,
    /// The step it leads to.
    pub to: Code,
    /// What it needs besides the step's own guards.
    #[serde(default)]
    pub guards: Vec<Guard>,
}

/// A step of the process.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Its key (`record`, `1.1.1.12`).
    pub key: Code,
    /// Its name.
    pub name: Words,
    /// What is done, said to the performer.
    #[serde(default)]
    pub description: Option<Words>,
    /// Task, decision or end.
    pub kind: StepKind,
    /// The role that performs it (none for an end).
    #[serde(default)]
    pub performer: Option<Code>,
    /// May be skipped (it has an outcome that leads past it).
    #[serde(default)]
    pub optional: bool,
    /// Days from entering the step to its due time.
    #[serde(default)]
    pub due_days: Option<u16>,
    /// The article it implements.
    #[serde(default)]
    pub article: Option<Text>,
    /// A comment on the definition itself (how a source's ambiguity was read), for whoever
    /// maintains it; it changes nothing a case does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Words>,
    /// The fields filled at this step (the form shows these).
    #[serde(default)]
    pub fields: Vec<Code>,
    /// What every outcome needs.
    #[serde(default)]
    pub guards: Vec<Guard>,
    /// The outcomes.
    #[serde(default)]
    pub outcomes: Vec<OutcomeDecl>,
}

impl Step {
    /// An outcome by key.
    pub fn outcome(&self, key: &str) -> Option<&OutcomeDecl> {
        self.outcomes.iter().find(|o| o.key.as_str() == key)
    }
}

/// A process definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// The process's key, the same across versions (`security-event`).
    pub key: Code,
    /// The version; a case keeps the version it started with.
    pub version: u32,
    /// Its name.
    pub name: Words,
    /// What it is for.
    #[serde(default)]
    pub description: Option<Words>,
    /// The regulation it implements (`Uredba o informacijski varnosti, 17.–21. člen`).
    #[serde(default)]
    pub regulation: Option<Text>,
    /// A comment on the definition itself (the readings taken where its source is
    /// inconsistent); it changes nothing a case does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Words>,
    /// Who may start a case: these roles' holders; every person when empty.
    #[serde(default)]
    pub starters: Vec<Code>,
    /// The roles.
    pub roles: Vec<RoleDecl>,
    /// The fields of its cases.
    #[serde(default)]
    pub fields: Vec<FieldDecl>,
    /// The kinds of document its steps ask for.
    #[serde(default)]
    pub documents: Vec<DocDecl>,
    /// The first step.
    pub start: Code,
    /// The steps.
    pub steps: Vec<Step>,
}

impl Definition {
    /// A step by key.
    pub fn step(&self, key: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.key.as_str() == key)
    }
    /// A role by key.
    pub fn role(&self, key: &str) -> Option<&RoleDecl> {
        self.roles.iter().find(|r| r.key.as_str() == key)
    }
    /// A field by key.
    pub fn field(&self, key: &str) -> Option<&FieldDecl> {
        self.fields.iter().find(|f| f.key.as_str() == key)
    }
    /// A document kind by key.
    pub fn document(&self, key: &str) -> Option<&DocDecl> {
        self.documents.iter().find(|d| d.key.as_str() == key)
    }
}
