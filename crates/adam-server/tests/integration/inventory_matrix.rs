//! The inventory's routes × the callers its rules tell apart (issue 15): the security lead,
//! the custodian of this system, the custodian of another system, a user administrator, a
//! plain user, the `admin` account and a service token — allowed or refused with 403 (and
//! 401 without a token). Requests that change something run on a fresh server each.
//! (`matrix.rs` holds the same routes for the fixture's five callers, so that every route of
//! the API is in one table.)

use crate::inventory_fixture::*;
use crate::support::*;
use adam_server::api::api;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub(crate) struct Row {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    /// `Y`/`N` for Lead, Custodian, OtherCustodian, UserAdmin, Plain, Admin, Service.
    pub(crate) expect: &'static str,
}

pub(crate) fn row(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: &'static str,
) -> Row {
    Row {
        method,
        template,
        path,
        body,
        expect,
    }
}

fn rows(custodian: u32, other: u32) -> Vec<Row> {
    let (g, p) = (Method::GET, Method::POST);
    let item = format!("/api/v1/inventory/{SYSTEM}");
    let full = json!({"code": "VOPI-SYS", "name": "Sistem VOPI 2", "custodian": custodian, "own": true,
        "last_reviewed": "2026-03-01"});
    // Lead, custodian here, custodian elsewhere, user admin, plain, admin, service.
    const READ: &str = "YYYYNYN";
    const KEEP: &str = "YNNNNYN";
    const EDIT: &str = "YYNNNYN";
    vec![
        row(g.clone(), "/api/v1/inventory", "/api/v1/inventory".into(), None, READ),
        row(
            p.clone(),
            "/api/v1/inventory",
            "/api/v1/inventory".into(),
            Some(json!({"kind": "asset", "code": "NOVO", "name": "Novo", "custodian": custodian})),
            KEEP,
        ),
        row(
            g.clone(),
            "/api/v1/inventory.csv",
            "/api/v1/inventory.csv".into(),
            None,
            READ,
        ),
        row(g.clone(), "/api/v1/inventory/{id}", item.clone(), None, READ),
        row(
            Method::PATCH,
            "/api/v1/inventory/{id}",
            item.clone(),
            Some(json!({"name": "Preimenovan"})),
            EDIT,
        ),
        row(Method::PUT, "/api/v1/inventory/{id}", item.clone(), Some(full), EDIT),
        row(
            p.clone(),
            "/api/v1/inventory/{id}/classification",
            format!("{item}/classification"),
            Some(json!({"z": 2, "c": 2, "r": 1})),
            // Only the custodian (Art. 7).
            "NYNNNNN",
        ),
        row(
            p.clone(),
            "/api/v1/inventory/{id}/retire",
            format!("{item}/retire"),
            None,
            KEEP,
        ),
        row(
            p.clone(),
            "/api/v1/inventory/{id}/links",
            format!("{item}/links"),
            Some(json!({"asset": OTHER_ASSET, "relation": "handles"})),
            EDIT,
        ),
        row(
            Method::DELETE,
            "/api/v1/inventory/links/{id}",
            format!("/api/v1/inventory/links/{LINK}"),
            None,
            EDIT,
        ),
        row(
            g.clone(),
            "/api/v1/inventory/{id}/history",
            format!("{item}/history"),
            None,
            READ,
        ),
        row(
            g.clone(),
            "/api/v1/decree-roles",
            "/api/v1/decree-roles".into(),
            None,
            READ,
        ),
        row(
            p.clone(),
            "/api/v1/decree-roles",
            "/api/v1/decree-roles".into(),
            Some(json!({"role": "coordinator", "user": other, "since": "2026-03-01"})),
            KEEP,
        ),
        row(
            p.clone(),
            "/api/v1/decree-roles/{id}/end",
            format!("/api/v1/decree-roles/{APPOINTMENT}/end"),
            Some(json!({"until": "2026-03-02"})),
            KEEP,
        ),
        row(
            g.clone(),
            "/api/v1/decree-roles/holders",
            "/api/v1/decree-roles/holders?format=csv".into(),
            None,
            READ,
        ),
        row(
            g.clone(),
            "/api/v1/class-scheme",
            "/api/v1/class-scheme".into(),
            None,
            "YYYYYYY",
        ),
        row(
            Method::PUT,
            "/api/v1/class-scheme",
            "/api/v1/class-scheme".into(),
            Some(
                json!({"regulation": "Uredba o informacijski varnosti", "entries": [{"code": "C3", "name": "Kritično"}]}),
            ),
            KEEP,
        ),
    ]
}

pub(crate) async fn send(server: &TestServer, inv: &Inventory, party: Party, row: &Row) -> Reply {
    if matches!(row.method, Method::PATCH | Method::PUT) {
        inv.edit(server, party, row.method.clone(), &row.path, row.body.as_ref().unwrap())
            .await
    } else {
        inv.call(server, party, row.method.clone(), &row.path, row.body.as_ref(), &[])
            .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_inventory_route_for_every_party() {
    let shared = TestServer::start(Backend::Sqlite).await;
    let inv = build(&shared).await;
    let rows = rows(inv.custodian.0, inv.other.0);
    // Every route of the inventory, the Decree's roles and the scheme is here.
    let ours = |path: &str| {
        ["/api/v1/inventory", "/api/v1/decree-roles", "/api/v1/class-scheme"]
            .iter()
            .any(|p| path.starts_with(p))
    };
    let declared: BTreeSet<(String, String)> = api()
        .operations()
        .iter()
        .filter(|op| ours(op.path))
        .map(|op| (op.method.to_string(), op.path.to_owned()))
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    assert_eq!(declared, covered);

    let failures = check_every_cell(&shared, &inv, &rows, || async {
        let fresh = TestServer::start(Backend::Sqlite).await;
        let fresh_inv = build(&fresh).await;
        (fresh, fresh_inv)
    })
    .await;
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Sends every row as every party: a read to `shared` (which must not change), a change to a
/// server of its own from `fresh`; allowed is 2xx, refused is a 403 problem, no token is 401.
/// The cells that are wrong, described.
pub(crate) async fn check_every_cell<F, Fut>(
    shared: &TestServer,
    inv: &Inventory,
    rows: &[Row],
    fresh: F,
) -> Vec<String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = (TestServer, Inventory)>,
{
    let before = shared.revision().await;
    let mut failures = Vec::new();
    for row in rows {
        assert_eq!(row.expect.len(), Party::ALL.len(), "{}", row.path);
        for (party, expected) in Party::ALL.iter().zip(row.expect.chars()) {
            let reply = if row.method == Method::GET {
                send(shared, inv, *party, row).await
            } else {
                let (server, server_inv) = fresh().await;
                send(&server, &server_inv, *party, row).await
            };
            let status = reply.status.as_u16();
            let ok = match expected {
                'Y' => (200..300).contains(&status),
                _ => status == 403 && reply.header("content-type") == Some("application/problem+json"),
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {party:?}: expected {}, got {status} {}",
                    row.method,
                    row.path,
                    if expected == 'Y' { "2xx" } else { "403" },
                    reply.text.chars().take(300).collect::<String>()
                ));
            }
        }
        // Without a token: 401.
        let anonymous = shared
            .anonymous(row.method.clone(), &row.path, row.body.as_ref(), &[])
            .await;
        if anonymous.status.as_u16() != 401 {
            failures.push(format!(
                "{} {} without a token: {}",
                row.method, row.path, anonymous.status
            ));
        }
    }
    if shared.revision().await != before {
        failures.push("a read changed the shared server".to_owned());
    }
    failures
}
