//! What a change did to each record: the before and after the audit trail keeps.
//!
//! Every event of a plan is described against the state *before* the plan, so `before` is
//! what the record was and `after` what it becomes. Objects are named the way the seed's
//! "Zadnja sprememba" panel names them: an object type such as `ADAM_ENTITY_USER`, its number
//! and a human label.

use crate::event::Event;
use crate::records::Carrier;
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record as the audit trail names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditObject {
    /// Object type (`ADAM_ENTITY_JOB`).
    pub kind: String,
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

impl World {
    /// A label for a job: `1001 - LEADER.GLPI`, or the job id alone.
    pub fn job_label(&self, job: &crate::directory::Job) -> String {
        match &job.signing_code {
            Some(s) => format!("{s} - {}", job.code),
            None => job.code.to_string(),
        }
    }

    /// A label for a user: `doc.dr. Aleksan Applet-Dolzinarjevic (GLPI)`.
    pub fn user_label(&self, user: &crate::directory::User) -> String {
        let offices: Vec<String> = user
            .jobs
            .iter()
            .filter_map(|j| self.job(*j).ok())
            .filter_map(|j| self.office(j.office).ok())
            .map(|o| o.code.to_string())
            .collect();
        if offices.is_empty() {
            user.display_name()
        } else {
            format!("{} ({})", user.display_name(), offices.join(", "))
        }
    }

    fn carrier_label(&self, carrier: Carrier) -> String {
        match carrier {
            Carrier::Class(c) => self
                .class(c)
                .map_or_else(|_| c.to_string(), |r| format!("class {}", r.code)),
            Carrier::Folder(f) => self
                .folder(f)
                .map_or_else(|_| f.to_string(), |r| format!("folder \"{}\"", r.title)),
            Carrier::Document(d) => self
                .document(d)
                .map_or_else(|_| d.to_string(), |r| format!("document \"{}\"", r.title)),
        }
    }

    pub(crate) fn describe(&self, event: &Event) -> ObjectChange {
        let object = |kind: &str, id: u32, label: String| AuditObject {
            kind: kind.to_owned(),
            id,
            label,
        };
        match event {
            Event::Settings(s) => ObjectChange {
                object: object("ADAM_ENTITY_SETTINGS", 0, s.organisation.to_string()),
                before: json(&self.settings),
                after: json(s),
            },
            Event::Office(o) => ObjectChange {
                object: object("ADAM_ENTITY_OFFICE", o.id.0, format!("{} – {}", o.code, o.name)),
                before: self.office(o.id).ok().and_then(json),
                after: json(o),
            },
            Event::Job(j) => ObjectChange {
                object: object("ADAM_ENTITY_JOB", j.id.0, self.job_label(j)),
                before: self.job(j.id).ok().and_then(json),
                after: json(j),
            },
            Event::User(u) => ObjectChange {
                object: object("ADAM_ENTITY_USER", u.id.0, self.user_label(u)),
                before: self.user(u.id).ok().and_then(json),
                after: json(u),
            },
            Event::Group(g) => ObjectChange {
                object: object("ADAM_ENTITY_GROUP", g.id.0, format!("{} – {}", g.code, g.name)),
                before: self.group(g.id).ok().and_then(json),
                after: json(g),
            },
            Event::Application(a) => ObjectChange {
                object: object("ADAM_ENTITY_APPLICATION", a.id.0, format!("{} – {}", a.code, a.name)),
                before: self.application(a.id).ok().and_then(json),
                after: json(a),
            },
            Event::Role(r) => ObjectChange {
                object: object("ADAM_ENTITY_ROLE", r.id.0, r.code.to_string()),
                before: self.role(r.id).ok().and_then(json),
                after: json(r),
            },
            Event::Grant(g) => ObjectChange {
                object: object("ADAM_ENTITY_GRANT", g.id.0, self.grant_label(g)),
                before: self.grant(g.id).ok().and_then(json),
                after: json(g),
            },
            Event::GrantRemoved(id) => {
                let old = self.grant(*id).ok();
                ObjectChange {
                    object: object(
                        "ADAM_ENTITY_GRANT",
                        id.0,
                        old.map_or_else(|| id.to_string(), |g| self.grant_label(g)),
                    ),
                    before: old.and_then(json),
                    after: None,
                }
            }
            Event::Class(c) => ObjectChange {
                object: object("ADAM_ENTITY_CLASS", c.id.0, format!("{} – {}", c.code, c.name)),
                before: self.class(c.id).ok().and_then(json),
                after: json(c),
            },
            Event::Folder(f) => ObjectChange {
                object: object("ADAM_ENTITY_FOLDER", f.id.0, f.title.to_string()),
                before: self.folder(f.id).ok().and_then(json),
                after: json(f),
            },
            Event::Document(d) => ObjectChange {
                object: object("ADAM_ENTITY_DOCUMENT", d.id.0, d.title.to_string()),
                before: self.document(d.id).ok().and_then(json),
                after: json(d),
            },
            Event::Entry(e) => ObjectChange {
                object: object(
                    "ADAM_ENTITY_ACL_ENTRY",
                    e.id.0,
                    format!("{e} on {}", self.carrier_label(e.carrier)),
                ),
                before: self.entry(e.id).ok().and_then(json),
                after: json(e),
            },
            Event::EntryRemoved(id) => {
                let old = self.entry(*id).ok();
                ObjectChange {
                    object: object(
                        "ADAM_ENTITY_ACL_ENTRY",
                        id.0,
                        old.map_or_else(
                            || id.to_string(),
                            |e| format!("{e} on {}", self.carrier_label(e.carrier)),
                        ),
                    ),
                    before: old.and_then(json),
                    after: None,
                }
            }
        }
    }

    /// A label for a grant: `GLPI → LEADER.GLPI`.
    pub fn grant_label(&self, g: &crate::roles::Grant) -> String {
        use crate::roles::Grantee;
        let role = self
            .role(g.role)
            .map_or_else(|_| g.role.to_string(), |r| r.code.to_string());
        let to = match g.grantee {
            Grantee::User(u) => self.user(u).map_or_else(|_| u.to_string(), |r| r.username.to_string()),
            Grantee::Job(j) => self.job(j).map_or_else(|_| j.to_string(), |r| r.code.to_string()),
            Grantee::Office(o) => self
                .office(o)
                .map_or_else(|_| o.to_string(), |r| format!("office {}", r.code)),
            Grantee::Everyone => "everyone".to_owned(),
        };
        format!("{role} → {to}")
    }
}

impl World {
    /// Replaces the ids in a message (`job#12`, `office#3`, `user#7`…) by what people call
    /// those records (`job JOB.0276`, `office UN`, `user vopiun02`). Engine errors carry ids so
    /// they can be built without the world; this is how they are shown to people.
    pub fn name_ids(&self, message: &str) -> String {
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
                    out.push_str(&before[..word_start]);
                    // "job job#12" in a message becomes "job JOB.0276", not "job job JOB.0276".
                    if !out.ends_with(&format!("{noun} ")) {
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
            // A folder or a document is named by its id only: a message may be a refusal, and a
            // refusal says what was refused, never what the record is (its title).
            "folder" => ("folder", self.folder(FolderId(n)).ok().map(|_| n.to_string())?),
            "document" => ("document", self.document(DocumentId(n)).ok().map(|_| n.to_string())?),
            _ => return None,
        })
    }
}
