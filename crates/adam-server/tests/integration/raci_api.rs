//! Responsibility matrices over HTTP (issue #17), on both backends: the 2A template with its
//! one warning; a solution's matrix created and read; "who is accountable for restoring the
//! middleware of OPSI" answered with the party, its job and the people holding it now — and
//! again after the job changes hands, and as of before; two A's refused with every problem
//! named (in Slovenian too); an override by someone not allowed refused; a matrix for a
//! codename the registry lacks refused (`unknown-raci-solution`, in both languages).

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::Method;
use serde_json::json;

/// The matrix of OPSI: the customer is Ana's job (UN), the provider the office GLPI (its head
/// is GLPI's user administrator). Created once per server, through the write path.
pub async fn ensure(server: &TestServer) {
    if !server.state.world().raci_matrices().is_empty() {
        return;
    }
    // A matrix is made for a registered solution only.
    crate::hosting_api::ensure_solution(server, server.fx.gregor).await;
    server
        .post(
            Who::SysAdmin,
            "/api/v1/raci/matrices",
            &json!({
                "solution": "opsi",
                "template": {"code": "dk-sit-2a", "version": 1},
                "parties": [
                    {"key": "customer", "bound": {"type": "job", "id": server.fx.job_un_1}},
                    {"key": "provider", "bound": {"type": "office", "id": server.fx.glpi}}
                ]
            }),
        )
        .await
        .expect(201);
}

/// Solution `codename` in the registry with the least it holds (through the write path, once).
pub async fn ensure_registered(server: &TestServer, codename: &str) {
    let known = server
        .state
        .world()
        .solutions()
        .iter()
        .any(|s| s.fields.codename.as_str() == codename);
    if !known {
        crate::inventory_fixture::run(
            server,
            Actor::System,
            Command::RegisterSolution {
                fields: adam_testkit::bare_solution(codename),
            },
        )
        .await;
    }
}

const WHO: &str = "/api/v1/raci/matrices/OPSI/who?task=Restore&layer=middleware";

async fn raci_over_http(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();

    // The template: 25 tasks, no problem, one warning (Backup / Applications, footnote 6).
    let templates = s.get(Who::Plain, "/api/v1/raci/templates").await.expect(200).json;
    assert_eq!(templates[0]["template"]["tasks"].as_array().unwrap().len(), 25);
    assert_eq!(templates[0]["report"]["problems"], json!([]));
    assert_eq!(
        templates[0]["report"]["warnings"],
        json!([{"rule": "no_responsible", "task": 10, "layer": "applications", "footnotes": [6]}])
    );

    ensure(&s).await;
    let before = s.state.now();
    // Only the keepers create; a second matrix for the solution is a conflict.
    s.post(
        Who::SysAdmin,
        "/api/v1/raci/matrices",
        &json!({"solution": "OPSI", "template": {"code": "dk-sit-2a", "version": 1}}),
    )
    .await
    .problem(409, "raci-matrix-exists");
    // A codename the registry of information solutions does not hold gets no matrix: refused
    // with its own type, in English and in Slovenian, and nothing is written.
    let rev = s.revision().await;
    let nova = json!({"solution": "NOVA", "template": {"code": "dk-sit-2a", "version": 1}});
    let r = s
        .post(Who::SysAdmin, "/api/v1/raci/matrices", &nova)
        .await
        .problem(404, "unknown-raci-solution");
    assert!(r.json["detail"].as_str().unwrap().contains("NOVA"), "{}", r.text);
    let r = s
        .call_with(
            Who::SysAdmin,
            Method::POST,
            "/api/v1/raci/matrices",
            Some(&nova),
            &[("accept-language", "sl")],
        )
        .await
        .problem(404, "unknown-raci-solution");
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap()
            .contains("register informacijskih rešitev nima rešitve NOVA"),
        "{}",
        r.text
    );
    assert_eq!(s.revision().await, rev);
    s.get(Who::SysAdmin, "/api/v1/raci/matrices/NOVA")
        .await
        .problem(404, "no-raci-matrix");
    let m = s.get(Who::Plain, "/api/v1/raci/matrices/opsi").await.expect(200);
    assert!(m.header("etag").is_some());
    assert_eq!(m.json["matrix"]["solution"], "OPSI");
    assert_eq!(m.json["report"]["warnings"].as_array().unwrap().len(), 1);
    s.get(Who::Service, "/api/v1/raci/matrices/OPSI")
        .await
        .problem(403, "not-a-raci-reader");

    // Who restores the middleware of OPSI? The provider (AR), through GLPI's head.
    let who = s.get(Who::Plain, WHO).await.expect(200).json;
    let mut shown = who.clone();
    shown["revision"] = json!("[revision]");
    // Keys sorted: serde_json keeps insertion order when another crate of the workspace turns
    // its `preserve_order` on, so the order differs between `-p adam-server` and `--workspace`.
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!("raci_who_restore_middleware", shown);
    });
    assert_eq!(who["accountable"]["party"], "provider");
    assert_eq!(who["accountable"]["job"]["code"], "LEADER.GLPI");
    assert_eq!(who["accountable"]["people"][0]["username"], "glpi-admin");

    // Two A's in Restore / middleware: refused, every problem named, in Slovenian on asking.
    let two_as = json!({"task": 11, "layer": "middleware", "party": "customer", "letters": "AI", "reason": "x"});
    let r = s
        .post(Who::SysAdmin, "/api/v1/raci/matrices/OPSI/overrides", &two_as)
        .await
        .problem(422, "raci-matrix-invalid");
    assert!(
        r.json["detail"].as_str().unwrap().contains("customer, provider"),
        "{}",
        r.text
    );
    let r = s
        .call_with(
            Who::SysAdmin,
            Method::POST,
            "/api/v1/raci/matrices/OPSI/overrides",
            Some(&two_as),
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "raci-matrix-invalid");
    assert!(
        r.json["detail"].as_str().unwrap().contains("natanko en A"),
        "{}",
        r.text
    );
    // Letters outside R, A, C, I do not even parse.
    let bad = json!({"task": 11, "layer": "middleware", "party": "customer", "letters": "X", "reason": "x"});
    let r = s
        .post(Who::SysAdmin, "/api/v1/raci/matrices/OPSI/overrides", &bad)
        .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);

    // The provider's head may not change what the customer answers for; Ana (the customer) may.
    let backup = json!({"task": 10, "layer": "applications", "party": "customer", "letters": "AR",
                        "reason": "we back up the application ourselves"});
    s.post(Who::UserAdminHere, "/api/v1/raci/matrices/OPSI/overrides", &backup)
        .await
        .problem(403, "raci-override-not-allowed");
    let after = s
        .post(Who::Plain, "/api/v1/raci/matrices/OPSI/overrides", &backup)
        .await
        .expect(200)
        .json;
    assert_eq!(after["report"]["warnings"], json!([]));
    assert_eq!(after["matrix"]["overrides"][0]["approved_by"], json!(fx.ana));

    // GLPI's head leaves the job, Gregor takes it: the answer follows.
    s.advance(3600);
    crate::inventory_fixture::run(
        &s,
        Actor::System,
        Command::UnassignJob {
            user: fx.glpi_admin,
            job: fx.leader_glpi,
        },
    )
    .await;
    assert_eq!(
        s.get(Who::Plain, WHO).await.expect(200).json["accountable"]["people"],
        json!([])
    );
    crate::inventory_fixture::run(
        &s,
        Actor::System,
        Command::AssignJob {
            user: fx.gregor,
            job: fx.leader_glpi,
        },
    )
    .await;
    let now = s.get(Who::Plain, WHO).await.expect(200).json;
    assert_eq!(now["accountable"]["people"][0]["username"], "gregor");
    // As of before the change, it was GLPI's user administrator.
    let then = s
        .get(Who::Plain, &format!("{WHO}&at={}", before.plus_seconds(60)))
        .await
        .expect(200)
        .json;
    assert_eq!(then["accountable"]["people"][0]["username"], "glpi-admin", "{then}");

    // The matrix's history shows its changes.
    let history = s
        .get(Who::SysAdmin, "/api/v1/raci/matrices/OPSI/history")
        .await
        .expect(200)
        .json;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions, vec!["raci.override", "raci.create"], "{history}");

    // An unknown task or solution is a problem, not an empty answer.
    s.get(
        Who::Plain,
        "/api/v1/raci/matrices/OPSI/who?task=Nothing&layer=middleware",
    )
    .await
    .problem(404, "unknown-raci-task");
    s.get(Who::SysAdmin, "/api/v1/raci/matrices/EKT/who?task=1&layer=middleware")
        .await
        .problem(404, "no-raci-matrix");
}
on_both_backends!(raci_over_http);
