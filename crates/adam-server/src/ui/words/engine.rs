//! Words for the engine's refusals and explanations, record fields and states: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[];
