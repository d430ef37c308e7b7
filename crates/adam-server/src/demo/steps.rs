//! The vocabulary of the demo's sequence: steps over any executor (run as the system, grant a
//! role, open a folder, file a document, look a code up) and the small helpers they share.

use super::executor::Executor;
use adam_core::{
    Actor, AppId, Classification, Command, CreatedId, DocumentId, Error, FolderId, GrantId, Grantee, JobId, OfficeId,
    Plan, RoleId, SecurityClass, Text, Timestamp, UserId, Window,
};

pub(super) fn text(value: &str) -> Result<Text, Error> {
    Text::parse("text", value)
}

/// `Kocjančič` → `kocjancic`, for invented e-mail addresses.
pub(super) fn ascii_lower(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'č' | 'Č' | 'ć' | 'Ć' => 'c',
            'š' | 'Š' => 's',
            'ž' | 'Ž' => 'z',
            'đ' | 'Đ' => 'd',
            other => other.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The start of the day `at` falls in, `days` days later: grant windows are entered as dates.
pub(super) fn day(at: Timestamp, days: i64) -> Timestamp {
    Timestamp(at.0.div_euclid(86_400) * 86_400).plus_days(days)
}

/// The id of the record `plan` created.
pub(super) fn pick<T: CreatedId>(plan: &Plan) -> Result<T, Error> {
    plan.created.and_then(T::of).ok_or_else(|| {
        Error::State(adam_core::StateError::Corrupt(format!(
            "{} reported {:?} as created",
            plan.action, plan.created
        )))
    })
}

/// The steps of the sequence, over any executor.
pub(super) struct Steps<'x, X> {
    pub(super) x: &'x mut X,
}

impl<X: Executor> Steps<'_, X> {
    pub(super) async fn sys(&mut self, command: Command) -> Result<Plan, X::Error> {
        self.x.run(Actor::System, command).await
    }

    pub(super) fn job(&self, code: &str) -> Result<JobId, Error> {
        self.x.read(|w| w.job_by_code(code))
    }

    pub(super) fn office(&self, code: &str) -> Result<OfficeId, Error> {
        self.x.read(|w| w.office_by_code(code))
    }

    pub(super) fn role(&self, code: &str) -> Result<RoleId, Error> {
        self.x.read(|w| w.role_by_code(code))
    }

    pub(super) fn user(&self, username: &str) -> Result<UserId, Error> {
        self.x.read(|w| w.user_by_username(username))
    }

    pub(super) async fn grant(
        &mut self,
        actor: Actor,
        role: &str,
        grantee: Grantee,
        window: Window,
        scope: Option<OfficeId>,
        reference: Option<&str>,
    ) -> Result<GrantId, X::Error> {
        let command = Command::Grant {
            role: self.role(role)?,
            grantee,
            window,
            scope,
            reference: reference.map(text).transpose()?,
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan)?)
    }

    pub(super) async fn always(&mut self, role: &str, grantee: Grantee) -> Result<GrantId, X::Error> {
        self.grant(Actor::System, role, grantee, Window::ALWAYS, None, None)
            .await
    }

    pub(super) async fn folder(
        &mut self,
        actor: Actor,
        app: AppId,
        class: &str,
        title: &str,
        z: SecurityClass,
    ) -> Result<FolderId, X::Error> {
        let class = self.x.read(|w| w.class_by_code(class))?;
        let command = Command::NewFolder {
            app,
            class,
            title: text(title)?,
            classification: Classification::confidential(z),
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan)?)
    }

    pub(super) async fn document(
        &mut self,
        actor: Actor,
        folder: FolderId,
        title: &str,
        z: SecurityClass,
    ) -> Result<DocumentId, X::Error> {
        let command = Command::NewDocument {
            folder,
            title: text(title)?,
            classification: Classification::confidential(z),
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan)?)
    }

    pub(super) async fn act(&mut self, actor: Actor, command: Command) -> Result<(), X::Error> {
        self.x.run(actor, command).await.map(drop)
    }
}

/// A person acting in their (first) job, with a second factor.
pub(super) fn in_job(user: UserId, jobs: &[JobId]) -> Actor {
    match jobs.first() {
        Some(job) => Actor::in_job(user, *job),
        None => Actor::user(user),
    }
}
