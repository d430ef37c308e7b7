//! The records part of the generator: the filing plan, folders and documents walked through the
//! workflow, and their ACLs.

use super::acl::{AclSim, Draft, Walk};
use super::*;

/// The filing plan; returns the classes folders are filed in (the leaves).
pub(super) fn filing_plan(g: &mut Gen, config: &Config, roles: &Roles) -> Result<Vec<usize>, Error> {
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

pub(super) fn folder_secrecy(rng: &mut Rng, public_permille: u32) -> u8 {
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
pub(super) struct FolderFacts {
    secrecy: u8,
    responsible: Option<JobId>,
    creator: Creator,
    closed: bool,
}

pub(super) fn class(z: u8, c3: bool) -> Result<Classification, Error> {
    Ok(Classification {
        z: SecurityClass::new(z)?,
        c: if c3 { SecurityClass::THREE } else { SecurityClass::NONE },
        r: SecurityClass::NONE,
    })
}

pub(super) fn state_index(s: ObjectState) -> usize {
    match s {
        ObjectState::Open => 0,
        ObjectState::HandedOver => 1,
        ObjectState::Closed => 2,
    }
}

pub(super) fn records(g: &mut Gen, config: &Config, apps: &[AppId], leaves: &[usize]) -> Result<(), Error> {
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
                None => {
                    return Err(Error::State(adam_core::StateError::Corrupt(
                        "synthetic world: nobody can create folders".into(),
                    )));
                }
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
pub(super) fn colleague_or_random(rng: &mut Rng, dir: &Directory, job: usize, permille: u32, n_jobs: usize) -> usize {
    if rng.chance(permille) {
        let range = dir.office_jobs[dir.job_office[job]].clone();
        range.start + rng.below(range.len())
    } else {
        rng.below(n_jobs)
    }
}

/// A job other than `job`: a colleague half of the time, preferably occupied.
pub(super) fn other_job(rng: &mut Rng, dir: &Directory, job: usize, n_jobs: usize) -> JobId {
    for _ in 0..8 {
        let j = colleague_or_random(rng, dir, job, 500, n_jobs);
        if j != job && dir.occupant(j).is_some() {
            return JobId(j as u32);
        }
    }
    JobId(((job + 1) % n_jobs) as u32)
}
