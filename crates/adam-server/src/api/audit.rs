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

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Params, Segment};
use crate::service::audit::*;
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::{AuditContext, AuditQuery, NewAudit, PurgeReport, Retention, Verdict};
use axum::extract::State;
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
        get(needs(Scope::Read, mine)),
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
        get(needs(Scope::Read, history)),
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
        post(needs(Scope::Write, report)),
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
        Doc::new(
            t,
            "Retention holds, each with where it stands (proposed, confirmed, lapsed, released) and who may confirm it",
            "the system administrator, security leads and the head of the body",
        )
        .response::<Vec<HoldView>>(),
        get(holds),
    )
    .route(
        Method::POST,
        "/api/v1/audit/holds",
        Doc::new(
            t,
            "Propose to keep the access records of some days past the retention period, on a risk assessment of the risk register and a justification (Art. 57(6)); unconfirmed by the head of the body, it keeps them for 7 days",
            "security leads",
        )
        .body::<NewHold>()
        .response::<HoldView>()
        .created(),
        post(add_hold),
    )
    .route(
        Method::POST,
        "/api/v1/audit/holds/{id}/confirm",
        Doc::new(
            t,
            "Confirm a proposed retention hold (Art. 57(6)): its days are then kept until it is released",
            "the head of the body (the holder of the Decree appointment `head` today), not the person who proposed it",
        )
        .response::<HoldView>(),
        post(confirm),
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

async fn search(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<SearchQuery>,
) -> ApiResult<axum::Json<AuditPage>> {
    search_trail(&s, &caller, q).await.map(axum::Json)
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

async fn history(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<HistoryQuery>,
) -> ApiResult<axum::Json<History>> {
    object_history(&s, &caller, &q.kind, q.id, q.before, q.limit)
        .await
        .map(axum::Json)
}

/// The history of one object and its last change, for whoever may read it (`history_view`):
/// `GET /api/v1/history` and the histories of the registers' records share it.
pub(crate) async fn object_history(
    s: &AppState,
    caller: &Caller,
    kind: &str,
    id: u32,
    before: Option<u64>,
    limit: Option<usize>,
) -> ApiResult<History> {
    let (s, caller) = (s.clone(), caller.clone());
    // A folder's or document's history is a read of its content: recorded, allowed or refused.
    if let Some(object) = record_object(kind, id)
        && !reviews_everything(&s, &caller)
    {
        crate::service::records::require_read(
            &s,
            &caller,
            object,
            Level::View13,
            crate::service::records::Read::History,
        )
        .await?;
    }
    let view = history_view(&s, &caller, kind, id)?;
    let query = AuditQuery {
        object_kind: Some(kind.to_owned()),
        object_id: Some(id),
        before,
        limit: page_size(limit)?,
        ..AuditQuery::default()
    };
    // A page may show fewer records than the limit; `next` still continues after the last
    // record read, so nothing is skipped.
    let mut page = run(&s, &caller, query).await?;
    page.items.retain(|r| view.shows(r));
    let last = {
        let store = s.store.clone();
        let query = AuditQuery {
            object_kind: Some(kind.to_owned()),
            object_id: Some(id),
            changes_only: true,
            limit: 1,
            ..AuditQuery::default()
        };
        blocking(move || store.audit_search(&query)).await??.into_iter().next()
    };
    let last_change = last.filter(|r| view.shows(r)).map(|r| {
        let changed_by = r.context.actor.user_id();
        LastChange {
            object_type: r.object.kind.as_str().to_owned(),
            object_id: r.object.id,
            label: redact(&s.world(), s.now(), &caller, r.clone()).object.label,
            changed_by,
            changed_by_name: changed_by.and_then(|u| s.world().user(u).ok().map(|u| u.username.to_string())),
            at: r.context.at,
            action: r.action,
        }
    });
    Ok(History {
        last_change,
        items: page.items,
        next: page.next,
    })
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
        ObjectRef::Folder(f) => (adam_core::EntityKind::Folder, f.0),
        ObjectRef::Document(d) => (adam_core::EntityKind::Document, d.0),
    };
    AuditObject {
        kind,
        id,
        label: format!(
            "{} {id}",
            if kind == adam_core::EntityKind::Folder {
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
    if caller.kind != AccountKind::SystemUser {
        return Err(WebError::forbidden(
            "service-accounts-only",
            "applications report their users' accesses with a service account",
        )
        .sl("aplikacije sporočajo dostope svojih uporabnikov s servisnim računom"));
    }
    if b.events.len() > 1000 {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch-too-large",
            format!("at most 1000 events at once, not {}", b.events.len()),
        )
        .sl(format!("največ 1000 dogodkov naenkrat, ne {}", b.events.len()))
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
        let at = match e.at {
            Some(at) => reported_at(at, now, s.config.audit_retention_days)
                .map_err(|e| e.with("pointer", format!("/events/{i}/at")))?,
            None => now,
        };
        let w = s.world();
        w.user(e.user)?;
        match e.object {
            ObjectRef::Folder(f) => drop(w.folder(f)?),
            ObjectRef::Document(d) => drop(w.document(d)?),
        }
        records.push(NewAudit {
            retention: Retention::Access,
            context: AuditContext {
                at,
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

/// How far ahead of the server's clock a reported access may be: the applications' clocks
/// drift a little, never by days.
pub const REPORTED_SKEW: i64 = 300;

/// The instant of a reported access, if the trail can keep it: not in a day the retention
/// purge has reached or will reach at its next run (the record would be purged at once, or its
/// day's key is already destroyed), and not more than [`REPORTED_SKEW`] ahead of now (the
/// purge, which counts from now, would never reach it: Art. 57(6)).
fn reported_at(at: Timestamp, now: Timestamp, retention_days: u32) -> ApiResult<Timestamp> {
    use adam_store::audit::{PERIOD_SECONDS, period_of};
    let oldest_day = period_of(now.0) - i64::from(retention_days) + 1;
    if period_of(at.0) < oldest_day {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reported-access-too-old",
            format!(
                "an access at {at} is older than the audit trail keeps access records ({retention_days} days): \
                 the oldest instant accepted now is {}",
                Timestamp(oldest_day * PERIOD_SECONDS)
            ),
        )
        .sl(format!(
            "dostop ob {at} je starejši, kot revizijska sled hrani zapise o dostopih ({retention_days} dni): \
             najstarejši trenutek, ki je zdaj sprejet, je {}",
            Timestamp(oldest_day * PERIOD_SECONDS)
        )));
    }
    if at.0 > now.0 + REPORTED_SKEW {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reported-access-in-future",
            format!(
                "an access at {at} is in the future (the server's clock says {now}; at most {} minutes ahead are \
                 accepted for clocks that differ)",
                REPORTED_SKEW / 60
            ),
        )
        .sl(format!(
            "dostop ob {at} je v prihodnosti (ura strežnika kaže {now}; zaradi razlik med urami je sprejetih \
             največ {} minut naprej)",
            REPORTED_SKEW / 60
        )));
    }
    Ok(at)
}

async fn verify(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Verdict>> {
    verify_trail(&s, &caller).await.map(axum::Json)
}

async fn holds(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<HoldView>>> {
    list_holds(&s, &caller).await.map(axum::Json)
}

async fn add_hold(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewHold>,
) -> ApiResult<(StatusCode, axum::Json<HoldView>)> {
    Ok((StatusCode::CREATED, axum::Json(hold_days(&s, &caller, b).await?)))
}

async fn confirm(State(s): State<AppState>, caller: Caller, id: Segment) -> ApiResult<axum::Json<HoldView>> {
    confirm_hold(&s, &caller, id.number("id")?).await.map(axum::Json)
}

async fn release_hold(State(s): State<AppState>, caller: Caller, id: Segment) -> ApiResult<axum::Json<Accepted>> {
    release(&s, &caller, id.number("id")?).await?;
    Ok(axum::Json(Accepted { recorded: 1 }))
}

async fn purge(State(s): State<AppState>, caller: Caller) -> ApiResult<axum::Json<PurgeReport>> {
    require_reviewer(&s, &caller)?;
    caller.require(Scope::Write)?;
    let store = s.store.clone();
    let context = s.context(caller.actor(None), caller.source_ip.clone());
    let days = s.config.audit_retention_days;
    Ok(axum::Json(blocking(move || store.audit_purge(&context, days)).await??))
}
