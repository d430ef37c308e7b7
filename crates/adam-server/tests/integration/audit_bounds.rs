//! The instant an application reports an access at (`POST /api/v1/audit/events`, issue #14
//! item 9): a record must fall inside what the trail keeps — not in a day the retention purge
//! has reached (it answered 500: the day's key was destroyed) or will reach at once, and not
//! in the future (the 90-day purge, which counts from now, would never reach it: Art. 57(6)).
//! A few minutes ahead are accepted for clocks that differ.

use crate::on_both_backends;
use crate::support::*;
use adam_core::Timestamp;
use reqwest::Method;
use serde_json::json;

const DAY: i64 = 86_400;

async fn report_at(s: &TestServer, at: i64) -> Reply {
    s.post(
        Who::Service,
        "/api/v1/audit/events",
        &json!({"events": [
            {"user": s.fx.ana, "object": {"type": "document", "id": s.fx.d1}, "action": "document.open"},
            {"user": s.fx.ana, "object": {"type": "document", "id": s.fx.d1}, "action": "document.open",
             "at": Timestamp(at)}
        ]}),
    )
    .await
}

async fn reported_instants_are_bounded(backend: Backend) {
    let s = TestServer::start(backend).await;
    // The fixture's day is purged: 100 days pass, and the purge runs.
    s.advance(100 * DAY);
    let now = s.state.now().0;
    s.call(Who::SysAdmin, Method::POST, "/api/v1/audit/purge", None)
        .await
        .expect(200);
    let records = || {
        let store = s.state.store.clone();
        async move {
            tokio::task::spawn_blocking(move || store.audit_verify().unwrap().records)
                .await
                .unwrap()
        }
    };
    let before = records().await;

    // In a day already purged: a specific 422, not a 500, naming the event's field.
    let old = report_at(&s, NOW + 3600).await.problem(422, "reported-access-too-old");
    assert_eq!(old.json["pointer"], "/events/1/at", "{}", old.text);
    // The oldest day the purge has not reached is still refused if the next purge takes it…
    report_at(&s, now - 90 * DAY)
        .await
        .problem(422, "reported-access-too-old");
    // …and the day after it is accepted.
    report_at(&s, now - 89 * DAY).await.expect(201);

    // 400 days ahead: never purged, refused.
    let future = report_at(&s, now + 400 * DAY)
        .await
        .problem(422, "reported-access-in-future");
    assert_eq!(future.json["pointer"], "/events/1/at", "{}", future.text);
    report_at(&s, now + 3600)
        .await
        .problem(422, "reported-access-in-future");
    // A clock a minute ahead of the server's is accepted.
    report_at(&s, now + 60).await.expect(201);

    // Refused batches wrote nothing; each accepted one wrote both records.
    assert_eq!(records().await, before + 4);
    let v = s
        .call(Who::SysAdmin, Method::GET, "/api/v1/audit/verify", None)
        .await
        .expect(200);
    assert_eq!(v.json["problems"], json!([]), "{}", v.text);
}
on_both_backends!(reported_instants_are_bounded);
