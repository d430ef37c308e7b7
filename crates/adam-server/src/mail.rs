//! Outgoing e-mail: password-reset links and lock notices, over SMTP with `lettre`.
//!
//! Sending blocks (lettre's synchronous transport), so callers run it on a blocking thread and
//! never inside a request's answer path: a request that sends mail answers the same, in the
//! same time, whether or not a message goes out. Messages are bilingual, Slovenian first.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    StartTls,
    /// No encryption: only for a relay on loopback (tests, a local MTA).
    Plain,
}

/// Where and how to send e-mail.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP host.
    pub host: String,
    /// SMTP port.
    pub port: u16,
    /// Transport security.
    pub security: MailSecurity,
    /// The sender address (`ADAM <adam@koper.si>`).
    pub from: String,
    /// SMTP user and password, when the relay requires them.
    pub credentials: Option<(String, String)>,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A sender or recipient that is not an e-mail address.
    #[error("not an e-mail address: {0}")]
    Address(String),
    /// The message could not be built.
    #[error("the message could not be built: {0}")]
    Build(String),
    /// The SMTP exchange failed.
    #[error("SMTP: {0}")]
    Smtp(String),
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Sends one message. Blocks: call it from a blocking thread.
pub fn send(config: &MailConfig, mail: &Mail) -> Result<(), MailError> {
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|_| MailError::Address(config.from.clone()))?;
    let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        // Quoted-printable keeps the ASCII of links and codes readable in the raw message.
        .body(
            lettre::message::Body::new_with_encoding(
                mail.body.clone(),
                lettre::message::header::ContentTransferEncoding::QuotedPrintable,
            )
            .map_err(|_| MailError::Build("the body cannot be encoded".to_owned()))?,
        )
        .map_err(|e| MailError::Build(e.to_string()))?;
    let tls = |host: &str| TlsParameters::new(host.to_owned()).map_err(|e| MailError::Smtp(e.to_string()));
    let tls = match config.security {
        MailSecurity::Plain => Tls::None,
        MailSecurity::StartTls => Tls::Required(tls(&config.host)?),
        MailSecurity::Tls => Tls::Wrapper(tls(&config.host)?),
    };
    let mut builder = SmtpTransport::builder_dangerous(config.host.as_str())
        .port(config.port)
        .tls(tls)
        .timeout(Some(std::time::Duration::from_secs(20)));
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder
        .build()
        .send(&message)
        .map(|_| ())
        .map_err(|e| MailError::Smtp(e.to_string()))
}

/// One account an address carries, as the reset e-mail lists it.
#[derive(Debug, Clone)]
pub struct ListedAccount {
    /// The username.
    pub username: String,
    /// The offices of its jobs, or "—".
    pub offices: String,
}

/// The reset e-mail: every account with the address, one code valid `minutes`.
pub fn reset_message(
    to: &str,
    organisation: &str,
    accounts: &[ListedAccount],
    link: &str,
    code: &str,
    minutes: i64,
) -> Mail {
    let list: String = accounts
        .iter()
        .map(|a| format!("  - {} ({})\n", a.username, a.offices))
        .collect();
    let body = format!(
        "Pozdravljeni,\n\n\
         za ta e-naslov je bilo zahtevano novo geslo v sistemu ADAM ({organisation}).\n\
         Naslov imajo ti uporabniški računi:\n{list}\n\
         Novo geslo za enega od njih nastavite na povezavi (velja {minutes} minut, enkrat):\n  {link}\n\
         ali v obrazec vnesite uporabniško ime in to kodo:\n  {code}\n\n\
         Če zahteve niste poslali vi, sporočilo prezrite: dosedanje geslo ostane veljavno.\n\n\
         --\n\n\
         Hello,\n\n\
         a new password was requested for this address in ADAM ({organisation}).\n\
         These accounts carry the address:\n{list}\n\
         Set a new password for one of them with the link (valid {minutes} minutes, once):\n  {link}\n\
         or enter the username and this code in the form:\n  {code}\n\n\
         If you did not ask for this, ignore this message: your current password stays valid.\n"
    );
    Mail {
        to: to.to_owned(),
        subject: "ADAM: novo geslo / new password".to_owned(),
        body,
    }
}

/// The notice that an account was locked after failed sign-ins.
pub fn lock_message(to: &str, username: &str, minutes: Option<i64>, address: &str) -> Mail {
    let body = match minutes {
        Some(minutes) => format!(
            "Pozdravljeni,\n\n\
             zaradi ponavljajočih se neuspelih prijav z naslova {address} je račun {username} za prijave s tega \
             naslova zaklenjen za {minutes} minut. Prijava z drugih naslovov deluje.\n\
             Če to niste bili vi, obvestite svojega skrbnika uporabnikov.\n\n\
             --\n\n\
             Hello,\n\n\
             after repeated failed sign-ins from {address} the account {username} is locked for sign-ins from \
             that address for {minutes} minutes. Signing in from other addresses still works.\n\
             If this was not you, tell your user administrator.\n"
        ),
        None => format!(
            "Pozdravljeni,\n\n\
             zaradi 100 zaporednih neuspelih prijav (zadnja z naslova {address}) je račun {username} zaklenjen, \
             dokler ga ne odklene skrbnik uporabnikov. Obvestite ga.\n\n\
             --\n\n\
             Hello,\n\n\
             after 100 consecutive failed sign-ins (the last from {address}) the account {username} is locked \
             until a user administrator unlocks it. Please tell them.\n"
        ),
    };
    Mail {
        to: to.to_owned(),
        subject: "ADAM: račun zaklenjen / account locked".to_owned(),
        body,
    }
}
