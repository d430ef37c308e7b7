//! The administration UI (SPEC §6): server-rendered HTML (askama templates in `templates/`)
//! with htmx for the lazily expanding tree, assets embedded in the binary.
//!
//! Every page is answered by the same authorisation as the API: the handlers take the same
//! [`Caller`], read the same world, and change it only through [`AppState::execute`], so a
//! control a person may not use is absent *and* a forged POST is refused by the engine anyway.
//! One handler serves a partial (for an htmx request, `HX-Request: true`) or a whole page, as
//! kanidm does. Slovenian by default, English on a switch (`?lang=en`, remembered in a cookie).

mod account;
mod i18n;
mod review;

use crate::auth::{Caller, Scope};
use crate::error::WebError;
use crate::login::{CSRF_HEADER, authenticate};
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::AuditQuery;
use adam_store::AuthSession;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
pub use i18n::Tr;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

const HTMX: &str = include_str!("../../assets/htmx-2.0.11.min.js");
const CSS: &str = include_str!("../../assets/adam.css");

/// The UI's routes, mounted beside the API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui") }))
        .route("/ui", get(tree))
        .route("/ui/tree/offices/{id}", get(tree_children))
        .route("/ui/offices", get(account::to("/ui")).post(create_office))
        .route("/ui/offices/{id}", get(office_page).post(update_office))
        .route("/ui/offices/{id}/jobs", get(account::to("/ui")).post(create_job))
        .route("/ui/jobs/{id}/users", get(back_to_job).post(create_user))
        .route("/ui/jobs/{id}/edit", get(back_to_job).post(update_job))
        .route("/ui/jobs/{id}/occupants", get(back_to_job).post(assign_occupant))
        .route("/ui/jobs/{id}/occupants/{user}/remove", post(remove_occupant))
        .route("/ui/jobs/{id}/valid", get(back_to_job).post(set_job_valid))
        .route("/ui/users/{id}/active", get(back_to_user).post(set_user_active))
        .route("/ui/offices/{id}/valid", get(account::to("/ui")).post(set_office_valid))
        .route("/ui/jobs/{id}", get(job_page))
        .route("/ui/jobs/{id}/grants", get(back_to_job).post(grant_to_job))
        .route("/ui/jobs/{id}/roles", get(back_to_job).post(set_job_roles))
        .route("/ui/users/{id}/roles", get(back_to_user).post(set_user_roles))
        .route(
            "/ui/users/{id}/password",
            get(back_to_user).post(set_temporary_password),
        )
        .route("/ui/users/{id}/unlock", get(back_to_user).post(unlock_user))
        .route("/ui/users/{id}/factor", get(back_to_user).post(reset_factor))
        .route("/ui/grants/{id}/revoke", get(account::to("/ui")).post(revoke_grant))
        .route("/ui/users/{id}", get(user_page).post(update_user))
        .route("/ui/roles", get(roles_page))
        .route("/ui/folders/{id}", get(folder_page))
        .route("/ui/documents/{id}", get(document_page))
        .route("/ui/activity", get(activity_page))
        .merge(account::routes())
        .merge(review::routes())
        .route(
            "/ui/assets/htmx.min.js",
            get(|| async { asset(HTMX, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/ui/assets/adam.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// The language of a request: `?lang=` first (and remembered), then the `adam_lang` cookie,
/// then Slovenian.
#[derive(Clone, Copy, Debug)]
pub struct Lang {
    tr: Tr,
    /// Whether `?lang=` chose it (the answer sets the cookie).
    chosen: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Tr::parse));
        if let Some(tr) = from_query {
            return Ok(Lang { tr, chosen: true });
        }
        let from_cookie = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("adam_lang="))
            .and_then(Tr::parse);
        Ok(Lang {
            tr: from_cookie.unwrap_or(Tr::Sl),
            chosen: false,
        })
    }
}

/// The caller of a page: the API's [`Caller`], whose refusal is answered as a page.
pub struct UiCaller(pub Caller);

impl FromRequestParts<AppState> for UiCaller {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        Caller::from_request_parts(parts, state)
            .await
            .map(UiCaller)
            .map_err(|error| UiError::new(lang.tr, error).at(parts))
    }
}

/// A form posted from a page: who posted it and its fields. For a person signed in by cookie
/// the form must carry the session's CSRF token in its `_csrf` field (every page renders it
/// into its forms): the token is checked by the same code as the API's `X-CSRF-Token` header,
/// so a cross-site form post, which cannot read the page, is refused. With `RESTRICTED`, a
/// session still finishing its sign-in (temporary password, second-factor enrolment) may post
/// too — for the pages of those steps only.
pub struct UiForm<T, const RESTRICTED: bool = false> {
    /// Who posted.
    pub caller: Caller,
    /// The session, when signed in by cookie.
    pub session: Option<AuthSession>,
    /// The fields.
    pub form: T,
    /// The page's language.
    pub lang: Lang,
}

/// Refuses a form a browser says another site sent (`Sec-Fetch-Site: cross-site`, or
/// `same-site` — a sibling host under the same domain is another application): besides the
/// CSRF token of signed-in forms, this also stops "login CSRF" — another site signing a person
/// in to ADAM as the attacker — on the sign-in, reset and forgot forms, which have no session
/// yet. ADAM's own pages post `same-origin`. Clients that send no such header (scripts, the
/// API's callers) are not browsers and are not refused here; the header is the browser's, so a
/// reverse proxy does not change it (an `Origin` check would need the public host).
pub(crate) fn same_site(headers: &HeaderMap, lang: Tr) -> UiResult<()> {
    let foreign = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site") || v.eq_ignore_ascii_case("same-site"));
    if foreign {
        return Err(UiError::new(
            lang,
            WebError::forbidden(
                "cross-site",
                "this form was sent from another site; open ADAM and send it from there",
            ),
        ));
    }
    Ok(())
}

/// The largest form the UI accepts.
const MAX_FORM: usize = 64 * 1024;

impl<T: DeserializeOwned, const RESTRICTED: bool> FromRequest<AppState> for UiForm<T, RESTRICTED> {
    type Rejection = UiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(lang) = Lang::from_request_parts(&mut parts, state).await;
        same_site(&parts.headers, lang.tr)?;
        let bad = |detail: String| UiError::new(lang.tr, WebError::new(StatusCode::BAD_REQUEST, "bad-form", detail));
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| bad(format!("the form is larger than {MAX_FORM} bytes")))?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| bad(format!("the form cannot be read: {e}")))?;
        if !parts.headers.contains_key(CSRF_HEADER)
            && let Some((_, token)) = fields.iter().find(|(k, _)| k == "_csrf")
            && let Ok(v) = HeaderValue::from_str(token)
        {
            parts.headers.insert(CSRF_HEADER, v);
        }
        let (caller, session) = authenticate(&parts, state, RESTRICTED)
            .await
            .map_err(|e| UiError::new(lang.tr, e))?;
        let form =
            serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| bad(format!("the form is incomplete: {e}")))?;
        Ok(UiForm {
            caller,
            session,
            form,
            lang,
        })
    }
}

/// What every page shows around its content.
pub struct Chrome {
    /// Translations.
    pub t: Tr,
    /// Who is signed in (empty on the sign-in pages).
    pub user_name: String,
    /// The session's CSRF token, rendered into every form (none for an API token).
    pub csrf: Option<String>,
    /// Whether the person reviews audit records (the menu shows the trail).
    pub reviewer: bool,
    /// A sign-in still finishing (temporary password, enrolment): the menu shows only the way
    /// out, since every other page leads back to the step.
    pub restricted: bool,
}

/// A UI failure, answered as an HTML page with the status of the underlying error; a person
/// not signed in is sent to the sign-in page (and back afterwards), one in the middle of
/// signing in to the step still missing.
pub struct UiError {
    lang: Tr,
    error: Box<WebError>,
    /// The page asked for, to return to after signing in (only for a GET).
    next: Option<String>,
}

impl UiError {
    /// The page for `error`.
    pub fn new(lang: Tr, error: WebError) -> UiError {
        UiError {
            lang,
            error: Box::new(error),
            next: None,
        }
    }

    /// Remembers the page a GET asked for.
    pub fn at(mut self, parts: &Parts) -> UiError {
        if parts.method == axum::http::Method::GET && !is_htmx(&parts.headers) {
            self.next = parts.uri.path_and_query().map(|p| p.as_str().to_owned());
        }
        self
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let status = self.error.status;
        let step = match (status, self.error.code) {
            (StatusCode::UNAUTHORIZED, _) => Some(match &self.next {
                Some(next) => format!("/ui/login?next={}", account::url_escape(next)),
                None => "/ui/login".to_owned(),
            }),
            (StatusCode::FORBIDDEN, "password-change-required") => Some("/ui/password".to_owned()),
            (StatusCode::FORBIDDEN, "mfa-enrolment-required") => Some("/ui/mfa".to_owned()),
            _ => None,
        };
        if let Some(to) = step {
            return Redirect::to(&to).into_response();
        }
        let title = match status {
            StatusCode::UNAUTHORIZED => self.lang.s("sign_in_needed"),
            StatusCode::FORBIDDEN => self.lang.s("forbidden"),
            StatusCode::NOT_FOUND => self.lang.s("not_found"),
            _ => self.lang.s("error"),
        };
        let page = ErrorPage {
            c: Chrome {
                t: self.lang,
                user_name: String::new(),
                csrf: None,
                reviewer: false,
                restricted: false,
            },
            title,
            detail: self.error.detail.clone(),
        };
        match page.render() {
            Ok(html) => {
                let mut r = (status, Html(html)).into_response();
                secure_headers(r.headers_mut());
                r
            }
            Err(_) => (*self.error).into_response(),
        }
    }
}

type UiResult<T> = Result<T, UiError>;

trait Localise<T> {
    fn ui(self, lang: Tr) -> UiResult<T>;
}

impl<T, E: Into<WebError>> Localise<T> for Result<T, E> {
    fn ui(self, lang: Tr) -> UiResult<T> {
        self.map_err(|e| UiError::new(lang, e.into()))
    }
}

/// Renders a template into a response, setting the language cookie when it was chosen.
fn page(lang: Lang, t: &impl Template) -> UiResult<Response> {
    let html = t.render().map_err(|e| UiError::new(lang.tr, WebError::internal(&e)))?;
    let mut r = Html(html).into_response();
    secure_headers(r.headers_mut());
    if lang.chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "adam_lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.tr.lang()
        ))
    {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// A page shown again after a refused form (422), with the form's messages on it.
fn refused_page(lang: Lang, t: &impl Template) -> UiResult<Response> {
    let mut r = page(lang, t)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// Headers every page carries (OWASP ASVS V14): scripts and styles only from ADAM itself (htmx
/// is embedded; its indicator style is in adam.css and htmx is told not to inject it), no
/// inline style, no framing, no content sniffing, no referrer leaving the site.
fn secure_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn chrome(s: &AppState, caller: &Caller, t: Tr) -> Chrome {
    let user_name = s
        .world()
        .user(caller.user)
        .map(|u| format!("{} ({})", u.display_name(), u.username))
        .unwrap_or_default();
    Chrome {
        t,
        user_name,
        csrf: caller.csrf.clone(),
        reviewer: crate::api::audit::may_review(s, caller),
        restricted: false,
    }
}

/// Who a caller is in the UI: any account that may read.
fn reader(caller: &Caller, lang: Tr) -> UiResult<()> {
    caller.require(Scope::Read).ui(lang)
}

/// The outcome of a form's change: `None` when it was saved; a refusal of the person (not
/// allowed, not signed in) as an error page; any other refusal as a message for the form.
fn saved(lang: Lang, outcome: crate::error::ApiResult<Plan>) -> UiResult<Option<String>> {
    match outcome {
        Ok(_) => Ok(None),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => Ok(Some(e.detail)),
    }
}

/// A time as people in Slovenia read it (`2026-11-30 15:32:50`): Central European Time, and
/// summer time (UTC+2) from the last Sunday of March to the last Sunday of October, 01:00 UTC
/// both — the EU rule, computed here rather than pulling in a time-zone database.
pub(crate) fn local(t: Timestamp) -> String {
    let utc = t.to_string();
    let year = utc.get(..4).unwrap_or("1970");
    let last_sunday = |month_end: &str| {
        Timestamp::parse(&format!("{year}-{month_end}T01:00:00Z"))
            .ok()
            .map(|end| {
                let weekday = (end.0.div_euclid(86_400) + 4).rem_euclid(7); // 1970-01-01 was a Thursday; 0 = Sunday
                end.0 - weekday * 86_400
            })
    };
    let summer = matches!(
        (last_sunday("03-31"), last_sunday("10-31")),
        (Some(from), Some(to)) if t.0 >= from && t.0 < to
    );
    let shifted = Timestamp(t.0 + if summer { 7200 } else { 3600 }).to_string();
    match (shifted.get(..10), shifted.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => utc,
    }
}

/// Like [`saved`], keeping what the change created (to go to it).
fn made(lang: Lang, outcome: crate::error::ApiResult<Plan>) -> UiResult<Result<Option<Created>, String>> {
    match outcome {
        Ok(plan) => Ok(Ok(plan.created)),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => Ok(Err(e.detail)),
    }
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

// ---- the tree -----------------------------------------------------------------------------

/// An office in the tree.
pub struct TreeOffice {
    id: u32,
    code: String,
    name: String,
    valid: bool,
}

/// A job in the tree.
pub struct TreeJob {
    id: u32,
    code: String,
    name: String,
    signing_code: Option<String>,
    valid: bool,
    occupants: Vec<(u32, String)>,
}

/// A search result.
pub struct Hit {
    kind: &'static str,
    href: String,
    label: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "tree.html")]
struct TreePage {
    c: Chrome,
    offices: Vec<TreeOffice>,
    query: String,
    hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "tree_children.html")]
struct TreeChildren {
    c: Chrome,
    offices: Vec<TreeOffice>,
    jobs: Vec<TreeJob>,
}

fn tree_office(w: &World, id: OfficeId) -> Option<TreeOffice> {
    let o = w.office(id).ok()?;
    Some(TreeOffice {
        id: o.id.0,
        code: o.code.to_string(),
        name: o.name.to_string(),
        valid: o.valid,
    })
}

fn tree_job(w: &World, id: JobId) -> Option<TreeJob> {
    let j = w.job(id).ok()?;
    Some(TreeJob {
        id: j.id.0,
        code: j.code.to_string(),
        name: j.name.to_string(),
        signing_code: j.signing_code.as_ref().map(ToString::to_string),
        valid: j.valid,
        occupants: w
            .job_occupants(id)
            .iter()
            .filter_map(|u| w.user(*u).ok())
            .map(|u| (u.id.0, format!("{} ({})", u.display_name(), u.username)))
            .collect(),
    })
}

/// The search box's question.
#[derive(Debug, Deserialize)]
pub struct TreeQuery {
    q: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

/// Finds offices, jobs and users by name, code, username or signing code.
fn search(w: &World, q: &str) -> Vec<Hit> {
    let needle = q.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let has = |s: &str| s.to_lowercase().contains(&needle);
    let mut hits = Vec::new();
    for o in w.offices() {
        if has(o.code.as_str()) || has(o.name.as_str()) {
            hits.push(Hit {
                kind: "office",
                href: format!("/ui/offices/{}", o.id.0),
                label: format!("{} – {}", o.code, o.name),
                detail: String::new(),
            });
        }
    }
    for j in w.jobs() {
        let sc = j.signing_code.as_ref().map(ToString::to_string).unwrap_or_default();
        if has(j.code.as_str()) || has(j.name.as_str()) || (!sc.is_empty() && has(&sc)) {
            hits.push(Hit {
                kind: "job",
                href: format!("/ui/jobs/{}", j.id.0),
                label: format!("{} – {}", j.code, j.name),
                detail: sc,
            });
        }
    }
    for u in w.users() {
        if has(u.username.as_str()) || has(&u.display_name()) {
            hits.push(Hit {
                kind: "user",
                href: format!("/ui/users/{}", u.id.0),
                label: format!("{} ({})", u.display_name(), u.username),
                detail: String::new(),
            });
        }
    }
    hits.truncate(200);
    hits
}

async fn tree(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(q): Query<TreeQuery>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let query = q.q.unwrap_or_default();
    let p = {
        let w = s.world();
        TreePage {
            c: chrome(&s, &caller, lang.tr),
            offices: w.top_offices().iter().filter_map(|o| tree_office(&w, *o)).collect(),
            hits: search(&w, &query),
            query,
        }
    };
    page(lang, &p)
}

async fn tree_children(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    headers: HeaderMap,
    Path(id): Path<u32>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let office = OfficeId(id);
    if !is_htmx(&headers) {
        return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response());
    }
    let p = {
        let w = s.world();
        w.office(office).ui(lang.tr)?;
        TreeChildren {
            c: chrome(&s, &caller, lang.tr),
            offices: w
                .office_children(office)
                .iter()
                .filter_map(|o| tree_office(&w, *o))
                .collect(),
            jobs: w.office_jobs(office).iter().filter_map(|j| tree_job(&w, *j)).collect(),
        }
    };
    page(lang, &p)
}

// ---- history ------------------------------------------------------------------------------

/// The "last change" panel.
pub struct LastChangeView {
    object_id: u32,
    object_type: String,
    label: String,
    by: String,
    at: String,
}

/// A row of an activity history.
pub struct HistoryRow {
    at: String,
    action: String,
    by: String,
    label: String,
}

fn who_name(w: &World, actor: &Actor) -> String {
    match actor.user_id() {
        Some(u) => w
            .user(u)
            .map(|u| u.username.to_string())
            .unwrap_or_else(|_| format!("#{}", u.0)),
        None => "system".to_owned(),
    }
}

/// The history of an object, and for a job or a user also the history of the grants made to
/// it (a user administrator who grants a role to a job expects to see it on the job) — as far
/// as the caller may read them: the API's rule (`audit::history_view`) for the object and for
/// each grant.
async fn history_of(
    s: &AppState,
    caller: &Caller,
    kind: &str,
    id: u32,
) -> Result<(Option<LastChangeView>, Vec<HistoryRow>), WebError> {
    let view = crate::api::audit::history_view(s, caller, kind, id)?;
    let grantee = match kind {
        "ADAM_ENTITY_JOB" => Some(serde_json::json!({"type": "job", "id": id})),
        "ADAM_ENTITY_USER" => Some(serde_json::json!({"type": "user", "id": id})),
        "ADAM_ENTITY_OFFICE" => Some(serde_json::json!({"type": "office", "id": id})),
        _ => None,
    };
    let store = s.store.clone();
    let own = AuditQuery {
        object_kind: Some(kind.to_owned()),
        object_id: Some(id),
        limit: 50,
        ..AuditQuery::default()
    };
    let mut records = blocking(move || {
        let mut records = store.audit_search(&own)?;
        if let Some(grantee) = grantee {
            let grants = AuditQuery {
                object_kind: Some("ADAM_ENTITY_GRANT".to_owned()),
                limit: 1000,
                ..AuditQuery::default()
            };
            records.extend(store.audit_search(&grants)?.into_iter().filter(|r| {
                [&r.before, &r.after]
                    .into_iter()
                    .flatten()
                    .any(|v| v.get("grantee") == Some(&grantee))
            }));
        }
        Ok::<_, adam_store::StoreError>(records)
    })
    .await??;
    let mut grants = BTreeMap::new();
    records.retain(|r| {
        if r.object.kind == kind && r.object.id == id {
            view.shows(r)
        } else {
            *grants
                .entry(r.object.id)
                .or_insert_with(|| crate::api::audit::history_view(s, caller, &r.object.kind, r.object.id).is_ok())
        }
    });
    records.sort_by_key(|r| std::cmp::Reverse(r.seq));
    records.truncate(50);
    let w = s.world();
    let last = records.iter().find(|r| r.revision.is_some()).map(|r| LastChangeView {
        object_id: r.object.id,
        object_type: r.object.kind.clone(),
        label: r.object.label.clone(),
        by: who_name(&w, &r.context.actor),
        at: local(r.context.at),
    });
    let rows = records
        .iter()
        .map(|r| HistoryRow {
            at: local(r.context.at),
            action: r.action.clone(),
            by: who_name(&w, &r.context.actor),
            label: r.object.label.clone(),
        })
        .collect();
    Ok((last, rows))
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    c: Chrome,
    history: Vec<HistoryRow>,
}

async fn activity_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let store = s.store.clone();
    let q = AuditQuery {
        actor: Some(caller.user),
        limit: 100,
        ..AuditQuery::default()
    };
    let records = blocking(move || store.audit_search(&q))
        .await
        .ui(lang.tr)?
        .ui(lang.tr)?;
    let history = records
        .iter()
        .map(|r| HistoryRow {
            at: local(r.context.at),
            action: r.action.clone(),
            by: r.context.application.clone().unwrap_or_default(),
            label: r.object.label.clone(),
        })
        .collect();
    page(
        lang,
        &ActivityPage {
            c: chrome(&s, &caller, lang.tr),
            history,
        },
    )
}

// ---- offices ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "office.html")]
struct OfficePage {
    c: Chrome,
    office: Office,
    parent: Option<(u32, String)>,
    /// The offices it may be moved under (not itself): id, label, whether it is the parent.
    parents: Vec<(u32, String, bool)>,
    jobs: Vec<TreeJob>,
    may_edit: bool,
    errors: BTreeMap<&'static str, String>,
    last: Option<LastChangeView>,
    history: Vec<HistoryRow>,
}

async fn office_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: OfficeId,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<OfficePage> {
    let (last, history) = history_of(s, caller, "ADAM_ENTITY_OFFICE", id.0).await.ui(lang)?;
    let w = s.world();
    let office = w.office(id).ui(lang)?.clone();
    let parent = office
        .parent
        .and_then(|p| w.office(p).ok())
        .map(|p| (p.id.0, format!("{} – {}", p.code, p.name)));
    let may_edit =
        caller.require(Scope::Write).is_ok() && w.require_office(&caller.actor(None), Some(id), s.now()).is_ok();
    let parents = w
        .offices()
        .iter()
        .filter(|o| o.id != id && o.valid)
        .map(|o| (o.id.0, format!("{} – {}", o.code, o.name), office.parent == Some(o.id)))
        .collect();
    Ok(OfficePage {
        c: chrome(s, caller, lang),
        parents,
        jobs: w.office_jobs(id).iter().filter_map(|j| tree_job(&w, *j)).collect(),
        office,
        parent,
        may_edit,
        errors,
        last,
        history,
    })
}

async fn office_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = office_view(&s, &caller, lang.tr, OfficeId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// The new-office form.
#[derive(Debug, Deserialize)]
pub struct NewOfficeForm {
    parent: u32,
    code: String,
    name: String,
}

async fn create_office(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<NewOfficeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let parent = OfficeId(f.parent);
    let mut errors = BTreeMap::new();
    let code = Code::parse("code", &f.code)
        .map_err(|e| errors.insert("code", e.to_string()))
        .ok();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("name", e.to_string()))
        .ok();
    if let (Some(code), Some(name)) = (code, name) {
        let command = Command::CreateOffice {
            code,
            name,
            parent: Some(parent),
            signing_code: None,
        };
        if let Some(detail) = saved(lang, s.execute(&caller, None, command).await)? {
            errors.insert("code", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/offices/{}", f.parent)).into_response());
        }
    }
    let p = office_view(&s, &caller, lang.tr, parent, errors).await?;
    refused_page(lang, &p)
}

/// The office form: name, signing code, parent; `rev` is the revision the page showed.
#[derive(Debug, Deserialize)]
pub struct OfficeForm {
    rev: u64,
    name: String,
    #[serde(default)]
    signing_code: String,
    /// `0`: directly under `Company.main`.
    parent: u32,
}

async fn update_office(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<OfficeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("edit_name", e.to_string()))
        .ok();
    let signing_code = match f.signing_code.trim() {
        "" => Some(None),
        sc => SigningCode::parse("signing_code", sc)
            .map_err(|e| errors.insert("edit_signing_code", e.to_string()))
            .ok()
            .map(Some),
    };
    let parent = (f.parent != 0).then_some(OfficeId(f.parent));
    if let (Some(name), Some(signing_code)) = (name, signing_code) {
        let command = Command::UpdateOffice {
            office,
            name,
            parent,
            signing_code,
        };
        // Two administrators editing the same office: the second save is refused.
        let seen = Revision(f.rev);
        let guard = move |w: &World| -> crate::error::ApiResult<()> {
            match w.office(office) {
                Ok(o) if o.rev != seen => Err(WebError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "stale",
                    "someone else changed this office after you opened the page; reload it and make your change again",
                )),
                _ => Ok(()),
            }
        };
        if let Some(detail) = saved(lang, s.execute_guarded(&caller, None, command, guard).await)? {
            errors.insert("edit_form", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response());
        }
    }
    let p = office_view(&s, &caller, lang.tr, office, errors).await?;
    refused_page(lang, &p)
}

/// The new-job form of an office page.
#[derive(Debug, Deserialize)]
pub struct NewJobForm {
    code: String,
    name: String,
    #[serde(default)]
    signing_code: String,
}

async fn create_job(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<NewJobForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let office = OfficeId(id);
    let mut errors = BTreeMap::new();
    let code = JobCode::parse("code", &f.code)
        .map_err(|e| errors.insert("job_code", e.to_string()))
        .ok();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("job_name", e.to_string()))
        .ok();
    let signing_code = match f.signing_code.trim() {
        "" => Some(None),
        sc => SigningCode::parse("signing_code", sc)
            .map_err(|e| errors.insert("job_signing_code", e.to_string()))
            .ok()
            .map(Some),
    };
    if let (Some(code), Some(name), Some(signing_code)) = (code, name, signing_code) {
        let command = Command::CreateJob {
            code,
            signing_code,
            name,
            office,
        };
        match made(lang, s.execute(&caller, None, command).await)? {
            Ok(Some(Created::Job(job))) => return Ok(Redirect::to(&format!("/ui/jobs/{}", job.0)).into_response()),
            Ok(_) => return Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response()),
            Err(detail) => {
                errors.insert("job_code", detail);
            }
        }
    }
    let p = office_view(&s, &caller, lang.tr, office, errors).await?;
    refused_page(lang, &p)
}

// ---- jobs ---------------------------------------------------------------------------------

/// The job form: name and signing code (the office stays).
#[derive(Debug, Deserialize)]
pub struct JobForm {
    name: String,
    #[serde(default)]
    signing_code: String,
}

async fn update_job(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<JobForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let job = JobId(id);
    let office = s.world().job(job).ui(lang.tr)?.office;
    let mut errors = BTreeMap::new();
    let name = Text::parse("name", &f.name)
        .map_err(|e| errors.insert("edit_job_name", e.to_string()))
        .ok();
    let signing_code = match f.signing_code.trim() {
        "" => Some(None),
        sc => SigningCode::parse("signing_code", sc)
            .map_err(|e| errors.insert("edit_job_signing_code", e.to_string()))
            .ok()
            .map(Some),
    };
    if let (Some(name), Some(signing_code)) = (name, signing_code) {
        let command = Command::UpdateJob {
            job,
            signing_code,
            name,
            office,
        };
        match saved(lang, s.execute(&caller, None, command).await)? {
            None => return Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
            Some(detail) => {
                errors.insert("edit_job_name", detail);
            }
        }
    }
    let p = job_view(&s, &caller, lang.tr, job, errors).await?;
    refused_page(lang, &p)
}

/// A person to put in a job, by username.
#[derive(Debug, Deserialize)]
pub struct OccupantForm {
    username: String,
}

async fn assign_occupant(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<OccupantForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let user = s.world().user_by_username(f.username.trim()).ok();
    match user {
        None => {
            errors.insert("occupant", lang.tr.s("no_such_user").to_owned());
        }
        Some(user) => match saved(lang, s.execute(&caller, None, Command::AssignJob { user, job }).await)? {
            None => return Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
            Some(detail) => {
                errors.insert("occupant", detail);
            }
        },
    }
    let p = job_view(&s, &caller, lang.tr, job, errors).await?;
    refused_page(lang, &p)
}

async fn remove_occupant(
    State(s): State<AppState>,
    lang: Lang,
    Path((id, user)): Path<(u32, u32)>,
    UiForm { caller, .. }: UiForm<account::Nothing>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let command = Command::UnassignJob {
        user: UserId(user),
        job: JobId(id),
    };
    if let Some(detail) = saved(lang, s.execute(&caller, None, command).await)? {
        let mut errors = BTreeMap::new();
        errors.insert("occupant", detail);
        let p = job_view(&s, &caller, lang.tr, JobId(id), errors).await?;
        return refused_page(lang, &p);
    }
    Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response())
}

/// A switch: valid or not, active or not.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    /// `1` or `0`.
    to: u8,
}

/// A refusal of a switch, as the message its page shows.
fn switch_errors(detail: String) -> BTreeMap<&'static str, String> {
    let mut errors = BTreeMap::new();
    errors.insert("switch", detail);
    errors
}

/// The answer to a switch: back to the page, or the page with the refusal and 422.
fn switched(r: UiResult<Response>, refused: bool) -> UiResult<Response> {
    let mut r = r?;
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn set_job_valid(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<SwitchForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let command = Command::SetJobValid {
        job: JobId(id),
        valid: f.to == 1,
    };
    match saved(lang, s.execute(&caller, None, command).await)? {
        None => Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
        Some(detail) => {
            let p = job_view(&s, &caller, lang.tr, JobId(id), switch_errors(detail)).await?;
            switched(page(lang, &p), true)
        }
    }
}

async fn set_user_active(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<SwitchForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let command = Command::SetUserActive {
        user: UserId(id),
        active: f.to == 1,
    };
    match saved(lang, s.execute(&caller, None, command).await)? {
        None => Ok(Redirect::to(&format!("/ui/users/{id}")).into_response()),
        Some(detail) => {
            let p = user_view(&s, &caller, lang.tr, UserId(id), switch_errors(detail), None).await?;
            switched(page(lang, &p), true)
        }
    }
}

async fn set_office_valid(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<SwitchForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let command = Command::SetOfficeValid {
        office: OfficeId(id),
        valid: f.to == 1,
    };
    match saved(lang, s.execute(&caller, None, command).await)? {
        None => Ok(Redirect::to(&format!("/ui/offices/{id}")).into_response()),
        Some(detail) => {
            let p = office_view(&s, &caller, lang.tr, OfficeId(id), switch_errors(detail)).await?;
            switched(page(lang, &p), true)
        }
    }
}

/// The new-person form of a job page: the account is made holding the job.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    gender: String,
}

async fn create_user(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<NewUserForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let username = Username::parse("username", f.username.trim())
        .map_err(|e| errors.insert("new_username", e.to_string()))
        .ok();
    let first_name = Text::parse("first_name", &f.first_name)
        .map_err(|e| errors.insert("new_first_name", e.to_string()))
        .ok();
    let last_name = Text::parse("last_name", &f.last_name)
        .map_err(|e| errors.insert("new_last_name", e.to_string()))
        .ok();
    let email = Email::parse("email", &f.email)
        .map_err(|e| errors.insert("new_email", e.to_string()))
        .ok();
    let phone = match f.phone.trim() {
        "" => Some(None),
        p => Phone::parse("phone", p)
            .map_err(|e| errors.insert("new_phone", e.to_string()))
            .ok()
            .map(Some),
    };
    let gender = gender_of(&f.gender).unwrap_or(Gender::Unspecified);
    if let (Some(username), Some(first_name), Some(last_name), Some(email), Some(phone)) =
        (username, first_name, last_name, email, phone)
    {
        let command = Command::CreateUser {
            username,
            kind: AccountKind::User,
            title: None,
            first_name,
            last_name,
            gender,
            email,
            phone,
            jobs: vec![job],
        };
        match made(lang, s.execute(&caller, None, command).await)? {
            Ok(Some(Created::User(user))) => {
                return Ok(Redirect::to(&format!("/ui/users/{}", user.0)).into_response());
            }
            Ok(_) => return Ok(Redirect::to(&format!("/ui/jobs/{id}")).into_response()),
            Err(detail) => {
                errors.insert("new_username", detail);
            }
        }
    }
    let p = job_view(&s, &caller, lang.tr, job, errors).await?;
    refused_page(lang, &p)
}

/// A role as a checkbox row.
pub struct RoleRow {
    id: u32,
    code: String,
    description: String,
    held: bool,
    contains: Vec<String>,
}

/// An application and its roles (user roles are grouped under "user roles").
pub struct AppRoles {
    name: String,
    roles: Vec<RoleRow>,
}

/// A time-limited grant row.
pub struct GrantRow {
    id: u32,
    role: String,
    from: String,
    to: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    c: Chrome,
    job: Job,
    office: (u32, String),
    /// Id, name, and whether the caller may remove them from the job (never themselves: a
    /// user administrator does not administer their own account).
    occupants: Vec<(u32, String, bool)>,
    panel: RolePanel,
    /// This page's address, for forms that return here.
    back: String,
    may_edit: bool,
    /// The caller administers the job's office: may add a person to the job.
    may_add_user: bool,
    errors: BTreeMap<&'static str, String>,
    last: Option<LastChangeView>,
    history: Vec<HistoryRow>,
}

fn date(t: Option<Timestamp>) -> String {
    t.map(|t| t.to_string().chars().take(10).collect()).unwrap_or_default()
}

/// The roles panel of a grantee (a job or a user): every role the caller may see, grouped by
/// application, with a box that is ticked when the grantee holds it (now or in a waiting
/// window), and the grantee's time-limited grants.
pub struct RolePanel {
    apps: Vec<AppRoles>,
    grants: Vec<GrantRow>,
    grantable: Vec<(u32, String)>,
    may_edit: bool,
    /// Where the boxes are posted.
    action: String,
}

/// The grants made to a grantee.
fn grants_of(w: &World, grantee: Grantee) -> &[GrantId] {
    match grantee {
        Grantee::Job(j) => w.grants_of_job(j),
        Grantee::User(u) => w.grants_of_user(u),
        Grantee::Office(o) => w.grants_of_office(o),
        Grantee::Everyone => w.grants_of_everyone(),
    }
}

/// The page of a grantee.
fn page_of(grantee: Grantee) -> String {
    match grantee {
        Grantee::Job(j) => format!("/ui/jobs/{}", j.0),
        Grantee::User(u) => format!("/ui/users/{}", u.0),
        Grantee::Office(o) => format!("/ui/offices/{}", o.0),
        Grantee::Everyone => "/ui/roles".to_owned(),
    }
}

fn role_panel(w: &World, caller: &Caller, lang: Tr, grantee: Grantee, now: Timestamp) -> RolePanel {
    let grant_ids = grants_of(w, grantee);
    let grants_here: Vec<&Grant> = grant_ids.iter().filter_map(|g| w.grant(*g).ok()).collect();
    let held = |r: RoleId| {
        grants_here
            .iter()
            .any(|g| g.role == r && g.window.status(now) != WindowStatus::Expired)
    };
    let code_of = |r: RoleId| w.role(r).map(|r| r.code.to_string()).unwrap_or_default();
    // Users see application and user roles; system roles are the system administrator's.
    let full = matches!(w.authority(&caller.actor(None), now), Ok(Authority::Full));
    let mut groups: BTreeMap<String, Vec<RoleRow>> = BTreeMap::new();
    let mut grantable = Vec::new();
    for r in w.roles() {
        if r.kind == RoleKind::System && !full {
            continue;
        }
        let group = match (r.kind, r.app) {
            (RoleKind::Application, Some(a)) => w.application(a).map(|a| a.code.to_string()).unwrap_or_default(),
            (RoleKind::User, _) => lang.s("user_roles").to_owned(),
            _ => lang.s("system_roles").to_owned(),
        };
        let contains: Vec<String> = w
            .role_closure(r.id)
            .iter()
            .filter(|m| **m != r.id)
            .map(|m| code_of(*m))
            .collect();
        groups.entry(group).or_default().push(RoleRow {
            id: r.id.0,
            code: r.code.to_string(),
            description: r.description.to_string(),
            held: held(r.id),
            contains,
        });
        grantable.push((r.id.0, r.code.to_string()));
    }
    let grants = grants_here
        .iter()
        .map(|g| GrantRow {
            id: g.id.0,
            role: code_of(g.role),
            from: date(g.window.from),
            to: date(g.window.to),
            status: match g.window.status(now) {
                WindowStatus::Waiting => "WAITING",
                WindowStatus::Active => "ACTIVE",
                WindowStatus::Expired => "EXPIRED",
            },
        })
        .collect();
    // The engine refuses changes to one's own rights; the form is not offered for them either.
    let may_edit = caller.require(Scope::Write).is_ok() && w.require_grantee(&caller.actor(None), grantee, now).is_ok();
    let action = format!("{}/roles", page_of(grantee));
    RolePanel {
        apps: groups
            .into_iter()
            .map(|(name, roles)| AppRoles { name, roles })
            .collect(),
        grants,
        grantable,
        may_edit,
        action,
    }
}

async fn job_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: JobId,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<JobPage> {
    let (last, history) = history_of(s, caller, "ADAM_ENTITY_JOB", id.0).await.ui(lang)?;
    let now = s.now();
    let w = s.world();
    let job = w.job(id).ui(lang)?.clone();
    let may_add_user =
        caller.require(Scope::Write).is_ok() && w.require_office(&caller.actor(None), Some(job.office), now).is_ok();
    let office = w
        .office(job.office)
        .map(|o| (o.id.0, format!("{} – {}", o.code, o.name)))
        .ui(lang)?;
    let panel = role_panel(&w, caller, lang, Grantee::Job(id), now);
    let may_edit = panel.may_edit;
    let occupants = w
        .job_occupants(id)
        .iter()
        .filter_map(|u| w.user(*u).ok())
        .map(|u| {
            let may_remove =
                caller.require(Scope::Write).is_ok() && w.require_user(&caller.actor(None), u.id, now).is_ok();
            (u.id.0, format!("{} ({})", u.display_name(), u.username), may_remove)
        })
        .collect();
    Ok(JobPage {
        c: chrome(s, caller, lang),
        job,
        office,
        occupants,
        panel,
        back: format!("/ui/jobs/{}", id.0),
        may_edit,
        may_add_user,
        errors,
        last,
        history,
    })
}

async fn job_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = job_view(&s, &caller, lang.tr, JobId(id), BTreeMap::new()).await?;
    page(lang, &p)
}

/// The grant form of a job.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    role: u32,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    reference: String,
}

fn optional_date(text: &str, field: &'static str, errors: &mut BTreeMap<&'static str, String>) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match Timestamp::parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.insert(field, e.to_string());
            None
        }
    }
}

/// Sets the job's roles from the checkboxes of the permissions panel: each role whose box
/// differs from what the page showed (`shown`) is granted without a time limit, or has its
/// current grants to this job revoked — all in one batch, so the change is whole or nothing.
/// A role someone else changed meanwhile, and not touched here, stays as it is. With htmx a
/// box sends the form as soon as it is toggled; without script, the save button does.
async fn set_job_roles(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::Job(JobId(id)), headers, form).await
}

async fn set_user_roles(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    headers: HeaderMap,
    form: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    set_roles(s, lang, Grantee::User(UserId(id)), headers, form).await
}

async fn set_roles(
    s: AppState,
    lang: Lang,
    grantee: Grantee,
    headers: HeaderMap,
    UiForm { caller, form, .. }: UiForm<Vec<(String, String)>>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let ids = |key: &str| -> std::collections::BTreeSet<u32> {
        form.iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let (wanted, shown) = (ids("role"), ids("shown"));
    let commands: Vec<Command> = {
        let w = s.world();
        let now = s.now();
        let mut commands: Vec<Command> = wanted
            .difference(&shown)
            .map(|r| Command::Grant {
                role: RoleId(*r),
                grantee,
                window: Window::ALWAYS,
                scope: None,
                reference: None,
            })
            .collect();
        let held = grants_of(&w, grantee);
        for r in shown.difference(&wanted) {
            commands.extend(
                held.iter()
                    .filter_map(|g| w.grant(*g).ok())
                    .filter(|g| g.role == RoleId(*r) && g.window.status(now) != WindowStatus::Expired)
                    .map(|g| Command::Revoke { grant: g.id }),
            );
        }
        commands
    };
    let outcome = match commands.len() {
        0 => None,
        1 => {
            let command = commands
                .into_iter()
                .next()
                .ok_or_else(|| UiError::new(lang.tr, WebError::internal(&"no command")))?;
            saved(lang, s.execute(&caller, None, command).await)?
        }
        _ => saved(lang, s.execute(&caller, None, Command::Batch { commands }).await)?,
    };
    let back = page_of(grantee);
    let Some(detail) = outcome else {
        return Ok(Redirect::to(&format!("{back}#permissions")).into_response());
    };
    let mut errors = BTreeMap::new();
    errors.insert("roles", detail);
    let mut r = match grantee {
        Grantee::User(u) => page(lang, &user_view(&s, &caller, lang.tr, u, errors, None).await?)?,
        Grantee::Job(j) => page(lang, &job_view(&s, &caller, lang.tr, j, errors).await?)?,
        _ => {
            return Err(UiError::new(
                lang.tr,
                WebError::not_found("no roles page for this grantee"),
            ));
        }
    };
    // htmx swaps only successful answers; the message must show there too.
    if !is_htmx(&headers) {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn grant_to_job(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<GrantForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let from = optional_date(&f.valid_from, "valid_from", &mut errors);
    // A date entered as "valid to" counts for that whole day (windows are half-open).
    let to = optional_date(&f.valid_to, "valid_to", &mut errors).map(|t| {
        if f.valid_to.trim().len() == 10 {
            Timestamp(t.0 + 86_400)
        } else {
            t
        }
    });
    let reference = match f.reference.trim() {
        "" => None,
        r => Text::parse("reference", r)
            .map_err(|e| errors.insert("reference", e.to_string()))
            .ok(),
    };
    let window = match Window::new(from, to) {
        Ok(w) => Some(w),
        Err(e) => {
            errors.insert("valid_to", e.to_string());
            None
        }
    };
    if errors.is_empty()
        && let Some(window) = window
    {
        let command = Command::Grant {
            role: RoleId(f.role),
            grantee: Grantee::Job(job),
            window,
            scope: None,
            reference,
        };
        if let Some(detail) = saved(lang, s.execute(&caller, None, command).await)? {
            errors.insert("role", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/jobs/{id}#restrictions")).into_response());
        }
    }
    let p = job_view(&s, &caller, lang.tr, job, errors).await?;
    refused_page(lang, &p)
}

/// A GET of a job form's address (the language switch of the page a POST answered): the job.
async fn back_to_job(Path(id): Path<u32>, axum::extract::RawQuery(q): axum::extract::RawQuery) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/jobs/{id}?{q}")),
        None => Redirect::to(&format!("/ui/jobs/{id}")),
    }
}

/// A GET of a user form's address: the user.
async fn back_to_user(Path(id): Path<u32>, axum::extract::RawQuery(q): axum::extract::RawQuery) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/users/{id}?{q}")),
        None => Redirect::to(&format!("/ui/users/{id}")),
    }
}

/// Where to return after a revocation.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    /// The page to return to (only a page of the UI).
    #[serde(default)]
    back: String,
}

async fn revoke_grant(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<RevokeForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    s.execute(&caller, None, Command::Revoke { grant: GrantId(id) })
        .await
        .ui(lang.tr)?;
    let back = if f.back.starts_with("/ui/") && !f.back.starts_with("//") {
        f.back
    } else {
        "/ui".to_owned()
    };
    Ok(Redirect::to(&format!("{back}#restrictions")).into_response())
}

// ---- users --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    c: Chrome,
    may_edit: bool,
    errors: BTreeMap<&'static str, String>,
    user: User,
    display: String,
    gender: String,
    jobs: Vec<(u32, String)>,
    /// Every role the person holds now, however (directly, through a job, an office, everyone).
    roles: Vec<String>,
    /// The roles granted to the person directly.
    panel: RolePanel,
    /// Whether the caller may read the person's access-rights register.
    may_read_register: bool,
    /// What the last action on the account did.
    notice: Option<&'static str>,
    /// The page is the caller's own (no temporary password or unlock for oneself).
    own: bool,
    /// Whether the caller may set the person's temporary password (the system administrator
    /// may not, once the person holds a job or a role).
    may_set_credentials: bool,
    /// The person has a confirmed second factor (which their administrator may remove).
    has_factor: bool,
    /// The reason typed into the factor-removal form (kept after a refusal).
    factor_reason: String,
    /// This page's address, for forms that return here.
    back: String,
    last: Option<LastChangeView>,
    history: Vec<HistoryRow>,
}

async fn user_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    uid: UserId,
    errors: BTreeMap<&'static str, String>,
    edited: Option<User>,
) -> UiResult<UserPage> {
    let (last, history) = history_of(s, caller, "ADAM_ENTITY_USER", uid.0).await.ui(lang)?;
    // Whether the person has a second factor to remove (the form is offered only then).
    let store = s.store.clone();
    let has_factor = crate::state::blocking(move || store.totp(uid))
        .await
        .ui(lang)?
        .ui(lang)?
        .is_some_and(|t| t.confirmed);
    let w = s.world();
    let stored = w.user(uid).ui(lang)?.clone();
    let jobs = stored
        .jobs
        .iter()
        .filter_map(|j| w.job(*j).ok())
        .map(|j| (j.id.0, format!("{} – {}", j.code, j.name)))
        .collect();
    let mut roles: Vec<String> = w
        .effective_roles(uid, s.now())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(r, _)| w.role(r).ok())
        .filter(|r| r.kind != RoleKind::System)
        .map(|r| r.code.to_string())
        .collect();
    roles.sort();
    roles.dedup();
    let may_edit = caller.require(Scope::Write).is_ok() && w.require_user(&caller.actor(None), uid, s.now()).is_ok();
    let panel = role_panel(&w, caller, lang, Grantee::User(uid), s.now());
    // After a refused save the form shows what was typed, not what is stored.
    let user = edited.unwrap_or(stored);
    Ok(UserPage {
        c: chrome(s, caller, lang),
        may_edit,
        errors,
        display: user.display_name(),
        gender: match user.gender {
            Gender::Female => lang.s("female"),
            Gender::Male => lang.s("male"),
            Gender::Other => lang.s("other_gender"),
            Gender::Unspecified => "—",
        }
        .to_owned(),
        user,
        jobs,
        roles,
        panel,
        may_read_register: crate::api::register::may_read_register(s, caller, uid),
        notice: None,
        own: caller.user == uid,
        may_set_credentials: may_edit && w.require_credentials(&caller.actor(None), uid, s.now()).is_ok(),
        factor_reason: String::new(),
        has_factor,
        back: format!("/ui/users/{}", uid.0),
        last,
        history,
    })
}

async fn user_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = user_view(&s, &caller, lang.tr, UserId(id), BTreeMap::new(), None).await?;
    page(lang, &p)
}

/// A temporary password typed twice.
#[derive(Debug, Deserialize)]
pub struct TemporaryForm {
    password: String,
    confirm: String,
}

async fn set_temporary_password(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::api::authn::Client,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<TemporaryForm>,
) -> UiResult<Response> {
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    let mut notice = None;
    if f.password != f.confirm {
        errors.insert("temporary_confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        match crate::api::authn::set_temporary(&s, &caller, &client, uid, f.password).await {
            Ok(()) => notice = Some("temporary_set"),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) => {
                errors.insert("temporary", e.detail);
            }
        }
    }
    user_page_after(&s, &caller, lang, uid, errors, notice, |_| {}).await
}

/// The user page after an account action: its notice, or its errors at their fields with
/// status 422; `keep` puts back what the person typed after a refusal.
async fn user_page_after(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    uid: UserId,
    errors: BTreeMap<&'static str, String>,
    notice: Option<&'static str>,
    keep: impl FnOnce(&mut UserPage),
) -> UiResult<Response> {
    let failed = !errors.is_empty();
    let mut p = user_view(s, caller, lang.tr, uid, errors, None).await?;
    p.notice = notice;
    if failed {
        keep(&mut p);
    }
    let mut r = page(lang, &p)?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn unlock_user(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::api::authn::Client,
    Path(id): Path<u32>,
    UiForm { caller, .. }: UiForm<account::Nothing>,
) -> UiResult<Response> {
    let uid = UserId(id);
    crate::api::authn::unlock_user(&s, &caller, &client, uid)
        .await
        .ui(lang.tr)?;
    let mut p = user_view(&s, &caller, lang.tr, uid, BTreeMap::new(), None).await?;
    p.notice = Some("unlocked");
    page(lang, &p)
}

/// The reason a person's second factor is removed.
#[derive(Debug, Deserialize)]
pub struct FactorForm {
    #[serde(default)]
    reason: String,
}

/// A user administrator removes the second factor of someone who lost it (the API's function).
async fn reset_factor(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::api::authn::Client,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<FactorForm>,
) -> UiResult<Response> {
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    let mut notice = None;
    match Text::parse("reason", f.reason.trim()) {
        Err(_) if f.reason.trim().is_empty() => {
            errors.insert("factor_reason", lang.tr.s("required").to_owned());
        }
        Err(e) => {
            errors.insert("factor_reason", e.to_string());
        }
        Ok(reason) => match crate::api::authn::reset_factor_of(&s, &caller, &client, uid, &reason).await {
            Ok(()) => notice = Some("factor_was_reset"),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) if e.code == "no-factor" => {
                errors.insert("factor_reason", lang.tr.s("no_factor").to_owned());
            }
            Err(e) => {
                errors.insert("factor_reason", e.detail);
            }
        },
    }
    user_page_after(&s, &caller, lang, uid, errors, notice, |p| p.factor_reason = f.reason).await
}

/// The user form.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    rev: u64,
    #[serde(default)]
    title: String,
    first_name: String,
    last_name: String,
    email: String,
    #[serde(default)]
    phone: String,
    /// `female`, `male`, `other` or `unspecified`; absent keeps what is stored.
    #[serde(default)]
    gender: String,
}

/// A gender from a form's value.
fn gender_of(value: &str) -> Option<Gender> {
    match value {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "other" => Some(Gender::Other),
        "unspecified" => Some(Gender::Unspecified),
        _ => None,
    }
}

async fn update_user(
    State(s): State<AppState>,
    lang: Lang,
    Path(id): Path<u32>,
    UiForm { caller, form: f, .. }: UiForm<UserForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    let title = match f.title.trim() {
        "" => None,
        t => Text::parse("title", t)
            .map_err(|e| errors.insert("title", e.to_string()))
            .ok(),
    };
    let first_name = Text::parse("first_name", &f.first_name)
        .map_err(|e| errors.insert("first_name", e.to_string()))
        .ok();
    let last_name = Text::parse("last_name", &f.last_name)
        .map_err(|e| errors.insert("last_name", e.to_string()))
        .ok();
    let email = Email::parse("email", &f.email)
        .map_err(|e| errors.insert("email", e.to_string()))
        .ok();
    let phone = match f.phone.trim() {
        "" => None,
        p => Phone::parse("phone", p)
            .map_err(|e| errors.insert("phone", e.to_string()))
            .ok(),
    };
    let stored = s.world().user(uid).ui(lang.tr)?.clone();
    if let (true, Some(first_name), Some(last_name), Some(email)) = (errors.is_empty(), first_name, last_name, email) {
        let command = Command::UpdateUser {
            user: uid,
            title,
            first_name,
            last_name,
            gender: gender_of(&f.gender).unwrap_or(stored.gender),
            email,
            phone,
        };
        // Two administrators editing the same person: the second save is refused, not
        // silently written over the first.
        let seen = Revision(f.rev);
        let guard = move |w: &World| -> crate::error::ApiResult<()> {
            match w.user(uid) {
                Ok(u) if u.rev != seen => Err(WebError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "stale",
                    "someone else changed this person after you opened the page; reload it and make your change again",
                )),
                _ => Ok(()),
            }
        };
        if let Some(detail) = saved(lang, s.execute_guarded(&caller, None, command, guard).await)? {
            errors.insert("form", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/users/{id}")).into_response());
        }
    }
    // Show the form again with what was typed; after a refusal of the whole form (someone
    // else saved first), with what is stored now, so nothing is overwritten unseen.
    let edited = if errors.contains_key("form") {
        None
    } else {
        let mut typed = stored;
        typed.first_name = Text::parse("first_name", &f.first_name).unwrap_or(typed.first_name);
        typed.last_name = Text::parse("last_name", &f.last_name).unwrap_or(typed.last_name);
        Some(typed)
    };
    let p = user_view(&s, &caller, lang.tr, uid, errors, edited).await?;
    refused_page(lang, &p)
}

// ---- roles --------------------------------------------------------------------------------

/// A role in the role tree.
pub struct RoleTreeRow {
    kind: &'static str,
    code: String,
    description: String,
    contains: Vec<String>,
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    c: Chrome,
    roles: Vec<RoleTreeRow>,
}

async fn roles_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    reader(&caller, lang.tr)?;
    let p = {
        let w = s.world();
        let full = matches!(w.authority(&caller.actor(None), s.now()), Ok(Authority::Full));
        let roles = w
            .roles()
            .iter()
            .filter(|r| full || r.kind != RoleKind::System)
            .map(|r| RoleTreeRow {
                kind: match r.kind {
                    RoleKind::Application => "app",
                    RoleKind::User => "user",
                    RoleKind::System => "system",
                },
                code: r.code.to_string(),
                description: r.description.to_string(),
                contains: r
                    .members
                    .iter()
                    .filter_map(|m| w.role(*m).ok())
                    .map(|m| m.code.to_string())
                    .collect(),
            })
            .collect();
        RolesPage {
            c: chrome(&s, &caller, lang.tr),
            roles,
        }
    };
    page(lang, &p)
}

// ---- folders and documents ---------------------------------------------------------------

/// An ACL entry in words.
pub struct EntryRow {
    carrier: String,
    kind: &'static str,
    entity: String,
    value: u8,
    group_value: u8,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    c: Chrome,
    kind: &'static str,
    id: u32,
    title: String,
    state: String,
    classification: String,
    workflow: Vec<(&'static str, String)>,
    my_level: u8,
    entries: Vec<EntryRow>,
    who: String,
    explanation: Option<String>,
    explain_error: Option<String>,
    last: Option<LastChangeView>,
    history: Vec<HistoryRow>,
}

/// Whose level to explain.
#[derive(Debug, Deserialize)]
pub struct WhyQuery {
    who: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

/// A folder's or document's page: who may see it and why. Shown to whoever reaches the
/// object at 13 or more (they may see its attributes), and recorded as a read, allowed or
/// refused, as the API's reads are; asking about someone else follows the API's rule
/// (`decisions::may_ask_about`), and the explanation shows what the API's would.
async fn record_page(s: AppState, caller: Caller, lang: Lang, object: ObjectRef, q: WhyQuery) -> UiResult<Response> {
    use crate::api::decisions::{Question, disclose, may_ask_about};
    use crate::api::records::{Read, may_read_acl, require_read};
    reader(&caller, lang.tr)?;
    let (kind_name, audit_kind, id) = match object {
        ObjectRef::Folder(f) => ("folder", "ADAM_ENTITY_FOLDER", f.0),
        ObjectRef::Document(d) => ("document", "ADAM_ENTITY_DOCUMENT", d.0),
    };
    let now = s.now();
    let my_level = match require_read(&s, &caller, object, Level::View13, Read::Page).await {
        Ok(level) => level,
        // A Z3 or C3 record refused only for want of a second factor: offer the step-up.
        Err(e) if e.code == "mfa-required" => {
            let here = match object {
                ObjectRef::Folder(f) => format!("/ui/folders/{}", f.0),
                ObjectRef::Document(d) => format!("/ui/documents/{}", d.0),
            };
            return account::step_up_page(&s, &caller, lang, &here, None, StatusCode::FORBIDDEN);
        }
        Err(e) => return Err(UiError::new(lang.tr, e)),
    };
    let (last, history) = history_of(&s, &caller, audit_kind, id).await.ui(lang.tr)?;
    let who = q.who.unwrap_or_default();
    // Whose level to explain, and whether the caller may ask (before the world is read).
    let asked = if who.trim().is_empty() {
        None
    } else {
        let subject = s.world().user_by_username(who.trim());
        Some(subject.map_err(|e| e.to_string()).and_then(|u| {
            may_ask_about(&s, &caller, u, Question::Access)
                .map(|()| u)
                .map_err(|_| lang.tr.s("not_allowed_to_ask").to_owned())
        }))
    };
    let explained = match asked {
        Some(Ok(u)) => {
            let decision = s.world().explain(u, object, now, Session::default());
            Some(decision.map(|d| disclose(&s, &caller, d)).map_err(|e| e.to_string()))
        }
        Some(Err(e)) => Some(Err(e)),
        None => None,
    };
    let w = s.world();
    let (title, state, classification, wf, carriers) = match object {
        ObjectRef::Folder(f) => {
            let r = w.folder(f).ui(lang.tr)?;
            let mut carriers = vec![Carrier::Folder(f)];
            carriers.extend(w.class_chain(r.class).into_iter().map(Carrier::Class));
            (
                r.title.to_string(),
                r.workflow.state,
                r.classification,
                r.workflow,
                carriers,
            )
        }
        ObjectRef::Document(d) => {
            let r = w.document(d).ui(lang.tr)?;
            let folder = w.folder(r.folder).ui(lang.tr)?;
            let mut carriers = vec![Carrier::Document(d), Carrier::Folder(r.folder)];
            carriers.extend(w.class_chain(folder.class).into_iter().map(Carrier::Class));
            (
                r.title.to_string(),
                r.workflow.state,
                r.classification,
                r.workflow,
                carriers,
            )
        }
    };
    let job = |j: Option<JobId>| {
        j.and_then(|j| w.job(j).ok())
            .map(|j| j.code.to_string())
            .unwrap_or_default()
    };
    let workflow = vec![
        ("creator", job(Some(wf.creator.job))),
        ("responsible", job(wf.responsible)),
        ("sender", job(wf.sender)),
        ("recipient", job(wf.recipient)),
    ];
    let mut entries = Vec::new();
    for carrier in carriers {
        // The entries of the ACLs the caller may read (a document's folder may not be one).
        if !may_read_acl(&w, &caller, carrier, now) {
            continue;
        }
        for e in w.acl(carrier).unwrap_or_default() {
            entries.push(EntryRow {
                carrier: crate::explain::carrier_name(&w, carrier),
                kind: match e.kind {
                    AclKind::Allowed => "allowed",
                    AclKind::MaxAllowed => "maxAllowed",
                },
                entity: crate::explain::entity_name(&w, e.entity),
                value: e.value.value(),
                group_value: e.group_value.value(),
                from: date(e.window.from),
                to: date(e.window.to),
            });
        }
    }
    let (mut explanation, mut explain_error) = (None, None);
    match explained {
        Some(Ok(x)) => explanation = Some(crate::explain::render_disclosed(&w, &x)),
        Some(Err(e)) => explain_error = Some(e),
        None => {}
    }
    let p = RecordPage {
        c: chrome(&s, &caller, lang.tr),
        kind: kind_name,
        id,
        title,
        state: serde_json::to_value(state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        classification: format!(
            "Z{} C{} R{}",
            classification.z.value(),
            classification.c.value(),
            classification.r.value()
        ),
        workflow,
        my_level: my_level.value(),
        entries,
        who,
        explanation,
        explain_error,
        last,
        history,
    };
    drop(w);
    page(lang, &p)
}

async fn folder_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Folder(FolderId(id)), q).await
}

async fn document_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Document(DocumentId(id)), q).await
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    title: &'static str,
    detail: String,
}

#[cfg(test)]
mod local_time_tests {
    use super::*;

    #[test]
    fn times_are_shown_in_slovenian_time_with_summer_time() {
        let at = |s: &str| local(Timestamp::parse(s).unwrap());
        assert_eq!(at("2026-11-30T14:32:50Z"), "2026-11-30 15:32:50");
        assert_eq!(at("2026-07-01T10:00:00Z"), "2026-07-01 12:00:00");
        // Summer time starts on the last Sunday of March (29 March 2026) at 01:00 UTC...
        assert_eq!(at("2026-03-29T00:59:59Z"), "2026-03-29 01:59:59");
        assert_eq!(at("2026-03-29T01:00:00Z"), "2026-03-29 03:00:00");
        // ...and ends on the last Sunday of October (25 October 2026) at 01:00 UTC.
        assert_eq!(at("2026-10-25T00:59:59Z"), "2026-10-25 02:59:59");
        assert_eq!(at("2026-10-25T01:00:00Z"), "2026-10-25 02:00:00");
        assert_eq!(at("2026-12-31T23:30:00Z"), "2027-01-01 00:30:00");
    }
}
