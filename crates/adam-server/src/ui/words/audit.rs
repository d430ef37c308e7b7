//! Words for the audit trail, its search and the overview for administrators: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    // Retention holds (Art. 57(6)): proposed by a security lead, confirmed by the head.
    ("hold_risk_assessment", "Ocena tveganja", "Risk assessment"),
    (
        "hold_choose_risk",
        "— izberite oceno iz registra tveganj —",
        "— choose an assessment of the risk register —",
    ),
    (
        "hold_risk_required",
        "Izberite pisno oceno tveganja, na kateri temelji daljša hramba.",
        "Choose the written risk assessment the longer retention rests on.",
    ),
    (
        "hold_unknown_risk",
        "Te ocene tveganja ni v registru tveganj: izberite zabeleženo oceno.",
        "This risk assessment is not in the risk register: choose a recorded one.",
    ),
    (
        "hold_no_risks",
        "Register tveganj je prazen: najprej zabeležite oceno tveganja, na kateri temelji daljša hramba.",
        "The risk register is empty: first record the risk assessment the longer retention rests on.",
    ),
    ("hold_risk_register", "Register tveganj", "Risk register"),
    (
        "hold_propose_hint",
        "Predlog potrdi predstojnik organa. Dokler ga ne potrdi, se dnevi hranijo 7 dni od predloga; nepotrjen predlog nato poteče in dnevi se izbrišejo ob naslednjem čiščenju.",
        "The head of the body confirms the proposal. Until then the days are kept for 7 days from the proposal; an unconfirmed proposal then lapses and the next purge deletes the days.",
    ),
    ("hold_proposed_by", "Predlagal", "Proposed by"),
    ("hold_state", "Stanje", "State"),
    (
        "hold_state_proposed",
        "predlagano, čaka potrditev predstojnika; dnevi se hranijo do",
        "proposed, awaiting the head's confirmation; days kept until",
    ),
    ("hold_state_confirmed", "potrdil", "confirmed by"),
    ("hold_state_lapsed", "poteklo nepotrjeno", "lapsed unconfirmed on"),
    ("hold_state_released", "sproščeno", "released on"),
    ("hold_confirmable_by", "Potrdi lahko:", "Can be confirmed by:"),
    (
        "hold_no_head",
        "Nihče (razen predlagatelja) nima imenovanja predstojnika organa: potrditev čaka, dokler imenovanja ne zabeležite med vlogami po Uredbi.",
        "Nobody (other than the proposer) holds the head-of-body appointment: the confirmation waits until it is recorded among the Decree roles.",
    ),
    ("hold_decree_roles", "Vloge po Uredbi", "Decree roles"),
    (
        "hold_head_hint",
        "Imate imenovanje predstojnika organa: potrdite predloge drugih, kadar jih pisna ocena tveganja in utemeljitev upravičujeta.",
        "You hold the head-of-body appointment: confirm the proposals someone else made when the written risk assessment and the justification warrant them.",
    ),
    ("hold_confirm", "Potrdi", "Confirm"),
    (
        "hold_confirm_title",
        "Potrditev podaljšane hrambe",
        "Confirm the retention hold",
    ),
    (
        "hold_confirm_button",
        "Potrdi podaljšano hrambo",
        "Confirm the retention hold",
    ),
    (
        "hold_confirm_effect",
        "Zapisi o dostopih teh dni se bodo hranili, dokler varnostni vodja zadržanja ne sprosti; potrditev se zabeleži v revizijsko sled z vašim imenom in časom.",
        "The access records of these days will be kept until a security lead releases the hold; the confirmation is recorded in the audit trail with your name and the time.",
    ),
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
