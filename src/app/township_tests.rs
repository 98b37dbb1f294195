use serde_json::json;

use super::*;

#[test]
fn only_the_level_above_supervises_and_only_a_village_answers() {
    let lang = crate::i18n::Lang::En;
    assert!(check_role("village", Kind::Demand, "supervise", lang).is_err());
    assert!(check_role("township", Kind::Demand, "supervise", lang).is_ok());
    assert!(check_role("township", Kind::Demand, "request_extension", lang).is_err());
    assert!(check_role("village", Kind::Hazard, "request_extension", lang).is_ok());
    assert!(check_role("village", Kind::Demand, "reply", lang).is_ok(), "the ledgers' own actions: anyone");
}

#[test]
fn a_supervised_record_stands_first_on_the_village_home_until_answered() {
    let t = tempfile::tempdir().unwrap();
    let mut a = crate::app::tests::app(t.path());
    let d = json!({"received_on": "2026-11-02", "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                   "domain": "ELDER_CARE", "content": "扶手", "due_on": "2026-11-05"});
    let late = a.add(Kind::Demand, &d).unwrap().entity.id;
    let d = json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "李大爷", "kind": "HELP",
                   "domain": "INFRA", "content": "路灯", "due_on": "2026-12-20"});
    let quiet = a.add(Kind::Demand, &d).unwrap().entity.id;
    // written as the township's would arrive: the lifecycle alone (the role is the app's check)
    let entity = a.entity(quiet).unwrap();
    let refs = crate::app::StoreRefs(&a.store);
    let ctx = a.ctx(&refs).unwrap();
    let change = crate::domain::lifecycle::plan_action(
        Kind::Demand,
        &entity.state,
        "supervise",
        &json!({"note": "本周内答复", "due_on": "2026-12-04"}),
        &ctx,
    )
    .unwrap();
    let op = crate::app::change_op(&entity, "supervise", change);
    a.store.commit(vec![crate::store::Draft { entity: Some(quiet), op }], "王主任", (a.now_ms)()).unwrap();
    let first = |a: &App| a.dashboard().unwrap().items.first().map(|i| (i.id, i.reason));
    assert_eq!(first(&a), Some((quiet, crate::app::DueReason::Supervised)), "before the overdue one");
    assert!(a.act(quiet, "supervise", &json!({"note": "x", "due_on": "2026-12-04"})).is_err(), "a village does not");
    a.act(quiet, "answer_supervision", &json!({"text": "已联系电工", "date": "2026-11-27"})).unwrap();
    assert_eq!(first(&a), Some((late, crate::app::DueReason::Overdue)), "answered: back to its place");
    assert!(a.dashboard().unwrap().items.iter().all(|i| i.id != quiet));
}
