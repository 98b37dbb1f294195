//! Every sled tree of the store and the layout of its keys, with their encode and parse
//! functions: the bottom of `store`, importing nothing of it (docs/ARCHITECTURE.md, "Store
//! layout"). The on-disk format is fixed here: changing a layout needs a new format version and
//! a rebuild on open (see `views.rs` and `search_index`).
//!
//! Why this shape: sled's open time and footprint grow with bytes on disk, and every key costs
//! about 200 B there; so the store keeps few keys with compact values, and a record's address is
//! computed from its id, not looked up. Numbers in keys are big-endian, so that byte order is
//! numeric order.
//!
//! Trees, their keys → values, and why:
//! - `meta`: a name (listed below) → its value.
//! - `blocks`: [`BlockKey`] `device: u64 ‖ block: u32` (12 B) → a `Block`, the events of records
//!   `32·block … 32·block+31` of that device (bincode in the codec envelope, lz4-compressed). A
//!   record id is its own address; 32 records share sled's per-key cost, and rewriting a block
//!   for one change stays cheap (a few KB compressed). Blocks sort by device, then age.
//! - `summary`: the same [`BlockKey`] → `Vec<Summary>`, one per record of the block that has its
//!   creation event, by record number (bincode, uncompressed): what lists filter and sort on,
//!   without reading and decompressing blocks. Same key as the block, so one key range serves
//!   both.
//! - `open`: the open-work index, records that still need work by due date (the dashboard's and
//!   `--overdue`'s index), packed many entries per key: [`open_head_key`] `kind: u8 ‖ period:
//!   u32` (5 B) → the period's first chunk, and [`open_chunk_key`] `kind ‖ period ‖ off: u8 ‖
//!   device: u64 ‖ n: u32` (18 B, the chunk's lower bound) → each further chunk. A period is
//!   [`OPEN_PERIOD_DAYS`] due days (the due day biased by 2³¹ so that days before 1970 sort
//!   first as unsigned bytes, divided by 7; `off` is the day within it); records without a due
//!   date share the period [`OPEN_NO_DUE`], which sorts last. A chunk is a sorted array of
//!   `(off, device, n, status tag)` (see `open_index.rs`), at most 1024 entries and 16 KB:
//!   one key per open record made the dashboard read 20 MB cold for 28k entries, because
//!   sled's reads grow with keys. The head lists its chunks' bounds, so a transaction finds an
//!   entry's chunk with two `get`s; key order is the order of `(kind, due, id)`.
//! - `search`: [`DIR_KEY`] `[0]` → the directory, every bucket key sorted (bincode
//!   `Vec<Vec<u8>>`); [`bucket_key`] `term kind: u8 ‖ lower bound` → a `Bucket` of the terms of
//!   that kind from the bound up to the next bucket's, with packed posting lists
//!   (lz4-compressed). Buckets split at 8 KB, so the index costs a few hundred keys however
//!   many terms it holds; a kind's first bucket is keyed by the kind byte alone. sled
//!   transactions cannot range-scan, so a write finds a term's bucket in the directory
//!   ([`bucket_of`]). Terms come from `search::terms_of`.
//! - `authors`: [`AuthorKey`] `device: u64 ‖ seq / 1024: u64` (16 B) → the records holding that
//!   device's events of those 1024 sequence numbers, sorted, as runs of consecutive record
//!   numbers per record device (see `author_log.rs`): "every event of D after S" (an incremental export)
//!   reads a key range and then those records' blocks, never every block. Packed like the
//!   blocks: the 1.7M events of the 1M demo store are about 1,700 keys.
//! - `text`: [`TextKey`] `device: u64 ‖ group: u32` (12 B) → the free text of the ledger records
//!   of 16 blocks (512 records), in the raw layout of `search_index::text`. Fewer, larger values
//!   scan faster and compress better; the scan walks the tree backwards, newest group first.
//! - `counts`: [`device_count_key`] `0xFF ‖ device: u64 ‖ kind: u8` (10 B) → how many records of
//!   that kind the device created (persons merged into another left out; `gridlog villages`);
//!   [`count_key`] `kind: u8 ‖ month: u32` (5 B) → how many records of that ledger
//!   have their own date (visit date, received, found) in that month, u64 big-endian: the month
//!   figures of the dashboard, kept on write (a commit adds or moves one count: a few bytes)
//!   instead of counted by a walk. The month is `year·12 + month − 1`; a count that falls to 0
//!   is removed. A view like `summary`: derived again on open when the views' format changes.
//!
//! `meta` names and their values:
//! - [`K_IDENTITY`]: the `Identity` (bincode); absent until `init`.
//! - [`K_SIGNING`]: the ed25519 secret key, 32 raw bytes.
//! - [`K_COUNTERS`]: `Counters { next_seq, next_n, hlc }` (bincode): the next event sequence
//!   number and record number this device gives out, and its clock's last reading.
//! - [`K_DEVICES`]: the devices whose records the store holds (bincode `Vec<DeviceId>`).
//! - [`K_VIEWS_VERSION`]: `[format]` of `summary`, `open` and `counts` (absent: 1); older views
//!   are derived again from the events on open (3: the new due rules, the month counts, and
//!   `open` packed many entries per key).
//! - [`K_SEARCH_VERSION`]: `[format]` of `search` and `text` (absent: none built); another
//!   format is rebuilt on open.
//! - [`K_DEMO_INCOMPLETE`]: `[1]` while a bulk load runs (an interrupted demo).
//! - [`K_DEMO_END`]: `next_seq` when the demo generator finished, u64 little-endian
//!   ([`demo_end_value`]).
//!
//! Files beside the database (`DIR/db`), not in sled: `gridlog.lock` (the process lock),
//! `committed` (the watermark of acknowledged counters, see `watermark.rs`) and, during a bulk
//! load, `search-bulk.tmp` (runs of postings, see `search_index::runs`).

use std::fmt;

use crate::domain::{Day, DeviceId, EntityId, Kind};

// ---------------------------------------------------------------------------------------------
// Trees

/// Identity, keys, counters, format versions.
pub const TREE_META: &str = "meta";
/// Events, a block of records per key.
pub const TREE_BLOCKS: &str = "blocks";
/// Record summaries, a block per key.
pub const TREE_SUMMARY: &str = "summary";
/// The open-work index.
pub const TREE_OPEN: &str = "open";
/// Term buckets and their directory.
pub const TREE_SEARCH: &str = "search";
/// Free text of ledger records, a group of blocks per key.
pub const TREE_TEXT: &str = "text";
/// Records per ledger and month.
pub const TREE_COUNTS: &str = "counts";
/// What each device's records add to the assessment figures, per ledger and month
/// (`store/figures/mod.rs`).
pub const TREE_FIGURES: &str = "figures";
/// What a report by grid resolves grids through: each household's grid, each person's and
/// visit's household, one key per block (`store/figures/links.rs`).
pub const TREE_LINKS: &str = "links";
/// The author log: which records hold a device's events, by ranges of its sequence numbers.
pub const TREE_AUTHORS: &str = "authors";
/// Sync bookkeeping: signers' keys and trust, peers and what they hold, the outbox, the last
/// export and import. Small (one key per signer, peer and unacknowledged bundle).
pub const TREE_SYNC: &str = "sync";
/// A county store's figures, one entry per place and period (`store/stats.rs`; docs/COUNTY.md).
pub const TREE_STATS: &str = "stats";

// ---------------------------------------------------------------------------------------------
// meta

/// `meta`: the store's identity.
pub const K_IDENTITY: &[u8] = b"identity";
/// `meta`: the signing key's secret bytes.
pub const K_SIGNING: &[u8] = b"signing_key";
/// `meta`: sequence and record counters and the clock.
pub const K_COUNTERS: &[u8] = b"counters";
/// `meta`: devices whose records the store holds.
pub const K_DEVICES: &[u8] = b"devices";
/// `meta`: the format of the views (`summary`, `open`, `counts`).
pub const K_VIEWS_VERSION: &[u8] = b"views_version";
/// `meta`: the format of the search index (`search`, `text`).
pub const K_SEARCH_VERSION: &[u8] = b"search_version";
/// `meta`: a bulk load is in progress or was interrupted.
pub const K_DEMO_INCOMPLETE: &[u8] = b"demo_incomplete";
/// `meta`: `next_seq` when the demo generator finished.
pub const K_DEMO_END: &[u8] = b"demo_end";

/// `meta`: the events of other devices this store holds (a have-set; its own are `1..next_seq`).
/// Written with the events, in the import's transaction.
pub const K_HAVE: &[u8] = b"have";
/// `meta`: the division code of each device met (a record belongs to its creator's place).
/// Written with the events, in the import's transaction.
pub const K_PLACES: &[u8] = b"places";

// `sync` keys: `k` + public key (32) a signer; `p` + device (8, big-endian) a peer; `o` + bundle
// id (16) an outbox entry; and the two marks below.

/// `sync`: a signer's key entry.
pub fn sync_key_key(public_key: &[u8; 32]) -> Vec<u8> {
    [&b"k"[..], public_key].concat()
}
/// `sync`: a peer's entry.
pub fn sync_peer_key(device: DeviceId) -> Vec<u8> {
    [&b"p"[..], &device.0.to_be_bytes()].concat()
}
/// `sync`: an outbox entry.
pub fn sync_outbox_key(id: &[u8; 16]) -> Vec<u8> {
    [&b"o"[..], id].concat()
}
/// `sync`: the last export.
pub const K_LAST_EXPORT: &[u8] = b"last_export";
/// `sync`: the last import.
pub const K_LAST_IMPORT: &[u8] = b"last_import";
/// `sync`: a township's last statistics file for the county (apart from its bundles).
pub const K_LAST_STATS_EXPORT: &[u8] = b"last_stats_export";
/// `sync`: an import written in several transactions is under way (the file's name).
pub const K_IMPORT_PENDING: &[u8] = b"import_pending";

/// The value of [`K_DEMO_END`].
pub fn demo_end_value(next_seq: u64) -> [u8; 8] {
    next_seq.to_le_bytes()
}

/// Inverse of [`demo_end_value`].
pub fn parse_demo_end(v: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(v).ok().map(u64::from_le_bytes)
}

// ---------------------------------------------------------------------------------------------
// blocks, summary

/// Records per block: large enough that sled's per-key cost is shared, small enough that
/// rewriting a block for one change stays cheap (a few KB compressed).
pub const RECORDS_PER_BLOCK: u32 = 32;

/// `device ‖ block number`, big-endian so keys sort by device, then age: the key of a block in
/// `blocks` and of its summaries in `summary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockKey {
    pub device: DeviceId,
    pub block: u32,
}

impl BlockKey {
    /// The block that holds record `id`: a record id is its own address.
    pub fn of(id: EntityId) -> BlockKey {
        BlockKey { device: id.device, block: id.n / RECORDS_PER_BLOCK }
    }
    /// The first record number the block can hold.
    pub fn first_record(self) -> u32 {
        self.block.saturating_mul(RECORDS_PER_BLOCK)
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
    /// The first and last possible key of `device`'s blocks (an inclusive range).
    pub fn device_range(device: DeviceId) -> ([u8; 12], [u8; 12]) {
        (BlockKey { device, block: 0 }.bytes(), BlockKey { device, block: u32::MAX }.bytes())
    }
}

impl fmt::Display for BlockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.device, self.block)
    }
}

// ---------------------------------------------------------------------------------------------
// open

/// Due days per key period of the open-work index (a week).
pub const OPEN_PERIOD_DAYS: u32 = 7;
/// The period of records without a due date (sorts after every dated period).
pub const OPEN_NO_DUE: u32 = u32::MAX;

/// The period of a due date and the day within it: the day biased by 2³¹ (so that it sorts as
/// unsigned), divided by [`OPEN_PERIOD_DAYS`]; no due date is `(OPEN_NO_DUE, 0)`.
pub fn open_slot(due: Option<Day>) -> (u32, u8) {
    match due {
        None => (OPEN_NO_DUE, 0),
        Some(d) => {
            let biased = (d.0 as i64 + (1 << 31)) as u32;
            (biased / OPEN_PERIOD_DAYS, (biased % OPEN_PERIOD_DAYS) as u8)
        }
    }
}

/// Inverse of [`open_slot`].
pub fn open_due(period: u32, off: u8) -> Option<Day> {
    (period != OPEN_NO_DUE).then(|| Day((period as i64 * OPEN_PERIOD_DAYS as i64 + off as i64 - (1 << 31)) as i32))
}

/// The key of a period's head value in `open`: `kind ‖ period`.
pub fn open_head_key(kind: u8, period: u32) -> [u8; 5] {
    let mut k = [0u8; 5];
    k[0] = kind;
    k[1..].copy_from_slice(&period.to_be_bytes());
    k
}

/// The key of a further chunk of a period: `kind ‖ period ‖ off ‖ device ‖ n`, its lower bound.
pub fn open_chunk_key(kind: u8, period: u32, off: u8, id: EntityId) -> [u8; 18] {
    let mut k = [0u8; 18];
    k[..5].copy_from_slice(&open_head_key(kind, period));
    k[5] = off;
    k[6..14].copy_from_slice(&id.device.0.to_be_bytes());
    k[14..].copy_from_slice(&id.n.to_be_bytes());
    k
}

/// An `open` key read back: kind, period and, for a chunk after the head, its lower bound.
pub type OpenKey = (Kind, u32, Option<(u8, EntityId)>);

/// Inverse of [`open_head_key`] and [`open_chunk_key`].
pub fn parse_open_key(k: &[u8]) -> Option<OpenKey> {
    let kind = Kind::from_tag(*k.first()?)?;
    let period = u32::from_be_bytes(k.get(1..5)?.try_into().ok()?);
    match k.len() {
        5 => Some((kind, period, None)),
        18 => {
            let device = DeviceId(u64::from_be_bytes(k[6..14].try_into().ok()?));
            let n = u32::from_be_bytes(k[14..].try_into().ok()?);
            Some((kind, period, Some((k[5], EntityId { device, n }))))
        }
        _ => None,
    }
}

/// The prefix of every `open` key of `kind`.
pub fn open_prefix(kind: Kind) -> [u8; 1] {
    [kind.tag()]
}

// ---------------------------------------------------------------------------------------------
// counts

/// The `counts` key of the month of `day` in the ledger `kind`: `kind ‖ year·12 + month − 1`,
/// big-endian, so a kind's months sort in time order.
pub fn count_key(kind: Kind, day: Day) -> [u8; 5] {
    let month = (day.year().max(0) as u32) * 12 + day.month() - 1;
    let mut k = [0u8; 5];
    k[0] = kind.tag();
    k[1..].copy_from_slice(&month.to_be_bytes());
    k
}

/// Inverse of [`count_key`]: the kind and the first day of the month.
pub fn parse_count_key(k: &[u8]) -> Option<(Kind, Day)> {
    let k: [u8; 5] = k.try_into().ok()?;
    let kind = Kind::from_tag(k[0])?;
    let month = u32::from_be_bytes(k[1..].try_into().ok()?);
    Some((kind, Day::from_ymd((month / 12) as i32, month % 12 + 1, 1)?))
}

/// The first byte of a [`device_count_key`]: above every kind tag, so a device's counts sort
/// after every month count and never look like one.
pub const DEVICE_COUNT_PREFIX: u8 = 0xFF;

/// The `counts` key of the records of `kind` created by `device` (persons merged into another
/// left out): `0xFF ‖ device u64 ‖ kind u8` (10 B).
pub fn device_count_key(device: DeviceId, kind: Kind) -> [u8; 10] {
    let mut k = [0u8; 10];
    k[0] = DEVICE_COUNT_PREFIX;
    k[1..9].copy_from_slice(&device.0.to_be_bytes());
    k[9] = kind.tag();
    k
}

/// Inverse of [`device_count_key`].
pub fn parse_device_count_key(k: &[u8]) -> Option<(DeviceId, Kind)> {
    let k: [u8; 10] = k.try_into().ok()?;
    (k[0] == DEVICE_COUNT_PREFIX).then_some(())?;
    Some((DeviceId(u64::from_be_bytes(k[1..9].try_into().ok()?)), Kind::from_tag(k[9])?))
}

/// The value of a `counts` entry.
pub fn count_value(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

/// Inverse of [`count_value`].
pub fn parse_count_value(v: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(v).ok().map(u64::from_be_bytes)
}

// ---------------------------------------------------------------------------------------------
// authors

/// Sequence numbers of one device per `authors` key: a device's 1024 events share a key, so
/// the log costs one key per 1024 events (sled charges ~200 B per key), and a commit rewrites
/// one value of at most a few KB.
pub const AUTHOR_RANGE: u64 = 1024;

/// `device ‖ seq / AUTHOR_RANGE`, big-endian (16 B): the key of the records that hold the events
/// of `device` numbered `AUTHOR_RANGE·range … AUTHOR_RANGE·range + 1023`. Keys sort by device,
/// then sequence, so "every event of D after S" is one key range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AuthorKey {
    pub device: DeviceId,
    pub range: u64,
}

impl AuthorKey {
    /// The key of event `(device, seq)`.
    pub fn of(device: DeviceId, seq: u64) -> AuthorKey {
        AuthorKey { device, range: seq / AUTHOR_RANGE }
    }
    /// The sequence numbers the key covers (inclusive).
    pub fn seqs(self) -> (u64, u64) {
        let first = self.range.saturating_mul(AUTHOR_RANGE);
        (first, first.saturating_add(AUTHOR_RANGE - 1))
    }
    pub fn bytes(self) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&self.device.0.to_be_bytes());
        k[8..].copy_from_slice(&self.range.to_be_bytes());
        k
    }
    pub fn parse(k: &[u8]) -> Option<AuthorKey> {
        let k: [u8; 16] = k.try_into().ok()?;
        Some(AuthorKey {
            device: DeviceId(u64::from_be_bytes(k[..8].try_into().ok()?)),
            range: u64::from_be_bytes(k[8..].try_into().ok()?),
        })
    }
}

impl fmt::Display for AuthorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, last) = self.seqs();
        write!(f, "author log {}#{first}…{last}", self.device)
    }
}

// ---------------------------------------------------------------------------------------------
// text

/// Blocks whose texts share one value of the `text` tree (512 records): fewer, larger values
/// scan faster and compress better (lz4 finds more repeats), and a change still rewrites only
/// some kilobytes (measured: 4 blocks per group made the text form 57% larger).
pub const TEXT_GROUP_BLOCKS: u32 = 16;

/// `device ‖ group`, big-endian: the key of the text value of a group of [`TEXT_GROUP_BLOCKS`]
/// blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextKey {
    pub device: DeviceId,
    pub group: u32,
}

impl TextKey {
    /// The group that holds block `key`.
    pub fn of_block(key: BlockKey) -> TextKey {
        TextKey { device: key.device, group: key.block / TEXT_GROUP_BLOCKS }
    }
    pub fn bytes(self) -> [u8; 12] {
        BlockKey { device: self.device, block: self.group }.bytes()
    }
    pub fn parse(k: &[u8]) -> Option<TextKey> {
        BlockKey::parse(k).map(|b| TextKey { device: b.device, group: b.block })
    }
}

impl fmt::Display for TextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.group * TEXT_GROUP_BLOCKS * RECORDS_PER_BLOCK;
        write!(f, "text of {}-{}…{}", self.device, first, first + TEXT_GROUP_BLOCKS * RECORDS_PER_BLOCK - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// search

/// The `search` key of the directory of bucket keys (sorts before every bucket: term kinds
/// start at 1).
pub const DIR_KEY: &[u8] = &[0];

/// The `search` key of a bucket of terms of `kind` starting at `first_term`; also a term's own
/// `kind ‖ term` key, which is how buckets are found.
pub fn bucket_key(kind: u8, first_term: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + first_term.len());
    k.push(kind);
    k.extend_from_slice(first_term);
    k
}

/// The bucket that holds `key` (`kind ‖ term`), given the sorted directory: the greatest bucket
/// key of that kind not after it, or the kind's first bucket `[kind]` when there is none.
pub fn bucket_of(dir: &[Vec<u8>], key: &[u8]) -> Vec<u8> {
    let i = dir.partition_point(|k| k.as_slice() <= key);
    match i.checked_sub(1).map(|i| &dir[i]) {
        Some(k) if k.first() == key.first() => k.clone(),
        _ => key[..1].to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_keys_place_consecutive_records_together_and_round_trip() {
        let a = BlockKey::of(EntityId { device: DeviceId(1), n: 31 });
        let b = BlockKey::of(EntityId { device: DeviceId(1), n: 32 });
        assert_eq!(a.block + 1, b.block);
        assert_eq!(b.first_record(), 32);
        assert!(a.bytes() < b.bytes());
        assert_eq!(BlockKey::parse(&b.bytes()), Some(b));
        assert_eq!(BlockKey::parse(&b.bytes()[..11]), None);
        // by device first, then age; a device's range holds all its blocks and no other's
        let other = BlockKey { device: DeviceId(2), block: 0 };
        assert!(BlockKey { device: DeviceId(1), block: u32::MAX }.bytes() < other.bytes());
        let (start, end) = BlockKey::device_range(DeviceId(1));
        assert!(start <= a.bytes() && b.bytes() <= end && other.bytes() > end);
        assert_eq!(b.bytes(), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1], "the on-disk layout");
    }

    #[test]
    fn open_keys_sort_by_kind_then_due_date_and_round_trip() {
        let id = EntityId { device: DeviceId(9), n: 77 };
        let key = |kind: Kind, due: Option<Day>| {
            let (period, off) = open_slot(due);
            open_chunk_key(kind.tag(), period, off, id)
        };
        let (early, late, none) =
            (key(Kind::Demand, Some(Day(-5))), key(Kind::Demand, Some(Day(20_000))), key(Kind::Demand, None));
        assert!(early < late && late < none);
        assert!(none < key(Kind::Dispute, Some(Day(0))));
        assert!(early.starts_with(&open_prefix(Kind::Demand)));
        // a period's head sorts before its chunks, and they before the next period's head
        let (p, off) = open_slot(Some(Day(20_000)));
        assert!(open_head_key(Kind::Demand.tag(), p).as_slice() < late.as_slice());
        assert!(late.as_slice() < open_head_key(Kind::Demand.tag(), p + 1).as_slice());
        assert_eq!(parse_open_key(&late), Some((Kind::Demand, p, Some((off, id)))));
        assert_eq!(
            parse_open_key(&open_head_key(Kind::Demand.tag(), OPEN_NO_DUE)),
            Some((Kind::Demand, OPEN_NO_DUE, None))
        );
        assert_eq!(parse_open_key(&late[..17]), None);
        for d in [-800_000, -5, -1, 0, 1, 6, 7, 20_000, 2_000_000] {
            let (p, off) = open_slot(Some(Day(d)));
            assert!(off < 7 && p != OPEN_NO_DUE);
            assert_eq!(open_due(p, off), Some(Day(d)), "day {d} round trips");
        }
        assert_eq!(open_due(OPEN_NO_DUE, 0), None);
        assert_eq!(open_slot(Some(Day(0))), ((1u32 << 31) / 7, ((1u32 << 31) % 7) as u8), "the bias is 2^31");
        assert_eq!(late[5..], [off, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 77], "the on-disk layout");
    }

    #[test]
    fn text_keys_group_sixteen_blocks_and_round_trip() {
        let block = |n| BlockKey::of(EntityId { device: DeviceId(3), n });
        assert_eq!(TextKey::of_block(block(0)), TextKey::of_block(block(16 * 32 - 1)));
        let next = TextKey::of_block(block(16 * 32));
        assert_eq!(next.group, 1);
        assert!(TextKey::of_block(block(0)).bytes() < next.bytes());
        assert_eq!(TextKey::parse(&next.bytes()), Some(next));
        assert_eq!(next.bytes(), BlockKey { device: DeviceId(3), block: 1 }.bytes(), "laid out as a block key");
        assert_eq!(next.to_string(), format!("text of {}-512…1023", DeviceId(3)));
    }

    #[test]
    fn terms_fall_in_the_bucket_of_their_kind_below_them() {
        let dir = vec![vec![3], vec![3, b'm'], vec![5, b'c']];
        assert_eq!(bucket_of(&dir, &[3, b'a']), vec![3]);
        assert_eq!(bucket_of(&dir, &[3, b'z']), vec![3, b'm']);
        assert_eq!(bucket_of(&dir, &[5, b'a']), vec![5], "before the kind's first bucket: a new first bucket");
        assert_eq!(bucket_of(&dir, &[4, b'a']), vec![4]);
        assert_eq!(bucket_of(&dir, &[9]), vec![9]);
        assert_eq!(bucket_key(3, b"zs"), vec![3, b'z', b's']);
        assert!(DIR_KEY < bucket_key(1, b"").as_slice(), "the directory sorts first");
    }

    #[test]
    fn count_keys_sort_by_kind_then_month_and_round_trip() {
        let nov = Day::from_ymd(2026, 11, 27).unwrap();
        let dec = Day::from_ymd(2026, 12, 1).unwrap();
        let jan = Day::from_ymd(2027, 1, 31).unwrap();
        assert_eq!(count_key(Kind::Visit, nov), count_key(Kind::Visit, nov.first_of_month()));
        assert!(count_key(Kind::Visit, nov) < count_key(Kind::Visit, dec));
        assert!(count_key(Kind::Visit, dec) < count_key(Kind::Visit, jan));
        assert!(count_key(Kind::Visit, jan) < count_key(Kind::Demand, nov) || Kind::Visit.tag() > Kind::Demand.tag());
        assert_eq!(parse_count_key(&count_key(Kind::Hazard, jan)), Some((Kind::Hazard, jan.first_of_month())));
        assert_eq!(parse_count_key(&[1, 2]), None);
        assert_eq!(&count_key(Kind::Demand, nov)[1..], &(2026u32 * 12 + 10).to_be_bytes(), "the on-disk layout");
        assert_eq!(parse_count_value(&count_value(58)), Some(58));
    }

    #[test]
    fn device_count_keys_sort_after_every_month_count_and_round_trip() {
        let k = device_count_key(DeviceId(7), Kind::Demand);
        assert_eq!(parse_device_count_key(&k), Some((DeviceId(7), Kind::Demand)));
        assert_eq!(parse_device_count_key(&k[..9]), None);
        assert_eq!(parse_count_key(&k), None, "never read as a month count");
        for kind in Kind::ALL {
            assert!(count_key(kind, Day(2_000_000)).as_slice() < device_count_key(DeviceId(0), kind).as_slice());
        }
        assert!(device_count_key(DeviceId(7), Kind::Hazard) < device_count_key(DeviceId(8), Kind::Person));
        assert_eq!(k[..9], [0xFF, 0, 0, 0, 0, 0, 0, 0, 7], "the on-disk layout");
        assert_eq!(k[9], Kind::Demand.tag());
    }

    #[test]
    fn author_keys_sort_by_device_then_sequence_and_round_trip() {
        let k = AuthorKey::of(DeviceId(5), 2048 + 17);
        assert_eq!(k.range, 2);
        assert_eq!(k.seqs(), (2048, 3071));
        assert_eq!(AuthorKey::of(DeviceId(5), 1023).range, 0);
        assert!(AuthorKey::of(DeviceId(5), 1023).bytes() < k.bytes());
        assert!(AuthorKey::of(DeviceId(5), u64::MAX).bytes() < AuthorKey::of(DeviceId(6), 0).bytes());
        assert_eq!(AuthorKey::parse(&k.bytes()), Some(k));
        assert_eq!(AuthorKey::parse(&k.bytes()[..15]), None);
        assert_eq!(k.bytes(), [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2], "the on-disk layout");
        assert_eq!(AuthorKey::of(DeviceId(1), u64::MAX).seqs().1, u64::MAX, "no overflow at the top");
    }

    #[test]
    fn the_demo_end_round_trips() {
        assert_eq!(parse_demo_end(&demo_end_value(12_345)), Some(12_345));
        assert_eq!(demo_end_value(1), [1, 0, 0, 0, 0, 0, 0, 0], "little-endian, as stored");
        assert_eq!(parse_demo_end(&[1, 2]), None);
    }
}
