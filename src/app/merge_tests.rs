//! One resident registered twice: a merge writes both sides in one commit, lists and search
//! show the resident once, unmerge restores both, the merge travels to another store like any
//! change, refusals name the field, and a new person of the same name at the same household
//! address is found as a possible duplicate.

use serde_json::json;

use super::*;
use crate::app::tests::{app, fixed_now};
use crate::app::{ListQuery, RecordView};
use crate::domain::merged::merged_into;
use crate::i18n::Lang;

fn household(a: &mut App, address: &str) -> EntityId {
    a.add(Kind::Household, &json!({ "address": address })).unwrap().entity.id
}

fn person(a: &mut App, name: &str, household: EntityId) -> EntityId {
    a.add(Kind::Person, &json!({"name": name, "household": household.to_string()})).unwrap().entity.id
}

fn listed(a: &App) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> = a
        .list(&ListQuery { kind: Some(Kind::Person), ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|v| v.entity.id)
        .collect();
    ids.sort();
    ids
}

fn found(a: &App, query: &str) -> Vec<EntityId> {
    a.search(query, 0).unwrap().hits.into_iter().map(|v: RecordView| v.entity.id).collect()
}

fn refusal(a: &mut App, id: EntityId, action: &str, input: serde_json::Value) -> AppError {
    a.act(id, action, &input).expect_err("refused")
}

#[test]
fn a_merge_points_each_record_to_the_other_and_lists_and_search_show_one_until_unmerged() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h = household(&mut a, "青石村一组8号");
    let (p, q) = (person(&mut a, "程德福", h), person(&mut a, "程德福", h));
    assert_eq!(listed(&a), [p, q]);

    let v = a.act(p, "merge", &json!({ "into": q.to_string() })).unwrap();
    assert_eq!(merged_into(&v.entity.state), Some(q));
    let other = a.entity(q).unwrap();
    let item = &other.state.set("merges")[0];
    assert_eq!(item.get("record"), Some(&Value::Ref(p)), "the other record names the merged one");
    assert_eq!(item.get("worker").and_then(Value::as_text), Some("李秀英"));
    assert_eq!(listed(&a), [q], "the list shows the resident once");
    assert_eq!(found(&a, "程德福"), [q], "so does search");
    let query = ListQuery { kind: Some(Kind::Person), query: Some("程德福".into()), ..Default::default() };
    assert_eq!(a.list(&query).unwrap().len(), 1, "and list --query");
    assert!(a.merge_notes(&a.view(p).unwrap()).unwrap()[0].contains(&q.to_string()));
    assert!(a.merge_notes(&a.view(q).unwrap()).unwrap()[0].contains(&p.to_string()));

    a.act(p, "unmerge", &json!({})).unwrap();
    assert_eq!(listed(&a), [p, q], "undone");
    assert_eq!(found(&a, "程德福").len(), 2);
    assert!(a.merge_notes(&a.view(q).unwrap()).unwrap().is_empty(), "nothing merged into it any more");
    let (_, history) = a.show(q).unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["create", "merge", "unmerge"], "the history shows both steps");
}

#[test]
fn a_merge_travels_to_another_store_with_its_two_events() {
    let (t1, t2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut one, two) = (app(t1.path()), app(t2.path()));
    let h = household(&mut one, "青石村二组3号");
    let (p, q) = (person(&mut one, "单文东", h), person(&mut one, "单文东", h));
    let send = |from: &App, to: &App, ids: &[EntityId]| {
        let events: Vec<_> = ids.iter().flat_map(|id| from.store.events_of(*id).unwrap()).collect();
        to.store.import(&events, &[], fixed_now()).unwrap();
    };
    send(&one, &two, &[h, p, q]);
    assert_eq!(listed(&two), [p, q]);
    one.act(p, "merge", &json!({ "into": q.to_string() })).unwrap();
    send(&one, &two, &[p, q]);
    assert_eq!(listed(&two), [q], "the other store lists the resident once");
    assert_eq!(merged_from(&two.entity(q).unwrap().state), [p]);
}

#[test]
fn a_merge_into_itself_a_household_or_a_merged_record_and_a_second_merge_are_refused_naming_the_field() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h = household(&mut a, "青石村三组1号");
    let (p, q, r) = (person(&mut a, "邱德福", h), person(&mut a, "邱德福", h), person(&mut a, "邱德富", h));
    let into = |id: EntityId| json!({ "into": id.to_string() });

    let e = refusal(&mut a, p, "merge", into(p));
    assert_eq!(e.lines(Lang::En), ["into: cannot be merged into itself"]);
    assert_eq!(e.lines(Lang::Zh), ["并入的记录 into：不能并入自己"]);
    let e = refusal(&mut a, p, "merge", into(h));
    assert!(e.lines(Lang::En)[0].starts_with("into: "), "{:?}", e.lines(Lang::En));
    a.act(q, "merge", &into(r)).unwrap();
    let e = refusal(&mut a, p, "merge", into(q));
    assert_eq!(e.lines(Lang::En), [format!("into: that record is merged into {r}: merge into {r}")]);
    let e = refusal(&mut a, q, "merge", into(p));
    assert_eq!(e.lines(Lang::Zh), [format!("已并入 merged_into：已并入 {r}，请先撤销合并")]);
    let e = refusal(&mut a, p, "unmerge", json!({}));
    assert_eq!(e.lines(Lang::En), ["merged_into: this record is not merged into another"]);
    assert_eq!(listed(&a), [p, r], "nothing was written by a refusal");
    assert!(a.entity(p).unwrap().state.set("merges").is_empty() && a.entity(r).unwrap().state.set("merges").len() == 1);
}

#[test]
fn the_screen_offers_merge_on_a_person_and_unmerge_once_merged() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h = household(&mut a, "青石村四组2号");
    let (p, q) = (person(&mut a, "杜春兰", h), person(&mut a, "杜春兰", h));
    let offered = |a: &App, id| crate::domain::offer::offered(Kind::Person, &a.entity(id).unwrap().state, a.today());
    assert_eq!(offered(&a, p), ["merge", "edit", "note"]);
    a.act(p, "merge", &json!({ "into": q.to_string() })).unwrap();
    assert_eq!(offered(&a, p), ["unmerge", "edit", "note"]);
}

#[test]
fn a_person_of_the_same_name_at_the_same_household_address_is_a_possible_duplicate() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h = household(&mut a, "青石村 五组 6号");
    let other = household(&mut a, "青石村五组7号");
    let held = person(&mut a, "王秀兰", h);
    person(&mut a, "王秀", h);
    person(&mut a, "王秀兰", other);
    let at = |address: &'static str| move || Ok(Some(address.to_string()));
    assert_eq!(a.name_address_holder("王秀兰", at("青石村五组6号"), None).unwrap(), Some(held), "spaces aside");
    assert_eq!(a.name_address_holder(" 王秀兰 ", at("青石村五组 6号 "), None).unwrap(), Some(held));
    assert_eq!(a.name_address_holder("王秀兰", at("青石村五组8号"), None).unwrap(), None, "another address");
    assert_eq!(a.name_address_holder("王秀英", at("青石村五组6号"), None).unwrap(), None, "another name");
    assert_eq!(a.name_address_holder("王秀兰", at("青石村五组6号"), Some(held)).unwrap(), None, "itself");
}

#[test]
fn a_new_person_whose_namesake_is_merged_is_named_as_a_duplicate_of_the_record_merged_into() {
    let (t1, t2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut here, mut there) = (app(t1.path()), app(t2.path()));
    let h = household(&mut here, "青石村六组1号");
    let (p, q) = (person(&mut here, "郑玉珍", h), person(&mut here, "郑玉珍", h));
    here.act(p, "merge", &json!({ "into": q.to_string() })).unwrap();
    // registered again elsewhere, in a household at the same address that comes with it
    let h2 = household(&mut there, "青石村六组 1号");
    let new = person(&mut there, "郑玉珍", h2);
    let new = there.entity(new).unwrap();
    let household_events = there.store.events_of(h2).unwrap();
    let incoming = |id: EntityId| (id == h2).then(|| household_events.clone());
    assert_eq!(here.possible_duplicate(&new, &incoming).unwrap(), Some(q));
    assert_eq!(here.possible_duplicate(&new, &|_| None).unwrap(), None, "no address known: no match");
    let other = person(&mut there, "郑玉珍", h2);
    there.act(new.id, "merge", &json!({ "into": other.to_string() })).unwrap();
    let merged = there.entity(new.id).unwrap();
    assert_eq!(here.possible_duplicate(&merged, &incoming).unwrap(), None, "already merged where it was made");
}

/// What `record_counts` should say: the store's summaries of `device`, merged persons left out.
fn counted_from_summaries(a: &App, device: crate::domain::DeviceId) -> Vec<(Kind, u64)> {
    let mut out: std::collections::BTreeMap<Kind, u64> = Default::default();
    for b in a.store.scan() {
        let b = b.unwrap();
        if b.device != device {
            continue;
        }
        for (n, events) in &b.records {
            let id = EntityId { device, n: *n };
            if let Some(e) = crate::events::fold(id, events)
                && !crate::domain::merged::is_hidden(id, &e.state)
            {
                *out.entry(e.kind).or_default() += 1;
            }
        }
    }
    out.into_iter().collect()
}

#[test]
fn each_devices_record_counts_follow_creates_merges_and_unmerges_without_reading_summaries() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let device = a.identity().unwrap().device;
    let counts = |a: &App| {
        let mut c = a.store.record_counts(device).unwrap();
        c.sort();
        c
    };
    let h = household(&mut a, "青石村一组8号");
    let (p, q) = (person(&mut a, "程德福", h), person(&mut a, "程德福", h));
    person(&mut a, "王建国", h);
    assert_eq!(counts(&a), counted_from_summaries(&a, device));
    assert_eq!(counts(&a), [(Kind::Household, 1), (Kind::Person, 3)]);
    a.act(p, "merge", &json!({ "into": q.to_string() })).unwrap();
    assert_eq!(counts(&a), [(Kind::Household, 1), (Kind::Person, 2)], "the merged record is not counted");
    assert_eq!(counts(&a), counted_from_summaries(&a, device));
    a.act(p, "unmerge", &json!({})).unwrap();
    assert_eq!(counts(&a), [(Kind::Household, 1), (Kind::Person, 3)]);
    assert!(a.store.record_counts(crate::domain::DeviceId(device.0 ^ 1)).unwrap().is_empty(), "another device");
    let report = a.doctor(&|_| true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    a.store.tamper_record_count(device, Kind::Person, 9);
    let report = a.doctor(&|_| true).unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("9 counted, the events give 3")),
        "doctor names the wrong count: {:?}",
        report.problems
    );
}
