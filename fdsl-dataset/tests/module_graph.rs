//! The workspace's modules import one another without a circle, and the generic modules of
//! `fdsl-dataset` name no family: the registration (`families`) is at the top.
//!
//! The graph is read from the sources: an edge `a -> b` for every path in module `a`'s code (its
//! `use` trees and its expressions) that starts at `crate::`, `super::`, `self::` or a child module
//! and reaches module `b` (the deepest module it names). Comments, string literals and the
//! `#[cfg(test)]` module at the end of a file are not read; `mod` declarations are containment, not
//! imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates of the workspace, by their source folder (relative to the workspace root).
const CRATES: &[&str] = &[
    "src",
    "fdsl-core/src",
    "fdsl-dataset/src",
    "fdsl-cli/src",
    "fdsl-ffi/src",
    "fdsl-python/src",
    "fdsl-bench/src",
    "fdsl-cuda/src",
];

/// The modules of `fdsl-dataset` that are generic: they may name no item of `families`.
const GENERIC: &[&str] = &["spec", "family", "categories", "flags", "preset", "request", "search"];

type Module = Vec<String>;

/// A token of Rust code: an identifier, `::`, or one other character.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Path,
    Punct(char),
}

/// The tokens of `code`, without comments, string and character literals.
fn tokens(code: &str) -> Vec<Token> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == 'r' && matches!(c.get(i + 1), Some('"' | '#')) && raw_string_end(&c, i).is_some() {
            i = raw_string_end(&c, i).unwrap_or(c.len());
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if ch == '\'' {
            // A character literal ('x', '\n', '\u{..}'), else a lifetime.
            if c.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Token::Path);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                out.push(Token::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// Where the raw string starting at `i` (`r"…"`, `r#"…"#`) ends, if it is one.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if c.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < c.len() {
        if c[j] == '"' && (1..=hashes).all(|h| c.get(j + h) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(c.len())
}

/// The paths of a `use` tree starting at `tokens[*i]`, each prefixed by `prefix`, up to its end
/// (`;`, `,` or `}`, not consumed).
fn use_tree(tokens: &[Token], i: &mut usize, prefix: &[String], paths: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    while *i < tokens.len() {
        match &tokens[*i] {
            Token::Ident(name) if name == "as" => {
                *i += 2;
            }
            Token::Ident(name) => {
                path.push(name.clone());
                *i += 1;
            }
            Token::Path => *i += 1,
            Token::Punct('{') => {
                *i += 1;
                while *i < tokens.len() && tokens[*i] != Token::Punct('}') {
                    use_tree(tokens, i, &path, paths);
                    if tokens.get(*i) == Some(&Token::Punct(',')) {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            Token::Punct('*') => *i += 1,
            Token::Punct(_) => break,
        }
    }
    if !path.is_empty() {
        paths.push(path);
    }
}

/// Every path of `code`: its `use` trees expanded, and each `a::b::…` of its expressions.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokens(code);
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Ident(name) if name == "use" => {
                i += 1;
                use_tree(&tokens, &mut i, &[], &mut paths);
            }
            Token::Ident(first) if tokens.get(i + 1) == Some(&Token::Path) => {
                let mut path = vec![first.clone()];
                i += 1;
                while tokens.get(i) == Some(&Token::Path) {
                    match tokens.get(i + 1) {
                        Some(Token::Ident(next)) => {
                            path.push(next.clone());
                            i += 2;
                        }
                        _ => break,
                    }
                }
                paths.push(path);
            }
            _ => i += 1,
        }
    }
    paths
}

/// The module a file is: `lib.rs`/`main.rs` the root, `a/mod.rs` and `a.rs` module `a`.
fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).expect("a file of the crate");
    let mut parts: Vec<String> =
        relative.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("a source folder").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code of a file without its test module (`#[cfg(test)]` and what follows).
fn code_of(file: &Path) -> String {
    let text = std::fs::read_to_string(file).expect("a readable source file");
    match text.find("#[cfg(test)]\nmod ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The import graph of the crate whose sources are in `src`: module to the modules it names.
fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let here = module_of(src, file);
        let mut edges = BTreeSet::new();
        for path in paths(&code_of(file)) {
            let mut at: Module = match path[0].as_str() {
                "crate" => Vec::new(),
                "self" => here.clone(),
                "super" => {
                    let mut m = here.clone();
                    m.pop();
                    m
                }
                child => {
                    let mut m = here.clone();
                    m.push(child.to_owned());
                    if !modules.contains(&m) {
                        continue; // not a module path (a type's `Self::`, an external crate)
                    }
                    here.clone()
                }
            };
            let rest =
                if matches!(path[0].as_str(), "crate" | "self" | "super") { &path[1..] } else { &path[..] };
            for segment in rest {
                if segment == "super" {
                    at.pop();
                    continue;
                }
                let mut next = at.clone();
                next.push(segment.clone());
                if !modules.contains(&next) {
                    break;
                }
                at = next;
            }
            if at != here {
                edges.insert(at);
            }
        }
        graph.entry(here).or_insert_with(BTreeSet::new).extend(edges);
    }
    graph
}

/// A circle of `graph`, if it has one.
fn circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        m: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        match marks.get(m) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|s| s == m).expect("an open module is on the stack");
                let mut circle = stack[from..].to_vec();
                circle.push(m.clone());
                return Some(circle);
            }
            None => {}
        }
        marks.insert(m.clone(), Mark::Open);
        stack.push(m.clone());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, marks, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        marks.insert(m.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph.keys().find_map(|m| visit(m, graph, &mut marks, &mut Vec::new()))
}

fn name(m: &Module) -> String {
    if m.is_empty() { "crate".to_owned() } else { m.join("::") }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_owned()
}

#[test]
fn no_module_imports_itself_through_others() {
    let circles: Vec<String> = CRATES
        .iter()
        .filter_map(|krate| {
            let circle = circle(&graph(&workspace().join(krate)))?;
            Some(format!("{krate}: {}", circle.iter().map(name).collect::<Vec<_>>().join(" -> ")))
        })
        .collect();
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn the_generic_modules_name_no_family() {
    let graph = graph(&workspace().join("fdsl-dataset/src"));
    for generic in GENERIC {
        let edges = &graph[&vec![(*generic).to_owned()]];
        let families: Vec<String> =
            edges.iter().filter(|m| m.first().is_some_and(|f| f == "families")).map(name).collect();
        assert!(families.is_empty(), "{generic} names {}", families.join(", "));
    }
}

#[test]
fn the_graph_reader_sees_uses_paths_and_nothing_in_comments() {
    let code = r#"
        use crate::a::{b::C, d::{self, E as F}};
        use super::g::*;
        // crate::h::I
        /// [`crate::j`]
        fn f() { let s = "crate::k::L"; let c = '"'; crate::m::n(); }
    "#;
    let paths = paths(code);
    let has = |p: &[&str]| paths.iter().any(|q| q.iter().map(String::as_str).eq(p.iter().copied()));
    assert!(
        has(&["crate", "a", "b", "C"]) && has(&["crate", "a", "d", "self"]) && has(&["crate", "a", "d", "E"])
    );
    assert!(has(&["super", "g"]) && has(&["crate", "m", "n"]));
    assert!(!paths.iter().flatten().any(|s| ["h", "j", "k"].contains(&s.as_str())));
}
