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

impl Hlc {
    /// The smallest reading after this one: the next count, or the next millisecond once the
    /// count is exhausted (a hostile reading's `count: u32::MAX` must not overflow). The last
    /// possible reading has no successor and stays itself.
    pub fn next(self) -> Hlc {
        match self.count.checked_add(1) {
            Some(count) => Hlc { ms: self.ms, count },
            None => match self.ms.checked_add(1) {
                Some(ms) => Hlc { ms, count: 0 },
                None => self,
            },
        }
    }
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
        self.last = if wall_ms > self.last.ms { Hlc { ms: wall_ms, count: 0 } } else { self.last.next() };
        self.last
    }
    /// Takes a remote reading into account, so later local events order after it: at most
    /// up to our wall clock plus the drift cap, so that one wrongly set (or hostile) clock
    /// cannot drag this store's readings into the future. A write that replaces a version
    /// stamped beyond the cap is still ordered after it, by the fold's causal reading
    /// (docs/ARCHITECTURE.md, "Event kernel"). Returns whether the reading was capped.
    pub fn observe(&mut self, remote: Hlc, wall_ms: u64) -> bool {
        let limit = wall_ms.saturating_add(MAX_DRIFT_MS);
        let capped = remote.ms > limit;
        let seen = if capped { Hlc { ms: limit, count: 0 } } else { remote };
        if seen > self.last {
            self.last = seen;
        }
        capped
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
        assert!(c.observe(Hlc { ms: u64::MAX / 2, count: 0 }, 1000));
        assert_eq!(c.last().ms, 1000 + MAX_DRIFT_MS);
        assert!(!c.observe(Hlc { ms: 2000, count: 0 }, 1000), "within the cap");
    }

    #[test]
    fn hostile_readings_neither_overflow_nor_go_back() {
        let mut c = Clock::default();
        // the largest count: the next local reading moves to the next millisecond
        c.observe(Hlc { ms: 5000, count: u32::MAX }, 5000);
        assert_eq!(c.tick(5000), Hlc { ms: 5001, count: 0 });
        // the largest possible reading and a wall clock at the end of time
        assert!(!c.observe(Hlc { ms: u64::MAX, count: u32::MAX }, u64::MAX));
        assert_eq!(c.last(), Hlc { ms: u64::MAX, count: u32::MAX });
        assert_eq!(c.tick(u64::MAX), Hlc { ms: u64::MAX, count: u32::MAX });
        // a store whose saved clock is at the end of time keeps it
        let mut c = Clock::new(Hlc { ms: u64::MAX, count: 7 });
        c.observe(Hlc { ms: u64::MAX, count: u32::MAX }, 0);
        assert_eq!(c.last(), Hlc { ms: u64::MAX, count: 7 }, "beyond the cap of a wall clock at 0");
        assert_eq!(c.tick(0), Hlc { ms: u64::MAX, count: 8 });
    }

    #[test]
    fn next_is_the_smallest_later_reading() {
        assert_eq!(Hlc { ms: 3, count: 4 }.next(), Hlc { ms: 3, count: 5 });
        assert_eq!(Hlc { ms: 3, count: u32::MAX }.next(), Hlc { ms: 4, count: 0 });
    }
}
