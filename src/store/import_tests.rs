//! Importing another store's events: listed, idempotent, refused whole when it clashes.

use super::super::write::Draft;
use super::*;
use crate::domain::{Kind, Value};

fn store(device: u64) -> (tempfile::TempDir, Store) {
    super::super::test_support::temp_store(device)
}

fn household(address: &str) -> Draft {
    let fields = vec![
        ("status".to_string(), Value::Text("ACTIVE".into())),
        ("address".to_string(), Value::Text(address.into())),
    ];
    Draft { entity: None, op: Op::Create { kind: Kind::Household, fields } }
}

fn listed(s: &Store) -> Vec<EntityId> {
    s.newest(&|_, _| true, 100).unwrap().into_iter().map(|(id, _)| id).collect()
}

fn all_events(s: &Store, device: DeviceId) -> Vec<Event> {
    let mut out = Vec::new();
    s.events_after(device, 0, &mut |e| {
        out.push(e.clone());
        true
    })
    .unwrap();
    out
}

#[test]
fn another_stores_records_are_listed_once_however_often_and_in_whatever_order_they_arrive() {
    let (_a, a) = store(1);
    let (_b, b) = store(2);
    a.commit(vec![household("一组1号")], "w", 1_000).unwrap();
    a.commit(vec![household("一组2号")], "w", 2_000).unwrap();
    let from_a = all_events(&a, DeviceId(1));
    assert_eq!(from_a.len(), 2);
    let mut reversed = from_a.clone();
    reversed.reverse();
    assert_eq!(b.import(&reversed, &[], 3_000).unwrap(), ImportReport { new: 2, known: 0 });
    let ids: Vec<EntityId> = from_a.iter().map(|e| e.entity).collect();
    let mut shown = listed(&b);
    shown.sort();
    assert_eq!(shown, ids, "both records are listed in the importing store");
    assert_eq!(
        b.import(&from_a, &[], 4_000).unwrap(),
        ImportReport { new: 0, known: 2 },
        "a second import adds nothing"
    );
    assert_eq!(all_events(&b, DeviceId(1)), from_a, "the events are kept as they were made");
    // the importing store's own writes carry on after what it has seen
    let own = b.commit(vec![household("二组1号")], "w", 1).unwrap();
    assert!(own[0].hlc > from_a.iter().map(|e| e.hlc).max().unwrap(), "its clock observed the import");
}

#[test]
fn a_bundle_from_a_copy_of_this_store_is_refused_whole_and_changes_nothing() {
    let (_a, a) = store(1);
    let (_c, copy) = store(1); // the same device id: a copied store directory
    a.commit(vec![household("一组1号")], "w", 1_000).unwrap();
    copy.commit(vec![household("三组9号")], "w", 1_000).unwrap(); // seq 1, record 1, other content
    let (_b, b) = store(2);
    let first = all_events(&a, DeviceId(1));
    b.import(&first, &[], 2_000).unwrap();
    let before = (listed(&b), all_events(&b, DeviceId(1)));
    let theirs = all_events(&copy, DeviceId(1));
    match b.import(&theirs, &[], 3_000) {
        Err(StoreError::Clash(found)) => assert_eq!(shared_device(&found), Some(DeviceId(1))),
        other => panic!("a clash must be refused, got {other:?}"),
    }
    assert_eq!((listed(&b), all_events(&b, DeviceId(1))), before, "nothing was written");
    // and the copy refuses the original the same way
    assert!(matches!(copy.import(&first, &[], 4_000), Err(StoreError::Clash(_))));
}

#[test]
fn an_import_grows_the_have_set_and_the_places_met_in_the_same_write() {
    let (_a, a) = store(1);
    let (_b, b) = store(2);
    a.commit(vec![household("一组1号"), household("一组2号")], "w", 1_000).unwrap();
    b.commit(vec![household("二组1号")], "w", 1_000).unwrap();
    let from_a = all_events(&a, DeviceId(1));
    // only the second event arrives first: the have-set holds exactly what is held
    b.import(&from_a[1..], &[(DeviceId(1), "110101001002".into())], 2_000).unwrap();
    let have = b.have().unwrap();
    assert!(have.contains(DeviceId(1), 2) && !have.contains(DeviceId(1), 1), "a gap stays a gap");
    assert!(have.contains(DeviceId(2), 1), "its own events are in its have-set");
    assert_eq!(b.places().unwrap().get(&DeviceId(1)).map(String::as_str), Some("110101001002"));
    b.import(&from_a, &[], 3_000).unwrap();
    assert_eq!(b.have().unwrap().ranges(DeviceId(1)).collect::<Vec<_>>(), vec![1..=2]);
    // a refused import changes neither
    let (_c, copy) = store(2);
    copy.commit(vec![household("三组9号")], "w", 1_000).unwrap();
    let theirs = all_events(&copy, DeviceId(2));
    assert!(b.import(&theirs, &[(DeviceId(2), "999999999999".into())], 4_000).is_err());
    assert_eq!(b.have().unwrap().ranges(DeviceId(1)).collect::<Vec<_>>(), vec![1..=2]);
    assert!(!b.places().unwrap().values().any(|c| c == "999999999999"));
}
