//! Malformed values: what is wrong with a field ([`ValueProblem`], said in either language)
//! and the [`ValueError`]s of levels, classes, instants, windows and listings.

use crate::time::Timestamp;

/// What is wrong with a field's value (the rule it breaks), so that it can be said in either
/// language; `Display` is the English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueProblem {
    /// Nothing given.
    #[error("must not be empty")]
    Empty,
    /// Shorter than allowed.
    #[error("must be at least {0} characters long")]
    TooShort(usize),
    /// Longer than allowed.
    #[error("must be at most {max} characters long (got {got})")]
    TooLong {
        /// The longest allowed.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// A control character (a line break, a tab…).
    #[error("must not contain control characters")]
    ControlCharacter,
    /// Two spaces in a row (role codes).
    #[error("must not contain two spaces in a row")]
    DoubleSpace,
    /// A first character that is not a letter or a digit.
    #[error("must start with a letter or a digit")]
    MustStartAlphanumeric,
    /// A character a code does not allow.
    #[error("contains {bad:?}; only letters, digits and {} are allowed", list_en(allowed))]
    CodeCharacter {
        /// The character.
        bad: char,
        /// The characters allowed besides letters and digits.
        allowed: &'static [char],
    },
    /// A character a username does not allow.
    #[error("contains {0:?}; only letters a–z, digits, '.', '_' and '-' are allowed")]
    UsernameCharacter(char),
    /// An e-mail address without `@`.
    #[error("must contain '@', as in name@example.si")]
    EmailNoAt,
    /// An e-mail address with too short or too long a part before `@`.
    #[error("the part before '@' must have 1–64 characters")]
    EmailLocalLength,
    /// An e-mail address with a misplaced dot before `@`.
    #[error("the part before '@' must not start or end with '.' or contain '..'")]
    EmailLocalDots,
    /// A character an e-mail address does not allow before `@`.
    #[error("contains {0:?} before '@'")]
    EmailLocalCharacter(char),
    /// A part after `@` that is not a domain.
    #[error("the part after '@' must be a domain such as example.si")]
    EmailDomain,
    /// A character a phone number does not allow.
    #[error("contains {0:?}; only digits, spaces and + - / ( ) are allowed")]
    PhoneCharacter(char),
    /// A phone number with fewer than three digits.
    #[error("must contain at least three digits")]
    PhoneDigits,
    /// Not a SHA-256 digest (64 lowercase hexadecimal digits).
    #[error("must be a SHA-256 digest: 64 hexadecimal digits 0-9, a-f")]
    NotADigest,
    /// An account kind that is none of the kinds.
    #[error("{0:?} is not an account kind; the kinds are admin, system_user and user")]
    NotAnAccountKind(String),
    /// A gender that is none of the genders.
    #[error("{0:?} is not a gender; use female, male, other or unspecified")]
    NotAGender(String),
}

/// The characters a code allows besides letters and digits, in English (`'_', '-', space`).
pub(crate) fn list_en(allowed: &[char]) -> String {
    allowed
        .iter()
        .map(|c| {
            if *c == ' ' {
                "space".to_owned()
            } else {
                format!("'{c}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

area_error! {
    /// Malformed values: a level, class, field, instant or window that cannot be read, a listing
    /// that asks for nothing or too much.
    pub enum ValueError {
        /// A level outside `{0, 11, 12, 13, 14, 21, 22}`.
        #[error("{0} is not an access level; the levels are 0, 11, 12, 13, 14, 21 and 22")]
        InvalidLevel(u32) => ("invalid-level", Invalid),
        /// A security class outside 0–3.
        #[error("{0} is not a security class; classes are 0 (unclassified), 1, 2 and 3")]
        InvalidSecurityClass(u32) => ("invalid-security-class", Invalid),
        /// A field that breaks its format rule.
        #[error("{field} {problem}")]
        InvalidValue {
            /// The field.
            field: &'static str,
            /// What is wrong with it.
            problem: ValueProblem,
        } => ("invalid-value", Invalid),
        /// A date or instant that cannot be read.
        #[error("{0:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant (YYYY-MM-DDTHH:MM:SSZ)")]
        InvalidTimestamp(String) => ("invalid-timestamp", Invalid),
        /// A date a person typed that is not a day of the calendar.
        #[error("{field}: {text:?} is not a date; write it as YYYY-MM-DD or DD.MM.YYYY (e.g. 2027-01-31)")]
        InvalidDate {
            /// The field.
            field: &'static str,
            /// What was typed.
            text: String,
        } => ("invalid-date", Invalid),
        /// A last day (inclusive) before the first, as typed.
        #[error("valid to ({to}) is before valid from ({from})")]
        DatesReversed {
            /// The first day, as typed.
            from: String,
            /// The last day, as typed.
            to: String,
        } => ("dates-reversed", Invalid),
        /// `valid_to` not after `valid_from`.
        #[error("valid-to ({to}) must be after valid-from ({from})")]
        EmptyWindow {
            /// Start.
            from: Timestamp,
            /// End.
            to: Timestamp,
        } => ("empty-window", Invalid),
        /// A listing at level 0, which would be everything.
        #[error("a listing needs a level of at least 11")]
        LookupLevelZero => ("lookup-level-zero", Invalid),
        /// A page size of zero or above the maximum.
        #[error("a page holds 1 to {max} items, not {requested}")]
        PageSize {
            /// Asked for.
            requested: usize,
            /// The maximum.
            max: usize,
        } => ("page-size", Invalid),
    }
}
