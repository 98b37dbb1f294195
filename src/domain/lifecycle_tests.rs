//! State machines and cross-field rules, tested on plain states (no store).

use serde_json::json;

use super::*;
use crate::domain::{DeviceId, EntityId, Refs};
use crate::i18n::Lang;

struct FakeRefs;
impl Refs for FakeRefs {
    fn kind_of(&self, id: EntityId) -> Option<Kind> {
        match id.n {
            1 => Some(Kind::Household),
            2 => Some(Kind::Person),
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

/// Applies a change to a state the way the fold does (scalars replace, items append).
fn apply(state: &mut RecordState, c: Change) {
    state.fields.extend(c.set);
    for (k, v) in c.add {
        state.sets.entry(k).or_default().push(v);
    }
}
fn create(kind: Kind, input: serde_json::Value) -> RecordState {
    let mut s = RecordState::default();
    s.fields.extend(plan_create(kind, &input, &ctx()).expect("valid input"));
    s
}
fn act(kind: Kind, s: &mut RecordState, action: &str, input: serde_json::Value) {
    let c =
        plan_action(kind, s, action, &input, &ctx()).unwrap_or_else(|e| panic!("{action}: {:?}", e.lines(Lang::En)));
    apply(s, c);
}
fn refused(kind: Kind, s: &RecordState, action: &str, input: serde_json::Value) -> Invalid {
    plan_action(kind, s, action, &input, &ctx()).expect_err("should be refused")
}

fn dispute() -> RecordState {
    dispute_received("2026-11-02")
}
fn dispute_received(day: &str) -> RecordState {
    create(
        Kind::Dispute,
        json!({"received_on": day, "source": "APPLIED", "category": "NEIGHBOR",
           "parties": [{"name": "王五", "role": "APPLICANT"}, {"name": "赵六", "role": "RESPONDENT", "person": id(2)}],
           "facts": "排水沟堵塞", "claims": "要求疏通", "risk": "YELLOW"}),
    )
}
fn hazard(grade: &str) -> RecordState {
    create(
        Kind::Hazard,
        json!({"found_on": "2026-11-01", "location": "村小学厨房", "owner": "PUBLIC", "category": "GAS",
           "description": "燃气管老化", "grade": grade}),
    )
}
fn demand(kind: &str, urgent: bool) -> RecordState {
    create(
        Kind::Demand,
        json!({"received_on": "2026-11-20", "channel": "VISIT", "requester": id(2), "kind": kind,
           "domain": "ELDER_CARE", "content": "希望安装扶手", "urgent": urgent}),
    )
}

#[test]
fn new_records_start_in_their_initial_status() {
    assert_eq!(dispute().status(), "REGISTERED");
    assert_eq!(hazard("GENERAL").status(), "FOUND");
    assert_eq!(demand("HELP", false).status(), "RECEIVED");
    assert_eq!(create(Kind::Household, json!({"address": "三组12号"})).status(), "ACTIVE");
}

#[test]
fn defaults_fill_the_grid_and_the_worker() {
    let h = create(Kind::Household, json!({"address": "三组12号"}));
    assert_eq!(h.text("grid"), Some("第一网格"));
    assert_eq!(hazard("GENERAL").text("inspector"), Some("李秀英"));
}

#[test]
fn demand_due_dates_follow_urgency_and_kind_in_working_days() {
    // 2026-11-20 is a Friday
    assert_eq!(demand("HELP", true).day("due_on").unwrap().to_string(), "2026-11-20");
    assert_eq!(demand("INQUIRY", false).day("due_on").unwrap().to_string(), "2026-11-25");
    assert_eq!(demand("COMPLAINT", false).day("due_on").unwrap().to_string(), "2026-12-09");
    let set = create(
        Kind::Demand,
        json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "路人甲", "kind": "SUGGESTION",
           "domain": "INFRA", "content": "修路", "due_on": "2026-12-31"}),
    );
    assert_eq!(set.day("due_on").unwrap().to_string(), "2026-12-31");
}

#[test]
fn a_full_mediation_closes_and_only_legal_steps_are_allowed() {
    let mut d = dispute();
    assert_eq!(
        allowed_actions(Kind::Dispute, &d),
        ["session", "agree", "terminate", "refer", "escalate", "edit", "note"]
    );
    let inv = refused(Kind::Dispute, &d, "close", json!({}));
    assert!(
        matches!(&inv.0[0].problem, Problem::IllegalAction { allowed, .. } if allowed.contains(&"session".to_string()))
    );
    act(Kind::Dispute, &mut d, "session", json!({"date": "2026-11-05", "notes": "双方到场"}));
    assert_eq!(d.status(), "MEDIATING");
    assert_eq!(d.set("sessions")[0].get("mediator"), Some(&Value::Text("李秀英".into())));
    act(
        Kind::Dispute,
        &mut d,
        "agree",
        json!({"form": "WRITTEN", "terms": "共同出资疏通", "performance_method": "现金",
                   "performance_deadline": "2026-12-31", "amount_fen": 30000, "effective_on": "2026-11-06"}),
    );
    assert_eq!((d.status(), d.text("outcome"), d.text("performance")), ("AGREED", Some("AGREED"), Some("PENDING")));
    act(
        Kind::Dispute,
        &mut d,
        "followup",
        json!({"date": "2026-11-20", "performance": "DONE", "satisfaction": "SATISFIED"}),
    );
    assert_eq!((d.status(), d.text("performance")), ("FOLLOWED_UP", Some("DONE")));
    act(Kind::Dispute, &mut d, "close", json!({}));
    assert_eq!(d.status(), "CLOSED");
    assert!(matches!(
        refused(Kind::Dispute, &d, "session", json!({"date": "2026-11-25", "notes": "x"})).0[0].problem,
        Problem::IllegalAction { .. }
    ));
}

#[test]
fn mediation_dates_must_stay_in_order() {
    let mut d = dispute();
    let inv = refused(Kind::Dispute, &d, "session", json!({"date": "2026-11-01", "notes": "x"}));
    assert!(inv.names("date"));
    act(Kind::Dispute, &mut d, "session", json!({"date": "2026-11-10", "notes": "x"}));
    let inv = refused(Kind::Dispute, &d, "session", json!({"date": "2026-11-09", "notes": "x"}));
    assert!(inv.names("date"));
    let inv = refused(
        Kind::Dispute,
        &d,
        "agree",
        json!({"form": "ORAL", "terms": "t", "performance_method": "m",
                                                   "performance_deadline": "2026-11-08", "effective_on": "2026-11-09"}),
    );
    assert!(inv.names("effective_on") && inv.names("performance_deadline"));
}

#[test]
fn an_agreement_needs_terms_method_and_deadline() {
    let d = dispute();
    let inv = refused(Kind::Dispute, &d, "agree", json!({"form": "WRITTEN", "effective_on": "2026-11-05"}));
    for f in ["terms", "performance_method", "performance_deadline"] {
        assert!(inv.names(f), "{f}");
    }
}

#[test]
fn judicial_confirmation_must_be_applied_for_within_30_days() {
    let mut d = dispute_received("2026-09-20");
    act(
        Kind::Dispute,
        &mut d,
        "agree",
        json!({"form": "WRITTEN", "terms": "t", "performance_method": "m",
                                              "performance_deadline": "2026-12-01", "effective_on": "2026-10-01"}),
    );
    let inv = refused(Kind::Dispute, &d, "confirm", json!({"applied_on": "2026-11-01", "court": "县人民法院"}));
    assert_eq!(inv.0[0].problem, Problem::ConfirmWithin30Days);
    act(Kind::Dispute, &mut d, "confirm", json!({"applied_on": "2026-10-31", "court": "县人民法院"}));
    assert!(d.get("judicial_confirmation").is_some());
}

#[test]
fn termination_withdrawal_referral_and_escalation_set_their_outcomes() {
    let mut d = dispute();
    act(Kind::Dispute, &mut d, "terminate", json!({"reason": "申请人撤回", "withdrawn": true}));
    assert_eq!((d.status(), d.text("outcome")), ("TERMINATED", Some("WITHDRAWN")));
    act(Kind::Dispute, &mut d, "close", json!({}));
    assert_eq!(d.status(), "CLOSED");
    let mut r = dispute();
    act(Kind::Dispute, &mut r, "refer", json!({"to": "县法院", "reason": "涉及诉讼"}));
    assert_eq!((r.status(), r.text("outcome")), ("CLOSED", Some("REFERRED")));
    let mut e = dispute();
    act(Kind::Dispute, &mut e, "escalate", json!({"reason": "涉及多村"}));
    assert_eq!(e.status(), "ESCALATED");
    act(Kind::Dispute, &mut e, "session", json!({"date": "2026-11-26", "notes": "乡镇调解"}));
    assert_eq!(e.status(), "MEDIATING");
}

#[test]
fn a_dispute_needs_an_applicant_and_a_respondent() {
    let inv = plan_create(
        Kind::Dispute,
        &json!({"received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR",
           "parties": [{"name": "王五", "role": "APPLICANT"}, {"name": "王六", "role": "APPLICANT"}],
           "facts": "f", "claims": "c", "risk": "RED"}),
        &ctx(),
    )
    .unwrap_err();
    assert!(inv.names("parties"));
    let inv = plan_create(
        Kind::Dispute,
        &json!({"received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR",
           "parties": [{"name": "王五", "role": "BOSS"}], "facts": "f", "claims": "c", "risk": "RED"}),
        &ctx(),
    )
    .unwrap_err();
    assert!(inv.names("parties[0].role"));
}

#[test]
fn mediation_is_overdue_one_month_after_it_was_received() {
    let d = dispute(); // received 2026-11-02
    assert!(!is_overdue(Kind::Dispute, &d, Day::parse("2026-12-02").unwrap()));
    assert!(is_overdue(Kind::Dispute, &d, Day::parse("2026-12-03").unwrap()));
    let mut closed = dispute();
    act(Kind::Dispute, &mut closed, "refer", json!({"to": "x", "reason": "y"}));
    assert!(!is_overdue(Kind::Dispute, &closed, Day::parse("2027-06-01").unwrap()));
}

#[test]
fn a_major_hazard_needs_a_full_plan_and_an_independent_pass_review() {
    let mut h = hazard("MAJOR");
    let inv = refused(Kind::Hazard, &h, "rectify", json!({"measures": "更换管道", "deadline": "2026-12-10"}));
    assert!(inv.names("responsible") && inv.names("interim_control"));
    // one round: a plan missing its deadline too is told all that is missing at once
    let inv = refused(Kind::Hazard, &h, "rectify", json!({"measures": "更换管道", "responsible": " "}));
    assert!(inv.names("deadline") && inv.names("responsible") && inv.names("interim_control"), "{inv:?}");
    assert_eq!(required_now(Kind::Hazard, &h, "rectify"), ["responsible", "interim_control"]);
    assert!(required_now(Kind::Hazard, &hazard("GENERAL"), "rectify").is_empty());
    act(
        Kind::Hazard,
        &mut h,
        "rectify",
        json!({"measures": "更换管道", "responsible": "周校长", "deadline": "2026-12-10",
                                          "interim_control": "停用燃气灶"}),
    );
    assert_eq!(h.status(), "RECTIFYING");
    assert_eq!(refused(Kind::Hazard, &h, "close", json!({})).0[0].problem, Problem::MajorClosesByReview);
    act(Kind::Hazard, &mut h, "complete", json!({"date": "2026-11-20"}));
    assert_eq!(h.status(), "AWAITING_REVIEW");
    let inv =
        refused(Kind::Hazard, &h, "review", json!({"date": "2026-11-21", "reviewer": "周校长", "result": "PASS"}));
    assert!(inv.names("reviewer"));
    act(Kind::Hazard, &mut h, "review", json!({"date": "2026-11-21", "reviewer": "安监员老陈", "result": "FAIL"}));
    assert_eq!(h.status(), "REVIEW_FAILED");
    act(
        Kind::Hazard,
        &mut h,
        "rectify",
        json!({"measures": "整体更换", "responsible": "周校长", "deadline": "2026-12-20",
                                          "interim_control": "停用"}),
    );
    act(Kind::Hazard, &mut h, "review", json!({"date": "2026-11-26", "reviewer": "安监员老陈", "result": "PASS"}));
    assert_eq!(h.status(), "CLOSED");
    assert_eq!(h.set("reviews").len(), 2);
}

#[test]
fn a_general_hazard_may_close_directly_and_rating_is_only_for_housing() {
    let mut h = hazard("GENERAL");
    act(Kind::Hazard, &mut h, "close", json!({}));
    assert_eq!(h.status(), "CLOSED");
    let inv = plan_create(
        Kind::Hazard,
        &json!({"found_on": "2026-11-01", "location": "x", "owner": "PUBLIC", "category": "GAS",
           "description": "d", "grade": "GENERAL", "house_rating": "D"}),
        &ctx(),
    )
    .unwrap_err();
    assert!(inv.names("house_rating"));
}

#[test]
fn hazards_are_overdue_after_their_rectification_deadline() {
    let mut h = hazard("GENERAL");
    // without a plan it is due for one 3 working days after it was found (a Sunday: Wednesday)
    assert_eq!(due_on(Kind::Hazard, &h), Day::parse("2026-11-04"));
    assert!(is_overdue(Kind::Hazard, &h, Day::parse("2026-11-05").unwrap()), "no plan yet");
    act(Kind::Hazard, &mut h, "rectify", json!({"measures": "m", "deadline": "2026-11-25"}));
    assert!(is_overdue(Kind::Hazard, &h, Day::parse("2026-11-26").unwrap()));
    act(Kind::Hazard, &mut h, "escalate", json!({"reason": "逾期未改"}));
    assert_eq!(h.get("escalated"), Some(&Value::Bool(true)));
}

#[test]
fn a_demand_closes_only_after_a_reply_and_a_satisfied_follow_up() {
    let mut d = demand("HELP", false);
    assert!(matches!(refused(Kind::Demand, &d, "close", json!({})).0[0].problem, Problem::IllegalAction { .. }));
    act(Kind::Demand, &mut d, "assign", json!({"level": "VILLAGE", "assignee": "村委会"}));
    assert_eq!((d.status(), d.text("level")), ("IN_PROGRESS", Some("VILLAGE")));
    act(Kind::Demand, &mut d, "reply", json!({"reply": "已安装", "replied_on": "2026-11-24", "result": "RESOLVED"}));
    assert_eq!(d.status(), "ANSWERED");
    act(Kind::Demand, &mut d, "followup", json!({"date": "2026-11-25", "satisfaction": "UNSATISFIED"}));
    assert_eq!(refused(Kind::Demand, &d, "close", json!({})).0[0].problem, Problem::CloseNeedsFollowup);
    act(Kind::Demand, &mut d, "reopen", json!({"reason": "扶手松动"}));
    assert_eq!(d.status(), "REOPENED");
    act(Kind::Demand, &mut d, "reply", json!({"reply": "已加固", "replied_on": "2026-11-26", "result": "RESOLVED"}));
    act(Kind::Demand, &mut d, "followup", json!({"date": "2026-11-27", "satisfaction": "SATISFIED"}));
    act(Kind::Demand, &mut d, "close", json!({}));
    assert_eq!((d.status(), d.set("replies").len()), ("CLOSED", 2));
}

#[test]
fn two_unreachable_follow_ups_allow_closing_one_does_not() {
    let mut d = demand("INQUIRY", false);
    act(Kind::Demand, &mut d, "reply", json!({"reply": "电话答复", "replied_on": "2026-11-21", "result": "EXPLAINED"}));
    act(Kind::Demand, &mut d, "followup", json!({"date": "2026-11-22", "satisfaction": "UNREACHABLE"}));
    assert_eq!(refused(Kind::Demand, &d, "close", json!({})).0[0].problem, Problem::CloseNeedsFollowup);
    act(Kind::Demand, &mut d, "followup", json!({"date": "2026-11-23", "satisfaction": "UNREACHABLE"}));
    act(Kind::Demand, &mut d, "close", json!({}));
    assert_eq!(d.status(), "CLOSED");
}

#[test]
fn a_reply_on_the_day_received_is_done_on_the_spot() {
    let mut d = demand("INQUIRY", false);
    act(Kind::Demand, &mut d, "reply", json!({"reply": "当场解答", "replied_on": "2026-11-20", "result": "EXPLAINED"}));
    assert_eq!(d.status(), "ON_SPOT_DONE");
}

#[test]
fn a_same_day_reply_that_resolves_only_part_is_answered_not_done_on_the_spot() {
    let mut d = demand("HELP", false);
    act(Kind::Demand, &mut d, "reply", json!({"reply": "先修了一半", "replied_on": "2026-11-20", "result": "PARTIAL"}));
    assert_eq!(d.status(), "ANSWERED");
}

#[test]
fn demands_are_overdue_when_unanswered_past_due_and_escalation_goes_up_a_level() {
    let mut d = demand("HELP", false); // due 2026-11-25
    assert!(is_overdue(Kind::Demand, &d, Day::parse("2026-11-26").unwrap()));
    assert!(!is_overdue(Kind::Demand, &d, Day::parse("2026-11-25").unwrap()));
    act(Kind::Demand, &mut d, "escalate", json!({"reason": "需乡镇协调"}));
    assert_eq!((d.status(), d.text("level")), ("ESCALATED", Some("VILLAGE")));
    assert!(is_overdue(Kind::Demand, &d, Day::parse("2026-11-26").unwrap()), "escalated is still unanswered");
    act(Kind::Demand, &mut d, "reply", json!({"reply": "r", "replied_on": "2026-11-26", "result": "PARTIAL"}));
    assert!(!is_overdue(Kind::Demand, &d, Day::parse("2026-12-30").unwrap()));
}

#[test]
fn edit_validates_like_add_and_cannot_change_the_status() {
    let mut p = create(Kind::Person, json!({"name": "张三"}));
    assert!(refused(Kind::Person, &p, "edit", json!({"phone": "123"})).names("phone"));
    assert!(refused(Kind::Person, &p, "edit", json!({"status": "CLOSED"})).names("status"));
    assert!(refused(Kind::Person, &p, "edit", json!({"tags": ["DRUG"]})).names("tag_basis"));
    assert!(refused(Kind::Person, &p, "edit", json!({"name": ""})).names("name"), "a required field cannot be cleared");
    act(Kind::Person, &mut p, "edit", json!({"phone": "13912345678"}));
    assert_eq!(p.text("phone"), Some("13912345678"));
    act(Kind::Person, &mut p, "note", json!({"text": "已搬迁"}));
    assert_eq!(p.set("notes").len(), 1);
}

#[test]
fn unknown_actions_list_the_kinds_actions() {
    let inv = refused(Kind::Hazard, &hazard("GENERAL"), "agree", json!({}));
    assert!(matches!(&inv.0[0].problem, Problem::UnknownAction(l) if l.contains(&"rectify".to_string())));
}

#[test]
fn input_problems_are_reported_all_at_once_with_field_names() {
    let inv = plan_create(
        Kind::Person,
        &json!({"nmae": "x", "gender": "X", "id_number": "110105194912310021", "phone": "12345",
           "household": id(2)}),
        &ctx(),
    )
    .unwrap_err();
    for f in ["nmae", "name", "gender", "id_number", "phone", "household"] {
        assert!(inv.names(f), "{f} not named in {:?}", inv.lines(Lang::En));
    }
    let line = inv.lines(Lang::Zh).join("\n");
    assert!(line.contains("身份证号 id_number：校验位不正确"), "{line}");
}

#[test]
fn free_text_with_personal_numbers_and_future_dates_are_refused() {
    let inv = plan_create(
        Kind::Visit,
        &json!({"date": "2026-11-28", "household": id(1), "type": "ROUTINE", "notes": "电话13812345678"}),
        &ctx(),
    )
    .unwrap_err();
    assert!(inv.names("date") && inv.names("notes"));
    assert!(inv.0.iter().any(|e| e.problem == Problem::FutureDate));
}

#[test]
fn sensitive_tags_need_a_basis() {
    let inv = plan_create(Kind::Person, &json!({"name": "某某", "tags": ["CORRECTION"]}), &ctx()).unwrap_err();
    assert_eq!((inv.0[0].field.as_str(), &inv.0[0].problem), ("tag_basis", &Problem::SensitiveTagNeedsBasis));
    let p = create(Kind::Person, json!({"name": "某某", "tags": ["CORRECTION", "DIBAO"], "tag_basis": "司法所通知"}));
    assert_eq!(p.get("tags"), Some(&Value::List(vec![Value::Text("CORRECTION".into()), Value::Text("DIBAO".into())])));
}

#[test]
fn a_dispute_closes_only_when_its_agreement_is_performed_or_mediation_ended_otherwise() {
    let mut d = dispute();
    act(
        Kind::Dispute,
        &mut d,
        "agree",
        json!({"form": "ORAL", "terms": "赔偿", "performance_method": "现金",
               "performance_deadline": "2026-11-30", "effective_on": "2026-11-06"}),
    );
    act(
        Kind::Dispute,
        &mut d,
        "followup",
        json!({"date": "2026-11-20", "performance": "PENDING", "satisfaction": "BASIC"}),
    );
    let inv = refused(Kind::Dispute, &d, "close", json!({}));
    assert_eq!(
        (inv.0[0].field.as_str(), &inv.0[0].problem),
        ("performance", &Problem::CloseNeedsPerformance("PENDING".into()))
    );
    assert!(inv.lines(Lang::Zh).join("\n").contains("待履行"), "{:?}", inv.lines(Lang::Zh));
    act(
        Kind::Dispute,
        &mut d,
        "followup",
        json!({"date": "2026-11-27", "performance": "PARTIAL", "satisfaction": "BASIC"}),
    );
    assert!(refused(Kind::Dispute, &d, "close", json!({})).names("performance"));
    act(
        Kind::Dispute,
        &mut d,
        "followup",
        json!({"date": "2026-11-27", "performance": "DONE", "satisfaction": "SATISFIED"}),
    );
    act(Kind::Dispute, &mut d, "close", json!({}));
    assert_eq!(d.status(), "CLOSED");
    // terminated or withdrawn: closes without an agreement
    for withdrawn in [false, true] {
        let mut t = dispute();
        act(Kind::Dispute, &mut t, "terminate", json!({"reason": "一方拒绝调解", "withdrawn": withdrawn}));
        act(Kind::Dispute, &mut t, "close", json!({}));
        assert_eq!(t.status(), "CLOSED");
    }
}

#[test]
fn the_fold_asks_the_action_tables_whether_an_action_may_follow_a_status() {
    assert_eq!(may_apply(Kind::Demand, "close", "FOLLOWED_UP"), Some(true));
    assert_eq!(may_apply(Kind::Demand, "close", "ESCALATED"), Some(false), "办结 only after 回访");
    assert_eq!(may_apply(Kind::Hazard, "escalate", "CLOSED"), Some(false));
    // bound to no status: never held by the fold
    for action in ["edit", "note", "decide", "no-such-action"] {
        assert_eq!(may_apply(Kind::Demand, action, "CLOSED"), None, "{action}");
    }
}
