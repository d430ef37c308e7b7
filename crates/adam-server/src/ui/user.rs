//! The user page: the account, its jobs and roles, and the administrator's account actions.

use super::chrome::*;
use super::form::*;
use super::history::*;
use super::i18n::Tr;
use super::job::*;
use super::panel::*;
use crate::authn::{Caller, Scope};
use crate::service::directory as dir;
use crate::state::AppState;
use adam_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(super) async fn set_user_active(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    form: UiForm<SwitchForm>,
) -> UiResult<Response> {
    switch(s, lang, Grantee::User(UserId(id)), form).await
}

/// The new-person form of a job page: the account is made holding the job.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub(super) username: String,
    #[serde(default)]
    pub(super) first_name: String,
    #[serde(default)]
    pub(super) last_name: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) phone: String,
    #[serde(default)]
    pub(super) gender: String,
    /// A temporary password to set at once (empty: none).
    #[serde(default)]
    pub(super) temporary: String,
}

pub(super) async fn create_user(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::authn::Client,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<NewUserForm>,
) -> UiResult<Response> {
    let job = JobId(id);
    let mut errors = BTreeMap::new();
    let username = checked(
        Username::parse("username", f.username.trim()),
        "new_username",
        &mut errors,
    );
    let first_name = text(&f.first_name, "first_name", "new_first_name", &mut errors, lang.tr);
    let last_name = text(&f.last_name, "last_name", "new_last_name", &mut errors, lang.tr);
    let email = checked(Email::parse("email", &f.email), "new_email", &mut errors);
    let phone = optional(&f.phone, "new_phone", &mut errors, |p| Phone::parse("phone", p));
    let gender = gender_of(&f.gender).unwrap_or(Gender::Unspecified);
    if let (Some(username), Some(first_name), Some(last_name), Some(email), Some(phone)) =
        (username, first_name, last_name, email, phone)
    {
        use crate::service::setup::{PersonRefused, PersonSpec, create_person};
        let person = PersonSpec {
            username,
            first_name,
            last_name,
            gender,
            email,
            phone,
        };
        let temporary = (!f.temporary.is_empty()).then(|| f.temporary.clone());
        match create_person(&s, &caller, &client, job, person, temporary).await {
            Ok(user) => return Ok(Redirect::to(&format!("/ui/users/{}", user.0)).into_response()),
            Err(PersonRefused::Password(e)) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("new_temporary", detail);
                }
            }
            Err(PersonRefused::Account(e)) => {
                if let Some(detail) = saved(lang, Err(e))? {
                    errors.insert("new_username", detail);
                }
            }
        }
    }
    // The form comes back with what was typed, the message at its field, in view.
    let mut p = job_view(&s, &caller, lang.tr, job, errors).await?;
    p.new_user = f;
    refused_page(lang, &p)
}

/// A GET of a user form's address: the user.
pub(super) async fn back_to_user(
    UiPath(id): UiPath<u32>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    match q {
        Some(q) => Redirect::to(&format!("/ui/users/{id}?{q}")),
        None => Redirect::to(&format!("/ui/users/{id}")),
    }
}

#[derive(Template)]
#[template(path = "user.html")]
pub(super) struct UserPage {
    pub(super) c: Chrome,
    pub(super) may_edit: bool,
    pub(super) errors: BTreeMap<&'static str, String>,
    pub(super) user: User,
    pub(super) display: String,
    pub(super) gender: String,
    pub(super) jobs: Vec<(u32, String)>,
    /// Every role the person holds now, however (directly, through a job, an office, everyone).
    pub(super) roles: Vec<String>,
    /// The roles granted to the person directly.
    pub(super) panel: RolePanel,
    /// Whether the caller may read the person's access-rights register.
    pub(super) may_read_register: bool,
    /// What the last action on the account did.
    pub(super) notice: Option<&'static str>,
    /// The page is the caller's own (no temporary password or unlock for oneself).
    pub(super) own: bool,
    /// Whether the caller may set the person's temporary password (the system administrator
    /// may not, once the person holds a job or a role).
    pub(super) may_set_credentials: bool,
    /// The person has a confirmed second factor (which their administrator may remove).
    pub(super) has_factor: bool,
    /// The reason typed into the factor-removal form (kept after a refusal).
    pub(super) factor_reason: String,
    /// This page's address, for forms that return here.
    pub(super) back: String,
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
}

pub(super) async fn user_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    uid: UserId,
    errors: BTreeMap<&'static str, String>,
    edited: Option<User>,
) -> UiResult<UserPage> {
    let (last, history) = history_of(s, caller, adam_core::EntityKind::User, uid.0)
        .await
        .ui(lang)?;
    // Whether the person has a second factor to remove (the form is offered only then).
    let store = s.store.clone();
    let has_factor = crate::state::blocking(move || store.totp(uid))
        .await
        .ui(lang)?
        .ui(lang)?
        .is_some_and(|t| t.confirmed);
    let w = s.world();
    let stored = w.user(uid).ui(lang)?.clone();
    let jobs = stored
        .jobs
        .iter()
        .filter_map(|j| w.job(*j).ok())
        .map(|j| (j.id.0, format!("{} – {}", j.code, j.name)))
        .collect();
    let mut roles: Vec<String> = w
        .effective_roles(uid, s.now())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(r, _)| w.role(r).ok())
        .filter(|r| r.kind != RoleKind::System)
        .map(|r| r.code.to_string())
        .collect();
    roles.sort();
    roles.dedup();
    let may_edit = caller.has(Scope::Write) && w.require_user(&caller.actor(None), uid, s.now()).is_ok();
    let panel = role_panel(&w, caller, lang, Grantee::User(uid), s.now());
    // After a refused save the form shows what was typed, not what is stored.
    let user = edited.unwrap_or(stored);
    Ok(UserPage {
        c: chrome(s, caller, lang),
        may_edit,
        errors,
        display: user.display_name(),
        gender: match user.gender {
            Gender::Female => lang.s("female"),
            Gender::Male => lang.s("male"),
            Gender::Other => lang.s("other_gender"),
            Gender::Unspecified => "—",
        }
        .to_owned(),
        user,
        jobs,
        roles,
        panel,
        may_read_register: crate::service::register::may_read_register(s, caller, uid),
        notice: None,
        own: caller.user == uid,
        may_set_credentials: may_edit && w.require_credentials(&caller.actor(None), uid, s.now()).is_ok(),
        factor_reason: String::new(),
        has_factor,
        back: format!("/ui/users/{}", uid.0),
        last,
        history,
    })
}

pub(super) async fn user_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let p = user_view(&s, &caller, lang.tr, UserId(id), BTreeMap::new(), None).await?;
    page(lang, &p)
}

/// A temporary password typed twice.
#[derive(Debug, Deserialize)]
pub struct TemporaryForm {
    pub(super) password: String,
    pub(super) confirm: String,
}

pub(super) async fn set_temporary_password(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::authn::Client,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<TemporaryForm>,
) -> UiResult<Response> {
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    let mut notice = None;
    if f.password != f.confirm {
        errors.insert("temporary_confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        match crate::authn::set_temporary(&s, &caller, &client, uid, f.password).await {
            Ok(()) => notice = Some("temporary_set"),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) => {
                errors.insert("temporary", e.detail);
            }
        }
    }
    user_page_after(&s, &caller, lang, uid, errors, notice, |_| {}).await
}

/// The user page after an account action: its notice, or its errors at their fields with
/// status 422; `keep` puts back what the person typed after a refusal.
pub(super) async fn user_page_after(
    s: &AppState,
    caller: &Caller,
    lang: Lang,
    uid: UserId,
    errors: BTreeMap<&'static str, String>,
    notice: Option<&'static str>,
    keep: impl FnOnce(&mut UserPage),
) -> UiResult<Response> {
    let failed = !errors.is_empty();
    let mut p = user_view(s, caller, lang.tr, uid, errors, None).await?;
    p.notice = notice;
    if failed {
        keep(&mut p);
    }
    let mut r = page(lang, &p)?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn unlock_user(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::authn::Client,
    UiPath(id): UiPath<u32>,
    UiForm { caller, .. }: UiForm<Nothing>,
) -> UiResult<Response> {
    let uid = UserId(id);
    crate::authn::unlock_user(&s, &caller, &client, uid).await.ui(lang.tr)?;
    let mut p = user_view(&s, &caller, lang.tr, uid, BTreeMap::new(), None).await?;
    p.notice = Some("unlocked");
    page(lang, &p)
}

/// The reason a person's second factor is removed.
#[derive(Debug, Deserialize)]
pub struct FactorForm {
    #[serde(default)]
    pub(super) reason: String,
}

/// A user administrator removes the second factor of someone who lost it (the API's function).
pub(super) async fn reset_factor(
    State(s): State<AppState>,
    lang: Lang,
    client: crate::authn::Client,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<FactorForm>,
) -> UiResult<Response> {
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    let mut notice = None;
    match Text::parse("reason", f.reason.trim()) {
        Err(_) if f.reason.trim().is_empty() => {
            errors.insert("factor_reason", lang.tr.s("required").to_owned());
        }
        Err(e) => {
            errors.insert("factor_reason", crate::error::said(&e));
        }
        Ok(reason) => match crate::authn::reset_factor_of(&s, &caller, &client, uid, &reason).await {
            Ok(()) => notice = Some("factor_was_reset"),
            Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::UNAUTHORIZED => {
                return Err(UiError::new(lang.tr, e));
            }
            Err(e) if e.code == "no-factor" => {
                errors.insert("factor_reason", lang.tr.s("no_factor").to_owned());
            }
            Err(e) => {
                errors.insert("factor_reason", e.detail);
            }
        },
    }
    user_page_after(&s, &caller, lang, uid, errors, notice, |p| p.factor_reason = f.reason).await
}

/// The user form.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    pub(super) rev: u64,
    #[serde(default)]
    pub(super) title: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    #[serde(default)]
    pub(super) phone: String,
    /// `female`, `male`, `other` or `unspecified`; absent keeps what is stored.
    #[serde(default)]
    pub(super) gender: String,
}

/// A gender from a form's value.
pub(super) fn gender_of(value: &str) -> Option<Gender> {
    match value {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "other" => Some(Gender::Other),
        "unspecified" => Some(Gender::Unspecified),
        _ => None,
    }
}

pub(super) async fn update_user(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(id): UiPath<u32>,
    UiForm { caller, form: f, .. }: UiForm<UserForm>,
) -> UiResult<Response> {
    let uid = UserId(id);
    let mut errors = BTreeMap::new();
    // A refused optional field leaves `errors` non-empty, which stops the save below.
    let title = optional(&f.title, "title", &mut errors, |t| Text::parse("title", t)).flatten();
    let first_name = checked(Text::parse("first_name", &f.first_name), "first_name", &mut errors);
    let last_name = checked(Text::parse("last_name", &f.last_name), "last_name", &mut errors);
    let email = checked(Email::parse("email", &f.email), "email", &mut errors);
    let phone = optional(&f.phone, "phone", &mut errors, |p| Phone::parse("phone", p)).flatten();
    let stored = s.world().user(uid).ui(lang.tr)?.clone();
    if let (true, Some(first_name), Some(last_name), Some(email)) = (errors.is_empty(), first_name, last_name, email) {
        let change = dir::UserChange {
            title,
            first_name,
            last_name,
            gender: gender_of(&f.gender).unwrap_or(stored.gender),
            email,
            phone,
        };
        let seen = Revision(f.rev);
        let guard = move |w: &World| {
            unchanged_since(
                w.user(uid).map(|u| u.rev),
                seen,
                "someone else changed this person after you opened the page; reload it and make your change again",
                "osebo je medtem spremenil nekdo drug; znova naložite stran in ponovite spremembo",
            )
        };
        if let Some(detail) = saved(lang, dir::update_user(&s, &caller, uid, change, guard).await)? {
            errors.insert("form", detail);
        } else {
            return Ok(Redirect::to(&format!("/ui/users/{id}")).into_response());
        }
    }
    // Show the form again with what was typed; after a refusal of the whole form (someone
    // else saved first), with what is stored now, so nothing is overwritten unseen.
    let edited = if errors.contains_key("form") {
        None
    } else {
        let mut typed = stored;
        typed.first_name = Text::parse("first_name", &f.first_name).unwrap_or(typed.first_name);
        typed.last_name = Text::parse("last_name", &f.last_name).unwrap_or(typed.last_name);
        Some(typed)
    };
    let p = user_view(&s, &caller, lang.tr, uid, errors, edited).await?;
    refused_page(lang, &p)
}
