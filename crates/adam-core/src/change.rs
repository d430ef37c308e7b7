//! What a change did to each record: the before and after the audit trail keeps.
//!
//! Every event of a plan is described against the state *before* the plan, so `before` is
//! what the record was and `after` what it becomes. Objects are named the way the seed's
//! "Zadnja sprememba" panel names them: an object type such as `ADAM_ENTITY_USER`, its number
//! and a human label.

use crate::event::{Event, Payload};
use crate::ids::RecordId;
use crate::kind::EntityKind;
use crate::lang::Lang;
use crate::world::{Record, World};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record as the audit trail names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditObject {
    /// Object type (`ADAM_ENTITY_JOB`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub kind: EntityKind,
    /// Its id.
    pub id: u32,
    /// A human label (`1001 - LEADER.GLPI`).
    pub label: String,
}

/// The change to one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObjectChange {
    /// Which record.
    pub object: AuditObject,
    /// The record before (absent when created).
    pub before: Option<Value>,
    /// The record after (absent when removed).
    pub after: Option<Value>,
}

fn json<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// What the audit trail writes for a restricted field of a case in place of its value (see
/// `World::hide_restricted`): `{"restricted": "set"}`, or `{"restricted": "changed"}` in the
/// `after` of the change that gave it a new value.
pub fn restricted_marker(changed: bool) -> Value {
    serde_json::json!({ "restricted": if changed { "changed" } else { "set" } })
}

/// `World::describe`, its register arms from the register list (`event::register_kinds!`), so
/// the match stays exhaustive and a new register kind needs no line here.
macro_rules! describe {
    ($( $(#[$doc:meta])* $var:ident($payload:ty): $rec:ty = $kind:ident, )*) => {
        impl World {
            /// The change `event` makes, described against the world before it.
            pub(crate) fn describe(&self, event: &Event) -> ObjectChange {
                let mut change = self.describe_all(event);
                if let Event::Case(case) = event {
                    self.hide_restricted(case, &mut change);
                }
                change
            }

            /// The change `event` makes, every field as it is.
            fn describe_all(&self, event: &Event) -> ObjectChange {
                match event {
                    Event::Settings(s) => ObjectChange {
                        object: AuditObject {
                            kind: EntityKind::Settings,
                            id: 0,
                            label: s.organisation.to_string(),
                        },
                        before: json(&self.settings),
                        after: json(s),
                    },
                    Event::Office(r) => self.put_change(r),
                    Event::Job(r) => self.put_change(r),
                    Event::User(r) => self.put_change(r),
                    Event::Group(r) => self.put_change(r),
                    Event::Application(r) => self.put_change(r),
                    Event::Role(r) => self.put_change(r),
                    Event::Grant(r) => self.put_change(r),
                    Event::GrantRemoved(id) => self.removal::<crate::roles::Grant>(*id),
                    Event::Class(r) => self.put_change(r),
                    Event::Folder(r) => self.put_change(r),
                    Event::Document(r) => self.put_change(r),
                    Event::Entry(r) => self.put_change(r),
                    Event::EntryRemoved(id) => self.removal::<crate::acl::AclEntry>(*id),
                    Event::LinkRemoved(id) => self.removal::<crate::register::inventory::ItemLink>(*id),
                    $( Event::$var(r) => self.put_change::<$rec>(Payload::record(r)), )*
                }
            }
        }
    };
}
crate::event::register_kinds!(describe);

impl World {
    /// A label for a job: `1001 - LEADER.GLPI`, or the job id alone.
    pub fn job_label(&self, job: &crate::directory::Job) -> String {
        job.label(self)
    }

    /// A label for a user: `doc.dr. Aleksan Applet-Dolzinarjevic (GLPI)`.
    pub fn user_label(&self, user: &crate::directory::User) -> String {
        user.label(self)
    }

    /// A label for a grant: `GLPI → LEADER.GLPI`.
    pub fn grant_label(&self, g: &crate::roles::Grant) -> String {
        g.label(self)
    }

    /// A record created or changed: before is what the world holds under its id.
    fn put_change<R: Record>(&self, new: &R) -> ObjectChange {
        ObjectChange {
            object: AuditObject {
                kind: R::KIND,
                id: new.id().number(),
                label: new.label(self),
            },
            before: R::find(self, new.id()).ok().and_then(json),
            after: json(new),
        }
    }

    /// Keeps a case's restricted fields (perpetrators and motives, Art. 20(2): personal data
    /// that only the security lead and the people the case is handed to may read) out of the
    /// audit trail's before and after: whoever reviews the whole trail (the system
    /// administrator) would read them there, and the trail is kept for years. Each such field
    /// set is written as [`restricted_marker`] — that it is set, and in `after` whether this
    /// change set it anew — so the trail still shows that it changed, and who changed it when;
    /// its value is in the case itself (and the case "as of" an instant, from the change log),
    /// whose readers the case's rules decide. A case whose definition is unknown here keeps no
    /// field's value.
    fn hide_restricted(&self, case: &crate::process::Case, change: &mut ObjectChange) {
        let restricted: Option<Vec<&str>> = self.process_definition(case.definition).ok().map(|kept| {
            kept.definition
                .fields
                .iter()
                .filter(|f| f.restricted)
                .map(|f| f.key.as_str())
                .collect()
        });
        let hidden = |key: &str| restricted.as_ref().is_none_or(|r| r.contains(&key));
        let old = self.case(case.id).ok();
        let mark = |picture: &mut Option<Value>, after: bool| {
            let Some(fields) = picture
                .as_mut()
                .and_then(|p| p.get_mut("fields"))
                .and_then(Value::as_object_mut)
            else {
                return;
            };
            for (key, value) in fields.iter_mut().filter(|(k, _)| hidden(k)) {
                let changed = after
                    && old
                        .and_then(|o| o.fields.iter().find(|(k, _)| k.as_str() == key.as_str()))
                        .is_none_or(|(_, v)| serde_json::to_value(v).ok().as_ref() != Some(&*value));
                *value = restricted_marker(changed);
            }
        };
        mark(&mut change.before, false);
        mark(&mut change.after, true);
    }

    /// A record removed: named by what it was, or by its id if it was not there.
    fn removal<R: Record>(&self, id: R::Id) -> ObjectChange {
        let old = R::find(self, id).ok();
        ObjectChange {
            object: AuditObject {
                kind: R::KIND,
                id: id.number(),
                label: old.map_or_else(|| id.to_string(), |r| r.label(self)),
            },
            before: old.and_then(json),
            after: None,
        }
    }
}

impl World {
    /// Replaces the ids in a message (`job#12`, `office#3`, `user#7`…) by what people call
    /// those records (`job JOB.0276`, `office UN`, `user vopiun02`). Engine errors carry ids so
    /// they can be built without the world; this is how they are shown to people.
    pub fn name_ids(&self, message: &str) -> String {
        self.name_ids_in(message, Lang::En)
    }

    /// As [`World::name_ids`], with the kind of record said in `lang` (`delovno mesto
    /// JOB.0276`): for the messages of `Error::message(lang)`.
    pub fn name_ids_in(&self, message: &str, lang: Lang) -> String {
        let mut out = String::with_capacity(message.len());
        let mut rest = message;
        while let Some(hash) = rest.find('#') {
            let before = &rest[..hash];
            let word_start = before.rfind(|c: char| !c.is_ascii_alphabetic()).map_or(0, |i| i + 1);
            let kind = &before[word_start..];
            let digits: String = rest[hash + 1..].chars().take_while(char::is_ascii_digit).collect();
            let named = digits.parse::<u32>().ok().and_then(|n| self.name_of(kind, n));
            match named {
                Some((noun, name)) => {
                    let noun = match lang {
                        Lang::En => noun,
                        Lang::Sl => noun_sl(noun),
                    };
                    out.push_str(&before[..word_start]);
                    // "job job#12" in a message becomes "job JOB.0276", not "job job JOB.0276".
                    if !out.to_lowercase().ends_with(&format!("{noun} ")) {
                        out.push_str(noun);
                        out.push(' ');
                    }
                    out.push_str(&name);
                    rest = &rest[hash + 1 + digits.len()..];
                }
                None => {
                    out.push_str(&rest[..=hash]);
                    rest = &rest[hash + 1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn name_of(&self, kind: &str, n: u32) -> Option<(&'static str, String)> {
        use crate::ids::*;
        Some(match kind {
            "office" => ("office", self.office(OfficeId(n)).ok()?.code.to_string()),
            "job" => ("job", self.job(JobId(n)).ok()?.code.to_string()),
            "user" => ("user", self.user(UserId(n)).ok()?.username.to_string()),
            "role" => ("role", self.role(RoleId(n)).ok()?.code.to_string()),
            "app" => ("application", self.application(AppId(n)).ok()?.code.to_string()),
            "class" => ("filing class", self.class(ClassId(n)).ok()?.code.to_string()),
            "group" => ("group", self.group(GroupId(n)).ok()?.code.to_string()),
            "grant" => ("grant", self.grant_label(self.grant(GrantId(n)).ok()?)),
            "item" => {
                let item = self.item(ItemId(n)).ok()?;
                let noun = match item.kind {
                    crate::register::inventory::ItemKind::System => "system",
                    crate::register::inventory::ItemKind::Asset => "asset",
                };
                (noun, item.fields.code.to_string())
            }
            // A folder or a document is named by its id only: a message may be a refusal, and a
            // refusal says what was refused, never what the record is (its title).
            "folder" => ("folder", self.folder(FolderId(n)).ok().map(|_| n.to_string())?),
            "document" => ("document", self.document(DocumentId(n)).ok().map(|_| n.to_string())?),
            _ => return None,
        })
    }
}

/// The Slovenian of a kind of record as [`World::name_ids`] names it.
fn noun_sl(noun: &str) -> &'static str {
    match noun {
        "office" => "urad",
        "job" => "delovno mesto",
        "user" => "uporabnik",
        "role" => "vloga",
        "application" => "aplikacija",
        "filing class" => "klasifikacijski znak",
        "group" => "skupina",
        "grant" => "dodelitev",
        "system" => "sistem",
        "asset" => "premoženje",
        "folder" => "zadeva",
        "document" => "dokument",
        _ => "zapis",
    }
}
