//! The account rules of issue #14 over HTTP, on both backends: a new password may not be the
//! temporary one an administrator typed (nor the current one), also on a reset by e-mail; the
//! run rules let a passphrase through and name the part that failed; the request log line.

use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

/// A passphrase of the kind the password page recommends (it walks "tre"/"ert" in "streha").
const PASSPHRASE: &str = "Rdeča streha nad starim mestom 8";

async fn change(server: &TestServer, b: &Browser, current: &str, new: &str, lang: &str) -> Reply {
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/password",
            Some(&json!({"current": current, "new": new})),
            &[
                ("cookie", b.cookie.as_str()),
                ("x-csrf-token", b.csrf.as_str()),
                ("accept-language", lang),
            ],
        )
        .await
}

async fn the_temporary_password_cannot_become_the_permanent_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": STRONG_2}),
        )
        .await
        .expect(200);
    let temp = Browser::from(&server.login("bojan", STRONG_2).await.expect(200));

    // The temporary password again: refused, with its own type, at the field, in both languages.
    let sl = change(&server, &temp, STRONG_2, STRONG_2, "sl")
        .await
        .problem(422, "password-reused");
    assert_eq!(sl.json["pointer"], "/new");
    assert_eq!(sl.json["problems"][0]["rule"], "reused");
    assert_eq!(sl.json["problems"][0]["temporary"], true);
    let message = sl.json["problems"][0]["message"].as_str().unwrap();
    assert!(message.contains("začasnega"), "{message}");
    let en = change(&server, &temp, STRONG_2, STRONG_2, "en")
        .await
        .problem(422, "password-reused");
    assert!(
        en.json["detail"].as_str().unwrap().contains("temporary one"),
        "{}",
        en.json
    );
    // Nothing changed: the temporary password still only allows the change.
    server.advance(5);
    let again = server.login("bojan", STRONG_2).await.expect(200);
    assert_eq!(again.json["password_change_required"], true);

    // A different one is taken; then the current password is refused as "the current one".
    let temp = Browser::from(&again);
    change(&server, &temp, STRONG_2, STRONG_3, "en").await.expect(200);
    server.advance(5);
    let mine = Browser::from(&server.login("bojan", STRONG_3).await.expect(200));
    let same = change(&server, &mine, STRONG_3, STRONG_3, "en")
        .await
        .problem(422, "password-reused");
    assert_eq!(same.json["problems"][0]["temporary"], false);
    assert!(same.json["detail"].as_str().unwrap().contains("current one"));
}
on_both_backends!(the_temporary_password_cannot_become_the_permanent_one);

async fn a_reset_by_email_cannot_keep_the_temporary_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    let sink = server.mail.as_ref().unwrap();
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.ana.0),
            &json!({"password": STRONG}),
        )
        .await
        .expect(200);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/forgot",
            Some(&json!({"email": "ana@test.si"})),
            &[],
        )
        .await
        .expect(202);
    let text = sink.next().await.text;
    let at = text.find("adam_reset_").unwrap();
    let code = &text[at..at + "adam_reset_".len() + 52];
    server.advance(5);
    let refused = server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": code, "username": "ana", "new_password": STRONG})),
            &[("accept-language", "sl")],
        )
        .await
        .problem(422, "password-reused");
    assert_eq!(refused.json["pointer"], "/new_password");
    // The code was not spent by the refusal.
    server.advance(5);
    server
        .anonymous(
            Method::POST,
            "/api/v1/auth/reset",
            Some(&json!({"token": code, "username": "ana", "new_password": STRONG_3})),
            &[],
        )
        .await
        .expect(200);
    server.advance(5);
    let signed_in = server.login("ana", STRONG_3).await.expect(200);
    assert_eq!(signed_in.json["password_change_required"], false);
}
on_both_backends!(a_reset_by_email_cannot_keep_the_temporary_password);

async fn a_passphrase_passes_and_a_short_walk_is_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    // Without a second factor, so the 15-character minimum applies: a run of three counts in
    // a password of 15 (13 without the run), and the answer names it.
    let three = server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": "Tb8!qwe2Tb8!vKx"}),
        )
        .await
        .problem(422, "weak-password");
    assert_eq!(three.json["problems"][0]["part"], "qwe", "{}", three.json);
    let short = server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": "qwerty123"}),
        )
        .await
        .problem(422, "weak-password");
    let named: Vec<&str> = short.json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "keyboard_row")
        .map(|p| p["part"].as_str().unwrap())
        .collect();
    assert_eq!(named, vec!["qwerty", "123"], "{}", short.json);
    assert!(short.json["detail"].as_str().unwrap().contains("qwerty"));
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": PASSPHRASE}),
        )
        .await
        .expect(200);
}
on_both_backends!(a_passphrase_passes_and_a_short_walk_is_named);

/// Posts the password form of the UI as a browser with `b`'s session, in `lang`.
async fn change_in_the_ui(server: &TestServer, b: &Browser, current: &str, new: &str, lang: &str) -> (u16, String) {
    let answer = server
        .ui_session(b)
        .post(
            &format!("/ui/password?lang={lang}"),
            &[("current", current), ("new", new), ("confirm", new)],
        )
        .await;
    (answer.status.as_u16(), answer.body)
}

/// The text of the first field error shown after the input named `name`.
fn error_after(html: &str, name: &str) -> String {
    let input = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[input..];
    let next_input = rest[1..].find("<input").map_or(rest.len(), |i| i + 1);
    let field = &rest[..next_input];
    let at = field
        .find("class=\"field-error\" role=\"alert\">")
        .unwrap_or_else(|| panic!("no error at {name}: {field}"));
    let text = &field[at + "class=\"field-error\" role=\"alert\">".len()..];
    text[..text.find('<').unwrap()].to_owned()
}

async fn the_ui_says_so_at_the_new_password_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    let fx = server.fx.clone();
    server
        .post(
            Who::UserAdminOther,
            &format!("/api/v1/users/{}/password", fx.bojan.0),
            &json!({"password": STRONG_2}),
        )
        .await
        .expect(200);
    let temp = Browser::from(&server.login("bojan", STRONG_2).await.expect(200));
    let (status, html) = change_in_the_ui(&server, &temp, STRONG_2, STRONG_2, "sl").await;
    assert_eq!(status, 422);
    assert!(
        error_after(&html, "new").contains("Novo geslo se mora razlikovati od začasnega"),
        "{html}"
    );
    let (status, html) = change_in_the_ui(&server, &temp, STRONG_2, STRONG_2, "en").await;
    assert_eq!(status, 422);
    assert!(
        error_after(&html, "new").contains("must differ from the temporary one"),
        "{html}"
    );
    // The run rules name the part, at the same field.
    let (_, html) = change_in_the_ui(&server, &temp, STRONG_2, "Tb8!qwe2Tb8!vKx", "sl").await;
    assert!(error_after(&html, "new").contains("»qwe«"), "{html}");
    // And the passphrase the page recommends is taken.
    let (status, html) = change_in_the_ui(&server, &temp, STRONG_2, PASSPHRASE, "sl").await;
    assert_eq!(status, 303, "{html}");
}
on_both_backends!(the_ui_says_so_at_the_new_password_field);

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("{start} in {html}")) + start.len();
    &html[at..at + html[at..].find(end).unwrap()]
}

/// Issue #14 item 17: a wrong first code during enrolment keeps the QR code, the secret and the
/// backup codes ("shown only now") on the page, with the message at the code field.
async fn a_wrong_first_code_keeps_the_enrolment_on_the_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.set_password(server.fx.bojan, STRONG).await;
    let b = Browser::from(&server.login("bojan", STRONG).await.expect(200));
    let Answer {
        status, body: started, ..
    } = server.ui_session(&b).post("/ui/mfa/enrol", NO_FORM).await;
    assert_eq!(status, 200, "{started}");
    let secret = between(&started, "id=\"totp-secret\">", "<").to_owned();
    let codes: Vec<String> = between(&started, "id=\"backup-codes\">", "</ul>")
        .split("<code>")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{started}");
    let sent_back = between(&started, "name=\"backup_codes\" value=\"", "\"").to_owned();
    for lang in ["sl", "en"] {
        let Answer {
            status, body: wrong, ..
        } = server
            .ui_session(&b)
            .post(
                &format!("/ui/mfa/confirm?lang={lang}"),
                &[("code", "000000"), ("backup_codes", &sent_back)],
            )
            .await;
        assert_eq!(status, 422);
        assert!(wrong.contains("<svg"), "the QR code is still there");
        assert_eq!(between(&wrong, "id=\"totp-secret\">", "<"), secret);
        for code in &codes {
            assert!(wrong.contains(&format!("<code>{code}</code>")), "{code} still shown");
        }
        let message = between(&wrong, "id=\"code-error\">", "<");
        assert_eq!(
            message,
            if lang == "sl" {
                "Koda ni pravilna."
            } else {
                "The code is wrong."
            }
        );
        // The message is at the code field, after it.
        assert!(wrong.find("id=\"code\"").unwrap() < wrong.find("id=\"code-error\"").unwrap());
    }
}
on_both_backends!(a_wrong_first_code_keeps_the_enrolment_on_the_page);
