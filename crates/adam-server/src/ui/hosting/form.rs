//! The forms of the registry: register a solution (`/ui/solutions/new`, posted to
//! `/ui/solutions`), correct its entry (`/ui/solutions/{code}/edit`) and open a version
//! (`/ui/solutions/{code}/versions`). A refused form comes back with what was typed and the
//! message at its field — the Decree's refusals too (Art. 41 at the public-cloud choice,
//! Art. 47(3) at the production address, a version without a system at the version).
//!
//! Why one file past ~800 lines: the three forms share one field list (every field of §2.8 and
//! the 13 roles' person and job pickers) and one reading of it back into `SolutionFields`; split,
//! the list would be kept in step in two places.

use super::details::{DetailGroup, DetailsForm, optional_text};
use super::page::{ROLES, ekc_key, exceptional_key, route_key, solution_view};
use super::*;
use crate::error::said;
use adam_core::calendar::LocalDate;
use adam_core::register::solution::{
    BoardDecision, Codename, EkcSupport, EntryRoute, Environment, Exceptional, Solution, SolutionFields, SolutionJobs,
    SolutionPeople,
};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use std::collections::BTreeMap;

type Errors = BTreeMap<&'static str, String>;

const ROUTES: [EntryRoute; 4] = [EntryRoute::Order, EntryRoute::Tender, EntryRoute::Pzi, EntryRoute::AsIs];
const EXCEPTIONAL: [(Exceptional, &str); 6] = [
    (Exceptional::Space, "space"),
    (Exceptional::Cpus, "cpus"),
    (Exceptional::DataSecrecy, "data_secrecy"),
    (Exceptional::Traffic, "traffic"),
    (Exceptional::Peaks, "peaks"),
    (Exceptional::Media, "media"),
];
const EKC: [EkcSupport; 4] = [
    EkcSupport::None,
    EkcSupport::Technical,
    EkcSupport::Content,
    EkcSupport::Both,
];

fn wire<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The fields of a solution as typed into its form (checkboxes send `1`; the people are
/// usernames, the jobs their codes; certificates one per line).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SolutionForm {
    pub(crate) rev: String,
    pub(crate) codename: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) customer_body: String,
    pub(crate) contractor: String,
    pub(crate) contract: String,
    pub(crate) entry_route: String,
    pub(crate) exc_space: String,
    pub(crate) exc_cpus: String,
    pub(crate) exc_data_secrecy: String,
    pub(crate) exc_traffic: String,
    pub(crate) exc_peaks: String,
    pub(crate) exc_media: String,
    pub(crate) board_date: String,
    pub(crate) board_decision: String,
    pub(crate) board_extra_expert: String,
    pub(crate) technologies: String,
    pub(crate) modules_hkom: String,
    pub(crate) modules_internet: String,
    pub(crate) staging_in_pzi: String,
    pub(crate) test_address: String,
    pub(crate) test_certificates: String,
    pub(crate) staging_address: String,
    pub(crate) staging_certificates: String,
    pub(crate) production_address: String,
    pub(crate) production_certificates: String,
    pub(crate) public_cloud: String,
    pub(crate) repository: String,
    pub(crate) ekc: String,
    pub(crate) ekc_agreement_signed: String,
    pub(crate) system: String,
    pub(crate) p_customer: String,
    pub(crate) p_developer: String,
    pub(crate) p_siv: String,
    pub(crate) p_soc: String,
    pub(crate) p_coordinator: String,
    pub(crate) p_deployment_engineer: String,
    pub(crate) p_infrastructure_manager: String,
    pub(crate) p_system_support: String,
    pub(crate) p_support_head: String,
    pub(crate) p_operational_wg: String,
    pub(crate) p_technical_board: String,
    pub(crate) p_ekc: String,
    pub(crate) p_registry_custodian: String,
    pub(crate) j_customer: String,
    pub(crate) j_developer: String,
    pub(crate) j_siv: String,
    pub(crate) j_soc: String,
    pub(crate) j_coordinator: String,
    pub(crate) j_deployment_engineer: String,
    pub(crate) j_infrastructure_manager: String,
    pub(crate) j_system_support: String,
    pub(crate) j_support_head: String,
    pub(crate) j_operational_wg: String,
    pub(crate) j_technical_board: String,
    pub(crate) j_ekc: String,
    pub(crate) j_registry_custodian: String,
    /// The further fields of §2.8 (`details.rs`).
    #[serde(flatten)]
    pub(crate) details: DetailsForm,
}

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "1".to_owned() } else { String::new() }
}

fn certs(e: &Option<Environment>) -> String {
    e.as_ref()
        .map(|e| {
            e.certificates
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

impl SolutionForm {
    /// A person's field by role key.
    fn person_mut(&mut self, role: &str) -> Option<&mut String> {
        Some(match role {
            "customer" => &mut self.p_customer,
            "developer" => &mut self.p_developer,
            "siv" => &mut self.p_siv,
            "soc" => &mut self.p_soc,
            "coordinator" => &mut self.p_coordinator,
            "deployment_engineer" => &mut self.p_deployment_engineer,
            "infrastructure_manager" => &mut self.p_infrastructure_manager,
            "system_support" => &mut self.p_system_support,
            "support_head" => &mut self.p_support_head,
            "operational_wg" => &mut self.p_operational_wg,
            "technical_board" => &mut self.p_technical_board,
            "ekc" => &mut self.p_ekc,
            "registry_custodian" => &mut self.p_registry_custodian,
            _ => return None,
        })
    }

    /// A person's field by role key, read.
    pub(crate) fn person(&self, role: &str) -> &str {
        match role {
            "customer" => &self.p_customer,
            "developer" => &self.p_developer,
            "siv" => &self.p_siv,
            "soc" => &self.p_soc,
            "coordinator" => &self.p_coordinator,
            "deployment_engineer" => &self.p_deployment_engineer,
            "infrastructure_manager" => &self.p_infrastructure_manager,
            "system_support" => &self.p_system_support,
            "support_head" => &self.p_support_head,
            "operational_wg" => &self.p_operational_wg,
            "technical_board" => &self.p_technical_board,
            "ekc" => &self.p_ekc,
            "registry_custodian" => &self.p_registry_custodian,
            _ => "",
        }
    }

    /// A job's field by role key.
    fn job_mut(&mut self, role: &str) -> Option<&mut String> {
        Some(match role {
            "customer" => &mut self.j_customer,
            "developer" => &mut self.j_developer,
            "siv" => &mut self.j_siv,
            "soc" => &mut self.j_soc,
            "coordinator" => &mut self.j_coordinator,
            "deployment_engineer" => &mut self.j_deployment_engineer,
            "infrastructure_manager" => &mut self.j_infrastructure_manager,
            "system_support" => &mut self.j_system_support,
            "support_head" => &mut self.j_support_head,
            "operational_wg" => &mut self.j_operational_wg,
            "technical_board" => &mut self.j_technical_board,
            "ekc" => &mut self.j_ekc,
            "registry_custodian" => &mut self.j_registry_custodian,
            _ => return None,
        })
    }

    /// A job's field by role key, read.
    pub(crate) fn job(&self, role: &str) -> &str {
        match role {
            "customer" => &self.j_customer,
            "developer" => &self.j_developer,
            "siv" => &self.j_siv,
            "soc" => &self.j_soc,
            "coordinator" => &self.j_coordinator,
            "deployment_engineer" => &self.j_deployment_engineer,
            "infrastructure_manager" => &self.j_infrastructure_manager,
            "system_support" => &self.j_system_support,
            "support_head" => &self.j_support_head,
            "operational_wg" => &self.j_operational_wg,
            "technical_board" => &self.j_technical_board,
            "ekc" => &self.j_ekc,
            "registry_custodian" => &self.j_registry_custodian,
            _ => "",
        }
    }

    /// Whether a criterion's box is ticked.
    pub(crate) fn exceptional(&self, key: &str) -> bool {
        let v = match key {
            "space" => &self.exc_space,
            "cpus" => &self.exc_cpus,
            "data_secrecy" => &self.exc_data_secrecy,
            "traffic" => &self.exc_traffic,
            "peaks" => &self.exc_peaks,
            "media" => &self.exc_media,
            _ => return false,
        };
        v == "1"
    }

    /// The form filled with a solution's entry.
    fn of(w: &World, s: &Solution) -> SolutionForm {
        let f = &s.fields;
        let has = |e: Exceptional| flag(f.exceptional.contains(&e));
        let mut form = SolutionForm {
            rev: s.rev.0.to_string(),
            codename: f.codename.to_string(),
            name: f.name.to_string(),
            description: opt(&f.description),
            customer_body: f.customer_body.to_string(),
            contractor: opt(&f.contractor),
            contract: opt(&f.contract),
            entry_route: wire(f.entry_route),
            exc_space: has(Exceptional::Space),
            exc_cpus: has(Exceptional::Cpus),
            exc_data_secrecy: has(Exceptional::DataSecrecy),
            exc_traffic: has(Exceptional::Traffic),
            exc_peaks: has(Exceptional::Peaks),
            exc_media: has(Exceptional::Media),
            board_date: f
                .board_decision
                .as_ref()
                .map(|b| b.date.to_string())
                .unwrap_or_default(),
            board_decision: f
                .board_decision
                .as_ref()
                .map(|b| b.decision.to_string())
                .unwrap_or_default(),
            board_extra_expert: flag(f.board_decision.as_ref().is_some_and(|b| b.extra_expert)),
            technologies: opt(&f.technologies),
            modules_hkom: opt(&f.modules_hkom),
            modules_internet: opt(&f.modules_internet),
            staging_in_pzi: flag(f.staging_in_pzi),
            test_address: f.test.as_ref().map(|e| e.address.to_string()).unwrap_or_default(),
            test_certificates: certs(&f.test),
            staging_address: f.staging.as_ref().map(|e| e.address.to_string()).unwrap_or_default(),
            staging_certificates: certs(&f.staging),
            production_address: f.production.as_ref().map(|e| e.address.to_string()).unwrap_or_default(),
            production_certificates: certs(&f.production),
            public_cloud: flag(f.public_cloud),
            repository: opt(&f.repository),
            ekc: wire(f.ekc),
            ekc_agreement_signed: f.ekc_agreement_signed.map(|d| d.to_string()).unwrap_or_default(),
            system: f.system.map(|i| i.0.to_string()).unwrap_or_default(),
            details: DetailsForm::of(f),
            ..SolutionForm::default()
        };
        for (role, user) in f.people.pairs() {
            if let (Some(slot), Some(u)) = (form.person_mut(role), user) {
                *slot = w.user(u).map_or_else(|_| u.to_string(), |u| u.username.to_string());
            }
        }
        for (role, job) in f.jobs.pairs() {
            if let (Some(slot), Some(j)) = (form.job_mut(role), job) {
                *slot = w.job(j).map_or_else(|_| j.to_string(), |j| j.code.to_string());
            }
        }
        form
    }

    /// The entry, or the messages at the fields that cannot be read (a placement confirmed
    /// after `today` among them).
    fn fields(&self, w: &World, lang: Tr, today: LocalDate, errors: &mut Errors) -> Option<SolutionFields> {
        let text = |v: &str, key: &'static str, errors: &mut Errors| optional_text(v, key, errors, lang);
        let required = |v: &str, key: &'static str, errors: &mut Errors| match text(v, key, errors) {
            Some(Some(t)) => Some(t),
            Some(None) => {
                errors.insert(key, lang.s("required").to_owned());
                None
            }
            None => None,
        };
        let codename = match self.codename.trim() {
            "" => {
                errors.insert("f_codename", lang.s("required").to_owned());
                None
            }
            c => Codename::parse(c)
                .map_err(|_| errors.insert("f_codename", lang.s("hs_bad_codename").to_owned()))
                .ok(),
        };
        let name = required(&self.name, "f_name", errors);
        let description = text(&self.description, "f_description", errors);
        let customer_body = required(&self.customer_body, "f_customer_body", errors);
        let contractor = text(&self.contractor, "f_contractor", errors);
        let contract = text(&self.contract, "f_contract", errors);
        let entry_route = ROUTES.into_iter().find(|r| wire(*r) == self.entry_route);
        if entry_route.is_none() {
            errors.insert("f_entry_route", lang.s("required").to_owned());
        }
        let exceptional: Vec<Exceptional> = EXCEPTIONAL
            .iter()
            .filter(|(_, k)| self.exceptional(k))
            .map(|(e, _)| *e)
            .collect();
        let board_text = text(&self.board_decision, "f_board_decision", errors);
        let board_date = typed_date(&self.board_date, "f_board_date", errors, lang);
        let board_decision = match (board_text, board_date) {
            (Some(None), None) if self.board_date.trim().is_empty() => Some(None),
            (Some(Some(decision)), Some(date)) => Some(Some(BoardDecision {
                date,
                decision,
                extra_expert: self.board_extra_expert == "1",
            })),
            (Some(None), _) => {
                errors.insert("f_board_decision", lang.s("required").to_owned());
                None
            }
            (Some(Some(_)), None) if self.board_date.trim().is_empty() => {
                errors.insert("f_board_date", lang.s("required").to_owned());
                None
            }
            _ => None,
        };
        let technologies = text(&self.technologies, "f_technologies", errors);
        let modules_hkom = text(&self.modules_hkom, "f_modules_hkom", errors);
        let modules_internet = text(&self.modules_internet, "f_modules_internet", errors);
        let env = |address: &str, certificates: &str, key: &'static str, errors: &mut Errors| {
            let address = text(address, key, errors)?;
            let mut certs = Vec::new();
            for line in certificates.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match Text::parse("certificate", line) {
                    Ok(t) => certs.push(t),
                    Err(e) => {
                        errors.insert(key, said(&e));
                        return None;
                    }
                }
            }
            match address {
                Some(address) => Some(Some(Environment {
                    address,
                    certificates: certs,
                })),
                None if certs.is_empty() => Some(None),
                None => {
                    errors.insert(key, lang.s("hs_address_needed").to_owned());
                    None
                }
            }
        };
        let test = env(&self.test_address, &self.test_certificates, "f_test_address", errors);
        let staging = env(
            &self.staging_address,
            &self.staging_certificates,
            "f_staging_address",
            errors,
        );
        let production = env(
            &self.production_address,
            &self.production_certificates,
            "f_production_address",
            errors,
        );
        let repository = text(&self.repository, "f_repository", errors);
        let ekc = match self.ekc.trim() {
            "" => Some(EkcSupport::None),
            e => EKC.into_iter().find(|k| wire(*k) == e),
        };
        let ekc_agreement_signed = typed_date(&self.ekc_agreement_signed, "f_ekc_agreement_signed", errors, lang);
        let system = match self.system.trim() {
            "" => Some(None),
            v => match v.parse::<u32>().ok().and_then(|i| w.item(ItemId(i)).ok()) {
                Some(i) => Some(Some(i.id)),
                None => {
                    errors.insert("f_system", lang.s("hs_no_such_system").to_owned());
                    None
                }
            },
        };
        let mut people = SolutionPeople::default();
        for (role, _) in ROLES {
            let typed = self.person(role).trim();
            if typed.is_empty() {
                continue;
            }
            let Ok(u) = w.user_by_username(typed) else {
                errors.insert(person_key(role), lang.s("hs_no_such_person").replace("{}", typed));
                continue;
            };
            let slot = match role {
                "customer" => &mut people.customer,
                "developer" => &mut people.developer,
                "siv" => &mut people.siv,
                "soc" => &mut people.soc,
                "coordinator" => &mut people.coordinator,
                "deployment_engineer" => &mut people.deployment_engineer,
                "infrastructure_manager" => &mut people.infrastructure_manager,
                "system_support" => &mut people.system_support,
                "support_head" => &mut people.support_head,
                "operational_wg" => &mut people.operational_wg,
                "technical_board" => &mut people.technical_board,
                "ekc" => &mut people.ekc,
                _ => &mut people.registry_custodian,
            };
            *slot = Some(u);
        }
        // A job by its code; one invalidated is refused here, at its field, as the engine
        // would refuse it (`invalid-solution-job`).
        let mut jobs = SolutionJobs::default();
        for (role, _) in ROLES {
            let typed = self.job(role).trim();
            if typed.is_empty() {
                continue;
            }
            let found = job_typed(w, typed);
            let message = match found {
                Some(j) if j.valid => {
                    if let Some(slot) = jobs.slot_mut(role) {
                        *slot = Some(j.id);
                    }
                    continue;
                }
                Some(_) => "hs_job_invalid",
                None => "hs_no_such_job",
            };
            errors.insert(job_key(role), lang.s(message).replace("{}", typed));
        }
        let details = self.details.read(lang, today, errors);
        if !errors.is_empty() {
            return None;
        }
        let d = details?;
        Some(SolutionFields {
            codename: codename?,
            name: name?,
            description: description?,
            customer_body: customer_body?,
            contractor: contractor?,
            contract: contract?,
            entry_route: entry_route?,
            exceptional,
            board_decision: board_decision?,
            technologies: technologies?,
            modules_hkom: modules_hkom?,
            modules_internet: modules_internet?,
            staging_in_pzi: self.staging_in_pzi == "1",
            test: test?,
            staging: staging?,
            production: production?,
            public_cloud: self.public_cloud == "1",
            repository: repository?,
            ekc: ekc?,
            ekc_agreement_signed,
            system: system?,
            people,
            jobs,
            user_groups: d.user_groups,
            infrastructure_needs: d.infrastructure_needs,
            gtz_deviations: d.gtz_deviations,
            building_blocks: d.building_blocks,
            nonstandard_workstations: d.nonstandard_workstations,
            logical_scheme: d.logical_scheme,
            physical_plan_test: d.physical_plan_test,
            physical_plan_production: d.physical_plan_production,
            redmine_project: d.redmine_project,
            repository_access_granted: d.repository_access_granted,
            ekc_trained: d.ekc_trained,
            ekc_help_contacts: d.ekc_help_contacts,
        })
    }
}

/// The field key of a person's role.
fn person_key(role: &str) -> &'static str {
    match role {
        "customer" => "f_p_customer",
        "developer" => "f_p_developer",
        "siv" => "f_p_siv",
        "soc" => "f_p_soc",
        "coordinator" => "f_p_coordinator",
        "deployment_engineer" => "f_p_deployment_engineer",
        "infrastructure_manager" => "f_p_infrastructure_manager",
        "system_support" => "f_p_system_support",
        "support_head" => "f_p_support_head",
        "operational_wg" => "f_p_operational_wg",
        "technical_board" => "f_p_technical_board",
        "ekc" => "f_p_ekc",
        _ => "f_p_registry_custodian",
    }
}

/// The job a code typed into the form names: the exact code, or — typed in other letters'
/// case — the one job whose code it is regardless of case (none when two would match).
fn job_typed<'w>(w: &'w World, typed: &str) -> Option<&'w adam_core::directory::Job> {
    if let Ok(j) = w.job_by_code(typed) {
        return w.job(j).ok();
    }
    let mut same = w.jobs().iter().filter(|j| j.code.as_str().eq_ignore_ascii_case(typed));
    match (same.next(), same.next()) {
        (Some(j), None) => Some(j),
        _ => None,
    }
}

/// The field key of a job's role.
fn job_key(role: &str) -> &'static str {
    match role {
        "customer" => "f_j_customer",
        "developer" => "f_j_developer",
        "siv" => "f_j_siv",
        "soc" => "f_j_soc",
        "coordinator" => "f_j_coordinator",
        "deployment_engineer" => "f_j_deployment_engineer",
        "infrastructure_manager" => "f_j_infrastructure_manager",
        "system_support" => "f_j_system_support",
        "support_head" => "f_j_support_head",
        "operational_wg" => "f_j_operational_wg",
        "technical_board" => "f_j_technical_board",
        "ekc" => "f_j_ekc",
        _ => "f_j_registry_custodian",
    }
}

/// The field a refusal of the entry belongs at.
fn field_of(code: &str) -> &'static str {
    match code {
        "codename-taken" | "bad-codename" => "f_codename",
        "staging-not-in-pzi" => "f_staging_address",
        "board-without-criteria" => "f_board_decision",
        "environments-not-separate" => "f_production_address",
        "not-a-system" | "unknown-item" => "f_system",
        "solution-public-cloud-class" | "solution-cloud-without-system" => "f_public_cloud",
        "unknown-user" => "f_p_customer",
        "unknown-solution-job" | "invalid-solution-job" => "f_form",
        _ => "f_form",
    }
}

/// A role's fields as the form shows them: the person (id, name, what was typed) beside the
/// job, under the role's words.
pub(crate) struct PersonField {
    pub(crate) id: &'static str,
    pub(crate) name: String,
    pub(crate) label: &'static str,
    pub(crate) value: String,
    /// The job's input: its id, its name (`j_{role}`), what was typed (a job's code).
    pub(crate) job_id: &'static str,
    pub(crate) job_name: String,
    pub(crate) job_value: String,
}

#[derive(Template)]
#[template(path = "solution_form.html")]
pub(crate) struct FormPage {
    pub(crate) c: Chrome,
    /// The codename of the solution being corrected; empty for a new one.
    pub(crate) editing: String,
    pub(crate) form: SolutionForm,
    pub(crate) errors: Errors,
    pub(crate) routes: Vec<(String, &'static str)>,
    pub(crate) criteria: Vec<(&'static str, &'static str)>,
    pub(crate) ekcs: Vec<(String, &'static str)>,
    /// The inventory's systems: id and label.
    pub(crate) systems: Vec<(String, String)>,
    /// The people fields: each asks the people picker (`/ui/inventory/people/p_{role}`) for
    /// the people whose name or username holds what was typed, and its job field the job
    /// picker (`/ui/solutions/jobs/j_{role}`) for the valid jobs whose code or name holds it.
    pub(crate) people: Vec<PersonField>,
    /// The further fields of §2.8, by fieldset.
    pub(crate) details: Vec<DetailGroup>,
}

fn form_page(s: &AppState, caller: &Caller, lang: Tr, editing: String, form: SolutionForm, errors: Errors) -> FormPage {
    let w = s.world();
    let mut systems: Vec<(String, String)> = w
        .items()
        .iter()
        .filter(|i| i.kind == adam_core::register::inventory::ItemKind::System && !i.retired)
        .map(|i| (i.id.0.to_string(), format!("{} – {}", i.fields.code, i.fields.name)))
        .collect();
    systems.sort_by(|a, b| a.1.cmp(&b.1));
    let people = ROLES
        .iter()
        .map(|(role, label)| PersonField {
            id: person_key(role),
            name: format!("p_{role}"),
            label,
            value: form.person(role).to_owned(),
            job_id: job_key(role),
            job_name: format!("j_{role}"),
            job_value: form.job(role).to_owned(),
        })
        .collect();
    let details = form.details.groups();
    FormPage {
        c: chrome(s, caller, lang),
        editing,
        form,
        errors,
        routes: ROUTES.iter().map(|r| (wire(*r), route_key(*r))).collect(),
        criteria: EXCEPTIONAL.iter().map(|(e, k)| (*k, exceptional_key(*e))).collect(),
        ekcs: EKC.iter().map(|e| (wire(*e), ekc_key(*e))).collect(),
        systems,
        people,
        details,
    }
}

pub(super) async fn new_page(State(s): State<AppState>, lang: Lang, UiCaller(caller): UiCaller) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let form = SolutionForm {
        entry_route: "order".to_owned(),
        ..SolutionForm::default()
    };
    page(
        lang,
        &form_page(&s, &caller, lang.tr, String::new(), form, Errors::new()),
    )
}

pub(super) async fn edit_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(code): UiPath<String>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let (form, codename) = {
        let w = s.world();
        let id = by_code(&w, &code, lang.tr)?;
        let sol = w.solution(id).ui(lang.tr)?;
        (SolutionForm::of(&w, sol), sol.fields.codename.to_string())
    };
    page(lang, &form_page(&s, &caller, lang.tr, codename, form, Errors::new()))
}

/// The outcome of a change: `None` saved; a refusal of the person as an error page; any
/// other refusal with its message and problem code.
fn outcome<T>(lang: Lang, r: crate::error::ApiResult<T>) -> UiResult<Option<(String, String)>> {
    match r {
        Ok(_) => Ok(None),
        Err(e) if e.status == axum::http::StatusCode::FORBIDDEN || e.status == axum::http::StatusCode::UNAUTHORIZED => {
            Err(UiError::new(lang.tr, e))
        }
        Err(e) => Ok(Some((e.detail, e.code.to_owned()))),
    }
}

fn to_solution(code: &str) -> Response {
    Redirect::to(&format!("/ui/solutions/{}", url_escape(code))).into_response()
}

pub(super) async fn register(
    State(s): State<AppState>,
    UiForm {
        caller, form: f, lang, ..
    }: UiForm<SolutionForm>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let mut errors = Errors::new();
    let fields = f.fields(&s.world(), lang.tr, LocalDate::of(s.now()), &mut errors);
    if let Some(fields) = fields {
        let code = fields.codename.to_string();
        match outcome(lang, hosting::register_solution(&s, &caller, fields).await)? {
            None => return Ok(to_solution(&code)),
            Some((detail, code)) => {
                errors.insert(field_of(&code), detail);
            }
        }
    }
    refused_page(lang, &form_page(&s, &caller, lang.tr, String::new(), f, errors))
}

pub(super) async fn update(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(code): UiPath<String>,
    UiForm { caller, form: f, .. }: UiForm<SolutionForm>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let (solution, codename) = {
        let w = s.world();
        let id = by_code(&w, &code, lang.tr)?;
        (id, w.solution(id).ui(lang.tr)?.fields.codename.to_string())
    };
    let mut errors = Errors::new();
    let fields = f.fields(&s.world(), lang.tr, LocalDate::of(s.now()), &mut errors);
    if let Some(fields) = fields {
        let new_code = fields.codename.to_string();
        let seen = Revision(f.rev.trim().parse().unwrap_or(0));
        let guard = move |w: &World| {
            super::super::form::unchanged_since(
                w.solution(solution).map(|s| s.rev),
                seen,
                "the solution's entry was changed by someone else since this form was opened; open it again",
                "vpis rešitve je medtem spremenil nekdo drug; odprite obrazec znova",
            )
        };
        let updated = hosting::update_solution(&s, &caller, solution, fields, guard).await;
        match outcome(lang, updated)? {
            None => return Ok(to_solution(&new_code)),
            Some((detail, code)) => {
                errors.insert(field_of(&code), detail);
            }
        }
    }
    refused_page(lang, &form_page(&s, &caller, lang.tr, codename, f, errors))
}

/// What the version form sends.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    pub(crate) version: String,
}

pub(super) async fn open_version(
    State(s): State<AppState>,
    lang: Lang,
    UiPath(code): UiPath<String>,
    UiForm { caller, form: f, .. }: UiForm<VersionForm>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let id = by_code(&s.world(), &code, lang.tr)?;
    let mut errors = Errors::new();
    let version = match f.version.trim() {
        "" => {
            errors.insert("v_version", lang.tr.s("required").to_owned());
            None
        }
        v => Text::parse("version", v)
            .map_err(|e| errors.insert("v_version", said(&e)))
            .ok(),
    };
    if let Some(version) = version {
        match outcome(lang, hosting::open_version(&s, &caller, id, version).await)? {
            None => {
                let case = s
                    .world()
                    .solution(id)
                    .ok()
                    .and_then(|sol| sol.versions.last().map(|v| v.case.0));
                return Ok(match case {
                    Some(c) => Redirect::to(&format!("/ui/cases/{c}")).into_response(),
                    None => to_solution(&code),
                });
            }
            Some((detail, _)) => {
                errors.insert("v_version", detail);
            }
        }
    }
    let p = solution_view(&s, &caller, lang.tr, id, f.version, errors).await?;
    refused_page(lang, &p)
}

/// The job picker's answer: a `<datalist>` of valid jobs for one role's job field.
#[derive(Template)]
#[template(path = "inventory_people.html")]
pub(crate) struct JobList {
    pub(crate) field: String,
    /// Code and label (name, office) of each job.
    pub(crate) people: Vec<(String, String)>,
}

/// The valid jobs whose code or name holds what was typed into `j_{role}` (at most 20):
/// choosing one fills the field with its code. Only the form's own fields are served (the name
/// becomes the datalist's id).
pub(super) async fn jobs(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(field): UiPath<String>,
    axum::extract::Query(q): axum::extract::Query<BTreeMap<String, String>>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let field = ROLES
        .iter()
        .map(|(r, _)| format!("j_{r}"))
        .find(|f| *f == field)
        .unwrap_or_else(|| "j_customer".to_owned());
    let typed = q.get(&field).map(|t| t.trim().to_lowercase()).unwrap_or_default();
    let people = if typed.is_empty() {
        Vec::new()
    } else {
        let w = s.world();
        w.jobs()
            .iter()
            .filter(|j| j.valid)
            .filter(|j| {
                j.code.as_str().to_lowercase().contains(&typed) || j.name.as_str().to_lowercase().contains(&typed)
            })
            .take(20)
            .map(|j| {
                let office = w.office(j.office).map(|o| o.name.to_string()).unwrap_or_default();
                (j.code.to_string(), format!("{} – {office}", j.name))
            })
            .collect()
    };
    page(lang, &JobList { field, people })
}
