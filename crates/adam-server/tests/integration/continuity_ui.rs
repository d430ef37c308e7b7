//! The continuity register's forms in the UI (issue #18; Decree Art. 15, 29): the keepers record
//! and change the plan (a page opened before another change is refused), record a plan review,
//! and a system's writers tick a test's follow-up task done. A refused form comes back (422)
//! with what was typed and the message at its field, the engine's refusals included; a caller
//! without the right has no form and a forged post is refused (403) and writes nothing.

use crate::integrity::key_server;
use crate::support::*;
use adam_core::{Actor, Command};
use reqwest::StatusCode;
use serde_json::json;

/// The message at `field` (its `…-error` element), or a panic showing the page.
fn message_at<'a>(html: &'a str, field: &str) -> &'a str {
    let marker = format!("id=\"{field}-error\">");
    let Some(rest) = html.split(&marker).nth(1) else {
        panic!("no message at {field}: {html}");
    };
    rest.split('<').next().unwrap_or_default()
}

/// The plan form as a keeper types it, with `changes` applied.
fn plan_form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = [
        ("plan", ""),
        ("rev", ""),
        ("roles", "Vodja krize: vodja IT; namestnik: skrbnik sistemov."),
        ("functions", "Elektronska pošta, dokumentni sistem."),
        ("risk", "Glej oceno tveganj 2026."),
        ("risk_assessment", ""),
        ("measures", "Nočne kopije, rezervna lokacija."),
        ("emergency", "Klicna veriga, zbirno mesto."),
        ("recovery", "Obnova iz kopij po navodilu NV-7."),
        ("adopted", "2026-01-15"),
        ("approver", "admin"),
        ("next_review", ""),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect();
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, (*v).to_owned()));
    }
    f
}

fn review_form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = [
        ("date", "2026-02-20"),
        ("trigger", "annual"),
        ("change", ""),
        ("reviewer", "admin"),
        ("outcome", "Dopolnjena klicna veriga in seznam rezervnih lokacij."),
        ("reported", "2026-02-25"),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect();
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, (*v).to_owned()));
    }
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keepers_record_and_change_the_plan_through_its_form() {
    let s = TestServer::start(Backend::Sqlite).await;

    // A user administrator reads the register but does not keep it: the plan read-only, no
    // form, and a forged post is refused without writing anything; so is a plain user's.
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("id=\"cont-plan-form\"") && html.contains("id=\"cont-plan-readonly\""),
        "{html}"
    );
    let before = s.state.revision();
    for who in [Who::UserAdminHere, Who::Plain] {
        let Answer { status, body: html, .. } = s.ui(who).post_owned("/ui/continuity/plan", &plan_form(&[])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
        assert!(!html.contains("cont-plan-form"), "{html}");
    }
    // Typed nonsense from a non-keeper is refused the same way: the form's messages tell nothing.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned("/ui/continuity/plan", &plan_form(&[("adopted", "kmalu")]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(s.state.revision(), before);

    // The system administrator keeps it: the form, in both languages.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity").await;
    assert!(
        html.contains("id=\"cont-plan-form\"")
            && html.contains("Vpiši načrt")
            && html.contains("Vloge in odgovornosti"),
        "{html}"
    );
    assert!(
        !html.contains("id=\"cont-review-form\""),
        "no plan, nothing to review: {html}"
    );
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity?lang=en").await;
    assert!(
        html.contains("Record the plan") && html.contains("Emergency-response procedures and logistics"),
        "{html}"
    );

    // Bad values: each message at its field, what was typed kept, nothing saved.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/continuity/plan?lang=sl",
            &plan_form(&[("roles", "   "), ("adopted", "kmalu"), ("approver", "nihče")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "f_roles");
    message_at(&html, "f_adopted");
    message_at(&html, "f_approver");
    assert!(
        html.contains("value=\"kmalu\"") && html.contains("value=\"nihče\""),
        "kept: {html}"
    );
    assert!(
        html.contains(">Klicna veriga, zbirno mesto.</textarea>"),
        "kept: {html}"
    );
    // The engine's rule (Art. 15(2)): the next review at most a year after adoption, at its field.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/continuity/plan", &plan_form(&[("next_review", "2027-06-01")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "f_next_review").contains("2027-01-15"), "{html}");
    assert!(html.contains("value=\"2027-06-01\""), "kept: {html}");
    assert_eq!(s.state.revision(), before);

    // A good save.
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/continuity/plan", &plan_form(&[]))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (id, rev) = {
        let w = s.state.world();
        let p = w.current_plan().expect("the plan recorded");
        assert_eq!(p.fields.recovery.as_str(), "Obnova iz kopij po navodilu NV-7.");
        assert_eq!(p.fields.approver, s.fx.admin);
        (p.id.0.to_string(), p.rev.0.to_string())
    };
    // The page now shows the six contents to every reader, and the keeper's form is filled to
    // change the plan in force.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity").await;
    assert!(
        html.contains("Obnova iz kopij po navodilu NV-7.") && !html.contains("cont-plan-form"),
        "{html}"
    );
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity").await;
    assert!(
        html.contains(&format!("name=\"plan\" value=\"{id}\""))
            && html.contains(&format!("name=\"rev\" value=\"{rev}\"")),
        "{html}"
    );
    assert!(
        html.contains("Spremeni načrt") && html.contains("id=\"cont-review-form\""),
        "{html}"
    );

    // Changed, with the revision the page showed.
    let opened = plan_form(&[
        ("plan", &id),
        ("rev", &rev),
        ("functions", "Pošta, dokumentni sistem, arhiv."),
    ]);
    let Answer { status, .. } = s.ui(Who::SysAdmin).post_owned("/ui/continuity/plan", &opened).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        s.state.world().current_plan().unwrap().fields.functions.as_str(),
        "Pošta, dokumentni sistem, arhiv."
    );
    assert_eq!(
        s.state.world().continuity_plans().len(),
        1,
        "changed, not recorded again"
    );
    // The same page sent again is stale: refused on the form, what was typed kept.
    let at = s.state.revision();
    let stale = plan_form(&[("plan", &id), ("rev", &rev), ("functions", "Prepozno.")]);
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post_owned("/ui/continuity/plan", &stale).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "f_plan_form").contains("nekdo drug"), "{html}");
    assert!(html.contains(">Prepozno.</textarea>"), "kept: {html}");
    assert_eq!(s.state.revision(), at);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_review_is_recorded_through_its_form() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.post(
        Who::SysAdmin,
        "/api/v1/continuity/plans",
        &crate::continuity::plan(s.fx.admin.0.into()),
    )
    .await
    .expect(201);
    let before = s.state.revision();

    // Not a keeper: no form, a forged post refused.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity").await;
    assert!(!html.contains("cont-review-form"), "{html}");
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned("/ui/continuity/reviews", &review_form(&[]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The engine's refusals at their fields, in English too, what was typed kept.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/continuity/reviews?lang=en", &review_form(&[("change", "7")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message_at(&html, "f_change").contains("only a review after a major change names the change request"),
        "{html}"
    );
    assert!(html.contains("value=\"7\""), "kept: {html}");
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/continuity/reviews",
            &review_form(&[("trigger", "major_change"), ("change", "99")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "f_change");
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/continuity/reviews", &review_form(&[("reported", "2026-02-01")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "f_reported").contains("2026-02-01"), "{html}");
    assert!(
        html.contains(">Dopolnjena klicna veriga in seznam rezervnih lokacij.</textarea>"),
        "kept: {html}"
    );
    // The form's own checks.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post_owned(
            "/ui/continuity/reviews",
            &review_form(&[("trigger", ""), ("outcome", ""), ("reviewer", "nihče")]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "f_trigger").contains("razlog"), "{html}");
    message_at(&html, "f_outcome");
    message_at(&html, "f_reviewer");
    assert_eq!(s.state.revision(), before);

    // A good review after a major change, reported to the head of the body.
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post_owned("/ui/continuity/reviews", &review_form(&[("trigger", "major_change")]))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let reviews = s.state.world().plan_reviews().to_vec();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].fields.reported_to_head.unwrap().to_string(), "2026-02-25");
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity").await;
    let table = html.split("id=\"cont-reviews\"").nth(1).expect("the reviews listed");
    assert!(
        table.contains("2026-02-20") && table.contains("po večji spremembi") && table.contains("2026-02-25"),
        "{html}"
    );
    assert!(html.contains("id=\"cont-last-review\">2026-02-20"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_task_is_ticked_done_by_the_systems_writers() {
    let s = TestServer::start(Backend::Sqlite).await;
    key_server(&s, true).await;
    // A drill of MAIL-SRV (item 0) with one follow-up task, recorded by its operator.
    let drill = crate::continuity::system_drill(0);
    let t = s
        .post(Who::Service, "/api/v1/continuity/tests", &drill)
        .await
        .expect(201);
    let test = t.json["id"].as_u64().unwrap();
    let rev = t.json["rev"].as_u64().unwrap().to_string();
    let action = format!("/ui/continuity/tests/{test}/tasks");
    let tick = |rev: &str, task: &str| {
        vec![
            ("task", task.to_owned()),
            ("done", "1".to_owned()),
            ("rev", rev.to_owned()),
        ]
    };

    // A keeper sees the tick; a user administrator who neither keeps the register nor runs
    // the system reads the test without it, and a forged tick is refused.
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity/systems/0").await;
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity/systems/0").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Posodobiti klicno verigo v načrtu.") && !html.contains(&action),
        "{html}"
    );
    let before = s.state.revision();
    let Answer { status, .. } = s.ui(Who::UserAdminHere).post_owned(&action, &tick(&rev, "0")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A task that is not there, and a page opened before another change, at the task.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post_owned(&action, &tick(&rev, "3")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "f_task");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post_owned(&action, &tick("1", "0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&html, "f_task").contains("preberite"), "{html}");
    assert_eq!(s.state.revision(), before);

    // Ticked done by the system's operator: the test changed, everything else kept.
    let Answer { status, .. } = s.ui(Who::Service).post_owned(&action, &tick(&rev, "0")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    {
        let w = s.state.world();
        let t = &w.continuity_tests()[0];
        assert!(t.fields.tasks[0].done);
        assert_eq!(
            t.fields.findings.as_ref().unwrap().as_str(),
            "Klicna veriga je zastarela."
        );
    }
    let view = s
        .get(Who::SysAdmin, &format!("/api/v1/continuity/tests/{test}"))
        .await
        .expect(200);
    assert_eq!(view.json["open_tasks"], 0);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity/systems/0?lang=en").await;
    assert!(
        html.contains("✓ Posodobiti klicno verigo v načrtu.") && html.contains("Open again"),
        "{html}"
    );

    // ADAM's own tests are the keepers': ticked on the overview.
    let own = json!({
        "subject": "adam", "kind": "restore_test", "scenario": "total_loss",
        "held_at": "2026-03-02T08:00:00Z", "duration": "42s", "passed": true,
        "tasks": [{"task": "Skrajšati obnovo revizijske sledi."}]
    });
    let t = s
        .post(Who::SysAdmin, "/api/v1/continuity/tests", &own)
        .await
        .expect(201);
    let action = format!("/ui/continuity/tests/{}/tasks", t.json["id"]);
    let rev = t.json["rev"].as_u64().unwrap().to_string();
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/continuity").await;
    assert!(
        html.contains("Skrajšati obnovo revizijske sledi.") && !html.contains(&action),
        "{html}"
    );
    let Answer { status, .. } = s.ui(Who::UserAdminHere).post_owned(&action, &tick(&rev, "0")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get("/ui/continuity").await;
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post_owned(&action, &tick("1", "0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    message_at(&html, "f_task");
    let Answer { status, .. } = s.ui(Who::SysAdmin).post_owned(&action, &tick(&rev, "0")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(s.state.world().continuity_tests()[1].fields.tasks[0].done);
}

/// The UI matrix's fixture: a plan, and a drill of OPSI-SYS with a follow-up task (for the tick).
/// Idempotent.
pub async fn ensure(server: &TestServer) {
    let w = server.state.world().clone();
    if !w.continuity_plans().is_empty() {
        return;
    }
    let system = w.item_by_code("OPSI-SYS").unwrap().0;
    drop(w);
    let commands = [
        json!({"command": "record_continuity_plan", "fields": crate::continuity::plan(server.fx.admin.0.into())}),
        json!({"command": "record_continuity_test", "fields": crate::continuity::system_drill(system)}),
    ];
    for c in commands {
        let command: Command = serde_json::from_value(c).unwrap();
        let ctx = server.state.context(Actor::System, None);
        server
            .state
            .execute_as(Actor::System, ctx, command)
            .await
            .unwrap_or_else(|e| panic!("{}", e.detail));
    }
}
