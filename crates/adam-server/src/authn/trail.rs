//! The audit records of authentication: the object and actor of a record about an account.

use crate::state::AppState;
use adam_core::*;
use adam_store::{NewAudit, Retention};
use std::net::IpAddr;

pub(crate) fn user_object(s: &AppState, user: UserId) -> AuditObject {
    let label = s
        .world()
        .user(user)
        .map_or_else(|_| user.to_string(), |u| u.username.as_str().to_owned());
    AuditObject {
        kind: adam_core::EntityKind::User,
        id: user.0,
        label,
    }
}

// Each argument is one field of the audit record; a builder would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    s: &AppState,
    retention: Retention,
    actor: Actor,
    ip: Option<IpAddr>,
    action: &str,
    object: AuditObject,
    after: Option<serde_json::Value>,
    outcome: &str,
) -> NewAudit {
    NewAudit {
        retention,
        context: s.context(actor, ip.map(|i| i.to_string())),
        action: action.to_owned(),
        object,
        before: None,
        after,
        outcome: outcome.to_owned(),
    }
}

pub(crate) fn person_actor(user: UserId, mfa: bool) -> Actor {
    Actor::User {
        user,
        job: None,
        session: Session { mfa },
    }
}
