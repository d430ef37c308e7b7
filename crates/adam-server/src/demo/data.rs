//! The demo organisation as data: its name, offices, jobs, staff, applications and roles, as
//! tables the sequence turns into commands.

use adam_core::{Gender, Level};

/// The organisation's name.
pub const ORGANISATION: &str = "Mestna občina Koper";

/// Offices: code, name, parent code, signing code.
pub(super) const OFFICES: &[(&str, &str, Option<&str>, &str)] = &[
    ("GLPI", "Glavna pisarna – sprejemno informacijska služba", None, "1000"),
    ("GLPI_VLO", "Vložišče", Some("GLPI"), "1100"),
    ("JSS_MOK", "Javni stanovanjski sklad MOK", None, "JSS"),
    ("KZUP", "Kabinet župana", None, "KZ"),
    ("TOK", "Turistična organizacija Koper", None, "TOK"),
    ("UN", "Urad za nepremičnine", None, "UN"),
    ("UN_PPZ", "Oddelek za pravno-premoženjske zadeve", Some("UN"), "UN-PPZ"),
];

/// Regular jobs: job id, signing code, name, office code.
pub(super) const JOBS: &[(&str, &str, &str, &str)] = &[
    ("JOB.0101", "1002", "Referent za sprejem pošte", "GLPI"),
    ("JOB.0110", "1101", "Vložničar", "GLPI_VLO"),
    ("JOB.0501", "JSS-1", "Referent za stanovanjske zadeve", "JSS_MOK"),
    ("JOB.ZUPAN", "KZ-1", "Župan", "KZUP"),
    ("JOB.0301", "KZ-2", "Svetovalec župana", "KZUP"),
    ("JOB.0401", "TOK-1", "Referent za turizem", "TOK"),
    ("JOB.0276", "UN-1", "Višji svetovalec za nepremičnine", "UN"),
    ("JOB.0277", "UN-2", "Referent za nepremičnine", "UN"),
    ("JOB.0278", "UN-3", "Referent za najemnine", "UN"),
    ("JOB.0280", "UN-PPZ-1", "Pravnik za premoženjske zadeve", "UN_PPZ"),
];

/// Staff: username, title, first name, last name, gender, phone, job ids.
pub(super) type Staff = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    Gender,
    &'static str,
    &'static [&'static str],
);

// One person per line reads as the staff list it is.
#[rustfmt::skip]
pub(super) const STAFF: &[Staff] = &[
    ("vopiglpi01", Some("mag."), "Mojca", "Kocjančič", Gender::Female, "05 664 61 01", &["LEADER.GLPI"]),
    ("vopiglpi02", None, "Tina", "Vatovec", Gender::Female, "05 664 61 02", &["TAJNISTVO.GLPI", "TAJNISTVO.KZUP"]),
    ("vopiglpi03", None, "Marko", "Pobega", Gender::Male, "05 664 61 03", &["JOB.0101"]),
    ("vopiglpi04", None, "Petra", "Šavron", Gender::Female, "05 664 61 04", &["JOB.0110"]),
    ("vopijss01", None, "Damjan", "Štrukelj", Gender::Male, "05 664 62 01", &["LEADER.JSS_MOK"]),
    ("vopijss02", None, "Eva", "Klabjan", Gender::Female, "05 664 62 02", &["JOB.0501"]),
    ("vopikzup01", Some("dr."), "Tomaž", "Furlanič", Gender::Male, "05 664 63 01", &["JOB.ZUPAN"]),
    ("vopikzup02", None, "Irena", "Sabadin", Gender::Female, "05 664 63 02", &["JOB.0301"]),
    ("vopikzup03", None, "Gregor", "Zupančič", Gender::Male, "05 664 63 03", &["LEADER.KZUP"]),
    ("vopitok01", None, "Martina", "Pahor", Gender::Female, "05 664 64 01", &["LEADER.TOK"]),
    ("vopitok02", None, "Luka", "Babič", Gender::Male, "05 664 64 02", &["JOB.0401"]),
    ("vopiun01", Some("univ.dipl.prav."), "Boris", "Pečar", Gender::Male, "05 664 65 01", &["LEADER.UN"]),
    ("vopiun02", None, "Nataša", "Kralj", Gender::Female, "05 664 65 02", &["TAJNISTVO.UN"]),
    ("vopiun03", None, "Alja", "Zorman", Gender::Female, "05 664 65 03", &["JOB.0276"]),
    ("vopiun04", None, "Rok", "Grlj", Gender::Male, "05 664 65 04", &["JOB.0277"]),
    ("vopiun05", None, "Sara", "Kozlovič", Gender::Female, "05 664 65 05", &["JOB.0280"]),
    ("vopiun06", None, "Jure", "Mahnič", Gender::Male, "05 664 65 06", &["JOB.0278"]),
];

/// Applications: code, name.
pub(super) const APPLICATIONS: &[(&str, &str)] = &[
    ("VOPI", "VOPI – dokumentni sistem (vodenje postopkov in dokumentov)"),
    ("VPP", "VPP – pregled dokumentov prostorskega planiranja"),
    ("DAPA", "DAPA – arhiv dokumentov"),
    ("FPR", "FPR – pregled računov"),
    ("GIS", "GIS – geografski informacijski sistem"),
    ("VIP", "VIP – informacije javnega značaja"),
    ("VVP", "VVP – vloge in pobude"),
];

/// Application roles: code, application, description, application-wide level. The
/// descriptions of DAPA and FPR are the seed's own.
#[rustfmt::skip]
pub(super) const APPLICATION_ROLES: &[(&str, &str, &str, Option<Level>)] = &[
    ("DAPA_ADMIN", "DAPA", "Vse ostale role in opravila editiranja podatkov", None),
    ("DAPA_LEVEL_A", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem B in A", None),
    ("DAPA_LEVEL_B", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem B (filedata.xml atribut securitylevel)", None),
    ("DAPA_LEVEL_S", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem S, A in B (strogo zaupno)", None),
    ("DAPA_run", "DAPA", "Zagon aplikacije DAPA", None),
    ("FPR.view_all_documents", "FPR", "Pregled vseh računov in postavk", Some(Level::View14)),
    ("GIS_BASIC_run", "GIS", "Pregledovalnik GIS – osnovni sloji", None),
    ("GIS_DEMO_run", "GIS", "Pregledovalnik GIS – predstavitveni sloji", None),
    ("GIS_OBALA_run", "GIS", "Pregledovalnik GIS – obala", None),
    ("GIS_OU_run", "GIS", "Pregledovalnik GIS – občinska uprava", None),
    ("GIS_PNRP_run", "GIS", "Pregledovalnik GIS – plan namenske rabe prostora", None),
    ("GIS_REPO_ZU_run", "GIS", "Pregledovalnik GIS – register zemljišč", None),
    ("GIS_UN_run", "GIS", "Pregledovalnik GIS – Urad za nepremičnine", None),
    ("GIS_UOP_run", "GIS", "Pregledovalnik GIS – urejanje in oskrba prostora", None),
    ("GIS_MOK_PROJEKTI_run", "GIS", "Predvideni projekti v MOK", None),
    ("VOPI_stranka_fin", "VOPI", "Vpogled v finančne podatke stranke", None),
    ("VOPI.write", "VOPI", "Pisanje: odpiranje map in dodajanje dokumentov v VOPI", None),
    ("VOPI/GLPI", "VOPI", "VOPI – delo glavne pisarne (evidentiranje in razdeljevanje pošte)", None),
    ("VIP/GLPI", "VIP", "VIP – delo glavne pisarne", None),
    ("VVP/GLPI", "VVP", "VVP – delo glavne pisarne", None),
    ("VPP.view_all_documents", "VPP", "Celoten vpogled v vse dokumente v sistemu VPP", Some(Level::View14)),
    ("VPP.write", "VPP", "Pisanje: odpiranje map in dodajanje dokumentov v VPP", None),
];

/// User roles, each after the roles it contains: code, description, members. The chain
/// Vodja glavne pisarne → Glavna pisarna → Referenti → VOPI.write is four roles deep.
#[rustfmt::skip]
pub(super) const USER_ROLES: &[(&str, &str, &[&str])] = &[
    ("GLPI", "Glavna pisarna: VOPI, VIP in VVP", &["VOPI/GLPI", "VIP/GLPI", "VVP/GLPI"]),
    ("leader.main", "Rola uporabnikov v vodstvu organizacije (župan, direktor, ...)", &["VPP.view_all_documents"]),
    ("VOPI/Referenti", "Referenti: pisanje v VOPI in zagon DAPA", &["VOPI.write", "DAPA_run"]),
    ("VOPI/Glavna pisarna", "Delavci v glavni pisarni", &["GLPI", "VOPI/Referenti"]),
    ("VOPI/Vodja glavne pisarne", "Vodja glavne pisarne", &["VOPI/Glavna pisarna", "DAPA_ADMIN"]),
];
