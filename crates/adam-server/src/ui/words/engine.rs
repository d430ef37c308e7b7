//! Words for the engine's refusals and explanations, record fields and states: key, Slovenian,
//! English; and the audit trail's actions in words (`office.create` → "ustvaril urad").

use super::super::i18n::Tr;
use adam_core::EntityKind;

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    ("record_kind_folder", "Zadeva", "Folder"),
    ("record_kind_document", "Dokument", "Document"),
    ("record_number", "Številka", "Number"),
    ("state_open", "odprto", "open"),
    (
        "state_handed_over",
        "predano, čaka na sprejem",
        "handed over, awaiting acceptance",
    ),
    ("state_closed", "zaključeno", "closed"),
    ("wf_creator", "Ustvarjeno na delovnem mestu", "Created in job"),
    ("wf_responsible", "Odgovorno delovno mesto", "Responsible job"),
    ("wf_sender", "Pošiljatelj (delovno mesto)", "Sender (job)"),
    ("wf_recipient", "Prejemnik (delovno mesto)", "Recipient (job)"),
    ("filing_class", "Klasifikacijski znak", "Filing class"),
    ("in_folder", "V zadevi", "In folder"),
    ("nobody", "—", "—"),
    ("role_kind_app", "aplikacijska", "application"),
];

/// The audit trail's actions in words: code, Slovenian, English. An action not listed is shown
/// by its code (a test checks that every command's action is listed).
pub(crate) const ACTIONS: &[(&str, &str, &str)] = &[
    ("system.initialise", "pripravil sistem", "initialised the system"),
    ("settings.update", "spremenil nastavitve", "changed the settings"),
    ("office.create", "ustvaril urad", "created an office"),
    ("office.update", "spremenil urad", "changed an office"),
    ("office.validate", "uveljavil urad", "made an office valid"),
    ("office.invalidate", "razveljavil urad", "invalidated an office"),
    ("job.create", "ustvaril delovno mesto", "created a job"),
    ("job.update", "spremenil delovno mesto", "changed a job"),
    ("job.validate", "uveljavil delovno mesto", "made a job valid"),
    ("job.invalidate", "razveljavil delovno mesto", "invalidated a job"),
    ("user.create", "ustvaril uporabnika", "created a user"),
    ("user.update", "spremenil uporabnika", "changed a user"),
    ("user.activate", "aktiviral uporabnika", "activated a user"),
    ("user.deactivate", "deaktiviral uporabnika", "deactivated a user"),
    ("user.assign_job", "razporedil na delovno mesto", "assigned to a job"),
    ("user.unassign_job", "odstranil z delovnega mesta", "removed from a job"),
    ("group.create", "ustvaril skupino", "created a group"),
    ("group.update", "spremenil skupino", "changed a group"),
    ("application.create", "ustvaril aplikacijo", "created an application"),
    ("application.update", "spremenil aplikacijo", "changed an application"),
    ("role.create", "ustvaril vlogo", "created a role"),
    ("role.update", "spremenil vlogo", "changed a role"),
    ("grant.create", "dodelil vlogo", "granted a role"),
    ("grant.update", "spremenil dodelitev", "changed a grant"),
    ("grant.revoke", "odvzel vlogo", "revoked a grant"),
    ("inventory.create", "dodal v popis", "added to the inventory"),
    (
        "inventory.update",
        "spremenil postavko popisa",
        "changed an inventory item",
    ),
    ("inventory.classify", "razvrstil v varnostne razrede", "classified"),
    ("inventory.retire", "izločil iz popisa", "retired from the inventory"),
    (
        "inventory.link",
        "povezal sistem s premoženjem",
        "linked a system to an asset",
    ),
    (
        "inventory.unlink",
        "odstranil povezavo sistema s premoženjem",
        "unlinked a system from an asset",
    ),
    (
        "decree_role.appoint",
        "imenoval nosilca vloge po uredbi",
        "appointed a Decree role holder",
    ),
    (
        "decree_role.end",
        "končal imenovanje po uredbi",
        "ended a Decree appointment",
    ),
    (
        "class_scheme.update",
        "spremenil shemo razvrščanja",
        "changed the classification scheme",
    ),
    (
        "access_review.start",
        "začel pregled pravic",
        "started an access review",
    ),
    (
        "risk_assessment.record",
        "zabeležil oceno tveganj",
        "recorded a risk assessment",
    ),
    ("attachment.attach", "pripel datoteko", "attached a file"),
    (
        "raci.create",
        "ustvaril matriko odgovornosti",
        "created a responsibility matrix",
    ),
    (
        "raci.set_party",
        "določil stran matrike odgovornosti",
        "set a party of a responsibility matrix",
    ),
    (
        "raci.override",
        "spremenil celico matrike odgovornosti",
        "overrode a cell of a responsibility matrix",
    ),
    (
        "solution.register",
        "vpisal rešitev v evidenco",
        "registered a solution",
    ),
    (
        "solution.update",
        "spremenil vpis rešitve",
        "changed a solution's entry",
    ),
    (
        "solution.open_version",
        "odprl novo različico rešitve",
        "opened a new version of a solution",
    ),
    (
        "hosting.notice_sent",
        "obvestil o prehodu v produkcijo (1.1.1.47)",
        "sent the notice of the transition into production (1.1.1.47)",
    ),
    (
        "risk_assessment.update",
        "popravil oceno tveganj",
        "corrected a risk assessment",
    ),
    (
        "access_review.confirm",
        "potrdil pravico v pregledu",
        "confirmed a right in a review",
    ),
    (
        "access_review.revoke",
        "odvzel pravico v pregledu",
        "revoked a right in a review",
    ),
    (
        "class.create",
        "ustvaril klasifikacijski znak",
        "created a filing class",
    ),
    (
        "class.update",
        "spremenil klasifikacijski znak",
        "changed a filing class",
    ),
    ("workflow.new_folder", "odprl zadevo", "opened a folder"),
    ("workflow.new_document", "ustvaril dokument", "created a document"),
    ("workflow.notify", "obvestil", "notified"),
    ("workflow.hand_over", "predal", "handed over"),
    ("workflow.accept", "sprejel", "accepted"),
    ("workflow.reject", "zavrnil", "rejected"),
    ("workflow.close", "zaključil", "closed"),
    ("workflow.reopen", "ponovno odprl", "reopened"),
    ("workflow.reclassify", "spremenil stopnjo zaupnosti", "reclassified"),
    ("acl.add", "dodal vnos ACL", "added an ACL entry"),
    ("acl.remove", "odstranil vnos ACL", "removed an ACL entry"),
    ("batch", "več sprememb naenkrat", "several changes at once"),
    ("access.check", "preverjanje dostopa", "access check"),
    ("access.read.folder", "branje zadeve", "folder read"),
    (
        "access.read.documents",
        "branje seznama dokumentov",
        "list of documents read",
    ),
    ("access.read.document", "branje dokumenta", "document read"),
    ("access.read.acl", "branje ACL", "ACL read"),
    ("access.read.history", "branje zgodovine", "history read"),
    ("access.read.page", "ogled strani zapisa", "record page viewed"),
    ("document.open", "odprl dokument", "opened a document"),
    ("document.close", "zaprl dokument", "closed a document"),
    ("auth.login", "prijava", "signed in"),
    (
        "auth.login.mfa",
        "prijava z drugim faktorjem",
        "signed in with a second factor",
    ),
    ("auth.logout", "odjava", "signed out"),
    ("auth.mfa", "drugi faktor", "second factor"),
    (
        "auth.step_up",
        "dodatna potrditev z drugim faktorjem",
        "stepped up with a second factor",
    ),
    ("auth.reset", "ponastavitev gesla", "password reset"),
    (
        "auth.reset.request",
        "zahteva za ponastavitev gesla",
        "asked for a password reset",
    ),
    ("auth.session.revoke", "končal sejo", "ended a session"),
    (
        "auth.totp_key.rotate",
        "zamenjal ključ drugih faktorjev",
        "rotated the second-factor key",
    ),
    ("password.change", "zamenjal geslo", "changed the password"),
    ("password.reset", "ponastavil geslo", "reset the password"),
    ("password.set", "nastavil geslo", "set a password"),
    (
        "password.set_temporary",
        "nastavil začasno geslo",
        "set a temporary password",
    ),
    (
        "totp.enrol",
        "začel nastavljati drugi faktor",
        "started enrolling a second factor",
    ),
    ("totp.confirm", "potrdil drugi faktor", "confirmed a second factor"),
    (
        "security.factor_lost",
        "prijavil izgubo drugega faktorja",
        "reported the second factor lost",
    ),
    (
        "security.factor_reset",
        "ponastavil drugi faktor",
        "reset a second factor",
    ),
    (
        "process.import",
        "uvozil opredelitev postopka",
        "imported a process definition",
    ),
    ("case.start", "začel zadevo", "started a case"),
    ("case.update", "dopolnil zadevo", "filled in a case"),
    ("case.decide", "odločil o koraku zadeve", "decided a step of a case"),
    ("case.consent", "dal pisno soglasje", "gave written consent"),
    (
        "case.remind",
        "poslal opomnik o zamudi koraka",
        "sent an overdue reminder for a step",
    ),
    (
        "security.login_locked",
        "račun zaklenjen zaradi neuspelih prijav",
        "account locked after failed sign-ins",
    ),
    (
        "security.login_global_limit",
        "dosežena skupna omejitev prijav",
        "global sign-in limit reached",
    ),
    ("security.unlock", "odklenil račun", "unlocked an account"),
    (
        "security.audit_chain_mismatch",
        "revizijska sled se ne ujema",
        "audit chain mismatch",
    ),
    ("token.issue", "izdal žeton API", "issued an API token"),
    ("token.revoke", "preklical žeton API", "revoked an API token"),
    ("audit.hold", "zadržal revizijske zapise", "put audit records on hold"),
    ("audit.hold.release", "sprostil zadržanje", "released a hold"),
    (
        "audit.purge",
        "izbrisal stare revizijske zapise",
        "purged old audit records",
    ),
    (
        "integrity.submit_baseline",
        "oddal izhodišče celovitosti",
        "submitted an integrity baseline",
    ),
    (
        "integrity.approve_baseline",
        "potrdil izhodišče celovitosti",
        "approved an integrity baseline",
    ),
    (
        "continuity.record_plan",
        "vpisal načrt neprekinjenosti poslovanja",
        "recorded the continuity plan",
    ),
    (
        "continuity.update_plan",
        "spremenil načrt neprekinjenosti poslovanja",
        "changed the continuity plan",
    ),
    (
        "continuity.review_plan",
        "vpisal pregled načrta neprekinjenosti",
        "recorded a review of the continuity plan",
    ),
    (
        "continuity.set_bia",
        "vpisal analizo vpliva na poslovanje in načrt varnostnega kopiranja",
        "set a business impact analysis and backup plan",
    ),
    (
        "continuity.record_test",
        "vpisal preizkus neprekinjenosti",
        "recorded a continuity test",
    ),
    (
        "continuity.update_test",
        "spremenil preizkus neprekinjenosti",
        "changed a continuity test",
    ),
    (
        "continuity.accept_risk",
        "vpisal sprejetje tveganja",
        "recorded a risk acceptance",
    ),
    (
        "integrity.compare",
        "primerjal pregled z izhodiščem celovitosti",
        "compared a scan with the integrity baseline",
    ),
    (
        "security.integrity_mismatch",
        "neskladje celovitosti strežnika (varnostni dogodek)",
        "server integrity mismatch (security event)",
    ),
];

/// The kinds of object the audit trail names, in words: wire name, Slovenian, English.
pub(crate) const KINDS: &[(EntityKind, &str, &str)] = &[
    (EntityKind::Settings, "nastavitve", "settings"),
    (EntityKind::Office, "urad", "office"),
    (EntityKind::Job, "delovno mesto", "job"),
    (EntityKind::User, "uporabnik", "user"),
    (EntityKind::Group, "skupina", "group"),
    (EntityKind::Application, "aplikacija", "application"),
    (EntityKind::Role, "vloga", "role"),
    (EntityKind::Grant, "dodelitev vloge", "grant"),
    (EntityKind::Class, "klasifikacijski znak", "filing class"),
    (EntityKind::Folder, "zadeva", "folder"),
    (EntityKind::Document, "dokument", "document"),
    (EntityKind::AclEntry, "vnos ACL", "ACL entry"),
    (EntityKind::Token, "žeton API", "API token"),
    (EntityKind::Audit, "revizijska sled", "audit trail"),
    (EntityKind::AuditHold, "zadržanje revizijskih zapisov", "audit hold"),
    (EntityKind::Key, "ključ", "key"),
    (EntityKind::InventoryItem, "postavka popisa", "inventory item"),
    (EntityKind::InventoryLink, "povezava v popisu", "inventory link"),
    (
        EntityKind::DecreeRole,
        "imenovanje po Uredbi",
        "Decree role appointment",
    ),
    (EntityKind::ClassScheme, "shema razvrščanja", "classification scheme"),
    (EntityKind::AccessReview, "pregled pravic", "access review"),
    (
        EntityKind::RightsFollowUp,
        "preverjanje pravic po spremembi",
        "rights follow-up",
    ),
    (EntityKind::RiskAssessment, "ocena tveganj", "risk assessment"),
    (EntityKind::Solution, "informacijska rešitev", "information solution"),
    (
        EntityKind::RaciMatrix,
        "matrika odgovornosti (RACI)",
        "responsibility (RACI) matrix",
    ),
    (
        EntityKind::IntegrityBaseline,
        "izhodišče celovitosti",
        "integrity baseline",
    ),
    (
        EntityKind::IntegrityComparison,
        "primerjava celovitosti",
        "integrity comparison",
    ),
    (
        EntityKind::ProcessDefinition,
        "opredelitev postopka",
        "process definition",
    ),
    (EntityKind::ProcessCase, "zadeva postopka", "process case"),
    (
        EntityKind::ContinuityPlan,
        "načrt neprekinjenosti poslovanja",
        "continuity plan",
    ),
    (
        EntityKind::PlanReview,
        "pregled načrta neprekinjenosti",
        "continuity plan review",
    ),
    (
        EntityKind::Bia,
        "analiza vpliva na poslovanje",
        "business impact analysis",
    ),
    (
        EntityKind::ContinuityTest,
        "preizkus neprekinjenosti",
        "continuity test",
    ),
    (EntityKind::RiskAcceptance, "sprejetje tveganja", "risk acceptance"),
];

/// A kind of object in words, or its wire name when it has none.
pub(crate) fn kind_words(tr: Tr, wire: &str) -> String {
    let kind = wire.parse::<EntityKind>().ok();
    KINDS
        .iter()
        .find(|(k, _, _)| Some(*k) == kind)
        .map_or_else(|| wire.to_owned(), |(_, sl, en)| (*lang(tr).pick(sl, en)).to_owned())
}

/// An audit record's label in the page's language: a read's label names its object by type
/// and number only (`folder 3`, never its title), and is said here; any other label is a name.
/// An ACL entry's label (`allowed [creator] 22 14 on folder "Odmera"`) is said too.
pub(crate) fn label_words(tr: Tr, label: &str) -> String {
    if tr == Tr::En {
        return label.to_owned();
    }
    for (en, sl) in [("folder ", "zadeva "), ("document ", "dokument ")] {
        if let Some(n) = label.strip_prefix(en)
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
        {
            return format!("{sl}{n}");
        }
    }
    // An inventory link's label: `PLACE-SYS stores PLACE-DATA` (codes have no spaces).
    let relations = [
        (" stores ", " hrani "),
        (" processes ", " obdeluje "),
        (" handles ", " drugače obravnava "),
        (" protects ", " ščiti "),
    ];
    for (en, sl) in relations {
        if let Some((system, asset)) = label.split_once(en)
            && !system.is_empty()
            && !system.contains(' ')
            && !asset.is_empty()
            && !asset.contains(' ')
        {
            return format!("{system}{sl}{asset}");
        }
    }
    let kinds = [("allowed ", "dovoljeno "), ("maxAllowed ", "zgornja meja ")];
    for (en, sl) in kinds {
        if let Some(rest) = label.strip_prefix(en)
            && let Some((entry, carrier)) = rest.split_once(" on ")
        {
            let carrier = [
                ("folder#", "zadeva #"),
                ("document#", "dokument #"),
                ("class#", "klasifikacijski znak #"),
                ("folder ", "zadeva "),
                ("document ", "dokument "),
                ("class ", "klasifikacijski znak "),
            ]
            .iter()
            .find_map(|(e, s)| carrier.strip_prefix(e).map(|r| format!("{s}{r}")))
            .unwrap_or_else(|| carrier.to_owned());
            return format!("{sl}{entry} na: {carrier}");
        }
    }
    label.to_owned()
}

/// An audit action in words, or its code when it has none.
pub(crate) fn action_words(tr: Tr, code: &str) -> String {
    ACTIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, sl, en)| (*lang(tr).pick(sl, en)).to_owned())
}

/// The engine's language for a page's.
pub(crate) fn lang(tr: Tr) -> adam_core::lang::Lang {
    match tr {
        Tr::Sl => adam_core::lang::Lang::Sl,
        Tr::En => adam_core::lang::Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_action_is_said_in_words() {
        let source = include_str!("../../../../adam-core/src/command.rs");
        let body = source.split("pub fn action(&self)").nth(1).unwrap_or_default();
        let body = body.split("\n    }\n").next().unwrap_or_default();
        let codes: Vec<&str> = body
            .split("=> \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(codes.len() > 30, "found only {codes:?}");
        for code in codes {
            assert!(ACTIONS.iter().any(|(c, _, _)| *c == code), "no words for {code}");
        }
        for (code, sl, en) in ACTIONS {
            assert!(!sl.is_empty() && !en.is_empty() && sl != en, "{code}");
        }
        assert_eq!(label_words(Tr::Sl, "folder 3"), "zadeva 3");
        assert_eq!(label_words(Tr::En, "folder 3"), "folder 3");
        assert_eq!(label_words(Tr::Sl, "Folder 3 of mine"), "Folder 3 of mine");
        assert_eq!(
            label_words(Tr::Sl, "allowed [creator] 22 14 on folder#4"),
            "dovoljeno [creator] 22 14 na: zadeva #4"
        );
        assert_eq!(
            label_words(Tr::Sl, "maxAllowed Company.main 14 14 on document \"Poročilo\""),
            "zgornja meja Company.main 14 14 na: dokument \"Poročilo\""
        );
        for kind in adam_core::EntityKind::ALL {
            assert_ne!(kind_words(Tr::Sl, kind.as_str()), kind.as_str(), "no words for {kind}");
        }
    }
}
