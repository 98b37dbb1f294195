use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

/// A have-set and the plain set of `(device, seq)` it must equal.
type Model = BTreeSet<(u64, u64)>;

fn d(n: u64) -> DeviceId {
    DeviceId(n)
}

fn model_of(v: &VersionVector) -> Model {
    v.devices().flat_map(|dev| v.ranges(dev).flat_map(move |r| r.map(move |s| (dev.0, s)))).collect()
}

/// Runs are sorted, disjoint, non-adjacent and non-empty, and no device is listed empty.
fn merged(v: &VersionVector) -> bool {
    v.0.values().all(|r| Runs::try_from(r.0.clone()).is_ok())
}

/// Ranges of seq from a few devices, near 0 and near the end of u64 (where `last + 1` would
/// overflow).
fn arb_ranges() -> impl Strategy<Value = Vec<(u64, u64, u64)>> {
    let base = prop_oneof![3 => Just(0u64), 1 => Just(u64::MAX - 40)];
    prop::collection::vec((1u64..4, base, 0u64..40, 0u64..6), 0..12).prop_map(|v| {
        v.into_iter().map(|(dev, base, off, len)| (dev, base + off, (base + off).saturating_add(len))).collect()
    })
}

fn build(ranges: &[(u64, u64, u64)]) -> (VersionVector, Model) {
    let mut v = VersionVector::new();
    let mut m = Model::new();
    for &(dev, first, last) in ranges {
        v.insert_range(d(dev), first..=last);
        m.extend((first..=last).map(|s| (dev, s)));
    }
    (v, m)
}

#[test]
fn a_device_numbering_its_events_in_order_costs_one_run() {
    let mut v = VersionVector::new();
    for s in [3, 1, 2, 5, 4, 9] {
        v.insert(d(7), s);
    }
    assert_eq!(v.ranges(d(7)).collect::<Vec<_>>(), vec![1..=5, 9..=9]);
    assert_eq!((v.len(), v.max(d(7)), v.max(d(8))), (6, 9, 0));
    assert!(v.contains(d(7), 5) && !v.contains(d(7), 6) && !v.contains(d(8), 1));
}

#[test]
fn a_scoped_export_with_gaps_is_described_exactly() {
    // the township holds its events 1..=10; a village received only 2, 5 and 7..=8 (its
    // records): the township must send the gaps, not everything after 8 nor nothing
    let mut township = VersionVector::new();
    township.insert_range(d(1), 1..=10);
    let mut village = VersionVector::new();
    for s in [2, 5, 7, 8] {
        village.insert(d(1), s);
    }
    let send = township.difference(&village);
    assert_eq!(send.ranges(d(1)).collect::<Vec<_>>(), vec![1..=1, 3..=4, 6..=6, 9..=10]);
    assert!(village.difference(&township).is_empty());
    assert!(township.includes(&village) && !village.includes(&township));
}

#[test]
fn the_encoding_round_trips_and_refuses_unmerged_runs() {
    let (v, _) = build(&[(1, 1, 5), (1, 9, 9), (2, u64::MAX - 1, u64::MAX)]);
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(serde_json::from_str::<VersionVector>(&json).unwrap(), v);
    for bad in [r#"{"1":[[5,1]]}"#, r#"{"1":[[1,2],[3,4]]}"#, r#"{"1":[[4,6],[1,2]]}"#, r#"{"1":[]}"#] {
        assert!(serde_json::from_str::<VersionVector>(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<VersionVector>(r#"{"1":[[1,2],[4,4]]}"#).is_ok());
}

proptest! {
    #[test]
    fn insert_then_contains_and_runs_stay_merged(ranges in arb_ranges(), probes in prop::collection::vec((1u64..4, 0u64..50), 0..20)) {
        let (v, m) = build(&ranges);
        prop_assert!(merged(&v));
        prop_assert_eq!(model_of(&v), m.clone());
        prop_assert_eq!(v.len(), m.len() as u64);
        for (dev, s) in probes {
            prop_assert_eq!(v.contains(d(dev), s), m.contains(&(dev, s)));
        }
        for &(dev, first, last) in &ranges {
            prop_assert!(v.contains(d(dev), first) && v.contains(d(dev), last));
        }
    }

    #[test]
    fn union_is_the_set_union_and_obeys_its_laws(a in arb_ranges(), b in arb_ranges(), c in arb_ranges()) {
        let ((a, ma), (b, mb), (c, _)) = (build(&a), build(&b), build(&c));
        let ab = a.union(&b);
        prop_assert!(merged(&ab));
        prop_assert_eq!(model_of(&ab), ma.union(&mb).copied().collect::<Model>());
        prop_assert_eq!(&ab, &b.union(&a));
        prop_assert_eq!(ab.union(&c), a.union(&b.union(&c)));
        prop_assert_eq!(&a.union(&a), &a);
        prop_assert!(ab.includes(&a) && ab.includes(&b));
    }

    #[test]
    fn difference_is_what_one_has_that_the_other_lacks(a in arb_ranges(), b in arb_ranges()) {
        let ((a, ma), (b, mb)) = (build(&a), build(&b));
        let diff = a.difference(&b);
        prop_assert!(merged(&diff));
        prop_assert_eq!(model_of(&diff), ma.difference(&mb).copied().collect::<Model>());
        // sending the difference brings the peer up to everything
        prop_assert_eq!(b.union(&diff), a.union(&b));
        prop_assert!(diff.difference(&a).is_empty());
        prop_assert!(diff.devices().all(|dev| diff.ranges(dev).all(|r| r.clone().all(|s| !b.contains(dev, s)))));
        prop_assert_eq!(a.includes(&b), b.difference(&a).is_empty());
        prop_assert!(a.difference(&a).is_empty());
    }

    #[test]
    fn the_encoding_round_trips(a in arb_ranges()) {
        let (a, _) = build(&a);
        let back: VersionVector = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        prop_assert_eq!(back, a);
    }
}
