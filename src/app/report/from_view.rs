//! The report from the store's figures view (docs/REPORTS.md, "How it is computed"): the
//! figures of each device, ledger and month are read from a few keys, with the due dates of the
//! open records, which are compared with the report's day; no record is folded.

use std::collections::BTreeMap;

use super::{Group, GroupBy, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Counts, Figure, Period, Roll, late};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::store::{CellAt, FigureCell};

/// The report by village or by category, from the view (by grid needs the households' grids:
/// `compute`).
pub(super) fn report(app: &App, spec: &ReportSpec, as_of: Day) -> Result<Report, AppError> {
    let places = app.store.places()?;
    let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
    let group = |d: DeviceId, category: Option<(Kind, String)>| -> Group {
        match spec.by {
            GroupBy::Category => Group { category, ..Group::default() },
            _ => Group { village: village(d), ..Group::default() },
        }
    };
    let roll = roll(&app.store.figure_cells()?, spec.period, as_of, &group);
    let mut names = BTreeMap::new();
    if let Some(i) = app.identity.as_ref() {
        names.insert(i.division.clone(), i.place.clone());
    }
    Ok(super::compute::finish(app, spec, as_of, roll, &names))
}

/// The figures of `period` as of `as_of` from the view's cells, each device's and category's
/// (`None`: the registry's) added to the row `group` names: the report's groupings, and the
/// statistics file's village-and-category rows (`app::report::stats`).
pub(super) fn roll(
    cells: &[CellAt],
    period: Period,
    as_of: Day,
    group: &dyn Fn(DeviceId, Option<(Kind, String)>) -> Group,
) -> Roll<Group> {
    let registry = || Some((Kind::Visit, String::new()));
    let mut roll: Roll<Group> = Roll::new(period, as_of);
    for (device, kind, month, cell) in cells {
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
    roll
}
