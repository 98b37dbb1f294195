//! The 报表 tab's jobs through the interface: a report by grid (which reads the links view
//! too) computed beside the loop, and the export: the destination prompt on the stack, then the job
//! that writes the file, its gauge, and its outcome in the status line (docs/ARCHITECTURE.md,
//! "TUI loop"). The prompt and the job themselves are `tui/reports`'.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Overlay, Ui};
use crate::app::report::ReportSpec;
use crate::i18n::tr;
use crate::tui::reports::ExportReport;
use crate::tui::tab::Tab;

impl Ui {
    /// `x`: the prompt, prefilled with `报表-2026-11-按村.xlsx` in the first place a bundle can
    /// go (a USB stick, else home; the 同步 tab's places).
    pub(super) fn open_report_export(&mut self, spec: ReportSpec) -> bool {
        let dir = self.bundle_dirs().into_iter().next().unwrap_or_default();
        self.stack.push(Overlay::ReportExport(Box::new(ExportReport::new(spec, &dir, self.lang))));
        true
    }

    /// Computes a report the 报表 tab waits for as a job (the screen stays live); when another
    /// job runs, here and now.
    pub(super) fn start_report(&mut self, spec: ReportSpec) {
        let app = Arc::clone(&self.app);
        let lang = self.lang;
        let title = tr(lang, "tui.report.job_compute", &[]);
        let started = self.jobs.start(&title, move |h| crate::tui::reports::compute_job(&app, lang, spec, h));
        if !started {
            let r = self.app.report(&spec);
            let screen = &mut self.screens[Tab::Reports.index()];
            match r {
                Ok(r) => screen.report_ready(Some(r)),
                Err(e) => {
                    screen.report_ready(None);
                    self.fail(e);
                }
            }
        }
    }

    /// Writes the report as a job; the prompt closes. One job at a time.
    pub(super) fn start_report_export(&mut self, spec: ReportSpec, path: PathBuf) {
        let app = Arc::clone(&self.app);
        let lang = self.lang;
        let title = tr(lang, "tui.report.job_export", &[]);
        if !self.jobs.start(&title, move |h| crate::tui::reports::export_job(&app, lang, spec, &path, h)) {
            let running = self.jobs.running().map(|r| r.title.clone()).unwrap_or_default();
            self.status = Some((tr(lang, "tui.sync.busy", &[&running]), true));
            return;
        }
        if matches!(self.stack.last(), Some(Overlay::ReportExport(_))) {
            self.stack.pop();
        }
    }
}
