//! The demo's registry of information solutions (issue #17): four solutions of the seed at
//! different stages of the `dro-hosting` process — OPSI in production with version 1.1 in
//! development, E2 at its production acceptance, EVEM an exceptional system before the
//! technical board, EKT registered with no version yet. Each is a system of the inventory
//! (custodian: the head of UN), and the seed's roles are bound to the town's jobs (the customer
//! and SIV to people), so a change of a job's occupant moves its steps.
//! Documents are small text files kept in the attachment store, uploaded by the security lead.
//! Two outages of OPSI are recorded on security events (the monthly report's availability):
//! an incident still being handled and a short event closed as no incident.

use super::executor::Executor;
use super::steps::{Steps, text};
use adam_core::register::inventory::{ItemFields, ItemKind};
use adam_core::register::solution::*;
use adam_core::{Actor, CaseId, Code, Command, Error, ItemId, SolutionId, Timestamp, UserId};
use serde_json::{Value, json};

struct Walker {
    lead: UserId,
}

impl Walker {
    async fn go<X: Executor>(
        &self,
        s: &mut Steps<'_, X>,
        case: CaseId,
        step: &str,
        outcome: &str,
        fields: Value,
        docs: &[&str],
    ) -> Result<(), X::Error> {
        let performer = s.x.read(|w| {
            w.case(case)
                .ok()
                .and_then(|c| w.performers(c, c.entered_at).first().copied())
        });
        let performer = performer.ok_or(Error::NoChange("nobody performs the demo's step"))?;
        let mut attachments = Vec::new();
        for d in docs {
            attachments.push(s.x.attach(self.lead, d, format!("{d}: {step}\n")).await?);
        }
        let fields = serde_json::from_value(fields).map_err(|_| Error::NoChange("bad demo fields"))?;
        s.act(
            Actor::user(performer),
            Command::DecideStep {
                case,
                step: Code::parse("step", step)?,
                outcome: Code::parse("outcome", outcome)?,
                comment: None,
                fields,
                attachments,
            },
        )
        .await
    }

    async fn consent<X: Executor>(
        &self,
        s: &mut Steps<'_, X>,
        case: CaseId,
        role: &str,
        who: UserId,
    ) -> Result<(), X::Error> {
        s.act(
            Actor::user(who),
            Command::ConsentCase {
                case,
                role: Code::parse("role", role)?,
                comment: Some(text("Soglašam.")?),
            },
        )
        .await
    }
}

fn system(code: &str, name: &str, custodian: UserId) -> Result<ItemFields, Error> {
    Ok(ItemFields {
        code: Code::parse("code", code)?,
        name: text(name)?,
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: false,
        key_server: false,
        high_risk: false,
        secured_area: true,
        other_inventory: Some(text("Državni računalniški oblak (DRO)")?),
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    })
}

/// Builds the registry; `lead` is the security lead, `custodian` the head of UN, `at` the
/// demo's instant (the outages are recorded in the days before it).
pub(super) async fn hosting<X: Executor>(
    s: &mut Steps<'_, X>,
    lead: UserId,
    custodian: UserId,
    at: Timestamp,
) -> Result<(), X::Error> {
    let u = |s: &Steps<'_, X>, n: &str| s.user(n).map(Some);
    let people = SolutionPeople {
        customer: u(s, "vopiun02")?,
        developer: u(s, "vopiun03")?,
        siv: Some(lead),
        soc: u(s, "vopiglpi03")?,
        coordinator: u(s, "vopiglpi01")?,
        deployment_engineer: u(s, "vopiglpi02")?,
        infrastructure_manager: u(s, "vopiglpi04")?,
        system_support: u(s, "vopitok01")?,
        support_head: u(s, "vopitok02")?,
        operational_wg: u(s, "vopiglpi01")?,
        technical_board: u(s, "vopikzup01")?,
        ekc: u(s, "vopijss01")?,
        registry_custodian: u(s, "vopiglpi01")?,
    };
    // Most roles are bound to the job the person holds rather than to the person: whoever
    // holds the job when a step comes performs it. The customer and SIV stay named people
    // (the customer body's contact and the security lead), the other way a role is bound.
    let job = |s: &Steps<'_, X>, code: &str| s.job(code).map(Some);
    let jobs = SolutionJobs {
        customer: None,
        developer: job(s, "JOB.0276")?,
        siv: None,
        soc: job(s, "JOB.0101")?,
        coordinator: job(s, "LEADER.GLPI")?,
        deployment_engineer: job(s, "TAJNISTVO.GLPI")?,
        infrastructure_manager: job(s, "JOB.0110")?,
        system_support: job(s, "LEADER.TOK")?,
        support_head: job(s, "JOB.0401")?,
        operational_wg: job(s, "LEADER.GLPI")?,
        technical_board: job(s, "JOB.ZUPAN")?,
        ekc: job(s, "LEADER.JSS_MOK")?,
        registry_custodian: job(s, "LEADER.GLPI")?,
    };
    let named = SolutionPeople {
        customer: people.customer,
        siv: people.siv,
        ..SolutionPeople::default()
    };
    let mut ids = Vec::new();
    let mut systems = Vec::new();
    for (code, name, body, route, exceptional) in [
        (
            "OPSI",
            "Portal odprtih podatkov Slovenije",
            "Ministrstvo za javno upravo",
            EntryRoute::Order,
            vec![],
        ),
        (
            "E2",
            "Elektronsko vročanje E2",
            "Ministrstvo za pravosodje",
            EntryRoute::Pzi,
            vec![],
        ),
        (
            "EVEM",
            "Enotna vstopna točka za podjetja e-VEM",
            "Ministrstvo za gospodarstvo",
            EntryRoute::Tender,
            vec![Exceptional::Peaks, Exceptional::Media],
        ),
        (
            "EKT",
            "Evidenca kmetijskih trgov",
            "Ministrstvo za kmetijstvo",
            EntryRoute::AsIs,
            vec![],
        ),
    ] {
        let item =
            s.x.run(
                Actor::user(lead),
                Command::CreateItem {
                    kind: ItemKind::System,
                    fields: system(&format!("{code}-SYS"), name, custodian)?,
                },
            )
            .await?;
        let item: ItemId = super::steps::pick(&item)?;
        systems.push(item);
        let lc = code.to_lowercase();
        let fields = SolutionFields {
            codename: Codename::parse(code)?,
            name: text(name)?,
            description: None,
            customer_body: text(body)?,
            contractor: Some(text("Razvoj Primorska d.o.o.")?),
            contract: Some(text(&format!("430-{}/2026", 10 + ids.len()))?),
            entry_route: route,
            exceptional,
            board_decision: None,
            technologies: Some(text("Java 21, PostgreSQL 16, nginx")?),
            modules_hkom: Some(text("zaledna administracija")?),
            modules_internet: Some(text("javni portal")?),
            staging_in_pzi: false,
            test: Some(Environment {
                address: text(&format!("{lc}-test.dro.gov.si"))?,
                certificates: vec![text("*.dro.gov.si")?],
            }),
            staging: None,
            production: Some(Environment {
                address: text(&format!("{lc}.gov.si"))?,
                certificates: vec![text(&format!("{lc}.gov.si"))?],
            }),
            public_cloud: false,
            repository: Some(text(&format!("svn://svn.dro.gov.si/{lc}"))?),
            ekc: EkcSupport::None,
            ekc_agreement_signed: None,
            user_groups: None,
            infrastructure_needs: None,
            gtz_deviations: None,
            building_blocks: None,
            nonstandard_workstations: None,
            logical_scheme: Default::default(),
            physical_plan_test: Default::default(),
            physical_plan_production: Default::default(),
            redmine_project: None,
            repository_access_granted: None,
            ekc_trained: None,
            ekc_help_contacts: None,
            system: Some(item),
            people: named.clone(),
            jobs: jobs.clone(),
        };
        let plan = s.x.run(Actor::user(lead), Command::RegisterSolution { fields }).await?;
        ids.push(super::steps::pick(&plan)?);
    }
    let w = Walker { lead };
    let coordinator = people.coordinator.unwrap_or(lead);
    let open = |solution: SolutionId, version: &str| -> Result<Command, Error> {
        Ok(Command::OpenSolutionVersion {
            solution,
            version: text(version)?,
        })
    };
    let case_of = |plan: &adam_core::Plan| super::steps::pick::<CaseId>(plan);
    let infra = people.infrastructure_manager.unwrap_or(lead);

    // OPSI: version 1.0 walked to production (the pen test waived by SIV), 1.1 in development.
    let plan = s.x.run(Actor::user(coordinator), open(ids[0], "1.0")?).await?;
    let c = case_of(&plan)?;
    onboard(s, &w, c, infra).await?;
    develop_and_test(s, &w, c).await?;
    w.go(
        s,
        c,
        "1.1.1.34",
        "pass",
        json!({}),
        &["user_manuals", "functional_test_report"],
    )
    .await?;
    w.consent(s, c, "siv", lead).await?;
    w.go(
        s,
        c,
        "1.1.1.35",
        "waived",
        json!({"pen_test_waiver": "Statične strani brez prijave; pregled kode zadošča."}),
        &[],
    )
    .await?;
    w.go(s, c, "1.1.1.37", "no", json!({}), &[]).await?;
    w.go(
        s,
        c,
        "1.1.1.43",
        "done",
        json!({}),
        &["ovsp_form", "operating_instructions", "backup_instructions"],
    )
    .await?;
    // Art. 22(3): the version is a change; its change request, opened with it, is prepared by
    // the custodian and approved with the custodian's and the security lead's written consents.
    let change =
        s.x.read(|w| w.version_change_of(c))
            .ok_or(Error::NoChange("the demo's version has no change request"))?;
    w.go(
        s,
        change,
        "prepare",
        "submit",
        json!({"security_impact": "Nova različica portala; varnostne kontrole ostanejo, pregled kode in odpoved penetracijskega testa sta priložena zadevi.",
               "production_conditions": "Prehod v oknu vzdrževanja ob torkih 18–20, dogovor s sistemsko podporo."}),
        &[],
    )
    .await?;
    w.consent(s, change, "custodian", custodian).await?;
    w.consent(s, change, "security_lead", lead).await?;
    w.go(s, change, "consent", "approve", json!({}), &[]).await?;
    for (role, who) in [
        ("system_support", people.system_support),
        ("support_head", people.support_head),
        ("custodian", Some(custodian)),
    ] {
        w.consent(s, c, role, who.unwrap_or(lead)).await?;
    }
    w.go(
        s,
        c,
        "1.1.1.45",
        "done",
        json!({"rollback_plan": "Vrnitev prejšnje različice iz repozitorija in obnova baze iz nočne kopije.", "transition_date": "2. 2. 2026"}),
        &["micro_plan", "security_assessment"],
    )
    .await?;
    w.go(s, c, "1.1.1.46", "success", json!({}), &["ovsp_completed"])
        .await?;
    w.go(s, c, "1.1.1.47", "done", json!({"notified_at": "3. 2. 2026"}), &[])
        .await?;
    let plan = s.x.run(Actor::user(coordinator), open(ids[0], "1.1")?).await?;
    let c = case_of(&plan)?;
    w.go(s, c, "entry", "new_version", json!({}), &[]).await?;
    w.go(s, c, "1.1.1.18", "done", json!({}), &[]).await?;
    w.go(
        s,
        c,
        "1.1.1.19",
        "done",
        json!({"request_kind": "new_functionality"}),
        &["development_request"],
    )
    .await?;

    // E2: at the customer's acceptance test in production.
    let plan = s.x.run(Actor::user(coordinator), open(ids[1], "3.0")?).await?;
    let c = case_of(&plan)?;
    onboard(s, &w, c, infra).await?;
    develop_and_test(s, &w, c).await?;

    // EVEM: an exceptional system (peaks at elections, media exposure) before the board.
    let plan = s.x.run(Actor::user(coordinator), open(ids[2], "1.0")?).await?;
    let c = case_of(&plan)?;
    w.go(s, c, "entry", "tender", json!({}), &[]).await?;
    w.go(s, c, "1.1.1.6", "done", json!({}), &[]).await?;
    w.go(
        s,
        c,
        "1.1.1.7",
        "exceptional",
        json!({"exceptional_criteria": ["peaks", "media"]}),
        &["tender_documentation"],
    )
    .await?;
    w.go(s, c, "owg", "critical", json!({"owg_judgement": "critical"}), &[])
        .await?;
    outages(s, &w, systems[0], at).await
}

/// Two recorded outages of OPSI's system, each on its security event: three days before the
/// demo's instant 1 h 35 min (the database's disk full; triaged an incident, being limited),
/// ten days before 20 minutes (a certificate changed late; no incident, closed).
async fn outages<X: Executor>(s: &mut Steps<'_, X>, w: &Walker, system: ItemId, at: Timestamp) -> Result<(), X::Error> {
    let instant = |days: i64, minutes: i64| Timestamp(super::steps::day(at, days).0 + minutes * 60).to_string();
    for (title, what, from, until, outcome) in [
        (
            "Izpad portala OPSI: poln disk podatkovne baze",
            "Podatkovni bazi portala OPSI je zmanjkalo prostora; portal ni bil dosegljiv.",
            instant(-3, 9 * 60 + 5),
            instant(-3, 10 * 60 + 40),
            "incident",
        ),
        (
            "Kratek izpad OPSI ob menjavi potrdila",
            "Potrdilo strežnika je bilo zamenjano prepozno; portal 20 minut ni bil dosegljiv.",
            instant(-10, 6 * 60 + 30),
            instant(-10, 6 * 60 + 50),
            "not_incident",
        ),
    ] {
        let plan =
            s.x.run(
                Actor::user(w.lead),
                Command::StartCase {
                    process: Code::parse("process", adam_core::process::SECURITY_EVENT)?,
                    title: text(title)?,
                    fields: serde_json::from_value(json!({"affected_system": system.0}))
                        .map_err(|_| Error::NoChange("bad demo fields"))?,
                    attachments: Vec::new(),
                },
            )
            .await?;
        let case = super::steps::pick(&plan)?;
        w.go(
            s,
            case,
            "triage",
            outcome,
            json!({
                "situation": "deviation_cia",
                "what": what,
                "occurred_at": from,
                "discovered_at": from,
                "outage_from": from,
                "outage_until": until,
            }),
            &[],
        )
        .await?;
    }
    Ok(())
}

/// From the entry to the development order of a first installation without a PZI.
async fn onboard<X: Executor>(s: &mut Steps<'_, X>, w: &Walker, c: CaseId, infra: UserId) -> Result<(), X::Error> {
    w.go(s, c, "entry", "order", json!({}), &[]).await?;
    w.go(s, c, "1.1.1.10", "done", json!({}), &["order"]).await?;
    w.go(
        s,
        c,
        "1.1.1.11",
        "done",
        json!({"has_pzi": false}),
        &["application_profile", "address_table", "minimum_documentation"],
    )
    .await?;
    w.go(s, c, "1.1.1.12", "adequate", json!({}), &[]).await?;
    w.consent(s, c, "infrastructure_manager", infra).await?;
    w.go(
        s,
        c,
        "1.1.1.14",
        "done",
        json!({"codename": "DEMO"}),
        &["physical_plan_test"],
    )
    .await?;
    w.go(
        s,
        c,
        "1.1.1.15",
        "done",
        json!({"svn_repository": "svn://svn.dro.gov.si"}),
        &["repository_application"],
    )
    .await?;
    w.go(s, c, "1.1.1.16", "decided", json!({"ekc_support": "none"}), &[])
        .await?;
    w.consent(s, c, "infrastructure_manager", infra).await?;
    w.go(
        s,
        c,
        "1.1.1.23",
        "done",
        json!({"test_address": "test.dro.gov.si"}),
        &[],
    )
    .await
}

/// From the development order to the production acceptance (1.1.1.34 passed).
async fn develop_and_test<X: Executor>(s: &mut Steps<'_, X>, w: &Walker, c: CaseId) -> Result<(), X::Error> {
    w.go(s, c, "1.1.1.18", "done", json!({}), &[]).await?;
    w.go(
        s,
        c,
        "1.1.1.19",
        "done",
        json!({"request_kind": "initial"}),
        &["development_request"],
    )
    .await?;
    w.go(s, c, "1.1.1.20", "done", json!({}), &[]).await?;
    w.go(s, c, "1.1.1.21", "done", json!({}), &["installation_instructions"])
        .await?;
    w.go(s, c, "1.1.1.22", "done", json!({}), &["code_review_report"])
        .await?;
    w.go(s, c, "1.1.1.25", "pass", json!({}), &[]).await?;
    w.go(s, c, "1.1.1.24", "done", json!({}), &[]).await?;
    for p in ["1.2.1", "1.3.1"] {
        for (n, o) in [
            ("1", "done"),
            ("2", "done"),
            ("3", "done"),
            ("4", "ok"),
            ("5", "done"),
            ("6", "ok"),
            ("8", "done"),
        ] {
            w.go(s, c, &format!("{p}.{n}"), o, json!({}), &[]).await?;
        }
        if p == "1.2.1" {
            w.go(s, c, "1.1.1.27", "done", json!({}), &["test_plan"]).await?;
            w.go(s, c, "1.1.1.28", "pass", json!({}), &[]).await?;
            w.go(s, c, "1.1.1.29", "done", json!({}), &["production_request"])
                .await?;
            w.go(
                s,
                c,
                "1.1.1.31",
                "done",
                json!({"production_address": "prod.gov.si", "environments_separate": true}),
                &["physical_plan_production"],
            )
            .await?;
        }
    }
    w.go(s, c, "1.1.1.33", "done", json!({}), &[]).await
}
