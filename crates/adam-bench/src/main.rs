//! The engine benchmark: one run measures the cold build, memory, `check` latency and
//! throughput, `lookup` latency, and (feature `cedar`) the same request stream through
//! `cedar-policy`, with a correctness gate between the two.
//!
//! (Over 800 lines on purpose: it is one run read top to bottom — options, phases in the
//! order they run, the gate — and each phase is a function; splitting it would scatter the
//! run without making any phase easier to find. The pieces other code shares live in
//! `stream.rs`, `cedar.rs`, `report.rs` and `adam-testkit`.)
//!
//! ```text
//! cargo run --release -p adam-bench -- [--users N] [--offices N] [--folders N]
//!     [--documents N] [--classes N] [--public-permille N] [--seed N] [--requests N]
//!     [--level 14] [--page 1000] [--lookup-users N] [--gate-users N] [--cedar-docs N]
//!     [--no-cedar] [--build-runs N] [--json PATH] [--profile check|lookup|lookup-heavy|build]
//! ```
//!
//! The cold build is measured in this process and again in `--build-runs` fresh processes
//! (each a true cold start: generate, restore, report, exit), because on a virtual machine
//! the first touch of fresh memory varies a lot from run to run.
//!
//! `--profile PHASE` builds the world and runs only that phase, repeatedly, with no report:
//! a target for `perf record` or `valgrind --tool=callgrind`.
//!
//! It is a binary, never a timed test: figures from a debug build or a loaded CI runner mean
//! nothing, and a benchmark that fails a build on a slow machine teaches people to ignore it.
//! The correctness gate, however, does fail the run (exit code 1): a fast wrong answer is not
//! a result.

mod report;

use adam_bench::stream::{self, Request};
use adam_bench::synth::{self, Config};
use adam_bench::{mem, rng::Rng};
use adam_core::{AccountKind, DocumentId, FolderId, Level, ObjectKind, ObjectRef, Session, Timestamp, UserId, World};
use anyhow::{Context as _, anyhow, bail};
use hdrhistogram::Histogram;
use report::*;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Command-line options.
struct Args {
    config: Config,
    requests: usize,
    level: Level,
    page: usize,
    lookup_users: usize,
    gate_users: usize,
    cedar_docs: usize,
    cedar: bool,
    json: String,
    profile: Option<String>,
    build_runs: usize,
}

const USAGE: &str = "usage: adam-bench [--users N] [--offices N] [--folders N] [--documents N] [--classes N] \
[--public-permille N] [--seed N] [--requests N] [--level L] [--page N] [--lookup-users N] [--gate-users N] \
[--cedar-docs N] [--no-cedar] [--build-runs N] [--json PATH] [--profile check|lookup|lookup-heavy|build]";

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        config: Config::default(),
        requests: 1_000_000,
        level: Level::View14,
        page: 1000,
        lookup_users: 500,
        gate_users: 12,
        cedar_docs: 1_000_000,
        cedar: cfg!(feature = "cedar"),
        json: concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/adam-bench.json").to_owned(),
        profile: None,
        build_runs: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        if flag == "--no-cedar" {
            a.cedar = false;
            continue;
        }
        let value = it.next().ok_or_else(|| anyhow!("{flag} needs a value\n{USAGE}"))?;
        let num = || -> anyhow::Result<usize> {
            value
                .replace('_', "")
                .parse::<usize>()
                .with_context(|| format!("{flag} {value}: not a number"))
        };
        match flag.as_str() {
            "--users" => a.config.users = num()?,
            "--offices" => a.config.offices = num()?,
            "--folders" => a.config.folders = num()?,
            "--documents" => a.config.documents = num()?,
            "--classes" => a.config.classes = num()?,
            "--public-permille" => a.config.public_permille = u32::try_from(num()?)?,
            "--seed" => a.config.seed = num()? as u64,
            "--requests" => a.requests = num()?,
            "--level" => a.level = Level::from_value(u8::try_from(num()?)?)?,
            "--page" => a.page = num()?,
            "--lookup-users" => a.lookup_users = num()?,
            "--gate-users" => a.gate_users = num()?,
            "--cedar-docs" => a.cedar_docs = num()?,
            "--json" => a.json = value.clone(),
            "--profile" => a.profile = Some(value.clone()),
            "--build-runs" => a.build_runs = num()?,
            other => bail!("unknown option {other}\n{USAGE}"),
        }
    }
    if a.level == Level::None {
        bail!("--level must be one of 11, 12, 13, 14, 21, 22");
    }
    Ok(a)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("CORRECTNESS GATE FAILED (see the mismatches above)");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn histogram() -> anyhow::Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 600_000_000_000, 3).map_err(|e| anyhow!("histogram: {e}"))
}

fn latency(h: &Histogram<u64>) -> Latency {
    Latency {
        count: h.len(),
        p50_ns: h.value_at_quantile(0.50),
        p95_ns: h.value_at_quantile(0.95),
        p99_ns: h.value_at_quantile(0.99),
        p999_ns: h.value_at_quantile(0.999),
        max_ns: h.max(),
        mean_ns: h.mean(),
    }
}

fn resident() -> mem::Resident {
    mem::resident().unwrap_or_default()
}

fn run() -> anyhow::Result<bool> {
    let args = parse_args()?;
    let level = args.level;
    let mut report = Report::new(&args.config, level, std::env::args().collect::<Vec<_>>().join(" "));
    println!("ADAM engine benchmark — {}", report.machine.line());
    println!(
        "world: {} users, {} offices, {} folders, {} documents, seed {}; level {level}",
        args.config.users, args.config.offices, args.config.folders, args.config.documents, args.config.seed
    );

    // 1. Generate and restore.
    let started = Instant::now();
    let synth = synth::generate(&args.config)?;
    report.build.generate_s = started.elapsed().as_secs_f64();
    report.world = synth.summary.clone();
    report.build.events = synth.events.len();
    report.build.event_list_mib = mem::mib((synth.events.len() * std::mem::size_of::<adam_core::Event>()) as u64);
    let notable = synth.notable.clone();
    let at = synth.at;
    let before = resident();
    let started = Instant::now();
    let world = synth.restore()?;
    report.build.restore_s = started.elapsed().as_secs_f64();
    let after = resident();
    report.build.entries = world.entry_count();
    report.build.restore_s_per_million_entries = report.build.restore_s * 1e6 / report.build.entries.max(1) as f64;
    report.build.rss_before_restore_mib = mem::mib(before.rss);
    report.build.rss_after_build_mib = mem::mib(after.rss);
    report.build.hwm_during_build_mib = mem::mib(after.hwm);
    report.build.peak_reset = mem::reset_peak();
    if args.profile.as_deref() == Some("build") {
        println!(
            "BUILD restore_s={:.4} rss_mib={:.1}",
            report.build.restore_s, report.build.rss_after_build_mib
        );
        // Exit without dropping the world: the profile is of the build alone.
        std::process::exit(0);
    }
    println!(
        "generated {} events in {:.2} s; restore (cold build) {:.3} s for {} ACL entries ({:.3} s per million); \
         resident after build {:.0} MiB",
        report.build.events,
        report.build.generate_s,
        report.build.restore_s,
        report.build.entries,
        report.build.restore_s_per_million_entries,
        report.build.rss_after_build_mib
    );

    if args.build_runs > 0 {
        fresh_builds(&args, &mut report.build)?;
        println!(
            "cold build in {} fresh processes: {:?} s (median {:.3} s); resident after build {:?} MiB",
            args.build_runs, report.build.fresh_restore_s, report.build.restore_median_s, report.build.fresh_rss_mib
        );
    }

    // 2. The request stream.
    let (requests, mix) = stream::generate(&world, &notable, args.config.seed, args.requests);
    if let Some(phase) = &args.profile {
        profile(&world, &notable, &requests, at, level, args.page, phase)?;
        return Ok(true);
    }
    report.check.requests = requests.len();
    report.check.mix = mix;

    // 3. check: per call, batched, threads.
    let ours = measure_checks(&world, &requests, at, level, &mut report.check)?;
    println!(
        "check: p50 {} ns, p95 {} ns, p99 {} ns, max {} ns, mean {:.0} ns (per-call timing, {} calls); \
         batch mean {:.0} ns; timer overhead ~{:.0} ns; {:.1}% allowed at {level}",
        report.check.per_call.p50_ns,
        report.check.per_call.p95_ns,
        report.check.per_call.p99_ns,
        report.check.per_call.max_ns,
        report.check.per_call.mean_ns,
        report.check.per_call.count,
        report.check.batch_mean_ns,
        report.check.timer_overhead_ns,
        report.check.allowed_share * 100.0
    );
    println!(
        "check throughput: {:.0}/s on 1 thread, {:.0}/s on 2 threads; folder bursts (cache-warm): {:.0} ns mean over {} checks",
        report.check.throughput_1_thread,
        report.check.throughput_2_threads,
        report.check.burst_mean_ns,
        report.check.burst_checks
    );

    // 4. lookup.
    let light = measure_lookups(
        &world,
        &notable,
        at,
        level,
        args.page,
        args.lookup_users,
        args.config.seed,
        &mut report.lookup,
    )?;
    println!(
        "lookup (users reaching ≤ {} documents at {level}, page {}): {} users, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms; documents reached p50 {}, max {}",
        LIGHT_LIMIT,
        args.page,
        report.lookup.light.count,
        report.lookup.light.p50_ns as f64 / 1e6,
        report.lookup.light.p95_ns as f64 / 1e6,
        report.lookup.light.p99_ns as f64 / 1e6,
        report.lookup.light.max_ns as f64 / 1e6,
        report.lookup.light_documents_p50,
        report.lookup.light_documents_max
    );
    for h in &report.lookup.heavy {
        println!(
            "lookup heavy: {} reaches {} documents: {:.1} ms ({} pages)",
            h.who, h.documents, h.ms, h.pages
        );
    }
    report.build.hwm_engine_phase_mib = mem::mib(resident().hwm);

    // 5. Lookup gate: lookup == brute force.
    let gate_ok = lookup_gate(
        &world,
        &notable,
        at,
        level,
        args.page,
        &light,
        args.gate_users,
        &mut report.gate,
    )?;

    // 6. Cedar side by side.
    let mut cedar_ok = true;
    if args.cedar {
        cedar_ok = run_cedar(&world, &requests, &ours, at, level, args.cedar_docs, &mut report)?;
    }
    report.gate.check_errors = report.check.errors;
    report.gate.passed = gate_ok && cedar_ok && report.gate.check_errors == 0;
    report.finish();
    report.print();
    let json = serde_json::to_string_pretty(&report)?;
    if let Some(dir) = std::path::Path::new(&args.json).parent() {
        std::fs::create_dir_all(dir).ok();
    }
    std::fs::write(&args.json, json).with_context(|| format!("writing {}", args.json))?;
    let shown = std::fs::canonicalize(&args.json).map_or_else(|_| args.json.clone(), |p| p.display().to_string());
    println!("report written to {shown}");
    Ok(report.gate.passed)
}

/// Runs the cold build in fresh processes of this binary and collects their figures.
fn fresh_builds(args: &Args, out: &mut Build) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let c = &args.config;
    for _ in 0..args.build_runs {
        let output = std::process::Command::new(&exe)
            .args(["--profile", "build", "--no-cedar", "--build-runs", "0"])
            .args(["--users", &c.users.to_string(), "--offices", &c.offices.to_string()])
            .args([
                "--folders",
                &c.folders.to_string(),
                "--documents",
                &c.documents.to_string(),
            ])
            .args(["--classes", &c.classes.to_string(), "--seed", &c.seed.to_string()])
            .args(["--public-permille", &c.public_permille.to_string()])
            .output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with("BUILD "))
            .ok_or_else(|| anyhow!("fresh build run printed no BUILD line: {text}"))?;
        let field = |name: &str| -> anyhow::Result<f64> {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name))
                .ok_or_else(|| anyhow!("no {name} in {line}"))?
                .parse::<f64>()
                .with_context(|| format!("{name} in {line}"))
        };
        out.fresh_restore_s.push(field("restore_s=")?);
        out.fresh_rss_mib.push(field("rss_mib=")?);
    }
    let mut all = out.fresh_restore_s.clone();
    all.push(out.restore_s);
    all.sort_by(f64::total_cmp);
    out.restore_median_s = all[all.len() / 2];
    out.restore_min_s = all[0];
    out.restore_median_s_per_million_entries = out.restore_median_s * 1e6 / out.entries.max(1) as f64;
    Ok(())
}

/// Runs one phase alone, for a profiler.
fn profile(
    world: &World,
    notable: &synth::Notable,
    requests: &[Request],
    at: Timestamp,
    level: Level,
    page: usize,
    phase: &str,
) -> anyhow::Result<()> {
    let started = Instant::now();
    match phase {
        "check" => {
            for _ in 0..5 {
                for r in requests {
                    black_box(world.check(r.user, r.object, at, r.session).ok());
                }
            }
        }
        "lookup" => {
            let mut rng = Rng::new(7);
            let people: Vec<UserId> = world.users().iter().filter(|u| u.active).map(|u| u.id).collect();
            let sample: Vec<UserId> = (0..300).filter_map(|_| rng.pick(&people).copied()).collect();
            for _ in 0..5 {
                for u in &sample {
                    black_box(lookup_all(world, *u, ObjectKind::Document, level, at, page)?);
                }
            }
        }
        "lookup-heavy" => {
            for (_, u) in heavy_users(world, notable).into_iter().take(1) {
                black_box(lookup_all(world, u, ObjectKind::Document, level, at, page)?);
            }
        }
        other => bail!("--profile {other}: expected check, lookup, lookup-heavy or build"),
    }
    println!("profile {phase}: {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Our decisions and per-call latencies, kept for the comparison with Cedar.
struct Ours {
    allowed: Vec<bool>,
    nanos: Vec<u32>,
}

fn measure_checks(
    world: &World,
    requests: &[Request],
    at: Timestamp,
    level: Level,
    out: &mut CheckFigures,
) -> anyhow::Result<Ours> {
    let check = |r: &Request| world.check(r.user, r.object, at, r.session);
    // Warm-up.
    for r in requests.iter().take(100_000) {
        black_box(check(r).ok());
    }
    // The cost of timing itself.
    let mut overhead = histogram()?;
    for _ in 0..100_000 {
        let t = Instant::now();
        black_box(());
        overhead.record(t.elapsed().as_nanos().max(1) as u64)?;
    }
    out.timer_overhead_ns = overhead.mean();
    // Per call.
    let mut h = histogram()?;
    let mut ours = Ours {
        allowed: Vec::with_capacity(requests.len()),
        nanos: Vec::with_capacity(requests.len()),
    };
    let mut errors = 0usize;
    for r in requests {
        let t = Instant::now();
        let result = check(r);
        let ns = t.elapsed().as_nanos().max(1) as u64;
        h.record(ns)?;
        ours.nanos.push(u32::try_from(ns).unwrap_or(u32::MAX));
        match result {
            Ok(l) => ours.allowed.push(l >= level),
            Err(_) => {
                errors += 1;
                ours.allowed.push(false);
            }
        }
    }
    out.errors = errors;
    out.per_call = latency(&h);
    out.allowed_share = ours.allowed.iter().filter(|a| **a).count() as f64 / requests.len().max(1) as f64;
    // Batched: 1000 checks per timed block.
    let mut total = Duration::ZERO;
    for chunk in requests.chunks(1000) {
        let t = Instant::now();
        for r in chunk {
            black_box(check(r).ok());
        }
        total += t.elapsed();
    }
    out.batch_mean_ns = total.as_nanos() as f64 / requests.len().max(1) as f64;
    // Throughput: the stream twice over, on one thread, then split over two.
    let passes = 2;
    let t = Instant::now();
    for _ in 0..passes {
        for r in requests {
            black_box(check(r).ok());
        }
    }
    out.throughput_1_thread = (passes * requests.len()) as f64 / t.elapsed().as_secs_f64();
    let half = requests.len().div_ceil(2).max(1);
    let t = Instant::now();
    std::thread::scope(|s| {
        for part in requests.chunks(half) {
            s.spawn(move || {
                for _ in 0..passes {
                    for r in part {
                        black_box(world.check(r.user, r.object, at, r.session).ok());
                    }
                }
            });
        }
    });
    out.throughput_2_threads = (passes * requests.len()) as f64 / t.elapsed().as_secs_f64();
    // Bursts: a user checks every document of a folder in a row (a folder view), so the user's
    // and the folder's records are in cache after the first check.
    let mut checks = 0usize;
    let mut total = Duration::ZERO;
    for r in requests.iter().take(200_000).step_by(20) {
        let ObjectRef::Document(d) = r.object else { continue };
        let folder = world.document(d)?.folder;
        let docs = world.folder_documents(folder);
        let t = Instant::now();
        for d in docs {
            black_box(world.check(r.user, ObjectRef::Document(*d), at, r.session).ok());
        }
        total += t.elapsed();
        checks += docs.len();
    }
    out.burst_checks = checks;
    out.burst_mean_ns = total.as_nanos() as f64 / checks.max(1) as f64;
    Ok(ours)
}

/// Everything a user reaches, following the cursors to the end: (objects, pages).
fn lookup_all(
    world: &World,
    user: UserId,
    kind: ObjectKind,
    level: Level,
    at: Timestamp,
    page: usize,
) -> anyhow::Result<(Vec<ObjectRef>, usize)> {
    let mut out = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let p = world.lookup(user, kind, level, at, Session::MFA, after, page)?;
        pages += 1;
        out.extend(p.items);
        match p.next {
            Some(n) => after = Some(n),
            None => return Ok((out, pages)),
        }
    }
}

/// Users at most this many documents away count as "light" for the lookup goal.
const LIGHT_LIMIT: usize = 10_000;

#[allow(clippy::too_many_arguments)]
fn measure_lookups(
    world: &World,
    notable: &synth::Notable,
    at: Timestamp,
    level: Level,
    page: usize,
    sample: usize,
    seed: u64,
    out: &mut LookupFigures,
) -> anyhow::Result<Vec<UserId>> {
    let mut rng = Rng::new(seed ^ 0x100c_u64);
    let people: Vec<UserId> = world
        .users()
        .iter()
        .filter(|u| u.kind == AccountKind::User && u.active && !u.jobs.is_empty())
        .map(|u| u.id)
        .collect();
    let mut light_h = histogram()?;
    let mut heavy_h = histogram()?;
    let mut light_docs = histogram()?;
    let mut light_users = Vec::new();
    out.page = page;
    for _ in 0..sample {
        let Some(user) = rng.pick(&people).copied() else {
            break;
        };
        let t = Instant::now();
        let (items, pages) = lookup_all(world, user, ObjectKind::Document, level, at, page)?;
        let ns = t.elapsed().as_nanos().max(1) as u64;
        out.sampled += 1;
        if items.len() <= LIGHT_LIMIT {
            light_h.record(ns)?;
            light_docs.record(items.len().max(1) as u64)?;
            light_users.push(user);
            out.light_pages_max = out.light_pages_max.max(pages);
        } else {
            heavy_h.record(ns)?;
        }
    }
    out.light = latency(&light_h);
    out.heavy_in_sample = latency(&heavy_h);
    out.light_documents_p50 = light_docs.value_at_quantile(0.5);
    out.light_documents_max = light_docs.max();
    // The heaviest users there are: the distribution clerk, a colleague in the main office, a
    // leader with VPP.view_all_documents.
    for (who, user) in heavy_users(world, notable) {
        let t = Instant::now();
        let (items, pages) = lookup_all(world, user, ObjectKind::Document, level, at, page)?;
        out.heavy.push(HeavyLookup {
            who,
            user: user.0,
            documents: items.len(),
            pages,
            ms: t.elapsed().as_secs_f64() * 1e3,
        });
    }
    Ok(light_users)
}

fn heavy_users(world: &World, notable: &synth::Notable) -> Vec<(String, UserId)> {
    let mut out = Vec::new();
    let active = |j: &adam_core::JobId| {
        world
            .job_occupants(*j)
            .iter()
            .copied()
            .find(|u| world.user(*u).is_ok_and(|x| x.active))
    };
    if let Some(u) = notable.dist_jobs.iter().find_map(active) {
        out.push(("distribution clerk ([dist.main])".to_owned(), u));
    }
    if let Some(main) = notable.main_office {
        let colleague = world
            .office_jobs(main)
            .iter()
            .filter(|j| !notable.dist_jobs.contains(j))
            .flat_map(|j| world.job_occupants(*j))
            .find(|u| world.user(**u).is_ok_and(|x| x.active));
        if let Some(u) = colleague {
            out.push(("main-office colleague of [dist.main]".to_owned(), *u));
        }
    }
    let outside_main = |j: &&adam_core::JobId| world.job(**j).is_ok_and(|x| Some(x.office) != notable.main_office);
    if let Some(u) = notable.view_all_jobs.iter().filter(outside_main).find_map(active) {
        out.push((
            "leader with VPP.view_all_documents (outside the main office)".to_owned(),
            u,
        ));
    }
    out
}

/// `lookup` must be exactly `{o : check(u, o) ≥ L}`.
#[allow(clippy::too_many_arguments)]
fn lookup_gate(
    world: &World,
    notable: &synth::Notable,
    at: Timestamp,
    level: Level,
    page: usize,
    light: &[UserId],
    n: usize,
    out: &mut Gate,
) -> anyhow::Result<bool> {
    let mut users: Vec<(UserId, ObjectKind)> = Vec::new();
    let spread = light.len().max(1).div_ceil(n.saturating_sub(5).max(1));
    users.extend(
        light
            .iter()
            .step_by(spread.max(1))
            .take(n.saturating_sub(5))
            .map(|u| (*u, ObjectKind::Document)),
    );
    users.extend(
        heavy_users(world, notable)
            .into_iter()
            .map(|(_, u)| (u, ObjectKind::Document)),
    );
    users.extend(notable.inactive_users.first().map(|u| (*u, ObjectKind::Document)));
    users.extend(notable.admins.first().map(|u| (*u, ObjectKind::Document)));
    users.extend(light.iter().take(3).map(|u| (*u, ObjectKind::Folder)));
    if let Some(u) = notable.z3_users.first() {
        users.push((*u, ObjectKind::Document));
    }
    let started = Instant::now();
    let mut ok = true;
    for (user, kind) in users {
        let (listed, _) = lookup_all(world, user, kind, level, at, page)?;
        let all: Vec<ObjectRef> = match kind {
            ObjectKind::Document => (0..world.document_count())
                .map(|d| ObjectRef::Document(DocumentId(d as u32)))
                .collect(),
            ObjectKind::Folder => (0..world.folder_count())
                .map(|f| ObjectRef::Folder(FolderId(f as u32)))
                .collect(),
        };
        let mut brute = Vec::new();
        for o in all {
            if world.check(user, o, at, Session::MFA)? >= level {
                brute.push(o);
            }
        }
        out.lookup_users_compared += 1;
        out.lookup_objects_compared += brute.len();
        if listed != brute {
            ok = false;
            out.lookup_mismatches += 1;
            let missing: Vec<&ObjectRef> = brute
                .iter()
                .filter(|o| listed.binary_search(o).is_err())
                .take(3)
                .collect();
            let extra: Vec<&ObjectRef> = listed
                .iter()
                .filter(|o| brute.binary_search(o).is_err())
                .take(3)
                .collect();
            let mut text = format!(
                "lookup({user}, {kind:?}, {level}) listed {} objects, brute force {}; missing {missing:?}, extra {extra:?}",
                listed.len(),
                brute.len()
            );
            for o in missing.iter().chain(extra.iter()).take(2) {
                if let Ok(d) = world.explain(user, **o, at, Session::MFA) {
                    text.push_str(&format!(
                        "\n    explain {o}: {} — {}",
                        d.summary(),
                        serde_json::to_string(&d)?
                    ));
                }
            }
            eprintln!("MISMATCH {text}");
            out.first_mismatches.push(text);
        }
    }
    out.lookup_gate_s = started.elapsed().as_secs_f64();
    Ok(ok)
}

#[cfg(not(feature = "cedar"))]
fn run_cedar(
    _: &World,
    _: &[Request],
    _: &Ours,
    _: Timestamp,
    _: Level,
    _: usize,
    _: &mut Report,
) -> anyhow::Result<bool> {
    Ok(true)
}

#[cfg(feature = "cedar")]
fn run_cedar(
    world: &World,
    requests: &[Request],
    ours: &Ours,
    at: Timestamp,
    level: Level,
    max_objects: usize,
    report: &mut Report,
) -> anyhow::Result<bool> {
    use adam_bench::cedar::Model;
    use cedar_policy::Authorizer;
    use std::collections::HashSet;
    // The objects Cedar gets: those the stream touches, up to `max_objects` distinct ones; Cedar
    // then runs the prefix of the stream that stays inside them.
    let mut seen: HashSet<ObjectRef> = HashSet::new();
    let mut objects = Vec::new();
    let mut prefix = 0;
    for r in requests {
        if seen.insert(r.object) {
            if objects.len() == max_objects {
                break;
            }
            objects.push(r.object);
        }
        prefix += 1;
    }
    let requests = &requests[..prefix];
    let mut c = CedarFigures {
        requests: prefix,
        distinct_objects: objects.len(),
        ..CedarFigures::default()
    };
    let before = resident();
    let started = Instant::now();
    let model = Model::build(world, &objects, level, at)?;
    c.build_s = started.elapsed().as_secs_f64();
    let after_model = resident();
    c.rss_model_mib = mem::mib(after_model.rss.saturating_sub(before.rss));
    let started = Instant::now();
    let cedar_requests: Vec<cedar_policy::Request> =
        requests.iter().map(|r| model.request(r)).collect::<Result<_, _>>()?;
    c.request_build_s = started.elapsed().as_secs_f64();
    let after = resident();
    c.rss_requests_mib = mem::mib(after.rss.saturating_sub(after_model.rss));
    c.stats = model.stats.clone();
    println!(
        "cedar: {} users + {} groups + {} resources ({} distinct objects of the first {} requests); \
         compile {:.2} s + entity store {:.2} s; model +{:.0} MiB resident, prepared requests +{:.0} MiB",
        c.stats.users,
        c.stats.groups,
        c.stats.resources,
        c.distinct_objects,
        c.requests,
        c.stats.compile.as_secs_f64(),
        c.stats.closure.as_secs_f64(),
        c.rss_model_mib,
        c.rss_requests_mib
    );
    let authorizer = Authorizer::new();
    for r in cedar_requests.iter().take(10_000) {
        black_box(authorizer.is_authorized(r, &model.policies, &model.entities));
    }
    // Per call, with the gate.
    let mut h = histogram()?;
    let mut ours_h = histogram()?;
    let mut mismatches = 0usize;
    let mut errors = 0usize;
    let mut allowed = 0usize;
    for (i, (r, cr)) in requests.iter().zip(&cedar_requests).enumerate() {
        let t = Instant::now();
        let response = authorizer.is_authorized(cr, &model.policies, &model.entities);
        let ns = t.elapsed().as_nanos().max(1) as u64;
        h.record(ns)?;
        ours_h.record(u64::from(ours.nanos[i]))?;
        let allow = response.decision() == cedar_policy::Decision::Allow;
        allowed += usize::from(allow);
        let errs = response.diagnostics().errors().count();
        errors += usize::from(errs > 0);
        if allow != ours.allowed[i] || errs > 0 {
            mismatches += 1;
            if report.gate.first_mismatches.len() < 10 {
                let (_, reasons, errors) = model.decide(&authorizer, cr);
                let mut text = format!(
                    "check({}, {}, session mfa={}) >= {level}: ADAM {}, Cedar {} (policies {reasons:?}, errors {errors:?})",
                    r.user, r.object, r.session.mfa, ours.allowed[i], allow
                );
                if let Ok(d) = world.explain(r.user, r.object, at, r.session) {
                    text.push_str(&format!(
                        "\n    explain: {} — {}",
                        d.summary(),
                        serde_json::to_string(&d)?
                    ));
                }
                eprintln!("MISMATCH {text}");
                report.gate.first_mismatches.push(text);
            }
        }
    }
    report.gate.check_compared = requests.len();
    report.gate.check_mismatches = mismatches;
    report.gate.cedar_errors = errors;
    c.allowed_share = allowed as f64 / requests.len().max(1) as f64;
    c.per_call = latency(&h);
    c.ours_same_requests = latency(&ours_h);
    // Batched.
    let mut total = Duration::ZERO;
    for chunk in cedar_requests.chunks(1000) {
        let t = Instant::now();
        for r in chunk {
            black_box(authorizer.is_authorized(r, &model.policies, &model.entities));
        }
        total += t.elapsed();
    }
    c.batch_mean_ns = total.as_nanos() as f64 / cedar_requests.len().max(1) as f64;
    // Two threads.
    let half = cedar_requests.len().div_ceil(2).max(1);
    let t = Instant::now();
    std::thread::scope(|s| {
        for part in cedar_requests.chunks(half) {
            let (authorizer, model) = (&authorizer, &model);
            s.spawn(move || {
                for r in part {
                    black_box(authorizer.is_authorized(r, &model.policies, &model.entities));
                }
            });
        }
    });
    c.throughput_2_threads = cedar_requests.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "cedar check: p50 {} ns, p95 {} ns, p99 {} ns, max {} ns; batch mean {:.0} ns; {:.0}/s on 2 threads; \
         gate: {} of {} requests disagree ({} with evaluation errors)",
        c.per_call.p50_ns,
        c.per_call.p95_ns,
        c.per_call.p99_ns,
        c.per_call.max_ns,
        c.batch_mean_ns,
        c.throughput_2_threads,
        mismatches,
        requests.len(),
        errors
    );
    report.cedar = Some(c);
    Ok(mismatches == 0 && errors == 0)
}
