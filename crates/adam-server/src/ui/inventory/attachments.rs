//! An inventory item's files on its page: the list with download links, and the upload form
//! (`POST /ui/inventory/{id}/attachments`, `multipart/form-data`) whose file streams into the
//! attachment store (`service::attachments`) and is then added to the item through the one
//! write path (`service::inventory::update_item`). The form's CSRF token is its first part, checked before
//! a byte of the file is stored. Downloads (`GET /ui/attachments/{sha256}`) are the service's,
//! for a signed-in person.
//!
//! [`upload_to`] is the same form for the register records that carry files added one by one
//! (a risk assessment, an access review, an integrity baseline: `service::attachments::attach`); each
//! page includes `record_attachments.html` and gives the handler its own page to show a
//! refusal on.

use super::super::chrome::*;
use super::super::upload;
use super::item::{Typed, item_view, saved_coded};
use crate::error::WebError;
use crate::service::attachments as att;
use crate::state::AppState;
use adam_core::attachment::{Attachable, AttachmentRef};
use adam_core::*;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// A file as the item's page lists it.
#[derive(Clone, Debug)]
pub(crate) struct AttachmentRow {
    pub(crate) name: String,
    pub(crate) size: String,
    pub(crate) media_type: String,
    pub(crate) doc_type: String,
    pub(crate) href: String,
}

/// Sizes as people read them.
fn size_text(n: u64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// The rows of an item's files.
pub(crate) fn rows(list: &[AttachmentRef]) -> Vec<AttachmentRow> {
    list.iter()
        .map(|a| AttachmentRow {
            name: a.name.to_string(),
            size: size_text(a.size),
            media_type: a.media_type.as_ref().map(ToString::to_string).unwrap_or_default(),
            doc_type: a.doc_type.as_ref().map(ToString::to_string).unwrap_or_default(),
            href: format!("/ui/attachments/{}", a.sha256),
        })
        .collect()
}

/// Stores the form's file and attaches it to item `id`.
pub(crate) async fn upload(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: Request,
) -> UiResult<Response> {
    let mut sent = upload::read(&s, lang.tr, request).await?;
    let caller = sent.caller.clone();
    super::require_reader(&s, &caller, lang.tr)?;
    let item = ItemId(id);
    // Only those who may edit the item store a file for it (nothing is stored for a refusal).
    let may_edit = crate::service::inventory::view(
        &s.world(),
        &caller,
        item,
        s.now(),
        super::super::words::engine::lang(lang.tr),
    )
    .ui(lang.tr)?
    .may_edit;
    if !may_edit {
        return Err(UiError::new(
            lang.tr,
            WebError::forbidden(
                "not-an-item-editor",
                "files are attached by the item's custodian, the information-security lead or the system administrator",
            )
            .sl("datoteke pripenjajo skrbnik postavke, vodja informacijske varnosti ali sistemski skrbnik"),
        ));
    }

    let mut errors = BTreeMap::new();
    match sent.file.take() {
        None => {
            errors.insert("f_file", lang.tr.s("att_choose_file").to_owned());
        }
        Some(head) => {
            let doc_type = sent.doc_type.clone();
            let stored = sent.store(&s, &head, Some(&doc_type), None, lang.tr).await;
            match stored {
                Ok(reference) => {
                    let fields = {
                        let w = s.world();
                        let current = w.item(item).ui(lang.tr)?;
                        let mut fields = current.fields.clone();
                        if fields.attachments.iter().any(|a| a.sha256 == reference.sha256) {
                            None
                        } else {
                            fields.attachments.push(reference);
                            Some(fields)
                        }
                    };
                    let Some(fields) = fields else {
                        return Ok(Redirect::to(&format!("/ui/inventory/{id}#attachments")).into_response());
                    };
                    let outcome = crate::service::inventory::update_item(&s, &caller, item, fields).await;
                    match saved_coded(lang, outcome)? {
                        None => {
                            return Ok(Redirect::to(&format!("/ui/inventory/{id}#attachments")).into_response());
                        }
                        Some((detail, _)) => {
                            errors.insert("f_file", detail);
                        }
                    }
                }
                Err(e) if e.status == StatusCode::FORBIDDEN => return Err(UiError::new(lang.tr, e)),
                Err(e) => {
                    // The browser is still sending: read the rest so it gets this page.
                    sent.form.drain(upload::DRAIN).await;
                    errors.insert("f_file", e.detail);
                }
            }
        }
    }
    let p = item_view(&s, &caller, lang.tr, item, Typed::default(), errors).await?;
    refused_page(lang, &p)
}

/// The page of a record after a refused upload, with the message at the file field.
pub(crate) type Rerender<'a> = Box<
    dyn FnOnce(crate::authn::Caller, Errors, String) -> Pin<Box<dyn Future<Output = UiResult<Response>> + Send + 'a>>
        + Send
        + 'a,
>;

/// The errors of a form, by field.
type Errors = BTreeMap<&'static str, String>;

/// Stores the form's file and adds it to the register record `to` (`service::attachments::attach`,
/// the one write path), then goes back to `back`. Who may not add to the record is refused
/// before a byte is stored; a refused file comes back as `rerender`'s page with the message at
/// its field (`f_file`, or `att_doc_type` for a document type that is no code — checked before
/// a byte is stored), the document type as typed given back. The same file added again is not
/// an error: it is already there.
pub(crate) async fn upload_to(
    s: &AppState,
    lang: Lang,
    request: Request,
    to: Attachable,
    back: String,
    rerender: Rerender<'_>,
) -> UiResult<Response> {
    let mut sent = upload::read(s, lang.tr, request).await?;
    let caller = sent.caller.clone();
    {
        // One read guard: taking the world's lock twice in one statement can deadlock behind
        // a waiting writer.
        let w = s.world();
        w.may_attach(&caller.actor(None), to, s.now())
            .map_err(|e| UiError::new(lang.tr, WebError::from_engine(e, &w)))?;
    }
    let mut errors = Errors::new();
    let typed = sent.doc_type.trim();
    let bad_type = (!typed.is_empty())
        .then(|| Code::parse("doc_type", typed).err())
        .flatten();
    match sent.file.take() {
        None => {
            errors.insert("f_file", lang.tr.s("att_choose_file").to_owned());
        }
        Some(_) if bad_type.is_some() => {
            let refused = bad_type.map(|e| WebError::from(e).detail).unwrap_or_default();
            // The browser is still sending the file: read the rest so it gets the page.
            sent.form.drain(upload::DRAIN).await;
            errors.insert("att_doc_type", refused);
        }
        Some(head) => {
            let doc_type = sent.doc_type.clone();
            let outcome = match sent.store(s, &head, Some(&doc_type), None, lang.tr).await {
                Ok(reference) => att::attach(s, &caller, to, reference).await.map(|_| ()),
                Err(e) => {
                    // The browser is still sending: read the rest so it gets the page.
                    sent.form.drain(upload::DRAIN).await;
                    Err(e)
                }
            };
            match outcome {
                Ok(()) => return Ok(Redirect::to(&format!("{back}#attachments")).into_response()),
                Err(e) if e.code == "no-change" => {
                    return Ok(Redirect::to(&format!("{back}#attachments")).into_response());
                }
                Err(e) if e.status == StatusCode::FORBIDDEN => return Err(UiError::new(lang.tr, e)),
                Err(e) => {
                    errors.insert("f_file", e.detail);
                }
            }
        }
    }
    rerender(caller, errors, sent.doc_type).await
}

/// A file of a record the signed-in person may read.
pub(crate) async fn download(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(raw): UiPath<String>,
) -> UiResult<Response> {
    let digest = att::digest(&raw).ui(lang.tr)?;
    let stored = att::readable(&s, &caller, &digest).await.ui(lang.tr)?;
    Ok(att::answer(&s, stored))
}
