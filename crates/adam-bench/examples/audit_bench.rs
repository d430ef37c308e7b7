//! The audit trail on SQLite: durable appends with group commit, and `verify` of a long trail.
//!
//! 1. Appends access records (the server's `access.check` records) through `Store::append_audit`
//!    with 1, 10, 100, 1000 and 10,000 records per transaction (`--batches`) (`synchronous=FULL`: every transaction is
//!    on disk when it returns), each for a bounded time, and prints records/s.
//! 2. Fills the trail to `--records` records (batches of 1000) and times `Store::audit_verify`
//!    over all of it, `--verify-runs` times, with `--workers` stretches checked side by side
//!    (a list runs each in turn; 0 lets `verify` choose, 1 is one reading and one checking
//!    thread).
//!
//! ```text
//! cargo run --release -p adam-bench --example audit_bench -- [--records 1000000] [--seconds 5]
//!     [--verify-runs 3] [--dir PATH] [--verify-only] [--batches 1,10,100,1000,10000]
//!     [--index-batch 65536] [--workers 0,1,2] [--pg postgres://…]
//! ```
//!
//! With `--dir`, the database and key directory are kept there and a later run with the same
//! `--dir` reuses the trail (so that `--verify-only` can be run under `perf`). With
//! `--pg URL` the trail is in that PostgreSQL database instead (the key directory stays in
//! `--dir`); the same steps run against it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_core::{Actor, AuditObject, Timestamp, UserId};
use adam_store::{AuditContext, NewAudit, PgStore, Retention, SqliteStore, Store};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

struct Args {
    records: u64,
    seconds: f64,
    verify_runs: usize,
    dir: Option<std::path::PathBuf>,
    verify_only: bool,
    batches: Vec<usize>,
    index_batch: Option<u64>,
    workers: Vec<usize>,
    pg: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        records: 1_000_000,
        seconds: 5.0,
        verify_runs: 3,
        dir: None,
        verify_only: false,
        batches: vec![1, 10, 100, 1000, 10_000],
        index_batch: None,
        workers: vec![0],
        pg: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value").replace('_', "");
        match arg.as_str() {
            "--records" => a.records = value().parse().expect("a number"),
            "--seconds" => a.seconds = value().parse().expect("a number"),
            "--verify-runs" => a.verify_runs = value().parse().expect("a number"),
            "--dir" => a.dir = Some(value().into()),
            "--verify-only" => a.verify_only = true,
            "--batches" => a.batches = value().split(',').map(|b| b.parse().expect("a number")).collect(),
            "--index-batch" => a.index_batch = Some(value().parse().expect("a number")),
            "--pg" => a.pg = it.next(),
            "--workers" => a.workers = value().split(',').map(|b| b.parse().expect("a number")).collect(),
            other => panic!("unknown argument {other:?}"),
        }
    }
    a
}

fn now() -> Timestamp {
    Timestamp(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64)
}

/// An access record as the server writes for a `check` (see adam-server `access_record`).
fn record(i: u64) -> NewAudit {
    let document = (i * 7919 % 1_000_000) as u32;
    let refused = i % 5 < 3;
    NewAudit {
        retention: Retention::Access,
        context: AuditContext {
            at: now(),
            actor: Actor::user(UserId((i * 104_729 % 100_000) as u32)),
            source_ip: Some("127.0.0.1".to_owned()),
            application: Some("svc-dms".to_owned()),
        },
        action: "access.check".to_owned(),
        object: AuditObject {
            kind: adam_core::EntityKind::Document,
            id: document,
            label: format!("document {document}"),
        },
        before: None,
        after: Some(serde_json::json!({ "level": if refused { 0 } else { 14 }, "asked": 14 })),
        outcome: if refused { "refused" } else { "ok" }.to_owned(),
    }
}

fn records_in(store: &dyn Store) -> u64 {
    store.audit_quick_check().unwrap().records
}

fn main() {
    let args = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let keys = Arc::new(adam_store::Keyring::open(dir.join("audit-keys")).unwrap());
    let store: Box<dyn Store> = match &args.pg {
        Some(url) => {
            let store = PgStore::connect(url, keys).unwrap();
            if let Some(n) = args.index_batch {
                store.set_audit_index_batch(n);
            }
            Box::new(store)
        }
        None => {
            let store = SqliteStore::open(dir.join("adam.db"), keys).unwrap();
            if let Some(n) = args.index_batch {
                store.set_audit_index_batch(n);
            }
            Box::new(store)
        }
    };
    let store = &*store;
    store
        .initialise(&adam_core::Text::parse("o", "Audit bench").unwrap())
        .unwrap();
    let mut next = records_in(store);

    if !args.verify_only {
        println!(
            "append ({}), {:.0} s per batch size:",
            if args.pg.is_some() {
                "PostgreSQL"
            } else {
                "SQLite, synchronous=FULL, WAL"
            },
            args.seconds
        );
        for &batch in &args.batches {
            let budget = Duration::from_secs_f64(args.seconds);
            let started = Instant::now();
            let mut written = 0u64;
            let mut worst = Duration::ZERO;
            while started.elapsed() < budget {
                let records: Vec<NewAudit> = (0..batch as u64).map(|k| record(next + k)).collect();
                let t = Instant::now();
                store.append_audit(&records).unwrap();
                worst = worst.max(t.elapsed());
                next += batch as u64;
                written += batch as u64;
            }
            let took = started.elapsed().as_secs_f64();
            println!(
                "  {batch:>5} per transaction: {written:>8} records in {took:.2} s = {:>9.0} records/s, {:>7.0} transactions/s (slowest transaction {:.1} ms)",
                written as f64 / took,
                (written / batch as u64) as f64 / took,
                worst.as_secs_f64() * 1e3
            );
        }
    }

    let have = records_in(store);
    if have < args.records {
        let started = Instant::now();
        let mut n = have;
        while n < args.records {
            let batch = (args.records - n).min(1000);
            let records: Vec<NewAudit> = (0..batch).map(|k| record(n + k)).collect();
            store.append_audit(&records).unwrap();
            n += batch;
        }
        let took = started.elapsed().as_secs_f64();
        println!(
            "filled the trail from {have} to {n} records in {took:.1} s ({:.0} records/s in batches of 1000)",
            (n - have) as f64 / took
        );
    }
    if args.pg.is_none() {
        let size: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        println!("database files: {:.0} MiB", size as f64 / (1024.0 * 1024.0));
    }

    for run in 1..=args.verify_runs {
        for &workers in &args.workers {
            let started = Instant::now();
            let verdict = store.audit_verify_in(workers).unwrap();
            let took = started.elapsed().as_secs_f64();
            assert!(verdict.intact(), "the trail does not verify: {}", verdict.summary());
            println!(
                "verify #{run} (workers {workers}): {} records ({} checkpoints) in {took:.2} s = {:.0} records/s",
                verdict.records,
                verdict.checkpoints,
                verdict.records as f64 / took
            );
        }
    }
}
