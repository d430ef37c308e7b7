//! Reviewing the audit trail: who may review what, the search, an object's history and last
//! change, verification and retention holds — for the API (`api/audit.rs`) and the UI
//! (`ui/review.rs`, `ui/history.rs`) alike.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::register::decree_roles::DecreeRole;
use adam_core::*;
use adam_store::{AuditQuery, AuditRecord, Hold, HoldState, Verdict};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the caller reviews the whole trail: the system administrator (an `admin` account or
/// the console) or a holder of the security-lead system role.
pub(crate) fn reviews_everything(s: &AppState, caller: &Caller) -> bool {
    let w = s.world();
    let now = s.now();
    if matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full)) {
        return true;
    }
    is_security_lead(&w, caller.user, now)
}

/// Whether the user holds the security-lead system role at `now`.
pub(crate) fn is_security_lead(w: &World, user: UserId, now: Timestamp) -> bool {
    w.role_by_code(SystemPower::SecurityLead.code())
        .ok()
        .is_some_and(|role| matches!(w.check_role(user, role, now), Ok(Some(_))))
}

pub(crate) fn require_reviewer(s: &AppState, caller: &Caller) -> ApiResult<()> {
    // Kept: the audit routes declare no scope (each answers by the reviewer's rule here).
    caller.require(Scope::Read)?;
    if reviews_everything(s, caller) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "not-a-reviewer",
            "the audit trail is reviewed by the system administrator and security leads",
        )
        .sl("revizijsko sled pregledujejo sistemski skrbnik in varnostni vodje"))
    }
}

pub(crate) fn require_security_lead(s: &AppState, caller: &Caller) -> ApiResult<()> {
    // Kept: the hold routes declare no scope; `decides_holds` asks this of any caller.
    caller.require(Scope::Write)?;
    if is_security_lead(&s.world(), caller.user, s.now()) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "not-a-security-lead",
            "retention holds are decided by a security lead (Art. 57(6))",
        )
        .sl("o zadržanju zapisov odloča varnostni vodja (57(6). člen)"))
    }
}

/// What the caller may read of a record: an `admin` account does not see what a record of a
/// document or folder says (SPEC §1: all powers over the system, no view of any document), and
/// a case's restricted fields (perpetrators and motives, Art. 20(2)) are shown only to whoever
/// sees them on the case's page.
pub(crate) fn redact(w: &World, now: Timestamp, caller: &Caller, mut r: AuditRecord) -> AuditRecord {
    if r.object.kind == EntityKind::ProcessCase {
        for picture in [r.before.as_mut(), r.after.as_mut()].into_iter().flatten() {
            super::process::hide_restricted(w, caller, CaseId(r.object.id), now, picture);
        }
    }
    if caller.kind == AccountKind::Admin
        && matches!(
            r.object.kind,
            EntityKind::Document | EntityKind::Folder | EntityKind::AclEntry
        )
    {
        r.before = None;
        r.after = None;
        r.object.label = format!("{} {}", r.object.kind, r.object.id);
    }
    r
}

/// A page of records.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditPage {
    /// The records, newest first.
    pub items: Vec<AuditRecord>,
    /// The cursor of the next page (`before=`), when there may be more.
    pub next: Option<u64>,
}

/// Search filters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Records by this user.
    pub actor: Option<u32>,
    /// About objects of this type (`ADAM_ENTITY_JOB`, `ADAM_ENTITY_DOCUMENT`…).
    pub object_kind: Option<String>,
    /// About the object with this id (with `object_kind`).
    pub object_id: Option<u32>,
    /// This action or its sub-actions (`workflow`, `document.open`).
    pub action: Option<String>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub to: Option<Timestamp>,
    /// Only changes to the directory, roles, grants, records and ACLs.
    #[serde(default)]
    pub changes_only: bool,
    /// The cursor: records before this sequence number.
    pub before: Option<u64>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

pub(crate) fn page_size(limit: Option<usize>) -> ApiResult<usize> {
    let limit = limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page-size",
            format!("limit must be between 1 and 1000, not {limit}"),
        )
        .sl(format!("limit mora biti med 1 in 1000, ne {limit}"))
        .with("pointer", "/limit"));
    }
    Ok(limit)
}

pub(crate) async fn run(s: &AppState, caller: &Caller, query: AuditQuery) -> ApiResult<AuditPage> {
    let limit = query.limit;
    let store = s.store.clone();
    let items = blocking(move || store.audit_search(&query)).await??;
    let next = (items.len() == limit).then(|| items.last().map(|r| r.seq)).flatten();
    let (w, now) = (s.world(), s.now());
    Ok(AuditPage {
        items: items.into_iter().map(|r| redact(&w, now, caller, r)).collect(),
        next,
    })
}

/// Whether a user administrator may review records of this actor or about this object.
pub(crate) fn user_admin_may_review(s: &AppState, caller: &Caller, q: &SearchQuery) -> ApiResult<()> {
    let w = s.world();
    let me = caller.actor(None);
    let now = s.now();
    let by_actor = q.actor.map(|u| w.require_user(&me, UserId(u), now).is_ok());
    let kind = q.object_kind.as_deref().map(str::parse::<EntityKind>);
    let about = match (kind, q.object_id) {
        (Some(Ok(EntityKind::User)), Some(id)) => Some(w.require_user(&me, UserId(id), now).is_ok()),
        (Some(Ok(EntityKind::Job)), Some(id)) => Some(w.require_job(&me, JobId(id), now).is_ok()),
        (Some(Ok(EntityKind::Office)), Some(id)) => Some(w.require_office(&me, Some(OfficeId(id)), now).is_ok()),
        (Some(_), _) | (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    match (by_actor, about) {
        (Some(true), None | Some(true)) | (None, Some(true)) => Ok(()),
        _ => Err(WebError::forbidden(
            "outside-scope",
            "a user administrator reviews the activity of, and the records about, the people, jobs and offices \
             they administer: name one with actor= or object_kind= and object_id=",
        ).sl("skrbnik uporabnikov pregleduje dejavnost in zapise o osebah, delovnih mestih in uradih, ki jih upravlja: navedite enega")),
    }
}

/// Whether the caller reviews audit records at all: the system administrator and security
/// leads all of them, user administrators those of the people, jobs and offices they
/// administer.
pub(crate) fn may_review(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Read)
        && (reviews_everything(s, caller)
            || matches!(
                s.world().authority(&caller.actor(None), s.now()),
                Ok(Authority::UserAdmin(_))
            ))
}

/// Whether the caller reviews the whole trail (and may verify it).
pub(crate) fn reviews_all(s: &AppState, caller: &Caller) -> bool {
    reviews_everything(s, caller)
}

/// A search of the trail with the depth the caller's role allows (the API's and the UI's).
pub(crate) async fn search_trail(s: &AppState, caller: &Caller, q: SearchQuery) -> ApiResult<AuditPage> {
    let s = s.clone();
    let caller = caller.clone();
    // Kept: the UI's audit page checks its form's dates before it searches, so its route
    // cannot declare the scope without answering a bad date differently.
    caller.require(Scope::Read)?;
    let limit = page_size(q.limit)?;
    if !reviews_everything(&s, &caller) {
        let w = s.world();
        let authority = w.authority(&caller.actor(None), s.now())?;
        drop(w);
        match authority {
            Authority::UserAdmin(_) => user_admin_may_review(&s, &caller, &q)?,
            _ => {
                return Err(WebError::forbidden(
                    "not-a-reviewer",
                    "the audit trail is reviewed by the system administrator, security leads and user \
                     administrators; your own activity is at /api/v1/audit/mine",
                ).sl("revizijsko sled pregledujejo sistemski skrbnik, varnostni vodje in skrbniki uporabnikov; svojo dejavnost vidite na /api/v1/audit/mine"));
            }
        }
    }
    let grantee = grantee_of(q.object_kind.as_deref(), q.object_id);
    let query = AuditQuery {
        actor: q.actor.map(UserId),
        object_kind: q.object_kind,
        object_id: q.object_id,
        action: q.action,
        from: q.from,
        to: q.to,
        changes_only: q.changes_only,
        before: q.before,
        limit,
    };
    match grantee {
        Some(grantee) => with_grants(&s, &caller, query, grantee).await,
        None => run(&s, &caller, query).await,
    }
}

/// The grantee a search about a person, job or office also names: the changes to their grants
/// are about them too (a job's roles are found under the job).
fn grantee_of(kind: Option<&str>, id: Option<u32>) -> Option<Grantee> {
    match (kind?.parse::<EntityKind>().ok()?, id?) {
        (EntityKind::User, id) => Some(Grantee::User(UserId(id))),
        (EntityKind::Job, id) => Some(Grantee::Job(JobId(id))),
        (EntityKind::Office, id) => Some(Grantee::Office(OfficeId(id))),
        _ => None,
    }
}

/// Whether a record of a grant names `grantee` before or after the change.
fn names_grantee(r: &AuditRecord, grantee: &serde_json::Value) -> bool {
    [&r.before, &r.after]
        .into_iter()
        .flatten()
        .any(|v| v.get("grantee") == Some(grantee))
}

/// A search about a person, job or office, with the records of grants to them merged in,
/// newest first. Both streams are read below the same cursor, at most a page of each, so the
/// newest page of their union is exact and the next page continues below its last record.
async fn with_grants(s: &AppState, caller: &Caller, query: AuditQuery, grantee: Grantee) -> ApiResult<AuditPage> {
    let limit = query.limit;
    let wanted = serde_json::to_value(grantee).map_err(|e| WebError::internal(&e))?;
    let grants = AuditQuery {
        object_kind: Some(EntityKind::Grant.as_str().to_owned()),
        object_id: None,
        limit: 1000,
        ..query.clone()
    };
    let store = s.store.clone();
    let mut items = blocking(move || -> Result<Vec<AuditRecord>, adam_store::StoreError> {
        let mut items = store.audit_search(&query)?;
        let mut cursor = grants.before;
        let mut found = 0;
        // Records of grants are change records: few beside the access records, read a
        // thousand at a time until a page of this grantee's is found or none is left.
        loop {
            let page = store.audit_search(&AuditQuery {
                before: cursor,
                ..grants.clone()
            })?;
            let full = page.len() == grants.limit;
            cursor = page.last().map(|r| r.seq);
            for r in page {
                if names_grantee(&r, &wanted) {
                    found += 1;
                    items.push(r);
                }
            }
            if !full || found >= limit {
                break;
            }
        }
        Ok(items)
    })
    .await??;
    items.sort_by_key(|r| std::cmp::Reverse(r.seq));
    items.dedup_by_key(|r| r.seq);
    let more = items.len() > limit;
    items.truncate(limit);
    let next = (more || items.len() == limit)
        .then(|| items.last().map(|r| r.seq))
        .flatten();
    let (w, now) = (s.world(), s.now());
    Ok(AuditPage {
        items: items.into_iter().map(|r| redact(&w, now, caller, r)).collect(),
        next,
    })
}

/// The "last change" panel of an object (004 §3).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LastChange {
    /// Object type.
    pub object_type: String,
    /// Object id.
    pub object_id: u32,
    /// Its label.
    pub label: String,
    /// Changed by (the account; absent for the system itself).
    pub changed_by: Option<UserId>,
    /// Changed by, as a name (`username`).
    pub changed_by_name: Option<String>,
    /// When.
    pub at: Timestamp,
    /// What was done.
    pub action: String,
}

/// The history of an object.
#[derive(Debug, Serialize, JsonSchema)]
pub struct History {
    /// Its last change, if it was ever changed.
    pub last_change: Option<LastChange>,
    /// Its records, newest first.
    pub items: Vec<AuditRecord>,
    /// The cursor of the next page.
    pub next: Option<u64>,
}

/// How much of an object's history the caller reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HistoryView {
    /// Every record about it.
    All,
    /// A person's record as the directory shows it: the changes to it (records with a
    /// revision), not their sign-ins and other authentication events, which are theirs, their
    /// user administrators' and reviewers'.
    Changes,
}

impl HistoryView {
    /// Whether a record about the object is shown.
    pub(crate) fn shows(self, r: &AuditRecord) -> bool {
        self == HistoryView::All || r.revision.is_some()
    }
}

/// The folder or document an audit object names, if it is one (`kind` as a request names
/// it: a type that is not one of ADAM's names no record).
pub(crate) fn record_object(kind: &str, id: u32) -> Option<ObjectRef> {
    match kind.parse::<EntityKind>().ok()? {
        EntityKind::Folder => Some(ObjectRef::Folder(FolderId(id))),
        EntityKind::Document => Some(ObjectRef::Document(DocumentId(id))),
        _ => None,
    }
}

/// Who may read the history of an object: exactly who may read the object — the same
/// function as its `GET` for each kind — and reviewers of the whole trail (the system
/// administrator's copy withholds what a document or folder record says):
///
/// - offices, jobs, groups, applications, filing classes, settings, the classification
///   scheme: every reader;
/// - inventory items and links, appointments to the Decree's roles, the continuity register's
///   records: the inventory's readers (`service::inventory::reader`);
/// - a user: every reader sees the directory's changes to them; their sign-ins and other
///   authentication events only they, the user administrators who manage them and reviewers;
/// - a role: as `GET /roles/{id}` (system roles the system administrator); a grant: as
///   `GET /grants/{id}`; an ACL entry: as the ACL that carries it (`GET /acl/…`);
/// - a folder or a document: level 13 on it (its history holds its content and who read it:
///   detailed lists, SPEC §3.2), checked — and recorded — by the API's caller (`records::require_read`);
/// - anything else (tokens, keys, the trail itself): reviewers.
///
/// This function does not record; the API's history of a folder or document goes through
/// `require_read` first, which does.
pub(crate) fn history_view(s: &AppState, caller: &Caller, kind: &str, id: u32) -> ApiResult<HistoryView> {
    // Kept: the UI's history, on pages whose routes declare no scope, asks this.
    caller.require(Scope::Read)?;
    if reviews_everything(s, caller) {
        return Ok(HistoryView::All);
    }
    let now = s.now();
    let hidden = || {
        WebError::forbidden(
            "history-not-visible",
            "you may see the history of what you may read: the directory, roles, your grants, and records you reach at 13",
        ).sl("vidite zgodovino tistega, kar smete brati: imenik, vloge, svoje dodelitve in zapise, do katerih imate nivo 13")
    };
    match kind.parse::<EntityKind>() {
        Ok(
            EntityKind::Office
            | EntityKind::Job
            | EntityKind::Group
            | EntityKind::Application
            | EntityKind::Class
            | EntityKind::Settings
            | EntityKind::ClassScheme,
        ) => Ok(HistoryView::All),
        // The inventory's records, the Decree's appointments and the registry of information
        // solutions: whoever reads the inventory.
        Ok(
            EntityKind::InventoryItem
            | EntityKind::InventoryLink
            | EntityKind::DecreeRole
            | EntityKind::Solution
            // The continuity register (Art. 15, 29) is read as the inventory is.
            | EntityKind::ContinuityPlan
            | EntityKind::PlanReview
            | EntityKind::Bia
            | EntityKind::ContinuityTest
            | EntityKind::RiskAcceptance,
        ) => {
            super::inventory::reader(&s.world(), caller, now)
                .map(|_| HistoryView::All)
                .ok_or_else(hidden)
        }
        Ok(EntityKind::User) => {
            let w = s.world();
            let me = caller.actor(None);
            let manages = matches!(w.authority(&me, now), Ok(Authority::UserAdmin(_)))
                && w.require_user(&me, UserId(id), now).is_ok();
            Ok(if caller.user.0 == id || manages {
                HistoryView::All
            } else {
                HistoryView::Changes
            })
        }
        Ok(EntityKind::RaciMatrix) => {
            let w = s.world();
            match w.raci_matrix(RaciMatrixId(id)) {
                Ok(m) if super::raci::may_read(&w, caller, m, now) => Ok(HistoryView::All),
                _ => Err(hidden()),
            }
        }
        Ok(EntityKind::Role) => super::roles::may_read_role(s, caller, RoleId(id)).map(|()| HistoryView::All),
        Ok(EntityKind::Grant) => super::roles::may_read_grant(s, caller, GrantId(id)).map(|()| HistoryView::All),
        // A case: whoever reads it (its restricted fields are never in the records).
        Ok(EntityKind::ProcessCase) => {
            super::process::readable_case(&s.world(), caller, CaseId(id), now).map(|_| HistoryView::All)
        }
        Ok(EntityKind::AclEntry) => {
            let w = s.world();
            match w.entry(EntryId(id)) {
                Ok(e) if super::records::may_read_acl(&w, caller, e.carrier, now) => Ok(HistoryView::All),
                _ => Err(hidden()),
            }
        }
        _ => match record_object(kind, id) {
            Some(object) => {
                let w = s.world();
                let d = w.explain(caller.user, object, now, Session { mfa: caller.mfa })?;
                if d.level >= Level::View13 {
                    Ok(HistoryView::All)
                } else {
                    Err(super::records::refusal(object, Level::View13, &d))
                }
            }
            None => Err(hidden()),
        },
    }
}

/// Recomputes the whole trail (reviewers of the whole trail only).
pub(crate) async fn verify_trail(s: &AppState, caller: &Caller) -> ApiResult<Verdict> {
    require_reviewer(s, caller)?;
    let store = s.store.clone();
    // One verification at a time; whoever asks while one runs gets its verdict.
    let verdict = s
        .verifying
        .run(|| async move { Ok::<Verdict, WebError>(blocking(move || store.audit_verify()).await??) })
        .await?;
    // A broken trail is a security event (Art. 57): ADAM opens it for the lead (once while
    // it is open: `raise_event` opens no second one).
    if let Some(first) = verdict.problems.first() {
        let what = format!("#{}: {}", first.seq, first.what);
        let ip = caller.source_ip.clone();
        crate::service::process::raise_event(s, crate::service::process::Detected::TrailBroken, &what, ip).await;
    }
    Ok(verdict)
}

/// A retention hold with where it stands now (Art. 57(6)).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct HoldView {
    /// The hold as recorded.
    #[serde(flatten)]
    pub hold: Hold,
    /// Where it stands now: `proposed` (awaiting the head's confirmation; its days are kept
    /// until `grace_until`), `confirmed`, `lapsed` (not confirmed in time: it keeps nothing) or
    /// `released`.
    pub state: HoldState,
    /// Who may confirm it today: the people holding the head-of-body appointment (Art. 5(1),
    /// `GET /api/v1/decree-roles`) other than whoever proposed it. Empty when it awaits no
    /// confirmation — or, while it is `proposed`, when nobody else holds the appointment: the
    /// confirmation then waits for the head's appointment to be recorded.
    pub confirmable_by: Vec<UserId>,
}

/// The people who hold the head-of-body appointment on the day of `now`.
pub(crate) fn heads_on(w: &World, now: Timestamp) -> Vec<UserId> {
    let today = LocalDate::of(now);
    let mut heads: Vec<UserId> = w
        .role_holders()
        .iter()
        .filter(|h| h.role == DecreeRole::Head && h.holds_on(today))
        .map(|h| h.user)
        .collect();
    heads.sort();
    heads.dedup();
    heads
}

/// `hold` with its state at `now` and who may confirm it.
pub(crate) fn hold_view(w: &World, now: Timestamp, hold: Hold) -> HoldView {
    let state = hold.state(now);
    let confirmable_by = if state == HoldState::Proposed {
        heads_on(w, now)
            .into_iter()
            .filter(|u| *u != hold.approved_by)
            .collect()
    } else {
        Vec::new()
    };
    HoldView {
        hold,
        state,
        confirmable_by,
    }
}

/// Every retention hold with where it stands (reviewers of the whole trail, and the head of
/// the body, who confirms them).
pub(crate) async fn list_holds(s: &AppState, caller: &Caller) -> ApiResult<Vec<HoldView>> {
    // Kept: the hold routes declare no scope.
    caller.require(Scope::Read)?;
    if !confirms_holds(s, caller) {
        require_reviewer(s, caller)?;
    }
    let store = s.store.clone();
    let holds = blocking(move || store.audit_holds()).await??;
    let w = s.world();
    let now = s.now();
    Ok(holds.into_iter().map(|h| hold_view(&w, now, h)).collect())
}

/// Whether the caller decides retention holds.
pub(crate) fn decides_holds(s: &AppState, caller: &Caller) -> bool {
    require_security_lead(s, caller).is_ok()
}

/// Whether the caller holds the head-of-body appointment today (and so confirms holds).
pub(crate) fn confirms_holds(s: &AppState, caller: &Caller) -> bool {
    heads_on(&s.world(), s.now()).contains(&caller.user)
}

/// A new retention hold.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHold {
    /// The first day held.
    pub from: Timestamp,
    /// The last day held.
    pub until: Timestamp,
    /// Why the records must be kept longer (an incident, a court order…).
    pub justification: Text,
    /// The written risk analysis the longer retention rests on (Art. 57(6)): the id of a
    /// record of the risk register (`GET /api/v1/risk-assessments`).
    pub risk_assessment: RiskId,
}

/// A security lead proposes to keep the access records of some days past the retention
/// period, naming the risk assessment and the justification (Art. 57(6)); the head of the body
/// confirms it ([`confirm_hold`]). Unconfirmed, it keeps its days for
/// [`adam_store::HOLD_GRACE_SECONDS`].
pub(crate) async fn hold_days(s: &AppState, caller: &Caller, b: NewHold) -> ApiResult<HoldView> {
    require_security_lead(s, caller)?;
    if b.until.0 < b.from.0 {
        return Err(
            WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", "until is before from")
                .sl("»do« je pred »od«")
                .with("pointer", "/until"),
        );
    }
    if s.world().risk_assessment(b.risk_assessment).is_err() {
        return Err(unknown_risk_assessment(b.risk_assessment));
    }
    let hold = Hold {
        id: 0,
        from_period: adam_store::audit::period_of(b.from.0),
        through_period: adam_store::audit::period_of(b.until.0),
        justification: b.justification.to_string(),
        approved_by: caller.user,
        at: s.now(),
        released: None,
        risk_assessment: Some(b.risk_assessment),
        grace_until: None,
        confirmed_by: None,
        confirmed_at: None,
    };
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    let stored = blocking(move || store.audit_hold(&hold, &context))
        .await?
        .map_err(|e| match e {
            adam_store::StoreError::Audit(detail) => WebError::new(StatusCode::CONFLICT, "hold-refused", detail),
            other => other.into(),
        })?;
    Ok(hold_view(&s.world(), s.now(), stored))
}

/// 422: the hold names no record of the risk register.
pub(crate) fn unknown_risk_assessment(id: RiskId) -> WebError {
    WebError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-risk-assessment",
        format!(
            "risk assessment {} is not in the risk register: a hold names the written risk analysis it rests on (Art. 57(6))",
            id.0
        ),
    )
    .sl(format!(
        "ocene tveganja {} ni v registru tveganj: zadržanje navede pisno analizo tveganj, na kateri temelji (57(6). člen)",
        id.0
    ))
    .with("pointer", "/risk_assessment")
}

/// The head of the body confirms a proposed hold (Art. 57(6)), recorded in the trail with who
/// and when: its days are then kept until it is released. Only a person holding the head's
/// appointment today confirms, and not a hold they proposed themselves.
pub(crate) async fn confirm_hold(s: &AppState, caller: &Caller, id: i64) -> ApiResult<HoldView> {
    // Kept: the confirm routes read the hold's id (a 400) and, in the UI, ask first.
    caller.require(Scope::Write)?;
    if !confirms_holds(s, caller) {
        return Err(WebError::forbidden(
            "not-the-head",
            "a retention hold is confirmed by the head of the body (Art. 57(6)): the person holding the head's appointment today",
        )
        .sl("zadržanje zapisov potrdi predstojnik organa (57(6). člen): oseba, ki ima danes imenovanje predstojnika"));
    }
    let store = s.store.clone();
    let hold = blocking(move || store.audit_holds())
        .await??
        .into_iter()
        .find(|h| h.id == id)
        .ok_or_else(|| WebError::not_found(format!("retention hold {id}")).sl(format!("zadržanje {id} ne obstaja")))?;
    if hold.approved_by == caller.user {
        return Err(WebError::forbidden(
            "own-hold",
            "a retention hold is confirmed by another person than the one who proposed it",
        )
        .sl("zadržanje potrdi druga oseba kot tista, ki ga je predlagala"));
    }
    let conflict = |code: &'static str, en: &str, sl: &str| {
        WebError::new(StatusCode::CONFLICT, code, en.to_owned()).sl(sl.to_owned())
    };
    match hold.state(s.now()) {
        HoldState::Proposed => {}
        HoldState::Confirmed => {
            return Err(conflict(
                "hold-confirmed",
                "the hold is already confirmed",
                "zadržanje je že potrjeno",
            ));
        }
        HoldState::Released => {
            return Err(conflict(
                "hold-released",
                "the hold was released",
                "zadržanje je bilo sproščeno",
            ));
        }
        HoldState::Lapsed => {
            return Err(conflict(
                "hold-lapsed",
                "the hold lapsed unconfirmed (its days are no longer kept); the security lead proposes it again",
                "zadržanje je poteklo nepotrjeno (njegovi dnevi se ne hranijo več); varnostni vodja ga predlaga znova",
            ));
        }
    }
    let store = s.store.clone();
    let by = caller.user;
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    let confirmed = blocking(move || store.audit_confirm_hold(id, by, &context))
        .await?
        .map_err(|e| match e {
            adam_store::StoreError::Audit(detail) => WebError::new(StatusCode::CONFLICT, "hold-refused", detail),
            other => other.into(),
        })?;
    Ok(hold_view(&s.world(), s.now(), confirmed))
}

/// A security lead releases a hold (recorded): its days are purged at the next run.
pub(crate) async fn release(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    require_security_lead(s, caller)?;
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    blocking(move || store.audit_release_hold(id, &context)).await??;
    Ok(())
}
