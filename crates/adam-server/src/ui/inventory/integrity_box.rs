//! The integrity box of an inventory item's page (Decree Art. 50(4)–(5)): for a server with
//! an approved baseline, a warning when its last scan did not match (the scan's date and what
//! differs) or a line saying it matched. What stands where is the service's
//! (`service::integrity::item_status`), and so is who may see it (those who read the
//! server's integrity records); the page shows nothing to others.

use crate::service::integrity::{ItemIntegrity, item_status};
use adam_core::register::integrity::Outcome;
use adam_core::*;

/// Paths listed per kind of difference before "…".
const SHOWN: usize = 10;

/// What the box shows.
pub(crate) enum IntegrityBox {
    /// The last scan did not match.
    Mismatch {
        /// The scan's day (Ljubljana).
        date: String,
        /// The server's id (for the API's details).
        server: u32,
        added: Vec<String>,
        removed: Vec<String>,
        changed: Vec<String>,
        /// How many of each there are in all.
        counts: (usize, usize, usize),
    },
    /// Approved; the last scan matched on this day.
    Matched(String),
    /// Approved; no scan since.
    NoScan,
}

impl IntegrityBox {
    /// The box for item `id`, if the caller sees one.
    pub(crate) fn of(w: &World, caller: &crate::authn::Caller, id: ItemId, now: Timestamp) -> Option<IntegrityBox> {
        let day = |t: Timestamp| LocalDate::of(t).to_string();
        Some(match item_status(w, caller, id, now)? {
            ItemIntegrity::NoScan => IntegrityBox::NoScan,
            ItemIntegrity::Matched(at) => IntegrityBox::Matched(day(at)),
            ItemIntegrity::Mismatch(c) => {
                let Outcome::Mismatch { diff } = &c.outcome else {
                    return Some(IntegrityBox::Matched(day(c.scanned_at)));
                };
                let first = |v: Vec<String>| v.into_iter().take(SHOWN).collect::<Vec<_>>();
                IntegrityBox::Mismatch {
                    date: day(c.scanned_at),
                    server: c.server.0,
                    counts: (diff.added.len(), diff.removed.len(), diff.changed.len()),
                    added: first(diff.added.clone()),
                    removed: first(diff.removed.clone()),
                    changed: first(diff.changed.iter().map(|f| f.path.clone()).collect()),
                }
            }
        })
    }
}
