//! Setting an organisation up: the system administrator `adam init` creates (with a temporary
//! password, so the first sign-in is in the browser), and what the set-up pages need — who may
//! create an office at the top, which offices an office may be moved under, applications and
//! roles created and their contents changed (the API's role routes call the same functions),
//! the people a job's picker offers, and a new person with a temporary password.

use super::directory::{self, NewUser};
use crate::authn::{Caller, Client, Scope};
use crate::error::{ApiResult, WebError};
use crate::state::AppState;
use adam_core::*;
use axum::http::StatusCode;

/// What `adam init` made: the system administrator and their temporary password.
#[derive(Debug)]
pub struct FirstRun {
    /// The administrator.
    pub admin: UserId,
    /// The temporary password (changed at the first sign-in; printed once).
    pub password: String,
}

/// The system administrator of a new organisation (the database is initialised and the
/// `Initialise` command has run): the account, with a generated temporary password that must
/// be changed at the first sign-in, after which the browser asks for a second factor as for
/// every administrator.
pub async fn create_system_administrator(
    s: &AppState,
    username: Username,
    email: Email,
    first_name: Text,
    last_name: Text,
) -> ApiResult<FirstRun> {
    let ctx = s.context(Actor::System, None);
    let plan = s
        .execute_as(
            Actor::System,
            ctx,
            Command::CreateUser {
                username,
                kind: AccountKind::Admin,
                title: None,
                first_name,
                last_name,
                gender: Gender::Unspecified,
                email,
                phone: None,
                jobs: Vec::new(),
            },
        )
        .await?;
    let admin = crate::service::created::<UserId>(&plan)?;
    // A random password can, rarely, break a rule (a run like "abc"); draw again then.
    let mut last = None;
    for _ in 0..32 {
        let password = temporary_password()?;
        match crate::authn::set_password_as(s, Actor::System, admin, &password, true).await {
            Ok(()) => return Ok(FirstRun { admin, password }),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| WebError::internal(&"no temporary password")))
}

/// Four groups of five letters and digits (no look-alikes: no 0/o, 1/l/i), about 100 bits.
fn temporary_password() -> ApiResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = String::with_capacity(23);
    for group in 0..4 {
        if group > 0 {
            out.push('-');
        }
        for _ in 0..5 {
            let i = adam_auth::random::below(ALPHABET.len() as u8).map_err(|e| WebError::internal(&e))?;
            out.push(char::from(ALPHABET[usize::from(i)]));
        }
    }
    Ok(out)
}

// ---- offices -----------------------------------------------------------------------------

/// Whether the caller may create an office at the top of the tree (under `Company.main`):
/// the engine's rule for an office without a parent.
pub(crate) fn may_create_top_office(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Write) && s.world().require_office(&caller.actor(None), None, s.now()).is_ok()
}

/// One choice of an office's parent list.
#[derive(Debug, Clone)]
pub(crate) struct ParentChoice {
    /// The office, `None` for the top (`Company.main`).
    pub(crate) id: Option<OfficeId>,
    /// Its code and name.
    pub(crate) label: String,
    /// Whether it is the parent now.
    pub(crate) current: bool,
}

/// The offices `office` may be placed under: valid, outside its own subtree (the engine refuses
/// a cycle anyway), and administered by the caller — plus the present parent, always, since
/// keeping it is no move. The top comes first when it is the parent or the caller may use it.
pub(crate) fn parent_choices(s: &AppState, caller: &Caller, office: OfficeId) -> Vec<ParentChoice> {
    let w = s.world();
    let now = s.now();
    let actor = caller.actor(None);
    let parent = w.office(office).ok().and_then(|o| o.parent);
    let mut out = Vec::new();
    if parent.is_none() || w.require_office(&actor, None, now).is_ok() {
        out.push(ParentChoice {
            id: None,
            label: "Company.main".to_owned(),
            current: parent.is_none(),
        });
    }
    out.extend(
        w.offices()
            .iter()
            .filter(|o| {
                parent == Some(o.id)
                    || (o.valid && !w.office_within(o.id, office) && w.require_office(&actor, Some(o.id), now).is_ok())
            })
            .map(|o| ParentChoice {
                id: Some(o.id),
                label: format!("{} – {}", o.code, o.name),
                current: parent == Some(o.id),
            }),
    );
    out
}

// ---- applications and roles --------------------------------------------------------------

/// Whether the caller may register applications and create and change roles: the system
/// administrator with the write scope (the engine refuses anyone else's command anyway).
pub(crate) fn may_edit_roles(s: &AppState, caller: &Caller) -> bool {
    caller.has(Scope::Write) && matches!(s.world().authority(&caller.actor(None), s.now()), Ok(Authority::Full))
}

/// Registers an application.
pub(crate) async fn create_application(s: &AppState, caller: &Caller, code: Code, name: Text) -> ApiResult<AppId> {
    let plan = s
        .execute(caller, None, Command::CreateApplication { code, name })
        .await?;
    crate::service::created(&plan)
}

/// A new application or user role.
#[derive(Debug)]
pub(crate) struct RoleSpec {
    pub(crate) code: RoleCode,
    pub(crate) kind: RoleKind,
    pub(crate) app: Option<AppId>,
    pub(crate) description: Text,
    pub(crate) object_level: Option<Level>,
    pub(crate) members: Vec<RoleId>,
}

/// Creates an application or user role.
pub(crate) async fn create_role(s: &AppState, caller: &Caller, r: RoleSpec) -> ApiResult<RoleId> {
    let command = Command::CreateRole {
        code: r.code,
        kind: r.kind,
        app: r.app,
        description: r.description,
        object_level: r.object_level,
        members: r.members,
    };
    let plan = s.execute(caller, None, command).await?;
    crate::service::created(&plan)
}

/// Changes a role's description, application-wide level and contents — `command`, a
/// [`Command::UpdateRole`] whose `change` names the approved change request it implements while
/// ADAM governs its own changes (Art. 22) — provided nobody changed it since revision `seen`
/// (the page the person edited).
pub(crate) async fn change_role(s: &AppState, caller: &Caller, seen: Revision, command: Command) -> ApiResult<()> {
    let Command::UpdateRole { role, .. } = command else {
        return Err(WebError::internal(&"change_role takes a role update"));
    };
    let guard = move |w: &World| -> ApiResult<()> {
        match w.role(role) {
            Ok(r) if r.rev != seen => Err(WebError::new(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                "someone else changed this role after you opened the page; reload it and make your change again",
            )),
            _ => Ok(()),
        }
    };
    s.execute_guarded(caller, None, command, guard).await.map(|_| ())
}

/// A row of the role tree: a role at a depth under its application or the user role that
/// contains it.
#[derive(Debug, Clone)]
pub(crate) struct RoleNode {
    pub(crate) id: RoleId,
    pub(crate) code: String,
    pub(crate) description: String,
    pub(crate) kind: RoleKind,
    pub(crate) level: Option<Level>,
    /// 0 for a role at the top of its branch.
    pub(crate) depth: usize,
}

/// The role tree: each application with its roles; the user roles with what they contain,
/// nested; the system roles (for those who see them).
#[derive(Debug, Default)]
pub(crate) struct RoleTree {
    pub(crate) apps: Vec<(Application, Vec<RoleNode>)>,
    pub(crate) user_roles: Vec<RoleNode>,
    pub(crate) system: Vec<RoleNode>,
}

/// The role tree as `caller` may see it (system roles for the system administrator only).
pub(crate) fn role_tree(s: &AppState, caller: &Caller) -> RoleTree {
    let w = s.world();
    let node = |r: &Role, depth: usize| RoleNode {
        id: r.id,
        code: r.code.to_string(),
        description: r.description.to_string(),
        kind: r.kind,
        level: r.object_level,
        depth,
    };
    let mut tree = RoleTree::default();
    for a in w.applications() {
        let roles = w
            .roles()
            .iter()
            .filter(|r| r.kind == RoleKind::Application && r.app == Some(a.id))
            .map(|r| node(r, 0))
            .collect();
        tree.apps.push((a.clone(), roles));
    }
    // User roles contained in no other user role are the tops; each is followed by its
    // contents, depth first. A path never repeats a role (the engine refuses cycles; the
    // guard only keeps a bad world from looping).
    fn walk(w: &World, id: RoleId, depth: usize, path: &mut Vec<RoleId>, out: &mut Vec<RoleNode>) {
        let Ok(r) = w.role(id) else { return };
        if path.contains(&id) || depth > 16 {
            return;
        }
        out.push(RoleNode {
            id: r.id,
            code: r.code.to_string(),
            description: r.description.to_string(),
            kind: r.kind,
            level: r.object_level,
            depth,
        });
        path.push(id);
        for m in &r.members {
            walk(w, *m, depth + 1, path, out);
        }
        path.pop();
    }
    let contained: Vec<RoleId> = w
        .roles()
        .iter()
        .filter(|r| r.kind == RoleKind::User)
        .flat_map(|r| r.members.iter().copied())
        .collect();
    for r in w.roles() {
        if r.kind == RoleKind::User && !contained.contains(&r.id) {
            walk(&w, r.id, 0, &mut Vec::new(), &mut tree.user_roles);
        }
    }
    if crate::service::roles::sees_system_roles(caller) {
        tree.system = w
            .roles()
            .iter()
            .filter(|r| r.kind == RoleKind::System)
            .map(|r| node(r, 0))
            .collect();
    }
    tree
}

// ---- people ------------------------------------------------------------------------------

/// A person a job's picker offers.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) id: UserId,
    pub(crate) username: String,
    pub(crate) label: String,
}

/// People matching `query` (name or username, any part, any case) whom the caller may put in
/// `job`: active persons they administer who do not hold it yet. At most 20; an empty query
/// finds nobody (the picker is a search, not a list of everyone).
pub(crate) fn job_candidates(s: &AppState, caller: &Caller, job: JobId, query: &str) -> Vec<Candidate> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() || !caller.has(Scope::Write) {
        return Vec::new();
    }
    let w = s.world();
    let now = s.now();
    let actor = caller.actor(None);
    if w.require_job_to_fill(&actor, job, now).is_err() {
        return Vec::new();
    }
    w.users()
        .iter()
        .filter(|u| u.kind == AccountKind::User && u.active && !u.jobs.contains(&job))
        .filter(|u| {
            u.username.as_str().to_lowercase().contains(&needle) || u.display_name().to_lowercase().contains(&needle)
        })
        .filter(|u| w.require_user(&actor, u.id, now).is_ok())
        .take(20)
        .map(|u| Candidate {
            id: u.id,
            username: u.username.to_string(),
            label: format!("{} ({})", u.display_name(), u.username),
        })
        .collect()
}

/// A new person's data, parsed.
#[derive(Debug)]
pub(crate) struct PersonSpec {
    pub(crate) username: Username,
    pub(crate) first_name: Text,
    pub(crate) last_name: Text,
    pub(crate) gender: Gender,
    pub(crate) email: Email,
    pub(crate) phone: Option<Phone>,
}

/// Why a new person was not created with their temporary password.
#[derive(Debug)]
pub(crate) enum PersonRefused {
    /// The temporary password breaks a rule (nothing was created).
    Password(WebError),
    /// The account was refused (nothing was created).
    Account(WebError),
}

/// Creates a person in `job`, with a temporary password when one is given. The password is
/// checked first, so a weak one creates nothing. The system administrator sets a password only
/// for an account being set up (no job, no role: `World::require_credentials`), so for them the
/// account is created, given its password, and then put in the job; a user administrator
/// creates it in the job (their right over it comes from the job) and then sets the password.
pub(crate) async fn create_person(
    s: &AppState,
    caller: &Caller,
    client: &Client,
    job: JobId,
    p: PersonSpec,
    temporary: Option<String>,
) -> Result<UserId, PersonRefused> {
    if let Some(password) = &temporary {
        check_new_password(s, &p, password, client).map_err(PersonRefused::Password)?;
    }
    let full = matches!(s.world().authority(&caller.actor(None), s.now()), Ok(Authority::Full));
    let first_job = full && temporary.is_some();
    let account = NewUser {
        username: p.username,
        kind: AccountKind::User,
        title: None,
        first_name: p.first_name,
        last_name: p.last_name,
        gender: p.gender,
        email: p.email,
        phone: p.phone,
        jobs: if first_job { Vec::new() } else { vec![job] },
    };
    if first_job {
        // Refuse now what the assignment would refuse later, so nothing half-made is left.
        let w = s.world();
        w.require_job_to_fill(&caller.actor(None), job, s.now())
            .map_err(|e| PersonRefused::Account(WebError::from_engine(e, &w)))?;
        if !w.job(job).map_err(|e| PersonRefused::Account(e.into()))?.valid {
            return Err(PersonRefused::Account(
                Error::Directory(DirectoryError::JobInvalid(job)).into(),
            ));
        }
    }
    let user = directory::create_user(s, caller, account)
        .await
        .map_err(PersonRefused::Account)?;
    if let Some(password) = temporary {
        crate::authn::set_temporary(s, caller, client, user, password)
            .await
            .map_err(PersonRefused::Password)?;
    }
    if first_job {
        directory::assign_job(s, caller, user, job)
            .await
            .map_err(PersonRefused::Account)?;
    }
    Ok(user)
}

/// The password rules for a person not yet created (their names and address are what the rules
/// look for in a password).
fn check_new_password(s: &AppState, p: &PersonSpec, password: &str, client: &Client) -> ApiResult<()> {
    let org = s.world().settings().organisation.as_str().to_owned();
    let context = adam_auth::password::Context {
        username: p.username.as_str(),
        first_name: p.first_name.as_str(),
        last_name: p.last_name.as_str(),
        email: p.email.as_str(),
        organisation: &org,
        service_name: "ADAM",
        has_second_factor: false,
    };
    crate::authn::policy()?
        .check(password, &context)
        .map_err(|problems| crate::authn::weak_password(&problems, client.lang))
}
