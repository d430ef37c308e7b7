//! The inventory of information assets and systems (Decree Art. 10–11, 38, 41; table 1.2.2 of
//! the requirements extract).
//!
//! An [`InventoryItem`] is an information asset (data treated as a whole, Art. 2(14)) or an
//! information system (Art. 2(13)). Every item has a custodian (Art. 10(3)); only the custodian
//! classifies it (Art. 7), and who did and when is kept with the class. A system is linked to
//! the assets it stores, processes, handles or protects ([`ItemLink`], Art. 11(2)); its class is
//! at least the highest of its assets' on each dimension — the **floor**, computed here with the
//! asset that forces it ([`Floor`]). The floor may be exceeded, never undercut: classifying a
//! system below it is refused; an asset raised above a system's class leaves the system "below
//! its floor", listed for its custodian until it is raised.

use crate::calendar::LocalDate;
use crate::ids::{AppId, ItemId, LinkId, OfficeId, Revision, UserId};
use crate::level::{Classification, SecurityClass};
use crate::text::{Code, Text};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What an inventory item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An information asset (informacijsko premoženje).
    Asset,
    /// An information system (informacijski sistem).
    System,
}

/// How a system relates to an asset (Art. 11(2): "hranijo, obdelujejo ali drugače obravnavajo
/// oziroma ščitijo").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The system stores the asset.
    Stores,
    /// The system processes it.
    Processes,
    /// The system otherwise handles it.
    Handles,
    /// The system protects it.
    Protects,
}

impl Relation {
    /// Every relation, in the Decree's order.
    pub const ALL: [Relation; 4] = [
        Relation::Stores,
        Relation::Processes,
        Relation::Handles,
        Relation::Protects,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Stores => "stores",
            Relation::Processes => "processes",
            Relation::Handles => "handles",
            Relation::Protects => "protects",
        }
    }
}

/// Who operates a system (upravljavec, Art. 8): a person, an office or an outside organisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Operator {
    /// A person.
    User(UserId),
    /// An office of the organisation.
    Office(OfficeId),
    /// An outside organisation, by name.
    Organisation(Text),
}

/// A system's use of a public cloud service (Art. 41).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicCloud {
    /// The service used.
    pub service: Text,
    /// The reference of the ministry's written approval (41(2)); required.
    pub ministry_approval: Option<Text>,
    /// The reference of the ministry's approval of the terms of use (41(3)).
    #[serde(default)]
    pub terms_approval: Option<Text>,
}

/// A class as set by the custodian, with who set it and when (Art. 7).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Classified {
    /// The class on each dimension (0 = unclassified on that dimension).
    pub class: Classification,
    /// The custodian who set it.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
    /// The protection level the custodian set (stopnja zaščite, Art. 7).
    #[serde(default)]
    pub protection_level: Option<Text>,
}

/// The fields of an item that its custodian or the security lead edit (everything but the
/// class, which only the custodian sets).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemFields {
    /// A short code, unique in the inventory (`VOPI-SYS`).
    pub code: Code,
    /// Its name.
    pub name: Text,
    /// What it is.
    #[serde(default)]
    pub description: Option<Text>,
    /// Its custodian (skrbnik, Art. 7 and 10(3)): mandatory.
    pub custodian: UserId,
    /// Its operators (upravljavec, Art. 8); systems only.
    #[serde(default)]
    pub operators: Vec<Operator>,
    /// The label (označba) per the annex's labelling procedure (Art. 11(3)).
    #[serde(default)]
    pub label: Option<Text>,
    /// An own information system of the body (Art. 2(18)): switches on Art. 5(3), 13 and 14.
    #[serde(default)]
    pub own: bool,
    /// A server whose functions are key to the body (Art. 50(4)): its integrity is checked.
    #[serde(default)]
    pub key_server: bool,
    /// A high-risk server connected to uncontrolled networks (Art. 50(3)–(4)).
    #[serde(default)]
    pub high_risk: bool,
    /// Located inside a secured area (varovano območje, Art. 60(3)).
    #[serde(default)]
    pub secured_area: bool,
    /// Its reference in another inventory (Art. 10(2): aligned with other inventories).
    #[serde(default)]
    pub other_inventory: Option<Text>,
    /// Its use of a public cloud (Art. 41); systems only.
    #[serde(default)]
    pub public_cloud: Option<PublicCloud>,
    /// The ADAM application whose records live in this system; systems only. Its class then
    /// governs the application's objects (Art. 11(2), 53(1)).
    #[serde(default)]
    pub application: Option<AppId>,
    /// When it was last reviewed.
    #[serde(default)]
    pub last_reviewed: Option<LocalDate>,
    /// When it is next to be reviewed (Art. 10(2): current; by default a year after the last
    /// review, in step with the yearly risk assessment of Art. 9(2)).
    #[serde(default)]
    pub review_due: Option<LocalDate>,
    /// Files kept with the record (a consent, a review report, a scan): references into the
    /// server's attachment store, which holds the bytes sealed at rest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachment::AttachmentRef>,
}

/// An information asset or system of the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InventoryItem {
    /// Id.
    pub id: ItemId,
    /// Asset or system.
    pub kind: ItemKind,
    /// Its fields.
    #[serde(flatten)]
    pub fields: ItemFields,
    /// Its class, once the custodian classified it.
    #[serde(default)]
    pub classified: Option<Classified>,
    /// Retired: kept for the record, no longer in use.
    #[serde(default)]
    pub retired: bool,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl InventoryItem {
    /// Its class (unclassified on every dimension until classified).
    pub fn class(&self) -> Classification {
        self.classified.as_ref().map_or(Classification::PUBLIC, |c| c.class)
    }

    /// Whether its next review is due on or before `today`.
    pub fn review_overdue(&self, today: LocalDate) -> bool {
        self.fields.review_due.is_some_and(|d| d < today)
    }
}

/// A written consent to move an asset into another system (Art. 38(1)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransferConsent {
    /// The custodian of the source system who consented.
    pub by: UserId,
    /// The reference of the written consent (a document number).
    pub reference: Text,
    /// The date of the consent.
    pub date: LocalDate,
}

/// A system's link to an asset.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemLink {
    /// Id.
    pub id: LinkId,
    /// The system.
    pub system: ItemId,
    /// The asset.
    pub asset: ItemId,
    /// How the system relates to the asset.
    pub relation: Relation,
    /// The source custodian's consent, when the asset was moved in from another system.
    #[serde(default)]
    pub consent: Option<TransferConsent>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

/// A dimension of the classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Dimension {
    /// Confidentiality (zaupnost).
    Z,
    /// Integrity (celovitost).
    C,
    /// Availability (razpoložljivost).
    R,
}

impl Dimension {
    /// The three, in the Decree's order.
    pub const ALL: [Dimension; 3] = [Dimension::Z, Dimension::C, Dimension::R];

    /// The class of `c` on this dimension.
    pub fn of(self, c: Classification) -> SecurityClass {
        match self {
            Dimension::Z => c.z,
            Dimension::C => c.c,
            Dimension::R => c.r,
        }
    }

    /// The letter (`Z`).
    pub fn letter(self) -> char {
        match self {
            Dimension::Z => 'Z',
            Dimension::C => 'C',
            Dimension::R => 'R',
        }
    }
}

/// The least class a system may have: per dimension the highest class of its linked assets,
/// with the asset that forces it (the first one found at that class).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Floor {
    /// The floor on each dimension.
    pub class: Classification,
    /// The asset forcing the floor on Z, C and R (none where the floor is 0).
    pub forced_by: [Option<ItemId>; 3],
}

impl Floor {
    /// The floor of a system whose linked assets have these classes.
    pub fn of(assets: impl IntoIterator<Item = (ItemId, Classification)>) -> Floor {
        let mut floor = Floor::default();
        for (id, class) in assets {
            for (i, d) in Dimension::ALL.into_iter().enumerate() {
                let have = d.of(floor.class);
                let got = d.of(class);
                if got > have {
                    match d {
                        Dimension::Z => floor.class.z = got,
                        Dimension::C => floor.class.c = got,
                        Dimension::R => floor.class.r = got,
                    }
                    floor.forced_by[i] = Some(id);
                }
            }
        }
        floor
    }

    /// The first dimension on which `class` is below the floor, with the floor there and the
    /// asset forcing it.
    pub fn undercut_by(&self, class: Classification) -> Option<(Dimension, SecurityClass, ItemId)> {
        Dimension::ALL.into_iter().enumerate().find_map(|(i, d)| {
            let floor = d.of(self.class);
            (d.of(class) < floor)
                .then_some(())
                .and(self.forced_by[i].map(|a| (d, floor, a)))
        })
    }
}

/// Whether a class may be handled in a public cloud (Art. 41(1)): unclassified, or at most Z1,
/// C1 and R1.
pub fn fits_public_cloud(c: Classification) -> bool {
    c.z <= SecurityClass::ONE && c.c <= SecurityClass::ONE && c.r <= SecurityClass::ONE
}

/// A system whose class is below its floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BelowFloor {
    /// The system.
    pub system: ItemId,
    /// The first dimension undercut.
    pub dimension: Dimension,
    /// The floor there.
    pub floor: SecurityClass,
    /// The asset forcing it.
    pub asset: ItemId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(z: u8, c: u8, r: u8) -> Classification {
        Classification {
            z: SecurityClass::new(z).unwrap(),
            c: SecurityClass::new(c).unwrap(),
            r: SecurityClass::new(r).unwrap(),
        }
    }

    #[test]
    fn the_floor_is_the_highest_asset_per_dimension_and_names_it() {
        let f = Floor::of([
            (ItemId(1), class(2, 1, 0)),
            (ItemId(2), class(1, 3, 1)),
            (ItemId(3), class(2, 0, 2)),
        ]);
        assert_eq!(f.class, class(2, 3, 2));
        assert_eq!(f.forced_by, [Some(ItemId(1)), Some(ItemId(2)), Some(ItemId(3))]);
        assert_eq!(f.undercut_by(class(2, 3, 2)), None);
        assert_eq!(f.undercut_by(class(3, 3, 3)), None);
        assert_eq!(
            f.undercut_by(class(2, 2, 3)),
            Some((Dimension::C, SecurityClass::THREE, ItemId(2)))
        );
        assert_eq!(Floor::of([]).class, Classification::PUBLIC);
    }

    #[test]
    fn only_z1_c1_r1_or_less_fits_a_public_cloud() {
        assert!(fits_public_cloud(class(1, 1, 1)));
        assert!(fits_public_cloud(Classification::PUBLIC));
        assert!(!fits_public_cloud(class(2, 1, 1)));
        assert!(!fits_public_cloud(class(1, 1, 2)));
    }

    #[test]
    fn an_item_round_trips_through_json() {
        let item = InventoryItem {
            id: ItemId(4),
            kind: ItemKind::System,
            fields: ItemFields {
                code: Code::parse("code", "VOPI-SYS").unwrap(),
                name: Text::parse("name", "VOPI").unwrap(),
                description: None,
                custodian: UserId(3),
                operators: vec![
                    Operator::User(UserId(5)),
                    Operator::Organisation(Text::parse("o", "DRO").unwrap()),
                ],
                label: None,
                own: true,
                key_server: false,
                high_risk: false,
                secured_area: true,
                other_inventory: None,
                public_cloud: None,
                application: Some(AppId(1)),
                last_reviewed: LocalDate::new(2026, 1, 31),
                review_due: LocalDate::new(2027, 1, 31),
                attachments: Vec::new(),
            },
            classified: None,
            retired: false,
            rev: Revision(7),
        };
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["review_due"], "2027-01-31");
        assert_eq!(serde_json::from_value::<InventoryItem>(json).unwrap(), item);
    }
}
