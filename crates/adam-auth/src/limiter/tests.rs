//! Tests of the attempt limits: the schedule, locks, unlocks, the global budget, memory bounds,
//! and properties over random histories.

use super::*;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

const T0: Timestamp = Timestamp(1_780_000_000);
const OFFICE: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));

fn at(seconds: i64) -> Timestamp {
    T0.plus_seconds(seconds)
}

#[test]
fn delays_double_to_the_cap_then_the_account_locks() {
    let mut limits = AttemptLimiter::standard(T0);
    let mut now = T0;
    let mut delays = Vec::new();
    for _ in 0..9 {
        assert_eq!(limits.check("jnovak", OFFICE, now), Ok(()));
        let outcome = limits.record_failure("jnovak", OFFICE, now);
        assert!(!outcome.account.became_locked);
        delays.push(outcome.account.delay_until.0 - now.0);
        assert_eq!(
            limits.check("jnovak", OFFICE, now),
            Err(Retry {
                until: outcome.account.delay_until,
                reason: RetryReason::AccountDelay
            })
        );
        now = outcome.account.delay_until;
    }
    assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    let tenth = limits.record_failure("JNovak", OFFICE, now);
    assert!(
        tenth.account.became_locked,
        "the tenth failure in a row locks, whatever the case of the name"
    );
    assert_eq!(tenth.account.locked_until, Some(now.plus_seconds(900)));
    assert_eq!(
        limits.check("jnovak", OFFICE, now.plus_seconds(899)),
        Err(Retry {
            until: now.plus_seconds(900),
            reason: RetryReason::AccountLocked
        })
    );
    // Temporary: at the end of the window the account may try again, and a new run starts.
    assert_eq!(limits.check("jnovak", OFFICE, now.plus_seconds(900)), Ok(()));
    let after = limits.record_failure("jnovak", OFFICE, now.plus_seconds(900));
    assert_eq!(
        (after.account.delay_until.0 - now.0 - 900, after.account.locked_until),
        (1, None)
    );
}

#[test]
fn failures_during_a_lock_do_not_extend_it() {
    let mut limits = Limiter::new(LimitPolicy::new(1, 4, Some(2), 600, 600, 10).unwrap());
    limits.record_failure(&"a", at(0));
    let locked = limits.record_failure(&"a", at(1));
    assert!(locked.became_locked);
    let during = limits.record_failure(&"a", at(300));
    assert_eq!((during.locked_until, during.became_locked), (Some(at(601)), false));
    assert_eq!(limits.check(&"a", at(601)), Ok(()));
}

#[test]
fn success_ends_the_accounts_run_but_not_the_addresss() {
    let mut limits = AttemptLimiter::standard(T0);
    for i in 0..3 {
        limits.record_failure("jnovak", OFFICE, at(i * 100));
    }
    limits.record_success("jnovak", OFFICE);
    let next = limits.record_failure("jnovak", OFFICE, at(400));
    assert_eq!(
        next.account.delay_until,
        at(401),
        "the account's run starts again at 1 s"
    );
    assert_eq!(
        next.address.delay_until,
        at(408),
        "the address's run goes on: fourth failure, 8 s"
    );
}

#[test]
fn an_administrator_unlocks() {
    let mut limits = AttemptLimiter::standard(T0);
    let mut now = T0;
    loop {
        let outcome = limits.record_failure("mkranjc", OFFICE, now);
        if outcome.account.became_locked {
            break;
        }
        now = outcome.account.delay_until;
    }
    assert!(matches!(
        limits.check("mkranjc", OFFICE, now),
        Err(Retry {
            reason: RetryReason::AccountLocked,
            ..
        })
    ));
    limits.unlock_account("mkranjc");
    // The address still carries its own (short) delay from the same failures.
    let waited = now.plus_seconds(LimitPolicy::ADDRESS.max_delay_seconds());
    assert_eq!(limits.check("mkranjc", OFFICE, waited), Ok(()));
    limits.unlock_address(OFFICE);
    assert_eq!(limits.check("mkranjc", OFFICE, now), Ok(()));
}

#[test]
fn a_run_is_forgotten_after_the_idle_time() {
    let mut limits = Limiter::new(LimitPolicy::ACCOUNT);
    for i in 0..5 {
        limits.record_failure(&"x", at(i * 60));
    }
    let later = limits.record_failure(&"x", at(4 * 60 + 900));
    assert_eq!(later.delay_until, at(4 * 60 + 901), "a fresh run: 1 s");
}

#[test]
fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
    let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
    let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
    let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
    assert_eq!(AddressKey::from(a), AddressKey::from(b));
    assert_ne!(AddressKey::from(a), AddressKey::from(c));
    let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 10).to_ipv6_mapped());
    assert_eq!(AddressKey::from(mapped), AddressKey::from(OFFICE));
    assert_ne!(
        AddressKey::from(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        AddressKey::from(OFFICE)
    );

    let mut limits = AttemptLimiter::standard(T0);
    limits.record_failure("u1", a, T0);
    assert!(matches!(
        limits.check("u2", b, T0),
        Err(Retry {
            reason: RetryReason::AddressDelay,
            ..
        })
    ));
    assert_eq!(limits.check("u2", c, T0), Ok(()));
}

#[test]
fn the_global_budget_slows_everyone_when_spent_and_refills() {
    let global = GlobalBudget::new(3, 60, T0).unwrap(); // three at once, then one a second
    let mut limits = AttemptLimiter::new(LimitPolicy::ACCOUNT, LimitPolicy::ADDRESS, global);
    let addresses = [
        [198, 51, 100, 1],
        [198, 51, 100, 2],
        [198, 51, 100, 3],
        [198, 51, 100, 4],
    ];
    let outcomes: Vec<bool> = addresses
        .iter()
        .enumerate()
        .map(|(i, a)| {
            limits
                .record_failure(&format!("user{i}"), IpAddr::from(*a), T0)
                .global_exhausted
        })
        .collect();
    // The third failure empties the bucket and says so (sign-ins are refused while it is
    // empty, so the emptying failure is the one that can report it); the fourth, counted
    // without a check between, finds it empty.
    assert_eq!(outcomes, [false, false, true, true]);
    let stranger = IpAddr::from([203, 0, 113, 9]);
    assert_eq!(
        limits.check("someone-else", stranger, T0),
        Err(Retry {
            until: at(1),
            reason: RetryReason::Global
        })
    );
    assert_eq!(limits.check("someone-else", stranger, at(1)), Ok(()));
    assert!(GlobalBudget::new(0, 60, T0).is_none());
}

#[test]
fn memory_is_bounded() {
    let policy = LimitPolicy::new(1, 8, Some(5), 60, 60, 100).unwrap();
    let mut limits = Limiter::new(policy);
    for i in 0..1000u32 {
        limits.record_failure(&i, at(i64::from(i) / 10));
        assert!(limits.len() <= 100);
    }
    // The newest keys are kept, the oldest dropped.
    assert!(limits.check(&999, at(99)).is_err());
    limits.prune(at(10_000));
    assert!(limits.is_empty(), "everything idle longer than the window is forgotten");
}

#[test]
fn a_full_table_drops_unlocked_entries_before_locks() {
    let policy = LimitPolicy::new(1, 8, Some(2), 600, 600, 2).unwrap();
    let mut limits = Limiter::new(policy);
    limits.record_failure(&"locked", at(0));
    assert!(limits.record_failure(&"locked", at(1)).became_locked);
    limits.record_failure(&"second", at(2));
    limits.record_failure(&"third", at(3));
    assert_eq!(limits.len(), 2);
    assert_eq!(
        limits.check(&"locked", at(4)),
        Err((at(601), true)),
        "the lock survived"
    );
    assert_eq!(
        limits.check(&"second", at(2)),
        Ok(()),
        "the older unlocked entry was dropped"
    );
    assert_eq!(limits.check(&"third", at(3)), Err((at(4), false)));
}

#[test]
fn policies_that_cannot_work_are_refused() {
    assert_eq!(
        LimitPolicy::new(0, 8, None, 60, 60, 1),
        Err(LimitPolicyError::NotPositive("the first delay"))
    );
    assert_eq!(
        LimitPolicy::new(4, 2, None, 60, 60, 1),
        Err(LimitPolicyError::CapBelowFirst)
    );
    assert_eq!(
        LimitPolicy::new(1, 8, None, 60, 30, 1),
        Err(LimitPolicyError::ForgetTooSoon)
    );
    assert_eq!(
        LimitPolicy::new(1, 60, None, 30, 60, 1),
        Err(LimitPolicyError::ForgetTooSoon)
    );
    assert_eq!(
        LimitPolicy::new(1, 8, Some(0), 60, 60, 1),
        Err(LimitPolicyError::NotPositive("the failures before a lock"))
    );
    assert_eq!(LimitPolicy::new(1, 8, None, 60, 60, 0), Err(LimitPolicyError::NoRoom));
}

/// A random history for one key: gaps in seconds before each event, and whether the event is a
/// failure (true) or a success (false).
fn history() -> impl Strategy<Value = Vec<(i64, bool)>> {
    prop::collection::vec((0i64..2000, prop::bool::weighted(0.9)), 1..80)
}

fn small_policy() -> impl Strategy<Value = LimitPolicy> {
    (1i64..5, 0i64..120, prop::option::of(1u32..12), 1i64..1800).prop_map(|(first, extra, lock_after, lock_for)| {
        let max = first + extra;
        LimitPolicy::new(first, max, lock_after, lock_for, lock_for.max(max + 1), 1000).unwrap()
    })
}

proptest! {
    /// Whatever happened before, a lock ends at most `lock_for` after the failure that made it,
    /// and once the window has passed with no new failure the key may try again.
    #[test]
    fn a_lock_never_outlasts_its_window(policy in small_policy(), events in history()) {
        let mut limits = Limiter::new(policy);
        let mut now = T0;
        for (gap, failure) in events {
            now = now.plus_seconds(gap);
            if failure {
                let outcome = limits.record_failure(&"k", now);
                if let Some(until) = outcome.locked_until {
                    prop_assert!(until.0 - now.0 <= policy.lock_seconds());
                    prop_assert!(until > now);
                }
                prop_assert!(outcome.delay_until.0 - now.0 <= policy.lock_seconds().max(policy.max_delay_seconds()));
            } else {
                limits.clear(&"k");
            }
            if let Err((until, _)) = limits.check(&"k", now) {
                prop_assert!(until.0 - now.0 <= policy.lock_seconds().max(policy.max_delay_seconds()));
            }
            let wait = policy.lock_seconds().max(policy.max_delay_seconds());
            prop_assert_eq!(limits.check(&"k", now.plus_seconds(wait)), Ok(()));
        }
    }

    /// Within a run of failures (no success, no lock, no idle gap) each delay is at least as
    /// long as the one before.
    #[test]
    fn delays_never_decrease_within_a_run(policy in small_policy(), gaps in prop::collection::vec(0i64..600, 1..40)) {
        let mut limits = Limiter::new(policy);
        let mut now = T0;
        let mut previous: Option<i64> = None;
        for gap in gaps {
            // Wait out the current delay, then the gap, kept so that the time since the last
            // failure stays under the idle time and the run goes on.
            let current = previous.unwrap_or(0);
            now = now.plus_seconds(current + gap.min(policy.forget_after_seconds() - 1 - current));
            let outcome = limits.record_failure(&"k", now);
            if outcome.locked_until.is_some() {
                previous = None; // a lock ends the run; the next failure starts a new one
                continue;
            }
            let delay = outcome.delay_until.0 - now.0;
            if let Some(before) = previous {
                prop_assert!(delay >= before, "delay {} after {}", delay, before);
            }
            previous = Some(delay);
        }
    }
}

/// A second server that adopts the first's shared states refuses as the first does, and its
/// next failure continues the same run.
#[test]
fn states_shared_between_two_limiters_count_as_one() {
    let now = Timestamp(1_000_000);
    let ip: IpAddr = "192.0.2.7".parse().unwrap();
    let mut first = AttemptLimiter::standard(now);
    let mut second = AttemptLimiter::standard(now);
    for i in 0..3 {
        let t = Timestamp(now.0 + i * 3600);
        first.record_failure("Ana", ip, t);
    }
    let later = Timestamp(now.0 + 2 * 3600);
    let shared = first.states("ana", ip);
    assert!(shared.account.is_some() && shared.pair.is_some() && shared.address.is_some());
    assert_eq!(
        second.check("ana", ip, later),
        Ok(()),
        "the second server knows nothing yet"
    );
    second.adopt("ANA", ip, shared);
    assert_eq!(second.states("ana", ip), first.states("ana", ip));
    assert_eq!(
        second.check("ana", ip, later).is_err(),
        first.check("ana", ip, later).is_err()
    );
    let a = first.record_failure("ana", ip, Timestamp(later.0 + 7200)).account;
    let b = second.record_failure("ana", ip, Timestamp(later.0 + 7200)).account;
    assert_eq!(a, b, "the run continues where the other server left it");
    // Forgetting (a success elsewhere) is shared too.
    second.adopt("ana", ip, SharedStates::default());
    assert_eq!(second.states("ana", ip), SharedStates::default());
    let keys = first.shared_keys("Ana", "2001:db8::1".parse().unwrap());
    let hash = AccountKey::of("ana").to_string();
    assert_eq!(hash.len(), 64);
    assert_eq!(keys.account, format!("account:{hash}"));
    assert_eq!(keys.pair, Some(format!("pair:{hash}:2001:db8::/64")));
    assert_eq!(keys.address, "address:2001:db8::/64");
    assert!(keys.pair.unwrap().starts_with(&AttemptLimiter::pair_prefix("ANA")));
    // Reset limits count per e-mail address for everyone: no pairs.
    let reset = AttemptLimiter::new(
        LimitPolicy::ACCOUNT,
        LimitPolicy::ADDRESS,
        GlobalBudget::new(1, 1, now).unwrap(),
    );
    assert_eq!(reset.shared_keys("a@b.si", ip).pair, None);
}

/// Whatever a caller sends as a username, the limiter keeps (and shares) a fixed-size key.
#[test]
fn account_keys_have_a_fixed_size_whatever_the_name() {
    let mut limits = AttemptLimiter::standard(T0);
    let huge = "x".repeat(1_000_000);
    limits.record_failure(&huge, OFFICE, T0);
    let keys = limits.shared_keys(&huge, OFFICE);
    assert!(
        keys.account.len() < 100 && keys.pair.as_ref().unwrap().len() < 120,
        "{keys:?}"
    );
    assert_eq!(AccountKey::of("JNovak"), AccountKey::of("jnovak"));
    assert_ne!(AccountKey::of("jnovak"), AccountKey::of("jnovak2"));
    assert!(std::mem::size_of::<(AccountKey, AddressKey)>() <= 64);
}

/// Someone else's guesses from another address do not lock the owner out; they lock that
/// source, longer with each lock; 100 consecutive failures from anywhere lock the account for
/// everyone until an administrator unlocks it.
#[test]
fn guesses_lock_their_source_not_the_owner() {
    let attacker: IpAddr = "203.0.113.66".parse().unwrap();
    let mut limits = AttemptLimiter::standard(T0);
    let mut now = T0;
    let mut locks = Vec::new();
    for _ in 0..3 {
        loop {
            let outcome = limits.record_failure("jnovak", attacker, now);
            if outcome.account.became_locked {
                let until = outcome.account.locked_until.unwrap();
                locks.push(until.0 - now.0);
                now = until;
                break;
            }
            now = outcome.account.delay_until;
        }
    }
    assert_eq!(locks, [900, 3600, 4 * 3600], "locks of one source escalate");
    assert!(matches!(
        limits.check("jnovak", attacker, now.plus_seconds(-1)),
        Err(Retry {
            reason: RetryReason::AccountLocked,
            ..
        })
    ));
    // The owner, at the office, is not held back.
    assert_eq!(limits.check("jnovak", OFFICE, now.plus_seconds(-1)), Ok(()));
    // A success ends the account's consecutive count, not the attacker's pair.
    limits.record_success("jnovak", OFFICE);
    assert!(limits.check("jnovak", attacker, now.plus_seconds(-1)).is_err());

    // 100 consecutive failures from many sources: locked for everyone.
    let mut limits = AttemptLimiter::standard(T0);
    let mut total_locked = 0;
    for i in 0..100u8 {
        let ip = IpAddr::from([198, 51, i / 10, i % 10]);
        let o = limits.record_failure("mkranjc", ip, T0.plus_seconds(i64::from(i)));
        if let Some(t) = o.account_total
            && t.became_locked
        {
            total_locked += 1;
            assert_eq!(i, 99, "the hundredth failure locks");
        }
    }
    assert_eq!(total_locked, 1);
    let far = T0.plus_seconds(365 * 86_400);
    assert_eq!(
        limits.check("mkranjc", OFFICE, far).map_err(|r| r.reason),
        Err(RetryReason::AccountLocked),
        "until unlocked, whatever the source and the time"
    );
    limits.unlock_account("mkranjc");
    assert_eq!(limits.check("mkranjc", OFFICE, far), Ok(()));
    // The count is not forgotten with time, only by a success.
    let mut limits = AttemptLimiter::standard(T0);
    for i in 0..99 {
        let ip = IpAddr::from([198, 51, 100, i]);
        limits.record_failure("ana", ip, T0.plus_seconds(i64::from(i) * 86_400));
    }
    let o = limits.record_failure("ana", OFFICE, T0.plus_seconds(200 * 86_400));
    assert!(o.account_total.unwrap().became_locked);
}

#[test]
fn an_unlock_frees_every_source() {
    let mut limits = AttemptLimiter::standard(T0);
    let mut now = T0;
    loop {
        let o = limits.record_failure("ana", OFFICE, now);
        if o.account.became_locked {
            break;
        }
        now = o.account.delay_until;
    }
    assert!(limits.check("ana", OFFICE, now).is_err());
    limits.unlock_account("ANA");
    limits.unlock_address(OFFICE);
    assert_eq!(limits.check("ana", OFFICE, now), Ok(()));
}

#[test]
fn the_failure_that_empties_the_global_budget_reports_it() {
    let mut g = GlobalBudget::new(3, 1, T0).unwrap();
    assert!(!g.spend(T0), "2 left");
    assert!(!g.spend(T0), "1 left");
    assert!(g.spend(T0), "the third failure empties the bucket");
    assert!(g.check(T0).is_err(), "and sign-ins wait");
    // A minute later one token is back: spending it empties the bucket again.
    let later = T0.plus_seconds(60);
    assert!(g.check(later).is_ok());
    assert!(g.spend(later));
}
