//! The office tree (the UI's home): offices and jobs, expanded lazily, and the search.

use super::chrome::*;
use super::i18n::Tr;
use crate::authn::Caller;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

/// An office in the tree.
pub struct TreeOffice {
    pub(super) id: u32,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) valid: bool,
}

/// A job in the tree.
pub struct TreeJob {
    pub(super) id: u32,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) signing_code: Option<String>,
    pub(super) valid: bool,
    /// Id, name, and whether the account is active (an inactive one is marked).
    pub(super) occupants: Vec<(u32, String, bool)>,
}

/// A search result.
pub struct Hit {
    pub(super) kind: &'static str,
    pub(super) href: String,
    pub(super) label: String,
    pub(super) detail: String,
    /// The key of the mark of an inactive account or an invalid job or office.
    pub(super) mark: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "tree.html")]
pub(super) struct TreePage {
    pub(super) c: Chrome,
    pub(super) offices: Vec<TreeOffice>,
    pub(super) query: String,
    pub(super) hits: Vec<Hit>,
    /// Whether the caller may create an office at the top (the first office, too).
    pub(super) may_create: bool,
    /// What the new-office form held, and its messages.
    pub(super) typed: NewOfficeTyped,
    pub(super) errors: BTreeMap<&'static str, String>,
}

/// What a new-office form held, shown back after a refusal.
#[derive(Debug, Default, Clone)]
pub struct NewOfficeTyped {
    pub(super) code: String,
    pub(super) name: String,
}

#[derive(Template)]
#[template(path = "tree_children.html")]
pub(super) struct TreeChildren {
    pub(super) c: Chrome,
    pub(super) offices: Vec<TreeOffice>,
    pub(super) jobs: Vec<TreeJob>,
}

pub(super) fn tree_office(w: &World, id: OfficeId) -> Option<TreeOffice> {
    let o = w.office(id).ok()?;
    Some(TreeOffice {
        id: o.id.0,
        code: o.code.to_string(),
        name: o.name.to_string(),
        valid: o.valid,
    })
}

pub(super) fn tree_job(w: &World, id: JobId) -> Option<TreeJob> {
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
            .map(|u| (u.id.0, format!("{} ({})", u.display_name(), u.username), u.active))
            .collect(),
    })
}

/// The search box's question.
#[derive(Debug, Deserialize)]
pub struct TreeQuery {
    pub(super) q: Option<String>,
    #[allow(dead_code)]
    pub(super) lang: Option<String>,
}

/// Finds offices, jobs and users by name, code, username or signing code, and the case files
/// and documents whose title matches among those the caller reaches at 13 or more (whoever
/// may open their page: the page itself records the read).
pub(super) fn search(w: &World, q: &str, caller: &Caller, now: Timestamp) -> Vec<Hit> {
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
                mark: (!o.valid).then_some("invalid_office"),
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
                mark: (!j.valid).then_some("invalid_job"),
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
                mark: (!u.active).then_some("inactive_user"),
            });
        }
    }
    let session = Session { mfa: caller.mfa };
    let reaches = |object: ObjectRef| {
        w.check(caller.user, object, now, session)
            .is_ok_and(|l| l >= Level::View13)
    };
    for f in w.folders() {
        if has(f.title.as_str()) && reaches(ObjectRef::Folder(f.id)) {
            hits.push(Hit {
                kind: "folder",
                href: format!("/ui/folders/{}", f.id.0),
                label: f.title.to_string(),
                detail: String::new(),
                mark: None,
            });
        }
    }
    for d in w.documents() {
        if has(d.title.as_str()) && reaches(ObjectRef::Document(d.id)) {
            hits.push(Hit {
                kind: "document",
                href: format!("/ui/documents/{}", d.id.0),
                label: d.title.to_string(),
                detail: String::new(),
                mark: None,
            });
        }
    }
    hits.truncate(200);
    hits
}

pub(super) async fn tree(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(q): Query<TreeQuery>,
) -> UiResult<Response> {
    let p = tree_view(
        &s,
        &caller,
        lang.tr,
        q.q.unwrap_or_default(),
        NewOfficeTyped::default(),
        BTreeMap::new(),
    );
    page(lang, &p)
}

/// The tree page, with the search's hits and the new-office form (as typed, with its messages).
pub(super) fn tree_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    query: String,
    typed: NewOfficeTyped,
    errors: BTreeMap<&'static str, String>,
) -> TreePage {
    let may_create = crate::service::setup::may_create_top_office(s, caller);
    let c = chrome(s, caller, lang);
    let w = s.world();
    TreePage {
        c,
        offices: w.top_offices().iter().filter_map(|o| tree_office(&w, *o)).collect(),
        hits: search(&w, &query, caller, s.now()),
        query,
        may_create,
        typed,
        errors,
    }
}

pub(super) async fn tree_children(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    headers: HeaderMap,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
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
