//! # adam-bench
//!
//! The benchmark of ADAM's engine, as a library so other benchmarks (a future server
//! benchmark) can reuse its parts without its binary:
//! - [`synth`]: a seeded, deterministic synthetic administration of realistic size, built as
//!   change-log events for `World::restore` (it lives in `adam-testkit`, with [`rng`], so that
//!   tests can use it without this crate; re-exported here);
//! - [`stream`]: a seeded request stream with a realistic mix of checks;
//! - [`mem`]: resident-memory figures from `/proc/self/status`;
//! - `cedar` (feature `cedar`, on by default): the translation of a world into Cedar
//!   entities and policies for a threshold level, to run the same stream side by side.

pub mod mem;
pub mod stream;

pub use adam_testkit::{rng, synth};

#[cfg(feature = "cedar")]
pub mod cedar;
