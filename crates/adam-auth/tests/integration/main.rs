//! Cross-module tests: the pieces used together the way the server's login, enrolment and
//! reset handlers will use them.

// Helpers outside `#[test]` functions are test code too; clippy.toml only covers the latter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_auth::Timestamp;
use adam_auth::hash::{HashParams, PasswordHasher, Verification};
use adam_auth::limiter::{AttemptLimiter, RetryReason};
use adam_auth::password::{Context, PasswordPolicy, PasswordProblem};
use adam_auth::token::{TokenKind, TokenRecord, TokenRejection};
use adam_auth::totp::{BackupCodeKey, BackupCodes, TotpRejection, TotpSecret, TotpStep};
use std::net::IpAddr;

const NOW: Timestamp = Timestamp(1_780_000_000);
const ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 44));

fn cheap_hasher() -> PasswordHasher {
    PasswordHasher::new(HashParams::new(64, 1, 1).unwrap())
}

/// A simulated login: limits first, then the password, then the second factor.
fn login(
    limits: &mut AttemptLimiter,
    stored: &str,
    totp: &TotpSecret,
    last_step: &mut Option<TotpStep>,
    password: &str,
    code: &str,
    now: Timestamp,
) -> Result<(), String> {
    limits
        .check("jnovak", ADDRESS, now)
        .map_err(|r| format!("{:?}", r.reason))?;
    let password_ok = matches!(
        cheap_hasher().verify(password, stored).unwrap(),
        Verification::Ok { .. }
    );
    let step = totp.verify(code, now, *last_step);
    match (password_ok, step) {
        (true, Ok(step)) => {
            *last_step = Some(step);
            limits.record_success("jnovak", ADDRESS);
            Ok(())
        }
        (false, _) => {
            limits.record_failure("jnovak", ADDRESS, now);
            Err("password".into())
        }
        (true, Err(e)) => {
            limits.record_failure("jnovak", ADDRESS, now);
            Err(format!("{e:?}"))
        }
    }
}

#[test]
fn enrol_then_log_in_with_password_and_totp() {
    let policy = PasswordPolicy::standard().unwrap();
    let who = Context {
        username: "jnovak",
        first_name: "Janez",
        last_name: "Novak",
        ..Context::default()
    };
    // Without a second factor yet, 15 characters are needed.
    assert_eq!(
        policy.check("Tb8!vKp2#Lm9", &who),
        Err(vec![PasswordProblem::TooShort { minimum: 15 }])
    );
    let chosen = "Zelen-Traktor-Pleše-9";
    assert_eq!(policy.check(chosen, &who), Ok(()));
    let stored = cheap_hasher().hash(chosen).unwrap();

    let totp = TotpSecret::generate().unwrap();
    assert!(
        totp.otpauth_uri("jnovak")
            .contains(&format!("secret={}", totp.to_base32()))
    );
    let mut last_step = None;
    let mut limits = AttemptLimiter::standard(NOW);
    let code = format!("{:06}", totp.code_at(TotpStep::at(NOW)));

    assert_eq!(
        login(&mut limits, stored.as_str(), &totp, &mut last_step, "wrong", &code, NOW),
        Err("password".into())
    );
    // Too soon after a failure: refused before the password is even looked at.
    assert_eq!(
        login(&mut limits, stored.as_str(), &totp, &mut last_step, chosen, &code, NOW),
        Err("AccountDelay".into())
    );
    let later = NOW.plus_seconds(1);
    assert_eq!(
        login(
            &mut limits,
            stored.as_str(),
            &totp,
            &mut last_step,
            chosen,
            &code,
            later
        ),
        Ok(())
    );
    // The same code again (shoulder-surfed) is a replay even with the right password.
    let again = later.plus_seconds(5);
    assert_eq!(
        login(
            &mut limits,
            stored.as_str(),
            &totp,
            &mut last_step,
            chosen,
            &code,
            again
        ),
        Err(format!("{:?}", TotpRejection::Replayed))
    );
}

#[test]
fn a_parameter_change_rehashes_at_the_next_login() {
    let old = cheap_hasher().hash("Zelen-Traktor-Pleše-9").unwrap();
    let current = PasswordHasher::new(HashParams::new(256, 2, 1).unwrap());
    assert_eq!(
        current.verify("Zelen-Traktor-Pleše-9", old.as_str()).unwrap(),
        Verification::Ok { needs_rehash: true }
    );
    let new = current.hash("Zelen-Traktor-Pleše-9").unwrap();
    assert_eq!(
        current.verify("Zelen-Traktor-Pleše-9", new.as_str()).unwrap(),
        Verification::Ok { needs_rehash: false }
    );
}

#[test]
fn a_reset_link_works_once_within_30_minutes() {
    let (secret, record) = TokenRecord::issue(TokenKind::Reset, NOW, Some(30 * 60)).unwrap();
    let mut store = vec![record];
    let presented = secret.as_str().to_owned();
    let used = |store: &mut Vec<TokenRecord>, at: Timestamp| -> Result<(), TokenRejection> {
        let hash = adam_auth::token::TokenHash::of(&presented)?;
        let index = store
            .iter()
            .position(|r| r.hash == hash)
            .ok_or(TokenRejection::Mismatch)?;
        store[index].verify(&presented, at)?;
        store.remove(index); // single use
        Ok(())
    };
    let mut expired_store = store.clone();
    assert_eq!(
        used(&mut expired_store, NOW.plus_seconds(30 * 60)),
        Err(TokenRejection::Expired)
    );
    assert_eq!(used(&mut store, NOW.plus_seconds(29 * 60)), Ok(()));
    assert_eq!(
        used(&mut store, NOW.plus_seconds(29 * 60)),
        Err(TokenRejection::Mismatch)
    );
}

#[test]
fn a_lost_phone_falls_back_to_a_backup_code_once() {
    let key = BackupCodeKey::generate().unwrap();
    let (codes, mut stored) = BackupCodes::generate(&key, "user-42").unwrap();
    assert_eq!(stored.redeem(&key, "user-42", codes[0].as_str()), Ok(0));
    assert!(stored.redeem(&key, "user-42", codes[0].as_str()).is_err());
    assert_eq!(stored.remaining(), 9);
}

#[test]
fn ten_failures_lock_the_account_and_raise_one_event() {
    let mut limits = AttemptLimiter::standard(NOW);
    let mut now = NOW;
    let mut events = 0;
    for _ in 0..10 {
        let outcome = limits.record_failure("jnovak", ADDRESS, now);
        events += usize::from(outcome.account.became_locked);
        now = outcome.account.delay_until;
    }
    assert_eq!(events, 1);
    let refused = limits.check("jnovak", ADDRESS, now.plus_seconds(-1)).unwrap_err();
    assert_eq!(refused.reason, RetryReason::AccountLocked);
    assert_eq!(limits.check("jnovak", ADDRESS, now), Ok(()), "the lock lifts by itself");
}
