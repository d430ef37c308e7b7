//! The SMTP sink the test servers send their e-mail to, and what it received.

use std::sync::Arc;

/// A delivered e-mail.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub from: String,
    pub to: Vec<String>,
    /// The message as received (headers and body), quoted-printable decoded.
    pub text: String,
}

/// A real SMTP server on loopback that accepts every message and keeps it for the test: it
/// speaks enough of RFC 5321 (greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET,
/// NOOP, QUIT) for any client.
pub struct MailSink {
    pub port: u16,
    /// How long the sink waits before greeting a client (milliseconds): a slow mail server.
    greeting_delay_ms: Arc<std::sync::atomic::AtomicU64>,
    received: tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Delivered>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MailSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MailSink {
    pub async fn start() -> MailSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let greeting_delay_ms = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let delay = greeting_delay_ms.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let tx = tx.clone();
                let delay = delay.load(std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 sink ESMTP ready\r\n").await;
                    let (mut from, mut to) = (String::new(), Vec::new());
                    loop {
                        let mut line = String::new();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                        } else if upper.starts_with("HELO") || upper.starts_with("RSET") || upper.starts_with("NOOP") {
                            b"250 OK\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line[10..].trim().trim_matches(|c| c == '<' || c == '>').to_owned();
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(|c| c == '<' || c == '>').to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                            let mut data = String::new();
                            loop {
                                let mut l = String::new();
                                if lines.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if l == ".\r\n" || l == ".\n" {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            }
                            let _ = tx.send(Delivered {
                                from: from.clone(),
                                to: std::mem::take(&mut to),
                                text: quoted_printable_decode(&data),
                            });
                            b"250 OK queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        MailSink {
            port,
            greeting_delay_ms,
            received: tokio::sync::Mutex::new(rx),
            task,
        }
    }

    /// Makes the sink a slow mail server: it greets each new client after `ms` milliseconds.
    pub fn set_greeting_delay(&self, ms: u64) {
        self.greeting_delay_ms.store(ms, std::sync::atomic::Ordering::SeqCst);
    }

    /// The server's mail settings for this sink (plain SMTP: it is on loopback).
    pub fn config(&self) -> adam_server::mail::MailConfig {
        adam_server::mail::MailConfig {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: adam_server::mail::MailSecurity::Plain,
            from: "ADAM <adam@test.si>".to_owned(),
            credentials: None,
        }
    }

    /// The next delivered message (waits up to 10 s).
    pub async fn next(&self) -> Delivered {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("no e-mail arrived within 10 s")
            .expect("the sink stopped")
    }

    /// Whether a message arrives within `ms` milliseconds.
    pub async fn any_within(&self, ms: u64) -> Option<Delivered> {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(std::time::Duration::from_millis(ms), rx.recv())
            .await
            .ok()
            .flatten()
    }
}

/// Decodes quoted-printable (soft line breaks and `=XX`); other text passes through.
pub fn quoted_printable_decode(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
