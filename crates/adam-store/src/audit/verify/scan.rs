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
    // Most strings of a payload are short keys and codes, for which a plain loop beats
    // setting up a vector search; a long one (a label, a diff's text) goes on with memchr.
    let short = s.len().min(i + 24);
    while i < short {
        match s[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    loop {
        i += memchr::memchr2(b'"', b'\\', s.get(i..)?)?;
        if s[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// The end (exclusive) of the value starting at `s[i]`.
pub(crate) fn value_end(s: &[u8], i: usize) -> Option<usize> {
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

/// Calls `f(key, value)` for each member of the JSON object `s`, with the key's raw bytes
/// between its quotes and the value's raw bytes. `None` when `s` is not an object or `f`
/// returns `false`.
pub(crate) fn members<'a>(s: &'a [u8], mut f: impl FnMut(&'a [u8], &'a [u8]) -> bool) -> Option<()> {
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
        let key = s.get(i + 1..key_end - 1)?;
        i = ws(s, key_end);
        if s.get(i) != Some(&b':') {
            return None;
        }
        i = ws(s, i + 1);
        let end = value_end(s, i)?;
        if !f(key, s.get(i..end)?) {
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

/// A forward walk over JSON text whose layout is known in advance (the canonical form of an
/// audit payload: keys sorted, no whitespace), for the fast path of `verify`'s columns
/// check. Each step either consumes what it expects or fails, and the caller falls back to
/// [`members`].
pub(crate) struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Cursor<'a> {
        Cursor { s, i: 0 }
    }

    /// Consumes `lit` if the text goes on with exactly these bytes.
    pub(crate) fn lit(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.i.checked_add(lit.len())?;
        if self.s.get(self.i..end)? == lit {
            self.i = end;
            Some(())
        } else {
            None
        }
    }

    /// Consumes one JSON value and returns its raw bytes.
    pub(crate) fn value(&mut self) -> Option<&'a [u8]> {
        let end = value_end(self.s, self.i)?;
        let raw = self.s.get(self.i..end)?;
        self.i = end;
        Some(raw)
    }

    /// Consumes the JSON string whose value is `want`, written without escapes (as ADAM
    /// writes such values). A `want` that JSON would escape is not looked for: `None`, and
    /// the caller's general walk decides.
    pub(crate) fn string(&mut self, want: &[u8]) -> Option<()> {
        if want.iter().any(|b| matches!(b, b'"' | b'\\' | 0..0x20)) {
            return None;
        }
        let start = self.i;
        let done = self
            .lit(b"\"")
            .and_then(|()| self.lit(want))
            .and_then(|()| self.lit(b"\""));
        if done.is_none() {
            self.i = start;
        }
        done
    }

    /// Consumes `null` when `want` is `None`, else the integer `want` written plainly.
    pub(crate) fn int(&mut self, want: Option<i64>) -> Option<()> {
        let Some(want) = want else {
            return self.lit(b"null");
        };
        let start = self.i;
        let negative = self.lit(b"-").is_some();
        let digits = self.s.get(self.i..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        let mut value: i64 = 0;
        for &d in self.s.get(self.i..self.i + digits)? {
            value = value.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
        }
        // Accumulated negatively so that i64::MIN fits; a leading zero is not plain JSON.
        let value = if negative { Some(value) } else { value.checked_neg() };
        let plain = digits > 0 && (digits == 1 || self.s.get(self.i) != Some(&b'0'));
        if plain && value == Some(want) {
            self.i += digits;
            Some(())
        } else {
            self.i = start;
            None
        }
    }

    /// Whether the whole text was consumed.
    pub(crate) fn at_end(&self) -> bool {
        self.i == self.s.len()
    }
}

/// Whether the raw JSON value `raw` is the string `want`.
pub(crate) fn is_string(raw: &[u8], want: &[u8]) -> bool {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return false;
    };
    if inner.contains(&b'\\') {
        // Escapes are rare in these fields; let serde decode them.
        serde_json::from_slice::<String>(raw).is_ok_and(|s| s.as_bytes() == want)
    } else {
        inner == want
    }
}

/// The raw JSON value `raw` as an optional integer: `Some(None)` for `null`, `None` when it is
/// neither.
pub(crate) fn opt_int(raw: &[u8]) -> Option<Option<i64>> {
    if raw == b"null" {
        Some(None)
    } else {
        std::str::from_utf8(raw).ok()?.parse::<i64>().ok().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        members(text.as_bytes(), |k, v| {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ));
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
        // Strings longer than the plain loop's reach, with an escape on either side of it.
        for at in 0..40 {
            let long = format!("{}\\\"{}", "x".repeat(at), "y".repeat(40 - at));
            let got = all(&format!(r#"{{"a":"{long}","b":1}}"#)).unwrap();
            assert_eq!(got[0].1, format!(r#""{long}""#), "escape at {at}");
            assert_eq!(got[1], ("b".to_owned(), "1".to_owned()));
        }
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
    fn a_cursor_consumes_only_what_it_expects() {
        let text = br#"{"a":{"b":"}"},"c":null}"#;
        let mut k = Cursor::new(text);
        assert_eq!(k.lit(b"{\"b\""), None, "a literal that is not there consumes nothing");
        k.lit(b"{\"a\":").unwrap();
        assert_eq!(k.value(), Some(&br#"{"b":"}"}"#[..]));
        k.lit(b",\"c\":").unwrap();
        assert!(!k.at_end());
        assert_eq!(k.value(), Some(&b"null"[..]));
        k.lit(b"}").unwrap();
        assert!(k.at_end());
        assert_eq!(k.lit(b"}"), None, "nothing past the end");
        assert_eq!(Cursor::new(br#"{"a":"#).value(), None);
    }

    #[test]
    fn a_cursor_compares_plain_strings_and_integers_in_place() {
        let mut k = Cursor::new(br#""ok",-12,0,null,9223372036854775807,"a\nb""#);
        assert_eq!(k.string(b"o"), None, "a prefix is not the string");
        assert_eq!(k.string(b"okay"), None);
        k.string(b"ok").unwrap();
        k.lit(b",").unwrap();
        assert_eq!(k.int(Some(12)), None);
        assert_eq!(k.int(Some(-1)), None, "a prefix of the number is not the number");
        k.int(Some(-12)).unwrap();
        k.lit(b",").unwrap();
        assert_eq!(k.int(None), None);
        k.int(Some(0)).unwrap();
        k.lit(b",").unwrap();
        assert_eq!(k.int(Some(0)), None);
        k.int(None).unwrap();
        k.lit(b",").unwrap();
        k.int(Some(i64::MAX)).unwrap();
        k.lit(b",").unwrap();
        // Escaped text is left to the general walk, even when the bytes would match.
        assert_eq!(k.string(b"a\\nb"), None);
        assert_eq!(k.string(b"a\nb"), None);
        assert_eq!(
            Cursor::new(b"007").int(Some(7)),
            None,
            "leading zeros are not plain JSON"
        );
        assert_eq!(Cursor::new(b"-9223372036854775808").int(Some(i64::MIN)), Some(()));
        assert_eq!(Cursor::new(b"9223372036854775808").int(Some(i64::MIN)), None);
        assert_eq!(Cursor::new(b"99999999999999999999").int(Some(1)), None);
    }

    #[test]
    fn strings_and_integers_compare_by_value() {
        assert!(is_string(br#""ok""#, b"ok"));
        assert!(!is_string(br#""ok""#, b"OK"));
        assert!(!is_string(b"1", b"1"));
        assert!(is_string(br#""a\"b""#, b"a\"b"));
        assert!(is_string(r#""\u010d""#.as_bytes(), "č".as_bytes()));
        assert_eq!(opt_int(b"null"), Some(None));
        assert_eq!(opt_int(b"17"), Some(Some(17)));
        assert_eq!(opt_int(b"\"17\""), None);
    }
}
