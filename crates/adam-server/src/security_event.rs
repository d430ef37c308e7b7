//! The security events ADAM raises itself for what it detected (Art. 18(2)): a lock-out, a
//! lost factor or token, a server's files off their baseline, a broken audit trail, a failed
//! restore test — each a `security-event` case started by ADAM.
//!
//! Here, below `authn/` (which detects lock-outs and lost factors) and `service/` (which detects
//! the rest and re-exports this as `service::process::{Detected, raise_event}`), and above only
//! `state`, whose write path opens the case: so the sign-in need not import the service layer
//! that builds on it (`ARCHITECTURE.md`: no two modules import each other).

use crate::state::AppState;
use adam_core::process::{self, CaseState};
use adam_core::{Actor, Code, Command, Text};

/// What ADAM detected itself (Art. 18(2)), raised as a security event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// An account locked after failed sign-ins (Art. 53(2)).
    LockOut,
    /// A source address locked for guessing passwords (brute force, Art. 53(2)); `who` is the
    /// account it guessed at.
    SourceLocked,
    /// The limit on failed sign-ins from anywhere was reached: many accounts are being guessed
    /// at (Art. 53(2)); `who` is the account of the failure that reached it.
    GlobalLimit,
    /// A second factor reported lost or stolen (Art. 33(1): an incident).
    FactorLost,
    /// An API token reported lost or stolen (Art. 33(1)); `who` is its owner and its name.
    TokenLost,
    /// A server's files differ from its approved baseline (Art. 50(5)); `who` is the server.
    IntegrityMismatch,
    /// The audit trail failed its verification (Art. 57: records altered or removed); `who`
    /// is the verdict's first problem.
    TrailBroken,
    /// A restore test of ADAM's own backup failed (Art. 29(3)); `who` names the backup.
    RestoreFailed,
}

/// Raises a security event for what ADAM detected: a `security-event` case started by ADAM
/// itself, performed by the security lead. Best effort after the detection's own records are
/// written: without a security lead to take it the refusal is logged (the detection stays in
/// the audit trail either way).
pub async fn raise_event(s: &AppState, detected: Detected, who: &str, ip: Option<String>) {
    let (title, situation, what) = match detected {
        Detected::LockOut => (
            format!("Zaklenjen račun {who} / account {who} locked"),
            "access_violation",
            format!(
                "ADAM je zaklenil račun {who} po zaporednih neuspelih prijavah (53. člen (2)). / ADAM locked the account {who} after repeated failed sign-ins (Art. 53(2))."
            ),
        ),
        Detected::SourceLocked => (
            format!(
                "Ugibanje gesel z naslova {ip} / passwords guessed from {ip}",
                ip = ip.as_deref().unwrap_or("?")
            ),
            "access_violation",
            format!(
                "ADAM je zaklenil naslov {ip} po zaporednih neuspelih prijavah v račun {who} (53. člen (2)). / ADAM locked the address {ip} after repeated failed sign-ins to the account {who} (Art. 53(2)).",
                ip = ip.as_deref().unwrap_or("?")
            ),
        ),
        Detected::GlobalLimit => (
            "Preveč neuspelih prijav v ADAM / too many failed sign-ins to ADAM".to_owned(),
            "access_violation",
            format!(
                "Neuspelih prijav od koderkoli je toliko, da ADAM prijave omejuje; zadnja v račun {who} (53. člen (2)). / Failed sign-ins from anywhere reached ADAM's limit, and it now slows sign-ins; the last one was to the account {who} (Art. 53(2))."
            ),
        ),
        Detected::FactorLost => (
            format!("Izgubljen drugi faktor: {who} / second factor lost: {who}"),
            "access_violation",
            format!(
                "{who} je prijavil(a) izgubo ali krajo drugega faktorja; ADAM ga je onemogočil (33. člen). / {who} reported the second factor lost or stolen; ADAM disabled it (Art. 33)."
            ),
        ),
        Detected::TokenLost => (
            format!("Izgubljen žeton API: {who} / API token lost: {who}"),
            "access_violation",
            format!(
                "Žeton API {who} je bil prijavljen kot izgubljen ali ukraden; ADAM ga je preklical (33. člen). / The API token {who} was reported lost or stolen; ADAM revoked it (Art. 33)."
            ),
        ),
        Detected::IntegrityMismatch => (
            format!("Neskladje celovitosti: {who} / integrity mismatch: {who}"),
            "uncontrolled_change",
            format!(
                "Datoteke strežnika {who} se razlikujejo od odobrene izhodiščne konfiguracije (50. člen (5)). / The files of server {who} differ from its approved baseline (Art. 50(5))."
            ),
        ),
        Detected::TrailBroken => (
            "Revizijska sled ni nedotaknjena / the audit trail is not intact".to_owned(),
            "deviation_cia",
            format!(
                "Preverjanje revizijske sledi je našlo napako: {who} (57. člen). / Verifying the audit trail found a problem: {who} (Art. 57)."
            ),
        ),
        Detected::RestoreFailed => (
            format!("Neuspela obnovitev varnostne kopije ADAM: {who} / ADAM backup restore failed: {who}"),
            "deviation_cia",
            format!(
                "Preizkus obnovitve varnostne kopije ADAM-a ni uspel: {who} (29. člen (3)). / A restore test of ADAM's backup failed: {who} (Art. 29(3))."
            ),
        ),
    };
    let (Ok(title), Ok(process)) = (
        Text::parse("title", &title),
        Code::parse("process", process::SECURITY_EVENT),
    ) else {
        return;
    };
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("situation".to_owned(), serde_json::json!(situation));
    fields.insert("what".to_owned(), serde_json::json!(what));
    fields.insert("discovered_at".to_owned(), serde_json::json!(s.now().to_string()));
    fields.insert(
        "source".to_owned(),
        serde_json::json!(match detected {
            Detected::LockOut | Detected::SourceLocked => "ADAM: security.login_locked",
            Detected::GlobalLimit => "ADAM: security.login_global_limit",
            Detected::FactorLost => "ADAM: security.factor_lost",
            Detected::TokenLost => "ADAM: security.token_lost",
            Detected::IntegrityMismatch => "ADAM: security.integrity_mismatch",
            Detected::TrailBroken => "ADAM: audit.verify",
            Detected::RestoreFailed => "ADAM: continuity.record_test",
        }),
    );
    // One open event per detection and subject: a token posting mismatched scans in a loop, or
    // an account locked again and again, cannot bury the lead in cases (each detection stays
    // in the audit trail).
    let open = s.world().cases().iter().any(|c| {
        c.state == CaseState::Open
            && c.process.as_str() == process::SECURITY_EVENT
            && c.started_by.is_none()
            && c.title.as_str() == title.as_str()
    });
    if open {
        return;
    }
    let command = Command::StartCase {
        process,
        title,
        fields,
        attachments: Vec::new(),
    };
    let context = s.context(Actor::System, ip);
    if let Err(e) = s.execute_as(Actor::System, context, command).await {
        tracing::warn!(code = e.code, "a detected security event could not be opened");
    }
}
