//! The responsibility matrices' refusals in Slovenian (`RaciError`); English is each
//! variant's `#[error]` text.

use crate::error::RaciError;
use crate::lang::Lang;

impl RaciError {
    pub(super) fn sl(&self) -> String {
        match self {
            RaciError::NoMatrix(s) => format!("rešitev {s} nima matrike odgovornosti"),
            RaciError::UnknownMatrix(m) => format!("matrika odgovornosti {m} ne obstaja"),
            RaciError::UnknownTemplate(t) => format!("predloga odgovornosti {t} ne obstaja"),
            RaciError::UnknownTask(t) => format!("predloga nima naloge {t:?}"),
            RaciError::UnknownLayer(l) => format!("predloga nima plasti {l:?}"),
            RaciError::UnknownParty(p) => format!("matrika nima strani {p:?}"),
            RaciError::BadPartyKey(k) => format!(
                "{k:?} ni ključ strani (1–40 malih črk, števk, '_' ali '-', na začetku črka)"
            ),
            RaciError::PartyNameMissing(k) => format!("strani {k:?} predloga ne pozna; dajte ji ime"),
            RaciError::UnknownSolution(s) => format!(
                "register informacijskih rešitev nima rešitve {s}; vpišite jo pred njeno matriko odgovornosti"
            ),
            RaciError::MatrixExists(s) => {
                format!("rešitev {s} že ima matriko odgovornosti; spreminja se s preglasitvami")
            }
            RaciError::BadLetters(l) => {
                format!("{l:?}: celica vsebuje le črke R, A, C, I, vsako največ enkrat")
            }
            RaciError::InvalidMatrix(f) => {
                let all: Vec<String> = f.0.iter().map(|f| f.message(Lang::Sl)).collect();
                format!(
                    "matrika krši pravilo »natanko en A na nalogo in plast«: {}",
                    all.join("; ")
                )
            }
            RaciError::NotRaciKeeper => "matrike odgovornosti ustvarja in njihove strani povezuje vodja informacijske varnosti ali skrbnik sistema".to_owned(),
            RaciError::OverrideNotAllowed {
                task,
                layer,
                accountable,
            } => format!(
                "preglasitev naloge {task} v plasti {layer} odobri oseba na delovnem mestu odgovorne strani ({accountable}), vodja informacijske varnosti ali skrbnik sistema"
            ),
            RaciError::ReasonMissing => "preglasitev potrebuje utemeljitev".to_owned(),
        }
    }
}
