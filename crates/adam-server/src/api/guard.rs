//! The scope a route needs, declared where the route is declared (`get(needs(Scope::Read,
//! get_office))`) and checked once, here.
//!
//! [`Needs`] is an axum handler that runs the wrapped handler's extractors exactly as axum
//! does — the parts extractors in order, then the last one from the request — then refuses
//! with `missing-scope` unless the [`Caller`] among them carries the scope, and only then runs
//! the handler's body. So a request with a bad path, query or body and a missing scope is
//! answered as before: the extractor's refusal first, the scope after, nothing written.

use crate::authn::caller::Caller;
use crate::authn::scope::Scope;
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// `handler`, run only for a caller whose credential carries `scope`.
pub fn needs<H, T>(scope: Scope, handler: H) -> Needs<H, T> {
    Needs {
        scope,
        handler,
        extractors: PhantomData,
    }
}

/// A handler guarded by the scope it needs; made by [`needs`].
pub struct Needs<H, T> {
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

/// Refuses unless the caller among a handler's extracted values carries `scope`. A guarded
/// handler that takes no [`Caller`] is a mistake in the route table, answered with a 500.
fn granted(scope: Scope, extracted: &[&dyn Any]) -> Result<(), WebError> {
    match extracted.iter().find_map(|x| x.downcast_ref::<Caller>()) {
        Some(caller) => caller.require(scope),
        None => Err(WebError::internal(&"a route that needs a scope takes no caller")),
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
            $($ty: FromRequestParts<AppState> + Send + 'static,)*
            $last: FromRequest<AppState, M> + Send + 'static,
        {
            type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

            fn call(self, req: Request, state: AppState) -> Self::Future {
                Box::pin(async move {
                    #[allow(unused_mut)]
                    let (mut parts, body) = req.into_parts();
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
                    if let Err(refused) = granted(self.scope, &[$(&$ty as &dyn Any,)* &$last as &dyn Any]) {
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
