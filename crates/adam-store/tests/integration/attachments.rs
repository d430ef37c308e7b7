//! The attachment store on both backends: a file of several chunks goes in and comes back
//! whole, is stored once however often it is uploaded, is sealed at rest (the database's bytes
//! do not contain the plaintext), does not open with another key directory, and a chunk moved
//! to another place is refused. A file becomes part of a record in the record's own
//! transaction, and a file no record names is swept a day after it was uploaded.

use crate::backends::Backend;
use crate::town::{Driver, context, created, item_fields, text, user_cmd};
use adam_core::attachment::{AttachmentRef, Digest};
use adam_core::register::inventory::{ItemFields, ItemKind};
use adam_core::{Actor, Command, Created, Timestamp, UserId};
use adam_store::attachments::{CHUNK, read_attachment, write_attachment};
use adam_store::{NewUpload, StoreError};
use std::sync::Arc;

/// A marker that recurs through the file, easy to look for in raw bytes.
const MARKER: &[u8] = b"PLAINTEXT-MARKER-of-an-attachment;";

fn file(len: usize) -> Vec<u8> {
    MARKER.iter().copied().cycle().take(len).collect()
}

fn upload(name: &str) -> NewUpload<'_> {
    NewUpload {
        name,
        media_type: Some("text/plain"),
        uploaded_by: Some(UserId(1)),
        at: Timestamp(1_700_000_000),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Rows of `attachment_chunks` whose stored bytes contain the marker.
fn chunks_with_marker(b: &dyn Backend) -> i64 {
    let hex: String = MARKER.iter().map(|c| format!("{c:02x}")).collect();
    match b.name() {
        "sqlite" => b.count(&format!(
            "SELECT count(*) FROM attachment_chunks WHERE instr(bytes, X'{hex}') > 0"
        )),
        _ => b.count(&format!(
            "SELECT count(*) FROM attachment_chunks WHERE position('\\x{hex}'::bytea in bytes) > 0"
        )),
    }
}

pub fn attachments_round_trip_chunked_sealed_and_stored_once(b: &dyn Backend) {
    let s = b.open();
    let len = 2 * CHUNK + CHUNK / 3;
    let plain = file(len);
    let stored = write_attachment(&*s, &upload("report.txt"), &mut plain.as_slice()).unwrap();
    assert_eq!(stored.size, len as u64);
    assert_eq!(stored.chunks, 3);
    assert!(stored.encrypted);
    assert_eq!(stored.name, "report.txt");
    assert_eq!(stored.uploaded_by, Some(UserId(1)));
    assert_eq!(b.count("SELECT count(*) FROM attachment_chunks"), 3);

    // It comes back whole, from another handle too.
    let mut back = Vec::new();
    let again = read_attachment(&*b.open(), &stored.digest, &mut back).unwrap().unwrap();
    assert_eq!(again, stored);
    assert!(back == plain, "the bytes read back are the bytes written");

    // Sealed at rest: no chunk holds the plaintext, and neither does the SQLite file.
    assert_eq!(chunks_with_marker(b), 0);
    if b.name() == "sqlite" {
        let dir = b.keys_dir().parent().unwrap().to_path_buf();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let raw = std::fs::read(&path).unwrap();
                assert!(!contains(&raw, MARKER), "{} holds the plaintext", path.display());
            }
        }
    }
    let key = std::fs::metadata(b.keys_dir().join("attachments.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "the key file is private");
    }

    // The same bytes under another name: stored once, the first upload's row answers.
    let twice = write_attachment(&*s, &upload("copy.txt"), &mut plain.as_slice()).unwrap();
    assert_eq!(twice, stored);
    assert_eq!(b.count("SELECT count(*) FROM attachments"), 1);
    assert_eq!(b.count("SELECT count(*) FROM attachment_chunks"), 3);
    // Everyone who uploaded it is known (until a record refers to it, they alone read it).
    assert!(s.uploaded_by(&stored.digest, UserId(1)).unwrap());
    assert!(!s.uploaded_by(&stored.digest, UserId(2)).unwrap());
    let by_two = NewUpload {
        uploaded_by: Some(UserId(2)),
        ..upload("mine.txt")
    };
    write_attachment(&*s, &by_two, &mut plain.as_slice()).unwrap();
    assert!(s.uploaded_by(&stored.digest, UserId(2)).unwrap());
    assert_eq!(b.count("SELECT count(*) FROM attachment_chunks"), 3);

    // An unknown digest is none; an upload that is given up leaves nothing.
    let unknown = Digest::parse("sha256", &"ab".repeat(32)).unwrap();
    assert!(s.attachment(&unknown).unwrap().is_none());
    assert!(read_attachment(&*s, &unknown, &mut Vec::new()).unwrap().is_none());
    let id = s.begin_attachment(&upload("half.bin")).unwrap();
    s.put_attachment_chunk(id, 0, b"half").unwrap();
    s.abort_attachment(id).unwrap();
    assert_eq!(b.count("SELECT count(*) FROM attachments"), 1);
    assert_eq!(b.count("SELECT count(*) FROM attachment_chunks"), 3);
    // An upload finished with a wrong chunk count is refused.
    let id = s.begin_attachment(&upload("short.bin")).unwrap();
    s.put_attachment_chunk(id, 0, b"short").unwrap();
    assert!(s.finish_attachment(id, &unknown, 5, 2).is_err());
    s.abort_attachment(id).unwrap();
    // A chunk larger than CHUNK is refused.
    let id = s.begin_attachment(&upload("big.bin")).unwrap();
    assert!(s.put_attachment_chunk(id, 0, &vec![0u8; CHUNK + 1]).is_err());
    s.abort_attachment(id).unwrap();

    // Another key directory: a clear error naming the key file, never wrong bytes.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = b
        .open_with(Arc::new(adam_store::Keyring::open(elsewhere.path()).unwrap()))
        .unwrap();
    let e = other.attachment_chunk(&stored.digest, 0).unwrap_err();
    assert!(matches!(e, StoreError::Keys(_)), "{e:?}");
    assert!(e.to_string().contains("attachments.key"), "{e}");

    // Chunks swapped in place do not open (each is bound to its place).
    b.raw("UPDATE attachment_chunks SET seq = seq + 10 WHERE seq IN (0, 1)")
        .unwrap();
    b.raw("UPDATE attachment_chunks SET seq = 1 WHERE seq = 10").unwrap();
    b.raw("UPDATE attachment_chunks SET seq = 0 WHERE seq = 11").unwrap();
    assert!(matches!(
        s.attachment_chunk(&stored.digest, 0),
        Err(StoreError::Keys(_))
    ));
    assert!(read_attachment(&*s, &stored.digest, &mut Vec::new()).is_err());
}

/// A day and a little more, in seconds: past the sweep's horizon.
const DAY_AND_AN_HOUR: i64 = 25 * 3600;

fn upload_at<'a>(name: &'a str, at: i64) -> NewUpload<'a> {
    NewUpload {
        at: Timestamp(at),
        ..upload(name)
    }
}

fn reference(digest: &Digest, size: u64) -> AttachmentRef {
    AttachmentRef {
        sha256: digest.clone(),
        name: text("porocilo.txt"),
        size,
        media_type: None,
        doc_type: None,
    }
}

pub fn a_file_becomes_part_of_a_record_in_the_records_transaction(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let ana = created!(d.sys(user_cmd("ana", vec![])), User);
    let t0 = d.at.0;
    let used = write_attachment(&*s, &upload_at("used.txt", t0), &mut file(100).as_slice()).unwrap();
    let unused = write_attachment(&*s, &upload_at("unused.txt", t0), &mut file(200).as_slice()).unwrap();
    let again = write_attachment(&*s, &upload_at("again.txt", t0), &mut file(300).as_slice()).unwrap();
    let item = |code: &str, files: Vec<AttachmentRef>| Command::CreateItem {
        kind: ItemKind::System,
        fields: ItemFields {
            attachments: files,
            ..item_fields(code, ana, None)
        },
    };

    // A record naming a file that is not stored, or not with that size, is refused in its own
    // transaction: nothing of it is written.
    let revision = s.load().unwrap().revision();
    let missing = Digest::parse("sha256", &"cd".repeat(32)).unwrap();
    for files in [
        vec![reference(&missing, 5)],
        vec![reference(&used.digest, used.size + 1)],
    ] {
        let plan = d.plan(Actor::System, item("REFUSED-SYS", files));
        let e = s.commit(&plan, &context(Actor::System, d.at)).unwrap_err();
        assert!(matches!(e, StoreError::UnknownAttachment(_)), "{e:?}");
        let after = s.load().unwrap();
        assert_eq!(after.revision(), revision, "the refused change left nothing");
        assert!(after.items().is_empty());
    }
    assert_eq!(b.count("SELECT count(*) FROM attachment_refs"), 0);

    // A record naming a stored file: the reference is written with it.
    d.sys(item("USED-SYS", vec![reference(&used.digest, used.size)]));
    assert_eq!(b.count("SELECT count(*) FROM attachment_refs"), 1);

    // The same bytes uploaded again 23 hours later count from then.
    write_attachment(
        &*s,
        &upload_at("again-2.txt", t0 + 23 * 3600),
        &mut file(300).as_slice(),
    )
    .unwrap();

    // A day later the next upload sweeps what no record names, and nothing else.
    let id = s
        .begin_attachment(&upload_at("later.bin", t0 + DAY_AND_AN_HOUR))
        .unwrap();
    s.abort_attachment(id).unwrap();
    assert!(
        s.attachment(&used.digest).unwrap().is_some(),
        "a file a record names stays"
    );
    assert!(
        s.attachment(&unused.digest).unwrap().is_none(),
        "a file nobody used is swept"
    );
    assert!(!s.uploaded_by(&unused.digest, UserId(1)).unwrap());
    assert!(
        s.attachment(&again.digest).unwrap().is_some(),
        "uploaded again: counts from then"
    );
    let mut back = Vec::new();
    read_attachment(&*s, &used.digest, &mut back).unwrap().unwrap();
    assert!(back == file(100));
    let id = s
        .begin_attachment(&upload_at("later.bin", t0 + 23 * 3600 + DAY_AND_AN_HOUR))
        .unwrap();
    s.abort_attachment(id).unwrap();
    assert!(s.attachment(&again.digest).unwrap().is_none());
    // The swept file's chunks went with it; the used one's are all there.
    assert_eq!(b.count("SELECT count(*) FROM attachment_chunks"), 1);
    // A record may not name a swept file.
    let plan = d.plan(
        Actor::System,
        item("LATE-SYS", vec![reference(&unused.digest, unused.size)]),
    );
    assert!(matches!(
        s.commit(&plan, &context(Actor::System, d.at)),
        Err(StoreError::UnknownAttachment(_))
    ));
}
