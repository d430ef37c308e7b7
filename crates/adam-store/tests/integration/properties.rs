//! The trail and the change log under arbitrary sequences of writes (issue #4): directory
//! changes, grants and revocations, access records of any age, checkpoints, retention purges
//! and holds, in any order and at any pace. Whatever the sequence,
//! - the trail `verify`s;
//! - the change log replays (`world_at`) to the world the writes built, at the end and at the
//!   instant of every write in between; the cold load gives the same world;
//! - searches by object and by actor (tail and lookup tables, batches of 5 here) give exactly
//!   the records a scan of the whole trail gives.
//!
//! Proptest drives SQLite (a fresh file per case); one fixed sequence runs on PostgreSQL.

use crate::backends::{Backend, Postgres, Sqlite};
use crate::town::*;
use adam_core::*;
use adam_store::audit::Retention;
use adam_store::{AuditContext, AuditQuery, Hold, NewAudit};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const DAY: i64 = 86_400;

#[derive(Clone, Debug)]
enum Op {
    /// A new office under the n-th office (or at the top).
    Office(Option<u8>),
    /// A new job in the n-th office.
    Job(u8),
    /// A new user, holding the n-th job or none.
    User(Option<u8>),
    /// (De)activates the n-th user.
    SetActive(u8, bool),
    /// Invalidates the n-th job (refused while it is occupied).
    InvalidateJob(u8),
    /// Grants the n-th role to a user, a job, an office or everyone.
    Grant(u8, u8, u8),
    /// Revokes the n-th grant in force.
    Revoke(u8),
    /// Access records of the n-th user, `age` days old.
    Access(u8, u8, u8),
    Checkpoint,
    /// A retention purge keeping `30 + n` days.
    Purge(u8),
    /// A hold of days `age` to `age - len` ago.
    Hold(u8, u8),
    /// Releases the n-th hold.
    Release(u8),
    /// Time passes: n hours.
    Wait(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => proptest::option::of(any::<u8>()).prop_map(Op::Office),
        3 => any::<u8>().prop_map(Op::Job),
        3 => proptest::option::of(any::<u8>()).prop_map(Op::User),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(u, a)| Op::SetActive(u, a)),
        1 => any::<u8>().prop_map(Op::InvalidateJob),
        3 => (any::<u8>(), 0..4u8, any::<u8>()).prop_map(|(r, k, g)| Op::Grant(r, k, g)),
        1 => any::<u8>().prop_map(Op::Revoke),
        3 => (any::<u8>(), 1..12u8, 0..200u8).prop_map(|(u, n, age)| Op::Access(u, n, age)),
        1 => Just(Op::Checkpoint),
        1 => (0..90u8).prop_map(Op::Purge),
        1 => (0..150u8, 0..4u8).prop_map(|(age, len)| Op::Hold(age, len)),
        1 => any::<u8>().prop_map(Op::Release),
        2 => any::<u8>().prop_map(Op::Wait),
    ]
}

fn pick<T: Copy>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(n) % items.len()])
}

/// What the sequence built so far, to name records by position.
struct Model<'s> {
    d: Driver<'s>,
    offices: Vec<OfficeId>,
    jobs: Vec<JobId>,
    users: Vec<UserId>,
    roles: Vec<RoleId>,
    holds: Vec<i64>,
    counter: u32,
    /// The world's fingerprint after the last write at each instant.
    history: Vec<(Timestamp, String)>,
}

impl Model<'_> {
    fn ctx(&self) -> AuditContext {
        context(Actor::System, self.d.at)
    }

    /// Plans and commits a command; a refused command changes nothing anywhere.
    fn run(&mut self, command: Command) -> Option<Created> {
        let plan = match self.d.world.plan(&Actor::System, command, self.d.at) {
            Ok(plan) => plan,
            Err(_) => return None,
        };
        self.d.store.commit(&plan, &self.ctx()).unwrap();
        let created = plan.created;
        self.d.world.commit(plan).unwrap();
        created
    }

    fn apply(&mut self, op: &Op) {
        self.counter += 1;
        let n = self.counter;
        match *op {
            Op::Office(parent) => {
                let parent = parent.and_then(|p| pick(&self.offices, p));
                if let Some(Created::Office(o)) = self.run(office_cmd(&format!("OF{n}"), parent)) {
                    self.offices.push(o);
                }
            }
            Op::Job(office) => {
                if let Some(office) = pick(&self.offices, office)
                    && let Some(Created::Job(j)) = self.run(job_cmd(&format!("JOB.{n}"), office))
                {
                    self.jobs.push(j);
                }
            }
            Op::User(job) => {
                let jobs = job.and_then(|j| pick(&self.jobs, j)).into_iter().collect();
                if let Some(Created::User(u)) = self.run(user_cmd(&format!("user{n}"), jobs)) {
                    self.users.push(u);
                }
            }
            Op::SetActive(user, active) => {
                if let Some(user) = pick(&self.users, user) {
                    self.run(Command::SetUserActive { user, active });
                }
            }
            Op::InvalidateJob(job) => {
                if let Some(job) = pick(&self.jobs, job) {
                    self.run(Command::SetJobValid { job, valid: false });
                }
            }
            Op::Grant(role, kind, who) => {
                let grantee = match kind {
                    0 => pick(&self.users, who).map(Grantee::User),
                    1 => pick(&self.jobs, who).map(Grantee::Job),
                    2 => pick(&self.offices, who).map(Grantee::Office),
                    _ => Some(Grantee::Everyone),
                };
                if let (Some(role), Some(grantee)) = (pick(&self.roles, role), grantee) {
                    let from = Timestamp(self.d.at.0 - DAY * i64::from(who % 3));
                    let window = Window::new(Some(from), Some(Timestamp(from.0 + 30 * DAY))).unwrap();
                    self.run(grant_cmd(role, grantee, window));
                }
            }
            Op::Revoke(g) => {
                let grants: Vec<GrantId> = self.d.world.grants().map(|g| g.id).collect();
                if let Some(grant) = pick(&grants, g) {
                    self.run(Command::Revoke { grant });
                }
            }
            Op::Access(user, count, age) => {
                let user = pick(&self.users, user).unwrap_or(UserId(0));
                let at = Timestamp(self.d.at.0 - i64::from(age) * DAY);
                let notes: Vec<NewAudit> = (0..u32::from(count))
                    .map(|i| NewAudit {
                        retention: Retention::Access,
                        context: context(Actor::user(user), at),
                        action: "document.open".to_owned(),
                        object: AuditObject {
                            kind: adam_core::EntityKind::Document,
                            id: (i + u32::from(age)) % 5,
                            label: format!("document {n}-{i}"),
                        },
                        before: None,
                        after: None,
                        outcome: "ok".to_owned(),
                    })
                    .collect();
                let before = self.d.store.audit_since(0, usize::MAX).unwrap().len();
                // A record of a purged day is refused, and then nothing was written.
                if self.d.store.append_audit(&notes).is_err() {
                    assert_eq!(self.d.store.audit_since(0, usize::MAX).unwrap().len(), before);
                }
            }
            Op::Checkpoint => {
                self.d.store.audit_checkpoint(self.d.at).unwrap();
            }
            Op::Purge(keep) => {
                self.d.store.audit_purge(&self.ctx(), 30 + u32::from(keep)).unwrap();
            }
            Op::Hold(age, len) => {
                // The approver must be a user (a foreign key).
                let Some(approver) = pick(&self.users, age) else {
                    return self.record();
                };
                let through = self.d.at.0.div_euclid(DAY) - i64::from(age);
                let hold = Hold {
                    id: 0,
                    from_period: through - i64::from(len),
                    through_period: through,
                    justification: "legal hold".to_owned(),
                    approved_by: approver,
                    at: self.d.at,
                    released: None,
                    risk_assessment: None,
                    grace_until: None,
                    confirmed_by: None,
                    confirmed_at: None,
                };
                // Refused when a day is already purged.
                if let Ok(h) = self.d.store.audit_hold(&hold, &self.ctx()) {
                    self.holds.push(h.id);
                }
            }
            Op::Release(h) => {
                if let Some(id) = pick(&self.holds, h) {
                    self.d.store.audit_release_hold(id, &self.ctx()).unwrap();
                }
            }
            Op::Wait(hours) => {
                self.d.at = Timestamp(self.d.at.0 + 3600 * i64::from(hours));
            }
        }
        self.record();
    }

    /// Notes the world as it stands after an operation, and moves the clock on: every
    /// operation happens at a later instant than the one before (world_at's resolution).
    fn record(&mut self) {
        self.history.push((self.d.at, fingerprint(&self.d.world)));
        self.d.at = Timestamp(self.d.at.0 + 60);
    }
}

/// Runs `ops` on a fresh store of `b` and checks every property of the module header.
fn run_sequence(b: &dyn Backend, ops: &[Op]) {
    let store = b.open_indexing_every(5);
    let mut d = Driver::new(&*store);
    d.sys(Command::Initialise);
    let app = match d.sys(Command::CreateApplication {
        code: adam_core::Code::parse("code", "VPP").unwrap(),
        name: text("VPP"),
    }) {
        Some(Created::Application(a)) => a,
        other => panic!("{other:?}"),
    };
    let mut roles = Vec::new();
    for code in ["VPP.write", "VPP.read", "VPP.sign"] {
        match d.sys(role_cmd(code, RoleKind::Application, Some(app), None, vec![])) {
            Some(Created::Role(r)) => roles.push(r),
            other => panic!("{other:?}"),
        }
    }
    let mut m = Model {
        d,
        offices: Vec::new(),
        jobs: Vec::new(),
        users: Vec::new(),
        roles,
        holds: Vec::new(),
        counter: 0,
        history: Vec::new(),
    };
    for op in ops {
        m.apply(op);
    }

    let v = store.audit_verify().unwrap();
    assert!(v.intact(), "{}", v.summary());
    assert!(store.audit_quick_check().unwrap().intact());

    // The log replays to the live world, now and at every instant in between.
    let live = fingerprint(&m.d.world);
    assert_eq!(fingerprint(&store.world_at(m.d.at).unwrap()), live);
    for (at, expected) in &m.history {
        assert_eq!(&fingerprint(&store.world_at(*at).unwrap()), expected, "world_at({at})");
    }
    assert_same(&store.load().unwrap(), &m.d.world);

    // Searches by object and actor agree with a scan of the whole trail.
    let mut all = store.audit_since(0, usize::MAX).unwrap();
    all.reverse();
    let mut objects: Vec<(String, u32)> = all
        .iter()
        .map(|r| (r.object.kind.as_str().to_owned(), r.object.id))
        .collect();
    objects.sort();
    objects.dedup();
    for (kind, id) in objects {
        let want: Vec<_> = all
            .iter()
            .filter(|r| r.object.kind.as_str() == kind && r.object.id == id)
            .cloned()
            .collect();
        assert_eq!(
            store.object_history(&kind, id, usize::MAX).unwrap(),
            want,
            "{kind} {id}"
        );
    }
    let mut actors: Vec<UserId> = all.iter().filter_map(|r| r.context.actor.user_id()).collect();
    actors.sort();
    actors.dedup();
    for user in actors {
        let want: Vec<_> = all
            .iter()
            .filter(|r| r.context.actor.user_id() == Some(user))
            .cloned()
            .collect();
        let got = store
            .audit_search(&AuditQuery {
                actor: Some(user),
                limit: usize::MAX,
                ..AuditQuery::default()
            })
            .unwrap();
        assert_eq!(got, want, "{user:?}");
    }
}

proptest! {
    #![proptest_config(Config { cases: 16, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_sequence_of_writes_verifies_and_replays(ops in proptest::collection::vec(op(), 1..40)) {
        run_sequence(&Sqlite::new(), &ops);
    }
}

/// One sequence, the same on every run, on PostgreSQL.
#[test]
fn a_fixed_sequence_of_writes_verifies_and_replays_on_postgres() {
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]));
    let ops = proptest::collection::vec(op(), 40)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    // The sequence does build something (it is not all refusals).
    assert!(
        ops.iter()
            .filter(|o| matches!(o, Op::Office(_) | Op::Job(_) | Op::User(_)))
            .count()
            >= 10
    );
    run_sequence(&Postgres::new(), &ops);
}
