//! Words for the audit trail, its search and the overview for administrators: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    // Who acted, when no person did (initialisation, imports without an operator, the console).
    ("actor_system", "sistem", "system"),
    (
        "audit_default_range",
        "Prikazani so zapisi zadnjih 7 dni, najnovejši najprej. Za starejše zapise izberite datume.",
        "Showing the records of the last 7 days, newest first. Choose dates for older records.",
    ),
    (
        "audit_nothing_found",
        "Noben zapis ne ustreza iskanju. Razširite obdobje ali odstranite kakšen pogoj.",
        "No record matches the search. Widen the dates or remove a condition.",
    ),
    (
        "audit_name_whom",
        "Vnesite uporabniško ime osebe ali izberite delovno mesto ali urad (tip objekta in številko), ki ga upravljate.",
        "Enter the username of a person, or choose a job or office (object type and number) you administer.",
    ),
    (
        "audit_outside_scope",
        "Te zapise lahko pregleduje le sistemski skrbnik ali varnostni vodja: vi pregledujete osebe, delovna mesta in urade, ki jih upravljate.",
        "Only the system administrator or a security lead may review these records: you review the people, jobs and offices you administer.",
    ),
    (
        "audit_to_before_from",
        "Datum »do« je pred datumom »od«.",
        "The \u{201c}to\u{201d} date is before the \u{201c}from\u{201d} date.",
    ),
    (
        "audit_dates_hint",
        "Datumi so koledarski dnevi po slovenskem času; oba dneva sta vključena.",
        "Dates are calendar days in Slovenian time; both days are included.",
    ),
    (
        "audit_not_a_date",
        "Vpišite datum (LLLL-MM-DD).",
        "Enter a date (YYYY-MM-DD).",
    ),
    ("audit_page_newer", "Na začetek", "Back to the newest"),
];
