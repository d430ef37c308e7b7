//! ADAM at two sites (issue #18, Art. 15 and 60(2)), with real TLS between real servers on
//! loopback: a standby seeded from its primary follows it over mutual TLS, serves reads with
//! the primary's tokens, refuses changes and shows its lag; the primary's replication listener
//! refuses a client without a certificate of the installation's authority; a standby refuses a
//! primary with another history; a promotion fences the old primary; a drill files its
//! measured RTO and RPO in the continuity register; synchronous mode answers a change only
//! once the standby holds it. The API over TLS answers with the certificate given.

use crate::support::*;
use adam_server::replication::client::PeerClient;
use adam_server::replication::tls::Identity;
use adam_server::replication::{Site, standby};
use adam_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// An authority and the certificates of two sites, in a directory.
struct Certs {
    dir: tempfile::TempDir,
}

impl Certs {
    fn new() -> Certs {
        use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
        let dir = tempfile::tempdir().unwrap();
        for (authority, sites) in [("ca", &["a", "b"][..]), ("rogue-ca", &["rogue"][..])] {
            let ca_key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::default();
            params.distinguished_name.push(DnType::CommonName, authority);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            let ca = params.self_signed(&ca_key).unwrap();
            std::fs::write(dir.path().join(format!("{authority}.crt")), ca.pem()).unwrap();
            for site in sites {
                let key = KeyPair::generate().unwrap();
                let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
                params.extended_key_usages =
                    vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
                let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
                std::fs::write(dir.path().join(format!("{site}.crt")), cert.pem()).unwrap();
                std::fs::write(dir.path().join(format!("{site}.key")), key.serialize_pem()).unwrap();
            }
        }
        Certs { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A site's identity, trusting `ca`.
    fn identity(&self, site: &str, ca: &str) -> Identity {
        Identity {
            cert: self.path(&format!("{site}.crt")),
            key: self.path(&format!("{site}.key")),
            ca: Some(self.path(&format!("{ca}.crt"))),
        }
    }
}

/// Starts `server`'s replication listener with `site`'s certificate; its `https://` address.
async fn listen(server: &TestServer, certs: &Certs, site: &str, synchronous: Option<Duration>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let tasks = adam_server::replication::start(
        &server.state,
        Site {
            identity: Some(certs.identity(site, "ca")),
            listener: Some(listener),
            standby_of: None,
            peer: None,
            synchronous,
        },
    )
    .await
    .unwrap();
    std::mem::forget(tasks);
    url
}

/// Copies the primary's key directory to a new site's (once, at set-up).
fn copy_keys(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name != "head.json" && name != "checkpoints.jsonl" {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// A standby of `primary_url`, seeded and serving (with the primary's fixture and tokens,
/// which arrive with the credentials).
async fn standby_of(
    primary: &TestServer,
    primary_url: &str,
    certs: &Certs,
) -> (TestServer, Vec<tokio::task::JoinHandle<()>>) {
    let dir = tempfile::tempdir().unwrap();
    let location = format!("sqlite:{}", dir.path().join("standby.db").display());
    copy_keys(&keys_dir(&primary.location), &keys_dir(&location));
    let store: Arc<dyn Store> = open(&location).await;
    let client = PeerClient::new(&certs.identity("b", "ca")).unwrap();
    let seeded = match standby::seed(&store, &client, primary_url).await {
        Ok(p) => p,
        Err(e) => panic!("seeding failed: {}", e.reason()),
    };
    assert_eq!(
        seeded.revision,
        primary.state.revision(),
        "the seed reaches the primary's revision"
    );
    // The backup-code key is in the key directory a standby is given a copy of.
    let auth = adam_server::login::AuthConfig {
        backup_code_key: Some(primary.state.authn.backup_key.clone()),
        ..test_auth(None)
    };
    let state = state_with(store, auth).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tasks = adam_server::replication::start(
        &state,
        Site {
            identity: Some(certs.identity("b", "ca")),
            listener: Some(listener),
            standby_of: Some(primary_url.to_owned()),
            peer: None,
            synchronous: None,
        },
    )
    .await
    .unwrap();
    let server = TestServer::serve(
        Backend::Sqlite,
        location,
        state,
        primary.fx.clone(),
        primary.tokens.clone(),
        dir,
    )
    .await;
    (server, tasks)
}

/// Waits until `server` holds `revision` (the standby follows within moments).
async fn holds(server: &TestServer, revision: u64) {
    for _ in 0..200 {
        if server.state.revision().0 >= revision {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the standby never reached revision {revision} (at {})",
        server.state.revision().0
    );
}

fn office(code: &str) -> serde_json::Value {
    json!({"code": code, "name": format!("Urad {code}"), "parent": 0})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_follows_over_mutual_tls_serves_reads_and_refuses_changes() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (standby, _tasks) = standby_of(&primary, &url, &certs).await;

    // A change on the primary reaches the standby; the primary's token reads it there.
    let created = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("SITE1")))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    holds(&standby, primary.state.revision().0).await;
    let id = created.json["id"].as_u64().unwrap();
    let read = standby
        .call(Who::SysAdmin, Method::GET, &format!("/api/v1/offices/{id}"), None)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json["code"], "SITE1");

    // It refuses changes, saying where they go.
    let refused = standby
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("SITE2")))
        .await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.json["type"], "/problems/standby");
    assert_eq!(refused.json["primary"], url.as_str());
    let sl = standby
        .call_with(
            Who::SysAdmin,
            Method::POST,
            "/api/v1/offices",
            Some(&office("SITE2")),
            &[("accept-language", "sl")],
        )
        .await;
    assert!(
        sl.json["detail"].as_str().unwrap().contains("rezervni strežnik"),
        "{}",
        sl.text
    );
    // Credentials too: they are copied from the primary, so a new token or password set here
    // would be overwritten by the next copy.
    let token = standby
        .call(
            Who::SysAdmin,
            Method::POST,
            "/api/v1/tokens",
            Some(&json!({"user": primary.fx.admin, "name": "on-standby", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(token.status, StatusCode::SERVICE_UNAVAILABLE, "{}", token.text);
    assert_eq!(token.json["type"], "/problems/standby");

    // Lag is visible: /ready, /metrics, the API; the primary sees what its standby holds.
    let ready = standby.call(Who::Anonymous, Method::GET, "/ready", None).await;
    assert_eq!(ready.json["role"], "standby");
    assert_eq!(ready.json["lag"], 0);
    assert!(
        ready.json["summary"]
            .as_str()
            .unwrap()
            .starts_with("standby of https://127.0.0.1:")
    );
    let metrics = standby.call(Who::SysAdmin, Method::GET, "/metrics", None).await;
    assert!(
        metrics.text.contains("adam_role{role=\"standby\"} 1"),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("adam_replication_lag_revisions 0"));
    let status = primary
        .call(Who::SysAdmin, Method::GET, "/api/v1/replication", None)
        .await;
    assert_eq!(status.json["role"], "primary");
    assert_eq!(status.json["standby"]["holds"]["revision"], primary.state.revision().0);
    let denied = primary.call(Who::Plain, Method::GET, "/api/v1/replication", None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    // Reads served on the standby are recorded aside, not in its trail (the primary's, record
    // for record), and the standby's trail verifies.
    let verdict = tokio::task::spawn_blocking({
        let store = standby.state.store.clone();
        move || store.audit_verify().unwrap()
    })
    .await
    .unwrap();
    assert!(verdict.intact(), "{}", verdict.summary());

    // A password set on the primary arrives with the credentials: the person signs in on the
    // standby, and the sign-in's records are kept aside (the trail stays the primary's).
    primary.set_password(primary.fx.bojan, STRONG).await;
    let before = primary.state.revision().0;
    let probe = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("SITE3")))
        .await;
    assert_eq!(probe.status, StatusCode::CREATED);
    holds(&standby, before + 1).await;
    let mut signed = None;
    for _ in 0..100 {
        let r = standby.login("bojan", STRONG).await;
        if r.status == StatusCode::OK {
            signed = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let signed = signed.expect("the password never reached the standby");
    assert_eq!(signed.json["user"], primary.fx.bojan.0);
    let (primary_end, standby_end) = {
        let (p, s) = (primary.state.store.clone(), standby.state.store.clone());
        tokio::task::spawn_blocking(move || (p.position().unwrap(), s.position().unwrap()))
            .await
            .unwrap()
    };
    assert!(
        standby_end.seq <= primary_end.seq,
        "the standby appended to its own trail"
    );

    // The UI says it is a standby, in both languages.
    let page = standby.call(Who::SysAdmin, Method::GET, "/ui?lang=en", None).await;
    assert!(page.text.contains("id=\"site-banner\""), "{}", page.text);
    assert!(page.text.contains("Standby server: read-only"));
}

/// Bojan, on `primary`, with a password and an authenticator (and backup codes): its secret
/// and the codes.
async fn bojan_with_a_second_factor(primary: &TestServer) -> (adam_auth::totp::TotpSecret, Vec<String>) {
    let bojan = primary.fx.bojan;
    primary.set_password(bojan, STRONG).await;
    let secret = adam_auth::totp::TotpSecret::generate().unwrap();
    let (codes, set) =
        adam_auth::totp::BackupCodes::generate(&primary.state.authn.backup_key, &bojan.0.to_string()).unwrap();
    let enrolment = adam_store::TotpEnrolment {
        user: bojan,
        secret: secret.to_base32(),
        confirmed: true,
        created: primary.state.now(),
        last_step: None,
    };
    let store = primary.state.store.clone();
    let set = serde_json::to_value(&set).unwrap();
    tokio::task::spawn_blocking(move || store.save_totp(&enrolment, Some(&set), &[]))
        .await
        .unwrap()
        .unwrap();
    (secret, codes.iter().map(|c| c.as_str().to_owned()).collect())
}

/// A backup code is spent where the primary learns of it: a standby refuses it (saying why)
/// and spends nothing, while the code of the authenticator app signs in there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_does_not_spend_a_backup_code() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (secret, codes) = bojan_with_a_second_factor(&primary).await;
    let (standby, _tasks) = standby_of(&primary, &url, &certs).await;
    let challenge = |r: &Reply| r.json["challenge"].as_str().unwrap().to_owned();
    let step1 = standby.login("bojan", STRONG).await;
    assert_eq!(step1.status, StatusCode::OK, "{}", step1.text);
    let backup = codes[0].clone();
    let refused = standby
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge(&step1), "code": backup})),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.text);
    assert_eq!(refused.json["type"], "/problems/backup-code-on-standby");
    // The authenticator's code signs in on the standby.
    let now = standby.state.now();
    let code = format!("{:06}", secret.code_at(adam_auth::totp::TotpStep::at(now)));
    let done = standby
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge(&step1), "code": code})),
            &[],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    // The backup code is still good on the primary.
    let step1 = primary.login("bojan", STRONG).await;
    let spent = primary
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge(&step1), "code": backup})),
            &[],
        )
        .await;
    assert_eq!(spent.status, StatusCode::OK, "{}", spent.text);
}

/// The second step of a sign-in on `server`.
async fn totp_step(server: &TestServer, challenge: String, code: String) -> Reply {
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/login/totp",
            Some(&json!({"challenge": challenge, "code": code})),
            &[],
        )
        .await
}

/// One authenticator code signs in once across both sites: a code taken on the standby is
/// refused on the primary as replayed, and a code taken on the primary is refused on the
/// standby before the primary's credentials reach it — the standby asks the primary to mark
/// the step first (`replication/totp.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_used_on_one_site_is_not_taken_again_on_the_other() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (secret, _) = bojan_with_a_second_factor(&primary).await;
    let (standby, _tasks) = standby_of(&primary, &url, &certs).await;
    let challenge = |r: &Reply| r.json["challenge"].as_str().unwrap().to_owned();
    let code_now = |server: &TestServer| {
        format!(
            "{:06}",
            secret.code_at(adam_auth::totp::TotpStep::at(server.state.now()))
        )
    };
    // Taken on the standby first: refused on the primary.
    let code = code_now(&standby);
    let step1 = standby.login("bojan", STRONG).await;
    let done = totp_step(&standby, challenge(&step1), code.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let step1 = primary.login("bojan", STRONG).await;
    let replayed = totp_step(&primary, challenge(&step1), code).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED, "{}", replayed.text);
    // The next step's code, taken on the primary first: refused on the standby.
    primary.advance(30);
    standby.advance(30);
    let code = code_now(&primary);
    let step1 = primary.login("bojan", STRONG).await;
    let done = totp_step(&primary, challenge(&step1), code.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let step1 = standby.login("bojan", STRONG).await;
    let replayed = totp_step(&standby, challenge(&step1), code).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED, "{}", replayed.text);
    assert_eq!(replayed.json["reason"], "replayed", "{}", replayed.text);
    // A peer cannot mark a step no code signs in with now (it would refuse every later code).
    let peer = PeerClient::new(&certs.identity("b", "ca")).unwrap();
    let ahead = serde_json::to_vec(&json!({"user": primary.fx.bojan, "step": u64::MAX / 2})).unwrap();
    let (status, answer) = peer
        .request(
            &url,
            Method::POST,
            "/replication/v1/totp-step",
            Some(ahead),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&answer));
    primary.advance(30);
    let code = code_now(&primary);
    let step1 = primary.login("bojan", STRONG).await;
    let done = totp_step(&primary, challenge(&step1), code).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_refuses_a_client_without_the_installations_certificate() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    // A certificate of another authority: the handshake fails.
    let rogue = PeerClient::new(&certs.identity("rogue", "ca")).unwrap();
    let refused = rogue
        .request(
            &url,
            Method::GET,
            "/replication/v1/status",
            None,
            Duration::from_secs(5),
        )
        .await;
    assert!(refused.is_err(), "a rogue certificate was accepted");
    // No client certificate at all: the handshake fails too.
    let mut roots = rustls::RootCertStore::empty();
    for cert in adam_server::replication::tls::certificates(&certs.path("ca.crt")).unwrap() {
        roots.add(cert).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let outcome = async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tls = connector.connect(name, tcp).await?;
        tls.write_all(b"GET /replication/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            .await?;
        let mut buf = [0u8; 64];
        let n = tls.read(&mut buf).await?;
        Ok::<usize, std::io::Error>(n)
    }
    .await;
    assert!(
        !matches!(outcome, Ok(n) if n > 0),
        "a client without a certificate got an answer: {outcome:?}"
    );
    // The installation's own certificate gets the status.
    let good = PeerClient::new(&certs.identity("b", "ca")).unwrap();
    let (code, body) = good
        .request(
            &url,
            Method::GET,
            "/replication/v1/status",
            None,
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"role\":\"primary\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_refuses_a_primary_with_another_history() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (standby, tasks) = standby_of(&primary, &url, &certs).await;
    for t in tasks {
        t.abort();
    }
    // Another installation, served with a certificate of the same authority.
    let other = TestServer::start(Backend::Sqlite).await;
    let other_url = listen(&other, &certs, "a", None).await;
    let client = PeerClient::new(&certs.identity("b", "ca")).unwrap();
    match standby::round(&standby.state.store, &client, &other_url, Duration::ZERO).await {
        // Refused by the primary (the standby holds more than it) or by the standby (another
        // generation): either way the histories diverge.
        Err(standby::Stop::Diverged(why)) => {
            assert!(why.contains("generation") || why.contains("lost history"), "{why}")
        }
        Err(standby::Stop::Retry(why)) => panic!("expected a refusal, got a retry: {why}"),
        Ok(_) => panic!("a standby applied another installation's history"),
    }
    // Nothing of it was written.
    let position = tokio::task::spawn_blocking({
        let store = standby.state.store.clone();
        move || store.position().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(position.revision, primary.state.revision());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promotion_fences_the_old_primary() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (standby, _tasks) = standby_of(&primary, &url, &certs).await;
    let plain = standby
        .call(Who::Plain, Method::POST, "/api/v1/replication/promote", None)
        .await;
    assert_eq!(plain.status, StatusCode::FORBIDDEN, "{}", plain.text);
    let promoted = standby
        .call(Who::SysAdmin, Method::POST, "/api/v1/replication/promote", None)
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text);
    assert_eq!(promoted.json["role"], "primary");
    assert_eq!(promoted.json["state"]["number"], 2);
    // The new primary takes changes.
    let created = standby
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("NEW1")))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    // The old primary was told, and refuses changes, saying why.
    let mut fenced = None;
    for _ in 0..100 {
        let r = primary
            .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("OLD1")))
            .await;
        if r.status == StatusCode::SERVICE_UNAVAILABLE {
            fenced = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let fenced = fenced.expect("the old primary was never fenced");
    assert_eq!(fenced.json["type"], "/problems/fenced", "{}", fenced.text);
    let ready = primary.call(Who::Anonymous, Method::GET, "/ready", None).await;
    assert_eq!(ready.json["role"], "fenced");
    // The fence is kept in the store: it outlives a restart.
    let state = tokio::task::spawn_blocking({
        let store = primary.state.store.clone();
        move || store.replication_state().unwrap()
    })
    .await
    .unwrap();
    assert!(state.fenced.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_promotes_the_standby_and_files_its_measured_rto_and_rpo() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", None).await;
    let (standby, _tasks) = standby_of(&primary, &url, &certs).await;
    let created = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("BEFORE")))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    holds(&standby, primary.state.revision().0).await;

    // The primary is isolated, as `adam drill` does.
    let isolated = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/replication/isolate", None)
        .await;
    assert_eq!(isolated.status, StatusCode::OK, "{}", isolated.text);
    assert_eq!(isolated.json["role"], "fenced");
    let loss_at_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let request = json!({
        "loss_at_ms": loss_at_ms,
        "primary_revision": isolated.json["position"]["revision"],
        "primary_head_at": isolated.json["head_at"],
        "rto_goal_seconds": 60,
        "rpo_goal_revisions": 0,
        "how": "isolated",
    });
    // Evidence of a drill that did not happen as told is refused: a loss an hour ago, and a
    // PostgreSQL failover asked of a server on SQLite. Nothing is promoted or filed.
    let mut stale = request.clone();
    stale["loss_at_ms"] = json!(loss_at_ms - 3_600_000);
    let refused = standby
        .call(Who::Service, Method::POST, "/api/v1/replication/drill", Some(&stale))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(refused.json["type"], "/problems/drill-loss-time");
    let mut forged = request.clone();
    forged["how"] = json!("postgres-fenced");
    let refused = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/replication/drill", Some(&forged))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.json["type"], "/problems/not-postgres-primary");
    let report = standby
        .call(Who::Service, Method::POST, "/api/v1/replication/drill", Some(&request))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    assert_eq!(report.json["passed"], true, "{}", report.text);
    assert_eq!(report.json["revisions_lost"], 0);
    assert_eq!(report.json["trail_intact"], true);
    assert!(report.json["rto_ms"].as_i64().unwrap() < 60_000);
    // The evidence is in the continuity register, as a drill of ADAM itself.
    let id = report.json["test"].as_u64().unwrap();
    let test = standby
        .call(
            Who::SysAdmin,
            Method::GET,
            &format!("/api/v1/continuity/tests/{id}"),
            None,
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.text);
    let text = test.text.clone();
    assert!(text.contains("\"kind\":\"drill\""), "{text}");
    assert!(
        text.contains("\"subject\":\"adam\"") || text.contains("\"adam\""),
        "{text}"
    );
    assert!(text.contains("\"passed\":true"), "{text}");
    assert!(text.contains("\"revisions_lost\":0"), "{text}");
    // The isolated primary refuses changes, saying it was isolated for a drill.
    let refused = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("LATE")))
        .await;
    assert_eq!(refused.json["type"], "/problems/fenced");
    assert!(
        refused.json["detail"]
            .as_str()
            .unwrap()
            .contains("isolated for a drill")
    );
    // A second drill on a server that is no longer a standby is refused.
    let again = standby
        .call(Who::Service, Method::POST, "/api/v1/replication/drill", Some(&request))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json["type"], "/problems/not-standby");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synchronous_mode_answers_a_change_once_the_standby_holds_it() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let url = listen(&primary, &certs, "a", Some(Duration::from_millis(3000))).await;
    let (standby, tasks) = standby_of(&primary, &url, &certs).await;
    for i in 0..5 {
        let created = primary
            .call(
                Who::SysAdmin,
                Method::POST,
                "/api/v1/offices",
                Some(&office(&format!("SYNC{i}"))),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let rev = created.json["rev"].as_u64().unwrap();
        // Answered: the standby's store holds it already (no waiting here).
        let held = tokio::task::spawn_blocking({
            let store = standby.state.store.clone();
            move || store.position().unwrap().revision.0
        })
        .await
        .unwrap();
        assert!(held >= rev, "answered at revision {rev} while the standby held {held}");
    }
    // The standby stops following: a change is committed but not acknowledged.
    for t in tasks {
        t.abort();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let unconfirmed = primary
        .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&office("ALONE")))
        .await;
    assert_eq!(
        unconfirmed.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        unconfirmed.text
    );
    assert_eq!(unconfirmed.json["type"], "/problems/standby-not-confirming");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_is_served_over_tls_with_the_certificate_given() {
    let certs = Certs::new();
    let primary = TestServer::start(Backend::Sqlite).await;
    let config = adam_server::replication::tls::server_config(&Identity {
        cert: certs.path("a.crt"),
        key: certs.path("a.key"),
        ca: None,
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = primary.state.clone();
    tokio::spawn(async move {
        let _ = adam_server::serve_with(listener, Some(config), state, std::future::pending()).await;
    });
    // A TLS client trusting the authority reads /ready over https.
    let mut roots = rustls::RootCertStore::empty();
    for cert in adam_server::replication::tls::certificates(&certs.path("ca.crt")).unwrap() {
        roots.add(cert).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(b"GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"role\":\"primary\""), "{answer}");
    // Plain HTTP on the TLS port gets no answer.
    let mut plain = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    plain
        .write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut buf)).await;
    assert!(
        !String::from_utf8_lossy(&buf).contains("\"role\""),
        "plain HTTP was answered"
    );
}
