//! The one error type of the web layer, answered as RFC 9457 problem details.
//!
//! Every failure a client can cause has a stable `type` (`/problems/<code>`), the HTTP status
//! that fits it, a title and a specific detail. Bad input is always 4xx. Internal failures are
//! logged with their cause and answered with a bare 500 that reveals nothing.
//!
//! The title and the detail are said in the language of the request (`speaking`): a page in
//! the person's language (`?lang=`, then the `adam_lang` cookie, then Slovenian); an API
//! answer in the language its `Accept-Language` prefers among `sl` and `en`, English when it
//! names neither (so that scripts and logs read the same as before). The `type` is the same
//! in both. An engine refusal is said through `adam_core::Error::message`; the web layer's own
//! refusals carry their Slovenian with [`WebError::sl`] beside the English.

use adam_core::Category;
use adam_core::lang::Lang;
use adam_store::StoreError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
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

tokio::task_local! {
    /// The language of the request being answered.
    static SPEAKING: Lang;
}

/// The language of the request being answered; English outside a request (background tasks,
/// the command line).
pub fn speaking() -> Lang {
    SPEAKING.try_with(|l| *l).unwrap_or(Lang::En)
}

/// The language a request is answered in: for a page (`/ui…`) `?lang=`, then the `adam_lang`
/// cookie, then Slovenian (as the UI's `Lang` extractor has it); for anything else the
/// preference of `Accept-Language`, English when it names neither `sl` nor `en`.
pub fn request_language(request: &Request) -> Lang {
    let headers = request.headers();
    if request.uri().path().starts_with("/ui") {
        let from_query = request.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::parse)
        });
        let from_cookie = || {
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|c| c.trim().strip_prefix("adam_lang="))
                .and_then(Lang::parse)
        };
        return from_query.or_else(from_cookie).unwrap_or(Lang::Sl);
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::En)
}

/// Runs `f` (synchronous: work on a blocking thread) in `lang`.
pub fn speaking_in<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    SPEAKING.sync_scope(lang, f)
}

/// An engine refusal in the language of the request (for a form's field message).
pub fn said(e: &adam_core::Error) -> String {
    e.message(speaking())
}

/// Middleware: answers the request in its language (see [`request_language`]).
pub async fn speak(request: Request, next: Next) -> Response {
    let lang = request_language(&request);
    SPEAKING.scope(lang, next.run(request)).await
}

impl WebError {
    /// The Slovenian of the detail: it replaces the English when the request is answered in
    /// Slovenian (`WebError::new(…, "the code is wrong").sl("koda je napačna")`).
    pub fn sl(mut self, detail: impl Into<String>) -> WebError {
        if speaking() == Lang::Sl {
            self.detail = detail.into();
        }
        self
    }

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
        .sl("pri nas je šlo nekaj narobe; zabeleženo je")
    }

    /// The title of the problem, in `lang`.
    pub fn title_in(&self, lang: Lang) -> &'static str {
        let (sl, en) = match self.status {
            StatusCode::BAD_REQUEST => ("Nepravilna zahteva", "Malformed request"),
            StatusCode::UNAUTHORIZED => ("Potrebna je prijava", "Authentication required"),
            StatusCode::FORBIDDEN => ("Ni dovoljeno", "Not allowed"),
            StatusCode::NOT_FOUND => ("Ni najdeno", "Not found"),
            StatusCode::METHOD_NOT_ALLOWED => ("Metoda ni dovoljena", "Method not allowed"),
            StatusCode::CONFLICT => ("V nasprotju s trenutnim stanjem", "Conflict with the current state"),
            StatusCode::PRECONDITION_FAILED => ("Spremenjeno, odkar ste prebrali", "Changed since you read it"),
            StatusCode::PAYLOAD_TOO_LARGE => ("Zahteva je prevelika", "Request too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("Nepodprta vrsta vsebine", "Unsupported media type"),
            StatusCode::UNPROCESSABLE_ENTITY => ("Neveljaven vnos", "Invalid input"),
            StatusCode::PRECONDITION_REQUIRED => ("Manjka predpogoj", "Precondition required"),
            StatusCode::SERVICE_UNAVAILABLE => ("Začasno nedosegljivo", "Temporarily unavailable"),
            StatusCode::TOO_MANY_REQUESTS => ("Preveč poskusov", "Too many attempts"),
            StatusCode::GONE => ("Ni več veljavno", "No longer valid"),
            _ => ("Napaka", "Error"),
        };
        lang.pick(sl, en)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("/problems/{}", self.code),
            title: self.title_in(speaking()).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            extra: self.extra.clone(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // The title and detail follow Accept-Language (the `type` does not).
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
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
        let mut err = WebError::new(status, e.code(), e.message(speaking()));
        let lang = speaking();
        match &e {
            adam_core::Error::Value(adam_core::ValueError::InvalidValue { field, .. }) => {
                err = err.with("field", *field);
            }
            // Every problem of a definition, and every guard still unmet, as a list a client
            // (and a form) can show one by one.
            adam_core::Error::Process(adam_core::ProcessError::InvalidDefinition(p)) => {
                let all: Vec<String> = p.0.iter().map(|p| p.message(lang)).collect();
                err = err.with("problems", all);
            }
            adam_core::Error::Process(adam_core::ProcessError::GuardsUnmet { unmet, .. }) => {
                let all: Vec<String> = unmet
                    .0
                    .iter()
                    .map(|u| match lang {
                        adam_core::lang::Lang::Sl => u.sl(),
                        adam_core::lang::Lang::En => u.to_string(),
                    })
                    .collect();
                err = err.with("unmet", all);
            }
            adam_core::Error::Process(adam_core::ProcessError::BadFieldValue { field, .. }) => {
                err = err.with("field", field.clone());
            }
            adam_core::Error::Process(adam_core::ProcessError::EndBeforeStart { field, start }) => {
                err = err.with("field", field.clone()).with("start", start.clone());
            }
            // A placement confirmation: the half that is missing or wrong.
            adam_core::Error::Register(adam_core::RegisterError::ConfirmationWithoutDate { field: f })
            | adam_core::Error::Register(adam_core::RegisterError::ConfirmationInFuture { field: f, .. }) => {
                err = err.with("pointer", format!("/{f}/date"));
            }
            adam_core::Error::Register(adam_core::RegisterError::ConfirmationWithoutConfirmer { field: f }) => {
                err = err.with("pointer", format!("/{f}/confirmed_by"));
            }
            // Art. 51(1): what is missing is the grant's request reference.
            adam_core::Error::Roles(adam_core::RoleError::CustodianRequestMissing(_)) => {
                err = err.with("pointer", "/reference");
            }
            _ => {}
        }
        err
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound(what) => {
                let sl = format!("zapis ne obstaja ({what})");
                WebError::not_found(what).sl(sl)
            }
            StoreError::Spent(what) => {
                WebError::new(StatusCode::CONFLICT, "already-used", format!("{what} was already used"))
                    .sl("to je bilo že uporabljeno")
            }
            StoreError::UnknownAttachment(digest) => unknown_attachment(&digest),
            StoreError::RevisionTaken(_) | StoreError::OutOfOrder { .. } => WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "other changes were being written at the same moment; try again",
            )
            .sl("hkrati so se zapisovale druge spremembe; poskusite znova"),
            other => WebError::internal(&other),
        }
    }
}

/// 422: a record names a file that is not stored with that size, or that the caller may not
/// attach (`service::attachments::require_attachable`, and the store's check in the record's
/// own transaction).
pub fn unknown_attachment(digest: &str) -> WebError {
    WebError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-attachment",
        format!("attachment {digest} is not stored with that size, or is not yours to attach: upload it first"),
    )
    .sl(format!(
        "priponka {digest} ni shranjena s to velikostjo ali je ne smete pripeti: najprej jo naložite"
    ))
}

impl WebError {
    /// An engine refusal, with the records it names called by their codes.
    pub fn from_engine(e: adam_core::Error, world: &adam_core::World) -> WebError {
        let mut err = WebError::from(e);
        err.detail = world.name_ids_in(&err.detail, speaking());
        err
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, WebError>;
