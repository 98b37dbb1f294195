//! Which record a ledger record's grid comes through (docs/REPORTS.md, "Grouping"): a visit's
//! household, a demand's requester (a registered person) or else its visit, a dispute's first
//! party registered as a person; a hazard names none. Read from the record's own state only, so
//! the figures view can keep it; the grid itself is resolved when a report is made, from the
//! links view (`links.rs`), so that moving a household to another grid or a person to another
//! household needs no other record rewritten. The folding report (`app::report::compute`)
//! uses the same function.

use serde::{Deserialize, Serialize};

use crate::domain::{EntityId, Kind, RecordState, Value};

/// The record that names a ledger record's grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Via {
    /// A household: its grid.
    Household(EntityId),
    /// A person: the grid of the household they live in.
    Person(EntityId),
    /// A visit: the grid of the household it visited.
    Visit(EntityId),
    /// None: the grid of the store that created the record, if it is this store.
    Nothing,
}

/// The record a reference field names.
pub fn reference(v: Option<&Value>) -> Option<EntityId> {
    match v {
        Some(Value::Ref(id)) => Some(*id),
        _ => None,
    }
}

/// The record that names the grid of a record of `kind` in state `s`.
pub fn via(kind: Kind, s: &RecordState) -> Via {
    match kind {
        Kind::Visit => reference(s.get("household")).map(Via::Household),
        Kind::Demand => {
            reference(s.get("requester")).map(Via::Person).or_else(|| reference(s.get("visit")).map(Via::Visit))
        }
        Kind::Dispute => match s.get("parties") {
            Some(Value::List(parties)) => parties.iter().find_map(|p| reference(p.get("person"))).map(Via::Person),
            _ => None,
        },
        _ => None,
    }
    .unwrap_or(Via::Nothing)
}
