//! The continuity register (Art. 15, 29; issue #18): its rules refuse with specific errors and
//! leave the world untouched, who may write what, the derived "review overdue" and "restore
//! overdue", and the change duty "review the continuity plan" met by a review naming the change.

use crate::common::*;
use crate::governance::approved_change_with;
use crate::inventory::{Inv, inventory};
use adam_core::calendar::LocalDate;
use adam_core::process::DutyKind;
use adam_core::register::continuity::*;
use adam_core::*;
use serde_json::json;

fn day(s: &str) -> LocalDate {
    LocalDate::parse("date", s).unwrap()
}

fn span(s: &str) -> Span {
    Span::parse(s).unwrap()
}

fn prose(s: &str) -> Prose {
    Prose::parse("text", s).unwrap()
}

fn plan_fields(approver: UserId) -> PlanFields {
    PlanFields {
        roles: prose("Vodja krize, skrbniki sistemov."),
        functions: prose("Sprejem vlog, arhiv."),
        risk: prose("Glej oceno tveganj."),
        risk_assessment: None,
        measures: prose("Varnostne kopije, rezervna lokacija."),
        emergency: prose("Klicna veriga."),
        recovery: prose("Obnova iz kopij."),
        adopted: day("2026-01-15"),
        approver,
        next_review: None,
    }
}

fn bia(criticality: Criticality, rto: Option<&str>, rpo: Option<&str>, mtd: Option<&str>) -> BiaFields {
    BiaFields {
        criticality,
        rto: rto.map(span),
        rpo: rpo.map(span),
        mtd: mtd.map(span),
        costs: vec![],
        dependencies: vec![],
        backup: Some(BackupPlan {
            scope: text("Baza in priloge"),
            frequency: text("Dnevno"),
            locations: text("Druga lokacija"),
            retention: text("30 dni"),
            procedure: prose("Navodilo NV-3."),
            protected_like_original: true,
            protection_note: None,
            restore_test_days: 90,
        }),
    }
}

fn test_fields(subject: Subject, kind: TestKind, passed: bool, held: &str) -> TestFields {
    TestFields {
        subject,
        kind,
        scenario: Scenario::TotalLoss,
        component: None,
        announced: None,
        held_at: t(held),
        participants: vec![],
        measured_rto: Some(span("2h")),
        measured_rpo: Some(span("10min")),
        revisions_lost: None,
        duration: Some(span("3h")),
        passed,
        findings: (!passed).then(|| prose("Obnova ni uspela.")),
        tasks: vec![],
    }
}

#[test]
fn the_bia_rules_refuse_with_their_own_errors_and_change_nothing() {
    let Inv {
        mut town,
        lead,
        vpp_sys,
        parcels,
        archive_sys,
    } = inventory();
    let w = &mut town.w;
    let as_lead = Actor::user(lead);
    let set = |system, fields| Command::SetBia { system, fields };
    let cases = [
        (
            set(vpp_sys, bia(Criticality::Vital, None, Some("1h"), None)),
            "continuity-targets-missing",
        ),
        (
            set(vpp_sys, bia(Criticality::Critical, Some("4h"), None, None)),
            "continuity-targets-missing",
        ),
        (
            set(vpp_sys, bia(Criticality::Vital, Some("8h"), Some("1h"), Some("4h"))),
            "rto-over-mtd",
        ),
        (
            set(parcels, bia(Criticality::Sensitive, None, None, None)),
            "continuity-not-a-system",
        ),
        (
            set(ItemId(999), bia(Criticality::Sensitive, None, None, None)),
            "unknown-item",
        ),
    ];
    for (command, code) in cases {
        assert_eq!(refused(w, as_lead, command).code(), code);
    }
    let mut own = bia(Criticality::Sensitive, None, None, None);
    own.dependencies = vec![vpp_sys];
    assert_eq!(refused(w, as_lead, set(vpp_sys, own)).code(), "bia-self-dependency");
    let mut zero = bia(Criticality::Sensitive, None, None, None);
    zero.backup.as_mut().unwrap().restore_test_days = 0;
    assert_eq!(
        refused(w, as_lead, set(vpp_sys, zero)).code(),
        "restore-interval-out-of-range"
    );
    // Someone who neither keeps the register nor runs the system.
    let e = refused(
        w,
        Actor::user(town.cene),
        set(vpp_sys, bia(Criticality::Sensitive, None, None, None)),
    );
    assert_eq!(e.code(), "not-continuity-writer");
    assert!(e.message(lang::Lang::Sl).contains("skrbnik"), "{e}");

    // The custodian sets the BIA of her system; it is one record per system, changed in place.
    let ana = Actor::user(town.ana);
    let mut good = bia(Criticality::Vital, Some("4h"), Some("1h"), Some("1d"));
    good.dependencies = vec![archive_sys];
    let first = run_as(w, &ana, set(vpp_sys, good.clone())).created;
    let Some(Created::Bia(id)) = first else {
        panic!("{first:?}")
    };
    assert_eq!(refused(w, ana, set(vpp_sys, good.clone())).code(), "no-change");
    good.rto = Some(span("2h"));
    assert_eq!(run_as(w, &ana, set(vpp_sys, good)).created, None);
    assert_eq!(w.bias().len(), 1);
    assert_eq!(w.bia_of(vpp_sys).unwrap().id, id);
    assert_eq!(w.bia_of(vpp_sys).unwrap().fields.rto.unwrap().to_string(), "2h");
}

#[test]
fn tests_are_checked_and_a_simulation_needs_its_three_roles() {
    let Inv {
        mut town,
        lead,
        vpp_sys,
        ..
    } = inventory();
    let w = &mut town.w;
    let as_lead = Actor::user(lead);
    let record = |fields| Command::RecordContinuityTest { fields };
    let mut partial = test_fields(Subject::System(vpp_sys), TestKind::Drill, true, "2026-02-10T08:00:00Z");
    partial.scenario = Scenario::PartialLoss;
    assert_eq!(refused(w, as_lead, record(partial.clone())).code(), "component-missing");
    partial.component = Some(text("Podatkovna baza"));
    partial.announced = Some(day("2026-02-11"));
    assert_eq!(
        refused(w, as_lead, record(partial.clone())).code(),
        "announced-after-held"
    );
    partial.announced = Some(day("2026-02-01"));
    let mut failed = partial.clone();
    failed.passed = false;
    failed.findings = None;
    assert_eq!(refused(w, as_lead, record(failed)).code(), "findings-missing");
    // ADAM's own tests are the keepers'.
    let adam = test_fields(Subject::Adam, TestKind::RestoreTest, true, "2026-02-10T08:00:00Z");
    assert_eq!(
        refused(w, Actor::user(town.ana), record(adam.clone())).code(),
        "not-continuity-keeper"
    );
    run_as(w, &as_lead, record(adam));
    // A drill without users is incomplete; with them it is not.
    partial.participants = vec![
        Participant {
            name: text("Ana"),
            role: ParticipantRole::Custodian,
        },
        Participant {
            name: text("DRO"),
            role: ParticipantRole::Operator,
        },
    ];
    let Some(Created::ContinuityTest(id)) = run_as(w, &as_lead, record(partial.clone())).created else {
        panic!()
    };
    assert!(w.continuity_test(id).unwrap().incomplete());
    partial.participants.push(Participant {
        name: text("Bojan"),
        role: ParticipantRole::User,
    });
    partial.tasks = vec![FollowUpTask {
        task: text("Dopolniti navodilo za obnovo."),
        done: false,
    }];
    run_as(
        w,
        &as_lead,
        Command::UpdateContinuityTest {
            test: id,
            fields: partial,
        },
    );
    let test = w.continuity_test(id).unwrap();
    assert!(!test.incomplete());
    assert_eq!(test.by, Some(lead));
    assert_eq!(w.tests_of(Subject::System(vpp_sys)).count(), 1);
    assert_eq!(w.tests_of(Subject::Adam).count(), 1);
}

#[test]
fn restore_and_review_overdue_are_derived() {
    let Inv {
        mut town,
        lead,
        vpp_sys,
        archive_sys,
        ..
    } = inventory();
    let w = &mut town.w;
    let as_lead = Actor::user(lead);
    // No plan: overdue (Art. 13 asks for one); a review without a plan is refused.
    assert!(w.plan_status(day("2026-03-02")).review_overdue);
    let review = |date: &str, trigger, change| Command::ReviewContinuityPlan {
        fields: PlanReviewFields {
            date: day(date),
            trigger,
            change,
            reviewer: lead,
            outcome: prose("Brez sprememb."),
            reported_to_head: None,
        },
    };
    assert_eq!(
        refused(w, as_lead, review("2026-03-01", ReviewTrigger::Annual, None)).code(),
        "no-continuity-plan"
    );
    let mut late = plan_fields(lead);
    late.next_review = Some(day("2027-02-01"));
    assert_eq!(
        refused(w, as_lead, Command::RecordContinuityPlan { fields: late }).code(),
        "plan-review-due-too-late"
    );
    assert_eq!(
        refused(
            w,
            Actor::user(town.ana),
            Command::RecordContinuityPlan {
                fields: plan_fields(lead)
            }
        )
        .code(),
        "not-continuity-keeper"
    );
    run_as(
        w,
        &as_lead,
        Command::RecordContinuityPlan {
            fields: plan_fields(lead),
        },
    );
    let s = w.plan_status(day("2026-03-02"));
    assert_eq!(s.review_due, Some(day("2027-01-15")));
    assert!(!s.review_overdue);
    assert!(w.plan_status(day("2027-01-16")).review_overdue);
    run_as(w, &as_lead, review("2027-01-10", ReviewTrigger::Annual, None));
    assert_eq!(w.plan_status(day("2027-01-16")).review_due, Some(day("2028-01-10")));
    assert_eq!(
        refused(w, as_lead, review("2027-01-10", ReviewTrigger::Annual, Some(CaseId(0)))).code(),
        "change-on-annual-review"
    );

    // Restore: the BIA's backup plan asks for a restore test every 90 days.
    run_as(
        w,
        &as_lead,
        Command::SetBia {
            system: vpp_sys,
            fields: bia(Criticality::Vital, Some("4h"), Some("1h"), None),
        },
    );
    assert!(w.restore_status(vpp_sys, day("2026-03-02")).overdue, "never tested");
    assert!(
        !w.restore_status(archive_sys, day("2026-03-02")).overdue,
        "no backup plan"
    );
    let record = |fields| Command::RecordContinuityTest { fields };
    let failed = test_fields(
        Subject::System(vpp_sys),
        TestKind::RestoreTest,
        false,
        "2026-02-20T08:00:00Z",
    );
    run_as(w, &as_lead, record(failed));
    assert!(
        w.restore_status(vpp_sys, day("2026-03-02")).overdue,
        "a failed test does not count"
    );
    let passed = test_fields(
        Subject::System(vpp_sys),
        TestKind::RestoreTest,
        true,
        "2026-02-21T08:00:00Z",
    );
    run_as(w, &as_lead, record(passed));
    let s = w.restore_status(vpp_sys, day("2026-03-02"));
    assert_eq!(s.due, Some(day("2026-05-22")));
    assert!(!s.overdue);
    assert!(w.restore_status(vpp_sys, day("2026-05-23")).overdue);
}

#[test]
fn a_major_change_is_met_by_a_plan_review_naming_it() {
    let mut inv = inventory();
    let (lead, ana, system) = (inv.lead, inv.town.ana, inv.vpp_sys);
    let w = &mut inv.town.w;
    let as_lead = Actor::user(lead);
    run_as(
        w,
        &as_lead,
        Command::RecordContinuityPlan {
            fields: plan_fields(lead),
        },
    );
    let major = approved_change_with(w, system, ana, lead, json!({"major": true}));
    run_as(
        w,
        &Actor::user(ana),
        crate::governance::decide(
            major,
            "implement",
            "done",
            json!({"implementation_record": "Nova različica."}),
        ),
    );
    let duty = |w: &World| {
        let c = w.case(major).unwrap().clone();
        w.change_duties(&c)
            .into_iter()
            .find(|d| d.duty == DutyKind::ContinuityReview)
            .unwrap()
            .met
    };
    assert!(!duty(w));
    let review = |trigger, change| Command::ReviewContinuityPlan {
        fields: PlanReviewFields {
            date: day("2026-03-02"),
            trigger,
            change,
            reviewer: lead,
            outcome: prose("Dopolnjen razdelek o obnovi."),
            reported_to_head: Some(day("2026-03-03")),
        },
    };
    // A yearly review does not meet it; one after a major change naming another case is refused.
    run_as(w, &as_lead, review(ReviewTrigger::Annual, None));
    assert!(!duty(w));
    run_as(w, &as_lead, review(ReviewTrigger::MajorChange, Some(major)));
    assert!(duty(w));
}

#[test]
fn continuity_records_replay_from_the_change_log() {
    let ((w, _), log) = recording(|| {
        let Inv {
            mut town,
            lead,
            vpp_sys,
            ..
        } = inventory();
        let as_lead = Actor::user(lead);
        let w = &mut town.w;
        run_as(
            w,
            &as_lead,
            Command::RecordContinuityPlan {
                fields: plan_fields(lead),
            },
        );
        run_as(
            w,
            &as_lead,
            Command::SetBia {
                system: vpp_sys,
                fields: bia(Criticality::Critical, Some("1h"), Some("5min"), Some("4h")),
            },
        );
        run_as(
            w,
            &as_lead,
            Command::RecordContinuityTest {
                fields: test_fields(Subject::System(vpp_sys), TestKind::Drill, true, "2026-02-21T08:00:00Z"),
            },
        );
        run_as(
            w,
            &as_lead,
            Command::AcceptContinuityRisk {
                fields: AcceptanceFields {
                    system: vpp_sys,
                    target: text("RPO 5min"),
                    approver: lead,
                    date: day("2026-02-22"),
                    reason: prose("Grozd predrag."),
                },
            },
        );
        (town.w, ())
    });
    let mut replayed = World::new(text("Mestna občina Koper"));
    for cs in &log {
        replayed.apply_change_set(cs.clone()).unwrap();
    }
    assert_eq!(
        crate::properties::fingerprint(&replayed),
        crate::properties::fingerprint(&w)
    );
    // Every continuity event round-trips through its register row.
    for e in log.iter().flat_map(|cs| &cs.events) {
        if let Some(row) = e.register_row() {
            let back = Event::from_register_row(row.kind.as_str(), row.id, row.body).unwrap();
            assert_eq!(&back, e);
        }
    }
    assert_eq!(w.risk_acceptances().len(), 1);
}
