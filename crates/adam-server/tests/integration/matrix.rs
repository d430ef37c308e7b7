//! The route × caller matrix: for every operation of the API and each of the six kinds of
//! caller — the system administrator, the user administrator of the office concerned, a user
//! administrator of another office, a plain user, a service account and an anonymous client —
//! whether the request is allowed or refused. Requests that change something run on a fresh
//! server each, so no cell depends on another.
//!
//! The file stays whole: its rows (the API's, the inventory's, continuity's, integrity's) are
//! one route × caller table, held against the API's own list of operations, and the runner that
//! fills each row in (`concrete`) and judges it (`judge`) reads them all. The probes of a scoped
//! administrator are in `matrix_scoped.rs`.

use crate::matrix_scoped::{Probe, run_probes};
use crate::support::*;
use adam_server::api::api;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// One row: an operation, a concrete request, and the expected outcome for the five
/// authenticated callers in the order SysAdmin, UserAdminHere, UserAdminOther, Plain, Service
/// (`Y` allowed, `N` refused with 403). Anonymous callers get 401 unless the route is public.
pub struct Row {
    pub method: Method,
    pub template: &'static str,
    pub path: String,
    pub body: Option<Value>,
    pub expect: &'static str,
    pub mutates: bool,
    pub public: bool,
}

pub fn rows(fx: &Fixture) -> Vec<Row> {
    let r = |method: Method, template: &'static str, path: String, body: Option<Value>, expect: &'static str| {
        let mutates =
            method != Method::GET && !matches!(template, "/api/v1/check" | "/api/v1/check/batch" | "/api/v1/explain");
        Row {
            method,
            template,
            path,
            body,
            expect,
            mutates,
            public: false,
        }
    };
    let public = |template: &'static str| Row {
        method: Method::GET,
        template,
        path: template.to_owned(),
        body: None,
        expect: "YYYYY",
        mutates: false,
        public: true,
    };
    let public_post = |template: &'static str, body: Value| Row {
        method: Method::POST,
        template,
        path: template.to_owned(),
        body: Some(body),
        expect: "YYYYY",
        mutates: true,
        public: true,
    };
    let (g, p, d) = (Method::GET, Method::POST, Method::DELETE);
    let f1 = fx.f1.0;
    let d1 = fx.d1.0;
    let question = json!({"user": fx.bojan, "object": {"type": "folder", "id": f1}});
    let mut out = vec![
        public("/api/health"),
        public("/api/openapi.json"),
        // Monitoring (issue #18): over loopback without a forwarding header /metrics is this
        // host's own scrape, open to every caller (from elsewhere: tests/integration/metrics.rs).
        public("/metrics"),
        public("/ready"),
        // Directory: everyone browses; user administrators edit within their offices.
        r(g.clone(), "/api/v1/offices", "/api/v1/offices".into(), None, "YYYYY"),
        r(
            p.clone(),
            "/api/v1/offices",
            "/api/v1/offices".into(),
            Some(json!({"code": "NEW", "name": "Novi urad", "parent": fx.glpi})),
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/offices/{id}",
            format!("/api/v1/offices/{}", fx.glpi.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PATCH,
            "/api/v1/offices/{id}",
            format!("/api/v1/offices/{}", fx.glpi.0),
            Some(json!({"name": "Glavna pisarna"})),
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/offices/{id}/invalidate",
            format!("/api/v1/offices/{}/invalidate", fx.glpi.0),
            None,
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/offices/{id}/validate",
            format!("/api/v1/offices/{}/validate", fx.glpi.0),
            None,
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/jobs",
            format!("/api/v1/jobs?office={}", fx.glpi.0),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/jobs",
            "/api/v1/jobs".into(),
            Some(json!({"code": "JOB.GLPI.09", "name": "Referent", "office": fx.glpi})),
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{}", fx.job_glpi.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PATCH,
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{}", fx.job_glpi_free.0),
            Some(json!({"name": "Vložišče", "signing_code": "1009"})),
            "YYNNN",
        ),
        r(
            d.clone(),
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{}", fx.job_glpi_free.0),
            None,
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/jobs/{id}/validate",
            format!("/api/v1/jobs/{}/validate", fx.job_glpi_free.0),
            None,
            "YYNNN",
        ),
        r(g.clone(), "/api/v1/users", "/api/v1/users?q=ana".into(), None, "YYYYY"),
        r(
            p.clone(),
            "/api/v1/users",
            "/api/v1/users".into(),
            Some(
                json!({"username": "nova", "first_name": "Nova", "last_name": "Oseba", "email": "nova@test.si", "jobs": [fx.job_glpi_free]}),
            ),
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/users/{id}",
            format!("/api/v1/users/{}", fx.gregor.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PATCH,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{}", fx.gregor.0),
            Some(json!({"phone": "05 611 7000"})),
            "YYNNN",
        ),
        r(
            d.clone(),
            "/api/v1/users/{id}",
            format!("/api/v1/users/{}", fx.gregor.0),
            None,
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/users/{id}/activate",
            format!("/api/v1/users/{}/activate", fx.gregor.0),
            None,
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/users/{id}/jobs",
            format!("/api/v1/users/{}/jobs", fx.gregor.0),
            Some(json!({"job": fx.job_glpi_free})),
            "YYNNN",
        ),
        r(
            d.clone(),
            "/api/v1/users/{id}/jobs/{job}",
            format!("/api/v1/users/{}/jobs/{}", fx.gregor.0, fx.job_glpi.0),
            None,
            "YYNNN",
        ),
        r(g.clone(), "/api/v1/groups", "/api/v1/groups".into(), None, "YYYYY"),
        r(
            p.clone(),
            "/api/v1/groups",
            "/api/v1/groups".into(),
            Some(json!({"code": "G2", "name": "Komisija 2"})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/groups/{id}",
            format!("/api/v1/groups/{}", fx.group.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PUT,
            "/api/v1/groups/{id}",
            format!("/api/v1/groups/{}", fx.group.0),
            Some(json!({"name": "Komisija", "users": [fx.bojan], "jobs": []})),
            "YNNNN",
        ),
        // Roles: only the system administrator defines them; user administrators grant them.
        r(
            g.clone(),
            "/api/v1/applications",
            "/api/v1/applications".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/applications",
            "/api/v1/applications".into(),
            Some(json!({"code": "GIS", "name": "GIS"})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/applications/{id}",
            format!("/api/v1/applications/{}", fx.vopi.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PATCH,
            "/api/v1/applications/{id}",
            format!("/api/v1/applications/{}", fx.vopi.0),
            Some(json!({"name": "VOPI – dokumentni sistem"})),
            "YNNNN",
        ),
        r(g.clone(), "/api/v1/roles", "/api/v1/roles".into(), None, "YYYYY"),
        r(
            p.clone(),
            "/api/v1/roles",
            "/api/v1/roles".into(),
            Some(json!({"code": "VOPI.read", "kind": "application", "app": fx.vopi, "description": "Branje"})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/roles/{id}",
            format!("/api/v1/roles/{}", fx.user_admin.0),
            None,
            "YNNNN",
        ),
        r(
            Method::PATCH,
            "/api/v1/roles/{id}",
            format!("/api/v1/roles/{}", fx.referent.0),
            Some(json!({"members": [fx.writer, fx.clearance_b]})),
            "YNNNN",
        ),
        r(g.clone(), "/api/v1/grants", "/api/v1/grants".into(), None, "YYYNY"),
        r(
            p.clone(),
            "/api/v1/grants",
            "/api/v1/grants".into(),
            Some(
                json!({"role": fx.referent, "grantee": {"type": "job", "id": fx.job_glpi_free}, "valid_from": "2026-04-01"}),
            ),
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{}", fx.grant_gregor.0),
            None,
            "YYYNY",
        ),
        r(
            Method::PATCH,
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{}", fx.grant_gregor.0),
            Some(json!({"valid_to": "2026-12-31"})),
            "YYNNN",
        ),
        r(
            d.clone(),
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{}", fx.grant_gregor.0),
            None,
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/users/{id}/roles",
            format!("/api/v1/users/{}/roles", fx.bojan.0),
            None,
            "YYYNY",
        ),
        // Filing plan and records.
        r(g.clone(), "/api/v1/classes", "/api/v1/classes".into(), None, "YYYYY"),
        r(
            p.clone(),
            "/api/v1/classes",
            "/api/v1/classes".into(),
            Some(json!({"code": "350", "name": "Urejanje prostora"})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/classes/{id}",
            format!("/api/v1/classes/{}", fx.class.0),
            None,
            "YYYYY",
        ),
        r(
            Method::PATCH,
            "/api/v1/classes/{id}",
            format!("/api/v1/classes/{}", fx.class.0),
            Some(json!({"name": "Splošne zadeve"})),
            "YNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/folders",
            "/api/v1/folders".into(),
            Some(json!({"app": fx.vopi, "class": fx.class, "title": "Nova zadeva"})),
            "NYYYN",
        ),
        r(
            g.clone(),
            "/api/v1/folders/{id}",
            format!("/api/v1/folders/{f1}"),
            None,
            "NYYYY",
        ),
        r(
            g.clone(),
            "/api/v1/folders/{id}/documents",
            format!("/api/v1/folders/{f1}/documents"),
            None,
            "NYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/documents",
            format!("/api/v1/folders/{f1}/documents"),
            Some(json!({"title": "Priloga"})),
            "NYNYN",
        ),
        r(
            g.clone(),
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{d1}"),
            None,
            "NYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/notify",
            format!("/api/v1/folders/{f1}/notify"),
            Some(json!({"jobs": [fx.job_tok]})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/hand-over",
            format!("/api/v1/folders/{f1}/hand-over"),
            Some(json!({"to": fx.job_un_2})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/accept",
            format!("/api/v1/folders/{}/accept", fx.f2.0),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/reject",
            format!("/api/v1/folders/{}/reject", fx.f2.0),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/close",
            format!("/api/v1/folders/{f1}/close"),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/reopen",
            format!("/api/v1/folders/{}/reopen", fx.f3.0),
            None,
            "NYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/folders/{id}/reclassify",
            format!("/api/v1/folders/{f1}/reclassify"),
            Some(json!({"classification": {"z": 1}, "reason": "osebni podatki"})),
            "NYNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/notify",
            format!("/api/v1/documents/{d1}/notify"),
            Some(json!({"jobs": [fx.job_tok]})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/hand-over",
            format!("/api/v1/documents/{d1}/hand-over"),
            Some(json!({"to": fx.job_un_2})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/accept",
            format!("/api/v1/documents/{}/accept", fx.d2.0),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/reject",
            format!("/api/v1/documents/{}/reject", fx.d2.0),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/close",
            format!("/api/v1/documents/{d1}/close"),
            None,
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/reopen",
            format!("/api/v1/documents/{}/reopen", fx.d3.0),
            None,
            "NYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/documents/{id}/reclassify",
            format!("/api/v1/documents/{d1}/reclassify"),
            Some(json!({"classification": {"z": 1}, "reason": "osebni podatki"})),
            "NYNYN",
        ),
        r(
            g.clone(),
            "/api/v1/acl/{kind}/{id}",
            format!("/api/v1/acl/folders/{f1}"),
            None,
            "NYYYY",
        ),
        r(
            g.clone(),
            "/api/v1/acl/{kind}/{id}",
            format!("/api/v1/acl/classes/{}", fx.class.0),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/acl/{kind}/{id}",
            format!("/api/v1/acl/folders/{f1}"),
            Some(json!({"kind": "allowed", "entity": {"type": "job", "id": fx.job_tok}, "value": 14})),
            "NYNYN",
        ),
        r(
            p.clone(),
            "/api/v1/acl/{kind}/{id}",
            format!("/api/v1/acl/classes/{}", fx.class.0),
            Some(json!({"kind": "allowed", "entity": {"type": "company"}, "value": 13})),
            "YNNNN",
        ),
        r(
            d.clone(),
            "/api/v1/acl-entries/{id}",
            format!("/api/v1/acl-entries/{}", fx.entry.0),
            None,
            "NYNYN",
        ),
        // Questions to the engine: about oneself, or with the check scope as an administrator.
        r(
            p.clone(),
            "/api/v1/check",
            "/api/v1/check".into(),
            Some(question.clone()),
            "NNYNY",
        ),
        r(
            p.clone(),
            "/api/v1/check/batch",
            "/api/v1/check/batch".into(),
            Some(json!({"checks": [question.clone()]})),
            "NNYNY",
        ),
        r(
            g.clone(),
            "/api/v1/lookup",
            format!("/api/v1/lookup?user={}&kind=document&level=14", fx.bojan.0),
            None,
            "NNYNY",
        ),
        r(
            g.clone(),
            "/api/v1/who",
            format!("/api/v1/who?kind=folder&id={f1}&level=14"),
            None,
            "NYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/explain",
            "/api/v1/explain".into(),
            Some(question.clone()),
            "NNYNY",
        ),
        r(
            g.clone(),
            "/api/v1/check-role",
            format!("/api/v1/check-role?user={}&role={}", fx.bojan.0, fx.writer.0),
            None,
            "YNYNY",
        ),
        // System.
        r(g.clone(), "/api/v1/settings", "/api/v1/settings".into(), None, "YYYYY"),
        r(
            Method::PUT,
            "/api/v1/settings",
            "/api/v1/settings".into(),
            None,
            "YNNNN",
        ),
        r(g.clone(), "/api/v1/changes", "/api/v1/changes".into(), None, "NNNNY"),
        // Replication (issue #18): read and operated by the system administrator and service
        // accounts. On the fixture's primary a promotion and a drill are refused as conflicts
        // (allowed callers, wrong moment); an isolation fences the fresh server it runs on.
        r(
            g.clone(),
            "/api/v1/replication",
            "/api/v1/replication".into(),
            None,
            "YNNNY",
        ),
        r(
            p.clone(),
            "/api/v1/replication/promote",
            "/api/v1/replication/promote".into(),
            None,
            "YNNNY",
        ),
        r(
            p.clone(),
            "/api/v1/replication/isolate",
            "/api/v1/replication/isolate".into(),
            None,
            "YNNNY",
        ),
        r(
            p.clone(),
            "/api/v1/replication/drill",
            "/api/v1/replication/drill".into(),
            Some(json!({"loss_at_ms": 0, "primary_revision": 0, "primary_head_at": 0, "how": "isolated"})),
            "YNNNY",
        ),
        r(
            p.clone(),
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            // For a service account; a token for a person is refused to everyone (issue 12,
            // `the_system_administrator_reaches_no_record_through_any_route`).
            Some(json!({"user": fx.svc, "name": "x", "scopes": ["read"]})),
            "YNNNN",
        ),
        r(g.clone(), "/api/v1/tokens", "/api/v1/tokens".into(), None, "YYYYY"),
        r(
            d.clone(),
            "/api/v1/tokens/{id}",
            "/api/v1/tokens/{plain}".into(),
            None,
            "YNNYN",
        ),
        // A token reported lost (Art. 33): its owner or the system administrator.
        r(
            p.clone(),
            "/api/v1/tokens/{id}/lost",
            "/api/v1/tokens/{plain}/lost".into(),
            None,
            "YNNYN",
        ),
        // The audit trail: reviewers search it; user administrators within their offices;
        // everyone sees their own activity and the history of what they may see; only
        // applications report accesses; holds are a security lead's (none of these five).
        r(
            g.clone(),
            "/api/v1/audit",
            format!("/api/v1/audit?actor={}", fx.gregor.0),
            None,
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/audit/mine",
            "/api/v1/audit/mine".into(),
            None,
            "YYYYY",
        ),
        r(
            g.clone(),
            "/api/v1/history",
            format!("/api/v1/history?kind=ADAM_ENTITY_JOB&id={}", fx.job_glpi.0),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/audit/events",
            "/api/v1/audit/events".into(),
            Some(
                json!({"events": [{"user": fx.bojan, "object": {"type": "document", "id": d1}, "action": "document.open"}]}),
            ),
            "NNNNY",
        ),
        r(
            g.clone(),
            "/api/v1/audit/verify",
            "/api/v1/audit/verify".into(),
            None,
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/audit/holds",
            "/api/v1/audit/holds".into(),
            None,
            "YNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/audit/holds",
            "/api/v1/audit/holds".into(),
            Some(
                json!({"from": "2026-03-01", "until": "2026-03-02", "justification": "Incident 17", "risk_assessment": 0}),
            ),
            "NNNNN",
        ),
        // Confirming a hold is the head of the body's (none of these five holds the appointment).
        r(
            p.clone(),
            "/api/v1/audit/holds/{id}/confirm",
            "/api/v1/audit/holds/1/confirm".into(),
            None,
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/audit/holds/{id}/release",
            "/api/v1/audit/holds/1/release".into(),
            None,
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/audit/purge",
            "/api/v1/audit/purge".into(),
            None,
            "YNNNN",
        ),
        // Authentication: signing in, the reset and the second step are public; everyone
        // manages their own sessions, password and factor; logout is for sessions only (a
        // token is revoked instead); user administrators set temporary passwords and unlock
        // within their offices.
        public_post("/api/v1/auth/login", json!({"username": "ana", "password": STRONG})),
        public_post("/api/v1/auth/login/totp", json!({})),
        public_post("/api/v1/auth/forgot", json!({"email": "ana@test.si"})),
        public_post("/api/v1/auth/reset", json!({})),
        r(
            p.clone(),
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            Some(json!({})),
            "NNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/auth/sessions",
            "/api/v1/auth/sessions".into(),
            None,
            "YYYYY",
        ),
        r(
            d.clone(),
            "/api/v1/auth/sessions/{id}",
            "/api/v1/auth/sessions/{session}".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/auth/password",
            "/api/v1/auth/password".into(),
            Some(json!({"current": STRONG, "new": STRONG_2})),
            "YYYYY",
        ),
        // A second factor is enrolled, confirmed and reported lost in a session, never with a
        // token (issue 12: a token could disable its owner's factor).
        r(
            p.clone(),
            "/api/v1/auth/totp",
            "/api/v1/auth/totp".into(),
            Some(json!({})),
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/auth/totp/confirm",
            "/api/v1/auth/totp/confirm".into(),
            Some(json!({"code": "000000"})),
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/auth/totp/lost",
            "/api/v1/auth/totp/lost".into(),
            Some(json!({})),
            "NNNNN",
        ),
        // Step-up is for a session; every token is refused (a token is one factor).
        r(
            p.clone(),
            "/api/v1/auth/step-up",
            "/api/v1/auth/step-up".into(),
            Some(json!({"code": "000000"})),
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/users/{id}/password",
            format!("/api/v1/users/{}/password", fx.gregor.0),
            Some(json!({"password": STRONG})),
            // The operator's administrator never sets a person's password (issue 12).
            "NYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/users/{id}/unlock",
            format!("/api/v1/users/{}/unlock", fx.gregor.0),
            Some(json!({})),
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/users/{id}/totp/reset",
            format!("/api/v1/users/{}/totp/reset", fx.gregor.0),
            Some(json!({"reason": "telefon izgubljen"})),
            // A factor is a credential: the operator's administrator never removes a person's.
            "NYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/register/users/{id}",
            format!("/api/v1/register/users/{}", fx.gregor.0),
            None,
            "YYNNN",
        ),
        r(
            g.clone(),
            "/api/v1/register/who",
            format!("/api/v1/register/who?type=folder&id={f1}&level=14&at=2026-03-03"),
            None,
            // Security leads only (none among these callers; tested in audit.rs).
            "NNNNN",
        ),
    ];
    out.extend(inventory_rows(fx));
    out.extend(integrity_rows());
    out.extend(continuity_rows(fx));
    // The dormant-accounts report (Art. 50(2)): the system administrator and user
    // administrators (each for the accounts they administer); not a plain user nor a service
    // token (the security lead: `dormant_accounts.rs`).
    out.push(r(
        Method::GET,
        "/api/v1/reports/dormant-accounts",
        "/api/v1/reports/dormant-accounts?days=30".into(),
        None,
        "YYYNN",
    ));
    out
}

/// The inventory's routes (issue 15) on the small inventory of `inventory_fixture.rs` (built
/// by `concrete`): the system administrator keeps it but never classifies; user
/// administrators read it; a plain clerk and a service account do neither. The callers the
/// inventory itself tells apart (the lead, custodians) are in `inventory_matrix.rs`.
fn inventory_rows(fx: &Fixture) -> Vec<Row> {
    use crate::inventory_fixture::{APPOINTMENT, LINK, OTHER_ASSET, SYSTEM};
    let r = |method: Method, template: &'static str, path: String, body: Option<Value>, expect: &'static str| Row {
        mutates: method != Method::GET,
        method,
        template,
        path,
        body,
        expect,
        public: false,
    };
    let (g, p) = (Method::GET, Method::POST);
    let item = format!("/api/v1/inventory/{SYSTEM}");
    let (read, keep) = ("YYYNN", "YNNNN");
    let decision = json!({"grant": fx.grant_gregor, "outcome": "confirmed"});
    let risk = json!({"date": "2026-02-11", "scope": "Občina", "findings": "F", "treatment": "T"});
    vec![
        // Access reviews (Art. 51(4)): the list is filtered for each caller; a campaign is its
        // reviewer's (the custodian, not among these callers) and the keepers'; a follow-up is
        // for the custodians concerned, the keepers and the person's user administrators.
        r(
            g.clone(),
            "/api/v1/access-reviews",
            "/api/v1/access-reviews".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/access-reviews",
            "/api/v1/access-reviews".into(),
            Some(json!({"system": "REVIEW-SYS", "due": "2026-04-30"})),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/access-reviews/{id}",
            "/api/v1/access-reviews/0".into(),
            None,
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/access-reviews/{id}/report.csv",
            "/api/v1/access-reviews/0/report.csv".into(),
            None,
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/access-reviews/{id}/decisions",
            "/api/v1/access-reviews/0/decisions".into(),
            Some(decision.clone()),
            "NNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/rights-follow-ups",
            "/api/v1/rights-follow-ups".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/rights-follow-ups/{id}/decisions",
            "/api/v1/rights-follow-ups/0/decisions".into(),
            Some(decision),
            // Gregor left his only job, so no user administrator's scope reaches him any more:
            // the keepers (and the custodians concerned) decide.
            "YNNNN",
        ),
        // The process engine (issue #16): everyone sees the processes and reports events; the
        // keepers import definitions; case 0 (`process_api::ensure_case`) is read by the
        // keepers and its starter (the plain clerk), who alone performs its step.
        r(
            g.clone(),
            "/api/v1/processes",
            "/api/v1/processes".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/processes",
            "/api/v1/processes".into(),
            Some({
                let mut d = serde_json::to_value(adam_core::process::shipped("change-request").unwrap()).unwrap();
                d["version"] = json!(50);
                d
            }),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/processes/{key}",
            "/api/v1/processes/security-event".into(),
            None,
            "YYYYY",
        ),
        r(
            g.clone(),
            "/api/v1/processes/{key}/diagram.svg",
            "/api/v1/processes/security-event/diagram.svg".into(),
            None,
            "YYYYY",
        ),
        // Responsibility matrices (issue #17): the OPSI matrix (`raci_api::ensure`) binds the
        // customer to the plain clerk's job and the provider to GLPI (whose head is the user
        // administrator here). Readers: the inventory's and the people of a bound job.
        r(
            g.clone(),
            "/api/v1/raci/templates",
            "/api/v1/raci/templates".into(),
            None,
            "YYYYY",
        ),
        r(
            g.clone(),
            "/api/v1/raci/matrices",
            "/api/v1/raci/matrices".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/raci/matrices",
            "/api/v1/raci/matrices".into(),
            Some(json!({"solution": "E2", "template": {"code": "dk-sit-2a", "version": 1}})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/raci/matrices/{solution}",
            "/api/v1/raci/matrices/OPSI".into(),
            None,
            "YYYYN",
        ),
        r(
            p.clone(),
            "/api/v1/raci/matrices/{solution}/parties",
            "/api/v1/raci/matrices/OPSI/parties".into(),
            Some(json!({"key": "supplier", "name": "Dobavitelj", "bound": {"type": "job", "id": fx.job_tok}})),
            "YNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/raci/matrices/{solution}/overrides",
            "/api/v1/raci/matrices/OPSI/overrides".into(),
            Some(json!({"task": 10, "layer": "applications", "party": "customer", "letters": "AR", "reason": "x"})),
            // The customer (the plain clerk) is accountable there; GLPI's head is not.
            "YNNYN",
        ),
        r(
            g.clone(),
            "/api/v1/raci/matrices/{solution}/who",
            "/api/v1/raci/matrices/OPSI/who?task=11&layer=middleware".into(),
            None,
            "YYYYN",
        ),
        r(
            g.clone(),
            "/api/v1/raci/matrices/{solution}/report",
            "/api/v1/raci/matrices/OPSI/report?month=2026-02".into(),
            None,
            "YYYYN",
        ),
        r(
            g.clone(),
            "/api/v1/raci/matrices/{solution}/history",
            "/api/v1/raci/matrices/OPSI/history".into(),
            None,
            "YYYYN",
        ),
        r(g.clone(), "/api/v1/work", "/api/v1/work".into(), None, "YYYYY"),
        // The registers of cases: every reader gets the register, of the cases they read
        // (which rows: `case_registers.rs`).
        r(
            g.clone(),
            "/api/v1/reports/cases",
            "/api/v1/reports/cases?kind=events&from=2026-01-01".into(),
            None,
            "YYYYY",
        ),
        r(
            p.clone(),
            "/api/v1/cases",
            "/api/v1/cases".into(),
            Some(json!({"process": "security-event", "title": "USB", "fields": {"what": "Ključ."}})),
            "YYYYY",
        ),
        // A body's notification registered in the ministry's register of incidents: by the
        // installation's security lead or coordinator only (the definition's starters; none of
        // these five).
        r(
            p.clone(),
            "/api/v1/notifications",
            "/api/v1/notifications".into(),
            Some(
                json!({"format": "adam.security-event-notification/1", "body": "Občina", "identification": "security-event/0",
                        "description": {"what": "Izpad."}}),
            ),
            "NNNNN",
        ),
        r(g.clone(), "/api/v1/cases/{id}", "/api/v1/cases/0".into(), None, "YNNYN"),
        r(
            Method::PATCH,
            "/api/v1/cases/{id}",
            "/api/v1/cases/0".into(),
            Some(json!({"fields": {"note": "x"}})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/cases/{id}/decisions",
            "/api/v1/cases/0/decisions".into(),
            Some(json!({"step": "do", "outcome": "done"})),
            "NNNYN",
        ),
        r(
            p.clone(),
            "/api/v1/cases/{id}/consents",
            "/api/v1/cases/0/consents".into(),
            Some(json!({"role": "doer"})),
            "YNNYN",
        ),
        r(
            g.clone(),
            "/api/v1/cases/{id}/diagram.svg",
            "/api/v1/cases/0/diagram.svg".into(),
            None,
            "YNNYN",
        ),
        r(
            g.clone(),
            "/api/v1/cases/{id}/notification",
            "/api/v1/cases/0/notification".into(),
            None,
            "YNNYN",
        ),
        // Risk assessments (Art. 9): read like the inventory, kept by its keepers.
        r(
            g.clone(),
            "/api/v1/risk-assessments",
            "/api/v1/risk-assessments".into(),
            None,
            read,
        ),
        r(
            p.clone(),
            "/api/v1/risk-assessments",
            "/api/v1/risk-assessments".into(),
            Some(risk.clone()),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/risk-assessments/{id}",
            "/api/v1/risk-assessments/0".into(),
            None,
            read,
        ),
        r(
            Method::PUT,
            "/api/v1/risk-assessments/{id}",
            "/api/v1/risk-assessments/0".into(),
            Some(risk),
            keep,
        ),
        // A file added to a register record, by whoever keeps that record. The reference names
        // no stored file: an allowed caller is told so (422), the others are refused (403)
        // before the file is looked at (the successful additions: `register_matrix.rs`).
        r(
            p.clone(),
            "/api/v1/risk-assessments/{id}/attachments",
            "/api/v1/risk-assessments/0/attachments".into(),
            Some(unstored_file()),
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/access-reviews/{id}/attachments",
            "/api/v1/access-reviews/0/attachments".into(),
            Some(unstored_file()),
            keep,
        ),
        // The registry of information solutions (hosting, issue #17): read like the inventory,
        // kept by its keepers; the solution's coordinator (the GLPI administrator) keeps it too.
        r(g.clone(), "/api/v1/solutions", "/api/v1/solutions".into(), None, read),
        r(
            p.clone(),
            "/api/v1/solutions",
            "/api/v1/solutions".into(),
            Some(
                json!({"codename": "E2", "name": "E2", "customer_body": "MJU", "entry_route": "order", "system": null}),
            ),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/solutions/board",
            "/api/v1/solutions/board".into(),
            None,
            read,
        ),
        r(
            g.clone(),
            "/api/v1/solutions/{id}",
            "/api/v1/solutions/0".into(),
            None,
            read,
        ),
        r(
            Method::PUT,
            "/api/v1/solutions/{id}",
            "/api/v1/solutions/0".into(),
            Some(json!({"system": null})),
            "YYNNN",
        ),
        r(
            p.clone(),
            "/api/v1/solutions/{id}/versions",
            "/api/v1/solutions/0/versions".into(),
            Some(json!({"version": "1.0"})),
            "YYNNN",
        ),
        r(g.clone(), "/api/v1/inventory", "/api/v1/inventory".into(), None, read),
        r(
            p.clone(),
            "/api/v1/inventory",
            "/api/v1/inventory".into(),
            Some(json!({"kind": "system", "code": "NOV-SYS", "name": "Nov sistem", "custodian": fx.gregor})),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/inventory.csv",
            "/api/v1/inventory.csv".into(),
            None,
            read,
        ),
        r(g.clone(), "/api/v1/inventory/{id}", item.clone(), None, read),
        r(
            Method::PATCH,
            "/api/v1/inventory/{id}",
            item.clone(),
            Some(json!({"label": "INTERNO"})),
            keep,
        ),
        r(
            Method::PUT,
            "/api/v1/inventory/{id}",
            item.clone(),
            Some(json!({"code": "VOPI-SYS", "name": "Sistem VOPI", "custodian": fx.gregor})),
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/inventory/{id}/classification",
            format!("{item}/classification"),
            Some(json!({"z": 2, "c": 1, "r": 1})),
            // Only the custodian (Art. 7): none of these callers.
            "NNNNN",
        ),
        r(
            p.clone(),
            "/api/v1/inventory/{id}/retire",
            format!("{item}/retire"),
            None,
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/inventory/{id}/links",
            format!("{item}/links"),
            Some(json!({"asset": OTHER_ASSET, "relation": "stores"})),
            keep,
        ),
        r(
            Method::DELETE,
            "/api/v1/inventory/links/{id}",
            format!("/api/v1/inventory/links/{LINK}"),
            None,
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/inventory/{id}/history",
            format!("{item}/history"),
            None,
            read,
        ),
        r(
            g.clone(),
            "/api/v1/decree-roles",
            "/api/v1/decree-roles".into(),
            None,
            read,
        ),
        r(
            p.clone(),
            "/api/v1/decree-roles",
            "/api/v1/decree-roles".into(),
            Some(json!({"role": "head", "user": fx.glpi_admin, "since": "2026-03-01"})),
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/decree-roles/{id}/end",
            format!("/api/v1/decree-roles/{APPOINTMENT}/end"),
            Some(json!({"until": "2026-03-02"})),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/decree-roles/holders",
            "/api/v1/decree-roles/holders".into(),
            None,
            read,
        ),
        r(
            g.clone(),
            "/api/v1/class-scheme",
            "/api/v1/class-scheme".into(),
            None,
            "YYYYY",
        ),
        // Attachments: uploaded by whoever reads the inventory (the records that carry files
        // today); a file on an inventory item is read by the inventory's readers.
        r(
            p.clone(),
            "/api/v1/attachments",
            "/api/v1/attachments?name=matrix.txt".into(),
            Some(json!({"a": "file"})),
            read,
        ),
        r(
            g.clone(),
            "/api/v1/attachments/{sha256}",
            "/api/v1/attachments/{sha256}".into(),
            None,
            read,
        ),
        r(
            Method::PUT,
            "/api/v1/class-scheme",
            "/api/v1/class-scheme".into(),
            Some(json!({"regulation": "Uredba o informacijski varnosti", "entries": []})),
            keep,
        ),
    ]
}

/// The account each kind of caller acts as.
fn account(fx: &Fixture, who: Who) -> adam_core::UserId {
    match who {
        Who::SysAdmin => fx.admin,
        Who::UserAdminHere => fx.glpi_admin,
        Who::UserAdminOther => fx.un_admin,
        Who::Plain | Who::Anonymous => fx.ana,
        Who::Service => fx.svc,
    }
}

/// Fills in what a row needs from the server it runs on: the current settings for PUT, the
/// id of the plain user's token, a session, password, login challenge or reset code of the
/// caller's account.
async fn concrete(server: &TestServer, who: Who, row: &Row) -> (String, Option<Value>) {
    let mut path = row.path.clone();
    let mut body = row.body.clone();
    let store = server.state.store.clone();
    let now = server.state.now();
    let t = row.template;
    if t.starts_with("/api/v1/inventory") || t.starts_with("/api/v1/decree-roles") {
        crate::inventory_fixture::ensure(server).await;
    }
    if t.starts_with("/api/v1/access-reviews")
        || t.starts_with("/api/v1/rights-follow-ups")
        || t.starts_with("/api/v1/risk-assessments")
    {
        crate::inventory_fixture::ensure(server).await;
        crate::access_reviews::ensure_review_records(server).await;
        if t == "/api/v1/access-reviews" && row.method == Method::POST {
            let id = server.state.world().item_by_code("REVIEW-SYS").unwrap();
            body = Some(json!({"system": id, "due": "2026-04-30"}));
        }
    }
    if t.starts_with("/api/v1/solutions") {
        crate::hosting_api::ensure_solution(server, server.fx.admin).await;
        let system = server.state.world().item_by_code("OPSI-SYS").unwrap();
        if t == "/api/v1/solutions/{id}" && row.method == Method::PUT {
            let mut b = crate::hosting_api::solution(server, system.0);
            b["name"] = json!("Portal odprtih podatkov Slovenije");
            body = Some(b);
        } else if let Some(b) = body.as_mut()
            && b.get("system").is_some()
        {
            b["system"] = json!(system);
        }
    }
    match row.template {
        "/api/v1/auth/login" => server.set_password(server.fx.ana, STRONG).await,
        "/api/v1/auth/password" => server.set_password(account(&server.fx, who), STRONG).await,
        "/api/v1/auth/login/totp" => {
            let secret = server.enrol_totp(server.fx.gregor).await;
            server.set_password(server.fx.gregor, STRONG).await;
            let challenge = server.login("gregor", STRONG).await.expect(200).json["challenge"].clone();
            let code = format!("{:06}", secret.code_at(adam_auth::totp::TotpStep::at(now)));
            body = Some(json!({"challenge": challenge, "code": code}));
        }
        "/api/v1/auth/reset" => {
            let (secret, record) =
                adam_auth::token::TokenRecord::issue(adam_auth::token::TokenKind::Reset, now, Some(1800)).unwrap();
            let reset = adam_store::PasswordReset {
                id: 0,
                hash: record.hash.as_bytes().iter().map(|b| format!("{b:02x}")).collect(),
                email: "ana@test.si".to_owned(),
                users: vec![server.fx.ana],
                created: now,
                expires: now.plus_seconds(1800),
                used_at: None,
                source_ip: None,
            };
            tokio::task::spawn_blocking(move || store.create_reset(&reset, &[]))
                .await
                .unwrap()
                .unwrap();
            body = Some(json!({"token": secret.as_str(), "username": "ana", "new_password": STRONG_2}));
        }
        _ => {}
    }
    if t.starts_with("/api/v1/cases/") {
        crate::process_api::ensure_case(server).await;
    }
    if t.starts_with("/api/v1/raci/matrices/") {
        crate::raci_api::ensure(server).await;
    }
    if t == "/api/v1/raci/matrices" && row.method == Method::POST {
        crate::raci_api::ensure_registered(server, "E2").await;
    }
    if row.template == "/api/v1/attachments/{sha256}" {
        crate::inventory_fixture::ensure(server).await;
        path = attached_file(server).await;
    }
    if row.template.starts_with("/api/v1/continuity") {
        crate::continuity::ensure(server).await;
        let id = server.state.world().item_by_code(crate::integrity::SERVER).unwrap().0;
        path = path.replace("SYS", &id.to_string());
        if let Some(b) = body.as_mut()
            && b["subject"] == json!({"system": "SYS"})
        {
            b["subject"] = json!({"system": id});
        }
        if let Some(b) = body.as_mut()
            && b["system"] == "SYS"
        {
            b["system"] = json!(id);
        }
    }
    if row.template.starts_with("/api/v1/integrity/") {
        crate::integrity::key_server(server, false).await;
        if row.template == "/api/v1/integrity/servers/{id}" {
            let id = server.state.world().item_by_code(crate::integrity::SERVER).unwrap();
            path = format!("/api/v1/integrity/servers/{}", id.0);
        }
    }
    if path.contains("{session}") {
        let (session, _, _) = adam_server::login::new_session(
            &server.state,
            account(&server.fx, who),
            adam_store::SessionState::Active,
            false,
            None,
            None,
        )
        .unwrap();
        let store = server.state.store.clone();
        let id =
            tokio::task::spawn_blocking(move || store.create_session(&session, &adam_store::SignIn::default(), &[]))
                .await
                .unwrap()
                .unwrap();
        path = path.replace("{session}", &id.to_string());
    }
    if row.template == "/api/v1/settings" && row.method == Method::PUT {
        let mut settings = server.get(Who::SysAdmin, "/api/v1/settings").await.expect(200).json;
        settings["reopen_role"] = json!(server.fx.referent);
        body = Some(settings);
    }
    if path.contains("{plain}") {
        let tokens = server.get(Who::Plain, "/api/v1/tokens").await.expect(200).json;
        let id = tokens[0]["id"].as_i64().unwrap();
        path = path.replace("{plain}", &id.to_string());
    }
    (path, body)
}

/// The address of a file attached to the small inventory's system (uploaded and attached by
/// the system administrator, once per server).
async fn attached_file(server: &TestServer) -> String {
    use crate::inventory_fixture::SYSTEM;
    let reference = server
        .raw(
            Who::SysAdmin,
            Method::POST,
            "/api/v1/attachments?name=matrix.txt",
            "text/plain",
            b"a file on an inventory item".to_vec(),
        )
        .await
        .expect(201)
        .json;
    let item = format!("/api/v1/inventory/{SYSTEM}");
    if server.get(Who::SysAdmin, &item).await.expect(200).json["attachments"] != json!([reference.clone()]) {
        server
            .patch(Who::SysAdmin, &item, &json!({ "attachments": [reference.clone()] }))
            .await
            .expect(200);
    }
    format!(
        "/api/v1/attachments/{}",
        reference["sha256"].as_str().unwrap_or_default()
    )
}

pub async fn send(server: &TestServer, who: Who, row: &Row) -> Reply {
    let (path, body) = concrete(server, who, row).await;
    let mut headers: Vec<(&str, String)> = Vec::new();
    if matches!(row.method, Method::PATCH | Method::PUT) && row.template != "/api/v1/settings" {
        let etag = server.get(Who::SysAdmin, &path).await.expect(200);
        headers.push(("if-match", etag.header("etag").unwrap().to_owned()));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    server
        .call_with(who, row.method.clone(), &path, body.as_ref(), &headers)
        .await
}

fn judge(row: &Row, who: Who, expected: char, reply: &Reply, failures: &mut Vec<String>) {
    let status = reply.status.as_u16();
    let name = format!("{} {} as {:?}", row.method, row.path, who);
    let ok = match (who, expected) {
        (Who::Anonymous, _) if row.public => (200..300).contains(&status),
        (Who::Anonymous, _) => status == 401 && reply.json["type"] == "/problems/unauthenticated",
        (_, 'Y') => !matches!(status, 401 | 403 | 404 | 405) && status < 500,
        (_, _) => status == 403 && reply.header("content-type") == Some("application/problem+json"),
    };
    if !ok {
        let want = match (who, expected) {
            (Who::Anonymous, _) if row.public => "2xx".to_owned(),
            (Who::Anonymous, _) => "401".to_owned(),
            (_, 'Y') => "allowed".to_owned(),
            _ => "403".to_owned(),
        };
        failures.push(format!(
            "{name}: expected {want}, got {status} {}",
            reply.text.chars().take(300).collect::<String>()
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_kind_of_caller() {
    let shared = TestServer::start(Backend::Sqlite).await;
    let rows = rows(&shared.fx);

    // Every operation the router serves is in the matrix, and nothing else.
    let documented: BTreeSet<(String, String)> = api()
        .operations()
        .iter()
        .map(|op| (op.method.to_string(), op.path.to_owned()))
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the matrix: {missing:?}"
    );
    assert!(unknown.is_empty(), "rows naming no operation: {unknown:?}");

    // A change a caller is allowed runs on a fresh server of its own, so no cell depends on
    // another; every refusal (and every read) goes to the shared server, which must not change.
    let mut failures = Vec::new();
    for row in &rows {
        assert_eq!(row.expect.len(), 5, "{}", row.path);
        for (i, who) in Who::ALL.iter().enumerate() {
            let expected = row.expect.chars().nth(i).unwrap_or('N');
            let reply = if row.mutates && *who != Who::Anonymous && expected == 'Y' {
                let fresh = TestServer::start(Backend::Sqlite).await;
                send(&fresh, *who, row).await
            } else {
                // What the row needs on the server is made first (idempotent), so the request
                // alone is held to changing nothing.
                concrete(&shared, *who, row).await;
                let before = shared.state.revision();
                let reply = send(&shared, *who, row).await;
                if shared.state.revision() != before {
                    failures.push(format!(
                        "{} {} as {who:?}: {} changed the shared server",
                        row.method, row.path, reply.status
                    ));
                }
                reply
            };
            judge(row, *who, expected, &reply, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether a route reaches records (folders, documents, their ACLs) or asks about someone's
/// access to them.
fn reaches_records(row: &Row) -> bool {
    let t = row.template;
    t.starts_with("/api/v1/folders")
        || t.starts_with("/api/v1/documents")
        || t.starts_with("/api/v1/acl-entries")
        || (t == "/api/v1/acl/{kind}/{id}" && !row.path.contains("/classes/"))
        || matches!(
            t,
            "/api/v1/check"
                | "/api/v1/check/batch"
                | "/api/v1/lookup"
                | "/api/v1/who"
                | "/api/v1/explain"
                | "/api/v1/register/who"
        )
}

/// The operator's system administrator never reaches a record nor acts as a person who can:
/// every route to folders, documents and their ACLs and every question about someone's access
/// is refused them in the matrix above (which runs each cell), and so are the ways to become
/// someone who may — a token in their name, their password, their e-mail address — and the
/// history of a record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_administrator_reaches_no_record_through_any_route() {
    let server = TestServer::start(Backend::Sqlite).await;
    let fx = server.fx.clone();
    let rows = rows(&fx);
    let to_records: Vec<&Row> = rows.iter().filter(|r| reaches_records(r)).collect();
    assert!(to_records.len() >= 25, "the routes to records are all in the matrix");
    for row in &to_records {
        assert!(
            row.expect.starts_with('N'),
            "{} {}: the system administrator must be refused",
            row.method,
            row.path
        );
    }
    let probe = |method: Method,
                 template: &'static str,
                 path: String,
                 body: Option<Value>,
                 on: &'static str,
                 problem: Option<&'static str>| Probe {
        who: Who::SysAdmin,
        method,
        template,
        path,
        body,
        on,
        problem,
    };
    let probes = vec![
        probe(
            Method::POST,
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            Some(json!({"user": fx.ana, "name": "impersonation", "scopes": ["read"]})),
            "a token in Ana's name",
            None,
        ),
        probe(
            Method::POST,
            "/api/v1/users/{id}/password",
            format!("/api/v1/users/{}/password", fx.ana.0),
            Some(json!({"password": STRONG})),
            "Ana's password",
            Some("not-as-another-person"),
        ),
        probe(
            Method::PATCH,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{}", fx.ana.0),
            Some(json!({"email": "operator@test.si"})),
            "Ana's e-mail address",
            Some("not-as-another-person"),
        ),
    ];
    let before = server.revision().await;
    let failures = run_probes(&server, &probes).await;
    assert!(
        failures.is_empty(),
        "{} probe(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(server.revision().await, before, "a refused probe changed something");
    // The trail and a record's history show the system administrator who did what and when,
    // never what a folder or document record says.
    let title = server.state.world().folder(fx.f1).unwrap().title.to_string();
    for path in [
        format!("/api/v1/history?kind=ADAM_ENTITY_FOLDER&id={}", fx.f1.0),
        format!("/api/v1/audit?object_kind=ADAM_ENTITY_FOLDER&object_id={}", fx.f1.0),
    ] {
        let reply = server.get(Who::SysAdmin, &path).await.expect(200);
        let items = reply.json["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{path}: the trail has the folder's records");
        assert!(
            !reply.text.contains(&title),
            "{path} shows the folder's title: {}",
            reply.text
        );
        for item in items {
            assert!(item["before"].is_null() && item["after"].is_null(), "{path}: {item}");
        }
    }
}

/// The continuity register's routes (Art. 15, 29): read by the inventory's readers; the plan,
/// its reviews and risk acceptances kept by the keepers; a system's BIA and tests also by its
/// operator (the service account operates MAIL-SRV, whose id replaces `SYS`).
fn continuity_rows(fx: &Fixture) -> Vec<Row> {
    let r = |method: Method, template: &'static str, path: &str, body: Option<Value>, expect: &'static str| Row {
        mutates: method != Method::GET,
        method,
        template,
        path: path.to_owned(),
        body,
        expect,
        public: false,
    };
    let (g, p, u) = (Method::GET, Method::POST, Method::PUT);
    let (read, keep, run) = ("YYYNN", "YNNNN", "YNNNY");
    let admin = fx.admin.0;
    let plan = json!({"roles": "R", "functions": "F", "risk": "T", "measures": "M", "emergency": "E", "recovery": "O", "adopted": "2026-01-15", "approver": admin});
    let bia = json!({"criticality": "sensitive"});
    let mut test = crate::continuity::system_drill(0);
    test["subject"] = json!({"system": "SYS"});
    vec![
        r(g.clone(), "/api/v1/continuity", "/api/v1/continuity", None, read),
        r(
            g.clone(),
            "/api/v1/continuity/systems/{id}",
            "/api/v1/continuity/systems/SYS",
            None,
            read,
        ),
        r(
            g.clone(),
            "/api/v1/continuity/systems/{id}/bia",
            "/api/v1/continuity/systems/SYS/bia",
            None,
            read,
        ),
        r(
            u.clone(),
            "/api/v1/continuity/systems/{id}/bia",
            "/api/v1/continuity/systems/SYS/bia",
            Some(bia),
            run,
        ),
        r(
            p.clone(),
            "/api/v1/continuity/plans",
            "/api/v1/continuity/plans",
            Some(plan.clone()),
            keep,
        ),
        r(
            g.clone(),
            "/api/v1/continuity/plans/{id}",
            "/api/v1/continuity/plans/0",
            None,
            read,
        ),
        r(
            u.clone(),
            "/api/v1/continuity/plans/{id}",
            "/api/v1/continuity/plans/0",
            Some(plan),
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/continuity/plan-reviews",
            "/api/v1/continuity/plan-reviews",
            Some(json!({"date": "2026-03-01", "trigger": "annual", "reviewer": admin, "outcome": "Brez."})),
            keep,
        ),
        r(
            p.clone(),
            "/api/v1/continuity/tests",
            "/api/v1/continuity/tests",
            Some(test.clone()),
            run,
        ),
        r(
            g.clone(),
            "/api/v1/continuity/tests.csv",
            "/api/v1/continuity/tests.csv",
            None,
            read,
        ),
        r(
            g.clone(),
            "/api/v1/continuity/tests/{id}",
            "/api/v1/continuity/tests/0",
            None,
            read,
        ),
        r(
            u,
            "/api/v1/continuity/tests/{id}",
            "/api/v1/continuity/tests/0",
            Some(test),
            run,
        ),
        r(
            p,
            "/api/v1/continuity/risk-acceptances",
            "/api/v1/continuity/risk-acceptances",
            Some(json!({"system": "SYS", "target": "RTO", "approver": admin, "date": "2026-03-01", "reason": "R."})),
            keep,
        ),
        r(
            g,
            "/api/v1/continuity/risk-acceptances/{id}",
            "/api/v1/continuity/risk-acceptances/0",
            None,
            read,
        ),
    ]
}

/// The integrity baselines' routes (Art. 50(4)-(5)), after the inventory's so the small
/// inventory keeps its ids on the shared server.
/// A reference to a file that is not stored.
fn unstored_file() -> Value {
    json!({"sha256": "ab".repeat(32), "name": "x.pdf", "size": 3})
}

fn integrity_rows() -> Vec<Row> {
    let r = |method: Method, template: &'static str, path: String, body: Option<Value>, expect: &'static str| Row {
        mutates: method != Method::GET,
        method,
        template,
        path,
        body,
        expect,
        public: false,
    };
    let (g, p) = (Method::GET, Method::POST);
    vec![
        // Integrity baselines (Art. 50(4)-(5)): the key server MAIL-SRV is kept by Gregor and
        // operated by the service account; the system administrator keeps the register. Only
        // the keeper approves; the operator's token submits scans and reads.
        r(
            p.clone(),
            "/api/v1/integrity/scans",
            "/api/v1/integrity/scans".into(),
            Some(json!({"server": crate::integrity::SERVER, "files": crate::integrity::files("22")})),
            "YNNNY",
        ),
        r(
            p.clone(),
            "/api/v1/integrity/baselines/{id}/approve",
            "/api/v1/integrity/baselines/1/approve".into(),
            Some(json!({"change": "CHG-1"})),
            "YNNNN",
        ),
        r(
            g.clone(),
            "/api/v1/integrity/baselines/{id}",
            "/api/v1/integrity/baselines/0".into(),
            None,
            "YNNNY",
        ),
        // Files on a baseline: its server's custodian and operators (the service account) and
        // the keepers.
        r(
            p.clone(),
            "/api/v1/integrity/baselines/{id}/attachments",
            "/api/v1/integrity/baselines/0/attachments".into(),
            Some(unstored_file()),
            "YNNNY",
        ),
        r(
            g.clone(),
            "/api/v1/integrity/servers",
            "/api/v1/integrity/servers".into(),
            None,
            "YNNNY",
        ),
        r(
            g.clone(),
            "/api/v1/integrity/servers/{id}",
            "/api/v1/integrity/servers/0".into(),
            None,
            "YNNNY",
        ),
    ]
}
