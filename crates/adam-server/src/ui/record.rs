//! The folder and document pages: a record, its entries and why someone may see it.

use super::chrome::*;
use super::history::*;
use crate::authn::Caller;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// An ACL entry in words.
pub struct EntryRow {
    pub(super) carrier: String,
    /// The kind in words, and its term in the SPEC (`allowed`, `maxAllowed`) for the title.
    pub(super) kind: &'static str,
    pub(super) kind_code: &'static str,
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
    /// The word key of the kind (`record_kind_folder`).
    pub(super) kind: &'static str,
    pub(super) id: u32,
    pub(super) title: String,
    /// The word key of the state (`state_open`) and the state's code for the title.
    pub(super) state: &'static str,
    pub(super) state_code: &'static str,
    pub(super) classification: String,
    /// Field (word key), value, and a link when the value is a page.
    pub(super) fields: Vec<(&'static str, String, Option<String>)>,
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
    let said = super::words::engine::lang(lang.tr);
    let (kind_name, audit_kind, id) = match object {
        ObjectRef::Folder(f) => ("record_kind_folder", adam_core::EntityKind::Folder, f.0),
        ObjectRef::Document(d) => ("record_kind_document", adam_core::EntityKind::Document, d.0),
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
        Some(subject.map_err(|e| e.message(said)).and_then(|u| {
            may_ask_about(&s, &caller, u, Question::Access)
                .map(|()| u)
                .map_err(|_| lang.tr.s("not_allowed_to_ask").to_owned())
        }))
    };
    let explained = match asked {
        Some(Ok(u)) => {
            let decision = s.world().explain(u, object, now, Session::default());
            Some(
                decision
                    .map(|d| disclose(&s, &caller, d))
                    .map_err(|e| s.world().name_ids_in(&e.message(said), said)),
            )
        }
        Some(Err(e)) => Some(Err(e)),
        None => None,
    };
    let w = s.world();
    // The filing class and application by code and name, never by their ids.
    let class_field = |class: ClassId| {
        let name = w
            .class(class)
            .map_or_else(|_| class.0.to_string(), |c| format!("{} – {}", c.code, c.name));
        ("filing_class", name, None)
    };
    let app_field = |app: AppId| {
        let name = w
            .application(app)
            .map_or_else(|_| app.0.to_string(), |a| format!("{} – {}", a.code, a.name));
        ("application", name, None)
    };
    let (title, state, classification, wf, carriers, fields) = match object {
        ObjectRef::Folder(f) => {
            let r = w.folder(f).ui(lang.tr)?;
            let mut carriers = vec![Carrier::Folder(f)];
            carriers.extend(w.class_chain(r.class).into_iter().map(Carrier::Class));
            let fields = vec![app_field(r.app), class_field(r.class)];
            (
                r.title.to_string(),
                r.workflow.state,
                r.classification,
                r.workflow,
                carriers,
                fields,
            )
        }
        ObjectRef::Document(d) => {
            let r = w.document(d).ui(lang.tr)?;
            let folder = w.folder(r.folder).ui(lang.tr)?;
            let mut carriers = vec![Carrier::Document(d), Carrier::Folder(r.folder)];
            carriers.extend(w.class_chain(folder.class).into_iter().map(Carrier::Class));
            let fields = vec![
                (
                    "in_folder",
                    format!("#{} {}", r.folder.0, folder.title),
                    Some(format!("/ui/folders/{}", r.folder.0)),
                ),
                app_field(folder.app),
                class_field(folder.class),
            ];
            (
                r.title.to_string(),
                r.workflow.state,
                r.classification,
                r.workflow,
                carriers,
                fields,
            )
        }
    };
    let job = |j: Option<JobId>| {
        j.and_then(|j| w.job(j).ok()).map_or_else(
            || lang.tr.s("nobody").to_owned(),
            |j| format!("{} – {}", j.code, j.name),
        )
    };
    let workflow = vec![
        ("wf_creator", job(Some(wf.creator.job))),
        ("wf_responsible", job(wf.responsible)),
        ("wf_sender", job(wf.sender)),
        ("wf_recipient", job(wf.recipient)),
    ];
    let mut entries = Vec::new();
    for carrier in carriers {
        // The entries of the ACLs the caller may read (a document's folder may not be one).
        if !may_read_acl(&w, &caller, carrier, now) {
            continue;
        }
        for e in w.acl(carrier).unwrap_or_default() {
            entries.push(EntryRow {
                carrier: crate::explain::carrier_name_in(&w, carrier, said),
                kind: crate::explain::acl_kind_in(e.kind, said),
                kind_code: crate::explain::acl_kind_in(e.kind, adam_core::lang::Lang::En),
                entity: crate::explain::entity_name_in(&w, e.entity, said),
                value: e.value.value(),
                group_value: e.group_value.value(),
                from: shown_from(e.window.from),
                to: shown_to(e.window.to),
            });
        }
    }
    let (mut explanation, mut explain_error) = (None, None);
    match explained {
        Some(Ok(x)) => explanation = Some(crate::explain::render_disclosed(&w, &x, said)),
        Some(Err(e)) => explain_error = Some(e),
        None => {}
    }
    let p = RecordPage {
        c: chrome(&s, &caller, lang.tr),
        kind: kind_name,
        id,
        title,
        state: match state {
            ObjectState::Open => "state_open",
            ObjectState::HandedOver => "state_handed_over",
            ObjectState::Closed => "state_closed",
        },
        state_code: match state {
            ObjectState::Open => "open",
            ObjectState::HandedOver => "handed_over",
            ObjectState::Closed => "closed",
        },
        classification: format!(
            "Z{} C{} R{}",
            classification.z.value(),
            classification.c.value(),
            classification.r.value()
        ),
        fields,
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
    UiPath(id): UiPath<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Folder(FolderId(id)), q).await
}

pub(super) async fn document_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
    Query(q): Query<WhyQuery>,
) -> UiResult<Response> {
    record_page(s, caller, lang, ObjectRef::Document(DocumentId(id)), q).await
}
