//! Lower-case hex, as the audit trail and the key directory write it.

/// The digits of lower-case hex.
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Whether `text` is exactly the lower-case hex of `bytes` (as ADAM writes it). `verify`
/// compares a computed value with its stored text this way: encoding is half the table
/// loads of decoding, and only a value that differs needs decoding.
pub(crate) fn is_hex_of(bytes: &[u8], text: &[u8]) -> bool {
    text.len() == bytes.len() * 2
        && bytes.iter().zip(text.chunks_exact(2)).fold(true, |same, (b, pair)| {
            same & (pair[0] == DIGITS[usize::from(b >> 4)]) & (pair[1] == DIGITS[usize::from(b & 0x0f)])
        })
}

/// The value of each hex digit, and `0xff` for every other byte: one load per character
/// (`verify` decodes 128 of them per record).
const NIBBLES: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Parses lower- or upper-case hex of exactly `N` bytes.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    unhex_bytes(s.as_bytes())
}

/// Parses hex of any even length (a standby's shipped attachment chunks).
pub(crate) fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let mut bad = 0u8;
    let out = s
        .chunks_exact(2)
        .map(|pair| {
            let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
            bad |= hi | lo;
            (hi << 4) | (lo & 0x0f)
        })
        .collect();
    (bad & 0xf0 == 0).then_some(out)
}

/// [`unhex`] of text given as bytes (as `verify` reads it).
pub(crate) fn unhex_bytes<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    let s = s.trim_ascii();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    // Accumulate "any byte was not a digit" and test once at the end (no branch per byte).
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let (hi, lo) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        bad |= hi | lo;
        *byte = (hi << 4) | (lo & 0x0f);
    }
    (bad & 0xf0 == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_unhex_are_inverse_and_strict() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(3));
        let all: Vec<u8> = (0..=255).collect();
        let text = hex(&all);
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(text, expected);
        assert_eq!(unhex::<32>(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex::<32>(&format!("  {}\n", hex(&bytes).to_uppercase())), Some(bytes));
        assert_eq!(unhex::<1>("0g"), None);
        assert_eq!(unhex::<1>("+f"), None);
        assert_eq!(unhex::<1>("é"), None);
        assert_eq!(unhex::<2>("abc"), None);
    }
}
