//! Planning [`Command::AttachFile`](crate::Command::AttachFile): a stored file added to a
//! register record that carries files one by one — a risk assessment's signed report (Art.
//! 9(3): "documented information"), an access review's minutes (Art. 51(4)), the approval
//! behind an integrity baseline (Art. 50(4)).
//!
//! Whoever keeps the record adds to it: the register keepers for every kind, a campaign's
//! reviewer for her campaign, a server's custodian and operators for its baselines (who
//! submit its scans). A file is added once and never removed — the record is evidence, and
//! its history keeps every version. That the file is stored with the size the reference
//! gives is checked by the store in this change's own transaction
//! (`adam_store::attachments::refer`).

use super::Draft;
use crate::admin::Actor;
use crate::attachment::{Attachable, AttachmentRef};
use crate::error::{Error, RegisterError};
use crate::event::Event;
use crate::ids::Revision;
use crate::time::Timestamp;
use crate::world::World;

/// Appends `file` to a record's list, refusing one it already carries.
fn added(list: &[AttachmentRef], file: AttachmentRef) -> Result<Vec<AttachmentRef>, Error> {
    if list.iter().any(|a| a.sha256 == file.sha256) {
        return Err(Error::NoChange("the record already carries this file"));
    }
    let mut out = list.to_vec();
    out.push(file);
    Ok(out)
}

impl World {
    /// Whether `actor` may add files to the record `to` (which must exist): the register
    /// keepers for every kind, a campaign's reviewer for her campaign, a server's custodian
    /// and operators for its baselines.
    pub fn may_attach(&self, actor: &Actor, to: Attachable, at: Timestamp) -> Result<(), Error> {
        match to {
            Attachable::Risk(id) => {
                self.risk_assessment(id)?;
                if !self.keeps_registers(actor, at)? {
                    return Err(Error::Register(RegisterError::NotRegisterKeeper(
                        "attach files to risk assessments",
                    )));
                }
            }
            Attachable::Review(id) => {
                let review = self.access_review(id)?;
                let reviewer = actor.user_id() == Some(review.reviewer) && self.authority(actor, at).is_ok();
                if !reviewer && !self.keeps_registers(actor, at)? {
                    return Err(Error::Register(RegisterError::NotReviewerToAttach {
                        reviewer: review.reviewer,
                    }));
                }
            }
            Attachable::Baseline(id) => {
                let server = self.item(self.baseline(id)?.server)?;
                if !self.keeps_or_tends(actor, server, at)? {
                    return Err(Error::Register(RegisterError::NotScanSubmitter {
                        server: server.id,
                        custodian: server.fields.custodian,
                    }));
                }
            }
        }
        Ok(())
    }

    pub(super) fn plan_attach(
        &self,
        actor: &Actor,
        to: Attachable,
        file: AttachmentRef,
        at: Timestamp,
        rev: Revision,
    ) -> Result<Draft, Error> {
        self.may_attach(actor, to, at)?;
        let event = match to {
            Attachable::Risk(id) => {
                let old = self.risk_assessment(id)?;
                Event::Risk(crate::register::risk::RiskAssessment {
                    attachments: added(&old.attachments, file)?,
                    rev,
                    ..old.clone()
                })
            }
            Attachable::Review(id) => {
                let old = self.access_review(id)?;
                Event::Review(crate::register::review::AccessReview {
                    attachments: added(&old.attachments, file)?,
                    rev,
                    ..old.clone()
                })
            }
            Attachable::Baseline(id) => {
                let old = self.baseline(id)?;
                Event::Baseline(crate::register::integrity::Baseline {
                    attachments: added(&old.attachments, file)?,
                    rev,
                    ..old.clone()
                })
            }
        };
        Ok(Draft::new(vec![event]))
    }
}
