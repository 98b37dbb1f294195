//! The checks import runs before taking events in (docs/ARCHITECTURE.md, "Event kernel"):
//! events are immutable and `(device, seq)` names exactly one of them, so two different events
//! with one name can only come from two stores sharing a device id (a copied store directory).
//! Such a bundle is refused, never resolved by a silent choice. Pure: the caller passes the
//! events it holds that the incoming ones could collide with.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::event::{Event, Op};
use super::hash::ContentHash;
use crate::domain::{DeviceId, EntityId};

/// Why incoming events cannot be taken in. Plain data: the words are the caller's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Clash {
    /// Two different events are numbered `seq` by `device`: the bundle comes from a copy of a
    /// store that shares device `device`.
    SharedDevice {
        /// The device both stores write as.
        device: DeviceId,
        /// The first of its numbers that names two events.
        seq: u64,
    },
    /// A record is created twice with different content (its id is numbered by its creating
    /// device, so this too means a shared device).
    CreatedTwice {
        /// The record.
        entity: EntityId,
    },
}

impl Clash {
    /// The device two stores share.
    pub fn device(&self) -> DeviceId {
        match self {
            Clash::SharedDevice { device, .. } => *device,
            Clash::CreatedTwice { entity } => entity.device,
        }
    }
}

/// The clashes that taking `incoming` into a store holding `held` would make: every
/// `(device, seq)` that would name two different events, and every record that would have two
/// different creation events, where at least one of the two is incoming. Identical duplicates
/// (an event already held, or repeated in `incoming`) are fine. `held` needs only the events
/// that could collide: those with the incoming `(device, seq)`s and the incoming records'
/// creations. Sorted: one `SharedDevice` per device (its lowest clashing seq), then
/// `CreatedTwice` by record. Empty: the events may be taken in.
pub fn clashes(held: &[Event], incoming: &[Event]) -> Vec<Clash> {
    let mut by_key: HashMap<(DeviceId, u64), BTreeSet<ContentHash>> = HashMap::new();
    let mut creates: HashMap<EntityId, BTreeSet<ContentHash>> = HashMap::new();
    for e in incoming {
        let h = e.content_hash();
        by_key.entry(e.key()).or_default().insert(h);
        if matches!(e.op, Op::Create { .. }) {
            creates.entry(e.entity).or_default().insert(h);
        }
    }
    for e in held {
        let is_create = matches!(e.op, Op::Create { .. });
        let key = by_key.get_mut(&e.key());
        let create = if is_create { creates.get_mut(&e.entity) } else { None };
        if key.is_none() && create.is_none() {
            continue;
        }
        let h = e.content_hash();
        key.into_iter().chain(create).for_each(|s| {
            s.insert(h);
        });
    }
    let mut shared: BTreeMap<DeviceId, u64> = BTreeMap::new();
    for ((device, seq), hashes) in &by_key {
        if hashes.len() > 1 {
            let s = shared.entry(*device).or_insert(*seq);
            *s = (*s).min(*seq);
        }
    }
    let mut twice: Vec<EntityId> = creates.iter().filter(|(_, h)| h.len() > 1).map(|(id, _)| *id).collect();
    twice.sort();
    shared
        .into_iter()
        .map(|(device, seq)| Clash::SharedDevice { device, seq })
        .chain(twice.into_iter().map(|entity| Clash::CreatedTwice { entity }))
        .collect()
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
