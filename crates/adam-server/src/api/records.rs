//! The filing plan, folders, documents, their ACL entries and the workflow transitions.
//!
//! Reading a folder needs level 11 on it (its attributes), its document list 12, a document
//! 13 — the levels of SPEC §3.2, decided by the engine for the caller. Every such read at a
//! content level (13 and up) and every refusal is an access record, as a check is; a refusal
//! names the object's type and id and the level needed, never what the object is. Creating records and
//! every transition are authorised by the engine (writing role, responsible, recipient,
//! `[dist.main]`…). A caller holding several jobs names the one they act in with the header
//! `X-Adam-Job`.

use super::directory::if_unchanged;
use super::{Api, Doc, PageQuery, page};
use crate::auth::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::{Id, Params, created, if_match, tagged};
use crate::state::AppState;
use adam_core::*;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
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
            .ok_or_else(|| WebError::new(StatusCode::BAD_REQUEST, "invalid-header", "X-Adam-Job must be a job id")),
    }
}

macro_rules! both_kinds {
    ($api:expr, $folder_path:literal, $doc_path:literal, $doc:expr, $handler:ident) => {
        $api.route(Method::POST, $folder_path, $doc.clone(), post($handler::<false>))
            .route(Method::POST, $doc_path, $doc, post($handler::<true>))
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
            get(list_classes),
        )
        .route(
            Method::POST,
            "/api/v1/classes",
            Doc::new(t, "Add a class to the filing plan", SYSADMIN)
                .body::<NewClass>()
                .response::<FilingClass>()
                .created(),
            post(create_class),
        )
        .route(
            Method::GET,
            "/api/v1/classes/{id}",
            Doc::new(t, "A filing class", ANY).response::<FilingClass>().etag(),
            get(get_class),
        )
        .route(
            Method::PATCH,
            "/api/v1/classes/{id}",
            Doc::new(t, "Rename or move a filing class", SYSADMIN)
                .body::<ClassPatch>()
                .response::<FilingClass>()
                .etag(),
            patch(update_class),
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
            post(create_folder),
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
            get(get_folder),
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
            get(folder_documents),
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
            post(create_document),
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
            get(get_document),
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
        get(list_entries),
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
        post(add_entry),
    )
    .route(
        Method::DELETE,
        "/api/v1/acl-entries/{id}",
        Doc::new("acl", "Remove an ACL entry", "as for adding").response::<AclEntry>(),
        delete(remove_entry),
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
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<FilingClass>>> {
    caller.require(Scope::Read)?;
    let w = s.world();
    Ok(axum::Json(page(w.classes().cloned(), |c| c.id.0, q)?))
}

async fn create_class(State(s): State<AppState>, caller: Caller, Body(b): Body<NewClass>) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let plan = s
        .execute(
            &caller,
            None,
            Command::CreateClass {
                code: b.code,
                name: b.name,
                parent: b.parent,
            },
        )
        .await?;
    let Some(Created::Class(id)) = plan.created else {
        return Err(WebError::internal(&"class not created"));
    };
    let class = s.world().class(id)?.clone();
    Ok(created(class.rev, &class))
}

async fn get_class(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    caller.require(Scope::Read)?;
    let class = s.world().class(ClassId(id))?.clone();
    Ok(tagged(class.rev, &class))
}

async fn update_class(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(p): Body<ClassPatch>,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let class = ClassId(id);
    let current = s.world().class(class)?.clone();
    if_match(&headers, current.rev)?;
    let command = Command::UpdateClass {
        class,
        name: p.name.unwrap_or(current.name),
        parent: p.parent.unwrap_or(current.parent),
    };
    let rev = current.rev;
    s.execute_guarded(&caller, None, command, move |w| if_unchanged(w.class(class)?.rev, rev))
        .await?;
    let class = s.world().class(class)?.clone();
    Ok(tagged(class.rev, &class))
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

/// The least level at which a record's attributes and its ACL are read (SPEC §3.2): 11 on a
/// folder, 13 on a document.
pub(crate) fn attribute_level(object: ObjectRef) -> Level {
    match object {
        ObjectRef::Folder(_) => Level::View11,
        ObjectRef::Document(_) => Level::View13,
    }
}

/// The folder or document carrying entries (none for a filing class).
pub(crate) fn carrier_object(carrier: Carrier) -> Option<ObjectRef> {
    match carrier {
        Carrier::Class(_) => None,
        Carrier::Folder(f) => Some(ObjectRef::Folder(f)),
        Carrier::Document(d) => Some(ObjectRef::Document(d)),
    }
}

/// Whether the caller may read the ACL entries a carrier carries — the rule of
/// `GET /api/v1/acl/{kind}/{id}`: a filing class's anyone, a folder's or a document's whoever
/// may read its attributes.
pub(crate) fn may_read_acl(w: &World, caller: &Caller, carrier: Carrier, now: Timestamp) -> bool {
    let Some(object) = carrier_object(carrier) else {
        return true;
    };
    w.check(caller.user, object, now, Session { mfa: caller.mfa })
        .is_ok_and(|l| l >= attribute_level(object))
}

/// What a direct read reads; its access record's action is `access.read.<what>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// A folder's attributes.
    Folder,
    /// A folder's document list.
    Documents,
    /// A document's attributes.
    Document,
    /// An object's ACL entries.
    Acl,
    /// An object's history in the audit trail.
    History,
    /// The UI's page of the object.
    Page,
}

impl Read {
    fn action(self) -> &'static str {
        match self {
            Read::Folder => "access.read.folder",
            Read::Documents => "access.read.documents",
            Read::Document => "access.read.document",
            Read::Acl => "access.read.acl",
            Read::History => "access.read.history",
            Read::Page => "access.read.page",
        }
    }
}

/// The refusal of a read: what was refused (the object's type and id) and the level needed,
/// never what the object is (its title, classification or entries). A refusal only for want
/// of a second factor, where the factor would be enough, says how to show one (Art. 53).
pub(crate) fn refusal(object: ObjectRef, min: Level, d: &Decision) -> WebError {
    let (kind, id) = match object {
        ObjectRef::Folder(f) => ("folder", f.0),
        ObjectRef::Document(d) => ("document", d.0),
    };
    let err = match d.rule {
        Some(Rule::MfaRequired { level_with_mfa }) if level_with_mfa >= min => WebError::forbidden(
            "mfa-required",
            format!(
                "this needs level {min} on {kind} {id} and a session that showed a second factor: \
                 step up with POST /api/v1/auth/step-up (an API token cannot)"
            ),
        ),
        _ => WebError::forbidden(
            "insufficient-level",
            format!("this needs level {min} on {kind} {id}; you have {}", d.level),
        ),
    };
    err.with("level", d.level.value())
}

/// A refused change to an object the caller may not read says no more than a refused read:
/// the engine checks a workflow's rules (second factor, state, responsible job) before the
/// actor's rights, and its message would tell a stranger what the object is (Z3, closed,
/// whose). A caller below the object's attribute level gets the read's refusal instead.
pub(crate) fn conceal(s: &AppState, caller: &Caller, object: ObjectRef, e: WebError) -> WebError {
    if !matches!(
        e.status,
        StatusCode::FORBIDDEN | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
    ) {
        return e;
    }
    let w = s.world();
    let min = attribute_level(object);
    match w.explain(caller.user, object, s.now(), Session { mfa: caller.mfa }) {
        Ok(d) if d.level < min => refusal(object, min, &d),
        _ => e,
    }
}

/// Refuses unless the caller has at least `min` on the object. Every read at a content level
/// (13 and up) and every refusal is an access record, as a check is (SPEC §5).
pub(crate) async fn require_read(
    s: &AppState,
    caller: &Caller,
    object: ObjectRef,
    min: Level,
    what: Read,
) -> ApiResult<Level> {
    let (outcome, record) = {
        let w = s.world();
        let d = w.explain(caller.user, object, s.now(), Session { mfa: caller.mfa })?;
        let record = super::decisions::read_record(s, caller, object, d.level, min, what.action());
        let outcome = if d.level >= min {
            Ok(d.level)
        } else {
            Err(refusal(object, min, &d))
        };
        (outcome, record)
    };
    // The world's read guard is released before waiting for room in the access queue.
    if let Some(record) = record {
        s.record_access(vec![record]).await;
    }
    outcome
}

async fn create_folder(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(b): Body<NewFolder>,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let command = Command::NewFolder {
        app: b.app,
        class: b.class,
        title: b.title,
        classification: b.classification,
    };
    let plan = s.execute(&caller, acting_job(&headers)?, command).await?;
    let Some(Created::Folder(id)) = plan.created else {
        return Err(WebError::internal(&"folder not created"));
    };
    let folder = s.world().folder(id)?.clone();
    Ok(created(folder.rev, &folder))
}

async fn get_folder(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    caller.require(Scope::Read)?;
    let object = ObjectRef::Folder(FolderId(id));
    s.world().folder(FolderId(id))?;
    let level = require_read(&s, &caller, object, Level::View11, Read::Folder).await?;
    let folder = s.world().folder(FolderId(id))?.clone();
    Ok(tagged(folder.rev, &FolderView { folder, level }))
}

async fn folder_documents(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<PageQuery>,
) -> ApiResult<axum::Json<Page<DocumentSummary>>> {
    caller.require(Scope::Read)?;
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
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let command = Command::NewDocument {
        folder: FolderId(id),
        title: b.title,
        classification: b.classification,
    };
    let plan = s
        .execute(&caller, acting_job(&headers)?, command)
        .await
        .map_err(|e| conceal(&s, &caller, ObjectRef::Folder(FolderId(id)), e))?;
    let Some(Created::Document(doc)) = plan.created else {
        return Err(WebError::internal(&"document not created"));
    };
    let document = s.world().document(doc)?.clone();
    Ok(created(document.rev, &document))
}

async fn get_document(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Response> {
    caller.require(Scope::Read)?;
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
    Ok(tagged(document.rev, &DocumentView { document, level }))
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
    command: Command,
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    s.execute(&caller, acting_job(&headers)?, command)
        .await
        .map_err(|e| conceal(&s, &caller, object, e))?;
    let w = s.world();
    Ok(match object {
        ObjectRef::Folder(f) => {
            let folder = w.folder(f)?.clone();
            tagged(folder.rev, &ObjectRecord::Folder(folder))
        }
        ObjectRef::Document(d) => {
            let document = w.document(d)?.clone();
            tagged(document.rev, &ObjectRecord::Document(document))
        }
    })
}

async fn notify_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<NotifyBody>,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    let command = Command::Notify {
        object,
        jobs: b.jobs,
        users: b.users,
    };
    transition(s, caller, headers, object, command).await
}

async fn hand_over_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<HandOverBody>,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Command::HandOver { object, to: b.to }).await
}

async fn accept_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Command::Accept { object }).await
}

async fn reject_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Command::Reject { object }).await
}

async fn close_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Command::Close { object }).await
}

async fn reopen_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    transition(s, caller, headers, object, Command::Reopen { object }).await
}

async fn reclassify_handler<const DOC: bool>(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<ReclassifyBody>,
) -> ApiResult<Response> {
    let object = object_of::<DOC>(id);
    let command = Command::Reclassify {
        object,
        classification: b.classification,
        reason: b.reason,
    };
    transition(s, caller, headers, object, command).await
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
    caller.require(Scope::Read)?;
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
) -> ApiResult<Response> {
    caller.require(Scope::Write)?;
    let command = Command::AddEntry {
        carrier,
        kind: b.kind,
        entity: b.entity,
        value: b.value,
        group_value: b.group_value,
        window: Window::new(b.valid_from, b.valid_to)?,
    };
    let plan = s
        .execute(&caller, acting_job(&headers)?, command)
        .await
        .map_err(|e| match carrier_object(carrier) {
            Some(object) => conceal(&s, &caller, object, e),
            None => e,
        })?;
    let Some(Created::Entry(id)) = plan.created else {
        return Err(WebError::internal(&"entry not created"));
    };
    let entry = *s.world().entry(id)?;
    Ok(created(entry.rev, &entry))
}

async fn remove_entry(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<axum::Json<AclEntry>> {
    caller.require(Scope::Write)?;
    let entry = EntryId(id);
    let old = *s.world().entry(entry)?;
    s.execute(&caller, acting_job(&headers)?, Command::RemoveEntry { entry })
        .await
        .map_err(|e| match carrier_object(old.carrier) {
            Some(object) => conceal(&s, &caller, object, e),
            None => e,
        })?;
    Ok(axum::Json(old))
}
