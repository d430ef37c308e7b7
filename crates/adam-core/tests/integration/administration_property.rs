//! Who may administer whom (issue 12, `docs/SECURITY.md`), its property: random sequences of
//! administrative commands by a scoped administrator over random worlds, checked against a
//! brute-force oracle of "who may manage whom" written from the rules alone. The scenario
//! tests, one hole each, are in `administration.rs`.

use crate::administration::grant_to;
use crate::common::*;
use adam_core::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The property: random worlds, random administrative commands by a scoped administrator.

/// A random organisation: offices (a forest), jobs, users (the first is the administrator A),
/// application and user roles, grants of every kind including system roles with scopes.
#[derive(Clone, Debug)]
struct Org {
    offices: Vec<u8>,
    jobs: Vec<u8>,
    users: Vec<(u8, Vec<u8>)>,
    roles: Vec<(bool, Vec<u8>)>,
    grants: Vec<(u8, u8, u8, u8, u8)>,
    /// A's scope (an office index) and A's jobs.
    a_scope: u8,
    a_jobs: Vec<u8>,
}

fn org() -> impl Strategy<Value = Org> {
    let n = || 0u8..=255;
    (
        prop::collection::vec(n(), 1..6),
        prop::collection::vec(n(), 1..9),
        prop::collection::vec((n(), prop::collection::vec(n(), 0..3)), 1..7),
        prop::collection::vec((any::<bool>(), prop::collection::vec(n(), 0..3)), 1..5),
        prop::collection::vec((n(), n(), n(), n(), n()), 0..14),
        n(),
        prop::collection::vec(n(), 0..3),
    )
        .prop_map(|(offices, jobs, users, roles, grants, a_scope, a_jobs)| Org {
            offices,
            jobs,
            users,
            roles,
            grants,
            a_scope,
            a_jobs,
        })
}

struct Built {
    w: World,
    a: UserId,
    offices: Vec<OfficeId>,
    jobs: Vec<JobId>,
    users: Vec<UserId>,
    roles: Vec<RoleId>,
}

fn later_window(raw: u8) -> Window {
    match raw % 4 {
        0 | 1 => Window::ALWAYS,
        2 => Window::new(Some(t("2026-06-01")), None).unwrap(),
        _ => Window::new(None, Some(t("2026-01-01"))).unwrap(),
    }
}

impl Org {
    fn build(&self) -> Built {
        let mut w = World::new(text("Občina"));
        sys(&mut w, Command::Initialise);
        let mut offices: Vec<OfficeId> = Vec::new();
        for (i, raw) in self.offices.iter().enumerate() {
            let parent = (i > 0 && raw % 3 != 0).then(|| offices[usize::from(*raw) % i]);
            offices.push(office(&mut w, &format!("O{i}"), "Urad", parent));
        }
        let mut jobs: Vec<JobId> = Vec::new();
        for (i, raw) in self.jobs.iter().enumerate() {
            jobs.push(job(
                &mut w,
                &format!("J.{i}"),
                offices[usize::from(*raw) % offices.len()],
            ));
        }
        let pick_jobs = |raw: &[u8]| {
            let mut js: Vec<JobId> = raw.iter().map(|j| jobs[usize::from(*j) % jobs.len()]).collect();
            js.sort_unstable();
            js.dedup();
            js
        };
        let a = user(&mut w, "aa", AccountKind::User, pick_jobs(&self.a_jobs));
        let mut users = vec![a];
        for (i, (kind, js)) in self.users.iter().enumerate() {
            let kind = if kind % 9 == 8 {
                AccountKind::Admin
            } else {
                AccountKind::User
            };
            let js = if kind == AccountKind::User {
                pick_jobs(js)
            } else {
                vec![]
            };
            users.push(user(&mut w, &format!("u{i}"), kind, js));
        }
        let vpp = app(&mut w, "VPP");
        let mut roles = vec![
            w.role_by_code("adam.user_admin").unwrap(),
            w.role_by_code("adam.security_lead").unwrap(),
        ];
        let mut app_roles = Vec::new();
        for (i, (is_app, members)) in self.roles.iter().enumerate() {
            let r = if *is_app || app_roles.is_empty() {
                let r = role(
                    &mut w,
                    &format!("APP{i}"),
                    RoleKind::Application,
                    Some(vpp),
                    None,
                    vec![],
                );
                app_roles.push(r);
                r
            } else {
                let mut ms: Vec<RoleId> = members
                    .iter()
                    .map(|m| app_roles[usize::from(*m) % app_roles.len()])
                    .collect();
                ms.sort_unstable();
                ms.dedup();
                role(&mut w, &format!("USR{i}"), RoleKind::User, None, None, ms)
            };
            roles.push(r);
        }
        let scope = offices[usize::from(self.a_scope) % offices.len()];
        sys(&mut w, grant_to(roles[0], Grantee::User(a), Some(scope)));
        for (role_raw, kind, idx, scope_raw, win) in &self.grants {
            let role = roles[usize::from(*role_raw) % roles.len()];
            let is_system = w.role(role).unwrap().kind == RoleKind::System;
            let grantee = match kind % 5 {
                0 | 1 => Grantee::User(users[usize::from(*idx) % users.len()]),
                2 => Grantee::Job(jobs[usize::from(*idx) % jobs.len()]),
                3 => Grantee::Office(offices[usize::from(*idx) % offices.len()]),
                _ => Grantee::Everyone,
            };
            let scope =
                (is_system && w.role(role).unwrap().power == Some(SystemPower::UserAdmin) && scope_raw % 3 != 0)
                    .then(|| offices[usize::from(*scope_raw) % offices.len()]);
            let _ = w.execute(
                &Actor::System,
                Command::Grant {
                    role,
                    grantee,
                    window: later_window(*win),
                    scope,
                    reference: None,
                },
                t(NOW),
            );
        }
        Built {
            w,
            a,
            offices,
            jobs,
            users,
            roles,
        }
    }
}

/// An administrative command by A, as indices into the built organisation.
#[derive(Clone, Debug)]
enum Step {
    Grant(u8, u8, u8),
    Revoke(u8),
    Assign(u8, u8),
    Unassign(u8, u8),
    Deactivate(u8),
    Email(u8),
    MoveJob(u8, u8),
    MoveOffice(u8, u8),
    Create(u8),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let n = || 0u8..=255;
    prop::collection::vec(
        prop_oneof![
            (n(), n(), n()).prop_map(|(a, b, c)| Step::Grant(a, b, c)),
            n().prop_map(Step::Revoke),
            (n(), n()).prop_map(|(a, b)| Step::Assign(a, b)),
            (n(), n()).prop_map(|(a, b)| Step::Unassign(a, b)),
            n().prop_map(Step::Deactivate),
            n().prop_map(Step::Email),
            (n(), n()).prop_map(|(a, b)| Step::MoveJob(a, b)),
            (n(), n()).prop_map(|(a, b)| Step::MoveOffice(a, b)),
            n().prop_map(Step::Create),
        ],
        1..12,
    )
}

fn command(b: &Built, w: &World, step: &Step, serial: usize) -> Command {
    let user = |raw: u8| b.users[usize::from(raw) % b.users.len()];
    let job = |raw: u8| b.jobs[usize::from(raw) % b.jobs.len()];
    let office = |raw: u8| b.offices[usize::from(raw) % b.offices.len()];
    match step {
        Step::Grant(role, kind, idx) => {
            let role = b.roles[usize::from(*role) % b.roles.len()];
            let grantee = match kind % 3 {
                0 => Grantee::User(user(*idx)),
                1 => Grantee::Job(job(*idx)),
                _ => Grantee::Office(office(*idx)),
            };
            grant_to(role, grantee, None)
        }
        Step::Revoke(raw) => {
            let grants: Vec<GrantId> = w.grants().map(|g| g.id).collect();
            Command::Revoke {
                grant: grants
                    .get(usize::from(*raw) % grants.len().max(1))
                    .copied()
                    .unwrap_or(GrantId(0)),
            }
        }
        Step::Assign(u, j) => Command::AssignJob {
            user: user(*u),
            job: job(*j),
        },
        Step::Unassign(u, j) => Command::UnassignJob {
            user: user(*u),
            job: job(*j),
        },
        Step::Deactivate(u) => Command::SetUserActive {
            user: user(*u),
            active: false,
        },
        Step::Email(u) => {
            let old = w.user(user(*u)).unwrap();
            Command::UpdateUser {
                user: old.id,
                title: old.title.clone(),
                first_name: old.first_name.clone(),
                last_name: old.last_name.clone(),
                gender: old.gender,
                email: Email::parse("e", &format!("a{serial}@evil.example")).unwrap(),
                phone: old.phone.clone(),
            }
        }
        Step::MoveJob(j, o) => {
            let old = w.job(job(*j)).unwrap();
            Command::UpdateJob {
                job: old.id,
                signing_code: old.signing_code.clone(),
                name: old.name.clone(),
                office: office(*o),
            }
        }
        Step::MoveOffice(o, p) => {
            let old = w.office(office(*o)).unwrap();
            Command::UpdateOffice {
                office: old.id,
                name: old.name.clone(),
                parent: (p % 4 != 0).then(|| office(*p)),
                signing_code: old.signing_code.clone(),
            }
        }
        Step::Create(j) => Command::CreateUser {
            username: Username::parse("u", &format!("new{serial}")).unwrap(),
            kind: AccountKind::User,
            title: None,
            first_name: text("N"),
            last_name: text("Ew"),
            gender: Gender::Unspecified,
            email: Email::parse("e", &format!("new{serial}@koper.si")).unwrap(),
            phone: None,
            jobs: if j % 3 == 0 { vec![] } else { vec![job(*j)] },
        },
    }
}

/// The oracle: the rules of `docs/SECURITY.md` written out over the raw records, with no index
/// and none of the engine's helpers.
mod oracle {
    use super::*;

    pub fn within(w: &World, office: OfficeId, ancestor: OfficeId) -> bool {
        let mut cursor = Some(office);
        let mut steps = 0;
        while let Some(o) = cursor {
            if o == ancestor {
                return true;
            }
            steps += 1;
            if steps > w.offices().len() {
                return false;
            }
            cursor = w.offices()[o.index()].parent;
        }
        false
    }

    fn contains_power(w: &World, role: RoleId, power: SystemPower) -> bool {
        let mut stack = vec![role];
        let mut seen = Vec::new();
        while let Some(r) = stack.pop() {
            if seen.contains(&r) {
                continue;
            }
            seen.push(r);
            let record = w.role(r).unwrap();
            if record.power == Some(power) {
                return true;
            }
            stack.extend(record.members.iter().copied());
        }
        false
    }

    /// (user-administrator scopes, security lead) of an account: every grant not yet expired
    /// that reaches it (user-administrator grants to the user or a job it holds; security-lead
    /// grants also to an office above a job, or to everyone).
    pub fn power(w: &World, user: UserId, at: Timestamp) -> (Vec<Option<OfficeId>>, bool, bool) {
        let u = w.user(user).unwrap();
        let mut scopes = Vec::new();
        let mut lead = false;
        for g in w.grants() {
            if g.window.status(at) == WindowStatus::Expired {
                continue;
            }
            let direct = match g.grantee {
                Grantee::User(x) => x == user,
                Grantee::Job(j) => u.jobs.contains(&j),
                _ => false,
            };
            let reaches = direct
                || match g.grantee {
                    Grantee::Office(o) => u.jobs.iter().any(|j| within(w, w.job(*j).unwrap().office, o)),
                    Grantee::Everyone => true,
                    _ => false,
                };
            if direct && contains_power(w, g.role, SystemPower::UserAdmin) {
                scopes.push(g.scope);
            }
            if reaches && contains_power(w, g.role, SystemPower::SecurityLead) {
                lead = true;
            }
        }
        (scopes, lead, u.kind == AccountKind::Admin)
    }

    fn covers(w: &World, mine: &[Option<OfficeId>], office: Option<OfficeId>) -> bool {
        mine.iter().any(|m| match (m, office) {
            (None, _) => true,
            (Some(m), Some(o)) => within(w, o, *m),
            (Some(_), None) => false,
        })
    }

    /// Whether the scoped administrator `a` (not a system administrator) may manage `target`.
    pub fn may_manage(w: &World, a: UserId, target: UserId, at: Timestamp) -> bool {
        let active = active_scopes(w, a, at);
        let me = w.user(a).unwrap();
        if !me.active || active.is_empty() {
            return false;
        }
        let t = w.user(target).unwrap();
        if t.kind != AccountKind::User || target == a {
            return false;
        }
        let own_grants = w
            .grants()
            .any(|g| g.grantee == Grantee::User(target) && g.window.status(at) != WindowStatus::Expired);
        let inside = if t.jobs.is_empty() {
            active.contains(&None) || !own_grants
        } else {
            t.jobs
                .iter()
                .all(|j| covers(w, &active, Some(w.job(*j).unwrap().office)))
        };
        let my_lead_now = w
            .role_by_code("adam.security_lead")
            .is_ok_and(|r| w.check_role(a, r, at).unwrap().is_some());
        let (theirs, their_lead, their_full) = power(w, target, at);
        inside && !their_full && (!their_lead || my_lead_now) && theirs.iter().all(|s| covers(w, &active, *s))
    }

    /// The scopes of the user-administrator grants an account holds now (the actor's power:
    /// only active grants count, on valid jobs).
    pub fn active_scopes(w: &World, a: UserId, at: Timestamp) -> Vec<Option<OfficeId>> {
        w.grants()
            .filter(|g| g.window.contains(at))
            .filter(|g| match g.grantee {
                Grantee::User(x) => x == a,
                Grantee::Job(j) => w.user(a).unwrap().jobs.contains(&j) && w.job(j).unwrap().valid,
                _ => false,
            })
            .filter(|g| w.role(g.role).unwrap().power == Some(SystemPower::UserAdmin))
            .map(|g| g.scope)
            .collect()
    }

    /// Every role an account holds at one of the instants.
    pub fn roles(w: &World, user: UserId) -> Vec<(RoleId, i64)> {
        let mut out = Vec::new();
        for at in [t("2026-01-01T00:00:00Z"), t(NOW), t("2026-07-01T00:00:00Z")] {
            for r in 0..w.roles().len() {
                let role = RoleId(r as u32);
                if w.check_role(user, role, at).unwrap().is_some() {
                    out.push((role, at.0));
                }
            }
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// For random organisations and random sequences of administrative commands by a user
    /// administrator scoped to one office: they never gain a role; every account they may
    /// manage (and so take over) is exactly what the oracle says, lies inside their scope, and
    /// holds no administrative power beyond theirs — whatever they did before.
    #[test]
    fn a_scoped_administrator_never_grows_beyond_their_scope_and_power(o in org(), steps in steps()) {
        let b = o.build();
        let at = t(NOW);
        let a = Actor::user(b.a);
        let mut w = b.w.clone();
        let before = oracle::roles(&w, b.a);
        let initial_scopes = oracle::active_scopes(&w, b.a, at);
        let inside_initial = |w: &World, office: Option<OfficeId>| {
            initial_scopes.iter().any(|s| match (s, office) {
                (None, _) => true,
                (Some(s), Some(o)) => oracle::within(w, o, *s),
                (Some(_), None) => false,
            })
        };
        for (i, step) in steps.iter().enumerate() {
            let command = command(&b, &w, step, i);
            if let Ok(plan) = w.plan(&a, command, at) {
                w.commit(plan).unwrap();
            }
            // A gains no role, ever.
            let now = oracle::roles(&w, b.a);
            for r in &now {
                prop_assert!(before.contains(r), "A gained {r:?} after {step:?}");
            }
            for u in 0..w.users().len() {
                let target = UserId(u as u32);
                let engine = w.require_user(&a, target, at).is_ok();
                let oracle = oracle::may_manage(&w, b.a, target, at);
                prop_assert_eq!(engine, oracle, "require_user({:?}) after {:?}", target, step);
                prop_assert_eq!(w.require_credentials(&a, target, at).is_ok(), engine);
                if engine {
                    // Whatever A controls lies inside A's original scope and power.
                    let t = w.user(target).unwrap();
                    for j in &t.jobs {
                        prop_assert!(inside_initial(&w, Some(w.job(*j).unwrap().office)));
                    }
                    let (scopes, lead, full) = oracle::power(&w, target, at);
                    let a_leads = w.check_role(b.a, b.roles[1], at).unwrap().is_some();
                    prop_assert!(!full && (!lead || a_leads));
                    for s in scopes {
                        prop_assert!(inside_initial(&w, s), "A controls {:?} with scope {:?}, beyond {:?}", target, s, initial_scopes);
                    }
                }
            }
        }
    }
}
