//! What the pages' upload forms share (an inventory item's files, a case's files): reading the
//! `multipart/form-data` form up to its file — the small fields first, the CSRF token moved
//! into the header so the one check of the API applies, the person authenticated with the
//! write scope — and streaming the file into the attachment store (`service::attachments`),
//! which says who may upload. What the file is then attached to is each page's.

use super::chrome::*;
use super::i18n::Tr;
use super::multipart::{Multipart, PartHead};
use crate::authn::{CSRF_HEADER, Caller, Scope, authenticate};
use crate::error::{ApiResult, WebError};
use crate::service::attachments::{Upload, UploadMeta};
use crate::state::AppState;
use adam_core::attachment::AttachmentRef;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};

/// The most a refused upload's rest is read (and dropped) so that the browser gets the page.
pub(super) const DRAIN: u64 = 512 * 1024 * 1024;

/// An upload form read up to its file.
pub(super) struct UploadForm {
    /// Who sent it (authenticated, with the write scope).
    pub(super) caller: Caller,
    /// The `doc_type` field, as typed.
    pub(super) doc_type: String,
    /// The file's part, when a file was chosen (its bytes are next in `form`).
    pub(super) file: Option<PartHead>,
    /// The rest of the form.
    pub(super) form: Multipart,
}

/// Reads the form of `request` up to its file (the page puts the small fields first).
pub(super) async fn read(s: &AppState, t: Tr, request: Request) -> UiResult<UploadForm> {
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
    let (caller, _) = authenticate(&parts, s, false).await.map_err(|e| UiError::new(t, e))?;
    // A multipart form finds its caller here, after its fields (the CSRF token is one), not in
    // an extractor: the routes of uploads declare no scope (`ui::guard` could not see the
    // caller), and the write scope is checked here, once, for all of them.
    caller.require(Scope::Write).ui(t)?;
    let file = file.filter(|f| f.filename.as_deref().is_some_and(|n| !n.trim().is_empty()));
    Ok(UploadForm {
        caller,
        doc_type,
        file,
        form,
    })
}

impl UploadForm {
    /// Streams the file `head` into the attachment store as a document of `doc_type` (for
    /// `case`, whose current step's performers may upload); a body that breaks off stores
    /// nothing.
    pub(super) async fn store(
        &mut self,
        s: &AppState,
        head: &PartHead,
        doc_type: Option<&str>,
        case: Option<adam_core::CaseId>,
        t: Tr,
    ) -> ApiResult<AttachmentRef> {
        let name = head.filename.clone().unwrap_or_default();
        let mut meta = UploadMeta::parse(&name, doc_type, head.content_type.as_deref())?;
        meta.case = case;
        let mut upload = Upload::begin(s, &self.caller, meta, None).await?;
        loop {
            match self.form.chunk().await {
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
}
