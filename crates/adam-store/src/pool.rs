//! A small blocking connection pool.
//!
//! The server calls the store from tokio's blocking threads, several at a time (a commit, a
//! token look-up, an audit page). Each backend keeps a few connections so those calls do not
//! queue behind one another, but never more than `max`: past that a caller waits for one to be
//! returned. A connection that reports itself broken (the database went away) is dropped on
//! return instead of being reused, and the next caller opens a fresh one.

use crate::StoreError;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// What the pool needs to know about a connection.
pub(crate) trait Connection: Send {
    /// Whether the connection can no longer be used.
    fn is_broken(&self) -> bool;
}

type Connect<C> = Box<dyn Fn() -> Result<C, StoreError> + Send + Sync>;

struct State<C> {
    idle: Vec<C>,
    open: usize,
}

/// A pool of at most `max` connections, opened on demand.
pub(crate) struct Pool<C: Connection> {
    state: Mutex<State<C>>,
    returned: Condvar,
    max: usize,
    connect: Connect<C>,
}

impl<C: Connection> Pool<C> {
    /// A pool that opens connections with `connect`; `first` is an already open connection.
    pub(crate) fn new(max: usize, first: C, connect: Connect<C>) -> Pool<C> {
        Pool {
            state: Mutex::new(State {
                idle: vec![first],
                open: 1,
            }),
            returned: Condvar::new(),
            max: max.max(1),
            connect,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<C>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with a connection: an idle one, a new one while fewer than `max` are open, or
    /// the next one returned. The connection goes back to the pool afterwards.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut C) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut conn = self.take()?;
        // Should `f` panic, the connection is dropped while unwinding; the guard gives its
        // place back so the pool does not shrink for ever.
        let place = Place { pool: self };
        let out = f(&mut conn);
        std::mem::forget(place);
        self.give_back(conn);
        out
    }

    /// Opens a connection outside the pool, for one caller to use and drop: a worker of
    /// `verify`, which must not wait for pooled connections while its caller holds one.
    pub(crate) fn open_extra(&self) -> Result<C, StoreError> {
        (self.connect)()
    }

    fn take(&self) -> Result<C, StoreError> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(conn);
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return (self.connect)().inspect_err(|_| self.release());
            }
            state = self.returned.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Forgets one open connection (it was dropped or never opened).
    fn release(&self) {
        self.lock().open -= 1;
        self.returned.notify_one();
    }

    fn give_back(&self, conn: C) {
        if conn.is_broken() {
            drop(conn);
            self.release();
        } else {
            self.lock().idle.push(conn);
            self.returned.notify_one();
        }
    }
}

/// The place of a connection on loan, released if the borrower panics.
struct Place<'p, C: Connection> {
    pool: &'p Pool<C>,
}

impl<C: Connection> Drop for Place<'_, C> {
    fn drop(&mut self) {
        self.pool.release();
    }
}
