//! The continuity forms' handlers: set a system's BIA and backup plan, record a test, accept
//! a risk, tick a test's follow-up task. Each reads what was typed, puts what cannot be read
//! at its field, and leaves who may write to the engine (through `service/continuity.rs`).

use super::system::{Typed, system_view};
use super::*;

fn span(value: &str, key: &'static str, errors: &mut Errors) -> Option<Option<Span>> {
    match value.trim() {
        "" => Some(None),
        v => match Span::parse(v) {
            Ok(s) => Some(Some(s)),
            Err(e) => {
                errors.insert(key, crate::error::said(&Error::from(e)));
                None
            }
        },
    }
}

fn prose(value: &str, key: &'static str, errors: &mut Errors) -> Option<Option<Prose>> {
    match value.trim() {
        "" => Some(None),
        v => crate::ui::form::checked(Prose::parse("text", v), key, errors).map(Some),
    }
}

fn text(value: &str, key: &'static str, errors: &mut Errors, lang: Lang) -> Option<Text> {
    crate::ui::form::text(value, "text", key, errors, lang.tr)
}

/// Where an engine refusal stands on the form.
fn field_of(code: &str) -> &'static str {
    match code {
        "rto-over-mtd" | "continuity-targets-missing" => "f_rto",
        "bia-self-dependency" | "continuity-not-a-system" => "f_dependencies",
        "restore-interval-out-of-range" => "f_restore_days",
        "component-missing" => "f_component",
        "announced-after-held" => "f_announced",
        "findings-missing" => "f_findings",
        "unknown-user" => "f_approver",
        _ => "f_form",
    }
}

/// The answer to a form: back to the system's page, or the page again with the refusal at
/// its field (a refusal of who may write is the error page).
async fn outcome(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    id: ItemId,
    result: crate::error::ApiResult<()>,
    typed: impl FnOnce(Errors) -> Typed,
) -> UiResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ui/continuity/systems/{}", id.0)).into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => {
            let mut errors = Errors::new();
            errors.insert(field_of(e.code), e.detail);
            system_view(s, caller, lang, id, typed(errors)).await
        }
    }
}

fn system_codes(w: &World, typed: &str, errors: &mut Errors) -> Option<Vec<ItemId>> {
    let mut out = Vec::new();
    for code in typed.split([',', ';', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        match w.item_by_code(code) {
            Ok(i) => out.push(i),
            Err(e) => {
                errors.insert("f_dependencies", crate::error::said(&e));
                return None;
            }
        }
    }
    Some(out)
}

pub(super) async fn set_bia(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<BiaForm>,
) -> UiResult<Response> {
    let system = ItemId(id);
    let mut errors = Errors::new();
    let criticality = match f.criticality.as_str() {
        "critical" => Some(Criticality::Critical),
        "vital" => Some(Criticality::Vital),
        "sensitive" => Some(Criticality::Sensitive),
        "non_critical" => Some(Criticality::NonCritical),
        _ => {
            errors.insert("f_criticality", lang.tr.s("cont_choose_criticality").to_owned());
            None
        }
    };
    let rto = span(&f.rto, "f_rto", &mut errors);
    let rpo = span(&f.rpo, "f_rpo", &mut errors);
    let mtd = span(&f.mtd, "f_mtd", &mut errors);
    let mut costs = Vec::new();
    for l in f.costs.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parsed = l
            .split_once('=')
            .and_then(|(a, c)| Some((Span::parse(a).ok()?, Text::parse("text", c).ok()?)));
        match parsed {
            Some((after, cost)) => costs.push(DowntimeCost { after, cost }),
            None => {
                errors.insert("f_costs", lang.tr.s("cont_costs_unreadable").replace("{}", l));
                break;
            }
        }
    }
    let dependencies = system_codes(&s.world(), &f.dependencies, &mut errors);
    let backup = if f.scope.trim().is_empty() {
        Some(None)
    } else {
        let scope = text(&f.scope, "f_scope", &mut errors, lang);
        let frequency = text(&f.frequency, "f_frequency", &mut errors, lang);
        let locations = text(&f.locations, "f_locations", &mut errors, lang);
        let retention = text(&f.retention, "f_retention", &mut errors, lang);
        let procedure = crate::ui::form::checked(Prose::parse("text", &f.procedure), "f_procedure", &mut errors);
        let note = crate::ui::form::optional(&f.protection_note, "f_protection_note", &mut errors, |v| {
            Text::parse("text", v)
        });
        let days = match f.restore_days.trim().parse::<u16>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.insert("f_restore_days", lang.tr.s("cont_days_unreadable").to_owned());
                None
            }
        };
        match (scope, frequency, locations, retention, procedure, note, days) {
            (
                Some(scope),
                Some(frequency),
                Some(locations),
                Some(retention),
                Some(procedure),
                Some(note),
                Some(days),
            ) => Some(Some(BackupPlan {
                scope,
                frequency,
                locations,
                retention,
                procedure,
                protected_like_original: f.protected.is_some(),
                protection_note: note,
                restore_test_days: days,
            })),
            _ => None,
        }
    };
    let typed = |errors| Typed {
        bia: Some(f.clone()),
        test: None,
        accept: None,
        task_test: None,
        errors,
    };
    let (Some(criticality), Some(rto), Some(rpo), Some(mtd), Some(dependencies), Some(backup), true) =
        (criticality, rto, rpo, mtd, dependencies, backup, errors.is_empty())
    else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = BiaFields {
        criticality,
        rto,
        rpo,
        mtd,
        costs,
        dependencies,
        backup,
    };
    let seen = f.rev.trim().parse::<u64>().ok().map(Revision);
    let result = svc::set_bia(&s, &caller, system, fields, seen).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
}

pub(super) async fn record_test(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<TestForm>,
) -> UiResult<Response> {
    let system = ItemId(id);
    let mut errors = Errors::new();
    let kind = match f.kind.as_str() {
        "restore_test" => TestKind::RestoreTest,
        "outage_simulation" => TestKind::OutageSimulation,
        _ => TestKind::Drill,
    };
    let scenario = if f.scenario == "partial_loss" {
        Scenario::PartialLoss
    } else {
        Scenario::TotalLoss
    };
    let component = crate::ui::form::optional(&f.component, "f_component", &mut errors, |v| Text::parse("text", v));
    let announced = crate::ui::form::optional(&f.announced, "f_announced", &mut errors, |v| {
        LocalDate::parse("announced", v)
    });
    let held = crate::ui::form::checked(LocalDate::parse("held", &f.held), "f_held", &mut errors);
    let mut participants = Vec::new();
    for (typed, role) in [
        (&f.operators, ParticipantRole::Operator),
        (&f.custodians, ParticipantRole::Custodian),
        (&f.users, ParticipantRole::User),
    ] {
        for name in typed.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if let Some(name) = text(name, "f_participants", &mut errors, lang) {
                participants.push(Participant { name, role });
            }
        }
    }
    let rto = span(&f.rto, "f_test_rto", &mut errors);
    let rpo = span(&f.rpo, "f_test_rpo", &mut errors);
    let duration = span(&f.duration, "f_duration", &mut errors);
    let findings = prose(&f.findings, "f_findings", &mut errors);
    let mut tasks = Vec::new();
    for t in f.tasks.lines().map(str::trim).filter(|t| !t.is_empty()) {
        if let Some(task) = text(t, "f_tasks", &mut errors, lang) {
            tasks.push(FollowUpTask { task, done: false });
        }
    }
    let typed = |errors| Typed {
        bia: None,
        test: Some(f.clone()),
        accept: None,
        task_test: None,
        errors,
    };
    let (Some(component), Some(announced), Some(held), Some(rto), Some(rpo), Some(duration), Some(findings), true) = (
        component,
        announced,
        held,
        rto,
        rpo,
        duration,
        findings,
        errors.is_empty(),
    ) else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = TestFields {
        subject: Subject::System(system),
        kind,
        scenario,
        component,
        announced,
        // Noon of the day held: the form asks for the day only.
        held_at: held.start().plus_seconds(12 * 3600),
        participants,
        measured_rto: rto,
        measured_rpo: rpo,
        revisions_lost: None,
        duration,
        passed: f.passed.is_some(),
        findings,
        tasks,
    };
    let result = svc::record_test(&s, &caller, fields).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
}

pub(super) async fn accept_risk(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<AcceptForm>,
) -> UiResult<Response> {
    let system = ItemId(id);
    let mut errors = Errors::new();
    let target = text(&f.target, "f_target", &mut errors, lang);
    let approver = match s.world().user_by_username(f.approver.trim()) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.insert("f_approver", crate::error::said(&e));
            None
        }
    };
    let date = crate::ui::form::checked(LocalDate::parse("date", &f.date), "f_date", &mut errors);
    let reason = crate::ui::form::checked(Prose::parse("reason", &f.reason), "f_reason", &mut errors);
    let typed = |errors| Typed {
        bia: None,
        test: None,
        accept: Some(f.clone()),
        task_test: None,
        errors,
    };
    let (Some(target), Some(approver), Some(date), Some(reason), true) =
        (target, approver, date, reason, errors.is_empty())
    else {
        return system_view(&s, &caller, lang, system, typed(errors)).await;
    };
    let fields = AcceptanceFields {
        system,
        target,
        approver,
        date,
        reason,
    };
    let result = svc::accept_risk(&s, &caller, fields).await.map(|_| ());
    outcome(&s, &caller, lang, system, result, typed).await
}

/// Marks a follow-up task of a test done (or open again): the test changed with the task
/// ticked (`UpdateContinuityTest`), by those who may write the test's records; a page opened
/// before another change of the test is refused at the task.
pub(super) async fn tick_task(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<TaskForm>,
) -> UiResult<Response> {
    let test = ContinuityTestId(id);
    let mut fields = s.world().continuity_test(test).ui(lang.tr)?.fields.clone();
    let system = match fields.subject {
        Subject::System(system) => Some(system),
        Subject::Adam => None,
    };
    svc::require_writer(&s.world(), &caller, system, s.now()).ui(lang.tr)?;
    let mut errors = Errors::new();
    let index = f.task.trim().parse::<usize>().ok().filter(|i| *i < fields.tasks.len());
    let seen = f.rev.trim().parse::<u64>().ok().map(Revision);
    match (index, seen) {
        (Some(i), Some(seen)) => {
            if let Some(t) = fields.tasks.get_mut(i) {
                t.done = f.done.trim() != "0";
            }
            match svc::update_test(&s, &caller, test, fields, Some(seen)).await {
                Ok(_) => return Ok(Redirect::to(&test_page(&s.world(), test)).into_response()),
                Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                    return Err(UiError::new(lang.tr, e));
                }
                Err(e) => {
                    errors.insert("f_task", e.detail);
                }
            }
        }
        _ => {
            errors.insert("f_task", lang.tr.s("cont_task_unknown").to_owned());
        }
    }
    match system {
        Some(system) => {
            let typed = Typed {
                bia: None,
                test: None,
                accept: None,
                task_test: Some(id),
                errors,
            };
            system_view(&s, &caller, lang, system, typed).await
        }
        None => {
            let typed = OverviewTyped {
                task_test: Some(id),
                errors,
                ..OverviewTyped::default()
            };
            overview_view(&s, &caller, lang, typed).await
        }
    }
}
