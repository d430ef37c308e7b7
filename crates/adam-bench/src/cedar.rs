//! ADAM's decision translated into Cedar, for one threshold level.
//!
//! The benchmark runs the same request stream through `cedar-policy` to compare figures, and
//! uses Cedar as an independent oracle: for every request, `check(..) >= L` must equal Cedar's
//! `Allow`. This module computes everything from the world's public records — it does not call
//! the engine's decision or membership code — so a disagreement points either at this
//! translation or at the engine.
//!
//! The model, for threshold `L` (e.g. 14, "may read the content"):
//! - entity types `User`, `Job`, `OfficeExact` (direct membership: office colleagues),
//!   `OfficeTree` (membership of the office's subtree: parent chain up), `Role`, `Everyone`;
//! - a user's parents: their valid jobs, the `OfficeExact` and `OfficeTree` of those jobs'
//!   offices, the roles granted to them, `Everyone`. Grants to a job, an office or everyone
//!   make that role a parent of the `Job`, `OfficeTree` or `Everyone` entity; a user role's
//!   parents are the roles it **contains** (holding `leader.top` means holding everything
//!   inside it, so `Role::"leader.top" in Role::"VPP.view_all_documents"`). Only grants valid
//!   at the instant asked about are translated;
//! - user attributes `active`, `admin` and `clearance` (the highest class whose clearance role
//!   the user holds, computed here from the grants and the role graph);
//! - each folder or document carries attributes compiled from the current state, with dynamic
//!   entities resolved against the carrier of each entry: `allow` = the entities whose members
//!   get ≥ L from some `allowed` entry on any tier (a value → the entity; a group value → the
//!   `OfficeExact` of the entity's job(s)); for each tier `k` that has a `maxAllowed`,
//!   `capK_any` = entities matching any `maxAllowed` of the tier and `capK_ok` = those matching
//!   one ≥ L; `secrecy`, `mfa` (Z3 or C3), `app`;
//! - policies: `permit` on `principal in resource.allow`; a `permit` per application-wide role
//!   with a level ≥ L; a `forbid` per tier (`principal in capK_any && !(principal in capK_ok)`);
//!   `forbid` below clearance, without a second factor on Z3/C3, inactive, `admin` accounts.
//!
//! Entity references in attributes are built with `RestrictedExpression::new_entity_uid`, the
//! programmatic equivalent of the `{"__entity": {…}}` JSON form (a plain string there would
//! silently deny every request).

use crate::stream::Request;
use adam_core::*;
use anyhow::{Context as _, anyhow};
use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity as CedarEntity, EntityId, EntityTypeName, EntityUid, Policy,
    PolicyId, PolicySet, RestrictedExpression,
};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// What Cedar was given and how long it took to build.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// The threshold level the model answers for.
    pub level: u8,
    /// `User` entities.
    pub users: usize,
    /// `Job`, `OfficeExact`, `OfficeTree`, `Role` and `Everyone` entities.
    pub groups: usize,
    /// Folder and document entities (only those the request stream touches).
    pub resources: usize,
    /// Entity references inside resource attributes.
    pub attribute_refs: usize,
    /// Policies.
    pub policies: usize,
    /// The most tiers an object has (one `forbid` policy each).
    pub tiers: usize,
    /// Time to compile the attributes and make the Cedar entities.
    #[serde(serialize_with = "as_secs")]
    pub compile: Duration,
    /// Time of `Entities::from_entities` (validation and transitive closure).
    #[serde(serialize_with = "as_secs")]
    pub closure: Duration,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// The Cedar side of the comparison: policies, entities and the request factory.
pub struct Model {
    /// The policies.
    pub policies: PolicySet,
    /// The entities.
    pub entities: Entities,
    /// What was built.
    pub stats: Stats,
    names: Names,
    contexts: [Context; 2],
}

struct Names {
    user: EntityTypeName,
    job: EntityTypeName,
    exact: EntityTypeName,
    tree: EntityTypeName,
    role: EntityTypeName,
    everyone: EntityTypeName,
    folder: EntityTypeName,
    document: EntityTypeName,
    read: EntityUid,
}

impl Names {
    fn new() -> anyhow::Result<Names> {
        let t = |s: &str| EntityTypeName::from_str(s).map_err(|e| anyhow!("type {s}: {e}"));
        Ok(Names {
            user: t("User")?,
            job: t("Job")?,
            exact: t("OfficeExact")?,
            tree: t("OfficeTree")?,
            role: t("Role")?,
            everyone: t("Everyone")?,
            folder: t("Folder")?,
            document: t("Document")?,
            read: EntityUid::from_type_name_and_id(t("Action")?, EntityId::new("read")),
        })
    }

    fn uid(&self, r: Ref) -> EntityUid {
        let (ty, id) = match r {
            Ref::User(u) => (&self.user, u.0),
            Ref::Job(j) => (&self.job, j.0),
            Ref::Exact(o) => (&self.exact, o.0),
            Ref::Tree(o) => (&self.tree, o.0),
            Ref::Role(r) => (&self.role, r.0),
            Ref::Everyone => (&self.everyone, 0),
        };
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id.to_string()))
    }

    fn object(&self, o: ObjectRef) -> EntityUid {
        match o {
            ObjectRef::Folder(f) => {
                EntityUid::from_type_name_and_id(self.folder.clone(), EntityId::new(f.0.to_string()))
            }
            ObjectRef::Document(d) => {
                EntityUid::from_type_name_and_id(self.document.clone(), EntityId::new(d.0.to_string()))
            }
        }
    }
}

/// A Cedar entity, before it is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Ref {
    User(UserId),
    Job(JobId),
    Exact(OfficeId),
    Tree(OfficeId),
    Role(RoleId),
    Everyone,
}

/// Facts about principals computed once from the records.
struct Directory<'w> {
    world: &'w World,
    at: Timestamp,
    /// Roles each role contains, transitively, including itself.
    down: Vec<BTreeSet<RoleId>>,
    /// Per role: the offices of colleagues of its holders (job grants: the job's office;
    /// user grants to active users: the offices of the user's valid jobs).
    role_mates: HashMap<RoleId, BTreeSet<OfficeId>>,
}

impl<'w> Directory<'w> {
    fn new(world: &'w World, at: Timestamp) -> Directory<'w> {
        let n = world.roles().len();
        let mut down = vec![BTreeSet::new(); n];
        for (r, set) in down.iter_mut().enumerate() {
            let mut stack = vec![RoleId(r as u32)];
            while let Some(x) = stack.pop() {
                if set.insert(x)
                    && let Ok(role) = world.role(x)
                {
                    stack.extend(role.members.iter().copied());
                }
            }
        }
        Directory {
            world,
            at,
            down,
            role_mates: HashMap::new(),
        }
    }

    fn active_grants(&self) -> impl Iterator<Item = &'w Grant> + '_ {
        self.world.grants().filter(move |g| g.window.contains(self.at))
    }

    fn valid_jobs(&self, user: UserId) -> Vec<JobId> {
        self.world.user(user).map_or_else(
            |_| Vec::new(),
            |u| {
                u.jobs
                    .iter()
                    .copied()
                    .filter(|j| self.world.job(*j).is_ok_and(|job| job.valid))
                    .collect()
            },
        )
    }

    fn offices_of(&self, user: UserId) -> Vec<OfficeId> {
        self.valid_jobs(user)
            .iter()
            .filter_map(|j| self.world.job(*j).ok().map(|job| job.office))
            .collect()
    }

    fn mates_of_role(&mut self, role: RoleId) -> BTreeSet<OfficeId> {
        if let Some(set) = self.role_mates.get(&role) {
            return set.clone();
        }
        let mut set = BTreeSet::new();
        for g in self.active_grants() {
            if !self.down.get(g.role.index()).is_some_and(|d| d.contains(&role)) {
                continue;
            }
            match g.grantee {
                Grantee::Job(j) => {
                    if let Ok(job) = self.world.job(j)
                        && job.valid
                    {
                        set.insert(job.office);
                    }
                }
                Grantee::User(u) => {
                    if self.world.user(u).is_ok_and(|x| x.active) {
                        set.extend(self.offices_of(u));
                    }
                }
                Grantee::Office(_) | Grantee::Everyone => {}
            }
        }
        self.role_mates.insert(role, set.clone());
        set
    }

    /// Who is the entity (value) and who is a colleague (group value), resolved on a carrier.
    fn resolve(
        &mut self,
        entity: adam_core::Entity,
        workflow: Option<&Workflow>,
    ) -> anyhow::Result<(Vec<Ref>, Vec<Ref>)> {
        use adam_core::Entity as E;
        let job = |this: &Self, j: Option<JobId>| -> (Vec<Ref>, Vec<Ref>) {
            match j {
                Some(j) => {
                    let mates = this
                        .world
                        .job(j)
                        .map(|x| vec![Ref::Exact(x.office)])
                        .unwrap_or_default();
                    (vec![Ref::Job(j)], mates)
                }
                None => (Vec::new(), Vec::new()),
            }
        };
        Ok(match entity {
            E::Company => (vec![Ref::Everyone], Vec::new()),
            E::Office(o) => (vec![Ref::Tree(o)], Vec::new()),
            E::Job(j) => job(self, Some(j)),
            E::User(u) => (
                vec![Ref::User(u)],
                self.offices_of(u).into_iter().map(Ref::Exact).collect(),
            ),
            E::Role(r) => (
                vec![Ref::Role(r)],
                self.mates_of_role(r).into_iter().map(Ref::Exact).collect(),
            ),
            E::DistMain => match self.world.settings().dist_main_role {
                Some(r) => (
                    vec![Ref::Role(r)],
                    self.mates_of_role(r).into_iter().map(Ref::Exact).collect(),
                ),
                None => (Vec::new(), Vec::new()),
            },
            E::Creator => job(self, workflow.map(|w| w.creator.job)),
            E::Responsible => job(self, workflow.and_then(|w| w.responsible)),
            E::Sender => job(self, workflow.and_then(|w| w.sender)),
            E::Recipient => job(self, workflow.and_then(|w| w.recipient)),
            E::Group(g) => return Err(anyhow!("user groups are not translated ({g})")),
        })
    }
}

/// A compiled tier ceiling.
#[derive(Default)]
struct Cap {
    any: BTreeSet<Ref>,
    ok: BTreeSet<Ref>,
}

impl Model {
    /// Builds the Cedar model of `world` at `at` for threshold `level`, with every principal
    /// and group and the given folders and documents as resources.
    pub fn build(world: &World, objects: &[ObjectRef], level: Level, at: Timestamp) -> anyhow::Result<Model> {
        let names = Names::new()?;
        let started = Instant::now();
        let mut dir = Directory::new(world, at);
        let mut entities: Vec<CedarEntity> = Vec::new();
        let mut stats = Stats {
            level: level.value(),
            ..Stats::default()
        };
        // Role parents: the roles it contains.
        for role in world.roles() {
            let parents: HashSet<EntityUid> = role.members.iter().map(|m| names.uid(Ref::Role(*m))).collect();
            entities.push(CedarEntity::new_no_attrs(names.uid(Ref::Role(role.id)), parents));
        }
        // Grants: to jobs, offices and everyone become parents of those entities.
        let mut job_roles: HashMap<JobId, Vec<RoleId>> = HashMap::new();
        let mut office_roles: HashMap<OfficeId, Vec<RoleId>> = HashMap::new();
        let mut user_roles: HashMap<UserId, Vec<RoleId>> = HashMap::new();
        let mut everyone_roles: Vec<RoleId> = Vec::new();
        for g in dir.active_grants() {
            match g.grantee {
                Grantee::Job(j) => job_roles.entry(j).or_default().push(g.role),
                Grantee::Office(o) => office_roles.entry(o).or_default().push(g.role),
                Grantee::User(u) => user_roles.entry(u).or_default().push(g.role),
                Grantee::Everyone => everyone_roles.push(g.role),
            }
        }
        let role_uids = |roles: Option<&Vec<RoleId>>| -> HashSet<EntityUid> {
            roles
                .map(|rs| rs.iter().map(|r| names.uid(Ref::Role(*r))).collect())
                .unwrap_or_default()
        };
        for job in world.jobs() {
            entities.push(CedarEntity::new_no_attrs(
                names.uid(Ref::Job(job.id)),
                role_uids(job_roles.get(&job.id)),
            ));
        }
        for office in world.offices() {
            let mut parents = role_uids(office_roles.get(&office.id));
            if let Some(p) = office.parent {
                parents.insert(names.uid(Ref::Tree(p)));
            }
            entities.push(CedarEntity::new_no_attrs(names.uid(Ref::Tree(office.id)), parents));
            entities.push(CedarEntity::new_no_attrs(
                names.uid(Ref::Exact(office.id)),
                HashSet::new(),
            ));
        }
        entities.push(CedarEntity::new_no_attrs(
            names.uid(Ref::Everyone),
            role_uids(Some(&everyone_roles)),
        ));
        stats.groups = entities.len();
        // Users, with their clearance computed from the roles they hold.
        let clearance_roles = world.settings().clearance_roles;
        for user in world.users() {
            let jobs = dir.valid_jobs(user.id);
            let offices = dir.offices_of(user.id);
            let mut granted: Vec<RoleId> = user_roles.get(&user.id).cloned().unwrap_or_default();
            for j in &jobs {
                granted.extend(job_roles.get(j).into_iter().flatten());
            }
            let mut seen: HashSet<OfficeId> = HashSet::new();
            for o in &offices {
                let mut cursor = Some(*o);
                while let Some(x) = cursor {
                    if !seen.insert(x) {
                        break;
                    }
                    granted.extend(office_roles.get(&x).into_iter().flatten());
                    cursor = world.office(x).ok().and_then(|r| r.parent);
                }
            }
            granted.extend(&everyone_roles);
            let holds = |r: RoleId| {
                granted
                    .iter()
                    .any(|g| dir.down.get(g.index()).is_some_and(|d| d.contains(&r)))
            };
            let mut clearance = 0i64;
            for (i, role) in clearance_roles.iter().enumerate() {
                if let Some(r) = role
                    && holds(*r)
                {
                    clearance = i as i64 + 1;
                }
            }
            let mut parents: HashSet<EntityUid> = HashSet::new();
            parents.extend(jobs.iter().map(|j| names.uid(Ref::Job(*j))));
            parents.extend(offices.iter().map(|o| names.uid(Ref::Exact(*o))));
            parents.extend(offices.iter().map(|o| names.uid(Ref::Tree(*o))));
            parents.extend(role_uids(user_roles.get(&user.id)));
            parents.insert(names.uid(Ref::Everyone));
            let attrs = HashMap::from([
                ("active".to_owned(), RestrictedExpression::new_bool(user.active)),
                (
                    "admin".to_owned(),
                    RestrictedExpression::new_bool(user.kind == AccountKind::Admin),
                ),
                ("clearance".to_owned(), RestrictedExpression::new_long(clearance)),
            ]);
            entities.push(CedarEntity::new(names.uid(Ref::User(user.id)), attrs, parents)?);
            stats.users += 1;
        }
        // Resources.
        for object in objects {
            let (attrs, refs, tiers) = compile(world, &mut dir, &names, *object, level, at)?;
            stats.attribute_refs += refs;
            stats.tiers = stats.tiers.max(tiers);
            entities.push(CedarEntity::new(names.object(*object), attrs, HashSet::new())?);
            stats.resources += 1;
        }
        stats.compile = started.elapsed();
        let started = Instant::now();
        let entities = Entities::from_entities(entities, None).context("Cedar entities")?;
        stats.closure = started.elapsed();
        let policies = policies(world, level, stats.tiers)?;
        stats.policies = policies.policies().count();
        let context = |mfa: bool| {
            Context::from_pairs([("mfa".to_owned(), RestrictedExpression::new_bool(mfa))])
                .map_err(|e| anyhow!("context: {e}"))
        };
        Ok(Model {
            policies,
            entities,
            stats,
            names,
            contexts: [context(false)?, context(true)?],
        })
    }

    /// The Cedar request for one of the stream's requests.
    pub fn request(&self, r: &Request) -> anyhow::Result<cedar_policy::Request> {
        let context = self.contexts[usize::from(r.session.mfa)].clone();
        cedar_policy::Request::new(
            self.names.uid(Ref::User(r.user)),
            self.names.read.clone(),
            self.names.object(r.object),
            context,
            None,
        )
        .map_err(|e| anyhow!("request: {e}"))
    }

    /// Cedar's decision, with the policies that decided it and any evaluation errors.
    pub fn decide(&self, authorizer: &Authorizer, request: &cedar_policy::Request) -> (bool, Vec<String>, Vec<String>) {
        let response = authorizer.is_authorized(request, &self.policies, &self.entities);
        let reasons = response.diagnostics().reason().map(|p| p.to_string()).collect();
        let errors = response.diagnostics().errors().map(|e| e.to_string()).collect();
        (response.decision() == Decision::Allow, reasons, errors)
    }
}

type Attrs = HashMap<String, RestrictedExpression>;

/// The attributes of one folder or document: (attributes, entity references, tiers).
fn compile(
    world: &World,
    dir: &mut Directory<'_>,
    names: &Names,
    object: ObjectRef,
    level: Level,
    at: Timestamp,
) -> anyhow::Result<(Attrs, usize, usize)> {
    // The tiers: the object, its folder (for a document), its class and the class's ancestors.
    let mut tiers: Vec<(Carrier, Option<Workflow>)> = Vec::new();
    let (app, classification, class) = match object {
        ObjectRef::Folder(f) => {
            let folder = world.folder(f)?;
            tiers.push((Carrier::Folder(f), Some(folder.workflow)));
            (folder.app, folder.classification, folder.class)
        }
        ObjectRef::Document(d) => {
            let doc = world.document(d)?;
            let folder = world.folder(doc.folder)?;
            tiers.push((Carrier::Document(d), Some(doc.workflow)));
            tiers.push((Carrier::Folder(doc.folder), Some(folder.workflow)));
            (folder.app, doc.classification.max(folder.classification), folder.class)
        }
    };
    let mut cursor = Some(class);
    while let Some(c) = cursor {
        tiers.push((Carrier::Class(c), None));
        cursor = world.class(c)?.parent;
    }
    let mut allow: BTreeSet<Ref> = BTreeSet::new();
    let mut caps: Vec<Cap> = Vec::new();
    for (carrier, workflow) in &tiers {
        let mut cap = Cap::default();
        let mut capped = false;
        for e in world.acl(*carrier)? {
            if !e.window.contains(at) {
                continue;
            }
            let (value, group) = dir.resolve(e.entity, workflow.as_ref())?;
            let want_group = e.group_value > Level::None && e.entity.has_group();
            match e.kind {
                AclKind::Allowed => {
                    if e.value >= level {
                        allow.extend(&value);
                    }
                    if want_group && e.group_value >= level {
                        allow.extend(&group);
                    }
                }
                AclKind::MaxAllowed => {
                    capped = true;
                    cap.any.extend(&value);
                    if want_group {
                        cap.any.extend(&group);
                    }
                    if e.value >= level {
                        cap.ok.extend(&value);
                    }
                    if want_group && e.group_value >= level {
                        cap.ok.extend(&group);
                    }
                }
            }
        }
        if capped {
            caps.push(cap);
        }
    }
    let set = |refs: &BTreeSet<Ref>| {
        RestrictedExpression::new_set(refs.iter().map(|r| RestrictedExpression::new_entity_uid(names.uid(*r))))
    };
    let mut refs = allow.len();
    let mut attrs: Attrs = HashMap::from([
        ("allow".to_owned(), set(&allow)),
        (
            "secrecy".to_owned(),
            RestrictedExpression::new_long(i64::from(classification.z.value())),
        ),
        (
            "mfa".to_owned(),
            RestrictedExpression::new_bool(classification.requires_mfa()),
        ),
        ("app".to_owned(), RestrictedExpression::new_long(i64::from(app.0))),
    ]);
    for (k, cap) in caps.iter().enumerate() {
        refs += cap.any.len() + cap.ok.len();
        attrs.insert(format!("cap{k}_any"), set(&cap.any));
        attrs.insert(format!("cap{k}_ok"), set(&cap.ok));
    }
    Ok((attrs, refs, caps.len()))
}

/// The policies for threshold `level`, with one ceiling policy per tier.
fn policies(world: &World, level: Level, tiers: usize) -> anyhow::Result<PolicySet> {
    let mut texts: Vec<(String, String)> = vec![
        (
            "acl".into(),
            "permit(principal, action, resource) when { principal in resource.allow };".into(),
        ),
        (
            "clearance".into(),
            "forbid(principal, action, resource) when { principal.clearance < resource.secrecy };".into(),
        ),
        (
            "mfa".into(),
            "forbid(principal, action, resource) when { resource.mfa && !context.mfa };".into(),
        ),
        (
            "inactive".into(),
            "forbid(principal, action, resource) unless { principal.active };".into(),
        ),
        (
            "admin".into(),
            "forbid(principal, action, resource) when { principal.admin };".into(),
        ),
    ];
    for role in world.roles() {
        if let (RoleKind::Application, Some(app), Some(l)) = (role.kind, role.app, role.object_level)
            && l >= level
        {
            texts.push((
                format!("app-wide {}", role.code),
                format!(
                    "permit(principal, action, resource) when {{ resource.app == {} && principal in Role::\"{}\" }};",
                    app.0, role.id.0
                ),
            ));
        }
    }
    for k in 0..tiers {
        texts.push((
            format!("ceiling tier {k}"),
            format!(
                "forbid(principal, action, resource) when {{ resource has cap{k}_any && principal in resource.cap{k}_any && !(principal in resource.cap{k}_ok) }};"
            ),
        ));
    }
    let mut set = PolicySet::new();
    for (id, text) in texts {
        let policy = Policy::parse(Some(PolicyId::new(&id)), &text).map_err(|e| anyhow!("policy {id}: {e}"))?;
        set.add(policy).map_err(|e| anyhow!("policy {id}: {e}"))?;
    }
    Ok(set)
}
