//! A standby at another site, measured (issue #18): how far behind the primary it runs at a
//! steady write rate, what synchronous mode costs a write, and how long a new standby takes
//! to seed — on the 1M-document world, with real TLS between two real servers on loopback.
//!
//! 1. Generates adam-bench's seeded synthetic administration (`--documents`, default 1M) and
//!    imports it into the primary's SQLite store through `Store::commit` (skipped when `--dir`
//!    already holds it).
//! 2. Makes an authority and two site certificates (rcgen), loads the primary and starts its
//!    API (plain HTTP on loopback) and its replication listener (mutual TLS).
//! 3. Seeds a fresh standby from the primary over the replication link (`standby::seed`, the
//!    product's path: the whole change log, batch by batch), loads it and starts it following.
//! 4. For each mode (`--modes async,sync`): writers create offices over the primary's API at
//!    `--rate` writes/s in all (open loop: each writer sends on its own schedule, whatever the
//!    answers take) for `--seconds`; a watcher thread samples both servers' revisions every
//!    `--sample-us` and notes when each revision first appeared on each. A revision's **lag**
//!    is "first seen on the standby − first seen on the primary" (the primary's world holds a
//!    revision as soon as its commit returns; the standby's as soon as it has applied the
//!    batch and caught its world up, i.e. when a read there sees it). Also printed: the write
//!    latency the clients saw.
//! 5. Closed loop, one writer, `--closed-writes` writes per mode: the latency of one write
//!    with the standby asynchronous and synchronous — the cost of synchronous mode per write.
//!
//! ```text
//! cargo build --release -p adam-bench --no-default-features --example standby_bench
//! target/release/examples/standby_bench [--documents 1000000] [--dir PATH] [--rate 1000]
//!     [--seconds 20] [--writers 16] [--closed-writes 2000] [--modes async,sync]
//!     [--server-threads 2] [--sample-us 200]
//! ```
//!
//! Everything runs in one process on this machine's cores: the primary, the standby, the
//! writers and the watcher share them, as two sites never would. Only 127.0.0.1 is used.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_bench::mem::{cpu_seconds, load_avg, rss_mib};
use adam_bench::synth::{self, Config as SynthConfig};
use adam_core::*;
use adam_server::replication::client::PeerClient;
use adam_server::replication::tls::Identity;
use adam_server::replication::{Site, standby};
use adam_server::{AppState, Clock, Config, Scope};
use adam_store::{AuditContext, Keyring, SqliteStore, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Events per import commit.
const CHUNK: usize = 20_000;

struct Args {
    documents: usize,
    dir: Option<PathBuf>,
    rate: u64,
    seconds: u64,
    writers: u64,
    closed_writes: usize,
    modes: Vec<String>,
    server_threads: usize,
    sample_us: u64,
}

fn args() -> Args {
    let mut a = Args {
        documents: 1_000_000,
        dir: None,
        rate: 1000,
        seconds: 20,
        writers: 16,
        closed_writes: 2000,
        modes: vec!["async".to_owned(), "sync".to_owned()],
        server_threads: 2,
        sample_us: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--documents" => a.documents = value().parse().expect("a number"),
            "--dir" => a.dir = Some(PathBuf::from(value())),
            "--rate" => a.rate = value().parse().expect("a number"),
            "--seconds" => a.seconds = value().parse().expect("a number"),
            "--writers" => a.writers = value().parse().expect("a number"),
            "--closed-writes" => a.closed_writes = value().parse().expect("a number"),
            "--modes" => a.modes = value().split(',').map(str::to_owned).collect(),
            "--server-threads" => a.server_threads = value().parse().expect("a number"),
            "--sample-us" => a.sample_us = value().parse().expect("a number"),
            other => panic!("unknown flag {other}"),
        }
    }
    for m in &a.modes {
        assert!(m == "async" || m == "sync", "--modes takes async and sync");
    }
    a
}

fn import(store: &dyn Store, synth: &synth::Synth) {
    store.initialise(&synth.organisation).unwrap();
    let context = AuditContext {
        at: synth.at,
        actor: Actor::System,
        source_ip: None,
        application: Some("standby_bench".to_owned()),
    };
    for plan in synth.import_plans(CHUNK) {
        store.commit(&plan, &context).unwrap();
    }
}

/// An authority and the certificates of sites `a` and `b`, written into `dir`.
fn certificates(dir: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, "standby_bench");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = params.self_signed(&ca_key).unwrap();
    std::fs::write(dir.join("ca.crt"), ca.pem()).unwrap();
    for site in ["a", "b"] {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        std::fs::write(dir.join(format!("{site}.crt")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{site}.key")), key.serialize_pem()).unwrap();
    }
}

fn identity(dir: &Path, site: &str) -> Identity {
    Identity {
        cert: dir.join(format!("{site}.crt")),
        key: dir.join(format!("{site}.key")),
        ca: Some(dir.join("ca.crt")),
    }
}

/// Copies the primary's key directory to a new site's, without the trail's head and
/// checkpoints (those are each site's own).
fn copy_keys(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name != "head.json" && name != "checkpoints.jsonl" {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// The `q` quantile of sorted `v`, in milliseconds.
fn ms(v: &[Duration], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

fn summary(v: &mut [Duration]) -> String {
    v.sort();
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms ({} samples)",
        ms(v, 0.5),
        ms(v, 0.9),
        ms(v, 0.99),
        ms(v, 0.999),
        ms(v, 1.0),
        v.len()
    )
}

/// When each revision was first seen on each server.
#[derive(Default)]
struct Seen {
    primary: Vec<(u64, Instant)>,
    standby: Vec<(u64, Instant)>,
}

/// Samples both servers' revisions until `stop`.
fn watch(
    primary: AppState,
    standby: AppState,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Seen> {
    std::thread::spawn(move || {
        let mut seen = Seen::default();
        let (mut p, mut s) = (primary.revision().0, standby.revision().0);
        while !stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            let np = primary.revision().0;
            if np > p {
                seen.primary.push((np, now));
                p = np;
            }
            let ns = standby.revision().0;
            if ns > s {
                seen.standby.push((ns, now));
                s = ns;
            }
            std::thread::sleep(every);
        }
        seen
    })
}

/// Each primary revision's lag: the first standby sample at or past it minus when the
/// primary first showed it. Revisions the standby never reached are counted apart.
fn lags(seen: &Seen, first: u64) -> (Vec<Duration>, usize) {
    let mut out = Vec::new();
    let mut missing = 0;
    let mut j = 0;
    // The primary's samples may skip revisions (two commits between samples): every
    // revision in (previous sample, this sample] first appeared at this sample.
    let mut prev = first;
    for &(rev, at) in &seen.primary {
        while j < seen.standby.len() && seen.standby[j].0 < rev {
            j += 1;
        }
        let n = (rev - prev) as usize;
        prev = rev;
        match seen.standby.get(j) {
            Some(&(_, on_standby)) => {
                out.extend(std::iter::repeat_n(on_standby.saturating_duration_since(at), n));
            }
            None => missing += n,
        }
    }
    (out, missing)
}

async fn post_office(client: &reqwest::Client, url: &str, token: &str, code: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let reply = client
        .post(url)
        .bearer_auth(token)
        .json(&serde_json::json!({"code": code, "name": "Urad"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = reply.status();
    let body = reply.text().await.map_err(|e| e.to_string())?;
    if status.as_u16() == 201 {
        Ok(started.elapsed())
    } else {
        Err(format!("{status}: {body}"))
    }
}

fn main() {
    let args = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    println!("standby_bench, load {}", load_avg());

    // ---- the primary's store ----
    let config = SynthConfig::scaled(args.documents);
    let started = Instant::now();
    let synth = synth::generate(&config).unwrap();
    let admin = *synth.notable.admins.first().expect("an administrator");
    println!(
        "generated {} users, {} folders, {} documents ({} events) in {:.1} s",
        synth.summary.users,
        synth.summary.folders,
        synth.summary.documents,
        synth.events.len(),
        started.elapsed().as_secs_f64()
    );
    let primary_keys = dir.join("primary-keys");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.join("primary.db"), Arc::new(Keyring::open(&primary_keys).unwrap())).unwrap());
    if store.latest_revision().unwrap() == Revision(0) {
        let started = Instant::now();
        import(store.as_ref(), &synth);
        println!("imported into SQLite in {:.1} s", started.elapsed().as_secs_f64());
    } else {
        println!(
            "reusing the primary's store (revision {})",
            store.latest_revision().unwrap().0
        );
    }
    drop(synth);
    let certs = dir.join("certs");
    certificates(&certs);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .enable_all()
        .build()
        .unwrap();
    let server_config = Config {
        application: "standby_bench".to_owned(),
        ..Config::default()
    };

    // ---- the primary: API and replication listener ----
    let started = Instant::now();
    let primary = rt
        .block_on(AppState::load(store.clone(), Clock::System, server_config.clone()))
        .unwrap();
    println!(
        "primary loaded in {:.1} s (revision {}, {} documents)",
        started.elapsed().as_secs_f64(),
        primary.revision().0,
        primary.world().document_count()
    );
    let replication = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let primary_url = format!("https://127.0.0.1:{}", replication.local_addr().unwrap().port());
    let _primary_tasks = rt
        .block_on(adam_server::replication::start(
            &primary,
            Site {
                identity: Some(identity(&certs, "a")),
                listener: Some(replication),
                standby_of: None,
                peer: None,
                synchronous: None,
            },
        ))
        .unwrap();
    let api = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = api.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    let served = primary.clone();
    rt.spawn(async move {
        adam_server::serve(api, served, std::future::pending()).await.unwrap();
    });
    let token = rt
        .block_on(adam_server::api::system::issue(
            &primary,
            Actor::System,
            None,
            admin,
            "standby_bench",
            &[Scope::Read, Scope::Write],
            None,
        ))
        .unwrap_or_else(|e| panic!("token: {}", e.detail))
        .secret;

    // ---- a new standby, seeded over the link ----
    let standby_dir = dir.join(format!("standby-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&standby_dir);
    copy_keys(&primary_keys, &standby_dir.join("keys"));
    let standby_store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(
            standby_dir.join("standby.db"),
            Arc::new(Keyring::open(standby_dir.join("keys")).unwrap()),
        )
        .unwrap(),
    );
    let client = PeerClient::new(&identity(&certs, "b")).unwrap();
    let started = Instant::now();
    let seeded = rt
        .block_on(standby::seed(&standby_store, &client, &primary_url))
        .unwrap_or_else(|e| panic!("seeding: {}", e.reason()));
    let seed_s = started.elapsed().as_secs_f64();
    let db_mb = std::fs::metadata(standby_dir.join("standby.db")).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "standby seeded over mutual TLS in {seed_s:.1} s (revision {}, {db_mb:.0} MB database: {:.0} MB/s; load {})",
        seeded.revision.0,
        db_mb / seed_s,
        load_avg()
    );
    let started = Instant::now();
    let standby = rt
        .block_on(AppState::load(standby_store, Clock::System, server_config))
        .unwrap();
    println!("standby loaded in {:.1} s", started.elapsed().as_secs_f64());
    let _standby_tasks = rt
        .block_on(adam_server::replication::start(
            &standby,
            Site {
                identity: Some(identity(&certs, "b")),
                listener: None,
                standby_of: Some(primary_url.clone()),
                peer: None,
                synchronous: None,
            },
        ))
        .unwrap();
    println!("resident {:.0} MiB (both servers)", rss_mib());

    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let url = format!("http://{addr}/api/v1/offices");
    let sync_wait = Duration::from_secs(5);
    for mode in &args.modes {
        primary.replica.set_sync((mode == "sync").then_some(sync_wait));
        // Let the standby settle (and the first synchronous write find it).
        rt.block_on(async {
            for i in 0..20 {
                post_office(&http, &url, &token, &format!("W{mode}{i}")).await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        });

        // ---- open loop at --rate ----
        let stop = Arc::new(AtomicBool::new(false));
        let first = primary.revision().0;
        assert_eq!(standby.revision().0, first, "the standby has caught up before the run");
        let watcher = watch(
            primary.clone(),
            standby.clone(),
            Duration::from_micros(args.sample_us),
            stop.clone(),
        );
        let latencies = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(Vec::<String>::new()));
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(args.seconds);
        let period = Duration::from_secs_f64(args.writers as f64 / args.rate as f64);
        rt.block_on(async {
            let mut tasks = Vec::new();
            for w in 0..args.writers {
                let (http, url, token) = (http.clone(), url.clone(), token.clone());
                let (latencies, errors) = (latencies.clone(), errors.clone());
                let mode = mode.clone();
                tasks.push(tokio::spawn(async move {
                    // Spread the writers' schedules over one period.
                    let offset = period.mul_f64(w as f64 / args.writers as f64);
                    let mut next = tokio::time::Instant::from_std(started) + offset;
                    let mut i = 0u64;
                    let mut inflight = tokio::task::JoinSet::new();
                    while next.into_std() < deadline {
                        tokio::time::sleep_until(next).await;
                        next += period;
                        let code = format!("{mode}-{w}-{i}");
                        i += 1;
                        let (http, url, token) = (http.clone(), url.clone(), token.clone());
                        let (latencies, errors) = (latencies.clone(), errors.clone());
                        inflight.spawn(async move {
                            match post_office(&http, &url, &token, &code).await {
                                Ok(took) => latencies.lock().unwrap().push(took),
                                Err(e) => errors.lock().unwrap().push(e),
                            }
                        });
                    }
                    while inflight.join_next().await.is_some() {}
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        });
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        // Give the standby time to reach the last revision, then stop watching.
        let last = primary.revision().0;
        let wait = Instant::now();
        while standby.revision().0 < last && wait.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(5));
        stop.store(true, Ordering::Relaxed);
        let seen = watcher.join().unwrap();
        let (mut lag, missing) = lags(&seen, first);
        let mut latencies = latencies.lock().unwrap().clone();
        let errors = errors.lock().unwrap().clone();
        let writes = latencies.len();
        println!(
            "\n{mode}, open loop: {writes} writes acknowledged in {wall:.1} s = {:.0} writes/s (asked {}), {} refused{}; revisions {first}..{last}; CPU {cpu:.1} s of {wall:.1} s; load {}",
            writes as f64 / wall,
            args.rate,
            errors.len(),
            errors.first().map(|e| format!(" (first: {e})")).unwrap_or_default(),
            load_avg()
        );
        println!("  standby lag per revision: {}", summary(&mut lag));
        if missing > 0 {
            println!("  {missing} revisions never reached the standby within 30 s");
        }
        println!("  write latency at the client: {}", summary(&mut latencies));
        let l = standby.replica.lag();
        println!(
            "  the standby's own lag gauge afterwards: {} revisions, {} s",
            l.revisions, l.seconds
        );

        // ---- closed loop, one writer ----
        let mut one = Vec::with_capacity(args.closed_writes);
        let started = Instant::now();
        rt.block_on(async {
            for i in 0..args.closed_writes {
                one.push(
                    post_office(&http, &url, &token, &format!("{mode}-one-{i}"))
                        .await
                        .unwrap(),
                );
            }
        });
        let wall = started.elapsed().as_secs_f64();
        println!(
            "{mode}, closed loop, one writer: {} writes in {wall:.1} s = {:.0} writes/s; latency {}",
            args.closed_writes,
            args.closed_writes as f64 / wall,
            summary(&mut one)
        );
    }
    let _ = std::fs::remove_dir_all(&standby_dir);
}
