//! Responsibility (RACI) matrices (issue #17, seed 003): the shipped model-2A template
//! validates with exactly its one warning; a matrix with two A's (or none) at a task and layer
//! is refused with every problem named; an override by someone not allowed is refused; the
//! accountable person follows job changes; the validator agrees with a brute-force oracle.

use crate::common::*;
use adam_core::raci::{
    Bound, Cell, Finding, Key, Party, RaciMatrix, SolutionCode, Template, TemplateRef, template, template_grid,
    validate,
};
use adam_core::*;
use proptest::prelude::*;

fn key(s: &str) -> Key {
    Key::parse(s).unwrap()
}

fn model_2a() -> &'static Template {
    template::latest(&key(template::MODEL_2A_CODE)).expect("model 2A is shipped")
}

#[test]
fn the_2a_template_is_the_reconstructed_table() {
    let t = model_2a();
    assert_eq!(t.tasks.len(), 25);
    assert_eq!(t.layers.len(), 4);
    assert_eq!(t.parties.len(), 2);
    assert_eq!(t.categories.len(), 4);
    assert_eq!(t.footnotes.len(), 6);
    // REQUIREMENTS-WAVE2 §3.6: the letters' counts per party.
    let mut counts = [std::collections::BTreeMap::<String, usize>::new(), Default::default()];
    for task in &t.tasks {
        for (i, c) in task.cells.iter().enumerate() {
            *counts[i % 2].entry(c.to_string()).or_default() += 1;
        }
    }
    let expect = |pairs: &[(&str, usize)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    assert_eq!(
        counts[0],
        expect(&[("", 48), ("AR", 30), ("A", 4), ("CI", 6), ("I", 12)])
    );
    assert_eq!(
        counts[1],
        expect(&[("", 26), ("AR", 66), ("R", 3), ("CI", 4), ("I", 1)])
    );
    // The footnotes sit where the seed puts them: 1–4 on tasks, 5 and 6 on customer cells.
    let on_tasks: Vec<(u16, Vec<u8>)> = t
        .tasks
        .iter()
        .filter(|r| !r.footnotes.is_empty())
        .map(|r| (r.n, r.footnotes.clone()))
        .collect();
    assert_eq!(on_tasks, vec![(6, vec![1]), (7, vec![2]), (8, vec![3]), (25, vec![4])]);
    let backup = t.task(10).unwrap();
    assert_eq!(
        t.cell_footnotes(backup, &key("applications"), &key("customer")),
        vec![6]
    );
    assert_eq!(t.cell_footnotes(backup, &key("middleware"), &key("customer")), vec![5]);
    let fives: usize = t
        .tasks
        .iter()
        .map(|r| r.cell_footnotes.iter().filter(|f| f.footnote == 5).count())
        .sum();
    assert_eq!(fives, 6);
}

#[test]
fn the_2a_template_validates_with_exactly_its_one_warning() {
    let report = validate(&template_grid(model_2a()));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        report.warnings,
        vec![Finding::NoResponsible {
            task: 10,
            layer: key("applications"),
            footnotes: vec![6],
        }]
    );
    let w = &report.warnings[0];
    assert!(w.message(lang::Lang::En).contains("no R"), "{w}");
    assert!(w.message(lang::Lang::Sl).contains("izvajalca (R)"), "{w}");
}

#[test]
fn a_template_file_with_a_bad_letter_or_a_short_row_does_not_read() {
    let good = serde_json::to_string(model_2a()).unwrap();
    assert_eq!(Template::from_json(&good).unwrap(), *model_2a());
    let bad_letter = good.replacen("\"AR\"", "\"AX\"", 1);
    assert!(Template::from_json(&bad_letter).unwrap_err().0.contains("'X'"));
    let twice = good.replacen("\"AR\"", "\"AA\"", 1);
    assert!(Template::from_json(&twice).is_err());
    let short = good
        .replacen("[\"AR\", \"\",", "[", 1)
        .replacen("[\"AR\",\"\",", "[", 1);
    assert!(Template::from_json(&short).unwrap_err().0.contains("cells"));
}

/// The town with a matrix for OPSI: the customer bound to Ana's job (UN), the provider to
/// the office KZUP (its head, Leon).
struct Fixture {
    town: Town,
    matrix: RaciMatrixId,
    leader_kzup: JobId,
}

fn opsi() -> SolutionCode {
    SolutionCode::parse("opsi").unwrap()
}

fn create(solution: SolutionCode, customer: Option<Bound>, provider: Option<Bound>) -> Command {
    Command::CreateRaciMatrix {
        solution,
        template: TemplateRef {
            code: key(template::MODEL_2A_CODE),
            version: 1,
        },
        parties: vec![
            Party {
                key: key("customer"),
                name: None,
                bound: customer,
            },
            Party {
                key: key("provider"),
                name: None,
                bound: provider,
            },
        ],
    }
}

fn fixture() -> Fixture {
    let mut town = town();
    sys(
        &mut town.w,
        Command::RegisterSolution {
            fields: adam_testkit::bare_solution("opsi"),
        },
    );
    let leader_kzup = town.w.job_by_code("LEADER.KZUP").unwrap();
    let created = sys(
        &mut town.w,
        create(opsi(), Some(Bound::Job(town.ana_job)), Some(Bound::Office(town.kzup))),
    );
    let Some(Created::RaciMatrix(matrix)) = created else {
        panic!("{created:?}")
    };
    Fixture {
        town,
        matrix,
        leader_kzup,
    }
}

fn set(matrix: RaciMatrixId, task: u16, layer: &str, party: &str, letters: &str, reason: Option<&str>) -> Command {
    Command::OverrideRaciCell {
        matrix,
        task,
        layer: key(layer),
        party: key(party),
        letters: Cell::parse(letters).unwrap(),
        reason: reason.map(text),
    }
}

#[test]
fn the_solution_codename_is_kept_in_upper_case_and_a_second_matrix_is_refused() {
    let f = fixture();
    assert_eq!(f.town.w.raci_of(&opsi()).unwrap().solution.as_str(), "OPSI");
    let err = refused(&f.town.w, Actor::System, create(opsi(), None, None));
    assert_eq!(err.code(), "raci-matrix-exists");
    let err = refused(
        &f.town.w,
        Actor::user(f.town.uros),
        create(SolutionCode::parse("E2").unwrap(), None, None),
    );
    assert_eq!(err.code(), "not-raci-keeper");
    let unknown = Command::CreateRaciMatrix {
        solution: SolutionCode::parse("E2").unwrap(),
        template: TemplateRef {
            code: key("dk-sit-2a"),
            version: 9,
        },
        parties: vec![],
    };
    assert_eq!(
        refused(&f.town.w, Actor::System, unknown).code(),
        "unknown-raci-template"
    );
    // A codename the registry does not hold gets no matrix: it would bind nobody's work.
    let err = refused(
        &f.town.w,
        Actor::System,
        create(SolutionCode::parse("E2").unwrap(), None, None),
    );
    assert_eq!(err.code(), "unknown-raci-solution");
    assert!(err.to_string().contains("E2"), "{err}");
}

#[test]
fn a_matrix_with_two_as_or_none_at_a_task_and_layer_is_refused() {
    let f = fixture();
    // Restore / middleware: the provider is AR; making the customer A too gives two A's.
    let err = refused(
        &f.town.w,
        Actor::System,
        set(
            f.matrix,
            11,
            "middleware",
            "customer",
            "AI",
            Some("the customer wants it"),
        ),
    );
    assert_eq!(err.code(), "raci-matrix-invalid");
    let Error::Raci(RaciError::InvalidMatrix(found)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        found.0,
        vec![Finding::SeveralAccountable {
            task: 11,
            layer: key("middleware"),
            parties: vec![key("customer"), key("provider")],
        }]
    );
    assert!(err.message(lang::Lang::Sl).contains("natanko en A"));
    // Taking the provider's A leaves nobody accountable.
    let err = refused(
        &f.town.w,
        Actor::System,
        set(f.matrix, 11, "middleware", "provider", "R", Some("x")),
    );
    assert!(err.to_string().contains("nobody is accountable"), "{err}");
}

#[test]
fn an_override_by_someone_not_allowed_is_refused() {
    let mut f = fixture();
    let m = f.matrix;
    // Uroš has nothing to do with OPSI; Ana is the customer, but the provider is accountable
    // for restoring the middleware.
    for who in [f.town.uros, f.town.ana] {
        let err = refused(
            &f.town.w,
            Actor::user(who),
            set(m, 11, "middleware", "customer", "CI", Some("we want to be asked")),
        );
        assert_eq!(err.code(), "raci-override-not-allowed", "{who}");
        assert!(err.to_string().contains("(provider)"), "{err}");
    }
    // Leon heads KZUP, the provider's office: he may, with a reason.
    let leon = Actor::user(f.town.leon);
    let err = refused(&f.town.w, leon, set(m, 11, "middleware", "customer", "CI", None));
    assert_eq!(err.code(), "raci-reason-missing");
    run_as(
        &mut f.town.w,
        &leon,
        set(
            m,
            11,
            "middleware",
            "customer",
            "CI",
            Some("the customer is consulted on restores"),
        ),
    );
    let matrix = f.town.w.raci_matrix(m).unwrap();
    assert_eq!(matrix.overrides.len(), 1);
    assert_eq!(matrix.overrides[0].approved_by, Some(f.town.leon));
    assert_eq!(matrix.overrides[0].letters.to_string(), "CI");
    // Ana is accountable for the applications layer: she may change that.
    run_as(
        &mut f.town.w,
        &Actor::user(f.town.ana),
        set(
            m,
            10,
            "applications",
            "customer",
            "AR",
            Some("we back up the application ourselves"),
        ),
    );
    let report = validate(&f.town.w.raci_matrix(m).unwrap().grid(model_2a()));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn the_accountable_person_follows_job_changes() {
    let mut f = fixture();
    let who = |w: &World| w.raci_who(&opsi(), "Restore", "middleware").unwrap();
    let a = who(&f.town.w).accountable.unwrap();
    assert_eq!(a.party.as_str(), "provider");
    assert_eq!(a.letters.to_string(), "AR");
    assert_eq!(a.job, Some(f.leader_kzup));
    assert_eq!(a.people, vec![f.town.leon]);
    // The customer is informed only on errors and deviations (footnote 5).
    let answer = who(&f.town.w);
    let customer = answer.parties.iter().find(|p| p.party.as_str() == "customer").unwrap();
    assert_eq!(
        (customer.letters.to_string(), customer.footnotes.clone()),
        ("I".to_owned(), vec![5])
    );
    // Leon leaves the head's job and Dora takes it: the answer follows.
    sys(
        &mut f.town.w,
        Command::UnassignJob {
            user: f.town.leon,
            job: f.leader_kzup,
        },
    );
    assert!(who(&f.town.w).accountable.unwrap().people.is_empty());
    sys(
        &mut f.town.w,
        Command::AssignJob {
            user: f.town.dora,
            job: f.leader_kzup,
        },
    );
    assert_eq!(who(&f.town.w).accountable.unwrap().people, vec![f.town.dora]);
    // By task number and by the Slovenian names too.
    assert_eq!(
        f.town
            .w
            .raci_who(&opsi(), "11", "Vmesna programska oprema")
            .unwrap()
            .task,
        11
    );
    assert_eq!(
        f.town.w.raci_who(&opsi(), "Obnova", "middleware").unwrap().task_name.en,
        "Restore"
    );
    let err = f.town.w.raci_who(&opsi(), "Nothing", "middleware").unwrap_err();
    assert_eq!(err.code(), "unknown-raci-task");
    let err = f
        .town
        .w
        .raci_who(&SolutionCode::parse("EKT").unwrap(), "11", "middleware")
        .unwrap_err();
    assert_eq!(err.code(), "no-raci-matrix");
}

#[test]
fn a_party_is_added_with_a_name_and_the_matrix_replays_from_its_rows() {
    let (world, log) = recording(|| {
        let mut f = fixture();
        let err = refused(
            &f.town.w,
            Actor::System,
            Command::SetRaciParty {
                matrix: f.matrix,
                party: Party {
                    key: key("supplier"),
                    name: None,
                    bound: None,
                },
            },
        );
        assert_eq!(err.code(), "raci-party-name-missing");
        sys(
            &mut f.town.w,
            Command::SetRaciParty {
                matrix: f.matrix,
                party: Party {
                    key: key("supplier"),
                    name: Some(text("The customer's application supplier")),
                    bound: Some(Bound::Job(f.town.cene_job)),
                },
            },
        );
        sys(
            &mut f.town.w,
            set(
                f.matrix,
                25,
                "applications",
                "supplier",
                "R",
                Some("footnote 4: operations test"),
            ),
        );
        f.town.w
    });
    let m = world.raci_of(&opsi()).unwrap();
    assert_eq!(m.parties.len(), 3);
    let who = world.raci_who(&opsi(), "25", "applications").unwrap();
    assert_eq!(who.task_footnotes, vec![4]);
    assert!(
        who.parties
            .iter()
            .any(|p| p.party.as_str() == "supplier" && p.overridden)
    );

    let mut replayed = World::new(text("Mestna občina Koper"));
    for change in &log {
        replayed.apply_change_set(change.clone()).unwrap();
    }
    assert_eq!(replayed.raci_matrices(), world.raci_matrices());
    let rows: Vec<_> = log
        .iter()
        .flat_map(|c| c.events.iter())
        .filter_map(Event::register_row)
        .filter(|r| r.kind == EntityKind::RaciMatrix)
        .collect();
    let last = rows.last().unwrap();
    let back = Event::from_register_row(last.kind.as_str(), last.id, last.body.clone()).unwrap();
    assert_eq!(back, Event::RaciMatrix(m.clone()));
}

// ---- the validator against a brute-force oracle ----------------------------------------

/// The rules said the slow way: for every task and layer, look at every cell of the grid and
/// keep those at that task and layer.
fn oracle(
    tasks: usize,
    layers: usize,
    parties: usize,
    cells: &[(usize, usize, usize, Cell)],
) -> (Vec<String>, Vec<String>) {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    for t in 0..tasks {
        for l in 0..layers {
            let here: Vec<&(usize, usize, usize, Cell)> =
                cells.iter().filter(|(ct, cl, _, _)| *ct == t && *cl == l).collect();
            assert_eq!(here.len(), parties);
            let a: Vec<usize> = here
                .iter()
                .filter(|c| c.3.to_string().contains('A'))
                .map(|c| c.2)
                .collect();
            if a.len() != 1 {
                problems.push(format!("{t}/{l}/{a:?}"));
            }
            if !here.iter().any(|c| c.3.to_string().contains('R')) {
                warnings.push(format!("{t}/{l}"));
            }
        }
    }
    (problems, warnings)
}

proptest! {
    #[test]
    fn the_validator_agrees_with_the_oracle(
        tasks in 1usize..5,
        layers in 1usize..4,
        parties in 1usize..4,
        bits in proptest::collection::vec(0u8..16, 48),
    ) {
        let grid = raci::Grid {
            tasks: (1..=tasks as u16).collect(),
            layers: (0..layers).map(|l| key(&format!("l{l}"))).collect(),
            parties: (0..parties).map(|p| key(&format!("p{p}"))).collect(),
            cells: (0..tasks * layers * parties).map(|i| Cell::from_bits(bits[i])).collect(),
            footnotes: vec![Vec::new(); tasks * layers * parties],
        };
        let mut flat = Vec::new();
        for t in 0..tasks {
            for l in 0..layers {
                for p in 0..parties {
                    flat.push((t, l, p, Cell::from_bits(bits[(t * layers + l) * parties + p])));
                }
            }
        }
        let (problems, warnings) = oracle(tasks, layers, parties, &flat);
        let report = validate(&grid);
        let got_problems: Vec<String> = report.problems.iter().map(|f| match f {
            Finding::NoAccountable { task, layer } => format!("{}/{}/[]", task - 1, &layer.as_str()[1..]),
            Finding::SeveralAccountable { task, layer, parties } => format!(
                "{}/{}/{:?}",
                task - 1,
                &layer.as_str()[1..],
                parties.iter().map(|p| p.as_str()[1..].parse::<usize>().unwrap()).collect::<Vec<_>>()
            ),
            other => panic!("{other:?} is no problem"),
        }).collect();
        let got_warnings: Vec<String> = report.warnings.iter().map(|f| match f {
            Finding::NoResponsible { task, layer, .. } => format!("{}/{}", task - 1, &layer.as_str()[1..]),
            other => panic!("{other:?} is no warning"),
        }).collect();
        prop_assert_eq!(got_problems, problems);
        prop_assert_eq!(got_warnings, warnings);
        prop_assert_eq!(report.is_valid(), report.problems.is_empty());
    }
}

#[test]
fn a_matrix_record_reads_back_from_json() {
    let f = fixture();
    let m = f.town.w.raci_matrix(f.matrix).unwrap();
    let json = serde_json::to_string(m).unwrap();
    let back: RaciMatrix = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, m);
}
