//! What a record's classes oblige (Decree table 1.2.3 of the requirements extract), gathered
//! from every rule set in force and evaluated for one inventory item.
//!
//! An obligation is not free text: it names the [`Regulation`] it comes from and the article
//! there, so that the custodian, the auditor and the API see "Decree (2018), Art. 53(1)" rather
//! than a bare "53(1)" that would be ambiguous once a later regulation stands beside the 2018
//! Decree. The regulations themselves and their tables are in `rules/` (one file each, one line
//! in `rules/mod.rs` to put it in force); this module holds the shapes they share and the one
//! function the server calls, [`obligations`].
//!
//! Each obligation says whether ADAM itself enforces it (where ADAM is the one acting: MFA on
//! the application's objects, the public cloud rule, encryption of attachments) or whether it is
//! the organisation's duty, shown so that the custodian sees it.

use super::inventory::InventoryItem;
use super::rules;
use crate::lang::Lang;
use crate::level::Classification;
use serde::Serialize;

/// A regulation a rule set implements, as a person sees it cited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Regulation {
    /// Its stable key (`decree-2018`): what the API and `docs/conformance.md` name it by; it
    /// never changes once published, whatever the titles become.
    pub code: &'static str,
    /// Its short name, in Slovenian (`Uredba (2018)`).
    pub short_sl: &'static str,
    /// Its short name, in English (`Decree (2018)`).
    pub short_en: &'static str,
    /// Its full title, in Slovenian (the official one).
    pub title_sl: &'static str,
    /// Its full title, in English (a translation; only the Slovenian is authentic).
    pub title_en: &'static str,
    /// Where it was published, in Slovenian (`Uradni list RS, št. 29/2018`).
    pub citation_sl: &'static str,
    /// Where it was published, in English.
    pub citation_en: &'static str,
}

impl Regulation {
    /// The short name in a language.
    pub fn short(&self, lang: Lang) -> &'static str {
        lang.pick(self.short_sl, self.short_en)
    }

    /// The full title in a language.
    pub fn title(&self, lang: Lang) -> &'static str {
        lang.pick(self.title_sl, self.title_en)
    }

    /// The official citation in a language.
    pub fn citation(&self, lang: Lang) -> &'static str {
        lang.pick(self.citation_sl, self.citation_en)
    }
}

/// What a regulation obliges, as a table from an item and its class to its obligations.
///
/// A function rather than data rows because the conditions differ in kind from one article to
/// the next (a class threshold, the public-cloud rule, the item being a system); a function
/// keeps each condition next to the article that states it.
#[derive(Clone, Copy, Debug)]
pub struct RuleSet {
    /// The regulation, named by every obligation the table returns.
    pub regulation: &'static Regulation,
    /// The obligations of an item with the given class under this regulation.
    pub obligations: fn(&InventoryItem, Classification) -> Vec<Obligation>,
}

/// A duty that follows from an item's classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// The regulation that states it.
    pub regulation: &'static Regulation,
    /// The article there (`53(1)`).
    pub article: &'static str,
    /// What it asks, in English.
    pub en: &'static str,
    /// What it asks, in Slovenian.
    pub sl: &'static str,
    /// Whether ADAM enforces it itself.
    pub enforced: bool,
}

impl Obligation {
    /// The text in a language.
    pub fn text(&self, lang: Lang) -> &'static str {
        lang.pick(self.sl, self.en)
    }

    /// The regulation and article as cited in a language: `Uredba (2018), čl. 53(1)`,
    /// `Decree (2018), Art. 53(1)`.
    pub fn reference(&self, lang: Lang) -> String {
        format!(
            "{}, {} {}",
            self.regulation.short(lang),
            lang.pick("čl.", "Art."),
            self.article
        )
    }
}

/// The obligations of an item with class `class` (its own, or for a system the higher of its
/// own and its floor) under every rule set in force, one rule set after the other in the order
/// `rules::IN_FORCE` lists them.
pub fn obligations(item: &InventoryItem, class: Classification) -> Vec<Obligation> {
    gather(rules::IN_FORCE, item, class)
}

/// The obligations under the given rule sets (separate from [`obligations`] so that a test can
/// pass a rule set that is not in force).
fn gather(sets: &[RuleSet], item: &InventoryItem, class: Classification) -> Vec<Obligation> {
    sets.iter().flat_map(|set| (set.obligations)(item, class)).collect()
}

/// An item and classes for the rule sets' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::ids::{ItemId, Revision, UserId};
    use crate::level::{Classification, SecurityClass};
    use crate::register::inventory::{InventoryItem, ItemFields, ItemKind};
    use crate::text::{Code, Text};

    /// A bare item of a kind.
    pub(crate) fn item(kind: ItemKind) -> InventoryItem {
        InventoryItem {
            id: ItemId(0),
            kind,
            fields: ItemFields {
                code: Code::parse("code", "X").unwrap(),
                name: Text::parse("name", "X").unwrap(),
                description: None,
                custodian: UserId(1),
                operators: Vec::new(),
                label: None,
                own: false,
                key_server: false,
                high_risk: false,
                secured_area: false,
                other_inventory: None,
                public_cloud: None,
                application: None,
                last_reviewed: None,
                review_due: None,
                attachments: Vec::new(),
            },
            classified: None,
            retired: false,
            rev: Revision(1),
        }
    }

    /// Z`z` C`c` R`r`.
    pub(crate) fn class(z: u8, c: u8, r: u8) -> Classification {
        Classification {
            z: SecurityClass::new(z).unwrap(),
            c: SecurityClass::new(c).unwrap(),
            r: SecurityClass::new(r).unwrap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{class, item};
    use super::*;
    use crate::level::SecurityClass;
    use crate::register::inventory::ItemKind;
    use crate::register::rules::decree_2018;

    /// A later regulation as it would be added, kept to the tests: one article for Z2 and up.
    const LATER: Regulation = Regulation {
        code: "test-later",
        short_sl: "Poznejši predpis (test)",
        short_en: "Later regulation (test)",
        title_sl: "Preskusni poznejši predpis",
        title_en: "Test later regulation",
        citation_sl: "preskus",
        citation_en: "test",
    };

    fn later(_: &InventoryItem, class: Classification) -> Vec<Obligation> {
        if class.z < SecurityClass::TWO {
            return Vec::new();
        }
        vec![Obligation {
            regulation: &LATER,
            article: "7(2)",
            en: "a test duty",
            sl: "preskusna dolžnost",
            enforced: false,
        }]
    }

    const LATER_RULES: RuleSet = RuleSet {
        regulation: &LATER,
        obligations: later,
    };

    #[test]
    fn obligations_of_two_regulations_are_combined_each_naming_its_own() {
        let system = item(ItemKind::System);
        let sets = [decree_2018::RULE_SET, LATER_RULES];
        let decree_only = gather(&sets[..1], &system, class(2, 1, 1));
        let both = gather(&sets, &system, class(2, 1, 1));
        // The decree's obligations unchanged and in their order, then the later one's.
        assert_eq!(both[..decree_only.len()], decree_only[..]);
        assert_eq!(both.len(), decree_only.len() + 1);
        assert!(decree_only.iter().all(|o| o.regulation.code == "decree-2018"));
        let added = both[decree_only.len()];
        assert_eq!((added.regulation.code, added.article), ("test-later", "7(2)"));
        assert_eq!(added.reference(Lang::En), "Later regulation (test), Art. 7(2)");
        assert_eq!(added.reference(Lang::Sl), "Poznejši predpis (test), čl. 7(2)");
        assert_eq!(decree_only[0].reference(Lang::En), "Decree (2018), Art. 53(1)");
        assert_eq!(decree_only[0].reference(Lang::Sl), "Uredba (2018), čl. 53(1)");
        // Below the later rule's threshold only the decree speaks.
        assert_eq!(
            gather(&sets, &system, class(1, 1, 1)),
            gather(&sets[..1], &system, class(1, 1, 1))
        );
    }

    #[test]
    fn the_rule_sets_in_force_are_the_decree_and_have_distinct_codes() {
        let mut codes: Vec<&str> = rules::IN_FORCE.iter().map(|s| s.regulation.code).collect();
        assert_eq!(codes, ["decree-2018"]);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), rules::IN_FORCE.len(), "a code names one regulation");
        let system = item(ItemKind::System);
        // Every obligation names the regulation of the rule set that produced it.
        for set in rules::IN_FORCE {
            for o in (set.obligations)(&system, class(3, 3, 3)) {
                assert_eq!(o.regulation, set.regulation, "{}", o.article);
            }
        }
        assert_eq!(
            obligations(&system, class(3, 3, 3)),
            gather(rules::IN_FORCE, &system, class(3, 3, 3))
        );
    }
}
