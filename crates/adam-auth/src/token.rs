//! One-time secrets: password-reset links and API tokens of service accounts.
//!
//! A secret is 256 random bits, written as a readable prefix and lower-case base32:
//! `adam_reset_<52 symbols>` or `adam_api_<52 symbols>`. The prefix tells a person (and a secret
//! scanner) what a leaked string is; it is not secret. Only the SHA-256 of the whole text is
//! stored: a 256-bit random secret cannot be guessed or searched for, so a slow hash would buy
//! nothing and would make every API call pay Argon2. The server looks a presented token up by its
//! hash and then checks it with [`TokenRecord::verify`], which compares in constant time and
//! checks the kind and expiry. The clear text exists once, in the answer that creates it.

use crate::Timestamp;
use crate::encoding::{base32_decode, base32_encode};
use crate::random::{self, RandomError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// Bytes of randomness in a secret.
const SECRET_BYTES: usize = 32;
/// Base32 symbols for 32 bytes, unpadded.
const BODY_LEN: usize = 52;

/// What a secret is for. Each kind has its own prefix, so a reset link cannot be used as an API
/// token or the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A password-reset (or first-login) link; 30 minutes by default (issue 5).
    Reset,
    /// An API token of a `system_user` account.
    Api,
}

impl TokenKind {
    /// The readable prefix, with its trailing underscore.
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Reset => "adam_reset_",
            TokenKind::Api => "adam_api_",
        }
    }

    fn from_text(text: &str) -> Option<(TokenKind, &str)> {
        [TokenKind::Reset, TokenKind::Api]
            .into_iter()
            .find_map(|kind| text.strip_prefix(kind.prefix()).map(|body| (kind, body)))
    }
}

/// Why a presented secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    /// Not `adam_<kind>_` followed by 52 base32 symbols.
    #[error("not an ADAM token")]
    Malformed,
    /// A token of another kind (e.g. an API token on the reset form).
    #[error("a token of another kind")]
    WrongKind,
    /// Not the secret this record was made for.
    #[error("the token does not match")]
    Mismatch,
    /// Past its expiry.
    #[error("the token has expired")]
    Expired,
}

/// The SHA-256 of a secret's full text: what is stored and looked up.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of a presented text, after checking that it looks like a token of some kind
    /// (so junk never reaches the store), for looking the record up.
    pub fn of(presented: &str) -> Result<TokenHash, TokenRejection> {
        let (_, body) = TokenKind::from_text(presented).ok_or(TokenRejection::Malformed)?;
        match base32_decode(body) {
            Ok(bytes) if body.len() == BODY_LEN && bytes.len() == SECRET_BYTES && body == body.to_lowercase() => {
                Ok(TokenHash(Sha256::digest(presented.as_bytes()).into()))
            }
            _ => Err(TokenRejection::Malformed),
        }
    }

    /// The raw digest, for the store.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A hash read back from the store.
    pub fn from_bytes(bytes: [u8; 32]) -> TokenHash {
        TokenHash(bytes)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The first bytes are enough to tell records apart in a log and useless to an attacker.
        write!(
            f,
            "TokenHash({:02x}{:02x}{:02x}{:02x}..)",
            self.0[0], self.0[1], self.0[2], self.0[3]
        )
    }
}

/// A secret in clear, to show (or e-mail, for a reset link) exactly once. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    /// The full text, e.g. `adam_reset_…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(..)")
    }
}

/// What the store keeps about a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// What it is for.
    pub kind: TokenKind,
    /// SHA-256 of the text.
    pub hash: TokenHash,
    /// Refused from this instant on; `None` never expires (API tokens may be made so, and
    /// are revoked by deleting the record).
    pub expires_at: Option<Timestamp>,
}

impl TokenRecord {
    /// Makes a new secret of `kind`, valid for `lifetime_seconds` from `now` (`None`: no expiry).
    pub fn issue(
        kind: TokenKind,
        now: Timestamp,
        lifetime_seconds: Option<i64>,
    ) -> Result<(TokenSecret, TokenRecord), RandomError> {
        let bytes: [u8; SECRET_BYTES] = random::bytes()?;
        let text = format!("{}{}", kind.prefix(), base32_encode(&bytes).to_lowercase());
        let hash = TokenHash(Sha256::digest(text.as_bytes()).into());
        let expires_at = lifetime_seconds.map(|s| now.plus_seconds(s));
        Ok((TokenSecret(text), TokenRecord { kind, hash, expires_at }))
    }

    /// Checks a presented text against this record at `now`. Expiry is checked after the
    /// secret, so an expired record tells nothing to someone who does not hold its secret.
    pub fn verify(&self, presented: &str, now: Timestamp) -> Result<(), TokenRejection> {
        let hash = TokenHash::of(presented)?;
        if !bool::from(hash.0.ct_eq(&self.hash.0)) {
            return Err(TokenRejection::Mismatch);
        }
        match TokenKind::from_text(presented) {
            Some((kind, _)) if kind == self.kind => {}
            _ => return Err(TokenRejection::WrongKind),
        }
        match self.expires_at {
            Some(expiry) if now >= expiry => Err(TokenRejection::Expired),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_780_000_000);

    #[test]
    fn issued_secret_has_its_prefix_and_256_bits() {
        let (secret, record) = TokenRecord::issue(TokenKind::Reset, NOW, Some(1800)).unwrap();
        let body = secret.as_str().strip_prefix("adam_reset_").unwrap();
        assert_eq!(body.len(), 52);
        assert_eq!(base32_decode(body).unwrap().len(), 32);
        assert_eq!(record.expires_at, Some(Timestamp(NOW.0 + 1800)));
        assert_eq!(TokenHash::of(secret.as_str()).unwrap(), record.hash);
        assert_eq!(format!("{secret:?}"), "TokenSecret(..)");
        let (api, _) = TokenRecord::issue(TokenKind::Api, NOW, None).unwrap();
        assert!(api.as_str().starts_with("adam_api_"));
        assert_ne!(api.as_str()[9..], secret.as_str()[11..]);
    }

    #[test]
    fn verify_accepts_until_expiry_and_refuses_after() {
        let (secret, record) = TokenRecord::issue(TokenKind::Reset, NOW, Some(1800)).unwrap();
        assert_eq!(record.verify(secret.as_str(), NOW), Ok(()));
        assert_eq!(record.verify(secret.as_str(), NOW.plus_seconds(1799)), Ok(()));
        assert_eq!(
            record.verify(secret.as_str(), NOW.plus_seconds(1800)),
            Err(TokenRejection::Expired)
        );
        let (forever, record) = TokenRecord::issue(TokenKind::Api, NOW, None).unwrap();
        assert_eq!(record.verify(forever.as_str(), NOW.plus_days(3650)), Ok(()));
    }

    #[test]
    fn other_secrets_kinds_and_junk_are_refused() {
        let (secret, record) = TokenRecord::issue(TokenKind::Reset, NOW, Some(1800)).unwrap();
        let (other, _) = TokenRecord::issue(TokenKind::Reset, NOW, Some(1800)).unwrap();
        assert_eq!(record.verify(other.as_str(), NOW), Err(TokenRejection::Mismatch));
        // The same random body under the API prefix hashes differently: a mismatch.
        let as_api = secret.as_str().replace("adam_reset_", "adam_api_");
        assert_eq!(record.verify(&as_api, NOW), Err(TokenRejection::Mismatch));
        // A record whose stored kind disagrees with the prefix (a store mix-up) is refused.
        let mixed = TokenRecord {
            kind: TokenKind::Api,
            ..record.clone()
        };
        assert_eq!(mixed.verify(secret.as_str(), NOW), Err(TokenRejection::WrongKind));
        let upper = format!("adam_reset_{}", secret.as_str()[11..].to_uppercase());
        for junk in [
            "",
            "adam_reset_",
            "adam_reset_abc",
            "adam_other_x",
            &upper,
            &secret.as_str()[..62],
        ] {
            assert_eq!(record.verify(junk, NOW), Err(TokenRejection::Malformed), "{junk:?}");
        }
    }
}
