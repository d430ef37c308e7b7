//! Access reviews, rights follow-ups and risk assessments over HTTP (issue #15; Decree Art. 9,
//! 51(4)), on SQLite and PostgreSQL: the custodian reviews and revokes, others are refused,
//! the report is evidence, a job change reaches the custodian by e-mail at once.

use crate::support::*;
use adam_core::register::inventory::{ItemFields, ItemKind};
use adam_core::*;
use reqwest::Method;
use serde_json::json;

/// Binds the fixture's VOPI to a system in the inventory whose custodian is Ana (the plain
/// caller), through the server's write path.
async fn vopi_system(server: &TestServer) -> ItemId {
    let fx = &server.fx;
    let ctx = server.state.context(Actor::System, None);
    let plan = server
        .state
        .execute_as(
            Actor::System,
            ctx,
            Command::CreateItem {
                kind: ItemKind::System,
                fields: ItemFields {
                    code: Code::parse("code", "VOPI-SYS").unwrap(),
                    name: Text::parse("name", "VOPI").unwrap(),
                    description: None,
                    custodian: fx.ana,
                    operators: Vec::new(),
                    label: None,
                    own: true,
                    key_server: false,
                    high_risk: false,
                    secured_area: true,
                    other_inventory: None,
                    public_cloud: None,
                    application: Some(fx.vopi),
                    last_reviewed: None,
                    review_due: None,
                    attachments: Vec::new(),
                },
            },
        )
        .await
        .unwrap();
    match plan.created {
        Some(Created::Item(id)) => id,
        other => panic!("{other:?}"),
    }
}

async fn a_custodian_reviews_and_revokes_and_a_job_change_reaches_her_by_mail(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    let mail = server.mail.as_ref().unwrap();
    let system = vopi_system(&server).await;
    // Only the custodian or a keeper starts a campaign.
    let unstarted = server.revision().await;
    server
        .post(
            Who::UserAdminOther,
            "/api/v1/access-reviews",
            &json!({"system": system, "due": "2026-03-31"}),
        )
        .await
        .problem(403, "not-item-keeper");
    assert_eq!(server.revision().await, unstarted, "a refused start changes nothing");
    let started = server
        .post(
            Who::Plain,
            "/api/v1/access-reviews",
            &json!({"system": system, "due": "2026-03-31"}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    let lines = started.json["lines"].as_array().unwrap().clone();
    assert!(
        lines.iter().any(|l| l["grant"] == json!(fx.grant_gregor.0)),
        "GLPI's referent role reaches VOPI: {lines:?}"
    );
    let notice = mail.next().await;
    assert!(
        notice.text.contains("VOPI-SYS") && notice.text.contains("pregled pravic"),
        "{}",
        notice.text
    );
    // Others neither see nor decide.
    let before = server.revision().await;
    server
        .get(Who::UserAdminOther, &format!("/api/v1/access-reviews/{id}"))
        .await
        .problem(403, "not-a-reviewer");
    assert_eq!(server.revision().await, before, "a refused read changes nothing");
    server
        .post(
            Who::SysAdmin,
            &format!("/api/v1/access-reviews/{id}/decisions"),
            &json!({"grant": fx.grant_gregor, "outcome": "revoked"}),
        )
        .await
        .problem(403, "not-reviewer");
    assert_eq!(server.revision().await, before, "a refused decision changes nothing");
    assert!(server.state.world().grant(fx.grant_gregor).is_ok(), "the grant stands");
    // A minute later she decides; the campaign as it stood before is still answerable.
    let undecided_at = adam_core::Timestamp(server.state.now().0 + 30);
    server.advance(60);
    let decided = server
        .post(
            Who::Plain,
            &format!("/api/v1/access-reviews/{id}/decisions"),
            &json!({"grant": fx.grant_gregor, "outcome": "revoked", "comment": "ne dela več v GLPI"}),
        )
        .await
        .expect(200);
    assert_eq!(
        server.revision().await,
        before + 1,
        "one change: the decision and the revocation"
    );
    assert_eq!(decided.json["decided"], 1);
    let listed = |at: Option<adam_core::Timestamp>| {
        let q = at.map_or(String::new(), |t| format!("?at={t}"));
        format!("/api/v1/access-reviews{q}")
    };
    let now = server.get(Who::Plain, &listed(None)).await.expect(200);
    assert_eq!(now.json[0]["decided"], 1, "{}", now.text);
    let then = server.get(Who::Plain, &listed(Some(undecided_at))).await.expect(200);
    assert_eq!(then.json[0]["decided"], 0, "as of before her decision: {}", then.text);
    // Who sees a campaign is today's question, for every instant.
    let other = server
        .get(Who::UserAdminOther, &listed(Some(undecided_at)))
        .await
        .expect(200);
    assert_eq!(other.json, json!([]), "{}", other.text);
    // The campaign itself, and its report, as they stood before her decision; to another
    // user administrator neither then nor now.
    let one = server
        .get(Who::Plain, &format!("/api/v1/access-reviews/{id}?at={undecided_at}"))
        .await
        .expect(200);
    assert_eq!(one.json["decided"], 0, "{}", one.text);
    assert!(
        one.json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["decision"].is_null()),
        "{}",
        one.text
    );
    let old_report = server
        .get(
            Who::Plain,
            &format!("/api/v1/access-reviews/{id}/report.csv?at={undecided_at}"),
        )
        .await
        .expect(200);
    assert!(!old_report.text.contains(",revoked,"), "{}", old_report.text);
    let decided_rev = server.revision().await;
    server
        .get(
            Who::UserAdminOther,
            &format!("/api/v1/access-reviews/{id}?at={undecided_at}"),
        )
        .await
        .problem(403, "not-a-reviewer");
    assert_eq!(server.revision().await, decided_rev, "a refused read changes nothing");
    let before_it = adam_core::Timestamp(undecided_at.0 - 86_400);
    server
        .get(Who::Plain, &format!("/api/v1/access-reviews/{id}?at={before_it}"))
        .await
        .expect(404);
    server
        .get(Who::SysAdmin, &format!("/api/v1/grants/{}", fx.grant_gregor.0))
        .await
        .expect(404);
    server
        .post(
            Who::Plain,
            &format!("/api/v1/access-reviews/{id}/decisions"),
            &json!({"grant": fx.grant_gregor, "outcome": "confirmed"}),
        )
        .await
        .problem(409, "already-decided");
    assert_eq!(
        server.revision().await,
        decided_rev,
        "a second decision on a decided line changes nothing"
    );
    let report = server
        .get(Who::Plain, &format!("/api/v1/access-reviews/{id}/report.csv"))
        .await
        .expect(200);
    assert_eq!(report.header("content-type"), Some("text/csv; charset=utf-8"));
    let row = report
        .text
        .lines()
        .find(|l| l.contains(",revoked,"))
        .unwrap_or_default();
    assert!(
        row.contains("VOPI/Referenti") && row.contains("ne dela več v GLPI"),
        "{}",
        report.text
    );
    // The header row in the caller's language (English by default), the values as they are.
    assert!(
        report
            .text
            .starts_with("review,system,reviewer,due,grant,role,grantee,outcome,decided_by,decided_at,comment"),
        "{}",
        report.text
    );
    let sl = server
        .call_with(
            Who::Plain,
            Method::GET,
            &format!("/api/v1/access-reviews/{id}/report.csv"),
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert!(sl.text.starts_with("pregled,sistem,pregledovalec,rok,"), "{}", sl.text);
    assert!(sl.text.contains(",revoked,"), "{}", sl.text);
    assert_eq!(sl.header("vary"), Some("Accept-Language"));

    // A job change opens a follow-up at once, and its custodian hears of it.
    let ctx = server.state.context(Actor::System, None);
    let grant = server
        .state
        .execute_as(
            Actor::System,
            ctx.clone(),
            Command::Grant {
                role: fx.referent,
                grantee: Grantee::User(fx.bojan),
                window: Window::ALWAYS,
                scope: None,
                reference: None,
            },
        )
        .await
        .unwrap();
    let Some(Created::Grant(bojans)) = grant.created else {
        panic!()
    };
    let bojan_job = server.state.world().user(fx.bojan).unwrap().jobs[0];
    server
        .state
        .execute_as(
            Actor::System,
            ctx,
            Command::UnassignJob {
                user: fx.bojan,
                job: bojan_job,
            },
        )
        .await
        .unwrap();
    let notice = mail.next().await;
    assert!(notice.to.iter().any(|t| t.contains("ana")), "{:?}", notice.to);
    assert!(notice.text.contains("VOPI/Referenti"), "{}", notice.text);
    let list = server.get(Who::Plain, "/api/v1/rights-follow-ups").await.expect(200);
    let f = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["user"] == json!(fx.bojan.0))
        .cloned()
        .unwrap();
    assert_eq!(f["age_days"], 0);
    let fid = f["id"].as_u64().unwrap();
    let nobody = server
        .get(Who::UserAdminOther, "/api/v1/rights-follow-ups")
        .await
        .expect(200);
    assert!(
        nobody
            .json
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["user"] != json!(fx.bojan.0)),
        "not concerned: {}",
        nobody.text
    );
    server
        .post(
            Who::Plain,
            &format!("/api/v1/rights-follow-ups/{fid}/decisions"),
            &json!({"grant": bojans, "outcome": "revoked"}),
        )
        .await
        .expect(200);
    assert!(server.state.world().grant(bojans).is_err());
}

async fn risk_assessments_are_kept_by_the_keepers_and_read_by_custodians(backend: Backend) {
    let server = TestServer::start(backend).await;
    vopi_system(&server).await;
    let body = json!({
        "date": "2026-02-10",
        "scope": "Občina",
        "findings": "GIS obdeluje osebne podatke",
        "treatment": "Dvig razreda",
    });
    let before = server.revision().await;
    server
        .post(Who::Plain, "/api/v1/risk-assessments", &body)
        .await
        .problem(403, "not-register-keeper");
    assert_eq!(server.revision().await, before, "a refused assessment changes nothing");
    let mut late = body.clone();
    late["next_due"] = json!("2027-03-01");
    server
        .post(Who::SysAdmin, "/api/v1/risk-assessments", &late)
        .await
        .problem(422, "risk-due-too-late");
    assert_eq!(server.revision().await, before, "a refused due day changes nothing");
    assert!(server.state.world().risk_assessments().is_empty(), "none recorded");
    let made = server
        .post(Who::SysAdmin, "/api/v1/risk-assessments", &body)
        .await
        .expect(201);
    assert_eq!(made.json["date"], "2026-02-10");
    let list = server.get(Who::Plain, "/api/v1/risk-assessments").await.expect(200);
    assert_eq!(list.json["next_due"], "2027-02-10");
    assert_eq!(list.json["overdue"], false);
    let recorded = server.revision().await;
    server
        .call(Who::Service, Method::GET, "/api/v1/risk-assessments", None)
        .await
        .problem(403, "not-an-inventory-reader");
    assert_eq!(server.revision().await, recorded, "a refused read changes nothing");
}

/// A campaign past its due day with lines undecided is overdue: in the API (the campaign and
/// the list), on the campaigns page and the campaign's page, and not "as of" a day before.
async fn a_campaign_past_its_due_day_is_overdue(backend: Backend) {
    let server = TestServer::start(backend).await;
    let system = vopi_system(&server).await;
    let started = server
        .post(
            Who::Plain,
            "/api/v1/access-reviews",
            &json!({"system": system, "due": "2026-03-05"}),
        )
        .await
        .expect(201);
    let id = started.json["id"].as_u64().unwrap();
    assert_eq!(started.json["overdue"], false);
    let path = format!("/api/v1/access-reviews/{id}");
    let page = server
        .ui(Who::Plain)
        .get(&format!("/ui/access-reviews/{id}?lang=en"))
        .await;
    assert!(
        !page.body.contains("<strong class=\"warning\">overdue</strong>"),
        "not yet"
    );
    // The due day itself is not late (inclusive, Ljubljana's calendar).
    server.advance(3 * 86_400);
    let on_the_day = server.state.now();
    assert_eq!(server.get(Who::Plain, &path).await.expect(200).json["overdue"], false);
    server.advance(86_400);
    let late = server.get(Who::Plain, &path).await.expect(200);
    assert_eq!(late.json["overdue"], true, "{}", late.text);
    let list = server.get(Who::Plain, "/api/v1/access-reviews").await.expect(200);
    assert_eq!(list.json[0]["overdue"], true, "{}", list.text);
    let then = server
        .get(Who::Plain, &format!("{path}?at={on_the_day}"))
        .await
        .expect(200);
    assert_eq!(then.json["overdue"], false, "as of the due day: {}", then.text);
    // The campaign's report as a printable page, for whoever sees the campaign.
    let print = server
        .ui(Who::Plain)
        .get(&format!("/ui/access-reviews/{id}/print?lang=en"))
        .await;
    assert_eq!(print.status, reqwest::StatusCode::OK);
    assert!(
        print.body.contains("class=\"print\"") && print.body.contains("VOPI-SYS"),
        "{}",
        print.body
    );
    let refused = server
        .ui(Who::UserAdminOther)
        .get(&format!("/ui/access-reviews/{id}/print"))
        .await;
    assert_eq!(refused.status, reqwest::StatusCode::FORBIDDEN);
    for (lang, word) in [("sl", "rok je potekel"), ("en", "overdue")] {
        let badge = format!("<strong class=\"warning\">{word}</strong>");
        let page = server
            .ui(Who::Plain)
            .get(&format!("/ui/access-reviews?lang={lang}"))
            .await;
        assert_eq!(page.status, reqwest::StatusCode::OK);
        assert!(page.body.contains(&badge), "{lang}: {}", page.body);
        let one = server
            .ui(Who::Plain)
            .get(&format!("/ui/access-reviews/{id}?lang={lang}"))
            .await;
        assert!(one.body.contains(&badge), "{lang}: {}", one.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_past_its_due_day_is_overdue_sqlite() {
    a_campaign_past_its_due_day_is_overdue(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_past_its_due_day_is_overdue_postgres() {
    a_campaign_past_its_due_day_is_overdue(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custodian_reviews_and_revokes_and_a_job_change_reaches_her_by_mail_sqlite() {
    a_custodian_reviews_and_revokes_and_a_job_change_reaches_her_by_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custodian_reviews_and_revokes_and_a_job_change_reaches_her_by_mail_postgres() {
    a_custodian_reviews_and_revokes_and_a_job_change_reaches_her_by_mail(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_assessments_are_kept_by_the_keepers_and_read_by_custodians_sqlite() {
    risk_assessments_are_kept_by_the_keepers_and_read_by_custodians(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_assessments_are_kept_by_the_keepers_and_read_by_custodians_postgres() {
    risk_assessments_are_kept_by_the_keepers_and_read_by_custodians(Backend::Postgres).await;
}

/// The "to revoke or confirm" list of a job change in the UI (Art. 51(4)): Bojan holds two
/// rights of VOPI directly and leaves his job; two days later the custodian of VOPI's system
/// sees the follow-up on `/ui/access-reviews` with its cause and age, revokes one line through
/// the form the page renders (with the session's CSRF token; asked first, then confirmed), and
/// the grant is gone while the page shows the line revoked and the other still to decide. A
/// plain clerk, not concerned, sees no such list and posting the same form is refused (403)
/// with nothing changed.
async fn a_custodian_decides_a_follow_up_on_the_page(backend: Backend) {
    use crate::inventory_fixture::{build, fields, run};
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let inv = build(&s).await;
    let mut system = fields("VOPI-APP", "Sistem aplikacije VOPI", inv.custodian);
    system.application = Some(fx.vopi);
    run(
        &s,
        Actor::user(inv.lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: system,
        },
    )
    .await;
    let mut grants = Vec::new();
    for role in [fx.referent, fx.writer] {
        let Some(Created::Grant(g)) = run(
            &s,
            Actor::System,
            Command::Grant {
                role,
                grantee: Grantee::User(fx.bojan),
                window: Window::ALWAYS,
                scope: None,
                reference: None,
            },
        )
        .await
        else {
            panic!("no grant")
        };
        grants.push(g);
    }
    let job = s.state.world().user(fx.bojan).unwrap().jobs[0];
    run(&s, Actor::System, Command::UnassignJob { user: fx.bojan, job }).await;
    let (follow_up, lines) = {
        let w = s.state.world();
        let f = w.follow_ups().iter().find(|f| f.user == fx.bojan).unwrap();
        (f.id, f.lines.iter().map(|l| l.grant).collect::<Vec<_>>())
    };
    assert_eq!(lines, grants, "a line for each of his direct grants");
    s.advance(2 * 86_400);

    // The custodian's page: the follow-up, its cause and age, and a form per line.
    s.set_password(inv.custodian, STRONG).await;
    let b = Browser::from(&s.login("skrbnik", STRONG).await.expect(200));
    let page = s.ui_session(&b).get("/ui/access-reviews?lang=en").await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    assert!(page.body.contains("Rights after a change of job (1)"), "{}", page.body);
    let person = format!("<td><a href=\"/ui/users/{}\">bojan</a></td>", fx.bojan.0);
    assert!(page.body.contains(&person), "the person: {}", page.body);
    assert!(
        page.body.contains("<td>left a job</td><td>2</td>"),
        "cause and age: {}",
        page.body
    );
    let action = format!("/ui/follow-ups/{}/decide", follow_up.0);
    let revoke = regex::Regex::new(&format!(
        "<form method=\"post\" action=\"{action}\" class=\"inline\"><input type=\"hidden\" name=\"_csrf\" value=\"([^\"]+)\"><input type=\"hidden\" name=\"grant\" value=\"(\\d+)\"><input type=\"hidden\" name=\"outcome\" value=\"revoked\">"
    ))
    .unwrap();
    let forms: Vec<(String, u32)> = revoke
        .captures_iter(&page.body)
        .map(|c| (c[1].to_owned(), c[2].parse().unwrap()))
        .collect();
    assert_eq!(forms.len(), 2, "a revoke form per line: {}", page.body);
    assert!(
        forms.iter().all(|(csrf, _)| *csrf == b.csrf),
        "each form carries the session's token"
    );
    let grant = forms[0].1;
    assert_eq!(GrantId(grant), grants[0]);
    let grant = grant.to_string();
    let form = [("grant", grant.as_str()), ("outcome", "revoked")];
    let confirmed = [("grant", grant.as_str()), ("outcome", "revoked"), ("confirm", "1")];

    // A plain clerk sees no follow-up and may not decide one.
    let before = s.revision().await;
    let clerk = s.ui(Who::Plain).get("/ui/access-reviews").await;
    assert_eq!(clerk.status, reqwest::StatusCode::OK);
    assert!(!clerk.body.contains(&action), "not concerned: {}", clerk.body);
    for sent in [
        &form[..],
        &confirmed[..],
        &[("grant", grant.as_str()), ("outcome", "confirmed")][..],
    ] {
        let refused = s.ui(Who::Plain).post(&action, sent).await;
        assert_eq!(
            refused.status,
            reqwest::StatusCode::FORBIDDEN,
            "{sent:?}: {}",
            refused.body
        );
    }
    assert_eq!(s.revision().await, before, "a refused decision changes nothing");
    assert!(s.state.world().grant(grants[0]).is_ok());

    // The custodian's revoke: asked first (nothing yet), then confirmed.
    let ask = s.ui_session(&b).post(&format!("{action}?lang=en"), &form).await;
    assert_eq!(ask.status, reqwest::StatusCode::OK, "{}", ask.body);
    assert!(ask.body.contains("Revoke a right in the review"), "{}", ask.body);
    assert_eq!(s.revision().await, before, "asking changes nothing");
    let done = s.ui_session(&b).post(&action, &confirmed).await;
    assert_eq!(done.status, reqwest::StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, "/ui/access-reviews#follow-ups");
    assert!(s.revision().await > before);
    assert!(s.state.world().grant(grants[0]).is_err(), "the grant is revoked");
    assert!(s.state.world().grant(grants[1]).is_ok(), "the other line is undecided");
    let after = s.ui_session(&b).get("/ui/access-reviews?lang=en").await;
    assert!(
        after.body.contains("<td>revoked</td>"),
        "the line shows its decision: {}",
        after.body
    );
    let left: Vec<u32> = revoke
        .captures_iter(&after.body)
        .map(|c| c[2].parse().unwrap())
        .collect();
    assert_eq!(left, vec![grants[1].0], "only the other line is still to decide");
    // The rights register (Art. 51(5)) names the follow-up that revoked it.
    let register = s
        .ui_token(Some(inv.token(&s, crate::inventory_fixture::Party::Lead)))
        .get(&format!("/ui/users/{}/register?lang=en", fx.bojan.0))
        .await;
    assert_eq!(register.status, reqwest::StatusCode::OK, "{}", register.body);
    assert!(register.body.contains("follow-up#"), "{}", register.body);
}
crate::on_both_backends!(a_custodian_decides_a_follow_up_on_the_page);

/// For the route × caller matrix: on top of the small inventory (`inventory_fixture`), a
/// campaign over VOPI-SYS (id 0), a follow-up of Gregor leaving his GLPI job (id 0), and a
/// risk assessment (id 0) — each made once.
pub async fn ensure_review_records(server: &TestServer) {
    use adam_core::register::risk::RiskFields;
    let (reviews, follow_ups, risks) = {
        let w = server.state.world();
        (
            w.access_reviews().is_empty(),
            w.follow_ups().is_empty(),
            w.risk_assessments().is_empty(),
        )
    };
    let run = |command: Command| async move {
        let ctx = server.state.context(Actor::System, None);
        server.state.execute_as(Actor::System, ctx, command).await.unwrap();
    };
    if reviews {
        // A system serving VOPI, kept by Bojan (none of the matrix's callers).
        let existing = server.state.world().item_by_code("REVIEW-SYS").ok();
        let system = match existing {
            Some(id) => id,
            None => {
                let ctx = server.state.context(Actor::System, None);
                let mut fields = crate::inventory_fixture::fields("REVIEW-SYS", "Sistem VOPI", server.fx.bojan);
                fields.application = Some(server.fx.vopi);
                let plan = server
                    .state
                    .execute_as(
                        Actor::System,
                        ctx,
                        Command::CreateItem {
                            kind: ItemKind::System,
                            fields,
                        },
                    )
                    .await
                    .unwrap();
                match plan.created {
                    Some(Created::Item(id)) => id,
                    other => panic!("{other:?}"),
                }
            }
        };
        run(Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        })
        .await;
    }
    if follow_ups {
        run(Command::UnassignJob {
            user: server.fx.gregor,
            job: server.fx.job_glpi,
        })
        .await;
    }
    if risks {
        run(Command::RecordRiskAssessment {
            fields: RiskFields {
                date: LocalDate::new(2026, 2, 10).unwrap(),
                scope: Text::parse("s", "Občina").unwrap(),
                methodology: None,
                findings: Text::parse("f", "Ugotovitve").unwrap(),
                treatment: Text::parse("t", "Ukrepi").unwrap(),
                accepted_residual: None,
                approver: None,
                trigger: None,
                next_due: None,
            },
        })
        .await;
    }
}
