//! The responsibility matrices' page (`/ui/raci`, issue #17): the solutions whose matrix the
//! person may read; for a chosen solution, the question "who is accountable for task T at
//! layer L?" answered with the party, its job and the people holding it now, and the whole
//! matrix (tasks by category × layers × parties, overridden cells marked, footnotes, the rule
//! check's warning with its footnote). Reading rules and views are the service's
//! (`service/raci.rs`); this page only renders them. `?at=` shows the matrix as it stood at an
//! earlier instant (nothing to change then), and the page ends with the matrix's last change
//! and its history from the audit trail (`ui/history.rs`).

use super::chrome::*;
use super::guard::needs;
use super::history::{HistoryRow, LastChangeView, record_history_until};
use super::i18n::Tr;
use super::process::{local_input, local_instant};
use crate::authn::Scope;
use crate::service::raci::{self as svc, PartyWho};
use crate::state::AppState;
use adam_core::lang::Lang as CoreLang;
use adam_core::raci::{Finding, SolutionCode};
use adam_core::{EntityKind, Timestamp, World};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

mod forms;
mod report;

/// The pages' routes.
pub(super) fn routes() -> super::Routes {
    super::Routes::new()
        .route("/ui/raci", axum::routing::get(raci_page))
        .route("/ui/raci/new", axum::routing::post(needs(Scope::Write, forms::create)))
        .route("/ui/raci/{solution}/report", axum::routing::get(report::report_page))
        .route(
            "/ui/raci/{solution}/override",
            axum::routing::post(needs(Scope::Write, forms::override_cell)),
        )
        .route(
            "/ui/raci/{solution}/bind",
            axum::routing::get(forms::bind_page).post(forms::bind),
        )
}

/// What the question form sends.
#[derive(Debug, Default, Deserialize)]
pub struct RaciQuery {
    #[serde(default)]
    pub(super) solution: Option<String>,
    #[serde(default)]
    pub(super) task: Option<String>,
    #[serde(default)]
    pub(super) layer: Option<String>,
    /// An earlier instant to show the matrix as of (Ljubljana's time or RFC 3339); empty: now.
    #[serde(default)]
    pub(super) at: Option<String>,
}

/// A choice in a select.
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
}

/// One party as the answer shows it.
pub(super) struct PartyShown {
    pub(super) letters: String,
    pub(super) name: String,
    pub(super) office: String,
    pub(super) job: String,
    pub(super) job_id: Option<u32>,
    pub(super) people: Vec<(u32, String)>,
    pub(super) notes: Vec<String>,
    pub(super) overridden: bool,
}

/// The answer.
pub(super) struct WhoShown {
    pub(super) task: String,
    pub(super) layer: String,
    pub(super) accountable: Option<PartyShown>,
    pub(super) parties: Vec<PartyShown>,
    pub(super) task_notes: Vec<String>,
}

/// One cell of the table.
pub(super) struct CellShown {
    pub(super) letters: String,
    pub(super) notes: String,
    pub(super) overridden: bool,
    pub(super) warn: bool,
}

/// One row of the table.
pub(super) struct RowShown {
    pub(super) n: u16,
    pub(super) name: String,
    pub(super) notes: String,
    pub(super) cells: Vec<CellShown>,
}

/// One category of rows.
pub(super) struct CategoryShown {
    pub(super) name: String,
    pub(super) rows: Vec<RowShown>,
}

/// The chosen matrix.
pub(super) struct MatrixShown {
    pub(super) solution: String,
    pub(super) template: String,
    pub(super) layers: Vec<String>,
    pub(super) parties: Vec<(String, String, String)>,
    pub(super) categories: Vec<CategoryShown>,
    pub(super) footnotes: Vec<(u8, String)>,
    pub(super) warnings: Vec<String>,
    pub(super) overrides: Vec<String>,
}

#[derive(Template)]
#[template(path = "raci.html")]
pub(super) struct RaciPage {
    pub(super) c: Chrome,
    pub(super) solutions: Vec<String>,
    pub(super) solution: String,
    pub(super) tasks: Vec<Choice>,
    pub(super) layers: Vec<Choice>,
    pub(super) task: String,
    pub(super) layer: String,
    pub(super) matrix: Option<MatrixShown>,
    pub(super) who: Option<WhoShown>,
    /// The change forms, for those who may use them.
    pub(super) forms: Option<forms::Options>,
    /// What the change forms hold (as typed, with the messages at their fields).
    pub(super) typed: forms::Typed,
    /// The new-matrix form, for a keeper.
    pub(super) create: Option<forms::CreateOptions>,
    /// The instant the page shows the matrix as of, in Ljubljana's time (empty: now).
    pub(super) as_of: String,
    /// The "as of" field as typed or as the instant shown.
    pub(super) as_of_input: String,
    /// The message at the "as of" field.
    pub(super) as_of_error: Option<String>,
    /// The matrix's last change and its history (up to the instant shown).
    pub(super) last: Option<LastChangeView>,
    pub(super) history: Vec<HistoryRow>,
    /// The shown matrix's record number (for its history).
    pub(super) matrix_id: Option<u32>,
}

fn superscript(notes: &[u8]) -> String {
    notes.iter().map(|n| format!("{n})")).collect::<Vec<_>>().join(" ")
}

/// A job as the page names it: its id, and its name when that says more.
fn job_label(j: &svc::JobRef) -> String {
    if j.name == j.code {
        j.code.clone()
    } else {
        format!("{} – {}", j.code, j.name)
    }
}

fn party_shown(p: &PartyWho, lang: CoreLang) -> PartyShown {
    PartyShown {
        letters: p.letters.to_string(),
        name: p.name.get(lang).to_owned(),
        office: p
            .office
            .as_ref()
            .map(|o| format!("{} – {}", o.code, o.name))
            .unwrap_or_default(),
        job: p.job.as_ref().map(job_label).unwrap_or_default(),
        job_id: p.job.as_ref().map(|j| j.id.0),
        people: p
            .people
            .iter()
            .map(|u| (u.id.0, format!("{} ({})", u.name, u.username)))
            .collect(),
        notes: p
            .footnotes
            .iter()
            .map(|f| format!("{}) {}", f.n, f.text.get(lang)))
            .collect(),
        overridden: p.overridden,
    }
}

pub(super) async fn raci_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
    Query(q): Query<RaciQuery>,
) -> UiResult<Response> {
    let t = lang.tr;
    let typed = q.at.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let at = if typed.is_empty() {
        None
    } else if let Some(at) = local_instant(&typed) {
        Some(at)
    } else {
        // The matrix now, the instant as typed, the message at the field.
        let mut p = view(&s, &caller, t, &q, forms::Typed::default())?;
        p.as_of_input = typed;
        p.as_of_error = Some(t.s("proc_as_of_invalid").to_owned());
        with_history(&s, &mut p, None, t).await?;
        return refused_page(lang, &p);
    };
    // Refused before the replay: who may not read the matrix today learns what they did before.
    let past = match at {
        Some(at) => {
            view_with(&s, &caller, t, &q, forms::Typed::default(), None)?;
            s.world_as_of(Some(at)).await.ui(t)?
        }
        None => None,
    };
    let mut p = view_with(&s, &caller, t, &q, forms::Typed::default(), past.as_deref())?;
    if let Some(at) = at {
        p.as_of = local(at);
        p.as_of_input = local_input(at);
        p.forms = None;
        p.create = None;
    }
    with_history(&s, &mut p, at, t).await?;
    page(lang, &p)
}

/// Fills the page's last change and history of the shown matrix, up to `until`.
async fn with_history(s: &AppState, p: &mut RaciPage, until: Option<Timestamp>, t: Tr) -> UiResult<()> {
    if let Some(id) = p.matrix_id {
        (p.last, p.history) = record_history_until(s, EntityKind::RaciMatrix, id, until, t).await?;
    }
    Ok(())
}

/// The page for a solution (or the first readable one), with the forms as typed.
pub(super) fn view(
    s: &AppState,
    caller: &crate::authn::Caller,
    t: Tr,
    q: &RaciQuery,
    typed: forms::Typed,
) -> UiResult<RaciPage> {
    view_with(s, caller, t, q, typed, None)
}

/// As [`view`]; with `past`, the matrix and the answer as they stood in that world (who may
/// read it is today's rule).
fn view_with(
    s: &AppState,
    caller: &crate::authn::Caller,
    t: Tr,
    q: &RaciQuery,
    typed: forms::Typed,
    past: Option<&World>,
) -> UiResult<RaciPage> {
    let core = if t.lang() == "en" { CoreLang::En } else { CoreLang::Sl };
    let now = s.now();
    let w = s.world();
    let solutions: Vec<String> = svc::list(&w, caller, now)
        .ui(t)?
        .into_iter()
        .map(|r| r.solution.to_string())
        .collect();
    let chosen = q
        .solution
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| solutions.first().map(String::as_str))
        .map(ToOwned::to_owned);
    let mut p = RaciPage {
        c: chrome(s, caller, t),
        solutions,
        solution: chosen.clone().unwrap_or_default(),
        tasks: Vec::new(),
        layers: Vec::new(),
        task: q.task.clone().unwrap_or_default(),
        layer: q.layer.clone().unwrap_or_default(),
        matrix: None,
        who: None,
        forms: None,
        typed,
        create: forms::create_options(&w, caller, core, now),
        as_of: String::new(),
        as_of_input: String::new(),
        as_of_error: None,
        last: None,
        history: Vec::new(),
        matrix_id: None,
    };
    if let Some(chosen) = chosen {
        let code = svc::solution(&chosen).ui(t)?;
        let live = svc::readable(&w, caller, &code, now).ui(t)?;
        let (mw, m): (&World, _) = match past {
            Some(pw) => (pw, pw.raci_of(&code).ui(t)?),
            None => (&w, live),
        };
        p.matrix_id = Some(m.id.0);
        let view = svc::matrix_view(mw, m).ui(t)?;
        p.solution = code.to_string();
        p.tasks = view
            .tasks
            .iter()
            .map(|task| Choice {
                value: task.n.to_string(),
                label: format!("{}. {}", task.n, task.name.get(core)),
            })
            .collect();
        p.layers = view
            .layers
            .iter()
            .map(|l| Choice {
                value: l.key.to_string(),
                label: l.name.get(core).to_owned(),
            })
            .collect();
        let note_text = |n: u8| {
            view.footnotes
                .iter()
                .find(|f| f.n == n)
                .map(|f| f.text.get(core).to_owned())
                .unwrap_or_default()
        };
        let categories = view
            .categories
            .iter()
            .map(|cat| CategoryShown {
                name: cat.name.get(core).to_owned(),
                rows: view
                    .tasks
                    .iter()
                    .filter(|task| task.category == cat.key)
                    .map(|task| RowShown {
                        n: task.n,
                        name: task.name.get(core).to_owned(),
                        notes: superscript(&task.footnotes),
                        cells: task
                            .layers
                            .iter()
                            .flat_map(|l| {
                                l.cells.iter().map(move |c| CellShown {
                                    letters: c.letters.to_string(),
                                    notes: superscript(&c.footnotes),
                                    overridden: c.overridden.is_some(),
                                    warn: l.no_responsible && c.letters.has(adam_core::raci::Letter::A),
                                })
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        // The rules speak in keys (`task 10, layer applications`); the page says the names.
        let layer_name = |k: &adam_core::raci::Key| {
            view.layers
                .iter()
                .find(|l| &l.key == k)
                .map_or_else(|| k.to_string(), |l| l.name.get(core).to_owned())
        };
        let task_name = |n: u16| {
            view.tasks
                .iter()
                .find(|task| task.n == n)
                .map_or_else(|| n.to_string(), |task| format!("{n} ({})", task.name.get(core)))
        };
        let party_name = |k: &adam_core::raci::Key| {
            view.parties
                .iter()
                .find(|p| &p.key == k)
                .map_or_else(|| k.to_string(), |p| p.name.get(core).to_owned())
        };
        let warnings = view
            .report
            .warnings
            .iter()
            .map(|f| {
                let mut text = f.message(core);
                if let Finding::NoResponsible { task, layer, .. } = f {
                    let (word_task, word_layer) = match core {
                        CoreLang::Sl => ("naloga", "plast"),
                        CoreLang::En => ("task", "layer"),
                    };
                    text = text.replacen(
                        &format!("{word_task} {task}, {word_layer} {layer}"),
                        &format!("{word_task} {}, {word_layer} {}", task_name(*task), layer_name(layer)),
                        1,
                    );
                }
                if let Finding::NoResponsible { footnotes, .. } = f {
                    for n in footnotes {
                        text.push_str(&format!(" — {n}) {}", note_text(*n)));
                    }
                }
                text
            })
            .collect();
        let overrides = view
            .matrix
            .overrides
            .iter()
            .map(|o| {
                let who = o
                    .approved_by
                    .and_then(|u| mw.user(u).ok())
                    .map_or_else(|| t.s("raci_console").to_owned(), |u| u.display_name());
                format!(
                    "{} {} / {} / {}: {} — {} ({} {})",
                    t.s("raci_task"),
                    task_name(o.task),
                    layer_name(&o.layer),
                    party_name(&o.party),
                    o.letters,
                    o.reason,
                    t.s("raci_approved_by"),
                    who
                )
            })
            .collect();
        p.matrix = Some(MatrixShown {
            solution: view.matrix.solution.to_string(),
            template: format!("{} ({})", view.template_name.get(core), view.matrix.template),
            layers: view.layers.iter().map(|l| l.name.get(core).to_owned()).collect(),
            parties: view
                .parties
                .iter()
                .map(|p| {
                    let job = p.job.as_ref().map(|j| j.code.clone()).unwrap_or_default();
                    let people = p.people.iter().map(|u| u.name.clone()).collect::<Vec<_>>().join(", ");
                    (p.name.get(core).to_owned(), job, people)
                })
                .collect(),
            categories,
            footnotes: view
                .footnotes
                .iter()
                .map(|f| (f.n, f.text.get(core).to_owned()))
                .collect(),
            warnings,
            overrides,
        });
        if let (Some(task), Some(layer)) = (q.task.as_deref(), q.layer.as_deref())
            && !task.is_empty()
            && !layer.is_empty()
        {
            let answer = svc::who(mw, m, task, layer).ui(t)?;
            p.who = Some(WhoShown {
                task: format!("{}. {}", answer.task, answer.task_name.get(core)),
                layer: answer.layer_name.get(core).to_owned(),
                accountable: answer.accountable.as_ref().map(|a| party_shown(a, core)),
                parties: answer.parties.iter().map(|a| party_shown(a, core)).collect(),
                task_notes: answer
                    .task_footnotes
                    .iter()
                    .map(|f| format!("{}) {}", f.n, f.text.get(core)))
                    .collect(),
            });
        }
    }
    if let Some(m) = p
        .matrix
        .as_ref()
        .filter(|_| past.is_none())
        .and_then(|_| w.raci_of(&SolutionCode::parse(&p.solution).ok()?).ok())
    {
        p.forms = forms::options(&w, caller, m, core, now);
    }
    drop(w);
    Ok(p)
}
