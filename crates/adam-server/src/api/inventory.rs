//! The inventory of information assets and systems (Decree Art. 10–11, 38, 41): list, read,
//! export, create, edit, classify, retire, link and unlink, and each item's history.
//!
//! A thin adapter: who may **read** is `service::inventory::reader` (the security lead, the
//! system administrator, user administrators, custodians); who may **change** what is the
//! engine's (`plan/inventory.rs`: the keepers create and retire, an item's custodian or a
//! keeper edits it and its links, only the custodian classifies). A change to an existing item
//! is first refused to callers who may not read the inventory, so that a refusal does not tell
//! them which items exist or who keeps them. Edits need `If-Match` like the directory's. The
//! answers are in the language of `Accept-Language` (the obligations' texts and the problems);
//! the CSV export's header row too (English unless Slovenian is asked for).

use super::guard::needs;
use super::{Api, AsOf, Doc, PageQuery};
use crate::api::directory::double;
use crate::authn::{Caller, Scope};
use crate::body::Body;
use crate::error::{ApiResult, WebError, speaking};
use crate::http::{Id, IfMatch, Params, Tagged, update};
use crate::service::audit::History;
use crate::service::inventory::{self as inv, Filter, ItemRow, ItemView};
use crate::service::past::answering;
use crate::state::AppState;
use adam_core::attachment::AttachmentRef;
use adam_core::register::inventory::{
    InventoryItem, ItemFields, ItemKind, ItemLink, Operator, PublicCloud, Relation, TransferConsent,
};
use adam_core::*;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use schemars::JsonSchema;
use serde::Deserialize;

const READERS: &str =
    "the information-security lead, the system administrator, user administrators and custodians (read scope)";
const KEEPERS: &str = "the information-security lead or the system administrator (write scope)";
const EDITORS: &str = "the item's custodian, the information-security lead or the system administrator (write scope); changing the custodian: the lead or the administrator";

pub(crate) fn routes(api: Api) -> Api {
    let t = "inventory";
    api.route(
        Method::GET,
        "/api/v1/inventory",
        Doc::new(t, "List the inventory of information assets and systems (Art. 10), in id order; `at` answers as the inventory stood at an earlier instant", READERS)
            .query::<InventoryQuery>()
            .response::<Page<ItemRow>>(),
        get(needs(Scope::Read, list)),
    )
    .route(
        Method::POST,
        "/api/v1/inventory",
        Doc::new(t, "Add an information asset or system to the inventory (it must have an active custodian, Art. 10(3))", KEEPERS)
            .body::<NewItem>()
            .response::<ItemView>()
            .created(),
        post(needs(Scope::Write, create)),
    )
    .route(
        Method::GET,
        "/api/v1/inventory.csv",
        Doc::new(
            t,
            "The inventory as CSV: every field, the class, effective class, floor, below-floor and review-overdue flags; header row in the Accept-Language language (sl or en, English by default), values language-neutral",
            READERS,
        )
        .query::<InventoryFilter>()
        .csv(),
        get(needs(Scope::Read, export)),
    )
    .route(
        Method::GET,
        "/api/v1/inventory/{id}",
        Doc::new(t, "An inventory item with its floor and why, its links and its obligations (Art. 11, table 1.2.3); `at` answers as the item stood at an earlier instant", READERS)
            .query::<AsOf>()
            .response::<ItemView>()
            .etag(),
        get(needs(Scope::Read, read)),
    )
    .route(
        Method::PATCH,
        "/api/v1/inventory/{id}",
        Doc::new(t, "Change some of an item's fields (not its class); absent fields stay, null clears", EDITORS)
            .body::<ItemPatch>()
            .response::<ItemView>()
            .etag(),
        patch(needs(Scope::Write, patch_item)),
    )
    .route(
        Method::PUT,
        "/api/v1/inventory/{id}",
        Doc::new(t, "Replace an item's fields (not its class)", EDITORS)
            .body::<ItemBody>()
            .response::<ItemView>()
            .etag(),
        put(needs(Scope::Write, put_item)),
    )
    .route(
        Method::POST,
        "/api/v1/inventory/{id}/classification",
        Doc::new(
            t,
            "Classify an item (Z, C, R; 0 = unclassified) with its protection level; a system not below the assets it handles (Art. 7, 11(2), 41(1))",
            "the item's custodian only (Art. 7) — not the security lead, not the system administrator (write scope)",
        )
        .body::<ClassifyBody>()
        .response::<ItemView>(),
        post(needs(Scope::Write, classify)),
    )
    .route(
        Method::POST,
        "/api/v1/inventory/{id}/retire",
        Doc::new(t, "Retire an item: kept for the record, no longer in use", KEEPERS).response::<ItemView>(),
        post(needs(Scope::Write, retire)),
    )
    .route(
        Method::POST,
        "/api/v1/inventory/{id}/links",
        Doc::new(
            t,
            "Link the system to an asset it stores, processes, handles or protects (Art. 11(2)); an asset another system holds moves in only with that system's custodian's written consent and into a system at least as high in Z and C (Art. 38)",
            EDITORS,
        )
        .body::<NewLink>()
        .response::<ItemLink>()
        .created(),
        post(needs(Scope::Write, link)),
    )
    .route(
        Method::DELETE,
        "/api/v1/inventory/links/{id}",
        Doc::new(t, "Remove a link; answers the system as it is then", EDITORS).response::<ItemView>(),
        delete(needs(Scope::Write, unlink)),
    )
    .route(
        Method::GET,
        "/api/v1/inventory/{id}/history",
        Doc::new(t, "An item's history from the audit trail, newest first, and its last change", READERS)
            .query::<HistoryPage>()
            .response::<History>(),
        get(needs(Scope::Read, history)),
    )
}

// ---- bodies and queries -----------------------------------------------------------------

/// What the list and the export can be narrowed to.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryFilter {
    /// Only `asset`s or only `system`s.
    pub kind: Option<ItemKind>,
    /// Only the items of this custodian (a user id).
    pub custodian: Option<u32>,
    /// Only systems classified below their floor.
    #[serde(default)]
    pub below_floor: bool,
    /// Only items whose review is overdue.
    #[serde(default)]
    pub overdue: bool,
    /// Only items not yet classified.
    #[serde(default)]
    pub unclassified: bool,
    /// Retired items too.
    #[serde(default)]
    pub retired: bool,
    /// Only items whose custodian's account is deactivated (Art. 10(3): a new one is due).
    #[serde(default)]
    pub custodian_inactive: bool,
    /// Answer as the inventory stood at this instant (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
}

impl InventoryFilter {
    fn filter(&self) -> Filter {
        Filter {
            kind: self.kind,
            custodian: self.custodian.map(UserId),
            below_floor: self.below_floor,
            overdue: self.overdue,
            unclassified: self.unclassified,
            retired: self.retired,
            custodian_inactive: self.custodian_inactive,
        }
    }
}

/// The list's filters and paging.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryQuery {
    /// Only `asset`s or only `system`s.
    pub kind: Option<ItemKind>,
    /// Only the items of this custodian (a user id).
    pub custodian: Option<u32>,
    /// Only systems classified below their floor.
    #[serde(default)]
    pub below_floor: bool,
    /// Only items whose review is overdue.
    #[serde(default)]
    pub overdue: bool,
    /// Only items not yet classified.
    #[serde(default)]
    pub unclassified: bool,
    /// Retired items too.
    #[serde(default)]
    pub retired: bool,
    /// Only items whose custodian's account is deactivated (Art. 10(3): a new one is due).
    #[serde(default)]
    pub custodian_inactive: bool,
    /// Answer as the inventory stood at this instant (default: now).
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Return items after this id.
    pub after: Option<u32>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

/// An item's fields, as `PUT` replaces them (absent optional fields are cleared).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    /// A short code, unique in the inventory (`VOPI-SYS`).
    pub code: Code,
    /// Its name.
    pub name: Text,
    /// What it is.
    #[serde(default)]
    pub description: Option<Text>,
    /// Its custodian (Art. 7, 10(3)): mandatory, an active person.
    pub custodian: UserId,
    /// Its operators (Art. 8); systems only.
    #[serde(default)]
    pub operators: Vec<Operator>,
    /// The label (Art. 11(3)).
    #[serde(default)]
    pub label: Option<Text>,
    /// An own information system of the body (Art. 2(18)).
    #[serde(default)]
    pub own: bool,
    /// A server key to the body (Art. 50(4)).
    #[serde(default)]
    pub key_server: bool,
    /// A high-risk server connected to uncontrolled networks (Art. 50(3)).
    #[serde(default)]
    pub high_risk: bool,
    /// Inside a secured area (Art. 60(3)).
    #[serde(default)]
    pub secured_area: bool,
    /// Its reference in another inventory (Art. 10(2)).
    #[serde(default)]
    pub other_inventory: Option<Text>,
    /// Its use of a public cloud (Art. 41); systems only; needs the ministry's approval.
    #[serde(default)]
    pub public_cloud: Option<PublicCloud>,
    /// The ADAM application whose records live in this system; systems only.
    #[serde(default)]
    pub application: Option<AppId>,
    /// When it was last reviewed (`YYYY-MM-DD`).
    #[serde(default)]
    pub last_reviewed: Option<LocalDate>,
    /// When it is next to be reviewed (`YYYY-MM-DD`; default a year after the last review).
    #[serde(default)]
    pub review_due: Option<LocalDate>,
    /// Files kept with it: references to files uploaded to `/api/v1/attachments` (each must
    /// be stored, and be the caller's upload or readable by the caller).
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

impl ItemBody {
    fn fields(self) -> ItemFields {
        ItemFields {
            code: self.code,
            name: self.name,
            description: self.description,
            custodian: self.custodian,
            operators: self.operators,
            label: self.label,
            own: self.own,
            key_server: self.key_server,
            high_risk: self.high_risk,
            secured_area: self.secured_area,
            other_inventory: self.other_inventory,
            public_cloud: self.public_cloud,
            application: self.application,
            last_reviewed: self.last_reviewed,
            review_due: self.review_due,
            attachments: self.attachments,
        }
    }
}

/// A new item: its kind and fields.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// `asset` or `system`.
    pub kind: ItemKind,
    /// A short code, unique in the inventory (`VOPI-SYS`).
    pub code: Code,
    /// Its name.
    pub name: Text,
    /// What it is.
    #[serde(default)]
    pub description: Option<Text>,
    /// Its custodian (Art. 7, 10(3)): mandatory, an active person.
    pub custodian: UserId,
    /// Its operators (Art. 8); systems only.
    #[serde(default)]
    pub operators: Vec<Operator>,
    /// The label (Art. 11(3)).
    #[serde(default)]
    pub label: Option<Text>,
    /// An own information system of the body (Art. 2(18)).
    #[serde(default)]
    pub own: bool,
    /// A server key to the body (Art. 50(4)).
    #[serde(default)]
    pub key_server: bool,
    /// A high-risk server connected to uncontrolled networks (Art. 50(3)).
    #[serde(default)]
    pub high_risk: bool,
    /// Inside a secured area (Art. 60(3)).
    #[serde(default)]
    pub secured_area: bool,
    /// Its reference in another inventory (Art. 10(2)).
    #[serde(default)]
    pub other_inventory: Option<Text>,
    /// Its use of a public cloud (Art. 41); systems only; needs the ministry's approval.
    #[serde(default)]
    pub public_cloud: Option<PublicCloud>,
    /// The ADAM application whose records live in this system; systems only.
    #[serde(default)]
    pub application: Option<AppId>,
    /// When it was last reviewed (`YYYY-MM-DD`).
    #[serde(default)]
    pub last_reviewed: Option<LocalDate>,
    /// When it is next to be reviewed (`YYYY-MM-DD`; default a year after the last review).
    #[serde(default)]
    pub review_due: Option<LocalDate>,
    /// Files kept with it: references to files uploaded to `/api/v1/attachments` (each must
    /// be stored, and be the caller's upload or readable by the caller).
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

impl NewItem {
    fn split(self) -> (ItemKind, ItemFields) {
        let body = ItemBody {
            code: self.code,
            name: self.name,
            description: self.description,
            custodian: self.custodian,
            operators: self.operators,
            label: self.label,
            own: self.own,
            key_server: self.key_server,
            high_risk: self.high_risk,
            secured_area: self.secured_area,
            other_inventory: self.other_inventory,
            public_cloud: self.public_cloud,
            application: self.application,
            last_reviewed: self.last_reviewed,
            review_due: self.review_due,
            attachments: self.attachments,
        };
        (self.kind, body.fields())
    }
}

/// Changes to an item's fields; absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    /// Code.
    #[serde(default)]
    pub code: Option<Code>,
    /// Name.
    #[serde(default)]
    pub name: Option<Text>,
    /// Description (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub description: Option<Option<Text>>,
    /// Custodian (the lead or the administrator only).
    #[serde(default)]
    pub custodian: Option<UserId>,
    /// Operators (replaces the list).
    #[serde(default)]
    pub operators: Option<Vec<Operator>>,
    /// Label (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub label: Option<Option<Text>>,
    /// Own information system.
    #[serde(default)]
    pub own: Option<bool>,
    /// Key server.
    #[serde(default)]
    pub key_server: Option<bool>,
    /// High-risk server.
    #[serde(default)]
    pub high_risk: Option<bool>,
    /// Inside a secured area.
    #[serde(default)]
    pub secured_area: Option<bool>,
    /// Reference in another inventory (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub other_inventory: Option<Option<Text>>,
    /// Public cloud use (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub public_cloud: Option<Option<PublicCloud>>,
    /// Application (`null`: none).
    #[serde(default, deserialize_with = "double")]
    pub application: Option<Option<AppId>>,
    /// Last reviewed (`null`: never); a new date moves `review_due` a year on unless it is given.
    #[serde(default, deserialize_with = "double")]
    pub last_reviewed: Option<Option<LocalDate>>,
    /// Next review (`null`: a year after the last review).
    #[serde(default, deserialize_with = "double")]
    pub review_due: Option<Option<LocalDate>>,
    /// Files kept with it (replaces the list).
    #[serde(default)]
    pub attachments: Option<Vec<AttachmentRef>>,
}

impl ItemPatch {
    fn apply(self, f: ItemFields) -> ItemFields {
        // A new review date without a due date: the engine sets the next one a year on.
        let review_due = match (&self.last_reviewed, self.review_due) {
            (_, Some(due)) => due,
            (Some(_), None) => None,
            (None, None) => f.review_due,
        };
        ItemFields {
            code: self.code.unwrap_or(f.code),
            name: self.name.unwrap_or(f.name),
            description: self.description.unwrap_or(f.description),
            custodian: self.custodian.unwrap_or(f.custodian),
            operators: self.operators.unwrap_or(f.operators),
            label: self.label.unwrap_or(f.label),
            own: self.own.unwrap_or(f.own),
            key_server: self.key_server.unwrap_or(f.key_server),
            high_risk: self.high_risk.unwrap_or(f.high_risk),
            secured_area: self.secured_area.unwrap_or(f.secured_area),
            other_inventory: self.other_inventory.unwrap_or(f.other_inventory),
            public_cloud: self.public_cloud.unwrap_or(f.public_cloud),
            application: self.application.unwrap_or(f.application),
            last_reviewed: self.last_reviewed.unwrap_or(f.last_reviewed),
            review_due,
            attachments: self.attachments.unwrap_or(f.attachments),
        }
    }
}

/// A classification by the custodian.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyBody {
    /// Confidentiality, 0 (unclassified) to 3.
    pub z: SecurityClass,
    /// Integrity, 0 to 3.
    pub c: SecurityClass,
    /// Availability, 0 to 3.
    pub r: SecurityClass,
    /// The protection level set with it (stopnja zaščite, Art. 7).
    #[serde(default)]
    pub protection_level: Option<Text>,
}

/// A link from the system in the path to an asset.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// The asset.
    pub asset: ItemId,
    /// `stores`, `processes`, `handles` or `protects`.
    pub relation: Relation,
    /// The written consent of the custodian of a system already holding the asset (Art. 38).
    #[serde(default)]
    pub consent: Option<TransferConsent>,
}

/// Paging of a history.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryPage {
    /// The cursor: records before this sequence number.
    pub before: Option<u64>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
}

// ---- handlers ---------------------------------------------------------------------------

/// The caller's view of an item, tagged with the item's revision (what `If-Match` names: a
/// link changing the item's floor does not change it).
fn tagged_view(s: &AppState, caller: &Caller, id: ItemId) -> ApiResult<Tagged<ItemView>> {
    let view = inv::view(&s.world(), caller, id, s.now(), speaking())?;
    Ok(Tagged::new(view.row.item.rev, view))
}

/// Before a change to an existing item: refuses those who may not even read the inventory.
fn may_change(s: &AppState, caller: &Caller) -> ApiResult<()> {
    inv::require_reader_to_change(&s.world(), caller, s.now()).map(|_| ())
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Params(q): Params<InventoryQuery>,
) -> ApiResult<axum::Json<Page<ItemRow>>> {
    inv::require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let now = q.at.unwrap_or_else(|| s.now());
    let filter = InventoryFilter {
        kind: q.kind,
        custodian: q.custodian,
        below_floor: q.below_floor,
        overdue: q.overdue,
        unclassified: q.unclassified,
        retired: q.retired,
        custodian_inactive: q.custodian_inactive,
        at: q.at,
    };
    let limit = PageQuery {
        after: q.after,
        limit: q.limit,
    }
    .limit()?;
    let (items, next) = inv::page(&w, &filter.filter(), LocalDate::of(now), q.after, limit);
    Ok(axum::Json(Page { items, next }))
}

async fn export(State(s): State<AppState>, caller: Caller, Params(q): Params<InventoryFilter>) -> ApiResult<Response> {
    inv::require_reader(&s.world(), &caller, s.now())?;
    let past = s.world_as_of(q.at).await?;
    let w = answering(&s, &past);
    let now = q.at.unwrap_or_else(|| s.now());
    let mut rows = inv::list(&w, &q.filter(), LocalDate::of(now));
    rows.sort_by_key(|r| r.item.id);
    let text =
        crate::service::inventory_export::inventory_csv(&w, &rows, speaking()).map_err(|e| WebError::internal(&e))?;
    Ok(csv_answer(text, "inventory.csv"))
}

/// A CSV answer, offered as a download.
pub(crate) fn csv_answer(text: String, file: &'static str) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    // The header row follows Accept-Language.
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

async fn create(State(s): State<AppState>, caller: Caller, Body(b): Body<NewItem>) -> ApiResult<Tagged<ItemView>> {
    attachable(&s, &caller, Some(&b.attachments)).await?;
    let (kind, fields) = b.split();
    let id = inv::create_item(&s, &caller, kind, fields).await?;
    let view = inv::view(&s.world(), &caller, id, s.now(), speaking())?;
    Ok(Tagged::created(view.row.item.rev, view))
}

async fn read(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<AsOf>,
) -> ApiResult<Tagged<ItemView>> {
    inv::require_reader(&s.world(), &caller, s.now())?;
    let Some(past) = s.world_as_of(q.at).await? else {
        return tagged_view(&s, &caller, ItemId(id));
    };
    let view = inv::view(&past, &caller, ItemId(id), q.at.unwrap_or_else(|| s.now()), speaking())?;
    Ok(Tagged::new(view.row.item.rev, view))
}

async fn change_fields(
    s: AppState,
    caller: Caller,
    id: u32,
    if_match: IfMatch,
    fields: impl FnOnce(ItemFields) -> ItemFields,
) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    let item = ItemId(id);
    update(&s, &caller, &if_match, item, |current: InventoryItem| {
        Ok(inv::item_change(item, fields(current.fields)))
    })
    .await?;
    tagged_view(&s, &caller, item)
}

async fn patch_item(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(p): Body<ItemPatch>,
) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    attachable(&s, &caller, p.attachments.as_ref()).await?;
    change_fields(s, caller, id, if_match, |f| p.apply(f)).await
}

async fn put_item(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    if_match: IfMatch,
    Body(b): Body<ItemBody>,
) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    attachable(&s, &caller, Some(&b.attachments)).await?;
    change_fields(s, caller, id, if_match, |_| b.fields()).await
}

/// Refuses attachments that are not stored or not the caller's to attach
/// (`unknown-attachment`), before the command is planned.
async fn attachable(s: &AppState, caller: &Caller, list: Option<&Vec<AttachmentRef>>) -> ApiResult<()> {
    match list {
        Some(list) => crate::service::attachments::require_attachable(s, caller, list).await,
        None => Ok(()),
    }
}

async fn classify(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<ClassifyBody>,
) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    let item = ItemId(id);
    let class = Classification { z: b.z, c: b.c, r: b.r };
    inv::classify_item(&s, &caller, item, class, b.protection_level).await?;
    tagged_view(&s, &caller, item)
}

async fn retire(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    let item = ItemId(id);
    inv::retire_item(&s, &caller, item).await?;
    tagged_view(&s, &caller, item)
}

async fn link(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<NewLink>,
) -> ApiResult<Tagged<ItemLink>> {
    may_change(&s, &caller)?;
    let input = inv::NewLink {
        system: ItemId(id),
        asset: b.asset,
        relation: b.relation,
        consent: b.consent,
    };
    let link = inv::link_assets(&s, &caller, input).await?;
    let link = s.world().link(link)?.clone();
    Ok(Tagged::created_record(link))
}

async fn unlink(State(s): State<AppState>, caller: Caller, Id(id): Id) -> ApiResult<Tagged<ItemView>> {
    may_change(&s, &caller)?;
    let link = LinkId(id);
    let system = s.world().link(link)?.system;
    inv::unlink_asset(&s, &caller, link).await?;
    tagged_view(&s, &caller, system)
}

async fn history(
    State(s): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<HistoryPage>,
) -> ApiResult<axum::Json<History>> {
    inv::require_reader(&s.world(), &caller, s.now())?;
    s.world().item(ItemId(id))?;
    let kind = adam_core::EntityKind::InventoryItem.as_str();
    super::audit::object_history(&s, &caller, kind, id, q.before, q.limit)
        .await
        .map(axum::Json)
}
