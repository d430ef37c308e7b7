//! The demo's registers (issue #15): a believable inventory of the town's information systems
//! and assets, with their custodians, operators and classes, the Decree's role holders, and
//! the two things a security lead opens the inventory to find — a review that is overdue and a
//! system classified below the assets it handles.
//!
//! The mayor's adviser (`vopikzup02`) is the information-security lead: she keeps the
//! inventory. Classes are set by each item's custodian, as the Decree wants (Art. 7).
//!
//! VOPI's system is in the inventory but not bound to the VOPI application: binding it would
//! (rightly) demand a second factor for every VOPI object, since it holds the mayor's Z3 file,
//! and the demo's API tokens are one factor. VPP, DAPA and GIS are bound: DAPA's archive is C3,
//! so every DAPA object needs a second factor (Art. 53(1)).

use super::executor::Executor;
use super::steps::{Steps, text};
use adam_core::register::decree_roles::DecreeRole;
use adam_core::register::inventory::{ItemFields, ItemKind, Operator, Relation};
use adam_core::{
    Actor, AppId, Classification, Code, Command, Error, Grantee, ItemId, LocalDate, SecurityClass, SystemPower,
    Timestamp, UserId,
};

/// What the demo's inventory hands back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Inventory {
    /// The information-security lead (`vopikzup02`).
    pub security_lead: UserId,
    /// The head of UN (`vopiun01`), custodian of VPP's and GIS's systems.
    pub custodian: UserId,
    /// VOPI's system (Z3 C2 R2, not bound to the application).
    pub vopi_system: ItemId,
    /// VPP's system (Z1 C2 R1).
    pub vpp_system: ItemId,
    /// DAPA's system (Z2 C3 R2), whose review is overdue.
    pub dapa_system: ItemId,
    /// GIS's system (Z1 C1 R1), below its floor: its owners' data are Z2.
    pub gis_system: ItemId,
}

fn class(z: u8, c: u8, r: u8) -> Result<Classification, Error> {
    Ok(Classification {
        z: SecurityClass::new(z)?,
        c: SecurityClass::new(c)?,
        r: SecurityClass::new(r)?,
    })
}

/// One item's fields.
fn item(code: &str, name: &str, custodian: UserId, reviewed: LocalDate) -> Result<ItemFields, Error> {
    Ok(ItemFields {
        code: Code::parse("code", code)?,
        name: text(name)?,
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: true,
        key_server: false,
        high_risk: false,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: Some(reviewed),
        review_due: None,
        attachments: Vec::new(),
    })
}

impl<X: Executor> Steps<'_, X> {
    async fn create(&mut self, kind: ItemKind, fields: ItemFields, lead: UserId) -> Result<ItemId, X::Error> {
        let plan = self
            .x
            .run(Actor::user(lead), Command::CreateItem { kind, fields })
            .await?;
        Ok(super::steps::pick(&plan)?)
    }

    async fn classify(&mut self, item: ItemId, custodian: UserId, c: Classification) -> Result<(), X::Error> {
        self.act(
            Actor::user(custodian),
            Command::ClassifyItem {
                item,
                class: c,
                protection_level: None,
            },
        )
        .await
    }

    async fn stores(
        &mut self,
        system: ItemId,
        asset: ItemId,
        relation: Relation,
        lead: UserId,
    ) -> Result<(), X::Error> {
        self.act(
            Actor::user(lead),
            Command::LinkAsset {
                system,
                asset,
                relation,
                consent: None,
            },
        )
        .await
    }
}

/// Builds the inventory. `apps` are VPP, DAPA and GIS.
pub(super) async fn inventory<X: Executor>(
    s: &mut Steps<'_, X>,
    at: Timestamp,
    [vpp, dapa, gis]: [AppId; 3],
) -> Result<Inventory, X::Error> {
    let lead = s.user("vopikzup02")?;
    let mayor = s.user("vopikzup01")?;
    let glpi_head = s.user("vopiglpi01")?;
    let un_head = s.user("vopiun01")?;
    s.always(SystemPower::SecurityLead.code(), Grantee::User(lead)).await?;
    let today = LocalDate::of(at);
    let recently = LocalDate::of(Timestamp(at.0 - 45 * 86_400));
    let long_ago = today.plus_years(-2);
    for (role, user, since) in [
        (DecreeRole::Head, mayor, today.plus_years(-3)),
        (DecreeRole::SecurityLead, lead, today.plus_years(-1)),
    ] {
        s.act(
            Actor::user(lead),
            Command::AppointDecreeRole {
                role,
                user,
                contact: None,
                appointment: Some(text("Sklep župana")?),
                since,
            },
        )
        .await?;
    }

    // VOPI: the document system and everything filed in it.
    let mut f = item("VOPI-SYS", "Dokumentni sistem VOPI", glpi_head, recently)?;
    f.operators = vec![
        Operator::Office(s.office("GLPI")?),
        Operator::Organisation(text("Informatika Primorska d.o.o.")?),
    ];
    f.key_server = true;
    let vopi_system = s.create(ItemKind::System, f, lead).await?;
    let records = s
        .create(
            ItemKind::Asset,
            item("VOPI-REC", "Dokumentarno gradivo občine", glpi_head, recently)?,
            lead,
        )
        .await?;
    s.classify(records, glpi_head, class(3, 2, 2)?).await?;
    s.stores(vopi_system, records, Relation::Stores, lead).await?;
    s.classify(vopi_system, glpi_head, class(3, 2, 2)?).await?;

    // VPP: spatial plans, public once adopted.
    let mut f = item("VPP-SYS", "Pregled prostorskih aktov VPP", un_head, recently)?;
    f.application = Some(vpp);
    f.operators = vec![Operator::Office(s.office("UN")?)];
    let vpp_system = s.create(ItemKind::System, f, lead).await?;
    let plans = s
        .create(
            ItemKind::Asset,
            item("VPP-PLANS", "Prostorski akti in osnutki", un_head, recently)?,
            lead,
        )
        .await?;
    s.classify(plans, un_head, class(1, 2, 1)?).await?;
    s.stores(vpp_system, plans, Relation::Stores, lead).await?;
    s.classify(vpp_system, un_head, class(1, 2, 1)?).await?;

    // DAPA: the archive; integrity matters most, and its review is long overdue.
    let mut f = item("DAPA-SYS", "Arhiv dokumentov DAPA", glpi_head, long_ago)?;
    f.application = Some(dapa);
    f.operators = vec![Operator::Organisation(text("Pokrajinski arhiv Koper")?)];
    f.key_server = true;
    let dapa_system = s.create(ItemKind::System, f, lead).await?;
    let archive = s
        .create(
            ItemKind::Asset,
            item("DAPA-ARCH", "Arhivsko gradivo", glpi_head, long_ago)?,
            lead,
        )
        .await?;
    s.classify(archive, glpi_head, class(2, 3, 1)?).await?;
    s.stores(dapa_system, archive, Relation::Stores, lead).await?;
    s.classify(dapa_system, glpi_head, class(2, 3, 2)?).await?;

    // GIS: classified when it held only maps; since then it processes the parcel owners'
    // personal data, so it sits below its floor until its custodian raises it.
    let mut f = item("GIS-SYS", "Geografski informacijski sistem", un_head, recently)?;
    f.application = Some(gis);
    f.operators = vec![Operator::Organisation(text("Geodetska uprava RS")?)];
    let gis_system = s.create(ItemKind::System, f, lead).await?;
    s.classify(gis_system, un_head, class(1, 1, 1)?).await?;
    let maps = s
        .create(
            ItemKind::Asset,
            item("GIS-MAPS", "Digitalne karte", un_head, recently)?,
            lead,
        )
        .await?;
    s.classify(maps, un_head, class(0, 1, 1)?).await?;
    s.stores(gis_system, maps, Relation::Stores, lead).await?;
    let owners = s
        .create(
            ItemKind::Asset,
            item("GIS-OWNERS", "Podatki o lastnikih parcel", un_head, recently)?,
            lead,
        )
        .await?;
    s.stores(gis_system, owners, Relation::Processes, lead).await?;
    s.classify(owners, un_head, class(2, 2, 1)?).await?;

    // Last year's risk assessment (Art. 9), by the security lead and approved by the mayor:
    // the next is due and not done yet, so the register shows it overdue — a thing for the
    // lead to act on — and a retention hold has a written risk analysis to rest on (57(6)).
    let assessed = adam_core::LocalDate::of(at).plus_days(-420);
    s.act(
        Actor::user(lead),
        Command::RecordRiskAssessment {
            fields: adam_core::register::risk::RiskFields {
                date: assessed,
                scope: text("Občina kot celota — redna letna ocena")?,
                methodology: Some(text("Enotna metodologija ministrstva")?),
                findings: text(
                    "Dokumentni sistem VOPI nima preizkušene obnove; arhiv DAPA je na enem mestu; geodetski podatki GIS se prenašajo brez šifriranja.",
                )?,
                treatment: text(
                    "Preizkus obnove VOPI do konca leta; kopija arhiva DAPA na drugo lokacijo; šifriran prenos za GIS.",
                )?,
                accepted_residual: Some(text("Kratki izpadi VPP do ene ure.")?),
                approver: Some(s.user("vopikzup01")?),
                trigger: None,
                next_due: None,
            },
        },
    )
    .await?;

    Ok(Inventory {
        security_lead: lead,
        custodian: un_head,
        vopi_system,
        vpp_system,
        dapa_system,
        gis_system,
    })
}
