//! Planning the directory: the organisation's settings, offices, jobs, users and groups.

use super::Draft;
use crate::admin::{Actor, Authority};
use crate::command::Created;
use crate::directory::{AccountKind, Gender, Group, Job, JobKind, Office, User};
use crate::error::{AuthorityError, DirectoryError, Error, RoleError};
use crate::event::Event;
use crate::ids::*;
use crate::level::Level;
use crate::roles::RoleKind;
use crate::settings::Settings;
use crate::text::{Code, Email, JobCode, Phone, SigningCode, Text, Username};
use crate::time::Timestamp;
use crate::world::{World, unchanged_refused};

impl World {
    /// Replaces the organisation's settings.
    pub(super) fn plan_set_settings(
        &self,
        actor: &Actor,
        settings: Settings,
        at: Timestamp,
        _rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_full(actor, at, "change the organisation's settings")?;
        for role in settings
            .clearance_roles
            .iter()
            .chain([&settings.dist_main_role, &settings.reopen_role])
            .flatten()
        {
            if self.role(*role)?.kind == RoleKind::System {
                return Err(Error::Roles(RoleError::RoleShape(
                    "the distribution, reopen and clearance roles must be application or user roles",
                )));
            }
        }
        for (class, level) in settings.default_view.iter().enumerate() {
            if !(Level::View11..=Level::View14).contains(level) {
                return Err(Error::Directory(DirectoryError::DefaultViewNotAView {
                    class: class as u8,
                    level: *level,
                }));
            }
        }
        if settings == self.settings {
            return Err(Error::NoChange("the settings are already so"));
        }
        Ok(Draft::new(vec![Event::Settings(settings)]))
    }

    /// Creates an office with its head job `LEADER.<code>` and secretariat `TAJNISTVO.<code>`.
    pub(super) fn plan_create_office(
        &self,
        actor: &Actor,
        code: Code,
        name: Text,
        parent: Option<OfficeId>,
        signing_code: Option<SigningCode>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_office(actor, parent, at)?;
        if let Some(p) = parent
            && !self.office(p)?.valid
        {
            return Err(Error::Directory(DirectoryError::OfficeInvalid(p)));
        }
        self.code_free(&self.idx.office_code, code.as_str(), "office")?;
        self.signing_code_free(signing_code.as_ref(), None)?;
        let head = JobCode::parse("code", &format!("LEADER.{code}"))?;
        let secretariat = JobCode::parse("code", &format!("TAJNISTVO.{code}"))?;
        self.code_free(&self.idx.job_code, head.as_str(), "job")?;
        self.code_free(&self.idx.job_code, secretariat.as_str(), "job")?;
        let id = OfficeId(self.offices.len() as u32);
        let first_job = self.jobs.len() as u32;
        let secretariat_name: String = format!("Tajništvo – {name}").chars().take(Text::MAX).collect();
        let events = vec![
            Event::Office(Office {
                id,
                code,
                name,
                parent,
                signing_code,
                valid: true,
                rev,
            }),
            Event::Job(Job {
                id: JobId(first_job),
                name: Text::parse("name", head.as_str())?,
                code: head,
                signing_code: None,
                office: id,
                kind: JobKind::Head,
                valid: true,
                rev,
            }),
            Event::Job(Job {
                id: JobId(first_job + 1),
                code: secretariat,
                signing_code: None,
                name: Text::parse("name", &secretariat_name)?,
                office: id,
                kind: JobKind::Secretariat,
                valid: true,
                rev,
            }),
        ];
        Ok(Draft::new(events).created(Created::Office(id)))
    }

    /// Changes an office's name, parent or signing code.
    pub(super) fn plan_update_office(
        &self,
        actor: &Actor,
        office: OfficeId,
        name: Text,
        parent: Option<OfficeId>,
        signing_code: Option<SigningCode>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.office(office)?;
        self.require_office(actor, Some(office), at)?;
        if parent != old.parent {
            if self.acts_from(actor, |j| {
                self.job(j).is_ok_and(|j| self.office_within(j.office, office))
            }) {
                // The grants of the offices above reach everyone below: moving one's own
                // office moves one's rights.
                return Err(Error::Authority(AuthorityError::SelfAdministration(
                    "move the office you work in",
                )));
            }
            self.require_office(actor, parent, at)?;
            if let Some(p) = parent {
                if self.office_within(p, office) {
                    return Err(Error::Directory(DirectoryError::OfficeCycle { office, parent: p }));
                }
                if !self.office(p)?.valid {
                    return Err(Error::Directory(DirectoryError::OfficeInvalid(p)));
                }
            }
        }
        if signing_code != old.signing_code {
            self.signing_code_free(signing_code.as_ref(), Some(Holder::Office(office)))?;
        }
        let new = Office {
            name,
            parent,
            signing_code,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the office already has these data")?;
        Ok(Draft::new(vec![Event::Office(new)]))
    }

    /// Invalidates or revalidates an office.
    pub(super) fn plan_set_office_valid(
        &self,
        actor: &Actor,
        office: OfficeId,
        valid: bool,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.office(office)?;
        self.require_office(actor, Some(office), at)?;
        switch_needed(
            old.valid,
            valid,
            "the office is already valid",
            "the office is already invalid",
        )?;
        if valid {
            if let Some(p) = old.parent
                && !self.office(p)?.valid
            {
                return Err(Error::Directory(DirectoryError::OfficeInvalid(p)));
            }
        } else {
            let jobs = self
                .office_jobs(office)
                .iter()
                .filter(|j| self.jobs[j.index()].valid)
                .count();
            let offices = self
                .office_children(office)
                .iter()
                .filter(|o| self.offices[o.index()].valid)
                .count();
            if jobs + offices > 0 {
                return Err(Error::Directory(DirectoryError::OfficeNotEmpty {
                    office,
                    jobs,
                    offices,
                }));
            }
        }
        Ok(Draft::new(vec![Event::Office(Office {
            valid,
            rev,
            ..old.clone()
        })]))
    }

    /// Creates a job in an office.
    pub(super) fn plan_create_job(
        &self,
        actor: &Actor,
        code: JobCode,
        signing_code: Option<SigningCode>,
        name: Text,
        office: OfficeId,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_office(actor, Some(office), at)?;
        if !self.office(office)?.valid {
            return Err(Error::Directory(DirectoryError::OfficeInvalid(office)));
        }
        self.code_free(&self.idx.job_code, code.as_str(), "job")?;
        self.signing_code_free(signing_code.as_ref(), None)?;
        let id = JobId(self.jobs.len() as u32);
        Ok(Draft::new(vec![Event::Job(Job {
            id,
            code,
            signing_code,
            name,
            office,
            kind: JobKind::Regular,
            valid: true,
            rev,
        })])
        .created(Created::Job(id)))
    }

    /// Changes a job's signing code, name or office.
    pub(super) fn plan_update_job(
        &self,
        actor: &Actor,
        job: JobId,
        signing_code: Option<SigningCode>,
        name: Text,
        office: OfficeId,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.job(job)?;
        self.require_job(actor, job, at)?;
        if office != old.office {
            if self.acts_from(actor, |j| j == job) {
                // Office grants reach whoever holds the job: moving it moves one's rights.
                return Err(Error::Authority(AuthorityError::SelfAdministration(
                    "move a job you hold to another office",
                )));
            }
            self.require_office(actor, Some(office), at)?;
            if !self.office(office)?.valid {
                return Err(Error::Directory(DirectoryError::OfficeInvalid(office)));
            }
        }
        if signing_code != old.signing_code {
            self.signing_code_free(signing_code.as_ref(), Some(Holder::Job(job)))?;
        }
        let new = Job {
            signing_code,
            name,
            office,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the job already has these data")?;
        Ok(Draft::new(vec![Event::Job(new)]))
    }

    /// Invalidates (the second step of deletion) or revalidates a job.
    pub(super) fn plan_set_job_valid(
        &self,
        actor: &Actor,
        job: JobId,
        valid: bool,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.job(job)?;
        self.require_job(actor, job, at)?;
        switch_needed(
            old.valid,
            valid,
            "the job is already valid",
            "the job is already invalid",
        )?;
        if valid {
            if !self.office(old.office)?.valid {
                return Err(Error::Directory(DirectoryError::OfficeInvalid(old.office)));
            }
        } else {
            let users: Vec<UserId> = self
                .job_occupants(job)
                .iter()
                .copied()
                .filter(|u| self.users[u.index()].active)
                .collect();
            if !users.is_empty() {
                return Err(Error::Directory(DirectoryError::JobOccupied { job, users }));
            }
        }
        Ok(Draft::new(vec![Event::Job(Job {
            valid,
            rev,
            ..old.clone()
        })]))
    }

    /// Creates an account.
    pub(super) fn plan_create_user(
        &self,
        actor: &Actor,
        username: Username,
        kind: AccountKind,
        title: Option<Text>,
        first_name: Text,
        last_name: Text,
        gender: Gender,
        email: Email,
        phone: Option<Phone>,
        jobs: Vec<JobId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match self.authority(actor, at)? {
            Authority::Full => {}
            Authority::Browse => return Err(Error::Authority(AuthorityError::NotAnAdministrator)),
            Authority::UserAdmin(_) if kind != AccountKind::User => {
                return Err(Error::Authority(AuthorityError::SystemAdministratorOnly(
                    "create admin and service accounts",
                )));
            }
            Authority::UserAdmin(_) => {
                for j in &jobs {
                    self.require_job_to_fill(actor, *j, at)?;
                }
            }
        }
        self.code_free(&self.idx.username, username.as_str(), "username")?;
        let id = UserId(self.users.len() as u32);
        let jobs = self.checked_jobs(id, jobs)?;
        Ok(Draft::new(vec![Event::User(User {
            id,
            username,
            kind,
            active: true,
            title,
            first_name,
            last_name,
            gender,
            email,
            phone,
            jobs,
            rev,
        })])
        .created(Created::User(id)))
    }

    /// Changes a user's personal data.
    pub(super) fn plan_update_user(
        &self,
        actor: &Actor,
        user: UserId,
        title: Option<Text>,
        first_name: Text,
        last_name: Text,
        gender: Gender,
        email: Email,
        phone: Option<Phone>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.user(user)?;
        self.require_user(actor, user, at)?;
        if email != old.email {
            // Password resets go to this address: changing it is setting a credential.
            self.require_credentials(actor, user, at)?;
        }
        let new = User {
            title,
            first_name,
            last_name,
            gender,
            email,
            phone,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the user already has these data")?;
        Ok(Draft::new(vec![Event::User(new)]))
    }

    /// Deactivates (the first step of deletion) or reactivates an account.
    pub(super) fn plan_set_user_active(
        &self,
        actor: &Actor,
        user: UserId,
        active: bool,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.user(user)?;
        self.require_user(actor, user, at)?;
        switch_needed(
            old.active,
            active,
            "the user is already active",
            "the user is already inactive",
        )?;
        Ok(Draft::new(vec![Event::User(User {
            active,
            rev,
            ..old.clone()
        })]))
    }

    /// Gives a user a job.
    pub(super) fn plan_assign_job(
        &self,
        actor: &Actor,
        user: UserId,
        job: JobId,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.user(user)?;
        self.require_user(actor, user, at)?;
        self.require_job_to_fill(actor, job, at)?;
        let mut jobs = old.jobs.clone();
        jobs.push(job);
        let jobs = self.checked_jobs(user, jobs)?;
        Ok(Draft::new(vec![Event::User(User {
            jobs,
            rev,
            ..old.clone()
        })]))
    }

    /// Takes a job from a user.
    pub(super) fn plan_unassign_job(
        &self,
        actor: &Actor,
        user: UserId,
        job: JobId,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.user(user)?;
        self.job(job)?;
        self.require_user(actor, user, at)?;
        self.require_job(actor, job, at)?;
        if !old.jobs.contains(&job) {
            return Err(Error::Directory(DirectoryError::NotAssigned { user, job }));
        }
        Ok(Draft::new(vec![Event::User(User {
            jobs: old.jobs.iter().copied().filter(|j| *j != job).collect(),
            rev,
            ..old.clone()
        })]))
    }

    /// Creates a user group.
    pub(super) fn plan_create_group(
        &self,
        actor: &Actor,
        code: Code,
        name: Text,
        users: Vec<UserId>,
        jobs: Vec<JobId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_full(actor, at, "define user groups")?;
        self.code_free(&self.idx.group_code, code.as_str(), "group")?;
        let id = GroupId(self.groups.len() as u32);
        let (users, jobs) = self.checked_members(users, jobs)?;
        Ok(Draft::new(vec![Event::Group(Group {
            id,
            code,
            name,
            users,
            jobs,
            rev,
        })])
        .created(Created::Group(id)))
    }

    /// Replaces a group's name and members.
    pub(super) fn plan_update_group(
        &self,
        actor: &Actor,
        group: GroupId,
        name: Text,
        users: Vec<UserId>,
        jobs: Vec<JobId>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.group(group)?;
        self.require_full(actor, at, "define user groups")?;
        let (users, jobs) = self.checked_members(users, jobs)?;
        let new = Group {
            name,
            users,
            jobs,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the group already has these members")?;
        Ok(Draft::new(vec![Event::Group(new)]))
    }

    /// Refuses a signing code another office or job carries (`this`: the record being changed,
    /// which may keep its own). Checked only when a code is set or changed, so data written
    /// before the rule (duplicates in an old change log) still loads and can be corrected. A
    /// scan rather than an index: offices and jobs are created one by one by administrators.
    fn signing_code_free(&self, code: Option<&SigningCode>, this: Option<Holder>) -> Result<(), Error> {
        let Some(code) = code else { return Ok(()) };
        let taken = |sc: &Option<SigningCode>| sc.as_ref().is_some_and(|sc| sc.as_str() == code.as_str());
        let holder = self
            .offices()
            .iter()
            .filter(|o| this != Some(Holder::Office(o.id)) && taken(&o.signing_code))
            .map(|o| ("office", o.code.to_string()))
            .chain(
                self.jobs()
                    .iter()
                    .filter(|j| this != Some(Holder::Job(j.id)) && taken(&j.signing_code))
                    .map(|j| ("job", j.code.to_string())),
            )
            .next();
        match holder {
            Some((kind, holder)) => Err(Error::Directory(DirectoryError::DuplicateSigningCode {
                code: code.as_str().to_owned(),
                kind,
                holder,
            })),
            None => Ok(()),
        }
    }

    /// Jobs for a user: each exists, is valid and appears once.
    pub(super) fn checked_jobs(&self, user: UserId, jobs: Vec<JobId>) -> Result<Vec<JobId>, Error> {
        let mut out: Vec<JobId> = Vec::with_capacity(jobs.len());
        for j in jobs {
            if !self.job(j)?.valid {
                return Err(Error::Directory(DirectoryError::JobInvalid(j)));
            }
            if out.contains(&j) {
                return Err(Error::Directory(DirectoryError::AlreadyAssigned { user, job: j }));
            }
            out.push(j);
        }
        Ok(out)
    }

    pub(super) fn checked_members(
        &self,
        mut users: Vec<UserId>,
        mut jobs: Vec<JobId>,
    ) -> Result<(Vec<UserId>, Vec<JobId>), Error> {
        for u in &users {
            self.user(*u)?;
        }
        for j in &jobs {
            self.job(*j)?;
        }
        users.sort_unstable();
        users.dedup();
        jobs.sort_unstable();
        jobs.dedup();
        Ok((users, jobs))
    }
}

/// The office or job whose signing code is being set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Office(OfficeId),
    Job(JobId),
}

/// Refuses switching a record (valid, active) to the state it is already in, saying which
/// (`already_on` when asked to switch on, `already_off` when asked to switch off).
fn switch_needed(is: bool, wanted: bool, already_on: &'static str, already_off: &'static str) -> Result<(), Error> {
    if is == wanted {
        return Err(Error::NoChange(if wanted { already_on } else { already_off }));
    }
    Ok(())
}
