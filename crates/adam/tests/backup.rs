//! `adam backup` run as an operator runs it (issue #18): a backup taken while `adam serve
//! --demo` serves verifies; a missing or corrupted file fails with exit status 1 and one line
//! saying what is wrong; `serve --backup-dir … --backup-every … --backup-keep N` takes verified
//! backups on its schedule and keeps the newest N, leaving the directory's other files alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn adam(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_adam"));
    c.arg("--data").arg(data);
    c.env_remove("ADAM_DATABASE")
        .env_remove("ADAM_AUDIT_KEYS")
        .env_remove("ADAM_DATA")
        .env_remove("ADAM_TOKEN");
    c
}

fn run(mut c: Command) -> Output {
    c.stdin(Stdio::null()).output().unwrap()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let head = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

/// Starts `adam serve --demo` with `extra` arguments and waits until it answers.
fn serve_demo(data: &Path, extra: &[&str]) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = adam(data);
    c.args([
        "serve",
        "--demo",
        "--insecure-cookies",
        "--listen",
        &format!("127.0.0.1:{port}"),
    ])
    .args(extra)
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let mut server = Server(c.spawn().unwrap());
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("the server stopped: {status}");
        }
        if get(port, "/ready") == Some(200) {
            return (server, port);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not start within five minutes");
}

/// The JSON body of a GET with a bearer token.
fn get_json(port: u16, path: &str, token: &str) -> serde_json::Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    // A chunked answer: the JSON is between the first chunk size and the end.
    let json = body.find('{').map_or(body, |i| &body[i..]);
    let json = json.rfind('}').map_or(json, |i| &json[..=i]);
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

/// The demo's API token for `label` (`demo-tokens.txt`: label, username, token).
fn demo_token(data: &Path, label: &str) -> String {
    std::fs::read_to_string(data.join("demo-tokens.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&label))
        .and_then(|f| f.get(2).map(|t| (*t).to_owned()))
        .unwrap()
}

/// ADAM's own restore tests in its continuity register: (passed, findings).
fn adam_restore_tests(port: u16, token: &str) -> Vec<(bool, String)> {
    let overview = get_json(port, "/api/v1/continuity", token);
    overview["adam"]
        .as_array()
        .unwrap_or_else(|| panic!("{overview}"))
        .iter()
        .filter(|t| t["kind"] == "restore_test" && t["subject"] == "adam")
        .map(|t| {
            (
                t["passed"] == true,
                t["findings"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|e| e == "adambackup"));
    found.sort();
    found
}

fn stderr_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    text
}

#[test]
fn backups_are_taken_online_verified_and_kept_to_the_newest_n() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let scheduled = dir.path().join("scheduled");
    std::fs::create_dir_all(&scheduled).unwrap();
    std::fs::write(scheduled.join("notes.txt"), "the operator's own file").unwrap();
    let (server, port) = serve_demo(
        &data,
        &[
            "--backup-dir",
            scheduled.to_str().unwrap(),
            "--backup-every",
            "1s",
            "--backup-keep",
            "2",
        ],
    );

    // Taken while the server serves (and takes its own), verified.
    let file = dir.path().join("now.adambackup");
    let mut create = adam(&data);
    create.args(["backup", "create", "--out", file.to_str().unwrap()]);
    let out = run(create);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with(&format!("backup written to {}", file.display())),
        "{stdout}"
    );
    assert!(stdout.contains("is not in it"), "{stdout}");
    let mut verify = adam(&data);
    verify.args(["backup", "verify", file.to_str().unwrap()]);
    let out = run(verify);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("ok: audit trail intact"), "{stdout}");
    assert!(stdout.contains("verified in"), "{stdout}");
    assert!(
        stdout.contains("not recorded in ADAM's continuity register"),
        "{stdout}"
    );
    let mut json = adam(&data);
    json.args(["backup", "verify", "--json", file.to_str().unwrap()]);
    let out = run(json);
    let report: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .split("\nnot recorded")
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(report["passed"], true, "{report}");
    assert!(report["revision"].as_u64().unwrap() > 0);

    // Extracted for a restore: the SQLite store, checked against the manifest.
    let restore = dir.path().join("restore");
    let mut extract = adam(&data);
    extract.args(["backup", "extract", file.to_str().unwrap(), restore.to_str().unwrap()]);
    let out = run(extract);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(restore.join("adam.db").is_file());

    // A missing file, a flipped byte: exit 1 and one line naming what is wrong.
    let mut missing = adam(&data);
    missing.args([
        "backup",
        "verify",
        dir.path().join("absent.adambackup").to_str().unwrap(),
    ]);
    let out = run(missing);
    assert_eq!(out.status.code(), Some(1));
    let line = stderr_line(&out);
    assert!(
        line.contains("absent.adambackup") && line.contains("no such file"),
        "{line}"
    );
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    let flipped = dir.path().join("flipped.adambackup");
    std::fs::write(&flipped, bytes).unwrap();
    let mut corrupt = adam(&data);
    corrupt.args(["backup", "verify", flipped.to_str().unwrap()]);
    let out = run(corrupt);
    assert_eq!(out.status.code(), Some(1));
    let line = stderr_line(&out);
    assert!(line.contains("member adam.db is corrupt"), "{line}");

    // The schedule: backups keep coming, the oldest go, the operator's file stays.
    let started = Instant::now();
    let first = loop {
        if let Some(first) = backups(&scheduled).first().cloned() {
            break first;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no scheduled backup");
        std::thread::sleep(Duration::from_millis(200));
    };
    while first.exists() || backups(&scheduled).len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the retention deleted nothing"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every scheduled verification is a restore test of ADAM in the continuity register.
    let token = demo_token(&data, "admin");
    let recorded = adam_restore_tests(port, &token);
    assert!(
        recorded.len() >= 2 && recorded.iter().all(|(passed, _)| *passed),
        "{recorded:?}"
    );
    // `verify --server` records the operator's own verification there too.
    let mut posted = adam(&data);
    posted
        .args(["backup", "verify", file.to_str().unwrap(), "--server"])
        .arg(format!("http://127.0.0.1:{port}"))
        .env("ADAM_TOKEN", &token);
    let out = run(posted);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("recorded in ADAM's continuity register"), "{stdout}");
    assert!(
        adam_restore_tests(port, &token)
            .iter()
            .any(|(passed, findings)| *passed && findings.contains("audit trail intact")),
        "the posted verification is in the register"
    );
    drop(server);
    // Two kept; a third only when the server stopped between taking a backup and verifying
    // it (the retention runs after the verification passes, so a failed backup never pushes
    // a good one out; the next round prunes it).
    let left = backups(&scheduled);
    assert!(
        left.len() == 2 || (left.len() == 3 && !left.contains(&first)),
        "{left:?}"
    );
    assert!(scheduled.join("notes.txt").exists());
    // A scheduled backup verifies like any other.
    let newest = backups(&scheduled).pop().unwrap();
    let mut verify = adam(&data);
    verify.args(["backup", "verify", newest.to_str().unwrap()]);
    assert!(run(verify).status.success());

    // create --dir --keep: the same retention from the command line.
    for _ in 0..3 {
        let mut create = adam(&data);
        create.args(["backup", "create", "--dir", scheduled.to_str().unwrap(), "--keep", "1"]);
        assert!(run(create).status.success());
    }
    assert_eq!(backups(&scheduled).len(), 1);
    assert!(scheduled.join("notes.txt").exists());
}
