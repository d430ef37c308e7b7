//! Attempt limits of Decree Art. 53(2), as a pure state machine.
//!
//! The limits slow the attacker, not the owner (issue 12, item 7). Four apply to every sign-in:
//!
//! - **per account and source** (the "pair"): after each failure the next attempt *from that
//!   source* must wait — 1 s, 2 s, 4 s, … up to a cap — and after N failures in a row the
//!   account is locked *for that source* (15 min by default). Each further lock of the same pair
//!   lasts longer (×4: 15 min, 1 h, 4 h, … up to a day) while the pair is remembered. The owner
//!   signing in from another address is not held back by someone else's guesses.
//! - **per account, everywhere**: consecutive failures from every source are counted; after 100
//!   (NIST SP 800-63B §5.2.2) the account is locked for everyone until a user administrator
//!   unlocks it ([`AttemptLimiter::unlock_account`]). A success ends the count.
//! - **per source address**: delays and escalating locks with looser numbers (many people share
//!   an office's address). A success does *not* end the address's run, or an attacker with one
//!   valid account could reset it between guesses. IPv6 addresses count per /64, since one
//!   machine usually has a whole /64.
//! - **global**: a token bucket of failures for the whole service, so that a distributed attack
//!   spread over many accounts and addresses is still slowed. While it is empty every attempt
//!   waits for the next token.
//!
//! Reset requests use the same machine with one limit per e-mail address for everyone (no
//! pairs): there the point is to protect the mailbox, not to let an owner in.
//!
//! Accounts are remembered under a SHA-256 of the lower-cased name ([`AccountKey`]), never the
//! name itself: a key is 32 bytes whatever a caller sends. Nothing here reads a clock or keeps a
//! timer: every call takes `now`, and entries idle for longer than the lock window are forgotten
//! ([`AttemptLimiter::prune`], also run when a table is full), so memory stays bounded.
//! `became_locked` in an [`Outcome`] tells the caller to raise a security event and tell the user
//! by e-mail (issue 5).
//!
//! Why one file past ~800 lines: the four limits are one state machine — a sign-in is allowed
//! by all of them or refused by the latest — and their shared state is written back as one
//! record; its tests are beside it in `limiter/tests.rs`.
//!
//! Why one file past ~800 lines: the four limits are one state machine over one table of
//! entries — an attempt moves every counter at once — and its unit tests sit beside it.

use crate::Timestamp;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;

/// A limit configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitPolicyError {
    /// A delay, lock or idle time that is not positive.
    #[error("{0} must be positive")]
    NotPositive(&'static str),
    /// The delay cap is below the first delay.
    #[error("the longest delay is shorter than the first")]
    CapBelowFirst,
    /// Entries would be forgotten while still locked, or by waiting out the longest delay.
    #[error("entries must be kept at least as long as the lock and longer than the longest delay")]
    ForgetTooSoon,
    /// Fewer than one entry allowed.
    #[error("the table must hold at least one entry")]
    NoRoom,
}

/// How one kind of key (accounts or addresses) is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitPolicy {
    first_delay: i64,
    max_delay: i64,
    lock_after: Option<u32>,
    lock_for: i64,
    forget_after: i64,
    max_entries: usize,
    /// Each further lock of a remembered key lasts this many times longer (1: all alike).
    lock_growth: i64,
    /// The longest lock (the growth stops there).
    max_lock: i64,
    /// How long after its last failure a key's earlier locks still make the next one longer.
    remember_locks: i64,
}

impl LimitPolicy {
    /// A lock that lasts until an administrator lifts it.
    pub const UNTIL_UNLOCKED: i64 = i64::MAX;

    /// An account from one source: 1 s doubling to 60 s, locked (for that source) for 15
    /// minutes after 10 failures in a row; each further lock within a day four times longer,
    /// up to a day.
    pub const ACCOUNT: LimitPolicy = LimitPolicy {
        first_delay: 1,
        max_delay: 60,
        lock_after: Some(10),
        lock_for: 15 * 60,
        forget_after: 15 * 60,
        max_entries: 100_000,
        lock_growth: 4,
        max_lock: 86_400,
        remember_locks: 86_400,
    };

    /// An account from every source together: no delays, and after 100 consecutive failures
    /// (NIST SP 800-63B) locked for everyone until a user administrator unlocks it. The count
    /// ends with a success, not with time.
    pub const ACCOUNT_TOTAL: LimitPolicy = LimitPolicy {
        first_delay: 0,
        max_delay: 0,
        lock_after: Some(100),
        lock_for: LimitPolicy::UNTIL_UNLOCKED,
        forget_after: i64::MAX,
        max_entries: 100_000,
        lock_growth: 1,
        max_lock: LimitPolicy::UNTIL_UNLOCKED,
        remember_locks: 0,
    };

    /// Source addresses: 1 s doubling to 10 s, locked for 15 minutes after 100 failures in a
    /// row (an office behind one address makes honest mistakes too); each further lock within
    /// a day four times longer, up to a day.
    pub const ADDRESS: LimitPolicy = LimitPolicy {
        first_delay: 1,
        max_delay: 10,
        lock_after: Some(100),
        lock_for: 15 * 60,
        forget_after: 15 * 60,
        max_entries: 100_000,
        lock_growth: 4,
        max_lock: 86_400,
        remember_locks: 86_400,
    };

    /// This policy with locks that grow `growth` times with each further lock of a key
    /// remembered for `remember` seconds, up to `max_lock` seconds.
    pub fn escalating(self, growth: i64, max_lock: i64, remember: i64) -> Result<LimitPolicy, LimitPolicyError> {
        if growth <= 0 || max_lock <= 0 || remember < 0 {
            return Err(LimitPolicyError::NotPositive("the lock growth"));
        }
        Ok(LimitPolicy {
            lock_growth: growth,
            max_lock: max_lock.max(self.lock_for),
            remember_locks: remember,
            ..self
        })
    }

    /// A policy; all times in seconds. `lock_after: None` never locks (delays only).
    pub fn new(
        first_delay: i64,
        max_delay: i64,
        lock_after: Option<u32>,
        lock_for: i64,
        forget_after: i64,
        max_entries: usize,
    ) -> Result<LimitPolicy, LimitPolicyError> {
        for (name, value) in [
            ("the first delay", first_delay),
            ("the lock duration", lock_for),
            ("the idle time", forget_after),
        ] {
            if value <= 0 {
                return Err(LimitPolicyError::NotPositive(name));
            }
        }
        if lock_after == Some(0) {
            return Err(LimitPolicyError::NotPositive("the failures before a lock"));
        }
        if max_delay < first_delay {
            return Err(LimitPolicyError::CapBelowFirst);
        }
        // Strictly longer than the longest delay: otherwise waiting out the delay would also
        // forget the run, and the delays would never grow past the cap's first step.
        if forget_after < lock_for || forget_after <= max_delay {
            return Err(LimitPolicyError::ForgetTooSoon);
        }
        if max_entries == 0 {
            return Err(LimitPolicyError::NoRoom);
        }
        Ok(LimitPolicy {
            first_delay,
            max_delay,
            lock_after,
            lock_for,
            forget_after,
            max_entries,
            lock_growth: 1,
            max_lock: lock_for,
            remember_locks: 0,
        })
    }

    /// How long the lock after `earlier` locks of the same key lasts.
    fn lock_length(&self, earlier: u32) -> i64 {
        let mut length = self.lock_for;
        for _ in 0..earlier.min(64) {
            length = length.saturating_mul(self.lock_growth);
            if length >= self.max_lock {
                return self.max_lock;
            }
        }
        length.min(self.max_lock.max(self.lock_for))
    }

    /// The wait after the `n`th failure of a run (n ≥ 1): first × 2^(n−1), capped.
    fn delay_after(&self, failures: u32) -> i64 {
        let doublings = failures.saturating_sub(1).min(62);
        self.first_delay.saturating_mul(1i64 << doublings).min(self.max_delay)
    }

    /// How long a lock lasts, in seconds.
    pub fn lock_seconds(&self) -> i64 {
        self.lock_for
    }

    /// The longest delay, in seconds.
    pub fn max_delay_seconds(&self) -> i64 {
        self.max_delay
    }

    /// How long a key may stay idle before its run is forgotten, in seconds.
    pub fn forget_after_seconds(&self) -> i64 {
        self.forget_after
    }
}

/// Why an attempt must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryReason {
    /// The account's delay after a failure.
    AccountDelay,
    /// The account is temporarily locked.
    AccountLocked,
    /// The source address's delay after a failure.
    AddressDelay,
    /// The source address is temporarily locked.
    AddressLocked,
    /// Too many failures across the whole service.
    Global,
}

/// An attempt refused: try again at `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts ({reason:?}); try again at {until}")]
pub struct Retry {
    /// The first instant an attempt is allowed again.
    pub until: Timestamp,
    /// Which limit.
    pub reason: RetryReason,
}

/// What one recorded failure did to one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// No attempt before this instant.
    pub delay_until: Timestamp,
    /// Locked until this instant, if locked.
    pub locked_until: Option<Timestamp>,
    /// This failure started the lock: raise a security event, tell the user.
    pub became_locked: bool,
}

/// The state of one key, as servers share it through the store: every server reads a key's
/// state before it decides and writes it after a failure, so an attacker who spreads attempts
/// over several servers meets one count, not one per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyState {
    /// Failures in the current run.
    pub failures: u32,
    /// No attempt before this instant.
    pub delay_until: Timestamp,
    /// Locked until this instant, if locked.
    pub locked_until: Option<Timestamp>,
    /// The last failure.
    pub last_failure: Timestamp,
    /// Locks of this key still remembered (each makes the next longer).
    #[serde(default)]
    pub locks: u32,
}

/// The state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Failures in the current run.
    failures: u32,
    delay_until: Timestamp,
    locked_until: Option<Timestamp>,
    last_failure: Timestamp,
    locks: u32,
}

impl Entry {
    /// Whether the entry still matters at `now`: locked, delayed, recent enough that its run
    /// continues, or carrying locks that would make the next one longer.
    fn is_live(&self, now: Timestamp, policy: &LimitPolicy) -> bool {
        let idle = now.0.saturating_sub(self.last_failure.0);
        self.locked_until.is_some_and(|until| now < until)
            || idle < policy.forget_after
            || (self.locks > 0 && idle < policy.remember_locks)
    }
}

/// Delays and locks for one kind of key.
#[derive(Debug, Clone)]
pub struct Limiter<K> {
    policy: LimitPolicy,
    entries: HashMap<K, Entry>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// An empty limiter.
    pub fn new(policy: LimitPolicy) -> Limiter<K> {
        Limiter {
            policy,
            entries: HashMap::new(),
        }
    }

    /// Whether `key` may attempt at `now`.
    pub fn check(&self, key: &K, now: Timestamp) -> Result<(), (Timestamp, bool)> {
        match self.entries.get(key) {
            Some(Entry {
                locked_until: Some(until),
                ..
            }) if now < *until => Err((*until, true)),
            Some(entry) if now < entry.delay_until => Err((entry.delay_until, false)),
            _ => Ok(()),
        }
    }

    /// Records a failed attempt by `key` at `now`.
    pub fn record_failure(&mut self, key: &K, now: Timestamp) -> Outcome {
        if !self.entries.contains_key(key) && self.entries.len() >= self.policy.max_entries {
            self.make_room(now);
        }
        let policy = self.policy;
        let fresh = |locks: u32| Entry {
            failures: 0,
            delay_until: now,
            locked_until: None,
            last_failure: now,
            locks,
        };
        let entry = self.entries.entry(key.clone()).or_insert(fresh(0));
        let idle = now.0.saturating_sub(entry.last_failure.0);
        let remembered = if idle < policy.remember_locks { entry.locks } else { 0 };
        if let Some(until) = entry.locked_until {
            if now < until {
                // A failure during a lock (the caller should have checked) neither extends the
                // lock nor counts: a lock never outlasts its window.
                return Outcome {
                    delay_until: entry.delay_until,
                    locked_until: Some(until),
                    became_locked: false,
                };
            }
            // The lock is over: a new run starts; the lock is remembered.
            *entry = fresh(entry.locks);
        } else if idle >= policy.forget_after {
            *entry = fresh(remembered);
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = now;
        if policy.lock_after.is_some_and(|n| entry.failures >= n) {
            let until = now.plus_seconds(policy.lock_length(entry.locks));
            entry.locked_until = Some(until);
            entry.delay_until = until;
            entry.failures = 0;
            entry.locks = entry.locks.saturating_add(1);
            return Outcome {
                delay_until: until,
                locked_until: Some(until),
                became_locked: true,
            };
        }
        entry.delay_until = now.plus_seconds(policy.delay_after(entry.failures));
        Outcome {
            delay_until: entry.delay_until,
            locked_until: None,
            became_locked: false,
        }
    }

    /// Ends `key`'s run (a successful attempt) or its lock (an administrator's unlock).
    pub fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Forgets every key `matches` accepts.
    pub fn clear_where(&mut self, matches: impl Fn(&K) -> bool) {
        self.entries.retain(|k, _| !matches(k));
    }

    /// The state of `key`, to share.
    pub fn state(&self, key: &K) -> Option<KeyState> {
        self.entries.get(key).map(|e| KeyState {
            failures: e.failures,
            delay_until: e.delay_until,
            locked_until: e.locked_until,
            last_failure: e.last_failure,
            locks: e.locks,
        })
    }

    /// Takes `key`'s state from the shared store (which holds the newest): `None` forgets it.
    pub fn adopt(&mut self, key: &K, state: Option<KeyState>) {
        match state {
            Some(s) => {
                self.entries.insert(
                    key.clone(),
                    Entry {
                        failures: s.failures,
                        delay_until: s.delay_until,
                        locked_until: s.locked_until,
                        last_failure: s.last_failure,
                        locks: s.locks,
                    },
                );
            }
            None => {
                self.entries.remove(key);
            }
        }
    }

    /// Forgets every entry that no longer matters at `now`.
    pub fn prune(&mut self, now: Timestamp) {
        let policy = self.policy;
        self.entries.retain(|_, entry| entry.is_live(now, &policy));
    }

    /// Number of keys remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Frees one place: prune, and if that frees nothing, drop the entry whose last failure is
    /// oldest, preferring one that is not locked (a flood of new keys then erases the oldest
    /// delays first, and locks only when the table is all locks).
    fn make_room(&mut self, now: Timestamp) {
        self.prune(now);
        if self.entries.len() < self.policy.max_entries {
            return;
        }
        let victim = self
            .entries
            .iter()
            .min_by_key(|(_, e)| (e.locked_until.is_some_and(|until| now < until), e.last_failure))
            .map(|(key, _)| key.clone());
        if let Some(key) = victim {
            self.entries.remove(&key);
        }
    }
}

/// A source address as counted: IPv4 as is, IPv6 by its /64 (IPv4-mapped IPv6 as IPv4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressKey(IpAddr);

impl std::fmt::Display for AddressKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

impl From<IpAddr> for AddressKey {
    fn from(address: IpAddr) -> AddressKey {
        match address {
            IpAddr::V4(v4) => AddressKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey(IpAddr::V4(v4)),
                None => AddressKey(IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into())),
            },
        }
    }
}

/// A token bucket of failures for the whole service: `capacity` failures at once, refilled at
/// `per_minute`. Kept in thousandths of a token so refills are exact in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalBudget {
    capacity: u32,
    per_minute: u32,
    milli_tokens: u64,
    updated: Timestamp,
}

impl GlobalBudget {
    /// 1000 failures at once, then 300 a minute (5 a second).
    pub const STANDARD: (u32, u32) = (1000, 300);

    /// A full bucket; `None` when either number is zero.
    pub fn new(capacity: u32, per_minute: u32, now: Timestamp) -> Option<GlobalBudget> {
        (capacity > 0 && per_minute > 0).then_some(GlobalBudget {
            capacity,
            per_minute,
            milli_tokens: u64::from(capacity) * 1000,
            updated: now,
        })
    }

    /// Thousandths of tokens at `now` (never more than the capacity; time going backwards adds none).
    fn level(&self, now: Timestamp) -> u64 {
        let elapsed = u64::try_from(now.0 - self.updated.0).unwrap_or(0);
        let refill = elapsed.saturating_mul(u64::from(self.per_minute)).saturating_mul(1000) / 60;
        self.milli_tokens
            .saturating_add(refill)
            .min(u64::from(self.capacity) * 1000)
    }

    /// `Err(until)` while the bucket is empty: the instant a whole token is back.
    pub fn check(&self, now: Timestamp) -> Result<(), Timestamp> {
        let level = self.level(now);
        if level >= 1000 {
            return Ok(());
        }
        // Seconds until 1000 milli-tokens, rounded up.
        let missing = 1000 - level;
        let per_second_milli = u64::from(self.per_minute) * 1000;
        let seconds = (missing * 60).div_ceil(per_second_milli);
        Err(now.plus_seconds(i64::try_from(seconds).unwrap_or(i64::MAX)))
    }

    /// Spends a token for a failure; `true` when the bucket is empty after it — this failure
    /// emptied it, or it was empty already. (Sign-ins are refused while it is empty, before any
    /// failure is counted, so "was already empty" alone would never be seen: the failure that
    /// empties the bucket is the one that reports the limit reached.)
    pub fn spend(&mut self, now: Timestamp) -> bool {
        let level = self.level(now);
        self.updated = Timestamp(now.0.max(self.updated.0));
        if level >= 1000 {
            self.milli_tokens = level - 1000;
            self.milli_tokens < 1000
        } else {
            self.milli_tokens = level;
            true
        }
    }
}

/// An account as the limits count it: the SHA-256 of its name in lower case (usernames differ
/// in case only by accident), so a key is 32 bytes whatever a caller sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountKey([u8; 32]);

impl AccountKey {
    /// The key of `account`.
    pub fn of(account: &str) -> AccountKey {
        let mut h = Sha256::new();
        h.update(b"adam-limit-account-v1\0");
        h.update(account.to_lowercase().as_bytes());
        AccountKey(h.finalize().into())
    }
}

impl std::fmt::Display for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// What one failed attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    /// The account's state: from this source when the limits count per source (sign-ins),
    /// otherwise for everyone (reset requests).
    pub account: Outcome,
    /// The account's consecutive failures from every source (sign-ins only): `became_locked`
    /// means locked for everyone until an administrator unlocks it.
    pub account_total: Option<Outcome>,
    /// The source address's state.
    pub address: Outcome,
    /// The global budget was empty: the service is under a broad attack (a security event).
    pub global_exhausted: bool,
}

/// The names under which the store shares one attempt's states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedKeys {
    /// The account for everyone: `account:<hash>`.
    pub account: String,
    /// The account from this source: `pair:<hash>:<address>` (sign-ins only).
    pub pair: Option<String>,
    /// The source address: `address:<ip or /64>`.
    pub address: String,
}

/// The shared states of one attempt's keys, in the order of [`SharedKeys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SharedStates {
    /// The account for everyone.
    pub account: Option<KeyState>,
    /// The account from this source.
    pub pair: Option<KeyState>,
    /// The source address.
    pub address: Option<KeyState>,
}

/// The limits together, as the login and reset handlers use them.
#[derive(Debug, Clone)]
pub struct AttemptLimiter {
    accounts: Limiter<AccountKey>,
    pairs: Option<Limiter<(AccountKey, AddressKey)>>,
    addresses: Limiter<AddressKey>,
    global: GlobalBudget,
}

impl AttemptLimiter {
    /// Limits with one account policy for everyone (reset requests: per e-mail address), the
    /// address policy and the global budget.
    pub fn new(account: LimitPolicy, address: LimitPolicy, global: GlobalBudget) -> AttemptLimiter {
        AttemptLimiter {
            accounts: Limiter::new(account),
            pairs: None,
            addresses: Limiter::new(address),
            global,
        }
    }

    /// Sign-in limits: `pair` per account and source, `total` per account from every source,
    /// `address` per source, and the global budget.
    pub fn per_source(
        pair: LimitPolicy,
        total: LimitPolicy,
        address: LimitPolicy,
        global: GlobalBudget,
    ) -> AttemptLimiter {
        AttemptLimiter {
            accounts: Limiter::new(total),
            pairs: Some(Limiter::new(pair)),
            addresses: Limiter::new(address),
            global,
        }
    }

    /// The standard sign-in limits, with the global bucket full at `now`.
    pub fn standard(now: Timestamp) -> AttemptLimiter {
        let (capacity, per_minute) = GlobalBudget::STANDARD;
        let global = GlobalBudget {
            capacity,
            per_minute,
            milli_tokens: u64::from(capacity) * 1000,
            updated: now,
        };
        AttemptLimiter::per_source(
            LimitPolicy::ACCOUNT,
            LimitPolicy::ACCOUNT_TOTAL,
            LimitPolicy::ADDRESS,
            global,
        )
    }

    /// The names under which the store shares the states of an attempt on `account` from
    /// `address`; fixed-size whatever `account` is.
    pub fn shared_keys(&self, account: &str, address: IpAddr) -> SharedKeys {
        let a = AccountKey::of(account);
        let ip = AddressKey::from(address);
        SharedKeys {
            account: format!("account:{a}"),
            pair: self.pairs.as_ref().map(|_| format!("pair:{a}:{ip}")),
            address: format!("address:{ip}"),
        }
    }

    /// The prefix of every pair key of `account` (to forget them all at an unlock).
    pub fn pair_prefix(account: &str) -> String {
        format!("pair:{}:", AccountKey::of(account))
    }

    /// The states of an attempt's keys, to share.
    pub fn states(&self, account: &str, address: IpAddr) -> SharedStates {
        let a = AccountKey::of(account);
        let ip = AddressKey::from(address);
        SharedStates {
            account: self.accounts.state(&a),
            pair: self.pairs.as_ref().and_then(|p| p.state(&(a, ip))),
            address: self.addresses.state(&ip),
        }
    }

    /// Takes the states of an attempt's keys from the shared store (`None` forgets).
    pub fn adopt(&mut self, account: &str, address: IpAddr, states: SharedStates) {
        let a = AccountKey::of(account);
        let ip = AddressKey::from(address);
        self.accounts.adopt(&a, states.account);
        if let Some(p) = self.pairs.as_mut() {
            p.adopt(&(a, ip), states.pair);
        }
        self.addresses.adopt(&ip, states.address);
    }

    /// Takes only the address's state from the shared store (an attempt on an account that
    /// does not exist: its account states are kept by this server alone, never stored).
    pub fn adopt_address(&mut self, address: IpAddr, state: Option<KeyState>) {
        self.addresses.adopt(&AddressKey::from(address), state);
    }

    /// Whether an attempt on `account` from `address` may go ahead at `now`; if not, the latest
    /// of the instants the limits that apply will allow it.
    pub fn check(&self, account: &str, address: IpAddr, now: Timestamp) -> Result<(), Retry> {
        let a = AccountKey::of(account);
        let ip = AddressKey::from(address);
        let mut refusals = Vec::new();
        let mut account_limit = |result: Result<(), (Timestamp, bool)>| {
            if let Err((until, locked)) = result {
                refusals.push(Retry {
                    until,
                    reason: if locked {
                        RetryReason::AccountLocked
                    } else {
                        RetryReason::AccountDelay
                    },
                });
            }
        };
        account_limit(self.accounts.check(&a, now));
        if let Some(p) = &self.pairs {
            account_limit(p.check(&(a, ip), now));
        }
        if let Err((until, locked)) = self.addresses.check(&ip, now) {
            refusals.push(Retry {
                until,
                reason: if locked {
                    RetryReason::AddressLocked
                } else {
                    RetryReason::AddressDelay
                },
            });
        }
        if let Err(until) = self.global.check(now) {
            refusals.push(Retry {
                until,
                reason: RetryReason::Global,
            });
        }
        // The latest instant wins; on a tie the first (most specific) limit is named.
        let mut worst: Option<Retry> = None;
        for refusal in refusals {
            if worst.is_none_or(|w| refusal.until > w.until) {
                worst = Some(refusal);
            }
        }
        worst.map_or(Ok(()), Err)
    }

    /// Records a failed attempt on `account` from `address`.
    pub fn record_failure(&mut self, account: &str, address: IpAddr, now: Timestamp) -> FailureOutcome {
        let a = AccountKey::of(account);
        let ip = AddressKey::from(address);
        let total = self.accounts.record_failure(&a, now);
        let (account, account_total) = match self.pairs.as_mut() {
            Some(p) => (p.record_failure(&(a, ip), now), Some(total)),
            None => (total, None),
        };
        FailureOutcome {
            account,
            account_total,
            address: self.addresses.record_failure(&ip, now),
            global_exhausted: self.global.spend(now),
        }
    }

    /// A successful attempt from `address` ends the account's run of consecutive failures and
    /// that source's run on the account (not the address's own run: see the module
    /// documentation, nor other sources' runs on the account).
    pub fn record_success(&mut self, account: &str, address: IpAddr) {
        let a = AccountKey::of(account);
        self.accounts.clear(&a);
        if let Some(p) = self.pairs.as_mut() {
            p.clear(&(a, AddressKey::from(address)));
        }
    }

    /// A user administrator lifts an account's locks and delays, from every source.
    pub fn unlock_account(&mut self, account: &str) {
        let a = AccountKey::of(account);
        self.accounts.clear(&a);
        if let Some(p) = self.pairs.as_mut() {
            p.clear_where(|(k, _)| *k == a);
        }
    }

    /// An administrator lifts a source address's lock and delay.
    pub fn unlock_address(&mut self, address: IpAddr) {
        self.addresses.clear(&AddressKey::from(address));
    }

    /// Forgets what no longer matters at `now`; call it now and then (e.g. every minute).
    pub fn prune(&mut self, now: Timestamp) {
        self.accounts.prune(now);
        if let Some(p) = self.pairs.as_mut() {
            p.prune(now);
        }
        self.addresses.prune(now);
    }

    /// Accounts (and account-source pairs) and addresses remembered.
    pub fn remembered(&self) -> (usize, usize) {
        (
            self.accounts.len() + self.pairs.as_ref().map_or(0, Limiter::len),
            self.addresses.len(),
        )
    }
}

#[cfg(test)]
mod tests;
