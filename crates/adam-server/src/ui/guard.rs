//! The scope a page or a form needs, declared where the UI's route is declared
//! (`post(needs(Scope::Write, create_office))`) and checked once, here — the UI's counterpart
//! of `api/guard.rs`, whose refusal is the UI's error page rather than a problem document.
//!
//! [`Needs`] runs the wrapped handler's extractors exactly as axum does — the parts extractors
//! in order, then the last one from the request — then refuses unless the caller among them
//! carries the scope, and only then runs the handler's body. So a form that cannot be read, or
//! a visitor not signed in, is answered by its extractor first, as before; a credential without
//! the scope gets the page a handler's own `caller.require(scope).ui(lang)?` used to answer:
//! 403 with the "forbidden" page in the request's language (`?lang=`, then the cookie).
//!
//! It is not `api/guard.rs` made generic: the UI's form extractor ([`UiForm`]) is generic over
//! its fields, so the caller cannot be found by downcasting, and is found through [`Carries`]
//! instead, which every extractor a guarded page takes implements (most carry none).
//!
//! Sessions hold every scope (`authn::session::SESSION_SCOPES`), so the guard refuses only a
//! bearer token used on the pages without the scope — the same refusal as before.

use super::chrome::{Lang, UiCaller, UiError, UiForm, UiPath};
use crate::authn::{Caller, Client, Scope};
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::handler::Handler;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// `handler`, run only for a caller whose credential carries `scope`.
pub(super) fn needs<H, T>(scope: Scope, handler: H) -> Needs<H, T> {
    Needs {
        scope,
        handler,
        extractors: PhantomData,
    }
}

/// A page's handler guarded by the scope it needs; made by [`needs`].
pub(super) struct Needs<H, T> {
    scope: Scope,
    handler: H,
    /// The wrapped handler's extractors, as axum's `Handler` names them.
    extractors: PhantomData<fn() -> T>,
}

impl<H: Clone, T> Clone for Needs<H, T> {
    fn clone(&self) -> Self {
        Needs {
            scope: self.scope,
            handler: self.handler.clone(),
            extractors: PhantomData,
        }
    }
}

/// What an extracted value tells of the caller: the signed-in caller of a page or of a form;
/// nothing for the other extractors.
pub(super) trait Carries {
    /// The caller, when this value carries one.
    fn caller(&self) -> Option<&Caller> {
        None
    }
}

impl Carries for UiCaller {
    fn caller(&self) -> Option<&Caller> {
        Some(&self.0)
    }
}

impl<T, const RESTRICTED: bool> Carries for UiForm<T, RESTRICTED> {
    fn caller(&self) -> Option<&Caller> {
        Some(&self.caller)
    }
}

impl Carries for Caller {
    fn caller(&self) -> Option<&Caller> {
        Some(self)
    }
}

impl Carries for Lang {}
impl<T> Carries for UiPath<T> {}
impl<T> Carries for Query<T> {}
impl Carries for State<AppState> {}
impl Carries for HeaderMap {}
impl Carries for Client {}

/// Refuses unless the caller among a handler's extracted values carries `scope`. A guarded
/// handler that takes no caller is a mistake in the route table, answered with a 500.
fn granted(scope: Scope, lang: Lang, extracted: &[&dyn Carries]) -> Result<(), UiError> {
    let refused = match extracted.iter().find_map(|x| x.caller()) {
        Some(caller) => caller.require(scope).err(),
        None => Some(WebError::internal(&"a page that needs a scope takes no caller")),
    };
    match refused {
        Some(error) => Err(UiError::new(lang.tr, error)),
        None => Ok(()),
    }
}

macro_rules! needs_handler {
    ([$($ty:ident),*], $last:ident) => {
        #[allow(non_snake_case)]
        impl<F, Fut, Res, M, $($ty,)* $last> Handler<(M, $($ty,)* $last,), AppState>
            for Needs<F, (M, $($ty,)* $last,)>
        where
            F: FnOnce($($ty,)* $last,) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Res> + Send,
            Res: IntoResponse,
            M: 'static,
            $($ty: FromRequestParts<AppState> + Carries + Send + 'static,)*
            $last: FromRequest<AppState, M> + Carries + Send + 'static,
        {
            type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

            fn call(self, req: Request, state: AppState) -> Self::Future {
                Box::pin(async move {
                    let (mut parts, body) = req.into_parts();
                    // The language the handler's own `Lang` reads: from the query and the
                    // cookie, which no extractor changes.
                    let Ok(lang) = Lang::from_request_parts(&mut parts, &state).await;
                    $(
                        let $ty = match $ty::from_request_parts(&mut parts, &state).await {
                            Ok(value) => value,
                            Err(rejection) => return rejection.into_response(),
                        };
                    )*
                    let req = Request::from_parts(parts, body);
                    let $last = match $last::from_request(req, &state).await {
                        Ok(value) => value,
                        Err(rejection) => return rejection.into_response(),
                    };
                    if let Err(refused) = granted(self.scope, lang, &[$(&$ty as &dyn Carries,)* &$last as &dyn Carries]) {
                        return refused.into_response();
                    }
                    (self.handler)($($ty,)* $last,).await.into_response()
                })
            }
        }
    };
}

needs_handler!([], T1);
needs_handler!([T1], T2);
needs_handler!([T1, T2], T3);
needs_handler!([T1, T2, T3], T4);
needs_handler!([T1, T2, T3, T4], T5);
needs_handler!([T1, T2, T3, T4, T5], T6);
needs_handler!([T1, T2, T3, T4, T5, T6], T7);
needs_handler!([T1, T2, T3, T4, T5, T6, T7], T8);
