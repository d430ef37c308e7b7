//! The registry's further fields of §2.8 (issue #17) over HTTP and in the form, on SQLite and
//! PostgreSQL: user groups, infrastructure needs, GTZ deviations, building blocks, non-standard
//! workstations, the placement confirmations, the Redmine project, the contractor's repository
//! access, EKC's training and help contacts — registered, read back, corrected; a confirmation
//! with half of it or a day still to come refused at that half.

use crate::on_both_backends;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn evem() -> Value {
    json!({
        "codename": "EVEM", "name": "Enotna vstopna točka", "customer_body": "Ministrstvo za gospodarstvo",
        "entry_route": "pzi",
        "user_groups": "Podjetniki, upravne enote",
        "infrastructure_needs": "2 vCPU, 8 GB RAM",
        "gtz_deviations": "Baza PostgreSQL 16 namesto Oracle",
        "building_blocks": "SI-PASS, SI-CeS",
        "nonstandard_workstations": "Brez",
        "logical_scheme": {"confirmed_by": "Mojca Novak", "date": "2024-03-01"},
        "physical_plan_test": {"confirmed_by": "Janez Kranjc", "date": "2024-03-05"},
        "physical_plan_production": {"confirmed_by": "Janez Kranjc", "date": "2024-03-20"},
        "redmine_project": "evem",
        "repository_access_granted": "2024-02-15",
        "ekc_trained": "2024-04-02",
        "ekc_help_contacts": "ekc@gov.si, 080 2002"
    })
}

async fn the_further_fields_are_registered_read_back_and_corrected(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let keeper = Who::UserAdminHere;
    let created = server.post(keeper, "/api/v1/solutions", &evem()).await.expect(201);
    let id = created.json["id"].as_u64().unwrap();
    let path = format!("/api/v1/solutions/{id}");
    let read = server.get(keeper, &path).await.expect(200);
    for (key, value) in evem().as_object().unwrap() {
        assert_eq!(&read.json[key], value, "{key} read back");
    }
    // Corrected: EKC trained again; the rest stays.
    let mut body = evem();
    body["ekc_trained"] = json!("2024-05-10");
    let r = server.call(keeper, Method::PUT, &path, Some(&body)).await.expect(200);
    assert_eq!(r.json["ekc_trained"], "2024-05-10");
    let read = server.get(keeper, &path).await.expect(200);
    assert_eq!(read.json["ekc_trained"], "2024-05-10");
    assert_eq!(read.json["logical_scheme"]["confirmed_by"], "Mojca Novak");
    // Refused, each at its field: a day still to come, a confirmer without a day, a day
    // without a confirmer, a day that is none.
    let before = server.revision().await;
    let mut future = evem();
    future["physical_plan_test"]["date"] = json!("2999-01-01");
    let r = server
        .call(keeper, Method::PUT, &path, Some(&future))
        .await
        .problem(422, "confirmation-in-future");
    assert_eq!(r.json["pointer"], "/physical_plan_test/date", "{}", r.text);
    assert!(r.text.contains("physical placement plan for test"), "{}", r.text);
    let mut no_day = evem();
    no_day["codename"] = json!("EKT");
    no_day["logical_scheme"] = json!({"confirmed_by": "Mojca Novak"});
    let r = server
        .post(keeper, "/api/v1/solutions", &no_day)
        .await
        .problem(422, "confirmation-without-date");
    assert_eq!(r.json["pointer"], "/logical_scheme/date", "{}", r.text);
    no_day["logical_scheme"] = json!({"date": "2024-03-01"});
    let r = server
        .post(keeper, "/api/v1/solutions", &no_day)
        .await
        .problem(422, "confirmation-without-confirmer");
    assert_eq!(r.json["pointer"], "/logical_scheme/confirmed_by", "{}", r.text);
    let mut bad = evem();
    bad["ekc_trained"] = json!("31. 2. 2024");
    let r = server
        .call(keeper, Method::PUT, &path, Some(&bad))
        .await
        .problem(422, "invalid-body");
    assert_eq!(r.json["pointer"], "/ekc_trained", "{}", r.text);
    assert_eq!(server.revision().await, before, "nothing was written");
    // The page shows them; the form keeps a refused confirmation with its message at the day.
    let page = server.ui(keeper).get("/ui/solutions/EVEM").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "id=\"g-needs\"",
        "Podjetniki, upravne enote",
        "Baza PostgreSQL 16 namesto Oracle",
        "SI-PASS, SI-CeS",
        "Mojca Novak, 2024-03-01",
        "Janez Kranjc, 2024-03-20",
        "evem",
        "2024-02-15",
        "2024-05-10",
        "ekc@gov.si, 080 2002",
    ] {
        assert!(page.body.contains(shown), "{shown} missing from the page");
    }
    let edit = server.ui(keeper).get("/ui/solutions/EVEM/edit").await;
    assert!(edit.body.contains(
        "id=\"f_physical_plan_test_date\" name=\"physical_plan_test_date\" type=\"date\" value=\"2024-03-05\""
    ));
    let rev = edit
        .body
        .split("name=\"rev\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let form = [
        ("rev", rev.as_str()),
        ("codename", "EVEM"),
        ("name", "Enotna vstopna točka"),
        ("customer_body", "Ministrstvo za gospodarstvo"),
        ("entry_route", "pzi"),
        ("user_groups", "Podjetniki"),
        ("physical_plan_production_by", "Janez Kranjc"),
        ("physical_plan_production_date", ""),
    ];
    let r = server.ui(keeper).post("/ui/solutions/EVEM/edit", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let msg = r
        .body
        .split("id=\"f_physical_plan_production_date-error\">")
        .nth(1)
        .unwrap();
    assert!(msg.starts_with(|c: char| c != '<'), "{msg}");
    assert!(r.body.contains("value=\"Janez Kranjc\"") && r.body.contains(">Podjetniki</textarea>"));
    let future = [
        &form[..6],
        &[
            ("physical_plan_production_by", "Janez Kranjc"),
            ("physical_plan_production_date", "2999-01-01"),
        ],
    ]
    .concat();
    let r = server.ui(keeper).post("/ui/solutions/EVEM/edit", &future).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("id=\"f_physical_plan_production_date-error\""),
        "{}",
        r.body
    );
    assert_eq!(server.revision().await, before, "nothing was written");
    // Saved from the form: the new user groups and the confirmation.
    let ok = [
        &form[..6],
        &[
            ("physical_plan_production_by", "Janez Kranjc"),
            ("physical_plan_production_date", "2024-06-01"),
        ],
    ]
    .concat();
    let r = server.ui(keeper).post("/ui/solutions/EVEM/edit", &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let read = server.get(keeper, &path).await.expect(200);
    assert_eq!(read.json["user_groups"], "Podjetniki");
    assert_eq!(read.json["physical_plan_production"]["date"], "2024-06-01");
    assert!(
        read.json.get("logical_scheme").is_none(),
        "cleared in the form: {}",
        read.json
    );
}

on_both_backends!(the_further_fields_are_registered_read_back_and_corrected);
