//! The process engine's refusals in Slovenian (`ProcessError`); English is each variant's
//! `#[error]` text.

use crate::error::ProcessError;
use crate::lang::Lang;

impl ProcessError {
    pub(super) fn sl(&self) -> String {
        match self {
            ProcessError::UnknownProcess(k) => format!("postopek {k:?} ne obstaja"),
            ProcessError::UnknownDefinition(d) => format!("opredelitev postopka {d} ne obstaja"),
            ProcessError::UnknownCase(c) => format!("zadeva {c} ne obstaja"),
            ProcessError::MalformedDefinition(e) => format!("opredelitve ni mogoče prebrati: {e}"),
            ProcessError::InvalidDefinition(p) => {
                let all: Vec<String> = p.0.iter().map(|p| p.message(Lang::Sl)).collect();
                format!("opredelitev ne more delovati: {}", all.join("; "))
            }
            ProcessError::DefinitionExists { key, version } => {
                format!("različica {version} postopka {key:?} je že shranjena; nova različica naj ima višjo številko")
            }
            ProcessError::NotStarter(k) => {
                format!("zadevo postopka {k:?} lahko začnejo le vloge, ki jih navaja opredelitev")
            }
            ProcessError::CaseClosed(c) => format!("zadeva {c} je zaključena in arhivirana; spremeniti je ni mogoče"),
            ProcessError::NotAtStep { current, asked } => format!("zadeva je v koraku {current:?}, ne v {asked:?}"),
            ProcessError::NotPerformer { step, role } => {
                format!("korak {step:?} opravi vloga »{role}«; na tej zadevi te vloge nimate")
            }
            ProcessError::UnknownOutcome { step, outcome } => format!("korak {step:?} nima izida {outcome:?}"),
            ProcessError::UnknownField(f) => format!("postopek nima polja {f:?}"),
            ProcessError::FixedField(f) => {
                format!("polje {f:?} je bilo določeno ob začetku zadeve in ga ni mogoče spremeniti")
            }
            ProcessError::SettledField {
                field,
                step,
                settled_at,
            } => format!(
                "polje {field:?} se določi v koraku {settled_at:?}; v koraku {step:?} ga ni mogoče spremeniti, ker se soglasje lahko nanj opira"
            ),
            ProcessError::BadFieldValue { field, expected } => {
                format!("polje {field:?} sprejme vrednost vrste »{}«", kind_sl(expected))
            }
            ProcessError::EndBeforeStart { field, start } => {
                format!("polje {field:?} ne more biti pred poljem {start:?}: konec ne more biti pred začetkom")
            }
            ProcessError::GuardsUnmet { step, outcome, unmet } => {
                let all: Vec<String> = unmet.0.iter().map(|u| u.sl()).collect();
                format!(
                    "izida {outcome:?} koraka {step:?} še ni mogoče izbrati: {}",
                    all.join("; ")
                )
            }
            ProcessError::ConsentNotAsked { step, role } => {
                format!("korak {step:?} ne zahteva soglasja vloge {role:?}")
            }
            ProcessError::NotRoleHolder(r) => {
                format!("na tej zadevi niste »{r}«, zato v tej vlogi ne morete dati soglasja")
            }
            ProcessError::AlreadyConsented { role, by } => format!("vloga »{role}« je soglasje že dala ({by})"),
            ProcessError::SamePersonConsents { user, given } => {
                format!("{user} je soglasje že dal(a) kot »{given}«; soglasji morata dati dve različni osebi")
            }
            ProcessError::NobodyToPerform { step, role } => {
                format!("nihče ni »{role}«, ki opravi korak {step:?}; najprej imenujte osebo")
            }
            ProcessError::OnlyAdamReminds => "da je opomnik o zamudi poslan, zapiše le ADAM sam".to_owned(),
            ProcessError::NotOverdue(c) => format!("trenutni korak zadeve {c} ni v zamudi"),
            ProcessError::AlreadyReminded(c) => format!("opomnik o zamudi trenutnega koraka zadeve {c} je že poslan"),
            ProcessError::ChangeRequired(role) => {
                let what = role.0.as_ref().map_or_else(
                    || "nastavitev organizacije".to_owned(),
                    |r| format!("vsebine vloge {r}"),
                );
                format!("ADAM upravlja svoje spremembe: sprememba {what} mora navesti odobreno zahtevo za spremembo")
            }
            ProcessError::ChangeNotApproved(c) => {
                format!("{c} ni odobrena zahteva za spremembo v izvedbi (v koraku »Izvedba spremembe«)")
            }
            ProcessError::ChangeForOtherSystem { case, system } => format!("{case} se ne nanaša na sistem {system}"),
            ProcessError::BaselineNotRefreshed { case, system } => format!(
                "{case} ni mogoče zaključiti, dokler izhodišče celovitosti strežnika {system} ni osveženo: odobreno izhodišče, zajeto po izvedbi spremembe (čl. 50(4))"
            ),
        }
    }
}

fn kind_sl(kind: &str) -> &'static str {
    match kind {
        "text" => "besedilo",
        "long_text" => "daljše besedilo",
        "bool" => "da/ne",
        "date" => "datum",
        "date_time" => "datum in čas",
        "money" => "znesek v evrih",
        "number" => "celo število",
        "choice" => "ena od možnosti",
        "choices" => "ena ali več možnosti",
        "system" => "informacijski sistem popisa",
        "person" => "oseba",
        _ => "vrednost",
    }
}
