//! Access reviews and rights follow-ups (Decree Art. 51(4)): who sees which, and the views the
//! API (`api/review.rs`) and the UI show.
//!
//! A campaign is seen by its reviewer (the system's custodian) and by the keepers of the
//! registers; a follow-up by those concerned: the custodians of the systems its grants reach,
//! the keepers, and the user administrators of the person. Starting a campaign
//! ([`start_campaign`]) and deciding a line ([`decide_grant`]) are commands made here, once, for
//! the API and the pages, and authorised by the engine; these functions check no scope (the
//! route tables do) and no sight of the campaign (each adapter asks first, in its own order).

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::register::review::{AccessReview, FollowUp, Outcome, ReviewLine, Under};
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// One line as shown: the grant's role and grantee named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LineView {
    /// The line.
    #[serde(flatten)]
    pub line: ReviewLine,
    /// The role's code.
    pub role_code: String,
    /// The grantee, named (`user ana`, `job JOB.0276`, `office UN`, `everyone`).
    pub grantee_name: String,
    /// Whether the grant is still in force.
    pub live: bool,
}

/// A campaign as shown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReviewView {
    /// The campaign.
    #[serde(flatten)]
    pub review: AccessReview,
    /// The system's code.
    pub system_code: String,
    /// The reviewer's username.
    pub reviewer_name: String,
    /// Lines decided / all.
    pub decided: usize,
    /// Whether past due and not complete.
    pub overdue: bool,
    /// The lines, named.
    pub named: Vec<LineView>,
}

/// A follow-up as shown, with its age.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FollowUpView {
    /// The follow-up.
    #[serde(flatten)]
    pub follow_up: FollowUp,
    /// The person's username.
    pub user_name: String,
    /// Days since the change that opened it.
    pub age_days: i64,
    /// Whether every line is decided.
    pub resolved: bool,
    /// The lines, named.
    pub named: Vec<LineView>,
}

fn grantee_name(w: &World, g: Grantee) -> String {
    match g {
        Grantee::User(u) => w
            .user(u)
            .map_or_else(|_| u.to_string(), |u| format!("user {}", u.username)),
        Grantee::Job(j) => w.job(j).map_or_else(|_| j.to_string(), |j| format!("job {}", j.code)),
        Grantee::Office(o) => w
            .office(o)
            .map_or_else(|_| o.to_string(), |o| format!("office {}", o.code)),
        Grantee::Everyone => "everyone".to_owned(),
    }
}

fn named(w: &World, lines: &[ReviewLine]) -> Vec<LineView> {
    lines
        .iter()
        .map(|l| LineView {
            role_code: w
                .role(l.role)
                .map_or_else(|_| l.role.to_string(), |r| r.code.to_string()),
            grantee_name: grantee_name(w, l.grantee),
            live: w.grant(l.grant).is_ok(),
            line: l.clone(),
        })
        .collect()
}

/// A campaign's view.
pub(crate) fn review_view(w: &World, r: &AccessReview, today: LocalDate) -> ReviewView {
    ReviewView {
        system_code: w
            .item(r.system)
            .map_or_else(|_| r.system.to_string(), |i| i.fields.code.to_string()),
        reviewer_name: w
            .user(r.reviewer)
            .map_or_else(|_| r.reviewer.to_string(), |u| u.username.to_string()),
        decided: r.decided(),
        overdue: r.overdue(today),
        named: named(w, &r.lines),
        review: r.clone(),
    }
}

/// A follow-up's view.
pub(crate) fn follow_up_view(w: &World, f: &FollowUp, now: Timestamp) -> FollowUpView {
    FollowUpView {
        user_name: w
            .user(f.user)
            .map_or_else(|_| f.user.to_string(), |u| u.username.to_string()),
        age_days: (now.0 - f.at.0).div_euclid(86_400),
        resolved: f.resolved(),
        named: named(w, &f.lines),
        follow_up: f.clone(),
    }
}

/// Whether the caller sees a campaign: its reviewer or a keeper.
pub(crate) fn sees_review(w: &World, caller: &Caller, r: &AccessReview, now: Timestamp) -> bool {
    caller.user == r.reviewer || w.keeps_registers(&caller.actor(None), now).unwrap_or(false)
}

/// Whether the caller is concerned by a follow-up: a custodian of a system one of its grants
/// reaches, a keeper, or an administrator of the person.
pub(crate) fn concerned_by(w: &World, caller: &Caller, f: &FollowUp, now: Timestamp) -> bool {
    let actor = caller.actor(None);
    if w.keeps_registers(&actor, now).unwrap_or(false) {
        return true;
    }
    let custodian = f.lines.iter().any(|l| {
        w.systems_of_role(l.role)
            .into_iter()
            .any(|s| w.item(s).is_ok_and(|i| i.fields.custodian == caller.user))
    });
    custodian || w.require_user(&actor, f.user, now).is_ok()
}

/// The campaigns the caller sees, newest first.
pub(crate) fn reviews_for(w: &World, caller: &Caller, now: Timestamp) -> Vec<ReviewView> {
    reviews_as_of(w, w, caller, now, now)
}

/// The campaigns as they stood at `at` in `then` (the world replayed to that instant), of
/// those the caller sees by today's rules in `live`, newest first.
pub(crate) fn reviews_as_of(
    live: &World,
    then: &World,
    caller: &Caller,
    now: Timestamp,
    at: Timestamp,
) -> Vec<ReviewView> {
    let today = LocalDate::of(at);
    let mut out: Vec<ReviewView> = then
        .access_reviews()
        .iter()
        .filter(|r| {
            live.access_review(r.id)
                .is_ok_and(|r| sees_review(live, caller, r, now))
        })
        .map(|r| review_view(then, r, today))
        .collect();
    out.reverse();
    out
}

/// The open follow-ups the caller is concerned by, oldest first (the oldest is the most urgent).
pub(crate) fn follow_ups_for(w: &World, caller: &Caller, now: Timestamp, resolved: bool) -> Vec<FollowUpView> {
    w.follow_ups()
        .iter()
        .filter(|f| resolved || !f.resolved())
        .filter(|f| concerned_by(w, caller, f, now))
        .map(|f| follow_up_view(w, f, now))
        .collect()
}

/// Starts an access review of `system`, due on `due`; the campaign's id.
pub async fn start_campaign(s: &AppState, caller: &Caller, system: ItemId, due: LocalDate) -> ApiResult<ReviewId> {
    let plan = s
        .execute(caller, None, Command::StartAccessReview { system, due })
        .await?;
    crate::service::created(&plan)
}

/// A decision on one grant, in a campaign or a follow-up.
#[derive(Debug, Clone)]
pub struct GrantDecision {
    /// The campaign or follow-up the grant is decided under.
    pub under: Under,
    /// The grant.
    pub grant: GrantId,
    /// Confirmed, or revoked (the grant is removed in the same change).
    pub outcome: Outcome,
    /// Why (`None`: no comment).
    pub comment: Option<Text>,
}

impl GrantDecision {
    /// The command that records it: a page asks first before a revocation (`ui/confirm.rs`
    /// plans it without running it).
    pub fn command(self) -> Command {
        Command::DecideGrant {
            under: self.under,
            grant: self.grant,
            outcome: self.outcome,
            comment: self.comment,
        }
    }
}

/// Records a decision on a grant.
pub async fn decide_grant(s: &AppState, caller: &Caller, decision: GrantDecision) -> ApiResult<Plan> {
    s.execute(caller, None, decision.command()).await
}
