//! The production installation's failure loops of the shipped `dro-hosting` process (§1.3,
//! issue #17), walked deterministically: the system test failed (1.3.1.4) and the developers'
//! test failed (1.3.1.6) both lead to the diagnosis (1.3.1.7), which returns either to
//! fixing the installation (1.3.1.2) or to fixing the code (1.1.1.21, a new deposit and a new
//! SOC review); after each loop the case goes on to production. (The test installation's
//! loops, §1.2, are in `hosting.rs::every_failure_loops_back_where_the_seed_says`.)

use crate::hosting::hosting;
use adam_core::process::Transition;
use serde_json::json;

/// The step, outcome and target of each decision on the case, in order.
fn decided(history: &[Transition]) -> Vec<(String, String, String)> {
    history
        .iter()
        .map(|t| (t.step.to_string(), t.outcome.to_string(), t.to.to_string()))
        .collect()
}

fn triple(step: &str, outcome: &str, to: &str) -> (String, String, String) {
    (step.to_owned(), outcome.to_owned(), to.to_owned())
}

#[test]
fn every_production_installation_failure_loops_back_where_the_seed_says() {
    let mut h = hosting();
    let case = h.start(true, "1.0");
    h.onboard(case);
    h.develop(case);
    let to_production = |h: &mut crate::hosting::Hosting| {
        h.go(case, "1.1.1.24", "done", json!({}), &[]);
        h.environment(case, "1.2.1");
        h.go(case, "1.1.1.27", "done", json!({}), &["test_plan"]);
        h.go(case, "1.1.1.28", "pass", json!({}), &[]);
        h.go(case, "1.1.1.29", "done", json!({}), &["production_request"]);
        h.go(
            case,
            "1.1.1.31",
            "done",
            json!({"production_address": "opsi.gov.si", "environments_separate": true}),
            &["physical_plan_production"],
        );
        assert_eq!(h.at(case), "1.3.1.1");
    };
    to_production(&mut h);
    // The system test in production failed → diagnosis → the installation again.
    h.go(case, "1.3.1.1", "done", json!({}), &[]);
    h.go(case, "1.3.1.2", "done", json!({}), &[]);
    h.go(case, "1.3.1.3", "done", json!({}), &[]);
    h.go(case, "1.3.1.4", "fail", json!({}), &[]);
    assert_eq!(h.at(case), "1.3.1.7", "a failed system test is diagnosed");
    h.go(case, "1.3.1.7", "fix_installation", json!({}), &[]);
    assert_eq!(h.at(case), "1.3.1.2", "the installation is fixed");
    // The developers' test in production failed → diagnosis → the code again.
    h.go(case, "1.3.1.2", "done", json!({}), &[]);
    h.go(case, "1.3.1.3", "done", json!({}), &[]);
    h.go(case, "1.3.1.4", "ok", json!({}), &[]);
    h.go(case, "1.3.1.5", "done", json!({}), &[]);
    h.go(case, "1.3.1.6", "fail", json!({}), &[]);
    assert_eq!(h.at(case), "1.3.1.7", "a failed developers' test is diagnosed");
    h.go(case, "1.3.1.7", "fix_code", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.21", "the developers deposit a new version");
    h.go(case, "1.1.1.21", "done", json!({}), &[]);
    h.go(case, "1.1.1.22", "done", json!({}), &[]);
    h.go(case, "1.1.1.25", "pass", json!({}), &[]);
    // The system test failed once more; this time the diagnosis sends it to the code.
    to_production(&mut h);
    h.go(case, "1.3.1.1", "done", json!({}), &[]);
    h.go(case, "1.3.1.2", "done", json!({}), &[]);
    h.go(case, "1.3.1.3", "done", json!({}), &[]);
    h.go(case, "1.3.1.4", "fail", json!({}), &[]);
    h.go(case, "1.3.1.7", "fix_code", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.21");
    h.go(case, "1.1.1.21", "done", json!({}), &[]);
    h.go(case, "1.1.1.22", "done", json!({}), &[]);
    h.go(case, "1.1.1.25", "pass", json!({}), &[]);
    // The developers' test failed; the diagnosis sends it to the installation.
    to_production(&mut h);
    for (s, o) in [("1", "done"), ("2", "done"), ("3", "done"), ("4", "ok"), ("5", "done")] {
        h.go(case, &format!("1.3.1.{s}"), o, json!({}), &[]);
    }
    h.go(case, "1.3.1.6", "fail", json!({}), &[]);
    h.go(case, "1.3.1.7", "fix_installation", json!({}), &[]);
    assert_eq!(h.at(case), "1.3.1.2");
    // And the production installation passes: on to the customer's information.
    for (s, o) in [
        ("2", "done"),
        ("3", "done"),
        ("4", "ok"),
        ("5", "done"),
        ("6", "ok"),
        ("8", "done"),
    ] {
        h.go(case, &format!("1.3.1.{s}"), o, json!({}), &[]);
    }
    assert_eq!(h.at(case), "1.1.1.33");
    h.go(case, "1.1.1.33", "done", json!({}), &[]);
    assert_eq!(h.at(case), "1.1.1.34");

    // The history keeps each failure and each diagnosis, with who decided, in order.
    let c = h.town.w.case(case).unwrap();
    let loops: Vec<_> = decided(&c.history)
        .into_iter()
        .filter(|(s, _, _)| s == "1.3.1.4" || s == "1.3.1.6" || s == "1.3.1.7")
        .filter(|(_, o, _)| o != "ok")
        .collect();
    assert_eq!(
        loops,
        [
            triple("1.3.1.4", "fail", "1.3.1.7"),
            triple("1.3.1.7", "fix_installation", "1.3.1.2"),
            triple("1.3.1.6", "fail", "1.3.1.7"),
            triple("1.3.1.7", "fix_code", "1.1.1.21"),
            triple("1.3.1.4", "fail", "1.3.1.7"),
            triple("1.3.1.7", "fix_code", "1.1.1.21"),
            triple("1.3.1.6", "fail", "1.3.1.7"),
            triple("1.3.1.7", "fix_installation", "1.3.1.2"),
        ]
    );
    assert!(c.history.iter().all(|t| t.by.is_some()));
}
