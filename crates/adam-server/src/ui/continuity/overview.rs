//! The register's overview (`/ui/continuity`): the plan in force with its reviews and whether
//! the next is overdue, every system's line, ADAM's own tests, and the plan and review forms
//! for the keepers (their handlers are in `continuity_plan.rs`).

use super::*;

/// The plan in force as the overview shows it (all six contents of Art. 15(1)).
pub(super) struct PlanShown {
    pub(super) id: u32,
    pub(super) adopted: String,
    pub(super) approver: String,
    pub(super) risk_assessment: String,
    /// The six contents: their word key and text, in the order of Art. 15(1).
    pub(super) contents: Vec<(&'static str, String)>,
}

/// A review of the plan as the overview lists it.
pub(super) struct ReviewLine {
    pub(super) date: String,
    pub(super) trigger: &'static str,
    pub(super) change: Option<u32>,
    pub(super) reviewer: String,
    pub(super) outcome: String,
    pub(super) reported: String,
}

#[derive(Template)]
#[template(path = "continuity.html")]
pub(super) struct OverviewPage {
    pub(super) c: Chrome,
    pub(super) plan: Option<PlanShown>,
    pub(super) review_due: String,
    pub(super) review_overdue: bool,
    pub(super) last_review: String,
    pub(super) reviews: Vec<ReviewLine>,
    pub(super) systems: Vec<SystemLine>,
    pub(super) adam: Vec<TestRow>,
    /// Whether the caller keeps the register: then the plan and review forms are shown.
    pub(super) keeper: bool,
    pub(super) plan_form: PlanForm,
    pub(super) review_form: ReviewForm,
    /// ADAM's own test whose task tick was refused.
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

pub(super) async fn overview_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    overview_view(&s, &caller, lang, OverviewTyped::default()).await
}

/// The overview with the plan and review forms, as typed after a refusal (then 422).
pub(in crate::ui) async fn overview_view(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    typed: OverviewTyped,
) -> UiResult<Response> {
    let refused = !typed.errors.is_empty();
    let p = {
        let w = s.world();
        let o: Overview = svc::overview(&w, caller, s.now()).ui(lang.tr)?;
        let who = |u: UserId| w.user(u).map_or_else(|_| u.to_string(), |x| x.display_name());
        OverviewPage {
            c: chrome(s, caller, lang.tr),
            plan: o.plan.as_ref().map(|p| {
                let f = &p.fields;
                PlanShown {
                    id: p.id.0,
                    adopted: f.adopted.to_string(),
                    approver: who(f.approver),
                    risk_assessment: opt(f.risk_assessment.map(|r| r.0)),
                    contents: vec![
                        ("cont_plan_roles", f.roles.to_string()),
                        ("cont_plan_functions", f.functions.to_string()),
                        ("cont_plan_risk", f.risk.to_string()),
                        ("cont_plan_measures", f.measures.to_string()),
                        ("cont_plan_emergency", f.emergency.to_string()),
                        ("cont_plan_recovery", f.recovery.to_string()),
                    ],
                }
            }),
            review_due: opt(o.status.review_due),
            review_overdue: o.status.review_overdue,
            last_review: opt(o.status.last_review),
            reviews: o
                .reviews
                .iter()
                .map(|r| ReviewLine {
                    date: r.fields.date.to_string(),
                    trigger: match r.fields.trigger {
                        ReviewTrigger::Annual => "cont_trigger_annual",
                        ReviewTrigger::MajorChange => "cont_trigger_major_change",
                    },
                    change: r.fields.change.map(|c| c.0),
                    reviewer: who(r.fields.reviewer),
                    outcome: r.fields.outcome.to_string(),
                    reported: opt(r.fields.reported_to_head),
                })
                .collect(),
            systems: o.systems.iter().map(line).collect(),
            adam: o.adam.iter().map(test_row).collect(),
            keeper: svc::keeps(&w, caller, s.now()),
            plan_form: typed
                .plan
                .unwrap_or_else(|| plan_form(&w, o.plan.as_ref(), LocalDate::of(s.now()))),
            review_form: typed.review.unwrap_or_else(|| ReviewForm {
                date: LocalDate::of(s.now()).to_string(),
                trigger: "annual".to_owned(),
                ..ReviewForm::default()
            }),
            task_test: typed.task_test,
            errors: typed.errors,
        }
    };
    let mut r = page(lang, &p)?;
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
