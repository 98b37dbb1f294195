//! Adding the figures up: every record is read once (folded from its block), its group found,
//! its contribution given to the roll (docs/REPORTS.md, "How it is computed").

use std::collections::{BTreeMap, HashMap};

use super::{Group, GroupBy, Report, ReportRow, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Contribution, Counts, Roll, contribution, is_focus};
use crate::domain::merged::is_hidden;
use crate::domain::{Day, DeviceId, EntityId, Kind, Value};
use crate::events::fold;

/// What names a record's grid: its household, a person (the household they live in), a visit
/// (its household).
#[derive(Clone, Copy)]
enum Via {
    Household(EntityId),
    Person(EntityId),
    Visit(EntityId),
    Nothing,
}

fn reference(v: Option<&Value>) -> Option<EntityId> {
    match v {
        Some(Value::Ref(id)) => Some(*id),
        _ => None,
    }
}

/// The record that names a ledger record's grid: a visit's household, a demand's requester or
/// visit, a dispute's first party registered as a person; a hazard names none.
fn via(kind: Kind, s: &crate::domain::RecordState) -> Via {
    match kind {
        Kind::Visit => reference(s.get("household")).map(Via::Household),
        Kind::Demand => {
            reference(s.get("requester")).map(Via::Person).or_else(|| reference(s.get("visit")).map(Via::Visit))
        }
        Kind::Dispute => match s.get("parties") {
            Some(Value::List(parties)) => parties.iter().find_map(|p| reference(p.get("person"))).map(Via::Person),
            _ => None,
        },
        _ => None,
    }
    .unwrap_or(Via::Nothing)
}

struct Held {
    device: DeviceId,
    via: Via,
    contribution: Contribution,
}

/// The report by folding every record (every grouping; `--by grid` needs it).
pub(super) fn report(app: &App, spec: &ReportSpec, as_of: Day) -> Result<Report, AppError> {
    let places = app.store.places()?;
    let own = app.identity.as_ref();
    let mut households: HashMap<EntityId, String> = HashMap::new();
    let mut persons: Vec<(EntityId, Option<EntityId>, bool)> = Vec::new();
    let mut visits: HashMap<EntityId, EntityId> = HashMap::new();
    let mut held: Vec<Held> = Vec::new();
    for block in app.store.scan() {
        let block = block?;
        for (n, events) in block.records {
            let id = EntityId { device: block.device, n };
            let Some(e) = fold(id, &events) else { continue };
            match e.kind {
                Kind::Household => {
                    households.insert(id, e.state.text("grid").unwrap_or("").to_string());
                }
                Kind::Person if !is_hidden(id, &e.state) => {
                    persons.push((id, reference(e.state.get("household")), is_focus(&e.state)));
                }
                Kind::Person => {}
                kind => {
                    if kind == Kind::Visit
                        && let Some(h) = reference(e.state.get("household"))
                    {
                        visits.insert(id, h);
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
    let lives_in: HashMap<EntityId, EntityId> = persons.iter().filter_map(|(p, h, _)| Some((*p, (*h)?))).collect();
    let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
    // the store's own grid for its own records that name no household (a village store's worker
    // keeps one grid)
    let own_grid = |d: DeviceId| own.filter(|i| i.device == d).map(|i| i.grid.clone()).unwrap_or_default();
    let grid_of_household = |h: EntityId| households.get(&h).cloned();
    let grid_via = |d: DeviceId, via: Via| -> String {
        let h = match via {
            Via::Household(h) => Some(h),
            Via::Person(p) => lives_in.get(&p).copied(),
            Via::Visit(v) => visits.get(&v).copied(),
            Via::Nothing => None,
        };
        h.and_then(grid_of_household).filter(|g| !g.is_empty()).unwrap_or_else(|| own_grid(d))
    };
    let group = |d: DeviceId, via: Via, category: Option<(Kind, String)>| -> Group {
        match spec.by {
            GroupBy::Village => Group { village: village(d), ..Group::default() },
            GroupBy::Grid => Group { village: village(d), grid: Some(grid_via(d, via)), category: None },
            GroupBy::Category => Group { category, ..Group::default() },
        }
    };
    let mut roll: Roll<Group> = Roll::new(spec.period, as_of);
    for h in households.keys() {
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
    Ok(finish(app, spec, as_of, roll, &names))
}

/// The rows of a roll, labelled, and their total.
pub(super) fn finish(
    app: &App,
    spec: &ReportSpec,
    as_of: Day,
    roll: Roll<Group>,
    names: &BTreeMap<String, String>,
) -> Report {
    let rows: Vec<ReportRow> = roll
        .finish()
        .into_iter()
        .map(|(group, counts)| ReportRow { label: app.group_label(&group, names), group, counts })
        .collect();
    let mut total = Counts::default();
    for r in &rows {
        total.merge(&r.counts);
    }
    Report { period: spec.period, by: spec.by, as_of, rows, total }
}
