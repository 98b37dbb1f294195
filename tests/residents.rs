//! One record per resident (issue 7): an ID number is registered to one person only, and a
//! person's gender agrees with the ID number's sex digit (the 17th: odd male, even female).
//! Each test runs the real `gridlog` binary against a store in its own temporary directory.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use common::Store;
use gridlog::domain::check::id_check_char;
use serde_json::json;

/// A valid ID number born 1980-05-17 whose 17th digit is `sex_digit` (odd: male).
fn id_number(order: u32, sex_digit: u32) -> String {
    let mut s = format!("330782198005170{}{}", order % 10, sex_digit);
    let check = id_check_char(s.as_bytes());
    s.push(check);
    s
}

#[test]
fn a_second_person_with_an_id_number_already_held_is_refused_naming_the_holder() {
    let s = Store::new();
    let number = id_number(1, 3);
    let first = s.add("person", &json!({"name": "程德福", "gender": "M", "id_number": number}));

    let before = s.list_json("person", &[]);
    let out = s.try_add("person", &json!({"name": "程德福", "id_number": number}));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.trim().is_empty(), "{out:?}");
    assert!(out.stderr.contains(&first) && out.stderr.contains("id_number"), "names the other record: {out:?}");
    assert_eq!(s.list_json("person", &[]), before, "nothing written");

    // the same in Chinese, by the field's label, and with a lower-case x or spaces around it
    let zh = s.run_lang(
        "zh",
        &["add", "person"],
        Some(&json!({"name": "程德", "id_number": format!(" {number} ")}).to_string()),
    );
    assert_eq!(zh.code, 2, "{zh:?}");
    assert!(zh.stderr.contains("身份证号") && zh.stderr.contains("程德福") && zh.stderr.contains(&first), "{zh:?}");
}

#[test]
fn editing_a_person_to_an_id_number_another_holds_is_refused_and_to_their_own_is_not() {
    let s = Store::new();
    let a_number = id_number(1, 3);
    let a = s.add("person", &json!({"name": "邱德福", "id_number": a_number}));
    let b = s.add("person", &json!({"name": "单文东", "id_number": id_number(2, 5)}));

    let before = s.show_json(&b);
    let out = s.act(&b, "edit", &json!({"id_number": a_number}));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(&a), "names the holder: {out:?}");
    assert_eq!(s.show_json(&b), before, "nothing written");

    // a's own number is no duplicate of a; another free number is accepted
    s.act(&a, "edit", &json!({"name": "邱德富", "id_number": a_number})).ok();
    s.act(&b, "edit", &json!({"id_number": id_number(3, 7)})).ok();
}

#[test]
fn a_gender_that_contradicts_the_id_number_is_refused_naming_the_gender_field() {
    let s = Store::new();
    let male = id_number(4, 1);
    let female = id_number(5, 2);
    for (gender, number) in [("F", &male), ("M", &female)] {
        let out = s.try_add("person", &json!({"name": "王芳", "gender": gender, "id_number": number}));
        assert_eq!(out.code, 2, "{gender} {number}: {out:?}");
        let lines = out.err_lines();
        assert_eq!(lines.len(), 1, "{out:?}");
        assert!(lines[0].contains("gender:") && !lines[0].contains("id_number:"), "the gender field is named: {out:?}");
    }
    let zh = s.run_lang(
        "zh",
        &["add", "person"],
        Some(&json!({"name": "王芳", "gender": "F", "id_number": male}).to_string()),
    );
    assert!(zh.code == 2 && zh.stderr.contains("性别") && zh.stderr.contains("男"), "{zh:?}");

    // valid ones are accepted; so is a person without gender or without ID number
    let man = s.add("person", &json!({"name": "王强", "gender": "M", "id_number": male}));
    s.add("person", &json!({"name": "王芳", "gender": "F", "id_number": female}));
    s.add("person", &json!({"name": "王小", "gender": "F"}));
    s.add("person", &json!({"name": "王大", "id_number": id_number(6, 9)}));

    // an edit of the gender alone is checked against the number on record
    let out = s.act(&man, "edit", &json!({"gender": "F"}));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("gender"), "{out:?}");
}

#[test]
fn distinct_residents_whose_gender_agrees_are_all_accepted() {
    let s = Store::new();
    let people: Vec<String> = (0..30u32)
        .map(|i| {
            let sex = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0][(i % 10) as usize];
            let mut n = format!("3307821980{:02}{:02}{:02}{}", 1 + i % 12, 1 + i % 28, i, sex);
            n.push(id_check_char(n.as_bytes()));
            json!({"name": format!("居民{i}"), "gender": if sex % 2 == 1 { "M" } else { "F" }, "id_number": n})
                .to_string()
        })
        .collect();
    for p in &people {
        s.run(&["add", "person"], Some(p)).ok();
    }
    assert_eq!(s.list_json("person", &[]).as_array().map(Vec::len), Some(people.len()));
}
