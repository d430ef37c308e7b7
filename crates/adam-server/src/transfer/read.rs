//! Reading an import: each file into a table (header checked, delimiter guessed, empty rows
//! skipped), then each row into a typed row with the engine's own value types, every bad cell
//! and every duplicate key reported with its file and line.

use super::format::{FORMULA_START, Spec, header, parse_gender, parse_kind};
use super::report::{Problem, TransferError};
use adam_core::{AccountKind, Code, Email, Error, Gender, JobCode, Phone, SigningCode, Text, Username};
use std::collections::HashMap;
use std::path::Path;

/// A file read into memory: which record position holds each column of its spec, and its
/// data rows with their line numbers.
pub(super) struct Table {
    pub(super) spec: &'static Spec,
    pub(super) position: Vec<Option<usize>>,
    pub(super) rows: Vec<(u64, csv::StringRecord)>,
}

/// Spreadsheets in Slovenian locales save CSV with semicolons: the header line decides.
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

/// The four files that are in `dir`, in import order; an error when `dir` is missing, not a
/// directory, or holds none of them (an import of nothing would report "nothing to change",
/// which hides a mistyped path). A file that is missing beside others means "nothing of that
/// kind", so one file can be imported alone.
pub fn check_dir(dir: &Path) -> Result<Vec<&'static str>, TransferError> {
    let shown = dir.display().to_string();
    match std::fs::metadata(dir) {
        Err(source) => return Err(TransferError::NoDirectory { dir: shown, source }),
        Ok(m) if !m.is_dir() => return Err(TransferError::NotADirectory { dir: shown }),
        Ok(_) => {}
    }
    let present: Vec<&'static str> = super::format::FILES
        .into_iter()
        .filter(|file| dir.join(file).exists())
        .collect();
    if present.is_empty() {
        return Err(TransferError::NoFiles { dir: shown });
    }
    Ok(present)
}

/// Reads one file: `Ok(None)` when it does not exist. Header problems refuse the whole file;
/// a malformed record is reported and skipped, so the other rows are still checked.
pub(super) fn read_table(dir: &Path, spec: &'static Spec, problems: &mut Vec<Problem>) -> Option<Table> {
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
pub(super) struct Cells<'a> {
    pub(super) table: &'a Table,
    pub(super) record: &'a csv::StringRecord,
    pub(super) line: u64,
    pub(super) problems: &'a mut Vec<Problem>,
    pub(super) ok: bool,
}

type Parse<T> = fn(&'static str, &str) -> Result<T, Error>;

impl Cells<'_> {
    /// The cell, or `None` when the file has no such column. The apostrophe [`export`](fn@super::export) puts
    /// before a formula-like value is taken off again.
    pub(super) fn raw(&self, column: &'static str) -> Option<&str> {
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
            Err(Error::Value(adam_core::ValueError::InvalidValue { problem, .. })) => {
                self.reject(column, problem.to_string());
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

pub(super) struct OfficeRow {
    pub(super) line: u64,
    pub(super) code: Code,
    pub(super) name: Text,
    pub(super) parent: Option<Option<Code>>,
    pub(super) signing_code: Option<Option<SigningCode>>,
    pub(super) valid: Option<bool>,
}

pub(super) struct JobRow {
    pub(super) line: u64,
    pub(super) code: JobCode,
    pub(super) signing_code: Option<Option<SigningCode>>,
    pub(super) name: Text,
    pub(super) office: Code,
    pub(super) valid: Option<bool>,
}

pub(super) struct UserRow {
    pub(super) line: u64,
    pub(super) username: Username,
    pub(super) kind: Option<AccountKind>,
    pub(super) active: Option<bool>,
    pub(super) title: Option<Option<Text>>,
    pub(super) first_name: Text,
    pub(super) last_name: Text,
    pub(super) gender: Option<Gender>,
    pub(super) email: Email,
    pub(super) phone: Option<Option<Phone>>,
}

pub(super) struct AssignmentRow {
    pub(super) line: u64,
    pub(super) username: Username,
    pub(super) job: JobCode,
}

/// Reads the rows of a table into typed rows; a row with any bad cell is reported (every
/// bad cell) and left out. A key seen before is a duplicate.
pub(super) fn rows<T, K: std::hash::Hash + Eq>(
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

pub(super) fn office_row(c: &mut Cells<'_>, line: u64) -> Option<OfficeRow> {
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

pub(super) fn job_row(c: &mut Cells<'_>, line: u64) -> Option<JobRow> {
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

pub(super) fn user_row(c: &mut Cells<'_>, line: u64) -> Option<UserRow> {
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

pub(super) fn assignment_row(c: &mut Cells<'_>, line: u64) -> Option<AssignmentRow> {
    let username = c.required("username", Username::parse);
    let job = c.required("job_code", JobCode::parse);
    Some(AssignmentRow {
        line,
        username: username?,
        job: job?,
    })
}
