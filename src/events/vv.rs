//! Version vectors as exact have-sets (docs/ARCHITECTURE.md, "Event kernel"): which events a
//! store holds, as ranges of `seq` per device. A highest-seq-seen mark cannot describe a scoped
//! export (a village receives the township's events with gaps), so the set is kept exactly:
//! sorted, disjoint, non-adjacent runs, so a device that numbers its events 1, 2, 3 … costs
//! one run whatever their count.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::domain::DeviceId;

/// The events a store holds (or a peer is known to hold): per device, runs of `seq`.
/// Serialised as a map from device to `[[first, last], …]`; a decoded vector whose runs are
/// not sorted, disjoint and non-adjacent (with `first <= last`) is refused, so two equal sets
/// always have one encoding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VersionVector(BTreeMap<DeviceId, Runs>);

/// One device's runs: sorted, disjoint, never adjacent, never empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<(u64, u64)>", into = "Vec<(u64, u64)>")]
struct Runs(Vec<(u64, u64)>);

impl TryFrom<Vec<(u64, u64)>> for Runs {
    type Error = String;
    fn try_from(v: Vec<(u64, u64)>) -> Result<Runs, String> {
        let ordered = v.iter().all(|(a, b)| a <= b)
            && v.windows(2).all(|w| w[0].1.checked_add(1).is_some_and(|next| next < w[1].0));
        if v.is_empty() || !ordered {
            return Err("version vector runs must be non-empty, sorted, disjoint and non-adjacent".into());
        }
        Ok(Runs(v))
    }
}

impl From<Runs> for Vec<(u64, u64)> {
    fn from(r: Runs) -> Vec<(u64, u64)> {
        r.0
    }
}

impl Runs {
    fn contains(&self, seq: u64) -> bool {
        let i = self.0.partition_point(|(_, last)| *last < seq);
        self.0.get(i).is_some_and(|(first, _)| *first <= seq)
    }
    /// Adds `first..=last`, merging it with the runs it overlaps or touches.
    fn insert(&mut self, first: u64, last: u64) {
        // the first run that ends at or after first - 1 (it may touch), the first that starts
        // after last + 1 (it cannot)
        let lo = self.0.partition_point(|(_, l)| l.saturating_add(1) < first);
        let hi = self.0.partition_point(|(f, _)| *f <= last.saturating_add(1));
        if lo == hi {
            self.0.insert(lo, (first, last));
            return;
        }
        let merged = (first.min(self.0[lo].0), last.max(self.0[hi - 1].1));
        self.0.splice(lo..hi, [merged]);
    }
    /// The seqs of `self` not in `other`.
    fn minus(&self, other: &Runs) -> Runs {
        let mut out = Vec::new();
        let mut j = 0;
        for &(first, last) in &self.0 {
            let mut from = first;
            while j < other.0.len() && other.0[j].1 < from {
                j += 1;
            }
            let mut k = j;
            let mut done = false;
            while k < other.0.len() && other.0[k].0 <= last {
                let (of, ol) = other.0[k];
                if of > from {
                    out.push((from, of - 1));
                }
                match ol.checked_add(1) {
                    Some(n) if n <= last => from = n,
                    _ => {
                        done = true;
                        break;
                    }
                }
                k += 1;
            }
            if !done {
                out.push((from, last));
            }
        }
        Runs(out)
    }
    fn len(&self) -> u64 {
        self.0.iter().fold(0u64, |n, (f, l)| n.saturating_add(l - f).saturating_add(1))
    }
}

impl VersionVector {
    /// Nothing held.
    pub fn new() -> VersionVector {
        VersionVector::default()
    }
    /// Records that `(device, seq)` is held.
    pub fn insert(&mut self, device: DeviceId, seq: u64) {
        self.insert_range(device, seq..=seq);
    }
    /// Records that every `seq` of `range` from `device` is held (an empty range changes
    /// nothing).
    pub fn insert_range(&mut self, device: DeviceId, range: RangeInclusive<u64>) {
        let (first, last) = range.into_inner();
        if first <= last {
            self.0.entry(device).or_default().insert(first, last);
        }
    }
    /// Whether `(device, seq)` is held.
    pub fn contains(&self, device: DeviceId, seq: u64) -> bool {
        self.0.get(&device).is_some_and(|r| r.contains(seq))
    }
    /// Adds everything `other` holds.
    pub fn merge(&mut self, other: &VersionVector) {
        for (d, runs) in &other.0 {
            for &(first, last) in &runs.0 {
                self.insert_range(*d, first..=last);
            }
        }
    }
    /// What either holds.
    pub fn union(&self, other: &VersionVector) -> VersionVector {
        let mut out = self.clone();
        out.merge(other);
        out
    }
    /// What this holds that `other` lacks ("what do I have that you lack": what to send).
    pub fn difference(&self, other: &VersionVector) -> VersionVector {
        let mut out = BTreeMap::new();
        for (d, runs) in &self.0 {
            let left = match other.0.get(d) {
                Some(theirs) => runs.minus(theirs),
                None => runs.clone(),
            };
            if !left.0.is_empty() {
                out.insert(*d, left);
            }
        }
        VersionVector(out)
    }
    /// Whether this holds everything `other` holds.
    pub fn includes(&self, other: &VersionVector) -> bool {
        other.difference(self).is_empty()
    }
    /// Nothing held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many events are held (saturating).
    pub fn len(&self) -> u64 {
        self.0.values().fold(0u64, |n, r| n.saturating_add(r.len()))
    }
    /// The devices with at least one event held, in order.
    pub fn devices(&self) -> impl Iterator<Item = DeviceId> + '_ {
        self.0.keys().copied()
    }
    /// The runs held from `device`, in order: sorted, disjoint and non-adjacent.
    pub fn ranges(&self, device: DeviceId) -> impl Iterator<Item = RangeInclusive<u64>> + '_ {
        self.0.get(&device).into_iter().flat_map(|r| r.0.iter().map(|(f, l)| *f..=*l))
    }
    /// The highest `seq` held from `device` (0: none).
    pub fn max(&self, device: DeviceId) -> u64 {
        self.0.get(&device).and_then(|r| r.0.last()).map_or(0, |(_, l)| *l)
    }
}

#[cfg(test)]
#[path = "vv_tests.rs"]
mod tests;
