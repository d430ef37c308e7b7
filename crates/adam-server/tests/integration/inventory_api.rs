//! The inventory's API (issue 15): every rule reachable over HTTP refused with its problem and
//! nothing changed, the Art. 53(1) second factor on an application whose system is Z3, the
//! inventory surviving a restart, the CSV exports, an item's history, and the shape of one
//! item's view.
//!
//! Why one file past ~800 lines: every rule of the inventory reachable over HTTP, against the one
//! small inventory of `inventory_fixture.rs`, so that a new rule lands beside the others.

use crate::inventory_fixture::{Inventory, Party, build, class, classify};
use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// What the inventory looks like to the lead: every item (retired too), each with its view.
async fn snapshot(s: &TestServer, inv: &Inventory) -> Vec<Value> {
    let list = inv
        .get(s, Party::Lead, "/api/v1/inventory?retired=true")
        .await
        .expect(200);
    let mut out = vec![list.json.clone()];
    for item in list.json["items"].as_array().unwrap() {
        let id = item["id"].as_u64().unwrap();
        out.push(
            inv.get(s, Party::Lead, &format!("/api/v1/inventory/{id}"))
                .await
                .expect(200)
                .json,
        );
    }
    out
}

async fn inactive_person(s: &TestServer) -> u64 {
    let id = s.create_user("odsoten", &[]).await;
    s.call(Who::SysAdmin, Method::DELETE, &format!("/api/v1/users/{id}"), None)
        .await
        .expect(200);
    id
}

async fn every_rule_is_refused_and_changes_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let gone = inactive_person(&s).await;
    let (sys, asset, other_sys) = (inv.system.0, inv.asset.0, inv.other_system.0);
    // The VOPI application runs on VOPI-SYS (Z2 C1 R1), for the Art. 11(2) rule on objects.
    inv.edit(
        &s,
        Party::Custodian,
        Method::PATCH,
        &format!("/api/v1/inventory/{sys}"),
        &json!({"application": s.fx.vopi}),
    )
    .await
    .expect(200);
    let before = snapshot(&s, &inv).await;
    let revision = s.revision().await;

    // Art. 10(3): no item without a custodian, and the custodian is an active person.
    let new = |custodian: Value| {
        let mut b = json!({"kind": "asset", "code": "NOVO", "name": "Novo"});
        if !custodian.is_null() {
            b["custodian"] = custodian;
        }
        b
    };
    let r = inv.post(&s, Party::Lead, "/api/v1/inventory", &new(Value::Null)).await;
    r.problem(422, "invalid-body");
    let r = inv.post(&s, Party::Lead, "/api/v1/inventory", &new(json!(gone))).await;
    r.problem(422, "custodian-inactive");
    let r = inv
        .edit(
            &s,
            Party::Lead,
            Method::PATCH,
            &format!("/api/v1/inventory/{sys}"),
            &json!({"custodian": gone}),
        )
        .await;
    r.problem(422, "custodian-inactive");
    // Only the keepers add items; a custodian does not hand their item to someone else.
    for party in [Party::Custodian, Party::UserAdmin] {
        let r = inv
            .post(&s, party, "/api/v1/inventory", &new(json!(inv.custodian)))
            .await;
        r.problem(403, "not-register-keeper");
    }
    let r = inv
        .edit(
            &s,
            Party::Custodian,
            Method::PATCH,
            &format!("/api/v1/inventory/{sys}"),
            &json!({"custodian": inv.other}),
        )
        .await;
    r.problem(403, "not-register-keeper");
    // Someone who does not read the inventory is told only that.
    let r = inv
        .post(&s, Party::Plain, &format!("/api/v1/inventory/{sys}/retire"), &json!({}))
        .await;
    r.problem(403, "not-an-inventory-reader");
    // The custodian of another system edits neither this system nor its links.
    let r = inv
        .edit(
            &s,
            Party::OtherCustodian,
            Method::PATCH,
            &format!("/api/v1/inventory/{sys}"),
            &json!({"name": "Prevzeto"}),
        )
        .await;
    r.problem(403, "not-item-keeper");

    // Art. 7: only the custodian classifies — not the lead, not the administrator.
    let z3 = json!({"z": 3, "c": 1, "r": 1});
    for party in [Party::Lead, Party::Admin, Party::OtherCustodian] {
        let r = inv
            .post(&s, party, &format!("/api/v1/inventory/{sys}/classification"), &z3)
            .await;
        r.problem(403, "not-custodian");
    }
    // Art. 11(2): a system is not classified below the assets it handles; the asset is named.
    let r = inv
        .post(
            &s,
            Party::Custodian,
            &format!("/api/v1/inventory/{sys}/classification"),
            &json!({"z": 1, "c": 1, "r": 1}),
        )
        .await
        .problem(409, "below-floor");
    assert!(r.json["detail"].as_str().unwrap().contains("VOPI-DATA"), "{}", r.text);
    assert!(r.json["detail"].as_str().unwrap().contains("11(2)"), "{}", r.text);

    // Art. 41: a public cloud only for Z1 C1 R1 or less, and with the ministry's approval.
    let cloud = json!({"public_cloud": {"service": "Oblak d.o.o.", "ministry_approval": "MJU 1/2026"}});
    let r = inv
        .edit(
            &s,
            Party::Custodian,
            Method::PATCH,
            &format!("/api/v1/inventory/{sys}"),
            &cloud,
        )
        .await
        .problem(409, "public-cloud-class");
    assert!(r.json["detail"].as_str().unwrap().contains("41(1)"), "{}", r.text);
    let r = inv
        .edit(
            &s,
            Party::OtherCustodian,
            Method::PATCH,
            &format!("/api/v1/inventory/{other_sys}"),
            &json!({"public_cloud": {"service": "Oblak d.o.o."}}),
        )
        .await
        .problem(422, "public-cloud-approval-missing");
    assert!(r.json["detail"].as_str().unwrap().contains("41(2)"), "{}", r.text);

    // Art. 38: moving VOPI-DATA (held by VOPI-SYS) into DRUGI-SYS.
    let links = format!("/api/v1/inventory/{other_sys}/links");
    let consent = |by: u32| json!({"by": by, "reference": "Soglasje 7/2026", "date": "2026-03-01"});
    let r = inv
        .post(
            &s,
            Party::OtherCustodian,
            &links,
            &json!({"asset": asset, "relation": "processes"}),
        )
        .await
        .problem(409, "transfer-consent-required");
    assert!(r.json["detail"].as_str().unwrap().contains("38(1)"), "{}", r.text);
    let r = inv
        .post(
            &s,
            Party::OtherCustodian,
            &links,
            &json!({"asset": asset, "relation": "processes", "consent": consent(inv.other.0)}),
        )
        .await;
    r.problem(422, "consent-not-by-source-custodian");
    let r = inv
        .post(
            &s,
            Party::OtherCustodian,
            &links,
            &json!({"asset": asset, "relation": "processes", "consent": consent(inv.custodian.0)}),
        )
        .await
        .problem(409, "transfer-below-asset");
    assert!(r.json["detail"].as_str().unwrap().contains("DRUGI-SYS"), "{}", r.text);
    // A link to a system by someone who keeps neither it nor the inventory.
    let r = inv
        .post(
            &s,
            Party::Custodian,
            &links,
            &json!({"asset": inv.other_asset, "relation": "stores"}),
        )
        .await;
    r.problem(403, "not-item-keeper");

    // Art. 11(2): an object of VOPI is not classified above VOPI-SYS (Z2 C1 R1).
    let r = s
        .post(
            Who::Plain,
            "/api/v1/folders",
            &json!({"app": s.fx.vopi, "class": s.fx.class, "title": "Previsoko", "classification": {"z": 0, "c": 2, "r": 0}}),
        )
        .await
        .problem(409, "object-above-system");
    assert!(r.json["detail"].as_str().unwrap().contains("11(2)"), "{}", r.text);
    assert!(r.json["detail"].as_str().unwrap().contains("VOPI-SYS"), "{}", r.text);

    // If-Match like the directory's.
    let path = format!("/api/v1/inventory/{sys}");
    let r = inv
        .call(
            &s,
            Party::Custodian,
            Method::PATCH,
            &path,
            Some(&json!({"name": "X"})),
            &[],
        )
        .await;
    r.problem(428, "if-match-required");
    let r = inv
        .call(
            &s,
            Party::Custodian,
            Method::PATCH,
            &path,
            Some(&json!({"name": "X"})),
            &[("if-match", "\"r1\"")],
        )
        .await;
    r.problem(412, "stale-revision");

    // The Decree's roles and the scheme are the keepers'.
    let r = inv
        .post(
            &s,
            Party::Custodian,
            "/api/v1/decree-roles",
            &json!({"role": "head", "user": inv.custodian, "since": "2026-03-01"}),
        )
        .await;
    r.problem(403, "not-register-keeper");
    let r = inv
        .post(
            &s,
            Party::Lead,
            &format!("/api/v1/decree-roles/{}/end", inv.appointment.0),
            &json!({"until": "2025-12-31"}),
        )
        .await;
    r.problem(422, "appointment-reversed");
    let scheme = json!({"regulation": "Uredba", "entries": [{"code": "Z1", "name": "Interno"}]});
    let r = inv
        .edit(&s, Party::Custodian, Method::PUT, "/api/v1/class-scheme", &scheme)
        .await;
    r.problem(403, "not-register-keeper");

    assert_eq!(s.revision().await, revision, "a refusal wrote something");
    assert_eq!(snapshot(&s, &inv).await, before, "a refusal changed the inventory");
}
on_both_backends!(every_rule_is_refused_and_changes_nothing);

async fn a_z3_system_asks_a_second_factor_for_every_object_of_its_application(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let sys = inv.system.0;
    let f1 = format!("/api/v1/folders/{}", s.fx.f1.0);
    s.get(Who::Plain, &f1).await.expect(200);
    inv.edit(
        &s,
        Party::Custodian,
        Method::PATCH,
        &format!("/api/v1/inventory/{sys}"),
        &json!({"application": s.fx.vopi}),
    )
    .await
    .expect(200);
    let view = inv
        .post(
            &s,
            Party::Custodian,
            &format!("/api/v1/inventory/{sys}/classification"),
            &json!({"z": 3, "c": 1, "r": 1, "protection_level": "visoka"}),
        )
        .await
        .expect(200);
    assert_eq!(view.json["classified"]["by"], inv.custodian.0);
    assert_eq!(view.json["classified"]["protection_level"], "visoka");
    assert!(
        view.json["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["article"] == "53(1)" && o["enforced"] == true && o["text"].as_str().unwrap().contains("Z3")),
        "{}",
        view.text
    );
    // The folder itself is unclassified; a token (one factor) is refused all the same.
    let r = s.get(Who::Plain, &f1).await.problem(403, "mfa-required");
    let _ = r;
    let question = json!({"user": s.fx.ana, "object": {"type": "folder", "id": s.fx.f1}});
    let x = s.post(Who::Service, "/api/v1/explain", &question).await.expect(200);
    assert_eq!(x.json["level"], 0, "{}", x.text);
    assert_eq!(x.json["rule"]["rule"], "mfa_required", "{}", x.text);
    assert_eq!(x.json["rule"]["system"], sys, "{}", x.text);
    // The summary names the system by its code and name, never by its internal id.
    let summary = x.json["summary"].as_str().unwrap();
    assert!(summary.contains("VOPI-SYS – Sistem VOPI"), "{}", x.text);
    assert!(!summary.contains("item#"), "{}", x.text);
    assert!(x.json["summary"].as_str().unwrap().contains("53(1)"), "{}", x.text);
    // With a second factor the same question is allowed.
    let with = json!({"user": s.fx.ana, "object": {"type": "folder", "id": s.fx.f1}, "mfa": true});
    let x = s.post(Who::Service, "/api/v1/explain", &with).await.expect(200);
    assert_ne!(x.json["level"], 0, "{}", x.text);
    // Lowering the system to Z2 lifts the requirement.
    inv.post(
        &s,
        Party::Custodian,
        &format!("/api/v1/inventory/{sys}/classification"),
        &json!({"z": 2, "c": 1, "r": 1}),
    )
    .await
    .expect(200);
    s.get(Who::Plain, &f1).await.expect(200);
}
on_both_backends!(a_z3_system_asks_a_second_factor_for_every_object_of_its_application);

async fn the_inventory_survives_a_restart(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    // A removed link, a retired item and a raised asset, so tombstones and floors are replayed.
    let extra = inv
        .post(
            &s,
            Party::OtherCustodian,
            &format!("/api/v1/inventory/{}/links", inv.other_system.0),
            &json!({"asset": inv.other_asset, "relation": "protects"}),
        )
        .await
        .expect(201);
    assert_eq!(extra.json["relation"], "protects");
    let extra = extra.json["id"].as_u64().unwrap();
    inv.call(
        &s,
        Party::OtherCustodian,
        Method::DELETE,
        &format!("/api/v1/inventory/links/{extra}"),
        None,
        &[],
    )
    .await
    .expect(200);
    classify(&s, inv.custodian, inv.asset, class(3, 1, 2)).await;
    inv.post(
        &s,
        Party::Lead,
        &format!("/api/v1/inventory/{}/retire", inv.other_asset.0),
        &json!({}),
    )
    .await
    .expect(200);
    let before = snapshot(&s, &inv).await;
    let holders = inv
        .get(&s, Party::Lead, "/api/v1/decree-roles/holders")
        .await
        .expect(200)
        .json;
    let system = &before[1 + inv.system.0 as usize];
    assert_eq!(system["below_floor"], true, "{system}");
    assert_eq!(system["floor"]["class"], json!({"z": 3, "c": 1, "r": 2}));
    let revision = s.revision().await;
    let world_items = s.state.world().items().to_vec();
    let world_links: Vec<_> = s.state.world().links().cloned().collect();

    let (location, fx, tokens, dir) = s.stop().await;
    let state = state_on(open(&location).await).await;
    let s = TestServer::serve(backend, location, state, fx, tokens, dir).await;
    assert_eq!(s.revision().await, revision);
    assert_eq!(s.state.world().items(), world_items.as_slice());
    assert_eq!(s.state.world().links().cloned().collect::<Vec<_>>(), world_links);
    assert_eq!(snapshot(&s, &inv).await, before);
    assert_eq!(
        inv.get(&s, Party::Lead, "/api/v1/decree-roles/holders")
            .await
            .expect(200)
            .json,
        holders
    );
}
on_both_backends!(the_inventory_survives_a_restart);

fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_exports_carry_every_item_and_a_header_in_the_callers_language() {
    let s = TestServer::start(Backend::Sqlite).await;
    let inv = build(&s).await;
    // VOPI-DATA raised to Z3: VOPI-SYS (Z2) falls below its floor; its review (2026-01-10) is overdue.
    classify(&s, inv.custodian, inv.asset, class(3, 1, 1)).await;
    let get = |lang: Option<&'static str>| {
        let inv = inv.clone();
        let s = &s;
        async move {
            let headers: Vec<(&str, &str)> = lang.map(|l| vec![("accept-language", l)]).unwrap_or_default();
            inv.call(s, Party::Lead, Method::GET, "/api/v1/inventory.csv", None, &headers)
                .await
                .expect(200)
        }
    };
    let en = get(None).await;
    assert_eq!(en.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(en.header("content-disposition").unwrap().contains("inventory.csv"));
    let table = rows(&en.text);
    assert_eq!(table[0][..4], ["id", "kind", "code", "name"]);
    assert_eq!(table.len(), 5, "a header and four items: {}", en.text);
    let col = |name: &str| table[0].iter().position(|c| c == name).unwrap();
    let sys = table.iter().find(|r| r[col("code")] == "VOPI-SYS").unwrap();
    assert_eq!(sys[col("kind")], "system");
    assert_eq!(sys[col("custodian")], "skrbnik");
    assert_eq!(sys[col("own system")], "true");
    assert_eq!(sys[col("class")], "Z2 C1 R1");
    assert_eq!(sys[col("classified by")], "skrbnik");
    assert_eq!(sys[col("effective class")], "Z3 C1 R1");
    assert_eq!(sys[col("floor")], "Z3 C1 R1");
    assert_eq!(sys[col("floor forced by")], "Z: VOPI-DATA; C: VOPI-DATA; R: VOPI-DATA");
    assert_eq!(sys[col("below floor")], "true");
    assert_eq!(sys[col("last reviewed")], "2025-01-10");
    assert_eq!(sys[col("review due")], "2026-01-10");
    assert_eq!(sys[col("review overdue")], "true");
    let other = table.iter().find(|r| r[col("code")] == "DRUGI-SYS").unwrap();
    assert_eq!(other[col("class")], "", "unclassified: {other:?}");
    assert_eq!(other[col("below floor")], "false");
    // Slovenian when asked for; the values are the same.
    let sl = get(Some("sl-SI,sl;q=0.9,en;q=0.5")).await;
    let sl_table = rows(&sl.text);
    assert_eq!(sl_table[0][..4], ["id", "vrsta", "koda", "naziv"]);
    assert_eq!(sl_table[1..], table[1..]);
    assert_eq!(rows(&get(Some("en")).await.text)[0], table[0]);
    // Filters apply to the export as to the list.
    let below = inv
        .get(&s, Party::Lead, "/api/v1/inventory.csv?below_floor=true")
        .await
        .expect(200);
    assert_eq!(rows(&below.text).len(), 2, "{}", below.text);

    // The role holders for the ministry (Art. 5(5)).
    let holders = inv
        .get(&s, Party::Custodian, "/api/v1/decree-roles/holders?format=csv")
        .await
        .expect(200);
    assert_eq!(holders.header("content-type"), Some("text/csv; charset=utf-8"));
    let h = rows(&holders.text);
    assert_eq!(
        h[0],
        ["role", "article", "system", "holder", "name", "contact", "since"]
    );
    assert_eq!(
        h[1],
        [
            "security_lead",
            "5(2)",
            "",
            "vodja",
            "vodja Test",
            "vodja.iv@test.si",
            "2026-01-01"
        ]
    );
    assert!(
        h.contains(
            &[
                "custodian",
                "7",
                "VOPI-SYS",
                "skrbnik",
                "skrbnik Test",
                "skrbnik@test.si",
                ""
            ]
            .map(String::from)
            .to_vec()
        ),
        "{h:?}"
    );
    let json = inv
        .get(&s, Party::Custodian, "/api/v1/decree-roles/holders")
        .await
        .expect(200);
    assert_eq!(json.json.as_array().unwrap().len(), h.len() - 1);
    assert_eq!(json.json[0]["role"], "security_lead");
    inv.get(&s, Party::Custodian, "/api/v1/decree-roles/holders?format=xml")
        .await
        .problem(422, "invalid-query");
    // Not for those who do not read the inventory.
    s.get(Who::Plain, "/api/v1/inventory.csv")
        .await
        .problem(403, "not-an-inventory-reader");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_view_shows_its_floor_links_and_obligations() {
    let s = TestServer::start(Backend::Sqlite).await;
    let inv = build(&s).await;
    let view = inv
        .call(
            &s,
            Party::Custodian,
            Method::GET,
            &format!("/api/v1/inventory/{}", inv.system.0),
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200);
    assert_eq!(
        view.header("etag").unwrap(),
        format!("\"r{}\"", view.json["rev"].as_u64().unwrap())
    );
    // Sorted: whether serde_json keeps insertion order depends on which crates share the build
    // (schemars switches `preserve_order` on), so the snapshot must not depend on it.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("inventory_item_view", view.json);
    });
    // In Slovenian the obligations are said in Slovenian.
    let sl = inv
        .call(
            &s,
            Party::Custodian,
            Method::GET,
            &format!("/api/v1/inventory/{}", inv.system.0),
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert_ne!(sl.json["obligations"][0]["text"], view.json["obligations"][0]["text"]);
    assert_eq!(
        sl.json["obligations"][0]["article"],
        view.json["obligations"][0]["article"]
    );
    // Each obligation names its regulation; the citation is in the asker's language too.
    assert_eq!(sl.json["obligations"][0]["regulation"], "decree-2018");
    assert_eq!(sl.json["obligations"][0]["reference"], "Uredba (2018), čl. 53(1)");
    assert_eq!(view.json["obligations"][0]["reference"], "Decree (2018), Art. 53(1)");
    assert_eq!(sl.json["regulations"][0]["citation"], "Uradni list RS, št. 29/2018");
    // And a refusal: the same type, the words in the asker's language.
    let path = format!("/api/v1/inventory/{}/classification", inv.system.0);
    let body = json!({"z": 2, "c": 1, "r": 1});
    let sl = inv
        .call(
            &s,
            Party::Lead,
            Method::POST,
            &path,
            Some(&body),
            &[("accept-language", "sl")],
        )
        .await
        .problem(403, "not-custodian");
    assert!(sl.json["detail"].as_str().unwrap().contains("7. člen"), "{}", sl.text);
    let en = inv
        .call(&s, Party::Lead, Method::POST, &path, Some(&body), &[])
        .await
        .problem(403, "not-custodian");
    assert!(en.json["detail"].as_str().unwrap().contains("Art. 7"), "{}", en.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_filter_and_page_and_history_shows_who_classified() {
    let s = TestServer::start(Backend::Sqlite).await;
    let inv = build(&s).await;
    let ids = |r: &Reply| -> Vec<u64> {
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .collect()
    };
    let all = inv.get(&s, Party::UserAdmin, "/api/v1/inventory").await.expect(200);
    assert_eq!(ids(&all), [0, 1, 2, 3]);
    let systems = inv
        .get(&s, Party::Lead, "/api/v1/inventory?kind=system")
        .await
        .expect(200);
    assert_eq!(ids(&systems), [u64::from(inv.system.0), u64::from(inv.other_system.0)]);
    let mine = inv
        .get(&s, Party::Lead, &format!("/api/v1/inventory?custodian={}", inv.other.0))
        .await
        .expect(200);
    assert_eq!(
        ids(&mine),
        [u64::from(inv.other_system.0), u64::from(inv.other_asset.0)]
    );
    let open = inv
        .get(&s, Party::Lead, "/api/v1/inventory?unclassified=true")
        .await
        .expect(200);
    assert_eq!(
        ids(&open),
        [u64::from(inv.other_system.0), u64::from(inv.other_asset.0)]
    );
    let overdue = inv
        .get(&s, Party::Lead, "/api/v1/inventory?overdue=true")
        .await
        .expect(200);
    assert_eq!(ids(&overdue), [u64::from(inv.system.0)]);
    let first = inv.get(&s, Party::Lead, "/api/v1/inventory?limit=3").await.expect(200);
    assert_eq!(ids(&first), [0, 1, 2]);
    let next = first.json["next"].as_u64().unwrap();
    let rest = inv
        .get(&s, Party::Lead, &format!("/api/v1/inventory?limit=3&after={next}"))
        .await
        .expect(200);
    assert_eq!(ids(&rest), [3]);
    assert!(rest.json["next"].is_null());
    // A narrowed list pages too, its rows built for the page only.
    let path = |after: Option<u64>| {
        format!(
            "/api/v1/inventory?custodian={}&limit=1{}",
            inv.other.0,
            after.map_or(String::new(), |a| format!("&after={a}"))
        )
    };
    let one = inv.get(&s, Party::Lead, &path(None)).await.expect(200);
    assert_eq!(ids(&one), [u64::from(inv.other_system.0)]);
    let two = inv
        .get(&s, Party::Lead, &path(one.json["next"].as_u64()))
        .await
        .expect(200);
    assert_eq!(ids(&two), [u64::from(inv.other_asset.0)]);
    assert!(two.json["next"].is_null(), "{}", two.text);
    inv.get(&s, Party::Lead, "/api/v1/inventory?colour=red")
        .await
        .problem(422, "invalid-query");

    // A review recorded moves the next one a year on.
    let path = format!("/api/v1/inventory/{}", inv.system.0);
    let reviewed = inv
        .edit(
            &s,
            Party::Custodian,
            Method::PATCH,
            &path,
            &json!({"last_reviewed": "2026-03-02"}),
        )
        .await
        .expect(200);
    assert_eq!(reviewed.json["review_due"], "2027-03-02");
    assert_eq!(reviewed.json["review_overdue"], false);

    // The history: who classified, from the audit trail; for the inventory's readers only.
    let h = inv
        .get(&s, Party::OtherCustodian, &format!("{path}/history"))
        .await
        .expect(200);
    let actions: Vec<&str> = h.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["inventory.update", "inventory.classify", "inventory.create"],
        "{}",
        h.text
    );
    assert_eq!(h.json["last_change"]["changed_by_name"], "skrbnik");
    let via_trail = inv
        .get(
            &s,
            Party::Custodian,
            &format!("/api/v1/history?kind=ADAM_ENTITY_INVENTORY_ITEM&id={}", inv.system.0),
        )
        .await
        .expect(200);
    assert_eq!(via_trail.json["items"], h.json["items"]);
    s.get(Who::Plain, &format!("{path}/history"))
        .await
        .problem(403, "not-an-inventory-reader");
    s.get(
        Who::Plain,
        &format!("/api/v1/history?kind=ADAM_ENTITY_INVENTORY_ITEM&id={}", inv.system.0),
    )
    .await
    .problem(403, "history-not-visible");

    // Appointments: listed, appointed, ended.
    let list = inv.get(&s, Party::UserAdmin, "/api/v1/decree-roles").await.expect(200);
    assert_eq!(list.json["items"][0]["role"], "security_lead");
    let head = inv
        .post(
            &s,
            Party::Lead,
            "/api/v1/decree-roles",
            &json!({"role": "head", "user": s.fx.glpi_admin, "since": "2026-03-01"}),
        )
        .await
        .expect(201);
    assert_eq!(head.json["since"], "2026-03-01");
    let id = head.json["id"].as_u64().unwrap();
    let ended = inv
        .post(
            &s,
            Party::Admin,
            &format!("/api/v1/decree-roles/{id}/end"),
            &json!({"until": "2026-03-02"}),
        )
        .await
        .expect(200);
    assert_eq!(ended.json["until"], "2026-03-02");

    // The scheme: every account reads it; the keepers change it, under If-Match.
    let scheme = s.get(Who::Plain, "/api/v1/class-scheme").await.expect(200);
    assert_eq!(scheme.json["version"], 0);
    let changed = inv
        .edit(
            &s,
            Party::Lead,
            Method::PUT,
            "/api/v1/class-scheme",
            &json!({"regulation": scheme.json["regulation"], "entries": [{"code": "Z1", "name": "Interno", "labelling": "INTERNO"}]}),
        )
        .await
        .expect(200);
    assert_eq!(changed.json["version"], 1);
    assert_eq!(changed.json["entries"][1]["name"], "Interno");
}

/// The registers can be asked "as of" an earlier instant (the design rule of every register):
/// an item renamed later is shown with its old name, an asset added later is not in the list
/// or the CSV, a risk assessment recorded later is not in the risk register; who may ask is
/// decided by today's rules, and an unreadable instant is a clear 422.
async fn the_registers_answer_as_of_an_earlier_instant(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    const DAY: i64 = 86_400;
    let path = format!("/api/v1/inventory/{}", inv.system.0);
    let first = inv.get(&s, Party::Lead, &path).await.expect(200);
    let first_name = first.json["name"].clone();
    let then = adam_core::Timestamp(s.state.now().0 + 60);
    s.advance(DAY);
    inv.edit(
        &s,
        Party::Lead,
        Method::PATCH,
        &path,
        &json!({"name": "Preimenovan sistem"}),
    )
    .await
    .expect(200);
    inv.post(
        &s,
        Party::Lead,
        "/api/v1/inventory",
        &json!({"kind": "asset", "code": "KASNEJE", "name": "Dodano kasneje", "custodian": inv.custodian}),
    )
    .await
    .expect(201);
    s.post(
        Who::SysAdmin,
        "/api/v1/risk-assessments",
        &json!({"date": "2026-03-03", "scope": "Občina", "findings": "Nič", "treatment": "Nič"}),
    )
    .await
    .expect(201);

    let now = inv.get(&s, Party::Lead, &path).await.expect(200);
    assert_eq!(now.json["name"], "Preimenovan sistem", "{}", now.text);
    let old = inv.get(&s, Party::Lead, &format!("{path}?at={then}")).await.expect(200);
    assert_eq!(old.json["name"], first_name, "{}", old.text);

    let codes = |r: &Reply| -> Vec<String> {
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let listed = inv.get(&s, Party::Lead, "/api/v1/inventory").await.expect(200);
    assert!(codes(&listed).contains(&"KASNEJE".to_owned()), "{}", listed.text);
    let listed_then = inv
        .get(&s, Party::Lead, &format!("/api/v1/inventory?at={then}"))
        .await
        .expect(200);
    assert!(
        !codes(&listed_then).contains(&"KASNEJE".to_owned()),
        "{}",
        listed_then.text
    );
    assert_eq!(codes(&listed_then).len() + 1, codes(&listed).len());
    let csv_then = inv
        .get(&s, Party::Lead, &format!("/api/v1/inventory.csv?at={then}"))
        .await
        .expect(200);
    assert!(!csv_then.text.contains("KASNEJE"), "{}", csv_then.text);

    let risks = s.get(Who::SysAdmin, "/api/v1/risk-assessments").await.expect(200);
    let risks_then = s
        .get(Who::SysAdmin, &format!("/api/v1/risk-assessments?at={then}"))
        .await
        .expect(200);
    assert_eq!(
        risks_then.json["assessments"].as_array().unwrap().len() + 1,
        risks.json["assessments"].as_array().unwrap().len(),
        "{}",
        risks_then.text
    );
    s.get(Who::SysAdmin, &format!("/api/v1/class-scheme?at={then}"))
        .await
        .expect(200);
    s.get(Who::SysAdmin, &format!("/api/v1/decree-roles?at={then}"))
        .await
        .expect(200);
    // Who may ask is today's question: a plain user may not read the inventory, then or now.
    s.get(Who::Plain, &format!("/api/v1/inventory?at={then}"))
        .await
        .expect(403);
    inv.get(&s, Party::Lead, "/api/v1/inventory?at=yesterday")
        .await
        .problem(422, "invalid-query");
}
on_both_backends!(the_registers_answer_as_of_an_earlier_instant);

/// Art. 10(3): every item has a custodian. A custodian whose account is deactivated is not held
/// up by the inventory; the items say so instead — flagged in the list and the item (API and
/// pages, both languages), found by `custodian_inactive=true` — until a keeper appoints another.
async fn an_item_whose_custodian_left_says_so(backend: Backend) {
    let s = TestServer::start(backend).await;
    let inv = build(&s).await;
    let flagged = async || -> Vec<String> {
        inv.get(&s, Party::Lead, "/api/v1/inventory?custodian_inactive=true")
            .await
            .expect(200)
            .json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(flagged().await.is_empty());
    crate::inventory_fixture::run(
        &s,
        adam_core::Actor::System,
        adam_core::Command::SetUserActive {
            user: inv.custodian,
            active: false,
        },
    )
    .await;
    let mut codes = flagged().await;
    codes.sort();
    assert_eq!(codes, ["VOPI-DATA", "VOPI-SYS"]);
    let item = format!("/api/v1/inventory/{}", inv.system.0);
    let view = inv.get(&s, Party::Lead, &item).await.expect(200).json;
    assert_eq!(view["custodian_inactive"], true, "{view}");
    let page = s
        .ui_token(Some(inv.token(&s, Party::Lead)))
        .get(&format!("/ui/inventory/{}?lang=sl", inv.system.0))
        .await;
    assert!(page.body.contains("id=\"custodian-inactive-warning\""), "{}", page.body);
    assert!(page.body.contains("10. člen (3)"));
    let list = s
        .ui_token(Some(inv.token(&s, Party::Lead)))
        .get("/ui/inventory?inactive=1&lang=en")
        .await;
    assert!(list.body.contains("custodian inactive"));
    assert!(list.body.contains("VOPI-SYS") && !list.body.contains("DRUGI-SYS"));

    // A keeper appoints another custodian: the flag goes.
    inv.edit(&s, Party::Lead, Method::PATCH, &item, &json!({"custodian": inv.other}))
        .await
        .expect(200);
    let view = inv.get(&s, Party::Lead, &item).await.expect(200).json;
    assert_eq!(view["custodian_inactive"], false);
    assert_eq!(flagged().await, ["VOPI-DATA"]);
}
on_both_backends!(an_item_whose_custodian_left_says_so);
