//! Nobody can lock the organisation out (SPEC §3, issue 14 item 2): no change leaves the
//! organisation without an active account able to administer users where there was one,
//! whichever way it would remove the last one.
//!
//! The scenarios walk each path; the property test runs random sequences of directory and
//! grant commands over small random worlds and checks every outcome against a brute-force
//! model written from the rule alone: who is an administrator is counted from the raw
//! records, and what a command does is applied to that model by hand.

use crate::common::*;
use adam_core::*;
use proptest::prelude::*;

const DAY: i64 = 86_400;

fn now() -> Timestamp {
    t(NOW)
}

fn lockout(err: &Error) -> bool {
    err.code() == "last-user-administrator"
}

/// The town with its `admin` account deactivated and Helena user administrator through the
/// job she holds (TAJNISTVO.GLPI): she is the organisation's only user administrator.
fn helena_alone() -> (Town, GrantId, JobId) {
    let mut town = town();
    let user_admin = town.w.role_by_code("adam.user_admin").unwrap();
    let job = town.w.job_by_code("TAJNISTVO.GLPI").unwrap();
    let g = grant(&mut town.w, user_admin, Grantee::Job(job));
    // While Helena is a user administrator, the `admin` account may go.
    sys(
        &mut town.w,
        Command::SetUserActive {
            user: town.admin,
            active: false,
        },
    );
    (town, g, job)
}

#[test]
fn the_last_user_administrator_cannot_be_removed_by_any_path() {
    let (town, g, job) = helena_alone();
    let w = &town.w;
    assert_eq!(w.user_administrators(now()), vec![town.helena]);
    let paths = [
        Command::UnassignJob { user: town.helena, job },
        Command::SetUserActive {
            user: town.helena,
            active: false,
        },
        Command::Revoke { grant: g },
        Command::UpdateGrant {
            grant: g,
            window: Window {
                from: None,
                to: Some(now()),
            },
            reference: None,
        },
        Command::Batch {
            commands: vec![Command::SetUserActive {
                user: town.helena,
                active: false,
            }],
        },
    ];
    for command in paths {
        for actor in [Actor::System, Actor::user(town.helena)] {
            let err = w.plan(&actor, command.clone(), now()).unwrap_err();
            if actor == Actor::System {
                assert!(lockout(&err), "{command:?}: {err}");
                assert!(err.to_string().contains("helena"), "{err}");
                refused(w, actor, command.clone());
            } else {
                // She may not act on her own rights anyway.
                assert_eq!(err.category(), Category::Forbidden, "{command:?}: {err}");
            }
        }
    }
    // Shortening the grant to a later end is no lock-out (now).
    let mut later = w.clone();
    later
        .execute(
            &Actor::System,
            Command::UpdateGrant {
                grant: g,
                window: Window {
                    from: None,
                    to: Some(now().plus_days(30)),
                },
                reference: None,
            },
            now(),
        )
        .unwrap();
}

#[test]
fn with_another_administrator_the_same_changes_are_allowed() {
    let (mut town, g, job) = helena_alone();
    let user_admin = town.w.role_by_code("adam.user_admin").unwrap();
    grant(&mut town.w, user_admin, Grantee::User(town.ana));
    let mut w = town.w.clone();
    w.execute(&Actor::System, Command::UnassignJob { user: town.helena, job }, now())
        .unwrap();
    w.execute(&Actor::System, Command::Revoke { grant: g }, now()).unwrap();
    assert_eq!(w.user_administrators(now()), vec![town.ana]);
    // An `admin` account counts too: back with it, Ana's grant may go.
    let mut w = town.w.clone();
    w.execute(
        &Actor::System,
        Command::SetUserActive {
            user: town.admin,
            active: true,
        },
        now(),
    )
    .unwrap();
    w.execute(
        &Actor::System,
        Command::SetUserActive {
            user: town.helena,
            active: false,
        },
        now(),
    )
    .unwrap();
}

#[test]
fn a_world_without_administrators_is_not_held_back() {
    // Before anyone administers users (a fresh installation), nothing is refused for it.
    let mut w = World::new(text("Občina"));
    sys(&mut w, Command::Initialise);
    let o = office(&mut w, "O", "Urad", None);
    let j = job(&mut w, "J.1", o);
    let u = user(&mut w, "uu", AccountKind::User, vec![j]);
    assert!(w.user_administrators(now()).is_empty());
    sys(&mut w, Command::UnassignJob { user: u, job: j });
}

#[test]
fn the_ui_learns_when_an_administrator_would_disempower_herself() {
    let mut town = town();
    let second = user(&mut town.w, "admin2", AccountKind::Admin, vec![]);
    let w = &town.w;
    let deactivate_self = Command::SetUserActive {
        user: town.admin,
        active: false,
    };
    assert!(
        w.would_disempower_actor(&Actor::user(town.admin), &deactivate_self, now())
            .unwrap()
    );
    let deactivate_other = Command::SetUserActive {
        user: second,
        active: false,
    };
    assert!(
        !w.would_disempower_actor(&Actor::user(town.admin), &deactivate_other, now())
            .unwrap()
    );
}

// ---- the property test against a brute-force model -------------------------------------

/// A raw window: always; over (ended yesterday); waiting (from tomorrow); current.
fn window(raw: u8) -> Window {
    let n = now().0;
    match raw % 4 {
        0 => Window::ALWAYS,
        1 => Window {
            from: None,
            to: Some(Timestamp(n - DAY)),
        },
        2 => Window {
            from: Some(Timestamp(n + DAY)),
            to: None,
        },
        _ => Window {
            from: Some(Timestamp(n - DAY)),
            to: Some(Timestamp(n + DAY)),
        },
    }
}

/// The records the rule speaks of, read straight from the world.
#[derive(Clone, Debug)]
struct Model {
    /// Per user: active, an `admin` account, the jobs held.
    users: Vec<(UserId, bool, bool, Vec<JobId>)>,
    /// Per job: valid.
    jobs: Vec<(JobId, bool)>,
    /// The user-administrator grants: id, grantee, window.
    grants: Vec<(GrantId, Grantee, Window)>,
}

impl Model {
    fn of(w: &World, jobs: &[JobId]) -> Model {
        let role = w.role_by_code("adam.user_admin").unwrap();
        Model {
            users: w
                .users()
                .iter()
                .map(|u| (u.id, u.active, u.kind == AccountKind::Admin, u.jobs.clone()))
                .collect(),
            jobs: jobs.iter().map(|j| (*j, w.job(*j).unwrap().valid)).collect(),
            grants: w
                .grants()
                .filter(|g| g.role == role)
                .map(|g| (g.id, g.grantee, g.window))
                .collect(),
        }
    }

    /// Who may administer users at `now`, by the rule's words.
    fn administrators(&self) -> Vec<UserId> {
        let valid = |j: JobId| self.jobs.iter().any(|(id, v)| *id == j && *v);
        self.users
            .iter()
            .filter(|(id, active, admin, jobs)| {
                *active
                    && (*admin
                        || self.grants.iter().any(|(_, grantee, window)| {
                            window.contains(now())
                                && match grantee {
                                    Grantee::User(u) => u == id,
                                    Grantee::Job(j) => jobs.contains(j) && valid(*j),
                                    _ => false,
                                }
                        }))
            })
            .map(|(id, ..)| *id)
            .collect()
    }

    /// The command, applied by hand.
    fn apply(&mut self, command: &Command) {
        match command {
            Command::SetUserActive { user, active } => self
                .users
                .iter_mut()
                .filter(|u| u.0 == *user)
                .for_each(|u| u.1 = *active),
            Command::AssignJob { user, job } => self
                .users
                .iter_mut()
                .filter(|u| u.0 == *user)
                .for_each(|u| u.3.push(*job)),
            Command::UnassignJob { user, job } => self
                .users
                .iter_mut()
                .filter(|u| u.0 == *user)
                .for_each(|u| u.3.retain(|j| j != job)),
            Command::SetJobValid { job, valid } => {
                self.jobs.iter_mut().filter(|j| j.0 == *job).for_each(|j| j.1 = *valid)
            }
            Command::Revoke { grant } => self.grants.retain(|g| g.0 != *grant),
            Command::UpdateGrant { grant, window, .. } => self
                .grants
                .iter_mut()
                .filter(|g| g.0 == *grant)
                .for_each(|g| g.2 = *window),
            _ => unreachable!(),
        }
    }
}

#[derive(Clone, Debug)]
struct Spec {
    /// Per person (3 of them): an `admin` account, the jobs (bits over 2 jobs).
    people: Vec<(bool, u8)>,
    /// User-administrator grants: to a user (index < 3) or a job (3, 4), with a raw window.
    grants: Vec<(u8, u8)>,
    /// Commands: kind, two operands.
    steps: Vec<(u8, u8, u8)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::collection::vec((proptest::bool::weighted(0.2), 0u8..4), 3),
        proptest::collection::vec((0u8..5, 0u8..4), 0..4),
        proptest::collection::vec((0u8..6, 0u8..8, 0u8..8), 1..12),
    )
        .prop_map(|(people, grants, steps)| Spec { people, grants, steps })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every command the engine accepts keeps an administrator where there was one (and does
    /// to the administrators what the model says), and every lock-out refusal is one the
    /// model predicts: the command, applied by hand, would leave nobody.
    #[test]
    fn no_change_leaves_the_organisation_without_a_user_administrator(s in spec()) {
        let mut w = World::new(text("Občina"));
        sys(&mut w, Command::Initialise);
        let role = w.role_by_code("adam.user_admin").unwrap();
        let o = office(&mut w, "O", "Urad", None);
        let jobs = [job(&mut w, "J.1", o), job(&mut w, "J.2", o)];
        let mut users = Vec::new();
        for (i, (admin, bits)) in s.people.iter().enumerate() {
            let kind = if *admin { AccountKind::Admin } else { AccountKind::User };
            let held = if *admin { vec![] } else { jobs.iter().enumerate().filter(|(b, _)| bits & (1 << b) != 0).map(|(_, j)| *j).collect() };
            users.push(user(&mut w, &format!("u{i}"), kind, held));
        }
        for (to, raw) in &s.grants {
            let grantee = match *to {
                i @ 0..=2 => Grantee::User(users[usize::from(i)]),
                j => Grantee::Job(jobs[usize::from(j - 3)]),
            };
            let _ = w.execute(&Actor::System, Command::Grant { role, grantee, window: window(*raw), scope: None, reference: None }, now());
        }
        for (kind, a, b) in &s.steps {
            let u = users[usize::from(*a % 3)];
            let j = jobs[usize::from(*b % 2)];
            let g = GrantId(u32::from(*b));
            let command = match kind {
                0 => Command::SetUserActive { user: u, active: b % 2 == 1 },
                1 => Command::AssignJob { user: u, job: j },
                2 => Command::UnassignJob { user: u, job: j },
                3 => Command::SetJobValid { job: j, valid: a % 2 == 1 },
                4 => Command::Revoke { grant: g },
                _ => Command::UpdateGrant { grant: g, window: window(*a), reference: None },
            };
            let mut model = Model::of(&w, &jobs);
            let before = model.administrators();
            prop_assert_eq!(&w.user_administrators(now()), &before);
            let is_ua_grant = |g: GrantId| w.grant(g).is_ok_and(|g| g.role == role);
            if matches!(command, Command::Revoke { .. } | Command::UpdateGrant { .. }) && !is_ua_grant(g) {
                continue;
            }
            match w.execute(&Actor::System, command.clone(), now()) {
                Ok(_) => {
                    model.apply(&command);
                    let after = model.administrators();
                    prop_assert_eq!(&w.user_administrators(now()), &after, "{:?}", command);
                    prop_assert!(before.is_empty() || !after.is_empty(), "{:?} left nobody", command);
                }
                Err(e) if lockout(&e) => {
                    model.apply(&command);
                    prop_assert!(!before.is_empty() && model.administrators().is_empty(),
                        "{:?} refused though {:?} would remain", command, model.administrators());
                }
                Err(_) => {}
            }
        }
    }
}
