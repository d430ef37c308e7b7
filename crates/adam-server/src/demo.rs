//! The demo organisation: "Mestna občina Koper" as the seed's screenshots show it (004 §3).
//!
//! Why it exists: a records officer evaluating ADAM, a developer trying the API and the tests
//! all need an organisation that looks like a real one — offices from a signing plan with their
//! automatic heads and secretariats, staff holding jobs, the seed's applications and roles,
//! grants with validity windows in every status, a filing plan, and case files that are in the
//! middle of their workflow. Everything here is built through the engine's commands, never by
//! writing records directly, so the demo obeys every rule a real organisation does, and the
//! ACL entries on folders and documents are exactly what the Diagram 1 transitions produce.
//!
//! One sequence of commands serves two callers: [`build`] runs it on a plain [`World`] (tests,
//! tools), [`load`] runs it through [`AppState::execute_as`], the server's single write path,
//! so the demo lands in the store and in the audit trail under the application `adam-demo`.
//! The sequence is written once, against a small private `Executor` abstraction.
//!
//! All names of people, e-mail addresses and phone numbers are invented; e-mail addresses use
//! the reserved `.example` top-level domain so a demo can never mail a real person.

use crate::error::WebError;
use crate::state::AppState;
use adam_core::{
    AccountKind, AclKind, Actor, AppId, Carrier, ClassId, Classification, Code, Command, Created, DocumentId, Email,
    Entity, Error, FolderId, Gender, GrantId, Grantee, JobCode, JobId, Level, ObjectRef, OfficeId, Phone, Plan,
    RoleCode, RoleId, RoleKind, SecurityClass, SigningCode, SystemPower, Text, Timestamp, UserId, Username, Window,
    World,
};
use serde::Serialize;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// The organisation's name.
pub const ORGANISATION: &str = "Mestna občina Koper";

/// The application name the demo's audit records carry.
pub const APPLICATION: &str = "adam-demo";

/// The offices of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Offices {
    /// GLPI – the main office (signing code 1000); its members are `[dist.main]`.
    pub glpi: OfficeId,
    /// GLPI_VLO – the registry desk, a sub-office of GLPI.
    pub glpi_registry: OfficeId,
    /// JSS_MOK – the public housing fund.
    pub jss: OfficeId,
    /// KZUP – the mayor's cabinet.
    pub kzup: OfficeId,
    /// TOK – the tourist organisation.
    pub tok: OfficeId,
    /// UN – the real-estate office.
    pub un: OfficeId,
    /// UN_PPZ – property law, a sub-office of UN.
    pub un_property: OfficeId,
}

/// The folders of the demo, each in a different part of its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Folders {
    /// Z0, VOPI, open: a land sale; its clerk notified property law.
    pub land_sale: FolderId,
    /// Z2, VOPI, handed over to the head of UN and not yet accepted.
    pub expropriation: FolderId,
    /// Z1, VOPI, registered by the main office, accepted by the cabinet and closed.
    pub ministry_letter: FolderId,
    /// Z1, VPP, closed by its clerk and reopened by the main office.
    pub spatial_plan: FolderId,
    /// Z0, VOPI, open, with a closed document.
    pub tourist_tax: FolderId,
    /// Z3, VOPI, the mayor's own file.
    pub security_assessment: FolderId,
}

/// The documents of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Documents {
    /// In the land sale: handed over to JOB.0276 and accepted.
    pub purchase_request: DocumentId,
    /// In the land sale: handed over to property law and rejected.
    pub land_register_extract: DocumentId,
    /// Z2, in the expropriation file.
    pub valuation: DocumentId,
    /// Z1, registered by the main office (read-only for all but the main office).
    pub ministry_letter: DocumentId,
    /// Z1, in the VPP spatial plan.
    pub plan_draft: DocumentId,
    /// Closed by the tourist office.
    pub tourist_tax_report: DocumentId,
    /// Z3, in the mayor's file.
    pub protection_plan: DocumentId,
}

/// The ids a test or the CLI needs to find its way around the demo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Demo {
    /// The instant the demo was built at; grant statuses are relative to it.
    pub at: Timestamp,
    /// The operator's system administrator (`admin`): every power, no document.
    pub admin: UserId,
    /// The service account `svc-vopi` (kind `system_user`).
    pub service: UserId,
    /// The head of the main office (`vopiglpi01`, LEADER.GLPI): user administrator of the
    /// whole organisation.
    pub user_admin: UserId,
    /// The UN secretary (`vopiun02`): user administrator of UN and its sub-office only.
    pub un_user_admin: UserId,
    /// The mayor (`vopikzup01`): leader.main, cleared for Z3.
    pub mayor: UserId,
    /// A clerk of the main office (`vopiglpi03`): `[dist.main]`.
    pub registry_clerk: UserId,
    /// A plain clerk of the tourist organisation (`vopitok02`).
    pub clerk: UserId,
    /// The UN clerk who opened the land-sale file (`vopiun04`).
    pub un_clerk: UserId,
    /// The senior UN adviser (`vopiun03`, JOB.0276) who accepted the purchase request.
    pub recipient: UserId,
    /// A former UN clerk, deleted in two steps: deactivated, then his job invalidated.
    pub deactivated: UserId,
    /// The offices.
    pub offices: Offices,
    /// LEADER.GLPI (signing code 1001).
    pub head_glpi: JobId,
    /// JOB.0276 in UN.
    pub job_0276: JobId,
    /// The document system VOPI.
    pub vopi: AppId,
    /// VPP.
    pub vpp: AppId,
    /// The main office's user role GLPI (the `[dist.main]` role).
    pub role_glpi: RoleId,
    /// leader.main (contains VPP.view_all_documents).
    pub leader_main: RoleId,
    /// VOPI's writing role.
    pub vopi_writer: RoleId,
    /// VPP.view_all_documents (14 on every VPP object).
    pub vpp_view_all: RoleId,
    /// VOPI_stranka_fin to LEADER.GLPI, valid from a date after `at`: WAITING.
    pub waiting_grant: GrantId,
    /// GIS_DEMO_run to TOK, valid until a date before `at`: EXPIRED.
    pub expired_grant: GrantId,
    /// `adam.user_admin` to LEADER.GLPI, for the whole organisation.
    pub user_admin_grant: GrantId,
    /// `adam.user_admin` to the UN secretary, scoped to UN.
    pub un_admin_grant: GrantId,
    /// The filing classes with an ACL entry: 478 (real estate) and 011 (the mayor's cabinet).
    pub classes_with_entries: [ClassId; 2],
    /// The folders.
    pub folders: Folders,
    /// The documents.
    pub documents: Documents,
}

impl Demo {
    /// The demo accounts that get an API token at `adam serve --demo`, with a label and the
    /// scopes that fit them (only the service account reads the change feed).
    pub fn token_holders(&self) -> Vec<(&'static str, UserId, Vec<crate::Scope>)> {
        use crate::Scope::{Changes, Check, Read, Write};
        vec![
            ("admin", self.admin, vec![Read, Write, Check]),
            ("user-admin", self.user_admin, vec![Read, Write, Check]),
            ("un-user-admin", self.un_user_admin, vec![Read, Write, Check]),
            ("registry", self.registry_clerk, vec![Read, Write]),
            ("clerk", self.clerk, vec![Read, Write]),
            ("mayor", self.mayor, vec![Read, Write]),
            ("service", self.service, vec![Read, Check, Changes]),
        ]
    }
}

/// Builds the demo organisation in `world` (a fresh `World::new(ORGANISATION)`), as of `at`.
///
/// Setup runs as [`Actor::System`]; the scoped user administrator does the two-step deletion
/// of a former clerk; workflow steps run as the clerks themselves in their jobs.
pub fn build(world: &mut World, at: Timestamp) -> Result<Demo, Error> {
    let mut on = OnWorld { world, at };
    let future = sequence(&mut on, at);
    let mut future = std::pin::pin!(future);
    // The world executes synchronously, so the sequence never waits: one poll completes it.
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::Corrupt(
            "the demo sequence waited on a synchronous world".to_owned(),
        )),
    }
}

/// A fresh world holding the demo organisation as of `at`.
pub fn world(at: Timestamp) -> Result<(World, Demo), Error> {
    let mut world = World::new(Text::parse("organisation", ORGANISATION)?);
    let demo = build(&mut world, at)?;
    Ok((world, demo))
}

/// Loads the demo organisation through the server's write path, as of the server's clock, so
/// every step is stored and audited (application `adam-demo`). Refused when the organisation
/// already has offices or users other than admin accounts: the demo is for an empty
/// installation. An existing `admin` account is kept and used as the demo's.
pub async fn load(state: &AppState) -> Result<Demo, WebError> {
    // The operator's own `admin` account (made by an installation) does not count.
    let occupied = {
        let world = state.world();
        !world.offices().is_empty() || world.users().iter().any(|u| u.kind != AccountKind::Admin)
    };
    if occupied {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "demo-not-empty",
            "the organisation already has offices or users; the demo is loaded only into an empty installation",
        ));
    }
    let at = state.now();
    sequence(&mut OnState { state }, at).await
}

/// "Execute this command as this actor", on a world or through the server.
trait Executor {
    type Error: From<Error>;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, Self::Error>>;
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R;
}

struct OnWorld<'w> {
    world: &'w mut World,
    at: Timestamp,
}

impl Executor for OnWorld<'_> {
    type Error = Error;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, Error>> {
        std::future::ready(self.world.execute(&actor, command, self.at))
    }
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(self.world)
    }
}

struct OnState<'s> {
    state: &'s AppState,
}

impl Executor for OnState<'_> {
    type Error = WebError;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, WebError>> {
        let mut context = self.state.context(actor, None);
        context.application = Some(APPLICATION.to_owned());
        self.state.execute_as(actor, context, command)
    }
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.state.world())
    }
}

// ---- the organisation as data -------------------------------------------------------------

/// Offices: code, name, parent code, signing code.
const OFFICES: &[(&str, &str, Option<&str>, &str)] = &[
    ("GLPI", "Glavna pisarna – sprejemno informacijska služba", None, "1000"),
    ("GLPI_VLO", "Vložišče", Some("GLPI"), "1100"),
    ("JSS_MOK", "Javni stanovanjski sklad MOK", None, "JSS"),
    ("KZUP", "Kabinet župana", None, "KZ"),
    ("TOK", "Turistična organizacija Koper", None, "TOK"),
    ("UN", "Urad za nepremičnine", None, "UN"),
    ("UN_PPZ", "Oddelek za pravno-premoženjske zadeve", Some("UN"), "UN-PPZ"),
];

/// Regular jobs: job id, signing code, name, office code.
const JOBS: &[(&str, &str, &str, &str)] = &[
    ("JOB.0101", "1002", "Referent za sprejem pošte", "GLPI"),
    ("JOB.0110", "1101", "Vložničar", "GLPI_VLO"),
    ("JOB.0501", "JSS-1", "Referent za stanovanjske zadeve", "JSS_MOK"),
    ("JOB.ZUPAN", "KZ-1", "Župan", "KZUP"),
    ("JOB.0301", "KZ-2", "Svetovalec župana", "KZUP"),
    ("JOB.0401", "TOK-1", "Referent za turizem", "TOK"),
    ("JOB.0276", "UN-1", "Višji svetovalec za nepremičnine", "UN"),
    ("JOB.0277", "UN-2", "Referent za nepremičnine", "UN"),
    ("JOB.0278", "UN-3", "Referent za najemnine", "UN"),
    ("JOB.0280", "UN-PPZ-1", "Pravnik za premoženjske zadeve", "UN_PPZ"),
];

/// Staff: username, title, first name, last name, gender, phone, job ids.
type Staff = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    Gender,
    &'static str,
    &'static [&'static str],
);

// One person per line reads as the staff list it is.
#[rustfmt::skip]
const STAFF: &[Staff] = &[
    ("vopiglpi01", Some("mag."), "Mojca", "Kocjančič", Gender::Female, "05 664 61 01", &["LEADER.GLPI"]),
    ("vopiglpi02", None, "Tina", "Vatovec", Gender::Female, "05 664 61 02", &["TAJNISTVO.GLPI", "TAJNISTVO.KZUP"]),
    ("vopiglpi03", None, "Marko", "Pobega", Gender::Male, "05 664 61 03", &["JOB.0101"]),
    ("vopiglpi04", None, "Petra", "Šavron", Gender::Female, "05 664 61 04", &["JOB.0110"]),
    ("vopijss01", None, "Damjan", "Štrukelj", Gender::Male, "05 664 62 01", &["LEADER.JSS_MOK"]),
    ("vopijss02", None, "Eva", "Klabjan", Gender::Female, "05 664 62 02", &["JOB.0501"]),
    ("vopikzup01", Some("dr."), "Tomaž", "Furlanič", Gender::Male, "05 664 63 01", &["JOB.ZUPAN"]),
    ("vopikzup02", None, "Irena", "Sabadin", Gender::Female, "05 664 63 02", &["JOB.0301"]),
    ("vopikzup03", None, "Gregor", "Zupančič", Gender::Male, "05 664 63 03", &["LEADER.KZUP"]),
    ("vopitok01", None, "Martina", "Pahor", Gender::Female, "05 664 64 01", &["LEADER.TOK"]),
    ("vopitok02", None, "Luka", "Babič", Gender::Male, "05 664 64 02", &["JOB.0401"]),
    ("vopiun01", Some("univ.dipl.prav."), "Boris", "Pečar", Gender::Male, "05 664 65 01", &["LEADER.UN"]),
    ("vopiun02", None, "Nataša", "Kralj", Gender::Female, "05 664 65 02", &["TAJNISTVO.UN"]),
    ("vopiun03", None, "Alja", "Zorman", Gender::Female, "05 664 65 03", &["JOB.0276"]),
    ("vopiun04", None, "Rok", "Grlj", Gender::Male, "05 664 65 04", &["JOB.0277"]),
    ("vopiun05", None, "Sara", "Kozlovič", Gender::Female, "05 664 65 05", &["JOB.0280"]),
    ("vopiun06", None, "Jure", "Mahnič", Gender::Male, "05 664 65 06", &["JOB.0278"]),
];

/// Applications: code, name.
const APPLICATIONS: &[(&str, &str)] = &[
    ("VOPI", "VOPI – dokumentni sistem (vodenje postopkov in dokumentov)"),
    ("VPP", "VPP – pregled dokumentov prostorskega planiranja"),
    ("DAPA", "DAPA – arhiv dokumentov"),
    ("FPR", "FPR – pregled računov"),
    ("GIS", "GIS – geografski informacijski sistem"),
    ("VIP", "VIP – informacije javnega značaja"),
    ("VVP", "VVP – vloge in pobude"),
];

/// Application roles: code, application, description, application-wide level. The
/// descriptions of DAPA and FPR are the seed's own.
#[rustfmt::skip]
const APPLICATION_ROLES: &[(&str, &str, &str, Option<Level>)] = &[
    ("DAPA_ADMIN", "DAPA", "Vse ostale role in opravila editiranja podatkov", None),
    ("DAPA_LEVEL_A", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem B in A", None),
    ("DAPA_LEVEL_B", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem B (filedata.xml atribut securitylevel)", None),
    ("DAPA_LEVEL_S", "DAPA", "Dovoli vpogled dokumentov, ki so zaščiteni z nivojem S, A in B (strogo zaupno)", None),
    ("DAPA_run", "DAPA", "Zagon aplikacije DAPA", None),
    ("FPR.view_all_documents", "FPR", "Pregled vseh računov in postavk", Some(Level::View14)),
    ("GIS_BASIC_run", "GIS", "Pregledovalnik GIS – osnovni sloji", None),
    ("GIS_DEMO_run", "GIS", "Pregledovalnik GIS – predstavitveni sloji", None),
    ("GIS_OBALA_run", "GIS", "Pregledovalnik GIS – obala", None),
    ("GIS_OU_run", "GIS", "Pregledovalnik GIS – občinska uprava", None),
    ("GIS_PNRP_run", "GIS", "Pregledovalnik GIS – plan namenske rabe prostora", None),
    ("GIS_REPO_ZU_run", "GIS", "Pregledovalnik GIS – register zemljišč", None),
    ("GIS_UN_run", "GIS", "Pregledovalnik GIS – Urad za nepremičnine", None),
    ("GIS_UOP_run", "GIS", "Pregledovalnik GIS – urejanje in oskrba prostora", None),
    ("GIS_MOK_PROJEKTI_run", "GIS", "Predvideni projekti v MOK", None),
    ("VOPI_stranka_fin", "VOPI", "Vpogled v finančne podatke stranke", None),
    ("VOPI.write", "VOPI", "Pisanje: odpiranje map in dodajanje dokumentov v VOPI", None),
    ("VOPI/GLPI", "VOPI", "VOPI – delo glavne pisarne (evidentiranje in razdeljevanje pošte)", None),
    ("VIP/GLPI", "VIP", "VIP – delo glavne pisarne", None),
    ("VVP/GLPI", "VVP", "VVP – delo glavne pisarne", None),
    ("VPP.view_all_documents", "VPP", "Celoten vpogled v vse dokumente v sistemu VPP", Some(Level::View14)),
    ("VPP.write", "VPP", "Pisanje: odpiranje map in dodajanje dokumentov v VPP", None),
];

/// User roles, each after the roles it contains: code, description, members. The chain
/// Vodja glavne pisarne → Glavna pisarna → Referenti → VOPI.write is four roles deep.
#[rustfmt::skip]
const USER_ROLES: &[(&str, &str, &[&str])] = &[
    ("GLPI", "Glavna pisarna: VOPI, VIP in VVP", &["VOPI/GLPI", "VIP/GLPI", "VVP/GLPI"]),
    ("leader.main", "Rola uporabnikov v vodstvu organizacije (župan, direktor, ...)", &["VPP.view_all_documents"]),
    ("VOPI/Referenti", "Referenti: pisanje v VOPI in zagon DAPA", &["VOPI.write", "DAPA_run"]),
    ("VOPI/Glavna pisarna", "Delavci v glavni pisarni", &["GLPI", "VOPI/Referenti"]),
    ("VOPI/Vodja glavne pisarne", "Vodja glavne pisarne", &["VOPI/Glavna pisarna", "DAPA_ADMIN"]),
];

fn text(value: &str) -> Result<Text, Error> {
    Text::parse("text", value)
}

/// `Kocjančič` → `kocjancic`, for invented e-mail addresses.
fn ascii_lower(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'č' | 'Č' | 'ć' | 'Ć' => 'c',
            'š' | 'Š' => 's',
            'ž' | 'Ž' => 'z',
            'đ' | 'Đ' => 'd',
            other => other.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The start of the day `at` falls in, `days` days later: grant windows are entered as dates.
fn day(at: Timestamp, days: i64) -> Timestamp {
    Timestamp(at.0.div_euclid(86_400) * 86_400).plus_days(days)
}

fn pick<T>(plan: &Plan, f: impl Fn(Created) -> Option<T>) -> Result<T, Error> {
    plan.created
        .and_then(f)
        .ok_or_else(|| Error::Corrupt(format!("{} reported {:?} as created", plan.action, plan.created)))
}

/// The steps of the sequence, over any executor.
struct Steps<'x, X> {
    x: &'x mut X,
}

impl<X: Executor> Steps<'_, X> {
    async fn sys(&mut self, command: Command) -> Result<Plan, X::Error> {
        self.x.run(Actor::System, command).await
    }

    fn job(&self, code: &str) -> Result<JobId, Error> {
        self.x.read(|w| w.job_by_code(code))
    }

    fn office(&self, code: &str) -> Result<OfficeId, Error> {
        self.x.read(|w| w.office_by_code(code))
    }

    fn role(&self, code: &str) -> Result<RoleId, Error> {
        self.x.read(|w| w.role_by_code(code))
    }

    fn user(&self, username: &str) -> Result<UserId, Error> {
        self.x.read(|w| w.user_by_username(username))
    }

    async fn grant(
        &mut self,
        actor: Actor,
        role: &str,
        grantee: Grantee,
        window: Window,
        scope: Option<OfficeId>,
        reference: Option<&str>,
    ) -> Result<GrantId, X::Error> {
        let command = Command::Grant {
            role: self.role(role)?,
            grantee,
            window,
            scope,
            reference: reference.map(text).transpose()?,
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan, |c| match c {
            Created::Grant(id) => Some(id),
            _ => None,
        })?)
    }

    async fn always(&mut self, role: &str, grantee: Grantee) -> Result<GrantId, X::Error> {
        self.grant(Actor::System, role, grantee, Window::ALWAYS, None, None)
            .await
    }

    async fn folder(
        &mut self,
        actor: Actor,
        app: AppId,
        class: &str,
        title: &str,
        z: SecurityClass,
    ) -> Result<FolderId, X::Error> {
        let class = self.x.read(|w| w.class_by_code(class))?;
        let command = Command::NewFolder {
            app,
            class,
            title: text(title)?,
            classification: Classification::confidential(z),
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan, |c| match c {
            Created::Folder(id) => Some(id),
            _ => None,
        })?)
    }

    async fn document(
        &mut self,
        actor: Actor,
        folder: FolderId,
        title: &str,
        z: SecurityClass,
    ) -> Result<DocumentId, X::Error> {
        let command = Command::NewDocument {
            folder,
            title: text(title)?,
            classification: Classification::confidential(z),
        };
        let plan = self.x.run(actor, command).await?;
        Ok(pick(&plan, |c| match c {
            Created::Document(id) => Some(id),
            _ => None,
        })?)
    }

    async fn act(&mut self, actor: Actor, command: Command) -> Result<(), X::Error> {
        self.x.run(actor, command).await.map(drop)
    }
}

/// A person acting in their (first) job, with a second factor.
fn in_job(user: UserId, jobs: &[JobId]) -> Actor {
    match jobs.first() {
        Some(job) => Actor::in_job(user, *job),
        None => Actor::user(user),
    }
}

/// The whole demo, as one sequence of commands.
async fn sequence<X: Executor>(x: &mut X, at: Timestamp) -> Result<Demo, X::Error> {
    let mut s = Steps { x };

    // -- the system: built-in roles, applications and their roles, settings ---------------
    if s.role(SystemPower::UserAdmin.code()).is_err() {
        s.sys(Command::Initialise).await?;
    }
    let mut apps = Vec::new();
    for (code, name) in APPLICATIONS {
        let plan = s
            .sys(Command::CreateApplication {
                code: Code::parse("code", code)?,
                name: text(name)?,
            })
            .await?;
        let id = pick(&plan, |c| match c {
            Created::Application(id) => Some(id),
            _ => None,
        })?;
        apps.push((*code, id));
    }
    let app = |code: &str| -> Result<AppId, Error> {
        apps.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, id)| *id)
            .ok_or_else(|| Error::UnknownCode {
                kind: "application",
                code: code.to_owned(),
            })
    };
    for (code, app_code, description, object_level) in APPLICATION_ROLES {
        s.sys(Command::CreateRole {
            code: RoleCode::parse("code", code)?,
            kind: RoleKind::Application,
            app: Some(app(app_code)?),
            description: text(description)?,
            object_level: *object_level,
            members: Vec::new(),
        })
        .await?;
    }
    for (code, description, members) in USER_ROLES {
        let members = members.iter().map(|m| s.role(m)).collect::<Result<Vec<_>, _>>()?;
        let app = if code.starts_with("VOPI/") {
            Some(app("VOPI")?)
        } else {
            None
        };
        s.sys(Command::CreateRole {
            code: RoleCode::parse("code", code)?,
            kind: RoleKind::User,
            app,
            description: text(description)?,
            object_level: None,
            members,
        })
        .await?;
    }
    let (vopi, vpp) = (app("VOPI")?, app("VPP")?);
    for (app, name, writer) in [(vopi, "VOPI", "VOPI.write"), (vpp, "VPP", "VPP.write")] {
        let name = APPLICATIONS.iter().find(|(c, _)| *c == name).map_or(name, |(_, n)| *n);
        s.sys(Command::UpdateApplication {
            app,
            name: text(name)?,
            writer_role: Some(s.role(writer)?),
        })
        .await?;
    }
    let mut settings = s.x.read(|w| w.settings().clone());
    settings.dist_main_role = Some(s.role("GLPI")?);
    settings.clearance_roles = [
        Some(s.role("DAPA_LEVEL_B")?),
        Some(s.role("DAPA_LEVEL_A")?),
        Some(s.role("DAPA_LEVEL_S")?),
    ];
    s.sys(Command::SetSettings { settings }).await?;

    // -- the directory: offices (with their heads and secretariats), jobs, people ----------
    for (code, name, parent, signing) in OFFICES {
        let parent = parent.map(|p| s.office(p)).transpose()?;
        s.sys(Command::CreateOffice {
            code: Code::parse("code", code)?,
            name: text(name)?,
            parent,
            signing_code: Some(SigningCode::parse("signing_code", signing)?),
        })
        .await?;
    }
    let offices = Offices {
        glpi: s.office("GLPI")?,
        glpi_registry: s.office("GLPI_VLO")?,
        jss: s.office("JSS_MOK")?,
        kzup: s.office("KZUP")?,
        tok: s.office("TOK")?,
        un: s.office("UN")?,
        un_property: s.office("UN_PPZ")?,
    };
    // As in the screenshot: LEADER.GLPI carries the signing code 1001.
    let head_glpi = s.job("LEADER.GLPI")?;
    s.sys(Command::UpdateJob {
        job: head_glpi,
        signing_code: Some(SigningCode::parse("signing_code", "1001")?),
        name: text("LEADER.GLPI")?,
        office: offices.glpi,
    })
    .await?;
    // As in the "Uporabniki" tree: the UN secretariat under its own name.
    s.sys(Command::UpdateJob {
        job: s.job("TAJNISTVO.UN")?,
        signing_code: Some(SigningCode::parse("signing_code", "UN-T")?),
        name: text("Tajništvo urada za nepremičnine")?,
        office: offices.un,
    })
    .await?;
    for (code, signing, name, office) in JOBS {
        s.sys(Command::CreateJob {
            code: JobCode::parse("code", code)?,
            signing_code: Some(SigningCode::parse("signing_code", signing)?),
            name: text(name)?,
            office: s.office(office)?,
        })
        .await?;
    }
    for (username, title, first, last, gender, phone, jobs) in STAFF {
        let jobs = jobs.iter().map(|j| s.job(j)).collect::<Result<Vec<_>, _>>()?;
        s.sys(Command::CreateUser {
            username: Username::parse("username", username)?,
            kind: AccountKind::User,
            title: title.map(text).transpose()?,
            first_name: text(first)?,
            last_name: text(last)?,
            gender: *gender,
            email: Email::parse(
                "email",
                &format!("{}.{}@koper.example", ascii_lower(first), ascii_lower(last)),
            )?,
            phone: Some(Phone::parse("phone", phone)?),
            jobs,
        })
        .await?;
    }
    // An installation may already have made the operator's `admin` account; it is kept.
    if s.user("admin").is_err() {
        s.sys(Command::CreateUser {
            username: Username::parse("username", "admin")?,
            kind: AccountKind::Admin,
            title: None,
            first_name: text("Sistemski")?,
            last_name: text("Administrator")?,
            gender: Gender::Unspecified,
            email: Email::parse("email", "operativa@3port.example")?,
            phone: Some(Phone::parse("phone", "05 611 7000")?),
            jobs: Vec::new(),
        })
        .await?;
    }
    s.sys(Command::CreateUser {
        username: Username::parse("username", "svc-vopi")?,
        kind: AccountKind::SystemUser,
        title: None,
        first_name: text("VOPI")?,
        last_name: text("Zaledna obdelava")?,
        gender: Gender::Unspecified,
        email: Email::parse("email", "vopi-batch@3port.example")?,
        phone: None,
        jobs: Vec::new(),
    })
    .await?;

    // -- grants: to everyone, offices, jobs and users; with windows in every status --------
    let everyone = Grantee::Everyone;
    s.always("DAPA_LEVEL_B", everyone).await?;
    s.always("GIS_BASIC_run", everyone).await?;
    s.always("DAPA_run", everyone).await?;
    s.always("VOPI/Glavna pisarna", Grantee::Office(offices.glpi)).await?;
    for office in [offices.un, offices.kzup, offices.tok, offices.jss] {
        s.always("VOPI/Referenti", Grantee::Office(office)).await?;
    }
    s.always("VPP.write", Grantee::Office(offices.un)).await?;
    s.always("VPP.write", Grantee::Office(offices.kzup)).await?;
    s.always("GIS_UN_run", Grantee::Office(offices.un)).await?;
    s.always("GIS_PNRP_run", Grantee::Office(offices.un)).await?;
    s.always("GIS_REPO_ZU_run", Grantee::Office(offices.un_property))
        .await?;
    s.always("GIS_OBALA_run", Grantee::Office(offices.tok)).await?;
    s.always("GIS_OU_run", Grantee::Office(offices.jss)).await?;
    s.always("GIS_UOP_run", Grantee::Office(offices.glpi)).await?;

    let job_zupan = s.job("JOB.ZUPAN")?;
    let job_0276 = s.job("JOB.0276")?;
    s.always("VOPI/Vodja glavne pisarne", Grantee::Job(head_glpi)).await?;
    s.always("DAPA_LEVEL_A", Grantee::Job(head_glpi)).await?;
    s.always("leader.main", Grantee::Job(job_zupan)).await?;
    s.always("DAPA_LEVEL_S", Grantee::Job(job_zupan)).await?;
    s.always("GIS_MOK_PROJEKTI_run", Grantee::Job(job_zupan)).await?;
    s.always("leader.main", Grantee::Job(s.job("LEADER.KZUP")?)).await?;
    s.always("DAPA_LEVEL_A", Grantee::Job(s.job("LEADER.KZUP")?)).await?;
    s.always("DAPA_LEVEL_A", Grantee::Job(s.job("LEADER.UN")?)).await?;
    s.always("DAPA_LEVEL_A", Grantee::Job(job_0276)).await?;
    s.always("FPR.view_all_documents", Grantee::Job(s.job("LEADER.JSS_MOK")?))
        .await?;
    s.always("DAPA_ADMIN", Grantee::User(s.user("svc-vopi")?)).await?;

    // The seed's "Dodatne omejitve dovoljenj": VOPI_stranka_fin for LEADER.GLPI, WAITING.
    let waiting_grant = s
        .grant(
            Actor::System,
            "VOPI_stranka_fin",
            Grantee::Job(head_glpi),
            Window::new(Some(day(at, 30)), None)?,
            None,
            Some("Zahtevek GLPI 2/2026 – vpogled v finančne podatke strank od naslednjega meseca"),
        )
        .await?;
    // A trial of the demo GIS layers that is over: EXPIRED.
    let expired_grant = s
        .grant(
            Actor::System,
            "GIS_DEMO_run",
            Grantee::Office(offices.tok),
            Window::new(Some(day(at, -120)), Some(day(at, -30)))?,
            None,
            Some("Preizkus predstavitvenih slojev GIS"),
        )
        .await?;
    // A time-limited grant still running: ACTIVE until its end.
    s.grant(
        Actor::System,
        "VOPI_stranka_fin",
        Grantee::User(s.user("vopiun05")?),
        Window::new(None, Some(day(at, 60)))?,
        None,
        Some("Nadomeščanje v JSS MOK"),
    )
    .await?;

    // User administrators: the head of the main office for everything, the UN secretary for
    // UN and its sub-office.
    let user_admin_grant = s
        .grant(
            Actor::System,
            SystemPower::UserAdmin.code(),
            Grantee::Job(head_glpi),
            Window::ALWAYS,
            None,
            Some("Sklep župana o imenovanju uporabniškega administratorja"),
        )
        .await?;
    let un_user_admin = s.user("vopiun02")?;
    let un_admin_grant = s
        .grant(
            Actor::System,
            SystemPower::UserAdmin.code(),
            Grantee::User(un_user_admin),
            Window::ALWAYS,
            Some(offices.un),
            Some("Pooblastilo vodje UN"),
        )
        .await?;

    // Deletion in two steps, by the UN user administrator: the clerk who left is deactivated,
    // then his job is invalidated. Both records stay, for the audit trail.
    let deactivated = s.user("vopiun06")?;
    let un_admin_actor = Actor::in_job(un_user_admin, s.job("TAJNISTVO.UN")?);
    s.act(
        un_admin_actor,
        Command::SetUserActive {
            user: deactivated,
            active: false,
        },
    )
    .await?;
    s.act(
        un_admin_actor,
        Command::SetJobValid {
            job: s.job("JOB.0278")?,
            valid: false,
        },
    )
    .await?;

    // -- the filing plan, with class-level entries -------------------------------------------
    for (code, name, parent) in [
        ("010", "Organizacija in delo občinske uprave", None),
        ("011", "Kabinet župana", None),
        ("322", "Turizem", None),
        ("350", "Prostorsko načrtovanje", None),
        ("350-05", "Prostorski akti", Some("350")),
        ("478", "Upravljanje nepremičnin", None),
        ("478-01", "Promet z nepremičninami", Some("478")),
    ] {
        let parent = parent.map(|p| s.x.read(|w| w.class_by_code(p))).transpose()?;
        s.sys(Command::CreateClass {
            code: Code::parse("code", code)?,
            name: text(name)?,
            parent,
        })
        .await?;
    }
    let class_478 = s.x.read(|w| w.class_by_code("478"))?;
    let class_011 = s.x.read(|w| w.class_by_code("011"))?;
    // The real-estate office sees every real-estate file with its detailed lists.
    s.sys(Command::AddEntry {
        carrier: Carrier::Class(class_478),
        kind: AclKind::Allowed,
        entity: Entity::Office(offices.un),
        value: Level::View13,
        group_value: None,
        window: Window::ALWAYS,
    })
    .await?;
    // The leadership sees the cabinet's files (as far as their clearance reaches).
    s.sys(Command::AddEntry {
        carrier: Carrier::Class(class_011),
        kind: AclKind::Allowed,
        entity: Entity::Role(s.role("leader.main")?),
        value: Level::View14,
        group_value: Some(Level::None),
        window: Window::ALWAYS,
    })
    .await?;

    // -- records in mid-workflow, made by the people who would make them --------------------
    let person = |s: &Steps<'_, X>, username: &str| -> Result<(UserId, Actor), Error> {
        let user = s.user(username)?;
        let jobs = s.x.read(|w| w.user(user).map(|u| u.jobs.clone()))?;
        Ok((user, in_job(user, &jobs)))
    };
    let (un_clerk, rok) = person(&s, "vopiun04")?;
    let (recipient, alja) = person(&s, "vopiun03")?;
    let (_, sara) = person(&s, "vopiun05")?;
    let (registry_clerk, marko) = person(&s, "vopiglpi03")?;
    let (user_admin, mojca) = person(&s, "vopiglpi01")?;
    let (_, irena) = person(&s, "vopikzup02")?;
    let (clerk, luka) = person(&s, "vopitok02")?;
    let (mayor, tomaz) = person(&s, "vopikzup01")?;
    let (z0, z1, z2, z3) = (
        SecurityClass::NONE,
        SecurityClass::ONE,
        SecurityClass::TWO,
        SecurityClass::THREE,
    );

    // A land sale: the clerk opens the file, adds two documents, hands one to the senior
    // adviser (accepted) and one to property law (rejected), and notifies property law.
    let land_sale = s
        .folder(
            rok,
            vopi,
            "478-01",
            "Prodaja zemljišča parc. št. 1234/5, k.o. Koper",
            z0,
        )
        .await?;
    let purchase_request = s.document(rok, land_sale, "Vloga za odkup zemljišča", z0).await?;
    let land_register_extract = s.document(rok, land_sale, "Zemljiškoknjižni izpisek", z0).await?;
    let job_0280 = s.job("JOB.0280")?;
    let purchase = ObjectRef::Document(purchase_request);
    let extract = ObjectRef::Document(land_register_extract);
    s.act(
        rok,
        Command::HandOver {
            object: purchase,
            to: job_0276,
        },
    )
    .await?;
    s.act(alja, Command::Accept { object: purchase }).await?;
    s.act(
        rok,
        Command::HandOver {
            object: extract,
            to: job_0280,
        },
    )
    .await?;
    s.act(sara, Command::Reject { object: extract }).await?;
    s.act(
        rok,
        Command::Notify {
            object: ObjectRef::Folder(land_sale),
            jobs: vec![job_0280],
            users: Vec::new(),
        },
    )
    .await?;

    // An expropriation (Z2): the senior adviser hands the file to the head of UN, who has not
    // accepted it yet.
    let expropriation = s
        .folder(
            alja,
            vopi,
            "478-01",
            "Razlastitev za gradnjo kolesarske poti – cenitve",
            z2,
        )
        .await?;
    let valuation = s.document(alja, expropriation, "Cenilno poročilo", z2).await?;
    s.act(
        alja,
        Command::HandOver {
            object: ObjectRef::Folder(expropriation),
            to: s.job("LEADER.UN")?,
        },
    )
    .await?;

    // A letter from a ministry (Z1), registered by the main office, passed to the cabinet,
    // accepted and closed there.
    let ministry_letter = s
        .folder(
            marko,
            vopi,
            "010",
            "Dopis ministrstva za javno upravo – poročanje 2026",
            z1,
        )
        .await?;
    let ministry_letter_doc = s
        .document(marko, ministry_letter, "Dopis MJU št. 0100-12/2026", z1)
        .await?;
    let folder = ObjectRef::Folder(ministry_letter);
    s.act(
        marko,
        Command::HandOver {
            object: folder,
            to: s.job("JOB.0301")?,
        },
    )
    .await?;
    s.act(irena, Command::Accept { object: folder }).await?;
    s.act(irena, Command::Close { object: folder }).await?;

    // A spatial plan in VPP (Z1): closed by the UN clerk, reopened by the main office.
    let spatial_plan = s
        .folder(rok, vpp, "350-05", "OPPN Žusterna – predvideni projekti", z1)
        .await?;
    let plan_draft = s.document(rok, spatial_plan, "Osnutek odloka o OPPN", z1).await?;
    let folder = ObjectRef::Folder(spatial_plan);
    s.act(rok, Command::Close { object: folder }).await?;
    s.act(mojca, Command::Reopen { object: folder }).await?;

    // The tourist tax: the tourist office closes its yearly report.
    let tourist_tax = s.folder(luka, vopi, "322", "Turistična taksa 2025", z0).await?;
    let tourist_tax_report = s
        .document(luka, tourist_tax, "Poročilo o pobrani turistični taksi 2025", z0)
        .await?;
    s.act(
        luka,
        Command::Close {
            object: ObjectRef::Document(tourist_tax_report),
        },
    )
    .await?;

    // The mayor's own file (Z3): only a cleared person with a second factor sees it.
    let security_assessment = s
        .folder(tomaz, vopi, "011", "Ocena varnostnih tveganj občine", z3)
        .await?;
    let protection_plan = s
        .document(tomaz, security_assessment, "Načrt zaščite kritične infrastrukture", z3)
        .await?;

    Ok(Demo {
        at,
        admin: s.user("admin")?,
        service: s.user("svc-vopi")?,
        user_admin,
        un_user_admin,
        mayor,
        registry_clerk,
        clerk,
        un_clerk,
        recipient,
        deactivated,
        offices,
        head_glpi,
        job_0276,
        vopi,
        vpp,
        role_glpi: s.role("GLPI")?,
        leader_main: s.role("leader.main")?,
        vopi_writer: s.role("VOPI.write")?,
        vpp_view_all: s.role("VPP.view_all_documents")?,
        waiting_grant,
        expired_grant,
        user_admin_grant,
        un_admin_grant,
        classes_with_entries: [class_478, class_011],
        folders: Folders {
            land_sale,
            expropriation,
            ministry_letter,
            spatial_plan,
            tourist_tax,
            security_assessment,
        },
        documents: Documents {
            purchase_request,
            land_register_extract,
            valuation,
            ministry_letter: ministry_letter_doc,
            plan_draft,
            tourist_tax_report,
            protection_plan,
        },
    })
}

/// Helpers shared by the tests of this crate's modules: a fingerprint of a world and a real
/// SQLite store in a temporary directory.
#[cfg(test)]
pub(crate) mod testing {
    use adam_core::{Text, World};
    use adam_store::{AuditRecord, Keyring, SqliteStore, Store, StoreError};

    /// Everything a world holds, as JSON: two worlds with the same fingerprint are the same.
    pub(crate) fn fingerprint(w: &World) -> String {
        let grants: Vec<_> = w.grants().collect();
        let classes: Vec<_> = w.classes().collect();
        let folders: Vec<_> = w.folders().collect();
        let documents: Vec<_> = w.documents().collect();
        let entries: Vec<_> = w.entries().collect();
        serde_json::to_string(&(
            w.revision(),
            w.settings(),
            w.offices(),
            w.jobs(),
            w.users(),
            w.groups(),
            w.applications(),
            w.roles(),
            grants,
            classes,
            folders,
            documents,
            entries,
        ))
        .unwrap_or_default()
    }

    /// A real SQLite store in a temporary directory, kept alive as long as the tests use it.
    pub(crate) struct TestStore {
        store: std::sync::Arc<dyn Store>,
        _dir: tempfile::TempDir,
    }

    impl TestStore {
        /// Loads the world as a cold start would.
        pub(crate) fn load(&self) -> Result<World, StoreError> {
            self.store.load()
        }

        /// The latest committed revision.
        pub(crate) fn latest_revision(&self) -> Result<adam_core::Revision, StoreError> {
            self.store.latest_revision()
        }

        /// The whole audit trail.
        pub(crate) fn audit(&self) -> Vec<AuditRecord> {
            self.store.audit_since(0, usize::MAX).unwrap()
        }
    }

    /// A server state over a fresh SQLite store, its clock set to `at`.
    pub(crate) fn state(at: adam_core::Timestamp) -> (crate::AppState, std::sync::Arc<TestStore>) {
        let dir = tempfile::tempdir().unwrap();
        let keys = std::sync::Arc::new(Keyring::open(dir.path().join("audit-keys")).unwrap());
        let store: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(SqliteStore::open(dir.path().join("adam.db"), keys).unwrap());
        store
            .initialise(&Text::parse("organisation", super::ORGANISATION).unwrap())
            .unwrap();
        let state = crate::AppState::open(
            store.clone(),
            crate::Clock::Manual(std::sync::atomic::AtomicI64::new(at.0)),
            crate::Config::default(),
        )
        .unwrap();
        (state, std::sync::Arc::new(TestStore { store, _dir: dir }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use adam_core::{Authority, ObjectState, Rule, Session, Source, WindowStatus};

    fn at() -> Timestamp {
        Timestamp::parse("2026-03-02T09:00:00Z").unwrap()
    }

    fn demo() -> (World, Demo) {
        world(at()).unwrap()
    }

    fn objects(w: &World) -> Vec<ObjectRef> {
        let folders = w.folders().map(|f| ObjectRef::Folder(f.id));
        folders
            .chain(w.documents().map(|d| ObjectRef::Document(d.id)))
            .collect()
    }

    #[test]
    fn the_demo_builds_in_a_fresh_world() {
        let (w, demo) = demo();
        assert_eq!(w.settings().organisation.as_str(), ORGANISATION);
        assert_eq!(w.offices().len(), 7);
        assert!(w.users().len() >= 19);
        assert_eq!(w.settings().dist_main_role, Some(demo.role_glpi));
        println!(
            "demo at r{}: {} offices, {} jobs, {} users, {} roles, {} grants, {} folders, {} documents, {} entries",
            w.revision().0,
            w.offices().len(),
            w.jobs().len(),
            w.users().len(),
            w.roles().len(),
            w.grants().count(),
            w.folder_count(),
            w.document_count(),
            w.entry_count()
        );
        let admin = w.user(demo.admin).unwrap();
        assert_eq!((admin.username.as_str(), admin.kind), ("admin", AccountKind::Admin));
        assert_eq!(w.user(demo.service).unwrap().kind, AccountKind::SystemUser);
        // Building twice into the same world is refused, not duplicated.
        let mut again = w.clone();
        assert!(matches!(build(&mut again, at()), Err(Error::DuplicateCode { .. })));
    }

    #[test]
    fn every_office_has_its_head_and_secretariat() {
        let (w, demo) = demo();
        for office in w.offices() {
            let jobs: Vec<_> = w.office_jobs(office.id).iter().map(|j| w.job(*j).unwrap()).collect();
            let head = format!("LEADER.{}", office.code);
            let secretariat = format!("TAJNISTVO.{}", office.code);
            assert!(
                jobs.iter()
                    .any(|j| j.code.as_str() == head && j.kind == adam_core::JobKind::Head),
                "{} has no head",
                office.code
            );
            assert!(
                jobs.iter()
                    .any(|j| j.code.as_str() == secretariat && j.kind == adam_core::JobKind::Secretariat),
                "{} has no secretariat",
                office.code
            );
        }
        let glpi = w.office(demo.offices.glpi).unwrap();
        assert_eq!(glpi.signing_code.as_ref().map(|s| s.as_str()), Some("1000"));
        let head = w.job(demo.head_glpi).unwrap();
        assert_eq!(head.code.as_str(), "LEADER.GLPI");
        assert_eq!(head.signing_code.as_ref().map(|s| s.as_str()), Some("1001"));
        assert_eq!(w.job_label(head), "1001 - LEADER.GLPI");
        assert_eq!(w.job_occupants(demo.head_glpi), &[demo.user_admin]);
        assert_eq!(
            w.office(demo.offices.un_property).unwrap().parent,
            Some(demo.offices.un)
        );
    }

    #[test]
    fn the_role_graph_is_at_least_three_deep() {
        fn depth(w: &World, role: RoleId) -> usize {
            1 + w
                .role(role)
                .unwrap()
                .members
                .iter()
                .map(|m| depth(w, *m))
                .max()
                .unwrap_or(0)
        }
        let (w, demo) = demo();
        let deepest = w.roles().iter().map(|r| depth(&w, r.id)).max().unwrap();
        assert!(deepest >= 4, "the deepest chain has {deepest} roles");
        let glpi = w.role(demo.role_glpi).unwrap();
        let mut members: Vec<_> = glpi
            .members
            .iter()
            .map(|m| w.role(*m).unwrap().code.to_string())
            .collect();
        members.sort();
        assert_eq!(members, ["VIP/GLPI", "VOPI/GLPI", "VVP/GLPI"]);
        assert_eq!(w.role(demo.leader_main).unwrap().members, vec![demo.vpp_view_all]);
        let vopi = w.application(demo.vopi).unwrap();
        assert_eq!(vopi.writer_role, Some(demo.vopi_writer));
        let fpr = w.role_by_code("FPR.view_all_documents").unwrap();
        assert_eq!(w.role(fpr).unwrap().object_level, Some(Level::View14));
        // The head of the main office holds VOPI's writing role four levels down.
        assert!(w.check_role(demo.user_admin, demo.vopi_writer, at()).unwrap().is_some());
    }

    #[test]
    fn grants_are_waiting_active_and_expired_at_the_build_instant() {
        let (w, demo) = demo();
        let status = |g: GrantId| w.grant(g).unwrap().window.status(demo.at);
        assert_eq!(status(demo.waiting_grant), WindowStatus::Waiting);
        assert_eq!(status(demo.expired_grant), WindowStatus::Expired);
        let waiting = w.grant(demo.waiting_grant).unwrap();
        assert_eq!(w.role(waiting.role).unwrap().code.as_str(), "VOPI_stranka_fin");
        assert_eq!(waiting.grantee, Grantee::Job(demo.head_glpi));
        let windowed_active = w
            .grants()
            .any(|g| !g.window.is_always() && g.window.status(demo.at) == WindowStatus::Active);
        assert!(windowed_active);
        let stranka_fin = waiting.role;
        assert!(w.check_role(demo.user_admin, stranka_fin, demo.at).unwrap().is_none());
        assert!(
            w.check_role(demo.user_admin, stranka_fin, demo.at.plus_days(31))
                .unwrap()
                .is_some()
        );
        // Grants reach users, jobs, offices and everyone.
        let kinds: std::collections::BTreeSet<&str> = w
            .grants()
            .map(|g| match g.grantee {
                Grantee::User(_) => "user",
                Grantee::Job(_) => "job",
                Grantee::Office(_) => "office",
                Grantee::Everyone => "everyone",
            })
            .collect();
        assert_eq!(kinds.len(), 4);
    }

    #[test]
    fn folders_span_every_secrecy_level_and_several_workflow_states() {
        let (w, demo) = demo();
        let levels: std::collections::BTreeSet<u8> = w.folders().map(|f| f.classification.z.value()).collect();
        assert_eq!(levels.into_iter().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        let states: std::collections::HashSet<ObjectState> = w
            .folders()
            .map(|f| f.workflow.state)
            .chain(w.documents().map(|d| d.workflow.state))
            .collect();
        assert_eq!(states.len(), 3);
        let f = &demo.folders;
        let state = |id: FolderId| w.folder(id).unwrap().workflow.state;
        assert_eq!(state(f.expropriation), ObjectState::HandedOver);
        assert_eq!(state(f.ministry_letter), ObjectState::Closed);
        assert_eq!(state(f.spatial_plan), ObjectState::Open);
        let doc = w.document(demo.documents.land_register_extract).unwrap();
        assert_eq!((doc.workflow.state, doc.workflow.recipient), (ObjectState::Open, None));
        // Class-level entries exist, and the notified job got 14 on the land-sale folder.
        for class in demo.classes_with_entries {
            assert!(!w.acl(Carrier::Class(class)).unwrap().is_empty());
        }
        let notified = w.job_by_code("JOB.0280").unwrap();
        assert!(
            w.acl(Carrier::Folder(f.land_sale))
                .unwrap()
                .iter()
                .any(|e| e.entity == Entity::Job(notified) && e.kind == AclKind::Allowed && e.value == Level::View14)
        );
    }

    #[test]
    fn after_an_accept_only_the_responsible_may_edit() {
        let (w, demo) = demo();
        let doc = w.document(demo.documents.purchase_request).unwrap();
        assert_eq!(doc.workflow.responsible, Some(demo.job_0276));
        assert_eq!(doc.workflow.sender, w.job_by_code("JOB.0277").ok());
        let acl = w.acl(Carrier::Document(doc.id)).unwrap();
        assert!(
            acl.iter()
                .filter(|e| e.is_edit_level())
                .all(|e| e.entity == Entity::Responsible)
        );
        let mut entries: Vec<String> = acl.iter().map(ToString::to_string).collect();
        entries.sort();
        assert_eq!(
            entries,
            [
                "allowed [responsible] 22 14",
                "allowed [sender] 14 14",
                "maxAllowed Company.main 14 14",
                "maxAllowed [responsible] 22 14",
            ]
        );
        // The registered letter is read-only for all but the main office.
        let letter = w.acl(Carrier::Document(demo.documents.ministry_letter)).unwrap();
        assert!(
            letter
                .iter()
                .any(|e| e.kind == AclKind::MaxAllowed && e.entity == Entity::DistMain)
        );
    }

    #[test]
    fn decisions_a_records_officer_would_expect() {
        let (w, demo) = demo();
        let (d, f) = (&demo.documents, &demo.folders);
        let level = |u: UserId, o: ObjectRef| w.check(u, o, demo.at, Session::MFA).unwrap();

        // The admin account reaches no folder or document.
        for o in objects(&w) {
            assert_eq!(level(demo.admin, o), Level::None, "{o}");
            let why = w.explain(demo.admin, o, demo.at, Session::MFA).unwrap();
            assert_eq!(why.rule, Some(Rule::AdminAccount));
        }
        // A plain clerk of TOK cannot see the Z2 file of UN: not cleared.
        let expropriation = ObjectRef::Folder(f.expropriation);
        assert_eq!(level(demo.clerk, expropriation), Level::None);
        assert!(matches!(
            w.explain(demo.clerk, expropriation, demo.at, Session::MFA)
                .unwrap()
                .rule,
            Some(Rule::Clearance { .. })
        ));
        // The pending recipient (head of UN) can look before accepting.
        let head_un = w.user_by_username("vopiun01").unwrap();
        assert_eq!(level(head_un, expropriation), Level::Edit21);
        // The recipient of an accepted document has 22 on it; the sender keeps 14.
        assert_eq!(
            level(demo.recipient, ObjectRef::Document(d.purchase_request)),
            Level::Edit22
        );
        assert_eq!(
            level(demo.un_clerk, ObjectRef::Document(d.purchase_request)),
            Level::View14
        );
        // The mayor with leader.main sees VPP documents at 14 through VPP.view_all_documents;
        // a clerk elsewhere sees the Z1 plan at the default view 13.
        let plan = ObjectRef::Document(d.plan_draft);
        assert_eq!(level(demo.mayor, plan), Level::View14);
        let why = w.explain(demo.mayor, plan, demo.at, Session::MFA).unwrap();
        assert!(why.grants.iter().any(|c| matches!(
            c.source,
            Source::ApplicationRole { role, .. } if role == demo.vpp_view_all
        )));
        assert_eq!(level(demo.clerk, plan), Level::View13);
        // The mayor's Z3 file: the mayor with a second factor only.
        let secret = ObjectRef::Folder(f.security_assessment);
        assert_eq!(level(demo.mayor, secret), Level::Edit22);
        assert_eq!(
            w.check(demo.mayor, secret, demo.at, Session::PASSWORD).unwrap(),
            Level::None
        );
        let cabinet_head = w.user_by_username("vopikzup03").unwrap();
        assert_eq!(level(cabinet_head, secret), Level::None);
        // The closed letter is read-only, even for its responsible; the main office's sender
        // keeps 14 and only the main office may reopen it.
        let letter = ObjectRef::Folder(f.ministry_letter);
        let irena = w.user_by_username("vopikzup02").unwrap();
        assert_eq!(level(irena, letter), Level::View14);
        assert_eq!(level(demo.registry_clerk, letter), Level::View14);
        let reopen = Command::Reopen { object: letter };
        assert!(w.plan(&Actor::user(demo.user_admin), reopen.clone(), demo.at).is_ok());
        assert!(matches!(
            w.plan(&Actor::user(irena), reopen, demo.at),
            Err(Error::NotDistMain)
        ));
        // The deactivated clerk reaches nothing.
        assert_eq!(level(demo.deactivated, ObjectRef::Folder(f.land_sale)), Level::None);
        // The UN office sees the real-estate files through the class entry.
        let un_head_on_sale = w
            .explain(head_un, ObjectRef::Folder(f.land_sale), demo.at, Session::MFA)
            .unwrap();
        assert!(un_head_on_sale.level >= Level::View13);
    }

    #[test]
    fn user_administrators_act_within_their_scope() {
        let (w, demo) = demo();
        assert_eq!(
            w.authority(&Actor::user(demo.user_admin), demo.at).unwrap(),
            Authority::UserAdmin(vec![None])
        );
        assert_eq!(
            w.authority(&Actor::user(demo.un_user_admin), demo.at).unwrap(),
            Authority::UserAdmin(vec![Some(demo.offices.un)])
        );
        assert_eq!(
            w.authority(&Actor::user(demo.clerk), demo.at).unwrap(),
            Authority::Browse
        );
        assert_eq!(w.authority(&Actor::user(demo.admin), demo.at).unwrap(), Authority::Full);
        let job = |office| Command::CreateJob {
            code: JobCode::parse("code", "JOB.9999").unwrap(),
            signing_code: None,
            name: text("Novo delovno mesto").unwrap(),
            office,
        };
        let un_admin = Actor::user(demo.un_user_admin);
        assert!(w.plan(&un_admin, job(demo.offices.un_property), demo.at).is_ok());
        assert!(matches!(
            w.plan(&un_admin, job(demo.offices.tok), demo.at),
            Err(Error::OutsideScope(_))
        ));
        assert!(
            w.plan(&Actor::user(demo.user_admin), job(demo.offices.tok), demo.at)
                .is_ok()
        );
        // The two-step deletion left both records in place.
        assert!(!w.user(demo.deactivated).unwrap().active);
        assert!(!w.job(w.job_by_code("JOB.0278").unwrap()).unwrap().valid);
    }

    #[tokio::test]
    async fn loading_keeps_an_admin_account_the_installation_made() {
        let (state, _) = testing::state(at());
        let context = state.context(Actor::System, None);
        let command = Command::CreateUser {
            username: Username::parse("username", "admin").unwrap(),
            kind: AccountKind::Admin,
            title: None,
            first_name: text("Operater").unwrap(),
            last_name: text("Sistema").unwrap(),
            gender: Gender::Unspecified,
            email: Email::parse("email", "admin@3port.example").unwrap(),
            phone: None,
            jobs: Vec::new(),
        };
        let made = state.execute_as(Actor::System, context, command).await.unwrap();
        let demo = load(&state).await.unwrap();
        assert_eq!(made.created, Some(Created::User(demo.admin)));
        assert_eq!(
            state
                .world()
                .users()
                .iter()
                .filter(|u| u.kind == AccountKind::Admin)
                .count(),
            1
        );
    }

    #[tokio::test]
    async fn loading_through_the_write_path_gives_the_same_world_and_an_audit_trail() {
        let (state, store) = testing::state(at());
        let loaded = load(&state).await.unwrap();
        let (built, demo) = demo();
        assert_eq!(loaded, demo);
        assert_eq!(testing::fingerprint(&state.world()), testing::fingerprint(&built));
        // The store alone rebuilds the same world.
        assert_eq!(
            testing::fingerprint(&store.load().unwrap()),
            testing::fingerprint(&built)
        );
        let audit = store.audit();
        assert!(!audit.is_empty());
        assert!(
            audit
                .iter()
                .all(|r| r.context.application.as_deref() == Some(APPLICATION))
        );
        assert!(
            audit
                .iter()
                .any(|r| r.action == "workflow.accept"
                    && r.context.actor == Actor::in_job(demo.recipient, demo.job_0276))
        );
        // A second load is refused: the organisation is no longer empty.
        let again = load(&state).await.unwrap_err();
        assert_eq!(again.code, "demo-not-empty");
    }
}
