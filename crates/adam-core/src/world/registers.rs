//! The registers inside the world (the records are defined in `crate::register`): their
//! tables, the indexes kept in step with them, applying their events, and the reads the
//! service layer and the decision engine need.
//!
//! **The floor is incremental.** Each system's floor (the highest class of its linked assets
//! per dimension) is cached; a link change recomputes the floor of its one system, an asset's
//! new class recomputes the floors of the systems linked to it — never the whole inventory.
//! The applications whose system handles Z3 or C3 data are cached the same way, so the
//! decision engine's extra check (Art. 53(1)) is one vector read.

use super::apply::Put;
use crate::calendar::LocalDate;
use crate::error::{Error, RegisterError, StateError};
use crate::ids::*;
use crate::level::Classification;
use crate::register::decree_roles::RoleHolder;
use crate::register::inventory::{BelowFloor, Floor, InventoryItem, ItemKind, ItemLink};
use crate::register::review::{AccessReview, FollowUp};
use crate::register::risk::RiskAssessment;
use crate::register::scheme::ClassScheme;
use crate::world::{Table, World};
use rustc_hash::FxHashMap;

/// The register records of the world and their indexes.
#[derive(Clone, Debug)]
pub struct Registers {
    pub(crate) scheme: ClassScheme,
    pub(crate) holders: Table<RoleHolder>,
    pub(crate) items: Table<InventoryItem>,
    pub(crate) links: Table<Option<ItemLink>>,
    pub(crate) reviews: Table<AccessReview>,
    pub(crate) follow_ups: Table<FollowUp>,
    pub(crate) risks: Table<RiskAssessment>,
    /// The registry of information solutions (hosting, seed 000).
    pub(crate) solutions: Table<crate::register::solution::Solution>,
    pub(crate) item_code: FxHashMap<String, ItemId>,
    /// Per item, the links naming it (a system's links to its assets, an asset's links to
    /// the systems holding it).
    pub(crate) links_of: Vec<Vec<LinkId>>,
    /// Per item, its floor (meaningful for systems).
    pub(crate) floor: Vec<Floor>,
    /// The system each application is linked to.
    pub(crate) system_of_app: FxHashMap<AppId, ItemId>,
    /// Per application (by index), the system that makes its objects need a second factor.
    pub(crate) mfa_system: Vec<Option<ItemId>>,
    /// The integrity baselines and comparisons (Art. 50(4)–(5)).
    pub(crate) integrity: super::integrity::Integrity,
    /// The process engine's definitions and cases.
    pub(crate) process: super::processes::Processes,
    /// The responsibility (RACI) matrices.
    pub(crate) raci: super::matrices::Matrices,
    /// The continuity register (Art. 15, 29).
    pub(crate) continuity: super::continuity::Continuity,
}

impl Default for Registers {
    fn default() -> Self {
        Registers {
            scheme: ClassScheme::decree_2018(),
            holders: Table::default(),
            items: Table::default(),
            links: Table::default(),
            reviews: Table::default(),
            follow_ups: Table::default(),
            risks: Table::default(),
            solutions: Table::default(),
            item_code: FxHashMap::default(),
            links_of: Vec::new(),
            floor: Vec::new(),
            system_of_app: FxHashMap::default(),
            mfa_system: Vec::new(),
            integrity: Default::default(),
            process: Default::default(),
            raci: Default::default(),
            continuity: Default::default(),
        }
    }
}

fn corrupt(what: String) -> Error {
    Error::State(StateError::Corrupt(what))
}

/// Puts a record that is never removed at its index: replaces it, or appends the next one.
pub(crate) fn put_bare<T>(table: &mut Table<T>, i: usize, rec: T, what: &str) -> Result<(), Error> {
    match i.cmp(&table.len()) {
        std::cmp::Ordering::Less => table[i] = rec,
        std::cmp::Ordering::Equal => table.push(rec),
        std::cmp::Ordering::Greater => return Err(corrupt(format!("{what} {i} skips ahead"))),
    }
    Ok(())
}

impl World {
    // ---- reads ------------------------------------------------------------------------

    /// The classification scheme in force.
    pub fn class_scheme(&self) -> &ClassScheme {
        &self.reg.scheme
    }
    /// Every inventory item, in id order.
    pub fn items(&self) -> &[InventoryItem] {
        &self.reg.items
    }
    /// An inventory item.
    pub fn item(&self, id: ItemId) -> Result<&InventoryItem, Error> {
        self.reg.items.find(id)
    }
    /// The item with this code.
    pub fn item_by_code(&self, code: &str) -> Result<ItemId, Error> {
        self.reg
            .item_code
            .get(code)
            .copied()
            .ok_or_else(|| Error::Register(RegisterError::UnknownItemCode(code.to_owned())))
    }
    /// A link that has not been removed.
    pub fn link(&self, id: LinkId) -> Result<&ItemLink, Error> {
        self.reg.links.find(id)
    }
    /// The live links naming an item (its assets for a system, its systems for an asset).
    pub fn links_of(&self, item: ItemId) -> impl Iterator<Item = &ItemLink> {
        self.reg
            .links_of
            .get(item.index())
            .into_iter()
            .flatten()
            .filter_map(|l| self.reg.links.get(l.index()).and_then(Option::as_ref))
    }
    /// Every live link, in id order.
    pub fn links(&self) -> impl Iterator<Item = &ItemLink> {
        self.reg.links.iter().flatten()
    }
    /// The number of link ids given out (removed ones included): the next link's id.
    pub(crate) fn next_link(&self) -> LinkId {
        LinkId(u32::try_from(self.reg.links.len()).unwrap_or(u32::MAX))
    }
    /// A system's floor: per dimension the highest class of its assets, and which forces it.
    pub fn floor(&self, system: ItemId) -> Floor {
        self.reg.floor.get(system.index()).copied().unwrap_or_default()
    }
    /// What an item is held to: its own class and, for a system, its floor.
    pub fn effective_class(&self, item: &InventoryItem) -> Classification {
        match item.kind {
            ItemKind::System => item.class().max(self.floor(item.id).class),
            ItemKind::Asset => item.class(),
        }
    }
    /// Whether a system is classified below its floor, and where.
    pub fn below_floor(&self, system: &InventoryItem) -> Option<BelowFloor> {
        if system.kind != ItemKind::System {
            return None;
        }
        self.floor(system.id)
            .undercut_by(system.class())
            .map(|(dimension, floor, asset)| BelowFloor {
                system: system.id,
                dimension,
                floor,
                asset,
            })
    }
    /// The system an application is linked to.
    pub fn system_of_application(&self, app: AppId) -> Option<ItemId> {
        self.reg.system_of_app.get(&app).copied()
    }
    /// The system that makes every object of the application need a multi-factor session
    /// (it handles Z3 or C3 data, Art. 53(1)).
    #[inline]
    pub fn mfa_system_of(&self, app: AppId) -> Option<ItemId> {
        self.reg.mfa_system.get(app.index()).copied().flatten()
    }
    /// Every appointment to a Decree role, in id order.
    pub fn role_holders(&self) -> &[RoleHolder] {
        &self.reg.holders
    }
    /// An appointment.
    pub fn role_holder(&self, id: HolderId) -> Result<&RoleHolder, Error> {
        self.reg.holders.find(id)
    }

    /// Every access-review campaign, in id order.
    pub fn access_reviews(&self) -> &[AccessReview] {
        &self.reg.reviews
    }
    /// An access-review campaign.
    pub fn access_review(&self, id: ReviewId) -> Result<&AccessReview, Error> {
        self.reg.reviews.find(id)
    }
    /// Every follow-up of a job change or deactivation, in id order.
    pub fn follow_ups(&self) -> &[FollowUp] {
        &self.reg.follow_ups
    }
    /// A follow-up.
    pub fn follow_up(&self, id: FollowUpId) -> Result<&FollowUp, Error> {
        self.reg.follow_ups.find(id)
    }
    /// The live systems a role reaches: those serving an application of a role inside it.
    pub fn systems_of_role(&self, role: RoleId) -> Vec<ItemId> {
        let mut out: Vec<ItemId> = self
            .role_closure(role)
            .iter()
            .filter_map(|r| self.role(*r).ok()?.app)
            .filter_map(|app| self.system_of_application(app))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    // ---- applying ---------------------------------------------------------------------

    /// The registry of information solutions, in id order.
    pub fn solutions(&self) -> &[crate::register::solution::Solution] {
        &self.reg.solutions
    }
    /// A solution.
    pub fn solution(&self, id: SolutionId) -> Result<&crate::register::solution::Solution, Error> {
        self.reg.solutions.find(id)
    }
    /// The people bound now to a seed role (`coordinator`, …) of a solution: the person named
    /// for it, or — when none is — the active holders of its job. The rule of `dro-hosting`'s
    /// `person_or_job` bindings, used by the registry for who keeps the entry and whom
    /// 1.1.1.47 notifies.
    pub fn solution_role_people(&self, s: &crate::register::solution::Solution, role: &str) -> Vec<UserId> {
        let person = s.fields.people.pairs().into_iter().find(|(r, _)| *r == role);
        if let Some((_, Some(u))) = person {
            return vec![u];
        }
        match s.fields.jobs.pairs().into_iter().find(|(r, _)| *r == role) {
            Some((_, Some(j))) => self.job_holders(j),
            _ => Vec::new(),
        }
    }
    /// The solution whose version this case is.
    pub fn solution_of_case(&self, case: CaseId) -> Option<&crate::register::solution::Solution> {
        self.reg
            .solutions
            .iter()
            .find(|s| s.versions.iter().any(|v| v.case == case))
    }

    /// Every risk assessment, in id order.
    pub fn risk_assessments(&self) -> &[RiskAssessment] {
        &self.reg.risks
    }
    /// A risk assessment.
    pub fn risk_assessment(&self, id: RiskId) -> Result<&RiskAssessment, Error> {
        self.reg.risks.find(id)
    }
    /// The latest assessment (by its date) and whether the next one is overdue on `today`
    /// (none at all counts as overdue: Art. 9(2) asks for one every year).
    pub fn risk_status(&self, today: LocalDate) -> (Option<&RiskAssessment>, bool) {
        let latest = self.reg.risks.iter().max_by_key(|r| (r.fields.date, r.id));
        (latest, latest.is_none_or(|r| r.due() < today))
    }

    pub(crate) fn remove_link(&mut self, id: LinkId) -> Result<(), Error> {
        let i = id.index();
        // A cold start replays tombstones of links it never saw: they only hold the id.
        while self.reg.links.len() <= i {
            self.reg.links.push(None);
        }
        if let Some(old) = self.reg.links[i].take() {
            for end in [old.system, old.asset] {
                if let Some(list) = self.reg.links_of.get_mut(end.index()) {
                    list.retain(|l| *l != id);
                }
            }
            self.refresh_floor(old.system);
        }
        Ok(())
    }

    /// Recomputes one system's floor from its links, and its application's second-factor
    /// requirement.
    fn refresh_floor(&mut self, system: ItemId) {
        let floor = Floor::of(
            self.links_of(system)
                .filter_map(|l| self.reg.items.get(l.asset.index()).map(|a| (a.id, a.class()))),
        );
        if let Some(slot) = self.reg.floor.get_mut(system.index()) {
            *slot = floor;
        }
        if let Some(app) = self.reg.items.get(system.index()).and_then(|s| s.fields.application) {
            self.refresh_app(app);
        }
    }

    /// Recomputes whether an application's objects need a second factor because of its system.
    fn refresh_app(&mut self, app: AppId) {
        let system = self.system_of_application(app).and_then(|s| {
            let item = self.reg.items.get(s.index())?;
            (!item.retired && self.effective_class(item).requires_mfa()).then_some(s)
        });
        let i = app.index();
        if self.reg.mfa_system.len() <= i {
            if system.is_none() {
                return;
            }
            self.reg.mfa_system.resize(i + 1, None);
        }
        self.reg.mfa_system[i] = system;
    }
}

// ---- how each register kind enters the world (`world::apply::Put`) -----------------

impl Put for AccessReview {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.item(self.system)?;
        put_bare(&mut world.reg.reviews, self.id.index(), self, "access review")
    }
}

impl Put for crate::register::solution::Solution {
    fn put(self, world: &mut World) -> Result<(), Error> {
        if let Some(item) = self.fields.system {
            world.item(item)?;
        }
        put_bare(&mut world.reg.solutions, self.id.index(), self, "solution")
    }
}

impl Put for RiskAssessment {
    fn put(self, world: &mut World) -> Result<(), Error> {
        put_bare(&mut world.reg.risks, self.id.index(), self, "risk assessment")
    }
}

impl Put for FollowUp {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.user(self.user)?;
        put_bare(&mut world.reg.follow_ups, self.id.index(), self, "follow-up")
    }
}

impl Put for ClassScheme {
    fn put(self, world: &mut World) -> Result<(), Error> {
        if self.id != SchemeId(0) {
            return Err(corrupt(format!("scheme id {} is not 0", self.id)));
        }
        world.reg.scheme = self;
        Ok(())
    }
}

impl Put for RoleHolder {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.user(self.user)?;
        let i = self.id.index();
        match i.cmp(&world.reg.holders.len()) {
            std::cmp::Ordering::Less => world.reg.holders[i] = self,
            std::cmp::Ordering::Equal => world.reg.holders.push(self),
            std::cmp::Ordering::Greater => return Err(corrupt(format!("{} skips ahead", self.id))),
        }
        Ok(())
    }
}

impl Put for InventoryItem {
    fn put(self, world: &mut World) -> Result<(), Error> {
        let i = self.id.index();
        let len = world.reg.items.len();
        if i > len {
            return Err(corrupt(format!("{} skips ahead of {len}", self.id)));
        }
        world.user(self.fields.custodian)?;
        if let Some(app) = self.fields.application {
            world.application(app)?;
            if let Some(other) = world.system_of_application(app)
                && other != self.id
            {
                return Err(corrupt(format!("{app} already belongs to {other}")));
            }
        }
        let code = self.fields.code.as_str().to_owned();
        if let Some(owner) = world.reg.item_code.get(&code)
            && *owner != self.id
        {
            return Err(corrupt(format!("self code {code} is taken")));
        }
        let (old_app, old_class) = match world.reg.items.get(i) {
            Some(old) => {
                if old.kind != self.kind {
                    return Err(corrupt(format!("{} changes its kind", self.id)));
                }
                world.reg.item_code.remove(old.fields.code.as_str());
                (old.fields.application, Some(old.class()))
            }
            None => (None, None),
        };
        world.reg.item_code.insert(code, self.id);
        if let Some(app) = old_app {
            world.reg.system_of_app.remove(&app);
            world.refresh_app(app);
        }
        let (id, kind, app, class) = (self.id, self.kind, self.fields.application, self.class());
        if i == len {
            world.reg.items.push(self);
            world.reg.links_of.push(Vec::new());
            world.reg.floor.push(Floor::default());
        } else {
            world.reg.items[i] = self;
        }
        if let Some(app) = app {
            world.reg.system_of_app.insert(app, id);
            world.refresh_app(app);
        }
        // An asset's new class moves the floors of the systems holding it.
        if kind == ItemKind::Asset && old_class != Some(class) {
            let systems: Vec<ItemId> = world.links_of(id).map(|l| l.system).collect();
            for s in systems {
                world.refresh_floor(s);
            }
        }
        Ok(())
    }
}

impl Put for ItemLink {
    fn put(self, world: &mut World) -> Result<(), Error> {
        let link = self;
        let i = link.id.index();
        let len = world.reg.links.len();
        if i > len {
            return Err(corrupt(format!("{} skips ahead of {len}", link.id)));
        }
        let system = world.item(link.system)?;
        let asset = world.item(link.asset)?;
        if system.kind != ItemKind::System || asset.kind != ItemKind::Asset {
            return Err(corrupt(format!("{} does not link a system to an asset", link.id)));
        }
        if let Some(Some(old)) = world.reg.links.get(i)
            && (old.system != link.system || old.asset != link.asset)
        {
            return Err(corrupt(format!("{} changes its ends", link.id)));
        }
        let (id, system, asset) = (link.id, link.system, link.asset);
        if i == len {
            world.reg.links.push(Some(link));
            world.reg.links_of[system.index()].push(id);
            world.reg.links_of[asset.index()].push(id);
        } else {
            let was_live = world.reg.links[i].is_some();
            world.reg.links[i] = Some(link);
            if !was_live {
                world.reg.links_of[system.index()].push(id);
                world.reg.links_of[asset.index()].push(id);
            }
        }
        world.refresh_floor(system);
        Ok(())
    }
}
