//! The run rules: repeated (`aaa`), sequential (`abc`, `321`) and keyboard-row (`qwe`, `yxc`)
//! characters, found as maximal runs with their place in the password.
//!
//! A three-character run is common inside real words (`st·re·ha` walks `ert` backwards on the
//! keyboard), so refusing every one of them refused the passphrases the page recommends. What a
//! run costs a guesser is its length: a walk of `n` keys is about as easy to guess as one key.
//! So a run of **four or more** is always refused, and a run of **three** only when the password,
//! with every run counted as a single character, is shorter than the minimum that applies to the
//! account (`Tb8!qwe2` is refused; `Rdeča streha nad starim mestom 8` is not). Each refused run is
//! reported with the characters it is made of, so the message can say which part failed.

use super::lists::fold;
use std::fmt;

/// A run this long or longer is refused whatever the rest of the password is.
pub(crate) const ALWAYS_REFUSED: usize = 4;
/// The shortest run looked at.
const SHORTEST: usize = 3;

/// Keyboard rows, unshifted, US QWERTY and Slovenian QWERTZ. Neighbouring keys in either
/// direction form a run.
const KEYBOARD_ROWS: [&str; 8] = [
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1234567890'+",
    "qwertzuiopšđ",
    "asdfghjklčćž",
    "<yxcvbnm,.-",
];

/// Which run rule a run breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RunKind {
    /// Equal characters.
    Repeated,
    /// Consecutive ASCII letters or digits, up or down.
    Sequential,
    /// Neighbouring keys of one keyboard row, either way.
    KeyboardRow,
}

/// The characters of a run, as the person typed them (after NFKC). It is a piece of the
/// password: shown to the person choosing it, never logged — so its `Debug` says only how long
/// it is, and a `{:?}` of a problem in a log line stays safe.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RunPart(String);

impl RunPart {
    /// The characters, to show to the person who typed them.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many characters the run has.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// Whether the run is empty (it never is when found by the policy).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for RunPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunPart(<{} characters>)", self.len())
    }
}

#[cfg(test)]
impl From<&str> for RunPart {
    fn from(text: &str) -> Self {
        RunPart(text.to_owned())
    }
}

/// One maximal run: its rule and the characters `start..end` of the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) kind: RunKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// A password as the run rules read it: one entry per character (after NFKC), with the
/// character as typed, lower-cased (for repeats and keyboard rows) and folded (for sequences,
/// so `č` is a `c`). One entry per character keeps every run's place in the typed text.
pub(crate) struct Chars {
    typed: Vec<char>,
    lower: Vec<char>,
    folded: Vec<char>,
}

impl Chars {
    pub(crate) fn new(normalised: &str) -> Chars {
        let typed: Vec<char> = normalised.chars().collect();
        let single = |mut it: std::vec::IntoIter<char>, fallback: char| match (it.next(), it.next()) {
            (Some(c), None) => c,
            _ => fallback,
        };
        let lower: Vec<char> = typed
            .iter()
            .map(|&c| single(c.to_lowercase().collect::<Vec<_>>().into_iter(), c))
            .collect();
        let folded = lower
            .iter()
            .map(|&c| single(fold(&c.to_string()).chars().collect::<Vec<_>>().into_iter(), c))
            .collect();
        Chars { typed, lower, folded }
    }

    /// The typed characters of a run.
    pub(crate) fn part(&self, run: &Run) -> RunPart {
        RunPart(self.typed[run.start..run.end].iter().collect())
    }
}

/// Every maximal run of three or more, of each kind, in order of kind then place.
pub(crate) fn runs(chars: &Chars) -> Vec<Run> {
    let mut found = Vec::new();
    maximal(&chars.lower, RunKind::Repeated, |w| w[0] == w[1], &mut found);
    maximal(&chars.folded, RunKind::Sequential, |w| step(w) == Some(1), &mut found);
    maximal(&chars.folded, RunKind::Sequential, |w| step(w) == Some(-1), &mut found);
    keyboard(&chars.lower, &mut found);
    found.sort_by_key(|r| (r.kind as u8, r.start));
    found
}

/// The runs that are refused: those of four or more, and those of three when the password with
/// each run counted as one character is shorter than `minimum`.
pub(crate) fn refused(chars: &Chars, minimum: usize) -> Vec<Run> {
    let all = runs(chars);
    let effective = effective_length(chars.typed.len(), &all);
    all.into_iter()
        .filter(|r| r.len() >= ALWAYS_REFUSED || effective < minimum)
        .collect()
}

/// The length with every stretch covered by runs counted as one character.
pub(crate) fn effective_length(length: usize, runs: &[Run]) -> usize {
    let mut covered = vec![false; length];
    for run in runs {
        covered[run.start..run.end].iter_mut().for_each(|c| *c = true);
    }
    let free = covered.iter().filter(|c| !**c).count();
    let stretches = covered
        .iter()
        .enumerate()
        .filter(|(i, c)| **c && (*i == 0 || !covered[i - 1]))
        .count();
    free + stretches
}

/// The step between two ASCII letters or digits. Letters and digits sit in separate ranges with
/// symbols between, so a step of one never crosses from one to the other.
fn step(pair: &[char]) -> Option<i32> {
    if pair.iter().all(char::is_ascii_alphanumeric) {
        Some(pair[1] as i32 - pair[0] as i32)
    } else {
        None
    }
}

/// Pushes the maximal stretches of three or more where every neighbouring pair satisfies `link`.
fn maximal(chars: &[char], kind: RunKind, link: impl Fn(&[char]) -> bool, found: &mut Vec<Run>) {
    let mut start = 0;
    for i in 1..=chars.len() {
        let linked = i < chars.len() && link(&chars[i - 1..=i]);
        if !linked {
            if i - start >= SHORTEST {
                found.push(Run { kind, start, end: i });
            }
            start = i;
        }
    }
}

/// Pushes the maximal keyboard walks: stretches that are, forwards or backwards, a piece of one
/// row. Walks are found greedily from the left; a walk inside a longer one is not reported again.
fn keyboard(chars: &[char], found: &mut Vec<Run>) {
    let on_a_row = |piece: &[char]| {
        let forward: String = piece.iter().collect();
        let backward: String = piece.iter().rev().collect();
        KEYBOARD_ROWS
            .iter()
            .any(|row| row.contains(forward.as_str()) || row.contains(backward.as_str()))
    };
    let mut reached = 0;
    for start in 0..chars.len() {
        let mut end = start + SHORTEST;
        if end > chars.len() || !on_a_row(&chars[start..end]) {
            continue;
        }
        while end < chars.len() && on_a_row(&chars[start..=end]) {
            end += 1;
        }
        if end > reached {
            found.push(Run {
                kind: RunKind::KeyboardRow,
                start,
                end,
            });
            reached = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(password: &str) -> Vec<(RunKind, String)> {
        let chars = Chars::new(password);
        runs(&chars)
            .iter()
            .map(|r| (r.kind, chars.part(r).as_str().to_owned()))
            .collect()
    }

    #[test]
    fn runs_are_maximal_and_keep_the_typed_characters() {
        use RunKind::*;
        assert_eq!(found("xQWERTYx"), vec![(KeyboardRow, "QWERTY".into())]);
        assert_eq!(
            found("Abcd-7654"),
            vec![
                (Sequential, "Abcd".into()),
                (Sequential, "7654".into()),
                (KeyboardRow, "7654".into())
            ]
        );
        assert_eq!(
            found("žŽž!!!!"),
            vec![(Repeated, "žŽž".into()), (Repeated, "!!!!".into())]
        );
        // "Rdeča streha": the only run is "tre", backwards on the QWERTY row.
        assert_eq!(
            found("Rdeča streha nad starim mestom 8"),
            vec![(KeyboardRow, "tre".into())]
        );
        // Diacritics fold for sequences: "čde" is c-d-e.
        assert_eq!(found("xčdex"), vec![(Sequential, "čde".into())]);
    }

    #[test]
    fn effective_length_counts_a_stretch_of_runs_as_one() {
        let chars = Chars::new("qwerty123");
        // "qwerty123" is one stretch of runs (keyboard "qwerty", then "123"): the effective
        // length is 1.
        assert_eq!(effective_length(9, &runs(&chars)), 1);
        let chars = Chars::new("Tb8!qwe2");
        assert_eq!(effective_length(8, &runs(&chars)), 6);
    }

    #[test]
    fn the_part_is_redacted_in_debug() {
        let part = RunPart::from("qwe");
        assert_eq!(format!("{part:?}"), "RunPart(<3 characters>)");
        assert_eq!(serde_json::to_value(&part).unwrap(), serde_json::json!("qwe"));
    }
}
