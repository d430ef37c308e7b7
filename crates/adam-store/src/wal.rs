//! Copying SQLite's write-ahead log back into the database, off the commit path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
//! commit returns only once up to 16 MiB of WAL has been copied into the database file and
//! synced — tens to hundreds of milliseconds on a loaded disk — and every request waiting for
//! it waits as long (a recorded check waits for its access record's commit, issue #14; the
//! checkpoints were most of that wait's tail). Here the pooled connections' WAL hook only
//! notes the WAL's size, and a thread of the store's own, on a connection of its own, runs a
//! *passive* checkpoint once the WAL holds [`CHECKPOINT_PAGES`]. A passive checkpoint takes no
//! write lock: commits go on appending to the WAL while it copies, and the next commit after
//! a complete one starts the WAL from its beginning again.
//!
//! Under steady writes a passive checkpoint never finds the WAL idle, so the WAL would never
//! start over: once it holds [`RESTART_PAGES`] the thread asks for a *restart* checkpoint,
//! which waits (at most [`RESTART_WAIT`]) for the writer of the moment, copies the few frames
//! the passive one left, and lets the next commit start the WAL from its beginning. Its wait is
//! bounded: when a writer or a reader keeps it waiting longer, it does what a passive one
//! does and the next round tries again.
//!
//! Architecture invariant: no commit waits for a checkpoint longer than [`RESTART_WAIT`] plus
//! the copy of the frames written since the last passive checkpoint; a restart that could not
//! finish is not tried again for [`RESTART_BACKOFF`].

use rusqlite::hooks::Wal;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// WAL pages (of 4 KiB) after which the thread checkpoints: 16 MiB, SQLite's threshold before
/// (`sqlite.rs`: a page written by several commits in a row is copied once).
pub(crate) const CHECKPOINT_PAGES: i32 = 4096;
/// WAL pages after which the thread makes the WAL start over (a restart checkpoint).
pub(crate) const RESTART_PAGES: i32 = 2 * CHECKPOINT_PAGES;
/// How long a restart checkpoint waits for the writer and the readers of the moment (the
/// checkpoint connection's busy timeout) before settling for a passive one.
pub(crate) const RESTART_WAIT: Duration = Duration::from_millis(20);
/// How long after a restart checkpoint that could not finish (a long reader) the next is tried.
const RESTART_BACKOFF: Duration = Duration::from_secs(2);
/// The least time between two of the thread's checkpoints: a reader holding old frames keeps
/// the WAL from restarting, and every commit then reports it as large again; one attempt per
/// pause is enough.
const PAUSE: Duration = Duration::from_millis(50);

#[derive(Default)]
struct State {
    /// The WAL's size in pages after the last commit.
    pages: i32,
    /// Checkpoints the thread has run (tests).
    rounds: u64,
    /// Commits checkpoint themselves, as SQLite's automatic checkpoint does (benchmarks: the
    /// comparison).
    inline: bool,
    stop: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The store's checkpoint thread; stopped (and joined) when dropped.
pub(crate) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on `conn`, a connection used for nothing else.
    pub(crate) fn start(conn: rusqlite::Connection) -> Checkpointer {
        let shared = Arc::new(Shared::default());
        let mine = shared.clone();
        // The restart's wait for the writer and readers of the moment is this connection's
        // busy timeout.
        let thread = conn.busy_timeout(RESTART_WAIT).ok().and_then(|()| {
            std::thread::Builder::new()
                .name("adam-wal-checkpoint".to_owned())
                .spawn(move || run(&mine, &conn))
                .ok()
        });
        Checkpointer { shared, thread }
    }

    /// What a pooled connection needs to report its commits to the thread; `None` when the
    /// thread could not start, and the connections keep SQLite's own checkpoints.
    pub(crate) fn reporter(&self) -> Option<Reporter> {
        self.thread.as_ref().map(|_| Reporter(self.shared.clone()))
    }

    /// Makes commits checkpoint the WAL themselves again, as SQLite's automatic checkpoint
    /// does (`true`), or leaves it to the thread (`false`, the default).
    pub(crate) fn set_inline(&self, inline: bool) {
        self.shared.lock().inline = inline;
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Installs the WAL hook on a connection that writes.
#[derive(Clone)]
pub(crate) struct Reporter(Arc<Shared>);

impl Reporter {
    /// Replaces the connection's automatic checkpoint (itself a WAL hook) with a note to the
    /// thread.
    pub(crate) fn install(&self, conn: &mut rusqlite::Connection) -> rusqlite::Result<()> {
        let shared = self.0.clone();
        conn.wal_hook(Some(move |wal: &mut Wal, pages: i32| {
            let inline = {
                let mut state = shared.lock();
                state.pages = if state.inline { 0 } else { pages };
                state.inline
            };
            if pages >= CHECKPOINT_PAGES {
                if inline {
                    // The commit has happened; an error here would only make its statement
                    // report one.
                    let _ = wal.checkpoint_v2(rusqlite::wal::CheckpointMode::PASSIVE);
                } else {
                    shared.wake.notify_one();
                }
            }
            Ok(())
        }))
    }
}

fn run(shared: &Shared, conn: &rusqlite::Connection) {
    // When a restart found a reader it could not wait for (a backup, a verification: seconds
    // long), the next one waits a while: each attempt holds the writer for up to RESTART_WAIT.
    let mut restart_after = std::time::Instant::now();
    loop {
        {
            let mut state = shared.lock();
            while !state.stop && state.pages < CHECKPOINT_PAGES {
                state = shared.wake.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            if state.stop {
                return;
            }
            state.pages = 0;
        }
        // A busy or failed checkpoint leaves the frames for the next one; nothing is lost.
        let log = conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get::<_, i64>(1))
            .unwrap_or(0);
        if log >= i64::from(RESTART_PAGES) && std::time::Instant::now() >= restart_after {
            let busy = conn
                .query_row("PRAGMA wal_checkpoint(RESTART)", [], |row| row.get::<_, i64>(0))
                .unwrap_or(1);
            if busy != 0 {
                restart_after = std::time::Instant::now() + RESTART_BACKOFF;
            }
        }
        shared.lock().rounds += 1;
        std::thread::sleep(PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).expect("open");
        let _: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .expect("wal");
        // Speed only: these tests are about who checkpoints, not about durability.
        conn.pragma_update(None, "synchronous", "OFF").expect("synchronous");
        conn.execute_batch("CREATE TABLE IF NOT EXISTS t (x BLOB)")
            .expect("table");
        conn
    }

    /// Writes `rows` rows of 16 KiB, one commit each (4 WAL pages and more per commit).
    fn write(conn: &rusqlite::Connection, rows: usize) {
        let blob = vec![7u8; 16 * 1024];
        for _ in 0..rows {
            conn.execute("INSERT INTO t (x) VALUES (?1)", [&blob]).expect("insert");
        }
    }

    #[test]
    fn a_commit_no_longer_checkpoints_itself() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("wal.db");
        let mut writer = open(&path);
        // A reporter whose thread never runs: what the commits alone do.
        let shared = Arc::new(Shared::default());
        Reporter(shared.clone()).install(&mut writer).expect("hook");
        write(&writer, 1500);
        // SQLite's automatic checkpoint would have copied the WAL back at 4,096 pages and the
        // WAL would have started over; with the hook, it keeps growing.
        let pages = shared.lock().pages;
        assert!(pages > CHECKPOINT_PAGES + 1000, "the WAL holds {pages} pages");
        // And the file says the same (it only grows while no checkpoint lets it start over).
        let wal = std::fs::metadata(dir.path().join("wal.db-wal"))
            .expect("wal file")
            .len();
        assert!(wal > 20 * 1024 * 1024, "the WAL file is {wal} bytes");
    }

    #[test]
    fn the_thread_copies_the_wal_back_and_it_starts_over() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("wal.db");
        let mut writer = open(&path);
        let checkpointer = Checkpointer::start(open(&path));
        checkpointer
            .reporter()
            .expect("thread")
            .install(&mut writer)
            .expect("hook");
        write(&writer, 1500);
        // Wait (bounded) for the thread's round; then a commit finds the WAL copied and starts
        // it over.
        let mut restarted = false;
        for _ in 0..1500 {
            std::thread::sleep(Duration::from_millis(10));
            if checkpointer.shared.lock().rounds == 0 {
                continue;
            }
            write(&writer, 1);
            if checkpointer.shared.lock().pages < CHECKPOINT_PAGES {
                restarted = true;
                break;
            }
        }
        assert!(
            restarted,
            "the WAL never started over: {} pages",
            checkpointer.shared.lock().pages
        );
        drop(checkpointer);
        let count: i64 = writer
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .expect("count");
        assert!(count > 1500);
    }
}
