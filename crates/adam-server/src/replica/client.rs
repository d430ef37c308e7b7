//! The HTTP/1.1 client one site uses to reach the other's replication listener, over mutual
//! TLS: a kept-alive connection, opened again when it breaks. Addresses are `https://host:port`.

use super::tls::{Identity, TlsError, client_config};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use std::time::Duration;

/// Why the other site could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// The address is not `https://host[:port]`.
    #[error("{0:?} is not an address such as https://standby.example:8443")]
    Address(String),
    /// No connection (refused, unreachable, a TLS handshake that failed…).
    #[error("cannot reach {url}: {why}")]
    Unreachable {
        /// The address.
        url: String,
        /// Why.
        why: String,
    },
    /// No answer in time.
    #[error("{0} did not answer in time")]
    Timeout(String),
}

/// A client of one peer.
pub struct PeerClient {
    connector: tokio_rustls::TlsConnector,
    sender: tokio::sync::Mutex<Option<(String, SendRequest<Full<Bytes>>)>>,
}

/// An address's host, port and name for TLS.
fn parse(url: &str) -> Result<(String, u16, ServerName<'static>), PeerError> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| PeerError::Address(url.to_owned()))?
        .trim_end_matches('/');
    if rest.contains('/') || rest.is_empty() {
        return Err(PeerError::Address(url.to_owned()));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() => (h, p.parse::<u16>().map_err(|_| PeerError::Address(url.to_owned()))?),
        _ => (rest, 443),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let name = ServerName::try_from(host.clone()).map_err(|_| PeerError::Address(url.to_owned()))?;
    Ok((host, port, name))
}

impl PeerClient {
    /// A client presenting `identity` and trusting its authority.
    pub fn new(identity: &Identity) -> Result<PeerClient, TlsError> {
        Ok(PeerClient {
            connector: tokio_rustls::TlsConnector::from(client_config(identity)?),
            sender: tokio::sync::Mutex::new(None),
        })
    }

    async fn connect(&self, url: &str) -> Result<SendRequest<Full<Bytes>>, PeerError> {
        let (host, port, name) = parse(url)?;
        let unreachable = |why: String| PeerError::Unreachable {
            url: url.to_owned(),
            why,
        };
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let tls = self
            .connector
            .connect(name, tcp)
            .await
            .map_err(|e| unreachable(format!("TLS: {e}")))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// One request to `url` + `path`; the status and the body. `within` bounds the whole
    /// exchange.
    pub async fn request(
        &self,
        url: &str,
        method: hyper::Method,
        path: &str,
        body: Option<Vec<u8>>,
        within: Duration,
    ) -> Result<(u16, Bytes), PeerError> {
        tokio::time::timeout(within, self.exchange(url, method, path, body))
            .await
            .map_err(|_| PeerError::Timeout(url.to_owned()))?
    }

    async fn exchange(
        &self,
        url: &str,
        method: hyper::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Bytes), PeerError> {
        // The kept-alive connection is taken for the exchange (a long poll may hold it for
        // seconds): a request meanwhile opens a connection of its own.
        let kept = self.sender.lock().await.take();
        let mut sender = match kept {
            Some((u, s)) if u == url && !s.is_closed() => s,
            _ => self.connect(url).await?,
        };
        let result = self.send(&mut sender, url, method, path, body).await;
        if result.is_ok() && !sender.is_closed() {
            *self.sender.lock().await = Some((url.to_owned(), sender));
        }
        result
    }

    async fn send(
        &self,
        sender: &mut SendRequest<Full<Bytes>>,
        url: &str,
        method: hyper::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Bytes), PeerError> {
        let (host, port, _) = parse(url)?;
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, format!("{host}:{port}"))
            .header(hyper::header::ACCEPT, "application/json");
        if body.is_some() {
            request = request.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| PeerError::Address(e.to_string()))?;
        let unreachable = |why: String| PeerError::Unreachable {
            url: url.to_owned(),
            why,
        };
        let answer = sender
            .send_request(request)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .into_body()
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        Ok((status, bytes))
    }
}
