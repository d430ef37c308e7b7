//! Questions about someone's access: who may ask about whom, and what an answer discloses.

use super::audit::is_security_lead;
use super::records::{attribute_level, may_read_acl};
use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::lang::Lang;
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// What a question about someone asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Question {
    /// Their access to folders and documents (`check`, `explain`, `lookup`).
    Access,
    /// Whether they hold a role (`check-role`).
    Roles,
}

/// Whether the caller diagnoses access: asks about anyone and sees every detail of an
/// explanation. Service accounts (applications checking their users) and security leads
/// (reviewers of the trail and the access-rights register), with the `check` scope.
pub(crate) fn diagnoses(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Check)
        && (caller.kind == AccountKind::SystemUser
            || (caller.kind == AccountKind::User && is_security_lead(&s.world(), caller.user, s.now())))
}

pub(crate) fn not_allowed_to_ask() -> WebError {
    WebError::forbidden(
        "not-allowed-to-ask",
        "you may ask about your own access; asking about others is for service accounts and security leads \
         with the check scope, and for user administrators about the people they administer",
    ).sl("sprašujete lahko o svojem dostopu; o drugih sprašujejo servisni računi in varnostni vodje z obsegom check, skrbniki uporabnikov pa o osebah, ki jih upravljajo")
}

/// The one rule for questions about someone (API and UI): anyone about themselves; about
/// others, with the `check` scope, service accounts and security leads about anyone, user
/// administrators about the people they administer (`World::require_user`), and the system
/// administrator about roles only.
pub(crate) fn may_ask_about(s: &AppState, caller: &Caller, subject: UserId, question: Question) -> ApiResult<()> {
    if subject == caller.user {
        return caller.require(Scope::Read);
    }
    caller.require(Scope::Check)?;
    if diagnoses(s, caller) {
        return Ok(());
    }
    let w = s.world();
    let now = s.now();
    let me = caller.actor(None);
    let allowed = match w.authority(&me, now) {
        Ok(Authority::Full) => question == Question::Roles,
        Ok(Authority::UserAdmin(_)) => w.require_user(&me, subject, now).is_ok(),
        _ => false,
    };
    if allowed { Ok(()) } else { Err(not_allowed_to_ask()) }
}

/// Why, in general terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Granted, no ceiling below it.
    Granted,
    /// Granted, lowered by a ceiling.
    Capped,
    /// Nothing grants anything (default deny).
    DefaultDeny,
    /// The account is inactive.
    InactiveAccount,
    /// `admin` accounts never reach folders or documents.
    AdminAccount,
    /// The object is classified above the user's clearance.
    Clearance,
    /// A Z3 or C3 object and a session without a second factor.
    MfaRequired,
}

impl Reason {
    pub(crate) fn of(d: &Decision) -> Reason {
        match d.rule {
            Some(Rule::InactiveAccount) => Reason::InactiveAccount,
            Some(Rule::AdminAccount) => Reason::AdminAccount,
            Some(Rule::Clearance { .. }) => Reason::Clearance,
            Some(Rule::MfaRequired { .. }) => Reason::MfaRequired,
            None if d.allowed == Level::None => Reason::DefaultDeny,
            None if d.ceiling.is_some_and(|c| c < d.allowed) => Reason::Capped,
            None => Reason::Granted,
        }
    }

    /// One line that says nothing of the object, in `lang`.
    pub(crate) fn words_in(self, level: Level, lang: Lang) -> String {
        match (self, lang) {
            (Reason::Granted, Lang::En) => format!("level {level}: granted"),
            (Reason::Granted, Lang::Sl) => format!("nivo {level}: dodeljeno"),
            (Reason::Capped, Lang::En) => format!("level {level}: granted but capped by a ceiling"),
            (Reason::Capped, Lang::Sl) => format!("nivo {level}: dodeljeno, a omejeno z zgornjo mejo"),
            (Reason::DefaultDeny, _) => lang
                .pick(
                    "zavrnjeno: noben vnos in nobena vloga ne dajeta ničesar (privzeto zavrnjeno)",
                    "denied: no entry or role grants anything (default deny)",
                )
                .to_owned(),
            (Reason::InactiveAccount, _) => lang
                .pick("zavrnjeno: račun ni aktiven", "denied: the account is inactive")
                .to_owned(),
            (Reason::AdminAccount, _) => lang
                .pick(
                    "zavrnjeno: računi admin nikoli ne vidijo zadev in dokumentov",
                    "denied: admin accounts never see folders or documents",
                )
                .to_owned(),
            (Reason::Clearance, _) => lang
                .pick(
                    "zavrnjeno: objekt je zaupen nad varnostnim dovoljenjem uporabnika",
                    "denied: the object is classified above the user's clearance",
                )
                .to_owned(),
            (Reason::MfaRequired, _) => lang
                .pick(
                    "zavrnjeno, dokler se seja ne potrdi z drugim faktorjem",
                    "denied until the session steps up with a second factor",
                )
                .to_owned(),
        }
    }
}

/// A decision's reason in general terms, saying nothing of the object, in `lang`.
pub(crate) fn general_summary_in(d: &Decision, lang: Lang) -> String {
    Reason::of(d).words_in(d.level, lang)
}

/// A decision as far as the caller may see it.
pub(crate) struct Disclosed {
    /// The decision, with only the entries (and ceilings) of ACLs the caller may read.
    pub decision: Decision,
    /// Whether the caller may read the object's attributes (its classification, the rule).
    pub object_visible: bool,
    /// Whether anything was left out.
    pub withheld: bool,
}

/// What the caller may learn from a decision (API and UI): service accounts and security
/// leads everything; others the entries of the ACLs they may read themselves, and the
/// classification and rule only of an object whose attributes they may read.
pub(crate) fn disclose(s: &AppState, caller: &Caller, mut d: Decision) -> Disclosed {
    if diagnoses(s, caller) {
        return Disclosed {
            decision: d,
            object_visible: true,
            withheld: false,
        };
    }
    let w = s.world();
    let now = s.now();
    let object_visible = w
        .check(caller.user, d.object, now, Session { mfa: caller.mfa })
        .is_ok_and(|l| l >= attribute_level(d.object));
    let visible = |c: &Contribution| match c.source {
        Source::Entry { carrier, .. } => may_read_acl(&w, caller, carrier, now),
        Source::ApplicationRole { .. } => true,
    };
    let (grants, ceilings) = (d.grants.len(), d.ceilings.len());
    d.grants.retain(visible);
    d.ceilings.retain(|t| may_read_acl(&w, caller, t.carrier, now));
    if !object_visible {
        // The system's code and name are an attribute of the object's application, as its
        // classification is: not for someone who may not read the object's attributes.
        d.mfa_system = None;
    }
    let withheld = !object_visible || d.grants.len() != grants || d.ceilings.len() != ceilings;
    Disclosed {
        decision: d,
        object_visible,
        withheld,
    }
}
