//! How long a cold start takes: `Store::load` of a large world, on SQLite and PostgreSQL.
//!
//! Builds adam-bench's seeded synthetic administration (the same generator as the engine
//! benchmark), writes it into a fresh store through the one write path (`Store::commit`, in
//! large batches of events, as an import would), then times `load` a few times and checks the
//! loaded world against `World::restore` of the same events.
//!
//! ```text
//! cargo run --release -p adam-bench --example load_bench -- [--documents N] [--backend sqlite|postgres|both]
//! ```
//!
//! PostgreSQL needs `ADAM_TEST_PG_URL` (an administrator's URL); the benchmark creates a
//! database of its own and drops it afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_bench::synth::{self, Config};
use adam_core::*;
use adam_store::{AuditContext, PgStore, SqliteStore, Store};
use adam_testkit::fingerprint_hash as fingerprint;
use std::time::{Duration, Instant};

/// Events per import commit.
const CHUNK: usize = 20_000;
/// Timed loads per backend.
const RUNS: usize = 3;

struct Args {
    documents: usize,
    backends: Vec<String>,
}

fn args() -> Args {
    let mut documents = 200_000;
    let mut backends = vec!["sqlite".to_owned(), "postgres".to_owned()];
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--documents" => {
                documents = it
                    .next()
                    .and_then(|v| v.replace('_', "").parse().ok())
                    .expect("a number")
            }
            "--backend" => {
                backends = match it.next().as_deref() {
                    Some("both") => vec!["sqlite".to_owned(), "postgres".to_owned()],
                    Some(b) => vec![b.to_owned()],
                    None => panic!("--backend sqlite|postgres|both"),
                }
            }
            other => panic!("unknown argument {other:?}"),
        }
    }
    Args { documents, backends }
}

fn import(store: &dyn Store, synth: &synth::Synth) -> Duration {
    let started = Instant::now();
    store.initialise(&synth.organisation).unwrap();
    let context = AuditContext {
        at: synth.at,
        actor: Actor::System,
        source_ip: None,
        application: Some("load_bench".to_owned()),
    };
    for plan in synth.import_plans(CHUNK) {
        store.commit(&plan, &context).unwrap();
    }
    started.elapsed()
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn bench(name: &str, store: &dyn Store, synth: &synth::Synth, reference: u64) {
    let imported = import(store, synth);
    println!(
        "{name}: imported {} events in {}",
        synth.events.len(),
        seconds(imported)
    );
    let mut times = Vec::new();
    for run in 0..RUNS {
        let started = Instant::now();
        let world = store.load().unwrap();
        let took = started.elapsed();
        times.push(took);
        if run == 0 {
            assert_eq!(
                fingerprint(&world),
                reference,
                "{name}: the loaded world differs from World::restore of the same events"
            );
        }
        let rss = adam_bench::mem::resident().map_or(0.0, |r| adam_bench::mem::mib(r.rss));
        println!(
            "{name}: load #{} took {} ({} folders, {} documents, {} entries; resident {rss:.0} MiB)",
            run + 1,
            seconds(took),
            world.folder_count(),
            world.document_count(),
            world.entry_count()
        );
    }
    times.sort();
    println!(
        "{name}: cold load best {} median {}",
        seconds(times[0]),
        seconds(times[RUNS / 2])
    );
}

fn main() {
    let args = args();
    let config = Config::scaled(args.documents);
    let started = Instant::now();
    let synth = synth::generate(&config).unwrap();
    println!(
        "generated {} users, {} offices, {} folders, {} documents, {} entries ({} events) in {}",
        synth.summary.users,
        synth.summary.offices,
        synth.summary.folders,
        synth.summary.documents,
        synth.summary.entries,
        synth.events.len(),
        seconds(started.elapsed())
    );
    let revisions = synth.events.len().div_ceil(CHUNK) as u64;
    let started = Instant::now();
    let reference_world =
        World::restore(synth.organisation.clone(), Revision(revisions), synth.events.clone()).unwrap();
    println!(
        "engine: World::restore from events in memory took {} (the floor a store load can reach)",
        seconds(started.elapsed())
    );
    let reference = fingerprint(&reference_world);
    drop(reference_world);

    for backend in &args.backends {
        match backend.as_str() {
            "sqlite" => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("adam.db");
                let keys = std::sync::Arc::new(adam_store::Keyring::open(dir.path().join("audit-keys")).unwrap());
                let store = SqliteStore::open(&path, keys).unwrap();
                bench("sqlite", &store, &synth, reference);
                let size: u64 = std::fs::read_dir(dir.path())
                    .unwrap()
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum();
                println!("sqlite: files {:.0} MiB", size as f64 / (1024.0 * 1024.0));
            }
            "postgres" => {
                let admin = std::env::var("ADAM_TEST_PG_URL")
                    .expect("ADAM_TEST_PG_URL (an administrator's URL) for the PostgreSQL run");
                let db = format!("adam_load_bench_{}", std::process::id());
                let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
                client.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
                let root = admin.rsplit_once('/').map_or(admin.as_str(), |(r, _)| r);
                {
                    let keys_dir = tempfile::tempdir().unwrap();
                    let keys = std::sync::Arc::new(adam_store::Keyring::open(keys_dir.path()).unwrap());
                    let store = PgStore::connect(&format!("{root}/{db}"), keys).unwrap();
                    bench("postgres", &store, &synth, reference);
                    let size: i64 = client.query_one("SELECT pg_database_size($1)", &[&db]).unwrap().get(0);
                    println!("postgres: database {:.0} MiB", size as f64 / (1024.0 * 1024.0));
                }
                client
                    .batch_execute(&format!("DROP DATABASE {db} WITH (FORCE)"))
                    .unwrap();
            }
            other => panic!("unknown backend {other:?}"),
        }
    }
}
