//! The terminal interface: every ledger from the keyboard, in Chinese, at 80x24 and over SSH.
//!
//! Redraws only when something changed (a key, a paste, a resize, or the date rolling over,
//! checked once a minute): an idle screen sends no bytes and uses no CPU. A panic restores the
//! terminal first; form drafts are saved as they are typed, so nothing is lost.

mod backend;
pub mod detail;
pub mod form;
mod form_view;
pub mod home;
pub mod list;
pub mod search;
pub mod text;
pub mod theme;
pub mod ui;

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyEventKind,
    MouseEventKind,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;

use crate::app::{App, AppError};
pub use theme::Theme;
pub use ui::Ui;

/// How the TUI looks and listens.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Colours or monochrome.
    pub theme: Theme,
    /// Capture the mouse (wheel scrolls); off by default so the terminal's own selection works.
    pub mouse: bool,
}

fn restore_terminal(mouse: bool) {
    let mut out = io::stdout();
    let _ = disable_raw_mode();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
}

/// Restores the terminal before the panic message is printed (raw mode, alternate screen,
/// bracketed paste and mouse capture would otherwise be left on).
fn install_panic_hook(mouse: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal(mouse);
        tracing::error!("panic: {info}");
        previous(info);
    }));
}

type Term = Terminal<backend::LeanBackend<BufWriter<Stdout>>>;

fn setup(mouse: bool) -> io::Result<Term> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Terminal::new(backend::LeanBackend::new(BufWriter::with_capacity(16 * 1024, io::stdout())))
}

/// Runs the TUI on `app` until the user quits.
pub fn run(app: App, opts: Options) -> Result<(), AppError> {
    install_panic_hook(opts.mouse);
    let io_err = |e: io::Error| AppError::Other(format!("terminal: {e}"));
    let mut terminal = setup(opts.mouse).map_err(io_err)?;
    let mut ui = Ui::new(app, opts.theme);
    let result = event_loop(&mut terminal, &mut ui).map_err(io_err);
    restore_terminal(opts.mouse);
    if let Err(e) = &result {
        tracing::error!("tui: {e}");
    }
    result
}

fn event_loop(terminal: &mut Term, ui: &mut Ui) -> io::Result<()> {
    let mut dirty = true;
    let mut day = ui.app().today();
    let mut first = Some(std::time::Instant::now());
    loop {
        if dirty {
            terminal.draw(|f| ui.render(f))?;
            dirty = false;
            if let Some(t) = first.take() {
                tracing::info!("first frame drawn in {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        if ui.quit {
            return Ok(());
        }
        // No tick: block until input, waking once a minute only to notice a new day.
        if !event::poll(Duration::from_secs(60))? {
            let today = ui.app().today();
            if today != day {
                day = today;
                ui.on_new_day();
                dirty = true;
            }
            continue;
        }
        match event::read()? {
            Event::Key(k) if k.kind == KeyEventKind::Press => {
                ui.on_key(k);
                dirty = true;
            }
            Event::Paste(s) => {
                ui.on_paste(&s);
                dirty = true;
            }
            Event::Resize(_, _) => {
                terminal.autoresize()?;
                dirty = true;
            }
            Event::Mouse(m) => {
                let code = match m.kind {
                    MouseEventKind::ScrollDown => Some(crossterm::event::KeyCode::Down),
                    MouseEventKind::ScrollUp => Some(crossterm::event::KeyCode::Up),
                    MouseEventKind::Down(crossterm::event::MouseButton::Left) => {
                        let cols = terminal.size().map(|s| s.width).unwrap_or(80);
                        ui.on_click(m.column, m.row, cols);
                        dirty = true;
                        None
                    }
                    _ => None,
                };
                if let Some(code) = code {
                    ui.on_key(crossterm::event::KeyEvent::from(code));
                    dirty = true;
                }
            }
            _ => {}
        }
    }
}
