//! A solution's seed roles bound to jobs (issue #17), over HTTP on SQLite and PostgreSQL: the
//! API takes and returns the jobs and refuses one that does not exist with its own problem (in
//! both languages); a version's step of a role bound to a job is in the work list of whoever
//! holds the job, and after the occupant changes through the directory's own API the step is
//! the new holder's — decided by them — and no longer the old one's, who no longer reads the
//! case file either (it is at the job). In the UI the solution
//! form has a job field beside each person (the job picker answers as one types), refuses an
//! unknown job at its field keeping what was typed, and the solution's page shows each role's
//! job and who holds it now. A case's own `job` field is typed as the job's code on its page,
//! and a step bound to it goes to the job's holder.

use crate::hosting_api::{Walk, ensure_solution, solution};
use crate::on_both_backends;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// OPSI's entry with the coordinator bound to Ana's job (`JOB.UN.01`) rather than a person.
fn by_job(server: &TestServer, system: u32) -> Value {
    let mut f = solution(server, system);
    f["people"].as_object_mut().unwrap().remove("coordinator");
    f["jobs"] = json!({"coordinator": server.fx.job_un_1});
    f
}

/// The hosting steps of a work list: the version's Art. 22 change request (its custodian's,
/// Ana's, whatever her job) aside.
fn my_steps(r: &Reply) -> Vec<u64> {
    r.json["my_steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["title"].as_str().unwrap_or_default().contains("Art. 22"))
        .map(|c| c["id"].as_u64().unwrap())
        .collect()
}

async fn a_step_bound_to_a_job_moves_with_the_jobs_occupant(backend: Backend) {
    use Who::{Plain as Ana, SysAdmin as Admin, UserAdminHere as Glpi, UserAdminOther as Un};
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let fx = server.fx.clone();
    let id = ensure_solution(&server, fx.ana).await;
    let path = format!("/api/v1/solutions/{id}");
    let system = server.get(Glpi, &path).await.expect(200).json["system"]
        .as_u64()
        .unwrap() as u32;
    // A job that does not exist: refused with its problem, in both languages, nothing written.
    let before = server.revision().await;
    let mut bad = by_job(&server, system);
    bad["jobs"]["soc"] = json!(9_999);
    let r = server
        .call(Glpi, Method::PUT, &path, Some(&bad))
        .await
        .problem(422, "unknown-solution-job");
    assert!(r.json["detail"].as_str().unwrap().contains("9999"), "{}", r.text);
    let r = server
        .call_with(Glpi, Method::PUT, &path, Some(&bad), &[("accept-language", "sl")])
        .await
        .problem(422, "unknown-solution-job");
    assert!(r.json["detail"].as_str().unwrap().contains("ne obstaja"), "{}", r.text);
    assert_eq!(server.revision().await, before);
    // The coordinator bound to Ana's job: the API answers the jobs back.
    let saved = server
        .call(Glpi, Method::PUT, &path, Some(&by_job(&server, system)))
        .await
        .expect(200);
    assert_eq!(saved.json["jobs"]["coordinator"], fx.job_un_1.0);
    assert!(saved.json["people"]["coordinator"].is_null(), "{}", saved.text);
    let listed = server.get(Glpi, "/api/v1/solutions").await.expect(200);
    assert_eq!(listed.json[0]["jobs"]["coordinator"], fx.job_un_1.0);
    // A version: its first step (the coordinator's) is Ana's, through her job.
    let opened = server
        .post(Glpi, &format!("{path}/versions"), &json!({"version": "1.0"}))
        .await
        .expect(201);
    let case = opened.json["version_history"][0]["case"].as_u64().unwrap();
    assert_eq!(my_steps(&server.get(Ana, "/api/v1/work").await.expect(200)), vec![case]);
    assert!(my_steps(&server.get(Un, "/api/v1/work").await.expect(200)).is_empty());
    // The job changes hands through the directory: the UN head comes in, Ana moves to
    // another job (she stays the customer, a person named).
    server
        .post(
            Admin,
            &format!("/api/v1/users/{}/jobs", fx.ana.0),
            &json!({"job": fx.job_glpi_free}),
        )
        .await
        .expect(200);
    server
        .post(
            Admin,
            &format!("/api/v1/users/{}/jobs", fx.un_admin.0),
            &json!({"job": fx.job_un_1}),
        )
        .await
        .expect(200);
    server
        .call(
            Admin,
            Method::DELETE,
            &format!("/api/v1/users/{}/jobs/{}", fx.ana.0, fx.job_un_1.0),
            None,
        )
        .await
        .expect(200);
    // The new holder hears of the step that is now theirs, by e-mail in both languages, with
    // the case's link (through the real SMTP sink).
    let sink = server.mail.as_ref().unwrap();
    let address = server.state.world().user(fx.un_admin).unwrap().email.to_string();
    let mut told = None;
    while let Some(mail) = sink.any_within(3_000).await {
        if mail.to == vec![address.clone()] {
            told = Some(mail);
            break;
        }
    }
    let mail = told.expect("the job's new holder was told by e-mail");
    assert!(
        mail.text.contains("čaka na vaš korak")
            && mail.text.contains("is waiting for your step")
            && mail.text.contains(&format!("/ui/cases/{case}")),
        "{}",
        mail.text
    );
    // The step is the new holder's and no longer Ana's.
    assert!(my_steps(&server.get(Ana, "/api/v1/work").await.expect(200)).is_empty());
    assert_eq!(my_steps(&server.get(Un, "/api/v1/work").await.expect(200)), vec![case]);
    // The case file is at the job ([responsible]): Ana, out of it, neither reads nor decides
    // any more; its new holder reads it and decides.
    let w = Walk { server: &server, case };
    let body = w.body(Ana, "entry", "order", json!({}), &[]).await;
    server
        .post(Ana, &format!("/api/v1/cases/{case}/decisions"), &body)
        .await
        .problem(403, "not-a-case-reader");
    server
        .get(Ana, &format!("/api/v1/cases/{case}"))
        .await
        .problem(403, "not-a-case-reader");
    let read = server.get(Un, &format!("/api/v1/cases/{case}")).await.expect(200);
    // The case holds the job (a `job` field, fixed), shown by its code and name.
    let field = read.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "coordinator_job")
        .unwrap()
        .clone();
    assert_eq!(field["kind"], "job");
    assert_eq!(field["value"], fx.job_un_1.0);
    assert!(field["shown"].as_str().unwrap().starts_with("JOB.UN.01"), "{field}");
    w.go(Un, "entry", "order", json!({}), &[]).await;
}
on_both_backends!(a_step_bound_to_a_job_moves_with_the_jobs_occupant);

async fn the_solution_form_binds_roles_to_jobs_and_the_page_shows_their_holders(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.make_security_lead(s.fx.glpi_admin).await;
    let keeper = Who::UserAdminHere;
    let opsi = ensure_solution(&s, s.fx.ana).await;
    let system = s.state.world().solutions()[opsi as usize]
        .fields
        .system
        .unwrap()
        .0
        .to_string();
    // The form: a job field beside each person, asking the job picker as one types.
    let form = s.ui(keeper).get("/ui/solutions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    for role in ["customer", "coordinator", "registry_custodian"] {
        let input = form
            .body
            .split(&format!("id=\"f_j_{role}\""))
            .nth(1)
            .and_then(|r| r.split('>').next())
            .unwrap_or_default();
        assert!(
            input.contains(&format!("name=\"j_{role}\""))
                && input.contains(&format!("hx-get=\"/ui/solutions/jobs/j_{role}\""))
                && input.contains(&format!("list=\"dl-j_{role}\"")),
            "{input}"
        );
    }
    assert!(form.body.contains("oznaka ali naziv delovnega mesta"));
    let en = s.ui(keeper).get("/ui/solutions/new?lang=en").await;
    assert!(en.body.contains("code or name"), "the hint in English");
    // The picker: valid jobs whose code or name holds what was typed.
    let list = s
        .ui(keeper)
        .get_htmx("/ui/solutions/jobs/j_coordinator?j_coordinator=job.un")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.starts_with("<datalist id=\"dl-j_coordinator\">"),
        "{}",
        list.body
    );
    assert!(list.body.contains("<option value=\"JOB.UN.01\">"), "{}", list.body);
    assert!(!list.body.contains("JOB.GLPI.01"), "{}", list.body);
    assert_eq!(
        s.ui(Who::Service)
            .get("/ui/solutions/jobs/j_coordinator?j_coordinator=job")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // An unknown job is refused at its field, what was typed kept, in both languages.
    let base: Vec<(&str, &str)> = vec![
        ("codename", "E2"),
        ("name", "Enotni e-vpis"),
        ("customer_body", "Ministrstvo za notranje zadeve"),
        ("entry_route", "order"),
        ("test_address", "e2-test.dro.gov.si"),
        ("production_address", "e2.gov.si"),
        ("system", &system),
        ("p_customer", "ana"),
    ];
    let before = s.revision().await;
    let mut bad = base.clone();
    bad.push(("j_coordinator", "JOB.NI.TAKEGA"));
    let r = s.ui(keeper).post("/ui/solutions", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.body.split("id=\"f_j_coordinator-error\">").nth(1).unwrap();
    assert!(msg.starts_with("Ni delovnega mesta z oznako"), "{msg}");
    assert!(r.body.contains("value=\"JOB.NI.TAKEGA\"") && r.body.contains("value=\"Enotni e-vpis\""));
    let r = s.ui(keeper).post("/ui/solutions?lang=en", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("There is no job with the code"), "{}", r.body);
    assert_eq!(s.revision().await, before, "nothing was written");
    // Registered with the coordinator's job; the page shows it and who holds it now.
    let mut good = base.clone();
    good.push(("j_coordinator", "JOB.UN.01"));
    good.push(("j_soc", "job.glpi.01"));
    let r = s.ui(keeper).post("/ui/solutions", &good).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.body.split("field-error").nth(1).unwrap_or_default()
    );
    {
        let w = s.state.world();
        let e2 = w
            .solutions()
            .iter()
            .find(|x| x.fields.codename.as_str() == "E2")
            .unwrap();
        assert_eq!(e2.fields.jobs.coordinator, Some(s.fx.job_un_1));
        assert_eq!(e2.fields.jobs.soc, Some(s.fx.job_glpi));
        assert_eq!(e2.fields.people.coordinator, None);
    }
    let page = s.ui(keeper).get("/ui/solutions/E2").await;
    let row = page.body.split("data-role=\"coordinator\"").nth(1).unwrap();
    let row = row.split("</tr>").next().unwrap();
    let ana = s.state.world().user(s.fx.ana).unwrap().username.to_string();
    assert!(row.contains("JOB.UN.01") && row.contains(&format!("({ana})")), "{row}");
    assert!(page.body.contains("Zaseda zdaj"));
    let en = s.ui(keeper).get("/ui/solutions/E2?lang=en").await;
    assert!(en.body.contains("Held now by"));
    // The edit form shows the job's code back.
    let edit = s.ui(keeper).get("/ui/solutions/E2/edit").await;
    assert!(
        edit.body.contains("name=\"j_coordinator\" value=\"JOB.UN.01\""),
        "job kept in the form"
    );
}
on_both_backends!(the_solution_form_binds_roles_to_jobs_and_the_page_shows_their_holders);

/// A process with a `job` field and a role bound to it: on the case page the job is typed as
/// its code (an unknown one refused at its field, in both languages, what was typed kept), and
/// the next step, bound to that job, is performed by its holder at that job.
async fn a_job_field_is_typed_as_its_code_and_its_step_goes_to_the_holder(backend: Backend) {
    let s = TestServer::start(backend).await;
    let words = |w: &str| json!({"sl": w, "en": w});
    let definition: adam_core::process::Definition = serde_json::from_value(json!({
        "key": "desk", "version": 1, "name": words("Delovno mesto"),
        "roles": [
            {"key": "doer", "name": words("izvajalec"), "binding": "starter"},
            {"key": "clerk", "name": words("referent"), "binding": {"job": "desk"}}
        ],
        "fields": [{"key": "desk", "name": words("Delovno mesto"), "type": "job"}],
        "start": "do",
        "steps": [
            {"key": "do", "name": words("Določi"), "kind": "task", "performer": "doer", "fields": ["desk"],
             "outcomes": [{"key": "done", "name": words("Opravljeno"), "to": "check", "guards": [{"field": "desk"}]}]},
            {"key": "check", "name": words("Preveri"), "kind": "task", "performer": "clerk",
             "outcomes": [{"key": "done", "name": words("Opravljeno"), "to": "end"}]},
            {"key": "end", "name": words("Konec"), "kind": "end"}
        ]
    }))
    .unwrap();
    let key = definition.key.clone();
    crate::inventory_fixture::run(
        &s,
        adam_core::Actor::System,
        adam_core::Command::ImportProcess { definition },
    )
    .await;
    let Some(adam_core::Created::Case(case)) = crate::inventory_fixture::run(
        &s,
        adam_core::Actor::user(s.fx.ana),
        adam_core::Command::StartCase {
            process: key,
            title: adam_core::Text::parse("t", "Kdo preveri").unwrap(),
            fields: Default::default(),
            attachments: vec![],
        },
    )
    .await
    else {
        panic!("no case")
    };
    let page = format!("/ui/cases/{}", case.0);
    let before = s.revision().await;
    let r = s.ui(Who::Plain).post(&page, &[("f_desk", "JOB.NI.TAKEGA")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let said = r.body.split("id=\"f_desk-error\"").nth(1).unwrap_or_default();
    assert!(said.contains("Ni delovnega mesta s to oznako"), "{}", r.body);
    assert!(r.body.contains("value=\"JOB.NI.TAKEGA\""), "what was typed is kept");
    let r = s
        .ui(Who::Plain)
        .post(&format!("{page}?lang=en"), &[("f_desk", "JOB.NI.TAKEGA")])
        .await;
    assert!(r.body.contains("No job has this code"), "{}", r.body);
    assert_eq!(s.revision().await, before, "nothing was recorded");
    // The UN head's job, by its code; decided, the next step waits at that job for its holder.
    let r = s
        .ui(Who::Plain)
        .post(
            &format!("{page}/decide"),
            &[("f_desk", "LEADER.UN"), ("_outcome", "done")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    {
        let w = s.state.world();
        let c = w.case(case).unwrap();
        assert_eq!(c.current.as_str(), "check");
        assert_eq!(c.responsible, Some(s.fx.leader_un));
        assert_eq!(w.performers(c, s.state.now()), vec![s.fx.un_admin]);
    }
    let shown = s.ui(Who::UserAdminOther).get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("LEADER.UN"), "the job is shown by its code");
}
on_both_backends!(a_job_field_is_typed_as_its_code_and_its_step_goes_to_the_holder);
