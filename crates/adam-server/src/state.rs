//! The server's state and its single write path.
//!
//! The world lives in memory behind a read–write lock; the store is the truth on disk. Every
//! change goes through [`AppState::execute_as_guarded`] (a request's through
//! [`AppState::execute`], defined beside `Caller` in `authn/caller.rs`): under the process's
//! one writer lock it catches up with the change log (other servers may have written), plans the command against the
//! world, persists the plan in one store transaction (tables, change log, audit trail) and
//! only then commits it to the world. When another server claimed the revision first, it
//! catches up and plans again. A follower task keeps the world in step with the change log,
//! and a request may ask for "at least revision N" to read its own writes through another
//! server.
//!
//! The state names nothing of the layers above it: what follows a commit is a hook the service
//! layer supplies when it opens the state (`service/notices.rs`: `AppState::open`, `load`), the
//! reminders' task is started by `service/process/events.rs`, the `Replica` is `replica/`'s.
//!
//! Why one file of about 800 lines: the write path and the background tasks that write (the
//! access-record writer, the checkpoint keeper) share the one writer lock and the state's
//! fields; their tests sit beside them.

use crate::error::{ApiResult, WebError};
use adam_core::{Actor, Command, Plan, Revision, Timestamp, World};
use adam_store::{ApiToken, AuditContext, NewAudit, Retention, Store, StoreError};
use axum::http::StatusCode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod access;
pub use access::{ACCESS_CHUNK, ACCESS_QUEUE};

/// Where the server's idea of "now" comes from.
#[derive(Debug)]
pub enum Clock {
    /// The system clock.
    System,
    /// A clock the tests set (seconds since the epoch).
    Manual(AtomicI64),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0),
            ),
            Clock::Manual(t) => Timestamp(t.load(Ordering::SeqCst)),
        }
    }

    /// Sets a manual clock (no effect on the system clock).
    pub fn set(&self, at: Timestamp) {
        if let Clock::Manual(t) = self {
            t.store(at.0, Ordering::SeqCst);
        }
    }
}

/// The default largest attachment, in bytes (25 MiB; `service::attachments` re-exports it as
/// `DEFAULT_MAX_BYTES`).
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// The application name written in audit records of API calls.
    pub application: String,
    /// How often the follower reads the change log.
    pub follow_every: Duration,
    /// How long a request waits for a revision it asked for.
    pub revision_wait: Duration,
    /// How long a looked-up token is trusted before it is read again (revocations by another
    /// server take effect within this time; revocations here take effect at once).
    pub token_cache: Duration,
    /// Days that access records (personal data) are kept before the purge (Art. 57(6)).
    pub audit_retention_days: u32,
    /// How often the end of the audit trail is signed and copied outside the database.
    pub audit_checkpoint_every: Duration,
    /// Sign-in, sessions, attempt limits and e-mail.
    pub auth: crate::authn_config::AuthConfig,
    /// A connection must send a request's whole head (request line and headers) within this
    /// time, and an idle kept-alive connection is closed after it: a client trickling bytes
    /// cannot hold connections open.
    pub header_read_timeout: Duration,
    /// The largest attachment accepted, in bytes (`service::attachments`; 25 MiB by default).
    pub attachment_max_bytes: u64,
    /// How often overdue steps of cases are looked for and their performers reminded.
    pub remind_every: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            application: "adam-api".to_owned(),
            follow_every: Duration::from_millis(250),
            revision_wait: Duration::from_secs(5),
            token_cache: Duration::from_secs(5),
            audit_retention_days: 90,
            audit_checkpoint_every: Duration::from_secs(60),
            auth: crate::authn_config::AuthConfig::default(),
            header_read_timeout: Duration::from_secs(10),
            attachment_max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES,
            remind_every: Duration::from_secs(300),
        }
    }
}

/// Tells a background task to stop: `true` sent, or the sender dropped. A task checks it
/// between rounds only, so a round in flight (a checkpoint, a purge) finishes first and a
/// stopped server writes nothing afterwards.
pub type Stop = tokio::sync::watch::Receiver<bool>;

/// Waits for `tick`'s next round; `false` once `stop` says the task is to end.
pub(crate) async fn next_tick(tick: &mut tokio::time::Interval, stop: &mut Stop) -> bool {
    if *stop.borrow() {
        return false;
    }
    tokio::select! {
        _ = tick.tick() => true,
        changed = stop.changed() => changed.is_ok() && !*stop.borrow(),
    }
}

/// The audit trail's background tasks ([`AppState::spawn_audit_tasks`]).
pub struct AuditTasks {
    /// The access-record writer's thread (`state/access.rs`): it ends on
    /// [`AppState::stop_access_writer`] or when the state is dropped; stop it after
    /// [`AppState::flush_access`].
    pub writer: Option<std::thread::JoinHandle<()>>,
    /// The checkpoint and purge keeper: it ends on its [`Stop`] after the round in flight.
    pub keeper: tokio::task::JoinHandle<()>,
}

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The parts of the state.
pub struct Inner {
    world: RwLock<World>,
    /// The storage.
    pub store: Arc<dyn Store>,
    writer: tokio::sync::Mutex<()>,
    /// The clock.
    pub clock: Clock,
    tokens: Mutex<HashMap<String, (ApiToken, Instant)>>,
    /// When each token's use was last written to the store (see [`AppState::token_used`]).
    token_uses: Mutex<HashMap<i64, Timestamp>>,
    /// Settings.
    pub config: Config,
    /// Why the server refuses changes, when it does (the audit trail failed its check at start).
    read_only: Mutex<Option<String>>,
    /// Access records waiting for the writer thread (group commit, `state/access.rs`).
    access: tokio::sync::mpsc::UnboundedSender<access::AccessMessage>,
    access_rx: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<access::AccessMessage>>>,
    /// Room in the access queue, in records: a request takes a permit per record before it
    /// queues them, and the writer gives them back once they are committed.
    access_room: Arc<tokio::sync::Semaphore>,
    /// Password hashing, attempt limits and the backup-code key.
    pub authn: crate::authn_config::Authn,
    /// The verification of the audit trail under way, shared by whoever asks meanwhile.
    pub(crate) verifying: SharedRun<adam_store::Verdict>,
    /// Worlds of past instants kept for "as of" questions (`service::past`).
    pub(crate) past: Mutex<PastWorlds>,
    /// The counters behind `GET /metrics`.
    pub metrics: crate::metrics::Metrics,
    /// This server's role at its site pair: primary, standby, fenced (`replica/`).
    pub replica: crate::replica::Replica,
    /// What the write path does after each commit (the service layer's notices).
    after_commit: AfterCommit,
}

/// What the write path does after each commit, outside the store's transaction: the e-mail and
/// notices the plan calls for. The service layer supplies it when it opens the state
/// (`service/notices.rs`), so that this module names nothing of the layer above it.
pub(crate) type AfterCommit = fn(&AppState, &Plan, &AuditContext);

/// Worlds of past instants kept for "as of" questions (`service::past`), and the instant of
/// the live world's revision.
#[derive(Default)]
pub(crate) struct PastWorlds {
    /// The live world's revision and the instant it was committed.
    pub(crate) live: Option<(Revision, Timestamp)>,
    /// Past worlds, oldest first.
    pub(crate) worlds: Vec<PastWorld>,
}

/// A past world and the instants it answers for: from its revision's instant (`None`: the
/// beginning) until the next revision's (`None` would be "still", which the live world
/// answers instead).
pub(crate) struct PastWorld {
    pub(crate) from: Option<Timestamp>,
    pub(crate) until: Option<Timestamp>,
    pub(crate) world: Arc<World>,
}

/// One run of a costly read at a time, shared by everyone who asked while it ran. `verify`
/// keeps every core busy for about a second per million records; reviewers who ask together
/// (or one who asks again and again) get the verdict of the run under way instead of starting
/// one run each.
pub(crate) struct SharedRun<T> {
    /// When the last run finished, and what it gave.
    last: tokio::sync::Mutex<Option<(Instant, T)>>,
}

impl<T: Clone> SharedRun<T> {
    pub(crate) fn new() -> SharedRun<T> {
        SharedRun {
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// Runs `f`, unless a run that finished after this call began (so one under way when it
    /// began) already answered it. Runs that fail are not shared.
    pub(crate) async fn run<E, F, Fut>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let asked = Instant::now();
        let mut last = self.last.lock().await;
        if let Some((done, value)) = last.as_ref()
            && *done >= asked
        {
            return Ok(value.clone());
        }
        let value = f().await?;
        *last = Some((Instant::now(), value.clone()));
        Ok(value)
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Runs blocking store work off the async threads, in the language of the request (so that
/// a refusal made there — the write path's — is said as the request's others are).
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let lang = crate::error::speaking();
    tokio::task::spawn_blocking(move || crate::error::speaking_in(lang, f))
        .await
        .map_err(|e| WebError::internal(&e))
}

impl AppState {
    /// Loads the world from the store, with what the write path does after each commit. This
    /// blocks. Everything else opens the state through `AppState::open` and `AppState::load`
    /// (`service/notices.rs`), which supply the service layer's notices.
    pub(crate) fn open_with(
        store: Arc<dyn Store>,
        clock: Clock,
        config: Config,
        after_commit: AfterCommit,
    ) -> Result<AppState, StoreError> {
        let world = store.load()?;
        // The quick check of the audit trail against its newest external checkpoint. A trail
        // that fails it is evidence of tampering: the server says so in the trail itself and
        // refuses every change until an operator has looked (`adam audit verify`).
        let verdict = store.audit_quick_check()?;
        let read_only = if verdict.intact() {
            None
        } else {
            let reason = verdict.summary();
            tracing::error!(verdict = %reason, "the audit trail failed its check at start; serving read-only");
            let event = NewAudit {
                retention: Retention::Change,
                context: AuditContext {
                    at: clock.now(),
                    actor: Actor::System,
                    source_ip: None,
                    application: Some(config.application.clone()),
                },
                action: "security.audit_chain_mismatch".to_owned(),
                object: adam_core::AuditObject {
                    kind: adam_core::EntityKind::Audit,
                    id: 0,
                    label: "audit trail".to_owned(),
                },
                before: None,
                after: serde_json::to_value(&verdict).ok(),
                outcome: "read-only".to_owned(),
            };
            if let Err(e) = store.append_audit(&[event]) {
                tracing::error!(error = %e, "the security event could not be recorded");
            }
            Some(reason)
        };
        let replica = crate::replica::Replica::new(&store.replication_state()?);
        let (access, access_rx) = tokio::sync::mpsc::unbounded_channel();
        let authn = crate::authn_config::Authn::new(&config.auth, clock.now())
            .map_err(|e| StoreError::Database(format!("authentication could not start: {e}")))?;
        Ok(AppState(Arc::new(Inner {
            authn,
            world: RwLock::new(world),
            store,
            writer: tokio::sync::Mutex::new(()),
            clock,
            tokens: Mutex::new(HashMap::new()),
            token_uses: Mutex::new(HashMap::new()),
            config,
            read_only: Mutex::new(read_only),
            access,
            access_rx: Mutex::new(Some(access_rx)),
            access_room: Arc::new(tokio::sync::Semaphore::new(ACCESS_QUEUE)),
            verifying: SharedRun::new(),
            past: Mutex::new(PastWorlds::default()),
            metrics: crate::metrics::Metrics::default(),
            replica,
            after_commit,
        })))
    }

    /// Why the server refuses changes, if it does.
    pub fn read_only(&self) -> Option<String> {
        self.read_only.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Starts the audit trail's background work: the access-record writer, and the keeper
    /// that signs a checkpoint every [`Config::audit_checkpoint_every`] and runs the retention
    /// purge once a day, until `stop` says so (or its sender is gone).
    pub fn spawn_audit_tasks(&self, stop: Stop) -> AuditTasks {
        let writer = self.spawn_access_writer();
        let me = self.clone();
        let mut stop = stop;
        let keeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(me.config.audit_checkpoint_every);
            let mut purged_day = None;
            while next_tick(&mut tick, &mut stop).await {
                let day = adam_store::audit::period_of(me.now().0);
                if me.audit_upkeep(purged_day != Some(day)).await {
                    purged_day = Some(day);
                }
            }
        });
        AuditTasks { writer, keeper }
    }

    /// One round of the audit keeper: a signed checkpoint and, with `purge`, the retention
    /// purge. Returns whether the purge ran. A standby does neither (its checkpoints and purges
    /// are its primary's), nor does a server whose trail failed its check: that trail is
    /// evidence, a checkpoint signed over it would vouch for what is left and a purge would
    /// destroy more of it.
    pub async fn audit_upkeep(&self, purge: bool) -> bool {
        if !self.replica.writes_upkeep() || self.read_only().is_some() {
            return false;
        }
        let now = self.now();
        let store = self.store.clone();
        if let Ok(Err(e)) = blocking(move || store.audit_checkpoint(now)).await {
            tracing::error!(error = %e, "the audit checkpoint failed");
        }
        if !purge {
            return false;
        }
        let store = self.store.clone();
        let context = self.context(Actor::System, None);
        let days = self.config.audit_retention_days;
        match blocking(move || store.audit_purge(&context, days)).await {
            Ok(Ok(report)) => {
                if report.records > 0 {
                    tracing::info!(
                        records = report.records,
                        through = report.through_period,
                        "audit retention purge"
                    );
                }
                true
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "the audit retention purge failed");
                false
            }
            Err(e) => {
                tracing::error!(detail = %e.detail, "the audit retention purge failed");
                false
            }
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Read access to the world. Hold it briefly: writers wait for it.
    pub fn world(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn world_mut(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The revision the world is at.
    pub fn revision(&self) -> Revision {
        self.world().revision()
    }

    /// Applies whatever the change log holds beyond the world's revision.
    pub fn catch_up_blocking(&self) -> Result<Revision, WebError> {
        loop {
            let at = self.revision();
            let changes = self.store.changes_since(at, 1000)?;
            if changes.is_empty() {
                return Ok(at);
            }
            let mut world = self.world_mut();
            for change in changes {
                if change.revision <= world.revision() {
                    continue;
                }
                if let Err(e) = world.apply_change_set(change) {
                    drop(world);
                    tracing::error!(error = %e, "the change log does not apply; reloading the world");
                    self.reload_blocking()?;
                    break;
                }
            }
        }
    }

    /// Replaces the world with a fresh load from the store.
    pub fn reload_blocking(&self) -> Result<(), WebError> {
        let fresh = self.store.load()?;
        *self.world_mut() = fresh;
        Ok(())
    }

    /// Waits until the world is at `revision` at least (reading the change log meanwhile).
    pub async fn wait_for(&self, revision: Revision) -> ApiResult<()> {
        let deadline = Instant::now() + self.config.revision_wait;
        loop {
            if self.revision() >= revision {
                return Ok(());
            }
            let me = self.clone();
            blocking(move || me.catch_up_blocking()).await??;
            if self.revision() >= revision {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(WebError::new(
                    StatusCode::CONFLICT,
                    "revision-not-reached",
                    format!(
                        "revision {} has not been committed (the latest is {})",
                        revision.0,
                        self.revision().0
                    ),
                )
                .with("current_revision", self.revision().0));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Keeps the world in step with the change log until the process ends.
    pub fn spawn_follower(&self, mut stop: Stop) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(me.config.follow_every);
            while next_tick(&mut tick, &mut stop).await {
                let inner = me.clone();
                match blocking(move || inner.catch_up_blocking()).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(detail = %e.detail, "following the change log failed"),
                    Err(e) => tracing::warn!(detail = %e.detail, "following the change log failed"),
                }
            }
        })
    }

    /// The audit context of a request.
    pub fn context(&self, actor: Actor, source_ip: Option<String>) -> AuditContext {
        AuditContext {
            at: self.now(),
            actor,
            source_ip,
            application: Some(self.config.application.clone()),
        }
    }

    /// The single write path for a given actor and audit context (the CLI and the demo use it;
    /// a request's goes through `AppState::execute`, which `authn/caller.rs` defines beside
    /// `Caller` so that this module need not name `authn`).
    pub async fn execute_as(&self, actor: Actor, context: AuditContext, command: Command) -> ApiResult<Plan> {
        self.execute_as_guarded(actor, context, command, |_| Ok(())).await
    }

    /// The write path with a precondition (an If-Match) checked under the writer lock, right
    /// before planning, so nothing can change between the check and the write.
    pub async fn execute_as_guarded(
        &self,
        actor: Actor,
        context: AuditContext,
        command: Command,
        guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
    ) -> ApiResult<Plan> {
        let _writer = self.writer.lock().await;
        let me = self.clone();
        let plan = blocking(move || me.execute_blocking(actor, &context, command, &guard)).await??;
        drop(_writer);
        self.replica.wait_for_standby(plan.revision()).await?;
        Ok(plan)
    }

    /// The write path, for callers already off the async threads and holding no lock.
    pub fn execute_blocking(
        &self,
        actor: Actor,
        context: &AuditContext,
        command: Command,
        guard: &dyn Fn(&World) -> ApiResult<()>,
    ) -> ApiResult<Plan> {
        self.replica.refuse_writes()?;
        if let Some(reason) = self.read_only() {
            return Err(WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "read-only",
                format!("the server accepts no changes: {reason}; an operator must run `adam audit verify`"),
            )
            .sl(format!(
                "strežnik ne sprejema sprememb: {reason}; operater mora zagnati `adam audit verify`"
            )));
        }
        for _ in 0..5 {
            self.catch_up_blocking()?;
            let plan = {
                let world = self.world();
                guard(&world)?;
                world
                    .plan(&actor, command.clone(), context.at)
                    .map_err(|e| WebError::from_engine(e, &world))?
            };
            match self.store.commit(&plan, context) {
                Ok(()) => {
                    let kept = plan.clone();
                    let committed = self.world_mut().commit(plan);
                    if let Err(e) = committed {
                        tracing::error!(error = %e, "a stored plan did not commit; reloading the world");
                        self.reload_blocking()?;
                    }
                    self.replica.bump();
                    (self.after_commit)(self, &kept, context);
                    return Ok(kept);
                }
                Err(StoreError::RevisionTaken(_) | StoreError::OutOfOrder { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "other changes kept being written at the same moment; try again",
        )
        .sl("hkrati so se ves čas zapisovale druge spremembe; poskusite znova"))
    }

    /// A token from the cache, or from the store when not cached or too old.
    pub(crate) async fn token(&self, hash: String) -> ApiResult<Option<ApiToken>> {
        if let Some((token, fetched)) = self.tokens.lock().unwrap_or_else(PoisonError::into_inner).get(&hash)
            && fetched.elapsed() < self.config.token_cache
        {
            return Ok(Some(token.clone()));
        }
        let store = self.store.clone();
        let key = hash.clone();
        let found = blocking(move || store.token_by_hash(&key)).await??;
        if let Some(token) = &found {
            self.tokens
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(hash, (token.clone(), Instant::now()));
        }
        Ok(found)
    }

    /// Notes that token `id` was used now: written to the store at most once a minute per
    /// token, off the request's path (a failed write loses one "last used" time, nothing else).
    pub(crate) fn token_used(&self, id: i64) {
        let now = self.now();
        {
            let mut uses = self.token_uses.lock().unwrap_or_else(PoisonError::into_inner);
            if uses.get(&id).is_some_and(|last| now.0 - last.0 < 60) {
                return;
            }
            uses.insert(id, now);
        }
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.touch_token(id, now) {
                tracing::warn!(error = %e, token = id, "the token's last use could not be recorded");
            }
        });
    }

    /// Forgets cached tokens (after a revocation here).
    pub(crate) fn forget_tokens(&self) {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod shared_run_tests {
    use super::SharedRun;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Callers who ask while a run is under way wait for it and get its result; a call after
    /// it runs again; a failure is not handed on.
    #[tokio::test(flavor = "current_thread")]
    async fn callers_during_a_run_share_its_result() {
        let shared = Arc::new(SharedRun::<u32>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let (shared, runs) = (shared.clone(), runs.clone());
            tokio::spawn(async move {
                shared
                    .run(|| async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        let _ = released.await;
                        Ok::<_, ()>(7)
                    })
                    .await
            })
        };
        // On this one-thread runtime a yield lets the first call take the lock and wait.
        tokio::task::yield_now().await;
        let others: Vec<_> = (0..3)
            .map(|i| {
                let (shared, runs) = (shared.clone(), runs.clone());
                tokio::spawn(async move {
                    shared
                        .run(|| async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, ()>(100 + i)
                        })
                        .await
                })
            })
            .collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the others wait for the run under way");
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(7));
        for other in others {
            assert_eq!(other.await.unwrap(), Ok(7));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);

        // Asked after the run finished: a run of its own.
        let again = shared
            .run(|| async {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(9)
            })
            .await;
        assert_eq!(again, Ok(9));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(shared.run(|| async { Err::<u32, _>("broken") }).await, Err("broken"));
    }
}
