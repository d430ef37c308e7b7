//! Second factors (Decree Art. 53): RFC 6238 TOTP and single-use backup codes.
//!
//! TOTP is the profile every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps,
//! a 20-byte secret (RFC 4226 §4 asks for at least 128 bits, 160 recommended). A code is
//! accepted for the current step and one step either side (clock skew of a phone), and
//! [`TotpSecret::verify`] returns the step it matched so that the caller can store it and refuse
//! that step and every earlier one next time: a code seen over a shoulder or phished cannot be
//! replayed. The secret must be kept by the server (it computes codes from it), so unlike a
//! password it is stored recoverably; the store should encrypt it at rest.
//!
//! Backup codes are for the day the phone is lost: ten random codes, each usable once. Only
//! their HMAC-SHA-256 is stored — see [`BackupCodes`] for why a keyed fast hash and not Argon2.

use crate::Timestamp;
use crate::encoding::{Base32Error, base32_decode, base32_encode};
use crate::random::{self, RandomError};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;

/// Length of a TOTP step in seconds.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes in a secret.
pub const SECRET_LEN: usize = 20;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "ADAM";

/// Why a TOTP secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Not base32.
    #[error(transparent)]
    Base32(#[from] Base32Error),
    /// Not 20 bytes.
    #[error("a TOTP secret has {SECRET_LEN} bytes, not {0}")]
    Length(usize),
}

/// Why a TOTP code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpRejection {
    /// Not six digits.
    #[error("a code is {DIGITS} digits")]
    Malformed,
    /// No step within ±1 of now gives this code.
    #[error("the code is wrong or too old")]
    Mismatch,
    /// The code is right but for a step already used: a replay.
    #[error("this code was already used")]
    Replayed,
}

/// A TOTP time step: the number of 30-second periods since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TotpStep(pub u64);

impl TotpStep {
    /// The step containing `now` (instants before 1970 count as step 0; no clock shows them).
    pub fn at(now: Timestamp) -> TotpStep {
        TotpStep((now.0.max(0) / STEP_SECONDS) as u64)
    }
}

/// A TOTP shared secret: exactly 20 bytes. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; SECRET_LEN]);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A fresh random secret, for enrolment.
    pub fn generate() -> Result<TotpSecret, RandomError> {
        Ok(TotpSecret(random::bytes()?))
    }

    /// A secret from its bytes (as stored).
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> TotpSecret {
        TotpSecret(bytes)
    }

    /// A secret from its base32 text (as an authenticator app shows it, either case).
    pub fn from_base32(text: &str) -> Result<TotpSecret, SecretError> {
        let bytes = base32_decode(text)?;
        let len = bytes.len();
        Ok(TotpSecret(bytes.try_into().map_err(|_| SecretError::Length(len))?))
    }

    /// The bytes, for storing.
    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    /// Upper-case base32, for typing into an app by hand.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// The `otpauth://` URI an authenticator app reads from a QR code (Google Authenticator's
    /// key URI format): label `ADAM:<account>`, issuer `ADAM`, SHA1, 6 digits, 30 s.
    pub fn otpauth_uri(&self, account: &str) -> String {
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            issuer = percent_encode(ISSUER),
            account = percent_encode(account),
            secret = self.to_base32(),
        )
    }

    /// The code for a step (RFC 4226 HOTP with the step as counter), as a number below 10^6.
    pub fn code_at(&self, step: TotpStep) -> u32 {
        hotp(&self.0, step.0, DIGITS)
    }

    /// Checks `code` at `now`, allowing one step of clock skew either way. `last_used` is the
    /// step this secret last matched (stored by the caller); a code for that step or an earlier
    /// one is a replay. On success returns the matched step, which the caller stores.
    pub fn verify(&self, code: &str, now: Timestamp, last_used: Option<TotpStep>) -> Result<TotpStep, TotpRejection> {
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpRejection::Malformed);
        }
        let now = TotpStep::at(now);
        let mut matched = None;
        // Every candidate is computed and compared, whichever matches, so the time taken does
        // not tell which step (or whether any) matched.
        for step in [now.0.checked_sub(1), Some(now.0), now.0.checked_add(1)]
            .into_iter()
            .flatten()
        {
            let expected = format!("{:0width$}", self.code_at(TotpStep(step)), width = DIGITS as usize);
            if bool::from(expected.as_bytes().ct_eq(digits.as_bytes())) && matched.is_none() {
                matched = Some(TotpStep(step));
            }
        }
        match matched {
            None => Err(TotpRejection::Mismatch),
            Some(step) if last_used.is_some_and(|last| step <= last) => Err(TotpRejection::Replayed),
            Some(step) => Ok(step),
        }
    }
}

/// RFC 4226 HOTP with HMAC-SHA-1 and dynamic truncation.
fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mac = match Hmac::<Sha1>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is unreachable but keeps the code free of
        // panics. A code of u32::MAX never equals six digits, so it fails closed.
        Err(_) => return u32::MAX,
    };
    let hash = mac.chain_update(counter.to_be_bytes()).finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Backup-code symbols: lower-case letters and digits without 0/o, 1/l/i, which are misread
/// when typed from paper. 31 symbols.
const BACKUP_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Symbols per code, written as two groups of five: 10 × log2(31) ≈ 49.5 bits.
const BACKUP_SYMBOLS: usize = 10;
/// Codes per set.
pub const BACKUP_CODES: usize = 10;

/// The server's secret key for backup-code hashes. Kept outside the database (configuration or
/// a secrets store) so that a stolen database alone cannot be searched. `Debug` hides it.
#[derive(Clone)]
pub struct BackupCodeKey([u8; 32]);

impl fmt::Debug for BackupCodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BackupCodeKey(..)")
    }
}

impl BackupCodeKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> BackupCodeKey {
        BackupCodeKey(bytes)
    }

    /// A fresh random key, for a new installation.
    pub fn generate() -> Result<BackupCodeKey, RandomError> {
        Ok(BackupCodeKey(random::bytes()?))
    }

    /// HMAC-SHA-256 over the account and the code, so a hash copied to another account's row
    /// does not work there.
    fn tag(&self, account: &str, normalised_code: &str) -> [u8; 32] {
        let mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            // Unreachable (HMAC takes any key length); an all-zero tag matches no real code's.
            Err(_) => return [0; 32],
        };
        mac.chain_update((account.len() as u64).to_be_bytes())
            .chain_update(account.as_bytes())
            .chain_update(normalised_code.as_bytes())
            .finalize()
            .into_bytes()
            .into()
    }
}

/// A backup code in clear, shown to the person once at generation. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(String);

impl BackupCode {
    /// The code as shown: `xxxxx-xxxxx`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BackupCode(..)")
    }
}

/// Why a backup code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BackupCodeRejection {
    /// Not ten symbols of the backup-code alphabet.
    #[error("not a backup code")]
    Malformed,
    /// Not one of the unused codes.
    #[error("the backup code is wrong or already used")]
    Mismatch,
}

/// One stored backup code: its tag, and whether it was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Slot {
    tag: [u8; 32],
    used: bool,
}

/// A set of backup codes as stored: their HMAC-SHA-256 tags and which are used.
///
/// Why HMAC-SHA-256 and not Argon2: the codes are ~49.5 bits of uniform randomness, not
/// human-chosen, so there is no dictionary for a slow hash to slow down; what protects them in
/// a stolen database is the key, which is not in it. Even with the key, finding one code takes
/// about 2^48 HMACs for one account, and the code is only a second factor: the password is
/// needed too. Argon2 would instead cost up to ten slow hashes per attempt (one per unused
/// code), turning the redemption form into a lever for exhausting the server's CPU and memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCodes {
    slots: Vec<Slot>,
}

impl BackupCodes {
    /// Ten fresh codes for `account` (its stable id): the codes to show once, and the set to
    /// store. A new set replaces the old one entirely.
    pub fn generate(key: &BackupCodeKey, account: &str) -> Result<(Vec<BackupCode>, BackupCodes), RandomError> {
        let mut codes = Vec::with_capacity(BACKUP_CODES);
        let mut slots = Vec::with_capacity(BACKUP_CODES);
        for _ in 0..BACKUP_CODES {
            let mut symbols = String::with_capacity(BACKUP_SYMBOLS);
            for _ in 0..BACKUP_SYMBOLS {
                symbols.push(char::from(BACKUP_ALPHABET[usize::from(random::below(31)?)]));
            }
            slots.push(Slot {
                tag: key.tag(account, &symbols),
                used: false,
            });
            let (left, right) = symbols.split_at(BACKUP_SYMBOLS / 2);
            codes.push(BackupCode(format!("{left}-{right}")));
        }
        Ok((codes, BackupCodes { slots }))
    }

    /// How many codes are left.
    pub fn remaining(&self) -> usize {
        self.slots.iter().filter(|s| !s.used).count()
    }

    /// Uses up `code` if it is one of the unused codes; returns its position (0–9). Dashes,
    /// spaces and case are ignored. The caller must store the changed set before saying yes.
    pub fn redeem(&mut self, key: &BackupCodeKey, account: &str, code: &str) -> Result<usize, BackupCodeRejection> {
        let normalised: String = code
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if normalised.len() != BACKUP_SYMBOLS || !normalised.bytes().all(|b| BACKUP_ALPHABET.contains(&b)) {
            return Err(BackupCodeRejection::Malformed);
        }
        let tag = key.tag(account, &normalised);
        let mut found = None;
        // Compare with every slot, used or not, so timing does not tell which or how many are left.
        for (index, slot) in self.slots.iter().enumerate() {
            if bool::from(slot.tag.ct_eq(&tag)) && !slot.used && found.is_none() {
                found = Some(index);
            }
        }
        let index = found.ok_or(BackupCodeRejection::Mismatch)?;
        if let Some(slot) = self.slots.get_mut(index) {
            slot.used = true;
        }
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 seed: the ASCII digits 1234567890 twice (20 bytes).
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(*b"12345678901234567890")
    }

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // Appendix B gives 8 digits; a 6-digit code is the same number mod 10^6.
        for (time, eight_digits) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            let step = TotpStep::at(Timestamp(time));
            assert_eq!(hotp(rfc_secret().as_bytes(), step.0, 8), eight_digits, "T = {time}");
            assert_eq!(rfc_secret().code_at(step), eight_digits % 1_000_000, "T = {time}");
        }
    }

    #[test]
    fn accepts_one_step_of_skew_each_way_and_no_more() {
        let secret = rfc_secret();
        let now = Timestamp(1234567890);
        let step = TotpStep::at(now);
        for offset in [-1i64, 0, 1] {
            let at = TotpStep((step.0 as i64 + offset) as u64);
            let code = format!("{:06}", secret.code_at(at));
            assert_eq!(secret.verify(&code, now, None), Ok(at), "offset {offset}");
        }
        for offset in [-2i64, 2] {
            let code = format!("{:06}", secret.code_at(TotpStep((step.0 as i64 + offset) as u64)));
            assert_eq!(
                secret.verify(&code, now, None),
                Err(TotpRejection::Mismatch),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_used_step_and_earlier_ones_are_replays() {
        let secret = rfc_secret();
        let now = Timestamp(1234567890);
        let code = format!("{:06}", secret.code_at(TotpStep::at(now)));
        let used = secret.verify(&code, now, None).unwrap();
        assert_eq!(secret.verify(&code, now, Some(used)), Err(TotpRejection::Replayed));
        let previous = format!("{:06}", secret.code_at(TotpStep(used.0 - 1)));
        assert_eq!(secret.verify(&previous, now, Some(used)), Err(TotpRejection::Replayed));
        // The next step's code is still good after the current one was used.
        let next = format!("{:06}", secret.code_at(TotpStep(used.0 + 1)));
        assert_eq!(secret.verify(&next, now, Some(used)), Ok(TotpStep(used.0 + 1)));
    }

    #[test]
    fn malformed_codes() {
        let secret = rfc_secret();
        for code in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"] {
            assert_eq!(
                secret.verify(code, Timestamp(59), None),
                Err(TotpRejection::Malformed),
                "{code:?}"
            );
        }
        // Spaces as apps group digits are fine.
        assert_eq!(secret.verify("287 082", Timestamp(59), None), Ok(TotpStep(1)));
    }

    #[test]
    fn enrolment_uri_and_base32_round_trip() {
        let secret = rfc_secret();
        assert_eq!(secret.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSecret::from_base32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").unwrap(),
            secret
        );
        assert_eq!(TotpSecret::from_base32("GEZDGNBV"), Err(SecretError::Length(5)));
        assert_eq!(
            secret.otpauth_uri("špela.z"),
            "otpauth://totp/ADAM:%C5%A1pela.z?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ADAM&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{secret:?}"), "TotpSecret(..)");
        assert_ne!(TotpSecret::generate().unwrap(), TotpSecret::generate().unwrap());
    }

    #[test]
    fn backup_codes_are_single_use_and_bound_to_the_account() {
        let key = BackupCodeKey::from_bytes([7; 32]);
        let (codes, mut stored) = BackupCodes::generate(&key, "user-17").unwrap();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().map(BackupCode::as_str).collect();
        assert_eq!(distinct.len(), 10);
        for code in &codes {
            let text = code.as_str();
            assert_eq!(text.len(), 11);
            assert_eq!(&text[5..6], "-");
            assert!(
                text.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| BACKUP_ALPHABET.contains(&b)),
                "{text}"
            );
        }
        // Another account's set, or the same code under another key, does not accept it.
        let (_, mut other) = BackupCodes::generate(&key, "user-18").unwrap();
        let mut copied = stored.clone();
        assert_eq!(
            copied.redeem(&key, "user-18", codes[3].as_str()),
            Err(BackupCodeRejection::Mismatch)
        );
        assert_eq!(
            other.redeem(&key, "user-18", codes[3].as_str()),
            Err(BackupCodeRejection::Mismatch)
        );
        assert_eq!(
            stored
                .clone()
                .redeem(&BackupCodeKey::from_bytes([8; 32]), "user-17", codes[3].as_str()),
            Err(BackupCodeRejection::Mismatch)
        );

        let typed = codes[3].as_str().to_uppercase().replace('-', " ");
        assert_eq!(stored.redeem(&key, "user-17", &typed), Ok(3));
        assert_eq!(stored.remaining(), 9);
        assert_eq!(
            stored.redeem(&key, "user-17", codes[3].as_str()),
            Err(BackupCodeRejection::Mismatch)
        );
        assert_eq!(
            stored.redeem(&key, "user-17", "0000-1111"),
            Err(BackupCodeRejection::Malformed)
        );
        assert_eq!(stored.redeem(&key, "user-17", codes[9].as_str()), Ok(9));
        assert_eq!(stored.remaining(), 8);

        // What is stored holds no code in clear.
        let json = serde_json::to_string(&stored).unwrap();
        assert!(codes.iter().all(|c| !json.contains(&c.as_str()[..5])));
    }
}
