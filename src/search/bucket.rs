//! Term buckets: the index keeps many terms with their posting lists in one stored value, so
//! that sled's per-key cost (~200 B on disk; docs/ARCHITECTURE.md, "Store layout") is paid once
//! per few kilobytes of index rather than once per term. A bucket holds the terms of one kind
//! from its lower bound (its key) up to the next bucket's; it splits when it grows past
//! [`SPLIT_BYTES`].

use serde::{Deserialize, Serialize};

use super::postings::{self, PostingsError};
use crate::domain::EntityId;

/// A bucket larger than this is split in two (unless it holds a single term).
pub const SPLIT_BYTES: usize = 8 << 10;
/// Buckets written whole (bulk loads, rebuilds) are filled to this size.
pub const FILL_BYTES: usize = 6 << 10;

/// One term and its packed posting list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The term's text (UTF-8), without its kind byte.
    pub term: Vec<u8>,
    /// [`postings::pack`]ed record ids.
    pub ids: Vec<u8>,
}

impl Entry {
    fn size(&self) -> usize {
        self.term.len() + self.ids.len() + 4
    }
}

/// Terms sorted by their bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The entries, sorted by term, each with at least one id.
    pub entries: Vec<Entry>,
}

/// Changes to one term's posting list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Ids that now hold the term.
    pub add: Vec<EntityId>,
    /// Ids that no longer do.
    pub remove: Vec<EntityId>,
}

impl Bucket {
    /// Approximate encoded size.
    pub fn size(&self) -> usize {
        self.entries.iter().map(Entry::size).sum()
    }

    /// The entry of `term`.
    pub fn get(&self, term: &[u8]) -> Option<&Entry> {
        self.entries.binary_search_by(|e| e.term.as_slice().cmp(term)).ok().map(|i| &self.entries[i])
    }

    /// Entries whose term starts with `prefix`, in term order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a [u8]) -> impl Iterator<Item = &'a Entry> + 'a {
        let start = self.entries.partition_point(|e| e.term.as_slice() < prefix);
        self.entries[start..].iter().take_while(move |e| e.term.starts_with(prefix))
    }

    /// Applies a change to `term`'s posting list; a list that becomes empty is dropped.
    pub fn change(&mut self, term: &[u8], change: &Change) -> Result<(), PostingsError> {
        match self.entries.binary_search_by(|e| e.term.as_slice().cmp(term)) {
            Ok(i) => {
                let mut ids = postings::unpack(&self.entries[i].ids)?;
                ids.retain(|id| !change.remove.contains(id));
                ids.extend_from_slice(&change.add);
                postings::normalise(&mut ids);
                if ids.is_empty() {
                    self.entries.remove(i);
                } else {
                    self.entries[i].ids = postings::pack(&ids);
                }
            }
            Err(i) => {
                let mut ids: Vec<EntityId> =
                    change.add.iter().filter(|id| !change.remove.contains(id)).copied().collect();
                postings::normalise(&mut ids);
                if !ids.is_empty() {
                    self.entries.insert(i, Entry { term: term.to_vec(), ids: postings::pack(&ids) });
                }
            }
        }
        Ok(())
    }

    /// Cuts the bucket into pieces of about `fill` bytes, in order: a piece ends with the
    /// entry that brings it to `fill` or more. An empty bucket gives no piece.
    pub fn split(self, fill: usize) -> Vec<Bucket> {
        let mut out: Vec<Bucket> = Vec::new();
        let mut cur = Bucket::default();
        let mut size = 0;
        for e in self.entries {
            size += e.size();
            cur.entries.push(e);
            if size >= fill {
                out.push(std::mem::take(&mut cur));
                size = 0;
            }
        }
        if !cur.entries.is_empty() {
            out.push(cur);
        }
        out
    }

    /// Splits a bucket larger than [`SPLIT_BYTES`] into pieces of equal size, each well below
    /// it; otherwise returns it as is.
    pub fn split_if_full(self) -> Vec<Bucket> {
        let size = self.size();
        if size <= SPLIT_BYTES || self.entries.len() < 2 {
            return vec![self];
        }
        let pieces = size.div_ceil(SPLIT_BYTES * 3 / 4);
        self.split(size / pieces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeviceId;

    fn id(n: u32) -> EntityId {
        EntityId { device: DeviceId(3), n }
    }

    fn ids_of(b: &Bucket, term: &str) -> Vec<u32> {
        b.get(term.as_bytes())
            .map(|e| postings::unpack(&e.ids).unwrap().iter().map(|i| i.n).collect())
            .unwrap_or_default()
    }

    #[test]
    fn changes_keep_terms_sorted_and_drop_empty_lists() {
        let mut b = Bucket::default();
        b.change(b"zs", &Change { add: vec![id(5), id(2)], remove: vec![] }).unwrap();
        b.change(b"lxy", &Change { add: vec![id(1)], remove: vec![] }).unwrap();
        b.change(b"zsf", &Change { add: vec![id(9)], remove: vec![] }).unwrap();
        b.change(b"zs", &Change { add: vec![id(7)], remove: vec![id(2)] }).unwrap();
        let terms: Vec<&[u8]> = b.entries.iter().map(|e| e.term.as_slice()).collect();
        assert_eq!(terms, [b"lxy".as_slice(), b"zs", b"zsf"]);
        assert_eq!(ids_of(&b, "zs"), [5, 7]);
        let pre: Vec<&[u8]> = b.with_prefix(b"zs").map(|e| e.term.as_slice()).collect();
        assert_eq!(pre, [b"zs".as_slice(), b"zsf"]);
        b.change(b"lxy", &Change { add: vec![], remove: vec![id(1)] }).unwrap();
        b.change(b"nothing", &Change { add: vec![], remove: vec![id(1)] }).unwrap();
        assert_eq!(b.entries.len(), 2);
        assert_eq!(b.with_prefix(b"a").count(), 0);
    }

    #[test]
    fn full_buckets_split_in_order_and_single_terms_stay_whole() {
        let mut b = Bucket::default();
        for t in 0..2000u32 {
            b.change(format!("t{t:05}").as_bytes(), &Change { add: vec![id(t + 1)], remove: vec![] }).unwrap();
        }
        let total = b.entries.len();
        let parts = b.clone().split_if_full();
        assert!(parts.len() >= 2);
        assert_eq!(parts.iter().map(|p| p.entries.len()).sum::<usize>(), total);
        assert!(parts.windows(2).all(|w| w[0].entries.last().unwrap().term < w[1].entries[0].term));
        assert!(parts.iter().all(|p| p.size() <= SPLIT_BYTES));
        let mut one = Bucket::default();
        one.change(b"hot", &Change { add: (1..20_000).map(id).collect(), remove: vec![] }).unwrap();
        assert_eq!(one.split_if_full().len(), 1);
        assert!(Bucket::default().split(FILL_BYTES).is_empty());
    }
}
