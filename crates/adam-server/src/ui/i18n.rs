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

/// Every key with its Slovenian and English text.
pub const WORDS: &[(&str, &str, &str)] = &[
    ("menu", "Meni", "Menu"),
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
        "why",
        "Zakaj ima ta oseba ta nivo?",
        "Why does this person have this level?",
    ),
    ("explain", "Pojasni", "Explain"),
    ("edit", "Urejanje", "Edit"),
    ("save", "Shrani", "Save"),
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
        match WORDS.iter().find(|(k, _, _)| *k == key) {
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
        let mut keys: Vec<&str> = WORDS.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
    }
}
