//! Tests of the whole transfer: export then import, every kind of bad row, updates, a scoped
//! administrator, a batch refused after the check, formula-like values and a large import.

use super::apply::refused_row;
use super::*;
use crate::demo::{self, testing};
use adam_core::{
    AccountKind, Actor, Command, Email, Gender, JobCode, JobId, OfficeId, Phone, Revision, Text, Timestamp, Username,
    World,
};
use std::path::Path;
use std::time::Instant;

fn at() -> Timestamp {
    Timestamp::parse("2026-03-02T09:00:00Z").unwrap()
}

fn write(dir: &Path, file: &str, content: &str) {
    std::fs::write(dir.join(file), content).unwrap();
}

/// A world with nothing but the built-in roles, named like the demo.
fn empty_world() -> World {
    let mut w = World::new(Text::parse("organisation", demo::ORGANISATION).unwrap());
    w.execute(&Actor::System, Command::Initialise, at()).unwrap();
    w
}

type Directory = (
    Vec<(String, String, Option<String>, Option<String>, bool)>,
    Vec<(String, Option<String>, String, String, bool, String)>,
    Vec<String>,
    Vec<(String, String)>,
);

/// The directory by codes, independent of ids and of the order records were made in.
fn directory(w: &World) -> Directory {
    let office = |o: OfficeId| w.office(o).unwrap().code.to_string();
    let job = |j: JobId| w.job(j).unwrap().code.to_string();
    let mut offices: Vec<_> = w
        .offices()
        .iter()
        .map(|o| {
            (
                o.code.to_string(),
                o.name.to_string(),
                o.parent.map(office),
                o.signing_code.as_ref().map(ToString::to_string),
                o.valid,
            )
        })
        .collect();
    let mut jobs: Vec<_> = w
        .jobs()
        .iter()
        .map(|j| {
            (
                j.code.to_string(),
                j.signing_code.as_ref().map(ToString::to_string),
                j.name.to_string(),
                office(j.office),
                j.valid,
                format!("{:?}", j.kind),
            )
        })
        .collect();
    let mut users: Vec<_> = w
        .users()
        .iter()
        .map(|u| {
            let jobs: Vec<String> = u.jobs.iter().map(|j| job(*j)).collect();
            let mut value = serde_json::to_value(u).unwrap();
            value["id"] = serde_json::Value::Null;
            value["rev"] = serde_json::Value::Null;
            value["jobs"] = serde_json::json!(jobs);
            value.to_string()
        })
        .collect();
    let mut assignments: Vec<_> = w
        .users()
        .iter()
        .flat_map(|u| u.jobs.iter().map(move |j| (u.username.to_string(), job(*j))))
        .collect();
    offices.sort();
    jobs.sort();
    users.sort();
    assignments.sort();
    (offices, jobs, users, assignments)
}

fn lines(dir: &Path, file: &str) -> Vec<String> {
    let mut lines: Vec<String> = std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

fn problems(report: &ImportReport) -> Vec<String> {
    report.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn export_then_import_into_an_empty_world_reproduces_the_directory() {
    let (original, _) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exported = export(&original, dir.path()).unwrap();
    assert_eq!(exported.offices, original.offices().len());
    assert_eq!(exported.users, original.users().len());
    // Parents come before children in offices.csv.
    let offices = std::fs::read_to_string(dir.path().join("offices.csv")).unwrap();
    let position = |code: &str| {
        offices
            .lines()
            .position(|l| l.starts_with(&format!("{code},")))
            .unwrap()
    };
    assert!(position("GLPI") < position("GLPI_VLO"));
    assert!(position("UN") < position("UN_PPZ"));
    assert_eq!(offices.lines().next(), Some("code,name,parent_code,signing_code,valid"));

    let mut copy = empty_world();
    let before = copy.revision();
    let plan = plan_import(&copy, dir.path(), &Actor::System, at()).unwrap();
    assert_eq!(plan.summary.offices.created, original.offices().len());
    assert_eq!(plan.summary.jobs.created, original.jobs().len());
    assert_eq!(plan.summary.users.created, original.users().len());
    assert_eq!(plan.summary.assignments.created, exported.assignments);
    assert_eq!(plan.sources.len(), plan.commands().len());
    copy.execute(&Actor::System, plan.batch, at()).unwrap();
    assert_eq!(copy.revision(), before.next(), "one import, one revision");
    assert_eq!(directory(&copy), directory(&original));

    // Exporting the copy gives the same rows.
    let again = tempfile::tempdir().unwrap();
    export(&copy, again.path()).unwrap();
    for file in FILES {
        assert_eq!(lines(again.path(), file), lines(dir.path(), file), "{file}");
    }
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_nothing_changes() {
    let (world, _) = demo::world(at()).unwrap();
    let fingerprint = testing::fingerprint(&world);
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(Text::MAX + 1);
    write(
        dir.path(),
        "offices.csv",
        "code,name,parent_code\nNOVA,Nova služba,\nPODNOVA,Podrejena služba,NIHCE\nPOD2,Pod novo,NOVA\n",
    );
    write(
        dir.path(),
        "jobs.csv",
        "code,name,office_code\nJOB.9001,Referent,NOVA\nJOB.9002,Referent,NEOBSTOJEC\n",
    );
    write(
        dir.path(),
        "users.csv",
        &format!(
            "username,kind,first_name,last_name,email\n\
             novak1,user,Janez,Novak,janez.novak@koper.example\n\
             novak2,user,Ana,Novak,ana.novak-at-koper.example\n\
             NOVAK1,user,Janez,Novak,janez2@koper.example\n\
             novak3,superuser,Peter,Novak,peter@koper.example\n\
             novak4,user,{long},Novak,dolgo@koper.example\n"
        ),
    );
    write(
        dir.path(),
        "assignments.csv",
        "username,job_code\nnovak1,JOB.9001\nnovak2,JOB.9001\n",
    );
    let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
    let lines = problems(&report);
    println!("{report}");
    let expected = [
        "offices.csv:3: parent_code: there is no office with the code \"NIHCE\", neither in ADAM nor in offices.csv",
        "jobs.csv:3: office_code: there is no office with the code \"NEOBSTOJEC\", neither in ADAM nor in offices.csv",
        "users.csv:3: email: must contain '@', as in name@example.si",
        "users.csv:4: username: username novak1 is already on line 2",
        "users.csv:5: kind: \"superuser\" is not an account kind; the kinds are admin, system_user and user",
        "users.csv:6: first_name: must be at most 500 characters long (got 501)",
        "assignments.csv:3: username: user novak2 is not imported: its row (users.csv:3) was rejected",
    ];
    assert_eq!(lines, expected);
    assert_eq!(report.rows, 3 + 2 + 5 + 2);
    assert_eq!(testing::fingerprint(&world), fingerprint);
}

#[tokio::test]
async fn a_rejected_import_through_the_server_writes_nothing() {
    let (state, store) = testing::state(at());
    demo::load(&state).await.unwrap();
    let revision = state.revision();
    let fingerprint = testing::fingerprint(&state.world());
    let audit = store.audit().len();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.csv",
        "username,first_name,last_name,email\nnova,Nova,Oseba,nova@koper.example\nslaba,Slaba,Oseba,brez-afne\n",
    );
    let error = import(&state, dir.path(), Actor::System, |_, _| {}).await.unwrap_err();
    let ImportError::Rejected(report) = &error else {
        panic!("{error}");
    };
    assert_eq!(
        problems(report),
        ["users.csv:3: email: must contain '@', as in name@example.si"]
    );
    assert_eq!(state.revision(), revision);
    assert_eq!(store.latest_revision().unwrap(), revision);
    assert_eq!(testing::fingerprint(&state.world()), fingerprint);
    // No record of the import (the demo's own background work may still add records).
    assert!(
        store.audit()[audit..].iter().all(|r| !r
            .context
            .application
            .as_deref()
            .is_some_and(|a| a.starts_with("adam-import"))),
        "the refused import wrote audit records"
    );
}

#[tokio::test]
async fn importing_twice_changes_nothing_the_second_time() {
    let (source, _) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export(&source, dir.path()).unwrap();

    // Into the demo itself: everything is unchanged.
    let plan = plan_import(&source, dir.path(), &Actor::System, at()).unwrap();
    assert!(plan.is_empty());
    assert_eq!(plan.summary.users.unchanged, source.users().len());
    assert_eq!(plan.summary.users.not_in_files, 0);

    // Into an empty installation through the server: written once, then nothing to change.
    let (state, store) = testing::state(at());
    state
        .execute_as(Actor::System, state.context(Actor::System, None), Command::Initialise)
        .await
        .unwrap();
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let first = import(&state, dir.path(), Actor::System, |done, total| {
        calls.push((done, total))
    })
    .await
    .unwrap();
    let written = first.revision.unwrap();
    assert_eq!(written, Revision(2));
    assert_eq!(first.summary.users.created, source.users().len());
    assert_eq!(directory(&state.world()), directory(&source));
    assert!(
        store
            .audit()
            .iter()
            .any(|r| r.context.application.as_deref() == Some(APPLICATION))
    );
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    let total = calls.last().map(|c| c.1).unwrap();
    assert!(total > 0);
    assert_eq!(calls.last(), Some(&(total, total)));

    let second = import(&state, dir.path(), Actor::System, |_, _| {}).await.unwrap();
    assert_eq!(second.revision, None);
    assert_eq!(second.summary.offices.unchanged, source.offices().len());
    assert!(second.to_string().starts_with("nothing to change"), "{second}");
    assert_eq!(state.revision(), written);
}

#[test]
fn invalidating_a_job_someone_still_holds_is_refused_with_the_engines_reason() {
    let (world, demo) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "jobs.csv",
        "code,signing_code,name,office_code,valid\nJOB.0276,UN-1,Višji svetovalec za nepremičnine,UN,false\n",
    );
    let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
    assert_eq!(
        problems(&report),
        [
            "jobs.csv:2: valid: job JOB.0276 is still held by 1 active user(s); deactivate or reassign them first \
             (deletion is in two steps) (held by vopiun03)"
        ]
    );

    // Both steps in one import: the user is deactivated first, then the job invalidated.
    let recipient = world.user(demo.recipient).unwrap();
    write(
        dir.path(),
        "users.csv",
        &format!(
            "username,active,first_name,last_name,email\nvopiun03,false,{},{},{}\n",
            recipient.first_name, recipient.last_name, recipient.email
        ),
    );
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    assert_eq!(plan.summary.users.updated, 1);
    assert_eq!(plan.summary.jobs.updated, 1);
    let actions: Vec<&str> = plan.commands().iter().map(Command::action).collect();
    assert_eq!(actions, ["user.deactivate", "job.invalidate"]);
    let mut world = world;
    world.execute(&Actor::System, plan.batch, at()).unwrap();
    assert!(!world.user(demo.recipient).unwrap().active);
    assert!(!world.job(demo.job_0276).unwrap().valid);
}

#[test]
fn updates_are_counted_and_absent_columns_are_left_alone() {
    let (world, demo) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // No phone, title or gender column: those stay as they are.
    write(
        dir.path(),
        "users.csv",
        "email,last_name,first_name,username\n\
         luka.babic@tok.example,Babič,Luka,vopitok02\n\
         mojca.kocjancic@koper.example,Kocjančič,Mojca,vopiglpi01\n",
    );
    write(
        dir.path(),
        "offices.csv",
        "name,code\nTuristična organizacija Koper – Capodistria,TOK\nKabinet župana,KZUP\n",
    );
    write(
        dir.path(),
        "assignments.csv",
        "username,job_code\nvopitok02,JOB.0401\nvopitok02,JOB.0301\n",
    );
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    let s = plan.summary;
    assert_eq!((s.users.created, s.users.updated, s.users.unchanged), (0, 1, 1));
    assert_eq!((s.offices.updated, s.offices.unchanged), (1, 1));
    assert_eq!((s.assignments.created, s.assignments.unchanged), (1, 1));
    assert_eq!(s.users.not_in_files, world.users().len() - 2);
    assert_eq!(s.jobs.not_in_files, world.jobs().len());
    let mut world = world;
    let phone_before = world.user(demo.clerk).unwrap().phone.clone();
    world.execute(&Actor::System, plan.batch, at()).unwrap();
    let luka = world.user(demo.clerk).unwrap();
    assert_eq!(luka.email.as_str(), "luka.babic@tok.example");
    assert_eq!(luka.phone, phone_before);
    assert_eq!(luka.jobs.len(), 2);
    assert_eq!(
        world.office(demo.offices.tok).unwrap().name.as_str(),
        "Turistična organizacija Koper – Capodistria"
    );
}

#[test]
fn offices_may_come_children_first_and_move_under_new_parents() {
    let (world, demo) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // UN_PPZ moves under a new office listed after it; the new office sits under UN.
    write(
        dir.path(),
        "offices.csv",
        "code,name,parent_code,signing_code\n\
         UN_PPZ,Oddelek za pravno-premoženjske zadeve,UN_SEK,UN-PPZ\n\
         UN_SEK,Sektor za premoženje,UN,UN-S\n",
    );
    write(
        dir.path(),
        "jobs.csv",
        "code,name,office_code\nJOB.9100,Vodja sektorja,UN_SEK\n",
    );
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    let actions: Vec<&str> = plan.commands().iter().map(Command::action).collect();
    assert_eq!(actions, ["office.create", "office.update", "job.create"]);
    let mut world = world;
    world.execute(&Actor::System, plan.batch, at()).unwrap();
    let sector = world.office_by_code("UN_SEK").unwrap();
    assert_eq!(world.office(sector).unwrap().parent, Some(demo.offices.un));
    assert_eq!(world.office(demo.offices.un_property).unwrap().parent, Some(sector));
    assert!(world.job_by_code("LEADER.UN_SEK").is_ok());
}

#[test]
fn headers_are_checked_and_spreadsheet_habits_are_accepted() {
    let (world, _) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.csv",
        "username,first_name,colour,email\nx1,X,red,x@koper.example\n",
    );
    write(dir.path(), "jobs.csv", "code,name,code,office_code\n");
    let report = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
    assert_eq!(
        problems(&report),
        [
            "jobs.csv:1: code: the column appears more than once",
            "users.csv:1: colour: unknown column; the columns are username, kind, active, title, first_name, \
             last_name, gender, email, phone",
            "users.csv:1: last_name: required column is missing",
        ]
    );

    // A semicolon-separated file with a byte-order mark, as a spreadsheet saves it, with
    // a blank row and columns in another order.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.csv",
        "\u{feff}Email;Last_Name;First_Name;Username;Gender\nnova.oseba@koper.example;Oseba;Nova;nova;ženski\n;;;;\n",
    );
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    assert_eq!(plan.summary.users.created, 1);
    match &plan.commands()[0] {
        Command::CreateUser { gender, kind, .. } => {
            assert_eq!((*gender, *kind), (Gender::Female, AccountKind::User));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_scoped_user_administrator_imports_only_inside_their_offices() {
    let (world, demo) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "jobs.csv",
        "code,name,office_code\nJOB.9200,Referent,UN_PPZ\nJOB.9201,Referent,TOK\n",
    );
    let actor = Actor::user(demo.un_user_admin);
    let report = plan_import(&world, dir.path(), &actor, at()).unwrap_err();
    assert_eq!(
        problems(&report),
        ["jobs.csv:3: code: office TOK is outside the offices you administer"]
    );
    // Admin and service accounts are the system administrator's.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "users.csv",
        "username,kind,first_name,last_name,email\nsvc-new,system_user,Nov,Servis,svc@koper.example\n",
    );
    let report = plan_import(&world, dir.path(), &actor, at()).unwrap_err();
    assert_eq!(
        problems(&report),
        ["users.csv:2: username: only the system administrator may create admin and service accounts"]
    );
}

#[test]
fn a_batch_refused_after_the_check_names_its_row() {
    let (world, demo) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "jobs.csv",
        "code,name,office_code\nJOB.9300,Referent,UN\nJOB.9301,Referent,TOK\n",
    );
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    // Meanwhile someone else creates JOB.9301.
    let mut moved = world.clone();
    let command = Command::CreateJob {
        code: JobCode::parse("code", "JOB.9301").unwrap(),
        signing_code: None,
        name: Text::parse("name", "Drugi").unwrap(),
        office: demo.offices.tok,
    };
    moved.execute(&Actor::System, command, at()).unwrap();
    let (row, message) = refused_row(&moved, &Actor::System, &plan, at()).unwrap();
    assert_eq!(row.map(|r| r.to_string()).as_deref(), Some("jobs.csv:3: code"));
    assert_eq!(message, "the job code \"JOB.9301\" is already in use");
    assert!(refused_row(&world, &Actor::System, &plan, at()).is_none());
}

#[test]
fn formula_like_values_are_exported_as_text_and_read_back() {
    let mut world = empty_world();
    let command = Command::CreateUser {
        username: Username::parse("username", "formula").unwrap(),
        kind: AccountKind::User,
        title: None,
        first_name: Text::parse("first_name", "=HYPERLINK(\"http://x\")").unwrap(),
        last_name: Text::parse("last_name", "-Novak").unwrap(),
        gender: Gender::Unspecified,
        email: Email::parse("email", "formula@koper.example").unwrap(),
        phone: Some(Phone::parse("phone", "+386 5 611 7000").unwrap()),
        jobs: Vec::new(),
    };
    world.execute(&Actor::System, command, at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export(&world, dir.path()).unwrap();
    let users = std::fs::read_to_string(dir.path().join("users.csv")).unwrap();
    assert!(users.contains("'=HYPERLINK"), "{users}");
    assert!(users.contains(",'+386 5 611 7000"), "{users}");
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    assert!(plan.is_empty());
}

#[test]
fn ten_thousand_users_import_in_reasonable_time() {
    const USERS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let mut offices = String::from("code,name,parent_code,signing_code,valid\n");
    let mut jobs = String::from("code,signing_code,name,office_code,valid\n");
    let mut users = String::from("username,kind,active,title,first_name,last_name,gender,email,phone\n");
    let mut assignments = String::from("username,job_code\n");
    for o in 0..20 {
        offices.push_str(&format!("U{o:02},Urad {o},,{},true\n", 2000 + o));
    }
    for i in 0..USERS {
        let office = i % 20;
        jobs.push_str(&format!("JOB.{i:05},S-{i},Referent {i},U{office:02},true\n"));
        users.push_str(&format!(
            "user{i:05},user,true,,Ime{i},Priimek{i},unspecified,user{i:05}@koper.example,05 600 {i:05}\n"
        ));
        assignments.push_str(&format!("user{i:05},JOB.{i:05}\n"));
    }
    write(dir.path(), "offices.csv", &offices);
    write(dir.path(), "jobs.csv", &jobs);
    write(dir.path(), "users.csv", &users);
    write(dir.path(), "assignments.csv", &assignments);

    let mut world = empty_world();
    let started = Instant::now();
    let plan = plan_import(&world, dir.path(), &Actor::System, at()).unwrap();
    let planned = started.elapsed();
    let commands = plan.commands().len();
    world.execute(&Actor::System, plan.batch, at()).unwrap();
    let written = started.elapsed();
    println!(
        "{USERS} users: checked and dry-run {commands} commands in {planned:?}, executed as one batch after {written:?}"
    );
    assert_eq!(world.users().len(), USERS);
    assert_eq!(plan.summary.users.created, USERS);
    // Heads and secretariats come with their offices; only the rows are counted.
    assert_eq!(plan.summary.jobs.created, USERS);
    assert_eq!(world.jobs().len(), USERS + 40);

    // And back out: the export has every row.
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let exported = export(&world, out.path()).unwrap();
    println!("exported {} users in {:?}", exported.users, started.elapsed());
    assert_eq!(exported.assignments, USERS);
}

/// Issue #14 item 6: a missing directory, a file given for a directory, and a directory with
/// none of the files are errors, not "nothing to change".
#[tokio::test]
async fn a_missing_or_empty_directory_is_an_error() {
    let world = empty_world();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    assert!(matches!(check_dir(&missing), Err(TransferError::NoDirectory { .. })));
    let report = plan_import(&world, &missing, &Actor::System, at()).unwrap_err();
    assert_eq!(report.problems.len(), 1);
    assert!(report.problems[0].message.starts_with("no such directory"), "{report}");
    assert!(matches!(check_dir(dir.path()), Err(TransferError::NoFiles { .. })));
    write(dir.path(), "notes.txt", "not a CSV file");
    assert!(matches!(
        check_dir(&dir.path().join("notes.txt")),
        Err(TransferError::NotADirectory { .. })
    ));
    let empty = plan_import(&world, dir.path(), &Actor::System, at()).unwrap_err();
    assert!(empty.to_string().contains("nothing to import"), "{empty}");

    // Through the server too: refused, nothing written.
    let (state, store) = testing::state(at());
    demo::load(&state).await.unwrap();
    let audit = store.audit().len();
    let revision = state.revision();
    let error = import(&state, &missing, Actor::System, |_, _| {}).await.unwrap_err();
    assert!(matches!(error, ImportError::Rejected(_)), "{error}");
    // Nothing written by the import (the demo's own background work may still add records).
    assert_eq!(state.revision(), revision);
    let records = store.audit();
    assert!(
        records[audit..].iter().all(|r| !r
            .context
            .application
            .as_deref()
            .is_some_and(|a| a.starts_with("adam-import"))),
        "the refused import wrote audit records"
    );

    // One file alone is fine: the others mean "nothing of that kind".
    write(dir.path(), "users.csv", "username,first_name,last_name,email\n");
    assert_eq!(check_dir(dir.path()).unwrap(), vec!["users.csv"]);
}

/// Issue #14 item 6: the dry run and the import count the same rows, each once, and the
/// progress ends at that count; the operator is named in every audit record of the import.
#[tokio::test]
async fn the_dry_run_and_the_import_count_the_same_rows_and_name_the_operator() {
    let (source, _) = demo::world(at()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export(&source, dir.path()).unwrap();
    let lines: usize = FILES
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap().lines().count() - 1)
        .sum();

    let (state, store) = testing::state(at());
    state
        .execute_as(Actor::System, state.context(Actor::System, None), Command::Initialise)
        .await
        .unwrap();
    let plan = plan_import(&state.world(), dir.path(), &Actor::System, at()).unwrap();
    assert_eq!(plan.rows, lines);
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let before = store.audit().len();
    let done = import_by(&state, dir.path(), Actor::System, Some("jana\n(forged)"), |d, t| {
        calls.push((d, t))
    })
    .await
    .unwrap();
    assert_eq!(done.rows, lines);
    assert_eq!(calls.last(), Some(&(lines, lines)));
    assert!(calls.iter().all(|(d, t)| d <= t && *t == lines), "{calls:?}");
    let records = store.audit();
    assert!(records.len() > before);
    assert!(
        records[before..]
            .iter()
            .all(|r| r.context.application.as_deref() == Some("adam-import (operator janaforged)")),
        "{:?}",
        records[before].context
    );
    assert_eq!(application(None), APPLICATION);
    assert_eq!(application(Some("  ")), APPLICATION);
}
