//! ADAM's own backups (issue #18) on both backends: a backup taken while a writer keeps
//! committing verifies, and restores to the world the writer had at the backup's revision with
//! the same audit trail end; a corrupted backup fails verification naming what is wrong (a
//! flipped byte in a member or in the manifest, a cut, a member taken out, bytes appended, a
//! trail altered inside a well-formed container); the key directory is never in a backup.

use crate::backends::Backend;
use crate::town::*;
use adam_store::WorldStore as _;
use adam_store::backup::{self, BackupError, Scratches};
use adam_testkit::fingerprint;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

fn scratches<'a>(b: &dyn Backend, admin: &'a Option<String>) -> Scratches<'a> {
    let _ = b;
    Scratches {
        dir: None,
        postgres: admin.as_deref(),
    }
}

fn admin(b: &dyn Backend) -> Option<String> {
    (b.name() == "postgres").then(crate::backends::admin_url)
}

pub fn a_backup_under_writes_verifies_and_restores_the_same_world(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("adam.adambackup");
    let committed = AtomicU64::new(0);
    let w = b.open();
    let location = b.location();
    let (created, worlds) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut d = Driver::new(&*w);
            let mut worlds = vec![(d.world.revision().0, fingerprint(&d.world))];
            for i in 0..40 {
                d.sys(office_cmd(&format!("W{i}"), None));
                worlds.push((d.world.revision().0, fingerprint(&d.world)));
                committed.fetch_add(1, Ordering::SeqCst);
            }
            worlds
        });
        while committed.load(Ordering::SeqCst) < 5 {
            std::thread::yield_now();
        }
        let created = backup::create(&location, &file, 1_780_000_000).unwrap();
        (created, writer.join().unwrap())
    });
    let m = &created.manifest;
    assert!(
        committed.load(Ordering::SeqCst) == 40 && m.revision < worlds.last().unwrap().0,
        "the backup was taken while the writer was still writing (at revision {})",
        m.revision
    );
    assert_eq!(m.backend, if b.name() == "sqlite" { "sqlite" } else { "postgresql" });
    assert!(m.tables.get("audit_chain").copied().unwrap_or(0) > 0);
    assert_eq!(m.audit.records, m.tables["audit_chain"]);

    let admin = admin(b);
    let report = backup::verify(&file, b.keys_dir(), scratches(b, &admin)).unwrap();
    assert!(report.passed && report.failure.is_none(), "{report:?}");
    assert_eq!(report.revision, Some(m.revision));
    assert_eq!(report.audit_records, Some(m.audit.records));
    assert_eq!(report.audit_head.as_deref(), Some(m.audit.chain.as_str()));
    assert_eq!(report.records, m.total_records());
    assert_eq!(report.bytes, m.members[0].size);
    // The trail's end in the backup is the live trail's record at that point.
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM audit_chain WHERE seq = {} AND chain = '{}'",
            m.audit.records, m.audit.chain
        )),
        1
    );

    // Restored, the world is the one the writer had at that revision.
    let restored_dir = tempfile::tempdir().unwrap();
    let restored = backup::extract(&file, restored_dir.path()).unwrap();
    assert_eq!(&restored, m);
    let keys = std::sync::Arc::new(adam_store::Keyring::open(b.keys_dir()).unwrap());
    let world = if b.name() == "sqlite" {
        adam_store::SqliteStore::open(restored_dir.path().join(backup::SQLITE_MEMBER), keys)
            .unwrap()
            .load()
            .unwrap()
    } else {
        let target = crate::backends::Postgres::new();
        let status = std::process::Command::new("pg_restore")
            .args([
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                &target.url,
            ])
            .arg(restored_dir.path().join(backup::PG_MEMBER))
            .status()
            .unwrap();
        assert!(status.success());
        adam_store::PgStore::connect(&target.url, keys).unwrap().load().unwrap()
    };
    let (_, expected) = worlds
        .iter()
        .find(|(rev, _)| *rev == m.revision)
        .expect("the backup's revision is one the writer committed");
    assert_eq!(world.revision().0, m.revision);
    assert!(&fingerprint(&world) == expected, "the restored world differs");
}

/// The bytes of a file with `f` applied, written to a new file beside it.
fn altered(file: &Path, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(file).unwrap();
    f(&mut bytes);
    let out = file.with_file_name(name);
    std::fs::write(&out, bytes).unwrap();
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} not found", String::from_utf8_lossy(needle)))
}

/// Writes a container by hand: the given manifest (its members' checksums recomputed) and
/// member files, as `backup::create` would.
fn container(out: &Path, mut manifest: backup::Manifest, members: &[(&str, Vec<u8>)]) {
    use sha2::Digest as _;
    manifest.members = members
        .iter()
        .map(|(name, bytes)| backup::Member {
            name: (*name).to_owned(),
            size: bytes.len() as u64,
            sha256: hex(&sha2::Sha256::digest(bytes)),
        })
        .collect();
    let json = serde_json::to_vec(&manifest).unwrap();
    let mut file = format!(
        "ADAM-BACKUP/1\nmanifest {} {}\n",
        json.len(),
        hex(&sha2::Sha256::digest(&json))
    )
    .into_bytes();
    file.extend_from_slice(&json);
    file.push(b'\n');
    for (name, bytes) in members {
        file.extend_from_slice(format!("member {name} {}\n", bytes.len()).as_bytes());
        file.extend_from_slice(bytes);
        file.push(b'\n');
    }
    file.extend_from_slice(b"end\n");
    std::fs::write(out, file).unwrap();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn failure(b: &dyn Backend, file: &Path) -> BackupError {
    let admin = admin(b);
    let e = backup::verify(file, b.keys_dir(), scratches(b, &admin)).unwrap_err();
    // The report form says the same in its one line, with the duration measured.
    let report = backup::verify_report(file, b.keys_dir(), scratches(b, &admin));
    assert!(!report.passed);
    assert_eq!(report.failure.as_deref(), Some(e.to_string().as_str()));
    e
}

pub fn a_corrupted_backup_fails_naming_what_is_wrong(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.adambackup");
    let created = backup::create(&b.location(), &file, 1_780_000_000).unwrap();
    let member = created.manifest.members[0].name.clone();
    let bytes = std::fs::read(&file).unwrap();
    let member_at = find(&bytes, format!("member {member} ").as_bytes());
    let member_start = member_at + bytes[member_at..].iter().position(|c| *c == b'\n').unwrap() + 1;

    // A flipped byte in the middle of the member.
    let flipped = altered(&file, "flipped", |b| {
        b[member_start + created.manifest.members[0].size as usize / 2] ^= 0x01
    });
    let e = failure(b, &flipped);
    assert!(matches!(&e, BackupError::MemberChecksum(m) if *m == member), "{e}");
    assert!(
        e.to_string().contains(&member) && e.to_string().contains("SHA-256"),
        "{e}"
    );

    // A flipped byte in the manifest.
    let in_manifest = find(&bytes, b"\"revision\"");
    let e = failure(b, &altered(&file, "manifest", |b| b[in_manifest + 2] ^= 0x20));
    assert!(matches!(e, BackupError::ManifestChecksum), "{e}");

    // Cut in the middle of the member, and cut right before the end line.
    let e = failure(b, &altered(&file, "cut", |b| b.truncate(member_start + 100)));
    assert!(matches!(&e, BackupError::Truncated(w) if w.contains(&member)), "{e}");
    let e = failure(b, &altered(&file, "no-end", |b| b.truncate(b.len() - 4)));
    assert!(matches!(e, BackupError::Truncated(_)), "{e}");

    // The member taken out (its header, bytes and newline).
    let e = failure(
        b,
        &altered(&file, "removed", |b| {
            let end = b.len() - 4;
            b.drain(member_at..end);
        }),
    );
    assert!(matches!(&e, BackupError::MissingMember(m) if *m == member), "{e}");
    assert_eq!(e.to_string(), format!("member {member} is missing from the backup"));

    // Bytes appended; not a backup at all; no file.
    let e = failure(b, &altered(&file, "appended", |b| b.extend_from_slice(b"more")));
    assert!(matches!(e, BackupError::TrailingBytes(4)), "{e}");
    let e = failure(b, &altered(&file, "other", |b| b[0] = b'X'));
    assert!(matches!(e, BackupError::NotABackup(_)), "{e}");
    let e = failure(b, &dir.path().join("absent"));
    assert!(matches!(e, BackupError::Io { .. }), "{e}");

    // The manifest's facts are checked against the restore: a revision it does not hold.
    let member_bytes = bytes[member_start..member_start + created.manifest.members[0].size as usize].to_vec();
    let wrong = dir.path().join("wrong-revision");
    let manifest = backup::Manifest {
        revision: created.manifest.revision + 7,
        ..created.manifest.clone()
    };
    container(&wrong, manifest, &[(&member, member_bytes.clone())]);
    let e = failure(b, &wrong);
    assert!(matches!(e, BackupError::Revision { .. }), "{e}");
    // A table's rows the manifest does not hold.
    let mut manifest = created.manifest.clone();
    *manifest.tables.get_mut("offices").unwrap() += 1;
    let rows = dir.path().join("wrong-rows");
    container(&rows, manifest, &[(&member, member_bytes.clone())]);
    let e = failure(b, &rows);
    assert!(
        matches!(&e, BackupError::RecordCount { table, .. } if table == "offices"),
        "{e}"
    );

    if b.name() == "sqlite" {
        // An audit record altered inside a well-formed container: the trail's verification
        // names it.
        let db = dir.path().join("tampered.db");
        std::fs::write(&db, &member_bytes).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TRIGGER IF EXISTS audit_append_only_update; \
             UPDATE audit SET payload = replace(payload, 'Urad', 'Xrad') \
             WHERE seq = (SELECT min(seq) FROM audit WHERE payload LIKE '%Urad%')",
        )
        .unwrap();
        drop(conn);
        let tampered = dir.path().join("tampered");
        container(
            &tampered,
            created.manifest.clone(),
            &[(&member, std::fs::read(&db).unwrap())],
        );
        let e = failure(b, &tampered);
        assert!(
            matches!(&e, BackupError::AuditTrail(w) if w.contains("TAMPERED")),
            "{e}"
        );
    }

    // The good one still verifies: none of the above touched it or the live store.
    let admin = admin(b);
    assert!(
        backup::verify(&file, b.keys_dir(), scratches(b, &admin))
            .unwrap()
            .passed
    );
}

pub fn a_backup_never_holds_the_keys(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    build(&mut d);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("adam.adambackup");
    backup::create(&b.location(), &file, 1_780_000_000).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    for entry in std::fs::read_dir(b.keys_dir()).unwrap() {
        let path = entry.unwrap().path();
        let key = std::fs::read(&path).unwrap();
        if key.len() >= 32 {
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_slice()),
                "{} is in the backup",
                path.display()
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the backup is readable by its owner only");
    }
    // Verifying without the key directory fails saying so, and creates no keys.
    let nowhere = dir.path().join("no-keys");
    let e = backup::verify(&file, &nowhere, Scratches::default()).unwrap_err();
    assert!(e.to_string().contains("key directory"), "{e}");
    assert!(!nowhere.exists());
}
