//! Integrity baselines over HTTP (issue #15; Decree Art. 50(4)–(5)): a service account named
//! the server's operator submits scans with its token, the keeper approves a baseline with the
//! change's reference, a mismatch is an audit record `security.integrity_mismatch` and a
//! warning on the server; every refusal is a problem with its own type and changes nothing;
//! the records survive a restart. On SQLite and PostgreSQL.

use crate::on_both_backends;
use crate::support::*;
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;
use serde_json::{Value, json};

/// The key server of these tests and of the matrix: `MAIL-SRV`, kept by Gregor, operated by
/// the service account.
pub const SERVER: &str = "MAIL-SRV";

fn fields(code: &str, fx: &Fixture, key_server: bool) -> ItemFields {
    ItemFields {
        code: Code::parse("code", code).unwrap(),
        name: Text::parse("name", &format!("{code} strežnik")).unwrap(),
        description: None,
        custodian: fx.gregor,
        operators: vec![Operator::User(fx.svc)],
        label: None,
        own: true,
        key_server,
        high_risk: false,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    }
}

pub fn files(passwd: &str) -> Value {
    json!([
        ["etc/hosts", "11".repeat(32), 120, 420, "0:0"],
        ["etc/passwd", passwd.repeat(32), 900, 420, "0:0"],
        ["usr/bin/sshd", "33".repeat(32), 880_000, 493, "0:0"],
    ])
}

async fn console(server: &TestServer, command: Command) -> Plan {
    let ctx = server.state.context(Actor::System, None);
    server
        .state
        .execute_as(Actor::System, ctx, command)
        .await
        .unwrap_or_else(|e| panic!("{}", e.detail))
}

/// The key server `MAIL-SRV` (item 0) and, unless `bare`, its baseline 0 (approved) and
/// baseline 1 (submitted, waiting); plus `PRINT-SRV` (item 1), neither key nor high-risk.
/// Idempotent: the matrix calls it before every request.
pub async fn key_server(server: &TestServer, bare: bool) {
    if server.state.world().item_by_code(SERVER).is_ok() {
        return;
    }
    for (code, key) in [(SERVER, true), ("PRINT-SRV", false)] {
        console(
            server,
            Command::CreateItem {
                kind: ItemKind::System,
                fields: fields(code, &server.fx, key),
            },
        )
        .await;
    }
    if bare {
        return;
    }
    let manifest: register::integrity::Manifest = serde_json::from_value(files("22")).unwrap();
    let key = server.state.world().item_by_code(SERVER).unwrap();
    for _ in 0..2 {
        console(
            server,
            Command::SubmitBaseline {
                server: key,
                manifest: manifest.clone(),
                taken_at: None,
            },
        )
        .await;
    }
    console(
        server,
        Command::ApproveBaseline {
            baseline: BaselineId(0),
            change: Some(Text::parse("change", "CHG-0").unwrap()),
        },
    )
    .await;
}

fn scan(baseline: bool, passwd: &str) -> Value {
    json!({"server": SERVER, "baseline": baseline, "taken_at": "2026-03-02T08:00:00Z", "files": files(passwd)})
}

async fn a_scan_is_submitted_approved_compared_and_a_mismatch_is_a_security_event(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, true).await;
    // The operator's service token submits the first baseline.
    let b = s
        .post(Who::Service, "/api/v1/integrity/scans", &scan(true, "22"))
        .await
        .expect(201);
    assert_eq!(b.json["kind"], "baseline");
    assert_eq!(b.json["state"], "submitted");
    assert_eq!(b.json["files"], 3);
    let id = b.json["id"].as_u64().unwrap();
    let approve = format!("/api/v1/integrity/baselines/{id}/approve");
    // The operator does not approve; nor does the keeper without the change's reference.
    s.post(Who::Service, &approve, &json!({"change": "CHG-1"}))
        .await
        .problem(403, "not-register-keeper");
    s.post(Who::SysAdmin, &approve, &json!({}))
        .await
        .problem(422, "change-reference-missing");
    let ok = s
        .post(Who::SysAdmin, &approve, &json!({"change": "CHG-2026-014"}))
        .await
        .expect(200);
    assert_eq!(ok.json["state"], "approved");
    assert_eq!(ok.json["change"], "CHG-2026-014");
    assert_eq!(ok.json["current"], true);

    let same = s
        .post(Who::Service, "/api/v1/integrity/scans", &scan(false, "22"))
        .await
        .expect(201);
    assert_eq!(
        (same.json["kind"].clone(), same.json["result"].clone()),
        (json!("comparison"), json!("match"))
    );
    // A match opens no security event; a mismatch opens one for the security lead.
    assert!(s.state.world().cases().is_empty());
    s.advance(3_600);
    let matched_at = s.state.now();
    s.advance(3_600);
    s.make_security_lead(s.fx.glpi_admin).await;
    let diff = s
        .post(Who::Service, "/api/v1/integrity/scans", &scan(false, "99"))
        .await
        .expect(201);
    assert_eq!(diff.json["result"], "mismatch");
    let work = s.get(Who::UserAdminHere, "/api/v1/work").await.expect(200);
    let event = work.json["my_steps"][0]["id"].clone();
    let case = s
        .get(Who::UserAdminHere, &format!("/api/v1/cases/{event}"))
        .await
        .expect(200);
    let shown = |key: &str| {
        case.json["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["value"].clone())
    };
    assert_eq!(shown("situation"), Some(json!("uncontrolled_change")), "{}", case.text);
    assert_eq!(shown("source"), Some(json!("ADAM: security.integrity_mismatch")));
    assert_eq!(
        diff.json["diff"]["changed"],
        json!([{"path": "etc/passwd", "what": ["content"]}])
    );
    let mismatch = diff.json["id"].clone();

    // The security event in the trail, naming the comparison.
    let trail = s
        .get(Who::SysAdmin, "/api/v1/audit?action=security.integrity_mismatch")
        .await
        .expect(200);
    let items = trail.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", trail.text);
    assert_eq!(items[0]["action"], "security.integrity_mismatch");
    assert_eq!(
        items[0]["object"]["kind"], "ADAM_ENTITY_INTEGRITY_COMPARISON",
        "{}",
        items[0]
    );
    assert_eq!(items[0]["object"]["id"], mismatch);
    // The warning on the server, for its custodian's and the keeper's eyes.
    let view = s.get(Who::SysAdmin, "/api/v1/integrity/servers/0").await.expect(200);
    assert_eq!(view.json["warning"], mismatch);
    assert_eq!(view.json["comparisons"].as_array().unwrap().len(), 2);
    let list = s.get(Who::Service, "/api/v1/integrity/servers").await.expect(200);
    assert_eq!(list.json[0]["code"], SERVER);
    assert_eq!(list.json[0]["warning"], mismatch);
    // As they stood before the mismatch: no warning, one comparison; the same for the list;
    // a caller who reads no server is refused then as now.
    let then = s
        .get(Who::SysAdmin, &format!("/api/v1/integrity/servers/0?at={matched_at}"))
        .await
        .expect(200);
    assert_eq!(then.json["warning"], Value::Null, "{}", then.text);
    assert_eq!(then.json["comparisons"].as_array().unwrap().len(), 1, "{}", then.text);
    let list_then = s
        .get(Who::Service, &format!("/api/v1/integrity/servers?at={matched_at}"))
        .await
        .expect(200);
    assert_eq!(list_then.json[0]["warning"], Value::Null, "{}", list_then.text);
    s.get(Who::Plain, &format!("/api/v1/integrity/servers/0?at={matched_at}"))
        .await
        .problem(403, "not-integrity-reader");
    let full = s
        .get(Who::Service, &format!("/api/v1/integrity/baselines/{id}"))
        .await
        .expect(200);
    assert_eq!(full.json["manifest"], files("22"));

    // The records survive a restart (loaded from the register rows).
    let (location, fx, tokens, dir) = s.stop().await;
    let state = state_on(open(&location).await).await;
    let s = TestServer::serve(backend, location, state, fx, tokens, dir).await;
    let again = s.get(Who::SysAdmin, "/api/v1/integrity/servers/0").await.expect(200);
    assert_eq!(again.json, view.json);
    // A second mismatch while that event is open opens no second one (a token posting
    // mismatched scans in a loop cannot bury the lead in cases); the trail has both.
    s.post(Who::Service, "/api/v1/integrity/scans", &scan(false, "98"))
        .await
        .expect(201);
    assert_eq!(s.state.world().cases().len(), 1);
    let trail = s
        .get(Who::SysAdmin, "/api/v1/audit?action=security.integrity_mismatch")
        .await
        .expect(200);
    assert_eq!(trail.json["items"].as_array().unwrap().len(), 2);
}
on_both_backends!(a_scan_is_submitted_approved_compared_and_a_mismatch_is_a_security_event);

async fn each_integrity_rule_is_a_specific_refusal_that_changes_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, true).await;
    let before = s.revision().await;
    // No approved baseline yet: nothing to compare with.
    s.post(Who::Service, "/api/v1/integrity/scans", &scan(false, "22"))
        .await
        .problem(409, "no-approved-baseline");
    // Art. 50(4): only key and high-risk servers; said in Slovenian too.
    let other = json!({"server": "PRINT-SRV", "baseline": true, "files": files("22")});
    let sl = s
        .call_with(
            Who::SysAdmin,
            reqwest::Method::POST,
            "/api/v1/integrity/scans",
            Some(&other),
            &[("accept-language", "sl")],
        )
        .await
        .problem(409, "not-integrity-server");
    assert!(
        sl.json["detail"].as_str().unwrap().contains("50. člen (4)"),
        "{}",
        sl.text
    );
    // Someone who neither keeps the register nor runs the server.
    s.post(Who::Plain, "/api/v1/integrity/scans", &scan(true, "22"))
        .await
        .problem(403, "not-scan-submitter");
    // A manifest that is not one: a path twice, a bad digest.
    let twice = json!({"server": SERVER, "baseline": true, "files": [["a", "11".repeat(32), 1, 1, "0:0"], ["a", "11".repeat(32), 1, 1, "0:0"]]});
    s.post(Who::Service, "/api/v1/integrity/scans", &twice)
        .await
        .problem(422, "invalid-body");
    let digest = json!({"server": SERVER, "baseline": true, "files": [["a", "xyz", 1, 1, "0:0"]]});
    s.post(Who::Service, "/api/v1/integrity/scans", &digest)
        .await
        .problem(422, "invalid-body");
    let empty = json!({"server": SERVER, "baseline": true, "files": []});
    s.post(Who::Service, "/api/v1/integrity/scans", &empty)
        .await
        .problem(422, "empty-manifest");
    // Reading is for those who run the server and the keepers.
    s.get(Who::Plain, "/api/v1/integrity/servers/0")
        .await
        .problem(403, "not-integrity-reader");
    assert_eq!(s.revision().await, before, "a refusal changed something");
    // Approving twice.
    let b = s
        .post(Who::Service, "/api/v1/integrity/scans", &scan(true, "22"))
        .await
        .expect(201);
    let approve = format!("/api/v1/integrity/baselines/{}/approve", b.json["id"]);
    s.post(Who::SysAdmin, &approve, &json!({"change": "CHG-1"}))
        .await
        .expect(200);
    let after = s.revision().await;
    s.post(Who::SysAdmin, &approve, &json!({"change": "CHG-2"}))
        .await
        .problem(409, "baseline-already-approved");
    assert_eq!(s.revision().await, after);
}
on_both_backends!(each_integrity_rule_is_a_specific_refusal_that_changes_nothing);
