//! An attack pass on the registers' routes (issue 15): the inventory, access reviews and
//! follow-ups, risk assessments, integrity baselines and the Decree's roles. Oversized bodies,
//! malformed JSON, deep nesting, wrong types, unknown fields, huge strings, negative and
//! overflowing ids in bodies, paths and queries: every one gets its specific RFC 9457 problem
//! (never a 500 nor a dropped connection), and none writes anything — the revision and every
//! register read the same afterwards. Sent as the system administrator, who keeps the
//! registers, so a request reaches the parsing it is about rather than a refusal of the caller.

use crate::inventory_fixture::{SYSTEM, ensure};
use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// What a request carries.
enum Send {
    None,
    Json(Value),
    Raw(&'static str, Vec<u8>),
    /// A JSON body announced as this many bytes, of which only the start is sent: the
    /// server must answer from the announced length, without reading it (`oversized`).
    Oversized(usize),
}

struct Attack {
    what: &'static str,
    method: Method,
    path: String,
    body: Send,
    status: u16,
    problem: &'static str,
    /// The JSON Pointer the problem names, when it names one.
    pointer: Option<&'static str>,
}

fn a(
    what: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Send,
    status: u16,
    problem: &'static str,
) -> Attack {
    Attack {
        what,
        method,
        path: path.into(),
        body,
        status,
        problem,
        pointer: None,
    }
}

impl Attack {
    fn at(mut self, pointer: &'static str) -> Attack {
        self.pointer = Some(pointer);
        self
    }
}

/// A JSON document of `n` bytes: one long string field.
fn big(n: usize) -> Vec<u8> {
    let mut v = b"{\"name\": \"".to_vec();
    v.resize(n, b'x');
    v.extend_from_slice(b"\"}");
    v
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![b'['; depth];
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

fn attacks(custodian: u32) -> Vec<Attack> {
    let (g, p) = (Method::GET, Method::POST);
    let raw = |bytes: &[u8]| Send::Raw("application/json", bytes.to_vec());
    let item = |extra: Value| {
        let mut body = json!({"kind": "asset", "code": "NAPAD", "name": "Napad", "custodian": custodian});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        Send::Json(body)
    };
    let five_mb = 5 * 1024 * 1024;
    let mut out = vec![
        // Oversized bodies: the general limit (1 MiB), and the scans' own (32 MiB) still parse.
        a(
            "5 MB item",
            p.clone(),
            "/api/v1/inventory",
            Send::Oversized(five_mb),
            413,
            "body-too-large",
        ),
        a(
            "5 MB review",
            p.clone(),
            "/api/v1/access-reviews",
            Send::Oversized(five_mb),
            413,
            "body-too-large",
        ),
        a(
            "5 MB risk",
            p.clone(),
            "/api/v1/risk-assessments",
            Send::Oversized(five_mb),
            413,
            "body-too-large",
        ),
        a(
            "5 MB appointment",
            p.clone(),
            "/api/v1/decree-roles",
            Send::Oversized(five_mb),
            413,
            "body-too-large",
        ),
        a(
            "5 MB scan without its fields",
            p.clone(),
            "/api/v1/integrity/scans",
            Send::Raw("application/json", big(five_mb)),
            422,
            "invalid-body",
        ),
        a(
            "5 MB classification",
            p.clone(),
            format!("/api/v1/inventory/{SYSTEM}/classification"),
            Send::Oversized(five_mb),
            413,
            "body-too-large",
        ),
        // Malformed JSON, empty bodies, nesting beyond the parser's depth, not JSON at all.
        a(
            "cut-off JSON",
            p.clone(),
            "/api/v1/inventory",
            raw(b"{\"kind\": \"asset\", "),
            400,
            "malformed-json",
        ),
        a(
            "empty body",
            p.clone(),
            "/api/v1/risk-assessments",
            raw(b""),
            400,
            "malformed-json",
        ),
        a(
            "two documents",
            p.clone(),
            "/api/v1/decree-roles",
            raw(b"{} {}"),
            400,
            "malformed-json",
        ),
        // A whole, valid body with something after it: not acted on.
        a(
            "trailing garbage",
            p.clone(),
            "/api/v1/risk-assessments",
            raw(b"{\"date\": \"2026-02-11\", \"scope\": \"S\", \"findings\": \"F\", \"treatment\": \"T\"} x"),
            400,
            "malformed-json",
        ),
        a(
            "a second document",
            p.clone(),
            "/api/v1/risk-assessments",
            raw(b"{\"date\": \"2026-02-11\", \"scope\": \"S\", \"findings\": \"F\", \"treatment\": \"T\"}{}"),
            400,
            "malformed-json",
        ),
        // Nesting: refused at the first level that does not fit, before any depth is reached;
        // nesting past the parser's limit where any value is taken is not JSON we read.
        a(
            "deep nesting",
            p.clone(),
            "/api/v1/access-reviews",
            raw(&nested(100_000)),
            422,
            "invalid-body",
        ),
        a(
            "deep nesting in a scan",
            p.clone(),
            "/api/v1/integrity/scans",
            raw(&nested(100_000)),
            422,
            "invalid-body",
        ),
        a(
            "invalid UTF-8",
            p.clone(),
            "/api/v1/inventory",
            raw(b"{\"name\": \"\xff\xfe\"}"),
            400,
            "malformed-json",
        ),
        a(
            "form instead of JSON",
            p.clone(),
            "/api/v1/inventory",
            Send::Raw("application/x-www-form-urlencoded", b"kind=asset".to_vec()),
            415,
            "unsupported-media-type",
        ),
        a(
            "no content type",
            p.clone(),
            "/api/v1/integrity/scans",
            Send::Raw("", b"{}".to_vec()),
            415,
            "unsupported-media-type",
        ),
        // The wrong shape: null, an array, wrong types, unknown fields, missing fields.
        a(
            "null",
            p.clone(),
            "/api/v1/inventory",
            Send::Json(Value::Null),
            422,
            "invalid-body",
        ),
        a(
            "an array",
            p.clone(),
            "/api/v1/risk-assessments",
            Send::Json(json!([1, 2])),
            422,
            "invalid-body",
        ),
        a(
            "kind a number",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"kind": 5})),
            422,
            "invalid-body",
        )
        .at("/kind"),
        a(
            "unknown kind",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"kind": "planet"})),
            422,
            "invalid-body",
        )
        .at("/kind"),
        a(
            "own a string",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"own": "yes"})),
            422,
            "invalid-body",
        )
        .at("/own"),
        a(
            "unknown field",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"colour": "red"})),
            422,
            "invalid-body",
        ),
        a(
            "unknown field in a review",
            p.clone(),
            "/api/v1/access-reviews",
            Send::Json(json!({"system": SYSTEM, "due": "2026-04-30", "x": 1})),
            422,
            "invalid-body",
        ),
        a(
            "missing due",
            p.clone(),
            "/api/v1/access-reviews",
            Send::Json(json!({"system": SYSTEM})),
            422,
            "invalid-body",
        ),
        a(
            "date not a date",
            p.clone(),
            "/api/v1/risk-assessments",
            Send::Json(json!({"date": "yesterday", "scope": "S", "findings": "F", "treatment": "T"})),
            422,
            "invalid-body",
        )
        .at("/date"),
        a(
            "impossible date",
            p.clone(),
            "/api/v1/risk-assessments",
            Send::Json(json!({"date": "2026-02-30", "scope": "S", "findings": "F", "treatment": "T"})),
            422,
            "invalid-body",
        )
        .at("/date"),
        a(
            "unknown decree role",
            p.clone(),
            "/api/v1/decree-roles",
            Send::Json(json!({"role": "king", "user": custodian, "since": "2026-01-01"})),
            422,
            "invalid-body",
        )
        .at("/role"),
        a(
            "class 9",
            p.clone(),
            format!("/api/v1/inventory/{SYSTEM}/classification"),
            Send::Json(json!({"class": {"z": 9, "c": 1, "r": 1}})),
            422,
            "invalid-body",
        ),
        a(
            "unknown relation",
            p.clone(),
            format!("/api/v1/inventory/{SYSTEM}/links"),
            Send::Json(json!({"asset": 0, "relation": "owns"})),
            422,
            "invalid-body",
        )
        .at("/relation"),
        a(
            "decision not a word",
            p.clone(),
            "/api/v1/access-reviews/0/decisions",
            Send::Json(json!({"grant": 0, "outcome": 1})),
            422,
            "invalid-body",
        ),
        a(
            "scan with a bad digest",
            p.clone(),
            "/api/v1/integrity/scans",
            Send::Json(json!({"server": "VOPI-SYS", "files": [["/etc/x", "zz", 1, 420, "root"]]})),
            422,
            "invalid-body",
        ),
        // Huge strings in text fields (the limit is 500 characters) and control characters.
        a(
            "100,000-character name",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"name": "x".repeat(100_000)})),
            422,
            "invalid-body",
        )
        .at("/name"),
        a(
            "100,000-character findings",
            p.clone(),
            "/api/v1/risk-assessments",
            Send::Json(json!({"date": "2026-02-11", "scope": "S", "findings": "f".repeat(100_000), "treatment": "T"})),
            422,
            "invalid-body",
        )
        .at("/findings"),
        a(
            "100,000-character code",
            p.clone(),
            "/api/v1/integrity/scans",
            Send::Json(json!({"server": "C".repeat(100_000), "files": []})),
            422,
            "invalid-body",
        )
        .at("/server"),
        a(
            "code with a space",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"code": "A B"})),
            422,
            "invalid-body",
        )
        .at("/code"),
        // Negative and overflowing ids in bodies.
        a(
            "negative custodian",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"custodian": -1})),
            422,
            "invalid-body",
        )
        .at("/custodian"),
        a(
            "overflowing custodian",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"custodian": 4_294_967_296_u64})),
            422,
            "invalid-body",
        )
        .at("/custodian"),
        a(
            "huge number custodian",
            p.clone(),
            "/api/v1/inventory",
            item(json!({"custodian": 1e300})),
            422,
            "invalid-body",
        )
        .at("/custodian"),
        a(
            "negative system",
            p.clone(),
            "/api/v1/access-reviews",
            Send::Json(json!({"system": -5, "due": "2026-04-30"})),
            422,
            "invalid-body",
        )
        .at("/system"),
        a(
            "overflowing asset",
            p.clone(),
            format!("/api/v1/inventory/{SYSTEM}/links"),
            Send::Json(json!({"asset": 99_999_999_999_u64, "relation": "stores"})),
            422,
            "invalid-body",
        )
        .at("/asset"),
        a(
            "negative user",
            p.clone(),
            "/api/v1/decree-roles",
            Send::Json(json!({"role": "head", "user": -1, "since": "2026-01-01"})),
            422,
            "invalid-body",
        )
        .at("/user"),
        // An id that fits but names nothing.
        a(
            "no such user",
            p.clone(),
            "/api/v1/decree-roles",
            Send::Json(json!({"role": "head", "user": 4_294_967_295_u64, "since": "2026-01-01"})),
            404,
            "unknown-user",
        ),
        // Queries: malformed, negative, overflowing, unknown.
        a(
            "limit a word",
            g.clone(),
            "/api/v1/inventory?limit=abc",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "negative after",
            g.clone(),
            "/api/v1/inventory?after=-1",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "overflowing after",
            g.clone(),
            "/api/v1/inventory?after=4294967296",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "page too large",
            g.clone(),
            "/api/v1/inventory?limit=100000",
            Send::None,
            422,
            "page-size",
        ),
        a(
            "unknown parameter",
            g.clone(),
            "/api/v1/risk-assessments?colour=red",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "an instant that is not one",
            g.clone(),
            "/api/v1/risk-assessments?at=yesterday",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "holders on a bad day",
            g.clone(),
            "/api/v1/decree-roles/holders?on=2026-13-01",
            Send::None,
            422,
            "invalid-query",
        ),
        a(
            "holders in XML",
            g.clone(),
            "/api/v1/decree-roles/holders?format=xml",
            Send::None,
            422,
            "invalid-query",
        ),
    ];
    // Path ids that are not ids: words, negative, overflowing, fractions — on every register
    // route with an id, read and write.
    let with_id: [(Method, &str, Option<Value>); 15] = [
        (g.clone(), "/api/v1/inventory/{}", None),
        (Method::PATCH, "/api/v1/inventory/{}", Some(json!({"name": "X"}))),
        (Method::PUT, "/api/v1/inventory/{}", Some(json!({"name": "X"}))),
        (p.clone(), "/api/v1/inventory/{}/classification", Some(json!({}))),
        (p.clone(), "/api/v1/inventory/{}/retire", None),
        (p.clone(), "/api/v1/inventory/{}/links", Some(json!({}))),
        (Method::DELETE, "/api/v1/inventory/links/{}", None),
        (g.clone(), "/api/v1/inventory/{}/history", None),
        (g.clone(), "/api/v1/access-reviews/{}", None),
        (g.clone(), "/api/v1/access-reviews/{}/report.csv", None),
        (p.clone(), "/api/v1/access-reviews/{}/decisions", Some(json!({}))),
        (p.clone(), "/api/v1/rights-follow-ups/{}/decisions", Some(json!({}))),
        (g.clone(), "/api/v1/risk-assessments/{}", None),
        (p.clone(), "/api/v1/integrity/baselines/{}/approve", Some(json!({}))),
        (g.clone(), "/api/v1/integrity/servers/{}", None),
    ];
    for (method, template, body) in with_id {
        for bad in [
            "abc",
            "-1",
            "4294967296",
            "1.5",
            "%20",
            "0x10",
            "99999999999999999999999",
        ] {
            let body = body.clone().map_or(Send::None, Send::Json);
            out.push(a(
                "bad path id",
                method.clone(),
                template.replace("{}", bad),
                body,
                400,
                "invalid-path",
            ));
        }
    }
    out.push(a(
        "bad path id",
        g.clone(),
        "/api/v1/integrity/baselines/-7",
        Send::None,
        400,
        "invalid-path",
    ));
    out.push(a(
        "bad path id",
        p.clone(),
        "/api/v1/decree-roles/x/end",
        Send::Json(json!({"until": "2026-01-01"})),
        400,
        "invalid-path",
    ));
    out
}

/// Sends the head of a request announcing `n` bytes of JSON and the first kilobyte of it,
/// then reads the answer. A client sending the whole body races the server's early 413 (the
/// server closes the connection without reading the rest); announcing it is what matters.
async fn oversized(s: &TestServer, method: &Method, path: &str, n: usize) -> Result<Reply, String> {
    let host = s.url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let token = s.token(Who::SysAdmin).ok_or("no token")?.to_owned();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n"
    );
    let answer = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&host).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
        stream.write_all(&big(1024)).map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => Ok(answer),
            Err(_) if !answer.is_empty() => Ok(answer),
            Err(e) => Err(format!("no answer (the server waited for the body?): {e}")),
        }
    })
    .await
    .map_err(|e| e.to_string())??;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| format!("not HTTP: {text}"))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status: {head}"))?;
    let mut headers = reqwest::header::HeaderMap::new();
    for line in head.lines().skip(1) {
        if let Some((k, v)) = line.split_once(':')
            && let (Ok(k), Ok(v)) = (
                reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()),
                reqwest::header::HeaderValue::from_str(v.trim()),
            )
        {
            headers.insert(k, v);
        }
    }
    let json = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if a < b => serde_json::from_str(&body[a..=b]).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    Ok(Reply {
        status: reqwest::StatusCode::from_u16(status).map_err(|e| e.to_string())?,
        headers,
        json,
        text: body.to_owned(),
    })
}

async fn the_registers_refuse_every_malformed_request_precisely_and_write_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    ensure(&s).await;
    let custodian = s.fx.ana.0;
    let before = s.revision().await;
    let reads = [
        "/api/v1/inventory",
        "/api/v1/access-reviews",
        "/api/v1/risk-assessments",
        "/api/v1/decree-roles",
        "/api/v1/integrity/servers",
    ];
    let mut snapshot = Vec::new();
    for r in reads {
        snapshot.push(s.get(Who::SysAdmin, r).await.expect(200).json);
    }
    let mut failures = Vec::new();
    for attack in attacks(custodian) {
        let reply = match &attack.body {
            Send::None => s.call(Who::SysAdmin, attack.method.clone(), &attack.path, None).await,
            Send::Json(v) => {
                s.call(Who::SysAdmin, attack.method.clone(), &attack.path, Some(v))
                    .await
            }
            Send::Raw(ct, bytes) => {
                s.raw(Who::SysAdmin, attack.method.clone(), &attack.path, ct, bytes.clone())
                    .await
            }
            Send::Oversized(n) => match oversized(&s, &attack.method, &attack.path, *n).await {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{} {}: no answer: {e}", attack.method, attack.path));
                    continue;
                }
            },
        };
        let label = format!(
            "{} {} {} ({})",
            attack.method,
            attack.path.chars().take(80).collect::<String>(),
            attack.what,
            reply.status
        );
        if reply.status.is_server_error() {
            failures.push(format!(
                "{label}: a server error: {}",
                reply.text.chars().take(300).collect::<String>()
            ));
            continue;
        }
        if reply.status.as_u16() != attack.status {
            failures.push(format!(
                "{label}: expected {}, got {}",
                attack.status,
                reply.text.chars().take(300).collect::<String>()
            ));
            continue;
        }
        if attack.problem.is_empty() {
            continue;
        }
        if reply.header("content-type") != Some("application/problem+json") {
            failures.push(format!(
                "{label}: not a problem document: {}",
                reply.text.chars().take(200).collect::<String>()
            ));
            continue;
        }
        if reply.json["type"] != format!("/problems/{}", attack.problem) {
            failures.push(format!(
                "{label}: expected {}, got {}",
                attack.problem, reply.json["type"]
            ));
        }
        if reply.json["detail"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{label}: no detail"));
        }
        if let Some(p) = attack.pointer
            && reply.json["pointer"] != p
        {
            failures.push(format!("{label}: pointer {} not {p}", reply.json["pointer"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} attack(s) answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(s.revision().await, before, "an attack wrote something");
    for (r, was) in reads.iter().zip(snapshot) {
        assert_eq!(s.get(Who::SysAdmin, r).await.expect(200).json, was, "{r} changed");
    }
}
on_both_backends!(the_registers_refuse_every_malformed_request_precisely_and_write_nothing);
