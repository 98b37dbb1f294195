//! `gridlog report`: the assessment report (docs/REPORTS.md) as a table, JSON, CSV or XLSX.

use std::path::{Path, PathBuf};

use crate::app::report::{GroupBy, ReportSpec, format, sheet};
use crate::app::{App, AppError};
use crate::domain::figures::Period;
use crate::i18n::tr;

/// What `gridlog report` was asked.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A month (2026-11), a quarter (2026-Q4) or a year (2026).
    #[arg(long)]
    pub period: String,
    /// Rows: village, grid (within each village) or category.
    #[arg(long, default_value = "village", value_name = "village|grid|category")]
    pub by: String,
    /// table, csv (UTF-8 with a BOM), xlsx (needs --out) or json.
    #[arg(long, default_value = "table", value_name = "table|csv|xlsx|json")]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `gridlog report`.
pub fn report(app: &App, a: &ReportArgs) -> Result<(), AppError> {
    let lang = app.lang();
    let period =
        Period::parse(&a.period).ok_or_else(|| AppError::Usage(tr(lang, "report.bad_period", &[&a.period])))?;
    let by = GroupBy::parse(&a.by).ok_or_else(|| AppError::Usage(tr(lang, "report.bad_by", &[&a.by])))?;
    if !matches!(a.format.as_str(), "table" | "json" | "csv" | "xlsx") {
        return Err(AppError::Usage(tr(lang, "report.bad_format", &[&a.format])));
    }
    if a.format == "xlsx" && a.out.is_none() {
        return Err(AppError::Usage(tr(lang, "report.needs_out", &[])));
    }
    let spec = ReportSpec { period, by };
    let r = app.report(&spec)?;
    // a county's figures came from its townships' statistics files: say from which, as of when
    let sources = app.report_sources(&spec)?;
    let bytes = match a.format.as_str() {
        "json" => {
            let mut j = format::json(&r);
            if app.is_county()
                && let Some(o) = j.as_object_mut()
            {
                o.insert("sources".into(), serde_json::to_value(&sources).unwrap_or_default());
            }
            let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
        "csv" => sheet::csv(&r, lang),
        "xlsx" => sheet::xlsx(&r, lang).map_err(|e| AppError::Other(e.to_string()))?,
        _ => {
            let mut t = format::table(&r, lang);
            if app.is_county() && sources.is_empty() {
                t.push_str(&tr(lang, "report.county_none", &[&period.to_string()]));
                t.push('\n');
            }
            for s in &sources {
                t.push_str(&tr(lang, "report.county_source", &[&s.place, &s.division, &s.as_of.to_string()]));
                t.push('\n');
            }
            t.into_bytes()
        }
    };
    emit(app, a.out.as_deref(), &bytes)
}

/// Writes the report to `out`, saying where, or to standard output.
fn emit(app: &App, out: Option<&Path>, bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
    let lang = app.lang();
    match out {
        Some(path) => {
            let shown = path.display().to_string();
            std::fs::write(path, bytes)
                .map_err(|e| AppError::Other(tr(lang, "report.write_failed", &[&shown, &e.to_string()])))?;
            println!("{}", tr(lang, "report.written", &[&shown]));
        }
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes).and_then(|()| o.flush()).map_err(|e| AppError::Other(e.to_string()))?;
        }
    }
    Ok(())
}

/// Periods as typed (`--period`, repeated), each checked.
pub fn parse_periods(given: &[String], lang: crate::i18n::Lang) -> Result<Vec<Period>, AppError> {
    given.iter().map(|p| Period::parse(p).ok_or_else(|| AppError::Usage(tr(lang, "report.bad_period", &[p])))).collect()
}
