//! Records as the store keeps them: a block of up to [`crate::store::RECORDS_PER_BLOCK`]
//! records' events (the value of the `blocks` tree), each record's [`Summary`] (the `summary`
//! tree) and its entry in the open-work index, derived from the events; and the size limits
//! every write checks (docs/ARCHITECTURE.md, "Store layout"). Pure: no sled.

use serde::{Deserialize, Serialize};

use super::codec;
use super::error::StoreError;
use crate::domain::lifecycle::{category_of, due_on, is_open, primary_date, statuses_of};
use crate::domain::{Day, EntityId, Kind};
use crate::events::{Entity, Event, fold};

/// The largest encoded (bincode) size of one event. The largest record the schema accepts —
/// a dispute with 50 parties, 20 mediators and its long texts at their limits, every character
/// 4 bytes of UTF-8 — encodes to about 56 KiB (a test checks it stays below a third of this):
/// an event above this size did not come from valid input.
pub const EVENT_MAX: usize = 256 << 10;

/// The largest uncompressed encoded size of one block (its 32 records and all their events),
/// checked before each write. Real blocks hold a few KB; 32 records each with dozens of long
/// sessions and notes stay below 4 MiB. At a quarter of [`codec::LIMIT`], every block written
/// can always be read back, and reading one costs at most a few tens of milliseconds.
pub const BLOCK_MAX: usize = 16 << 20;

/// Refuses an event larger than [`EVENT_MAX`].
pub fn check_event_size(ev: &Event) -> Result<(), StoreError> {
    let bytes = codec::to_bytes(ev).len();
    if bytes > EVENT_MAX {
        return Err(StoreError::TooLarge { what: "event", bytes, limit: EVENT_MAX });
    }
    Ok(())
}

/// The events of up to [`RECORDS_PER_BLOCK`] records.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Block {
    pub slots: Vec<Slot>,
}

/// One record's events (in arrival order; the fold sorts).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Slot {
    pub n: u32,
    pub events: Vec<Event>,
}

/// What lists need to know of a record without reading its block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Record number within its device.
    pub n: u32,
    /// Kind.
    pub kind: Kind,
    /// Index of its status among [`statuses_of`] its kind.
    pub status: u8,
    /// Creation time (ms), for newest-first lists.
    pub created_ms: u64,
    /// Its own date (visit date, received, found).
    pub date: Option<Day>,
    /// When its next step is due, while open.
    pub due: Option<Day>,
    /// Still needs work.
    pub open: bool,
    /// 1 + index of its category among [`category_of`] its kind (0: none).
    pub category: u8,
}

impl Summary {
    /// The category code (see [`category_of`]), if any.
    pub fn category_code(&self) -> Option<&'static str> {
        let (_, def) = category_of(self.kind)?;
        def.codes.get((self.category as usize).checked_sub(1)?).map(|c| c.code)
    }

    /// The status code.
    pub fn status_code(&self) -> &'static str {
        statuses_of(self.kind).codes.get(self.status as usize).map(|c| c.code).unwrap_or("")
    }
}

/// A record's summary, and its open-work index entry (kind, due) while it is open.
pub type Views = (Summary, Option<(Kind, Option<Day>)>);

/// The summary and open-index entry that a record's events call for (`None` before its
/// creation event has arrived).
pub fn views_of(id: EntityId, events: &[Event]) -> Option<Views> {
    fold(id, events).map(|e| views_of_entity(id, &e))
}

/// The summary and open-index entry of a folded record.
pub fn views_of_entity(id: EntityId, e: &Entity) -> Views {
    let status = statuses_of(e.kind).codes.iter().position(|c| c.code == e.state.status()).unwrap_or(0) as u8;
    let open = is_open(e.kind, &e.state);
    let due = due_on(e.kind, &e.state);
    let summary = Summary {
        n: id.n,
        kind: e.kind,
        status,
        created_ms: e.created.ms,
        date: primary_date(e.kind, &e.state),
        due,
        open,
        category: category_of(e.kind)
            .and_then(|(field, def)| {
                let code = e.state.text(field)?;
                def.codes.iter().position(|c| c.code == code)
            })
            .map(|i| i as u8 + 1)
            .unwrap_or(0),
    };
    (summary, open.then_some((e.kind, due)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeviceId;

    #[test]
    fn the_largest_valid_record_encodes_far_below_the_event_limit() {
        use crate::domain::lifecycle::plan_create;
        use crate::domain::schema::{LONG_TEXT_MAX, NAME_MAX, TEXT_MAX, list_max};
        use crate::domain::{Ctx, NoRefs};
        use crate::events::{Hlc, Op};
        // every character 4 bytes of UTF-8 (CJK extension B), every list and text at its limit
        let wide = |n: usize| "𠀀".repeat(n);
        let parties: Vec<_> = (0..list_max("parties"))
            .map(|i| {
                let role = ["APPLICANT", "RESPONDENT"][i % 2];
                serde_json::json!({"name": wide(NAME_MAX), "role": role})
            })
            .collect();
        let input = serde_json::json!({
            "received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR", "parties": parties,
            "facts": wide(LONG_TEXT_MAX), "claims": wide(LONG_TEXT_MAX), "risk": "YELLOW",
            "mediators": vec![wide(TEXT_MAX); list_max("mediators")],
        });
        let today = Day::parse("2026-11-27").unwrap();
        let worker = wide(NAME_MAX);
        let ctx = Ctx { today, worker: &worker, grid: "", refs: &NoRefs, lang: crate::i18n::Lang::En };
        let fields = plan_create(Kind::Dispute, &input, &ctx).expect("valid at every limit");
        let ev = Event {
            device: DeviceId(u64::MAX),
            seq: u64::MAX,
            hlc: Hlc::default(),
            worker,
            entity: EntityId { device: DeviceId(u64::MAX), n: u32::MAX },
            op: Op::Create { kind: Kind::Dispute, fields },
        };
        let bytes = codec::to_bytes(&ev).len();
        assert!(bytes < EVENT_MAX / 3, "the largest valid dispute encodes to {bytes} bytes");
        check_event_size(&ev).expect("within the limit");
    }
}
