//! Questions "as of" an earlier instant (issue #14, item 16) are answered by the world as it
//! stood then, replayed from the change log, and say which revision answered: a folder created
//! today does not exist as of yesterday; today's answer is unchanged.

use crate::on_both_backends;
use crate::support::*;
use adam_core::Timestamp;
use reqwest::Method;
use serde_json::json;

const DAY: i64 = 86_400;

async fn as_of_answers_from_the_world_as_it_stood(backend: Backend) {
    let s = TestServer::start(backend).await;
    let fx = s.fx.clone();
    let yesterday = s.revision().await;
    // A day later Ana opens a folder.
    s.advance(DAY);
    let folder = s
        .post(
            Who::Plain,
            "/api/v1/folders",
            &json!({"app": fx.vopi, "class": fx.class, "title": "Nova zadeva"}),
        )
        .await
        .expect(201);
    let f = folder.json["id"].as_u64().unwrap();
    let today = s.revision().await;
    assert!(today > yesterday);
    let then = Timestamp(NOW + DAY / 2);
    let check = |at: Option<Timestamp>, object: serde_json::Value| {
        let mut body = json!({"user": fx.ana, "object": object});
        if let Some(at) = at {
            body["at"] = json!(at);
        }
        body
    };
    let folder_ref = json!({"type": "folder", "id": f});

    // Today Ana reaches her new folder.
    let now = s
        .post(Who::Service, "/api/v1/check", &check(None, folder_ref.clone()))
        .await
        .expect(200);
    assert!(now.json["level"].as_u64().unwrap() >= 14, "{}", now.text);
    assert_eq!(now.json["revision"], json!(today));
    // As of yesterday it did not exist: not "granted" by today's ACL.
    let past = s
        .post(Who::Service, "/api/v1/check", &check(Some(then), folder_ref.clone()))
        .await
        .problem(404, "unknown-folder");
    assert!(past.text.contains(&f.to_string()), "{}", past.text);
    s.post(Who::Service, "/api/v1/explain", &check(Some(then), folder_ref.clone()))
        .await
        .problem(404, "unknown-folder");
    // What existed then is answered by the world of then, which says its revision.
    let d1 = json!({"type": "document", "id": fx.d1});
    let old = s
        .post(Who::Service, "/api/v1/check", &check(Some(then), d1.clone()))
        .await
        .expect(200);
    assert_eq!(old.json["revision"], json!(yesterday), "{}", old.text);
    let why = s
        .post(Who::Service, "/api/v1/explain", &check(Some(then), d1.clone()))
        .await
        .expect(200);
    assert_eq!(why.json["revision"], json!(yesterday), "{}", why.text);
    assert_eq!(why.json["at"], json!(then));
    // A batch and a lookup as of then agree.
    let batch = s
        .post(
            Who::Service,
            "/api/v1/check/batch",
            &json!({"at": then, "checks": [{"user": fx.ana, "object": folder_ref}, {"user": fx.ana, "object": d1}]}),
        )
        .await
        .expect(200);
    assert_eq!(batch.json["revision"], json!(yesterday));
    assert!(batch.json["results"][0]["error"].is_string(), "{}", batch.text);
    assert!(batch.json["results"][1]["level"].is_u64(), "{}", batch.text);
    let lookup = |at: Option<Timestamp>| {
        let mut path = format!("/api/v1/lookup?user={}&kind=folder&level=14", fx.ana.0);
        if let Some(at) = at {
            path.push_str(&format!("&at={at}"));
        }
        path
    };
    let listed_now = s.call(Who::Service, Method::GET, &lookup(None), None).await.expect(200);
    assert!(listed_now.json["items"].as_array().unwrap().contains(&json!(f)));
    let listed_then = s
        .call(Who::Service, Method::GET, &lookup(Some(then)), None)
        .await
        .expect(200);
    assert!(
        !listed_then.json["items"].as_array().unwrap().contains(&json!(f)),
        "{}",
        listed_then.text
    );
    assert_eq!(listed_then.json["revision"], json!(yesterday));
    // An instant after the last change is the live world's.
    let later = Timestamp(NOW + DAY + 60);
    let live = s
        .post(
            Who::Service,
            "/api/v1/check",
            &check(Some(later), json!({"type": "folder", "id": f})),
        )
        .await
        .expect(200);
    assert_eq!(live.json["revision"], json!(today));
}
on_both_backends!(as_of_answers_from_the_world_as_it_stood);
