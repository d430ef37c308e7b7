//! An inventory item's page (`/ui/inventory/{id}`): its fields, its class with who set it and
//! when, a system's floor with the asset that forces it, the obligations of its class, its
//! links, the last change and history — and the forms: classify (the custodian only), edit
//! (the keepers and the custodian), link and unlink, retire (the keepers, after a
//! confirmation); and the new-item form (`/ui/inventory/new`). A refused form comes back with
//! what was typed and the message at the field.
//!
//! The folder splits it by what it holds: here the page and how a refusal comes back to it;
//! `forms.rs` the forms as typed and how they are read; `actions.rs` the forms' handlers
//! (edit, classify, link, unlink, retire) and the new-item page.

use super::super::chrome::*;
use super::super::confirm::*;
use super::super::history::{HistoryRow, LastChangeView};
use super::super::i18n::Tr;
use super::integrity_box::IntegrityBox;
use super::*;
use crate::authn::{Caller, Scope};
use crate::error::said;
use crate::service::inventory::{ObligationView, RegulationView};
use adam_core::register::inventory::{
    Dimension, InventoryItem, ItemFields, ItemKind, Operator, PublicCloud, Relation, TransferConsent,
};
use axum::response::{IntoResponse, Redirect};
use std::collections::BTreeMap;

mod actions;
mod forms;

pub(super) use actions::{classify_item, create_item, link_item, new_item_page, retire_item, unlink_item, update_item};
use forms::{ClassifyForm, ItemForm, LinkForm};

type Errors = BTreeMap<&'static str, String>;

/// An optional text as a field shows it (empty when there is none).
fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Why a system's floor is what it is, on one dimension.
pub(crate) struct ReasonView {
    pub(crate) class: String,
    pub(crate) asset: u32,
    pub(crate) asset_code: String,
}

/// A link as its row shows it.
pub(crate) struct LinkRow {
    pub(crate) id: u32,
    pub(crate) other: u32,
    pub(crate) other_code: String,
    pub(crate) other_name: String,
    pub(crate) other_class: String,
    pub(crate) relation: &'static str,
    pub(crate) consent: String,
}

#[derive(Template)]
#[template(path = "inventory_item.html")]
pub(crate) struct ItemPage {
    pub(crate) c: Chrome,
    pub(crate) id: u32,
    pub(crate) system: bool,
    pub(crate) kind: &'static str,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) custodian: String,
    pub(crate) operators: Vec<(&'static str, String)>,
    pub(crate) application: String,
    /// Shown fields: a key of the words and the value.
    pub(crate) facts: Vec<(&'static str, String)>,
    pub(crate) retired: bool,
    pub(crate) overdue: bool,
    /// Class, who, when, protection level.
    pub(crate) classified: Option<(String, String, String, String)>,
    pub(crate) effective: String,
    pub(crate) floor: Option<String>,
    pub(crate) reasons: Vec<ReasonView>,
    /// The floor, when the system is below it.
    pub(crate) below: Option<String>,
    /// Whether the custodian's account is deactivated (Art. 10(3): a new one is due).
    pub(crate) custodian_inactive: bool,
    pub(crate) obligations: Vec<ObligationView>,
    /// The regulations the obligations come from, each heading its group.
    pub(crate) regulations: Vec<RegulationView>,
    pub(crate) links: Vec<LinkRow>,
    /// What may be linked: id and label.
    pub(crate) candidates: Vec<(u32, String)>,
    pub(crate) relations: Vec<(&'static str, &'static str)>,
    pub(crate) may_edit: bool,
    pub(crate) may_classify: bool,
    pub(crate) keeper: bool,
    /// The shared fields form serves an existing item (always false here).
    pub(crate) new: bool,
    pub(crate) applications: Vec<(u32, String)>,
    pub(crate) form: ItemForm,
    pub(crate) cls: ClassifyForm,
    /// The classify form's selects: id, name, words, the value typed, the letter.
    pub(crate) dims: Vec<(&'static str, &'static str, &'static str, String, char)>,
    pub(crate) link: LinkForm,
    pub(crate) errors: Errors,
    pub(crate) last: Option<LastChangeView>,
    pub(crate) history: Vec<HistoryRow>,
    /// The files kept with the item (`attachments.rs`).
    pub(crate) attachments: Vec<super::attachments::AttachmentRow>,
    /// The integrity box of a server (`integrity_box.rs`).
    pub(crate) integrity: Option<IntegrityBox>,
}

pub(super) fn applications(w: &World) -> Vec<(u32, String)> {
    w.applications()
        .iter()
        .map(|a| (a.id.0, format!("{} – {}", a.code, a.name)))
        .collect()
}

fn yes_no(b: bool) -> String {
    (if b { "inv_yes" } else { "inv_no" }).to_owned()
}

/// The item's page, with the forms as typed (or filled from the item when `None`).
pub(super) async fn item_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: ItemId,
    typed: Typed,
    errors: Errors,
) -> UiResult<ItemPage> {
    let keeper = require_reader(s, caller, lang)?;
    let (last, history) = item_history(s, id, lang).await?;
    let now = s.now();
    let w = s.world();
    let v = inv::view(&w, caller, id, now, super::super::words::engine::lang(lang)).ui(lang)?;
    let item = &v.row.item;
    let f = &item.fields;
    let system = item.kind == ItemKind::System;
    let writable = caller.has(Scope::Write);
    let classified = item.classified.as_ref().map(|c| {
        (
            class_text(c.class),
            w.user(c.by).map_or_else(
                |_| c.by.to_string(),
                |u| format!("{} ({})", u.display_name(), u.username),
            ),
            local(c.at),
            opt(&c.protection_level),
        )
    });
    let reasons = v
        .floor_reasons
        .iter()
        .map(|r| ReasonView {
            class: format!("{}{}", r.dimension, r.floor.value()),
            asset: r.asset.0,
            asset_code: r.asset_code.clone(),
        })
        .collect();
    let below = w.below_floor(item).and(v.row.floor.map(|f| class_text(f.class)));
    let links = v
        .links
        .iter()
        .map(|l| LinkRow {
            id: l.link.id.0,
            other: l.other.0,
            other_code: l.other_code.clone(),
            other_name: l.other_name.clone(),
            other_class: class_text(l.other_class),
            relation: relation_key(l.link.relation),
            consent: l.link.consent.as_ref().map_or_else(String::new, |c| {
                let by = w
                    .user(c.by)
                    .map_or_else(|_| c.by.to_string(), |u| u.username.to_string());
                format!("{} · {} · {}", c.reference, by, c.date)
            }),
        })
        .collect::<Vec<_>>();
    let want = if system { ItemKind::Asset } else { ItemKind::System };
    let mut candidates: Vec<(u32, String)> = w
        .items()
        .iter()
        .filter(|i| i.kind == want && !i.retired && !v.links.iter().any(|l| l.other == i.id))
        .map(|i| (i.id.0, format!("{} – {}", i.fields.code, i.fields.name)))
        .collect();
    candidates.sort_by(|a, b| a.1.cmp(&b.1));
    let mut facts: Vec<(&'static str, String)> = vec![
        ("inv_label", opt(&f.label)),
        ("inv_secured_area", yes_no(f.secured_area)),
        ("inv_other_inventory", opt(&f.other_inventory)),
        (
            "inv_last_reviewed",
            f.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "inv_review_due",
            f.review_due.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ];
    if system {
        facts.extend([
            ("inv_own", yes_no(f.own)),
            ("inv_key_server", yes_no(f.key_server)),
            ("inv_high_risk", yes_no(f.high_risk)),
        ]);
        if let Some(cloud) = &f.public_cloud {
            facts.extend([
                ("inv_cloud_service", cloud.service.to_string()),
                ("inv_cloud_approval", opt(&cloud.ministry_approval)),
                ("inv_cloud_terms", opt(&cloud.terms_approval)),
            ]);
        }
    }
    let application = f
        .application
        .and_then(|a| w.application(a).ok())
        .map(|a| format!("{} – {}", a.code, a.name))
        .unwrap_or_default();
    let form = typed.form.unwrap_or_else(|| ItemForm::of(&w, item));
    // Unless something was typed, the form offers what the item is held to: its class, or a
    // system's floor where that is higher (the least the custodian may choose).
    let cls = typed.cls.unwrap_or_else(|| {
        let c = v.row.effective;
        ClassifyForm {
            z: c.z.value().to_string(),
            c: c.c.value().to_string(),
            r: c.r.value().to_string(),
            protection_level: item
                .classified
                .as_ref()
                .map(|c| opt(&c.protection_level))
                .unwrap_or_default(),
        }
    });
    let dims = vec![
        ("cls_z", "z", "inv_dim_z", cls.z.trim().to_owned(), 'Z'),
        ("cls_c", "c", "inv_dim_c", cls.c.trim().to_owned(), 'C'),
        ("cls_r", "r", "inv_dim_r", cls.r.trim().to_owned(), 'R'),
    ];
    Ok(ItemPage {
        c: chrome(s, caller, lang),
        id: id.0,
        system,
        kind: kind_key(item.kind, false),
        code: f.code.to_string(),
        name: f.name.to_string(),
        description: opt(&f.description),
        custodian: w.user(f.custodian).map_or_else(
            |_| v.row.custodian_name.clone(),
            |u| format!("{} ({})", u.display_name(), u.username),
        ),
        operators: f.operators.iter().map(|o| operator_view(&w, o)).collect(),
        application,
        facts,
        retired: item.retired,
        overdue: v.row.review_overdue,
        classified,
        effective: class_text(v.row.effective),
        floor: v.row.floor.map(|f| class_text(f.class)),
        reasons,
        below,
        custodian_inactive: v.row.custodian_inactive && !v.row.item.retired,
        obligations: v.obligations.clone(),
        regulations: v.regulations.clone(),
        attachments: super::attachments::rows(&f.attachments),
        links,
        candidates,
        relations: Relation::ALL.iter().map(|r| (r.as_str(), relation_key(*r))).collect(),
        may_edit: writable && v.may_edit,
        may_classify: writable && v.may_classify,
        keeper: writable && keeper && !item.retired,
        new: false,
        applications: applications(&w),
        form,
        cls,
        dims,
        link: typed.link.unwrap_or_else(|| LinkForm {
            relation: "stores".to_owned(),
            ..LinkForm::default()
        }),
        errors,
        last,
        history,
        integrity: IntegrityBox::of(&w, caller, id, s.now()),
    })
}

/// What a refused form brings back.
#[derive(Default)]
pub(super) struct Typed {
    form: Option<ItemForm>,
    cls: Option<ClassifyForm>,
    link: Option<LinkForm>,
}

pub(crate) async fn item_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = item_view(&s, &caller, lang.tr, ItemId(id), Typed::default(), Errors::new()).await?;
    page(lang, &p)
}

/// A GET of an item form's address (the language switch of a page answering a POST).
pub(crate) async fn back_to_item(
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/inventory/{id}?{q}")),
        None => Redirect::to(&format!("/ui/inventory/{id}")),
    }
}

fn to_item(id: u32, anchor: &str) -> Response {
    Redirect::to(&format!("/ui/inventory/{id}{anchor}")).into_response()
}

/// Puts a refusal at its field (the engine's message names the records by their codes).
fn refusal(errors: &mut Errors, detail: &(String, String), field: &'static str) {
    errors.insert(field, detail.0.clone());
}

/// Like [`saved`], keeping the refusal's problem code (to put the message at its field).
pub(super) fn saved_coded<T>(lang: Lang, outcome: crate::error::ApiResult<T>) -> UiResult<Option<(String, String)>> {
    match outcome {
        Ok(_) => Ok(None),
        Err(e) if e.status == axum::http::StatusCode::FORBIDDEN || e.status == axum::http::StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => {
            let code = e.code.to_owned();
            Ok(Some((e.detail, code)))
        }
    }
}
