//! The event kernel: every change is an immutable event; a record's state is a deterministic
//! fold of its events, so two stores holding the same events show the same state whatever the
//! order or duplication of their arrival. Pure: no IO.

mod check;
mod event;
mod fold;
mod hash;
mod hlc;
mod merge;
mod order;
mod vv;

pub use check::{Clash, clashes};
pub use event::{Event, Op, Write};
pub use fold::{Conflict, Entity, HistoryEntry, fold, history};
pub use hash::ContentHash;
pub use hlc::{Clock, Hlc, Stamp};
pub use merge::{DECISION_FIELD, Decision, Side};
pub use vv::VersionVector;
