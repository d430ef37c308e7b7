//! Reading values from outside: levels, security classes, instants and windows, and (in
//! `text.rs`) validated text, with the refusal when the text or number is not one.
//!
//! The value types live in `level.rs`, `time.rs` and `text.rs` and know nothing of the
//! engine's errors; the errors name those types (`EmptyWindow { from, to }`, a guard's missing
//! field as a `Code`); so the fallible constructors and the `Deserialize` impls, which refuse
//! with those errors, live here — above both — and no module imports one that imports it back.

mod text;

use crate::error::{Error, ValueError};
use crate::level::{Level, SecurityClass};
use crate::time::{Timestamp, Window};
use serde::{Deserialize, Deserializer};

impl Level {
    /// Parses one of `0, 11, 12, 13, 14, 21, 22`.
    pub fn from_value(value: u8) -> Result<Level, Error> {
        match value {
            0 => Ok(Level::None),
            11 => Ok(Level::View11),
            12 => Ok(Level::View12),
            13 => Ok(Level::View13),
            14 => Ok(Level::View14),
            21 => Ok(Level::Edit21),
            22 => Ok(Level::Edit22),
            other => Err(Error::Value(ValueError::InvalidLevel(u32::from(other)))),
        }
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = u32::deserialize(d)?;
        let small = u8::try_from(raw).map_err(|_| Error::Value(ValueError::InvalidLevel(raw)));
        small.and_then(Level::from_value).map_err(serde::de::Error::custom)
    }
}

impl SecurityClass {
    /// Parses 0–3.
    pub fn new(value: u8) -> Result<SecurityClass, Error> {
        SecurityClass::checked(value).ok_or(Error::Value(ValueError::InvalidSecurityClass(u32::from(value))))
    }
}

impl<'de> Deserialize<'de> for SecurityClass {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = u32::deserialize(d)?;
        u8::try_from(raw)
            .map_err(|_| Error::Value(ValueError::InvalidSecurityClass(raw)))
            .and_then(SecurityClass::new)
            .map_err(serde::de::Error::custom)
    }
}

impl Timestamp {
    /// The instant at midnight UTC starting the given date.
    pub fn from_date(year: i64, month: u32, day: u32) -> Result<Timestamp, Error> {
        Timestamp::date(year, month, day)
            .ok_or_else(|| Error::Value(ValueError::InvalidTimestamp(format!("{year:04}-{month:02}-{day:02}"))))
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or with a `±HH:MM` offset (fractions of a
    /// second are accepted and dropped).
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        Timestamp::read(text).map_err(|_| Error::Value(ValueError::InvalidTimestamp(text.chars().take(40).collect())))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Window {
    /// A window; refused when `to` is not after `from`.
    pub fn new(from: Option<Timestamp>, to: Option<Timestamp>) -> Result<Window, Error> {
        if let (Some(f), Some(t)) = (from, to)
            && t <= f
        {
            return Err(Error::Value(ValueError::EmptyWindow { from: f, to: t }));
        }
        Ok(Window { from, to })
    }
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(default)]
            from: Option<Timestamp>,
            #[serde(default)]
            to: Option<Timestamp>,
        }
        let raw = Raw::deserialize(d)?;
        Window::new(raw.from, raw.to).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod level_tests {
    use crate::level::*;

    #[test]
    fn levels_parse_only_the_seven_values() {
        for v in 0..=255u8 {
            let parsed = Level::from_value(v);
            let valid = matches!(v, 0 | 11 | 12 | 13 | 14 | 21 | 22);
            assert_eq!(parsed.is_ok(), valid, "value {v}");
            if let Ok(level) = parsed {
                assert_eq!(level.value(), v);
            }
        }
    }

    #[test]
    fn level_json_refuses_values_outside_the_set() {
        assert_eq!(serde_json::from_str::<Level>("14").ok(), Some(Level::View14));
        let err = serde_json::from_str::<Level>("15").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("15")));
        assert!(serde_json::from_str::<Level>("300").is_err());
    }
}

#[cfg(test)]
mod time_tests {
    use crate::error::{Error, ValueError};
    use crate::time::*;

    #[test]
    fn dates_round_trip_through_text() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2018-03-15T00:00:00Z",
            "2013-04-22T11:47:43Z",
            "2400-02-29T23:59:59Z",
            "1969-12-31T23:59:59Z",
        ] {
            let ts = Timestamp::parse(text).map(|t| t.to_string());
            assert_eq!(ts.as_deref().ok(), Some(text));
        }
        assert_eq!(Timestamp::parse("1970-01-02").ok(), Some(Timestamp(86_400)));
        assert_eq!(
            Timestamp::parse("2018-03-15T01:00:00+01:00").ok(),
            Timestamp::parse("2018-03-15").ok()
        );
        assert_eq!(
            Timestamp::parse("2018-03-15T00:00:00.123Z").ok(),
            Timestamp::parse("2018-03-15").ok()
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        for text in [
            "",
            "2018-02-30",
            "2019-02-29",
            "2018-13-01",
            "2018-3-15",
            "15.03.2018",
            "2018-03-15T25:00:00Z",
            "2018-03-15T00:00:00",
            "2018-03-15T00:00:00+1:00",
            "２０１８-03-15",
        ] {
            assert!(
                matches!(
                    Timestamp::parse(text),
                    Err(Error::Value(ValueError::InvalidTimestamp(_)))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn window_is_half_open_and_status_changes_exactly_at_its_bounds() {
        let (f, t) = (Timestamp(100), Timestamp(200));
        let w = Window::new(Some(f), Some(t)).ok();
        let w = w.unwrap_or_default();
        assert_eq!(w.status(Timestamp(99)), WindowStatus::Waiting);
        assert_eq!(w.status(Timestamp(100)), WindowStatus::Active);
        assert_eq!(w.status(Timestamp(199)), WindowStatus::Active);
        assert_eq!(w.status(Timestamp(200)), WindowStatus::Expired);
        for at in 90..210 {
            assert_eq!(
                w.contains(Timestamp(at)),
                w.status(Timestamp(at)) == WindowStatus::Active
            );
        }
    }

    #[test]
    fn a_window_ending_before_it_starts_is_refused() {
        assert!(matches!(
            Window::new(Some(Timestamp(5)), Some(Timestamp(5))),
            Err(Error::Value(ValueError::EmptyWindow { .. }))
        ));
        assert!(matches!(
            Window::new(Some(Timestamp(6)), Some(Timestamp(5))),
            Err(Error::Value(ValueError::EmptyWindow { .. }))
        ));
        assert!(serde_json::from_str::<Window>(r#"{"from":"2018-03-15","to":"2018-03-14"}"#).is_err());
        assert!(Window::new(None, Some(Timestamp(5))).is_ok());
    }
}
