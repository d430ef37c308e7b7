//! `adam drill` on PostgreSQL (issue #18, Art. 15(3)–(4)), with real processes and two real
//! clusters: an `adam serve` whose database URL lists the primary and a fresh streaming
//! replica (`target_session_attrs=read-write`) takes writes; `adam drill --server …
//! --postgres-primary … --postgres-replica …` fences ADAM's database on the primary, promotes
//! the replica with `pg_promote()`, and the same server — reconnecting on its own — takes the
//! drill's record as its first write, verifies the trail on the promoted node and files the
//! drill with its measured RTO in the continuity register. Every acknowledged office is there
//! afterwards, and the server goes on accepting writes.
//!
//! Needs `ADAM_TEST_PG_URL` (an administrator's URL; `scripts/test` starts a server when it is
//! not set) and PostgreSQL's server binaries for the replica (`start_test_replica` of
//! `scripts/postgres.sh`). Without them the test fails saying so: a silent skip would let CI
//! pass without the drill ever running.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adam_testkit::replica::Replica;
use support::*;

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{db}", &rest[..end])
}

/// The `user@host:port` part of a URL.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    &rest[..rest.find(['/', '?']).unwrap_or(rest.len())]
}

/// ADAM's database on the primary, let in again and dropped when the test ends.
struct Database {
    admin: String,
    name: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "ALTER DATABASE {0} WITH ALLOW_CONNECTIONS true; DROP DATABASE IF EXISTS {0} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// An installation on PostgreSQL for a drill: ADAM's database on the primary
/// (`ADAM_TEST_PG_URL`), initialised; a fresh streaming replica of the primary; and `adam
/// serve` with one database URL naming both servers, as an installation's configuration would
/// (the client tries them in order and keeps the first that accepts writes). Dropped in this
/// order: the server, the replica, the database, the data directory.
struct Installation {
    server: Server,
    replica: Replica,
    _database: Database,
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    admin: String,
    token: String,
    on_primary: String,
    on_replica: String,
}

fn installation(prefix: &str, organisation: &str, email: &str) -> Installation {
    let admin = std::env::var("ADAM_TEST_PG_URL")
        .expect("ADAM_TEST_PG_URL must name a PostgreSQL server for the PostgreSQL drill (scripts/test starts one)");
    let name = format!(
        "adam_{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let database = Database {
        admin: admin.clone(),
        name: name.clone(),
    };
    let on_primary = with_database(&admin, &name);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let mut c = adam(&data);
    c.args(["--database", &on_primary])
        .args(["init", "--organisation", organisation, "--admin-email", email]);
    let out = run(c);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix("API token:").map(|t| t.trim().to_owned()))
        .expect("init prints a token");
    // The replica is a copy of the primary made now, streaming from it.
    let replica = Replica::of(&admin);
    let on_replica = with_database(&replica.url, &name);
    let host_b = authority(&replica.url)
        .rsplit_once('@')
        .map_or(authority(&replica.url), |(_, h)| h);
    let (scheme, _) = admin.split_once("://").unwrap();
    let both = format!(
        "{scheme}://{},{host_b}/{name}?target_session_attrs=read-write&connect_timeout=5",
        authority(&admin)
    );
    let server = serve(&data, &["--database", &both]);
    Installation {
        server,
        replica,
        _database: database,
        _dir: dir,
        data,
        admin,
        token,
        on_primary,
        on_replica,
    }
}

#[test]
fn a_postgresql_drill_fences_promotes_and_files_its_evidence() {
    let i = installation("drill", "Občina Obnova", "it@obnova.si");
    let (data, token, port) = (i.data.as_path(), i.token.clone(), i.server.port);
    let (on_primary, on_replica) = (i.on_primary.clone(), i.on_replica.clone());

    let mut acked = Vec::new();
    for i in 0..5 {
        let code = format!("PRED{i}");
        let (status, body) = request(
            port,
            "POST",
            "/api/v1/offices",
            &token,
            Some(&serde_json::json!({"code": code, "name": "Urad"})),
        );
        assert_eq!(status, 201, "{body}");
        acked.push(code);
    }

    // The drill.
    let mut c = adam(data);
    c.env("ADAM_TOKEN", &token).args([
        "drill",
        "--server",
        &format!("http://127.0.0.1:{port}"),
        "--postgres-primary",
        &on_primary,
        "--postgres-replica",
        &on_replica,
        "--rto-goal",
        "60",
    ]);
    let out = run(c);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the drill failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("passed"), "{stdout}");
    // Fenced, the old primary writes nothing more: the replica replays to the fence first and
    // the promotion loses nothing.
    assert!(stdout.contains("replayed the WAL to the fence"), "{stdout}");
    assert!(stdout.contains("revisions lost 0"), "{stdout}");
    assert!(stdout.contains("audit trail intact"), "{stdout}");
    eprintln!("{stdout}");

    // The server writes on the promoted node now.
    let (status, body) = request(
        port,
        "POST",
        "/api/v1/offices",
        &token,
        Some(&serde_json::json!({"code": "POTEM", "name": "Po vaji"})),
    );
    assert_eq!(status, 201, "{body}");
    let mut promoted = postgres::Client::connect(&on_replica, postgres::NoTls).unwrap();
    let in_recovery: bool = promoted.query_one("SELECT pg_is_in_recovery()", &[]).unwrap().get(0);
    assert!(!in_recovery, "the replica was promoted");
    let (status, offices) = request(port, "GET", "/api/v1/offices?limit=1000", &token, None);
    assert_eq!(status, 200, "{offices}");
    let text = offices.to_string();
    for code in acked.iter().chain(std::iter::once(&"POTEM".to_owned())) {
        assert!(
            text.contains(&format!("\"{code}\"")),
            "office {code} is missing after the drill"
        );
    }

    // The evidence: a passed drill of ADAM itself, a partial loss of the database's primary.
    let (status, tests) = request(port, "GET", "/api/v1/continuity", &token, None);
    assert_eq!(status, 200, "{tests}");
    let text = tests.to_string();
    assert!(text.contains("\"drill\""), "{text}");
    assert!(text.contains("pg_promote"), "the findings say how: {text}");
    assert!(text.contains("partial_loss"), "{text}");

    // A second drill on the same, now promoted, replica is refused with one clear line.
    let mut c = adam(data);
    c.env("ADAM_TOKEN", &token).args([
        "drill",
        "--server",
        &format!("http://127.0.0.1:{port}"),
        "--postgres-primary",
        &on_primary,
        "--postgres-replica",
        &on_replica,
    ]);
    let out = run(c);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not in recovery"), "{stderr}");
}

/// When the promoted database lacks changes the server applied (the replica stopped receiving
/// the primary's WAL — asynchronous replication's loss), the server refuses to write there
/// (`revisions-lost`, naming how many) instead of planning on a world ahead of its database,
/// and files no drill. Deterministic: the replica's streaming is cut before the last writes.
#[test]
fn a_promoted_database_that_lost_revisions_is_not_written_to() {
    let i = installation("lost", "Občina Izguba", "it@izguba.si");
    let (admin, replica, token, port) = (&i.admin, &i.replica, i.token.clone(), i.server.port);
    let (on_primary, on_replica) = (i.on_primary.clone(), i.on_replica.clone());
    let office = |code: &str| {
        let (status, body) = request(
            port,
            "POST",
            "/api/v1/offices",
            &token,
            Some(&serde_json::json!({"code": code, "name": "Urad"})),
        );
        assert_eq!(status, 201, "{body}");
    };
    office("PREJ");
    // The replica holds everything so far; then it stops receiving the primary's WAL.
    let lsn: String = postgres::Client::connect(admin, postgres::NoTls)
        .unwrap()
        .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
        .unwrap()
        .get(0);
    adam_store::failover::wait_for_replay(&replica.url, &lsn, std::time::Duration::from_secs(30)).unwrap();
    let mut r = postgres::Client::connect(&replica.url, postgres::NoTls).unwrap();
    r.batch_execute("ALTER SYSTEM SET primary_conninfo = ''").unwrap();
    r.batch_execute("SELECT pg_reload_conf()").unwrap();
    let cut = std::time::Instant::now();
    loop {
        let streaming: i64 = r
            .query_one("SELECT count(*) FROM pg_stat_wal_receiver", &[])
            .unwrap()
            .get(0);
        if streaming == 0 {
            break;
        }
        assert!(cut.elapsed().as_secs() < 30, "the replica kept streaming");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Acknowledged on the primary, never received by the replica.
    office("IZGUBLJEN1");
    office("IZGUBLJEN2");
    let (status, before) = request(port, "GET", "/api/v1/replication", &token, None);
    assert_eq!(status, 200, "{before}");
    let held = before["position"]["revision"].as_u64().unwrap();

    // The primary's database is fenced and the replica promoted, as a drill would after a loss.
    adam_store::failover::fence(&on_primary).unwrap();
    let loss_at_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    adam_store::failover::promote(&on_replica, std::time::Duration::from_secs(60)).unwrap();
    let (status, refused) = request(
        port,
        "POST",
        "/api/v1/replication/drill",
        &token,
        Some(&serde_json::json!({
            "loss_at_ms": loss_at_ms,
            "primary_revision": held,
            "primary_head_at": before["head_at"].as_i64().unwrap_or(0),
            "rto_goal_seconds": 60,
            "rpo_goal_revisions": 0,
            "how": "postgres-fenced",
        })),
    );
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["type"], "/problems/revisions-lost", "{refused}");
    assert!(
        refused["detail"].as_str().unwrap().contains("2 revision(s) lost"),
        "{refused}"
    );
    // Nothing was filed or written on the promoted database: it ends where the replica stopped.
    let mut promoted = postgres::Client::connect(&on_replica, postgres::NoTls).unwrap();
    let latest: i64 = promoted
        .query_one("SELECT coalesce(max(revision), 0) FROM changes", &[])
        .unwrap()
        .get(0);
    assert_eq!(u64::try_from(latest).unwrap(), held - 2);
}
