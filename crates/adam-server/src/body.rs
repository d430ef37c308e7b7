//! The JSON body extractor: size-limited, strict, and precise about what is wrong.
//!
//! A syntax error is a 400 `malformed-json`; a body that parses but does not fit — a missing
//! or unknown field, a wrong type, a value that breaks its rule (an over-long name, a level of
//! 15) — is a 422 `invalid-body` whose `pointer` names the field, as JSON Pointer. A body over
//! the limit is a 413 and a body that is not JSON a 415. Nothing is written in any of these
//! cases: handlers only run with a well-formed request.

use crate::error::WebError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// The largest request body accepted by a route anyone may call without signing in (sign-in,
/// its second step, "forgot password", the reset), and by the UI's forms of the same steps.
pub const MAX_PUBLIC_BODY: usize = 8 * 1024;

/// A JSON request body of type `T`, of at most `LIMIT` bytes (the route's `DefaultBodyLimit`
/// layer must allow at least as much; a route with a lower layer, as the public ones, is held
/// to that while reading).
pub struct Body<T, const LIMIT: usize = MAX_BODY>(pub T);

/// Refuses a body announced (`Content-Length`) as larger than `limit` before reading any of
/// it: a client that announces 5 MB and sends it slowly is answered at once rather than held
/// until a megabyte has arrived.
fn announced_within(req: &Request, limit: usize) -> Result<(), WebError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match announced {
        Some(n) if n > limit as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

fn too_large() -> WebError {
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "the body is over the limit of bytes for this route".to_owned(),
    )
    .sl("telo presega največjo dovoljeno velikost za ta naslov")
}

impl<S, T, const LIMIT: usize> FromRequest<S> for Body<T, LIMIT>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !is_json {
            return Err(WebError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as JSON with Content-Type: application/json",
            )
            .sl("pošljite telo kot JSON s Content-Type: application/json"));
        }
        announced_within(&req, LIMIT)?;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                WebError::new(StatusCode::BAD_REQUEST, "unreadable-body", e.body_text())
                    .sl("telesa zahteve ni bilo mogoče prebrati do konca")
            }
        })?;
        parse(&bytes).map(Body)
    }
}

/// Parses a JSON document into `T` with the errors described above.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        // Anything after the document (`{…} {…}`, `{…} x`) makes the body malformed: it is
        // not one JSON document, and the part read must not be acted on.
        Ok(value) => de.end().map(|()| value).map_err(malformed),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            // serde_json reports some wrong types as syntax (a number where an enum's name is
            // expected: "expected value"); the body is malformed only when it is not JSON.
            // A body that is not one JSON document is malformed, whatever else is wrong.
            if let Err(e) = one_document(bytes) {
                return Err(malformed(e));
            }
            let pointer = pointer_of(&path);
            let message = if inner.is_syntax() {
                "invalid type: not a value this field takes".to_owned()
            } else {
                strip_position(&inner.to_string())
            };
            let (detail, sl) = if pointer.is_empty() {
                (
                    message.clone(),
                    format!("telo zahteve ne ustreza: {}", sl_problem(&message)),
                )
            } else {
                (
                    format!("{path}: {message}"),
                    format!("{path}: {}", sl_problem(&message)),
                )
            };
            // serde's words are English (the engine's value rules among them): the detail says
            // what is wrong in the request's language, `reason` keeps serde's text as it is.
            Err(WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", detail)
                .sl(sl)
                .with("pointer", pointer)
                .with("reason", message))
        }
    }
}

/// Whether `bytes` are one JSON document (of any shape, in UTF-8), read without building it.
fn one_document(bytes: &[u8]) -> Result<(), serde_json::Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| serde::de::Error::custom(format!("not UTF-8 at byte {}", e.valid_up_to())))?;
    let de = &mut serde_json::Deserializer::from_str(text);
    serde::de::IgnoredAny::deserialize(&mut *de)?;
    de.end()
}

/// The problem of a body that is not JSON.
fn malformed(inner: serde_json::Error) -> WebError {
    WebError::new(
        StatusCode::BAD_REQUEST,
        "malformed-json",
        format!("the body is not valid JSON: {inner}"),
    )
    .sl(format!("telo ni veljaven JSON: {inner}"))
}

/// What serde says is wrong with a body (`missing field `code``, `invalid type: …`), in
/// Slovenian; a rule of a value (the engine's, said by serde in English) in general words.
fn sl_problem(message: &str) -> String {
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(field) = quoted("missing field `") {
        format!("manjka polje »{field}«")
    } else if let Some(field) = quoted("unknown field `") {
        format!("neznano polje »{field}«")
    } else if let Some(field) = quoted("duplicate field `") {
        format!("polje »{field}« je navedeno dvakrat")
    } else if let Some(value) = quoted("unknown variant `") {
        format!("neznana vrednost »{value}«")
    } else if message.starts_with("invalid type") {
        "napačna vrsta vrednosti (npr. število namesto besedila)".to_owned()
    } else if message.starts_with("invalid length") {
        "napačno število elementov".to_owned()
    } else if message.starts_with("invalid value") {
        "neveljavna vrednost".to_owned()
    } else {
        "vrednost ne ustreza pravilu".to_owned()
    }
}

/// `jobs[0].code` → `/jobs/0/code`; `.` (the root) → ``.
fn pointer_of(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut out = String::new();
    for part in path.split('.') {
        let mut rest = part;
        while let Some(open) = rest.find('[') {
            let (name, tail) = rest.split_at(open);
            if !name.is_empty() {
                out.push('/');
                out.push_str(name);
            }
            let close = tail.find(']').unwrap_or(tail.len());
            out.push('/');
            out.push_str(&tail[1..close]);
            rest = tail.get(close + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            out.push('/');
            out.push_str(rest);
        }
    }
    out
}

/// serde_json appends "at line 1 column 42", which means nothing to a form.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_json_pointers() {
        assert_eq!(pointer_of("."), "");
        assert_eq!(pointer_of("name"), "/name");
        assert_eq!(pointer_of("jobs[0]"), "/jobs/0");
        assert_eq!(pointer_of("window.from"), "/window/from");
        assert_eq!(pointer_of("requests[2].object.id"), "/requests/2/object/id");
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: adam_core::Text,
        level: adam_core::Level,
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse::<Sample>(br#"{"name":"x","level":15}"#).unwrap_err();
        assert_eq!((e.status, e.code), (StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"));
        assert_eq!(e.extra["pointer"], "/level");
        assert!(e.detail.contains("15 is not an access level"), "{}", e.detail);
        let e = parse::<Sample>(br#"{"name":"x","level":14,"extra":1}"#).unwrap_err();
        assert!(e.detail.contains("unknown field `extra`"), "{}", e.detail);
        let e = parse::<Sample>(br#"{"name":"x""#).unwrap_err();
        assert_eq!(e.code, "malformed-json");
        let e = parse::<Sample>(br#"{"name":"   ","level":14}"#).unwrap_err();
        assert_eq!(e.extra["pointer"], "/name");
        assert!(e.detail.contains("must not be empty"), "{}", e.detail);
        let e = parse::<Sample>(br#"{"name":1,"level":14}"#).unwrap_err();
        assert!(e.detail.contains("invalid type"), "{}", e.detail);
    }
}
