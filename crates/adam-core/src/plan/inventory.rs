//! Planning the registers: the inventory (Art. 10–11, 38, 41), the Decree's roles (Art. 5) and
//! the classification scheme (Art. 11(3)).
//!
//! Who may: the information-security lead and the system administrator keep the inventory
//! (create and retire items, appoint custodians, the Decree's roles, the scheme); an item's
//! custodian edits its fields and links; **only the custodian classifies** (Art. 7) — not the
//! security lead, not the system administrator. The console (`Actor::System`: import, demo)
//! may do everything, as it may elsewhere.

use super::Draft;
use crate::admin::{Actor, Authority};
use crate::calendar::LocalDate;
use crate::command::{Command, Created};
use crate::error::{DirectoryError, Error, RegisterError};
use crate::event::Event;
use crate::ids::*;
use crate::level::Classification;
use crate::register::decree_roles::{DecreeRole, RoleHolder};
use crate::register::inventory::{
    Classified, Dimension, InventoryItem, ItemFields, ItemKind, ItemLink, Operator, Relation, TransferConsent,
    fits_public_cloud,
};
use crate::register::risk::{RiskAssessment, RiskFields};
use crate::register::scheme::{ClassScheme, SchemeEntry};
use crate::roles::SystemPower;
use crate::text::Text;
use crate::time::Timestamp;
use crate::world::{World, unchanged_refused};

impl World {
    pub(super) fn plan_register(
        &self,
        actor: &Actor,
        command: Command,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        match command {
            Command::CreateItem { kind, fields } => self.plan_create_item(actor, kind, fields, at, rev),
            Command::UpdateItem { item, fields } => self.plan_update_item(actor, item, fields, at, rev),
            Command::ClassifyItem {
                item,
                class,
                protection_level,
            } => self.plan_classify_item(actor, item, class, protection_level, at, rev),
            Command::RetireItem { item } => self.plan_retire_item(actor, item, at, rev),
            Command::LinkAsset {
                system,
                asset,
                relation,
                consent,
            } => self.plan_link(actor, system, asset, relation, consent, at, rev),
            Command::UnlinkAsset { link } => self.plan_unlink(actor, link, at),
            Command::AppointDecreeRole {
                role,
                user,
                contact,
                appointment,
                since,
            } => self.plan_appoint(actor, role, user, contact, appointment, since, at, rev),
            Command::EndDecreeRole { holder, until } => self.plan_end_appointment(actor, holder, until, at, rev),
            Command::SetClassScheme { regulation, entries } => self.plan_scheme(actor, regulation, entries, at, rev),
            _ => Err(Error::NoChange("the command changes nothing")),
        }
    }

    /// Whether the actor keeps the registers: the console, the system administrator or a
    /// holder of the security-lead role.
    pub fn keeps_registers(&self, actor: &Actor, at: Timestamp) -> Result<bool, Error> {
        if self.authority(actor, at)? == Authority::Full {
            return Ok(true);
        }
        let (Some(user), Ok(role)) = (actor.user_id(), self.role_by_code(SystemPower::SecurityLead.code())) else {
            return Ok(false);
        };
        Ok(self.check_role(user, role, at)?.is_some())
    }

    /// Whether the actor keeps the registers, or is `item`'s custodian or one of its operators
    /// named as a person (who submit its integrity scans and keep its continuity records).
    pub(super) fn keeps_or_tends(&self, actor: &Actor, item: &InventoryItem, at: Timestamp) -> Result<bool, Error> {
        if let Some(user) = actor.user_id()
            && self.authority(actor, at).is_ok()
            && (item.fields.custodian == user || item.fields.operators.contains(&Operator::User(user)))
        {
            return Ok(true);
        }
        self.keeps_registers(actor, at)
    }

    fn require_keeper(&self, actor: &Actor, at: Timestamp, what: &'static str) -> Result<(), Error> {
        if self.keeps_registers(actor, at)? {
            Ok(())
        } else {
            Err(Error::Register(RegisterError::NotRegisterKeeper(what)))
        }
    }

    /// The keeper, or the item's custodian.
    fn require_item_keeper(&self, actor: &Actor, item: &InventoryItem, at: Timestamp) -> Result<(), Error> {
        if actor.user_id() == Some(item.fields.custodian) && self.authority(actor, at).is_ok() {
            return Ok(());
        }
        if self.keeps_registers(actor, at)? {
            return Ok(());
        }
        Err(Error::Register(RegisterError::NotItemKeeper {
            item: item.id,
            custodian: item.fields.custodian,
        }))
    }

    /// The checks every version of an item's fields must pass.
    fn check_fields(
        &self,
        id: ItemId,
        kind: ItemKind,
        fields: &ItemFields,
        class: Classification,
    ) -> Result<(), Error> {
        let custodian = self.user(fields.custodian)?;
        if !custodian.active {
            return Err(Error::Register(RegisterError::CustodianInactive(fields.custodian)));
        }
        if let Some(owner) = self.reg.item_code.get(fields.code.as_str())
            && *owner != id
        {
            return Err(Error::Register(RegisterError::DuplicateItemCode(
                fields.code.to_string(),
            )));
        }
        if kind == ItemKind::Asset {
            let system_only = if !fields.operators.is_empty() {
                Some("operators")
            } else if fields.public_cloud.is_some() {
                Some("public_cloud")
            } else if fields.application.is_some() {
                Some("application")
            } else {
                None
            };
            if let Some(field) = system_only {
                return Err(Error::Register(RegisterError::SystemOnlyField(field)));
            }
        }
        for op in &fields.operators {
            match op {
                crate::register::inventory::Operator::User(u) => {
                    self.user(*u)?;
                }
                crate::register::inventory::Operator::Office(o) => {
                    self.office(*o)?;
                }
                crate::register::inventory::Operator::Organisation(_) => {}
            }
        }
        if let Some(app) = fields.application {
            self.application(app)?;
            if let Some(system) = self.system_of_application(app)
                && system != id
            {
                return Err(Error::Register(RegisterError::ApplicationInAnotherSystem {
                    app,
                    system,
                }));
            }
        }
        if let Some(cloud) = &fields.public_cloud {
            if cloud.ministry_approval.is_none() {
                return Err(Error::Register(RegisterError::PublicCloudApprovalMissing));
            }
            let held = class.max(self.floor(id).class);
            if !fits_public_cloud(held) {
                return Err(Error::Register(RegisterError::PublicCloudClass {
                    item: id,
                    class: held.to_string(),
                }));
            }
        }
        Ok(())
    }

    fn plan_create_item(
        &self,
        actor: &Actor,
        kind: ItemKind,
        mut fields: ItemFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_keeper(actor, at, "add items to the inventory")?;
        let id = ItemId(u32::try_from(self.reg.items.len()).unwrap_or(u32::MAX));
        self.check_fields(id, kind, &fields, Classification::PUBLIC)?;
        if fields.review_due.is_none() {
            fields.review_due = fields.last_reviewed.map(|d| d.plus_years(1));
        }
        Ok(Draft::new(vec![Event::Item(InventoryItem {
            id,
            kind,
            fields,
            classified: None,
            retired: false,
            rev,
        })])
        .created(Created::Item(id)))
    }

    fn plan_update_item(
        &self,
        actor: &Actor,
        item: ItemId,
        mut fields: ItemFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.item(item)?;
        self.require_item_keeper(actor, old, at)?;
        if old.retired {
            return Err(Error::Register(RegisterError::ItemRetired(item)));
        }
        if fields.custodian != old.fields.custodian {
            self.require_keeper(actor, at, "appoint a custodian")?;
        }
        self.check_fields(item, old.kind, &fields, old.class())?;
        // An application bound to a classified system brings its objects: they must fit it. (A
        // system not yet classified awaits its custodian, whose classification may then not
        // fall below them.)
        if old.kind == ItemKind::System
            && old.classified.is_some()
            && let Some(app) = fields.application
            && fields.application != old.fields.application
        {
            self.objects_fit(app, item, (old.class(), None), self.assets_of(item, None, None))?;
        }
        if fields.review_due.is_none() && fields.last_reviewed != old.fields.last_reviewed {
            fields.review_due = fields.last_reviewed.map(|d| d.plus_years(1));
        }
        let new = InventoryItem {
            fields,
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the item already has these data")?;
        Ok(Draft::new(vec![Event::Item(new)]))
    }

    fn plan_classify_item(
        &self,
        actor: &Actor,
        item: ItemId,
        class: Classification,
        protection_level: Option<Text>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.item(item)?;
        let by = match actor {
            Actor::System => old.fields.custodian,
            Actor::User { user, .. } => {
                self.authority(actor, at)?;
                if *user != old.fields.custodian {
                    return Err(Error::Register(RegisterError::NotCustodian {
                        item,
                        custodian: old.fields.custodian,
                    }));
                }
                *user
            }
        };
        if old.retired {
            return Err(Error::Register(RegisterError::ItemRetired(item)));
        }
        if old.kind == ItemKind::System
            && let Some((d, floor, asset)) = self.floor(item).undercut_by(class)
        {
            return Err(Error::Register(RegisterError::BelowFloor {
                system: item,
                dimension: d.letter(),
                class: d.of(class),
                floor,
                asset,
            }));
        }
        if !fits_public_cloud(class) {
            let in_cloud = match old.kind {
                ItemKind::System => old.fields.public_cloud.is_some().then_some(item),
                ItemKind::Asset => self
                    .links_of(item)
                    .map(|l| l.system)
                    .find(|s| self.item(*s).is_ok_and(|s| s.fields.public_cloud.is_some())),
            };
            if let Some(system) = in_cloud {
                return Err(Error::Register(RegisterError::PublicCloudClass {
                    item: system,
                    class: class.to_string(),
                }));
            }
        }
        match old.kind {
            ItemKind::System => {
                if let Some(app) = old.fields.application {
                    self.objects_fit(app, item, (class, None), self.assets_of(item, None, None))?;
                }
            }
            // A lower asset can lower the floor of every system holding it.
            ItemKind::Asset => {
                for l in self.links_of(item) {
                    let Ok(system) = self.item(l.system) else { continue };
                    if let Some(app) = system.fields.application {
                        let assets = self.assets_of(system.id, Some((item, class)), None);
                        let now = self.effective_class(system);
                        self.objects_fit(app, system.id, (system.class(), Some(now)), assets)?;
                    }
                }
            }
        }
        if old
            .classified
            .as_ref()
            .is_some_and(|c| c.class == class && c.protection_level == protection_level)
        {
            return Err(Error::NoChange("the item already has this class"));
        }
        Ok(Draft::new(vec![Event::Item(InventoryItem {
            classified: Some(Classified {
                class,
                by,
                at,
                protection_level,
            }),
            rev,
            ..old.clone()
        })]))
    }

    /// Art. 11(2), the other way round: what a system is held to (its own class and its floor)
    /// may not fall below the objects its application already holds — a folder or a document
    /// classified above it. Checked wherever that can change: the system reclassified, an
    /// asset of it reclassified, a link removed, an application bound to the system.
    /// `own` is the system's class after the change and `assets` its assets' classes after it.
    /// With `before` (what the system is held to now), only a record the change would newly
    /// leave above it is refused: a system not yet classified holds nothing up, and an asset
    /// unlinked from it changes nothing for records already above it.
    fn objects_fit(
        &self,
        app: AppId,
        system: ItemId,
        (own, before): (Classification, Option<Classification>),
        assets: impl IntoIterator<Item = (ItemId, Classification)>,
    ) -> Result<(), Error> {
        let held = own.max(crate::register::inventory::Floor::of(assets).class);
        let over = |c: Classification, limit: Classification| Dimension::ALL.into_iter().any(|d| d.of(c) > d.of(limit));
        let above = |c: Classification| over(c, held) && before.is_none_or(|b| !over(c, b));
        for f in self.idx.app_folders.get(app.index()).into_iter().flatten() {
            let Ok(folder) = self.folder(*f) else { continue };
            let over = std::iter::once(folder.classification).chain(
                self.folder_documents(*f)
                    .iter()
                    .filter_map(|d| self.document(*d).ok())
                    .map(|d| d.classification),
            );
            if let Some(c) = over.into_iter().find(|c| above(*c)) {
                return Err(Error::Register(RegisterError::ObjectAboveSystem {
                    system,
                    object: c.to_string(),
                    held: held.to_string(),
                }));
            }
        }
        Ok(())
    }

    /// The classes of a system's assets now, with `changed` in place of one asset's class or
    /// `without` one link.
    fn assets_of(
        &self,
        system: ItemId,
        changed: Option<(ItemId, Classification)>,
        without: Option<LinkId>,
    ) -> Vec<(ItemId, Classification)> {
        self.links_of(system)
            .filter(|l| Some(l.id) != without)
            .filter_map(|l| {
                let class = match changed {
                    Some((asset, class)) if asset == l.asset => class,
                    _ => self.item(l.asset).ok()?.class(),
                };
                Some((l.asset, class))
            })
            .collect()
    }

    fn plan_retire_item(&self, actor: &Actor, item: ItemId, at: Timestamp, rev: Revision) -> Result<Draft, Error> {
        let old = self.item(item)?;
        self.require_keeper(actor, at, "retire inventory items")?;
        if old.retired {
            return Err(Error::NoChange("the item is already retired"));
        }
        Ok(Draft::new(vec![Event::Item(InventoryItem {
            retired: true,
            rev,
            ..old.clone()
        })]))
    }

    fn plan_link(
        &self,
        actor: &Actor,
        system: ItemId,
        asset: ItemId,
        relation: Relation,
        consent: Option<TransferConsent>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let sys = self.item(system)?;
        let a = self.item(asset)?;
        self.require_item_keeper(actor, sys, at)?;
        if sys.kind != ItemKind::System {
            return Err(Error::Register(RegisterError::NotASystem(system)));
        }
        if a.kind != ItemKind::Asset {
            return Err(Error::Register(RegisterError::NotAnAsset(asset)));
        }
        if let Some(retired) = [sys, a].into_iter().find(|i| i.retired) {
            return Err(Error::Register(RegisterError::ItemRetired(retired.id)));
        }
        if self.links_of(system).any(|l| l.asset == asset) {
            return Err(Error::Register(RegisterError::AlreadyLinked { system, asset }));
        }
        if sys.fields.public_cloud.is_some() && !fits_public_cloud(a.class()) {
            return Err(Error::Register(RegisterError::PublicCloudClass {
                item: asset,
                class: a.class().to_string(),
            }));
        }
        // Art. 38(1): an asset already held by a system moves into another only with the
        // source custodian's written consent, and only into a system protecting its
        // confidentiality and integrity at least as well.
        let sources: Vec<ItemId> = self.links_of(asset).map(|l| l.system).collect();
        if let Some(from) = sources.first().copied() {
            let Some(consent) = &consent else {
                return Err(Error::Register(RegisterError::TransferConsentRequired { asset, from }));
            };
            let custodians: Vec<(ItemId, UserId)> = sources
                .iter()
                .filter_map(|s| self.item(*s).ok().map(|i| (i.id, i.fields.custodian)))
                .collect();
            if !custodians.iter().any(|(_, c)| *c == consent.by) {
                let (s, c) = custodians.first().copied().unwrap_or((from, consent.by));
                return Err(Error::Register(RegisterError::ConsentNotBySourceCustodian {
                    by: consent.by,
                    system: s,
                    custodian: c,
                }));
            }
            let receiving = self.effective_class(sys);
            for d in [Dimension::Z, Dimension::C] {
                if d.of(receiving) < d.of(a.class()) {
                    return Err(Error::Register(RegisterError::TransferBelowAsset {
                        asset,
                        system,
                        dimension: d.letter(),
                        asset_class: d.of(a.class()),
                        system_class: d.of(receiving),
                    }));
                }
            }
        }
        let id = self.next_link();
        Ok(Draft::new(vec![Event::Link(ItemLink {
            id,
            system,
            asset,
            relation,
            consent: if sources.is_empty() { None } else { consent },
            rev,
        })])
        .created(Created::Link(id)))
    }

    fn plan_unlink(&self, actor: &Actor, link: LinkId, at: Timestamp) -> Result<Draft, Error> {
        let l = self.link(link)?;
        let sys = self.item(l.system)?;
        self.require_item_keeper(actor, sys, at)?;
        // Without the asset the system's floor may fall below what its application holds.
        if let Some(app) = sys.fields.application {
            let now = self.effective_class(sys);
            self.objects_fit(
                app,
                sys.id,
                (sys.class(), Some(now)),
                self.assets_of(sys.id, None, Some(link)),
            )?;
        }
        Ok(Draft::new(vec![Event::LinkRemoved(link)]))
    }

    fn plan_appoint(
        &self,
        actor: &Actor,
        role: DecreeRole,
        user: UserId,
        contact: Option<Text>,
        appointment: Option<Text>,
        since: LocalDate,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_keeper(actor, at, "appoint the Decree's roles")?;
        let u = self.user(user)?;
        if !u.active {
            return Err(Error::Directory(DirectoryError::UnknownUser(user)));
        }
        let id = HolderId(u32::try_from(self.reg.holders.len()).unwrap_or(u32::MAX));
        Ok(Draft::new(vec![Event::RoleHolder(RoleHolder {
            id,
            role,
            user,
            contact,
            appointment,
            since,
            until: None,
            rev,
        })])
        .created(Created::Holder(id)))
    }

    fn plan_end_appointment(
        &self,
        actor: &Actor,
        holder: HolderId,
        until: LocalDate,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = self.role_holder(holder)?;
        self.require_keeper(actor, at, "end appointments to the Decree's roles")?;
        if until < old.since {
            return Err(Error::Register(RegisterError::AppointmentReversed {
                since: old.since.to_string(),
                until: until.to_string(),
            }));
        }
        let new = RoleHolder {
            until: Some(until),
            rev,
            ..old.clone()
        };
        let new = unchanged_refused(old, new, "the appointment already ends then")?;
        Ok(Draft::new(vec![Event::RoleHolder(new)]))
    }

    fn plan_scheme(
        &self,
        actor: &Actor,
        regulation: Text,
        entries: Vec<SchemeEntry>,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.require_keeper(actor, at, "change the classification scheme")?;
        let old = &self.reg.scheme;
        let mut new: ClassScheme = old.clone();
        new.regulation = regulation;
        for e in entries {
            match new.entries.iter_mut().find(|x| x.code == e.code) {
                Some(slot) => *slot = e,
                None => new.entries.push(e),
            }
        }
        if new.regulation == old.regulation && new.entries == old.entries {
            return Err(Error::NoChange("the scheme already says this"));
        }
        new.version = old.version + 1;
        new.rev = rev;
        Ok(Draft::new(vec![Event::Scheme(new)]))
    }

    /// Records or corrects a risk assessment (Art. 9): the keepers' record.
    pub(super) fn plan_risk(
        &self,
        actor: &Actor,
        risk: Option<RiskId>,
        fields: RiskFields,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        let old = risk.map(|id| self.risk_assessment(id)).transpose()?;
        self.require_keeper(actor, at, "record risk assessments")?;
        if let Some(u) = fields.approver {
            self.user(u)?;
        }
        let latest = fields.date.plus_years(1);
        if let Some(asked) = fields.next_due
            && asked > latest
        {
            return Err(Error::Register(RegisterError::RiskDueTooLate {
                latest: latest.to_string(),
                asked: asked.to_string(),
            }));
        }
        let id = risk.unwrap_or(RiskId(u32::try_from(self.reg.risks.len()).unwrap_or(u32::MAX)));
        // A correction rewrites what the assessment records; the files it carries stay.
        let attachments = old.map(|o| o.attachments.clone()).unwrap_or_default();
        let new = RiskAssessment {
            id,
            fields,
            attachments,
            rev,
        };
        let draft = match old {
            Some(old) => Draft::new(vec![Event::Risk(unchanged_refused(
                old,
                new,
                "the risk assessment already says this",
            )?)]),
            None => Draft::new(vec![Event::Risk(new)]).created(Created::Risk(id)),
        };
        Ok(draft)
    }
}
