//! Bad input gets the specific 4xx it deserves, as problem details, and writes nothing.

use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

async fn bad_input_is_refused_precisely(backend: Backend) {
    let s = TestServer::start(backend).await;
    let before = s.revision().await;
    let offices_before = s.get(Who::SysAdmin, "/api/v1/offices").await.expect(200).json;
    let admin = Who::SysAdmin;

    // Malformed JSON, unknown fields, wrong types, over-long strings.
    s.raw(
        admin,
        Method::POST,
        "/api/v1/offices",
        "application/json",
        b"{\"code\": \"X\", ".to_vec(),
    )
    .await
    .problem(400, "malformed-json");
    let r = s
        .post(
            admin,
            "/api/v1/offices",
            &json!({"code": "X", "name": "X", "colour": "red"}),
        )
        .await
        .problem(422, "invalid-body");
    assert!(
        r.json["detail"].as_str().unwrap().contains("unknown field `colour`"),
        "{}",
        r.text
    );
    let r = s
        .post(admin, "/api/v1/offices", &json!({"code": "X", "name": 5}))
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/name");
    let r = s
        .post(admin, "/api/v1/offices", &json!({"code": "X", "name": "x".repeat(501)}))
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/name");
    assert!(r.json["detail"].as_str().unwrap().contains("at most 500"), "{}", r.text);
    let r = s
        .post(admin, "/api/v1/offices", &json!({"code": "A B", "name": "x"}))
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/code");
    let r = s
        .post(
            admin,
            "/api/v1/users",
            &json!({"username": "nova", "first_name": "N", "last_name": "O", "email": "nova-at-test.si"}),
        )
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/email");
    // A level outside {0, 11, 12, 13, 14, 21, 22}.
    let path = format!("/api/v1/acl/classes/{}", s.fx.class.0);
    let r = s
        .post(
            admin,
            &path,
            &json!({"kind": "allowed", "entity": {"type": "company"}, "value": 15}),
        )
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/value");
    // Unknown ids.
    s.post(
        admin,
        "/api/v1/offices",
        &json!({"code": "X", "name": "X", "parent": 999}),
    )
    .await
    .problem(404, "unknown-office");
    s.get(admin, "/api/v1/jobs/999").await.problem(404, "unknown-job");
    s.post(
        admin,
        "/api/v1/grants",
        &json!({"role": 999, "grantee": {"type": "everyone"}}),
    )
    .await
    .problem(404, "unknown-role");
    // valid-to before valid-from.
    let r = s
        .post(admin, "/api/v1/grants", &json!({"role": s.fx.referent, "grantee": {"type": "user", "id": s.fx.bojan}, "valid_from": "2026-05-01", "valid_to": "2026-04-01"}))
        .await
        .problem(422, "empty-window");
    assert!(
        r.json["detail"].as_str().unwrap().contains("must be after"),
        "{}",
        r.text
    );
    let r = s
        .post(
            admin,
            "/api/v1/grants",
            &json!({"role": s.fx.referent, "grantee": {"type": "user", "id": s.fx.bojan}, "valid_from": "1.4.2026"}),
        )
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/valid_from");
    // A role cycle, refused by the engine with the path.
    let r = s
        .call_with(
            admin,
            Method::PATCH,
            &format!("/api/v1/roles/{}", s.fx.writer.0),
            Some(&json!({"description": "x"})),
            &[("if-match", "\"r1\"")],
        )
        .await;
    assert_eq!(r.status.as_u16(), 412, "{}", r.text);
    let etag = s
        .get(admin, &format!("/api/v1/roles/{}", s.fx.referent.0))
        .await
        .expect(200);
    let etag = etag.header("etag").unwrap().to_owned();
    let r = s
        .call_with(
            admin,
            Method::PATCH,
            &format!("/api/v1/roles/{}", s.fx.referent.0),
            Some(&json!({"members": [s.fx.glpi_role]})),
            &[("if-match", &etag)],
        )
        .await
        .problem(409, "role-cycle");
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap()
            .contains("VOPI/Referenti → GLPI → VOPI/Referenti"),
        "{}",
        r.text
    );
    // Optimistic concurrency: no If-Match, a stale one.
    let job = format!("/api/v1/jobs/{}", s.fx.job_glpi_free.0);
    s.call(admin, Method::PATCH, &job, Some(&json!({"name": "x"})))
        .await
        .problem(428, "if-match-required");
    s.call_with(
        admin,
        Method::PATCH,
        &job,
        Some(&json!({"name": "x"})),
        &[("if-match", "\"r1\"")],
    )
    .await
    .problem(412, "stale-revision");
    // Media type, size, query, path, route, method, credentials.
    s.raw(admin, Method::POST, "/api/v1/offices", "text/plain", b"{}".to_vec())
        .await
        .problem(415, "unsupported-media-type");
    let huge = format!("{{\"code\":\"X\",\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    s.oversized(
        admin,
        Method::POST,
        "/api/v1/offices",
        "application/json",
        huge.into_bytes(),
    )
    .await
    .problem(413, "body-too-large");
    s.get(admin, "/api/v1/users?limit=abc")
        .await
        .problem(422, "invalid-query");
    s.get(admin, "/api/v1/users?limit=5000").await.problem(422, "page-size");
    s.get(admin, "/api/v1/users?colour=red")
        .await
        .problem(422, "invalid-query");
    s.get(admin, "/api/v1/jobs/abc").await.problem(400, "invalid-path");
    // A text segment that is not UTF-8 once decoded, and a hold id that is not a number:
    // problem details, as every other refusal, not axum's plain text.
    s.get(admin, "/api/v1/processes/%FF%FE")
        .await
        .problem(400, "invalid-path");
    s.get(admin, "/api/v1/raci/matrices/%C3%28")
        .await
        .problem(400, "invalid-path");
    s.call(admin, Method::POST, "/api/v1/audit/holds/abc/release", None)
        .await
        .problem(400, "invalid-path");
    s.get(admin, "/api/v1/nothing-here").await.problem(404, "not-found");
    s.call(admin, Method::DELETE, "/api/v1/offices", None)
        .await
        .problem(405, "method-not-allowed");
    let r = s
        .client
        .get(format!("{}/api/v1/offices", s.url))
        .bearer_auth("adam_0000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers().get("www-authenticate").unwrap(), "Bearer realm=\"adam\"");
    let ahead = (before + 100).to_string();
    s.call_with(
        admin,
        Method::GET,
        "/api/v1/offices",
        None,
        &[("x-adam-min-revision", &ahead)],
    )
    .await
    .problem(409, "revision-not-reached");
    s.call_with(
        admin,
        Method::GET,
        "/api/v1/offices",
        None,
        &[("x-adam-min-revision", "soon")],
    )
    .await
    .problem(400, "invalid-header");
    // Lookups and checks with bad parameters (asked by an application: the system
    // administrator does not ask about others' access).
    let service = Who::Service;
    s.get(
        service,
        &format!("/api/v1/lookup?user={}&kind=document&level=15", s.fx.bojan.0),
    )
    .await
    .problem(422, "invalid-level");
    s.get(
        service,
        &format!("/api/v1/lookup?user={}&kind=document&level=0", s.fx.bojan.0),
    )
    .await
    .problem(422, "lookup-level-zero");
    s.get(
        service,
        &format!("/api/v1/lookup?user={}&kind=parcel&level=14", s.fx.bojan.0),
    )
    .await
    .problem(422, "invalid-query");
    s.post(
        service,
        "/api/v1/check",
        &json!({"user": 999, "object": {"type": "folder", "id": 0}}),
    )
    .await
    .problem(404, "unknown-user");
    let many: Vec<_> = (0..10_001)
        .map(|_| json!({"user": s.fx.bojan, "object": {"type": "folder", "id": 0}}))
        .collect();
    s.post(service, "/api/v1/check/batch", &json!({"checks": many}))
        .await
        .problem(422, "batch-too-large");

    // Nothing was written.
    assert_eq!(s.revision().await, before);
    assert_eq!(
        s.get(Who::SysAdmin, "/api/v1/offices").await.expect(200).json,
        offices_before
    );
}
on_both_backends!(bad_input_is_refused_precisely);
