//! TOTP seeds sealed at rest (issue 5): the one secret the server must be able to read back.
//!
//! A seed is stored as `v1:` followed by the hex of a random 192-bit nonce and the
//! XChaCha20-Poly1305 ciphertext of its base32 text, under the key `totp.key` in the key
//! directory (see [`Keyring`]) — never in the database, so a copy of the database (a backup,
//! a dump, a stolen disk of the database server) does not give anyone a working second
//! factor. The account's id is the associated data: a sealed seed copied onto another
//! account's row does not open.
//!
//! Rows written before sealing existed hold the bare base32 seed; [`open`] still reads them and
//! every store seals them when it opens ([`crate::authn::seal_clear_totp`]). The key is
//! rotated by `Store::rotate_totp_key` ([`seal_with`] the next key, [`open_with`] either key
//! when an interrupted rotation is resolved).

use super::Keyring;
use crate::StoreError;
use crate::hex::{hex, unhex};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The prefix of a sealed seed (and its format's version).
pub(crate) const PREFIX: &str = "v1:";

const NONCE: usize = 24;

/// What the seal is bound to besides the key: the purpose and the account.
fn associated(user: i64) -> Vec<u8> {
    format!("adam auth_totp.secret user {user}").into_bytes()
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&(*key).into())
}

/// Seals the seed of account `user`.
pub(crate) fn seal(keys: &Keyring, user: i64, secret: &str) -> Result<String, StoreError> {
    seal_with(&keys.totp_key(), user, secret)
}

/// Seals the seed of account `user` under `key` (a rotation's next key).
pub(crate) fn seal_with(key: &[u8; 32], user: i64, secret: &str) -> Result<String, StoreError> {
    let mut nonce = [0u8; NONCE];
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Keys(format!("no randomness: {e}")))?;
    let aad = associated(user);
    let sealed = cipher(key)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| StoreError::Keys("the TOTP seed could not be sealed".to_owned()))?;
    Ok(format!("{PREFIX}{}{}", hex(&nonce), hex(&sealed)))
}

/// The seed of account `user` from its stored form (sealed, or bare from before sealing).
/// A seed that does not open is tried once more after reading `totp.key` again: another
/// server sharing the key directory may have rotated it.
pub(crate) fn open(keys: &Keyring, user: i64, stored: &str) -> Result<String, StoreError> {
    match open_with(&keys.totp_key(), user, stored) {
        Ok(Some(seed)) => Ok(seed),
        Ok(None) if keys.reload_totp_key()? => {
            open_with(&keys.totp_key(), user, stored)?.ok_or_else(|| not_opened(keys, user))
        }
        Ok(None) => Err(not_opened(keys, user)),
        Err(e) => Err(e),
    }
}

fn not_opened(keys: &Keyring, user: i64) -> StoreError {
    StoreError::Keys(format!(
        "the TOTP seed of user {user} does not open with {}: the key directory is not the one \
         the seed was sealed with (or the row was altered)",
        keys.dir().join(super::TOTP_KEY_FILE).display()
    ))
}

/// The seed of account `user` opened with `key`: `None` when it does not open with it.
pub(crate) fn open_with(key: &[u8; 32], user: i64, stored: &str) -> Result<Option<String>, StoreError> {
    let Some(body) = stored.strip_prefix(PREFIX) else {
        return Ok(Some(stored.to_owned()));
    };
    let malformed = || StoreError::Corrupt(format!("auth_totp.secret of user {user} is not a sealed seed"));
    let (nonce_hex, sealed_hex) = body.split_at_checked(NONCE * 2).ok_or_else(malformed)?;
    let nonce = unhex::<NONCE>(nonce_hex).ok_or_else(malformed)?;
    let sealed = unhex_vec(sealed_hex).ok_or_else(malformed)?;
    let aad = associated(user);
    let Ok(plain) = cipher(key).decrypt(
        &XNonce::from(nonce),
        Payload {
            msg: &sealed,
            aad: &aad,
        },
    ) else {
        return Ok(None);
    };
    String::from_utf8(plain).map(Some).map_err(|_| malformed())
}

fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_seal_opens_with_its_key_and_account_only() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::open(dir.path().join("a")).unwrap();
        let other = Keyring::open(dir.path().join("b")).unwrap();
        let sealed = seal(&keys, 7, "JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(open(&keys, 7, &sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        // Fresh nonce each time.
        assert_ne!(seal(&keys, 7, "JBSWY3DPEHPK3PXP").unwrap(), sealed);
        assert!(
            matches!(open(&keys, 8, &sealed), Err(StoreError::Keys(_))),
            "another account"
        );
        let wrong = open(&other, 7, &sealed).unwrap_err().to_string();
        assert!(wrong.contains("totp.key"), "{wrong}");
        // A bare seed from before sealing still reads.
        assert_eq!(open(&keys, 7, "JBSWY3DPEHPK3PXP").unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(matches!(open(&keys, 7, "v1:zz"), Err(StoreError::Corrupt(_))));
    }
}
