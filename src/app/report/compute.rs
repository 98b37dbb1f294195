//! Adding the figures up: every record is read once (folded from its block), its group found,
//! its contribution given to the roll (docs/REPORTS.md, "How it is computed").

use std::collections::BTreeMap;

use super::{Group, GroupBy, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Contribution, Roll, contribution, is_focus};
use crate::domain::merged::is_hidden;
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::store::{Links, Via, reference, via};

use super::Progress;
use super::grids::{grid_via, own_grid};
use crate::events::fold;

struct Held {
    device: DeviceId,
    via: Via,
    contribution: Contribution,
}

/// The report by folding every record (every grouping; the reference the view is checked
/// against), calling `progress` once per block read.
pub(super) fn report(app: &App, spec: &ReportSpec, as_of: Day, progress: Progress) -> Result<Report, AppError> {
    let places = app.store.places()?;
    let own = app.identity.as_ref();
    // every household's grid, every person's (not merged) and visit's household: what the links
    // view keeps (store/figures/links.rs)
    let mut links = Links::default();
    let mut persons: Vec<(EntityId, Option<EntityId>, bool)> = Vec::new();
    let mut held: Vec<Held> = Vec::new();
    let total = app.store.estimated_blocks().max(1);
    let mut done = 0u64;
    if !progress(0, total) {
        return Err(AppError::Cancelled);
    }
    for block in app.store.scan() {
        let block = block?;
        done += 1;
        if !progress(done.min(total), total) {
            return Err(AppError::Cancelled);
        }
        for (n, events) in block.records {
            let id = EntityId { device: block.device, n };
            let Some(e) = fold(id, &events) else { continue };
            match e.kind {
                Kind::Household => {
                    links.grids.insert(id, e.state.text("grid").unwrap_or("").to_string());
                }
                Kind::Person if !is_hidden(id, &e.state) => {
                    let h = reference(e.state.get("household"));
                    if let Some(h) = h {
                        links.homes.insert(id, h);
                    }
                    persons.push((id, h, is_focus(&e.state)));
                }
                Kind::Person => {}
                kind => {
                    if kind == Kind::Visit
                        && let Some(h) = reference(e.state.get("household"))
                    {
                        links.homes.insert(id, h);
                    }
                    if let Some(c) = contribution(kind, &e.state)
                        && spec.period.contains(c.day)
                    {
                        held.push(Held { device: block.device, via: via(kind, &e.state), contribution: c });
                    }
                }
            }
        }
    }
    let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
    let own_grid = own_grid(app);
    let group = |d: DeviceId, via: Via, category: Option<(Kind, String)>| -> Group {
        match spec.by {
            GroupBy::Village => Group { village: village(d), ..Group::default() },
            GroupBy::Grid => {
                Group { village: village(d), grid: Some(grid_via(&links, &own_grid, d, via)), category: None }
            }
            GroupBy::Category => Group { category, ..Group::default() },
        }
    };
    let mut roll: Roll<Group> = Roll::new(spec.period, as_of);
    for h in links.grids.keys() {
        roll.household(group(h.device, Via::Household(*h), Some((Kind::Visit, String::new()))), *h);
    }
    for (p, h, focus) in &persons {
        if *focus {
            let via = h.map(Via::Household).unwrap_or(Via::Nothing);
            roll.focus_resident(group(p.device, via, Some((Kind::Visit, String::new()))), *p, *h);
        }
    }
    for r in &held {
        let category = Some((r.contribution.kind, r.contribution.category.clone().unwrap_or_default()));
        let category = if r.contribution.kind == Kind::Visit { Some((Kind::Visit, String::new())) } else { category };
        roll.record(group(r.device, r.via, category), &r.contribution);
    }
    let mut names = BTreeMap::new();
    if let Some(i) = own {
        names.insert(i.division.clone(), i.place.clone());
    }
    Ok(super::finish(app, spec, as_of, roll.finish(), &names))
}
