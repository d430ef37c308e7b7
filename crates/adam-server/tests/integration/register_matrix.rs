//! The registers' other routes × the seven callers the inventory's rules tell apart (issue 15):
//! access reviews and the rights follow-ups, risk assessments, integrity baselines,
//! attachments and the dormant-accounts report, on the small inventory of
//! `inventory_fixture.rs` — the security lead, the custodian of this system, the custodian of
//! another, a user administrator, a plain user, the `admin` account and a service token.
//! Allowed or refused with 403 (401 without a token); a request that changes something runs
//! on a fresh server of its own. (`matrix.rs` holds the same routes for its five callers.)
//!
//! On top of the small inventory (`setup`): `VOPI-APP` — a system serving the application VOPI,
//! kept by the custodian — with an access review (campaign 0, the custodian reviews it);
//! Gregor, who holds a direct VOPI grant, leaves his job (follow-up 0 for the custodian);
//! `KEY-SRV`, a key server kept by the custodian and operated by the service account, with an
//! approved baseline 0 and a waiting one 1; a risk assessment 0; a file on `VOPI-SYS`.

use crate::inventory_fixture::*;
use crate::inventory_matrix::{Row, check_every_cell, row};
use crate::support::*;
use adam_core::register::inventory::{ItemKind, Operator};
use adam_core::*;
use adam_server::api::api;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

/// What `setup` made, by id.
struct Made {
    review_system: ItemId,
    key_server: ItemId,
    file: String,
    /// The reference of the file on VOPI-SYS, also carried by the key server's baseline 1.
    reference: serde_json::Value,
}

async fn create(server: &TestServer, fields: register::inventory::ItemFields) -> ItemId {
    match run(
        server,
        Actor::System,
        Command::CreateItem {
            kind: ItemKind::System,
            fields,
        },
    )
    .await
    {
        Some(Created::Item(id)) => id,
        other => panic!("{other:?}"),
    }
}

async fn setup(server: &TestServer, inv: &Inventory) -> Made {
    let fx = server.fx.clone();
    let mut review = fields("VOPI-APP", "Sistem aplikacije VOPI", inv.custodian);
    review.application = Some(fx.vopi);
    let review_system = create(server, review).await;
    run(
        server,
        Actor::System,
        Command::StartAccessReview {
            system: review_system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    )
    .await;
    run(
        server,
        Actor::System,
        Command::UnassignJob {
            user: fx.gregor,
            job: fx.job_glpi,
        },
    )
    .await;
    let mut key = fields("KEY-SRV", "Ključni strežnik", inv.custodian);
    key.key_server = true;
    key.own = true;
    key.secured_area = true;
    key.operators = vec![Operator::User(fx.svc)];
    let key_server = create(server, key).await;
    let manifest: register::integrity::Manifest = serde_json::from_value(crate::integrity::files("22")).unwrap();
    for _ in 0..2 {
        run(
            server,
            Actor::System,
            Command::SubmitBaseline {
                server: key_server,
                manifest: manifest.clone(),
                taken_at: None,
            },
        )
        .await;
    }
    run(
        server,
        Actor::System,
        Command::ApproveBaseline {
            baseline: BaselineId(0),
            change: Some(Text::parse("c", "CHG-0").unwrap()),
        },
    )
    .await;
    run(
        server,
        Actor::System,
        Command::RecordRiskAssessment {
            fields: serde_json::from_value(
                json!({"date": "2026-02-10", "scope": "Občina", "findings": "F", "treatment": "T"}),
            )
            .unwrap(),
        },
    )
    .await;
    // A file on VOPI-SYS: uploaded and attached by the lead.
    let reference = inv
        .call(
            server,
            Party::Lead,
            Method::POST,
            "/api/v1/attachments?name=matrika.txt",
            Some(&json!({"a": "file"})),
            &[],
        )
        .await
        .expect(201)
        .json;
    let item = format!("/api/v1/inventory/{SYSTEM}");
    inv.edit(
        server,
        Party::Lead,
        Method::PATCH,
        &item,
        &json!({"attachments": [reference.clone()]}),
    )
    .await
    .expect(200);
    // The same file on the key server's baseline 1: whoever reads the server's integrity (its
    // operator, the service account, among them) may refer to it.
    run(
        server,
        Actor::System,
        Command::AttachFile {
            to: adam_core::attachment::Attachable::Baseline(BaselineId(1)),
            file: serde_json::from_value(reference.clone()).unwrap(),
        },
    )
    .await;
    Made {
        review_system,
        key_server,
        file: format!("/api/v1/attachments/{}", reference["sha256"].as_str().unwrap()),
        reference,
    }
}

fn rows(server: &TestServer, made: &Made) -> Vec<Row> {
    let (g, p) = (Method::GET, Method::POST);
    let fx = &server.fx;
    let decision = json!({"grant": fx.grant_gregor, "outcome": "confirmed"});
    let risk = json!({"date": "2026-02-11", "scope": "Občina", "findings": "F", "treatment": "T"});
    // Lead, custodian here, custodian elsewhere, user admin, plain, admin, service.
    const READ: &str = "YYYYNYN";
    const KEEP: &str = "YNNNNYN";
    // The campaign's reviewer (the custodian) and the keepers.
    const REVIEW: &str = "YYNNNYN";
    vec![
        // Access reviews (Art. 51(4)): the list is each caller's own (filtered); a campaign is
        // started by the keepers or the system's custodian, read by its reviewer (the
        // custodian) and the keepers, decided by its reviewer only.
        row(
            g.clone(),
            "/api/v1/access-reviews",
            "/api/v1/access-reviews".into(),
            None,
            "YYYYYYY",
        ),
        row(
            p.clone(),
            "/api/v1/access-reviews",
            "/api/v1/access-reviews".into(),
            Some(json!({"system": made.review_system, "due": "2026-04-30"})),
            REVIEW,
        ),
        row(
            g.clone(),
            "/api/v1/access-reviews/{id}",
            "/api/v1/access-reviews/0".into(),
            None,
            REVIEW,
        ),
        row(
            g.clone(),
            "/api/v1/access-reviews/{id}/report.csv",
            "/api/v1/access-reviews/0/report.csv".into(),
            None,
            REVIEW,
        ),
        row(
            p.clone(),
            "/api/v1/access-reviews/{id}/decisions",
            "/api/v1/access-reviews/0/decisions".into(),
            Some(decision.clone()),
            "NYNNNNN",
        ),
        // Rights to revoke or confirm after a change of job: the list is each caller's own; a
        // follow-up is decided by the custodian concerned and the keepers.
        row(
            g.clone(),
            "/api/v1/rights-follow-ups",
            "/api/v1/rights-follow-ups".into(),
            None,
            "YYYYYYY",
        ),
        row(
            p.clone(),
            "/api/v1/rights-follow-ups/{id}/decisions",
            "/api/v1/rights-follow-ups/0/decisions".into(),
            Some(decision),
            REVIEW,
        ),
        // Risk assessments (Art. 9): read like the inventory, kept by its keepers.
        row(
            g.clone(),
            "/api/v1/risk-assessments",
            "/api/v1/risk-assessments".into(),
            None,
            READ,
        ),
        row(
            p.clone(),
            "/api/v1/risk-assessments",
            "/api/v1/risk-assessments".into(),
            Some(risk.clone()),
            KEEP,
        ),
        row(
            g.clone(),
            "/api/v1/risk-assessments/{id}",
            "/api/v1/risk-assessments/0".into(),
            None,
            READ,
        ),
        row(
            Method::PUT,
            "/api/v1/risk-assessments/{id}",
            "/api/v1/risk-assessments/0".into(),
            Some(risk),
            KEEP,
        ),
        // Integrity baselines (Art. 50(4)-(5)): the key server's custodian and operator (the
        // service account) submit scans and read; the keepers too; only the keepers approve.
        row(
            p.clone(),
            "/api/v1/integrity/scans",
            "/api/v1/integrity/scans".into(),
            Some(json!({"server": "KEY-SRV", "files": crate::integrity::files("22")})),
            "YYNNNYY",
        ),
        row(
            p.clone(),
            "/api/v1/integrity/baselines/{id}/approve",
            "/api/v1/integrity/baselines/1/approve".into(),
            Some(json!({"change": "CHG-1"})),
            KEEP,
        ),
        row(
            g.clone(),
            "/api/v1/integrity/baselines/{id}",
            "/api/v1/integrity/baselines/0".into(),
            None,
            "YYNNNYY",
        ),
        row(
            g.clone(),
            "/api/v1/integrity/servers",
            "/api/v1/integrity/servers".into(),
            None,
            // Those who read some key or high-risk server's records, each their own.
            "YYNNNYY",
        ),
        row(
            g.clone(),
            "/api/v1/integrity/servers/{id}",
            format!("/api/v1/integrity/servers/{}", made.key_server.0),
            None,
            "YYNNNYY",
        ),
        // Attachments: uploaded by whoever reads the inventory; a file on an inventory item is
        // read by the inventory's readers.
        row(
            p.clone(),
            "/api/v1/attachments",
            "/api/v1/attachments?name=matrika-2.txt".into(),
            Some(json!({"a": "file"})),
            READ,
        ),
        // The file is on VOPI-SYS (read by the inventory's readers) and on the key server's
        // baseline (read also by its operator, the service account).
        row(
            g.clone(),
            "/api/v1/attachments/{sha256}",
            made.file.clone(),
            None,
            "YYYYNYY",
        ),
        // A file added to a register record: by whoever keeps that record (and may refer to
        // the file; each file here is one they may).
        row(
            p.clone(),
            "/api/v1/risk-assessments/{id}/attachments",
            "/api/v1/risk-assessments/0/attachments".into(),
            Some(made.reference.clone()),
            KEEP,
        ),
        row(
            p.clone(),
            "/api/v1/access-reviews/{id}/attachments",
            "/api/v1/access-reviews/0/attachments".into(),
            Some(made.reference.clone()),
            REVIEW,
        ),
        row(
            p.clone(),
            "/api/v1/integrity/baselines/{id}/attachments",
            "/api/v1/integrity/baselines/0/attachments".into(),
            Some(made.reference.clone()),
            "YYNNNYY",
        ),
        // The dormant-accounts report (Art. 50(2)): the keepers and user administrators (each
        // for the accounts they administer).
        row(
            g.clone(),
            "/api/v1/reports/dormant-accounts",
            "/api/v1/reports/dormant-accounts?days=30".into(),
            None,
            "YNNYNYN",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_register_route_for_every_party() {
    let shared = TestServer::start(Backend::Sqlite).await;
    let inv = build(&shared).await;
    let made = setup(&shared, &inv).await;
    let rows = rows(&shared, &made);
    // Every route of these registers is here.
    let ours = |path: &str| {
        [
            "/api/v1/access-reviews",
            "/api/v1/rights-follow-ups",
            "/api/v1/risk-assessments",
            "/api/v1/integrity",
            "/api/v1/attachments",
            "/api/v1/reports/dormant-accounts",
        ]
        .iter()
        .any(|p| path.starts_with(p))
    };
    let declared: BTreeSet<(String, String)> = api()
        .operations()
        .iter()
        .filter(|op| ours(op.path))
        .map(|op| (op.method.to_string(), op.path.to_owned()))
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    assert_eq!(declared, covered);

    let failures = check_every_cell(&shared, &inv, &rows, || async {
        let fresh = TestServer::start(Backend::Sqlite).await;
        let fresh_inv = build(&fresh).await;
        setup(&fresh, &fresh_inv).await;
        (fresh, fresh_inv)
    })
    .await;
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
