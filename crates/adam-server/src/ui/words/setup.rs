//! Words for the first run: offices, applications and roles created in the UI: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[];
