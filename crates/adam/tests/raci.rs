//! `adam raci who` at the console (issue #17): on the demo's data it names who is accountable
//! for restoring the middleware of OPSI — the provider, its job and the person holding it now —
//! in English or Slovenian, and a solution without a matrix is one clear line and a non-zero
//! exit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn adam(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_adam"));
    c.arg("--data").arg(data);
    c.env_remove("ADAM_DATABASE")
        .env_remove("ADAM_AUDIT_KEYS")
        .env_remove("ADAM_DATA");
    c
}

/// Loads the demo by starting `adam serve --demo` once and stopping it when it listens and
/// has written its tokens (the demo is written before the tokens).
fn demo_data(data: &Path) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = adam(data)
        .args([
            "serve",
            "--demo",
            "--insecure-cookies",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the server stopped: {status}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && data.join("demo-tokens.txt").exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn raci_who_names_the_accountable_party_job_and_person() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    demo_data(data);
    let out = adam(data)
        .args([
            "raci",
            "who",
            "--solution",
            "opsi",
            "--task",
            "Restore",
            "--layer",
            "middleware",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("OPSI — 11. Restore — Middleware"), "{text}");
    assert!(
        text.contains("accountable: AR  Provider (Statens It) — job LEADER.GLPI: mag. Mojca Kocjančič (vopiglpi01)"),
        "{text}"
    );
    assert!(
        text.contains("5) Information only in case of errors and deviations."),
        "{text}"
    );

    let out = adam(data)
        .args([
            "raci",
            "who",
            "--solution",
            "OPSI",
            "--task",
            "Obnova",
            "--layer",
            "middleware",
            "--lang",
            "sl",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Ponudnik (Statens It)") && text.contains("Obnova"),
        "{text}"
    );

    let out = adam(data).args(["raci", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for s in ["OPSI", "E2", "EVEM", "EKT"] {
        assert!(text.contains(s), "{text}");
    }

    let out = adam(data)
        .args([
            "raci",
            "who",
            "--solution",
            "NOPE",
            "--task",
            "1",
            "--layer",
            "middleware",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("solution NOPE has no responsibility matrix"), "{err}");
}
