//! The audit trail's views: search for reviewers, "my activity", the history and last change
//! of an object, accesses reported by applications, verification, retention holds and purges.
//!
//! Depth of insight by role (SPEC §5): the system administrator and security leads search the
//! whole trail; a user administrator searches the activity of, and the records about, the
//! people, jobs and offices they administer; everyone sees their own activity and the history
//! of what they may read, decided per kind by the same function as the record's `GET`
//! ([`history_view`]): the directory, roles and grants as their GETs allow, a person's sign-ins
//! only to them, their user administrators and reviewers, folders and documents at 13 or more
//! (a read recorded like any other). An `admin` account never sees what a document or folder
//! record says, only that it exists: its before/after are withheld.

use super::{Api, Doc};
use crate::auth::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::Params;
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::{AuditContext, AuditQuery, AuditRecord, Hold, NewAudit, PurgeReport, Retention, Verdict};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) fn routes(api: Api) -> Api {
    let t = "audit";
    api.route(
        Method::GET,
        "/api/v1/audit",
        Doc::new(
            t,
            "Search the audit trail, newest first",
            "the system administrator and security leads; user administrators for the people, jobs and offices they administer",
        )
        .query::<SearchQuery>()
        .response::<AuditPage>(),
        get(search),
    )
    .route(
        Method::GET,
        "/api/v1/audit/mine",
        Doc::new(t, "My activity history, newest first", "every account")
            .query::<PageQuery>()
            .response::<AuditPage>(),
        get(mine),
    )
    .route(
        Method::GET,
        "/api/v1/history",
        Doc::new(
            t,
            "The history of one object, newest first, and its last change",
            "whoever may see the object",
        )
        .query::<HistoryQuery>()
        .response::<History>(),
        get(history),
    )
    .route(
        Method::POST,
        "/api/v1/audit/events",
        Doc::new(
            t,
            "Record accesses an application made on behalf of its users (\"user X opened the image of document Y\")",
            "service accounts with the write scope",
        )
        .body::<Reported>()
        .response::<Accepted>()
        .created(),
        post(report),
    )
    .route(
        Method::GET,
        "/api/v1/audit/verify",
        Doc::new(
            t,
            "Recompute the whole trail: every commitment, the chain and every checkpoint",
            "the system administrator and security leads",
        )
        .response::<Verdict>(),
        get(verify),
    )
    .route(
        Method::GET,
        "/api/v1/audit/holds",
        Doc::new(t, "Retention holds", "the system administrator and security leads").response::<Vec<Hold>>(),
        get(holds),
    )
    .route(
        Method::POST,
        "/api/v1/audit/holds",
        Doc::new(
            t,
            "Keep the access records of some days past the retention period, with a justification",
            "security leads",
        )
        .body::<NewHold>()
        .response::<Hold>()
        .created(),
        post(add_hold),
    )
    .route(
        Method::POST,
        "/api/v1/audit/holds/{id}/release",
        Doc::new(t, "Release a retention hold", "security leads").response::<Accepted>(),
        post(release_hold),
    )
    .route(
        Method::POST,
        "/api/v1/audit/purge",
        Doc::new(
            t,
            "Purge access records older than the retention period now (the server also does it daily)",
            "the system administrator and security leads",
        )
        .response::<PurgeReport>(),
        post(purge),
    )
}

/// Whether the caller reviews the whole trail: the system administrator (an `admin` account or
/// the console) or a holder of the security-lead system role.
fn reviews_everything(s: &AppState, caller: &Caller) -> bool {
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

fn require_reviewer(s: &AppState, caller: &Caller) -> ApiResult<()> {
    caller.require(Scope::Read)?;
    if reviews_everything(s, caller) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "not-a-reviewer",
            "the audit trail is reviewed by the system administrator and security leads",
        ))
    }
}

fn require_security_lead(s: &AppState, caller: &Caller) -> ApiResult<()> {
    caller.require(Scope::Write)?;
    if is_security_lead(&s.world(), caller.user, s.now()) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "not-a-security-lead",
            "retention holds are decided by a security lead (Art. 57(6))",
        ))
    }
}

/// What the caller may read of a record: an `admin` account does not see what a record of a
/// document or folder says (SPEC §1: all powers over the system, no view of any document).
fn redact(caller: &Caller, mut r: AuditRecord) -> AuditRecord {
    if caller.kind == AccountKind::Admin
        && matches!(
            r.object.kind.as_str(),
            "ADAM_ENTITY_DOCUMENT" | "ADAM_ENTITY_FOLDER" | "ADAM_ENTITY_ACL_ENTRY"
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

fn page_size(limit: Option<usize>) -> ApiResult<usize> {
    let limit = limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page-size",
            format!("limit must be between 1 and 1000, not {limit}"),
        )
        .with("pointer", "/limit"));
    }
    Ok(limit)
}

async fn run(s: &AppState, caller: &Caller, query: AuditQuery) -> ApiResult<AuditPage> {
    let limit = query.limit;
    let store = s.store.clone();
    let items = blocking(move || store.audit_search(&query)).await??;
    let next = (items.len() == limit).then(|| items.last().map(|r| r.seq)).flatten();
    let caller = caller.clone();
    Ok(AuditPage {
        items: items.into_iter().map(|r| redact(&caller, r)).collect(),
        next,
    })
}

/// Whether a user administrator may review records of this actor or about this object.
fn user_admin_may_review(s: &AppState, caller: &Caller, q: &SearchQuery) -> ApiResult<()> {
    let w = s.world();
    let me = caller.actor(None);
    let now = s.now();
    let by_actor = q.actor.map(|u| w.require_user(&me, UserId(u), now).is_ok());
    let about = match (q.object_kind.as_deref(), q.object_id) {
        (Some("ADAM_ENTITY_USER"), Some(id)) => Some(w.require_user(&me, UserId(id), now).is_ok()),
        (Some("ADAM_ENTITY_JOB"), Some(id)) => Some(w.require_job(&me, JobId(id), now).is_ok()),
        (Some("ADAM_ENTITY_OFFICE"), Some(id)) => Some(w.require_office(&me, Some(OfficeId(id)), now).is_ok()),
        (Some(_), _) | (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    match (by_actor, about) {
        (Some(true), None | Some(true)) | (None, Some(true)) => Ok(()),
        _ => Err(WebError::forbidden(
            "outside-scope",
            "a user administrator reviews the activity of, and the records about, the people, jobs and offices \
             they administer: name one with actor= or object_kind= and object_id=",
        )),
    }
}

async fn search(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<SearchQuery>,
) -> ApiResult<axum::Json<AuditPage>> {
    search_trail(&s, &caller, q).await.map(axum::Json)
}

/// Whether the caller reviews audit records at all: the system administrator and security
/// leads all of them, user administrators those of the people, jobs and offices they
/// administer.
pub(crate) fn may_review(s: &AppState, caller: &Caller) -> bool {
    caller.require(Scope::Read).is_ok()
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
                ));
            }
        }
    }
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
    run(&s, &caller, query).await
}

/// A page of one's own activity.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The cursor: records before this sequence number.
    pub before: Option<u64>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

async fn mine(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<AuditPage>> {
    caller.require(Scope::Read)?;
    let query = AuditQuery {
        actor: Some(caller.user),
        before: q.before,
        limit: page_size(q.limit)?,
        ..AuditQuery::default()
    };
    Ok(axum::Json(run(&s, &caller, query).await?))
}

/// Which object.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Its type: `ADAM_ENTITY_OFFICE`, `ADAM_ENTITY_JOB`, `ADAM_ENTITY_USER`, `ADAM_ENTITY_ROLE`,
    /// `ADAM_ENTITY_GRANT`, `ADAM_ENTITY_FOLDER`, `ADAM_ENTITY_DOCUMENT`…
    pub kind: String,
    /// Its id.
    pub id: u32,
    /// The cursor: records before this sequence number.
    pub before: Option<u64>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
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

/// The folder or document an audit object names, if it is one.
pub(crate) fn record_object(kind: &str, id: u32) -> Option<ObjectRef> {
    match kind {
        "ADAM_ENTITY_FOLDER" => Some(ObjectRef::Folder(FolderId(id))),
        "ADAM_ENTITY_DOCUMENT" => Some(ObjectRef::Document(DocumentId(id))),
        _ => None,
    }
}

/// Who may read the history of an object: exactly who may read the object — the same
/// function as its `GET` for each kind — and reviewers of the whole trail (the system
/// administrator's copy withholds what a document or folder record says):
///
/// - offices, jobs, groups, applications, filing classes, settings: every reader;
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
    caller.require(Scope::Read)?;
    if reviews_everything(s, caller) {
        return Ok(HistoryView::All);
    }
    let now = s.now();
    let hidden = || {
        WebError::forbidden(
            "history-not-visible",
            "you may see the history of what you may read: the directory, roles, your grants, and records you reach at 13",
        )
    };
    match kind {
        "ADAM_ENTITY_OFFICE"
        | "ADAM_ENTITY_JOB"
        | "ADAM_ENTITY_GROUP"
        | "ADAM_ENTITY_APPLICATION"
        | "ADAM_ENTITY_CLASS"
        | "ADAM_ENTITY_SETTINGS" => Ok(HistoryView::All),
        "ADAM_ENTITY_USER" => {
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
        "ADAM_ENTITY_ROLE" => super::roles::may_read_role(s, caller, RoleId(id)).map(|()| HistoryView::All),
        "ADAM_ENTITY_GRANT" => super::roles::may_read_grant(s, caller, GrantId(id)).map(|()| HistoryView::All),
        "ADAM_ENTITY_ACL_ENTRY" => {
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

async fn history(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<HistoryQuery>,
) -> ApiResult<axum::Json<History>> {
    caller.require(Scope::Read)?;
    // A folder's or document's history is a read of its content: recorded, allowed or refused.
    if let Some(object) = record_object(&q.kind, q.id)
        && !reviews_everything(&s, &caller)
    {
        super::records::require_read(&s, &caller, object, Level::View13, super::records::Read::History).await?;
    }
    let view = history_view(&s, &caller, &q.kind, q.id)?;
    let query = AuditQuery {
        object_kind: Some(q.kind.clone()),
        object_id: Some(q.id),
        before: q.before,
        limit: page_size(q.limit)?,
        ..AuditQuery::default()
    };
    // A page may show fewer records than the limit; `next` still continues after the last
    // record read, so nothing is skipped.
    let mut page = run(&s, &caller, query).await?;
    page.items.retain(|r| view.shows(r));
    let last = {
        let store = s.store.clone();
        let query = AuditQuery {
            object_kind: Some(q.kind.clone()),
            object_id: Some(q.id),
            changes_only: true,
            limit: 1,
            ..AuditQuery::default()
        };
        blocking(move || store.audit_search(&query)).await??.into_iter().next()
    };
    let last_change = last.filter(|r| view.shows(r)).map(|r| {
        let changed_by = r.context.actor.user_id();
        LastChange {
            object_type: r.object.kind.clone(),
            object_id: r.object.id,
            label: redact(&caller, r.clone()).object.label,
            changed_by,
            changed_by_name: changed_by.and_then(|u| s.world().user(u).ok().map(|u| u.username.to_string())),
            at: r.context.at,
            action: r.action,
        }
    });
    Ok(axum::Json(History {
        last_change,
        items: page.items,
        next: page.next,
    }))
}

/// Accesses an application made on behalf of its users.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reported {
    /// The accesses (at most 1000).
    pub events: Vec<ReportedEvent>,
}

/// One access.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportedEvent {
    /// The user on whose behalf.
    pub user: UserId,
    /// What was accessed.
    pub object: ObjectRef,
    /// What was done: `document.open`, `document.image.view`, `folder.print`… (letters, digits,
    /// `.`, `_`, `-`; at most 64 characters).
    pub action: String,
    /// When (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// The user's address, as the application saw it.
    #[serde(default)]
    pub source_ip: Option<String>,
    /// Anything the application wants to keep with it (at most 4 KiB of JSON).
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
}

/// How many records were accepted.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Accepted {
    /// Records written.
    pub recorded: usize,
}

fn object_of(o: ObjectRef) -> AuditObject {
    let (kind, id) = match o {
        ObjectRef::Folder(f) => ("ADAM_ENTITY_FOLDER", f.0),
        ObjectRef::Document(d) => ("ADAM_ENTITY_DOCUMENT", d.0),
    };
    AuditObject {
        kind: kind.to_owned(),
        id,
        label: format!(
            "{} {id}",
            if kind == "ADAM_ENTITY_FOLDER" {
                "folder"
            } else {
                "document"
            }
        ),
    }
}

async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<Reported>,
) -> ApiResult<(StatusCode, axum::Json<Accepted>)> {
    caller.require(Scope::Write)?;
    if caller.kind != AccountKind::SystemUser {
        return Err(WebError::forbidden(
            "service-accounts-only",
            "applications report their users' accesses with a service account",
        ));
    }
    if b.events.len() > 1000 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch-too-large",
            format!("at most 1000 events at once, not {}", b.events.len()),
        )
        .with("pointer", "/events"));
    }
    let application = s.world().user(caller.user)?.username.to_string();
    let now = s.now();
    let mut records = Vec::with_capacity(b.events.len());
    for (i, e) in b.events.into_iter().enumerate() {
        let bad = |detail: String, field: &str| {
            WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", detail)
                .with("pointer", format!("/events/{i}/{field}"))
        };
        if e.action.is_empty()
            || e.action.len() > 64
            || !e
                .action
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(bad(
                format!("action {:?} is not a valid action name", e.action),
                "action",
            ));
        }
        if e.detail.as_ref().is_some_and(|d| d.to_string().len() > 4096) {
            return Err(bad("detail is larger than 4 KiB".to_owned(), "detail"));
        }
        if let Some(ip) = &e.source_ip
            && ip.parse::<std::net::IpAddr>().is_err()
        {
            return Err(bad(format!("{ip:?} is not an IP address"), "source_ip"));
        }
        let w = s.world();
        w.user(e.user)?;
        match e.object {
            ObjectRef::Folder(f) => drop(w.folder(f)?),
            ObjectRef::Document(d) => drop(w.document(d)?),
        }
        records.push(NewAudit {
            retention: Retention::Access,
            context: AuditContext {
                at: e.at.unwrap_or(now),
                actor: Actor::user(e.user),
                source_ip: e.source_ip,
                application: Some(application.clone()),
            },
            action: e.action,
            object: object_of(e.object),
            before: None,
            after: e.detail,
            outcome: "ok".to_owned(),
        });
    }
    let n = records.len();
    let store = s.store.clone();
    blocking(move || store.append_audit(&records)).await??;
    Ok((StatusCode::CREATED, axum::Json(Accepted { recorded: n })))
}

async fn verify(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Verdict>> {
    verify_trail(&s, &caller).await.map(axum::Json)
}

/// Recomputes the whole trail (reviewers of the whole trail only).
pub(crate) async fn verify_trail(s: &AppState, caller: &Caller) -> ApiResult<Verdict> {
    require_reviewer(s, caller)?;
    let store = s.store.clone();
    // One verification at a time; whoever asks while one runs gets its verdict.
    s.verifying
        .run(|| async move { Ok(blocking(move || store.audit_verify()).await??) })
        .await
}

async fn holds(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<Hold>>> {
    list_holds(&s, &caller).await.map(axum::Json)
}

/// Every retention hold (reviewers of the whole trail).
pub(crate) async fn list_holds(s: &AppState, caller: &Caller) -> ApiResult<Vec<Hold>> {
    require_reviewer(s, caller)?;
    let store = s.store.clone();
    Ok(blocking(move || store.audit_holds()).await??)
}

/// Whether the caller decides retention holds.
pub(crate) fn decides_holds(s: &AppState, caller: &Caller) -> bool {
    require_security_lead(s, caller).is_ok()
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
}

async fn add_hold(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewHold>,
) -> ApiResult<(StatusCode, axum::Json<Hold>)> {
    Ok((StatusCode::CREATED, axum::Json(hold_days(&s, &caller, b).await?)))
}

/// A security lead keeps the access records of some days past the retention period, with the
/// justification recorded and the lead as approver (Art. 57(6)).
pub(crate) async fn hold_days(s: &AppState, caller: &Caller, b: NewHold) -> ApiResult<Hold> {
    require_security_lead(s, caller)?;
    if b.until.0 < b.from.0 {
        return Err(
            WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", "until is before from")
                .with("pointer", "/until"),
        );
    }
    let hold = Hold {
        id: 0,
        from_period: adam_store::audit::period_of(b.from.0),
        through_period: adam_store::audit::period_of(b.until.0),
        justification: b.justification.to_string(),
        approved_by: caller.user,
        at: s.now(),
        released: None,
    };
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    let stored = blocking(move || store.audit_hold(&hold, &context))
        .await?
        .map_err(|e| match e {
            adam_store::StoreError::Audit(detail) => WebError::new(StatusCode::CONFLICT, "hold-refused", detail),
            other => other.into(),
        })?;
    Ok(stored)
}

async fn release_hold(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<axum::Json<Accepted>> {
    release(&s, &caller, id).await?;
    Ok(axum::Json(Accepted { recorded: 1 }))
}

/// A security lead releases a hold (recorded): its days are purged at the next run.
pub(crate) async fn release(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    require_security_lead(s, caller)?;
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    blocking(move || store.audit_release_hold(id, &context)).await??;
    Ok(())
}

async fn purge(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<PurgeReport>> {
    require_reviewer(&s, &caller)?;
    caller.require(Scope::Write)?;
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    let days = s.config.audit_retention_days;
    Ok(axum::Json(blocking(move || store.audit_purge(&context, days)).await??))
}
