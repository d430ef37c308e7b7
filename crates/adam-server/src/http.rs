//! Small pieces of HTTP shared by the handlers: strict query and path extractors that answer
//! with problem details, and ETags and If-Match written once — the [`IfMatch`] extractor, the
//! [`update`] of a record under it, and the [`Tagged`] answer carrying a record's ETag.

use crate::authn::caller::Caller;
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::world::Record;
use adam_core::{Command, Revision};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
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
            .sl(format!("parametri poizvedbe niso pravilni: {e}"))
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
            .sl(format!("{name} mora biti nenegativno število, ne {value:?}"))
        })
    }
}

/// One text segment of the path (a process key, a solution's code, a digest), answering a
/// segment that is not UTF-8 once decoded with problem details like every other refusal.
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                WebError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-path",
                    "a part of the path is not valid text once decoded (percent-encoded UTF-8)",
                )
                .sl("del poti po dekodiranju ni veljavno besedilo (UTF-8, kodirano z odstotki)")
            })?;
        match raw.into_iter().next() {
            Some((_, value)) => Ok(Segment(value)),
            None => Err(WebError::internal(&"a route without a path segment asked for one")),
        }
    }
}

impl Segment {
    /// The segment as a whole number (`name` says which, in the refusal).
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<T, WebError> {
        self.0.parse::<T>().map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "invalid-path",
                format!("{name} must be a whole number, not {:?}", self.0),
            )
            .sl(format!("{name} mora biti celo število, ne {:?}", self.0))
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
                .sl(format!("{name} mora biti nenegativno število, ne {value:?}"))
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

/// The `If-Match` header of a write, compared with the record's revision by
/// [`IfMatch::check`]. Reading it never fails, so the refusals keep their order: path, body
/// and scope first, then an unknown record, then a missing or stale If-Match.
pub struct IfMatch(Option<HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(IfMatch(parts.headers.get(header::IF_MATCH).cloned()))
    }
}

impl IfMatch {
    /// Refuses unless the header names `current` (or is `*`).
    pub fn check(&self, current: Revision) -> ApiResult<()> {
        let Some(given) = &self.0 else {
            return Err(WebError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-required",
                "send If-Match with the ETag you read, so a concurrent change is not overwritten",
            )
            .sl("pošljite If-Match z ETag, ki ste ga prebrali, da ne prepišete hkratne spremembe"));
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
}

/// Refuses when a record moved on between the If-Match check and the write.
fn if_unchanged(now: Revision, read: Revision) -> ApiResult<()> {
    if now == read {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-revision",
            "the record changed while your request was waiting; read it again",
        )
        .sl("zapis se je spremenil, medtem ko je zahteva čakala; preberite ga znova"))
    }
}

/// A change to one record under If-Match, written once for every kind: reads record `id`,
/// refuses unless `if_match` names its revision, builds the command from the record as read,
/// and writes it only if the record has not moved since (checked under the writer lock).
/// Answers the record as written.
pub async fn update<R>(
    s: &AppState,
    caller: &Caller,
    if_match: &IfMatch,
    id: R::Id,
    change: impl FnOnce(R) -> ApiResult<Command>,
) -> ApiResult<R>
where
    R: Record + Send + Sync + 'static,
    R::Id: Send + 'static,
{
    let current = s.world().record::<R>(id)?.clone();
    let rev = current.rev();
    if_match.check(rev)?;
    let command = change(current)?;
    s.execute_guarded(caller, None, command, move |w| {
        if_unchanged(w.record::<R>(id)?.rev(), rev)
    })
    .await?;
    Ok(s.world().record::<R>(id)?.clone())
}

/// A JSON answer with the ETag of the record it shows: 200, or 201 for a creation.
pub struct Tagged<T> {
    status: StatusCode,
    rev: Revision,
    body: T,
}

impl<T> Tagged<T> {
    /// 200 with `body`, tagged with `rev`.
    pub fn new(rev: Revision, body: T) -> Tagged<T> {
        Tagged {
            status: StatusCode::OK,
            rev,
            body,
        }
    }

    /// 201 with `body`, tagged with `rev`.
    pub fn created(rev: Revision, body: T) -> Tagged<T> {
        Tagged {
            status: StatusCode::CREATED,
            rev,
            body,
        }
    }
}

impl<R: Record> Tagged<R> {
    /// 200 with the record, tagged with its revision.
    pub fn record(record: R) -> Tagged<R> {
        Tagged::new(record.rev(), record)
    }

    /// 201 with the record just created, tagged with its revision.
    pub fn created_record(record: R) -> Tagged<R> {
        Tagged::created(record.rev(), record)
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = axum::Json(&self.body).into_response();
        if let Ok(value) = HeaderValue::from_str(&etag(self.rev)) {
            response.headers_mut().insert(header::ETAG, value);
        }
        // A body that failed to serialise keeps its 500.
        if response.status().is_success() {
            *response.status_mut() = self.status;
        }
        response
    }
}
