//! The demo's continuity register (issue #18): the town's continuity plan, the BIA and backup
//! plan of the document system (VOPI) and the archive (DAPA), a passed failover drill of VOPI
//! with its measured RTO and RPO, a restore test of DAPA too long ago (so "restore overdue"
//! shows), and the management's acceptance of DAPA's RPO — so `adam serve --demo` has a live
//! continuity page. Recorded by the information-security lead, as the register's keeper.

use super::executor::Executor;
use super::inventory::Inventory;
use super::steps::{Steps, text};
use adam_core::register::continuity::*;
use adam_core::{Actor, Command, Error, LocalDate, Timestamp};

fn prose(s: &str) -> Result<Prose, Error> {
    Prose::parse("text", s)
}

fn span(s: &str) -> Result<Span, Error> {
    Span::parse(s).map_err(Error::from)
}

fn backup(scope: &str, frequency: &str, locations: &str, retention: &str, days: u16) -> Result<BackupPlan, Error> {
    Ok(BackupPlan {
        scope: text(scope)?,
        frequency: text(frequency)?,
        locations: text(locations)?,
        retention: text(retention)?,
        procedure: prose("Operativno navodilo OP-12: izdelava, hramba in obnova varnostnih kopij.")?,
        protected_like_original: true,
        protection_note: Some(text("Šifrirano, dostop le skrbnikom sistema")?),
        restore_test_days: days,
    })
}

/// Records the register.
pub(super) async fn continuity<X: Executor>(
    s: &mut Steps<'_, X>,
    at: Timestamp,
    inv: Inventory,
) -> Result<(), X::Error> {
    let lead = Actor::user(inv.security_lead);
    let mayor = s.user("vopikzup01")?;
    let today = LocalDate::of(at);
    let day = |n: i64| today.plus_days(n);
    let noon = |n: i64| day(n).start().plus_seconds(10 * 3600);
    s.act(
        lead,
        Command::RecordContinuityPlan {
            fields: PlanFields {
                roles: prose("Krizni štab: župan (vodja), vodja informacijske varnosti, skrbniki sistemov; namestniki so določeni.")?,
                functions: prose("Sprejem in evidentiranje dokumentov (VOPI), arhiv (DAPA), prostorski akti (VPP).")?,
                risk: prose("Ocena tveganj občine, zadnja posodobitev ob sprejemu načrta.")?,
                risk_assessment: None,
                measures: prose("Nočne varnostne kopije na drugi lokaciji, rezervni strežnik, dva ponudnika povezav.")?,
                emergency: prose("Klicna veriga, zbirno mesto v sejni sobi, rezervni prostor v KS Center.")?,
                recovery: prose("Obnova po vrstnem redu kritičnosti: VOPI, nato DAPA, nato VPP.")?,
                adopted: day(-120),
                approver: mayor,
                next_review: None,
            },
        },
    )
    .await?;
    s.act(
        lead,
        Command::SetBia {
            system: inv.vopi_system,
            fields: BiaFields {
                criticality: Criticality::Critical,
                rto: Some(span("4h")?),
                rpo: Some(span("15min")?),
                mtd: Some(span("1d")?),
                costs: vec![
                    DowntimeCost {
                        after: span("4h")?,
                        cost: text("zamude rokov, 500 EUR")?,
                    },
                    DowntimeCost {
                        after: span("1d")?,
                        cost: text("zastoj upravnih postopkov, 5.000 EUR in ugled")?,
                    },
                ],
                dependencies: vec![inv.dapa_system],
                backup: Some(backup(
                    "Baza VOPI in priponke",
                    "Vsako noč, dnevnik transakcij vsakih 15 minut",
                    "Strežniška soba KS Center",
                    "30 dni, mesečne kopije 1 leto",
                    90,
                )?),
            },
        },
    )
    .await?;
    s.act(
        lead,
        Command::SetBia {
            system: inv.dapa_system,
            fields: BiaFields {
                criticality: Criticality::Vital,
                rto: Some(span("1d")?),
                rpo: Some(span("1d")?),
                mtd: Some(span("3d")?),
                costs: vec![],
                dependencies: vec![],
                backup: Some(backup(
                    "Arhivsko gradivo in metapodatki",
                    "Tedensko",
                    "Pokrajinski arhiv Koper, ločen požarni sektor",
                    "10 let",
                    180,
                )?),
            },
        },
    )
    .await?;
    let participants = vec![
        Participant {
            name: text("Informatika Primorska d.o.o.")?,
            role: ParticipantRole::Operator,
        },
        Participant {
            name: text("vopiglpi01")?,
            role: ParticipantRole::Custodian,
        },
        Participant {
            name: text("vopiglpi02")?,
            role: ParticipantRole::User,
        },
    ];
    // A drill of VOPI: RTO met, RPO not quite.
    s.act(
        lead,
        Command::RecordContinuityTest {
            fields: TestFields {
                subject: Subject::System(inv.vopi_system),
                kind: TestKind::Drill,
                scenario: Scenario::TotalLoss,
                component: None,
                announced: Some(day(-30)),
                held_at: noon(-14),
                participants,
                measured_rto: Some(span("2h 40min")?),
                measured_rpo: Some(span("20min")?),
                revisions_lost: None,
                duration: Some(span("3h 10min")?),
                passed: true,
                findings: Some(prose(
                    "Klicna veriga je imela dve zastareli številki; zadnji dnevnik se ni prenesel.",
                )?),
                tasks: vec![
                    FollowUpTask {
                        task: text("Posodobiti klicno verigo v načrtu")?,
                        done: true,
                    },
                    FollowUpTask {
                        task: text("Prenos dnevnika transakcij vsakih 5 minut")?,
                        done: false,
                    },
                ],
            },
        },
    )
    .await?;
    // VOPI's backups restored last month; DAPA's last restore test is long past its interval.
    for (system, ago) in [(inv.vopi_system, -20), (inv.dapa_system, -400)] {
        s.act(
            lead,
            Command::RecordContinuityTest {
                fields: TestFields {
                    subject: Subject::System(system),
                    kind: TestKind::RestoreTest,
                    scenario: Scenario::PartialLoss,
                    component: Some(text("Podatkovna baza")?),
                    announced: None,
                    held_at: noon(ago),
                    participants: vec![],
                    measured_rto: Some(span("1h 30min")?),
                    measured_rpo: Some(span("12h")?),
                    revisions_lost: None,
                    duration: Some(span("1h 30min")?),
                    passed: true,
                    findings: None,
                    tasks: vec![],
                },
            },
        )
        .await?;
    }
    s.act(
        lead,
        Command::AcceptContinuityRisk {
            fields: AcceptanceFields {
                system: inv.dapa_system,
                target: text("RPO 1d: tedenske kopije arhiva")?,
                approver: mayor,
                date: day(-60),
                reason: prose("Arhivsko gradivo se spreminja redko; dnevne kopije na drugi lokaciji bi stale več, kot je škoda izgube enega tedna vnosa.")?,
            },
        },
    )
    .await?;
    Ok(())
}
