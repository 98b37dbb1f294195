//! The figures view (docs/ARCHITECTURE.md, "Store layout"; docs/REPORTS.md, "How it is
//! computed"): what each device's records add to the assessment figures, per ledger and month,
//! kept by the write path in the same transaction as the events (like the month counts), derived
//! by the bulk writer and the views rebuild. A report reads a few keys per village and month
//! instead of folding every record; the figures that depend on the report's day (overdue) come
//! from the open records' due dates kept in the same cells.
//!
//! Key: `device u64 ‖ kind u8 ‖ month u32` (13 B, month = year·12 + month − 1, as `counts`);
//! the registry's keys (households registered, focus residents) have month 0.
//! Value: a [`Cell`], bincode through `codec`.
//!
//! A report by grid needs each record's grid, which is a household's field that other records'
//! edits change: a cell also keeps its figures by the record the grid comes through
//! ([`Via`], `via.rs`), and the links view (`links.rs`) each household's grid and each person's
//! and visit's household, so the grids are resolved when the report is made.

mod check;
mod links;
#[cfg(test)]
mod tests;
mod via;

pub use check::FigureCheck;
pub use links::{Link, Links};
pub(super) use links::{LinkDelta, encode as encode_links, link};
pub use via::{Via, reference, via};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::codec;
use super::db::Store;
use super::error::{StoreError, TxError, corrupt};
use crate::domain::figures::{Counts, FIGURES, contribution, is_focus};
use crate::domain::merged::is_hidden;
use crate::domain::{Day, DeviceId, EntityId, Kind, Value};
use crate::events::Entity;

/// A figures key.
pub type FigKey = [u8; 13];

fn key(device: DeviceId, kind: Kind, month: u32) -> FigKey {
    let mut k = [0u8; 13];
    k[..8].copy_from_slice(&device.0.to_be_bytes());
    k[8] = kind.tag();
    k[9..].copy_from_slice(&month.to_be_bytes());
    k
}

fn month_of(d: Day) -> u32 {
    (d.year().max(0) as u32) * 12 + d.month() - 1
}

/// The device, kind and month (`None`: the registry's keys) of a key.
pub fn parse_key(k: &[u8]) -> Option<(DeviceId, Kind, Option<Day>)> {
    let k: &FigKey = k.try_into().ok()?;
    let device = DeviceId(u64::from_be_bytes(k[..8].try_into().ok()?));
    let kind = Kind::from_tag(k[8])?;
    let month = u32::from_be_bytes(k[9..].try_into().ok()?);
    let day = if month == 0 { None } else { Some(Day::from_ymd((month / 12) as i32, month % 12 + 1, 1)?) };
    Some((device, kind, day))
}

/// A cell with its device, ledger and month (`None`: the registry's).
pub type CellAt = (DeviceId, Kind, Option<Day>, Cell);

/// What one device's records of one ledger and month add up to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Fixed figures by category code (`""`: none), sorted; each `FIGURES` long.
    pub counts: Vec<(String, Vec<u64>)>,
    /// Visits: each household visited, with how many visits.
    pub households: Vec<(EntityId, u64)>,
    /// Visits: each person met, with how many visits.
    pub met: Vec<(EntityId, u64)>,
    /// Persons (month 0): the focus residents and their households.
    pub focus: Vec<(EntityId, Option<EntityId>)>,
    /// Households (month 0): how many.
    pub registered: u64,
    /// Open records with a due date: category, due date (overdue after it), the date after
    /// which it is due for its answer or rectification, and how many records share them. The
    /// report compares them with its day, so nothing is folded.
    pub pending: Vec<Pending>,
    /// Fixed figures by the record the grid comes through (every figure, trailing zeros cut),
    /// for reports by grid.
    pub by_via: Vec<(Via, Vec<u64>)>,
    /// Open records with a due date by the record the grid comes through: `(via, due,
    /// rate_due, count)`, as [`Cell::pending`].
    pub pending_via: Vec<(Via, Option<Day>, Option<Day>, u64)>,
}

/// Open records sharing a category and due dates: `(category, due, rate_due, count)`.
pub type Pending = (String, Option<Day>, Option<Day>, u64);

impl Cell {
    fn is_empty(&self) -> bool {
        self.counts.is_empty()
            && self.households.is_empty()
            && self.met.is_empty()
            && self.focus.is_empty()
            && self.registered == 0
            && self.pending.is_empty()
            && self.by_via.is_empty()
            && self.pending_via.is_empty()
    }
    /// The fixed figures of a category.
    pub fn counts_of(v: &[u64]) -> Counts {
        let mut c = Counts::default();
        for (a, b) in c.0.iter_mut().zip(v) {
            *a = *b;
        }
        c
    }
}

/// What one record adds to the view.
pub(super) struct Part {
    key: FigKey,
    category: String,
    via: Via,
    counts: Counts,
    household: Option<EntityId>,
    met: Vec<EntityId>,
    focus: Option<(EntityId, Option<EntityId>)>,
    registered: bool,
    due: Option<Day>,
    rate_due: Option<Day>,
}

/// The record's part of the view (`None`: it adds nothing, like a person who is no focus
/// resident).
pub(super) fn part(id: EntityId, e: &Entity) -> Option<Part> {
    let empty = |key| Part {
        key,
        category: String::new(),
        via: Via::Nothing,
        counts: Counts::default(),
        household: None,
        met: vec![],
        focus: None,
        registered: false,
        due: None,
        rate_due: None,
    };
    match e.kind {
        Kind::Household => Some(Part { registered: true, ..empty(key(id.device, Kind::Household, 0)) }),
        Kind::Person if !is_hidden(id, &e.state) && is_focus(&e.state) => {
            let household = match e.state.get("household") {
                Some(Value::Ref(h)) => Some(*h),
                _ => None,
            };
            Some(Part { focus: Some((id, household)), ..empty(key(id.device, Kind::Person, 0)) })
        }
        Kind::Person => None,
        kind => {
            let c = contribution(kind, &e.state)?;
            let visited = c.visited.unwrap_or_default();
            Some(Part {
                key: key(id.device, kind, month_of(c.day)),
                category: c.category.unwrap_or_default(),
                via: via(kind, &e.state),
                counts: c.counts,
                household: visited.household,
                met: visited.met,
                focus: None,
                registered: false,
                due: c.due,
                rate_due: c.rate_due,
            })
        }
    }
}

#[derive(Default)]
struct CellDelta {
    counts: BTreeMap<String, [i64; FIGURES]>,
    households: BTreeMap<EntityId, i64>,
    met: BTreeMap<EntityId, i64>,
    focus: Vec<((EntityId, Option<EntityId>), i64)>,
    registered: i64,
    pending: BTreeMap<(String, Option<Day>, Option<Day>), i64>,
    by_via: BTreeMap<Via, [i64; FIGURES]>,
    pending_via: BTreeMap<(Via, Option<Day>, Option<Day>), i64>,
}

/// Changes to the view, collected over a write and applied once.
#[derive(Default)]
pub(super) struct FigDelta(BTreeMap<FigKey, CellDelta>);

impl FigDelta {
    /// Adds a record's part (`by` = 1) or takes it out (`by` = −1).
    pub fn add(&mut self, p: &Part, by: i64) {
        let d = self.0.entry(p.key).or_default();
        let row = d.counts.entry(p.category.clone()).or_insert([0; FIGURES]);
        for (a, n) in row.iter_mut().zip(p.counts.0) {
            *a += by * n as i64;
        }
        if !p.counts.is_zero() {
            let row = d.by_via.entry(p.via).or_insert([0; FIGURES]);
            for (a, n) in row.iter_mut().zip(p.counts.0) {
                *a += by * n as i64;
            }
        }
        if let Some(h) = p.household {
            *d.households.entry(h).or_default() += by;
        }
        for m in &p.met {
            *d.met.entry(*m).or_default() += by;
        }
        if let Some(f) = p.focus {
            d.focus.push((f, by));
        }
        if p.registered {
            d.registered += by;
        }
        if p.due.is_some() || p.rate_due.is_some() {
            *d.pending.entry((p.category.clone(), p.due, p.rate_due)).or_default() += by;
            *d.pending_via.entry((p.via, p.due, p.rate_due)).or_default() += by;
        }
    }

    fn changed(self) -> impl Iterator<Item = (FigKey, CellDelta)> {
        self.0.into_iter()
    }

    /// Applies the changes inside a transaction: one read and one write per changed key.
    pub fn apply_tx(self, t: &TransactionalTree) -> Result<(), TxError> {
        for (k, d) in self.changed() {
            let have = match t.get(k)? {
                Some(v) => codec::decode(&v).map_err(|err| TxError::Abort(bad(&k, err)))?,
                None => Cell::default(),
            };
            match merge(have, d) {
                Some(cell) => drop(t.insert(&k, codec::encode(&cell))?),
                None => drop(t.remove(&k)?),
            }
        }
        Ok(())
    }

    /// Applies the changes to the tree directly (bulk writes and the views rebuild).
    pub fn apply(self, t: &sled::Tree) -> Result<(), StoreError> {
        for (k, d) in self.changed() {
            let have = match t.get(k)? {
                Some(v) => codec::decode(&v).map_err(|err| bad(&k, err))?,
                None => Cell::default(),
            };
            match merge(have, d) {
                Some(cell) => drop(t.insert(k, codec::encode(&cell))?),
                None => drop(t.remove(k)?),
            }
        }
        Ok(())
    }
}

fn add_to(list: &mut Vec<(EntityId, u64)>, changes: BTreeMap<EntityId, i64>) {
    let mut m: BTreeMap<EntityId, i64> = list.iter().map(|(id, n)| (*id, *n as i64)).collect();
    for (id, by) in changes {
        *m.entry(id).or_default() += by;
    }
    *list = m.into_iter().filter(|(_, n)| *n > 0).map(|(id, n)| (id, n as u64)).collect();
}

/// The cell with the changes, `None` when nothing is left.
fn merge(mut cell: Cell, d: CellDelta) -> Option<Cell> {
    let mut counts: BTreeMap<String, [i64; FIGURES]> = BTreeMap::new();
    for (cat, v) in std::mem::take(&mut cell.counts) {
        let row = counts.entry(cat).or_insert([0; FIGURES]);
        for (a, n) in row.iter_mut().zip(v) {
            *a += n as i64;
        }
    }
    for (cat, v) in d.counts {
        let row = counts.entry(cat).or_insert([0; FIGURES]);
        for (a, n) in row.iter_mut().zip(v) {
            *a += n;
        }
    }
    cell.counts = counts
        .into_iter()
        .filter(|(_, v)| v.iter().any(|n| *n > 0))
        .map(|(c, v)| (c, v.iter().map(|n| (*n).max(0) as u64).collect()))
        .collect();
    add_to(&mut cell.households, d.households);
    add_to(&mut cell.met, d.met);
    for (f, by) in d.focus {
        if by < 0 {
            if let Some(i) = cell.focus.iter().position(|x| *x == f) {
                cell.focus.remove(i);
            }
        } else {
            cell.focus.push(f);
        }
    }
    cell.focus.sort();
    cell.registered = (cell.registered as i64 + d.registered).max(0) as u64;
    let mut pending: BTreeMap<(String, Option<Day>, Option<Day>), i64> =
        cell.pending.drain(..).map(|(c, due, rate, n)| ((c, due, rate), n as i64)).collect();
    for (k, by) in d.pending {
        *pending.entry(k).or_default() += by;
    }
    cell.pending =
        pending.into_iter().filter(|(_, n)| *n > 0).map(|((c, due, rate), n)| (c, due, rate, n as u64)).collect();
    let mut by_via: BTreeMap<Via, [i64; FIGURES]> = BTreeMap::new();
    for (via, v) in std::mem::take(&mut cell.by_via) {
        let row = by_via.entry(via).or_insert([0; FIGURES]);
        for (a, n) in row.iter_mut().zip(v) {
            *a += n as i64;
        }
    }
    for (via, v) in d.by_via {
        let row = by_via.entry(via).or_insert([0; FIGURES]);
        for (a, n) in row.iter_mut().zip(v) {
            *a += n;
        }
    }
    cell.by_via =
        by_via.into_iter().filter(|(_, v)| v.iter().any(|n| *n > 0)).map(|(via, v)| (via, trimmed(&v))).collect();
    let mut pending_via: BTreeMap<(Via, Option<Day>, Option<Day>), i64> =
        cell.pending_via.drain(..).map(|(via, due, rate, n)| ((via, due, rate), n as i64)).collect();
    for (k, by) in d.pending_via {
        *pending_via.entry(k).or_default() += by;
    }
    cell.pending_via = pending_via
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|((via, due, rate), n)| (via, due, rate, n as u64))
        .collect();
    (!cell.is_empty()).then_some(cell)
}

/// The counts up to the last that is not 0 (a visit's row is one number, not 23).
fn trimmed(v: &[i64; FIGURES]) -> Vec<u64> {
    let len = v.iter().rposition(|n| *n > 0).map_or(0, |i| i + 1);
    v[..len].iter().map(|n| (*n).max(0) as u64).collect()
}

fn bad(k: &[u8], err: codec::CodecError) -> StoreError {
    corrupt(format!("figures/{k:?}"))(err)
}

impl Store {
    /// How many keys the figures view holds (walks them: about one per device, ledger and
    /// month).
    pub fn figure_keys(&self) -> u64 {
        self.figures.len() as u64
    }

    /// The figures cells one at a time, in key order: `f` gets the registry's cells and those of
    /// the months from `first` to `last`, and `None` for each other key (not decoded, so a
    /// month's report decodes a month's cells). Stops when `f` returns false; returns whether
    /// every key was given.
    pub fn each_figure_cell(
        &self,
        first: Day,
        last: Day,
        f: &mut dyn FnMut(Option<CellAt>) -> bool,
    ) -> Result<bool, StoreError> {
        for kv in self.figures.iter() {
            let (k, v) = kv?;
            let (device, kind, month) = parse_key(&k).ok_or_else(|| bad(&k, codec::CodecError::Truncated))?;
            let cell = match month {
                Some(m) if m < first.first_of_month() || m > last => None,
                _ => Some((device, kind, month, codec::decode(&v).map_err(|err| bad(&k, err))?)),
            };
            if !f(cell) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Every figures cell: device, ledger, month (`None`: the registry's), cell.
    pub fn figure_cells(&self) -> Result<Vec<CellAt>, StoreError> {
        let mut out = Vec::new();
        for kv in self.figures.iter() {
            let (k, v) = kv?;
            let (device, kind, month) = parse_key(&k).ok_or_else(|| bad(&k, codec::CodecError::Truncated))?;
            out.push((device, kind, month, codec::decode(&v).map_err(|err| bad(&k, err))?));
        }
        Ok(out)
    }
}
