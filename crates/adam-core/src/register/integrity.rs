//! Integrity baselines of key and high-risk servers (Decree Art. 50(4)–(5)).
//!
//! A scan of a server is a [`Manifest`]: per file its path, SHA-256, size, mode and owner,
//! sorted by path. The first scans become [`Baseline`]s: submitted, then approved by the
//! register's keeper with the reference of the approved change that justifies them (Art. 50(4):
//! "updated after every approved system change"). Later scans are compared with the server's
//! approved baseline and kept as a [`Comparison`] with its outcome; a mismatch carries the
//! [`Diff`] (added, removed and changed files) and is a security event (Art. 50(5)). The
//! manifests live in ADAM's change log — off the server, in a hash-chained store — which is
//! what 50(4) asks of where integrity information is kept.
//!
//! **Compact.** A file is written as a five-element array (`["etc/passwd", "ab…", 1234, 420,
//! "0:0"]`) rather than an object, and a comparison keeps only its difference, never the
//! manifest it was computed from. [`diff`] is one merge walk over the two sorted manifests
//! (O(n + m)); the tests hold it to a brute-force oracle.

use crate::ids::{BaselineId, ComparisonId, ItemId, Revision, UserId};
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The longest file path accepted in a manifest.
pub const MAX_PATH: usize = 4096;
/// The longest owner accepted (`root:root`, `1000:1000`).
pub const MAX_OWNER: usize = 128;

/// Why a file entry or a manifest cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestProblem {
    /// A digest that is not 64 lowercase hexadecimal digits.
    #[error("{0:?} is not a SHA-256 digest (64 lowercase hexadecimal digits)")]
    Digest(String),
    /// An empty path, one too long, or one with control characters.
    #[error("the path {0:?} is empty, longer than 4096 characters or has control characters")]
    Path(String),
    /// An empty owner, one too long, or one with control characters.
    #[error("the owner {0:?} is empty, longer than 128 characters or has control characters")]
    Owner(String),
    /// The same path twice.
    #[error("the path {0:?} is listed twice")]
    Duplicate(String),
}

/// A SHA-256 digest in lowercase hexadecimal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Parses a digest (uppercase digits are lowered).
    pub fn parse(value: &str) -> Result<Sha256Hex, ManifestProblem> {
        if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Sha256Hex(value.to_ascii_lowercase()))
        } else {
            Err(ManifestProblem::Digest(value.chars().take(80).collect()))
        }
    }
    /// The digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Sha256Hex::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One file of a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "FileTuple", try_from = "FileTuple")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(with = "FileTuple"))]
pub struct FileEntry {
    /// Its path as scanned (relative to the scanned root or absolute).
    pub path: String,
    /// The SHA-256 of its content.
    pub sha256: Sha256Hex,
    /// Its size in bytes.
    pub size: u64,
    /// Its permission bits (`0o644` = 420).
    pub mode: u32,
    /// Its owner, `uid:gid` or `user:group`.
    pub owner: String,
}

/// How a file is written: `[path, sha256, size, mode, owner]`.
type FileTuple = (String, String, u64, u32, String);

fn clean(s: &str, max: usize) -> bool {
    !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

impl FileEntry {
    /// A checked entry.
    pub fn new(path: String, sha256: &str, size: u64, mode: u32, owner: String) -> Result<FileEntry, ManifestProblem> {
        if !clean(&path, MAX_PATH) {
            return Err(ManifestProblem::Path(path.chars().take(80).collect()));
        }
        if !clean(&owner, MAX_OWNER) {
            return Err(ManifestProblem::Owner(owner.chars().take(80).collect()));
        }
        Ok(FileEntry {
            path,
            sha256: Sha256Hex::parse(sha256)?,
            size,
            mode,
            owner,
        })
    }
}

impl From<FileEntry> for FileTuple {
    fn from(f: FileEntry) -> FileTuple {
        (f.path, f.sha256.0, f.size, f.mode, f.owner)
    }
}

impl TryFrom<FileTuple> for FileEntry {
    type Error = ManifestProblem;
    fn try_from((path, sha, size, mode, owner): FileTuple) -> Result<FileEntry, ManifestProblem> {
        FileEntry::new(path, &sha, size, mode, owner)
    }
}

/// The files of one scan, sorted by path, each path once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "Vec<FileEntry>", try_from = "Vec<FileEntry>")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(with = "Vec<FileEntry>"))]
pub struct Manifest(Vec<FileEntry>);

impl Manifest {
    /// Sorts the files by path; the same path twice is refused.
    pub fn new(mut files: Vec<FileEntry>) -> Result<Manifest, ManifestProblem> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = files.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(ManifestProblem::Duplicate(w[0].path.chars().take(80).collect()));
        }
        Ok(Manifest(files))
    }
    /// The files, sorted by path.
    pub fn files(&self) -> &[FileEntry] {
        &self.0
    }
    /// How many files.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether it lists no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Manifest> for Vec<FileEntry> {
    fn from(m: Manifest) -> Vec<FileEntry> {
        m.0
    }
}

impl TryFrom<Vec<FileEntry>> for Manifest {
    type Error = ManifestProblem;
    fn try_from(files: Vec<FileEntry>) -> Result<Manifest, ManifestProblem> {
        Manifest::new(files)
    }
}

/// What differs in a file present in both scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The content (its SHA-256).
    Content,
    /// The size.
    Size,
    /// The permission bits.
    Mode,
    /// The owner.
    Owner,
}

/// A file present in both scans that differs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangedFile {
    /// Its path.
    pub path: String,
    /// What differs, in the order content, size, mode, owner.
    pub what: Vec<Aspect>,
}

/// How a scan differs from the baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diff {
    /// Paths in the scan, not in the baseline (sorted).
    pub added: Vec<String>,
    /// Paths in the baseline, not in the scan (sorted).
    pub removed: Vec<String>,
    /// Paths in both that differ (sorted by path).
    pub changed: Vec<ChangedFile>,
}

impl Diff {
    /// Whether the scan matches the baseline.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
    /// How many files differ.
    pub fn len(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len()
    }
}

fn aspects(a: &FileEntry, b: &FileEntry) -> Vec<Aspect> {
    let mut what = Vec::new();
    if a.sha256 != b.sha256 {
        what.push(Aspect::Content);
    }
    if a.size != b.size {
        what.push(Aspect::Size);
    }
    if a.mode != b.mode {
        what.push(Aspect::Mode);
    }
    if a.owner != b.owner {
        what.push(Aspect::Owner);
    }
    what
}

/// How `scan` differs from `baseline`: one merge walk over the two sorted manifests.
pub fn diff(baseline: &Manifest, scan: &Manifest) -> Diff {
    let (a, b) = (baseline.files(), scan.files());
    let (mut i, mut j) = (0, 0);
    let mut out = Diff::default();
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.path.cmp(&y.path),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                out.removed.push(a[i].path.clone());
                i += 1;
            }
            Ordering::Greater => {
                out.added.push(b[j].path.clone());
                j += 1;
            }
            Ordering::Equal => {
                let what = aspects(&a[i], &b[j]);
                if !what.is_empty() {
                    out.changed.push(ChangedFile {
                        path: a[i].path.clone(),
                        what,
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Where a baseline stands.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BaselineState {
    /// Submitted, waiting for the keeper's approval.
    Submitted,
    /// Approved: later scans are compared with it (the latest approved one of its server).
    Approved {
        /// Who approved it (`None`: the console).
        by: Option<UserId>,
        /// When.
        at: Timestamp,
        /// The reference of the approved change that justifies it (Art. 50(4); free text until
        /// change management exists).
        change: Text,
    },
}

/// The integrity information of one server at one time (Art. 50(4)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Baseline {
    /// Id.
    pub id: BaselineId,
    /// The server: an information system of the inventory marked key or high-risk.
    pub server: ItemId,
    /// When the scan was taken (as the scanner reported it).
    pub taken_at: Timestamp,
    /// Who submitted it (`None`: the console).
    pub taken_by: Option<UserId>,
    /// Submitted or approved.
    #[serde(flatten)]
    pub state: BaselineState,
    /// The files.
    pub manifest: Manifest,
    /// The files it carries (a signed report, the minutes): added by
    /// [`Command::AttachFile`](crate::Command::AttachFile), never removed (its history keeps them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachment::AttachmentRef>,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl Baseline {
    /// Whether it is approved.
    pub fn approved(&self) -> bool {
        matches!(self.state, BaselineState::Approved { .. })
    }
}

/// The outcome of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// The server is as its baseline says.
    Match,
    /// It is not: a security event (Art. 50(5)).
    Mismatch {
        /// What differs.
        diff: Diff,
    },
}

/// A scan compared with the server's approved baseline (Art. 50(5)).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// Id.
    pub id: ComparisonId,
    /// The server.
    pub server: ItemId,
    /// The baseline compared with.
    pub baseline: BaselineId,
    /// When the scan was taken.
    pub scanned_at: Timestamp,
    /// Who submitted it (`None`: the console).
    pub by: Option<UserId>,
    /// How many files the scan listed.
    pub files: u64,
    /// Match, or mismatch with the difference.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The revision that last changed this record.
    pub rev: Revision,
}

impl Comparison {
    /// Whether the scan differed from the baseline.
    pub fn mismatch(&self) -> bool {
        matches!(self.outcome, Outcome::Mismatch { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn f(path: &str, n: u8, mode: u32, owner: &str) -> FileEntry {
        FileEntry::new(
            path.to_owned(),
            &format!("{n:02x}").repeat(32),
            u64::from(n),
            mode,
            owner.to_owned(),
        )
        .unwrap()
    }

    #[test]
    fn a_file_is_a_five_element_array_and_bad_entries_are_refused() {
        let e = f("etc/passwd", 1, 0o644, "0:0");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, serde_json::json!(["etc/passwd", "01".repeat(32), 1, 420, "0:0"]));
        assert_eq!(serde_json::from_value::<FileEntry>(v).unwrap(), e);
        assert!(serde_json::from_value::<FileEntry>(serde_json::json!(["a", "xyz", 1, 1, "0:0"])).is_err());
        assert!(serde_json::from_value::<FileEntry>(serde_json::json!(["", "00".repeat(32), 1, 1, "0:0"])).is_err());
        assert!(serde_json::from_value::<FileEntry>(serde_json::json!(["a\n", "00".repeat(32), 1, 1, "0:0"])).is_err());
        assert!(serde_json::from_value::<FileEntry>(serde_json::json!(["a", "00".repeat(32), 1, 1, ""])).is_err());
        // Uppercase digests are read and lowered.
        assert_eq!(Sha256Hex::parse(&"AB".repeat(32)).unwrap().as_str(), "ab".repeat(32));
    }

    #[test]
    fn a_manifest_is_sorted_and_refuses_a_path_twice() {
        let m = Manifest::new(vec![f("b", 1, 1, "u"), f("a", 2, 1, "u")]).unwrap();
        assert_eq!(m.files()[0].path, "a");
        assert_eq!(
            Manifest::new(vec![f("a", 1, 1, "u"), f("a", 2, 1, "u")]),
            Err(ManifestProblem::Duplicate("a".into()))
        );
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(serde_json::from_value::<Manifest>(json).unwrap(), m);
        let twice = serde_json::json!([["a", "00".repeat(32), 1, 1, "u"], ["a", "00".repeat(32), 1, 1, "u"]]);
        assert!(serde_json::from_value::<Manifest>(twice).is_err());
    }

    #[test]
    fn the_diff_names_added_removed_and_changed_files_with_what_changed() {
        let base = Manifest::new(vec![
            f("bin/sh", 1, 0o755, "0:0"),
            f("etc/hosts", 2, 0o644, "0:0"),
            f("etc/passwd", 3, 0o644, "0:0"),
        ])
        .unwrap();
        let scan = Manifest::new(vec![
            f("bin/sh", 9, 0o755, "0:0"),
            f("etc/passwd", 3, 0o666, "1:1"),
            f("tmp/x", 4, 0o777, "0:0"),
        ])
        .unwrap();
        let d = diff(&base, &scan);
        assert_eq!(d.added, vec!["tmp/x"]);
        assert_eq!(d.removed, vec!["etc/hosts"]);
        assert_eq!(
            d.changed,
            vec![
                ChangedFile {
                    path: "bin/sh".into(),
                    what: vec![Aspect::Content, Aspect::Size]
                },
                ChangedFile {
                    path: "etc/passwd".into(),
                    what: vec![Aspect::Mode, Aspect::Owner]
                },
            ]
        );
        assert_eq!(d.len(), 4);
        assert!(diff(&base, &base).is_empty());
        assert!(diff(&Manifest::default(), &Manifest::default()).is_empty());
    }

    /// The oracle: every path of either side looked up in maps.
    fn brute_force(base: &Manifest, scan: &Manifest) -> Diff {
        let a: BTreeMap<&str, &FileEntry> = base.files().iter().map(|e| (e.path.as_str(), e)).collect();
        let b: BTreeMap<&str, &FileEntry> = scan.files().iter().map(|e| (e.path.as_str(), e)).collect();
        let mut d = Diff::default();
        let paths: std::collections::BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
        for p in paths {
            match (a.get(p), b.get(p)) {
                (Some(_), None) => d.removed.push(p.to_owned()),
                (None, Some(_)) => d.added.push(p.to_owned()),
                (Some(x), Some(y)) => {
                    let mut what = Vec::new();
                    for (aspect, differs) in [
                        (Aspect::Content, x.sha256 != y.sha256),
                        (Aspect::Size, x.size != y.size),
                        (Aspect::Mode, x.mode != y.mode),
                        (Aspect::Owner, x.owner != y.owner),
                    ] {
                        if differs {
                            what.push(aspect);
                        }
                    }
                    if !what.is_empty() {
                        d.changed.push(ChangedFile {
                            path: p.to_owned(),
                            what,
                        });
                    }
                }
                (None, None) => {}
            }
        }
        d
    }

    fn manifest() -> impl Strategy<Value = Manifest> {
        // Few paths and few values, so the two sides share many files and collide often.
        prop::collection::btree_map(
            "[a-d]{1,2}(/[a-c]{1,2})?",
            (0u8..3, 0u32..2, prop::sample::select(vec!["0:0", "1:1"])),
            0..12,
        )
        .prop_map(|files| {
            Manifest::new(
                files
                    .into_iter()
                    .map(|(p, (n, mode, owner))| f(&p, n, mode, owner))
                    .collect(),
            )
            .unwrap()
        })
    }

    proptest! {
        #[test]
        fn the_merge_walk_agrees_with_the_brute_force_oracle(base in manifest(), scan in manifest()) {
            let d = diff(&base, &scan);
            prop_assert_eq!(&d, &brute_force(&base, &scan));
            // Comparing a scan with itself finds nothing; swapping sides swaps added and removed.
            prop_assert!(diff(&scan, &scan).is_empty());
            let back = diff(&scan, &base);
            prop_assert_eq!(&back.added, &d.removed);
            prop_assert_eq!(&back.removed, &d.added);
            prop_assert_eq!(back.changed.len(), d.changed.len());
        }
    }
}
