//! An item's forms as typed: the fields form (shared by the edit and the new-item pages),
//! the classify and the link forms; how the fields form is filled from an item and read back
//! into the engine's fields, and the field a refusal of them belongs at.

use super::*;

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

fn flag(b: bool) -> String {
    if b { "1".to_owned() } else { String::new() }
}

impl ItemForm {
    /// The form filled with an item's fields.
    pub(super) fn of(w: &World, item: &InventoryItem) -> ItemForm {
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
    pub(super) fn fields(&self, w: &World, lang: Tr, errors: &mut Errors) -> Option<ItemFields> {
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
pub(super) fn field_of(code: &str) -> &'static str {
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
