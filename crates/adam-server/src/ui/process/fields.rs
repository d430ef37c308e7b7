//! A case's fields in a form: each field of the definition as an input of its kind (a closed
//! list as a select or check boxes, a system as a select of the inventory's systems, a person
//! by username, an instant as Ljubljana's local date and time), what was typed read back into
//! the values the engine takes — only those that changed — with a message at the field when
//! it cannot be read, and shown back exactly as typed.

use super::super::i18n::Tr;
use adam_core::lang::Lang;
use adam_core::process::{FieldDecl, FieldKind, FieldValue};
use adam_core::register::inventory::ItemKind;
use adam_core::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// A field as its input shows it.
pub(crate) struct Input {
    /// The form's name and the element's id (`f_<key>`).
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) article: String,
    /// What the input holds (as typed, or the value in the input's format).
    pub(crate) value: String,
    /// The options of a closed list or of a system select.
    pub(crate) options: Vec<Opt>,
}

/// An option of a select or a box of a multiple choice.
pub(crate) struct Opt {
    pub(crate) key: String,
    pub(crate) words: String,
    /// Selected, or checked.
    pub(crate) on: bool,
}

/// What a form sent, by name (a multiple choice sends its name once per box).
pub(crate) struct Typed<'a>(&'a [(String, String)]);

impl<'a> Typed<'a> {
    pub(crate) fn of(form: &'a [(String, String)]) -> Typed<'a> {
        Typed(form)
    }

    /// The first value of `name`, or empty.
    pub(crate) fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn id_of(d: &FieldDecl) -> String {
    format!("f_{}", d.key)
}

fn options(w: &World, d: &FieldDecl, lang: Lang) -> Vec<(String, String)> {
    match d.kind {
        FieldKind::System => {
            let mut v: Vec<(String, String)> = w
                .items()
                .iter()
                .filter(|i| i.kind == ItemKind::System && !i.retired)
                .map(|i| (i.id.0.to_string(), format!("{} – {}", i.fields.code, i.fields.name)))
                .collect();
            v.sort_by(|a, b| a.1.cmp(&b.1));
            v
        }
        _ => d
            .kind
            .options()
            .iter()
            .map(|o| (o.key.to_string(), o.name.pick(lang).to_owned()))
            .collect(),
    }
}

/// An instant as a `datetime-local` input holds it: Ljubljana's date and time to the minute.
pub(crate) fn local_input(t: Timestamp) -> String {
    let shown = LocalTime::of(t).to_string();
    shown.chars().take(16).collect::<String>().replacen(' ', "T", 1)
}

/// A stored value in its input's format.
fn input_value(w: &World, kind: &FieldKind, v: &FieldValue) -> (String, Vec<String>) {
    match (kind, v) {
        (FieldKind::Bool, FieldValue::Bool(b)) => ((if *b { "1" } else { "0" }).to_owned(), Vec::new()),
        (FieldKind::DateTime, FieldValue::Text(t)) => (
            Timestamp::parse(t).map(local_input).unwrap_or_else(|_| t.clone()),
            Vec::new(),
        ),
        (FieldKind::Money, FieldValue::Int(c)) => (format!("{},{:02}", c / 100, c % 100), Vec::new()),
        (FieldKind::Person, FieldValue::Int(i)) => (
            u32::try_from(*i)
                .ok()
                .and_then(|i| w.user(UserId(i)).ok())
                .map_or_else(|| i.to_string(), |u| u.username.to_string()),
            Vec::new(),
        ),
        // A job is typed and shown by its code (`LEADER.GLPI`), as the directory names it.
        (FieldKind::Job, FieldValue::Int(i)) => (
            u32::try_from(*i)
                .ok()
                .and_then(|i| w.job(JobId(i)).ok())
                .map_or_else(|| i.to_string(), |j| j.code.to_string()),
            Vec::new(),
        ),
        (_, FieldValue::List(l)) => (String::new(), l.clone()),
        (_, FieldValue::Text(t)) => (t.clone(), Vec::new()),
        (_, FieldValue::Int(i)) => (i.to_string(), Vec::new()),
        (_, FieldValue::Bool(b)) => (b.to_string(), Vec::new()),
    }
}

impl Input {
    fn with(w: &World, d: &FieldDecl, value: String, chosen: &[String], lang: Lang) -> Input {
        let options = options(w, d, lang)
            .into_iter()
            .map(|(key, words)| Opt {
                on: key == value || chosen.contains(&key),
                key,
                words,
            })
            .collect();
        Input {
            id: id_of(d),
            name: d.name.pick(lang).to_owned(),
            kind: d.kind.as_str(),
            article: d.article.as_ref().map(ToString::to_string).unwrap_or_default(),
            value,
            options,
        }
    }

    /// The input of a field holding `current`.
    pub(crate) fn of(w: &World, d: &FieldDecl, current: Option<&FieldValue>, lang: Lang) -> Input {
        let (value, chosen) = current.map(|v| input_value(w, &d.kind, v)).unwrap_or_default();
        Input::with(w, d, value, &chosen, lang)
    }

    /// The input of a field as it was typed.
    pub(crate) fn typed(w: &World, d: &FieldDecl, typed: &Typed, lang: Lang) -> Input {
        let id = id_of(d);
        Input::with(w, d, typed.one(&id), &typed.all(&id), lang)
    }
}

/// Ljubljana's local date and time as typed (`2026-03-01T08:00` from the browser's field,
/// `1. 3. 2026 8:00`, or an RFC 3339 instant) as the instant it names.
pub(crate) fn local_instant(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = Timestamp::parse(text) {
        return Some(t);
    }
    let (date, time) = match text.split_once('T') {
        Some(parts) => parts,
        None => text.rsplit_once(' ')?,
    };
    let date = LocalDate::parse("value", date.trim()).ok()?;
    let mut hm = time.trim().split(':');
    let h: i64 = hm.next()?.trim().parse().ok()?;
    let m: i64 = hm.next().unwrap_or("0").trim().parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    // Midnight's offset holds for the rest of the day but for the two switching nights.
    let naive = date.start().0 + h * 3600 + m * 60;
    let midnight = adam_core::calendar::offset_at(date.start());
    let now = adam_core::calendar::offset_at(Timestamp(naive));
    Some(Timestamp(naive + midnight - now))
}

/// Reads the typed fields `decls` into the values the engine takes: only those that differ from
/// `current` (an emptied field is `null`); a value that cannot be read gets its message at the
/// field (`f_<key>`) in `errors`.
pub(crate) fn read(
    w: &World,
    decls: &[&FieldDecl],
    typed: &Typed,
    current: &BTreeMap<Code, FieldValue>,
    t: Tr,
    errors: &mut BTreeMap<String, String>,
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for d in decls {
        let id = id_of(d);
        let text = typed.one(&id);
        let text = text.trim();
        let mut bad = |key: &str| {
            let shown: String = text.chars().take(40).collect();
            errors.insert(id.clone(), t.s(key).replace("{}", &shown));
        };
        let value: Option<Value> = match &d.kind {
            FieldKind::Choices { .. } => {
                let chosen = typed.all(&id);
                (!chosen.is_empty()).then(|| Value::from(chosen))
            }
            _ if text.is_empty() => None,
            FieldKind::Bool => Some(Value::Bool(text == "1")),
            FieldKind::Date => match LocalDate::parse("value", text) {
                Ok(_) => Some(Value::from(text)),
                Err(_) => {
                    bad("date_unreadable");
                    continue;
                }
            },
            FieldKind::DateTime => match local_instant(text) {
                Some(at) => Some(Value::from(at.to_string())),
                None => {
                    bad("proc_time_unreadable");
                    continue;
                }
            },
            FieldKind::Number => match text.parse::<i64>() {
                Ok(n) => Some(Value::from(n)),
                Err(_) => {
                    bad("proc_number_unreadable");
                    continue;
                }
            },
            FieldKind::System => match text.parse::<u32>() {
                Ok(n) => Some(Value::from(n)),
                Err(_) => {
                    bad("proc_no_such_system");
                    continue;
                }
            },
            FieldKind::Person => match w.user_by_username(text) {
                Ok(u) => Some(Value::from(u.0)),
                Err(_) => {
                    bad("proc_no_such_person");
                    continue;
                }
            },
            FieldKind::Job => match w.job_by_code(text) {
                Ok(j) => Some(Value::from(j.0)),
                Err(_) => {
                    bad("proc_no_such_job");
                    continue;
                }
            },
            _ => Some(Value::from(text)),
        };
        let was = current.get(&d.key);
        match value {
            None if was.is_some() => {
                out.insert(d.key.to_string(), Value::Null);
            }
            Some(v) if d.kind.read(&v).as_ref() != was => {
                out.insert(d.key.to_string(), v);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_ljubljana() {
        let at = |s: &str| local_instant(s).map(|t| t.to_string());
        assert_eq!(at("2026-03-01T08:00").as_deref(), Some("2026-03-01T07:00:00Z"));
        assert_eq!(at("1. 7. 2026 12:30").as_deref(), Some("2026-07-01T10:30:00Z"));
        assert_eq!(at("2026-03-01T08:00:00Z").as_deref(), Some("2026-03-01T08:00:00Z"));
        assert_eq!(at("včeraj"), None);
        assert_eq!(at("2026-03-01T25:00"), None);
        // Shown back in the input's format.
        assert_eq!(
            local_input(Timestamp::parse("2026-07-01T10:30:00Z").unwrap()),
            "2026-07-01T12:30"
        );
    }
}
