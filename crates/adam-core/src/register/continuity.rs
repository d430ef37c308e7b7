//! The continuity register (Decree Art. 15 and 29; seed 002's business impact analysis).
//!
//! Five record kinds, each a register record like a risk assessment:
//!
//! - [`ContinuityPlan`] — the body's business-continuity and disaster-recovery plan with the six
//!   contents Art. 15(1) names, its adoption and its next review (at most a year later, 15(2));
//! - [`PlanReview`] — a review of the plan, yearly or after a major change (15(2)), and its
//!   report to the head of the body (15(4)); one naming a change-request case meets that
//!   change's knock-on duty "review the continuity plan";
//! - [`Bia`] — one per inventory system: the business impact analysis (criticality, RTO, RPO,
//!   maximum tolerable downtime, cost of downtime against duration, dependencies; 002 p. 13–16)
//!   and the backup plan (29(2), 29(4));
//! - [`ContinuityTest`] — a restore test, an outage simulation or a drill of a system or of
//!   ADAM itself (15(3), 29(3)), with its measured RTO and RPO, shown against the targets;
//! - [`RiskAcceptance`] — a target knowingly not met, with its approver and date (002 p. 15,
//!   31: "management takes on the risk").
//!
//! Durations are a parsed [`Span`] (`30min`, `4h`, `2d`): kept in seconds, shown normalised.

use crate::calendar::LocalDate;
use crate::error::{ContinuityError, Error, ValueError, ValueProblem};
use crate::ids::{
    AcceptanceId, BiaId, CaseId, ContinuityPlanId, ContinuityTestId, ItemId, PlanReviewId, Revision, RiskId, UserId,
};
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The longest duration accepted: ten years.
const MAX_SPAN: u64 = 10 * 366 * 86_400;

/// A duration as a person types it: one or more parts `<number><unit>` with the units `s`,
/// `min`, `h`, `d` and `w` (`4h`, `30min`, `1h 30min`, `2d`; `0` is none). Kept in seconds;
/// shown normalised (`90min` is shown `1h 30min`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span(u64);

impl Span {
    /// A span of `seconds`.
    pub const fn seconds(seconds: u64) -> Span {
        Span(seconds)
    }
    /// Its length in seconds.
    pub const fn as_seconds(self) -> u64 {
        self.0
    }

    /// Parses a typed duration.
    pub fn parse(text: &str) -> Result<Span, ContinuityError> {
        let bad = || ContinuityError::BadDuration(text.chars().take(40).collect());
        let t = text.trim().to_lowercase();
        if t == "0" {
            return Ok(Span(0));
        }
        let mut rest = t.as_str();
        let mut total: u64 = 0;
        let mut parts = 0;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(bad());
            }
            let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = rest[digits..].trim_start();
            let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            let per = match &rest[..unit_len] {
                "s" | "sec" => 1,
                "m" | "min" => 60,
                "h" | "ur" | "ura" | "ure" => 3600,
                "d" | "dan" | "dni" => 86_400,
                "w" | "t" | "teden" | "tednov" => 7 * 86_400,
                _ => return Err(bad()),
            };
            rest = rest[unit_len..].trim_start();
            total = n.checked_mul(per).and_then(|s| total.checked_add(s)).ok_or_else(bad)?;
            parts += 1;
        }
        if parts == 0 || total > MAX_SPAN {
            return Err(bad());
        }
        Ok(Span(total))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        let mut parts = Vec::new();
        let mut left = self.0;
        for (per, unit) in [(86_400, "d"), (3600, "h"), (60, "min"), (1, "s")] {
            if left >= per {
                parts.push(format!("{}{unit}", left / per));
                left %= per;
            }
        }
        f.write_str(&parts.join(" "))
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Span::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration: parts <number><unit>, units s, min, h, d, w (`4h`, `30min`, `1h 30min`).",
            "examples": ["4h", "30min", "2d"]
        })
    }
}

/// Long text of a plan's section or a procedure: trimmed, 1–20,000 characters, lines allowed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Prose(String);

impl Prose {
    /// The longest text accepted.
    pub const MAX: usize = 20_000;

    /// Parses long text for the named field.
    pub fn parse(field: &'static str, value: &str) -> Result<Prose, Error> {
        let trimmed = value.trim();
        let n = trimmed.chars().count();
        let problem = if n == 0 {
            Some(ValueProblem::Empty)
        } else if n > Prose::MAX {
            Some(ValueProblem::TooLong {
                max: Prose::MAX,
                got: n,
            })
        } else if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            Some(ValueProblem::ControlCharacter)
        } else {
            None
        };
        match problem {
            Some(problem) => Err(Error::Value(ValueError::InvalidValue { field, problem })),
            None => Ok(Prose(trimmed.to_owned())),
        }
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Prose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Prose::parse("text", &raw).map_err(|e| match e {
            Error::Value(ValueError::InvalidValue { problem, .. }) => serde::de::Error::custom(problem),
            other => serde::de::Error::custom(other),
        })
    }
}

impl fmt::Display for Prose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- the plan ----------------------------------------------------------------------------

/// What the continuity plan holds: the six contents of Art. 15(1) and its adoption.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanFields {
    /// 15(1)(1): the roles and responsibilities of the body's employees.
    pub roles: Prose,
    /// 15(1)(2): the key business and support functions and processes.
    pub functions: Prose,
    /// 15(1)(3): the risk assessment, in words …
    pub risk: Prose,
    /// … and the risk assessment record it rests on, if any.
    #[serde(default)]
    pub risk_assessment: Option<RiskId>,
    /// 15(1)(4): the measures that ensure continuity.
    pub measures: Prose,
    /// 15(1)(5): the emergency-response procedures and logistics.
    pub emergency: Prose,
    /// 15(1)(6): the recovery procedures after a sudden event causing major damage.
    pub recovery: Prose,
    /// The day it was adopted.
    pub adopted: LocalDate,
    /// Who approved it (the head of the body).
    pub approver: UserId,
    /// When it is next reviewed: at most a year after its adoption (15(2)); a year when not given.
    #[serde(default)]
    pub next_review: Option<LocalDate>,
}

/// The body's continuity plan (Art. 15(1)); the one with the highest id is the plan in force.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContinuityPlan {
    /// Id.
    pub id: ContinuityPlanId,
    /// What it holds.
    #[serde(flatten)]
    pub fields: PlanFields,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// Why the plan was reviewed (15(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewTrigger {
    /// The yearly review.
    Annual,
    /// A major change of the business or information systems.
    MajorChange,
}

impl ReviewTrigger {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewTrigger::Annual => "annual",
            ReviewTrigger::MajorChange => "major_change",
        }
    }
}

/// What a plan review records (15(2), 15(4)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanReviewFields {
    /// The day of the review.
    pub date: LocalDate,
    /// Why.
    pub trigger: ReviewTrigger,
    /// The change-request case that made it due (with `major_change`).
    #[serde(default)]
    pub change: Option<CaseId>,
    /// Who reviewed it.
    pub reviewer: UserId,
    /// What it found and what was supplemented.
    pub outcome: Prose,
    /// The day the findings were reported to the head of the body (15(4)).
    #[serde(default)]
    pub reported_to_head: Option<LocalDate>,
}

/// A review of the continuity plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanReview {
    /// Id.
    pub id: PlanReviewId,
    /// The plan reviewed.
    pub plan: ContinuityPlanId,
    /// What it records.
    #[serde(flatten)]
    pub fields: PlanReviewFields,
    /// The revision that last changed this record.
    pub rev: Revision,
}

// ---- BIA and backup plan -----------------------------------------------------------------

/// The criticality classes of business functions (002 p. 14), most critical first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Cannot be performed by manual methods; very low tolerance, very high cost of interruption.
    Critical,
    /// Can be performed manually only for a short period.
    Vital,
    /// Can be performed manually for a longer period at moderate cost.
    Sensitive,
    /// Can be interrupted for some time at little or no cost.
    NonCritical,
}

impl Criticality {
    /// Every class, most critical first.
    pub const ALL: [Criticality; 4] = [
        Criticality::Critical,
        Criticality::Vital,
        Criticality::Sensitive,
        Criticality::NonCritical,
    ];
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Critical => "critical",
            Criticality::Vital => "vital",
            Criticality::Sensitive => "sensitive",
            Criticality::NonCritical => "non_critical",
        }
    }
    /// Whether its targets (RTO and RPO) must be stated.
    pub fn needs_targets(self) -> bool {
        matches!(self, Criticality::Critical | Criticality::Vital)
    }
}

/// What an outage of a given length costs (002 p. 13: the cost of downtime as a function of
/// the outage's duration); in money or in words (reputation, 002 p. 15).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DowntimeCost {
    /// After how long.
    pub after: Span,
    /// What it costs.
    pub cost: Text,
}

/// The backup plan of a system (Art. 29(2), 29(4)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BackupPlan {
    /// Which data a backup contains.
    pub scope: Text,
    /// How often backups are made.
    pub frequency: Text,
    /// Where they are kept.
    pub locations: Text,
    /// How long they are kept.
    pub retention: Text,
    /// The procedure for making, keeping and restoring them (text or a document's reference).
    pub procedure: Prose,
    /// Whether the backup storage is protected like the original (29(4)).
    pub protected_like_original: bool,
    /// How it is protected, or why not.
    #[serde(default)]
    pub protection_note: Option<Text>,
    /// How often a restore is tested, in days (29(3); a year when not given).
    #[serde(default = "default_restore_days")]
    pub restore_test_days: u16,
}

fn default_restore_days() -> u16 {
    365
}

/// What the BIA of a system records, with its backup plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BiaFields {
    /// How critical the system's functions are.
    pub criticality: Criticality,
    /// Recovery time objective.
    #[serde(default)]
    pub rto: Option<Span>,
    /// Recovery point objective.
    #[serde(default)]
    pub rpo: Option<Span>,
    /// Maximum tolerable downtime.
    #[serde(default)]
    pub mtd: Option<Span>,
    /// The cost of downtime against its duration, shortest first.
    #[serde(default)]
    pub costs: Vec<DowntimeCost>,
    /// The inventory systems it depends on.
    #[serde(default)]
    pub dependencies: Vec<ItemId>,
    /// Its backup plan.
    #[serde(default)]
    pub backup: Option<BackupPlan>,
}

/// The BIA and backup plan of one inventory system.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Bia {
    /// Id.
    pub id: BiaId,
    /// The system.
    pub system: ItemId,
    /// What it records.
    #[serde(flatten)]
    pub fields: BiaFields,
    /// The revision that last changed this record.
    pub rev: Revision,
}

// ---- tests -------------------------------------------------------------------------------

/// What a continuity test tested: an inventory system, or ADAM itself (its own backups).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An information system of the inventory.
    System(ItemId),
    /// ADAM itself.
    Adam,
}

/// The kind of a continuity test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// Backups restored and checked (29(3)).
    RestoreTest,
    /// An outage simulated with the operators, the custodian and the users (15(3)).
    OutageSimulation,
    /// A failover drill.
    Drill,
}

impl TestKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TestKind::RestoreTest => "restore_test",
            TestKind::OutageSimulation => "outage_simulation",
            TestKind::Drill => "drill",
        }
    }
}

/// The scenario (002 p. 15: total or partial loss).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// All or most critical and vital functions interrupted.
    TotalLoss,
    /// Some functions interrupted (a component).
    PartialLoss,
}

impl Scenario {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::TotalLoss => "total_loss",
            Scenario::PartialLoss => "partial_loss",
        }
    }
}

/// The role a participant takes in a simulation (15(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    /// An operator of the system.
    Operator,
    /// Its custodian.
    Custodian,
    /// A user.
    User,
}

/// One participant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Participant {
    /// Who.
    pub name: Text,
    /// In which role.
    pub role: ParticipantRole,
}

/// A follow-up of a test's findings: a plan-update task.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUpTask {
    /// What is to be done.
    pub task: Text,
    /// Whether it is done.
    #[serde(default)]
    pub done: bool,
}

/// What a continuity test records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestFields {
    /// What was tested.
    pub subject: Subject,
    /// The kind of test.
    pub kind: TestKind,
    /// Total or partial loss.
    pub scenario: Scenario,
    /// The component lost (with a partial loss).
    #[serde(default)]
    pub component: Option<Text>,
    /// The day it was announced (002 p. 17: tests are announced in advance).
    #[serde(default)]
    pub announced: Option<LocalDate>,
    /// When it was held.
    pub held_at: Timestamp,
    /// Who took part.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// The recovery time measured.
    #[serde(default)]
    pub measured_rto: Option<Span>,
    /// The data lost, measured in time.
    #[serde(default)]
    pub measured_rpo: Option<Span>,
    /// The data lost, measured in revisions (ADAM's own tests).
    #[serde(default)]
    pub revisions_lost: Option<u64>,
    /// How long the test took.
    #[serde(default)]
    pub duration: Option<Span>,
    /// Whether it passed.
    pub passed: bool,
    /// What it found.
    #[serde(default)]
    pub findings: Option<Prose>,
    /// The plan-update tasks its findings make.
    #[serde(default)]
    pub tasks: Vec<FollowUpTask>,
}

/// A restore test, outage simulation or drill (15(3), 29(3)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContinuityTest {
    /// Id.
    pub id: ContinuityTestId,
    /// What it records.
    #[serde(flatten)]
    pub fields: TestFields,
    /// Who recorded it (none for ADAM itself).
    #[serde(default)]
    pub by: Option<UserId>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl ContinuityTest {
    /// Whether it is a simulation without an operator, the custodian and a user among its
    /// participants (15(3)): shown incomplete.
    pub fn incomplete(&self) -> bool {
        if self.fields.kind == TestKind::RestoreTest {
            return false;
        }
        let has = |r| self.fields.participants.iter().any(|p| p.role == r);
        !(has(ParticipantRole::Operator) && has(ParticipantRole::Custodian) && has(ParticipantRole::User))
    }
}

/// A measured value against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Measured {
    /// What was measured.
    pub measured: Span,
    /// The target, if the BIA states one.
    pub target: Option<Span>,
    /// Whether it is within the target (`None` without a target).
    pub met: Option<bool>,
}

impl Measured {
    /// `measured` against `target`.
    pub fn against(measured: Span, target: Option<Span>) -> Measured {
        Measured {
            measured,
            target,
            met: target.map(|t| measured <= t),
        }
    }
}

// ---- risk acceptances --------------------------------------------------------------------

/// What a risk acceptance records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AcceptanceFields {
    /// The system.
    pub system: ItemId,
    /// The target knowingly not met.
    pub target: Text,
    /// Who accepted the risk.
    pub approver: UserId,
    /// The day.
    pub date: LocalDate,
    /// Why.
    pub reason: Prose,
}

/// A target knowingly not met, and who accepted it (002 p. 15, 31).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RiskAcceptance {
    /// Id.
    pub id: AcceptanceId,
    /// What it records.
    #[serde(flatten)]
    pub fields: AcceptanceFields,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// Where the plan's review stands (Art. 15(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanStatus {
    /// The plan in force.
    pub plan: Option<ContinuityPlanId>,
    /// The last review of it.
    pub last_review: Option<LocalDate>,
    /// When the next review is due.
    pub review_due: Option<LocalDate>,
    /// Whether it is past due (no plan at all counts as overdue: Art. 13 asks for one).
    pub review_overdue: bool,
}

/// Where a system's restore tests stand (Art. 29(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreStatus {
    /// The day of the last passed restore test.
    pub last_passed: Option<LocalDate>,
    /// When the next is due (none without a backup plan).
    pub due: Option<LocalDate>,
    /// Whether it is overdue.
    pub overdue: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_read_as_typed_and_shown_normalised() {
        assert_eq!(Span::parse("4h").unwrap().as_seconds(), 4 * 3600);
        assert_eq!(Span::parse("30min").unwrap().as_seconds(), 1800);
        assert_eq!(Span::parse("2d").unwrap().as_seconds(), 2 * 86_400);
        assert_eq!(Span::parse(" 1h 30min ").unwrap().to_string(), "1h 30min");
        assert_eq!(Span::parse("90min").unwrap().to_string(), "1h 30min");
        assert_eq!(Span::parse("1w").unwrap().to_string(), "7d");
        assert_eq!(Span::parse("45s").unwrap().to_string(), "45s");
        assert_eq!(Span::parse("0").unwrap().to_string(), "0");
        for bad in ["", "4", "h", "4 hours", "-1h", "4h x", "99999999999999999999d", "3650w"] {
            assert!(Span::parse(bad).is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&Span::parse("4h").unwrap()).unwrap();
        assert_eq!(json, "\"4h\"");
        assert!(serde_json::from_str::<Span>("\"soon\"").is_err());
    }

    #[test]
    fn a_simulation_without_all_three_roles_is_incomplete() {
        let p = |role| Participant {
            name: Text::constant("A"),
            role,
        };
        let mut t = ContinuityTest {
            id: ContinuityTestId(0),
            fields: TestFields {
                subject: Subject::Adam,
                kind: TestKind::OutageSimulation,
                scenario: Scenario::TotalLoss,
                component: None,
                announced: None,
                held_at: Timestamp(0),
                participants: vec![p(ParticipantRole::Operator), p(ParticipantRole::Custodian)],
                measured_rto: None,
                measured_rpo: None,
                revisions_lost: None,
                duration: None,
                passed: true,
                findings: None,
                tasks: vec![],
            },
            by: None,
            rev: Revision(1),
        };
        assert!(t.incomplete());
        t.fields.participants.push(p(ParticipantRole::User));
        assert!(!t.incomplete());
        t.fields.participants.clear();
        t.fields.kind = TestKind::RestoreTest;
        assert!(!t.incomplete(), "a restore test needs no users");
    }

    #[test]
    fn measured_against_target() {
        let m = Measured::against(Span::seconds(3600), Some(Span::seconds(7200)));
        assert_eq!(m.met, Some(true));
        assert_eq!(
            Measured::against(Span::seconds(3), Some(Span::seconds(2))).met,
            Some(false)
        );
        assert_eq!(Measured::against(Span::seconds(3), None).met, None);
    }
}
