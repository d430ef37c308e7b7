//! The conformance table `docs/conformance.md` is held to the code: every test a row names
//! exists (a Rust file under the workspace containing `fn name(`, or a browser test file
//! containing the quoted title), every article the 2018 Decree asks for has a row, every
//! `enforced` row names a test, and every status is one of the four. The format rules this
//! checker implements are written at the top of the document itself ("Format rules"); the
//! parser is deliberately small so that later issues add rows without touching it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The document, from the workspace root.
const DOC: &str = "docs/conformance.md";

/// A rule set's key and the articles that must each have at least one row (inclusive ranges).
type Required<'a> = (&'a str, &'a [(u32, u32)]);

/// The 2018 Decree: Art. 5–11, 14–15, 17–23, 29, 33, 38, 41, 45–46, 50–57 and 60 (issue #15).
const DECREE_2018: Required<'static> = (
    "decree-2018",
    &[
        (5, 11),
        (14, 15),
        (17, 23),
        (29, 29),
        (33, 33),
        (38, 38),
        (41, 41),
        (45, 48),
        (50, 57),
        (60, 60),
    ],
);

/// What a row says ADAM does about its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Enforced,
    Evidenced,
    Organisational,
    /// A later issue, by number.
    Planned(u32),
}

/// A test a row names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TestRef {
    /// `path/to/file.rs::name`: the file contains `fn name(`.
    Rust { file: String, name: String },
    /// `tests/browser/x.test.mjs::"title"`: the file contains the title in quotes.
    Browser { file: String, title: String },
}

impl std::fmt::Display for TestRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestRef::Rust { file, name } => write!(f, "`{file}::{name}`"),
            TestRef::Browser { file, title } => write!(f, "`{file}::\"{title}\"`"),
        }
    }
}

/// One row of a rule set's table.
#[derive(Debug)]
struct Row {
    /// 1-based line in the document.
    line: usize,
    rule_set: String,
    /// The article number (without the paragraph).
    article: u32,
    /// The Art. cell as written, for messages.
    art: String,
    status: Status,
    tests: Vec<TestRef>,
}

impl Row {
    fn at(&self) -> String {
        format!("{DOC}:{} (Art. {})", self.line, self.art)
    }
}

/// The article number of an Art. cell: `51`, `51(5)` or `53(2)–(3)` (an ASCII hyphen too).
fn article(cell: &str) -> Option<u32> {
    let digits = cell.chars().take_while(char::is_ascii_digit).count();
    let number: u32 = cell[..digits].parse().ok().filter(|n| *n > 0)?;
    let rest = &cell[digits..];
    if rest.is_empty() {
        return Some(number);
    }
    let rest = paragraph(rest)?;
    if rest.is_empty() {
        return Some(number);
    }
    let rest = rest.strip_prefix('–').or_else(|| rest.strip_prefix('-'))?;
    paragraph(rest)?.is_empty().then_some(number)
}

/// Strips a leading `(digits)`; what follows it.
fn paragraph(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('(')?;
    let end = inner.find(')')?;
    let digits = &inner[..end];
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(&inner[end + 1..])
}

/// A Status cell: exactly `enforced`, `evidenced`, `organisational` or `planned (#N)`.
fn status(cell: &str) -> Option<Status> {
    match cell {
        "enforced" => Some(Status::Enforced),
        "evidenced" => Some(Status::Evidenced),
        "organisational" => Some(Status::Organisational),
        _ => {
            let number = cell.strip_prefix("planned (#")?.strip_suffix(')')?;
            if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            number.parse().ok().filter(|n| *n > 0).map(Status::Planned)
        }
    }
}

/// One backticked reference of a Tests cell.
fn test_ref(span: &str) -> Result<TestRef, String> {
    let Some((file, name)) = span.split_once("::") else {
        return Err(format!("`{span}` is not `file::test`"));
    };
    let relative = Path::new(file);
    if file.is_empty()
        || relative.is_absolute()
        || relative
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(format!("`{span}`: the file must be a path from the workspace root"));
    }
    if file.ends_with(".mjs") {
        let title = name
            .strip_prefix('"')
            .and_then(|n| n.strip_suffix('"'))
            .filter(|t| !t.is_empty());
        return match title {
            Some(title) => Ok(TestRef::Browser {
                file: file.to_owned(),
                title: title.to_owned(),
            }),
            None => Err(format!(
                "`{span}`: a browser test is named by its title in double quotes"
            )),
        };
    }
    if !file.ends_with(".rs") {
        return Err(format!("`{span}`: a test lives in a .rs or a .mjs file"));
    }
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !identifier {
        return Err(format!("`{span}`: `{name}` is not a function name"));
    }
    Ok(TestRef::Rust {
        file: file.to_owned(),
        name: name.to_owned(),
    })
}

/// A Tests cell: `—` (or `-`, or nothing) for none, else backticked references separated by
/// commas; anything else outside the backticks is a mistake (a reference without backticks
/// would otherwise go unchecked).
fn tests(cell: &str) -> Result<Vec<TestRef>, Vec<String>> {
    if matches!(cell, "" | "—" | "-") {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = cell.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return Err(vec!["the Tests cell has an unmatched backtick".to_owned()]);
    }
    let mut refs = Vec::new();
    let mut problems = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i.is_multiple_of(2) {
            if !part.chars().all(|c| c == ',' || c.is_whitespace()) {
                problems.push(format!("`{}` in the Tests cell is not in backticks", part.trim()));
            }
        } else {
            match test_ref(part) {
                Ok(r) => refs.push(r),
                Err(p) => problems.push(p),
            }
        }
    }
    if problems.is_empty() { Ok(refs) } else { Err(problems) }
}

/// Reads the document: the rows of every rule set, and the problems of rows that break the
/// format rules 1–6.
fn parse(doc: &str) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut rule_set: Option<String> = None;
    for (i, raw) in doc.lines().enumerate() {
        let line = i + 1;
        let text = raw.trim();
        if text.starts_with("## ") {
            rule_set = text
                .strip_prefix("## Rule set `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(key, _)| key.to_owned());
            continue;
        }
        let Some(rule_set) = &rule_set else { continue };
        if !text.starts_with('|') {
            continue;
        }
        let inner = text.strip_prefix('|').unwrap_or(text);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        let first = cells.first().copied().unwrap_or("");
        if first == "Art." || (!first.is_empty() && first.chars().all(|c| matches!(c, '-' | ':' | ' '))) {
            continue;
        }
        let at = format!("{DOC}:{line} (Art. {first})");
        if cells.len() != 5 {
            problems.push(format!(
                "{at}: {} cells, not the five of `| Art. | Requirement | Status | Where / why | Tests |` (a `|` inside a cell?)",
                cells.len()
            ));
            continue;
        }
        let Some(number) = article(first) else {
            problems.push(format!(
                "{DOC}:{line}: `{first}` is not an article such as `51`, `51(5)` or `53(2)–(3)`"
            ));
            continue;
        };
        let Some(status) = status(cells[2]) else {
            problems.push(format!(
                "{at}: unknown status `{}` (enforced, evidenced, organisational or planned (#N))",
                cells[2]
            ));
            continue;
        };
        if cells[3].is_empty() {
            problems.push(format!("{at}: the Where / why cell is empty"));
        }
        let tests = match tests(cells[4]) {
            Ok(tests) => tests,
            Err(found) => {
                problems.extend(found.into_iter().map(|p| format!("{at}: {p}")));
                continue;
            }
        };
        rows.push(Row {
            line,
            rule_set: rule_set.clone(),
            article: number,
            art: first.to_owned(),
            status,
            tests,
        });
    }
    (rows, problems)
}

/// Every problem of the document against the files under `root`: the format (`parse`), tests
/// that do not exist, `enforced` rows without a test, required articles without a row.
fn check(doc: &str, root: &Path, required: &[Required<'_>]) -> Vec<String> {
    let (rows, mut problems) = parse(doc);
    let mut files: HashMap<PathBuf, Option<String>> = HashMap::new();
    for row in &rows {
        if row.status == Status::Enforced && row.tests.is_empty() {
            problems.push(format!("{}: an enforced row names no test", row.at()));
        }
        for test in &row.tests {
            let (file, needles) = match test {
                TestRef::Rust { file, name } => (file, vec![format!("fn {name}(")]),
                TestRef::Browser { file, title } => (
                    file,
                    ['\'', '"', '`'].iter().map(|q| format!("{q}{title}{q}")).collect(),
                ),
            };
            let path = root.join(file);
            let text = files
                .entry(path.clone())
                .or_insert_with(|| std::fs::read_to_string(&path).ok());
            match text {
                None => problems.push(format!("{}: test {test}: no file {file}", row.at())),
                Some(text) if !needles.iter().any(|n| text.contains(n.as_str())) => {
                    problems.push(format!("{}: test {test}: {file} has no `{}`", row.at(), needles[0]))
                }
                Some(_) => {}
            }
        }
    }
    for (key, ranges) in required {
        let present: Vec<u32> = rows.iter().filter(|r| r.rule_set == *key).map(|r| r.article).collect();
        if present.is_empty() {
            problems.push(format!("{DOC}: rule set `{key}` has no rows"));
            continue;
        }
        for n in ranges.iter().flat_map(|&(from, to)| from..=to) {
            if !present.contains(&n) {
                problems.push(format!("{DOC}: Art. {n} of rule set `{key}` has no row"));
            }
        }
    }
    problems
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_conformance_table_names_only_tests_that_exist_and_covers_the_decree() {
    let root = workspace_root();
    let doc = std::fs::read_to_string(root.join(DOC)).unwrap_or_else(|e| panic!("{DOC}: {e}"));
    let problems = check(&doc, &root, &[DECREE_2018]);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the conformance table:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The checker read the table, not an empty file: every status is in use and tests are named.
    let (rows, _) = parse(&doc);
    for wanted in [Status::Enforced, Status::Evidenced, Status::Organisational] {
        assert!(rows.iter().any(|r| r.status == wanted), "no {wanted:?} row");
    }
    assert!(rows.iter().any(|r| matches!(r.status, Status::Planned(_))));
    assert!(
        rows.iter()
            .any(|r| r.tests.iter().any(|t| matches!(t, TestRef::Browser { .. })))
    );
    assert!(rows.iter().map(|r| r.tests.len()).sum::<usize>() > 50);
}

/// A small table with one mistake of each kind: each is reported, naming its line and the
/// reference, and a correct row is not.
#[test]
fn the_conformance_check_names_each_kind_of_mistake() {
    let this = "crates/adam-server/tests/integration/conformance.rs";
    let ui = "tests/browser/ui.test.mjs";
    // Built from pieces, so that this file itself does not contain the missing function.
    let missing = "no_such_test";
    let doc = format!(
        "# Title\n\
         | status | meaning |\n\
         |---|---|\n\
         | done | outside a rule set: not read |\n\
         ## Rule set `decree-2018` — test\n\
         | Art. | Requirement | Status | Where / why | Tests |\n\
         |---|---|---|---|---|\n\
         | 5(1)–(2) | a | enforced | here | `{this}::the_conformance_check_names_each_kind_of_mistake`, `{ui}::\"browse the tree, search, and open a job\"` |\n\
         | 5 | b | enforced | here | `{this}::{missing}` |\n\
         | 5 | c | enforced | here | `crates/nowhere.rs::a_test` |\n\
         | 5 | d | evidenced | here | `{ui}::\"no such title\"` |\n\
         | 5 | e | enforced | here | — |\n\
         | 5 | f | done | here | — |\n\
         | 5 | g | planned (15) | here | — |\n\
         | x | h | organisational | here | — |\n\
         | 5 | i | organisational |  | {this}::bare |\n\
         ## Notes\n\
         | 6 | after the rule set: not read | organisational | here | — |\n"
    );
    let problems = check(
        &doc,
        &workspace_root(),
        &[("decree-2018", &[(5, 6)]), ("zinfv-1", &[(1, 1)])],
    );
    let expected = [
        format!("{DOC}:9 (Art. 5): test `{this}::{missing}`: {this} has no `fn {missing}(`"),
        format!("{DOC}:10 (Art. 5): test `crates/nowhere.rs::a_test`: no file crates/nowhere.rs"),
        format!("{DOC}:11 (Art. 5): test `{ui}::\"no such title\"`: {ui} has no `'no such title'`"),
        format!("{DOC}:12 (Art. 5): an enforced row names no test"),
        format!("{DOC}:13 (Art. 5): unknown status `done` (enforced, evidenced, organisational or planned (#N))"),
        format!(
            "{DOC}:14 (Art. 5): unknown status `planned (15)` (enforced, evidenced, organisational or planned (#N))"
        ),
        format!("{DOC}:15: `x` is not an article such as `51`, `51(5)` or `53(2)–(3)`"),
        format!("{DOC}:16 (Art. 5): the Where / why cell is empty"),
        format!("{DOC}:16 (Art. 5): `{this}::bare` in the Tests cell is not in backticks"),
        format!("{DOC}: Art. 6 of rule set `decree-2018` has no row"),
        format!("{DOC}: rule set `zinfv-1` has no rows"),
    ];
    let mut problems = problems;
    problems.sort();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(problems, expected, "got:\n{}", problems.join("\n"));
}

#[test]
fn article_cells_and_statuses_parse_as_the_format_rules_say() {
    assert_eq!(article("51"), Some(51));
    assert_eq!(article("51(5)"), Some(51));
    assert_eq!(article("53(2)–(3)"), Some(53));
    assert_eq!(article("53(2)-(3)"), Some(53));
    for bad in ["", "Art. 5", "5(", "5()", "5(a)", "5(1)(2)", "5(1)–", "0", "5 (1)"] {
        assert_eq!(article(bad), None, "{bad:?}");
    }
    assert_eq!(status("planned (#18)"), Some(Status::Planned(18)));
    for bad in [
        "Enforced",
        "**enforced**",
        "planned",
        "planned (#)",
        "planned (#x)",
        "planned #15",
    ] {
        assert_eq!(status(bad), None, "{bad:?}");
    }
    assert!(test_ref("../outside.rs::x").is_err());
    assert!(test_ref("/abs/file.rs::x").is_err());
    assert!(test_ref("file.rs::not a name").is_err());
    assert!(test_ref("file.mjs::no quotes").is_err());
    assert!(test_ref("file.txt::x").is_err());
}
