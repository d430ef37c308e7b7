//! Responsibility (RACI) matrices (issue #17, seed 003): who reads them, and the views the
//! API (`api/raci.rs`), the UI (`ui/raci.rs`) and the CLI (`adam raci who`) show — the
//! shipped templates with their rule check, a solution's matrix with its effective cells, and
//! the answer to "who is accountable for task T at layer L of solution X": the party, the job
//! through which it answers and the people holding that job now.
//!
//! Changes are commands (`CreateRaciMatrix`, `SetRaciParty`, `OverrideRaciCell`) sent through
//! `AppState::execute`, built once at the end of this file for the API and the pages; the
//! engine decides who may make them (`plan/raci.rs`).
//!
//! **Who reads a matrix:** whoever reads the inventory (the keepers, user administrators and
//! custodians: the matrix says who answers for the systems there) and the people holding a job
//! through which one of the matrix's parties answers — they need to know who does what. Others
//! are refused (`not-a-raci-reader`); the templates are read by every signed-in person.

use crate::authn::{Caller, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::raci::template::{Footnote, Named, Words};
use adam_core::raci::{
    Bound, Cell, Key, Letter, Override, PartyAnswer, RaciMatrix, Report, SolutionCode, Template, TemplateRef,
    WhoAnswer, template, validate,
};
use adam_core::*;
use schemars::JsonSchema;
use serde::Serialize;

/// Whether the caller may read this matrix.
pub(crate) fn may_read(w: &World, caller: &Caller, m: &RaciMatrix, now: Timestamp) -> bool {
    if super::inventory::reader(w, caller, now).is_some() {
        return true;
    }
    m.parties.iter().filter_map(|p| p.bound).any(|b| {
        let (_, job) = w.raci_job(b);
        job.is_some_and(|j| w.raci_people(j).contains(&caller.user))
    })
}

fn not_reader() -> WebError {
    WebError::forbidden(
        "not-a-raci-reader",
        "a responsibility matrix is read by the inventory's readers and by the people holding a job bound to one of its parties",
    )
    .sl("matriko odgovornosti berejo bralci popisa in osebe na delovnih mestih, povezanih z eno od njenih strani")
}

/// The matrix of a solution, if the caller may read it (an unreadable one is refused the same
/// way as a missing one would be told apart: only after the read check).
pub(crate) fn readable<'w>(
    w: &'w World,
    caller: &Caller,
    solution: &SolutionCode,
    now: Timestamp,
) -> ApiResult<&'w RaciMatrix> {
    // Kept: the UI's RACI pages come back after its forms, whose routes declare only the write
    // scope, and the report page's route declares none.
    caller.require(Scope::Read)?;
    let m = match w.raci_of(solution) {
        Ok(m) => m,
        // Saying "no matrix" to someone who reads none would tell them nothing they may not
        // know, but refusing first keeps the rule simple: outsiders learn nothing.
        Err(e) if super::inventory::reader(w, caller, now).is_some() => return Err(e.into()),
        Err(_) => return Err(not_reader()),
    };
    if may_read(w, caller, m, now) {
        Ok(m)
    } else {
        Err(not_reader())
    }
}

/// Reads a solution codename from a path or a form.
pub fn solution(value: &str) -> ApiResult<SolutionCode> {
    Ok(SolutionCode::parse(value)?)
}

/// A shipped template with what the rules say of it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TemplateView {
    /// The template.
    pub template: Template,
    /// Its rule check: problems (none in a shipped one) and warnings.
    pub report: Report,
}

/// Every shipped template with its rule check (anyone who may read sees them: the read scope
/// is its one route's, `needs(Scope::Read, templates)`).
pub fn templates() -> Vec<TemplateView> {
    template::shipped()
        .iter()
        .map(|t| TemplateView {
            template: t.clone(),
            report: validate(&adam_core::raci::template_grid(t)),
        })
        .collect()
}

/// An office, named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct OfficeRef {
    /// Id.
    pub id: OfficeId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A job, named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct JobRef {
    /// Id.
    pub id: JobId,
    /// Job id (`LEADER.GLPI`).
    pub code: String,
    /// Name.
    pub name: String,
}

/// A person, named.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PersonRef {
    /// Id.
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
}

fn office_ref(w: &World, id: OfficeId) -> Option<OfficeRef> {
    w.office(id).ok().map(|o| OfficeRef {
        id,
        code: o.code.to_string(),
        name: o.name.to_string(),
    })
}
fn job_ref(w: &World, id: JobId) -> Option<JobRef> {
    w.job(id).ok().map(|j| JobRef {
        id,
        code: j.code.to_string(),
        name: j.name.to_string(),
    })
}
fn people(w: &World, ids: &[UserId]) -> Vec<PersonRef> {
    ids.iter()
        .filter_map(|u| w.user(*u).ok())
        .map(|u| PersonRef {
            id: u.id,
            username: u.username.to_string(),
            name: u.display_name(),
        })
        .collect()
}

/// A party of a matrix with where it sits and who holds its job now.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PartyView {
    /// Key.
    pub key: Key,
    /// Name.
    pub name: Words,
    /// Whether the template knows it.
    pub from_template: bool,
    /// Its binding.
    pub bound: Option<Bound>,
    /// Its office.
    pub office: Option<OfficeRef>,
    /// The job it answers through.
    pub job: Option<JobRef>,
    /// The active people holding that job now.
    pub people: Vec<PersonRef>,
}

fn party_views(w: &World, m: &RaciMatrix, t: &Template) -> Vec<PartyView> {
    m.parties
        .iter()
        .map(|p| {
            let (office, job) = p.bound.map_or((None, None), |b| w.raci_job(b));
            PartyView {
                key: p.key.clone(),
                name: t.party_name(&p.key, p.name.as_ref()),
                from_template: t.party_index(&p.key).is_some(),
                bound: p.bound,
                office: office.and_then(|o| office_ref(w, o)),
                job: job.and_then(|j| job_ref(w, j)),
                people: job.map(|j| people(w, &w.raci_people(j))).unwrap_or_default(),
            }
        })
        .collect()
}

/// One effective cell.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CellView {
    /// The party.
    pub party: Key,
    /// The letters in force.
    pub letters: Cell,
    /// The template's letters.
    pub template: Cell,
    /// The footnotes on the cell.
    pub footnotes: Vec<u8>,
    /// The override, if the cell is overridden.
    pub overridden: Option<Override>,
}

/// One layer of a task.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LayerCells {
    /// The layer.
    pub layer: Key,
    /// Its cells, party by party.
    pub cells: Vec<CellView>,
    /// Whether nobody performs the task at this layer (the rule's warning).
    pub no_responsible: bool,
}

/// One task of a matrix.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TaskView {
    /// Number.
    pub n: u16,
    /// Category.
    pub category: Key,
    /// Name.
    pub name: Words,
    /// Footnotes on the task.
    pub footnotes: Vec<u8>,
    /// Layer by layer.
    pub layers: Vec<LayerCells>,
}

/// A solution's matrix as its readers see it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MatrixView {
    /// The record.
    pub matrix: RaciMatrix,
    /// The template's name.
    pub template_name: Words,
    /// The template's layers.
    pub layers: Vec<Named>,
    /// The template's categories.
    pub categories: Vec<Named>,
    /// The template's footnotes.
    pub footnotes: Vec<Footnote>,
    /// The parties with their bindings and people.
    pub parties: Vec<PartyView>,
    /// The tasks with their effective cells.
    pub tasks: Vec<TaskView>,
    /// The rule check of the effective matrix.
    pub report: Report,
    /// The revision of the world that answered.
    pub revision: Revision,
}

fn template_of(m: &RaciMatrix) -> ApiResult<&'static Template> {
    Ok(m.template()
        .ok_or_else(|| Error::Raci(RaciError::UnknownTemplate(m.template.to_string())))?)
}

/// The whole view of a matrix.
pub fn matrix_view(w: &World, m: &RaciMatrix) -> ApiResult<MatrixView> {
    let t = template_of(m)?;
    let report = validate(&m.grid(t));
    let tasks = t
        .tasks
        .iter()
        .map(|row| TaskView {
            n: row.n,
            category: row.category.clone(),
            name: row.name.clone(),
            footnotes: row.footnotes.clone(),
            layers: t
                .layers
                .iter()
                .enumerate()
                .map(|(l, layer)| {
                    let cells: Vec<CellView> = m
                        .parties
                        .iter()
                        .map(|p| CellView {
                            party: p.key.clone(),
                            letters: m.cell(t, row.n, &layer.key, &p.key),
                            template: t.party_index(&p.key).map_or(Cell::EMPTY, |i| t.cell(row, l, i)),
                            footnotes: t.cell_footnotes(row, &layer.key, &p.key),
                            overridden: m.override_of(row.n, &layer.key, &p.key).cloned(),
                        })
                        .collect();
                    LayerCells {
                        layer: layer.key.clone(),
                        no_responsible: !cells.iter().any(|c| c.letters.has(Letter::R)),
                        cells,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(MatrixView {
        matrix: m.clone(),
        template_name: t.name.clone(),
        layers: t.layers.clone(),
        categories: t.categories.clone(),
        footnotes: t.footnotes.clone(),
        parties: party_views(w, m, t),
        tasks,
        report,
        revision: w.revision(),
    })
}

/// One line of the list of matrices.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MatrixRow {
    /// Id.
    pub id: RaciMatrixId,
    /// The solution.
    pub solution: SolutionCode,
    /// The template.
    pub template: TemplateRef,
    /// How many cells are overridden.
    pub overrides: usize,
    /// How many warnings the rules give.
    pub warnings: usize,
    /// Its revision.
    pub rev: Revision,
}

/// The matrices the caller may read, by codename.
pub fn list(w: &World, caller: &Caller, now: Timestamp) -> ApiResult<Vec<MatrixRow>> {
    // Kept: the UI's RACI page comes back after its forms (routes declaring the write scope).
    caller.require(Scope::Read)?;
    let mut rows: Vec<MatrixRow> = w
        .raci_matrices()
        .iter()
        .filter(|m| may_read(w, caller, m, now))
        .map(|m| MatrixRow {
            id: m.id,
            solution: m.solution.clone(),
            template: m.template.clone(),
            overrides: m.overrides.len(),
            warnings: m.template().map_or(0, |t| validate(&m.grid(t)).warnings.len()),
            rev: m.rev,
        })
        .collect();
    rows.sort_by(|a, b| a.solution.cmp(&b.solution));
    Ok(rows)
}

/// A party's part, with names.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PartyWho {
    /// The party's key.
    pub party: Key,
    /// Its name.
    pub name: Words,
    /// Its letters.
    pub letters: Cell,
    /// The footnotes on its cell, with their text.
    pub footnotes: Vec<Footnote>,
    /// Whether the cell is overridden.
    pub overridden: bool,
    /// Its office.
    pub office: Option<OfficeRef>,
    /// The job it answers through.
    pub job: Option<JobRef>,
    /// The active people holding that job now.
    pub people: Vec<PersonRef>,
}

/// "Who does what for task T at layer L of solution X", with names.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct WhoView {
    /// The solution.
    pub solution: SolutionCode,
    /// The task's number.
    pub task: u16,
    /// The task's name.
    pub task_name: Words,
    /// The task's footnotes, with their text.
    pub task_footnotes: Vec<Footnote>,
    /// The layer.
    pub layer: Key,
    /// The layer's name.
    pub layer_name: Words,
    /// The accountable party.
    pub accountable: Option<PartyWho>,
    /// Every party with a letter here.
    pub parties: Vec<PartyWho>,
    /// The revision of the world that answered.
    pub revision: Revision,
}

/// Answers who does what, with the names the pages and the CLI print.
pub fn who(w: &World, m: &RaciMatrix, task: &str, layer: &str) -> ApiResult<WhoView> {
    let t = template_of(m)?;
    let answer: WhoAnswer = w.raci_who(&m.solution, task, layer)?;
    let notes = |ns: &[u8]| ns.iter().filter_map(|n| t.footnote(*n).cloned()).collect::<Vec<_>>();
    let named = |p: &PartyAnswer| PartyWho {
        party: p.party.clone(),
        name: p.name.clone(),
        letters: p.letters,
        footnotes: notes(&p.footnotes),
        overridden: p.overridden,
        office: p.office.and_then(|o| office_ref(w, o)),
        job: p.job.and_then(|j| job_ref(w, j)),
        people: people(w, &p.people),
    };
    Ok(WhoView {
        solution: answer.solution.clone(),
        task: answer.task,
        task_name: answer.task_name.clone(),
        task_footnotes: notes(&answer.task_footnotes),
        layer: answer.layer.clone(),
        layer_name: answer.layer_name.clone(),
        accountable: answer.accountable.as_ref().map(named),
        parties: answer.parties.iter().map(named).collect(),
        revision: w.revision(),
    })
}

// ---- changes ---------------------------------------------------------------------------

/// A new matrix for a solution.
#[derive(Debug, Clone)]
pub struct NewMatrix {
    /// The solution's codename.
    pub solution: SolutionCode,
    /// The template and its version.
    pub template: TemplateRef,
    /// The parties, bound to the directory.
    pub parties: Vec<adam_core::raci::Party>,
}

/// Creates a solution's matrix.
pub async fn create_matrix(s: &AppState, caller: &Caller, input: NewMatrix) -> ApiResult<Plan> {
    let command = Command::CreateRaciMatrix {
        solution: input.solution,
        template: input.template,
        parties: input.parties,
    };
    s.execute(caller, None, command).await
}

/// Binds a party of a matrix to an office or a job, or adds a party.
pub async fn set_party(
    s: &AppState,
    caller: &Caller,
    matrix: RaciMatrixId,
    party: adam_core::raci::Party,
) -> ApiResult<Plan> {
    s.execute(caller, None, Command::SetRaciParty { matrix, party }).await
}

/// One cell changed from the template's letters.
#[derive(Debug, Clone)]
pub struct CellOverride {
    /// The task's number.
    pub task: u16,
    /// The layer.
    pub layer: Key,
    /// The party.
    pub party: Key,
    /// The letters.
    pub letters: Cell,
    /// Why.
    pub reason: Option<Text>,
}

/// Changes one cell of a matrix; the person recording it approves it.
pub async fn override_cell(
    s: &AppState,
    caller: &Caller,
    matrix: RaciMatrixId,
    input: CellOverride,
) -> ApiResult<Plan> {
    let command = Command::OverrideRaciCell {
        matrix,
        task: input.task,
        layer: input.layer,
        party: input.party,
        letters: input.letters,
        reason: input.reason,
    };
    s.execute(caller, None, command).await
}
