//! The page chrome shared by every page: the language, the signed-in caller and same-site
//! forms as extractors, the error page, and the helpers that answer a page or a form's outcome.

use super::i18n::Tr;
use crate::authn::{CSRF_HEADER, authenticate};
use crate::authn::{Caller, Scope};
use crate::error::WebError;
use crate::state::AppState;
use adam_core::*;
use adam_store::AuthSession;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// The language of a request: `?lang=` first (and remembered), then the `adam_lang` cookie,
/// then Slovenian.
#[derive(Clone, Copy, Debug)]
pub struct Lang {
    pub(super) tr: Tr,
    /// Whether `?lang=` chose it (the answer sets the cookie).
    pub(super) chosen: bool,
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

/// What a page's path holds (ids, a process key, a solution's code, a digest), of type `T`:
/// a path that does not fit — `/ui/jobs/abc` — is answered with the "not found" page in the
/// person's language, like every other refusal, not with the framework's plain text.
pub struct UiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for UiPath<T> {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(UiPath(value)),
            Err(_) => Err(UiError::new(
                lang.tr,
                WebError::not_found("no page has this address: a part of it is not a valid id or name")
                    .sl("nobena stran nima tega naslova: del naslova ni veljavna oznaka ali ime"),
            )),
        }
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
            )
            .sl("obrazec je bil poslan z drugega spletnega mesta; odprite ADAM in ga pošljite od tam"),
        ));
    }
    Ok(())
}

/// The largest form the UI accepts.
pub(super) const MAX_FORM: usize = 64 * 1024;

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
    /// Whether the person is the head of the body and no reviewer (the menu shows the
    /// retention holds she confirms, Art. 57(6)).
    pub head: bool,
    /// A sign-in still finishing (temporary password, enrolment): the menu shows only the way
    /// out, since every other page leads back to the step.
    pub restricted: bool,
    /// Whether the person administers people (the menu shows the overview).
    pub overview: bool,
    /// Whether the person reviews rights: a keeper of the registers, a custodian, or a user
    /// administrator (the menu shows access reviews).
    pub access_reviews: bool,
    /// Whether the person reads the inventory (the menu shows it and the Decree's roles).
    pub inventory: bool,
    /// The banner of a server that is not the primary: its words' key and a standby's lag.
    pub site: Option<(&'static str, Option<u64>)>,
}

/// A UI failure, answered as an HTML page with the status of the underlying error; a person
/// not signed in is sent to the sign-in page (and back afterwards), one in the middle of
/// signing in to the step still missing.
pub struct UiError {
    pub(super) lang: Tr,
    pub(super) error: Box<WebError>,
    /// The page asked for, to return to after signing in (only for a GET).
    pub(super) next: Option<String>,
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
                Some(next) => format!("/ui/login?next={}", url_escape(next)),
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
                head: false,
                restricted: false,
                overview: false,
                access_reviews: false,
                inventory: false,
                site: None,
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

pub(super) type UiResult<T> = Result<T, UiError>;

pub(super) trait Localise<T> {
    fn ui(self, lang: Tr) -> UiResult<T>;
}

impl<T, E: Into<WebError>> Localise<T> for Result<T, E> {
    fn ui(self, lang: Tr) -> UiResult<T> {
        self.map_err(|e| UiError::new(lang, e.into()))
    }
}

/// Renders a template into a response, setting the language cookie when it was chosen.
pub(super) fn page(lang: Lang, t: &impl Template) -> UiResult<Response> {
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
pub(super) fn refused_page(lang: Lang, t: &impl Template) -> UiResult<Response> {
    let mut r = page(lang, t)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// Headers every page carries (OWASP ASVS V14): scripts and styles only from ADAM itself (htmx
/// is embedded; its indicator style is in adam.css and htmx is told not to inject it), no
/// inline style, no framing, no content sniffing, no referrer leaving the site.
pub(super) fn secure_headers(h: &mut HeaderMap) {
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

pub(super) fn chrome(s: &AppState, caller: &Caller, t: Tr) -> Chrome {
    let user_name = s
        .world()
        .user(caller.user)
        .map(|u| format!("{} ({})", u.display_name(), u.username))
        .unwrap_or_default();
    let reviewer = crate::service::audit::may_review(s, caller);
    Chrome {
        t,
        user_name,
        csrf: caller.csrf.clone(),
        reviewer,
        head: !reviewer && crate::service::audit::confirms_holds(s, caller),
        restricted: false,
        overview: crate::service::overview::may_see(s, caller),
        access_reviews: crate::service::inventory::reader(&s.world(), caller, s.now()).is_some(),
        inventory: crate::service::inventory::reader(&s.world(), caller, s.now()).is_some(),
        site: site_banner(s),
    }
}

/// The banner of a server that is not the primary.
pub(super) fn site_banner(s: &AppState) -> Option<(&'static str, Option<u64>)> {
    use crate::replication::Mode;
    match s.replica.mode() {
        Mode::Primary => None,
        Mode::Standby(_) => Some(("site_standby", Some(s.replica.lag().revisions))),
        Mode::Promoting => Some(("site_promoting", None)),
        Mode::Fenced(_) => Some(("site_fenced", None)),
    }
}

/// Who a caller is in the UI: any account that may read.
pub(super) fn reader(caller: &Caller, lang: Tr) -> UiResult<()> {
    caller.require(Scope::Read).ui(lang)
}

/// The outcome of a form's change: `None` when it was saved; a refusal of the person (not
/// allowed, not signed in) as an error page; any other refusal as a message for the form.
pub(super) fn saved(lang: Lang, outcome: crate::error::ApiResult<Plan>) -> UiResult<Option<String>> {
    match outcome {
        Ok(_) => Ok(None),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        // The detail is already in the page's language (the engine's `error_words`).
        Err(e) => Ok(Some(e.detail)),
    }
}

/// A time as people in Slovenia read it, with its zone (`2026-11-30 15:32:50 CET`, in summer
/// `CEST`): Ljubljana time by the EU rule ([`adam_core::calendar`]).
pub(crate) fn local(t: Timestamp) -> String {
    LocalTime::of(t).to_string()
}

pub(super) fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

/// A switch: valid or not, active or not.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    /// `1` or `0`.
    pub(super) to: u8,
    /// `1` once the person confirmed (switching off asks first).
    #[serde(default)]
    pub(super) confirm: String,
}

/// A refusal of a switch, as the message its page shows.
pub(super) fn switch_errors(detail: String) -> BTreeMap<&'static str, String> {
    let mut errors = BTreeMap::new();
    errors.insert("switch", detail);
    errors
}

/// A window's start as typed (a date), or its local time with the zone when set to an instant.
pub(super) fn shown_from(t: Option<Timestamp>) -> String {
    t.map(LocalDate::shown_from).unwrap_or_default()
}

/// A window's end as typed (the last day it counts for, inclusive), or its local time.
pub(super) fn shown_to(t: Option<Timestamp>) -> String {
    t.map(LocalDate::shown_to).unwrap_or_default()
}

/// A date typed into a form's field: a Slovenian calendar date, or a message at the field in
/// the page's language that quotes what was typed. Empty is `None`.
pub(super) fn typed_date(
    text: &str,
    field: &'static str,
    errors: &mut BTreeMap<&'static str, String>,
    lang: Tr,
) -> Option<LocalDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match LocalDate::parse(field, text) {
        Ok(d) => Some(d),
        Err(_) => {
            let shown: String = text.chars().take(40).collect();
            errors.insert(field, lang.s("date_unreadable").replace("{}", &shown));
            None
        }
    }
}

/// The longest text a form field takes (the engine's [`Text`] limit); longer input gets a
/// message at the field rather than a bare refusal.
pub(super) fn too_long(
    text: &str,
    max: usize,
    field: &'static str,
    errors: &mut BTreeMap<&'static str, String>,
    lang: Tr,
) -> bool {
    let n = text.chars().count();
    if n > max {
        errors.insert(
            field,
            lang.s("too_long")
                .replace("{max}", &max.to_string())
                .replace("{n}", &n.to_string()),
        );
        true
    } else {
        false
    }
}

pub(super) fn optional_date(
    text: &str,
    field: &'static str,
    errors: &mut BTreeMap<&'static str, String>,
) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match Timestamp::parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.insert(field, crate::error::said(&e));
            None
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(super) struct ErrorPage {
    pub(super) c: Chrome,
    pub(super) title: &'static str,
    pub(super) detail: String,
}

#[cfg(test)]
mod local_time_tests {
    use super::*;

    #[test]
    fn times_are_shown_in_slovenian_time_with_their_zone() {
        let at = |s: &str| local(Timestamp::parse(s).unwrap());
        assert_eq!(at("2026-11-30T14:32:50Z"), "2026-11-30 15:32:50 CET");
        assert_eq!(at("2026-07-01T10:00:00Z"), "2026-07-01 12:00:00 CEST");
        // Summer time starts on the last Sunday of March (29 March 2026) at 01:00 UTC...
        assert_eq!(at("2026-03-29T00:59:59Z"), "2026-03-29 01:59:59 CET");
        assert_eq!(at("2026-03-29T01:00:00Z"), "2026-03-29 03:00:00 CEST");
        // ...and ends on the last Sunday of October (25 October 2026) at 01:00 UTC.
        assert_eq!(at("2026-10-25T00:59:59Z"), "2026-10-25 02:59:59 CEST");
        assert_eq!(at("2026-10-25T01:00:00Z"), "2026-10-25 02:00:00 CET");
        assert_eq!(at("2026-12-31T23:30:00Z"), "2027-01-01 00:30:00 CET");
    }

    #[test]
    fn a_window_typed_as_dates_is_shown_as_typed() {
        let w = LocalDate::window(
            Some(LocalDate::parse("f", "2027-01-01").unwrap()),
            Some(LocalDate::parse("t", "2027-01-31").unwrap()),
        )
        .unwrap();
        assert_eq!(shown_from(w.from), "2027-01-01");
        assert_eq!(shown_to(w.to), "2027-01-31");
    }
}

/// A GET of a form's address (the language switch of a page answering a POST links there):
/// the page the form belongs to, with the query kept.
pub(super) fn to(
    target: &'static str,
) -> impl Fn(axum::extract::RawQuery) -> std::future::Ready<Redirect> + Clone + Send + Sync + 'static {
    move |axum::extract::RawQuery(q)| {
        std::future::ready(match q {
            Some(q) => Redirect::to(&format!("{target}?{q}")),
            None => Redirect::to(target),
        })
    }
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct Nothing {}

/// Percent-encodes a query value (a reset code is hex and dashes, but a hand-edited link may
/// hold anything).
pub(super) fn url_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
