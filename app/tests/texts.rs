//! A page keeps its texts in its own table (so they travel in its chunk, not in the first
//! download) and falls back to the main one. A key asked for where neither table has it shows
//! as the raw key; this reads the views' sources and finds such keys.
//!
//! It lives here rather than in `i18n` because it names every area's table, and `i18n` importing
//! the areas would make a cycle (the areas import `i18n`).

use std::path::{Path, PathBuf};

use app::i18n::{t, t_or_main, Lang, Texts};

/// The literal keys in `tr("..")` and `t(lang, "..")` calls in one file's code, by position.
fn keys_asked_for(code: &str) -> Vec<(usize, String)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut keys = vec![];
    for call in ["tr(", "t("] {
        for (at, _) in code.match_indices(call) {
            if code[..at].chars().last().is_some_and(is_ident) {
                continue;
            }
            let rest = &code[at + call.len()..];
            let Some(quote) = rest.find('"') else { continue };
            let args = &rest[..quote];
            let literal = if call == "tr(" {
                args.is_empty()
            } else {
                ["lang.get(), ", "lang, ", "lang.get_untracked(), ", "Lang::En, ", "Lang::Zh, "].contains(&args)
            };
            let key: String = rest[quote + 1..].chars().take_while(|c| *c != '"').collect();
            let looks_like_a_key = key.contains('.') && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
            if literal && looks_like_a_key {
                keys.push((at, key));
            }
        }
    }
    keys.sort();
    keys
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The areas with a table of their own, by the module path their views import it from.
const AREAS: &[(&str, &Texts)] = &[
    ("crate::activity::words", app::activity::words::TEXTS),
    ("crate::admin::words", app::admin::words::TEXTS),
    ("crate::approvals::words", app::approvals::words::TEXTS),
    ("crate::contacts::words", app::contacts::words::TEXTS),
    ("crate::contracts::words", app::contracts::words::TEXTS),
    ("crate::customers::detail::words", app::customers::detail::words::TEXTS),
    ("crate::discussion::words", app::discussion::words::TEXTS),
    ("crate::leads::words", app::leads::words::TEXTS),
    ("crate::notifications::words", app::notifications::words::TEXTS),
    ("crate::opportunities::words", app::opportunities::words::TEXTS),
    ("crate::pools::words", app::pools::words::TEXTS),
    ("crate::tasks::words", app::tasks::words::TEXTS),
    ("crate::tickets::words", app::tickets::words::TEXTS),
];

#[test]
fn every_key_the_views_ask_for_has_a_text() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    let (mut checked, mut missing) = (0, vec![]);
    // i18n's own tests ask for made-up keys.
    for file in files.into_iter().filter(|f| !f.ends_with("i18n.rs")) {
        let code = std::fs::read_to_string(&file).unwrap();
        // A words module's own tests ask its own table; other files import theirs.
        let module = file.strip_prefix(&src).unwrap().with_extension("").to_string_lossy().replace('/', "::");
        let own = AREAS
            .iter()
            .find(|(path, _)| *path == format!("crate::{module}") || code.contains(&format!("use {path}::")))
            .map(|(_, table)| *table);
        for (_, key) in keys_asked_for(&code) {
            checked += 1;
            let key: &'static str = Box::leak(key.into_boxed_str());
            // Both lookups answer the key itself when no table has it.
            let text = match own {
                Some(table) => t_or_main(table, Lang::Zh, key),
                None => t(Lang::Zh, key),
            };
            if text == key {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(checked > 500, "only {checked} keys found: the scan no longer reads the views");
    assert!(missing.is_empty(), "keys without a text: {missing:#?}");
}

#[test]
fn the_key_scan_reads_both_call_shapes() {
    let code = r#"view! { {tr("cust.title")} } t(lang.get(), "cust.count") t(lang, "err.x") attr(x, "a.b") tr_in(W, "k.x") get_t(lang, "no.pe")"#;
    let keys: Vec<String> = keys_asked_for(code).into_iter().map(|(_, k)| k).collect();
    assert_eq!(keys, ["cust.title", "cust.count", "err.x"]);
}

#[test]
fn a_key_no_table_has_is_reported_as_itself() {
    assert_eq!(t(Lang::Zh, "no.such.key"), "no.such.key");
    assert_eq!(t_or_main(app::admin::words::TEXTS, Lang::En, "no.such.key"), "no.such.key");
    assert_ne!(t_or_main(app::admin::words::TEXTS, Lang::Zh, "nav.customers"), "nav.customers");
}
