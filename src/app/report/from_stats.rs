//! A county's report (docs/COUNTY.md, "Import (county)"): the figures its townships sent, read
//! from the store's `stats` tree, added up across places of one period (never across periods:
//! each period's figures were computed at the source).

use std::collections::BTreeMap;

use super::stats::{from_ids, period_key};
use super::{Group, GroupBy, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::Counts;
use crate::domain::{Day, Kind};
use crate::i18n::tr;

/// Where a county's figures of a period came from: a township and the day its figures were
/// computed for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReportSource {
    /// The township's name.
    pub place: String,
    /// Its division code.
    pub division: String,
    /// The day its figures were computed for (the earliest, if its places differ); in JSON
    /// as `YYYY-MM-DD`, as every other date.
    #[serde(serialize_with = "day_text")]
    pub as_of: Day,
}

fn day_text<S: serde::Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(day)
}

/// The county's report of `spec.period` from the stored figures; `as_of` is the earliest day
/// any of them was computed for (today when none).
pub(super) fn report(app: &App, spec: &ReportSpec, today: Day) -> Result<Report, AppError> {
    if spec.by == GroupBy::Grid {
        return Err(AppError::Usage(tr(app.lang, "report.county_no_grid", &[])));
    }
    let want = period_key(&spec.period);
    let entries: Vec<_> = app.store.stats_entries()?.into_iter().filter(|e| e.period == want).collect();
    let mut rows: BTreeMap<Group, Counts> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for e in &entries {
        names.insert(e.division.clone(), e.place.clone());
        for (category, figures) in &e.rows {
            let group = match (spec.by, category) {
                (GroupBy::Category, Some((tag, code))) => {
                    let Some(kind) = Kind::from_tag(*tag) else { continue };
                    Group { category: Some((kind, code.clone())), ..Group::default() }
                }
                (GroupBy::Category, None) | (_, Some(_)) => continue,
                (_, None) => Group { village: e.division.clone(), ..Group::default() },
            };
            rows.entry(group).or_default().merge(&from_ids(figures));
        }
    }
    let as_of = entries.iter().map(|e| e.as_of).min().unwrap_or(today);
    Ok(super::finish(app, spec, as_of, rows, &names))
}

impl App {
    /// A county store's sources for `spec`'s period: each township whose figures it holds, with
    /// the day they were computed for. Empty on other stores.
    pub fn report_sources(&self, spec: &ReportSpec) -> Result<Vec<ReportSource>, AppError> {
        if !self.is_county() {
            return Ok(Vec::new());
        }
        let want = period_key(&spec.period);
        let mut by: BTreeMap<String, ReportSource> = BTreeMap::new();
        for e in self.store.stats_entries()?.into_iter().filter(|e| e.period == want) {
            let s = by.entry(e.producer.clone()).or_insert(ReportSource {
                place: e.producer_place.clone(),
                division: e.producer.clone(),
                as_of: e.as_of,
            });
            s.as_of = s.as_of.min(e.as_of);
        }
        Ok(by.into_values().collect())
    }

    /// Refuses on a county store, which holds figures only (adding or changing records,
    /// exporting bundles).
    pub(crate) fn not_on_county(&self) -> Result<(), AppError> {
        if self.is_county() {
            return Err(AppError::Usage(tr(self.lang, "app.county_figures_only", &[])));
        }
        Ok(())
    }

    /// Whether this is a county store: it holds figures only (docs/COUNTY.md).
    pub fn is_county(&self) -> bool {
        self.identity.as_ref().is_some_and(|i| i.role == "county")
    }
}
