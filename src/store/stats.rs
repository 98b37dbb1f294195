//! A county store's figures (docs/COUNTY.md, "Import (county)"): one entry per place and period,
//! as the newest statistics file of its township gave them. A county store holds no records,
//! events or have-sets; this tree is its whole content besides `meta` and `sync`.
//!
//! Key: `division u64 ‖ period kind u8 ‖ year u16 ‖ number u8` (12 B; the division is the
//! place's 12-digit code as a number, so keys sort by place, then period).
//! Value: a [`StatsEntry`], bincode through `codec`.

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionError;

use super::codec;
use super::db::Store;
use super::error::{StoreError, TxError, corrupt};
use crate::domain::Day;

/// A stats key.
pub type StatsKey = [u8; 12];

/// The period of an entry as the file writes it: kind (0 month, 1 quarter, 2 year), year and
/// number (month 1–12, quarter 1–4, 0 for a year).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PeriodKey {
    /// 0 month, 1 quarter, 2 year.
    pub kind: u8,
    /// The year.
    pub year: u16,
    /// Month 1–12, quarter 1–4, 0 for a year.
    pub number: u8,
}

/// A row of an entry: the place's whole figures (`None`) or a ledger tag and category code's,
/// each `(figure id, value)`.
pub type StatsRowFigures = (Option<(u8, String)>, Vec<(u16, u64)>);

/// A place's figures for one period, as a township's statistics file gave them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsEntry {
    /// The place's division code (a village, or the township itself).
    pub division: String,
    /// The place's name.
    pub place: String,
    /// The period.
    pub period: PeriodKey,
    /// The day the figures were computed for (what is overdue is overdue on this day).
    pub as_of: Day,
    /// When the file was written (ms, the producer's clock).
    pub created_ms: u64,
    /// The file's id.
    pub file_id: [u8; 16],
    /// The producing township's division code.
    pub producer: String,
    /// The producing township's name.
    pub producer_place: String,
    /// The version of the figure-id table the numbers follow.
    pub definitions: u16,
    /// The rows: the place's whole figures (`None`), then by ledger tag and category code;
    /// each `(figure id, value)`, ids increasing.
    pub rows: Vec<StatsRowFigures>,
}

impl StatsEntry {
    /// Whether this entry is newer than `other` (a later day, then a later file, then the larger
    /// file id): files may arrive in any order and twice, and the newest stays.
    pub fn newer_than(&self, other: &StatsEntry) -> bool {
        (self.as_of, self.created_ms, self.file_id) > (other.as_of, other.created_ms, other.file_id)
    }

    /// Its key, `None` when its division is not 12 digits.
    pub fn key(&self) -> Option<StatsKey> {
        if self.division.len() != 12 || !self.division.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: u64 = self.division.parse().ok()?;
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&code.to_be_bytes());
        k[8] = self.period.kind;
        k[9..11].copy_from_slice(&self.period.year.to_be_bytes());
        k[11] = self.period.number;
        Some(k)
    }
}

/// What applying a file's entries did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsApplied {
    /// Entries new to this store.
    pub added: u64,
    /// Entries that replaced older figures.
    pub replaced: u64,
    /// Entries kept because this store holds newer figures of that place and period.
    pub older: u64,
}

impl Store {
    /// Writes a file's entries in one transaction: each replaces the stored entry of its place
    /// and period only when newer ([`StatsEntry::newer_than`]). All or nothing.
    pub fn apply_stats(&self, entries: &[StatsEntry]) -> Result<StatsApplied, StoreError> {
        let mut keyed = Vec::with_capacity(entries.len());
        for e in entries {
            let k = e.key().ok_or_else(|| corrupt(format!("stats/{}", e.division))(codec::CodecError::Truncated))?;
            keyed.push((k, codec::encode(e)));
        }
        let applied = self.stats.transaction(|t| {
            let mut out = StatsApplied::default();
            for ((k, bytes), e) in keyed.iter().zip(entries) {
                match t.get(k)? {
                    Some(v) => {
                        let have: StatsEntry =
                            codec::decode(&v).map_err(|err| TxError::Abort(corrupt(format!("stats/{k:?}"))(err)))?;
                        if e.newer_than(&have) {
                            t.insert(&k[..], bytes.as_slice())?;
                            out.replaced += 1;
                        } else {
                            out.older += 1;
                        }
                    }
                    None => {
                        t.insert(&k[..], bytes.as_slice())?;
                        out.added += 1;
                    }
                }
            }
            Ok(out)
        });
        let applied = match applied {
            Ok(a) => a,
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(StoreError::Sled(e)),
        };
        self.flush()?;
        Ok(applied)
    }

    /// Every entry, by place and period.
    pub fn stats_entries(&self) -> Result<Vec<StatsEntry>, StoreError> {
        let mut out = Vec::new();
        for kv in self.stats.iter() {
            let (k, v) = kv?;
            out.push(codec::decode(&v).map_err(corrupt(format!("stats/{k:?}")))?);
        }
        Ok(out)
    }

    /// `doctor`'s check of the stats tree: entries that do not decode or sit under another key.
    pub fn check_stats(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        for kv in self.stats.iter() {
            let (k, v) = kv?;
            match codec::decode::<StatsEntry>(&v) {
                Ok(e) if e.key().is_some_and(|want| want[..] == k[..]) => {}
                Ok(e) => problems.push(format!("stats {}: stored under another key", e.division)),
                Err(err) => problems.push(format!("stats {k:?}: {err}")),
            }
        }
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    fn entry(division: &str, as_of: &str, created_ms: u64, received: u64) -> StatsEntry {
        StatsEntry {
            division: division.into(),
            place: "青石村".into(),
            period: PeriodKey { kind: 0, year: 2026, number: 11 },
            as_of: Day::parse(as_of).unwrap(),
            created_ms,
            file_id: [created_ms as u8; 16],
            producer: "330782105000".into(),
            producer_place: "石桥镇".into(),
            definitions: 1,
            rows: vec![(None, vec![(6, received)])],
        }
    }

    #[test]
    fn the_newest_figures_of_a_place_and_period_stay_whatever_the_order() {
        let (_t, s) = temp_store(1);
        let old = entry("330782105203", "2026-11-28", 10, 2);
        let new = entry("330782105203", "2026-11-29", 5, 3);
        let other = entry("330782105204", "2026-11-28", 10, 7);
        assert_eq!(
            s.apply_stats(&[new.clone(), other.clone()]).unwrap(),
            StatsApplied { added: 2, ..Default::default() }
        );
        assert_eq!(s.apply_stats(std::slice::from_ref(&old)).unwrap(), StatsApplied { older: 1, ..Default::default() });
        assert_eq!(s.stats_entries().unwrap(), vec![new.clone(), other.clone()], "a later day wins over a later file");
        let same_day_later_file = entry("330782105203", "2026-11-29", 6, 4);
        assert_eq!(s.apply_stats(std::slice::from_ref(&same_day_later_file)).unwrap().replaced, 1);
        assert_eq!(s.stats_entries().unwrap()[0], same_day_later_file);
        assert!(s.check_stats().unwrap().is_empty());
    }

    #[test]
    fn an_entry_without_a_division_code_writes_nothing() {
        let (_t, s) = temp_store(1);
        let good = entry("330782105203", "2026-11-28", 1, 1);
        let bad = entry("青石村", "2026-11-28", 1, 1);
        assert!(s.apply_stats(&[good, bad]).is_err());
        assert!(s.stats_entries().unwrap().is_empty(), "all or nothing");
    }

    #[test]
    fn the_check_names_an_entry_that_does_not_read_or_sits_under_another_key() {
        let (_t, s) = temp_store(1);
        s.apply_stats(&[entry("330782105203", "2026-11-28", 1, 1)]).unwrap();
        assert!(s.check_stats().unwrap().is_empty());
        let (k, v) = s.stats.iter().next().unwrap().unwrap();
        let mut moved = k.to_vec();
        moved[11] = 10;
        s.stats.insert(moved, v).unwrap();
        s.stats.insert(k, &b"\x01\x00garbage"[..]).unwrap();
        let problems = s.check_stats().unwrap().join("\n");
        assert!(problems.contains("another key") && problems.contains("stats"), "{problems}");
        assert_eq!(s.check_stats().unwrap().len(), 2, "{problems}");
    }
}
