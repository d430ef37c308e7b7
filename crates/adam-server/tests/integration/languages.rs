//! Both languages everywhere: a refusal keeps its problem `type` in Slovenian and English (the
//! API's `detail` follows `Accept-Language`, English when it names neither), and a Slovenian
//! page that shows a refusal, a field's message or an explanation holds no English sentence.

use crate::on_both_backends;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// English words that no Slovenian sentence holds.
const ENGLISH: &[&str] = &[
    "the", "is", "not", "you", "may", "must", "and", "of", "has", "only", "there", "this", "cannot", "already",
    "granted", "denied", "level", "by", "folder", "entries", "allowed", "job", "office", "user", "account",
];

/// The visible text of a page: tags (and their attributes) left out.
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The English words on a page's visible text.
fn english_on(html: &str) -> Vec<&'static str> {
    let text = visible(html).to_lowercase();
    // A code (`JOB.UN.01`, `adam.user_admin`) is one word, not English.
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && !"'._-".contains(c))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    ENGLISH.iter().copied().filter(|e| words.contains(e)).collect()
}

fn assert_slovenian(html: &str, page: &str) {
    let found = english_on(html);
    assert!(found.is_empty(), "{page} holds English {found:?}: {}", visible(html));
}

async fn a_refusal_keeps_its_type_in_both_languages(backend: Backend) {
    let s = TestServer::start(backend).await;
    let taken = json!({"code": "UN", "name": "Še en urad"});
    let ask = |lang: Option<&'static str>| {
        let s = &s;
        let taken = &taken;
        async move {
            let headers: Vec<(&str, &str)> = lang.map(|l| ("accept-language", l)).into_iter().collect();
            s.call_with(Who::SysAdmin, Method::POST, "/api/v1/offices", Some(taken), &headers)
                .await
                .problem(409, "duplicate-code")
        }
    };
    let sl = ask(Some("sl-SI, sl;q=0.9, en;q=0.5")).await;
    assert!(
        sl.json["detail"].as_str().unwrap().contains("je že v uporabi"),
        "{}",
        sl.text
    );
    assert_eq!(sl.json["title"], "V nasprotju s trenutnim stanjem");
    assert_eq!(sl.header("vary"), Some("Accept-Language"));
    let en = ask(Some("en")).await;
    assert!(
        en.json["detail"].as_str().unwrap().contains("is already in use"),
        "{}",
        en.text
    );
    assert_eq!(en.json["title"], "Conflict with the current state");
    // Neither language asked for: English, as scripts and logs have always read it.
    let none = ask(None).await;
    assert_eq!(none.json["detail"], en.json["detail"]);
    let other = ask(Some("de-AT, fr;q=0.8")).await;
    assert_eq!(other.json["detail"], en.json["detail"]);

    // A refusal of the authority, with the records it names called by their names.
    let forbidden = s
        .call_with(
            Who::Plain,
            Method::POST,
            &format!("/api/v1/folders/{}/close", s.fx.f2.0),
            None,
            &[("accept-language", "sl")],
        )
        .await;
    assert!(forbidden.status.is_client_error(), "{}", forbidden.text);
    let english = s
        .call_with(
            Who::Plain,
            Method::POST,
            &format!("/api/v1/folders/{}/close", s.fx.f2.0),
            None,
            &[],
        )
        .await;
    assert_eq!(forbidden.json["type"], english.json["type"], "{}", forbidden.text);
    assert_ne!(forbidden.json["detail"], english.json["detail"]);
    assert!(
        !forbidden.json["detail"].as_str().unwrap().contains("job#"),
        "{}",
        forbidden.text
    );

    // Signing in: a wrong password, then the lock-out's growing delay.
    s.set_password(s.fx.bojan, STRONG).await;
    let server = &s;
    let login = move |password: &'static str| {
        let body = json!({"username": "bojan", "password": password});
        async move {
            server
                .anonymous(
                    Method::POST,
                    "/api/v1/auth/login",
                    Some(&body),
                    &[("accept-language", "sl")],
                )
                .await
        }
    };
    let wrong = login(STRONG_2).await.problem(401, "unauthenticated");
    assert_eq!(wrong.json["detail"], "uporabniško ime ali geslo je napačno");
    let early = login(STRONG).await.problem(429, "too-many-attempts");
    assert!(
        early.json["detail"].as_str().unwrap().starts_with("preveč poskusov"),
        "{}",
        early.text
    );
    assert_eq!(early.json["title"], "Preveč poskusov");
}
on_both_backends!(a_refusal_keeps_its_type_in_both_languages);

async fn slovenian_pages_say_refusals_and_explanations_in_slovenian(backend: Backend) {
    let s = TestServer::start(backend).await;
    let f1 = s.fx.f1.0;

    // A 403 page.
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/folders/{f1}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("Nimate pravice") && html.contains("to zahteva nivo 13, vi imate 0"),
        "{html}"
    );
    assert_slovenian(&html, "the 403 page");
    let Answer { status, body: html, .. } = s.ui(Who::SysAdmin).get(&format!("/ui/folders/{f1}?lang=en")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("Not allowed") && html.contains("this needs level 13"),
        "{html}"
    );

    // A folder page with the explanation of why someone may see it.
    let Answer { status, body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/folders/{f1}?who=ana")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Nivo 22: dodeljeno") && html.contains("Dodeljujejo:"),
        "{html}"
    );
    assert!(
        html.contains("Zadeva") && html.contains("odprto") && html.contains("Klasifikacijski znak"),
        "{html}"
    );
    let class = s.state.world().class(s.fx.class).unwrap().clone();
    assert!(
        html.contains(&format!("{} – {}", class.code, class.name)),
        "the class by code and name: {html}"
    );
    assert!(!html.contains("class#") && !html.contains("job#"), "no raw ids: {html}");
    assert_slovenian(&html, "the folder page");
    let Answer { body: html, .. } = s.ui(Who::Plain).get(&format!("/ui/folders/{f1}?who=ana&lang=en")).await;
    assert!(
        html.contains("Level 22: granted") && html.contains("Granted by:"),
        "{html}"
    );
    assert!(
        html.contains("Folder") && html.contains("open") && html.contains("Filing class"),
        "{html}"
    );

    // A document page, refused an explanation about someone else.
    let Answer { status, body: html, .. } = s
        .ui(Who::Plain)
        .get(&format!("/ui/documents/{}?who=gregor", s.fx.d1.0))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("field-error"), "{html}");
    assert_slovenian(&html, "the document page");

    // A validation error on a form: the message at the field, in Slovenian.
    let office = s.fx.glpi;
    let path = format!("/ui/offices/{}", office.0);
    let rev = s.state.world().office(office).unwrap().rev.0.to_string();
    let form = |name: &str| {
        vec![
            ("rev", rev.clone()),
            ("name", name.to_owned()),
            ("signing_code", "10 00".to_owned()),
            ("parent", "0".to_owned()),
        ]
    };
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).post_owned(&path, &form("  ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("naziv: ne sme biti prazno"), "{html}");
    assert!(html.contains("signirni znak: vsebuje &#39; &#39;"), "{html}");
    assert_slovenian(&html, "the office form");
    let Answer { status, body: html, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(&format!("{path}?lang=en"), &form("  "))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("name must not be empty"), "{html}");
}
on_both_backends!(slovenian_pages_say_refusals_and_explanations_in_slovenian);

async fn my_activity_says_each_action_in_words(backend: Backend) {
    let s = TestServer::start(backend).await;
    let office = s.fx.glpi;
    let path = format!("/ui/offices/{}", office.0);
    let (rev, parent) = {
        let w = s.state.world();
        let o = w.office(office).unwrap();
        // The office stays where it is (an empty parent is the top).
        (
            o.rev.0.to_string(),
            o.parent.map(|p| p.0.to_string()).unwrap_or_default(),
        )
    };
    let Answer { status, .. } = s
        .ui(Who::UserAdminHere)
        .post_owned(
            &path,
            &[
                ("rev", rev),
                ("name", "Glavna pisarna".to_owned()),
                ("signing_code", String::new()),
                ("parent", parent),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let Answer { status, body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/activity").await;
    assert_eq!(status, StatusCode::OK);
    // In words, the code kept only as the title.
    assert!(
        html.contains("<td title=\"office.update\">spremenil urad</td>"),
        "{html}"
    );
    assert!(!visible(&html).contains("office.update"), "{html}");
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get("/ui/activity?lang=en").await;
    assert!(
        html.contains("<td title=\"office.update\">changed an office</td>"),
        "{html}"
    );
    // The office's own history and last change say it in words too.
    let Answer { body: html, .. } = s.ui(Who::UserAdminHere).get(&path).await;
    assert!(
        html.contains("spremenil urad") && html.contains("urad <span class=\"muted\">ADAM_ENTITY_OFFICE</span>"),
        "{html}"
    );
}
on_both_backends!(my_activity_says_each_action_in_words);
