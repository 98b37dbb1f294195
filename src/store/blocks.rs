//! Blocks of records, their summaries and the open-work index: key layout and maintenance.

use std::fmt;

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::{StoreError, codec, search_index};
use crate::domain::lifecycle::{category_of, due_on, is_open, primary_date, statuses_of};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::{Entity, Event, fold};
use crate::search::terms_of;

/// Records per block: large enough that sled's per-key cost is shared, small enough that
/// rewriting a block for one change stays cheap (a few KB compressed).
pub const RECORDS_PER_BLOCK: u32 = 32;

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

/// `device ‖ block number`, big-endian so keys sort by device, then age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockKey {
    pub device: DeviceId,
    pub block: u32,
}

impl BlockKey {
    pub fn of(id: EntityId) -> BlockKey {
        BlockKey { device: id.device, block: id.n / RECORDS_PER_BLOCK }
    }
    pub fn bytes(self) -> [u8; 12] {
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&self.device.0.to_be_bytes());
        k[8..].copy_from_slice(&self.block.to_be_bytes());
        k
    }
    pub fn parse(k: &[u8]) -> Option<BlockKey> {
        let k: [u8; 12] = k.try_into().ok()?;
        Some(BlockKey {
            device: DeviceId(u64::from_be_bytes(k[..8].try_into().ok()?)),
            block: u32::from_be_bytes(k[8..].try_into().ok()?),
        })
    }
}

impl fmt::Display for BlockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.device, self.block)
    }
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

/// `kind ‖ due ‖ device ‖ n` → `[status index]`: due days biased so that they sort as unsigned; no due date sorts
/// last.
pub fn open_key(kind: Kind, due: Option<Day>, id: EntityId) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = kind.tag();
    let d = due.map(|d| (d.0 as i64 + (1 << 31)) as u32).unwrap_or(u32::MAX);
    k[1..5].copy_from_slice(&d.to_be_bytes());
    k[5..13].copy_from_slice(&id.device.0.to_be_bytes());
    k[13..].copy_from_slice(&id.n.to_be_bytes());
    k
}

pub fn parse_open_key(k: &[u8]) -> Option<(Kind, Option<Day>, EntityId)> {
    let k: [u8; 17] = k.try_into().ok()?;
    let kind = Kind::from_tag(k[0])?;
    let d = u32::from_be_bytes(k[1..5].try_into().ok()?);
    let due = (d != u32::MAX).then(|| Day((d as i64 - (1 << 31)) as i32));
    let device = DeviceId(u64::from_be_bytes(k[5..13].try_into().ok()?));
    let n = u32::from_be_bytes(k[13..].try_into().ok()?);
    Some((kind, due, EntityId { device, n }))
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

type Tx = ConflictableTransactionError<StoreError>;

fn abort(what: String) -> impl FnOnce(codec::CodecError) -> Tx {
    move |err| Tx::Abort(StoreError::Corrupt { what, err })
}

/// Adds events to their blocks (skipping ones already held) and updates summaries, the open
/// index and the search index and text, inside a transaction.
pub fn apply(
    blocks: &TransactionalTree,
    summary: &TransactionalTree,
    open: &TransactionalTree,
    (search, text): (&TransactionalTree, &TransactionalTree),
    events: &[Event],
) -> Result<(), Tx> {
    // search index: term changes of every record, applied once at the end
    let mut delta = search_index::Delta::default();
    let mut keys: Vec<BlockKey> = events.iter().map(|e| BlockKey::of(e.entity)).collect();
    keys.dedup();
    let mut seen = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let mut block: Block = match blocks.get(key.bytes())? {
            Some(v) => codec::decode(&v).map_err(abort(format!("blocks/{key}")))?,
            None => Block::default(),
        };
        let mut sums: Vec<Summary> = match summary.get(key.bytes())? {
            Some(v) => codec::decode(&v).map_err(abort(format!("summary/{key}")))?,
            None => vec![],
        };
        let mut touched: Vec<u32> = Vec::new();
        let mut old_terms: Vec<(u32, Option<Vec<crate::search::Term>>)> = Vec::new();
        for ev in events.iter().filter(|e| BlockKey::of(e.entity) == key) {
            let n = ev.entity.n;
            let slot = match block.slots.iter().position(|s| s.n == n) {
                Some(i) => &mut block.slots[i],
                None => {
                    block.slots.push(Slot { n, events: vec![] });
                    block.slots.sort_by_key(|s| s.n);
                    let i = block.slots.iter().position(|s| s.n == n).unwrap_or(0);
                    &mut block.slots[i]
                }
            };
            if slot.events.iter().any(|e| e.key() == ev.key()) {
                continue;
            }
            if !touched.contains(&n) {
                // search index: the terms the record had before this write
                let id = EntityId { device: key.device, n };
                let indexed = sums.iter().any(|s| s.n == n && matches!(s.kind, Kind::Person | Kind::Household));
                old_terms.push((n, if indexed { fold(id, &slot.events).map(|e| terms_of(&e)) } else { None }));
                touched.push(n);
            }
            slot.events.push(ev.clone());
        }
        let mut texts: Vec<(u32, String)> = Vec::new();
        for n in touched {
            let id = EntityId { device: key.device, n };
            let events = &block.slots.iter().find(|s| s.n == n).map(|s| s.events.as_slice()).unwrap_or(&[]);
            let old = sums.iter().position(|s| s.n == n).map(|i| sums.remove(i));
            if let Some(old) = &old
                && old.open
            {
                open.remove(&open_key(old.kind, old.due, id))?;
            }
            let entity = fold(id, events);
            if let Some(e) = &entity {
                let (s, open_entry) = views_of_entity(id, e);
                if let Some((kind, due)) = open_entry {
                    open.insert(&open_key(kind, due, id), &[s.status])?;
                }
                sums.push(s);
            }
            // search index and text
            let was = old_terms.iter_mut().find(|(m, _)| *m == n).and_then(|(_, t)| t.take()).unwrap_or_default();
            let now = entity.as_ref().map(terms_of).unwrap_or_default();
            delta.record(id, &was, &now);
            if let Some(e) = entity.as_ref().filter(|e| !matches!(e.kind, Kind::Person | Kind::Household)) {
                texts.push((n, search_index::text_entry(e)));
            }
        }
        sums.sort_by_key(|s| s.n);
        // the limit is on the uncompressed size: that is what reading the block decodes
        let bytes = codec::to_bytes(&block).len();
        if bytes > BLOCK_MAX {
            return Err(Tx::Abort(StoreError::TooLarge { what: "block", bytes, limit: BLOCK_MAX }));
        }
        blocks.insert(&key.bytes(), codec::encode_compressed(&block))?;
        summary.insert(&key.bytes(), codec::encode(&sums))?;
        search_index::put_texts(text, key, texts)?;
    }
    search_index::apply_delta(search, delta)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_keys_sort_by_kind_then_due_date_and_round_trip() {
        let id = EntityId { device: DeviceId(9), n: 77 };
        let early = open_key(Kind::Demand, Some(Day(-5)), id);
        let late = open_key(Kind::Demand, Some(Day(20_000)), id);
        let none = open_key(Kind::Demand, None, id);
        assert!(early < late && late < none);
        assert!(none < open_key(Kind::Dispute, Some(Day(0)), id));
        assert_eq!(parse_open_key(&early), Some((Kind::Demand, Some(Day(-5)), id)));
        assert_eq!(parse_open_key(&none), Some((Kind::Demand, None, id)));
    }

    fn test_store() -> (tempfile::TempDir, super::super::Store) {
        let t = tempfile::tempdir().unwrap();
        let s = super::super::Store::open(t.path(), &super::super::Options::default()).unwrap();
        let identity = super::super::Identity {
            role: "village".into(),
            division: "330782105203".into(),
            place: "青石村".into(),
            worker: "李秀英".into(),
            grid: String::new(),
            device: DeviceId(7),
            demo: false,
        };
        s.init(&identity, &[1; 32]).unwrap();
        (t, s)
    }

    fn draft(entity: Option<EntityId>, text: String) -> super::super::Draft {
        use crate::domain::Value;
        use crate::events::Op;
        let op = match entity {
            None => Op::Create { kind: Kind::Household, fields: vec![("address".into(), Value::Text(text))] },
            Some(_) => {
                Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text(text))] }
            }
        };
        super::super::Draft { entity, op }
    }

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

    #[test]
    fn an_event_above_the_limit_is_refused_and_nothing_is_written() {
        let (_t, s) = test_store();
        let a = s.commit(vec![draft(None, "三组12号".into())], "w", 1000).unwrap()[0].entity;
        let err = s.commit(vec![draft(Some(a), "x".repeat(EVENT_MAX))], "w", 2000).unwrap_err();
        assert!(matches!(err, StoreError::TooLarge { what: "event", limit: EVENT_MAX, .. }), "{err:?}");
        assert_eq!(s.events_of(a).unwrap().len(), 1, "the refused event was not written");
        let b = s.commit(vec![draft(None, "三组13号".into())], "w", 3000).unwrap().remove(0);
        assert_eq!((b.seq, b.entity.n), (2, a.n + 1), "counters did not move for the refused commit");
    }

    #[test]
    fn a_block_that_would_grow_past_its_limit_is_refused_and_nothing_is_written() {
        let (_t, s) = test_store();
        let a = s.commit(vec![draft(None, "三组12号".into())], "w", 1000).unwrap()[0].entity;
        // events each within their own limit, together more than a block may hold
        let each = EVENT_MAX - 1024;
        let n = BLOCK_MAX / each + 1;
        let drafts = (0..n).map(|_| draft(Some(a), "x".repeat(each))).collect();
        let err = s.commit(drafts, "w", 2000).unwrap_err();
        assert!(matches!(err, StoreError::TooLarge { what: "block", limit: BLOCK_MAX, .. }), "{err:?}");
        assert_eq!(s.events_of(a).unwrap().len(), 1, "nothing of the refused commit was written");
        s.commit(vec![draft(Some(a), "春节返乡".into())], "w", 3000).expect("a small change still fits");
    }

    #[test]
    fn block_keys_place_consecutive_records_together() {
        let a = BlockKey::of(EntityId { device: DeviceId(1), n: 31 });
        let b = BlockKey::of(EntityId { device: DeviceId(1), n: 32 });
        assert_eq!(a.block + 1, b.block);
        assert!(a.bytes() < b.bytes());
        assert_eq!(BlockKey::parse(&b.bytes()), Some(b));
    }
}
