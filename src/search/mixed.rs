//! Mixed pinyin (docs/ARCHITECTURE.md, "Search index"): what people type for a name is often
//! neither all initials nor all full syllables but a mix — the surname in full, then initials
//! (`qiudf` for 邱德福, `shanwd` for 单文东), or any other mix. The index keeps only the pure
//! forms, so a mixed query is read as the initials it stands for (`qiudf` → `qdf`), which the
//! index finds cheaply, and each candidate is then checked against its name's syllables.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{QueryPlan, Syllable, readings, syllables};
use crate::domain::Kind;
use crate::events::Entity;

/// At most this many initials spellings are looked up for one mixed query.
pub const MAX_READINGS: usize = 8;
/// Segmentations tried at most (the count grows quickly with the length of the query).
const MAX_STEPS: usize = 2_000;

/// Every toneless pinyin syllable (as [`readings`] spells them).
fn syllable_set() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::new();
        for c in (0x4E00u32..=0x9FFF).filter_map(char::from_u32) {
            for r in readings(c).unwrap_or_default() {
                set.insert(r.into_owned());
            }
        }
        set
    })
}

/// The initials that `key` (ASCII lower-case letters) may stand for when some of it is typed
/// as full syllables: `qiudf` → `qdf`; `shanwd` → `swd`, `shwd`. Only readings with at least one
/// full syllable of two letters or more (all initials is the query itself); longest syllables
/// first; at most [`MAX_READINGS`].
pub fn mixed_initials(key: &str) -> Vec<String> {
    let b = key.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_lowercase) {
        return vec![];
    }
    let set = syllable_set();
    let mut out: Vec<String> = Vec::new();
    let mut steps = 0usize;
    fn walk(
        key: &str,
        at: usize,
        initials: &mut String,
        full: bool,
        set: &HashSet<String>,
        out: &mut Vec<String>,
        steps: &mut usize,
    ) {
        *steps += 1;
        if out.len() >= MAX_READINGS || *steps > MAX_STEPS {
            return;
        }
        if at == key.len() {
            if full && !out.contains(initials) {
                out.push(initials.clone());
            }
            return;
        }
        initials.push(key.as_bytes()[at] as char);
        // the longest syllable first (at most 6 letters: zhuang), then a lone initial
        for end in (at + 2..=(at + 6).min(key.len())).rev() {
            if set.contains(&key[at..end]) {
                walk(key, end, initials, true, set, out, steps);
            }
        }
        walk(key, at + 1, initials, full, set, out, steps);
        initials.pop();
    }
    walk(key, 0, &mut String::new(), false, set, &mut out, &mut steps);
    out
}

/// Whether `key` spells the start of `syl` in any mix of full syllables and initials (the last
/// syllable may be typed in part): `qiudf`, `qdfu`, `qiudefu`, `qiude`, `qiud` all spell 邱德福.
fn spells(key: &[u8], syl: &[&Syllable]) -> bool {
    let Some((first, rest)) = syl.split_first() else { return key.is_empty() };
    if key.is_empty() {
        return true;
    }
    first.full.iter().any(|r| {
        let r = r.as_bytes();
        (key.starts_with(r) && spells(&key[r.len()..], rest))
            || (rest.is_empty() && r.starts_with(key))
            || (key[0] == r[0] && spells(&key[1..], rest))
            // zh, ch, sh typed as the initial
            || (r.len() > 2 && r[1] == b'h' && key.len() >= 2 && key[..2] == r[..2] && spells(&key[2..], rest))
    })
}

/// Whether `key` spells the start of `name` or of one of its parts (the given name; each part
/// after a middle dot) in mixed pinyin.
pub fn name_matches(key: &str, name: &str) -> bool {
    let syl = syllables(name);
    let plain_chinese = syl.len() >= 2 && syl.iter().all(|s| s.as_ref().is_some_and(|s| s.han));
    let mut starts = vec![0usize];
    if plain_chinese {
        starts.push(1);
    }
    starts.extend(syl.iter().enumerate().filter(|(i, s)| s.is_none() && i + 1 < syl.len()).map(|(i, _)| i + 1));
    starts.into_iter().any(|p| {
        let part: Vec<&Syllable> = syl[p..].iter().flatten().collect();
        !part.is_empty() && spells(key.as_bytes(), &part)
    })
}

impl QueryPlan {
    /// Whether a hit of the [`QueryPlan::mixed`] lookups spells the query: its name (or a part
    /// of it) in a mix of full syllables and initials.
    pub fn check_mixed(&self, e: &Entity) -> bool {
        e.kind == Kind::Person && e.state.text("name").is_some_and(|n| name_matches(&self.key, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mixed_query_stands_for_the_initials_of_its_syllables() {
        assert_eq!(mixed_initials("qiudf")[0], "qdf");
        assert!(mixed_initials("shanwd").contains(&"swd".to_string()), "{:?}", mixed_initials("shanwd"));
        assert!(mixed_initials("zhangs").contains(&"zs".to_string()));
        assert_eq!(mixed_initials("wd"), Vec::<String>::new(), "all initials: the query itself");
        assert!(mixed_initials("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").len() <= MAX_READINGS);
    }

    #[test]
    fn names_are_spelt_in_any_mix_of_syllables_and_initials() {
        for q in ["qiudf", "qiudefu", "qdefu", "qiudef", "qiude", "qiud", "qdf", "defu", "df", "dfu"] {
            assert!(name_matches(q, "邱德福"), "{q}");
        }
        for q in ["shanwd", "danwd", "swendong", "shanwend", "swd"] {
            assert!(name_matches(q, "单文东"), "{q}");
        }
        assert!(name_matches("zhangsf", "张三丰") && name_matches("zhsf", "张三丰"));
        for q in ["qiudfx", "qiuf", "zhangsan", "dqf"] {
            assert!(!name_matches(q, "邱德福"), "{q}");
        }
        assert!(name_matches("maimaitia", "买买提·艾力") && name_matches("ail", "买买提·艾力"));
    }
}
