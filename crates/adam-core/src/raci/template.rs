//! Responsibility templates as data: an operating model's tasks (in categories) × layers ×
//! parties, each cell a set of the letters R, A, C, I with the footnotes attached to it.
//!
//! A template is read from JSON (the shipped ones are embedded in the crate, `model-2a.json`:
//! Statens It's operating model 2A exactly as reconstructed in REQUIREMENTS-WAVE2 Part 3). The
//! row of a task lists its cells layer by layer, party by party, in the order the template
//! declares them — the order the seed prints them — so the data file reads like the table.
//! Reading checks the shape (every row as long as layers × parties, every key and footnote
//! known); the RACI rules are `validate.rs`'s.

use super::cell::Cell;
pub use crate::text::Key;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The embedded data of operating model 2A (seed 003).
const MODEL_2A: &str = include_str!("model-2a.json");

/// The code of the shipped model-2A template.
pub const MODEL_2A_CODE: &str = "dk-sit-2a";

/// A name in the languages ADAM speaks, with the seed's own (Danish) where there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Words {
    /// The original (Danish for model 2A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub da: Option<String>,
    /// Slovenian.
    pub sl: String,
    /// English.
    pub en: String,
}

impl Words {
    /// The words in a language ADAM speaks.
    pub fn get(&self, lang: crate::lang::Lang) -> &str {
        match lang {
            crate::lang::Lang::Sl => &self.sl,
            crate::lang::Lang::En => &self.en,
        }
    }
}

/// A named layer, party or category of a template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Named {
    /// Its key.
    pub key: Key,
    /// Its name.
    pub name: Words,
}

/// A footnote of the template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Footnote {
    /// Its number.
    pub n: u8,
    /// Its text.
    pub text: Words,
}

/// A footnote attached to one cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CellFootnote {
    /// The layer.
    pub layer: Key,
    /// The party.
    pub party: Key,
    /// The footnote's number.
    pub footnote: u8,
}

/// A task (a row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Task {
    /// Its number (1 …).
    pub n: u16,
    /// Its category's key.
    pub category: Key,
    /// Its name.
    pub name: Words,
    /// Footnotes on the task itself.
    #[serde(default)]
    pub footnotes: Vec<u8>,
    /// Its cells, layer by layer, party by party.
    pub cells: Vec<Cell>,
    /// Footnotes on single cells.
    #[serde(default)]
    pub cell_footnotes: Vec<CellFootnote>,
}

/// Names a template and its version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TemplateRef {
    /// The template's code (`dk-sit-2a`).
    pub code: Key,
    /// Its version.
    pub version: u32,
}

impl fmt::Display for TemplateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.code, self.version)
    }
}

/// A responsibility template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Template {
    /// Its code.
    pub code: Key,
    /// Its version: a shipped version never changes; a correction is a new version.
    pub version: u32,
    /// Its name.
    pub name: Words,
    /// Where it comes from.
    pub source: Words,
    /// The layers, in column order.
    pub layers: Vec<Named>,
    /// The parties, in column order inside a layer.
    pub parties: Vec<Named>,
    /// The categories, in order.
    pub categories: Vec<Named>,
    /// The footnotes.
    pub footnotes: Vec<Footnote>,
    /// The tasks, in order.
    pub tasks: Vec<Task>,
}

/// Why a template's data cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the template cannot be read: {0}")]
pub struct Malformed(pub String);

impl Template {
    /// Reads a template and checks its shape (not its RACI rules: see `validate`).
    pub fn from_json(json: &str) -> Result<Template, Malformed> {
        let t: Template = serde_json::from_str(json).map_err(|e| Malformed(e.to_string()))?;
        t.check_shape()?;
        Ok(t)
    }

    fn check_shape(&self) -> Result<(), Malformed> {
        let width = self.layers.len() * self.parties.len();
        if width == 0 || self.tasks.is_empty() {
            return Err(Malformed("a template needs layers, parties and tasks".to_owned()));
        }
        let unique = |what: &str, keys: &[Named]| {
            let mut seen: Vec<&Key> = keys.iter().map(|n| &n.key).collect();
            seen.sort();
            match seen.windows(2).find(|w| w[0] == w[1]) {
                Some(w) => Err(Malformed(format!("{what} {} is declared twice", w[0]))),
                None => Ok(()),
            }
        };
        unique("layer", &self.layers)?;
        unique("party", &self.parties)?;
        unique("category", &self.categories)?;
        let footnote = |n: u8| self.footnotes.iter().any(|f| f.n == n);
        for (i, t) in self.tasks.iter().enumerate() {
            if self.tasks[..i].iter().any(|o| o.n == t.n) {
                return Err(Malformed(format!("task {} is declared twice", t.n)));
            }
            if t.cells.len() != width {
                return Err(Malformed(format!(
                    "task {} has {} cells; layers × parties is {width}",
                    t.n,
                    t.cells.len()
                )));
            }
            if self.category(&t.category).is_none() {
                return Err(Malformed(format!("task {} names no known category", t.n)));
            }
            if let Some(n) = t.footnotes.iter().find(|n| !footnote(**n)) {
                return Err(Malformed(format!(
                    "task {} names footnote {n}, which is not there",
                    t.n
                )));
            }
            for f in &t.cell_footnotes {
                if self.layer_index(&f.layer).is_none() || self.party_index(&f.party).is_none() || !footnote(f.footnote)
                {
                    return Err(Malformed(format!(
                        "task {} attaches footnote {} to an unknown cell or names an unknown footnote",
                        t.n, f.footnote
                    )));
                }
            }
        }
        Ok(())
    }

    /// Names this template.
    pub fn reference(&self) -> TemplateRef {
        TemplateRef {
            code: self.code.clone(),
            version: self.version,
        }
    }
    /// The position of a layer.
    pub fn layer_index(&self, key: &Key) -> Option<usize> {
        self.layers.iter().position(|l| &l.key == key)
    }
    /// The position of a party.
    pub fn party_index(&self, key: &Key) -> Option<usize> {
        self.parties.iter().position(|p| &p.key == key)
    }
    /// A matrix's party as named: the template's name for a party of the template, else the
    /// name the matrix gave it, else its key — the same in every language.
    pub fn party_name(&self, key: &Key, given: Option<&crate::text::Text>) -> Words {
        let plain = |s: String| Words {
            da: None,
            sl: s.clone(),
            en: s,
        };
        match (self.party_index(key), given) {
            (Some(i), _) => self.parties[i].name.clone(),
            (None, Some(n)) => plain(n.to_string()),
            (None, None) => plain(key.to_string()),
        }
    }
    /// A category.
    pub fn category(&self, key: &Key) -> Option<&Named> {
        self.categories.iter().find(|c| &c.key == key)
    }
    /// A task by its number.
    pub fn task(&self, n: u16) -> Option<&Task> {
        self.tasks.iter().find(|t| t.n == n)
    }
    /// A footnote by its number.
    pub fn footnote(&self, n: u8) -> Option<&Footnote> {
        self.footnotes.iter().find(|f| f.n == n)
    }
    /// The cell of a task at a layer and party (by position).
    pub fn cell(&self, task: &Task, layer: usize, party: usize) -> Cell {
        task.cells
            .get(layer * self.parties.len() + party)
            .copied()
            .unwrap_or_default()
    }
    /// The footnotes attached to one cell.
    pub fn cell_footnotes(&self, task: &Task, layer: &Key, party: &Key) -> Vec<u8> {
        task.cell_footnotes
            .iter()
            .filter(|f| &f.layer == layer && &f.party == party)
            .map(|f| f.footnote)
            .collect()
    }
}

/// The templates ADAM ships, each version kept as it was shipped (read once).
pub fn shipped() -> &'static [Template] {
    static SHIPPED: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    // The embedded data is checked by the tests; a file that did not read would ship nothing
    // rather than stop the server.
    SHIPPED.get_or_init(|| Template::from_json(MODEL_2A).into_iter().collect())
}

/// A shipped template by its reference.
pub fn find(reference: &TemplateRef) -> Option<&'static Template> {
    shipped()
        .iter()
        .find(|t| t.code == reference.code && t.version == reference.version)
}

/// The newest shipped version of a template.
pub fn latest(code: &Key) -> Option<&'static Template> {
    shipped().iter().filter(|t| &t.code == code).max_by_key(|t| t.version)
}

/// Whether a name in any of its languages is the one asked for.
pub(crate) fn words_match(w: &Words, asked: &str) -> bool {
    let asked = asked.trim();
    w.en.eq_ignore_ascii_case(asked)
        || w.sl.to_lowercase() == asked.to_lowercase()
        || w.da
            .as_deref()
            .is_some_and(|d| d.to_lowercase() == asked.to_lowercase())
}

/// A task by its number or its name in any language.
pub(crate) fn find_task<'t>(t: &'t Template, asked: &str) -> Option<&'t Task> {
    match asked.trim().parse::<u16>() {
        Ok(n) => t.task(n),
        Err(_) => t.tasks.iter().find(|row| words_match(&row.name, asked)),
    }
}
