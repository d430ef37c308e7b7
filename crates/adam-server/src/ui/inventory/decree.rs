//! The Decree's roles (`/ui/decree-roles`, Art. 3–8): the current appointments of the head of
//! the body, the information-security lead and the coordinator, with the forms that appoint
//! and end them (the keepers), the past appointments, and the role holders' list the body
//! sends to the ministry (Art. 5(5)) — also as a printable page.

use super::super::chrome::*;
use super::super::i18n::Tr;
use super::*;
use crate::authn::{Caller, Scope};
use crate::error::said;
use crate::service::decree_roles as dr;
use crate::service::inventory::role_holders;
use adam_core::register::decree_roles::DecreeRole;
use axum::response::{IntoResponse, Redirect};
use std::collections::BTreeMap;

type Errors = BTreeMap<&'static str, String>;

/// An appointment as its row shows it.
pub(crate) struct Appointment {
    pub(crate) id: u32,
    pub(crate) role: String,
    pub(crate) person: String,
    pub(crate) contact: String,
    pub(crate) appointment: String,
    pub(crate) since: String,
    pub(crate) until: String,
}

/// A line of the role holders' list.
pub(crate) struct Holder {
    pub(crate) role: String,
    pub(crate) article: String,
    pub(crate) system: String,
    pub(crate) holder: String,
    pub(crate) name: String,
    pub(crate) contact: String,
    pub(crate) since: String,
}

/// What was typed into the appointment form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AppointForm {
    #[serde(default)]
    pub(crate) role: String,
    #[serde(default)]
    pub(crate) user: String,
    #[serde(default)]
    pub(crate) contact: String,
    #[serde(default)]
    pub(crate) appointment: String,
    #[serde(default)]
    pub(crate) since: String,
}

/// The last day of an appointment, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub(crate) until: String,
}

#[derive(Template)]
#[template(path = "decree_roles.html")]
pub(crate) struct DecreePage {
    pub(crate) c: Chrome,
    pub(crate) current: Vec<Appointment>,
    pub(crate) past: Vec<Appointment>,
    pub(crate) holders: Vec<Holder>,
    pub(crate) roles: Vec<(&'static str, String)>,
    pub(crate) may_keep: bool,
    pub(crate) typed: AppointForm,
    /// The appointment whose end form was refused, and what was typed.
    pub(crate) end_typed: (u32, String),
    pub(crate) errors: Errors,
}

#[derive(Template)]
#[template(path = "decree_roles_print.html")]
pub(crate) struct DecreePrint {
    pub(crate) c: Chrome,
    pub(crate) holders: Vec<Holder>,
    pub(crate) organisation: String,
    pub(crate) printed: String,
}

fn role_key(role: &str) -> String {
    format!("decree_role_{role}")
}

fn holders(s: &AppState) -> Vec<Holder> {
    let now = s.now();
    let w = s.world();
    role_holders(&w, LocalDate::of(now))
        .into_iter()
        .map(|h| Holder {
            role: role_key(&h.role),
            article: h.article,
            system: h.system.unwrap_or_default(),
            holder: h.holder,
            name: h.name.unwrap_or_default(),
            contact: h.contact.unwrap_or_default(),
            since: h.since.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}

fn view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    typed: AppointForm,
    end_typed: (u32, String),
    errors: Errors,
) -> UiResult<DecreePage> {
    let keeper = require_reader(s, caller, lang)?;
    let today = LocalDate::of(s.now());
    let (current, past) = {
        let w = s.world();
        let mut all: Vec<_> = w.role_holders().iter().collect();
        all.sort_by_key(|h| (DecreeRole::ALL.iter().position(|r| *r == h.role), h.since, h.id));
        let (current, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|h| h.until.is_none_or(|u| u >= today));
        let row = |h: &adam_core::register::decree_roles::RoleHolder| Appointment {
            id: h.id.0,
            role: role_key(h.role.as_str()),
            person: w.user(h.user).map_or_else(
                |_| h.user.to_string(),
                |u| format!("{} ({})", u.display_name(), u.username),
            ),
            contact: h
                .contact
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| w.user(h.user).ok().map(|u| u.email.to_string()))
                .unwrap_or_default(),
            appointment: h.appointment.as_ref().map(ToString::to_string).unwrap_or_default(),
            since: h.since.to_string(),
            until: h.until.map(|d| d.to_string()).unwrap_or_default(),
        };
        (
            current.into_iter().map(row).collect(),
            past.into_iter().map(row).collect(),
        )
    };
    Ok(DecreePage {
        c: chrome(s, caller, lang),
        current,
        past,
        holders: holders(s),
        roles: DecreeRole::ALL
            .iter()
            .map(|r| (r.as_str(), role_key(r.as_str())))
            .collect(),
        may_keep: keeper && caller.has(Scope::Write),
        typed,
        end_typed,
        errors,
    })
}

pub(crate) async fn decree_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let typed = AppointForm {
        role: "head".to_owned(),
        ..AppointForm::default()
    };
    let p = view(&s, &caller, lang.tr, typed, (u32::MAX, String::new()), Errors::new())?;
    page(lang, &p)
}

pub(crate) async fn decree_print(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let p = DecreePrint {
        c: chrome(&s, &caller, lang.tr),
        holders: holders(&s),
        organisation: s.world().settings().organisation.to_string(),
        printed: local(s.now()),
    };
    page(lang, &p)
}

pub(crate) async fn appoint(
    State(s): State<AppState>,
    lang: Lang,
    UiForm { caller, form: f, .. }: UiForm<AppointForm>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let mut errors = Errors::new();
    let role = DecreeRole::ALL.into_iter().find(|r| r.as_str() == f.role);
    if role.is_none() {
        errors.insert("ap_role", lang.tr.s("required").to_owned());
    }
    let user = match f.user.trim() {
        "" => {
            errors.insert("ap_user", lang.tr.s("required").to_owned());
            None
        }
        u => s
            .world()
            .user_by_username(u)
            .map_err(|_| errors.insert("ap_user", lang.tr.s("inv_no_such_person").to_owned()))
            .ok(),
    };
    let mut optional = |v: &str, field: &'static str| -> Option<Option<Text>> {
        match v.trim() {
            "" => Some(None),
            v if too_long(v, Text::MAX, field, &mut errors, lang.tr) => None,
            v => Text::parse(field, v)
                .map_err(|e| errors.insert(field, said(&e)))
                .ok()
                .map(Some),
        }
    };
    let contact = optional(&f.contact, "ap_contact");
    let appointment = optional(&f.appointment, "ap_appointment");
    let since = typed_date(&f.since, "ap_since", &mut errors, lang.tr);
    if since.is_none() && !errors.contains_key("ap_since") {
        errors.insert("ap_since", lang.tr.s("required").to_owned());
    }
    if let (Some(role), Some(user), Some(contact), Some(appointment), Some(since)) =
        (role, user, contact, appointment, since)
    {
        let input = dr::NewAppointment {
            role,
            user,
            contact,
            appointment,
            since,
        };
        match dr::appoint(&s, &caller, input).await {
            Ok(_) => return Ok(Redirect::to("/ui/decree-roles").into_response()),
            Err(e) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("ap_user", detail);
                }
            }
        }
    }
    let p = view(&s, &caller, lang.tr, f, (u32::MAX, String::new()), errors)?;
    refused_page(lang, &p)
}

pub(crate) async fn end(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<EndForm>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let mut errors = Errors::new();
    let until = typed_date(&f.until, "end", &mut errors, lang.tr);
    if until.is_none() && errors.is_empty() {
        errors.insert("end", lang.tr.s("required").to_owned());
    }
    if let Some(until) = until {
        match saved(lang, dr::end_appointment(&s, &caller, HolderId(id), until).await)? {
            None => return Ok(Redirect::to("/ui/decree-roles").into_response()),
            Some(detail) => {
                errors.insert("end", detail);
            }
        }
    }
    let typed = AppointForm {
        role: "head".to_owned(),
        ..AppointForm::default()
    };
    let p = view(&s, &caller, lang.tr, typed, (id, f.until), errors)?;
    refused_page(lang, &p)
}
