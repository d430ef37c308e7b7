//! The cold start: rebuilding the [`World`] from the tables.
//!
//! The tables hold every record as it is now, so the world is rebuilt with
//! [`World::restore`] from one event per record rather than by replaying the change log. The
//! engine applies events in order and checks each against what exists, so they are produced in
//! an order it accepts:
//!
//! 1. applications without their writing role, roles without their members, roles again with
//!    their members (nesting may point at a later role), applications again with their
//!    writing role (a role belongs to an application and an application names a role);
//! 2. the settings (they name roles);
//! 3. offices without parents, then again with parents (an office may have been moved under a
//!    later one); jobs; users (with their jobs, in order); groups;
//! 4. grants (ids may have gaps: revoked grants);
//! 5. classes without parents, then again with parents; folders; documents; ACL entries (gaps
//!    again: removed entries).
//!
//! Ids that were handed out and later removed at the end of the id space (the last grant
//! revoked, the last entry removed) leave no row, yet the engine's next id must be past them
//! or a new record would reuse an id the audit trail already names. The store keeps the
//! high-water marks in `meta` and the load re-creates them with a placeholder that is put and
//! removed at once (see [`read_events`]).
//!
//! Reading and building overlap: this thread streams rows and decodes records while a second
//! thread runs `World::restore`, fed through a bounded channel in batches. The big tables
//! (folders, documents, entries) are read row by row from typed columns, never as JSON.

use crate::StoreError;
use crate::codec;
use crate::sql::{Row, Tx, Val, id_of, opt_id, req_id, req_int, req_text};
use crate::write::{self, Meta};
use adam_core::*;
use std::collections::HashMap;
use std::sync::mpsc;

/// Events are handed to the building thread in batches of this many.
const BATCH: usize = 4096;
/// Batches in flight between the reader and the builder.
const IN_FLIGHT: usize = 8;

/// Loads the whole world at the latest revision. `tx` must be a read snapshot, so the tables
/// and the revision agree even while another server commits.
pub(crate) fn load(tx: &mut dyn Tx) -> Result<World, StoreError> {
    let meta = write::meta(tx)?;
    let revision = write::latest_revision(tx)?;
    let organisation = meta.organisation.clone();
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Vec<Event>>(IN_FLIGHT);
        let builder = std::thread::Builder::new()
            .name("adam-store-load".to_owned())
            .spawn_scoped(scope, move || {
                World::restore(organisation, revision, receive.into_iter().flatten())
            })
            .map_err(|e| StoreError::Database(format!("cannot start the loading thread: {e}")))?;
        let mut batches = Batches {
            buffer: Vec::with_capacity(BATCH),
            send: Some(send),
        };
        let read = read_events(tx, &meta, &mut |event| batches.push(event)).and_then(|()| batches.flush());
        batches.send = None;
        let built = builder
            .join()
            .map_err(|_| StoreError::Corrupt("the world builder panicked".to_owned()))?;
        match (read, built) {
            (_, Err(e)) => Err(StoreError::Model(e)),
            (Err(e), Ok(_)) => Err(e),
            (Ok(()), Ok(world)) => Ok(world),
        }
    })
}

/// Collects events into batches for the building thread.
struct Batches {
    buffer: Vec<Event>,
    send: Option<mpsc::SyncSender<Vec<Event>>>,
}

impl Batches {
    fn push(&mut self, event: Event) -> Result<(), StoreError> {
        self.buffer.push(event);
        if self.buffer.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.buffer, Vec::with_capacity(BATCH));
        match &self.send {
            // The builder stops reading when an event does not apply; its error is reported.
            Some(send) => send
                .send(batch)
                .map_err(|_| StoreError::Corrupt("the world builder stopped".to_owned())),
            None => Ok(()),
        }
    }
}

type Emit<'a> = dyn FnMut(Event) -> Result<(), StoreError> + 'a;

/// Reads every table and emits one event per record, in an order `World::apply` accepts.
pub(crate) fn read_events(tx: &mut dyn Tx, meta: &Meta, emit: &mut Emit<'_>) -> Result<(), StoreError> {
    // 1. applications and roles.
    let mut apps = Vec::new();
    tx.each(
        "SELECT id, code, name, writer_role, rev FROM applications ORDER BY id",
        &[],
        &mut |row| {
            apps.push(application_of(row)?);
            Ok(())
        },
    )?;
    let members = children(
        tx,
        "SELECT role_id, member_id FROM role_members ORDER BY role_id, position",
        "role_members",
    )?;
    let mut roles = Vec::new();
    tx.each(
        "SELECT id, code, kind, app, description, object_level, power, rev FROM roles ORDER BY id",
        &[],
        &mut |row| {
            roles.push(role_of(row, &members)?);
            Ok(())
        },
    )?;
    for a in &apps {
        emit(Event::Application(Application {
            writer_role: None,
            ..a.clone()
        }))?;
    }
    for r in &roles {
        emit(Event::Role(Role {
            members: Vec::new(),
            ..r.clone()
        }))?;
    }
    let first_role = roles.first().map(|r| r.id);
    for r in roles.into_iter().filter(|r| !r.members.is_empty()) {
        emit(Event::Role(r))?;
    }
    for a in apps.into_iter().filter(|a| a.writer_role.is_some()) {
        emit(Event::Application(a))?;
    }

    // 2. settings.
    let settings = crate::sql::one(
        tx,
        "SELECT organisation, dist_main_role, reopen_role, clearance_z1, clearance_z2, clearance_z3, \
         default_view_z0, default_view_z1, default_view_z2, default_view_z3, governed_changes, custodian_requests \
         FROM settings WHERE id = 1",
        &[],
        settings_of,
    )?;
    if let Some(s) = settings {
        emit(Event::Settings(s))?;
    }

    // 3. the directory.
    let mut offices = Vec::new();
    tx.each(
        "SELECT id, code, name, parent, signing_code, valid, rev FROM offices ORDER BY id",
        &[],
        &mut |row| {
            offices.push(office_of(row)?);
            Ok(())
        },
    )?;
    for o in &offices {
        emit(Event::Office(Office {
            parent: None,
            ..o.clone()
        }))?;
    }
    for o in offices.into_iter().filter(|o| o.parent.is_some()) {
        emit(Event::Office(o))?;
    }
    tx.each(
        "SELECT id, code, signing_code, name, office, kind, valid, rev FROM jobs ORDER BY id",
        &[],
        &mut |row| emit(Event::Job(job_of(row)?)),
    )?;
    let user_jobs = children(
        tx,
        "SELECT user_id, job_id FROM user_jobs ORDER BY user_id, position",
        "user_jobs",
    )?;
    tx.each(
        "SELECT id, username, kind, active, title, first_name, last_name, gender, email, phone, rev \
         FROM users ORDER BY id",
        &[],
        &mut |row| emit(Event::User(user_of(row, &user_jobs)?)),
    )?;
    let group_users = children(
        tx,
        "SELECT group_id, user_id FROM group_users ORDER BY group_id, position",
        "group_users",
    )?;
    let group_jobs = children(
        tx,
        "SELECT group_id, job_id FROM group_jobs ORDER BY group_id, position",
        "group_jobs",
    )?;
    tx.each("SELECT id, code, name, rev FROM groups ORDER BY id", &[], &mut |row| {
        emit(Event::Group(group_of(row, &group_users, &group_jobs)?))
    })?;

    // 4. grants, and the high-water mark of their ids.
    let mut grant_end = 0u32;
    tx.each(
        "SELECT id, role, grantee_type, grantee_id, valid_from, valid_to, scope, reference, rev \
         FROM grants ORDER BY id",
        &[],
        &mut |row| {
            let g = grant_of(row)?;
            grant_end = g.id.0 + 1;
            emit(Event::Grant(g))
        },
    )?;
    if meta.next_grant > grant_end {
        // Put and remove a placeholder at the last id handed out, so the engine's next grant
        // id is past it, as it was in the world that revoked it.
        let id = GrantId(meta.next_grant - 1);
        let role = first_role.ok_or_else(|| StoreError::Corrupt("grants were issued but no role exists".to_owned()))?;
        emit(Event::Grant(Grant {
            id,
            role,
            grantee: Grantee::Everyone,
            window: Window::ALWAYS,
            scope: None,
            reference: None,
            rev: Revision(0),
        }))?;
        emit(Event::GrantRemoved(id))?;
    }

    // 5. the filing plan and the records.
    let mut classes = Vec::new();
    tx.each(
        "SELECT id, code, name, parent, rev FROM classes ORDER BY id",
        &[],
        &mut |row| {
            classes.push(class_of(row)?);
            Ok(())
        },
    )?;
    let first_class = classes.first().map(|c| Carrier::Class(c.id));
    for c in &classes {
        emit(Event::Class(FilingClass {
            parent: None,
            ..c.clone()
        }))?;
    }
    for c in classes.into_iter().filter(|c| c.parent.is_some()) {
        emit(Event::Class(c))?;
    }
    let mut first_folder = None;
    tx.each(
        "SELECT id, app, class, title, z, c, r, state, creator_user, creator_job, responsible, sender, recipient, \
         rev FROM folders ORDER BY id",
        &[],
        &mut |row| {
            let f = folder_of(row)?;
            first_folder.get_or_insert(Carrier::Folder(f.id));
            emit(Event::Folder(f))
        },
    )?;
    let mut first_document = None;
    tx.each(
        "SELECT id, folder, title, z, c, r, state, creator_user, creator_job, responsible, sender, recipient, rev \
         FROM documents ORDER BY id",
        &[],
        &mut |row| {
            let d = document_of(row)?;
            first_document.get_or_insert(Carrier::Document(d.id));
            emit(Event::Document(d))
        },
    )?;
    let mut entry_end = 0u32;
    tx.each(
        "SELECT id, carrier_type, carrier_id, kind, entity_type, entity_id, value, group_value, valid_from, \
         valid_to, rev FROM acl_entries ORDER BY id",
        &[],
        &mut |row| {
            let e = entry_of(row)?;
            entry_end = e.id.0 + 1;
            emit(Event::Entry(e))
        },
    )?;
    if meta.next_entry > entry_end {
        // The same placeholder trick as for grants, on any carrier that exists.
        let id = EntryId(meta.next_entry - 1);
        let carrier = first_class
            .or(first_folder)
            .or(first_document)
            .ok_or_else(|| StoreError::Corrupt("ACL entries were made but nothing can carry one".to_owned()))?;
        emit(Event::Entry(AclEntry {
            id,
            carrier,
            kind: AclKind::Allowed,
            entity: Entity::Company,
            value: Level::None,
            group_value: Level::None,
            window: Window::ALWAYS,
            rev: Revision(0),
        }))?;
        emit(Event::EntryRemoved(id))?;
    }
    // The registers: one generic row per record, kind by kind in the order their references
    // need (`adam_core::REGISTER_KINDS`), tombstones included so ids stay taken.
    for kind in adam_core::REGISTER_KINDS {
        tx.each(
            "SELECT id, body FROM register_records WHERE kind = $1 ORDER BY id",
            &[Val::text(kind.as_str())],
            &mut |row| {
                let id = req_id(row, 0, "register_records", "id")?;
                let body = row.json(1)?;
                let event = Event::from_register_row(kind.as_str(), id, body)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                emit(event)
            },
        )?;
    }
    Ok(())
}

/// Reads `(parent, child)` rows ordered by parent and position into lists per parent.
fn children(tx: &mut dyn Tx, sql: &'static str, table: &'static str) -> Result<HashMap<u32, Vec<u32>>, StoreError> {
    let mut out: HashMap<u32, Vec<u32>> = HashMap::new();
    tx.each(sql, &[], &mut |row| {
        let parent = req_id(row, 0, table, "parent")?;
        let child = req_id(row, 1, table, "child")?;
        out.entry(parent).or_default().push(child);
        Ok(())
    })?;
    Ok(out)
}

fn list<T>(map: &HashMap<u32, Vec<u32>>, id: u32, make: fn(u32) -> T) -> Vec<T> {
    map.get(&id)
        .map(|l| l.iter().map(|x| make(*x)).collect())
        .unwrap_or_default()
}

// ---- row decoders -------------------------------------------------------------------------

fn parsed<T>(table: &'static str, column: &'static str, id: u32, r: Result<T, Error>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Corrupt(format!("{table}.{column} of id {id}: {e}")))
}

fn rev_of(row: &dyn Row, i: usize, table: &'static str) -> Result<Revision, StoreError> {
    let v = req_int(row, i, table, "rev")?;
    u64::try_from(v)
        .map(Revision)
        .map_err(|_| StoreError::Corrupt(format!("{table}.rev holds {v}")))
}

fn text(row: &dyn Row, i: usize, table: &'static str, column: &'static str, id: u32) -> Result<Text, StoreError> {
    parsed(table, column, id, Text::parse(column, req_text(row, i, table, column)?))
}

fn opt_text(
    row: &dyn Row,
    i: usize,
    table: &'static str,
    column: &'static str,
    id: u32,
) -> Result<Option<Text>, StoreError> {
    row.text(i)?
        .map(|s| parsed(table, column, id, Text::parse(column, s)))
        .transpose()
}

fn code(row: &dyn Row, i: usize, table: &'static str, id: u32) -> Result<Code, StoreError> {
    parsed(table, "code", id, Code::parse("code", req_text(row, i, table, "code")?))
}

fn signing_code(row: &dyn Row, i: usize, table: &'static str, id: u32) -> Result<Option<SigningCode>, StoreError> {
    row.text(i)?
        .map(|s| parsed(table, "signing_code", id, SigningCode::parse("signing_code", s)))
        .transpose()
}

fn window(row: &dyn Row, from: usize, table: &'static str, id: u32) -> Result<Window, StoreError> {
    let f = row.int(from)?.map(Timestamp);
    let t = row.int(from + 1)?.map(Timestamp);
    parsed(table, "valid_to", id, Window::new(f, t))
}

fn application_of(row: &dyn Row) -> Result<Application, StoreError> {
    const T: &str = "applications";
    let id = req_id(row, 0, T, "id")?;
    Ok(Application {
        id: AppId(id),
        code: code(row, 1, T, id)?,
        name: text(row, 2, T, "name", id)?,
        writer_role: opt_id(row, 3, T, "writer_role")?.map(RoleId),
        rev: rev_of(row, 4, T)?,
    })
}

fn role_of(row: &dyn Row, members: &HashMap<u32, Vec<u32>>) -> Result<Role, StoreError> {
    const T: &str = "roles";
    let id = req_id(row, 0, T, "id")?;
    Ok(Role {
        id: RoleId(id),
        code: parsed(T, "code", id, RoleCode::parse("code", req_text(row, 1, T, "code")?))?,
        kind: codec::role_kind_of(T, "kind", req_text(row, 2, T, "kind")?)?,
        app: opt_id(row, 3, T, "app")?.map(AppId),
        description: text(row, 4, T, "description", id)?,
        object_level: row.int(5)?.map(|v| codec::level_of(T, "object_level", v)).transpose()?,
        power: row.text(6)?.map(|s| codec::power_of(T, "power", s)).transpose()?,
        members: list(members, id, RoleId),
        rev: rev_of(row, 7, T)?,
    })
}

fn settings_of(row: &dyn Row) -> Result<Settings, StoreError> {
    const T: &str = "settings";
    let role = |i: usize, column: &'static str| opt_id(row, i, T, column).map(|r| r.map(RoleId));
    let view = |i: usize, column: &'static str| codec::level_of(T, column, req_int(row, i, T, column)?);
    Ok(Settings {
        organisation: text(row, 0, T, "organisation", 1)?,
        dist_main_role: role(1, "dist_main_role")?,
        reopen_role: role(2, "reopen_role")?,
        clearance_roles: [
            role(3, "clearance_z1")?,
            role(4, "clearance_z2")?,
            role(5, "clearance_z3")?,
        ],
        default_view: [
            view(6, "default_view_z0")?,
            view(7, "default_view_z1")?,
            view(8, "default_view_z2")?,
            view(9, "default_view_z3")?,
        ],
        governed_changes: row.boolean(10)?,
        custodian_requests: row.boolean(11)?,
    })
}

fn office_of(row: &dyn Row) -> Result<Office, StoreError> {
    const T: &str = "offices";
    let id = req_id(row, 0, T, "id")?;
    Ok(Office {
        id: OfficeId(id),
        code: code(row, 1, T, id)?,
        name: text(row, 2, T, "name", id)?,
        parent: opt_id(row, 3, T, "parent")?.map(OfficeId),
        signing_code: signing_code(row, 4, T, id)?,
        valid: row.boolean(5)?,
        rev: rev_of(row, 6, T)?,
    })
}

fn job_of(row: &dyn Row) -> Result<Job, StoreError> {
    const T: &str = "jobs";
    let id = req_id(row, 0, T, "id")?;
    Ok(Job {
        id: JobId(id),
        code: parsed(T, "code", id, JobCode::parse("code", req_text(row, 1, T, "code")?))?,
        signing_code: signing_code(row, 2, T, id)?,
        name: text(row, 3, T, "name", id)?,
        office: OfficeId(req_id(row, 4, T, "office")?),
        kind: codec::job_kind_of(T, "kind", req_text(row, 5, T, "kind")?)?,
        valid: row.boolean(6)?,
        rev: rev_of(row, 7, T)?,
    })
}

fn user_of(row: &dyn Row, jobs: &HashMap<u32, Vec<u32>>) -> Result<User, StoreError> {
    const T: &str = "users";
    let id = req_id(row, 0, T, "id")?;
    Ok(User {
        id: UserId(id),
        username: parsed(
            T,
            "username",
            id,
            Username::parse("username", req_text(row, 1, T, "username")?),
        )?,
        kind: codec::account_kind_of(T, "kind", req_text(row, 2, T, "kind")?)?,
        active: row.boolean(3)?,
        title: opt_text(row, 4, T, "title", id)?,
        first_name: text(row, 5, T, "first_name", id)?,
        last_name: text(row, 6, T, "last_name", id)?,
        gender: codec::gender_of(T, "gender", req_text(row, 7, T, "gender")?)?,
        email: parsed(T, "email", id, Email::parse("email", req_text(row, 8, T, "email")?))?,
        phone: row
            .text(9)?
            .map(|s| parsed(T, "phone", id, Phone::parse("phone", s)))
            .transpose()?,
        jobs: list(jobs, id, JobId),
        rev: rev_of(row, 10, T)?,
    })
}

fn group_of(row: &dyn Row, users: &HashMap<u32, Vec<u32>>, jobs: &HashMap<u32, Vec<u32>>) -> Result<Group, StoreError> {
    const T: &str = "groups";
    let id = req_id(row, 0, T, "id")?;
    Ok(Group {
        id: GroupId(id),
        code: code(row, 1, T, id)?,
        name: text(row, 2, T, "name", id)?,
        users: list(users, id, UserId),
        jobs: list(jobs, id, JobId),
        rev: rev_of(row, 3, T)?,
    })
}

fn grant_of(row: &dyn Row) -> Result<Grant, StoreError> {
    const T: &str = "grants";
    let id = req_id(row, 0, T, "id")?;
    Ok(Grant {
        id: GrantId(id),
        role: RoleId(req_id(row, 1, T, "role")?),
        grantee: codec::grantee_of(req_text(row, 2, T, "grantee_type")?, opt_id(row, 3, T, "grantee_id")?)?,
        window: window(row, 4, T, id)?,
        scope: opt_id(row, 6, T, "scope")?.map(OfficeId),
        reference: opt_text(row, 7, T, "reference", id)?,
        rev: rev_of(row, 8, T)?,
    })
}

fn class_of(row: &dyn Row) -> Result<FilingClass, StoreError> {
    const T: &str = "classes";
    let id = req_id(row, 0, T, "id")?;
    Ok(FilingClass {
        id: ClassId(id),
        code: code(row, 1, T, id)?,
        name: text(row, 2, T, "name", id)?,
        parent: opt_id(row, 3, T, "parent")?.map(ClassId),
        rev: rev_of(row, 4, T)?,
    })
}

/// Classification and workflow, stored in the same columns on folders and documents.
fn classification_and_workflow(
    row: &dyn Row,
    at: usize,
    table: &'static str,
) -> Result<(Classification, Workflow), StoreError> {
    let class = |i: usize, column: &'static str| codec::class_of(table, column, req_int(row, i, table, column)?);
    let job = |i: usize, column: &'static str| opt_id(row, i, table, column).map(|j| j.map(JobId));
    let classification = Classification {
        z: class(at, "z")?,
        c: class(at + 1, "c")?,
        r: class(at + 2, "r")?,
    };
    let workflow = Workflow {
        state: codec::state_of(table, "state", req_text(row, at + 3, table, "state")?)?,
        creator: Creator {
            user: UserId(req_id(row, at + 4, table, "creator_user")?),
            job: JobId(req_id(row, at + 5, table, "creator_job")?),
        },
        responsible: job(at + 6, "responsible")?,
        sender: job(at + 7, "sender")?,
        recipient: job(at + 8, "recipient")?,
    };
    Ok((classification, workflow))
}

fn folder_of(row: &dyn Row) -> Result<Folder, StoreError> {
    const T: &str = "folders";
    let id = req_id(row, 0, T, "id")?;
    let (classification, workflow) = classification_and_workflow(row, 4, T)?;
    Ok(Folder {
        id: FolderId(id),
        app: AppId(req_id(row, 1, T, "app")?),
        class: ClassId(req_id(row, 2, T, "class")?),
        title: text(row, 3, T, "title", id)?,
        classification,
        workflow,
        rev: rev_of(row, 13, T)?,
    })
}

fn document_of(row: &dyn Row) -> Result<Document, StoreError> {
    const T: &str = "documents";
    let id = req_id(row, 0, T, "id")?;
    let (classification, workflow) = classification_and_workflow(row, 3, T)?;
    Ok(Document {
        id: DocumentId(id),
        folder: FolderId(req_id(row, 1, T, "folder")?),
        title: text(row, 2, T, "title", id)?,
        classification,
        workflow,
        rev: rev_of(row, 12, T)?,
    })
}

fn entry_of(row: &dyn Row) -> Result<AclEntry, StoreError> {
    const T: &str = "acl_entries";
    let id = req_id(row, 0, T, "id")?;
    let carrier_id = id_of(T, "carrier_id", req_int(row, 2, T, "carrier_id")?)?;
    Ok(AclEntry {
        id: EntryId(id),
        carrier: codec::carrier_of(req_text(row, 1, T, "carrier_type")?, carrier_id)?,
        kind: codec::acl_kind_of(T, "kind", req_text(row, 3, T, "kind")?)?,
        entity: codec::entity_of(req_text(row, 4, T, "entity_type")?, opt_id(row, 5, T, "entity_id")?)?,
        value: codec::level_of(T, "value", req_int(row, 6, T, "value")?)?,
        group_value: codec::level_of(T, "group_value", req_int(row, 7, T, "group_value")?)?,
        window: window(row, 8, T, id)?,
        rev: rev_of(row, 10, T)?,
    })
}
