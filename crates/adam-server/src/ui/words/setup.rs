//! Words for the first run: offices, applications and roles created in the UI, the people
//! picker, the marks of inactive records and the administrator's overview: key, Slovenian,
//! English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    // The tree: the first office, marks.
    (
        "new_top_office",
        "Nov urad pod Company.main",
        "New office under Company.main",
    ),
    (
        "first_office_hint",
        "Organizacija še nima uradov. Ustvarite prvega; njegovo vodstveno delovno mesto in tajništvo nastaneta z njim.",
        "The organisation has no office yet. Create the first one; its head and secretariat jobs are created with it.",
    ),
    ("inactive_user", "neaktiven račun", "inactive account"),
    ("invalid_job", "neveljavno delovno mesto", "invalid job"),
    ("invalid_office", "neveljaven urad", "invalid office"),
    // Roles and applications.
    ("applications", "Aplikacije", "Applications"),
    ("new_application", "Nova aplikacija", "New application"),
    ("new_role", "Nova vloga", "New role"),
    ("role_kind", "Vrsta vloge", "Kind of role"),
    ("role_kind_application", "aplikacijska vloga", "application role"),
    ("role_kind_user", "uporabniška vloga", "user role"),
    ("role_kind_system", "sistemska vloga", "system role"),
    (
        "object_level",
        "Raven na vseh objektih aplikacije",
        "Level on every object of the application",
    ),
    ("no_level", "brez", "none"),
    (
        "change_request",
        "Zahteva za spremembo (številka zadeve)",
        "Change request (case number)",
    ),
    (
        "change_request_hint",
        "ADAM upravlja svoje spremembe: sprememba vsebine vloge aplikacije v sistemu Z3 ali C3 navede odobreno zahtevo za spremembo v koraku izvedbe (čl. 22).",
        "ADAM governs its own changes: a change to the contents of a role of an application in a Z3 or C3 system names an approved change request at its implementation step (Art. 22).",
    ),
    (
        "change_request_bad",
        "Vpišite številko zadeve zahteve za spremembo, npr. 12.",
        "Type the case number of the change request, e.g. 12.",
    ),
    ("role_contents", "Vsebina vloge", "Contents of the role"),
    (
        "role_contents_hint",
        "Uporabniška vloga združuje aplikacijske (in druge uporabniške) vloge: kdor jo ima, ima vse, kar vsebuje.",
        "A user role gathers application (and other user) roles: whoever holds it holds everything in it.",
    ),
    (
        "roles_read_only",
        "Aplikacije in vloge ureja sistemski administrator; tu jih lahko pregledate.",
        "The system administrator edits applications and roles; here you can look at them.",
    ),
    ("no_applications", "Ni še aplikacij.", "No applications yet."),
    ("no_roles", "Ni še vlog.", "No roles yet."),
    (
        "application_needed",
        "Aplikacijska vloga potrebuje aplikacijo.",
        "An application role needs an application.",
    ),
    (
        "level_not_a_level",
        "Raven je število med 11 in 19 ali prazno.",
        "A level is a number from 11 to 19, or empty.",
    ),
    ("open_role", "Odpri vlogo", "Open the role"),
    // The people picker of a job.
    ("find_person", "Poišči osebo", "Find a person"),
    ("find_person_hint", "ime ali uporabniško ime", "name or username"),
    ("choose_person", "Izberite osebo", "Choose a person"),
    (
        "nobody_found",
        "Nihče ne ustreza iskanju.",
        "Nobody matches the search.",
    ),
    (
        "temporary_password_optional",
        "Začasno geslo (neobvezno; spremeni ga ob prvi prijavi)",
        "Temporary password (optional; changed at the first sign-in)",
    ),
    // Records reached from the search.
    ("folder", "Zadeva", "Case file"),
    ("document", "Dokument", "Document"),
    // The administrator's overview.
    ("overview", "Pregled", "Overview"),
    (
        "overview_hint",
        "Kar čaka na administratorja: samo za osebe, delovna mesta in urade, ki jih upravljate.",
        "What waits for an administrator: only for the people, jobs and offices you administer.",
    ),
    ("locked_accounts", "Zaklenjeni računi", "Locked accounts"),
    ("locked_until", "Zaklenjen do", "Locked until"),
    ("until_unlocked", "do odklepa", "until unlocked"),
    (
        "expiring_grants",
        "Dovoljenja, ki potečejo v 14 dneh",
        "Grants ending in the next 14 days",
    ),
    ("last_day", "Zadnji dan", "Last day"),
    ("overview_grantee", "Prejemnik", "Grantee"),
    (
        "job_change_reviews",
        "Pravice v pregled po spremembi delovnega mesta",
        "Rights to review after a change of job",
    ),
    (
        "review_inactive",
        "neaktiven, a ima še lastna dovoljenja",
        "inactive, yet still holds grants of their own",
    ),
    (
        "review_no_job",
        "brez delovnega mesta, a ima še lastna dovoljenja",
        "no job, yet still holds grants of their own",
    ),
    ("own_grants", "Lastna dovoljenja", "Own grants"),
    ("review_reason", "Razlog", "Reason"),
    ("nothing_waiting", "Nič ne čaka.", "Nothing is waiting."),
];
