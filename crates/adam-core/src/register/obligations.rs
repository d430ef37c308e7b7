//! What a record's classes oblige (Decree table 1.2.3 of the requirements extract): the
//! operative articles that attach a duty to a class, evaluated for one inventory item.
//!
//! Only Z1–Z3, C1, C3 and R1 appear in the operative text; C2, R2 and R3 trigger nothing
//! there (their meaning is in the missing annex). Each obligation says whether ADAM itself
//! enforces it (where ADAM is the one acting: MFA on the application's objects, the public
//! cloud rule, encryption of attachments) or whether it is the organisation's duty, shown so
//! that the custodian sees it.

use super::inventory::{InventoryItem, ItemKind, fits_public_cloud};
use crate::lang::Lang;
use crate::level::{Classification, SecurityClass};
use serde::Serialize;

/// A duty that follows from an item's classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// The article (`53(1)`).
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
        match lang {
            Lang::Sl => self.sl,
            Lang::En => self.en,
        }
    }
}

const fn ob(article: &'static str, enforced: bool, en: &'static str, sl: &'static str) -> Obligation {
    Obligation {
        article,
        en,
        sl,
        enforced,
    }
}

/// The obligations of an item with class `class` (its own, or for a system the higher of its
/// own and its floor).
pub fn obligations(item: &InventoryItem, class: Classification) -> Vec<Obligation> {
    let z = class.z;
    let mut out = vec![ob(
        "53(1)",
        true,
        "remote access needs multi-factor authentication",
        "oddaljeni dostop zahteva večfaktorsko avtentikacijo",
    )];
    if class.requires_mfa() {
        out.push(ob(
            "53(1)",
            item.kind == ItemKind::System,
            "Z3 or C3: multi-factor authentication also for local access — ADAM asks a second factor for every object of the linked application",
            "Z3 ali C3: večfaktorska avtentikacija tudi za lokalni dostop — ADAM zahteva drugi faktor za vsak objekt povezane aplikacije",
        ));
        out.push(ob(
            "53(2)–(3)",
            false,
            "remote access: limit repeated attempts; one factor on a device separate from the system",
            "oddaljeni dostop: omejitev ponavljanja poskusov; en faktor na napravi, ločeni od sistema",
        ));
    }
    if !fits_public_cloud(class) {
        out.push(ob(
            "41(1)",
            true,
            "may not be handled in a public cloud (only unclassified or Z1, C1 and R1 may)",
            "se ne sme obravnavati v javnem oblaku (dovoljeno le neuvrščeno ali Z1, C1 in R1)",
        ));
    }
    if z >= SecurityClass::ONE {
        out.push(ob(
            "46",
            false,
            "media no longer needed are destroyed or securely erased, or handed to the ministry",
            "nosilci, ki niso več potrebni, se uničijo ali varno izbrišejo ali predajo ministrstvu",
        ));
        out.push(ob(
            "63(2)–(3)",
            false,
            "not exchanged or accessed in public places where overlooking cannot be prevented; no public Wi-Fi",
            "ne izmenjuje se in ne dostopa na javnih mestih, kjer ni mogoče preprečiti vpogleda; ne prek javnih brezžičnih omrežij",
        ));
    }
    if z >= SecurityClass::TWO {
        out.push(ob(
            "35",
            false,
            "clean desk; furniture and devices locked when nobody is present",
            "čista miza; pohištvo in naprave zaklenjeni, ko nikogar ni",
        ));
        out.push(ob(
            "39(6)",
            false,
            "sent by e-mail only encrypted",
            "po elektronski pošti le šifrirano",
        ));
        out.push(ob(
            "45(3), 62(4)",
            false,
            "on removable media or portable devices only with the source custodian's written approval, encrypted",
            "na izmenljivih nosilcih ali prenosnih napravah le s pisno odobritvijo skrbnika izvornega sistema, šifrirano",
        ));
        out.push(ob(
            "60(1)",
            false,
            "encrypted in transit over an unprotected area",
            "pri prenosu prek nevarovanega območja šifrirano",
        ));
        out.push(ob(
            "60(3)",
            true,
            "encrypted at rest outside secured areas — ADAM stores this record's attachments encrypted always",
            "zunaj varovanih območij šifrirano tudi v mirovanju — ADAM priponke tega zapisa vedno hrani šifrirane",
        ));
    }
    if class != Classification::PUBLIC {
        out.push(ob(
            "29(2), 29(4)",
            false,
            "backups made, kept and checked according to the class; protected like the original",
            "varnostne kopije se izdelujejo, hranijo in preverjajo glede na razred; varovane kot izvirnik",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ItemId, Revision, UserId};
    use crate::register::inventory::ItemFields;
    use crate::text::{Code, Text};

    fn item(kind: ItemKind) -> InventoryItem {
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

    fn class(z: u8, c: u8, r: u8) -> Classification {
        Classification {
            z: SecurityClass::new(z).unwrap(),
            c: SecurityClass::new(c).unwrap(),
            r: SecurityClass::new(r).unwrap(),
        }
    }

    fn articles(v: &[Obligation]) -> Vec<&'static str> {
        v.iter().map(|o| o.article).collect()
    }

    #[test]
    fn classes_trigger_the_articles_of_table_1_2_3() {
        let system = item(ItemKind::System);
        assert_eq!(articles(&obligations(&system, Classification::PUBLIC)), ["53(1)"]);
        let z3 = obligations(&system, class(3, 1, 1));
        assert!(
            z3.iter()
                .any(|o| o.article == "53(1)" && o.enforced && o.en.contains("local"))
        );
        assert!(articles(&z3).contains(&"41(1)") && articles(&z3).contains(&"35"));
        // C2, R2 and R3 trigger nothing but the backup article and the public-cloud bar.
        let c2 = articles(&obligations(&system, class(0, 2, 3)));
        assert_eq!(c2, ["53(1)", "41(1)", "29(2), 29(4)"]);
        for o in obligations(&system, class(3, 3, 3)) {
            assert!(!o.sl.is_empty() && !o.en.is_empty() && o.sl != o.en);
        }
    }
}
