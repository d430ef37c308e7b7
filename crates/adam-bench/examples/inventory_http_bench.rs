//! The inventory over HTTP (issue #15): the list API and the list page, on the real server,
//! with 10,000 assets, 1,000 systems and 50,000 links.
//!
//! 1. Builds the inventory of `inventory_bench` (same seed, same shape: one custodian, assets
//!    linked to random systems, then classified) through the server's write path —
//!    `AppState::execute_as` of `Command::Batch`es into a fresh SQLite store — unless `--dir`
//!    already holds it.
//! 2. Loads it again as a server starts (`AppState::load`), serves the real router
//!    (`adam_server::serve`, follower and audit tasks running) on 127.0.0.1 on a Tokio runtime
//!    of `--server-threads` workers, and issues the custodian a token with the read scope (a
//!    custodian reads the inventory; a bearer token is accepted by the pages as by the API).
//! 3. From the main thread, on one keep-alive connection, one request after the other, times
//!    `--requests` GETs of each: the API's first page (the default 100 and the most, 1000),
//!    systems below their floor, the CSV export, the UI's list page (every item on one page)
//!    and its systems-only view, and every page of 1000 walked with `after`. Each time covers
//!    sending the request and reading the whole body.
//!
//! ```text
//! cargo run --release -p adam-bench --example inventory_http_bench -- [--assets 10000]
//!     [--systems 1000] [--links 50000] [--requests 300] [--dir PATH] [--server-threads 2]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_bench::mem::load_avg;
use adam_core::register::inventory::{ItemFields, ItemKind, Relation, TransferConsent};
use adam_core::*;
use adam_server::{AppState, Clock, Config, Scope};
use adam_store::{SqliteStore, Store};
use adam_testkit::rng::Rng;
use hdrhistogram::Histogram;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Instant;

const AT: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

/// Commands per `Command::Batch` (one plan, one transaction, one revision each).
const BATCH: usize = 5_000;

struct Args {
    assets: usize,
    systems: usize,
    links: usize,
    requests: usize,
    dir: Option<PathBuf>,
    server_threads: usize,
}

fn args() -> Args {
    let mut a = Args {
        assets: 10_000,
        systems: 1_000,
        links: 50_000,
        requests: 300,
        dir: None,
        server_threads: 2,
    };
    let mut it = std::env::args().skip(1);
    let number = |v: Option<String>| -> usize { v.and_then(|v| v.replace('_', "").parse().ok()).expect("a number") };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--assets" => a.assets = number(it.next()),
            "--systems" => a.systems = number(it.next()),
            "--links" => a.links = number(it.next()),
            "--requests" => a.requests = number(it.next()).max(1),
            "--server-threads" => a.server_threads = number(it.next()).max(1),
            "--dir" => a.dir = it.next().map(PathBuf::from),
            other => panic!("unknown argument {other:?}"),
        }
    }
    a
}

fn text(s: &str) -> Text {
    Text::parse("t", s).unwrap()
}

fn fields(code: String, custodian: UserId) -> ItemFields {
    ItemFields {
        code: Code::parse("code", &code).unwrap(),
        name: text(&code),
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: true,
        key_server: false,
        high_risk: false,
        secured_area: true,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    }
}

fn class(rng: &mut Rng) -> Classification {
    let mut c = || SecurityClass::new(rng.below(4) as u8).unwrap();
    Classification { z: c(), c: c(), r: c() }
}

/// One command through the server's write path.
async fn exec(state: &AppState, command: Command) -> Plan {
    let context = state.context(Actor::System, None);
    state
        .execute_as(Actor::System, context, command)
        .await
        .unwrap_or_else(|e| panic!("{}", e.detail))
}

/// Many commands, in batches of [`BATCH`].
async fn exec_all(state: &AppState, commands: Vec<Command>) {
    let mut commands = commands.into_iter().peekable();
    while commands.peek().is_some() {
        let batch: Vec<Command> = commands.by_ref().take(BATCH).collect();
        exec(state, Command::Batch { commands: batch }).await;
    }
}

/// The inventory, built as `inventory_bench` builds it; returns the custodian.
async fn build(state: &AppState, a: &Args) -> UserId {
    let mut rng = Rng::new(15);
    exec(state, Command::Initialise).await;
    exec(
        state,
        Command::CreateOffice {
            code: Code::parse("c", "IT").unwrap(),
            name: text("IT"),
            parent: None,
            signing_code: None,
        },
    )
    .await;
    let job = state.world().job_by_code("LEADER.IT").unwrap();
    let custodian = match exec(
        state,
        Command::CreateUser {
            username: Username::parse("u", "skrbnik").unwrap(),
            kind: AccountKind::User,
            title: None,
            first_name: text("Ana"),
            last_name: text("Skrbnik"),
            gender: Gender::Female,
            email: Email::parse("e", "skrbnik@example.si").unwrap(),
            phone: None,
            jobs: vec![job],
        },
    )
    .await
    .created
    {
        Some(Created::User(u)) => u,
        other => panic!("{other:?}"),
    };
    let mut commands: Vec<Command> = (0..a.systems)
        .map(|i| Command::CreateItem {
            kind: ItemKind::System,
            fields: fields(format!("S{i:05}"), custodian),
        })
        .collect();
    commands.extend((0..a.assets).map(|i| Command::CreateItem {
        kind: ItemKind::Asset,
        fields: fields(format!("A{i:05}"), custodian),
    }));
    exec_all(state, commands).await;
    let (systems, assets): (Vec<ItemId>, Vec<ItemId>) = {
        let w = state.world();
        let of = |kind: ItemKind| -> Vec<ItemId> {
            let mut v: Vec<(String, ItemId)> = w
                .items()
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| (i.fields.code.to_string(), i.id))
                .collect();
            v.sort();
            v.into_iter().map(|(_, id)| id).collect()
        };
        (of(ItemKind::System), of(ItemKind::Asset))
    };
    // Links first (unclassified assets move freely between systems), then the classes.
    let consent = TransferConsent {
        by: custodian,
        reference: text("S-1"),
        date: LocalDate::new(2026, 1, 1).unwrap(),
    };
    let mut pairs = std::collections::HashSet::new();
    let mut commands = Vec::with_capacity(a.links);
    while commands.len() < a.links {
        let (s, x) = (systems[rng.below(systems.len())], assets[rng.below(assets.len())]);
        if !pairs.insert((s, x)) {
            continue;
        }
        commands.push(Command::LinkAsset {
            system: s,
            asset: x,
            relation: Relation::Stores,
            consent: Some(consent.clone()),
        });
    }
    exec_all(state, commands).await;
    let commands = assets
        .iter()
        .filter_map(|x| {
            let c = class(&mut rng);
            (c != Classification::PUBLIC).then_some(Command::ClassifyItem {
                item: *x,
                class: c,
                protection_level: None,
            })
        })
        .collect();
    exec_all(state, commands).await;
    custodian
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

fn main() {
    let args = args();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .enable_all()
        .build()
        .unwrap();
    let config = Config {
        application: "inventory_http_bench".to_owned(),
        ..Config::default()
    };
    let clock = || Clock::Manual(AtomicI64::new(AT));
    let keys = Arc::new(adam_store::Keyring::open(dir.join("audit-keys")).unwrap());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.join("adam.db"), keys).unwrap());

    // ---- the inventory, through the write path ----
    if store.latest_revision().unwrap() == Revision(0) {
        let started = Instant::now();
        store.initialise(&text("Inventar")).unwrap();
        let state = rt
            .block_on(AppState::load(store.clone(), clock(), config.clone()))
            .unwrap();
        // (No access records to wait for: the audit tasks start with `serve`, and each
        // commit wrote its own audit records.)
        rt.block_on(build(&state, &args));
        println!(
            "built the inventory through the server's write path in {:.1} s (revision {})",
            started.elapsed().as_secs_f64(),
            state.world().revision().0
        );
        drop(state);
    } else {
        println!(
            "reusing the store in {} (revision {})",
            dir.display(),
            store.latest_revision().unwrap().0
        );
    }

    // ---- the server, as it starts ----
    let started = Instant::now();
    let state = rt.block_on(AppState::load(store.clone(), clock(), config)).unwrap();
    let (custodian, items, systems, links, below) = {
        let w = state.world();
        let custodian = w.user_by_username("skrbnik").expect("the custodian");
        let below = w.items().iter().filter(|i| w.below_floor(i).is_some()).count();
        let systems = w.items().iter().filter(|i| i.kind == ItemKind::System).count();
        (custodian, w.items().len(), systems, w.links().count(), below)
    };
    println!(
        "AppState::load: {:.2} s; {items} items ({systems} systems), {links} links, {below} systems below their floor",
        started.elapsed().as_secs_f64()
    );
    let token = rt
        .block_on(adam_server::api::system::issue(
            &state,
            Actor::System,
            None,
            custodian,
            "inventory_http_bench",
            &[Scope::Read],
            None,
        ))
        .unwrap_or_else(|e| panic!("token: {}", e.detail))
        .secret;
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
        "serving on http://{addr} ({} Tokio workers); {} requests per row, one at a time, one connection",
        args.server_threads, args.requests
    );

    // ---- the client: its own single-threaded runtime on this thread ----
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    let get = |path: &str| -> (u16, Vec<u8>) {
        client_rt.block_on(async {
            let reply = client
                .get(format!("{base}{path}"))
                .bearer_auth(&token)
                .header("accept-language", "sl")
                .send()
                .await
                .unwrap();
            let status = reply.status().as_u16();
            let body = reply.bytes().await.unwrap();
            (status, body.to_vec())
        })
    };

    // What each answer holds, once.
    let (status, body) = get("/api/v1/inventory?limit=1000");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let first: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(first["items"].as_array().map(Vec::len), Some(1000.min(items)));
    let (status, body) = get("/ui/inventory");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let page = String::from_utf8_lossy(&body);
    assert!(page.contains("S00000"), "the list page lists the systems");

    println!(
        "\n{:<52} {:>6} {:>10} {:>9} {:>9} {:>9} {:>9}  load",
        "GET", "n", "bytes", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let scenarios: [(&str, &str); 6] = [
        ("API, first page of 100 (the default)", "/api/v1/inventory"),
        ("API, first page of 1000 (the most)", "/api/v1/inventory?limit=1000"),
        (
            "API, systems below their floor",
            "/api/v1/inventory?kind=system&below_floor=true&limit=1000",
        ),
        ("API, the CSV export of every item", "/api/v1/inventory.csv"),
        ("UI list page, every item", "/ui/inventory"),
        ("UI list page, systems only", "/ui/inventory?kind=system"),
    ];
    let report = |name: &str, h: &Histogram<u64>, bytes: usize, load: &str| {
        println!(
            "{name:<52} {:>6} {bytes:>10} {:>9.2} {:>9.2} {:>9.2} {:>9.2}  {load}",
            h.len(),
            ms(h, 0.50),
            ms(h, 0.95),
            ms(h, 0.99),
            h.max() as f64 / 1000.0
        );
    };
    for (name, path) in scenarios {
        for _ in 0..5 {
            get(path);
        }
        let load = load_avg();
        let mut h = Histogram::<u64>::new(3).unwrap();
        let mut bytes = 0;
        for _ in 0..args.requests {
            let t = Instant::now();
            let (status, body) = get(path);
            h.record(t.elapsed().as_micros() as u64).unwrap();
            assert_eq!(status, 200, "{path}");
            bytes = body.len();
        }
        report(name, &h, bytes, &load);
    }

    // Every page of 1000, walked with `after` (one sample = the whole walk).
    let load = load_avg();
    let mut walk = Histogram::<u64>::new(3).unwrap();
    let mut pages = 0;
    let mut seen = 0;
    let mut walked = 0;
    for _ in 0..args.requests.div_ceil(10).max(3) {
        let t = Instant::now();
        let mut after: Option<u64> = None;
        pages = 0;
        seen = 0;
        walked = 0;
        loop {
            let path = match after {
                Some(a) => format!("/api/v1/inventory?limit=1000&after={a}"),
                None => "/api/v1/inventory?limit=1000".to_owned(),
            };
            let (status, body) = get(&path);
            assert_eq!(status, 200);
            walked += body.len();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            pages += 1;
            seen += v["items"].as_array().map_or(0, Vec::len);
            match v["next"].as_u64() {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        walk.record(t.elapsed().as_micros() as u64).unwrap();
    }
    assert_eq!(seen, items);
    report(
        &format!("API, the whole list: {pages} pages of 1000 (per walk)"),
        &walk,
        walked,
        &load,
    );

    let _ = stop.send(());
    rt.block_on(server).unwrap();
}
