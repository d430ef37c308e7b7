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
//! A missing file means "nothing of that kind", but a directory that is missing, or that holds
//! none of the four files, is an error ([`check_dir`]); a header with an unknown column is refused.
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
//!
//! The phases, one module each: `format` (the files' columns and value words), `export`,
//! `read` (files into typed rows), `dry_run` and `plan` (the rows against the world), `apply`
//! (the write through the server) and `report` (what a caller gets back).

mod apply;
mod dry_run;
mod export;
mod format;
mod plan;
mod read;
mod report;
#[cfg(test)]
mod tests;

pub use apply::{APPLICATION, application, import, import_by};
pub use export::{ExportSummary, export};
pub use format::FILES;
pub use plan::{plan_import, plan_import_with_progress};
pub use read::check_dir;
pub use report::{
    Counts, ImportError, ImportOutcome, ImportPlan, ImportReport, ImportSummary, Problem, RowRef, TransferError,
};
