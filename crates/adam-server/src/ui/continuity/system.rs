//! A system's continuity page (`/ui/continuity/systems/{id}`): its targets, backup plan,
//! tests and risk acceptances, with the BIA, test and acceptance forms as typed (filled from
//! the records when nothing was typed).

use super::*;

#[derive(Template)]
#[template(path = "continuity_system.html")]
pub(super) struct SystemPage {
    pub(super) c: Chrome,
    pub(super) line: SystemLine,
    pub(super) costs: Vec<(String, String)>,
    pub(super) dependencies: Vec<(u32, String)>,
    pub(super) backup: Option<BackupPlan>,
    pub(super) tests: Vec<TestRow>,
    pub(super) acceptances: Vec<(String, String, String, String)>,
    pub(super) may_write: bool,
    pub(super) keeper: bool,
    pub(super) crits: [(&'static str, &'static str, &'static str); 4],
    pub(super) bia: BiaForm,
    pub(super) test: TestForm,
    pub(super) accept: AcceptForm,
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

fn bia_form(v: &SystemContinuity) -> BiaForm {
    let Some(b) = &v.bia else {
        return BiaForm {
            restore_days: "365".to_owned(),
            ..BiaForm::default()
        };
    };
    let f = &b.fields;
    let bp = f.backup.as_ref();
    BiaForm {
        criticality: f.criticality.as_str().to_owned(),
        rto: opt(f.rto),
        rpo: opt(f.rpo),
        mtd: opt(f.mtd),
        costs: f
            .costs
            .iter()
            .map(|c| format!("{} = {}", c.after, c.cost))
            .collect::<Vec<_>>()
            .join("\n"),
        dependencies: String::new(),
        scope: opt(bp.map(|b| &b.scope)),
        frequency: opt(bp.map(|b| &b.frequency)),
        locations: opt(bp.map(|b| &b.locations)),
        retention: opt(bp.map(|b| &b.retention)),
        procedure: opt(bp.map(|b| &b.procedure)),
        protected: bp.filter(|b| b.protected_like_original).map(|_| "on".to_owned()),
        protection_note: opt(bp.and_then(|b| b.protection_note.as_ref())),
        restore_days: bp.map_or_else(|| "365".to_owned(), |b| b.restore_test_days.to_string()),
        rev: b.rev.0.to_string(),
    }
}

/// What a refused form brings back to the page.
pub(super) struct Typed {
    pub(super) bia: Option<BiaForm>,
    pub(super) test: Option<TestForm>,
    pub(super) accept: Option<AcceptForm>,
    /// The test whose task tick was refused (its message is `f_task`).
    pub(super) task_test: Option<u32>,
    pub(super) errors: Errors,
}

pub(super) async fn system_view(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    id: ItemId,
    typed: Typed,
) -> UiResult<Response> {
    let refused = !typed.errors.is_empty();
    let p = {
        let w = s.world();
        let v = svc::system(&w, caller, id, s.now()).ui(lang.tr)?;
        let f = v.bia.as_ref().map(|b| &b.fields);
        let code = |i: ItemId| w.item(i).map_or_else(|_| i.to_string(), |x| x.fields.code.to_string());
        let mut bia = typed.bia.unwrap_or_else(|| bia_form(&v));
        if bia.dependencies.is_empty()
            && let Some(f) = f
        {
            bia.dependencies = f.dependencies.iter().map(|d| code(*d)).collect::<Vec<_>>().join(", ");
        }
        SystemPage {
            c: chrome(s, caller, lang.tr),
            line: line(&v.row),
            costs: f.map_or_else(Vec::new, |f| {
                f.costs
                    .iter()
                    .map(|c| (c.after.to_string(), c.cost.to_string()))
                    .collect()
            }),
            dependencies: f.map_or_else(Vec::new, |f| f.dependencies.iter().map(|d| (d.0, code(*d))).collect()),
            backup: f.and_then(|f| f.backup.clone()),
            tests: v.tests.iter().map(test_row).collect(),
            acceptances: v
                .acceptances
                .iter()
                .map(|a| {
                    let who = w
                        .user(a.fields.approver)
                        .map_or_else(|_| a.fields.approver.to_string(), |u| u.display_name());
                    (
                        a.fields.date.to_string(),
                        a.fields.target.to_string(),
                        who,
                        a.fields.reason.to_string(),
                    )
                })
                .collect(),
            may_write: v.may_write,
            keeper: svc::keeps(&w, caller, s.now()),
            crits: CRITICALITIES,
            bia,
            test: typed.test.unwrap_or_else(|| TestForm {
                held: LocalDate::of(s.now()).to_string(),
                passed: Some("on".to_owned()),
                ..TestForm::default()
            }),
            accept: typed.accept.unwrap_or_default(),
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

pub(super) async fn system_page(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let none = Typed {
        bia: None,
        test: None,
        accept: None,
        task_test: None,
        errors: Errors::new(),
    };
    system_view(&s, &caller, lang, ItemId(id), none).await
}
