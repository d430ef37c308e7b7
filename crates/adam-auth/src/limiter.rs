//! Attempt limits of Decree Art. 53(2), as a pure state machine.
//!
//! Three limits apply to every login (and every reset request):
//!
//! - **per account**: after each failure the next attempt must wait — 1 s, 2 s, 4 s, … up to a
//!   cap — and after N failures in a row the account is locked for a while (15 min by
//!   default). A lock always ends by itself: a permanent lock would let anyone lock anyone out.
//!   A success ends the run; a user administrator can [`AttemptLimiter::unlock_account`].
//! - **per source address**: the same with looser numbers (many people share an office's
//!   address). A success does *not* end the address's run, or an attacker with one valid
//!   account could reset it between guesses. IPv6 addresses count per /64, since one machine
//!   usually has a whole /64.
//! - **global**: a token bucket of failures for the whole service, so that a distributed attack
//!   spread over many accounts and addresses is still slowed. While it is empty every attempt
//!   waits for the next token.
//!
//! Nothing here reads a clock or keeps a timer: every call takes `now`, and entries idle for
//! longer than the lock window are forgotten ([`AttemptLimiter::prune`], also run when a table
//! is full), so memory stays bounded. `became_locked` in an [`Outcome`] tells the caller to raise
//! a security event and tell the user by e-mail (issue 5).

use crate::Timestamp;
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
}

impl LimitPolicy {
    /// Accounts: 1 s doubling to 60 s, locked for 15 minutes after 10 failures in a row.
    pub const ACCOUNT: LimitPolicy = LimitPolicy {
        first_delay: 1,
        max_delay: 60,
        lock_after: Some(10),
        lock_for: 15 * 60,
        forget_after: 15 * 60,
        max_entries: 100_000,
    };

    /// Source addresses: 1 s doubling to 10 s, locked for 15 minutes after 100 failures in a
    /// row (an office behind one address makes honest mistakes too).
    pub const ADDRESS: LimitPolicy = LimitPolicy {
        first_delay: 1,
        max_delay: 10,
        lock_after: Some(100),
        lock_for: 15 * 60,
        forget_after: 15 * 60,
        max_entries: 100_000,
    };

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
        })
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
}

/// The state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Failures in the current run.
    failures: u32,
    delay_until: Timestamp,
    locked_until: Option<Timestamp>,
    last_failure: Timestamp,
}

impl Entry {
    /// Whether the entry still matters at `now`: locked, delayed, or recent enough that its
    /// run continues.
    fn is_live(&self, now: Timestamp, policy: &LimitPolicy) -> bool {
        self.locked_until.is_some_and(|until| now < until) || now.0 - self.last_failure.0 < policy.forget_after
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
        let fresh = Entry {
            failures: 0,
            delay_until: now,
            locked_until: None,
            last_failure: now,
        };
        let entry = self.entries.entry(key.clone()).or_insert(fresh);
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
            // The lock is over: a new run starts.
            *entry = fresh;
        } else if now.0 - entry.last_failure.0 >= policy.forget_after {
            *entry = fresh;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = now;
        if policy.lock_after.is_some_and(|n| entry.failures >= n) {
            let until = now.plus_seconds(policy.lock_for);
            entry.locked_until = Some(until);
            entry.delay_until = until;
            entry.failures = 0;
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

    /// The state of `key`, to share.
    pub fn state(&self, key: &K) -> Option<KeyState> {
        self.entries.get(key).map(|e| KeyState {
            failures: e.failures,
            delay_until: e.delay_until,
            locked_until: e.locked_until,
            last_failure: e.last_failure,
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

    /// Spends a token for a failure; `true` when the bucket was already empty.
    pub fn spend(&mut self, now: Timestamp) -> bool {
        let level = self.level(now);
        self.updated = Timestamp(now.0.max(self.updated.0));
        if level >= 1000 {
            self.milli_tokens = level - 1000;
            false
        } else {
            self.milli_tokens = level;
            true
        }
    }
}

/// What one failed attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    /// The account's state.
    pub account: Outcome,
    /// The source address's state.
    pub address: Outcome,
    /// The global budget was empty: the service is under a broad attack (a security event).
    pub global_exhausted: bool,
}

/// The three limits together, as the login and reset handlers use them.
#[derive(Debug, Clone)]
pub struct AttemptLimiter {
    accounts: Limiter<String>,
    addresses: Limiter<AddressKey>,
    global: GlobalBudget,
}

impl AttemptLimiter {
    /// Limits with the given policies and global budget.
    pub fn new(account: LimitPolicy, address: LimitPolicy, global: GlobalBudget) -> AttemptLimiter {
        AttemptLimiter {
            accounts: Limiter::new(account),
            addresses: Limiter::new(address),
            global,
        }
    }

    /// The standard limits, with the global bucket full at `now`.
    pub fn standard(now: Timestamp) -> AttemptLimiter {
        let (capacity, per_minute) = GlobalBudget::STANDARD;
        let global = GlobalBudget {
            capacity,
            per_minute,
            milli_tokens: u64::from(capacity) * 1000,
            updated: now,
        };
        AttemptLimiter::new(LimitPolicy::ACCOUNT, LimitPolicy::ADDRESS, global)
    }

    /// Usernames differ in case only by accident; count them as one account.
    fn account_key(account: &str) -> String {
        account.to_lowercase()
    }

    /// The names under which the store shares the account's and the address's states:
    /// `account:<username in lower case>` and `address:<address or /64>`.
    pub fn shared_keys(account: &str, address: IpAddr) -> (String, String) {
        (
            format!("account:{}", Self::account_key(account)),
            format!("address:{}", AddressKey::from(address)),
        )
    }

    /// The account's and the address's states, to share.
    pub fn states(&self, account: &str, address: IpAddr) -> (Option<KeyState>, Option<KeyState>) {
        (
            self.accounts.state(&Self::account_key(account)),
            self.addresses.state(&AddressKey::from(address)),
        )
    }

    /// Takes the account's and the address's states from the shared store.
    pub fn adopt(&mut self, account: &str, address: IpAddr, states: (Option<KeyState>, Option<KeyState>)) {
        self.accounts.adopt(&Self::account_key(account), states.0);
        self.addresses.adopt(&AddressKey::from(address), states.1);
    }

    /// Whether an attempt on `account` from `address` may go ahead at `now`; if not, the latest
    /// of the instants the limits that apply will allow it.
    pub fn check(&self, account: &str, address: IpAddr, now: Timestamp) -> Result<(), Retry> {
        let mut refusals = Vec::new();
        if let Err((until, locked)) = self.accounts.check(&Self::account_key(account), now) {
            refusals.push(Retry {
                until,
                reason: if locked {
                    RetryReason::AccountLocked
                } else {
                    RetryReason::AccountDelay
                },
            });
        }
        if let Err((until, locked)) = self.addresses.check(&AddressKey::from(address), now) {
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
        FailureOutcome {
            account: self.accounts.record_failure(&Self::account_key(account), now),
            address: self.addresses.record_failure(&AddressKey::from(address), now),
            global_exhausted: self.global.spend(now),
        }
    }

    /// A successful attempt ends the account's run of failures (not the address's: see the
    /// module documentation).
    pub fn record_success(&mut self, account: &str) {
        self.accounts.clear(&Self::account_key(account));
    }

    /// A user administrator lifts an account's lock and delay.
    pub fn unlock_account(&mut self, account: &str) {
        self.accounts.clear(&Self::account_key(account));
    }

    /// An administrator lifts a source address's lock and delay.
    pub fn unlock_address(&mut self, address: IpAddr) {
        self.addresses.clear(&AddressKey::from(address));
    }

    /// Forgets what no longer matters at `now`; call it now and then (e.g. every minute).
    pub fn prune(&mut self, now: Timestamp) {
        self.accounts.prune(now);
        self.addresses.prune(now);
    }

    /// Accounts and addresses remembered.
    pub fn remembered(&self) -> (usize, usize) {
        (self.accounts.len(), self.addresses.len())
    }
}

#[cfg(test)]
mod tests;
