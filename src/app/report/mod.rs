//! The assessment report (考核): the figures of a period by village, by grid within a village, or
//! by category (docs/REPORTS.md). The figures and what each record adds to them are the
//! domain's (`domain::figures`); this module finds each record's group and adds them up, and
//! `format` writes the table and JSON, `sheet` CSV and XLSX. The rows are typed ([`ReportRow::counts`]:
//! `Counts::get(Figure)`, `Counts::rate(Rate)`) so that the TUI's 报表 tab can chart them.

mod compute;
pub mod format;
mod from_stats;
mod from_view;
mod grids;
pub mod sheet;
pub mod stats;

pub use from_stats::ReportSource;

use std::collections::BTreeMap;

use crate::domain::Day;
use crate::domain::Kind;
use crate::domain::figures::{Counts, Figure, Period, RATES, Rate};
use crate::i18n::{Lang, tr};

use super::{App, AppError};

/// How the rows are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// One row per village (the division of the device that created each record).
    #[default]
    Village,
    /// One row per grid within each village (a household's grid; docs/REPORTS.md, "Grids").
    Grid,
    /// One row per category of each ledger (a demand's domain, a dispute's or hazard's category).
    Category,
}

impl GroupBy {
    /// Reads `village`, `grid` or `category`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "village" => Some(GroupBy::Village),
            "grid" => Some(GroupBy::Grid),
            "category" => Some(GroupBy::Category),
            _ => None,
        }
    }
    /// Its name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Village => "village",
            GroupBy::Grid => "grid",
            GroupBy::Category => "category",
        }
    }
}

/// What to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportSpec {
    /// The period: a month, a quarter or a year.
    pub period: Period,
    /// The rows.
    pub by: GroupBy,
}

/// A row's group. Ordered so that rows sort by village, then grid, then ledger and category.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    /// The village's division code (of the device that created the records).
    pub village: String,
    /// The grid (`--by grid`; empty: the records name none).
    pub grid: Option<String>,
    /// The ledger and category code (`--by category`).
    pub category: Option<(Kind, String)>,
}

/// One row of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    /// Its group.
    pub group: Group,
    /// The group in the user's language (village code and name, grid, category label).
    pub label: String,
    /// Its figures.
    pub counts: Counts,
}

impl ReportRow {
    /// Whether the row belongs in `ledger`'s table (rows by category belong to one ledger).
    pub fn in_ledger(&self, ledger: Kind) -> bool {
        self.group.category.as_ref().is_none_or(|(k, _)| *k == ledger)
    }
}

/// The report: rows of typed figures and their total.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// The grouping.
    pub by: GroupBy,
    /// The day the report was made: what is overdue is overdue on this day.
    pub as_of: Day,
    /// The rows, by group.
    pub rows: Vec<ReportRow>,
    /// Every row added up.
    pub total: Counts,
}

/// The ledgers of the report, each a table (a sheet in XLSX).
pub const LEDGERS: [Kind; 4] = [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard];

/// A column of a ledger's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// A counted figure.
    Count(Figure),
    /// A rate in percent.
    Rate(Rate),
}

impl Column {
    /// Its name in JSON and CSV headers for machines, and the suffix of its catalogue keys.
    pub fn name(self) -> &'static str {
        match self {
            Column::Count(f) => f.name(),
            Column::Rate(r) => r.name,
        }
    }
    /// Its header in the user's language.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Column::Count(f) => tr(lang, &format!("report.fig.{}", f.name()), &[]),
            Column::Rate(r) => tr(lang, &format!("report.rate.{}", r.name), &[]),
        }
    }
    /// Its definition (figures) or formula (rates), in the user's language.
    pub fn definition(self, lang: Lang) -> String {
        tr(lang, &format!("report.def.{}", self.name()), &[])
    }
    /// Its value in a row, as text: a count, or a rate with one decimal ("—" when nothing was
    /// due).
    pub fn cell(self, counts: &Counts) -> String {
        match self {
            Column::Count(f) => counts.get(f).to_string(),
            Column::Rate(r) => counts.rate(r).map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into()),
        }
    }
}

/// The columns of a ledger's table: its figures, each rate right after its numerator.
pub fn columns(ledger: Kind) -> Vec<Column> {
    let mut out = Vec::new();
    for f in Figure::ALL.into_iter().filter(|f| f.ledger() == ledger) {
        out.push(Column::Count(f));
        out.extend(RATES.into_iter().filter(|r| r.num == f).map(Column::Rate));
    }
    out
}

/// A ledger's name in the report (走访 covers visits and the registry).
pub fn ledger_label(ledger: Kind, lang: Lang) -> String {
    tr(lang, &format!("report.ledger.{}", ledger.name()), &[])
}

impl App {
    /// The assessment report of `spec.period` as of today (docs/REPORTS.md), from the store's
    /// figures view whatever the grouping (by grid, the grids are resolved through the links
    /// view: docs/REPORTS.md, "How it is computed").
    pub fn report(&self, spec: &ReportSpec) -> Result<Report, AppError> {
        self.report_with(spec, &|_, _| true)
    }

    /// [`App::report`], calling `progress(done, total)` as it reads the view's keys (the TUI's
    /// gauge); when `progress` returns false the report stops with [`AppError::Cancelled`].
    pub fn report_with(&self, spec: &ReportSpec, progress: &dyn Fn(u64, u64) -> bool) -> Result<Report, AppError> {
        // a county holds its townships' figures, not records (docs/COUNTY.md)
        if self.is_county() {
            return from_stats::report(self, spec, self.today());
        }
        from_view::report(self, spec, self.today(), progress)
    }

    /// The same report computed by folding every record, whatever the grouping (slower: the
    /// reference the view is checked against).
    pub fn report_folded(&self, spec: &ReportSpec) -> Result<Report, AppError> {
        compute::report(self, spec, self.today(), &|_, _| true)
    }

    /// The label of a group, in the user's language.
    fn group_label(&self, g: &Group, names: &BTreeMap<String, String>) -> String {
        let lang = self.lang;
        let mut out = match names.get(&g.village) {
            Some(name) if !name.is_empty() => format!("{name} {}", g.village),
            _ => g.village.clone(),
        };
        if let Some(grid) = &g.grid {
            let grid = if grid.is_empty() { tr(lang, "report.no_grid", &[]) } else { grid.clone() };
            out = if out.is_empty() { grid } else { format!("{out} · {grid}") };
        }
        if let Some((kind, code)) = &g.category {
            let field = if *kind == Kind::Demand { "domain" } else { "category" };
            let label = crate::domain::labels::code_label(Some(*kind), None, field, code, lang)
                .unwrap_or_else(|| if code.is_empty() { tr(lang, "report.no_category", &[]) } else { code.clone() });
            out = label;
        }
        out
    }
}

/// Called with (done, total) as the report reads; false cancels it.
pub(super) type Progress<'a> = &'a dyn Fn(u64, u64) -> bool;

/// The rows of a finished roll, labelled, and their total. A village the caller did not name is
/// named as its bundles and key said (a township's rows read "青石村 330782105203").
fn finish(
    app: &App,
    spec: &ReportSpec,
    as_of: Day,
    rows: BTreeMap<Group, Counts>,
    names: &BTreeMap<String, String>,
) -> Report {
    let mut names = names.clone();
    if rows.keys().any(|g| !g.village.is_empty() && !names.contains_key(&g.village)) {
        for k in app.store.key_entries().unwrap_or_default() {
            names.entry(k.division).or_insert(k.place);
        }
        for p in app.store.peers().unwrap_or_default() {
            names.entry(p.division).or_insert(p.place);
        }
    }
    let rows: Vec<ReportRow> = rows
        .into_iter()
        .map(|(group, counts)| ReportRow { label: app.group_label(&group, &names), group, counts })
        .collect();
    let mut total = Counts::default();
    for r in &rows {
        total.merge(&r.counts);
    }
    Report { period: spec.period, by: spec.by, as_of, rows, total }
}
