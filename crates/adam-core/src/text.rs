//! Validated text: codes, names, usernames, e-mail addresses, phone numbers.
//!
//! Parse, don't validate: each newtype here can only hold a value that passed its rules, so a
//! record built from them cannot carry a bad code or an address without an `@`. The error
//! names the field and the rule, so the API and the UI can show it next to the field.
//!
//! The types are here and know nothing of the engine's errors (which name them: a guard's
//! missing field is a [`Code`]); the parsers, which refuse with those errors, and the
//! `Deserialize` impls that call them are in `parse/text.rs`, above both.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a value that passed the type's rules (checked in `parse/text.rs`).
            pub(crate) fn checked(value: String) -> $name {
                $name(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// The JSON Schema of a text type: a string with the lengths and the pattern its parser
/// enforces, so that a client generated from the OpenAPI document sends what the server takes
/// (the parser also trims, and folds case where said; the schema describes the canonical form).
/// Patterns use only what ECMA-262 (in Unicode mode) and Rust's `regex` both read.
macro_rules! text_schema {
    ($name:ident, $min:expr, $max:expr, $pattern:expr) => {
        impl $name {
            /// The shortest value, in characters.
            pub const MIN_LENGTH: usize = $min;
            /// The longest value, in characters.
            pub const MAX_LENGTH: usize = $max;
            /// The pattern of a canonical value (anchored).
            pub const PATTERN: &'static str = $pattern;
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "minLength": $min,
                    "maxLength": $max,
                    "pattern": $pattern,
                })
            }
        }
    };
}

/// A letter or digit as `char::is_alphanumeric` has it.
macro_rules! alnum {
    () => {
        r"\p{Alphabetic}\p{N}"
    };
}

text_schema!(Text, 1, 500, r"^[^\p{Cc}]+$");
text_schema!(Code, 1, 32, concat!("^[", alnum!(), "][", alnum!(), "_.\\-]*$"));
text_schema!(JobCode, 1, 64, concat!("^[", alnum!(), "][", alnum!(), "_.\\-]*$"));
text_schema!(
    RoleCode,
    1,
    64,
    concat!("^[", alnum!(), "][", alnum!(), "_./\\-]*(?: [", alnum!(), "_./\\-]+)*$")
);
text_schema!(SigningCode, 1, 16, concat!("^[", alnum!(), "][", alnum!(), "./\\-]*$"));
text_schema!(Username, 2, 64, r"^[a-z0-9][a-z0-9._\-]*$");
text_schema!(
    Email,
    3,
    254,
    concat!(
        "^[",
        alnum!(),
        "!#$%&'*+/=?^_`{|}~\\-]+(?:\\.[",
        alnum!(),
        "!#$%&'*+/=?^_`{|}~\\-]+)*",
        "@[",
        alnum!(),
        "](?:[",
        alnum!(),
        "\\-]*[",
        alnum!(),
        "])?",
        "(?:\\.[",
        alnum!(),
        "](?:[",
        alnum!(),
        "\\-]*[",
        alnum!(),
        "])?)+$"
    )
);
text_schema!(Phone, 3, 32, r"^[ +/()\-]*(?:[0-9][ +/()\-]*){3,}$");

text_type!(
    /// Free text such as a name, a title or a description: trimmed, 1–500 characters, no
    /// control characters.
    Text
);

impl Text {
    /// The longest text accepted.
    pub const MAX: usize = 500;

    /// A text the crate writes itself: a constant that [`Text::parse`] accepts unchanged (the
    /// tests of its callers check it).
    pub(crate) fn constant(value: &'static str) -> Text {
        Text(value.to_owned())
    }
}

text_type!(
    /// The code of an office, an application, a filing class or a group (`GLPI`, `UN`, `VOPI`,
    /// `01.02`): 1–32 letters, digits, `_`, `-` or `.`, starting with a letter or digit.
    Code
);

impl Code {
    /// A code the crate writes itself: a constant that [`Code::parse`] accepts unchanged.
    pub(crate) fn constant(value: &'static str) -> Code {
        Code(value.to_owned())
    }
}

text_type!(
    /// The id of a job (`LEADER.GLPI`, `JOB.0276`): 1–64 letters, digits, `_`, `-` or `.`.
    JobCode
);

text_type!(
    /// The code of a role (`DAPA_run`, `leader.main`, `VOPI/Glavna pisarna`): 1–64 letters,
    /// digits, `_`, `-`, `.`, `/` or inner spaces.
    RoleCode
);

text_type!(
    /// A signing code from the signing plan (signirni znak, `1001`): 1–16 letters, digits,
    /// `.`, `-` or `/`.
    SigningCode
);

text_type!(
    /// A username (`vopiglpi01`): 2–64 characters, lower-case letters, digits, `.`, `_` or `-`,
    /// starting with a letter or digit. Input in upper case is folded to lower case, so two
    /// accounts can never differ only by case.
    Username
);

text_type!(
    /// An e-mail address. Mandatory on every user: it is where password links are sent. The
    /// domain is folded to lower case; [`Email::key`] folds the whole address for look-ups.
    Email
);

impl Email {
    /// The address folded to lower case: the key under which accounts are found by address.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

text_type!(
    /// A telephone number (`05 611 7000`, `+386 5 611 7000`): 3–32 characters of digits,
    /// spaces, `+`, `-`, `/`, `(` and `)`, with at least three digits.
    Phone
);

/// A key naming a layer, a party or a category of a responsibility template (`middleware`,
/// `customer`, `itil`): 1–40 lower-case ASCII letters, digits, `_` or `-`, starting with a
/// letter. Re-exported as `raci::Key`; here, with the other validated text, so a refusal
/// naming a matrix's layer needs nothing above the values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Key(String);

impl Key {
    /// Reads a key; `None` when it breaks the rule.
    pub fn parse(value: &str) -> Option<Key> {
        let mut chars = value.chars();
        let first = chars.next()?;
        let ok = first.is_ascii_lowercase()
            && value.len() <= 40
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        ok.then(|| Key(value.to_owned()))
    }
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Key::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a key (1–40 lower-case letters, digits, '_' or '-', starting with a letter)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ValueError};

    fn problem(e: Result<impl fmt::Debug, Error>) -> String {
        match e {
            Err(Error::Value(ValueError::InvalidValue { problem, .. })) => problem.to_string(),
            other => panic!("expected InvalidValue, got {other:?}"),
        }
    }

    #[test]
    fn codes_follow_the_signing_plan_shapes() {
        for ok in ["GLPI", "UN", "JSS_MOK", "01.02", "KŽ"] {
            assert!(Code::parse("code", ok).is_ok(), "{ok}");
        }
        assert!(problem(Code::parse("code", "")).contains("empty"));
        assert!(problem(Code::parse("code", "A B")).contains("' '"));
        assert!(problem(Code::parse("code", ".A")).contains("start"));
        assert!(problem(Code::parse("code", &"A".repeat(33))).contains("at most 32"));
        assert_eq!(
            JobCode::parse("job", " LEADER.GLPI ").map(|c| c.0).ok().as_deref(),
            Some("LEADER.GLPI")
        );
        for ok in [
            "VOPI/Glavna pisarna",
            "leader.main",
            "FPR.view_all_documents",
            "GIS_UN_run",
        ] {
            assert!(RoleCode::parse("role", ok).is_ok(), "{ok}");
        }
        assert!(problem(RoleCode::parse("role", "VOPI/a  b")).contains("two spaces"));
        assert!(SigningCode::parse("signing_code", "1001").is_ok());
        assert!(SigningCode::parse("signing_code", "10 01").is_err());
    }

    #[test]
    fn usernames_are_folded_to_lower_case_and_restricted() {
        assert_eq!(
            Username::parse("u", "VopiGLPI01").map(|u| u.0).ok().as_deref(),
            Some("vopiglpi01")
        );
        assert!(problem(Username::parse("u", "a")).contains("at least 2"));
        assert!(problem(Username::parse("u", "ana maria")).contains("' '"));
        assert!(problem(Username::parse("u", "ačebela")).contains("'č'"));
        assert!(problem(Username::parse("u", "-x")).contains("start"));
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_domain() {
        assert_eq!(
            Email::parse("e", "Testiramo@3-Port.SI").map(|e| e.0).ok().as_deref(),
            Some("Testiramo@3-port.si")
        );
        assert_eq!(
            Email::parse("e", "Ana.Novak@koper.si").map(|e| e.key()).ok().as_deref(),
            Some("ana.novak@koper.si")
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@koper.si",
            "ana@koper",
            "ana@@koper.si",
            "ana @koper.si",
            "ana..b@koper.si",
            "ana@-koper.si",
            "ana@koper..si",
        ] {
            assert!(
                matches!(
                    Email::parse("e", bad),
                    Err(Error::Value(ValueError::InvalidValue { .. }))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn free_text_is_trimmed_and_bounded() {
        assert_eq!(
            Text::parse("name", "  Urad  ").map(|t| t.0).ok().as_deref(),
            Some("Urad")
        );
        assert!(problem(Text::parse("name", "   ")).contains("empty"));
        assert!(problem(Text::parse("name", "a\u{7}b")).contains("control"));
        assert!(problem(Text::parse("name", &"x".repeat(501))).contains("at most 500"));
        assert!(Phone::parse("phone", "05 611 7000").is_ok());
        assert!(problem(Phone::parse("phone", "+386-x")).contains("'x'"));
        assert!(problem(Phone::parse("phone", "+-()")).contains("three digits"));
    }

    #[test]
    fn deserialising_goes_through_the_same_rules() {
        assert!(serde_json::from_str::<Email>(r#""nobody""#).is_err());
        assert!(serde_json::from_str::<Username>(r#""Ok_name""#).is_ok());
    }
}
