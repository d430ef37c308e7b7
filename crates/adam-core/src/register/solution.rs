//! The registry of information solutions hosted on the State Computer Cloud (seed 000,
//! 1.1.1.11 "register of all installations" and 1.1.1.49 "registry of information solutions" —
//! read as one registry, REQUIREMENTS-WAVE2 §2.10).
//!
//! A [`Solution`] keeps what the onboarding process creates (§2.8): the codename, the customer
//! body, the contractor, the entry route, the exceptional-system criteria and the board's
//! decision, technologies, modules inside HKOM and internet-facing, the environments with their
//! addresses and certificates, the repository, EKC support, the people and the jobs bound to
//! the seed's roles, the link to the inventory's system, and its **versions**. Each version is a case of
//! the shipped `dro-hosting` process entering at the development order (1.1.1.18) — the first
//! one at the order (1.1.1.10) — so a version's history (SOC review, acceptance tests T and P,
//! penetration test done or waived by SIV, load test, OVSP, micro plan, transition, rollback)
//! is **read from its case** ([`VersionFacts`]), never copied, and cannot drift from it.
//!
//! Each version is also a change of its system under Art. 22: opening it opens a
//! `change-request` case ([`SolutionVersion::change`]) whose rollback plan is the micro plan's,
//! and the transition's step 1.1.1.45 needs that change approved.
//!
//! The readings of a case (`VersionFacts::of`, `TransitionEvidence::of`, `Solution::in_flight`)
//! are in `process/hosting.rs`: the registry's records sit below the process engine.

use crate::calendar::LocalDate;
use crate::error::{Error, RegisterError};
use crate::ids::{CaseId, ItemId, JobId, Revision, SolutionId, UserId};
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A solution's codename (1.1.1.14): 2–16 capital letters, digits or hyphens (`OPSI`, `E2`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Codename(String);

impl Codename {
    /// Parses a codename; lower-case letters are raised.
    pub fn parse(value: &str) -> Result<Codename, Error> {
        let v = value.trim().to_uppercase();
        let ok = (2..=16).contains(&v.chars().count())
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && v.starts_with(|c: char| c.is_ascii_uppercase());
        if !ok {
            return Err(RegisterError::BadCodename(value.trim().to_owned()).into());
        }
        Ok(Codename(v))
    }
    /// The codename.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Codename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Codename {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Codename::parse(&raw).map_err(|_| serde::de::Error::custom("a codename: 2–16 capital letters, digits, hyphens"))
    }
}

/// How the solution came to DI (1.1.1.6–10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryRoute {
    /// DI took part in the tender documentation (1.1.1.6–7).
    Tender,
    /// DI took part in the PZI (1.1.1.8–9).
    Pzi,
    /// The order alone (1.1.1.10).
    Order,
    /// An existing solution migrated as it is ("v zatečenem stanju").
    AsIs,
}

/// What makes a system exceptional (1.1.1.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exceptional {
    /// Exceptional need for space.
    Space,
    /// Exceptional need for CPUs.
    Cpus,
    /// The level of data secrecy.
    DataSecrecy,
    /// Expected traffic.
    Traffic,
    /// Large loads and peaks (elections).
    Peaks,
    /// Media exposure.
    Media,
}

/// The DI technical board's resolution on an exceptional system (1.1.1.7).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardDecision {
    /// The day.
    pub date: LocalDate,
    /// The resolution.
    pub decision: Text,
    /// An additional expert assigned for all phases of the tender.
    #[serde(default)]
    pub extra_expert: bool,
}

/// EKC first-level support (1.1.1.16).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EkcSupport {
    /// None.
    #[default]
    None,
    /// Technical.
    Technical,
    /// Content.
    Content,
    /// Both.
    Both,
}

/// An environment of the solution (test, staging, production).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Environment {
    /// Its target address (the address table).
    pub address: Text,
    /// Its certificates (subject or order reference).
    #[serde(default)]
    pub certificates: Vec<Text>,
}

/// Who confirmed a placement scheme or plan and on which day (000, 1.1.1.9, 1.1.1.14,
/// 1.1.1.31): both or neither, and never a day still to come
/// ([`SolutionFields::check_confirmations`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Confirmation {
    /// Who confirmed it (a person's name, as typed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<Text>,
    /// The day it was confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<LocalDate>,
}

impl Confirmation {
    /// Nothing confirmed.
    pub fn is_empty(&self) -> bool {
        self.confirmed_by.is_none() && self.date.is_none()
    }

    /// Who and the day, both or neither, and the day not after `today`; `field` names the
    /// confirmation in the refusal (`logical_scheme`).
    pub fn check(&self, field: &str, today: LocalDate) -> Result<(), Error> {
        match (&self.confirmed_by, self.date) {
            (Some(_), None) => Err(RegisterError::ConfirmationWithoutDate {
                field: field.to_owned(),
            }
            .into()),
            (None, Some(_)) => Err(RegisterError::ConfirmationWithoutConfirmer {
                field: field.to_owned(),
            }
            .into()),
            (_, Some(d)) if d > today => Err(RegisterError::ConfirmationInFuture {
                field: field.to_owned(),
                date: d.to_string(),
            }
            .into()),
            _ => Ok(()),
        }
    }
}

/// The people bound to the seed's roles for this solution: each new version's case binds its
/// roles from here (the engine's `person` bindings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SolutionPeople {
    /// The customer's contact.
    pub customer: Option<UserId>,
    /// The development team's contact (contractor).
    pub developer: Option<UserId>,
    /// SIV.
    pub siv: Option<UserId>,
    /// SOC.
    pub soc: Option<UserId>,
    /// Placement coordination.
    pub coordinator: Option<UserId>,
    /// Lead deployment engineer.
    pub deployment_engineer: Option<UserId>,
    /// Infrastructure manager.
    pub infrastructure_manager: Option<UserId>,
    /// System support.
    pub system_support: Option<UserId>,
    /// Head of the system-support unit.
    pub support_head: Option<UserId>,
    /// The operational working group's contact.
    pub operational_wg: Option<UserId>,
    /// The DI technical board's secretary.
    pub technical_board: Option<UserId>,
    /// EKC.
    pub ekc: Option<UserId>,
    /// The registry custodian.
    pub registry_custodian: Option<UserId>,
}

impl SolutionPeople {
    /// Every role with its person, as the process's field keys.
    pub fn pairs(&self) -> [(&'static str, Option<UserId>); 13] {
        [
            ("customer", self.customer),
            ("developer", self.developer),
            ("siv", self.siv),
            ("soc", self.soc),
            ("coordinator", self.coordinator),
            ("deployment_engineer", self.deployment_engineer),
            ("infrastructure_manager", self.infrastructure_manager),
            ("system_support", self.system_support),
            ("support_head", self.support_head),
            ("operational_wg", self.operational_wg),
            ("technical_board", self.technical_board),
            ("ekc", self.ekc),
            ("registry_custodian", self.registry_custodian),
        ]
    }
}

/// The jobs of the directory bound to the seed's roles for this solution: a role with no
/// person named is performed by whoever holds its job **now** (the `person_or_job` bindings of
/// `dro-hosting` version 2), so a change of the job's occupant moves the role, on running
/// versions too. Kept beside [`SolutionPeople`], never instead of it: records written before
/// the jobs existed read back with none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct SolutionJobs {
    /// The customer's contact.
    pub customer: Option<JobId>,
    /// The development team's contact (contractor).
    pub developer: Option<JobId>,
    /// SIV.
    pub siv: Option<JobId>,
    /// SOC.
    pub soc: Option<JobId>,
    /// Placement coordination.
    pub coordinator: Option<JobId>,
    /// Lead deployment engineer.
    pub deployment_engineer: Option<JobId>,
    /// Infrastructure manager.
    pub infrastructure_manager: Option<JobId>,
    /// System support.
    pub system_support: Option<JobId>,
    /// Head of the system-support unit.
    pub support_head: Option<JobId>,
    /// The operational working group's contact.
    pub operational_wg: Option<JobId>,
    /// The DI technical board's secretary.
    pub technical_board: Option<JobId>,
    /// EKC.
    pub ekc: Option<JobId>,
    /// The registry custodian.
    pub registry_custodian: Option<JobId>,
}

impl SolutionJobs {
    /// Every role with its job, as the process's role keys (the same order as
    /// [`SolutionPeople::pairs`]).
    pub fn pairs(&self) -> [(&'static str, Option<JobId>); 13] {
        [
            ("customer", self.customer),
            ("developer", self.developer),
            ("siv", self.siv),
            ("soc", self.soc),
            ("coordinator", self.coordinator),
            ("deployment_engineer", self.deployment_engineer),
            ("infrastructure_manager", self.infrastructure_manager),
            ("system_support", self.system_support),
            ("support_head", self.support_head),
            ("operational_wg", self.operational_wg),
            ("technical_board", self.technical_board),
            ("ekc", self.ekc),
            ("registry_custodian", self.registry_custodian),
        ]
    }

    /// The slot of a role by its key.
    pub fn slot_mut(&mut self, role: &str) -> Option<&mut Option<JobId>> {
        Some(match role {
            "customer" => &mut self.customer,
            "developer" => &mut self.developer,
            "siv" => &mut self.siv,
            "soc" => &mut self.soc,
            "coordinator" => &mut self.coordinator,
            "deployment_engineer" => &mut self.deployment_engineer,
            "infrastructure_manager" => &mut self.infrastructure_manager,
            "system_support" => &mut self.system_support,
            "support_head" => &mut self.support_head,
            "operational_wg" => &mut self.operational_wg,
            "technical_board" => &mut self.technical_board,
            "ekc" => &mut self.ekc,
            "registry_custodian" => &mut self.registry_custodian,
            _ => return None,
        })
    }
}

/// The case field of a role's job in `dro-hosting` version 2 (`customer` → `customer_job`).
pub fn job_field(role: &str) -> String {
    format!("{role}_job")
}

/// What the registry keeps of a solution (§2.8).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SolutionFields {
    /// Codename (1.1.1.14).
    pub codename: Codename,
    /// Name (application profile).
    pub name: Text,
    /// Description.
    #[serde(default)]
    pub description: Option<Text>,
    /// The customer body (ministry, body within it, administrative unit).
    pub customer_body: Text,
    /// The development contractor.
    #[serde(default)]
    pub contractor: Option<Text>,
    /// The contract reference.
    #[serde(default)]
    pub contract: Option<Text>,
    /// The entry route.
    pub entry_route: EntryRoute,
    /// Exceptional-system criteria met (1.1.1.7).
    #[serde(default)]
    pub exceptional: Vec<Exceptional>,
    /// The technical board's resolution, for an exceptional system.
    #[serde(default)]
    pub board_decision: Option<BoardDecision>,
    /// Technologies and infrastructure needs.
    #[serde(default)]
    pub technologies: Option<Text>,
    /// Modules inside HKOM.
    #[serde(default)]
    pub modules_hkom: Option<Text>,
    /// Internet-facing modules.
    #[serde(default)]
    pub modules_internet: Option<Text>,
    /// The PZI foresees a staging environment (only then may it have one, 1.1.1.9).
    #[serde(default)]
    pub staging_in_pzi: bool,
    /// Test environment.
    #[serde(default)]
    pub test: Option<Environment>,
    /// Staging environment.
    #[serde(default)]
    pub staging: Option<Environment>,
    /// Production environment.
    #[serde(default)]
    pub production: Option<Environment>,
    /// Placed in a public cloud rather than DRO (Art. 41).
    #[serde(default)]
    pub public_cloud: bool,
    /// The source repository.
    #[serde(default)]
    pub repository: Option<Text>,
    /// EKC support.
    #[serde(default)]
    pub ekc: EkcSupport,
    /// The EKC agreement signed on.
    #[serde(default)]
    pub ekc_agreement_signed: Option<LocalDate>,
    /// The inventory's information system it is (Art. 10): its custodian approves the
    /// transfer into production (Art. 7), its classes bound a public-cloud placement (Art. 41).
    #[serde(default)]
    pub system: Option<ItemId>,
    /// The people bound to the seed's roles.
    #[serde(default)]
    pub people: SolutionPeople,
    /// The jobs bound to the seed's roles: a role with no person is performed by the holders
    /// of its job now.
    #[serde(default)]
    pub jobs: SolutionJobs,
    /// User groups (1.1.1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Text>,
    /// Infrastructure needs (1.1.1.9, 1.1.1.13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure_needs: Option<Text>,
    /// Unavoidable deviations from the GTZ (1.1.1.9, 1.1.1.13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtz_deviations: Option<Text>,
    /// Common (horizontal) building blocks used (1.1.1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_blocks: Option<Text>,
    /// Non-standard workstations (1.1.1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonstandard_workstations: Option<Text>,
    /// The logical placement scheme confirmed (1.1.1.9, 1.1.1.14).
    #[serde(default, skip_serializing_if = "Confirmation::is_empty")]
    pub logical_scheme: Confirmation,
    /// The physical placement plan for test confirmed (1.1.1.14, 1.1.1.31).
    #[serde(default, skip_serializing_if = "Confirmation::is_empty")]
    pub physical_plan_test: Confirmation,
    /// The physical placement plan for production confirmed (1.1.1.14, 1.1.1.31).
    #[serde(default, skip_serializing_if = "Confirmation::is_empty")]
    pub physical_plan_production: Confirmation,
    /// The Redmine project (1.1.1.11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redmine_project: Option<Text>,
    /// The contractor's access to the repository granted on (1.1.1.15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_access_granted: Option<LocalDate>,
    /// EKC trained on (1.1.1.43).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ekc_trained: Option<LocalDate>,
    /// EKC's help contacts (1.1.1.45).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ekc_help_contacts: Option<Text>,
}

impl SolutionFields {
    /// The placement confirmations, each with its field's key.
    pub fn confirmations(&self) -> [(&'static str, &Confirmation); 3] {
        [
            ("logical_scheme", &self.logical_scheme),
            ("physical_plan_test", &self.physical_plan_test),
            ("physical_plan_production", &self.physical_plan_production),
        ]
    }

    /// Each placement confirmation names who confirmed it and the day, both or neither, and
    /// the day is not after `today` (the Slovenian calendar's day of the change).
    pub fn check_confirmations(&self, today: LocalDate) -> Result<(), Error> {
        self.confirmations()
            .into_iter()
            .try_for_each(|(field, c)| c.check(field, today))
    }
}

/// A version of a solution: its own `dro-hosting` case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SolutionVersion {
    /// Its label (`2.3`).
    pub version: Text,
    /// Its case.
    pub case: CaseId,
    /// Its first installation (it entered at the order), or a new version (at 1.1.1.18).
    pub first: bool,
    /// When it was opened.
    pub opened_at: Timestamp,
    /// Its Art. 22 change: the `change-request` case opened with it for the solution's
    /// system, whose approval (the custodian's and the information-security lead's written
    /// consents) the transition needs at 1.1.1.45. None for a version opened before versions
    /// were changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<CaseId>,
}

/// A solution of the registry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Solution {
    /// Id.
    pub id: SolutionId,
    /// What the registry keeps.
    #[serde(flatten)]
    pub fields: SolutionFields,
    /// Its versions, oldest first.
    #[serde(default)]
    pub versions: Vec<SolutionVersion>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// A result of a test or review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Passed (the last decision).
    Passed,
    /// Failed (the last decision; the case looped back).
    Failed,
    /// Not needed (load tests the customer did not ask for).
    NotNeeded,
    /// Waived by SIV for this version (the penetration test).
    Waived,
}

/// A version's history, read from its case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VersionFacts {
    /// The step it is at (its stage).
    pub stage: String,
    /// Done (in production) or withdrawn.
    pub closed: bool,
    /// SOC code review (1.1.1.25).
    pub soc_review: Option<Verdict>,
    /// Acceptance test in test (1.1.1.28).
    pub acceptance_test: Option<Verdict>,
    /// Acceptance test in production (1.1.1.34).
    pub acceptance_production: Option<Verdict>,
    /// Penetration test (1.1.1.35).
    pub pen_test: Option<Verdict>,
    /// Who waived the penetration test (SIV's consent).
    pub pen_test_waived_by: Option<UserId>,
    /// SIV's decision text.
    pub pen_test_waiver: Option<String>,
    /// Load tests (1.1.1.37, 1.1.1.41).
    pub load_test: Option<Verdict>,
    /// The OVSP form attached (1.1.1.43).
    pub ovsp: bool,
    /// The micro plan attached (1.1.1.45).
    pub micro_plan: bool,
    /// The transition date (1.1.1.45).
    pub transition_date: Option<String>,
    /// Times the transition was rolled back (1.1.1.46).
    pub rollbacks: u32,
    /// In production (1.1.1.48).
    pub in_production: bool,
}

/// Two addresses name one environment: equal but for case, a scheme and a trailing slash
/// (Art. 47(3): test and production must be separate). The engine's rule, shared by the
/// refusal at 1.1.1.31 and the pages that say what will stop a version.
pub fn same_address(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_lowercase();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .map(str::to_owned)
            .unwrap_or(s);
        s.trim_end_matches('/').to_owned()
    };
    norm(a) == norm(b)
}

/// What a version's case holds for the Decree's rules on the way into production: the one
/// reading of its documents and consents, for the engine's refusals (`plan/solution.rs`,
/// `World::hosting_decree`) and for the pages' gates (`service::hosting::gates`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransitionEvidence {
    /// Operating instructions attached (Art. 14(3)).
    pub operating_instructions: bool,
    /// Backup instructions attached (Art. 29(5)).
    pub backup_instructions: bool,
    /// The custodian's approval of the transfer given at the current visit of the step the
    /// case is at (Art. 7; a rolled-back transition asks again).
    pub custodian_approval: bool,
    /// An independent security assessment attached (Art. 23(1)).
    pub security_assessment: bool,
    /// The case is a first installation (its field `first_installation`).
    pub first_installation: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> LocalDate {
        LocalDate::new(2026, 5, d).unwrap()
    }

    fn by(name: &str) -> Option<Text> {
        Some(Text::parse("confirmed_by", name).unwrap())
    }

    #[test]
    fn a_confirmation_names_both_and_no_day_to_come() {
        let today = day(10);
        let code = |c: &Confirmation| c.check("physical_plan_test", today).map_err(|e| e.code().to_owned());
        assert_eq!(code(&Confirmation::default()), Ok(()));
        let both = Confirmation {
            confirmed_by: by("Mojca Novak"),
            date: Some(day(10)),
        };
        assert_eq!(code(&both), Ok(()));
        let no_day = Confirmation {
            confirmed_by: by("Mojca Novak"),
            date: None,
        };
        assert_eq!(code(&no_day), Err("confirmation-without-date".to_owned()));
        let no_one = Confirmation {
            confirmed_by: None,
            date: Some(day(1)),
        };
        assert_eq!(code(&no_one), Err("confirmation-without-confirmer".to_owned()));
        let tomorrow = Confirmation {
            confirmed_by: by("Mojca Novak"),
            date: Some(day(11)),
        };
        assert_eq!(code(&tomorrow), Err("confirmation-in-future".to_owned()));
        let err = tomorrow.check("physical_plan_test", today).unwrap_err();
        assert!(
            err.message(crate::lang::Lang::En)
                .contains("physical placement plan for test")
        );
        assert!(
            err.message(crate::lang::Lang::Sl)
                .contains("fizični načrt namestitve za test")
        );
    }

    #[test]
    fn old_records_read_without_the_new_fields_and_write_none_of_them() {
        let stored = serde_json::json!({
            "codename": "OPSI", "name": "Portal", "customer_body": "MJU", "entry_route": "order"
        });
        let f: SolutionFields = serde_json::from_value(stored).unwrap();
        assert!(f.logical_scheme.is_empty() && f.user_groups.is_none() && f.ekc_trained.is_none());
        let back = serde_json::to_value(&f).unwrap();
        for key in ["logical_scheme", "user_groups", "ekc_trained", "redmine_project"] {
            assert!(back.get(key).is_none(), "{key} written for an old record");
        }
    }
}
