//! The database's tail against the chain head kept outside it (`keys/head.rs`): a trail that
//! ends before the head, or holds another chain value at the head's record, lost committed
//! records from its tail or was rewritten. The head may lag the database (it is written after
//! each commit), which is consistent.

use super::verifier::Problem;
use crate::StoreError;
use crate::audit::record::seq_val;
use crate::keys::Keyring;
use crate::keys::head::Head;
use crate::sql::{Tx, one, req_text};
use adam_core::Timestamp;

/// The head as read from the key directory, *before* the transaction that reads the trail
/// takes its snapshot: a head written later may name records committed after the snapshot.
pub(crate) type HeadRead = Result<Option<Head>, StoreError>;

/// Reads the head, to be compared by [`check_head`] in a transaction begun afterwards.
pub(crate) fn read_head(keys: &Keyring) -> HeadRead {
    keys.outside_head()
}

/// Compares the head kept outside the database (read before `tx` began) with the trail, whose
/// last record is `last`. Returns the head's sequence number, if there is a head, and adds
/// what it finds to `problems`.
pub(crate) fn check_head(
    tx: &mut dyn Tx,
    head: &HeadRead,
    last: u64,
    problems: &mut Vec<Problem>,
) -> Result<Option<u64>, StoreError> {
    let head = match head {
        Ok(Some(head)) => head,
        Ok(None) => return Ok(None),
        Err(e) => {
            problems.push(Problem {
                seq: 0,
                what: format!("the chain head kept outside the database cannot be read ({e})"),
            });
            return Ok(None);
        }
    };
    let when = Timestamp(head.at);
    if head.seq > last {
        problems.push(Problem {
            seq: last + 1,
            what: format!(
                "the trail's tail was cut: the database ends at record {last}, but the chain head kept outside \
                 the database says record {} was committed (at {when}); records {}–{} are missing",
                head.seq,
                last + 1,
                head.seq
            ),
        });
        return Ok(Some(head.seq));
    }
    if head.seq == 0 {
        return Ok(Some(0));
    }
    let stored = one(
        tx,
        "SELECT chain FROM audit_chain WHERE seq = $1",
        &[seq_val(head.seq)?],
        |row| Ok(req_text(row, 0, "audit_chain", "chain")?.to_owned()),
    )?;
    match stored {
        Some(chain) if chain == head.chain => {}
        Some(_) => problems.push(Problem {
            seq: head.seq,
            what: format!(
                "the trail differs from the chain head kept outside the database: record {} (committed at {when}) \
                 has another chain value, so it or a record before it was changed",
                head.seq
            ),
        }),
        None => problems.push(Problem {
            seq: head.seq,
            what: format!(
                "record {} is missing, although the chain head kept outside the database says it was committed \
                 (at {when})",
                head.seq
            ),
        }),
    }
    Ok(Some(head.seq))
}
