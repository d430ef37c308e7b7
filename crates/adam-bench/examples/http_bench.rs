//! `check` over HTTP on loopback, driven by `wrk`: single checks and batches, with the access
//! audit on (the product default) and off, and the index load time at start.
//!
//! 1. Generates adam-bench's seeded synthetic administration (`--documents`, default 1M; the
//!    other sizes scale with it) and imports it into a SQLite store through `Store::commit`
//!    (skipped when `--dir` already holds it).
//! 2. Times `AppState::load` (the server's start: `Store::load` and the audit quick check)
//!    `--load-runs` times.
//! 3. Serves the real router (`adam_server::serve`, with its follower and audit tasks) on
//!    127.0.0.1 on a Tokio runtime of `--server-threads` workers, issues a service token, and
//!    writes request bodies (adam-bench's seeded request stream, asking for level 14) and a Lua
//!    script for `wrk` into the directory.
//! 4. Runs `wrk` (each run bounded by `--duration`) for every scenario, with the audit on and
//!    off, and prints one line per run. "Off" sends the same checks with `"at"` set to the
//!    server's (manual) clock: the decision is the same, but a question "as of" an instant is
//!    a review and records nothing (`access_record`). "On" records every check: all of them
//!    either reach 13 or are refused at 14.
//!
//! ```text
//! cargo run --release -p adam-bench --example http_bench -- [--documents 1000000] [--dir PATH]
//!     [--duration 10] [--connections 1,16,64] [--rates 50000,20000] [--batch 10000]
//!     [--batch-connections 2] [--batch-duration 3] [--server-threads 2] [--wrk-threads 1]
//!     [--modes off,on] [--load-runs 2] [--requests 200000]
//!
//! `--modes` also takes two variants of `on` that show where its tail comes from: `on-inline`
//! (every commit that finds the WAL past its threshold copies it back itself, as SQLite's
//! automatic checkpoint did before 2026-12-04) and `on-no-moves` (no search keys are moved
//! into the audit lookup tables during the run; they are moved after it).
//! ```
//!
//! After each single-check run with the audit on, the benchmark waits for the access-record
//! writer to drain its queue and says how long that took. Batch runs with the audit on queue
//! records faster than SQLite takes them; the benchmark reports the backlog and, being last,
//! exits without waiting for it.
//!
//! Needs `wrk` on the PATH (Debian: `apt-get install wrk`). wrk is closed-loop; a "rate" run
//! paces each of its connections with Lua's `delay()` so that the offered rate is about the
//! target (the achieved rate is printed). Only 127.0.0.1 is ever a target.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_bench::mem::{cpu_seconds, load_avg, rss_mib};
use adam_bench::synth::{self, Config as SynthConfig};
use adam_core::*;
use adam_server::{AppState, Clock, Config, Scope};
use adam_store::{AuditContext, SqliteStore, Store};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::{Duration, Instant};

/// Events per import commit.
const CHUNK: usize = 20_000;

struct Args {
    documents: usize,
    dir: Option<PathBuf>,
    duration: u64,
    connections: Vec<usize>,
    rates: Vec<usize>,
    batch: usize,
    batch_connections: Vec<usize>,
    batch_duration: u64,
    server_threads: usize,
    wrk_threads: usize,
    modes: Vec<String>,
    load_runs: usize,
    requests: usize,
    /// Search keys moved per write transaction (`--index-chunk`; the store's default when 0).
    index_chunk: u64,
}

fn list(v: &str) -> Vec<usize> {
    v.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('_', "").parse().expect("a number"))
        .collect()
}

fn args() -> Args {
    let mut a = Args {
        documents: 1_000_000,
        dir: None,
        duration: 10,
        connections: vec![1, 16, 64],
        rates: vec![50_000, 20_000],
        batch: 10_000,
        batch_connections: vec![2],
        batch_duration: 3,
        server_threads: 2,
        wrk_threads: 1,
        modes: vec!["off".to_owned(), "on".to_owned()],
        load_runs: 2,
        requests: 200_000,
        index_chunk: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value");
        match arg.as_str() {
            "--documents" => a.documents = value().replace('_', "").parse().expect("a number"),
            "--dir" => a.dir = Some(value().into()),
            "--duration" => a.duration = value().parse().expect("seconds"),
            "--connections" => a.connections = list(&value()),
            "--rates" => a.rates = list(&value()),
            "--batch" => a.batch = value().replace('_', "").parse().expect("a number"),
            "--batch-connections" => a.batch_connections = list(&value()),
            "--batch-duration" => a.batch_duration = value().parse().expect("seconds"),
            "--server-threads" => a.server_threads = value().parse().expect("a number"),
            "--wrk-threads" => a.wrk_threads = value().parse().expect("a number"),
            "--modes" => a.modes = value().split(',').map(str::to_owned).collect(),
            "--load-runs" => a.load_runs = value().parse().expect("a number"),
            "--requests" => a.requests = value().replace('_', "").parse().expect("a number"),
            "--index-chunk" => a.index_chunk = value().replace('_', "").parse().expect("a number"),
            other => panic!("unknown argument {other:?}"),
        }
    }
    assert!(a.batch <= adam_server::api::decisions::MAX_BATCH);
    a
}

fn import(store: &dyn Store, synth: &synth::Synth) {
    store.initialise(&synth.organisation).unwrap();
    let context = AuditContext {
        at: synth.at,
        actor: Actor::System,
        source_ip: None,
        application: Some("http_bench".to_owned()),
    };
    for plan in synth.import_plans(CHUNK) {
        store.commit(&plan, &context).unwrap();
    }
}

fn check_body(r: &adam_bench::stream::Request, at: Option<Timestamp>) -> String {
    let (kind, id) = match r.object {
        ObjectRef::Folder(f) => ("folder", f.0),
        ObjectRef::Document(d) => ("document", d.0),
    };
    let mut s = format!(
        r#"{{"user":{},"object":{{"type":"{kind}","id":{id}}},"level":14"#,
        r.user.0
    );
    if r.session.mfa {
        s.push_str(r#","mfa":true"#);
    }
    if let Some(at) = at {
        write!(s, r#","at":"{at}""#).unwrap();
    }
    s.push('}');
    s
}

fn batch_body(rs: &[adam_bench::stream::Request], at: Option<Timestamp>) -> String {
    let mut s = String::from("{");
    if let Some(at) = at {
        write!(s, r#""at":"{at}","#).unwrap();
    }
    s.push_str(r#""checks":["#);
    for (i, r) in rs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&check_body(r, None));
    }
    s.push_str("]}");
    s
}

const SCRIPT: &str = r#"-- Written by adam-bench's http_bench example.
-- wrk -s bench.lua URL -- BODIES_FILE DELAY_MS
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local bodies = {}
local i = 0
local pause = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  pause = tonumber(args[2] or "0")
  i = (id or 0) * 7919 % #bodies
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
-- PACED: function delay() return pause end
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"status\":%d,\"connect\":%d,\"read\":%d,\"write\":%d,\"timeout\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d,\"mean\":%.1f}\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
"#;

struct WrkResult {
    requests: f64,
    seconds: f64,
    errors: u64,
    p50: f64,
    p90: f64,
    p99: f64,
    p999: f64,
    max: f64,
}

#[allow(clippy::too_many_arguments)]
fn wrk(
    dir: &Path,
    url: &str,
    token: &str,
    bodies: &Path,
    connections: usize,
    threads: usize,
    delay_ms: u64,
    duration: u64,
) -> WrkResult {
    let out = std::process::Command::new("wrk")
        .arg("-t")
        .arg(threads.min(connections).to_string())
        .arg("-c")
        .arg(connections.to_string())
        .arg("-d")
        .arg(format!("{duration}s"))
        .arg("--timeout")
        .arg("10s")
        .arg("-H")
        .arg(format!("Authorization: Bearer {token}"))
        .arg("-s")
        .arg(dir.join(if delay_ms > 0 { "paced.lua" } else { "bench.lua" }))
        .arg(url)
        .arg("--")
        .arg(bodies)
        .arg(delay_ms.to_string())
        .output()
        .expect("wrk (apt-get install wrk)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("wrk said: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let n = |k: &str| v[k].as_f64().unwrap();
    let errors = ["status", "connect", "read", "write", "timeout"]
        .iter()
        .map(|k| n(k) as u64)
        .sum();
    WrkResult {
        requests: n("requests"),
        seconds: n("duration_us") / 1e6,
        errors,
        p50: n("p50") / 1e3,
        p90: n("p90") / 1e3,
        p99: n("p99") / 1e3,
        p999: n("p999") / 1e3,
        max: n("max") / 1e3,
    }
}

fn main() {
    let args = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();

    // ---- the world and the store ----
    let config = SynthConfig::scaled(args.documents);
    let started = Instant::now();
    let synth = synth::generate(&config).unwrap();
    let at = synth.at;
    let notable = synth.notable.clone();
    println!(
        "generated {} users, {} folders, {} documents, {} ACL entries ({} events) in {:.2} s",
        synth.summary.users,
        synth.summary.folders,
        synth.summary.documents,
        synth.summary.entries,
        synth.events.len(),
        started.elapsed().as_secs_f64()
    );
    let keys = Arc::new(adam_store::Keyring::open(dir.join("audit-keys")).unwrap());
    let sqlite = Arc::new(SqliteStore::open(dir.join("adam.db"), keys).unwrap());
    let index_batch = sqlite.audit_index_batch();
    if args.index_chunk > 0 {
        sqlite.set_audit_index_chunk(args.index_chunk, true);
    }
    let store: Arc<dyn Store> = sqlite.clone();
    if store.latest_revision().unwrap() == Revision(0) {
        let started = Instant::now();
        import(store.as_ref(), &synth);
        println!(
            "imported into SQLite ({}) in {:.1} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "reusing the store in {} (revision {})",
            dir.display(),
            store.latest_revision().unwrap().0
        );
    }
    drop(synth);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .enable_all()
        .build()
        .unwrap();
    let server_config = Config {
        application: "http_bench".to_owned(),
        ..Config::default()
    };

    // ---- the index load at start ----
    let mut state = None;
    for run in 1..=args.load_runs.max(1) {
        drop(state.take());
        let started = Instant::now();
        let s = rt
            .block_on(AppState::load(
                store.clone(),
                Clock::Manual(AtomicI64::new(at.0)),
                server_config.clone(),
            ))
            .unwrap();
        let took = started.elapsed().as_secs_f64();
        let w = s.world();
        println!(
            "AppState::load #{run}: {took:.2} s ({} folders, {} documents, {} entries, revision {}; resident {:.0} MiB; read-only: {:?})",
            w.folder_count(),
            w.document_count(),
            w.entry_count(),
            w.revision().0,
            rss_mib(),
            s.read_only()
        );
        drop(w);
        state = Some(s);
    }
    let state = state.unwrap();

    // ---- the request bodies ----
    let (requests, mix) = {
        let w = state.world();
        adam_bench::stream::generate(&w, &notable, 42, args.requests)
    };
    println!("request stream: {} checks ({mix:?})", requests.len());
    let mut files = std::collections::HashMap::new();
    for mode in &args.modes {
        let at = (mode == "off").then_some(at);
        assert!(
            ["off", "on", "on-inline", "on-no-moves"].contains(&mode.as_str()),
            "--modes: off, on, on-inline, on-no-moves"
        );
        let single = dir.join(format!("single-{mode}.txt"));
        let mut text = String::new();
        for r in &requests {
            text.push_str(&check_body(r, at));
            text.push('\n');
        }
        std::fs::write(&single, text).unwrap();
        let batch = dir.join(format!("batch-{mode}.txt"));
        let mut text = String::new();
        for chunk in requests.chunks(args.batch).take(20) {
            text.push_str(&batch_body(chunk, at));
            text.push('\n');
        }
        std::fs::write(&batch, text).unwrap();
        files.insert(mode.clone(), (single, batch));
    }
    std::fs::write(dir.join("bench.lua"), SCRIPT).unwrap();
    // wrk decides once, from the script, whether requests are delayed.
    std::fs::write(dir.join("paced.lua"), SCRIPT.replace("-- PACED: ", "")).unwrap();

    // ---- the server ----
    let service = *notable.service_users.first().expect("a service account");
    let token = rt
        .block_on(adam_server::api::system::issue(
            &state,
            Actor::System,
            None,
            service,
            "http_bench",
            &[Scope::Read, Scope::Check],
            None,
        ))
        .unwrap_or_else(|e| panic!("token: {}", e.detail))
        .secret;
    std::fs::write(dir.join("token.txt"), &token).unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    let served = state.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(async move {
        adam_server::serve(listener, served, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    println!(
        "serving on http://{addr} ({} Tokio workers); token in {}",
        args.server_threads,
        dir.join("token.txt").display()
    );

    // A smoke test of both endpoints.
    let client = reqwest::Client::new();
    let first = std::fs::read_to_string(&files[&args.modes[0]].0).unwrap();
    let body = first.lines().next().unwrap().to_owned();
    let reply = rt.block_on(async {
        client
            .post(format!("http://{addr}/api/v1/check"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap()
    });
    assert_eq!(reply.status().as_u16(), 200, "{body}");
    println!("smoke: {body} -> {}", rt.block_on(reply.text()).unwrap());

    let audit_records = || {
        let store = state.store.clone();
        store.audit_quick_check().unwrap().records
    };

    // ---- the runs ----
    let single_url = format!("http://{addr}/api/v1/check");
    let batch_url = format!("http://{addr}/api/v1/check/batch");
    println!(
        "\n{:<44} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  {:<8} {:>6} audit",
        "run", "checks/s", "p50 ms", "p90 ms", "p99 ms", "p99.9", "max ms", "errors", "load", "cpu µs"
    );
    type Scenario = (String, bool, usize, u64);
    let mut scenarios: Vec<Scenario> = Vec::new();
    for &c in &args.connections {
        scenarios.push((format!("single, {c} connections, closed loop"), false, c, 0));
    }
    for &rate in &args.rates {
        // Paced: `c` connections each waiting `delay` ms between requests.
        let c = 100usize;
        let delay = ((c as f64 * 1000.0 / rate as f64).round() as u64).max(1);
        scenarios.push((
            format!("single, paced ~{rate}/s ({c} conn, {delay} ms)"),
            false,
            c,
            delay,
        ));
    }
    for &c in &args.batch_connections {
        scenarios.push((format!("batch of {}, {c} connections", args.batch), true, c, 0));
    }
    if args.duration == 0 {
        scenarios.clear();
    }
    for (name, batch, c, delay) in &scenarios {
        for mode in &args.modes {
            let (single, batches) = &files[mode];
            // The variants of "on" that show where its tail comes from (#14): commits that
            // copy the WAL back themselves, as before 2026-12-04; no moves of search keys.
            sqlite.set_inline_checkpoints(mode == "on-inline");
            sqlite.set_audit_index_batch(if mode == "on-no-moves" { u64::MAX } else { index_batch });
            let before = audit_records();
            let load = load_avg();
            let cpu_before = cpu_seconds();
            let r = wrk(
                &dir,
                if *batch { &batch_url } else { &single_url },
                &token,
                if *batch { batches } else { single },
                *c,
                args.wrk_threads,
                *delay,
                if *batch { args.batch_duration } else { args.duration },
            );
            let per = if *batch { args.batch as f64 } else { 1.0 };
            let checks_per_s = r.requests * per / r.seconds;
            let cpu = cpu_seconds() - cpu_before;
            let written = audit_records() - before;
            let answered = (r.requests * per) as u64;
            // How long the access-record writer needs to catch up after the run (single
            // checks only: a batch run queues more than the writer can drain in minutes).
            let started = Instant::now();
            if !*batch {
                rt.block_on(state.flush_access());
            }
            let drain = started.elapsed();
            let after = audit_records() - before;
            println!(
                "{:<44} {:>10.0} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.1} {:>8}  {:<8} {:>6.1} {mode}: {written} records written during the run ({:.0}/s), {} queued at its end, {after} after {:.1} s of drain",
                name,
                checks_per_s,
                r.p50,
                r.p90,
                r.p99,
                r.p999,
                r.max,
                r.errors,
                load.split(' ').next().unwrap_or(""),
                cpu * 1e6 / answered.max(1) as f64,
                written as f64 / r.seconds,
                if mode != "off" {
                    answered.saturating_sub(written)
                } else {
                    0
                },
                drain.as_secs_f64()
            );
            // What "on-no-moves" left unmoved is moved now, not in the next run: each write
            // transaction moves one chunk of keys (`audit/index.rs`), so a few thousand small
            // ones, with pauses for the plans read beside them.
            sqlite.set_audit_index_batch(index_batch);
            sqlite.set_inline_checkpoints(false);
            for _ in 0..2_000 {
                store.audit_checkpoint(at).unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_secs(2));
        }
    }
    println!("resident at the end: {:.0} MiB", rss_mib());
    if scenarios.iter().any(|s| s.1) && args.modes.iter().any(|m| m == "on") {
        // The access records queued by the batch run would take minutes to write; the
        // benchmark does not wait for them.
        println!("exiting without draining the access-record queue");
        std::process::exit(0);
    }
    let _ = stop.send(());
    rt.block_on(server).unwrap();
}
