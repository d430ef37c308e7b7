//! The inventory register (Decree Art. 10–11, 38, 41) and the Decree's roles (Art. 5): who may
//! read them, and the views the API (`api/inventory.rs`) and the UI (`ui/inventory.rs`) show.
//!
//! Changes are commands (`Command::CreateItem` …) made once here, at the end of this file
//! ([`create_item`], [`update_item`], [`classify_item`], [`retire_item`], [`link_assets`],
//! [`unlink_asset`]), for the API (`api/inventory.rs`) and the item pages
//! (`ui/inventory/item/`) alike, and sent through `AppState::execute`: the engine
//! decides who may make them (the keepers — security lead and system administrator — and an
//! item's custodian; only the custodian classifies) and writes the audit trail. These
//! functions check no scope (the route tables do) and no reader (each adapter refuses a
//! non-reader first, in its own order). Reading is
//! decided here: the inventory says which systems hold what and how sensitive they are, so it
//! is not for every account — the keepers, user administrators (they grant the roles of the
//! applications these systems serve) and every custodian read it; others are refused.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::lang::Lang;
use adam_core::register::decree_roles::{DecreeRole, RoleHolder};
use adam_core::register::inventory::{
    Dimension, Floor, InventoryItem, ItemFields, ItemKind, ItemLink, Relation, TransferConsent,
};
use adam_core::register::obligations::{Obligation, obligations};
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// Who reads the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The security lead or the system administrator: reads and keeps it.
    Keeper,
    /// A user administrator or a custodian: reads it.
    Reader,
}

/// Whether the caller may read the inventory, and as whom.
pub(crate) fn reader(w: &World, caller: &Caller, now: Timestamp) -> Option<Reader> {
    let actor = caller.actor(None);
    if w.keeps_registers(&actor, now).unwrap_or(false) {
        return Some(Reader::Keeper);
    }
    let custodian = w.items().iter().any(|i| i.fields.custodian == caller.user);
    let user_admin = matches!(w.authority(&actor, now), Ok(Authority::UserAdmin(_)));
    (custodian || user_admin).then_some(Reader::Reader)
}

/// Refuses callers who may not read the inventory (and credentials without the read scope).
pub(crate) fn require_reader(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Reader> {
    // Kept: the UI's inventory pages and forms ask this as their read check (a form's route
    // declares only the write scope).
    caller.require(Scope::Read)?;
    reader(w, caller, now).ok_or_else(|| {
        WebError::forbidden(
            "not-an-inventory-reader",
            "the inventory is read by the information-security lead, the system administrator, user administrators and custodians",
        )
        .sl("popis berejo vodja informacijske varnosti, sistemski skrbnik, skrbniki uporabnikov in skrbniki sistemov")
    })
}

/// One line of the inventory list.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ItemRow {
    /// The item.
    #[serde(flatten)]
    pub item: InventoryItem,
    /// What it is held to: its class, and for a system at least its floor.
    pub effective: Classification,
    /// Its floor (systems).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<Floor>,
    /// Whether a system is classified below its floor.
    pub below_floor: bool,
    /// Whether its review is overdue.
    pub review_overdue: bool,
    /// The custodian's username.
    pub custodian_name: String,
    /// Whether its custodian's account is deactivated: Art. 10(3) wants every item to have a
    /// custodian, so a keeper appoints a new one (a deactivation is never refused for it — a
    /// person leaving is not held up by the inventory; the item says so instead).
    pub custodian_inactive: bool,
}

/// What the list can be narrowed to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    /// Only assets or only systems.
    pub kind: Option<ItemKind>,
    /// Only the items of this custodian.
    pub custodian: Option<UserId>,
    /// Only systems below their floor.
    pub below_floor: bool,
    /// Only items whose review is overdue.
    pub overdue: bool,
    /// Only items not yet classified.
    pub unclassified: bool,
    /// Retired items too.
    pub retired: bool,
    /// Only items whose custodian's account is deactivated.
    pub custodian_inactive: bool,
}

/// The row of one item.
pub(crate) fn row(w: &World, item: &InventoryItem, today: LocalDate) -> ItemRow {
    let system = item.kind == ItemKind::System;
    ItemRow {
        effective: w.effective_class(item),
        floor: system.then(|| w.floor(item.id)),
        below_floor: w.below_floor(item).is_some(),
        review_overdue: item.review_overdue(today),
        custodian_name: w
            .user(item.fields.custodian)
            .map_or_else(|_| item.fields.custodian.to_string(), |u| u.username.to_string()),
        custodian_inactive: custodian_inactive(w, item),
        item: item.clone(),
    }
}

/// Whether `item` is in the list narrowed by `f`.
fn matches(w: &World, f: &Filter, today: LocalDate, i: &InventoryItem) -> bool {
    (f.retired || !i.retired)
        && f.kind.is_none_or(|k| i.kind == k)
        && f.custodian.is_none_or(|c| i.fields.custodian == c)
        && (!f.below_floor || w.below_floor(i).is_some())
        && (!f.overdue || i.review_overdue(today))
        && (!f.unclassified || i.classified.is_none())
        && (!f.custodian_inactive || custodian_inactive(w, i))
}

/// Whether `item`'s custodian is no active account (Art. 10(3)).
fn custodian_inactive(w: &World, item: &InventoryItem) -> bool {
    !w.user(item.fields.custodian).is_ok_and(|u| u.active)
}

/// The inventory, narrowed by `f`, in code order.
pub(crate) fn list(w: &World, f: &Filter, today: LocalDate) -> Vec<ItemRow> {
    let mut rows: Vec<ItemRow> = w
        .items()
        .iter()
        .filter(|i| matches(w, f, today, i))
        .map(|i| row(w, i, today))
        .collect();
    rows.sort_by(|a, b| a.item.fields.code.cmp(&b.item.fields.code));
    rows
}

/// One page of the inventory narrowed by `f`, in id order, after the item `after`, and the id
/// to ask the next page after (none at the end). Rows are built for the page only: the items
/// are kept in id order, so a page costs what it holds, not the whole inventory.
pub(crate) fn page(
    w: &World,
    f: &Filter,
    today: LocalDate,
    after: Option<u32>,
    limit: usize,
) -> (Vec<ItemRow>, Option<u32>) {
    let items = w.items();
    let start = after.map_or(0, |a| items.partition_point(|i| i.id.0 <= a));
    let mut matching = items[start..].iter().filter(|i| matches(w, f, today, i));
    let rows: Vec<ItemRow> = matching.by_ref().take(limit).map(|i| row(w, i, today)).collect();
    let next = if rows.len() == limit && matching.next().is_some() {
        rows.last().map(|r| r.item.id.0)
    } else {
        None
    };
    (rows, next)
}

/// Why a system's floor is what it is, per dimension: the asset that forces it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FloorReason {
    /// `Z`, `C` or `R`.
    pub dimension: char,
    /// The floor there.
    pub floor: SecurityClass,
    /// The asset forcing it.
    pub asset: ItemId,
    /// Its code.
    pub asset_code: String,
}

/// A link as shown on an item's page: the other end named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LinkView {
    /// The link.
    #[serde(flatten)]
    pub link: ItemLink,
    /// The other end (the asset on a system's page, the system on an asset's).
    pub other: ItemId,
    /// Its code.
    pub other_code: String,
    /// Its name.
    pub other_name: String,
    /// Its class (what it is held to).
    pub other_class: Classification,
}

/// An obligation as the API shows it: which regulation and article, and what it asks.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ObligationView {
    /// The regulation's stable key (`decree-2018`), as in `regulations`.
    pub regulation: String,
    /// The regulation's short name in the caller's language (`Decree (2018)`).
    pub regulation_name: String,
    /// The article there (`53(1)`).
    pub article: String,
    /// Regulation and article as cited in the caller's language (`Decree (2018), Art. 53(1)`).
    pub reference: String,
    /// What it asks, in the caller's language.
    pub text: String,
    /// Whether ADAM enforces it itself.
    pub enforced: bool,
}

/// An item with everything its page shows.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ItemView {
    /// The row (item, effective class, floor, flags).
    #[serde(flatten)]
    pub row: ItemRow,
    /// Why the floor is what it is.
    pub floor_reasons: Vec<FloorReason>,
    /// Its links.
    pub links: Vec<LinkView>,
    /// What its classes oblige, under every regulation in force, one regulation after the other.
    pub obligations: Vec<ObligationView>,
    /// The regulations those obligations come from, in the same order.
    pub regulations: Vec<RegulationView>,
    /// Whether the caller may edit its fields and links.
    pub may_edit: bool,
    /// Whether the caller may classify it (its custodian).
    pub may_classify: bool,
}

/// The floor's explanation.
pub(crate) fn floor_reasons(w: &World, floor: &Floor) -> Vec<FloorReason> {
    Dimension::ALL
        .into_iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let asset = floor.forced_by[i]?;
            Some(FloorReason {
                dimension: d.letter(),
                floor: d.of(floor.class),
                asset,
                asset_code: w
                    .item(asset)
                    .map_or_else(|_| asset.to_string(), |a| a.fields.code.to_string()),
            })
        })
        .collect()
}

/// A regulation as the API shows it beside the obligations it states.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RegulationView {
    /// Its stable key (`decree-2018`).
    pub code: String,
    /// Its short name in the caller's language (`Uredba (2018)`).
    pub name: String,
    /// Its full title in the caller's language.
    pub title: String,
    /// Where it was published, in the caller's language (`Uradni list RS, št. 29/2018`).
    pub citation: String,
}

/// The obligations in a language.
pub(crate) fn obligation_views(list: &[Obligation], lang: Lang) -> Vec<ObligationView> {
    list.iter()
        .map(|o| ObligationView {
            regulation: o.regulation.code.to_owned(),
            regulation_name: o.regulation.short(lang).to_owned(),
            article: o.article.to_owned(),
            reference: o.reference(lang),
            text: o.text(lang).to_owned(),
            enforced: o.enforced,
        })
        .collect()
}

/// The regulations the obligations come from, each once, in the order they first appear (the
/// order of the rule sets in force), so the page can group the obligations under them.
pub(crate) fn regulation_views(list: &[Obligation], lang: Lang) -> Vec<RegulationView> {
    let mut out: Vec<RegulationView> = Vec::new();
    for r in list.iter().map(|o| o.regulation) {
        if out.iter().all(|v| v.code != r.code) {
            out.push(RegulationView {
                code: r.code.to_owned(),
                name: r.short(lang).to_owned(),
                title: r.title(lang).to_owned(),
                citation: r.citation(lang).to_owned(),
            });
        }
    }
    out
}

/// One item's view for the caller.
pub(crate) fn view(
    w: &World,
    caller: &Caller,
    id: ItemId,
    now: Timestamp,
    lang: Lang,
) -> Result<ItemView, adam_core::Error> {
    let item = w.item(id)?;
    let today = LocalDate::of(now);
    let row = row(w, item, today);
    let floor_reasons = row.floor.as_ref().map(|f| floor_reasons(w, f)).unwrap_or_default();
    let links = w
        .links_of(id)
        .filter_map(|l| {
            let other = if l.system == id { l.asset } else { l.system };
            let o = w.item(other).ok()?;
            Some(LinkView {
                link: l.clone(),
                other,
                other_code: o.fields.code.to_string(),
                other_name: o.fields.name.to_string(),
                other_class: w.effective_class(o),
            })
        })
        .collect();
    let actor = caller.actor(None);
    let keeper = w.keeps_registers(&actor, now).unwrap_or(false);
    let custodian = item.fields.custodian == caller.user;
    let obliged = obligations(item, row.effective);
    Ok(ItemView {
        obligations: obligation_views(&obliged, lang),
        regulations: regulation_views(&obliged, lang),
        floor_reasons,
        links,
        may_edit: !item.retired && (keeper || custodian),
        may_classify: !item.retired && custodian,
        row,
    })
}

/// One line of the role holders' list for the ministry (Art. 5(5)): the body-wide roles and,
/// per system, its custodian and operators.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct HolderRow {
    /// `head`, `security_lead`, `coordinator`, `custodian` or `operator`.
    pub role: String,
    /// The article.
    pub article: String,
    /// The system, for custodians and operators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Who: a username, an office code or an organisation's name.
    pub holder: String,
    /// Their full name, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their e-mail address or the contact given with the appointment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Since when (appointments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<LocalDate>,
}

/// The role holders on `today`.
pub(crate) fn role_holders(w: &World, today: LocalDate) -> Vec<HolderRow> {
    use adam_core::register::inventory::Operator;
    let person = |u: UserId| w.user(u).ok();
    let mut out: Vec<HolderRow> = Vec::new();
    let mut appointments: Vec<&RoleHolder> = w.role_holders().iter().filter(|h| h.holds_on(today)).collect();
    appointments.sort_by_key(|h| (DecreeRole::ALL.iter().position(|r| *r == h.role), h.id));
    for h in appointments {
        let u = person(h.user);
        out.push(HolderRow {
            role: h.role.as_str().to_owned(),
            article: h.role.article().to_owned(),
            system: None,
            holder: u.map_or_else(|| h.user.to_string(), |u| u.username.to_string()),
            name: u.map(User::display_name),
            contact: h
                .contact
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| u.map(|u| u.email.to_string())),
            since: Some(h.since),
        });
    }
    let mut systems: Vec<&InventoryItem> = w
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::System && !i.retired)
        .collect();
    systems.sort_by(|a, b| a.fields.code.cmp(&b.fields.code));
    for s in systems {
        let code = Some(s.fields.code.to_string());
        let u = person(s.fields.custodian);
        out.push(HolderRow {
            role: "custodian".to_owned(),
            article: "7".to_owned(),
            system: code.clone(),
            holder: u.map_or_else(|| s.fields.custodian.to_string(), |u| u.username.to_string()),
            name: u.map(User::display_name),
            contact: u.map(|u| u.email.to_string()),
            since: None,
        });
        for op in &s.fields.operators {
            let (holder, name, contact) = match op {
                Operator::User(id) => {
                    let u = person(*id);
                    (
                        u.map_or_else(|| id.to_string(), |u| u.username.to_string()),
                        u.map(User::display_name),
                        u.map(|u| u.email.to_string()),
                    )
                }
                Operator::Office(id) => (
                    w.office(*id).map_or_else(|_| id.to_string(), |o| o.code.to_string()),
                    w.office(*id).ok().map(|o| o.name.to_string()),
                    None,
                ),
                Operator::Organisation(name) => (name.to_string(), None, None),
            };
            out.push(HolderRow {
                role: "operator".to_owned(),
                article: "8".to_owned(),
                system: code.clone(),
                holder,
                name,
                contact,
                since: None,
            });
        }
    }
    out
}

/// Refuses callers who may not read the inventory, whatever their credential's scopes: checked
/// before a change to an existing item, so that the engine's refusal (which names the item's
/// custodian) is not what tells an outsider that the item exists.
pub(crate) fn require_reader_to_change(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Reader> {
    reader(w, caller, now).ok_or_else(|| {
        WebError::forbidden(
            "not-an-inventory-reader",
            "the inventory is read by the information-security lead, the system administrator, user administrators and custodians",
        )
        .sl("popis berejo vodja informacijske varnosti, sistemski skrbnik, skrbniki uporabnikov in skrbniki sistemov")
    })
}

// ---- changes ---------------------------------------------------------------------------

/// Adds an item (an information asset or a system) to the inventory; its id.
pub async fn create_item(s: &AppState, caller: &Caller, kind: ItemKind, fields: ItemFields) -> ApiResult<ItemId> {
    let plan = s.execute(caller, None, Command::CreateItem { kind, fields }).await?;
    crate::service::created(&plan)
}

/// The command that gives `item` these fields (the API's `http::update` runs it under
/// If-Match, the fields merged with the stored ones).
pub fn item_change(item: ItemId, fields: ItemFields) -> Command {
    Command::UpdateItem { item, fields }
}

/// Gives an item these fields (all of them: an edit, or a file added to its attachments).
pub async fn update_item(s: &AppState, caller: &Caller, item: ItemId, fields: ItemFields) -> ApiResult<Plan> {
    s.execute(caller, None, item_change(item, fields)).await
}

/// Classifies an item (its custodian), with the protection level it calls for.
pub async fn classify_item(
    s: &AppState,
    caller: &Caller,
    item: ItemId,
    class: Classification,
    protection_level: Option<Text>,
) -> ApiResult<Plan> {
    let command = Command::ClassifyItem {
        item,
        class,
        protection_level,
    };
    s.execute(caller, None, command).await
}

/// The command that retires an item: a page asks first (`ui/confirm.rs` plans it without
/// running it).
pub fn retirement(item: ItemId) -> Command {
    Command::RetireItem { item }
}

/// Retires an item (it stays in the register, retired).
pub async fn retire_item(s: &AppState, caller: &Caller, item: ItemId) -> ApiResult<Plan> {
    s.execute(caller, None, retirement(item)).await
}

/// A new link between a system and an asset it holds or processes.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// The system.
    pub system: ItemId,
    /// The asset.
    pub asset: ItemId,
    /// How the system holds the asset.
    pub relation: Relation,
    /// The source custodian's consent to a transfer, where one is needed.
    pub consent: Option<TransferConsent>,
}

/// Links an asset to a system; the link's id.
pub async fn link_assets(s: &AppState, caller: &Caller, input: NewLink) -> ApiResult<LinkId> {
    let command = Command::LinkAsset {
        system: input.system,
        asset: input.asset,
        relation: input.relation,
        consent: input.consent,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// The command that removes a link: a page asks first, as for a retirement.
pub fn unlinking(link: LinkId) -> Command {
    Command::UnlinkAsset { link }
}

/// Removes a link between a system and an asset.
pub async fn unlink_asset(s: &AppState, caller: &Caller, link: LinkId) -> ApiResult<Plan> {
    s.execute(caller, None, unlinking(link)).await
}
