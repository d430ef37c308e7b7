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

mod acl;
mod directory;
mod filing;
#[cfg(test)]
mod tests;

pub use acl::{AclSim, Draft};

use crate::rng::Rng;
use adam_core::*;
use directory::{applications, grants, jobs, offices, roles, users};
use filing::{filing_plan, records};
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

impl Config {
    /// The default administration scaled to `documents` documents: users, offices and folders
    /// in the same proportions (at least 20 users, 3 offices and a folder).
    pub fn scaled(documents: usize) -> Config {
        let base = Config::default();
        let scale = documents as f64 / base.documents as f64;
        Config {
            users: ((base.users as f64 * scale) as usize).max(20),
            offices: ((base.offices as f64 * scale) as usize).max(3),
            folders: ((base.folders as f64 * scale) as usize).max(1),
            documents,
            ..base
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
    /// The change log as a bulk import writes it: commits of at most `chunk` events each, in
    /// order, by the system (each plan is one revision; the store's audit record names it).
    pub fn import_plans(&self, chunk: usize) -> impl Iterator<Item = Plan> + '_ {
        self.events.chunks(chunk.max(1)).enumerate().map(|(i, events)| Plan {
            base: Revision(i as u64),
            at: self.at,
            actor: Actor::System,
            acting_job: None,
            action: "import",
            command: Command::Batch { commands: Vec::new() },
            events: events.to_vec(),
            changes: Vec::new(),
            created: None,
        })
    }

    /// Restores the world from the events (consuming them, as a server's cold start does).
    pub fn restore(self) -> Result<World, Error> {
        World::restore(self.organisation, self.revision, self.events)
    }
}

/// The instant the synthetic world is asked about: 2026-03-02 09:00 UTC.
pub fn benchmark_instant() -> Timestamp {
    Timestamp(1_772_442_000)
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
    let bad = |what: &str| Error::State(adam_core::StateError::Corrupt(format!("synthetic world: {what}")));
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
