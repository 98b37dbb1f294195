//! The report from the store's figures view (docs/REPORTS.md, "How it is computed"): the
//! figures of each device, ledger and month are read from a few keys, with the due dates of the
//! open records, which are compared with the report's day; no record is folded. By grid, the
//! cells' figures by the record the grid comes through (`Via`) are given the grid the links view
//! resolves now: a household's grid, a person's or visit's household's.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::grids::{grid_via, own_grid};
use super::{Group, GroupBy, Progress, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Counts, Figure, Period, Roll, late};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::store::{CellAt, FigureCell, Via};

/// The report from the view, every grouping. The cells are read one at a time and rolled up
/// as they come (only the period's are decoded), so memory holds the roll, not the view.
pub(super) fn report(app: &App, spec: &ReportSpec, as_of: Day, progress: Progress) -> Result<Report, AppError> {
    if !progress(0, 1) {
        return Err(AppError::Cancelled);
    }
    let places = app.store.places()?;
    let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
    let rows = if spec.by == GroupBy::Grid {
        grid(app, spec.period, as_of, &village, progress)?
    } else {
        let group = |d: DeviceId, category: Option<(Kind, String)>| -> Group {
            match spec.by {
                GroupBy::Category => Group { category, ..Group::default() },
                _ => Group { village: village(d), ..Group::default() },
            }
        };
        let total = app.store.figure_keys();
        let (mut done, mut roll) = (0, Roll::new(spec.period, as_of));
        let whole = app.store.each_figure_cell(spec.period.first, spec.period.last, &mut |cell| {
            if let Some(c) = &cell {
                roll_cell(&mut roll, c, spec.period, as_of, &group);
            }
            done += 1;
            progress(done, total)
        })?;
        if !whole {
            return Err(AppError::Cancelled);
        }
        roll.finish()
    };
    let mut names = BTreeMap::new();
    if let Some(i) = app.identity.as_ref() {
        names.insert(i.division.clone(), i.place.clone());
    }
    Ok(super::finish(app, spec, as_of, rows, &names))
}

/// The groups of a roll by grid, each once: the roll keys its sets (households held and
/// visited, focus residents) by a group's number, not by its two strings (on the township
/// store of docs/PERFORMANCE.md, "Reports", the strings took 40 MB more).
#[derive(Default)]
struct Groups {
    numbers: HashMap<(DeviceId, String), u32>,
    groups: Vec<(DeviceId, String)>,
}

impl Groups {
    fn number(&mut self, d: DeviceId, grid: String) -> u32 {
        let next = self.groups.len() as u32;
        *self.numbers.entry((d, grid)).or_insert_with_key(|k| {
            self.groups.push(k.clone());
            next
        })
    }
}

/// By grid within each village, in two reads of the period's cells: the persons and visits
/// their records reach a grid through, then (with those links read) the figures by `Via`.
fn grid(
    app: &App,
    period: Period,
    as_of: Day,
    village: &dyn Fn(DeviceId) -> String,
    progress: Progress,
) -> Result<BTreeMap<Group, Counts>, AppError> {
    let total = 2 * app.store.figure_keys() + app.store.link_keys();
    let mut done = 0u64;
    let mut tick = || {
        done += 1;
        progress(done, total)
    };
    let (first, last) = (period.first, period.last);
    let mut wanted: HashSet<EntityId> = HashSet::new();
    let whole = app.store.each_figure_cell(first, last, &mut |cell| {
        if let Some((_, _, Some(_), cell)) = &cell {
            let vias = cell.by_via.iter().map(|(v, _)| v).chain(cell.pending_via.iter().map(|p| &p.0));
            wanted.extend(vias.filter_map(|v| match v {
                Via::Person(id) | Via::Visit(id) => Some(*id),
                _ => None,
            }));
        }
        tick()
    })?;
    if !whole {
        return Err(AppError::Cancelled);
    }
    let links = app.store.links(&|id| wanted.contains(&id), &mut tick)?.ok_or(AppError::Cancelled)?;
    drop(wanted);
    let own = own_grid(app);
    let groups = std::cell::RefCell::new(Groups::default());
    let group = |d: DeviceId, via: Via| groups.borrow_mut().number(d, grid_via(&links, &own, d, via));
    let mut roll: Roll<u32> = Roll::new(period, as_of);
    for h in links.grids.keys() {
        roll.household(group(h.device, Via::Household(*h)), *h);
    }
    let whole = app.store.each_figure_cell(first, last, &mut |cell| {
        let Some((device, kind, month, cell)) = &cell else { return tick() };
        match (*kind, month) {
            (Kind::Person, None) => {
                for (p, h) in &cell.focus {
                    roll.focus_resident(group(p.device, h.map_or(Via::Nothing, Via::Household)), *p, *h);
                }
            }
            (kind, Some(month)) => {
                for (via, v) in &cell.by_via {
                    roll.counts(group(*device, *via), &FigureCell::counts_of(v));
                }
                for (h, _) in &cell.households {
                    roll.visited(group(*device, Via::Household(*h)), *month, Some(*h), &[]);
                }
                let met: Vec<EntityId> = cell.met.iter().map(|(p, _)| *p).collect();
                roll.visited(group(*device, Via::Nothing), *month, None, &met);
                for (via, due, rate_due, n) in &cell.pending_via {
                    roll.counts(group(*device, *via), &late(kind, *due, *rate_due, as_of, *n));
                }
            }
            _ => {}
        }
        tick()
    })?;
    if !whole {
        return Err(AppError::Cancelled);
    }
    let groups = groups.into_inner().groups;
    let mut rows: BTreeMap<Group, Counts> = BTreeMap::new();
    for (n, counts) in roll.finish() {
        let (d, grid) = &groups[n as usize];
        let g = Group { village: village(*d), grid: Some(grid.clone()), category: None };
        rows.entry(g).or_default().merge(&counts);
    }
    Ok(rows)
}

/// The figures of `period` as of `as_of` from the view's cells, each device's and category's
/// (`None`: the registry's) added to the row `group` names: the report's groupings by village
/// and by category, and the statistics file's village-and-category rows
/// (`app::report::stats`).
// the statistics export (stats.rs) reads the cells once and rolls every period over them
pub(super) fn roll(
    cells: &[CellAt],
    period: Period,
    as_of: Day,
    group: &dyn Fn(DeviceId, Option<(Kind, String)>) -> Group,
) -> Roll<Group> {
    let mut roll: Roll<Group> = Roll::new(period, as_of);
    for c in cells {
        roll_cell(&mut roll, c, period, as_of, group);
    }
    roll
}

/// Adds one cell to a roll by village or category ([`roll`]).
fn roll_cell(
    roll: &mut Roll<Group>,
    (device, kind, month, cell): &CellAt,
    period: Period,
    as_of: Day,
    group: &dyn Fn(DeviceId, Option<(Kind, String)>) -> Group,
) {
    let registry = || Some((Kind::Visit, String::new()));
    let (device, kind) = (*device, *kind);
    match (kind, month) {
        (Kind::Household, None) => {
            let mut c = Counts::default();
            c.add(Figure::HouseholdsRegistered, cell.registered);
            roll.counts(group(device, registry()), &c);
        }
        (Kind::Person, None) => {
            for (p, h) in &cell.focus {
                roll.focus_resident(group(p.device, registry()), *p, *h);
            }
        }
        (kind, Some(month)) if *month >= period.first.first_of_month() && *month <= period.last => {
            let month = *month;
            for (category, v) in &cell.counts {
                let category = if kind == Kind::Visit { registry() } else { Some((kind, category.clone())) };
                roll.counts(group(device, category), &FigureCell::counts_of(v));
            }
            for (h, _) in &cell.households {
                roll.visited(group(h.device, registry()), month, Some(*h), &[]);
            }
            let met: Vec<EntityId> = cell.met.iter().map(|(p, _)| *p).collect();
            roll.visited(group(device, registry()), month, None, &met);
            for (category, due, rate_due, n) in &cell.pending {
                roll.counts(group(device, Some((kind, category.clone()))), &late(kind, *due, *rate_due, as_of, *n));
            }
        }
        _ => {}
    }
}
