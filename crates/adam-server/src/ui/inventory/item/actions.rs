//! The handlers of an item's forms: edit, classify, link, unlink and retire (each back to the
//! item's page, or the page again with what was typed and the refusal at its field), and the
//! new-item page with its form.

use super::forms::field_of;
use super::*;

pub(crate) async fn update_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ItemForm>,
) -> UiResult<Response> {
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
        match saved_coded(lang, inv::update_item(&s, &caller, item, fields).await)? {
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

pub(crate) async fn classify_item(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<ClassifyForm>,
) -> UiResult<Response> {
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
        match saved_coded(
            lang,
            inv::classify_item(&s, &caller, item, class, protection_level).await,
        )? {
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
    require_reader(&s, &caller, lang.tr)?;
    let item = ItemId(id);
    let mut errors = Errors::new();
    let input = {
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
                Some(inv::NewLink {
                    system,
                    asset,
                    relation,
                    consent,
                })
            }
            _ => None,
        }
    };
    if let Some(input) = input {
        match saved_coded(lang, inv::link_assets(&s, &caller, input).await)? {
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
    require_reader(&s, &caller, lang.tr)?;
    let command = inv::unlinking(LinkId(link));
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
    if let Some(detail) = saved_coded(lang, inv::unlink_asset(&s, &caller, LinkId(link)).await)? {
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
    require_reader(&s, &caller, lang.tr)?;
    let command = inv::retirement(ItemId(id));
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
    if let Some(detail) = saved_coded(lang, inv::retire_item(&s, &caller, ItemId(id)).await)? {
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
        match saved_coded(lang, inv::create_item(&s, &caller, kind, fields).await)? {
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
