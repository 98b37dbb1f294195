//! Events: immutable, unique by (device, seq), ordered by their stamp.

use serde::{Deserialize, Serialize};

use super::hlc::{Hlc, Stamp};
use crate::domain::{DeviceId, EntityId, Kind, Value};

/// One change to one record. Never modified once written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The device that wrote it.
    pub device: DeviceId,
    /// That device's event counter (1, 2, 3 …): `(device, seq)` is unique.
    pub seq: u64,
    /// When, by the writer's hybrid logical clock.
    pub hlc: Hlc,
    /// The worker who made the change.
    pub worker: String,
    /// The record it changes.
    pub entity: EntityId,
    /// What it does.
    pub op: Op,
}

/// What an event does. Append-only enum: new operations get new variants at the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// Creates the record with its first fields.
    Create {
        /// Record kind.
        kind: Kind,
        /// Initial fields, status included.
        fields: Vec<(String, Value)>,
    },
    /// A lifecycle action or an edit.
    Change {
        /// The action's name (`agree`, `edit`, `note` …), for the history.
        action: String,
        /// Scalar fields written (last writer wins).
        set: Vec<Write>,
        /// Items appended to sets.
        add: Vec<(String, Value)>,
    },
}

/// One scalar field written, with the version it replaced as the writer saw it: a write whose
/// base is not the version it actually replaces was concurrent, and is shown as a conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Write {
    /// Field name.
    pub field: String,
    /// New value.
    pub value: Value,
    /// The stamp of the value the writer replaced (`None`: the field was unset).
    pub base: Option<Stamp>,
}

impl Event {
    /// The order of writes.
    pub fn stamp(&self) -> Stamp {
        Stamp { hlc: self.hlc, device: self.device }
    }
    /// Unique identity.
    pub fn key(&self) -> (DeviceId, u64) {
        (self.device, self.seq)
    }
}
