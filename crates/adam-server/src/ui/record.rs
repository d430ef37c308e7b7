//! The folder and document pages: a record, its entries and why someone may see it.

use super::chrome::*;
use super::history::*;
use crate::authn::Caller;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// An ACL entry in words.
pub struct EntryRow {
    pub(super) carrier: String,
    pub(super) kind: &'static str,
    pub(super) entity: String,
    pub(super) value: u8,
    pub(super) group_value: u8,
    pub(super) from: String,
    pub(super) to: String,
}

#[derive(Template)]
#[template(path = "record.html")]
pub(super) struct RecordPage {
    pub(super) c: Chrome,
    pub(super) kind: &'static str,
    pub(super) id: u32,
    pub(super) title: String,
    pub(super) state: String,
    pub(super) classification: String,
    pub(super) workflow: Vec<(&'static str, String)>,
    pub(super) my_level: u8,
    pub(super) entries: Vec<EntryRow>,
    pub(super) who: String,
    pub(super) explanation: Option<String>,
    pub(super) explain_error: Option<String>,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
}

/// Whose level to explain.
#[derive(Debug, Deserialize)]
pub struct WhyQuery {
    pub(super) who: Option<String>,
    #[allow(dead_code)]
    pub(super) lang: Option<String>,
}

/// A folder's or document's page: who may see it and why. Shown to whoever reaches the
/// object at 13 or more (they may see its attributes), and recorded as a read, allowed or
/// refused, as the API's reads are; asking about someone else follows the API's rule
/// (`decisions::may_ask_about`), and the explanation shows what the API's would.
pub(super) async fn record_page(
    s: AppState,
    caller: Caller,
    lang: Lang,
    object: ObjectRef,
    q: WhyQuery,
) -> UiResult<Response> {
    use crate::service::decisions::{Question, disclose, may_ask_about};
    use crate::service::records::{Read, may_read_acl, require_read};
    reader(&caller, lang.tr)?;
    let (kind_name, audit_kind, id) = match object {
        ObjectRef::Folder(f) => ("folder", adam_core::EntityKind::Folder, f.0),
        ObjectRef::Document(d) => ("document", adam_core::EntityKind::Document, d.0),
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
            return super::account::step_up_page(&s, &caller, lang, &here, None, StatusCode::FORBIDDEN);
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
                from: shown_from(e.window.from),
                to: shown_to(e.window.to),
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

pub(super) async fn folder_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Folder(FolderId(id)), q).await
}

pub(super) async fn document_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Path(id): Path<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Document(DocumentId(id)), q).await
}
