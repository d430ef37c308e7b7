//! `dro-hosting` over HTTP (issue #17), on SQLite and PostgreSQL: a transition that fails is
//! rolled back to a fix of the solution (1.1.1.46 → 1.1.1.19) and the version, fixed, goes to
//! production; SIV's waiver of the penetration test holds for one version and one pass only —
//! recorded with who decided and why, asked again after the fix, never carried to the next
//! version, whose own waiver keeps its own words. (The transition rolled back to a new micro
//! plan, the escalation and the other failure loops are in `hosting_api.rs`; the core walks them
//! all in `hosting.rs`.)

use crate::hosting_api::{Walk, ensure_solution};
use crate::on_both_backends;
use crate::support::*;
use serde_json::{Value, json};

/// The version's history as the registry reads it from its case.
async fn facts(server: &TestServer, solution: u64, index: usize) -> Value {
    let view = server
        .get(Who::UserAdminHere, &format!("/api/v1/solutions/{solution}"))
        .await
        .expect(200);
    view.json["version_history"][index]["facts"].clone()
}

/// SOC may not waive alone; SIV (the system administrator) consents and SOC records the waiver.
async fn waive(w: &Walk<'_>, words: &str) {
    let waiver = json!({ "pen_test_waiver": words });
    w.refuse(
        Who::UserAdminOther,
        "1.1.1.35",
        "waived",
        waiver.clone(),
        &[],
        "guards-unmet",
    )
    .await;
    w.consent(Who::SysAdmin, "siv").await;
    w.go(Who::UserAdminOther, "1.1.1.35", "waived", waiver, &[]).await;
}

async fn a_transition_rolled_back_to_a_fix_and_a_waiver_for_one_version_over_http(backend: Backend) {
    use Who::{Plain as Ana, UserAdminHere as Glpi, UserAdminOther as Un};
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let id = ensure_solution(&server, server.fx.ana).await;
    let path = format!("/api/v1/solutions/{id}/versions");
    let opened = server.post(Glpi, &path, &json!({"version": "1.0"})).await.expect(201);
    let w = Walk {
        server: &server,
        case: opened.json["version_history"][0]["case"].as_u64().unwrap(),
    };
    w.onboard_to_development().await;
    w.review_to_acceptance().await;
    waive(&w, "Statične strani, brez prijave.").await;
    let f = facts(&server, id, 0).await;
    assert_eq!(f["pen_test"], "waived");
    assert_eq!(f["pen_test_waived_by"], server.fx.admin.0, "who decided is recorded");
    assert_eq!(f["pen_test_waiver"], "Statične strani, brez prijave.");
    w.go(Ana, "1.1.1.37", "no", json!({}), &[]).await;
    w.go(
        Ana,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    )
    .await;
    w.approve_change(Ana, Glpi).await;
    let transition = || async {
        w.consent(Glpi, "system_support").await;
        w.consent(Un, "support_head").await;
        w.consent(Ana, "custodian").await;
    };
    transition().await;
    let plan = json!({"rollback_plan": "Vrnitev prejšnjega stanja iz SVN.", "transition_date": "15. 4. 2026"});
    w.go(Glpi, "1.1.1.45", "done", plan, &["micro_plan", "security_assessment"])
        .await;

    // The transition fails: a rollback is recorded or it is refused; then back to a fix.
    w.refuse(Glpi, "1.1.1.46", "rolled_back_fix", json!({}), &[], "guards-unmet")
        .await;
    w.go(
        Glpi,
        "1.1.1.46",
        "rolled_back_fix",
        json!({"rollback_record": "Napaka v shemi baze; vrnjeno na prejšnje stanje."}),
        &[],
    )
    .await;
    assert_eq!(
        w.at().await,
        "1.1.1.19",
        "a rollback to a fix asks for a development request"
    );
    let f = facts(&server, id, 0).await;
    assert_eq!(f["rollbacks"], 1);
    assert_eq!(f["in_production"], false);
    w.go(
        Ana,
        "1.1.1.19",
        "done",
        json!({"request_kind": "failed_test"}),
        &["development_request"],
    )
    .await;
    w.review_to_acceptance().await;
    // The fixed code is tested again: the earlier waiver's consent does not carry over.
    waive(&w, "Popravek sheme baze, brez novih vmesnikov.").await;
    w.go(Ana, "1.1.1.37", "no", json!({}), &[]).await;
    w.go(Ana, "1.1.1.43", "done", json!({}), &[]).await;
    // Its change request was approved before the rollback and stays so; the custodian's
    // approval of the transfer and the OVSP sub-procedure are asked again.
    w.refuse(
        Glpi,
        "1.1.1.45",
        "done",
        json!({"transition_date": "22. 4. 2026"}),
        &[],
        "no-custodian-approval",
    )
    .await;
    transition().await;
    w.go(Glpi, "1.1.1.45", "done", json!({"transition_date": "22. 4. 2026"}), &[])
        .await;
    w.go(Glpi, "1.1.1.46", "success", json!({}), &["ovsp_completed"]).await;
    w.go(Glpi, "1.1.1.47", "done", json!({"notified_at": "22. 4. 2026"}), &[])
        .await;
    let f = facts(&server, id, 0).await;
    assert_eq!(f["in_production"], true);
    assert_eq!(f["rollbacks"], 1);
    assert_eq!(f["pen_test_waiver"], "Popravek sheme baze, brez novih vmesnikov.");

    // Version 1.1: no waiver until SIV decides for it; its own words, 1.0's kept.
    let opened = server.post(Glpi, &path, &json!({"version": "1.1"})).await.expect(201);
    let w = Walk {
        server: &server,
        case: opened.json["version_history"][1]["case"].as_u64().unwrap(),
    };
    w.go(Glpi, "entry", "new_version", json!({}), &[]).await;
    w.go(Ana, "1.1.1.18", "done", json!({}), &[]).await;
    w.go(
        Ana,
        "1.1.1.19",
        "done",
        json!({"request_kind": "new_functionality"}),
        &["development_request"],
    )
    .await;
    w.review_to_acceptance().await;
    assert_eq!(facts(&server, id, 1).await["pen_test"], Value::Null);
    waive(&w, "Le nova besedila.").await;
    let (v0, v1) = (facts(&server, id, 0).await, facts(&server, id, 1).await);
    assert_eq!(v1["pen_test"], "waived");
    assert_eq!(v1["pen_test_waiver"], "Le nova besedila.");
    assert_eq!(v0["pen_test_waiver"], "Popravek sheme baze, brez novih vmesnikov.");
}
on_both_backends!(a_transition_rolled_back_to_a_fix_and_a_waiver_for_one_version_over_http);
