//! The dormant-accounts report (Decree Art. 50(2): "accounts that are not used are removed"):
//! active accounts — people, administrators and service accounts — that have not been used
//! for at least N days (no sign-in and no API-token use), and accounts never used at all that
//! were created at least N days ago. The API (`api/dormant.rs`) and the UI
//! (`ui/dormant.rs`) show it; deactivating stays on the user's page, through the engine.
//!
//! The last use is read from what the store already keeps (`Store::account_activity`: the
//! sessions, the tokens' last use, the user's first audited change), so there is no second
//! write path and it survives a restart.
//!
//! Who sees it: the system administrator and the information-security lead (every account),
//! and a user administrator (the accounts within their scope, as the engine's
//! `require_user` decides) — least privilege: a custodian or a service token without an
//! administrator's authority is refused.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::{AppState, blocking};
use adam_core::*;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

/// Days without use, as the report takes them: 1 to 3650 (ten years).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IdleDays(u16);

impl IdleDays {
    /// The default (Art. 50(2) names no period; ninety days is the common reading).
    pub const DEFAULT: IdleDays = IdleDays(90);
    /// The longest period asked about.
    pub const MAX: u16 = 3650;

    /// The number of days.
    pub fn get(self) -> u16 {
        self.0
    }

    /// Parses what was typed or sent (`None` or empty: the default); the refusal is a 422
    /// problem `invalid-days` pointing at `days`, in the request's language.
    pub fn parse(text: Option<&str>) -> ApiResult<IdleDays> {
        let text = text.map(str::trim).unwrap_or("");
        if text.is_empty() {
            return Ok(IdleDays::DEFAULT);
        }
        match text.parse::<i64>() {
            Ok(n) if (1..=i64::from(IdleDays::MAX)).contains(&n) => Ok(IdleDays(n as u16)),
            _ => {
                let shown: String = text.chars().take(20).collect();
                Err(WebError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-days",
                    format!("days must be a whole number from 1 to {}, not {shown:?}", IdleDays::MAX),
                )
                .sl(format!(
                    "število dni mora biti celo število od 1 do {}, ne {shown:?}",
                    IdleDays::MAX
                ))
                .with("pointer", "/days"))
            }
        }
    }
}

/// One account in the report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DormantAccount {
    /// The account.
    pub user: UserId,
    /// Its username.
    pub username: String,
    /// Its name.
    pub name: String,
    /// Admin, system user or user.
    pub kind: AccountKind,
    /// When it was created (its first audited change), if the trail still has it.
    pub created: Option<LocalDate>,
    /// Its last sign-in (Ljubljana calendar day), if any.
    pub last_sign_in: Option<LocalDate>,
    /// The last use of one of its API tokens, if any.
    pub last_token_use: Option<LocalDate>,
    /// Whole days since its last use (or, never used, since it was created); `None` when it
    /// was never used and its creation is no longer known.
    pub idle_days: Option<i64>,
    /// Never signed in nor used a token.
    pub never_used: bool,
}

/// The report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DormantReport {
    /// The period asked about.
    pub days: u16,
    /// The day it was made.
    pub as_of: LocalDate,
    /// The accounts, the longest idle first (never used and of unknown age first of all).
    pub accounts: Vec<DormantAccount>,
}

/// How far the caller sees: every account, or those a user administrator administers.
enum Sight {
    All,
    Scoped,
}

fn sight(s: &AppState, caller: &Caller) -> ApiResult<Sight> {
    // Kept: `may_see` (the menu of every page) asks this of any caller.
    caller.require(Scope::Read)?;
    let w = s.world();
    let now = s.now();
    if crate::service::audit::reviews_everything(s, caller) {
        return Ok(Sight::All);
    }
    if matches!(w.authority(&caller.actor(None), now), Ok(Authority::UserAdmin(_))) {
        return Ok(Sight::Scoped);
    }
    Err(WebError::forbidden(
        "not-a-dormant-accounts-reader",
        "the dormant-accounts report is for the system administrator, the information-security lead and user administrators",
    )
    .sl("poročilo o neuporabljenih računih je za sistemskega skrbnika, vodjo informacijske varnosti in skrbnike uporabnikov"))
}

/// Whether the caller may see the report (the menu link is shown to them).
pub(crate) fn may_see(s: &AppState, caller: &Caller) -> bool {
    sight(s, caller).is_ok()
}

/// The whole days between two instants (never negative).
fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    (to.0 - from.0).max(0) / 86_400
}

/// The accounts of `w` idle for at least `days` at `now`, given what the store knows of
/// their use. Pure: the rule the tests pin.
pub(crate) fn dormant(
    w: &World,
    activity: &[adam_store::AccountActivity],
    days: IdleDays,
    now: Timestamp,
    shown: impl Fn(UserId) -> bool,
) -> Vec<DormantAccount> {
    let by_user: std::collections::HashMap<UserId, &adam_store::AccountActivity> =
        activity.iter().map(|a| (a.user, a)).collect();
    let limit = i64::from(days.get());
    let mut out: Vec<DormantAccount> = w
        .users()
        .iter()
        .filter(|u| u.active && shown(u.id))
        .filter_map(|u| {
            let a = by_user.get(&u.id);
            let created = a.and_then(|a| a.created);
            let last_sign_in = a.and_then(|a| a.last_sign_in);
            let last_token_use = a.and_then(|a| a.last_token_use);
            let last_use = last_sign_in.max(last_token_use);
            let idle_days = last_use.or(created).map(|t| days_between(t, now));
            // Never used and of unknown age (its creation aged out of the trail): old enough.
            let idle = idle_days.is_none_or(|d| d >= limit);
            idle.then(|| DormantAccount {
                user: u.id,
                username: u.username.to_string(),
                name: u.display_name(),
                kind: u.kind,
                created: created.map(LocalDate::of),
                last_sign_in: last_sign_in.map(LocalDate::of),
                last_token_use: last_token_use.map(LocalDate::of),
                idle_days,
                never_used: last_use.is_none(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.idle_days
            .unwrap_or(i64::MAX)
            .cmp(&a.idle_days.unwrap_or(i64::MAX))
            .then_with(|| a.username.cmp(&b.username))
    });
    out
}

/// The report for the caller: refused unless they may see it; a user administrator sees the
/// accounts within their scope only.
pub async fn report(s: &AppState, caller: &Caller, days: IdleDays) -> ApiResult<DormantReport> {
    let sight = sight(s, caller)?;
    let store = s.store.clone();
    let activity = blocking(move || store.account_activity()).await??;
    let now = s.now();
    let w = s.world();
    let me = caller.actor(None);
    let accounts = dormant(&w, &activity, days, now, |u| match sight {
        Sight::All => true,
        Sight::Scoped => w.require_user(&me, u, now).is_ok(),
    });
    Ok(DormantReport {
        days: days.get(),
        as_of: LocalDate::of(now),
        accounts,
    })
}

/// The CSV columns: English, Slovenian.
const COLUMNS: [(&str, &str); 8] = [
    ("Username", "Uporabniško ime"),
    ("Name", "Ime"),
    ("Kind", "Vrsta"),
    ("Created", "Ustvarjen"),
    ("Last sign-in", "Zadnja prijava"),
    ("Last token use", "Zadnja uporaba žetona"),
    ("Days idle", "Dni brez uporabe"),
    ("Never used", "Nikoli uporabljen"),
];

fn kind_words(kind: AccountKind, lang: lang::Lang) -> &'static str {
    match (kind, lang) {
        (AccountKind::Admin, lang::Lang::Sl) => "skrbnik sistema",
        (AccountKind::Admin, lang::Lang::En) => "administrator",
        (AccountKind::SystemUser, lang::Lang::Sl) => "sistemski uporabnik",
        (AccountKind::SystemUser, lang::Lang::En) => "system user",
        (AccountKind::User, lang::Lang::Sl) => "uporabnik",
        (AccountKind::User, lang::Lang::En) => "user",
    }
}

/// The report as CSV, with a header in `lang`.
pub fn csv(report: &DormantReport, lang: lang::Lang) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|(en, sl)| match lang {
        lang::Lang::Sl => *sl,
        lang::Lang::En => *en,
    }))?;
    let day = |d: Option<LocalDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for a in &report.accounts {
        out.write_record([
            crate::service::inventory_export::cell(a.username.clone()),
            crate::service::inventory_export::cell(a.name.clone()),
            kind_words(a.kind, lang).to_owned(),
            day(a.created),
            day(a.last_sign_in),
            day(a.last_token_use),
            a.idle_days.map(|d| d.to_string()).unwrap_or_default(),
            match (a.never_used, lang) {
                (true, lang::Lang::Sl) => "da",
                (true, lang::Lang::En) => "yes",
                (false, lang::Lang::Sl) => "ne",
                (false, lang::Lang::En) => "no",
            }
            .to_owned(),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_one_to_ten_years_and_empty_is_ninety() {
        assert_eq!(IdleDays::parse(None).unwrap().get(), 90);
        assert_eq!(IdleDays::parse(Some("  ")).unwrap().get(), 90);
        assert_eq!(IdleDays::parse(Some("1")).unwrap().get(), 1);
        assert_eq!(IdleDays::parse(Some("3650")).unwrap().get(), 3650);
        for bad in ["0", "-5", "3651", "abc", "1.5", "99999999999999999999"] {
            let e = IdleDays::parse(Some(bad)).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
    }
}
