//! The terminal interface: every ledger from the keyboard, in Chinese, at 80x24 and over SSH.
//!
//! One loop (docs/ARCHITECTURE.md, "TUI loop"): a terminal event becomes an `Action`
//! (`Ui::action_for`), `Ui::update` applies it and says whether anything changed, and only then
//! is the frame drawn (`Ui::draw`, which only reads). An idle screen sends no bytes and uses no
//! CPU: the loop blocks on input, waking once a minute to notice a new day, and more often
//! only while a job runs (its progress comes over a channel, see `jobs`). A panic restores the
//! terminal first; form drafts are saved as they are typed, so nothing is lost.

pub mod action;
mod backend;
pub mod detail;
pub mod form;
mod form_view;
pub mod home;
pub mod inbox;
pub mod jobs;
pub mod list;
pub mod reports;
pub mod screen;
pub mod search;
pub mod sync;
pub mod tab;
pub mod text;
pub mod theme;
pub mod ui;

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;

use crate::app::{App, AppError};
use action::Action;
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
        // a job's panic is caught by the job runner and shown as the job's failure: the
        // interface goes on, so the terminal stays as it is
        if jobs::on_job_thread() {
            tracing::error!("job panicked: {info}");
            return;
        }
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
    let size = terminal.size()?;
    ui.update(Action::Resize(size.width, size.height));
    let mut dirty = true;
    let mut first = Some(std::time::Instant::now());
    loop {
        if dirty {
            terminal.draw(|f| ui.draw(f))?;
            dirty = false;
            if let Some(t) = first.take() {
                tracing::info!("first frame drawn in {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        if ui.quit {
            return Ok(());
        }
        // No tick: block until input, waking once a minute only to notice a new day, and
        // often while a job runs, to show its progress.
        let wait = if ui.job_running() { Duration::from_millis(100) } else { Duration::from_secs(60) };
        if event::poll(wait)? {
            let ev = event::read()?;
            if let Event::Resize(..) = ev {
                terminal.autoresize()?;
            }
            dirty |= ui.on_event(&ev);
        } else {
            dirty |= ui.update(Action::Tick);
        }
        while let Some(a) = ui.job_action() {
            dirty |= ui.update(a);
        }
    }
}
