//! A case's files on its page: the upload form of the current step's performers
//! (`POST /ui/cases/{id}/files`, `multipart/form-data`, the CSRF token and the document type
//! before the file), streamed into the attachment store (`service::attachments`, which also
//! says who may upload) and attached to the case through the one write path
//! (`Command::UpdateCase`). The document type is what a step's `document` guard asks for.

use super::super::chrome::*;
use super::super::multipart::Multipart;
use super::super::words::engine::lang as core_lang;
use super::case::case_view;
use crate::authn::{CSRF_HEADER, Scope, authenticate};
use crate::error::{ApiResult, WebError};
use crate::service::attachments::{Upload, UploadMeta};
use crate::service::process as svc;
use crate::state::AppState;
use adam_core::attachment::AttachmentRef;
use adam_core::*;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

/// The most a refused upload's rest is read (and dropped) so that the browser gets the page.
const DRAIN: u64 = 512 * 1024 * 1024;

/// Stores the form's file and attaches it to case `id`.
pub(crate) async fn upload(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: Request,
) -> UiResult<Response> {
    let t = lang.tr;
    let (mut parts, body) = request.into_parts();
    same_site(&parts.headers, t)?;
    let bad = |detail: String| UiError::new(t, WebError::new(StatusCode::BAD_REQUEST, "bad-form", detail));
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut form = Multipart::new(content_type, body).map_err(|e| bad(e.to_string()))?;
    let (mut csrf, mut doc_type, mut file) = (None, String::new(), None);
    while let Some(head) = form.next_part().await.map_err(|e| bad(e.to_string()))? {
        if head.filename.is_some() {
            file = Some(head);
            break;
        }
        let value = form.text(4096).await.map_err(|e| bad(e.to_string()))?;
        match head.name.as_str() {
            "_csrf" => csrf = Some(value),
            "doc_type" => doc_type = value,
            _ => {}
        }
    }
    if !parts.headers.contains_key(CSRF_HEADER)
        && let Some(v) = csrf.and_then(|t| HeaderValue::from_str(&t).ok())
    {
        parts.headers.insert(CSRF_HEADER, v);
    }
    let (caller, _) = authenticate(&parts, &s, false).await.map_err(|e| UiError::new(t, e))?;
    caller.require(Scope::Write).ui(t)?;
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
    match file.filter(|f| f.filename.as_deref().is_some_and(|n| !n.trim().is_empty())) {
        None => {
            errors.insert("file".to_owned(), t.s("att_choose_file").to_owned());
        }
        Some(head) => {
            let name = head.filename.unwrap_or_default();
            let doc = Some(doc_type.trim()).filter(|d| !d.is_empty());
            let stored: ApiResult<AttachmentRef> = async {
                let meta = UploadMeta::parse(&name, doc, head.content_type.as_deref())?;
                let mut upload = Upload::begin(&s, &caller, meta, None).await?;
                loop {
                    match form.chunk().await {
                        Ok(Some(piece)) => upload.push(&piece).await?,
                        Ok(None) => break,
                        Err(_) => {
                            upload.abort().await;
                            return Err(WebError::new(
                                StatusCode::BAD_REQUEST,
                                "body-unreadable",
                                t.s("att_upload_broke"),
                            ));
                        }
                    }
                }
                upload.finish().await
            }
            .await;
            match stored {
                Ok(reference) => {
                    let command = Command::UpdateCase {
                        case,
                        fields: BTreeMap::new(),
                        attachments: vec![reference],
                    };
                    match saved(lang, s.execute(&caller, None, command).await)? {
                        None => return Ok(Redirect::to(&format!("/ui/cases/{id}#files")).into_response()),
                        Some(detail) => {
                            errors.insert("file".to_owned(), detail);
                        }
                    }
                }
                Err(e) if e.status == StatusCode::FORBIDDEN => return Err(UiError::new(t, e)),
                Err(e) => {
                    form.drain(DRAIN).await;
                    errors.insert("file".to_owned(), e.detail);
                }
            }
        }
    }
    let p = case_view(&s, &caller, t, case, None, errors, Vec::new())?;
    refused_page(lang, &p)
}
