//! The 2018 Decree's rule set: what its operative articles attach to the security classes
//! (table 1.2.3 of the requirements extract), evaluated for one inventory item.
//!
//! Only Z1–Z3, C1, C3 and R1 appear in the operative text; C2, R2 and R3 trigger nothing
//! there (their meaning is in the missing annex). Where ADAM is the one acting — MFA on the
//! linked application's objects, the public-cloud bar, encryption of attachments — the
//! obligation is marked enforced; the rest are the organisation's to carry out, shown so the
//! custodian sees them.

use crate::level::{Classification, SecurityClass};
use crate::register::inventory::{InventoryItem, ItemKind, fits_public_cloud};
use crate::register::obligations::{Obligation, Regulation, RuleSet};

/// The Decree on information security in the state administration (seed 001).
pub const REGULATION: Regulation = Regulation {
    code: "decree-2018",
    short_sl: "Uredba (2018)",
    short_en: "Decree (2018)",
    title_sl: "Uredba o informacijski varnosti v državni upravi",
    title_en: "Decree on information security in the state administration",
    citation_sl: "Uradni list RS, št. 29/2018",
    citation_en: "Official Gazette of the Republic of Slovenia, No. 29/2018",
};

/// The Decree's rule set.
pub const RULE_SET: RuleSet = RuleSet {
    regulation: &REGULATION,
    obligations,
};

const fn ob(article: &'static str, enforced: bool, en: &'static str, sl: &'static str) -> Obligation {
    Obligation {
        regulation: &REGULATION,
        article,
        en,
        sl,
        enforced,
    }
}

/// The Decree's obligations of an item with class `class`.
fn obligations(item: &InventoryItem, class: Classification) -> Vec<Obligation> {
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
    use crate::register::obligations::fixtures::{class, item};
    use crate::register::scheme::DECREE_2018;

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
            assert_eq!(o.regulation.code, "decree-2018");
        }
    }

    #[test]
    fn the_regulation_is_cited_as_the_shipped_scheme_cites_it() {
        // The scheme record names its regulation as text; both must say the same Decree.
        assert_eq!(
            format!("{} ({})", REGULATION.title_sl, REGULATION.citation_sl),
            DECREE_2018
        );
    }
}
