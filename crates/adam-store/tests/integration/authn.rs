//! The authentication records (`authn.rs`) on each backend: passwords and rehashes, TOTP
//! enrolments with replay refusal, backup codes, sessions, reset links used once, and TOTP
//! seeds sealed at rest, and the attempt-limit states every server shares (written with the
//! failure's audit records, forgotten on success or unlock, stale rows dropped).

use crate::backends::Backend;
use crate::town::*;
use adam_core::*;
use adam_store::audit::Retention;
use adam_store::{
    AuthSession, NewAudit, PasswordChange, PasswordCredential, PasswordReset, SessionState, SignIn, Store, StoreError,
    TotpEnrolment,
};
use std::sync::Arc;

const ALL: usize = 1_000_000;
const SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn note(user: UserId, action: &str) -> NewAudit {
    NewAudit {
        retention: Retention::Change,
        context: context(Actor::user(user), t(NOW)),
        action: action.to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::User,
            id: user.0,
            label: "test".to_owned(),
        },
        before: None,
        after: None,
        outcome: "ok".to_owned(),
    }
}

fn trail_len(s: &dyn Store) -> usize {
    s.audit_since(0, ALL).unwrap().len()
}

fn session(user: UserId, hash: &str, state: SessionState, mfa: bool, at: Timestamp) -> AuthSession {
    AuthSession {
        id: 0,
        hash: hash.repeat(64 / hash.len()),
        csrf_hash: "c".repeat(64),
        user,
        state,
        mfa,
        created: at,
        last_seen: at,
        expires: at.plus_seconds(12 * 3600),
        revoked_at: None,
        source_ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("test".to_owned()),
    }
}

fn password(user: UserId, phc: &str, at: Timestamp) -> PasswordChange {
    PasswordChange {
        credential: PasswordCredential {
            user,
            phc: phc.to_owned(),
            must_change: false,
            set_at: at,
        },
        revoke_sessions: false,
        keep_session: None,
        reset: None,
    }
}

fn enrolment(user: UserId, confirmed: bool, last_step: Option<u64>) -> TotpEnrolment {
    TotpEnrolment {
        user,
        secret: SEED.to_owned(),
        confirmed,
        created: t(NOW),
        last_step,
    }
}

fn town(b: &dyn Backend) -> (Box<dyn Store>, Town) {
    let s = b.open();
    let town = {
        let mut d = Driver::new(&*s);
        build(&mut d)
    };
    (s, town)
}

pub fn authn_passwords_and_rehash(b: &dyn Backend) {
    let (s, town) = town(b);
    let at = t(NOW);
    assert_eq!(s.password(town.ana).unwrap(), None);
    let before = trail_len(&*s);
    let mut change = password(town.ana, "$argon2id$v=19$m=256,t=1,p=1$old", at);
    change.credential.must_change = true;
    s.set_password(&change, &[note(town.ana, "password.set_temporary")])
        .unwrap();
    assert_eq!(s.password(town.ana).unwrap(), Some(change.credential.clone()));
    assert_eq!(
        trail_len(&*s),
        before + 1,
        "the change and its record in one transaction"
    );

    // A sign-in that rehashes replaces the PHC string only: not when it was set, not the flag.
    let sign_in = SignIn {
        rehash: Some("$argon2id$v=19$m=1024,t=1,p=1$new".to_owned()),
        ..SignIn::default()
    };
    s.create_session(
        &session(town.ana, "a", SessionState::PasswordChange, false, at),
        &sign_in,
        &[],
    )
    .unwrap();
    let stored = s.password(town.ana).unwrap().unwrap();
    assert_eq!(stored.phc, "$argon2id$v=19$m=1024,t=1,p=1$new");
    assert_eq!((stored.set_at, stored.must_change), (at, true));
    // Another account is untouched.
    assert_eq!(s.password(town.bojan).unwrap(), None);
    // An account that does not exist has no password to set.
    assert!(s.set_password(&password(UserId(9_999), "x", at), &[]).is_err());
}

pub fn authn_sessions(b: &dyn Backend) {
    let (s, town) = town(b);
    let at = t(NOW);
    let before = trail_len(&*s);
    let first = session(town.ana, "1", SessionState::Active, false, at);
    let id1 = s
        .create_session(&first, &SignIn::default(), &[note(town.ana, "auth.login")])
        .unwrap();
    let id2 = s
        .create_session(
            &session(town.ana, "2", SessionState::Active, true, at),
            &SignIn::default(),
            &[],
        )
        .unwrap();
    let other = s
        .create_session(
            &session(town.bojan, "3", SessionState::Active, false, at),
            &SignIn::default(),
            &[],
        )
        .unwrap();
    assert!(id2 > id1 && other > id2);
    assert_eq!(trail_len(&*s), before + 1);
    assert_eq!(
        s.session_by_hash(&first.hash).unwrap(),
        Some(AuthSession {
            id: id1,
            ..first.clone()
        }),
        "every field round-trips, the absolute end included"
    );
    assert_eq!(s.session_by_hash(&"f".repeat(64)).unwrap(), None);
    let ids = |user| s.sessions_of(user).unwrap().iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(ids(town.ana), vec![id2, id1], "newest first, own only");

    // "Last seen" moves forward, never back.
    s.touch_session(id1, at.plus_seconds(600)).unwrap();
    s.touch_session(id1, at.plus_seconds(60)).unwrap();
    assert_eq!(
        s.session_by_hash(&first.hash).unwrap().unwrap().last_seen,
        at.plus_seconds(600)
    );

    // Revocation happens once and is recorded once.
    let before = trail_len(&*s);
    assert!(
        s.revoke_session(id1, at.plus_seconds(700), &[note(town.ana, "auth.logout")])
            .unwrap()
    );
    assert!(
        !s.revoke_session(id1, at.plus_seconds(800), &[note(town.ana, "auth.logout")])
            .unwrap()
    );
    assert_eq!(trail_len(&*s), before + 1, "ending an ended session records nothing");
    let ended = s.session_by_hash(&first.hash).unwrap().unwrap();
    assert_eq!(ended.revoked_at, Some(at.plus_seconds(700)));
    assert_eq!(ids(town.ana), vec![id2]);

    // A sign-in step replaces its half-finished session in the same transaction.
    let challenge = s
        .create_session(
            &session(town.ana, "4", SessionState::Mfa, false, at),
            &SignIn::default(),
            &[],
        )
        .unwrap();
    let done = s
        .create_session(
            &session(town.ana, "5", SessionState::Active, true, at),
            &SignIn {
                replaces: Some(challenge),
                ..SignIn::default()
            },
            &[],
        )
        .unwrap();
    assert_eq!(ids(town.ana), vec![done, id2]);

    // A password change ends every other session of the account, keeping the one named.
    let mut change = password(town.ana, "$argon2id$x", at.plus_seconds(900));
    change.revoke_sessions = true;
    change.keep_session = Some(done);
    s.set_password(&change, &[]).unwrap();
    assert_eq!(ids(town.ana), vec![done]);
    assert_eq!(ids(town.bojan), vec![other], "other accounts keep theirs");
    // Set by an administrator: all of them.
    change.keep_session = None;
    s.set_password(&change, &[]).unwrap();
    assert!(ids(town.ana).is_empty());
}

pub fn authn_totp_and_backup_codes(b: &dyn Backend) {
    let (s, town) = town(b);
    let at = t(NOW);
    assert_eq!(s.totp(town.ana).unwrap(), None);
    assert_eq!(s.backup_codes(town.ana).unwrap(), None);
    let codes = serde_json::json!({"tags": ["a", "b"], "used": [false, false]});
    s.save_totp(
        &enrolment(town.ana, false, None),
        Some(&codes),
        &[note(town.ana, "totp.enrol")],
    )
    .unwrap();
    assert_eq!(s.totp(town.ana).unwrap(), Some(enrolment(town.ana, false, None)));
    let stored = s.backup_codes(town.ana).unwrap().unwrap();
    assert_eq!(
        (stored.codes, stored.created, stored.used_at),
        (codes.clone(), at, None)
    );
    // Confirming keeps the backup codes.
    s.save_totp(&enrolment(town.ana, true, Some(100)), None, &[]).unwrap();
    assert!(s.totp(town.ana).unwrap().unwrap().confirmed);
    assert!(s.backup_codes(town.ana).unwrap().is_some());

    // The last step only moves forward: the same or an earlier step is a replay, refused with
    // nothing written — no session, no record.
    let sign_in = |n: &str, step: Option<u64>, backup: Option<serde_json::Value>| {
        s.create_session(
            &session(town.ana, n, SessionState::Active, true, at),
            &SignIn {
                totp_step: step,
                backup_codes: backup,
                ..SignIn::default()
            },
            &[note(town.ana, "auth.login.mfa")],
        )
    };
    sign_in("1", Some(101), None).unwrap();
    let before = (trail_len(&*s), s.sessions_of(town.ana).unwrap().len());
    assert!(matches!(sign_in("2", Some(101), None), Err(StoreError::Spent(_))));
    assert!(matches!(sign_in("3", Some(100), None), Err(StoreError::Spent(_))));
    assert_eq!(before, (trail_len(&*s), s.sessions_of(town.ana).unwrap().len()));
    assert_eq!(s.session_by_hash(&"2".repeat(64)).unwrap(), None);
    sign_in("4", Some(102), None).unwrap();
    assert_eq!(s.totp(town.ana).unwrap().unwrap().last_step, Some(102));

    // A backup code used: the set with it marked is stored with the sign-in.
    let used = serde_json::json!({"tags": ["a", "b"], "used": [true, false]});
    sign_in("5", None, Some(used.clone())).unwrap();
    let stored = s.backup_codes(town.ana).unwrap().unwrap();
    assert_eq!((stored.codes, stored.used_at), (used, Some(at)));

    // A lost factor: enrolment and codes gone, the sessions that showed it ended, the others
    // kept, in one transaction with its record.
    let plain = s
        .create_session(
            &session(town.ana, "6", SessionState::Active, false, at),
            &SignIn::default(),
            &[],
        )
        .unwrap();
    let before = trail_len(&*s);
    s.remove_totp(town.ana, at.plus_seconds(60), &[note(town.ana, "security.factor_lost")])
        .unwrap();
    assert_eq!(trail_len(&*s), before + 1);
    assert_eq!(s.totp(town.ana).unwrap(), None);
    assert_eq!(s.backup_codes(town.ana).unwrap(), None);
    let live: Vec<i64> = s.sessions_of(town.ana).unwrap().iter().map(|x| x.id).collect();
    assert_eq!(live, vec![plain]);
}

pub fn authn_resets_are_used_once(b: &dyn Backend) {
    let (s, town) = town(b);
    let at = t(NOW);
    let reset = PasswordReset {
        id: 0,
        hash: "e".repeat(64),
        email: "ana@koper.si".to_owned(),
        users: vec![town.ana, town.bojan],
        created: at,
        expires: at.plus_seconds(1800),
        used_at: None,
        source_ip: Some("198.51.100.7".to_owned()),
    };
    let before = trail_len(&*s);
    let id = s.create_reset(&reset, &[note(town.ana, "auth.reset.request")]).unwrap();
    assert_eq!(trail_len(&*s), before + 1);
    let stored = s.reset_by_hash(&reset.hash).unwrap().unwrap();
    assert_eq!(stored, PasswordReset { id, ..reset.clone() });
    assert_eq!(s.reset_by_hash(&"0".repeat(64)).unwrap(), None);

    let mut change = password(town.ana, "$argon2id$first", at.plus_seconds(60));
    change.reset = Some(id);
    s.set_password(&change, &[]).unwrap();
    assert_eq!(
        s.reset_by_hash(&reset.hash).unwrap().unwrap().used_at,
        Some(at.plus_seconds(60))
    );
    // A second use (another listed account, or a race) is refused, and nothing of it stays.
    let mut again = password(town.bojan, "$argon2id$second", at.plus_seconds(120));
    again.reset = Some(id);
    let before = trail_len(&*s);
    assert!(matches!(
        s.set_password(&again, &[note(town.bojan, "password.reset")]),
        Err(StoreError::Spent(_))
    ));
    assert_eq!(s.password(town.bojan).unwrap(), None);
    assert_eq!(trail_len(&*s), before);
    assert_eq!(s.password(town.ana).unwrap().unwrap().phc, "$argon2id$first");
    // The link's end is stored as given; the server refuses it from then on.
    let late = PasswordReset {
        hash: "d".repeat(64),
        expires: at.plus_seconds(-1),
        ..reset
    };
    s.create_reset(&late, &[]).unwrap();
    assert_eq!(
        s.reset_by_hash(&late.hash).unwrap().unwrap().expires,
        at.plus_seconds(-1)
    );
}

pub fn authn_totp_seeds_are_sealed_at_rest(b: &dyn Backend) {
    let (s, town) = town(b);
    s.save_totp(&enrolment(town.ana, true, None), None, &[]).unwrap();
    assert_eq!(b.count("SELECT count(*) FROM auth_totp WHERE secret LIKE 'v1:%'"), 1);
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM auth_totp WHERE secret LIKE '%{SEED}%'")),
        0
    );
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
    let key = std::fs::metadata(b.keys_dir().join("totp.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "the key file is private");
    }

    // A seed sealed for one account does not open on another's row.
    b.raw(&format!(
        "INSERT INTO auth_totp (user_id, secret, confirmed, created, last_step) \
         SELECT {}, secret, confirmed, created, last_step FROM auth_totp WHERE user_id = {}",
        town.bojan.0, town.ana.0
    ))
    .unwrap();
    assert!(matches!(s.totp(town.bojan), Err(StoreError::Keys(_))));
    b.raw(&format!("DELETE FROM auth_totp WHERE user_id = {}", town.bojan.0))
        .unwrap();

    // Another key directory: a clear error naming the key file, not a wrong seed.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = b
        .open_with(Arc::new(adam_store::Keyring::open(elsewhere.path()).unwrap()))
        .unwrap();
    let e = other.totp(town.ana).unwrap_err();
    assert!(matches!(e, StoreError::Keys(_)), "{e:?}");
    assert!(e.to_string().contains("totp.key"), "{e}");

    // A seed stored in clear (before sealing existed) still reads, and is sealed when a store
    // opens.
    b.raw(&format!(
        "UPDATE auth_totp SET secret = '{SEED}' WHERE user_id = {}",
        town.ana.0
    ))
    .unwrap();
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
    let reopened = b.open();
    assert_eq!(b.count("SELECT count(*) FROM auth_totp WHERE secret LIKE 'v1:%'"), 1);
    assert_eq!(reopened.totp(town.ana).unwrap().unwrap().secret, SEED);
}

/// A rotation of `totp.key` re-seals every seed under a new key in one transaction, records
/// it, and leaves the old key useless; a server sharing the key directory follows; a rotation
/// interrupted before or after its transaction is undone or finished by the next store that
/// opens.
pub fn authn_the_totp_key_is_rotated(b: &dyn Backend) {
    let (s, town) = town(b);
    let other = TotpEnrolment {
        secret: "KRUGS4ZANFZSAYJAONSWG4TFOQ======".to_owned(),
        ..enrolment(town.bojan, true, None)
    };
    s.save_totp(&enrolment(town.ana, true, None), None, &[]).unwrap();
    s.save_totp(&other, None, &[]).unwrap();
    let beside = b.open();
    let key_file = b.keys_dir().join("totp.key");
    let next_file = b.keys_dir().join("totp.key.next");
    let old_key = std::fs::read_to_string(&key_file).unwrap();
    let old_dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(b.keys_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), old_dir.path().join(entry.file_name())).unwrap();
        }
    }
    let sealed_before = b.count("SELECT count(*) FROM auth_totp WHERE secret LIKE 'v1:%'");
    assert_eq!(sealed_before, 2);
    let before = trail_len(&*s);

    assert_eq!(s.rotate_totp_key(&context(Actor::System, t(NOW))).unwrap(), 2);
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(new_key, old_key);
    assert!(!next_file.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the new key file is private");
    }
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
    assert_eq!(s.totp(town.bojan).unwrap().unwrap().secret, other.secret);
    // A server opened before the rotation on the same key directory follows it.
    assert_eq!(beside.totp(town.ana).unwrap().unwrap().secret, SEED);
    // The old key opens nothing any more.
    let stale = b
        .open_with(Arc::new(adam_store::Keyring::open(old_dir.path()).unwrap()))
        .unwrap();
    assert!(matches!(stale.totp(town.ana), Err(StoreError::Keys(_))));
    drop(stale);
    // Recorded once, with the number of seeds.
    let trail = s.audit_since(0, ALL).unwrap();
    assert_eq!(trail.len(), before + 1);
    let record = trail.last().unwrap();
    assert_eq!(record.action, "auth.totp_key.rotate");
    assert_eq!(record.after, Some(serde_json::json!({ "seeds": 2 })));

    // Interrupted before its transaction: a key was staged, no seed was re-sealed. The next
    // store drops the staged key.
    std::fs::write(&next_file, "11".repeat(32)).unwrap();
    let reopened = b.open();
    assert!(!next_file.exists());
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), new_key);
    assert_eq!(reopened.totp(town.ana).unwrap().unwrap().secret, SEED);

    // Interrupted after its transaction: the seeds are sealed under the staged key, the old
    // key is still `totp.key`. The next store finishes the rotation.
    std::fs::rename(&key_file, &next_file).unwrap();
    std::fs::write(&key_file, &old_key).unwrap();
    let reopened = b.open();
    assert!(!next_file.exists());
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), new_key);
    assert_eq!(reopened.totp(town.bojan).unwrap().unwrap().secret, other.secret);

    // A seed that opens with no key stops a rotation before anything changes.
    b.raw(&format!(
        "UPDATE auth_totp SET secret = 'v1:{}' WHERE user_id = {}",
        "00".repeat(60),
        town.bojan.0
    ))
    .unwrap();
    assert!(matches!(
        s.rotate_totp_key(&context(Actor::System, t(NOW))),
        Err(StoreError::Keys(_))
    ));
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), new_key);
    assert!(!next_file.exists());
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
}

pub fn authn_attempt_states_are_shared(b: &dyn Backend) {
    let (s, town) = town(b);
    let now = t(NOW).0;
    let at = Timestamp;
    let state = |key: &str, failures: u32, last: i64, locked: Option<i64>| adam_store::AttemptState {
        key: key.to_owned(),
        failures,
        delay_until: at(last + 2),
        locked_until: locked.map(at),
        last_failure: at(last),
        locks: u32::from(locked.is_some()),
    };
    let keys = ["account:ana".to_owned(), "address:192.0.2.7".to_owned()];
    assert!(s.attempts(&keys).unwrap().is_empty());
    let before = trail_len(&*s);
    let first = [
        state("account:ana", 1, now, None),
        state("address:192.0.2.7", 1, now, None),
    ];
    s.record_attempts(&first, &[], at(now - 86_400), &[note(town.ana, "auth.login")])
        .unwrap();
    assert_eq!(
        trail_len(&*s),
        before + 1,
        "with the failure's record, in one transaction"
    );
    let mut found = s.attempts(&keys).unwrap();
    found.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(found, first.to_vec());
    // A later failure replaces the state; a lock is kept with it.
    let locked = state("account:ana", 0, now + 60, Some(now + 960));
    s.record_attempts(std::slice::from_ref(&locked), &[], at(now - 86_400), &[])
        .unwrap();
    assert_eq!(s.attempts(&keys[..1]).unwrap(), vec![locked]);
    // Rows whose run ended before the cut are dropped, unless still locked then.
    s.record_attempts(&[], &[], at(now + 100), &[]).unwrap();
    let left = s.attempts(&keys).unwrap();
    assert_eq!(left.len(), 1, "the address's old run is gone, the lock stays: {left:?}");
    assert_eq!(left[0].key, "account:ana");
    // A success or an unlock forgets the account.
    s.record_attempts(&[], &keys[..1], at(now - 86_400), &[]).unwrap();
    assert!(s.attempts(&keys).unwrap().is_empty());

    // An account's consecutive count is never dropped for its age (only a success or an unlock
    // ends it); a pair's run is. A key ending in `*` forgets every key with that prefix.
    let pairs = [
        "pair:ab:192.0.2.7".to_owned(),
        "pair:ab:192.0.2.8".to_owned(),
        "pair:abc:192.0.2.9".to_owned(),
        "pair:cd:192.0.2.7".to_owned(),
    ];
    let mut rows: Vec<_> = pairs.iter().map(|k| state(k, 3, now, None)).collect();
    rows.push(state("account:ana", 3, now, None));
    s.record_attempts(&rows, &[], at(now - 86_400), &[]).unwrap();
    s.record_attempts(&[], &["pair:ab:*".to_owned()], at(now - 86_400), &[])
        .unwrap();
    let mut left: Vec<String> = s.attempts(&pairs).unwrap().into_iter().map(|a| a.key).collect();
    left.sort();
    assert_eq!(left, ["pair:abc:192.0.2.9", "pair:cd:192.0.2.7"]);
    s.record_attempts(&[], &[], at(now + 100), &[]).unwrap();
    assert!(s.attempts(&pairs).unwrap().is_empty(), "old runs of pairs are dropped");
    assert_eq!(
        s.attempts(&keys[..1]).unwrap().len(),
        1,
        "an account's count of consecutive failures is not"
    );
}
