//! A case as the caller sees it: its fields (the restricted ones only to those who may see
//! them), the current step's outcomes with what still keeps each from being taken, the
//! consents asked, and the decisions taken so far.

use super::*;

/// A field as shown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FieldView {
    /// Key.
    pub key: String,
    /// Name in the request's language.
    pub name: String,
    /// Kind (`text`, `long_text`, `bool`, `date`, `date_time`, `money`, `number`, `choice`,
    /// `choices`, `system`, `person`, `job`).
    pub kind: &'static str,
    /// The article asking for it.
    pub article: Option<String>,
    /// The value as stored (absent when empty or hidden).
    pub value: Option<FieldValue>,
    /// The value as a person reads it.
    pub shown: String,
    /// Filled at the current step.
    pub at_step: bool,
    /// Personal data, hidden from this caller.
    pub hidden: bool,
    /// The options of a closed list: key and name.
    pub options: Vec<(String, String)>,
}

/// An outcome of the current step as shown, with what still keeps it from being taken.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct OutcomeView {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// The step it leads to (its name).
    pub to: String,
    /// What is missing, in the request's language (empty: it can be taken).
    pub unmet: Vec<String>,
}

/// A consent the current step asks for.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ConsentView {
    /// The role's key.
    pub role: String,
    /// Its name.
    pub role_name: String,
    /// Who gave it, and when.
    pub given_by: Option<PersonRef>,
    /// When.
    pub given_at: Option<Timestamp>,
    /// Whether the caller may give it now.
    pub may_give: bool,
}

/// A past decision as shown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TransitionView {
    /// The step's name.
    pub step: String,
    /// The outcome's name.
    pub outcome: String,
    /// Who decided (none: ADAM).
    pub by: Option<PersonRef>,
    /// When.
    pub at: Timestamp,
    /// What they said.
    pub comment: Option<String>,
    /// How many files they attached.
    pub attachments: usize,
}

/// A case as shown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CaseView {
    /// Id.
    pub id: CaseId,
    /// Reference (`security-event/3`).
    pub reference: String,
    /// Title.
    pub title: String,
    /// Process key and version.
    pub process: String,
    /// Its version.
    pub version: u32,
    /// The process's name.
    pub process_name: String,
    /// Open or closed.
    pub state: CaseState,
    /// The current step's key.
    pub step: String,
    /// Its name.
    pub step_name: String,
    /// What is done there.
    pub step_description: Option<String>,
    /// The article it implements.
    pub step_article: Option<String>,
    /// The performing role's name.
    pub performer_role: Option<String>,
    /// The people who may perform it.
    pub performers: Vec<PersonRef>,
    /// Since when it is at this step.
    pub entered_at: Timestamp,
    /// Its due time (the organisation's policy, not the Decree's).
    pub due: Option<Timestamp>,
    /// Whether past due.
    pub overdue: bool,
    /// Whether the caller may decide it.
    pub may_decide: bool,
    /// The outcomes.
    pub outcomes: Vec<OutcomeView>,
    /// The consents asked here.
    pub consents: Vec<ConsentView>,
    /// Every field.
    pub fields: Vec<FieldView>,
    /// Files attached.
    pub attachments: Vec<adam_core::attachment::AttachmentRef>,
    /// Who started it (none: ADAM itself).
    pub started_by: Option<PersonRef>,
    /// When.
    pub started_at: Timestamp,
    /// The decisions, oldest first.
    pub history: Vec<TransitionView>,
    /// The folder of the case.
    pub folder: FolderId,
    /// What a change request asks afterwards (Art. 50(4), 9(2), 15(2)); empty for other
    /// processes.
    pub duties: Vec<adam_core::process::Duty>,
    /// The revision that last changed it.
    pub rev: Revision,
}

/// The value of a field as a person reads it.
pub fn shown(w: &World, kind: &FieldKind, v: &FieldValue, lang: Lang) -> String {
    let option = |k: &str| {
        kind.options()
            .iter()
            .find(|o| o.key.as_str() == k)
            .map_or_else(|| k.to_owned(), |o| o.name.pick(lang).to_owned())
    };
    match (kind, v) {
        (FieldKind::Bool, FieldValue::Bool(b)) => lang
            .pick(if *b { "da" } else { "ne" }, if *b { "yes" } else { "no" })
            .to_owned(),
        (FieldKind::Money, FieldValue::Int(c)) => {
            let (e, c) = (c / 100, c % 100);
            lang.pick(format!("{e},{c:02} EUR"), format!("EUR {e}.{c:02}"))
        }
        (FieldKind::Choice { .. }, FieldValue::Text(k)) => option(k),
        (FieldKind::Choices { .. }, FieldValue::List(ks)) => {
            ks.iter().map(|k| option(k)).collect::<Vec<_>>().join(", ")
        }
        (FieldKind::System, FieldValue::Int(i)) => {
            u32::try_from(*i).ok().and_then(|i| w.item(ItemId(i)).ok()).map_or_else(
                || i.to_string(),
                |it| format!("{} – {}", it.fields.code, it.fields.name),
            )
        }
        (FieldKind::Person, FieldValue::Int(i)) => u32::try_from(*i)
            .map(|i| {
                let p = person(w, UserId(i));
                format!("{} ({})", p.name, p.username)
            })
            .unwrap_or_default(),
        (FieldKind::Job, FieldValue::Int(i)) => u32::try_from(*i)
            .ok()
            .and_then(|i| w.job(JobId(i)).ok())
            .map_or_else(|| i.to_string(), |j| format!("{} – {}", j.code, j.name)),
        (FieldKind::DateTime, FieldValue::Text(t)) => Timestamp::parse(t)
            .map(|t| LocalTime::of(t).to_string())
            .unwrap_or_else(|_| t.clone()),
        (_, FieldValue::Text(t)) => t.clone(),
        (_, FieldValue::Int(i)) => i.to_string(),
        (_, FieldValue::Bool(b)) => b.to_string(),
        (_, FieldValue::List(l)) => l.join(", "),
    }
}

/// The case as it stood at `at` (`past` is the world replayed to then): who may ask is
/// decided by today's rules (`live`, `now`), and so is whether its restricted fields show — a
/// person no longer entitled does not read them in the past either. A case that did not exist
/// yet is not found. Nothing can be decided on a past picture.
#[allow(clippy::too_many_arguments)]
pub fn view_as_of(
    live: &World,
    past: &World,
    caller: &Caller,
    id: CaseId,
    now: Timestamp,
    at: Timestamp,
    lang: Lang,
) -> ApiResult<CaseView> {
    let today = readable_case(live, caller, id, now)?;
    let then = past.case(id)?.clone();
    let mut v = view(past, caller, &then, at, lang)?;
    if !sees_restricted(live, caller, &today, now) {
        let kept = past.process_definition(then.definition)?;
        let restricted: Vec<&str> = kept
            .definition
            .fields
            .iter()
            .filter(|f| f.restricted)
            .map(|f| f.key.as_str())
            .collect();
        for f in v.fields.iter_mut().filter(|f| restricted.contains(&f.key.as_str())) {
            f.value = None;
            f.shown = String::new();
            f.hidden = true;
        }
    }
    v.may_decide = false;
    v.outcomes.clear();
    v.consents.clear();
    Ok(v)
}

/// The case as the caller sees it.
pub fn view(w: &World, caller: &Caller, case: &Case, now: Timestamp, lang: Lang) -> ApiResult<CaseView> {
    let kept = w.process_definition(case.definition)?;
    let def = &kept.definition;
    let step = def.step(case.current.as_str());
    let performers = w.performers(case, now);
    let may_decide = case.state == CaseState::Open && performers.contains(&caller.user);
    let restricted = sees_restricted(w, caller, case, now);
    let bound = |role: &str| w.bound_people(def, &case.fields, case.started_by, role, now);
    let outcomes = match step {
        Some(s) if case.state == CaseState::Open => s
            .outcomes
            .iter()
            .map(|o| OutcomeView {
                key: o.key.to_string(),
                name: o.name.pick(lang).to_owned(),
                to: def
                    .step(o.to.as_str())
                    .map_or_else(|| o.to.to_string(), |s| s.name.pick(lang).to_owned()),
                unmet: process::unmet(s, o, case, &bound)
                    .iter()
                    .map(|u| u.message(def, lang))
                    .collect(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let consents = match step {
        Some(s) if case.state == CaseState::Open => consents_asked(w, caller, case, def, s, now, lang),
        _ => Vec::new(),
    };
    let fields = def
        .fields
        .iter()
        .map(|f| {
            let hidden = f.restricted && !restricted;
            let value = if hidden { None } else { case.fields.get(&f.key).cloned() };
            FieldView {
                key: f.key.to_string(),
                name: f.name.pick(lang).to_owned(),
                kind: f.kind.as_str(),
                article: f.article.as_ref().map(|a| a.to_string()),
                shown: value.as_ref().map(|v| shown(w, &f.kind, v, lang)).unwrap_or_default(),
                value,
                at_step: step.is_some_and(|s| s.fields.contains(&f.key)),
                hidden,
                options: f
                    .kind
                    .options()
                    .iter()
                    .map(|o| (o.key.to_string(), o.name.pick(lang).to_owned()))
                    .collect(),
            }
        })
        .collect();
    let due = case.due(def);
    let step_name = |k: &Code| {
        def.step(k.as_str())
            .map_or_else(|| k.to_string(), |s| s.name.pick(lang).to_owned())
    };
    Ok(CaseView {
        id: case.id,
        reference: case.reference(),
        title: case.title.to_string(),
        process: case.process.to_string(),
        version: case.version,
        process_name: def.name.pick(lang).to_owned(),
        state: case.state,
        step: case.current.to_string(),
        step_name: step_name(&case.current),
        step_description: step
            .and_then(|s| s.description.as_ref())
            .map(|d| d.pick(lang).to_owned()),
        step_article: step.and_then(|s| s.article.as_ref()).map(|a| a.to_string()),
        performer_role: step
            .and_then(|s| s.performer.as_ref())
            .and_then(|r| def.role(r.as_str()))
            .map(|r| r.name.pick(lang).to_owned()),
        performers: performers.iter().map(|u| person(w, *u)).collect(),
        entered_at: case.entered_at,
        due,
        overdue: due.is_some_and(|d| d < now),
        may_decide,
        outcomes,
        consents,
        fields,
        attachments: case.attachments.clone(),
        started_by: case.started_by.map(|u| person(w, u)),
        started_at: case.started_at,
        history: case
            .history
            .iter()
            .map(|t| TransitionView {
                step: step_name(&t.step),
                outcome: def
                    .step(t.step.as_str())
                    .and_then(|s| s.outcome(t.outcome.as_str()))
                    .map_or_else(|| t.outcome.to_string(), |o| o.name.pick(lang).to_owned()),
                by: t.by.map(|u| person(w, u)),
                at: t.at,
                comment: t.comment.as_ref().map(|c| c.to_string()),
                attachments: t.attachments.len(),
            })
            .collect(),
        folder: case.folder,
        duties: w.change_duties(case),
        rev: case.rev,
    })
}

fn consents_asked(
    w: &World,
    caller: &Caller,
    case: &Case,
    def: &Definition,
    step: &process::Step,
    now: Timestamp,
    lang: Lang,
) -> Vec<ConsentView> {
    let mut roles: Vec<&Code> = Vec::new();
    for g in step
        .guards
        .iter()
        .chain(step.outcomes.iter().flat_map(|o| o.guards.iter()))
    {
        for r in g.consent.iter().flatten() {
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
    }
    let mine_given = case.current_consents().any(|c| c.by == caller.user);
    roles
        .into_iter()
        .map(|r| {
            let given = case.current_consents().find(|c| &c.role == r);
            let holders = w.bound_people(def, &case.fields, case.started_by, r.as_str(), now);
            ConsentView {
                role: r.to_string(),
                role_name: def
                    .role(r.as_str())
                    .map_or_else(|| r.to_string(), |d| d.name.pick(lang).to_owned()),
                given_by: given.map(|c| person(w, c.by)),
                given_at: given.map(|c| c.at),
                may_give: given.is_none() && !mine_given && holders.contains(&caller.user),
            }
        })
        .collect()
}

/// What still keeps `outcome` of the case's current step from being taken once `given` (the
/// values a form sends, as the engine reads them) are in, in `lang` with the definition's names
/// — for a refused decision shown with what was typed (the UI's case page).
pub fn unmet_with(
    w: &World,
    case: &Case,
    given: &std::collections::BTreeMap<String, serde_json::Value>,
    outcome: &str,
    now: Timestamp,
    lang: Lang,
) -> Vec<String> {
    let Ok(kept) = w.process_definition(case.definition) else {
        return Vec::new();
    };
    let def = &kept.definition;
    let (Some(step), mut filled) = (def.step(case.current.as_str()), case.clone()) else {
        return Vec::new();
    };
    let Some(o) = step.outcome(outcome) else {
        return Vec::new();
    };
    for (k, v) in given {
        if let Some(f) = def.field(k) {
            match f.kind.read(v) {
                Some(v) => filled.fields.insert(f.key.clone(), v),
                None => filled.fields.remove(&f.key),
            };
        }
    }
    let bound = |role: &str| w.bound_people(def, &filled.fields, filled.started_by, role, now);
    process::unmet(step, o, &filled, &bound)
        .iter()
        .map(|u| u.message(def, lang))
        .collect()
}
