//! Words for the audit trail, its search and the overview for administrators: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[];
