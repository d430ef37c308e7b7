//! Who is asking, as the sign-in flows need it: the person (a session, possibly restricted to
//! one step) and the client (address, browser, language of messages).

use super::caller::*;
use super::session::*;
use crate::authn_config::*;
use crate::error::WebError;
use crate::state::AppState;
use adam_auth::password::Lang;
use adam_store::AuthSession;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use std::net::IpAddr;

/// A session-or-token caller that may be in a restricted sign-in state.
pub struct Person {
    /// The caller.
    pub caller: Caller,
    /// The session, if signed in by cookie.
    pub session: Option<AuthSession>,
}

impl<S> FromRequestParts<S> for Person
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let (caller, session) = authenticate(parts, &state, true).await?;
        Ok(Person { caller, session })
    }
}

/// The client's address and browser.
pub struct Client {
    /// The address.
    pub ip: IpAddr,
    /// The User-Agent.
    pub user_agent: Option<String>,
    /// The language of messages.
    pub lang: Lang,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client {
            ip: client_ip(parts),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            lang: language(&parts.headers),
        })
    }
}
