//! The bundled word lists and the normalisation they are compared under.
//!
//! The lists are compiled into the binary (`include_bytes!`) as published, gzipped and
//! front-coded (see `data/build_lists.py`), and turned into sorted sets of *skeletons* at first
//! use. A skeleton is the form every comparison in the password policy uses: NFKC, lower case,
//! diacritics removed (č→c, š→s, ž→z, ć→c, đ→d) and leetspeak undone. Applying the one
//! function to both the lists and the password is what makes `P@ssw0rd`, `Č0kolada` and
//! `čokolada` meet their entries.

use flate2::read::GzDecoder;
use std::io::Read;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// A bundled list could not be decoded. Since the lists are compiled in, this means the build
/// shipped a damaged file; the tests decode every list, so it should never reach a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// The gzip stream or its UTF-8 is damaged.
    #[error("the bundled list {list} is not valid gzipped UTF-8: {reason}")]
    Corrupt {
        /// Which list.
        list: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// A line is not `<shared prefix length>\t<rest>` or its prefix is longer than the line before.
    #[error("the bundled list {list} has a malformed line {line}")]
    BadLine {
        /// Which list.
        list: &'static str,
        /// 1-based line number.
        line: usize,
    },
}

/// Lower case with diacritics removed, after NFKC; digits and symbols are kept.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The lists are mostly ASCII; skipping normalisation for ASCII keeps loading fast.
    let normalised: String = if text.is_ascii() {
        text.to_owned()
    } else {
        text.nfkc().collect()
    };
    for c in normalised.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                // Letters with a stroke have no canonical decomposition, so NFD keeps them.
                'đ' => out.push('d'),
                'ł' => out.push('l'),
                'ø' => out.push('o'),
                'ß' => out.push_str("ss"),
                _ => unicode_normalization::char::decompose_canonical(lower, |part| {
                    if !unicode_normalization::char::is_combining_mark(part) {
                        out.push(part);
                    }
                }),
            }
        }
    }
    out
}

/// Leetspeak undone on an already folded text. `1` stands for both `i` and `l`, so both of those
/// letters map to `i` too: the skeleton then treats the three alike, on both sides.
pub(crate) fn unleet(folded: &str) -> String {
    folded
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'l' | '!' | '|' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' | '+' => 't',
            other => other,
        })
        .collect()
}

/// The comparison form: [`fold`] then [`unleet`].
pub(crate) fn skeleton(text: &str) -> String {
    unleet(&fold(text))
}

/// A sorted set of skeletons packed into one string, so a million words cost their bytes plus
/// four bytes each rather than a heap allocation each.
pub(crate) struct WordSet {
    text: String,
    starts: Vec<u32>,
}

impl std::fmt::Debug for WordSet {
    // The derived form would print megabytes of words wherever a policy is logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordSet({} words)", self.len())
    }
}

impl WordSet {
    /// Builds the set of skeletons of `words`.
    fn from_words(words: impl Iterator<Item = String>) -> WordSet {
        let mut skeletons: Vec<String> = words.map(|w| skeleton(&w)).collect();
        skeletons.sort_unstable();
        skeletons.dedup();
        let mut text = String::with_capacity(skeletons.iter().map(String::len).sum());
        let mut starts = Vec::with_capacity(skeletons.len() + 1);
        for word in &skeletons {
            starts.push(text.len() as u32);
            text.push_str(word);
        }
        starts.push(text.len() as u32);
        WordSet { text, starts }
    }

    fn get(&self, index: usize) -> &str {
        let (from, to) = (self.starts[index] as usize, self.starts[index + 1] as usize);
        &self.text[from..to]
    }

    /// Number of distinct skeletons.
    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether `skeleton` (already in comparison form) is in the set.
    pub(crate) fn contains(&self, skeleton: &str) -> bool {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid).cmp(skeleton) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

/// Decodes a gzipped front-coded list: each line is `<chars shared with the previous line>\t<rest>`.
fn decode(list: &'static str, gz: &[u8]) -> Result<Vec<String>, ListError> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| ListError::Corrupt {
            list,
            reason: e.to_string(),
        })?;
    let mut words = Vec::new();
    let mut previous = String::new();
    for (number, line) in text.lines().enumerate() {
        let bad = || ListError::BadLine { list, line: number + 1 };
        let (shared, rest) = line.split_once('\t').ok_or_else(bad)?;
        let shared: usize = shared.parse().map_err(|_| bad())?;
        let cut = match previous.char_indices().nth(shared) {
            Some((at, _)) => at,
            None if previous.chars().count() == shared => previous.len(),
            None => return Err(bad()),
        };
        previous.truncate(cut);
        previous.push_str(rest);
        words.push(previous.clone());
    }
    Ok(words)
}

/// The three bundled lists, as skeleton sets.
#[derive(Debug)]
pub(crate) struct Lists {
    pub(crate) common: WordSet,
    pub(crate) slovenian: WordSet,
    pub(crate) english: WordSet,
}

static COMMON_GZ: &[u8] = include_bytes!("../../data/common-passwords.txt.gz");
static SLOVENIAN_GZ: &[u8] = include_bytes!("../../data/slovenian-words.txt.gz");
static ENGLISH_GZ: &[u8] = include_bytes!("../../data/english-words.txt.gz");

// Decoding takes a fraction of a second in a release build and about 20 MB; done once, at
// first use, so a server that never checks a password never pays it.
static LISTS: LazyLock<Result<Lists, ListError>> = LazyLock::new(|| {
    Ok(Lists {
        common: WordSet::from_words(decode("common-passwords", COMMON_GZ)?.into_iter()),
        slovenian: WordSet::from_words(decode("slovenian-words", SLOVENIAN_GZ)?.into_iter()),
        english: WordSet::from_words(decode("english-words", ENGLISH_GZ)?.into_iter()),
    })
});

/// The lists, decoded at first call.
pub(crate) fn lists() -> Result<&'static Lists, ListError> {
    LISTS.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_strips_slovenian_diacritics_and_case() {
        assert_eq!(fold("ČŠŽćĐ"), "cszcd");
        assert_eq!(fold("Čokolada"), "cokolada");
        // NFKC: a full-width letter and a ligature are their plain forms.
        assert_eq!(fold("Ｐａｓｓ\u{FB01}"), "passfi");
    }

    #[test]
    fn skeleton_undoes_leetspeak() {
        assert_eq!(skeleton("P@$$w0rd"), skeleton("password"));
        assert_eq!(skeleton("5onc3"), skeleton("sonce"));
        assert_eq!(skeleton("7ru5t"), skeleton("trust"));
        assert_eq!(skeleton("1jub1jan4"), skeleton("Ljubljana"));
        assert_ne!(skeleton("sonce"), skeleton("sonca"));
    }

    #[test]
    fn lists_decode_with_the_sizes_the_readme_states() {
        let lists = lists().unwrap();
        // 100 000 passwords; a few collapse under the skeleton (e.g. "password" and "passw0rd").
        assert!(lists.common.len() > 90_000, "{}", lists.common.len());
        assert!(lists.english.len() > 60_000, "{}", lists.english.len());
        assert!(lists.slovenian.len() > 1_000_000, "{}", lists.slovenian.len());
        for word in ["password", "qwerty", "iloveyou", "123456"] {
            assert!(lists.common.contains(&skeleton(word)), "{word}");
        }
        for word in ["sonce", "hiša", "miza", "čokolada", "ljubljana", "geslo"] {
            assert!(lists.slovenian.contains(&skeleton(word)), "{word}");
        }
        for word in ["house", "sunshine", "table"] {
            assert!(lists.english.contains(&skeleton(word)), "{word}");
        }
        assert!(!lists.english.contains(&skeleton("tbvkplmwrq")));
        assert!(format!("{:?}", lists.english).starts_with("WordSet("));
    }

    #[test]
    fn decode_rejects_a_malformed_line() {
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            enc.write_all(b"0\tabc\n9\tx\n").unwrap();
            enc.finish().unwrap();
        }
        assert_eq!(decode("test", &gz), Err(ListError::BadLine { list: "test", line: 2 }));
        assert!(matches!(decode("test", b"not gzip"), Err(ListError::Corrupt { .. })));
    }
}
