//! The audit trail's guarantees against a real `adam serve` process (issue #14): a server
//! killed with `kill -9` right after answering checks has recorded every answered one
//! (an answer waits until its access record is committed); a clean stop signs a checkpoint at
//! the last record, and cutting committed records from the file is then found by `adam audit
//! verify`; `adam check` says why, and `--at` answers from the world as it stood then. (Both
//! start the demo, whose passwords an unoptimised build hashes slowly: two tests, not more.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{adam, request, run, serve, try_request};

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The demo's service token.
fn service_token(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join("demo-tokens.txt")).unwrap();
    text.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f[0] == "service")
        .map(|f| f[2].to_owned())
        .unwrap()
}

/// Pairs of (user, document) that the demo knows, to check.
fn questions(port: u16, token: &str) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for document in 1..=6u64 {
        let (status, who) = request(
            port,
            "GET",
            &format!("/api/v1/who?kind=document&id={document}&level=11"),
            token,
            None,
        );
        if status != 200 {
            continue;
        }
        for user in who["items"].as_array().unwrap().iter().take(4) {
            out.push((user.as_u64().unwrap(), document));
        }
    }
    assert!(out.len() >= 4, "the demo has people who reach documents: {out:?}");
    out
}

fn sqlite(data: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("adam.db")).unwrap()
}

#[test]
fn a_server_killed_after_answering_has_recorded_every_answered_check() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut server = serve(data, &["--demo"]);
    let port = server.port;
    let token = Arc::new(service_token(data));
    let questions = Arc::new(questions(port, &token));
    let answered = Arc::new(std::sync::Mutex::new(HashMap::<(u64, u64), usize>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // Four clients check side by side, each asking for level 22: every check is recorded (a
    // decision at 13 or more, or a refusal of 22).
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (token, questions, answered, count, stop) = (
                token.clone(),
                questions.clone(),
                answered.clone(),
                count.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut i = c;
                while !stop.load(Ordering::SeqCst) {
                    let (user, document) = questions[i % questions.len()];
                    i += 4;
                    let body =
                        serde_json::json!({"user": user, "object": {"type": "document", "id": document}, "level": 22});
                    match try_request(port, "POST", "/api/v1/check", Some(&token), Some(&body)) {
                        Ok(Some((200, _))) => {
                            *answered.lock().unwrap().entry((user, document)).or_default() += 1;
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(Some((status, answer))) => panic!("{status}: {answer}"),
                        // The server was killed mid-request: that check was not answered.
                        Ok(None) | Err(_) => return,
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while count.load(Ordering::SeqCst) < 300 {
        assert!(started.elapsed() < Duration::from_secs(120), "the checks are too slow");
        std::thread::sleep(Duration::from_millis(1));
    }
    // kill -9 while the clients are still asking.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let total: usize = answered.values().sum();
    assert!(total >= 300);
    let db = sqlite(data);
    let mut recorded = HashMap::<(u64, u64), usize>::new();
    let mut statement = db
        .prepare(
            "SELECT actor_user, object_id, count(*) FROM audit WHERE action = 'access.check' \
             AND object_kind = 'ADAM_ENTITY_DOCUMENT' GROUP BY actor_user, object_id",
        )
        .unwrap();
    let rows = statement
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })
        .unwrap();
    for row in rows {
        let (user, document, n) = row.unwrap();
        recorded.insert((user as u64, document as u64), n as usize);
    }
    for (pair, n) in &answered {
        let have = recorded.get(pair).copied().unwrap_or(0);
        assert!(
            have >= *n,
            "user {} on document {}: {n} checks answered, {have} recorded (of {total} answered in all)",
            pair.0,
            pair.1
        );
    }
}

#[test]
fn a_clean_stop_signs_the_last_record_and_a_cut_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let server = serve(data, &["--demo"]);
    let token = service_token(data);
    let asked = questions(server.port, &token);
    let (user, document) = asked[0];
    let (status, person) = request(server.port, "GET", &format!("/api/v1/users/{user}"), &token, None);
    assert_eq!(status, 200, "{person}");
    let username = person["username"].as_str().unwrap().to_owned();
    for (user, document) in asked.into_iter().take(5) {
        let body = serde_json::json!({"user": user, "object": {"type": "document", "id": document}, "level": 22});
        assert_eq!(
            request(server.port, "POST", "/api/v1/check", &token, Some(&body)).0,
            200
        );
    }
    // SIGTERM: the server stops cleanly.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut server = server;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let last: i64 = sqlite(data)
        .query_row("SELECT max(seq) FROM audit_chain", [], |r| r.get(0))
        .unwrap();
    let checkpoints = std::fs::read_to_string(data.join("audit-keys").join("checkpoints.jsonl")).unwrap();
    let newest: serde_json::Value = serde_json::from_str(checkpoints.lines().last().unwrap()).unwrap();
    assert_eq!(newest["seq"], last, "a checkpoint at the last record");
    // The head file's two slots: the newer is the last record.
    let heads = std::fs::read_to_string(data.join("audit-keys").join("head.json")).unwrap();
    let head = heads
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l.trim()).ok())
        .filter_map(|h| h["seq"].as_i64())
        .max();
    assert_eq!(head, Some(last), "the head outside the database is the last record");
    let mut verify = adam(data);
    verify.args(["audit", "verify"]);
    let out = run(verify);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    // `adam check` says why, in one line after the level (issue #14, item 17)…
    let mut check = adam(data);
    check.args(["check", "--user", &username, "--document", &document.to_string()]);
    let out = run(check);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout.lines().next().unwrap();
    let level: u8 = line.split_whitespace().next().unwrap().parse().unwrap();
    assert!(level >= 11, "{line}");
    assert!(line.contains(": granted"), "{line}");
    assert!(line.contains(" — by "), "what granted it: {line}");
    assert!(line.contains("revision "), "{line}");
    // The instant in Ljubljana time with its zone, as a person reads it, not UTC.
    assert!(
        line.contains(" CET, revision ") || line.contains(" CEST, revision "),
        "{line}"
    );
    // …and as of a day before the demo existed answers from the world of then, which had
    // neither the person nor the document, not from today's ACL (item 16).
    for command in ["check", "explain"] {
        let mut then = adam(data);
        then.args([
            command,
            "--user",
            &username,
            "--document",
            &document.to_string(),
            "--at",
            "2020-01-01",
        ]);
        let out = run(then);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        // 2020-01-01 at midnight UTC is 01:00 in Ljubljana.
        assert!(stderr.contains("as of 2020-01-01 01:00:00 CET"), "{stderr}");
        assert!(stderr.contains("(revision 0)"), "{stderr}");
        assert!(stderr.contains("there is no"), "{stderr}");
    }

    // Someone with the file deletes the newest record and the database's checkpoints.
    sqlite(data)
        .execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; DROP TRIGGER audit_delete_only_by_purge; \
             DROP TRIGGER audit_chain_append_only_delete; DROP TRIGGER audit_checkpoints_append_only_delete; \
             DELETE FROM audit_tail WHERE seq = {last}; DELETE FROM audit WHERE seq = {last}; \
             DELETE FROM audit_chain WHERE seq = {last}; DELETE FROM audit_checkpoints;"
        ))
        .unwrap();
    let mut verify = adam(data);
    verify.args(["audit", "verify"]);
    let out = run(verify);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("first bad record {last}")), "{stdout}");
    assert!(stdout.contains("tail was cut"), "{stdout}");
}
