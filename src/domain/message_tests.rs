//! The presenter renders every problem in both languages, names fields by their labels, and
//! fills every placeholder.

use super::*;
use crate::domain::Kind;

/// One of every problem; the match below fails to compile when a variant is added and not
/// listed here.
fn every_problem() -> Vec<Problem> {
    use Problem as P;
    let all = vec![
        P::Required,
        P::UnknownField,
        P::NotAnObject,
        P::NotText,
        P::NotDate,
        P::FutureDate,
        P::NotInEnum("M/F".into()),
        P::NotBool,
        P::NotAmount,
        P::NotList,
        P::TooLong(200),
        P::IdNumber(IdNumberProblem::Format),
        P::IdNumber(IdNumberProblem::BirthDate),
        P::IdNumber(IdNumberProblem::FutureBirth),
        P::IdNumber(IdNumberProblem::CheckChar),
        P::Phone,
        P::Division(DivisionProblem::Format),
        P::Division(DivisionProblem::Region),
        P::Division(DivisionProblem::Township),
        P::Division(DivisionProblem::Village),
        P::DivisionRole("village".into()),
        P::PiiInText(PiiInText::IdNumber),
        P::PiiInText(PiiInText::Mobile),
        P::BidiControl('\u{202E}'),
        P::NoSuchRecord("0000000000005-9".into()),
        P::WrongKind(vec![Kind::Person]),
        P::DateBefore("received_on".into()),
        P::DateAfter("replied_on".into()),
        P::Parties,
        P::SensitiveTagNeedsBasis,
        P::HouseRatingOnlyForHousing,
        P::RequiredForMajor,
        P::ReviewerIsResponsible,
        P::MajorClosesByReview,
        P::CloseNeedsFollowup,
        P::CloseNeedsPerformance("PENDING".into()),
        P::ConfirmWithin30Days,
        P::IllegalAction {
            kind: Kind::Demand,
            action: "close".into(),
            status: "RECEIVED".into(),
            allowed: vec!["assign".into(), "reply".into()],
        },
        P::IllegalAction { kind: Kind::Demand, action: "close".into(), status: "CLOSED".into(), allowed: vec![] },
        P::UnknownAction(vec!["edit".into(), "note".into()]),
        P::NotEditable,
        P::TooMany(50),
        P::AmountTooLarge,
        P::Disagrees("kind".into()),
        P::NothingToChange,
        P::IdNumberTaken { holder: crate::domain::EntityId::parse("0000000000005-9").unwrap(), name: "Wang".into() },
        P::GenderContradictsId("M".into()),
        P::MergeIntoSelf,
        P::AlreadyMerged(crate::domain::EntityId::parse("0000000000005-9").unwrap()),
        P::NotMerged,
        P::TargetMerged(crate::domain::EntityId::parse("0000000000005-9").unwrap()),
        P::NoPending("supervision".into()),
        P::NoPending("extension_request".into()),
        P::NoPending("due_on".into()),
        P::NotAfterDue(crate::domain::Day::parse("2026-12-01").unwrap()),
    ];
    for p in &all {
        match p {
            P::Required
            | P::UnknownField
            | P::NotAnObject
            | P::NotText
            | P::NotDate
            | P::FutureDate
            | P::NotInEnum(_)
            | P::NotBool
            | P::NotAmount
            | P::NotList
            | P::TooLong(_)
            | P::IdNumber(_)
            | P::Phone
            | P::Division(_)
            | P::DivisionRole(_)
            | P::PiiInText(_)
            | P::BidiControl(_)
            | P::NoSuchRecord(_)
            | P::WrongKind(_)
            | P::DateBefore(_)
            | P::DateAfter(_)
            | P::Parties
            | P::SensitiveTagNeedsBasis
            | P::HouseRatingOnlyForHousing
            | P::RequiredForMajor
            | P::ReviewerIsResponsible
            | P::MajorClosesByReview
            | P::CloseNeedsFollowup
            | P::CloseNeedsPerformance(_)
            | P::ConfirmWithin30Days
            | P::IllegalAction { .. }
            | P::UnknownAction(_)
            | P::NotEditable
            | P::TooMany(_)
            | P::AmountTooLarge
            | P::Disagrees(_)
            | P::NothingToChange
            | P::IdNumberTaken { .. }
            | P::GenderContradictsId(_)
            | P::MergeIntoSelf
            | P::AlreadyMerged(_)
            | P::NotMerged
            | P::TargetMerged(_)
            | P::NoPending(_)
            | P::NotAfterDue(_) => {}
        }
    }
    all
}

fn on_id_number(p: Problem) -> FieldError {
    let mut e = FieldError::new("id_number", p);
    e.context = Some((Kind::Person, None));
    e
}

#[test]
fn every_problem_renders_in_both_languages_with_every_placeholder_filled() {
    for p in every_problem() {
        let e = on_id_number(p.clone());
        let zh = problem_text(&p, Lang::Zh);
        let en = problem_text(&p, Lang::En);
        for text in [&zh, &en] {
            assert!(!text.trim().is_empty(), "{p:?}");
            assert!(!text.starts_with("err."), "{p:?}: catalogue key missing: {text}");
            assert!(!text.contains('{') && !text.contains('}'), "{p:?}: placeholder left: {text}");
        }
        assert_ne!(zh, en, "{p:?}: the same words in both languages");
        assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{p:?}: no Chinese in {zh}");
        assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{p:?}: Chinese in {en}");
        // the screen names the field by its label only, never by its JSON name
        assert_eq!(e.message_ui(Lang::Zh), format!("身份证号：{zh}"), "{p:?}");
        assert_eq!(e.message_ui(Lang::En), format!("ID number: {en}"), "{p:?}");
        // the command line adds the JSON name, for scripts: after the label in Chinese
        assert_eq!(e.message(Lang::Zh), format!("身份证号 id_number：{zh}"), "{p:?}");
        assert_eq!(e.message(Lang::En), format!("id_number: {en}"), "{p:?}");
        // a problem of the whole record names no field
        let whole = FieldError::new("", p.clone());
        assert_eq!(whole.message(Lang::Zh), zh);
        assert_eq!(whole.message_ui(Lang::En), en);
    }
}

#[test]
fn fields_named_inside_a_problem_are_labelled() {
    // by the label only in Chinese: no JSON name inside a Chinese sentence (issue 7)
    let before = problem_text(&Problem::DateBefore("received_on".into()), Lang::Zh);
    assert_eq!(before, "不能早于受理日期");
    let after = problem_text(&Problem::DateAfter("replied_on".into()), Lang::Zh);
    assert_eq!(after, "不能晚于答复日期");
    assert_eq!(problem_text(&Problem::Disagrees("kind".into()), Lang::Zh), "与类型不一致");
    assert_eq!(problem_text(&Problem::Disagrees("kind".into()), Lang::En), "disagrees with kind");
    let mut e = FieldError::new("replied_on", Problem::DateBefore("received_on".into()));
    e.context = Some((Kind::Demand, Some("reply".into())));
    assert_eq!(e.message_ui(Lang::Zh), "答复日期：不能早于受理日期");
    assert_eq!(e.message_ui(Lang::En), "replied on: must not be earlier than received on");
}

#[test]
fn enum_problems_list_the_codes_with_their_names() {
    use crate::domain::codes::{EnumDef, HazardCategory};
    let list = HazardCategory::DEF.code_list();
    let zh = problem_text(&Problem::NotInEnum(list.clone()), Lang::Zh);
    let first = &HazardCategory::DEF.codes[0];
    assert!(zh.starts_with(&format!("应为以下之一：{} {}、", first.code, first.zh)), "{zh}");
    let en = problem_text(&Problem::NotInEnum(list), Lang::En);
    assert!(en.contains(&format!("{} ({})", first.code, first.en)), "{en}");
    let _: &EnumDef = &HazardCategory::DEF;
    assert_eq!(
        problem_text(&Problem::NotInEnum("A/B".into()), Lang::En),
        "must be one of A/B",
        "no enum's list: as is"
    );
}

#[test]
fn personal_numbers_in_text_are_sent_to_a_field_only_where_the_record_has_one() {
    let on = |kind| {
        let mut e = FieldError::new("content", Problem::PiiInText(PiiInText::Mobile));
        e.context = Some((kind, None));
        e.message_ui(Lang::Zh)
    };
    assert!(!on(Kind::Demand).contains("电话字段"), "a demand has no phone field: {}", on(Kind::Demand));
    assert!(on(Kind::Demand).contains("删去"), "{}", on(Kind::Demand));
    assert!(on(Kind::Person).contains("电话字段"), "{}", on(Kind::Person));
}

#[test]
fn a_taken_id_number_names_the_record_that_holds_it() {
    let holder = crate::domain::EntityId::parse("0000000000005-9").unwrap();
    let inv = Invalid(vec![FieldError::new("id_number", Problem::IdNumberTaken { holder, name: "王建国".into() })]);
    assert_eq!(inv.existing_record(), Some(holder));
    let zh = inv.lines(Lang::Zh).join("");
    assert!(zh.contains("王建国") && zh.contains("0000000000005-9"), "{zh}");
}

#[test]
fn kinds_roles_and_statuses_are_shown_by_their_labels() {
    assert_eq!(problem_text(&Problem::DivisionRole("village".into()), Lang::Zh), "不是村级区划代码");
    assert_eq!(problem_text(&Problem::DivisionRole("township".into()), Lang::En), "not a township-level division code");
    let wrong = Problem::WrongKind(vec![Kind::Demand, Kind::Dispute, Kind::Hazard]);
    assert_eq!(problem_text(&wrong, Lang::Zh), "应引用诉求/纠纷/隐患记录");
    assert_eq!(problem_text(&wrong, Lang::En), "must refer to a demand/dispute/hazard record");
    let illegal = Problem::IllegalAction {
        kind: Kind::Demand,
        action: "close".into(),
        status: "RECEIVED".into(),
        allowed: vec!["assign".into(), "reply".into()],
    };
    let zh = problem_text(&illegal, Lang::Zh);
    let received = statuses_of(Kind::Demand).label("RECEIVED", Lang::Zh);
    assert_eq!(zh, format!("当前状态 {received}（RECEIVED） 不能执行“close”；可执行：assign, reply"));
    let none = Problem::IllegalAction { kind: Kind::Demand, action: "x".into(), status: "ZZZ".into(), allowed: vec![] };
    assert_eq!(problem_text(&none, Lang::En), "cannot x in status ZZZ; allowed: none", "an unknown status as is");
}

#[test]
fn a_field_is_labelled_in_the_context_of_its_action() {
    let mut e = FieldError::new("date", Problem::FutureDate);
    assert_eq!(e.message_ui(Lang::Zh), "日期：不能晚于今天");
    e.context = Some((Kind::Hazard, Some("review".into())));
    assert_eq!(e.message_ui(Lang::Zh), "复查日期：不能晚于今天");
    assert_eq!(e.message(Lang::Zh), "复查日期 date：不能晚于今天");
    assert_eq!(e.message_ui(Lang::En), "date: must not be in the future");
    let nested = FieldError::new("parties[1].role", Problem::Required);
    assert_eq!(nested.message_ui(Lang::Zh), "角色：必填");
    assert_eq!(nested.message(Lang::Zh), "角色 parties[1].role：必填");
    let unknown = FieldError::new("colour_of_door", Problem::UnknownField);
    assert_eq!(unknown.message_ui(Lang::En), "colour of door: unknown field (check the spelling)");
    assert_eq!(unknown.message(Lang::Zh), "colour_of_door：无此字段（请检查拼写）", "no label: the JSON name");
}

#[test]
fn invalid_input_is_one_line_per_problem() {
    let inv = Invalid(vec![
        FieldError::new("name", Problem::Required),
        FieldError::new("", Problem::Parties),
        FieldError::new("amount_fen", Problem::AmountTooLarge),
    ]);
    assert_eq!(
        inv.lines(Lang::Zh),
        [
            "姓名 name：必填",
            "至少两名当事人，须有申请人和被申请人",
            "金额（分） amount_fen：金额过大（最多 9007199254740991 分）"
        ]
    );
    assert_eq!(inv.lines(Lang::En)[0], "name: required");
}
