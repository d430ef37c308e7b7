//! The process engine (SPEC §7–8): processes defined as data, and cases that run on them.
//!
//! - `definition.rs` — the definition format: steps, performers bound to roles, outcomes and
//!   where they lead, guards, due times, fields and document kinds;
//! - `validate.rs` — every problem of a definition that cannot work, named;
//! - `guards.rs` — whether an outcome's guards hold on a case, and what is missing;
//! - `case.rs` — the records: a kept definition version and a case;
//! - `hosting.rs` — a hosted solution's version read from its `dro-hosting` case;
//! - `raci_binding.rs` — a role bound to a cell of a RACI matrix: its template, task and layer;
//! - `duties.rs` — the knock-on duties of a change request (worked out in `world/duties.rs`);
//! - `shipped/*.json` — the definitions built into ADAM: the security event and incident
//!   (Art. 17–21, 33), the change request (Art. 22–23) and the onboarding of a solution onto
//!   the State Computer Cloud (`dro-hosting`, seed 000 with the Decree's Art. 7, 14, 23, 29, 47).
//!
//! The tables in the world, who is bound to a role and the work lists are in
//! `world/processes.rs`: these records sit below the world that stores them.
//!
//! Cases change only through planned commands (`plan/process.rs`), so every decision has its
//! revision, history, audit record and "as of" like any other record.

mod case;
mod definition;
mod diagram;
mod duties;
mod guards;
mod hosting;
mod raci_binding;
mod validate;

pub use case::{Case, CaseState, Consent, ProcessDefinition, Transition};
pub use definition::{
    Binding, Choice, Condition, Definition, DocDecl, FieldDecl, FieldKind, FieldValue, Guard, LONG_TEXT_MAX,
    OutcomeDecl, PersonOrJob, RaciBinding, RaciLetter, RoleDecl, Step, StepKind, Words,
};
pub use diagram::{EdgeRoute, Layout, Marks, NodeBox, Rect, Segment, layout, svg};
pub use duties::{Duty, DutyKind};
pub use guards::{Unmet, moment, unmet};
pub use raci_binding::{binding_layer, binding_task, binding_template};
pub use validate::{MAX_ITEMS, Problem, problems};

/// The definitions built into ADAM, as their JSON files.
pub const SHIPPED: [(&str, &str); 4] = [
    ("security-event", include_str!("shipped/security-event.json")),
    ("change-request", include_str!("shipped/change-request.json")),
    ("dro-hosting", include_str!("shipped/dro-hosting.json")),
    ("incident-register", include_str!("shipped/incident-register.json")),
];

/// The key of the ministry's register of incidents (Art. 20): a body's notification imported
/// into an ADAM the ministry runs becomes a case of it.
pub const INCIDENT_REGISTER: &str = "incident-register";

/// The key of the hosting-onboarding process (000): one case per version of a solution.
pub const DRO_HOSTING: &str = "dro-hosting";

/// The key of the change-request process (Art. 22): a solution's version opens one.
pub const CHANGE_REQUEST: &str = "change-request";

/// The key of the security-event process, which ADAM also starts itself (Art. 18(2)).
pub const SECURITY_EVENT: &str = "security-event";

/// A shipped definition by key (the files are checked by the tests: every one parses and has
/// no problem).
pub fn shipped(key: &str) -> Option<Definition> {
    shipped_ref(key).cloned()
}

/// A shipped definition by key, read once (a case's start asks whether the shipped version is
/// newer than the kept ones).
pub(crate) fn shipped_ref(key: &str) -> Option<&'static Definition> {
    static PARSED: std::sync::OnceLock<Vec<Definition>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            SHIPPED
                .iter()
                .filter_map(|(_, json)| serde_json::from_str(json).ok())
                .collect()
        })
        .iter()
        .find(|d: &&Definition| d.key.as_str() == key)
}

/// A definition version that is unknown.
pub(crate) fn unknown_process(key: &str) -> crate::error::Error {
    crate::error::Error::Process(crate::error::ProcessError::UnknownProcess(key.to_owned()))
}

/// Reads a definition file, naming where it is malformed.
pub fn parse_definition(json: &str) -> Result<Definition, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_definition_parses_and_can_work() {
        for (key, json) in SHIPPED {
            let d = parse_definition(json).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(d.key.as_str(), key);
            assert_eq!(problems(&d), vec![], "{key}");
        }
    }
}
