//! A running test server with the fixture loaded and a token per caller, its API client (a
//! request as each [`Who`]) and the answers it reads ([`Reply`]).

use super::{Backend, Fixture, MailSink, Who, fixture_commands, fresh_database, open, state_with, test_auth};
use adam_core::*;
use adam_server::{AppState, Scope};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A running server with the fixture loaded and a token per caller.
pub struct TestServer {
    pub backend: Backend,
    pub url: String,
    pub location: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub fx: Fixture,
    pub tokens: Vec<(Who, String)>,
    /// The SMTP sink the server sends its e-mail to.
    pub mail: Option<MailSink>,
    handle: tokio::task::JoinHandle<()>,
    /// Ends the serving task (a graceful shutdown, as `adam serve` has on a signal).
    shutdown: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// A fresh database with the fixture, served on a free port.
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, |_| {}).await
    }

    /// [`TestServer::start`] with changed sign-in settings.
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut adam_server::login::AuthConfig)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let location = tokio::task::spawn_blocking(move || fresh_database(backend, &path))
            .await
            .unwrap();
        let store = open(&location).await;
        let writer = store.clone();
        let fresh = tokio::task::spawn_blocking(move || writer.initialise(&Text::parse("o", "Občina Test").unwrap()))
            .await
            .unwrap()
            .unwrap();
        assert!(fresh);
        let sink = MailSink::start().await;
        let mut auth = test_auth(Some(sink.config()));
        tweak(&mut auth);
        let state = state_with(store, auth).await;
        let (commands, fx) = fixture_commands();
        for (actor, command) in commands {
            let ctx = state.context(actor, None);
            state
                .execute_as(actor, ctx, command)
                .await
                .unwrap_or_else(|e| panic!("fixture: {}", e.detail));
        }
        let mut tokens = Vec::new();
        let all = [Scope::Read, Scope::Write, Scope::Check];
        for (who, user, scopes) in [
            (Who::SysAdmin, fx.admin, all.to_vec()),
            (Who::UserAdminHere, fx.glpi_admin, all.to_vec()),
            (Who::UserAdminOther, fx.un_admin, all.to_vec()),
            (Who::Plain, fx.ana, vec![Scope::Read, Scope::Write]),
            (
                Who::Service,
                fx.svc,
                vec![Scope::Read, Scope::Write, Scope::Check, Scope::Changes],
            ),
        ] {
            let issued = adam_server::api::system::issue(&state, Actor::System, None, user, "test", &scopes, None)
                .await
                .unwrap_or_else(|e| panic!("token: {}", e.detail));
            tokens.push((who, issued.secret));
        }
        let mut server = TestServer::serve(backend, location, state, fx, tokens, dir).await;
        server.mail = Some(sink);
        server
    }

    /// Serves an existing state.
    pub async fn serve(
        backend: Backend,
        location: String,
        state: AppState,
        fx: Fixture,
        tokens: Vec<(Who, String)>,
        dir: tempfile::TempDir,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = state.clone();
        let (shutdown, ended) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let _ = adam_server::serve(listener, served, async move {
                let _ = ended.await;
            })
            .await;
        });
        TestServer {
            backend,
            url,
            location,
            // No pooled connections: after refusing an oversized body (413) the server closes
            // the connection without reading the rest, and a pooled client may race to reuse
            // it ("IncompleteMessage"). A fresh loopback connection per request costs nothing.
            client: reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap(),
            state,
            fx,
            tokens,
            mail: None,
            handle,
            shutdown,
            _dir: dir,
        }
    }

    /// Stops serving and hands back the pieces (the database stays).
    /// Its background tasks end too, after the round in flight: nothing of it writes after
    /// this returns (a test that then changes the database behind its back relies on that).
    pub async fn stop(self) -> (String, Fixture, Vec<(Who, String)>, tempfile::TempDir) {
        let _ = self.shutdown.send(());
        let _ = self.handle.await;
        (self.location, self.fx, self.tokens, self._dir)
    }

    pub fn token(&self, who: Who) -> Option<&str> {
        self.tokens.iter().find(|(w, _)| *w == who).map(|(_, t)| t.as_str())
    }

    /// Sends a request as `who`.
    pub async fn call(&self, who: Who, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.call_with(who, method, path, body, &[]).await
    }

    /// Sends a request as `who` with extra headers.
    pub async fn call_with(
        &self,
        who: Who,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(token) = self.token(who) {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    /// Sends a body the server refuses before reading it all (413): written beside reading the
    /// answer over a plain connection, so the server closing its side mid-body (which reqwest
    /// reports as a broken pipe, losing the answer) does not hide the answer it sent.
    pub async fn oversized(&self, who: Who, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.url.trim_start_matches("http://").to_owned();
        let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let (mut read, mut write) = stream.into_split();
        let auth = self
            .token(who)
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let writer = tokio::spawn(async move {
            let _ = write.write_all(head.as_bytes()).await;
            let _ = write.write_all(&body).await;
        });
        let mut answer = Vec::new();
        let _ = read.read_to_end(&mut answer).await;
        writer.abort();
        let answer = String::from_utf8_lossy(&answer).to_string();
        let (head, text) = answer.split_once("\r\n\r\n").unwrap_or((answer.as_str(), ""));
        let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut headers = reqwest::header::HeaderMap::new();
        for line in head.lines().skip(1) {
            if let Some((k, v)) = line.split_once(':')
                && let (Ok(k), Ok(v)) = (
                    reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()),
                    reqwest::header::HeaderValue::from_str(v.trim()),
                )
            {
                headers.insert(k, v);
            }
        }
        let text = text.to_owned();
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(&self, who: Who, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.url))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = self.token(who) {
            request = request.bearer_auth(token);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    pub async fn get(&self, who: Who, path: &str) -> Reply {
        self.call(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: Who, path: &str, body: &Value) -> Reply {
        self.call(who, Method::POST, path, Some(body)).await
    }

    /// The server's revision, from the health endpoint.
    pub async fn revision(&self) -> u64 {
        self.get(Who::Anonymous, "/api/health").await.json["revision"]
            .as_u64()
            .unwrap()
    }

    /// Moves the server's clock by `seconds`.
    pub fn advance(&self, seconds: i64) {
        let now = self.state.now();
        self.state.clock.set(now.plus_seconds(seconds));
    }

    /// Sends a PATCH with the `If-Match` of the record as the system administrator reads it.
    pub async fn patch(&self, who: Who, path: &str, body: &Value) -> Reply {
        let current = self.get(Who::SysAdmin, path).await.expect(200);
        let etag = current.header("etag").unwrap().to_owned();
        self.call_with(who, Method::PATCH, path, Some(body), &[("if-match", etag.as_str())])
            .await
    }
}

/// A response, read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// Reads a response: its status, headers, text and (when it is JSON) its value.
    pub async fn from(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a status and returns self, printing the body when it is another.
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.text);
        self
    }

    /// Asserts a problem response with this status and code.
    pub fn problem(self, status: u16, code: &str) -> Reply {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not a problem document: {}",
            self.text
        );
        assert_eq!(self.json["type"], format!("/problems/{code}"), "{}", self.text);
        assert_eq!(self.json["status"], status, "{}", self.text);
        assert!(self.json["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(self.json["detail"].as_str().is_some_and(|t| !t.is_empty()));
        self
    }
}
