//! [`Caller`]: who is calling — an application with an API token or a person with a session —
//! as handlers and services see it, whichever the credential.

use super::scope::*;
use crate::error::{ApiResult, WebError};
use adam_core::*;

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The account.
    pub user: UserId,
    /// Its kind.
    pub kind: AccountKind,
    /// The scopes of the credential used.
    pub scopes: Vec<Scope>,
    /// The client's address.
    pub source_ip: Option<String>,
    /// "Answer from state no older than this revision" (header `X-Adam-Min-Revision`).
    pub min_revision: Option<Revision>,
    /// Whether the credential proved a second factor (a session signed in with one).
    pub mfa: bool,
    /// The session, when the caller signed in rather than sending a token.
    pub session: Option<i64>,
    /// The session's CSRF token, for the forms of a page (none for a token).
    pub csrf: Option<String>,
}

impl Caller {
    /// The actor for the engine, acting in `job` if given. A token is one factor; a session
    /// is two when its sign-in showed a second factor (the engine's Z3/C3 rule reads this).
    pub fn actor(&self, job: Option<JobId>) -> Actor {
        Actor::User {
            user: self.user,
            job,
            session: Session { mfa: self.mfa },
        }
    }

    /// Refuses unless the credential carries the scope.
    pub fn require(&self, scope: Scope) -> ApiResult<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(WebError::forbidden(
                "missing-scope",
                format!("this token lacks the '{}' scope", scope.as_str()),
            )
            .sl(format!("ta žeton nima obsega '{}'", scope.as_str())))
        }
    }
}
