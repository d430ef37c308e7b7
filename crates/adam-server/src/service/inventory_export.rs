//! The inventory and the Decree's role holders as CSV (SPEC §7: every register is exported),
//! for the API (`GET /api/v1/inventory.csv`, `GET /api/v1/decree-roles/holders?format=csv`)
//! and any page that offers a download.
//!
//! The header row is in the reader's language (Slovenian or English, as the request asks);
//! the values are language-neutral — codes, usernames, `true`/`false`, `YYYY-MM-DD` dates,
//! classes as `Z2 C1 R1` — so a script reads the same file whichever language asked for it.
//! A value a spreadsheet would run as a formula (`=HYPERLINK(…)` as a name) is written with a
//! leading apostrophe, as the directory's export does (CSV injection). Reading rights are the
//! caller's business (`service::inventory::require_reader`).

use super::inventory::{HolderRow, ItemRow};
use adam_core::lang::Lang;
use adam_core::register::inventory::{Dimension, Operator};
use adam_core::*;

/// The inventory's columns: English and Slovenian header.
const ITEM_COLUMNS: [(&str, &str); 30] = [
    ("id", "id"),
    ("kind", "vrsta"),
    ("code", "koda"),
    ("name", "naziv"),
    ("description", "opis"),
    ("custodian", "skrbnik"),
    ("operators", "upravljavci"),
    ("label", "označba"),
    ("own system", "lastni sistem"),
    ("key server", "ključni strežnik"),
    ("high risk", "visoko tveganje"),
    ("secured area", "varovano območje"),
    ("other inventory", "drugi popis"),
    ("public cloud service", "storitev javnega oblaka"),
    ("ministry approval", "soglasje ministrstva"),
    ("terms approval", "odobritev pogojev uporabe"),
    ("application", "aplikacija"),
    ("last reviewed", "zadnji pregled"),
    ("review due", "naslednji pregled"),
    ("class", "razred"),
    ("classified by", "razvrstil"),
    ("classified at", "razvrščeno"),
    ("protection level", "stopnja zaščite"),
    ("effective class", "veljavni razred"),
    ("floor", "spodnja meja"),
    ("floor forced by", "mejo določa"),
    ("below floor", "pod spodnjo mejo"),
    ("review overdue", "pregled zamujen"),
    ("retired", "umaknjeno"),
    ("revision", "revizija"),
];

/// The role holders' columns.
const HOLDER_COLUMNS: [(&str, &str); 7] = [
    ("role", "vloga"),
    ("article", "člen"),
    ("system", "sistem"),
    ("holder", "nosilec"),
    ("name", "ime in priimek"),
    ("contact", "kontakt"),
    ("since", "od"),
];

/// The columns of an access review's report (evidence for Art. 51(4)).
const REVIEW_COLUMNS: [(&str, &str); 11] = [
    ("review", "pregled"),
    ("system", "sistem"),
    ("reviewer", "pregledovalec"),
    ("due", "rok"),
    ("grant", "dodelitev"),
    ("role", "vloga"),
    ("grantee", "prejemnik"),
    ("outcome", "odločitev"),
    ("decided_by", "odločil"),
    ("decided_at", "odločeno"),
    ("comment", "pojasnilo"),
];

fn header<const N: usize>(columns: &[(&str, &str); N], lang: Lang) -> Vec<String> {
    columns.iter().map(|(en, sl)| lang.pick(*sl, *en).to_owned()).collect()
}

fn opt<T: ToString>(v: Option<&T>) -> String {
    v.map(ToString::to_string).unwrap_or_default()
}

/// How an operator is written: a username, an office code, an organisation's name.
fn operator(w: &World, op: &Operator) -> String {
    match op {
        Operator::User(u) => w.user(*u).map_or_else(|_| u.to_string(), |u| u.username.to_string()),
        Operator::Office(o) => w.office(*o).map_or_else(|_| o.to_string(), |o| o.code.to_string()),
        Operator::Organisation(name) => name.to_string(),
    }
}

/// One cell of a row written straight into the CSV: a formula-like value gets a leading
/// apostrophe ([`cell`]); the text is borrowed where the record holds it, so an export of every
/// item does not allocate a string per cell (it cost 1.6× the HTML page, BENCHMARKS.md #15).
struct Row<'a> {
    out: &'a mut csv::Writer<Vec<u8>>,
    scratch: String,
}

impl Row<'_> {
    fn text(&mut self, value: &str) -> Result<(), csv::Error> {
        if value.starts_with(['=', '+', '-', '@']) {
            self.scratch.clear();
            self.scratch.push('\'');
            self.scratch.push_str(value);
            self.out.write_field(&self.scratch)
        } else {
            self.out.write_field(value)
        }
    }

    fn show(&mut self, value: &dyn std::fmt::Display) -> Result<(), csv::Error> {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        let value = std::mem::take(&mut self.scratch);
        let written = self.text(&value);
        self.scratch = value;
        written
    }

    fn opt<T: std::fmt::Display>(&mut self, value: Option<&T>) -> Result<(), csv::Error> {
        match value {
            Some(v) => self.show(v),
            None => self.out.write_field(""),
        }
    }

    fn flag(&mut self, value: bool) -> Result<(), csv::Error> {
        self.out.write_field(if value { "true" } else { "false" })
    }
}

fn item_record(row: &mut Row<'_>, w: &World, r: &ItemRow) -> Result<(), csv::Error> {
    let i = &r.item;
    let f = &i.fields;
    let cloud = f.public_cloud.as_ref();
    let kind = match i.kind {
        register::inventory::ItemKind::Asset => "asset",
        register::inventory::ItemKind::System => "system",
    };
    let classified = i.classified.as_ref();
    row.show(&i.id.0)?;
    row.text(kind)?;
    row.text(f.code.as_str())?;
    row.text(f.name.as_str())?;
    row.opt(f.description.as_ref())?;
    row.text(&r.custodian_name)?;
    let operators = f
        .operators
        .iter()
        .map(|o| operator(w, o))
        .collect::<Vec<_>>()
        .join("; ");
    row.text(&operators)?;
    row.opt(f.label.as_ref())?;
    row.flag(f.own)?;
    row.flag(f.key_server)?;
    row.flag(f.high_risk)?;
    row.flag(f.secured_area)?;
    row.opt(f.other_inventory.as_ref())?;
    row.opt(cloud.map(|c| &c.service))?;
    row.opt(cloud.and_then(|c| c.ministry_approval.as_ref()))?;
    row.opt(cloud.and_then(|c| c.terms_approval.as_ref()))?;
    match f.application {
        Some(a) => match w.application(a) {
            Ok(app) => row.text(app.code.as_str())?,
            Err(_) => row.show(&a)?,
        },
        None => row.out.write_field("")?,
    }
    row.opt(f.last_reviewed.as_ref())?;
    row.opt(f.review_due.as_ref())?;
    row.opt(classified.map(|c| &c.class))?;
    match classified {
        Some(c) => match w.user(c.by) {
            Ok(u) => row.text(u.username.as_str())?,
            Err(_) => row.show(&c.by)?,
        },
        None => row.out.write_field("")?,
    }
    row.opt(classified.map(|c| &c.at))?;
    row.opt(classified.and_then(|c| c.protection_level.as_ref()))?;
    row.show(&r.effective)?;
    row.opt(r.floor.as_ref().map(|f| &f.class))?;
    let forced_by: Vec<String> = r
        .floor
        .iter()
        .flat_map(|floor| {
            Dimension::ALL.into_iter().enumerate().filter_map(|(n, d)| {
                let asset = floor.forced_by[n]?;
                let code = w
                    .item(asset)
                    .map_or_else(|_| asset.to_string(), |a| a.fields.code.to_string());
                Some(format!("{}: {code}", d.letter()))
            })
        })
        .collect();
    row.text(&forced_by.join("; "))?;
    row.flag(r.below_floor)?;
    row.flag(r.review_overdue)?;
    row.flag(i.retired)?;
    row.show(&i.rev.0)?;
    row.out.write_record(None::<&[u8]>)
}

/// A cell as written: formula-like values get a leading apostrophe, shown as text.
pub(crate) fn cell(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value
    }
}

/// A CSV with the header of `columns` in `lang` and `records` below it, each cell guarded
/// ([`cell`]); the registers' exports (`register_export.rs`) write through it too.
pub(crate) fn write<const N: usize>(
    columns: &[(&str, &str); N],
    lang: Lang,
    records: impl Iterator<Item = Vec<String>>,
) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header(columns, lang))?;
    for record in records {
        out.write_record(record.into_iter().map(cell))?;
    }
    finish(out)
}

/// The inventory rows as CSV, one line per item, with a header in `lang`.
pub(crate) fn inventory_csv(w: &World, rows: &[ItemRow], lang: Lang) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160));
    out.write_record(header(&ITEM_COLUMNS, lang))?;
    let mut row = Row {
        out: &mut out,
        scratch: String::new(),
    };
    for r in rows {
        item_record(&mut row, w, r)?;
    }
    finish(out)
}

/// The text written: the writer's bytes, which are UTF-8 (every field was a `str`).
fn finish(out: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The role holders as CSV, with a header in `lang`.
pub(crate) fn holders_csv(rows: &[HolderRow], lang: Lang) -> Result<String, csv::Error> {
    write(
        &HOLDER_COLUMNS,
        lang,
        rows.iter().map(|h| {
            vec![
                h.role.clone(),
                h.article.clone(),
                h.system.clone().unwrap_or_default(),
                h.holder.clone(),
                h.name.clone().unwrap_or_default(),
                h.contact.clone().unwrap_or_default(),
                opt(h.since.as_ref()),
            ]
        }),
    )
}

/// An access review's report as CSV, one line per grant reviewed (11 values each, in the
/// order of [`REVIEW_COLUMNS`]), with a header in `lang`.
pub(crate) fn review_csv(lines: impl Iterator<Item = Vec<String>>, lang: Lang) -> Result<String, csv::Error> {
    write(&REVIEW_COLUMNS, lang, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_both_languages_and_the_headers_differ_only_in_words() {
        for (en, sl) in ITEM_COLUMNS
            .iter()
            .chain(HOLDER_COLUMNS.iter())
            .chain(REVIEW_COLUMNS.iter())
        {
            assert!(!en.is_empty() && !sl.is_empty());
        }
        let rows: Vec<HolderRow> = Vec::new();
        let en = holders_csv(&rows, Lang::En).unwrap();
        let sl = holders_csv(&rows, Lang::Sl).unwrap();
        assert_eq!(en.trim_end(), "role,article,system,holder,name,contact,since");
        assert_eq!(sl.trim_end(), "vloga,člen,sistem,nosilec,ime in priimek,kontakt,od");
    }

    #[test]
    fn an_item_row_cell_is_guarded_like_every_other() {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut row = Row {
            out: &mut out,
            scratch: String::new(),
        };
        row.text("=SUM(A1)").unwrap();
        row.flag(true).unwrap();
        row.show(&-5).unwrap();
        row.opt(None::<&u32>).unwrap();
        row.text("VOPI, \"SYS\"").unwrap();
        row.out.write_record(None::<&[u8]>).unwrap();
        assert_eq!(finish(out).unwrap(), "'=SUM(A1),true,'-5,,\"VOPI, \"\"SYS\"\"\"\n");
    }

    #[test]
    fn a_formula_like_value_is_written_as_text() {
        let row = HolderRow {
            role: "operator".to_owned(),
            article: "8".to_owned(),
            system: Some("SYS".to_owned()),
            holder: "=HYPERLINK(\"http://x\")".to_owned(),
            name: None,
            contact: Some("+386 1 000 000".to_owned()),
            since: None,
        };
        let text = holders_csv(&[row], Lang::En).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "operator,8,SYS,\"'=HYPERLINK(\"\"http://x\"\")\",,'+386 1 000 000,"
        );
    }
}
