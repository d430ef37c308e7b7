//! What the process tests of `adam` share: the binary with a data directory, a server process
//! killed when dropped, and a small HTTP/1.1 client (no client library in the tests).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn adam(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_adam"));
    c.arg("--data").arg(data);
    c.env_remove("ADAM_DATABASE")
        .env_remove("ADAM_AUDIT_KEYS")
        .env_remove("ADAM_DATA");
    c
}

pub fn run(mut c: Command) -> Output {
    c.stdin(Stdio::null()).output().unwrap()
}

/// A server the test started; killed (by its own handle) when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(data: &Path, extra: &[&str]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = adam(data);
    c.args(["serve", "--insecure-cookies", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
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
        if let Ok(Some((200, _))) = try_request(port, "GET", "/api/health", None, None) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not start within five minutes");
}

/// One request over a fresh connection: the status and the JSON body, or `None` when the
/// server went away before answering in full.
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> std::io::Result<Option<(u16, serde_json::Value)>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let Some((head, body)) = answer.split_once("\r\n\r\n") else {
        return Ok(None);
    };
    let Some(status) = head.split(' ').nth(1).and_then(|s| s.parse().ok()) else {
        return Ok(None);
    };
    let Ok(json) = serde_json::from_str(body) else {
        return Ok(None);
    };
    Ok(Some((status, json)))
}

pub fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    try_request(port, method, path, Some(token), body).unwrap().unwrap()
}
