//! The query side of the index: term lookups (exact or by prefix), the newest-first scan of the
//! free text within a time budget, the summaries of the records found, and the index's size
//! (docs/ARCHITECTURE.md, "Search index").

use std::time::Instant;

use memchr::memmem;

use super::postings_corrupt;
use super::text::TextView;
use crate::domain::EntityId;
use crate::search::bucket::{Bucket, Entry};
use crate::search::{TermKind, postings};
use crate::store::blocks::Summary;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::{StoreError, corrupt};
use crate::store::keys::{BlockKey, TextKey, bucket_key};

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
    pub fn summaries_of(&self, ids: &[EntityId]) -> Result<Vec<(EntityId, Summary)>, StoreError> {
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
