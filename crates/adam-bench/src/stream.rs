//! A seeded stream of `check` requests with a realistic mix.
//!
//! Latency figures depend on what is asked: a clerk opening a document of their own office's
//! case touches entries that match, a random document mostly entries that do not. The mix:
//! - 40% a person checks a document of a case of one of their offices,
//! - 30% a person checks a random document,
//! - 10% a person checks a folder of one of their offices,
//! - 15% a person checks a random folder,
//! - 5% someone special (the main office's distribution clerks, leaders with
//!   `VPP.view_all_documents`, Z3-cleared people, inactive, `admin` and `system_user`
//!   accounts) checks a random document.
//!
//! One request in ten comes from a session without a second factor. The same seed over the same
//! world gives the same stream.

use crate::rng::Rng;
use crate::synth::Notable;
use adam_core::*;
use serde::Serialize;

/// One `check` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// Who asks.
    pub user: UserId,
    /// About what.
    pub object: ObjectRef,
    /// In which session.
    pub session: Session,
}

/// What the stream is made of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mix {
    /// Documents of the asker's own offices' cases.
    pub own_office_documents: usize,
    /// Random documents.
    pub random_documents: usize,
    /// Folders of the asker's own offices.
    pub own_office_folders: usize,
    /// Random folders.
    pub random_folders: usize,
    /// Special principals on random documents.
    pub special: usize,
    /// Requests from sessions without a second factor.
    pub password_sessions: usize,
}

/// The folders of each office: those whose responsible (else creator) job is in it.
pub fn folders_by_office(world: &World) -> Vec<Vec<FolderId>> {
    let mut out = vec![Vec::new(); world.offices().len()];
    for f in world.folders() {
        let job = f.workflow.responsible.unwrap_or(f.workflow.creator.job);
        if let Ok(j) = world.job(job)
            && let Some(list) = out.get_mut(j.office.index())
        {
            list.push(f.id);
        }
    }
    out
}

/// `n` requests over `world`, seeded.
pub fn generate(world: &World, notable: &Notable, seed: u64, n: usize) -> (Vec<Request>, Mix) {
    let mut rng = Rng::new(seed ^ 0x5eed_0fc0_ffee);
    let people: Vec<UserId> = world
        .users()
        .iter()
        .filter(|u| u.kind == AccountKind::User && !u.jobs.is_empty())
        .map(|u| u.id)
        .collect();
    let mut special: Vec<UserId> = Vec::new();
    for j in notable.dist_jobs.iter().chain(&notable.view_all_jobs) {
        special.extend_from_slice(world.job_occupants(*j));
    }
    special.extend(notable.z3_users.iter().take(50));
    special.extend(notable.inactive_users.iter().take(50));
    special.extend(&notable.admins);
    special.extend(&notable.service_users);
    let by_office = folders_by_office(world);
    let n_docs = world.document_count();
    let n_folders = world.folder_count();
    let mut mix = Mix::default();
    let mut out = Vec::with_capacity(n);
    let random_document = |rng: &mut Rng| {
        if n_docs == 0 {
            ObjectRef::Folder(FolderId(rng.below(n_folders) as u32))
        } else {
            ObjectRef::Document(DocumentId(rng.below(n_docs) as u32))
        }
    };
    let own_folder = |rng: &mut Rng, user: UserId| -> Option<FolderId> {
        let u = world.user(user).ok()?;
        let job = rng.pick(&u.jobs)?;
        let office = world.job(*job).ok()?.office;
        rng.pick(by_office.get(office.index())?).copied()
    };
    for _ in 0..n {
        let Some(user) = rng.pick(&people).copied() else {
            break;
        };
        let kind = rng.below(100);
        let (user, object) = match kind {
            0..40 => match own_folder(&mut rng, user) {
                Some(f) => {
                    mix.own_office_documents += 1;
                    let docs = world.folder_documents(f);
                    match rng.pick(docs) {
                        Some(d) => (user, ObjectRef::Document(*d)),
                        None => (user, ObjectRef::Folder(f)),
                    }
                }
                None => {
                    mix.random_documents += 1;
                    (user, random_document(&mut rng))
                }
            },
            40..70 => {
                mix.random_documents += 1;
                (user, random_document(&mut rng))
            }
            70..80 => match own_folder(&mut rng, user) {
                Some(f) => {
                    mix.own_office_folders += 1;
                    (user, ObjectRef::Folder(f))
                }
                None => {
                    mix.random_folders += 1;
                    (user, ObjectRef::Folder(FolderId(rng.below(n_folders) as u32)))
                }
            },
            80..95 => {
                mix.random_folders += 1;
                (user, ObjectRef::Folder(FolderId(rng.below(n_folders) as u32)))
            }
            _ => {
                mix.special += 1;
                let who = rng.pick(&special).copied().unwrap_or(user);
                (who, random_document(&mut rng))
            }
        };
        let session = if rng.chance(100) {
            mix.password_sessions += 1;
            Session::PASSWORD
        } else {
            Session::MFA
        };
        out.push(Request { user, object, session });
    }
    (out, mix)
}
