//! "No two modules import each other" (`ARCHITECTURE.md`), held to the code of every crate of
//! the workspace: the graph of each crate's top-level modules (`src/<module>.rs` or
//! `src/<module>/`), with an edge wherever a module's code names `crate::<other>` — outside
//! comments, string literals and `#[cfg(test)]` items — must have no circle, i.e. no strongly
//! connected component of more than one module. A failure names the circle and where each of
//! its imports is written.
//!
//! It lives in this crate's one integration-test binary because it reads source, not the
//! server; the `adam` crate's tests are separate binaries that run the built program.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where an import is written: the file (relative to the crate) and the line.
type Site = (String, usize);

/// A crate's module graph: for each top-level module, the modules it imports and where.
type Graph = BTreeMap<String, BTreeMap<String, Site>>;

/// The workspace's `crates/` directory.
fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Where the raw string literal starting at `i` (`r"…"`, `r#"…"#`, `br"…"`) ends, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let start = match (chars[i], chars.get(i + 1)) {
        ('r', _) => i + 1,
        ('b', Some('r')) => i + 2,
        _ => return None,
    };
    let hashes = chars[start..].iter().take_while(|&&h| h == '#').count();
    if chars.get(start + hashes) != Some(&'"') {
        return None;
    }
    let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    let mut j = start + hashes + 1;
    while j < chars.len() && !chars[j..].starts_with(&close) {
        j += 1;
    }
    Some((j + close.len()).min(chars.len()))
}

/// Blanks one character, keeping line breaks (so positions still name the right line).
fn blank(out: &mut String, c: char) {
    out.push(if c == '\n' { '\n' } else { ' ' });
}

/// Blanks a string or character literal starting at its quote `chars[i]`, escapes and the
/// closing quote included; returns the index after it.
fn blank_quoted(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let quote = chars[i];
    blank(out, quote);
    i += 1;
    while i < chars.len() && chars[i] != quote {
        if chars[i] == '\\' {
            blank(out, chars[i]);
            i += 1;
        }
        if i < chars.len() {
            blank(out, chars[i]);
            i += 1;
        }
    }
    if i < chars.len() {
        blank(out, chars[i]);
        i += 1;
    }
    i
}

/// The code of a Rust file with comments, string and character literals blanked out (lines
/// kept, so positions still name the right line).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if let Some(end) = (!prev_ident).then(|| raw_string_end(&chars, i)).flatten() {
            for &k in &chars[i..end] {
                blank(&mut out, k);
            }
            i = end;
        } else if c == '"' {
            i = blank_quoted(&chars, i, &mut out);
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{..}'); a lifetime has no closing quote.
            i = blank_quoted(&chars, i, &mut out);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code with every `#[cfg(test)]` item blanked out; the names of the test-only modules it
/// declares as files (`#[cfg(test)] mod name;`) are added to `test_files`.
fn without_tests(code: &str, test_files: &mut BTreeSet<String>) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let compact = |s: &[char]| s.iter().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut i = 0;
    while i < out.len() {
        if out[i] != '#' || !compact(&out[i..(i + 40).min(out.len())]).starts_with("#[cfg(test)]") {
            i += 1;
            continue;
        }
        // The attribute, then the item it covers: up to its `;` or its matching `}`.
        let start = i;
        while out[i] != ']' {
            i += 1;
        }
        let mut depth = 0;
        let mut j = i + 1;
        let mut header = String::new();
        while j < out.len() {
            match out[j] {
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                // The item's end, or (a field, an arm) the end of the list it is in.
                ';' | ',' | '}' if depth == 0 => break,
                '{' if depth == 0 => {
                    let mut braces = 0;
                    while j < out.len() {
                        match out[j] {
                            '{' => braces += 1,
                            '}' => braces -= 1,
                            _ => {}
                        }
                        if braces == 0 {
                            break;
                        }
                        j += 1;
                    }
                    break;
                }
                c => header.push(c),
            }
            j += 1;
        }
        let words: Vec<&str> = header.split_whitespace().collect();
        if out.get(j) == Some(&';')
            && let Some(k) = words.iter().position(|w| *w == "mod")
            && let Some(name) = words.get(k + 1)
        {
            test_files.insert((*name).to_owned());
        }
        let end = (j + 1).min(out.len());
        for c in &mut out[start..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = j + 1;
    }
    out.into_iter().collect()
}

/// The identifier starting at `i`, if any.
fn ident_at(chars: &[char], i: usize) -> Option<String> {
    let word: String = chars[i..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

/// The names a `crate::` path starts with: `crate::x…` gives `x`; `crate::{a::b, c, d::{e}}`
/// gives `a`, `c` and `d`.
fn named_after(chars: &[char], mut i: usize) -> Vec<String> {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    if chars.get(i) != Some(&'{') {
        return ident_at(chars, i).into_iter().collect();
    }
    let mut names = Vec::new();
    let (mut depth, mut expect) = (0, true);
    while i < chars.len() {
        match chars[i] {
            '{' => {
                depth += 1;
                expect = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expect = true,
            c if expect && (c.is_alphabetic() || c == '_') => {
                if let Some(word) = ident_at(chars, i) {
                    i += word.len() - 1;
                    names.push(word);
                }
                expect = false;
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// The top-level modules of a crate (`src/x.rs`, `src/x/`; not the crate roots) and its graph.
fn graph(src: &Path) -> Graph {
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if (path.is_dir() || path.extension().is_some_and(|e| e == "rs")) && name != "lib" && name != "main" {
            modules.insert(name);
        }
    }
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut test_files = BTreeSet::new();
    let mut code = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).unwrap().to_path_buf();
        let top = relative
            .iter()
            .next()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        code.push((relative, top, without_tests(&code_only(&text), &mut test_files)));
    }
    let mut graph: Graph = modules.iter().map(|m| (m.clone(), BTreeMap::new())).collect();
    for (relative, top, code) in code {
        let stem = relative.file_stem().unwrap().to_string_lossy().into_owned();
        if !modules.contains(&top) || (test_files.contains(&stem) && relative.components().count() > 1) {
            continue;
        }
        let chars: Vec<char> = code.chars().collect();
        let mut line = 1;
        for i in 0..chars.len() {
            if chars[i] == '\n' {
                line += 1;
            }
            let starts = chars[i..].starts_with(&['c', 'r', 'a', 't', 'e', ':', ':'])
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
            if !starts {
                continue;
            }
            for name in named_after(&chars, i + "crate::".len()) {
                if name != top && modules.contains(&name) {
                    graph
                        .get_mut(&top)
                        .unwrap()
                        .entry(name)
                        .or_insert_with(|| (relative.display().to_string(), line));
                }
            }
        }
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        let graph = w.graph;
        for u in graph[v].keys() {
            if !w.index.contains_key(u.as_str()) {
                visit(w, u);
                let low = w.low[v].min(w.low[u.as_str()]);
                w.low.insert(v, low);
            } else if w.stack.contains(&u.as_str()) {
                let low = w.low[v].min(w.index[u.as_str()]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                component.push(u.to_owned());
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.found
}

/// One circle through `component`, shortest from its first module, each import with where it
/// is written: `a → b (src/a.rs:3) → a (src/b/mod.rs:9)`.
fn describe(graph: &Graph, component: &[String]) -> String {
    let start = &component[0];
    let inside: BTreeSet<&String> = component.iter().collect();
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut last = None;
    'search: while let Some(v) = queue.pop_front() {
        for u in graph[v].keys().filter(|u| inside.contains(u)) {
            if u == start {
                last = Some(v);
                break 'search;
            }
            if !came_from.contains_key(u) {
                came_from.insert(u, v);
                queue.push_back(u);
            }
        }
    }
    let mut path = vec![start];
    let mut at = last.unwrap();
    while at != start {
        path.insert(1, at);
        at = came_from[at];
    }
    path.push(start);
    let mut text = start.clone();
    for pair in path.windows(2) {
        let (file, line) = &graph[pair[0]][pair[1]];
        text.push_str(&format!(" → {} (src/{file}:{line})", pair[1]));
    }
    format!("{{{}}}: {text}", component.join(", "))
}

/// The circles of every crate that are not allowed, described.
fn refused_circles(crates: &Path) -> Vec<String> {
    let mut refused = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(crates)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| crates.join(n).join("src").is_dir())
        .collect();
    names.sort();
    for name in names {
        let graph = graph(&crates.join(&name).join("src"));
        for component in circles(&graph) {
            refused.push(format!("{name}: {}", describe(&graph, &component)));
        }
    }
    refused
}

#[test]
fn no_two_modules_import_each_other() {
    let crates = crates_dir();
    let refused = refused_circles(&crates);
    assert!(
        refused.is_empty(),
        "top-level modules that import each other (move what both use into a module below \
         them; ARCHITECTURE.md, \"no two modules import each other\"):\n{}",
        refused.join("\n")
    );
}

/// The check sees a circle: two modules of a scratch crate that name each other (one through a
/// `use crate::{…}` group), while a mention in a comment, a string or a test module does not
/// count.
#[test]
fn a_circle_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("scratch").join("src");
    std::fs::create_dir_all(src.join("b")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::{c, b::Thing};\n").unwrap();
    std::fs::write(
        src.join("c.rs"),
        "// crate::a\nconst S: &str = \"crate::a\";\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n",
    )
    .unwrap();
    std::fs::write(src.join("b").join("mod.rs"), "pub struct Thing;\n").unwrap();
    assert!(refused_circles(dir.path()).is_empty(), "no circle yet");

    std::fs::write(
        src.join("b").join("mod.rs"),
        "pub struct Thing;\nfn f() { crate::a::g(); }\n",
    )
    .unwrap();
    let refused = refused_circles(dir.path());
    assert_eq!(
        refused,
        vec!["scratch: {a, b}: a → b (src/a.rs:1) → a (src/b/mod.rs:2)".to_owned()]
    );
}
