use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: crossterm::event::KeyEventState::NONE,
    }
}
fn typed(f: &mut Form, s: &str) {
    for c in s.chars() {
        f.on_key(key(KeyCode::Char(c)));
    }
}
fn today() -> Day {
    Day::parse("2026-11-27").unwrap()
}

#[test]
fn dates_accept_today_offsets_and_short_forms() {
    let t = today();
    assert_eq!(parse_date_input("今天", t), Some(t));
    assert_eq!(parse_date_input("today", t), Some(t));
    assert_eq!(parse_date_input("+7", t).map(|d| d.to_string()).as_deref(), Some("2026-12-04"));
    assert_eq!(parse_date_input("-2", t).map(|d| d.to_string()).as_deref(), Some("2026-11-25"));
    assert_eq!(parse_date_input("2026-02-03", t).map(|d| d.to_string()).as_deref(), Some("2026-02-03"));
    assert_eq!(parse_date_input("20260203", t).map(|d| d.to_string()).as_deref(), Some("2026-02-03"));
    assert_eq!(parse_date_input("3-5", t).map(|d| d.to_string()).as_deref(), Some("2026-03-05"));
    assert_eq!(parse_date_input("2月30日", t), None);
}

#[test]
fn yuan_become_fen() {
    assert_eq!(parse_yuan("300"), Some(30000));
    assert_eq!(parse_yuan("12.5元"), Some(1250));
    assert_eq!(parse_yuan("0.05"), Some(5));
    assert_eq!(parse_yuan("1.234"), None);
    assert_eq!(parse_yuan("abc"), None);
}

#[test]
fn a_demand_form_builds_the_cli_json() {
    let mut f = Form::create(Kind::Demand, Lang::Zh, today(), &[]);
    // received_on defaults to today; go to the content field and type Chinese
    let content = f.fields.iter().position(|x| x.name == "content").unwrap();
    f.focus = content;
    typed(&mut f, "老人独居");
    f.on_paste("希望安装\n扶手");
    let j = f.to_json(today());
    assert_eq!(j["received_on"], "2026-11-27");
    assert_eq!(j["content"], "老人独居希望安装\n扶手");
    assert_eq!(j["urgent"], false);
    assert!(f.dirty);
}

#[test]
fn dispute_parties_are_entered_as_two_name_lists() {
    let mut f = Form::create(Kind::Dispute, Lang::Zh, today(), &[]);
    let a = f.fields.iter().position(|x| x.name == "applicants").unwrap();
    f.focus = a;
    typed(&mut f, "王五");
    f.focus = a + 1;
    typed(&mut f, "赵六、赵七");
    let j = f.to_json(today());
    assert_eq!(
        j["parties"],
        json!([{"name": "王五", "role": "APPLICANT"}, {"name": "赵六", "role": "RESPONDENT"}, {"name": "赵七", "role": "RESPONDENT"}])
    );
}

#[test]
fn choices_cycle_with_arrows_and_a_draft_restores_everything() {
    let mut f = Form::create(Kind::Hazard, Lang::Zh, today(), &[]);
    let g = f.fields.iter().position(|x| x.name == "grade").unwrap();
    f.focus = g;
    f.on_key(key(KeyCode::Right));
    f.on_key(key(KeyCode::Right));
    assert_eq!(f.to_json(today())["grade"], "MAJOR");
    let loc = f.fields.iter().position(|x| x.name == "location").unwrap();
    f.focus = loc;
    typed(&mut f, "村小学𠮷");
    let draft = f.to_draft();
    assert_eq!(Form::draft_target(&draft), Some(Target::Create(Kind::Hazard)));
    let mut g2 = Form::create(Kind::Hazard, Lang::Zh, today(), &[]);
    g2.restore(&draft);
    assert_eq!(g2.to_json(today()), f.to_json(today()));
}

#[test]
fn backspace_removes_a_whole_wide_character() {
    let mut f = Form::create(Kind::Person, Lang::Zh, today(), &[]);
    typed(&mut f, "买买提·艾力𠮷");
    f.on_key(key(KeyCode::Backspace));
    assert_eq!(f.to_json(today())["name"], "买买提·艾力");
}

#[test]
fn an_edit_form_sends_only_changed_fields() {
    let mut state = RecordState::default();
    state.fields.insert("name".into(), Value::Text("张三".into()));
    state.fields.insert("phone".into(), Value::Text("13812345678".into()));
    let id = EntityId { device: crate::domain::DeviceId(1), n: 2 };
    let mut f = Form::action(Kind::Person, id, "edit", &state, Lang::Zh, today(), &|_| String::new()).unwrap();
    assert_eq!(f.to_json(today()), json!({}));
    f.focus = f.fields.iter().position(|x| x.name == "phone").unwrap();
    f.on_key(key(KeyCode::Backspace));
    typed(&mut f, "9");
    assert_eq!(f.to_json(today()), json!({"phone": "13812345679"}));
}

#[test]
fn a_raised_demand_starts_on_its_first_empty_required_field() {
    let visit = EntityId { device: crate::domain::DeviceId(1), n: 2 };
    let person = EntityId { device: crate::domain::DeviceId(1), n: 3 };
    let values = json!({"channel": "VISIT", "received_on": "2026-11-20", "requester": person.to_string(), "visit": visit.to_string()});
    let f = Form::raise(Kind::Demand, visit, Lang::Zh, today(), &[], &values, &|_| "张三".to_string());
    assert_eq!(f.fields[f.focus].name, "demand_kind");
    let j = f.to_json(today());
    assert_eq!(j["channel"], "VISIT");
    assert_eq!(j["received_on"], "2026-11-20");
    assert_eq!(j["requester"], person.to_string());
    assert_eq!(j["visit"], visit.to_string());
    let draft = f.to_draft();
    assert_eq!(Form::draft_target(&draft), Some(Target::Raise { kind: Kind::Demand, visit }));
}

#[test]
fn choices_are_picked_by_typing_their_pinyin_initials() {
    let mut f = Form::create(Kind::Demand, Lang::Zh, today(), &[]);
    f.focus = f.fields.iter().position(|x| x.name == "domain").unwrap();
    typed(&mut f, "yl");
    assert_eq!(f.to_json(today())["domain"], "ELDER_CARE");
}

#[test]
fn text_typed_in_a_picker_but_never_picked_is_flagged() {
    let mut f = Form::create(Kind::Visit, Lang::Zh, today(), &[]);
    f.focus = f.fields.iter().position(|x| x.name == "household").unwrap();
    typed(&mut f, "一组8号");
    assert!(f.flag_unpicked(Lang::Zh));
    assert!(f.errors.contains_key("household"));
    let mut d = Form::create(Kind::Demand, Lang::Zh, today(), &[]);
    d.focus = d.fields.iter().position(|x| x.name == "requester").unwrap();
    typed(&mut d, "路人甲");
    assert!(!d.flag_unpicked(Lang::Zh), "a plain name is a requester");
}

#[test]
fn a_raised_dispute_starts_with_the_person_met_as_applicant() {
    let visit = EntityId { device: crate::domain::DeviceId(1), n: 2 };
    let values = json!({"source": "PROACTIVE", "received_on": "2026-11-20",
        "parties": [{"name": "张三", "role": "APPLICANT", "person": "x"}]});
    let f = Form::raise(Kind::Dispute, visit, Lang::Zh, today(), &[], &values, &|_| String::new());
    assert_eq!(f.fields[f.focus].name, "category");
    let j = f.to_json(today());
    assert_eq!(j["parties"], json!([{"name": "张三", "role": "APPLICANT"}]));
    assert_eq!(j["source"], "PROACTIVE");
}

#[test]
fn a_major_hazards_plan_stars_what_the_rules_require_and_a_second_plan_starts_from_the_first() {
    use crate::domain::{RecordState, Value};
    let mut state = RecordState::default();
    state.fields.insert("status".into(), Value::Text("FOUND".into()));
    state.fields.insert("grade".into(), Value::Text("MAJOR".into()));
    let id = EntityId { device: crate::domain::DeviceId(1), n: 3 };
    let f = Form::action(Kind::Hazard, id, "rectify", &state, Lang::Zh, today(), &|r| r.to_string()).unwrap();
    let required = |f: &Form, name: &str| f.fields.iter().any(|x| x.name == name && x.required);
    assert!(required(&f, "responsible") && required(&f, "interim_control") && required(&f, "measures"));
    assert!(!required(&f, "responsible_phone"));
    // after a failed 复查, the new 整改 form holds the last plan
    state.fields.insert("status".into(), Value::Text("REVIEW_FAILED".into()));
    let plan = vec![
        ("measures".to_string(), Value::Text("更换管道".into())),
        ("responsible".to_string(), Value::Text("周校长".into())),
        ("interim_control".to_string(), Value::Text("停用燃气灶".into())),
    ];
    state.fields.insert("rectification".into(), Value::Map(plan));
    let f = Form::action(Kind::Hazard, id, "rectify", &state, Lang::Zh, today(), &|r| r.to_string()).unwrap();
    let j = f.to_json(today());
    assert_eq!(j["measures"], "更换管道");
    assert_eq!(j["responsible"], "周校长");
    assert_eq!(j["interim_control"], "停用燃气灶");
    // a GENERAL hazard's plan needs no responsible person
    state.fields.insert("grade".into(), Value::Text("GENERAL".into()));
    let f = Form::action(Kind::Hazard, id, "rectify", &state, Lang::Zh, today(), &|r| r.to_string()).unwrap();
    assert!(!required(&f, "responsible"));
}
