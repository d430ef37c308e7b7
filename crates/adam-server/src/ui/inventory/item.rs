//! An inventory item's page (`/ui/inventory/{id}`): its fields, its class with who set it and
//! when, a system's floor with the asset that forces it, the obligations of its class, its
//! links, the last change and history — and the forms: classify (the custodian only), edit
//! (the keepers and the custodian), link and unlink, retire (the keepers, after a
//! confirmation); and the new-item form (`/ui/inventory/new`). A refused form comes back with
//! what was typed and the message at the field.

use super::super::chrome::*;
use super::super::confirm::*;
use super::super::history::{HistoryRow, LastChangeView};
use super::super::i18n::Tr;
use super::integrity_box::IntegrityBox;
use super::*;
use crate::authn::{Caller, Scope};
use crate::error::said;
use crate::service::inventory::ObligationView;
use adam_core::register::inventory::{
    Dimension, InventoryItem, ItemFields, ItemKind, Operator, PublicCloud, Relation, TransferConsent,
};
use axum::response::{IntoResponse, Redirect};
use std::collections::BTreeMap;

type Errors = BTreeMap<&'static str, String>;

/// The fields of an item as typed into its form (checkboxes send `1`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) custodian: String,
    #[serde(default)]
    pub(crate) operators: String,
    #[serde(default)]
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) own: String,
    #[serde(default)]
    pub(crate) key_server: String,
    #[serde(default)]
    pub(crate) high_risk: String,
    #[serde(default)]
    pub(crate) secured_area: String,
    #[serde(default)]
    pub(crate) other_inventory: String,
    #[serde(default)]
    pub(crate) cloud_service: String,
    #[serde(default)]
    pub(crate) cloud_approval: String,
    #[serde(default)]
    pub(crate) cloud_terms: String,
    #[serde(default)]
    pub(crate) application: String,
    #[serde(default)]
    pub(crate) last_reviewed: String,
    #[serde(default)]
    pub(crate) review_due: String,
}

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "1".to_owned() } else { String::new() }
}

impl ItemForm {
    /// The form filled with an item's fields.
    fn of(w: &World, item: &InventoryItem) -> ItemForm {
        let f = &item.fields;
        let operators = f
            .operators
            .iter()
            .map(|op| match op {
                Operator::User(u) => w.user(*u).map_or_else(|_| u.to_string(), |u| u.username.to_string()),
                Operator::Office(o) => w.office(*o).map_or_else(|_| o.to_string(), |o| o.code.to_string()),
                Operator::Organisation(n) => n.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let cloud = f.public_cloud.as_ref();
        ItemForm {
            kind: match item.kind {
                ItemKind::Asset => "asset",
                ItemKind::System => "system",
            }
            .to_owned(),
            code: f.code.to_string(),
            name: f.name.to_string(),
            description: opt(&f.description),
            custodian: w
                .user(f.custodian)
                .map_or_else(|_| f.custodian.to_string(), |u| u.username.to_string()),
            operators,
            label: opt(&f.label),
            own: flag(f.own),
            key_server: flag(f.key_server),
            high_risk: flag(f.high_risk),
            secured_area: flag(f.secured_area),
            other_inventory: opt(&f.other_inventory),
            cloud_service: cloud.map(|c| c.service.to_string()).unwrap_or_default(),
            cloud_approval: cloud.map(|c| opt(&c.ministry_approval)).unwrap_or_default(),
            cloud_terms: cloud.map(|c| opt(&c.terms_approval)).unwrap_or_default(),
            application: f.application.map(|a| a.0.to_string()).unwrap_or_default(),
            last_reviewed: f.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
            review_due: f.review_due.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The fields, or the messages at the fields that cannot be read.
    fn fields(&self, w: &World, lang: Tr, errors: &mut Errors) -> Option<ItemFields> {
        let text = |v: &str, field: &'static str, errors: &mut Errors| -> Option<Option<Text>> {
            let v = v.trim();
            if v.is_empty() {
                return Some(None);
            }
            if too_long(v, Text::MAX, field, errors, lang) {
                return None;
            }
            Text::parse(field, v)
                .map_err(|e| errors.insert(field, said(&e)))
                .ok()
                .map(Some)
        };
        let code = Code::parse("code", self.code.trim())
            .map_err(|e| errors.insert("f_code", said(&e)))
            .ok();
        let name = match text(&self.name, "f_name", errors) {
            Some(Some(n)) => Some(n),
            Some(None) => {
                errors.insert("f_name", lang.s("required").to_owned());
                None
            }
            None => None,
        };
        let description = text(&self.description, "f_description", errors);
        let custodian = match self.custodian.trim() {
            "" => {
                errors.insert("f_custodian", lang.s("required").to_owned());
                None
            }
            c => w
                .user_by_username(c)
                .map_err(|_| errors.insert("f_custodian", lang.s("inv_no_such_person").to_owned()))
                .ok(),
        };
        let mut operators = Vec::new();
        for line in self.operators.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Ok(u) = w.user_by_username(line) {
                operators.push(Operator::User(u));
            } else if let Ok(o) = w.office_by_code(line) {
                operators.push(Operator::Office(o));
            } else if let Ok(name) = Text::parse("operators", line) {
                operators.push(Operator::Organisation(name));
            } else {
                let shown: String = line.chars().take(40).collect();
                errors.insert("f_operators", lang.s("inv_no_such_operator").replace("{}", &shown));
            }
        }
        let label = text(&self.label, "f_label", errors);
        let other_inventory = text(&self.other_inventory, "f_other_inventory", errors);
        let service = text(&self.cloud_service, "f_cloud_service", errors);
        let approval = text(&self.cloud_approval, "f_cloud_approval", errors);
        let terms = text(&self.cloud_terms, "f_cloud_terms", errors);
        let public_cloud = match (service, approval, terms) {
            (Some(Some(service)), Some(ministry_approval), Some(terms_approval)) => Some(Some(PublicCloud {
                service,
                ministry_approval,
                terms_approval,
            })),
            (Some(None), Some(a), Some(t)) if a.is_some() || t.is_some() => {
                errors.insert("f_cloud_service", lang.s("required").to_owned());
                None
            }
            (Some(None), Some(_), Some(_)) => Some(None),
            _ => None,
        };
        let application = match self.application.trim() {
            "" => Some(None),
            a => a.parse::<u32>().ok().map(|a| Some(AppId(a))),
        };
        let last_reviewed = typed_date(&self.last_reviewed, "f_last_reviewed", errors, lang);
        let review_due = typed_date(&self.review_due, "f_review_due", errors, lang);
        if !errors.is_empty() {
            return None;
        }
        Some(ItemFields {
            code: code?,
            name: name?,
            description: description?,
            custodian: custodian?,
            operators,
            label: label?,
            own: self.own == "1",
            key_server: self.key_server == "1",
            high_risk: self.high_risk == "1",
            secured_area: self.secured_area == "1",
            other_inventory: other_inventory?,
            public_cloud: public_cloud?,
            application: application?,
            last_reviewed,
            review_due,
            attachments: Vec::new(),
        })
    }
}

/// The field a refusal of an item's fields belongs at.
fn field_of(code: &str) -> &'static str {
    match code {
        "duplicate-item-code" => "f_code",
        "custodian-inactive" | "unknown-user" => "f_custodian",
        "system-only-field" | "unknown-office" => "f_operators",
        "application-in-another-system" | "unknown-application" => "f_application",
        "public-cloud-approval-missing" => "f_cloud_approval",
        "public-cloud-class" => "f_cloud_service",
        _ => "f_form",
    }
}

/// What was typed into the classify form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClassifyForm {
    #[serde(default)]
    pub(crate) z: String,
    #[serde(default)]
    pub(crate) c: String,
    #[serde(default)]
    pub(crate) r: String,
    #[serde(default)]
    pub(crate) protection_level: String,
}

/// What was typed into the link form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub(crate) other: String,
    #[serde(default)]
    pub(crate) relation: String,
    #[serde(default)]
    pub(crate) consent_by: String,
    #[serde(default)]
    pub(crate) consent_reference: String,
    #[serde(default)]
    pub(crate) consent_date: String,
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
    pub(crate) obligations: Vec<ObligationView>,
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
    let writable = caller.require(Scope::Write).is_ok();
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
        obligations: v.obligations.clone(),
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

pub(crate) async fn update_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ItemForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let item = ItemId(id);
    let mut errors = Errors::new();
    let fields = {
        let w = s.world();
        let current = w.item(item).ui(lang.tr)?;
        // The form does not show the attachments: an edit keeps them.
        f.fields(&w, lang.tr, &mut errors).map(|mut fields| {
            fields.attachments = current.fields.attachments.clone();
            fields
        })
    };
    if let Some(fields) = fields {
        match saved_coded(
            lang,
            s.execute(&caller, None, Command::UpdateItem { item, fields }).await,
        )? {
            None => return Ok(to_item(id, "")),
            Some(detail) => refusal(&mut errors, &detail, field_of(&detail.1)),
        }
    }
    let typed = Typed {
        form: Some(f),
        ..Typed::default()
    };
    let p = item_view(&s, &caller, lang.tr, item, typed, errors).await?;
    refused_page(lang, &p)
}

/// Puts a refusal at its field (the engine's message names the records by their codes).
fn refusal(errors: &mut Errors, detail: &(String, String), field: &'static str) {
    errors.insert(field, detail.0.clone());
}

/// Like [`saved`], keeping the refusal's problem code (to put the message at its field).
pub(super) fn saved_coded(lang: Lang, outcome: crate::error::ApiResult<Plan>) -> UiResult<Option<(String, String)>> {
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

pub(crate) async fn classify_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ClassifyForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let item = ItemId(id);
    let mut errors = Errors::new();
    let mut dim = |v: &str, field: &'static str| -> Option<SecurityClass> {
        v.trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| SecurityClass::new(n).ok())
            .or_else(|| {
                errors.insert(field, lang.tr.s("required").to_owned());
                None
            })
    };
    let (z, c, r) = (dim(&f.z, "cls_z"), dim(&f.c, "cls_c"), dim(&f.r, "cls_r"));
    let protection_level = match f.protection_level.trim() {
        "" => Some(None),
        p if too_long(p, Text::MAX, "cls_protection", &mut errors, lang.tr) => None,
        p => Text::parse("protection_level", p)
            .map_err(|e| errors.insert("cls_protection", said(&e)))
            .ok()
            .map(Some),
    };
    if let (Some(z), Some(c), Some(r), Some(protection_level)) = (z, c, r, protection_level) {
        let class = Classification { z, c, r };
        let command = Command::ClassifyItem {
            item,
            class,
            protection_level,
        };
        match saved_coded(lang, s.execute(&caller, None, command).await)? {
            None => return Ok(to_item(id, "#classification")),
            Some(detail) => {
                // A class below the floor: the message at the dimension undercut.
                let field = if detail.1 == "below-floor" {
                    let w = s.world();
                    match w.floor(item).undercut_by(class).map(|u| u.0) {
                        Some(Dimension::Z) => "cls_z",
                        Some(Dimension::C) => "cls_c",
                        Some(Dimension::R) => "cls_r",
                        None => "cls_form",
                    }
                } else {
                    "cls_form"
                };
                refusal(&mut errors, &detail, field);
            }
        }
    }
    let typed = Typed {
        cls: Some(f),
        ..Typed::default()
    };
    let p = item_view(&s, &caller, lang.tr, item, typed, errors).await?;
    refused_page(lang, &p)
}

pub(crate) async fn link_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<LinkForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let item = ItemId(id);
    let mut errors = Errors::new();
    let command = {
        let w = s.world();
        let this = w.item(item).ui(lang.tr)?;
        let other = f.other.trim().parse::<u32>().ok().map(ItemId);
        if other.is_none() {
            errors.insert("lnk_other", lang.tr.s("required").to_owned());
        }
        let relation = Relation::ALL.into_iter().find(|r| r.as_str() == f.relation);
        let consent_typed = [&f.consent_by, &f.consent_reference, &f.consent_date]
            .iter()
            .filter(|v| !v.trim().is_empty())
            .count();
        let consent = match consent_typed {
            0 => Some(None),
            3 => {
                let by = w
                    .user_by_username(f.consent_by.trim())
                    .map_err(|_| errors.insert("lnk_consent_by", lang.tr.s("inv_no_such_person").to_owned()))
                    .ok();
                let reference = Text::parse("consent_reference", f.consent_reference.trim())
                    .map_err(|e| errors.insert("lnk_consent_reference", said(&e)))
                    .ok();
                let date = typed_date(&f.consent_date, "lnk_consent_date", &mut errors, lang.tr);
                match (by, reference, date) {
                    (Some(by), Some(reference), Some(date)) => Some(Some(TransferConsent { by, reference, date })),
                    _ => None,
                }
            }
            _ => {
                errors.insert("lnk_consent", lang.tr.s("inv_consent_incomplete").to_owned());
                None
            }
        };
        match (other, relation, consent) {
            (Some(other), Some(relation), Some(consent)) if errors.is_empty() => {
                let (system, asset) = if this.kind == ItemKind::System {
                    (item, other)
                } else {
                    (other, item)
                };
                Some(Command::LinkAsset {
                    system,
                    asset,
                    relation,
                    consent,
                })
            }
            _ => None,
        }
    };
    if let Some(command) = command {
        match saved_coded(lang, s.execute(&caller, None, command).await)? {
            None => return Ok(to_item(id, "#links")),
            Some(detail) => {
                let field = match detail.1.as_str() {
                    "transfer-consent-required" | "consent-not-by-source-custodian" => "lnk_consent",
                    _ => "lnk_other",
                };
                refusal(&mut errors, &detail, field);
            }
        }
    }
    let typed = Typed {
        link: Some(f),
        ..Typed::default()
    };
    let p = item_view(&s, &caller, lang.tr, item, typed, errors).await?;
    refused_page(lang, &p)
}

pub(crate) async fn unlink_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath((id, link)): UiPath<(u32, u32)>,
    UiForm { caller, form: f, .. }: UiForm<ConfirmForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let command = Command::UnlinkAsset { link: LinkId(link) };
    let ask = confirm_first(&s, &caller, lang, &command, confirmed(&f.confirm), |w, tr| {
        let line = w.link(LinkId(link)).map_or_else(
            |_| format!("#{link}"),
            |l| {
                let code = |i: ItemId| w.item(i).map_or_else(|_| i.to_string(), |i| i.fields.code.to_string());
                format!(
                    "{} — {} — {}",
                    code(l.system),
                    tr.s(relation_key(l.relation)),
                    code(l.asset)
                )
            },
        );
        Confirmation {
            title: "inv_confirm_unlink",
            button: "inv_remove_link",
            lines: vec![line],
            action: format!("/ui/inventory/{id}/links/{link}/remove"),
            fields: Vec::new(),
            back: format!("/ui/inventory/{id}#links"),
        }
    })?;
    if let Some(page) = ask {
        return Ok(page);
    }
    if let Some(detail) = saved_coded(lang, s.execute(&caller, None, command).await)? {
        let mut errors = Errors::new();
        refusal(&mut errors, &detail, "lnk_other");
        let p = item_view(&s, &caller, lang.tr, ItemId(id), Typed::default(), errors).await?;
        return refused_page(lang, &p);
    }
    Ok(to_item(id, "#links"))
}

pub(crate) async fn retire_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ConfirmForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let command = Command::RetireItem { item: ItemId(id) };
    let ask = confirm_first(&s, &caller, lang, &command, confirmed(&f.confirm), |w, tr| {
        let line = w.item(ItemId(id)).map_or_else(
            |_| format!("#{id}"),
            |i| {
                format!(
                    "{}: {} – {}",
                    tr.s(kind_key(i.kind, false)),
                    i.fields.code,
                    i.fields.name
                )
            },
        );
        Confirmation {
            title: "inv_confirm_retire",
            button: "inv_retire",
            lines: vec![line, tr.s("inv_retire_hint").to_owned()],
            action: format!("/ui/inventory/{id}/retire"),
            fields: Vec::new(),
            back: format!("/ui/inventory/{id}#retire"),
        }
    })?;
    if let Some(page) = ask {
        return Ok(page);
    }
    if let Some(detail) = saved_coded(lang, s.execute(&caller, None, command).await)? {
        let mut errors = Errors::new();
        refusal(&mut errors, &detail, "retire");
        let p = item_view(&s, &caller, lang.tr, ItemId(id), Typed::default(), errors).await?;
        return refused_page(lang, &p);
    }
    Ok(to_item(id, ""))
}

#[derive(Template)]
#[template(path = "inventory_new.html")]
pub(crate) struct NewItemPage {
    pub(crate) c: Chrome,
    pub(crate) form: ItemForm,
    pub(crate) applications: Vec<(u32, String)>,
    pub(crate) errors: Errors,
    /// The form serves a new item (the kind is chosen, the custodian may be set).
    pub(crate) new: bool,
    pub(crate) system: bool,
    pub(crate) keeper: bool,
}

fn new_view(s: &AppState, caller: &Caller, lang: Tr, form: ItemForm, errors: Errors) -> NewItemPage {
    let w = s.world();
    NewItemPage {
        c: chrome(s, caller, lang),
        applications: applications(&w),
        system: form.kind != "asset",
        form,
        errors,
        new: true,
        keeper: true,
    }
}

pub(crate) async fn new_item_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let keeper = require_reader(&s, &caller, lang.tr)?;
    if !keeper {
        return Err(UiError::new(
            lang.tr,
            adam_core::Error::Register(RegisterError::NotRegisterKeeper("add items to the inventory")).into(),
        ));
    }
    let form = ItemForm {
        kind: "system".to_owned(),
        ..ItemForm::default()
    };
    page(lang, &new_view(&s, &caller, lang.tr, form, Errors::new()))
}

pub(crate) async fn create_item(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<ItemForm>,
) -> UiResult<Response> {
    caller.require(Scope::Write).ui(lang.tr)?;
    require_reader(&s, &caller, lang.tr)?;
    let mut errors = Errors::new();
    let kind = match f.kind.as_str() {
        "asset" => Some(ItemKind::Asset),
        "system" => Some(ItemKind::System),
        _ => {
            errors.insert("f_kind", lang.tr.s("required").to_owned());
            None
        }
    };
    let fields = {
        let w = s.world();
        f.fields(&w, lang.tr, &mut errors)
    };
    if let (Some(kind), Some(fields)) = (kind, fields) {
        match saved_coded(
            lang,
            s.execute(&caller, None, Command::CreateItem { kind, fields }).await,
        )? {
            None => {
                let w = s.world();
                let id = w.item_by_code(f.code.trim()).ui(lang.tr)?;
                return Ok(to_item(id.0, ""));
            }
            Some(detail) => refusal(&mut errors, &detail, field_of(&detail.1)),
        }
    }
    let p = new_view(&s, &caller, lang.tr, f, errors);
    refused_page(lang, &p)
}
