//! The process engine's service (issue #16): who sees which case, the views the API
//! (`api/process.rs`) and the UI show, the work lists, and the ministry's notification.
//!
//! **Who sees a case** is the ACL engine's answer on the case's folder (the performing job
//! edits, the reporter and earlier performers read), plus the register keepers (the security
//! lead and the system administrator, who keep the events and incident files, Art. 19(3)) and
//! whoever may perform its current step. Fields the definition marks `restricted`
//! (perpetrators and motives, Art. 20(2) 6) are shown only to the keepers and to those who
//! performed or perform a step of the case.
//!
//! Decisions, consents and field changes are commands the engine authorises
//! (`Command::DecideStep` …); nothing here writes.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use adam_core::lang::Lang;
use adam_core::process::{self, Case, CaseState, Definition, FieldKind, FieldValue, ProcessDefinition, StepKind};
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// A person named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PersonRef {
    /// Id.
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
}

fn person(w: &World, id: UserId) -> PersonRef {
    match w.user(id) {
        Ok(u) => PersonRef {
            id,
            username: u.username.to_string(),
            name: format!("{} {}", u.first_name, u.last_name),
        },
        Err(_) => PersonRef {
            id,
            username: id.to_string(),
            name: id.to_string(),
        },
    }
}

/// Whether the caller keeps the registers (sees every case, imports definitions).
pub fn keeper(w: &World, caller: &Caller, now: Timestamp) -> bool {
    w.keeps_registers(&caller.actor(None), now).unwrap_or(false)
}

/// Whether the caller may read the case.
pub fn may_read(w: &World, caller: &Caller, case: &Case, now: Timestamp) -> bool {
    if keeper(w, caller, now)
        || case.started_by == Some(caller.user)
        || w.performers(case, now).contains(&caller.user)
        || asked_to_consent(w, case, caller.user, now)
    {
        return true;
    }
    let session = if caller.mfa { Session::MFA } else { Session::PASSWORD };
    w.check(caller.user, ObjectRef::Folder(case.folder), now, session)
        .is_ok_and(|l| l >= Level::View13)
}

/// Whether the current step asks `user` for a consent (the custodian approving a transfer
/// into production reads what they approve, though they perform no step).
fn asked_to_consent(w: &World, case: &Case, user: UserId, now: Timestamp) -> bool {
    let Ok((_, def)) = w.case_with_definition(case.id) else {
        return false;
    };
    let Some(step) = def.step(case.current.as_str()) else {
        return false;
    };
    let guards = step
        .guards
        .iter()
        .chain(step.outcomes.iter().flat_map(|o| o.guards.iter()));
    guards.filter_map(|g| g.consent.as_ref()).flatten().any(|role| {
        w.bound_people(def, &case.fields, case.started_by, role.as_str(), now)
            .contains(&user)
    })
}

/// Whether the caller sees the case's restricted fields.
fn sees_restricted(w: &World, caller: &Caller, case: &Case, now: Timestamp) -> bool {
    keeper(w, caller, now)
        || w.performers(case, now).contains(&caller.user)
        || case.history.iter().any(|t| t.by == Some(caller.user))
}

/// The case, or 403 when the caller may not read it.
pub fn readable_case(w: &World, caller: &Caller, id: CaseId, now: Timestamp) -> ApiResult<Case> {
    caller.require(Scope::Read)?;
    let case = w.case(id)?;
    if !may_read(w, caller, case, now) {
        return Err(WebError::forbidden(
            "not-a-case-reader",
            "this case is read by the register keepers, its reporter, the people who perform its steps and those its folder's ACL lets read it",
        )
        .sl("zadevo berejo vodja informacijske varnosti in sistemski skrbnik, prijavitelj, izvajalci njenih korakov in tisti, ki jim to dovoli ACL njene mape"));
    }
    Ok(case.clone())
}

/// A field as shown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FieldView {
    /// Key.
    pub key: String,
    /// Name in the request's language.
    pub name: String,
    /// Kind (`text`, `long_text`, `bool`, `date`, `date_time`, `money`, `number`, `choice`,
    /// `choices`, `system`, `person`).
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
        (FieldKind::DateTime, FieldValue::Text(t)) => Timestamp::parse(t)
            .map(|t| LocalTime::of(t).to_string())
            .unwrap_or_else(|_| t.clone()),
        (_, FieldValue::Text(t)) => t.clone(),
        (_, FieldValue::Int(i)) => i.to_string(),
        (_, FieldValue::Bool(b)) => b.to_string(),
        (_, FieldValue::List(l)) => l.join(", "),
    }
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

/// The caller's work lists.
pub fn work(w: &World, caller: &Caller, now: Timestamp, lang: Lang) -> ApiResult<WorkLists> {
    caller.require(Scope::Read)?;
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

/// A process as listed: the newest kept version, or the shipped one not kept yet.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ProcessRow {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// The newest version.
    pub version: u32,
    /// Shipped with ADAM.
    pub shipped: bool,
    /// Every kept version, oldest first.
    pub versions: Vec<u32>,
    /// Steps.
    pub steps: usize,
    /// Open cases.
    pub open_cases: usize,
}

/// The newest definition of every process: kept versions, and shipped ones not kept yet.
pub fn latest_definitions(w: &World) -> Vec<(Definition, bool)> {
    let mut out: Vec<(Definition, bool)> = Vec::new();
    for (key, _) in process::SHIPPED {
        if w.latest_process(key).is_none()
            && let Some(d) = process::shipped(key)
        {
            out.push((d, true));
        }
    }
    let mut keys: Vec<&str> = w
        .process_definitions()
        .iter()
        .map(|d| d.definition.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for k in keys {
        if let Some(d) = w.latest_process(k) {
            out.push((d.definition.clone(), d.shipped));
        }
    }
    out.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    out
}

/// Every process.
pub fn processes(w: &World, lang: Lang) -> Vec<ProcessRow> {
    latest_definitions(w)
        .into_iter()
        .map(|(d, shipped)| ProcessRow {
            key: d.key.to_string(),
            name: d.name.pick(lang).to_owned(),
            version: d.version,
            shipped,
            versions: w
                .process_definitions()
                .iter()
                .filter(|k| k.definition.key == d.key)
                .map(|k| k.definition.version)
                .collect(),
            steps: d.steps.len(),
            open_cases: w
                .cases()
                .iter()
                .filter(|c| c.process == d.key && c.state == CaseState::Open)
                .count(),
        })
        .collect()
}

/// The newest definition of `key` (kept or shipped), or 404.
pub fn definition(w: &World, key: &str) -> ApiResult<Definition> {
    latest_definitions(w)
        .into_iter()
        .find(|(d, _)| d.key.as_str() == key)
        .map(|(d, _)| d)
        .ok_or_else(|| adam_core::Error::Process(ProcessError::UnknownProcess(key.to_owned())).into())
}

/// A kept version.
pub fn version(w: &World, key: &str, version: u32) -> ApiResult<ProcessDefinition> {
    w.process_version(key, version)
        .cloned()
        .ok_or_else(|| adam_core::Error::Process(ProcessError::UnknownProcess(format!("{key} v{version}"))).into())
}

/// Reads a definition file for import, naming where it is malformed.
pub fn parse_definition(json: &str) -> ApiResult<Definition> {
    process::parse_definition(json).map_err(|e| adam_core::Error::Process(ProcessError::MalformedDefinition(e)).into())
}

/// The notification of a security event to the ministry (Art. 19(4)–(5)) in its documented
/// JSON format (`docs/processes.md`): the data of Art. 19(5), by the Decree's numbering.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MinistryNotification {
    /// `adam.security-event-notification/1`.
    pub format: &'static str,
    /// The body's name.
    pub body: String,
    /// Art. 19(5) point 1: The event's identification mark.
    pub identification: String,
    /// Art. 19(5) point 2: The person reporting.
    pub reporter: Option<PersonRef>,
    /// Art. 19(5) point 3: The description, each part by its field key: what, how, why, which asset,
    /// negative business effects, vulnerabilities.
    pub description: std::collections::BTreeMap<String, String>,
    /// Art. 19(5) point 4: The details: when it occurred, was discovered and reported, whether closed, how long.
    pub details: std::collections::BTreeMap<String, String>,
    /// When and to whom it was sent, once recorded.
    pub sent: Option<String>,
}

/// The ministry notification of a security-event case.
pub fn ministry_notification(w: &World, case: &Case) -> ApiResult<MinistryNotification> {
    if case.process.as_str() != process::SECURITY_EVENT {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "not-a-security-event",
            "only a security event is notified to the ministry",
        )
        .sl("ministrstvu se priglasi le varnostni dogodek"));
    }
    let def = &w.process_definition(case.definition)?.definition;
    let text = |k: &str| {
        def.field(k)
            .and_then(|f| case.fields.get(&f.key).map(|v| shown(w, &f.kind, v, Lang::Sl)))
            .unwrap_or_default()
    };
    let pick = |keys: &[&str]| keys.iter().map(|k| ((*k).to_owned(), text(k))).collect();
    let sent = case
        .fields
        .keys()
        .any(|k| k.as_str() == "ministry_notified_at")
        .then(|| format!("{} – {}", text("ministry_notified_at"), text("ministry_notified_to")));
    let mut details: std::collections::BTreeMap<String, String> = pick(&["occurred_at", "discovered_at", "duration"]);
    details.insert("reported_at".to_owned(), LocalTime::of(case.started_at).to_string());
    details.insert(
        "closed".to_owned(),
        if case.state == CaseState::Closed { "da" } else { "ne" }.to_owned(),
    );
    Ok(MinistryNotification {
        format: "adam.security-event-notification/1",
        body: w.settings().organisation.to_string(),
        identification: case.reference(),
        reporter: case.started_by.map(|u| person(w, u)),
        description: pick(&[
            "situation",
            "what",
            "how",
            "why",
            "affected_system",
            "affected_asset",
            "business_effects",
            "vulnerabilities",
        ]),
        details,
        sent,
    })
}

/// Whether a step is an end.
pub fn is_end(def: &Definition, step: &str) -> bool {
    def.step(step).is_some_and(|s| s.kind == StepKind::End)
}

/// What ADAM detected itself (Art. 18(2)), raised as a security event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// An account locked after failed sign-ins (Art. 53(2)).
    LockOut,
    /// A second factor reported lost or stolen (Art. 33(1): an incident).
    FactorLost,
    /// A server's files differ from its approved baseline (Art. 50(5)); `who` is the server.
    IntegrityMismatch,
    /// The audit trail failed its verification (Art. 57: records altered or removed); `who`
    /// is the verdict's first problem.
    TrailBroken,
    /// A restore test of ADAM's own backup failed (Art. 29(3)); `who` names the backup.
    RestoreFailed,
}

/// Raises a security event for what ADAM detected: a `security-event` case started by ADAM
/// itself, performed by the security lead. Best effort after the detection's own records are
/// written: without a security lead to take it the refusal is logged (the detection stays in
/// the audit trail either way).
pub async fn raise_event(s: &crate::state::AppState, detected: Detected, who: &str, ip: Option<String>) {
    let (title, situation, what) = match detected {
        Detected::LockOut => (
            format!("Zaklenjen račun {who} / account {who} locked"),
            "access_violation",
            format!(
                "ADAM je zaklenil račun {who} po zaporednih neuspelih prijavah (53. člen (2)). / ADAM locked the account {who} after repeated failed sign-ins (Art. 53(2))."
            ),
        ),
        Detected::FactorLost => (
            format!("Izgubljen drugi faktor: {who} / second factor lost: {who}"),
            "access_violation",
            format!(
                "{who} je prijavil(a) izgubo ali krajo drugega faktorja; ADAM ga je onemogočil (33. člen). / {who} reported the second factor lost or stolen; ADAM disabled it (Art. 33)."
            ),
        ),
        Detected::IntegrityMismatch => (
            format!("Neskladje celovitosti: {who} / integrity mismatch: {who}"),
            "uncontrolled_change",
            format!(
                "Datoteke strežnika {who} se razlikujejo od odobrene izhodiščne konfiguracije (50. člen (5)). / The files of server {who} differ from its approved baseline (Art. 50(5))."
            ),
        ),
        Detected::TrailBroken => (
            "Revizijska sled ni nedotaknjena / the audit trail is not intact".to_owned(),
            "deviation_cia",
            format!(
                "Preverjanje revizijske sledi je našlo napako: {who} (57. člen). / Verifying the audit trail found a problem: {who} (Art. 57)."
            ),
        ),
        Detected::RestoreFailed => (
            format!("Neuspela obnovitev varnostne kopije ADAM: {who} / ADAM backup restore failed: {who}"),
            "deviation_cia",
            format!(
                "Preizkus obnovitve varnostne kopije ADAM-a ni uspel: {who} (29. člen (3)). / A restore test of ADAM's backup failed: {who} (Art. 29(3))."
            ),
        ),
    };
    let (Ok(title), Ok(process)) = (
        Text::parse("title", &title),
        Code::parse("process", process::SECURITY_EVENT),
    ) else {
        return;
    };
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("situation".to_owned(), serde_json::json!(situation));
    fields.insert("what".to_owned(), serde_json::json!(what));
    fields.insert("discovered_at".to_owned(), serde_json::json!(s.now().to_string()));
    fields.insert(
        "source".to_owned(),
        serde_json::json!(match detected {
            Detected::LockOut => "ADAM: security.login_locked",
            Detected::FactorLost => "ADAM: security.factor_lost",
            Detected::IntegrityMismatch => "ADAM: security.integrity_mismatch",
            Detected::TrailBroken => "ADAM: audit.verify",
            Detected::RestoreFailed => "ADAM: continuity.record_test",
        }),
    );
    // One open event per detection and subject: a token posting mismatched scans in a loop, or
    // an account locked again and again, cannot bury the lead in cases (each detection stays
    // in the audit trail).
    let open = s.world().cases().iter().any(|c| {
        c.state == CaseState::Open
            && c.process.as_str() == process::SECURITY_EVENT
            && c.started_by.is_none()
            && c.title.as_str() == title.as_str()
    });
    if open {
        return;
    }
    let command = Command::StartCase {
        process,
        title,
        fields,
        attachments: Vec::new(),
    };
    let context = s.context(Actor::System, ip);
    if let Err(e) = s.execute_as(Actor::System, context, command).await {
        tracing::warn!(code = e.code, "a detected security event could not be opened");
    }
}

/// Sends the overdue reminders due now: for every open case past its step's due time whose
/// reminder has not gone out for this visit, ADAM records the reminder (one change each, in the
/// audit trail) and the performers are e-mailed after the commit. Returns the cases reminded.
/// A read-only server (a standby) sends none: its primary does.
pub async fn remind_overdue(s: &crate::state::AppState) -> Vec<CaseId> {
    if s.read_only().is_some() {
        return Vec::new();
    }
    let now = s.now();
    let due: Vec<CaseId> = s
        .world()
        .overdue_steps(now)
        .into_iter()
        .filter(|(c, _)| c.reminded != Some(c.visit))
        .map(|(c, _)| c.id)
        .collect();
    let mut sent = Vec::new();
    for case in due {
        let context = s.context(Actor::System, None);
        match s
            .execute_as(Actor::System, context, Command::RemindOverdue { case })
            .await
        {
            Ok(_) => sent.push(case),
            // Another server reminded first, or the case moved meanwhile: nothing to send.
            Err(e) => tracing::debug!(code = e.code, case = %case, "no overdue reminder"),
        }
    }
    sent
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
