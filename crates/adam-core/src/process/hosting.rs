//! A hosted solution's version read from its `dro-hosting` case (seed 000): what the case's
//! history, fields and attachments say ([`VersionFacts`], [`TransitionEvidence`]) and which
//! version is in flight. The registry's records are in `crate::register::solution`; these
//! readings are here because they read cases, and the process engine sits above the registers.

use super::case::{Case, CaseState};
use super::definition::FieldValue;
use crate::ids::CaseId;
use crate::register::solution::{Solution, SolutionVersion, TransitionEvidence, Verdict, VersionFacts};

impl VersionFacts {
    /// Reads a version's history from its case: the last decision of each step counts.
    pub fn of(case: &Case) -> VersionFacts {
        let last = |step: &str| {
            case.history
                .iter()
                .rev()
                .find(|t| t.step.as_str() == step)
                .map(|t| t.outcome.as_str())
        };
        let verdict = |step: &str| {
            last(step).map(|o| match o {
                "pass" | "ok" | "success" => Verdict::Passed,
                "waived" => Verdict::Waived,
                "no" => Verdict::NotNeeded,
                _ => Verdict::Failed,
            })
        };
        let text = |k: &str| match case.fields.iter().find(|(c, _)| c.as_str() == k) {
            Some((_, FieldValue::Text(s))) => Some(s.clone()),
            _ => None,
        };
        let has_doc = |d: &str| {
            case.attachments
                .iter()
                .any(|a| a.doc_type.as_ref().is_some_and(|t| t.as_str() == d))
        };
        let pen_test = verdict("1.1.1.35");
        let waived_by = (pen_test == Some(Verdict::Waived))
            .then(|| {
                case.consents
                    .iter()
                    .rev()
                    .find(|c| c.role.as_str() == "siv" && c.step.as_str() == "1.1.1.35")
                    .map(|c| c.by)
            })
            .flatten();
        let load_test = match last("1.1.1.37") {
            Some("no") => Some(Verdict::NotNeeded),
            Some(_) => verdict("1.1.1.41"),
            None => None,
        };
        VersionFacts {
            stage: case.current.to_string(),
            closed: case.state == CaseState::Closed,
            soc_review: verdict("1.1.1.25"),
            acceptance_test: verdict("1.1.1.28"),
            acceptance_production: verdict("1.1.1.34"),
            pen_test,
            pen_test_waived_by: waived_by,
            pen_test_waiver: waived_by.and_then(|_| text("pen_test_waiver")),
            load_test,
            ovsp: has_doc("ovsp_form"),
            micro_plan: has_doc("micro_plan"),
            transition_date: text("transition_date"),
            rollbacks: case
                .history
                .iter()
                .filter(|t| t.step.as_str() == "1.1.1.46" && t.outcome.as_str().starts_with("rolled_back"))
                .count() as u32,
            in_production: case.current.as_str() == "1.1.1.48",
        }
    }
}

impl Solution {
    /// The version in flight (its case open), if any.
    pub fn in_flight<'a>(&'a self, case: impl Fn(CaseId) -> Option<&'a Case>) -> Option<&'a SolutionVersion> {
        self.versions
            .iter()
            .rev()
            .find(|v| case(v.case).is_some_and(|c| c.state == CaseState::Open))
    }
}

impl TransitionEvidence {
    /// Reads the evidence from a version's case.
    pub fn of(case: &Case) -> TransitionEvidence {
        let has = |d: &str| {
            case.attachments
                .iter()
                .any(|a| a.doc_type.as_ref().is_some_and(|t| t.as_str() == d))
        };
        TransitionEvidence {
            operating_instructions: has("operating_instructions"),
            backup_instructions: has("backup_instructions"),
            custodian_approval: case.current_consents().any(|c| c.role.as_str() == "custodian"),
            security_assessment: has("security_assessment"),
            first_installation: matches!(
                case.fields.iter().find(|(c, _)| c.as_str() == "first_installation"),
                Some((_, FieldValue::Bool(true)))
            ),
        }
    }
}
