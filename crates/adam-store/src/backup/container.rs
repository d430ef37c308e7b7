//! The backup container: writing the file, and reading it back member by member into a
//! scratch directory while checking each member's size and SHA-256 (see the module above for
//! the layout). Every way a file can be damaged — a flipped byte, a cut, a member taken out,
//! bytes added — ends in its own [`BackupError`] variant.

use super::{BackupError, FORMAT, Manifest, io_error};
use sha2::Digest as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// The first line of every backup.
pub const MAGIC: &str = "ADAM-BACKUP/";

/// The longest manifest read (a manifest is a few KiB; this refuses a runaway length).
const MAX_MANIFEST: u64 = 16 << 20;

/// Writes the container to `out` with the members found in `scratch` under their names.
/// Returns the file's size.
pub(super) fn write(out: &Path, manifest: &Manifest, scratch: &Path) -> Result<u64, BackupError> {
    let partial = out.with_extension("partial");
    let file = private_file(&partial)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let json = serde_json::to_vec(manifest).map_err(|e| BackupError::ManifestUnreadable(e.to_string()))?;
    let mut written = 0u64;
    let mut put = |w: &mut std::io::BufWriter<std::fs::File>, bytes: &[u8]| -> Result<(), BackupError> {
        written += bytes.len() as u64;
        w.write_all(bytes).map_err(|e| io_error(&partial, e))
    };
    put(&mut w, format!("{MAGIC}{FORMAT}\n").as_bytes())?;
    let sum = crate::hex::hex(&sha2::Sha256::digest(&json));
    put(&mut w, format!("manifest {} {sum}\n", json.len()).as_bytes())?;
    put(&mut w, &json)?;
    put(&mut w, b"\n")?;
    for member in &manifest.members {
        put(&mut w, format!("member {} {}\n", member.name, member.size).as_bytes())?;
        let source = scratch.join(&member.name);
        let mut f = std::fs::File::open(&source).map_err(|e| io_error(&source, e))?;
        let copied = std::io::copy(&mut f, &mut w).map_err(|e| io_error(&partial, e))?;
        if copied != member.size {
            return Err(BackupError::Io {
                path: source,
                reason: format!("changed while it was copied ({copied} bytes, {} expected)", member.size),
            });
        }
        put(&mut w, b"\n")?;
    }
    put(&mut w, b"end\n")?;
    let file = w.into_inner().map_err(|e| io_error(&partial, e.into_error()))?;
    file.sync_all().map_err(|e| io_error(&partial, e))?;
    drop(file);
    std::fs::rename(&partial, out).map_err(|e| io_error(out, e))?;
    Ok(written + manifest.members.iter().map(|m| m.size).sum::<u64>())
}

fn private_file(path: &Path) -> Result<std::fs::File, BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| io_error(path, e))
}

/// Copies a member of `len` bytes from the container to `out`, returning its SHA-256.
///
/// The hashing and the writing of the scratch copy each take about as long as the other, so
/// they overlap: this thread reads and hashes, a second one writes what was hashed (a
/// verification of a 780 MB backup spent two seconds here doing both in turn). Buffers go
/// back to the reader once written, so at most `IN_FLIGHT` of them exist.
fn copy_member(
    r: &mut impl Read,
    len: u64,
    out: std::fs::File,
    path: &Path,
    target: &Path,
    name: &str,
) -> Result<([u8; 32], std::fs::File), BackupError> {
    const CHUNK: usize = 4 << 20;
    const IN_FLIGHT: usize = 3;
    let (to_writer, written_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    let (back, free) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|threads| {
        let writer = threads.spawn(move || -> Result<std::fs::File, BackupError> {
            let mut out = out;
            for chunk in written_rx {
                out.write_all(&chunk).map_err(|e| io_error(target, e))?;
                // The reader may have stopped (an error): a buffer nobody takes back is dropped.
                let _ = back.send(chunk);
            }
            Ok(out)
        });
        let mut hasher = sha2::Sha256::new();
        let mut left = len;
        let mut allocated = 0;
        let read = (|| -> Result<(), BackupError> {
            while left > 0 {
                let mut buf = match free.try_recv() {
                    Ok(buf) => buf,
                    Err(_) if allocated < IN_FLIGHT + 1 => {
                        allocated += 1;
                        vec![0u8; CHUNK]
                    }
                    Err(_) => free.recv().unwrap_or_else(|_| vec![0u8; CHUNK]),
                };
                buf.resize(CHUNK, 0);
                let want = usize::try_from(left.min(CHUNK as u64)).unwrap_or(CHUNK);
                let n = r.read(&mut buf[..want]).map_err(|e| io_error(path, e))?;
                if n == 0 {
                    return Err(BackupError::Truncated(format!(
                        "member {name} ends after {} of its {len} bytes",
                        len - left
                    )));
                }
                buf.truncate(n);
                hasher.update(&buf);
                left -= n as u64;
                if to_writer.send(buf).is_err() {
                    // The writer stopped: its error is the one to report.
                    break;
                }
            }
            Ok(())
        })();
        drop(to_writer);
        let written = writer.join().unwrap_or_else(|_| {
            Err(BackupError::Io {
                path: target.to_path_buf(),
                reason: "the writing thread stopped unexpectedly".to_owned(),
            })
        });
        read?;
        let out = written?;
        Ok((hasher.finalize().into(), out))
    })
}

/// Reads one header line (at most 1 KiB). `None` at the end of the file.
fn line(r: &mut impl BufRead, what: &str) -> Result<Option<String>, BackupError> {
    let mut buf = Vec::new();
    let n = r
        .take(1024)
        .read_until(b'\n', &mut buf)
        .map_err(|e| BackupError::Damaged(format!("{what}: {e}")))?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(BackupError::Truncated(format!("the file ends inside {what}")));
    }
    buf.pop();
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| BackupError::Damaged(format!("{what} is not text")))
}

/// Opens a backup and reads its header and manifest (checked against its checksum).
fn open_manifest(path: &Path) -> Result<(Manifest, BufReader<std::fs::File>), BackupError> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let first = line(&mut r, "the first line").map_err(|_| BackupError::NotABackup(path.to_path_buf()))?;
    let Some(version) = first.as_deref().and_then(|l| l.strip_prefix(MAGIC)) else {
        return Err(BackupError::NotABackup(path.to_path_buf()));
    };
    if version != FORMAT.to_string() {
        return Err(BackupError::UnknownFormat(version.to_owned()));
    }
    let header = line(&mut r, "the manifest's header")?
        .ok_or_else(|| BackupError::Truncated("the file ends before the manifest".to_owned()))?;
    let mut words = header.split(' ');
    let (Some("manifest"), Some(len), Some(sum), None) = (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(BackupError::Damaged(format!(
            "the manifest's header is not one: {header:?}"
        )));
    };
    let len: u64 = len
        .parse()
        .map_err(|_| BackupError::Damaged(format!("the manifest's length is not a number: {len:?}")))?;
    if len > MAX_MANIFEST {
        return Err(BackupError::Damaged(format!(
            "the manifest's length {len} is implausible"
        )));
    }
    let mut json = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    (&mut r)
        .take(len + 1)
        .read_to_end(&mut json)
        .map_err(|e| io_error(path, e))?;
    if json.len() as u64 != len + 1 {
        return Err(BackupError::Truncated("the file ends inside the manifest".to_owned()));
    }
    if json.pop() != Some(b'\n') {
        return Err(BackupError::ManifestChecksum);
    }
    if crate::hex::hex(&sha2::Sha256::digest(&json)) != sum {
        return Err(BackupError::ManifestChecksum);
    }
    let manifest: Manifest =
        serde_json::from_slice(&json).map_err(|e| BackupError::ManifestUnreadable(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(BackupError::UnknownFormat(manifest.format.to_string()));
    }
    Ok((manifest, r))
}

/// Reads a backup's manifest only (checked against its checksum), without the members.
pub fn read_manifest(path: &Path) -> Result<Manifest, BackupError> {
    open_manifest(path).map(|(m, _)| m)
}

/// Reads the backup at `path` into `scratch`: every member written under its name, its size
/// and SHA-256 checked against the manifest. Returns the manifest and the bytes read. With
/// `durable`, each member is flushed to disk (a restore to put in place); a verification's
/// scratch copy is deleted afterwards, so it is not: flushing hundreds of megabytes that are
/// about to be removed only made the verification slower (BENCHMARKS.md, issue #18).
pub(super) fn extract(path: &Path, scratch: &Path, durable: bool) -> Result<(Manifest, u64), BackupError> {
    let (manifest, mut r) = open_manifest(path)?;
    let mut seen = std::collections::BTreeSet::new();
    let mut bytes = 0u64;
    loop {
        let header = line(&mut r, "a member's header")?
            .ok_or_else(|| BackupError::Truncated("the file ends before the container's end line".to_owned()))?;
        if header == "end" {
            break;
        }
        let mut words = header.split(' ');
        let (Some("member"), Some(name), Some(len), None) = (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(BackupError::Damaged(format!(
                "a member's header is not one: {header:?}"
            )));
        };
        let Some(listed) = manifest.members.iter().find(|m| m.name == name) else {
            return Err(BackupError::UnexpectedMember(name.to_owned()));
        };
        // Names come from the manifest, which this build wrote: never a path.
        if name.contains('/') || name.contains('\\') || name.starts_with('.') || !seen.insert(name.to_owned()) {
            return Err(BackupError::Damaged(format!("member name {name:?} is refused")));
        }
        let len: u64 = len
            .parse()
            .map_err(|_| BackupError::Damaged(format!("member {name}'s length is not a number")))?;
        if len != listed.size {
            return Err(BackupError::Damaged(format!(
                "member {name} is {len} bytes in its header, {} in the manifest",
                listed.size
            )));
        }
        let target = scratch.join(name);
        let out = private_file(&target)?;
        let (digest, out) = copy_member(&mut r, len, out, path, &target, name)?;
        let mut newline = [0u8; 1];
        match r.read(&mut newline) {
            Ok(1) if newline[0] == b'\n' => {}
            Ok(0) => {
                return Err(BackupError::Truncated(format!(
                    "the file ends right after member {name}"
                )));
            }
            _ => {
                return Err(BackupError::Damaged(format!(
                    "member {name} is not followed by a newline"
                )));
            }
        }
        if crate::hex::hex(&digest) != listed.sha256 {
            return Err(BackupError::MemberChecksum(name.to_owned()));
        }
        if durable {
            out.sync_all().map_err(|e| io_error(&target, e))?;
        }
        bytes += len;
    }
    if let Some(missing) = manifest.members.iter().find(|m| !seen.contains(&m.name)) {
        return Err(BackupError::MissingMember(missing.name.clone()));
    }
    let mut rest = Vec::new();
    let trailing = r.take(1 << 20).read_to_end(&mut rest).map_err(|e| io_error(path, e))?;
    if trailing > 0 {
        return Err(BackupError::TrailingBytes(trailing as u64));
    }
    Ok((manifest, bytes))
}
