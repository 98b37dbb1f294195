//! Bounded records and the small edges of input, on the real binary: lists above their limits,
//! oversized and malformed standard input, the two spellings of a demand's kind, edits that
//! change nothing and amounts beyond what JSON holds exactly. Every refusal exits 2, names
//! what it refuses and writes nothing.

#[allow(dead_code)]
mod common;

use common::{Out, Store, output};
use serde_json::{Value, json};

fn party(i: usize) -> Value {
    json!({"name": format!("当事人{i}"), "role": if i.is_multiple_of(2) { "APPLICANT" } else { "RESPONDENT" }})
}

fn dispute_with(parties: Vec<Value>) -> Value {
    json!({
        "received_on": "2026-01-09",
        "source": "APPLIED",
        "category": "NEIGHBOR",
        "parties": parties,
        "facts": "两家之间的排水沟堵塞，雨水倒灌",
        "claims": "要求疏通排水沟",
        "risk": "YELLOW"
    })
}

fn demand_input() -> Value {
    json!({
        "received_on": "2026-01-09",
        "channel": "PHONE",
        "requester": "王建国",
        "domain": "ELDER_CARE",
        "content": "希望安装扶手"
    })
}

/// Exit 2, nothing on stdout, and a stderr line containing every one of `words`.
#[track_caller]
fn assert_refused(out: &Out, words: &[&str]) {
    assert_eq!(out.code, 2, "should be refused: {out:?}");
    assert!(out.stdout.trim().is_empty(), "nothing printed on stdout: {out:?}");
    assert!(out.err_lines().iter().any(|l| words.iter().all(|w| l.contains(w))), "a line names {words:?}: {out:?}");
}

/// `add KIND` with raw bytes on stdin.
fn add_bytes(s: &Store, kind: &str, bytes: Vec<u8>) -> Out {
    let mut c = s.bare_cmd();
    c.args(["--lang", "en", "add", kind]).write_stdin(bytes);
    output(&mut c)
}

fn history_len(s: &Store, id: &str) -> usize {
    s.show_json(id)["history"].as_array().expect("history").len()
}

#[test]
fn a_dispute_with_51_parties_is_refused_naming_parties_and_nothing_is_written() {
    let s = Store::new();
    let out = s.try_add("dispute", &dispute_with((0..51).map(party).collect()));
    assert_refused(&out, &["parties", "at most 50"]);
    assert_eq!(out.err_lines().len(), 1, "one line, not one per party: {out:?}");
    let zh = s.run_lang("zh", &["add", "dispute"], Some(&dispute_with((0..51).map(party).collect()).to_string()));
    assert_refused(&zh, &["parties", "50"]);
    assert_eq!(s.list_json("dispute", &[]), json!([]), "nothing was written");
    s.add("dispute", &dispute_with((0..50).map(party).collect()));
}

#[test]
fn a_dispute_with_20000_parties_is_refused_in_one_line_naming_parties() {
    let s = Store::new();
    let out = s.try_add("dispute", &dispute_with((0..20_000).map(party).collect()));
    assert_refused(&out, &["parties", "at most 50"]);
    assert_eq!(out.err_lines().len(), 1, "{out:?}");
    assert_eq!(s.list_json("dispute", &[]), json!([]));
}

#[test]
fn a_dispute_with_a_million_and_a_half_parties_is_refused_and_the_store_stays_usable() {
    let s = Store::new();
    let one = r#"{"name":"张三","role":"APPLICANT"},"#;
    let mut input = String::with_capacity(one.len() * 1_500_000 + 300);
    input.push_str(r#"{"received_on":"2026-01-09","source":"APPLIED","category":"NEIGHBOR","facts":"排水沟","claims":"疏通","risk":"YELLOW","parties":["#);
    for _ in 0..1_500_000 {
        input.push_str(one);
    }
    input.pop();
    input.push_str("]}");
    let out = s.run(&["add", "dispute"], Some(&input));
    assert_refused(&out, &["stdin", "1024 KiB"]);
    assert_eq!(s.list_json("dispute", &[]), json!([]), "nothing was written");
    let id = s.add("dispute", &dispute_with(vec![party(0), party(1)]));
    assert_eq!(s.show_json(&id)["parties"].as_array().map(Vec::len), Some(2));
    s.run(&["doctor"], None).ok();
}

#[test]
fn texts_at_their_maximum_length_are_accepted_and_one_more_character_is_refused() {
    let s = Store::new();
    let mut input = dispute_with(vec![party(0), party(1)]);
    input["facts"] = json!("调".repeat(4000));
    let id = s.add("dispute", &input);
    assert_eq!(s.show_json(&id)["facts"].as_str().map(|t| t.chars().count()), Some(4000));
    s.add("person", &json!({"name": "名".repeat(40)}));
    input["facts"] = json!("调".repeat(4001));
    assert_refused(&s.try_add("dispute", &input), &["facts", "4000"]);
}

#[test]
fn invalid_utf8_on_stdin_exits_2_naming_stdin_and_writes_nothing() {
    let s = Store::new();
    // "三组12号" in GBK, as a Windows tool would write it
    let out = add_bytes(&s, "household", b"{\"address\": \"\xc8\xfd\xd7\xe912\xba\xc5\"}".to_vec());
    assert_refused(&out, &["stdin", "UTF-8"]);
    assert_eq!(s.list_json("household", &[]), json!([]));
}

#[test]
fn a_duplicate_json_key_exits_2_naming_the_key_even_inside_a_party() {
    let s = Store::new();
    let out = s.run(&["add", "household"], Some(r#"{"address": "三组12号", "address": "三组14号"}"#));
    assert_refused(&out, &["address", "more than once"]);
    let input = r#"{"received_on": "2026-01-09", "source": "APPLIED", "category": "NEIGHBOR",
        "facts": "排水沟", "claims": "疏通", "risk": "YELLOW",
        "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "name": "王五", "role": "RESPONDENT"}]}"#;
    let out = s.run(&["add", "dispute"], Some(input));
    assert_refused(&out, &["parties[1].name"]);
    assert_eq!(s.list_json("household", &[]), json!([]));
    assert_eq!(s.list_json("dispute", &[]), json!([]));
}

#[test]
fn a_demands_kind_and_demand_kind_that_disagree_are_refused_and_agreeing_ones_accepted() {
    let s = Store::new();
    let mut input = demand_input();
    input["kind"] = json!("HELP");
    input["demand_kind"] = json!("COMPLAINT");
    assert_refused(&s.try_add("demand", &input), &["demand_kind", "kind"]);
    assert_eq!(s.list_json("demand", &[]), json!([]));
    input["demand_kind"] = json!("help");
    let id = s.add("demand", &input);
    assert_eq!(s.show_json(&id)["demand_kind"], "HELP");
}

#[test]
fn an_edit_that_changes_nothing_is_refused_and_adds_no_history() {
    let s = Store::new();
    let id = s.add("household", &json!({"address": "三组12号"}));
    let before = history_len(&s, &id);
    for nothing in [json!({}), json!({"address": "三组12号"})] {
        assert_refused(&s.act(&id, "edit", &nothing), &["nothing to change"]);
        assert_eq!(history_len(&s, &id), before, "a refused edit wrote an event: {nothing}");
    }
    s.act(&id, "edit", &json!({"address": "三组14号"})).ok();
    assert_eq!(history_len(&s, &id), before + 1);
    assert_refused(&s.act(&id, "note", &json!({})), &["text"]);
    assert_eq!(history_len(&s, &id), before + 1);
}

#[test]
fn an_amount_above_2_pow_53_minus_1_is_refused_naming_amount_fen() {
    let s = Store::new();
    let id = s.add("dispute", &dispute_with(vec![party(0), party(1)]));
    let agree = |amount: Value| {
        json!({"form": "WRITTEN", "terms": "赔偿损失", "performance_method": "现金",
               "performance_deadline": "2099-01-31", "effective_on": "2026-01-20", "amount_fen": amount})
    };
    let before = s.show_json(&id);
    for bad in [json!(9_007_199_254_740_993u64), json!(150.5)] {
        assert_refused(&s.act(&id, "agree", &agree(bad)), &["amount_fen"]);
        assert_eq!(s.show_json(&id), before, "a refused agreement changed the record");
    }
    s.act(&id, "agree", &agree(json!(9_007_199_254_740_991u64))).ok();
    assert_eq!(s.show_json(&id)["agreement"]["amount_fen"], json!(9_007_199_254_740_991u64));
}
