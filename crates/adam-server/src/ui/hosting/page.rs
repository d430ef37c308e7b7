//! A solution's page (`/ui/solutions/{code}`): every field of the registry (§2.8) in groups,
//! the inventory system it is with its class, the Decree's rules with what blocks it now, the
//! **timeline of its versions** (each a row: its `dro-hosting` case, the phases it went
//! through, the steps with their dates, the current step, the review and test results, the
//! penetration test or SIV's waiver, OVSP, micro plan, transition, rollbacks, the notices of
//! 1.1.1.47), the form to open a new version, the last change and the history.

use super::super::history::{HistoryRow, LastChangeView, history_of};
use super::*;
use crate::service::hosting::{Gate, GateState};
use crate::service::hosting_notify::NOTICE_ACTION;
use crate::state::blocking;
use adam_core::register::solution::{EkcSupport, EntryRoute, Exceptional, Verdict};
use adam_store::AuditQuery;
use axum::response::Redirect;
use std::collections::BTreeMap;

/// A group of fields: its title's key and its rows (a key of the words and the value).
pub(crate) struct Group {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) rows: Vec<(&'static str, String)>,
}

/// An environment's row.
pub(crate) struct EnvRow {
    pub(crate) key: &'static str,
    pub(crate) address: String,
    pub(crate) certificates: String,
}

/// A phase in a version's strip: its words, and whether the version went through it, is in
/// it, or has it ahead.
pub(crate) struct PhaseChip {
    pub(crate) key: &'static str,
    pub(crate) state: &'static str,
}

/// A step a version went through.
pub(crate) struct StepRow {
    pub(crate) step: String,
    pub(crate) outcome: String,
    pub(crate) by: String,
    pub(crate) at: String,
}

/// A notice of 1.1.1.47 as recorded.
pub(crate) struct NoticeRow {
    pub(crate) at: String,
    pub(crate) to: String,
    pub(crate) sent: bool,
    pub(crate) outcome: String,
}

/// A version's row of the timeline.
pub(crate) struct VersionRow {
    pub(crate) version: String,
    pub(crate) first: bool,
    pub(crate) opened: String,
    pub(crate) case: u32,
    pub(crate) reference: String,
    pub(crate) closed: bool,
    pub(crate) in_production: bool,
    pub(crate) step: String,
    pub(crate) step_key: String,
    pub(crate) since: String,
    pub(crate) due: String,
    pub(crate) overdue_days: Option<i64>,
    pub(crate) phases: Vec<PhaseChip>,
    /// Results: a key of the words and the value (a key of the words too, or text).
    pub(crate) facts: Vec<(&'static str, String)>,
    pub(crate) steps: Vec<StepRow>,
    pub(crate) notices: Vec<NoticeRow>,
    /// Its Art. 22 change request: the case, its reference, approved or not.
    pub(crate) change: Option<(u32, String, bool)>,
}

/// A rule of the Decree as the page shows it.
pub(crate) struct GateRow {
    pub(crate) article: &'static str,
    pub(crate) rule: &'static str,
    pub(crate) state: &'static str,
    pub(crate) badge: &'static str,
    /// The message when it blocks.
    pub(crate) blocks: Option<String>,
}

/// A seed role of the solution as its page shows it: the person named, the job and the people
/// holding that job now (who performs when no person is named).
pub(crate) struct RoleRow {
    /// The role's key (`coordinator`).
    pub(crate) key: &'static str,
    /// The role's words.
    pub(crate) label: &'static str,
    /// The person named: name and username; empty when none.
    pub(crate) person: String,
    /// The job: its id and "code – name"; none when the role has no job.
    pub(crate) job: Option<(u32, String)>,
    /// The people holding the job now.
    pub(crate) holders: Vec<String>,
}

#[derive(Template)]
#[template(path = "solution.html")]
pub(crate) struct SolutionPage {
    pub(crate) c: Chrome,
    pub(crate) id: u32,
    pub(crate) codename: String,
    pub(crate) name: String,
    pub(crate) phase: &'static str,
    pub(crate) phase_class: String,
    pub(crate) groups: Vec<Group>,
    pub(crate) environments: Vec<EnvRow>,
    pub(crate) people: Vec<RoleRow>,
    /// The inventory system: id, code and name, custodian, class.
    pub(crate) system: Option<(u32, String, String, String)>,
    pub(crate) gates: Vec<GateRow>,
    pub(crate) versions: Vec<VersionRow>,
    pub(crate) may_keep: bool,
    /// A version may be opened now (none in flight).
    pub(crate) may_open: bool,
    pub(crate) version_typed: String,
    pub(crate) errors: BTreeMap<&'static str, String>,
    pub(crate) last: Option<LastChangeView>,
    pub(crate) history: Vec<HistoryRow>,
}

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    (if b { "hs_yes" } else { "hs_no" }).to_owned()
}

fn person(w: &World, u: Option<UserId>) -> String {
    u.map(|u| {
        w.user(u)
            .map_or_else(|_| u.to_string(), |u| format!("{} ({})", u.display_name(), u.username))
    })
    .unwrap_or_default()
}

pub(super) fn route_key(r: EntryRoute) -> &'static str {
    match r {
        EntryRoute::Tender => "hs_route_tender",
        EntryRoute::Pzi => "hs_route_pzi",
        EntryRoute::Order => "hs_route_order",
        EntryRoute::AsIs => "hs_route_as_is",
    }
}

pub(super) fn exceptional_key(e: Exceptional) -> &'static str {
    match e {
        Exceptional::Space => "hs_exc_space",
        Exceptional::Cpus => "hs_exc_cpus",
        Exceptional::DataSecrecy => "hs_exc_data_secrecy",
        Exceptional::Traffic => "hs_exc_traffic",
        Exceptional::Peaks => "hs_exc_peaks",
        Exceptional::Media => "hs_exc_media",
    }
}

pub(super) fn ekc_key(e: EkcSupport) -> &'static str {
    match e {
        EkcSupport::None => "hs_ekc_none",
        EkcSupport::Technical => "hs_ekc_technical",
        EkcSupport::Content => "hs_ekc_content",
        EkcSupport::Both => "hs_ekc_both",
    }
}

fn verdict_key(v: Option<Verdict>) -> String {
    match v {
        None => "hs_not_yet",
        Some(Verdict::Passed) => "hs_passed",
        Some(Verdict::Failed) => "hs_failed",
        Some(Verdict::NotNeeded) => "hs_not_needed",
        Some(Verdict::Waived) => "hs_waived",
    }
    .to_owned()
}

/// The words of each role of the seed, as the people's keys.
pub(super) const ROLES: [(&str, &str); 13] = [
    ("customer", "hs_role_customer"),
    ("developer", "hs_role_developer"),
    ("siv", "hs_role_siv"),
    ("soc", "hs_role_soc"),
    ("coordinator", "hs_role_coordinator"),
    ("deployment_engineer", "hs_role_deployment_engineer"),
    ("infrastructure_manager", "hs_role_infrastructure_manager"),
    ("system_support", "hs_role_system_support"),
    ("support_head", "hs_role_support_head"),
    ("operational_wg", "hs_role_operational_wg"),
    ("technical_board", "hs_role_technical_board"),
    ("ekc", "hs_role_ekc"),
    ("registry_custodian", "hs_role_registry_custodian"),
];

fn role_key(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("hs_role_ekc", |(_, k)| *k)
}

fn gate_row(g: &Gate, codename: &str, system: &str, tr: Tr) -> GateRow {
    let (rule, blocks) = match g.article {
        "10" => ("hs_rule_10", "hs_blocks_10"),
        "41" if g.code == "solution-cloud-without-system" => ("hs_rule_41", "hs_blocks_41_no_system"),
        "41" => ("hs_rule_41", "hs_blocks_41"),
        "47(3)" => ("hs_rule_47", "hs_blocks_47"),
        "14(3)" => ("hs_rule_14", "hs_blocks_14"),
        "29(5)" => ("hs_rule_29", "hs_blocks_29"),
        "7" => ("hs_rule_7", "hs_blocks_7"),
        "22(3)" => ("hs_rule_22", "hs_blocks_22"),
        _ => ("hs_rule_23", "hs_blocks_23"),
    };
    let (state, badge) = match g.state {
        GateState::Met => ("hs_gate_met", "ok"),
        GateState::Pending => ("hs_gate_pending", "muted"),
        GateState::Blocks => ("hs_gate_blocks", "bad"),
        GateState::NotApplicable => ("hs_gate_na", "muted"),
    };
    GateRow {
        article: g.article,
        rule,
        state,
        badge,
        blocks: (g.state == GateState::Blocks)
            .then(|| tr.s(blocks).replace("{solution}", codename).replace("{system}", system)),
    }
}

/// A version's row of the timeline.
fn version_row(w: &World, v: &VersionView, notices: &[NoticeRow], now: Timestamp, tr: Tr) -> VersionRow {
    let f = &v.facts;
    let current = if f.in_production {
        Phase::Live
    } else {
        Phase::of_step(&f.stage)
    };
    let visited: Vec<Phase> = v.steps.iter().map(|t| Phase::of_step(t.step.as_str())).collect();
    let phases = Phase::ALL
        .iter()
        .filter(|p| !matches!(p, Phase::Registered | Phase::Withdrawn))
        .map(|p| PhaseChip {
            key: phase_key(*p),
            state: if *p == current && (f.in_production || !f.closed) {
                "current"
            } else if visited.contains(p) || (*p < current && !f.closed) {
                "done"
            } else {
                "ahead"
            },
        })
        .collect();
    let def = w.case_with_definition(v.version.case).ok().map(|(_, d)| d);
    let lang = core_lang(tr);
    let steps = v
        .steps
        .iter()
        .map(|t| {
            let step = def.and_then(|d| d.step(t.step.as_str()));
            let outcome = step
                .and_then(|s| s.outcomes.iter().find(|o| o.key == t.outcome))
                .map_or_else(|| t.outcome.to_string(), |o| o.name.pick(lang).to_string());
            StepRow {
                step: step.map_or_else(|| t.step.to_string(), |s| format!("{} {}", t.step, s.name.pick(lang))),
                outcome,
                by: person(w, t.by),
                at: local(t.at),
            }
        })
        .collect();
    let mut facts = vec![
        ("hs_soc_review", verdict_key(f.soc_review)),
        ("hs_acceptance_test", verdict_key(f.acceptance_test)),
        ("hs_acceptance_production", verdict_key(f.acceptance_production)),
        ("hs_pen_test", verdict_key(f.pen_test)),
    ];
    if f.pen_test_waived_by.is_some() {
        facts.push(("hs_waived_by", person(w, f.pen_test_waived_by)));
        facts.push(("hs_waiver", f.pen_test_waiver.clone().unwrap_or_default()));
    }
    facts.extend([
        ("hs_load_test", verdict_key(f.load_test)),
        ("hs_ovsp", yes_no(f.ovsp)),
        ("hs_micro_plan", yes_no(f.micro_plan)),
        ("hs_transition_date", f.transition_date.clone().unwrap_or_default()),
        ("hs_rollbacks", f.rollbacks.to_string()),
        ("hs_in_production", yes_no(f.in_production)),
    ]);
    let reference = w
        .case(v.version.case)
        .map_or_else(|_| v.version.case.to_string(), |c| c.reference());
    let change = v.version.change.map(|c| {
        let reference = w.case(c).map_or_else(|_| c.to_string(), |case| case.reference());
        (c.0, reference, w.change_approved(c))
    });
    VersionRow {
        change,
        version: v.version.version.to_string(),
        first: v.version.first,
        opened: local(v.version.opened_at),
        case: v.version.case.0,
        reference,
        closed: f.closed,
        in_production: f.in_production,
        step: step_words(v, tr),
        step_key: f.stage.clone(),
        since: local(v.since),
        due: v.due.map(local).unwrap_or_default(),
        overdue_days: v.due.filter(|_| v.overdue).map(|d| days_between(d, now)),
        phases,
        facts,
        steps,
        notices: notices
            .iter()
            .map(|n| NoticeRow {
                at: n.at.clone(),
                to: n.to.clone(),
                sent: n.sent,
                outcome: n.outcome.clone(),
            })
            .collect(),
    }
}

/// The recorded notices of 1.1.1.47 of a solution, by version's case.
async fn notices_of(s: &AppState, id: SolutionId, lang: Tr) -> UiResult<BTreeMap<u32, Vec<NoticeRow>>> {
    let store = s.store.clone();
    let records = blocking(move || {
        store.audit_search(&AuditQuery {
            object_kind: Some(EntityKind::Solution.as_str().to_owned()),
            object_id: Some(id.0),
            action: Some(NOTICE_ACTION.to_owned()),
            limit: 200,
            ..AuditQuery::default()
        })
    })
    .await
    .ui(lang)?
    .ui(lang)?;
    let mut out: BTreeMap<u32, Vec<NoticeRow>> = BTreeMap::new();
    for r in records.iter().rev() {
        let Some(after) = &r.after else { continue };
        let case = after.get("case").and_then(serde_json::Value::as_u64).unwrap_or(0) as u32;
        let roles: Vec<&str> = after
            .get("roles")
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        let roles: Vec<&str> = roles.iter().map(|r| lang.s(role_key(r))).collect();
        let who = after.get("username").and_then(serde_json::Value::as_str).unwrap_or("");
        out.entry(case).or_default().push(NoticeRow {
            at: local(r.context.at),
            to: format!("{who} ({})", roles.join(", ")),
            sent: r.outcome == "sent",
            outcome: r.outcome.clone(),
        });
    }
    Ok(out)
}

/// The page of solution `id`, with the version form as typed and its messages.
pub(super) async fn solution_view(
    s: &AppState,
    caller: &Caller,
    lang: Tr,
    id: SolutionId,
    version_typed: String,
    errors: BTreeMap<&'static str, String>,
) -> UiResult<SolutionPage> {
    require_reader(s, caller, lang)?;
    let (last, history) = history_of(s, caller, EntityKind::Solution, id.0).await.ui(lang)?;
    let notices = notices_of(s, id, lang).await?;
    let now = s.now();
    let w = s.world();
    let v = hosting::one(&w, caller, id, now).ui(lang)?;
    let f = &v.solution.fields;
    let codename = f.codename.to_string();
    let item = f.system.and_then(|i| w.item(i).ok());
    let system = item.map(|i| {
        (
            i.id.0,
            format!("{} – {}", i.fields.code, i.fields.name),
            person(&w, Some(i.fields.custodian)),
            super::super::inventory::class_text(w.effective_class(i)),
        )
    });
    let system_code = item.map(|i| i.fields.code.to_string()).unwrap_or_default();
    let board = match &f.board_decision {
        Some(b) => format!(
            "{} · {}{}",
            b.date,
            b.decision,
            if b.extra_expert {
                format!(" · {}", lang.s("hs_extra_expert"))
            } else {
                String::new()
            }
        ),
        None => String::new(),
    };
    let mut groups = vec![
        Group {
            id: "g-solution",
            title: "hs_group_solution",
            rows: vec![
                ("hs_codename", codename.clone()),
                ("name", f.name.to_string()),
                ("hs_description", opt(&f.description)),
                ("hs_customer_body", f.customer_body.to_string()),
                ("hs_contractor", opt(&f.contractor)),
                ("hs_contract", opt(&f.contract)),
                ("hs_entry_route", route_key(f.entry_route).to_owned()),
            ],
        },
        Group {
            id: "g-exceptional",
            title: "hs_group_exceptional",
            rows: vec![
                (
                    "hs_exceptional",
                    if f.exceptional.is_empty() {
                        "hs_exc_none".to_owned()
                    } else {
                        f.exceptional
                            .iter()
                            .map(|e| lang.s(exceptional_key(*e)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                ),
                ("hs_board_decision", board),
            ],
        },
        Group {
            id: "g-placement",
            title: "hs_group_placement",
            rows: vec![
                ("hs_technologies", opt(&f.technologies)),
                ("hs_modules_hkom", opt(&f.modules_hkom)),
                ("hs_modules_internet", opt(&f.modules_internet)),
                ("hs_staging_in_pzi", yes_no(f.staging_in_pzi)),
                ("hs_public_cloud", yes_no(f.public_cloud)),
                ("hs_repository", opt(&f.repository)),
            ],
        },
        Group {
            id: "g-ekc",
            title: "hs_group_ekc",
            rows: vec![
                ("hs_ekc", ekc_key(f.ekc).to_owned()),
                (
                    "hs_ekc_agreement",
                    f.ekc_agreement_signed.map(|d| d.to_string()).unwrap_or_default(),
                ),
            ],
        },
    ];
    groups.extend(super::details::page_groups(f).into_iter().map(|g| Group {
        id: g.id,
        title: g.title,
        rows: g.rows,
    }));
    let env = |key, e: &Option<adam_core::register::solution::Environment>| EnvRow {
        key,
        address: e.as_ref().map(|e| e.address.to_string()).unwrap_or_default(),
        certificates: e
            .as_ref()
            .map(|e| {
                e.certificates
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
    };
    let mut environments = vec![env("hs_env_test", &f.test)];
    if f.staging_in_pzi || f.staging.is_some() {
        environments.push(env("hs_env_staging", &f.staging));
    }
    environments.push(env("hs_env_production", &f.production));
    let people = f
        .people
        .pairs()
        .iter()
        .zip(f.jobs.pairs())
        .map(|((role, u), (_, j))| RoleRow {
            key: role,
            label: role_key(role),
            person: person(&w, *u),
            job: j.map(|j| {
                let label = w
                    .job(j)
                    .map_or_else(|_| j.to_string(), |job| format!("{} – {}", job.code, job.name));
                (j.0, label)
            }),
            holders: j
                .map(|j| w.job_holders(j).into_iter().map(|u| person(&w, Some(u))).collect())
                .unwrap_or_default(),
        })
        .collect();
    let gates = hosting::gates(&w, &v)
        .iter()
        .map(|g| gate_row(g, &codename, &system_code, lang))
        .collect();
    let mut versions: Vec<VersionRow> = v
        .version_history
        .iter()
        .map(|vv| {
            let n = notices.get(&vv.version.case.0).map(Vec::as_slice).unwrap_or_default();
            version_row(&w, vv, n, now, lang)
        })
        .collect();
    versions.reverse();
    let in_flight = v.version_history.last().is_some_and(|l| !l.facts.closed);
    Ok(SolutionPage {
        c: chrome(s, caller, lang),
        id: id.0,
        name: f.name.to_string(),
        phase: phase_key(v.phase),
        phase_class: phase_class(v.phase),
        codename,
        groups,
        environments,
        people,
        system,
        gates,
        versions,
        may_keep: may_keep(&w, s.now(), caller, &v.solution),
        may_open: !in_flight,
        version_typed,
        errors,
        last,
        history,
    })
}

pub(super) async fn solution_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    UiPath(code): UiPath<String>,
) -> UiResult<Response> {
    require_reader(&s, &caller, lang.tr)?;
    let id = by_code(&s.world(), &code, lang.tr)?;
    let p = solution_view(&s, &caller, lang.tr, id, String::new(), BTreeMap::new()).await?;
    page(lang, &p)
}

/// A GET of a form's address (the language switch of a page answering a POST).
pub(super) async fn back_to_solution(
    UiPath(code): UiPath<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Redirect {
    let code = url_escape(&code);
    match q {
        Some(q) => Redirect::to(&format!("/ui/solutions/{code}?{q}")),
        None => Redirect::to(&format!("/ui/solutions/{code}")),
    }
}
