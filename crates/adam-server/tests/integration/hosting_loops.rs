//! The test and production installations' failure loops of `dro-hosting` over HTTP (issue #17,
//! REQUIREMENTS-WAVE2 Part 2 §1.2 and §1.3), on SQLite and PostgreSQL: in each sub-process the
//! system test failed (.4) and the developers' test failed (.6) lead to the system team's
//! diagnosis (.7), which returns either to fixing the installation (.2) or to fixing the code
//! (1.1.1.21, a new deposit and a new SOC review), and the case goes on to the customer's
//! acceptance test in production. (The core walks the same loops in `hosting.rs` and
//! `hosting_loops.rs`.)

use crate::hosting_api::{Walk, ensure_solution};
use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use serde_json::json;

/// Decides a sub-process's steps (`p` is `1.2.1` or `1.3.1`) as their performers: the system
/// team installs, tests and diagnoses, the development team tests.
async fn steps(w: &Walk<'_>, p: &str, steps: &[(&str, &str)]) {
    for (s, o) in steps {
        let who = if *s == "5" || *s == "6" {
            Who::Plain
        } else {
            Who::UserAdminHere
        };
        w.go(who, &format!("{p}.{s}"), o, json!({}), &[]).await;
    }
}

/// From the new deposit (1.1.1.21) through the SOC review to the test installation (1.2.1.1).
async fn deposit_to_test(w: &Walk<'_>) {
    use Who::{Plain as Ana, UserAdminHere as Glpi, UserAdminOther as Un};
    w.go(Ana, "1.1.1.21", "done", json!({}), &["installation_instructions"])
        .await;
    w.go(Un, "1.1.1.22", "done", json!({}), &["code_review_report"]).await;
    w.go(Un, "1.1.1.25", "pass", json!({}), &[]).await;
    w.go(Glpi, "1.1.1.24", "done", json!({}), &[]).await;
    assert_eq!(w.at().await, "1.2.1.1");
}

/// The acceptance test (T) passed, the production request and plan, to the production
/// installation (1.3.1.1).
async fn acceptance_to_production(w: &Walk<'_>) {
    use Who::{Plain as Ana, UserAdminHere as Glpi};
    assert_eq!(w.at().await, "1.1.1.27");
    w.go(Ana, "1.1.1.27", "done", json!({}), &["test_plan"]).await;
    w.go(Ana, "1.1.1.28", "pass", json!({}), &[]).await;
    w.go(Ana, "1.1.1.29", "done", json!({}), &["production_request"]).await;
    let fields = json!({"production_address": "podatki.gov.si", "environments_separate": true});
    w.go(Glpi, "1.1.1.31", "done", fields, &["physical_plan_production"])
        .await;
    assert_eq!(w.at().await, "1.3.1.1");
}

/// After the code was fixed: the new deposit, the SOC review and the test installation, and
/// for the production sub-process also the acceptance test (T), back to its first step.
async fn back_from_the_code(w: &Walk<'_>, p: &str) {
    deposit_to_test(w).await;
    if p == "1.3.1" {
        steps(w, "1.2.1", PASS).await;
        acceptance_to_production(w).await;
    }
}

/// A sub-process passed at the first try.
const PASS: &[(&str, &str)] = &[
    ("1", "done"),
    ("2", "done"),
    ("3", "done"),
    ("4", "ok"),
    ("5", "done"),
    ("6", "ok"),
    ("8", "done"),
];

async fn the_installation_failures_loop_back_over_http(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let id = ensure_solution(&server, server.fx.ana).await;
    let opened = server
        .post(
            Who::UserAdminHere,
            &format!("/api/v1/solutions/{id}/versions"),
            &json!({"version": "1.0"}),
        )
        .await
        .expect(201);
    let case = opened.json["version_history"][0]["case"].as_u64().unwrap();
    let w = Walk { server: &server, case };
    w.onboard_to_development().await;
    w.go(Who::Plain, "1.1.1.20", "done", json!({}), &[]).await;
    deposit_to_test(&w).await;

    for p in ["1.2.1", "1.3.1"] {
        let at = |s: &str| format!("{p}.{s}");
        // The system test failed → diagnosis → the installation again.
        steps(&w, p, &[("1", "done"), ("2", "done"), ("3", "done"), ("4", "fail")]).await;
        assert_eq!(w.at().await, at("7"), "{p}: a failed system test is diagnosed");
        steps(&w, p, &[("7", "fix_installation")]).await;
        assert_eq!(w.at().await, at("2"), "{p}: the installation is fixed");
        // The developers' test failed → diagnosis → the code again.
        steps(
            &w,
            p,
            &[("2", "done"), ("3", "done"), ("4", "ok"), ("5", "done"), ("6", "fail")],
        )
        .await;
        assert_eq!(w.at().await, at("7"), "{p}: a failed developers' test is diagnosed");
        steps(&w, p, &[("7", "fix_code")]).await;
        assert_eq!(w.at().await, "1.1.1.21", "{p}: the developers deposit a new version");
        back_from_the_code(&w, p).await;
        // The system test failed, diagnosed as the code.
        steps(
            &w,
            p,
            &[
                ("1", "done"),
                ("2", "done"),
                ("3", "done"),
                ("4", "fail"),
                ("7", "fix_code"),
            ],
        )
        .await;
        assert_eq!(w.at().await, "1.1.1.21", "{p}: a failed system test may be the code");
        back_from_the_code(&w, p).await;
        // The developers' test failed, diagnosed as the installation.
        steps(
            &w,
            p,
            &[
                ("1", "done"),
                ("2", "done"),
                ("3", "done"),
                ("4", "ok"),
                ("5", "done"),
                ("6", "fail"),
            ],
        )
        .await;
        steps(&w, p, &[("7", "fix_installation")]).await;
        assert_eq!(
            w.at().await,
            at("2"),
            "{p}: a failed developers' test may be the installation"
        );
        // And the sub-process passes: the case goes on.
        steps(&w, p, &PASS[1..]).await;
        if p == "1.2.1" {
            acceptance_to_production(&w).await;
        } else {
            assert_eq!(w.at().await, "1.1.1.33");
        }
    }
    w.go(Who::Plain, "1.1.1.33", "done", json!({}), &[]).await;
    assert_eq!(w.at().await, "1.1.1.34", "the case goes on to the acceptance test (P)");

    // The history keeps every failure and every diagnosis, with who decided, in order.
    let c = server.state.world().case(CaseId(case as u32)).unwrap().clone();
    let loops: Vec<String> = c
        .history
        .iter()
        .filter(|t| t.outcome.as_str() != "ok" && [".4", ".6", ".7"].iter().any(|s| t.step.as_str().ends_with(s)))
        .filter(|t| t.step.as_str().starts_with("1.2.1") || t.step.as_str().starts_with("1.3.1"))
        .map(|t| format!("{} {} {}", t.step, t.outcome, t.to))
        .collect();
    let mut expected = Vec::new();
    for p in ["1.2.1", "1.3.1"] {
        expected.extend([
            format!("{p}.4 fail {p}.7"),
            format!("{p}.7 fix_installation {p}.2"),
            format!("{p}.6 fail {p}.7"),
            format!("{p}.7 fix_code 1.1.1.21"),
            format!("{p}.4 fail {p}.7"),
            format!("{p}.7 fix_code 1.1.1.21"),
            format!("{p}.6 fail {p}.7"),
            format!("{p}.7 fix_installation {p}.2"),
        ]);
    }
    assert_eq!(loops, expected);
    assert!(c.history.iter().all(|t| t.by.is_some()));
}
on_both_backends!(the_installation_failures_loop_back_over_http);
