//! Words for grants, role boxes and their confirmations: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[];
