//! Validated text: codes, names, usernames, e-mail addresses, phone numbers.
//!
//! Parse, don't validate: each newtype here can only hold a value that passed its rules, so a
//! record built from them cannot carry a bad code or an address without an `@`. The error
//! names the field and the rule, so the API and the UI can show it next to the field.

use crate::error::{Error, ValueError, ValueProblem};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

fn invalid(field: &'static str, problem: ValueProblem) -> Error {
    Error::Value(ValueError::InvalidValue { field, problem })
}

fn check_length(field: &'static str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let n = value.chars().count();
    if n < min {
        return Err(if min == 1 {
            invalid(field, ValueProblem::Empty)
        } else {
            invalid(field, ValueProblem::TooShort(min))
        });
    }
    if n > max {
        return Err(invalid(field, ValueProblem::TooLong { max, got: n }));
    }
    Ok(())
}

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

macro_rules! deserialize_via {
    ($name:ident, $field:literal, $parse:expr) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                let parse: fn(&'static str, &str) -> Result<$name, Error> = $parse;
                // Inside a document the path names the field, so only the problem is said.
                parse($field, &raw).map_err(|e| match e {
                    Error::Value(ValueError::InvalidValue { problem, .. }) => serde::de::Error::custom(problem),
                    other => serde::de::Error::custom(other),
                })
            }
        }
    };
}

text_type!(
    /// Free text such as a name, a title or a description: trimmed, 1–500 characters, no
    /// control characters.
    Text
);

impl Text {
    /// The longest text accepted.
    pub const MAX: usize = 500;

    /// Parses free text for the named field.
    pub fn parse(field: &'static str, value: &str) -> Result<Text, Error> {
        let trimmed = value.trim();
        check_length(field, trimmed, 1, Text::MAX)?;
        if trimmed.chars().any(char::is_control) {
            return Err(invalid(field, ValueProblem::ControlCharacter));
        }
        Ok(Text(trimmed.to_owned()))
    }

    /// A text the crate writes itself: a constant that [`Text::parse`] accepts unchanged (the
    /// tests of its callers check it).
    pub(crate) fn constant(value: &'static str) -> Text {
        Text(value.to_owned())
    }
}
deserialize_via!(Text, "text", Text::parse);

text_type!(
    /// The code of an office, an application, a filing class or a group (`GLPI`, `UN`, `VOPI`,
    /// `01.02`): 1–32 letters, digits, `_`, `-` or `.`, starting with a letter or digit.
    Code
);

impl Code {
    /// Parses a code for the named field.
    pub fn parse(field: &'static str, value: &str) -> Result<Code, Error> {
        parse_code(field, value, 32, &['_', '-', '.']).map(Code)
    }
}
deserialize_via!(Code, "code", Code::parse);

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

impl JobCode {
    /// Parses a job id.
    pub fn parse(field: &'static str, value: &str) -> Result<JobCode, Error> {
        parse_code(field, value, 64, &['_', '-', '.']).map(JobCode)
    }
}
deserialize_via!(JobCode, "job_code", JobCode::parse);

text_type!(
    /// The code of a role (`DAPA_run`, `leader.main`, `VOPI/Glavna pisarna`): 1–64 letters,
    /// digits, `_`, `-`, `.`, `/` or inner spaces.
    RoleCode
);

impl RoleCode {
    /// Parses a role code.
    pub fn parse(field: &'static str, value: &str) -> Result<RoleCode, Error> {
        let code = parse_code(field, value, 64, &['_', '-', '.', '/', ' '])?;
        if code.contains("  ") {
            return Err(invalid(field, ValueProblem::DoubleSpace));
        }
        Ok(RoleCode(code))
    }
}
deserialize_via!(RoleCode, "role_code", RoleCode::parse);

text_type!(
    /// A signing code from the signing plan (signirni znak, `1001`): 1–16 letters, digits,
    /// `.`, `-` or `/`.
    SigningCode
);

impl SigningCode {
    /// Parses a signing code.
    pub fn parse(field: &'static str, value: &str) -> Result<SigningCode, Error> {
        parse_code(field, value, 16, &['.', '-', '/']).map(SigningCode)
    }
}
deserialize_via!(SigningCode, "signing_code", SigningCode::parse);

fn parse_code(field: &'static str, value: &str, max: usize, extra: &'static [char]) -> Result<String, Error> {
    let trimmed = value.trim();
    check_length(field, trimmed, 1, max)?;
    if !trimmed.chars().next().is_some_and(char::is_alphanumeric) {
        return Err(invalid(field, ValueProblem::MustStartAlphanumeric));
    }
    if let Some(bad) = trimmed.chars().find(|c| !c.is_alphanumeric() && !extra.contains(c)) {
        return Err(invalid(field, ValueProblem::CodeCharacter { bad, allowed: extra }));
    }
    Ok(trimmed.to_owned())
}

text_type!(
    /// A username (`vopiglpi01`): 2–64 characters, lower-case letters, digits, `.`, `_` or `-`,
    /// starting with a letter or digit. Input in upper case is folded to lower case, so two
    /// accounts can never differ only by case.
    Username
);

impl Username {
    /// Parses a username.
    pub fn parse(field: &'static str, value: &str) -> Result<Username, Error> {
        let lower = value.trim().to_lowercase();
        check_length(field, &lower, 2, 64)?;
        if !lower.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid(field, ValueProblem::MustStartAlphanumeric));
        }
        if let Some(bad) = lower
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
        {
            return Err(invalid(field, ValueProblem::UsernameCharacter(bad)));
        }
        Ok(Username(lower))
    }
}
deserialize_via!(Username, "username", Username::parse);

text_type!(
    /// An e-mail address. Mandatory on every user: it is where password links are sent. The
    /// domain is folded to lower case; [`Email::key`] folds the whole address for look-ups.
    Email
);

impl Email {
    /// Parses an e-mail address (a practical subset of RFC 5321: `local@domain.tld`).
    pub fn parse(field: &'static str, value: &str) -> Result<Email, Error> {
        let trimmed = value.trim();
        check_length(field, trimmed, 3, 254)?;
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(invalid(field, ValueProblem::EmailNoAt));
        };
        if local.is_empty() || local.len() > 64 {
            return Err(invalid(field, ValueProblem::EmailLocalLength));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid(field, ValueProblem::EmailLocalDots));
        }
        if let Some(bad) = local
            .chars()
            .find(|c| !(c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        {
            return Err(invalid(field, ValueProblem::EmailLocalCharacter(bad)));
        }
        let domain = domain.to_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.len() > 63
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return Err(invalid(field, ValueProblem::EmailDomain));
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    /// The address folded to lower case: the key under which accounts are found by address.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}
deserialize_via!(Email, "email", Email::parse);

text_type!(
    /// A telephone number (`05 611 7000`, `+386 5 611 7000`): 3–32 characters of digits,
    /// spaces, `+`, `-`, `/`, `(` and `)`, with at least three digits.
    Phone
);

impl Phone {
    /// Parses a phone number.
    pub fn parse(field: &'static str, value: &str) -> Result<Phone, Error> {
        let trimmed = value.trim();
        check_length(field, trimmed, 3, 32)?;
        if let Some(bad) = trimmed.chars().find(|c| !(c.is_ascii_digit() || " +-/()".contains(*c))) {
            return Err(invalid(field, ValueProblem::PhoneCharacter(bad)));
        }
        if trimmed.chars().filter(char::is_ascii_digit).count() < 3 {
            return Err(invalid(field, ValueProblem::PhoneDigits));
        }
        Ok(Phone(trimmed.to_owned()))
    }
}
deserialize_via!(Phone, "phone", Phone::parse);

#[cfg(test)]
mod tests {
    use super::*;

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
