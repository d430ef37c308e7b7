//! Explanations in words: the engine's [`Decision`] rendered with names instead of ids, for
//! the CLI (`adam explain`) and the UI's "why can this person see this?".

use adam_core::*;
use std::fmt::Write;

fn job_name(w: &World, j: JobId) -> String {
    w.job(j).map_or_else(|_| j.to_string(), |job| w.job_label(job))
}

fn office_name(w: &World, o: OfficeId) -> String {
    w.office(o).map_or_else(|_| o.to_string(), |r| r.code.to_string())
}

fn role_name(w: &World, r: RoleId) -> String {
    w.role(r).map_or_else(|_| r.to_string(), |role| role.code.to_string())
}

/// An entity as the records officer writes it (`Company.main`, `job LEADER.GLPI`, `[creator]`).
pub fn entity_name(w: &World, e: Entity) -> String {
    match e {
        Entity::Office(o) => format!("office {}", office_name(w, o)),
        Entity::Job(j) => format!("job {}", job_name(w, j)),
        Entity::User(u) => format!(
            "user {}",
            w.user(u).map_or_else(|_| u.to_string(), |r| r.username.to_string())
        ),
        Entity::Role(r) => format!("role {}", role_name(w, r)),
        Entity::Group(g) => format!(
            "group {}",
            w.group(g).map_or_else(|_| g.to_string(), |r| r.code.to_string())
        ),
        other => other.to_string(),
    }
}

/// A carrier in words (`folder #3 "Odmera"`).
pub fn carrier_name(w: &World, c: Carrier) -> String {
    match c {
        Carrier::Class(id) => w
            .class(id)
            .map_or_else(|_| id.to_string(), |r| format!("filing class {}", r.code)),
        Carrier::Folder(id) => w
            .folder(id)
            .map_or_else(|_| id.to_string(), |r| format!("folder #{} \"{}\"", id.0, r.title)),
        Carrier::Document(id) => w
            .document(id)
            .map_or_else(|_| id.to_string(), |r| format!("document #{} \"{}\"", id.0, r.title)),
    }
}

/// Why the user matched, in words.
pub fn membership_words(w: &World, m: Membership) -> String {
    match m {
        Membership::Everyone => "everyone in the organisation".to_owned(),
        Membership::IsUser => "the user themself".to_owned(),
        Membership::HoldsJob { job } => format!("holds job {}", job_name(w, job)),
        Membership::InOffice { office, job } => {
            format!("works in office {} (job {})", office_name(w, office), job_name(w, job))
        }
        Membership::HoldsRole { role, grant } => {
            let via = w.grant(grant).map_or_else(|_| grant.to_string(), |g| w.grant_label(g));
            format!("holds role {} (grant {via})", role_name(w, role))
        }
        Membership::InGroup { group } => format!("is in group {}", entity_name(w, Entity::Group(group))),
        Membership::JobColleague { job, office } => {
            format!(
                "colleague in office {} of job {}",
                office_name(w, office),
                job_name(w, job)
            )
        }
        Membership::UserColleague { user, office } => format!(
            "colleague in office {} of {}",
            office_name(w, office),
            entity_name(w, Entity::User(user))
        ),
        Membership::RoleColleague { role, office, .. } => {
            format!(
                "colleague in office {} of a holder of role {}",
                office_name(w, office),
                role_name(w, role)
            )
        }
        Membership::GroupColleague { group, office } => format!(
            "colleague in office {} of a member of {}",
            office_name(w, office),
            entity_name(w, Entity::Group(group))
        ),
    }
}

fn source_words(w: &World, c: &Contribution) -> String {
    match c.source {
        Source::Entry {
            entry,
            carrier,
            kind,
            entity,
            resolved,
        } => {
            let values = w
                .entry(entry)
                .map_or_else(|_| String::new(), |e| format!(" {}/{}", e.value, e.group_value));
            let resolved = resolved.map_or_else(String::new, |j| format!(" = job {}", job_name(w, j)));
            format!(
                "{kind} {}{resolved}{values} on {} — {}",
                entity_name(w, entity),
                carrier_name(w, carrier),
                membership_words(w, c.how)
            )
        }
        Source::ApplicationRole { role, app } => format!(
            "role {} gives this level on everything in {} — {}",
            role_name(w, role),
            w.application(app)
                .map_or_else(|_| app.to_string(), |a| a.code.to_string()),
            membership_words(w, c.how)
        ),
    }
}

/// The decision as a few lines of text.
pub fn render(w: &World, d: &Decision) -> String {
    let mut out = String::new();
    let who = w.user(d.user).map_or_else(
        |_| d.user.to_string(),
        |u| format!("{} ({})", u.username, w.user_label(u)),
    );
    let object = carrier_name(w, d.object.into());
    let _ = writeln!(out, "{who} on {object}, as of {} (revision {})", d.at, d.revision.0);
    let _ = writeln!(out, "{}", capitalise(&d.summary()));
    if d.grants.is_empty() {
        let _ = writeln!(out, "Granted by: nothing.");
    } else {
        let _ = writeln!(out, "Granted by:");
        for c in &d.grants {
            let _ = writeln!(out, "  {:>2}  {}", c.level, source_words(w, c));
        }
    }
    if !d.ceilings.is_empty() {
        let _ = writeln!(out, "Ceilings (highest within a tier, lowest across tiers):");
        for tier in &d.ceilings {
            let _ = writeln!(out, "  {:>2}  on {}", tier.ceiling, carrier_name(w, tier.carrier));
            for c in &tier.entries {
                let _ = writeln!(out, "        {:>2}  {}", c.level, source_words(w, c));
            }
        }
    }
    let _ = writeln!(out, "The object is classified {}.", d.classification);
    out
}

/// A decision as far as the caller may see it (the UI's "why can this person see this?"):
/// as [`render`] when the caller may read the object's attributes, with only the entries of
/// ACLs they may read; otherwise the level and the reason in general terms, the object named
/// by its type and id only.
pub(crate) fn render_disclosed(w: &World, x: &crate::service::decisions::Disclosed) -> String {
    let d = &x.decision;
    if x.object_visible {
        let mut out = render(w, d);
        if x.withheld {
            let _ = writeln!(out, "Entries of ACLs you may not read are left out.");
        }
        return out;
    }
    let mut out = String::new();
    let who = w.user(d.user).map_or_else(
        |_| d.user.to_string(),
        |u| format!("{} ({})", u.username, w.user_label(u)),
    );
    let object = match d.object {
        ObjectRef::Folder(f) => format!("folder {}", f.0),
        ObjectRef::Document(doc) => format!("document {}", doc.0),
    };
    let _ = writeln!(out, "{who} on {object}, as of {} (revision {})", d.at, d.revision.0);
    let _ = writeln!(out, "{}", capitalise(&crate::service::decisions::general_summary(d)));
    for c in &d.grants {
        let _ = writeln!(out, "  {:>2}  {}", c.level, source_words(w, c));
    }
    let _ = writeln!(
        out,
        "What the object is and its other entries are left out: you may not read it."
    );
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
