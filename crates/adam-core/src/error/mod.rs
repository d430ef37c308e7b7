//! Every way the engine refuses something, by area.
//!
//! Each refusal is its own variant with the facts needed to explain it, a stable code (the
//! API's problem `type`) and a [`Category`] (how a caller should react). The variants live in
//! one enum per area — values, directory, roles, filing and records, ACL, authority, engine
//! state, the Decree's registers, processes, responsibility matrices, continuity — each
//! declared with `area_error!`, which keeps a variant's message, code and category in one
//! place; [`Error`] composes them (transparently: the message and code are the area's). A
//! refused command changes nothing: planning only reads the world.
//!
//! The areas live in files by family, re-exported here so every path stays `crate::error::*`:
//! `values.rs` (malformed values), `access.rs` (the directory, roles, filing, ACL, authority
//! and the engine's state), `registers.rs` (the Decree's registers) and `process.rs`
//! (processes, RACI matrices, continuity). The macro is defined before the `mod` lines so the
//! area files can use it (a `macro_rules!` macro is in scope only after its definition).

/// How a caller should react to an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// The input itself is malformed or breaks a rule of the model.
    Invalid,
    /// Something the input names does not exist.
    NotFound,
    /// The input is well-formed but conflicts with the current state.
    Conflict,
    /// The actor may not do this.
    Forbidden,
    /// The engine's own state is inconsistent (a bug or a corrupted change log).
    Internal,
}

/// Declares an area's error enum: each variant with its message (`#[error]`), and after `=>`
/// its stable code and its [`Category`]; `code()` and `category()` are generated from them.
macro_rules! area_error {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $(( $($tuple:ty),* ))? $({ $($(#[$fmeta:meta])* $field:ident : $fty:ty),* $(,)? })?
                => ($code:literal, $category:ident),
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant $(( $($tuple),* ))? $({ $($(#[$fmeta])* $field: $fty),* })?,
            )*
        }

        impl $name {
            /// A stable, kebab-case code naming the error (the API's problem `type` suffix).
            pub fn code(&self) -> &'static str {
                match self {
                    $($name::$variant { .. } => $code,)*
                }
            }

            /// How a caller should react.
            pub fn category(&self) -> $crate::error::Category {
                match self {
                    $($name::$variant { .. } => $crate::error::Category::$category,)*
                }
            }
        }
    };
}

/// The name of a placement confirmation's field in `lang` (`logical_scheme`).
pub(crate) fn confirmation_name(field: &str, lang: crate::lang::Lang) -> &'static str {
    // Key, Slovenian, English: a table, not match arms, since the problem types of this
    // module are read from its match arms.
    const NAMES: [[&str; 3]; 3] = [
        ["logical_scheme", "logična shema namestitve", "logical placement scheme"],
        [
            "physical_plan_test",
            "fizični načrt namestitve za test",
            "physical placement plan for test",
        ],
        [
            "physical_plan_production",
            "fizični načrt namestitve za produkcijo",
            "physical placement plan for production",
        ],
    ];
    let [_, sl, en] =
        NAMES
            .iter()
            .find(|[key, ..]| *key == field)
            .copied()
            .unwrap_or(["", "potrditev", "confirmation"]);
    lang.pick(sl, en)
}

/// A seed role of `dro-hosting` (`coordinator`) by its name in the shipped definition, in
/// `lang`; the key itself for a role the definition does not have.
///
/// The names are read from the shipped file itself (the one `process::SHIPPED` embeds), not
/// through the process engine's `Definition`: the errors sit below the process engine, which
/// refuses with them, and only the roles' keys and names are needed here.
pub(crate) fn hosting_role(role: &str, lang: crate::lang::Lang) -> String {
    // Each role of the shipped `dro-hosting` definition: its key, and its name in Slovenian
    // and in English (trimmed, as the definition's text fields are).
    static ROLES: std::sync::OnceLock<Vec<(String, String, String)>> = std::sync::OnceLock::new();
    let roles = ROLES.get_or_init(|| {
        let def: serde_json::Value =
            serde_json::from_str(include_str!("../process/shipped/dro-hosting.json")).unwrap_or_default();
        let text = |v: &serde_json::Value| v.as_str().map(|s| s.trim().to_owned());
        def.get("roles")
            .and_then(serde_json::Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|r| {
                        let name = r.get("name")?;
                        Some((text(r.get("key")?)?, text(name.get("sl")?)?, text(name.get("en")?)?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    roles
        .iter()
        .find(|(key, ..)| key == role)
        .map_or_else(|| role.to_owned(), |(_, sl, en)| lang.pick(sl, en).clone())
}

mod access;
mod findings;
mod process;
mod registers;
mod values;

pub use access::{AclError, AuthorityError, DirectoryError, FilingError, RoleError, StateError};
pub use findings::{Finding, Problem, Unmet};
pub use process::{ContinuityError, Findings, Governed, Problems, ProcessError, RaciError, Unmets};
pub use registers::RegisterError;
pub use values::{ValueError, ValueProblem};

/// An engine error: a refusal of one area, or one of the few that belong to no area.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed values: a level, class, field, instant or window that cannot be read, a listing
    /// that asks for nothing or too much.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// The directory refuses: offices, jobs, users, groups, codes and the organisation's settings.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// Applications, roles and grants refuse.
    #[error(transparent)]
    Roles(#[from] RoleError),
    /// The filing plan and the records refuse: classes, folders, documents and their workflow
    /// (Diagram 1).
    #[error(transparent)]
    Filing(#[from] FilingError),
    /// ACL entries refuse.
    #[error(transparent)]
    Acl(#[from] AclError),
    /// The actor may not: who acts, in which job, with which level, session and administrative
    /// power.
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    /// The engine's own state: a plan that is out of date, a change log that does not fit.
    #[error(transparent)]
    State(#[from] StateError),
    /// The Decree's registers refuse: the inventory, classes, links, Decree roles.
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// The process engine refuses: definitions, cases, decisions, consents.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// Responsibility (RACI) matrices refuse.
    #[error(transparent)]
    Raci(#[from] RaciError),
    /// The continuity register refuses.
    #[error(transparent)]
    Continuity(#[from] ContinuityError),
    /// A change that would change nothing.
    #[error("nothing to change: {0}")]
    NoChange(&'static str),
    /// One command of a batch was refused; nothing of the batch is applied.
    #[error("command {} of the batch was refused: {error}", index + 1)]
    BatchItem {
        /// Its position, from 0.
        index: usize,
        /// Why.
        error: Box<Error>,
    },
}

impl Error {
    /// The category of the error.
    pub fn category(&self) -> Category {
        match self {
            Error::Value(e) => e.category(),
            Error::Directory(e) => e.category(),
            Error::Roles(e) => e.category(),
            Error::Filing(e) => e.category(),
            Error::Acl(e) => e.category(),
            Error::Authority(e) => e.category(),
            Error::State(e) => e.category(),
            Error::Register(e) => e.category(),
            Error::Process(e) => e.category(),
            Error::Raci(e) => e.category(),
            Error::Continuity(e) => e.category(),
            Error::NoChange(_) => Category::Conflict,
            Error::BatchItem { error, .. } => error.category(),
        }
    }

    /// A stable, kebab-case code naming the error (the API's problem `type` suffix).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Value(e) => e.code(),
            Error::Directory(e) => e.code(),
            Error::Roles(e) => e.code(),
            Error::Filing(e) => e.code(),
            Error::Acl(e) => e.code(),
            Error::Authority(e) => e.code(),
            Error::State(e) => e.code(),
            Error::Register(e) => e.code(),
            Error::Process(e) => e.code(),
            Error::Raci(e) => e.code(),
            Error::Continuity(e) => e.code(),
            Error::NoChange(_) => "no-change",
            Error::BatchItem { error, .. } => error.code(),
        }
    }
}
