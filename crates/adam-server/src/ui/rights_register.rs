//! A person's access-rights register on a page (Art. 51(5)): every right they hold or held,
//! with when and by whom it was granted and revoked, and the access review or follow-up that
//! revoked it. It calls the same function as its API route (`service::register`), so who may
//! see a register is decided in one place: the person, the user administrators of their
//! office, the system administrator and security leads.

use super::chrome::UiPath;
use super::chrome::{Chrome, Lang, UiCaller, UiError, UiResult, chrome, page};
use super::guard::needs;
use super::history::who_name;
use crate::authn::Scope;
use crate::service::register;
use crate::state::AppState;
use adam_core::rights::Via;
use adam_core::{Actor, Timestamp, UserId, Window};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

/// The route of the register's page.
pub(super) fn routes() -> super::Routes {
    super::Routes::new().route("/ui/users/{id}/register", get(needs(Scope::Read, register_page)))
}

/// A right as listed.
pub struct RightRow {
    role: String,
    via: String,
    window: String,
    reference: String,
    granted: String,
    changes: Vec<String>,
    revoked: String,
    periods: Vec<String>,
    in_force: bool,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    c: Chrome,
    user_id: u32,
    username: String,
    rights: Vec<RightRow>,
}

/// A grant's window as it was typed: the first and the last day (inclusive, Slovenian
/// calendar), or the local time with its zone when set to an instant (issue 14 item 3).
fn window_text(w: &Window) -> String {
    if w.from.is_none() && w.to.is_none() {
        String::new()
    } else {
        super::panel::window_words(w)
    }
}

fn stamp_text(w: &adam_core::World, at: Timestamp, by: &Actor, t: super::i18n::Tr) -> String {
    format!("{} ({})", super::chrome::local(at), who_name(w, by, t))
}

async fn register_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(id): UiPath<u32>,
) -> UiResult<Response> {
    let user = UserId(id);
    let found = register::rights_of_user(&s, &caller, user)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    let w = s.world();
    let rights = found
        .rights
        .into_iter()
        .map(|e| {
            let r = e.right;
            RightRow {
                role: e.role_code.unwrap_or_else(|| format!("#{}", r.role.0)),
                via: match r.via {
                    Via::User => lang.tr.s("via_user").to_owned(),
                    Via::Job(j) => w
                        .job(j)
                        .map(|j| format!("{} {}", lang.tr.s("job"), j.code))
                        .unwrap_or_else(|_| format!("{} #{}", lang.tr.s("job"), j.0)),
                    Via::Office(o) => w
                        .office(o)
                        .map(|o| format!("{} {}", lang.tr.s("office"), o.code))
                        .unwrap_or_else(|_| format!("{} #{}", lang.tr.s("office"), o.0)),
                    Via::Everyone => lang.tr.s("via_everyone").to_owned(),
                },
                window: window_text(&r.window),
                reference: r.reference.unwrap_or_default(),
                granted: stamp_text(&w, r.granted.at, &r.granted.by, lang.tr),
                changes: r
                    .changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{}: {} → {}",
                            stamp_text(&w, c.stamp.at, &c.stamp.by, lang.tr),
                            window_text(&c.window_before),
                            window_text(&c.window_after)
                        )
                    })
                    .collect(),
                in_force: r.revoked.is_none(),
                revoked: r
                    .revoked
                    .as_ref()
                    .map(|x| match &x.reference {
                        // Revoked by an access review or a follow-up (Art. 51(4)): which one.
                        Some(reference) => format!("{} · {reference}", stamp_text(&w, x.at, &x.by, lang.tr)),
                        None => stamp_text(&w, x.at, &x.by, lang.tr),
                    })
                    .unwrap_or_default(),
                periods: r
                    .periods
                    .iter()
                    .map(|p| {
                        format!(
                            "{} – {}",
                            super::chrome::local(p.from),
                            p.until.map(super::chrome::local).unwrap_or_else(|| "…".to_owned())
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    drop(w);
    let p = RegisterPage {
        c: chrome(&s, &caller, lang.tr),
        user_id: id,
        username: found.username,
        rights,
    };
    page(lang, &p)
}
