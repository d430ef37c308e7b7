//! Base32 (RFC 4648, no padding), the encoding of TOTP secrets in `otpauth://` URIs and of
//! ADAM's tokens.
//!
//! Written here rather than pulled in as a crate because it is twenty lines. Tokens use the
//! lower-case form (readable, URL-safe, case-insensitive to read out); authenticator apps expect
//! the upper-case form.

/// The RFC 4648 base32 alphabet.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A string that is not valid unpadded base32.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base32Error {
    /// A character outside A–Z, 2–7 (either case).
    #[error("character {0:?} is not base32")]
    BadCharacter(char),
    /// A length no encoding produces (1, 3 or 6 characters left over), or non-zero trailing bits.
    #[error("the text is not a whole number of base32-encoded bytes")]
    BadLength,
}

/// Upper-case unpadded base32 of `bytes`.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes unpadded base32 in either case.
pub fn base32_decode(text: &str) -> Result<Vec<u8>, Base32Error> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let value = match c.to_ascii_uppercase() {
            u @ 'A'..='Z' => u as u32 - 'A' as u32,
            d @ '2'..='7' => d as u32 - '2' as u32 + 26,
            _ => return Err(Base32Error::BadCharacter(c)),
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    // Leftover bits must be fewer than a character's worth and all zero, or the text was not
    // produced by an encoder (and two texts would decode to the same bytes).
    if bits >= 5 || (buffer & ((1 << bits) - 1)) != 0 {
        return Err(Base32Error::BadLength);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 §10, without the padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
            assert_eq!(base32_decode(&encoded.to_lowercase()).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn rejects_what_no_encoder_writes() {
        assert_eq!(base32_decode("MZXW1"), Err(Base32Error::BadCharacter('1')));
        assert_eq!(base32_decode("M"), Err(Base32Error::BadLength));
        assert_eq!(base32_decode("MZ"), Err(Base32Error::BadLength)); // "MY" is 'f'; Z sets a dropped bit
    }
}
