//! Attachments: the files register records carry (a consent scan, a review report), one store
//! for every register (`adam_store::attachments`), whichever door they come in by — the API's
//! `POST /api/v1/attachments` (`api/attachments.rs`) or an item page's upload form
//! (`ui/inventory/attachments.rs`).
//!
//! - **Upload** ([`Upload`]): the bytes are taken as they arrive, hashed (SHA-256) and stored
//!   in chunks of 256 KiB, so a large file never sits whole in memory; above the configured
//!   limit ([`crate::Config::attachment_max_bytes`], 25 MiB by default) the upload is dropped
//!   and refused (`attachment-too-large`, naming the limit), an empty one too. The same bytes
//!   uploaded twice are stored once. Every file is sealed at rest under `attachments.key`
//!   (the Decree's Art. 60(3) asks it for Z2/Z3 records outside secured areas; ADAM seals every
//!   attachment, the stricter reading).
//! - **Reading** ([`may_read`]): a file is read by whoever may read a record that refers to it;
//!   a file no record refers to yet, only by those who uploaded it. A reader of such records
//!   is told that any other file does not exist (404), so a digest does not reveal what is
//!   stored; someone who reads no such record is refused outright (403).
//! - **Referring** ([`require_attachable`]): a command naming an attachment is refused unless
//!   the file is stored with that size and the caller uploaded it or may read it
//!   (`unknown-attachment`) — knowing a digest from a record's view is not enough to carry the
//!   file over to another record.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::attachment::{Attachable, AttachmentRef, Digest};
use adam_core::*;
use adam_store::attachments::CHUNK;
use adam_store::{NewUpload, StoredAttachment, UploadId};
use axum::body::Bytes;
use axum::http::StatusCode;
use sha2::Digest as _;

/// The default largest attachment, in bytes (25 MiB), kept beside the state's settings.
pub use crate::state::DEFAULT_ATTACHMENT_MAX_BYTES as DEFAULT_MAX_BYTES;

/// Whether `caller` may read a record that refers to the file `digest`. **Every record kind
/// that carries attachments has its arm here** (like `Event::attachments` in the core); a
/// kind that gains attachments adds one.
pub fn may_read(w: &World, caller: &Caller, digest: &Digest, now: Timestamp) -> bool {
    let refers = |list: &[AttachmentRef]| list.iter().any(|a| a.sha256 == *digest);
    let inventory_reader = || crate::service::inventory::reader(w, caller, now).is_some();
    // Inventory items and risk assessments: read by the inventory's readers
    // (`service::inventory::reader`, who also read the risk register).
    if (w.items().iter().any(|i| refers(&i.fields.attachments))
        || w.risk_assessments().iter().any(|r| refers(&r.attachments)))
        && inventory_reader()
    {
        return true;
    }
    // Access reviews: their reviewer and the register keepers.
    if w.access_reviews()
        .iter()
        .any(|r| refers(&r.attachments) && crate::service::review::sees_review(w, caller, r, now))
    {
        return true;
    }
    // Integrity baselines: whoever reads their server's integrity.
    if w.baselines().iter().any(|b| {
        refers(&b.attachments)
            && w.item(b.server)
                .is_ok_and(|server| crate::service::integrity::may_read(w, caller, server, now))
    }) {
        return true;
    }
    // Process cases: read by whoever reads the case (`service::process::may_read`).
    w.cases().iter().any(|c| {
        (refers(&c.attachments) || c.history.iter().any(|t| refers(&t.attachments)))
            && crate::service::process::may_read(w, caller, c, now)
    })
}

/// Whether `caller` may upload files at all: whoever may change a record that carries them
/// (the inventory's readers, among whom its keepers and custodians — so the security lead and
/// the custodians attach to cases too). A kind that gains
/// attachments adds its writers here.
pub fn may_upload(w: &World, caller: &Caller, now: Timestamp) -> bool {
    crate::service::inventory::reader(w, caller, now).is_some()
}

/// Whether `caller` may upload a file for `case`: whoever may upload at all, and whoever
/// performs the case's current step now — a step may ask for a document (an independent
/// assessor's report, Art. 23) from someone who keeps no other record.
pub fn may_upload_for(w: &World, caller: &Caller, case: CaseId, now: Timestamp) -> bool {
    may_upload(w, caller, now) || w.case(case).is_ok_and(|c| w.performers(c, now).contains(&caller.user))
}

fn not_uploader() -> WebError {
    WebError::forbidden(
        "not-an-attachment-writer",
        "files are uploaded by those who keep records that carry them: the information-security lead, the system administrator, user administrators and custodians; and for a case, by whoever performs its current step",
    )
    .sl("datoteke nalagajo tisti, ki vodijo zapise z datotekami: vodja informacijske varnosti, sistemski skrbnik, skrbniki uporabnikov in skrbniki sistemov; za zadevo pa tudi izvajalec njenega trenutnega koraka")
}

/// 413: the file is over the limit.
pub fn too_large(limit: u64) -> WebError {
    let mib = limit as f64 / (1024.0 * 1024.0);
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "attachment-too-large",
        format!("the file is larger than the limit of {limit} bytes ({mib:.1} MiB)"),
    )
    .sl(format!("datoteka je večja od omejitve {limit} bajtov ({mib:.1} MiB)"))
    .with("limit", limit)
}

/// 422: nothing was sent.
pub fn empty() -> WebError {
    WebError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "empty-attachment",
        "the file is empty",
    )
    .sl("datoteka je prazna")
}

/// 400: a path that is not a SHA-256 digest.
pub fn bad_digest(raw: &str) -> WebError {
    let shown: String = raw.chars().take(80).collect();
    WebError::new(
        StatusCode::BAD_REQUEST,
        "bad-digest",
        format!("{shown:?} is not a SHA-256 digest (64 hexadecimal digits)"),
    )
    .sl(format!("{shown:?} ni izvleček SHA-256 (64 šestnajstiških števk)"))
}

/// 404: no file the caller may read has this digest.
fn unknown(digest: &Digest) -> WebError {
    WebError::not_found(format!("no attachment {digest}")).sl(format!("priponka {digest} ne obstaja"))
}

/// 422: a command names a file that is not stored (or not the caller's to refer to).
fn unknown_attachment(digest: &Digest) -> WebError {
    crate::error::unknown_attachment(digest.as_str())
}

/// Parses a digest from a path.
pub fn digest(raw: &str) -> ApiResult<Digest> {
    Digest::parse("sha256", raw).map_err(|_| bad_digest(raw))
}

/// What an upload is called, as the caller said it.
#[derive(Clone, Debug)]
pub struct UploadMeta {
    /// The file's name.
    pub name: Text,
    /// Its media type (from `Content-Type`).
    pub media_type: Option<Text>,
    /// What document it is.
    pub doc_type: Option<Code>,
    /// The case it is for: the performers of its current step may upload it.
    pub case: Option<CaseId>,
}

impl UploadMeta {
    /// Parses the name, the document type and the media type as sent.
    pub fn parse(name: &str, doc_type: Option<&str>, media_type: Option<&str>) -> ApiResult<UploadMeta> {
        // A path a browser sends with the name is cut to its last part.
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        Ok(UploadMeta {
            name: Text::parse("name", name)?,
            media_type: media_type
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(|m| Text::parse("media_type", m))
                .transpose()?,
            doc_type: doc_type
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| Code::parse("doc_type", d))
                .transpose()?,
            case: None,
        })
    }
}

/// An upload under way: feed it the bytes as they come ([`Upload::push`]), then
/// [`Upload::finish`]. Dropped without finishing, it leaves a row without a digest that
/// nothing can refer to and the store sweeps a day later; a refusal drops its bytes at once.
pub struct Upload {
    s: AppState,
    id: UploadId,
    meta: UploadMeta,
    hasher: sha2::Sha256,
    size: u64,
    seq: u32,
    buffer: Vec<u8>,
    limit: u64,
}

impl Upload {
    /// Begins an upload for `caller`; refuses callers who may not upload, and a declared
    /// length (`Content-Length`) over the limit before any byte is read.
    pub async fn begin(s: &AppState, caller: &Caller, meta: UploadMeta, declared: Option<u64>) -> ApiResult<Upload> {
        // Checked here although the API's route and the UI's upload form check it before: the
        // demo (`demo::executor`) uploads through this too, with no route in front.
        caller.require(Scope::Write)?;
        let allowed = match meta.case {
            Some(case) => may_upload_for(&s.world(), caller, case, s.now()),
            None => may_upload(&s.world(), caller, s.now()),
        };
        if !allowed {
            return Err(not_uploader());
        }
        let limit = s.config.attachment_max_bytes;
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large(limit));
        }
        let store = s.store.clone();
        let (name, media_type, user, at) = (
            meta.name.to_string(),
            meta.media_type.as_ref().map(ToString::to_string),
            caller.user,
            s.now(),
        );
        let id = blocking(move || {
            store.begin_attachment(&NewUpload {
                name: &name,
                media_type: media_type.as_deref(),
                uploaded_by: Some(user),
                at,
            })
        })
        .await??;
        Ok(Upload {
            s: s.clone(),
            id,
            meta,
            hasher: sha2::Sha256::new(),
            size: 0,
            seq: 0,
            buffer: Vec::with_capacity(CHUNK),
            limit,
        })
    }

    /// Takes the next bytes; refuses (and drops the upload) past the limit.
    pub async fn push(&mut self, mut data: &[u8]) -> ApiResult<()> {
        self.size += data.len() as u64;
        if self.size > self.limit {
            self.abort().await;
            return Err(too_large(self.limit));
        }
        self.hasher.update(data);
        while !data.is_empty() {
            let room = CHUNK - self.buffer.len();
            let (now, rest) = data.split_at(room.min(data.len()));
            self.buffer.extend_from_slice(now);
            data = rest;
            if self.buffer.len() == CHUNK {
                self.flush().await?;
            }
        }
        Ok(())
    }

    /// Writes the buffered chunk.
    async fn flush(&mut self) -> ApiResult<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        let (store, id, seq) = (self.s.store.clone(), self.id, self.seq);
        match blocking(move || store.put_attachment_chunk(id, seq, &chunk)).await {
            Ok(Ok(())) => {
                self.seq += 1;
                Ok(())
            }
            Ok(Err(e)) => {
                self.abort().await;
                Err(e.into())
            }
            Err(e) => {
                self.abort().await;
                Err(e)
            }
        }
    }

    /// Drops what was stored of the upload.
    pub async fn abort(&mut self) {
        let (store, id) = (self.s.store.clone(), self.id);
        if let Ok(Err(e)) = blocking(move || store.abort_attachment(id)).await {
            tracing::warn!(error = %e, "an abandoned upload was not dropped; the store sweeps it later");
        }
    }

    /// Finishes the upload: the reference a record can carry. Refuses an empty file.
    pub async fn finish(mut self) -> ApiResult<AttachmentRef> {
        if self.size == 0 {
            self.abort().await;
            return Err(empty());
        }
        self.flush().await?;
        let digest = Digest::parse("sha256", &hex::encode(self.hasher.clone().finalize()))?;
        let (store, id, size, chunks) = (self.s.store.clone(), self.id, self.size, self.seq);
        let wanted = digest.clone();
        let stored = blocking(move || store.finish_attachment(id, &wanted, size, chunks)).await??;
        Ok(AttachmentRef {
            sha256: stored.digest,
            name: self.meta.name,
            size: stored.size,
            media_type: self.meta.media_type,
            doc_type: self.meta.doc_type,
        })
    }
}

/// The stored file with this digest, if `caller` may read it (see [`may_read`]); 404
/// otherwise, whether it exists or not.
pub async fn readable(s: &AppState, caller: &Caller, digest: &Digest) -> ApiResult<StoredAttachment> {
    // Kept: the UI's download reads the digest (a 400) before this, its route no scope.
    caller.require(Scope::Read)?;
    let by_record = may_read(&s.world(), caller, digest, s.now());
    let (store, wanted, user) = (s.store.clone(), digest.clone(), caller.user);
    let (stored, uploaded) = blocking(move || -> Result<_, adam_store::StoreError> {
        Ok((store.attachment(&wanted)?, store.uploaded_by(&wanted, user)?))
    })
    .await??;
    match stored {
        Some(stored) if by_record || uploaded => Ok(stored),
        // Someone who reads no record that carries files is refused as such (whether or not
        // the file exists); a reader of such records learns only that this one is not theirs.
        _ if !may_upload(&s.world(), caller, s.now()) => Err(not_reader()),
        _ => Err(unknown(digest)),
    }
}

fn not_reader() -> WebError {
    WebError::forbidden(
        "not-an-attachment-reader",
        "files are read by those who may read a record that refers to them, and by whoever uploaded them",
    )
    .sl("datoteke berejo tisti, ki smejo brati zapis, ki se nanje sklicuje, in kdor jih je naložil")
}

/// Adds the stored file `file` to the register record `to` through the one write path
/// (`Command::AttachFile`): refused unless the caller may refer to the file
/// ([`require_attachable`]) and keep the record (the engine); the store checks the file once
/// more in the change's own transaction. Answers the record's files after the change. The
/// write scope is checked before, by every caller: the API's routes (`needs(Scope::Write, …)`)
/// and the UI's upload form (`ui::upload::read`).
pub async fn attach(
    s: &AppState,
    caller: &Caller,
    to: Attachable,
    file: AttachmentRef,
) -> ApiResult<Vec<AttachmentRef>> {
    let command = Command::AttachFile { to, file: file.clone() };
    {
        // The engine's answer first (no such record, not its keeper, the file already on it),
        // so that someone who may not add to the record learns nothing about the file.
        let w = s.world();
        files_of(&w, to)?;
        w.plan(&caller.actor(None), command.clone(), s.now())
            .map_err(|e| WebError::from_engine(e, &w))?;
    }
    require_attachable(s, caller, std::slice::from_ref(&file)).await?;
    s.execute(caller, None, command).await?;
    files_of(&s.world(), to)
}

/// The files a record carries (404 for a record that does not exist).
pub fn files_of(w: &World, to: Attachable) -> ApiResult<Vec<AttachmentRef>> {
    Ok(match to {
        Attachable::Risk(id) => w.risk_assessment(id)?.attachments.clone(),
        Attachable::Review(id) => w.access_review(id)?.attachments.clone(),
        Attachable::Baseline(id) => w.baseline(id)?.attachments.clone(),
    })
}

/// Refuses references to files that are not stored with their size, or that the caller
/// neither uploaded nor may read (`unknown-attachment`).
pub async fn require_attachable(s: &AppState, caller: &Caller, refs: &[AttachmentRef]) -> ApiResult<()> {
    for r in refs {
        let readable = may_read(&s.world(), caller, &r.sha256, s.now());
        let (store, wanted, user) = (s.store.clone(), r.sha256.clone(), caller.user);
        let (stored, uploaded) = blocking(move || -> Result<_, adam_store::StoreError> {
            Ok((store.attachment(&wanted)?, store.uploaded_by(&wanted, user)?))
        })
        .await??;
        let fits = stored.is_some_and(|st| st.size == r.size);
        if !fits || !(readable || uploaded) {
            return Err(unknown_attachment(&r.sha256));
        }
    }
    Ok(())
}

/// A download: the stored file's chunks, sent one after another as the client takes them
/// (at most two chunks wait in memory), the digest checked at the end — a file that does not
/// match breaks off the transfer rather than end as if whole.
pub struct Download {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
}

impl Download {
    /// Starts reading `stored` from the store.
    pub fn start(s: &AppState, stored: StoredAttachment) -> Download {
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        let store = s.store.clone();
        tokio::spawn(async move {
            let mut hasher = sha2::Sha256::new();
            for seq in 0..stored.chunks {
                let (store, digest) = (store.clone(), stored.digest.clone());
                let chunk = match blocking(move || store.attachment_chunk(&digest, seq)).await {
                    Ok(Ok(Some(chunk))) => chunk,
                    outcome => {
                        let why = match outcome {
                            Ok(Err(e)) => e.to_string(),
                            Err(e) => e.detail,
                            _ => "the chunk is missing".to_owned(),
                        };
                        tracing::error!(digest = %stored.digest, seq, %why, "an attachment chunk could not be read");
                        let _ = tx.send(Err(std::io::Error::other("attachment chunk unreadable"))).await;
                        return;
                    }
                };
                hasher.update(&chunk);
                if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                    return; // the client went away
                }
            }
            if hex::encode(hasher.finalize()) != stored.digest.as_str() {
                tracing::error!(digest = %stored.digest, "an attachment does not match its digest");
                let _ = tx
                    .send(Err(std::io::Error::other("attachment does not match its digest")))
                    .await;
            }
        });
        Download { rx }
    }
}

impl http_body::Body for Download {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|next| next.map(|r| r.map(http_body::Frame::data)))
    }
}

/// The download's `Content-Disposition`: always an attachment (never shown inline in ADAM's
/// origin), the name in ASCII and, for other characters, RFC 5987's `filename*`.
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The media type a download is sent with: the stored one when it reads as `type/subtype`,
/// else `application/octet-stream`.
pub fn content_type(stored: &StoredAttachment) -> String {
    stored
        .media_type
        .as_deref()
        .filter(|m| {
            let essence = m.split(';').next().unwrap_or("").trim();
            let mut parts = essence.split('/');
            let ok = |p: Option<&str>| {
                p.is_some_and(|p| {
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
                })
            };
            ok(parts.next()) && ok(parts.next()) && parts.next().is_none() && m.is_ascii()
        })
        .unwrap_or("application/octet-stream")
        .to_owned()
}

/// Answers a download: the file's bytes as they are read, its type and name, and headers
/// that keep a browser from running it in ADAM's origin.
pub fn answer(s: &AppState, stored: StoredAttachment) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut response = axum::response::Response::new(axum::body::Body::new(Download::start(s, stored.clone())));
    let headers = response.headers_mut();
    let mut put = |name, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    put(header::CONTENT_TYPE, content_type(&stored));
    put(header::CONTENT_LENGTH, stored.size.to_string());
    put(header::CONTENT_DISPOSITION, disposition(&stored.name));
    put(
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'".to_owned(),
    );
    put(header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned());
    put(header::CACHE_CONTROL, "private, no-store".to_owned());
    put(header::ETAG, format!("\"{}\"", stored.digest));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sent_safely() {
        assert_eq!(
            disposition("poročilo \"v1\".pdf"),
            "attachment; filename=\"poro_ilo _v1_.pdf\"; filename*=UTF-8''poro%C4%8Dilo%20%22v1%22.pdf"
        );
    }
}
