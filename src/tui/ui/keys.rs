//! Terminal events to actions. What a key means depends on where it lands: the overlay on top
//! takes every key; otherwise the keys every tab shares come first, then the tab's own screen.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

use super::Ui;
use crate::tui::action::Action;
use crate::tui::tab::Tab;

impl Ui {
    /// What a terminal event means here and now (None: nothing at all).
    pub fn action_for(&self, ev: &Event) -> Option<Action> {
        match ev {
            Event::Key(k) if k.kind == KeyEventKind::Press => Some(self.key_action(*k)),
            Event::Paste(_) if self.hidden() => None,
            Event::Paste(s) => Some(Action::Paste(s.clone())),
            Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
            // the wheel moves as the arrow keys do, wherever they move
            Event::Mouse(_) if self.hidden() => None,
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown => Some(self.key_action(KeyEvent::from(KeyCode::Down))),
                MouseEventKind::ScrollUp => Some(self.key_action(KeyEvent::from(KeyCode::Up))),
                MouseEventKind::Down(MouseButton::Left) => self.click_action(m.column, m.row, self.size.0),
                _ => None,
            },
            _ => None,
        }
    }

    /// What a key press means.
    pub fn key_action(&self, key: KeyEvent) -> Action {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Interrupt;
        }
        // nothing can be seen: only quitting acts (a window not yet measured is not small)
        if self.hidden() {
            return if key.code == KeyCode::Char('q') { Action::Interrupt } else { Action::Ignored };
        }
        // Esc stops a running job from the tabs and from the 同步 dialogs (forms keep their Esc)
        if key.code == KeyCode::Esc
            && self.jobs.running().is_some()
            && matches!(self.stack.last(), None | Some(super::Overlay::Sync(_)))
        {
            return Action::Cancel;
        }
        if let Some(top) = self.stack.last() {
            return top.action_for(key);
        }
        if let KeyCode::Char(c) = key.code
            && let Some(tab) = Tab::from_number(c)
        {
            return Action::GoTo(tab);
        }
        // the 报表 tab steps its period with ←→ and cycles its ledger with `l` (Tab and the
        // numbers still switch tabs)
        if self.tab == Tab::Reports && matches!(key.code, KeyCode::Left | KeyCode::Right | KeyCode::Char('l')) {
            return self.screen().action_for(key);
        }
        match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('/') => Action::Search,
            KeyCode::Char('n') => Action::New,
            KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => Action::NextTab,
            KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => Action::PrevTab,
            KeyCode::Char('R') | KeyCode::F(5) => Action::Reload,
            _ => self.screen().action_for(key),
        }
    }

    /// The window is too small to show anything but the request to make it larger.
    fn hidden(&self) -> bool {
        self.size != (0, 0) && Ui::too_small(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// A left click: only the tabs and their rows take clicks, not the overlays.
    pub(super) fn click_action(&self, col: u16, row: u16, width: u16) -> Option<Action> {
        self.stack.is_empty().then_some(Action::Click { col, row, width })
    }
}
