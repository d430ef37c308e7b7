//! The OpenAPI document is generated from the routes and tells the truth about them.

use crate::support::*;
use adam_server::api::api;
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_lists_every_operation_once() {
    let s = TestServer::start(Backend::Sqlite).await;
    let doc = s.get(Who::Anonymous, "/api/openapi.json").await.expect(200).json;
    assert_eq!(&doc, adam_server::openapi_document());
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = BTreeSet::new();
    let mut listed = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_owned()),
                "duplicate operationId at {method} {path}"
            );
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()));
            listed.push(format!(
                "{} {path} — {}",
                method.to_uppercase(),
                op["summary"].as_str().unwrap()
            ));
        }
    }
    assert_eq!(listed.len(), api().operations().len());
    listed.sort();
    insta::assert_snapshot!("operations", listed.join("\n"));
    // Every reference resolves.
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"").skip(1) {
        let name = r.split('"').next().unwrap().rsplit('/').next().unwrap();
        assert!(!doc["components"]["schemas"][name].is_null(), "unresolved $ref {name}");
    }
}

/// Every success answer the matrix's fixture produces has the documented shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_match_the_documented_schemas() {
    let doc = adam_server::openapi_document().clone();
    let s = TestServer::start(Backend::Sqlite).await;
    let fx = s.fx.clone();
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in crate::matrix::rows(&fx) {
        let Some(i) = row.expect.find('Y') else { continue };
        let who = Who::ALL[i];
        let fresh;
        let server = if row.mutates {
            fresh = TestServer::start(Backend::Sqlite).await;
            &fresh
        } else {
            &s
        };
        let reply = crate::matrix::send(server, who, &row).await;
        if !reply.status.is_success() {
            continue;
        }
        let op = &doc["paths"][row.template][row.method.as_str().to_lowercase()];
        let status = reply.status.as_u16().to_string();
        // A CSV answer (an export) is documented as text/csv.
        let media = reply
            .header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        if media == "text/csv" {
            if op["responses"][&status]["content"]["text/csv"].is_null() {
                failures.push(format!(
                    "{} {}: a CSV answer not documented as text/csv",
                    row.method, row.path
                ));
            }
            continue;
        }
        // Plain text (the Prometheus metrics) is documented as text/plain (a stored file of
        // that type below, as any media type).
        if media == "text/plain" && op["responses"][&status]["content"]["*/*"].is_null() {
            if op["responses"][&status]["content"]["text/plain"].is_null() {
                failures.push(format!(
                    "{} {}: a text answer not documented as text/plain",
                    row.method, row.path
                ));
            }
            continue;
        }
        // A stored file (an attachment) is documented as any media type.
        if !op["responses"][&status]["content"]["*/*"].is_null() && !media.ends_with("json") {
            continue;
        }
        let schema = &op["responses"][&status]["content"]["application/json"]["schema"];
        if schema.is_null() {
            if row.template != "/api/openapi.json" {
                failures.push(format!(
                    "{} {}: answered {status}, which is not documented with a body",
                    row.method, row.path
                ));
            }
            continue;
        }
        checked += 1;
        if let Err(e) = conforms(&doc, schema, &reply.json, "") {
            failures.push(format!("{} {}: {e}", row.method, row.path));
        }
    }
    assert!(checked > 50, "only {checked} answers were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = Value::Null;
}
