//! The administrator's overview (`/ui/overview`): locked accounts, grants ending in the next 14
//! days, and people whose rights need a look after a change of job — read-only, each row
//! linking to the page where it is handled. What it holds, and who may see it, is the
//! service's (`service::overview`): administrators only, each for whom they administer.

use super::chrome::*;
use crate::service::overview::{ReviewReason, overview};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// A row: the page that handles it, what it names, and up to two details.
pub struct OverviewRow {
    pub(super) href: String,
    pub(super) label: String,
    pub(super) first: String,
    pub(super) second: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
pub(super) struct OverviewPage {
    pub(super) c: Chrome,
    pub(super) locked: Vec<OverviewRow>,
    pub(super) expiring: Vec<OverviewRow>,
    pub(super) reviews: Vec<OverviewRow>,
}

pub(super) async fn overview_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let o = overview(&s, &caller).await.ui(lang.tr)?;
    let t = lang.tr;
    let p = OverviewPage {
        c: chrome(&s, &caller, t),
        locked: o
            .locked
            .into_iter()
            .map(|l| OverviewRow {
                href: format!("/ui/users/{}#account", l.user.0),
                label: l.label,
                first: l.until.map_or_else(|| t.s("until_unlocked").to_owned(), local),
                second: String::new(),
            })
            .collect(),
        expiring: o
            .expiring
            .into_iter()
            .map(|e| OverviewRow {
                href: format!("{}#restrictions", e.href),
                label: e.grantee,
                first: e.role,
                // The window's end is exclusive: the last day is the day before.
                second: local(adam_core::Timestamp(e.to.0 - 1)).chars().take(10).collect(),
            })
            .collect(),
        reviews: o
            .reviews
            .into_iter()
            .map(|r| OverviewRow {
                href: format!("/ui/users/{}", r.user.0),
                label: r.label,
                first: t
                    .s(match r.reason {
                        ReviewReason::InactiveWithRights => "review_inactive",
                        ReviewReason::NoJobWithGrants => "review_no_job",
                    })
                    .to_owned(),
                second: r.grants.to_string(),
            })
            .collect(),
    };
    page(lang, &p)
}
