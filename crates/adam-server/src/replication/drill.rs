//! A failover drill (Art. 15(3)–(4)) on the standby's side: promote, take the first write,
//! verify the audit trail, and file the result in the continuity register as a drill of ADAM
//! itself — with the measured RTO (the loss → the first accepted write, which is this very
//! record) and RPO (revisions and seconds the promoted standby did not hold).
//!
//! `adam drill` loses the primary (isolates it through its API, or kills its process), tells
//! this server when, and what the primary held last; the rest happens here, so the instants
//! are this server's clock and the record is written by ADAM (the console actor), like the
//! restore tests of its own backups.
//!
//! On PostgreSQL the standby is PostgreSQL's own streaming replica: `adam drill --postgres-…`
//! fences or kills the database's primary and promotes the replica itself, then asks a server
//! (a primary, whose database URL lists both nodes) for the rest: its first accepted write
//! once it has reconnected to the promoted node, the trail verified there, and the record.

use super::{Mode, PositionView, promote};
use crate::error::{ApiResult, WebError};
use crate::service::continuity::record_test_as_adam;
use crate::state::{AppState, blocking};
use adam_core::register::continuity::{Prose, Scenario, Span, Subject, TestFields, TestKind};
use adam_core::{Actor, Command, ContinuityTestId, Revision, Timestamp};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// What `adam drill` tells the standby.
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrillRequest {
    /// When the primary was lost (milliseconds since 1970).
    pub loss_at_ms: i64,
    /// The revision the primary held last.
    pub primary_revision: u64,
    /// When the primary's last revision was committed (seconds since 1970).
    pub primary_head_at: i64,
    /// The recovery time the drill must meet, in seconds.
    #[serde(default = "default_rto")]
    pub rto_goal_seconds: u64,
    /// The revisions the drill may lose (0 in synchronous mode).
    #[serde(default)]
    pub rpo_goal_revisions: u64,
    /// How the primary was lost: `isolated` or `killed`.
    pub how: String,
}

fn default_rto() -> u64 {
    60
}

/// What the drill measured and filed.
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
pub struct DrillReport {
    /// The continuity test recorded.
    pub test: ContinuityTestId,
    /// Loss → first accepted write, in milliseconds.
    pub rto_ms: i64,
    /// Revisions the promoted server does not hold.
    pub revisions_lost: u64,
    /// Seconds of changes it does not hold.
    pub seconds_lost: i64,
    /// Where the promoted server's history took over.
    pub promoted_at: PositionView,
    /// The audit trail verified on the promoted server.
    pub trail_intact: bool,
    /// Records verified.
    pub trail_records: u64,
    /// Whether the drill met its goals with an intact trail.
    pub passed: bool,
    /// The new generation's number.
    pub generation: u64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How `adam drill` lost a PostgreSQL primary: its database fenced (connections refused), or
/// its server killed.
pub const POSTGRES_HOW: [&str; 2] = ["postgres-fenced", "postgres-killed"];

/// Runs the drill's part on this server: a standby's promotion, or on PostgreSQL (after
/// `adam drill` promoted the database's replica) the reconnection of a primary.
pub async fn run(s: &AppState, request: DrillRequest) -> ApiResult<DrillReport> {
    // The loss is the moment just before `adam drill` asks: a loss in the future, or long before
    // the recovery goal, would file evidence of a drill that did not happen as told.
    let age_ms = now_ms() - request.loss_at_ms;
    let oldest_ms = i64::try_from(request.rto_goal_seconds.saturating_add(60).saturating_mul(1000)).unwrap_or(i64::MAX);
    if !(-5_000..=oldest_ms).contains(&age_ms) {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "drill-loss-time",
            "loss_at_ms must be the moment the primary was lost, just before this request (not in the future, not before the recovery goal and a minute)",
        )
        .sl("loss_at_ms mora biti trenutek izgube glavnega strežnika tik pred to zahtevo (ne v prihodnosti in ne dlje od cilja obnove in minute)")
        .with("pointer", "/loss_at_ms"));
    }
    if POSTGRES_HOW.contains(&request.how.as_str()) {
        return run_postgres(s, request).await;
    }
    if !matches!(s.replica.mode(), Mode::Standby(_)) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "not-standby",
            "a drill promotes a standby; this server is not one",
        )
        .sl("vaja poviša rezervni strežnik; ta strežnik ni rezervni"));
    }
    let started = std::time::Instant::now();
    let state = promote(s, s.now()).await?;
    let Some(took_over) = state.lineage.last().cloned() else {
        return Err(WebError::internal(&"a promotion without a lineage"));
    };
    let store = s.store.clone();
    let until = took_over.until_revision;
    let standby_head_at = blocking(move || store.change_log(Revision(until.0.saturating_sub(1)), 1))
        .await??
        .first()
        .map_or(0, |c| c.at.0);
    let revisions_lost = request.primary_revision.saturating_sub(until.0);
    let seconds_lost = if revisions_lost == 0 {
        0
    } else {
        (request.primary_head_at - standby_head_at).max(0)
    };
    // The first accepted write is this record: the recovery time ends when it is planned.
    let rto_ms = (now_ms() - request.loss_at_ms).max(0);
    let measured = Measured {
        rto_ms,
        revisions_lost,
        seconds_lost,
        scenario: Scenario::TotalLoss,
        component: None,
    };
    let test = record_test_as_adam(s, measured.in_progress(&request)).await?;
    // The trail on the promoted server, whole; then the record completed.
    let (sl, en) = if request.how == "killed" {
        ("ustavljen (kill -9)", "killed (kill -9)")
    } else {
        ("osamljen", "isolated")
    };
    let checked = measured
        .conclude(
            s,
            &request,
            test,
            format!("primarni strežnik {sl}; povišan rezervni pri reviziji {}", until.0),
            format!("primary {en}; standby promoted at revision {}", until.0),
        )
        .await?;
    tracing::warn!(
        rto_ms,
        revisions_lost,
        seconds_lost,
        trail = checked.intact,
        took = started.elapsed().as_millis() as u64,
        "drill recorded"
    );
    Ok(DrillReport {
        test,
        rto_ms,
        revisions_lost,
        seconds_lost,
        promoted_at: PositionView {
            revision: until.0,
            seq: took_over.until_seq,
        },
        trail_intact: checked.intact,
        trail_records: checked.records,
        passed: checked.passed,
        generation: state.number,
    })
}

/// What a drill measured, for its record.
struct Measured {
    rto_ms: i64,
    revisions_lost: u64,
    seconds_lost: i64,
    scenario: Scenario,
    component: Option<&'static str>,
}

/// The verdict a drill ends with.
struct Checked {
    passed: bool,
    intact: bool,
    records: u64,
}

impl Measured {
    /// Verifies the whole trail on the server that took over, and completes the drill's record
    /// `test` with what happened (`what`, in Slovenian and English), the measures and whether
    /// the goals were met with an intact trail.
    async fn conclude(
        &self,
        s: &AppState,
        request: &DrillRequest,
        test: ContinuityTestId,
        what_sl: String,
        what_en: String,
    ) -> ApiResult<Checked> {
        let store = s.store.clone();
        let verdict = blocking(move || store.audit_verify()).await??;
        let met_rto = u64::try_from(self.rto_ms).unwrap_or(u64::MAX) <= request.rto_goal_seconds.saturating_mul(1000);
        let met_rpo = self.revisions_lost <= request.rpo_goal_revisions;
        let passed = verdict.intact() && met_rto && met_rpo;
        let (rto_ms, lost, seconds) = (self.rto_ms, self.revisions_lost, self.seconds_lost);
        let (goal, allowed) = (request.rto_goal_seconds, request.rpo_goal_revisions);
        let (trail_sl, trail_en) = if verdict.intact() {
            ("nedotaknjena", "intact".to_owned())
        } else {
            ("poškodovana", verdict.summary())
        };
        let findings = format!(
            "{what_sl}; RTO {rto_ms} ms (cilj {goal} s), izgubljenih revizij {lost} (dovoljeno {allowed}), {seconds} s; sled {trail_sl} / \
             {what_en}; RTO {rto_ms} ms (goal {goal} s), revisions lost {lost} (allowed {allowed}), {seconds} s; trail {trail_en}"
        );
        let context = s.context(Actor::System, None);
        s.execute_as(
            Actor::System,
            context,
            Command::UpdateContinuityTest {
                test,
                fields: self.fields(request, passed, findings, Some(verdict.records)),
            },
        )
        .await?;
        Ok(Checked {
            passed,
            intact: verdict.intact(),
            records: verdict.records,
        })
    }

    /// The record as the first write files it, before the trail is verified.
    fn in_progress(&self, request: &DrillRequest) -> TestFields {
        self.fields(
            request,
            false,
            "vaja poteka: preverjanje revizijske sledi / drill in progress: verifying the audit trail".to_owned(),
            None,
        )
    }

    /// The continuity test's fields: ADAM's own drill, with what was measured.
    fn fields(&self, request: &DrillRequest, passed: bool, findings: String, records: Option<u64>) -> TestFields {
        TestFields {
            subject: Subject::Adam,
            kind: TestKind::Drill,
            scenario: self.scenario,
            component: self
                .component
                .and_then(|c| adam_core::text::Text::parse("component", c).ok()),
            announced: None,
            held_at: Timestamp(request.loss_at_ms.div_euclid(1000)),
            participants: Vec::new(),
            measured_rto: Some(Span::seconds(u64::try_from(self.rto_ms).unwrap_or(0).div_ceil(1000))),
            measured_rpo: Some(Span::seconds(u64::try_from(self.seconds_lost).unwrap_or(0))),
            revisions_lost: Some(self.revisions_lost),
            duration: Some(Span::seconds(
                u64::try_from(now_ms() - request.loss_at_ms).unwrap_or(0).div_ceil(1000),
            )),
            passed,
            findings: Prose::parse(
                "findings",
                &format!(
                    "{findings}{}",
                    records.map_or(String::new(), |n| format!(
                        " / {n} zapisov revizijske sledi / audit records"
                    ))
                )
                .chars()
                .take(Prose::MAX)
                .collect::<String>(),
            )
            .ok(),
            tasks: Vec::new(),
        }
    }
}

/// The drill's part on a server of a PostgreSQL installation whose database has just failed
/// over: reconnect (the database URL lists both nodes with `target_session_attrs=read-write`),
/// check that the promoted database holds every revision this server held, take the first
/// write (the drill's record), verify the trail there, and complete the record.
async fn run_postgres(s: &AppState, request: DrillRequest) -> ApiResult<DrillReport> {
    if s.store.backend() != "postgres" || !matches!(s.replica.mode(), Mode::Primary) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "not-postgres-primary",
            "a PostgreSQL drill asks a primary server on PostgreSQL; this server is not one",
        )
        .sl("vaja PostgreSQL potrebuje glavni strežnik s PostgreSQL; ta strežnik ni tak"));
    }
    let started = std::time::Instant::now();
    let deadline = started + std::time::Duration::from_secs(request.rto_goal_seconds.max(1));
    let held = s.revision();
    // The database answers again once the pool has a connection to the promoted node: a
    // connection to the lost node fails once and is dropped.
    let latest = loop {
        let store = s.store.clone();
        match blocking(move || store.latest_revision()).await? {
            Ok(r) => break r,
            Err(e) if std::time::Instant::now() >= deadline => {
                return Err(WebError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database-unreachable",
                    format!(
                        "the database did not accept a connection within the drill's {} s: {e}",
                        request.rto_goal_seconds
                    ),
                )
                .sl(format!(
                    "podatkovna baza v {} s vaje ni sprejela povezave: {e}",
                    request.rto_goal_seconds
                )));
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    };
    if latest < held {
        // The promoted node lacks commits this server applied (asynchronous replication):
        // its world is ahead of the database, so it must not write; every server restarts.
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "revisions-lost",
            format!(
                "the promoted database ends at revision {}, this server held {}: {} revision(s) lost; \
                 restart every server (each loads the world afresh) before writing, and account for the lost changes",
                latest.0,
                held.0,
                held.0 - latest.0
            ),
        )
        .sl(format!(
            "povišana podatkovna baza se konča pri reviziji {}, ta strežnik je imel {}: izgubljenih revizij {}; \
             pred pisanjem znova zaženite vse strežnike (vsak naloži svet na novo) in pojasnite izgubljene spremembe",
            latest.0,
            held.0,
            held.0 - latest.0
        ))
        .with("revisions_lost", held.0 - latest.0));
    }
    let me = s.clone();
    blocking(move || me.catch_up_blocking()).await??;
    let revisions_lost = request.primary_revision.saturating_sub(latest.0.max(held.0));
    let component = "PostgreSQL primary / primarni strežnik PostgreSQL";
    let measured = |rto_ms| Measured {
        rto_ms,
        revisions_lost,
        seconds_lost: 0,
        scenario: Scenario::PartialLoss,
        component: Some(component),
    };
    // The first accepted write is the drill's record; a write on a connection that died with
    // the old node fails, and is tried again on a fresh one until the goal has passed.
    let (test, rto_ms) = loop {
        let rto_ms = (now_ms() - request.loss_at_ms).max(0);
        let fields = measured(rto_ms).in_progress(&request);
        match record_test_as_adam(s, fields).await {
            Ok(test) => break (test, rto_ms),
            Err(e) if std::time::Instant::now() >= deadline => return Err(e),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    };
    let (sl, en) = if request.how == "postgres-killed" {
        ("ustavljen (kill -9)", "killed (kill -9)")
    } else {
        ("ograjen (povezave zavrnjene)", "fenced (connections refused)")
    };
    let checked = measured(rto_ms)
        .conclude(
            s,
            &request,
            test,
            format!(
                "primarni strežnik PostgreSQL {sl}; replika povišana (pg_promote); strežnik ADAM se je znova povezal pri reviziji {}",
                latest.0
            ),
            format!(
                "PostgreSQL primary {en}; replica promoted (pg_promote); the ADAM server reconnected at revision {}",
                latest.0
            ),
        )
        .await?;
    tracing::warn!(
        rto_ms,
        revisions_lost,
        trail = checked.intact,
        took = started.elapsed().as_millis() as u64,
        "PostgreSQL drill recorded"
    );
    let store = s.store.clone();
    let generation = blocking(move || store.replication_state()).await??.number;
    Ok(DrillReport {
        test,
        rto_ms,
        revisions_lost,
        seconds_lost: 0,
        promoted_at: PositionView {
            revision: latest.0,
            seq: 0,
        },
        trail_intact: checked.intact,
        trail_records: checked.records,
        passed: checked.passed,
        generation,
    })
}
