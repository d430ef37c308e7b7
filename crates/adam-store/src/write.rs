//! The write path and the change log's reads, shared by both backends (API tokens are
//! `tokens.rs`).
//!
//! Each function runs inside a transaction the backend has opened (and, on PostgreSQL, after
//! it took the store's advisory lock), so everything here is all-or-nothing: the caller commits
//! only when the function returned `Ok`. The only SQL in the crate that changes the world's
//! tables is in [`write_event`], and the only caller of it is [`commit`]: one write path.

use crate::StoreError;
use crate::audit::AuditContext;
use crate::audit::Retention;
use crate::audit::tail::{self, Entry, Tail};
use crate::codec;
use crate::keys::Keyring;
use crate::sql::{
    DbErrorKind, Row, Tx, Val, Writes, limit_val, one, req_id, req_int, req_text, rev_val, revision_of, write_error,
};
use adam_core::*;

// ---- meta ---------------------------------------------------------------------------------

/// Records the organisation in an empty store.
pub(crate) fn initialise(tx: &mut dyn Tx, organisation: &Text) -> Result<bool, StoreError> {
    let n = tx.exec(
        "INSERT INTO meta (id, organisation) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        &[Val::text(organisation.as_str())],
    )?;
    Ok(n == 1)
}

/// What the `meta` row holds.
pub(crate) struct Meta {
    pub(crate) organisation: Text,
    pub(crate) next_grant: u32,
    pub(crate) next_entry: u32,
}

/// The `meta` row ([`StoreError::NotInitialised`] when the store is empty).
pub(crate) fn meta(tx: &mut dyn Tx) -> Result<Meta, StoreError> {
    one(
        tx,
        "SELECT organisation, next_grant, next_entry FROM meta WHERE id = 1",
        &[],
        |row| {
            let organisation = Text::parse("organisation", req_text(row, 0, "meta", "organisation")?)
                .map_err(|e| StoreError::Corrupt(format!("meta.organisation: {e}")))?;
            Ok(Meta {
                organisation,
                next_grant: req_id(row, 1, "meta", "next_grant")?,
                next_entry: req_id(row, 2, "meta", "next_entry")?,
            })
        },
    )?
    .ok_or(StoreError::NotInitialised)
}

/// The latest revision in the change log (0 when empty).
pub(crate) fn latest_revision(tx: &mut dyn Tx) -> Result<Revision, StoreError> {
    let max = one(tx, "SELECT max(revision) FROM changes", &[], |row| row.int(0))?.flatten();
    revision_of(max.unwrap_or(0))
}

// ---- commit -------------------------------------------------------------------------------

/// Persists a plan: claims its revision in the change log first (so a concurrent writer fails
/// on the primary key before doing any other work), checks that it follows the latest stored
/// revision, writes the tables from the events and one audit record per change.
pub(crate) fn commit(
    tx: &mut dyn Tx,
    keys: &Keyring,
    plan: &Plan,
    context: &AuditContext,
    writes: &mut Writes,
) -> Result<(), StoreError> {
    meta(tx)?;
    let revision = plan.revision();
    let actor = serde_json::to_value(plan.actor).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let events = serde_json::to_value(&plan.events).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let logged = LogRow {
        revision,
        at: plan.at,
        action: plan.action,
        actor,
        events,
    };
    write_change(tx, writes, &logged, plan.base, &plan.events, true)?;
    let job = plan.acting_job.or(tail::acting_job(context));
    let mut tail = Tail::read(tx, keys)?;
    for change in &plan.changes {
        tail.append(
            tx,
            writes,
            Entry {
                retention: Retention::Change,
                revision: Some(revision),
                context,
                job,
                action: plan.action,
                object: &change.object,
                before: change.before.as_ref(),
                after: change.after.as_ref(),
                outcome: "ok",
            },
        )?;
    }
    tail.finish(tx, writes, context.at, false)?;
    Ok(())
}

/// One row of the change log as stored: what [`commit`] writes and a standby receives
/// (`replication/`).
pub(crate) struct LogRow<'a> {
    pub(crate) revision: Revision,
    pub(crate) at: Timestamp,
    pub(crate) action: &'a str,
    pub(crate) actor: serde_json::Value,
    pub(crate) events: serde_json::Value,
}

/// Writes one change: claims its revision in the change log first (so a concurrent writer
/// fails on the primary key before doing any other work), checks that it follows `base`, the
/// latest stored revision, and writes the tables from its events and the references to the
/// files they name (checked with `check_files`: see `attachments::refer`). The one writer of
/// the world's tables, for a planned change and for a change a standby received alike.
pub(crate) fn write_change(
    tx: &mut dyn Tx,
    writes: &mut Writes,
    row: &LogRow<'_>,
    base: Revision,
    events: &[Event],
    check_files: bool,
) -> Result<(), StoreError> {
    let revision = row.revision;
    let claimed = writes.exec(
        tx,
        "INSERT INTO changes (revision, at, action, actor, events) VALUES ($1, $2, $3, $4, $5)",
        &[
            rev_val(revision)?,
            Val::int(row.at.0),
            Val::text(row.action),
            Val::Json(Some(row.actor.clone())),
            Val::Json(Some(row.events.clone())),
        ],
    );
    match claimed {
        Ok(_) => {}
        Err(e) if e.kind == DbErrorKind::Unique => return Err(StoreError::RevisionTaken(revision)),
        Err(e) => return Err(write_error(e)),
    }
    // The log has no gaps, so a plan based on an older revision already failed on the key;
    // what is left to refuse is a plan based on a revision the store never reached. (Written
    // as an index seek, not `max(…) WHERE <>`, which would scan the whole log.)
    let previous = one(
        tx,
        "SELECT revision FROM changes WHERE revision < $1 ORDER BY revision DESC LIMIT 1",
        &[rev_val(revision)?],
        |row| row.int(0),
    )?
    .flatten();
    let stored = revision_of(previous.unwrap_or(0))?;
    if stored != base {
        return Err(StoreError::OutOfOrder { planned: base, stored });
    }
    for event in events {
        write_event(tx, event, writes)?;
    }
    crate::attachments::refer(tx, writes, revision, events, check_files)?;
    // The high-water marks of the removable ids, once per commit (updating the one `meta`
    // row per event would leave PostgreSQL a long chain of row versions to walk).
    let end = |id: Option<u32>| id.map(|id| i64::from(id) + 1);
    let grants = end(events
        .iter()
        .filter_map(|e| match e {
            Event::Grant(g) => Some(g.id.0),
            _ => None,
        })
        .max());
    let entries = end(events
        .iter()
        .filter_map(|e| match e {
            Event::Entry(x) => Some(x.id.0),
            _ => None,
        })
        .max());
    if let Some(n) = grants {
        writes
            .exec(
                tx,
                "UPDATE meta SET next_grant = $1 WHERE id = 1 AND next_grant < $1",
                &[Val::int(n)],
            )
            .map_err(write_error)?;
    }
    if let Some(n) = entries {
        writes
            .exec(
                tx,
                "UPDATE meta SET next_entry = $1 WHERE id = 1 AND next_entry < $1",
                &[Val::int(n)],
            )
            .map_err(write_error)?;
    }
    Ok(())
}

/// Writes one event to the tables: an upsert of the whole record (every event carries it), its
/// ordered child rows replaced, or a delete.
fn write_event(tx: &mut dyn Tx, event: &Event, w: &mut Writes) -> Result<(), StoreError> {
    let mut exec = |sql: &'static str, params: &[Val<'_>]| w.exec(tx, sql, params).map_err(write_error);
    // Every register kind has the one generic row (the registers' seam, `adam_core::register`).
    if let Some(row) = event.register_row() {
        exec(
            "INSERT INTO register_records (kind, id, body) VALUES ($1, $2, $3) \
             ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            &[Val::text(row.kind.as_str()), Val::int(row.id), Val::Json(row.body)],
        )?;
        return Ok(());
    }
    match event {
        Event::Settings(s) => {
            let [z1, z2, z3] = s.clearance_roles.map(|r| r.map(|r| r.0));
            let [v0, v1, v2, v3] = s.default_view.map(|l| i64::from(l.value()));
            exec(
                "INSERT INTO settings (id, organisation, dist_main_role, reopen_role, clearance_z1, clearance_z2, \
                 clearance_z3, default_view_z0, default_view_z1, default_view_z2, default_view_z3, governed_changes, \
                 custodian_requests) \
                 VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (id) DO UPDATE SET organisation = excluded.organisation, \
                 dist_main_role = excluded.dist_main_role, reopen_role = excluded.reopen_role, \
                 clearance_z1 = excluded.clearance_z1, clearance_z2 = excluded.clearance_z2, \
                 clearance_z3 = excluded.clearance_z3, default_view_z0 = excluded.default_view_z0, \
                 default_view_z1 = excluded.default_view_z1, default_view_z2 = excluded.default_view_z2, \
                 default_view_z3 = excluded.default_view_z3, governed_changes = excluded.governed_changes, \
                 custodian_requests = excluded.custodian_requests",
                &[
                    Val::text(s.organisation.as_str()),
                    Val::opt_int(s.dist_main_role.map(|r| r.0)),
                    Val::opt_int(s.reopen_role.map(|r| r.0)),
                    Val::opt_int(z1),
                    Val::opt_int(z2),
                    Val::opt_int(z3),
                    Val::int(v0),
                    Val::int(v1),
                    Val::int(v2),
                    Val::int(v3),
                    Val::Bool(s.governed_changes),
                    Val::Bool(s.custodian_requests),
                ],
            )?;
        }
        Event::Office(o) => {
            exec(
                "INSERT INTO offices (id, code, name, parent, signing_code, valid, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, \
                 parent = excluded.parent, signing_code = excluded.signing_code, valid = excluded.valid, \
                 rev = excluded.rev",
                &[
                    Val::int(o.id.0),
                    Val::text(o.code.as_str()),
                    Val::text(o.name.as_str()),
                    Val::opt_int(o.parent.map(|p| p.0)),
                    Val::opt_text(o.signing_code.as_ref().map(|s| s.as_str())),
                    Val::Bool(o.valid),
                    rev_val(o.rev)?,
                ],
            )?;
        }
        Event::Job(j) => {
            exec(
                "INSERT INTO jobs (id, code, signing_code, name, office, kind, valid, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, signing_code = excluded.signing_code, \
                 name = excluded.name, office = excluded.office, kind = excluded.kind, valid = excluded.valid, \
                 rev = excluded.rev",
                &[
                    Val::int(j.id.0),
                    Val::text(j.code.as_str()),
                    Val::opt_text(j.signing_code.as_ref().map(|s| s.as_str())),
                    Val::text(j.name.as_str()),
                    Val::int(j.office.0),
                    Val::text(codec::job_kind(j.kind)),
                    Val::Bool(j.valid),
                    rev_val(j.rev)?,
                ],
            )?;
        }
        Event::User(u) => {
            exec(
                "INSERT INTO users (id, username, kind, active, title, first_name, last_name, gender, email, \
                 phone, rev) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET username = excluded.username, kind = excluded.kind, \
                 active = excluded.active, title = excluded.title, first_name = excluded.first_name, \
                 last_name = excluded.last_name, gender = excluded.gender, email = excluded.email, \
                 phone = excluded.phone, rev = excluded.rev",
                &[
                    Val::int(u.id.0),
                    Val::text(u.username.as_str()),
                    Val::text(codec::account_kind(u.kind)),
                    Val::Bool(u.active),
                    Val::opt_text(u.title.as_ref().map(|s| s.as_str())),
                    Val::text(u.first_name.as_str()),
                    Val::text(u.last_name.as_str()),
                    Val::text(codec::gender(u.gender)),
                    Val::text(u.email.as_str()),
                    Val::opt_text(u.phone.as_ref().map(|s| s.as_str())),
                    rev_val(u.rev)?,
                ],
            )?;
            exec("DELETE FROM user_jobs WHERE user_id = $1", &[Val::int(u.id.0)])?;
            for (i, job) in (0i64..).zip(&u.jobs) {
                exec(
                    "INSERT INTO user_jobs (user_id, position, job_id) VALUES ($1, $2, $3)",
                    &[Val::int(u.id.0), Val::int(i), Val::int(job.0)],
                )?;
            }
        }
        Event::Group(g) => {
            exec(
                "INSERT INTO groups (id, code, name, rev) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, rev = excluded.rev",
                &[
                    Val::int(g.id.0),
                    Val::text(g.code.as_str()),
                    Val::text(g.name.as_str()),
                    rev_val(g.rev)?,
                ],
            )?;
            exec("DELETE FROM group_users WHERE group_id = $1", &[Val::int(g.id.0)])?;
            exec("DELETE FROM group_jobs WHERE group_id = $1", &[Val::int(g.id.0)])?;
            for (i, user) in (0i64..).zip(&g.users) {
                exec(
                    "INSERT INTO group_users (group_id, position, user_id) VALUES ($1, $2, $3)",
                    &[Val::int(g.id.0), Val::int(i), Val::int(user.0)],
                )?;
            }
            for (i, job) in (0i64..).zip(&g.jobs) {
                exec(
                    "INSERT INTO group_jobs (group_id, position, job_id) VALUES ($1, $2, $3)",
                    &[Val::int(g.id.0), Val::int(i), Val::int(job.0)],
                )?;
            }
        }
        Event::Application(a) => {
            exec(
                "INSERT INTO applications (id, code, name, writer_role, rev) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, \
                 writer_role = excluded.writer_role, rev = excluded.rev",
                &[
                    Val::int(a.id.0),
                    Val::text(a.code.as_str()),
                    Val::text(a.name.as_str()),
                    Val::opt_int(a.writer_role.map(|r| r.0)),
                    rev_val(a.rev)?,
                ],
            )?;
        }
        Event::Role(r) => {
            exec(
                "INSERT INTO roles (id, code, kind, app, description, object_level, power, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, kind = excluded.kind, app = excluded.app, \
                 description = excluded.description, object_level = excluded.object_level, \
                 power = excluded.power, rev = excluded.rev",
                &[
                    Val::int(r.id.0),
                    Val::text(r.code.as_str()),
                    Val::text(codec::role_kind(r.kind)),
                    Val::opt_int(r.app.map(|a| a.0)),
                    Val::text(r.description.as_str()),
                    Val::opt_int(r.object_level.map(Level::value)),
                    Val::opt_text(r.power.map(codec::power)),
                    rev_val(r.rev)?,
                ],
            )?;
            exec("DELETE FROM role_members WHERE role_id = $1", &[Val::int(r.id.0)])?;
            for (i, member) in (0i64..).zip(&r.members) {
                exec(
                    "INSERT INTO role_members (role_id, position, member_id) VALUES ($1, $2, $3)",
                    &[Val::int(r.id.0), Val::int(i), Val::int(member.0)],
                )?;
            }
        }
        Event::Grant(g) => {
            let (kind, id) = codec::grantee(g.grantee);
            exec(
                "INSERT INTO grants (id, role, grantee_type, grantee_id, valid_from, valid_to, scope, reference, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (id) DO UPDATE SET role = excluded.role, grantee_type = excluded.grantee_type, \
                 grantee_id = excluded.grantee_id, valid_from = excluded.valid_from, valid_to = excluded.valid_to, \
                 scope = excluded.scope, reference = excluded.reference, rev = excluded.rev",
                &[
                    Val::int(g.id.0),
                    Val::int(g.role.0),
                    Val::text(kind),
                    Val::opt_int(id),
                    Val::opt_int(g.window.from.map(|t| t.0)),
                    Val::opt_int(g.window.to.map(|t| t.0)),
                    Val::opt_int(g.scope.map(|o| o.0)),
                    Val::opt_text(g.reference.as_ref().map(|s| s.as_str())),
                    rev_val(g.rev)?,
                ],
            )?;
        }
        Event::GrantRemoved(id) => {
            if exec("DELETE FROM grants WHERE id = $1", &[Val::int(id.0)])? != 1 {
                return Err(StoreError::Corrupt(format!(
                    "revoking {id}, which the tables do not hold"
                )));
            }
        }
        Event::Class(c) => {
            exec(
                "INSERT INTO classes (id, code, name, parent, rev) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, \
                 parent = excluded.parent, rev = excluded.rev",
                &[
                    Val::int(c.id.0),
                    Val::text(c.code.as_str()),
                    Val::text(c.name.as_str()),
                    Val::opt_int(c.parent.map(|p| p.0)),
                    rev_val(c.rev)?,
                ],
            )?;
        }
        Event::Folder(f) => {
            let wf = &f.workflow;
            exec(
                "INSERT INTO folders (id, app, class, title, z, c, r, state, creator_user, creator_job, \
                 responsible, sender, recipient, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT (id) DO UPDATE SET app = excluded.app, class = excluded.class, title = excluded.title, \
                 z = excluded.z, c = excluded.c, r = excluded.r, state = excluded.state, \
                 creator_user = excluded.creator_user, creator_job = excluded.creator_job, \
                 responsible = excluded.responsible, sender = excluded.sender, recipient = excluded.recipient, \
                 rev = excluded.rev",
                &[
                    Val::int(f.id.0),
                    Val::int(f.app.0),
                    Val::int(f.class.0),
                    Val::text(f.title.as_str()),
                    Val::int(f.classification.z.value()),
                    Val::int(f.classification.c.value()),
                    Val::int(f.classification.r.value()),
                    Val::text(codec::state(wf.state)),
                    Val::int(wf.creator.user.0),
                    Val::int(wf.creator.job.0),
                    Val::opt_int(wf.responsible.map(|j| j.0)),
                    Val::opt_int(wf.sender.map(|j| j.0)),
                    Val::opt_int(wf.recipient.map(|j| j.0)),
                    rev_val(f.rev)?,
                ],
            )?;
        }
        Event::Document(d) => {
            let wf = &d.workflow;
            exec(
                "INSERT INTO documents (id, folder, title, z, c, r, state, creator_user, creator_job, \
                 responsible, sender, recipient, rev) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (id) DO UPDATE SET folder = excluded.folder, title = excluded.title, \
                 z = excluded.z, c = excluded.c, r = excluded.r, state = excluded.state, \
                 creator_user = excluded.creator_user, creator_job = excluded.creator_job, \
                 responsible = excluded.responsible, sender = excluded.sender, recipient = excluded.recipient, \
                 rev = excluded.rev",
                &[
                    Val::int(d.id.0),
                    Val::int(d.folder.0),
                    Val::text(d.title.as_str()),
                    Val::int(d.classification.z.value()),
                    Val::int(d.classification.c.value()),
                    Val::int(d.classification.r.value()),
                    Val::text(codec::state(wf.state)),
                    Val::int(wf.creator.user.0),
                    Val::int(wf.creator.job.0),
                    Val::opt_int(wf.responsible.map(|j| j.0)),
                    Val::opt_int(wf.sender.map(|j| j.0)),
                    Val::opt_int(wf.recipient.map(|j| j.0)),
                    rev_val(d.rev)?,
                ],
            )?;
        }
        Event::Entry(e) => {
            let (carrier, carrier_id) = codec::carrier(e.carrier);
            let (entity, entity_id) = codec::entity(e.entity);
            exec(
                "INSERT INTO acl_entries (id, carrier_type, carrier_id, kind, entity_type, entity_id, value, \
                 group_value, valid_from, valid_to, rev) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET carrier_type = excluded.carrier_type, \
                 carrier_id = excluded.carrier_id, kind = excluded.kind, entity_type = excluded.entity_type, \
                 entity_id = excluded.entity_id, value = excluded.value, group_value = excluded.group_value, \
                 valid_from = excluded.valid_from, valid_to = excluded.valid_to, rev = excluded.rev",
                &[
                    Val::int(e.id.0),
                    Val::text(carrier),
                    Val::int(carrier_id),
                    Val::text(codec::acl_kind(e.kind)),
                    Val::text(entity),
                    Val::opt_int(entity_id),
                    Val::int(e.value.value()),
                    Val::int(e.group_value.value()),
                    Val::opt_int(e.window.from.map(|t| t.0)),
                    Val::opt_int(e.window.to.map(|t| t.0)),
                    rev_val(e.rev)?,
                ],
            )?;
        }
        Event::EntryRemoved(id) => {
            if exec("DELETE FROM acl_entries WHERE id = $1", &[Val::int(id.0)])? != 1 {
                return Err(StoreError::Corrupt(format!(
                    "removing {id}, which the tables do not hold"
                )));
            }
        }
        // Every register kind returned above with its row (`Event::register_row`, from the
        // core's one list of register kinds); a new register kind needs no arm here.
        register => {
            return Err(StoreError::Corrupt(format!("{register:?} has no register row")));
        }
    }
    Ok(())
}

/// The events column of a change-log row.
fn events_of(row: &dyn Row, i: usize, revision: Revision) -> Result<Vec<Event>, StoreError> {
    let events = row
        .json(i)?
        .ok_or_else(|| StoreError::Corrupt(format!("changes.events of {revision} is NULL")))?;
    adam_core::decode_events(events).map_err(|e| StoreError::Corrupt(format!("changes.events of {revision}: {e}")))
}

// ---- change log ---------------------------------------------------------------------------

/// Change sets after `after`, in order.
pub(crate) fn changes_since(tx: &mut dyn Tx, after: Revision, limit: usize) -> Result<Vec<ChangeSet>, StoreError> {
    let mut out = Vec::new();
    tx.each(
        "SELECT revision, events FROM changes WHERE revision > $1 ORDER BY revision LIMIT $2",
        &[rev_val(after)?, limit_val(limit)],
        &mut |row| {
            let revision = revision_of(req_int(row, 0, "changes", "revision")?)?;
            let events = events_of(row, 1, revision)?;
            out.push(ChangeSet { revision, events });
            Ok(())
        },
    )?;
    Ok(out)
}

/// The change log with each revision's instant and actor, after `after`, in order.
pub(crate) fn change_log(tx: &mut dyn Tx, after: Revision, limit: usize) -> Result<Vec<LoggedChange>, StoreError> {
    let mut out = Vec::new();
    tx.each(
        "SELECT revision, at, actor, events FROM changes WHERE revision > $1 ORDER BY revision LIMIT $2",
        &[rev_val(after)?, limit_val(limit)],
        &mut |row| {
            let revision = revision_of(req_int(row, 0, "changes", "revision")?)?;
            let at = Timestamp(req_int(row, 1, "changes", "at")?);
            let actor = row
                .json(2)?
                .ok_or_else(|| StoreError::Corrupt(format!("changes.actor of {revision} is NULL")))?;
            let actor: Actor = serde_json::from_value(actor)
                .map_err(|e| StoreError::Corrupt(format!("changes.actor of {revision}: {e}")))?;
            let events = events_of(row, 3, revision)?;
            out.push(LoggedChange {
                revision,
                at,
                actor,
                events,
            });
            Ok(())
        },
    )?;
    Ok(out)
}

/// The world as it stood at `at`: the change log replayed up to the last revision committed
/// at or before that instant. (Answers "who could reach X on date D" from history.)
pub(crate) fn world_at(tx: &mut dyn Tx, at: Timestamp) -> Result<World, StoreError> {
    let organisation = meta(tx)?.organisation;
    let mut world = World::new(organisation);
    let mut failed = None;
    tx.each(
        "SELECT revision, events FROM changes WHERE at <= $1 ORDER BY revision",
        &[Val::int(at.0)],
        &mut |row| {
            if failed.is_some() {
                return Ok(());
            }
            let revision = revision_of(req_int(row, 0, "changes", "revision")?)?;
            let events = events_of(row, 1, revision)?;
            if let Err(e) = world.apply_change_set(ChangeSet { revision, events }) {
                failed = Some(e);
            }
            Ok(())
        },
    )?;
    match failed {
        Some(e) => Err(StoreError::Model(e)),
        None => Ok(world),
    }
}
