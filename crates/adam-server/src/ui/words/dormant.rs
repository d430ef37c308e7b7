//! Words for the dormant-accounts report (Decree Art. 50(2)) and the inventory item's
//! integrity box (Art. 50(4)–(5)): key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    ("dormant_accounts", "Neuporabljeni računi", "Dormant accounts"),
    (
        "dormant_hint",
        "Aktivni računi, ki se vsaj toliko dni niso prijavili niti uporabili žetona, in nikoli uporabljeni računi, ustvarjeni pred vsaj toliko dnevi. Računi, ki se ne uporabljajo, se odstranijo (50. člen (2)): odprite račun in ga onemogočite.",
        "Active accounts that have not signed in nor used a token for at least this many days, and accounts never used that were created at least that long ago. Accounts that are not used are removed (Art. 50(2)): open the account and deactivate it.",
    ),
    ("dormant_days", "Dni brez uporabe", "Days without use"),
    ("dormant_show", "Prikaži", "Show"),
    (
        "dormant_days_invalid",
        "Vpišite celo število dni od 1 do 3650 (vpisano: »{}«).",
        "Enter a whole number of days from 1 to 3650 (typed: “{}”).",
    ),
    ("dormant_none", "Ni neuporabljenih računov.", "No dormant accounts."),
    ("dormant_count", "Računov", "Accounts"),
    ("dormant_last_sign_in", "Zadnja prijava", "Last sign-in"),
    ("dormant_last_token", "Zadnja uporaba žetona", "Last token use"),
    ("dormant_idle", "Dni brez uporabe", "Days idle"),
    ("dormant_created", "Ustvarjen", "Created"),
    ("dormant_never", "nikoli", "never"),
    ("dormant_unknown", "ni znano", "unknown"),
    ("dormant_csv", "Izvoz CSV", "Export CSV"),
    ("dormant_kind_admin", "skrbnik sistema", "administrator"),
    ("dormant_kind_system_user", "sistemski uporabnik", "system user"),
    ("dormant_kind_user", "uporabnik", "user"),
    ("dormant_open", "Odpri in onemogoči", "Open to deactivate"),
    (
        "integrity_mismatch_title",
        "Opozorilo: celovitost strežnika ni potrjena",
        "Warning: the server's integrity is not confirmed",
    ),
    (
        "integrity_mismatch_text",
        "Zadnji pregled ({date}) se ne ujema s potrjenim izhodiščem (50. člen (5)):",
        "The last scan ({date}) does not match the approved baseline (Art. 50(5)):",
    ),
    ("integrity_added", "dodanih", "added"),
    ("integrity_removed", "odstranjenih", "removed"),
    ("integrity_changed", "spremenjenih", "changed"),
    ("integrity_files", "datotek", "files"),
    (
        "integrity_matched",
        "Izhodišče je potrjeno, zadnji pregled se je ujemal dne {date}.",
        "Baseline approved, last scan matched on {date}.",
    ),
    (
        "integrity_no_scan",
        "Izhodišče je potrjeno, pregleda po potrditvi še ni bilo.",
        "Baseline approved; no scan since.",
    ),
    ("integrity_details", "Podrobnosti (API)", "Details (API)"),
];
