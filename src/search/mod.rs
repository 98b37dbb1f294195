//! Search (docs/ARCHITECTURE.md, "Search index"): what a record is found by, how a query is
//! read, and the compact forms the store keeps for it. Pure: no IO. The store keeps the index
//! (`store::search_index`), the app runs queries (`App::search`).
//!
//! **Indexed** (a term is `kind byte ‖ text`, its posting list the ids that hold it):
//! - persons: the name ([`TermKind::Name`]) and every suffix of it ([`TermKind::NamePart`]), so
//!   a Chinese substring is a prefix of some term; the pinyin initials ([`TermKind::Initials`])
//!   and full pinyin ([`TermKind::Pinyin`]) of the name, with every reading of polyphonic
//!   characters (曾 → zeng/ceng), and of the given name or each dot-separated part
//!   ([`TermKind::InitialsPart`], [`TermKind::PinyinPart`]); the last four characters of the ID
//!   number and of the phone ([`TermKind::Digits`]).
//! - households: the address and its suffixes of two characters or more
//!   ([`TermKind::Address`], [`TermKind::AddressPart`]).
//!
//! **Scanned**: the free text of visits, demands, disputes and hazards ([`text_of`]) is kept per
//! block in a compact folded form and scanned newest first within a time budget.
//!
//! Names and addresses are compared in [`key_form`] (full-width ASCII folded, ASCII lower case,
//! no spaces or middle dots: 买买提·艾力, 买买提.艾力 and 买买提 艾力 are the same name).

pub mod bucket;
pub mod mixed;
pub mod postings;

use std::borrow::Cow;

use pinyin::ToPinyinMulti;

use crate::domain::{Kind, Value};
use crate::events::Entity;

/// At most this many pinyin (and as many initials) spellings per name part: the product of
/// the readings of polyphonic characters is capped, keeping every reading of every character.
pub const MAX_VARIANTS: usize = 8;
/// Name and address terms keep at most this many characters (longer queries are checked
/// against the record itself).
pub const MAX_TERM_CHARS: usize = 16;
/// Pinyin terms keep at most this many letters.
pub const MAX_PINYIN_BYTES: usize = 40;
/// Digit terms: the last this many characters of an ID number or phone.
pub const DIGITS: usize = 4;
/// Name parts (after the surname, after each middle dot) with their own pinyin terms.
const MAX_PARTS: usize = 4;
/// Suffix terms per name or address.
const MAX_SUFFIXES: usize = 24;

/// What a term is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TermKind {
    /// A person's whole name (key form).
    Name = 1,
    /// A suffix of a person's name (for substrings).
    NamePart = 2,
    /// Pinyin initials of the whole name.
    Initials = 3,
    /// Pinyin initials of the given name or of a part after a middle dot.
    InitialsPart = 4,
    /// Full pinyin (toneless, ü as v) of the whole name.
    Pinyin = 5,
    /// Full pinyin of the given name or of a part.
    PinyinPart = 6,
    /// The last four characters of an ID number or phone.
    Digits = 7,
    /// A household's whole address (key form).
    Address = 8,
    /// A suffix of the address, two characters or longer.
    AddressPart = 9,
}

impl TermKind {
    /// Every kind, in tag order.
    pub const ALL: [TermKind; 9] = [
        TermKind::Name,
        TermKind::NamePart,
        TermKind::Initials,
        TermKind::InitialsPart,
        TermKind::Pinyin,
        TermKind::PinyinPart,
        TermKind::Digits,
        TermKind::Address,
        TermKind::AddressPart,
    ];
    /// The key byte.
    pub fn tag(self) -> u8 {
        self as u8
    }
    /// Inverse of [`TermKind::tag`].
    pub fn from_tag(t: u8) -> Option<TermKind> {
        TermKind::ALL.into_iter().find(|k| k.tag() == t)
    }
    /// A short name for messages.
    pub fn label(self) -> &'static str {
        match self {
            TermKind::Name => "name",
            TermKind::NamePart => "name part",
            TermKind::Initials => "initials",
            TermKind::InitialsPart => "initials of part",
            TermKind::Pinyin => "pinyin",
            TermKind::PinyinPart => "pinyin of part",
            TermKind::Digits => "digits",
            TermKind::Address => "address",
            TermKind::AddressPart => "address part",
        }
    }
}

/// One index term.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    /// What it is.
    pub kind: TermKind,
    /// Its text.
    pub text: String,
}

impl Term {
    fn new(kind: TermKind, text: impl Into<String>) -> Term {
        Term { kind, text: text.into() }
    }
    /// `kind byte ‖ text`: the order of terms in the index.
    pub fn key(&self) -> Vec<u8> {
        let mut k = Vec::with_capacity(1 + self.text.len());
        k.push(self.kind.tag());
        k.extend_from_slice(self.text.as_bytes());
        k
    }
    /// Inverse of [`Term::key`].
    pub fn from_key(k: &[u8]) -> Option<Term> {
        let (t, text) = k.split_first()?;
        Some(Term { kind: TermKind::from_tag(*t)?, text: std::str::from_utf8(text).ok()?.to_string() })
    }
}

// ---------------------------------------------------------------------------------------------
// Normal forms

/// Folds full-width ASCII (ＡＢＣ１２３, as IMEs produce) to ASCII and ASCII letters to lower case.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Spaces and the middle dots of transliterated names (·•・‧ and a typed `.`).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '·' | '•' | '・' | '‧' | '∙' | '⋅' | '.')
}

/// The form in which names and addresses are indexed and queries matched: [`fold`]ed, without
/// separators.
pub fn key_form(s: &str) -> String {
    fold(s).chars().filter(|c| !is_separator(*c)).collect()
}

fn truncate_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn truncate_bytes(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// CJK unified ideographs (all planes): a character of a name that has no pinyin reading
/// (𠮷) is skipped in the pinyin terms, not taken for a letter.
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

// ---------------------------------------------------------------------------------------------
// Pinyin

/// One syllable of a name: its readings (toneless ASCII) and their distinct initials.
#[derive(Clone, Debug, PartialEq)]
struct Syllable {
    full: Vec<Cow<'static, str>>,
    initials: Vec<Cow<'static, str>>,
    /// A Chinese character (not a word of letters).
    han: bool,
}

impl Syllable {
    fn of(readings: Vec<Cow<'static, str>>, han: bool) -> Syllable {
        let mut initials: Vec<Cow<'static, str>> = Vec::new();
        for r in &readings {
            let i = match r {
                Cow::Borrowed(s) => Cow::Borrowed(&s[..1]),
                Cow::Owned(s) => Cow::Owned(s[..1].to_string()),
            };
            if !initials.contains(&i) {
                initials.push(i);
            }
        }
        Syllable { full: readings, initials, han }
    }
}

/// The readings of a Chinese character, toneless, ü written v (and u, as many type it).
fn readings(c: char) -> Option<Vec<Cow<'static, str>>> {
    let multi = c.to_pinyin_multi()?;
    let mut out: Vec<Cow<'static, str>> = Vec::with_capacity(multi.count() + 1);
    let mut push = |s: Cow<'static, str>| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for p in multi {
        let plain: &'static str = p.plain();
        if plain.bytes().all(|b| b.is_ascii_lowercase()) {
            push(Cow::Borrowed(plain));
        } else if plain.contains('ü') {
            push(Cow::Owned(plain.replace('ü', "v")));
            push(Cow::Owned(plain.replace('ü', "u")));
        } else {
            push(Cow::Owned(plain.replace('ê', "e").chars().filter(char::is_ascii_alphabetic).collect()));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A name as syllables: Chinese characters (with all their readings) and words of other
/// letters or digits (one syllable each: `john` → john / j). `None` marks a break: a
/// separator, punctuation, or a character without a reading.
fn syllables(name: &str) -> Vec<Option<Syllable>> {
    let mut out: Vec<Option<Syllable>> = Vec::new();
    let mut word = String::new();
    fn flush(word: &mut String, out: &mut Vec<Option<Syllable>>) {
        if !word.is_empty() {
            out.push(Some(Syllable::of(vec![Cow::Owned(std::mem::take(word))], false)));
        }
    }
    for c in fold(name).chars() {
        if let Some(r) = readings(c) {
            flush(&mut word, &mut out);
            out.push(Some(Syllable::of(r, true)));
        } else if c.is_alphanumeric() && !is_cjk_ideograph(c) {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut out);
            if out.last().is_some_and(Option::is_some) {
                out.push(None);
            }
        }
    }
    flush(&mut word, &mut out);
    if out.last().is_some_and(Option::is_none) {
        out.pop();
    }
    out
}

/// Spellings of a sequence of syllables that each have `options`: all of them when there are
/// at most `cap`; otherwise first one spelling per reading index (so that every reading of every
/// syllable is in some spelling), then the others in order, up to `cap`.
fn spellings(options: &[&[Cow<'static, str>]], cap: usize) -> Vec<String> {
    if options.is_empty() {
        return vec![];
    }
    let total = options.iter().try_fold(1usize, |acc, o| acc.checked_mul(o.len().max(1)));
    let mut out: Vec<String> = Vec::new();
    let push = |picks: &[usize], out: &mut Vec<String>| {
        let s: String = options.iter().zip(picks).map(|(o, &i)| o[i].as_ref()).collect();
        if !out.contains(&s) {
            out.push(s);
        }
    };
    if total.is_none_or(|t| t > cap) {
        let widest = options.iter().map(|o| o.len()).max().unwrap_or(1);
        for k in 0..widest {
            let picks: Vec<usize> = options.iter().map(|o| k % o.len()).collect();
            push(&picks, &mut out);
        }
    }
    // odometer over the reading indices, first syllable slowest
    let mut picks = vec![0usize; options.len()];
    'all: while out.len() < cap {
        push(&picks, &mut out);
        for i in (0..options.len()).rev() {
            picks[i] += 1;
            if picks[i] < options[i].len() {
                continue 'all;
            }
            picks[i] = 0;
        }
        break;
    }
    out.truncate(cap.max(1));
    out
}

/// The pinyin spellings of a name: `(initials, full)` of the whole name, then of each part
/// (the given name of a Chinese name; each part after a middle dot or space).
fn pinyin_parts(name: &str, max_bytes: usize) -> Vec<(Vec<String>, Vec<String>)> {
    let syl = syllables(name);
    let mut starts = vec![0usize];
    let plain_chinese = syl.len() >= 2 && syl.iter().all(|s| s.as_ref().is_some_and(|s| s.han));
    if plain_chinese {
        starts.push(1);
    }
    for (i, s) in syl.iter().enumerate() {
        if s.is_none() && i + 1 < syl.len() {
            starts.push(i + 1);
        }
    }
    starts.truncate(MAX_PARTS);
    starts
        .into_iter()
        .map(|p| {
            let part: Vec<&Syllable> = syl[p..].iter().flatten().collect();
            let ini: Vec<&[Cow<'static, str>]> = part.iter().map(|s| s.initials.as_slice()).collect();
            let full: Vec<&[Cow<'static, str>]> = part.iter().map(|s| s.full.as_slice()).collect();
            let cut = |v: Vec<String>| -> Vec<String> {
                let mut out: Vec<String> = Vec::with_capacity(v.len());
                for mut s in v {
                    let keep = truncate_bytes(&s, max_bytes).len();
                    s.truncate(keep);
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                out
            };
            (cut(spellings(&ini, MAX_VARIANTS)), cut(spellings(&full, MAX_VARIANTS)))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Terms

fn suffix_terms(out: &mut Vec<Term>, whole: TermKind, part: TermKind, key: &str, min_chars: usize) {
    if key.is_empty() {
        return;
    }
    out.push(Term::new(whole, truncate_chars(key, MAX_TERM_CHARS)));
    let len = key.chars().count();
    for (i, (at, _)) in key.char_indices().enumerate().skip(1).take(MAX_SUFFIXES) {
        if len - i < min_chars {
            break;
        }
        out.push(Term::new(part, truncate_chars(&key[at..], MAX_TERM_CHARS)));
    }
}

/// The terms of a person's name: the name and its suffixes; pinyin initials and full pinyin of
/// the name and of its parts, with every reading of polyphonic characters.
pub fn terms_of_name(name: &str) -> Vec<Term> {
    let mut out = Vec::new();
    suffix_terms(&mut out, TermKind::Name, TermKind::NamePart, &key_form(name), 1);
    for (i, (initials, full)) in pinyin_parts(name, MAX_PINYIN_BYTES).into_iter().enumerate() {
        let (ik, pk) = if i == 0 {
            (TermKind::Initials, TermKind::Pinyin)
        } else {
            (TermKind::InitialsPart, TermKind::PinyinPart)
        };
        out.extend(initials.into_iter().map(|s| Term::new(ik, s)));
        out.extend(full.into_iter().map(|s| Term::new(pk, s)));
    }
    sort_terms(out)
}

/// The terms of an address: the address and its suffixes of two characters or more (a single
/// trailing 号 would put every household under one term).
pub fn terms_of_address(address: &str) -> Vec<Term> {
    let mut out = Vec::new();
    suffix_terms(&mut out, TermKind::Address, TermKind::AddressPart, &key_form(address), 2);
    sort_terms(out)
}

/// The last four characters of an ID number's and a phone's digits (an ID number's check
/// character may be x).
pub fn digit_terms(id_number: Option<&str>, phone: Option<&str>) -> Vec<Term> {
    let mut out = Vec::new();
    for s in [id_number, phone].into_iter().flatten() {
        let d: String = fold(s).chars().filter(|c| c.is_ascii_digit() || *c == 'x').collect();
        if d.len() >= DIGITS {
            out.push(Term::new(TermKind::Digits, &d[d.len() - DIGITS..]));
        }
    }
    sort_terms(out)
}

fn sort_terms(mut v: Vec<Term>) -> Vec<Term> {
    v.retain(|t| !t.text.is_empty());
    v.sort();
    v.dedup();
    v
}

/// What a record's index terms are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source<'a> {
    /// A person's name ([`terms_of_name`]).
    Name(&'a str),
    /// A household's address ([`terms_of_address`]).
    Address(&'a str),
    /// A person's ID number and phone ([`digit_terms`]).
    Digits(Option<&'a str>, Option<&'a str>),
}

impl Source<'_> {
    /// The terms of this source (sorted, distinct).
    pub fn terms(&self) -> Vec<Term> {
        match *self {
            Source::Name(n) => terms_of_name(n),
            Source::Address(a) => terms_of_address(a),
            Source::Digits(id, phone) => digit_terms(id, phone),
        }
    }
}

/// The sources of a record's index terms: persons' names and numbers, households' addresses;
/// none for the ledgers' records, whose text is scanned instead.
pub fn sources_of(e: &Entity) -> Vec<Source<'_>> {
    let s = &e.state;
    match e.kind {
        Kind::Person => {
            let mut v: Vec<Source> = s.text("name").map(Source::Name).into_iter().collect();
            v.push(Source::Digits(s.text("id_number"), s.text("phone")));
            v
        }
        Kind::Household => s.text("address").map(Source::Address).into_iter().collect(),
        _ => vec![],
    }
}

/// Every index term of a record (sorted, distinct): the terms of its [`sources_of`].
pub fn terms_of(e: &Entity) -> Vec<Term> {
    sort_terms(sources_of(e).iter().flat_map(Source::terms).collect())
}

/// The free text of a record as the text scan sees it ([`fold`]ed, pieces on separate lines):
/// visit notes; demand content, requester and replies; dispute facts, claims and parties'
/// names; hazard location and description; and every record's notes. Empty for persons and
/// households (they are indexed).
pub fn text_of(e: &Entity) -> String {
    let s = &e.state;
    let fields: &[&str] = match e.kind {
        Kind::Visit => &["notes"],
        Kind::Demand => &["content", "requester"],
        Kind::Dispute => &["facts", "claims"],
        Kind::Hazard => &["location", "description"],
        Kind::Person | Kind::Household => return String::new(),
    };
    let mut pieces: Vec<&str> = fields.iter().filter_map(|f| s.text(f)).collect();
    if let Some(Value::List(parties)) = s.get("parties") {
        pieces.extend(parties.iter().filter_map(|p| p.get("name").and_then(Value::as_text)));
    }
    let items = |set: &'static str, field: &'static str| s.set(set).iter().filter_map(move |v| v.get(field));
    pieces.extend(items("notes", "text").chain(items("replies", "reply")).filter_map(Value::as_text));
    let mut out = String::new();
    for p in pieces.into_iter().filter(|p| !p.trim().is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&fold(p));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Queries

/// How a query is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryClass {
    /// Nothing to search for.
    Empty,
    /// ASCII letters: pinyin initials or full pinyin (and names written in letters).
    Pinyin,
    /// Four digits or more (an ID number's last may be x): the end of an ID number or phone.
    Digits,
    /// Anything else (Chinese, short numbers, mixed): names, addresses and free text.
    Text,
}

/// One index lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// Which terms.
    pub kind: TermKind,
    /// The term (exact) or its start (prefix).
    pub text: String,
    /// Only this very term, not the terms it starts.
    pub exact: bool,
}

/// A query, read: index lookups in rank order, then (maybe) a free-text scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryPlan {
    /// How it was read.
    pub class: QueryClass,
    /// The query in [`key_form`].
    pub key: String,
    /// Lookups, best first.
    pub lookups: Vec<Lookup>,
    /// The needle of the free-text scan ([`fold`]ed), if text is searched.
    pub text: Option<String>,
    /// Lookups of the initials a mixed-pinyin query stands for ([`mixed::mixed_initials`]),
    /// after `lookups`: each hit must pass [`QueryPlan::check_mixed`].
    pub mixed: Vec<Lookup>,
}

/// Reads a query: digits (≥ 4) → the digits index (then addresses); ASCII letters → pinyin
/// initials, full pinyin and names, whole names first, then given names and parts; anything else
/// → names and addresses (whole first, then substrings), then the free text.
pub fn classify_query(q: &str) -> QueryPlan {
    let key = key_form(q);
    let look = |kind, text: &str, exact| Lookup { kind, text: text.to_string(), exact };
    let name_key = truncate_chars(&key, MAX_TERM_CHARS);
    let digits = key.len() >= DIGITS
        && key.bytes().all(|b| b.is_ascii_digit() || b == b'x')
        && !key[..key.len() - 1].contains('x');
    let letters = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase());
    use TermKind as T;
    let mut mixed = Vec::new();
    let (class, lookups, text) = if key.is_empty() {
        (QueryClass::Empty, vec![], None)
    } else if digits {
        let last = &key[key.len() - DIGITS..];
        (
            QueryClass::Digits,
            vec![look(T::Digits, last, true), look(T::Address, name_key, false), look(T::AddressPart, name_key, false)],
            None,
        )
    } else if letters {
        let p = truncate_bytes(&key, MAX_PINYIN_BYTES);
        let mut l = vec![look(T::Initials, p, true), look(T::Pinyin, p, true), look(T::Name, name_key, true)];
        l.extend([look(T::Initials, p, false), look(T::Pinyin, p, false), look(T::Name, name_key, false)]);
        l.extend([look(T::InitialsPart, p, false), look(T::PinyinPart, p, false), look(T::NamePart, name_key, false)]);
        // one initial alone would find half the village: two or more
        let readings: Vec<String> = mixed::mixed_initials(p).into_iter().filter(|i| i.len() >= 2).collect();
        mixed = readings.iter().map(|i| look(T::Initials, i, true)).collect();
        mixed.extend(readings.iter().flat_map(|i| [look(T::Initials, i, false), look(T::InitialsPart, i, false)]));
        (QueryClass::Pinyin, l, None)
    } else {
        let l = vec![
            look(T::Name, name_key, true),
            look(T::Name, name_key, false),
            look(T::NamePart, name_key, false),
            look(T::Address, name_key, true),
            look(T::Address, name_key, false),
            look(T::AddressPart, name_key, false),
        ];
        let needle = fold(q.trim());
        (QueryClass::Text, l, (!needle.is_empty()).then_some(needle))
    };
    QueryPlan { class, key, lookups, text, mixed }
}

impl QueryPlan {
    /// Whether an index hit must be checked against the record itself: the query is longer
    /// than the terms keep (a long name or address, an ID number's last five digits or more).
    pub fn needs_check(&self) -> bool {
        match self.class {
            QueryClass::Digits => self.key.len() > DIGITS || self.key.chars().count() > MAX_TERM_CHARS,
            QueryClass::Pinyin => self.key.len() > MAX_PINYIN_BYTES || self.key.chars().count() > MAX_TERM_CHARS,
            QueryClass::Text => self.key.chars().count() > MAX_TERM_CHARS,
            QueryClass::Empty => false,
        }
    }

    /// Whether an indexed record really matches (see [`QueryPlan::needs_check`]).
    pub fn check(&self, e: &Entity) -> bool {
        let s = &e.state;
        let contains = |f: &str| s.text(f).is_some_and(|v| key_form(v).contains(&self.key));
        match self.class {
            QueryClass::Empty => false,
            QueryClass::Digits => {
                let ends = |f: &str| {
                    s.text(f).is_some_and(|v| {
                        let d: String = fold(v).chars().filter(|c| c.is_ascii_digit() || *c == 'x').collect();
                        d.ends_with(&self.key)
                    })
                };
                ends("id_number") || ends("phone") || contains("address")
            }
            QueryClass::Pinyin => {
                contains("name")
                    || s.text("name").is_some_and(|n| {
                        pinyin_parts(n, usize::MAX)
                            .iter()
                            .any(|(i, f)| i.iter().chain(f).any(|t| t.starts_with(self.key.as_str())))
                    })
                    || self.check_mixed(e)
            }
            QueryClass::Text => contains("name") || contains("address"),
        }
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
