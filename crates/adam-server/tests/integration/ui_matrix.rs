//! The route × caller matrix of the UI (issue 14): every route the UI mounts, GET and POST,
//! for five kinds of caller — the system administrator, a user administrator scoped to one
//! office (GLPI's), a security lead, a plain user and a signed-out visitor — and the status each
//! gets. The signed-in callers are browsers with a session cookie, and their forms carry the
//! session's CSRF token, so a form reaches the authorisation it is about rather than the CSRF
//! check. A form that would change something runs on a fresh server for each caller it is
//! allowed, so no cell depends on another; refusals share one server, which must not change.
//!
//! The list of routes is held against the UI's own table (`adam_server::ui::paths`) and against
//! the methods each path answers: a new UI route without rows here fails
//! `every_ui_route_is_in_the_matrix`.
//!
//! The file stays whole: it is one route × caller table (`rows`) with the sessions and the
//! runner that fill it in, and the check that the table covers the UI's routes.
//!
//! Why one file past ~800 lines: its rows are one route × caller table, held whole against the
//! UI's own list of routes, and the runner that fills each row in and judges it reads them all.

use crate::support::*;
use adam_core::{Actor, Code, Command, Text};
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;

/// The callers, in the order of a row's expectations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    SysAdmin,
    /// GLPI's user administrator (scoped to GLPI), working in `LEADER.GLPI`.
    UserAdmin,
    /// Bojan, a clerk of UN made security lead.
    SecurityLead,
    /// Ana, a clerk of UN with no administrative rights.
    Plain,
    /// Nobody signed in.
    Visitor,
}

const CALLERS: [Caller; 5] = [
    Caller::SysAdmin,
    Caller::UserAdmin,
    Caller::SecurityLead,
    Caller::Plain,
    Caller::Visitor,
];

/// One row: a route, a concrete request, and per caller (in [`CALLERS`] order) what comes back:
/// `O` 200, `R` 303 to a page other than the sign-in, `L` 303 to the sign-in, `F` 403,
/// `X` 404, `E` 422 (the form back with a message at the field), `B` 400, `A` 401 (the sign-in
/// form again).
struct Row {
    method: Method,
    template: &'static str,
    path: String,
    form: Vec<(&'static str, String)>,
    expect: &'static str,
}

fn rows(s: &TestServer) -> Vec<Row> {
    let fx = &s.fx;
    let w = s.state.world();
    let get = |template: &'static str, path: String, expect: &'static str| Row {
        method: Method::GET,
        template,
        path,
        form: Vec::new(),
        expect,
    };
    let post = |template: &'static str, path: String, form: Vec<(&'static str, String)>, expect: &'static str| Row {
        method: Method::POST,
        template,
        path,
        form,
        expect,
    };
    let v = |s: &str| s.to_owned();
    let (glpi, job, free, gregor) = (fx.glpi.0, fx.job_glpi.0, fx.job_glpi_free.0, fx.gregor.0);
    let office_rev = w.office(fx.glpi).unwrap().rev.0.to_string();
    let user_rev = w.user(fx.gregor).unwrap().rev.0.to_string();
    let role_rev = w.role(fx.glpi_role).unwrap().rev.0.to_string();
    let referent = fx.referent.0.to_string();
    let opsi = w.item_by_code("OPSI-SYS").unwrap().0;
    let drill = &w.continuity_tests()[0];
    let (drill, drill_rev) = (drill.id.0, drill.rev.0.to_string());
    vec![
        // Redirects to a page, which then asks who is calling.
        get("/", v("/"), "RRRRR"),
        // The tree, the pages of offices, jobs, people and roles: everyone signed in reads them.
        get("/ui", v("/ui"), "OOOOL"),
        // The tree's branches are htmx partials (`send` marks the request so).
        get("/ui/tree/offices/{id}", format!("/ui/tree/offices/{glpi}"), "OOOOL"),
        get("/ui/offices", v("/ui/offices"), "RRRRR"),
        post(
            "/ui/offices",
            v("/ui/offices"),
            vec![
                ("parent", glpi.to_string()),
                ("code", v("NOV")),
                ("name", v("Nov urad")),
            ],
            "RRFFL",
        ),
        get("/ui/offices/{id}", format!("/ui/offices/{glpi}"), "OOOOL"),
        post(
            "/ui/offices/{id}",
            format!("/ui/offices/{glpi}"),
            vec![("rev", office_rev), ("name", v("Glavna pisarna"))],
            "RRFFL",
        ),
        get("/ui/offices/{id}/jobs", format!("/ui/offices/{glpi}/jobs"), "RRRRR"),
        post(
            "/ui/offices/{id}/jobs",
            format!("/ui/offices/{glpi}/jobs"),
            vec![("code", v("JOB.GLPI.09")), ("name", v("Referent"))],
            "RRFFL",
        ),
        get("/ui/offices/{id}/valid", format!("/ui/offices/{glpi}/valid"), "RRRRR"),
        post(
            "/ui/offices/{id}/valid",
            format!("/ui/offices/{}/valid", w.office_by_code("PRAZNO").unwrap().0),
            vec![("to", v("0")), ("confirm", v("1"))],
            "RRFFL",
        ),
        get("/ui/offices/{id}/roles", format!("/ui/offices/{glpi}/roles"), "RRRRR"),
        post(
            "/ui/offices/{id}/roles",
            format!("/ui/offices/{}/roles", fx.tok.0),
            vec![("role", referent.clone())],
            "RFFFL",
        ),
        get("/ui/offices/{id}/grants", format!("/ui/offices/{glpi}/grants"), "RRRRR"),
        post(
            "/ui/offices/{id}/grants",
            format!("/ui/offices/{}/grants", fx.tok.0),
            vec![("role", referent.clone())],
            "RFFFL",
        ),
        get("/ui/jobs/{id}", format!("/ui/jobs/{job}"), "OOOOL"),
        get("/ui/jobs/{id}/users", format!("/ui/jobs/{free}/users"), "RRRRR"),
        post(
            "/ui/jobs/{id}/users",
            format!("/ui/jobs/{free}/users"),
            vec![
                ("username", v("nova")),
                ("first_name", v("Nova")),
                ("last_name", v("Oseba")),
                ("email", v("nova@test.si")),
            ],
            "RRFFL",
        ),
        get("/ui/jobs/{id}/edit", format!("/ui/jobs/{free}/edit"), "RRRRR"),
        post(
            "/ui/jobs/{id}/edit",
            format!("/ui/jobs/{free}/edit"),
            vec![("name", v("Vložišče"))],
            "RRFFL",
        ),
        get("/ui/jobs/{id}/occupants", format!("/ui/jobs/{free}/occupants"), "RRRRR"),
        post(
            "/ui/jobs/{id}/occupants",
            format!("/ui/jobs/{free}/occupants"),
            vec![("username", v("gregor"))],
            "RRFFL",
        ),
        post(
            "/ui/jobs/{id}/occupants/{user}/remove",
            format!("/ui/jobs/{job}/occupants/{gregor}/remove"),
            vec![("confirm", v("1"))],
            "RRFFL",
        ),
        get("/ui/jobs/{id}/valid", format!("/ui/jobs/{free}/valid"), "RRRRR"),
        post(
            "/ui/jobs/{id}/valid",
            format!("/ui/jobs/{free}/valid"),
            vec![("to", v("0")), ("confirm", v("1"))],
            "RRFFL",
        ),
        get("/ui/jobs/{id}/grants", format!("/ui/jobs/{free}/grants"), "RRRRR"),
        post(
            "/ui/jobs/{id}/grants",
            format!("/ui/jobs/{free}/grants"),
            vec![("role", referent.clone())],
            "RRFFL",
        ),
        get("/ui/jobs/{id}/roles", format!("/ui/jobs/{free}/roles"), "RRRRR"),
        post(
            "/ui/jobs/{id}/roles",
            format!("/ui/jobs/{free}/roles"),
            vec![("role", referent.clone())],
            "RRFFL",
        ),
        get(
            "/ui/jobs/{id}/candidates",
            format!("/ui/jobs/{free}/candidates?q=a"),
            "OOOOL",
        ),
        get("/ui/users/{id}", format!("/ui/users/{gregor}"), "OOOOL"),
        post(
            "/ui/users/{id}",
            format!("/ui/users/{gregor}"),
            vec![
                ("rev", user_rev),
                ("first_name", v("Gregor")),
                ("last_name", v("Test")),
                ("email", v("gregor@test.si")),
                ("phone", v("05 611 7000")),
            ],
            "RRFFL",
        ),
        get("/ui/users/{id}/active", format!("/ui/users/{gregor}/active"), "RRRRR"),
        post(
            "/ui/users/{id}/active",
            format!("/ui/users/{gregor}/active"),
            vec![("to", v("0")), ("confirm", v("1"))],
            "RRFFL",
        ),
        get("/ui/users/{id}/roles", format!("/ui/users/{gregor}/roles"), "RRRRR"),
        post(
            "/ui/users/{id}/roles",
            format!("/ui/users/{gregor}/roles"),
            vec![("role", fx.glpi_role.0.to_string())],
            "RRFFL",
        ),
        get("/ui/users/{id}/grants", format!("/ui/users/{gregor}/grants"), "RRRRR"),
        post(
            "/ui/users/{id}/grants",
            format!("/ui/users/{gregor}/grants"),
            vec![("role", fx.glpi_role.0.to_string())],
            "RRFFL",
        ),
        get(
            "/ui/users/{id}/password",
            format!("/ui/users/{gregor}/password"),
            "RRRRR",
        ),
        post(
            "/ui/users/{id}/password",
            format!("/ui/users/{gregor}/password"),
            vec![("password", v(STRONG)), ("confirm", v(STRONG))],
            // The operator's administrator never sets a person's password (issue 12).
            "FOFFL",
        ),
        get("/ui/users/{id}/unlock", format!("/ui/users/{gregor}/unlock"), "RRRRR"),
        post(
            "/ui/users/{id}/unlock",
            format!("/ui/users/{gregor}/unlock"),
            vec![],
            "OOFFL",
        ),
        get("/ui/users/{id}/factor", format!("/ui/users/{gregor}/factor"), "RRRRR"),
        post(
            "/ui/users/{id}/factor",
            format!("/ui/users/{gregor}/factor"),
            vec![("reason", v("izgubljen telefon"))],
            // A factor is a credential: the operator's administrator never removes a person's.
            "FOFFL",
        ),
        get(
            "/ui/users/{id}/register",
            format!("/ui/users/{gregor}/register"),
            "OOOFL",
        ),
        get(
            "/ui/grants/{id}/revoke",
            format!("/ui/grants/{}/revoke", fx.grant_gregor.0),
            "RRRRR",
        ),
        post(
            "/ui/grants/{id}/revoke",
            format!("/ui/grants/{}/revoke", fx.grant_gregor.0),
            vec![("confirm", v("1"))],
            "RRFFL",
        ),
        // The role tree and its forms: the system administrator's.
        get("/ui/roles", v("/ui/roles"), "OOOOL"),
        post(
            "/ui/roles",
            v("/ui/roles"),
            vec![("code", v("Nova")), ("kind", v("user")), ("description", v("Nova"))],
            "RFFFL",
        ),
        get("/ui/roles/{id}", format!("/ui/roles/{}", fx.glpi_role.0), "OOOOL"),
        post(
            "/ui/roles/{id}",
            format!("/ui/roles/{}", fx.glpi_role.0),
            vec![("rev", role_rev), ("description", v("Nov opis"))],
            "RFFFL",
        ),
        get("/ui/applications", v("/ui/applications"), "RRRRR"),
        post(
            "/ui/applications",
            v("/ui/applications"),
            vec![("code", v("NOVA")), ("name", v("Nova"))],
            "RFFFL",
        ),
        // The administrators' overview.
        get("/ui/overview", v("/ui/overview"), "OOFFL"),
        // The organisation's settings: everyone signed in reads them; only the system
        // administrator changes them (the planner's `require_full`).
        get("/ui/settings", v("/ui/settings"), "OOOOL"),
        post(
            "/ui/settings",
            v("/ui/settings"),
            {
                let set = w.settings();
                let views = set.default_view.map(|l| l.to_string());
                let role = |r: Option<adam_core::RoleId>| r.map(|r| r.0.to_string()).unwrap_or_default();
                vec![
                    ("seal", adam_server::service::settings::seal(set)),
                    ("organisation", v("Nova organizacija")),
                    ("dist_main_role", role(set.dist_main_role)),
                    ("reopen_role", role(set.reopen_role)),
                    ("clearance_1", role(set.clearance_roles[0])),
                    ("clearance_2", role(set.clearance_roles[1])),
                    ("clearance_3", role(set.clearance_roles[2])),
                    ("view_0", views[0].clone()),
                    ("view_1", views[1].clone()),
                    ("view_2", views[2].clone()),
                    ("view_3", views[3].clone()),
                ]
            },
            "RFFFL",
        ),
        // Responsibility matrices (issue #17): everyone signed in sees the matrices they may
        // read — OPSI (`raci_api::ensure`) binds the customer to Ana's job and the provider to
        // GLPI, whose head is the user administrator here. The monthly report is the matrix's
        // readers'; a month that is not one comes back at the field. An override is the
        // accountable party's (Ana, for Backup / Applications) or a keeper's; binding a party
        // is the keepers'.
        get("/ui/raci", v("/ui/raci"), "OOOOL"),
        get(
            "/ui/raci/{solution}/report",
            v("/ui/raci/OPSI/report?month=2026-02"),
            "OOOOL",
        ),
        get(
            "/ui/raci/{solution}/report",
            v("/ui/raci/OPSI/report?month=2026-13"),
            "EEEEL",
        ),
        post(
            "/ui/raci/{solution}/override",
            v("/ui/raci/OPSI/override"),
            vec![
                ("task", v("10")),
                ("layer", v("applications")),
                ("party", v("customer")),
                ("letters", v("AR")),
                ("reason", v("Aplikacijo varnostno kopiramo sami.")),
            ],
            "RFRRL",
        ),
        post(
            "/ui/raci/{solution}/override",
            v("/ui/raci/OPSI/override"),
            vec![
                ("task", v("10")),
                ("layer", v("applications")),
                ("party", v("customer")),
                ("letters", v("AX")),
                ("reason", v("x")),
            ],
            "EEEEL",
        ),
        // A new matrix is the keepers' (the system administrator, the security lead); a
        // codename the registry lacks comes back at its field (404), others are refused.
        post(
            "/ui/raci/new",
            v("/ui/raci/new"),
            vec![("solution", v("NOVA")), ("template", v("dk-sit-2a:1"))],
            "XFXFL",
        ),
        get(
            "/ui/raci/{solution}/bind",
            v("/ui/raci/OPSI/bind?party=provider&q=GLPI"),
            "OFOFL",
        ),
        post(
            "/ui/raci/{solution}/bind",
            v("/ui/raci/OPSI/bind"),
            vec![("party", v("provider")), ("kind", v("job")), ("id", job.to_string())],
            "RFRFL",
        ),
        // The registry of information solutions (issue #17): read like the inventory (keepers,
        // user administrators, custodians — not Ana); a form refused at its field reaches no
        // one's rights; a version is opened by the keepers and by OPSI's placement coordinator
        // (GLPI's user administrator), not by a reader alone.
        get("/ui/solutions", v("/ui/solutions"), "OOOFL"),
        post("/ui/solutions", v("/ui/solutions"), vec![("codename", v(""))], "EEEFL"),
        get("/ui/solutions/new", v("/ui/solutions/new"), "OOOFL"),
        // The job picker of the form: the registry's readers, like the form itself.
        get(
            "/ui/solutions/jobs/{field}",
            v("/ui/solutions/jobs/j_coordinator?j_coordinator=JOB"),
            "OOOFL",
        ),
        get("/ui/solutions/{code}", v("/ui/solutions/OPSI"), "OOOFL"),
        get("/ui/solutions/{code}/edit", v("/ui/solutions/OPSI/edit"), "OOOFL"),
        post(
            "/ui/solutions/{code}/edit",
            v("/ui/solutions/OPSI/edit"),
            vec![("codename", v(""))],
            "EEEFL",
        ),
        get(
            "/ui/solutions/{code}/versions",
            v("/ui/solutions/OPSI/versions"),
            "RRRRR",
        ),
        post(
            "/ui/solutions/{code}/versions",
            v("/ui/solutions/OPSI/versions"),
            vec![("version", v("1.0"))],
            "RRRFL",
        ),
        // The continuity register (Art. 15, 29): read by the inventory's readers; a system's
        // BIA and tests written by its custodian, operators and the keepers (the system
        // administrator, the security lead), risk acceptances by the keepers.
        get("/ui/continuity", v("/ui/continuity"), "OOOFL"),
        get(
            "/ui/continuity/systems/{id}",
            format!("/ui/continuity/systems/{opsi}"),
            "OOOFL",
        ),
        get(
            "/ui/continuity/systems/{id}/bia",
            format!("/ui/continuity/systems/{opsi}/bia"),
            "RRRRR",
        ),
        post(
            "/ui/continuity/systems/{id}/bia",
            format!("/ui/continuity/systems/{opsi}/bia"),
            vec![("criticality", v("sensitive")), ("restore_days", v("365"))],
            // GLPI's user administrator operates OPSI-SYS in the fixture.
            "RRRFL",
        ),
        get(
            "/ui/continuity/systems/{id}/tests",
            format!("/ui/continuity/systems/{opsi}/tests"),
            "RRRRR",
        ),
        post(
            "/ui/continuity/systems/{id}/tests",
            format!("/ui/continuity/systems/{opsi}/tests"),
            vec![
                ("kind", v("restore_test")),
                ("held", v("2026-03-01")),
                ("passed", v("on")),
            ],
            // As for the BIA: GLPI's user administrator operates OPSI-SYS.
            "RRRFL",
        ),
        get(
            "/ui/continuity/systems/{id}/acceptances",
            format!("/ui/continuity/systems/{opsi}/acceptances"),
            "RRRRR",
        ),
        post(
            "/ui/continuity/systems/{id}/acceptances",
            format!("/ui/continuity/systems/{opsi}/acceptances"),
            vec![
                ("target", v("RTO")),
                ("approver", v("admin")),
                ("date", v("2026-03-01")),
                ("reason", v("R.")),
            ],
            "RFRFL",
        ),
        // The continuity plan and its reviews (Art. 15): the keepers only (the system
        // administrator, the security lead); a follow-up task of OPSI-SYS's drill ticked done by
        // its writers (GLPI's user administrator operates it).
        get("/ui/continuity/plan", v("/ui/continuity/plan"), "RRRRR"),
        post(
            "/ui/continuity/plan",
            v("/ui/continuity/plan"),
            vec![
                ("roles", v("Vodja krize.")),
                ("functions", v("Pošta.")),
                ("risk", v("Ocena 2026.")),
                ("measures", v("Kopije.")),
                ("emergency", v("Klicna veriga.")),
                ("recovery", v("Obnova.")),
                ("adopted", v("2026-02-01")),
                ("approver", v("admin")),
            ],
            "RFRFL",
        ),
        get("/ui/continuity/reviews", v("/ui/continuity/reviews"), "RRRRR"),
        post(
            "/ui/continuity/reviews",
            v("/ui/continuity/reviews"),
            vec![
                ("date", v("2026-03-01")),
                ("trigger", v("annual")),
                ("reviewer", v("admin")),
                ("outcome", v("Brez sprememb.")),
            ],
            "RFRFL",
        ),
        get(
            "/ui/continuity/tests/{id}/tasks",
            format!("/ui/continuity/tests/{drill}/tasks"),
            "RRRRR",
        ),
        post(
            "/ui/continuity/tests/{id}/tasks",
            format!("/ui/continuity/tests/{drill}/tasks"),
            vec![("task", v("0")), ("done", v("1")), ("rev", drill_rev)],
            "RRRFL",
        ),
        // The registers beside the inventory (issue #15). Risk assessments (Art. 9): read like
        // the inventory, recorded by the keepers (a refused date at its field); no assessment 0
        // in this world.
        get("/ui/risk", v("/ui/risk"), "OOOFL"),
        post("/ui/risk", v("/ui/risk"), vec![("date", v("kmalu"))], "EFEFL"),
        post(
            "/ui/risk",
            v("/ui/risk"),
            vec![
                ("date", v("2026-02-20")),
                ("scope", v("Organ")),
                ("findings", v("Zastarel strežnik.")),
                ("treatment", v("Nadgradnja.")),
            ],
            "RFRFL",
        ),
        get("/ui/risk.csv", v("/ui/risk.csv"), "OOOFL"),
        get("/ui/risk/print", v("/ui/risk/print"), "OOOFL"),
        get("/ui/risk/{id}", v("/ui/risk/0"), "XXXFL"),
        post("/ui/risk/{id}", v("/ui/risk/0"), vec![("date", v("kmalu"))], "XFXFL"),
        // A file added to a register record: the upload form is multipart (a form sent
        // otherwise is refused before anything is read; the uploads themselves:
        // `registers_ui.rs`); its address read back leads to the record's page.
        get("/ui/risk/{id}/attachments", v("/ui/risk/0/attachments"), "RRRRR"),
        post(
            "/ui/risk/{id}/attachments",
            v("/ui/risk/0/attachments"),
            vec![],
            "BBBBB",
        ),
        get(
            "/ui/integrity/baselines/{id}/attachments",
            v("/ui/integrity/baselines/0/attachments"),
            "RRRRR",
        ),
        post(
            "/ui/integrity/baselines/{id}/attachments",
            v("/ui/integrity/baselines/0/attachments"),
            vec![],
            "BBBBB",
        ),
        // Integrity baselines (Art. 50(4)–(5)): the keepers, a server's custodian and operators
        // — GLPI's user administrator operates OPSI-SYS, which is no key or high-risk server, so
        // it is on no list of theirs; approved by the keepers (no baseline 0 in this world).
        get("/ui/integrity", v("/ui/integrity"), "OFOFL"),
        get("/ui/integrity.csv", v("/ui/integrity.csv"), "OFOFL"),
        get("/ui/integrity/print", v("/ui/integrity/print"), "OFOFL"),
        get("/ui/integrity/{id}", format!("/ui/integrity/{opsi}"), "OOOFL"),
        get(
            "/ui/integrity/baselines/{id}/approve",
            v("/ui/integrity/baselines/0/approve"),
            "RRRRR",
        ),
        post(
            "/ui/integrity/baselines/{id}/approve",
            v("/ui/integrity/baselines/0/approve"),
            vec![("change", v("CHG-1"))],
            "XXXXL",
        ),
        // The classification scheme (Art. 11(3)): read by every account, changed by the keepers
        // (a refused field at its place).
        get("/ui/classification-scheme", v("/ui/classification-scheme"), "OOOOL"),
        get(
            "/ui/classification-scheme.csv",
            v("/ui/classification-scheme.csv"),
            "OOOOL",
        ),
        get(
            "/ui/classification-scheme/print",
            v("/ui/classification-scheme/print"),
            "OOOOL",
        ),
        post(
            "/ui/classification-scheme",
            v("/ui/classification-scheme"),
            vec![("regulation", v(""))],
            "EFEFL",
        ),
        // The dormant-accounts report (Art. 50(2)): administrators and the security lead; a
        // refused number of days comes back at the field (422).
        get(
            "/ui/reports/dormant-accounts",
            v("/ui/reports/dormant-accounts?days=30"),
            "OOOFL",
        ),
        get(
            "/ui/reports/dormant-accounts/print",
            v("/ui/reports/dormant-accounts/print?days=30"),
            "OOOFL",
        ),
        // Access reviews (issue 15): everyone signed in sees their (possibly empty) list; a
        // start without a system is sent back at the field; the fixture has no campaign and no
        // follow-up, so deciding names nothing there.
        get("/ui/access-reviews", v("/ui/access-reviews"), "OOOOL"),
        post(
            "/ui/access-reviews",
            v("/ui/access-reviews"),
            vec![("system", v("")), ("due", v("2026-03-31"))],
            "EEEEL",
        ),
        get("/ui/access-reviews/{id}", v("/ui/access-reviews/0"), "XXXXL"),
        get(
            "/ui/access-reviews/{id}/attachments",
            v("/ui/access-reviews/0/attachments"),
            "RRRRR",
        ),
        post(
            "/ui/access-reviews/{id}/attachments",
            v("/ui/access-reviews/0/attachments"),
            vec![],
            "BBBBB",
        ),
        get(
            "/ui/access-reviews/{id}/print",
            v("/ui/access-reviews/0/print"),
            "XXXXL",
        ),
        get(
            "/ui/access-reviews/{id}/decide",
            v("/ui/access-reviews/0/decide"),
            "RRRRR",
        ),
        post(
            "/ui/access-reviews/{id}/decide",
            v("/ui/access-reviews/0/decide"),
            vec![("grant", fx.grant_gregor.0.to_string()), ("outcome", v("confirmed"))],
            "XXXXL",
        ),
        get("/ui/follow-ups/{id}/decide", v("/ui/follow-ups/0/decide"), "RRRRR"),
        post(
            "/ui/follow-ups/{id}/decide",
            v("/ui/follow-ups/0/decide"),
            vec![("grant", fx.grant_gregor.0.to_string()), ("outcome", v("confirmed"))],
            "EEEEL",
        ),
        // Records: the system administrator never reads one; everyone else may read these
        // (the application's writer role is granted to everyone).
        get("/ui/folders/{id}", format!("/ui/folders/{}", fx.f1.0), "FOOOL"),
        get("/ui/documents/{id}", format!("/ui/documents/{}", fx.d1.0), "FOOOL"),
        get("/ui/activity", v("/ui/activity"), "OOOOL"),
        // A file nobody refers to: readers of records with files are told it does not exist;
        // someone who reads none is refused (the item-page cases: `attachments_api.rs` and
        // the browser test `attachments.test.mjs`).
        get(
            "/ui/attachments/{sha256}",
            format!("/ui/attachments/{}", "0".repeat(64)),
            "XXXFL",
        ),
        // Processes (issue #16): every signed-in person reads the work lists and the
        // definitions and reports an event; a case is read by the register keepers (the system
        // administrator, the security lead), its reporter and its performers; only the
        // performer of its step (Ana, of case 0) fills and decides it; the import form is
        // multipart (a form sent otherwise is refused before anything is read).
        get("/ui/cases", v("/ui/cases"), "OOOOL"),
        // The registers of cases: a page for every reader (the rows theirs); a date that
        // cannot be read comes back at its field (422).
        get("/ui/reports/cases", v("/ui/reports/cases?kind=incidents"), "OOOOL"),
        get("/ui/cases/report", v("/ui/cases/report"), "OOOOL"),
        post(
            "/ui/cases/report",
            v("/ui/cases/report"),
            vec![("situation", v("")), ("title", v("x")), ("what", v("y"))],
            "EEEEL",
        ),
        get("/ui/cases/{id}", v("/ui/cases/0"), "OFOOL"),
        post(
            "/ui/cases/{id}",
            v("/ui/cases/0"),
            vec![("f_note", v("opomba"))],
            "FFFEL",
        ),
        get("/ui/cases/{id}/decide", v("/ui/cases/0/decide"), "RRRRR"),
        post(
            "/ui/cases/{id}/decide",
            v("/ui/cases/0/decide"),
            vec![("_outcome", v("done"))],
            "FFFRL",
        ),
        get("/ui/cases/{id}/consent", v("/ui/cases/0/consent"), "RRRRR"),
        post(
            "/ui/cases/{id}/consent",
            v("/ui/cases/0/consent"),
            vec![("role", v("doer"))],
            "EFEEL",
        ),
        get("/ui/cases/{id}/files", v("/ui/cases/0/files"), "RRRRR"),
        post("/ui/cases/{id}/files", v("/ui/cases/0/files"), vec![], "BBBBB"),
        get("/ui/cases/{id}/notification", v("/ui/cases/1/notification"), "OFOOL"),
        get(
            "/ui/cases/{id}/notification.json",
            v("/ui/cases/1/notification.json"),
            "OFOOL",
        ),
        get("/ui/processes", v("/ui/processes"), "OOOOL"),
        post("/ui/processes", v("/ui/processes"), vec![], "BBBBB"),
        // The ministry's register: every reader sees the page (the form only the keepers);
        // a form that is not multipart is a bad request for everyone.
        get("/ui/notifications", v("/ui/notifications"), "OOOOL"),
        post("/ui/notifications", v("/ui/notifications"), vec![], "BBBBB"),
        get("/ui/processes/{key}", v("/ui/processes/security-event"), "OOOOL"),
        get(
            "/ui/processes/{key}/start",
            v("/ui/processes/change-request/start"),
            "OOOOL",
        ),
        post(
            "/ui/processes/{key}/start",
            v("/ui/processes/change-request/start"),
            vec![("_title", v(""))],
            "EEEEL",
        ),
        // The audit trail: the search form, verification, holds (a security lead's).
        get("/ui/audit", v("/ui/audit?actor=gregor"), "OOOFL"),
        get("/ui/audit/verify", v("/ui/audit/verify"), "RRRRR"),
        post("/ui/audit/verify", v("/ui/audit/verify"), vec![], "OFOFL"),
        // Reviewers are sent to the trail's page; the head of the body (none of these five)
        // gets the holds on a page of their own.
        get("/ui/audit/holds", v("/ui/audit/holds"), "RRRFL"),
        post(
            "/ui/audit/holds",
            v("/ui/audit/holds"),
            vec![
                ("from", v("2026-03-01")),
                ("until", v("2026-03-02")),
                ("justification", v("Incident 18")),
                ("risk_assessment", v("0")),
            ],
            "FFEFL",
        ),
        get("/ui/audit/holds/{id}/release", v("/ui/audit/holds/1/release"), "RRRRR"),
        post(
            "/ui/audit/holds/{id}/release",
            v("/ui/audit/holds/1/release"),
            vec![],
            "FFRFL",
        ),
        // Confirming is the head of the body's: none of these five holds the appointment.
        get("/ui/audit/holds/{id}/confirm", v("/ui/audit/holds/1/confirm"), "RRRRR"),
        post(
            "/ui/audit/holds/{id}/confirm",
            v("/ui/audit/holds/1/confirm"),
            vec![("confirm", v("1"))],
            "FFFFL",
        ),
        // The person's own pages.
        get("/ui/login", v("/ui/login"), "OOOOO"),
        post(
            "/ui/login",
            v("/ui/login"),
            vec![("username", v("ana")), ("password", v(STRONG))],
            "RRRRR",
        ),
        get("/ui/login/mfa", v("/ui/login/mfa"), "LLLLL"),
        post(
            "/ui/login/mfa",
            v("/ui/login/mfa"),
            vec![("code", v("000000"))],
            "EEEEE",
        ),
        get("/ui/logout", v("/ui/logout"), "LLLLL"),
        post("/ui/logout", v("/ui/logout"), vec![], "LLLLL"),
        get("/ui/password", v("/ui/password"), "OOOOL"),
        post(
            "/ui/password",
            v("/ui/password"),
            vec![
                ("current", v("napačno geslo")),
                ("new", v(STRONG_2)),
                ("confirm", v(STRONG_2)),
            ],
            "EEEEL",
        ),
        get("/ui/mfa", v("/ui/mfa"), "OOOOL"),
        get("/ui/mfa/enrol", v("/ui/mfa/enrol"), "RRRRR"),
        post("/ui/mfa/enrol", v("/ui/mfa/enrol"), vec![], "OOOOL"),
        get("/ui/mfa/confirm", v("/ui/mfa/confirm"), "RRRRR"),
        post(
            "/ui/mfa/confirm",
            v("/ui/mfa/confirm"),
            vec![("code", v("000000"))],
            "EEEEL",
        ),
        get("/ui/mfa/lost", v("/ui/mfa/lost"), "RRRRR"),
        post("/ui/mfa/lost", v("/ui/mfa/lost"), vec![], "OOOOL"),
        get("/ui/step-up", v("/ui/step-up"), "RRRRR"),
        // These sessions counted a second factor already: nothing to step up.
        post("/ui/step-up", v("/ui/step-up"), vec![("code", v("000000"))], "RRRRL"),
        get("/ui/sessions", v("/ui/sessions"), "OOOOL"),
        get("/ui/sessions/{id}/revoke", v("/ui/sessions/{session}/revoke"), "RRRRR"),
        // Ending one's own current session signs out.
        post(
            "/ui/sessions/{id}/revoke",
            v("/ui/sessions/{session}/revoke"),
            vec![],
            "LLLLL",
        ),
        get("/ui/tokens/{id}/lost", v("/ui/tokens/999999/lost"), "RRRRR"),
        // No such token: the system administrator, who may report any, is told it is unknown.
        post("/ui/tokens/{id}/lost", v("/ui/tokens/999999/lost"), vec![], "XFFFL"),
        get("/ui/forgot", v("/ui/forgot"), "OOOOO"),
        post(
            "/ui/forgot",
            v("/ui/forgot"),
            vec![("email", v("nikogar@test.si"))],
            "OOOOO",
        ),
        get("/ui/reset", v("/ui/reset"), "OOOOO"),
        post(
            "/ui/reset",
            v("/ui/reset"),
            vec![
                ("token", v("x")),
                ("username", v("ana")),
                ("new", v(STRONG_2)),
                ("confirm", v(STRONG_2)),
            ],
            "EEEEE",
        ),
        get("/reset", v("/reset?token=x"), "RRRRR"),
        // Assets, public.
        get("/ui/assets/htmx.min.js", v("/ui/assets/htmx.min.js"), "OOOOO"),
        get("/ui/assets/adam.css", v("/ui/assets/adam.css"), "OOOOO"),
        get("/ui/assets/favicon.ico", v("/ui/assets/favicon.ico"), "OOOOO"),
        get("/favicon.ico", v("/favicon.ico"), "OOOOO"),
    ]
}

/// A server with the fixture, Bojan a security lead, an empty office under GLPI (to
/// invalidate), Gregor's second factor (to reset) and one hold (to release).
async fn server() -> TestServer {
    let s = TestServer::start(Backend::Sqlite).await;
    s.make_security_lead(s.fx.bojan).await;
    // Case 0 (a one-step process Ana performs) and case 1 (a security event Ana reported).
    crate::process_ui::ensure_event(&s).await;
    crate::raci_api::ensure(&s).await;
    // Solution OPSI on system OPSI-SYS, kept by Gregor (no caller of the matrix).
    crate::hosting_api::ensure_solution(&s, s.fx.gregor).await;
    // A continuity plan, and a drill of OPSI-SYS with a follow-up task.
    crate::continuity_ui::ensure(&s).await;
    let ctx = s.state.context(Actor::System, None);
    let empty = Command::CreateOffice {
        code: Code::parse("c", "PRAZNO").unwrap(),
        name: Text::parse("n", "Prazen urad").unwrap(),
        parent: Some(s.fx.glpi),
        signing_code: None,
    };
    s.state.execute_as(Actor::System, ctx, empty).await.unwrap();
    // A new office comes with its own jobs; invalidated, the office may be invalidated too.
    let jobs = {
        let w = s.state.world();
        w.office_jobs(w.office_by_code("PRAZNO").unwrap()).to_vec()
    };
    for job in jobs {
        let ctx = s.state.context(Actor::System, None);
        let off = Command::SetJobValid { job, valid: false };
        s.state.execute_as(Actor::System, ctx, off).await.unwrap();
    }
    s.enrol_totp(s.fx.gregor).await;
    for user in [s.fx.admin, s.fx.glpi_admin, s.fx.bojan, s.fx.ana] {
        s.set_password(user, STRONG).await;
    }
    // The hold for the release and confirm rows, proposed by the lead straight into the store:
    // the register holds no risk assessment here (the risk rows expect none), so the form
    // below is refused at its field (`E`); `ui.rs` walks the form to its end.
    let store = s.state.store.clone();
    let (bojan, at) = (s.fx.bojan, s.state.now());
    let ctx = s.state.context(Actor::user(bojan), None);
    tokio::task::spawn_blocking(move || {
        store.audit_hold(
            &adam_store::Hold {
                id: 0,
                from_period: adam_store::audit::period_of(at.0),
                through_period: adam_store::audit::period_of(at.0),
                justification: "Incident 17".to_owned(),
                approved_by: bojan,
                at,
                released: None,
                risk_assessment: None,
                grace_until: None,
                confirmed_by: None,
                confirmed_at: None,
            },
            &ctx,
        )
    })
    .await
    .unwrap()
    .unwrap();
    s
}

/// A signed-in browser (the cookie, the CSRF token) and the session's id.
struct Session {
    browser: Browser,
    id: i64,
}

/// A fresh session of `caller` (none for the visitor), with a second factor behind it.
async fn session(s: &TestServer, caller: Caller) -> Option<Session> {
    let fx = &s.fx;
    let user = match caller {
        Caller::SysAdmin => fx.admin,
        Caller::UserAdmin => fx.glpi_admin,
        Caller::SecurityLead => fx.bojan,
        Caller::Plain => fx.ana,
        Caller::Visitor => return None,
    };
    let (session, secret, csrf) =
        adam_server::login::new_session(&s.state, user, adam_store::SessionState::Active, true, None, None).unwrap();
    let store = s.state.store.clone();
    let id = tokio::task::spawn_blocking(move || store.create_session(&session, &adam_store::SignIn::default(), &[]))
        .await
        .unwrap()
        .unwrap();
    let name = adam_server::login::cookie_name(&s.state.config.auth);
    Some(Session {
        browser: Browser {
            cookie: format!("{name}={secret}"),
            csrf,
        },
        id,
    })
}

/// Sends one request; returns the status and where a redirect leads (or, for a form sent
/// back with a message, the message).
async fn send(
    s: &TestServer,
    who: Option<&Session>,
    method: &Method,
    path: &str,
    form: &[(&str, String)],
) -> (StatusCode, String) {
    let mut ui = match who {
        Some(b) => s.ui_session(&b.browser),
        None => s.ui(Who::Anonymous),
    };
    if path.starts_with("/ui/tree/") {
        ui = ui.header("HX-Request", "true");
    }
    let answer = ui.request(method.clone(), path, form).await;
    let (status, location) = (answer.status, answer.location);
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        let message = answer
            .body
            .split("role=\"alert\"")
            .nth(1)
            .map(|m| m.chars().take(200).collect())
            .unwrap_or_default();
        return (status, message);
    }
    (status, location)
}

/// What a status and redirect are, in the matrix's letters.
fn letter(status: StatusCode, location: &str) -> char {
    match status.as_u16() {
        200 => 'O',
        303 if location.starts_with("/ui/login") => 'L',
        303 => 'R',
        403 => 'F',
        404 => 'X',
        422 => 'E',
        400 => 'B',
        401 => 'A',
        _ => '?',
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ui_route_for_every_kind_of_caller() {
    let shared = server().await;
    let rows = rows(&shared);
    let before = shared.revision().await;
    let mut failures = Vec::new();
    for row in &rows {
        assert_eq!(row.expect.len(), CALLERS.len(), "{} {}", row.method, row.path);
        for (caller, want) in CALLERS.iter().zip(row.expect.chars()) {
            // A form allowed to this caller changes something: it gets a server of its own.
            let fresh = if row.method == Method::POST && matches!(want, 'O' | 'R') && *caller != Caller::Visitor {
                Some(server().await)
            } else {
                None
            };
            let s = fresh.as_ref().unwrap_or(&shared);
            let who = session(s, *caller).await;
            let path = row
                .path
                .replace("{session}", &who.as_ref().map_or(1, |b| b.id).to_string());
            let (status, location) = send(s, who.as_ref(), &row.method, &path, &row.form).await;
            let got = letter(status, &location);
            if got != want {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {want}, got {got} ({status} {location})",
                    row.method, path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(shared.revision().await, before, "a refused request changed something");
}

/// Every path the UI mounts has a row for each method it answers (GET, POST), and every row
/// names a path and method the UI answers — in this matrix, or, for the inventory's and the
/// Decree roles' pages, in the inventory's own (`inventory_ui::operations`), where each must
/// be a row's full route template, not merely share its beginning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ui_route_is_in_the_matrix() {
    let s = server().await;
    let rows = rows(&s);
    let mounted: Vec<&str> = adam_server::ui::paths();
    let unique: BTreeSet<&str> = mounted.iter().copied().collect();
    assert_eq!(unique.len(), mounted.len(), "a UI path is mounted twice");
    // The inventory's pages have a matrix of their own with the callers the inventory tells
    // apart (security lead, custodians): `inventory_ui::every_inventory_route_answers_each_caller_by_the_rules`.
    let inventory = crate::inventory_ui::operations();
    let theirs = |p: &str| p.starts_with("/ui/inventory") || p.starts_with("/ui/decree-roles");
    for (method, template, _) in &inventory {
        assert!(
            theirs(template),
            "the inventory's matrix has a row of {method} {template}, a route of this matrix"
        );
    }
    let mut listed: BTreeSet<&str> = rows.iter().map(|r| r.template).collect();
    for path in unique.iter().filter(|p| theirs(p)) {
        assert!(
            inventory.iter().any(|(_, template, _)| template == path),
            "{path} is in neither matrix"
        );
    }
    listed.extend(inventory.iter().map(|(_, template, _)| *template));
    let missing: Vec<_> = unique.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&unique).collect();
    assert!(missing.is_empty(), "UI routes without a row in the matrix: {missing:?}");
    assert!(unknown.is_empty(), "rows naming no UI route: {unknown:?}");
    // Which methods each path answers: anything but 405 (a signed-out visitor, so nothing
    // changes — a form of a signed-out visitor is sent to the sign-in or refused).
    let mut covered: BTreeSet<(String, &str)> = rows.iter().map(|r| (r.method.to_string(), r.template)).collect();
    covered.extend(
        inventory
            .iter()
            .map(|(method, template, _)| ((*method).to_owned(), *template)),
    );
    let mut served = BTreeSet::new();
    for template in &unique {
        let path = match rows.iter().find(|r| r.template == *template) {
            Some(row) => row.path.replace("{session}", "1"),
            None => match inventory.iter().find(|(_, t, _)| t == template) {
                Some((_, _, path)) => path.clone(),
                None => continue, // reported above
            },
        };
        for method in [Method::GET, Method::POST] {
            let (status, _) = send(&s, None, &method, &path, &[]).await;
            if status != StatusCode::METHOD_NOT_ALLOWED {
                served.insert((method.to_string(), *template));
            }
        }
    }
    let missing: Vec<_> = served.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "UI operations without a row in the matrix: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows naming an operation the UI does not serve: {unknown:?}"
    );
}
