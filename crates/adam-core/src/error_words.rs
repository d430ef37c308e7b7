//! The refusals of `error/` in both languages: `message(lang)` on every error type.
//!
//! English is each variant's `#[error]` text (its `Display`); the Slovenian is here, one match
//! arm per variant. The matches are exhaustive (inside this crate `#[non_exhaustive]` does not
//! relax them), so a new variant does not compile until its Slovenian text is written — one
//! line in the area's `sl` function. The problem `type` (`code()`) never depends on the
//! language.
//!
//! Ids appear as in English (`job#12`); `World::name_ids_in` turns them into the names people
//! use, in the language of the text (`delovno mesto JOB.0276`). The few refusals that carry a
//! fixed English phrase (`NoChange("the batch is empty")`, `SelfAdministration(..)`, …) are
//! translated through [`PHRASES`]; a test checks that every such phrase in the crate is there.

use crate::error::{
    AclError, AuthorityError, ContinuityError, DirectoryError, Error, FilingError, ProcessError, RaciError,
    RegisterError, RoleError, StateError, ValueError, ValueProblem,
};
use crate::lang::Lang;

/// The fixed English phrases some refusals carry, with their Slovenian.
pub const PHRASES: &[(&str, &str)] = &[
    // Error::NoChange
    ("the case already has these data", "zadeva že ima te podatke"),
    ("the party is already so", "stran je že taka"),
    ("the cell already holds these letters", "celica že vsebuje te črke"),
    ("the solution already has these data", "rešitev že ima te podatke"),
    (
        "keep the registry of information solutions",
        "voditi evidenco informacijskih rešitev",
    ),
    ("no case was started", "zadeva ni bila začeta"),
    ("no change request was started", "zahtevek za spremembo ni bil začet"),
    ("the batch is empty", "paket je prazen"),
    ("an identical entry already exists", "enak vnos že obstaja"),
    ("the settings are already so", "nastavitve so že take"),
    ("the command changes nothing", "ukaz ničesar ne spremeni"),
    ("the system is already initialised", "sistem je že pripravljen"),
    ("an identical grant already exists", "enaka dodelitev že obstaja"),
    (
        "everyone named has already been notified",
        "vsi navedeni so že obveščeni",
    ),
    (
        "the object is already handed over to this job",
        "objekt je temu delovnemu mestu že predan",
    ),
    (
        "the object already has this classification",
        "objekt že ima to stopnjo zaupnosti",
    ),
    (
        "the class already has these data",
        "klasifikacijski znak že ima te podatke",
    ),
    ("the office already has these data", "urad že ima te podatke"),
    ("the job already has these data", "delovno mesto že ima te podatke"),
    ("the user already has these data", "uporabnik že ima te podatke"),
    ("the group already has these members", "skupina že ima te člane"),
    ("the application already has these data", "aplikacija že ima te podatke"),
    ("the role already has these data", "vloga že ima te podatke"),
    (
        "the grant already has this window",
        "dodelitev že ima to obdobje veljavnosti",
    ),
    ("the office is already valid", "urad je že veljaven"),
    ("the office is already invalid", "urad je že neveljaven"),
    ("the job is already valid", "delovno mesto je že veljavno"),
    ("the job is already invalid", "delovno mesto je že neveljavno"),
    ("the user is already active", "uporabnik je že aktiven"),
    ("the user is already inactive", "uporabnik je že neaktiven"),
    ("the item already has these data", "postavka popisa že ima te podatke"),
    (
        "the item already has this class",
        "postavka popisa je že tako razvrščena",
    ),
    ("the item is already retired", "postavka popisa je že izločena"),
    ("the appointment already ends then", "imenovanje se že takrat konča"),
    ("the scheme already says this", "shema to že pravi"),
    // RegisterError::NotRegisterKeeper
    ("import process definitions", "uvažati opredelitve postopkov"),
    ("add items to the inventory", "dodajati postavke v popis"),
    ("appoint a custodian", "določiti skrbnika"),
    ("retire inventory items", "izločati postavke popisa"),
    ("appoint the Decree's roles", "imenovati nosilce vlog po uredbi"),
    (
        "end appointments to the Decree's roles",
        "končati imenovanja nosilcev vlog po uredbi",
    ),
    ("change the classification scheme", "spreminjati shemo razvrščanja"),
    ("record risk assessments", "beležiti ocene tveganj"),
    ("the risk assessment already says this", "ocena tveganj to že pravi"),
    (
        "attach files to risk assessments",
        "pripenjati datoteke k ocenam tveganj",
    ),
    ("the record already carries this file", "zapis to datoteko že ima"),
    (
        "the continuity plan already says this",
        "načrt neprekinjenosti to že pravi",
    ),
    (
        "the business impact analysis already says this",
        "analiza vpliva na poslovanje to že pravi",
    ),
    (
        "the continuity test already says this",
        "preizkus neprekinjenosti to že pravi",
    ),
    ("approve integrity baselines", "potrjevati izhodišča celovitosti"),
    // RoleError::RoleShape
    (
        "a batch cannot contain another batch",
        "paket ne more vsebovati drugega paketa",
    ),
    (
        "a system role cannot be an application's writing role",
        "sistemska vloga ne more biti vloga za pisanje v aplikaciji",
    ),
    (
        "a system role carries a power, not levels or other roles",
        "sistemska vloga nosi pooblastilo, ne nivojev ali drugih vlog",
    ),
    (
        "a system role is granted to a user or a job, never to an office or to everyone",
        "sistemska vloga se dodeli uporabniku ali delovnemu mestu, nikoli uradu ali vsem",
    ),
    (
        "an application role must name its application",
        "aplikacijska vloga mora navesti svojo aplikacijo",
    ),
    (
        "an application-wide level must be above 0",
        "nivo za vso aplikacijo mora biti večji od 0",
    ),
    (
        "only application roles give a level on every object of their application",
        "nivo na vseh objektih aplikacije dajejo le aplikacijske vloge",
    ),
    (
        "system roles are built in and cannot be created",
        "sistemske vloge so vgrajene in jih ni mogoče ustvariti",
    ),
    (
        "the distribution, reopen and clearance roles must be application or user roles",
        "vloge za razdeljevanje, ponovno odpiranje in varnostna dovoljenja morajo biti aplikacijske ali uporabniške vloge",
    ),
    // AuthorityError::SystemAdministratorOnly ("only the system administrator may …")
    ("grant a role to everyone", "dodeliti vloge vsem"),
    (
        "grant or revoke system roles",
        "dodeljevati ali odvzemati sistemskih vlog",
    ),
    (
        "create admin and service accounts",
        "ustvarjati računov admin in servisnih računov",
    ),
    (
        "manage admin and service accounts",
        "upravljati računov admin in servisnih računov",
    ),
    // AuthorityError::SelfAdministration ("you may not …")
    ("administer your own account", "upravljati lastnega računa"),
    ("move the office you work in", "premakniti urada, v katerem delate"),
    (
        "move a job you hold to another office",
        "premakniti delovnega mesta, ki ga zasedate, v drug urad",
    ),
];

/// A fixed phrase in Slovenian (the English itself if a new one was not added to [`PHRASES`],
/// which the test below catches).
pub fn phrase(english: &str, lang: Lang) -> String {
    match lang {
        Lang::En => english.to_owned(),
        Lang::Sl => PHRASES
            .iter()
            .find(|(en, _)| *en == english)
            .map_or_else(|| english.to_owned(), |(_, sl)| (*sl).to_owned()),
    }
}

/// The Slovenian name of a kind of record as the engine's look-ups name it.
fn kind_sl(kind: &str) -> &str {
    match kind {
        "office" => "urad",
        "job" => "delovno mesto",
        "user" => "uporabnik",
        "filing class" => "klasifikacijski znak",
        "role" => "vloga",
        "application" => "aplikacija",
        "group" => "skupina",
        "folder" => "zadeva",
        "document" => "dokument",
        other => other,
    }
}

/// A record named in words by the engine (`office UN`, `user ana`, `job JOB.1`) in Slovenian.
fn named_sl(named: &str) -> String {
    for (en, sl) in [
        ("office ", "urad "),
        ("user ", "uporabnik "),
        ("job ", "delovno mesto "),
    ] {
        if let Some(rest) = named.strip_prefix(en) {
            return format!("{sl}{rest}");
        }
    }
    named.to_owned()
}

/// A field's name in Slovenian, as the forms call it.
pub fn field_sl(field: &str) -> &str {
    match field {
        "code" => "šifra",
        "signing_code" => "signirni znak",
        "name" => "naziv",
        "first_name" => "ime",
        "last_name" => "priimek",
        "email" => "e-poštni naslov",
        "username" => "uporabniško ime",
        "phone" => "telefon",
        "organisation" => "organizacija",
        "text" => "besedilo",
        "title" => "naslov",
        "description" => "opis",
        "role" | "role_code" => "šifra vloge",
        "job" | "job_code" => "šifra delovnega mesta",
        "reference" => "številka zahtevka",
        "reason" => "razlog",
        "justification" => "utemeljitev",
        "kind" | "account_kind" => "vrsta računa",
        "gender" => "spol",
        "valid_from" => "velja od",
        "valid_to" => "velja do",
        other => other,
    }
}

fn job_or_none(job: Option<crate::ids::JobId>, lang: Lang) -> String {
    job.map_or_else(|| lang.pick("nobeno", "none").to_owned(), |j| j.to_string())
}

impl ValueProblem {
    fn sl(&self) -> String {
        match self {
            ValueProblem::Empty => "ne sme biti prazno".to_owned(),
            ValueProblem::TooShort(min) => format!("mora imeti vsaj {min} znakov"),
            ValueProblem::TooLong { max, got } => format!("ima lahko največ {max} znakov (vnesenih je {got})"),
            ValueProblem::ControlCharacter => "ne sme vsebovati kontrolnih znakov (npr. preloma vrstice)".to_owned(),
            ValueProblem::DoubleSpace => "ne sme vsebovati dveh presledkov zapored".to_owned(),
            ValueProblem::MustStartAlphanumeric => "se mora začeti s črko ali števko".to_owned(),
            ValueProblem::CodeCharacter { bad, allowed } => {
                let list: Vec<String> = allowed
                    .iter()
                    .map(|c| {
                        if *c == ' ' {
                            "presledek".to_owned()
                        } else {
                            format!("'{c}'")
                        }
                    })
                    .collect();
                format!("vsebuje {bad:?}; dovoljene so le črke, števke in {}", list.join(", "))
            }
            ValueProblem::UsernameCharacter(c) => {
                format!("vsebuje {c:?}; dovoljene so le črke a–z, števke, '.', '_' in '-'")
            }
            ValueProblem::EmailNoAt => "mora vsebovati '@', npr. ime@primer.si".to_owned(),
            ValueProblem::EmailLocalLength => "del pred '@' mora imeti od 1 do 64 znakov".to_owned(),
            ValueProblem::EmailLocalDots => {
                "del pred '@' se ne sme začeti ali končati s '.' ali vsebovati '..'".to_owned()
            }
            ValueProblem::EmailLocalCharacter(c) => format!("vsebuje {c:?} pred '@'"),
            ValueProblem::EmailDomain => "del za '@' mora biti domena, npr. primer.si".to_owned(),
            ValueProblem::PhoneCharacter(c) => format!("vsebuje {c:?}; dovoljene so le števke, presledki in + - / ( )"),
            ValueProblem::PhoneDigits => "mora vsebovati vsaj tri števke".to_owned(),
            ValueProblem::NotADigest => "mora biti izvleček SHA-256: 64 šestnajstiških števk 0-9, a-f".to_owned(),
            ValueProblem::NotAnAccountKind(s) => {
                format!("{s:?} ni vrsta računa; vrste so 'admin', 'system_user' in 'user'")
            }
            ValueProblem::NotAGender(s) => format!("{s:?} ni spol; uporabite ženski, moški, drugo ali -"),
        }
    }
}

impl ValueError {
    fn sl(&self) -> String {
        match self {
            ValueError::InvalidLevel(n) => format!("{n} ni nivo dostopa; nivoji so 0, 11, 12, 13, 14, 21 in 22"),
            ValueError::InvalidSecurityClass(n) => {
                format!("{n} ni stopnja zaupnosti; stopnje so 0 (nezaupno), 1, 2 in 3")
            }
            ValueError::InvalidValue { field, problem } => {
                format!("{}: {}", field_sl(field), problem.message(Lang::Sl))
            }
            ValueError::InvalidTimestamp(s) => {
                format!("{s:?} ni datum (LLLL-MM-DD) niti trenutek po RFC 3339 (LLLL-MM-DDTHH:MM:SSZ)")
            }
            ValueError::EmptyWindow { from, to } => format!("»velja do« ({to}) mora biti za »velja od« ({from})"),
            ValueError::LookupLevelZero => "seznam zahteva nivo vsaj 11".to_owned(),
            ValueError::PageSize { requested, max } => format!("stran ima od 1 do {max} zadetkov, ne {requested}"),
            ValueError::InvalidDate { field, text } => format!(
                "{}: {text:?} ni datum; vpišite ga kot LLLL-MM-DD ali DD. MM. LLLL (npr. 2027-01-31)",
                field_sl(field)
            ),
            ValueError::DatesReversed { from, to } => format!("»velja do« ({to}) je pred »velja od« ({from})"),
        }
    }
}

impl DirectoryError {
    fn sl(&self) -> String {
        match self {
            DirectoryError::UnknownOffice(o) => format!("urad št. {} ne obstaja", o.0),
            DirectoryError::UnknownJob(j) => format!("delovno mesto št. {} ne obstaja", j.0),
            DirectoryError::UnknownUser(u) => format!("uporabnik št. {} ne obstaja", u.0),
            DirectoryError::UnknownGroup(g) => format!("skupina št. {} ne obstaja", g.0),
            DirectoryError::UnknownCode { kind, code } => format!("{} {code:?} ne obstaja", kind_sl(kind)),
            DirectoryError::DuplicateCode { kind, code } => {
                format!("šifra {code:?} je že v uporabi ({})", kind_sl(kind))
            }
            DirectoryError::OfficeCycle { office, parent } => {
                format!("{office}: ni ga mogoče postaviti pod {parent}, ki je v njegovem lastnem poddrevesu")
            }
            DirectoryError::DefaultViewNotAView { class, level } => {
                format!("privzeti vpogled za Z{class} mora biti nivo vpogleda (11–14), ne {level}")
            }
            DirectoryError::JobOccupied { job, users } => format!(
                "{job}: zaseda ga še aktivnih uporabnikov: {}; najprej jih deaktivirajte ali premestite (brisanje je v dveh korakih)",
                users.len()
            ),
            DirectoryError::OfficeNotEmpty { office, jobs, offices } => format!(
                "{office}: ima še veljavnih delovnih mest: {jobs}, veljavnih podrejenih uradov: {offices}; najprej jih razveljavite"
            ),
            DirectoryError::JobInvalid(j) => format!("{j} ni veljavno"),
            DirectoryError::OfficeInvalid(o) => format!("{o} ni veljaven"),
            DirectoryError::AlreadyAssigned { user, job } => format!("{user} že zaseda {job}"),
            DirectoryError::NotAssigned { user, job } => format!("{user} ne zaseda {job}"),
            DirectoryError::DuplicateSigningCode { code, kind, holder } => {
                format!("signirni znak {code:?} že uporablja {} {holder}", kind_sl(kind))
            }
            DirectoryError::LastUserAdministrator(who) => format!(
                "s tem bi organizacija ostala brez aktivnega uporabnika, ki lahko upravlja uporabnike ({who}); najprej dodelite vlogo skrbnika uporabnikov še komu"
            ),
        }
    }
}

impl RoleError {
    fn sl(&self) -> String {
        match self {
            RoleError::UnknownApplication(a) => format!("aplikacija št. {} ne obstaja", a.0),
            RoleError::UnknownRole(r) => format!("vloga št. {} ne obstaja", r.0),
            RoleError::UnknownGrant(g) => format!("dodelitev št. {} ne obstaja", g.0),
            RoleError::RoleCycle { path } => format!("ta vloga bi naredila krog: {}", path.join(" → ")),
            RoleError::NotAContainer(r) => {
                format!("{r} ni uporabniška vloga; druge vloge lahko vsebujejo le uporabniške vloge")
            }
            RoleError::SystemRoleNotNestable(r) => {
                format!("sistemske vloge ni mogoče vstaviti v drugo vlogo ({r}); dodelite jo neposredno")
            }
            RoleError::RoleShape(s) => phrase(s, Lang::Sl),
            RoleError::ScopeNotApplicable => {
                "na poddrevo uradov je mogoče omejiti le dodelitev vloge skrbnika uporabnikov".to_owned()
            }
            RoleError::CustodianRequestMissing(system) => format!(
                "pravice do sistema {system} dodeli njegov skrbnik ali se dodelijo na njegovo pisno zahtevo (51. člen (1)): navedite sklic zahteve"
            ),
        }
    }
}

impl FilingError {
    fn sl(&self) -> String {
        match self {
            FilingError::UnknownClass(c) => format!("klasifikacijski znak št. {} ne obstaja", c.0),
            FilingError::UnknownFolder(f) => format!("zadeva št. {} ne obstaja", f.0),
            FilingError::UnknownDocument(d) => format!("dokument št. {} ne obstaja", d.0),
            FilingError::ClassCycle { class, parent } => {
                format!("{class}: ni ga mogoče postaviti pod {parent}, ki je v njegovem lastnem poddrevesu")
            }
            FilingError::NotResponsible { responsible } => format!(
                "to sme storiti le odgovorno delovno mesto ({})",
                job_or_none(*responsible, Lang::Sl)
            ),
            FilingError::NotRecipient { recipient } => format!(
                "sprejeti ali zavrniti sme le prejemnik ({})",
                job_or_none(*recipient, Lang::Sl)
            ),
            FilingError::NothingHandedOver => "objekt ni bil predan nikomur".to_owned(),
            FilingError::ObjectClosed => "objekt je zaključen; najprej ga je treba ponovno odpreti".to_owned(),
            FilingError::ObjectNotClosed => "objekt ni zaključen".to_owned(),
            FilingError::HandOverPending(j) => {
                format!("objekt je predan ({j}) in čaka na sprejem; zdaj ga ni mogoče zaključiti")
            }
            FilingError::HandOverToSelf(j) => format!("za objekt je že odgovorno {j}"),
            FilingError::NotDistMain => {
                "ponovno odpreti smeta le glavna pisarna ([dist.main]) ali imetnik vloge za ponovno odpiranje"
                    .to_owned()
            }
            FilingError::RecipientNotCleared { job, required } => format!(
                "{job}: nihče aktiven na tem delovnem mestu nima varnostnega dovoljenja za Z{}, zato objekta ne more prevzeti",
                required.value()
            ),
            FilingError::NothingToNotify => {
                "navedite vsaj eno delovno mesto ali uporabnika, ki naj bo obveščen".to_owned()
            }
        }
    }
}

impl AclError {
    fn sl(&self) -> String {
        match self {
            AclError::UnknownEntry(e) => format!("vnos ACL št. {} ne obstaja", e.0),
            AclError::GroupValueNotApplicable { entity } => {
                format!("skupinska vrednost mora biti enaka vrednosti ({entity}; za Company.main in urade sta enaki)")
            }
            AclError::GroupValueRequired { entity } => format!(
                "vnos maxAllowed potrebuje skupinsko vrednost ({entity}): zgornjo mejo za sodelavce v uradu (22 jih ne omejuje)"
            ),
            AclError::GroupValueAboveValue { value, group_value } => format!(
                "skupinska vrednost ({group_value}) ne sme biti večja od vrednosti ({value}): sodelavci nikoli ne dobijo več kot entiteta"
            ),
            AclError::DynamicEntityOnClass { entity } => format!(
                "{entity} ni mogoče uporabiti na klasifikacijskem znaku: razreši se glede na objekt, ki nosi vnos, klasifikacijski znak pa tega nima"
            ),
        }
    }
}

impl AuthorityError {
    fn sl(&self) -> String {
        match self {
            AuthorityError::ActorInactive => "račun ni aktiven".to_owned(),
            AuthorityError::AdminNoDocuments => "račun admin nima dostopa do zadev in dokumentov".to_owned(),
            AuthorityError::NotOccupant(j) => format!("ne zasedate tega delovnega mesta ({j})"),
            AuthorityError::AmbiguousJob => "zasedate več delovnih mest; izberite, na katerem delujete".to_owned(),
            AuthorityError::NoJob => "ne zasedate nobenega veljavnega delovnega mesta".to_owned(),
            AuthorityError::ApplicationNotWritable(a) => {
                format!("{a} nima vloge za pisanje, zato v njej nihče ne sme ustvarjati zapisov")
            }
            AuthorityError::MissingWriterRole(r) => format!("ustvarjanje zapisov tukaj zahteva vlogo za pisanje ({r})"),
            AuthorityError::InsufficientLevel { object, required, held } => {
                format!("{object}: to zahteva nivo {required}, vi imate {held}")
            }
            AuthorityError::MfaRequired => {
                "objekt je označen z Z3 ali C3: najprej se potrdite z drugim faktorjem".to_owned()
            }
            AuthorityError::ClassifyAboveClearance { requested, held } => format!(
                "ne smete razvrstiti nad svoje varnostno dovoljenje (Z{}): zahtevano je Z{}",
                held.value(),
                requested.value()
            ),
            AuthorityError::NotAnAdministrator => "to sme le sistemski skrbnik ali skrbnik uporabnikov".to_owned(),
            AuthorityError::SystemAdministratorOnly(s) => format!("le sistemski skrbnik sme {}", phrase(s, Lang::Sl)),
            AuthorityError::OutsideScope(s) => format!("{} je zunaj uradov, ki jih upravljate", named_sl(s)),
            AuthorityError::SelfGrant => "ne smete spreminjati svojih pravic, pravic delovnega mesta, ki ga zasedate, ali urada, v katerem delate; prosite drugega skrbnika".to_owned(),
            AuthorityError::SelfAdministration(s) => format!("ne smete {}; prosite drugega skrbnika", phrase(s, Lang::Sl)),
            AuthorityError::BeyondOwnPower(s) => format!(
                "{} ima upravne pravice, ki jih vi nimate; prosite skrbnika, ki jih ima",
                named_sl(s)
            ),
            AuthorityError::NotAsAnotherPerson(s) => format!(
                "sistemski skrbnik ne sme nastaviti gesla ali e-poštnega naslova osebi s pravicami ({}): to stori njen skrbnik uporabnikov ali pa ga oseba ponastavi po e-pošti",
                named_sl(s)
            ),
        }
    }
}

impl StateError {
    fn sl(&self) -> String {
        match self {
            StateError::StalePlan { planned, current } => {
                format!(
                    "sprememba je bila pripravljena pri {planned}, stanje pa je zdaj pri {current}; pripravite jo znova"
                )
            }
            StateError::Corrupt(s) => format!("dnevnik sprememb se ne ujema s stanjem: {s}"),
        }
    }
}

/// `message(lang)` for each area: English is the `Display` (what logs and the CLI show), and
/// Slovenian is the area's `sl()`, an exhaustive match, so a new refusal without its Slovenian
/// text does not compile.
macro_rules! in_both_languages {
    ($($area:ty),* $(,)?) => {$(
        impl $area {
            /// The text in `lang`.
            pub fn message(&self, lang: Lang) -> String {
                match lang {
                    Lang::En => self.to_string(),
                    Lang::Sl => self.sl(),
                }
            }
        }
    )*};
}

in_both_languages!(
    ValueProblem,
    ValueError,
    DirectoryError,
    RoleError,
    FilingError,
    AclError,
    AuthorityError,
    StateError,
    RegisterError,
    ProcessError,
    RaciError,
    ContinuityError,
);

impl Error {
    /// The refusal in `lang` (English is also the `Display`). Its problem `type`, `code()`, is
    /// the same in both.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::Value(e) => e.message(lang),
            Error::Directory(e) => e.message(lang),
            Error::Roles(e) => e.message(lang),
            Error::Filing(e) => e.message(lang),
            Error::Acl(e) => e.message(lang),
            Error::Authority(e) => e.message(lang),
            Error::State(e) => e.message(lang),
            Error::Register(e) => e.message(lang),
            Error::Process(e) => e.message(lang),
            Error::Raci(e) => e.message(lang),
            Error::Continuity(e) => e.message(lang),
            Error::NoChange(s) => match lang {
                Lang::En => self.to_string(),
                Lang::Sl => format!("ni kaj spremeniti: {}", phrase(s, lang)),
            },
            Error::BatchItem { index, error } => match lang {
                Lang::En => self.to_string(),
                Lang::Sl => format!("ukaz {} paketa je bil zavrnjen: {}", index + 1, error.message(lang)),
            },
        }
    }
}

#[path = "error_words/register.rs"]
mod register;

#[path = "error_words/process.rs"]
mod process;

#[path = "error_words/raci.rs"]
mod raci;

#[path = "error_words/continuity.rs"]
mod continuity;

#[cfg(test)]
#[path = "error_words/tests.rs"]
mod tests;
