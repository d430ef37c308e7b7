//! The registers of cases (REQUIREMENTS-WAVE2 §1.18): the register of security events with
//! the data of Art. 19(5), the incident file with the data of Art. 20(2), and the change log
//! with its consents (Art. 22–23), one function for the API (`GET /api/v1/reports/cases`, JSON
//! or CSV) and the UI (`/ui/reports/cases`).
//!
//! A register lists the cases of its kind the caller reads ([`may_read`], as the work list
//! does), filtered by open/closed and by the day the case was started (reported), a window of
//! Slovenian calendar dates inclusive at both ends. The restricted fields (perpetrators and
//! motives, Art. 20(2) 6) are shown only to whom the case page shows them
//! ([`sees_restricted`]); for anyone else the cell is marked hidden and carries no value.
//!
//! An incident is a security event whose triage decided "incident" (Art. 19(6)), or a body's
//! notification the ministry's register (`incident-register`) decided is one.

use super::*;

/// Which register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// The security events (Art. 19(3), with the data of 19(5)).
    Events,
    /// The incidents (Art. 20(2)).
    Incidents,
    /// The change requests (Art. 22–23), with their consents.
    Changes,
}

/// The register's field columns by kind: the definition's field keys, in order.
const EVENT_FIELDS: [&str; 13] = [
    "situation",
    "what",
    "how",
    "why",
    "affected_system",
    "affected_asset",
    "business_effects",
    "vulnerabilities",
    "occurred_at",
    "discovered_at",
    "duration",
    "ministry_notified_at",
    "ministry_notified_to",
];

const INCIDENT_FIELDS: [&str; 11] = [
    "affected_system",
    "threat_types",
    "affected_components",
    "negative_effects",
    "recovery_cost",
    "resolution",
    "perpetrators",
    "activities_done",
    "further_activities",
    "final_assessment",
    "notified_entities",
];

const CHANGE_FIELDS: [&str; 9] = [
    "system",
    "description",
    "affects_function",
    "affects_security",
    "substantial",
    "major",
    "window_start",
    "window_end",
    "cia_not_lowered",
];

impl RegisterKind {
    /// Reads `events`, `incidents` or `changes`; anything else is refused at `/kind`.
    pub fn parse(text: Option<&str>) -> ApiResult<RegisterKind> {
        match text.map(str::trim) {
            Some("events") => Ok(RegisterKind::Events),
            Some("incidents") => Ok(RegisterKind::Incidents),
            Some("changes") => Ok(RegisterKind::Changes),
            other => {
                let typed = other.unwrap_or_default().chars().take(40).collect::<String>();
                Err(invalid(
                    "/kind",
                    format!("kind must be events, incidents or changes, not {typed:?}"),
                    format!("kind mora biti events, incidents ali changes, ne {typed:?}"),
                ))
            }
        }
    }

    /// Its key, as the query names it.
    pub fn key(self) -> &'static str {
        match self {
            RegisterKind::Events => "events",
            RegisterKind::Incidents => "incidents",
            RegisterKind::Changes => "changes",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            RegisterKind::Events => &EVENT_FIELDS,
            RegisterKind::Incidents => &INCIDENT_FIELDS,
            RegisterKind::Changes => &CHANGE_FIELDS,
        }
    }

    /// The process whose definition names the columns.
    fn process(self) -> &'static str {
        match self {
            RegisterKind::Events | RegisterKind::Incidents => process::SECURITY_EVENT,
            RegisterKind::Changes => "change-request",
        }
    }

    /// Whether a case belongs to this register.
    fn holds(self, case: &Case) -> bool {
        let decided = |step: &str, outcome: &str| {
            case.history
                .iter()
                .any(|t| t.step.as_str() == step && t.outcome.as_str() == outcome)
        };
        match (self, case.process.as_str()) {
            (RegisterKind::Events, process::SECURITY_EVENT) => true,
            (RegisterKind::Incidents, process::SECURITY_EVENT) => decided("triage", "incident"),
            (RegisterKind::Incidents, process::INCIDENT_REGISTER) => decided("decide", "incident"),
            (RegisterKind::Changes, "change-request") => true,
            _ => false,
        }
    }
}

fn invalid(pointer: &str, en: String, sl: String) -> WebError {
    WebError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "invalid-query", en)
        .sl(sl)
        .with("pointer", pointer)
}

/// What the register is asked for.
#[derive(Clone, Copy, Debug)]
pub struct RegisterFilter {
    /// Which register.
    pub kind: RegisterKind,
    /// Only open or only closed cases (none: both).
    pub state: Option<CaseState>,
    /// Started on or after this day (Ljubljana).
    pub from: Option<LocalDate>,
    /// Started on or before this day (Ljubljana).
    pub to: Option<LocalDate>,
}

impl RegisterFilter {
    /// Reads the filter as typed: `kind`, `state` (`open`, `closed`, empty for both), `from`
    /// and `to` (dates as a person types them, `2027-01-31` or `31. 1. 2027`). A bad value is
    /// refused with the pointer of its parameter (`/from`, …).
    pub fn parse(kind: Option<&str>, state: Option<&str>, from: Option<&str>, to: Option<&str>) -> ApiResult<Self> {
        let kind = RegisterKind::parse(kind)?;
        let state = match state.map(str::trim).unwrap_or_default() {
            "" | "all" => None,
            "open" => Some(CaseState::Open),
            "closed" => Some(CaseState::Closed),
            other => {
                let typed: String = other.chars().take(40).collect();
                return Err(invalid(
                    "/state",
                    format!("state must be open or closed, not {typed:?}"),
                    format!("state mora biti open ali closed, ne {typed:?}"),
                ));
            }
        };
        let from = Self::date("from", from)?;
        let to = Self::date("to", to)?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(invalid(
                "/to",
                format!("the last day ({t}) is before the first ({f})"),
                format!("zadnji dan ({t}) je pred prvim ({f})"),
            ));
        }
        Ok(RegisterFilter { kind, state, from, to })
    }

    /// A date of the filter (empty: none), refused at `/{field}`.
    pub fn date(field: &'static str, text: Option<&str>) -> ApiResult<Option<LocalDate>> {
        let text = text.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Ok(None);
        }
        LocalDate::parse(field, text).map(Some).map_err(|_| {
            let typed: String = text.chars().take(40).collect();
            invalid(
                &format!("/{field}"),
                format!("{field} is not a date (YYYY-MM-DD or D. M. YYYY): {typed:?}"),
                format!("{field} ni datum (LLLL-MM-DD ali D. M. LLLL): {typed:?}"),
            )
        })
    }
}

/// A column of the register's fields.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RegisterColumn {
    /// The field's key.
    pub key: String,
    /// Its name in the request's language.
    pub name: String,
    /// The article asking for it.
    pub article: Option<String>,
}

/// A field of a row.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RegisterCell {
    /// The field's key.
    pub key: String,
    /// The value as a person reads it (absent when empty or hidden).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Restricted (Art. 20(2) 6), hidden from this caller.
    pub hidden: bool,
}

/// A consent given on a change (Art. 22(3)).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RegisterConsent {
    /// The step's name it was given at.
    pub step: String,
    /// The role's key.
    pub role: String,
    /// The role's name.
    pub role_name: String,
    /// Who.
    pub by: PersonRef,
    /// When.
    pub at: Timestamp,
}

/// One case of a register.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RegisterRow {
    /// Id.
    pub id: CaseId,
    /// Reference (`security-event/3`), the event's identification mark (Art. 19(5) 1).
    pub reference: String,
    /// Title.
    pub title: String,
    /// Open or closed.
    pub state: CaseState,
    /// The current step's name.
    pub step: String,
    /// When it was reported (started).
    pub reported_at: Timestamp,
    /// Who reported it (Art. 19(5) 2; none: ADAM raised it).
    pub reported_by: Option<PersonRef>,
    /// The register's fields, in the order of its columns.
    pub fields: Vec<RegisterCell>,
    /// The consents given, oldest first (the change log; empty for the other registers).
    pub consents: Vec<RegisterConsent>,
}

/// A register of cases.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CaseRegister {
    /// Which register.
    pub kind: RegisterKind,
    /// The field columns.
    pub columns: Vec<RegisterColumn>,
    /// The cases, oldest first.
    pub rows: Vec<RegisterRow>,
}

/// The register of `filter.kind`: the cases the caller reads, filtered. The read scope is
/// checked by the routes that show it.
pub fn case_register(w: &World, caller: &Caller, filter: &RegisterFilter, now: Timestamp, lang: Lang) -> CaseRegister {
    let kind = filter.kind;
    let named = w
        .latest_process(kind.process())
        .map(|k| k.definition.clone())
        .or_else(|| process::shipped(kind.process()));
    let columns = kind
        .fields()
        .iter()
        .map(|key| {
            let field = named.as_ref().and_then(|d| d.field(key));
            RegisterColumn {
                key: (*key).to_owned(),
                name: field.map_or_else(|| (*key).to_owned(), |f| f.name.pick(lang).to_owned()),
                article: field.and_then(|f| f.article.as_ref()).map(|a| a.to_string()),
            }
        })
        .collect();
    let window = Window {
        from: filter.from.map(LocalDate::start),
        to: filter.to.map(|t| t.next().start()),
    };
    let rows = w
        .cases()
        .iter()
        .filter(|c| kind.holds(c))
        .filter(|c| filter.state.is_none_or(|s| c.state == s))
        .filter(|c| window.contains(c.started_at))
        .filter(|c| may_read(w, caller, c, now))
        .filter_map(|c| row(w, caller, kind, c, now, lang))
        .collect();
    CaseRegister { kind, columns, rows }
}

fn row(w: &World, caller: &Caller, kind: RegisterKind, case: &Case, now: Timestamp, lang: Lang) -> Option<RegisterRow> {
    let def = &w.process_definition(case.definition).ok()?.definition;
    let restricted = sees_restricted(w, caller, case, now);
    let step_name = |k: &Code| {
        def.step(k.as_str())
            .map_or_else(|| k.to_string(), |s| s.name.pick(lang).to_owned())
    };
    let fields = kind
        .fields()
        .iter()
        .map(|key| {
            let field = def.field(key);
            let hidden = field.is_some_and(|f| f.restricted) && !restricted;
            let value = field
                .filter(|_| !hidden)
                .and_then(|f| case.fields.get(&f.key).map(|v| shown(w, &f.kind, v, lang)))
                .filter(|v| !v.is_empty());
            RegisterCell {
                key: (*key).to_owned(),
                value,
                hidden,
            }
        })
        .collect();
    let consents = case
        .consents
        .iter()
        .map(|c| RegisterConsent {
            step: step_name(&c.step),
            role: c.role.to_string(),
            role_name: def
                .role(c.role.as_str())
                .map_or_else(|| c.role.to_string(), |r| r.name.pick(lang).to_owned()),
            by: person(w, c.by),
            at: c.at,
        })
        .collect();
    Some(RegisterRow {
        id: case.id,
        reference: case.reference(),
        title: case.title.to_string(),
        state: case.state,
        step: step_name(&case.current),
        reported_at: case.started_at,
        reported_by: case.started_by.map(|u| person(w, u)),
        fields,
        consents,
    })
}

/// The fixed columns of the CSV before the register's fields: English and Slovenian.
const CSV_HEAD: [(&str, &str); 6] = [
    ("reference", "oznaka"),
    ("title", "naslov"),
    ("reported at", "prijavljeno"),
    ("reported by", "prijavil"),
    ("state", "stanje"),
    ("step", "korak"),
];

/// The register as CSV: a header in `lang` (the fields by the definition's names), one line
/// per case; instants in RFC 3339, the reporter by username, the state `open`/`closed`, a
/// field as the case page shows it, a hidden one empty, the consents (the change log) as
/// `role: username at` joined by `; `. Every cell is guarded against formula injection as the
/// inventory's export is (`inventory_export::cell`).
pub fn case_register_csv(r: &CaseRegister, lang: Lang) -> Result<String, csv::Error> {
    use crate::service::inventory_export::cell;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = CSV_HEAD.iter().map(|(en, sl)| lang.pick(*sl, *en).to_owned()).collect();
    header.extend(r.columns.iter().map(|c| c.name.clone()));
    if r.kind == RegisterKind::Changes {
        header.push(lang.pick("soglasja", "consents").to_owned());
    }
    out.write_record(header.into_iter().map(cell))?;
    for row in &r.rows {
        let mut record = vec![
            row.reference.clone(),
            row.title.clone(),
            row.reported_at.to_string(),
            row.reported_by.as_ref().map(|p| p.username.clone()).unwrap_or_default(),
            match row.state {
                CaseState::Open => "open",
                CaseState::Closed => "closed",
            }
            .to_owned(),
            row.step.clone(),
        ];
        record.extend(row.fields.iter().map(|f| f.value.clone().unwrap_or_default()));
        if r.kind == RegisterKind::Changes {
            record.push(
                row.consents
                    .iter()
                    .map(|c| format!("{}: {} {}", c.role, c.by.username, c.at))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        out.write_record(record.into_iter().map(cell))?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(title: &str, value: &str) -> CaseRegister {
        CaseRegister {
            kind: RegisterKind::Changes,
            columns: vec![RegisterColumn {
                key: "description".to_owned(),
                name: "Description of the change".to_owned(),
                article: None,
            }],
            rows: vec![RegisterRow {
                id: CaseId(4),
                reference: "change-request/4".to_owned(),
                title: title.to_owned(),
                state: CaseState::Closed,
                step: "Closed".to_owned(),
                reported_at: Timestamp(1_772_442_000),
                reported_by: None,
                fields: vec![RegisterCell {
                    key: "description".to_owned(),
                    value: Some(value.to_owned()),
                    hidden: false,
                }],
                consents: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_formula_like_cell_is_written_as_text_and_the_header_follows_the_language() {
        let text = case_register_csv(&register("=HYPERLINK(\"http://x\")", "+1 dan"), Lang::En).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "reference,title,reported at,reported by,state,step,Description of the change,consents"
        );
        assert_eq!(
            lines.next().unwrap(),
            "change-request/4,\"'=HYPERLINK(\"\"http://x\"\")\",2026-03-02T09:00:00Z,,closed,Closed,'+1 dan,"
        );
        let sl = case_register_csv(&register("t", "v"), Lang::Sl).unwrap();
        assert!(sl.starts_with("oznaka,naslov,prijavljeno,prijavil,stanje,korak,Description of the change,soglasja\n"));
    }

    #[test]
    fn a_filter_that_cannot_be_read_names_its_parameter() {
        let pointer = |e: WebError| format!("{:?}", e);
        let e = RegisterFilter::parse(Some("events"), None, Some("32.13.2026"), None).unwrap_err();
        assert!(pointer(e).contains("/from"));
        let e = RegisterFilter::parse(Some("events"), None, Some("3. 3. 2026"), Some("2026-03-02")).unwrap_err();
        assert!(pointer(e).contains("/to"));
        let f = RegisterFilter::parse(
            Some("incidents"),
            Some("closed"),
            Some("2. 3. 2026"),
            Some("2026-03-02"),
        )
        .unwrap();
        assert_eq!((f.kind, f.state), (RegisterKind::Incidents, Some(CaseState::Closed)));
        assert_eq!(f.from, f.to);
    }
}
