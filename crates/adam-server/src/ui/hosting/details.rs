//! The registry's fields of §2.8 beyond the solution, its environments and its people: user
//! groups, infrastructure needs and unavoidable GTZ deviations, the common building blocks, the
//! non-standard workstations, the three placement confirmations (who and the day), the Redmine
//! project, the contractor's repository access, EKC's training and help contacts — as the
//! solution form types them (`DetailsForm`, flattened into `SolutionForm`), reads them back
//! with the message at the field, and as the solution's page shows them.
//!
//! A confirmation is judged here by the engine's own rule (`Confirmation::check`), so the
//! refusal stands at the half that is missing or wrong, in the engine's words.

use super::*;
use crate::error::said;
use adam_core::calendar::LocalDate;
use adam_core::register::solution::{Confirmation, SolutionFields};
use serde::Deserialize;
use std::collections::BTreeMap;

type Errors = BTreeMap<&'static str, String>;

/// A text field of the solution form: empty is none; too long or unreadable is said at `key`
/// (then `None`). The form's own fields and these further ones read text the same way.
pub(super) fn optional_text(v: &str, key: &'static str, errors: &mut Errors, lang: Tr) -> Option<Option<Text>> {
    let v = v.trim();
    if v.is_empty() {
        return Some(None);
    }
    if too_long(v, Text::MAX, key, errors, lang) {
        return None;
    }
    Text::parse(key, v)
        .map_err(|e| errors.insert(key, said(&e)))
        .ok()
        .map(Some)
}

/// The fields as typed (dates as typed, names as typed).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    pub(crate) user_groups: String,
    pub(crate) infrastructure_needs: String,
    pub(crate) gtz_deviations: String,
    pub(crate) building_blocks: String,
    pub(crate) nonstandard_workstations: String,
    pub(crate) logical_scheme_by: String,
    pub(crate) logical_scheme_date: String,
    pub(crate) physical_plan_test_by: String,
    pub(crate) physical_plan_test_date: String,
    pub(crate) physical_plan_production_by: String,
    pub(crate) physical_plan_production_date: String,
    pub(crate) redmine_project: String,
    pub(crate) repository_access_granted: String,
    pub(crate) ekc_trained: String,
    pub(crate) ekc_help_contacts: String,
}

/// The fields read: what `SolutionFields` keeps of them.
pub(crate) struct Details {
    pub(crate) user_groups: Option<Text>,
    pub(crate) infrastructure_needs: Option<Text>,
    pub(crate) gtz_deviations: Option<Text>,
    pub(crate) building_blocks: Option<Text>,
    pub(crate) nonstandard_workstations: Option<Text>,
    pub(crate) logical_scheme: Confirmation,
    pub(crate) physical_plan_test: Confirmation,
    pub(crate) physical_plan_production: Confirmation,
    pub(crate) redmine_project: Option<Text>,
    pub(crate) repository_access_granted: Option<LocalDate>,
    pub(crate) ekc_trained: Option<LocalDate>,
    pub(crate) ekc_help_contacts: Option<Text>,
}

/// A field of the form: its id (`f_…`, the key of its message), its name, its label's key,
/// what was typed, and how it is typed (`text`, `date`, `area`).
pub(crate) struct DetailField {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    pub(crate) value: String,
    pub(crate) kind: &'static str,
}

/// A fieldset of the form.
pub(crate) struct DetailGroup {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) fields: Vec<DetailField>,
}

fn opt(t: &Option<Text>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn day(d: Option<LocalDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl DetailsForm {
    /// The form filled with a solution's entry.
    pub(crate) fn of(f: &SolutionFields) -> DetailsForm {
        DetailsForm {
            user_groups: opt(&f.user_groups),
            infrastructure_needs: opt(&f.infrastructure_needs),
            gtz_deviations: opt(&f.gtz_deviations),
            building_blocks: opt(&f.building_blocks),
            nonstandard_workstations: opt(&f.nonstandard_workstations),
            logical_scheme_by: opt(&f.logical_scheme.confirmed_by),
            logical_scheme_date: day(f.logical_scheme.date),
            physical_plan_test_by: opt(&f.physical_plan_test.confirmed_by),
            physical_plan_test_date: day(f.physical_plan_test.date),
            physical_plan_production_by: opt(&f.physical_plan_production.confirmed_by),
            physical_plan_production_date: day(f.physical_plan_production.date),
            redmine_project: opt(&f.redmine_project),
            repository_access_granted: day(f.repository_access_granted),
            ekc_trained: day(f.ekc_trained),
            ekc_help_contacts: opt(&f.ekc_help_contacts),
        }
    }

    /// The fields, or the messages at those that cannot be read; a confirmation with one half
    /// only or a day still to come (after `today`) is refused at that half.
    pub(crate) fn read(&self, lang: Tr, today: LocalDate, errors: &mut Errors) -> Option<Details> {
        let text = |v: &str, key: &'static str, errors: &mut Errors| optional_text(v, key, errors, lang);
        let date = |v: &str, key: &'static str, errors: &mut Errors| -> Option<Option<LocalDate>> {
            let d = typed_date(v, key, errors, lang);
            if errors.contains_key(key) { None } else { Some(d) }
        };
        let confirmation = |field: &'static str,
                            by: &str,
                            on: &str,
                            (by_key, on_key): (&'static str, &'static str),
                            errors: &mut Errors|
         -> Option<Confirmation> {
            let c = Confirmation {
                confirmed_by: text(by, by_key, errors)?,
                date: date(on, on_key, errors)?,
            };
            match c.check(field, today) {
                Ok(()) => Some(c),
                Err(e) => {
                    let at = if c.confirmed_by.is_none() { by_key } else { on_key };
                    errors.insert(at, said(&e));
                    None
                }
            }
        };
        let user_groups = text(&self.user_groups, "f_user_groups", errors);
        let infrastructure_needs = text(&self.infrastructure_needs, "f_infrastructure_needs", errors);
        let gtz_deviations = text(&self.gtz_deviations, "f_gtz_deviations", errors);
        let building_blocks = text(&self.building_blocks, "f_building_blocks", errors);
        let nonstandard_workstations = text(&self.nonstandard_workstations, "f_nonstandard_workstations", errors);
        let logical_scheme = confirmation(
            "logical_scheme",
            &self.logical_scheme_by,
            &self.logical_scheme_date,
            ("f_logical_scheme_by", "f_logical_scheme_date"),
            errors,
        );
        let physical_plan_test = confirmation(
            "physical_plan_test",
            &self.physical_plan_test_by,
            &self.physical_plan_test_date,
            ("f_physical_plan_test_by", "f_physical_plan_test_date"),
            errors,
        );
        let physical_plan_production = confirmation(
            "physical_plan_production",
            &self.physical_plan_production_by,
            &self.physical_plan_production_date,
            ("f_physical_plan_production_by", "f_physical_plan_production_date"),
            errors,
        );
        let redmine_project = text(&self.redmine_project, "f_redmine_project", errors);
        let repository_access_granted = date(&self.repository_access_granted, "f_repository_access_granted", errors);
        let ekc_trained = date(&self.ekc_trained, "f_ekc_trained", errors);
        let ekc_help_contacts = text(&self.ekc_help_contacts, "f_ekc_help_contacts", errors);
        Some(Details {
            user_groups: user_groups?,
            infrastructure_needs: infrastructure_needs?,
            gtz_deviations: gtz_deviations?,
            building_blocks: building_blocks?,
            nonstandard_workstations: nonstandard_workstations?,
            logical_scheme: logical_scheme?,
            physical_plan_test: physical_plan_test?,
            physical_plan_production: physical_plan_production?,
            redmine_project: redmine_project?,
            repository_access_granted: repository_access_granted?,
            ekc_trained: ekc_trained?,
            ekc_help_contacts: ekc_help_contacts?,
        })
    }

    /// The form's fieldsets of these fields, with what was typed.
    pub(crate) fn groups(&self) -> Vec<DetailGroup> {
        let field = |id, name, label, value: &String, kind| DetailField {
            id,
            name,
            label,
            value: value.clone(),
            kind,
        };
        vec![
            DetailGroup {
                id: "fs-needs",
                title: "hs_group_needs",
                fields: vec![
                    field(
                        "f_user_groups",
                        "user_groups",
                        "hs_user_groups",
                        &self.user_groups,
                        "area",
                    ),
                    field(
                        "f_infrastructure_needs",
                        "infrastructure_needs",
                        "hs_infrastructure_needs",
                        &self.infrastructure_needs,
                        "area",
                    ),
                    field(
                        "f_gtz_deviations",
                        "gtz_deviations",
                        "hs_gtz_deviations",
                        &self.gtz_deviations,
                        "area",
                    ),
                    field(
                        "f_building_blocks",
                        "building_blocks",
                        "hs_building_blocks",
                        &self.building_blocks,
                        "area",
                    ),
                    field(
                        "f_nonstandard_workstations",
                        "nonstandard_workstations",
                        "hs_nonstandard_workstations",
                        &self.nonstandard_workstations,
                        "area",
                    ),
                ],
            },
            DetailGroup {
                id: "fs-confirmations",
                title: "hs_group_confirmations",
                fields: vec![
                    field(
                        "f_logical_scheme_by",
                        "logical_scheme_by",
                        "hs_logical_scheme_by",
                        &self.logical_scheme_by,
                        "text",
                    ),
                    field(
                        "f_logical_scheme_date",
                        "logical_scheme_date",
                        "hs_logical_scheme_date",
                        &self.logical_scheme_date,
                        "date",
                    ),
                    field(
                        "f_physical_plan_test_by",
                        "physical_plan_test_by",
                        "hs_plan_test_by",
                        &self.physical_plan_test_by,
                        "text",
                    ),
                    field(
                        "f_physical_plan_test_date",
                        "physical_plan_test_date",
                        "hs_plan_test_date",
                        &self.physical_plan_test_date,
                        "date",
                    ),
                    field(
                        "f_physical_plan_production_by",
                        "physical_plan_production_by",
                        "hs_plan_production_by",
                        &self.physical_plan_production_by,
                        "text",
                    ),
                    field(
                        "f_physical_plan_production_date",
                        "physical_plan_production_date",
                        "hs_plan_production_date",
                        &self.physical_plan_production_date,
                        "date",
                    ),
                ],
            },
            DetailGroup {
                id: "fs-access",
                title: "hs_group_access",
                fields: vec![
                    field(
                        "f_redmine_project",
                        "redmine_project",
                        "hs_redmine_project",
                        &self.redmine_project,
                        "text",
                    ),
                    field(
                        "f_repository_access_granted",
                        "repository_access_granted",
                        "hs_repository_access",
                        &self.repository_access_granted,
                        "date",
                    ),
                    field(
                        "f_ekc_trained",
                        "ekc_trained",
                        "hs_ekc_trained",
                        &self.ekc_trained,
                        "date",
                    ),
                    field(
                        "f_ekc_help_contacts",
                        "ekc_help_contacts",
                        "hs_ekc_help_contacts",
                        &self.ekc_help_contacts,
                        "area",
                    ),
                ],
            },
        ]
    }
}

/// A confirmation as the page shows it: who, the day.
fn confirmed(c: &Confirmation) -> String {
    match (&c.confirmed_by, c.date) {
        (Some(by), Some(d)) => format!("{by}, {d}"),
        (Some(by), None) => by.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => String::new(),
    }
}

/// A group of the solution page: its id, its title's key and its rows (a word's key and the
/// value); `page.rs` makes its `Group` of it (this module does not import the page).
pub(crate) struct PageGroup {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) rows: Vec<(&'static str, String)>,
}

/// The solution page's groups of these fields.
pub(crate) fn page_groups(f: &SolutionFields) -> Vec<PageGroup> {
    vec![
        PageGroup {
            id: "g-needs",
            title: "hs_group_needs",
            rows: vec![
                ("hs_user_groups", opt(&f.user_groups)),
                ("hs_infrastructure_needs", opt(&f.infrastructure_needs)),
                ("hs_gtz_deviations", opt(&f.gtz_deviations)),
                ("hs_building_blocks", opt(&f.building_blocks)),
                ("hs_nonstandard_workstations", opt(&f.nonstandard_workstations)),
            ],
        },
        PageGroup {
            id: "g-confirmations",
            title: "hs_group_confirmations",
            rows: vec![
                ("hs_logical_scheme", confirmed(&f.logical_scheme)),
                ("hs_plan_test", confirmed(&f.physical_plan_test)),
                ("hs_plan_production", confirmed(&f.physical_plan_production)),
            ],
        },
        PageGroup {
            id: "g-access",
            title: "hs_group_access",
            rows: vec![
                ("hs_redmine_project", opt(&f.redmine_project)),
                ("hs_repository_access", day(f.repository_access_granted)),
                ("hs_ekc_trained", day(f.ekc_trained)),
                ("hs_ekc_help_contacts", opt(&f.ekc_help_contacts)),
            ],
        },
    ]
}
