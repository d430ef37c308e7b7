//! A PostgreSQL streaming replica for the failover tests: `ADAM_TEST_PG_REPLICA_URL` when set
//! (a fresh replica of the test server, which a drill promotes), or one made now by
//! `start_test_replica` of `scripts/postgres.sh` (`pg_basebackup -R` of the primary, on another
//! loopback port) and removed — stopped, its directory deleted — when dropped.

use std::path::{Path, PathBuf};

/// A streaming replica of the test server.
pub struct Replica {
    /// An administrator's URL of the replica (its `postgres` database).
    pub url: String,
    /// The directory of a replica made here (removed when dropped).
    made: Option<String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
}

impl Replica {
    /// A replica of the server at `primary` (an administrator's URL). Panics, saying what is
    /// missing, when none can be had: a silent skip would let CI pass without the drill.
    #[allow(clippy::expect_used)]
    pub fn of(primary: &str) -> Replica {
        if let Ok(url) = std::env::var("ADAM_TEST_PG_REPLICA_URL")
            && !url.trim().is_empty()
        {
            return Replica { url, made: None };
        }
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(r#". "$0" && start_test_replica "$1" && printf '%s\n%s\n' "$ADAM_TEST_PG_REPLICA_URL" "$ADAM_PG_REPLICA_DIR""#)
            .arg(script())
            .arg(primary)
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut lines = stdout.lines();
        match (out.status.success(), lines.next(), lines.next()) {
            (true, Some(url), Some(dir)) => Replica {
                url: url.to_owned(),
                made: Some(dir.to_owned()),
            },
            _ => panic!(
                "cannot make a streaming replica of ADAM_TEST_PG_URL with start_test_replica of \
                 scripts/postgres.sh (it needs PostgreSQL's server binaries and a primary that lets \
                 loopback connections replicate; or export ADAM_TEST_PG_REPLICA_URL, a fresh \
                 replica): {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(dir) = &self.made {
            let _ = std::process::Command::new("bash")
                .arg("-c")
                .arg(r#". "$0" && stop_replica_dir "$1""#)
                .arg(script())
                .arg(dir)
                .status();
        }
    }
}
