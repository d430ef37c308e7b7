//! The notices of 1.1.1.47 (seed 000, "Obveščanje naročnika"): when a version of a solution has
//! passed its transition (1.1.1.46 successful), ADAM tells the customer, the development team,
//! system support and the registry custodian — and EKC, when the solution has EKC support (the
//! seed leaves that notice to the customer; ADAM copies EKC so it is not forgotten) — by
//! e-mail in Slovenian and English, one message per person naming every role they hold.
//!
//! Like the other mails (`notify.rs`) they go after the commit (called from the write path,
//! `AppState::execute_blocking`), off the request, best effort.
//! Unlike them, each notice is **recorded**: an audit record `hosting.notice_sent` on the
//! solution (so it is in the solution's history and answers §2.8's "registry custodian
//! notified (date)"), with whom it went to, in which roles, and whether the relay took it.
//! The deployment engineer still closes 1.1.1.47 with its date (`notified_at`).

use crate::mail::{self, Mail, MailConfig};
use crate::state::AppState;
use adam_core::register::solution::{EkcSupport, Solution};
use adam_core::*;
use adam_store::{AuditContext, NewAudit, Retention};
use serde_json::json;

/// The action of the audit record of a notice.
pub const NOTICE_ACTION: &str = "hosting.notice_sent";

/// The step whose entry sends the notices.
const NOTICE_STEP: &str = "1.1.1.47";

/// A notice to one person.
pub(crate) struct Notice {
    /// The message.
    pub(crate) mail: Mail,
    /// Who.
    pub(crate) user: UserId,
    /// Their username (for the record).
    pub(crate) username: String,
    /// The roles they are told in (`customer`, `developer`, …).
    pub(crate) roles: Vec<&'static str>,
    /// The solution.
    pub(crate) solution: SolutionId,
    /// Its codename (the record's label).
    pub(crate) codename: String,
    /// The version.
    pub(crate) version: String,
    /// The version's case.
    pub(crate) case: CaseId,
}

/// The roles 1.1.1.47 names, in Slovenian and English.
fn role_words(role: &str) -> (&'static str, &'static str) {
    match role {
        "customer" => ("naročnik", "customer"),
        "developer" => ("razvojna skupina", "development team"),
        "system_support" => ("sistemska podpora", "system support"),
        "registry_custodian" => ("skrbnik evidence informacijskih rešitev", "registry custodian"),
        _ => ("EKC", "EKC"),
    }
}

/// The notices a committed plan calls for: none unless it took a `dro-hosting` case from a
/// successful transition into 1.1.1.47.
pub(crate) fn notices(w: &World, plan: &Plan, public_url: &str) -> Vec<Notice> {
    if plan.action != "case.decide" {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in &plan.events {
        let Event::Case(c) = e else { continue };
        let arrived = c.process.as_str() == process::DRO_HOSTING
            && c.current.as_str() == NOTICE_STEP
            && c.history
                .last()
                .is_some_and(|t| t.to.as_str() == NOTICE_STEP && t.at == plan.at);
        if !arrived {
            continue;
        }
        let Some(s) = w.solution_of_case(c.id) else { continue };
        let version = s
            .versions
            .iter()
            .find(|v| v.case == c.id)
            .map(|v| v.version.to_string())
            .unwrap_or_default();
        out.extend(for_version(w, s, &version, c.id, plan.at, public_url));
    }
    out
}

/// One notice per person bound to a role 1.1.1.47 names.
fn for_version(w: &World, s: &Solution, version: &str, case: CaseId, at: Timestamp, public_url: &str) -> Vec<Notice> {
    let mut named: Vec<&'static str> = vec!["customer", "developer", "system_support", "registry_custodian"];
    if s.fields.ekc != EkcSupport::None {
        named.push("ekc");
    }
    // Each role's person, or when none is named the people holding its job now.
    let mut people: Vec<(UserId, Vec<&'static str>)> = Vec::new();
    for role in named {
        for user in w.solution_role_people(s, role) {
            match people.iter_mut().find(|(u, _)| *u == user) {
                Some((_, roles)) => roles.push(role),
                None => people.push((user, vec![role])),
            }
        }
    }
    let codename = s.fields.codename.to_string();
    let name = s.fields.name.to_string();
    let link = format!("{}/ui/solutions/{codename}", public_url.trim_end_matches('/'));
    let day = LocalDate::of(at).to_string();
    let ekc = s.fields.ekc != EkcSupport::None;
    people
        .into_iter()
        .filter_map(|(user, roles)| {
            let u = w.user(user).ok().filter(|u| u.active)?;
            let sl: Vec<&str> = roles.iter().map(|r| role_words(r).0).collect();
            let en: Vec<&str> = roles.iter().map(|r| role_words(r).1).collect();
            let (ekc_sl, ekc_en) = if ekc && roles.contains(&"customer") {
                (
                    "\nKot naročnik o tem obvestite EKC (1.1.1.47).",
                    "\nAs the customer, please inform EKC (1.1.1.47).",
                )
            } else {
                ("", "")
            };
            let mail = Mail {
                to: u.email.to_string(),
                subject: format!("ADAM: {codename} {version} je v produkciji / {codename} {version} is in production"),
                body: format!(
                    "Pozdravljeni,\n\nrešitev {codename} »{name}«, različica {version}, je bila {day} uspešno \
                     prenesena v produkcijo na DRO. Obvestilo prejmete kot: {sl}.{ekc_sl}\n{link}\n\n--\n\n\
                     Hello,\n\nthe solution {codename} \"{name}\", version {version}, was transferred into \
                     production on the State Computer Cloud on {day}. You are told as: {en}.{ekc_en}\n{link}\n",
                    sl = sl.join(", "),
                    en = en.join(", "),
                ),
            };
            Some(Notice {
                mail,
                user,
                username: u.username.to_string(),
                roles,
                solution: s.id,
                codename: codename.clone(),
                version: version.to_owned(),
                case,
            })
        })
        .collect()
}

/// The audit record of one notice: sent, not sent (the relay refused or is down), or not
/// sent because no relay is configured.
/// ADAM itself sends it, through the application the decision came through.
fn record(s: &AppState, n: &Notice, outcome: &str, application: Option<String>) -> NewAudit {
    NewAudit {
        retention: Retention::Change,
        context: AuditContext {
            at: s.now(),
            actor: Actor::System,
            source_ip: None,
            application,
        },
        action: NOTICE_ACTION.to_owned(),
        object: AuditObject {
            kind: EntityKind::Solution,
            id: n.solution.0,
            label: n.codename.clone(),
        },
        before: None,
        after: Some(json!({
            "step": NOTICE_STEP,
            "version": n.version,
            "case": n.case.0,
            "user": n.user.0,
            "username": n.username,
            "roles": n.roles,
        })),
        outcome: outcome.to_owned(),
    }
}

/// Sends the notices a committed plan calls for on a thread of its own, and records each
/// (`context` is the committed change's: the records name the same application).
pub(crate) fn after_commit(s: &AppState, plan: &Plan, context: &AuditContext) {
    let notices = notices(&s.world(), plan, &s.config.auth.public_url);
    if notices.is_empty() {
        return;
    }
    let config: Option<MailConfig> = s.config.auth.mail.clone();
    let s = s.clone();
    let application = context.application.clone();
    std::thread::spawn(move || {
        let mut records = Vec::new();
        for n in &notices {
            let outcome = match &config {
                None => "not sent: no mail relay is configured",
                Some(c) => match mail::send(c, &n.mail) {
                    Ok(()) => "sent",
                    Err(e) => {
                        tracing::error!(error = %e, "a notice of 1.1.1.47 was not sent");
                        "not sent: the mail relay refused it or is down"
                    }
                },
            };
            records.push(record(&s, n, outcome, application.clone()));
        }
        if let Err(e) = s.store.append_audit(&records) {
            tracing::error!(error = %e, "the notices of 1.1.1.47 were not recorded");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_of_the_notice_has_words() {
        for r in ["customer", "developer", "system_support", "registry_custodian", "ekc"] {
            let (sl, en) = role_words(r);
            assert!(!sl.is_empty() && !en.is_empty());
        }
        assert_ne!(role_words("customer"), role_words("developer"));
    }

    /// 1.1.1.47 names EKC only for a solution with EKC support: then the person bound to the
    /// EKC role (or the holders of its job) is told too, and the customer is asked to inform
    /// EKC — in both languages; without support EKC hears nothing.
    #[test]
    fn ekc_is_told_only_when_the_solution_has_ekc_support() {
        let at = adam_core::Timestamp::parse("2026-03-02T09:00:00Z").unwrap();
        let (w, _) = crate::demo::world(at).unwrap();
        let mut s = w.solutions().first().unwrap().clone();
        let ekc_person = w
            .users()
            .iter()
            .find(|u| u.active && Some(u.id) != s.fields.people.customer)
            .unwrap()
            .id;
        s.fields.people.ekc = Some(ekc_person);
        s.fields.jobs.ekc = None;
        let told = |s: &Solution| -> Vec<Notice> { for_version(&w, s, "2.0", CaseId(0), at, "https://adam.example") };
        s.fields.ekc = EkcSupport::None;
        let without = told(&s);
        assert!(
            !without.iter().any(|n| n.roles.contains(&"ekc")),
            "no EKC without support"
        );
        assert!(without.iter().all(|n| !n.mail.body.contains("EKC")));
        s.fields.ekc = EkcSupport::Technical;
        let with = told(&s);
        let ekc = with.iter().find(|n| n.user == ekc_person).expect("EKC is told");
        assert!(ekc.roles.contains(&"ekc"), "{:?}", ekc.roles);
        assert!(ekc.mail.body.contains("2.0") && ekc.mail.body.contains("transferred into production"));
        assert!(ekc.mail.subject.contains("is in production"), "{}", ekc.mail.subject);
        let customers = w.solution_role_people(&s, "customer");
        let customer = with.iter().find(|n| customers.contains(&n.user)).expect("the customer");
        assert!(
            customer.mail.body.contains("obvestite EKC") && customer.mail.body.contains("please inform EKC"),
            "{}",
            customer.mail.body
        );
        assert_eq!(
            with.len(),
            without.len() + usize::from(!without.iter().any(|n| n.user == ekc_person))
        );
    }
}
