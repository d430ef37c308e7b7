//! The `adam` binary run as an operator runs it: `adam user password` sets a temporary
//! password from standard input, and `adam serve --demo` writes temporary passwords for the
//! demo accounts (both checked by signing in over HTTP to a server the test starts); `adam
//! audit verify` passes an intact trail and exits 1 naming the first tampered record; `adam
//! keys rotate-totp` replaces the TOTP sealing key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const STRONG: &str = "Kq7#Vz2!Lm9@Xr4$Tw";

fn adam(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_adam"));
    c.arg("--data").arg(data);
    // The tests' environment must not point the binary at another database.
    c.env_remove("ADAM_DATABASE")
        .env_remove("ADAM_AUDIT_KEYS")
        .env_remove("ADAM_DATA");
    c
}

fn run(mut c: Command, stdin: &str) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// A server the test started; stopped (by its own handle) when dropped.
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `adam serve` with `extra` arguments and waits until it answers (the demo's first
/// start hashes a password per account, which an unoptimised build does slowly).
fn serve(data: &Path, extra: &[&str]) -> Server {
    let port = free_port();
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
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            // The address is bound before the demo is loaded (so that a busy port fails before
            // anything is written): wait for an answer, which comes once it is serving.
            let (status, _, _) = request(port, "GET", "/api/health", &[], None);
            assert_eq!(status, 200);
            return server;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the server did not start within five minutes");
}

/// One HTTP/1.1 request over a fresh connection: the status and the JSON body.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, json, head.to_owned())
}

fn login(port: u16, username: &str, password: &str) -> (u16, serde_json::Value, String) {
    request(
        port,
        "POST",
        "/api/v1/auth/login",
        &[],
        Some(&serde_json::json!({"username": username, "password": password})),
    )
}

/// The `name=value` of the session cookie an answer sets.
fn cookie(head: &str) -> String {
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    line.split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs in with a temporary password: accepted, but only for changing it.
fn must_change(port: u16, username: &str, password: &str) {
    let (status, answer, head) = login(port, username, password);
    assert_eq!(status, 200, "{username}: {answer}");
    assert_eq!(answer["password_change_required"], true, "{username}: {answer}");
    let cookie = cookie(&head);
    let (status, refused, _) = request(port, "GET", "/api/v1/offices", &[("cookie", &cookie)], None);
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["type"], "/problems/password-change-required");
}

#[test]
fn audit_verify_passes_an_intact_trail_and_names_a_tampered_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    let out = run(init, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for workers in ["0", "1", "3"] {
        let mut verify = adam(data);
        verify.args(["audit", "verify", "--workers", workers]);
        let out = run(verify, "");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.starts_with("audit trail intact"), "{stdout}");
    }
    // Too many workers is one clear line and exit code 2, before anything is opened.
    let mut many = adam(data);
    many.args(["audit", "verify", "--workers", "65"]);
    let out = run(many, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--workers"));

    // An attacker with the file changes one byte of record 2's payload.
    let db = rusqlite::Connection::open(data.join("adam.db")).unwrap();
    db.execute_batch(
        "DROP TRIGGER audit_append_only_update; \
         UPDATE audit SET payload = replace(payload, '\"', ' \"') WHERE seq = 2;",
    )
    .unwrap();
    drop(db);
    for workers in ["1", "3"] {
        let mut verify = adam(data);
        verify.args(["audit", "verify", "--workers", workers, "--json"]);
        let out = run(verify, "");
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(verdict["problems"][0]["seq"], 2, "{verdict}");
    }
    let mut verify = adam(data);
    verify.args(["audit", "verify"]);
    let out = run(verify, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.starts_with("AUDIT TRAIL TAMPERED"), "{stdout}");
    assert!(stdout.contains("record 2:"), "{stdout}");
}

#[test]
fn keys_rotate_totp_replaces_the_key_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    assert!(run(init, "").status.success());
    let key = data.join("audit-keys").join("totp.key");
    let before = std::fs::read_to_string(&key).unwrap();
    let mut rotate = adam(data);
    rotate.args(["keys", "rotate-totp"]);
    let out = run(rotate, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("re-sealed 0 TOTP seed(s)"), "{stdout}");
    assert_ne!(std::fs::read_to_string(&key).unwrap(), before);
    assert!(!data.join("audit-keys").join("totp.key.next").exists());
    // The rotation is in the trail, which still verifies.
    let mut verify = adam(data);
    verify.args(["audit", "verify", "--json"]);
    let out = run(verify, "");
    assert!(out.status.success());
    let db = rusqlite::Connection::open(data.join("adam.db")).unwrap();
    let rotations: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'auth.totp_key.rotate'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rotations, 1);
}

#[test]
fn user_password_sets_a_temporary_password_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    let out = run(init, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A weak password is refused with the rule it breaks; nothing is set.
    let mut weak = adam(data);
    weak.args(["user", "password", "--user", "admin"]);
    let out = run(weak, "admin123\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.to_lowercase().contains("password"), "{stderr}");
    // An unknown account, and an empty line, are refused.
    let mut unknown = adam(data);
    unknown.args(["user", "password", "--user", "nobody"]);
    assert!(!run(unknown, &format!("{STRONG}\n")).status.success());
    let mut empty = adam(data);
    empty.args(["user", "password", "--user", "admin"]);
    assert!(!run(empty, "\n").status.success());

    let mut set = adam(data);
    set.args(["user", "password", "--user", "admin"]);
    let out = run(set, &format!("{STRONG}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be changed"));

    let server = serve(data, &[]);
    must_change(server.port, "admin", STRONG);
}

#[test]
fn serve_demo_writes_temporary_passwords_that_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let server = serve(data, &["--demo"]);
    let path = data.join("demo-passwords.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the operator reads it");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let accounts: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(fields.len(), 3, "label, username, password: {l:?}");
            (fields[1].to_owned(), fields[2].to_owned())
        })
        .collect();
    assert!(accounts.len() >= 5, "{text}");
    // Service accounts sign in with tokens, so they get no password.
    assert!(!text.contains("service\t"), "{text}");
    for (username, password) in &accounts {
        must_change(server.port, username, password);
    }

    // Nobody mints a credential that acts as another person (issue 12): not the operator
    // either. A token for the system administrator is issued; one born expired is not.
    let person = accounts
        .iter()
        .map(|(u, _)| u.as_str())
        .find(|u| *u != "admin")
        .unwrap();
    let mut token = adam(data);
    token.args(["token", "issue", "--user", person]);
    let out = run(token, "");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not for a person"),
        "{out:?}"
    );
    assert!(out.stdout.is_empty(), "no secret printed");
    let mut expired = adam(data);
    expired.args(["token", "issue", "--user", "admin", "--expires", "2020-01-01"]);
    let out = run(expired, "");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("in the future"),
        "{out:?}"
    );
}

/// `serve --demo` on an address already in use fails before it writes anything: no demo
/// files, no database.
#[test]
fn serve_demo_on_a_busy_port_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = busy.local_addr().unwrap().to_string();
    let mut c = adam(&data);
    c.args(["serve", "--demo", "--insecure-cookies", "--listen", &address]);
    let out = run(c, "");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot listen"),
        "{out:?}"
    );
    for file in ["demo-tokens.txt", "demo-passwords.txt", "adam.db"] {
        assert!(!data.join(file).exists(), "{file} was written");
    }
    drop(busy);
}

#[test]
fn init_prints_how_to_sign_in_and_the_temporary_password_works() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args([
        "init",
        "--organisation",
        "Občina Test",
        "--admin-email",
        "it@test.si",
        "--public-url",
        "https://adam.test.si/",
    ]);
    let out = run(init, "");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.split_whitespace().next().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("no {name} in {stdout}"))
    };
    assert_eq!(field("Address:"), "https://adam.test.si/ui");
    assert_eq!(field("Username:"), "admin");
    assert!(field("API token:").len() > 20, "{stdout}");
    let temporary = field("Temporary password:");
    assert!(temporary.len() >= 20, "{stdout}");
    // The printed password signs in, for changing it only.
    let server = serve(data, &[]);
    must_change(server.port, "admin", &temporary);
}

/// Issue #14 item 6: a missing directory (or one without the files) is one line and exit 1, in
/// the dry run too; the dry run and the import count the same rows; the operator is recorded.
#[test]
fn import_refuses_a_missing_directory_and_names_its_operator() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    assert!(run(init, "").status.success());
    for dry in [false, true] {
        let mut import = adam(data);
        import.arg("import").arg(data.join("no-such-dir"));
        if dry {
            import.arg("--dry-run");
        }
        let out = run(import, "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("no such directory"), "{stderr}");
    }
    let files = data.join("csv");
    std::fs::create_dir(&files).unwrap();
    let mut empty = adam(data);
    empty.arg("import").arg(&files);
    let out = run(empty, "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to import"));

    std::fs::write(
        files.join("users.csv"),
        "username,first_name,last_name,email\nnova,Nova,Oseba,nova@test.si\nnovi,Novi,Oseba,novi@test.si\n",
    )
    .unwrap();
    let mut dry = adam(data);
    dry.arg("import").arg(&files).arg("--dry-run");
    let out = run(dry, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("(2 row(s) in users.csv)"), "{stderr}");
    let mut import = adam(data);
    import.arg("import").arg(&files).args(["--operator", "jana"]);
    let out = run(import, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("checked 2/2 rows"), "{stderr}");
    assert!(stderr.contains("2 row(s) in users.csv"), "{stderr}");
    let db = rusqlite::Connection::open(data.join("adam.db")).unwrap();
    let by_jana: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE payload LIKE '%adam-import (operator jana)%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(by_jana >= 2, "every record of the import names the operator");
}

/// Issue #14 item 19: `adam serve` writes one line per request (method, path, status,
/// latency) without colour codes when its output is a file, and no secret reaches the log.
#[test]
fn serve_logs_one_plain_line_per_request_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    assert!(run(init, "").status.success());
    let log_path = data.join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = free_port();
    let mut c = adam(data);
    c.args(["serve", "--insecure-cookies", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log));
    let server = Server {
        child: c.spawn().unwrap(),
        port,
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(120), "the server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    let secrets = [
        "Skrivno-Geslo-4711-xyz",
        "adam_tok_SECRETtokenSECRETtokenSECRET",
        "SECRETcookieSECRETcookie",
        "adam_reset_SECRETcodeSECRETcode",
    ];
    assert_eq!(request(port, "GET", "/api/health", &[], None).0, 200);
    login(port, "admin", secrets[0]);
    request(
        port,
        "GET",
        "/api/v1/offices",
        &[("authorization", &format!("Bearer {}", secrets[1]))],
        None,
    );
    request(
        port,
        "GET",
        "/ui",
        &[("cookie", &format!("adam_session={}", secrets[2]))],
        None,
    );
    request(port, "GET", &format!("/reset?token={}", secrets[3]), &[], None);
    // Each line is written whole when its answer is ready; give the last one a moment.
    std::thread::sleep(Duration::from_millis(500));
    drop(server);
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour codes in a file: {text:?}");
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} in the log: {text}");
    }
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("latency_ms=")).collect();
    for (method, path, status) in [
        ("GET", "/api/health", "200"),
        ("POST", "/api/v1/auth/login", "401"),
        ("GET", "/api/v1/offices", "401"),
        ("GET", "/reset", "303"),
    ] {
        assert!(
            lines.iter().any(|l| l.contains(&format!("method={method}"))
                && l.contains(&format!("path={path} "))
                && l.contains(&format!("status={status}"))),
            "no line for {method} {path} {status}: {text}"
        );
    }
}

/// Issue #14 item 17: `adam token list` shows when a token was created and last used (written
/// by the server at most once a minute per token).
#[test]
fn token_list_shows_created_and_last_used() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    let out = run(init, "");
    assert!(out.status.success());
    let secret = printed_token(&out.stdout);
    let list = |data: &Path| {
        let mut list = adam(data);
        list.args(["token", "list", "--user", "admin"]);
        let out = run(list, "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let before = list(data);
    assert!(before.contains("\tcreated 20"), "{before}");
    assert!(before.contains(" UTC\tnever used\t"), "{before}");
    {
        let server = serve(data, &[]);
        let (status, _, _) = request(
            server.port,
            "GET",
            "/api/v1/offices",
            &[("authorization", &format!("Bearer {secret}"))],
            None,
        );
        assert_eq!(status, 200);
        // The use is written off the request's path.
        std::thread::sleep(Duration::from_millis(500));
    }
    let after = list(data);
    assert!(after.contains("\tlast used 20"), "{after}");
}

/// Issue #14 item 17: the README's "create a job, then rename it" example works as written
/// (it failed with 412 when it quoted an ETag of its own): its lines are run with `bash` and
/// `curl` against a server the test starts, with the token `adam init` printed.
#[test]
fn the_readmes_patch_example_works_as_written() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl is not installed; the README example is not run");
        return;
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let api = readme
        .lines()
        .find(|l| l.starts_with("api() {"))
        .expect("the README defines api()");
    let start = readme.find("# Create a job, then rename it").expect("the example");
    let example: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("# A mistake"))
        .collect();
    assert!(example.iter().any(|l| l.contains("-X PATCH")), "{example:?}");

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut init = adam(data);
    init.args(["init", "--organisation", "Občina Test", "--admin-email", "it@test.si"]);
    let out = run(init, "");
    assert!(out.status.success());
    let admin = printed_token(&out.stdout);
    let server = serve(data, &[]);
    // The demo has office 0; a fresh installation gets it first.
    let bearer = format!("Bearer {admin}");
    let (status, office, _) = request(
        server.port,
        "POST",
        "/api/v1/offices",
        &[("authorization", &bearer)],
        Some(&serde_json::json!({"code": "GLPI", "name": "Glavna pisarna"})),
    );
    assert_eq!((status, &office["id"]), (201, &serde_json::json!(0)), "{office}");
    let script =
        format!("{api}\n{}\n", example.join("\n")).replace("127.0.0.1:8080", &format!("127.0.0.1:{}", server.port));
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("ADMIN", &admin)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let renamed: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(renamed["name"], "Vložišče in arhiv", "{stdout}");
}

/// The API token `adam init` prints among its sign-in details (`API token: adam_…`).
fn printed_token(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("API token:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no API token in {text}"))
}

#[test]
fn a_drill_without_a_way_to_lose_the_primary_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // Neither ADAM's standby nor PostgreSQL's: clap names what is missing.
    let mut c = adam(dir.path());
    c.args(["drill", "--rto-goal", "5"]);
    let out = run(c, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--primary"));
    // PostgreSQL's replica named, but nothing to lose the primary with: refused before any
    // server or database is reached (the URLs lead nowhere).
    let mut c = adam(dir.path());
    c.env("ADAM_TOKEN", "adam_x").args([
        "drill",
        "--server",
        "http://127.0.0.1:9",
        "--postgres-replica",
        "postgres://nobody@127.0.0.1:9/adam",
    ]);
    let out = run(c, "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--postgres-primary") && stderr.contains("--kill-pid"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
