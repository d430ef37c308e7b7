//! The pages' client: a browser without script that does not follow redirects (so a form's 303
//! is seen), signed in as a [`Who`] (its bearer token; none for [`Who::Anonymous`]) or as a
//! [`Browser`] session (its cookie, and its CSRF token in every form it posts). Every request
//! answers an [`Answer`]: the status, the body, where a redirect leads and the headers.

use super::{Browser, TestServer, Who};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// A form with no fields (a button alone).
pub const NO_FORM: &[(&str, &str)] = &[];

/// How a [`Ui`] client is signed in.
#[derive(Clone, Debug)]
enum SignedIn {
    /// A bearer token, or none.
    Token(Option<String>),
    /// A browser session: its cookie on every request, its CSRF token (unless left out) as the
    /// `_csrf` field of every form.
    Session { cookie: String, csrf: Option<String> },
}

/// A client of the pages, signed in one way for all its requests.
pub struct Ui<'a> {
    s: &'a TestServer,
    client: reqwest::Client,
    signed_in: SignedIn,
    headers: Vec<(String, String)>,
}

/// A page's answer, read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    /// The `Location` header; empty when there is none.
    pub location: String,
    pub headers: HeaderMap,
}

impl Answer {
    /// The status and the body, for a test that reads no more.
    pub fn parts(self) -> (StatusCode, String) {
        (self.status, self.body)
    }
}

impl TestServer {
    /// The pages as `who` sees them, signed in by its token.
    pub fn ui(&self, who: Who) -> Ui<'_> {
        Ui::new(self, SignedIn::Token(self.token(who).map(str::to_owned)))
    }

    /// The pages as the holder of `token` sees them (none: anonymous).
    pub fn ui_token(&self, token: Option<&str>) -> Ui<'_> {
        Ui::new(self, SignedIn::Token(token.map(str::to_owned)))
    }

    /// The pages as the signed-in browser `b` sees them: its cookie, its CSRF token in forms.
    pub fn ui_session(&self, b: &Browser) -> Ui<'_> {
        Ui::new(
            self,
            SignedIn::Session {
                cookie: b.cookie.clone(),
                csrf: Some(b.csrf.clone()),
            },
        )
    }
}

impl<'a> Ui<'a> {
    fn new(s: &'a TestServer, signed_in: SignedIn) -> Ui<'a> {
        // No pooled connections, as the server's own client (see `TestServer::serve`).
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        Ui {
            s,
            client,
            signed_in,
            headers: Vec::new(),
        }
    }

    /// The same session, but its forms leave the CSRF token out (a forged post).
    pub fn without_csrf(mut self) -> Ui<'a> {
        if let SignedIn::Session { csrf, .. } = &mut self.signed_in {
            *csrf = None;
        }
        self
    }

    /// Sends `name: value` with every request.
    pub fn header(mut self, name: &str, value: &str) -> Ui<'a> {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A page.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Body::None, false).await
    }

    /// A page's htmx partial (`HX-Request: true`).
    pub async fn get_htmx(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Body::None, true).await
    }

    /// Posts a form.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(Method::POST, path, Body::form(form), false).await
    }

    /// Posts a form whose values are owned (as a test's form builder makes them).
    pub async fn post_owned(&self, path: &str, form: &[(&str, String)]) -> Answer {
        self.send(Method::POST, path, Body::form(form), false).await
    }

    /// Posts a body of its own type (a multipart upload); no CSRF field is added to it.
    pub async fn post_body(&self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        self.send(Method::POST, path, Body::Raw(content_type.to_owned(), body), false)
            .await
    }

    /// Sends a request by `method`; the form goes with a POST only.
    pub async fn request(&self, method: Method, path: &str, form: &[(&str, String)]) -> Answer {
        let body = if method == Method::POST {
            Body::form(form)
        } else {
            Body::None
        };
        self.send(method, path, body, false).await
    }

    async fn send(&self, method: Method, path: &str, body: Body, htmx: bool) -> Answer {
        let mut r = self.client.request(method, format!("{}{path}", self.s.url));
        let mut csrf_field = None;
        match &self.signed_in {
            SignedIn::Token(Some(t)) => r = r.bearer_auth(t),
            SignedIn::Token(None) => {}
            SignedIn::Session { cookie, csrf } => {
                r = r.header("cookie", cookie);
                csrf_field = csrf.as_deref();
            }
        }
        for (k, v) in &self.headers {
            r = r.header(k, v);
        }
        if htmx {
            r = r.header("HX-Request", "true");
        }
        match body {
            Body::None => {}
            Body::Form(mut fields) => {
                if let Some(csrf) = csrf_field {
                    fields.push(("_csrf".to_owned(), csrf.to_owned()));
                }
                r = r.form(&fields);
            }
            Body::Raw(content_type, bytes) => r = r.header("content-type", content_type).body(bytes),
        }
        let resp = r.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Answer {
            status,
            body: resp.text().await.unwrap(),
            location,
            headers,
        }
    }
}

/// What a request carries.
enum Body {
    None,
    /// A form's fields, in order.
    Form(Vec<(String, String)>),
    /// A content type and its bytes.
    Raw(String, Vec<u8>),
}

impl Body {
    fn form<K: AsRef<str>, V: AsRef<str>>(form: &[(K, V)]) -> Body {
        Body::Form(
            form.iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
                .collect(),
        )
    }
}
