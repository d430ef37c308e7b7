//! The registry of information solutions (seed 000) as the API and the pages see it: a
//! solution with its versions, each version's history read from its `dro-hosting` case and
//! its stage; and the board — every solution by stage, the versions in flight and the overdue
//! steps. Read by whoever reads the inventory; written through the one write path.
//!
//! The changes — a solution registered, its entry corrected, a version opened — are written
//! here once for the API (`api/hosting.rs`) and the pages (`ui/hosting/`), each of which reads
//! its own input into `SolutionFields` and calls them; the engine asks who may.

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::service::inventory::require_reader;
use crate::state::AppState;
use adam_core::process;
use adam_core::register::solution::{
    Solution, SolutionFields, SolutionVersion, TransitionEvidence, VersionFacts, same_address,
};
use adam_core::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A phase of the onboarding: a column of the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// No version opened yet.
    Registered,
    /// Tender, PZI, order, documentation, roles, repository, EKC, test plan (1.1.1.6–16, 23).
    Onboarding,
    /// Development request, build, deposit, SOC review (1.1.1.18–22, 25–26).
    Development,
    /// Test environment and acceptance T (1.1.1.24, §1.2, 1.1.1.27–28).
    Test,
    /// Production environment and acceptance P (1.1.1.29–34, §1.3, 1.1.1.36).
    Production,
    /// Penetration and load tests (1.1.1.35–42).
    Security,
    /// Transition request, micro plan, transition, notices (1.1.1.43–47).
    Transition,
    /// In production, no version in flight (1.1.1.48).
    Live,
    /// The last version was withdrawn.
    Withdrawn,
}

impl Phase {
    /// Every phase, in board order.
    pub const ALL: [Phase; 9] = [
        Phase::Registered,
        Phase::Onboarding,
        Phase::Development,
        Phase::Test,
        Phase::Production,
        Phase::Security,
        Phase::Transition,
        Phase::Live,
        Phase::Withdrawn,
    ];

    /// The phase of a step of `dro-hosting`.
    pub fn of_step(step: &str) -> Phase {
        let n = |s: &str| s.rsplit('.').next().and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
        match step {
            "1.1.1.48" => Phase::Live,
            "withdrawn" => Phase::Withdrawn,
            s if s.starts_with("1.2.1.") => Phase::Test,
            s if s.starts_with("1.3.1.") => Phase::Production,
            "entry" | "owg" | "board" => Phase::Onboarding,
            s => match n(s) {
                6..=16 | 23 => Phase::Onboarding,
                18..=22 | 25 | 26 => Phase::Development,
                24 | 27 | 28 => Phase::Test,
                29..=34 | 36 => Phase::Production,
                35 | 37..=42 => Phase::Security,
                _ => Phase::Transition,
            },
        }
    }

    /// Its name in `lang`.
    pub fn name(self, lang: adam_core::lang::Lang) -> &'static str {
        let (sl, en) = match self {
            Phase::Registered => ("Vpisana", "Registered"),
            Phase::Onboarding => ("Umestitev", "Onboarding"),
            Phase::Development => ("Razvoj in pregled kode", "Development and code review"),
            Phase::Test => ("Testno okolje", "Test environment"),
            Phase::Production => ("Produkcijsko okolje", "Production environment"),
            Phase::Security => ("Penetracijski in obremenitveni testi", "Penetration and load tests"),
            Phase::Transition => ("Prehod v produkcijo", "Transition into production"),
            Phase::Live => ("V produkciji", "In production"),
            Phase::Withdrawn => ("Umaknjena", "Withdrawn"),
        };
        lang.pick(sl, en)
    }
}

/// A version with its history.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct VersionView {
    /// The version.
    #[serde(flatten)]
    pub version: SolutionVersion,
    /// Its history, read from its case.
    pub facts: VersionFacts,
    /// The step's name (Slovenian and English).
    pub step_name: Option<process::Words>,
    /// Since when it is at that step.
    pub since: Timestamp,
    /// When the step is due, if it has a due time.
    pub due: Option<Timestamp>,
    /// Past its due time.
    pub overdue: bool,
    /// The steps it went through, oldest first, each with who decided and when.
    pub steps: Vec<process::Transition>,
}

/// A solution as the registry shows it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SolutionView {
    /// The solution.
    #[serde(flatten)]
    pub solution: Solution,
    /// Its phase.
    pub phase: Phase,
    /// The current version (the newest).
    pub current_version: Option<String>,
    /// Its versions, oldest first.
    pub version_history: Vec<VersionView>,
}

/// The board: every solution by phase, the versions in flight, the overdue steps.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Board {
    /// Per phase, the solutions in it.
    pub columns: Vec<Column>,
    /// The versions in flight.
    pub in_flight: usize,
    /// The overdue steps: solution, version, step, due.
    pub overdue: Vec<Overdue>,
}

/// A column of the board.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Column {
    /// The phase.
    pub phase: Phase,
    /// The solutions: id, codename, version, step.
    pub solutions: Vec<Card>,
}

/// A solution on the board.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Card {
    /// The solution.
    pub id: SolutionId,
    /// Its codename.
    pub codename: String,
    /// Its name.
    pub name: String,
    /// The current version.
    pub version: Option<String>,
    /// The step it is at.
    pub step: Option<String>,
    /// Past the step's due time.
    pub overdue: bool,
}

/// An overdue step.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Overdue {
    /// The solution.
    pub solution: SolutionId,
    /// Its codename.
    pub codename: String,
    /// The version.
    pub version: String,
    /// The case.
    pub case: CaseId,
    /// The step.
    pub step: String,
    /// Its due time.
    pub due: Timestamp,
}

/// A solution with its versions' histories.
pub fn view(w: &World, s: &Solution, now: Timestamp) -> SolutionView {
    let version_history: Vec<VersionView> = s
        .versions
        .iter()
        .filter_map(|v| {
            let (case, def) = w.case_with_definition(v.case).ok()?;
            let due = case.due(def);
            Some(VersionView {
                version: v.clone(),
                facts: VersionFacts::of(case),
                step_name: def.step(case.current.as_str()).map(|s| s.name.clone()),
                since: case.entered_at,
                due,
                overdue: due.is_some_and(|d| d < now),
                steps: case.history.clone(),
            })
        })
        .collect();
    let phase = match version_history.last() {
        None => Phase::Registered,
        // A withdrawn version leaves an earlier one live.
        Some(v) if v.facts.closed => {
            if version_history.iter().any(|v| v.facts.in_production) {
                Phase::Live
            } else {
                Phase::Withdrawn
            }
        }
        Some(v) => Phase::of_step(&v.facts.stage),
    };
    SolutionView {
        solution: s.clone(),
        phase,
        current_version: s.versions.last().map(|v| v.version.to_string()),
        version_history,
    }
}

/// Every solution the caller may read.
pub fn list(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Vec<SolutionView>> {
    require_reader(w, caller, now)?;
    Ok(w.solutions().iter().map(|s| view(w, s, now)).collect())
}

/// One solution.
pub fn one(w: &World, caller: &Caller, id: SolutionId, now: Timestamp) -> ApiResult<SolutionView> {
    require_reader(w, caller, now)?;
    Ok(view(w, w.solution(id)?, now))
}

/// The board.
pub fn board(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Board> {
    let views = list(w, caller, now)?;
    let mut columns: Vec<Column> = Phase::ALL
        .iter()
        .map(|p| Column {
            phase: *p,
            solutions: Vec::new(),
        })
        .collect();
    let mut overdue = Vec::new();
    let mut in_flight = 0;
    for v in &views {
        let last = v.version_history.last();
        if let Some(l) = last
            && !l.facts.closed
        {
            in_flight += 1;
            if let (true, Some(due)) = (l.overdue, l.due) {
                overdue.push(Overdue {
                    solution: v.solution.id,
                    codename: v.solution.fields.codename.to_string(),
                    version: l.version.version.to_string(),
                    case: l.version.case,
                    step: l.facts.stage.clone(),
                    due,
                });
            }
        }
        if let Some(c) = columns.iter_mut().find(|c| c.phase == v.phase) {
            c.solutions.push(Card {
                id: v.solution.id,
                codename: v.solution.fields.codename.to_string(),
                name: v.solution.fields.name.to_string(),
                version: v.current_version.clone(),
                step: last.filter(|l| !l.facts.closed).map(|l| l.facts.stage.clone()),
                overdue: last.is_some_and(|l| l.overdue && !l.facts.closed),
            });
        }
    }
    overdue.sort_by_key(|o| (o.due, o.case));
    Ok(Board {
        columns,
        in_flight,
        overdue,
    })
}

/// How a rule of the Decree stands for a solution (its version in flight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GateState {
    /// The rule is met.
    Met,
    /// Not yet met, and not yet needed: the step that checks it is ahead.
    Pending,
    /// It stops the solution now: the version is at the step that checks it, or the entry
    /// itself breaks it.
    Blocks,
    /// It does not apply (no public cloud; not the first installation; no version in flight).
    NotApplicable,
}

/// A rule of the Decree on the way into production, as it stands for one solution.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Gate {
    /// The article (`7`, `14(3)`, `22(3)`, `23`, `29(5)`, `41`, `47(3)`).
    pub article: &'static str,
    /// The refusal's problem type when it blocks.
    pub code: &'static str,
    /// How it stands.
    pub state: GateState,
    /// The step of `dro-hosting` that checks it (none: registering and opening a version).
    pub step: Option<&'static str>,
}

/// The Decree's rules for a solution, judged the way the engine judges them at their steps
/// (`plan/solution.rs`: registering, opening a version, 1.1.1.31, 1.1.1.43, 1.1.1.45 — there
/// the version's Art. 22 change approved, the custodian's approval, the assessment), so a
/// page can say what will stop the version before anyone tries — and, when the version is
/// already at that step, that it stops it now.
pub fn gates(w: &World, v: &SolutionView) -> Vec<Gate> {
    use GateState::*;
    let f = &v.solution.fields;
    let flight = v.version_history.last().filter(|l| !l.facts.closed);
    let case = flight.and_then(|l| w.case(l.version.case).ok());
    let at = |step: &str| case.is_some_and(|c| c.current.as_str() == step);
    // The engine's one reading of the case's documents and consents.
    let evidence = case.map(TransitionEvidence::of).unwrap_or_default();
    let item = f.system.and_then(|s| w.item(s).ok());
    let cloud = match (f.public_cloud, w.check_solution_cloud(f)) {
        (false, _) => NotApplicable,
        (true, Ok(())) => Met,
        (true, Err(_)) => Blocks,
    };
    let separate = match (&f.test, &f.production) {
        (Some(t), Some(p)) if same_address(t.address.as_str(), p.address.as_str()) => Blocks,
        (Some(_), Some(_)) => Met,
        _ => Pending,
    };
    // A rule checked at `step` of the version in flight: met when its evidence is there,
    // blocking when the version waits at that step without it.
    let at_step = |met: bool, step: &str| match (case, met) {
        (None, _) => NotApplicable,
        (Some(_), true) => Met,
        (Some(_), false) if at(step) => Blocks,
        (Some(_), false) => Pending,
    };
    // At 1.1.1.45 the approval of this visit counts (a rolled-back transition asks again);
    // after it, the step passed with one.
    let custodian = if at("1.1.1.45") {
        evidence.custodian_approval
    } else {
        flight.is_some_and(|l| past(&l.steps, "1.1.1.45"))
    };
    let first = flight.is_some_and(|l| l.version.first);
    // Art. 22(3): the version's change request approved (a version without one: not judged here).
    let change = flight.and_then(|l| l.version.change);
    let change_state = match change {
        None => NotApplicable,
        Some(c) => at_step(w.change_approved(c), "1.1.1.45"),
    };
    let mut out = vec![
        Gate {
            article: "10",
            code: "solution-without-system",
            state: if item.is_some() { Met } else { Blocks },
            step: None,
        },
        Gate {
            article: "41",
            code: if item.is_none() && f.public_cloud {
                "solution-cloud-without-system"
            } else {
                "solution-public-cloud-class"
            },
            state: cloud,
            step: None,
        },
        Gate {
            article: "47(3)",
            code: "environments-not-separate",
            state: separate,
            step: Some("1.1.1.31"),
        },
        Gate {
            article: "14(3)",
            code: "instructions-missing",
            state: at_step(evidence.operating_instructions, "1.1.1.43"),
            step: Some("1.1.1.43"),
        },
        Gate {
            article: "29(5)",
            code: "instructions-missing",
            state: at_step(evidence.backup_instructions, "1.1.1.43"),
            step: Some("1.1.1.43"),
        },
        Gate {
            article: "22(3)",
            code: "version-change-not-approved",
            state: change_state,
            step: Some("1.1.1.45"),
        },
        Gate {
            article: "7",
            code: "no-custodian-approval",
            state: at_step(custodian, "1.1.1.45"),
            step: Some("1.1.1.45"),
        },
    ];
    out.push(Gate {
        article: "23",
        code: "no-independent-assessment",
        state: if case.is_some() && !first {
            NotApplicable
        } else {
            at_step(evidence.security_assessment, "1.1.1.45")
        },
        step: Some("1.1.1.45"),
    });
    out
}

/// Whether a version's case has decided `step` with a passing outcome.
fn past(steps: &[process::Transition], step: &str) -> bool {
    steps
        .iter()
        .any(|t| t.step.as_str() == step && t.outcome.as_str() == "done")
}

// ---- changes ---------------------------------------------------------------------------

/// Registers a solution; its id.
pub async fn register_solution(s: &AppState, caller: &Caller, fields: SolutionFields) -> ApiResult<SolutionId> {
    let plan = s.execute(caller, None, Command::RegisterSolution { fields }).await?;
    crate::service::created(&plan)
}

/// Corrects a solution's entry, provided `guard` holds (a page's revision; the API passes
/// `service::directory::no_guard`).
pub async fn update_solution(
    s: &AppState,
    caller: &Caller,
    solution: SolutionId,
    fields: SolutionFields,
    guard: impl Fn(&World) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Plan> {
    s.execute_guarded(caller, None, Command::UpdateSolution { solution, fields }, guard)
        .await
}

/// Opens a version of a solution (its `dro-hosting` case).
pub async fn open_version(s: &AppState, caller: &Caller, solution: SolutionId, version: Text) -> ApiResult<Plan> {
    s.execute(caller, None, Command::OpenSolutionVersion { solution, version })
        .await
}
