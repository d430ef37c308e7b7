//! The two languages in which the engine's refusals and explanations are said.
//!
//! Every refusal (`error/`) and every explanation (`decision.rs`) exists in Slovenian and in
//! English: `message(lang)` / `summary_in(lang)`. English is also each type's `Display`, which
//! is what logs and the command line use; the web layer picks the person's language. The texts
//! themselves live beside what they say (`error_words.rs` for the refusals), with exhaustive
//! matches, so a new refusal without its Slovenian text does not compile.

/// A language ADAM speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Slovenščina: the language of the organisation, and of the UI by default.
    #[default]
    Sl,
    /// English: `Display`, logs, the command line, and the API unless asked otherwise.
    En,
}

impl Lang {
    /// Both languages, for tests and tables.
    pub const ALL: [Lang; 2] = [Lang::Sl, Lang::En];

    /// The language's tag (`sl`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Sl => "sl",
            Lang::En => "en",
        }
    }

    /// Reads a tag (`sl`, `sl-SI`, `en`, `en-GB`…; case-insensitive); `None` for any other.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("sl") {
            Some(Lang::Sl)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language an `Accept-Language` header prefers among ours (RFC 9110 §12.5.4: the
    /// highest `q`, the first of equals), or `None` when it names neither.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts.find_map(|p| p.trim().strip_prefix("q=")).map_or(1000, |q| {
                (q.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0) * 1000.0) as u16
            });
            if q > 0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// The Slovenian or the English of two texts.
    pub fn pick<T>(self, sl: T, en: T) -> T {
        match self {
            Lang::Sl => sl,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        assert_eq!(Lang::from_accept_language("sl"), Some(Lang::Sl));
        assert_eq!(Lang::from_accept_language("sl-SI,sl;q=0.9,en;q=0.8"), Some(Lang::Sl));
        assert_eq!(Lang::from_accept_language("de, en;q=0.5, sl;q=0.4"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("en-GB;q=0.3, SL;q=0.7"), Some(Lang::Sl));
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("sl;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language(""), None);
    }
}
