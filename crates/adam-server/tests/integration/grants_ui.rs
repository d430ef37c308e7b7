//! Issue 14, the user administrator's day over HTTP on both backends: nobody locks the
//! organisation out, and destructive actions ask first (item 2); a typed date is a Slovenian
//! calendar day shown back as typed (3); forms keep what was typed with the message at the
//! field (4); role boxes show a grant's status and ask before deleting a time-limited one (13);
//! disabled boxes say why (14); offices and users have grant forms, and the user
//! administrator's role an office scope (18).

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::{Method, StatusCode};

fn grants_of_job(s: &TestServer, job: JobId, role: RoleId) -> Vec<Grant> {
    let w = s.state.world();
    w.grants_of_job(job)
        .iter()
        .map(|g| w.grant(*g).unwrap().clone())
        .filter(|g| g.role == role)
        .collect()
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// Item 3: "valid to 2027-01-31" holds for the whole of that day in Ljubljana and is shown as
/// 2027-01-31 everywhere — the job's table, the rights register, the error quoting it.
async fn a_typed_date_is_a_slovenian_day_shown_back_as_typed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let job = s.fx.job_glpi;
    let role = s.fx.referent.0.to_string();
    let path = format!("/ui/jobs/{}/grants", job.0);
    let Answer { status, location, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &path,
            &[
                ("role", &role),
                ("valid_from", "2027-01-01"),
                ("valid_to", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/ui/jobs/{}#restrictions", job.0));
    let g = grants_of_job(&s, job, s.fx.referent).pop().unwrap();
    // Stored as what it means: local midnight of the first day to local midnight after the last.
    assert_eq!(g.window.from, Some(at("2026-12-31T23:00:00Z")));
    assert_eq!(g.window.to, Some(at("2027-01-31T23:00:00Z")));
    // A summer day: Ljubljana is two hours ahead.
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &path,
            &[
                ("role", &s.fx.clearance_b.0.to_string()),
                ("valid_from", "2027-07-01"),
                ("valid_to", "31. 7. 2027"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let summer = grants_of_job(&s, job, s.fx.clearance_b).pop().unwrap();
    assert_eq!(summer.window.from, Some(at("2027-06-30T22:00:00Z")));
    assert_eq!(summer.window.to, Some(at("2027-07-31T22:00:00Z")));
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&format!("/ui/jobs/{}", job.0)).await;
    assert!(html.contains("<td>2027-01-01</td><td>2027-01-31</td>"), "{html}");
    assert!(html.contains("<td>2027-07-01</td><td>2027-07-31</td>"), "{html}");
    assert!(!html.contains("2027-02-01") && !html.contains("2027-08-01"), "{html}");
    // The rights register of a person in the job shows the same days, not instants.
    let Answer { body: register, .. } = s
        .ui(Who::SysAdmin)
        .get(&format!("/ui/users/{}/register", s.fx.gregor.0))
        .await;
    assert!(register.contains("2027-01-01 – 2027-01-31"), "{register}");
    assert!(
        !register.contains("01:00:00") && !register.contains("02:00:00"),
        "{register}"
    );
    // Times shown to people carry their zone.
    assert!(register.contains(" CET") || register.contains(" CEST"), "{register}");
    // A reversed window: the message quotes the dates typed, never an instant.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &path,
            &[
                ("role", &role),
                ("valid_from", "2027-02-05"),
                ("valid_to", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Zadnji dan veljavnosti (2027-01-31) je pred prvim (2027-02-05)."),
        "{html}"
    );
    assert!(!html.contains("T00:00:00Z") && !html.contains("T23:00:00Z"), "{html}");
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &format!("{path}?lang=en"),
            &[("role", &role), ("valid_to", "31/01/2027")],
        )
        .await;
    assert!(html.contains("“31/01/2027” is not a date"), "{html}");
}
on_both_backends!(a_typed_date_is_a_slovenian_day_shown_back_as_typed);

/// Item 4: after a refusal the grant form keeps the role, the dates and the reference, puts the
/// message at its field and brings it into view; an over-long reference gets a message; the
/// new-job and new-person forms keep what was typed.
async fn forms_keep_what_was_typed_and_say_what_is_wrong_at_the_field(backend: Backend) {
    let s = TestServer::start(backend).await;
    let before = s.state.revision();
    let job = s.fx.job_glpi.0;
    let role = s.fx.writer.0.to_string();
    let long = "Z".repeat(3000);
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &format!("/ui/jobs/{job}/grants"),
            &[
                ("role", &role),
                ("valid_from", "2027-03-01"),
                ("valid_to", "2027-03-31"),
                ("reference", &long),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Predolgo: največ 500 znakov, vpisanih je 3000."),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{role}\" selected>")),
        "the role is kept"
    );
    assert!(
        html.contains("value=\"2027-03-01\"") && html.contains("value=\"2027-03-31\""),
        "dates kept"
    );
    assert!(html.contains(&format!("value=\"{long}\"")), "the reference is kept");
    assert!(
        html.contains(&format!("action=\"/ui/jobs/{job}/grants#grant-form\"")),
        "the answer scrolls to the form"
    );
    assert!(html.contains("id=\"reference\" name=\"reference\""), "{html}");
    assert!(
        html.contains("autofocus aria-invalid=\"true\" aria-describedby=\"reference-error\""),
        "{html}"
    );
    // A forged role id gets a message, not a bare 422.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(&format!("/ui/jobs/{job}/grants?lang=en"), &[("role", "x")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose a role from the list."), "{html}");
    // The new-job form.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &format!("/ui/offices/{}/jobs", s.fx.glpi.0),
            &[("code", "JOB.GLPI.01"), ("name", "Vložišče"), ("signing_code", "77")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("value=\"JOB.GLPI.01\"") && html.contains("value=\"Vložišče\"") && html.contains("value=\"77\""),
        "{html}"
    );
    assert!(html.contains("#new-job\" id=\"job-create-form\""), "{html}");
    // The new-person form.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &format!("/ui/jobs/{}/users", s.fx.job_glpi_free.0),
            &[
                ("username", "gregor"),
                ("first_name", "Maja"),
                ("last_name", "Novak"),
                ("email", "maja@test.si"),
                ("phone", "+386 1 000 00 00"),
                ("gender", "female"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for kept in [
        "value=\"gregor\"",
        "value=\"Maja\"",
        "value=\"Novak\"",
        "value=\"maja@test.si\"",
        "value=\"female\" selected",
    ] {
        assert!(html.contains(kept), "{kept}: {html}");
    }
    assert!(html.contains("#new-user\" id=\"user-create-form\""), "{html}");
    assert_eq!(s.state.revision(), before, "nothing was written");
}
on_both_backends!(forms_keep_what_was_typed_and_say_what_is_wrong_at_the_field);

/// Item 2 (a): the engine refuses to leave the organisation without an active user able to
/// administer users — over the API and in the UI, with a stable problem type.
async fn the_last_user_administrator_cannot_lock_the_organisation_out(backend: Backend) {
    let s = TestServer::start(backend).await;
    let ua_grants: Vec<GrantId> = {
        let w = s.state.world();
        w.grants_of_role(s.fx.user_admin).to_vec()
    };
    assert_eq!(ua_grants.len(), 2);
    // While others administer users, the system administrator may even deactivate herself —
    // after a warning that she loses her rights.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(&format!("/ui/users/{}/active", s.fx.admin.0), &[("to", "0")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"own-power-warning\""), "{html}");
    assert!(s.state.world().user(s.fx.admin).unwrap().active, "only asked");
    // The user administrators' grants go; the `admin` account is the last one left.
    s.call(
        Who::SysAdmin,
        Method::DELETE,
        &format!("/api/v1/grants/{}", ua_grants[0].0),
        None,
    )
    .await
    .expect(200);
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("/ui/grants/{}/revoke", ua_grants[1].0),
            &[("back", &format!("/ui/users/{}", s.fx.un_admin.0)), ("confirm", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.state.world().user_administrators(s.state.now()), vec![s.fx.admin]);
    s.call(
        Who::SysAdmin,
        Method::DELETE,
        &format!("/api/v1/users/{}", s.fx.admin.0),
        None,
    )
    .await
    .problem(409, "last-user-administrator");
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("/ui/users/{}/active", s.fx.admin.0),
            &[("to", "0"), ("confirm", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("s tem bi organizacija ostala brez aktivnega uporabnika, ki lahko upravlja uporabnike"),
        "{html}"
    );
    assert!(s.state.world().user(s.fx.admin).unwrap().active);
}
on_both_backends!(the_last_user_administrator_cannot_lock_the_organisation_out);

/// Item 2 (c): revoke, remove from a job, invalidate and deactivate answer with a confirmation
/// page first (no script needed) and change nothing until confirmed.
async fn destructive_actions_ask_for_a_confirmation_first(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let revision = s.state.revision();
    let back = format!("/ui/users/{}", fx.gregor.0);
    type Ask<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);
    let asks: Vec<Ask> = vec![
        (
            format!("/ui/grants/{}/revoke", fx.grant_gregor.0),
            vec![("back", &back)],
            "VOPI/Referenti",
        ),
        (
            format!("/ui/jobs/{}/occupants/{}/remove", fx.job_un_1.0, fx.ana.0),
            vec![],
            "ana",
        ),
        (
            format!("/ui/jobs/{}/valid", fx.job_glpi_free.0),
            vec![("to", "0")],
            "JOB.GLPI.02",
        ),
        (format!("/ui/users/{}/active", fx.ana.0), vec![("to", "0")], "ana"),
    ];
    for (path, form, names) in &asks {
        let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post(path, form).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(
            html.contains("id=\"confirm-form\"") && html.contains(names),
            "{path}: {html}"
        );
        assert!(html.contains("name=\"confirm\" value=\"1\""), "{html}");
        assert!(!html.contains("own-power-warning"), "{html}");
    }
    assert_eq!(s.state.revision(), revision, "nothing changed before a confirmation");
    for (path, form, _) in &asks {
        let mut form = form.clone();
        form.push(("confirm", "1"));
        let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).post(path, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {html}");
    }
    let w = s.state.world();
    assert!(w.grant(fx.grant_gregor).is_err());
    assert!(!w.user(fx.ana).unwrap().active && w.user(fx.ana).unwrap().jobs.is_empty());
    assert!(!w.job(fx.job_glpi_free).unwrap().valid);
}
on_both_backends!(destructive_actions_ask_for_a_confirmation_first);

/// Item 13: a waiting grant shows as waiting; unticking a time-limited grant asks first; an
/// already-over window and a grant covered by one already held are refused at the field.
async fn role_boxes_show_a_grants_status_and_ask_before_deleting_a_limited_one(backend: Backend) {
    let s = TestServer::start(backend).await;
    let job = s.fx.job_un_1;
    let role = s.fx.referent.0.to_string();
    let path = format!("/ui/jobs/{}", job.0);
    let Answer { status, .. } = s
        .ui(Who::UserAdminOther)
        .post(
            &format!("{path}/grants"),
            &[
                ("role", &role),
                ("valid_from", "2026-04-01"),
                ("valid_to", "2026-04-30"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let Answer { body: html, .. } = s.ui(Who::UserAdminOther).get(&path).await;
    let row = html.split(&format!("id=\"role-box-{role}\"")).nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(" checked"), "{row}");
    assert!(
        row.contains("status-WAITING") && row.contains("ČAKA") && row.contains("velja od 2026-04-01"),
        "{row}"
    );
    // Unticking it asks, and deletes nothing yet.
    let form = [("shown", role.as_str())];
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminOther).post(&format!("{path}/roles"), &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"untick-confirm\"") && html.contains("2026-04-01 – 2026-04-30"),
        "{html}"
    );
    assert_eq!(grants_of_job(&s, job, s.fx.referent).len(), 1);
    let Answer { status, location, .. } = s
        .ui(Who::UserAdminOther)
        .post(&format!("{path}/roles"), &[("shown", role.as_str()), ("confirm", "1")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{path}#permissions"));
    assert!(grants_of_job(&s, job, s.fx.referent).is_empty());
    // A window already over: refused at the field.
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminOther)
        .post(
            &format!("{path}/grants"),
            &[("role", &role), ("valid_to", "2026-03-01")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Ta dodelitev bi bila že potekla: zadnji dan (2026-03-01) je mimo."),
        "{html}"
    );
    // Held without a limit: a limited grant of it adds nothing.
    let Answer { status, .. } = s
        .ui(Who::UserAdminOther)
        .post(&format!("{path}/roles"), &[("role", role.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminOther)
        .post(
            &format!("{path}/grants"),
            &[("role", &role), ("valid_to", "2026-12-31")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("To že velja: VOPI/Referenti."), "{html}");
    assert_eq!(grants_of_job(&s, job, s.fx.referent).len(), 1);
}
on_both_backends!(role_boxes_show_a_grants_status_and_ask_before_deleting_a_limited_one);

/// Item 14: disabled boxes say why, on the page and on each box.
async fn disabled_boxes_say_why(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Her own job: her own rights.
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminHere)
        .get(&format!("/ui/jobs/{}", s.fx.leader_glpi.0))
        .await;
    let why = "Svojih dovoljenj, dovoljenj svojega delovnega mesta ali urada ne morete spreminjati; prosite drugega skrbnika.";
    assert!(html.contains(&format!("id=\"roles-locked\">{why}")), "{html}");
    assert!(html.contains(&format!("disabled title=\"{why}\"")), "{html}");
    // Another administrator's office, and a plain user.
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminOther)
        .get(&format!("/ui/jobs/{}?lang=en", s.fx.job_glpi.0))
        .await;
    assert!(
        html.contains("View only: this is outside the offices you administer."),
        "{html}"
    );
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/jobs/{}", s.fx.job_glpi.0)).await;
    assert!(
        html.contains("Ogled: dovoljenja spreminjajo skrbniki uporabnikov."),
        "{html}"
    );
}
on_both_backends!(disabled_boxes_say_why);

/// Item 18: an office has a permissions panel and a grant form, a user a grant form, and the
/// user administrator's role an office scope; the new routes keep the same authorisation.
async fn offices_and_users_have_permissions_and_grant_forms(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let office = format!("/ui/offices/{}", fx.tok.0);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&office).await;
    assert!(
        html.contains("id=\"permissions\"") && html.contains(&format!("action=\"{office}/roles\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"{office}/grants#grant-form\"")),
        "{html}"
    );
    // A box on the office page grants to the office; the grant form too.
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post(&format!("{office}/roles"), &[("role", &fx.writer.0.to_string())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let Answer { status, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("{office}/grants"),
            &[("role", &fx.referent.0.to_string()), ("valid_to", "2026-12-31")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.state.world().grants_of_office(fx.tok).len(), 2);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&office).await;
    assert!(
        html.contains("<td>VOPI/Referenti</td><td></td><td>2026-12-31</td>"),
        "{html}"
    );
    // A user administrator has the grant form on a person's page, without a scope field (she
    // grants no system role); her own office's panel says why it is locked.
    let Answer { body: html, .. } = s
        .ui(Who::UserAdminOther)
        .get(&format!("/ui/users/{}", fx.bojan.0))
        .await;
    assert!(
        html.contains("id=\"grant-form\"") && !html.contains("id=\"grant_scope\""),
        "{html}"
    );
    let Answer { body: html, .. } = s.ui(Who::UserAdminOther).get(&format!("/ui/offices/{}", fx.un.0)).await;
    assert!(html.contains("id=\"roles-locked\""), "{html}");
    // A user's page has the grant form; the system administrator sees the scope field and
    // limits a user administrator's grant to an office.
    let user = format!("/ui/users/{}", fx.bojan.0);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&user).await;
    assert!(
        html.contains(&format!("action=\"{user}/grants#grant-form\"")) && html.contains("id=\"grant_scope\""),
        "{html}"
    );
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("{user}/grants"),
            &[("role", &fx.user_admin.0.to_string()), ("scope", &fx.un.0.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let scoped: Vec<Option<OfficeId>> = {
        let w = s.state.world();
        w.grants_of_user(fx.bojan)
            .iter()
            .map(|g| w.grant(*g).unwrap().scope)
            .collect()
    };
    assert_eq!(scoped, vec![Some(fx.un)]);
    let Answer { body: html, .. } = s.ui(Who::SysAdmin).get(&user).await;
    assert!(html.contains("Omejeno na urad: UN – UN"), "{html}");
    // A scope on another role is refused at the field.
    let Answer { status, body: html, .. } = s
        .ui(Who::SysAdmin)
        .post(
            &format!("{user}/grants"),
            &[("role", &fx.writer.0.to_string()), ("scope", &fx.un.0.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Na urad je mogoče omejiti le vlogo skrbnika uporabnikov."),
        "{html}"
    );
    // The new routes: who may not, may not.
    let revision = s.state.revision();
    let writer = fx.writer.0.to_string();
    for path in [
        format!("{office}/roles"),
        format!("{office}/grants"),
        format!("/ui/offices/{}/roles", fx.glpi.0),
        format!("/ui/users/{}/grants", fx.gregor.0),
    ] {
        for who in [Who::Plain, Who::UserAdminOther] {
            if who == Who::UserAdminOther && path.starts_with(&office) {
                continue;
            }
            let Answer { status, .. } = s.ui(who).post(&path, &[("role", &writer)]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who:?} {path}");
        }
        let Answer { status, location, .. } = s.ui(Who::Anonymous).post(&path, &[("role", &writer)]).await;
        assert!(
            status == StatusCode::UNAUTHORIZED || location.starts_with("/ui/login"),
            "{path}: {status}"
        );
        let Answer { status, location, .. } = s.ui(Who::Service).post(&path, &[("role", &writer)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "service {path}: {location}");
    }
    assert_eq!(s.state.revision(), revision, "nothing written by those refused");
}
on_both_backends!(offices_and_users_have_permissions_and_grant_forms);

/// Art. 51(1), once the organisation requires it: a right that reaches a system's application
/// (here the VOPI referents' role, which holds VOPI's writer) is granted on the custodian's
/// written request — the grant form says so at the request reference, keeping what was typed,
/// and takes the grant with one; the API refuses it the same way; the setting is on the
/// settings page.
async fn a_grant_reaching_a_systems_application_names_the_custodians_request(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let mut system = crate::inventory_fixture::fields("VOPI-SYS", "Sistem VOPI", fx.ana);
    system.application = Some(fx.vopi);
    crate::inventory_fixture::run(
        &s,
        Actor::System,
        Command::CreateItem {
            kind: adam_core::register::inventory::ItemKind::System,
            fields: system,
        },
    )
    .await;
    let mut settings = s.state.world().settings().clone();
    settings.custodian_requests = true;
    crate::inventory_fixture::run(&s, Actor::System, Command::SetSettings { settings, change: None }).await;
    let page = s.ui(Who::SysAdmin).get("/ui/settings").await;
    assert!(
        page.body
            .contains("id=\"custodian_requests\" name=\"custodian_requests\" value=\"1\" checked"),
        "{}",
        page.body
    );

    let job = fx.job_glpi;
    let path = format!("/ui/jobs/{}/grants?lang=en", job.0);
    let role = fx.referent.0.to_string();
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post(&path, &[("role", &role), ("valid_from", "2027-01-01")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("id=\"reference-error\""), "{html}");
    assert!(html.contains("VOPI-SYS") && html.contains("51(1)"), "{html}");
    assert!(html.contains("value=\"2027-01-01\""), "what was typed is kept: {html}");
    let before = grants_of_job(&s, job, fx.referent).len();
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post(
            &path,
            &[
                ("role", &role),
                ("valid_from", "2027-01-01"),
                ("reference", "ZAH-2026-31"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(grants_of_job(&s, job, fx.referent).len(), before + 1);
    let r = s
        .post(
            Who::UserAdminHere,
            "/api/v1/grants",
            &serde_json::json!({"role": fx.referent, "grantee": {"type": "job", "id": fx.job_glpi_free}}),
        )
        .await
        .problem(422, "custodian-request-missing");
    assert_eq!(r.json["pointer"], "/reference", "{}", r.text);
}
on_both_backends!(a_grant_reaching_a_systems_application_names_the_custodians_request);
