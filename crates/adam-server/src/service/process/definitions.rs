//! The processes and their definitions: the kept versions and the shipped ones not kept yet,
//! a definition file read for import, and whether a step is an end.

use super::*;

/// A process as listed: the newest kept version, or the shipped one not kept yet.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ProcessRow {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// The newest version.
    pub version: u32,
    /// Shipped with ADAM.
    pub shipped: bool,
    /// Every kept version, oldest first.
    pub versions: Vec<u32>,
    /// Steps.
    pub steps: usize,
    /// Open cases.
    pub open_cases: usize,
}

/// The newest definition of every process: kept versions, and shipped ones not kept yet (or
/// newer than every kept version: the one the next case runs on).
pub fn latest_definitions(w: &World) -> Vec<(Definition, bool)> {
    let mut out: Vec<(Definition, bool)> = Vec::new();
    for (key, _) in process::SHIPPED {
        if let Some(d) = w.shipped_newer(key) {
            out.push((d.clone(), true));
        }
    }
    let mut keys: Vec<&str> = w
        .process_definitions()
        .iter()
        .map(|d| d.definition.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for k in keys {
        if w.shipped_newer(k).is_some() {
            continue;
        }
        if let Some(d) = w.latest_process(k) {
            out.push((d.definition.clone(), d.shipped));
        }
    }
    out.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    out
}

/// Every process.
pub fn processes(w: &World, lang: Lang) -> Vec<ProcessRow> {
    latest_definitions(w)
        .into_iter()
        .map(|(d, shipped)| ProcessRow {
            key: d.key.to_string(),
            name: d.name.pick(lang).to_owned(),
            version: d.version,
            shipped,
            versions: w
                .process_definitions()
                .iter()
                .filter(|k| k.definition.key == d.key)
                .map(|k| k.definition.version)
                .collect(),
            steps: d.steps.len(),
            open_cases: w
                .cases()
                .iter()
                .filter(|c| c.process == d.key && c.state == CaseState::Open)
                .count(),
        })
        .collect()
}

/// The newest definition of `key` (kept or shipped), or 404.
pub fn definition(w: &World, key: &str) -> ApiResult<Definition> {
    latest_definitions(w)
        .into_iter()
        .find(|(d, _)| d.key.as_str() == key)
        .map(|(d, _)| d)
        .ok_or_else(|| adam_core::Error::Process(ProcessError::UnknownProcess(key.to_owned())).into())
}

/// A kept version.
pub fn version(w: &World, key: &str, version: u32) -> ApiResult<ProcessDefinition> {
    w.process_version(key, version)
        .cloned()
        .ok_or_else(|| adam_core::Error::Process(ProcessError::UnknownProcess(format!("{key} v{version}"))).into())
}

/// Reads a definition file for import, naming where it is malformed.
pub fn parse_definition(json: &str) -> ApiResult<Definition> {
    process::parse_definition(json).map_err(|e| adam_core::Error::Process(ProcessError::MalformedDefinition(e)).into())
}

/// Whether a step is an end.
pub fn is_end(def: &Definition, step: &str) -> bool {
    def.step(step).is_some_and(|s| s.kind == StepKind::End)
}
