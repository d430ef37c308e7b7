//! ADAM governs its own changes (Art. 22, issue #16) over HTTP and in the UI, on SQLite and
//! PostgreSQL: with `governed_changes` on, a change to the contents of a role of an application
//! that lives in a Z3 system, and every later settings change, names an approved change
//! request (`change` in the role's PATCH, `?change=` on the settings' PUT, a field on the role
//! page) or is refused with a specific problem — at the field in the UI, with what was typed.

use crate::inventory_fixture::{class, classify, fields, run};
use crate::on_both_backends;
use crate::support::*;
use adam_core::register::inventory::ItemKind;
use adam_core::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

fn decide(case: CaseId, step: &str, outcome: &str, fields: serde_json::Value) -> Command {
    Command::DecideStep {
        case,
        step: code(step),
        outcome: code(outcome),
        comment: None,
        fields: serde_json::from_value::<BTreeMap<String, serde_json::Value>>(fields).unwrap(),
        attachments: vec![],
    }
}

/// A change request about `system` started by its custodian; walked to `implement` when
/// `approve`.
async fn change_request(s: &TestServer, system: ItemId, custodian: UserId, lead: UserId, approve: bool) -> CaseId {
    let Some(Created::Case(case)) = run(
        s,
        Actor::user(custodian),
        Command::StartCase {
            process: code("change-request"),
            title: Text::parse("t", "Vsebina vloge VOPI/Referenti").unwrap(),
            fields: serde_json::from_value(json!({"system": system.0, "description": "Sprememba vloge."})).unwrap(),
            attachments: vec![],
        },
    )
    .await
    else {
        panic!("no case")
    };
    if !approve {
        return case;
    }
    let fields = json!({"security_impact": "Nizek.", "production_conditions": "Takoj.", "rollback_plan": "Vrnitev vloge.", "notified_entities": "Uporabniki aplikacije.", "notified_at": "2026-03-01"});
    run(s, Actor::user(custodian), decide(case, "prepare", "submit", fields)).await;
    for (who, role) in [(custodian, "custodian"), (lead, "security_lead")] {
        let consent = Command::ConsentCase {
            case,
            role: code(role),
            comment: None,
        };
        run(s, Actor::user(who), consent).await;
    }
    run(s, Actor::user(lead), decide(case, "consent", "approve", json!({}))).await;
    case
}

async fn adam_governs_its_own_changes(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (lead, ana) = (s.fx.glpi_admin, s.fx.ana);
    s.make_security_lead(lead).await;
    // A Z3 system the VOPI application lives in, kept by Ana.
    let mut f = fields("VOPI-APP", "Aplikacija VOPI", ana);
    f.application = Some(s.fx.vopi);
    let Some(Created::Item(system)) = run(
        &s,
        Actor::user(lead),
        Command::CreateItem {
            kind: ItemKind::System,
            fields: f,
        },
    )
    .await
    else {
        panic!("no system")
    };
    classify(&s, ana, system, class(3, 1, 1)).await;
    let role = format!("/api/v1/roles/{}", s.fx.referent.0);
    let empty = json!({"members": []});

    // Off by default: nothing asked. Switching it on asks nothing either.
    let mut settings = s.get(Who::SysAdmin, "/api/v1/settings").await.expect(200).json;
    // Off: left out of the settings (so change logs from before it re-encode unchanged).
    assert!(
        settings.get("governed_changes").is_none_or(|v| v == false),
        "{settings}"
    );
    settings["governed_changes"] = json!(true);
    s.call(Who::SysAdmin, Method::PUT, "/api/v1/settings", Some(&settings))
        .await
        .expect(200);

    // The role's contents now need an approved request about VOPI-APP.
    let refused = s
        .patch(Who::SysAdmin, &role, &empty)
        .await
        .problem(409, "change-request-required");
    assert!(refused.json["detail"].as_str().unwrap().contains("VOPI/Referenti"));
    let early = change_request(&s, system, ana, lead, false).await;
    s.patch(Who::SysAdmin, &role, &json!({"members": [], "change": early.0}))
        .await
        .problem(409, "change-not-approved");
    // Its description alone is not its contents.
    s.patch(Who::SysAdmin, &role, &json!({"description": "Referenti VOPI"}))
        .await
        .expect(200);

    // The UI asks for the request on the role page and keeps what was typed on a refusal.
    let ui = s.ui(Who::SysAdmin);
    let path = format!("/ui/roles/{}", s.fx.referent.0);
    let page = ui.get(&path).await.body;
    assert!(page.contains("id=\"change\""), "{page}");
    let rev = s.state.world().role(s.fx.referent).unwrap().rev.0.to_string();
    let post = async |change: &str| {
        let form = [
            ("rev", rev.as_str()),
            ("description", "Referenti VOPI"),
            ("change", change),
        ];
        ui.post(&path, &form).await.parts()
    };
    let (status, html) = post("zadeva x").await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    assert!(html.contains("Vpišite številko zadeve"), "{html}");
    assert!(html.contains("value=\"zadeva x\""), "{html}");
    let (status, html) = post("").await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    assert!(html.contains("odobreno zahtevo za spremembo"), "{html}");
    assert!(html.contains("aria-invalid=\"true\" autofocus"), "{html}");
    assert!(!s.state.world().role(s.fx.referent).unwrap().members.is_empty());

    // An approved request about VOPI-APP lets the change through, in the UI as in the API.
    let change = change_request(&s, system, ana, lead, true).await;
    let typed: &'static str = Box::leak(format!("#{}", change.0).into_boxed_str());
    let (status, _) = post(typed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(s.state.world().role(s.fx.referent).unwrap().members.is_empty());
    s.patch(
        Who::SysAdmin,
        &role,
        &json!({"members": [s.fx.writer.0], "change": change.0}),
    )
    .await
    .expect(200);

    // Every settings change names a request now, switching it off included.
    settings["governed_changes"] = json!(false);
    s.call(Who::SysAdmin, Method::PUT, "/api/v1/settings", Some(&settings))
        .await
        .problem(409, "change-request-required");
    s.call(
        Who::SysAdmin,
        Method::PUT,
        &format!("/api/v1/settings?change={}", change.0),
        Some(&settings),
    )
    .await
    .expect(200);
    assert!(!s.state.world().settings().governed_changes);
}
on_both_backends!(adam_governs_its_own_changes);
