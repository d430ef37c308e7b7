//! The dormant-accounts report (Decree Art. 50(2)), API and page, on both backends: which
//! accounts it lists after 100 days (signed in long ago, never used, a token used lately, a
//! deactivated account), who may see it and how much, the CSV, and refused numbers of days.

use crate::on_both_backends;
use crate::support::*;
use adam_core::*;
use reqwest::Method;
use serde_json::Value;

const DAY: i64 = 86_400;

fn listed(reply: &Reply) -> Vec<String> {
    reply.json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap().to_owned())
        .collect()
}

fn account<'a>(reply: &'a Reply, username: &str) -> &'a Value {
    reply.json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("{username} not in {}", reply.json))
}

/// Waits until the store has seen `user`'s token in use (the server writes it off the path).
async fn token_use_recorded(server: &TestServer, user: UserId) {
    for _ in 0..100 {
        let store = server.state.store.clone();
        let activity = tokio::task::spawn_blocking(move || store.account_activity())
            .await
            .unwrap()
            .unwrap();
        if activity.iter().any(|a| a.user == user && a.last_token_use.is_some()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the token's use was never recorded");
}

async fn lists_accounts_unused_for_the_days_asked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.ana, STRONG).await;
    server.set_password(fx.bojan, STRONG).await;
    server.login("ana", STRONG).await.expect(200);
    server.advance(100 * DAY);
    server.login("bojan", STRONG).await.expect(200);
    server.get(Who::Service, "/api/v1/offices").await.expect(200);
    token_use_recorded(&server, fx.svc).await;
    // uros is deactivated: the report is about accounts still able to be used.
    let uros = server.state.world().user_by_username("uros").unwrap();
    let ctx = server.state.context(Actor::System, None);
    server
        .state
        .execute_as(
            Actor::System,
            ctx,
            Command::SetUserActive {
                user: uros,
                active: false,
            },
        )
        .await
        .unwrap();

    let r = server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts")
        .await
        .expect(200);
    assert_eq!(r.json["days"], 90, "the default is ninety days");
    let names = listed(&r);
    // Signed in 100 days ago: listed, with the day and the days idle.
    let ana = account(&r, "ana");
    assert_eq!(ana["last_sign_in"], "2026-03-02");
    assert_eq!(ana["idle_days"], 100);
    assert_eq!(ana["never_used"], false);
    // Never used, created 100 days ago: listed.
    let gregor = account(&r, "gregor");
    assert_eq!(gregor["never_used"], true);
    assert_eq!(gregor["created"], "2026-03-02");
    assert_eq!(gregor["last_sign_in"], Value::Null);
    assert_eq!(gregor["idle_days"], 100);
    // Signed in today, a service account whose token was used today, a deactivated account:
    // not listed.
    for absent in ["bojan", "svc", "uros"] {
        assert!(!names.iter().any(|n| n == absent), "{absent} listed: {names:?}");
    }
    // The longest idle first, then by username.
    let idle: Vec<i64> = r.json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["idle_days"].as_i64().unwrap_or(i64::MAX))
        .collect();
    assert!(idle.windows(2).all(|w| w[0] >= w[1]), "{idle:?}");

    // Asked for 101 days, nobody is that idle yet; for 100, ana and gregor are.
    let r = server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts?days=101")
        .await
        .expect(200);
    assert!(!listed(&r).iter().any(|n| n == "ana" || n == "gregor"), "{}", r.json);
    let r = server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts?days=100")
        .await
        .expect(200);
    assert!(listed(&r).contains(&"ana".to_owned()));

    // CSV, header in the language asked for.
    let csv = server
        .call_with(
            Who::SysAdmin,
            Method::GET,
            "/api/v1/reports/dormant-accounts?format=csv",
            None,
            &[("accept-language", "sl")],
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.text
            .starts_with("Uporabniško ime,Ime,Vrsta,Ustvarjen,Zadnja prijava"),
        "{}",
        csv.text
    );
    assert!(csv.text.contains("\nana,"), "{}", csv.text);
    assert!(csv.text.contains("2026-03-02,,100,ne"), "{}", csv.text);
}
on_both_backends!(lists_accounts_unused_for_the_days_asked);

async fn a_user_administrator_sees_only_the_accounts_they_administer(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.advance(100 * DAY);
    let everyone = listed(
        &server
            .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts")
            .await
            .expect(200),
    );
    let un = listed(
        &server
            .get(Who::UserAdminOther, "/api/v1/reports/dormant-accounts")
            .await
            .expect(200),
    );
    assert!(un.contains(&"ana".to_owned()), "{un:?}");
    assert!(!un.contains(&"gregor".to_owned()), "GLPI's clerk is not UN's: {un:?}");
    assert!(!un.contains(&"admin".to_owned()), "{un:?}");
    assert!(un.len() < everyone.len());
    {
        let w = server.state.world();
        let me = Actor::user(server.fx.un_admin);
        for name in &un {
            let id = w.user_by_username(name).unwrap();
            assert!(w.require_user(&me, id, server.state.now()).is_ok(), "{name}");
        }
    }
    // A plain clerk and a service token are refused with a specific problem; no token: 401.
    for who in [Who::Plain, Who::Service] {
        server
            .get(who, "/api/v1/reports/dormant-accounts")
            .await
            .problem(403, "not-a-dormant-accounts-reader");
    }
    server
        .get(Who::Anonymous, "/api/v1/reports/dormant-accounts")
        .await
        .expect(401);
    // The security lead sees every account.
    server.make_security_lead(server.fx.bojan).await;
    server.set_password(server.fx.bojan, STRONG).await;
    let b = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    let lead = server
        .browse(&b, Method::GET, "/api/v1/reports/dormant-accounts", None, false)
        .await
        .expect(200);
    assert!(listed(&lead).contains(&"gregor".to_owned()));
    assert!(listed(&lead).contains(&"uros".to_owned()));
}
on_both_backends!(a_user_administrator_sees_only_the_accounts_they_administer);

async fn a_number_of_days_out_of_range_is_a_specific_problem(backend: Backend) {
    let server = TestServer::start(backend).await;
    for bad in ["0", "-1", "abc", "3651", "1.5", "99999999999999999999999"] {
        let r = server
            .get(Who::SysAdmin, &format!("/api/v1/reports/dormant-accounts?days={bad}"))
            .await
            .problem(422, "invalid-days");
        assert_eq!(r.json["pointer"], "/days", "{bad}");
    }
    server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts?days=3650")
        .await
        .expect(200);
    server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts?format=xml")
        .await
        .problem(422, "invalid-query");
    server
        .get(Who::SysAdmin, "/api/v1/reports/dormant-accounts?since=5")
        .await
        .problem(422, "invalid-query");
}
on_both_backends!(a_number_of_days_out_of_range_is_a_specific_problem);

async fn the_page_lists_them_and_keeps_a_refused_number_at_the_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server.set_password(fx.ana, STRONG).await;
    server.login("ana", STRONG).await.expect(200);
    server.advance(100 * DAY);
    // The security lead reads it (a browser session; the admin account would first enrol a
    // second factor).
    server.make_security_lead(fx.bojan).await;
    server.set_password(fx.bojan, STRONG).await;
    let admin = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    let page = server
        .browse(&admin, Method::GET, "/ui/reports/dormant-accounts?lang=en", None, false)
        .await
        .expect(200);
    assert!(page.text.contains("Dormant accounts"), "{}", page.text);
    assert!(page.text.contains(&format!("href=\"/ui/users/{}#account\"", fx.ana.0)));
    assert!(page.text.contains("2026-03-02"));
    assert!(page.text.contains("value=\"90\""));
    let sl = server
        .browse(
            &admin,
            Method::GET,
            "/ui/reports/dormant-accounts?lang=sl&days=30",
            None,
            false,
        )
        .await
        .expect(200);
    assert!(sl.text.contains("Neuporabljeni računi"));
    assert!(sl.text.contains("Zadnja prijava"));
    let refused = server
        .browse(
            &admin,
            Method::GET,
            "/ui/reports/dormant-accounts?lang=en&days=abc",
            None,
            false,
        )
        .await
        .expect(422);
    assert!(refused.text.contains("value=\"abc\""), "the field keeps what was typed");
    assert!(refused.text.contains("id=\"f_days-error\""));
    assert!(refused.text.contains("from 1 to 3650"));
    // A printable page of the same report.
    assert!(
        page.text
            .contains("href=\"/ui/reports/dormant-accounts/print?days=90\""),
        "{}",
        page.text
    );
    let print = server
        .browse(
            &admin,
            Method::GET,
            "/ui/reports/dormant-accounts/print?lang=en&days=30",
            None,
            false,
        )
        .await
        .expect(200);
    assert!(
        print.text.contains("class=\"print\"") && print.text.contains("id=\"dormant-days\">30<"),
        "{}",
        print.text
    );
    assert!(print.text.contains("<td>ana</td>"), "{}", print.text);
    // The registers' page links to it.
    let inventory = server
        .browse(&admin, Method::GET, "/ui/inventory", None, false)
        .await
        .expect(200);
    assert!(inventory.text.contains("href=\"/ui/reports/dormant-accounts\""));
}
on_both_backends!(the_page_lists_them_and_keeps_a_refused_number_at_the_field);
