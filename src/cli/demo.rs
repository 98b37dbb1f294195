//! The demo stores of the command line (`--demo`, `--demo=township`, `--demo=county`,
//! `gridlog demo`): which one, and making it with a progress bar on a terminal.

use std::path::Path;

use super::progress_bar;
use crate::app::{App, AppError, DemoLevel, DemoScale, Options};
use crate::i18n::{Lang, tr};

/// Which demo store `--demo` opens.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoKind {
    /// The demo village (profile `demo`).
    Village,
    /// A demo township over demo villages (profile `demo-township`).
    Township,
    /// A demo county over demo townships (profile `demo-county`).
    County,
}

impl DemoKind {
    pub(super) fn profile(self) -> &'static str {
        match self {
            DemoKind::Village => "demo",
            DemoKind::Township => "demo-township",
            DemoKind::County => "demo-county",
        }
    }
}

/// Opens a demo store, creating it with demo data on first use.
pub(super) fn open_demo(kind: DemoKind, dir: &Path, opts: &Options, lang: Lang) -> Result<App, AppError> {
    match App::open(dir, opts, lang) {
        Ok(app) if app.identity().is_some_and(|i| i.demo) => return Ok(app),
        Ok(_) | Err(AppError::DemoInterrupted(_)) => {}
        Err(e) => return Err(e),
    }
    eprintln!("{}", tr(lang, "cli.demo_creating", &[&dir.display().to_string()]));
    make_demo(kind, dir, opts, lang, DEFAULT_DEMO_RECORDS, 1, DemoScale::DEFAULT_VILLAGES)?;
    App::open(dir, opts, lang)
}

/// Fills `dir` with a demo village or township, with a progress bar on a terminal.
pub(super) fn make_demo(
    kind: DemoKind,
    dir: &Path,
    opts: &Options,
    lang: Lang,
    records: usize,
    seed: u64,
    villages: usize,
) -> Result<crate::app::DemoReport, AppError> {
    match kind {
        DemoKind::Village => {
            let pb = progress_bar(records as u64);
            let r = App::demo(dir, opts, lang, records, seed, &|n| pb.set_position(n));
            pb.finish_and_clear();
            r
        }
        DemoKind::Township | DemoKind::County => {
            let level = if kind == DemoKind::County { DemoLevel::County } else { DemoLevel::Township };
            let scale = DemoScale { level, villages, records, seed };
            let pb = progress_bar(scale.records_of());
            let r = App::demo_above(dir, opts, lang, &scale, &|n| pb.set_position(n));
            pb.finish_and_clear();
            r
        }
    }
}

const DEFAULT_DEMO_RECORDS: usize = 2000;
