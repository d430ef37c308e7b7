//! Instants and validity windows.
//!
//! The core never reads a clock: every question carries its own instant ("as of" `at`), which
//! is what makes "who could see this on date D" and "what if" questions answerable and tests
//! deterministic. An instant is whole seconds since the Unix epoch, UTC; it is written as
//! RFC 3339 (`2018-03-15T00:00:00Z`). A bare date `2018-03-15` read here means midnight UTC (the
//! API's instants); a date a *person* types is a Slovenian calendar date, read by
//! [`crate::calendar::LocalDate`], which knows when that day starts in Ljubljana.
//!
//! A [`Window`] is half-open: valid from `from` (inclusive) until `to` (exclusive). A grant
//! "valid to 15.03.2018" entered as a date in a form is therefore stored with `to` at the start
//! of 16.03.2018 *in Ljubljana* (23:00 UTC on the 15th in winter), so it still counts for the
//! whole of the 15th — what a records officer means — and is shown back as 15.03.2018
//! ([`crate::calendar`]).

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// An instant: whole seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Text that is not an instant (`Timestamp::parse` turns it into the refusal).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unreadable;

impl Timestamp {
    /// The instant at midnight UTC starting the given date, if there is such a date.
    pub(crate) fn date(year: i64, month: u32, day: u32) -> Option<Timestamp> {
        let (m, d) = (i64::from(month), i64::from(day));
        if !(1..=9999).contains(&year) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(year, m) {
            return None;
        }
        Some(Timestamp(days_from_civil(year, m, d) * SECONDS_PER_DAY))
    }

    /// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or with a `±HH:MM` offset (fractions of a
    /// second are accepted and dropped). `Timestamp::parse` adds the refusal.
    pub(crate) fn read(text: &str) -> Result<Timestamp, Unreadable> {
        let bad = || Unreadable;
        let b = text.as_bytes();
        let num = |from: usize, to: usize| -> Result<i64, Unreadable> {
            let part = text.get(from..to).ok_or_else(bad)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse::<i64>().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
        let date = Timestamp::date(
            y,
            u32::try_from(mo).map_err(|_| bad())?,
            u32::try_from(d).map_err(|_| bad())?,
        )
        .ok_or_else(bad)?;
        if b.len() == 10 {
            return Ok(date);
        }
        if b.len() < 20 || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let (h, mi, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        if h > 23 || mi > 59 || s > 60 {
            return Err(bad());
        }
        let mut rest = &text[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            rest = &frac[digits..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && &rest[3..4] == ":" => {
                let oh = rest[1..3].parse::<i64>().map_err(|_| bad())?;
                let om = rest[4..6].parse::<i64>().map_err(|_| bad())?;
                if oh > 23 || om > 59 {
                    return Err(bad());
                }
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (oh * 3600 + om * 60)
            }
            _ => return Err(bad()),
        };
        Ok(Timestamp(date.0 + h * 3600 + mi * 60 + s.min(59) - offset))
    }

    /// The instant `seconds` later.
    pub fn plus_seconds(self, seconds: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(seconds))
    }

    /// The instant `days` whole days later.
    pub fn plus_days(self, days: i64) -> Timestamp {
        self.plus_seconds(days.saturating_mul(SECONDS_PER_DAY))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(SECONDS_PER_DAY);
        let secs = self.0.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The status of a time-limited grant or entry at a given instant (004 §3 d).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WindowStatus {
    /// Not yet valid.
    Waiting,
    /// Valid now.
    Active,
    /// No longer valid.
    Expired,
}

/// A validity window `[from, to)`; either bound may be open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Window {
    /// Valid from this instant (inclusive); open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Timestamp>,
    /// Valid until this instant (exclusive); open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Timestamp>,
}

impl Window {
    /// Always valid.
    pub const ALWAYS: Window = Window { from: None, to: None };

    /// The status at `at`.
    #[inline]
    pub fn status(&self, at: Timestamp) -> WindowStatus {
        if self.from.is_some_and(|f| at < f) {
            WindowStatus::Waiting
        } else if self.to.is_some_and(|t| at >= t) {
            WindowStatus::Expired
        } else {
            WindowStatus::Active
        }
    }

    /// Whether the window counts at `at`.
    #[inline]
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }

    /// Whether the window is open on both sides.
    pub fn is_always(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}
