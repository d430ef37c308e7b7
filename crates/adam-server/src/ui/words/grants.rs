//! Words for grants, role boxes and their confirmations: key, Slovenian, English.
//!
//! `{}`, `{from}`, `{to}`, `{max}` and `{n}` are filled in by the handler.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    // Dates and over-long input (issue 14 items 3 and 4).
    (
        "date_unreadable",
        "»{}« ni datum; vpišite ga kot LLLL-MM-DD ali DD. MM. LLLL (npr. 31. 1. 2027).",
        "“{}” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY (e.g. 2027-01-31).",
    ),
    (
        "dates_reversed",
        "Zadnji dan veljavnosti ({to}) je pred prvim ({from}).",
        "The last day ({to}) is before the first ({from}).",
    ),
    (
        "grant_already_over",
        "Ta dodelitev bi bila že potekla: zadnji dan ({}) je mimo. Izberite današnji ali poznejši dan.",
        "This grant would already be over: its last day ({}) has passed. Choose today or a later day.",
    ),
    (
        "grant_covered",
        "To že velja: {}. Nova dodelitev ne bi ničesar dodala.",
        "This is already granted: {}. A new grant would add nothing.",
    ),
    (
        "too_long",
        "Predolgo: največ {max} znakov, vpisanih je {n}.",
        "Too long: at most {max} characters, {n} were typed.",
    ),
    (
        "text_unreadable",
        "Besedilo vsebuje nedovoljene znake.",
        "The text holds characters that are not allowed.",
    ),
    ("choose_role_option", "— izberite vlogo —", "— choose a role —"),
    (
        "choose_role",
        "Izberite vlogo s seznama.",
        "Choose a role from the list.",
    ),
    (
        "choose_office",
        "Izberite urad s seznama.",
        "Choose an office from the list.",
    ),
    (
        "scope_only_user_admin",
        "Na urad je mogoče omejiti le vlogo skrbnika uporabnikov.",
        "Only the user administrator's role can be limited to an office.",
    ),
    (
        "grant_dates_hint",
        "Datuma sta slovenska koledarska dneva in oba štejeta: »velja do 31. 1.« velja ves 31. januar.",
        "Dates are Slovenian calendar days and both count: “valid to 31 Jan” holds for the whole of 31 January.",
    ),
    ("scope_office", "Omejeno na urad", "Limited to office"),
    ("scope_whole", "vsa organizacija", "the whole organisation"),
    (
        "scope_hint",
        "Samo za vlogo skrbnika uporabnikov: urad in njegovi podrejeni uradi.",
        "For the user administrator's role only: the office and the offices under it.",
    ),
    // Grant status (SPEC §3: WAITING → ACTIVE → EXPIRED).
    ("status_waiting", "ČAKA", "WAITING"),
    ("status_active", "AKTIVNO", "ACTIVE"),
    ("status_expired", "POTEKLO", "EXPIRED"),
    ("held_until", "velja do {}", "valid to {}"),
    ("waiting_from", "velja od {}", "valid from {}"),
    ("without_limit", "brez časovne omejitve", "without a time limit"),
    // Why the boxes are disabled (issue 14 item 14).
    (
        "locked_read_only",
        "Ogled: za spreminjanje dovoljenj potrebujete pravico pisanja.",
        "View only: changing permissions needs the right to write.",
    ),
    (
        "locked_own_rights",
        "Svojih dovoljenj, dovoljenj svojega delovnega mesta ali urada ne morete spreminjati; prosite drugega skrbnika.",
        "You cannot change your own permissions, those of a job you hold or of an office you work in; ask another administrator.",
    ),
    (
        "locked_outside_scope",
        "Ogled: to je zunaj uradov, ki jih upravljate.",
        "View only: this is outside the offices you administer.",
    ),
    (
        "locked_beyond_power",
        "Ogled: ta oseba ali delovno mesto ima upravljavske pravice, ki jih vi nimate.",
        "View only: this person or job holds administrative rights you do not hold.",
    ),
    (
        "locked_not_admin",
        "Ogled: dovoljenja spreminjajo skrbniki uporabnikov.",
        "View only: permissions are changed by user administrators.",
    ),
    (
        "locked_other",
        "Ogled: teh dovoljenj ne morete spreminjati.",
        "View only: you cannot change these permissions.",
    ),
    (
        "occupant_locked_own",
        "sebe ne morete odstraniti; to stori drug skrbnik",
        "you cannot remove yourself; another administrator can",
    ),
    (
        "occupant_locked_other",
        "tega računa ne upravljate: ima pravice zunaj vaših uradov ali več pravic kot vi",
        "you do not manage this account: it holds rights outside your offices or more than yours",
    ),
    (
        "office_roles_hint",
        "Vloge urada veljajo za vse, ki delajo v tem uradu in v njegovih podrejenih uradih.",
        "An office's roles hold for everyone working in it and in the offices under it.",
    ),
    // Confirmations of destructive actions (issue 14 item 2).
    ("confirm_cancel", "Prekliči", "Cancel"),
    ("confirm_revoke", "Odvzem dovoljenja", "Revoke a permission"),
    (
        "confirm_remove_from_job",
        "Odstranitev z delovnega mesta",
        "Remove from a job",
    ),
    ("confirm_invalidate", "Razveljavitev", "Invalidate"),
    ("confirm_deactivate", "Deaktivacija uporabnika", "Deactivate a user"),
    (
        "confirm_hint",
        "Sprememba se zapiše v revizijsko sled. Potrdite ali prekličite.",
        "The change is recorded in the audit trail. Confirm or cancel.",
    ),
    (
        "confirm_own_power",
        "Pozor: s tem izgubite vse pravice za upravljanje uporabnikov in jih ne boste mogli vrniti sami; to lahko stori le drug skrbnik.",
        "Warning: this takes away all your rights to administer users, and you cannot give them back yourself; only another administrator can.",
    ),
    (
        "confirm_untick",
        "Odkljukana vloga ima časovno omejeno dodelitev; odvzem jo izbriše skupaj z obdobjem:",
        "The unticked role has a time-limited grant; revoking it deletes the grant and its window:",
    ),
    ("confirm_untick_button", "Odvzemi vlogo", "Revoke the role"),
    // The engine's refusal added by issue 14 (its problem type is `last-user-administrator`).
];
