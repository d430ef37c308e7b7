//! The filing plan, folders, documents, their ACL entries and the workflow transitions.
//!
//! Reading a folder needs level 11 on it (its attributes), its document list 12, a document
//! 13 — the levels of SPEC §3.2, decided by the engine for the caller. Every such read at a
//! content level (13 and up) and every refusal is an access record, as a check is; a refusal
//! names the object's type and id and the level needed, never what the object is. Creating records and
//! every transition are authorised by the engine (writing role, responsible, recipient,
//! `[dist.main]`…). A caller holding several jobs names the one they act in with the header
//! `X-Adam-Job`.

use super::guard::needs;
use super::{Api, Doc, PageQuery, page};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Id, IfMatch, Params, Tagged, update};
use crate::service::filing::{self, Transition};
use crate::service::records::*;
use crate::state::AppState;
use adam_core::*;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{delete, get, patch, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ANY: &str = "any account with the read scope";
const SYSADMIN: &str = "the system administrator";

/// The header naming the job a caller acts in.
pub const ACTING_JOB: &str = "x-adam-job";

/// The job named by `X-Adam-Job`, if any.
pub fn acting_job(headers: &HeaderMap) -> ApiResult<Option<JobId>> {
    match headers.get(ACTING_JOB) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .map(|j| Some(JobId(j)))
            .ok_or_else(|| {
                WebError::new(StatusCode::BAD_REQUEST, "invalid-header", "X-Adam-Job must be a job id")
                    .sl("X-Adam-Job mora biti številka delovnega mesta")
            }),
    }
}

macro_rules! both_kinds {
    ($api:expr, $folder_path:literal, $doc_path:literal, $doc:expr, $handler:ident) => {
        $api.route(
            Method::POST,
            $folder_path,
            $doc.clone(),
            post(needs(Scope::Write, $handler::<false>)),
        )
        .route(
            Method::POST,
            $doc_path,
            $doc,
            post(needs(Scope::Write, $handler::<true>)),
        )
    };
}

pub(crate) fn routes(api: Api) -> Api {
    let t = "records";
    let w = "workflow";
    let api = api
        .route(
            Method::GET,
            "/api/v1/classes",
            Doc::new(t, "List the filing plan", ANY)
                .query::<PageQuery>()
                .response::<Page<FilingClass>>(),
            get(needs(Scope::Read, list_classes)),
        )
        .route(
            Method::POST,
            "/api/v1/classes",
            Doc::new(t, "Add a class to the filing plan", SYSADMIN)
                .body::<NewClass>()
                .response::<FilingClass>()
                .created(),
            post(needs(Scope::Write, create_class)),
        )
        .route(
            Method::GET,
            "/api/v1/classes/{id}",
            Doc::new(t, "A filing class", ANY).response::<FilingClass>().etag(),
            get(needs(Scope::Read, get_class)),
        )
        .route(
            Method::PATCH,
            "/api/v1/classes/{id}",
            Doc::new(t, "Rename or move a filing class", SYSADMIN)
                .body::<ClassPatch>()
                .response::<FilingClass>()
                .etag(),
            patch(needs(Scope::Write, update_class)),
        )
        .route(
            Method::POST,
            "/api/v1/folders",
            Doc::new(
                w,
                "Open a new folder (Diagram 1 'Nova mapa')",
                "holders of the application's writing role",
            )
            .body::<NewFolder>()
            .response::<Folder>()
            .created(),
            post(needs(Scope::Write, create_folder)),
        )
        .route(
            Method::GET,
            "/api/v1/folders/{id}",
            Doc::new(
                t,
                "A folder's attributes and the caller's level on it",
                "whoever has level 11 or more on it",
            )
            .response::<FolderView>()
            .etag(),
            get(needs(Scope::Read, get_folder)),
        )
        .route(
            Method::GET,
            "/api/v1/folders/{id}/documents",
            Doc::new(
                t,
                "The documents of a folder",
                "whoever has level 12 or more on the folder",
            )
            .query::<PageQuery>()
            .response::<Page<DocumentSummary>>(),
            get(needs(Scope::Read, folder_documents)),
        )
        .route(
            Method::POST,
            "/api/v1/folders/{id}/documents",
            Doc::new(
                w,
                "Add a document to a folder (Diagram 1 'Nov dokument')",
                "holders of the writing role with level 21 or more on the folder",
            )
            .body::<NewDocument>()
            .response::<Document>()
            .created(),
            post(needs(Scope::Write, create_document)),
        )
        .route(
            Method::GET,
            "/api/v1/documents/{id}",
            Doc::new(
                t,
                "A document's attributes and the caller's level on it",
                "whoever has level 13 or more on it",
            )
            .response::<DocumentView>()
            .etag(),
            get(needs(Scope::Read, get_document)),
        );
    let notify = Doc::new(
        w,
        "Notify jobs or users of an arriving document: they get 14 on the folder",
        "the responsible job",
    )
    .body::<NotifyBody>()
    .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/notify",
        "/api/v1/documents/{id}/notify",
        notify,
        notify_handler
    );
    let hand_over = Doc::new(w, "Hand the object over to another job", "the responsible job")
        .body::<HandOverBody>()
        .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/hand-over",
        "/api/v1/documents/{id}/hand-over",
        hand_over,
        hand_over_handler
    );
    let accept = Doc::new(
        w,
        "Accept a hand-over: the recipient becomes responsible",
        "the recipient job",
    )
    .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/accept",
        "/api/v1/documents/{id}/accept",
        accept,
        accept_handler
    );
    let reject = Doc::new(w, "Reject a hand-over", "the recipient job").response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/reject",
        "/api/v1/documents/{id}/reject",
        reject,
        reject_handler
    );
    let close = Doc::new(
        w,
        "Close the object: read-only for all but holders of a higher ceiling",
        "the responsible job",
    )
    .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/close",
        "/api/v1/documents/{id}/close",
        close,
        close_handler
    );
    let reopen = Doc::new(
        w,
        "Reopen a closed object",
        "[dist.main] (the main office) or holders of the reopen role",
    )
    .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/reopen",
        "/api/v1/documents/{id}/reopen",
        reopen,
        reopen_handler
    );
    let reclassify = Doc::new(
        w,
        "Change the classification, with a reason (never above the caller's clearance)",
        "whoever has level 21 or more on it",
    )
    .body::<ReclassifyBody>()
    .response::<ObjectRecord>();
    let api = both_kinds!(
        api,
        "/api/v1/folders/{id}/reclassify",
        "/api/v1/documents/{id}/reclassify",
        reclassify,
        reclassify_handler
    );
    api.route(
        Method::GET,
        "/api/v1/acl/{kind}/{id}",
        Doc::new(
            "acl",
            "The ACL entries a filing class, folder or document carries (kind: classes, folders, documents)",
            "any account for classes; for an object, whoever may read its attributes",
        )
        .response::<Vec<AclEntry>>(),
        get(needs(Scope::Read, list_entries)),
    )
    .route(
        Method::POST,
        "/api/v1/acl/{kind}/{id}",
        Doc::new(
            "acl",
            "Add an ACL entry",
            "on a class the system administrator; on a folder or document whoever has level 22 on it",
        )
        .body::<NewEntry>()
        .response::<AclEntry>()
        .created(),
        post(needs(Scope::Write, add_entry)),
    )
    .route(
        Method::DELETE,
        "/api/v1/acl-entries/{id}",
        Doc::new("acl", "Remove an ACL entry", "as for adding").response::<AclEntry>(),
        delete(needs(Scope::Write, remove_entry)),
    )
}

// ---- filing plan -----------------------------------------------------------------------

/// A new filing class.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClass {
    /// Code (`350-05`).
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Parent class.
    #[serde(default)]
    pub parent: Option<ClassId>,
}

/// Changes to a class.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassPatch {
    /// Name.
    #[serde(default)]
    pub name: Option<Text>,
    /// Parent (`null`: top of the plan).
    #[serde(default, deserialize_with = "super::directory::double")]
    pub parent: Option<Option<ClassId>>,
}

async fn list_classes(
    State(s): State<AppState>,
    _caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<FilingClass>>> {
    let w = s.world();
    Ok(axum::Json(page(w.classes().cloned(), |c| c.id.0, q)?))
}

async fn create_class(
    State(s): State<AppState>,
    caller: Caller,
    Body(b): Body<NewClass>,
) -> ApiResult<Tagged<FilingClass>> {
    let new = filing::NewClass {
        code: b.code,
        name: b.name,
        parent: b.parent,
    };
    let id = filing::create_class(&s, &caller, new).await?;
    let class = s.world().class(id)?.clone();
    Ok(Tagged::created_record(class))
}

async fn get_class(State(s): State<AppState>, _caller: Caller, Id(id): Id) -> ApiResult<Tagged<FilingClass>> {
    let class = s.world().class(ClassId(id))?.clone();
    Ok(Tagged::record(class))
}

async fn update_class(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<ClassPatch>,
) -> ApiResult<Tagged<FilingClass>> {
    let class = ClassId(id);
    let class = update(&s, &caller, &if_match, class, |current: FilingClass| {
        let change = filing::ClassChange {
            name: p.name.unwrap_or(current.name),
            parent: p.parent.unwrap_or(current.parent),
        };
        Ok(change.command(class))
    })
    .await?;
    Ok(Tagged::record(class))
}

// ---- folders and documents -------------------------------------------------------------

/// A new folder.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFolder {
    /// Application.
    pub app: AppId,
    /// Filing class.
    pub class: ClassId,
    /// Title.
    pub title: Text,
    /// Classification (default: unclassified).
    #[serde(default)]
    pub classification: Classification,
}

/// A new document.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// Title.
    pub title: Text,
    /// Classification (default: unclassified; the folder's still applies).
    #[serde(default)]
    pub classification: Classification,
}

/// A folder and what the caller may do with it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FolderView {
    /// The folder.
    #[serde(flatten)]
    pub folder: Folder,
    /// The caller's level on it.
    pub level: Level,
}

/// A document and what the caller may do with it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentView {
    /// The document.
    #[serde(flatten)]
    pub document: Document,
    /// The caller's level on it.
    pub level: Level,
}

/// A line of a folder's document list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DocumentSummary {
    /// Id.
    pub id: DocumentId,
    /// Title.
    pub title: Text,
    /// State.
    pub state: ObjectState,
}

/// A folder or a document after a transition.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ObjectRecord {
    /// A folder.
    Folder(Folder),
    /// A document.
    Document(Document),
}

async fn create_folder(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(b): Body<NewFolder>,
) -> ApiResult<Tagged<Folder>> {
    let new = filing::NewFolder {
        app: b.app,
        class: b.class,
        title: b.title,
        classification: b.classification,
    };
    let id = filing::create_folder(&s, &caller, acting_job(&headers)?, new).await?;
    let folder = s.world().folder(id)?.clone();
    Ok(Tagged::created_record(folder))
}

async fn get_folder(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<FolderView>> {
    let object = ObjectRef::Folder(FolderId(id));
    s.world().folder(FolderId(id))?;
    let level = require_read(&s, &caller, object, Level::View11, Read::Folder).await?;
    let folder = s.world().folder(FolderId(id))?.clone();
    Ok(Tagged::new(folder.rev, FolderView { folder, level }))
}

async fn folder_documents(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<DocumentSummary>>> {
    s.world().folder(FolderId(id))?;
    require_read(
        &s,
        &caller,
        ObjectRef::Folder(FolderId(id)),
        Level::View12,
        Read::Documents,
    )
    .await?;
    let w = s.world();
    let docs = w.folder_documents(FolderId(id)).iter().filter_map(|d| {
        let doc = w.document(*d).ok()?;
        Some(DocumentSummary {
            id: doc.id,
            title: doc.title.clone(),
            state: doc.workflow.state,
        })
    });
    Ok(axum::Json(page(docs, |d| d.id.0, q)?))
}

async fn create_document(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<NewDocument>,
) -> ApiResult<Tagged<Document>> {
    let job = acting_job(&headers)?;
    let doc = filing::create_document(&s, &caller, job, FolderId(id), b.title, b.classification)
        .await
        .map_err(|e| conceal(&s, &caller, ObjectRef::Folder(FolderId(id)), e))?;
    let document = s.world().document(doc)?.clone();
    Ok(Tagged::created_record(document))
}

async fn get_document(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<DocumentView>> {
    s.world().document(DocumentId(id))?;
    let level = require_read(
        &s,
        &caller,
        ObjectRef::Document(DocumentId(id)),
        Level::View13,
        Read::Document,
    )
    .await?;
    let document = s.world().document(DocumentId(id))?.clone();
    Ok(Tagged::new(document.rev, DocumentView { document, level }))
}

// ---- transitions -----------------------------------------------------------------------

/// Whom to notify.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyBody {
    /// Jobs.
    #[serde(default)]
    pub jobs: Vec<JobId>,
    /// Users.
    #[serde(default)]
    pub users: Vec<UserId>,
}

/// The recipient of a hand-over.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOverBody {
    /// The job that is to become responsible.
    pub to: JobId,
}

/// A new classification.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReclassifyBody {
    /// The classification.
    pub classification: Classification,
    /// Why (recorded in the audit trail).
    pub reason: Text,
}

fn object_of<const DOC: bool>(id: u32) -> ObjectRef {
    if DOC {
        ObjectRef::Document(DocumentId(id))
    } else {
        ObjectRef::Folder(FolderId(id))
    }
}

async fn transition(
    s: AppState,
    caller: Caller,
    headers: HeaderMap,
    object: ObjectRef,
    step: Transition,
) -> ApiResult<Tagged<ObjectRecord>> {
    filing::transition(&s, &caller, acting_job(&headers)?, object, step)
        .await
        .map_err(|e| conceal(&s, &caller, object, e))?;
    let w = s.world();
    Ok(match object {
        ObjectRef::Folder(f) => {
            let folder = w.folder(f)?.clone();
            Tagged::new(folder.rev, ObjectRecord::Folder(folder))
        }
        ObjectRef::Document(d) => {
            let document = w.document(d)?.clone();
            Tagged::new(document.rev, ObjectRecord::Document(document))
        }
    })
}

async fn notify_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<NotifyBody>,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    let step = Transition::Notify {
        jobs: b.jobs,
        users: b.users,
    };
    transition(s, caller, headers, object, step).await
}

async fn hand_over_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<HandOverBody>,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Transition::HandOver { to: b.to }).await
}

async fn accept_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Transition::Accept).await
}

async fn reject_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Transition::Reject).await
}

async fn close_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Transition::Close).await
}

async fn reopen_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Transition::Reopen).await
}

async fn reclassify_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<ReclassifyBody>,
) -> ApiResult<Tagged<ObjectRecord>> {
    let object = object_of::<DOC>(id);
    let step = Transition::Reclassify {
        classification: b.classification,
        reason: b.reason,
    };
    transition(s, caller, headers, object, step).await
}

// ---- ACL entries -----------------------------------------------------------------------

/// `classes`, `folders` or `documents` and an id, from the path.
pub struct CarrierPath(pub Carrier);

impl<S: Send + Sync> FromRequestParts<S> for CarrierPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path((kind, id)) = axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|e| WebError::new(StatusCode::BAD_REQUEST, "invalid-path", e.body_text()))?;
        let id: u32 = id.parse().map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "invalid-path",
                format!("id must be a non-negative number, not {id:?}"),
            )
            .sl(format!("id mora biti nenegativno število, ne {id:?}"))
        })?;
        match kind.as_str() {
            "classes" => Ok(CarrierPath(Carrier::Class(ClassId(id)))),
            "folders" => Ok(CarrierPath(Carrier::Folder(FolderId(id)))),
            "documents" => Ok(CarrierPath(Carrier::Document(DocumentId(id)))),
            other => Err(WebError::not_found(format!(
                "{other:?} carries no ACL entries; use classes, folders or documents"
            ))),
        }
    }
}

/// A new ACL entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// `allowed` or `maxAllowed`.
    pub kind: AclKind,
    /// About whom: `{"type":"company"}`, `{"type":"job","id":3}`, `{"type":"responsible"}`…
    pub entity: Entity,
    /// The level for those who are the entity.
    pub value: Level,
    /// The level for the entity's office colleagues (required on `maxAllowed` for jobs, users,
    /// roles, groups and dynamic entities).
    #[serde(default)]
    pub group_value: Option<Level>,
    /// Valid from (inclusive).
    #[serde(default)]
    pub valid_from: Option<Timestamp>,
    /// Valid until (exclusive).
    #[serde(default)]
    pub valid_to: Option<Timestamp>,
}

async fn list_entries(
    State(s): State<AppState>,
    caller: Caller,
    CarrierPath(carrier): CarrierPath,
) -> ApiResult<axum::Json<Vec<AclEntry>>> {
    s.world().acl(carrier)?;
    // The rule of `may_read_acl`, with the read recorded.
    if let Some(object) = carrier_object(carrier) {
        require_read(&s, &caller, object, attribute_level(object), Read::Acl).await?;
    }
    Ok(axum::Json(s.world().acl(carrier)?.to_vec()))
}

async fn add_entry(
    State(s): State<AppState>,
    caller: Caller,
    CarrierPath(carrier): CarrierPath,
    headers: HeaderMap,
    Body(b): Body<NewEntry>,
) -> ApiResult<Tagged<AclEntry>> {
    let new = filing::NewEntry {
        carrier,
        kind: b.kind,
        entity: b.entity,
        value: b.value,
        group_value: b.group_value,
        window: Window::new(b.valid_from, b.valid_to)?,
    };
    let id = filing::add_entry(&s, &caller, acting_job(&headers)?, new)
        .await
        .map_err(|e| match carrier_object(carrier) {
            Some(object) => conceal(&s, &caller, object, e),
            None => e,
        })?;
    let entry = *s.world().entry(id)?;
    Ok(Tagged::created_record(entry))
}

async fn remove_entry(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<axum::Json<AclEntry>> {
    let entry = EntryId(id);
    let old = *s.world().entry(entry)?;
    filing::remove_entry(&s, &caller, acting_job(&headers)?, entry)
        .await
        .map_err(|e| match carrier_object(old.carrier) {
            Some(object) => conceal(&s, &caller, object, e),
            None => e,
        })?;
    Ok(axum::Json(old))
}
