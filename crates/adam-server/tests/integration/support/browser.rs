//! A signed-in browser (the session cookie and the CSRF token of a login) and the requests
//! without a token: anonymous, as a browser, the login itself.

use super::{Reply, TestServer};
use reqwest::Method;
use serde_json::Value;

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
}
