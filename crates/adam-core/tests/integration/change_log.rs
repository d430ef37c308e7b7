//! The change log is a format (issue #13): `world_at` and a standby replay stored change sets
//! forever, so a change set written by today's code must decode, replay and re-encode the same
//! way for as long as the code lives.
//!
//! `tests/golden/change-log-v1.jsonl` holds the change log of a varied world (every kind of
//! event at least once), one change set per line, encoded the way the store encodes the
//! `changes` row (`revision` and the `events` column, as `serde_json::Value`). It was written
//! once by the code of format version 1 and must never be regenerated to make this test pass:
//! run with `ADAM_WRITE_GOLDEN=1` only when a new format version is introduced, into a new file.

use crate::common::*;
use crate::properties::fingerprint;
use adam_core::*;
use serde_json::Value;
use std::collections::BTreeSet;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/change-log-v1.jsonl");
const ORGANISATION: &str = "Mestna občina Koper";

/// The town of the scenario with a folder, a document, its workflow, a group, ACL entries
/// added and removed, records updated and a grant revoked: every event kind at least once.
fn varied_world() -> (World, Vec<ChangeSet>) {
    recording(|| {
        let mut town = town();
        let w = &mut town.w;
        let (ana, gregor, cene) = (Actor::user(town.ana), Actor::user(town.gregor), Actor::user(town.cene));
        let group = match sys(
            w,
            Command::CreateGroup {
                code: Code::parse("code", "GRP").unwrap(),
                name: text("Skupina"),
                users: vec![town.dora],
                jobs: vec![town.cene_job],
            },
        ) {
            Some(Created::Group(id)) => id,
            other => panic!("{other:?}"),
        };
        sys(
            w,
            Command::UpdateOffice {
                office: town.tok,
                name: text("Turistična organizacija"),
                parent: Some(town.kzup),
                signing_code: None,
            },
        );
        let plan = run_as(
            w,
            &ana,
            Command::NewFolder {
                app: town.vpp,
                class: town.class,
                title: text("Odmera parcele 1234/5"),
                classification: Classification::confidential(SecurityClass::ONE),
            },
        );
        let Some(Created::Folder(f)) = plan.created else {
            panic!("{:?}", plan.created)
        };
        let plan = run_as(
            w,
            &gregor,
            Command::NewDocument {
                folder: f,
                title: text("Vloga za odmero"),
                classification: Classification::PUBLIC,
            },
        );
        let Some(Created::Document(d)) = plan.created else {
            panic!("{:?}", plan.created)
        };
        let doc = ObjectRef::Document(d);
        run_as(
            w,
            &gregor,
            Command::Notify {
                object: doc,
                jobs: vec![town.cene_job],
                users: vec![],
            },
        );
        run_as(
            w,
            &gregor,
            Command::HandOver {
                object: doc,
                to: town.cene_job,
            },
        );
        run_as(w, &cene, Command::Accept { object: doc });
        let plan = run_as(
            w,
            &ana,
            Command::AddEntry {
                carrier: Carrier::Folder(f),
                kind: AclKind::Allowed,
                entity: Entity::Group(group),
                value: Level::View13,
                group_value: None,
                window: Window::ALWAYS,
            },
        );
        let Some(Created::Entry(entry)) = plan.created else {
            panic!("{:?}", plan.created)
        };
        run_as(w, &ana, Command::RemoveEntry { entry });
        let temporary = grant(w, town.view_all, Grantee::User(town.uros));
        sys(w, Command::Revoke { grant: temporary });
        sys(
            w,
            Command::Batch {
                commands: vec![
                    Command::UpdateClass {
                        class: town.class,
                        name: text("Odmere"),
                        parent: None,
                    },
                    Command::SetUserActive {
                        user: town.bojan,
                        active: false,
                    },
                ],
            },
        );
        town.w
    })
}

/// One line of the golden file: the change set as the store keeps it.
fn encode(change: &ChangeSet) -> String {
    let events = serde_json::to_value(&change.events).unwrap();
    serde_json::json!({ "revision": change.revision, "events": events }).to_string()
}

/// A line decoded the way the store decodes a `changes` row.
fn decode(line: &str) -> ChangeSet {
    let mut row: Value = serde_json::from_str(line).unwrap();
    let revision: Revision = serde_json::from_value(row["revision"].take()).unwrap();
    let events = decode_events(row["events"].take()).unwrap();
    ChangeSet { revision, events }
}

fn kind(event: &Event) -> &'static str {
    match event {
        Event::Settings(_) => "settings",
        Event::Office(_) => "office",
        Event::Job(_) => "job",
        Event::User(_) => "user",
        Event::Group(_) => "group",
        Event::Application(_) => "application",
        Event::Role(_) => "role",
        Event::Grant(_) => "grant",
        Event::GrantRemoved(_) => "grant_removed",
        Event::Class(_) => "class",
        Event::Folder(_) => "folder",
        Event::Document(_) => "document",
        Event::Entry(_) => "entry",
        Event::EntryRemoved(_) => "entry_removed",
        // The registers' events came after the golden file; `inventory.rs` keeps their own.
        Event::Scheme(_) => "scheme",
        Event::RoleHolder(_) => "role_holder",
        Event::Item(_) => "item",
        Event::Link(_) => "link",
        Event::LinkRemoved(_) => "link_removed",
        Event::Review(_) => "review",
        Event::FollowUp(_) => "follow_up",
        Event::Risk(_) => "risk",
        Event::Baseline(_) => "baseline",
        Event::ContinuityPlan(_) => "continuity_plan",
        Event::PlanReview(_) => "plan_review",
        Event::Bia(_) => "bia",
        Event::ContinuityTest(_) => "continuity_test",
        Event::RiskAcceptance(_) => "risk_acceptance",
        Event::Comparison(_) => "comparison",
        Event::Definition(_) => "definition",
        Event::Case(_) => "case",
        Event::RaciMatrix(_) => "raci_matrix",
        Event::Solution(_) => "solution",
    }
}

#[test]
fn the_varied_world_has_every_kind_of_event() {
    let (_, log) = varied_world();
    let kinds: BTreeSet<&str> = log.iter().flat_map(|c| c.events.iter().map(kind)).collect();
    assert_eq!(kinds.len(), 14, "{kinds:?}");
}

#[test]
fn the_golden_change_log_of_format_1_still_decodes_and_replays() {
    let (world, log) = varied_world();
    if std::env::var("ADAM_WRITE_GOLDEN").as_deref() == Ok("1") {
        let lines: Vec<String> = log.iter().map(encode).collect();
        std::fs::write(GOLDEN, lines.join("\n") + "\n").unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    assert_eq!(
        CHANGE_LOG_FORMAT, 1,
        "a new format version keeps this file and adds its own"
    );
    let mut replayed = World::new(text(ORGANISATION));
    let mut count = 0;
    for line in golden.lines() {
        let change = decode(line);
        // Compared as JSON values, not bytes: the order of members depends on serde_json's
        // `preserve_order` feature, which other crates of the workspace switch on (schemars).
        let again: Value = serde_json::from_str(&encode(&change)).unwrap();
        let stored: Value = serde_json::from_str(line).unwrap();
        assert_eq!(again, stored, "re-encoding changed the record of {}", change.revision);
        replayed.apply_change_set(change).unwrap();
        count += 1;
    }
    assert_eq!(count, log.len());
    assert_eq!(fingerprint(&replayed), fingerprint(&world));
}
