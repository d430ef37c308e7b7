//! Test servers, the fixture organisation, and a client acting as each kind of caller.

#![allow(dead_code)]

use adam_core::*;
use adam_server::{AppState, Clock, Config, Scope};
use adam_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend, as two test functions.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await;
            }
        }
    };
}

/// The instant the fixture is built at and the servers' clocks show.
pub const NOW: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// The `admin` account (system administrator).
    SysAdmin,
    /// The user administrator of the main office GLPI (also holds [dist.main]).
    UserAdminHere,
    /// The user administrator of UN, another office.
    UserAdminOther,
    /// A clerk of UN with no administrative rights.
    Plain,
    /// A `system_user` service account.
    Service,
    /// No token.
    Anonymous,
}

impl Who {
    pub const ALL: [Who; 6] = [
        Who::SysAdmin,
        Who::UserAdminHere,
        Who::UserAdminOther,
        Who::Plain,
        Who::Service,
        Who::Anonymous,
    ];
}

/// The ids of the fixture.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub vopi: AppId,
    pub writer: RoleId,
    pub referent: RoleId,
    pub glpi_role: RoleId,
    pub clearance_b: RoleId,
    pub user_admin: RoleId,
    pub glpi: OfficeId,
    pub un: OfficeId,
    pub tok: OfficeId,
    pub leader_glpi: JobId,
    pub leader_un: JobId,
    pub job_glpi: JobId,
    pub job_glpi_free: JobId,
    pub job_un_1: JobId,
    pub job_un_2: JobId,
    pub job_tok: JobId,
    pub admin: UserId,
    pub glpi_admin: UserId,
    pub un_admin: UserId,
    pub ana: UserId,
    pub bojan: UserId,
    pub gregor: UserId,
    pub svc: UserId,
    pub class: ClassId,
    pub group: GroupId,
    pub grant_gregor: GrantId,
    /// Ana's open folder.
    pub f1: FolderId,
    /// Bojan's folder, handed over to Ana's job.
    pub f2: FolderId,
    /// Ana's closed folder.
    pub f3: FolderId,
    /// Ana's open document in f1.
    pub d1: DocumentId,
    /// Bojan's document in f2, handed over to Ana's job.
    pub d2: DocumentId,
    /// Ana's closed document in f1.
    pub d3: DocumentId,
    /// An entry on f1 that can be removed.
    pub entry: EntryId,
}

fn text(s: &str) -> Text {
    Text::parse("t", s).unwrap()
}

fn run(w: &mut World, actor: Actor, command: Command) -> Option<Created> {
    w.execute(&actor, command, Timestamp(NOW))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
        .created
}

/// The fixture's commands, applied to a world (to learn the ids) — the same sequence is then
/// replayed through the server's write path.
pub fn fixture_commands() -> (Vec<(Actor, Command)>, Fixture) {
    let mut w = World::new(text("Občina Test"));
    let mut log: Vec<(Actor, Command)> = Vec::new();
    let mut exec = |w: &mut World, actor: Actor, command: Command| {
        log.push((actor, command.clone()));
        run(w, actor, command)
    };
    let sys = Actor::System;
    exec(&mut w, sys, Command::Initialise);
    let user_admin = w.role_by_code("adam.user_admin").unwrap();
    let Some(Created::Application(vopi)) = exec(
        &mut w,
        sys,
        Command::CreateApplication {
            code: Code::parse("c", "VOPI").unwrap(),
            name: text("VOPI"),
        },
    ) else {
        panic!()
    };
    let role = |w: &mut World,
                exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                code: &str,
                kind: RoleKind,
                members: Vec<RoleId>| {
        let Some(Created::Role(r)) = exec(
            w,
            sys,
            Command::CreateRole {
                code: RoleCode::parse("c", code).unwrap(),
                kind,
                app: Some(vopi),
                description: text(code),
                object_level: None,
                members,
            },
        ) else {
            panic!()
        };
        r
    };
    let writer = role(&mut w, &mut exec, "VOPI.write", RoleKind::Application, vec![]);
    let clearance_b = role(&mut w, &mut exec, "DAPA_LEVEL_B", RoleKind::Application, vec![]);
    let referent = role(&mut w, &mut exec, "VOPI/Referenti", RoleKind::User, vec![writer]);
    let glpi_role = role(&mut w, &mut exec, "GLPI", RoleKind::User, vec![referent]);
    exec(
        &mut w,
        sys,
        Command::UpdateApplication {
            app: vopi,
            name: text("VOPI"),
            writer_role: Some(writer),
        },
    );
    let mut settings = w.settings().clone();
    settings.dist_main_role = Some(glpi_role);
    settings.clearance_roles = [Some(clearance_b), None, None];
    exec(&mut w, sys, Command::SetSettings { settings, change: None });
    let office = |w: &mut World, exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>, code: &str| {
        let Some(Created::Office(o)) = exec(
            w,
            sys,
            Command::CreateOffice {
                code: Code::parse("c", code).unwrap(),
                name: text(code),
                parent: None,
                signing_code: None,
            },
        ) else {
            panic!()
        };
        o
    };
    let glpi = office(&mut w, &mut exec, "GLPI");
    let un = office(&mut w, &mut exec, "UN");
    let tok = office(&mut w, &mut exec, "TOK");
    let job = |w: &mut World,
               exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
               code: &str,
               office: OfficeId| {
        let Some(Created::Job(j)) = exec(
            w,
            sys,
            Command::CreateJob {
                code: JobCode::parse("c", code).unwrap(),
                signing_code: None,
                name: text(code),
                office,
            },
        ) else {
            panic!()
        };
        j
    };
    let job_glpi = job(&mut w, &mut exec, "JOB.GLPI.01", glpi);
    let job_glpi_free = job(&mut w, &mut exec, "JOB.GLPI.02", glpi);
    let job_un_1 = job(&mut w, &mut exec, "JOB.UN.01", un);
    let job_un_2 = job(&mut w, &mut exec, "JOB.UN.02", un);
    let job_tok = job(&mut w, &mut exec, "JOB.TOK.01", tok);
    let leader_glpi = w.job_by_code("LEADER.GLPI").unwrap();
    let leader_un = w.job_by_code("LEADER.UN").unwrap();
    let user = |w: &mut World,
                exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                name: &str,
                kind: AccountKind,
                jobs: Vec<JobId>| {
        let Some(Created::User(u)) = exec(
            w,
            sys,
            Command::CreateUser {
                username: Username::parse("u", name).unwrap(),
                kind,
                title: None,
                first_name: text(name),
                last_name: text("Test"),
                gender: Gender::Unspecified,
                email: Email::parse("e", &format!("{name}@test.si")).unwrap(),
                phone: None,
                jobs,
            },
        ) else {
            panic!()
        };
        u
    };
    let admin = user(&mut w, &mut exec, "admin", AccountKind::Admin, vec![]);
    let glpi_admin = user(&mut w, &mut exec, "glpi-admin", AccountKind::User, vec![leader_glpi]);
    let un_admin = user(&mut w, &mut exec, "un-admin", AccountKind::User, vec![leader_un]);
    let ana = user(&mut w, &mut exec, "ana", AccountKind::User, vec![job_un_1]);
    let bojan = user(&mut w, &mut exec, "bojan", AccountKind::User, vec![job_un_2]);
    let gregor = user(&mut w, &mut exec, "gregor", AccountKind::User, vec![job_glpi]);
    let uros = user(&mut w, &mut exec, "uros", AccountKind::User, vec![job_tok]);
    let _ = uros;
    let svc = user(&mut w, &mut exec, "svc", AccountKind::SystemUser, vec![]);
    let grant = |w: &mut World,
                 exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                 role: RoleId,
                 grantee: Grantee,
                 scope: Option<OfficeId>| {
        let Some(Created::Grant(g)) = exec(
            w,
            sys,
            Command::Grant {
                role,
                grantee,
                window: Window::ALWAYS,
                scope,
                reference: None,
            },
        ) else {
            panic!()
        };
        g
    };
    grant(&mut w, &mut exec, writer, Grantee::Everyone, None);
    grant(&mut w, &mut exec, clearance_b, Grantee::Everyone, None);
    grant(&mut w, &mut exec, glpi_role, Grantee::Job(job_glpi), None);
    grant(&mut w, &mut exec, glpi_role, Grantee::Job(leader_glpi), None);
    grant(&mut w, &mut exec, user_admin, Grantee::User(glpi_admin), Some(glpi));
    grant(&mut w, &mut exec, user_admin, Grantee::User(un_admin), Some(un));
    let grant_gregor = grant(&mut w, &mut exec, referent, Grantee::User(gregor), None);
    let Some(Created::Group(group)) = exec(
        &mut w,
        sys,
        Command::CreateGroup {
            code: Code::parse("c", "G1").unwrap(),
            name: text("Komisija"),
            users: vec![ana],
            jobs: vec![],
        },
    ) else {
        panic!()
    };
    let Some(Created::Class(class)) = exec(
        &mut w,
        sys,
        Command::CreateClass {
            code: Code::parse("c", "100").unwrap(),
            name: text("Splošno"),
            parent: None,
        },
    ) else {
        panic!()
    };
    let folder = |w: &mut World,
                  exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                  who: UserId,
                  title: &str| {
        let Some(Created::Folder(f)) = exec(
            w,
            Actor::user(who),
            Command::NewFolder {
                app: vopi,
                class,
                title: text(title),
                classification: Classification::PUBLIC,
            },
        ) else {
            panic!()
        };
        f
    };
    let document = |w: &mut World,
                    exec: &mut dyn FnMut(&mut World, Actor, Command) -> Option<Created>,
                    who: UserId,
                    folder: FolderId,
                    title: &str| {
        let Some(Created::Document(d)) = exec(
            w,
            Actor::user(who),
            Command::NewDocument {
                folder,
                title: text(title),
                classification: Classification::PUBLIC,
            },
        ) else {
            panic!()
        };
        d
    };
    let f1 = folder(&mut w, &mut exec, ana, "Zadeva 1");
    let f2 = folder(&mut w, &mut exec, bojan, "Zadeva 2");
    let f3 = folder(&mut w, &mut exec, ana, "Zadeva 3");
    let d1 = document(&mut w, &mut exec, ana, f1, "Dokument 1");
    let d2 = document(&mut w, &mut exec, bojan, f2, "Dokument 2");
    let d3 = document(&mut w, &mut exec, ana, f1, "Dokument 3");
    exec(
        &mut w,
        Actor::user(bojan),
        Command::HandOver {
            object: ObjectRef::Folder(f2),
            to: job_un_1,
        },
    );
    exec(
        &mut w,
        Actor::user(bojan),
        Command::HandOver {
            object: ObjectRef::Document(d2),
            to: job_un_1,
        },
    );
    exec(
        &mut w,
        Actor::user(ana),
        Command::Close {
            object: ObjectRef::Folder(f3),
        },
    );
    exec(
        &mut w,
        Actor::user(ana),
        Command::Close {
            object: ObjectRef::Document(d3),
        },
    );
    let Some(Created::Entry(entry)) = exec(
        &mut w,
        Actor::user(ana),
        Command::AddEntry {
            carrier: Carrier::Folder(f1),
            kind: AclKind::Allowed,
            entity: Entity::Group(group),
            value: Level::View14,
            group_value: None,
            window: Window::ALWAYS,
        },
    ) else {
        panic!()
    };
    let fx = Fixture {
        vopi,
        writer,
        referent,
        glpi_role,
        clearance_b,
        user_admin,
        glpi,
        un,
        tok,
        leader_glpi,
        leader_un,
        job_glpi,
        job_glpi_free,
        job_un_1,
        job_un_2,
        job_tok,
        admin,
        glpi_admin,
        un_admin,
        ana,
        bojan,
        gregor,
        svc,
        class,
        group,
        grant_gregor,
        f1,
        f2,
        f3,
        d1,
        d2,
        d3,
        entry,
    };
    (log, fx)
}

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
    _dir: tempfile::TempDir,
}

/// A fresh, empty database for the backend; returns its location.
pub fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite:{}", dir.join("adam.db").display()),
        Backend::Postgres => {
            let admin = std::env::var("ADAM_TEST_PG_URL").expect(
                "ADAM_TEST_PG_URL is not set: PostgreSQL tests need a server (the CI script starts one and sets it)",
            );
            let name = format!("adam_api_{}", unique());
            let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to ADAM_TEST_PG_URL");
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the test database");
            with_database(&admin, &name)
        }
    }
}

/// The URL of another database on the same server.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..path_start])
}

fn unique() -> String {
    let mut bytes = [0u8; 6];
    getrandom_fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn getrandom_fill(bytes: &mut [u8]) {
    use std::time::{SystemTime, UNIX_EPOCH};
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() ^ (std::process::id() as u128) << 64;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as u128;
    let mut x = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in bytes.iter_mut() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *b = (x >> 64) as u8;
    }
}

/// The audit key directory of a test database: one per location, so that servers sharing a
/// database share its keys (as a deployment must).
pub fn keys_dir(location: &str) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    location.hash(&mut h);
    std::env::temp_dir()
        .join("adam-test-keys")
        .join(format!("{}-{:016x}", std::process::id(), h.finish()))
}

/// Opens a store (on a blocking thread: the PostgreSQL client blocks).
pub async fn open(location: &str) -> Arc<dyn Store> {
    let location = location.to_owned();
    tokio::task::spawn_blocking(move || {
        let keys = Arc::new(adam_store::Keyring::open(keys_dir(&location)).unwrap());
        Arc::from(adam_store::open(&location, keys).unwrap())
    })
    .await
    .unwrap()
}

/// Sign-in settings for tests: plain-HTTP cookies on loopback, cheap Argon2 (the tests check
/// behaviour, not cost), e-mail to `mail` if given.
pub fn test_auth(mail: Option<adam_server::mail::MailConfig>) -> adam_server::login::AuthConfig {
    adam_server::login::AuthConfig {
        secure_cookies: false,
        hash_params: adam_auth::hash::HashParams::new(1024, 1, 1).unwrap(),
        mail,
        ..adam_server::login::AuthConfig::default()
    }
}

/// The state of a test server: a manual clock at [`NOW`] and a quick follower.
pub async fn state_on(store: Arc<dyn Store>) -> AppState {
    state_with(store, test_auth(None)).await
}

/// [`state_on`] with given sign-in settings.
pub async fn state_with(store: Arc<dyn Store>, auth: adam_server::login::AuthConfig) -> AppState {
    let config = Config {
        follow_every: std::time::Duration::from_millis(50),
        revision_wait: std::time::Duration::from_millis(400),
        auth,
        ..Config::default()
    };
    AppState::load(store, Clock::Manual(AtomicI64::new(NOW)), config)
        .await
        .unwrap()
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
        let handle = tokio::spawn(async move {
            let _ = adam_server::serve(listener, served, std::future::pending()).await;
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
            _dir: dir,
        }
    }

    /// Stops serving and hands back the pieces (the database stays).
    pub fn stop(self) -> (String, Fixture, Vec<(Who, String)>, tempfile::TempDir) {
        self.handle.abort();
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
    async fn from(response: reqwest::Response) -> Reply {
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

/// A checker for the subset of JSON Schema that schemars writes, against the components of
/// the OpenAPI document: enough to prove that answers have the documented shape.
pub fn conforms(doc: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        let target = &doc["components"]["schemas"][name];
        if target.is_null() {
            return Err(format!("{path}: unknown schema {r}"));
        }
        conforms(doc, target, value, path)?;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            conforms(doc, s, value, path)?;
        }
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array)
        && !any.iter().any(|s| conforms(doc, s, value, path).is_ok())
    {
        return Err(format!("{path}: matches none of anyOf: {value}"));
    }
    if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
        let n = one.iter().filter(|s| conforms(doc, s, value, path).is_ok()).count();
        if n != 1 {
            return Err(format!("{path}: matches {n} of oneOf (want 1): {value}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(value)
    {
        return Err(format!("{path}: {value} is not one of {e:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        return Err(format!("{path}: {value} is not {c}"));
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        });
        if !ok {
            return Err(format!("{path}: {value} is not of type {types:?}"));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), value.as_f64())
        && n < min
    {
        return Err(format!("{path}: {n} < minimum {min}"));
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    return Err(format!("{path}: required property {r} missing"));
                }
            }
        }
        if let Some(props) = props {
            for (k, v) in obj {
                match props.get(k) {
                    Some(s) => conforms(doc, s, v, &format!("{path}/{k}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{path}: property {k} is not documented"));
                    }
                    None => {}
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            conforms(doc, items, v, &format!("{path}/{i}"))?;
        }
    }
    Ok(())
}

/// Deletes the audit records after `keep` and every checkpoint in the database, bypassing the
/// triggers as a database superuser could: what someone hiding their tracks would do.
pub fn cut_tail(backend: Backend, location: &str, keep: u64) {
    let sql = format!(
        "DELETE FROM audit WHERE seq > {keep}; DELETE FROM audit_chain WHERE seq > {keep}; DELETE FROM audit_checkpoints;"
    );
    match backend {
        Backend::Sqlite => {
            let path = location.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA foreign_keys = OFF; DROP TRIGGER audit_delete_only_by_purge; \
                 DROP TRIGGER audit_chain_append_only_delete; DROP TRIGGER audit_checkpoints_append_only_delete; {sql}"
            ))
            .unwrap();
        }
        Backend::Postgres => {
            let mut client = postgres::Client::connect(location, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!("SET session_replication_role = replica; {sql}"))
                .unwrap();
        }
    }
}

/// A signed-in browser: the session cookie and the CSRF token from the login answer.
#[derive(Clone, Debug)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl Browser {
    /// From a login answer that set a cookie.
    pub fn from(reply: &Reply) -> Browser {
        let set = reply.header("set-cookie").expect("the answer sets a cookie");
        let cookie = set.split(';').next().unwrap().trim().to_owned();
        let csrf = reply.json["csrf_token"].as_str().expect("a CSRF token").to_owned();
        Browser { cookie, csrf }
    }
}

impl TestServer {
    /// Sends a request with no credentials at all.
    pub async fn anonymous(&self, method: Method, path: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    /// Sends a request as a signed-in browser; `csrf` says whether to send the token.
    pub async fn browse(&self, b: &Browser, method: Method, path: &str, body: Option<&Value>, csrf: bool) -> Reply {
        let mut headers = vec![("cookie", b.cookie.as_str())];
        if csrf {
            headers.push(("x-csrf-token", b.csrf.as_str()));
        }
        self.anonymous(method, path, body, &headers).await
    }

    /// Signs in; returns the answer.
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.anonymous(
            Method::POST,
            "/api/v1/auth/login",
            Some(&serde_json::json!({"username": username, "password": password})),
            &[],
        )
        .await
    }

    /// Gives an account a password directly (as the CLI does).
    pub async fn set_password(&self, user: UserId, password: &str) {
        adam_server::api::authn::set_password_as(&self.state, Actor::System, user, password, false)
            .await
            .unwrap_or_else(|e| panic!("set password: {}", e.detail));
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

    /// Creates a `user` account in these jobs as the system administrator; returns its id.
    pub async fn create_user(&self, username: &str, jobs: &[JobId]) -> u64 {
        let body = serde_json::json!({"username": username, "kind": "user", "first_name": username,
            "last_name": "Test", "email": format!("{username}@test.si"), "jobs": jobs});
        let created = self.post(Who::SysAdmin, "/api/v1/users", &body).await.expect(201);
        created.json["id"].as_u64().unwrap()
    }

    /// Gives `user` a confirmed second factor, as an enrolment would; returns its secret.
    pub async fn enrol_totp(&self, user: UserId) -> adam_auth::totp::TotpSecret {
        let secret = adam_auth::totp::TotpSecret::generate().unwrap();
        let enrolment = adam_store::TotpEnrolment {
            user,
            secret: secret.to_base32(),
            confirmed: true,
            created: self.state.now(),
            last_step: None,
        };
        let store = self.state.store.clone();
        tokio::task::spawn_blocking(move || store.save_totp(&enrolment, None, &[]))
            .await
            .unwrap()
            .unwrap();
        secret
    }

    /// Makes `user` a security lead (a grant by the console, through the write path).
    pub async fn make_security_lead(&self, user: UserId) {
        let lead = self
            .state
            .world()
            .role_by_code(SystemPower::SecurityLead.code())
            .unwrap();
        let ctx = self.state.context(Actor::System, None);
        self.state
            .execute_as(
                Actor::System,
                ctx,
                Command::Grant {
                    role: lead,
                    grantee: Grantee::User(user),
                    window: Window::ALWAYS,
                    scope: None,
                    reference: None,
                },
            )
            .await
            .unwrap();
    }
}

/// Passwords that pass the policy.
pub const STRONG: &str = "Kq7#Vz2!Lm9@Xr4$Tw";
pub const STRONG_2: &str = "Pj3&Hd8%Ns6^Bc1*Gy";
pub const STRONG_3: &str = "Wf5!Qz8#Rk2&Jv7@Hm";

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
