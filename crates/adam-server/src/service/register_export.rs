//! The risk assessments (Decree Art. 9), the servers whose integrity is checked
//! (Art. 50(4)–(5)) and the classification scheme (Art. 11(3)) as CSV, for the registers' pages
//! (`/ui/risk.csv`, `/ui/integrity.csv`, `/ui/classification-scheme.csv`; SPEC §7: every
//! register is exported).
//!
//! They are written by the inventory's writer (`inventory_export::write`), so they follow its
//! rules: the header row in the reader's language, language-neutral values (usernames, ISO
//! dates, RFC 3339 instants, `true`/`false`), and a value a spreadsheet would run as a formula
//! written with a leading apostrophe. Who may read is the caller's business
//! (`service::inventory::require_reader`, `service::integrity::servers`).

use super::integrity::ServerRow;
use super::inventory_export::write;
use adam_core::lang::Lang;
use adam_core::register::risk::RiskAssessment;
use adam_core::*;

/// The risk assessments' columns: English and Slovenian header.
const RISK_COLUMNS: [(&str, &str); 11] = [
    ("id", "id"),
    ("date", "datum"),
    ("scope", "obseg"),
    ("methodology", "metodologija"),
    ("findings", "ugotovitve"),
    ("treatment", "obravnava tveganj"),
    ("residual risk accepted", "sprejeto preostalo tveganje"),
    ("approved by", "odobril"),
    ("trigger", "povod"),
    ("next due", "naslednja ocena do"),
    ("revision", "revizija"),
];

/// The classification scheme's columns.
const SCHEME_COLUMNS: [(&str, &str); 7] = [
    ("regulation", "predpis"),
    ("version", "različica"),
    ("code", "oznaka"),
    ("name", "ime"),
    ("criteria", "merila"),
    ("labelling", "označevanje"),
    ("revision", "revizija"),
];

/// The classification scheme as CSV, one line per code in the scheme's order ("unclassified"
/// as `unclassified`).
pub(crate) fn scheme_csv(scheme: &adam_core::register::scheme::ClassScheme, lang: Lang) -> Result<String, csv::Error> {
    write(
        &SCHEME_COLUMNS,
        lang,
        scheme.entries.iter().map(|e| {
            vec![
                scheme.regulation.to_string(),
                scheme.version.to_string(),
                e.code.as_str().to_owned(),
                opt(e.name.as_ref()),
                opt(e.criteria.as_ref()),
                opt(e.labelling.as_ref()),
                scheme.rev.0.to_string(),
            ]
        }),
    )
}

/// The integrity servers' columns.
const SERVER_COLUMNS: [(&str, &str); 10] = [
    ("id", "id"),
    ("code", "koda"),
    ("name", "naziv"),
    ("key server", "ključni strežnik"),
    ("high risk", "visoko tveganje"),
    ("current baseline", "veljavno izhodišče"),
    ("baselines pending", "izhodišča v potrjevanju"),
    ("last scan", "zadnji pregled"),
    ("mismatch", "neujemanje"),
    ("mismatch comparison", "primerjava z neujemanjem"),
];

fn opt<T: ToString>(v: Option<&T>) -> String {
    v.map(ToString::to_string).unwrap_or_default()
}

/// The risk assessments as CSV, in the order given (the page's: latest first), one line each,
/// with the date the next one is due (as asked, or a year later).
pub(crate) fn risk_csv(w: &World, rows: &[RiskAssessment], lang: Lang) -> Result<String, csv::Error> {
    write(
        &RISK_COLUMNS,
        lang,
        rows.iter().map(|r| {
            let f = &r.fields;
            let approver = f.approver.map_or_else(String::new, |u| {
                w.user(u).map_or_else(|_| u.to_string(), |u| u.username.to_string())
            });
            vec![
                r.id.0.to_string(),
                f.date.to_string(),
                f.scope.to_string(),
                opt(f.methodology.as_ref()),
                f.findings.to_string(),
                f.treatment.to_string(),
                opt(f.accepted_residual.as_ref()),
                approver,
                opt(f.trigger.as_ref()),
                r.due().to_string(),
                r.rev.0.to_string(),
            ]
        }),
    )
}

/// The servers whose integrity is checked as CSV, one line each.
pub(crate) fn servers_csv(rows: &[ServerRow], lang: Lang) -> Result<String, csv::Error> {
    write(
        &SERVER_COLUMNS,
        lang,
        rows.iter().map(|r| {
            vec![
                r.id.0.to_string(),
                r.code.to_string(),
                r.name.to_string(),
                r.key_server.to_string(),
                r.high_risk.to_string(),
                opt(r.current_baseline.map(|b| b.0).as_ref()),
                r.pending.to_string(),
                opt(r.last_scan.as_ref()),
                r.warning.is_some().to_string(),
                opt(r.warning.map(|c| c.0).as_ref()),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_are_in_either_language_and_a_formula_is_written_as_text() {
        let en = servers_csv(&[], Lang::En).unwrap();
        assert!(en.starts_with("id,code,name,key server,high risk,current baseline"));
        let sl = servers_csv(&[], Lang::Sl).unwrap();
        assert!(sl.starts_with("id,koda,naziv,ključni strežnik,visoko tveganje"));
        let row = ServerRow {
            id: ItemId(3),
            code: Code::parse("code", "MAIL-SRV").unwrap(),
            name: Text::parse("name", "=cmd|' /C calc'!A0").unwrap(),
            key_server: true,
            high_risk: false,
            current_baseline: Some(BaselineId(1)),
            pending: 2,
            last_scan: None,
            warning: None,
        };
        let text = servers_csv(&[row], Lang::En).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "3,MAIL-SRV,'=cmd|' /C calc'!A0,true,false,1,2,,false,"
        );
        for (en, sl) in RISK_COLUMNS.iter().chain(SERVER_COLUMNS.iter()) {
            assert!(!en.is_empty() && !sl.is_empty());
        }
    }
}
