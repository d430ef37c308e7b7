//! Backup and verify throughput (issue #18): `adam_store::backup::create` and `verify` on a
//! generated world in a SQLite store, in MB/s and records (rows of every table) per second.
//!
//! Builds adam-bench's seeded synthetic administration, writes it into a fresh SQLite store
//! through the one write path (large import commits), appends `--audit N` access records (the
//! trail is what a verification spends its time on), then takes `--runs` backups and verifies
//! each. Before each backup it times, for comparison, the live trail's own verify (what
//! `adam audit verify` does) and the live world's load: a verification repeats both on the
//! restored copy, after copying and hashing the file, counting every table's rows and SQLite's
//! `quick_check`.
//!
//! ```text
//! cargo run --release -p adam-bench --example backup_bench -- [--documents N] [--audit N] [--runs N] [--dir DIR]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_bench::synth::{self, Config};
use adam_core::*;
use adam_store::backup::{self, Scratches};
use adam_store::{AuditContext, AuditTrail as _, NewAudit, Retention, SqliteStore, WorldStore as _};
use std::sync::Arc;
use std::time::Instant;

const CHUNK: usize = 20_000;

struct Args {
    documents: usize,
    audit: u64,
    runs: usize,
    dir: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        documents: 100_000,
        audit: 200_000,
        runs: 3,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    let number = |v: Option<String>| {
        v.and_then(|v| v.replace('_', "").parse::<u64>().ok())
            .expect("a number")
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--documents" => a.documents = number(it.next()) as usize,
            "--audit" => a.audit = number(it.next()),
            "--runs" => a.runs = number(it.next()).max(1) as usize,
            "--dir" => a.dir = it.next(),
            other => panic!("unknown argument {other:?}"),
        }
    }
    a
}

fn access(i: u64, at: Timestamp) -> NewAudit {
    let document = (i * 7919 % 1_000_000) as u32;
    NewAudit {
        retention: Retention::Access,
        context: AuditContext {
            at,
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
        after: Some(serde_json::json!({ "level": 14, "asked": 14 })),
        outcome: "ok".to_owned(),
    }
}

fn main() {
    let args = args();
    let config = Config::scaled(args.documents);
    let synth = synth::generate(&config).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args
        .dir
        .map_or_else(|| tmp.path().to_path_buf(), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("adam.db");
    let keys_dir = dir.join("audit-keys");
    let keys = Arc::new(adam_store::Keyring::open(&keys_dir).unwrap());
    let store = SqliteStore::open(&db, keys).unwrap();
    if store.latest_revision().unwrap().0 == 0 {
        let started = Instant::now();
        store.initialise(&synth.organisation).unwrap();
        let context = AuditContext {
            at: synth.at,
            actor: Actor::System,
            source_ip: None,
            application: Some("backup_bench".to_owned()),
        };
        for plan in synth.import_plans(CHUNK) {
            store.commit(&plan, &context).unwrap();
        }
        let mut i = 0;
        while i < args.audit {
            let n = 1000.min(args.audit - i);
            let batch: Vec<NewAudit> = (i..i + n).map(|k| access(k, synth.at)).collect();
            store.append_audit(&batch).unwrap();
            i += n;
        }
        println!(
            "built: {} events, {} access records in {:.1} s",
            synth.events.len(),
            args.audit,
            started.elapsed().as_secs_f64()
        );
    }
    let location = format!("sqlite:{}", db.display());
    // The database file and its WAL (not yet checkpointed back into it).
    let db_bytes =
        std::fs::metadata(&db).unwrap().len() + std::fs::metadata(dir.join("adam.db-wal")).map_or(0, |m| m.len());
    for run in 1..=args.runs {
        // For comparison: the live trail's own verify, what `adam audit verify` does.
        let started = Instant::now();
        let verdict = store.audit_verify().unwrap();
        let t = started.elapsed().as_secs_f64();
        assert!(verdict.intact(), "{}", verdict.summary());
        println!(
            "run {run}: the live trail's own verify: {} records in {t:.2} s = {:.0} records/s",
            verdict.records,
            verdict.records as f64 / t
        );
        // And the live world's load, which a verification repeats on the restored copy.
        let started = Instant::now();
        let world = store.load().unwrap();
        println!(
            "run {run}: the live world's load: revision {} in {:.2} s",
            world.revision().0,
            started.elapsed().as_secs_f64()
        );
        drop(world);
        let file = dir.join(format!("bench-{run}.adambackup"));
        let created = backup::create(&location, &file, synth.at.0).unwrap();
        let m = &created.manifest;
        let mb = created.bytes as f64 / 1e6;
        let rows = m.total_records() as f64;
        let c = created.duration_ms.max(1) as f64 / 1000.0;
        let report = backup::verify(&file, &keys_dir, Scratches::default()).unwrap();
        let v = report.duration_ms.max(1) as f64 / 1000.0;
        println!(
            "run {run}: database {:.1} MB, backup {mb:.1} MB, {} rows ({} audit records), revision {}\n  \
             create {c:.2} s = {:.0} MB/s, {:.0} rows/s\n  verify {v:.2} s = {:.0} MB/s, {:.0} rows/s, {:.0} audit records/s",
            db_bytes as f64 / 1e6,
            m.total_records(),
            m.audit.records,
            m.revision,
            mb / c,
            rows / c,
            mb / v,
            rows / v,
            m.audit.records as f64 / v,
        );
        // Each check's own time (the page check runs beside the others, listed last).
        for (check, ms) in report.checks.iter().zip(&report.check_ms) {
            let first = check.split(':').next().unwrap_or(check);
            println!("    {:>7.2} s  {first}", *ms as f64 / 1000.0);
        }
        std::fs::remove_file(&file).unwrap();
    }
}
