//! "As of" answers (issue #14, item 16): a question about an earlier instant is answered by
//! the world as it stood then — the change log replayed up to the last revision committed at
//! or before that instant (`Store::world_at`, as the access-rights register does) — not by
//! today's records evaluated at that instant (a document created today did not exist
//! yesterday; an entry added today did not grant anything then). The answer names the
//! revision of the world that answered.
//!
//! A question about an instant at or after the live world's last change is answered by the
//! live world (nothing changed since). Replaying is linear in the change log, so the last few
//! past worlds are kept, each with the span of instants it answers for
//! (`[its revision's instant, the next revision's instant)`).

use crate::error::ApiResult;
use crate::state::{AppState, PastWorld, blocking};
use adam_core::{Revision, Timestamp, World};
use std::sync::{Arc, PoisonError};

/// Past worlds kept at once: each is as large as the live world.
const KEEP: usize = 2;

/// The instant revision `r` was committed, from the change log (`None` for revision 0).
async fn instant_of(s: &AppState, r: Revision) -> ApiResult<Option<Timestamp>> {
    if r.0 == 0 {
        return Ok(None);
    }
    let store = s.store.clone();
    let log = blocking(move || store.change_log(Revision(r.0 - 1), 1)).await??;
    Ok(log.into_iter().find(|c| c.revision == r).map(|c| c.at))
}

impl AppState {
    /// The world that answers a question as of `at`: `None` when the live world does (no `at`,
    /// or nothing changed since `at`), else the world as it stood at `at`, replayed from the
    /// change log (or kept from an earlier question about the same span).
    pub async fn world_as_of(&self, at: Option<Timestamp>) -> ApiResult<Option<Arc<World>>> {
        let Some(at) = at else {
            return Ok(None);
        };
        let live = self.revision();
        let known = {
            let cache = self.past.lock().unwrap_or_else(PoisonError::into_inner);
            cache.live.filter(|(r, _)| *r == live).map(|(_, t)| t)
        };
        let live_since = match known {
            Some(t) => t,
            None => {
                let Some(t) = instant_of(self, live).await? else {
                    return Ok(None);
                };
                self.past.lock().unwrap_or_else(PoisonError::into_inner).live = Some((live, t));
                t
            }
        };
        if at >= live_since {
            return Ok(None);
        }
        if let Some(w) = self
            .past
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .worlds
            .iter()
            .find(|p| p.from.is_none_or(|f| f <= at) && p.until.is_some_and(|u| at < u))
        {
            return Ok(Some(w.world.clone()));
        }
        let store = self.store.clone();
        let world = Arc::new(blocking(move || store.world_at(at)).await??);
        let r = world.revision();
        let from = instant_of(self, r).await?;
        let until = instant_of(self, Revision(r.0 + 1)).await?;
        let mut cache = self.past.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.worlds.len() >= KEEP {
            cache.worlds.remove(0);
        }
        cache.worlds.push(PastWorld {
            from,
            until,
            world: world.clone(),
        });
        Ok(Some(world))
    }
}

/// The world that answers a question: the live one (read-locked: hold it briefly), or a past one.
pub(crate) enum Answering<'a> {
    /// The live world.
    Live(std::sync::RwLockReadGuard<'a, World>),
    /// The world as it stood at the instant asked about.
    Past(Arc<World>),
}

impl std::ops::Deref for Answering<'_> {
    type Target = World;
    fn deref(&self) -> &World {
        match self {
            Answering::Live(w) => w,
            Answering::Past(w) => w,
        }
    }
}

/// The live world, or `past` when there is one (from [`AppState::world_as_of`]).
pub(crate) fn answering<'a>(s: &'a AppState, past: &Option<Arc<World>>) -> Answering<'a> {
    match past {
        Some(w) => Answering::Past(w.clone()),
        None => Answering::Live(s.world()),
    }
}
