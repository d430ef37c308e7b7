//! Random bytes from the operating system.
//!
//! Salts, TOTP secrets, backup codes and tokens all come from here, so there is one place
//! that talks to the OS generator and one error for when it fails (which on Linux means the
//! kernel's generator is unavailable — the caller should refuse the operation, never fall back
//! to something weaker).

/// The operating system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random generator failed: {0}")]
pub struct RandomError(String);

/// `N` bytes from the operating system's cryptographically secure generator.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| RandomError(e.to_string()))?;
    Ok(out)
}

/// A uniformly random index below `bound` (which must be at most 256), by rejection sampling so
/// that no value is more likely than another.
pub fn below(bound: u8) -> Result<u8, RandomError> {
    // Largest multiple of `bound` that fits in a byte: bytes at or above it are thrown away.
    let bound16 = u16::from(bound.max(1));
    let limit = 256 - 256 % bound16;
    loop {
        let [b] = bytes::<1>()?;
        if u16::from(b) < limit {
            return Ok((u16::from(b) % bound16) as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_draws_differ() {
        // 2^-256 chance of a false failure.
        assert_ne!(bytes::<32>().unwrap(), bytes::<32>().unwrap());
    }

    #[test]
    fn below_stays_below_and_covers_the_range() {
        let mut seen = [false; 31];
        for _ in 0..5000 {
            let i = below(31).unwrap();
            assert!(i < 31);
            seen[usize::from(i)] = true;
        }
        assert!(seen.iter().all(|s| *s), "every value appears in 5000 draws");
    }
}
