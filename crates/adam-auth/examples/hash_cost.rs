//! Measures what one Argon2id hash costs with the standard parameters, to check they stay in the
//! 100–300 ms a login may cost (SPEC §4). Run in release:
//! `CARGO_BUILD_JOBS=1 cargo run --release -p adam-auth --example hash_cost`.

use adam_auth::hash::{HashParams, PasswordHasher, Verification};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let params = std::env::args()
        .nth(1)
        .map(|m| -> Result<HashParams, Box<dyn std::error::Error>> {
            let mut parts = m.split(',').map(str::parse::<u32>);
            let mut next = || parts.next().unwrap_or(Ok(1));
            Ok(HashParams::new(next()?, next()?, next()?)?)
        })
        .transpose()?
        .unwrap_or(HashParams::STANDARD);
    let hasher = PasswordHasher::new(params);
    let digest = hasher.hash("warm-up-Zelen-Traktor")?;
    const ROUNDS: u32 = 10;
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let verified = hasher.verify("warm-up-Zelen-Traktor", digest.as_str())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if verified != (Verification::Ok { needs_rehash: false }) {
            return Err("the warm-up password did not verify".into());
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "argon2id m={} KiB t={} p={}: median {:.0} ms, min {:.0} ms, max {:.0} ms over {ROUNDS} verifications",
        params.memory_kib(),
        params.iterations(),
        params.parallelism(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    Ok(())
}
