//! Words of the organisation's settings page: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    ("settings", "Nastavitve organizacije", "Organisation settings"),
    (
        "settings_hint",
        "Veljajo za vso organizacijo; spreminja jih skrbnik sistema, vsaka sprememba je zapisana v revizijsko sled.",
        "They apply to the whole organisation; the system administrator changes them, and every change is written to the audit trail.",
    ),
    ("settings_organisation", "Ime organizacije", "Organisation's name"),
    (
        "settings_dist_main_role",
        "Vloga razdelilnika glavne pisarne ([dist.main])",
        "Role of the main office's distribution ([dist.main])",
    ),
    (
        "settings_reopen_role",
        "Vloga, ki sme znova odpreti zaprte zadeve",
        "Role that may reopen closed files",
    ),
    ("settings_clearance_1", "Vloga za dostop do Z1", "Clearance role for Z1"),
    ("settings_clearance_2", "Vloga za dostop do Z2", "Clearance role for Z2"),
    ("settings_clearance_3", "Vloga za dostop do Z3", "Clearance role for Z3"),
    ("settings_no_role", "— nobena —", "— none —"),
    (
        "settings_default_view",
        "Privzeti vpogled za vse v novo mapo",
        "A new folder's default view for everyone",
    ),
    (
        "settings_default_view_hint",
        "Raven vpogleda (11–14) po stopnji zaupnosti mape; brez vloge za dostop do stopnje mape ne vidi nihče.",
        "The view level (11–14) by the folder's confidentiality class; without a clearance role for its class nobody sees it.",
    ),
    (
        "settings_governed",
        "ADAM upravlja svoje spremembe (22. člen)",
        "ADAM governs its own changes (Art. 22)",
    ),
    (
        "settings_custodian_requests",
        "Pravice na zahtevo skrbnika sistema (51. člen (1))",
        "Rights on the system custodian's request (Art. 51(1))",
    ),
    (
        "settings_custodian_requests_hint",
        "Ko je vključeno, dodelitev vloge aplikacije, ki teče v sistemu iz popisa, ali sprememba njene veljavnosti navede sklic skrbnikove pisne zahteve — razen če jo dodeli skrbnik sam. Preklic pravic zahteve ne potrebuje.",
        "When on, a grant of a role of an application that runs in a system of the inventory, or a change of its validity, names the reference of the custodian's written request — unless the custodian grants it herself. Revoking a right needs no request.",
    ),
    (
        "settings_governed_hint",
        "Ko je vključeno, mora sprememba teh nastavitev in vsebine vlog aplikacij v sistemih Z3 ali C3 navesti odobreno zahtevo za spremembo.",
        "When on, a change to these settings and to the contents of roles of applications in Z3 or C3 systems must name an approved change request.",
    ),
    (
        "settings_bad_role",
        "Izberite vlogo s seznama.",
        "Choose a role from the list.",
    ),
    (
        "settings_bad_view",
        "Izberite raven vpogleda od 11 do 14.",
        "Choose a view level from 11 to 14.",
    ),
];
