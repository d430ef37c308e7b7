//! What only the SQLite backend does: a file, its settings, and what it refuses to open.

use crate::backends::Sqlite;
use crate::town::org;
use adam_store::{Credentials, Keyring, SqliteStore, StoreError, WorldStore};
use std::sync::Arc;

fn keys(dir: &std::path::Path) -> Arc<Keyring> {
    Arc::new(Keyring::open(dir.join("audit-keys")).unwrap())
}

#[test]
fn a_file_that_is_not_a_database_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Dear diary, today I stored nothing.\n".repeat(200)).unwrap();
    let err = SqliteStore::open(&path, keys(dir.path())).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("notes.txt") && message.contains("not a SQLite database"),
        "{message}"
    );
    // The file is left as it was.
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("Dear diary"));
}

#[test]
fn a_database_of_something_else_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
        .unwrap();
    let err = SqliteStore::open(&path, keys(dir.path())).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err:?}");
    assert!(err.to_string().contains("no ADAM schema"), "{err}");
}

#[test]
fn a_missing_directory_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(dir.path().join("no/such/dir/adam.db"), keys(dir.path())).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

#[test]
fn the_connection_settings_are_in_force() {
    let b = Sqlite::new();
    let s = SqliteStore::open(&b.path, keys(&b.keys)).unwrap();
    s.initialise(&org()).unwrap();
    let conn = rusqlite::Connection::open(&b.path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let strict: i64 = conn
        .query_row(
            "SELECT strict FROM pragma_table_list WHERE name = 'documents'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(strict, 1, "tables are STRICT");
}

#[test]
fn locations_name_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let prefixed = adam_store::open(&format!("sqlite:{}", path.display()), keys(dir.path())).unwrap();
    assert_eq!(prefixed.backend(), "sqlite");
    assert!(prefixed.initialise(&org()).unwrap());
    drop(prefixed);
    let bare = adam_store::open(&path.display().to_string(), keys(dir.path())).unwrap();
    assert!(!bare.initialise(&org()).unwrap(), "the same file");
    let url = adam_store::open(&format!("sqlite://{}", path.display()), keys(dir.path())).unwrap();
    assert!(!url.initialise(&org()).unwrap(), "the same file");
    for bad in ["", "sqlite:", "mysql://root@localhost/adam"] {
        let err = adam_store::open(bad, keys(dir.path())).err().unwrap();
        assert!(matches!(err, StoreError::BadLocation(_)), "{bad:?}: {err:?}");
    }
}

/// Every byte of the store's files (the database and its WAL).
fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    if let Ok(more) = std::fs::read(wal) {
        all.extend(more);
    }
    all
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_totp_seed_is_in_the_database_files() {
    use crate::town::{Driver, build, t};
    const SEED: &str = "KRUGS4ZANFZSAYLOEBSXQYLNOBWGKIDT";
    let b = Sqlite::new();
    let s = SqliteStore::open(&b.path, keys(b.keys.parent().unwrap())).unwrap();
    let town = build(&mut Driver::new(&s));
    let enrolment = adam_store::TotpEnrolment {
        user: town.ana,
        secret: SEED.to_owned(),
        confirmed: true,
        created: t(crate::town::NOW),
        last_step: None,
    };
    s.save_totp(&enrolment, None, &[]).unwrap();
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
    drop(s);
    assert!(!holds(&file_bytes(&b.path), SEED), "the seed is sealed");

    // A seed left in clear by an older ADAM is sealed when the store opens, and the clear
    // text is gone from the files too (secure_delete, and the WAL truncated).
    let conn = rusqlite::Connection::open(&b.path).unwrap();
    conn.execute(
        "UPDATE auth_totp SET secret = ?1 WHERE user_id = ?2",
        rusqlite::params![SEED, town.ana.0],
    )
    .unwrap();
    drop(conn);
    assert!(
        holds(&file_bytes(&b.path), SEED),
        "the test plants it where it can be found"
    );
    let s = SqliteStore::open(&b.path, keys(b.keys.parent().unwrap())).unwrap();
    assert!(!holds(&file_bytes(&b.path), SEED), "sealed at open, clear text erased");
    assert_eq!(s.totp(town.ana).unwrap().unwrap().secret, SEED);
}
