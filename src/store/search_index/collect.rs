//! Postings of many records collected in memory, as bulk loads and rebuilds meet them, and
//! handed out as sorted runs (docs/ARCHITECTURE.md, "Search index").

use std::collections::HashMap;

use super::runs::Run;
use crate::domain::EntityId;
use crate::events::Entity;
use crate::search::{self, Term, postings};

/// Postings collected in memory before they go to the run file as a run (bulk loads and
/// rebuilds): bounds memory however many records a batch holds.
const RUN_POSTINGS: usize = 1 << 17;

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
    pub(super) fn full(&self) -> bool {
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
    pub(super) fn take_run(&mut self) -> &Run {
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
