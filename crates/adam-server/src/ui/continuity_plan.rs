//! The continuity plan's forms on the overview (`/ui/continuity`; Decree Art. 15): record the
//! plan with the six contents of Art. 15(1) or change the plan in force (the form carries the
//! revision it showed, so a save over someone else's change is refused), and record a review of
//! the plan — yearly, or after a major change naming its change request — with the day it was
//! reported to the head of the body (15(2), 15(4)). Only the register's keepers get the forms
//! (the service's `keeps`; the engine decides again); a refused form comes back (422) with what
//! was typed and the message at its field, the engine's `ContinuityError`s included.

use super::chrome::*;
use super::continuity::overview_view;
use super::form::{Errors, checked, optional, unchanged_since};
use crate::authn::Caller;
use crate::error::ApiResult;
use crate::service::continuity as svc;
use crate::state::AppState;
use adam_core::register::continuity::*;
use adam_core::*;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The plan form, as typed: the plan's id and revision when it changes the plan in force.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct PlanForm {
    pub(super) plan: String,
    pub(super) rev: String,
    pub(super) roles: String,
    pub(super) functions: String,
    pub(super) risk: String,
    pub(super) risk_assessment: String,
    pub(super) measures: String,
    pub(super) emergency: String,
    pub(super) recovery: String,
    pub(super) adopted: String,
    pub(super) approver: String,
    pub(super) next_review: String,
}

impl PlanForm {
    /// The six contents of Art. 15(1): the field's id, its name, its word key and what is typed.
    pub(super) fn contents(&self) -> [(&'static str, &'static str, &'static str, &str); 6] {
        [
            ("f_roles", "roles", "cont_plan_roles", &self.roles),
            ("f_functions", "functions", "cont_plan_functions", &self.functions),
            ("f_risk", "risk", "cont_plan_risk", &self.risk),
            ("f_measures", "measures", "cont_plan_measures", &self.measures),
            ("f_emergency", "emergency", "cont_plan_emergency", &self.emergency),
            ("f_recovery", "recovery", "cont_plan_recovery", &self.recovery),
        ]
    }
}

/// The review form, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ReviewForm {
    pub(super) date: String,
    pub(super) trigger: String,
    pub(super) change: String,
    pub(super) reviewer: String,
    pub(super) outcome: String,
    pub(super) reported: String,
}

/// What the overview shows again after a refused form.
#[derive(Debug, Default)]
pub(super) struct OverviewTyped {
    pub(super) plan: Option<PlanForm>,
    pub(super) review: Option<ReviewForm>,
    /// ADAM's own test whose task tick was refused (its message is `f_task`).
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

/// The plan form filled from the plan in force, or empty (adopted today) when there is none.
pub(super) fn plan_form(w: &World, plan: Option<&ContinuityPlan>, today: LocalDate) -> PlanForm {
    let Some(p) = plan else {
        return PlanForm {
            adopted: today.to_string(),
            ..PlanForm::default()
        };
    };
    let f = &p.fields;
    PlanForm {
        plan: p.id.0.to_string(),
        rev: p.rev.0.to_string(),
        roles: f.roles.to_string(),
        functions: f.functions.to_string(),
        risk: f.risk.to_string(),
        risk_assessment: f.risk_assessment.map(|r| r.0.to_string()).unwrap_or_default(),
        measures: f.measures.to_string(),
        emergency: f.emergency.to_string(),
        recovery: f.recovery.to_string(),
        adopted: f.adopted.to_string(),
        approver: w.user(f.approver).map(|u| u.username.to_string()).unwrap_or_default(),
        next_review: f.next_review.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// A record's number as typed (`3`, `#3`, `risk#3`): empty is none; anything else is `word`
/// at `key`.
fn number(typed: &str, key: &'static str, word: &'static str, errors: &mut Errors, lang: Lang) -> Option<Option<u32>> {
    let t = typed.trim();
    if t.is_empty() {
        return Some(None);
    }
    match t.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<u32>() {
        Ok(n) => Some(Some(n)),
        Err(_) => {
            errors.insert(key, lang.tr.s(word).to_owned());
            None
        }
    }
}

/// A person named by username, the refusal at `key`.
fn person(w: &World, typed: &str, key: &'static str, errors: &mut Errors) -> Option<UserId> {
    checked(w.user_by_username(typed.trim()), key, errors)
}

/// Long text at `key`.
fn prose(value: &str, key: &'static str, errors: &mut Errors) -> Option<Prose> {
    checked(Prose::parse("text", value), key, errors)
}

/// Where an engine refusal of the plan stands on its form.
fn plan_field(code: &str) -> &'static str {
    match code {
        "plan-review-due-too-late" => "f_next_review",
        "unknown-user" => "f_approver",
        "unknown-risk" => "f_risk_assessment",
        _ => "f_plan_form",
    }
}

/// Where an engine refusal of a review stands on its form.
fn review_field(code: &str) -> &'static str {
    match code {
        "change-on-annual-review" | "not-a-change-request" | "unknown-case" => "f_change",
        "report-before-review" => "f_reported",
        "unknown-user" => "f_reviewer",
        _ => "f_review_form",
    }
}

/// The outcome of a form: saved, the overview; refused the person, the error page; otherwise
/// the overview again with the message at `field_of` the refusal.
async fn outcome(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    result: ApiResult<()>,
    field_of: fn(&str) -> &'static str,
    typed: OverviewTyped,
) -> UiResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to("/ui/continuity").into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => {
            let mut typed = typed;
            typed.errors.insert(field_of(e.code), e.detail);
            overview_view(s, caller, lang, typed).await
        }
    }
}

/// Records the continuity plan, or changes the plan in force when the form names it.
pub(super) async fn save_plan(
    State(s): State<AppState>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<PlanForm>,
) -> UiResult<Response> {
    // Refused before anything typed is looked at: a caller who does not keep the register
    // learns nothing from the form's messages.
    svc::require_writer(&s.world(), &caller, None, s.now()).ui(lang.tr)?;
    let mut errors = Errors::new();
    let (fields, plan) = {
        let w = s.world();
        let roles = prose(&f.roles, "f_roles", &mut errors);
        let functions = prose(&f.functions, "f_functions", &mut errors);
        let risk = prose(&f.risk, "f_risk", &mut errors);
        let risk_assessment = number(
            &f.risk_assessment,
            "f_risk_assessment",
            "cont_number_bad",
            &mut errors,
            lang,
        );
        let measures = prose(&f.measures, "f_measures", &mut errors);
        let emergency = prose(&f.emergency, "f_emergency", &mut errors);
        let recovery = prose(&f.recovery, "f_recovery", &mut errors);
        let adopted = checked(LocalDate::parse("adopted", &f.adopted), "f_adopted", &mut errors);
        let approver = person(&w, &f.approver, "f_approver", &mut errors);
        let next_review = optional(&f.next_review, "f_next_review", &mut errors, |v| {
            LocalDate::parse("next_review", v)
        });
        let plan = number(&f.plan, "f_plan_form", "cont_number_bad", &mut errors, lang);
        let fields = match (
            roles,
            functions,
            risk,
            risk_assessment,
            measures,
            emergency,
            recovery,
            adopted,
            approver,
            next_review,
        ) {
            (
                Some(roles),
                Some(functions),
                Some(risk),
                Some(risk_assessment),
                Some(measures),
                Some(emergency),
                Some(recovery),
                Some(adopted),
                Some(approver),
                Some(next_review),
            ) if errors.is_empty() => Some(PlanFields {
                roles,
                functions,
                risk,
                risk_assessment: risk_assessment.map(RiskId),
                measures,
                emergency,
                recovery,
                adopted,
                approver,
                next_review,
            }),
            _ => None,
        };
        (fields, plan.flatten().map(ContinuityPlanId))
    };
    let typed = |errors| OverviewTyped {
        plan: Some(f.clone()),
        errors,
        ..OverviewTyped::default()
    };
    let Some(fields) = fields else {
        return overview_view(&s, &caller, lang, typed(errors)).await;
    };
    let result = match plan {
        None => svc::record_plan(&s, &caller, fields).await.map(|_| ()),
        Some(plan) => {
            let seen = Revision(f.rev.trim().parse().unwrap_or(0));
            let guard = move |w: &World| {
                unchanged_since(
                    w.continuity_plan(plan).map(|p| p.rev),
                    seen,
                    "the continuity plan was changed by someone else since this form was opened; open it again",
                    "načrt neprekinjenosti je medtem spremenil nekdo drug; odprite obrazec znova",
                )
            };
            svc::update_plan(&s, &caller, plan, fields, guard).await.map(|_| ())
        }
    };
    outcome(&s, &caller, lang, result, plan_field, typed(Errors::new())).await
}

/// Records a review of the plan in force.
pub(super) async fn review_plan(
    State(s): State<AppState>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<ReviewForm>,
) -> UiResult<Response> {
    svc::require_writer(&s.world(), &caller, None, s.now()).ui(lang.tr)?;
    let mut errors = Errors::new();
    let fields = {
        let w = s.world();
        let date = checked(LocalDate::parse("date", &f.date), "f_review_date", &mut errors);
        let trigger = match f.trigger.as_str() {
            "annual" => Some(ReviewTrigger::Annual),
            "major_change" => Some(ReviewTrigger::MajorChange),
            _ => {
                errors.insert("f_trigger", lang.tr.s("cont_choose_trigger").to_owned());
                None
            }
        };
        let change = number(&f.change, "f_change", "change_request_bad", &mut errors, lang);
        let reviewer = person(&w, &f.reviewer, "f_reviewer", &mut errors);
        let outcome = prose(&f.outcome, "f_outcome", &mut errors);
        let reported = optional(&f.reported, "f_reported", &mut errors, |v| {
            LocalDate::parse("reported_to_head", v)
        });
        match (date, trigger, change, reviewer, outcome, reported) {
            (Some(date), Some(trigger), Some(change), Some(reviewer), Some(outcome), Some(reported))
                if errors.is_empty() =>
            {
                Some(PlanReviewFields {
                    date,
                    trigger,
                    change: change.map(CaseId),
                    reviewer,
                    outcome,
                    reported_to_head: reported,
                })
            }
            _ => None,
        }
    };
    let typed = |errors| OverviewTyped {
        review: Some(f.clone()),
        errors,
        ..OverviewTyped::default()
    };
    let Some(fields) = fields else {
        return overview_view(&s, &caller, lang, typed(errors)).await;
    };
    let result = svc::review_plan(&s, &caller, fields).await.map(|_| ());
    outcome(&s, &caller, lang, result, review_field, typed(Errors::new())).await
}
