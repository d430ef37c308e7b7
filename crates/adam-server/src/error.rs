//! The one error type of the web layer, answered as RFC 9457 problem details.
//!
//! Every failure a client can cause has a stable `type` (`/problems/<code>`), the HTTP status
//! that fits it, a title and a specific detail. Bad input is always 4xx. Internal failures are
//! logged with their cause and answered with a bare 500 that reveals nothing.

use adam_core::Category;
use adam_store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

/// A problem to answer with.
#[derive(Debug, Clone)]
pub struct WebError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable kebab-case code; the problem `type` is `/problems/<code>`.
    pub code: &'static str,
    /// Specific, human-readable explanation for this occurrence.
    pub detail: String,
    /// Extension members (e.g. `pointer` of a bad field, `current_revision`).
    pub extra: Map<String, Value>,
}

/// The body of a problem response.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem: `/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Extension members.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebError {
    /// A problem with a status, a code and a detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> WebError {
        WebError {
            status,
            code,
            detail: detail.into(),
            extra: Map::new(),
        }
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> WebError {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// 401: no or bad credentials.
    pub fn unauthenticated(detail: impl Into<String>) -> WebError {
        WebError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
    }

    /// 403: the caller may not do this.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> WebError {
        WebError::new(StatusCode::FORBIDDEN, code, detail)
    }

    /// 404 for a path that names nothing.
    pub fn not_found(detail: impl Into<String>) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 500 after logging the cause.
    pub fn internal(cause: &dyn std::fmt::Display) -> WebError {
        tracing::error!(%cause, "internal error");
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }

    fn title(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "Malformed request",
            StatusCode::UNAUTHORIZED => "Authentication required",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
            StatusCode::CONFLICT => "Conflict with the current state",
            StatusCode::PRECONDITION_FAILED => "Changed since you read it",
            StatusCode::PAYLOAD_TOO_LARGE => "Request too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported media type",
            StatusCode::UNPROCESSABLE_ENTITY => "Invalid input",
            StatusCode::PRECONDITION_REQUIRED => "Precondition required",
            StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::GONE => "No longer valid",
            _ => "Error",
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("/problems/{}", self.code),
            title: self.title().to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            extra: self.extra.clone(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"adam\""),
            );
        }
        response
    }
}

impl From<adam_core::Error> for WebError {
    fn from(e: adam_core::Error) -> WebError {
        let status = match e.category() {
            Category::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Category::NotFound => StatusCode::NOT_FOUND,
            Category::Conflict => StatusCode::CONFLICT,
            Category::Forbidden => StatusCode::FORBIDDEN,
            Category::Internal => return WebError::internal(&e),
        };
        let mut err = WebError::new(status, e.code(), e.to_string());
        if let adam_core::Error::Value(adam_core::ValueError::InvalidValue { field, .. }) = &e {
            err = err.with("field", *field);
        }
        err
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound(what) => WebError::not_found(what),
            StoreError::Spent(what) => {
                WebError::new(StatusCode::CONFLICT, "already-used", format!("{what} was already used"))
            }
            StoreError::RevisionTaken(_) | StoreError::OutOfOrder { .. } => WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "other changes were being written at the same moment; try again",
            ),
            other => WebError::internal(&other),
        }
    }
}

impl WebError {
    /// An engine refusal, with the records it names called by their codes.
    pub fn from_engine(e: adam_core::Error, world: &adam_core::World) -> WebError {
        let mut err = WebError::from(e);
        err.detail = world.name_ids(&err.detail);
        err
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, WebError>;
