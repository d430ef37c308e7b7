//! Words of the banner a standby or a fenced server shows on every page: key, Slovenian,
//! English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    (
        "site_standby",
        "Rezervni strežnik: samo branje, spremembe sprejema glavni strežnik",
        "Standby server: read-only, changes go to the primary",
    ),
    ("site_lag", "zaostanek (revizij)", "behind by (revisions)"),
    (
        "site_fenced",
        "Ta strežnik ni več glavni (drug je bil povišan ali je osamljen za vajo): sprememb ne sprejema",
        "This server is no longer the primary (another was promoted, or it is isolated for a drill): it accepts no changes",
    ),
    (
        "site_promoting",
        "Strežnik postaja glavni strežnik",
        "This server is being promoted to primary",
    ),
];
