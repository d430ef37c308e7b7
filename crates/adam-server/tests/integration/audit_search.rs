//! Searching the audit trail (issue #14, item 15): without a condition a reviewer sees the
//! last 7 days, newest first, with the dates in the form; a search that finds nothing says so;
//! a user administrator is asked, in their language, whom to look at (not told about URL
//! parameters); dates are Slovenian calendar days, both included; and the changes to a job's
//! (or office's, or person's) grants are found under the job.

use crate::on_both_backends;
use crate::support::*;
use reqwest::{Method, StatusCode};

async fn the_search_has_a_default_a_message_and_finds_grants_under_the_job(backend: Backend) {
    let s = TestServer::start(backend).await;
    // No condition: the last 7 days (the fixture's day is today), newest first, dates shown.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"audit-default\""), "{html}");
    assert!(html.contains("zadnjih 7 dni"), "{html}");
    assert!(
        html.contains("value=\"2026-02-24\""),
        "from 6 days before today: {html}"
    );
    assert!(html.contains("grant.create"), "{html}");
    let Answer { body: english, .. } = s.ui(Who::SysAdmin).get("/ui/audit?lang=en").await;
    assert!(english.contains("last 7 days"), "{english}");

    // Nothing matches: said so.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?from=2020-01-01&to=2020-01-31").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"audit-nothing\""), "{html}");
    assert!(html.contains("value=\"2020-01-31\""), "the dates as typed: {html}");
    // The fixture's day, typed as a Slovenian date, includes it (both ends).
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?from=2026-03-02&to=2026-03-02").await;
    assert!(html.contains("grant.create"), "{html}");
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?from=2026-03-03").await;
    assert!(html.contains("id=\"audit-nothing\""), "{html}");
    // Dates the wrong way round, or not dates: a message at the field.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?from=2026-03-02&to=2026-03-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("pred datumom"), "{html}");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get("/ui/audit?from=2.3.2026").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("LLLL-MM-DD") && html.contains("value=\"2.3.2026\""),
        "{html}"
    );

    // A user administrator with no condition is asked whom to look at, in words.
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/audit").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("ki ga upravljate"), "{html}");
    assert!(!html.contains("actor="), "no URL parameters: {html}");
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/audit?action=grant").await;
    assert!(html.contains("pregledujete osebe"), "{html}");
    assert!(!html.contains("object_id="), "{html}");

    // The grant of a role to a job is found under the job: API and UI, reviewer and the
    // job's user administrator.
    let job = s.fx.job_glpi.0;
    let found = s
        .call(
            Who::SysAdmin,
            Method::GET,
            &format!("/api/v1/audit?object_kind=ADAM_ENTITY_JOB&object_id={job}"),
            None,
        )
        .await
        .expect(200);
    let actions: Vec<&str> = found.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(actions.contains(&"grant.create"), "{actions:?}");
    assert!(actions.contains(&"job.create"), "{actions:?}");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/audit?object_kind=ADAM_ENTITY_JOB&object_id={job}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("grant.create"), "{html}");
}
on_both_backends!(the_search_has_a_default_a_message_and_finds_grants_under_the_job);
