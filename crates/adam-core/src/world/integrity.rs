//! The integrity baselines and comparisons inside the world (Art. 50(4)–(5)): their tables, the
//! per-server indexes kept in step with them, applying their events, and the reads.
//!
//! A server's **current** baseline is its approved baseline with the highest id (normally the
//! one approved last); later scans are compared with it.
//! The index holds it per server so a comparison finds it without a scan of every baseline.
//! The records are in `crate::register::integrity`.

use super::apply::Put;
use crate::error::{Error, StateError};
use crate::ids::{BaselineId, ComparisonId, ItemId};
use crate::register::integrity::{Baseline, Comparison};
use crate::world::{Table, World};
use rustc_hash::FxHashMap;

/// The integrity records of the world and their indexes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Integrity {
    pub(crate) baselines: Table<Baseline>,
    pub(crate) comparisons: Table<Comparison>,
    /// Per server, its baselines in id order.
    baselines_of: FxHashMap<ItemId, Vec<BaselineId>>,
    /// Per server, its comparisons in id order.
    comparisons_of: FxHashMap<ItemId, Vec<ComparisonId>>,
    /// Per server, its approved baseline with the highest id.
    current: FxHashMap<ItemId, BaselineId>,
}

fn corrupt(what: String) -> Error {
    Error::State(StateError::Corrupt(what))
}

impl World {
    // ---- reads ------------------------------------------------------------------------

    /// A baseline.
    pub fn baseline(&self, id: BaselineId) -> Result<&Baseline, Error> {
        self.reg.integrity.baselines.find(id)
    }
    /// A comparison.
    pub fn comparison(&self, id: ComparisonId) -> Result<&Comparison, Error> {
        self.reg.integrity.comparisons.find(id)
    }
    /// Every baseline, in id order.
    pub fn baselines(&self) -> &[Baseline] {
        &self.reg.integrity.baselines
    }
    /// Every comparison, in id order.
    pub fn comparisons(&self) -> &[Comparison] {
        &self.reg.integrity.comparisons
    }
    /// A server's baselines, oldest first.
    pub fn baselines_of(&self, server: ItemId) -> impl Iterator<Item = &Baseline> {
        let ids = self.reg.integrity.baselines_of.get(&server);
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.reg.integrity.baselines.get(id.index()))
    }
    /// A server's comparisons, oldest first.
    pub fn comparisons_of(&self, server: ItemId) -> impl Iterator<Item = &Comparison> {
        let ids = self.reg.integrity.comparisons_of.get(&server);
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.reg.integrity.comparisons.get(id.index()))
    }
    /// The baseline later scans of a server are compared with: its approved baseline with the
    /// highest id.
    pub fn current_baseline(&self, server: ItemId) -> Option<&Baseline> {
        let id = self.reg.integrity.current.get(&server)?;
        self.reg.integrity.baselines.get(id.index())
    }
    /// The server's last comparison, if it found a mismatch: the warning its pages show until a
    /// later scan matches (or a new baseline is approved).
    pub fn integrity_warning(&self, server: ItemId) -> Option<&Comparison> {
        let last = self.comparisons_of(server).last()?;
        let current = self.reg.integrity.current.get(&server)?;
        (last.mismatch() && last.baseline == *current).then_some(last)
    }
    pub(crate) fn next_baseline(&self) -> BaselineId {
        BaselineId(u32::try_from(self.reg.integrity.baselines.len()).unwrap_or(u32::MAX))
    }
    pub(crate) fn next_comparison(&self) -> ComparisonId {
        ComparisonId(u32::try_from(self.reg.integrity.comparisons.len()).unwrap_or(u32::MAX))
    }

    // ---- applying ---------------------------------------------------------------------
}

// ---- how each register kind enters the world (`world::apply::Put`) -----------------

impl Put for Baseline {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.item(self.server)?;
        let i = self.id.index();
        let reg = &mut world.reg.integrity;
        match i.cmp(&reg.baselines.len()) {
            std::cmp::Ordering::Less => {
                if reg.baselines[i].server != self.server {
                    return Err(corrupt(format!("{} changes its server", self.id)));
                }
            }
            std::cmp::Ordering::Equal => {}
            std::cmp::Ordering::Greater => return Err(corrupt(format!("{} skips ahead", self.id))),
        }
        let (id, server, approved) = (self.id, self.server, self.approved());
        if i == reg.baselines.len() {
            reg.baselines.push(self);
            reg.baselines_of.entry(server).or_default().push(id);
        } else {
            reg.baselines[i] = self;
        }
        // The current baseline is the approved one with the highest id, so that a cold start
        // (which loads the last state of every baseline in id order) finds the same one.
        if approved && reg.current.get(&server).is_none_or(|c| *c < id) {
            reg.current.insert(server, id);
        }
        Ok(())
    }
}

impl Put for Comparison {
    fn put(self, world: &mut World) -> Result<(), Error> {
        world.item(self.server)?;
        if world.baseline(self.baseline)?.server != self.server {
            return Err(corrupt(format!("{} compares another server's baseline", self.id)));
        }
        let i = self.id.index();
        let reg = &mut world.reg.integrity;
        match i.cmp(&reg.comparisons.len()) {
            std::cmp::Ordering::Less => reg.comparisons[i] = self,
            std::cmp::Ordering::Equal => {
                reg.comparisons_of.entry(self.server).or_default().push(self.id);
                reg.comparisons.push(self);
            }
            std::cmp::Ordering::Greater => return Err(corrupt(format!("{} skips ahead", self.id))),
        }
        Ok(())
    }
}
