//! Every message key the code names is in the catalogue: a missing key would show the key
//! itself (`err.div.role`) to a grid worker instead of a sentence.

use std::path::Path;

use gridlog::i18n::entries;

const AREAS: [&str; 10] = ["app.", "bundle.", "cli.", "doctor.", "err.", "report.", "sync.", "table.", "town.", "tui."];

/// String literals in `src` that look like message keys (`"area.name"`); a literal ending in
/// `.` is a prefix that code completes, and must start at least one key.
fn literals(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            literals(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.components().any(|c| c.as_os_str() == "catalogue") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, piece) in text.split('"').enumerate() {
            let is_key = i % 2 == 1
                && AREAS.iter().any(|a| piece.starts_with(a))
                && piece.len() > 4
                && piece.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
            if is_key {
                out.push((piece.to_string(), path.display().to_string()));
            }
        }
    }
}

#[test]
fn every_key_named_in_the_code_is_in_the_catalogue() {
    let mut found = Vec::new();
    literals(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.len() > 100, "the scan finds the keys ({} found)", found.len());
    let missing: Vec<_> = found
        .iter()
        .filter(|(k, _)| {
            if k.ends_with('.') {
                !entries().any(|(c, _, _)| c.starts_with(k.as_str()))
            } else {
                !entries().any(|(c, _, _)| c == k)
            }
        })
        .collect();
    assert!(missing.is_empty(), "keys used in src but not in the catalogue: {missing:?}");
}
