//! A seeded, deterministic synthetic administration, built as change-log events.
//!
//! Benchmarks need a world of realistic size and shape (100,000 users, 10,000 offices,
//! 1,000,000 documents) that is the same on every run for the same seed. Building it through
//! the command API would take minutes and measure the planner, not the index; so this module
//! writes the [`Event`] records the commands would have produced — with dense ids in creation
//! order, as [`World::restore`] requires — and the benchmark measures the cold start
//! `World::restore(organisation, revision, events)` a server performs.
//!
//! The ACLs are the ones the workflow of SPEC §3.6 leaves behind: every folder and document is
//! walked through the transitions it went through (new, notify, hand over, accept, close,
//! reopen) by [`AclSim`], which applies the same rewrites as the engine's workflow, and only
//! the entries in force at the end are emitted.
//!
//! Shape of the default world (see [`Config`]):
//! - offices in a tree four levels deep under `Company.main` (20 / 200 / 2,000 / the rest),
//!   the main office `GLPI` first and an external unit `TOK` last at the top; every office has
//!   its `LEADER.<code>` and `TAJNISTVO.<code>` jobs and a skewed number of regular jobs, about
//!   1.03 jobs per person; 15% of people hold a second job; 1% of accounts are inactive; a
//!   few `admin` and `system_user` accounts;
//! - applications VOPI, VPP, DAPA, GIS_UN, FPR with application roles, user roles nested four
//!   deep (`leader.top ⊃ leader.main ⊃ leader.view ⊃ VPP.view_all_documents`,
//!   `GLPI ⊃ VOPI/Glavna pisarna ⊃ VOPI/Referenti ⊃ VOPI_run`) and 100 department roles;
//!   `VPP.view_all_documents` (14 on every VPP object) reaches the heads of the top offices
//!   and 30 more leaders; the distribution role `GLPI` (`[dist.main]`) is held by 3 jobs of
//!   the main office;
//! - clearance: Z1 for every office but `TOK` (an office grant), Z2 for 8% of jobs and the
//!   leaders, Z3 for 1% of people (some grants expired or not yet valid at [`Synth::at`]);
//! - a filing plan of ~300 classes three levels deep, with office entries on some classes
//!   and two "personnel" classes capped at 13 for everyone but the HR office;
//! - folders: Z0 0.5% (default view 14 for everyone), Z1 82% (13), Z2 15% (12), Z3 2.5%
//!   (11); documents: a third registered by the main office (read-only ceilings), the rest by
//!   the case's clerk; hand-overs, accepts, closes, reopens and notifications as in practice.
//!
//! So at level 14 ("may read the content") a typical employee reaches the ~5,000 documents of
//! public case files plus their own office's cases: a few thousand documents, while the main
//! office and the leaders with `VPP.view_all_documents` reach hundreds of thousands.

use crate::rng::Rng;
use adam_core::*;
use serde::Serialize;

/// The size and seed of the synthetic administration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// The seed: the same seed gives the same world.
    pub seed: u64,
    /// User accounts (people, plus a few `admin` and `system_user` accounts).
    pub users: usize,
    /// Offices (the organisation tree).
    pub offices: usize,
    /// Folders (case files).
    pub folders: usize,
    /// Documents, spread over the folders (skewed: a tenth of the folders hold 40%).
    pub documents: usize,
    /// Classes of the filing plan (approximately).
    pub classes: usize,
    /// Share of public (Z0) folders, in thousandths. Everyone reads their documents at 14.
    pub public_permille: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 42,
            users: 100_000,
            offices: 10_000,
            folders: 100_000,
            documents: 1_000_000,
            classes: 300,
            public_permille: 5,
        }
    }
}

/// Counts of what was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Offices.
    pub offices: usize,
    /// Depth of the office tree (top-level offices are at depth 1).
    pub office_depth: usize,
    /// Jobs.
    pub jobs: usize,
    /// Jobs with nobody in them.
    pub vacant_jobs: usize,
    /// User accounts.
    pub users: usize,
    /// Inactive accounts.
    pub inactive_users: usize,
    /// People holding two jobs.
    pub users_with_two_jobs: usize,
    /// Applications.
    pub applications: usize,
    /// Roles (system, application and user roles).
    pub roles: usize,
    /// Longest chain of user roles containing roles (`a ⊃ b ⊃ c` is 2).
    pub role_depth: usize,
    /// Grants.
    pub grants: usize,
    /// Classes of the filing plan.
    pub classes: usize,
    /// Depth of the filing plan.
    pub class_depth: usize,
    /// Folders.
    pub folders: usize,
    /// Documents.
    pub documents: usize,
    /// ACL entries on classes.
    pub entries_on_classes: usize,
    /// ACL entries on folders.
    pub entries_on_folders: usize,
    /// ACL entries on documents.
    pub entries_on_documents: usize,
    /// All ACL entries.
    pub entries: usize,
    /// Folders per confidentiality class Z0–Z3.
    pub folders_by_secrecy: [usize; 4],
    /// Folders per final state: open, handed over, closed.
    pub folders_by_state: [usize; 3],
    /// Documents per final state: open, handed over, closed.
    pub documents_by_state: [usize; 3],
    /// Objects (folders and documents) whose responsible changed by an accept.
    pub accepted_objects: usize,
    /// Documents registered by the main office (with the read-only ceilings).
    pub registered_documents: usize,
    /// Events in the change log.
    pub events: usize,
}

/// Principals worth asking about, for request streams and listings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Notable {
    /// The main office (`GLPI`).
    pub main_office: Option<OfficeId>,
    /// The external office without Z1 clearance (`TOK`).
    pub external_office: Option<OfficeId>,
    /// Jobs holding the distribution role (`[dist.main]`).
    pub dist_jobs: Vec<JobId>,
    /// Jobs holding a role containing `VPP.view_all_documents`.
    pub view_all_jobs: Vec<JobId>,
    /// People holding a Z3 clearance grant valid at [`Synth::at`].
    pub z3_users: Vec<UserId>,
    /// Inactive accounts.
    pub inactive_users: Vec<UserId>,
    /// `admin` accounts.
    pub admins: Vec<UserId>,
    /// `system_user` accounts.
    pub service_users: Vec<UserId>,
    /// The application-wide role `VPP.view_all_documents`.
    pub view_all_role: Option<RoleId>,
}

/// A generated administration: the change log to restore and what it contains.
#[derive(Clone, Debug)]
pub struct Synth {
    /// The configuration it was made from.
    pub config: Config,
    /// The organisation's name.
    pub organisation: Text,
    /// The revision the restored world is at.
    pub revision: Revision,
    /// The instant decisions are asked at (every record exists by then).
    pub at: Timestamp,
    /// The events, in order; ids are dense and in creation order.
    pub events: Vec<Event>,
    /// Counts.
    pub summary: Summary,
    /// Principals worth asking about.
    pub notable: Notable,
}

impl Synth {
    /// Restores the world from the events (consuming them, as a server's cold start does).
    pub fn restore(self) -> Result<World, Error> {
        World::restore(self.organisation, self.revision, self.events)
    }
}

/// The instant the synthetic world is asked about: 2026-03-02 09:00 UTC.
pub fn benchmark_instant() -> Timestamp {
    Timestamp(1_772_442_000)
}

/// An ACL entry before it gets its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Draft {
    /// `allowed` or `maxAllowed`.
    pub kind: AclKind,
    /// Entity.
    pub entity: Entity,
    /// Value.
    pub value: Level,
    /// Group value.
    pub group: Level,
}

/// The permanent entries of one object, rewritten by the workflow transitions exactly as the
/// engine's workflow rewrites them (SPEC §3.6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AclSim {
    /// The entries, in the order the engine would keep them.
    pub entries: Vec<Draft>,
}

impl AclSim {
    fn add(&mut self, kind: AclKind, entity: Entity, value: Level, group: Level) {
        self.entries.push(Draft {
            kind,
            entity,
            value,
            group,
        });
    }

    /// Makes the `(kind, entity)` entry say `value/group`: the first is updated, further ones
    /// removed, or one is added.
    fn ensure(&mut self, kind: AclKind, entity: Entity, value: Level, group: Level) {
        let mut found = false;
        self.entries.retain_mut(|e| {
            if e.kind != kind || e.entity != entity {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            e.value = value;
            e.group = group;
            true
        });
        if !found {
            self.add(kind, entity, value, group);
        }
    }

    /// New folder: `[dist.main] 22/14`, `Company.main view/view`, `[creator] 22/14`.
    pub fn new_folder(view: Level) -> AclSim {
        let mut acl = AclSim::default();
        acl.add(AclKind::Allowed, Entity::DistMain, Level::Edit22, Level::View14);
        acl.add(AclKind::Allowed, Entity::Company, view, view);
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        acl
    }

    /// New document: `[creator] 22/14`; registered by the main office, also the ceilings
    /// `maxAllowed Company.main 14/14` and `maxAllowed [dist.main] 22/14`.
    pub fn new_document(registered: bool) -> AclSim {
        let mut acl = AclSim::default();
        acl.add(AclKind::Allowed, Entity::Creator, Level::Edit22, Level::View14);
        if registered {
            acl.add(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
            acl.add(AclKind::MaxAllowed, Entity::DistMain, Level::Edit22, Level::View14);
        }
        acl
    }

    /// Notify: `allowed <entity> 14/14` unless already there.
    pub fn notify(&mut self, entity: Entity) {
        let already = self
            .entries
            .iter()
            .any(|e| e.kind == AclKind::Allowed && e.entity == entity && e.value >= Level::View14);
        if !already {
            self.add(AclKind::Allowed, entity, Level::View14, Level::View14);
        }
    }

    /// Hand over: `allowed [recipient] 21/14`.
    pub fn hand_over(&mut self) {
        self.ensure(AclKind::Allowed, Entity::Recipient, Level::Edit21, Level::View14);
    }

    /// Accept: every edit-level entry of another entity goes; `[responsible]` becomes the one
    /// editor; `[sender]` keeps 14.
    pub fn accept(&mut self, document: bool) {
        let edit = if document { Level::Edit22 } else { Level::Edit21 };
        self.entries
            .retain(|e| !((e.value.is_edit() || e.group.is_edit()) && e.entity != Entity::Responsible));
        self.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
        self.ensure(AclKind::Allowed, Entity::Sender, Level::View14, Level::View14);
    }

    /// Close: `[responsible]` down to 21/14, its ceiling removed, everyone capped at 14.
    pub fn close(&mut self) {
        self.ensure(AclKind::Allowed, Entity::Responsible, Level::Edit21, Level::View14);
        self.entries
            .retain(|e| !(e.kind == AclKind::MaxAllowed && e.entity == Entity::Responsible));
        self.ensure(AclKind::MaxAllowed, Entity::Company, Level::View14, Level::View14);
    }

    /// Reopen: `[responsible]` may edit again, with its own ceiling.
    pub fn reopen(&mut self, document: bool) {
        let edit = if document { Level::Edit22 } else { Level::Edit21 };
        self.ensure(AclKind::Allowed, Entity::Responsible, edit, Level::View14);
        self.ensure(AclKind::MaxAllowed, Entity::Responsible, Level::Edit22, Level::View14);
    }
}

/// A workflow walk: the attributes and the entries an object ends with.
struct Walk {
    workflow: Workflow,
    acl: AclSim,
}

impl Walk {
    fn hand_over(&mut self, to: JobId) {
        self.workflow.state = ObjectState::HandedOver;
        self.workflow.recipient = Some(to);
        self.acl.hand_over();
    }

    fn accept(&mut self, document: bool) {
        self.workflow = Workflow {
            state: ObjectState::Open,
            sender: self.workflow.responsible,
            responsible: self.workflow.recipient,
            recipient: None,
            ..self.workflow
        };
        self.acl.accept(document);
    }

    fn close(&mut self) {
        self.workflow.state = ObjectState::Closed;
        self.acl.close();
    }

    fn reopen(&mut self, document: bool) {
        self.workflow.state = ObjectState::Open;
        self.acl.reopen(document);
    }
}

fn text(s: &str) -> Result<Text, Error> {
    Text::parse("text", s)
}

const FIRST_NAMES: [&str; 16] = [
    "Ana", "Bojan", "Cene", "Dora", "Eva", "Franc", "Gregor", "Helena", "Irena", "Janez", "Katja", "Leon", "Maja",
    "Nejc", "Petra", "Uroš",
];
const LAST_NAMES: [&str; 12] = [
    "Novak",
    "Horvat",
    "Krajnc",
    "Zupan",
    "Kovač",
    "Potočnik",
    "Mlakar",
    "Vidmar",
    "Golob",
    "Turk",
    "Kos",
    "Bizjak",
];

/// The directory as the generator tracks it.
#[derive(Default)]
struct Directory {
    office_parent: Vec<Option<usize>>,
    office_level: Vec<usize>,
    office_top: Vec<usize>,
    job_office: Vec<usize>,
    /// `office_jobs[o]` = the jobs of office `o` (contiguous ids).
    office_jobs: Vec<std::ops::Range<usize>>,
    job_holder: Vec<Option<usize>>,
    user_jobs: Vec<Vec<usize>>,
    user_active: Vec<bool>,
    /// Active people with a job, by clearance held at `at`: `cleared[k]` = clearance ≥ k.
    cleared: [Vec<usize>; 4],
}

impl Directory {
    fn occupant(&self, job: usize) -> Option<usize> {
        self.job_holder.get(job).copied().flatten()
    }
}

/// Role ids by name.
struct Roles {
    write: Vec<RoleId>,
    view_all_vpp: RoleId,
    clearance: [RoleId; 3],
    staff_basic: RoleId,
    clearance_z1: RoleId,
    dist: RoleId,
    leader_main: RoleId,
    leader_top: RoleId,
    auditor: RoleId,
    departments: Vec<RoleId>,
    user_admin: RoleId,
    security_lead: RoleId,
}

struct Gen {
    rng: Rng,
    rev: Revision,
    at: Timestamp,
    events: Vec<Event>,
    next_entry: u32,
    summary: Summary,
    notable: Notable,
    dir: Directory,
}

impl Gen {
    fn entry(&mut self, carrier: Carrier, d: Draft) {
        self.events.push(Event::Entry(AclEntry {
            id: EntryId(self.next_entry),
            carrier,
            kind: d.kind,
            entity: d.entity,
            value: d.value,
            group_value: d.group,
            window: Window::ALWAYS,
            rev: self.rev,
        }));
        self.next_entry += 1;
        match carrier {
            Carrier::Class(_) => self.summary.entries_on_classes += 1,
            Carrier::Folder(_) => self.summary.entries_on_folders += 1,
            Carrier::Document(_) => self.summary.entries_on_documents += 1,
        }
    }
}

/// Generates the administration described by `config`.
pub fn generate(config: &Config) -> Result<Synth, Error> {
    let bad = |what: &str| Error::Corrupt(format!("synthetic world: {what}"));
    if config.users < 20 {
        return Err(bad("at least 20 users"));
    }
    if config.offices < 3 {
        return Err(bad("at least 3 offices"));
    }
    if config.folders == 0 || config.classes < 3 {
        return Err(bad("at least one folder and three classes"));
    }
    let root = Rng::new(config.seed);
    let mut g = Gen {
        rng: root.fork(1),
        rev: Revision(1),
        at: benchmark_instant(),
        events: Vec::with_capacity(config.documents * 4 + config.folders * 6 + config.users * 3 + config.offices * 30),
        next_entry: 0,
        summary: Summary::default(),
        notable: Notable::default(),
        dir: Directory::default(),
    };
    let organisation = text("Mestna občina Sintetika")?;
    let apps = applications(&mut g)?;
    let roles = roles(&mut g, &apps)?;
    for (i, app) in apps.iter().enumerate() {
        g.events.push(Event::Application(Application {
            id: *app,
            code: Code::parse("code", APP_CODES[i])?,
            name: text(APP_NAMES[i])?,
            writer_role: roles.write.get(i).copied(),
            rev: g.rev,
        }));
    }
    let mut settings = Settings::new(organisation.clone());
    settings.dist_main_role = Some(roles.dist);
    settings.clearance_roles = roles.clearance.map(Some);
    g.events.push(Event::Settings(settings));
    g.rng = root.fork(2);
    offices(&mut g, config)?;
    g.rng = root.fork(3);
    jobs(&mut g, config)?;
    g.rng = root.fork(4);
    users(&mut g, config)?;
    g.rng = root.fork(5);
    grants(&mut g, &roles)?;
    g.rng = root.fork(6);
    let classes = filing_plan(&mut g, config, &roles)?;
    g.rng = root.fork(7);
    records(&mut g, config, &apps, &classes)?;
    g.notable.view_all_role = Some(roles.view_all_vpp);
    g.summary.applications = apps.len();
    g.summary.entries = g.next_entry as usize;
    g.summary.events = g.events.len();
    Ok(Synth {
        config: config.clone(),
        organisation,
        revision: g.rev,
        at: g.at,
        events: g.events,
        summary: g.summary,
        notable: g.notable,
    })
}

const APP_CODES: [&str; 5] = ["VOPI", "VPP", "DAPA", "GIS_UN", "FPR"];
const APP_NAMES: [&str; 5] = [
    "VOPI – dokumentni sistem",
    "VPP – vodenje postopkov",
    "DAPA – arhiv",
    "GIS_UN – prostorski podatki",
    "FPR – finance",
];

fn applications(g: &mut Gen) -> Result<Vec<AppId>, Error> {
    let mut out = Vec::new();
    for (i, (code, name)) in APP_CODES.iter().zip(APP_NAMES).enumerate() {
        g.events.push(Event::Application(Application {
            id: AppId(i as u32),
            code: Code::parse("code", code)?,
            name: text(name)?,
            writer_role: None,
            rev: g.rev,
        }));
        out.push(AppId(i as u32));
    }
    Ok(out)
}

fn roles(g: &mut Gen, apps: &[AppId]) -> Result<Roles, Error> {
    let mut next = 0u32;
    let rev = g.rev;
    let mut depth: Vec<usize> = Vec::new();
    let mut role = |g: &mut Gen,
                    code: &str,
                    kind: RoleKind,
                    app: Option<AppId>,
                    level: Option<Level>,
                    power: Option<SystemPower>,
                    mut members: Vec<RoleId>|
     -> Result<RoleId, Error> {
        members.sort_unstable();
        members.dedup();
        let id = RoleId(next);
        next += 1;
        let d = members.iter().map(|m| depth[m.index()] + 1).max().unwrap_or(0);
        depth.push(d);
        g.summary.role_depth = g.summary.role_depth.max(d);
        g.events.push(Event::Role(Role {
            id,
            code: RoleCode::parse("code", code)?,
            kind,
            app,
            description: text(&format!("Vloga {code}"))?,
            object_level: level,
            power,
            members,
            rev,
        }));
        Ok(id)
    };
    let sys = RoleKind::System;
    let appk = RoleKind::Application;
    let user = RoleKind::User;
    let user_admin = role(
        g,
        SystemPower::UserAdmin.code(),
        sys,
        None,
        None,
        Some(SystemPower::UserAdmin),
        vec![],
    )?;
    let security_lead = role(
        g,
        SystemPower::SecurityLead.code(),
        sys,
        None,
        None,
        Some(SystemPower::SecurityLead),
        vec![],
    )?;
    let mut run = Vec::new();
    let mut write = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        run.push(role(
            g,
            &format!("{}_run", APP_CODES[i]),
            appk,
            Some(*app),
            None,
            None,
            vec![],
        )?);
        write.push(role(
            g,
            &format!("{}.write", APP_CODES[i]),
            appk,
            Some(*app),
            None,
            None,
            vec![],
        )?);
    }
    let (vopi, vpp, dapa, fpr) = (apps[0], apps[1], apps[2], apps[4]);
    let view_all_vpp = role(
        g,
        "VPP.view_all_documents",
        appk,
        Some(vpp),
        Some(Level::View14),
        None,
        vec![],
    )?;
    let view_all_fpr = role(
        g,
        "FPR.view_all_documents",
        appk,
        Some(fpr),
        Some(Level::View13),
        None,
        vec![],
    )?;
    let stranka = role(g, "VOPI_stranka_fin", appk, Some(vopi), None, None, vec![])?;
    let level_b = role(g, "DAPA_LEVEL_B", appk, Some(dapa), None, None, vec![])?;
    let level_a = role(g, "DAPA_LEVEL_A", appk, Some(dapa), None, None, vec![])?;
    let zaupno = role(g, "VOPI_ZAUPNO", appk, Some(vopi), None, None, vec![])?;
    let staff_basic = role(
        g,
        "staff.basic",
        user,
        None,
        None,
        None,
        run.iter().chain(&write).copied().collect(),
    )?;
    let clearance_z1 = role(g, "clearance.Z1", user, None, None, None, vec![level_b])?;
    let referenti = role(
        g,
        "VOPI/Referenti",
        user,
        Some(vopi),
        None,
        None,
        vec![run[0], write[0]],
    )?;
    let glavna = role(
        g,
        "VOPI/Glavna pisarna",
        user,
        Some(vopi),
        None,
        None,
        vec![referenti, stranka],
    )?;
    let dist = role(g, "GLPI", user, None, None, None, vec![glavna, staff_basic])?;
    let leader_view = role(
        g,
        "leader.view",
        user,
        None,
        None,
        None,
        vec![view_all_vpp, view_all_fpr],
    )?;
    let leader_main = role(g, "leader.main", user, None, None, None, vec![leader_view, level_a])?;
    let leader_top = role(g, "leader.top", user, None, None, None, vec![leader_main, staff_basic])?;
    let auditor = role(g, "auditor", user, None, None, None, vec![view_all_fpr])?;
    let mut leaves: Vec<RoleId> = run.iter().chain(&write).copied().collect();
    leaves.extend([stranka, referenti]);
    let mut departments: Vec<RoleId> = Vec::new();
    for k in 0..100 {
        let mut members = Vec::new();
        for _ in 0..g.rng.between(2, 3) {
            members.extend(g.rng.pick(&leaves).copied());
        }
        if k >= 10 && g.rng.chance(400) {
            members.extend(g.rng.pick(&departments).copied());
        }
        let d = role(g, &format!("DEP/{k:03}"), user, None, None, None, members)?;
        departments.push(d);
    }
    g.summary.roles = next as usize;
    Ok(Roles {
        write,
        view_all_vpp,
        clearance: [level_b, level_a, zaupno],
        staff_basic,
        clearance_z1,
        dist,
        leader_main,
        leader_top,
        auditor,
        departments,
        user_admin,
        security_lead,
    })
}

fn offices(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let n = config.offices;
    let top = (n / 500).clamp(2, n);
    let d = &mut g.dir;
    let mut previous = 0..0;
    let mut width = top;
    let mut level = 1;
    while d.office_parent.len() < n {
        let start = d.office_parent.len();
        let len = width.min(n - start);
        for _ in 0..len {
            if level == 1 {
                d.office_parent.push(None);
                d.office_top.push(d.office_parent.len() - 1);
            } else {
                let p = previous.start + g.rng.below(previous.len());
                d.office_parent.push(Some(p));
                d.office_top.push(d.office_top[p]);
            }
            d.office_level.push(level);
        }
        previous = start..start + len;
        width = len * 10;
        level += 1;
    }
    g.summary.office_depth = level - 1;
    let external = top - 1;
    for i in 0..n {
        let code = match i {
            0 => "GLPI".to_owned(),
            _ if i == external => "TOK".to_owned(),
            _ => format!("U{i:05}"),
        };
        let name = match i {
            0 => "Glavna pisarna – sprejemno informacijska služba".to_owned(),
            _ if i == external => "Turistična organizacija".to_owned(),
            _ => format!("Urad {code}"),
        };
        g.events.push(Event::Office(Office {
            id: OfficeId(i as u32),
            code: Code::parse("code", &code)?,
            name: text(&name)?,
            parent: g.dir.office_parent[i].map(|p| OfficeId(p as u32)),
            signing_code: Some(SigningCode::parse("signing_code", &format!("{}", 1000 + i))?),
            valid: true,
            rev: g.rev,
        }));
    }
    g.summary.offices = n;
    g.notable.main_office = Some(OfficeId(0));
    g.notable.external_office = Some(OfficeId(external as u32));
    Ok(())
}

fn jobs(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let n_off = config.offices;
    let people = people_count(config.users);
    let target = people * 103 / 100;
    let regular_total = target.saturating_sub(2 * n_off).max(3);
    // Skewed office sizes: weights 1–10, one office in thirty five times bigger; the main
    // office gets about thirty regular jobs.
    let mut regular = vec![0usize; n_off];
    regular[0] = (regular_total / 10).clamp(3, 30).min(regular_total);
    let mut cumulative = Vec::with_capacity(n_off - 1);
    let mut total = 0u64;
    for _ in 1..n_off {
        let w = 1 + g.rng.below(10) as u64;
        total += if g.rng.chance(33) { w * 5 } else { w };
        cumulative.push(total);
    }
    for _ in regular[0]..regular_total {
        let x = g.rng.below(total as usize) as u64;
        let o = 1 + cumulative.partition_point(|c| *c <= x).min(n_off - 2);
        regular[o] += 1;
    }
    let mut next = 0usize;
    let mut serial = 0usize;
    for (o, count) in regular.iter().enumerate() {
        let start = next;
        let code = match o {
            0 => "GLPI".to_owned(),
            _ if g.notable.external_office == Some(OfficeId(o as u32)) => "TOK".to_owned(),
            _ => format!("U{o:05}"),
        };
        let mut push = |g: &mut Gen, job_code: String, name: &str, kind: JobKind| -> Result<(), Error> {
            g.events.push(Event::Job(Job {
                id: JobId(next as u32),
                code: JobCode::parse("code", &job_code)?,
                signing_code: Some(SigningCode::parse("signing_code", &format!("{}", 100_000 + next))?),
                name: text(name)?,
                office: OfficeId(o as u32),
                kind,
                valid: true,
                rev: g.rev,
            }));
            g.dir.job_office.push(o);
            next += 1;
            Ok(())
        };
        push(g, format!("LEADER.{code}"), "Predstojnik", JobKind::Head)?;
        push(g, format!("TAJNISTVO.{code}"), "Tajništvo", JobKind::Secretariat)?;
        for _ in 0..*count {
            serial += 1;
            push(g, format!("JOB.{serial:06}"), "Referent", JobKind::Regular)?;
        }
        g.dir.office_jobs.push(start..next);
    }
    g.dir.job_holder = vec![None; next];
    g.summary.jobs = next;
    Ok(())
}

fn people_count(users: usize) -> usize {
    users - admin_count(users) - service_count(users)
}
fn admin_count(users: usize) -> usize {
    (users / 50_000).clamp(1, 5)
}
fn service_count(users: usize) -> usize {
    (users / 30_000).clamp(1, 5)
}

fn users(g: &mut Gen, config: &Config) -> Result<(), Error> {
    let people = people_count(config.users);
    let n_jobs = g.dir.job_holder.len();
    let mut order: Vec<usize> = (0..n_jobs).collect();
    g.rng.shuffle(&mut order);
    let (first, vacant) = order.split_at(people.min(n_jobs));
    let mut vacant: Vec<usize> = vacant.to_vec();
    for u in 0..config.users {
        let mut kind = AccountKind::User;
        let mut jobs: Vec<usize> = Vec::new();
        let mut active = true;
        if u < people {
            if let Some(j) = first.get(u) {
                jobs.push(*j);
            }
            if g.rng.chance(150) {
                // One second job in ten fills a vacancy; the rest share a job with its holder.
                let filled = if g.rng.chance(100) { vacant.pop() } else { None };
                let second = filled.unwrap_or_else(|| g.rng.below(n_jobs));
                if !jobs.contains(&second) {
                    jobs.push(second);
                    g.summary.users_with_two_jobs += 1;
                }
            }
            active = !g.rng.chance(10);
        } else if u < people + service_count(config.users) {
            kind = AccountKind::SystemUser;
            g.notable.service_users.push(UserId(u as u32));
        } else {
            kind = AccountKind::Admin;
            g.notable.admins.push(UserId(u as u32));
        }
        if !active {
            g.notable.inactive_users.push(UserId(u as u32));
            g.summary.inactive_users += 1;
        }
        for j in &jobs {
            if g.dir.job_holder[*j].is_none() {
                g.dir.job_holder[*j] = Some(u);
            }
        }
        let first_name = FIRST_NAMES[u % FIRST_NAMES.len()];
        let last_name = LAST_NAMES[(u / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let username = match kind {
            AccountKind::User => format!("u{u:06}"),
            AccountKind::SystemUser => format!("svc{u:06}"),
            AccountKind::Admin => format!("admin{u:06}"),
        };
        g.events.push(Event::User(User {
            id: UserId(u as u32),
            username: Username::parse("username", &username)?,
            kind,
            active,
            title: None,
            first_name: text(first_name)?,
            last_name: text(last_name)?,
            gender: Gender::Unspecified,
            email: Email::parse("email", &format!("{username}@sintetika.si"))?,
            phone: None,
            jobs: jobs.iter().map(|j| JobId(*j as u32)).collect(),
            rev: g.rev,
        }));
        g.dir.user_jobs.push(jobs);
        g.dir.user_active.push(active);
    }
    g.summary.users = config.users;
    g.summary.vacant_jobs = g.dir.job_holder.iter().filter(|h| h.is_none()).count();
    Ok(())
}

fn grants(g: &mut Gen, roles: &Roles) -> Result<(), Error> {
    let mut next = 0u32;
    let at = g.at;
    let rev = g.rev;
    let mut grant = |g: &mut Gen, role: RoleId, grantee: Grantee, window: Window, scope: Option<OfficeId>| {
        g.events.push(Event::Grant(Grant {
            id: GrantId(next),
            role,
            grantee,
            window,
            scope,
            reference: None,
            rev,
        }));
        next += 1;
    };
    let n_off = g.dir.office_parent.len();
    let n_jobs = g.dir.job_holder.len();
    let n_users = g.dir.user_jobs.len();
    let external = g.notable.external_office.map_or(usize::MAX, |o| o.index());
    // Everyone may work in every application; Z1 clearance for every top office but TOK.
    grant(g, roles.staff_basic, Grantee::Everyone, Window::ALWAYS, None);
    let mut clearance = vec![0u8; n_users];
    for o in 0..n_off {
        if g.dir.office_parent[o].is_none() && o != external {
            grant(
                g,
                roles.clearance_z1,
                Grantee::Office(OfficeId(o as u32)),
                Window::ALWAYS,
                None,
            );
        }
    }
    for (u, jobs) in g.dir.user_jobs.iter().enumerate() {
        if jobs.iter().any(|j| g.dir.office_top[g.dir.job_office[*j]] != external) {
            clearance[u] = 1;
        }
    }
    // The distribution role: three occupied jobs of the main office with active people.
    let main_jobs: Vec<usize> = g.dir.office_jobs[0].clone().collect();
    let mut dist_jobs: Vec<usize> = main_jobs
        .iter()
        .copied()
        .filter(|j| g.dir.occupant(*j).is_some_and(|u| g.dir.user_active[u]))
        .rev()
        .take(3)
        .collect();
    dist_jobs.sort_unstable();
    for j in &dist_jobs {
        grant(g, roles.dist, Grantee::Job(JobId(*j as u32)), Window::ALWAYS, None);
        g.notable.dist_jobs.push(JobId(*j as u32));
    }
    // Leaders: heads of the top offices hold leader.top; thirty more heads leader.main.
    let mut z2_jobs: Vec<usize> = Vec::new();
    for o in 0..n_off {
        if g.dir.office_parent[o].is_none() {
            let head = g.dir.office_jobs[o].start;
            grant(
                g,
                roles.leader_top,
                Grantee::Job(JobId(head as u32)),
                Window::ALWAYS,
                None,
            );
            g.notable.view_all_jobs.push(JobId(head as u32));
            z2_jobs.push(head);
        }
    }
    let second_level: Vec<usize> = (0..n_off).filter(|o| g.dir.office_level[*o] == 2).collect();
    for _ in 0..30.min(second_level.len()) {
        let Some(o) = g.rng.pick(&second_level).copied() else {
            break;
        };
        let head = g.dir.office_jobs[o].start;
        if z2_jobs.contains(&head) {
            continue;
        }
        grant(
            g,
            roles.leader_main,
            Grantee::Job(JobId(head as u32)),
            Window::ALWAYS,
            None,
        );
        g.notable.view_all_jobs.push(JobId(head as u32));
        z2_jobs.push(head);
    }
    // Z2 clearance for 8% of jobs (one in twenty of those grants has expired).
    for j in 0..n_jobs {
        if g.rng.chance(80) {
            let expired = g.rng.chance(50);
            let window = if expired {
                Window {
                    from: Some(at.plus_days(-400)),
                    to: Some(at.plus_days(-30)),
                }
            } else {
                Window::ALWAYS
            };
            grant(g, roles.clearance[1], Grantee::Job(JobId(j as u32)), window, None);
            if !expired {
                z2_jobs.push(j);
            }
        }
    }
    // Everyone holding one of those jobs is cleared for Z2.
    let z2_set: std::collections::HashSet<usize> = z2_jobs.iter().copied().collect();
    for (u, jobs) in g.dir.user_jobs.iter().enumerate() {
        if jobs.iter().any(|j| z2_set.contains(j)) {
            clearance[u] = clearance[u].max(2);
        }
    }
    // Z3 clearance for 1% of people, some grants expired, some not yet valid.
    let people = people_count(n_users);
    for (u, held) in clearance.iter_mut().enumerate().take(people) {
        if !g.rng.chance(10) {
            continue;
        }
        let (window, valid) = match g.rng.below(10) {
            0 => (
                Window {
                    from: None,
                    to: Some(at.plus_days(-30)),
                },
                false,
            ),
            1 => (
                Window {
                    from: Some(at.plus_days(30)),
                    to: None,
                },
                false,
            ),
            2 => (
                Window {
                    from: Some(at.plus_days(-100)),
                    to: Some(at.plus_days(100)),
                },
                true,
            ),
            _ => (Window::ALWAYS, true),
        };
        grant(g, roles.clearance[2], Grantee::User(UserId(u as u32)), window, None);
        if valid {
            *held = 3;
            g.notable.z3_users.push(UserId(u as u32));
        }
    }
    // Department roles: to a few offices each, and to 5% of jobs.
    for d in roles.departments.clone() {
        for _ in 0..g.rng.between(1, 4) {
            let o = g.rng.below(n_off);
            grant(g, d, Grantee::Office(OfficeId(o as u32)), Window::ALWAYS, None);
        }
    }
    for j in 0..n_jobs {
        if g.rng.chance(50) {
            let Some(d) = g.rng.pick(&roles.departments).copied() else {
                continue;
            };
            grant(g, d, Grantee::Job(JobId(j as u32)), Window::ALWAYS, None);
        }
    }
    // Auditors, user administrators, a security lead.
    for _ in 0..5 {
        let u = g.rng.below(people);
        grant(g, roles.auditor, Grantee::User(UserId(u as u32)), Window::ALWAYS, None);
    }
    grant(
        g,
        roles.user_admin,
        Grantee::Job(JobId(g.dir.office_jobs[0].start as u32)),
        Window::ALWAYS,
        None,
    );
    for o in 1..4.min(n_off) {
        let secretariat = g.dir.office_jobs[o].start + 1;
        grant(
            g,
            roles.user_admin,
            Grantee::Job(JobId(secretariat as u32)),
            Window::ALWAYS,
            Some(OfficeId(o as u32)),
        );
    }
    let lead = g.rng.below(people);
    grant(
        g,
        roles.security_lead,
        Grantee::User(UserId(lead as u32)),
        Window::ALWAYS,
        None,
    );
    for (u, c) in clearance.iter().enumerate() {
        if !g.dir.user_active[u] || g.dir.user_jobs[u].is_empty() {
            continue;
        }
        for k in 0..=usize::from(*c) {
            g.dir.cleared[k].push(u);
        }
    }
    g.summary.grants = next as usize;
    Ok(())
}

/// The filing plan; returns the classes folders are filed in (the leaves).
fn filing_plan(g: &mut Gen, config: &Config, roles: &Roles) -> Result<Vec<usize>, Error> {
    let target = config.classes;
    let top = (target / 25).max(1);
    let mut parent: Vec<Option<usize>> = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for t in 0..top {
        parent.push(None);
        codes.push(format!("{}", 100 + 10 * t));
    }
    let mut second = Vec::new();
    for t in 0..top {
        for k in 0..6 {
            if parent.len() >= target {
                break;
            }
            second.push(parent.len());
            parent.push(Some(t));
            codes.push(format!("{}-{:02}", codes[t], k + 1));
        }
    }
    let mut k = 0;
    while parent.len() < target && !second.is_empty() {
        let p = second[k % second.len()];
        let n = parent.iter().filter(|x| **x == Some(p)).count();
        parent.push(Some(p));
        codes.push(format!("{}-{:02}", codes[p], n + 1));
        k += g.rng.between(1, 2);
    }
    let n = parent.len();
    let mut depth = vec![1usize; n];
    for c in 0..n {
        if let Some(p) = parent[c] {
            depth[c] = depth[p] + 1;
        }
        g.events.push(Event::Class(FilingClass {
            id: ClassId(c as u32),
            code: Code::parse("code", &codes[c])?,
            name: text(&format!("Razred {}", codes[c]))?,
            parent: parent[c].map(|p| ClassId(p as u32)),
            rev: g.rev,
        }));
    }
    g.summary.classes = n;
    g.summary.class_depth = depth.iter().copied().max().unwrap_or(0);
    let leaves: Vec<usize> = (0..n).filter(|c| !parent.contains(&Some(*c))).collect();
    // Class-level entries: office entries on one class in seven; personnel classes capped
    // at 13 for everyone but HR; auditors on two top classes.
    let n_off = g.dir.office_parent.len();
    let small: Vec<usize> = (0..n_off).filter(|o| g.dir.office_level[*o] >= 3).collect();
    let small = if small.is_empty() { (0..n_off).collect() } else { small };
    for c in 0..n {
        if g.rng.chance(140) {
            let Some(o) = g.rng.pick(&small).copied() else {
                continue;
            };
            let v = if g.rng.chance(700) {
                Level::View14
            } else {
                Level::View13
            };
            g.entry(
                Carrier::Class(ClassId(c as u32)),
                Draft {
                    kind: AclKind::Allowed,
                    entity: Entity::Office(OfficeId(o as u32)),
                    value: v,
                    group: v,
                },
            );
        }
    }
    let hr = (0..n_off).find(|o| g.dir.office_level[*o] == 2).unwrap_or(1);
    for c in second.iter().take(2) {
        let carrier = Carrier::Class(ClassId(*c as u32));
        let hr = Entity::Office(OfficeId(hr as u32));
        for (kind, entity, v) in [
            (AclKind::MaxAllowed, Entity::Company, Level::View13),
            (AclKind::MaxAllowed, hr, Level::Edit22),
            (AclKind::Allowed, hr, Level::Edit21),
        ] {
            g.entry(
                carrier,
                Draft {
                    kind,
                    entity,
                    value: v,
                    group: v,
                },
            );
        }
    }
    for c in 0..2.min(top) {
        g.entry(
            Carrier::Class(ClassId(c as u32)),
            Draft {
                kind: AclKind::Allowed,
                entity: Entity::Role(roles.auditor),
                value: Level::View14,
                group: Level::None,
            },
        );
    }
    if top > 2 {
        g.entry(
            Carrier::Class(ClassId(2)),
            Draft {
                kind: AclKind::Allowed,
                entity: Entity::Role(roles.leader_main),
                value: Level::View14,
                group: Level::View13,
            },
        );
    }
    Ok(leaves)
}

fn folder_secrecy(rng: &mut Rng, public_permille: u32) -> u8 {
    let x = rng.below(1000) as u32;
    if x < public_permille {
        0
    } else if x < public_permille + 820 {
        1
    } else if x < public_permille + 970 {
        2
    } else {
        3
    }
}

/// What documents need to know about their folder.
struct FolderFacts {
    secrecy: u8,
    responsible: Option<JobId>,
    creator: Creator,
    closed: bool,
}

fn class(z: u8, c3: bool) -> Result<Classification, Error> {
    Ok(Classification {
        z: SecurityClass::new(z)?,
        c: if c3 { SecurityClass::THREE } else { SecurityClass::NONE },
        r: SecurityClass::NONE,
    })
}

fn state_index(s: ObjectState) -> usize {
    match s {
        ObjectState::Open => 0,
        ObjectState::HandedOver => 1,
        ObjectState::Closed => 2,
    }
}

fn records(g: &mut Gen, config: &Config, apps: &[AppId], leaves: &[usize]) -> Result<(), Error> {
    let n_jobs = g.dir.job_holder.len();
    let default_view = Settings::new(text("x")?).default_view;
    let mut facts: Vec<FolderFacts> = Vec::with_capacity(config.folders);
    let dist_jobs = g.notable.dist_jobs.clone();
    for f in 0..config.folders {
        let rng = &mut g.rng;
        let app = match rng.below(100) {
            0..50 => apps[0],
            50..80 => apps[1],
            80..90 => apps[4],
            90..95 => apps[2],
            _ => apps[3],
        };
        let leaf = rng.pick(leaves).copied().unwrap_or(0);
        let mut z = folder_secrecy(rng, config.public_permille);
        let creator_user = loop {
            let pool = &g.dir.cleared[usize::from(z)];
            match rng.pick(pool) {
                Some(u) => break *u,
                None if z > 0 => z -= 1,
                None => return Err(Error::Corrupt("synthetic world: nobody can create folders".into())),
            }
        };
        let jobs = &g.dir.user_jobs[creator_user];
        let creator_job = if jobs.len() > 1 && rng.chance(200) {
            jobs[1]
        } else {
            jobs[0]
        };
        let c3 = rng.chance(5);
        let classification = class(z, c3)?;
        let creator = Creator {
            user: UserId(creator_user as u32),
            job: JobId(creator_job as u32),
        };
        let mut walk = Walk {
            workflow: Workflow {
                state: ObjectState::Open,
                creator,
                responsible: Some(creator.job),
                sender: None,
                recipient: None,
            },
            acl: AclSim::new_folder(default_view[usize::from(z)]),
        };
        if rng.chance(250) {
            for _ in 0..rng.between(1, 3) {
                let j = colleague_or_random(rng, &g.dir, creator_job, 300, n_jobs);
                walk.acl.notify(Entity::Job(JobId(j as u32)));
            }
        }
        if rng.chance(30)
            && let Some(u) = rng.pick(&g.dir.cleared[0])
        {
            walk.acl.notify(Entity::User(UserId(*u as u32)));
        }
        let fate = rng.below(100);
        let other = other_job(rng, &g.dir, creator_job, n_jobs);
        match fate {
            0..55 => {}
            55..62 => walk.hand_over(other),
            62..80 => {
                walk.hand_over(other);
                walk.accept(false);
            }
            80..90 => walk.close(),
            90..95 => {
                walk.hand_over(other);
                walk.accept(false);
                walk.close();
            }
            _ => {
                walk.close();
                walk.reopen(false);
            }
        }
        if fate >= 62 && !(80..90).contains(&fate) && fate < 95 {
            g.summary.accepted_objects += 1;
        }
        let id = FolderId(f as u32);
        g.events.push(Event::Folder(Folder {
            id,
            app,
            class: ClassId(leaf as u32),
            title: text(&format!("Zadeva {f}"))?,
            classification,
            workflow: walk.workflow,
            rev: g.rev,
        }));
        for d in &walk.acl.entries {
            g.entry(Carrier::Folder(id), *d);
        }
        g.summary.folders_by_secrecy[usize::from(z)] += 1;
        g.summary.folders_by_state[state_index(walk.workflow.state)] += 1;
        facts.push(FolderFacts {
            secrecy: z,
            responsible: walk.workflow.responsible,
            creator,
            closed: walk.workflow.state == ObjectState::Closed,
        });
    }
    g.summary.folders = config.folders;
    // Documents: 60% spread evenly, 40% over a busy tenth of the folders.
    let mut per_folder = vec![0usize; config.folders];
    let busy = (config.folders / 10).max(1);
    for _ in 0..config.documents {
        let f = if g.rng.chance(600) {
            g.rng.below(config.folders)
        } else {
            // The busy folders are spread over the id range.
            (g.rng.below(busy) * 10 + 3) % config.folders
        };
        per_folder[f] += 1;
    }
    let mut next_doc = 0u32;
    for (f, count) in per_folder.iter().enumerate() {
        let ff = &facts[f];
        for _ in 0..*count {
            let rng = &mut g.rng;
            let registered = !dist_jobs.is_empty() && rng.chance(330);
            let (creator, mut walk_target) = if registered {
                let j = rng.pick(&dist_jobs).copied().unwrap_or(JobId(0));
                let u = g.dir.occupant(j.index()).unwrap_or(0);
                let target = ff.responsible.filter(|r| *r != j);
                (
                    Creator {
                        user: UserId(u as u32),
                        job: j,
                    },
                    target,
                )
            } else {
                let job = ff.responsible.unwrap_or(ff.creator.job);
                let creator = match g.dir.occupant(job.index()).filter(|u| g.dir.user_active[*u]) {
                    Some(u) => Creator {
                        user: UserId(u as u32),
                        job,
                    },
                    None => ff.creator,
                };
                (creator, None)
            };
            let z = if rng.chance(30) {
                (ff.secrecy + 1).min(3)
            } else {
                ff.secrecy
            };
            let mut walk = Walk {
                workflow: Workflow {
                    state: ObjectState::Open,
                    creator,
                    responsible: Some(creator.job),
                    sender: None,
                    recipient: None,
                },
                acl: AclSim::new_document(registered),
            };
            let fate = rng.below(100);
            if registered {
                if walk_target.is_none() {
                    walk_target = Some(other_job(rng, &g.dir, creator.job.index(), n_jobs));
                }
                if let Some(t) = walk_target {
                    match fate {
                        0..60 => {
                            walk.hand_over(t);
                            walk.accept(true);
                            g.summary.accepted_objects += 1;
                            if ff.closed && rng.chance(500) {
                                walk.close();
                            }
                        }
                        60..70 => walk.hand_over(t),
                        _ => {}
                    }
                }
                g.summary.registered_documents += 1;
            } else {
                match fate {
                    0..5 => {
                        let t = other_job(rng, &g.dir, creator.job.index(), n_jobs);
                        walk.hand_over(t);
                        walk.accept(true);
                        g.summary.accepted_objects += 1;
                    }
                    5..8 => {
                        let t = other_job(rng, &g.dir, creator.job.index(), n_jobs);
                        walk.hand_over(t);
                    }
                    8..18 => walk.close(),
                    _ if ff.closed && rng.chance(500) => walk.close(),
                    _ => {}
                }
            }
            let id = DocumentId(next_doc);
            next_doc += 1;
            g.events.push(Event::Document(Document {
                id,
                folder: FolderId(f as u32),
                title: text(&format!("Dokument {}", id.0))?,
                classification: class(z, false)?,
                workflow: walk.workflow,
                rev: g.rev,
            }));
            for d in &walk.acl.entries {
                g.entry(Carrier::Document(id), *d);
            }
            g.summary.documents_by_state[state_index(walk.workflow.state)] += 1;
        }
    }
    g.summary.documents = next_doc as usize;
    Ok(())
}

/// A job in the same office as `job` (with probability `permille`), else any job.
fn colleague_or_random(rng: &mut Rng, dir: &Directory, job: usize, permille: u32, n_jobs: usize) -> usize {
    if rng.chance(permille) {
        let range = dir.office_jobs[dir.job_office[job]].clone();
        range.start + rng.below(range.len())
    } else {
        rng.below(n_jobs)
    }
}

/// A job other than `job`: a colleague half of the time, preferably occupied.
fn other_job(rng: &mut Rng, dir: &Directory, job: usize, n_jobs: usize) -> JobId {
    for _ in 0..8 {
        let j = colleague_or_random(rng, dir, job, 500, n_jobs);
        if j != job && dir.occupant(j).is_some() {
            return JobId(j as u32);
        }
    }
    JobId(((job + 1) % n_jobs) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u64) -> Config {
        Config {
            seed,
            users: 2_000,
            offices: 150,
            folders: 1_500,
            documents: 12_000,
            classes: 60,
            public_permille: 20,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_world_and_another_seed_another() {
        let a = generate(&small(7)).map(|s| s.events);
        let b = generate(&small(7)).map(|s| s.events);
        let c = generate(&small(8)).map(|s| s.events);
        assert!(a.is_ok());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_world_has_the_sizes_asked_for_and_restores() {
        let config = small(3);
        let synth = generate(&config).unwrap();
        let summary = synth.summary.clone();
        let notable = synth.notable.clone();
        let at = synth.at;
        let world = synth.restore().unwrap();
        assert_eq!(world.users().len(), config.users);
        assert_eq!(world.offices().len(), config.offices);
        assert_eq!(world.folder_count(), config.folders);
        assert_eq!(world.document_count(), config.documents);
        assert_eq!(world.classes().len(), summary.classes);
        assert!((config.classes - 5..=config.classes).contains(&summary.classes));
        assert_eq!(world.entry_count(), summary.entries);
        assert_eq!(
            summary.entries,
            summary.entries_on_classes + summary.entries_on_folders + summary.entries_on_documents
        );
        assert_eq!(world.jobs().len(), summary.jobs);
        assert_eq!(world.grants().count(), summary.grants);
        assert!(summary.office_depth >= 3, "{summary:?}");
        assert!(summary.role_depth >= 3, "{summary:?}");
        assert!((2..=3).contains(&summary.class_depth), "{summary:?}");
        // Every office has its head and secretariat.
        for o in world.offices() {
            let jobs = world.office_jobs(o.id);
            assert!(jobs.len() >= 2);
            assert_eq!(world.job(jobs[0]).unwrap().kind, JobKind::Head);
            assert_eq!(world.job(jobs[1]).unwrap().kind, JobKind::Secretariat);
        }
        // People hold one or two jobs; the special accounts none.
        for u in world.users() {
            match u.kind {
                AccountKind::User => assert!((1..=2).contains(&u.jobs.len())),
                _ => assert!(u.jobs.is_empty()),
            }
        }
        // The distribution role's holders edit every folder nobody has accepted or capped;
        // every folder has a Company.main entry.
        let dist_user = world.job_occupants(notable.dist_jobs[0])[0];
        let mut seen = 0;
        for f in world.folders() {
            let acl = world.acl(Carrier::Folder(f.id)).unwrap();
            assert!(
                acl.iter()
                    .any(|e| e.entity == Entity::Company && e.kind == AclKind::Allowed)
            );
            let class_caps = world.class_chain(f.class).into_iter().any(|c| {
                world
                    .acl(Carrier::Class(c))
                    .unwrap()
                    .iter()
                    .any(|e| e.kind == AclKind::MaxAllowed)
            });
            let uncapped = !class_caps && acl.iter().all(|e| e.kind == AclKind::Allowed);
            if f.workflow.sender.is_none() && uncapped && f.classification.z <= SecurityClass::ONE {
                seen += 1;
                let why = world
                    .explain(dist_user, ObjectRef::Folder(f.id), at, Session::MFA)
                    .unwrap();
                assert_eq!(why.level, Level::Edit22, "{}: {why:?}", f.id);
            }
        }
        assert!(seen > 100);
        // Accepted objects have exactly one editor entity: [responsible].
        let mut accepted = 0;
        for d in world.documents() {
            if d.workflow.sender.is_some() {
                accepted += 1;
                let acl = world.acl(Carrier::Document(d.id)).unwrap();
                assert!(
                    acl.iter()
                        .filter(|e| e.is_edit_level())
                        .all(|e| e.entity == Entity::Responsible)
                );
            }
        }
        assert!(accepted > 100);
    }

    #[test]
    fn workflow_rewrites_follow_the_transitions() {
        let mut acl = AclSim::new_document(true);
        acl.hand_over();
        acl.accept(true);
        let shown: Vec<String> = acl
            .entries
            .iter()
            .map(|d| format!("{} {} {}/{}", d.kind, d.entity, d.value, d.group))
            .collect();
        assert_eq!(
            shown,
            [
                "maxAllowed Company.main 14/14",
                "allowed [responsible] 22/14",
                "maxAllowed [responsible] 22/14",
                "allowed [sender] 14/14"
            ]
        );
        acl.close();
        assert!(acl.entries.contains(&Draft {
            kind: AclKind::Allowed,
            entity: Entity::Responsible,
            value: Level::Edit21,
            group: Level::View14
        }));
        assert!(
            !acl.entries
                .iter()
                .any(|d| d.kind == AclKind::MaxAllowed && d.entity == Entity::Responsible)
        );
    }
}
