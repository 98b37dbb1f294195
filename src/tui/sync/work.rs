//! The 同步 tab's long work, run as jobs (docs/ARCHITECTURE.md, "TUI loop"): writing a bundle
//! or a township's statistics file (docs/COUNTY.md), reading the headers of the bundles found, and checking, planning and importing one. Each
//! reports progress to the gauge and ends in a [`Done`] that `update` turns into a message or
//! the next dialog; a refusal is an outcome to show, not a failure of the job.

use std::path::PathBuf;

use crate::app::present::kind_label;
use crate::app::sync::{
    ExportSpec, ImportOptions, ImportPlan, Imported, PerKind, Refusal, StatsExportSpec, short_fingerprint,
};
use crate::app::{App, AppError};
use crate::i18n::{Lang, tr};
use crate::tui::action::JobOutput;
use crate::tui::jobs::Handle;

pub use super::outcome::{BundleEntry, Done, Signer};

/// A job the 同步 tab starts.
#[derive(Clone, Debug)]
pub enum SyncJob {
    /// Write a bundle.
    Export(ExportSpec),
    /// Write a township's statistics file for its county.
    ExportStats(StatsExportSpec),
    /// List the bundles in these directories, reading each one's header.
    List(Vec<PathBuf>),
    /// Check and plan (`dry_run`), or import, one bundle.
    Import {
        /// The file.
        path: PathBuf,
        /// Plan only.
        dry_run: bool,
        /// Trust its signer (the user compared the fingerprint and said yes).
        trust_new: bool,
    },
}

impl SyncJob {
    /// What the gauge calls it.
    pub fn title(&self, lang: Lang) -> String {
        let key = match self {
            SyncJob::Export(_) => "tui.sync.job_export",
            SyncJob::ExportStats(_) => "tui.sync.job_stats",
            SyncJob::List(_) => "tui.sync.job_list",
            SyncJob::Import { dry_run: true, .. } => "tui.sync.job_check",
            SyncJob::Import { .. } => "tui.sync.job_import",
        };
        tr(lang, key, &[])
    }
}

/// Runs `job` on the job's thread.
pub fn run(app: &App, lang: Lang, job: SyncJob, h: &Handle<JobOutput>) -> Result<JobOutput, String> {
    let done = match job {
        SyncJob::Export(spec) => export(app, lang, &spec, h)?,
        SyncJob::ExportStats(spec) => export_stats(app, lang, &spec, h)?,
        SyncJob::List(dirs) => list(app, lang, &dirs, h),
        SyncJob::Import { path, dry_run, trust_new } => import(app, lang, path, dry_run, trust_new, h)?,
    };
    Ok(JobOutput::Sync(Box::new(done)))
}

fn export(app: &App, lang: Lang, spec: &ExportSpec, h: &Handle<JobOutput>) -> Result<Done, String> {
    let label = tr(lang, "tui.sync.events", &[]);
    h.progress(0, 0, &label);
    let r = app
        .export(spec, &|n, total| {
            h.progress(n, total, &label);
            !h.cancelled()
        })
        .map_err(|e| e.lines(lang).join("；"))?;
    let mut msg = tr(lang, "tui.sync.exported", &[&r.events.to_string(), &size(r.bytes), &r.path]);
    if r.events > 0 {
        msg.push_str(&tr(lang, "tui.sync.records", &[&per_kind(&r.records, lang)]));
    } else {
        msg.push_str(&tr(lang, "tui.sync.exported_empty", &[]));
    }
    Ok(Done::Exported(msg))
}

/// The statistics file: one step with no count to show, then, first, for whom it is sealed if
/// it is (the place of the trusted key, as the 密钥 list names it), then what it holds.
fn export_stats(app: &App, lang: Lang, spec: &StatsExportSpec, h: &Handle<JobOutput>) -> Result<Done, String> {
    h.progress(0, 0, &tr(lang, "tui.sync.job_stats", &[]));
    let r = app.export_stats(spec).map_err(|e| e.lines(lang).join("；"))?;
    let (places, periods, rows, bytes) =
        (r.places.to_string(), r.periods.to_string(), r.rows.to_string(), size(r.bytes));
    let msg = match &r.encrypted_for {
        None => tr(lang, "tui.sync.stats_exported", &[&places, &periods, &rows, &bytes, &r.path]),
        Some(fp) => {
            let keys = app.keys().unwrap_or_default();
            let place = keys.iter().find(|k| k.fingerprint == *fp).map(|k| k.place.clone()).unwrap_or_default();
            let place = if place.is_empty() { tr(lang, "tui.sync.stats_county", &[]) } else { place };
            let args = [&places, &periods, &rows, &bytes, &r.path, &place, &short_fingerprint(fp)];
            tr(lang, "tui.sync.stats_exported_sealed", &args.map(|s| s.as_str()))
        }
    };
    Ok(Done::Exported(msg))
}

fn list(app: &App, lang: Lang, dirs: &[PathBuf], h: &Handle<JobOutput>) -> Done {
    let files = super::places::bundle_files(dirs);
    let label = tr(lang, "tui.sync.files", &[]);
    let total = files.len() as u64;
    let mut out = Vec::new();
    for (i, path) in files.into_iter().enumerate() {
        if h.cancelled() {
            break;
        }
        h.progress(i as u64, total, &label);
        let info = app.peek_bundle(&path).map_err(|e| match &e {
            AppError::Refused { why, .. } => why.lines(lang).join("；"),
            _ => e.lines(lang).join("；"),
        });
        out.push(BundleEntry { path, info });
    }
    h.progress(total, total, &label);
    Done::Listed(dirs.to_vec(), out)
}

fn import(
    app: &App,
    lang: Lang,
    path: PathBuf,
    dry_run: bool,
    trust_new: bool,
    h: &Handle<JobOutput>,
) -> Result<Done, String> {
    let label = tr(lang, "tui.sync.events", &[]);
    let progress = |done: u64, total: u64| {
        h.progress(done, total, &label);
        !h.cancelled()
    };
    match app.import_any(&path, ImportOptions { dry_run, trust_new }, &progress) {
        Ok(Imported::Bundle(plan)) if dry_run => Ok(Done::Plan(Box::new(plan), path, trust_new)),
        Ok(Imported::Bundle(plan)) => Ok(Done::Imported(imported(&plan, lang))),
        // a county's statistics file: figures only, nothing to decide, so checked and written
        Ok(Imported::Stats(_)) if dry_run => import(app, lang, path, false, trust_new, h),
        Ok(Imported::Stats(plan)) => Ok(Done::Imported(tr(
            lang,
            "tui.sync.imported_stats",
            &[&plan.place, &plan.as_of, &plan.places.to_string(), &plan.added.to_string(), &plan.replaced.to_string()],
        ))),
        Err(AppError::Refused { file, why }) => match *why {
            Refusal::UnknownSigner { fingerprint, worker, place, division } => {
                Ok(Done::Untrusted(Signer { path, fingerprint, worker, place, division }))
            }
            why => Ok(Done::Refused(file, why.lines(lang))),
        },
        Err(e) => Err(e.lines(lang).join("；")),
    }
}

fn imported(plan: &ImportPlan, lang: Lang) -> String {
    tr(
        lang,
        "tui.sync.imported",
        &[
            &plan.new_total().to_string(),
            &plan.producer.place,
            &per_kind(&plan.created, lang),
            &per_kind(&plan.updated, lang),
            &plan.duplicates.to_string(),
        ],
    )
}

/// Counts per ledger, as a person reads them: `诉求 2，走访 5`.
pub fn per_kind(p: &PerKind, lang: Lang) -> String {
    if p.0.is_empty() {
        return tr(lang, "cli.none", &[]);
    }
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    p.0.iter().map(|(k, n)| format!("{} {n}", kind_label(*k, lang))).collect::<Vec<_>>().join(sep)
}

/// A file size in KB or MB.
pub fn size(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    }
}
