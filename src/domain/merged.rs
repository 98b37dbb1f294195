//! One resident registered twice (two devices, offline): a person's record merged into
//! another's. The merge is ordinary data on both records, so it syncs like any change and can
//! be undone: the merged record's scalar [`MERGED_INTO`] names the record it was merged into,
//! and that record's sets [`MERGES`] and [`UNMERGES`] name the records merged into it and those
//! taken out again. Lists, search and pickers leave out a merged record ([`is_hidden`]), so
//! they show the resident once (docs/ARCHITECTURE.md, "Domain").

use super::record::RecordState;
use super::value::{EntityId, Value};

/// The scalar of a merged person: the record it was merged into (`Null` once unmerged).
pub const MERGED_INTO: &str = "merged_into";
/// The set of the record merged into: `{record, worker, date}` per merge.
pub const MERGES: &str = "merges";
/// The set of the record merged into: `{record, worker, date}` per unmerge.
pub const UNMERGES: &str = "unmerges";
/// The item field naming the other record.
pub const RECORD: &str = "record";

/// The record this person was merged into, if it is merged.
pub fn merged_into(state: &RecordState) -> Option<EntityId> {
    match state.get(MERGED_INTO) {
        Some(Value::Ref(id)) => Some(*id),
        _ => None,
    }
}

/// The records merged into this one and not taken out again, in the order first merged: each
/// merge of a record counts one, each unmerge takes one back.
pub fn merged_from(state: &RecordState) -> Vec<EntityId> {
    let record = |v: &Value| match v.get(RECORD) {
        Some(Value::Ref(id)) => Some(*id),
        _ => None,
    };
    let mut out: Vec<EntityId> = Vec::new();
    for id in state.set(MERGES).iter().filter_map(record) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    let count = |set: &str, id: EntityId| state.set(set).iter().filter(|v| record(v) == Some(id)).count();
    out.retain(|id| count(MERGES, *id) > count(UNMERGES, *id));
    out
}

/// Whether lists, search and pickers leave record `id` out: it is merged into another. Two
/// workers who merged a pair each into the other without seeing each other's merge would hide
/// both; then the record with the smaller id stays shown, the same on every replica.
pub fn is_hidden(id: EntityId, state: &RecordState) -> bool {
    match merged_into(state) {
        Some(into) => !(id < into && merged_from(state).contains(&into)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeviceId;

    fn id(n: u32) -> EntityId {
        EntityId { device: DeviceId(7), n }
    }
    fn item(n: u32) -> Value {
        Value::Map(vec![(RECORD.into(), Value::Ref(id(n)))])
    }

    #[test]
    fn a_record_merged_then_taken_out_is_no_longer_listed_as_merged_in() {
        let mut s = RecordState::default();
        s.sets.insert(MERGES.into(), vec![item(2), item(3)]);
        s.sets.insert(UNMERGES.into(), vec![item(2)]);
        assert_eq!(merged_from(&s), [id(3)]);
        s.sets.get_mut(MERGES).unwrap().push(item(2));
        assert_eq!(merged_from(&s), [id(2), id(3)], "merged again");
    }

    #[test]
    fn of_two_records_merged_into_each_other_the_smaller_stays_shown() {
        let mut a = RecordState::default();
        a.fields.insert(MERGED_INTO.into(), Value::Ref(id(2)));
        assert!(is_hidden(id(1), &a), "merged: hidden");
        a.sets.insert(MERGES.into(), vec![item(2)]);
        let mut b = RecordState::default();
        b.fields.insert(MERGED_INTO.into(), Value::Ref(id(1)));
        b.sets.insert(MERGES.into(), vec![item(1)]);
        assert!(!is_hidden(id(1), &a) && is_hidden(id(2), &b));
        a.fields.insert(MERGED_INTO.into(), Value::Null);
        assert!(!is_hidden(id(1), &a), "unmerged");
    }
}
