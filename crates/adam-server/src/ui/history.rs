//! History: the last change and the audit rows of an object, and the activity page.

use super::chrome::*;
use super::i18n::Tr;
use crate::authn::Caller;
use crate::error::WebError;
use crate::state::{AppState, blocking};
use adam_core::*;
use adam_store::AuditQuery;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use std::collections::BTreeMap;

/// The "last change" panel.
pub struct LastChangeView {
    pub(super) object_id: u32,
    pub(super) object_type: String,
    pub(super) label: String,
    /// Who changed it: a username, `None` for the system.
    pub(super) by: Option<String>,
    pub(super) at: String,
}

impl LastChangeView {
    /// Who changed it, in the page's language.
    pub(super) fn by_in(&self, t: &super::i18n::Tr) -> String {
        by_words(&self.by, *t)
    }

    /// The object's type in words in the page's language (the page shows its wire name, the
    /// SPEC's `ADAM_ENTITY_USER`, beside them).
    pub(super) fn object_type_in(&self, t: &super::i18n::Tr) -> String {
        super::words::engine::kind_words(*t, &self.object_type)
    }
}

/// A row of an activity history.
pub struct HistoryRow {
    pub(super) at: String,
    /// The action's code (`office.create`): shown in words, the code as their title.
    pub(super) action: String,
    /// Who did it: a username, `None` for the system.
    pub(super) by: Option<String>,
    pub(super) label: String,
}

impl HistoryRow {
    /// Who did it, in the page's language.
    pub(super) fn by_in(&self, t: &super::i18n::Tr) -> String {
        by_words(&self.by, *t)
    }

    /// The action in words in the page's language (the templates call it with `c.t`).
    pub(super) fn action_in(&self, t: &super::i18n::Tr) -> String {
        super::words::engine::action_words(*t, &self.action)
    }

    /// What the row is about, in the page's language.
    pub(super) fn label_in(&self, t: &super::i18n::Tr) -> String {
        super::words::engine::label_words(*t, &self.label)
    }
}

/// Who acted, as a person reads it: the username, or the system in the page's language.
pub(super) fn who_name(w: &World, actor: &Actor, t: Tr) -> String {
    by_words(&username_of(w, actor), t)
}

/// The username of a person who acted; `None` for the system.
pub(super) fn username_of(w: &World, actor: &Actor) -> Option<String> {
    actor.user_id().map(|u| {
        w.user(u)
            .map(|u| u.username.to_string())
            .unwrap_or_else(|_| format!("#{}", u.0))
    })
}

fn by_words(by: &Option<String>, t: Tr) -> String {
    by.clone().unwrap_or_else(|| t.s("actor_system").to_owned())
}

/// The history of an object, and for a job or a user also the history of the grants made to
/// it (a user administrator who grants a role to a job expects to see it on the job) — as far
/// as the caller may read them: the API's rule (`audit::history_view`) for the object and for
/// each grant.
pub(super) async fn history_of(
    s: &AppState,
    caller: &Caller,
    kind: EntityKind,
    id: u32,
) -> Result<(Option<LastChangeView>, Vec<HistoryRow>), WebError> {
    let view = crate::service::audit::history_view(s, caller, kind.as_str(), id)?;
    let grantee = match kind {
        EntityKind::Job => Some(serde_json::json!({"type": "job", "id": id})),
        EntityKind::User => Some(serde_json::json!({"type": "user", "id": id})),
        EntityKind::Office => Some(serde_json::json!({"type": "office", "id": id})),
        _ => None,
    };
    let store = s.store.clone();
    let own = AuditQuery {
        object_kind: Some(kind.as_str().to_owned()),
        object_id: Some(id),
        limit: 50,
        ..AuditQuery::default()
    };
    let mut records = blocking(move || {
        let mut records = store.audit_search(&own)?;
        if let Some(grantee) = grantee {
            let grants = AuditQuery {
                object_kind: Some(EntityKind::Grant.as_str().to_owned()),
                limit: 1000,
                ..AuditQuery::default()
            };
            records.extend(store.audit_search(&grants)?.into_iter().filter(|r| {
                [&r.before, &r.after]
                    .into_iter()
                    .flatten()
                    .any(|v| v.get("grantee") == Some(&grantee))
            }));
        }
        Ok::<_, adam_store::StoreError>(records)
    })
    .await??;
    let mut grants = BTreeMap::new();
    records.retain(|r| {
        if r.object.kind == kind && r.object.id == id {
            view.shows(r)
        } else {
            *grants.entry(r.object.id).or_insert_with(|| {
                crate::service::audit::history_view(s, caller, r.object.kind.as_str(), r.object.id).is_ok()
            })
        }
    });
    records.sort_by_key(|r| std::cmp::Reverse(r.seq));
    records.truncate(50);
    Ok(panel_and_rows(&s.world(), &records, |_| true))
}

/// The "last change" panel — the newest record of a world change that `is_own` says is about
/// the object itself — and one row per record, for records newest first.
pub(super) fn panel_and_rows(
    w: &World,
    records: &[adam_store::AuditRecord],
    is_own: impl Fn(&adam_store::AuditRecord) -> bool,
) -> (Option<LastChangeView>, Vec<HistoryRow>) {
    let last = records
        .iter()
        .find(|r| r.revision.is_some() && is_own(r))
        .map(|r| LastChangeView {
            object_id: r.object.id,
            object_type: r.object.kind.as_str().to_owned(),
            label: r.object.label.clone(),
            by: username_of(w, &r.context.actor),
            at: local(r.context.at),
        });
    let rows = records
        .iter()
        .map(|r| HistoryRow {
            at: local(r.context.at),
            action: r.action.clone(),
            by: username_of(w, &r.context.actor),
            label: r.object.label.clone(),
        })
        .collect();
    (last, rows)
}

#[derive(Template)]
#[template(path = "activity.html")]
pub(super) struct ActivityPage {
    pub(super) c: Chrome,
    pub(super) history: Vec<HistoryRow>,
}

pub(super) async fn activity_page(
    State(s): State<AppState>,
    lang: Lang,
    UiCaller(caller): UiCaller,
) -> UiResult<Response> {
    let store = s.store.clone();
    let q = AuditQuery {
        actor: Some(caller.user),
        limit: 100,
        ..AuditQuery::default()
    };
    let records = blocking(move || store.audit_search(&q))
        .await
        .ui(lang.tr)?
        .ui(lang.tr)?;
    let history = records
        .iter()
        .map(|r| HistoryRow {
            at: local(r.context.at),
            action: r.action.clone(),
            by: Some(r.context.application.clone().unwrap_or_default()),
            label: r.object.label.clone(),
        })
        .collect();
    page(
        lang,
        &ActivityPage {
            c: chrome(&s, &caller, lang.tr),
            history,
        },
    )
}

/// The last change and the history of a register's record (`kind`, `id`), for whoever may
/// read the record (the caller's business): the audit trail's rows about it, newest first.
pub(crate) async fn record_history(
    s: &AppState,
    kind: EntityKind,
    id: u32,
    lang: Tr,
) -> UiResult<(Option<LastChangeView>, Vec<HistoryRow>)> {
    record_history_until(s, kind, id, None, lang).await
}

/// As [`record_history`], only the rows up to instant `until` (a page "as of" then).
pub(crate) async fn record_history_until(
    s: &AppState,
    kind: EntityKind,
    id: u32,
    until: Option<Timestamp>,
    lang: Tr,
) -> UiResult<(Option<LastChangeView>, Vec<HistoryRow>)> {
    let store = s.store.clone();
    let q = AuditQuery {
        object_kind: Some(kind.as_str().to_owned()),
        object_id: Some(id),
        to: until,
        limit: 50,
        ..AuditQuery::default()
    };
    let mut records = blocking(move || store.audit_search(&q)).await.ui(lang)?.ui(lang)?;
    records.sort_by_key(|r| std::cmp::Reverse(r.seq));
    Ok(panel_and_rows(&s.world(), &records, |_| true))
}
