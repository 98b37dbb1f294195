//! `update`: the one place where an action changes the interface's state. After a change the
//! state is fitted to the screen (what is stale is read again, scroll positions follow the
//! selection), so that drawing only reads.

use std::sync::Arc;

use ratatui::layout::Rect;

use super::help::{Help, fit_help};
use super::overlay::{Cx, Effect, Op, Overlay};
use super::{Confirm, Ui};
use crate::app::{AppError, InitSpec};
use crate::domain::{EntityId, Kind};
use crate::i18n::tr;
use crate::tui::action::{Action, JobOutput};
use crate::tui::detail::DetailScreen;
use crate::tui::form::{Form, Target};
use crate::tui::form_view;
use crate::tui::jobs::{JobEvent, Outcome};
use crate::tui::screen::Reply;
use crate::tui::tab::Tab;
use crate::tui::text::width;

impl Ui {
    /// Applies one action; true when the screen must be drawn again.
    pub fn update(&mut self, action: Action) -> bool {
        let mut changed = false;
        if action.clears_status() {
            changed |= self.status.take().is_some();
        }
        // progress moves the gauge only: nothing else to fit
        let fits = !matches!(action, Action::Job(JobEvent::Progress(..)));
        changed |= match action {
            Action::Interrupt => {
                if self.form_dirty() {
                    self.stack.push(Overlay::Confirm(Confirm::Quit));
                } else {
                    self.quit = true;
                }
                true
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                true
            }
            Action::Tick => self.tick(),
            Action::Job(ev) => self.job_event(ev),
            Action::Cancel => self.jobs.cancel(),
            Action::Click { col, row, width } if self.stack.is_empty() => self.click(col, row, width),
            action if !self.stack.is_empty() => self.overlay_update(action),
            action => self.tab_update(action),
        };
        if changed && fits {
            self.settle();
        }
        changed
    }

    fn report(&mut self, r: Result<(), AppError>) {
        if let Err(e) = r {
            self.fail(e);
        }
    }

    pub(super) fn fail(&mut self, e: AppError) {
        tracing::warn!("{e:?}");
        self.status = Some((e.lines(self.lang).join("；"), true));
    }

    pub(super) fn mark_stale(&mut self) {
        for s in &mut self.screens {
            s.mark_stale();
        }
    }

    /// The date changed while the screen was open: due dates and "overdue" move.
    fn tick(&mut self) -> bool {
        let today = self.app.today();
        if today == self.day {
            return false;
        }
        self.day = today;
        self.mark_stale();
        true
    }

    /// Reads what is stale and visible, and fits the tab and the overlays to the screen.
    fn settle(&mut self) {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        if Ui::too_small(area) {
            return;
        }
        let i = self.tab.index();
        if self.app.identity().is_some() {
            let r = self.screens[i].reload(&self.app);
            self.report(r);
            if let Some(spec) = self.screens[i].wants_report() {
                self.start_report(spec);
            }
        }
        let body = self.areas(area).body;
        let r = self.screens[i].fit(&self.app, body);
        self.report(r);
        for o in &mut self.stack {
            match o {
                Overlay::Detail(d) => d.fit(body, &self.theme, self.lang),
                Overlay::Form(f) => form_view::fit_scroll(f, body, self.lang),
                Overlay::Help(h) => fit_help(h, body, self.lang),
                _ => {}
            }
        }
    }

    fn tab_update(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.stack.push(Overlay::Help(Help::default())),
            Action::Search => self.stack.push(Overlay::Search(Box::default())),
            Action::New => {
                let Some(kind) = self.screen().new_kind() else { return false };
                let form = Form::create(kind, self.lang, self.app.today(), &self.defaults());
                self.stack.push(Overlay::Form(Box::new(form)));
            }
            Action::NextTab => self.tab = self.tab.next(),
            Action::PrevTab => self.tab = self.tab.prev(),
            Action::GoTo(tab) if tab == self.tab => return false,
            Action::GoTo(tab) => self.tab = tab,
            Action::Reload => self.mark_stale(),
            Action::Check => return self.start_check(),
            Action::Export => return self.open_export(),
            Action::Import => return self.list_bundles(),
            Action::ExportReport(spec) => return self.open_report_export(spec),
            action => {
                let r = self.screens[self.tab.index()].update(&action, &self.app);
                return self.reply(r);
            }
        }
        true
    }

    fn reply(&mut self, r: Result<Reply, AppError>) -> bool {
        match r {
            Ok(Reply::Unchanged) => false,
            Ok(Reply::Changed) => true,
            Ok(Reply::Open(id)) => {
                self.open_detail(id);
                true
            }
            Err(e) => {
                self.fail(e);
                true
            }
        }
    }

    /// The tab bar's labels for a terminal `cols` wide.
    pub(super) fn tab_labels(&self, cols: u16) -> Vec<String> {
        let label = |t: Tab| format!(" {} {} ", t.number(), tr(self.lang, t.label_key(), &[]));
        let full: usize = Tab::ALL.into_iter().map(|t| width(&label(t))).sum();
        // too narrow for every name: the active tab keeps its name, the others show their number
        let compact = full > cols as usize;
        Tab::ALL
            .into_iter()
            .map(|t| if compact && t != self.tab { format!(" {} ", t.number()) } else { label(t) })
            .collect()
    }

    fn click(&mut self, col: u16, row: u16, cols: u16) -> bool {
        if row == 0 {
            let mut x = 0;
            for (tab, label) in Tab::ALL.into_iter().zip(self.tab_labels(cols)) {
                let w = width(&label) as u16;
                if col >= x && col < x + w {
                    self.tab = tab;
                    return true;
                }
                x += w;
            }
            return false;
        }
        // the screen's area starts below the tab bar
        let reply = self.screens[self.tab.index()].click(row - 1);
        self.reply(Ok(reply))
    }

    fn overlay_update(&mut self, action: Action) -> bool {
        let Some(top) = self.stack.last_mut() else { return false };
        let mut cx = Cx { app: &self.app, lang: self.lang, status: &mut self.status };
        match top.update(action, &mut cx) {
            Op::Stay(changed) => changed,
            Op::Pop => {
                self.stack.pop();
                true
            }
            Op::Push(o) => {
                self.stack.push(o);
                true
            }
            Op::Replace(o) => {
                if let Some(top) = self.stack.last_mut() {
                    *top = o;
                }
                true
            }
            Op::Then(effect) => {
                self.effect(effect);
                true
            }
        }
    }

    fn effect(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => self.quit = true,
            Effect::DiscardForm => {
                // the confirmation, then the form under it
                self.stack.pop();
                self.stack.pop();
                self.app.clear_draft();
            }
            Effect::CloseForm => {
                self.stack.pop();
                self.app.clear_draft();
            }
            Effect::DropDraft => {
                // the question, then the offer under it
                self.stack.pop();
                self.stack.pop();
                self.app.clear_draft();
            }
            Effect::Submit => self.submit(),
            Effect::RestoreDraft(d) => {
                self.stack.pop();
                self.restore_draft(&d);
            }
            Effect::Open(id) => self.open_detail(id),
            Effect::OpenInstead(id) => {
                self.stack.pop();
                self.open_detail(id);
            }
            Effect::Sync(job) => self.start_sync(job),
            Effect::ExportReport(spec, path) => self.start_report_export(spec, path),
        }
    }

    fn open_detail(&mut self, id: EntityId) {
        match DetailScreen::load(&self.app, id) {
            Ok(d) => self.stack.push(Overlay::Detail(Box::new(d))),
            Err(e) => self.status = Some((e.lines(self.lang).join("；"), true)),
        }
    }

    /// What new records default to: the worker and the store's grid.
    fn defaults(&self) -> Vec<(&'static str, &str)> {
        self.app.identity().map(|i| Form::defaults(&i.worker, &i.grid)).unwrap_or_default()
    }

    /// Saves the form on top: it closes when saved, and stays with the problems marked when not.
    fn submit(&mut self) {
        let today = self.app.today();
        let Some(Overlay::Form(f)) = self.stack.last() else { return };
        let json = f.to_json(today);
        let target = f.target.clone();
        // a running job shares the app (it only reads); writing waits until it has ended
        let Some(app) = Arc::get_mut(&mut self.app) else {
            let title = self.jobs.running().map(|r| r.title.clone()).unwrap_or_default();
            self.status = Some((tr(self.lang, "tui.job.busy", &[&title]), true));
            return;
        };
        let mut link_error = None;
        let result = match target.clone() {
            Target::Create(kind) => app.add(kind, &json).map(|v| Some(v.entity.id)),
            Target::Raise { kind, visit } => app.raise(visit, kind, &json).map(|r| {
                link_error = r.link_error;
                Some(r.record.entity.id)
            }),
            Target::Action { id, action, .. } => app.act(id, &action, &json).map(|_| None),
            Target::Setup => {
                let s = |k: &str| json.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let spec = InitSpec {
                    role: s("role"),
                    division: s("division"),
                    place: s("place"),
                    worker: s("worker"),
                    grid: s("grid"),
                };
                app.init(&spec).map(|_| None)
            }
        };
        match result {
            Ok(created) => {
                self.stack.pop();
                self.app.clear_draft();
                if self.public_key.is_none() {
                    self.public_key = self.app.public_key_hex().ok().flatten();
                }
                self.mark_stale();
                // a visit saved goes straight on: its detail opens, where `d` raises a demand
                let saved = if target == Target::Create(Kind::Visit) { "tui.saved.visit" } else { "tui.saved" };
                self.status = Some(match link_error {
                    // saved, but the visit could not link it: say why (saving again would
                    // write the record twice)
                    Some(e) => (format!("{}{}", tr(self.lang, "tui.saved", &[]), e.lines(self.lang).join("；")), true),
                    None => (tr(self.lang, saved, &[]), false),
                });
                // refresh the detail under the form
                if let Some(Overlay::Detail(d)) = self.stack.last_mut()
                    && let Ok(nd) = DetailScreen::load(&self.app, d.id)
                {
                    **d = nd;
                }
                if let Some(id) = created {
                    self.open_detail(id);
                }
            }
            Err(AppError::Invalid(inv)) => {
                let mut marked = false;
                if let Some(Overlay::Form(f)) = self.stack.last_mut() {
                    f.set_errors(&inv, self.lang);
                    marked = f.errors.keys().any(|k| !k.is_empty());
                    if !marked {
                        // a refusal of the record, not of a field: its own line, below
                        f.errors.clear();
                    }
                }
                // one record per resident: the number is already registered; offer that record
                let existing = inv.existing_record();
                let msg = if marked && existing.is_none() {
                    tr(self.lang, "tui.form.fix", &[])
                } else {
                    AppError::Invalid(inv).lines(self.lang).join("；")
                };
                self.status = Some((msg, true));
                if let Some(id) = existing {
                    self.stack.push(Overlay::Confirm(Confirm::OpenExisting(id)));
                }
            }
            Err(e) => self.status = Some((e.lines(self.lang).join("；"), true)),
        }
    }

    fn restore_draft(&mut self, d: &serde_json::Value) {
        let today = self.app.today();
        let form = match Form::draft_target(d) {
            Some(Target::Create(k)) => Some(Form::create(k, self.lang, today, &self.defaults())),
            Some(Target::Setup) => Some(Form::setup(self.lang)),
            Some(Target::Raise { kind, visit }) => {
                let app = &self.app;
                let labels = |r: EntityId| app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string());
                let values = app.raise_defaults(visit, kind).unwrap_or_default();
                Some(Form::raise(kind, visit, self.lang, today, &self.defaults(), &values, &labels))
            }
            Some(Target::Action { id, kind, action }) => match self.app.entity(id) {
                Ok(e) => {
                    let app = &self.app;
                    let labels = |r: EntityId| app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string());
                    Form::action(kind, id, &action, &e.state, self.lang, today, &labels)
                }
                Err(_) => None,
            },
            None => None,
        };
        let Some(mut form) = form else {
            self.app.clear_draft();
            return;
        };
        form.restore(d);
        // back on the tab of the ledger the draft belongs to
        if let Some(k) = form.target.kind() {
            self.tab = Tab::of_kind(k);
            self.screens[self.tab.index()].show_kind(k);
        }
        self.stack.push(Overlay::Form(Box::new(form)));
    }

    /// Checks the store as a job (`gridlog doctor`), from the sync tab.
    fn start_check(&mut self) -> bool {
        let app = Arc::clone(&self.app);
        let lang = self.lang;
        let title = tr(lang, "tui.check.title", &[]);
        self.jobs.start(&title, move |h| crate::tui::sync::check_store(&app, lang, h))
    }

    fn job_event(&mut self, ev: JobEvent<JobOutput>) -> bool {
        let ours = self.jobs.running().is_some_and(|r| r.id == ev.id());
        let Some((title, outcome)) = self.jobs.apply(ev) else { return ours };
        self.status = Some(match outcome {
            Outcome::Done(JobOutput::Message(msg)) => (msg, false),
            Outcome::Done(JobOutput::Sync(done)) => {
                self.sync_done(*done);
                return true;
            }
            Outcome::Done(JobOutput::Report(r)) => {
                self.screens[Tab::Reports.index()].report_ready(Some(*r));
                return true;
            }
            Outcome::Failed(msg) => {
                self.screens[Tab::Reports.index()].report_ready(None);
                (tr(self.lang, "tui.job.failed", &[&title, &msg]), true)
            }
            Outcome::Cancelled => {
                self.screens[Tab::Reports.index()].report_ready(None);
                (tr(self.lang, "tui.job.cancelled", &[&title]), false)
            }
        });
        true
    }
}
