//! Access reviews and the follow-ups of job changes (issue #15; Decree Art. 51(1), 51(4)).

use crate::common::*;
use adam_core::register::inventory::{ItemFields, ItemKind};
use adam_core::register::review::{Cause, Outcome, Under};
use adam_core::*;

fn system_of(custodian: UserId, app: AppId, town: &mut Town) -> ItemId {
    let fields = ItemFields {
        code: Code::parse("code", "VPP-SYS").unwrap(),
        name: text("VPP"),
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
        application: Some(app),
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    };
    match sys(
        &mut town.w,
        Command::CreateItem {
            kind: ItemKind::System,
            fields,
        },
    ) {
        Some(Created::Item(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn start(actor: UserId, system: ItemId, town: &mut Town) -> ReviewId {
    match run_as(
        &mut town.w,
        &Actor::user(actor),
        Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    )
    .created
    {
        Some(Created::Review(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn decide(under: Under, grant: GrantId, outcome: Outcome) -> Command {
    Command::DecideGrant {
        under,
        grant,
        outcome,
        comment: Some(text("pregled 2026")),
    }
}

#[test]
fn a_campaign_lists_every_grant_reaching_the_application_and_only_the_custodian_decides() {
    let mut town = town();
    let system = system_of(town.leon, town.vpp, &mut town);
    // leader.main contains VPP.view_all_documents: its grant to LEADER.KZUP reaches VPP, as
    // do the grants of VPP.write (to everyone) and of VPP.view_all_documents to a user.
    let direct = grant(&mut town.w, town.view_all, Grantee::User(town.uros));
    let review = start(town.leon, system, &mut town);
    let r = town.w.access_review(review).unwrap().clone();
    assert_eq!(r.reviewer, town.leon);
    let expected = town.w.grants_reaching(town.vpp);
    let listed: Vec<GrantId> = r.lines.iter().map(|l| l.grant).collect();
    assert_eq!(listed, expected);
    assert!(listed.contains(&direct));
    assert!(r.lines.iter().any(|l| l.role == town.leader_main));
    assert!(r.lines.iter().any(|l| l.grantee == Grantee::Everyone));
    assert!(
        !r.lines.iter().any(|l| l.role == town.role_glpi),
        "GLPI reaches VOPI, not VPP"
    );
    // Only the custodian decides; not the system administrator, not the grantee.
    for someone in [town.admin, town.uros] {
        let e = refused(
            &town.w,
            Actor::user(someone),
            decide(Under::Review(review), direct, Outcome::Revoked),
        );
        assert_eq!(e, RegisterError::NotReviewer { reviewer: town.leon }.into());
    }
    // Adding a file to the review is refused with words about adding files, under the same
    // problem type.
    let e = refused(
        &town.w,
        Actor::user(town.uros),
        Command::AttachFile {
            to: adam_core::attachment::Attachable::Review(review),
            file: crate::hosting::doc("minutes"),
        },
    );
    assert_eq!(e, RegisterError::NotReviewerToAttach { reviewer: town.leon }.into());
    assert_eq!(e.code(), "not-reviewer");
    assert!(e.to_string().contains("add files"), "{e}");
    let e = refused(
        &town.w,
        Actor::user(town.leon),
        decide(Under::Review(review), GrantId(9999), Outcome::Confirmed),
    );
    assert_eq!(e.code(), "not-under-review");
    // A revocation removes the grant in the same revision, and the decision is kept.
    let plan = run_as(
        &mut town.w,
        &Actor::user(town.leon),
        decide(Under::Review(review), direct, Outcome::Revoked),
    );
    assert!(plan.events.contains(&Event::GrantRemoved(direct)));
    assert!(town.w.grant(direct).is_err());
    assert_eq!(plan.action, "access_review.revoke");
    let e = refused(
        &town.w,
        Actor::user(town.leon),
        decide(Under::Review(review), direct, Outcome::Confirmed),
    );
    assert_eq!(e, RegisterError::AlreadyDecided(direct).into());
    assert_eq!(town.w.access_review(review).unwrap().completed_at, None);
    for g in listed.iter().filter(|g| **g != direct) {
        run_as(
            &mut town.w,
            &Actor::user(town.leon),
            decide(Under::Review(review), *g, Outcome::Confirmed),
        );
    }
    let done = town.w.access_review(review).unwrap();
    assert_eq!(done.completed_at, Some(t(NOW)));
    assert_eq!(done.decided(), done.lines.len());
    assert!(!done.overdue(LocalDate::new(2027, 1, 1).unwrap()));
}

#[test]
fn a_system_without_an_application_has_nothing_to_review_and_strangers_start_nothing() {
    let mut town = town();
    let system = system_of(town.leon, town.vpp, &mut town);
    let e = refused(
        &town.w,
        Actor::user(town.uros),
        Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    );
    assert_eq!(e.code(), "not-item-keeper");
    let mut f = town.w.item(system).unwrap().fields.clone();
    f.application = None;
    sys(
        &mut town.w,
        Command::UpdateItem {
            item: system,
            fields: f,
        },
    );
    let e = refused(
        &town.w,
        Actor::user(town.leon),
        Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    );
    assert_eq!(e, RegisterError::NoApplication(system).into());
}

#[test]
fn leaving_a_job_or_deactivation_opens_a_follow_up_of_the_persons_direct_grants_at_once() {
    let mut town = town();
    let system = system_of(town.leon, town.vpp, &mut town);
    let _ = system;
    let direct = grant(&mut town.w, town.view_all, Grantee::User(town.ana));
    let before = town.w.follow_ups().len();
    let plan = sys(
        &mut town.w,
        Command::UnassignJob {
            user: town.ana,
            job: town.ana_job,
        },
    );
    let _ = plan;
    let f = town.w.follow_ups()[before].clone();
    assert_eq!(f.user, town.ana);
    assert_eq!(
        f.cause,
        Cause::LeftJobs {
            jobs: vec![town.ana_job]
        }
    );
    assert_eq!(f.at, t(NOW));
    assert_eq!(f.lines.iter().map(|l| l.grant).collect::<Vec<_>>(), vec![direct]);
    // The custodian of the system the grant reaches decides; a bystander may not.
    let under = Under::FollowUp(f.id);
    let e = refused(&town.w, Actor::user(town.uros), decide(under, direct, Outcome::Revoked));
    assert_eq!(e, RegisterError::NotConcerned(direct).into());
    run_as(
        &mut town.w,
        &Actor::user(town.leon),
        decide(under, direct, Outcome::Revoked),
    );
    assert!(town.w.follow_up(f.id).unwrap().resolved());
    assert!(town.w.grant(direct).is_err());
    // A deactivation opens one too; a person without direct grants opens none.
    let kept = grant(&mut town.w, town.view_all, Grantee::User(town.cene));
    sys(
        &mut town.w,
        Command::SetUserActive {
            user: town.cene,
            active: false,
        },
    );
    let last = town.w.follow_ups().last().unwrap();
    assert_eq!((last.user, &last.cause), (town.cene, &Cause::Deactivated));
    assert_eq!(last.lines[0].grant, kept);
    let n = town.w.follow_ups().len();
    sys(
        &mut town.w,
        Command::SetUserActive {
            user: town.dora,
            active: false,
        },
    );
    assert_eq!(town.w.follow_ups().len(), n);
}

/// Plans and commits `command` as `actor`, keeping the change as the store's log would. Each
/// change is a minute after the one before: the register drops a right that lived no time.
fn logged(town: &mut Town, log: &mut Vec<LoggedChange>, actor: Actor, command: Command) -> Option<Created> {
    let at = Timestamp(t(NOW).0 + 60 * log.len() as i64);
    let plan = town.w.plan(&actor, command, at).unwrap();
    let created = plan.created;
    let change = plan.change_set();
    log.push(LoggedChange {
        revision: change.revision,
        at,
        actor,
        events: change.events,
    });
    town.w.commit(plan).unwrap();
    created
}

#[test]
fn the_rights_register_names_the_review_or_follow_up_that_revoked_a_right() {
    let mut town = town();
    let system = system_of(town.leon, town.vpp, &mut town);
    let (ana, leon) = (town.ana, Actor::user(town.leon));
    // The log from here on, opened by Ana's account as it stands (the register needs it).
    let mut log = vec![LoggedChange {
        revision: town.w.revision(),
        at: t(NOW),
        actor: Actor::System,
        events: vec![Event::User(town.w.user(ana).unwrap().clone())],
    }];
    let grant_to_ana = |role: RoleId, town: &mut Town, log: &mut Vec<LoggedChange>| {
        let command = Command::Grant {
            role,
            grantee: Grantee::User(ana),
            window: Window::ALWAYS,
            scope: None,
            reference: None,
        };
        match logged(town, log, Actor::System, command) {
            Some(Created::Grant(g)) => g,
            other => panic!("{other:?}"),
        }
    };
    let by_review = grant_to_ana(town.view_all, &mut town, &mut log);
    let by_follow_up = grant_to_ana(town.leader_main, &mut town, &mut log);
    let by_hand = grant_to_ana(town.role_glpi, &mut town, &mut log);
    // The campaign revokes one and confirms the other.
    let review = match logged(
        &mut town,
        &mut log,
        leon,
        Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    ) {
        Some(Created::Review(id)) => id,
        other => panic!("{other:?}"),
    };
    logged(
        &mut town,
        &mut log,
        leon,
        decide(Under::Review(review), by_review, Outcome::Revoked),
    );
    logged(
        &mut town,
        &mut log,
        leon,
        decide(Under::Review(review), by_follow_up, Outcome::Confirmed),
    );
    // Ana leaves her job: the follow-up revokes the confirmed one; the third is revoked by hand.
    let job = town.ana_job;
    logged(
        &mut town,
        &mut log,
        Actor::System,
        Command::UnassignJob { user: ana, job },
    );
    let follow_up = town.w.follow_ups().last().unwrap().id;
    logged(
        &mut town,
        &mut log,
        leon,
        decide(Under::FollowUp(follow_up), by_follow_up, Outcome::Revoked),
    );
    logged(&mut town, &mut log, Actor::System, Command::Revoke { grant: by_hand });

    let register = rights::rights_of(ana, &log, &|_| None);
    let revoked = |g: GrantId| {
        register
            .iter()
            .find(|r| r.grant == g)
            .and_then(|r| r.revoked.clone())
            .unwrap()
    };
    let reference = town.w.access_review(review).unwrap().reference();
    assert_eq!(reference, format!("access-review#{}", review.0));
    assert_eq!(revoked(by_review).reference, Some(reference));
    assert_eq!(revoked(by_review).by, leon);
    assert_eq!(
        revoked(by_follow_up).reference,
        Some(format!("follow-up#{}", follow_up.0))
    );
    // Revoked by hand: no reference, and the revocation serialises as it always did.
    let plain = revoked(by_hand);
    assert_eq!(plain.reference, None);
    let json = serde_json::to_value(&plain).unwrap();
    let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["at", "by", "revision"]);
    let json = serde_json::to_value(revoked(by_review)).unwrap();
    assert_eq!(json["reference"], format!("access-review#{}", review.0));
}
