//! What records are found by, and how queries are read.

use super::*;
use crate::domain::{DeviceId, EntityId, RecordState};
use crate::events::Hlc;
use TermKind as T;

fn has(terms: &[Term], kind: TermKind, text: &str) -> bool {
    terms.iter().any(|t| t.kind == kind && t.text == text)
}

fn texts(terms: &[Term], kind: TermKind) -> Vec<&str> {
    terms.iter().filter(|t| t.kind == kind).map(|t| t.text.as_str()).collect()
}

fn entity(kind: Kind, fields: &[(&str, Value)]) -> Entity {
    let mut state = RecordState::default();
    for (k, v) in fields {
        state.fields.insert(k.to_string(), v.clone());
    }
    Entity {
        id: EntityId { device: DeviceId(1), n: 1 },
        kind,
        state,
        versions: Default::default(),
        conflicts: vec![],
        decisions: Vec::new(),
        created: Hlc::default(),
        created_by: String::new(),
        updated: Hlc::default(),
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn zhang_san_is_found_by_initials_pinyin_and_every_substring() {
    let t = terms_of_name("张三");
    assert!(has(&t, T::Name, "张三"));
    assert!(has(&t, T::NamePart, "三"));
    assert!(has(&t, T::Initials, "zs"));
    assert!(has(&t, T::Pinyin, "zhangsan"));
    assert!(has(&t, T::InitialsPart, "s"));
    assert!(has(&t, T::PinyinPart, "san"));
    // 张 is also read zhàng (a measure word): both spellings are kept, both give zs
    assert_eq!(texts(&t, T::Initials), ["zs"]);
}

#[test]
fn polyphonic_surnames_are_found_by_every_reading() {
    // 曾 céng/zēng
    let t = terms_of_name("曾刚");
    for (kind, s) in [(T::Initials, "zg"), (T::Initials, "cg"), (T::Pinyin, "zenggang"), (T::Pinyin, "cenggang")] {
        assert!(has(&t, kind, s), "曾刚 lacks {s}: {t:?}");
    }
    // 单 dān/chán/shàn
    let t = terms_of_name("单丽");
    for s in ["danli", "shanli", "chanli"] {
        assert!(has(&t, T::Pinyin, s), "单丽 lacks {s}");
    }
    for s in ["dl", "sl", "cl"] {
        assert!(has(&t, T::Initials, s), "单丽 lacks {s}");
    }
    // 解 jiě/jiè/xiè: jie once, xie
    let t = terms_of_name("解明");
    assert!(has(&t, T::Pinyin, "jieming") && has(&t, T::Pinyin, "xieming"));
    assert!(has(&t, T::Initials, "jm") && has(&t, T::Initials, "xm"));
    // jiě and jiè are one toneless spelling (明 also reads méng)
    assert_eq!(texts(&t, T::Pinyin), ["jiemeng", "jieming", "xiemeng", "xieming"]);
}

#[test]
fn the_spellings_cap_keeps_every_reading_of_every_character() {
    // 单 (3 readings) 解 (2) 重 (3) 长 (2): 36 combinations, capped at 8
    let t = terms_of_name("单解重长");
    let full = texts(&t, T::Pinyin);
    assert!(full.len() <= MAX_VARIANTS, "{full:?}");
    for r in ["dan", "chan", "shan"] {
        assert!(full.iter().any(|s| s.starts_with(r)), "{r} missing from {full:?}");
    }
    for (r, at) in [("jie", 1), ("xie", 1), ("zhong", 2), ("chong", 2), ("zhang", 3), ("chang", 3)] {
        assert!(full.iter().any(|s| s.contains(r)), "{r} (syllable {at}) missing from {full:?}");
    }
    assert!(texts(&t, T::Initials).len() <= MAX_VARIANTS);
}

#[test]
fn names_with_a_middle_dot_are_one_name_with_parts() {
    let t = terms_of_name("买买提·艾力");
    assert!(has(&t, T::Name, "买买提艾力"));
    assert!(has(&t, T::NamePart, "艾力"));
    assert!(has(&t, T::NamePart, "提艾力"));
    assert!(has(&t, T::Initials, "mmtal"));
    assert!(has(&t, T::Pinyin, "maimaitiaili"));
    assert!(has(&t, T::InitialsPart, "al"));
    assert!(has(&t, T::PinyinPart, "aili"));
    assert!(!has(&t, T::PinyinPart, "maitiaili"), "a dotted name's parts start after the dot, not after one character");
    // typed with an ASCII dot, a space, or a full-width dot: the same key
    for typed in ["买买提.艾力", "买买提 艾力", "买买提・艾力", "买买提艾力"] {
        assert_eq!(key_form(typed), "买买提艾力", "{typed}");
    }
}

#[test]
fn characters_without_pinyin_and_latin_names_are_handled() {
    // 𠮷 (U+20BB7, outside the BMP) has no reading: kept in the name, skipped in pinyin
    let t = terms_of_name("𠮷祥");
    assert!(has(&t, T::Name, "𠮷祥"));
    assert!(has(&t, T::NamePart, "祥"));
    assert!(has(&t, T::Pinyin, "xiang"));
    assert!(texts(&t, T::Pinyin).iter().all(|s| s.is_ascii()));
    let t = terms_of_name("John Smith");
    assert!(has(&t, T::Name, "johnsmith"));
    assert!(has(&t, T::Initials, "js"));
    assert!(has(&t, T::Pinyin, "johnsmith"));
    assert!(has(&t, T::PinyinPart, "smith"));
    // full-width letters from an IME, mixed scripts, punctuation only, empty
    assert!(has(&terms_of_name("ＡＢ李"), T::Pinyin, "abli"));
    assert!(has(&terms_of_name("王（小）"), T::Initials, "wx"));
    assert!(terms_of_name("·").is_empty());
    assert!(terms_of_name("").is_empty());
    // 吕: lü typed lv or lu
    let t = terms_of_name("吕芳");
    assert!(has(&t, T::Pinyin, "lvfang") && has(&t, T::Pinyin, "lufang") && has(&t, T::Initials, "lf"));
}

#[test]
fn long_names_and_addresses_keep_bounded_terms() {
    let long = "努尔买买提·卡德尔阿不都热合曼吐尔逊艾克拜尔";
    let t = terms_of_name(long);
    assert!(t.iter().all(|x| x.text.chars().count() <= MAX_TERM_CHARS.max(MAX_PINYIN_BYTES)));
    assert!(t.len() < 80, "{}", t.len());
    let a = terms_of_address(&"很长的地址".repeat(40));
    assert!(a.len() <= MAX_SUFFIXES + 1 && a.iter().all(|x| x.text.chars().count() <= MAX_TERM_CHARS));
}

#[test]
fn addresses_are_found_by_substrings_of_two_characters_or_more() {
    let t = terms_of_address("十组 269号");
    assert!(has(&t, T::Address, "十组269号"));
    for s in ["组269号", "269号", "69号", "9号"] {
        assert!(has(&t, T::AddressPart, s), "{s}");
    }
    assert!(!has(&t, T::AddressPart, "号"), "a lone 号 is not a term");
}

#[test]
fn digits_are_the_last_four_of_id_numbers_and_phones() {
    let t = digit_terms(Some("11010519491231002X"), Some("138-1234-5678"));
    assert_eq!(texts(&t, T::Digits), ["002x", "5678"]);
    assert_eq!(digit_terms(Some("123"), None), vec![]);
    assert_eq!(texts(&digit_terms(None, Some("0571-88881234")), T::Digits), ["1234"]);
}

#[test]
fn records_give_terms_by_kind_and_free_text_for_ledgers() {
    let p = entity(Kind::Person, &[("name", text("张三")), ("phone", text("13812345678"))]);
    let t = terms_of(&p);
    assert!(has(&t, T::Name, "张三") && has(&t, T::Digits, "5678"));
    assert!(t.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    assert!(text_of(&p).is_empty());
    let h = entity(Kind::Household, &[("address", text("三组12号"))]);
    assert!(has(&terms_of(&h), T::Address, "三组12号"));
    let party = |n: &str| Value::Map(vec![("name".into(), text(n)), ("role".into(), text("APPLICANT"))]);
    let d = entity(
        Kind::Dispute,
        &[
            ("facts", text("两家因宅基地边界发生争执")),
            ("claims", text("要求拆除围墙")),
            ("parties", Value::List(vec![party("王建国"), party("李四")])),
            ("category", text("NEIGHBOR")),
        ],
    );
    let x = text_of(&d);
    assert!(x.contains("宅基地") && x.contains("围墙") && x.contains("李四"), "{x}");
    assert!(!x.contains("NEIGHBOR") && !x.contains("neighbor"), "codes are not text");
    assert!(terms_of(&d).is_empty());
    let v = entity(Kind::Visit, &[("notes", text("Ｗｉｆｉ 信号差"))]);
    assert_eq!(text_of(&v), "wifi 信号差");
}

#[test]
fn queries_are_read_as_digits_pinyin_or_text() {
    let q = classify_query("zs");
    assert_eq!(q.class, QueryClass::Pinyin);
    assert_eq!((q.lookups[0].kind, q.lookups[0].exact, q.lookups[0].text.as_str()), (T::Initials, true, "zs"));
    assert!(q.lookups.iter().any(|l| l.kind == T::Pinyin && !l.exact));
    assert_eq!(q.text, None);
    assert_eq!(classify_query(" ZhangSan ").key, "zhangsan");
    let q = classify_query("5678");
    assert_eq!(q.class, QueryClass::Digits);
    assert_eq!(q.lookups[0], Lookup { kind: T::Digits, text: "5678".into(), exact: true });
    assert!(!q.needs_check());
    let q = classify_query("0002X");
    assert_eq!((q.class, q.lookups[0].text.as_str()), (QueryClass::Digits, "002x"));
    assert!(q.needs_check());
    assert_eq!(classify_query("５６７８").class, QueryClass::Digits, "full-width digits");
    let q = classify_query("三组");
    assert_eq!(q.class, QueryClass::Text);
    assert_eq!(q.lookups[0], Lookup { kind: T::Name, text: "三组".into(), exact: true });
    assert!(q.lookups.iter().any(|l| l.kind == T::AddressPart));
    assert_eq!(q.text.as_deref(), Some("三组"));
    assert_eq!(classify_query("12").class, QueryClass::Text, "short numbers are house numbers or text");
    assert_eq!(classify_query("  ").class, QueryClass::Empty);
    assert_eq!(classify_query("x123").class, QueryClass::Text);
}

#[test]
fn long_queries_are_checked_against_the_record() {
    let q = classify_query("13812345678");
    let p = entity(Kind::Person, &[("name", text("王建国")), ("phone", text("13812345678"))]);
    let other = entity(Kind::Person, &[("name", text("李四")), ("phone", text("13900005678"))]);
    assert!(q.needs_check() && q.check(&p) && !q.check(&other));
    let long = "一二三四五六七八九十一二三四五六七";
    let q = classify_query(long);
    assert!(q.needs_check());
    assert!(q.check(&entity(Kind::Person, &[("name", text(&format!("王{long}")))])));
    assert!(!q.check(&entity(Kind::Person, &[("name", text(&long[..long.len() - 3]))])));
}

#[test]
fn term_keys_sort_by_kind_then_text_and_round_trip() {
    let a = Term { kind: T::Initials, text: "zs".into() };
    let b = Term { kind: T::Initials, text: "zsf".into() };
    let c = Term { kind: T::Pinyin, text: "a".into() };
    assert!(a.key() < b.key() && b.key() < c.key());
    assert_eq!(Term::from_key(&b.key()), Some(b));
    assert_eq!(Term::from_key(&[0, b'a']), None);
    assert_eq!(Term::from_key(&[]), None);
}
