//! Export: the directory of a world written as the four files, offices parents first so the
//! files import back as they are.

use super::format::{ASSIGNMENTS, FORMULA_START, JOBS, OFFICES, Spec, USERS, flag, gender_name, header, kind_name};
use super::report::TransferError;
use adam_core::{JobId, OfficeId, Phone, SigningCode, Text, World};
use std::path::{Path, PathBuf};

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    /// The directory.
    pub dir: PathBuf,
    /// Offices written.
    pub offices: usize,
    /// Jobs written.
    pub jobs: usize,
    /// Users written.
    pub users: usize,
    /// Assignments written.
    pub assignments: usize,
}

/// A cell as written: a value a spreadsheet would run as a formula (a name `=HYPERLINK(…)`,
/// or just a phone number `+386 …`) gets a leading apostrophe, which spreadsheets show as
/// text and the import takes off again (CSV injection).
fn cell(value: &str) -> String {
    if value.starts_with(FORMULA_START) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Writes one file through a temporary name, so a failed export never leaves half a file
/// where a spreadsheet user expects a whole one.
fn write_file(dir: &Path, spec: &Spec, rows: Vec<Vec<String>>) -> Result<usize, TransferError> {
    let path = dir.join(spec.file);
    let temporary = dir.join(format!(".{}.partial", spec.file));
    let csv_error = |source| TransferError::Csv {
        file: spec.file.to_owned(),
        source,
    };
    let mut writer = csv::Writer::from_path(&temporary).map_err(csv_error)?;
    writer.write_record(header(spec)).map_err(csv_error)?;
    let count = rows.len();
    for row in rows {
        writer
            .write_record(row.iter().map(|value| cell(value)))
            .map_err(csv_error)?;
    }
    writer.flush().map_err(|source| TransferError::Unwritable {
        path: temporary.display().to_string(),
        source,
    })?;
    drop(writer);
    std::fs::rename(&temporary, &path).map_err(|source| TransferError::Unwritable {
        path: path.display().to_string(),
        source,
    })?;
    Ok(count)
}

/// Offices with every parent before its children: depth first from the top, children in
/// id order, as the signing plan reads.
fn offices_in_tree_order(world: &World) -> Vec<OfficeId> {
    let mut out = Vec::with_capacity(world.offices().len());
    let mut stack: Vec<OfficeId> = world.top_offices().iter().rev().copied().collect();
    let mut seen = vec![false; world.offices().len()];
    while let Some(o) = stack.pop() {
        if seen.get(o.index()).copied().unwrap_or(true) {
            continue;
        }
        seen[o.index()] = true;
        out.push(o);
        stack.extend(world.office_children(o).iter().rev());
    }
    // Defensive: an office the tree walk missed still gets exported.
    out.extend(world.offices().iter().map(|o| o.id).filter(|o| !seen[o.index()]));
    out
}

/// Writes `offices.csv`, `jobs.csv`, `users.csv` and `assignments.csv` into `dir` (created if
/// missing). Offices come parents first, so the files import back as they are.
pub fn export(world: &World, dir: &Path) -> Result<ExportSummary, TransferError> {
    std::fs::create_dir_all(dir).map_err(|source| TransferError::Unwritable {
        path: dir.display().to_string(),
        source,
    })?;
    let code_of_office = |o: OfficeId| world.office(o).map(|r| r.code.to_string()).unwrap_or_default();
    let code_of_job = |j: JobId| world.job(j).map(|r| r.code.to_string()).unwrap_or_default();
    let opt = |s: Option<&str>| s.unwrap_or_default().to_owned();

    let offices = offices_in_tree_order(world)
        .into_iter()
        .filter_map(|o| world.office(o).ok())
        .map(|o| {
            vec![
                o.code.to_string(),
                o.name.to_string(),
                o.parent.map(code_of_office).unwrap_or_default(),
                opt(o.signing_code.as_ref().map(SigningCode::as_str)),
                flag(o.valid).to_owned(),
            ]
        })
        .collect();
    let jobs = world
        .jobs()
        .iter()
        .map(|j| {
            vec![
                j.code.to_string(),
                opt(j.signing_code.as_ref().map(SigningCode::as_str)),
                j.name.to_string(),
                code_of_office(j.office),
                flag(j.valid).to_owned(),
            ]
        })
        .collect();
    let users = world
        .users()
        .iter()
        .map(|u| {
            vec![
                u.username.to_string(),
                kind_name(u.kind).to_owned(),
                flag(u.active).to_owned(),
                opt(u.title.as_ref().map(Text::as_str)),
                u.first_name.to_string(),
                u.last_name.to_string(),
                gender_name(u.gender).to_owned(),
                u.email.to_string(),
                opt(u.phone.as_ref().map(Phone::as_str)),
            ]
        })
        .collect();
    let assignments = world
        .users()
        .iter()
        .flat_map(|u| u.jobs.iter().map(move |j| (u, *j)))
        .map(|(u, j)| vec![u.username.to_string(), code_of_job(j)])
        .collect();
    Ok(ExportSummary {
        dir: dir.to_path_buf(),
        offices: write_file(dir, &OFFICES, offices)?,
        jobs: write_file(dir, &JOBS, jobs)?,
        users: write_file(dir, &USERS, users)?,
        assignments: write_file(dir, &ASSIGNMENTS, assignments)?,
    })
}
