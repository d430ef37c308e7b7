//! The registry of information solutions and the `dro-hosting` process over HTTP (issue #17),
//! on SQLite and PostgreSQL: a solution registered (and refused by Art. 41 and 47(3)); its
//! first version walked from the order to production with files attached at their steps, the
//! pen test waived by SIV, the transition rolled back once, the Decree's refusals (Art. 14(3),
//! 29(5), 7, 23) on the way; the next version entering at the development order; the board.

use crate::on_both_backends;
use crate::support::*;
use adam_core::register::inventory::{ItemFields, ItemKind, Operator};
use adam_core::*;
use serde_json::{Value, json};

/// The system OPSI-SYS (with this custodian) and solution OPSI on it, for the walk and for
/// the matrix.
pub async fn ensure_solution(server: &TestServer, custodian: UserId) -> u64 {
    if let Some(s) = server
        .state
        .world()
        .solutions()
        .iter()
        .find(|s| s.fields.codename.as_str() == "OPSI")
    {
        return u64::from(s.id.0);
    }
    let system = match crate::inventory_fixture::run(
        server,
        Actor::System,
        Command::CreateItem {
            kind: ItemKind::System,
            fields: ItemFields {
                code: Code::parse("c", "OPSI-SYS").unwrap(),
                name: Text::parse("n", "Sistem OPSI").unwrap(),
                description: None,
                custodian,
                operators: vec![Operator::User(server.fx.glpi_admin)],
                label: None,
                own: true,
                key_server: false,
                high_risk: false,
                secured_area: true,
                other_inventory: None,
                public_cloud: None,
                application: None,
                last_reviewed: None,
                review_due: None,
                attachments: Vec::new(),
            },
        },
    )
    .await
    {
        Some(Created::Item(i)) => i,
        other => panic!("{other:?}"),
    };
    let Some(Created::Solution(s)) = crate::inventory_fixture::run(
        server,
        Actor::System,
        Command::RegisterSolution {
            fields: serde_json::from_value(solution(server, system.0)).unwrap(),
        },
    )
    .await
    else {
        panic!("no solution")
    };
    u64::from(s.0)
}

/// OPSI's entry: Ana is the customer and the developer's contact (and the system's
/// custodian), the GLPI administrator coordinates, deploys and supports, the UN administrator
/// is SOC and heads system support, the system administrator is SIV and the infrastructure
/// manager.
pub fn solution(server: &TestServer, system: u32) -> Value {
    let fx = &server.fx;
    json!({
        "codename": "OPSI", "name": "Portal odprtih podatkov", "customer_body": "Ministrstvo za javno upravo",
        "contractor": "Razvijalec d.o.o.", "entry_route": "order",
        "test": {"address": "opsi-test.dro.gov.si", "certificates": ["*.dro.gov.si"]},
        "production": {"address": "podatki.gov.si"},
        "repository": "svn://dro/opsi", "system": system,
        "people": {
            "customer": fx.ana, "developer": fx.ana, "siv": fx.admin, "soc": fx.un_admin,
            "coordinator": fx.glpi_admin, "deployment_engineer": fx.glpi_admin,
            "infrastructure_manager": fx.admin, "system_support": fx.glpi_admin,
            "support_head": fx.un_admin, "operational_wg": fx.glpi_admin,
            "technical_board": fx.glpi_admin, "ekc": fx.admin, "registry_custodian": fx.glpi_admin
        }
    })
}

pub(crate) async fn upload(server: &TestServer, who: Who, doc: &str) -> Value {
    let response = server
        .client
        .post(format!(
            "{}/api/v1/attachments?name={doc}.pdf&doc_type={doc}",
            server.url
        ))
        .bearer_auth(server.token(who).unwrap())
        .header("content-type", "application/pdf")
        .body(format!("Dokument {doc}").into_bytes())
        .send()
        .await
        .unwrap();
    let r = crate::inventory_fixture::reply(response).await;
    assert!(r.status.is_success(), "{}", r.text);
    r.json
}

pub(crate) struct Walk<'a> {
    pub(crate) server: &'a TestServer,
    pub(crate) case: u64,
}

impl Walk<'_> {
    pub(crate) async fn body(&self, who: Who, step: &str, outcome: &str, fields: Value, docs: &[&str]) -> Value {
        let mut files = Vec::new();
        for d in docs {
            files.push(upload(self.server, who, d).await);
        }
        json!({"step": step, "outcome": outcome, "fields": fields, "attachments": files})
    }
    pub(crate) async fn go(&self, who: Who, step: &str, outcome: &str, fields: Value, docs: &[&str]) {
        let body = self.body(who, step, outcome, fields, docs).await;
        let r = self
            .server
            .post(who, &format!("/api/v1/cases/{}/decisions", self.case), &body)
            .await;
        assert_eq!(r.status.as_u16(), 200, "{step} {outcome}: {}", r.text);
    }
    pub(crate) async fn refuse(&self, who: Who, step: &str, outcome: &str, fields: Value, docs: &[&str], code: &str) {
        let body = self.body(who, step, outcome, fields, docs).await;
        self.server
            .post(who, &format!("/api/v1/cases/{}/decisions", self.case), &body)
            .await
            .problem(if code == "environments-not-separate" { 422 } else { 409 }, code);
    }
    pub(crate) async fn consent(&self, who: Who, role: &str) {
        self.server
            .post(
                who,
                &format!("/api/v1/cases/{}/consents", self.case),
                &json!({"role": role, "comment": "Soglašam."}),
            )
            .await
            .expect(200);
    }
    /// The version's Art. 22 change request prepared by the system's custodian and approved
    /// with the custodian's and the security lead's written consents (nothing if it has none
    /// or it is approved already).
    pub(crate) async fn approve_change(&self, custodian: Who, lead: Who) {
        let change = {
            let w = self.server.state.world();
            let Some(change) = w.version_change_of(CaseId(self.case as u32)) else {
                return;
            };
            if w.change_approved(change) {
                return;
            }
            change
        };
        let c = Walk {
            server: self.server,
            case: u64::from(change.0),
        };
        let prepared = json!({"security_impact": "Nova različica; kontrole ostanejo.",
                              "production_conditions": "Okno vzdrževanja, dogovor s sistemsko podporo."});
        c.go(custodian, "prepare", "submit", prepared, &[]).await;
        c.consent(custodian, "custodian").await;
        c.consent(lead, "security_lead").await;
        c.go(lead, "consent", "approve", json!({}), &[]).await;
    }

    /// A first version from its entry at the order to the development request (1.1.1.19),
    /// the documentation adequate at once, no EKC support.
    pub(crate) async fn onboard_to_development(&self) {
        self.go(Who::UserAdminHere, "entry", "order", json!({}), &[]).await;
        self.onboard_from_order().await;
    }

    /// From the installation order (1.1.1.10) to the development request (1.1.1.19), the
    /// documentation adequate at once, no EKC support.
    pub(crate) async fn onboard_from_order(&self) {
        use Who::{Plain as Ana, UserAdminHere as Glpi};
        self.go(Ana, "1.1.1.10", "done", json!({}), &["order"]).await;
        self.go(
            Glpi,
            "1.1.1.11",
            "done",
            json!({"has_pzi": false}),
            &["application_profile", "address_table", "minimum_documentation"],
        )
        .await;
        self.go(Glpi, "1.1.1.12", "adequate", json!({}), &[]).await;
        self.onboard_from_codename().await;
        self.go(
            Ana,
            "1.1.1.19",
            "done",
            json!({"request_kind": "initial"}),
            &["development_request"],
        )
        .await;
    }

    /// From the codename (1.1.1.14, the infrastructure manager consenting) to the development
    /// order taken (1.1.1.18).
    pub(crate) async fn onboard_from_codename(&self) {
        use Who::{Plain as Ana, SysAdmin as Admin, UserAdminHere as Glpi};
        self.consent(Admin, "infrastructure_manager").await;
        self.go(
            Glpi,
            "1.1.1.14",
            "done",
            json!({"codename": "OPSI"}),
            &["physical_plan_test"],
        )
        .await;
        self.go(
            Glpi,
            "1.1.1.15",
            "done",
            json!({"svn_repository": "svn://dro/opsi"}),
            &["repository_application"],
        )
        .await;
        self.go(Ana, "1.1.1.16", "decided", json!({"ekc_support": "none"}), &[])
            .await;
        self.consent(Admin, "infrastructure_manager").await;
        self.go(
            Glpi,
            "1.1.1.23",
            "done",
            json!({"test_address": "opsi-test.dro.gov.si"}),
            &[],
        )
        .await;
        self.go(Ana, "1.1.1.18", "done", json!({}), &[]).await;
    }

    /// Code review to the production acceptance (1.1.1.22–1.1.1.34), all passed.
    pub(crate) async fn review_to_acceptance(&self) {
        self.review_to_production_test().await;
        self.go(
            Who::Plain,
            "1.1.1.34",
            "pass",
            json!({}),
            &["user_manuals", "functional_test_report"],
        )
        .await;
    }

    /// Development (1.1.1.20) to the customer's acceptance test in production (1.1.1.34),
    /// every step before it passed.
    pub(crate) async fn review_to_production_test(&self) {
        use Who::{Plain as Ana, UserAdminHere as Glpi, UserAdminOther as Un};
        self.go(Ana, "1.1.1.20", "done", json!({}), &[]).await;
        self.go(Ana, "1.1.1.21", "done", json!({}), &["installation_instructions"])
            .await;
        self.go(Un, "1.1.1.22", "done", json!({}), &["code_review_report"])
            .await;
        self.go(Un, "1.1.1.25", "pass", json!({}), &[]).await;
        self.go(Glpi, "1.1.1.24", "done", json!({}), &[]).await;
        for (p, next) in [("1.2.1", "1.1.1.27"), ("1.3.1", "1.1.1.33")] {
            for (s, o, who) in [
                ("1", "done", Glpi),
                ("2", "done", Glpi),
                ("3", "done", Glpi),
                ("4", "ok", Glpi),
                ("5", "done", Ana),
                ("6", "ok", Ana),
                ("8", "done", Glpi),
            ] {
                self.go(who, &format!("{p}.{s}"), o, json!({}), &[]).await;
            }
            if next == "1.1.1.27" {
                self.go(Ana, "1.1.1.27", "done", json!({}), &["test_plan"]).await;
                self.go(Ana, "1.1.1.28", "pass", json!({}), &[]).await;
                self.go(Ana, "1.1.1.29", "done", json!({}), &["production_request"])
                    .await;
                // Art. 47(3): production at the test address is refused.
                let fields =
                    json!({"production_address": "https://opsi-test.dro.gov.si/", "environments_separate": true});
                self.refuse(Glpi, "1.1.1.31", "done", fields, &[], "environments-not-separate")
                    .await;
                let fields = json!({"production_address": "podatki.gov.si", "environments_separate": true});
                self.go(Glpi, "1.1.1.31", "done", fields, &["physical_plan_production"])
                    .await;
            }
        }
        self.go(Ana, "1.1.1.33", "done", json!({}), &[]).await;
    }

    /// The case's current step.
    pub(crate) async fn at(&self) -> String {
        let view = self
            .server
            .get(Who::UserAdminHere, &format!("/api/v1/cases/{}", self.case))
            .await
            .expect(200);
        view.json["step"].as_str().unwrap_or_default().to_owned()
    }
}

async fn a_solution_is_onboarded_and_its_next_version_enters_at_development(backend: Backend) {
    use Who::{Plain as Ana, SysAdmin as Admin, UserAdminHere as Glpi, UserAdminOther as Un};
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let id = ensure_solution(&server, server.fx.ana).await;
    let path = format!("/api/v1/solutions/{id}");
    let view = server.get(Glpi, &path).await.expect(200);
    assert_eq!(view.json["codename"], "OPSI");
    assert_eq!(view.json["phase"], "registered");
    // Refusals: a codename taken; Art. 47(3) one address for test and production.
    let system = view.json["system"].as_u64().unwrap() as u32;
    let mut twin = solution(&server, system);
    server
        .post(Glpi, "/api/v1/solutions", &twin)
        .await
        .problem(409, "codename-taken");
    twin["codename"] = json!("E2");
    twin["production"] = json!({"address": "opsi-test.dro.gov.si"});
    server
        .post(Glpi, "/api/v1/solutions", &twin)
        .await
        .problem(422, "environments-not-separate");
    // Art. 41: a public cloud only for a system at most Z1/C1/R1 (the custodian classifies Z2).
    server
        .post(
            Ana,
            &format!("/api/v1/inventory/{system}/classification"),
            &json!({"z": 2, "c": 1, "r": 1}),
        )
        .await
        .expect(200);
    twin["production"] = json!({"address": "e2.gov.si"});
    twin["public_cloud"] = json!(true);
    let r = server
        .post(Glpi, "/api/v1/solutions", &twin)
        .await
        .problem(409, "solution-public-cloud-class");
    assert!(r.text.contains("41"), "{}", r.text);
    // A plain user does not register solutions.
    twin["public_cloud"] = json!(false);
    server
        .post(Ana, "/api/v1/solutions", &twin)
        .await
        .problem(403, "not-register-keeper");
    // Version 1.0: a dro-hosting case at its entry, performed by the coordinator.
    let opened = server
        .post(Glpi, &format!("{path}/versions"), &json!({"version": "1.0"}))
        .await
        .expect(201);
    let case = opened.json["version_history"][0]["case"].as_u64().unwrap();
    assert_eq!(opened.json["version_history"][0]["first"], true);
    server
        .post(Glpi, &format!("{path}/versions"), &json!({"version": "1.1"}))
        .await
        .problem(409, "version-in-flight");
    let w = Walk { server: &server, case };
    w.go(Glpi, "entry", "order", json!({}), &[]).await;
    w.go(Ana, "1.1.1.10", "done", json!({}), &["order"]).await;
    w.go(
        Glpi,
        "1.1.1.11",
        "done",
        json!({"has_pzi": false}),
        &["application_profile", "address_table", "minimum_documentation"],
    )
    .await;
    // Documentation inadequate → back to the customer.
    w.go(Glpi, "1.1.1.12", "inadequate", json!({}), &[]).await;
    w.go(Ana, "1.1.1.13", "done", json!({}), &[]).await;
    w.go(Glpi, "1.1.1.12", "adequate", json!({}), &[]).await;
    w.onboard_from_codename().await;
    w.go(
        Ana,
        "1.1.1.19",
        "done",
        json!({"request_kind": "initial"}),
        &["development_request"],
    )
    .await;
    // A role cannot be rebound on the way: SOC making itself SIV is refused.
    let body = w
        .body(Ana, "1.1.1.20", "done", json!({"siv": server.fx.ana}), &[])
        .await;
    server
        .post(Ana, &format!("/api/v1/cases/{case}/decisions"), &body)
        .await
        .problem(409, "fixed-case-field");
    w.review_to_acceptance().await;
    // SIV waives the penetration test for this version: SOC alone cannot.
    let waiver = json!({"pen_test_waiver": "Statične strani, brez prijave."});
    w.refuse(Un, "1.1.1.35", "waived", waiver.clone(), &[], "guards-unmet")
        .await;
    w.consent(Admin, "siv").await;
    w.go(Un, "1.1.1.35", "waived", waiver, &[]).await;
    w.go(Ana, "1.1.1.37", "no", json!({}), &[]).await;
    // Art. 14(3), 29(5): the instructions before the transition request.
    w.refuse(
        Ana,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form"],
        "instructions-missing",
    )
    .await;
    w.go(
        Ana,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    )
    .await;
    // Art. 7: the custodian approves; Art. 23: the independent assessment before the first transfer.
    w.consent(Glpi, "system_support").await;
    w.consent(Un, "support_head").await;
    let plan = json!({"rollback_plan": "Vrnitev prejšnjega stanja.", "transition_date": "15. 4. 2026"});
    // Art. 22(3): the version is a change — the change request opened with it (for OPSI's
    // system, its rollback plan the micro plan's) must be approved with the custodian's and
    // the security lead's written consents before the step before the transition is done.
    let change = opened.json["version_history"][0]["change"].as_u64().unwrap();
    let ch = server.get(Glpi, &format!("/api/v1/cases/{change}")).await.expect(200);
    assert_eq!(ch.json["process"], "change-request", "{}", ch.text);
    w.refuse(
        Glpi,
        "1.1.1.45",
        "done",
        plan.clone(),
        &["micro_plan"],
        "version-change-not-approved",
    )
    .await;
    w.approve_change(Ana, Glpi).await;
    w.refuse(
        Glpi,
        "1.1.1.45",
        "done",
        plan.clone(),
        &["micro_plan"],
        "no-custodian-approval",
    )
    .await;
    w.consent(Ana, "custodian").await;
    w.refuse(Glpi, "1.1.1.45", "done", plan.clone(), &[], "no-independent-assessment")
        .await;
    w.go(Glpi, "1.1.1.45", "done", plan, &["micro_plan", "security_assessment"])
        .await;
    // The transition fails and is rolled back; planned again; succeeds.
    w.go(
        Glpi,
        "1.1.1.46",
        "rolled_back_replan",
        json!({"rollback_record": "Baza se ni zagnala."}),
        &[],
    )
    .await;
    w.consent(Glpi, "system_support").await;
    w.consent(Un, "support_head").await;
    w.consent(Ana, "custodian").await;
    w.go(Glpi, "1.1.1.45", "done", json!({"transition_date": "22. 4. 2026"}), &[])
        .await;
    w.go(Glpi, "1.1.1.46", "success", json!({}), &["ovsp_completed"]).await;
    w.go(Glpi, "1.1.1.47", "done", json!({"notified_at": "22. 4. 2026"}), &[])
        .await;
    // The registry reads the version's history from its case.
    let view = server.get(Glpi, &path).await.expect(200);
    assert_eq!(view.json["phase"], "live", "{}", view.text);
    let facts = &view.json["version_history"][0]["facts"];
    assert_eq!(facts["pen_test"], "waived");
    assert_eq!(facts["pen_test_waived_by"], server.fx.admin.0);
    assert_eq!(facts["rollbacks"], 1);
    assert_eq!(facts["transition_date"], "22. 4. 2026");
    assert_eq!(facts["in_production"], true);
    // Version 1.1 enters at the development order; the waiver does not carry over.
    let opened = server
        .post(Glpi, &format!("{path}/versions"), &json!({"version": "1.1"}))
        .await
        .expect(201);
    assert_eq!(opened.json["version_history"][1]["first"], false);
    let w = Walk {
        server: &server,
        case: opened.json["version_history"][1]["case"].as_u64().unwrap(),
    };
    w.refuse(Glpi, "entry", "order", json!({}), &[], "guards-unmet").await;
    w.go(Glpi, "entry", "new_version", json!({}), &[]).await;
    w.go(Ana, "1.1.1.18", "done", json!({}), &[]).await;
    w.go(
        Ana,
        "1.1.1.19",
        "done",
        json!({"request_kind": "new_functionality"}),
        &["development_request"],
    )
    .await;
    w.review_to_acceptance().await;
    w.refuse(
        Un,
        "1.1.1.35",
        "waived",
        json!({"pen_test_waiver": "Kot prej."}),
        &[],
        "guards-unmet",
    )
    .await;
    // The board: OPSI in the security phase with version 1.1 in flight.
    let board = server.get(Glpi, "/api/v1/solutions/board").await.expect(200);
    assert_eq!(board.json["in_flight"], 1);
    let security = board.json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phase"] == "security")
        .unwrap()
        .clone();
    assert_eq!(security["solutions"][0]["codename"], "OPSI");
    assert_eq!(security["solutions"][0]["version"], "1.1");
    // Readers only: another office's user administrator reads, the service account does not.
    server
        .get(Who::Service, &path)
        .await
        .problem(403, "not-an-inventory-reader");
}
on_both_backends!(a_solution_is_onboarded_and_its_next_version_enters_at_development);

/// The failure loops of `dro-hosting` over HTTP (issue #17, "each failure loop … on SQLite and
/// PostgreSQL"): the SOC review failed goes back to development through SOC's notice; the
/// customer's acceptance test (T) failed goes back to a development request, only with the
/// test results attached; the version then passes where it failed. (The core walks every loop,
/// `hosting::every_failure_loops_back_where_the_seed_says`.)
async fn a_failed_code_review_and_a_failed_acceptance_test_loop_back_over_http(backend: Backend) {
    use Who::{Plain as Ana, UserAdminHere as Glpi, UserAdminOther as Un};
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let id = ensure_solution(&server, server.fx.ana).await;
    let opened = server
        .post(
            Glpi,
            &format!("/api/v1/solutions/{id}/versions"),
            &json!({"version": "1.0"}),
        )
        .await
        .expect(201);
    let case = opened.json["version_history"][0]["case"].as_u64().unwrap();
    let w = Walk { server: &server, case };
    let at = || async {
        let view = server.get(Glpi, &format!("/api/v1/cases/{case}")).await.expect(200);
        view.json["step"].as_str().unwrap_or_default().to_owned()
    };
    w.onboard_to_development().await;
    w.go(Ana, "1.1.1.20", "done", json!({}), &[]).await;
    w.go(Ana, "1.1.1.21", "done", json!({}), &["installation_instructions"])
        .await;
    w.go(Un, "1.1.1.22", "done", json!({}), &["code_review_report"]).await;
    // SOC review failed → SOC's notice → development again.
    w.go(Un, "1.1.1.25", "fail", json!({}), &[]).await;
    assert_eq!(at().await, "1.1.1.26");
    w.go(Un, "1.1.1.26", "done", json!({}), &[]).await;
    assert_eq!(
        at().await,
        "1.1.1.20",
        "the SOC review's failure goes back to development"
    );
    w.go(Ana, "1.1.1.20", "done", json!({}), &[]).await;
    w.go(Ana, "1.1.1.21", "done", json!({}), &[]).await;
    w.go(Un, "1.1.1.22", "done", json!({}), &[]).await;
    w.go(Un, "1.1.1.25", "pass", json!({}), &[]).await;
    w.go(Glpi, "1.1.1.24", "done", json!({}), &[]).await;
    for (s, o, who) in [
        ("1", "done", Glpi),
        ("2", "done", Glpi),
        ("3", "done", Glpi),
        ("4", "ok", Glpi),
        ("5", "done", Ana),
        ("6", "ok", Ana),
        ("8", "done", Glpi),
    ] {
        w.go(who, &format!("1.2.1.{s}"), o, json!({}), &[]).await;
    }
    w.go(Ana, "1.1.1.27", "done", json!({}), &["test_plan"]).await;
    // Acceptance test (T) failed: only with its results, and back to a development request.
    let r = server
        .post(
            Ana,
            &format!("/api/v1/cases/{case}/decisions"),
            &w.body(Ana, "1.1.1.28", "fail", json!({}), &[]).await,
        )
        .await
        .problem(409, "guards-unmet");
    assert!(r.text.contains("test_results"), "{}", r.text);
    w.go(Ana, "1.1.1.28", "fail", json!({}), &["test_results"]).await;
    assert_eq!(at().await, "1.1.1.19", "a failed acceptance test asks for a fix");
    w.go(Ana, "1.1.1.19", "done", json!({"request_kind": "failed_test"}), &[])
        .await;
    assert_eq!(at().await, "1.1.1.20");
    // The history keeps both failures, in order.
    let history = server.state.world().case(CaseId(case as u32)).unwrap().history.clone();
    let failed: Vec<String> = history
        .iter()
        .filter(|t| t.outcome.as_str() == "fail")
        .map(|t| t.step.to_string())
        .collect();
    assert_eq!(failed, ["1.1.1.25", "1.1.1.28"]);
}
on_both_backends!(a_failed_code_review_and_a_failed_acceptance_test_loop_back_over_http);

/// The rest of `dro-hosting`'s loops over HTTP, on both backends: the customer's acceptance
/// test in production (P) failed goes back to development through a fix order, only with the
/// test's results; the penetration test failed, only with its report, the same way; the load
/// tests failed go back to a development request through the customer's notice; and a tender
/// with exceptional criteria is escalated to the operational working group and the technical
/// board before it may go on. (The core walks them too: `hosting::every_failure_loops_back_where_the_seed_says`,
/// `hosting::an_exceptional_system_is_escalated_to_the_technical_board`.)
async fn the_later_failures_and_the_escalation_loop_back_over_http(backend: Backend) {
    use Who::{Plain as Ana, SysAdmin as Admin, UserAdminHere as Glpi, UserAdminOther as Un};
    let server = TestServer::start(backend).await;
    server.make_security_lead(server.fx.glpi_admin).await;
    let id = ensure_solution(&server, server.fx.ana).await;
    let opened = server
        .post(
            Glpi,
            &format!("/api/v1/solutions/{id}/versions"),
            &json!({"version": "1.0"}),
        )
        .await
        .expect(201);
    let case = opened.json["version_history"][0]["case"].as_u64().unwrap();
    let w = Walk { server: &server, case };

    // A tender with exceptional criteria: not on before the working group judges, escalated
    // to the board, back at 1.1.1.7 with its decision, never escalated twice.
    w.go(Glpi, "entry", "tender", json!({}), &[]).await;
    w.go(Ana, "1.1.1.6", "done", json!({}), &[]).await;
    let criteria = json!({"exceptional_criteria": ["peaks", "media"]});
    w.refuse(
        Glpi,
        "1.1.1.7",
        "to_pzi",
        criteria.clone(),
        &["tender_documentation"],
        "guards-unmet",
    )
    .await;
    w.go(Glpi, "1.1.1.7", "exceptional", criteria, &["tender_documentation"])
        .await;
    assert_eq!(w.at().await, "owg");
    w.go(Glpi, "owg", "critical", json!({"owg_judgement": "critical"}), &[])
        .await;
    assert_eq!(w.at().await, "board");
    w.refuse(Glpi, "board", "resolved", json!({}), &[], "guards-unmet")
        .await;
    w.go(
        Glpi,
        "board",
        "resolved",
        json!({"board_decision": "Dodatni strokovnjak za vse faze razpisa.", "board_measure": "extra_expert"}),
        &[],
    )
    .await;
    assert_eq!(w.at().await, "1.1.1.7");
    w.refuse(Glpi, "1.1.1.7", "exceptional", json!({}), &[], "guards-unmet")
        .await;
    w.go(Glpi, "1.1.1.7", "to_order", json!({}), &[]).await;
    w.onboard_from_order().await;

    // Acceptance test (P) failed: only with its results; a fix order; development again.
    w.review_to_production_test().await;
    w.refuse(Ana, "1.1.1.34", "fail", json!({}), &[], "guards-unmet").await;
    w.go(Ana, "1.1.1.34", "fail", json!({}), &["test_results"]).await;
    assert_eq!(w.at().await, "1.1.1.36");
    w.refuse(Ana, "1.1.1.36", "done", json!({}), &[], "guards-unmet").await;
    w.go(Ana, "1.1.1.36", "done", json!({}), &["fix_request"]).await;
    assert_eq!(
        w.at().await,
        "1.1.1.20",
        "a failed production test goes back to development"
    );

    // Penetration test failed: only with its report; the same fix order.
    w.review_to_acceptance().await;
    w.refuse(Un, "1.1.1.35", "fail", json!({}), &[], "guards-unmet").await;
    w.go(Un, "1.1.1.35", "fail", json!({}), &["pen_test_report"]).await;
    assert_eq!(w.at().await, "1.1.1.36");
    w.go(Ana, "1.1.1.36", "done", json!({}), &[]).await;
    assert_eq!(w.at().await, "1.1.1.20");

    // Load tests failed: the customer asked for them; the deployment engineer's results;
    // the customer is told and a new development request follows.
    w.review_to_acceptance().await;
    w.go(Un, "1.1.1.35", "pass", json!({}), &[]).await;
    w.go(Ana, "1.1.1.37", "yes", json!({}), &[]).await;
    w.go(Ana, "1.1.1.39", "done", json!({}), &["load_test_request"]).await;
    w.go(Glpi, "1.1.1.40", "done", json!({}), &["load_test_plan"]).await;
    w.refuse(Glpi, "1.1.1.41", "fail", json!({}), &[], "guards-unmet").await;
    w.go(Glpi, "1.1.1.41", "fail", json!({}), &["system_test_results"])
        .await;
    assert_eq!(w.at().await, "1.1.1.42");
    w.go(Glpi, "1.1.1.42", "done", json!({}), &[]).await;
    assert_eq!(
        w.at().await,
        "1.1.1.19",
        "failed load tests ask for a new development request"
    );
    w.go(
        Ana,
        "1.1.1.19",
        "done",
        json!({"request_kind": "failed_load_test"}),
        &[],
    )
    .await;
    assert_eq!(w.at().await, "1.1.1.20");
    // Nobody else decides the development team's step.
    let body = w.body(Admin, "1.1.1.20", "done", json!({}), &[]).await;
    server
        .post(Admin, &format!("/api/v1/cases/{case}/decisions"), &body)
        .await
        .problem(403, "not-performer");

    // The history keeps every failure and the escalation, in order.
    let c = server.state.world().case(CaseId(case as u32)).unwrap().clone();
    let failed: Vec<String> = c
        .history
        .iter()
        .filter(|t| t.outcome.as_str() == "fail")
        .map(|t| t.step.to_string())
        .collect();
    assert_eq!(failed, ["1.1.1.34", "1.1.1.35", "1.1.1.41"]);
    assert!(
        c.path()
            .starts_with(&["entry", "1.1.1.6", "1.1.1.7", "owg", "board", "1.1.1.7"])
    );
}
on_both_backends!(the_later_failures_and_the_escalation_loop_back_over_http);
