//! Planning an import against the world: the rows read, then dry-run in the order the engine's
//! rules allow (offices parents first, jobs, users, assignments, then deactivations and
//! invalidations), and counted — or every problem reported at once.
//!
//! [`plan_import_with_progress`] is one long function on purpose: it reads top to bottom as
//! the numbered steps of the import, each step a loop over one file's rows.

use super::dry_run::{DryRun, Outcome};
use super::format::{ASSIGNMENTS, FILES, JOBS, OFFICES, USERS, kind_name};
use super::read::{
    AssignmentRow, Cells, JobRow, OfficeRow, Table, UserRow, assignment_row, job_row, office_row, read_table, rows,
    user_row,
};
use super::report::{Counts, ImportPlan, ImportReport, ImportSummary, RowRef};
use adam_core::{AccountKind, Actor, Command, Created, JobId, OfficeId, Timestamp, UserId, World};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The order to take office rows in: each after its parent when the parent is in the file,
/// so a file may list children first and an office may be moved under a new one.
fn office_order(rows: &[OfficeRow]) -> Vec<usize> {
    let index: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r.code.as_str(), i)).collect();
    let mut done = vec![false; rows.len()];
    let mut order = Vec::with_capacity(rows.len());
    loop {
        let before = order.len();
        for (i, row) in rows.iter().enumerate() {
            if done[i] {
                continue;
            }
            let parent_in_file = row
                .parent
                .as_ref()
                .and_then(|p| p.as_ref())
                .and_then(|p| index.get(p.as_str()));
            if parent_in_file.is_none_or(|p| done[*p]) {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            break;
        }
    }
    // Rows left over have parents forming a cycle in the file; taken in file order, they are
    // reported by the checks below.
    order.extend((0..rows.len()).filter(|i| !done[*i]));
    order
}

/// Checks the four files in `dir` against `world` and plans the import, without changing
/// anything. See [`plan_import_with_progress`].
pub fn plan_import(world: &World, dir: &Path, actor: &Actor, at: Timestamp) -> Result<ImportPlan, ImportReport> {
    plan_import_with_progress(world, dir, actor, at, |_, _| {})
}

/// Checks the four files in `dir` against `world` and plans the import as `actor` at `at`.
/// `progress(done, total)` is called as rows are read and then dry-run. Every problem is
/// reported at once; the world is not changed either way.
pub fn plan_import_with_progress(
    world: &World,
    dir: &Path,
    actor: &Actor,
    at: Timestamp,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportPlan, ImportReport> {
    if let Err(e) = super::read::check_dir(dir) {
        return Err(ImportReport {
            problems: vec![e.into()],
            rows: 0,
        });
    }
    let mut problems = Vec::new();
    let offices_table = read_table(dir, &OFFICES, &mut problems);
    let jobs_table = read_table(dir, &JOBS, &mut problems);
    let users_table = read_table(dir, &USERS, &mut problems);
    let assignments_table = read_table(dir, &ASSIGNMENTS, &mut problems);
    let count = |t: &Option<Table>| t.as_ref().map_or(0, |t| t.rows.len());
    let total_rows = count(&offices_table) + count(&jobs_table) + count(&users_table) + count(&assignments_table);
    // Progress counts rows, each once, as it is dry-run: reading is quick, and a count of
    // steps (a row read, then dry-run) showed twice the rows the files have.
    let total = total_rows;
    let mut done = 0usize;
    let mut tick = || {
        done += 1;
        progress(done.min(total), total);
    };
    let mut read_tick = || {};

    let offices = rows(
        offices_table.as_ref(),
        &mut problems,
        &mut read_tick,
        "code",
        |r: &OfficeRow| r.code.as_str().to_owned(),
        |k| format!("office {k}"),
        office_row,
    );
    let jobs = rows(
        jobs_table.as_ref(),
        &mut problems,
        &mut read_tick,
        "code",
        |r: &JobRow| r.code.as_str().to_owned(),
        |k| format!("job {k}"),
        job_row,
    );
    let users = rows(
        users_table.as_ref(),
        &mut problems,
        &mut read_tick,
        "username",
        |r: &UserRow| r.username.as_str().to_owned(),
        |k| format!("username {k}"),
        user_row,
    );
    let assignments = rows(
        assignments_table.as_ref(),
        &mut problems,
        &mut read_tick,
        "job_code",
        |r: &AssignmentRow| (r.username.as_str().to_owned(), r.job.as_str().to_owned()),
        |(u, j)| format!("the assignment of {j} to {u}"),
        assignment_row,
    );
    // Rows rejected while reading still block the codes they name, so later rows that refer
    // to them say so instead of "unknown".
    let rejected_lines = |file: &str, column: &'static str, table: &Option<Table>| -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(table) = table else { return out };
        let bad: HashSet<u64> = problems
            .iter()
            .filter(|p| p.file == file)
            .filter_map(|p| p.line)
            .collect();
        for (line, record) in &table.rows {
            if bad.contains(line) {
                let cells = Cells {
                    table,
                    record,
                    line: *line,
                    problems: &mut Vec::new(),
                    ok: true,
                };
                if let Some(code) = cells.raw(column).filter(|c| !c.is_empty()) {
                    let key = if column == "username" {
                        code.to_lowercase()
                    } else {
                        code.to_owned()
                    };
                    out.entry(key).or_insert(*line);
                }
            }
        }
        out
    };
    let rejected_offices = rejected_lines(OFFICES.file, "code", &offices_table);
    let rejected_jobs = rejected_lines(JOBS.file, "code", &jobs_table);
    let rejected_users = rejected_lines(USERS.file, "username", &users_table);

    let mut run = DryRun {
        original: world,
        world: world.clone(),
        actor,
        at,
        commands: Vec::new(),
        sources: Vec::new(),
        problems,
        rejected_offices,
        rejected_jobs,
        rejected_users,
    };
    let mut summary = ImportSummary::default();
    let mut office_outcomes = vec![Outcome::Unchanged; offices.len()];
    let mut job_outcomes = vec![Outcome::Unchanged; jobs.len()];
    let mut user_outcomes = vec![Outcome::Unchanged; users.len()];
    let mut invalidate_offices: Vec<(usize, OfficeId)> = Vec::new();
    let mut invalidate_jobs: Vec<(usize, JobId)> = Vec::new();
    let mut deactivate_users: Vec<(usize, UserId)> = Vec::new();

    // 1. Offices, parents first: create or update, and revalidate.
    let order = office_order(&offices);
    for &i in &order {
        tick();
        let row = &offices[i];
        let at_row = |column| RowRef {
            file: OFFICES.file,
            line: row.line,
            column,
        };
        let parent = match &row.parent {
            Some(Some(code)) => match run.office(code) {
                Ok(id) => Some(Some(id)),
                Err(message) => {
                    run.problem(at_row("parent_code"), message);
                    office_outcomes[i] = Outcome::Rejected;
                    run.rejected_offices.insert(row.code.to_string(), row.line);
                    continue;
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let id = match run.world.office_by_code(row.code.as_str()) {
            Err(_) => {
                let command = Command::CreateOffice {
                    code: row.code.clone(),
                    name: row.name.clone(),
                    parent: parent.flatten(),
                    signing_code: row.signing_code.clone().flatten(),
                };
                match run.run(at_row("code"), command) {
                    Ok(Some(Created::Office(id))) => id,
                    _ => {
                        office_outcomes[i] = Outcome::Rejected;
                        run.rejected_offices.insert(row.code.to_string(), row.line);
                        continue;
                    }
                }
            }
            Ok(id) => {
                let Ok(old) = run.world.office(id) else { continue };
                let parent = parent.unwrap_or(old.parent);
                let signing_code = row.signing_code.clone().unwrap_or_else(|| old.signing_code.clone());
                if old.name != row.name || old.parent != parent || old.signing_code != signing_code {
                    let column = if old.parent == parent { "name" } else { "parent_code" };
                    let command = Command::UpdateOffice {
                        office: id,
                        name: row.name.clone(),
                        parent,
                        signing_code,
                    };
                    if run.run(at_row(column), command).is_err() {
                        office_outcomes[i] = Outcome::Rejected;
                        continue;
                    }
                    office_outcomes[i] = Outcome::Updated;
                }
                id
            }
        };
        let valid = run.world.office(id).is_ok_and(|o| o.valid);
        match row.valid {
            Some(true) if !valid => {
                let command = Command::SetOfficeValid {
                    office: id,
                    valid: true,
                };
                if run.run(at_row("valid"), command).is_err() {
                    office_outcomes[i] = Outcome::Rejected;
                    continue;
                }
                office_outcomes[i] = Outcome::Updated;
            }
            Some(false) if valid => {
                invalidate_offices.push((i, id));
                office_outcomes[i] = Outcome::Updated;
            }
            _ => {}
        }
        if run.original.office_by_code(row.code.as_str()).is_err() {
            office_outcomes[i] = Outcome::Created;
        }
    }

    // 2. Jobs: create or update, and revalidate.
    for (i, row) in jobs.iter().enumerate() {
        tick();
        let at_row = |column| RowRef {
            file: JOBS.file,
            line: row.line,
            column,
        };
        let office = match run.office(&row.office) {
            Ok(id) => id,
            Err(message) => {
                run.problem(at_row("office_code"), message);
                job_outcomes[i] = Outcome::Rejected;
                run.rejected_jobs.insert(row.code.to_string(), row.line);
                continue;
            }
        };
        let id = match run.world.job_by_code(row.code.as_str()) {
            Err(_) => {
                let command = Command::CreateJob {
                    code: row.code.clone(),
                    signing_code: row.signing_code.clone().flatten(),
                    name: row.name.clone(),
                    office,
                };
                match run.run(at_row("code"), command) {
                    Ok(Some(Created::Job(id))) => id,
                    _ => {
                        job_outcomes[i] = Outcome::Rejected;
                        run.rejected_jobs.insert(row.code.to_string(), row.line);
                        continue;
                    }
                }
            }
            Ok(id) => {
                let Ok(old) = run.world.job(id) else { continue };
                let signing_code = row.signing_code.clone().unwrap_or_else(|| old.signing_code.clone());
                if old.name != row.name || old.office != office || old.signing_code != signing_code {
                    let column = if old.office == office { "name" } else { "office_code" };
                    let command = Command::UpdateJob {
                        job: id,
                        signing_code,
                        name: row.name.clone(),
                        office,
                    };
                    if run.run(at_row(column), command).is_err() {
                        job_outcomes[i] = Outcome::Rejected;
                        continue;
                    }
                    job_outcomes[i] = Outcome::Updated;
                }
                id
            }
        };
        let valid = run.world.job(id).is_ok_and(|j| j.valid);
        match row.valid {
            Some(true) if !valid => {
                if run
                    .run(at_row("valid"), Command::SetJobValid { job: id, valid: true })
                    .is_err()
                {
                    job_outcomes[i] = Outcome::Rejected;
                    continue;
                }
                job_outcomes[i] = Outcome::Updated;
            }
            Some(false) if valid => {
                invalidate_jobs.push((i, id));
                job_outcomes[i] = Outcome::Updated;
            }
            _ => {}
        }
        // A head or secretariat made with its office in this import counts as created.
        if run.original.job_by_code(row.code.as_str()).is_err() {
            job_outcomes[i] = Outcome::Created;
        }
    }

    // 3. Users: create or update, and reactivate.
    for (i, row) in users.iter().enumerate() {
        tick();
        let at_row = |column| RowRef {
            file: USERS.file,
            line: row.line,
            column,
        };
        let id = match run.world.user_by_username(row.username.as_str()) {
            Err(_) => {
                let command = Command::CreateUser {
                    username: row.username.clone(),
                    kind: row.kind.unwrap_or(AccountKind::User),
                    title: row.title.clone().flatten(),
                    first_name: row.first_name.clone(),
                    last_name: row.last_name.clone(),
                    gender: row.gender.unwrap_or_default(),
                    email: row.email.clone(),
                    phone: row.phone.clone().flatten(),
                    jobs: Vec::new(),
                };
                match run.run(at_row("username"), command) {
                    Ok(Some(Created::User(id))) => {
                        user_outcomes[i] = Outcome::Created;
                        id
                    }
                    _ => {
                        user_outcomes[i] = Outcome::Rejected;
                        run.rejected_users.insert(row.username.to_string(), row.line);
                        continue;
                    }
                }
            }
            Ok(id) => {
                let Ok(old) = run.world.user(id) else { continue };
                if let Some(kind) = row.kind
                    && kind != old.kind
                {
                    let message = format!(
                        "the account is {}; the kind of an existing account cannot be changed",
                        kind_name(old.kind)
                    );
                    run.problem(at_row("kind"), message);
                    user_outcomes[i] = Outcome::Rejected;
                    continue;
                }
                let title = row.title.clone().unwrap_or_else(|| old.title.clone());
                let gender = row.gender.unwrap_or(old.gender);
                let phone = row.phone.clone().unwrap_or_else(|| old.phone.clone());
                if old.title != title
                    || old.first_name != row.first_name
                    || old.last_name != row.last_name
                    || old.gender != gender
                    || old.email != row.email
                    || old.phone != phone
                {
                    let command = Command::UpdateUser {
                        user: id,
                        title,
                        first_name: row.first_name.clone(),
                        last_name: row.last_name.clone(),
                        gender,
                        email: row.email.clone(),
                        phone,
                    };
                    if run.run(at_row("username"), command).is_err() {
                        user_outcomes[i] = Outcome::Rejected;
                        continue;
                    }
                    user_outcomes[i] = Outcome::Updated;
                }
                id
            }
        };
        let active = run.world.user(id).is_ok_and(|u| u.active);
        match row.active {
            Some(true) if !active => {
                let command = Command::SetUserActive { user: id, active: true };
                if run.run(at_row("active"), command).is_err() {
                    user_outcomes[i] = Outcome::Rejected;
                    continue;
                }
                if user_outcomes[i] != Outcome::Created {
                    user_outcomes[i] = Outcome::Updated;
                }
            }
            Some(false) if active => {
                deactivate_users.push((i, id));
                if user_outcomes[i] != Outcome::Created {
                    user_outcomes[i] = Outcome::Updated;
                }
            }
            _ => {}
        }
    }

    // 4. Assignments that are missing.
    let mut assignment_outcomes = vec![Outcome::Unchanged; assignments.len()];
    for (i, row) in assignments.iter().enumerate() {
        tick();
        let at_row = |column| RowRef {
            file: ASSIGNMENTS.file,
            line: row.line,
            column,
        };
        let user = match run.user(&row.username) {
            Ok(id) => id,
            Err(message) => {
                run.problem(at_row("username"), message);
                assignment_outcomes[i] = Outcome::Rejected;
                continue;
            }
        };
        let job = match run.job(&row.job) {
            Ok(id) => id,
            Err(message) => {
                run.problem(at_row("job_code"), message);
                assignment_outcomes[i] = Outcome::Rejected;
                continue;
            }
        };
        if run.world.user(user).is_ok_and(|u| u.jobs.contains(&job)) {
            continue;
        }
        assignment_outcomes[i] = match run.run(at_row("job_code"), Command::AssignJob { user, job }) {
            Ok(_) => Outcome::Created,
            Err(()) => Outcome::Rejected,
        };
    }

    // 5–7. The deletions, in the engine's two steps: users, then jobs, then offices from the
    // leaves up.
    for (i, user) in deactivate_users {
        let source = RowRef {
            file: USERS.file,
            line: users[i].line,
            column: "active",
        };
        if run.run(source, Command::SetUserActive { user, active: false }).is_err() {
            user_outcomes[i] = Outcome::Rejected;
        }
    }
    for (i, job) in invalidate_jobs {
        let source = RowRef {
            file: JOBS.file,
            line: jobs[i].line,
            column: "valid",
        };
        if run.run(source, Command::SetJobValid { job, valid: false }).is_err() {
            job_outcomes[i] = Outcome::Rejected;
        }
    }
    let position: HashMap<usize, usize> = order.iter().enumerate().map(|(p, i)| (*i, p)).collect();
    invalidate_offices.sort_by_key(|(i, _)| std::cmp::Reverse(position.get(i).copied().unwrap_or(0)));
    for (i, office) in invalidate_offices {
        let source = RowRef {
            file: OFFICES.file,
            line: offices[i].line,
            column: "valid",
        };
        if run
            .run(source, Command::SetOfficeValid { office, valid: false })
            .is_err()
        {
            office_outcomes[i] = Outcome::Rejected;
        }
    }
    progress(total, total);

    if !run.problems.is_empty() {
        let mut problems = run.problems;
        let file_rank = |f: &str| FILES.iter().position(|x| *x == f).unwrap_or(FILES.len());
        problems.sort_by_key(|p| (file_rank(&p.file), p.line));
        return Err(ImportReport {
            problems,
            rows: total_rows,
        });
    }

    let tally = |outcomes: &[Outcome]| Counts {
        created: outcomes.iter().filter(|o| **o == Outcome::Created).count(),
        updated: outcomes.iter().filter(|o| **o == Outcome::Updated).count(),
        unchanged: outcomes.iter().filter(|o| **o == Outcome::Unchanged).count(),
        not_in_files: 0,
    };
    let office_codes: HashSet<&str> = offices.iter().map(|r| r.code.as_str()).collect();
    let job_codes: HashSet<&str> = jobs.iter().map(|r| r.code.as_str()).collect();
    let usernames: HashSet<&str> = users.iter().map(|r| r.username.as_str()).collect();
    let pairs: HashSet<(&str, &str)> = assignments
        .iter()
        .map(|r| (r.username.as_str(), r.job.as_str()))
        .collect();
    summary.offices = Counts {
        not_in_files: world
            .offices()
            .iter()
            .filter(|o| !office_codes.contains(o.code.as_str()))
            .count(),
        ..tally(&office_outcomes)
    };
    summary.jobs = Counts {
        not_in_files: world
            .jobs()
            .iter()
            .filter(|j| !job_codes.contains(j.code.as_str()))
            .count(),
        ..tally(&job_outcomes)
    };
    summary.users = Counts {
        not_in_files: world
            .users()
            .iter()
            .filter(|u| !usernames.contains(u.username.as_str()))
            .count(),
        ..tally(&user_outcomes)
    };
    summary.assignments = Counts {
        not_in_files: world
            .users()
            .iter()
            .flat_map(|u| u.jobs.iter().map(move |j| (u, *j)))
            .filter(|(u, j)| {
                let code = world.job(*j).map(|j| j.code.as_str()).unwrap_or_default();
                !pairs.contains(&(u.username.as_str(), code))
            })
            .count(),
        ..tally(&assignment_outcomes)
    };
    Ok(ImportPlan {
        batch: Command::Batch { commands: run.commands },
        sources: run.sources,
        summary,
        base: world.revision(),
        rows: total_rows,
    })
}
