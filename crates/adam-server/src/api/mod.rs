//! The HTTP API: every route is declared once, through [`Api::route`], which mounts the
//! handler and records the operation — its summary, parameters, body and response types — so
//! the OpenAPI document (`/api/openapi.json`) is generated from the same declarations as the
//! router and cannot list a route that does not exist or miss one that does.

pub mod attachments;
pub mod audit;
pub mod authn;
pub mod continuity;
pub mod decisions;
pub mod decree_roles;
pub mod directory;
pub mod dormant;
pub mod guard;
pub mod hosting;
pub mod integrity;
pub mod inventory;
pub mod operations;
pub mod process;
pub mod raci;
pub mod records;
pub mod register;
pub mod review;
pub mod risk;
pub mod roles;
pub mod system;

use crate::state::AppState;
use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// "As of": answer as the world stood at an earlier instant, replayed from the change log (who
/// may ask is decided by the rules in force now).
#[derive(Debug, Default, Clone, Copy, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// The instant (default: now).
    #[serde(default)]
    pub at: Option<adam_core::Timestamp>,
}

/// Produces the schema of a type, registering its definitions.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// What the document says about one operation.
#[derive(Clone)]
pub struct Doc {
    /// One line: what the operation does.
    pub summary: &'static str,
    /// Who may call it, in words.
    pub access: &'static str,
    /// The group it is listed under.
    pub tag: &'static str,
    /// Query parameters (the properties of this type).
    pub query: Option<SchemaFn>,
    /// Request body.
    pub body: Option<SchemaFn>,
    /// Response body.
    pub response: Option<SchemaFn>,
    /// Success status.
    pub status: u16,
    /// Whether the operation needs a token.
    pub authenticated: bool,
    /// Whether the response carries an ETag and updates need If-Match.
    pub etag: bool,
    /// Whether the operation answers (also) `text/csv`.
    pub csv: bool,
    /// Whether the operation answers a stored file in its own media type.
    pub file: bool,
    /// Whether the operation answers `text/plain` (the Prometheus metrics).
    pub text: bool,
}

impl Doc {
    /// An authenticated operation answering 200.
    pub fn new(tag: &'static str, summary: &'static str, access: &'static str) -> Doc {
        Doc {
            summary,
            access,
            tag,
            query: None,
            body: None,
            response: None,
            status: 200,
            authenticated: true,
            etag: false,
            csv: false,
            file: false,
            text: false,
        }
    }
    /// Query parameters.
    pub fn query<T: JsonSchema>(mut self) -> Doc {
        self.query = Some(schema_of::<T>);
        self
    }
    /// Request body.
    pub fn body<T: JsonSchema>(mut self) -> Doc {
        self.body = Some(schema_of::<T>);
        self
    }
    /// Response body.
    pub fn response<T: JsonSchema>(mut self) -> Doc {
        self.response = Some(schema_of::<T>);
        self
    }
    /// Answers 201 Created.
    pub fn created(mut self) -> Doc {
        self.status = 201;
        self
    }
    /// Answers 202 Accepted.
    pub fn accepted(mut self) -> Doc {
        self.status = 202;
        self
    }
    /// No token needed.
    pub fn public(mut self) -> Doc {
        self.authenticated = false;
        self
    }
    /// ETag on reads, If-Match on writes.
    pub fn etag(mut self) -> Doc {
        self.etag = true;
        self
    }
    /// Answers `text/csv` (beside JSON when a response type is given too).
    pub fn csv(mut self) -> Doc {
        self.csv = true;
        self
    }
    /// Answers a stored file, in its own media type.
    pub fn file(mut self) -> Doc {
        self.file = true;
        self
    }
    /// Answers `text/plain`.
    pub fn text(mut self) -> Doc {
        self.text = true;
        self
    }
}

/// A declared operation.
#[derive(Clone)]
pub struct Operation {
    /// HTTP method.
    pub method: Method,
    /// Path template, `{name}` for parameters.
    pub path: &'static str,
    /// Its documentation.
    pub doc: Doc,
}

/// The router under construction and the operations declared so far.
pub struct Api {
    routes: std::collections::BTreeMap<&'static str, MethodRouter<AppState>>,
    operations: Vec<Operation>,
}

impl Default for Api {
    fn default() -> Api {
        Api::new()
    }
}

impl Api {
    /// An empty API.
    pub fn new() -> Api {
        Api {
            routes: std::collections::BTreeMap::new(),
            operations: Vec::new(),
        }
    }

    /// Mounts `handler` for `method` on `path` and records it.
    pub fn route(mut self, method: Method, path: &'static str, doc: Doc, handler: MethodRouter<AppState>) -> Api {
        // What anyone may send without signing in is small (a sign-in, a code, an address):
        // its bodies are held to a few kilobytes rather than the general limit.
        let handler = if doc.authenticated || method == Method::GET {
            handler
        } else {
            handler.layer(axum::extract::DefaultBodyLimit::max(crate::body::MAX_PUBLIC_BODY))
        };
        let merged = match self.routes.remove(path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        self.routes.insert(path, merged);
        self.operations.push(Operation { method, path, doc });
        self
    }

    /// The operations declared.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Splits into the router and the operations.
    pub fn into_parts(self) -> (Router<AppState>, Vec<Operation>) {
        let router = self
            .routes
            .into_iter()
            .fold(Router::new(), |router, (path, handler)| router.route(path, handler));
        (router, self.operations)
    }
}

/// Every route of the API.
pub fn api() -> Api {
    let api = Api::new();
    let api = system::routes(api);
    let api = operations::routes(api);
    let api = directory::routes(api);
    let api = roles::routes(api);
    let api = records::routes(api);
    let api = audit::routes(api);
    let api = authn::routes(api);
    let api = register::routes(api);
    let api = review::routes(api);
    let api = risk::routes(api);
    let api = inventory::routes(api);
    let api = decree_roles::routes(api);
    let api = integrity::routes(api);
    let api = continuity::routes(api);
    let api = attachments::routes(api);
    let api = dormant::routes(api);
    let api = process::routes(api);
    let api = raci::routes(api);
    let api = hosting::routes(api);
    decisions::routes(api)
}

/// Query parameters shared by listings.
#[derive(Debug, Clone, Copy, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Return items after this id (the `next` of the previous page).
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

impl PageQuery {
    /// The page size, checked.
    pub fn limit(&self) -> crate::error::ApiResult<usize> {
        let limit = self.limit.unwrap_or(100);
        if limit == 0 || limit > 1000 {
            return Err(crate::error::WebError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "page-size",
                format!("limit must be between 1 and 1000, not {limit}"),
            )
            .sl(format!("limit mora biti med 1 in 1000, ne {limit}"))
            .with("pointer", "/limit"));
        }
        Ok(limit)
    }
}

/// Cuts a page from an id-ordered sequence.
pub fn page<T>(
    items: impl Iterator<Item = T>,
    id: impl Fn(&T) -> u32,
    q: PageQuery,
) -> crate::error::ApiResult<adam_core::Page<T>> {
    let limit = q.limit()?;
    let mut rest = items.skip_while(|x| q.after.is_some_and(|a| id(x) <= a));
    let items: Vec<T> = rest.by_ref().take(limit).collect();
    let next = if items.len() == limit && rest.next().is_some() {
        items.last().map(&id)
    } else {
        None
    };
    Ok(adam_core::Page { items, next })
}
