//! Questions to the engine: `check`, batch `check`, `lookup`, `who`, `explain`, `check-role`.
//!
//! Anyone may ask about themselves. Asking about someone else ([`may_ask_about`], the one rule
//! for the API and the UI) needs the `check` scope and is for service accounts (applications
//! checking their users), reviewers (security leads) and user administrators about the people
//! they administer. The system administrator of the operator asks about roles, never about
//! anyone's access to folders and documents: that is the business's question, not the
//! operator's (SPEC §1: all powers over the system, no view of any document). `who` is also
//! open to whoever has level 22 on the object (they may add entries to it, so they may see
//! who can reach it); a user administrator below 22 gets the answer restricted to the people
//! they administer — the same answers a batch of checks about them would give. Answers carry
//! the revision they were computed at: a question "as of" an earlier instant (`at`) is
//! answered by the world as it stood then (`service::past`), and its revision is that world's.
//!
//! An explanation shows the entries of the ACLs the caller may read themselves (a filing
//! class's, a folder's at 11, a document's at 13) and the object's classification and the
//! rule only when the caller may read the object's attributes; otherwise the level and the
//! reason in general terms. Service accounts and reviewers, who diagnose access, see all.

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::Params;
use crate::service::decisions::*;
use crate::service::past::answering;
use crate::service::records::access_record;
use crate::state::AppState;
use adam_core::*;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ABOUT: &str = "anyone about themselves; about others, with the check scope, service accounts, security leads and user administrators about the people they administer";

/// The most checks one batch may hold.
pub const MAX_BATCH: usize = 10_000;

pub(crate) fn routes(api: Api) -> Api {
    let t = "decisions";
    api.route(
        Method::POST,
        "/api/v1/check",
        Doc::new(t, "The level a user has on a folder or document", ABOUT)
            .body::<CheckRequest>()
            .response::<CheckAnswer>(),
        post(check),
    )
    .route(
        Method::POST,
        "/api/v1/check/batch",
        Doc::new(t, "Many checks at one instant and revision (at most 10 000)", ABOUT)
            .body::<BatchRequest>()
            .response::<BatchAnswer>(),
        post(check_batch),
    )
    .route(
        Method::GET,
        "/api/v1/lookup",
        Doc::new(
            t,
            "Every folder or document a user reaches at a level or more, a page at a time, never capped",
            ABOUT,
        )
        .query::<LookupQuery>()
        .response::<IdPage>(),
        get(lookup),
    )
    .route(
        Method::GET,
        "/api/v1/who",
        Doc::new(
            t,
            "Every user reaching a folder or document at a level or more",
            "whoever has level 22 on the object, service accounts and security leads with the check scope; \
             a user administrator with the check scope gets the people they administer",
        )
        .query::<WhoQuery>()
        .response::<IdPage>(),
        get(needs(Scope::Read, who)),
    )
    .route(
        Method::POST,
        "/api/v1/explain",
        Doc::new(t, "A decision with every entry, role and rule that decided it", ABOUT)
            .body::<ExplainRequest>()
            .response::<Explanation>(),
        post(explain),
    )
    .route(
        Method::GET,
        "/api/v1/check-role",
        Doc::new(
            t,
            "Whether a user holds a role (an application function) at an instant",
            "as for check; the system administrator too (roles are theirs)",
        )
        .query::<RoleQuery>()
        .response::<RoleAnswer>(),
        get(check_role),
    )
}

/// One check.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// Who.
    pub user: UserId,
    /// On what: `{"type":"document","id":12}`.
    pub object: ObjectRef,
    /// If given, the answer also says whether the level reaches it.
    #[serde(default)]
    pub level: Option<Level>,
    /// As of when (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Whether the user's session has a second factor (default false).
    #[serde(default)]
    pub mfa: bool,
}

/// The answer to a check.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckAnswer {
    /// The effective level.
    pub level: Level,
    /// Whether it reaches the level asked for (when one was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// The revision the answer was computed at.
    pub revision: Revision,
}

async fn check(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<CheckRequest>,
) -> ApiResult<axum::Json<CheckAnswer>> {
    may_ask_about(&s, &caller, b.user, Question::Access)?;
    let past = s.world_as_of(b.at).await?;
    let at = b.at.unwrap_or_else(|| s.now());
    let (answer, record) = {
        let w = answering(&s, &past);
        let level = w.check(b.user, b.object, at, Session { mfa: b.mfa })?;
        let record = access_record(&s, &w, &caller, b.user, b.object, level, b.level, b.at);
        let answer = CheckAnswer {
            level,
            allowed: b.level.map(|l| level >= l),
            revision: w.revision(),
        };
        (answer, record)
    };
    // The world's read guard is released before waiting for room in the access queue.
    if let Some(record) = record {
        s.record_access(vec![record]).await?;
    }
    Ok(axum::Json(answer))
}

/// One check of a batch.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// Who.
    pub user: UserId,
    /// On what.
    pub object: ObjectRef,
    /// Level to compare with.
    #[serde(default)]
    pub level: Option<Level>,
    /// Second factor in the user's session.
    #[serde(default)]
    pub mfa: bool,
}

/// Many checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// As of when (default: now), for every check.
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// The checks.
    pub checks: Vec<BatchItem>,
}

/// The answer to one check of a batch.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchResult {
    /// The level, when the check could be made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Whether it reaches the level asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// Why the check could not be made (an unknown user or object, or not allowed to ask).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The answers, in the order asked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchAnswer {
    /// The revision every answer was computed at.
    pub revision: Revision,
    /// One result per check.
    pub results: Vec<BatchResult>,
}

async fn check_batch(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<BatchRequest>,
) -> ApiResult<axum::Json<BatchAnswer>> {
    if b.checks.len() > MAX_BATCH {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch-too-large",
            format!("a batch holds at most {MAX_BATCH} checks, not {}", b.checks.len()),
        )
        .sl(format!(
            "paket ima lahko največ {MAX_BATCH} preverjanj, ne {}",
            b.checks.len()
        ))
        .with("pointer", "/checks"));
    }
    caller.require(Scope::Read)?;
    let mut asked = std::collections::BTreeSet::new();
    for (i, c) in b.checks.iter().enumerate() {
        if asked.insert(c.user) {
            may_ask_about(&s, &caller, c.user, Question::Access)
                .map_err(|e| e.with("pointer", format!("/checks/{i}/user")))?;
        }
    }
    let past = s.world_as_of(b.at).await?;
    let at = b.at.unwrap_or_else(|| s.now());
    let mut records = Vec::new();
    // The world's read guard is released before waiting for room in the access queue.
    let (revision, results) = {
        let w = answering(&s, &past);
        let results: Vec<BatchResult> = b
            .checks
            .iter()
            .map(|c| match w.check(c.user, c.object, at, Session { mfa: c.mfa }) {
                Ok(level) => {
                    records.extend(access_record(&s, &w, &caller, c.user, c.object, level, c.level, b.at));
                    BatchResult {
                        level: Some(level),
                        allowed: c.level.map(|l| level >= l),
                        error: None,
                    }
                }
                Err(e) => BatchResult {
                    level: None,
                    allowed: None,
                    error: Some(e.to_string()),
                },
            })
            .collect();
        (w.revision(), results)
    };
    s.record_access(records).await?;
    Ok(axum::Json(BatchAnswer { revision, results }))
}

/// A page of ids.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IdPage {
    /// Ids in ascending order.
    pub items: Vec<u32>,
    /// Pass as `after` for the next page; absent at the end.
    pub next: Option<u32>,
    /// The revision the page was computed at.
    pub revision: Revision,
}

/// What to list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// Who.
    pub user: u32,
    /// `folder` or `document`.
    pub kind: ObjectKind,
    /// The least level (11–22).
    pub level: u8,
    /// As of when (default: now).
    pub at: Option<Timestamp>,
    /// Second factor in the user's session (default false).
    pub mfa: Option<bool>,
    /// Continue after this id.
    pub after: Option<u32>,
    /// Page size, 1–10 000 (default 1000).
    pub limit: Option<usize>,
}

async fn lookup(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<LookupQuery>,
) -> ApiResult<axum::Json<IdPage>> {
    let user = UserId(q.user);
    may_ask_about(&s, &caller, user, Question::Access)?;
    let level = Level::from_value(q.level)?;
    let past = s.world_as_of(q.at).await?;
    let at = q.at.unwrap_or_else(|| s.now());
    let w = answering(&s, &past);
    let page = w.lookup(
        user,
        q.kind,
        level,
        at,
        Session {
            mfa: q.mfa.unwrap_or(false),
        },
        q.after,
        q.limit.unwrap_or(1000),
    )?;
    Ok(axum::Json(IdPage {
        items: page
            .items
            .iter()
            .map(|o| match o {
                ObjectRef::Folder(f) => f.0,
                ObjectRef::Document(d) => d.0,
            })
            .collect(),
        next: page.next,
        revision: w.revision(),
    }))
}

/// Whom to list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhoQuery {
    /// `folder` or `document`.
    pub kind: ObjectKind,
    /// Its id.
    pub id: u32,
    /// The least level (11–22).
    pub level: u8,
    /// As of when (default: now).
    pub at: Option<Timestamp>,
    /// Assume sessions with a second factor (default true: who *could* reach it).
    pub mfa: Option<bool>,
    /// Continue after this user id.
    pub after: Option<u32>,
    /// Page size, 1–10 000 (default 1000).
    pub limit: Option<usize>,
}

async fn who(State(s): State<AppState>, caller: Caller, Params(q): Params<WhoQuery>) -> ApiResult<axum::Json<IdPage>> {
    let object = match q.kind {
        ObjectKind::Folder => ObjectRef::Folder(FolderId(q.id)),
        ObjectKind::Document => ObjectRef::Document(DocumentId(q.id)),
    };
    let level = Level::from_value(q.level)?;
    let past = s.world_as_of(q.at).await?;
    let at = q.at.unwrap_or_else(|| s.now());
    let now = s.now();
    let diagnoses = diagnoses(&s, &caller);
    let me = caller.actor(None);
    let w = s.world();
    // The caller's own level, in the caller's own session: a Z3/C3 object needs a second factor
    // for this decision too (Art. 53), and a refusal for want of one says so.
    let own = w.explain(caller.user, object, at, Session { mfa: caller.mfa })?;
    let user_admin =
        caller.require(Scope::Check).is_ok() && matches!(w.authority(&me, now), Ok(Authority::UserAdmin(_)));
    // Everyone, or only the people the caller administers.
    let everyone = diagnoses || own.level >= Level::Edit22;
    if !everyone && !user_admin {
        return Err(match own.rule {
            Some(Rule::MfaRequired { level_with_mfa, .. }) if level_with_mfa >= Level::Edit22 => WebError::forbidden(
                "mfa-required",
                "a Z3 or C3 record needs a session that showed a second factor: step up with \
                 POST /api/v1/auth/step-up (an API token cannot)",
            ),
            _ => WebError::forbidden(
                "not-allowed-to-ask",
                "listing who reaches an object needs level 22 on it, or the check scope as a service account or \
                 security lead (a user administrator gets the people they administer)",
            ),
        });
    }
    // Who may ask is today's question (the live world); who reached the object, the world's
    // as it stood at `at`.
    let then = past.as_deref().unwrap_or(&w);
    let page = then.who(
        object,
        level,
        at,
        Session {
            mfa: q.mfa.unwrap_or(true),
        },
        q.after,
        q.limit.unwrap_or(1000),
    )?;
    // A restricted page may hold fewer ids than the limit; `next` still continues after the
    // last candidate decided, so no one is skipped.
    let items = page
        .items
        .iter()
        .filter(|u| everyone || w.require_user(&me, **u, now).is_ok())
        .map(|u| u.0)
        .collect();
    Ok(axum::Json(IdPage {
        items,
        next: page.next,
        revision: then.revision(),
    }))
}

/// What to explain.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// Who.
    pub user: UserId,
    /// On what.
    pub object: ObjectRef,
    /// As of when (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Second factor in the user's session (default false).
    #[serde(default)]
    pub mfa: bool,
}

/// A decision and its reasons, as far as the caller may see them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Explanation {
    /// Who.
    pub user: UserId,
    /// On what.
    pub object: ObjectRef,
    /// As of when.
    pub at: Timestamp,
    /// Against which revision of the state.
    pub revision: Revision,
    /// The effective level.
    pub level: Level,
    /// Why, in general terms.
    pub reason: Reason,
    /// The highest level granted before ceilings (absent when withheld).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Level>,
    /// The ceiling across tiers, if any tier set one (absent when withheld).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<Level>,
    /// The mandatory rule that overrode the ACL (absent when none, or withheld).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// The classification the object is held to (absent when withheld).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// The matching `allowed` entries (of ACLs the caller may read) and application roles.
    pub grants: Vec<Contribution>,
    /// The ceilings, tier by tier (of ACLs the caller may read).
    pub ceilings: Vec<TierCeiling>,
    /// Whether something was left out because the caller may not read it: the object's
    /// attributes (classification, rule, levels before the rules) or ACL entries.
    pub withheld: bool,
    /// One line in plain words.
    pub summary: String,
}

impl Explanation {
    pub(crate) fn of(x: Disclosed) -> Explanation {
        let d = x.decision;
        let reason = Reason::of(&d);
        let shown = x.object_visible;
        Explanation {
            user: d.user,
            object: d.object,
            at: d.at,
            revision: d.revision,
            level: d.level,
            reason,
            allowed: shown.then_some(d.allowed),
            ceiling: d.ceiling.filter(|_| shown),
            rule: d.rule.filter(|_| shown),
            classification: shown.then_some(d.classification),
            summary: if shown {
                d.summary_in(crate::error::speaking())
            } else {
                reason.words_in(d.level, crate::error::speaking())
            },
            grants: d.grants,
            ceilings: d.ceilings,
            withheld: x.withheld,
        }
    }
}

async fn explain(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<ExplainRequest>,
) -> ApiResult<axum::Json<Explanation>> {
    may_ask_about(&s, &caller, b.user, Question::Access)?;
    let past = s.world_as_of(b.at).await?;
    let at = b.at.unwrap_or_else(|| s.now());
    let decision = answering(&s, &past).explain(b.user, b.object, at, Session { mfa: b.mfa })?;
    Ok(axum::Json(Explanation::of(disclose(&s, &caller, decision))))
}

/// Which role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleQuery {
    /// Who.
    pub user: u32,
    /// The role's id.
    pub role: u32,
    /// As of when (default: now).
    pub at: Option<Timestamp>,
}

/// Whether the role is held.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RoleAnswer {
    /// Held or not.
    pub holds: bool,
    /// A grant that gives it (possibly of a role containing it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<GrantId>,
    /// The revision the answer was computed at.
    pub revision: Revision,
}

async fn check_role(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<RoleQuery>,
) -> ApiResult<axum::Json<RoleAnswer>> {
    may_ask_about(&s, &caller, UserId(q.user), Question::Roles)?;
    let past = s.world_as_of(q.at).await?;
    let at = q.at.unwrap_or_else(|| s.now());
    let w = answering(&s, &past);
    let grant = w.check_role(UserId(q.user), RoleId(q.role), at)?;
    Ok(axum::Json(RoleAnswer {
        holds: grant.is_some(),
        grant,
        revision: w.revision(),
    }))
}
