//! The caller's work lists: the steps they may perform now, the overdue steps of the cases
//! they read, and every case they read.

use super::*;

/// One line of a work list.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CaseRow {
    /// Id.
    pub id: CaseId,
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// The process's name.
    pub process_name: String,
    /// The current step's name.
    pub step_name: String,
    /// Open or closed.
    pub state: CaseState,
    /// Since when at this step.
    pub entered_at: Timestamp,
    /// Days at this step.
    pub age_days: i64,
    /// Due.
    pub due: Option<Timestamp>,
    /// Past due.
    pub overdue: bool,
}

fn row(w: &World, case: &Case, now: Timestamp, lang: Lang) -> Option<CaseRow> {
    let def = &w.process_definition(case.definition).ok()?.definition;
    let due = case.due(def);
    Some(CaseRow {
        id: case.id,
        reference: case.reference(),
        title: case.title.to_string(),
        process_name: def.name.pick(lang).to_owned(),
        step_name: def
            .step(case.current.as_str())
            .map_or_else(|| case.current.to_string(), |s| s.name.pick(lang).to_owned()),
        state: case.state,
        entered_at: case.entered_at,
        age_days: (now.0 - case.entered_at.0).max(0) / 86_400,
        due,
        overdue: due.is_some_and(|d| d < now),
    })
}

/// The work lists of the caller.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct WorkLists {
    /// The steps the caller may perform now, oldest first.
    pub my_steps: Vec<CaseRow>,
    /// Overdue steps of the cases the caller may read, most overdue first.
    pub overdue: Vec<CaseRow>,
    /// Every case the caller may read, newest first (open ones before closed ones).
    pub cases: Vec<CaseRow>,
}

/// The caller's work lists. The read scope is checked by the routes that show them, of the
/// API and of the UI (`needs(Scope::Read, …)`).
pub fn work(w: &World, caller: &Caller, now: Timestamp, lang: Lang) -> ApiResult<WorkLists> {
    let my_steps = w
        .my_steps(caller.user, now)
        .into_iter()
        .filter_map(|c| row(w, c, now, lang))
        .collect();
    let overdue = w
        .overdue_steps(now)
        .into_iter()
        .filter(|(c, _)| may_read(w, caller, c, now))
        .filter_map(|(c, _)| row(w, c, now, lang))
        .collect();
    let mut cases: Vec<CaseRow> = w
        .cases()
        .iter()
        .filter(|c| may_read(w, caller, c, now))
        .filter_map(|c| row(w, c, now, lang))
        .collect();
    cases.sort_by_key(|r| (r.state == CaseState::Closed, std::cmp::Reverse(r.id)));
    Ok(WorkLists {
        my_steps,
        overdue,
        cases,
    })
}
