//! A case's files on its page: the upload form of the current step's performers
//! (`POST /ui/cases/{id}/files`, `multipart/form-data`, the CSRF token and the document type
//! before the file), streamed into the attachment store (`service::attachments`, which also
//! says who may upload) and attached to the case through the one write path
//! (`service::process::fill_case`). The document type is what a step's `document` guard asks for.

use super::super::chrome::*;
use super::super::upload;
use super::super::words::engine::lang as core_lang;
use super::case::case_view;
use crate::error::WebError;
use crate::service::process as svc;
use crate::state::AppState;
use adam_core::*;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// Stores the form's file and attaches it to case `id`.
pub(crate) async fn upload(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: Request,
) -> UiResult<Response> {
    let t = lang.tr;
    let mut sent = upload::read(&s, t, request).await?;
    let caller = sent.caller.clone();
    let case = CaseId(id);
    // Only the current step's performers attach files (nothing is stored for a refusal).
    let may = {
        let w = s.world();
        let c = svc::readable_case(&w, &caller, case, s.now()).ui(t)?;
        svc::view(&w, &caller, &c, s.now(), core_lang(t)).ui(t)?.may_decide
    };
    if !may {
        return Err(UiError::new(
            t,
            WebError::forbidden(
                "not-performer",
                "files are attached to a case by whoever performs its current step",
            )
            .sl("datoteke zadevi pripne izvajalec njenega trenutnega koraka"),
        ));
    }
    let mut errors = BTreeMap::new();
    match sent.file.take() {
        None => {
            errors.insert("file".to_owned(), t.s("att_choose_file").to_owned());
        }
        Some(head) => {
            let doc_type = sent.doc_type.trim().to_owned();
            let doc = Some(doc_type.as_str()).filter(|d| !d.is_empty());
            let stored = sent.store(&s, &head, doc, Some(case), t).await;
            match stored {
                Ok(reference) => {
                    let filled = svc::fill_case(&s, &caller, case, BTreeMap::new(), vec![reference]).await;
                    match saved(lang, filled)? {
                        None => return Ok(Redirect::to(&format!("/ui/cases/{id}#files")).into_response()),
                        Some(detail) => {
                            errors.insert("file".to_owned(), detail);
                        }
                    }
                }
                Err(e) if e.status == StatusCode::FORBIDDEN => return Err(UiError::new(t, e)),
                Err(e) => {
                    sent.form.drain(upload::DRAIN).await;
                    errors.insert("file".to_owned(), e.detail);
                }
            }
        }
    }
    let p = case_view(&s, &caller, t, case, None, errors, Vec::new())?;
    refused_page(lang, &p)
}
