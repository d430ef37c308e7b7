//! The installation's role of the store ([`Maintenance`]): which backend it is, its key
//! directory, and the rotation of the key TOTP seeds are sealed with.

use crate::audit::AuditContext;
use crate::keys::Keyring;
use crate::sql::Backend;
use crate::{StoreError, authn};

/// The installation itself: which backend, the key directory, and rotating the key TOTP seeds
/// are sealed with.
pub trait Maintenance {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// The audit keys.
    fn keys(&self) -> &Keyring;

    /// Replaces the key TOTP seeds are sealed with (`totp.key`) by a new one and re-seals every
    /// seed under it, recording `auth.totp_key.rotate`; returns how many seeds. The new key is
    /// written beside the old first and takes its place once the transaction has committed; a
    /// store that opens after an interruption finishes or undoes the rotation. Servers that
    /// share the key directory read the new key when a seed does not open with theirs;
    /// servers with a copy of the directory need the new `totp.key` copied.
    fn rotate_totp_key(&self, context: &AuditContext) -> Result<usize, StoreError>;
}

impl<B: Backend> Maintenance for B {
    fn backend(&self) -> &'static str {
        B::NAME
    }

    fn keys(&self) -> &Keyring {
        self.keyring()
    }

    fn rotate_totp_key(&self, context: &AuditContext) -> Result<usize, StoreError> {
        let next = self.keyring().stage_totp_key()?;
        match self.write(|tx, writes| authn::reseal_totp(tx, self.keyring(), &next, context, writes)) {
            Ok(seeds) => {
                self.keyring().commit_totp_key(&next)?;
                Ok(seeds)
            }
            Err(e) => {
                // Nothing was re-sealed: the staged key goes, the old one stays.
                let _ = self.keyring().discard_staged_totp_key();
                Err(e)
            }
        }
    }
}
