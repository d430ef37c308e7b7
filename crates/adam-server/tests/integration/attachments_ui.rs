//! Attachments on an inventory item's page (issue 15), over HTTP on both backends: the upload
//! form (`multipart/form-data`) stores the file and attaches it to the item through the write
//! path, the page lists it with its download link, the link gives the bytes back; someone who
//! may not edit the item is refused before anything is stored; a form without a file comes
//! back with the message at the field; a signed-in person's form needs its CSRF token.

use crate::inventory_fixture::{Party, build};
use crate::on_both_backends;
use crate::support::*;
use reqwest::StatusCode;

pub(crate) const BOUNDARY: &str = "----adamTestBoundary7MA4YWxk";

/// A multipart form: the text fields first, then the file (when given).
pub(crate) fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn the_upload_form_attaches_a_file_to_the_item(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let item = format!("/ui/inventory/{}", inv.system.0);
    let bytes: Vec<u8> = b"Zapisnik pregleda; "
        .iter()
        .copied()
        .cycle()
        .take(300 * 1024)
        .collect();
    let upload = format!("{item}/attachments");
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let post = async |party: Party, body: Vec<u8>| {
        s.ui_token(Some(inv.token(&s, party)))
            .post_body(&upload, &multipart_type, body)
            .await
    };
    let revision = s.revision().await;

    // Neither a plain clerk nor the custodian of another system attaches files here.
    for party in [Party::Plain, Party::OtherCustodian] {
        let r = post(party, multipart(&[("doc_type", "zapisnik")], Some(("z.txt", &bytes)))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{party:?}");
    }
    // No file: the page again, the message at the field.
    let r = post(Party::Custodian, multipart(&[], None)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f_file-error\""));
    assert_eq!(s.revision().await, revision, "nothing changed");

    // The custodian uploads: back to the item, which now lists the file.
    let r = post(
        Party::Custodian,
        multipart(&[("doc_type", "zapisnik")], Some(("zapisnik.txt", &bytes))),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"].to_str().unwrap(), format!("{item}#attachments"));
    let page = s
        .ui_token(Some(inv.token(&s, Party::Lead)))
        .get(&format!("{item}?lang=en"))
        .await
        .body;
    assert!(page.contains("zapisnik.txt"), "the page lists the file");
    let href = regex::Regex::new(r#"href="(/ui/attachments/[0-9a-f]{64})""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    // The link gives the bytes back to a reader of the item, not to a plain clerk.
    // The bytes, not text: the server's own client, not the pages' one.
    let got = s
        .client
        .get(format!("{}{href}", s.url))
        .bearer_auth(inv.token(&s, Party::Lead))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert!(got.bytes().await.unwrap().to_vec() == bytes);
    let refused = s.ui_token(Some(inv.token(&s, Party::Plain))).get(&href).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A signed-in person's form needs its CSRF token (the form's first part): without it the
    // form is refused and nothing is stored; with it the file is attached.
    s.set_password(inv.lead, STRONG).await;
    let username = s.state.world().user(inv.lead).unwrap().username.to_string();
    let browser = Browser::from(&s.login(&username, STRONG).await.expect(200));
    // The session's cookie; the token, when sent, is a part of the multipart body.
    let send = async |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let body = multipart(&fields, Some(("s-zetonom.txt", b"s zetonom")));
        s.ui_session(&browser).post_body(&upload, &multipart_type, body).await
    };
    let revision = s.revision().await;
    let r = send(vec![]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.revision().await, revision, "a form without its token changes nothing");
    let r = send(vec![("_csrf", browser.csrf.clone())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(s.revision().await > revision);
}
on_both_backends!(the_upload_form_attaches_a_file_to_the_item);

/// The same form on the register records that carry files added one by one — a risk
/// assessment, an access review, an integrity baseline: their keepers add a file (back to the
/// page, which lists it), a clerk is refused before anything is stored, a form without a file
/// comes back with the message at the field.
async fn register_pages_take_files_through_the_same_form(backend: Backend) {
    use crate::inventory_fixture::{fields, run};
    use adam_core::register::inventory::ItemKind;
    use adam_core::*;
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let created = |c: Option<Created>| c.unwrap_or_else(|| panic!("nothing created"));
    // A risk assessment; a system of VOPI's application under review; a key server with a baseline.
    let risk: register::risk::RiskFields = serde_json::from_value(
        serde_json::json!({"date": "2026-02-10", "scope": "Občina", "findings": "F", "treatment": "T"}),
    )
    .unwrap();
    run(&s, Actor::System, Command::RecordRiskAssessment { fields: risk }).await;
    let mut review = fields("VOPI-APP", "Sistem aplikacije VOPI", inv.custodian);
    review.application = Some(s.fx.vopi);
    let Created::Item(system) = created(
        run(
            &s,
            Actor::System,
            Command::CreateItem {
                kind: ItemKind::System,
                fields: review,
            },
        )
        .await,
    ) else {
        panic!()
    };
    run(
        &s,
        Actor::System,
        Command::StartAccessReview {
            system,
            due: LocalDate::new(2026, 3, 31).unwrap(),
        },
    )
    .await;
    let mut key = fields("KEY-SRV", "Ključni strežnik", inv.custodian);
    key.key_server = true;
    let Created::Item(server) = created(
        run(
            &s,
            Actor::System,
            Command::CreateItem {
                kind: ItemKind::System,
                fields: key,
            },
        )
        .await,
    ) else {
        panic!()
    };
    run(
        &s,
        Actor::System,
        Command::SubmitBaseline {
            server,
            manifest: serde_json::from_value(crate::integrity::files("22")).unwrap(),
            taken_at: None,
        },
    )
    .await;

    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let link = regex::Regex::new(r#"href="(/ui/attachments/[0-9a-f]{64})""#).unwrap();
    for (form, page, who) in [
        ("/ui/risk/0/attachments", "/ui/risk/0".to_owned(), Party::Lead),
        (
            "/ui/access-reviews/0/attachments",
            "/ui/access-reviews/0".to_owned(),
            Party::Custodian,
        ),
        (
            "/ui/integrity/baselines/0/attachments",
            format!("/ui/integrity/{}", server.0),
            Party::Custodian,
        ),
    ] {
        let post = async |party: Party, body: Vec<u8>| {
            s.ui_token(Some(inv.token(&s, party)))
                .post_body(form, &multipart_type, body)
                .await
        };
        let revision = s.revision().await;
        let r = post(Party::Plain, multipart(&[], Some(("x.txt", b"x")))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{form}");
        let r = post(who, multipart(&[], None)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}: {}", r.body);
        assert!(r.body.contains("id=\"f_file-error\""), "{form}");
        assert_eq!(s.revision().await, revision, "{form}: nothing changed");
        let r = post(
            who,
            multipart(&[("doc_type", "zapisnik")], Some(("zapisnik-1.txt", b"Zapisnik"))),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{form}: {}", r.body);
        assert_eq!(r.headers["location"].to_str().unwrap(), format!("{page}#attachments"));
        let shown = s.ui_token(Some(inv.token(&s, who))).get(&page).await;
        assert!(shown.body.contains("zapisnik-1.txt"), "{page} lists the file");
        assert!(shown.body.contains("id=\"attachment-form\""), "{page} has the form");
        // The record's history says who added it.
        assert!(shown.body.contains("id=\"history\""), "{page} shows its history");
        assert!(
            shown.body.contains("pripel datoteko") || shown.body.contains("attached a file"),
            "{page}: {}",
            shown.body
        );
        // A plain clerk does not read it.
        let digest = link.captures(&shown.body).unwrap()[1].to_owned();
        let refused = s.ui_token(Some(inv.token(&s, Party::Plain))).get(&digest).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}
on_both_backends!(register_pages_take_files_through_the_same_form);
