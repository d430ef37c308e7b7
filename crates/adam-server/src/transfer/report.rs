//! What a transfer hands back: why a file could not be read or written, every problem of an
//! import by file and line, the checked plan, its counts and what the import did.

use crate::error::WebError;
use adam_core::{Command, Revision};
use std::collections::HashSet;
use std::fmt;

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
    /// The directory to import from does not exist (or cannot be looked at).
    #[error("{dir}: no such directory")]
    NoDirectory {
        /// The directory as given.
        dir: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The path to import from is a file, not a directory.
    #[error(
        "{dir}: not a directory; give the directory that holds offices.csv, jobs.csv, users.csv and assignments.csv"
    )]
    NotADirectory {
        /// The path as given.
        dir: String,
    },
    /// The directory holds none of the four files: an import of nothing is a mistake.
    #[error("{dir}: none of offices.csv, jobs.csv, users.csv and assignments.csv is there; nothing to import")]
    NoFiles {
        /// The directory as given.
        dir: String,
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
            TransferError::NoDirectory { dir, .. }
            | TransferError::NotADirectory { dir }
            | TransferError::NoFiles { dir } => (dir.clone(), None, None),
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
            TransferError::NoDirectory { source, .. } => format!("no such directory: {source}"),
            TransferError::NotADirectory { .. } => "not a directory".to_owned(),
            TransferError::NoFiles { .. } => {
                "none of offices.csv, jobs.csv, users.csv and assignments.csv is there; nothing to import".to_owned()
            }
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
    /// Data rows read, across the files (what the progress counts, in the dry run and the
    /// import alike).
    pub rows: usize,
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
    /// Data rows read, across the files (as the dry run counts them).
    pub rows: usize,
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
