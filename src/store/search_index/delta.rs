//! Term changes of one transactional write: collected record by record while the write path
//! folds the records it changes, then applied bucket by bucket at its end, splitting full
//! buckets and dropping empty ones, and keeping the bucket directory (docs/ARCHITECTURE.md,
//! "Search index").

use std::collections::BTreeMap;

use sled::transaction::TransactionalTree;

use super::postings_corrupt;
use crate::domain::EntityId;
use crate::search::Term;
use crate::search::bucket::{Bucket, Change};
use crate::store::codec;
use crate::store::error::{TxError, corrupt};
use crate::store::keys::{DIR_KEY, bucket_key, bucket_of};

/// Term changes collected over one write, applied bucket by bucket at its end.
#[derive(Debug, Default)]
pub(crate) struct Delta {
    changes: BTreeMap<Vec<u8>, Change>,
}

impl Delta {
    /// Record `id` had the terms `old` and now has `new` (both sorted).
    pub(crate) fn record(&mut self, id: EntityId, old: &[Term], new: &[Term]) {
        for t in old.iter().filter(|t| new.binary_search(t).is_err()) {
            self.changes.entry(t.key()).or_default().remove.push(id);
        }
        for t in new.iter().filter(|t| old.binary_search(t).is_err()) {
            self.changes.entry(t.key()).or_default().add.push(id);
        }
    }
}

fn load_dir(tree: &TransactionalTree) -> Result<Vec<Vec<u8>>, TxError> {
    match tree.get(DIR_KEY)? {
        Some(v) => codec::decode(&v).map_err(|e| TxError::Abort(corrupt("search/directory")(e))),
        None => Ok(vec![]),
    }
}

/// Applies term changes to the buckets they fall in, splitting full buckets and dropping empty
/// ones, and keeps the directory.
pub(crate) fn apply_delta(tree: &TransactionalTree, delta: Delta) -> Result<(), TxError> {
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
            Some(v) => codec::decode(&v).map_err(|e| TxError::Abort(corrupt(what())(e)))?,
            None => Bucket::default(),
        };
        for (term, change) in &changes {
            b.change(term, change).map_err(|_| TxError::Abort(postings_corrupt(what())))?;
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

pub(super) fn encode_bucket(b: &Bucket) -> Vec<u8> {
    codec::encode_compressed(b)
}
