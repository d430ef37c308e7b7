//! Parsing validated text ([`Text`], [`Code`], [`Username`], [`Email`] and the others): the
//! rules each type's value must pass, and the `Deserialize` impls that apply them. The types
//! are in `text.rs`, below the errors that name them; the refusal is an [`Error`] naming the
//! field and the rule.

use crate::error::{Error, ValueError, ValueProblem};
use crate::text::{Code, Email, JobCode, Phone, RoleCode, SigningCode, Text, Username};
use serde::{Deserialize, Deserializer};

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

impl Text {
    /// Parses free text for the named field.
    pub fn parse(field: &'static str, value: &str) -> Result<Text, Error> {
        let trimmed = value.trim();
        check_length(field, trimmed, 1, Text::MAX)?;
        if trimmed.chars().any(char::is_control) {
            return Err(invalid(field, ValueProblem::ControlCharacter));
        }
        Ok(Text::checked(trimmed.to_owned()))
    }
}

impl Code {
    /// Parses a code for the named field.
    pub fn parse(field: &'static str, value: &str) -> Result<Code, Error> {
        parse_code(field, value, 32, &['_', '-', '.']).map(Code::checked)
    }
}

impl JobCode {
    /// Parses a job id.
    pub fn parse(field: &'static str, value: &str) -> Result<JobCode, Error> {
        parse_code(field, value, 64, &['_', '-', '.']).map(JobCode::checked)
    }
}

impl RoleCode {
    /// Parses a role code.
    pub fn parse(field: &'static str, value: &str) -> Result<RoleCode, Error> {
        let code = parse_code(field, value, 64, &['_', '-', '.', '/', ' '])?;
        if code.contains("  ") {
            return Err(invalid(field, ValueProblem::DoubleSpace));
        }
        Ok(RoleCode::checked(code))
    }
}

impl SigningCode {
    /// Parses a signing code.
    pub fn parse(field: &'static str, value: &str) -> Result<SigningCode, Error> {
        parse_code(field, value, 16, &['.', '-', '/']).map(SigningCode::checked)
    }
}

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
        Ok(Username::checked(lower))
    }
}

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
        Ok(Phone::checked(trimmed.to_owned()))
    }
}

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
        Ok(Email::checked(format!("{local}@{domain}")))
    }
}

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

deserialize_via!(Text, "text", Text::parse);
deserialize_via!(Code, "code", Code::parse);
deserialize_via!(JobCode, "job_code", JobCode::parse);
deserialize_via!(RoleCode, "role_code", RoleCode::parse);
deserialize_via!(SigningCode, "signing_code", SigningCode::parse);
deserialize_via!(Username, "username", Username::parse);
deserialize_via!(Email, "email", Email::parse);
deserialize_via!(Phone, "phone", Phone::parse);
