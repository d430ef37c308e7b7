//! Attachments over the API (issue 15): an upload is stored once and read back whole with its
//! name and type; empty, over-large, misnamed and malformed requests are refused with their
//! problems; a file is read only by those who may read a record referring to it (or, until
//! one does, by whoever uploaded it); a record cannot refer to a file that is not stored or
//! not the caller's to attach, and such a refusal changes nothing.

use crate::inventory_fixture::{Inventory, Party, build};
use crate::on_both_backends;
use crate::support::*;
use adam_core::AccountKind;
use adam_server::service::attachments::{Upload, UploadMeta};
use adam_server::{AppState, Caller, Clock, Config, Scope};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest as _;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

/// A file of a few chunks (256 KiB each), with a recognisable pattern.
fn file(len: usize) -> Vec<u8> {
    b"Porocilo o pregledu; ".iter().copied().cycle().take(len).collect()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Uploads `bytes` as `party` under `name`.
pub async fn upload(s: &TestServer, inv: &Inventory, party: Party, name: &str, bytes: Vec<u8>) -> Reply {
    let response = s
        .client
        .post(format!("{}/api/v1/attachments?name={name}&doc_type=evidence", s.url))
        .bearer_auth(inv.token(s, party))
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .unwrap();
    crate::inventory_fixture::reply(response).await
}

/// Downloads a file as `party`: the reply and the raw bytes.
async fn download(s: &TestServer, inv: &Inventory, party: Party, digest: &str) -> (Reply, Vec<u8>) {
    let response = s
        .client
        .get(format!("{}/api/v1/attachments/{digest}", s.url))
        .bearer_auth(inv.token(s, party))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (
        Reply {
            status,
            headers,
            json,
            text,
        },
        bytes,
    )
}

async fn uploads_are_stored_once_read_back_and_read_as_the_record(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let bytes = file(600 * 1024);
    let digest = sha256(&bytes);

    let first = upload(&s, &inv, Party::Lead, "poro%C4%8Dilo.pdf", bytes.clone())
        .await
        .expect(201);
    assert_eq!(first.json["sha256"], digest);
    assert_eq!(first.json["size"], bytes.len());
    assert_eq!(first.json["name"], "poročilo.pdf");
    assert_eq!(first.json["media_type"], "application/pdf");
    assert_eq!(first.json["doc_type"], "evidence");
    // The same bytes again: the same file (stored once: `adam-store`'s round-trip test counts
    // the rows), under the name given this time.
    let again = upload(&s, &inv, Party::Lead, "kopija.pdf", bytes.clone())
        .await
        .expect(201);
    assert_eq!(again.json["sha256"], digest);
    assert_eq!(again.json["name"], "kopija.pdf");

    // Until a record refers to it, only its uploader reads it.
    let (r, back) = download(&s, &inv, Party::Lead, &digest).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(back == bytes, "the bytes read back are the bytes uploaded");
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("poro%C4%8Dilo.pdf"), "{disposition}");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    for party in [Party::Custodian, Party::OtherCustodian, Party::UserAdmin] {
        download(&s, &inv, party, &digest).await.0.problem(404, "not-found");
    }
    for party in [Party::Plain, Party::Service] {
        download(&s, &inv, party, &digest)
            .await
            .0
            .problem(403, "not-an-attachment-reader");
    }

    // Refused uploads and reads.
    upload(&s, &inv, Party::Lead, "prazno.pdf", Vec::new())
        .await
        .problem(422, "empty-attachment");
    upload(&s, &inv, Party::Plain, "x.pdf", b"x".to_vec())
        .await
        .problem(403, "not-an-attachment-writer");
    let nameless = s
        .client
        .post(format!("{}/api/v1/attachments", s.url))
        .bearer_auth(inv.token(&s, Party::Lead))
        .body(b"x".to_vec())
        .send()
        .await
        .unwrap();
    crate::inventory_fixture::reply(nameless)
        .await
        .problem(422, "invalid-query");
    download(&s, &inv, Party::Lead, "not-a-digest")
        .await
        .0
        .problem(400, "bad-digest");
    download(&s, &inv, Party::Lead, &"0".repeat(64))
        .await
        .0
        .problem(404, "not-found");

    // A record cannot refer to a file that is not stored, not of that size, or not the
    // caller's to attach (the custodian knows the digest but neither uploaded nor reads it).
    let item = format!("/api/v1/inventory/{}", inv.system.0);
    let revision = s.revision().await;
    let reference = |sha: &str, size: usize| json!({"sha256": sha, "name": "x.pdf", "size": size});
    for (party, attached) in [
        (Party::Lead, reference(&"ab".repeat(32), 3)),
        (Party::Lead, reference(&digest, bytes.len() + 1)),
        (Party::Custodian, reference(&digest, bytes.len())),
    ] {
        inv.edit(&s, party, Method::PATCH, &item, &json!({ "attachments": [attached] }))
            .await
            .problem(422, "unknown-attachment");
    }
    let created = inv
        .post(
            &s,
            Party::Lead,
            "/api/v1/inventory",
            &json!({"kind": "asset", "code": "NOVO", "name": "Novo", "custodian": inv.custodian,
                "attachments": [reference(&"cd".repeat(32), 1)]}),
        )
        .await;
    created.problem(422, "unknown-attachment");
    assert_eq!(s.revision().await, revision, "a refused reference changes nothing");

    // The uploader attaches it; now the item's readers read it, and nobody else.
    let edited = inv
        .edit(
            &s,
            Party::Lead,
            Method::PATCH,
            &item,
            &json!({ "attachments": [first.json.clone()] }),
        )
        .await
        .expect(200);
    assert_eq!(edited.json["attachments"][0]["sha256"], digest);
    for party in [
        Party::Lead,
        Party::Custodian,
        Party::OtherCustodian,
        Party::UserAdmin,
        Party::Admin,
    ] {
        let (r, back) = download(&s, &inv, party, &digest).await;
        assert_eq!(r.status, 200, "{party:?}: {}", r.text);
        assert!(back == bytes, "{party:?}");
    }
    for party in [Party::Plain, Party::Service] {
        download(&s, &inv, party, &digest)
            .await
            .0
            .problem(403, "not-an-attachment-reader");
    }
    // The custodian may now carry the file over to another of their items (they read it).
    inv.edit(
        &s,
        Party::Custodian,
        Method::PATCH,
        &format!("/api/v1/inventory/{}", inv.asset.0),
        &json!({ "attachments": [first.json.clone()] }),
    )
    .await
    .expect(200);
    // An edit that leaves the list out keeps it.
    let kept = inv
        .edit(
            &s,
            Party::Lead,
            Method::PATCH,
            &item,
            &json!({"name": "Sistem VOPI z datoteko"}),
        )
        .await
        .expect(200);
    assert_eq!(kept.json["attachments"][0]["sha256"], digest);
}
on_both_backends!(uploads_are_stored_once_read_back_and_read_as_the_record);

/// A server like [`TestServer::start`] whose attachment limit is `limit` bytes.
async fn server_with_limit(backend: Backend, limit: u64) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let location = tokio::task::spawn_blocking(move || fresh_database(backend, &path))
        .await
        .unwrap();
    let store = open(&location).await;
    let writer = store.clone();
    tokio::task::spawn_blocking(move || writer.initialise(&adam_core::Text::parse("o", "Občina Test").unwrap()))
        .await
        .unwrap()
        .unwrap();
    let config = Config {
        follow_every: std::time::Duration::from_millis(50),
        auth: test_auth(None),
        attachment_max_bytes: limit,
        ..Config::default()
    };
    let state = AppState::load(store, Clock::Manual(AtomicI64::new(NOW)), config)
        .await
        .unwrap();
    let (commands, fx) = fixture_commands();
    for (actor, command) in commands {
        let ctx = state.context(actor, None);
        state.execute_as(actor, ctx, command).await.unwrap();
    }
    let issued = adam_server::api::system::issue(
        &state,
        adam_core::Actor::System,
        None,
        fx.admin,
        "test",
        &[Scope::Read, Scope::Write],
        None,
    )
    .await
    .unwrap();
    TestServer::serve(backend, location, state, fx, vec![(Who::SysAdmin, issued.secret)], dir).await
}

async fn a_file_over_the_limit_is_refused_naming_the_limit(backend: Backend) {
    let limit = 300 * 1024;
    let s = server_with_limit(backend, limit).await;
    let url = format!("{}/api/v1/attachments?name=big.bin", s.url);
    let send = |bytes: Vec<u8>| {
        s.client
            .post(&url)
            .bearer_auth(s.token(Who::SysAdmin).unwrap())
            .body(bytes)
            .send()
    };
    // Declared too large: refused before a byte is read.
    let r = crate::inventory_fixture::reply(send(file(limit as usize + 1)).await.unwrap()).await;
    let r = r.problem(413, "attachment-too-large");
    assert_eq!(r.json["limit"], limit);
    assert!(r.json["detail"].as_str().unwrap().contains(&limit.to_string()));
    // At the limit: stored.
    let at = crate::inventory_fixture::reply(send(file(limit as usize)).await.unwrap()).await;
    assert_eq!(at.status, 201, "{}", at.text);

    // Streamed without a declared length (as a chunked body arrives): refused once the bytes
    // pass the limit, and what was stored of it is dropped.
    let caller = Caller {
        user: s.fx.admin,
        kind: AccountKind::User,
        scopes: vec![Scope::Read, Scope::Write],
        source_ip: None,
        min_revision: None,
        mfa: false,
        session: None,
        csrf: None,
    };
    let meta = UploadMeta::parse("stream.bin", None, None).unwrap();
    let mut up = Upload::begin(&s.state, &caller, meta, None).await.unwrap();
    let piece = file(100 * 1024);
    up.push(&piece).await.unwrap();
    up.push(&piece).await.unwrap();
    up.push(&piece).await.unwrap();
    let e = up.push(&piece).await.err().unwrap();
    assert_eq!(e.code, "attachment-too-large");
    let store: Arc<dyn adam_store::Store> = s.state.store.clone();
    let stream_digest = adam_core::attachment::Digest::parse("d", &sha256(&file(400 * 1024))).unwrap();
    assert!(
        tokio::task::spawn_blocking(move || store.attachment(&stream_digest))
            .await
            .unwrap()
            .unwrap()
            .is_none()
    );
}
on_both_backends!(a_file_over_the_limit_is_refused_naming_the_limit);

/// A risk assessment, an access review and a baseline carry files added one by one
/// (`POST …/{id}/attachments`): by whoever keeps the record, once each, never removed (a
/// correction keeps them, the record "as of" before shows none), read by the record's readers;
/// a file that is not stored, or a record that does not exist, changes nothing.
async fn register_records_carry_files_added_in_their_own_change(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let risk = json!({"date": "2026-02-10", "scope": "Občina", "findings": "F", "treatment": "T"});
    let id = inv
        .post(&s, Party::Lead, "/api/v1/risk-assessments", &risk)
        .await
        .expect(201)
        .json["id"]
        .clone();
    let path = format!("/api/v1/risk-assessments/{id}");
    let before = s.state.now();
    s.state.clock.set(adam_core::Timestamp(before.0 + 60));
    let bytes = file(1000);
    let file_ref = upload(&s, &inv, Party::Lead, "porocilo.pdf", bytes.clone())
        .await
        .expect(201)
        .json;
    let attach = format!("{path}/attachments");

    // Only a keeper adds to it: the clerk and a custodian are refused before the file is looked at.
    for party in [Party::Plain, Party::Custodian] {
        inv.post(&s, party, &attach, &file_ref).await.expect(403);
    }
    let files = inv.post(&s, Party::Lead, &attach, &file_ref).await.expect(200).json;
    assert_eq!(files.as_array().unwrap().len(), 1);
    assert_eq!(files[0]["sha256"], file_ref["sha256"]);
    inv.post(&s, Party::Lead, &attach, &file_ref)
        .await
        .problem(409, "no-change");

    // What cannot be attached changes nothing.
    let revision = s.revision().await;
    let missing = json!({"sha256": "ab".repeat(32), "name": "x.pdf", "size": 3});
    inv.post(&s, Party::Lead, &attach, &missing)
        .await
        .problem(422, "unknown-attachment");
    inv.post(&s, Party::Lead, "/api/v1/risk-assessments/99/attachments", &file_ref)
        .await
        .expect(404);
    inv.post(&s, Party::Lead, &attach, &json!({"sha256": "x"}))
        .await
        .problem(422, "invalid-body");
    let mut extra = file_ref.clone();
    extra["evil"] = json!(1);
    inv.post(&s, Party::Lead, &attach, &extra)
        .await
        .problem(422, "invalid-body");
    assert_eq!(s.revision().await, revision);

    // The record shows it, a correction keeps it, and the record as it stood before has none.
    let shown = inv
        .call(&s, Party::Custodian, Method::GET, &path, None, &[])
        .await
        .expect(200)
        .json;
    assert_eq!(shown["attachments"][0]["sha256"], file_ref["sha256"]);
    let corrected = json!({"date": "2026-02-10", "scope": "Občina", "findings": "F2", "treatment": "T"});
    inv.edit(&s, Party::Lead, Method::PUT, &path, &corrected)
        .await
        .expect(200);
    let shown = inv
        .call(&s, Party::Lead, Method::GET, &path, None, &[])
        .await
        .expect(200)
        .json;
    assert_eq!(shown["findings"], "F2");
    assert_eq!(shown["attachments"][0]["sha256"], file_ref["sha256"]);
    let then = inv
        .call(&s, Party::Lead, Method::GET, &format!("{path}?at={before}"), None, &[])
        .await
        .expect(200)
        .json;
    assert!(then.get("attachments").is_none(), "{then}");

    // Read by the risk register's readers, not by the clerk.
    let digest = file_ref["sha256"].as_str().unwrap();
    let (reply, back) = download(&s, &inv, Party::Custodian, digest).await;
    reply.expect(200);
    assert!(back == bytes);
    download(&s, &inv, Party::Plain, digest)
        .await
        .0
        .problem(403, "not-an-attachment-reader");
}
on_both_backends!(register_records_carry_files_added_in_their_own_change);
