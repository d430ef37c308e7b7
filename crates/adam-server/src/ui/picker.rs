//! The people picker of a job (`/ui/jobs/{id}/candidates?q=`): search by name or username,
//! then one button per person that assigns them (the job page's assignment form, with the
//! username filled in). A whole page without script; with htmx the job page asks for the
//! list only and shows it under the search box. Who is offered is the service's
//! (`service::setup::job_candidates`): active persons the caller may put in the job.

use super::chrome::*;
use crate::service::setup::{Candidate, job_candidates};
use crate::state::AppState;
use adam_core::JobId;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

/// The picker's question.
#[derive(Debug, Deserialize)]
pub struct PickerQuery {
    #[serde(default)]
    pub(super) q: String,
    #[allow(dead_code)]
    pub(super) lang: Option<String>,
}

#[derive(Template)]
#[template(path = "picker.html")]
pub(super) struct PickerPage {
    pub(super) c: Chrome,
    pub(super) job: (u32, String),
    pub(super) query: String,
    pub(super) people: Vec<Candidate>,
}

/// Only the list, for an htmx request from the job page.
#[derive(Template)]
#[template(path = "picker_list.html")]
pub(super) struct PickerList {
    pub(super) c: Chrome,
    pub(super) job: (u32, String),
    pub(super) query: String,
    pub(super) people: Vec<Candidate>,
}

pub(super) async fn job_candidates_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    headers: HeaderMap,
    UiPath(id): UiPath<u32>,
    Query(q): Query<PickerQuery>,
) -> UiResult<Response> {
    let job = JobId(id);
    let label = {
        let w = s.world();
        let j = w.job(job).ui(lang.tr)?;
        format!("{} – {}", j.code, j.name)
    };
    let c = chrome(&s, &caller, lang.tr);
    let people = job_candidates(&s, &caller, job, &q.q);
    if is_htmx(&headers) {
        return page(
            lang,
            &PickerList {
                c,
                job: (id, label),
                query: q.q,
                people,
            },
        );
    }
    page(
        lang,
        &PickerPage {
            c,
            job: (id, label),
            query: q.q,
            people,
        },
    )
}
