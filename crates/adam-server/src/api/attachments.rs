//! Attachments: upload a file (`POST /api/v1/attachments`, the body is the file), read one
//! back (`GET /api/v1/attachments/{sha256}`), and add an uploaded one to a register record
//! that carries files (`POST …/{id}/attachments` of a risk assessment, an access review, an
//! integrity baseline).
//!
//! A thin adapter over `service::attachments`, which says who may upload and read, streams the
//! bytes into the store and back, and refuses what is too large, empty or unknown. A record
//! then carries the returned reference (an inventory item's `attachments`).

use super::guard::needs;
use super::{Api, Doc};
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError};
use crate::http::Id;
use crate::http::{Params, Segment};
use crate::service::attachments::{self as att, Upload, UploadMeta};
use crate::state::AppState;
use adam_core::attachment::{Attachable, AttachmentRef};
use adam_core::{BaselineId, ReviewId, RiskId};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use schemars::JsonSchema;
use serde::Deserialize;

const UPLOADERS: &str = "those who keep records that carry files: the information-security lead, the system administrator, user administrators and custodians; with `case`, also whoever performs that case's current step (write scope)";
const READERS: &str = "whoever may read a record that refers to the file; a file no record refers to yet, whoever uploaded it (read scope)";

pub(crate) fn routes(api: Api) -> Api {
    let t = "attachments";
    api.route(
        Method::POST,
        "/api/v1/attachments",
        Doc::new(
            t,
            "Upload a file (the request body, streamed; at most the configured limit, 25 MiB by default): answers the reference a record carries. The same bytes are stored once; every file is sealed at rest",
            UPLOADERS,
        )
        .query::<UploadQuery>()
        .response::<AttachmentRef>()
        .created(),
        post(needs(Scope::Write, upload)),
    )
    .route(
        Method::GET,
        "/api/v1/attachments/{sha256}",
        Doc::new(
            t,
            "A file by its SHA-256 digest, with its name (Content-Disposition) and media type; its digest is checked as it is read",
            READERS,
        )
        .file(),
        get(needs(Scope::Read, download)),
    )
    .route(
        Method::POST,
        "/api/v1/risk-assessments/{id}/attachments",
        Doc::new(
            t,
            "Add an uploaded file to a risk assessment (its signed report, Art. 9(3)); files are never removed, the history keeps them. Answers the assessment's files",
            "the information-security lead or the system administrator, who may refer to the file (write scope)",
        )
        .body::<FileRef>()
        .response::<Vec<AttachmentRef>>(),
        post(needs(Scope::Write, attach_risk)),
    )
    .route(
        Method::POST,
        "/api/v1/access-reviews/{id}/attachments",
        Doc::new(
            t,
            "Add an uploaded file to an access-review campaign (its minutes or signed report, Art. 51(4)). Answers the campaign's files",
            "the campaign's reviewer, the information-security lead or the system administrator, who may refer to the file (write scope)",
        )
        .body::<FileRef>()
        .response::<Vec<AttachmentRef>>(),
        post(needs(Scope::Write, attach_review)),
    )
    .route(
        Method::POST,
        "/api/v1/integrity/baselines/{id}/attachments",
        Doc::new(
            t,
            "Add an uploaded file to an integrity baseline (the approved change behind it, Art. 50(4)). Answers the baseline's files",
            "the server's custodian and operators, the information-security lead or the system administrator, who may refer to the file (write scope)",
        )
        .body::<FileRef>()
        .response::<Vec<AttachmentRef>>(),
        post(needs(Scope::Write, attach_baseline)),
    )
}

/// The reference of an uploaded file, as `POST /api/v1/attachments` answered it: the body
/// of the routes that add a file to a record (an unknown member is refused, not ignored).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// The SHA-256 digest of the file's bytes.
    pub sha256: adam_core::attachment::Digest,
    /// The file's name as uploaded.
    pub name: adam_core::Text,
    /// Its size in bytes.
    pub size: u64,
    /// Its media type as uploaded.
    #[serde(default)]
    pub media_type: Option<adam_core::Text>,
    /// What document it is (`evidence`).
    #[serde(default)]
    pub doc_type: Option<adam_core::Code>,
}

impl From<FileRef> for AttachmentRef {
    fn from(f: FileRef) -> AttachmentRef {
        AttachmentRef {
            sha256: f.sha256,
            name: f.name,
            size: f.size,
            media_type: f.media_type,
            doc_type: f.doc_type,
        }
    }
}

async fn attach_risk(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(file): Body<FileRef>,
) -> ApiResult<Json<Vec<AttachmentRef>>> {
    Ok(Json(
        att::attach(&s, &caller, Attachable::Risk(RiskId(id)), file.into()).await?,
    ))
}

async fn attach_review(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(file): Body<FileRef>,
) -> ApiResult<Json<Vec<AttachmentRef>>> {
    Ok(Json(
        att::attach(&s, &caller, Attachable::Review(ReviewId(id)), file.into()).await?,
    ))
}

async fn attach_baseline(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(file): Body<FileRef>,
) -> ApiResult<Json<Vec<AttachmentRef>>> {
    Ok(Json(
        att::attach(&s, &caller, Attachable::Baseline(BaselineId(id)), file.into()).await?,
    ))
}

/// What the uploaded file is called.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name (`soglasje-skrbnika.pdf`).
    pub name: String,
    /// What document it is, where a record asks for documents by type (`evidence`).
    #[serde(default)]
    pub doc_type: Option<String>,
    /// The case the file is for (its id): whoever performs the case's current step may upload
    /// it, besides those who may upload at all.
    #[serde(default)]
    pub case: Option<u32>,
}

async fn upload(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<UploadQuery>,
    request: Request,
) -> ApiResult<Response> {
    let headers = request.headers();
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut meta = UploadMeta::parse(&q.name, q.doc_type.as_deref(), media_type)?;
    meta.case = q.case.map(adam_core::CaseId);
    let mut upload = Upload::begin(&s, &caller, meta, declared).await?;
    let mut body = request.into_body();
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                upload.abort().await;
                return Err(WebError::new(
                    StatusCode::BAD_REQUEST,
                    "body-unreadable",
                    format!("the request body broke off: {e}"),
                )
                .sl("telo zahteve se je prekinilo"));
            }
        };
        if let Ok(data) = frame.into_data() {
            upload.push(&data).await?;
        }
    }
    let reference = upload.finish().await?;
    Ok((StatusCode::CREATED, axum::Json(reference)).into_response())
}

async fn download(State(s): State<AppState>, caller: Caller, Segment(raw): Segment) -> ApiResult<Response> {
    let digest = att::digest(&raw)?;
    let stored = att::readable(&s, &caller, &digest).await?;
    Ok(att::answer(&s, stored))
}
