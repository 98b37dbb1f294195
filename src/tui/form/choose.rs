//! Type-to-select: on a choice (or a set of tags) a worker types the first letters of an
//! option's name — its pinyin initials (`yl` 养老服务), its pinyin (`yanglao`), or its English
//! name — instead of stepping through the list. Typing the same letter again moves on to the
//! next option that matches.

use pinyin::ToPinyin;

use crate::domain::codes::CodeInfo;

/// The ways an option can be typed: pinyin initials and full pinyin of its Chinese name, its
/// English name and the initials of its words, its code; all lower case without spaces.
fn spellings(c: &CodeInfo) -> [String; 5] {
    let mut initials = String::new();
    let mut full = String::new();
    for (ch, p) in c.zh.chars().zip(c.zh.to_pinyin()) {
        match p {
            Some(p) => {
                initials.push_str(p.first_letter());
                full.push_str(p.plain());
            }
            None if ch.is_ascii_alphanumeric() => {
                initials.push(ch.to_ascii_lowercase());
                full.push(ch.to_ascii_lowercase());
            }
            None => {}
        }
    }
    let en = c.en.to_lowercase();
    let words: String = en.split(|x: char| !x.is_alphanumeric()).filter_map(|w| w.chars().next()).collect();
    [initials, full, en.replace(' ', ""), words, c.code.to_lowercase().replace('_', "")]
}

/// Whether option `c` can be meant by `typed`.
pub fn matches(c: &CodeInfo, typed: &str) -> bool {
    !typed.is_empty() && spellings(c).iter().any(|s| s.starts_with(typed))
}

/// The option `typed` (the letters so far, the newest last) picks, given the option chosen
/// now: the current one while it still matches what is being typed, else the next that
/// matches after it. Returns the option and the letters kept for the next key.
pub fn pick(codes: &[CodeInfo], current: Option<usize>, typed: &str, letter: char) -> Option<(usize, String)> {
    let letter = letter.to_ascii_lowercase();
    let longer = format!("{typed}{letter}");
    let n = codes.len();
    let next_after = |t: &str| {
        let start = current.map(|i| i + 1).unwrap_or(0);
        (0..n).map(|k| (start + k) % n).find(|&i| matches(&codes[i], t))
    };
    if !typed.is_empty() {
        // refining: keep the current option while it still matches
        if let Some(i) = current.filter(|&i| matches(&codes[i], &longer)) {
            return Some((i, longer));
        }
        if let Some(i) = (0..n).find(|&i| matches(&codes[i], &longer)) {
            return Some((i, longer));
        }
    }
    let one = letter.to_string();
    next_after(&one).map(|i| (i, one))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::{DemandDomain, DemandKind};

    fn label(codes: &[CodeInfo], i: Option<(usize, String)>) -> &'static str {
        i.map(|(i, _)| codes[i].zh).unwrap_or("")
    }

    #[test]
    fn pinyin_initials_full_pinyin_and_english_pick_an_option() {
        let d = DemandDomain::DEF.codes;
        assert_eq!(label(d, pick(d, None, "y", 'l')), "养老服务");
        let k = DemandKind::DEF.codes;
        assert_eq!(label(k, pick(k, None, "", 'q')), "求助");
        assert_eq!(label(k, pick(k, None, "", 't')), "投诉");
        assert_eq!(label(k, pick(k, None, "", 'z')), "咨询");
        assert_eq!(label(k, pick(k, None, "", 'c')), "投诉", "English: complaint");
        assert_eq!(label(k, pick(k, None, "", 'h')), "求助", "English: help");
    }

    #[test]
    fn the_same_letter_again_moves_to_the_next_match() {
        let k = DemandDomain::DEF.codes;
        let first = pick(k, None, "", 'y').unwrap();
        let again = pick(k, Some(first.0), &first.1, 'y').unwrap();
        assert_ne!(first.0, again.0);
        assert!(matches(&k[again.0], "y"));
    }
}
