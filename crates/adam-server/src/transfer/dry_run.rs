//! The dry run: the import's commands planned and committed one by one on a copy of the world,
//! each refusal reported against its row in the words of a spreadsheet (codes, not ids).

use super::format::{JOBS, OFFICES, USERS};
use super::report::{Problem, RowRef};
use adam_core::{Actor, Code, Command, Created, Error, JobCode, JobId, OfficeId, Timestamp, UserId, Username, World};
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Unchanged,
    Updated,
    Created,
    Rejected,
}

/// Plans the import on a copy of the world, command by command, keeping the commands that
/// pass and a problem for every one that does not.
pub(super) struct DryRun<'a> {
    pub(super) original: &'a World,
    pub(super) world: World,
    pub(super) actor: &'a Actor,
    pub(super) at: Timestamp,
    pub(super) commands: Vec<Command>,
    pub(super) sources: Vec<RowRef>,
    pub(super) problems: Vec<Problem>,
    /// Codes whose row was rejected, with its line, so rows naming them say why.
    pub(super) rejected_offices: HashMap<String, u64>,
    pub(super) rejected_jobs: HashMap<String, u64>,
    pub(super) rejected_users: HashMap<String, u64>,
}

impl DryRun<'_> {
    pub(super) fn problem(&mut self, source: RowRef, message: String) {
        self.problems.push(Problem {
            file: source.file.to_owned(),
            line: Some(source.line),
            column: Some(source.column.to_owned()),
            message,
        });
    }

    /// Plans and commits one command on the copy; on refusal reports it against the row.
    pub(super) fn run(&mut self, source: RowRef, command: Command) -> Result<Option<Created>, ()> {
        match self.world.plan(self.actor, command, self.at) {
            Ok(plan) => {
                let created = plan.created;
                let command = plan.command.clone();
                match self.world.commit(plan) {
                    Ok(_) => {
                        self.commands.push(command);
                        self.sources.push(source);
                        Ok(created)
                    }
                    Err(e) => {
                        self.problem(source, e.to_string());
                        Err(())
                    }
                }
            }
            Err(e) => {
                let message = explain(&self.world, &e);
                self.problem(source, message);
                Err(())
            }
        }
    }

    pub(super) fn office(&self, code: &Code) -> Result<OfficeId, String> {
        if let Ok(id) = self.world.office_by_code(code.as_str()) {
            return Ok(id);
        }
        Err(match self.rejected_offices.get(code.as_str()) {
            Some(line) => format!(
                "office {code} is not imported: its row ({}:{line}) was rejected",
                OFFICES.file
            ),
            None => format!(
                "there is no office with the code {:?}, neither in ADAM nor in {}",
                code.as_str(),
                OFFICES.file
            ),
        })
    }

    pub(super) fn job(&self, code: &JobCode) -> Result<JobId, String> {
        if let Ok(id) = self.world.job_by_code(code.as_str()) {
            return Ok(id);
        }
        Err(match self.rejected_jobs.get(code.as_str()) {
            Some(line) => format!(
                "job {code} is not imported: its row ({}:{line}) was rejected",
                JOBS.file
            ),
            None => format!(
                "there is no job with the code {:?}, neither in ADAM nor in {}",
                code.as_str(),
                JOBS.file
            ),
        })
    }

    pub(super) fn user(&self, username: &Username) -> Result<UserId, String> {
        if let Ok(id) = self.world.user_by_username(username.as_str()) {
            return Ok(id);
        }
        Err(match self.rejected_users.get(username.as_str()) {
            Some(line) => format!(
                "user {username} is not imported: its row ({}:{line}) was rejected",
                USERS.file
            ),
            None => format!(
                "there is no user {:?}, neither in ADAM nor in {}",
                username.as_str(),
                USERS.file
            ),
        })
    }
}

/// The engine's message, with the ids it names turned into the codes a spreadsheet shows
/// (`job#12` → `JOB.0276`), and for an occupied job the names of who still holds it.
pub(super) fn explain(world: &World, error: &Error) -> String {
    let mut message = humanise(world, &error.to_string());
    if let Error::Directory(adam_core::DirectoryError::JobOccupied { users, .. }) = error {
        let names: Vec<String> = users
            .iter()
            .filter_map(|u| world.user(*u).ok())
            .map(|u| u.username.to_string())
            .collect();
        message.push_str(&format!(" (held by {})", names.join(", ")));
    }
    message
}

fn humanise(world: &World, message: &str) -> String {
    let name = |prefix: &str, n: u32| -> Option<String> {
        match prefix {
            "office#" => world.office(OfficeId(n)).ok().map(|o| o.code.to_string()),
            "job#" => world.job(JobId(n)).ok().map(|j| j.code.to_string()),
            "user#" => world.user(UserId(n)).ok().map(|u| u.username.to_string()),
            _ => None,
        }
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'scan: while let Some(c) = rest.chars().next() {
        for prefix in ["office#", "job#", "user#"] {
            if let Some(after) = rest.strip_prefix(prefix) {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                if let Some(code) = after[..digits].parse::<u32>().ok().and_then(|n| name(prefix, n)) {
                    out.push_str(&code);
                    rest = &after[digits..];
                    continue 'scan;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}
