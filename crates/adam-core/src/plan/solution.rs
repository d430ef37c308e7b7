//! Planning the registry of information solutions (seed 000) and the Decree's rules on the
//! way into production.
//!
//! Rules, each a specific refusal:
//! - the registry is kept by the register keepers (the security lead, the system
//!   administrator) and by the solution's placement coordinator and registry custodian — the
//!   person named, or the holders of the role's job (1.1.1.11: coordination registers the
//!   solution and keeps the entry current);
//! - a codename is unique; a staging environment only when the PZI foresees it (1.1.1.9); the
//!   board decides only on an exceptional system (1.1.1.7);
//! - test and production are separate environments (Art. 47(3));
//! - a public-cloud placement only for a system at most Z1/C1/R1 (Art. 41(1)), judged by the
//!   linked inventory system's class and floor;
//! - a role's job must exist and be valid (`unknown-solution-job`, `invalid-solution-job`);
//! - a version is a `dro-hosting` case opened with the solution's people and jobs bound to the
//!   seed's roles (a role's person, or when none is named the holders of its job); one version in flight at a time; a label never reused; the first version enters
//!   at the order, every later one at the development order (1.1.1.18);
//! - opening a version also opens its Art. 22 change: a `change-request` case for the
//!   solution's system (affecting functionality, its rollback plan the micro plan's), linked
//!   from the version (`SolutionVersion::change`);
//! - on the way into production ([`World::hosting_decree`], called by the process planner):
//!   the version's change approved — the custodian's and the information-security lead's
//!   written consents given at its `consent` step — before the micro plan is done (1.1.1.45,
//!   Art. 22(3));
//!   operating and backup instructions before the transition request (Art. 14(3), 29(5)); the
//!   custodian's approval of the transfer (Art. 7); an independent security assessment before
//!   the first transfer (Art. 23(1)), by a SOC that is neither the system's custodian nor one of
//!   its operators (Art. 23(2)); the environments separate (Art. 47(3)); the placement
//!   allowed (Art. 41).

use super::Draft;
use crate::admin::Actor;
use crate::command::{Command, Created};
use crate::error::{Error, RegisterError};
use crate::event::Event;
use crate::ids::*;
use crate::process::{self, Case, FieldValue};
use crate::register::inventory::fits_public_cloud;
use crate::register::solution::{
    Solution, SolutionFields, SolutionVersion, TransitionEvidence, job_field, same_address,
};
use crate::text::{Code, Text};
use crate::time::Timestamp;
use crate::world::World;
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl World {
    pub(super) fn plan_solution(
        &self,
        actor: &Actor,
        command: &Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::RegisterSolution { fields } => {
                self.require_solution_keeper(actor, None, at)?;
                self.check_solution(None, fields, at)?;
                let id = SolutionId(self.reg.solutions.len() as u32);
                let s = Solution {
                    id,
                    fields: fields.clone(),
                    versions: Vec::new(),
                    rev,
                };
                Ok(Draft::new(vec![Event::Solution(Box::new(s))]).created(Created::Solution(id)))
            }
            Command::UpdateSolution { solution, fields } => {
                let old = self.solution(*solution)?;
                self.require_solution_keeper(actor, Some(old), at)?;
                self.check_solution(Some(*solution), fields, at)?;
                let mut new = old.clone();
                new.fields = fields.clone();
                new.rev = rev;
                let new = crate::world::unchanged_refused(old, new, "the solution already has these data")?;
                Ok(Draft::new(vec![Event::Solution(Box::new(new))]))
            }
            Command::OpenSolutionVersion { solution, version } => {
                self.plan_open_version(actor, *solution, version, at, rev)
            }
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    fn require_solution_keeper(&self, actor: &Actor, s: Option<&Solution>, at: Timestamp) -> Result<(), Error> {
        if self.keeps_registers(actor, at)? {
            return Ok(());
        }
        // The coordinator and the registry custodian as the versions' cases bind them: the
        // person named, or the holders now of the role's job.
        let named = match (s, actor.user_id()) {
            (Some(s), Some(me)) => ["coordinator", "registry_custodian"]
                .iter()
                .any(|r| self.solution_role_people(s, r).contains(&me)),
            _ => false,
        };
        if named {
            Ok(())
        } else {
            Err(RegisterError::NotRegisterKeeper("keep the registry of information solutions").into())
        }
    }

    fn check_solution(&self, id: Option<SolutionId>, f: &SolutionFields, at: Timestamp) -> Result<(), Error> {
        if self
            .reg
            .solutions
            .iter()
            .any(|s| Some(s.id) != id && s.fields.codename == f.codename)
        {
            return Err(RegisterError::CodenameTaken(f.codename.to_string()).into());
        }
        if f.staging.is_some() && !f.staging_in_pzi {
            return Err(RegisterError::StagingNotInPzi.into());
        }
        f.check_confirmations(crate::calendar::LocalDate::of(at))?;
        if f.board_decision.is_some() && f.exceptional.is_empty() {
            return Err(RegisterError::BoardWithoutCriteria.into());
        }
        if let (Some(t), Some(p)) = (&f.test, &f.production)
            && same_address(t.address.as_str(), p.address.as_str())
        {
            return Err(RegisterError::EnvironmentsNotSeparate(p.address.to_string()).into());
        }
        if let Some(system) = f.system {
            let item = self.item(system)?;
            if item.kind != crate::register::inventory::ItemKind::System {
                return Err(RegisterError::NotASystem(system).into());
            }
        }
        self.check_solution_cloud(f)?;
        for (_, u) in f.people.pairs() {
            if let Some(u) = u {
                self.user(u)?;
            }
        }
        self.check_solution_jobs(f)
    }

    /// Every role's job exists and is valid (an invalidated job would bind nobody).
    fn check_solution_jobs(&self, f: &SolutionFields) -> Result<(), Error> {
        for (role, j) in f.jobs.pairs() {
            let Some(j) = j else { continue };
            let job = self.job(j).map_err(|_| RegisterError::UnknownSolutionJob {
                role: role.to_owned(),
                job: j,
            })?;
            if !job.valid {
                return Err(RegisterError::InvalidSolutionJob {
                    role: role.to_owned(),
                    job: job.code.to_string(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Art. 41(1): a public-cloud placement only for a system at most Z1, C1 and R1.
    /// The refusal of a public-cloud placement the linked system's classes do not allow
    /// (Art. 41(1)), if any: the engine's rule, also read by the pages' gates.
    pub fn check_solution_cloud(&self, f: &SolutionFields) -> Result<(), Error> {
        if !f.public_cloud {
            return Ok(());
        }
        let system = f.system.ok_or(RegisterError::CloudWithoutSystem)?;
        let item = self.item(system)?;
        let class = self.effective_class(item);
        if !fits_public_cloud(class) {
            return Err(RegisterError::SolutionCloudClass {
                system: item.fields.code.to_string(),
                class: class.to_string(),
            }
            .into());
        }
        Ok(())
    }

    fn plan_open_version(
        &self,
        actor: &Actor,
        id: SolutionId,
        version: &Text,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let s = self.solution(id)?;
        self.require_solution_keeper(actor, Some(s), at)?;
        if let Some(v) = s.in_flight(|c| self.case(c).ok()) {
            return Err(RegisterError::VersionInFlight(v.version.to_string()).into());
        }
        if s.versions.iter().any(|v| v.version == *version) {
            return Err(RegisterError::VersionExists(version.to_string()).into());
        }
        let system = s.fields.system.ok_or(RegisterError::SolutionWithoutSystem)?;
        self.check_solution_cloud(&s.fields)?;
        // A job invalidated since the entry was saved is said now, naming the role, rather
        // than as "nobody to perform" when the case reaches the role's step.
        self.check_solution_jobs(&s.fields)?;
        // The first installation until a version has reached production.
        let first = !s
            .versions
            .iter()
            .any(|v| self.case(v.case).is_ok_and(|c| c.current.as_str() == "1.1.1.48"));
        let mut fields: BTreeMap<String, Value> = BTreeMap::new();
        fields.insert("solution".into(), json!(s.fields.codename.as_str()));
        fields.insert("solution_version".into(), json!(version.as_str()));
        fields.insert("system".into(), json!(system.0));
        fields.insert("first_installation".into(), json!(first));
        for (k, u) in s.fields.people.pairs() {
            if let Some(u) = u {
                fields.insert(k.into(), json!(u.0));
            }
        }
        // The jobs go to the `<role>_job` fields of a definition that has them (version 2 on);
        // a case of a kept definition without them binds the people alone, as before.
        let def = self.definition_for_new_case(process::DRO_HOSTING);
        for (k, j) in s.fields.jobs.pairs() {
            let key = job_field(k);
            if let Some(j) = j
                && def.is_some_and(|d| d.field(&key).is_some())
            {
                fields.insert(key, json!(j.0));
            }
        }
        // Its Art. 22 change first, then the version's case on a copy of the world that holds
        // the change, so that the two cases' ids (and any definition kept for them) follow one
        // another and the version's case names its change (`change_request`, version 4 on).
        let change_fields = version_change_fields(s.fields.codename.as_str(), version.as_str(), system);
        let change_title = Text::parse(
            "title",
            &format!("{} {} — 22. člen / Art. 22", s.fields.codename, version),
        )?;
        let change_process = Code::parse("process", process::CHANGE_REQUEST)?;
        let change_draft = self.plan_start_case_as(
            actor,
            &change_process,
            &change_title,
            &change_fields,
            &[],
            at,
            rev,
            false,
        )?;
        let Some(Created::Case(change)) = change_draft.created else {
            return Err(Error::NoChange("no change request was started"));
        };
        let mut scratch = self.clone();
        for e in &change_draft.events {
            scratch.apply(e.clone())?;
        }
        if def.is_some_and(|d| d.field("change_request").is_some()) {
            fields.insert("change_request".into(), json!(change.0));
        }
        let title = Text::parse("title", &format!("{} {}", s.fields.codename, version))?;
        let process = Code::parse("process", process::DRO_HOSTING)?;
        let mut draft = scratch.plan_start_case_as(actor, &process, &title, &fields, &[], at, rev, false)?;
        let Some(Created::Case(case)) = draft.created else {
            return Err(Error::NoChange("no case was started"));
        };
        let mut events = change_draft.events;
        events.append(&mut draft.events);
        draft.events = events;
        let mut new = s.clone();
        new.versions.push(SolutionVersion {
            version: version.clone(),
            case,
            first,
            opened_at: at,
            change: Some(change),
        });
        new.rev = rev;
        draft.events.push(Event::Solution(Box::new(new)));
        Ok(draft)
    }

    /// The Decree's rules on a `dro-hosting` case's way into production, checked before the
    /// definition's own guards so that each is refused with its article (`case` already holds
    /// the decision's fields and files).
    pub(super) fn hosting_decree(
        &self,
        case: &Case,
        def: &process::Definition,
        step: &str,
        outcome: &str,
        at: Timestamp,
    ) -> Result<(), Error> {
        if case.process.as_str() != process::DRO_HOSTING || outcome != "done" {
            return Ok(());
        }
        let evidence = TransitionEvidence::of(case);
        let text = |k: &str| match case.fields.iter().find(|(c, _)| c.as_str() == k) {
            Some((_, FieldValue::Text(s))) => Some(s.clone()),
            _ => None,
        };
        let solution = self.solution_of_case(case.id);
        match step {
            "1.1.1.31" => {
                let test = text("test_address")
                    .or_else(|| solution.and_then(|s| s.fields.test.as_ref().map(|e| e.address.to_string())));
                if let (Some(t), Some(p)) = (test, text("production_address"))
                    && same_address(&t, &p)
                {
                    return Err(RegisterError::EnvironmentsNotSeparate(p).into());
                }
            }
            "1.1.1.43" => {
                if !evidence.operating_instructions {
                    return Err(RegisterError::InstructionsMissing {
                        article: "14(3)",
                        what: "operating instructions",
                    }
                    .into());
                }
                if !evidence.backup_instructions {
                    return Err(RegisterError::InstructionsMissing {
                        article: "29(5)",
                        what: "backup instructions",
                    }
                    .into());
                }
            }
            "1.1.1.45" => {
                if let Some(change) = self.version_change_of(case.id)
                    && !self.change_approved(change)
                {
                    return Err(RegisterError::VersionChangeNotApproved(change.0).into());
                }
                if !evidence.custodian_approval {
                    return Err(RegisterError::NoCustodianApproval.into());
                }
                if evidence.first_installation && !evidence.security_assessment {
                    return Err(RegisterError::NoIndependentAssessment.into());
                }
                if evidence.first_installation {
                    self.soc_independent(case, def, at)?;
                }
                if let Some(s) = solution {
                    self.check_solution_cloud(&s.fields)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl World {
    /// Art. 23(2): the assessment before the first transfer is SOC's, and its assessor must be
    /// connected with neither the operation of the system nor its custody — none of the people
    /// bound to SOC on the case may be the system's custodian or one of its operators named in
    /// the inventory (the developer and system support are kept apart by the definition's own
    /// `distinct` guard).
    fn soc_independent(&self, case: &Case, def: &process::Definition, at: Timestamp) -> Result<(), Error> {
        let system = match case.fields.iter().find(|(k, _)| k.as_str() == "system") {
            Some((_, FieldValue::Int(i))) => u32::try_from(*i).ok().map(ItemId),
            _ => None,
        };
        let Some(item) = system.and_then(|s| self.item(s).ok()) else {
            return Ok(());
        };
        for user in self.bound_people(def, &case.fields, case.started_by, "soc", at) {
            let role = if item.fields.custodian == user {
                "custodian"
            } else if item
                .fields
                .operators
                .contains(&crate::register::inventory::Operator::User(user))
            {
                "operator"
            } else {
                continue;
            };
            let person = self.user(user).map_or_else(|_| user.to_string(), |u| u.display_name());
            return Err(RegisterError::AssessorNotIndependent {
                person,
                role,
                system: item.fields.code.to_string(),
            }
            .into());
        }
        Ok(())
    }

    /// The Art. 22 change opened with the version whose `dro-hosting` case this is, if any.
    pub fn version_change_of(&self, case: CaseId) -> Option<CaseId> {
        self.solution_of_case(case)?
            .versions
            .iter()
            .find(|v| v.case == case)
            .and_then(|v| v.change)
    }

    /// Whether a change request is approved: past its `consent` step with the approval (at
    /// implementation, verification, assessment, or closed). One sent back for rework or
    /// rolled back to preparation asks for the consents again; a refused or withdrawn one is
    /// not approved.
    pub fn change_approved(&self, change: CaseId) -> bool {
        self.case(change)
            .is_ok_and(|c| matches!(c.current.as_str(), "implement" | "verify" | "assessment" | "closed"))
    }
}

/// What a version's change request is opened with: the system, what changes (a new version of
/// the solution, which affects its functionality), and as its rollback plan the micro plan's
/// (Art. 22(7): the plan made at 1.1.1.45 is the change's). Said in both languages: the case
/// is read by people of either.
fn version_change_fields(codename: &str, version: &str, system: ItemId) -> BTreeMap<String, Value> {
    let mut f = BTreeMap::new();
    f.insert("system".into(), json!(system.0));
    f.insert(
        "description".into(),
        json!(format!(
            "Nova različica {version} rešitve {codename} (gostovanje v DRO).\n\
             New version {version} of solution {codename} (hosting on DRO)."
        )),
    );
    f.insert("affects_function".into(), json!(true));
    f.insert(
        "rollback_plan".into(),
        json!(format!(
            "Načrt povrnitve v prejšnje stanje je tisti iz mikro načrta prehoda v produkcijo (1.1.1.45) različice {codename} {version}.\n\
             The rollback plan is the one of the micro plan of the production transition (1.1.1.45) of {codename} {version}."
        )),
    );
    f
}
