//! The integrity box of an inventory item's page (Decree Art. 50(4)–(5)), on both backends:
//! a key server with an approved baseline says so; after a matching scan, "last scan matched
//! on DATE"; after a scan that differs, a warning with the scan's date and what differs — in
//! Slovenian and English. A server without a baseline shows no box.

use crate::integrity::{SERVER, files, key_server};
use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn scan(passwd: &str) -> serde_json::Value {
    json!({"server": SERVER, "baseline": false, "taken_at": "2026-03-05T08:00:00Z", "files": files(passwd)})
}

async fn the_item_page_warns_of_a_mismatch_and_says_when_the_last_scan_matched(backend: Backend) {
    let s = TestServer::start(backend).await;
    key_server(&s, false).await;
    let (key, print) = {
        let w = s.state.world();
        (w.item_by_code(SERVER).unwrap(), w.item_by_code("PRINT-SRV").unwrap())
    };
    // Gregor keeps MAIL-SRV: he reads the inventory and the server's integrity records.
    s.set_password(s.fx.gregor, STRONG).await;
    let gregor = Browser::from(&s.login("gregor", STRONG).await.expect(200));
    let page = |lang: &'static str| {
        let path = format!("/ui/inventory/{}?lang={lang}", key.0);
        let s = &s;
        let gregor = &gregor;
        async move { s.browse(gregor, Method::GET, &path, None, false).await.expect(200).text }
    };
    let en = page("en").await;
    assert!(en.contains("Baseline approved; no scan since."), "{en}");
    assert!(!en.contains("integrity-warning"));

    s.post(Who::Service, "/api/v1/integrity/scans", &scan("22"))
        .await
        .expect(201);
    let en = page("en").await;
    assert!(
        en.contains("Baseline approved, last scan matched on 2026-03-05."),
        "{en}"
    );
    let sl = page("sl").await;
    assert!(
        sl.contains("Izhodišče je potrjeno, zadnji pregled se je ujemal dne 2026-03-05."),
        "{sl}"
    );

    s.post(Who::Service, "/api/v1/integrity/scans", &scan("44"))
        .await
        .expect(201);
    let en = page("en").await;
    assert!(en.contains("id=\"integrity-warning\""), "{en}");
    assert!(
        en.contains("Warning: the server&#39;s integrity is not confirmed"),
        "{en}"
    );
    assert!(
        en.contains("The last scan (2026-03-05) does not match the approved baseline"),
        "{en}"
    );
    assert!(en.contains("0 added, 0 removed, 1 changed files"), "{en}");
    assert!(en.contains("<code>etc/passwd</code>"), "{en}");
    assert!(!en.contains("id=\"integrity-ok\""));
    let sl = page("sl").await;
    assert!(sl.contains("Opozorilo: celovitost strežnika ni potrjena"), "{sl}");
    assert!(sl.contains("Zadnji pregled (2026-03-05) se ne ujema"), "{sl}");

    // A matching scan again clears the warning.
    s.post(Who::Service, "/api/v1/integrity/scans", &scan("22"))
        .await
        .expect(201);
    let en = page("en").await;
    assert!(!en.contains("integrity-warning"));
    assert!(en.contains("last scan matched on 2026-03-05"));

    // A server without a baseline (PRINT-SRV is not even a key server): no box. Read by the
    // security lead, who reads every item.
    s.make_security_lead(s.fx.bojan).await;
    s.set_password(s.fx.bojan, STRONG).await;
    let lead = Browser::from(&s.login("bojan", STRONG).await.expect(200));
    let other = s
        .browse(
            &lead,
            Method::GET,
            &format!("/ui/inventory/{}?lang=en", print.0),
            None,
            false,
        )
        .await
        .expect(200)
        .text;
    assert!(!other.contains("integrity-warning") && !other.contains("integrity-ok"));
}
on_both_backends!(the_item_page_warns_of_a_mismatch_and_says_when_the_last_scan_matched);
