//! Words for signing in, passwords, second factors and the command line: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[];
