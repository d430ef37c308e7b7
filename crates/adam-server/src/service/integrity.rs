//! Integrity baselines of key and high-risk servers (Decree Art. 50(4)–(5)): who may read them,
//! submitting a scan, and the views the API (`api/integrity.rs`) shows.
//!
//! Changes are commands (`SubmitBaseline`, `ApproveBaseline`, `CompareScan`) sent through
//! `AppState::execute`; the engine decides who may make them and records a mismatch as the
//! security event `security.integrity_mismatch`. Reading is decided here: a server's integrity
//! records are read by those who may submit its scans — the register's keepers (security lead,
//! system administrator), its custodian and its operators named as persons.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::register::integrity::{Baseline, BaselineState, Comparison, Manifest};
use adam_core::register::inventory::{InventoryItem, ItemKind};
use adam_core::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The largest scan accepted, in bytes of JSON (about 200,000 files).
pub const MAX_SCAN_BODY: usize = 32 * 1024 * 1024;

/// A scan as the CLI writes it (`adam integrity scan --out FILE`) and the API takes it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanUpload {
    /// The server's inventory code (`MAIL-SRV`).
    pub server: Code,
    /// Submit it as a new baseline (to be approved) rather than compare it with the approved one.
    #[serde(default)]
    pub baseline: bool,
    /// When the scan was taken (default: when it arrives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<Timestamp>,
    /// The files: `[path, sha256, size, mode, owner]` each.
    pub files: Manifest,
}

/// What a submitted scan became.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanResult {
    /// A new baseline, waiting for approval.
    Baseline(BaselineSummary),
    /// A comparison with the approved baseline.
    Comparison(Comparison),
}

/// A baseline without its files.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BaselineSummary {
    /// Id.
    pub id: BaselineId,
    /// The server.
    pub server: ItemId,
    /// When the scan was taken.
    pub taken_at: Timestamp,
    /// Who submitted it.
    pub taken_by: Option<UserId>,
    /// Submitted or approved, with approver, time and change reference.
    #[serde(flatten)]
    pub state: BaselineState,
    /// How many files it lists.
    pub files: u64,
    /// Whether later scans are compared with it.
    pub current: bool,
    /// Revision.
    pub rev: Revision,
}

impl BaselineSummary {
    fn of(w: &World, b: &Baseline) -> BaselineSummary {
        BaselineSummary {
            id: b.id,
            server: b.server,
            taken_at: b.taken_at,
            taken_by: b.taken_by,
            state: b.state.clone(),
            files: u64::try_from(b.manifest.len()).unwrap_or(u64::MAX),
            current: w.current_baseline(b.server).is_some_and(|c| c.id == b.id),
            rev: b.rev,
        }
    }
}

/// A server whose integrity is checked, with where it stands.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ServerRow {
    /// The inventory item.
    pub id: ItemId,
    /// Its code.
    pub code: Code,
    /// Its name.
    pub name: Text,
    /// A server key to the body (Art. 50(4)).
    pub key_server: bool,
    /// A high-risk server (Art. 50(3)–(4)).
    pub high_risk: bool,
    /// The approved baseline later scans are compared with.
    pub current_baseline: Option<BaselineId>,
    /// Baselines waiting for approval.
    pub pending: usize,
    /// When it was last scanned.
    pub last_scan: Option<Timestamp>,
    /// The last comparison found a mismatch: a security event to resolve (Art. 50(5)).
    pub warning: Option<ComparisonId>,
}

/// A server's integrity records.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ServerIntegrity {
    /// The server and where it stands.
    #[serde(flatten)]
    pub server: ServerRow,
    /// Its baselines, newest first (without their files).
    pub baselines: Vec<BaselineSummary>,
    /// Its comparisons, newest first.
    pub comparisons: Vec<Comparison>,
}

fn is_checked(i: &InventoryItem) -> bool {
    i.kind == ItemKind::System && !i.retired && (i.fields.key_server || i.fields.high_risk)
}

pub(crate) fn may_read(w: &World, caller: &Caller, server: &InventoryItem, now: Timestamp) -> bool {
    w.may_submit_scans(&caller.actor(None), server, now).unwrap_or(false)
}

fn not_reader() -> WebError {
    WebError::forbidden(
        "not-integrity-reader",
        "a server's integrity records are read by its custodian, its operators, the information-security lead and the system administrator",
    )
    .sl("zapise o celovitosti strežnika berejo njegov skrbnik, njegovi upravljavci, vodja informacijske varnosti in sistemski skrbnik")
}

fn row(w: &World, i: &InventoryItem) -> ServerRow {
    let last = w.comparisons_of(i.id).last();
    ServerRow {
        id: i.id,
        code: i.fields.code.clone(),
        name: i.fields.name.clone(),
        key_server: i.fields.key_server,
        high_risk: i.fields.high_risk,
        current_baseline: w.current_baseline(i.id).map(|b| b.id),
        pending: w.baselines_of(i.id).filter(|b| !b.approved()).count(),
        last_scan: last.map(|c| c.scanned_at),
        warning: w.integrity_warning(i.id).map(|c| c.id),
    }
}

/// The servers whose integrity is checked that the caller may read (every one for a keeper).
pub fn servers(s: &AppState, caller: &Caller) -> ApiResult<Vec<ServerRow>> {
    let w = s.world();
    servers_as_of(&w, &w, caller, s.now())
}

/// The servers as they stood in `then` (the world replayed to an earlier instant, or the live
/// one): who may read which server is decided by today's rules (`live`, `now`); a server that
/// was not checked then is not listed.
pub fn servers_as_of(live: &World, then: &World, caller: &Caller, now: Timestamp) -> ApiResult<Vec<ServerRow>> {
    // Checked here as well as by the API's routes: the UI's integrity pages (routes with no
    // declared scope) and the inventory's menu (`servers(..).is_ok()`) ask this as their rule.
    caller.require(Scope::Read)?;
    let rows: Vec<ServerRow> = live
        .items()
        .iter()
        .filter(|i| is_checked(i) && may_read(live, caller, i, now))
        .filter_map(|i| then.item(i.id).ok().filter(|t| is_checked(t)))
        .map(|i| row(then, i))
        .collect();
    let keeper = live.keeps_registers(&caller.actor(None), now).unwrap_or(false);
    let reads_any = live
        .items()
        .iter()
        .any(|i| is_checked(i) && may_read(live, caller, i, now));
    if !reads_any && !keeper {
        return Err(not_reader());
    }
    Ok(rows)
}

/// One server's baselines and comparisons.
pub fn server(s: &AppState, caller: &Caller, id: ItemId) -> ApiResult<ServerIntegrity> {
    let w = s.world();
    server_as_of(&w, &w, caller, id, s.now())
}

/// One server's baselines and comparisons as they stood in `then`; who may read it is
/// today's question (`live`, `now`).
pub fn server_as_of(
    live: &World,
    then: &World,
    caller: &Caller,
    id: ItemId,
    now: Timestamp,
) -> ApiResult<ServerIntegrity> {
    // Kept for the UI's server page, whose route declares no scope (see `servers_as_of`).
    caller.require(Scope::Read)?;
    if !may_read(live, caller, live.item(id)?, now) {
        return Err(not_reader());
    }
    let item = then.item(id)?;
    let mut baselines: Vec<BaselineSummary> = then.baselines_of(id).map(|b| BaselineSummary::of(then, b)).collect();
    baselines.reverse();
    let mut comparisons: Vec<Comparison> = then.comparisons_of(id).cloned().collect();
    comparisons.reverse();
    Ok(ServerIntegrity {
        server: row(then, item),
        baselines,
        comparisons,
    })
}

/// A baseline with its files (the read scope is its one route's, `needs(Scope::Read, …)`).
pub fn baseline(s: &AppState, caller: &Caller, id: BaselineId) -> ApiResult<Baseline> {
    let w = s.world();
    let b = w.baseline(id)?;
    if !may_read(&w, caller, w.item(b.server)?, s.now()) {
        return Err(not_reader());
    }
    Ok(b.clone())
}

/// Submits a scan: a new baseline, or a comparison with the approved one.
/// The write scope is the route's (`needs(Scope::Write, submit_scan)`), its only caller.
pub async fn submit(s: &AppState, caller: &Caller, scan: ScanUpload) -> ApiResult<ScanResult> {
    let server = s.world().item_by_code(scan.server.as_str())?;
    let command = if scan.baseline {
        Command::SubmitBaseline {
            server,
            manifest: scan.files,
            taken_at: scan.taken_at,
        }
    } else {
        Command::CompareScan {
            server,
            manifest: scan.files,
            taken_at: scan.taken_at,
        }
    };
    let plan = s.execute(caller, None, command).await?;
    let result = {
        let w = s.world();
        match plan.created {
            Some(Created::Baseline(id)) => ScanResult::Baseline(BaselineSummary::of(&w, w.baseline(id)?)),
            Some(Created::Comparison(id)) => ScanResult::Comparison(w.comparison(id)?.clone()),
            _ => return Err(WebError::internal(&"scan not recorded")),
        }
    };
    // A mismatch is a security event to resolve (Art. 50(5)): ADAM opens it for the lead.
    if let ScanResult::Comparison(c) = &result
        && c.mismatch()
    {
        let ip = caller.source_ip.clone();
        crate::service::process::raise_event(
            s,
            crate::service::process::Detected::IntegrityMismatch,
            scan.server.as_str(),
            ip,
        )
        .await;
    }
    Ok(result)
}

/// Approves a baseline after the approved change that justifies it. The write scope is
/// checked by its callers: the API's route and the UI's form handler.
pub async fn approve(
    s: &AppState,
    caller: &Caller,
    id: BaselineId,
    change: Option<Text>,
) -> ApiResult<BaselineSummary> {
    s.execute(caller, None, Command::ApproveBaseline { baseline: id, change })
        .await?;
    let w = s.world();
    Ok(BaselineSummary::of(&w, w.baseline(id)?))
}

/// Where a server's integrity stands, for its inventory page: `None` unless the item is a
/// server with an approved baseline and the caller may read its integrity records.
#[derive(Clone, Debug)]
pub(crate) enum ItemIntegrity {
    /// Approved, and no scan compared with that baseline yet.
    NoScan,
    /// The last scan matched.
    Matched(Timestamp),
    /// The last scan did not match: the comparison (a security event, Art. 50(5)).
    Mismatch(Comparison),
}

/// The integrity status of item `id` as its page shows it.
pub(crate) fn item_status(w: &World, caller: &Caller, id: ItemId, now: Timestamp) -> Option<ItemIntegrity> {
    let item = w.item(id).ok()?;
    if item.kind != ItemKind::System || !may_read(w, caller, item, now) {
        return None;
    }
    let current = w.current_baseline(id)?;
    if let Some(c) = w.integrity_warning(id) {
        return Some(ItemIntegrity::Mismatch(c.clone()));
    }
    let last = w.comparisons_of(id).filter(|c| c.baseline == current.id).last();
    Some(match last {
        Some(c) if !c.mismatch() => ItemIntegrity::Matched(c.scanned_at),
        Some(c) => ItemIntegrity::Mismatch(c.clone()),
        None => ItemIntegrity::NoScan,
    })
}
