//! The callers that found issue 12's holes, each acting on what they must not touch: a user
//! administrator scoped to one office is refused, by every route that changes an account, on
//! herself and on accounts stronger than hers (split from `matrix.rs`, whose route × caller
//! table this complements; its check of the system administrator sends these probes too).

use crate::support::*;
use adam_server::api::api;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// One request a caller must be refused, with the problem type it must get.
pub(crate) struct Probe {
    pub(crate) who: Who,
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    /// What the caller acts on, for the failure message.
    pub(crate) on: &'static str,
    /// The problem type it must get (`None`: any 403 problem document).
    pub(crate) problem: Option<&'static str>,
}

/// What the probes act on besides the fixture: an organisation-wide user administrator working
/// in UN (stronger than UN's), a sub-office of UN with a job that carries organisation-wide
/// user administration, and a grant to UN's user administrator's own job.
struct Targets {
    strong: u64,
    un_sub: u64,
    powerful_job: u64,
    own_grant: u64,
}

async fn targets(server: &TestServer) -> Targets {
    let fx = &server.fx;
    let id = |r: Reply| r.expect(201).json["id"].as_u64().unwrap();
    let strong = server.create_user("mocna", &[fx.job_un_2]).await;
    server
        .post(
            Who::SysAdmin,
            "/api/v1/grants",
            &json!({"role": fx.user_admin, "grantee": {"type": "user", "id": strong}}),
        )
        .await
        .expect(201);
    let un_sub = id(server
        .post(
            Who::SysAdmin,
            "/api/v1/offices",
            &json!({"code": "UNSUB", "name": "Podurad UN", "parent": fx.un}),
        )
        .await);
    let powerful_job = id(server
        .post(
            Who::SysAdmin,
            "/api/v1/jobs",
            &json!({"code": "JOB.UNSUB.01", "name": "Skrbnik", "office": un_sub}),
        )
        .await);
    server
        .post(
            Who::SysAdmin,
            "/api/v1/grants",
            &json!({"role": fx.user_admin, "grantee": {"type": "job", "id": powerful_job}}),
        )
        .await
        .expect(201);
    let own_grant = id(server
        .post(
            Who::SysAdmin,
            "/api/v1/grants",
            &json!({"role": fx.referent, "grantee": {"type": "job", "id": fx.leader_un}}),
        )
        .await);
    Targets {
        strong,
        un_sub,
        powerful_job,
        own_grant,
    }
}

/// UN's user administrator (`Who::UserAdminOther`, scoped to UN, working in `LEADER.UN`) on
/// herself, her own job and office, a stronger account, and a job carrying more power.
fn scoped_probes(fx: &Fixture, t: &Targets) -> Vec<Probe> {
    let me = fx.un_admin.0;
    let (g, p, d, patch) = (Method::GET, Method::POST, Method::DELETE, Method::PATCH);
    let probe = |method: Method,
                 template: &'static str,
                 path: String,
                 body: Option<Value>,
                 on: &'static str,
                 problem: &'static str| Probe {
        who: Who::UserAdminOther,
        method,
        template,
        path,
        body,
        on,
        problem: Some(problem),
    };
    let mut out = Vec::new();
    // Every route that acts on an account, on herself and on a stronger account.
    for (target, on, problem) in [
        (u64::from(me), "herself", "self-administration"),
        (t.strong, "a stronger account", "beyond-own-power"),
    ] {
        out.extend([
            probe(
                patch.clone(),
                "/api/v1/users/{id}",
                format!("/api/v1/users/{target}"),
                Some(json!({"email": "prevzem@test.si"})),
                on,
                problem,
            ),
            probe(
                d.clone(),
                "/api/v1/users/{id}",
                format!("/api/v1/users/{target}"),
                None,
                on,
                problem,
            ),
            probe(
                p.clone(),
                "/api/v1/users/{id}/activate",
                format!("/api/v1/users/{target}/activate"),
                None,
                on,
                problem,
            ),
            probe(
                p.clone(),
                "/api/v1/users/{id}/jobs",
                format!("/api/v1/users/{target}/jobs"),
                Some(json!({"job": fx.job_un_1})),
                on,
                problem,
            ),
            probe(
                d.clone(),
                "/api/v1/users/{id}/jobs/{job}",
                format!(
                    "/api/v1/users/{target}/jobs/{}",
                    if target == u64::from(me) {
                        fx.leader_un.0
                    } else {
                        fx.job_un_2.0
                    }
                ),
                None,
                on,
                problem,
            ),
            probe(
                p.clone(),
                "/api/v1/users/{id}/password",
                format!("/api/v1/users/{target}/password"),
                Some(json!({"password": STRONG})),
                on,
                problem,
            ),
            probe(
                p.clone(),
                "/api/v1/users/{id}/unlock",
                format!("/api/v1/users/{target}/unlock"),
                Some(json!({})),
                on,
                problem,
            ),
            probe(
                p.clone(),
                "/api/v1/users/{id}/totp/reset",
                format!("/api/v1/users/{target}/totp/reset"),
                Some(json!({"reason": "prevzem"})),
                on,
                problem,
            ),
        ]);
    }
    // Grants that would reach her: to herself, her job, her office; changing or revoking a
    // grant to her job; a grant to the stronger account.
    let grant = |grantee: Value| Some(json!({"role": fx.referent, "grantee": grantee}));
    out.extend([
        probe(
            p.clone(),
            "/api/v1/grants",
            "/api/v1/grants".into(),
            grant(json!({"type": "user", "id": me})),
            "herself",
            "self-grant",
        ),
        probe(
            p.clone(),
            "/api/v1/grants",
            "/api/v1/grants".into(),
            grant(json!({"type": "job", "id": fx.leader_un})),
            "her own job",
            "self-grant",
        ),
        probe(
            p.clone(),
            "/api/v1/grants",
            "/api/v1/grants".into(),
            grant(json!({"type": "office", "id": fx.un})),
            "her own office",
            "self-grant",
        ),
        probe(
            p.clone(),
            "/api/v1/grants",
            "/api/v1/grants".into(),
            grant(json!({"type": "user", "id": t.strong})),
            "a stronger account",
            "beyond-own-power",
        ),
        probe(
            patch.clone(),
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{}", t.own_grant),
            Some(json!({"valid_to": "2030-12-31"})),
            "a grant to her own job",
            "self-grant",
        ),
        probe(
            d.clone(),
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{}", t.own_grant),
            None,
            "a grant to her own job",
            "self-grant",
        ),
        // Moving her own job where other grants reach it.
        probe(
            patch.clone(),
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{}", fx.leader_un.0),
            Some(json!({"office": t.un_sub})),
            "her own job",
            "self-administration",
        ),
        // Filling a job that carries organisation-wide user administration.
        probe(
            p.clone(),
            "/api/v1/users/{id}/jobs",
            format!("/api/v1/users/{}/jobs", fx.ana.0),
            Some(json!({"job": t.powerful_job})),
            "a job stronger than her",
            "beyond-own-power",
        ),
        probe(
            p.clone(),
            "/api/v1/users",
            "/api/v1/users".into(),
            Some(
                json!({"username": "lutka", "kind": "user", "first_name": "L", "last_name": "Utka",
                        "email": "lutka@test.si", "jobs": [t.powerful_job]}),
            ),
            "a job stronger than her",
            "beyond-own-power",
        ),
    ]);
    let _ = g;
    out
}

pub(crate) async fn run_probes(server: &TestServer, probes: &[Probe]) -> Vec<String> {
    let mut failures = Vec::new();
    for probe in probes {
        let reply = match (&probe.method, &probe.body) {
            (&Method::PATCH, Some(body)) => server.patch(probe.who, &probe.path, body).await,
            _ => {
                server
                    .call(probe.who, probe.method.clone(), &probe.path, probe.body.as_ref())
                    .await
            }
        };
        let right_problem = match probe.problem {
            Some(problem) => reply.json["type"] == format!("/problems/{problem}"),
            None => reply.header("content-type") == Some("application/problem+json"),
        };
        if reply.status.as_u16() != 403 || !right_problem {
            failures.push(format!(
                "{} {} as {:?} on {}: expected 403 {}, got {} {}",
                probe.method,
                probe.path,
                probe.who,
                probe.on,
                probe.problem.unwrap_or("problem"),
                reply.status.as_u16(),
                reply.text.chars().take(200).collect::<String>()
            ));
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_administrator_is_refused_on_herself_and_on_stronger_accounts_by_every_route() {
    let server = TestServer::start(Backend::Sqlite).await;
    let t = targets(&server).await;
    let probes = scoped_probes(&server.fx, &t);
    // Every operation that changes an account is probed on herself and on a stronger account.
    let changes_accounts: BTreeSet<(String, String)> = api()
        .operations()
        .iter()
        .filter(|op| op.method != Method::GET && op.path.starts_with("/api/v1/users/{id}"))
        .map(|op| (op.method.to_string(), op.path.to_owned()))
        .collect();
    for on in ["herself", "a stronger account"] {
        let probed: BTreeSet<(String, String)> = probes
            .iter()
            .filter(|p| p.on == on)
            .map(|p| (p.method.to_string(), p.template.to_owned()))
            .collect();
        let missing: Vec<_> = changes_accounts.difference(&probed).collect();
        assert!(missing.is_empty(), "routes not probed on {on}: {missing:?}");
    }
    let before = server.revision().await;
    let failures = run_probes(&server, &probes).await;
    assert!(
        failures.is_empty(),
        "{} probe(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(server.revision().await, before, "a refused probe changed something");
}
