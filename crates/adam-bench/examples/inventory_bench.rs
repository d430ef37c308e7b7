//! The inventory at size (issue #15): 10,000 assets, 1,000 systems, 50,000 links.
//!
//! Builds the inventory through the engine's commands (as the console would), then times, each
//! as plan + commit of one command (what a server does under its write lock):
//! - linking an asset to a system and unlinking it (the system's floor is recomputed from its
//!   own links only);
//! - reclassifying an asset (the floors of the systems holding it are recomputed).
//!
//! For comparison it times recomputing every system's floor from scratch — what a write would
//! cost if the floor were not kept incrementally — and the reads behind the list page: every
//! item's effective class and below-floor flag.
//!
//! ```text
//! cargo run --release -p adam-bench --example inventory_bench -- [--assets N] [--systems N] [--links N]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_core::register::inventory::{Floor, ItemFields, ItemKind, Relation, TransferConsent};
use adam_core::*;
use adam_testkit::rng::Rng;
use hdrhistogram::Histogram;
use std::time::Instant;

const AT: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
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

fn run(w: &mut World, command: Command) -> Option<Created> {
    w.execute(&Actor::System, command, Timestamp(AT)).unwrap().created
}

fn item(c: Option<Created>) -> ItemId {
    match c {
        Some(Created::Item(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn class(rng: &mut Rng) -> Classification {
    let mut c = || SecurityClass::new(rng.below(4) as u8).unwrap();
    Classification { z: c(), c: c(), r: c() }
}

fn report(name: &str, h: &Histogram<u64>) {
    println!(
        "{name:<44} n={:>6}  p50 {:>8.1} µs  p95 {:>8.1} µs  p99 {:>8.1} µs  max {:>9.1} µs",
        h.len(),
        h.value_at_quantile(0.50) as f64 / 1000.0,
        h.value_at_quantile(0.95) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
}

fn main() {
    let (assets_n, systems_n, links_n) = (arg("--assets", 10_000), arg("--systems", 1_000), arg("--links", 50_000));
    let mut rng = Rng::new(15);
    let mut w = World::new(text("Bench"));
    run(&mut w, Command::Initialise);
    let office = match run(
        &mut w,
        Command::CreateOffice {
            code: Code::parse("c", "IT").unwrap(),
            name: text("IT"),
            parent: None,
            signing_code: None,
        },
    ) {
        Some(Created::Office(o)) => o,
        other => panic!("{other:?}"),
    };
    let job = w.job_by_code("LEADER.IT").unwrap();
    let _ = office;
    let custodian = match run(
        &mut w,
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
    ) {
        Some(Created::User(u)) => u,
        other => panic!("{other:?}"),
    };
    let started = Instant::now();
    let systems: Vec<ItemId> = (0..systems_n)
        .map(|i| {
            item(run(
                &mut w,
                Command::CreateItem {
                    kind: ItemKind::System,
                    fields: fields(format!("S{i:05}"), custodian),
                },
            ))
        })
        .collect();
    let assets: Vec<ItemId> = (0..assets_n)
        .map(|i| {
            item(run(
                &mut w,
                Command::CreateItem {
                    kind: ItemKind::Asset,
                    fields: fields(format!("A{i:05}"), custodian),
                },
            ))
        })
        .collect();
    // Links first (unclassified assets move freely between systems), then the classes.
    let consent = TransferConsent {
        by: custodian,
        reference: text("S-1"),
        date: LocalDate::new(2026, 1, 1).unwrap(),
    };
    let mut made = 0;
    let mut pairs = std::collections::HashSet::new();
    while made < links_n {
        let (s, a) = (systems[rng.below(systems.len())], assets[rng.below(assets.len())]);
        if !pairs.insert((s, a)) {
            continue;
        }
        run(
            &mut w,
            Command::LinkAsset {
                system: s,
                asset: a,
                relation: Relation::Stores,
                consent: Some(consent.clone()),
            },
        );
        made += 1;
    }
    for a in &assets {
        let c = class(&mut rng);
        if c != Classification::PUBLIC {
            run(
                &mut w,
                Command::ClassifyItem {
                    item: *a,
                    class: c,
                    protection_level: None,
                },
            );
        }
    }
    println!(
        "built {} assets, {} systems, {} links in {:.1} s (revision {})",
        assets.len(),
        systems.len(),
        w.links().count(),
        started.elapsed().as_secs_f64(),
        w.revision().0
    );

    // One write: link a fresh pair, then unlink it.
    let mut link = Histogram::<u64>::new(3).unwrap();
    let mut unlink = Histogram::<u64>::new(3).unwrap();
    for _ in 0..2_000 {
        let (s, a) = loop {
            let p = (systems[rng.below(systems.len())], assets[rng.below(assets.len())]);
            if !pairs.contains(&p) && w.links_of(p.1).next().is_none() {
                break p;
            }
        };
        let t = Instant::now();
        let plan = w
            .plan(
                &Actor::System,
                Command::LinkAsset {
                    system: s,
                    asset: a,
                    relation: Relation::Handles,
                    consent: None,
                },
                Timestamp(AT),
            )
            .unwrap();
        let Some(Created::Link(l)) = plan.created else { panic!() };
        w.commit(plan).unwrap();
        link.record(t.elapsed().as_nanos() as u64).unwrap();
        let t = Instant::now();
        let plan = w
            .plan(&Actor::System, Command::UnlinkAsset { link: l }, Timestamp(AT))
            .unwrap();
        w.commit(plan).unwrap();
        unlink.record(t.elapsed().as_nanos() as u64).unwrap();
    }
    report("link an asset (plan + commit)", &link);
    report("unlink it (plan + commit)", &unlink);

    let mut reclassify = Histogram::<u64>::new(3).unwrap();
    for _ in 0..2_000 {
        let a = assets[rng.below(assets.len())];
        let c = class(&mut rng);
        let t = Instant::now();
        match w.plan(
            &Actor::System,
            Command::ClassifyItem {
                item: a,
                class: c,
                protection_level: None,
            },
            Timestamp(AT),
        ) {
            Ok(plan) => {
                w.commit(plan).unwrap();
                reclassify.record(t.elapsed().as_nanos() as u64).unwrap();
            }
            Err(_) => continue,
        }
    }
    report("reclassify an asset (plan + commit)", &reclassify);

    // What a write would cost without the incremental floor: every floor from scratch.
    let mut rebuild = Histogram::<u64>::new(3).unwrap();
    for _ in 0..20 {
        let t = Instant::now();
        let mut total = 0u32;
        for s in &systems {
            let f = Floor::of(w.links_of(*s).map(|l| (l.asset, w.item(l.asset).unwrap().class())));
            total += u32::from(f.class.z.value());
        }
        std::hint::black_box(total);
        rebuild.record(t.elapsed().as_nanos() as u64).unwrap();
    }
    report("every floor from scratch (not done on writes)", &rebuild);

    // The list page's reads: every item's effective class and below-floor flag.
    let mut list = Histogram::<u64>::new(3).unwrap();
    for _ in 0..50 {
        let t = Instant::now();
        let below = w
            .items()
            .iter()
            .filter(|i| {
                std::hint::black_box(w.effective_class(i));
                w.below_floor(i).is_some()
            })
            .count();
        std::hint::black_box(below);
        list.record(t.elapsed().as_nanos() as u64).unwrap();
    }
    report("list: effective class + flag of every item", &list);
}
