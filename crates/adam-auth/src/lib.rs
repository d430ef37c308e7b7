//! # adam-auth
//!
//! The building blocks of authentication in ADAM (SPEC §4; Decree Art. 52–54), with no I/O:
//! nothing here reads a clock, a file, the network or a database. Every function that depends
//! on time takes the instant `now` as a [`Timestamp`] (the core's whole seconds since the Unix
//! epoch), so the server decides what "now" is and tests are deterministic. The only outside
//! input is the operating system's random generator, used to make salts and secrets.
//!
//! - [`password`]: the password policy of Art. 54(1) as NIST SP 800-63B-4 reads it, with bundled
//!   lists of common passwords and of Slovenian and English words (see the crate's README for
//!   where they come from).
//! - [`hash`]: Argon2id password hashing in PHC strings, with "needs rehash" when the
//!   parameters change.
//! - [`totp`]: RFC 6238 one-time codes with replay protection, and single-use backup codes.
//! - [`token`]: one-time secrets for password-reset links and API tokens, stored as SHA-256.
//! - [`limiter`]: attempt limits of Art. 53(2) — growing delays and temporary locks per account
//!   and per source address, and a global budget.
//!
//! ```
//! use adam_auth::password::{Context, Dictionary, PasswordPolicy, PasswordProblem};
//! # fn main() -> Result<(), adam_auth::password::PolicyError> {
//! let policy = PasswordPolicy::standard()?;
//! let who = Context { username: "jnovak", first_name: "Janez", last_name: "Novak", has_second_factor: true, ..Context::default() };
//! // A Slovenian word with digits and a symbol appended:
//! assert_eq!(
//!     policy.check("Sonce2024!", &who),
//!     Err(vec![PasswordProblem::DictionaryWord { dictionary: Dictionary::Slovenian }])
//! );
//! assert_eq!(policy.check("Zelen-Traktor-Pleše-9", &who), Ok(()));
//! # Ok(())
//! # }
//! ```

pub mod encoding;
pub mod hash;
pub mod limiter;
pub mod password;
pub mod random;
pub mod token;
pub mod totp;

pub use adam_core::Timestamp;
