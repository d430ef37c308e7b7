//! What a credential may be used for: the scopes of API tokens and sessions.

use serde::{Deserialize, Serialize};

/// What a token may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read the directory, roles and records the account may see.
    Read,
    /// Make changes the account may make.
    Write,
    /// Ask about other users' access (`check`, `lookup`, `who`, `explain`).
    Check,
    /// Read the change feed.
    Changes,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Check, Scope::Changes];

    /// The scope's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Check => "check",
            Scope::Changes => "changes",
        }
    }

    /// Parses a scope name.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }
}
