//! Integrity baselines of key and high-risk servers in the admin UI (`/ui/integrity`, Decree
//! Art. 50(4)–(5)): the servers the caller may read with their current baseline, baselines
//! waiting for approval, last scan and a mismatch warning; a server's page with its baselines
//! and comparisons, newest first, and what each mismatch found (files added, removed, changed
//! and how); the form that approves a baseline with the reference of the approved change; a
//! CSV export (`/ui/integrity.csv`) and a printable page (`/ui/integrity/print`).
//!
//! Everything is read through `service::integrity` (`servers`, `server`, `item_status`), which
//! decides who reads what: the keepers every server, a custodian and operators named as persons
//! theirs. The approval goes through `service::integrity::approve` and so `AppState::execute`:
//! the engine refuses it to anyone but the keepers, and without a change reference; a refusal
//! comes back at the form's field with what was typed. Scans are submitted by the
//! `adam integrity scan` command over the API, not here.

use super::super::chrome::*;
use super::super::form::Errors;
use super::super::i18n::Tr;
use super::risk::{csv_download, require_keeper};
use super::*;
use crate::authn::{Caller, Scope};
use crate::service::integrity::{self as svc, ItemIntegrity, ServerRow};
use crate::service::register_export::servers_csv;
use adam_core::register::integrity::{Aspect, BaselineState, Comparison, Outcome};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};

/// Paths listed per kind of difference before "and N more".
const SHOWN: usize = 20;

/// Where a server's last scan stands, as a line shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// No approved baseline yet.
    NoBaseline,
    /// Approved, and no scan compared with it yet.
    NoScan,
    /// The last scan matched.
    Matched,
    /// The last scan did not match: a security event (Art. 50(5)).
    Mismatch,
}

/// A server as the list and its page show it.
pub(crate) struct ServerLine {
    pub(crate) id: u32,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) key: bool,
    pub(crate) high_risk: bool,
    /// The current baseline's number (empty: none).
    pub(crate) current: String,
    pub(crate) pending: usize,
    /// When it was last scanned (empty: never).
    pub(crate) last_scan: String,
    pub(crate) standing: Standing,
}

fn line(w: &World, caller: &Caller, now: Timestamp, r: &ServerRow) -> ServerLine {
    let standing = match svc::item_status(w, caller, r.id, now) {
        None => Standing::NoBaseline,
        Some(ItemIntegrity::NoScan) => Standing::NoScan,
        Some(ItemIntegrity::Matched(_)) => Standing::Matched,
        Some(ItemIntegrity::Mismatch(_)) => Standing::Mismatch,
    };
    ServerLine {
        id: r.id.0,
        code: r.code.to_string(),
        name: r.name.to_string(),
        key: r.key_server,
        high_risk: r.high_risk,
        current: r.current_baseline.map(|b| format!("#{}", b.0)).unwrap_or_default(),
        pending: r.pending,
        last_scan: r.last_scan.map(local).unwrap_or_default(),
        standing,
    }
}

/// A baseline as the server's page shows it.
pub(crate) struct BaselineLine {
    pub(crate) id: u32,
    pub(crate) taken_at: String,
    /// Who submitted it (`None`: the console).
    pub(crate) taken_by: Option<String>,
    pub(crate) files: u64,
    /// Who approved it, when, and the change's reference.
    pub(crate) approved: Option<(Option<String>, String, String)>,
    pub(crate) current: bool,
    /// Its files.
    pub(crate) attachments: Vec<super::attachments::AttachmentRow>,
}

/// A comparison as the server's page shows it.
pub(crate) struct ComparisonLine {
    pub(crate) id: u32,
    pub(crate) scanned_at: String,
    pub(crate) by: Option<String>,
    pub(crate) baseline: u32,
    pub(crate) files: u64,
    pub(crate) mismatch: bool,
    /// How many files were added, removed, changed.
    pub(crate) counts: (usize, usize, usize),
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
    /// A changed file's path and the keys of what differs in it.
    pub(crate) changed: Vec<(String, Vec<&'static str>)>,
    /// How many paths are not listed.
    pub(crate) more: usize,
}

fn username(w: &World, u: Option<UserId>) -> Option<String> {
    u.map(|u| w.user(u).map_or_else(|_| u.to_string(), |u| u.username.to_string()))
}

fn aspect_key(a: Aspect) -> &'static str {
    match a {
        Aspect::Content => "intg_aspect_content",
        Aspect::Size => "intg_aspect_size",
        Aspect::Mode => "intg_aspect_mode",
        Aspect::Owner => "intg_aspect_owner",
    }
}

fn comparison_line(w: &World, c: &Comparison) -> ComparisonLine {
    let mut out = ComparisonLine {
        id: c.id.0,
        scanned_at: local(c.scanned_at),
        by: username(w, c.by),
        baseline: c.baseline.0,
        files: c.files,
        mismatch: false,
        counts: (0, 0, 0),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        more: 0,
    };
    if let Outcome::Mismatch { diff } = &c.outcome {
        out.mismatch = true;
        out.counts = (diff.added.len(), diff.removed.len(), diff.changed.len());
        out.added = diff.added.iter().take(SHOWN).cloned().collect();
        out.removed = diff.removed.iter().take(SHOWN).cloned().collect();
        out.changed = diff
            .changed
            .iter()
            .take(SHOWN)
            .map(|f| (f.path.clone(), f.what.iter().copied().map(aspect_key).collect()))
            .collect();
        out.more = diff.len() - out.added.len() - out.removed.len() - out.changed.len();
    }
    out
}

#[derive(Template)]
#[template(path = "integrity.html")]
pub(crate) struct IntegrityPage {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<ServerLine>,
}

#[derive(Template)]
#[template(path = "integrity_print.html")]
pub(crate) struct IntegrityPrint {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<ServerLine>,
    pub(crate) organisation: String,
    pub(crate) printed: String,
}

#[derive(Template)]
#[template(path = "integrity_server.html")]
pub(crate) struct ServerPage {
    pub(crate) c: Chrome,
    pub(crate) server: ServerLine,
    /// Whether the caller reads the inventory (the page links to the item).
    pub(crate) inventory: bool,
    pub(crate) baselines: Vec<BaselineLine>,
    pub(crate) comparisons: Vec<ComparisonLine>,
    /// Whether the caller may approve a baseline (a keeper with the write scope).
    pub(crate) may_approve: bool,
    /// The baseline whose approval was refused, and the reference typed.
    pub(crate) typed: (u32, String),
    pub(crate) errors: Errors,
    /// Whether a refusal stands at its baseline's form; otherwise (approved meanwhile, say)
    /// it is said above the table.
    pub(crate) at_row: bool,
    /// The newest baseline's files and its upload form (`record_attachments.html`): the
    /// approved change behind it (Art. 50(4)). Older baselines list theirs in the table.
    pub(crate) attachments: Vec<super::attachments::AttachmentRow>,
    pub(crate) attach_action: String,
    pub(crate) attach_subject: String,
    pub(crate) may_attach: bool,
    pub(crate) file_error: Option<String>,
    /// The document type as typed, and its refusal.
    pub(crate) attach_doc_type: String,
    pub(crate) doc_type_error: Option<String>,
    /// The newest baseline's last change and history (`history.html`).
    pub(crate) last: Option<super::super::history::LastChangeView>,
    pub(crate) history: Vec<super::super::history::HistoryRow>,
}

fn lines(s: &AppState, caller: &Caller, lang: Tr) -> UiResult<Vec<ServerLine>> {
    let rows = svc::servers(s, caller).ui(lang)?;
    let w = s.world();
    let now = s.now();
    Ok(rows.iter().map(|r| line(&w, caller, now, r)).collect())
}

pub(crate) async fn list_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    let p = IntegrityPage {
        rows: lines(&s, &caller, lang.tr)?,
        c: chrome(&s, &caller, lang.tr),
    };
    page(lang, &p)
}

pub(crate) async fn print_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let p = IntegrityPrint {
        rows: lines(&s, &caller, lang.tr)?,
        c: chrome(&s, &caller, lang.tr),
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &p)
}

pub(crate) async fn export(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    let rows = svc::servers(&s, &caller).ui(lang.tr)?;
    let text = servers_csv(&rows, super::super::words::engine::lang(lang.tr))
        .map_err(|e| UiError::new(lang.tr, crate::error::WebError::internal(&e)))?;
    Ok(csv_download(text, "integrity-servers.csv"))
}

async fn server_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: ItemId,
    typed: (u32, String),
    errors: Errors,
) -> UiResult<ServerPage> {
    let view = svc::server(s, caller, id).ui(lang)?;
    // The newest baseline takes files here (the table is newest first), and its history is shown.
    let newest = view.baselines.first().map(|b| b.id);
    let (last, history) = match newest {
        Some(b) => super::super::history::record_history(s, EntityKind::IntegrityBaseline, b.0, lang).await?,
        None => (None, Vec::new()),
    };
    let now = s.now();
    let w = s.world();
    let may_approve = caller.has(Scope::Write) && w.keeps_registers(&caller.actor(None), now).unwrap_or(false);
    let baselines = view
        .baselines
        .iter()
        .map(|b| BaselineLine {
            id: b.id.0,
            taken_at: local(b.taken_at),
            taken_by: username(&w, b.taken_by),
            files: b.files,
            approved: match &b.state {
                BaselineState::Submitted => None,
                BaselineState::Approved { by, at, change } => Some((username(&w, *by), local(*at), change.to_string())),
            },
            current: b.current,
            attachments: w
                .baseline(b.id)
                .map(|r| super::attachments::rows(&r.attachments))
                .unwrap_or_default(),
        })
        .collect();
    let file_error = errors.get("f_file").cloned();
    let doc_type_error = errors.get("att_doc_type").cloned();
    let at_row = may_approve
        && view
            .baselines
            .iter()
            .any(|b| b.id.0 == typed.0 && matches!(b.state, BaselineState::Submitted));
    Ok(ServerPage {
        at_row,
        c: chrome(s, caller, lang),
        server: line(&w, caller, now, &view.server),
        inventory: crate::service::inventory::reader(&w, caller, now).is_some(),
        baselines,
        comparisons: view.comparisons.iter().map(|c| comparison_line(&w, c)).collect(),
        may_approve,
        typed,
        errors,
        attachments: newest
            .and_then(|b| w.baseline(b).ok())
            .map(|r| super::attachments::rows(&r.attachments))
            .unwrap_or_default(),
        attach_action: newest.map_or_else(String::new, |b| format!("/ui/integrity/baselines/{}/attachments", b.0)),
        attach_subject: newest.map_or_else(String::new, |b| format!("{} #{}", lang.s("intg_baseline"), b.0)),
        may_attach: newest.is_some_and(|b| {
            caller.has(Scope::Write)
                && w.may_attach(&caller.actor(None), adam_core::attachment::Attachable::Baseline(b), now)
                    .is_ok()
        }),
        file_error,
        attach_doc_type: String::new(),
        doc_type_error,
        last,
        history,
    })
}

/// Adds an uploaded file to a baseline (`POST /ui/integrity/baselines/{id}/attachments`).
pub(crate) async fn attach(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    request: axum::extract::Request,
) -> UiResult<Response> {
    // No such baseline: the engine says so once the form's sender is known.
    let server = s.world().baseline(BaselineId(id)).map(|b| b.server);
    let back = match &server {
        Ok(server) => format!("/ui/integrity/{}", server.0),
        Err(_) => "/ui/integrity".to_owned(),
    };
    let again = s.clone();
    super::attachments::upload_to(
        &s,
        lang,
        request,
        adam_core::attachment::Attachable::Baseline(BaselineId(id)),
        back,
        Box::new(move |caller, errors, doc_type| {
            Box::pin(async move {
                let server = server.ui(lang.tr)?;
                let mut p = server_view(&again, &caller, lang.tr, server, (u32::MAX, String::new()), errors).await?;
                p.attach_doc_type = doc_type;
                refused_page(lang, &p)
            })
        }),
    )
    .await
}

pub(crate) async fn server_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = server_view(
        &s,
        &caller,
        lang.tr,
        ItemId(id),
        (u32::MAX, String::new()),
        Errors::new(),
    )
    .await?;
    page(lang, &p)
}

/// The reference of the approved change, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    pub(crate) change: String,
}

/// A GET of the approval's address (the language switch of a refused page): the server's page.
pub(crate) async fn back_to_server(
    State(s): State<AppState>,
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    let page = match s.world().baseline(BaselineId(id)) {
        Ok(b) => format!("/ui/integrity/{}", b.server.0),
        Err(_) => "/ui/integrity".to_owned(),
    };
    match q {
        Some(q) => Redirect::to(&format!("{page}?{q}")),
        None => Redirect::to(&page),
    }
}

pub(crate) async fn approve(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ApproveForm>,
) -> UiResult<Response> {
    let baseline = BaselineId(id);
    let server = s.world().baseline(baseline).ui(lang.tr)?.server;
    // Only the keepers get as far as the form's messages. The write scope is checked here
    // rather than by the route: a baseline that does not exist answers 404 first.
    caller.require(Scope::Write).ui(lang.tr)?;
    require_keeper(&s, &caller, lang.tr, "approve integrity baselines")?;
    let mut errors = Errors::new();
    let change = match f.change.trim() {
        "" => Some(None),
        c if too_long(c, Text::MAX, "ap_change", &mut errors, lang.tr) => None,
        c => super::super::form::checked(Text::parse("change", c), "ap_change", &mut errors).map(Some),
    };
    if let Some(change) = change {
        match svc::approve(&s, &caller, baseline, change).await {
            Ok(_) => return Ok(Redirect::to(&format!("/ui/integrity/{}#baselines", server.0)).into_response()),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) => {
                errors.insert("ap_change", e.detail);
            }
        }
    }
    let p = server_view(&s, &caller, lang.tr, server, (id, f.change), errors).await?;
    refused_page(lang, &p)
}
