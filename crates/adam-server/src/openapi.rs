//! The OpenAPI 3.1 document, built from the operations the router was built from.
//!
//! Schemas come from the types themselves (`schemars`, following their serde attributes), so
//! the document describes what the code reads and writes. A test calls every operation and
//! checks the answers against this document.

use crate::api::Operation;
use crate::error::Problem;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

fn generator(inline: bool) -> schemars::SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings.inline_subschemas = inline;
    settings.into_generator()
}

/// The parameters named in a path template (`/api/v1/jobs/{id}` → `id`).
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn operation_id(op: &Operation) -> String {
    let mut id = op.method.as_str().to_lowercase();
    for seg in op.path.trim_start_matches("/api/").split('/') {
        let clean: String = seg
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let clean = clean.trim_matches('_');
        if !clean.is_empty() && clean != "v1" {
            id.push('_');
            id.push_str(clean);
        }
    }
    id
}

/// The whole document.
pub fn document(operations: &[Operation]) -> Value {
    let mut refs = generator(false);
    let mut inline = generator(true);
    let problem = refs.subschema_for::<Problem>();
    let problem_response = |description: &str| {
        json!({
            "description": description,
            "content": { "application/problem+json": { "schema": problem.clone() } }
        })
    };
    let mut paths: Map<String, Value> = Map::new();
    for op in operations {
        let doc = &op.doc;
        let mut parameters: Vec<Value> = path_parameters(op.path)
            .into_iter()
            .map(|name| {
                let schema = if name == "kind" {
                    json!({ "type": "string" })
                } else {
                    json!({ "type": "integer", "minimum": 0 })
                };
                json!({ "name": name, "in": "path", "required": true, "schema": schema })
            })
            .collect();
        if let Some(query) = doc.query {
            let schema: Value = query(&mut inline).into();
            let required: Vec<Value> = schema
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    let mut param = json!({
                        "name": name,
                        "in": "query",
                        "required": required.contains(&Value::String(name.clone())),
                        "schema": prop,
                    });
                    if let Some(d) = prop.get("description") {
                        param["description"] = d.clone();
                    }
                    parameters.push(param);
                }
            }
        }
        if doc.etag && op.method != axum::http::Method::GET {
            parameters.push(json!({
                "name": "If-Match", "in": "header", "required": true,
                "description": "The ETag of the record as you read it; the change is refused (412) if it changed since.",
                "schema": { "type": "string" }
            }));
        }
        parameters.push(json!({
            "name": "X-Adam-Min-Revision", "in": "header", "required": false,
            "description": "Answer from state no older than this revision (read your own writes through any server).",
            "schema": { "type": "integer", "minimum": 0 }
        }));
        let mut success = json!({ "description": "Success" });
        if let Some(response) = doc.response {
            success["content"] = json!({ "application/json": { "schema": Value::from(response(&mut refs)) } });
        }
        if doc.csv {
            success["content"]["text/csv"] = json!({ "schema": { "type": "string" } });
        }
        if doc.text {
            success["content"]["text/plain"] = json!({ "schema": { "type": "string" } });
        }
        if doc.file {
            // A stored file, in its own media type.
            success["content"]["*/*"] = json!({ "schema": { "type": "string", "format": "binary" } });
        }
        if doc.etag && op.method == axum::http::Method::GET {
            success["headers"] =
                json!({ "ETag": { "description": "The record's revision", "schema": { "type": "string" } } });
        }
        let mut responses = Map::new();
        responses.insert(doc.status.to_string(), success);
        responses.insert(
            "4XX".into(),
            problem_response("The request was refused; the problem says why"),
        );
        if doc.authenticated {
            responses.insert("401".into(), problem_response("No valid API token"));
        }
        let mut operation = json!({
            "operationId": operation_id(op),
            "summary": doc.summary,
            "description": format!("Who may call it: {}.", doc.access),
            "tags": [doc.tag],
            "parameters": parameters,
            "responses": responses,
            "security": if doc.authenticated { json!([{ "token": [] }]) } else { json!([]) },
        });
        if let Some(body) = doc.body {
            operation["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": Value::from(body(&mut refs)) } }
            });
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method.as_str().to_lowercase()] = operation;
    }
    let schemas = refs.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ADAM",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Directory, roles, grants, records and the ACL decision engine of a public administration. Errors are RFC 9457 problem details with a stable type per error.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "An API token: adam_ followed by 64 hex digits" } }
        }
    })
}
