//! The whole demo organisation as one sequence of commands: the system, the directory, grants
//! in every status, the filing plan and records in mid-workflow.
//!
//! One long function on purpose: it reads as the story of the organisation, top to bottom, and
//! later steps use the ids made by earlier ones.

use super::data::{APPLICATION_ROLES, APPLICATIONS, JOBS, OFFICES, STAFF, USER_ROLES};
use super::executor::Executor;
use super::ids::{Demo, Documents, Folders, Offices};
use super::steps::{Steps, ascii_lower, day, in_job, pick, text};
use adam_core::{
    AccountKind, AclKind, Actor, AppId, Carrier, Code, Command, Email, Entity, Error, Gender, Grantee, JobCode, Level,
    ObjectRef, Phone, RoleCode, RoleKind, SecurityClass, SigningCode, SystemPower, Timestamp, UserId, Username, Window,
};

/// The whole demo, as one sequence of commands.
pub(super) async fn sequence<X: Executor>(x: &mut X, at: Timestamp) -> Result<Demo, X::Error> {
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
        let id = pick(&plan)?;
        apps.push((*code, id));
    }
    let app = |code: &str| -> Result<AppId, Error> {
        apps.iter().find(|(c, _)| *c == code).map(|(_, id)| *id).ok_or_else(|| {
            Error::Directory(adam_core::DirectoryError::UnknownCode {
                kind: "application",
                code: code.to_owned(),
            })
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
    s.sys(Command::SetSettings { settings, change: None }).await?;

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

    // -- the registers: the inventory and the Decree's role holders ---------------------------
    let inventory = super::inventory::inventory(&mut s, at, [vpp, app("DAPA")?, app("GIS")?]).await?;
    // -- the registry of hosted solutions and their responsibility matrices (issue #17): a
    //    matrix is made for a registered solution only --------------------------------------
    super::hosting::hosting(&mut s, inventory.security_lead, inventory.custodian, at).await?;
    super::raci::matrices(&mut s, inventory.security_lead).await?;
    // -- the continuity register (issue #18) ---------------------------------------------------
    super::continuity::continuity(&mut s, at, inventory).await?;

    Ok(Demo {
        at,
        inventory,
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
