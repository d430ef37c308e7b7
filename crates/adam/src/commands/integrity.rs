//! `adam integrity scan` and `adam integrity submit`: the integrity information of a key or
//! high-risk server (Decree Art. 50(4)–(5)), computed on the server and kept in ADAM.
//!
//! `scan` walks the paths given (directories recursively, symbolic links not followed: a link is
//! recorded with the SHA-256 of its target's name), hashes every regular file with SHA-256 as
//! it streams (a file is never read into memory whole) and records its size, permission bits
//! and owner (`uid:gid`). It then either sends the manifest to ADAM with a token (the server's
//! operator's service account, or its custodian's) or writes it to a file for `submit` to
//! upload later — from another host, when the server itself must not hold a token.
//!
//! Unlike the operator's other commands this one does not open the store: it runs on the
//! server being checked and talks to ADAM over HTTP (`/api/v1/integrity/scans`), so ADAM's own
//! rules decide who may submit (the baseline lives in ADAM, off the server, Art. 50(4)).
//! Plain HTTP or HTTPS (through the system's TLS library); an answer that is a problem is
//! printed as its one-line detail. A comparison that finds a mismatch prints the difference
//! and exits with status 3, so a scheduler notices.

use crate::cli::integrity::{IntegrityCommand, Target};
use adam_core::register::integrity::{FileEntry, Manifest, Outcome};
use adam_core::{Code, Timestamp};
use adam_server::service::integrity::ScanUpload;
use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The exit status of a comparison that found a mismatch.
const MISMATCH_EXIT: i32 = 3;

/// Runs `adam integrity …`.
pub(crate) async fn integrity(command: &IntegrityCommand) -> Result<()> {
    match command {
        IntegrityCommand::Scan {
            server,
            paths,
            out,
            baseline,
            to,
        } => {
            let server = Code::parse("server", server).map_err(|e| anyhow!("--server: {e}"))?;
            // Where it goes is checked before the scan, which may take long.
            let target = match out {
                Some(_) => None,
                None => Some(to.resolve()?),
            };
            let paths = paths.clone();
            let taken_at = now();
            let files = tokio::task::spawn_blocking(move || scan(&paths)).await??;
            let upload = ScanUpload {
                server,
                baseline: *baseline,
                taken_at: Some(taken_at),
                files,
            };
            match (out, target) {
                (Some(file), _) => write_manifest(file, &upload),
                (None, Some((url, token))) => send(&url, &token, &upload).await,
                (None, None) => bail!("nowhere to send the scan"),
            }
        }
        IntegrityCommand::Submit { file, baseline, to } => {
            let (url, token) = to.resolve()?;
            let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut upload: ScanUpload = serde_json::from_slice(&text).map_err(|e| {
                anyhow!(
                    "{} is not a manifest written by `adam integrity scan`: {e}",
                    file.display()
                )
            })?;
            upload.baseline |= *baseline;
            send(&url, &token, &upload).await
        }
    }
}

impl Target {
    fn resolve(&self) -> Result<(String, String)> {
        match (&self.url, &self.token) {
            (Some(url), Some(_)) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                bail!("ADAM's address must start with http:// or https://, not {url:?}")
            }
            (Some(url), Some(token)) => Ok((url.clone(), token.clone())),
            _ => {
                bail!("give ADAM's address and a token (--url and --token, or ADAM_URL and ADAM_TOKEN), or --out FILE")
            }
        }
    }
}

fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Timestamp(i64::try_from(secs).unwrap_or(i64::MAX))
}

// ---- scanning ---------------------------------------------------------------------------

/// The manifest of every file under `paths`.
fn scan(paths: &[PathBuf]) -> Result<Manifest> {
    let mut files = Vec::new();
    for path in paths {
        walk(path, &mut files)?;
    }
    if files.is_empty() {
        bail!("no file found under the paths given");
    }
    // The same file named twice (a path inside another given path) is listed once.
    files.sort_by(|a: &FileEntry, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Manifest::new(files).map_err(|e| anyhow!("{e}"))
}

fn walk(path: &Path, files: &mut Vec<FileEntry>) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot list {}", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("cannot list {}", path.display()))?;
        entries.sort();
        for entry in entries {
            walk(&entry, files)?;
        }
        return Ok(());
    }
    let (digest, size) = if kind.is_symlink() {
        let target = std::fs::read_link(path).with_context(|| format!("cannot read the link {}", path.display()))?;
        let bytes = target.as_os_str().as_encoded_bytes();
        (hex(&Sha256::digest(bytes)), bytes.len() as u64)
    } else if kind.is_file() {
        (hash_file(path)?, meta.len())
    } else {
        // Sockets, pipes and devices have no content to keep.
        return Ok(());
    };
    let name = path
        .to_str()
        .ok_or_else(|| anyhow!("{} is not a UTF-8 path", path.display()))?
        .to_owned();
    let (mode, owner) = mode_and_owner(&meta);
    files.push(FileEntry::new(name, &digest, size, mode, owner).map_err(|e| anyhow!("{e}"))?);
    Ok(())
}

#[cfg(unix)]
fn mode_and_owner(meta: &std::fs::Metadata) -> (u32, String) {
    use std::os::unix::fs::MetadataExt;
    (meta.mode() & 0o7777, format!("{}:{}", meta.uid(), meta.gid()))
}

#[cfg(not(unix))]
fn mode_and_owner(meta: &std::fs::Metadata) -> (u32, String) {
    (
        if meta.permissions().readonly() { 0o444 } else { 0o644 },
        "-".to_owned(),
    )
}

/// The SHA-256 of a file, read in blocks.
fn hash_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let n = file
            .read(&mut block)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_manifest(file: &Path, upload: &ScanUpload) -> Result<()> {
    let json = serde_json::to_vec(upload)?;
    std::fs::write(file, json).with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "wrote the scan of {} ({} files) to {}; upload it with `adam integrity submit {}`",
        upload.server,
        upload.files.len(),
        file.display(),
        file.display()
    );
    Ok(())
}

// ---- sending ----------------------------------------------------------------------------

async fn send(url: &str, token: &str, upload: &ScanUpload) -> Result<()> {
    let body = serde_json::to_vec(upload)?;
    let (url, token) = (url.to_owned(), token.to_owned());
    let (status, answer) = tokio::task::spawn_blocking(move || post(&url, &token, &body)).await??;
    let json: serde_json::Value = serde_json::from_slice(&answer)
        .map_err(|_| anyhow!("ADAM answered {status} with something that is not JSON"))?;
    if !(200..300).contains(&status) {
        let detail = json["detail"].as_str().unwrap_or("no detail");
        bail!("ADAM refused the scan ({status}): {detail}");
    }
    let server = &upload.server;
    match json["kind"].as_str() {
        Some("baseline") => println!(
            "baseline {} of {server} submitted ({} files); the security lead approves it with the change's reference",
            json["id"], json["files"]
        ),
        Some("comparison") => {
            let c: adam_core::register::integrity::Comparison =
                serde_json::from_value(json).map_err(|e| anyhow!("unexpected answer from ADAM: {e}"))?;
            match c.outcome {
                Outcome::Match => println!("{server} matches its baseline {} ({} files)", c.baseline.0, c.files),
                Outcome::Mismatch { diff } => {
                    println!(
                        "MISMATCH: {server} differs from its baseline {}: {} added, {} removed, {} changed (recorded as comparison {}, security.integrity_mismatch)",
                        c.baseline.0,
                        diff.added.len(),
                        diff.removed.len(),
                        diff.changed.len(),
                        c.id.0
                    );
                    for p in &diff.added {
                        println!("+ {p}");
                    }
                    for p in &diff.removed {
                        println!("- {p}");
                    }
                    for f in &diff.changed {
                        let what: Vec<String> = f.what.iter().map(|a| format!("{a:?}").to_lowercase()).collect();
                        println!("~ {} ({})", f.path, what.join(", "));
                    }
                    std::process::exit(MISMATCH_EXIT);
                }
            }
        }
        _ => bail!("unexpected answer from ADAM: {json}"),
    }
    Ok(())
}

/// One POST of JSON to `/api/v1/integrity/scans` under `base`, over HTTP/1.1 (a small client,
/// so the binary needs no HTTP client library; TLS is the system's, as for e-mail).
fn post(base: &str, token: &str, body: &[u8]) -> Result<(u16, Vec<u8>)> {
    post_json(base, "/api/v1/integrity/scans", token, body)
}

/// One POST of JSON to `path` under `base` (also `adam backup verify --server`).
pub(crate) fn post_json(base: &str, path: &str, token: &str, body: &[u8]) -> Result<(u16, Vec<u8>)> {
    call_json("POST", base, path, token, body)
}

/// One request with a JSON body (empty for a GET) to `path` under `base` (`adam drill`,
/// `adam promote --server`).
pub(crate) fn call_json(method: &str, base: &str, path: &str, token: &str, body: &[u8]) -> Result<(u16, Vec<u8>)> {
    let (tls, rest) = if let Some(r) = base.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = base.strip_prefix("http://") {
        (false, r)
    } else {
        bail!("ADAM's address must start with http:// or https://, not {base:?}");
    };
    let (authority, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => match p.parse::<u16>() {
            Ok(port) => (h, port),
            Err(_) => (authority, if tls { 443 } else { 80 }),
        },
        _ => (authority, if tls { 443 } else { 80 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        bail!("ADAM's address {base:?} names no host");
    }
    if token.contains(['\r', '\n']) {
        bail!("the token is not a token");
    }
    let stream = std::net::TcpStream::connect((host, port)).with_context(|| format!("cannot reach ADAM at {base}"))?;
    let timeout = Some(std::time::Duration::from_secs(120));
    stream.set_read_timeout(timeout)?;
    stream.set_write_timeout(timeout)?;
    let head = format!(
        "{method} {prefix}{path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nAccept: application/json\r\nUser-Agent: adam-integrity\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut answer = Vec::new();
    if tls {
        let connector = native_tls::TlsConnector::new().context("cannot set up TLS")?;
        let mut stream = connector
            .connect(host, stream)
            .map_err(|e| anyhow!("TLS with {host} failed: {e}"))?;
        exchange(&mut stream, head.as_bytes(), body, &mut answer)?;
    } else {
        let mut stream = stream;
        exchange(&mut stream, head.as_bytes(), body, &mut answer)?;
    }
    parse_response(&answer)
}

fn exchange(stream: &mut impl ReadWrite, head: &[u8], body: &[u8], answer: &mut Vec<u8>) -> Result<()> {
    stream.write_all(head).context("cannot send to ADAM")?;
    stream.write_all(body).context("cannot send to ADAM")?;
    stream.flush().context("cannot send to ADAM")?;
    // A peer that closes without a TLS close-notify after a complete answer is not an error.
    if let Err(e) = stream.read_to_end(answer)
        && answer.is_empty()
    {
        return Err(anyhow!("no answer from ADAM: {e}"));
    }
    Ok(())
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// The status and body of an HTTP/1.1 answer (with `Content-Length`, chunked, or until close).
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>)> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("ADAM's answer was cut off"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("ADAM's answer is not HTTP"))?;
    let chunked = lines.any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let mut body = &raw[split + 4..];
    if !chunked {
        return Ok((status, body.to_vec()));
    }
    let mut out = Vec::new();
    loop {
        let end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow!("ADAM's answer was cut off"))?;
        let size_text = String::from_utf8_lossy(&body[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| anyhow!("ADAM's answer is garbled"))?;
        body = &body[end + 2..];
        if size == 0 {
            break;
        }
        if body.len() < size {
            bail!("ADAM's answer was cut off");
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or(&[]);
    }
    Ok((status, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_answer_is_put_back_together() {
        let raw =
            b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n";
        assert_eq!(parse_response(raw).unwrap(), (201, b"{\"a\":1}".to_vec()));
        let plain = b"HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain).unwrap(), (403, b"{}".to_vec()));
        assert!(parse_response(b"garbage").is_err());
    }

    #[test]
    fn a_scan_lists_files_with_their_digest_and_skips_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a"), b"abc").unwrap();
        std::fs::write(dir.path().join("sub/b"), b"").unwrap();
        let m = scan(&[dir.path().to_owned(), dir.path().join("a")]).unwrap();
        assert_eq!(m.len(), 2);
        let a = &m.files()[0];
        assert!(a.path.ends_with("/a"));
        // SHA-256("abc").
        assert_eq!(
            a.sha256.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(a.size, 3);
        assert!(scan(&[dir.path().join("missing")]).is_err());
    }
}
