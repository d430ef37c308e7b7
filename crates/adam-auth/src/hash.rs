//! Argon2id password hashing (Decree Art. 54(6): slow, salted, memory-hard, never reversible).
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), which carry their own
//! parameters, so the parameters can be raised later: [`PasswordHasher::verify`] checks a
//! password against whatever parameters the stored hash was made with and says
//! `needs_rehash` when they differ from the current ones, and the server rehashes at that
//! successful login (the only moment it has the password).
//!
//! # The parameters
//!
//! [`HashParams::STANDARD`] is Argon2id, 64 MiB of memory, 3 passes, 1 lane, 16-byte salt,
//! 32-byte output — the second of RFC 9106's recommended settings with one lane instead of four.
//! One lane because the `argon2` crate computes lanes one after another without its `rayon`
//! feature (which we leave out to keep the build light), so more lanes would only cost time,
//! and a login server should not take both cores for one hash anyway. On this project's
//! 2-core machine one hash costs about 140 ms in a release build (see the crate README for the
//! command). 64 MiB per concurrent login means the server should bound concurrent hashes
//! (e.g. a semaphore of a few permits): that also stops a flood of logins from exhausting memory.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use std::fmt;

/// Why hashing or reading a stored hash failed. A wrong password is not an error: it is
/// [`Verification::Mismatch`].
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Parameters the `argon2` crate refuses (e.g. memory below 8 KiB per lane).
    #[error("invalid Argon2 parameters: {0}")]
    Params(String),
    /// The stored text is not an Argon2id PHC string.
    #[error("the stored hash is not an Argon2id PHC string: {0}")]
    Malformed(String),
    /// The random generator failed while making a salt.
    #[error(transparent)]
    Random(#[from] crate::random::RandomError),
    /// Argon2 itself failed (e.g. a password longer than it accepts).
    #[error("Argon2 failed: {0}")]
    Argon2(String),
}

/// Argon2id cost parameters, checked when made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl HashParams {
    /// 64 MiB, 3 passes, 1 lane: about 140 ms on the project's 2-core machine (release build).
    pub const STANDARD: HashParams = HashParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Parameters as the `argon2` crate would accept them.
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<HashParams, HashError> {
        Params::new(memory_kib, iterations, parallelism, None).map_err(|e| HashError::Params(e.to_string()))?;
        Ok(HashParams {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Number of passes over memory.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Number of lanes.
    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    fn argon2(&self) -> Result<Argon2<'static>, HashError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| HashError::Params(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for HashParams {
    fn default() -> Self {
        HashParams::STANDARD
    }
}

/// A PHC string produced by [`PasswordHasher::hash`]; what the store keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordDigest(String);

impl PasswordDigest {
    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PasswordDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PasswordDigest {
    // Not secret like a password, but an offline-crackable verifier: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordDigest(..)")
    }
}

/// The result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password is right. `needs_rehash` when the stored hash was made with other
    /// parameters (or another Argon2 variant or version) than the current ones.
    Ok {
        /// Whether to store a fresh hash of this password now.
        needs_rehash: bool,
    },
    /// The password is wrong.
    Mismatch,
}

/// Hashes and verifies passwords with the current parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordHasher {
    params: HashParams,
}

impl PasswordHasher {
    /// A hasher with the given current parameters.
    pub fn new(params: HashParams) -> PasswordHasher {
        PasswordHasher { params }
    }

    /// The current parameters.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// A fresh Argon2id hash of `password` with a random 16-byte salt.
    pub fn hash(&self, password: &str) -> Result<PasswordDigest, HashError> {
        let salt = crate::random::bytes::<16>()?;
        let hash = self
            .params
            .argon2()?
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        Ok(PasswordDigest(hash.to_string()))
    }

    /// Checks `password` against a stored PHC string, with the parameters stored in it.
    pub fn verify(&self, password: &str, phc: &str) -> Result<Verification, HashError> {
        let parsed = PasswordHash::new(phc).map_err(|e| HashError::Malformed(e.to_string()))?;
        let algorithm =
            Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| HashError::Malformed(e.to_string()))?;
        // Argon2i and Argon2d hashes could be verified, but nothing in ADAM writes them: a
        // stored one means the store was tampered with or filled by something else.
        if algorithm != Algorithm::Argon2id {
            return Err(HashError::Malformed(format!("algorithm {algorithm} is not argon2id")));
        }
        let stored = Params::try_from(&parsed).map_err(|e| HashError::Malformed(e.to_string()))?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| HashError::Malformed(e.to_string()))?;
        let checker = Argon2::new(algorithm, version.unwrap_or_default(), stored.clone());
        match checker.verify_password(password.as_bytes(), &parsed) {
            Ok(()) => {
                let current = (self.params.memory_kib, self.params.iterations, self.params.parallelism);
                let used = (stored.m_cost(), stored.t_cost(), stored.p_cost());
                let needs_rehash = current != used
                    || version != Some(Version::V0x13)
                    || stored.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN) != Params::DEFAULT_OUTPUT_LEN;
                Ok(Verification::Ok { needs_rehash })
            }
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verification::Mismatch),
            Err(e) => Err(HashError::Argon2(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap parameters so the tests run in milliseconds.
    fn cheap() -> PasswordHasher {
        PasswordHasher::new(HashParams::new(64, 1, 1).unwrap())
    }

    #[test]
    fn right_password_verifies_wrong_one_does_not() {
        let hasher = cheap();
        let digest = hasher.hash("Zelen-Traktor-Pleše-9").unwrap();
        assert!(digest.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{digest}");
        assert_eq!(
            hasher.verify("Zelen-Traktor-Pleše-9", digest.as_str()).unwrap(),
            Verification::Ok { needs_rehash: false }
        );
        assert_eq!(
            hasher.verify("Zelen-Traktor-Pleše-8", digest.as_str()).unwrap(),
            Verification::Mismatch
        );
        assert_eq!(format!("{digest:?}"), "PasswordDigest(..)");
    }

    #[test]
    fn salts_differ_so_equal_passwords_hash_differently() {
        let hasher = cheap();
        assert_ne!(hasher.hash("same").unwrap(), hasher.hash("same").unwrap());
    }

    #[test]
    fn changed_parameters_ask_for_a_rehash() {
        let old = cheap().hash("geslo-za-test").unwrap();
        let newer = PasswordHasher::new(HashParams::new(128, 2, 1).unwrap());
        assert_eq!(
            newer.verify("geslo-za-test", old.as_str()).unwrap(),
            Verification::Ok { needs_rehash: true }
        );
        // A wrong password never says "rehash".
        assert_eq!(newer.verify("wrong", old.as_str()).unwrap(), Verification::Mismatch);
    }

    #[test]
    fn reads_a_reference_hash() {
        // Made with the reference C implementation (Debian's `argon2` 0~20171227):
        // echo -n password | argon2 somesalt -id -t 2 -m 6 -p 1 -e
        let phc = "$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHQ$FqGkmHNGCd0BRW2kBt6fPZ2pPmyGwwChL8FGUhTOSSI";
        let hasher = PasswordHasher::new(HashParams::new(64, 2, 1).unwrap());
        assert_eq!(
            hasher.verify("password", phc).unwrap(),
            Verification::Ok { needs_rehash: false }
        );
    }

    #[test]
    fn refuses_what_is_not_an_argon2id_phc_string() {
        let hasher = cheap();
        assert!(matches!(hasher.verify("x", "plaintext"), Err(HashError::Malformed(_))));
        let argon2i = "$argon2i$v=19$m=64,t=2,p=1$c29tZXNhbHQ$FqGkmHNGCd0BRW2kBt6fPZ2pPmyGwwChL8FGUhTOSSI";
        assert!(matches!(
            hasher.verify("password", argon2i),
            Err(HashError::Malformed(_))
        ));
    }

    #[test]
    fn parameters_the_crate_refuses_are_refused_when_made() {
        assert!(matches!(HashParams::new(1, 1, 1), Err(HashError::Params(_))));
        assert!(matches!(HashParams::new(64, 0, 1), Err(HashError::Params(_))));
        assert_eq!(HashParams::default(), HashParams::STANDARD);
    }
}
