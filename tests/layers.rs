//! The code's shape, checked: each crate's modules form layers (no import cycle in hinge-train,
//! none larger than the recorded size elsewhere, a crate root's re-exports traced to the module
//! that defines the item), no source file holds more than 400 lines outside its tests, and no
//! function is longer than 80 lines. Run with `--nocapture` to see each crate's module graph.
//!
//! The reading is lexical, not a compiler's: comments and strings are blanked, `use` trees are
//! expanded, and every `crate::` or `super::` path in code is an edge to the deepest module it
//! names. That is enough for code written as this project writes it, and a mistake in it shows
//! as a cycle reported where there is none, never the other way round for a plain `use`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a source file may hold outside its `#[cfg(test)]` module.
const MAX_FILE_LINES: usize = 400;
/// The most lines a function may span, signature to closing brace.
const MAX_FUNCTION_LINES: usize = 80;

/// Each crate's source folder, and the largest group of its modules allowed to import each other
/// in a circle (1: none). hinge-train has none; the others may not grow theirs.
const CRATES: [(&str, &str, usize); 5] = [
    ("hinge-data", "crates/hinge-data/src", 1),
    ("hinge-model", "crates/hinge-model/src", 3),
    ("hinge-train", "crates/hinge-train/src", 1),
    ("hinge-playground", "crates/hinge-playground/src", 1),
    ("hinge-lab", "src", 3),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `text` with comments, string and char literals blanked (newlines kept, so lines still count).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
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
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && is_raw_string(&chars, i) {
            i = skip_raw_string(&chars, i, &mut out);
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            out.push('\'');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_raw_string(chars: &[char], at: usize) -> bool {
    let before_ok = at == 0 || !(chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
    let mut j = at + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    before_ok && chars.get(j) == Some(&'"')
}

fn skip_raw_string(chars: &[char], at: usize, out: &mut String) -> usize {
    let mut i = at + 1;
    let mut hashes = 0;
    while chars[i] == '#' {
        hashes += 1;
        i += 1;
    }
    i += 1;
    out.push('"');
    loop {
        if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
            out.push('"');
            return i + 1 + hashes;
        }
        out.push(if chars[i] == '\n' { '\n' } else { ' ' });
        i += 1;
    }
}

/// A `'` that opens a char literal, not a lifetime: `'a'`, `'\n'`, `'\''`.
fn is_char_literal(chars: &[char], at: usize) -> bool {
    matches!(
        (chars.get(at + 1), chars.get(at + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

/// The char ranges of `code`'s `#[cfg(test)]` items (the tests module, test-only helpers): each
/// from its attribute to its first `;` at depth 0 (a `mod tests;`) or its matching `}`.
fn test_ranges(code: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut ranges = Vec::new();
    let mut at = 0;
    while at + marker.len() <= chars.len() {
        if chars[at..at + marker.len()] != marker[..] {
            at += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut end = chars.len() - 1;
        for (k, &c) in chars.iter().enumerate().skip(at + marker.len()) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k;
                    break;
                }
                _ => {}
            }
        }
        ranges.push((at, end));
        at = end + 1;
    }
    ranges
}

/// `code` with its `#[cfg(test)]` items blanked.
fn without_tests(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    for (start, end) in test_ranges(code) {
        for c in &mut out[start..=end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    }
    out.into_iter().collect()
}

/// The lines of a Rust file outside its `#[cfg(test)]` items.
fn non_test_lines(text: &str) -> usize {
    let code = code_only(text);
    let line_of: Vec<usize> = code
        .chars()
        .scan(0, |line, c| {
            let here = *line;
            if c == '\n' {
                *line += 1;
            }
            Some(here)
        })
        .collect();
    let mut test_lines = BTreeSet::new();
    for (start, end) in test_ranges(&code) {
        test_lines.extend(line_of[start]..=line_of[end]);
    }
    text.lines().count() - test_lines.len()
}

/// A crate's modules: path (`a::b`, "" for the root) to its code without tests.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for file in files(src) {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        // A module's `tests.rs` is its test module; binaries are roots of their own.
        if parts.last().is_some_and(|p| p == "tests") || parts[0] == "bin" {
            continue;
        }
        if parts
            .last()
            .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
        {
            parts.pop();
        }
        let text = std::fs::read_to_string(&file).unwrap();
        found.insert(parts.join("::"), without_tests(&code_only(&text)));
    }
    found
}

/// The paths a `use` tree names, each as segments: `a::{b, c::D}` is `a::b` and `a::c::D`.
fn expand_tree(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let mut paths = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut paths);
    paths
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, paths: &mut Vec<Vec<String>>) {
    let Some(open) = tree.find('{') else {
        let mut path = prefix.clone();
        path.extend(
            tree.split(" as ")
                .next()
                .unwrap()
                .split("::")
                .filter(|s| !s.is_empty())
                .map(|s| s.split("as").next().unwrap().to_string()),
        );
        paths.push(path);
        return;
    };
    let head: Vec<String> = tree[..open]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let depth = prefix.len();
    prefix.extend(head);
    let mut level = 0;
    let mut start = 0;
    let bytes: Vec<char> = inner.chars().collect();
    for (k, &c) in bytes.iter().enumerate() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                let part: String = bytes[start..k].iter().collect();
                if !part.is_empty() {
                    expand_into(&part, prefix, paths);
                }
                start = k + 1;
            }
            _ => {}
        }
    }
    let part: String = bytes[start..].iter().collect();
    if !part.is_empty() {
        expand_into(&part, prefix, paths);
    }
    prefix.truncate(depth);
}

/// The `use` statements of `code`: (is a `pub use`, the paths it names).
fn uses(code: &str) -> Vec<(bool, Vec<Vec<String>>)> {
    let mut found = Vec::new();
    for (k, _) in code.match_indices("use ") {
        let before = &code[..k];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let lead = before[line_start..].trim();
        let public = lead.starts_with("pub");
        if !(lead.is_empty() || public) {
            continue;
        }
        let end = k + code[k..].find(';').unwrap();
        let tree = code[k + 4..end].replace(" as ", "%");
        let tree: String = tree
            .split(['%'])
            .enumerate()
            .map(|(i, s)| {
                if i == 0 {
                    s.to_string()
                } else {
                    s.trim_start()
                        .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
                        .to_string()
                }
            })
            .collect();
        found.push((public, expand_tree(&tree)));
    }
    found
}

/// Every `crate::…` and `super::…` path written in code outside `use` statements.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start_word in ["crate::", "super::"] {
        for (k, _) in code.match_indices(start_word) {
            let before = code[..k].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let line_start = code[..k].rfind('\n').map_or(0, |n| n + 1);
            let lead = code[line_start..k].trim_start();
            if lead.starts_with("use ") || lead.starts_with("pub use ") || lead.starts_with("pub(")
            {
                continue;
            }
            let path: String = code[k..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            found.push(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
    }
    found
}

/// `path` as written in module `from`, made absolute within the crate (no `crate`, `super`,
/// `self`); `None` for a path outside the crate.
fn absolute(
    from: &str,
    path: &[String],
    modules: &BTreeMap<String, String>,
) -> Option<Vec<String>> {
    let mut here: Vec<String> = from
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            here.clear();
            rest = &rest[1..];
        }
        Some("super") | Some("self") => {
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        here.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A child module named without `self::` (`mod a; use a::X;`).
            let child = if here.is_empty() {
                first.to_string()
            } else {
                format!("{}::{first}", here.join("::"))
            };
            if !modules.contains_key(&child) {
                return None;
            }
        }
        None => return None,
    }
    here.extend(rest.iter().cloned());
    Some(here)
}

/// The module that defines what `path` (absolute) names: the deepest module on it, followed
/// through that module's `pub use` re-exports of the item.
fn defining_module(path: &[String], modules: &BTreeMap<String, String>, depth: usize) -> String {
    let mut module = Vec::new();
    for segment in path {
        let mut next = module.clone();
        next.push(segment.clone());
        if modules.contains_key(&next.join("::")) {
            module = next;
        } else {
            break;
        }
    }
    let name = module.join("::");
    let Some(item) = path.get(module.len()) else {
        return name;
    };
    if depth > 8 {
        return name;
    }
    for (public, paths) in uses(&modules[&name]) {
        for reexport in paths.iter().filter(|_| public) {
            if reexport.last() == Some(item)
                && let Some(target) = absolute(&name, reexport, modules)
            {
                return defining_module(&target, modules, depth + 1);
            }
        }
    }
    name
}

/// Each module's imports of the crate's other modules, re-exports traced.
fn graph(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, code) in modules {
        let mut named: Vec<Vec<String>> = uses(code)
            .into_iter()
            .filter(|(public, _)| !public)
            .flat_map(|(_, paths)| paths)
            .collect();
        named.extend(inline_paths(code));
        let targets = edges.entry(name.clone()).or_default();
        for path in named {
            let Some(path) = absolute(name, &path, modules) else {
                continue;
            };
            let target = defining_module(&path, modules, 0);
            // A module and its parent's declarations are not imports.
            let is_parent = name.starts_with(&target)
                && (target.is_empty() || name[target.len()..].starts_with("::"));
            if target != *name && !is_parent {
                targets.insert(target);
            }
        }
    }
    edges
}

/// The groups of modules that import each other in a circle (Tarjan's strongly connected
/// components), largest first.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let names: Vec<&String> = edges.keys().collect();
    let index_of: BTreeMap<&String, usize> =
        names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut groups = Vec::new();
    // Reachability, closed transitively: small graphs, so a plain closure is clear enough.
    let n = names.len();
    let mut reach = vec![vec![false; n]; n];
    for (i, name) in names.iter().enumerate() {
        for target in &edges[*name] {
            if let Some(&j) = index_of.get(target) {
                reach[i][j] = true;
            }
        }
    }
    for k in 0..n {
        let through = reach[k].clone();
        for row in reach.iter_mut() {
            if row[k] {
                for (to, &via) in row.iter_mut().zip(&through) {
                    *to |= via;
                }
            }
        }
    }
    let mut placed = vec![false; n];
    for i in 0..n {
        if placed[i] {
            continue;
        }
        let group: Vec<usize> = (0..n)
            .filter(|&j| j == i || (reach[i][j] && reach[j][i]))
            .collect();
        for &j in &group {
            placed[j] = true;
        }
        if group.len() > 1 {
            groups.push(group.iter().map(|&j| names[j].clone()).collect());
        }
    }
    groups.sort_by_key(|g: &Vec<String>| std::cmp::Reverse(g.len()));
    groups
}

/// The modules bottom up: each after everything it imports; a group in a circle is one entry,
/// its names joined by ` <-> `.
fn layers(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let display = |name: &String| {
        if name.is_empty() {
            "(root)".to_string()
        } else {
            name.clone()
        }
    };
    let mut group_of: BTreeMap<String, String> =
        edges.keys().map(|n| (n.clone(), display(n))).collect();
    for group in cycles(edges) {
        let joined = group.iter().map(display).collect::<Vec<_>>().join(" <-> ");
        for name in group {
            group_of.insert(name, joined.clone());
        }
    }
    let mut condensed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, targets) in edges {
        let from = group_of[name].clone();
        let entry = condensed.entry(from.clone()).or_default();
        entry.extend(
            targets
                .iter()
                .filter_map(|t| group_of.get(t))
                .filter(|t| **t != from)
                .cloned(),
        );
    }
    let mut level: BTreeMap<String, usize> = BTreeMap::new();
    while level.len() < condensed.len() {
        for (name, targets) in &condensed {
            if !level.contains_key(name) && targets.iter().all(|t| level.contains_key(t)) {
                let below = targets.iter().map(|t| level[t] + 1).max().unwrap_or(0);
                level.insert(name.clone(), below);
            }
        }
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    for (name, l) in level {
        if out.len() <= l {
            out.resize(l + 1, Vec::new());
        }
        out[l].push(name);
    }
    out
}

#[test]
fn no_module_imports_one_above_it() {
    let mut problems = Vec::new();
    for (krate, src, allowed) in CRATES {
        let modules = modules(&root().join(src));
        let edges = graph(&modules);
        if std::env::var("LAYERS_EDGES").is_ok_and(|c| c == krate) {
            for (name, targets) in &edges {
                println!("  {name} -> {targets:?}");
            }
        }
        println!("{krate}, bottom up:");
        for (level, names) in layers(&edges).iter().enumerate() {
            println!("  {level}: {}", names.join(", "));
        }
        for group in cycles(&edges) {
            if group.len() > allowed {
                problems.push(format!(
                    "{krate}: {} modules import each other in a circle: {}",
                    group.len(),
                    group.join(", ")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every source file of the crates and the page: Rust, and the page's HTML, JS and CSS.
fn source_files() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for (_, src, _) in CRATES {
        all.extend(files(&root().join(src)).into_iter().filter(|f| {
            let ext = f
                .extension()
                .map(|e| e.to_string_lossy().to_string())
                .unwrap_or_default();
            ["rs", "js", "html", "css"].contains(&ext.as_str())
                && f.file_name().is_none_or(|n| n != "tests.rs")
        }));
    }
    all.extend(files(&root().join("examples")));
    all
}

#[test]
fn no_file_holds_more_than_400_lines_outside_its_tests() {
    let mut long = Vec::new();
    for file in source_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = if file.extension().is_some_and(|e| e == "rs") {
            non_test_lines(&text)
        } else {
            text.lines().count()
        };
        if lines > MAX_FILE_LINES {
            long.push(format!(
                "{}: {lines} lines",
                file.strip_prefix(root()).unwrap().display()
            ));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_FILE_LINES} lines outside tests:\n{}",
        long.join("\n")
    );
}

/// Each function of `code` (`fn` in Rust, `function` in the page's scripts) and the lines from
/// its signature to its closing brace.
fn functions(code: &str, keyword: &str) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let text: String = chars.iter().collect();
    let mut found = Vec::new();
    let pattern = format!("{keyword} ");
    for (k, _) in text.match_indices(&pattern) {
        let before = text[..k].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = text[k + pattern.len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body is the first `{` at depth 0 of parentheses and angle-free code; a `;` first
        // means a declaration without a body.
        let rest = &text[k..];
        let mut parens = 0i32;
        let mut body = None;
        for (offset, c) in rest.char_indices() {
            match c {
                '(' => parens += 1,
                ')' => parens -= 1,
                ';' if parens == 0 => break,
                '{' if parens == 0 => {
                    body = Some(k + offset);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = body else { continue };
        let mut depth = 0;
        let mut close = open;
        for (offset, c) in text[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + offset;
                        break;
                    }
                }
                _ => {}
            }
        }
        let line = text[..k].matches('\n').count() + 1;
        let lines = text[k..=close].matches('\n').count() + 1;
        found.push((name, line, lines));
    }
    found
}

/// The methods of the page's object literals (`render(knobs, state) {` on a line of its own),
/// with the lines from their name to their closing brace.
fn script_methods(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let head = line.trim_start().trim_start_matches("async ");
        let name: String = head
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let keyword = [
            "if", "for", "while", "switch", "catch", "function", "return",
        ];
        if name.is_empty()
            || keyword.contains(&name.as_str())
            || !head[name.len()..].starts_with('(')
            || !line.trim_end().ends_with(") {")
        {
            continue;
        }
        let mut depth = 0i32;
        for (offset, body) in lines[index..].iter().enumerate() {
            depth += body.matches('{').count() as i32 - body.matches('}').count() as i32;
            if depth <= 0 {
                found.push((name.clone(), index + 1, offset + 1));
                break;
            }
        }
    }
    found
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let mut long = Vec::new();
    for file in source_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let ext = file
            .extension()
            .map(|e| e.to_string_lossy().to_string())
            .unwrap_or_default();
        let listed = match ext.as_str() {
            "rs" => functions(&without_tests(&code_only(&text)), "fn"),
            "js" | "html" => {
                let mut all = functions(&text, "function");
                all.extend(script_methods(&text));
                all
            }
            _ => Vec::new(),
        };
        for (name, line, lines) in listed {
            if lines > MAX_FUNCTION_LINES {
                long.push(format!(
                    "{}:{line}: {name} is {lines} lines",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_reader_sees_through_a_crate_roots_reexports() {
    let mut modules = BTreeMap::new();
    modules.insert(
        String::new(),
        "mod a;\nmod b;\npub use a::Thing;\n".to_string(),
    );
    modules.insert(
        "a".into(),
        "use crate::b::helper;\npub struct Thing;\n".to_string(),
    );
    modules.insert(
        "b".into(),
        "use crate::Thing;\npub fn helper() {}\n".to_string(),
    );
    let edges = graph(&modules);
    assert!(edges["b"].contains("a"), "{edges:?}");
    assert_eq!(cycles(&edges), vec![vec!["a".to_string(), "b".to_string()]]);
    modules.insert("b".into(), "pub fn helper() { let _ = 1; }\n".to_string());
    assert!(cycles(&graph(&modules)).is_empty());
}

#[test]
fn comments_strings_and_tests_do_not_count() {
    let code = code_only("let s = \"crate::x\"; // crate::y\n/* crate::z */ let c = '{';\n");
    assert!(!code.contains("crate::"), "{code}");
    let code = without_tests("fn a() {}\n#[cfg(test)]\nmod tests {\n use crate::b;\n}\n");
    assert!(!code.contains("crate::b"));
    assert_eq!(
        functions("fn a() {\n\n}\nfn b();\n", "fn"),
        vec![("a".to_string(), 1, 3)]
    );
    let script = "const A = {\n  draw(a, b) {\n    if (a) {\n    }\n  },\n};\n";
    assert_eq!(script_methods(script), vec![("draw".to_string(), 2, 4)]);
}
