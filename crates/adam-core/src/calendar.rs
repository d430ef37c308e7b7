//! Slovenian calendar dates and clock times (Europe/Ljubljana, with summer time).
//!
//! A date a person types ("velja do 31.01.2027") is a day of the Slovenian calendar, and a
//! window typed as dates is inclusive at both ends. It is stored as what it means: from the
//! start of the first day in Ljubljana until the start of the day after the last one
//! ([`LocalDate::window`]), and shown back as the dates that were typed
//! ([`LocalDate::shown_from`], [`LocalDate::shown_to`]) — never as the UTC instants inside.
//!
//! Ljubljana keeps Central European Time (UTC+1) and summer time (UTC+2) from the last Sunday
//! of March to the last Sunday of October, switching at 01:00 UTC both times (the EU rule of
//! Directive 2000/84/EC). The rule is computed here rather than read from a time-zone
//! database: the core reads no files, and the rule has not changed since 1996.

use crate::error::{Error, ValueError};
use crate::time::{SECONDS_PER_DAY, Timestamp, Window, civil_from_days, days_from_civil};
use std::fmt;

/// A day of the Slovenian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDate {
    year: i64,
    month: u32,
    day: u32,
}

/// The day number (days since 1970-01-01) of the last Sunday of a 31-day month.
fn last_sunday(year: i64, month: i64) -> i64 {
    let end = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday; weekday 0 is Sunday.
    end - (end + 4).rem_euclid(7)
}

/// Whether summer time holds at the start (local midnight) of a day, by its day number: from
/// the day after the last Sunday of March to the last Sunday of October (the switches happen
/// at 02:00 and 03:00 local time, after midnight).
fn summer_at_midnight(year: i64, day: i64) -> bool {
    day > last_sunday(year, 3) && day <= last_sunday(year, 10)
}

/// Whether summer time holds at an instant.
fn summer(t: Timestamp) -> bool {
    let (year, _, _) = civil_from_days(t.0.div_euclid(SECONDS_PER_DAY));
    let from = last_sunday(year, 3) * SECONDS_PER_DAY + 3600;
    let to = last_sunday(year, 10) * SECONDS_PER_DAY + 3600;
    t.0 >= from && t.0 < to
}

/// How far Ljubljana's clocks are ahead of UTC at an instant, in seconds.
pub fn offset_at(t: Timestamp) -> i64 {
    if summer(t) { 7200 } else { 3600 }
}

impl LocalDate {
    /// A date, if there is such a day (years 1–9999).
    pub fn new(year: i64, month: u32, day: u32) -> Option<LocalDate> {
        Timestamp::date(year, month, day).map(|_| LocalDate { year, month, day })
    }

    /// Reads a date as a person types it: `2027-01-31` (what a date field sends) or
    /// `31.1.2027` / `31. 1. 2027` (as Slovenians write it).
    pub fn parse(field: &'static str, text: &str) -> Result<LocalDate, Error> {
        let bad = || {
            Error::Value(ValueError::InvalidDate {
                field,
                text: text.chars().take(40).collect(),
            })
        };
        let text = text.trim();
        let numbers = |parts: Vec<&str>| -> Option<Vec<i64>> {
            parts
                .iter()
                .map(|p| {
                    let p = p.trim();
                    (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| p.parse::<i64>().ok())
                        .flatten()
                })
                .collect()
        };
        let (y, m, d) = if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
            match numbers(text.split('-').collect()).as_deref() {
                Some([y, m, d]) if text.as_bytes().get(7) == Some(&b'-') => (*y, *m, *d),
                _ => return Err(bad()),
            }
        } else {
            match numbers(text.split('.').collect()).as_deref() {
                Some([d, m, y]) if *y >= 1000 => (*y, *m, *d),
                _ => return Err(bad()),
            }
        };
        let month = u32::try_from(m).map_err(|_| bad())?;
        let day = u32::try_from(d).map_err(|_| bad())?;
        LocalDate::new(y, month, day).ok_or_else(bad)
    }

    /// The same day `years` later (29 February becomes 28 February in a common year): when a
    /// yearly review falls due.
    pub fn plus_years(self, years: i64) -> LocalDate {
        let year = self.year + years;
        LocalDate::new(year, self.month, self.day).unwrap_or(LocalDate {
            year,
            month: self.month,
            day: 28,
        })
    }

    fn day_number(self) -> i64 {
        days_from_civil(self.year, i64::from(self.month), i64::from(self.day))
    }

    fn of_day_number(n: i64) -> LocalDate {
        let (year, month, day) = civil_from_days(n);
        LocalDate {
            year,
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// The instant this day starts in Ljubljana (local midnight: 23:00 UTC of the day before
    /// in winter, 22:00 in summer).
    pub fn start(self) -> Timestamp {
        let n = self.day_number();
        let offset = if summer_at_midnight(self.year, n) { 7200 } else { 3600 };
        Timestamp(n * SECONDS_PER_DAY - offset)
    }

    /// The day `days` later (earlier when negative).
    pub fn plus_days(self, days: i64) -> LocalDate {
        LocalDate::of_day_number(self.day_number() + days)
    }

    /// The next day.
    pub fn next(self) -> LocalDate {
        LocalDate::of_day_number(self.day_number() + 1)
    }

    /// The day before.
    pub fn previous(self) -> LocalDate {
        LocalDate::of_day_number(self.day_number() - 1)
    }

    /// The day in Ljubljana that contains an instant.
    pub fn of(t: Timestamp) -> LocalDate {
        LocalDate::of_day_number((t.0 + offset_at(t)).div_euclid(SECONDS_PER_DAY))
    }

    /// The window meant by dates typed as "valid from" and "valid to", both inclusive: from
    /// the start of the first day until the start of the day after the last. Refused when the
    /// last day is before the first (the message quotes the dates as typed).
    pub fn window(from: Option<LocalDate>, to: Option<LocalDate>) -> Result<Window, Error> {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(Error::Value(ValueError::DatesReversed {
                from: f.to_string(),
                to: t.to_string(),
            }));
        }
        Ok(Window {
            from: from.map(LocalDate::start),
            to: to.map(|t| t.next().start()),
        })
    }

    /// The date a window's start was typed as, when it starts at a local midnight.
    pub fn typed_from(t: Timestamp) -> Option<LocalDate> {
        let d = LocalDate::of(t);
        (d.start() == t).then_some(d)
    }

    /// The (inclusive) date a window's end was typed as, when it ends at a local midnight.
    pub fn typed_to(t: Timestamp) -> Option<LocalDate> {
        LocalDate::typed_from(t).map(LocalDate::previous)
    }

    /// A window's start as people read it: the date typed, or (set to an instant through the
    /// API) the local time with its zone.
    pub fn shown_from(t: Timestamp) -> String {
        LocalDate::typed_from(t).map_or_else(|| LocalTime::of(t).to_string(), |d| d.to_string())
    }

    /// A window's end as people read it: the last day it counts for, or (set to an instant
    /// through the API) the local time it ends at, with its zone.
    pub fn shown_to(t: Timestamp) -> String {
        LocalDate::typed_to(t).map_or_else(|| LocalTime::of(t).to_string(), |d| d.to_string())
    }
}

impl serde::Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for LocalDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        LocalDate::parse("date", &text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LocalDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A day of the Slovenian calendar (YYYY-MM-DD; DD.MM.YYYY is read too)."
        })
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A clock time in Ljubljana, shown with its zone: `2026-11-30 15:32:50 CET` (winter) or
/// `2026-07-01 12:00:00 CEST` (summer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    date: LocalDate,
    seconds: i64,
    summer: bool,
}

impl LocalTime {
    /// The local time of an instant.
    pub fn of(t: Timestamp) -> LocalTime {
        let local = t.0 + offset_at(t);
        LocalTime {
            date: LocalDate::of_day_number(local.div_euclid(SECONDS_PER_DAY)),
            seconds: local.rem_euclid(SECONDS_PER_DAY),
            summer: summer(t),
        }
    }

    /// The day.
    pub fn date(&self) -> LocalDate {
        self.date
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02} {}",
            self.date,
            self.seconds / 3600,
            self.seconds % 3600 / 60,
            self.seconds % 60,
            if self.summer { "CEST" } else { "CET" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn date(s: &str) -> LocalDate {
        LocalDate::parse("d", s).unwrap()
    }

    #[test]
    fn summer_time_follows_the_eu_rule() {
        // 2026: 29 March and 25 October are the last Sundays.
        assert_eq!(offset_at(at("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(offset_at(at("2026-03-29T01:00:00Z")), 7200);
        assert_eq!(offset_at(at("2026-10-25T00:59:59Z")), 7200);
        assert_eq!(offset_at(at("2026-10-25T01:00:00Z")), 3600);
        // 2027: 28 March and 31 October (the month's last day is itself a Sunday).
        assert_eq!(offset_at(at("2027-10-31T00:59:59Z")), 7200);
        assert_eq!(offset_at(at("2027-10-31T01:00:00Z")), 3600);
        assert_eq!(offset_at(at("2027-03-28T01:00:00Z")), 7200);
        assert_eq!(offset_at(at("2027-01-15T12:00:00Z")), 3600);
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        assert_eq!(date("2027-01-31").start(), at("2027-01-30T23:00:00Z"));
        assert_eq!(date("2027-07-01").start(), at("2027-06-30T22:00:00Z"));
        // The days the clocks change start at midnight before the switch.
        assert_eq!(date("2026-03-29").start(), at("2026-03-28T23:00:00Z"));
        assert_eq!(date("2026-03-30").start(), at("2026-03-29T22:00:00Z"));
        assert_eq!(date("2026-10-25").start(), at("2026-10-24T22:00:00Z"));
        assert_eq!(date("2026-10-26").start(), at("2026-10-25T23:00:00Z"));
        assert_eq!(date("2027-01-01").start(), at("2026-12-31T23:00:00Z"));
    }

    #[test]
    fn a_window_typed_as_dates_is_inclusive_and_shown_as_typed() {
        let w = LocalDate::window(Some(date("2027-01-01")), Some(date("2027-01-31"))).unwrap();
        assert_eq!(w.from, Some(at("2026-12-31T23:00:00Z")));
        assert_eq!(w.to, Some(at("2027-01-31T23:00:00Z")));
        assert_eq!(LocalDate::shown_from(w.from.unwrap()), "2027-01-01");
        assert_eq!(LocalDate::shown_to(w.to.unwrap()), "2027-01-31");
        // It counts for the whole of the last day, local time, and not a second after.
        assert!(w.contains(at("2027-01-31T22:59:59Z")));
        assert!(!w.contains(at("2027-01-31T23:00:00Z")));
        // A single day.
        let one = LocalDate::window(Some(date("2026-07-15")), Some(date("2026-07-15"))).unwrap();
        assert_eq!(LocalDate::shown_to(one.to.unwrap()), "2026-07-15");
        // Reversed dates are refused, quoting the dates typed.
        let e = LocalDate::window(Some(date("2027-02-05")), Some(date("2027-01-31"))).unwrap_err();
        assert_eq!(e.code(), "dates-reversed");
        assert!(
            e.to_string().contains("2027-01-31") && e.to_string().contains("2027-02-05"),
            "{e}"
        );
    }

    #[test]
    fn instants_not_at_midnight_are_shown_in_local_time_with_their_zone() {
        assert_eq!(
            LocalDate::shown_to(at("2027-02-01T00:00:00Z")),
            "2027-02-01 01:00:00 CET"
        );
        assert_eq!(
            LocalTime::of(at("2026-07-01T10:00:00Z")).to_string(),
            "2026-07-01 12:00:00 CEST"
        );
        assert_eq!(
            LocalTime::of(at("2026-12-31T23:30:00Z")).to_string(),
            "2027-01-01 00:30:00 CET"
        );
    }

    #[test]
    fn dates_are_read_as_typed_or_refused_naming_the_text() {
        assert_eq!(date("31.1.2027"), date("2027-01-31"));
        assert_eq!(date(" 31. 01. 2027 "), date("2027-01-31"));
        for bad in [
            "2027-02-30",
            "2027-1-31",
            "31/01/2027",
            "",
            "1.1.27",
            "2027-01-31T00:00:00Z",
            "x",
        ] {
            let e = LocalDate::parse("valid_to", bad).unwrap_err();
            assert_eq!(e.code(), "invalid-date", "{bad}");
        }
    }

    proptest! {
        /// Against a brute-force oracle: the start of a day is the first instant (on a
        /// one-hour grid around midnight) whose local date is that day, and every day is 23,
        /// 24 or 25 hours long; a typed window shows back as typed.
        #[test]
        fn days_start_where_the_local_date_changes(n in -10_000i64..40_000) {
            let d = LocalDate::of_day_number(n);
            let start = d.start();
            prop_assert_eq!(LocalDate::of(start), d);
            prop_assert_eq!(LocalDate::of(Timestamp(start.0 - 1)), d.previous());
            let brute = (-4..=4)
                .map(|h| Timestamp(n * SECONDS_PER_DAY + h * 3600))
                .find(|t| LocalDate::of(*t) == d)
                .unwrap();
            prop_assert_eq!(brute, start);
            let length = d.next().start().0 - start.0;
            prop_assert!([23 * 3600, 24 * 3600, 25 * 3600].contains(&length));
            let w = LocalDate::window(Some(d), Some(d.next())).unwrap();
            prop_assert_eq!(LocalDate::shown_from(w.from.unwrap()), d.to_string());
            prop_assert_eq!(LocalDate::shown_to(w.to.unwrap()), d.next().to_string());
            prop_assert_eq!(LocalDate::parse("d", &d.to_string()).unwrap(), d);
        }
    }
}
