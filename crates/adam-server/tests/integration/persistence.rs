//! What is written stays written: across a restart, and across servers sharing PostgreSQL.

use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

async fn data_and_revision_survive_a_restart(backend: Backend) {
    let s = TestServer::start(backend).await;
    let created = s
        .post(
            Who::UserAdminHere,
            "/api/v1/jobs",
            &json!({"code": "JOB.GLPI.20", "name": "Arhivar", "office": s.fx.glpi, "signing_code": "1020"}),
        )
        .await
        .expect(201);
    let job_id = created.json["id"].as_u64().unwrap();
    let revision = s.revision().await;
    assert_eq!(created.header("x-adam-revision"), Some(revision.to_string().as_str()));
    let (location, fx, tokens, dir) = s.stop().await;

    let state = state_on(open(&location).await).await;
    let s = TestServer::serve(backend, location, state, fx, tokens, dir).await;
    assert_eq!(s.revision().await, revision);
    let job = s.get(Who::Plain, &format!("/api/v1/jobs/{job_id}")).await.expect(200);
    assert_eq!(job.json["code"], "JOB.GLPI.20");
    assert_eq!(job.json["signing_code"], "1020");
    // Tokens survive too, and decisions are the same.
    let check = s
        .post(
            Who::Service,
            "/api/v1/check",
            &json!({"user": s.fx.ana, "object": {"type": "folder", "id": s.fx.f1}}),
        )
        .await
        .expect(200);
    assert_eq!(check.json["level"], 22);
}
on_both_backends!(data_and_revision_survive_a_restart);

/// Two servers on one PostgreSQL database: each answers from state no older than the revision
/// a client passes, so a client reads its own writes through either server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_see_each_others_writes() {
    let a = TestServer::start(Backend::Postgres).await;
    // A follower that never polls on its own: only the revision token can make it catch up.
    let follower_config = adam_server::Config {
        follow_every: std::time::Duration::from_secs(3600),
        ..adam_server::Config::default()
    };
    let b_state = adam_server::AppState::load(
        open(&a.location).await,
        adam_server::Clock::Manual(std::sync::atomic::AtomicI64::new(NOW)),
        follower_config,
    )
    .await
    .unwrap();
    let b = TestServer::serve(
        Backend::Postgres,
        a.location.clone(),
        b_state,
        a.fx.clone(),
        a.tokens.clone(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    assert_eq!(a.revision().await, b.revision().await);

    // A writes; B, asked for at least that revision, has it.
    let created = a
        .post(
            Who::UserAdminHere,
            "/api/v1/jobs",
            &json!({"code": "JOB.GLPI.30", "name": "Vložišče", "office": a.fx.glpi}),
        )
        .await
        .expect(201);
    let rev = created.header("x-adam-revision").unwrap().to_owned();
    let id = created.json["id"].as_u64().unwrap();
    let seen = b
        .call_with(
            Who::Plain,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            None,
            &[("x-adam-min-revision", &rev)],
        )
        .await
        .expect(200);
    assert_eq!(seen.json["code"], "JOB.GLPI.30");

    // B writes (catching up first, so no revision is lost), A reads it back the same way.
    let created = b
        .post(
            Who::UserAdminHere,
            "/api/v1/jobs",
            &json!({"code": "JOB.GLPI.31", "name": "Vložišče 2", "office": a.fx.glpi}),
        )
        .await
        .expect(201);
    let rev_b = created.header("x-adam-revision").unwrap().to_owned();
    assert!(rev_b.parse::<u64>().unwrap() > rev.parse::<u64>().unwrap());
    let id = created.json["id"].as_u64().unwrap();
    a.call_with(
        Who::Plain,
        Method::GET,
        &format!("/api/v1/jobs/{id}"),
        None,
        &[("x-adam-min-revision", &rev_b)],
    )
    .await
    .expect(200);

    // Concurrent writes through both servers all land, each with its own revision.
    let mut handles = Vec::new();
    for (i, server) in [&a, &b, &a, &b, &a, &b].into_iter().enumerate() {
        let client = server.client.clone();
        let url = format!("{}/api/v1/jobs", server.url);
        let token = server.token(Who::SysAdmin).unwrap().to_owned();
        let office = a.fx.glpi;
        handles.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"code": format!("JOB.PAR.{i}"), "name": "Vzporedni", "office": office}))
                .send()
                .await
                .unwrap();
            let rev: u64 = reply.headers()["x-adam-revision"].to_str().unwrap().parse().unwrap();
            (reply.status().as_u16(), rev)
        }));
    }
    // Each server knows only the revisions it has followed so far; the newest write of all
    // is the token both must reach before they are compared.
    let mut latest = 0;
    for h in handles {
        let (status, rev) = h.await.unwrap();
        assert_eq!(status, 201);
        latest = latest.max(rev);
    }
    let jobs_a = a
        .call_with(
            Who::Plain,
            Method::GET,
            &format!("/api/v1/jobs?office={}&limit=1000", a.fx.glpi.0),
            None,
            &[("x-adam-min-revision", &latest.to_string())],
        )
        .await
        .expect(200);
    let jobs_b = b
        .call_with(
            Who::Plain,
            Method::GET,
            &format!("/api/v1/jobs?office={}&limit=1000", a.fx.glpi.0),
            None,
            &[("x-adam-min-revision", &latest.to_string())],
        )
        .await
        .expect(200);
    assert_eq!(jobs_a.json, jobs_b.json);
    let codes: Vec<&str> = jobs_a.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|j| j["code"].as_str())
        .collect();
    for i in 0..6 {
        assert!(codes.contains(&format!("JOB.PAR.{i}").as_str()), "{codes:?}");
    }
}
