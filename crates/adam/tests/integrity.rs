//! `adam integrity scan` and `adam integrity submit` end to end (issue #15, Decree Art.
//! 50(4)–(5)): against a demo server the test starts, the binary scans a directory and submits
//! the manifest as a baseline of the demo's key server VOPI-SYS, the security lead approves it
//! over HTTP, an unchanged scan matches, a changed file is found by a scan written to a file and
//! submitted later (exit status 3, the difference printed), and the mismatch is in the audit
//! trail as `security.integrity_mismatch`. Errors are one line and a non-zero exit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn adam(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_adam"));
    c.arg("--data").arg(data);
    c.env_remove("ADAM_DATABASE")
        .env_remove("ADAM_AUDIT_KEYS")
        .env_remove("ADAM_DATA")
        .env_remove("ADAM_URL")
        .env_remove("ADAM_TOKEN");
    c
}

fn run(mut c: Command) -> Output {
    c.stdin(Stdio::null()).output().unwrap()
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_demo(data: &Path) -> Server {
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
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let mut server = Server {
        child: c.spawn().unwrap(),
        port,
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("the server stopped: {status}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && request(port, "GET", "/api/health", None, None).0 == 200 {
            return server;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not start within five minutes");
}

fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

/// The token `serve --demo` wrote for a demo account (label, username, token per line).
fn demo_token(data: &Path, label: &str) -> String {
    let text = std::fs::read_to_string(data.join("demo-tokens.txt")).unwrap();
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 3 && f[0] == label).then(|| f[2].to_owned())
        })
        .unwrap_or_else(|| panic!("no token for {label} in {text}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_scan_is_submitted_approved_and_a_changed_file_is_a_recorded_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let root = dir.path().join("srv");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    std::fs::write(root.join("etc/motd"), "Dobrodošli\n").unwrap();
    let server = serve_demo(&data);
    let url = format!("http://127.0.0.1:{}", server.port);
    let admin = demo_token(&data, "admin");
    let lead = demo_token(&data, "security-lead");
    let root_arg = root.to_str().unwrap();

    // The first scan, as a baseline of the key server.
    let mut scan = adam(&data);
    scan.args([
        "integrity",
        "scan",
        "--server",
        "VOPI-SYS",
        "--baseline",
        "--url",
        &url,
        "--token",
        &admin,
        root_arg,
    ]);
    let out = run(scan);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("baseline 0 of VOPI-SYS submitted (2 files)"),
        "{stdout}"
    );

    // A comparison before approval is refused, in one line, with a non-zero exit.
    let mut early = adam(&data);
    early.args([
        "integrity",
        "scan",
        "--server",
        "VOPI-SYS",
        "--url",
        &url,
        "--token",
        &admin,
        root_arg,
    ]);
    let out = run(early);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no approved integrity baseline"), "{stderr}");

    // The security lead approves it, naming the approved change.
    let (status, approved) = request(
        server.port,
        "POST",
        "/api/v1/integrity/baselines/0/approve",
        Some(&lead),
        Some(&serde_json::json!({"change": "CHG-2026-014"})),
    );
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["state"], "approved");

    // Unchanged: a match, exit 0 (the token from the environment this time).
    let mut same = adam(&data);
    same.args(["integrity", "scan", "--server", "VOPI-SYS", root_arg])
        .env("ADAM_URL", &url)
        .env("ADAM_TOKEN", &admin);
    let out = run(same);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("VOPI-SYS matches its baseline 0 (2 files)"), "{stdout}");

    // A file changes and one appears; the scan is written to a file and uploaded later.
    std::fs::write(root.join("etc/hosts"), "127.0.0.1 localhost\n10.0.0.66 adam\n").unwrap();
    std::fs::write(root.join("etc/.hidden"), "x").unwrap();
    let manifest = dir.path().join("scan.json");
    let mut offline = adam(&data);
    offline.args([
        "integrity",
        "scan",
        "--server",
        "VOPI-SYS",
        "--out",
        manifest.to_str().unwrap(),
        root_arg,
    ]);
    let out = run(offline);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 files"), "{}", text(&out.stdout));
    let mut submit = adam(&data);
    submit.args([
        "integrity",
        "submit",
        manifest.to_str().unwrap(),
        "--url",
        &url,
        "--token",
        &admin,
    ]);
    let out = run(submit);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with("MISMATCH: VOPI-SYS differs from its baseline 0: 1 added, 0 removed, 1 changed"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("+ {root_arg}/etc/.hidden")), "{stdout}");
    assert!(
        stdout.contains(&format!("~ {root_arg}/etc/hosts (content, size)")),
        "{stdout}"
    );

    // The security event in the trail, and the warning on the server.
    let (status, trail) = request(
        server.port,
        "GET",
        "/api/v1/audit?action=security.integrity_mismatch",
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{trail}");
    let items = trail["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{trail}");
    assert_eq!(items[0]["object"]["kind"], "ADAM_ENTITY_INTEGRITY_COMPARISON");
    let (_, servers) = request(server.port, "GET", "/api/v1/integrity/servers", Some(&lead), None);
    let vopi = servers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "VOPI-SYS")
        .unwrap();
    assert_eq!(vopi["warning"], items[0]["object"]["id"]);
}

#[test]
fn integrity_errors_are_one_line_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    std::fs::write(data.join("f"), "x").unwrap();
    let f = data.join("f");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // Nowhere to send it.
        (
            vec!["integrity", "scan", "--server", "MAIL-SRV", f.to_str().unwrap()],
            "--url and --token",
        ),
        // A path that is not there.
        (
            vec![
                "integrity",
                "scan",
                "--server",
                "MAIL-SRV",
                "--out",
                "x.json",
                "/nonexistent/adam-test",
            ],
            "cannot read /nonexistent/adam-test",
        ),
        // Not a manifest.
        (
            vec![
                "integrity",
                "submit",
                f.to_str().unwrap(),
                "--url",
                "http://127.0.0.1:9",
                "--token",
                "t",
            ],
            "is not a manifest",
        ),
        // An address without a scheme.
        (
            vec![
                "integrity",
                "scan",
                "--server",
                "MAIL-SRV",
                "--url",
                "adam.example",
                "--token",
                "t",
                f.to_str().unwrap(),
            ],
            "must start with http:// or https://",
        ),
    ];
    for (args, says) in cases {
        let mut c = adam(data);
        c.args(&args);
        let out = run(c);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
    }
}
