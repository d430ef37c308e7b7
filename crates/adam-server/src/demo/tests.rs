//! Tests of the demo organisation: what it holds, the decisions a records officer would
//! expect, and loading it through the server's write path.

use super::steps::text;
use super::*;
use adam_core::{
    AccountKind, AclKind, Actor, Authority, Carrier, Command, Created, Email, Entity, Error, FolderId, Gender, GrantId,
    Grantee, JobCode, Level, ObjectRef, ObjectState, RoleId, Rule, Session, Source, Timestamp, UserId, Username,
    WindowStatus, World,
};

fn at() -> Timestamp {
    Timestamp::parse("2026-03-02T09:00:00Z").unwrap()
}

fn demo() -> (World, Demo) {
    world(at()).unwrap()
}

fn objects(w: &World) -> Vec<ObjectRef> {
    let folders = w.folders().map(|f| ObjectRef::Folder(f.id));
    folders
        .chain(w.documents().map(|d| ObjectRef::Document(d.id)))
        .collect()
}

#[test]
fn the_demo_builds_in_a_fresh_world() {
    let (w, demo) = demo();
    assert_eq!(w.settings().organisation.as_str(), ORGANISATION);
    assert_eq!(w.offices().len(), 7);
    assert!(w.users().len() >= 19);
    assert_eq!(w.settings().dist_main_role, Some(demo.role_glpi));
    println!(
        "demo at r{}: {} offices, {} jobs, {} users, {} roles, {} grants, {} folders, {} documents, {} entries",
        w.revision().0,
        w.offices().len(),
        w.jobs().len(),
        w.users().len(),
        w.roles().len(),
        w.grants().count(),
        w.folder_count(),
        w.document_count(),
        w.entry_count()
    );
    let admin = w.user(demo.admin).unwrap();
    assert_eq!((admin.username.as_str(), admin.kind), ("admin", AccountKind::Admin));
    assert_eq!(w.user(demo.service).unwrap().kind, AccountKind::SystemUser);
    // Building twice into the same world is refused, not duplicated.
    let mut again = w.clone();
    assert!(matches!(
        build(&mut again, at()),
        Err(Error::Directory(adam_core::DirectoryError::DuplicateCode { .. }))
    ));
}

#[test]
fn every_office_has_its_head_and_secretariat() {
    let (w, demo) = demo();
    for office in w.offices() {
        let jobs: Vec<_> = w.office_jobs(office.id).iter().map(|j| w.job(*j).unwrap()).collect();
        let head = format!("LEADER.{}", office.code);
        let secretariat = format!("TAJNISTVO.{}", office.code);
        assert!(
            jobs.iter()
                .any(|j| j.code.as_str() == head && j.kind == adam_core::JobKind::Head),
            "{} has no head",
            office.code
        );
        assert!(
            jobs.iter()
                .any(|j| j.code.as_str() == secretariat && j.kind == adam_core::JobKind::Secretariat),
            "{} has no secretariat",
            office.code
        );
    }
    let glpi = w.office(demo.offices.glpi).unwrap();
    assert_eq!(glpi.signing_code.as_ref().map(|s| s.as_str()), Some("1000"));
    let head = w.job(demo.head_glpi).unwrap();
    assert_eq!(head.code.as_str(), "LEADER.GLPI");
    assert_eq!(head.signing_code.as_ref().map(|s| s.as_str()), Some("1001"));
    assert_eq!(w.job_label(head), "1001 - LEADER.GLPI");
    assert_eq!(w.job_occupants(demo.head_glpi), &[demo.user_admin]);
    assert_eq!(
        w.office(demo.offices.un_property).unwrap().parent,
        Some(demo.offices.un)
    );
}

#[test]
fn the_role_graph_is_at_least_three_deep() {
    fn depth(w: &World, role: RoleId) -> usize {
        1 + w
            .role(role)
            .unwrap()
            .members
            .iter()
            .map(|m| depth(w, *m))
            .max()
            .unwrap_or(0)
    }
    let (w, demo) = demo();
    let deepest = w.roles().iter().map(|r| depth(&w, r.id)).max().unwrap();
    assert!(deepest >= 4, "the deepest chain has {deepest} roles");
    let glpi = w.role(demo.role_glpi).unwrap();
    let mut members: Vec<_> = glpi
        .members
        .iter()
        .map(|m| w.role(*m).unwrap().code.to_string())
        .collect();
    members.sort();
    assert_eq!(members, ["VIP/GLPI", "VOPI/GLPI", "VVP/GLPI"]);
    assert_eq!(w.role(demo.leader_main).unwrap().members, vec![demo.vpp_view_all]);
    let vopi = w.application(demo.vopi).unwrap();
    assert_eq!(vopi.writer_role, Some(demo.vopi_writer));
    let fpr = w.role_by_code("FPR.view_all_documents").unwrap();
    assert_eq!(w.role(fpr).unwrap().object_level, Some(Level::View14));
    // The head of the main office holds VOPI's writing role four levels down.
    assert!(w.check_role(demo.user_admin, demo.vopi_writer, at()).unwrap().is_some());
}

#[test]
fn grants_are_waiting_active_and_expired_at_the_build_instant() {
    let (w, demo) = demo();
    let status = |g: GrantId| w.grant(g).unwrap().window.status(demo.at);
    assert_eq!(status(demo.waiting_grant), WindowStatus::Waiting);
    assert_eq!(status(demo.expired_grant), WindowStatus::Expired);
    let waiting = w.grant(demo.waiting_grant).unwrap();
    assert_eq!(w.role(waiting.role).unwrap().code.as_str(), "VOPI_stranka_fin");
    assert_eq!(waiting.grantee, Grantee::Job(demo.head_glpi));
    let windowed_active = w
        .grants()
        .any(|g| !g.window.is_always() && g.window.status(demo.at) == WindowStatus::Active);
    assert!(windowed_active);
    let stranka_fin = waiting.role;
    assert!(w.check_role(demo.user_admin, stranka_fin, demo.at).unwrap().is_none());
    assert!(
        w.check_role(demo.user_admin, stranka_fin, demo.at.plus_days(31))
            .unwrap()
            .is_some()
    );
    // Grants reach users, jobs, offices and everyone.
    let kinds: std::collections::BTreeSet<&str> = w
        .grants()
        .map(|g| match g.grantee {
            Grantee::User(_) => "user",
            Grantee::Job(_) => "job",
            Grantee::Office(_) => "office",
            Grantee::Everyone => "everyone",
        })
        .collect();
    assert_eq!(kinds.len(), 4);
}

#[test]
fn folders_span_every_secrecy_level_and_several_workflow_states() {
    let (w, demo) = demo();
    let levels: std::collections::BTreeSet<u8> = w.folders().map(|f| f.classification.z.value()).collect();
    assert_eq!(levels.into_iter().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    let states: std::collections::HashSet<ObjectState> = w
        .folders()
        .map(|f| f.workflow.state)
        .chain(w.documents().map(|d| d.workflow.state))
        .collect();
    assert_eq!(states.len(), 3);
    let f = &demo.folders;
    let state = |id: FolderId| w.folder(id).unwrap().workflow.state;
    assert_eq!(state(f.expropriation), ObjectState::HandedOver);
    assert_eq!(state(f.ministry_letter), ObjectState::Closed);
    assert_eq!(state(f.spatial_plan), ObjectState::Open);
    let doc = w.document(demo.documents.land_register_extract).unwrap();
    assert_eq!((doc.workflow.state, doc.workflow.recipient), (ObjectState::Open, None));
    // Class-level entries exist, and the notified job got 14 on the land-sale folder.
    for class in demo.classes_with_entries {
        assert!(!w.acl(Carrier::Class(class)).unwrap().is_empty());
    }
    let notified = w.job_by_code("JOB.0280").unwrap();
    assert!(
        w.acl(Carrier::Folder(f.land_sale))
            .unwrap()
            .iter()
            .any(|e| e.entity == Entity::Job(notified) && e.kind == AclKind::Allowed && e.value == Level::View14)
    );
}

#[test]
fn after_an_accept_only_the_responsible_may_edit() {
    let (w, demo) = demo();
    let doc = w.document(demo.documents.purchase_request).unwrap();
    assert_eq!(doc.workflow.responsible, Some(demo.job_0276));
    assert_eq!(doc.workflow.sender, w.job_by_code("JOB.0277").ok());
    let acl = w.acl(Carrier::Document(doc.id)).unwrap();
    assert!(
        acl.iter()
            .filter(|e| e.is_edit_level())
            .all(|e| e.entity == Entity::Responsible)
    );
    let mut entries: Vec<String> = acl.iter().map(ToString::to_string).collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            "allowed [responsible] 22 14",
            "allowed [sender] 14 14",
            "maxAllowed Company.main 14 14",
            "maxAllowed [responsible] 22 14",
        ]
    );
    // The registered letter is read-only for all but the main office.
    let letter = w.acl(Carrier::Document(demo.documents.ministry_letter)).unwrap();
    assert!(
        letter
            .iter()
            .any(|e| e.kind == AclKind::MaxAllowed && e.entity == Entity::DistMain)
    );
}

#[test]
fn decisions_a_records_officer_would_expect() {
    let (w, demo) = demo();
    let (d, f) = (&demo.documents, &demo.folders);
    let level = |u: UserId, o: ObjectRef| w.check(u, o, demo.at, Session::MFA).unwrap();

    // The admin account reaches no folder or document.
    for o in objects(&w) {
        assert_eq!(level(demo.admin, o), Level::None, "{o}");
        let why = w.explain(demo.admin, o, demo.at, Session::MFA).unwrap();
        assert_eq!(why.rule, Some(Rule::AdminAccount));
    }
    // A plain clerk of TOK cannot see the Z2 file of UN: not cleared.
    let expropriation = ObjectRef::Folder(f.expropriation);
    assert_eq!(level(demo.clerk, expropriation), Level::None);
    assert!(matches!(
        w.explain(demo.clerk, expropriation, demo.at, Session::MFA)
            .unwrap()
            .rule,
        Some(Rule::Clearance { .. })
    ));
    // The pending recipient (head of UN) can look before accepting.
    let head_un = w.user_by_username("vopiun01").unwrap();
    assert_eq!(level(head_un, expropriation), Level::Edit21);
    // The recipient of an accepted document has 22 on it; the sender keeps 14.
    assert_eq!(
        level(demo.recipient, ObjectRef::Document(d.purchase_request)),
        Level::Edit22
    );
    assert_eq!(
        level(demo.un_clerk, ObjectRef::Document(d.purchase_request)),
        Level::View14
    );
    // The mayor with leader.main sees VPP documents at 14 through VPP.view_all_documents;
    // a clerk elsewhere sees the Z1 plan at the default view 13.
    let plan = ObjectRef::Document(d.plan_draft);
    assert_eq!(level(demo.mayor, plan), Level::View14);
    let why = w.explain(demo.mayor, plan, demo.at, Session::MFA).unwrap();
    assert!(why.grants.iter().any(|c| matches!(
        c.source,
        Source::ApplicationRole { role, .. } if role == demo.vpp_view_all
    )));
    assert_eq!(level(demo.clerk, plan), Level::View13);
    // The mayor's Z3 file: the mayor with a second factor only.
    let secret = ObjectRef::Folder(f.security_assessment);
    assert_eq!(level(demo.mayor, secret), Level::Edit22);
    assert_eq!(
        w.check(demo.mayor, secret, demo.at, Session::PASSWORD).unwrap(),
        Level::None
    );
    let cabinet_head = w.user_by_username("vopikzup03").unwrap();
    assert_eq!(level(cabinet_head, secret), Level::None);
    // The closed letter is read-only, even for its responsible; the main office's sender
    // keeps 14 and only the main office may reopen it.
    let letter = ObjectRef::Folder(f.ministry_letter);
    let irena = w.user_by_username("vopikzup02").unwrap();
    assert_eq!(level(irena, letter), Level::View14);
    assert_eq!(level(demo.registry_clerk, letter), Level::View14);
    let reopen = Command::Reopen { object: letter };
    assert!(w.plan(&Actor::user(demo.user_admin), reopen.clone(), demo.at).is_ok());
    assert!(matches!(
        w.plan(&Actor::user(irena), reopen, demo.at),
        Err(Error::Filing(adam_core::FilingError::NotDistMain))
    ));
    // The deactivated clerk reaches nothing.
    assert_eq!(level(demo.deactivated, ObjectRef::Folder(f.land_sale)), Level::None);
    // The UN office sees the real-estate files through the class entry.
    let un_head_on_sale = w
        .explain(head_un, ObjectRef::Folder(f.land_sale), demo.at, Session::MFA)
        .unwrap();
    assert!(un_head_on_sale.level >= Level::View13);
}

#[test]
fn user_administrators_act_within_their_scope() {
    let (w, demo) = demo();
    assert_eq!(
        w.authority(&Actor::user(demo.user_admin), demo.at).unwrap(),
        Authority::UserAdmin(vec![None])
    );
    assert_eq!(
        w.authority(&Actor::user(demo.un_user_admin), demo.at).unwrap(),
        Authority::UserAdmin(vec![Some(demo.offices.un)])
    );
    assert_eq!(
        w.authority(&Actor::user(demo.clerk), demo.at).unwrap(),
        Authority::Browse
    );
    assert_eq!(w.authority(&Actor::user(demo.admin), demo.at).unwrap(), Authority::Full);
    let job = |office| Command::CreateJob {
        code: JobCode::parse("code", "JOB.9999").unwrap(),
        signing_code: None,
        name: text("Novo delovno mesto").unwrap(),
        office,
    };
    let un_admin = Actor::user(demo.un_user_admin);
    assert!(w.plan(&un_admin, job(demo.offices.un_property), demo.at).is_ok());
    assert!(matches!(
        w.plan(&un_admin, job(demo.offices.tok), demo.at),
        Err(Error::Authority(adam_core::AuthorityError::OutsideScope(_)))
    ));
    assert!(
        w.plan(&Actor::user(demo.user_admin), job(demo.offices.tok), demo.at)
            .is_ok()
    );
    // The two-step deletion left both records in place.
    assert!(!w.user(demo.deactivated).unwrap().active);
    assert!(!w.job(w.job_by_code("JOB.0278").unwrap()).unwrap().valid);
}

#[tokio::test]
async fn loading_keeps_an_admin_account_the_installation_made() {
    let (state, _dir) = testing::state(at());
    let context = state.context(Actor::System, None);
    let command = Command::CreateUser {
        username: Username::parse("username", "admin").unwrap(),
        kind: AccountKind::Admin,
        title: None,
        first_name: text("Operater").unwrap(),
        last_name: text("Sistema").unwrap(),
        gender: Gender::Unspecified,
        email: Email::parse("email", "admin@3port.example").unwrap(),
        phone: None,
        jobs: Vec::new(),
    };
    let made = state.execute_as(Actor::System, context, command).await.unwrap();
    let demo = load(&state).await.unwrap();
    assert_eq!(made.created, Some(Created::User(demo.admin)));
    assert_eq!(
        state
            .world()
            .users()
            .iter()
            .filter(|u| u.kind == AccountKind::Admin)
            .count(),
        1
    );
}

#[tokio::test]
async fn loading_through_the_write_path_gives_the_same_world_and_an_audit_trail() {
    let (state, store) = testing::state(at());
    let loaded = load(&state).await.unwrap();
    let (built, demo) = demo();
    assert_eq!(loaded, demo);
    assert_eq!(testing::fingerprint(&state.world()), testing::fingerprint(&built));
    // The store alone rebuilds the same world.
    assert_eq!(
        testing::fingerprint(&store.load().unwrap()),
        testing::fingerprint(&built)
    );
    let audit = store.audit();
    assert!(!audit.is_empty());
    assert!(
        audit
            .iter()
            .all(|r| r.context.application.as_deref() == Some(APPLICATION))
    );
    assert!(
        audit
            .iter()
            .any(|r| r.action == "workflow.accept" && r.context.actor == Actor::in_job(demo.recipient, demo.job_0276))
    );
    // A second load is refused: the organisation is no longer empty.
    let again = load(&state).await.unwrap_err();
    assert_eq!(again.code, "demo-not-empty");
}

#[test]
fn the_demo_inventory_has_custodians_classes_an_overdue_review_and_a_system_below_its_floor() {
    use adam_core::register::inventory::ItemKind;
    let (w, demo) = demo();
    let inv = demo.inventory;
    let today = adam_core::LocalDate::of(at());
    let systems: Vec<_> = w.items().iter().filter(|i| i.kind == ItemKind::System).collect();
    // The town's four, and the four solutions hosted on DRO (OPSI, E2, EVEM, EKT).
    assert_eq!(systems.len(), 8);
    // Every item has an active custodian, and every class was set by that custodian.
    for i in w.items() {
        assert!(w.user(i.fields.custodian).unwrap().active, "{}", i.fields.code);
        if let Some(c) = &i.classified {
            assert_eq!(c.by, i.fields.custodian, "{}", i.fields.code);
        }
    }
    let overdue: Vec<_> = w
        .items()
        .iter()
        .filter(|i| i.review_overdue(today))
        .map(|i| i.id)
        .collect();
    assert!(overdue.contains(&inv.dapa_system), "{overdue:?}");
    let below: Vec<_> = systems.iter().filter_map(|s| w.below_floor(s)).collect();
    assert_eq!(below.len(), 1, "{below:?}");
    assert_eq!(below[0].system, inv.gis_system);
    assert_eq!(w.item(below[0].asset).unwrap().fields.code.as_str(), "GIS-OWNERS");
    // DAPA's archive is C3: every DAPA object needs a second factor; VPP's is not.
    assert_eq!(
        w.mfa_system_of(w.application_by_code("DAPA").unwrap()),
        Some(inv.dapa_system)
    );
    assert_eq!(w.mfa_system_of(demo.vpp), None);
    assert_eq!(w.system_of_application(demo.vpp), Some(inv.vpp_system));
    // The security lead keeps the registers; the mayor is the head of the body.
    assert!(w.keeps_registers(&Actor::user(inv.security_lead), at()).unwrap());
    assert!(
        w.role_holders()
            .iter()
            .any(|h| h.user == demo.mayor && h.role == adam_core::register::decree_roles::DecreeRole::Head)
    );
}

#[test]
fn the_demo_records_two_outages_of_opsi_for_its_monthly_report() {
    use crate::service::raci_report::{availability, covered_minutes};
    let (w, _) = demo();
    let opsi = w.item_by_code("OPSI-SYS").unwrap();
    let field = |c: &adam_core::process::Case, k: &str| {
        c.fields
            .iter()
            .find(|(key, _)| key.as_str() == k)
            .map(|(_, v)| v.clone())
    };
    let instant = |c: &adam_core::process::Case, k: &str| adam_core::process::moment(field(c, k).as_ref()).unwrap();
    let outages: Vec<&adam_core::process::Case> = w
        .cases()
        .iter()
        .filter(|c| c.process.as_str() == adam_core::process::SECURITY_EVENT)
        .filter(|c| field(c, "affected_system") == Some(adam_core::process::FieldValue::Int(i64::from(opsi.0))))
        .collect();
    assert_eq!(outages.len(), 2);
    let spans: Vec<(Timestamp, Timestamp)> = outages
        .iter()
        .map(|c| (instant(c, "outage_from"), instant(c, "outage_until")))
        .collect();
    let minutes: Vec<i64> = spans.iter().map(|(a, b)| (b.0 - a.0) / 60).collect();
    assert_eq!(minutes, vec![95, 20]);
    assert!(
        spans.iter().all(|(a, _)| *a < at()),
        "recorded before the demo's instant"
    );
    // One incident still being limited, one event closed as no incident.
    assert_eq!(outages[0].current.as_str(), "limit");
    assert_eq!(outages[1].state, adam_core::process::CaseState::Closed);
    // February 2026 (the demo's instant is 2 March): 115 minutes of 40,320.
    let (feb, mar) = (
        Timestamp::parse("2026-01-31T23:00:00Z").unwrap(),
        Timestamp::parse("2026-02-28T23:00:00Z").unwrap(),
    );
    let out = covered_minutes(spans, feb, mar);
    assert_eq!(out, 115);
    assert_eq!(availability(28 * 1440, out), "99.714");
}

#[test]
fn the_demo_solutions_bind_most_roles_to_jobs_and_their_steps_go_to_the_holders() {
    let (w, _) = demo();
    assert_eq!(w.solutions().len(), 4);
    let mut by_job = 0;
    for s in w.solutions() {
        let jobs = s.fields.jobs.pairs().iter().filter(|(_, j)| j.is_some()).count();
        let people = s.fields.people.pairs().iter().filter(|(_, u)| u.is_some()).count();
        assert_eq!((jobs, people), (11, 2), "{}", s.fields.codename);
        // A version in flight whose step belongs to a role bound to a job: its performers are
        // the job's holders now, and the case file is at that job.
        let Some(v) = s.in_flight(|c| w.case(c).ok()) else {
            continue;
        };
        let (case, def) = w.case_with_definition(v.case).unwrap();
        let shipped = adam_core::process::shipped(adam_core::process::DRO_HOSTING)
            .unwrap()
            .version;
        assert_eq!(
            case.version, shipped,
            "the demo's versions run on the shipped dro-hosting"
        );
        let role = def.step(case.current.as_str()).unwrap().performer.clone().unwrap();
        let person = s.fields.people.pairs().into_iter().find(|(r, _)| *r == role.as_str());
        let job = s.fields.jobs.pairs().into_iter().find(|(r, _)| *r == role.as_str());
        if let (Some((_, None)), Some((_, Some(job)))) = (person, job) {
            let holders = w.job_holders(job);
            assert!(!holders.is_empty(), "{}", s.fields.codename);
            assert_eq!(w.performers(case, at()), holders, "{}", s.fields.codename);
            assert_eq!(case.responsible, Some(job), "{}", s.fields.codename);
            by_job += 1;
        }
    }
    assert!(by_job >= 1, "a demo step waits at a job");
}

/// The demo's four solutions stand where its header says, so the board shows every kind of
/// column: OPSI live with 1.1 in development, E2 at the production acceptance, EVEM an
/// exceptional system waiting for the technical board, EKT registered with no version.
#[test]
fn the_demo_solutions_stand_at_their_stages() {
    use crate::service::hosting::Phase;
    let (w, _) = demo();
    let stage = |code: &str| -> (usize, Option<String>) {
        let s = w
            .solutions()
            .iter()
            .find(|s| s.fields.codename.as_str().eq_ignore_ascii_case(code))
            .unwrap_or_else(|| panic!("{code}"));
        let current = s
            .in_flight(|c| w.case(c).ok())
            .map(|v| w.case(v.case).unwrap().current.to_string());
        (s.versions.len(), current)
    };
    let (versions, opsi) = stage("OPSI");
    assert_eq!(versions, 2, "OPSI: 1.0 in production and 1.1");
    assert_eq!(Phase::of_step(opsi.as_deref().unwrap()), Phase::Development, "{opsi:?}");
    let (_, e2) = stage("E2");
    assert_eq!(Phase::of_step(e2.as_deref().unwrap()), Phase::Production, "{e2:?}");
    let (_, evem) = stage("EVEM");
    assert_eq!(evem.as_deref(), Some("board"), "EVEM waits for the technical board");
    assert_eq!(stage("EKT"), (0, None), "EKT: registered, no version yet");
}
