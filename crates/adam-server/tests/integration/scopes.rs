//! The scope a route declares (`needs(…)`, in the API's and the UI's route tables) refuses a
//! credential without it, by a route of every family, before anything is written: a read-only
//! token of the system administrator — who may do everything else — on the write routes, and
//! a token with only the `check` scope on pages and reads. Sessions hold every scope, so in
//! the UI only a bearer token meets this refusal: the "forbidden" page, in the page's language.

use crate::on_both_backends;
use crate::support::*;
use adam_server::Scope;
use reqwest::Method;
use serde_json::json;

/// A token of the system administrator with `scopes`.
async fn token(s: &TestServer, scopes: &[Scope]) -> String {
    adam_server::api::system::issue(
        &s.state,
        adam_core::Actor::System,
        None,
        s.fx.admin,
        "scoped",
        scopes,
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("{}", e.detail))
    .secret
}

async fn a_credential_without_the_declared_scope_is_refused_by_every_family(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = &s.fx;
    let read_only = token(&s, &[Scope::Read]).await;
    let check_only = token(&s, &[Scope::Check]).await;
    let before = s.revision().await;

    // The UI's forms, one of each family, as the read-only token posts them.
    let v = |x: &str| x.to_owned();
    let forms: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            v("/ui/offices"),
            vec![
                ("parent", fx.glpi.0.to_string()),
                ("code", v("NOV")),
                ("name", v("Nov urad")),
            ],
        ),
        (format!("/ui/jobs/{}/roles", fx.job_glpi.0), vec![("shown", v(""))]),
        (v("/ui/solutions"), vec![("codename", v(""))]),
        (v("/ui/risk"), vec![("date", v("2026-02-20"))]),
        (
            v("/ui/access-reviews"),
            vec![("system", v("")), ("due", v("2026-03-31"))],
        ),
        (
            v("/ui/cases/report"),
            vec![("situation", v("")), ("title", v("x")), ("what", v("y"))],
        ),
        (v("/ui/continuity/plan"), vec![("roles", v("Vodja krize."))]),
        // The roles page's and the settings page's forms (their routes needed only the read
        // scope before: a read-only token could create roles and applications, change a role
        // and save the organisation's settings).
        (
            v("/ui/roles"),
            vec![
                ("code", v("NOVA")),
                ("kind", v("application")),
                ("app", v("")),
                ("description", v("Nova vloga")),
            ],
        ),
        (
            format!("/ui/roles/{}", fx.writer.0),
            vec![("rev", v("1")), ("description", v("Spremenjena"))],
        ),
        (
            v("/ui/applications"),
            vec![("code", v("NOVA")), ("name", v("Nova aplikacija"))],
        ),
        (v("/ui/settings"), vec![("organisation", v("Drugo ime"))]),
    ];
    let ui = s.ui_token(Some(&read_only));
    for (path, form) in &forms {
        let sl = ui.post_owned(path, form).await;
        assert_eq!(sl.status, 403, "{path}: {}", sl.body);
        assert!(sl.body.contains("nima obsega"), "{path}: {}", sl.body);
        let en = ui.post_owned(&format!("{path}?lang=en"), form).await;
        assert_eq!(en.status, 403, "{path}: {}", en.body);
        assert!(en.body.contains("lacks the"), "{path}: {}", en.body);
    }
    // The pages themselves it reads.
    assert_eq!(ui.get("/ui").await.status, 200);

    // Pages refuse a token that may not read.
    let checker = s.ui_token(Some(&check_only));
    for path in [
        v("/ui"),
        format!("/ui/users/{}", fx.gregor.0),
        format!("/ui/users/{}/register", fx.gregor.0),
        v("/ui/cases"),
    ] {
        let page = checker.get(&path).await;
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert!(page.body.contains("nima obsega"), "{path}: {}", page.body);
    }

    // The API: writes refused to the read-only token, reads to the check-only one.
    let bearer = |t: &str| format!("Bearer {t}");
    let (ro, co) = (bearer(&read_only), bearer(&check_only));
    for (method, path, body) in [
        (
            Method::POST,
            v("/api/v1/offices"),
            Some(json!({"code": "NEW", "name": "Novi urad", "parent": fx.glpi})),
        ),
        (Method::POST, v("/api/v1/replication/promote"), None),
        (Method::POST, v("/api/v1/replication/isolate"), None),
    ] {
        s.anonymous(method, &path, body.as_ref(), &[("authorization", ro.as_str())])
            .await
            .problem(403, "missing-scope");
    }
    for path in [
        format!("/api/v1/register/users/{}", fx.gregor.0),
        v("/api/v1/raci/templates"),
    ] {
        s.anonymous(Method::GET, &path, None, &[("authorization", co.as_str())])
            .await
            .problem(403, "missing-scope");
    }
    // Nothing was written.
    assert_eq!(s.revision().await, before);
}
on_both_backends!(a_credential_without_the_declared_scope_is_refused_by_every_family);
