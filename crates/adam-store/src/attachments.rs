//! The attachment store ([`Attachments`]): the bytes of the files register records refer to,
//! kept in the database (so a backup or a standby of the database carries them),
//! content-addressed by the SHA-256 digest of the plaintext and sealed at rest.
//!
//! A file is written and read **chunk by chunk** ([`CHUNK`] bytes at most each), never whole:
//! an upload is begun (a row without a digest), its chunks are appended each in a short write
//! transaction (a slow client never holds the one writer for the length of its upload), and it
//! is finished with the digest the caller computed while streaming. Finishing a digest that is
//! already stored drops the new copy: the same file is stored once. A row without a digest
//! (an upload that broke off) is not addressable, and is swept a day later.
//!
//! A file becomes part of a record in **the record's own transaction** ([`refer`], called by
//! the one writer of changes): it checks the file is stored with the size the record gives and
//! writes a reference row, so a committed record never names a missing file and a rolled-back
//! one leaves only an upload nobody used — swept, like a broken-off one, a day after it began.
//!
//! Every chunk is sealed with XChaCha20-Poly1305 under `attachments.key` in the key directory
//! (created on first use, never in the database): a fresh random 192-bit nonce per chunk, and
//! the attachment's row id and the chunk's number as associated data, so a chunk moved to
//! another file or another place does not open. Reading back checks the digest of the whole
//! ([`read_attachment`]): a file that was truncated or re-ordered is refused.

use crate::StoreError;
use crate::hex::hex;
use crate::keys::Keyring;
use crate::sql::{Backend, Row, Tx, Val, Writes, one, req_int, req_text, rev_val, write_error};
use adam_core::attachment::Digest;
use adam_core::{Event, Timestamp, UserId};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::Digest as _;

/// The largest chunk, in bytes of plaintext.
pub const CHUNK: usize = 256 * 1024;

/// How long an upload that was begun and not finished is kept before it is swept, in seconds.
const ABANDONED_AFTER: i64 = 24 * 3600;

const NONCE: usize = 24;

/// An upload under way: the row its chunks are appended to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadId(pub i64);

/// What is known of an upload when it begins.
#[derive(Clone, Debug)]
pub struct NewUpload<'a> {
    /// The file's name as uploaded.
    pub name: &'a str,
    /// Its media type as uploaded.
    pub media_type: Option<&'a str>,
    /// Who uploads it (until a record refers to it, only they may read it).
    pub uploaded_by: Option<UserId>,
    /// When.
    pub at: Timestamp,
}

/// A stored file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAttachment {
    /// The SHA-256 digest of its plaintext.
    pub digest: Digest,
    /// Its size in bytes.
    pub size: u64,
    /// How many chunks hold it.
    pub chunks: u32,
    /// Its name as first uploaded.
    pub name: String,
    /// Its media type as first uploaded.
    pub media_type: Option<String>,
    /// Whether its chunks are sealed (always, in this version).
    pub encrypted: bool,
    /// Who first uploaded it.
    pub uploaded_by: Option<UserId>,
    /// When it was first uploaded.
    pub created_at: Timestamp,
}

/// The attachment store: write a file chunk by chunk, read it back chunk by chunk.
pub trait Attachments {
    /// Begins an upload (and sweeps uploads abandoned a day before `upload.at`).
    fn begin_attachment(&self, upload: &NewUpload<'_>) -> Result<UploadId, StoreError>;

    /// Appends chunk number `seq` (from 0, in order) of an upload; `plain` is at most [`CHUNK`]
    /// bytes, sealed here.
    fn put_attachment_chunk(&self, upload: UploadId, seq: u32, plain: &[u8]) -> Result<(), StoreError>;

    /// Finishes an upload of `chunks` chunks and `size` bytes whose plaintext has `digest`:
    /// the stored file (the one already stored, when the digest was known: the new copy goes).
    fn finish_attachment(
        &self,
        upload: UploadId,
        digest: &Digest,
        size: u64,
        chunks: u32,
    ) -> Result<StoredAttachment, StoreError>;

    /// Drops an upload that will not be finished.
    fn abort_attachment(&self, upload: UploadId) -> Result<(), StoreError>;

    /// The stored file with this digest.
    fn attachment(&self, digest: &Digest) -> Result<Option<StoredAttachment>, StoreError>;

    /// Chunk `seq` of the stored file with this digest, opened.
    fn attachment_chunk(&self, digest: &Digest, seq: u32) -> Result<Option<Vec<u8>>, StoreError>;

    /// Whether `user` uploaded the file with this digest (first or again).
    fn uploaded_by(&self, digest: &Digest, user: UserId) -> Result<bool, StoreError>;
}

fn cipher(keys: &Keyring) -> Result<XChaCha20Poly1305, StoreError> {
    Ok(XChaCha20Poly1305::new(&keys.attachments_key()?.into()))
}

/// What a chunk's seal is bound to besides the key: the purpose, the file's row and the place.
fn associated(id: i64, seq: u32) -> Vec<u8> {
    format!("adam attachment {id} chunk {seq}").into_bytes()
}

fn seal(keys: &Keyring, id: i64, seq: u32, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut nonce = [0u8; NONCE];
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Keys(format!("no randomness: {e}")))?;
    let aad = associated(id, seq);
    let sealed = cipher(keys)?
        .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: &aad })
        .map_err(|_| StoreError::Keys("an attachment chunk could not be sealed".to_owned()))?;
    let mut out = Vec::with_capacity(NONCE + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn open(keys: &Keyring, id: i64, seq: u32, stored: &[u8]) -> Result<Vec<u8>, StoreError> {
    let (nonce, sealed) = stored
        .split_at_checked(NONCE)
        .ok_or_else(|| StoreError::Corrupt(format!("attachment {id} chunk {seq} is too short")))?;
    let nonce: [u8; NONCE] = nonce
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("attachment {id} chunk {seq} has no nonce")))?;
    let aad = associated(id, seq);
    cipher(keys)?
        .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: &aad })
        .map_err(|_| {
            StoreError::Keys(format!(
                "attachment {id} chunk {seq} does not open with {}: the key directory is not the one \
                 it was sealed with (or the row was altered)",
                keys.dir().join(crate::keys::ATTACHMENTS_KEY_FILE).display()
            ))
        })
}

const COLUMNS: &str = "SELECT digest, size, chunks, name, media_type, encrypted, uploaded_by, created_at \
                       FROM attachments WHERE digest = $1";

fn stored_of(row: &dyn Row) -> Result<StoredAttachment, StoreError> {
    const T: &str = "attachments";
    let number =
        |i, c| u64::try_from(req_int(row, i, T, c)?).map_err(|_| StoreError::Corrupt(format!("{T}.{c} is negative")));
    Ok(StoredAttachment {
        digest: Digest::parse("digest", req_text(row, 0, T, "digest")?)
            .map_err(|_| StoreError::Corrupt(format!("{T}.digest is not a digest")))?,
        size: number(1, "size")?,
        chunks: u32::try_from(number(2, "chunks")?).map_err(|_| StoreError::Corrupt(format!("{T}.chunks")))?,
        name: req_text(row, 3, T, "name")?.to_owned(),
        media_type: row.text(4)?.map(str::to_owned),
        encrypted: row.boolean(5)?,
        uploaded_by: row
            .int(6)?
            .map(|v| u32::try_from(v).map(UserId))
            .transpose()
            .map_err(|_| StoreError::Corrupt(format!("{T}.uploaded_by")))?,
        created_at: Timestamp(req_int(row, 7, T, "created_at")?),
    })
}

fn by_digest(tx: &mut dyn Tx, digest: &Digest) -> Result<Option<StoredAttachment>, StoreError> {
    one(tx, COLUMNS, &[Val::text(digest.as_str())], stored_of)
}

fn drop_upload(tx: &mut dyn Tx, writes: &mut Writes, upload: UploadId) -> Result<(), StoreError> {
    writes
        .exec(
            tx,
            "DELETE FROM attachment_chunks WHERE attachment = $1",
            &[Val::int(upload.0)],
        )
        .map_err(write_error)?;
    writes
        .exec(
            tx,
            "DELETE FROM attachments WHERE id = $1 AND digest IS NULL",
            &[Val::int(upload.0)],
        )
        .map_err(write_error)?;
    Ok(())
}

/// The rows of uploads nobody used, begun before `$1`: broken off (no digest), or finished
/// and named by no committed record ([`refer`]). (A macro: the statements below must be
/// `'static` strings, which the writer caches.)
macro_rules! unused {
    () => {
        "SELECT id FROM attachments WHERE created_at < $1 AND (digest IS NULL OR NOT EXISTS \
         (SELECT 1 FROM attachment_refs r WHERE r.digest = attachments.digest))"
    };
}

fn begin(tx: &mut dyn Tx, writes: &mut Writes, upload: &NewUpload<'_>) -> Result<UploadId, StoreError> {
    let stale = upload.at.0 - ABANDONED_AFTER;
    for sweep in [
        concat!("DELETE FROM attachment_chunks WHERE attachment IN (", unused!(), ")"),
        concat!("DELETE FROM attachment_uploaders WHERE attachment IN (", unused!(), ")"),
        concat!("DELETE FROM attachments WHERE id IN (", unused!(), ")"),
    ] {
        writes.exec(tx, sweep, &[Val::int(stale)]).map_err(write_error)?;
    }
    writes.checkpoint()?;
    let id = one(
        tx,
        "INSERT INTO attachments (name, media_type, encrypted, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            Val::text(upload.name),
            Val::opt_text(upload.media_type),
            Val::Bool(true),
            Val::opt_int(upload.uploaded_by.map(|u| u.0)),
            Val::int(upload.at.0),
        ],
        |row| req_int(row, 0, "attachments", "id"),
    )?
    .ok_or_else(|| StoreError::Database("the attachment insert returned no id".to_owned()))?;
    Ok(UploadId(id))
}

fn finish(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    upload: UploadId,
    digest: &Digest,
    size: u64,
    chunks: u32,
) -> Result<StoredAttachment, StoreError> {
    let uploader = one(
        tx,
        "SELECT uploaded_by FROM attachments WHERE id = $1 AND digest IS NULL",
        &[Val::int(upload.0)],
        |row| row.int(0),
    )?
    .ok_or_else(|| StoreError::NotFound(format!("upload {}", upload.0)))?;
    let note_uploader = |tx: &mut dyn Tx, writes: &mut Writes| -> Result<(), StoreError> {
        if let Some(user) = uploader {
            writes
                .exec(
                    tx,
                    "INSERT INTO attachment_uploaders (attachment, user_id)                      SELECT id, $2 FROM attachments WHERE digest = $1 ON CONFLICT DO NOTHING",
                    &[Val::text(digest.as_str()), Val::int(user)],
                )
                .map_err(write_error)?;
        }
        Ok(())
    };
    if by_digest(tx, digest)?.is_some() {
        // The same bytes uploaded again: the new copy goes, and a stored copy no record names
        // yet counts from this upload for the sweep (it was uploaded again to be used).
        writes
            .exec(
                tx,
                "UPDATE attachments SET created_at = (SELECT created_at FROM attachments WHERE id = $2) \
                 WHERE digest = $1 AND created_at < (SELECT created_at FROM attachments WHERE id = $2) \
                 AND NOT EXISTS (SELECT 1 FROM attachment_refs r WHERE r.digest = $1)",
                &[Val::text(digest.as_str()), Val::int(upload.0)],
            )
            .map_err(write_error)?;
        drop_upload(tx, writes, upload)?;
        note_uploader(tx, writes)?;
        return by_digest(tx, digest)?.ok_or_else(|| StoreError::NotFound(format!("attachment {digest}")));
    }
    let written = one(
        tx,
        "SELECT count(*) FROM attachment_chunks WHERE attachment = $1",
        &[Val::int(upload.0)],
        |row| req_int(row, 0, "attachment_chunks", "count"),
    )?
    .unwrap_or(0);
    if written != i64::from(chunks) {
        return Err(StoreError::Corrupt(format!(
            "upload {} has {written} chunks, not the {chunks} it was finished with",
            upload.0
        )));
    }
    let size = i64::try_from(size).map_err(|_| StoreError::Corrupt("an attachment's size".to_owned()))?;
    let n = writes
        .exec(
            tx,
            "UPDATE attachments SET digest = $2, size = $3, chunks = $4 WHERE id = $1 AND digest IS NULL",
            &[
                Val::int(upload.0),
                Val::text(digest.as_str()),
                Val::int(size),
                Val::int(chunks),
            ],
        )
        .map_err(write_error)?;
    if n != 1 {
        return Err(StoreError::NotFound(format!("upload {}", upload.0)));
    }
    note_uploader(tx, writes)?;
    by_digest(tx, digest)?.ok_or_else(|| StoreError::NotFound(format!("attachment {digest}")))
}

/// Writes, in the transaction of the change that produces `revision`, a reference to every
/// file its events name ([`Event::attachments`]): a file so named is never swept. With
/// `check` (a change planned here), a file that is not stored with the size the record gives
/// refuses the change ([`StoreError::UnknownAttachment`], which rolls it back); a change a
/// standby received is not checked, as its files may be shipped after it.
pub(crate) fn refer(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    revision: adam_core::Revision,
    events: &[Event],
    check: bool,
) -> Result<(), StoreError> {
    for file in events.iter().flat_map(Event::attachments) {
        if check {
            let stored = one(
                tx,
                "SELECT size FROM attachments WHERE digest = $1",
                &[Val::text(file.sha256.as_str())],
                |row| req_int(row, 0, "attachments", "size"),
            )?;
            if stored.and_then(|size| u64::try_from(size).ok()) != Some(file.size) {
                return Err(StoreError::UnknownAttachment(file.sha256.to_string()));
            }
        }
        writes
            .exec(
                tx,
                "INSERT INTO attachment_refs (digest, revision) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[Val::text(file.sha256.as_str()), rev_val(revision)?],
            )
            .map_err(write_error)?;
    }
    Ok(())
}

impl<B: Backend> Attachments for B {
    fn begin_attachment(&self, upload: &NewUpload<'_>) -> Result<UploadId, StoreError> {
        // The key first: an installation whose key directory cannot hold it refuses the
        // upload before any byte is stored.
        self.keyring().attachments_key()?;
        self.write(|tx, writes| begin(tx, writes, upload))
    }

    fn put_attachment_chunk(&self, upload: UploadId, seq: u32, plain: &[u8]) -> Result<(), StoreError> {
        if plain.len() > CHUNK {
            return Err(StoreError::Corrupt(format!(
                "a chunk of {} bytes (at most {CHUNK})",
                plain.len()
            )));
        }
        let sealed = seal(self.keyring(), upload.0, seq, plain)?;
        self.write(|tx, writes| {
            writes
                .exec(
                    tx,
                    "INSERT INTO attachment_chunks (attachment, seq, bytes) \
                     SELECT id, $2, $3 FROM attachments WHERE id = $1 AND digest IS NULL",
                    &[Val::int(upload.0), Val::int(seq), Val::Bytes(&sealed)],
                )
                .map_err(write_error)
                .and_then(|n| match n {
                    1 => Ok(()),
                    _ => Err(StoreError::NotFound(format!("upload {}", upload.0))),
                })
        })
    }

    fn finish_attachment(
        &self,
        upload: UploadId,
        digest: &Digest,
        size: u64,
        chunks: u32,
    ) -> Result<StoredAttachment, StoreError> {
        self.write(|tx, writes| finish(tx, writes, upload, digest, size, chunks))
    }

    fn abort_attachment(&self, upload: UploadId) -> Result<(), StoreError> {
        self.write(|tx, writes| drop_upload(tx, writes, upload))
    }

    fn attachment(&self, digest: &Digest) -> Result<Option<StoredAttachment>, StoreError> {
        self.read(|tx| by_digest(tx, digest))
    }

    fn attachment_chunk(&self, digest: &Digest, seq: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let found = self.read(|tx| {
            one(
                tx,
                "SELECT a.id, a.encrypted, c.bytes FROM attachments a \
                 JOIN attachment_chunks c ON c.attachment = a.id WHERE a.digest = $1 AND c.seq = $2",
                &[Val::text(digest.as_str()), Val::int(seq)],
                |row| {
                    let bytes = row
                        .blob(2)?
                        .ok_or_else(|| StoreError::Corrupt("attachment_chunks.bytes is NULL".to_owned()))?;
                    Ok((req_int(row, 0, "attachments", "id")?, row.boolean(1)?, bytes.to_vec()))
                },
            )
        })?;
        match found {
            None => Ok(None),
            Some((id, true, sealed)) => open(self.keyring(), id, seq, &sealed).map(Some),
            Some((_, false, plain)) => Ok(Some(plain)),
        }
    }

    fn uploaded_by(&self, digest: &Digest, user: UserId) -> Result<bool, StoreError> {
        self.read(|tx| {
            one(
                tx,
                "SELECT 1 FROM attachment_uploaders u JOIN attachments a ON a.id = u.attachment                  WHERE a.digest = $1 AND u.user_id = $2",
                &[Val::text(digest.as_str()), Val::int(user.0)],
                |_| Ok(()),
            )
            .map(|found| found.is_some())
        })
    }
}

/// The SHA-256 of what a hasher saw, as a digest.
pub(crate) fn digest_of(hasher: sha2::Sha256) -> Result<Digest, StoreError> {
    Digest::parse("sha256", &hex(&hasher.finalize()))
        .map_err(|_| StoreError::Corrupt("a SHA-256 that is not 64 hex digits".to_owned()))
}

/// Stores everything `reader` gives, chunk by chunk, computing its digest on the way (for
/// callers that hold a blocking reader: the command line, tests).
pub fn write_attachment(
    store: &dyn Attachments,
    upload: &NewUpload<'_>,
    reader: &mut dyn std::io::Read,
) -> Result<StoredAttachment, StoreError> {
    let id = store.begin_attachment(upload)?;
    let result = (|| {
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        let mut seq = 0u32;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let mut filled = 0;
            while filled < CHUNK {
                let n = reader
                    .read(&mut buf[filled..])
                    .map_err(|e| StoreError::Database(format!("reading the upload: {e}")))?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            let part = &buf[..filled];
            hasher.update(part);
            store.put_attachment_chunk(id, seq, part)?;
            size += filled as u64;
            seq += 1;
            if filled < CHUNK {
                break;
            }
        }
        store.finish_attachment(id, &digest_of(hasher)?, size, seq)
    })();
    if result.is_err() {
        let _ = store.abort_attachment(id);
    }
    result
}

/// Writes the stored file with this digest to `out`, chunk by chunk, and checks what was
/// read against the digest and the size; `None` when no file has it. A mismatch is an error
/// after the bytes were written: a streaming reader learns it at the end.
pub fn read_attachment(
    store: &dyn Attachments,
    digest: &Digest,
    out: &mut dyn std::io::Write,
) -> Result<Option<StoredAttachment>, StoreError> {
    let Some(stored) = store.attachment(digest)? else {
        return Ok(None);
    };
    let mut hasher = sha2::Sha256::new();
    let mut size = 0u64;
    for seq in 0..stored.chunks {
        let chunk = store
            .attachment_chunk(digest, seq)?
            .ok_or_else(|| StoreError::Corrupt(format!("attachment {digest} has no chunk {seq}")))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        out.write_all(&chunk)
            .map_err(|e| StoreError::Database(format!("writing attachment {digest}: {e}")))?;
    }
    if size != stored.size || digest_of(hasher)? != *digest {
        return Err(StoreError::Corrupt(format!(
            "attachment {digest} does not match its digest or size"
        )));
    }
    Ok(Some(stored))
}
