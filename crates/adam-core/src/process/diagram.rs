//! The picture of a process: a definition drawn as SVG by ADAM itself (no outside service), with
//! a case's current and past steps marked.
//!
//! The layout (`diagram/layout.rs`) is a small Sugiyama-style layered layout, top to bottom:
//!
//! 1. **Loops found by a depth-first walk** from the start (outcomes in their declared order):
//!    an outcome leading to a step still on the walk's stack closes a cycle and is a *back edge*.
//!    The other outcomes form an acyclic graph.
//! 2. **Layers by longest path** in that acyclic graph, so every forward outcome leads strictly
//!    down. (Breadth-first depth would put an optional step and the step after it side by side
//!    and draw the forward outcome between them as a loop.) An outcome that spans several layers
//!    passes through a thin placeholder in each layer between, so it never crosses a box.
//! 3. **Order within a layer** by barycentre sweeps (down, up, down, up), keeping the order with
//!    the fewest crossings; the first order is the depth-first discovery order.
//! 4. **Horizontal positions** by repeatedly asking each box to sit at the mean of its
//!    neighbours in the layer above (then below) and solving "as close as possible, in this
//!    order, never closer than the gap" exactly (pool-adjacent-violators), so chains run straight.
//! 5. **Labels** sit in a band in the middle of the gap between two layers: every outcome
//!    crossing the gap has a place in the band (its name, or an empty place for one passing
//!    through), and the places are spread with the same order-keeping solver, so labels never
//!    overlap and no line runs through another outcome's label.
//! 6. **Back edges are drawn as loops at the side**: down from the step to its label, along a lane
//!    at the bottom of that gap to a channel right of everything, up the channel, along a lane
//!    in the gap above the target, down the corridor right of the target and into its right side.
//!    Horizontal runs stay inside gaps and vertical runs inside corridors, so a loop never crosses
//!    a box. Channels are shared by loops whose heights do not overlap.
//!
//! The geometry does not depend on the language: boxes and labels are sized for the longer of
//! the Slovenian and English texts, so a diagram looks the same in both. The output is built
//! from vectors in the definition's order (no hash maps) and numbers are written with one
//! decimal, so the same input gives the same bytes. Only presentation attributes are used (no
//! `style`), so the SVG can be inlined under a strict Content-Security-Policy; `class` and
//! `data-step` / `data-from` / `data-outcome` attributes let the pages and tests find the parts.

use super::case::Case;
use super::definition::{Definition, StepKind};
use crate::lang::Lang;
use std::collections::BTreeSet;
use std::fmt::Write;

mod layout;
pub use layout::layout;

/// Which steps and outcomes of a case to mark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// The step the case is at.
    pub current: Option<String>,
    /// The steps it has been at (decided).
    pub done: BTreeSet<String>,
    /// The outcomes taken, as (step, outcome).
    pub taken: BTreeSet<(String, String)>,
}

impl Marks {
    /// Nothing marked: the definition on its own.
    pub fn none() -> Marks {
        Marks::default()
    }

    /// The marks of a case: its current step, the steps decided and the outcomes taken.
    pub fn of(case: &Case) -> Marks {
        Marks {
            current: Some(case.current.as_str().to_owned()),
            done: case.history.iter().map(|t| t.step.as_str().to_owned()).collect(),
            taken: case
                .history
                .iter()
                .map(|t| (t.step.as_str().to_owned(), t.outcome.as_str().to_owned()))
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.current.is_none() && self.done.is_empty() && self.taken.is_empty()
    }
}

/// An axis-aligned rectangle (top-left corner and size).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the two share any inner point.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Whether the point lies strictly inside, more than `margin` from every side.
    pub fn contains(&self, (px, py): (f64, f64), margin: f64) -> bool {
        px > self.x + margin && px < self.x + self.w - margin && py > self.y + margin && py < self.y + self.h - margin
    }

    fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

/// A step's box.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// The step's index in the definition.
    pub step: usize,
    /// Its layer (0 = the start's).
    pub layer: usize,
    /// Where it is drawn.
    pub rect: Rect,
}

/// A piece of an edge's path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    /// From.
    pub from: (f64, f64),
    /// To.
    pub to: (f64, f64),
    /// Drawn as a curve leaving and arriving vertically (within the gap between layers).
    pub curved: bool,
}

/// An outcome's path and label.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    /// The step it leaves (index in the definition).
    pub from: usize,
    /// The outcome (index in the step's outcomes).
    pub outcome: usize,
    /// The step it leads to.
    pub to: usize,
    /// A loop back (to a step of the same or an earlier layer).
    pub back: bool,
    /// The path, in order.
    pub path: Vec<Segment>,
    /// Where its name is written.
    pub label: Rect,
}

/// A computed layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The picture's width.
    pub width: f64,
    /// Its height.
    pub height: f64,
    /// One box per step, in the definition's order.
    pub nodes: Vec<NodeBox>,
    /// One route per outcome that leads to a known step.
    pub edges: Vec<EdgeRoute>,
    /// The centre of the start marker (a dot with an arrow into the first step).
    pub start: Option<(f64, f64)>,
}

const NODE_W: f64 = 200.0;
const NAME_FONT: f64 = 12.0;
const NAME_LINE: f64 = 15.0;
const NAME_CHARS: usize = 25;
const ROLE_FONT: f64 = 10.5;
const ROLE_LINE: f64 = 14.0;
const ROLE_CHARS: usize = 30;
const LABEL_FONT: f64 = 10.5;
const LABEL_LINE: f64 = 13.0;
const LABEL_CHARS: usize = 24;
const LABEL_CHAR_W: f64 = 6.0;
const MAX_LINES: usize = 3;
const NODE_PAD: f64 = 9.0;
const NODE_GAP: f64 = 40.0;
const THIN_GAP: f64 = 16.0;
const DUMMY_W: f64 = 8.0;
const PASS_W: f64 = 6.0;
const LABEL_GAP: f64 = 10.0;
const LANE: f64 = 9.0;
const CORRIDOR: f64 = 8.0;
const CHANNEL: f64 = 11.0;
const PAD: f64 = 10.0;
const MARGIN: f64 = 14.0;
const TIP: f64 = 12.0;
const START_BAND: f64 = 30.0;

/// Breaks a text into at most three lines of at most `max` characters, by words; a longer text
/// ends in "…" (the whole name is in the step's `<title>`).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..max).collect());
        }
        let word: String = word.into_iter().collect();
        let n = line.chars().count();
        if n > 0 && n + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last: String = lines[MAX_LINES - 1].chars().take(max - 1).collect();
        lines[MAX_LINES - 1] = format!("{}…", last.trim_end());
    }
    lines
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn name_chars(kind: StepKind) -> usize {
    match kind {
        StepKind::Task => NAME_CHARS,
        StepKind::Decision | StepKind::End => NAME_CHARS - 3,
    }
}

/// The performer's name, on at most two lines.
fn role_lines(def: &Definition, performer: &str, lang: Lang) -> Vec<String> {
    let name = def.role(performer).map_or(performer, |r| r.name.pick(lang));
    let mut lines = wrap(name, ROLE_CHARS);
    if lines.len() > 2 {
        lines.truncate(2);
        lines[1] = shorten(&format!("{} …", lines[1]), ROLE_CHARS);
    }
    lines
}

fn label_lines(def: &Definition, step: usize, outcome: usize, lang: Lang) -> Vec<String> {
    wrap(def.steps[step].outcomes[outcome].name.pick(lang), LABEL_CHARS)
}

fn label_size(lines: &[String]) -> (f64, f64) {
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (chars as f64 * LABEL_CHAR_W + 8.0, lines.len() as f64 * LABEL_LINE + 4.0)
}

/// Escapes text for XML content and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A number as the SVG writes it: one decimal, no negative zero.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_owned()
    } else {
        format!("{r:.1}").trim_end_matches(".0").to_owned()
    }
}

fn path_d(path: &[Segment]) -> String {
    let mut d = String::new();
    if let Some(first) = path.first() {
        d.push_str(&format!("M{} {}", num(first.from.0), num(first.from.1)));
    }
    for s in path {
        if s.from == s.to {
            continue;
        }
        if s.curved {
            let my = (s.from.1 + s.to.1) / 2.0;
            d.push_str(&format!(
                " C{} {} {} {} {} {}",
                num(s.from.0),
                num(my),
                num(s.to.0),
                num(my),
                num(s.to.0),
                num(s.to.1)
            ));
        } else {
            d.push_str(&format!(" L{} {}", num(s.to.0), num(s.to.1)));
        }
    }
    d
}

/// How a part is marked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    /// No case: the definition alone.
    Plain,
    /// Not (yet) reached.
    Todo,
    /// Passed.
    Done,
    /// Where the case is.
    Current,
}

impl Look {
    fn class(self) -> &'static str {
        match self {
            Look::Plain => "plain",
            Look::Todo => "todo",
            Look::Done => "done",
            Look::Current => "current",
        }
    }
    /// (stroke, stroke width, fill, text colour).
    fn node_paint(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Look::Plain => ("#4a5568", "1.5", "#ffffff", "#1a202c"),
            Look::Todo => ("#a0aec0", "1.2", "#f7fafc", "#4a5568"),
            Look::Done => ("#2b6cb0", "2", "#ebf4ff", "#1a202c"),
            Look::Current => ("#c05621", "4", "#feebc8", "#1a202c"),
        }
    }
    /// (stroke, width, marker, label colour).
    fn edge_paint(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Look::Plain => ("#4a5568", "1.4", "adam-dg-arrow", "#2d3748"),
            Look::Todo => ("#b4bcc8", "1.2", "adam-dg-arrow-todo", "#718096"),
            Look::Done | Look::Current => ("#2b6cb0", "2.2", "adam-dg-arrow-done", "#2b6cb0"),
        }
    }
}

fn shape(kind: StepKind, r: &Rect, paint: (&str, &str, &str, &str)) -> String {
    let (stroke, width, fill, _) = paint;
    let attrs = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="{width}""#);
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    match kind {
        StepKind::Task => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" {attrs}/>"#,
            num(x),
            num(y),
            num(w),
            num(h)
        ),
        StepKind::Decision => {
            let pts = [
                (x + TIP, y),
                (x + w - TIP, y),
                (x + w, y + h / 2.0),
                (x + w - TIP, y + h),
                (x + TIP, y + h),
                (x, y + h / 2.0),
            ];
            let pts: Vec<String> = pts.iter().map(|p| format!("{},{}", num(p.0), num(p.1))).collect();
            format!(r#"<polygon points="{}" {attrs}/>"#, pts.join(" "))
        }
        StepKind::End => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" {attrs}/><rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="{stroke}" stroke-width="1"/>"#,
            num(x),
            num(y),
            num(w),
            num(h),
            num(h / 2.0),
            num(x + 4.0),
            num(y + 4.0),
            num(w - 8.0),
            num(h - 8.0),
            num(h / 2.0 - 4.0)
        ),
    }
}

/// The definition drawn as SVG, in `lang`, with a case's marks (or [`Marks::none`]).
pub fn svg(def: &Definition, marks: &Marks, lang: Lang) -> String {
    let lay = layout(def);
    let plain = marks.is_empty();
    let step_look = |key: &str| {
        if plain {
            Look::Plain
        } else if marks.current.as_deref() == Some(key) {
            Look::Current
        } else if marks.done.contains(key) {
            Look::Done
        } else {
            Look::Todo
        }
    };
    let mut o = String::new();
    let title = esc(def.name.pick(lang));
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="process-diagram" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{title}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif">"#,
        w = num(lay.width),
        h = num(lay.height),
    );
    let _ = write!(o, "<title>{title}</title><defs>");
    for (id, colour) in [
        ("adam-dg-arrow", "#4a5568"),
        ("adam-dg-arrow-todo", "#b4bcc8"),
        ("adam-dg-arrow-done", "#2b6cb0"),
    ] {
        let _ = write!(
            o,
            r#"<marker id="{id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>"#
        );
    }
    o.push_str("</defs>");

    let edge_look = |r: &EdgeRoute| {
        let s = &def.steps[r.from];
        let key = (s.key.as_str().to_owned(), s.outcomes[r.outcome].key.as_str().to_owned());
        if plain {
            Look::Plain
        } else if marks.taken.contains(&key) {
            Look::Done
        } else {
            Look::Todo
        }
    };
    o.push_str(r#"<g class="edges">"#);
    // Grey ones first, so the taken path is drawn over them.
    let mut order: Vec<&EdgeRoute> = lay.edges.iter().collect();
    order.sort_by_key(|r| edge_look(r) != Look::Todo);
    for r in order {
        let look = edge_look(r);
        let (stroke, width, marker, _) = look.edge_paint();
        let s = &def.steps[r.from];
        let dash = if r.back { r#" stroke-dasharray="6 3""# } else { "" };
        let _ = write!(
            o,
            r#"<path class="edge {}{}" data-from="{}" data-outcome="{}" data-to="{}" d="{}" fill="none" stroke="{stroke}" stroke-width="{width}"{dash} marker-end="url(#{marker})"/>"#,
            look.class(),
            if r.back { " loop" } else { "" },
            esc(s.key.as_str()),
            esc(s.outcomes[r.outcome].key.as_str()),
            esc(def.steps[r.to].key.as_str()),
            path_d(&r.path)
        );
    }
    o.push_str("</g>");

    if let Some((sx, sy)) = lay.start {
        let top = def
            .step(def.start.as_str())
            .and_then(|s| lay.nodes.iter().find(|n| def.steps[n.step].key == s.key));
        if let Some(nb) = top {
            let _ = write!(
                o,
                r##"<g class="start"><circle cx="{}" cy="{}" r="6" fill="#4a5568"/><path d="M{} {} L{} {}" stroke="#4a5568" stroke-width="1.4" marker-end="url(#adam-dg-arrow)"/></g>"##,
                num(sx),
                num(sy),
                num(sx),
                num(sy + 6.0),
                num(sx),
                num(nb.rect.y)
            );
        }
    }

    o.push_str(r#"<g class="steps">"#);
    for nb in &lay.nodes {
        let s = &def.steps[nb.step];
        let look = step_look(s.key.as_str());
        let paint = look.node_paint();
        let kind = match s.kind {
            StepKind::Task => "task",
            StepKind::Decision => "decision",
            StepKind::End => "end",
        };
        let _ = write!(
            o,
            r#"<g class="step {kind} {}" data-step="{}"><title>{}: {}"#,
            look.class(),
            esc(s.key.as_str()),
            esc(s.key.as_str()),
            esc(s.name.pick(lang))
        );
        if let Some(d) = &s.description {
            let _ = write!(o, "\n{}", esc(d.pick(lang)));
        }
        o.push_str("</title>");
        o.push_str(&shape(s.kind, &nb.rect, paint));
        let lines = wrap(s.name.pick(lang), name_chars(s.kind));
        let role = s
            .performer
            .as_ref()
            .map(|p| role_lines(def, p.as_str(), lang))
            .unwrap_or_default();
        let block = lines.len() as f64 * NAME_LINE + role.len() as f64 * ROLE_LINE;
        let mut y = nb.rect.cy() - block / 2.0 + NAME_LINE * 0.75;
        let weight = if look == Look::Current {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let cx = num(nb.rect.cx());
        let _ = write!(
            o,
            r#"<text x="{cx}" text-anchor="middle" font-size="{}" fill="{}"{weight}>"#,
            num(NAME_FONT),
            paint.3
        );
        for l in &lines {
            let _ = write!(o, r#"<tspan x="{cx}" y="{}">{}</tspan>"#, num(y), esc(l));
            y += NAME_LINE;
        }
        o.push_str("</text>");
        if !role.is_empty() {
            let _ = write!(
                o,
                r##"<text class="role" text-anchor="middle" font-size="{}" font-style="italic" fill="#4a5568">"##,
                num(ROLE_FONT)
            );
            let mut y = y - NAME_LINE + ROLE_LINE;
            for l in &role {
                let _ = write!(o, r#"<tspan x="{cx}" y="{}">{}</tspan>"#, num(y), esc(l));
                y += ROLE_LINE;
            }
            o.push_str("</text>");
        }
        o.push_str("</g>");
    }
    o.push_str("</g>");

    o.push_str(r#"<g class="labels">"#);
    for r in &lay.edges {
        let look = edge_look(r);
        let colour = look.edge_paint().3;
        let lines = label_lines(def, r.from, r.outcome, lang);
        let (w, h) = label_size(&lines);
        let (cx, cy) = (r.label.cx(), r.label.cy());
        let s = &def.steps[r.from];
        let _ = write!(
            o,
            r##"<g class="outcome {}" data-from="{}" data-outcome="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.92"/><text text-anchor="middle" font-size="{}" fill="{colour}">"##,
            look.class(),
            esc(s.key.as_str()),
            esc(s.outcomes[r.outcome].key.as_str()),
            num(cx - w / 2.0),
            num(cy - h / 2.0),
            num(w),
            num(h),
            num(LABEL_FONT)
        );
        let mut y = cy - h / 2.0 + 2.0 + LABEL_LINE * 0.78;
        for l in &lines {
            let _ = write!(o, r#"<tspan x="{}" y="{}">{}</tspan>"#, num(cx), num(y), esc(l));
            y += LABEL_LINE;
        }
        o.push_str("</text></g>");
    }
    o.push_str("</g></svg>");
    o
}

#[cfg(test)]
mod tests;
