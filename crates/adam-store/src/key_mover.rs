//! The store's mover of audit search keys: the plan of the batch being moved, kept between
//! write transactions and prepared off the write lock.
//!
//! This is only the shared state — which batch is being prepared, the plan once ready, the
//! chunk size — and knows nothing of SQL. The moving itself (reading a plan, moving a chunk,
//! the watermark) is `audit/index.rs`'s. The state lives here, below both `sql.rs` and
//! `audit/`, so that `sql::Writes` can lend it to each write transaction without `sql.rs`
//! naming the audit, which builds on `sql.rs` (ARCHITECTURE.md: "`sql` names no module above
//! it").

use crate::StoreError;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Keys moved per write transaction: each chunk writes a few dozen contiguous pages of the
/// lookup tables and holds the write lock for a millisecond or two.
pub(crate) const INDEX_CHUNK: u64 = 2_048;

/// One key of `audit_by_object`, in its key order.
pub(crate) type ObjectKey = (i64, String, i64, i64);
/// One key of `audit_by_actor`, in its key order.
pub(crate) type ActorKey = (i64, i64, i64);

/// A batch's keys, sorted in the lookup tables' order.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) id: i64,
    pub(crate) through: u64,
    pub(crate) objects: Vec<ObjectKey>,
    pub(crate) actors: Vec<ActorKey>,
}

#[derive(Debug)]
enum State {
    Idle,
    Preparing { through: u64 },
    Ready(Arc<Plan>),
}

/// A store's mover: the plan of the batch being moved, prepared off the write lock.
#[derive(Debug)]
pub(crate) struct Mover {
    state: Mutex<State>,
    chunk: AtomicU64,
    /// Whether a plan is prepared on a thread of its own (the server) or by the committing
    /// thread right after its commit (tests: every step deterministic).
    beside: std::sync::atomic::AtomicBool,
    next_id: AtomicI64,
}

impl Default for Mover {
    fn default() -> Mover {
        // Plan ids differ across processes, so a plan recorded by an earlier process is never
        // taken for the new one's (its progress would skip keys).
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| i64::try_from(d.as_nanos() % (1 << 62)).unwrap_or(1));
        Mover {
            state: Mutex::new(State::Idle),
            chunk: AtomicU64::new(INDEX_CHUNK),
            beside: std::sync::atomic::AtomicBool::new(true),
            next_id: AtomicI64::new(seed),
        }
    }
}

impl Mover {
    /// Keys per write transaction, and whether plans are prepared on their own thread.
    pub(crate) fn configure(&self, chunk: u64, beside: bool) {
        self.chunk.store(chunk.max(1), Ordering::Relaxed);
        self.beside.store(beside, Ordering::Relaxed);
    }

    pub(crate) fn chunk(&self) -> u64 {
        self.chunk.load(Ordering::Relaxed)
    }

    pub(crate) fn beside(&self) -> bool {
        self.beside.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The plan for the batch ending at `through`, when it is ready.
    pub(crate) fn plan_for(&self, through: u64) -> Option<Arc<Plan>> {
        match &*self.lock() {
            State::Ready(plan) if plan.through == through => Some(Arc::clone(plan)),
            _ => None,
        }
    }

    /// Claims the preparation of the plan for the batch ending at `through`: `false` when it
    /// is being prepared or is ready already.
    pub(crate) fn claim(&self, through: u64) -> bool {
        let mut state = self.lock();
        match &*state {
            State::Preparing { through: t } if *t == through => false,
            State::Ready(plan) if plan.through == through => false,
            _ => {
                *state = State::Preparing { through };
                true
            }
        }
    }

    /// Hands over a prepared plan (or, on a failed read, lets the next transaction ask again).
    pub(crate) fn install(&self, through: u64, plan: Result<Plan, StoreError>) {
        let mut state = self.lock();
        if matches!(&*state, State::Preparing { through: t } if *t == through) {
            *state = match plan {
                Ok(plan) => State::Ready(Arc::new(plan)),
                // The next write transaction asks again (the database was busy or closing).
                Err(_) => State::Idle,
            };
        }
    }

    /// Drops a ready plan once its batch is moved (a plan is kept only while it is in use).
    pub(crate) fn forget(&self) {
        let mut state = self.lock();
        if matches!(&*state, State::Ready(_)) {
            *state = State::Idle;
        }
    }

    /// A new plan's id, unique across this process and (seeded from the clock) across earlier
    /// ones.
    pub(crate) fn next_plan_id(&self) -> i64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}
