//! Both languages, what issue 14 left over: the "why" explanation says its instant in
//! Ljubljana time; the system, shown as the actor of a change, has a Slovenian name; a JSON
//! body that does not fit is explained in Slovenian when asked for (serde's own words kept
//! beside it); the refusal to leave the organisation without a user administrator is said in
//! the engine's words on a page.

use crate::on_both_backends;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The explanation's "as of" is the server's clock (2026-03-02T09:00:00Z) read in Ljubljana:
/// 10:00 in winter, CET.
async fn the_explanation_says_its_instant_in_ljubljana_time(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f1 = s.fx.f1.0;
    for (lang, said) in [
        ("en", "as of 2026-03-02 10:00:00 CET"),
        ("sl", "stanje ob 2026-03-02 10:00:00 CET"),
    ] {
        let Answer { status, body: html, .. } = s
            .ui(Who::Plain)
            .get(&format!("/ui/folders/{f1}?who=ana&lang={lang}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains(said), "{lang}: {html}");
        assert!(!html.contains("2026-03-02T09:00:00Z"), "{lang}: a UTC instant: {html}");
    }
}
on_both_backends!(the_explanation_says_its_instant_in_ljubljana_time);

/// The fixture's jobs were made by the system: their last change and history say so in the
/// page's language, and so does the audit trail.
async fn the_system_is_named_in_the_pages_language(backend: Backend) {
    let s = TestServer::start(backend).await;
    let job = s.fx.job_glpi.0;
    for (lang, name, not) in [
        ("sl", "<dd>sistem</dd>", "<dd>system</dd>"),
        ("en", "<dd>system</dd>", "<dd>sistem</dd>"),
    ] {
        let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/jobs/{job}?lang={lang}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains(name) && !html.contains(not), "{lang}: {html}");
    }
    let trail = format!("/ui/audit?object_kind=ADAM_ENTITY_JOB&object_id={job}");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get(&trail).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<td>sistem</td>"), "{html}");
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&format!("{trail}&lang=en")).await;
    assert!(html.contains("<td>system</td>"), "{html}");
}
on_both_backends!(the_system_is_named_in_the_pages_language);

/// A body that parses but does not fit: the detail in Slovenian when asked for, the field as
/// a JSON Pointer, serde's own message whole in `reason`; in English as before.
async fn a_body_that_does_not_fit_is_explained_in_slovenian(backend: Backend) {
    let s = TestServer::start(backend).await;
    let sl = [("accept-language", "sl")];
    let cases = [
        (
            json!({"code": 5, "name": "Nov urad"}),
            "/code",
            "napačna vrsta vrednosti",
            "invalid type",
        ),
        (
            json!({"name": "Nov urad"}),
            "",
            "manjka polje »code«",
            "missing field `code`",
        ),
        (
            json!({"code": "NOV", "name": "Nov urad", "barva": "rdeča"}),
            "/barva",
            "neznano polje »barva«",
            "unknown field `barva`",
        ),
        (
            json!({"code": "NOV", "name": "   "}),
            "/name",
            "vrednost ne ustreza pravilu",
            "must not be empty",
        ),
    ];
    for (body, pointer, slovenian, serde) in cases {
        let r = s
            .call_with(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&body), &sl)
            .await
            .problem(422, "invalid-body");
        let detail = r.json["detail"].as_str().unwrap();
        assert!(detail.contains(slovenian), "{body}: {}", r.text);
        assert!(
            !detail.contains(serde),
            "{body}: English in the Slovenian detail: {}",
            r.text
        );
        assert_eq!(r.json["title"], "Neveljaven vnos", "{}", r.text);
        assert_eq!(r.json["pointer"], pointer, "{}", r.text);
        assert!(r.json["reason"].as_str().unwrap().contains(serde), "{}", r.text);
        // In English the detail is serde's, as before.
        let r = s
            .call(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(&body))
            .await
            .problem(422, "invalid-body");
        assert!(r.json["detail"].as_str().unwrap().contains(serde), "{}", r.text);
    }
}
on_both_backends!(a_body_that_does_not_fit_is_explained_in_slovenian);

/// The lock-out refusal on a page is the engine's (`error_words`), in the page's language.
async fn the_lock_out_refusal_on_a_page_is_the_engines(backend: Backend) {
    let s = TestServer::start(backend).await;
    let grants: Vec<_> = s.state.world().grants_of_role(s.fx.user_admin).to_vec();
    for g in grants {
        s.call(Who::SysAdmin, Method::DELETE, &format!("/api/v1/grants/{}", g.0), None)
            .await
            .expect(200);
    }
    let path = format!("/ui/users/{}/active", s.fx.admin.0);
    let form = [("to", "0"), ("confirm", "1")];
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post(&path, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("s tem bi organizacija ostala brez aktivnega uporabnika, ki lahko upravlja uporabnike (")
            && html.contains("najprej dodelite vlogo skrbnika uporabnikov še komu"),
        "{html}"
    );
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post(&format!("{path}?lang=en"), &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("this would leave the organisation without any active user able to administer users ("),
        "{html}"
    );
    assert!(s.state.world().user(s.fx.admin).unwrap().active);
}
on_both_backends!(the_lock_out_refusal_on_a_page_is_the_engines);
