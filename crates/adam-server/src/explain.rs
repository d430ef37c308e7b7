//! Explanations in words: the engine's [`Decision`] rendered with names instead of ids, for
//! the CLI (`adam explain`, English) and the UI's "why can this person see this?" (in the
//! person's language: every function has an `_in(…, lang)` form).

use adam_core::lang::Lang;
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
    entity_name_in(w, e, Lang::En)
}

/// An entity in words, in `lang` (`delovno mesto LEADER.GLPI`); `Company.main` and the
/// bracketed entities (`[creator]`) are the records officer's notation in both languages.
pub fn entity_name_in(w: &World, e: Entity, lang: Lang) -> String {
    match e {
        Entity::Office(o) => format!("{} {}", lang.pick("urad", "office"), office_name(w, o)),
        Entity::Job(j) => format!("{} {}", lang.pick("delovno mesto", "job"), job_name(w, j)),
        Entity::User(u) => format!(
            "{} {}",
            lang.pick("uporabnik", "user"),
            w.user(u).map_or_else(|_| u.to_string(), |r| r.username.to_string())
        ),
        Entity::Role(r) => format!("{} {}", lang.pick("vloga", "role"), role_name(w, r)),
        Entity::Group(g) => format!(
            "{} {}",
            lang.pick("skupina", "group"),
            w.group(g).map_or_else(|_| g.to_string(), |r| r.code.to_string())
        ),
        other => other.to_string(),
    }
}

/// A carrier in words (`folder #3 "Odmera"`, `filing class 478 (Odmera davkov)`).
pub fn carrier_name(w: &World, c: Carrier) -> String {
    carrier_name_in(w, c, Lang::En)
}

/// A carrier in words, in `lang`: a filing class by its code and name, a folder or document by
/// its number and title.
pub fn carrier_name_in(w: &World, c: Carrier, lang: Lang) -> String {
    match c {
        Carrier::Class(id) => w.class(id).map_or_else(
            |_| id.to_string(),
            |r| {
                format!(
                    "{} {} ({})",
                    lang.pick("klasifikacijski znak", "filing class"),
                    r.code,
                    r.name
                )
            },
        ),
        Carrier::Folder(id) => w.folder(id).map_or_else(
            |_| id.to_string(),
            |r| format!("{} #{} \"{}\"", lang.pick("zadeva", "folder"), id.0, r.title),
        ),
        Carrier::Document(id) => w.document(id).map_or_else(
            |_| id.to_string(),
            |r| format!("{} #{} \"{}\"", lang.pick("dokument", "document"), id.0, r.title),
        ),
    }
}

/// Why the user matched, in words (English).
pub fn membership_words(w: &World, m: Membership) -> String {
    membership_words_in(w, m, Lang::En)
}

/// Why the user matched, in words, in `lang`.
pub fn membership_words_in(w: &World, m: Membership, lang: Lang) -> String {
    let sl = lang == Lang::Sl;
    let group = |g: GroupId| w.group(g).map_or_else(|_| g.to_string(), |r| r.code.to_string());
    match m {
        Membership::Everyone => lang
            .pick("vsi v organizaciji", "everyone in the organisation")
            .to_owned(),
        Membership::IsUser => lang.pick("uporabnik sam", "the user themself").to_owned(),
        Membership::HoldsJob { job } if sl => format!("zaseda delovno mesto {}", job_name(w, job)),
        Membership::HoldsJob { job } => format!("holds job {}", job_name(w, job)),
        Membership::InOffice { office, job } if sl => {
            format!(
                "dela v uradu {} (delovno mesto {})",
                office_name(w, office),
                job_name(w, job)
            )
        }
        Membership::InOffice { office, job } => {
            format!("works in office {} (job {})", office_name(w, office), job_name(w, job))
        }
        Membership::HoldsRole { role, grant } => {
            let via = w.grant(grant).map_or_else(|_| grant.to_string(), |g| w.grant_label(g));
            if sl {
                format!("ima vlogo {} (dodelitev {via})", role_name(w, role))
            } else {
                format!("holds role {} (grant {via})", role_name(w, role))
            }
        }
        Membership::InGroup { group: g } if sl => format!("je v skupini {}", group(g)),
        Membership::InGroup { group: g } => format!("is in group {}", entity_name(w, Entity::Group(g))),
        Membership::JobColleague { job, office } if sl => format!(
            "sodelavec v uradu {} (delovno mesto {})",
            office_name(w, office),
            job_name(w, job)
        ),
        Membership::JobColleague { job, office } => {
            format!(
                "colleague in office {} of job {}",
                office_name(w, office),
                job_name(w, job)
            )
        }
        Membership::UserColleague { user, office } => format!(
            "{} {} {} {}",
            lang.pick("sodelavec v uradu", "colleague in office"),
            office_name(w, office),
            lang.pick("osebe", "of"),
            entity_name_in(w, Entity::User(user), lang)
        ),
        Membership::RoleColleague { role, office, .. } if sl => format!(
            "sodelavec v uradu {} imetnika vloge {}",
            office_name(w, office),
            role_name(w, role)
        ),
        Membership::RoleColleague { role, office, .. } => {
            format!(
                "colleague in office {} of a holder of role {}",
                office_name(w, office),
                role_name(w, role)
            )
        }
        Membership::GroupColleague { group: g, office } if sl => format!(
            "sodelavec v uradu {} člana skupine {}",
            office_name(w, office),
            group(g)
        ),
        Membership::GroupColleague { group: g, office } => format!(
            "colleague in office {} of a member of {}",
            office_name(w, office),
            entity_name(w, Entity::Group(g))
        ),
    }
}

/// An ACL entry's kind in words: the SPEC's terms in English, their meaning in Slovenian.
pub fn acl_kind_in(kind: AclKind, lang: Lang) -> &'static str {
    match kind {
        AclKind::Allowed => lang.pick("dovoljeno", "allowed"),
        AclKind::MaxAllowed => lang.pick("zgornja meja", "maxAllowed"),
    }
}

fn source_words(w: &World, c: &Contribution, lang: Lang) -> String {
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
            let resolved = resolved.map_or_else(String::new, |j| {
                format!(" = {} {}", lang.pick("delovno mesto", "job"), job_name(w, j))
            });
            format!(
                "{} {}{resolved}{values} {} {} — {}",
                acl_kind_in(kind, lang),
                entity_name_in(w, entity, lang),
                lang.pick("na:", "on"),
                carrier_name_in(w, carrier, lang),
                membership_words_in(w, c.how, lang)
            )
        }
        Source::ApplicationRole { role, app } => format!(
            "{} {} {} {} — {}",
            lang.pick("vloga", "role"),
            role_name(w, role),
            lang.pick("daje ta nivo na vsem v aplikaciji", "gives this level on everything in"),
            w.application(app)
                .map_or_else(|_| app.to_string(), |a| a.code.to_string()),
            membership_words_in(w, c.how, lang)
        ),
    }
}

fn person(w: &World, d: &Decision) -> String {
    w.user(d.user).map_or_else(
        |_| d.user.to_string(),
        |u| format!("{} ({})", u.username, w.user_label(u)),
    )
}

/// The first line: who, on what, as of when — in Ljubljana time with its zone, as every time a
/// person reads (`2026-03-02 10:00:00 CET`) — and the revision that answered.
fn heading(out: &mut String, who: &str, object: &str, d: &Decision, lang: Lang) {
    let at = LocalTime::of(d.at);
    let _ = match lang {
        Lang::Sl => writeln!(out, "{who} — {object}, stanje ob {at} (revizija {})", d.revision.0),
        Lang::En => writeln!(out, "{who} on {object}, as of {at} (revision {})", d.revision.0),
    };
}

/// The decision as a few lines of text (English: the command line's `adam explain`).
pub fn render(w: &World, d: &Decision) -> String {
    render_in(w, d, Lang::En)
}

/// The decision as a few lines of text, in `lang`.
pub fn render_in(w: &World, d: &Decision, lang: Lang) -> String {
    let mut out = String::new();
    let object = carrier_name_in(w, d.object.into(), lang);
    heading(&mut out, &person(w, d), &object, d, lang);
    let _ = writeln!(out, "{}", capitalise(&d.summary_in(lang)));
    if d.grants.is_empty() {
        let _ = writeln!(out, "{}", lang.pick("Dodeljuje: nič.", "Granted by: nothing."));
    } else {
        let _ = writeln!(out, "{}", lang.pick("Dodeljujejo:", "Granted by:"));
        for c in &d.grants {
            let _ = writeln!(out, "  {:>2}  {}", c.level, source_words(w, c, lang));
        }
    }
    if !d.ceilings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Zgornje meje (najvišja znotraj ravni, najnižja med ravnmi):",
                "Ceilings (highest within a tier, lowest across tiers):"
            )
        );
        for tier in &d.ceilings {
            let _ = writeln!(
                out,
                "  {:>2}  {} {}",
                tier.ceiling,
                lang.pick("na:", "on"),
                carrier_name_in(w, tier.carrier, lang)
            );
            for c in &tier.entries {
                let _ = writeln!(out, "        {:>2}  {}", c.level, source_words(w, c, lang));
            }
        }
    }
    let _ = match lang {
        Lang::Sl => writeln!(out, "Stopnja zaupnosti objekta: {}.", d.classification),
        Lang::En => writeln!(out, "The object is classified {}.", d.classification),
    };
    out
}

/// A decision as far as the caller may see it (the UI's "why can this person see this?"), in
/// `lang`: as [`render_in`] when the caller may read the object's attributes, with only the
/// entries of ACLs they may read; otherwise the level and the reason in general terms, the
/// object named by its type and id only.
pub(crate) fn render_disclosed(w: &World, x: &crate::service::decisions::Disclosed, lang: Lang) -> String {
    let d = &x.decision;
    if x.object_visible {
        let mut out = render_in(w, d, lang);
        if x.withheld {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "Vnosi ACL, ki jih ne smete brati, so izpuščeni.",
                    "Entries of ACLs you may not read are left out."
                )
            );
        }
        return out;
    }
    let mut out = String::new();
    let object = match d.object {
        ObjectRef::Folder(f) => format!("{} {}", lang.pick("zadeva", "folder"), f.0),
        ObjectRef::Document(doc) => format!("{} {}", lang.pick("dokument", "document"), doc.0),
    };
    heading(&mut out, &person(w, d), &object, d, lang);
    let _ = writeln!(
        out,
        "{}",
        capitalise(&crate::service::decisions::general_summary_in(d, lang))
    );
    for c in &d.grants {
        let _ = writeln!(out, "  {:>2}  {}", c.level, source_words(w, c, lang));
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "Kaj je objekt in njegovi drugi vnosi so izpuščeni: objekta ne smete brati.",
            "What the object is and its other entries are left out: you may not read it."
        )
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
