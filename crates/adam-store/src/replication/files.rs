//! The attachments a standby copies: every finished upload (its row, its sealed chunks as
//! stored — the standby has the key directory — and who uploaded it), in order of id, a few
//! megabytes per batch. The standby keeps a mark: every attachment up to it is here. An upload
//! still under way on the primary holds the mark back until it is finished (or swept, a day
//! later), so a file finished late is never skipped.

use crate::StoreError;
use crate::sql::{Tx, Val, Writes, one, req_int, req_text, write_error};
use serde::{Deserialize, Serialize};

/// At most about this many bytes of chunks per batch (one file more when the first is larger).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// One finished attachment as the primary stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedAttachment {
    /// Its row id (the chunks' associated data names it).
    pub id: i64,
    /// The digest of its plaintext.
    pub digest: String,
    /// Bytes of plaintext.
    pub size: i64,
    /// Chunks.
    pub chunks: i64,
    /// The file's name.
    pub name: String,
    /// Its media type.
    pub media_type: Option<String>,
    /// Whether its chunks are sealed.
    pub encrypted: bool,
    /// Who uploaded it first.
    pub uploaded_by: Option<i64>,
    /// When.
    pub created_at: i64,
    /// The chunks as stored (sealed): number and bytes in hex.
    pub bytes: Vec<(i64, String)>,
    /// Everyone who uploaded it.
    pub uploaders: Vec<i64>,
}

/// The finished attachments after `through`, and the standby's new mark.
pub(crate) fn ship(tx: &mut dyn Tx, through: i64) -> Result<(Vec<ShippedAttachment>, i64), StoreError> {
    let mut rows = Vec::new();
    tx.each(
        "SELECT id, digest, size, chunks, name, media_type, encrypted, uploaded_by, created_at FROM attachments \
         WHERE id > $1 ORDER BY id LIMIT 64",
        &[Val::int(through)],
        &mut |row| {
            rows.push((
                req_int(row, 0, "attachments", "id")?,
                row.text(1)?.map(str::to_owned),
                req_int(row, 2, "attachments", "size")?,
                req_int(row, 3, "attachments", "chunks")?,
                req_text(row, 4, "attachments", "name")?.to_owned(),
                row.text(5)?.map(str::to_owned),
                row.boolean(6)?,
                row.int(7)?,
                req_int(row, 8, "attachments", "created_at")?,
            ));
            Ok(())
        },
    )?;
    let (mut out, mut mark, mut bytes) = (Vec::new(), through, 0usize);
    for (id, digest, size, chunks, name, media_type, encrypted, uploaded_by, created_at) in rows {
        // An upload under way holds the mark: nothing after it is shipped before it.
        let Some(digest) = digest else { break };
        if bytes >= BATCH_BYTES {
            break;
        }
        let mut data = Vec::new();
        tx.each(
            "SELECT seq, bytes FROM attachment_chunks WHERE attachment = $1 ORDER BY seq",
            &[Val::int(id)],
            &mut |row| {
                let b = row.blob(1)?.unwrap_or_default();
                bytes += b.len();
                data.push((req_int(row, 0, "attachment_chunks", "seq")?, crate::hex::hex(b)));
                Ok(())
            },
        )?;
        let mut uploaders = Vec::new();
        tx.each(
            "SELECT user_id FROM attachment_uploaders WHERE attachment = $1 ORDER BY user_id",
            &[Val::int(id)],
            &mut |row| {
                uploaders.push(req_int(row, 0, "attachment_uploaders", "user_id")?);
                Ok(())
            },
        )?;
        out.push(ShippedAttachment {
            id,
            digest,
            size,
            chunks,
            name,
            media_type,
            encrypted,
            uploaded_by,
            created_at,
            bytes: data,
            uploaders,
        });
        mark = id;
    }
    Ok((out, mark))
}

/// This standby's mark.
pub(crate) fn mark(tx: &mut dyn Tx) -> Result<i64, StoreError> {
    Ok(one(
        tx,
        "SELECT attachments_through FROM replication WHERE id = 1",
        &[],
        |row| row.int(0),
    )?
    .flatten()
    .unwrap_or(0))
}

/// Stores shipped attachments (again: idempotent) and moves the mark.
pub(crate) fn apply(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    files: &[ShippedAttachment],
    through: i64,
) -> Result<(), StoreError> {
    for f in files {
        writes
            .exec(
                tx,
                "INSERT INTO attachments (id, digest, size, chunks, name, media_type, encrypted, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
                &[
                    Val::int(f.id),
                    Val::text(&f.digest),
                    Val::int(f.size),
                    Val::int(f.chunks),
                    Val::text(&f.name),
                    Val::opt_text(f.media_type.as_deref()),
                    Val::Bool(f.encrypted),
                    Val::opt_int(f.uploaded_by),
                    Val::int(f.created_at),
                ],
            )
            .map_err(write_error)?;
        for (seq, hex) in &f.bytes {
            let bytes = crate::hex::unhex_vec(hex)
                .ok_or_else(|| StoreError::Corrupt(format!("chunk {seq} of attachment {} is not hex", f.id)))?;
            writes
                .exec(
                    tx,
                    "INSERT INTO attachment_chunks (attachment, seq, bytes) VALUES ($1, $2, $3) \
                     ON CONFLICT (attachment, seq) DO NOTHING",
                    &[Val::int(f.id), Val::int(*seq), Val::Bytes(&bytes)],
                )
                .map_err(write_error)?;
        }
        for user in &f.uploaders {
            writes
                .exec(
                    tx,
                    "INSERT INTO attachment_uploaders (attachment, user_id) VALUES ($1, $2) \
                     ON CONFLICT (attachment, user_id) DO NOTHING",
                    &[Val::int(f.id), Val::int(*user)],
                )
                .map_err(write_error)?;
        }
    }
    writes
        .exec(
            tx,
            "UPDATE replication SET attachments_through = $1 WHERE id = 1 AND attachments_through < $1",
            &[Val::int(through)],
        )
        .map_err(write_error)?;
    Ok(())
}
