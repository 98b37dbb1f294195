//! The 同步 tab's dialogs, above the tabs on the overlay stack: the export destination prompt,
//! the list of bundle files, the trust dialog for an unknown signer, the import plan, and a
//! refusal with its reasons. Each reacts to an action in place and answers with a
//! [`DialogOp`], which `ui/overlay.rs` turns into the stack's `Op`.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::{CursorRenderMode, TextArea};

use super::work::{BundleEntry, Signer, SyncJob};
use crate::app::sync::{ExportSpec, ImportPlan, SignerState, StatsExportSpec};
use crate::tui::action::Action;

/// A dialog of the 同步 tab.
pub enum SyncDialog {
    /// Where to write a bundle, for whom, and whether everything; for a township, also whether
    /// to write its statistics file for the county instead.
    Export(Box<ExportPrompt>),
    /// The bundle files found.
    Bundles(BundleList),
    /// An unknown signer: compare the fingerprint, then trust it or not.
    Trust(Signer),
    /// What importing the bundle will do.
    Plan(PlanView),
    /// A bundle refused: the file and why.
    Refused(String, Vec<String>),
}

/// What a dialog's reaction does.
pub enum DialogOp {
    /// It stays; whether it changed.
    Stay(bool),
    /// It closes.
    Close,
    /// It starts this job.
    Start(SyncJob),
}

/// The export destination prompt. Its fields, by focus number: 0 the path, 1 the place, 2
/// everything, 3 what to write (a township: a bundle or the statistics file for its county,
/// docs/COUNTY.md "Export (township)").
pub struct ExportPrompt {
    /// The file to write (editable).
    pub path: TextArea<'static>,
    /// The places a township or county store may write for: (division code, place name). Empty
    /// for a village, which has no choice to make.
    pub targets: Vec<(String, String)>,
    /// Whether to offer the choice of place (a township or county store).
    pub offer_target: bool,
    /// 0: every place; `i + 1`: `targets[i]`.
    pub target: usize,
    /// Everything, not only what the peer lacks (a backup).
    pub all: bool,
    /// The focused field: 0 the path, 1 the place, 2 everything, 3 what to write.
    pub focus: usize,
    /// The suggested statistics file, when the store may write one (a township); `None`: only
    /// bundles are offered.
    pub stats_path: Option<PathBuf>,
    /// Write the statistics file, not a bundle.
    pub stats: bool,
    /// The suggested bundle file.
    bundle_path: PathBuf,
}

fn path_input(path: &std::path::Path) -> TextArea<'static> {
    let mut input = TextArea::new(vec![path.display().to_string()]);
    input.set_cursor_render_mode(CursorRenderMode::Hidden);
    input.set_cursor_line_style(ratatui::style::Style::default());
    input.move_cursor(tui_textarea::CursorMove::End);
    input
}

impl ExportPrompt {
    /// A prompt prefilled with `path`.
    pub fn new(path: PathBuf, targets: Vec<(String, String)>, offer_target: bool) -> ExportPrompt {
        ExportPrompt {
            path: path_input(&path),
            targets,
            offer_target,
            target: 0,
            all: false,
            focus: 0,
            stats_path: None,
            stats: false,
            bundle_path: path,
        }
    }

    /// The same prompt offering, besides a bundle, the statistics file for the county
    /// (a township store), suggested at `path`.
    pub fn with_stats(mut self, path: PathBuf) -> ExportPrompt {
        self.stats_path = Some(path);
        self
    }

    /// Switches between the bundle and the statistics file. The suggested file name follows,
    /// unless the user has edited the path.
    fn toggle_stats(&mut self) {
        let Some(stats_path) = &self.stats_path else { return };
        let (from, to) = if self.stats { (stats_path, &self.bundle_path) } else { (&self.bundle_path, stats_path) };
        if self.path_text() == from.display().to_string() {
            self.path = path_input(to);
        }
        self.stats = !self.stats;
    }

    /// The path typed.
    pub fn path_text(&self) -> String {
        self.path.lines().join("")
    }

    fn fields(&self) -> Vec<usize> {
        let mut f = vec![0];
        if self.stats_path.is_some() {
            f.push(3);
        }
        // a statistics file is for the county and holds every figure: no place, no scope
        if !self.stats {
            if self.offer_target {
                f.push(1);
            }
            f.push(2);
        }
        f
    }

    fn step(&mut self, forward: bool) {
        let f = self.fields();
        let i = f.iter().position(|x| *x == self.focus).unwrap_or(0);
        let n = f.len();
        self.focus = f[if forward { (i + 1) % n } else { (i + n - 1) % n }];
    }

    /// What the prompt asks for.
    pub fn spec(&self) -> ExportSpec {
        let for_place = self.target.checked_sub(1).and_then(|i| self.targets.get(i)).map(|(code, _)| code.clone());
        ExportSpec { out: PathBuf::from(self.path_text().trim()), all: self.all, for_place, ..ExportSpec::default() }
    }

    /// The job Enter starts: the bundle, or the statistics file (sealed for the county's
    /// trusted key when there is one, as `gridlog export --stats-only` does).
    pub fn job(&self) -> SyncJob {
        if self.stats {
            SyncJob::ExportStats(StatsExportSpec { out: self.spec().out, ..StatsExportSpec::default() })
        } else {
            SyncJob::Export(self.spec())
        }
    }

    fn key(&mut self, key: KeyEvent) -> bool {
        match (key.code, self.focus) {
            (KeyCode::Tab | KeyCode::Down, _) => self.step(true),
            (KeyCode::BackTab | KeyCode::Up, _) => self.step(false),
            (KeyCode::Left, 1) => self.target = (self.target + self.targets.len()) % (self.targets.len() + 1),
            (KeyCode::Right | KeyCode::Char(' '), 1) => self.target = (self.target + 1) % (self.targets.len() + 1),
            (KeyCode::Left | KeyCode::Right | KeyCode::Char(' '), 2) => self.all = !self.all,
            (KeyCode::Left | KeyCode::Right | KeyCode::Char(' '), 3) => self.toggle_stats(),
            (_, 0) => return self.path.input(key),
            _ => return false,
        }
        true
    }
}

/// The bundle files found, to pick one to import.
pub struct BundleList {
    /// Where they were looked for.
    pub dirs: Vec<PathBuf>,
    /// The files, newest first.
    pub entries: Vec<BundleEntry>,
    /// The selected one.
    pub selected: usize,
}

/// The plan of an import, before it is written.
pub struct PlanView {
    /// The plan (a dry run).
    pub plan: Box<ImportPlan>,
    /// The bundle.
    pub path: PathBuf,
    /// Whether the import trusts a new signer.
    pub trust_new: bool,
}

impl SyncDialog {
    /// What `key` means on this dialog.
    pub fn action_for(&self, key: KeyEvent) -> Action {
        let code = key.code;
        match self {
            SyncDialog::Export(_) => match code {
                KeyCode::Enter => Action::Yes,
                KeyCode::Esc => Action::Back,
                _ => Action::Edit(key),
            },
            SyncDialog::Bundles(_) => match code {
                KeyCode::Enter => Action::Yes,
                KeyCode::Esc | KeyCode::Char('q') => Action::Back,
                KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
                KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
                KeyCode::PageDown => Action::Move(8),
                KeyCode::PageUp => Action::Move(-8),
                _ => Action::Ignored,
            },
            // trusting a key is never the default: only `y`
            SyncDialog::Trust(_) => match code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Action::Yes,
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Action::Back,
                _ => Action::Ignored,
            },
            SyncDialog::Plan(_) => match code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => Action::Yes,
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Action::Back,
                _ => Action::Ignored,
            },
            SyncDialog::Refused(..) => Action::Back,
        }
    }

    /// Reacts to `action` in place.
    pub fn update(&mut self, action: Action) -> DialogOp {
        match (self, action) {
            (_, Action::Back) => DialogOp::Close,
            (SyncDialog::Export(p), Action::Yes) if p.path_text().trim().is_empty() => DialogOp::Stay(false),
            (SyncDialog::Export(p), Action::Yes) => DialogOp::Start(p.job()),
            (SyncDialog::Export(p), Action::Edit(key)) => DialogOp::Stay(p.key(key)),
            (SyncDialog::Export(p), Action::Paste(text)) => {
                p.path.insert_str(text.replace(['\n', '\r'], ""));
                DialogOp::Stay(true)
            }
            (SyncDialog::Bundles(l), Action::Move(d)) => {
                let before = l.selected;
                let last = l.entries.len().saturating_sub(1);
                l.selected = l.selected.saturating_add_signed(d).min(last);
                DialogOp::Stay(l.selected != before)
            }
            (SyncDialog::Bundles(l), Action::Yes) => match l.entries.get(l.selected) {
                Some(e) if e.info.is_ok() => {
                    DialogOp::Start(SyncJob::Import { path: e.path.clone(), dry_run: true, trust_new: false })
                }
                // a damaged file says why in its row; there is nothing to import
                _ => DialogOp::Stay(false),
            },
            (SyncDialog::Trust(s), Action::Yes) => {
                DialogOp::Start(SyncJob::Import { path: s.path.clone(), dry_run: true, trust_new: true })
            }
            (SyncDialog::Plan(p), Action::Yes) => DialogOp::Start(SyncJob::Import {
                path: p.path.clone(),
                dry_run: false,
                trust_new: p.trust_new || p.plan.signer == SignerState::New,
            }),
            _ => DialogOp::Stay(false),
        }
    }

    /// Whether the dialog stays open while the job it started runs (the list, to pick another
    /// file after a refusal); the others close.
    pub fn stays_for_job(&self) -> bool {
        matches!(self, SyncDialog::Bundles(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(d: &mut SyncDialog, code: KeyCode) -> DialogOp {
        let key = KeyEvent::from(code);
        let action = d.action_for(key);
        d.update(action)
    }

    #[test]
    fn the_prompt_asks_for_the_path_typed_the_place_chosen_and_everything_when_ticked() {
        let targets = vec![("330523105214".to_string(), "青石村".to_string())];
        let prompt = ExportPrompt::new(PathBuf::from("/media/li/U盘/石门镇.gridlog"), targets, true);
        let mut d = SyncDialog::Export(Box::new(prompt));
        for c in "x".chars() {
            press(&mut d, KeyCode::Char(c));
        }
        press(&mut d, KeyCode::Tab);
        press(&mut d, KeyCode::Right);
        press(&mut d, KeyCode::Tab);
        press(&mut d, KeyCode::Char(' '));
        let DialogOp::Start(SyncJob::Export(spec)) = press(&mut d, KeyCode::Enter) else { panic!("Enter exports") };
        assert_eq!(spec.out, PathBuf::from("/media/li/U盘/石门镇.gridlogx"), "typed at the end of the path");
        assert_eq!(spec.for_place.as_deref(), Some("330523105214"));
        assert!(spec.all);
        // a village has no place to choose: Tab goes from the path to the scope and back
        let mut d = SyncDialog::Export(Box::new(ExportPrompt::new(PathBuf::from("a.gridlog"), vec![], false)));
        press(&mut d, KeyCode::Tab);
        press(&mut d, KeyCode::Right);
        let DialogOp::Start(SyncJob::Export(spec)) = press(&mut d, KeyCode::Enter) else { panic!("Enter exports") };
        assert!(spec.all && spec.for_place.is_none());
        assert!(matches!(press(&mut d, KeyCode::Esc), DialogOp::Close));
    }

    fn prompt(d: &SyncDialog) -> &ExportPrompt {
        let SyncDialog::Export(p) = d else { panic!("the export prompt") };
        p
    }

    #[test]
    fn a_township_chooses_its_statistics_file_which_skips_place_and_scope_and_exports_to_the_typed_path() {
        let targets = vec![("330523105214".to_string(), "青石村".to_string())];
        let bundle = PathBuf::from("/media/wang/U盘/石门镇-20261127-1000.gridlog");
        let stats = PathBuf::from("/media/wang/U盘/石门镇-统计-20261127-1000.gridlog");
        let p = ExportPrompt::new(bundle.clone(), targets, true).with_stats(stats.clone());
        let mut d = SyncDialog::Export(Box::new(p));
        // Tab from the path reaches the choice of what to write; → picks the statistics file
        press(&mut d, KeyCode::Tab);
        assert_eq!(prompt(&d).focus, 3, "the choice comes after the path");
        press(&mut d, KeyCode::Right);
        assert!(prompt(&d).stats);
        assert_eq!(prompt(&d).path_text(), stats.display().to_string(), "the file name follows the choice");
        // place and scope do not apply: Tab goes back to the path, Shift+Tab to the choice
        press(&mut d, KeyCode::Tab);
        assert_eq!(prompt(&d).focus, 0, "place and scope are skipped");
        press(&mut d, KeyCode::BackTab);
        assert_eq!(prompt(&d).focus, 3);
        press(&mut d, KeyCode::Tab);
        press(&mut d, KeyCode::Backspace);
        for c in "2.gridlog".chars() {
            press(&mut d, KeyCode::Char(c));
        }
        let typed = stats.display().to_string().replace(".gridlog", ".gridlo2.gridlog");
        let DialogOp::Start(SyncJob::ExportStats(spec)) = press(&mut d, KeyCode::Enter) else {
            panic!("Enter writes the statistics file")
        };
        assert_eq!(spec.out, PathBuf::from(&typed), "the path typed");
        assert!(spec.for_place.is_none() && !spec.plain, "sealed for the county's key when it is trusted");
        // back to a bundle: an edited path stays, and the place and scope are offered again
        press(&mut d, KeyCode::Tab);
        press(&mut d, KeyCode::Left);
        assert!(!prompt(&d).stats);
        assert_eq!(prompt(&d).path_text(), typed, "a path the user edited is kept");
        press(&mut d, KeyCode::Tab);
        assert_eq!(prompt(&d).focus, 1, "the place again");
        assert!(matches!(press(&mut d, KeyCode::Enter), DialogOp::Start(SyncJob::Export(_))));
    }

    #[test]
    fn a_village_is_offered_no_statistics_file() {
        let mut d = SyncDialog::Export(Box::new(ExportPrompt::new(PathBuf::from("a.gridlog"), vec![], false)));
        for _ in 0..3 {
            press(&mut d, KeyCode::Tab);
            assert_ne!(prompt(&d).focus, 3, "no choice of what to write");
            press(&mut d, KeyCode::Right);
        }
        assert!(!prompt(&d).stats);
        assert!(matches!(press(&mut d, KeyCode::Enter), DialogOp::Start(SyncJob::Export(_))));
    }

    #[test]
    fn a_trust_dialog_trusts_only_on_y() {
        let signer = Signer {
            path: PathBuf::from("b.gridlog"),
            fingerprint: "ab".repeat(32),
            worker: "李秀英".into(),
            place: "青石村".into(),
            division: "330523105214".into(),
        };
        let mut d = SyncDialog::Trust(signer);
        assert!(matches!(press(&mut d, KeyCode::Enter), DialogOp::Stay(false)));
        assert!(matches!(press(&mut d, KeyCode::Char('x')), DialogOp::Stay(false)));
        match press(&mut d, KeyCode::Char('y')) {
            DialogOp::Start(SyncJob::Import { dry_run: true, trust_new: true, .. }) => {}
            _ => panic!("y plans the import, trusting the key"),
        }
        assert!(matches!(press(&mut d, KeyCode::Esc), DialogOp::Close));
    }
}
