//! The monthly report of a solution (seed 003: "joint monthly standard reporting of the
//! operating infrastructure's availability, incidents etc."): for a solution and a calendar
//! month, the security events and incidents about the solution's information system and the
//! availability they leave, as JSON, CSV (`/api/v1/raci/matrices/{solution}/report`) and a
//! printable page (`/ui/raci/{solution}/report`).
//!
//! **Where the figures come from.** The solution's system is the one the registry of
//! information solutions links it to (`Solution.system`). Its events are the `security-event`
//! cases whose `affected_system` is that system and which belong to the month: the event
//! occurred (else was discovered, else was reported) in it, or its outage overlaps it. An
//! **outage** is what the case records in its fields `outage_from` / `outage_until` ("the
//! service was unavailable from … until …"); one still open (no end) runs until the end of the
//! month or now, whichever is earlier. Availability = 1 − (minutes of the month covered by at
//! least one outage) / (minutes of the month), overlapping outages counted once. The month is
//! a Ljubljana calendar month (its first midnight to the next month's).
//!
//! **Who reads it:** the readers of the solution's responsibility matrix (`service/raci.rs`) —
//! it is the parties' joint report. It names cases by reference, situation and dates only:
//! no description, no restricted field.

use super::inventory_export::cell;
use super::raci::readable;
use crate::authn::Caller;
use crate::error::{ApiResult, WebError};
use adam_core::calendar::{LocalDate, LocalTime};
use adam_core::lang::Lang;
use adam_core::process::{CaseState, FieldValue};
use adam_core::raci::SolutionCode;
use adam_core::*;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

/// A calendar month, `YYYY-MM` (what a month field sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportMonth {
    first: LocalDate,
    next: LocalDate,
}

impl ReportMonth {
    /// Reads `2026-11`; `None` when it is not a month.
    pub fn parse(text: &str) -> Option<ReportMonth> {
        let t = text.trim();
        let (y, m) = t.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month): (i64, u32) = (y.parse().ok()?, m.parse().ok()?);
        let first = LocalDate::new(year, month, 1)?;
        let next = if month == 12 {
            LocalDate::new(year + 1, 1, 1)?
        } else {
            LocalDate::new(year, month + 1, 1)?
        };
        Some(ReportMonth { first, next })
    }
    /// The month of an instant (Ljubljana time).
    pub fn of(t: Timestamp) -> ReportMonth {
        let today = LocalDate::of(t).to_string();
        ReportMonth::parse(today.get(..7).unwrap_or_default()).unwrap_or(ReportMonth {
            first: LocalDate::of(t),
            next: LocalDate::of(t).next(),
        })
    }
    /// `2026-11`.
    pub fn label(&self) -> String {
        self.first.to_string().chars().take(7).collect()
    }
    /// Its first instant.
    pub fn from(&self) -> Timestamp {
        self.first.start()
    }
    /// The first instant after it.
    pub fn until(&self) -> Timestamp {
        self.next.start()
    }
}

/// The refusal of a month that is not one: 422 at `/month`, in the request's language.
pub fn bad_month(text: &str) -> WebError {
    let shown: String = text.chars().take(20).collect();
    WebError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-month",
        format!("month: {shown:?} is not a month; write it as YYYY-MM, e.g. 2026-11"),
    )
    .sl(format!(
        "mesec: {shown:?} ni mesec; zapišite ga kot LLLL-MM, npr. 2026-11"
    ))
    .with("pointer", "/month")
}

/// Reads a month as typed, or the refusal.
pub fn month(text: &str) -> ApiResult<ReportMonth> {
    ReportMonth::parse(text).ok_or_else(|| bad_month(text))
}

/// The information system the report is about.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SystemRef {
    /// Id.
    pub id: ItemId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// One security event or incident of the month.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct EventLine {
    /// The case.
    pub case: CaseId,
    /// Its reference (`security-event/7`).
    pub reference: String,
    /// The situation of Art. 19(1) (its key), if recorded.
    pub situation: Option<String>,
    /// Triaged as an incident (`true`), as an event only (`false`), or not yet.
    pub incident: Option<bool>,
    /// When it occurred (else was discovered, else was reported).
    pub occurred_at: Timestamp,
    /// The outage's start, if one is recorded.
    pub outage_from: Option<Timestamp>,
    /// The outage's end (none: still going on).
    pub outage_until: Option<Timestamp>,
    /// The outage's minutes inside the month.
    pub outage_minutes: i64,
    /// Closed.
    pub closed: bool,
}

/// A solution's month.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MonthlyReport {
    /// The solution.
    pub solution: SolutionCode,
    /// Its name in the registry of information solutions, if registered.
    pub name: Option<String>,
    /// Its information system, if the registry links one.
    pub system: Option<SystemRef>,
    /// The month (`2026-11`).
    pub month: String,
    /// Its first instant.
    pub from: Timestamp,
    /// The first instant after it.
    pub until: Timestamp,
    /// Its minutes.
    pub minutes: i64,
    /// The minutes covered by at least one outage.
    pub outage_minutes: i64,
    /// The availability in per cent, three decimals (`99.953`); none without a system.
    pub availability: Option<String>,
    /// The events triaged as incidents.
    pub incidents: usize,
    /// Every event of the month about the system, oldest first.
    pub events: Vec<EventLine>,
    /// The revision that answered.
    pub revision: Revision,
}

fn instant(fields: &std::collections::BTreeMap<Code, FieldValue>, key: &str) -> Option<Timestamp> {
    match fields.iter().find(|(k, _)| k.as_str() == key)?.1 {
        FieldValue::Text(s) => Timestamp::parse(s).ok(),
        _ => None,
    }
}

/// The minutes of `[from, until)` covered by at least one interval (overlaps once).
pub fn covered_minutes(mut intervals: Vec<(Timestamp, Timestamp)>, from: Timestamp, until: Timestamp) -> i64 {
    intervals.retain(|(a, b)| a < b);
    let mut clipped: Vec<(i64, i64)> = intervals
        .into_iter()
        .map(|(a, b)| (a.0.max(from.0), b.0.min(until.0)))
        .filter(|(a, b)| a < b)
        .collect();
    clipped.sort();
    let mut seconds = 0;
    let mut current: Option<(i64, i64)> = None;
    for (a, b) in clipped {
        current = match current {
            Some((x, y)) if a <= y => Some((x, y.max(b))),
            Some((x, y)) => {
                seconds += y - x;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((x, y)) = current {
        seconds += y - x;
    }
    // A started minute of outage counts.
    (seconds + 59) / 60
}

/// Availability in per cent with three decimals, rounded down (99.9995 is not 100).
pub fn availability(minutes: i64, outage: i64) -> String {
    if minutes <= 0 {
        return "100.000".to_owned();
    }
    let thousandths = (minutes - outage.min(minutes)) * 100_000 / minutes;
    format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
}

/// The report of a solution for a month, if the caller reads the solution's matrix.
pub fn report(
    w: &World,
    caller: &Caller,
    solution: &SolutionCode,
    month: ReportMonth,
    now: Timestamp,
) -> ApiResult<MonthlyReport> {
    readable(w, caller, solution, now)?;
    let (from, until) = (month.from(), month.until());
    let registered = w
        .solutions()
        .iter()
        .find(|s| s.fields.codename.as_str() == solution.as_str());
    let system = registered.and_then(|s| s.fields.system);
    let mut events = Vec::new();
    if let Some(system) = system {
        for c in w.cases() {
            if c.process.as_str() != process::SECURITY_EVENT {
                continue;
            }
            let about = c
                .fields
                .iter()
                .any(|(k, v)| k.as_str() == "affected_system" && *v == FieldValue::Int(i64::from(system.0)));
            if !about {
                continue;
            }
            let occurred = instant(&c.fields, "occurred_at")
                .or_else(|| instant(&c.fields, "discovered_at"))
                .unwrap_or(c.started_at);
            let outage_from = instant(&c.fields, "outage_from");
            let outage_until = instant(&c.fields, "outage_until");
            let outage = outage_from.map(|a| (a, outage_until.unwrap_or(until.min(now))));
            let in_month = (from..until).contains(&occurred) || outage.is_some_and(|(a, b)| a < until && b > from);
            if !in_month {
                continue;
            }
            let incident = c
                .history
                .iter()
                .rev()
                .find(|t| t.step.as_str() == "triage")
                .map(|t| t.outcome.as_str() == "incident");
            events.push(EventLine {
                case: c.id,
                reference: c.reference(),
                situation: match c.fields.iter().find(|(k, _)| k.as_str() == "situation") {
                    Some((_, FieldValue::Text(s))) => Some(s.clone()),
                    _ => None,
                },
                incident,
                occurred_at: occurred,
                outage_from,
                outage_until,
                outage_minutes: outage.map_or(0, |o| covered_minutes(vec![o], from, until)),
                closed: c.state == CaseState::Closed,
            });
        }
    }
    events.sort_by_key(|e| (e.occurred_at, e.case));
    let outages: Vec<(Timestamp, Timestamp)> = events
        .iter()
        .filter_map(|e| e.outage_from.map(|a| (a, e.outage_until.unwrap_or(until.min(now)))))
        .collect();
    let minutes = (until.0 - from.0) / 60;
    let outage_minutes = covered_minutes(outages, from, until);
    Ok(MonthlyReport {
        solution: solution.clone(),
        name: registered.map(|s| s.fields.name.to_string()),
        system: system.and_then(|id| {
            w.item(id).ok().map(|i| SystemRef {
                id,
                code: i.fields.code.to_string(),
                name: i.fields.name.to_string(),
            })
        }),
        month: month.label(),
        from,
        until,
        minutes,
        outage_minutes,
        availability: system.map(|_| availability(minutes, outage_minutes)),
        incidents: events.iter().filter(|e| e.incident == Some(true)).count(),
        events,
        revision: w.revision(),
    })
}

/// The report's columns: English and Slovenian header.
const COLUMNS: [(&str, &str); 13] = [
    ("row", "vrstica"),
    ("solution", "rešitev"),
    ("month", "mesec"),
    ("system", "sistem"),
    ("availability %", "razpoložljivost %"),
    ("outage minutes", "minute izpada"),
    ("case", "zadeva"),
    ("situation", "okoliščina"),
    ("incident", "incident"),
    ("occurred at", "nastalo"),
    ("outage from", "izpad od"),
    ("outage until", "izpad do"),
    ("closed", "zaključeno"),
];

fn shown(t: Option<Timestamp>) -> String {
    t.map(|t| LocalTime::of(t).to_string()).unwrap_or_default()
}

/// The report as CSV: the month's line first (`month`), then one line per event (`case`);
/// the header in `lang`, the values language-neutral (times in Ljubljana time with the zone).
pub fn report_csv(r: &MonthlyReport, lang: Lang) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|(en, sl)| lang.pick(*sl, *en)))?;
    let system = r.system.as_ref().map(|s| s.code.clone()).unwrap_or_default();
    let month = [
        "month".to_owned(),
        r.solution.to_string(),
        r.month.clone(),
        system.clone(),
        r.availability.clone().unwrap_or_default(),
        r.outage_minutes.to_string(),
        String::new(),
        String::new(),
        r.incidents.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    out.write_record(month.into_iter().map(cell))?;
    for e in &r.events {
        let line = [
            "case".to_owned(),
            r.solution.to_string(),
            r.month.clone(),
            system.clone(),
            String::new(),
            e.outage_minutes.to_string(),
            e.reference.clone(),
            e.situation.clone().unwrap_or_default(),
            e.incident.map(|b| b.to_string()).unwrap_or_default(),
            shown(Some(e.occurred_at)),
            shown(e.outage_from),
            shown(e.outage_until),
            e.closed.to_string(),
        ];
        out.write_record(line.into_iter().map(cell))?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_reads_only_as_yyyy_mm_and_spans_ljubljana_midnights() {
        let m = ReportMonth::parse("2026-11").unwrap();
        assert_eq!(m.label(), "2026-11");
        // 1 November 00:00 CET is 31 October 23:00 UTC; 30 days of 1440 minutes.
        assert_eq!(m.from(), Timestamp::parse("2026-10-31T23:00:00Z").unwrap());
        assert_eq!((m.until().0 - m.from().0) / 60, 30 * 1440);
        // March has the change to summer time: one hour less.
        let march = ReportMonth::parse("2026-03").unwrap();
        assert_eq!((march.until().0 - march.from().0) / 60, 31 * 1440 - 60);
        assert_eq!(
            ReportMonth::parse("2026-12").unwrap().until(),
            LocalDate::new(2027, 1, 1).unwrap().start()
        );
        for bad in [
            "",
            "2026-13",
            "2026-00",
            "26-11",
            "2026-1",
            "2026/11",
            "november",
            "2026-11-01",
        ] {
            assert_eq!(ReportMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn overlapping_outages_count_once_and_only_inside_the_month() {
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let (from, until) = (t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z"));
        let outages = vec![
            (t("2026-10-31T23:30:00Z"), t("2026-11-01T00:30:00Z")), // 30 minutes inside
            (t("2026-11-01T00:10:00Z"), t("2026-11-01T01:00:00Z")), // overlaps: to 01:00
            (t("2026-11-01T05:00:00Z"), t("2026-11-01T05:00:30Z")), // half a minute counts as one
            (t("2026-11-01T06:00:00Z"), t("2026-11-01T05:00:00Z")), // backwards: nothing
        ];
        assert_eq!(covered_minutes(outages, from, until), 61);
        assert_eq!(availability(1440, 61), "95.763");
        assert_eq!(availability(43_200, 0), "100.000");
        assert_eq!(availability(43_200, 1), "99.997");
        assert_eq!(availability(43_200, 99_999), "0.000");
    }
}
