//! Bounded records and the small edges of input: list and set limits, amounts, the two
//! spellings of a demand's kind, and edits that change nothing.

use serde_json::{Value as J, json};

use super::*;
use crate::domain::schema::{
    AMOUNT_MAX, FieldType, LIST_LIMITS, LONG_TEXT_MAX, NAME_MAX, PARTY, TEXT_MAX, fields_of, list_max,
};
use crate::domain::{DeviceId, EntityId, Refs};
use crate::i18n::Lang;

/// Record 1 is a household, 2 a person, 3 a dispute.
struct FakeRefs;
impl Refs for FakeRefs {
    fn kind_of(&self, id: EntityId) -> Option<Kind> {
        match id.n {
            1 => Some(Kind::Household),
            2 => Some(Kind::Person),
            3 => Some(Kind::Dispute),
            _ => None,
        }
    }
}

fn ctx() -> Ctx<'static> {
    Ctx {
        today: Day::parse("2026-11-27").unwrap(),
        worker: "李秀英",
        grid: "第一网格",
        refs: &FakeRefs,
        lang: Lang::En,
    }
}
fn id(n: u32) -> String {
    EntityId { device: DeviceId(42), n }.to_string()
}

fn parties(n: usize) -> J {
    J::Array(
        (0..n)
            .map(|i| json!({"name": format!("当事人{i}"), "role": if i.is_multiple_of(2) { "APPLICANT" } else { "RESPONDENT" }}))
            .collect(),
    )
}
fn dispute_input(parties: J) -> J {
    json!({"received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR", "parties": parties,
           "facts": "排水沟堵塞", "claims": "要求疏通", "risk": "YELLOW"})
}
fn demand_input() -> J {
    json!({"received_on": "2026-11-20", "channel": "VISIT", "requester": "王建国",
           "domain": "ELDER_CARE", "content": "希望安装扶手"})
}
fn with(mut input: J, key: &str, v: J) -> J {
    input[key] = v;
    input
}
fn created(kind: Kind, input: J) -> RecordState {
    let mut s = RecordState::default();
    s.fields.extend(plan_create(kind, &input, &ctx()).unwrap_or_else(|e| panic!("{:?}", e.lines(Lang::En))));
    s
}
/// The one problem of a refused input, and the field it names.
#[track_caller]
fn only_problem(r: Result<impl std::fmt::Debug, Invalid>) -> (String, Problem) {
    let inv = r.expect_err("should be refused");
    assert_eq!(inv.0.len(), 1, "one problem: {:?}", inv.lines(Lang::En));
    (inv.0[0].field.clone(), inv.0[0].problem.clone())
}

#[test]
fn every_list_field_has_a_named_limit() {
    let specs = Kind::ALL
        .iter()
        .flat_map(|k| fields_of(*k).iter().chain(actions_of(*k).iter().flat_map(|a| a.fields.iter())))
        .chain(PARTY.iter());
    for s in specs {
        if matches!(s.ty, FieldType::Parties | FieldType::EnumList(_) | FieldType::RefList(_) | FieldType::TextList) {
            assert!(LIST_LIMITS.iter().any(|(n, _)| *n == s.name), "{} has no limit of its own", s.name);
        }
    }
    assert_eq!(list_max("parties"), 50);
}

#[test]
fn a_million_parties_are_refused_in_one_problem_before_any_party_is_read() {
    // items that are not even objects: reading them would give one problem each
    let huge = J::Array(vec![J::Null; 1_500_000]);
    let (field, problem) = only_problem(plan_create(Kind::Dispute, &dispute_input(huge), &ctx()));
    assert_eq!((field.as_str(), problem), ("parties", Problem::TooMany(50)));
}

#[test]
fn each_list_is_accepted_at_its_limit_and_refused_one_item_above() {
    created(Kind::Dispute, dispute_input(parties(50)));
    let (field, problem) = only_problem(plan_create(Kind::Dispute, &dispute_input(parties(51)), &ctx()));
    assert_eq!((field.as_str(), problem), ("parties", Problem::TooMany(50)));

    let names = |n: usize| J::Array((0..n).map(|i| json!(format!("调解员{i}"))).collect());
    created(Kind::Dispute, with(dispute_input(parties(2)), "mediators", names(20)));
    let (field, _) =
        only_problem(plan_create(Kind::Dispute, &with(dispute_input(parties(2)), "mediators", names(21)), &ctx()));
    assert_eq!(field, "mediators");

    // tags: repeats count against the limit of the list as given
    let tags = |n: usize| J::Array(vec![json!("DIBAO"); n]);
    let p = created(Kind::Person, json!({"name": "王建国", "tags": tags(16)}));
    assert_eq!(p.get("tags"), Some(&Value::List(vec![Value::Text("DIBAO".into())])));
    let (field, _) = only_problem(plan_create(Kind::Person, &json!({"name": "王建国", "tags": tags(17)}), &ctx()));
    assert_eq!(field, "tags");

    let visit = |met: usize, links: usize| {
        json!({"date": "2026-11-20", "household": id(1), "type": "ROUTINE",
               "met": vec![id(2); met], "links": vec![id(3); links]})
    };
    created(Kind::Visit, visit(50, 100));
    assert_eq!(only_problem(plan_create(Kind::Visit, &visit(51, 1), &ctx())), ("met".into(), Problem::TooMany(50)));
    assert_eq!(only_problem(plan_create(Kind::Visit, &visit(1, 101), &ctx())), ("links".into(), Problem::TooMany(100)));
}

#[test]
fn texts_are_accepted_at_their_length_limits() {
    let long = "调".repeat(LONG_TEXT_MAX);
    let d = created(Kind::Dispute, with(dispute_input(parties(2)), "facts", json!(long)));
    assert_eq!(d.text("facts").map(|s| s.chars().count()), Some(LONG_TEXT_MAX));
    created(Kind::Person, json!({"name": "名".repeat(NAME_MAX), "tag_basis": "据".repeat(TEXT_MAX)}));
    let (field, problem) = only_problem(plan_create(Kind::Person, &json!({"name": "名".repeat(NAME_MAX + 1)}), &ctx()));
    assert_eq!((field.as_str(), problem), ("name", Problem::TooLong(NAME_MAX)));
}

#[test]
fn an_action_that_would_grow_a_set_past_its_limit_is_refused_naming_the_set() {
    let mut d = created(Kind::Dispute, dispute_input(parties(2)));
    let session = json!({"date": "2026-11-05", "notes": "双方到场"});
    let note = json!({"text": "电话联系"});
    d.sets.insert("sessions".into(), vec![Value::Null; SET_MAX - 1]);
    d.sets.insert("notes".into(), vec![Value::Null; SET_MAX - 1]);
    plan_action(Kind::Dispute, &d, "session", &session, &ctx()).expect("the last session within the limit");
    plan_action(Kind::Dispute, &d, "note", &note, &ctx()).expect("the last note within the limit");
    d.sets.insert("sessions".into(), vec![Value::Null; SET_MAX]);
    d.sets.insert("notes".into(), vec![Value::Null; SET_MAX]);
    let (field, problem) = only_problem(plan_action(Kind::Dispute, &d, "session", &session, &ctx()));
    assert_eq!((field.as_str(), problem), ("sessions", Problem::TooMany(SET_MAX)));
    let (field, _) = only_problem(plan_action(Kind::Dispute, &d, "note", &note, &ctx()));
    assert_eq!(field, "notes");
    // actions that append nothing are not limited by full sets
    plan_action(Kind::Dispute, &d, "terminate", &json!({"reason": "申请人撤回"}), &ctx()).expect("terminate");
}

#[test]
fn amounts_are_whole_fen_from_zero_to_2_pow_53_minus_1() {
    let mut d = created(Kind::Dispute, dispute_input(parties(2)));
    d.sets.insert("sessions".into(), vec![]);
    let agree = |amount: J| {
        json!({"form": "WRITTEN", "terms": "赔偿损失", "performance_method": "现金", "performance_deadline": "2026-12-31",
               "effective_on": "2026-11-20", "amount_fen": amount})
    };
    for ok in [json!(0), json!(AMOUNT_MAX)] {
        plan_action(Kind::Dispute, &d, "agree", &agree(ok.clone()), &ctx()).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
    }
    for (bad, p) in [
        (json!(AMOUNT_MAX + 1), Problem::AmountTooLarge),
        (json!(9_007_199_254_740_993u64), Problem::AmountTooLarge),
        (json!(u64::MAX), Problem::AmountTooLarge),
        (json!(1.5), Problem::NotAmount),
        (json!(-1), Problem::NotAmount),
        (json!("100"), Problem::NotAmount),
    ] {
        let (field, problem) = only_problem(plan_action(Kind::Dispute, &d, "agree", &agree(bad.clone()), &ctx()));
        assert_eq!((field.as_str(), problem), ("amount_fen", p), "{bad}");
    }
}

#[test]
fn a_demands_kind_and_demand_kind_must_agree_when_both_are_given() {
    let both = |a: &str, b: &str| with(with(demand_input(), "kind", json!(a)), "demand_kind", json!(b));
    let d = created(Kind::Demand, both("HELP", "help"));
    assert_eq!(d.text("demand_kind"), Some("HELP"));
    let (field, problem) = only_problem(plan_create(Kind::Demand, &both("HELP", "COMPLAINT"), &ctx()));
    assert_eq!((field.as_str(), problem), ("demand_kind", Problem::Disagrees("kind".into())));
    // an invalid value is reported as invalid, whichever spelling holds it
    assert!(matches!(only_problem(plan_create(Kind::Demand, &both("HELP", "XX"), &ctx())).1, Problem::NotInEnum(_)));
    assert!(matches!(only_problem(plan_create(Kind::Demand, &both("XX", "HELP"), &ctx())).1, Problem::Disagrees(_)));
    // and in an edit
    let (field, _) =
        only_problem(plan_action(Kind::Demand, &d, "edit", &json!({"kind": "HELP", "demand_kind": "INQUIRY"}), &ctx()));
    assert_eq!(field, "demand_kind");
}

#[test]
fn an_edit_that_changes_nothing_is_refused_and_unchanged_fields_are_not_written() {
    let h = created(Kind::Household, json!({"address": "三组12号"}));
    for nothing in [json!({}), json!({"address": "三组12号"}), json!({"address": " 三组12号 ", "head": null})] {
        let (field, problem) = only_problem(plan_action(Kind::Household, &h, "edit", &nothing, &ctx()));
        assert_eq!((field.as_str(), problem), ("", Problem::NothingToChange), "{nothing}");
    }
    let c = plan_action(Kind::Household, &h, "edit", &json!({"address": "三组12号", "grid": "第二网格"}), &ctx())
        .expect("one real change");
    assert_eq!(c.set, vec![("grid".to_string(), Value::Text("第二网格".into()))]);
    // clearing a field that is set is a change
    let c = plan_action(Kind::Household, &h, "edit", &json!({"grid": null}), &ctx()).expect("clears the grid");
    assert_eq!(c.set, vec![("grid".to_string(), Value::Null)]);
}

#[test]
fn a_note_without_text_is_refused() {
    let h = created(Kind::Household, json!({"address": "三组12号"}));
    for empty in [json!({}), json!({"text": "  "})] {
        let (field, problem) = only_problem(plan_action(Kind::Household, &h, "note", &empty, &ctx()));
        assert_eq!((field.as_str(), problem), ("text", Problem::Required));
    }
}

#[test]
fn limit_messages_name_the_limit_in_both_languages() {
    let e = FieldError::new("parties", Problem::TooMany(50));
    assert_eq!(e.message(Lang::En), "parties: too many (at most 50)");
    assert!(e.message(Lang::Zh).contains("parties") && e.message(Lang::Zh).contains("50"), "{}", e.message(Lang::Zh));
    let e = FieldError::new("amount_fen", Problem::AmountTooLarge);
    assert!(e.message(Lang::En).contains("9007199254740991"));
    let e = FieldError::new("demand_kind", Problem::Disagrees("kind".into()));
    assert_eq!(e.message(Lang::En), "demand_kind: disagrees with kind");
}
