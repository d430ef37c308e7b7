//! Answers that must not tell what they found, by their time as well as their words: an
//! unknown username answers like a wrong password and as slowly, and a reset request answers
//! alike and as fast for any address (split from `authn.rs`: these compare medians of timed
//! rounds).

use crate::on_both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

/// The median of some durations.
fn median(mut samples: Vec<std::time::Duration>) -> std::time::Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Asserts that two medians are within a factor of two of each other: loose enough for a
/// loaded 2-core machine, tight enough to catch a skipped Argon2 verification (which makes the
/// fast case many times faster) or an e-mail sent inside the request.
fn similar(what: &str, a: std::time::Duration, b: std::time::Duration) {
    let ratio = a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    eprintln!("{what}: medians {a:?} and {b:?}, ratio {ratio:.2}");
    assert!(
        (0.5..=2.0).contains(&ratio),
        "{what}: medians {a:?} and {b:?} differ by a factor of {ratio:.2}"
    );
}

/// Rounds of a timing comparison; alternating the two cases cancels drift in the machine's load.
const ROUNDS: usize = 9;

async fn an_unknown_username_answers_like_a_wrong_password_and_as_slowly(backend: Backend) {
    // Argon2 costly enough (even unoptimised) that skipping it for unknown accounts would show.
    let server = TestServer::start_with(backend, |auth| {
        auth.hash_params = adam_auth::hash::HashParams::new(8 * 1024, 2, 1).unwrap();
    })
    .await;
    server.set_password(server.fx.bojan, STRONG).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut answers = Vec::new();
    for i in 0..ROUNDS {
        for (username, samples) in [("bojan", &mut known), (&*format!("nobody-{i}"), &mut unknown)] {
            // Longer than every delay and run of the attempt limits: each attempt is a first.
            server.advance(3601);
            let started = std::time::Instant::now();
            let reply = server.login(username, STRONG_2).await;
            samples.push(started.elapsed());
            let reply = reply.problem(401, "unauthenticated");
            answers.push(reply.json);
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "every refusal is the same: {answers:?}"
    );
    similar("wrong password vs unknown username", median(known), median(unknown));
}
on_both_backends!(an_unknown_username_answers_like_a_wrong_password_and_as_slowly);

async fn a_reset_request_answers_alike_and_as_fast_for_any_address(backend: Backend) {
    let server = TestServer::start(backend).await;
    let sink = server.mail.as_ref().unwrap();
    // A slow mail server: an e-mail sent before answering would add this to every known
    // address's answer.
    const SLOW_MAIL_MS: u64 = 600;
    sink.set_greeting_delay(SLOW_MAIL_MS);
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut answers = Vec::new();
    for i in 0..ROUNDS {
        for (email, samples) in [
            ("ana@test.si", &mut known),
            (&*format!("nobody-{i}@test.si"), &mut unknown),
        ] {
            // Past every delay and lock of the reset limits: each request is a first.
            server.advance(3601);
            let started = std::time::Instant::now();
            let reply = server
                .anonymous(Method::POST, "/api/v1/auth/forgot", Some(&json!({"email": email})), &[])
                .await;
            samples.push(started.elapsed());
            answers.push((reply.status.as_u16(), reply.json));
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "every answer is the same: {answers:?}"
    );
    assert_eq!(answers[0].0, 202);
    // The known address did get its e-mails (sent after the answer, not before it).
    for _ in 0..ROUNDS {
        assert_eq!(sink.next().await.to, vec!["ana@test.si".to_owned()]);
    }
    // Both answers take a few milliseconds: a ratio of such small numbers is noise on a loaded
    // machine, so the bound is absolute — well below the slow mail server's delay.
    let (known, unknown) = (median(known), median(unknown));
    eprintln!("known vs unknown address: medians {known:?} and {unknown:?}");
    let bound = std::time::Duration::from_millis(SLOW_MAIL_MS / 4);
    assert!(
        known < unknown + bound && unknown < known + bound,
        "known vs unknown address: medians {known:?} and {unknown:?} differ by more than {bound:?}"
    );
}
on_both_backends!(a_reset_request_answers_alike_and_as_fast_for_any_address);
