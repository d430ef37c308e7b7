//! The office tree (the UI's home): offices and jobs, expanded lazily, and the search.

use super::chrome::*;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

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
    pub(super) occupants: Vec<(u32, String)>,
}

/// A search result.
pub struct Hit {
    pub(super) kind: &'static str,
    pub(super) href: String,
    pub(super) label: String,
    pub(super) detail: String,
}

#[derive(Template)]
#[template(path = "tree.html")]
pub(super) struct TreePage {
    pub(super) c: Chrome,
    pub(super) offices: Vec<TreeOffice>,
    pub(super) query: String,
    pub(super) hits: Vec<Hit>,
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
            .map(|u| (u.id.0, format!("{} ({})", u.display_name(), u.username)))
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

/// Finds offices, jobs and users by name, code, username or signing code.
pub(super) fn search(w: &World, q: &str) -> Vec<Hit> {
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

pub(super) async fn tree(
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

pub(super) async fn tree_children(
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
