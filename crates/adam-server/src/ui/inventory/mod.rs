//! The inventory of information assets and systems and the Decree's roles in the admin UI
//! (Decree Art. 5–11, 38, 41; SPEC §7): the list with its filters and a printable page
//! (`/ui/inventory`), an item's page with its floor, obligations, links and forms
//! (`item/`), a new item, the Decree's appointments and role holders (`decree.rs`), and the
//! registers kept beside it: risk assessments (`risk.rs`), integrity baselines
//! (`integrity.rs`) and the classification scheme (`scheme.rs`).
//!
//! Who reads is the service's rule (`service::inventory::reader`: the keepers, user
//! administrators and custodians); every change is made by the service the API calls too
//! (`service::inventory`, `service::risk`, `service::decree_roles`, `service::integrity`)
//! through `AppState::execute`, so the engine decides who may make it (keepers add, edit and retire; a custodian edits their
//! item; only the custodian classifies). A control the caller may not use is not shown.

pub(crate) mod attachments;
mod decree;
mod integrity;
mod integrity_box;
mod item;
mod risk;
mod scheme;

use super::chrome::*;
use super::guard::needs;
use super::history::{HistoryRow, LastChangeView};
use super::i18n::Tr;
use crate::authn::{Caller, Scope};
use crate::service::inventory::{self as inv, Filter, ItemRow, Reader};
use crate::state::{AppState, blocking};
use adam_core::register::inventory::{ItemKind, Operator, Relation};
use adam_core::*;
use adam_store::AuditQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;

/// The inventory's and the Decree roles' routes.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route(
            "/ui/inventory",
            get(list_page).post(needs(Scope::Write, item::create_item)),
        )
        .route("/ui/inventory/print", get(print_page))
        .route("/ui/inventory/new", get(item::new_item_page))
        .route("/ui/inventory/people/{field}", get(people))
        .route(
            "/ui/inventory/{id}",
            get(item::item_page).post(needs(Scope::Write, item::update_item)),
        )
        .route(
            "/ui/inventory/{id}/classify",
            get(item::back_to_item).post(needs(Scope::Write, item::classify_item)),
        )
        .route(
            "/ui/inventory/{id}/retire",
            get(item::back_to_item).post(needs(Scope::Write, item::retire_item)),
        )
        .route(
            "/ui/inventory/{id}/links",
            get(item::back_to_item).post(needs(Scope::Write, item::link_item)),
        )
        .route(
            "/ui/inventory/{id}/links/{link}/remove",
            post(needs(Scope::Write, item::unlink_item)),
        )
        .route(
            "/ui/inventory/{id}/attachments",
            get(item::back_to_item).post(attachments::upload),
        )
        .route("/ui/attachments/{sha256}", get(attachments::download))
        .route(
            "/ui/decree-roles",
            get(decree::decree_page).post(needs(Scope::Write, decree::appoint)),
        )
        .route("/ui/decree-roles/print", get(decree::decree_print))
        .route(
            "/ui/decree-roles/{id}/end",
            get(to("/ui/decree-roles")).post(needs(Scope::Write, decree::end)),
        )
        // The registers kept beside the inventory (issue #15): risk assessments (Art. 9),
        // integrity baselines (Art. 50(4)–(5)), the classification scheme (Art. 11(3)).
        .route("/ui/risk", get(risk::risk_page).post(needs(Scope::Write, risk::record)))
        .route("/ui/risk.csv", get(risk::risk_export))
        .route("/ui/risk/print", get(risk::risk_print))
        .route(
            "/ui/risk/{id}",
            get(risk::item_page).post(needs(Scope::Write, risk::correct)),
        )
        .route("/ui/risk/{id}/attachments", get(risk::back_to_item).post(risk::attach))
        .route("/ui/integrity", get(integrity::list_page))
        .route("/ui/integrity.csv", get(integrity::export))
        .route("/ui/integrity/print", get(integrity::print_page))
        .route("/ui/integrity/{id}", get(integrity::server_page))
        .route(
            "/ui/integrity/baselines/{id}/attachments",
            get(integrity::back_to_server).post(integrity::attach),
        )
        .route(
            "/ui/integrity/baselines/{id}/approve",
            get(integrity::back_to_server).post(integrity::approve),
        )
        .route(
            "/ui/classification-scheme",
            get(scheme::scheme_page).post(needs(Scope::Write, scheme::save)),
        )
        .route(
            "/ui/classification-scheme.csv",
            get(needs(Scope::Read, scheme::scheme_export)),
        )
        .route("/ui/classification-scheme/print", get(scheme::scheme_print))
}

/// Refuses a caller who may not read the inventory; says whether they keep it.
pub(super) fn require_reader(s: &AppState, caller: &Caller, lang: Tr) -> UiResult<bool> {
    let w = s.world();
    inv::require_reader(&w, caller, s.now())
        .map(|r| r == Reader::Keeper)
        .ui(lang)
}

/// A class as the pages write it (`Z2 C1 R0`), or a dash when it is unclassified throughout.
pub(super) fn class_text(c: Classification) -> String {
    if c == Classification::PUBLIC {
        "—".to_owned()
    } else {
        c.to_string()
    }
}

/// The key of an item kind's words.
pub(super) fn kind_key(kind: ItemKind, short: bool) -> &'static str {
    match (kind, short) {
        (ItemKind::Asset, false) => "inv_kind_asset",
        (ItemKind::System, false) => "inv_kind_system",
        (ItemKind::Asset, true) => "inv_kind_asset_short",
        (ItemKind::System, true) => "inv_kind_system_short",
    }
}

/// The key of a relation's words.
pub(super) fn relation_key(r: Relation) -> &'static str {
    match r {
        Relation::Stores => "rel_stores",
        Relation::Processes => "rel_processes",
        Relation::Handles => "rel_handles",
        Relation::Protects => "rel_protects",
    }
}

/// An operator in words: its kind (a key) and who.
pub(super) fn operator_view(w: &World, op: &Operator) -> (&'static str, String) {
    match op {
        Operator::User(u) => (
            "inv_op_user",
            w.user(*u)
                .map_or_else(|_| u.to_string(), |u| format!("{} ({})", u.display_name(), u.username)),
        ),
        Operator::Office(o) => (
            "inv_op_office",
            w.office(*o)
                .map_or_else(|_| o.to_string(), |o| format!("{} – {}", o.code, o.name)),
        ),
        Operator::Organisation(n) => ("inv_op_org", n.to_string()),
    }
}

/// One line of the list as the page shows it.
pub(super) struct RowView {
    pub(super) id: u32,
    pub(super) kind: &'static str,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) custodian: String,
    pub(super) class: String,
    pub(super) effective: String,
    pub(super) below_floor: bool,
    pub(super) overdue: bool,
    pub(super) unclassified: bool,
    pub(super) retired: bool,
    pub(super) review_due: String,
    pub(super) custodian_inactive: bool,
}

impl RowView {
    fn of(r: &ItemRow) -> RowView {
        let i = &r.item;
        RowView {
            id: i.id.0,
            kind: kind_key(i.kind, true),
            code: i.fields.code.to_string(),
            name: i.fields.name.to_string(),
            custodian: r.custodian_name.clone(),
            class: i
                .classified
                .as_ref()
                .map_or_else(|| "—".to_owned(), |c| class_text(c.class)),
            effective: class_text(r.effective),
            below_floor: r.below_floor,
            overdue: r.review_overdue,
            unclassified: i.classified.is_none(),
            retired: i.retired,
            review_due: i.fields.review_due.map(|d| d.to_string()).unwrap_or_default(),
            custodian_inactive: r.custodian_inactive,
        }
    }
}

/// The list's filters as the query carries them (a checkbox sends `1`).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) mine: String,
    #[serde(default)]
    pub(super) below: String,
    #[serde(default)]
    pub(super) overdue: String,
    #[serde(default)]
    pub(super) unclassified: String,
    #[serde(default)]
    pub(super) retired: String,
    #[serde(default)]
    pub(super) inactive: String,
}

impl ListQuery {
    fn filter(&self, caller: &Caller) -> Filter {
        Filter {
            kind: match self.kind.as_str() {
                "asset" => Some(ItemKind::Asset),
                "system" => Some(ItemKind::System),
                _ => None,
            },
            custodian: (self.mine == "1").then_some(caller.user),
            below_floor: self.below == "1",
            overdue: self.overdue == "1",
            unclassified: self.unclassified == "1",
            retired: self.retired == "1",
            custodian_inactive: self.inactive == "1",
        }
    }

    /// The query again, for the printable page's link (only the filters set).
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if !self.kind.is_empty() {
            parts.push(format!("kind={}", url_escape(&self.kind)));
        }
        for (k, v) in [
            ("mine", &self.mine),
            ("below", &self.below),
            ("overdue", &self.overdue),
            ("unclassified", &self.unclassified),
            ("retired", &self.retired),
            ("inactive", &self.inactive),
        ] {
            if v == "1" {
                parts.push(format!("{k}=1"));
            }
        }
        parts.join("&")
    }
}

#[derive(Template)]
#[template(path = "inventory.html")]
pub(super) struct ListPage {
    pub(super) c: Chrome,
    pub(super) rows: Vec<RowView>,
    pub(super) q: ListQuery,
    pub(super) query: String,
    pub(super) keeper: bool,
    /// Whether the caller sees the dormant-accounts report (`ui/dormant.rs`).
    pub(super) dormant: bool,
    /// Whether the caller reads any server's integrity records (`integrity.rs`).
    pub(super) integrity: bool,
}

#[derive(Template)]
#[template(path = "inventory_print.html")]
pub(super) struct PrintPage {
    pub(super) c: Chrome,
    pub(super) rows: Vec<RowView>,
    pub(super) organisation: String,
    pub(super) printed: String,
}

fn rows(s: &AppState, caller: &Caller, q: &ListQuery) -> Vec<RowView> {
    let now = s.now();
    let w = s.world();
    inv::list(&w, &q.filter(caller), LocalDate::of(now))
        .iter()
        .map(RowView::of)
        .collect()
}

pub(super) async fn list_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(q): Query<ListQuery>,
) -> UiResult<Response> {
    let keeper = require_reader(&s, &caller, lang.tr)?;
    let p = ListPage {
        c: chrome(&s, &caller, lang.tr),
        rows: rows(&s, &caller, &q),
        query: q.query(),
        q,
        keeper,
        dormant: crate::service::dormant::may_see(&s, &caller),
        integrity: crate::service::integrity::servers(&s, &caller).is_ok(),
    };
    page(lang, &p)
}

pub(super) async fn print_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(q): Query<ListQuery>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let p = PrintPage {
        c: chrome(&s, &caller, lang.tr),
        rows: rows(&s, &caller, &q),
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &p)
}

/// The people a person picker offers for what was typed: active accounts that are people
/// (a service account is no custodian), by name or username, at most twenty.
#[derive(Template)]
#[template(path = "inventory_people.html")]
pub(super) struct PeopleList {
    pub(super) field: String,
    pub(super) people: Vec<(String, String)>,
}

/// The fields the people picker serves: the inventory's (`custodian`, `consent_by`), the
/// Decree roles' appointment (`user`) and the people of an information solution's form
/// (`p_customer`…, the seed's roles; `ui/hosting/form.rs`). Only these: the name becomes the
/// datalist's id.
const PICKER_FIELDS: [&str; 16] = [
    "custodian",
    "consent_by",
    "user",
    "p_customer",
    "p_developer",
    "p_siv",
    "p_soc",
    "p_coordinator",
    "p_deployment_engineer",
    "p_infrastructure_manager",
    "p_system_support",
    "p_support_head",
    "p_operational_wg",
    "p_technical_board",
    "p_ekc",
    "p_registry_custodian",
];

/// The list of people for a picker field (one of [`PICKER_FIELDS`]): the field's value is the
/// query, the answer a `<datalist>` the field names; choosing an option fills the field with
/// the username.
pub(super) async fn people(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(field): UiPath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let field = if PICKER_FIELDS.contains(&field.as_str()) {
        field
    } else {
        "custodian".to_owned()
    };
    let typed = q.get(&field).map(|t| t.trim().to_lowercase()).unwrap_or_default();
    let people = if typed.is_empty() {
        Vec::new()
    } else {
        let w = s.world();
        w.users()
            .iter()
            .filter(|u| u.active && u.kind != AccountKind::SystemUser)
            .filter(|u| {
                u.username.as_str().to_lowercase().contains(&typed) || u.display_name().to_lowercase().contains(&typed)
            })
            .take(20)
            .map(|u| (u.username.to_string(), u.display_name()))
            .collect()
    };
    page(lang, &PeopleList { field, people })
}

/// The last change and the history of an item, with the changes of its links (the link's
/// record names the system and the asset): for those who read the inventory, all of it.
pub(super) async fn item_history(
    s: &AppState,
    id: ItemId,
    lang: Tr,
) -> UiResult<(Option<LastChangeView>, Vec<HistoryRow>)> {
    let store = s.store.clone();
    let records = blocking(move || {
        let mut records = store.audit_search(&AuditQuery {
            object_kind: Some(EntityKind::InventoryItem.as_str().to_owned()),
            object_id: Some(id.0),
            limit: 50,
            ..AuditQuery::default()
        })?;
        let links = store.audit_search(&AuditQuery {
            object_kind: Some(EntityKind::InventoryLink.as_str().to_owned()),
            limit: 1000,
            ..AuditQuery::default()
        })?;
        let ours = |v: &serde_json::Value| {
            v.get("system").and_then(serde_json::Value::as_u64) == Some(u64::from(id.0))
                || v.get("asset").and_then(serde_json::Value::as_u64) == Some(u64::from(id.0))
        };
        records.extend(
            links
                .into_iter()
                .filter(|r| [&r.before, &r.after].into_iter().flatten().any(ours)),
        );
        Ok::<_, adam_store::StoreError>(records)
    })
    .await
    .ui(lang)?
    .ui(lang)?;
    let mut records = records;
    records.sort_by_key(|r| std::cmp::Reverse(r.seq));
    records.truncate(50);
    Ok(super::history::panel_and_rows(&s.world(), &records, |r| {
        r.object.kind == EntityKind::InventoryItem
    }))
}
