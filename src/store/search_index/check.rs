//! The consistency check of `doctor`: the search index and the text form (and, in the same
//! pass, the author log: `author_log.rs`) compared with a fresh computation from the events, in
//! bounded memory (docs/ARCHITECTURE.md, "Search index").

use std::hash::{Hash, Hasher};

use super::text::{TextGroup, text_entry};
use crate::domain::{DeviceId, EntityId};
use crate::events::{Event, fold};
use crate::search::bucket::Bucket;
use crate::search::{self, Term, postings};
use crate::store::AuthorCheck;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::StoreError;
use crate::store::keys::{BlockKey, DIR_KEY, TextKey, bucket_key};

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
    /// The author log is checked in the same pass (it is also derived from every event).
    authors: AuthorCheck,
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
            authors: AuthorCheck::default(),
            problems: vec![],
        }
    }

    /// Adds one block's records (blocks in [`Store::scan`] order): their terms are counted, and
    /// their texts compared with the stored ones.
    pub fn add_block(&mut self, device: DeviceId, records: &[(u32, Vec<Event>)]) {
        self.authors.add_block(device, records);
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
        let authors = std::mem::take(&mut self.authors).finish(store)?;
        self.problems.extend(authors);
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
