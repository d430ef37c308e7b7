//! The administration UI (SPEC §6): server-rendered HTML (askama templates in `templates/`)
//! with htmx for the lazily expanding tree, assets embedded in the binary.
//!
//! Every page is answered by the same authorisation as the API: the handlers take the same
//! [`Caller`], read the same world, and change it only through [`AppState::execute`], so a
//! control a person may not use is absent *and* a forged POST is refused by the engine anyway.
//! The token scope a page or form needs is declared in the route table, as the API's are
//! (`post(needs(Scope::Write, create_office))`, `guard.rs`), and checked once there.
//! One handler serves a partial (for an htmx request, `HX-Request: true`) or a whole page, as
//! kanidm does. Slovenian by default, English on a switch (`?lang=en`, remembered in a cookie).

mod access_review;
mod account;
mod chrome;
mod confirm;
mod continuity;
mod continuity_plan;
mod dormant;
mod form;
mod grants;
mod guard;
mod history;
mod hosting;
mod i18n;
mod inventory;
mod job;
mod multipart;
mod office;
mod overview;
mod panel;
mod picker;
mod process;
mod raci;
mod record;
mod review;
mod rights_register;
mod roles;
mod settings;
mod tree;
mod upload;
mod user;
mod words;

use crate::authn::Scope;
use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use guard::needs;
pub use i18n::Tr;

const HTMX: &str = include_str!("../../assets/htmx-2.0.11.min.js");
const CSS: &str = include_str!("../../assets/adam.css");
const FAVICON: &[u8] = include_bytes!("../../assets/favicon.ico");

/// The UI's routes, mounted beside the API.
pub fn routes() -> Router<AppState> {
    table().router
}

/// The path of every UI route, as mounted: axum's router cannot list its routes, so the table
/// records each path as it mounts it, and the route × caller matrix of the UI is held against
/// this list (a route missing from the matrix fails its test).
pub fn paths() -> Vec<&'static str> {
    table().paths
}

/// A router that records the paths it mounts.
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    /// Mounts `handler` on `path` and records the path.
    fn route(mut self, path: &'static str, handler: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, handler);
        self.paths.push(path);
        self
    }

    /// Mounts another table's routes.
    fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
}

fn table() -> Routes {
    Routes::new()
        .route("/", get(|| async { Redirect::to("/ui") }))
        .route("/ui", get(needs(Scope::Read, tree)))
        .route("/ui/tree/offices/{id}", get(needs(Scope::Read, tree_children)))
        .route("/ui/offices", get(to("/ui")).post(needs(Scope::Write, create_office)))
        .route(
            "/ui/offices/{id}",
            get(needs(Scope::Read, office_page)).post(needs(Scope::Write, update_office)),
        )
        .route(
            "/ui/offices/{id}/jobs",
            get(to("/ui")).post(needs(Scope::Write, create_job)),
        )
        .route(
            "/ui/jobs/{id}/users",
            get(back_to_job).post(needs(Scope::Write, create_user)),
        )
        .route(
            "/ui/jobs/{id}/edit",
            get(back_to_job).post(needs(Scope::Write, update_job)),
        )
        .route(
            "/ui/jobs/{id}/occupants",
            get(back_to_job).post(needs(Scope::Write, assign_occupant)),
        )
        .route(
            "/ui/jobs/{id}/occupants/{user}/remove",
            post(needs(Scope::Write, remove_occupant)),
        )
        .route(
            "/ui/jobs/{id}/valid",
            get(back_to_job).post(needs(Scope::Write, set_job_valid)),
        )
        .route(
            "/ui/users/{id}/active",
            get(back_to_user).post(needs(Scope::Write, set_user_active)),
        )
        .route(
            "/ui/offices/{id}/valid",
            get(to("/ui")).post(needs(Scope::Write, set_office_valid)),
        )
        .route("/ui/jobs/{id}", get(needs(Scope::Read, job_page)))
        .route(
            "/ui/jobs/{id}/grants",
            get(back_to_job).post(needs(Scope::Write, grant_to_job)),
        )
        .route(
            "/ui/jobs/{id}/roles",
            get(back_to_job).post(needs(Scope::Write, set_job_roles)),
        )
        .route(
            "/ui/users/{id}/roles",
            get(back_to_user).post(needs(Scope::Write, set_user_roles)),
        )
        .route(
            "/ui/users/{id}/grants",
            get(back_to_user).post(needs(Scope::Write, grant_to_user)),
        )
        .route(
            "/ui/offices/{id}/roles",
            get(back_to_office).post(needs(Scope::Write, set_office_roles)),
        )
        .route(
            "/ui/offices/{id}/grants",
            get(back_to_office).post(needs(Scope::Write, grant_to_office)),
        )
        .route(
            "/ui/users/{id}/password",
            get(back_to_user).post(set_temporary_password),
        )
        .route("/ui/users/{id}/unlock", get(back_to_user).post(unlock_user))
        .route("/ui/users/{id}/factor", get(back_to_user).post(reset_factor))
        .route(
            "/ui/grants/{id}/revoke",
            get(to("/ui")).post(needs(Scope::Write, revoke_grant)),
        )
        .route(
            "/ui/users/{id}",
            get(needs(Scope::Read, user_page)).post(needs(Scope::Write, update_user)),
        )
        .route(
            "/ui/roles",
            get(needs(Scope::Read, roles::roles_page)).post(needs(Scope::Write, roles::create_role)),
        )
        .route(
            "/ui/roles/{id}",
            get(needs(Scope::Read, roles::role_page)).post(needs(Scope::Write, roles::update_role)),
        )
        .route(
            "/ui/applications",
            get(to("/ui/roles")).post(needs(Scope::Write, roles::create_application)),
        )
        .route("/ui/overview", get(overview::overview_page))
        .route(
            "/ui/settings",
            get(needs(Scope::Read, settings::settings_page)).post(needs(Scope::Write, settings::save_settings)),
        )
        .route(
            "/ui/access-reviews",
            get(needs(Scope::Read, access_review::reviews_page)).post(needs(Scope::Write, access_review::start_review)),
        )
        .route(
            "/ui/access-reviews/{id}",
            get(needs(Scope::Read, access_review::review_page)),
        )
        .route(
            "/ui/access-reviews/{id}/attachments",
            get(access_review::back_to_review).post(access_review::attach),
        )
        .route(
            "/ui/access-reviews/{id}/print",
            get(needs(Scope::Read, access_review::review_print)),
        )
        .route(
            "/ui/access-reviews/{id}/decide",
            get(to("/ui/access-reviews")).post(needs(Scope::Write, access_review::decide_in_review)),
        )
        .route(
            "/ui/follow-ups/{id}/decide",
            get(to("/ui/access-reviews")).post(needs(Scope::Write, access_review::decide_in_follow_up)),
        )
        .route(
            "/ui/jobs/{id}/candidates",
            get(needs(Scope::Read, picker::job_candidates_page)),
        )
        .route("/ui/folders/{id}", get(folder_page))
        .route("/ui/documents/{id}", get(document_page))
        .route("/ui/activity", get(needs(Scope::Read, activity_page)))
        .merge(account::routes())
        .merge(review::routes())
        .merge(rights_register::routes())
        .merge(inventory::routes())
        .merge(dormant::routes())
        .merge(process::routes())
        .merge(raci::routes())
        .merge(hosting::routes())
        .merge(continuity::routes())
        .route(
            "/ui/assets/htmx.min.js",
            get(|| async { asset(HTMX, "text/javascript; charset=utf-8") }),
        )
        .route("/favicon.ico", get(|| async { icon() }))
        .route("/ui/assets/favicon.ico", get(|| async { icon() }))
        .route(
            "/ui/assets/adam.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
}

/// The favicon, embedded like the other assets (browsers ask for `/favicon.ico` on their own).
fn icon() -> Response {
    let mut r = FAVICON.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/x-icon"));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

use chrome::*;
use grants::*;
use history::*;
use job::*;
use office::*;
use record::*;
use tree::*;
use user::*;
