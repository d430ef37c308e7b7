//! A byte-level walk over the members of a JSON object, for `verify`'s check that an audit
//! record's searchable columns copy its payload.
//!
//! `verify` reads every record of the trail; parsing each payload with serde (an internally
//! tagged `Actor`, a `Timestamp` from text) was a fifth of its time. Payloads are canonical
//! JSON, so the check only needs the raw text of a few top-level members: this walks the
//! object once, skipping the values it is not asked about, without allocating. It accepts
//! any well-formed JSON object (whitespace included) and gives up (`None`) on anything else,
//! which the caller reports as a mismatch.

/// Skips whitespace from `i`.
fn ws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end (exclusive) of the string starting at `s[i] == b'"'`.
fn string_end(s: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        // memchr's vector search: labels and before/after values are most of a payload.
        i += memchr::memchr2(b'"', b'\\', s.get(i..)?)?;
        if s[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// The end (exclusive) of the value starting at `s[i]`.
fn value_end(s: &[u8], i: usize) -> Option<usize> {
    match *s.get(i)? {
        b'"' => string_end(s, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < s.len() {
                match s[j] {
                    b'"' => {
                        j = string_end(s, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < s.len() && !matches!(s[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Calls `f(key, value)` for each member of the JSON object `text`, with the key's raw text
/// between its quotes and the value's raw text. `None` when `text` is not an object or `f`
/// returns `false`.
pub(crate) fn members<'a>(text: &'a str, mut f: impl FnMut(&'a str, &'a str) -> bool) -> Option<()> {
    let s = text.as_bytes();
    let mut i = ws(s, 0);
    if s.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(s, i + 1);
    if s.get(i) == Some(&b'}') {
        return (ws(s, i + 1) == s.len()).then_some(());
    }
    loop {
        if s.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(s, i)?;
        let key = text.get(i + 1..key_end - 1)?;
        i = ws(s, key_end);
        if s.get(i) != Some(&b':') {
            return None;
        }
        i = ws(s, i + 1);
        let end = value_end(s, i)?;
        if !f(key, text.get(i..end)?) {
            return None;
        }
        i = ws(s, end);
        match s.get(i) {
            Some(b',') => i = ws(s, i + 1),
            Some(b'}') => return (ws(s, i + 1) == s.len()).then_some(()),
            _ => return None,
        }
    }
}

/// Whether the raw JSON value `raw` is the string `want`.
pub(crate) fn is_string(raw: &str, want: &str) -> bool {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return false;
    };
    if inner.contains('\\') {
        // Escapes are rare in these fields; let serde decode them.
        serde_json::from_str::<String>(raw).is_ok_and(|s| s == want)
    } else {
        inner == want
    }
}

/// The raw JSON value `raw` as an optional integer: `Some(None)` for `null`, `None` when it is
/// neither.
pub(crate) fn opt_int(raw: &str) -> Option<Option<i64>> {
    if raw == "null" {
        Some(None)
    } else {
        raw.parse::<i64>().ok().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        members(text, |k, v| {
            out.push((k.to_owned(), v.to_owned()));
            true
        })?;
        Some(out)
    }

    #[test]
    fn members_are_read_raw_and_nested_values_skipped() {
        let got = all(r#"{"a":"x\"}","b":{"c":[1,{"d":"]"}]},"e":-12,"f":null, "g" : true }"#).unwrap();
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "e", "f", "g"]);
        assert_eq!(got[0].1, r#""x\"}""#);
        assert_eq!(got[1].1, r#"{"c":[1,{"d":"]"}]}"#);
        assert_eq!(got[2].1, "-12");
        assert_eq!(all("{}"), Some(vec![]));
        for bad in [
            "",
            "[]",
            "{",
            r#"{"a":1"#,
            r#"{"a":1}x"#,
            r#"{"a"}"#,
            r#"{"a":{"b":1}"#,
            r#"{"a":1,}"#,
        ] {
            assert_eq!(all(bad), None, "{bad}");
        }
    }

    #[test]
    fn strings_and_integers_compare_by_value() {
        assert!(is_string(r#""ok""#, "ok"));
        assert!(!is_string(r#""ok""#, "OK"));
        assert!(!is_string("1", "1"));
        assert!(is_string(r#""a\"b""#, "a\"b"));
        assert!(is_string(r#""\u010d""#, "č"));
        assert_eq!(opt_int("null"), Some(None));
        assert_eq!(opt_int("17"), Some(Some(17)));
        assert_eq!(opt_int("\"17\""), None);
    }
}
