//! Small pieces of HTTP shared by the handlers: strict query and path extractors that answer
//! with problem details, ETags and If-Match, and success responses.

use crate::error::{ApiResult, WebError};
use adam_core::Revision;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Query parameters of type `T`, refusing unknown or malformed ones with a 422.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<T>(query).map(Params).map_err(|e| {
            WebError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-query",
                format!("the query parameters do not fit: {e}"),
            )
        })
    }
}

/// A numeric id from the path.
pub struct Id(pub u32);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| WebError::new(StatusCode::BAD_REQUEST, "invalid-path", e.body_text()))?;
        let (name, value) = raw
            .iter()
            .find(|(name, _)| name == "id")
            .ok_or_else(|| WebError::internal(&"a route without {id} asked for it"))?;
        value.parse::<u32>().map(Id).map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "invalid-path",
                format!("{name} must be a non-negative number, not {value:?}"),
            )
        })
    }
}

/// Two ids from the path: `{id}` and a second named one.
pub struct Ids(pub u32, pub u32);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| WebError::new(StatusCode::BAD_REQUEST, "invalid-path", e.body_text()))?;
        let mut numbers = Vec::new();
        for (name, value) in &raw {
            numbers.push(value.parse::<u32>().map_err(|_| {
                WebError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-path",
                    format!("{name} must be a non-negative number, not {value:?}"),
                )
            })?);
        }
        match numbers.as_slice() {
            [a, b] => Ok(Ids(*a, *b)),
            _ => Err(WebError::internal(&"a route without two ids asked for them")),
        }
    }
}

/// The ETag of a record at a revision.
pub fn etag(rev: Revision) -> String {
    format!("\"r{}\"", rev.0)
}

/// Refuses a write unless `If-Match` names the record's current revision.
pub fn if_match(headers: &HeaderMap, current: Revision) -> ApiResult<()> {
    let Some(given) = headers.get(header::IF_MATCH) else {
        return Err(WebError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            "send If-Match with the ETag you read, so a concurrent change is not overwritten",
        ));
    };
    let given = given.to_str().unwrap_or("").trim();
    if given == "*" || given == etag(current) {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-revision",
            format!(
                "the record changed since you read it (it is now {}); read it again",
                etag(current)
            ),
        )
        .with("current_etag", etag(current)))
    }
}

/// 200 with a JSON body and an ETag.
pub fn tagged<T: Serialize>(rev: Revision, body: &T) -> Response {
    let mut response = axum::Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(rev)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// 201 with a JSON body and an ETag.
pub fn created<T: Serialize>(rev: Revision, body: &T) -> Response {
    let mut response = tagged(rev, body);
    *response.status_mut() = StatusCode::CREATED;
    response
}
