//! E-mail after a change (Decree Art. 51(4): rights are changed or revoked "without delay"):
//! when a job change or a deactivation opens a follow-up of a person's rights, the custodians of
//! the systems its grants reach are told; when an access review starts, its reviewer is; when
//! a case reaches a step, the people who perform it are, and so is whoever is given a job at
//! which a case waits for a step that is now theirs (issue #16).
//!
//! Sent after the commit, off the request, best effort: a relay that is down does not undo or
//! delay the change (the follow-up is on the custodians' list in the UI either way); a failure
//! is logged without the message.

use crate::mail::{self, Mail};
use crate::state::AppState;
use adam_core::register::review::{Cause, FollowUp};
use adam_core::*;

/// The messages a committed plan calls for.
pub(crate) fn messages(w: &World, plan: &Plan, public_url: &str) -> Vec<Mail> {
    let mut out = Vec::new();
    let link = format!("{}/ui/access-reviews", public_url.trim_end_matches('/'));
    for e in &plan.events {
        match e {
            Event::FollowUp(f) if f.rev == plan.revision() && f.lines.iter().all(|l| l.decision.is_none()) => {
                out.extend(follow_up_messages(w, f, &link));
            }
            Event::Review(r) if plan.action == "access_review.start" => {
                let Ok(reviewer) = w.user(r.reviewer) else { continue };
                let system = w
                    .item(r.system)
                    .map_or_else(|_| r.system.to_string(), |i| i.fields.code.to_string());
                out.push(Mail {
                    to: reviewer.email.to_string(),
                    subject: format!("ADAM: pregled pravic {system} / access review of {system}"),
                    body: format!(
                        "Pozdravljeni,\n\nzačel se je pregled pravic sistema {system} ({n} dodelitev); vi ste pregledovalec. \
                         Rok: {due}.\n{link}/{id}\n\n--\n\nHello,\n\nan access review of {system} has started ({n} grants); you \
                         are its reviewer. Due: {due}.\n{link}/{id}\n",
                        n = r.lines.len(),
                        due = r.due,
                        id = r.id.0,
                    ),
                });
            }
            Event::Case(c) if matches!(plan.action, "case.start" | "case.decide") => {
                out.extend(case_messages(w, c, plan, public_url, false).into_iter().map(|(_, m)| m));
            }
            Event::Case(c) if plan.action == "case.remind" => {
                out.extend(case_messages(w, c, plan, public_url, true).into_iter().map(|(_, m)| m));
            }
            _ => {}
        }
    }
    // A step bound to a job moves with the job: whoever now holds it is told of each case
    // waiting at that job for a step that is now theirs.
    if let Command::AssignJob { user, job } = &plan.command {
        for c in w.cases() {
            if c.responsible == Some(*job) {
                out.extend(
                    case_messages(w, c, plan, public_url, false)
                        .into_iter()
                        .filter(|(to, _)| to == user)
                        .map(|(_, m)| m),
                );
            }
        }
    }
    out
}

/// A case that reached a step: its performers are told (not the one who moved it there);
/// with `overdue`, that step is past its due time. Each message with whom it is for.
fn case_messages(
    w: &World,
    c: &adam_core::process::Case,
    plan: &Plan,
    public_url: &str,
    overdue: bool,
) -> Vec<(UserId, Mail)> {
    if c.state != adam_core::process::CaseState::Open {
        return Vec::new();
    }
    let Ok(def) = w.process_definition(c.definition) else {
        return Vec::new();
    };
    let step = def
        .definition
        .step(c.current.as_str())
        .map(|s| (s.name.sl.to_string(), s.name.en.to_string()))
        .unwrap_or_default();
    let link = format!("{}/ui/cases/{}", public_url.trim_end_matches('/'), c.id.0);
    let actor = plan.actor.user_id();
    let (subject, body) = if overdue {
        let due = c.due(&def.definition).map(|d| d.to_string()).unwrap_or_default();
        (
            format!("ADAM: zamuda / overdue – {} – {}", c.reference(), step.1),
            format!(
                "Pozdravljeni,\n\nkorak »{sl}« zadeve {r} »{title}« je v zamudi (rok je bil {due}) in čaka na vas.\n\
                 {link}\n\n--\n\nHello,\n\nthe step \"{en}\" of case {r} \"{title}\" is overdue (it was due {due}) and \
                 is waiting for you.\n{link}\n",
                r = c.reference(),
                title = c.title,
                sl = step.0,
                en = step.1,
            ),
        )
    } else {
        (
            format!("ADAM: {} – {}", c.reference(), step.1),
            format!(
                "Pozdravljeni,\n\nzadeva {r} »{title}« čaka na vaš korak »{sl}«.\n{link}\n\n--\n\nHello,\n\ncase {r} \
                 \"{title}\" is waiting for your step \"{en}\".\n{link}\n",
                r = c.reference(),
                title = c.title,
                sl = step.0,
                en = step.1,
            ),
        )
    };
    w.performers(c, plan.at)
        .into_iter()
        .filter(|u| Some(*u) != actor)
        .filter_map(|u| w.user(u).ok())
        .map(|u| {
            (
                u.id,
                Mail {
                    to: u.email.to_string(),
                    subject: subject.clone(),
                    body: body.clone(),
                },
            )
        })
        .collect()
}

fn follow_up_messages(w: &World, f: &FollowUp, link: &str) -> Vec<Mail> {
    let person = w
        .user(f.user)
        .map_or_else(|_| f.user.to_string(), |u| u.username.to_string());
    let (why_sl, why_en) = match &f.cause {
        Cause::LeftJobs { .. } => ("je zapustil(a) delovno mesto", "left a job"),
        Cause::Deactivated => ("je bil(a) deaktiviran(a)", "was deactivated"),
    };
    let mut custodians: Vec<UserId> = f
        .lines
        .iter()
        .flat_map(|l| w.systems_of_role(l.role))
        .filter_map(|s| w.item(s).ok().map(|i| i.fields.custodian))
        .collect();
    custodians.sort();
    custodians.dedup();
    let roles: Vec<String> = f
        .lines
        .iter()
        .map(|l| {
            w.role(l.role)
                .map_or_else(|_| l.role.to_string(), |r| r.code.to_string())
        })
        .collect();
    custodians
        .into_iter()
        .filter_map(|c| w.user(c).ok())
        .filter(|c| c.active)
        .map(|c| Mail {
            to: c.email.to_string(),
            subject: format!("ADAM: pravice za pregled ({person}) / rights to review ({person})"),
            body: format!(
                "Pozdravljeni,\n\n{person} {why_sl}; še ima neposredne dodelitve: {roles}. Odvzemite ali potrdite jih \
                 (51. člen (4) uredbe: nemudoma).\n{link}#follow-ups\n\n--\n\nHello,\n\n{person} {why_en} and still \
                 holds direct grants: {roles}. Revoke or confirm them (Art. 51(4) of the Decree: without delay).\n\
                 {link}#follow-ups\n",
                roles = roles.join(", "),
            ),
        })
        .collect()
}

/// Sends what a committed plan calls for, on a thread of its own.
pub(crate) fn after_commit(s: &AppState, plan: &Plan) {
    let Some(config) = s.config.auth.mail.clone() else {
        return;
    };
    let messages = messages(&s.world(), plan, &s.config.auth.public_url);
    if messages.is_empty() {
        return;
    }
    std::thread::spawn(move || {
        for m in messages {
            if let Err(e) = mail::send(&config, &m) {
                tracing::error!(error = %e, "a rights notice was not sent");
            }
        }
    });
}
