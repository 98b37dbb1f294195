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
    (!cell.is_empty()).then_some(cell)
}

fn bad(k: &[u8], err: codec::CodecError) -> StoreError {
    corrupt(format!("figures/{k:?}"))(err)
}

/// `doctor`'s check of the view: the cells a fresh fold of every record gives, compared with the
/// stored ones.
#[derive(Default)]
pub struct FigureCheck(FigDelta);

impl FigureCheck {
    /// Adds one record's part, folded from its events.
    pub fn add(&mut self, id: EntityId, events: &[crate::events::Event]) {
        if let Some(p) = crate::events::fold(id, events).and_then(|e| part(id, &e)) {
            self.0.add(&p, 1);
        }
    }

    /// The cells that differ from what the events give, one line each.
    pub fn finish(self, store: &Store) -> Result<Vec<String>, StoreError> {
        let mut want: BTreeMap<FigKey, Cell> = BTreeMap::new();
        for (k, d) in self.0.changed() {
            if let Some(cell) = merge(Cell::default(), d) {
                want.insert(k, cell);
            }
        }
        let mut problems = Vec::new();
        for kv in store.figures.iter() {
            let (k, v) = kv?;
            let name = parse_key(&k).map_or_else(|| format!("{k:?}"), |(d, kind, m)| format!("{d} {kind:?} {m:?}"));
            let have: Cell = codec::decode(&v).map_err(|err| bad(&k, err))?;
            match <FigKey>::try_from(k.as_ref()).ok().and_then(|k| want.remove(&k)) {
                Some(w) if w == have => {}
                Some(_) => problems.push(format!("figures {name}: differs from what the events give")),
                None => problems.push(format!("figures {name}: stored, but no record adds to it")),
            }
        }
        for k in want.keys() {
            let name = parse_key(k).map_or_else(|| format!("{k:?}"), |(d, kind, m)| format!("{d} {kind:?} {m:?}"));
            problems.push(format!("figures {name}: missing, the events give a cell"));
        }
        Ok(problems)
    }
}

impl Store {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::value::Value;
    use crate::events::Op;
    use crate::store::Draft;
    use crate::store::db::Options;
    use crate::store::test_support::temp_store;

    fn create(kind: Kind, fields: Vec<(&str, Value)>) -> Draft {
        let fields = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Draft { entity: None, op: Op::Create { kind, fields } }
    }

    fn day(s: &str) -> Value {
        Value::Date(Day::parse(s).unwrap())
    }

    #[test]
    fn the_views_rebuild_derives_the_same_figures_as_the_write_path() {
        let (t, s) = temp_store(7);
        let text = |s: &str| Value::Text(s.into());
        let h = s.commit(
            vec![create(Kind::Household, vec![("status", text("ACTIVE")), ("address", text("一组1号"))])],
            "w",
            1000,
        );
        let h = h.unwrap()[0].entity;
        let person = vec![
            ("status", text("ACTIVE")),
            ("name", text("赵奶奶")),
            ("household", Value::Ref(h)),
            ("tags", Value::List(vec![text("ELDERLY_ALONE")])),
        ];
        let demand = vec![
            ("status", text("RECEIVED")),
            ("received_on", day("2026-11-02")),
            ("due_on", day("2026-11-05")),
            ("domain", text("INFRA")),
        ];
        let visit = vec![("status", text("RECORDED")), ("date", day("2026-11-03")), ("household", Value::Ref(h))];
        s.commit(
            vec![create(Kind::Person, person), create(Kind::Demand, demand), create(Kind::Visit, visit)],
            "w",
            2000,
        )
        .unwrap();
        let written = s.figure_cells().unwrap();
        assert_eq!(written.len(), 4, "households, focus residents, November's demands and visits: {written:?}");
        let demands = written.iter().find(|c| c.1 == Kind::Demand).expect("demands' cell");
        assert_eq!(
            demands.3.pending,
            vec![("INFRA".to_string(), Day::parse("2026-11-05"), Day::parse("2026-11-05"), 1)]
        );
        s.meta.remove(b"views_version").unwrap();
        s.figures.clear().unwrap();
        s.flush().unwrap();
        drop(s);
        let s = Store::open(t.path(), &Options::default()).unwrap();
        assert_eq!(s.figure_cells().unwrap(), written, "rebuilt on open from the events");
    }

    fn check(s: &Store) -> Vec<String> {
        let mut c = FigureCheck::default();
        for b in s.scan() {
            let b = b.unwrap();
            for (n, events) in &b.records {
                c.add(EntityId { device: b.device, n: *n }, events);
            }
        }
        c.finish(s).unwrap()
    }

    #[test]
    fn the_check_finds_a_cell_changed_lost_or_left_over() {
        let (_t, s) = temp_store(7);
        let text = |s: &str| Value::Text(s.into());
        let demand = |on: &str| {
            vec![("status", text("RECEIVED")), ("received_on", day(on)), ("due_on", day(on)), ("domain", text("INFRA"))]
        };
        s.commit(vec![create(Kind::Demand, demand("2026-11-02")), create(Kind::Demand, demand("2026-10-02"))], "w", 1)
            .unwrap();
        assert_eq!(check(&s), Vec::<String>::new(), "the write path's view is what the events give");
        let cells: Vec<(sled::IVec, sled::IVec)> = s.figures.iter().map(|kv| kv.unwrap()).collect();
        assert_eq!(cells.len(), 2);
        // a cell changed
        let mut cell: Cell = codec::decode(&cells[0].1).unwrap();
        cell.registered += 1;
        s.figures.insert(&cells[0].0, codec::encode(&cell)).unwrap();
        // a cell lost, and one left over
        s.figures.remove(&cells[1].0).unwrap();
        let mut stray = cells[1].0.to_vec();
        stray[0] ^= 0xff;
        s.figures.insert(stray, cells[1].1.clone()).unwrap();
        let problems = check(&s).join("\n");
        assert!(
            problems.contains("differs") && problems.contains("missing") && problems.contains("no record"),
            "{problems}"
        );
    }
}
