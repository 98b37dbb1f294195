//! The 同步 tab's flow through the interface: the export prompt, the jobs it starts, and what
//! each job's outcome opens next (the file list, the trust dialog, the plan, a refusal) or says
//! in the status line. The dialogs themselves are `tui/sync`'s; this is where the stack and
//! the job runner meet them (docs/ARCHITECTURE.md, "TUI loop").

use std::path::PathBuf;
use std::sync::Arc;

use super::{Overlay, Ui};
use crate::domain::check::division_covers;
use crate::i18n::tr;
use crate::tui::sync::{BundleList, Done, ExportPrompt, PlanView, SyncDialog, SyncJob};

impl Ui {
    /// Writes bundles to, and looks for them in, `dirs` instead of removable media and home
    /// (tests; the real program reads `GRIDLOG_MEDIA_DIRS`).
    pub fn set_bundle_dirs(&mut self, dirs: Vec<PathBuf>) {
        self.bundle_dirs = Some(dirs);
    }

    pub(super) fn bundle_dirs(&self) -> Vec<PathBuf> {
        self.bundle_dirs.clone().unwrap_or_else(crate::tui::sync::candidate_dirs)
    }

    /// `e`: the destination prompt, prefilled with a file in the first place a bundle can go,
    /// and for a township or county store the places under it that it knows; a township may
    /// write its statistics file for the county instead.
    pub(super) fn open_export(&mut self) -> bool {
        let Some(id) = self.app.identity() else { return false };
        let mine = id.division.clone();
        let path = crate::tui::sync::default_export_path(&self.bundle_dirs(), &id.place, self.app.now_ms());
        let offer = id.role != "village";
        let mut targets: Vec<(String, String)> = Vec::new();
        if offer {
            let peers = self.app.sync_status().map(|s| s.peers).unwrap_or_default();
            let keys = self.app.keys().unwrap_or_default();
            let known =
                peers.into_iter().map(|p| (p.division, p.place)).chain(keys.into_iter().map(|k| (k.division, k.place)));
            for (code, place) in known {
                let below = code != mine && division_covers(&mine, &code);
                if below && !targets.iter().any(|(c, _)| *c == code) {
                    targets.push((code, place));
                }
            }
            targets.sort();
        }
        let mut prompt = ExportPrompt::new(path, targets, offer);
        // a township also writes its statistics file for the county (docs/COUNTY.md)
        if id.role == "township" {
            let dirs = self.bundle_dirs();
            prompt =
                prompt.with_stats(crate::tui::sync::default_stats_path(&dirs, &id.place, self.lang, self.app.now_ms()));
        }
        self.stack.push(Overlay::Sync(Box::new(SyncDialog::Export(Box::new(prompt)))));
        true
    }

    /// `i`: reads the headers of the bundle files found (a job), then lists them.
    pub(super) fn list_bundles(&mut self) -> bool {
        let mut dirs = self.bundle_dirs();
        if self.bundle_dirs.is_none()
            && let Ok(cwd) = std::env::current_dir()
        {
            dirs.push(cwd);
        }
        self.start_sync(SyncJob::List(dirs));
        true
    }

    /// Starts a 同步 job; the dialog that asked for it closes, except the file list, which
    /// stays to pick another file. One job at a time: a second one is refused with a message.
    pub(super) fn start_sync(&mut self, job: SyncJob) {
        let app = Arc::clone(&self.app);
        let lang = self.lang;
        let title = job.title(lang);
        if !self.jobs.start(&title, move |h| crate::tui::sync::run(&app, lang, job, h)) {
            let running = self.jobs.running().map(|r| r.title.clone()).unwrap_or_default();
            self.status = Some((tr(lang, "tui.sync.busy", &[&running]), true));
            return;
        }
        if matches!(self.stack.last(), Some(Overlay::Sync(d)) if !d.stays_for_job()) {
            self.stack.pop();
        }
    }

    /// What a 同步 job's outcome opens or says. The store may have changed: every screen reads
    /// again.
    pub(super) fn sync_done(&mut self, done: Done) {
        self.mark_stale();
        let push = |ui: &mut Ui, d: SyncDialog| ui.stack.push(Overlay::Sync(Box::new(d)));
        match done {
            Done::Exported(msg) => self.status = Some((msg, false)),
            Done::Listed(dirs, entries) => push(self, SyncDialog::Bundles(BundleList { dirs, entries, selected: 0 })),
            Done::Untrusted(signer) => push(self, SyncDialog::Trust(signer)),
            Done::Plan(plan, path, trust_new) => push(self, SyncDialog::Plan(PlanView { plan, path, trust_new })),
            Done::Refused(file, why) => {
                self.status = Some((tr(self.lang, "tui.sync.refused_status", &[]), true));
                push(self, SyncDialog::Refused(file, why));
            }
            Done::Imported(msg) => {
                // the file list and whatever 同步 dialog is left above it
                while matches!(self.stack.last(), Some(Overlay::Sync(_))) {
                    self.stack.pop();
                }
                self.status = Some((msg, false));
            }
        }
    }
}
