//! The password policy of Decree Art. 54(1), read as NIST SP 800-63B-4 reads it.
//!
//! NIST's advice is a length floor plus a blocklist, and no composition rules ("one upper-case
//! letter, one digit"): those push people to `Geslo123!`. So the rules are:
//!
//! - at least 8 characters when the account has a second factor, 15 when it has not (both
//!   configurable, never below the Decree's 8), at most 128 (never below NIST's 64);
//! - not on the bundled list of common and breached passwords;
//! - not a Slovenian or English dictionary word, also with digits or symbols around it
//!   (`Sonce2024!`) — being a word, not merely containing a short one;
//! - no run of 4 or more repeated (`aaaa`), sequential (`1234`, `abcd`, `dcba`) or keyboard-row
//!   (`qwer`, `asdf`, `yxcv`, QWERTZ and QWERTY) characters, and no run of 3 unless the password
//!   is long enough without it (see the `runs` module: a long passphrase keeps `st·re·ha`);
//! - not containing the username, first or last name, the e-mail's local part, the
//!   organisation's or the service's name, nor those reversed or in leetspeak.
//!
//! Length counts Unicode code points after NFKC (so `ﬁ` is two characters, like `fi`). List,
//! dictionary and personal-data comparisons use the *skeleton* of [`lists`]: lower case,
//! without diacritics, with leetspeak undone. Every broken rule is reported, each with an
//! English and a Slovenian message. Only the run rules quote the password — the run itself, so
//! the person sees which part failed — and that [`RunPart`] prints redacted under `{:?}`; no
//! problem is meant for a log line all the same.

mod lists;
mod runs;

pub use lists::ListError;
use lists::{Lists, fold, unleet};
pub use runs::RunPart;
use runs::{Chars, RunKind};
use serde::Serialize;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// The Decree's floor (Art. 54(1)): no configuration may go below it.
pub const DECREE_MIN_LEN: usize = 8;
/// NIST SP 800-63B-4: verifiers should permit at least 64 characters.
pub const NIST_MIN_MAX_LEN: usize = 64;

/// A policy that would break the Decree or NIST's floor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A minimum length below the Decree's 8.
    #[error("a minimum password length of {0} is below the Decree's {DECREE_MIN_LEN}")]
    BelowDecreeMinimum(usize),
    /// The single-factor minimum is below the minimum with a second factor.
    #[error("the minimum length without a second factor ({single}) is below the one with it ({with_mfa})")]
    SingleFactorShorter {
        /// Minimum without a second factor.
        single: usize,
        /// Minimum with a second factor.
        with_mfa: usize,
    },
    /// A maximum length below 64 or below a minimum.
    #[error("a maximum password length of {0} is below 64 or below a minimum")]
    MaximumTooSmall(usize),
    /// The bundled lists could not be decoded.
    #[error(transparent)]
    List(#[from] ListError),
}

/// Where a password was checked against: the account and the service. Empty fields are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context<'a> {
    /// The account's username.
    pub username: &'a str,
    /// The person's first name(s).
    pub first_name: &'a str,
    /// The person's last name(s).
    pub last_name: &'a str,
    /// The account's e-mail address; its local part is what counts.
    pub email: &'a str,
    /// The organisation's name.
    pub organisation: &'a str,
    /// The service's name, `ADAM` by default.
    pub service_name: &'a str,
    /// Whether the account has a second factor (which lowers the minimum length).
    pub has_second_factor: bool,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context {
            username: "",
            first_name: "",
            last_name: "",
            email: "",
            organisation: "",
            service_name: "ADAM",
            has_second_factor: false,
        }
    }
}

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Slovenian.
    Sl,
}

/// A dictionary the password was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dictionary {
    /// Slovenian words (hunspell-sl).
    Slovenian,
    /// English words (wamerican).
    English,
}

/// A piece of personal or service data the password contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalField {
    /// The username.
    Username,
    /// The first name.
    FirstName,
    /// The last name.
    LastName,
    /// The local part of the e-mail address.
    Email,
    /// The organisation's name.
    Organisation,
    /// The service's name.
    ServiceName,
}

/// One broken rule. Only the run rules carry a piece of the password: the run, to name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum PasswordProblem {
    /// Fewer characters than the minimum.
    TooShort {
        /// The minimum that applies to this account.
        minimum: usize,
    },
    /// More characters than the maximum.
    TooLong {
        /// The maximum.
        maximum: usize,
    },
    /// On the list of common and breached passwords.
    Common,
    /// A dictionary word, perhaps with digits or symbols around it.
    DictionaryWord {
        /// Which dictionary.
        dictionary: Dictionary,
    },
    /// Equal characters in a row: four or more, or three in a password too short without them.
    Repeated {
        /// The run, as typed.
        part: RunPart,
    },
    /// Consecutive letters or digits, ascending or descending: four or more, or three in a
    /// password too short without them.
    Sequential {
        /// The run, as typed.
        part: RunPart,
    },
    /// Neighbouring keys of a keyboard row: four or more, or three in a password too short
    /// without them.
    KeyboardRow {
        /// The run, as typed.
        part: RunPart,
    },
    /// Contains personal or service data.
    Personal {
        /// Which.
        field: PersonalField,
    },
    /// The account's current password again. The policy cannot see stored hashes, so it never
    /// reports this itself: the server does, after comparing the new password with the current
    /// hash. A temporary password is known to the administrator who typed it, so keeping it
    /// would make them know the person's permanent password.
    Reused {
        /// Whether the current password is a temporary one set by an administrator.
        temporary: bool,
    },
}

/// "znak" in the Slovenian grammatical number that goes with `n` (1 znak, 2 znaka, 3 znaki,
/// 5 znakov, 101 znak).
fn znakov(n: usize) -> &'static str {
    match n % 100 {
        1 => "znak",
        2 => "znaka",
        3 | 4 => "znaki",
        _ => "znakov",
    }
}

impl PasswordProblem {
    /// The message shown to the person choosing the password.
    pub fn message(&self, lang: Lang) -> String {
        use PasswordProblem::*;
        match (self, lang) {
            (TooShort { minimum }, Lang::En) => format!("The password must have at least {minimum} characters."),
            (TooShort { minimum }, Lang::Sl) => format!("Geslo mora imeti vsaj {minimum} {}.", znakov(*minimum)),
            (TooLong { maximum }, Lang::En) => format!("The password may have at most {maximum} characters."),
            (TooLong { maximum }, Lang::Sl) => format!("Geslo ima lahko največ {maximum} {}.", znakov(*maximum)),
            (Common, Lang::En) => "This password is on a list of common or breached passwords; choose another.".into(),
            (Common, Lang::Sl) => "To geslo je na seznamu pogostih ali ukradenih gesel; izberite drugo.".into(),
            (DictionaryWord { dictionary }, Lang::En) => format!(
                "The password is {} word (perhaps with digits or symbols added); a phrase of several words is better.",
                match dictionary {
                    Dictionary::Slovenian => "a Slovenian",
                    Dictionary::English => "an English",
                }
            ),
            (DictionaryWord { dictionary }, Lang::Sl) => format!(
                "Geslo je {} beseda (morda z dodanimi številkami ali znaki); boljša je fraza iz več besed.",
                match dictionary {
                    Dictionary::Slovenian => "slovenska",
                    Dictionary::English => "angleška",
                }
            ),
            (Repeated { part }, Lang::En) => {
                format!("“{}” repeats one character; {}", part.as_str(), run_rule_en(part))
            }
            (Repeated { part }, Lang::Sl) => format!("»{}« ponavlja isti znak; {}", part.as_str(), run_rule_sl(part)),
            (Sequential { part }, Lang::En) => format!(
                "“{}” is a sequence of consecutive characters (like “abc” or “321”); {}",
                part.as_str(),
                run_rule_en(part)
            ),
            (Sequential { part }, Lang::Sl) => format!(
                "»{}« je zaporedje zaporednih znakov (kot »abc« ali »321«); {}",
                part.as_str(),
                run_rule_sl(part)
            ),
            (KeyboardRow { part }, Lang::En) => format!(
                "“{}” is a walk along a keyboard row (like “qwe” or “asd”); {}",
                part.as_str(),
                run_rule_en(part)
            ),
            (KeyboardRow { part }, Lang::Sl) => format!(
                "»{}« so sosednje tipke iz iste vrste tipkovnice (kot »qwe« ali »asd«); {}",
                part.as_str(),
                run_rule_sl(part)
            ),
            (Personal { field }, Lang::En) => format!(
                "The password contains {} (also reversed or with digits for letters counts).",
                match field {
                    PersonalField::Username => "your username",
                    PersonalField::FirstName => "your first name",
                    PersonalField::LastName => "your last name",
                    PersonalField::Email => "your e-mail address",
                    PersonalField::Organisation => "your organisation's name",
                    PersonalField::ServiceName => "the service's name",
                }
            ),
            (Personal { field }, Lang::Sl) => format!(
                "Geslo vsebuje {} (šteje tudi obrnjeno ali s številkami namesto črk).",
                match field {
                    PersonalField::Username => "vaše uporabniško ime",
                    PersonalField::FirstName => "vaše ime",
                    PersonalField::LastName => "vaš priimek",
                    PersonalField::Email => "vaš e-poštni naslov",
                    PersonalField::Organisation => "ime vaše organizacije",
                    PersonalField::ServiceName => "ime storitve",
                }
            ),
            (Reused { temporary: true }, Lang::En) => "The new password must differ from the temporary one: \
                 the administrator who set it knows it."
                .into(),
            (Reused { temporary: true }, Lang::Sl) => "Novo geslo se mora razlikovati od začasnega: \
                 skrbnik, ki ga je nastavil, ga pozna."
                .into(),
            (Reused { temporary: false }, Lang::En) => "The new password must differ from the current one.".into(),
            (Reused { temporary: false }, Lang::Sl) => "Novo geslo se mora razlikovati od trenutnega.".into(),
        }
    }
}

/// Why a run is refused, in English: always at four, at three only in a short password.
fn run_rule_en(part: &RunPart) -> &'static str {
    if part.len() >= runs::ALWAYS_REFUSED {
        "runs of four or more characters are not allowed."
    } else {
        "a run of three is allowed only in a longer password (add a few words)."
    }
}

/// Why a run is refused, in Slovenian.
fn run_rule_sl(part: &RunPart) -> &'static str {
    if part.len() >= runs::ALWAYS_REFUSED {
        "nizi štirih ali več takih znakov niso dovoljeni."
    } else {
        "niz treh je dovoljen le v daljšem geslu (dodajte nekaj besed)."
    }
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Shortest personal-data piece that is looked for: two-letter names ("Al") would refuse far too
/// many good passwords.
const MIN_PERSONAL_LEN: usize = 3;
/// Shortest word looked up in the lists after digits and symbols are stripped: the word lists
/// are cut at 4 letters too.
const MIN_CORE_LEN: usize = 4;

/// The password policy: length limits plus the bundled lists.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    min_len_with_second_factor: usize,
    min_len_single_factor: usize,
    max_len: usize,
    lists: &'static Lists,
}

impl PasswordPolicy {
    /// A policy with the given limits; refuses limits under the Decree's or NIST's floors, and
    /// loads the bundled lists (once per process).
    pub fn new(
        min_len_with_second_factor: usize,
        min_len_single_factor: usize,
        max_len: usize,
    ) -> Result<PasswordPolicy, PolicyError> {
        if min_len_with_second_factor < DECREE_MIN_LEN {
            return Err(PolicyError::BelowDecreeMinimum(min_len_with_second_factor));
        }
        if min_len_single_factor < min_len_with_second_factor {
            return Err(PolicyError::SingleFactorShorter {
                single: min_len_single_factor,
                with_mfa: min_len_with_second_factor,
            });
        }
        if max_len < NIST_MIN_MAX_LEN || max_len < min_len_single_factor {
            return Err(PolicyError::MaximumTooSmall(max_len));
        }
        Ok(PasswordPolicy {
            min_len_with_second_factor,
            min_len_single_factor,
            max_len,
            lists: lists::lists()?,
        })
    }

    /// 8 characters with a second factor, 15 without, at most 128.
    pub fn standard() -> Result<PasswordPolicy, PolicyError> {
        PasswordPolicy::new(8, 15, 128)
    }

    /// The minimum length for an account with or without a second factor.
    pub fn min_len(&self, has_second_factor: bool) -> usize {
        if has_second_factor {
            self.min_len_with_second_factor
        } else {
            self.min_len_single_factor
        }
    }

    /// The maximum length.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Checks `password` for the account in `context`: `Ok` or every rule it breaks, in the
    /// order of the module's list (a password over the maximum gets only `TooLong`).
    pub fn check(&self, password: &str, context: &Context<'_>) -> Result<(), Vec<PasswordProblem>> {
        let normalised: String = password.nfkc().collect();
        let mut problems = Vec::new();

        let length = normalised.chars().count();
        let minimum = self.min_len(context.has_second_factor);
        if length < minimum {
            problems.push(PasswordProblem::TooShort { minimum });
        }
        if length > self.max_len {
            // Nothing else matters when the password must be shortened anyway, and stopping here
            // keeps a megabyte pasted into the form from costing a megabyte of list lookups.
            return Err(vec![PasswordProblem::TooLong { maximum: self.max_len }]);
        }

        let folded = fold(&normalised);
        let candidates = list_candidates(&folded);
        if candidates.iter().any(|c| self.lists.common.contains(c)) {
            problems.push(PasswordProblem::Common);
        }
        if let Some(dictionary) = self.dictionary_of(&candidates) {
            problems.push(PasswordProblem::DictionaryWord { dictionary });
        }

        let chars = Chars::new(&normalised);
        for run in runs::refused(&chars, minimum) {
            let part = chars.part(&run);
            problems.push(match run.kind {
                RunKind::Repeated => PasswordProblem::Repeated { part },
                RunKind::Sequential => PasswordProblem::Sequential { part },
                RunKind::KeyboardRow => PasswordProblem::KeyboardRow { part },
            });
        }

        let compact = compact(&unleet(&folded));
        for (field, value) in [
            (PersonalField::Username, context.username),
            (PersonalField::FirstName, context.first_name),
            (PersonalField::LastName, context.last_name),
            (PersonalField::Email, local_part(context.email)),
            (PersonalField::Organisation, context.organisation),
            (PersonalField::ServiceName, context.service_name),
        ] {
            if personal_pieces(value).iter().any(|piece| {
                let reversed: String = piece.chars().rev().collect();
                compact.contains(piece.as_str()) || compact.contains(reversed.as_str())
            }) {
                problems.push(PasswordProblem::Personal { field });
            }
        }

        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    fn dictionary_of(&self, candidates: &[String]) -> Option<Dictionary> {
        let long_enough = |c: &&String| c.chars().count() >= MIN_CORE_LEN;
        if candidates
            .iter()
            .filter(long_enough)
            .any(|c| self.lists.slovenian.contains(c))
        {
            Some(Dictionary::Slovenian)
        } else if candidates
            .iter()
            .filter(long_enough)
            .any(|c| self.lists.english.contains(c))
        {
            Some(Dictionary::English)
        } else {
            None
        }
    }
}

/// The skeletons a password is looked up under: the whole password, and its core with leading
/// and trailing non-letters stripped (`Sonce2024!` → `sonce`), so that decorating a listed word
/// does not hide it. The core is stripped before leetspeak is undone, so a trailing `0` counts
/// as a digit, not an `o`.
fn list_candidates(folded: &str) -> Vec<String> {
    let mut candidates = vec![unleet(folded)];
    let core = folded.trim_matches(|c: char| !c.is_alphabetic());
    if core != folded && core.chars().count() >= MIN_CORE_LEN {
        candidates.push(unleet(core));
    }
    candidates
}

/// Only letters and digits, for the personal-data search (`Ja.nez` still contains `janez`).
fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The part of an e-mail address before the last `@`, or the whole text when there is none.
fn local_part(email: &str) -> &str {
    email.rsplit_once('@').map_or(email, |(local, _)| local)
}

/// The skeletons looked for in a password for one personal field: the whole value without
/// separators, each of its words (`Mestna občina Ljubljana`, `janez.novak`), and each of those
/// without trailing digits (`jnovak2` → `jnovak`); pieces shorter than 3 are skipped.
fn personal_pieces(value: &str) -> Vec<String> {
    let folded = fold(value);
    let mut pieces = Vec::new();
    let mut push = |piece: &str| {
        let piece = compact(&unleet(piece));
        if piece.chars().count() >= MIN_PERSONAL_LEN && !pieces.contains(&piece) {
            pieces.push(piece);
        }
    };
    push(&folded);
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        push(word);
        push(word.trim_end_matches(|c: char| c.is_ascii_digit()));
    }
    pieces
}

#[cfg(test)]
mod tests;
