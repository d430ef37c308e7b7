//! Tests of the process diagram: the shipped definitions render, marks and escaping show, and a
//! large definition with loops lays out with no box, label or line on top of another box.

use super::layout::spread;
use super::*;
use crate::ids::{CaseId, DefinitionId, FolderId, Revision};
use crate::process::case::{CaseState, Transition};
use crate::process::shipped;
use crate::text::{Code, Text};
use crate::time::Timestamp;
use serde_json::json;

fn code(s: &str) -> Code {
    Code::parse("code", s).unwrap()
}

/// A case of `def` that went through these (step, outcome) decisions.
fn case_through(def: &Definition, decisions: &[(&str, &str)]) -> Case {
    let mut current = def.start.clone();
    let mut history = Vec::new();
    for (step, outcome) in decisions {
        assert_eq!(current.as_str(), *step);
        let to = def.step(step).unwrap().outcome(outcome).unwrap().to.clone();
        history.push(Transition {
            step: code(step),
            outcome: code(outcome),
            to: to.clone(),
            by: None,
            job: None,
            at: Timestamp(0),
            comment: None,
            attachments: Vec::new(),
        });
        current = to;
    }
    Case {
        id: CaseId(1),
        definition: DefinitionId(1),
        process: def.key.clone(),
        version: def.version,
        title: Text::parse("title", "A case").unwrap(),
        folder: FolderId(1),
        started_by: None,
        started_at: Timestamp(0),
        fields: Default::default(),
        attachments: Vec::new(),
        current,
        entered_at: Timestamp(0),
        visit: history.len() as u32,
        responsible: None,
        state: CaseState::Open,
        history,
        consents: Vec::new(),
        reminded: None,
        rev: Revision(1),
    }
}

fn security_event_case() -> (Definition, Case) {
    let def = shipped("security-event").unwrap();
    let case = case_through(
        &def,
        &[
            ("triage", "incident"),
            ("limit", "done"),
            ("evidence", "done"),
            ("remedy", "done"),
            ("record", "done"),
            ("communicate", "done"),
            ("examine", "more_remedy"),
        ],
    );
    (def, case)
}

/// A definition of `n` steps in a chain, with decisions that loop back, skip an optional step,
/// branch to a side path that rejoins, or end early.
fn synthetic(n: usize) -> Definition {
    let name = |i: usize| json!({"sl": format!("Korak {i}: preverjanje in potrditev namestitve okolja"), "en": format!("Step {i}: check")});
    let out = |key: &str, to: String| json!({"key": key, "name": {"sl": format!("Izid {key}"), "en": key}, "to": to});
    let mut steps = Vec::new();
    for i in 0..n {
        let key = format!("s{i}");
        if i == n - 1 {
            steps.push(json!({"key": key, "name": name(i), "kind": "end"}));
            continue;
        }
        let mut outcomes = vec![out("done", format!("s{}", i + 1))];
        if i % 5 == 4 && i >= 4 {
            outcomes.push(out("failed", format!("s{}", i - 3)));
        }
        if i % 7 == 3 && i + 2 < n {
            outcomes.push(out("skip", format!("s{}", i + 2)));
        }
        if i % 11 == 6 && i + 4 < n {
            outcomes.push(out("side", format!("x{i}")));
        }
        if i % 13 == 9 {
            outcomes.push(out("abandon", "stop".to_owned()));
        }
        if i % 17 == 16 {
            outcomes.push(out("again", key.clone()));
        }
        let kind = if outcomes.len() > 1 { "decision" } else { "task" };
        steps.push(json!({"key": key, "name": name(i), "kind": kind, "performer": "r", "outcomes": outcomes}));
        if i % 11 == 6 && i + 4 < n {
            steps.push(
                json!({"key": format!("x{i}"), "name": name(100 + i), "kind": "task", "performer": "r",
                "outcomes": [out("back", format!("s{}", i + 4))]}),
            );
        }
    }
    steps.push(json!({"key": "stop", "name": {"sl": "Opuščeno", "en": "Abandoned"}, "kind": "end"}));
    serde_json::from_value(json!({
        "key": "synthetic", "version": 1, "name": {"sl": "Umetni", "en": "Synthetic"},
        "roles": [{"key": "r", "name": {"sl": "Izvajalec", "en": "Performer"}, "binding": "starter"}],
        "start": "s0", "steps": steps
    }))
    .unwrap()
}

/// Points along a segment (a curve: the cubic with vertical tangents that is drawn).
fn samples(s: &Segment) -> Vec<(f64, f64)> {
    (1..40)
        .map(|k| {
            let t = f64::from(k) / 40.0;
            if s.curved {
                let my = (s.from.1 + s.to.1) / 2.0;
                let u = 1.0 - t;
                let x =
                    u * u * u * s.from.0 + 3.0 * u * u * t * s.from.0 + 3.0 * u * t * t * s.to.0 + t * t * t * s.to.0;
                let y = u * u * u * s.from.1 + 3.0 * u * u * t * my + 3.0 * u * t * t * my + t * t * t * s.to.1;
                (x, y)
            } else {
                (s.from.0 + (s.to.0 - s.from.0) * t, s.from.1 + (s.to.1 - s.from.1) * t)
            }
        })
        .collect()
}

/// Whether a piece of a path passes through the inside of a rectangle.
fn crosses(s: &Segment, r: &Rect) -> bool {
    // The drawn curve stays within the box spanned by its ends.
    let span = Rect {
        x: s.from.0.min(s.to.0),
        y: s.from.1.min(s.to.1),
        w: (s.from.0 - s.to.0).abs() + 0.1,
        h: (s.from.1 - s.to.1).abs() + 0.1,
    };
    span.overlaps(r) && samples(s).into_iter().any(|p| r.contains(p, 1.0))
}

/// Everything that must not lie on top of something else, named.
fn clashes(def: &Definition, lay: &Layout) -> Vec<String> {
    let mut bad = Vec::new();
    let key = |i: usize| def.steps[i].key.as_str().to_owned();
    for (i, a) in lay.nodes.iter().enumerate() {
        for b in &lay.nodes[i + 1..] {
            if a.rect.overlaps(&b.rect) {
                bad.push(format!("boxes {} and {}", key(a.step), key(b.step)));
            }
        }
        for e in &lay.edges {
            if e.label.overlaps(&a.rect) {
                bad.push(format!("label of {}→{} on box {}", key(e.from), key(e.to), key(a.step)));
            }
            // The last piece arrives at its step's outline, inside the bounding rectangle of a
            // decision's hexagon or an end's rounded box: not counted against that step.
            let own = |k: usize| e.to == a.step && k == e.path.len() - 1;
            for (k, s) in e.path.iter().enumerate() {
                if !own(k) && crosses(s, &a.rect) {
                    bad.push(format!(
                        "line {}→{} through box {}",
                        key(e.from),
                        key(e.to),
                        key(a.step)
                    ));
                    break;
                }
            }
        }
    }
    for a in &lay.edges {
        for b in lay.edges.iter().filter(|b| !std::ptr::eq(*b, a)) {
            if b.path.iter().any(|s| crosses(s, &a.label)) {
                bad.push(format!(
                    "line {}→{} through the label of {}→{}",
                    key(b.from),
                    key(b.to),
                    key(a.from),
                    key(a.to)
                ));
            }
        }
    }
    for (i, a) in lay.edges.iter().enumerate() {
        for b in &lay.edges[i + 1..] {
            if a.label.overlaps(&b.label) {
                bad.push(format!(
                    "labels of {}→{} and {}→{}",
                    key(a.from),
                    key(a.to),
                    key(b.from),
                    key(b.to)
                ));
            }
        }
    }
    let (w, h) = (lay.width, lay.height);
    for nb in &lay.nodes {
        if nb.rect.x < 0.0 || nb.rect.y < 0.0 || nb.rect.x + nb.rect.w > w || nb.rect.y + nb.rect.h > h {
            bad.push(format!("box {} outside the picture", key(nb.step)));
        }
    }
    for e in &lay.edges {
        for s in &e.path {
            if s.to.0 < 0.0 || s.to.0 > w || s.to.1 < 0.0 || s.to.1 > h {
                bad.push(format!("line {}→{} outside the picture", key(e.from), key(e.to)));
            }
        }
    }
    bad
}

#[test]
fn both_shipped_definitions_render_in_both_languages_with_every_step() {
    for (key, _) in crate::process::SHIPPED {
        let def = shipped(key).unwrap();
        for lang in Lang::ALL {
            let svg = svg(&def, &Marks::none(), lang);
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{key}");
            assert!(svg.ends_with("</svg>"), "{key}");
            assert!(svg.contains("viewBox=\"0 0 "), "{key}");
            for s in &def.steps {
                assert!(svg.contains(&format!("data-step=\"{}\"", s.key)), "{key}: {}", s.key);
                assert!(
                    svg.contains(&esc(&wrap(s.name.pick(lang), 100)[0]))
                        || svg.contains(&esc(&wrap(s.name.pick(lang), name_chars(s.kind))[0])),
                    "{key}: {}",
                    s.key
                );
                for o in &s.outcomes {
                    assert!(
                        svg.contains(&format!("data-from=\"{}\" data-outcome=\"{}\"", s.key, o.key)),
                        "{key}: {}",
                        o.key
                    );
                }
            }
            assert!(
                !svg.contains("class=\"step task current\""),
                "nothing current without a case"
            );
        }
        assert!(
            clashes(&def, &layout(&def)).is_empty(),
            "{key}: {:?}",
            clashes(&def, &layout(&def))
        );
    }
}

#[test]
fn a_case_marks_its_current_step_and_its_path() {
    let (def, case) = security_event_case();
    let marks = Marks::of(&case);
    assert_eq!(marks.current.as_deref(), Some("remedy"));
    let svg = svg(&def, &marks, Lang::En);
    assert!(svg.contains(r#"class="step task current" data-step="remedy""#), "{svg}");
    assert!(svg.contains(r#"class="step decision done" data-step="triage""#));
    assert!(svg.contains(r#"class="step decision done" data-step="examine""#));
    assert!(svg.contains(r#"class="step decision todo" data-step="close""#));
    assert!(svg.contains(r#"class="step end todo" data-step="closed_event""#));
    assert!(svg.contains(r#"class="edge done loop" data-from="examine" data-outcome="more_remedy""#));
    assert!(svg.contains(r#"class="edge todo" data-from="triage" data-outcome="not_incident""#));
    assert_eq!(svg.matches("current\"").count(), 1);
}

#[test]
fn names_are_escaped() {
    let mut def = shipped("security-event").unwrap();
    def.steps[0].name.en = Text::parse("name", r#"Check <script>"a" & 'b'</script>"#).unwrap();
    def.steps[0].outcomes[0].name.en = Text::parse("name", "x < y & z > w").unwrap();
    let svg = svg(&def, &Marks::none(), Lang::En);
    assert!(!svg.contains("<script"));
    assert!(
        svg.contains("Check &lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"),
        "{svg}"
    );
    assert!(svg.contains("x &lt; y &amp; z &gt; w"));
    // Every `<` left is a tag of ours.
    assert_eq!(
        svg.matches('<').count(),
        svg.matches("<svg").count()
            + svg.matches("</").count()
            + svg.matches("<title").count()
            + svg.matches("<defs").count()
            + svg.matches("<marker").count()
            + svg.matches("<path").count()
            + svg.matches("<g ").count()
            + svg.matches("<rect").count()
            + svg.matches("<polygon").count()
            + svg.matches("<text").count()
            + svg.matches("<tspan").count()
            + svg.matches("<circle").count()
            + svg.matches("<g>").count()
    );
}

#[test]
fn long_names_wrap_on_at_most_three_lines() {
    assert_eq!(
        wrap("Recording and triage of the event", 25),
        vec!["Recording and triage of", "the event"]
    );
    let long = wrap(&"word ".repeat(40), 20);
    assert_eq!(long.len(), 3);
    assert!(long[2].ends_with('…'));
    assert_eq!(wrap("Supercalifragilisticexpialidocious", 10).len(), 3);
}

#[test]
fn sixty_steps_with_loops_lay_out_without_anything_on_top_of_a_box() {
    let def = synthetic(60);
    assert!(def.steps.len() >= 60);
    let lay = layout(&def);
    assert_eq!(lay.nodes.len(), def.steps.len());
    assert!(
        lay.edges.iter().filter(|e| e.back).count() >= 10,
        "the definition has loops"
    );
    let bad = clashes(&def, &lay);
    assert!(bad.is_empty(), "{bad:#?}");
    // Forward outcomes lead down, loops lead to the same or an earlier layer.
    for e in &lay.edges {
        let (a, b) = (lay.nodes[e.from].layer, lay.nodes[e.to].layer);
        assert_eq!(e.back, b <= a, "{}→{}", def.steps[e.from].key, def.steps[e.to].key);
    }
    // Readable on a 1366-pixel screen: no wider than it.
    assert!(lay.width < 1366.0, "{}", lay.width);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let (def, case) = security_event_case();
    let a = svg(&def, &Marks::of(&case), Lang::Sl);
    let b = svg(&def.clone(), &Marks::of(&case.clone()), Lang::Sl);
    assert_eq!(a, b);
    let def = synthetic(60);
    assert_eq!(svg(&def, &Marks::none(), Lang::En), svg(&def, &Marks::none(), Lang::En));
}

#[test]
fn spread_keeps_order_and_distance_and_stays_close() {
    assert_eq!(spread(&[0.0, 0.0], &[10.0]), vec![-5.0, 5.0]);
    assert_eq!(spread(&[0.0, 50.0], &[10.0]), vec![0.0, 50.0]);
    assert_eq!(spread(&[10.0, 0.0, 20.0], &[10.0, 10.0]), vec![0.0, 10.0, 20.0]);
}

#[test]
fn security_event_with_a_case_snapshot() {
    let (def, case) = security_event_case();
    insta::assert_snapshot!(svg(&def, &Marks::of(&case), Lang::Sl));
}

/// Writes the pictures for a person to look at: `ADAM_DIAGRAM_OUT=dir cargo test … diagram`.
#[test]
fn pictures_for_review() {
    let Ok(dir) = std::env::var("ADAM_DIAGRAM_OUT") else {
        return;
    };
    let (se, case) = security_event_case();
    let cr = shipped("change-request").unwrap();
    let cr_case = case_through(
        &cr,
        &[("prepare", "submit"), ("consent", "rework"), ("prepare", "submit")],
    );
    let syn = synthetic(60);
    let files = [
        ("security-event-sl", svg(&se, &Marks::of(&case), Lang::Sl)),
        ("security-event-en", svg(&se, &Marks::none(), Lang::En)),
        ("change-request-sl", svg(&cr, &Marks::of(&cr_case), Lang::Sl)),
        ("change-request-en", svg(&cr, &Marks::none(), Lang::En)),
        ("synthetic-60", svg(&syn, &Marks::none(), Lang::Sl)),
    ];
    for (name, svg) in files {
        std::fs::write(format!("{dir}/diagram-{name}.svg"), svg).unwrap();
    }
}

/// Random definitions (a fixed seed): steps with up to four outcomes leading anywhere —
/// forward, back, to themselves, to an end — lay out with nothing on top of a box.
#[test]
fn random_definitions_lay_out_without_clashes() {
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % m.max(1)
    };
    for round in 0..80 {
        let n = 2 + next(45);
        let mut steps = Vec::new();
        for i in 0..n {
            let end = i == n - 1 || (i > 0 && next(9) == 0);
            let name = json!({"sl": "č".repeat(1 + next(60)), "en": format!("step {i} {}", "word ".repeat(next(12)))});
            if end {
                steps.push(json!({"key": format!("s{i}"), "name": name, "kind": "end"}));
                continue;
            }
            let k = 1 + next(4);
            let outcomes: Vec<_> = (0..k)
                .map(|j| {
                    let to = if j == 0 { (i + 1).min(n - 1) } else { next(n) };
                    let label = "x".repeat(1 + next(50));
                    json!({"key": format!("o{j}"), "name": {"sl": label, "en": format!("o{j}")}, "to": format!("s{to}")})
                })
                .collect();
            let kind = if k > 1 { "decision" } else { "task" };
            steps.push(
                json!({"key": format!("s{i}"), "name": name, "kind": kind, "performer": "r", "outcomes": outcomes}),
            );
        }
        let def: Definition = serde_json::from_value(json!({
            "key": "random", "version": 1, "name": {"sl": "Naključni", "en": "Random"},
            "roles": [{"key": "r", "name": {"sl": "Izvajalec", "en": "Performer"}, "binding": "starter"}],
            "start": "s0", "steps": steps
        }))
        .unwrap();
        let lay = layout(&def);
        let bad = clashes(&def, &lay);
        assert!(bad.is_empty(), "round {round} ({n} steps): {bad:#?}");
        assert_eq!(svg(&def, &Marks::none(), Lang::Sl).matches("data-step=").count(), n);
    }
}
