//! CSV import and export of the organisation's directory: offices, jobs, users and who holds
//! which job.
//!
//! Why it exists: a user administrator keeps the signing plan and the staff list in a
//! spreadsheet, and moving an organisation into ADAM (or keeping it in step with a personnel
//! system) must not mean typing hundreds of forms. Four files in one directory, UTF-8 with a
//! header row, columns named by the header in any order:
//!
//! | file | columns (required ones in bold) |
//! |---|---|
//! | `offices.csv` | **code**, **name**, parent_code, signing_code, valid |
//! | `jobs.csv` | **code**, signing_code, **name**, **office_code**, valid |
//! | `users.csv` | **username**, kind, active, title, **first_name**, **last_name**, gender, **email**, phone |
//! | `assignments.csv` | **username**, **job_code** |
//!
//! Values: `valid`/`active` are `true`/`false`; `kind` is `admin`, `system_user` or `user`
//! (the default for new accounts); `gender` is `female`, `male`, `other` or `unspecified`.
//! A missing file means "nothing of that kind"; a header with an unknown column is refused.
//! Files saved with semicolons (as spreadsheets in Slovenian locales do) and with a
//! byte-order mark are read too. On export, a value that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-` or `@`, such as a phone number `+386 …`) is written with a
//! leading apostrophe, which the import takes off again.
//!
//! An import is an upsert and is all-or-nothing. Every row is checked with the engine's own
//! types, then the resulting commands are dry-run in order on a copy of the world, continuing
//! after a refusal so that *every* bad row is reported (`users.csv:7: email: …`), not just the
//! first. Only when every row passes is there an [`ImportPlan`]: one [`Command::Batch`], which
//! the server writes as one revision through its single write path. Nothing in ADAM that is
//! missing from the files is deleted — deletion stays the two deliberate steps of the engine
//! (deactivate the user, then invalidate the job), expressed with `active=false` and
//! `valid=false`. The order of the commands is chosen so those rules can be met in one file
//! set: create and update everything, then assign jobs, then deactivate users, then invalidate
//! jobs, then invalidate offices (sub-offices first).
//!
//! A column that is absent from a file is not managed by the import: existing records keep
//! their value and new ones get the default. An empty cell means "none" (no parent, no signing
//! code, no title, no phone, gender unspecified); an empty `valid` or `active` cell means true.

use crate::error::WebError;
use crate::state::AppState;
use adam_core::{
    AccountKind, Actor, Code, Command, Created, Email, Error, Gender, JobCode, JobId, OfficeId, Phone, Revision,
    SigningCode, Text, Timestamp, UserId, Username, World,
};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The application name the import's audit records carry.
pub const APPLICATION: &str = "adam-import";

/// The four files, in the order they are read.
pub const FILES: [&str; 4] = [OFFICES.file, JOBS.file, USERS.file, ASSIGNMENTS.file];

struct Spec {
    file: &'static str,
    /// Column name and whether it is required.
    columns: &'static [(&'static str, bool)],
}

const OFFICES: Spec = Spec {
    file: "offices.csv",
    columns: &[
        ("code", true),
        ("name", true),
        ("parent_code", false),
        ("signing_code", false),
        ("valid", false),
    ],
};
const JOBS: Spec = Spec {
    file: "jobs.csv",
    columns: &[
        ("code", true),
        ("signing_code", false),
        ("name", true),
        ("office_code", true),
        ("valid", false),
    ],
};
const USERS: Spec = Spec {
    file: "users.csv",
    columns: &[
        ("username", true),
        ("kind", false),
        ("active", false),
        ("title", false),
        ("first_name", true),
        ("last_name", true),
        ("gender", false),
        ("email", true),
        ("phone", false),
    ],
};
const ASSIGNMENTS: Spec = Spec {
    file: "assignments.csv",
    columns: &[("username", true), ("job_code", true)],
};

// ---- errors and reports ---------------------------------------------------------------------

/// Why a file could not be read or written as a whole.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The file exists but cannot be read.
    #[error("{file}: cannot be read: {source}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file or the directory cannot be written.
    #[error("{path}: cannot be written: {source}")]
    Unwritable {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("{file}: cannot be written as CSV: {source}")]
    Csv {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: csv::Error,
    },
    /// A record that is not valid CSV or not UTF-8.
    #[error("{file}:{line}: not readable as UTF-8 CSV: {problem}")]
    Malformed {
        /// The file.
        file: String,
        /// The line the record starts on.
        line: u64,
        /// What is wrong.
        problem: String,
    },
    /// The file has no header row.
    #[error("{file}: the header row is missing (the file is empty)")]
    NoHeader {
        /// The file.
        file: String,
    },
    /// A column the file kind does not have.
    #[error("{file}:1: {column}: unknown column; the columns are {expected}")]
    UnknownColumn {
        /// The file.
        file: String,
        /// The column as written.
        column: String,
        /// The columns the file may have.
        expected: String,
    },
    /// A required column is missing from the header.
    #[error("{file}:1: {column}: required column is missing")]
    MissingColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
    },
    /// A column named twice in the header.
    #[error("{file}:1: {column}: the column appears more than once")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
    },
}

/// One rejected row (or header, or file): `users.csv:7: email: must contain '@' …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The line the row starts on (1 is the header); absent for a file-level problem.
    pub line: Option<u64>,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl From<TransferError> for Problem {
    fn from(e: TransferError) -> Problem {
        let (file, line, column) = match &e {
            TransferError::Unreadable { file, .. } | TransferError::NoHeader { file } => (file.clone(), None, None),
            TransferError::Unwritable { path, .. } => (path.clone(), None, None),
            TransferError::Csv { file, .. } => (file.clone(), None, None),
            TransferError::Malformed { file, line, .. } => (file.clone(), Some(*line), None),
            TransferError::UnknownColumn { file, column, .. }
            | TransferError::MissingColumn { file, column }
            | TransferError::DuplicateColumn { file, column } => (file.clone(), Some(1), Some(column.clone())),
        };
        let message = match &e {
            TransferError::Unreadable { source, .. } => format!("cannot be read: {source}"),
            TransferError::Unwritable { source, .. } => format!("cannot be written: {source}"),
            TransferError::Csv { source, .. } => format!("cannot be written as CSV: {source}"),
            TransferError::Malformed { problem, .. } => format!("not readable as UTF-8 CSV: {problem}"),
            TransferError::NoHeader { .. } => "the header row is missing (the file is empty)".to_owned(),
            TransferError::UnknownColumn { expected, .. } => format!("unknown column; the columns are {expected}"),
            TransferError::MissingColumn { .. } => "required column is missing".to_owned(),
            TransferError::DuplicateColumn { .. } => "the column appears more than once".to_owned(),
        };
        Problem {
            file,
            line,
            column,
            message,
        }
    }
}

/// Every problem found in the files; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ImportReport {
    /// The problems, in the order of the files and their lines.
    pub problems: Vec<Problem>,
    /// Data rows read, across the four files.
    pub rows: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: HashSet<(&str, Option<u64>)> = self.problems.iter().map(|p| (p.file.as_str(), p.line)).collect();
        write!(
            f,
            "the import was refused and nothing was written: {} problem(s) in {} place(s) of {} row(s)",
            self.problems.len(),
            rows.len(),
            self.rows
        )?;
        for p in &self.problems {
            write!(f, "\n{p}")?;
        }
        Ok(())
    }
}

/// Where a command of the plan comes from, to name the row when the write is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowRef {
    /// The file.
    pub file: &'static str,
    /// The line of the row.
    pub line: u64,
    /// The column the command is mostly about.
    pub column: &'static str,
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.column)
    }
}

/// What an import does to one kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows whose record did not exist (for assignments: jobs assigned).
    pub created: usize,
    /// Rows whose record exists and changes.
    pub updated: usize,
    /// Rows whose record exists and already says the same.
    pub unchanged: usize,
    /// Records in ADAM that no row names; the import leaves them as they are.
    pub not_in_files: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged, {} in ADAM but not in the files (left as they are)",
            self.created, self.updated, self.unchanged, self.not_in_files
        )
    }
}

/// The counts of an import, per file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Offices.
    pub offices: Counts,
    /// Jobs.
    pub jobs: Counts,
    /// Users.
    pub users: Counts,
    /// Assignments of jobs to users.
    pub assignments: Counts,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "offices: {}", self.offices)?;
        writeln!(f, "jobs: {}", self.jobs)?;
        writeln!(f, "users: {}", self.users)?;
        write!(f, "assignments: {}", self.assignments)
    }
}

/// A checked import, ready to write: one all-or-nothing batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    /// A [`Command::Batch`] of every change, in order (empty when nothing changes).
    pub batch: Command,
    /// For each command of the batch, the row it comes from.
    pub sources: Vec<RowRef>,
    /// What the import does.
    pub summary: ImportSummary,
    /// The revision the plan was checked against.
    pub base: Revision,
}

impl ImportPlan {
    /// The commands of the batch.
    pub fn commands(&self) -> &[Command] {
        match &self.batch {
            Command::Batch { commands } => commands,
            _ => &[],
        }
    }

    /// Whether the files already agree with ADAM.
    pub fn is_empty(&self) -> bool {
        self.commands().is_empty()
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The revision written, or `None` when there was nothing to change.
    pub revision: Option<Revision>,
    /// The number of commands written.
    pub commands: usize,
    /// The counts.
    pub summary: ImportSummary,
}

impl fmt::Display for ImportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.revision {
            None => write!(
                f,
                "nothing to change: ADAM already agrees with the files\n{}",
                self.summary
            ),
            Some(r) => write!(
                f,
                "imported as revision {} ({} changes)\n{}",
                r.0, self.commands, self.summary
            ),
        }
    }
}

/// Why an import through the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files have problems; nothing was written.
    #[error("{0}")]
    Rejected(ImportReport),
    /// The write path refused the batch (the organisation changed since the check, or the
    /// store failed); nothing was written.
    #[error("{}the import was refused and nothing was written: {message}", at_row(row))]
    Refused {
        /// The row whose command was refused, when known.
        row: Option<RowRef>,
        /// Why.
        message: String,
        /// The server's problem.
        problem: Box<WebError>,
    },
    /// The planning task did not finish.
    #[error("the import could not be checked: {0}")]
    Task(String),
}

/// `jobs.csv:3: code: ` before a message about a row, nothing when the row is unknown.
fn at_row(row: &Option<RowRef>) -> String {
    row.map(|r| format!("{r}: ")).unwrap_or_default()
}

// ---- export ---------------------------------------------------------------------------------

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

fn flag(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn kind_name(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Admin => "admin",
        AccountKind::SystemUser => "system_user",
        AccountKind::User => "user",
    }
}

fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::Other => "other",
        Gender::Unspecified => "unspecified",
    }
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

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

fn header(spec: &Spec) -> Vec<&'static str> {
    spec.columns.iter().map(|(c, _)| *c).collect()
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

// ---- reading --------------------------------------------------------------------------------

/// A file read into memory: which record position holds each column of its spec, and its
/// data rows with their line numbers.
struct Table {
    spec: &'static Spec,
    position: Vec<Option<usize>>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// Spreadsheets in Slovenian locales save CSV with semicolons: the header line decides.
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

/// Reads one file: `Ok(None)` when it does not exist. Header problems refuse the whole file;
/// a malformed record is reported and skipped, so the other rows are still checked.
fn read_table(dir: &Path, spec: &'static Spec, problems: &mut Vec<Problem>) -> Option<Table> {
    let path = dir.join(spec.file);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(source) => {
            problems.push(
                TransferError::Unreadable {
                    file: spec.file.to_owned(),
                    source,
                }
                .into(),
            );
            return None;
        }
    };
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) if h.iter().any(|c| !c.trim().is_empty()) => h.clone(),
        Ok(_) => {
            problems.push(
                TransferError::NoHeader {
                    file: spec.file.to_owned(),
                }
                .into(),
            );
            return None;
        }
        Err(e) => {
            problems.push(malformed(spec.file, &e).into());
            return None;
        }
    };
    let before = problems.len();
    let mut position = vec![None; spec.columns.len()];
    let expected = header(spec).join(", ");
    for (i, raw) in headers.iter().enumerate() {
        let name = raw.trim().to_lowercase();
        match spec.columns.iter().position(|(c, _)| *c == name) {
            None => problems.push(
                TransferError::UnknownColumn {
                    file: spec.file.to_owned(),
                    column: raw.trim().to_owned(),
                    expected: expected.clone(),
                }
                .into(),
            ),
            Some(c) if position[c].is_some() => problems.push(
                TransferError::DuplicateColumn {
                    file: spec.file.to_owned(),
                    column: name,
                }
                .into(),
            ),
            Some(c) => position[c] = Some(i),
        }
    }
    for ((column, required), at) in spec.columns.iter().zip(&position) {
        if *required && at.is_none() {
            problems.push(
                TransferError::MissingColumn {
                    file: spec.file.to_owned(),
                    column: (*column).to_owned(),
                }
                .into(),
            );
        }
    }
    if problems.len() > before {
        return None;
    }
    let width = headers.len();
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Err(e) => problems.push(malformed(spec.file, &e).into()),
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                // Spreadsheets leave rows of empty cells behind; they say nothing.
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if record.len() != width {
                    problems.push(Problem {
                        file: spec.file.to_owned(),
                        line: Some(line),
                        column: None,
                        message: format!("has {} field(s) but the header has {width}", record.len()),
                    });
                    continue;
                }
                rows.push((line, record));
            }
        }
    }
    Some(Table { spec, position, rows })
}

fn malformed(file: &str, e: &csv::Error) -> TransferError {
    let line = e.position().map_or(1, csv::Position::line);
    let problem = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8; save the file as \"CSV UTF-8\"".to_owned(),
        _ => e.to_string(),
    };
    TransferError::Malformed {
        file: file.to_owned(),
        line,
        problem,
    }
}

/// The cells of one row, read column by column; every bad cell is reported.
struct Cells<'a> {
    table: &'a Table,
    record: &'a csv::StringRecord,
    line: u64,
    problems: &'a mut Vec<Problem>,
    ok: bool,
}

type Parse<T> = fn(&'static str, &str) -> Result<T, Error>;

impl Cells<'_> {
    /// The cell, or `None` when the file has no such column. The apostrophe [`export`] puts
    /// before a formula-like value is taken off again.
    fn raw(&self, column: &'static str) -> Option<&str> {
        let c = self.table.spec.columns.iter().position(|(name, _)| *name == column)?;
        let at = self.table.position.get(c).copied().flatten()?;
        let cell = self.record.get(at).unwrap_or_default().trim();
        Some(
            cell.strip_prefix('\'')
                .filter(|rest| rest.starts_with(FORMULA_START))
                .unwrap_or(cell),
        )
    }

    fn reject(&mut self, column: &'static str, message: String) {
        self.ok = false;
        self.problems.push(Problem {
            file: self.table.spec.file.to_owned(),
            line: Some(self.line),
            column: Some(column.to_owned()),
            message,
        });
    }

    fn parsed<T>(&mut self, column: &'static str, raw: &str, parse: Parse<T>) -> Option<T> {
        match parse(column, raw) {
            Ok(value) => Some(value),
            Err(Error::InvalidValue { problem, .. }) => {
                self.reject(column, problem);
                None
            }
            Err(other) => {
                self.reject(column, other.to_string());
                None
            }
        }
    }

    /// A required column's value.
    fn required<T>(&mut self, column: &'static str, parse: Parse<T>) -> Option<T> {
        let raw = self.raw(column).unwrap_or_default().to_owned();
        self.parsed(column, &raw, parse)
    }

    /// An optional column: `None` when the column is absent (keep), `Some(None)` when the
    /// cell is empty, `Some(Some(v))` otherwise.
    fn optional<T>(&mut self, column: &'static str, parse: Parse<T>) -> Option<Option<T>> {
        let raw = self.raw(column)?.to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        self.parsed(column, &raw, parse).map(Some)
    }

    /// A yes/no column: absent → `None`; empty → true.
    fn flag(&mut self, column: &'static str) -> Option<bool> {
        let raw = self.raw(column)?.to_lowercase();
        match raw.as_str() {
            "" | "true" | "yes" | "1" | "da" | "veljavno" | "veljaven" | "aktiven" => Some(true),
            "false" | "no" | "0" | "ne" | "neveljavno" | "neveljaven" | "neaktiven" => Some(false),
            _ => {
                self.reject(column, format!("{raw:?} is neither true nor false"));
                None
            }
        }
    }
}

fn parse_kind(field: &'static str, raw: &str) -> Result<AccountKind, Error> {
    match raw.to_lowercase().as_str() {
        "admin" => Ok(AccountKind::Admin),
        "system_user" => Ok(AccountKind::SystemUser),
        "user" => Ok(AccountKind::User),
        _ => Err(Error::InvalidValue {
            field,
            problem: format!("{raw:?} is not an account kind; the kinds are admin, system_user and user"),
        }),
    }
}

fn parse_gender(field: &'static str, raw: &str) -> Result<Gender, Error> {
    match raw.to_lowercase().as_str() {
        "female" | "f" | "ženski" | "ž" | "z" => Ok(Gender::Female),
        "male" | "m" | "moški" => Ok(Gender::Male),
        "other" | "drugo" => Ok(Gender::Other),
        "unspecified" | "-" => Ok(Gender::Unspecified),
        _ => Err(Error::InvalidValue {
            field,
            problem: format!("{raw:?} is not a gender; use female, male, other or unspecified"),
        }),
    }
}

struct OfficeRow {
    line: u64,
    code: Code,
    name: Text,
    parent: Option<Option<Code>>,
    signing_code: Option<Option<SigningCode>>,
    valid: Option<bool>,
}

struct JobRow {
    line: u64,
    code: JobCode,
    signing_code: Option<Option<SigningCode>>,
    name: Text,
    office: Code,
    valid: Option<bool>,
}

struct UserRow {
    line: u64,
    username: Username,
    kind: Option<AccountKind>,
    active: Option<bool>,
    title: Option<Option<Text>>,
    first_name: Text,
    last_name: Text,
    gender: Option<Gender>,
    email: Email,
    phone: Option<Option<Phone>>,
}

struct AssignmentRow {
    line: u64,
    username: Username,
    job: JobCode,
}

/// Reads the rows of a table into typed rows; a row with any bad cell is reported (every
/// bad cell) and left out. A key seen before is a duplicate.
fn rows<T, K: std::hash::Hash + Eq>(
    table: Option<&Table>,
    problems: &mut Vec<Problem>,
    progress: &mut dyn FnMut(),
    key_column: &'static str,
    key: impl Fn(&T) -> K,
    describe: impl Fn(&K) -> String,
    parse: impl Fn(&mut Cells<'_>, u64) -> Option<T>,
) -> Vec<T> {
    let Some(table) = table else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<K, u64> = HashMap::with_capacity(table.rows.len());
    for (line, record) in &table.rows {
        progress();
        let mut cells = Cells {
            table,
            record,
            line: *line,
            problems,
            ok: true,
        };
        let row = parse(&mut cells, *line);
        let (ok, row) = (cells.ok, row);
        let Some(row) = row.filter(|_| ok) else {
            continue;
        };
        let k = key(&row);
        if let Some(first) = seen.get(&k) {
            problems.push(Problem {
                file: table.spec.file.to_owned(),
                line: Some(*line),
                column: Some(key_column.to_owned()),
                message: format!("{} is already on line {first}", describe(&k)),
            });
            continue;
        }
        seen.insert(k, *line);
        out.push(row);
    }
    out
}

fn office_row(c: &mut Cells<'_>, line: u64) -> Option<OfficeRow> {
    let code = c.required("code", Code::parse);
    let name = c.required("name", Text::parse);
    let parent = c.optional("parent_code", Code::parse);
    let signing_code = c.optional("signing_code", SigningCode::parse);
    let valid = c.flag("valid");
    Some(OfficeRow {
        line,
        code: code?,
        name: name?,
        parent,
        signing_code,
        valid,
    })
}

fn job_row(c: &mut Cells<'_>, line: u64) -> Option<JobRow> {
    let code = c.required("code", JobCode::parse);
    let signing_code = c.optional("signing_code", SigningCode::parse);
    let name = c.required("name", Text::parse);
    let office = c.required("office_code", Code::parse);
    let valid = c.flag("valid");
    Some(JobRow {
        line,
        code: code?,
        signing_code,
        name: name?,
        office: office?,
        valid,
    })
}

fn user_row(c: &mut Cells<'_>, line: u64) -> Option<UserRow> {
    let username = c.required("username", Username::parse);
    let kind = c.optional("kind", parse_kind).flatten();
    let active = c.flag("active");
    let title = c.optional("title", Text::parse);
    let first_name = c.required("first_name", Text::parse);
    let last_name = c.required("last_name", Text::parse);
    let gender = c.optional("gender", parse_gender).map(Option::unwrap_or_default);
    let email = c.required("email", Email::parse);
    let phone = c.optional("phone", Phone::parse);
    Some(UserRow {
        line,
        username: username?,
        kind,
        active,
        title,
        first_name: first_name?,
        last_name: last_name?,
        gender,
        email: email?,
        phone,
    })
}

fn assignment_row(c: &mut Cells<'_>, line: u64) -> Option<AssignmentRow> {
    let username = c.required("username", Username::parse);
    let job = c.required("job_code", JobCode::parse);
    Some(AssignmentRow {
        line,
        username: username?,
        job: job?,
    })
}

// ---- the dry run ----------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Unchanged,
    Updated,
    Created,
    Rejected,
}

/// Plans the import on a copy of the world, command by command, keeping the commands that
/// pass and a problem for every one that does not.
struct DryRun<'a> {
    original: &'a World,
    world: World,
    actor: &'a Actor,
    at: Timestamp,
    commands: Vec<Command>,
    sources: Vec<RowRef>,
    problems: Vec<Problem>,
    /// Codes whose row was rejected, with its line, so rows naming them say why.
    rejected_offices: HashMap<String, u64>,
    rejected_jobs: HashMap<String, u64>,
    rejected_users: HashMap<String, u64>,
}

impl DryRun<'_> {
    fn problem(&mut self, source: RowRef, message: String) {
        self.problems.push(Problem {
            file: source.file.to_owned(),
            line: Some(source.line),
            column: Some(source.column.to_owned()),
            message,
        });
    }

    /// Plans and commits one command on the copy; on refusal reports it against the row.
    fn run(&mut self, source: RowRef, command: Command) -> Result<Option<Created>, ()> {
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

    fn office(&self, code: &Code) -> Result<OfficeId, String> {
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

    fn job(&self, code: &JobCode) -> Result<JobId, String> {
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

    fn user(&self, username: &Username) -> Result<UserId, String> {
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
fn explain(world: &World, error: &Error) -> String {
    let mut message = humanise(world, &error.to_string());
    if let Error::JobOccupied { users, .. } = error {
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
    let mut problems = Vec::new();
    let offices_table = read_table(dir, &OFFICES, &mut problems);
    let jobs_table = read_table(dir, &JOBS, &mut problems);
    let users_table = read_table(dir, &USERS, &mut problems);
    let assignments_table = read_table(dir, &ASSIGNMENTS, &mut problems);
    let count = |t: &Option<Table>| t.as_ref().map_or(0, |t| t.rows.len());
    let total_rows = count(&offices_table) + count(&jobs_table) + count(&users_table) + count(&assignments_table);
    // Each row is one step when read and one when dry-run.
    let total = 2 * total_rows;
    let mut done = 0usize;
    let mut tick = || {
        done += 1;
        progress(done, total);
    };

    let offices = rows(
        offices_table.as_ref(),
        &mut problems,
        &mut tick,
        "code",
        |r: &OfficeRow| r.code.as_str().to_owned(),
        |k| format!("office {k}"),
        office_row,
    );
    let jobs = rows(
        jobs_table.as_ref(),
        &mut problems,
        &mut tick,
        "code",
        |r: &JobRow| r.code.as_str().to_owned(),
        |k| format!("job {k}"),
        job_row,
    );
    let users = rows(
        users_table.as_ref(),
        &mut problems,
        &mut tick,
        "username",
        |r: &UserRow| r.username.as_str().to_owned(),
        |k| format!("username {k}"),
        user_row,
    );
    let assignments = rows(
        assignments_table.as_ref(),
        &mut problems,
        &mut tick,
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
    })
}

// ---- the import through the server ----------------------------------------------------------

/// Imports the four files in `dir` as `actor` through the server's write path: checks and
/// dry-runs every row against a snapshot of the organisation (calling `progress(done,
/// total)` meanwhile), then writes the whole import as one revision, audited under the
/// application `adam-import`. When the files already agree with ADAM nothing is written and
/// the outcome says "nothing to change".
pub async fn import(
    state: &AppState,
    dir: &Path,
    actor: Actor,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    let snapshot = state.world().clone();
    let at = state.now();
    let folder = dir.to_path_buf();
    // Checking thousands of rows is CPU work: it runs off the async threads and reports its
    // progress back through a channel, so the caller's callback need not be `Send`.
    let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
    let mut task = tokio::task::spawn_blocking(move || {
        plan_import_with_progress(&snapshot, &folder, &actor, at, |done, total| {
            tx.send_replace((done, total));
        })
    });
    let mut reported = (0usize, 0usize);
    let joined = loop {
        tokio::select! {
            joined = &mut task => break joined,
            changed = rx.changed() => match changed {
                Ok(()) => {
                    reported = *rx.borrow_and_update();
                    progress(reported.0, reported.1);
                }
                Err(_) => break (&mut task).await,
            },
        }
    };
    // The task may finish before its last report was seen; the caller still gets it.
    let last = *rx.borrow();
    if last != reported {
        progress(last.0, last.1);
    }
    let plan = joined
        .map_err(|e| ImportError::Task(e.to_string()))?
        .map_err(ImportError::Rejected)?;
    if plan.is_empty() {
        return Ok(ImportOutcome {
            revision: None,
            commands: 0,
            summary: plan.summary,
        });
    }
    let mut context = state.context(actor, None);
    context.application = Some(APPLICATION.to_owned());
    let commands = plan.commands().len();
    match state.execute_as(actor, context, plan.batch.clone()).await {
        Ok(written) => Ok(ImportOutcome {
            revision: Some(written.revision()),
            commands,
            summary: plan.summary,
        }),
        Err(problem) => {
            let (row, message) = match refused_row(&state.world(), &actor, &plan, state.now()) {
                Some((row, message)) => (row, message),
                None => (None, problem.detail.clone()),
            };
            Err(ImportError::Refused {
                row,
                message,
                problem: Box::new(problem),
            })
        }
    }
}

/// When the write path refuses a checked batch (the organisation changed in between), plans
/// it again against `world` to name the row whose command the engine now refuses, and why.
fn refused_row(world: &World, actor: &Actor, plan: &ImportPlan, at: Timestamp) -> Option<(Option<RowRef>, String)> {
    match world.plan(actor, plan.batch.clone(), at) {
        Err(Error::BatchItem { index, error }) => Some((plan.sources.get(index).copied(), explain(world, &error))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, testing};
    use std::time::Instant;

    fn at() -> Timestamp {
        Timestamp::parse("2026-03-02T09:00:00Z").unwrap()
    }

    fn write(dir: &Path, file: &str, content: &str) {
        std::fs::write(dir.join(file), content).unwrap();
    }

    /// A world with nothing but the built-in roles, named like the demo.
    fn empty_world() -> World {
        let mut w = World::new(Text::parse("organisation", demo::ORGANISATION).unwrap());
        w.execute(&Actor::System, Command::Initialise, at()).unwrap();
        w
    }

    type Directory = (
        Vec<(String, String, Option<String>, Option<String>, bool)>,
        Vec<(String, Option<String>, String, String, bool, String)>,
        Vec<String>,
        Vec<(String, String)>,
    );

    /// The directory by codes, independent of ids and of the order records were made in.
    fn directory(w: &World) -> Directory {
        let office = |o: OfficeId| w.office(o).unwrap().code.to_string();
        let job = |j: JobId| w.job(j).unwrap().code.to_string();
        let mut offices: Vec<_> = w
            .offices()
            .iter()
            .map(|o| {
                (
                    o.code.to_string(),
                    o.name.to_string(),
                    o.parent.map(office),
                    o.signing_code.as_ref().map(ToString::to_string),
                    o.valid,
                )
            })
            .collect();
        let mut jobs: Vec<_> = w
            .jobs()
            .iter()
            .map(|j| {
                (
                    j.code.to_string(),
                    j.signing_code.as_ref().map(ToString::to_string),
                    j.name.to_string(),
                    office(j.office),
                    j.valid,
                    format!("{:?}", j.kind),
                )
            })
            .collect();
        let mut users: Vec<_> = w
            .users()
            .iter()
            .map(|u| {
                let jobs: Vec<String> = u.jobs.iter().map(|j| job(*j)).collect();
                let mut value = serde_json::to_value(u).unwrap();
                value["id"] = serde_json::Value::Null;
                value["rev"] = serde_json::Value::Null;
                value["jobs"] = serde_json::json!(jobs);
                value.to_string()
            })
            .collect();
        let mut assignments: Vec<_> = w
            .users()
            .iter()
            .flat_map(|u| u.jobs.iter().map(move |j| (u.username.to_string(), job(*j))))
            .collect();
        offices.sort();
        jobs.sort();
        users.sort();
        assignments.sort();
        (offices, jobs, users, assignments)
    }

    fn lines(dir: &Path, file: &str) -> Vec<String> {
        let mut lines: Vec<String> = std::fs::read_to_string(dir.join(file))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    }

    fn problems(report: &ImportReport) -> Vec<String> {
        report.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn export_then_import_into_an_empty_world_reproduces_the_directory() {
        let (original, _) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let exported = export(&original, dir.path()).unwrap();
        assert_eq!(exported.offices, original.offices().len());
        assert_eq!(exported.users, original.users().len());
        // Parents come before children in offices.csv.
        let offices = std::fs::read_to_string(dir.path().join("offices.csv")).unwrap();
        let position = |code: &str| {
            offices
                .lines()
                .position(|l| l.starts_with(&format!("{code},")))
                .unwrap()
        };
        assert!(position("GLPI") < position("GLPI_VLO"));
        assert!(position("UN") < position("UN_PPZ"));
        assert_eq!(offices.lines().next(), Some("code,name,parent_code,signing_code,valid"));

        let mut copy = empty_world();
        let before = copy.revision();
        let plan = plan_import(&copy, dir.path(), &Actor::System, at()).unwrap();
        assert_eq!(plan.summary.offices.created, original.offices().len());
        assert_eq!(plan.summary.jobs.created, original.jobs().len());
        assert_eq!(plan.summary.users.created, original.users().len());
        assert_eq!(plan.summary.assignments.created, exported.assignments);
        assert_eq!(plan.sources.len(), plan.commands().len());
        copy.execute(&Actor::System, plan.batch, at()).unwrap();
        assert_eq!(copy.revision(), before.next(), "one import, one revision");
        assert_eq!(directory(&copy), directory(&original));

        // Exporting the copy gives the same rows.
        let again = tempfile::tempdir().unwrap();
        export(&copy, again.path()).unwrap();
        for file in FILES {
            assert_eq!(lines(again.path(), file), lines(dir.path(), file), "{file}");
        }
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_changes() {
        let (world, _) = demo::world(at()).unwrap();
        let fingerprint = testing::fingerprint(&world);
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(Text::MAX + 1);
        write(
            dir.path(),
            "offices.csv",
            "code,name,parent_code\nNOVA,Nova služba,\nPODNOVA,Podrejena služba,NIHCE\nPOD2,Pod novo,NOVA\n",
        );
        write(
            dir.path(),
            "jobs.csv",
            "code,name,office_code\nJOB.9001,Referent,NOVA\nJOB.9002,Referent,NEOBSTOJEC\n",
        );
        write(
            dir.path(),
            "users.csv",
            &format!(
                "username,kind,first_name,last_name,email\n\
                 novak1,user,Janez,Novak,janez.novak@koper.example\n\
                 novak2,user,Ana,Novak,ana.novak-at-koper.example\n\
                 NOVAK1,user,Janez,Novak,janez2@koper.example\n\
                 novak3,superuser,Peter,Novak,peter@koper.example\n\
                 novak4,user,{long},Novak,dolgo@koper.example\n"
            ),
        );
        write(
            dir.path(),
            "assignments.csv",
            "username,job_code\nnovak1,JOB.9001\nnovak2,JOB.9001\n",
        );
        let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
        let lines = problems(&report);
        println!("{report}");
        let expected = [
            "offices.csv:3: parent_code: there is no office with the code \"NIHCE\", neither in ADAM nor in offices.csv",
            "jobs.csv:3: office_code: there is no office with the code \"NEOBSTOJEC\", neither in ADAM nor in offices.csv",
            "users.csv:3: email: must contain '@', as in name@example.si",
            "users.csv:4: username: username novak1 is already on line 2",
            "users.csv:5: kind: \"superuser\" is not an account kind; the kinds are admin, system_user and user",
            "users.csv:6: first_name: must be at most 500 characters long (got 501)",
            "assignments.csv:3: username: user novak2 is not imported: its row (users.csv:3) was rejected",
        ];
        assert_eq!(lines, expected);
        assert_eq!(report.rows, 3 + 2 + 5 + 2);
        assert_eq!(testing::fingerprint(&world), fingerprint);
    }

    #[tokio::test]
    async fn a_rejected_import_through_the_server_writes_nothing() {
        let (state, store) = testing::state(at());
        demo::load(&state).await.unwrap();
        let revision = state.revision();
        let fingerprint = testing::fingerprint(&state.world());
        let audit = store.audit().len();
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "users.csv",
            "username,first_name,last_name,email\nnova,Nova,Oseba,nova@koper.example\nslaba,Slaba,Oseba,brez-afne\n",
        );
        let error = import(&state, dir.path(), Actor::System, |_, _| {}).await.unwrap_err();
        let ImportError::Rejected(report) = &error else {
            panic!("{error}");
        };
        assert_eq!(
            problems(report),
            ["users.csv:3: email: must contain '@', as in name@example.si"]
        );
        assert_eq!(state.revision(), revision);
        assert_eq!(store.latest_revision().unwrap(), revision);
        assert_eq!(testing::fingerprint(&state.world()), fingerprint);
        assert_eq!(store.audit().len(), audit);
    }

    #[tokio::test]
    async fn importing_twice_changes_nothing_the_second_time() {
        let (source, _) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&source, dir.path()).unwrap();

        // Into the demo itself: everything is unchanged.
        let plan = plan_import(&source, dir.path(), &Actor::System, at()).unwrap();
        assert!(plan.is_empty());
        assert_eq!(plan.summary.users.unchanged, source.users().len());
        assert_eq!(plan.summary.users.not_in_files, 0);

        // Into an empty installation through the server: written once, then nothing to change.
        let (state, store) = testing::state(at());
        state
            .execute_as(Actor::System, state.context(Actor::System, None), Command::Initialise)
            .await
            .unwrap();
        let mut calls: Vec<(usize, usize)> = Vec::new();
        let first = import(&state, dir.path(), Actor::System, |done, total| {
            calls.push((done, total))
        })
        .await
        .unwrap();
        let written = first.revision.unwrap();
        assert_eq!(written, Revision(2));
        assert_eq!(first.summary.users.created, source.users().len());
        assert_eq!(directory(&state.world()), directory(&source));
        assert!(
            store
                .audit()
                .iter()
                .any(|r| r.context.application.as_deref() == Some(APPLICATION))
        );
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
        let total = calls.last().map(|c| c.1).unwrap();
        assert!(total > 0);
        assert_eq!(calls.last(), Some(&(total, total)));

        let second = import(&state, dir.path(), Actor::System, |_, _| {}).await.unwrap();
        assert_eq!(second.revision, None);
        assert_eq!(second.summary.offices.unchanged, source.offices().len());
        assert!(second.to_string().starts_with("nothing to change"), "{second}");
        assert_eq!(state.revision(), written);
    }

    #[test]
    fn invalidating_a_job_someone_still_holds_is_refused_with_the_engines_reason() {
        let (world, demo) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "jobs.csv",
            "code,signing_code,name,office_code,valid\nJOB.0276,UN-1,Višji svetovalec za nepremičnine,UN,false\n",
        );
        let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
        assert_eq!(
            problems(&report),
            [
                "jobs.csv:2: valid: job JOB.0276 is still held by 1 active user(s); deactivate or reassign them first \
                 (deletion is in two steps) (held by vopiun03)"
            ]
        );

        // Both steps in one import: the user is deactivated first, then the job invalidated.
        let recipient = world.user(demo.recipient).unwrap();
        write(
            dir.path(),
            "users.csv",
            &format!(
                "username,active,first_name,last_name,email\nvopiun03,false,{},{},{}\n",
                recipient.first_name, recipient.last_name, recipient.email
            ),
        );
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        assert_eq!(plan.summary.users.updated, 1);
        assert_eq!(plan.summary.jobs.updated, 1);
        let actions: Vec<&str> = plan.commands().iter().map(Command::action).collect();
        assert_eq!(actions, ["user.deactivate", "job.invalidate"]);
        let mut world = world;
        world.execute(&Actor::System, plan.batch, at()).unwrap();
        assert!(!world.user(demo.recipient).unwrap().active);
        assert!(!world.job(demo.job_0276).unwrap().valid);
    }

    #[test]
    fn updates_are_counted_and_absent_columns_are_left_alone() {
        let (world, demo) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // No phone, title or gender column: those stay as they are.
        write(
            dir.path(),
            "users.csv",
            "email,last_name,first_name,username\n\
             luka.babic@tok.example,Babič,Luka,vopitok02\n\
             mojca.kocjancic@koper.example,Kocjančič,Mojca,vopiglpi01\n",
        );
        write(
            dir.path(),
            "offices.csv",
            "name,code\nTuristična organizacija Koper – Capodistria,TOK\nKabinet župana,KZUP\n",
        );
        write(
            dir.path(),
            "assignments.csv",
            "username,job_code\nvopitok02,JOB.0401\nvopitok02,JOB.0301\n",
        );
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        let s = plan.summary;
        assert_eq!((s.users.created, s.users.updated, s.users.unchanged), (0, 1, 1));
        assert_eq!((s.offices.updated, s.offices.unchanged), (1, 1));
        assert_eq!((s.assignments.created, s.assignments.unchanged), (1, 1));
        assert_eq!(s.users.not_in_files, world.users().len() - 2);
        assert_eq!(s.jobs.not_in_files, world.jobs().len());
        let mut world = world;
        let phone_before = world.user(demo.clerk).unwrap().phone.clone();
        world.execute(&Actor::System, plan.batch, at()).unwrap();
        let luka = world.user(demo.clerk).unwrap();
        assert_eq!(luka.email.as_str(), "luka.babic@tok.example");
        assert_eq!(luka.phone, phone_before);
        assert_eq!(luka.jobs.len(), 2);
        assert_eq!(
            world.office(demo.offices.tok).unwrap().name.as_str(),
            "Turistična organizacija Koper – Capodistria"
        );
    }

    #[test]
    fn offices_may_come_children_first_and_move_under_new_parents() {
        let (world, demo) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // UN_PPZ moves under a new office listed after it; the new office sits under UN.
        write(
            dir.path(),
            "offices.csv",
            "code,name,parent_code,signing_code\n\
             UN_PPZ,Oddelek za pravno-premoženjske zadeve,UN_SEK,UN-PPZ\n\
             UN_SEK,Sektor za premoženje,UN,UN-S\n",
        );
        write(
            dir.path(),
            "jobs.csv",
            "code,name,office_code\nJOB.9100,Vodja sektorja,UN_SEK\n",
        );
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        let actions: Vec<&str> = plan.commands().iter().map(Command::action).collect();
        assert_eq!(actions, ["office.create", "office.update", "job.create"]);
        let mut world = world;
        world.execute(&Actor::System, plan.batch, at()).unwrap();
        let sector = world.office_by_code("UN_SEK").unwrap();
        assert_eq!(world.office(sector).unwrap().parent, Some(demo.offices.un));
        assert_eq!(world.office(demo.offices.un_property).unwrap().parent, Some(sector));
        assert!(world.job_by_code("LEADER.UN_SEK").is_ok());
    }

    #[test]
    fn headers_are_checked_and_spreadsheet_habits_are_accepted() {
        let (world, _) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "users.csv",
            "username,first_name,colour,email\nx1,X,red,x@koper.example\n",
        );
        write(dir.path(), "jobs.csv", "code,name,code,office_code\n");
        let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
        assert_eq!(
            problems(&report),
            [
                "jobs.csv:1: code: the column appears more than once",
                "users.csv:1: colour: unknown column; the columns are username, kind, active, title, first_name, \
                 last_name, gender, email, phone",
                "users.csv:1: last_name: required column is missing",
            ]
        );

        // A semicolon-separated file with a byte-order mark, as a spreadsheet saves it, with
        // a blank row and columns in another order.
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "users.csv",
            "\u{feff}Email;Last_Name;First_Name;Username;Gender\nnova.oseba@koper.example;Oseba;Nova;nova;ženski\n;;;;\n",
        );
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        assert_eq!(plan.summary.users.created, 1);
        match &plan.commands()[0] {
            Command::CreateUser { gender, kind, .. } => {
                assert_eq!((*gender, *kind), (Gender::Female, AccountKind::User));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_scoped_user_administrator_imports_only_inside_their_offices() {
        let (world, demo) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "jobs.csv",
            "code,name,office_code\nJOB.9200,Referent,UN_PPZ\nJOB.9201,Referent,TOK\n",
        );
        let actor = Actor::user(demo.un_user_admin);
        let report = plan_import(&world, dir.path(), &actor, at()).unwrap_err();
        assert_eq!(
            problems(&report),
            ["jobs.csv:3: code: office TOK is outside the offices you administer"]
        );
        // Admin and service accounts are the system administrator's.
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "users.csv",
            "username,kind,first_name,last_name,email\nsvc-new,system_user,Nov,Servis,svc@koper.example\n",
        );
        let report = plan_import(&world, dir.path(), &actor, at()).unwrap_err();
        assert_eq!(
            problems(&report),
            ["users.csv:2: username: only the system administrator may create admin and service accounts"]
        );
    }

    #[test]
    fn a_batch_refused_after_the_check_names_its_row() {
        let (world, demo) = demo::world(at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "jobs.csv",
            "code,name,office_code\nJOB.9300,Referent,UN\nJOB.9301,Referent,TOK\n",
        );
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        // Meanwhile someone else creates JOB.9301.
        let mut moved = world.clone();
        let command = Command::CreateJob {
            code: JobCode::parse("code", "JOB.9301").unwrap(),
            signing_code: None,
            name: Text::parse("name", "Drugi").unwrap(),
            office: demo.offices.tok,
        };
        moved.execute(&Actor::System, command, at()).unwrap();
        let (row, message) = refused_row(&moved, &Actor::System, &plan, at()).unwrap();
        assert_eq!(row.map(|r| r.to_string()).as_deref(), Some("jobs.csv:3: code"));
        assert_eq!(message, "the job code \"JOB.9301\" is already in use");
        assert!(refused_row(&world, &Actor::System, &plan, at()).is_none());
    }

    #[test]
    fn formula_like_values_are_exported_as_text_and_read_back() {
        let mut world = empty_world();
        let command = Command::CreateUser {
            username: Username::parse("username", "formula").unwrap(),
            kind: AccountKind::User,
            title: None,
            first_name: Text::parse("first_name", "=HYPERLINK(\"http://x\")").unwrap(),
            last_name: Text::parse("last_name", "-Novak").unwrap(),
            gender: Gender::Unspecified,
            email: Email::parse("email", "formula@koper.example").unwrap(),
            phone: Some(Phone::parse("phone", "+386 5 611 7000").unwrap()),
            jobs: Vec::new(),
        };
        world.execute(&Actor::System, command, at()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&world, dir.path()).unwrap();
        let users = std::fs::read_to_string(dir.path().join("users.csv")).unwrap();
        assert!(users.contains("'=HYPERLINK"), "{users}");
        assert!(users.contains(",'+386 5 611 7000"), "{users}");
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        assert!(plan.is_empty());
    }

    #[test]
    fn ten_thousand_users_import_in_reasonable_time() {
        const USERS: usize = 10_000;
        let dir = tempfile::tempdir().unwrap();
        let mut offices = String::from("code,name,parent_code,signing_code,valid\n");
        let mut jobs = String::from("code,signing_code,name,office_code,valid\n");
        let mut users = String::from("username,kind,active,title,first_name,last_name,gender,email,phone\n");
        let mut assignments = String::from("username,job_code\n");
        for o in 0..20 {
            offices.push_str(&format!("U{o:02},Urad {o},,{},true\n", 2000 + o));
        }
        for i in 0..USERS {
            let office = i % 20;
            jobs.push_str(&format!("JOB.{i:05},S-{i},Referent {i},U{office:02},true\n"));
            users.push_str(&format!(
                "user{i:05},user,true,,Ime{i},Priimek{i},unspecified,user{i:05}@koper.example,05 600 {i:05}\n"
            ));
            assignments.push_str(&format!("user{i:05},JOB.{i:05}\n"));
        }
        write(dir.path(), "offices.csv", &offices);
        write(dir.path(), "jobs.csv", &jobs);
        write(dir.path(), "users.csv", &users);
        write(dir.path(), "assignments.csv", &assignments);

        let mut world = empty_world();
        let started = Instant::now();
        let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
        let planned = started.elapsed();
        let commands = plan.commands().len();
        world.execute(&Actor::System, plan.batch, at()).unwrap();
        let written = started.elapsed();
        println!(
            "{USERS} users: checked and dry-run {commands} commands in {planned:?}, executed as one batch after {written:?}"
        );
        assert_eq!(world.users().len(), USERS);
        assert_eq!(plan.summary.users.created, USERS);
        // Heads and secretariats come with their offices; only the rows are counted.
        assert_eq!(plan.summary.jobs.created, USERS);
        assert_eq!(world.jobs().len(), USERS + 40);

        // And back out: the export has every row.
        let out = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let exported = export(&world, out.path()).unwrap();
        println!("exported {} users in {:?}", exported.users, started.elapsed());
        assert_eq!(exported.assignments, USERS);
    }
}
