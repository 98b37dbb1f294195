//! Version vectors: the highest event counter seen from each device.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::DeviceId;

/// The highest `seq` a store holds from each device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionVector(pub BTreeMap<DeviceId, u64>);

impl VersionVector {
    /// Records that `(device, seq)` is held.
    pub fn observe(&mut self, device: DeviceId, seq: u64) {
        let e = self.0.entry(device).or_insert(0);
        if seq > *e {
            *e = seq;
        }
    }
    /// The highest counter held from `device` (0: none).
    pub fn get(&self, device: DeviceId) -> u64 {
        self.0.get(&device).copied().unwrap_or(0)
    }
    /// Takes the larger counter for every device.
    pub fn merge(&mut self, other: &VersionVector) {
        for (d, s) in &other.0 {
            self.observe(*d, *s);
        }
    }
    /// Whether this vector has seen at least everything `other` has.
    pub fn dominates(&self, other: &VersionVector) -> bool {
        other.0.iter().all(|(d, s)| self.get(*d) >= *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_takes_the_highest_counter_per_device() {
        let (a, b) = (DeviceId(1), DeviceId(2));
        let mut x = VersionVector::default();
        x.observe(a, 5);
        x.observe(a, 3);
        let mut y = VersionVector::default();
        y.observe(b, 7);
        y.observe(a, 2);
        x.merge(&y);
        assert_eq!((x.get(a), x.get(b)), (5, 7));
        assert!(x.dominates(&y) && !y.dominates(&x));
    }
}
