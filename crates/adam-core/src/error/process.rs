//! The process engine's refusals ([`ProcessError`], with the [`Problems`] of a definition, the
//! [`Unmets`] of an outcome and what a [`Governed`] change changes), the responsibility
//! matrices' ([`RaciError`] with its [`Findings`]) and the continuity register's
//! ([`ContinuityError`]).

use crate::ids::{ItemId, UserId};

/// The problems of a definition that cannot work, every one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<super::Problem>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

/// The guards of an outcome that do not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmets(pub Vec<super::Unmet>);

impl std::fmt::Display for Unmets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

area_error! {
    /// The process engine refuses: definitions, cases, decisions and consents.
    pub enum ProcessError {
        /// No process with this key.
        #[error("there is no process {0:?}")]
        UnknownProcess(String) => ("unknown-process", NotFound),
        /// No such definition version.
        #[error("there is no process definition {0}")]
        UnknownDefinition(crate::ids::DefinitionId) => ("unknown-definition", NotFound),
        /// No such case.
        #[error("there is no case {0}")]
        UnknownCase(crate::ids::CaseId) => ("unknown-case", NotFound),
        /// A definition file that cannot be read.
        #[error("the definition cannot be read: {0}")]
        MalformedDefinition(String) => ("malformed-definition", Invalid),
        /// A definition that cannot work.
        #[error("the definition cannot work: {0}")]
        InvalidDefinition(Problems) => ("invalid-definition", Invalid),
        /// A version kept already.
        #[error("version {version} of process {key:?} is kept already; give the new one a higher version")]
        DefinitionExists {
            /// The process.
            key: String,
            /// The version.
            version: u32,
        } => ("definition-exists", Conflict),
        /// Someone who may not start this process.
        #[error("only the roles the definition names may start a case of {0:?}")]
        NotStarter(String) => ("not-starter", Forbidden),
        /// A closed case.
        #[error("{0} is closed and archived; it cannot change")]
        CaseClosed(crate::ids::CaseId) => ("case-closed", Conflict),
        /// A decision for a step the case is not at.
        #[error("the case is at step {current:?}, not {asked:?}")]
        NotAtStep {
            /// Where it is.
            current: String,
            /// The step named.
            asked: String,
        } => ("not-at-step", Conflict),
        /// Someone not bound to the role performing the step.
        #[error("step {step:?} is performed by the {role}; you are not bound to that role on this case")]
        NotPerformer {
            /// The step.
            step: String,
            /// The performing role.
            role: String,
        } => ("not-performer", Forbidden),
        /// An outcome the step does not have.
        #[error("step {step:?} has no outcome {outcome:?}")]
        UnknownOutcome {
            /// The step.
            step: String,
            /// The outcome named.
            outcome: String,
        } => ("unknown-outcome", Invalid),
        /// A field the definition does not declare.
        #[error("the process has no field {0:?}")]
        UnknownField(String) => ("unknown-case-field", Invalid),
        /// A field set when the case started that no step may change (who holds a role).
        #[error("field {0:?} was set when the case started and cannot be changed on it")]
        FixedField(String) => ("fixed-case-field", Conflict),
        /// A field settled at other steps (`settled_at`), changed at this one.
        #[error("field {field:?} is settled at step(s) {settled_at:?} and cannot be changed at step {step:?}: a consent may rely on it")]
        SettledField {
            /// The field.
            field: String,
            /// The step decided or filled.
            step: String,
            /// Where it may be changed.
            settled_at: Vec<String>,
        } => ("settled-case-field", Conflict),
        /// A value that does not fit its field.
        #[error("field {field:?} takes {expected}")]
        BadFieldValue {
            /// The field.
            field: String,
            /// What it takes (the field kind).
            expected: &'static str,
        } => ("bad-field-value", Invalid),
        /// An end earlier than its start (a field declared `not_before` another: the end of
        /// an outage before its start).
        #[error("field {field:?} cannot be earlier than field {start:?}: an end cannot come before its start")]
        EndBeforeStart {
            /// The field holding the end.
            field: String,
            /// The field holding the start.
            start: String,
        } => ("end-before-start", Invalid),
        /// Guards that do not hold.
        #[error("outcome {outcome:?} of step {step:?} cannot be taken yet: {unmet}")]
        GuardsUnmet {
            /// The step.
            step: String,
            /// The outcome.
            outcome: String,
            /// What is missing.
            unmet: Unmets,
        } => ("guards-unmet", Conflict),
        /// A consent the current step does not ask for.
        #[error("step {step:?} asks for no consent of role {role:?}")]
        ConsentNotAsked {
            /// The step.
            step: String,
            /// The role.
            role: String,
        } => ("consent-not-asked", Conflict),
        /// A consent by someone not bound to the role.
        #[error("you are not the {0} of this case, so you cannot consent as such")]
        NotRoleHolder(String) => ("not-role-holder", Forbidden),
        /// A role that has consented already at this step.
        #[error("the {role} has already consented ({by})")]
        AlreadyConsented {
            /// The role.
            role: String,
            /// Who.
            by: UserId,
        } => ("already-consented", Conflict),
        /// One person consenting for a second role.
        #[error("{user} has already consented as {given}; the consents must come from two different people")]
        SamePersonConsents {
            /// The person.
            user: UserId,
            /// The role they consented as.
            given: String,
        } => ("same-person-consents", Conflict),
        /// A step whose performing role nobody holds.
        #[error("nobody is bound to the {role} who performs step {step:?}; appoint someone first")]
        NobodyToPerform {
            /// The step.
            step: String,
            /// The role.
            role: String,
        } => ("nobody-to-perform", Conflict),
        /// An overdue reminder asked for by a person.
        #[error("only ADAM itself records that an overdue reminder has gone out")]
        OnlyAdamReminds => ("only-adam-reminds", Forbidden),
        /// A reminder for a step that is not overdue.
        #[error("the current step of {0} is not overdue")]
        NotOverdue(crate::ids::CaseId) => ("not-overdue", Conflict),
        /// A reminder sent already for this visit of the step.
        #[error("the overdue reminder of {0}'s current step has gone out already")]
        AlreadyReminded(crate::ids::CaseId) => ("already-reminded", Conflict),
        /// A governed change without a change request.
        #[error("ADAM governs its own changes: a change to {0} names an approved change request")]
        ChangeRequired(Governed) => ("change-request-required", Conflict),
        /// A change request that is not approved and being implemented.
        #[error("{0} is not an approved change request being implemented (at step \"Implementing the change\")")]
        ChangeNotApproved(crate::ids::CaseId) => ("change-not-approved", Conflict),
        /// A change request about another system.
        #[error("{case} is not about system {system}")]
        ChangeForOtherSystem {
            /// The request.
            case: crate::ids::CaseId,
            /// The system the change is to.
            system: String,
        } => ("change-for-other-system", Conflict),
        /// A change on a key or high-risk server closed before its baseline is refreshed.
        #[error("{case} cannot be closed before the integrity baseline of {system} is refreshed: an approved baseline taken after the implementation (Art. 50(4))")]
        BaselineNotRefreshed {
            /// The change request.
            case: crate::ids::CaseId,
            /// The server.
            system: String,
        } => ("baseline-not-refreshed", Conflict),
    }
}

/// What a governed change changes: the contents of a role (by code), or the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Governed(pub Option<String>);

impl std::fmt::Display for Governed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(r) => write!(f, "the contents of role {r}"),
            None => f.write_str("the organisation's settings"),
        }
    }
}

/// Every finding that refuses a responsibility matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings(pub Vec<super::Finding>);

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

area_error! {
    /// Responsibility (RACI) matrices refuse.
    pub enum RaciError {
        /// A solution without a matrix.
        #[error("solution {0} has no responsibility matrix")]
        NoMatrix(String) => ("no-raci-matrix", NotFound),
        /// No such matrix.
        #[error("there is no responsibility matrix {0}")]
        UnknownMatrix(crate::ids::RaciMatrixId) => ("unknown-raci-matrix", NotFound),
        /// A template ADAM does not ship.
        #[error("there is no responsibility template {0}")]
        UnknownTemplate(String) => ("unknown-raci-template", NotFound),
        /// A task the template does not have.
        #[error("the template has no task {0:?}")]
        UnknownTask(String) => ("unknown-raci-task", NotFound),
        /// A layer the template does not have.
        #[error("the template has no layer {0:?}")]
        UnknownLayer(String) => ("unknown-raci-layer", NotFound),
        /// A party the matrix does not have.
        #[error("the matrix has no party {0:?}")]
        UnknownParty(String) => ("unknown-raci-party", NotFound),
        /// A party key that breaks the rule.
        #[error("{0:?} is not a party key (1–40 lower-case letters, digits, '_' or '-', starting with a letter)")]
        BadPartyKey(String) => ("raci-bad-party-key", Invalid),
        /// A party the template does not know, without a name.
        #[error("party {0:?} is not the template's; give it a name")]
        PartyNameMissing(String) => ("raci-party-name-missing", Invalid),
        /// A matrix for a codename the registry of information solutions does not hold.
        #[error("the registry of information solutions has no solution {0}; register it before its responsibility matrix")]
        UnknownSolution(String) => ("unknown-raci-solution", NotFound),
        /// A second matrix for a solution.
        #[error("solution {0} already has a responsibility matrix; change it with overrides")]
        MatrixExists(String) => ("raci-matrix-exists", Conflict),
        /// Letters that are not a set of R, A, C, I.
        #[error("{0:?}: a cell holds only the letters R, A, C, I, each at most once")]
        BadLetters(String) => ("raci-bad-letters", Invalid),
        /// A matrix that breaks "exactly one A per task and layer".
        #[error("the matrix breaks \"exactly one A per task and layer\": {0}")]
        InvalidMatrix(Findings) => ("raci-matrix-invalid", Invalid),
        /// Someone who does not keep the matrices.
        #[error("responsibility matrices are created and their parties bound by the information-security lead or the system administrator")]
        NotRaciKeeper => ("not-raci-keeper", Forbidden),
        /// An override by someone not allowed to approve it.
        #[error("an override of task {task} at layer {layer} is approved by a person holding the job of the accountable party ({accountable}), the information-security lead or the system administrator")]
        OverrideNotAllowed {
            /// The task.
            task: u16,
            /// The layer.
            layer: String,
            /// The party accountable there now.
            accountable: String,
        } => ("raci-override-not-allowed", Forbidden),
        /// An override without a reason.
        #[error("an override needs its reason")]
        ReasonMissing => ("raci-reason-missing", Invalid),
    }
}

area_error! {
    /// The continuity register refuses (Art. 15, 29).
    pub enum ContinuityError {
        /// A duration that cannot be read.
        #[error("{0:?} is not a duration: write it like 30min, 4h, 2d or 1h 30min")]
        BadDuration(String) => ("bad-duration", Invalid),
        /// No such plan.
        #[error("there is no continuity plan {0}")]
        UnknownPlan(crate::ids::ContinuityPlanId) => ("unknown-continuity-plan", NotFound),
        /// No such plan review.
        #[error("there is no plan review {0}")]
        UnknownPlanReview(crate::ids::PlanReviewId) => ("unknown-plan-review", NotFound),
        /// No such BIA.
        #[error("there is no business impact analysis {0}")]
        UnknownBia(crate::ids::BiaId) => ("unknown-bia", NotFound),
        /// No such test.
        #[error("there is no continuity test {0}")]
        UnknownTest(crate::ids::ContinuityTestId) => ("unknown-continuity-test", NotFound),
        /// No such risk acceptance.
        #[error("there is no risk acceptance {0}")]
        UnknownAcceptance(crate::ids::AcceptanceId) => ("unknown-risk-acceptance", NotFound),
        /// A review while no plan is adopted.
        #[error("Art. 15(2): no continuity plan is recorded yet, so there is none to review")]
        NoPlan => ("no-continuity-plan", Conflict),
        /// A record for an inventory item that is not an information system.
        #[error("{0} is not an information system of the inventory")]
        NotASystem(ItemId) => ("continuity-not-a-system", Invalid),
        /// A recovery time objective above the maximum tolerable downtime.
        #[error("the recovery time objective ({rto}) is longer than the maximum tolerable downtime ({mtd})")]
        RtoOverMtd {
            /// The RTO.
            rto: String,
            /// The MTD.
            mtd: String,
        } => ("rto-over-mtd", Invalid),
        /// A critical or vital system without its RTO or RPO.
        #[error("a {0} system needs both its recovery time objective (RTO) and its recovery point objective (RPO)")]
        TargetsMissing(&'static str) => ("continuity-targets-missing", Invalid),
        /// A system said to depend on itself.
        #[error("a system does not depend on itself")]
        SelfDependency => ("bia-self-dependency", Invalid),
        /// A restore-test interval out of range.
        #[error("the restore-test interval is 1 to 3650 days, not {0}")]
        RestoreInterval(u16) => ("restore-interval-out-of-range", Invalid),
        /// A next review more than a year after the last.
        #[error("Art. 15(2): the plan is reviewed at least once a year; the next review is due by {latest}, not {asked}")]
        ReviewDueTooLate {
            /// The latest allowed day.
            latest: String,
            /// The day asked for.
            asked: String,
        } => ("plan-review-due-too-late", Invalid),
        /// A review naming a case that is not a change request.
        #[error("{0} is not a change request")]
        NotAChangeRequest(crate::ids::CaseId) => ("not-a-change-request", Invalid),
        /// A yearly review naming a change.
        #[error("only a review after a major change names the change request")]
        ChangeOnAnnualReview => ("change-on-annual-review", Invalid),
        /// The findings reported before the review.
        #[error("the findings are reported to the head of the body ({reported}) before the review ({date})")]
        ReportBeforeReview {
            /// The report's day.
            reported: String,
            /// The review's day.
            date: String,
        } => ("report-before-review", Invalid),
        /// A partial loss without its component.
        #[error("a partial-loss scenario names the component lost")]
        ComponentMissing => ("component-missing", Invalid),
        /// A test announced after it was held.
        #[error("the test is announced ({announced}) after it was held ({held})")]
        AnnouncedAfterHeld {
            /// The announcement's day.
            announced: String,
            /// The day it was held.
            held: String,
        } => ("announced-after-held", Invalid),
        /// A failed test without its findings.
        #[error("a failed test records its findings")]
        FindingsMissing => ("findings-missing", Invalid),
        /// Someone who does not keep the continuity register.
        #[error("the continuity plan, its reviews, risk acceptances and ADAM's own tests are recorded by the information-security lead or the system administrator")]
        NotContinuityKeeper => ("not-continuity-keeper", Forbidden),
        /// Someone who neither keeps the register nor runs the system.
        #[error("the continuity records of {system} are kept by its custodian ({custodian}), its operators, the information-security lead or the system administrator")]
        NotContinuityWriter {
            /// The system.
            system: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-continuity-writer", Forbidden),
    }
}
