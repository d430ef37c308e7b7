//! The UI's words in Slovenian (the default, as in the seed's screens) and English.
//!
//! One table, looked up by key; a key missing from the table shows itself (so a missing
//! translation is visible in review rather than blank), and a test checks every key used by
//! the templates is in it.

/// A language of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tr {
    /// Slovenščina.
    Sl,
    /// English.
    En,
}

/// Every table of words: the shared one here and one per area (`ui/words/`), so that pages
/// added side by side do not edit the same list. A key is unique across all of them.
const TABLES: &[&[(&str, &str, &str)]] = &[
    WORDS,
    super::words::setup::WORDS,
    super::words::settings::WORDS,
    super::words::site::WORDS,
    super::words::grants::WORDS,
    super::words::account::WORDS,
    super::words::audit::WORDS,
    super::words::engine::WORDS,
    super::words::reviews::WORDS,
    super::words::inventory::WORDS,
    super::words::attachments::WORDS,
    super::words::dormant::WORDS,
    super::words::process::WORDS,
    super::words::raci::WORDS,
    super::words::hosting::WORDS,
    super::words::continuity::WORDS,
    super::words::registers::WORDS,
];

/// Every key with its Slovenian and English text.
pub const WORDS: &[(&str, &str, &str)] = &[
    ("menu", "Meni", "Menu"),
    ("skip_to_content", "Na vsebino", "Skip to content"),
    ("users_tree", "Uporabniki", "Users"),
    ("roles", "Vloge", "Roles"),
    ("my_activity", "Moja zgodovina aktivnosti", "My activity history"),
    ("search", "Išči", "Search"),
    (
        "search_hint",
        "ime, uporabniško ime ali signirni znak",
        "name, username or signing code",
    ),
    ("results", "Zadetki", "Results"),
    ("office", "Urad", "Office"),
    ("job", "Delovno mesto", "Job"),
    ("jobs", "Delovna mesta", "Jobs"),
    ("user", "Uporabnik", "User"),
    ("invalid", "neveljavno", "invalid"),
    ("valid", "veljavno", "valid"),
    ("empty", "Ni podatkov.", "Nothing here."),
    ("last_change", "Zadnja sprememba", "Last change"),
    ("object_number", "Številka objekta", "Object number"),
    ("label", "Oznaka", "Label"),
    ("object_type", "Tip objekta", "Object type"),
    ("changed_by", "Spremenil", "Changed by"),
    ("date", "Datum", "Date"),
    (
        "never_changed",
        "Objekt še ni bil spremenjen.",
        "The object has not been changed yet.",
    ),
    ("activity_history", "Zgodovina aktivnosti", "Activity history"),
    ("action", "Dejanje", "Action"),
    ("what", "Kaj", "What"),
    ("code", "Oznaka", "Code"),
    ("name", "Naziv", "Name"),
    ("parent", "Nadrejeni urad", "Parent office"),
    ("status", "Status", "Status"),
    ("job_id", "Delovno mesto (ID)", "Job id"),
    ("signing_code", "Signirni znak", "Signing code"),
    ("occupied_by", "Zaseda", "Occupied by"),
    ("new_office", "Nov urad", "New office"),
    (
        "office_auto_jobs",
        "Vodja (LEADER) in tajništvo urada se ustvarita sama.",
        "The office's head (LEADER) and secretariat are created with it.",
    ),
    ("create", "Ustvari", "Create"),
    ("basic_data", "Osnovni podatki", "Basic data"),
    ("permissions", "Dovoljenja", "Permissions"),
    ("role", "Vloga", "Role"),
    ("description", "Opis", "Description"),
    ("granted", "Dodeljeno", "Granted"),
    ("contains", "vsebuje", "contains"),
    ("grant_role", "Dodeli vlogo", "Grant a role"),
    ("valid_from", "Velja od", "Valid from"),
    ("valid_to", "Velja do", "Valid to"),
    ("reference", "Številka zahtevka", "Request reference"),
    ("grant", "Dodeli", "Grant"),
    ("time_limits", "Dodatne omejitve dovoljenj", "Additional time limits"),
    ("permission", "Dovoljenje", "Permission"),
    ("revoke", "Odvzemi", "Revoke"),
    ("username", "Uporabniško ime", "Username"),
    ("title", "Naziv", "Title"),
    ("first_name", "Ime", "First name"),
    ("last_name", "Priimek", "Last name"),
    ("gender", "Spol", "Gender"),
    ("email", "E-pošta", "E-mail"),
    ("phone", "Telefon", "Phone"),
    ("active", "aktiven", "active"),
    ("inactive", "neaktiven", "inactive"),
    ("application", "Aplikacija", "Application"),
    ("back", "Nazaj na uporabnike", "Back to users"),
    ("user_roles", "Uporabniške vloge", "User roles"),
    ("system_roles", "Sistemske vloge", "System roles"),
    ("sign_in_needed", "Potrebna je prijava", "Please sign in"),
    ("forbidden", "Nimate pravice", "Not allowed"),
    ("not_found", "Ni najdeno", "Not found"),
    ("error", "Napaka", "Error"),
    ("state", "Stanje", "State"),
    ("classification", "Stopnja zaupnosti", "Classification"),
    ("your_level", "Vaš nivo dostopa", "Your access level"),
    ("acl_entries", "Dovoljenja dostopa (ACL)", "Access control entries"),
    ("carrier", "Na", "On"),
    ("kind", "Vrsta", "Kind"),
    ("entity", "Komu", "Entity"),
    ("value", "Nivo", "Level"),
    ("group_value", "Nivo za sodelavce", "Level for colleagues"),
    (
        "not_allowed_to_ask",
        "O dostopu drugih sprašujejo storitveni računi in varnostni vodje ter skrbniki uporabnikov o osebah, ki jih upravljajo.",
        "Asking about someone else's access is for service accounts, security leads, and user administrators about the people they administer.",
    ),
    (
        "why",
        "Zakaj ima ta oseba ta nivo?",
        "Why does this person have this level?",
    ),
    ("explain", "Pojasni", "Explain"),
    ("edit", "Urejanje", "Edit"),
    ("save", "Shrani", "Save"),
    // The person's own pages: sign-in, password, second factor, sessions.
    ("sign_in", "Prijava", "Sign in"),
    ("sign_out", "Odjava", "Sign out"),
    ("password", "Geslo", "Password"),
    ("continue", "Naprej", "Continue"),
    ("otp_code", "Koda", "Code"),
    (
        "mfa_step_hint",
        "Vnesite šestmestno kodo iz aplikacije za preverjanje pristnosti ali eno od rezervnih kod.",
        "Enter the six-digit code from your authenticator app, or one of your backup codes.",
    ),
    (
        "bad_credentials",
        "Uporabniško ime ali geslo ni pravilno.",
        "The username or the password is wrong.",
    ),
    ("bad_code", "Koda ni pravilna.", "The code is wrong."),
    ("forgot_password", "Pozabljeno geslo", "Forgot your password?"),
    (
        "forgot_hint",
        "Vpišite svoj e-poštni naslov. Poslali vam bomo povezavo za novo geslo za vse račune s tem naslovom.",
        "Enter your e-mail address. We will send a link to set a new password for every account with this address.",
    ),
    ("send_link", "Pošlji povezavo", "Send the link"),
    ("back_to_sign_in", "Nazaj na prijavo", "Back to sign-in"),
    ("set_new_password", "Novo geslo", "Set a new password"),
    ("reset_code", "Koda iz e-sporočila", "Code from the e-mail"),
    (
        "reset_username_hint",
        "Če ima vaš naslov več računov, vpišite tistega, ki mu nastavljate geslo.",
        "If your address has several accounts, enter the one whose password you are setting.",
    ),
    (
        "invalid_reset",
        "Koda ni pravilna, je že bila uporabljena ali je potekla. Zahtevajte novo e-sporočilo.",
        "The code is wrong, already used or expired. Ask for a new e-mail.",
    ),
    ("change_password", "Sprememba gesla", "Change password"),
    ("current_password", "Trenutno geslo", "Current password"),
    ("new_password", "Novo geslo", "New password"),
    ("confirm_password", "Ponovite novo geslo", "Repeat the new password"),
    ("passwords_differ", "Gesli se ne ujemata.", "The two passwords differ."),
    (
        "wrong_password",
        "Trenutno geslo ni pravilno.",
        "The current password is wrong.",
    ),
    (
        "password_rules",
        "Vsaj 8 znakov (15 brez dvostopenjske prijave), ne pogosto geslo ali beseda iz slovarja, brez zaporedij (aaa, 123, qwe) in brez vašega imena ali uporabniškega imena.",
        "At least 8 characters (15 without a second factor), not a common password or a dictionary word, no runs (aaa, 123, qwe), and not your name or username.",
    ),
    (
        "temporary_password_hint",
        "Prijavili ste se z začasnim geslom. Pred nadaljevanjem ga zamenjajte.",
        "You signed in with a temporary password. Change it before you go on.",
    ),
    (
        "notice_password_changed",
        "Geslo je spremenjeno. Prijavite se z novim geslom.",
        "The password is changed. Sign in with the new one.",
    ),
    (
        "notice_password_changed_here",
        "Geslo je spremenjeno. Druge seje so končane.",
        "The password is changed. Your other sessions have ended.",
    ),
    ("notice_signed_out", "Odjavljeni ste.", "You are signed out."),
    ("second_factor", "Dvostopenjska prijava", "Second factor"),
    (
        "mfa_required_hint",
        "Vaš račun potrebuje drugi faktor (Uredba, 53. člen). Nastavite ga, preden nadaljujete.",
        "Your account needs a second factor (Decree, Art. 53). Set one up before you go on.",
    ),
    (
        "mfa_intro",
        "Uporabite aplikacijo za preverjanje pristnosti (TOTP), npr. FreeOTP ali Google Authenticator.",
        "Use an authenticator app (TOTP) such as FreeOTP or Google Authenticator.",
    ),
    ("mfa_start", "Nastavi drugi faktor", "Set up a second factor"),
    ("mfa_restart", "Začni znova", "Start again"),
    (
        "mfa_scan_hint",
        "Skenirajte kodo QR z aplikacijo (ali vpišite skrivnost), nato vpišite kodo, ki jo pokaže.",
        "Scan the QR code with the app (or type the secret), then enter the code it shows.",
    ),
    ("mfa_secret", "Skrivnost", "Secret"),
    ("backup_codes", "Rezervne kode", "Backup codes"),
    (
        "backup_codes_hint",
        "Shranite jih na varno: vsaka velja enkrat, prikazane so samo zdaj.",
        "Keep them safe: each works once, and they are shown only now.",
    ),
    ("confirm", "Potrdi", "Confirm"),
    (
        "mfa_enrolled",
        "Drugi faktor (TOTP) je nastavljen.",
        "A second factor (TOTP) is set up.",
    ),
    (
        "mfa_lost_hint",
        "Če ste napravo izgubili ali vam je bila ukradena, faktor takoj onemogočite; to se zabeleži kot varnostni dogodek.",
        "If the device is lost or stolen, disable the factor at once; this is recorded as a security event.",
    ),
    ("mfa_lost", "Prijavi izgubo drugega faktorja", "Report the factor lost"),
    (
        "factor_not_shown",
        "Izgubo drugega faktorja lahko prijavite le v seji, v kateri ste se prijavili z njim (s kodo ali rezervno kodo). \
         Sicer se obrnite na svojega skrbnika uporabnikov.",
        "Only a session signed in with the second factor (a code or a backup code) can report it lost. \
         Otherwise ask your user administrator.",
    ),
    (
        "factor_disabled",
        "Drugi faktor je onemogočen.",
        "The second factor is disabled.",
    ),
    (
        "factor_enrolled",
        "Drugi faktor je nastavljen.",
        "The second factor is set up.",
    ),
    ("my_sessions", "Moje seje", "My sessions"),
    (
        "step_up",
        "Potrditev z drugim faktorjem",
        "Confirm with your second factor",
    ),
    (
        "step_up_hint",
        "Gradivo stopnje Z3 ali C3 zahteva sejo, ki je pokazala drugi faktor (Uredba, 53. člen). Vnesite kodo iz aplikacije ali rezervno kodo.",
        "A Z3 or C3 record needs a session that showed a second factor (Decree, Art. 53). Enter the code from your app or a backup code.",
    ),
    (
        "step_up_token",
        "Dostop z žetonom API je en faktor in ne more pokazati drugega: prijavite se.",
        "Access with an API token is one factor and cannot show a second: sign in.",
    ),
    ("no_sessions", "Ni aktivnih sej.", "No live sessions."),
    ("signed_in_at", "Prijava", "Signed in"),
    ("last_seen", "Zadnja zahteva", "Last request"),
    ("ends", "Poteče", "Ends"),
    ("from", "Naslov", "From"),
    ("browser", "Brskalnik", "Browser"),
    ("this_session", "ta seja", "this session"),
    ("end_session", "Končaj", "End"),
    ("yes", "da", "yes"),
    ("save_permissions", "Shrani dovoljenja", "Save permissions"),
    ("new_job", "Novo delovno mesto", "New job"),
    ("assign_to_job", "Dodeli delovno mesto", "Put in this job"),
    ("remove_from_job", "Odstrani z delovnega mesta", "Remove from the job"),
    ("invalidate", "Razveljavi", "Invalidate"),
    ("revalidate", "Ponovno uveljavi", "Make valid again"),
    (
        "invalidate_job_hint",
        "Brisanje poteka v dveh korakih: najprej deaktivirajte uporabnika, nato razveljavite delovno mesto. Zgodovina ostane.",
        "Deletion takes two steps: deactivate the user first, then invalidate the job. The history stays.",
    ),
    ("deactivate", "Deaktiviraj uporabnika", "Deactivate the user"),
    ("reactivate", "Ponovno aktiviraj", "Reactivate"),
    (
        "deactivate_hint",
        "Deaktiviran uporabnik se ne more prijaviti; račun in zgodovina ostaneta (prvi korak brisanja).",
        "A deactivated user cannot sign in; the account and its history stay (the first step of deletion).",
    ),
    ("account", "Račun", "Account"),
    ("temporary_password", "Začasno geslo", "Temporary password"),
    (
        "temporary_hint",
        "Oseba ga mora ob prvi prijavi zamenjati; vse njene seje se končajo. Sporočite ji ga po drugi poti kot e-pošti.",
        "The person must change it at the next sign-in; all their sessions end. Tell it to them by another way than e-mail.",
    ),
    ("set_temporary", "Nastavi začasno geslo", "Set a temporary password"),
    (
        "temporary_set",
        "Začasno geslo je nastavljeno.",
        "The temporary password is set.",
    ),
    (
        "unlock_hint",
        "Po ponavljajočih se napačnih prijavah je račun začasno zaklenjen; odklepanje se zabeleži.",
        "After repeated failed sign-ins an account is locked for a while; the unlock is recorded.",
    ),
    ("unlock", "Odkleni prijavo", "Unlock sign-in"),
    ("unlocked", "Prijava je odklenjena.", "Sign-in is unlocked."),
    (
        "factor_reset_hint",
        "Za osebo, ki je izgubila telefon in rezervne kode: njen drugi faktor se odstrani, ob naslednji prijavi vpiše novega. Razlog se zabeleži kot varnostni dogodek.",
        "For a person who lost their phone and backup codes: their second factor is removed and they enrol a new one at their next sign-in. The reason is recorded as a security event.",
    ),
    ("factor_reason", "Razlog", "Reason"),
    ("factor_reset", "Odstrani drugi faktor", "Remove the second factor"),
    (
        "factor_was_reset",
        "Drugi faktor je odstranjen; oseba ob naslednji prijavi vpiše novega.",
        "The second factor is removed; the person enrols a new one at their next sign-in.",
    ),
    (
        "no_factor",
        "Oseba nima drugega faktorja.",
        "The person has no second factor.",
    ),
    (
        "new_user",
        "Nov uporabnik na tem delovnem mestu",
        "New person in this job",
    ),
    (
        "new_user_hint",
        "Račun dobi to delovno mesto; geslo mu nastavite kot začasno ali pa se prijavi s »Pozabljeno geslo«.",
        "The account gets this job; set a temporary password, or the person uses \"Forgot your password?\".",
    ),
    ("female", "ženski", "female"),
    ("male", "moški", "male"),
    ("other_gender", "drugo", "other"),
    // Reviewers' pages: the audit trail and the access-rights register.
    ("audit_trail", "Revizijska sled", "Audit trail"),
    (
        "audit_hint",
        "Sistemski skrbnik in varnostni vodje vidijo celotno sled; skrbnik uporabnikov dejavnosti in zapise o osebah, delovnih mestih in uradih, ki jih upravlja (izberite osebo ali objekt).",
        "The system administrator and security leads see the whole trail; a user administrator the activity of, and the records about, the people, jobs and offices they administer (name a person or an object).",
    ),
    ("actor", "Kdo", "Who"),
    ("date_from", "Od dne", "From"),
    ("date_to", "Do dne", "To"),
    ("changes_only", "Samo spremembe", "Changes only"),
    ("outcome", "Izid", "Outcome"),
    ("details", "Podrobnosti", "Details"),
    ("older", "Starejši zapisi", "Older records"),
    (
        "no_such_user",
        "Uporabnika s tem uporabniškim imenom ni.",
        "No user has this username.",
    ),
    ("not_a_number", "Vpišite številko.", "Enter a number."),
    ("verify_trail", "Preverjanje celovitosti sledi", "Verify the trail"),
    (
        "verify_hint",
        "Ponovno izračuna vsak zapis, verigo in podpisane kontrolne točke.",
        "Recomputes every record, the chain and the signed checkpoints.",
    ),
    ("verify_now", "Preveri zdaj", "Verify now"),
    ("trail_intact", "Sled je cela.", "The trail is intact."),
    ("trail_broken", "Sled je poškodovana.", "The trail is damaged."),
    ("records", "Zapisi", "Records"),
    ("purged", "Izbrisane vsebine", "Purged payloads"),
    (
        "external_checkpoints",
        "Zunanje kontrolne točke",
        "External checkpoints",
    ),
    ("rights_register", "Evidenca pravic", "Access-rights register"),
    ("retention_holds", "Podaljšana hramba", "Retention holds"),
    (
        "holds_hint",
        "Zapisi o dostopih se hranijo 90 dni; dlje le na podlagi pisne analize tveganj in utemeljitve, ki ju potrdi predstojnik organa (Uredba, 57(6). člen). Varnostni vodja zadržanje predlaga, predstojnik ga potrdi.",
        "Access records are kept 90 days; longer only on a written risk analysis and a justification confirmed by the head of the body (Decree, Art. 57(6)). A security lead proposes a hold, the head confirms it.",
    ),
    ("days", "Dnevi", "Days"),
    ("justification", "Utemeljitev", "Justification"),
    ("released", "Sproščeno", "Released"),
    ("release", "Sprosti", "Release"),
    ("hold_days", "Predlagaj podaljšano hrambo", "Propose keeping these days"),
    ("required", "Obvezen podatek.", "Required."),
    (
        "register_hint",
        "Vse pravice, ki jih je oseba imela ali jih ima: kdaj in kdo jih je dodelil, spremenil in odvzel, na podlagi katerega zahtevka (Uredba, 51. člen).",
        "Every right the person holds or held: when and by whom it was granted, changed and revoked, on which request (Decree, Art. 51).",
    ),
    ("via", "Prek", "Through"),
    ("via_user", "neposredno", "directly"),
    ("via_everyone", "vsi zaposleni", "everyone"),
    ("window", "Veljavnost", "Validity"),
    ("changed", "Spremembe", "Changes"),
    ("revoked", "Odvzeto", "Revoked"),
    ("held_periods", "Obdobja", "Periods held"),
    (
        "effective_roles_hint",
        "Vse vloge, ki jih oseba ima zdaj: neposredno, prek delovnega mesta, urada ali vseh zaposlenih.",
        "Every role the person holds now: directly, through a job, an office, or everyone.",
    ),
    (
        "direct_roles",
        "Neposredno dodeljene vloge",
        "Roles granted to the person directly",
    ),
    (
        "roles_toggle_hint",
        "Potrditveno polje velja takoj, ko ga spremenite; vloga se dodeli brez časovne omejitve.",
        "A box takes effect as soon as you change it; the role is granted without a time limit.",
    ),
    ("no", "ne", "no"),
];

impl Tr {
    /// Parses `sl` or `en`.
    pub fn parse(s: &str) -> Option<Tr> {
        match s.trim() {
            "sl" => Some(Tr::Sl),
            "en" => Some(Tr::En),
            _ => None,
        }
    }

    /// The language tag.
    pub fn lang(self) -> &'static str {
        match self {
            Tr::Sl => "sl",
            Tr::En => "en",
        }
    }

    /// The text of a key.
    pub fn s(self, key: &str) -> &'static str {
        match TABLES.iter().flat_map(|table| table.iter()).find(|(k, _, _)| *k == key) {
            Some((_, sl, en)) => match self {
                Tr::Sl => sl,
                Tr::En => en,
            },
            None => "⟨missing translation⟩",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t.s("…")` in the templates names a key of the table, and keys are unique.
    #[test]
    fn every_key_the_templates_use_is_translated() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut used = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("t.s(\"").skip(1) {
                used.push(part.split('"').next().unwrap().to_owned());
            }
        }
        assert!(used.len() > 20);
        for key in used {
            assert_ne!(Tr::En.s(&key), "⟨missing translation⟩", "{key}");
        }
        let mut keys: Vec<&str> = TABLES
            .iter()
            .flat_map(|table| table.iter())
            .map(|(k, _, _)| *k)
            .collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
    }
}
