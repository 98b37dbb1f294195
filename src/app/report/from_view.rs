//! The report from the store's figures view (docs/REPORTS.md, "How it is computed"): the fixed
//! figures of each device, ledger and month are read from a few keys, and only the records that
//! are late on the report's day are folded (from the open-work index, which is sorted by due
//! date), so a township's report does not fold every record.

use std::collections::BTreeMap;

use super::{Group, GroupBy, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Counts, Figure, Roll, contribution};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::fold;
use crate::store::FigureCell;

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
    let registry = || Some((Kind::Visit, String::new()));
    let mut roll: Roll<Group> = Roll::new(spec.period, as_of);
    for (device, kind, month, cell) in app.store.figure_cells()? {
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
            (kind, Some(month)) if month >= spec.period.first.first_of_month() && month <= spec.period.last => {
                for (category, v) in &cell.counts {
                    let category = if kind == Kind::Visit { registry() } else { Some((kind, category.clone())) };
                    roll.counts(group(device, category), &FigureCell::counts_of(v));
                }
                for (h, _) in &cell.households {
                    roll.visited(group(h.device, registry()), month, Some(*h), &[]);
                }
                let met: Vec<EntityId> = cell.met.iter().map(|(p, _)| *p).collect();
                roll.visited(group(device, registry()), month, None, &met);
            }
            _ => {}
        }
    }
    // what depends on the report's day: the records past their due date, folded
    let mut late = Vec::new();
    for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
        app.store.walk_open_marked(kind, &mut |id, due, _, _| match due {
            Some(d) if d < as_of => {
                late.push(id);
                true
            }
            _ => false,
        })?;
    }
    for chunk in late.chunks(4096) {
        for (id, events) in app.store.events_of_many(chunk)? {
            let Some(e) = fold(id, &events) else { continue };
            let Some(c) = contribution(e.kind, &e.state) else { continue };
            if !spec.period.contains(c.day) {
                continue;
            }
            let mut on = c.counts_on(as_of);
            for (a, b) in on.0.iter_mut().zip(c.counts.0) {
                *a -= b;
            }
            roll.counts(group(id.device, Some((c.kind, c.category.clone().unwrap_or_default()))), &on);
        }
    }
    let mut names = BTreeMap::new();
    if let Some(i) = app.identity.as_ref() {
        names.insert(i.division.clone(), i.place.clone());
    }
    Ok(super::compute::finish(app, spec, as_of, roll, &names))
}
