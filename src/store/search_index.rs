//! The search index and the free-text compact form (DESIGN §3 and §5).
//!
//! - `search`: term buckets. Key `term kind(1) ‖ lower bound` → a [`Bucket`] of terms (of that
//!   kind, from the bound up to the next bucket's) with their packed posting lists; buckets
//!   split at 8 KB, so the index costs a few hundred keys however many terms it holds (sled's
//!   ~200 B per key is paid per bucket, not per term). Key `0x00` holds the directory of
//!   bucket keys: sled transactions cannot range-scan, and a write must find a term's bucket.
//!   Terms come from [`search::terms_of`].
//! - `text`: key `device ‖ group` → the [`search::text_of`] of the ledger records (visits,
//!   demands, disputes, hazards) of 16 blocks, in a raw lz4-compressed layout that the free-text
//!   scan searches without decoding, newest group first, within a time budget.
//!
//! Both are written in the same transaction as the blocks (`blocks::apply`); by bulk loads
//! (postings collected per batch and appended to a run file beside the database, merged once
//! at the end, a frame per run in memory); and rebuilt from the events when a store written
//! before them (or with another [`SEARCH_VERSION`]) is opened.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use memchr::memmem;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::blocks::{BlockKey, RECORDS_PER_BLOCK};
use super::{Store, StoreError, codec};
use crate::domain::{DeviceId, EntityId};
use crate::events::{Entity, Event, fold};
use crate::search::bucket::{self, Bucket, Change, Entry};
use crate::search::{self, Term, TermKind, postings};

/// The directory of bucket keys.
const DIR_KEY: &[u8] = &[0];
/// `meta` key: the index format the store's index was built with (absent: build it).
pub(super) const K_SEARCH_VERSION: &[u8] = b"search_version";
/// Bump when terms or layout change: stores are re-indexed when opened.
const SEARCH_VERSION: u8 = 1;
/// The run file of a bulk load in progress.
const RUN_FILE: &str = "search-bulk.tmp";
/// Postings collected in memory before they go to the run file as a run (bulk loads and
/// rebuilds): bounds memory however many records a batch holds.
const RUN_POSTINGS: usize = 1 << 17;

type Tx = ConflictableTransactionError<StoreError>;

fn corrupt(what: impl Into<String>) -> impl FnOnce(codec::CodecError) -> StoreError {
    let what = what.into();
    move |err| StoreError::Corrupt { what, err }
}

fn postings_corrupt(what: String) -> StoreError {
    StoreError::Corrupt { what, err: codec::CodecError::Decode("damaged posting list".into()) }
}

// ---------------------------------------------------------------------------------------------
// Free text, a group of blocks per value

/// Blocks whose texts share one value of the `text` tree (512 records): fewer, larger values
/// scan faster and compress better (lz4 finds more repeats), and a change still rewrites only
/// some kilobytes (measured: 4 blocks per group made the text form 57% larger).
const TEXT_GROUP_BLOCKS: u32 = 16;
/// Format byte of a text value: `[format][flags][raw length: u32 LE][lz4 block of raw]`, raw =
/// `[records: u32 LE][(record number, end offset): 2 × u32 LE per record][texts]`. Not bincode:
/// the scan searches the raw bytes where they lie.
const TEXT_FORMAT: u8 = 1;
const TEXT_LZ4: u8 = 1;

/// `device ‖ group`, big-endian: the text value of a group of [`TEXT_GROUP_BLOCKS`] blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TextKey {
    device: DeviceId,
    group: u32,
}

impl TextKey {
    fn of_block(key: BlockKey) -> TextKey {
        TextKey { device: key.device, group: key.block / TEXT_GROUP_BLOCKS }
    }
    fn bytes(self) -> [u8; 12] {
        BlockKey { device: self.device, block: self.group }.bytes()
    }
    fn parse(k: &[u8]) -> Option<TextKey> {
        BlockKey::parse(k).map(|b| TextKey { device: b.device, group: b.block })
    }
}

impl std::fmt::Display for TextKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.group * TEXT_GROUP_BLOCKS * RECORDS_PER_BLOCK;
        write!(f, "text of {}-{}…{}", self.device, first, first + TEXT_GROUP_BLOCKS * RECORDS_PER_BLOCK - 1)
    }
}

/// The texts of a group's records, in record order (records without text left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct TextGroup {
    records: Vec<(u32, String)>,
}

impl TextGroup {
    fn new(mut records: Vec<(u32, String)>) -> TextGroup {
        records.retain(|(_, t)| !t.is_empty());
        records.sort_by_key(|(n, _)| *n);
        records.dedup_by_key(|(n, _)| *n);
        TextGroup { records }
    }

    /// Replaces the texts of the records in `updates`.
    fn update(&mut self, updates: Vec<(u32, String)>) {
        let mut all = std::mem::take(&mut self.records);
        all.retain(|(n, _)| !updates.iter().any(|(u, _)| u == n));
        all.extend(updates);
        *self = TextGroup::new(all);
    }

    fn encode(&self) -> Vec<u8> {
        let text_len: usize = self.records.iter().map(|(_, t)| t.len() + 1).sum();
        let mut raw = Vec::with_capacity(4 + 8 * self.records.len() + text_len);
        raw.extend((self.records.len() as u32).to_le_bytes());
        let mut end = 0u32;
        for (n, t) in &self.records {
            end += t.len() as u32 + 1;
            raw.extend(n.to_le_bytes());
            raw.extend(end.to_le_bytes());
        }
        for (_, t) in &self.records {
            raw.extend(t.as_bytes());
            raw.push(b'\n');
        }
        let mut out = vec![TEXT_FORMAT, TEXT_LZ4];
        out.extend((raw.len() as u32).to_le_bytes());
        out.extend(lz4_flex::block::compress(&raw));
        out
    }

    fn decode(bytes: &[u8]) -> Result<TextGroup, codec::CodecError> {
        let mut buf = Vec::new();
        let view = TextView::decode(bytes, &mut buf)?;
        let mut records = Vec::with_capacity(view.len());
        let mut start = 0;
        for i in 0..view.len() {
            let (n, end) = view.record(i);
            let t = std::str::from_utf8(&view.text[start..end - 1])
                .map_err(|e| codec::CodecError::Decode(e.to_string()))?;
            records.push((n, t.to_string()));
            start = end;
        }
        Ok(TextGroup { records })
    }
}

/// A decoded text value, borrowed from the decompression buffer.
struct TextView<'a> {
    table: &'a [u8],
    text: &'a [u8],
}

impl<'a> TextView<'a> {
    /// Decompresses `bytes` into `buf` and checks the layout (not the UTF-8: the scan does not
    /// need it).
    fn decode(bytes: &[u8], buf: &'a mut Vec<u8>) -> Result<TextView<'a>, codec::CodecError> {
        use codec::CodecError as E;
        let [format, flags, rest @ ..] = bytes else { return Err(E::Truncated) };
        if *format != TEXT_FORMAT {
            return Err(E::Version(*format));
        }
        if *flags != TEXT_LZ4 {
            return Err(E::Flags(*flags));
        }
        let (len, body) = rest.split_first_chunk::<4>().ok_or(E::Truncated)?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > codec::LIMIT {
            return Err(E::Compression);
        }
        buf.clear();
        buf.resize(len, 0);
        if lz4_flex::block::decompress_into(body, buf).map_err(|_| E::Compression)? != len {
            return Err(E::Compression);
        }
        let (count, rest) = buf.split_first_chunk::<4>().ok_or(E::Truncated)?;
        let count = u32::from_le_bytes(*count) as usize;
        if count.checked_mul(8).is_none_or(|t| t > rest.len()) {
            return Err(E::Truncated);
        }
        let (table, text) = rest.split_at(count * 8);
        let view = TextView { table, text };
        let (mut prev_n, mut prev_end) = (None, 0);
        for i in 0..count {
            let (n, end) = view.record(i);
            if end <= prev_end || end > text.len() || prev_n.is_some_and(|p| p >= n) || text[end - 1] != b'\n' {
                return Err(E::Decode("damaged text table".into()));
            }
            (prev_n, prev_end) = (Some(n), end);
        }
        if prev_end != text.len() {
            return Err(E::Trailing(text.len() - prev_end));
        }
        Ok(view)
    }

    fn len(&self) -> usize {
        self.table.len() / 8
    }

    /// Record number and end offset (after its line break) of the `i`th record.
    fn record(&self, i: usize) -> (u32, usize) {
        let e = &self.table[i * 8..i * 8 + 8];
        (u32::from_le_bytes([e[0], e[1], e[2], e[3]]), u32::from_le_bytes([e[4], e[5], e[6], e[7]]) as usize)
    }

    /// Record numbers whose text holds a match, in record order.
    /// The text is searched as stored bytes, without decoding it to strings first: a match of a
    /// whole UTF-8 needle in UTF-8 text always starts on a character boundary. An empty needle
    /// matches nothing.
    fn matches(&self, finder: &memmem::Finder, out: &mut Vec<u32>) {
        out.clear();
        if finder.needle().is_empty() {
            return;
        }
        let mut i = 0;
        let mut at = 0;
        while let Some(pos) = self.text.get(at..).and_then(|t| finder.find(t)).map(|p| p + at) {
            while i < self.len() && self.record(i).1 <= pos {
                i += 1;
            }
            if i == self.len() {
                break;
            }
            let (n, end) = self.record(i);
            out.push(n);
            at = end;
        }
    }
}

/// The searchable text of a folded record (empty: none).
pub(super) fn text_entry(e: &Entity) -> String {
    search::text_of(e)
}

/// Replaces the texts of some records of one block (empty text: the record has none).
pub(super) fn put_texts(text: &TransactionalTree, key: BlockKey, updates: Vec<(u32, String)>) -> Result<(), Tx> {
    if updates.is_empty() {
        return Ok(());
    }
    let tk = TextKey::of_block(key);
    let mut g = match text.get(tk.bytes())? {
        Some(v) => TextGroup::decode(&v).map_err(|e| Tx::Abort(corrupt(tk.to_string())(e)))?,
        None => TextGroup::default(),
    };
    g.update(updates);
    if g.records.is_empty() {
        text.remove(&tk.bytes())?;
    } else {
        text.insert(&tk.bytes(), g.encode())?;
    }
    Ok(())
}

/// Collects texts block by block (in key order) into group values.
#[derive(Debug, Default)]
struct TextGrouper {
    current: Option<(TextKey, TextGroup)>,
    batch: sled::Batch,
}

impl TextGrouper {
    /// Adds a block's texts; `existing` gives what is stored for a group met for the first time.
    fn add(
        &mut self,
        key: BlockKey,
        texts: Vec<(u32, String)>,
        existing: impl FnOnce(TextKey) -> Result<TextGroup, StoreError>,
    ) -> Result<(), StoreError> {
        let tk = TextKey::of_block(key);
        if self.current.as_ref().is_none_or(|(k, _)| *k != tk) {
            self.flush();
            self.current = Some((tk, existing(tk)?));
        }
        if let Some((_, g)) = &mut self.current {
            g.update(texts);
        }
        Ok(())
    }

    /// Puts the current group in the batch (it stays current: later blocks may add to it).
    fn flush(&mut self) {
        if let Some((k, g)) = &self.current {
            if g.records.is_empty() {
                self.batch.remove(&k.bytes());
            } else {
                self.batch.insert(&k.bytes(), g.encode());
            }
        }
    }

    fn take_batch(&mut self) -> sled::Batch {
        self.flush();
        std::mem::take(&mut self.batch)
    }
}

// ---------------------------------------------------------------------------------------------
// Term changes in a transaction

/// Term changes collected over one write, applied bucket by bucket at its end.
#[derive(Debug, Default)]
pub(super) struct Delta {
    changes: BTreeMap<Vec<u8>, Change>,
}

impl Delta {
    /// Record `id` had the terms `old` and now has `new` (both sorted).
    pub(super) fn record(&mut self, id: EntityId, old: &[Term], new: &[Term]) {
        for t in old.iter().filter(|t| new.binary_search(t).is_err()) {
            self.changes.entry(t.key()).or_default().remove.push(id);
        }
        for t in new.iter().filter(|t| old.binary_search(t).is_err()) {
            self.changes.entry(t.key()).or_default().add.push(id);
        }
    }
}

fn load_dir(tree: &TransactionalTree) -> Result<Vec<Vec<u8>>, Tx> {
    match tree.get(DIR_KEY)? {
        Some(v) => codec::decode(&v).map_err(|e| Tx::Abort(corrupt("search/directory")(e))),
        None => Ok(vec![]),
    }
}

/// The bucket that holds `key` (`kind ‖ term`): the greatest bucket key of that kind not after
/// it, or the kind's first bucket `[kind]` when there is none.
fn bucket_of(dir: &[Vec<u8>], key: &[u8]) -> Vec<u8> {
    let i = dir.partition_point(|k| k.as_slice() <= key);
    match i.checked_sub(1).map(|i| &dir[i]) {
        Some(k) if k.first() == key.first() => k.clone(),
        _ => key[..1].to_vec(),
    }
}

fn bucket_key(kind: u8, first_term: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + first_term.len());
    k.push(kind);
    k.extend_from_slice(first_term);
    k
}

/// Applies term changes to the buckets they fall in, splitting full buckets and dropping empty
/// ones, and keeps the directory.
pub(super) fn apply_delta(tree: &TransactionalTree, delta: Delta) -> Result<(), Tx> {
    if delta.changes.is_empty() {
        return Ok(());
    }
    let mut dir = load_dir(tree)?;
    let mut groups: BTreeMap<Vec<u8>, Vec<(Vec<u8>, Change)>> = BTreeMap::new();
    for (key, change) in delta.changes {
        let b = bucket_of(&dir, &key);
        groups.entry(b).or_default().push((key[1..].to_vec(), change));
    }
    let mut dir_changed = false;
    for (bk, changes) in groups {
        let what = || format!("search/{:?}", String::from_utf8_lossy(&bk));
        let mut b: Bucket = match tree.get(&bk)? {
            Some(v) => codec::decode(&v).map_err(|e| Tx::Abort(corrupt(what())(e)))?,
            None => Bucket::default(),
        };
        for (term, change) in &changes {
            b.change(term, change).map_err(|_| Tx::Abort(postings_corrupt(what())))?;
        }
        let known = dir.binary_search(&bk);
        if b.entries.is_empty() {
            tree.remove(bk.as_slice())?;
            if let Ok(i) = known {
                dir.remove(i);
                dir_changed = true;
            }
            continue;
        }
        if let Err(at) = known {
            dir.insert(at, bk.clone());
            dir_changed = true;
        }
        for (i, piece) in b.split_if_full().into_iter().enumerate() {
            let k = if i == 0 { bk.clone() } else { bucket_key(bk[0], &piece.entries[0].term) };
            tree.insert(k.as_slice(), encode_bucket(&piece))?;
            if let Err(at) = dir.binary_search(&k) {
                dir.insert(at, k);
                dir_changed = true;
            }
        }
    }
    if dir_changed {
        tree.insert(DIR_KEY, codec::encode(&dir))?;
    }
    Ok(())
}

fn encode_bucket(b: &Bucket) -> Vec<u8> {
    codec::encode_compressed(b)
}

// ---------------------------------------------------------------------------------------------
// Building whole indexes (bulk loads, rebuilds)

/// Sorted `(kind ‖ term, packed ids)` entries laid end to end, each as `[varint key length]
/// [key][varint ids length][ids]`: the postings of some records, as a bulk load collects them
/// between batches, before it is appended to the run file.
#[derive(Debug, Default)]
struct Run(Vec<u8>);

impl Run {
    fn push(&mut self, key: &[u8], ids: &[u8]) {
        postings::put_varint(&mut self.0, key.len() as u64);
        self.0.extend_from_slice(key);
        postings::put_varint(&mut self.0, ids.len() as u64);
        self.0.extend_from_slice(ids);
    }

    fn cursor(&self) -> RunCursor<'_> {
        RunCursor { bytes: &self.0, pos: 0 }
    }
}

/// An entry of a run, borrowed: `(key, packed ids)`.
type EntryRef<'a> = (&'a [u8], &'a [u8]);
/// An entry of a run, owned.
type OwnedEntry = (Vec<u8>, Vec<u8>);

struct RunCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> RunCursor<'a> {
    fn next(&mut self) -> Result<Option<EntryRef<'a>>, StoreError> {
        if self.pos == self.bytes.len() {
            return Ok(None);
        }
        let bad = || StoreError::Corrupt { what: RUN_FILE.into(), err: codec::CodecError::Truncated };
        let mut take = || -> Result<&'a [u8], StoreError> {
            let len = postings::get_varint(self.bytes, &mut self.pos).map_err(|_| bad())? as usize;
            let end = self.pos.checked_add(len).filter(|e| *e <= self.bytes.len()).ok_or_else(bad)?;
            let out = &self.bytes[self.pos..end];
            self.pos = end;
            Ok(out)
        };
        let key = take()?;
        let ids = take()?;
        Ok(Some((key, ids)))
    }
}

/// Collects postings of many records in memory, cheaply: each distinct term key is numbered
/// once, names and addresses met before reuse their term numbers (a village has many 王伟 and
/// many 张 families), and a record costs a few appends.
#[derive(Debug, Default)]
pub(super) struct Collector {
    keys: Vec<Box<[u8]>>,
    numbers: HashMap<Box<[u8]>, u32>,
    names: HashMap<Box<str>, Box<[u32]>>,
    addresses: HashMap<Box<str>, Box<[u32]>>,
    key: Vec<u8>,
    /// Term numbers in key order, up to `ordered` (terms numbered since are sorted in at the
    /// next run).
    order: Vec<u32>,
    ordered: usize,
    /// `(term number, record)` of the records added since the last run.
    postings: Vec<(u32, EntityId)>,
    buffers: RunBuffers,
}

/// Term numbers (and cached names) kept across runs, at most: beyond, they start afresh.
const COLLECTOR_MAX_KEYS: usize = 1 << 18;

impl Collector {
    fn numbers_of(&mut self, terms: Vec<Term>) -> Vec<u32> {
        let mut out = Vec::with_capacity(terms.len());
        for t in terms {
            self.key.clear();
            self.key.push(t.kind.tag());
            self.key.extend_from_slice(t.text.as_bytes());
            let n = match self.numbers.get(self.key.as_slice()) {
                Some(n) => *n,
                None => {
                    let n = self.keys.len() as u32;
                    self.keys.push(self.key.as_slice().into());
                    self.numbers.insert(self.key.as_slice().into(), n);
                    n
                }
            };
            out.push(n);
        }
        out
    }

    pub(super) fn add(&mut self, id: EntityId, e: &Entity) {
        for src in search::sources_of(e) {
            let (cache, text) = match src {
                search::Source::Name(t) => (&self.names, t),
                search::Source::Address(t) => (&self.addresses, t),
                search::Source::Digits(..) => {
                    let numbers = self.numbers_of(src.terms());
                    self.postings.extend(numbers.into_iter().map(|n| (n, id)));
                    continue;
                }
            };
            if let Some(numbers) = cache.get(text) {
                self.postings.extend(numbers.iter().map(|n| (*n, id)));
                continue;
            }
            let numbers = self.numbers_of(src.terms());
            self.postings.extend(numbers.iter().map(|n| (*n, id)));
            let cache = if matches!(src, search::Source::Name(_)) { &mut self.names } else { &mut self.addresses };
            cache.insert(text.into(), numbers.into());
        }
    }

    /// Whether enough postings are collected to write a run.
    fn full(&self) -> bool {
        self.postings.len() >= RUN_POSTINGS
    }

    /// Sorts the terms numbered since the last run into `order`: binary search for each, then
    /// one splice, so that a run costs little once most terms are known.
    fn extend_order(&mut self) {
        let keys = &self.keys;
        let mut fresh: Vec<u32> = (self.ordered as u32..keys.len() as u32).collect();
        fresh.sort_unstable_by(|a, b| keys[*a as usize].cmp(&keys[*b as usize]));
        let at: Vec<usize> =
            fresh.iter().map(|f| self.order.partition_point(|o| keys[*o as usize] < keys[*f as usize])).collect();
        let mut merged = Vec::with_capacity(self.order.len() + fresh.len());
        let mut from = 0;
        for (f, i) in fresh.into_iter().zip(at) {
            merged.extend_from_slice(&self.order[from..i]);
            merged.push(f);
            from = i;
        }
        merged.extend_from_slice(&self.order[from..]);
        self.order = merged;
        self.ordered = keys.len();
    }

    /// The postings collected since the last run, as a run (valid until the next call). The
    /// buffers are kept from run to run: a bulk load allocates them once, rather than freeing
    /// megabytes that the allocator would then keep.
    fn take_run(&mut self) -> &Run {
        self.extend_order();
        let b = &mut self.buffers;
        b.rank.clear();
        b.rank.resize(self.keys.len(), 0);
        for (r, n) in self.order.iter().enumerate() {
            b.rank[*n as usize] = r as u32;
        }
        // counting sort by rank (stable: records stay in the order they came)
        b.start.clear();
        b.start.resize(self.keys.len() + 1, 0);
        for (n, _) in &self.postings {
            b.start[b.rank[*n as usize] as usize + 1] += 1;
        }
        for i in 1..b.start.len() {
            b.start[i] += b.start[i - 1];
        }
        b.next.clear();
        b.next.extend_from_slice(&b.start);
        b.sorted.clear();
        b.sorted.resize(self.postings.len(), EntityId { device: crate::domain::DeviceId(0), n: 0 });
        for (n, id) in &self.postings {
            let r = b.rank[*n as usize] as usize;
            b.sorted[b.next[r]] = *id;
            b.next[r] += 1;
        }
        b.run.0.clear();
        for (r, n) in self.order.iter().enumerate() {
            let ids = &mut b.sorted[b.start[r]..b.start[r + 1]];
            if ids.is_empty() {
                continue;
            }
            if !ids.is_sorted() {
                ids.sort_unstable();
            }
            b.ids.clear();
            b.ids.extend_from_slice(ids);
            b.ids.dedup();
            b.run.push(&self.keys[*n as usize], &postings::pack(&b.ids));
        }
        self.postings.clear();
        if self.keys.len() > COLLECTOR_MAX_KEYS {
            let buffers = std::mem::take(&mut self.buffers);
            *self = Collector { buffers, ..Collector::default() };
        }
        &self.buffers.run
    }
}

/// Work buffers of [`Collector::take_run`].
#[derive(Debug, Default)]
struct RunBuffers {
    rank: Vec<u32>,
    start: Vec<usize>,
    next: Vec<usize>,
    sorted: Vec<EntityId>,
    ids: Vec<EntityId>,
    run: Run,
}

/// Where whole buckets go as a merge completes them.
type BucketSink<'a> = dyn FnMut(Vec<u8>, Bucket) -> Result<(), StoreError> + 'a;

/// Fills buckets with terms in key order, handing each to the sink when it is full.
struct BucketFiller<'a, 'b> {
    sink: &'a mut BucketSink<'b>,
    current: Option<(Vec<u8>, Bucket, usize)>,
}

impl BucketFiller<'_, '_> {
    fn push(&mut self, key: &[u8], ids: Vec<u8>) -> Result<(), StoreError> {
        let Some((&kind, term)) = key.split_first() else { return Ok(()) };
        let entry = Entry { term: term.to_vec(), ids };
        let size = entry.term.len() + entry.ids.len() + 4;
        match &mut self.current {
            Some((k, b, filled)) if k[0] == kind && *filled < bucket::FILL_BYTES => {
                b.entries.push(entry);
                *filled += size;
            }
            _ => {
                // a kind's first bucket is keyed by the kind alone
                let same_kind = self.current.as_ref().is_some_and(|(k, _, _)| k[0] == kind);
                let bk = if same_kind { bucket_key(kind, term) } else { vec![kind] };
                if let Some((k, b, _)) = self.current.take() {
                    (self.sink)(k, b)?;
                }
                self.current = Some((bk, Bucket { entries: vec![entry] }, size));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), StoreError> {
        match self.current.take() {
            Some((k, b, _)) => (self.sink)(k, b),
            None => Ok(()),
        }
    }
}

/// Sorted `(key, ids)` entries: a run in memory or in the run file.
trait Entries {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError>;
}

impl Entries for RunCursor<'_> {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError> {
        Ok(self.next()?.map(|(k, ids)| (k.to_vec(), ids.to_vec())))
    }
}

/// Merges sorted sources (k-way) into whole buckets, handed to `sink` in key order. A term in
/// several sources gets the union of their posting lists.
fn merge_entries(sources: &mut [&mut dyn Entries], sink: &mut BucketSink) -> Result<(), StoreError> {
    use std::cmp::Reverse;
    let mut heap = std::collections::BinaryHeap::new();
    for (i, src) in sources.iter_mut().enumerate() {
        if let Some((k, ids)) = src.next_entry()? {
            heap.push(Reverse((k, i, ids)));
        }
    }
    let mut filler = BucketFiller { sink, current: None };
    while let Some(Reverse((key, i, ids))) = heap.pop() {
        let mut lists = vec![ids];
        if let Some((k, ids)) = sources[i].next_entry()? {
            heap.push(Reverse((k, i, ids)));
        }
        while heap.peek().is_some_and(|Reverse((k, _, _))| *k == key) {
            let Some(Reverse((_, j, ids))) = heap.pop() else { break };
            lists.push(ids);
            if let Some((k, ids)) = sources[j].next_entry()? {
                heap.push(Reverse((k, j, ids)));
            }
        }
        let ids = if lists.len() == 1 {
            lists.pop().unwrap_or_default()
        } else {
            let mut all = Vec::new();
            for l in &lists {
                all.extend(postings::unpack(l).map_err(|_| postings_corrupt("search run".into()))?);
            }
            postings::normalise(&mut all);
            postings::pack(&all)
        };
        filler.push(&key, ids)?;
    }
    filler.finish()
}

#[cfg(test)]
fn merge_runs(runs: &[Run]) -> Result<Vec<(Vec<u8>, Bucket)>, StoreError> {
    let mut cursors: Vec<RunCursor> = runs.iter().map(Run::cursor).collect();
    let mut sources: Vec<&mut dyn Entries> = cursors.iter_mut().map(|c| c as &mut dyn Entries).collect();
    let mut out = Vec::new();
    merge_entries(&mut sources, &mut |k, b| {
        out.push((k, b));
        Ok(())
    })?;
    Ok(out)
}

/// Encoded buckets per `apply_batch` when a whole index is written.
const WRITE_BATCH_BYTES: usize = 2 << 20;
/// Raw bytes per frame of the run file: a merge holds one frame per run in memory.
const RUN_FRAME_BYTES: usize = 64 << 10;

/// One frame of the run file: `[last frame of its run: u8][raw length: u32 LE][compressed
/// length: u32 LE][lz4 block]`.
#[derive(Clone, Copy, Debug)]
struct Frame {
    offset: u64,
    raw: usize,
    comp: usize,
}

/// A run in the run file, read a frame at a time.
struct FileRun<'a> {
    file: &'a std::fs::File,
    frames: Vec<Frame>,
    next: usize,
    buf: Vec<u8>,
    pos: usize,
}

fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek};
        let mut f = file;
        f.seek(std::io::SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

fn run_file_corrupt(err: codec::CodecError) -> StoreError {
    StoreError::Corrupt { what: RUN_FILE.into(), err }
}

impl Entries for FileRun<'_> {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError> {
        if self.pos == self.buf.len() {
            let Some(f) = self.frames.get(self.next).copied() else { return Ok(None) };
            self.next += 1;
            let mut comp = vec![0u8; f.comp];
            read_at(self.file, &mut comp, f.offset).map_err(|_| run_file_corrupt(codec::CodecError::Truncated))?;
            self.buf = lz4_flex::block::decompress(&comp, f.raw)
                .map_err(|_| run_file_corrupt(codec::CodecError::Compression))?;
            if self.buf.len() != f.raw {
                return Err(run_file_corrupt(codec::CodecError::Compression));
            }
            self.pos = 0;
        }
        let mut c = RunCursor { bytes: &self.buf, pos: self.pos };
        let entry = c.next()?.map(|(k, ids)| (k.to_vec(), ids.to_vec()));
        self.pos = c.pos;
        Ok(entry)
    }
}

impl Store {
    fn run_file(&self) -> PathBuf {
        self.dir.join(RUN_FILE)
    }

    fn io_error(&self, err: std::io::Error) -> StoreError {
        StoreError::Io { path: self.run_file(), err }
    }

    /// Appends a run to the run file, in frames of about [`RUN_FRAME_BYTES`].
    fn append_run(&self, run: &Run) -> Result<(), StoreError> {
        if run.0.is_empty() {
            return Ok(());
        }
        let mut out = Vec::new();
        let mut cursor = run.cursor();
        let mut start = 0;
        loop {
            let at_end = cursor.next()?.is_none();
            if at_end || cursor.pos - start >= RUN_FRAME_BYTES {
                let raw = &run.0[start..cursor.pos];
                let comp = lz4_flex::block::compress(raw);
                out.push(u8::from(at_end || cursor.pos == run.0.len()));
                out.extend((raw.len() as u32).to_le_bytes());
                out.extend((comp.len() as u32).to_le_bytes());
                out.extend(comp);
                start = cursor.pos;
                if start == run.0.len() {
                    break;
                }
            }
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.run_file())
            .map_err(|e| self.io_error(e))?;
        f.write_all(&out).map_err(|e| self.io_error(e))?;
        Ok(())
    }

    /// The runs of the run file, as frame lists (none without a file).
    fn run_frames(&self, file: &std::fs::File) -> Result<Vec<Vec<Frame>>, StoreError> {
        let len = file.metadata().map_err(|e| self.io_error(e))?.len();
        let mut runs = Vec::new();
        let mut run = Vec::new();
        let mut offset = 0u64;
        while offset < len {
            let mut head = [0u8; 9];
            read_at(file, &mut head, offset).map_err(|_| run_file_corrupt(codec::CodecError::Truncated))?;
            let raw = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
            let comp = u32::from_le_bytes([head[5], head[6], head[7], head[8]]) as usize;
            if raw > codec::LIMIT || head[0] > 1 {
                return Err(run_file_corrupt(codec::CodecError::Compression));
            }
            run.push(Frame { offset: offset + 9, raw, comp });
            offset += 9 + comp as u64;
            if head[0] == 1 {
                runs.push(std::mem::take(&mut run));
            }
        }
        if offset != len || !run.is_empty() {
            return Err(run_file_corrupt(codec::CodecError::Truncated));
        }
        Ok(runs)
    }

    /// Deletes a bulk load's leftover run file (a wiped store).
    pub(super) fn drop_runs(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(self.run_file()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io_error(e)),
            _ => Ok(()),
        }
    }

    /// Replaces the whole term index by buckets merged from the run file (and the current
    /// index, with `keep_current`), then deletes the run file. Buckets are written in batches
    /// of a few MB as the merge completes them, so memory stays bounded; callers mark the index
    /// current only after this returns.
    fn write_index(&self, keep_current: bool) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut current = Run::default();
        for kv in self.search.iter() {
            let (k, v) = kv?;
            batch.remove(k.clone());
            if keep_current && k.as_ref() != DIR_KEY && !k.is_empty() {
                let b: Bucket = codec::decode(&v).map_err(corrupt("search bucket"))?;
                for e in b.entries {
                    current.push(&bucket_key(k[0], &e.term), &e.ids);
                }
            }
        }
        let file = match std::fs::File::open(self.run_file()) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io_error(e)),
        };
        let mut runs: Vec<FileRun> = Vec::new();
        if let Some(file) = &file {
            for frames in self.run_frames(file)? {
                runs.push(FileRun { file, frames, next: 0, buf: Vec::new(), pos: 0 });
            }
        }
        let mut cursor = current.cursor();
        let mut sources: Vec<&mut dyn Entries> = runs.iter_mut().map(|r| r as &mut dyn Entries).collect();
        sources.push(&mut cursor);
        let mut dir: Vec<Vec<u8>> = Vec::new();
        let mut pending = 0usize;
        merge_entries(&mut sources, &mut |k, b| {
            let v = encode_bucket(&b);
            pending += k.len() + v.len();
            batch.insert(k.as_slice(), v);
            dir.push(k);
            if pending >= WRITE_BATCH_BYTES {
                self.search.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
            Ok(())
        })?;
        if !dir.is_empty() {
            batch.insert(DIR_KEY, codec::encode(&dir));
        }
        self.search.apply_batch(batch)?;
        drop(sources);
        drop(runs);
        drop(file);
        self.drop_runs()
    }

    /// Ends a bulk load: merges its runs into the index, marks the index current and deletes the
    /// run file.
    pub(super) fn finish_bulk_index(&self) -> Result<(), StoreError> {
        self.write_index(true)?;
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        self.db.flush()?;
        Ok(())
    }

    /// Marks the (empty) index of a new store as current.
    pub(super) fn mark_search_index_current(&self) -> Result<(), StoreError> {
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        Ok(())
    }

    /// Builds the index when the store was written before it (or by another index version).
    /// A bulk load in progress is left alone: it builds its own.
    pub(super) fn ensure_search_index(&self) -> Result<(), StoreError> {
        if self.meta.get(K_SEARCH_VERSION)?.as_deref() == Some(&[SEARCH_VERSION]) || self.bulk_incomplete()? {
            return Ok(());
        }
        if self.blocks.is_empty() {
            self.search.clear()?;
            self.text.clear()?;
            if self.meta.get(super::K_IDENTITY)?.is_some() {
                self.mark_search_index_current()?;
            }
            return Ok(());
        }
        self.rebuild_search_index()
    }

    /// Rebuilds the search index and the text form from the events (every block is read).
    pub fn rebuild_search_index(&self) -> Result<(), StoreError> {
        self.text.clear()?;
        self.drop_runs()?;
        let mut col = Collector::default();
        let mut texts = TextGrouper::default();
        for b in self.scan() {
            let b = b?;
            let mut block_texts = Vec::new();
            for (n, events) in &b.records {
                let id = EntityId { device: b.device, n: *n };
                if let Some(e) = fold(id, events) {
                    col.add(id, &e);
                    block_texts.push((*n, text_entry(&e)));
                }
            }
            if let Some((n, _)) = b.records.first() {
                let key = BlockKey::of(EntityId { device: b.device, n: *n });
                texts.add(key, block_texts, |_| Ok(TextGroup::default()))?;
            }
            if col.full() {
                self.append_run(col.take_run())?;
            }
        }
        self.append_run(col.take_run())?;
        self.text.apply_batch(texts.take_batch())?;
        self.write_index(false)?;
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        self.db.flush()?;
        Ok(())
    }

    fn stored_text(&self, key: TextKey) -> Result<TextGroup, StoreError> {
        match self.text.get(key.bytes())? {
            Some(v) => TextGroup::decode(&v).map_err(corrupt(key.to_string())),
            None => Ok(TextGroup::default()),
        }
    }
}

/// The bulk-load side of the index: postings and texts of the blocks sealed since the last
/// batch.
#[derive(Debug, Default)]
pub(super) struct BulkIndex {
    postings: Collector,
    texts: TextGrouper,
}

impl BulkIndex {
    /// Adds the index entries of one sealed block's records.
    pub(super) fn add_block(
        &mut self,
        store: &Store,
        key: BlockKey,
        records: &[(EntityId, Entity)],
    ) -> Result<(), StoreError> {
        let mut texts = Vec::new();
        for (id, e) in records {
            self.postings.add(*id, e);
            texts.push((id.n, text_entry(e)));
        }
        if self.postings.full() {
            store.append_run(self.postings.take_run())?;
        }
        self.texts.add(key, texts, |k| store.stored_text(k))
    }

    /// Writes the texts and appends the postings run (before the batch's flush).
    pub(super) fn write(&mut self, store: &Store) -> Result<(), StoreError> {
        store.text.apply_batch(self.texts.take_batch())?;
        store.append_run(self.postings.take_run())
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

/// How a text scan ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanEnd {
    /// Every block was read.
    Complete,
    /// The visitor had enough.
    Stopped,
    /// The deadline passed first.
    OutOfTime,
}

impl Store {
    /// Visits the records holding the term `text` of `kind` (`exact`), or every term starting
    /// with it, in term order, newest record first within a term, until `visit` returns false.
    /// Returns whether every match was visited.
    pub fn search_lookup(
        &self,
        kind: TermKind,
        text: &str,
        exact: bool,
        visit: &mut dyn FnMut(EntityId) -> bool,
    ) -> Result<bool, StoreError> {
        let key = bucket_key(kind.tag(), text.as_bytes());
        let start = match self.search.range(..=key.as_slice()).next_back() {
            Some(kv) => {
                let (k, _) = kv?;
                if k.first() == Some(&kind.tag()) { k.to_vec() } else { key.clone() }
            }
            None => key.clone(),
        };
        for kv in self.search.range(start.as_slice()..) {
            let (k, v) = kv?;
            if k.first() != Some(&kind.tag()) || (k.as_ref() > key.as_slice() && !k.starts_with(&key)) {
                break;
            }
            let what = || format!("search/{:?}", String::from_utf8_lossy(&k));
            let b: Bucket = codec::decode(&v).map_err(corrupt(what()))?;
            let entries: Vec<&Entry> = if exact {
                b.get(text.as_bytes()).into_iter().collect()
            } else {
                b.with_prefix(text.as_bytes()).collect()
            };
            for e in entries {
                let ids = postings::unpack(&e.ids).map_err(|_| postings_corrupt(what()))?;
                for id in ids.into_iter().rev() {
                    if !visit(id) {
                        return Ok(false);
                    }
                }
            }
            if exact {
                break;
            }
        }
        Ok(true)
    }

    /// Scans the free text of ledger records, newest block first, for `needle` (as
    /// [`search::fold`] leaves it), visiting matching records (newest first within a block)
    /// until `visit` returns false or `deadline` passes.
    pub fn search_text(
        &self,
        needle: &str,
        deadline: Option<Instant>,
        visit: &mut dyn FnMut(EntityId) -> bool,
    ) -> Result<ScanEnd, StoreError> {
        if needle.is_empty() {
            return Ok(ScanEnd::Complete);
        }
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut buf = Vec::new();
        let mut found = Vec::new();
        for kv in self.text.iter().rev() {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(ScanEnd::OutOfTime);
            }
            let (k, v) = kv?;
            let Some(key) = TextKey::parse(&k) else { continue };
            TextView::decode(&v, &mut buf).map_err(corrupt(key.to_string()))?.matches(&finder, &mut found);
            for n in found.iter().rev() {
                if !visit(EntityId { device: key.device, n: *n }) {
                    return Ok(ScanEnd::Stopped);
                }
            }
        }
        Ok(ScanEnd::Complete)
    }

    /// The summaries of `ids` (those that have one), reading each block's summaries once.
    pub fn summaries_of(&self, ids: &[EntityId]) -> Result<Vec<(EntityId, super::Summary)>, StoreError> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Vec::with_capacity(sorted.len());
        for group in sorted.chunk_by(|a, b| BlockKey::of(*a) == BlockKey::of(*b)) {
            let sums = self.summaries(BlockKey::of(group[0]))?;
            for id in group {
                if let Some(s) = sums.iter().find(|s| s.n == id.n) {
                    out.push((*id, s.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Keys and bytes (keys plus values) of the search index and of the text form.
    pub fn search_index_size(&self) -> Result<SearchIndexSize, StoreError> {
        let mut s = SearchIndexSize::default();
        for kv in self.search.iter() {
            let (k, v) = kv?;
            s.index_keys += 1;
            s.index_bytes += (k.len() + v.len()) as u64;
        }
        for kv in self.text.iter() {
            let (k, v) = kv?;
            s.text_keys += 1;
            s.text_bytes += (k.len() + v.len()) as u64;
        }
        Ok(s)
    }
}

/// Logical size of the search structures (sled adds its own overhead on disk).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchIndexSize {
    /// Bucket keys (and the directory).
    pub index_keys: u64,
    /// Their bytes.
    pub index_bytes: u64,
    /// Text blocks.
    pub text_keys: u64,
    /// Their bytes.
    pub text_bytes: u64,
}

// ---------------------------------------------------------------------------------------------
// Checking (doctor)

const PARTITIONS: usize = 64;
/// Partitions compared entry by entry when their sums differ.
const DETAIL_PARTITIONS: usize = 2;
/// Differences reported per partition.
const DETAIL_LINES: usize = 10;

fn partition_of(key: &[u8]) -> usize {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    (h.finish() % PARTITIONS as u64) as usize
}

fn posting_hash(key: &[u8], id: EntityId) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sum {
    count: u64,
    hash: u64,
}

impl Sum {
    fn add(&mut self, key: &[u8], id: EntityId) {
        self.count += 1;
        self.hash = self.hash.wrapping_add(posting_hash(key, id));
    }
}

/// Compares the search index and the text form with a fresh computation from the events, in
/// bounded memory: postings are summed (count and a commutative hash) per partition of terms;
/// partitions that differ are then compared entry by entry.
pub struct SearchCheck<'a> {
    store: &'a Store,
    expected: Vec<Sum>,
    /// The text group being collected, and the groups that have text.
    texts: Option<(TextKey, TextGroup)>,
    text_groups: Vec<[u8; 12]>,
    problems: Vec<String>,
}

impl<'a> SearchCheck<'a> {
    /// Starts a check of `store`'s index.
    pub fn new(store: &'a Store) -> SearchCheck<'a> {
        SearchCheck {
            store,
            expected: vec![Sum::default(); PARTITIONS],
            texts: None,
            text_groups: vec![],
            problems: vec![],
        }
    }

    /// Adds one block's records (blocks in [`Store::scan`] order): their terms are counted, and
    /// their texts compared with the stored ones.
    pub fn add_block(&mut self, device: DeviceId, records: &[(u32, Vec<Event>)]) {
        let mut texts = Vec::new();
        for (n, events) in records {
            let id = EntityId { device, n: *n };
            let Some(e) = fold(id, events) else { continue };
            for t in search::terms_of(&e) {
                let k = t.key();
                self.expected[partition_of(&k)].add(&k, id);
            }
            texts.push((*n, text_entry(&e)));
        }
        let Some((n, _)) = records.first() else { return };
        let tk = TextKey::of_block(BlockKey::of(EntityId { device, n: *n }));
        if self.texts.as_ref().is_none_or(|(k, _)| *k != tk) {
            self.check_texts();
            self.texts = Some((tk, TextGroup::default()));
        }
        if let Some((_, g)) = &mut self.texts {
            g.update(texts);
        }
    }

    fn check_texts(&mut self) {
        let Some((key, want)) = self.texts.take() else { return };
        if !want.records.is_empty() {
            self.text_groups.push(key.bytes());
        }
        match self.store.stored_text(key) {
            Ok(have) if have == want => {}
            Ok(have) => {
                let differ = want.records.iter().filter(|r| !have.records.contains(r)).count()
                    + have.records.iter().filter(|r| !want.records.contains(r)).count();
                self.problems.push(format!("search {key}: {differ} texts differ from the events'"));
            }
            Err(e) => self.problems.push(format!("search {key}: {e}")),
        }
    }

    /// Compares the index and reports every problem found.
    pub fn finish(mut self) -> Result<Vec<String>, StoreError> {
        self.check_texts();
        let store = self.store;
        self.text_groups.sort_unstable();
        for kv in store.text.iter() {
            let (k, _) = kv?;
            if self.text_groups.binary_search_by(|b| b.as_slice().cmp(&k)).is_err() {
                let what =
                    TextKey::parse(&k).map(|t| t.to_string()).unwrap_or_else(|| format!("text {:?}", k.as_ref()));
                self.problems.push(format!("search {what}: stored, but no record has text"));
            }
        }
        let mut actual = vec![Sum::default(); PARTITIONS];
        let mut dir_seen: Vec<Vec<u8>> = Vec::new();
        let mut dir: Option<Vec<Vec<u8>>> = None;
        let mut prev_last: Option<Vec<u8>> = None;
        for kv in store.search.iter() {
            let (k, v) = kv?;
            if k.as_ref() == DIR_KEY {
                match codec::decode(&v) {
                    Ok(d) => dir = Some(d),
                    Err(e) => self.problems.push(format!("search index directory: {e}")),
                }
                continue;
            }
            dir_seen.push(k.to_vec());
            let b: Bucket = match codec::decode(&v) {
                Ok(b) => b,
                Err(e) => {
                    self.problems.push(format!("search index bucket {:?}: {e}", String::from_utf8_lossy(&k)));
                    continue;
                }
            };
            if b.entries.is_empty() {
                self.problems.push(format!("search index bucket {:?} is empty", String::from_utf8_lossy(&k)));
            }
            for e in &b.entries {
                let key = bucket_key(k[0], &e.term);
                if key.as_slice() < k.as_ref() || prev_last.as_ref().is_some_and(|p| *p >= key) {
                    self.problems
                        .push(format!("search index term {:?} is out of order", String::from_utf8_lossy(&key)));
                }
                match postings::unpack(&e.ids) {
                    Ok(ids) if !ids.is_empty() => {
                        for id in ids {
                            actual[partition_of(&key)].add(&key, id);
                        }
                    }
                    _ => self
                        .problems
                        .push(format!("search index term {:?}: damaged posting list", String::from_utf8_lossy(&key))),
                }
                prev_last = Some(key);
            }
        }
        if dir.unwrap_or_default() != dir_seen {
            self.problems.push("search index directory does not list the index's buckets".into());
        }
        let differing: Vec<usize> = (0..PARTITIONS).filter(|&p| self.expected[p] != actual[p]).collect();
        if !differing.is_empty() {
            let (want, have): (u64, u64) =
                (self.expected.iter().map(|s| s.count).sum(), actual.iter().map(|s| s.count).sum());
            self.problems.push(format!(
                "search index differs from the events in {} of {PARTITIONS} parts ({want} entries expected, {have} found)",
                differing.len()
            ));
            for &p in differing.iter().take(DETAIL_PARTITIONS) {
                self.problems.extend(detail(store, p)?);
            }
        }
        Ok(self.problems)
    }
}

/// The differing entries of one partition, found by recomputing it from the events.
fn detail(store: &Store, part: usize) -> Result<Vec<String>, StoreError> {
    let mut want: Vec<(Vec<u8>, EntityId)> = Vec::new();
    for b in store.scan() {
        let b = b?;
        for (n, events) in &b.records {
            let id = EntityId { device: b.device, n: *n };
            let Some(e) = fold(id, events) else { continue };
            want.extend(
                search::terms_of(&e).into_iter().map(|t| t.key()).filter(|k| partition_of(k) == part).map(|k| (k, id)),
            );
        }
    }
    let mut have: Vec<(Vec<u8>, EntityId)> = Vec::new();
    for kv in store.search.iter() {
        let (k, v) = kv?;
        if k.as_ref() == DIR_KEY {
            continue;
        }
        let Ok(b) = codec::decode::<Bucket>(&v) else { continue };
        for e in b.entries {
            let key = bucket_key(k[0], &e.term);
            if partition_of(&key) == part {
                have.extend(postings::unpack(&e.ids).unwrap_or_default().into_iter().map(|id| (key.clone(), id)));
            }
        }
    }
    want.sort();
    have.sort();
    let name = |k: &[u8]| match Term::from_key(k) {
        Some(t) => format!("{} {:?}", t.kind.label(), t.text),
        None => format!("{k:?}"),
    };
    let mut out = Vec::new();
    for (k, id) in want.iter().filter(|x| have.binary_search(x).is_err()).take(DETAIL_LINES) {
        out.push(format!("{id}: missing from the search index ({})", name(k)));
    }
    for (k, id) in have.iter().filter(|x| want.binary_search(x).is_err()).take(DETAIL_LINES) {
        out.push(format!("{id}: stale entry in the search index ({})", name(k)));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "search_index_tests.rs"]
mod tests;
