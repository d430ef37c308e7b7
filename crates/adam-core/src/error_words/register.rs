//! The registers' refusals in Slovenian (`RegisterError`); English is each variant's
//! `#[error]` text.

use crate::error::RegisterError;

impl RegisterError {
    pub(super) fn sl(&self) -> String {
        match self {
            RegisterError::UnknownItem(i) => format!("postavka popisa {i} ne obstaja"),
            RegisterError::UnknownItemCode(c) => format!("postavka popisa z oznako {c:?} ne obstaja"),
            RegisterError::UnknownLink(l) => format!("povezava {l} ne obstaja"),
            RegisterError::UnknownHolder(h) => format!("imenovanje {h} ne obstaja"),
            RegisterError::UnknownScheme(s) => format!("shema razvrščanja {s} ne obstaja"),
            RegisterError::DuplicateItemCode(c) => format!("oznaka popisa {c:?} je že v rabi"),
            RegisterError::CustodianInactive(u) => format!(
                "skrbnik mora biti aktivna oseba (10. člen (3): vsako premoženje in vsak sistem ima skrbnika); {u} to ni"
            ),
            RegisterError::NotCustodian { item, custodian } => {
                format!("{item}: razvrsti ga le njegov skrbnik ({custodian}) (7. člen)")
            }
            RegisterError::NotRegisterKeeper(what) => format!(
                "to ({}) sme le vodja informacijske varnosti ali sistemski skrbnik",
                super::phrase(what, crate::lang::Lang::Sl)
            ),
            RegisterError::NotItemKeeper { item, custodian } => format!(
                "{item}: spremeni ga lahko le njegov skrbnik ({custodian}), vodja informacijske varnosti ali sistemski skrbnik"
            ),
            RegisterError::BelowFloor {
                system,
                dimension,
                class,
                floor,
                asset,
            } => format!(
                "{system} ne more biti uvrščen v {dimension}{}: njegovo premoženje {asset} je {dimension}{}, sistem pa je uvrščen vsaj tako visoko kot premoženje, ki ga obravnava (11. člen (2))",
                class.value(),
                floor.value()
            ),
            RegisterError::PublicCloudClass { item, class } => format!(
                "41. člen (1): {item} bi bil {class}, v javnem oblaku pa se sme obravnavati le neuvrščeno ali Z1, C1 in R1"
            ),
            RegisterError::PublicCloudApprovalMissing => {
                "41. člen (2): sistem v javnem oblaku potrebuje sklic na pisno odobritev ministrstva".to_owned()
            }
            RegisterError::NotASystem(i) => format!("{i} ni informacijski sistem"),
            RegisterError::NotAnAsset(i) => format!("{i} ni informacijsko premoženje"),
            RegisterError::SystemOnlyField(f) => format!("{f} je podatek le informacijskih sistemov"),
            RegisterError::ApplicationInAnotherSystem { app, system } => {
                format!("{app} že pripada drugemu informacijskemu sistemu: {system}")
            }
            RegisterError::TransferConsentRequired { asset, from } => format!(
                "38. člen (1): {asset} hrani {from}; prenos v drug sistem zahteva pisno soglasje skrbnika, ki skrbi za {from}"
            ),
            RegisterError::ConsentNotBySourceCustodian { by, system, custodian } => format!(
                "38. člen (1): soglasje mora dati skrbnik sistema, ki premoženje hrani ({custodian}, {system}), ne {by}"
            ),
            RegisterError::TransferBelowAsset {
                asset,
                system,
                dimension,
                asset_class,
                system_class,
            } => format!(
                "38. člen (1): {system} varuje {dimension} le do {dimension}{}, premoženje {asset} pa je {dimension}{}; najprej zvišajte razred sistema",
                system_class.value(),
                asset_class.value()
            ),
            RegisterError::AlreadyLinked { system, asset } => format!("{system} in {asset} sta že povezana"),
            RegisterError::ItemRetired(i) => format!("{i}: izločeno iz uporabe"),
            RegisterError::ObjectAboveSystem { system, object, held } => format!(
                "11. člen (2): objekta te aplikacije ni mogoče uvrstiti v {object}: informacijski sistem aplikacije ({system}) je uvrščen v {held}"
            ),
            RegisterError::UnknownReview(r) => format!("pregled pravic {r} ne obstaja"),
            RegisterError::UnknownFollowUp(f) => format!("preverjanje pravic {f} ne obstaja"),
            RegisterError::NoApplication(i) => {
                format!("{i} ne služi nobeni aplikaciji v ADAM, zato v ADAM ni pravic za pregled")
            }
            RegisterError::NotReviewer { reviewer } => {
                format!("v tem pregledu pravic odloča le pregledovalec ({reviewer})")
            }
            RegisterError::NotReviewerToAttach { reviewer } => format!(
                "datoteke temu pregledu pravic sme dodati le pregledovalec ({reviewer}), vodja informacijske varnosti ali sistemski skrbnik"
            ),
            RegisterError::NotConcerned(g) => format!(
                "o {g} odloča le skrbnik sistema, do katerega dodelitev seže, vodja informacijske varnosti ali skrbnik prejemnika"
            ),
            RegisterError::NotUnderReview(g) => format!("{g} tu ni v pregledu"),
            RegisterError::AlreadyDecided(g) => format!("o {g} je že odločeno"),
            RegisterError::UnknownRisk(r) => format!("ocena tveganj {r} ne obstaja"),
            RegisterError::UnknownSolution(s) => format!("rešitve {s} v evidenci ni"),
            RegisterError::BadCodename(c) => {
                format!("{c:?} ni kodno ime: 2–16 velikih črk, števk ali vezajev, na začetku črka")
            }
            RegisterError::CodenameTaken(c) => format!("kodno ime {c} ima že druga rešitev"),
            RegisterError::SolutionCloudClass { system, class } => format!(
                "41. člen (1): v javni oblak sme rešitev le, če je njen sistem največ Z1, C1 in R1; {system} je {class}"
            ),
            RegisterError::CloudWithoutSystem => {
                "41. člen (1): za javni oblak je treba navesti informacijski sistem rešitve, katerega razredi odločajo".to_owned()
            }
            RegisterError::EnvironmentsNotSeparate(a) => {
                format!("47. člen (3): testno in produkcijsko okolje morata biti ločena; obe sta na {a}")
            }
            RegisterError::StagingNotInPzi => {
                "uvajalno okolje se vzpostavi le, če ga predvideva PZI (000, 1.1.1.9)".to_owned()
            }
            RegisterError::BoardWithoutCriteria => {
                "tehnični kolegij odloča le o izjemnem sistemu; navedite merila, ki jih izpolnjuje (000, 1.1.1.7)".to_owned()
            }
            RegisterError::ConfirmationWithoutDate { field: f } => format!(
                "{}: naveden je, kdo je potrdil, ne pa datum potrditve; navedite oboje ali nič",
                crate::error::confirmation_name(f, crate::lang::Lang::Sl)
            ),
            RegisterError::ConfirmationWithoutConfirmer { field: f } => format!(
                "{}: naveden je datum potrditve, ne pa, kdo je potrdil; navedite oboje ali nič",
                crate::error::confirmation_name(f, crate::lang::Lang::Sl)
            ),
            RegisterError::ConfirmationInFuture { field, date } => format!(
                "{}: datum potrditve {date} je v prihodnosti",
                crate::error::confirmation_name(field, crate::lang::Lang::Sl)
            ),
            RegisterError::UnknownSolutionJob { role, job } => format!(
                "vloga {} je vezana na delovno mesto {job}, ki ne obstaja",
                crate::error::hosting_role(role, crate::lang::Lang::Sl)
            ),
            RegisterError::InvalidSolutionJob { role, job } => format!(
                "vloga {} je vezana na delovno mesto {job}, ki ni več veljavno; izberite veljavno delovno mesto",
                crate::error::hosting_role(role, crate::lang::Lang::Sl)
            ),
            RegisterError::VersionInFlight(v) => format!(
                "različica {v} je še v teku; nova različica vstopi, ko je prejšnja v produkciji ali umaknjena"
            ),
            RegisterError::VersionExists(v) => format!("različica {v} je že bila odprta; nova naj ima drugo oznako"),
            RegisterError::SolutionWithoutSystem => "7. člen: rešitev najprej povežite z njenim informacijskim sistemom v popisu; njegov skrbnik odobri prenos v produkcijo".to_owned(),
            RegisterError::VersionChangeNotApproved(c) => format!(
                "22. člen (3): zahtevek za spremembo te različice (zadeva {c}) še ni odobren: najprej soglašata skrbnik sistema in vodja informacijske varnosti"
            ),
            RegisterError::NoCustodianApproval => {
                "7. člen: skrbnik sistema prenosa v produkcijo ni odobril".to_owned()
            }
            RegisterError::InstructionsMissing { article, what } => format!(
                "{article}. člen: pred prenosom v produkcijo morajo obstajati {}",
                if *what == "backup instructions" { "navodila za varnostno kopiranje" } else { "navodila za obratovanje" }
            ),
            RegisterError::AssessorNotIndependent { person, role, system } => format!(
                "23. člen (2): varnostna ocena mora biti neodvisna, {person} iz SOC pa je {} sistema {system}",
                if *role == "custodian" { "skrbnik" } else { "upravljavec" }
            ),
            RegisterError::NoIndependentAssessment => "23. člen (1): pred prvim prenosom v produkcijo mora biti priložena neodvisna varnostna ocena".to_owned(),
            RegisterError::RiskDueTooLate { latest, asked } => format!(
                "9. člen (2): naslednja ocena tveganj mora biti najpozneje leto dni po tej ({latest}), ne {asked}"
            ),
            RegisterError::AppointmentReversed { since, until } => {
                format!("imenovanje se konča ({until}) pred začetkom ({since})")
            }
            RegisterError::UnknownBaseline(b) => format!("izhodišče celovitosti {b} ne obstaja"),
            RegisterError::UnknownComparison(c) => format!("primerjava celovitosti {c} ne obstaja"),
            RegisterError::NotIntegrityServer(i) => format!(
                "50. člen (4): celovitost se preverja na strežnikih, katerih funkcije so ključne za organ, in na strežnikih z visokim tveganjem; {i} v popisu ni označen ne kot eno ne kot drugo"
            ),
            RegisterError::NotScanSubmitter { server, custodian } => format!(
                "preglede strežnika {server} oddajajo njegov skrbnik ({custodian}), njegovi upravljavci, vodja informacijske varnosti ali sistemski skrbnik"
            ),
            RegisterError::ChangeReferenceMissing => {
                "50. člen (4): izhodišče se potrdi po odobreni spremembi; navedite sklic na spremembo".to_owned()
            }
            RegisterError::BaselineAlreadyApproved(b) => format!("izhodišče celovitosti {b} je že potrjeno"),
            RegisterError::NoApprovedBaseline(i) => format!(
                "50. člen (5): {i} nima potrjenega izhodišča celovitosti za primerjavo; najprej ga oddajte in dajte potrditi"
            ),
            RegisterError::EmptyManifest => "pregled ne navaja nobene datoteke".to_owned(),
        }
    }
}
