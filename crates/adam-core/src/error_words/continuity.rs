//! The continuity register's refusals in Slovenian (`ContinuityError`); English is each
//! variant's `#[error]` text.

use crate::error::ContinuityError;

impl ContinuityError {
    pub(super) fn sl(&self) -> String {
        match self {
            ContinuityError::BadDuration(t) => {
                format!("{t:?} ni trajanje: zapišite ga kot 30min, 4h, 2d ali 1h 30min")
            }
            ContinuityError::UnknownPlan(p) => format!("načrt neprekinjenosti {p} ne obstaja"),
            ContinuityError::UnknownPlanReview(r) => format!("pregled načrta {r} ne obstaja"),
            ContinuityError::UnknownBia(b) => format!("analiza vpliva na poslovanje {b} ne obstaja"),
            ContinuityError::UnknownTest(t) => format!("preizkus neprekinjenosti {t} ne obstaja"),
            ContinuityError::UnknownAcceptance(a) => format!("sprejetje tveganja {a} ne obstaja"),
            ContinuityError::NoPlan => {
                "15. člen (2): načrt neprekinjenosti še ni vpisan, zato ga ni mogoče pregledati".to_owned()
            }
            ContinuityError::NotASystem(i) => format!("{i} ni informacijski sistem popisa"),
            ContinuityError::RtoOverMtd { rto, mtd } => format!(
                "ciljni čas obnovitve ({rto}) je daljši od največjega dopustnega časa nedelovanja ({mtd})"
            ),
            ContinuityError::TargetsMissing(c) => format!(
                "sistem razreda {} potrebuje ciljni čas obnovitve (RTO) in ciljno točko obnovitve (RPO)",
                criticality_sl(c)
            ),
            ContinuityError::SelfDependency => "sistem ne more biti odvisen sam od sebe".to_owned(),
            ContinuityError::RestoreInterval(d) => {
                format!("presledek med preizkusi obnovitve je od 1 do 3650 dni, {d} pa ni v tem razponu")
            }
            ContinuityError::ReviewDueTooLate { latest, asked } => format!(
                "15. člen (2): načrt se pregleda najmanj enkrat letno; naslednji pregled mora biti najpozneje {latest}, ne {asked}"
            ),
            ContinuityError::NotAChangeRequest(c) => format!("{c} ni zahteva za spremembo"),
            ContinuityError::ChangeOnAnnualReview => {
                "zahtevo za spremembo navede le pregled po večji spremembi".to_owned()
            }
            ContinuityError::ReportBeforeReview { reported, date } => format!(
                "ugotovitve so sporočene predstojniku ({reported}) pred pregledom ({date})"
            ),
            ContinuityError::ComponentMissing => "scenarij delne izgube navede izgubljeno komponento".to_owned(),
            ContinuityError::AnnouncedAfterHeld { announced, held } => {
                format!("preizkus je napovedan ({announced}) po izvedbi ({held})")
            }
            ContinuityError::FindingsMissing => "neuspel preizkus mora imeti vpisane ugotovitve".to_owned(),
            ContinuityError::NotContinuityKeeper => "načrt neprekinjenosti, njegove preglede, sprejetja tveganj in preizkuse ADAM-a vpisuje vodja informacijske varnosti ali skrbnik sistema".to_owned(),
            ContinuityError::NotContinuityWriter { system, custodian } => format!(
                "zapise neprekinjenosti sistema {system} vodijo njegov skrbnik ({custodian}), njegovi upravljavci, vodja informacijske varnosti ali skrbnik sistema ADAM"
            ),
        }
    }
}

fn criticality_sl(c: &str) -> &'static str {
    match c {
        "critical" => "kritično",
        "vital" => "vitalno",
        "sensitive" => "občutljivo",
        _ => "nekritično",
    }
}
