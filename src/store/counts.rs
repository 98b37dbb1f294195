//! The month counts (docs/ARCHITECTURE.md, "Store layout"): how many records of each ledger
//! have their own date in each month, a view kept by the write path in the same transaction as
//! the events, derived by the bulk writer and the views rebuild, and checked by `doctor`. The
//! dashboard reads a few keys instead of walking records; the lists' date filter reads the same
//! summary date, so the figures agree.

use std::collections::BTreeMap;

use sled::transaction::TransactionalTree;

use super::blocks::Summary;
use super::db::Store;
use super::error::{StoreError, TxError, corrupt};
use super::keys::{
    DEVICE_COUNT_PREFIX, count_key, count_value, device_count_key, parse_count_key, parse_count_value,
    parse_device_count_key,
};
use crate::domain::{Day, DeviceId, Kind};

/// Changes to the month counts and the per-device counts, collected over a write and applied
/// once.
#[derive(Default)]
pub(super) struct Tally(BTreeMap<Vec<u8>, i64>);

impl Tally {
    /// Counts `s`, a record created by `device`, in its month (`by` = 1) or takes it out
    /// (`by` = −1); records without a date of their own (persons, households) have no month.
    /// Every record counts for its device and kind, but a person merged into another.
    pub fn add(&mut self, device: DeviceId, s: &Summary, by: i64) {
        if let Some(d) = s.date {
            *self.0.entry(count_key(s.kind, d).to_vec()).or_default() += by;
        }
        if !s.merged {
            *self.0.entry(device_count_key(device, s.kind).to_vec()).or_default() += by;
        }
    }

    fn changes(self) -> impl Iterator<Item = (Vec<u8>, i64)> {
        self.0.into_iter().filter(|(_, by)| *by != 0)
    }

    /// Applies the changes inside a transaction: one read and one write per changed month.
    pub fn apply_tx(self, t: &TransactionalTree) -> Result<(), TxError> {
        for (k, by) in self.changes() {
            let have = t.get(&k)?.and_then(|v| parse_count_value(&v)).unwrap_or(0);
            put(k, have, by, |k, v| t.insert(k, v).map(drop), |k| t.remove(k).map(drop))?;
        }
        Ok(())
    }

    /// Applies the changes to the tree directly (bulk writes and the views rebuild).
    pub fn apply(self, t: &sled::Tree) -> Result<(), StoreError> {
        for (k, by) in self.changes() {
            let have = t.get(&k)?.and_then(|v| parse_count_value(&v)).unwrap_or(0);
            put(k, have, by, |k, v| t.insert(k, v).map(drop), |k| t.remove(k).map(drop))?;
        }
        Ok(())
    }
}

fn put<E>(
    k: Vec<u8>,
    have: u64,
    by: i64,
    insert: impl FnOnce(&[u8], &[u8]) -> Result<(), E>,
    remove: impl FnOnce(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let n = (have as i64).saturating_add(by).max(0) as u64;
    if n == 0 { remove(&k) } else { insert(&k, &count_value(n)) }
}

impl Store {
    /// How many records of `kind` have their own date in the month of `day` (one key read).
    pub fn month_count(&self, kind: Kind, day: Day) -> Result<u64, StoreError> {
        match self.counts.get(count_key(kind, day))? {
            None => Ok(0),
            Some(v) => parse_count_value(&v).ok_or_else(|| bad(&count_key(kind, day))),
        }
    }

    /// How many records of each kind `device` created, persons merged into another left out
    /// (a few keys: `gridlog villages` and a township's 首页 count each village's records).
    pub fn record_counts(&self, device: DeviceId) -> Result<Vec<(Kind, u64)>, StoreError> {
        let mut prefix = vec![DEVICE_COUNT_PREFIX];
        prefix.extend_from_slice(&device.0.to_be_bytes());
        let mut out = Vec::new();
        for kv in self.counts.scan_prefix(prefix) {
            let (k, v) = kv?;
            let (_, kind) = parse_device_count_key(&k).ok_or_else(|| bad(&k))?;
            out.push((kind, parse_count_value(&v).ok_or_else(|| bad(&k))?));
        }
        Ok(out)
    }

    /// Overwrites the count of `device`'s records of `kind`, as damage or a bug would (tests of
    /// `doctor`).
    #[cfg(test)]
    pub(crate) fn tamper_record_count(&self, device: DeviceId, kind: Kind, n: u64) {
        self.counts.insert(device_count_key(device, kind), &count_value(n)).unwrap();
    }

    /// Every per-device count: device, kind, count (for `doctor`).
    pub fn device_counts(&self) -> Result<Vec<(DeviceId, Kind, u64)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.counts.scan_prefix([DEVICE_COUNT_PREFIX]) {
            let (k, v) = kv?;
            let (device, kind) = parse_device_count_key(&k).ok_or_else(|| bad(&k))?;
            out.push((device, kind, parse_count_value(&v).ok_or_else(|| bad(&k))?));
        }
        Ok(out)
    }

    /// Every month count: kind, first day of the month, count (for `doctor`).
    pub fn month_counts(&self) -> Result<Vec<(Kind, Day, u64)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.counts.range(..vec![DEVICE_COUNT_PREFIX]) {
            let (k, v) = kv?;
            let (kind, month) = parse_count_key(&k).ok_or_else(|| bad(&k))?;
            out.push((kind, month, parse_count_value(&v).ok_or_else(|| bad(&k))?));
        }
        Ok(out)
    }
}

fn bad(k: &[u8]) -> StoreError {
    corrupt(format!("counts/{k:?}"))(super::codec::CodecError::Truncated)
}
