//! The administrator's overview: what waits for someone who administers people — accounts
//! locked after failed sign-ins, grants ending in the next 14 days, and people whose rights
//! need a look after a change of job (SPEC §7, Art. 51(4): on a change of job or the end of
//! employment the rights are changed or revoked at once). Read-only; each row names the page
//! where it is handled. Default deny: only administrators see it, and each sees only the
//! people, jobs and offices the engine lets them administer.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::*;

/// How far ahead "expiring soon" looks.
pub(crate) const EXPIRING_DAYS: i64 = 14;

/// A locked account.
#[derive(Debug, Clone)]
pub(crate) struct Locked {
    pub(crate) user: UserId,
    pub(crate) label: String,
    /// Locked until (`None`: until an administrator unlocks it).
    pub(crate) until: Option<Timestamp>,
}

/// A grant ending soon.
#[derive(Debug, Clone)]
pub(crate) struct Expiring {
    pub(crate) grant: GrantId,
    pub(crate) role: String,
    /// The grantee's label and page.
    pub(crate) grantee: String,
    pub(crate) href: String,
    /// The end of the window (exclusive).
    pub(crate) to: Timestamp,
}

/// Why a person's rights need a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReviewReason {
    /// Deactivated, yet still holding grants of their own (a job is kept: deletion is in two
    /// steps, and the job's rights end with the account).
    InactiveWithRights,
    /// No job any more, yet still holding grants of their own (given for a job they left).
    NoJobWithGrants,
}

/// A person whose rights need a look.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    pub(crate) user: UserId,
    pub(crate) label: String,
    pub(crate) reason: ReviewReason,
    /// Their own grants in force or waiting.
    pub(crate) grants: usize,
}

/// The overview.
#[derive(Debug, Default)]
pub(crate) struct Overview {
    pub(crate) locked: Vec<Locked>,
    pub(crate) expiring: Vec<Expiring>,
    pub(crate) reviews: Vec<Review>,
}

/// Whether the caller may see the overview: a person or account that administers people (the
/// system administrator, a user administrator) with the read scope. Everyone else is refused.
pub(crate) fn may_see(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Read)
        && caller.kind != AccountKind::SystemUser
        && matches!(
            s.world().authority(&caller.actor(None), s.now()),
            Ok(Authority::Full | Authority::UserAdmin(_))
        )
}

/// The overview for `caller`, holding only what the engine lets them administer.
pub(crate) async fn overview(s: &AppState, caller: &Caller) -> ApiResult<Overview> {
    if !may_see(s, caller) {
        return Err(WebError::forbidden(
            "not-an-administrator",
            "the overview is for system and user administrators",
        ));
    }
    let now = s.now();
    let actor = caller.actor(None);
    let mut out = Overview::default();
    // People the caller administers (not themselves: their own lock they cannot lift, their
    // own rights they cannot change).
    let people: Vec<(UserId, String, String)> = {
        let w = s.world();
        w.users()
            .iter()
            .filter(|u| u.id != caller.user && u.kind != AccountKind::SystemUser)
            .filter(|u| w.require_user(&actor, u.id, now).is_ok())
            .map(|u| {
                (
                    u.id,
                    format!("{} ({})", u.display_name(), u.username),
                    u.username.as_str().to_owned(),
                )
            })
            .collect()
    };
    // Locks live in the shared attempt table, under each account's hashed key.
    let keys: Vec<String> = {
        let limiter = s.authn.limiter();
        people
            .iter()
            .map(|(_, _, name)| {
                limiter
                    .shared_keys(name, std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
                    .account
            })
            .collect()
    };
    let store = s.store.clone();
    let lookup = keys.clone();
    let states = blocking(move || store.attempts(&lookup)).await??;
    for st in states {
        let Some(until) = st.locked_until.filter(|u| *u > now) else {
            continue;
        };
        if let Some(i) = keys.iter().position(|k| *k == st.key)
            && let Some((user, label, _)) = people.get(i)
        {
            out.locked.push(Locked {
                user: *user,
                label: label.clone(),
                until: (until.0 != i64::MAX).then_some(until),
            });
        }
    }
    let w = s.world();
    let horizon = Timestamp(now.0 + EXPIRING_DAYS * 86_400);
    for g in w.grants() {
        let Some(to) = g.window.to else { continue };
        if to <= now || to > horizon {
            continue;
        }
        if g.grantee == Grantee::User(caller.user) || w.require_grantee(&actor, g.grantee, now).is_err() {
            continue;
        }
        let (grantee, href) = grantee_label(&w, g.grantee);
        out.expiring.push(Expiring {
            grant: g.id,
            role: w.role(g.role).map(|r| r.code.to_string()).unwrap_or_default(),
            grantee,
            href,
            to,
        });
    }
    out.expiring.sort_by_key(|e| (e.to, e.grant));
    for (id, label, _) in &people {
        let Ok(u) = w.user(*id) else { continue };
        let grants = w
            .grants_of_user(*id)
            .iter()
            .filter_map(|g| w.grant(*g).ok())
            .filter(|g| g.window.to.is_none_or(|to| to > now))
            .count();
        let reason = if !u.active && grants > 0 {
            ReviewReason::InactiveWithRights
        } else if u.active && u.jobs.is_empty() && grants > 0 {
            ReviewReason::NoJobWithGrants
        } else {
            continue;
        };
        out.reviews.push(Review {
            user: *id,
            label: label.clone(),
            reason,
            grants,
        });
    }
    Ok(out)
}

fn grantee_label(w: &World, g: Grantee) -> (String, String) {
    match g {
        Grantee::User(u) => (
            w.user(u)
                .map(|u| format!("{} ({})", u.display_name(), u.username))
                .unwrap_or_default(),
            format!("/ui/users/{}", u.0),
        ),
        Grantee::Job(j) => (
            w.job(j).map(|j| format!("{} – {}", j.code, j.name)).unwrap_or_default(),
            format!("/ui/jobs/{}", j.0),
        ),
        Grantee::Office(o) => (
            w.office(o)
                .map(|o| format!("{} – {}", o.code, o.name))
                .unwrap_or_default(),
            format!("/ui/offices/{}", o.0),
        ),
        Grantee::Everyone => ("*".to_owned(), "/ui/roles".to_owned()),
    }
}
