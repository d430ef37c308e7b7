//! [`Caller`]: who is calling — an application with an API token or a person with a session —
//! as handlers and services see it, whichever the credential; and the write path on a
//! caller's behalf ([`AppState::execute`]).

use super::scope::*;
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
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

    /// Whether the credential carries the scope: for what a page offers (an edit form, a
    /// button); a route refuses a missing scope by its declaration (`needs(scope, handler)`).
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
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

// The write path on behalf of a caller is defined here, beside `Caller`, rather than in
// `state.rs`: turning a caller into the engine's actor and the audit's context is
// authentication's knowledge, and `state.rs` then names nothing of `authn` (which builds on
// the state), so the two do not import each other (ARCHITECTURE.md).
impl AppState {
    /// The single write path for a request: plan, persist in one transaction, commit to the
    /// world, as `caller` acting in `job`.
    pub async fn execute(&self, caller: &Caller, job: Option<JobId>, command: Command) -> ApiResult<Plan> {
        self.execute_guarded(caller, job, command, |_| Ok(())).await
    }

    /// The write path with a precondition (an If-Match) checked under the writer lock, right
    /// before planning, so nothing can change between the check and the write.
    pub async fn execute_guarded(
        &self,
        caller: &Caller,
        job: Option<JobId>,
        command: Command,
        guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
    ) -> ApiResult<Plan> {
        let actor = caller.actor(job);
        let context = self.context(actor, caller.source_ip.clone());
        self.execute_as_guarded(actor, context, command, guard).await
    }
}
