//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that events stay ordered
//! after what they have seen even when an old laptop's clock is wrong.

use serde::{Deserialize, Serialize};

use crate::domain::DeviceId;

/// A hybrid logical clock reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the larger of the wall clock and what was seen).
    pub ms: u64,
    /// Orders events within one millisecond.
    pub count: u32,
}

/// The total order of writes: clock reading, then device (ties between devices are broken the
/// same way everywhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// When.
    pub hlc: Hlc,
    /// Who.
    pub device: DeviceId,
}

/// How far ahead of our wall clock a remote reading may pull us (a wrongly set clock elsewhere
/// must not drag every store into the future).
const MAX_DRIFT_MS: u64 = 24 * 3_600_000;

/// The clock of one store.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    last: Hlc,
}

impl Clock {
    /// A clock that continues after `last` (the highest reading the store has recorded).
    pub fn new(last: Hlc) -> Clock {
        Clock { last }
    }
    /// The last reading given out or observed.
    pub fn last(&self) -> Hlc {
        self.last
    }
    /// A new reading for a local event, strictly after every earlier one.
    pub fn tick(&mut self, wall_ms: u64) -> Hlc {
        self.last = if wall_ms > self.last.ms {
            Hlc { ms: wall_ms, count: 0 }
        } else {
            Hlc { ms: self.last.ms, count: self.last.count + 1 }
        };
        self.last
    }
    /// Takes a remote reading into account, so later local events order after it.
    pub fn observe(&mut self, remote: Hlc, wall_ms: u64) {
        let capped =
            if remote.ms > wall_ms + MAX_DRIFT_MS { Hlc { ms: wall_ms + MAX_DRIFT_MS, count: 0 } } else { remote };
        if capped > self.last {
            self.last = capped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_increase_even_when_the_wall_clock_goes_back() {
        let mut c = Clock::default();
        let a = c.tick(1000);
        let b = c.tick(900);
        let d = c.tick(1000);
        assert!(a < b && b < d);
        assert_eq!(c.tick(2000), Hlc { ms: 2000, count: 0 });
    }

    #[test]
    fn observing_a_later_remote_orders_local_events_after_it() {
        let mut c = Clock::default();
        c.observe(Hlc { ms: 5000, count: 3 }, 1000);
        assert!(c.tick(1000) > Hlc { ms: 5000, count: 3 });
    }

    #[test]
    fn a_remote_clock_far_in_the_future_is_capped() {
        let mut c = Clock::default();
        c.observe(Hlc { ms: u64::MAX / 2, count: 0 }, 1000);
        assert_eq!(c.last().ms, 1000 + MAX_DRIFT_MS);
    }
}
