//! The process engine at size (issue #16): 10,000 open cases on 200 versions of the
//! change-request definition plus 2,000 security events, 1,000 systems, 1,000 people.
//!
//! Builds the cases through the engine's commands (as the server would), then times:
//! - "my steps" of a system's custodian (about 50 cases each) and of the security lead (every
//!   security event) — the work list the UI and `/api/v1/work` answer from;
//! - the overdue list with every case overdue (the worst case: all 12,000 sorted by due time);
//! - validating the largest shipped definition (what an import costs before it is kept);
//! - starting a case and deciding its step, each as plan + commit of one command (what a
//!   server does under its write lock).
//!
//! ```text
//! cargo run --release -p adam-bench --no-default-features --example process_bench -- [--cases N] [--versions N] [--events N]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use adam_core::register::inventory::{ItemFields, ItemKind};
use adam_core::*;
use adam_testkit::rng::Rng;
use hdrhistogram::Histogram;
use serde_json::json;
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

fn run(w: &mut World, actor: &Actor, command: Command) -> Option<Created> {
    w.execute(actor, command, Timestamp(AT)).unwrap().created
}

fn report(name: &str, h: &Histogram<u64>) {
    println!(
        "{name:<52} n={:>6}  p50 {:>9.1} µs  p95 {:>9.1} µs  p99 {:>9.1} µs  max {:>9.1} µs",
        h.len(),
        h.value_at_quantile(0.50) as f64 / 1000.0,
        h.value_at_quantile(0.95) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
}

fn timed<T>(h: &mut Histogram<u64>, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    h.record(started.elapsed().as_nanos().max(1) as u64).unwrap();
    out
}

fn system_fields(i: usize, custodian: UserId) -> ItemFields {
    let code = format!("S{i:05}");
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

fn start(process: &str, title: String, fields: serde_json::Value) -> Command {
    Command::StartCase {
        process: Code::parse("p", process).unwrap(),
        title: text(&title),
        fields: serde_json::from_value(fields).unwrap(),
        attachments: Vec::new(),
    }
}

fn main() {
    let (cases_n, versions_n, events_n) = (arg("--cases", 10_000), arg("--versions", 200), arg("--events", 2_000));
    let (people_n, systems_n) = (1_000, 1_000);
    let mut rng = Rng::new(16);
    let system = Actor::System;
    let mut w = World::new(text("Bench"));
    run(&mut w, &system, Command::Initialise);
    run(
        &mut w,
        &system,
        Command::CreateOffice {
            code: Code::parse("c", "IT").unwrap(),
            name: text("IT"),
            parent: None,
            signing_code: None,
        },
    );
    let job = w.job_by_code("LEADER.IT").unwrap();
    let started = Instant::now();
    let people: Vec<UserId> = (0..people_n)
        .map(|i| {
            match run(
                &mut w,
                &system,
                Command::CreateUser {
                    username: Username::parse("u", &format!("oseba{i}")).unwrap(),
                    kind: AccountKind::User,
                    title: None,
                    first_name: text("Oseba"),
                    last_name: text(&format!("Št. {i}")),
                    gender: Gender::Female,
                    email: Email::parse("e", &format!("oseba{i}@example.si")).unwrap(),
                    phone: None,
                    jobs: vec![job],
                },
            ) {
                Some(Created::User(u)) => u,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    let lead = people[0];
    let lead_role = w.role_by_code(SystemPower::SecurityLead.code()).unwrap();
    run(
        &mut w,
        &system,
        Command::Grant {
            role: lead_role,
            grantee: Grantee::User(lead),
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        },
    );
    // 200 custodians, five systems each.
    let custodians = &people[1..=200];
    let systems: Vec<(ItemId, UserId)> = (0..systems_n)
        .map(|i| {
            let custodian = custodians[i % custodians.len()];
            match run(
                &mut w,
                &system,
                Command::CreateItem {
                    kind: ItemKind::System,
                    fields: system_fields(i, custodian),
                },
            ) {
                Some(Created::Item(id)) => (id, custodian),
                other => panic!("{other:?}"),
            }
        })
        .collect();
    // The change requests, on ever newer versions: a new version every cases/versions starts.
    let template = adam_core::process::shipped("change-request").unwrap();
    let per_version = (cases_n / versions_n.max(1)).max(1);
    let mut version = 1;
    for i in 0..cases_n {
        if i > 0 && i % per_version == 0 && version < versions_n as u32 {
            version += 1;
            let mut d = template.clone();
            d.version = version;
            run(&mut w, &system, Command::ImportProcess { definition: d });
        }
        let (id, custodian) = systems[rng.below(systems.len())];
        run(
            &mut w,
            &Actor::user(custodian),
            start("change-request", format!("Sprememba {i}"), json!({"system": id.0})),
        );
    }
    for i in 0..events_n {
        let by = people[rng.below(people.len())];
        run(
            &mut w,
            &Actor::user(by),
            start(
                "security-event",
                format!("Dogodek {i}"),
                json!({"situation": "human_error", "what": "Opis"}),
            ),
        );
    }
    println!(
        "built {} people, {} systems, {} cases on {} definition versions in {:.1} s (revision {})",
        people.len(),
        systems.len(),
        w.cases().len(),
        w.process_definitions().len(),
        started.elapsed().as_secs_f64(),
        w.revision().0
    );

    let now = Timestamp(AT);
    let mut mine = Histogram::<u64>::new(3).unwrap();
    let mut total = 0;
    for _ in 0..1_000 {
        let who = custodians[rng.below(custodians.len())];
        total += timed(&mut mine, || w.my_steps(who, now).len());
    }
    report(&format!("my steps, a custodian (avg {} cases)", total / 1_000), &mine);
    let mut lead_steps = Histogram::<u64>::new(3).unwrap();
    let mut n = 0;
    for _ in 0..200 {
        n = timed(&mut lead_steps, || w.my_steps(lead, now).len());
    }
    report(&format!("my steps, the security lead ({n} cases)"), &lead_steps);
    let later = now.plus_days(30);
    let mut overdue = Histogram::<u64>::new(3).unwrap();
    for _ in 0..200 {
        n = timed(&mut overdue, || w.overdue_steps(later).len());
    }
    report(&format!("overdue list ({n} overdue)"), &overdue);

    let (largest_key, largest) = adam_core::process::SHIPPED
        .iter()
        .map(|(k, _)| (*k, adam_core::process::shipped(k).unwrap()))
        .max_by_key(|(_, d)| d.steps.len())
        .unwrap();
    let mut validate = Histogram::<u64>::new(3).unwrap();
    for _ in 0..1_000 {
        let problems = timed(&mut validate, || w.definition_problems(&largest));
        assert!(problems.is_empty(), "{problems:?}");
    }
    report(
        &format!("validate {largest_key} ({} steps)", largest.steps.len()),
        &validate,
    );

    let mut starts = Histogram::<u64>::new(3).unwrap();
    let mut decides = Histogram::<u64>::new(3).unwrap();
    for i in 0..2_000 {
        let (id, custodian) = systems[rng.below(systems.len())];
        let created = timed(&mut starts, || {
            w.execute(
                &Actor::user(custodian),
                start("change-request", format!("Nova {i}"), json!({"system": id.0})),
                now,
            )
            .unwrap()
            .created
        });
        let Some(Created::Case(case)) = created else {
            panic!("{created:?}")
        };
        timed(&mut decides, || {
            w.execute(
                &Actor::user(custodian),
                Command::DecideStep {
                    case,
                    step: Code::parse("s", "prepare").unwrap(),
                    outcome: Code::parse("o", "withdraw").unwrap(),
                    comment: None,
                    fields: Default::default(),
                    attachments: Vec::new(),
                },
                now,
            )
            .unwrap()
        });
    }
    report("start a case (plan + commit)", &starts);
    report("decide a step (plan + commit)", &decides);
}
