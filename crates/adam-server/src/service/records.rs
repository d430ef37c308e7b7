//! Reading folders and documents: what a caller may read of a record, why a read is refused,
//! and who may read its ACL.

use crate::authn::Caller;
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::*;
use axum::http::StatusCode;

/// The least level at which a record's attributes and its ACL are read (SPEC §3.2): 11 on a
/// folder, 13 on a document.
pub(crate) fn attribute_level(object: ObjectRef) -> Level {
    match object {
        ObjectRef::Folder(_) => Level::View11,
        ObjectRef::Document(_) => Level::View13,
    }
}

/// The folder or document carrying entries (none for a filing class).
pub(crate) fn carrier_object(carrier: Carrier) -> Option<ObjectRef> {
    match carrier {
        Carrier::Class(_) => None,
        Carrier::Folder(f) => Some(ObjectRef::Folder(f)),
        Carrier::Document(d) => Some(ObjectRef::Document(d)),
    }
}

/// Whether the caller may read the ACL entries a carrier carries — the rule of
/// `GET /api/v1/acl/{kind}/{id}`: a filing class's anyone, a folder's or a document's whoever
/// may read its attributes.
pub(crate) fn may_read_acl(w: &World, caller: &Caller, carrier: Carrier, now: Timestamp) -> bool {
    let Some(object) = carrier_object(carrier) else {
        return true;
    };
    w.check(caller.user, object, now, Session { mfa: caller.mfa })
        .is_ok_and(|l| l >= attribute_level(object))
}

/// What a direct read reads; its access record's action is `access.read.<what>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// A folder's attributes.
    Folder,
    /// A folder's document list.
    Documents,
    /// A document's attributes.
    Document,
    /// An object's ACL entries.
    Acl,
    /// An object's history in the audit trail.
    History,
    /// The UI's page of the object.
    Page,
}

impl Read {
    fn action(self) -> &'static str {
        match self {
            Read::Folder => "access.read.folder",
            Read::Documents => "access.read.documents",
            Read::Document => "access.read.document",
            Read::Acl => "access.read.acl",
            Read::History => "access.read.history",
            Read::Page => "access.read.page",
        }
    }
}

/// The refusal of a read: what was refused (the object's type and id) and the level needed,
/// never what the object is (its title, classification or entries). A refusal only for want
/// of a second factor, where the factor would be enough, says how to show one (Art. 53).
pub(crate) fn refusal(object: ObjectRef, min: Level, d: &Decision) -> WebError {
    let (kind, kind_sl, id) = match object {
        ObjectRef::Folder(f) => ("folder", "zadeva", f.0),
        ObjectRef::Document(d) => ("document", "dokument", d.0),
    };
    let err = match d.rule {
        Some(Rule::MfaRequired { level_with_mfa, .. }) if level_with_mfa >= min => WebError::forbidden(
            "mfa-required",
            format!(
                "this needs level {min} on {kind} {id} and a session that showed a second factor: \
                 step up with POST /api/v1/auth/step-up (an API token cannot)"
            ),
        )
        .sl(format!(
            "{kind_sl} {id}: to zahteva nivo {min} in sejo, ki je pokazala drugi faktor: \
             potrdite se s POST /api/v1/auth/step-up (žeton API tega ne more)"
        )),
        _ => WebError::forbidden(
            "insufficient-level",
            format!("this needs level {min} on {kind} {id}; you have {}", d.level),
        )
        .sl(format!("{kind_sl} {id}: to zahteva nivo {min}, vi imate {}", d.level)),
    };
    err.with("level", d.level.value())
}

/// A refused change to an object the caller may not read says no more than a refused read:
/// the engine checks a workflow's rules (second factor, state, responsible job) before the
/// actor's rights, and its message would tell a stranger what the object is (Z3, closed,
/// whose). A caller below the object's attribute level gets the read's refusal instead.
pub(crate) fn conceal(s: &AppState, caller: &Caller, object: ObjectRef, e: WebError) -> WebError {
    if !matches!(
        e.status,
        StatusCode::FORBIDDEN | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
    ) {
        return e;
    }
    let w = s.world();
    let min = attribute_level(object);
    match w.explain(caller.user, object, s.now(), Session { mfa: caller.mfa }) {
        Ok(d) if d.level < min => refusal(object, min, &d),
        _ => e,
    }
}

/// Refuses unless the caller has at least `min` on the object. Every read at a content level
/// (13 and up) and every refusal is an access record, as a check is (SPEC §5).
pub(crate) async fn require_read(
    s: &AppState,
    caller: &Caller,
    object: ObjectRef,
    min: Level,
    what: Read,
) -> ApiResult<Level> {
    let (outcome, record) = {
        let w = s.world();
        let d = w.explain(caller.user, object, s.now(), Session { mfa: caller.mfa })?;
        let record = read_record(s, caller, object, d.level, min, what.action());
        let outcome = if d.level >= min {
            Ok(d.level)
        } else {
            Err(refusal(object, min, &d))
        };
        (outcome, record)
    };
    // The world's read guard is released before waiting for room in the access queue.
    if let Some(record) = record {
        s.record_access(vec![record]).await?;
    }
    outcome
}

/// The access record of a decision, when one is kept (SPEC §5, Art. 57): every decision at
/// a content level (13 and up) and every refusal (the level asked for was not reached, or
/// nothing was). Questions "as of" another instant are reviews, not accesses, and are not
/// recorded. The record is the subject's access, made through the asking application.
#[allow(clippy::too_many_arguments)]
pub(crate) fn access_record(
    s: &AppState,
    w: &World,
    caller: &Caller,
    user: UserId,
    object: ObjectRef,
    level: Level,
    asked: Option<Level>,
    at: Option<Timestamp>,
) -> Option<adam_store::NewAudit> {
    if at.is_some() {
        return None;
    }
    let application = w.user(caller.user).ok().map(|u| u.username.to_string());
    access(
        s,
        caller,
        Actor::user(user),
        object,
        level,
        asked,
        "access.check",
        application,
    )
}

/// The access record of a caller's own direct read of an object (a folder, its documents, a
/// document, an ACL, a history, a UI page), when one is kept: as for a check, a read at 13
/// and up, or a refusal.
pub(crate) fn read_record(
    s: &AppState,
    caller: &Caller,
    object: ObjectRef,
    level: Level,
    needed: Level,
    action: &str,
) -> Option<adam_store::NewAudit> {
    access(
        s,
        caller,
        caller.actor(None),
        object,
        level,
        Some(needed),
        action,
        Some(s.config.application.clone()),
    )
}

/// The one builder of access records for decisions on folders and documents.
#[allow(clippy::too_many_arguments)]
pub(crate) fn access(
    s: &AppState,
    caller: &Caller,
    actor: Actor,
    object: ObjectRef,
    level: Level,
    asked: Option<Level>,
    action: &str,
    application: Option<String>,
) -> Option<adam_store::NewAudit> {
    let refused = asked.map_or(level == Level::None, |l| level < l);
    if level < Level::View13 && !refused {
        return None;
    }
    let (kind, id, label) = match object {
        ObjectRef::Folder(f) => (adam_core::EntityKind::Folder, f.0, format!("folder {}", f.0)),
        ObjectRef::Document(d) => (adam_core::EntityKind::Document, d.0, format!("document {}", d.0)),
    };
    Some(adam_store::NewAudit {
        retention: adam_store::Retention::Access,
        context: adam_store::AuditContext {
            at: s.now(),
            actor,
            source_ip: caller.source_ip.clone(),
            application,
        },
        action: action.to_owned(),
        object: AuditObject { kind, id, label },
        before: None,
        after: Some(serde_json::json!({ "level": level, "asked": asked })),
        outcome: if refused { "refused".to_owned() } else { "ok".to_owned() },
    })
}
