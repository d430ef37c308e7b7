//! # adam-testkit
//!
//! What the tests and benchmarks of several ADAM crates share, so that it exists once: a dev
//! dependency only (no product crate depends on it in a normal build), and it depends on
//! `adam-core` alone.
//! - [`fingerprint`] / [`fingerprint_hash`]: everything observable about a world's records, to
//!   prove a refused command changed nothing or that a store gives back what it was given;
//! - [`t`], [`text`]: a timestamp and a text from literals;
//! - [`synth`] (with [`rng`]): the seeded, deterministic synthetic administration of the
//!   benchmarks, built as change-log events for `World::restore`;
//! - [`replica`]: a PostgreSQL streaming replica of the test server, for the failover drills.
//!
//! Test support, not product code: a helper given a literal that does not parse, or a world
//! that does not serialise, panics (the test fails there), hence the `expect`s allowed below.

pub mod replica;
pub mod rng;
pub mod synth;

use adam_core::{AclEntry, Document, FilingClass, Folder, Grant, Text, Timestamp, World};
use serde::{Serialize, Serializer};

/// Everything observable about a world's records: the revision, the settings and every table,
/// serialised as one JSON array. The one definition both fingerprints use.
struct Observable<'w>(&'w World);

impl Serialize for Observable<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let entries: Vec<&AclEntry> = w.entries().collect();
        let grants: Vec<&Grant> = w.grants().collect();
        let folders: Vec<&Folder> = w.folders().collect();
        let documents: Vec<&Document> = w.documents().collect();
        let classes: Vec<&FilingClass> = w.classes().collect();
        // The registers, with each item's floor: derived, but kept incrementally, so a world
        // rebuilt from the log must hold the same floors as the one that lived through it.
        let links: Vec<_> = w.links().collect();
        let floors: Vec<_> = w.items().iter().map(|i| w.floor(i.id)).collect();
        let registers = (
            w.class_scheme(),
            w.role_holders(),
            w.items(),
            links,
            floors,
            w.access_reviews(),
            w.follow_ups(),
            w.risk_assessments(),
        );
        (
            w.revision(),
            w.settings(),
            w.offices(),
            w.jobs(),
            w.users(),
            w.groups(),
            w.applications(),
            w.roles(),
            grants,
            classes,
            folders,
            documents,
            entries,
            registers,
            // Integrity baselines and comparisons (Art. 50(4)–(5)), with each server's current one.
            (
                w.baselines(),
                w.comparisons(),
                w.baselines()
                    .iter()
                    .map(|b| w.current_baseline(b.server).map(|c| c.id))
                    .collect::<Vec<_>>(),
            ),
            // The continuity register (Art. 15, 29).
            (
                w.continuity_plans(),
                w.plan_reviews(),
                w.bias(),
                w.continuity_tests(),
                w.risk_acceptances(),
            ),
        )
            .serialize(s)
    }
}

/// Everything observable about a world's records, as JSON: two worlds with the same
/// fingerprint hold the same records.
#[allow(clippy::expect_used)]
pub fn fingerprint(w: &World) -> String {
    serde_json::to_string(&Observable(w)).expect("a world serialises")
}

/// A hash of [`fingerprint`], computed as the JSON is written (for worlds too large to hold
/// their fingerprint in memory, such as the load benchmark's million documents).
#[allow(clippy::expect_used)]
pub fn fingerprint_hash(w: &World) -> u64 {
    use std::hash::Hasher;
    struct Hash(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Hash {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hash(Default::default());
    serde_json::to_writer(&mut h, &Observable(w)).expect("a world serialises");
    h.0.finish()
}

/// A timestamp from RFC 3339 text (`2026-03-02T09:00:00Z`) or a date.
#[allow(clippy::expect_used)]
pub fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("test timestamp")
}

/// A text value (a name, a title) from a literal.
#[allow(clippy::expect_used)]
pub fn text(s: &str) -> Text {
    Text::parse("text", s).expect("test text")
}

/// The least a registry of information solutions holds of a solution: its codename, a name and
/// the customer body. A responsibility matrix is made only for a registered solution.
#[allow(clippy::expect_used)]
pub fn bare_solution(codename: &str) -> adam_core::register::solution::SolutionFields {
    use adam_core::register::solution::*;
    SolutionFields {
        codename: Codename::parse(codename).expect("test codename"),
        name: text(&format!("Rešitev {codename}")),
        description: None,
        customer_body: text("Ministrstvo za javno upravo"),
        contractor: None,
        contract: None,
        entry_route: EntryRoute::Order,
        exceptional: Vec::new(),
        board_decision: None,
        technologies: None,
        modules_hkom: None,
        modules_internet: None,
        staging_in_pzi: false,
        test: None,
        staging: None,
        production: None,
        public_cloud: false,
        repository: None,
        ekc: EkcSupport::None,
        ekc_agreement_signed: None,
        user_groups: None,
        infrastructure_needs: None,
        gtz_deviations: None,
        building_blocks: None,
        nonstandard_workstations: None,
        logical_scheme: Default::default(),
        physical_plan_test: Default::default(),
        physical_plan_production: Default::default(),
        redmine_project: None,
        repository_access_granted: None,
        ekc_trained: None,
        ekc_help_contacts: None,
        system: None,
        people: SolutionPeople::default(),
        jobs: SolutionJobs::default(),
    }
}
