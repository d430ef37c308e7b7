//! `GET /metrics` and `GET /ready` (issue #18), on both backends: the metrics count a request
//! by its route's template and status (with its latency), and a failed sign-in; they are
//! answered to a scrape from this host, and otherwise only to the system administrator or a
//! service account; `/ready` says primary and the revision.

use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;

/// The value of the series `series` (name and labels as written), 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

async fn scrape(server: &TestServer) -> String {
    let reply = server.get(Who::Anonymous, "/metrics").await.expect(200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    reply.text
}

async fn metrics_count_requests_and_failed_sign_ins(backend: Backend) {
    let server = TestServer::start(backend).await;
    let before = scrape(&server).await;
    assert_eq!(value(&before, "adam_role{role=\"primary\"}"), 1.0, "{before}");
    assert_eq!(value(&before, "adam_revision"), server.revision().await as f64);
    assert!(before.contains("# TYPE adam_http_request_duration_seconds histogram"));
    assert!(before.contains("# TYPE adam_audit_queue_depth gauge"));
    assert_eq!(value(&before, "adam_backup_last_success_timestamp_seconds"), 0.0);
    let ready = "adam_http_requests_total{route=\"/ready\",status=\"200\"}";
    let ready_count = "adam_http_request_duration_seconds_count{route=\"/ready\"}";
    let office = format!("/api/v1/offices/{}", server.fx.glpi.0);

    // Two requests to /ready, one to an office (counted by its template), one to nowhere.
    server.get(Who::Anonymous, "/ready").await.expect(200);
    server.get(Who::Anonymous, "/ready").await.expect(200);
    server.get(Who::Plain, &office).await.expect(200);
    server.get(Who::Plain, "/api/v1/nowhere").await.expect(404);
    // A failed sign-in.
    server.login("bojan", "not the password at all").await.expect(401);

    let after = scrape(&server).await;
    assert_eq!(value(&after, ready) - value(&before, ready), 2.0, "{after}");
    assert_eq!(value(&after, ready_count) - value(&before, ready_count), 2.0);
    assert_eq!(
        value(
            &after,
            "adam_http_requests_total{route=\"/api/v1/offices/{id}\",status=\"200\"}"
        ),
        1.0,
        "{after}"
    );
    assert!(!after.contains(&office), "the route's template, never the path");
    assert_eq!(
        value(&after, "adam_http_requests_total{route=\"unmatched\",status=\"404\"}"),
        1.0
    );
    assert_eq!(
        value(&after, "adam_signin_failures_total") - value(&before, "adam_signin_failures_total"),
        1.0,
        "{after}"
    );
    // The histogram's buckets are cumulative and end with +Inf at the count.
    assert_eq!(
        value(
            &after,
            "adam_http_request_duration_seconds_bucket{route=\"/ready\",le=\"+Inf\"}"
        ),
        value(&after, ready_count)
    );

    // /ready: the role and the revision.
    let r = server.get(Who::Anonymous, "/ready").await.expect(200);
    assert_eq!(r.json["role"], "primary");
    assert_eq!(r.json["revision"].as_u64(), Some(server.revision().await));
}
on_both_backends!(metrics_count_requests_and_failed_sign_ins);

async fn metrics_from_elsewhere_need_the_administrator_or_a_service(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Through a reverse proxy on this host, the request is not this host's own.
    let forwarded = [("x-forwarded-for", "203.0.113.9")];
    let call = |who| server.call_with(who, Method::GET, "/metrics", None, &forwarded);
    call(Who::Anonymous).await.problem(401, "unauthenticated");
    call(Who::Plain).await.problem(403, "metrics-denied");
    call(Who::UserAdminHere).await.problem(403, "metrics-denied");
    let admin = call(Who::SysAdmin).await.expect(200);
    assert!(admin.text.contains("adam_revision "));
    call(Who::Service).await.expect(200);
    for header in ["forwarded", "x-real-ip"] {
        server
            .call_with(
                Who::Anonymous,
                Method::GET,
                "/metrics",
                None,
                &[(header, "for=203.0.113.9")],
            )
            .await
            .problem(401, "unauthenticated");
    }
    // The readiness probe stays open.
    server
        .call_with(Who::Anonymous, Method::GET, "/ready", None, &forwarded)
        .await
        .expect(200);
}
on_both_backends!(metrics_from_elsewhere_need_the_administrator_or_a_service);
