//! JSON Schemas for the types whose serde form is hand-written (levels, classes, instants).
//! Compiled only with the `schema` feature, for the server's OpenAPI document.

use crate::level::{Level, SecurityClass};
use crate::time::Timestamp;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

impl JsonSchema for Level {
    fn schema_name() -> Cow<'static, str> {
        "Level".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "enum": [0, 11, 12, 13, 14, 21, 22],
            "description": "Access level: 0 none; 11–14 view (folder attributes, summary lists, detailed lists / document attributes, images / content); 21 edit; 22 edit and add ACL entries."
        })
    }
}

impl JsonSchema for SecurityClass {
    fn schema_name() -> Cow<'static, str> {
        "SecurityClass".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": 3,
            "description": "A security class of the Decree: 0 unclassified, 1–3."
        })
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An instant as RFC 3339 (2018-03-15T00:00:00Z), or a date (2018-03-15) meaning midnight UTC.",
            "examples": ["2026-03-02T09:00:00Z", "2026-03-02"]
        })
    }
}
