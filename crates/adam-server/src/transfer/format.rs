//! The format of the four files: their names and columns, and the words their values are
//! written in, both ways (`system_user`, `female`, `true`; a leading apostrophe before a
//! value a spreadsheet would run as a formula).

use adam_core::{AccountKind, Error, Gender};

/// The four files, in the order they are read.
pub const FILES: [&str; 4] = [OFFICES.file, JOBS.file, USERS.file, ASSIGNMENTS.file];

pub(super) struct Spec {
    pub(super) file: &'static str,
    /// Column name and whether it is required.
    pub(super) columns: &'static [(&'static str, bool)],
}

pub(super) const OFFICES: Spec = Spec {
    file: "offices.csv",
    columns: &[
        ("code", true),
        ("name", true),
        ("parent_code", false),
        ("signing_code", false),
        ("valid", false),
    ],
};
pub(super) const JOBS: Spec = Spec {
    file: "jobs.csv",
    columns: &[
        ("code", true),
        ("signing_code", false),
        ("name", true),
        ("office_code", true),
        ("valid", false),
    ],
};
pub(super) const USERS: Spec = Spec {
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
pub(super) const ASSIGNMENTS: Spec = Spec {
    file: "assignments.csv",
    columns: &[("username", true), ("job_code", true)],
};

pub(super) fn flag(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

pub(super) fn kind_name(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Admin => "admin",
        AccountKind::SystemUser => "system_user",
        AccountKind::User => "user",
    }
}

pub(super) fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::Other => "other",
        Gender::Unspecified => "unspecified",
    }
}

/// The characters that make a spreadsheet read a cell as a formula.
pub(super) const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

pub(super) fn header(spec: &Spec) -> Vec<&'static str> {
    spec.columns.iter().map(|(c, _)| *c).collect()
}

pub(super) fn parse_kind(field: &'static str, raw: &str) -> Result<AccountKind, Error> {
    match raw.to_lowercase().as_str() {
        "admin" => Ok(AccountKind::Admin),
        "system_user" => Ok(AccountKind::SystemUser),
        "user" => Ok(AccountKind::User),
        _ => Err(Error::Value(adam_core::ValueError::InvalidValue {
            field,
            problem: adam_core::ValueProblem::NotAnAccountKind(raw.to_owned()),
        })),
    }
}

pub(super) fn parse_gender(field: &'static str, raw: &str) -> Result<Gender, Error> {
    match raw.to_lowercase().as_str() {
        "female" | "f" | "ženski" | "ž" | "z" => Ok(Gender::Female),
        "male" | "m" | "moški" => Ok(Gender::Male),
        "other" | "drugo" => Ok(Gender::Other),
        "unspecified" | "-" => Ok(Gender::Unspecified),
        _ => Err(Error::Value(adam_core::ValueError::InvalidValue {
            field,
            problem: adam_core::ValueProblem::NotAGender(raw.to_owned()),
        })),
    }
}
